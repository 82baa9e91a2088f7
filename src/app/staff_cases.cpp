#include "app/staff_cases.hpp"

#include <memory>

#include "app/audit_record.hpp"
#include "domain/access_code.hpp"
#include "domain/json_writer.hpp"
#include "domain/lifecycle.hpp"

namespace shakwa::app {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::MessageId;
using domain::Status;

Error NotFound() {
  return Error::Of(ErrorCode::kNotFound, MessageId::kCaseNotFound);
}

// The caller may see the case: staff by need-to-know, the beneficiary by access code.
bool MayOpen(const StoredCase& stored, const std::optional<domain::StaffUser>& staff,
             const std::optional<std::string>& code, const AccessCodeHasher& hasher) {
  if (staff) return domain::MaySeeCase(*staff, stored.value);
  return code && hasher.Matches(*code, stored.access_code_hash);
}

}  // namespace

StaffCases::StaffCases(Store& store, const Clock& clock, const AccessCodeHasher& hasher)
    : store_(store), clock_(clock), hasher_(hasher) {}

CaseQuery::Scope StaffCases::ScopeFor(const domain::StaffUser& user) {
  CaseQuery::Scope scope;
  if (!user.active) {
    scope.department = "";  // as MaySeeCase: an inactive user sees nothing
    return scope;
  }
  switch (user.role) {
    case domain::Role::kAgent:
      scope.agent_id = user.id;
      break;
    case domain::Role::kHandler:
    case domain::Role::kSupervisor:
      // No department, no cases: the empty code matches none.
      scope.department = user.department.value_or("");
      break;
    case domain::Role::kQaReviewer:
      scope.closed_only = true;
      break;
    case domain::Role::kManager:
      break;
    case domain::Role::kAdmin:
    case domain::Role::kAuditor:
      scope.department = "";  // these roles handle no cases
      break;
  }
  return scope;
}

void StaffCases::View(std::string_view reference_text, const domain::StaffUser& user,
                      Done<StaffCaseView> done) const {
  const auto reference = domain::ParseReference(reference_text);
  if (!reference) {
    done(Error::Of(ErrorCode::kMalformedReference, MessageId::kMalformedReference));
    return;
  }
  auto view = std::make_shared<StaffCaseView>();
  bool found = false;
  Status read = store_.Read([&](ReadTransaction& tx) -> Status {
    auto stored = tx.FindCase(*reference);
    if (!stored) return std::move(stored).error();
    if (!*stored || !domain::MaySeeCase(user, (*stored)->value)) return Status::Ok();
    view->value = std::move((*stored)->value);
    auto timeline = tx.Timeline(view->value.id, /*public_only=*/false);
    if (!timeline) return std::move(timeline).error();
    view->timeline = std::move(*timeline);
    auto files = tx.Attachments(view->value.id);
    if (!files) return std::move(files).error();
    view->attachments = std::move(*files);
    found = true;
    return Status::Ok();
  });
  if (!read.ok()) {
    done(std::move(read).error());
    return;
  }
  if (!found) {
    done(NotFound());
    return;
  }
  view->identity = domain::IdentityViewFor(user, view->value);
  if (view->identity != domain::IdentityView::kFull) {
    done(std::move(*view));
    return;
  }
  // Personal data leaves only once its reading is on the record.
  const domain::Actor actor{domain::Actor::Kind::kStaff, std::to_string(user.id)};
  const domain::Instant now = clock_.Now();
  domain::JsonWriter detail;
  detail.Add("role", domain::NameOf(user.role)).Add("version", view->value.version);
  store_.Write(
      [actor, now, subject = view->value.reference.ToString(),
       detail = detail.Finish()](WriteTransaction& tx) -> Status {
        return Audit(tx, now, actor, "pii.read", subject, detail);
      },
      [view, done = std::move(done)](Status s) {
        if (!s.ok()) {
          done(std::move(s).error());
          return;
        }
        done(std::move(*view));
      });
}

void StaffCases::List(CaseQuery query, const domain::StaffUser& user, Done<CasePage> done) const {
  query.scope = ScopeFor(user);
  auto page = std::make_shared<CasePage>();
  Status read = store_.Read([&](ReadTransaction& tx) -> Status {
    auto found = tx.ListCases(query);
    if (!found) return std::move(found).error();
    *page = std::move(*found);
    return Status::Ok();
  });
  if (!read.ok()) {
    done(std::move(read).error());
    return;
  }
  if (!query.national_id && !query.mobile) {
    done(std::move(*page));
    return;
  }
  // A search by identity number or mobile is a use of personal data: on the record, without
  // the value searched for.
  domain::JsonWriter detail;
  detail.Add("by", query.national_id ? "national_id" : "mobile")
      .Add("results", static_cast<std::int64_t>(page->items.size()));
  const domain::Actor actor{domain::Actor::Kind::kStaff, std::to_string(user.id)};
  store_.Write(
      [actor, now = clock_.Now(), detail = detail.Finish()](WriteTransaction& tx) -> Status {
        return Audit(tx, now, actor, "pii.search", "cases", detail);
      },
      [page, done = std::move(done)](Status s) {
        if (!s.ok()) {
          done(std::move(s).error());
          return;
        }
        done(std::move(*page));
      });
}

