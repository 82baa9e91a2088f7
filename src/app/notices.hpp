// Notices: what the beneficiary, staff and integrators are told of a change, queued in the
// transaction of the change itself (the outbox), so a change is never stored without its notice
// nor a notice sent for a change that rolled back. Delivery is DeliverNotifications' work.
//
// One change tells the beneficiary at most one thing, the weightiest: a decision, a request for
// information, the closure, a reply, or a new status. What the beneficiary did themself is not
// echoed back to them, except a closure (accepting or withdrawing), which they get in writing.
// Escalation notices are queued by RaiseEscalation. Every change also queues one webhook event
// for integrators, without personal data or texts.
//
// Thread safety: plain functions over the transaction they are given.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/ports/store.hpp"

namespace shakwa::app {

// Queues one notification in tx unless its dedupe_key was ever queued.
domain::Status QueueNotice(WriteTransaction& tx, const domain::Case& c, domain::Instant now,
                           std::string template_name, Notification::Recipient recipient,
                           std::optional<std::int64_t> staff_id, std::string data,
                           std::string dedupe_key);

// The acknowledgement of a case just received (ISO 10002 7.3: at once), carrying its access
// code (sealed at rest), and, when webhooks are configured, the webhook event "case.received".
// (Without webhooks the event row is not written at all: it would cost every intake a row.)
domain::Status QueueAcknowledgement(WriteTransaction& tx, const domain::Case& c,
                                    const std::string& access_code, domain::Instant now,
                                    bool webhooks = true);

// The notices of a change to c (already stored at its new version) that moved it from before
// and recorded events, made by actor.
domain::Status QueueChangeNotices(WriteTransaction& tx, const domain::Case& c,
                                  domain::CaseStatus before,
                                  const std::vector<domain::CaseEvent>& events,
                                  const domain::Actor& actor, domain::Instant now,
                                  bool webhooks = true);

// The "still at work" message when the update interval ran out with nothing said.
domain::Status QueueProgressUpdate(WriteTransaction& tx, const domain::Case& c,
                                   domain::Instant now);

}  // namespace shakwa::app
