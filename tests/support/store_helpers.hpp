// Helpers for tests that drive a Store directly: a synchronous write, a temporary directory,
// and a case ready to insert.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <future>
#include <random>

#include "app/ports/store.hpp"
#include "domain/case.hpp"

namespace shakwa::testing {

inline domain::Status WriteSync(app::Store& store, app::Store::WriteWork work) {
  std::promise<domain::Status> done;
  auto future = done.get_future();
  store.Write(std::move(work), [&done](domain::Status s) { done.set_value(std::move(s)); });
  return future.get();
}

class TempDir {
 public:
  TempDir() {
    std::random_device device;
    path_ = std::filesystem::temp_directory_path() /
            ("shakwa-test-" + std::to_string(::getpid()) + "-" + std::to_string(device()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline domain::Case SampleCase(int year, std::int64_t sequence) {
  domain::Case c;
  c.reference = domain::Reference{'C', year, sequence, 6};
  c.kind = domain::CaseKind::kComplaint;
  c.status = domain::CaseStatus::kReceived;
  c.channel = domain::Channel::kApi;
  c.received_at = domain::Instant{std::chrono::milliseconds{1773133200123}};
  c.recorded_at = c.received_at + std::chrono::milliseconds{5};
  c.recorded_by = domain::Actor{domain::Actor::Kind::kStaff, "agent-7"};
  c.beneficiary.kind = domain::BeneficiaryKind::kFinancial;
  c.beneficiary.name = "سعاد الحربي";
  c.beneficiary.email = "ops@bank.example";
  c.beneficiary.mobile = "+966551234567";
  c.beneficiary.national_id = "7001234567";
  c.beneficiary.organization = "بنك المثال";
  c.beneficiary.representative =
      domain::Representative{"منى", "مفوضة بالتوقيع", std::nullopt, "+966509998877"};
  c.category = "guarantees";
  c.subcategory = "final guarantee";
  c.about = domain::Subject::kProcedure;
  c.related_transactions = {{domain::TransactionType::kTender, "T-1"},
                            {domain::TransactionType::kPaymentOrder, "PO-2"}};
  c.subject = "الضمان النهائي";
  c.description = "وصف\nمفصل";
  c.remedy_sought = "الإفراج عن الضمان";
  c.language = domain::Language::kEnglish;
  c.preferred_channel = domain::ContactChannel::kSms;
  c.consent_notice_shown = true;
  c.vulnerable = true;
  c.escalation_level = 0;
  return c;
}

}  // namespace shakwa::testing
