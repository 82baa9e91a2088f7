#include "http/api/case_json.hpp"

#include <boost/json.hpp>

#include "domain/access.hpp"
#include "domain/lifecycle.hpp"

namespace shakwa::http::api {
namespace {

namespace json = boost::json;
using domain::Language;

template <typename E>
void PutTerm(json::object& out, std::string_view key, E value, Language language) {
  out[key] = domain::NameOf(value);
  out[std::string(key) + "_label"] = domain::LabelOf(value, language);
}

template <typename E>
void PutOptionalTerm(json::object& out, std::string_view key, const std::optional<E>& value,
                     Language language) {
  if (value) {
    PutTerm(out, key, *value, language);
  } else {
    out[key] = nullptr;
  }
}

json::value Optional(const std::optional<std::string>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

json::value OptionalInstant(const std::optional<domain::Instant>& value) {
  return value ? json::value(domain::FormatIso8601(*value)) : json::value(nullptr);
}

json::value DataOf(const domain::CaseEvent& e) {
  if (e.data.empty()) return json::object{};
  json::error_code ec;
  json::value parsed = json::parse(e.data, ec);
  return ec ? json::value(json::object{}) : parsed;
}

json::object Summary(const domain::Case& c, Language language) {
  json::object out{
      {"reference", c.reference.ToString()},
      {"version", c.version},
      {"category", c.category},
      {"channel", domain::NameOf(c.channel)},
      {"language", domain::NameOf(c.language)},
      {"subject", c.subject},
      {"received_at", domain::FormatIso8601(c.received_at)},
      {"escalation_level", c.escalation_level},
  };
  PutTerm(out, "status", c.status, language);
  PutTerm(out, "kind", c.kind, language);
  return out;
}

json::object Beneficiary(const domain::Beneficiary& b, domain::IdentityView view) {
  json::object out{{"kind", domain::NameOf(b.kind)}};
  switch (view) {
    case domain::IdentityView::kWithheld:
      out["withheld"] = true;
      return out;
    case domain::IdentityView::kMasked:
      out["name"] = domain::MaskName(b.name);
      out["email"] = b.email ? json::value(domain::MaskEmail(*b.email)) : json::value(nullptr);
      out["mobile"] = b.mobile ? json::value(domain::MaskMobile(*b.mobile)) : json::value(nullptr);
      out["organization"] = Optional(b.organization);
      out["masked"] = true;
      return out;
    case domain::IdentityView::kFull:
      break;
  }
  out["name"] = b.name;
  out["email"] = Optional(b.email);
  out["mobile"] = Optional(b.mobile);
  out["national_id"] = Optional(b.national_id);
  out["organization"] = Optional(b.organization);
  if (b.representative) {
    const auto& r = *b.representative;
    out["representative"] = json::object{{"name", r.name},
                                         {"capacity", r.capacity},
                                         {"email", Optional(r.email)},
                                         {"mobile", Optional(r.mobile)}};
  }
  return out;
}

json::object Handling(const domain::Case& c, Language language) {
  const domain::CaseHandling& h = c.handling;
  json::object out;
  PutTerm(out, "priority", h.priority, language);
  PutOptionalTerm(out, "severity", h.severity, language);
  PutOptionalTerm(out, "complexity", h.complexity, language);
  PutOptionalTerm(out, "impact", h.impact, language);
  PutOptionalTerm(out, "outcome", h.outcome, language);
  out["immediate_action_needed"] = h.immediate_action_needed;
  out["immediate_action_taken"] = Optional(h.immediate_action_taken);
  out["department"] = Optional(h.department);
  out["assignee_id"] = h.assignee_id ? json::value(*h.assignee_id) : json::value(nullptr);
  out["assessed_by"] = h.assessed_by ? json::value(*h.assessed_by) : json::value(nullptr);
  out["concerns_department"] = Optional(h.concerns_department);
  out["root_cause"] = Optional(h.root_cause);
  out["decision"] = Optional(h.decision);
  json::array remedies;
  for (auto r : h.remedies) remedies.emplace_back(domain::NameOf(r));
  out["remedies"] = std::move(remedies);
  out["rejection_reason"] = Optional(h.rejection_reason);
  out["merged_into"] = Optional(h.merged_into);
  out["escalation_owner_id"] =
      h.escalation_owner_id ? json::value(*h.escalation_owner_id) : json::value(nullptr);
  out["external_referral_to"] = h.external_referral_to
                                    ? json::value(domain::NameOf(*h.external_referral_to))
                                    : json::value(nullptr);
  out["external_reference"] = Optional(h.external_reference);
  out["updated_at"] = domain::FormatIso8601(h.updated_at);
  return out;
}

bool IsOpen(const domain::Case& c) {
  return !domain::IsTerminal(c.status) && c.status != domain::CaseStatus::kResolved;
}

bool Before(const std::optional<domain::Instant>& due, domain::Instant now) {
  return due && *due < now;
}

// The case's SLA clock as staff read it: every due instant, whether each is missed at now, and
// how long the clock has stood still.
json::object Sla(const domain::Case& c, domain::Instant now) {
  const domain::CaseClock& k = c.clock;
  const bool open = IsOpen(c);
  return json::object{
      {"first_response_due_at", OptionalInstant(k.first_response_due_at)},
      {"first_responded_at", OptionalInstant(k.first_responded_at)},
      {"first_response_overdue",
       open && !k.first_responded_at && Before(k.first_response_due_at, now)},
      {"next_update_due_at", OptionalInstant(k.next_update_due_at)},
      {"update_overdue", Before(k.next_update_due_at, now)},
      {"resolution_due_at", OptionalInstant(k.resolution_due_at)},
      {"overdue", open && Before(k.resolution_due_at, now)},
      {"paused", k.paused_since.has_value()},
      {"paused_since", OptionalInstant(k.paused_since)},
      {"paused_business_minutes", k.paused_minutes},
      {"escalation_step", k.escalation_step},
      {"escalation_due_at", OptionalInstant(k.escalation_due_at)},
  };
}

}  // namespace

json::object AttachmentJson(const app::Attachment& a, const std::string& reference) {
  return json::object{
      {"id", a.id},
      {"filename", a.filename},
      {"media_type", a.media_type},
      {"size", a.size},
      {"sha256", a.sha256},
      {"uploaded_at", domain::FormatIso8601(a.uploaded_at)},
      {"visibility", domain::NameOf(a.visibility)},
      {"href", "/api/v1/cases/" + reference + "/attachments/" + std::to_string(a.id)},
  };
}

json::object StaffCaseJson(const app::StaffCaseView& view, domain::Instant now, Language language) {
  const domain::Case& c = view.value;
  json::object out = Summary(c, language);
  out["sla"] = Sla(c, now);
  out["subcategory"] = Optional(c.subcategory);
  out["about"] = c.about ? json::value(domain::NameOf(*c.about)) : json::value(nullptr);
  out["description"] = c.description;
  out["remedy_sought"] = Optional(c.remedy_sought);
  out["recorded_at"] = domain::FormatIso8601(c.recorded_at);
  out["recorded_by"] =
      json::object{{"kind", domain::NameOf(c.recorded_by.kind)}, {"id", c.recorded_by.id}};
  out["vulnerable"] = c.vulnerable;
  out["consent_notice_shown"] = c.consent_notice_shown;
  out["preferred_channel"] = c.preferred_channel ? json::value(domain::NameOf(*c.preferred_channel))
                                                 : json::value(nullptr);
  out["beneficiary"] = Beneficiary(c.beneficiary, view.identity);
  json::array transactions;
  for (const auto& t : c.related_transactions) {
    transactions.push_back(json::object{{"type", domain::NameOf(t.type)}, {"number", t.number}});
  }
  out["related_transactions"] = std::move(transactions);
  out["handling"] = Handling(c, language);
  json::array timeline;
  for (const auto& e : view.timeline) {
    json::object event{
        {"id", e.id},
        {"type", e.type},
        {"at", domain::FormatIso8601(e.at)},
        {"visibility", domain::NameOf(e.visibility)},
        {"actor",
         json::object{
             {"kind", domain::NameOf(e.actor.kind)}, {"id", e.actor.id}, {"role", e.actor_role}}},
        {"data", DataOf(e)},
    };
    if (e.from_status) event["from_status"] = domain::NameOf(*e.from_status);
    if (e.to_status) PutTerm(event, "status", *e.to_status, language);
    timeline.push_back(std::move(event));
  }
  out["timeline"] = std::move(timeline);
  json::array files;
  for (const auto& a : view.attachments) files.push_back(AttachmentJson(a, c.reference.ToString()));
  out["attachments"] = std::move(files);
  return out;
}

json::object QueueRowJson(const domain::Case& c, const domain::StaffUser& reader,
                          domain::Instant now, Language language) {
  json::object out = Summary(c, language);
  // Lists never show contact data in clear, whatever the reader's role.
  const auto view = domain::IdentityViewFor(reader, c) == domain::IdentityView::kWithheld
                        ? domain::IdentityView::kWithheld
                        : domain::IdentityView::kMasked;
  out["beneficiary"] = Beneficiary(c.beneficiary, view);
  PutTerm(out, "priority", c.handling.priority, language);
  out["department"] = Optional(c.handling.department);
  out["assignee_id"] =
      c.handling.assignee_id ? json::value(*c.handling.assignee_id) : json::value(nullptr);
  out["updated_at"] = domain::FormatIso8601(c.handling.updated_at);
  out["resolution_due_at"] = OptionalInstant(c.clock.resolution_due_at);
  out["overdue"] = IsOpen(c) && Before(c.clock.resolution_due_at, now);
  out["sla"] = Sla(c, now);
  return out;
}

json::object BeneficiaryCaseJson(const domain::Case& c,
                                 const std::vector<domain::CaseEvent>& timeline,
                                 const domain::EscalationLadder& ladder, Language language) {
  json::object out = Summary(c, language);
  // When the answer is due (the beneficiary may escalate once it has passed), and where to turn
  // once the last internal level has spoken.
  out["resolution_due_at"] = OptionalInstant(c.clock.resolution_due_at);
  out["clock_paused"] = c.clock.paused_since.has_value();
  if (c.escalation_level >= ladder.last_level()) {
    const bool ar = language == Language::kArabic;
    out["external_recourse"] =
        json::object{{"name", ar ? ladder.external.name_ar : ladder.external.name_en},
                     {"how", ar ? ladder.external.how_ar : ladder.external.how_en}};
  }
  out["decision"] = Optional(c.handling.decision);
  json::array remedies;
  for (auto r : c.handling.remedies) remedies.emplace_back(domain::NameOf(r));
  out["remedies"] = std::move(remedies);
  out["rejection_reason"] = Optional(c.handling.rejection_reason);
  json::array events;
  for (const auto& e : timeline) {
    if (e.visibility != domain::CaseEvent::Visibility::kPublic) continue;
    // Staff appear by role only: the beneficiary deals with the centre, not with a name.
    json::object event{{"type", e.type},
                       {"at", domain::FormatIso8601(e.at)},
                       {"by", e.actor.kind == domain::Actor::Kind::kStaff
                                  ? json::value(e.actor_role)
                                  : json::value(domain::NameOf(e.actor.kind))},
                       {"data", DataOf(e)}};
    if (e.to_status) PutTerm(event, "status", *e.to_status, language);
    events.push_back(std::move(event));
  }
  out["timeline"] = std::move(events);
  return out;
}

json::object ActionResultJson(const domain::Case& c, domain::Instant now, Language language) {
  json::object out = Summary(c, language);
  out["handling"] = Handling(c, language);
  out["sla"] = Sla(c, now);
  return out;
}

}  // namespace shakwa::http::api
