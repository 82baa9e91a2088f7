#include "domain/audit.hpp"

namespace shakwa::domain {
namespace {

void Field(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += ';';
}

}  // namespace

std::string CanonicalAuditContent(const AuditEntry& e) {
  std::string out = "shakwa-audit-v1;";
  Field(out, std::to_string(e.sequence));
  Field(out, std::to_string(e.at.time_since_epoch().count()));
  Field(out, NameOf(e.actor.kind));
  Field(out, e.actor.id);
  Field(out, e.action);
  Field(out, e.subject);
  Field(out, e.detail);
  return out;
}

}  // namespace shakwa::domain
