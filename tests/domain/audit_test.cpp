#include "domain/audit.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace shakwa::domain {
namespace {

AuditEntry Sample() {
  AuditEntry e;
  e.sequence = 12;
  e.at = Instant{std::chrono::milliseconds{1773133200123}};
  e.actor = Actor{Actor::Kind::kStaff, "21"};
  e.action = "case.assessed";
  e.subject = "C-2026-000001-6";
  e.detail = R"({"version":2,"note":"ملاحظة"})";
  return e;
}

TEST(CanonicalAuditContent, LengthPrefixesEveryFieldAfterAVersionTag) {
  EXPECT_EQ(CanonicalAuditContent(Sample()),
            "shakwa-audit-v1;2:12;13:1773133200123;5:staff;2:21;13:case.assessed;"
            "15:C-2026-000001-6;" +
                std::to_string(Sample().detail.size()) + ":" + Sample().detail + ";");
}

TEST(CanonicalAuditContent, ChangesWithEveryField) {
  const std::vector<std::function<void(AuditEntry&)>> changes = {
      [](AuditEntry& e) { e.sequence = 13; },
      [](AuditEntry& e) { e.at += std::chrono::milliseconds{1}; },
      [](AuditEntry& e) { e.actor.kind = Actor::Kind::kSystem; },
      [](AuditEntry& e) { e.actor.kind = Actor::Kind::kBeneficiary; },
      [](AuditEntry& e) { e.actor.id = "22"; },
      [](AuditEntry& e) { e.action = "case.rejected"; },
      [](AuditEntry& e) { e.subject = "C-2026-000002-4"; },
      [](AuditEntry& e) { e.detail = R"({"version":3,"note":"ملاحظة"})"; },
      [](AuditEntry& e) { e.detail = ""; },
  };
  std::set<std::string> contents = {CanonicalAuditContent(Sample())};
  for (std::size_t i = 0; i < changes.size(); ++i) {
    AuditEntry e = Sample();
    changes[i](e);
    EXPECT_TRUE(contents.insert(CanonicalAuditContent(e)).second) << "change " << i;
  }
}

TEST(CanonicalAuditContent, LeavesTheHashesOut) {
  AuditEntry e = Sample();
  e.previous_hash.fill(0xAB);
  e.hash.fill(0xCD);
  EXPECT_EQ(CanonicalAuditContent(e), CanonicalAuditContent(Sample()));
}

TEST(CanonicalAuditContent, NoTwoSplitsOfTheSameCharactersCollide) {
  // Moving characters across a field boundary must change the content.
  AuditEntry a = Sample(), b = Sample();
  a.action = "ab";
  a.subject = "c";
  b.action = "a";
  b.subject = "bc";
  EXPECT_NE(CanonicalAuditContent(a), CanonicalAuditContent(b));

  a = Sample(), b = Sample();
  a.actor.id = "2";
  a.action = "1case";
  b.actor.id = "21";
  b.action = "case";
  EXPECT_NE(CanonicalAuditContent(a), CanonicalAuditContent(b));

  a = Sample(), b = Sample();
  a.subject = "x";
  a.detail = "";
  b.subject = "";
  b.detail = "x";
  EXPECT_NE(CanonicalAuditContent(a), CanonicalAuditContent(b));
}

TEST(CanonicalAuditContent, AFieldCannotForgeTheSeparatorsOfTheNext) {
  // A subject that spells out the encoding of "subject x, detail y" is still one subject.
  AuditEntry a = Sample(), b = Sample();
  a.subject = "x";
  a.detail = "y";
  b.subject = "x;1:y";
  b.detail = "";
  EXPECT_NE(CanonicalAuditContent(a), CanonicalAuditContent(b));

  a = Sample(), b = Sample();
  a.action = "p;1:q";
  a.subject = "r";
  b.action = "p";
  b.subject = "q;1:r";
  EXPECT_NE(CanonicalAuditContent(a), CanonicalAuditContent(b));
}

TEST(CanonicalAuditContent, CountsBytesOfArabicText) {
  AuditEntry e = Sample();
  e.subject = "ملف";  // 3 letters, 6 bytes
  EXPECT_NE(CanonicalAuditContent(e).find(";6:ملف;"), std::string::npos);
}

TEST(AuditVerification, IsOkUntilABadRecordIsNamed) {
  AuditVerification v;
  v.records = 3;
  EXPECT_TRUE(v.ok());
  v.first_bad = 2;
  EXPECT_FALSE(v.ok());
}

}  // namespace
}  // namespace shakwa::domain
