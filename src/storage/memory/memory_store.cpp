#include "storage/memory/memory_store.hpp"

namespace shakwa::storage::memory {
namespace {

using domain::Result;
using domain::Status;

class Transaction final : public app::WriteTransaction, public app::ReadTransaction {
 public:
  explicit Transaction(MemoryStore::State& state) : state_(state) {}

  Result<std::int64_t> NextReferenceSequence(int year) override { return ++state_.sequences[year]; }

  Result<std::int64_t> InsertCase(const domain::Case& c, const app::AccessCodeHash& hash) override {
    const std::string reference = c.reference.ToString();
    if (state_.cases.contains(reference)) {
      return domain::Error::Of(domain::ErrorCode::kInternal, domain::MessageId::kInternalError,
                               "reference already used: " + reference);
    }
    app::StoredCase stored{c, hash};
    stored.value.id = state_.next_case_id++;
    state_.cases.emplace(reference, stored);
    return stored.value.id;
  }

  Result<std::int64_t> AppendEvent(std::int64_t case_id, const domain::CaseEvent& e) override {
    domain::CaseEvent event = e;
    event.id = state_.next_event_id++;
    state_.events[case_id].push_back(event);
    return event.id;
  }

  Result<std::optional<app::StoredCase>> FindCase(const domain::Reference& reference) override {
    auto it = state_.cases.find(reference.ToString());
    if (it == state_.cases.end()) return std::optional<app::StoredCase>{};
    return std::optional<app::StoredCase>(it->second);
  }

  Result<std::vector<domain::CaseEvent>> Timeline(std::int64_t case_id, bool public_only) override {
    std::vector<domain::CaseEvent> out;
    for (const auto& e : state_.events[case_id]) {
      if (!public_only || e.visibility == domain::CaseEvent::Visibility::kPublic) {
        out.push_back(e);
      }
    }
    return out;
  }

  Result<std::vector<domain::Category>> Categories() override { return state_.categories; }

  Result<std::int64_t> CountCases() override {
    return static_cast<std::int64_t>(state_.cases.size());
  }

  Status Ping() override { return Status::Ok(); }

 private:
  MemoryStore::State& state_;
};

}  // namespace

MemoryStore::MemoryStore() {
  const auto defaults = domain::DefaultCategories();
  state_.categories.assign(defaults.begin(), defaults.end());
}

void MemoryStore::Write(WriteWork work, WriteDone done) {
  Status status;
  {
    std::lock_guard lock(mutex_);
    if (fail_writes_) {
      status = domain::Error::Of(domain::ErrorCode::kUnavailable,
                                 domain::MessageId::kStorageUnavailable, "writes disabled");
    } else {
      State staged = state_;
      Transaction tx(staged);
      status = work(tx);
      if (status.ok()) state_ = std::move(staged);
    }
  }
  done(std::move(status));
}

Status MemoryStore::Read(const ReadWork& work) {
  std::lock_guard lock(mutex_);
  if (fail_reads_) {
    return domain::Error::Of(domain::ErrorCode::kUnavailable,
                             domain::MessageId::kStorageUnavailable, "reads disabled");
  }
  Transaction tx(state_);
  return work(tx);
}

void MemoryStore::FailWrites(bool fail) {
  std::lock_guard lock(mutex_);
  fail_writes_ = fail;
}

void MemoryStore::FailReads(bool fail) {
  std::lock_guard lock(mutex_);
  fail_reads_ = fail;
}

}  // namespace shakwa::storage::memory
