#include "app/notices.hpp"

#include <algorithm>
#include <array>

#include "domain/json_writer.hpp"
#include "domain/lifecycle.hpp"

namespace shakwa::app {
namespace {

using domain::CaseEvent;
using domain::CaseStatus;
using domain::Status;

std::string VersionKey(const domain::Case& c) {
  return c.reference.ToString() + ":v" + std::to_string(c.version);
}

// The webhook event for integrators: what changed, never who or what was written (a reply can
// carry personal detail; integrators follow the case, not the beneficiary).
Status QueueWebhook(WriteTransaction& tx, const domain::Case& c, std::string_view event,
                    std::optional<CaseStatus> previous, domain::Instant now) {
  domain::JsonWriter data;
  data.Add("event", event)
      .Add("reference", std::string_view(c.reference.ToString()))
      .Add("status", domain::NameOf(c.status))
      .Add("kind", domain::NameOf(c.kind))
      .Add("category", std::string_view(c.category))
      .Add("priority", domain::NameOf(c.handling.priority))
      .Add("escalation_level", std::int64_t{c.escalation_level})
      .Add("version", c.version)
      .Add("occurred_at", std::string_view(domain::FormatIso8601(now)));
  if (previous) data.Add("previous_status", domain::NameOf(*previous));
  // One row for every configured endpoint: delivery fans it out (so adding an endpoint needs
  // no change here, and a change with no endpoint configured costs one settled row).
  return QueueNotice(tx, c, now, std::string(event), Notification::Recipient::kWebhook,
                     std::nullopt, data.Finish(), "webhook:" + VersionKey(c));
}

bool Has(const std::vector<CaseEvent>& events, std::string_view type) {
  return std::any_of(events.begin(), events.end(),
                     [&](const CaseEvent& e) { return e.type == type; });
}

const CaseEvent* Find(const std::vector<CaseEvent>& events, std::string_view type) {
  for (const CaseEvent& e : events) {
    if (e.type == type) return &e;
  }
  return nullptr;
}

// The webhook event name of a change: the status when it moved, else its weightiest event.
std::string WebhookEvent(const domain::Case& c, CaseStatus before,
                         const std::vector<CaseEvent>& events) {
  if (Has(events, "escalated")) return "case.escalated";
  if (c.status != before) return "case.status_changed";
  for (const std::string_view type : {"reply", "information_provided", "assigned", "assessed",
                                      "reclassified", "findings", "referred_externally"}) {
    if (Has(events, type)) return "case." + std::string(type);
  }
  return events.empty() ? "case.updated" : "case." + events.front().type;
}

struct BeneficiaryNotice {
  std::string template_name;
  const CaseEvent* event = nullptr;  // whose data the message quotes
  std::optional<std::string> outcome;
};

std::optional<BeneficiaryNotice> ChooseBeneficiaryNotice(const domain::Case& c, CaseStatus before,
                                                         const std::vector<CaseEvent>& events,
                                                         const domain::Actor& actor) {
  if (const CaseEvent* e = Find(events, "resolved")) {
    return BeneficiaryNotice{"decision", e, "resolved"};
  }
  if (const CaseEvent* e = Find(events, "rejected")) {
    return BeneficiaryNotice{"decision", e, "rejected"};
  }
  if (const CaseEvent* e = Find(events, "information_requested")) {
    return BeneficiaryNotice{"information_requested", e, std::nullopt};
  }
  if (c.status != before &&
      (c.status == CaseStatus::kClosed || c.status == CaseStatus::kWithdrawn)) {
    const CaseEvent* e = Find(events, "closed");
    if (!e) e = Find(events, "withdrawn");
    return BeneficiaryNotice{"closure", e, std::nullopt};
  }
  // The escalation notices are queued with the escalation; the beneficiary's own actions need
  // no echo.
  if (actor.kind == domain::Actor::Kind::kBeneficiary || Has(events, "escalated")) {
    return std::nullopt;
  }
  if (const CaseEvent* e = Find(events, "reply")) {
    return BeneficiaryNotice{"progress", e, std::nullopt};
  }
  if (c.status != before) {
    const CaseEvent* e = nullptr;
    for (const CaseEvent& candidate : events) {
      if (candidate.visibility == CaseEvent::Visibility::kPublic) {
        e = &candidate;
        break;
      }
    }
    return BeneficiaryNotice{"progress", e, std::nullopt};
  }
  return std::nullopt;
}

}  // namespace

std::string_view NameOf(Notification::Recipient recipient) {
  switch (recipient) {
    case Notification::Recipient::kStaff:
      return "staff";
    case Notification::Recipient::kWebhook:
      return "webhook";
    case Notification::Recipient::kBeneficiary:
      break;
  }
  return "beneficiary";
}

Status QueueNotice(WriteTransaction& tx, const domain::Case& c, domain::Instant now,
                   std::string template_name, Notification::Recipient recipient,
                   std::optional<std::int64_t> staff_id, std::string data, std::string dedupe_key) {
  Notification n;
  n.case_id = c.id;
  n.created_at = now;
  n.next_attempt_at = now;
  n.template_name = std::move(template_name);
  n.recipient = recipient;
  n.recipient_user_id = staff_id;
  n.data = std::move(data);
  n.dedupe_key = std::move(dedupe_key);
  auto queued = tx.EnqueueNotification(n);
  if (!queued) return std::move(queued).error();
  return Status::Ok();
}

Status QueueAcknowledgement(WriteTransaction& tx, const domain::Case& c,
                            const std::string& access_code, domain::Instant now, bool webhooks) {
  Notification n;
  n.case_id = c.id;
  n.created_at = now;
  n.next_attempt_at = now;
  n.template_name = "acknowledgement";
  n.recipient = Notification::Recipient::kBeneficiary;
  domain::JsonWriter data;
  data.Add("status", domain::NameOf(c.status));
  n.data = data.Finish();
  n.secret = access_code;
  n.dedupe_key = "acknowledgement:" + c.reference.ToString();
  auto queued = tx.EnqueueNotification(n);
  if (!queued) return std::move(queued).error();
  if (!webhooks) return Status::Ok();
  return QueueWebhook(tx, c, "case.received", std::nullopt, now);
}

Status QueueChangeNotices(WriteTransaction& tx, const domain::Case& c, CaseStatus before,
                          const std::vector<CaseEvent>& events, const domain::Actor& actor,
                          domain::Instant now, bool webhooks) {
  if (auto notice = ChooseBeneficiaryNotice(c, before, events, actor)) {
    domain::JsonWriter data;
    data.Add("status", domain::NameOf(c.status));
    if (c.status != before) data.Add("previous_status", domain::NameOf(before));
    if (notice->outcome) data.Add("outcome", std::string_view(*notice->outcome));
    if (notice->event) {
      data.Add("event_type", std::string_view(notice->event->type));
      if (!notice->event->data.empty()) data.AddRaw("event", notice->event->data);
    }
    if (Status s =
            QueueNotice(tx, c, now, notice->template_name, Notification::Recipient::kBeneficiary,
                        std::nullopt, data.Finish(), notice->template_name + ":" + VersionKey(c));
        !s.ok()) {
      return s;
    }
  }
  // The person a case was just given to is told, unless they took it themself.
  if (Has(events, "assigned") && c.handling.assignee_id &&
      !(actor.kind == domain::Actor::Kind::kStaff &&
        actor.id == std::to_string(*c.handling.assignee_id))) {
    domain::JsonWriter data;
    data.Add("status", domain::NameOf(c.status));
    if (Status s = QueueNotice(
            tx, c, now, "assigned", Notification::Recipient::kStaff, c.handling.assignee_id,
            data.Finish(),
            "assigned:" + VersionKey(c) + ":" + std::to_string(*c.handling.assignee_id));
        !s.ok()) {
      return s;
    }
  }
  if (!webhooks) return Status::Ok();
  return QueueWebhook(tx, c, WebhookEvent(c, before, events),
                      c.status != before ? std::optional(before) : std::nullopt, now);
}

Status QueueProgressUpdate(WriteTransaction& tx, const domain::Case& c, domain::Instant now) {
  domain::JsonWriter data;
  data.Add("status", domain::NameOf(c.status));
  return QueueNotice(tx, c, now, "progress_update", Notification::Recipient::kBeneficiary,
                     std::nullopt, data.Finish(), "progress_update:" + VersionKey(c));
}

}  // namespace shakwa::app
