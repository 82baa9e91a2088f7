#include "app/handle_case.hpp"

#include <algorithm>
#include <cctype>

#include "app/audit_record.hpp"
#include "app/escalation.hpp"
#include "app/notices.hpp"
#include "domain/access.hpp"
#include "domain/access_code.hpp"
#include "domain/json_writer.hpp"
#include "domain/lifecycle.hpp"
#include "domain/text.hpp"

namespace shakwa::app {
namespace {

using domain::CaseAction;
using domain::CaseEvent;
using domain::CaseStatus;
using domain::Error;
using domain::ErrorCode;
using domain::FieldError;
using domain::MessageId;
using domain::Status;

Error Invalid(std::vector<FieldError> fields) {
  Error e = Error::Of(ErrorCode::kInvalidInput, MessageId::kValidationFailed);
  e.fields = std::move(fields);
  return e;
}

// A message written into the case: trimmed, not empty, no control characters but line breaks.
Status CheckText(std::string& text, const std::string& path, bool required = true) {
  const std::string trimmed(domain::Trim(text));
  if (trimmed.empty()) {
    text.clear();
    if (!required) return Status::Ok();
    return Invalid({{path, MessageId::kEmpty, {}}});
  }
  if (!domain::IsValidUtf8(trimmed) || domain::HasControlCharacters(trimmed, true)) {
    return Invalid({{path, MessageId::kControlCharacters, {}}});
  }
  if (domain::CountCodePoints(trimmed) > kMaxMessageChars) {
    return Invalid({{path, MessageId::kTooLong, std::to_string(kMaxMessageChars)}});
  }
  text = trimmed;
  return Status::Ok();
}

// Everyone who may own an escalation level, read before the write (which then needs no second
// read; a member of staff added meanwhile waits for the next escalation).
domain::Result<std::vector<domain::StaffUser>> LadderOwners(Store& store) {
  return ReadValue<std::vector<domain::StaffUser>>(store,
                                                   [](ReadTransaction& tx) { return tx.Users(); });
}

// The same for a message that may be left out: absent or blank is fine.
Status CheckOptionalText(std::optional<std::string>& text, const std::string& path) {
  if (!text) return Status::Ok();
  return CheckText(*text, path, false);
}

CaseEvent Event(const HandleCase::Context& ctx, std::string type, CaseEvent::Visibility visibility,
                std::string data = {}) {
  CaseEvent e;
  e.at = ctx.now;
  e.type = std::move(type);
  e.visibility = visibility;
  e.actor = ctx.actor;
  e.actor_role = ctx.actor_role;
  e.data = std::move(data);
  return e;
}

// Moves the case by action and records the change on event.
Status Transition(HandleCase::Context& ctx, CaseAction action, CaseEvent& event) {
  auto next = domain::NextStatus(ctx.value.status, action);
  if (!next) return std::move(next).error();
  event.from_status = ctx.value.status;
  event.to_status = *next;
  ctx.value.status = *next;
  return Status::Ok();
}

// Investigation has begun once someone works on an assessed case.
Status StartWorkIfAssessed(HandleCase::Context& ctx) {
  if (ctx.value.status != CaseStatus::kAssessed) return Status::Ok();
  CaseEvent event = Event(ctx, "work_started", CaseEvent::Visibility::kPublic);
  if (Status s = Transition(ctx, CaseAction::kStartWork, event); !s.ok()) return s;
  ctx.events.push_back(std::move(event));
  return Status::Ok();
}

Error NotWhile(CaseStatus status) {
  Error e = Error::Of(ErrorCode::kConflict, MessageId::kForbiddenTransition,
                      "case is " + std::string(domain::NameOf(status)));
  e.message_param = std::string(domain::NameOf(status));
  return e;
}

// The beneficiary rejects the decision (an appeal, or an escalation of a resolved case): the
// decision stays on the timeline as event records it, and the case awaits a new one.
Status ReopenForNewDecision(HandleCase::Context& ctx, CaseEvent event) {
  if (Status s = Transition(ctx, CaseAction::kAppeal, event); !s.ok()) return s;
  ctx.value.handling.decision.reset();
  ctx.value.handling.remedies.clear();
  ctx.events.push_back(std::move(event));
  return Status::Ok();
}

// Routing and writing to a case stop once it is decided or finished.
Status RequireOpen(const domain::Case& c) {
  if (!domain::IsTerminal(c.status) && c.status != CaseStatus::kResolved) return Status::Ok();
  return NotWhile(c.status);
}

// Staff have answered the beneficiary when they reply, ask, decide, or reject the case.
bool IsResponse(const CaseEvent& e) {
  return e.visibility == CaseEvent::Visibility::kPublic &&
         (e.type == "reply" || e.type == "information_requested" || e.type == "resolved" ||
          e.type == "rejected");
}

// The clock is scheduled again after every action (a new priority, category or kind changes the
// targets); this says what else moves it.
domain::ClockChange ClockChangeOf(CaseStatus before, const domain::Case& after,
                                  const std::vector<CaseEvent>& events, bool by_staff) {
  domain::ClockChange change;
  change.status_changed = before != after.status;
  change.public_staff_message = by_staff && std::any_of(events.begin(), events.end(), IsResponse);
  return change;
}

std::string TextData(std::string_view key, const std::string& text) {
  domain::JsonWriter w;
  w.Add(key, std::string_view(text));
  return w.Finish();
}

// Departments and people named by an action must exist and fit: an assignee handles cases in
// the department the case is (or is being) routed to.
Status CheckStaffReferences(Store& store, const std::optional<std::string>& department,
                            const std::optional<std::string>& concerns_department,
                            const std::optional<std::int64_t>& assignee_id,
                            std::optional<std::string>* assignee_department) {
  return store.Read([&](ReadTransaction& tx) -> Status {
    std::vector<FieldError> fields;
    if (department || concerns_department) {
      auto all = tx.Departments();
      if (!all) return std::move(all).error();
      auto known = [&](const std::string& code) {
        return std::any_of(all->begin(), all->end(),
                           [&](const domain::Department& d) { return d.code == code && d.active; });
      };
      if (department && !known(*department)) {
        fields.push_back({"department", MessageId::kUnknownDepartment, *department});
      }
      if (concerns_department && !known(*concerns_department)) {
        fields.push_back(
            {"concerns_department", MessageId::kUnknownDepartment, *concerns_department});
      }
    }
    if (assignee_id) {
      auto user = tx.FindUser(*assignee_id);
      if (!user) return std::move(user).error();
      const bool fits =
          *user && (*user)->active &&
          ((*user)->role == domain::Role::kHandler || (*user)->role == domain::Role::kSupervisor);
      if (!fits) {
        fields.push_back({"assignee_id", MessageId::kUnknownUser, std::to_string(*assignee_id)});
      } else if (assignee_department) {
        *assignee_department = (*user)->department;
      }
    }
    if (!fields.empty()) return Invalid(std::move(fields));
    return Status::Ok();
  });
}

}  // namespace

HandleCase::HandleCase(Store& store, const Clock& clock, const AccessCodeHasher& hasher,
                       std::shared_ptr<const domain::CategoryCatalogue> categories,
                       std::shared_ptr<const TimeRulesSource> time, bool webhooks)
    : store_(store),
      clock_(clock),
      hasher_(hasher),
      categories_(std::move(categories)),
      time_(time ? std::move(time) : TimeRulesSource::Defaults()),
      webhooks_(webhooks) {}

void HandleCase::Act(std::string_view reference_text, std::optional<std::int64_t> version,
                     Caller caller, Change change, Done done) const {
  const auto reference = domain::ParseReference(reference_text);
  if (!reference) {
    done(Error::Of(ErrorCode::kMalformedReference, MessageId::kMalformedReference));
    return;
  }
  std::optional<std::string> code;
  if (!caller.staff && !caller.mail_sender) {
    code = domain::NormalizeAccessCode(caller.access_code);
    if (!code) {
      done(Error::Of(ErrorCode::kNotFound, MessageId::kCaseNotFound));
      return;
    }
  }
  auto result = std::make_shared<domain::Case>();
  const domain::Instant now = clock_.Now();
  const AccessCodeHasher& hasher = hasher_;
  store_.Write(
      [reference = *reference, version, caller = std::move(caller), code,
       change = std::move(change), result, now, &hasher, webhooks = webhooks_,
       rules = time_->Current()](WriteTransaction& tx) -> Status {
        const Error not_found = Error::Of(ErrorCode::kNotFound, MessageId::kCaseNotFound);
        auto stored = tx.FindCase(reference);
        if (!stored) return std::move(stored).error();
        if (!*stored) return not_found;
        domain::Case& c = (*stored)->value;
        std::vector<CaseEvent> events;
        Context ctx{tx, c, events, {}, {}, now, *rules};
        if (caller.staff) {
          if (!domain::MaySeeCase(*caller.staff, c)) return not_found;
          ctx.actor = domain::Actor{domain::Actor::Kind::kStaff, std::to_string(caller.staff->id)};
          ctx.actor_role = std::string(domain::NameOf(caller.staff->role));
        } else if (caller.mail_sender) {
          ctx.actor = domain::Actor{domain::Actor::Kind::kSystem, {}};
          ctx.actor_role = "mailgate";
        } else {
          if (!hasher.Matches(*code, (*stored)->access_code_hash)) return not_found;
          ctx.actor = domain::Actor{domain::Actor::Kind::kBeneficiary, {}};
          ctx.actor_role = "beneficiary";
        }
        if (version && *version != c.version) {
          Error e = Error::Of(ErrorCode::kConflict, MessageId::kStaleVersion,
                              "based on version " + std::to_string(*version));
          e.message_param = std::to_string(c.version);
          return e;
        }
        const CaseStatus before = c.status;
        if (Status s = change(ctx); !s.ok()) return s;
        domain::AdvanceClock(c, ClockChangeOf(before, c, ctx.events, caller.staff.has_value()),
                             *rules, now);
        if (Status s = StoreCaseChange(tx, c, ctx.events, ctx.actor, now); !s.ok()) return s;
        if (Status s = QueueChangeNotices(tx, c, before, ctx.events, ctx.actor, now, webhooks);
            !s.ok()) {
          return s;
        }
        *result = std::move(c);
        return Status::Ok();
      },
      [result, done = std::move(done)](Status s) {
        if (!s.ok()) {
          done(std::move(s).error());
          return;
        }
        done(std::move(*result));
      });
}

void HandleCase::Assess(std::string_view reference, std::int64_t version,
                        const domain::StaffUser& user, Assessment a, Done done) const {
  if (a.reject_reason) {
    if (Status s = CheckText(*a.reject_reason, "reject.reason"); !s.ok()) {
      done(std::move(s).error());
      return;
    }
    Act(
        reference, version, Caller::Staff(user),
        [reason = *a.reject_reason](Context& ctx) -> Status {
          CaseEvent event =
              Event(ctx, "rejected", CaseEvent::Visibility::kPublic, TextData("reason", reason));
          if (Status s = Transition(ctx, CaseAction::kReject, event); !s.ok()) return s;
          ctx.value.handling.rejection_reason = reason;
          ctx.events.push_back(std::move(event));
          return Status::Ok();
        },
        std::move(done));
    return;
  }
  std::vector<FieldError> fields;
  if (a.category && !categories_->Accepts(*a.category)) {
    fields.push_back({"category", MessageId::kUnknownCategory, categories_->ActiveCodes()});
  }
  if (a.immediate_action_taken) {
    if (Status s = CheckText(*a.immediate_action_taken, "immediate_action_taken"); !s.ok()) {
      done(std::move(s).error());
      return;
    }
  }
  if (!fields.empty()) {
    done(Invalid(std::move(fields)));
    return;
  }
  if (Status s = CheckStaffReferences(store_, a.department, a.concerns_department, {}, nullptr);
      !s.ok()) {
    done(std::move(s).error());
    return;
  }
  Act(
      reference, version, Caller::Staff(user),
      [a = std::move(a), assessor = user.id](Context& ctx) -> Status {
        domain::Case& c = ctx.value;
        domain::CaseHandling& h = c.handling;
        if (!a.department && !h.department) {
          return Invalid({{"department", MessageId::kRequired, {}}});
        }
        CaseEvent event = Event(ctx, "assessed", CaseEvent::Visibility::kInternal);
        if (Status s = Transition(ctx, CaseAction::kAssess, event); !s.ok()) return s;
        domain::JsonWriter data;
        if (a.kind && *a.kind != c.kind) {
          domain::JsonWriter change;
          change.Add("from", domain::NameOf(c.kind)).Add("to", domain::NameOf(*a.kind));
          ctx.events.push_back(
              Event(ctx, "reclassified", CaseEvent::Visibility::kPublic, change.Finish()));
          c.kind = *a.kind;
        }
        if (a.severity) h.severity = a.severity;
        if (a.complexity) h.complexity = a.complexity;
        if (a.impact) h.impact = a.impact;
        if (a.immediate_action_needed) h.immediate_action_needed = *a.immediate_action_needed;
        if (a.immediate_action_taken) h.immediate_action_taken = a.immediate_action_taken;
        if (a.category) c.category = *a.category;
        if (a.subcategory) c.subcategory = a.subcategory;
        if (a.priority) h.priority = *a.priority;
        if (a.department && a.department != h.department) {
          h.department = a.department;
          h.assignee_id.reset();
        }
        if (a.concerns_department) h.concerns_department = a.concerns_department;
        h.assessed_by = assessor;
        data.Add("kind", domain::NameOf(c.kind))
            .Add("category", std::string_view(c.category))
            .Add("priority", domain::NameOf(h.priority))
            .Add("department", h.department)
            .Add("immediate_action_needed", h.immediate_action_needed);
        if (h.severity) data.Add("severity", domain::NameOf(*h.severity));
        if (h.complexity) data.Add("complexity", domain::NameOf(*h.complexity));
        if (h.impact) data.Add("impact", domain::NameOf(*h.impact));
        data.Add("immediate_action_taken", h.immediate_action_taken)
            .Add("concerns_department", h.concerns_department);
        event.data = data.Finish();
        ctx.events.push_back(std::move(event));
        return Status::Ok();
      },
      std::move(done));
}

void HandleCase::Assign(std::string_view reference, std::int64_t version,
                        const domain::StaffUser& user, Assignment a, Done done) const {
  if (!a.department && !a.assignee_id) {
    done(Invalid({{"assignee_id", MessageId::kRequired, {}}}));
    return;
  }
  std::optional<std::string> assignee_department;
  if (Status s =
          CheckStaffReferences(store_, a.department, {}, a.assignee_id, &assignee_department);
      !s.ok()) {
    done(std::move(s).error());
    return;
  }
  const std::optional<std::string> target = a.department;
  if (a.assignee_id && target && assignee_department != target) {
    done(Invalid({{"assignee_id", MessageId::kUnknownUser, std::to_string(*a.assignee_id)}}));
    return;
  }
  Act(
      reference, version, Caller::Staff(user),
      [a, assignee_department](Context& ctx) -> Status {
        domain::CaseHandling& h = ctx.value.handling;
        if (Status s = RequireOpen(ctx.value); !s.ok()) return s;
        if (a.department && a.department != h.department) {
          // Whoever handled it in the old department can no longer see it.
          h.department = a.department;
          h.assignee_id.reset();
        }
        if (a.assignee_id) {
          if (assignee_department != h.department) {
            return Invalid(
                {{"assignee_id", MessageId::kUnknownUser, std::to_string(*a.assignee_id)}});
          }
          h.assignee_id = a.assignee_id;
          if (Status s = StartWorkIfAssessed(ctx); !s.ok()) return s;
        }
        domain::JsonWriter data;
        data.Add("department", h.department);
        if (h.assignee_id) data.Add("assignee_id", *h.assignee_id);
        ctx.events.push_back(
            Event(ctx, "assigned", CaseEvent::Visibility::kInternal, data.Finish()));
        return Status::Ok();
      },
      std::move(done));
}

void HandleCase::AddNote(std::string_view reference, std::int64_t version,
                         const domain::StaffUser& user, std::string text, Done done) const {
  Message(reference, version, user, std::move(text), "note", CaseEvent::Visibility::kInternal,
          std::move(done));
}

void HandleCase::Reply(std::string_view reference, std::int64_t version,
                       const domain::StaffUser& user, std::string text, Done done) const {
  Message(reference, version, user, std::move(text), "reply", CaseEvent::Visibility::kPublic,
          std::move(done));
}

void HandleCase::Message(std::string_view reference, std::int64_t version,
                         const domain::StaffUser& user, std::string text, std::string type,
                         CaseEvent::Visibility visibility, Done done) const {
  if (Status s = CheckText(text, "text"); !s.ok()) {
    done(std::move(s).error());
    return;
  }
  Act(
      reference, version, Caller::Staff(user),
      [text = std::move(text), type = std::move(type), visibility](Context& ctx) -> Status {
        if (domain::IsTerminal(ctx.value.status)) return RequireOpen(ctx.value);
        // A reply to the beneficiary is work on the case; an internal note is not yet.
        if (visibility == CaseEvent::Visibility::kPublic) {
          if (Status s = StartWorkIfAssessed(ctx); !s.ok()) return s;
        }
        ctx.events.push_back(Event(ctx, type, visibility, TextData("text", text)));
        return Status::Ok();
      },
      std::move(done));
}

void HandleCase::RequestInformation(std::string_view reference, std::int64_t version,
                                    const domain::StaffUser& user, std::string text,
                                    Done done) const {
  if (Status s = CheckText(text, "text"); !s.ok()) {
    done(std::move(s).error());
    return;
  }
  Act(
      reference, version, Caller::Staff(user),
      [text = std::move(text)](Context& ctx) -> Status {
        if (Status s = StartWorkIfAssessed(ctx); !s.ok()) return s;
        CaseEvent event = Event(ctx, "information_requested", CaseEvent::Visibility::kPublic,
                                TextData("text", text));
        if (Status s = Transition(ctx, CaseAction::kRequestInformation, event); !s.ok()) return s;
        ctx.events.push_back(std::move(event));
        return Status::Ok();
      },
      std::move(done));
}

void HandleCase::RecordFindings(std::string_view reference, std::int64_t version,
                                const domain::StaffUser& user, FindingsRecord findings,
                                Done done) const {
  if (Status s = CheckText(findings.root_cause, "root_cause"); !s.ok()) {
    done(std::move(s).error());
    return;
  }
  Act(
      reference, version, Caller::Staff(user),
      [findings = std::move(findings)](Context& ctx) -> Status {
        if (Status s = StartWorkIfAssessed(ctx); !s.ok()) return s;
        if (ctx.value.status != CaseStatus::kInProgress) return NotWhile(ctx.value.status);
        ctx.value.handling.root_cause = findings.root_cause;
        ctx.value.handling.outcome = findings.outcome;
        domain::JsonWriter data;
        data.Add("root_cause", std::string_view(findings.root_cause))
            .Add("outcome", domain::NameOf(findings.outcome));
        ctx.events.push_back(
            Event(ctx, "findings", CaseEvent::Visibility::kInternal, data.Finish()));
        return Status::Ok();
      },
      std::move(done));
}

void HandleCase::Resolve(std::string_view reference, std::int64_t version,
                         const domain::StaffUser& user, DecisionRecord decision, Done done) const {
  if (Status s = CheckText(decision.decision, "decision"); !s.ok()) {
    done(std::move(s).error());
    return;
  }
  if (decision.remedies.empty()) {
    done(Invalid({{"remedies", MessageId::kRequired, {}}}));
    return;
  }
  Act(
      reference, version, Caller::Staff(user),
      [decision = std::move(decision)](Context& ctx) -> Status {
        domain::Case& c = ctx.value;
        if (c.kind == domain::CaseKind::kComplaint && !c.handling.outcome &&
            c.status == CaseStatus::kInProgress) {
          return Error::Of(ErrorCode::kConflict, MessageId::kFindingsRequired);
        }
        domain::JsonWriter data;
        std::vector<std::string> remedies;
        for (auto r : decision.remedies) remedies.emplace_back(domain::NameOf(r));
        data.Add("decision", std::string_view(decision.decision)).AddStrings("remedies", remedies);
        if (c.handling.outcome) data.Add("outcome", domain::NameOf(*c.handling.outcome));
        CaseEvent event = Event(ctx, "resolved", CaseEvent::Visibility::kPublic, data.Finish());
        if (Status s = Transition(ctx, CaseAction::kResolve, event); !s.ok()) return s;
        c.handling.decision = decision.decision;
        c.handling.remedies = decision.remedies;
        ctx.events.push_back(std::move(event));
        return Status::Ok();
      },
      std::move(done));
}

void HandleCase::Close(std::string_view reference, std::int64_t version,
                       const domain::StaffUser& user, std::optional<std::string> note,
                       Done done) const {
  if (Status s = CheckOptionalText(note, "note"); !s.ok()) {
    done(std::move(s).error());
    return;
  }
  Act(
      reference, version, Caller::Staff(user),
      [note = std::move(note)](Context& ctx) -> Status {
        CaseEvent event = Event(ctx, "closed", CaseEvent::Visibility::kPublic,
                                note && !note->empty() ? TextData("note", *note) : std::string());
        if (Status s = Transition(ctx, CaseAction::kClose, event); !s.ok()) return s;
        ctx.events.push_back(std::move(event));
        return Status::Ok();
      },
      std::move(done));
}

void HandleCase::Merge(std::string_view reference, std::int64_t version,
                       const domain::StaffUser& user, std::string_view into_text, Done done) const {
  const auto into = domain::ParseReference(into_text);
  if (!into) {
    done(Invalid({{"into", MessageId::kMalformedReference, {}}}));
    return;
  }
  const auto self = domain::ParseReference(reference);
  if (self && self->ToString() == into->ToString()) {
    done(Error::Of(ErrorCode::kConflict, MessageId::kCannotMergeIntoItself));
    return;
  }
  Act(
      reference, version, Caller::Staff(user),
      [into = *into, user](Context& ctx) -> Status {
        auto target = ctx.tx.FindCase(into);
        if (!target) return std::move(target).error();
        if (!*target || !domain::MaySeeCase(user, (*target)->value)) {
          return Invalid({{"into", MessageId::kCaseNotFound, {}}});
        }
        domain::Case& other = (*target)->value;
        if (domain::IsTerminal(other.status) || other.status == CaseStatus::kResolved) {
          Error e = Error::Of(ErrorCode::kConflict, MessageId::kMergeTargetClosed);
          e.message_param = std::string(domain::NameOf(other.status));
          return e;
        }
        const std::string target_reference = into.ToString();
        CaseEvent event = Event(ctx, "merged", CaseEvent::Visibility::kPublic,
                                TextData("into", target_reference));
        if (Status s = Transition(ctx, CaseAction::kMerge, event); !s.ok()) return s;
        ctx.value.handling.merged_into = target_reference;
        ctx.events.push_back(std::move(event));

        // The surviving case learns what was folded into it, in the same transaction.
        other.version += 1;
        other.handling.updated_at = ctx.now;
        if (Status s = ctx.tx.UpdateCase(other); !s.ok()) return s;
        CaseEvent received = Event(ctx, "merge_received", CaseEvent::Visibility::kInternal,
                                   TextData("from", ctx.value.reference.ToString()));
        auto appended = ctx.tx.AppendEvent(other.id, received);
        if (!appended) return std::move(appended).error();
        return Audit(ctx.tx, ctx.now, ctx.actor, "case.merge_received", target_reference,
                     received.data);
      },
      std::move(done));
}

void HandleCase::AnswerInformationRequest(std::string_view reference, std::string access_code,
                                          std::optional<std::int64_t> version, std::string text,
                                          Done done) const {
  if (Status s = CheckText(text, "text"); !s.ok()) {
    done(std::move(s).error());
    return;
  }
  Act(
      reference, version, Caller::Beneficiary(std::move(access_code)),
      [text = std::move(text)](Context& ctx) -> Status {
        CaseEvent event = Event(ctx, "information_provided", CaseEvent::Visibility::kPublic,
                                TextData("text", text));
        if (Status s = Transition(ctx, CaseAction::kReceiveInformation, event); !s.ok()) return s;
        ctx.events.push_back(std::move(event));
        return Status::Ok();
      },
      std::move(done));
}

namespace {

bool SameAddress(const std::string& sender, const std::optional<std::string>& address) {
  if (!address || sender.empty() || sender.size() != address->size()) return false;
  return std::equal(sender.begin(), sender.end(), address->begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

}  // namespace

void HandleCase::ReceiveMail(const domain::Reference& reference, MailToCase mail, Done done) const {
  Act(
      reference.ToString(), std::nullopt, Caller::Mail(mail.sender),
      [mail = std::move(mail)](Context& ctx) mutable -> Status {
        domain::Case& c = ctx.value;
        if (domain::IsTerminal(c.status)) {
          Error e = Error::Of(ErrorCode::kConflict, MessageId::kForbiddenTransition,
                              "mail to a case that is " + std::string(domain::NameOf(c.status)));
          e.message_param = std::string(domain::NameOf(c.status));
          return e;
        }
        const domain::Representative* r =
            c.beneficiary.representative ? &*c.beneficiary.representative : nullptr;
        const bool verified = SameAddress(mail.sender, c.beneficiary.email) ||
                              (r && SameAddress(mail.sender, r->email));
        domain::JsonWriter data;
        data.Add("subject", std::string_view(mail.subject))
            .Add("text", std::string_view(mail.text))
            .Add("message_id", std::string_view(mail.message_id));
        if (!verified) data.Add("from", std::string_view(mail.sender));
        const auto visibility =
            verified ? CaseEvent::Visibility::kPublic : CaseEvent::Visibility::kInternal;
        CaseEvent event = Event(ctx, verified ? "email_received" : "email_from_unknown_sender",
                                visibility, data.Finish());
        domain::Actor author = ctx.actor;
        std::string author_role = ctx.actor_role;
        if (verified) {
          author = domain::Actor{domain::Actor::Kind::kBeneficiary, {}};
          author_role = "beneficiary";
          event.actor = author;
          event.actor_role = author_role;
          if (c.status == CaseStatus::kAwaitingBeneficiary) {
            if (Status s = Transition(ctx, CaseAction::kReceiveInformation, event); !s.ok()) {
              return s;
            }
          }
        }
        ctx.events.push_back(std::move(event));
        for (Attachment& file : mail.files) {
          file.visibility = visibility;
          if (Status s = RecordAttachment(ctx.tx, c, file, author, author_role, ctx.now); !s.ok()) {
            return s;
          }
        }
        return Status::Ok();
      },
      std::move(done));
}

void HandleCase::Accept(std::string_view reference, std::string access_code,
                        std::optional<std::int64_t> version, Done done) const {
  Act(
      reference, version, Caller::Beneficiary(std::move(access_code)),
      [](Context& ctx) -> Status {
        CaseEvent event = Event(ctx, "accepted", CaseEvent::Visibility::kPublic);
        if (Status s = Transition(ctx, CaseAction::kAccept, event); !s.ok()) return s;
        ctx.events.push_back(std::move(event));
        return Status::Ok();
      },
      std::move(done));
}

void HandleCase::Appeal(std::string_view reference, std::string access_code,
                        std::optional<std::int64_t> version, std::string reason, Done done) const {
  if (Status s = CheckText(reason, "reason"); !s.ok()) {
    done(std::move(s).error());
    return;
  }
  auto staff = LadderOwners(store_);
  if (!staff) {
    done(std::move(staff).error());
    return;
  }
  Act(
      reference, version, Caller::Beneficiary(std::move(access_code)),
      [reason = std::move(reason), staff = std::move(*staff)](Context& ctx) -> Status {
        domain::Case& c = ctx.value;
        // An appeal goes one level up the ladder; past its top, it still reopens the case for
        // the last level to decide again.
        const int level = std::max(
            c.escalation_level, std::min(c.escalation_level + 1, ctx.rules.ladder().last_level()));
        domain::JsonWriter data;
        data.Add("reason", std::string_view(reason)).Add("escalation_level", std::int64_t{level});
        if (Status s = ReopenForNewDecision(
                ctx, Event(ctx, "appealed", CaseEvent::Visibility::kPublic, data.Finish()));
            !s.ok()) {
          return s;
        }
        if (level == c.escalation_level) return Status::Ok();
        return RaiseEscalation(ctx.tx, c, ctx.events, ctx.rules, staff, level, "decision_rejected",
                               ctx.actor, ctx.actor_role, ctx.now);
      },
      std::move(done));
}

void HandleCase::Withdraw(std::string_view reference, std::string access_code,
                          std::optional<std::int64_t> version, std::optional<std::string> reason,
                          Done done) const {
  if (Status s = CheckOptionalText(reason, "reason"); !s.ok()) {
    done(std::move(s).error());
    return;
  }
  Act(
      reference, version, Caller::Beneficiary(std::move(access_code)),
      [reason = std::move(reason)](Context& ctx) -> Status {
        CaseEvent event =
            Event(ctx, "withdrawn", CaseEvent::Visibility::kPublic,
                  reason && !reason->empty() ? TextData("reason", *reason) : std::string());
        if (Status s = Transition(ctx, CaseAction::kWithdraw, event); !s.ok()) return s;
        ctx.events.push_back(std::move(event));
        return Status::Ok();
      },
      std::move(done));
}

void HandleCase::Escalate(std::string_view reference, std::string access_code,
                          std::optional<std::int64_t> version, std::optional<std::string> reason,
                          Done done) const {
  if (Status s = CheckOptionalText(reason, "reason"); !s.ok()) {
    done(std::move(s).error());
    return;
  }
  auto staff = LadderOwners(store_);
  if (!staff) {
    done(std::move(staff).error());
    return;
  }
  Act(
      reference, version, Caller::Beneficiary(std::move(access_code)),
      [reason = std::move(reason), staff = std::move(*staff)](Context& ctx) -> Status {
        domain::Case& c = ctx.value;
        auto level = domain::BeneficiaryEscalationLevel(c, ctx.rules, ctx.now);
        if (!level) return std::move(level).error();
        std::string_view cause = "beneficiary";
        if (c.status == CaseStatus::kResolved) {
          cause = "decision_rejected";
          if (Status s = ReopenForNewDecision(
                  ctx,
                  Event(ctx, "decision_rejected", CaseEvent::Visibility::kPublic,
                        reason && !reason->empty() ? TextData("reason", *reason) : std::string()));
              !s.ok()) {
            return s;
          }
        } else if (reason && !reason->empty()) {
          ctx.events.push_back(Event(ctx, "escalation_requested", CaseEvent::Visibility::kPublic,
                                     TextData("reason", *reason)));
        }
        return RaiseEscalation(ctx.tx, c, ctx.events, ctx.rules, staff, *level, cause, ctx.actor,
                               ctx.actor_role, ctx.now);
      },
      std::move(done));
}

void HandleCase::RecordExternalReferral(std::string_view reference, std::int64_t version,
                                        const domain::StaffUser& user, domain::ExternalBody to,
                                        std::string outside_reference,
                                        std::optional<std::string> note, Done done) const {
  if (Status s = CheckText(outside_reference, "outside_reference"); !s.ok()) {
    done(std::move(s).error());
    return;
  }
  if (domain::CountCodePoints(outside_reference) > 100) {
    done(Invalid({{"outside_reference", MessageId::kTooLong, "100"}}));
    return;
  }
  if (Status s = CheckOptionalText(note, "note"); !s.ok()) {
    done(std::move(s).error());
    return;
  }
  Act(
      reference, version, Caller::Staff(user),
      [to, outside_reference = std::move(outside_reference),
       note = std::move(note)](Context& ctx) -> Status {
        domain::Case& c = ctx.value;
        if (c.status == CaseStatus::kMerged || c.status == CaseStatus::kWithdrawn) {
          return NotWhile(c.status);
        }
        // The hand-off follows the last internal level (DOMAIN.md): before it, escalate.
        if (c.escalation_level < ctx.rules.ladder().last_level()) {
          Error e = Error::Of(ErrorCode::kConflict, MessageId::kForbiddenTransition,
                              "external referral before the last internal level");
          e.message_param = std::string(domain::NameOf(c.status));
          return e;
        }
        c.handling.external_referral_to = to;
        c.handling.external_reference = outside_reference;
        domain::JsonWriter data;
        data.Add("to", domain::NameOf(to))
            .Add("outside_reference", std::string_view(outside_reference));
        if (note && !note->empty()) data.Add("note", std::string_view(*note));
        ctx.events.push_back(
            Event(ctx, "referred_externally", CaseEvent::Visibility::kPublic, data.Finish()));
        return Status::Ok();
      },
      std::move(done));
}

}  // namespace shakwa::app
