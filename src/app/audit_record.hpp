// Helpers for writing an audit record beside the change it records, inside a use case's
// WriteWork.
#pragma once

#include <string>

#include "app/ports/store.hpp"

namespace shakwa::app {

inline domain::Status Audit(WriteTransaction& tx, domain::Instant at, const domain::Actor& actor,
                            std::string action, std::string subject, std::string detail) {
  domain::AuditEntry entry;
  entry.at = at;
  entry.actor = actor;
  entry.action = std::move(action);
  entry.subject = std::move(subject);
  entry.detail = detail.empty() ? "{}" : std::move(detail);
  auto stored = tx.AppendAudit(entry);
  if (!stored) return std::move(stored).error();
  return domain::Status::Ok();
}

}  // namespace shakwa::app
