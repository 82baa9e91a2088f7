#include "domain/access.hpp"

#include "domain/handling.hpp"
#include "domain/text.hpp"

namespace shakwa::domain {
namespace {

bool SameDepartment(const StaffUser& user, const std::optional<std::string>& department) {
  return user.department && department && *user.department == *department;
}

// The bytes of the first UTF-8 code point of text.
std::string_view FirstCodePoint(std::string_view text) {
  if (text.empty()) return text;
  const auto lead = static_cast<unsigned char>(text.front());
  std::size_t n = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  return text.substr(0, std::min(n, text.size()));
}

}  // namespace

bool MaySeeCase(const StaffUser& user, const Case& c) {
  if (!user.active) return false;
  switch (user.role) {
    case Role::kAgent:
      // The contact centre triages what has arrived, and follows what it recorded or assessed.
      return c.status == CaseStatus::kReceived ||
             (c.recorded_by.kind == Actor::Kind::kStaff &&
              c.recorded_by.id == std::to_string(user.id)) ||
             c.handling.assessed_by == user.id;
    case Role::kHandler:
    case Role::kSupervisor:
      // An escalated case is also seen by whoever answers for it at its level.
      return SameDepartment(user, c.handling.department) ||
             c.handling.escalation_owner_id == user.id;
    case Role::kManager:
      return true;
    case Role::kQaReviewer:
      return c.status == CaseStatus::kClosed;
    case Role::kAdmin:
    case Role::kAuditor:
      return false;
  }
  return false;
}

IdentityView IdentityViewFor(const StaffUser& user, const Case& c) {
  // Whoever a complaint is about never learns who made it.
  if (SameDepartment(user, c.handling.concerns_department)) return IdentityView::kWithheld;
  switch (user.role) {
    case Role::kAgent:
    case Role::kHandler:
    case Role::kSupervisor:
      return IdentityView::kFull;
    default:
      return IdentityView::kMasked;
  }
}

std::string MaskEmail(std::string_view email) {
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0) return "***";
  return std::string(FirstCodePoint(email)) + "***" + std::string(email.substr(at));
}

std::string MaskMobile(std::string_view mobile) {
  if (mobile.size() < 9) return "***";
  return std::string(mobile.substr(0, 5)) + std::string(mobile.size() - 8, '*') +
         std::string(mobile.substr(mobile.size() - 3));
}

std::string MaskName(std::string_view name) {
  std::string out;
  bool at_word_start = true;
  for (std::size_t i = 0; i < name.size();) {
    const char ch = name[i];
    if (ch == ' ') {
      at_word_start = true;
      ++i;
      continue;
    }
    if (at_word_start) {
      const std::string_view first = FirstCodePoint(name.substr(i));
      if (!out.empty()) out += ' ';
      out += first;
      out += '.';
      at_word_start = false;
      i += first.size();
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace shakwa::domain
