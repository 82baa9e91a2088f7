#include "domain/staff.hpp"

#include <algorithm>
#include <array>

#include "domain/intake.hpp"
#include "domain/text.hpp"

namespace shakwa::domain {
namespace {

constexpr std::array kRoles = {
    Term<Role>{Role::kAgent, "agent", "موظف مركز التواصل", "contact-centre agent"},
    Term<Role>{Role::kHandler, "handler", "المعالج", "handler"},
    Term<Role>{Role::kSupervisor, "supervisor", "المشرف", "supervisor"},
    Term<Role>{Role::kQaReviewer, "qa_reviewer", "مقيّم الجودة", "quality reviewer"},
    Term<Role>{Role::kManager, "manager", "الإدارة", "manager"},
    Term<Role>{Role::kAdmin, "admin", "مدير النظام", "administrator"},
    Term<Role>{Role::kAuditor, "auditor", "المدقق", "auditor"},
};

constexpr std::size_t kMinPasswordChars = 12;
constexpr std::size_t kMaxPasswordBytes = 256;

Status Invalid(std::vector<FieldError> fields) {
  Error e = Error::Of(ErrorCode::kInvalidInput, MessageId::kValidationFailed);
  e.fields = std::move(fields);
  return e;
}

}  // namespace

template <>
std::span<const Term<Role>> TermsOf<Role>() {
  return kRoles;
}

Actor Principal::AsActor() const {
  switch (kind) {
    case Kind::kStaff:
      return Actor{Actor::Kind::kStaff, staff ? std::to_string(staff->id) : std::string()};
    case Kind::kBeneficiary:
      return Actor{Actor::Kind::kBeneficiary, {}};
    case Kind::kAnonymous:
      break;
  }
  return Actor{Actor::Kind::kSystem, {}};
}

bool RoleNeedsDepartment(Role role) {
  return role == Role::kHandler || role == Role::kSupervisor;
}

Status ValidateDepartment(const Department& d) {
  std::vector<FieldError> fields;
  const bool code_ok = d.code.size() >= 2 && d.code.size() <= 32 && d.code.front() >= 'a' &&
                       d.code.front() <= 'z' &&
                       std::all_of(d.code.begin(), d.code.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                       });
  if (!code_ok) fields.push_back({"code", MessageId::kInvalidDepartmentCode, {}});
  for (const auto& [path, value] : {std::pair{"name_ar", &d.name_ar}, {"name_en", &d.name_en}}) {
    if (Trim(*value).empty()) {
      fields.push_back({path, MessageId::kRequired, {}});
    } else if (HasControlCharacters(*value, false) || !IsValidUtf8(*value)) {
      fields.push_back({path, MessageId::kControlCharacters, {}});
    } else if (CountCodePoints(*value) > 200) {
      fields.push_back({path, MessageId::kTooLong, "200"});
    }
  }
  if (!fields.empty()) return Invalid(std::move(fields));
  return Status::Ok();
}

Status ValidateNewUser(const StaffUser& user) {
  std::vector<FieldError> fields;
  if (!NormalizeEmail(user.email)) fields.push_back({"email", MessageId::kInvalidEmail, {}});
  if (Trim(user.name).empty()) {
    fields.push_back({"name", MessageId::kRequired, {}});
  } else if (HasControlCharacters(user.name, false) || !IsValidUtf8(user.name)) {
    fields.push_back({"name", MessageId::kControlCharacters, {}});
  } else if (CountCodePoints(user.name) > 200) {
    fields.push_back({"name", MessageId::kTooLong, "200"});
  }
  if (RoleNeedsDepartment(user.role) && !user.department) {
    fields.push_back({"department", MessageId::kDepartmentRequired, {}});
  }
  if (!fields.empty()) return Invalid(std::move(fields));
  return Status::Ok();
}

Status ValidatePassword(std::string_view password, std::string_view email) {
  if (!IsValidUtf8(password) || HasControlCharacters(password, false)) {
    return Invalid({{"password", MessageId::kControlCharacters, {}}});
  }
  if (CountCodePoints(password) < kMinPasswordChars) {
    return Invalid({{"password", MessageId::kPasswordTooShort, std::to_string(kMinPasswordChars)}});
  }
  if (password.size() > kMaxPasswordBytes) {
    return Invalid({{"password", MessageId::kTooLong, std::to_string(kMaxPasswordBytes)}});
  }
  bool letters = false, digits = false, others = false;
  for (char c : password) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || u >= 0x80) {
      letters = true;
    } else if (c >= '0' && c <= '9') {
      digits = true;
    } else {
      others = true;
    }
  }
  if (static_cast<int>(letters) + static_cast<int>(digits) + static_cast<int>(others) < 2) {
    return Invalid({{"password", MessageId::kPasswordTooSimple, {}}});
  }
  // The local part of the e-mail is the first thing an attacker tries.
  const std::string_view local = email.substr(0, email.find('@'));
  if (local.size() >= 3) {
    std::string lower_password(password), lower_local(local);
    for (auto* s : {&lower_password, &lower_local}) {
      std::transform(s->begin(), s->end(), s->begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      });
    }
    if (lower_password.find(lower_local) != std::string::npos) {
      return Invalid({{"password", MessageId::kPasswordContainsEmail, {}}});
    }
  }
  return Status::Ok();
}

}  // namespace shakwa::domain