void StaffCases::RecordFileRead(const domain::Case& c, const Attachment& file,
                                const domain::StaffUser& user,
                                std::function<void(domain::Status)> done) const {
  domain::JsonWriter detail;
  detail.Add("attachment_id", file.id).Add("sha256", std::string_view(file.sha256));
  const domain::Actor actor{domain::Actor::Kind::kStaff, std::to_string(user.id)};
  store_.Write(
      [actor, now = clock_.Now(), subject = c.reference.ToString(),
       detail = detail.Finish()](WriteTransaction& tx) -> Status {
        return Audit(tx, now, actor, "pii.file_read", subject, detail);
      },
      std::move(done));
}

domain::Result<CaseFiles> StaffCases::Files(std::string_view reference_text,
                                            const std::optional<domain::StaffUser>& staff,
                                            std::string_view access_code) const {
  const auto reference = domain::ParseReference(reference_text);
  if (!reference) return Error::Of(ErrorCode::kMalformedReference, MessageId::kMalformedReference);
  const auto code = staff ? std::nullopt : domain::NormalizeAccessCode(access_code);
  CaseFiles files;
  bool found = false;
  Status read = store_.Read([&](ReadTransaction& tx) -> Status {
    auto stored = tx.FindCase(*reference);
    if (!stored) return std::move(stored).error();
    if (!*stored || !MayOpen(**stored, staff, code, hasher_)) return Status::Ok();
    files.value = std::move((*stored)->value);
    auto all = tx.Attachments(files.value.id);
    if (!all) return std::move(all).error();
    for (auto& a : *all) {
      if (staff || a.visibility == domain::CaseEvent::Visibility::kPublic) {
        files.attachments.push_back(std::move(a));
      }
    }
    found = true;
    return Status::Ok();
  });
  if (!read.ok()) return std::move(read).error();
  if (!found) return NotFound();
  return files;
}

void StaffCases::Attach(std::string_view reference_text,
                        const std::optional<domain::StaffUser>& staff, std::string access_code,
                        std::vector<Attachment> files, Done<std::vector<Attachment>> done) const {
  const auto reference = domain::ParseReference(reference_text);
  if (!reference) {
    done(Error::Of(ErrorCode::kMalformedReference, MessageId::kMalformedReference));
    return;
  }
  if (files.empty()) {
    Error e = Error::Of(ErrorCode::kInvalidInput, MessageId::kValidationFailed);
    e.fields.push_back({"files", MessageId::kRequired, {}});
    done(std::move(e));
    return;
  }
  const auto code = staff ? std::nullopt : domain::NormalizeAccessCode(access_code);
  const domain::Instant now = clock_.Now();
  const domain::Actor actor =
      staff ? domain::Actor{domain::Actor::Kind::kStaff, std::to_string(staff->id)}
            : domain::Actor{domain::Actor::Kind::kBeneficiary, {}};
  auto stored_files = std::make_shared<std::vector<Attachment>>(std::move(files));
  const AccessCodeHasher& hasher = hasher_;
  store_.Write(
      [reference = *reference, staff, code, now, actor, stored_files,
       &hasher](WriteTransaction& tx) -> Status {
        auto stored = tx.FindCase(reference);
        if (!stored) return std::move(stored).error();
        if (!*stored || !MayOpen(**stored, staff, code, hasher)) return NotFound();
        domain::Case& c = (*stored)->value;
        if (domain::IsTerminal(c.status)) {
          Error e = Error::Of(ErrorCode::kConflict, MessageId::kForbiddenTransition);
          e.message_param = std::string(domain::NameOf(c.status));
          return e;
        }
        const std::string role =
            staff ? std::string(domain::NameOf(staff->role)) : std::string("beneficiary");
        for (Attachment& a : *stored_files) {
          if (Status s = RecordAttachment(tx, c, a, actor, role, now); !s.ok()) return s;
        }
        c.version += 1;
        c.handling.updated_at = now;
        return tx.UpdateCase(c);
      },
      [stored_files, done = std::move(done)](Status s) {
        if (!s.ok()) {
          done(std::move(s).error());
          return;
        }
        done(std::move(*stored_files));
      });
}

}  // namespace shakwa::app
