// Courier: the port through which Shakwa's messages leave it — rendered from their templates and
// sent by e-mail, SMS or webhook. The adapter (src/main/courier.cpp) owns the templates and the
// transports; DeliverNotifications decides what goes where and records what happened.
//
// Thread safety: Send may be called from the dispatcher's thread while the admin changes the
// templates; adapters guard their own state.
#pragma once

#include <string>
#include <vector>

#include "app/ports/store.hpp"

namespace shakwa::app {

class Courier {
 public:
  enum class Channel { kEmail, kSms, kWebhook };
  struct Outcome {
    // kTransient: worth trying again later; kPermanent: retrying cannot help.
    enum class Kind { kDelivered, kTransient, kPermanent };
    Kind kind = Kind::kTransient;
    std::string detail;  // for the timeline: never an address, a secret or the message itself
  };
  // One message to send: the notification, the case it tells of, and where it goes.
  struct Message {
    const Notification& notification;
    const domain::Case& subject_case;
    Channel channel = Channel::kEmail;
    std::string address;  // e-mail address, E.164 mobile, or the webhook endpoint's name
    std::string recipient_name;
    domain::Language language = domain::Language::kArabic;
  };

  virtual ~Courier() = default;
  virtual bool Offers(Channel channel) const = 0;
  // The names of the configured webhook endpoints (each gets every event).
  virtual std::vector<std::string> WebhookEndpoints() const = 0;
  // Renders and sends m. The notification's dedupe_key is its idempotency key: a message sent
  // twice (a crash before its delivery was recorded) carries the same key both times.
  virtual Outcome Send(const Message& m) = 0;
};

std::string_view NameOf(Courier::Channel channel);

}  // namespace shakwa::app
