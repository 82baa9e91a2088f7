#include "storage/audit_chain.hpp"

#include <sodium.h>

namespace shakwa::storage {

domain::Sha256 ChainHash(const domain::Sha256& previous, const domain::AuditEntry& entry) {
  const std::string content = domain::CanonicalAuditContent(entry);
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, previous.data(), previous.size());
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(content.data()),
                            content.size());
  domain::Sha256 out{};
  crypto_hash_sha256_final(&state, out.data());
  return out;
}

bool AuditChainVerifier::Check(const domain::AuditEntry& entry) {
  if (!result_.ok()) return false;
  auto fail = [&](std::string problem) {
    result_.first_bad = entry.sequence;
    result_.problem = std::move(problem);
    return false;
  };
  if (entry.sequence != expected_sequence_) {
    // A gap is a deletion; a smaller number is a reordering. Either way, name where the chain
    // stops being what was written.
    result_.first_bad = entry.sequence < expected_sequence_ ? entry.sequence : expected_sequence_;
    result_.problem = "expected record " + std::to_string(expected_sequence_) + ", found " +
                      std::to_string(entry.sequence) + ": a record was deleted or reordered";
    return false;
  }
  if (entry.previous_hash != previous_) {
    return fail("record " + std::to_string(entry.sequence) +
                " does not link to the record before it: a record was deleted, inserted or "
                "reordered");
  }
  if (ChainHash(previous_, entry) != entry.hash) {
    return fail("record " + std::to_string(entry.sequence) +
                " does not match its hash: it was altered");
  }
  previous_ = entry.hash;
  ++expected_sequence_;
  ++result_.records;
  return true;
}

}  // namespace shakwa::storage
