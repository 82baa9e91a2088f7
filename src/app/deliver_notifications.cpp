#include "app/deliver_notifications.hpp"

#include <algorithm>

#include "app/audit_record.hpp"
#include "app/notices.hpp"
#include "app/write_and_wait.hpp"
#include "domain/json_writer.hpp"

namespace shakwa::app {

std::string_view NameOf(Courier::Channel channel) {
  switch (channel) {
    case Courier::Channel::kSms:
      return "sms";
    case Courier::Channel::kWebhook:
      return "webhook";
    case Courier::Channel::kEmail:
      break;
  }
  return "email";
}

namespace {

using domain::Status;

const domain::Actor kDispatcher{domain::Actor::Kind::kSystem, {}};

// Where a message goes: the address is read from the case (or the user) now, not when queued.
struct Route {
  Courier::Channel channel = Courier::Channel::kEmail;
  std::string address;
  std::string name;
  domain::Language language = domain::Language::kArabic;
};

// The beneficiary's preferred channel first, then the other; their representative's contact
// when they gave none of their own. kNoContact: nothing to reach them by (parked, for staff to
// call); kNoChannel: an address, but no configured channel for it (the notice waits).
enum class Unroutable { kNoContact, kNoChannel };

struct BeneficiaryRouting {
  std::optional<Route> route;
  Unroutable why = Unroutable::kNoContact;
};

BeneficiaryRouting BeneficiaryRoute(const domain::Case& c, const Courier& courier) {
  const domain::Beneficiary& b = c.beneficiary;
  const domain::Representative* r = b.representative ? &*b.representative : nullptr;
  std::optional<std::string> email = b.email ? b.email : (r ? r->email : std::nullopt);
  std::optional<std::string> mobile = b.mobile ? b.mobile : (r ? r->mobile : std::nullopt);
  const bool sms_first = c.preferred_channel == domain::ContactChannel::kSms;
  const Courier::Channel order[2] = {sms_first ? Courier::Channel::kSms : Courier::Channel::kEmail,
                                     sms_first ? Courier::Channel::kEmail : Courier::Channel::kSms};
  for (const Courier::Channel channel : order) {
    const std::optional<std::string>& address =
        channel == Courier::Channel::kEmail ? email : mobile;
    if (address && courier.Offers(channel)) {
      return {Route{channel, *address, b.name, c.language}, {}};
    }
  }
  return {std::nullopt, email || mobile ? Unroutable::kNoChannel : Unroutable::kNoContact};
}

struct Job {
  Notification notification;
  domain::Case subject_case;
  Route route;
  Courier::Outcome outcome;
};

domain::CaseEvent AttemptEvent(const Notification& n, std::string_view type, domain::Instant now) {
  domain::JsonWriter data;
  data.Add("notification_id", n.id)
      .Add("template", std::string_view(n.template_name))
      .Add("recipient", NameOf(n.recipient))
      .Add("channel", std::string_view(n.channel))
      .Add("attempt", std::int64_t{n.attempts})
      .Add("outcome", std::string_view(n.last_outcome));
  if (n.endpoint) data.Add("endpoint", std::string_view(*n.endpoint));
  if (n.next_attempt_at > now && !n.delivered_at && !n.failed_at) {
    data.Add("next_attempt_at", std::string_view(domain::FormatIso8601(n.next_attempt_at)));
  }
  domain::CaseEvent e;
  e.at = now;
  e.type = std::string(type);
  e.visibility = domain::CaseEvent::Visibility::kInternal;
  e.actor = kDispatcher;
  e.actor_role = "system";
  e.data = data.Finish();
  return e;
}

// The attempt's record: a timeline event on the case and its audit record.
Status RecordAttempt(WriteTransaction& tx, const Notification& n, const domain::Case& c,
                     std::string_view type, domain::Instant now) {
  const domain::CaseEvent event = AttemptEvent(n, type, now);
  auto appended = tx.AppendEvent(c.id, event);
  if (!appended) return std::move(appended).error();
  return Audit(tx, now, kDispatcher, "notification." + std::string(type).substr(13),
               c.reference.ToString(), event.data);
}

// No channel configured reaches the recipient yet: the notice waits (no attempt counted) and is
// looked at again after the longest back-off, so configuring the channel later still sends it.
Status Defer(WriteTransaction& tx, Notification& n, const DeliverySettings& settings,
             std::string why, domain::Instant now) {
  n.next_attempt_at = now + settings.retry_cap;
  n.last_outcome = std::move(why);
  return tx.UpdateNotification(n);
}

Status Park(WriteTransaction& tx, Notification& n, const domain::Case& c, std::string why,
            domain::Instant now) {
  n.failed_at = now;
  n.last_outcome = std::move(why);
  if (Status s = tx.UpdateNotification(n); !s.ok()) return s;
  return RecordAttempt(tx, n, c, "notification_parked", now);
}

}  // namespace

std::chrono::seconds RetryDelay(const DeliverySettings& settings, int attempts) {
  std::chrono::seconds delay = settings.retry_base;
  for (int i = 1; i < attempts && delay < settings.retry_cap; ++i) delay *= 2;
  return std::min(delay, settings.retry_cap);
}

DeliverNotifications::DeliverNotifications(Store& store, const Clock& clock, Courier& courier,
                                           DeliverySettings settings)
    : store_(store), clock_(clock), courier_(courier), settings_(settings) {}

domain::Result<DeliveryReport> DeliverNotifications::RunOnce() const {
  DeliveryReport report;
  std::vector<Job> jobs;
  const domain::Instant claimed_at = clock_.Now();

  // 1. claim
  Status claimed = WriteAndWait(store_, [&](WriteTransaction& tx) -> Status {
    jobs.clear();
    report = DeliveryReport{};
    auto due = tx.DueNotifications(claimed_at, settings_.batch);
    if (!due) return std::move(due).error();
    report.claimed = static_cast<int>(due->size());
    const std::vector<std::string> endpoints = courier_.WebhookEndpoints();
    for (Notification& n : *due) {
      auto found = tx.FindCaseById(n.case_id);
      if (!found) return std::move(found).error();
      if (!*found) {
        return domain::Error::Of(domain::ErrorCode::kInternal, domain::MessageId::kInternalError,
                                 "outbox row " + std::to_string(n.id) + " names no case");
      }
      const domain::Case& c = (*found)->value;
      Route route;
      if (n.recipient == Notification::Recipient::kWebhook && !n.endpoint) {
        for (const std::string& endpoint : endpoints) {
          Notification copy = n;
          copy.endpoint = endpoint;
          copy.dedupe_key = n.dedupe_key + "@" + endpoint;
          copy.attempts = 0;
          copy.next_attempt_at = claimed_at;
          if (auto queued = tx.EnqueueNotification(copy); !queued) {
            return std::move(queued).error();
          }
        }
        n.delivered_at = claimed_at;
        n.channel = "webhook";
        n.last_outcome = "for " + std::to_string(endpoints.size()) + " endpoint(s)";
        if (Status s = tx.UpdateNotification(n); !s.ok()) return s;
        ++report.fanned_out;
        continue;
      }
      if (n.recipient == Notification::Recipient::kWebhook) {
        if (std::find(endpoints.begin(), endpoints.end(), *n.endpoint) == endpoints.end()) {
          n.channel = "webhook";
          if (Status s = Park(tx, n, c, "endpoint no longer configured", claimed_at); !s.ok()) {
            return s;
          }
          ++report.parked;
          continue;
        }
        route = Route{Courier::Channel::kWebhook, *n.endpoint, {}, domain::Language::kEnglish};
      } else if (n.recipient == Notification::Recipient::kStaff) {
        std::optional<domain::StaffUser> user;
        if (n.recipient_user_id) {
          auto read = tx.FindUser(*n.recipient_user_id);
          if (!read) return std::move(read).error();
          user = std::move(*read);
        }
        if (!user || !user->active) {
          n.channel = "email";
          if (Status s = Park(tx, n, c, "no active member of staff to tell", claimed_at); !s.ok()) {
            return s;
          }
          ++report.parked;
          continue;
        }
        if (!courier_.Offers(Courier::Channel::kEmail)) {
          if (Status s = Defer(tx, n, settings_, "waiting for an e-mail channel", claimed_at);
              !s.ok()) {
            return s;
          }
          ++report.waiting;
          continue;
        }
        route = Route{Courier::Channel::kEmail, user->email, user->name, domain::Language::kArabic};
      } else {
        BeneficiaryRouting routing = BeneficiaryRoute(c, courier_);
        if (!routing.route && routing.why == Unroutable::kNoChannel) {
          if (Status s = Defer(tx, n, settings_,
                               "waiting for a channel that reaches the beneficiary", claimed_at);
              !s.ok()) {
            return s;
          }
          ++report.waiting;
          continue;
        }
        if (!routing.route) {
          // Staff see this on the timeline and reach the beneficiary another way (a call).
          if (Status s =
                  Park(tx, n, c, "no e-mail or mobile to reach the beneficiary by", claimed_at);
              !s.ok()) {
            return s;
          }
          ++report.parked;
          continue;
        }
        route = std::move(*routing.route);
        domain::JsonWriter detail;
        detail.Add("purpose", "notification")
            .Add("notification_id", n.id)
            .Add("channel", NameOf(route.channel));
        if (Status s = Audit(tx, claimed_at, kDispatcher, "pii.read", c.reference.ToString(),
                             detail.Finish());
            !s.ok()) {
          return s;
        }
      }
      n.attempts += 1;
      n.next_attempt_at = claimed_at + RetryDelay(settings_, n.attempts);
      n.channel = std::string(NameOf(route.channel));
      if (Status s = tx.UpdateNotification(n); !s.ok()) return s;
      jobs.push_back(Job{std::move(n), c, std::move(route), {}});
    }
    return Status::Ok();
  });
  if (!claimed.ok()) return std::move(claimed).error();
  if (jobs.empty()) return report;

  // 2. send, with no transaction open
  for (Job& job : jobs) {
    job.outcome =
        courier_.Send(Courier::Message{job.notification, job.subject_case, job.route.channel,
                                       job.route.address, job.route.name, job.route.language});
  }

  // 3. record
  const domain::Instant recorded_at = clock_.Now();
  DeliveryReport outcomes;
  Status recorded = WriteAndWait(store_, [&](WriteTransaction& tx) -> Status {
    outcomes = DeliveryReport{};
    for (const Job& job : jobs) {
      Notification n = job.notification;
      n.last_outcome = job.outcome.detail;
      std::string_view type;
      switch (job.outcome.kind) {
        case Courier::Outcome::Kind::kDelivered:
          n.delivered_at = recorded_at;
          type = "notification_delivered";
          ++outcomes.delivered;
          break;
        case Courier::Outcome::Kind::kTransient:
          if (n.attempts >= settings_.max_attempts) {
            n.failed_at = recorded_at;
            type = "notification_parked";
            ++outcomes.parked;
          } else {
            type = "notification_attempt_failed";
            ++outcomes.retrying;
          }
          break;
        case Courier::Outcome::Kind::kPermanent:
          n.failed_at = recorded_at;
          type = "notification_parked";
          ++outcomes.parked;
          break;
      }
      // The attempt is on the timeline whatever became of the row; the row takes its outcome
      // only if no later attempt (another node's, after this claim's lease ran out) settled it.
      auto settled = tx.SettleAttempt(n);
      if (!settled) return std::move(settled).error();
      if (!*settled) ++outcomes.overtaken;
      if (Status s = RecordAttempt(tx, n, job.subject_case, type, recorded_at); !s.ok()) {
        return s;
      }
    }
    return Status::Ok();
  });
  if (!recorded.ok()) return std::move(recorded).error();
  report.delivered += outcomes.delivered;
  report.retrying += outcomes.retrying;
  report.parked += outcomes.parked;
  report.overtaken += outcomes.overtaken;
  return report;
}

NotificationDispatchJob::NotificationDispatchJob(const DeliverNotifications& dispatcher,
                                                 std::chrono::milliseconds interval, Report report)
    : thread_([this, &dispatcher, interval, report = std::move(report)](std::stop_token stop) {
        while (!stop.stop_requested()) {
          auto round = dispatcher.RunOnce();
          const bool busy = round && round->claimed > 0;
          if (!round || round->claimed > 0) report(round);
          if (busy) continue;  // more may be due: keep going until a round finds nothing
          std::unique_lock lock(mutex_);
          wake_.wait_for(lock, stop, interval, [this] { return woken_; });
          woken_ = false;
        }
      }) {}

NotificationDispatchJob::~NotificationDispatchJob() {
  thread_.request_stop();
  thread_.join();
}

void NotificationDispatchJob::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

}  // namespace shakwa::app
