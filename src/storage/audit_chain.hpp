// The audit trail's hash chain, shared by every Store adapter so that all of them chain, and
// verify, the same way: hash = SHA-256(previous_hash || CanonicalAuditContent(entry)).
//
// Thread safety: pure functions.
#pragma once

#include <optional>

#include "domain/audit.hpp"

namespace shakwa::storage {

// The hash entry must carry, given the previous record's hash (zeros for the first record).
domain::Sha256 ChainHash(const domain::Sha256& previous, const domain::AuditEntry& entry);

// Checks records one by one, in sequence order, carrying the state between calls, so a chain of
// any length is verified in pages without holding it in memory.
class AuditChainVerifier {
 public:
  // Returns false (and fills result().first_bad / problem) at the first record that is out of
  // sequence (a deletion or reordering), does not link to its predecessor, or whose content no
  // longer matches its hash (an edit). Later calls are ignored once a fault is found.
  bool Check(const domain::AuditEntry& entry);
  const domain::AuditVerification& result() const { return result_; }

 private:
  domain::AuditVerification result_;
  domain::Sha256 previous_{};
  std::int64_t expected_sequence_ = 1;
};

}  // namespace shakwa::storage
