// The audit trail: one append-only record per state change and per read of personal data,
// written in the same transaction as what it records, and hash-chained so that an edit, a
// deletion or a reordering is detectable (`shakwa audit verify`).
//
// Thread safety: plain values and pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "domain/case.hpp"

namespace shakwa::domain {

using Sha256 = std::array<std::uint8_t, 32>;

struct AuditEntry {
  std::int64_t sequence = 0;  // 1, 2, 3 …; assigned by the store
  Instant at{};
  Actor actor;
  std::string action;      // "case.received", "case.assess", "pii.read", "user.created", …
  std::string subject;     // what it is about: a case reference, "user:12", "department:it"
  std::string detail;      // canonical JSON of what changed (old -> new); never secrets
  Sha256 previous_hash{};  // the previous record's hash (zeros for the first)
  Sha256 hash{};           // SHA-256(previous_hash || CanonicalAuditContent(entry))
};

// The bytes that are hashed: every field but the hashes, each length-prefixed, so no two
// different records share a content.
std::string CanonicalAuditContent(const AuditEntry& entry);

// The result of checking a chain.
struct AuditVerification {
  std::int64_t records = 0;               // how many were checked
  std::optional<std::int64_t> first_bad;  // the sequence of the first record that fails
  std::string problem;                    // what is wrong with it, for people
  bool ok() const { return !first_bad.has_value(); }
};

}  // namespace shakwa::domain
