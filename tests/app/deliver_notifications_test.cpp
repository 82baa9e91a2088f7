// The outbox end to end on the use cases, an in-memory store, a settable clock and a fake
// courier: what each change queues (notices.cpp), and how the dispatcher claims, sends, retries,
// parks and fans out what was queued (deliver_notifications.cpp), including a crash between a
// send and its record.
#include "app/deliver_notifications.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/escalation.hpp"
#include "app/handle_case.hpp"
#include "app/notices.hpp"
#include "app/submit_case.hpp"
#include "storage/memory/memory_store.hpp"
#include "support/fakes.hpp"
#include "support/intake_forms.hpp"
#include "support/store_helpers.hpp"

namespace shakwa::app {
namespace {

using domain::CaseEvent;
using domain::CaseStatus;
using domain::ErrorCode;
using domain::MessageId;
using domain::Role;
using domain::StaffUser;
using testing::At;
using CaseResult = domain::Result<domain::Case>;
using Recipient = Notification::Recipient;
using Channel = Courier::Channel;
using Kind = Courier::Outcome::Kind;
using std::chrono::milliseconds;
using std::chrono::seconds;

// What the fake courier was asked to send, copied out of the Message (whose references do not
// outlive the call).
struct SentMessage {
  std::int64_t notification_id = 0;
  std::string dedupe_key;
  std::string template_name;
  Recipient recipient = Recipient::kBeneficiary;
  std::optional<std::string> secret;
  std::string reference;
  Channel channel = Channel::kEmail;
  std::string address;
  std::string recipient_name;
  domain::Language language = domain::Language::kArabic;
};

// A courier that sends nothing: it records every message and answers with the next scripted
// outcome (delivered once the script runs out). after_send runs once the message is "out", to
// stage what happens between the send and its record.
//
// Thread safety: none; the dispatcher calls it on the test's thread.
class FakeCourier final : public Courier {
 public:
  bool Offers(Channel channel) const override { return offered.contains(channel); }
  std::vector<std::string> WebhookEndpoints() const override { return endpoints; }
  Outcome Send(const Message& m) override {
    sent.push_back(SentMessage{m.notification.id, m.notification.dedupe_key,
                               m.notification.template_name, m.notification.recipient,
                               m.notification.secret, m.subject_case.reference.ToString(),
                               m.channel, m.address, m.recipient_name, m.language});
    Outcome outcome{Kind::kDelivered, "250 accepted"};
    if (!script.empty()) {
      outcome = script.front();
      script.pop_front();
    }
    if (after_send) after_send();
    return outcome;
  }

  std::set<Channel> offered{Channel::kEmail, Channel::kSms, Channel::kWebhook};
  std::vector<std::string> endpoints;
  std::deque<Outcome> script;
  std::function<void()> after_send;
  std::vector<SentMessage> sent;
};

struct Submitted {
  std::string reference;
  std::string code;  // as printed on the receipt
};

class DeliverNotificationsTest : public ::testing::Test {
 public:
  void SetUp() override {
    ASSERT_TRUE(testing::WriteSync(store_, [](WriteTransaction& tx) -> domain::Status {
                  return tx.InsertDepartment(testing::SampleDepartment("procurement"));
                }).ok());
    agent_ = AddStaff("agent@centre.gov.sa", Role::kAgent, std::nullopt);
    handler_ = AddStaff("handler@centre.gov.sa", Role::kHandler, "procurement");
    supervisor_ = AddStaff("supervisor@centre.gov.sa", Role::kSupervisor, "procurement");
  }

  StaffUser AddStaff(std::string email, Role role, std::optional<std::string> department) {
    StaffUser u = testing::SampleUser(std::move(email), role, std::move(department));
    auto id = testing::WriteResult(
        store_, [&](WriteTransaction& tx) { return tx.InsertUser(u, "not used"); });
    EXPECT_TRUE(id.has_value());
    u.id = id.has_value() ? *id : 0;
    return u;
  }

  Submitted Submit(domain::IntakeForm form = testing::ValidIntakeForm()) {
    Submitted out;
    submit_.Submit(form, domain::Actor{}, [&](domain::Result<Receipt> r) {
      ASSERT_TRUE(r.has_value()) << domain::MessageCode(r.error().message);
      out.reference = r->recorded.reference.ToString();
      out.code = r->access_code;
    });
    return out;
  }

  // A case stored directly (intake insists on an e-mail or a mobile of the beneficiary's own),
  // shaped by shape, with its acknowledgement queued as intake would.
  std::string StoreCase(const std::function<void(domain::Case&)>& shape) {
    domain::Case c = testing::SampleCase(2026, 900 + stored_cases_++);
    c.received_at = clock_.Now();
    c.recorded_at = clock_.Now();
    shape(c);
    EXPECT_TRUE(testing::WriteSync(store_, [&](WriteTransaction& tx) -> domain::Status {
                  auto id = tx.InsertCase(c, AccessCodeHash{});
                  if (!id) return std::move(id).error();
                  c.id = *id;
                  return QueueAcknowledgement(tx, c, "ABCD-EFGH-JKLM", clock_.Now());
                }).ok());
    return c.reference.ToString();
  }
  std::string StoreUnreachableCase() {
    return StoreCase([](domain::Case& c) {
      c.beneficiary.email.reset();
      c.beneficiary.mobile.reset();
      c.beneficiary.representative.reset();
    });
  }

  static CaseResult Run(const std::function<void(HandleCase::Done)>& action) {
    std::optional<CaseResult> out;
    action([&](CaseResult r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value()) << "done was not called";
    if (!out) return domain::Error::Of(ErrorCode::kInternal, MessageId::kInternalError);
    return std::move(*out);
  }

  domain::Case Stored(const std::string& reference) {
    auto found = testing::ReadResult(store_, [&](ReadTransaction& tx) {
      return tx.FindCase(*domain::ParseReference(reference));
    });
    EXPECT_TRUE(found.has_value() && found->has_value());
    return (*found)->value;
  }

  std::vector<CaseEvent> Events(const std::string& reference, std::string_view type,
                                bool public_only = false) {
    const std::int64_t id = Stored(reference).id;
    auto all = testing::ReadResult(
        store_, [&](ReadTransaction& tx) { return tx.Timeline(id, public_only); });
    EXPECT_TRUE(all.has_value());
    std::vector<CaseEvent> out;
    for (const CaseEvent& e : *all) {
      if (e.type == type) out.push_back(e);
    }
    return out;
  }

  std::vector<Notification> Notices(const std::string& reference) {
    const std::int64_t id = Stored(reference).id;
    auto all =
        testing::ReadResult(store_, [&](ReadTransaction& tx) { return tx.CaseNotifications(id); });
    EXPECT_TRUE(all.has_value());
    return all.has_value() ? *all : std::vector<Notification>{};
  }

  std::vector<Notification> Notices(const std::string& reference, Recipient recipient) {
    std::vector<Notification> out;
    for (Notification& n : Notices(reference)) {
      if (n.recipient == recipient) out.push_back(std::move(n));
    }
    return out;
  }

  Notification Notice(const std::string& reference, std::string_view template_name) {
    for (Notification& n : Notices(reference)) {
      if (n.template_name == template_name) return n;
    }
    ADD_FAILURE() << "no " << template_name << " notice";
    return {};
  }

  std::vector<domain::AuditEntry> AuditLog(std::string_view action) {
    auto entries =
        testing::ReadResult(store_, [](ReadTransaction& tx) { return tx.AuditEntries(0, 100000); });
    EXPECT_TRUE(entries.has_value());
    std::vector<domain::AuditEntry> out;
    for (const auto& e : *entries) {
      if (e.action == action) out.push_back(e);
    }
    return out;
  }

  DeliveryReport Round() {
    auto report = dispatcher_.RunOnce();
    EXPECT_TRUE(report.has_value()) << report.error().detail;
    return report.has_value() ? *report : DeliveryReport{};
  }

  std::vector<SentMessage> SentTo(Recipient recipient) const {
    std::vector<SentMessage> out;
    for (const SentMessage& m : courier_.sent) {
      if (m.recipient == recipient) out.push_back(m);
    }
    return out;
  }

  // Staff actions, synchronously.
  CaseResult Assess(const std::string& ref, std::int64_t v, Assessment a) {
    return Run([&](auto done) { handle_.Assess(ref, v, agent_, std::move(a), done); });
  }
  static Assessment Routine() {
    Assessment a;
    a.priority = domain::Priority::kNormal;
    a.department = "procurement";
    return a;
  }
  std::int64_t ToAssessed(const Submitted& s) {
    auto r = Assess(s.reference, 1, Routine());
    EXPECT_TRUE(r.has_value());
    return r.has_value() ? r->version : 0;
  }
  // The handler takes the case themself (which moves it to in_progress).
  std::int64_t ToInProgress(const Submitted& s) {
    const std::int64_t v = ToAssessed(s);
    auto r = Run([&](auto done) {
      handle_.Assign(s.reference, v, handler_, Assignment{std::nullopt, handler_.id}, done);
    });
    EXPECT_TRUE(r.has_value());
    EXPECT_EQ(r.has_value() ? r->status : CaseStatus::kReceived, CaseStatus::kInProgress);
    return r.has_value() ? r->version : 0;
  }
  std::int64_t ToAwaiting(const Submitted& s) {
    const std::int64_t v = ToInProgress(s);
    auto r = Run([&](auto done) {
      handle_.RequestInformation(s.reference, v, handler_, "أرفق أمر الدفع", done);
    });
    EXPECT_TRUE(r.has_value());
    return r.has_value() ? r->version : 0;
  }
  std::int64_t ToResolved(const Submitted& s) {
    std::int64_t v = ToInProgress(s);
    auto found = Run([&](auto done) {
      handle_.RecordFindings(s.reference, v, handler_,
                             FindingsRecord{"تأخر اعتماد أمر الدفع", domain::Outcome::kUpheld},
                             done);
    });
    EXPECT_TRUE(found.has_value());
    v = found.has_value() ? found->version : 0;
    auto resolved = Run([&](auto done) {
      handle_.Resolve(s.reference, v, handler_,
                      DecisionRecord{"يُصرف المستخلص", {domain::Remedy::kRefund}}, done);
    });
    EXPECT_TRUE(resolved.has_value());
    return resolved.has_value() ? resolved->version : 0;
  }

  // The rows an action queued: the case's notices after it, less those before it. Every change
  // tells integrators exactly once.
  std::vector<Notification> QueuedBy(const std::string& reference,
                                     const std::function<CaseResult()>& action) {
    const std::size_t before = Notices(reference).size();
    const CaseResult r = action();
    EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : domain::MessageCode(r.error().message));
    std::vector<Notification> all = Notices(reference);
    std::vector<Notification> added(all.begin() + static_cast<std::ptrdiff_t>(before), all.end());
    int webhooks = 0;
    for (const Notification& n : added) {
      if (n.recipient == Recipient::kWebhook) ++webhooks;
    }
    EXPECT_EQ(webhooks, 1) << "one webhook row per change";
    return added;
  }
  static std::vector<Notification> For(const std::vector<Notification>& rows, Recipient recipient) {
    std::vector<Notification> out;
    for (const Notification& n : rows) {
      if (n.recipient == recipient) out.push_back(n);
    }
    return out;
  }

 protected:
  const domain::Instant start_ = At("2026-03-10T09:00:00Z");  // a Tuesday, 12:00 Riyadh
  testing::FakeClock clock_{start_};
  testing::SeededRandom random_;
  testing::PlainHasher hasher_;
  storage::memory::MemoryStore store_;
  std::shared_ptr<TimeRulesSource> time_ = TimeRulesSource::Defaults();
  SubmitCase submit_{SubmitCase::Settings{{}, {}, 6, time_},
                     store_,
                     clock_,
                     random_,
                     hasher_,
                     testing::DefaultCatalogue()};
  HandleCase handle_{store_, clock_, hasher_, testing::DefaultCatalogue(), time_};
  EscalateOverdue sweep_{store_, time_};
  FakeCourier courier_;
  DeliverySettings settings_{50, seconds{60}, seconds{3600}, 3};
  DeliverNotifications dispatcher_{store_, clock_, courier_, settings_};
  StaffUser agent_, handler_, supervisor_;
  int stored_cases_ = 0;
};

// --- intake ----------------------------------------------------------------------------------

TEST_F(DeliverNotificationsTest, IntakeQueuesOneAcknowledgementCarryingTheAccessCode) {
  const Submitted s = Submit();
  const auto beneficiary = Notices(s.reference, Recipient::kBeneficiary);
  ASSERT_EQ(beneficiary.size(), 1u);
  EXPECT_EQ(beneficiary[0].template_name, "acknowledgement");
  EXPECT_EQ(beneficiary[0].secret, s.code);
  EXPECT_EQ(beneficiary[0].next_attempt_at, start_);  // due at once
  EXPECT_EQ(beneficiary[0].attempts, 0);
  // No address is copied into the outbox.
  EXPECT_EQ(beneficiary[0].data.find("finance@example.com"), std::string::npos);

  const auto webhooks = Notices(s.reference, Recipient::kWebhook);
  ASSERT_EQ(webhooks.size(), 1u);
  EXPECT_EQ(webhooks[0].template_name, "case.received");
  EXPECT_FALSE(webhooks[0].endpoint.has_value());
  EXPECT_FALSE(webhooks[0].secret.has_value());
  EXPECT_NE(webhooks[0].data.find(R"("event":"case.received")"), std::string::npos);
  EXPECT_EQ(Notices(s.reference).size(), 2u);
  EXPECT_TRUE(Notices(s.reference, Recipient::kStaff).empty());
}

TEST_F(DeliverNotificationsTest, TheAcknowledgementGoesToTheBeneficiarysEmailInTheirLanguage) {
  domain::IntakeForm form = testing::ValidIntakeForm();
  form.language = "en";
  const Submitted s = Submit(form);
  const DeliveryReport report = Round();
  EXPECT_EQ(report.claimed, 2);  // the acknowledgement and the webhook row (fanned out to none)
  EXPECT_EQ(report.delivered, 1);
  EXPECT_EQ(report.fanned_out, 1);

  ASSERT_EQ(courier_.sent.size(), 1u);
  const SentMessage& m = courier_.sent[0];
  EXPECT_EQ(m.template_name, "acknowledgement");
  EXPECT_EQ(m.dedupe_key, "acknowledgement:" + s.reference);
  EXPECT_EQ(m.reference, s.reference);
  EXPECT_EQ(m.channel, Channel::kEmail);
  EXPECT_EQ(m.address, "finance@example.com");
  EXPECT_EQ(m.recipient_name, "مؤسسة البناء");
  EXPECT_EQ(m.language, domain::Language::kEnglish);
  EXPECT_EQ(m.secret, s.code);  // the message carries the code

  const Notification ack = Notice(s.reference, "acknowledgement");
  EXPECT_EQ(ack.delivered_at, start_);
  EXPECT_FALSE(ack.failed_at.has_value());
  EXPECT_EQ(ack.attempts, 1);
  EXPECT_EQ(ack.channel, "email");
  EXPECT_EQ(ack.last_outcome, "250 accepted");
  EXPECT_FALSE(ack.secret.has_value()) << "the access code outlived its delivery";

  // The attempt is on the timeline for staff only, and in the audit trail, as is the reading of
  // the beneficiary's contact data.
  const auto delivered = Events(s.reference, "notification_delivered");
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].visibility, CaseEvent::Visibility::kInternal);
  EXPECT_NE(delivered[0].data.find(R"("template":"acknowledgement")"), std::string::npos);
  EXPECT_NE(delivered[0].data.find(R"("channel":"email")"), std::string::npos);
  EXPECT_EQ(delivered[0].data.find(s.code), std::string::npos);
  EXPECT_TRUE(Events(s.reference, "notification_delivered", /*public_only=*/true).empty());
  const auto pii = AuditLog("pii.read");
  ASSERT_EQ(pii.size(), 1u);
  EXPECT_EQ(pii[0].subject, s.reference);
  EXPECT_NE(pii[0].detail.find(R"("purpose":"notification")"), std::string::npos);
  EXPECT_EQ(AuditLog("notification.delivered").size(), 1u);

  // Delivered once: the next round has nothing to do.
  EXPECT_EQ(Round().claimed, 0);
  EXPECT_EQ(courier_.sent.size(), 1u);
}

// --- routes ----------------------------------------------------------------------------------

TEST_F(DeliverNotificationsTest, SmsPreferredWithAMobileGoesBySms) {
  domain::IntakeForm form = testing::ValidIntakeForm();
  form.preferred_channel = "sms";
  const Submitted s = Submit(form);
  Round();
  const auto sent = SentTo(Recipient::kBeneficiary);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].channel, Channel::kSms);
  ASSERT_TRUE(Stored(s.reference).beneficiary.mobile.has_value());
  EXPECT_EQ(sent[0].address, *Stored(s.reference).beneficiary.mobile);
  EXPECT_EQ(Notice(s.reference, "acknowledgement").channel, "sms");
}

TEST_F(DeliverNotificationsTest, SmsPreferredButNotOfferedFallsBackToEmail) {
  courier_.offered = {Channel::kEmail, Channel::kWebhook};
  domain::IntakeForm form = testing::ValidIntakeForm();
  form.preferred_channel = "sms";
  const Submitted s = Submit(form);
  Round();
  const auto sent = SentTo(Recipient::kBeneficiary);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].channel, Channel::kEmail);
  EXPECT_EQ(sent[0].address, "finance@example.com");
  EXPECT_TRUE(Notice(s.reference, "acknowledgement").delivered_at.has_value());
}

TEST_F(DeliverNotificationsTest, ABeneficiaryNoChannelReachesIsParkedWithoutASend) {
  const std::string ref = StoreUnreachableCase();
  const DeliveryReport report = Round();
  EXPECT_EQ(report.parked, 1);
  EXPECT_EQ(report.delivered, 0);
  EXPECT_TRUE(courier_.sent.empty());

  const Notification ack = Notice(ref, "acknowledgement");
  EXPECT_TRUE(ack.failed_at.has_value());
  EXPECT_FALSE(ack.delivered_at.has_value());
  EXPECT_FALSE(ack.last_outcome.empty()) << "parked without a reason";
  EXPECT_FALSE(ack.secret.has_value());
  const auto parked = Events(ref, "notification_parked");
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_NE(parked[0].data.find(ack.last_outcome), std::string::npos);
  EXPECT_TRUE(AuditLog("pii.read").empty());  // no address was read for a send
  EXPECT_EQ(AuditLog("notification.parked").size(), 1u);

  // Parked rows are not tried again.
  clock_.Set(start_ + std::chrono::hours{24});
  EXPECT_EQ(Round().claimed, 0);
  EXPECT_TRUE(courier_.sent.empty());
}

TEST_F(DeliverNotificationsTest, TheRepresentativesContactServesWhenTheBeneficiaryGaveNone) {
  const std::string ref = StoreCase([](domain::Case& c) {
    c.beneficiary.email.reset();
    c.beneficiary.mobile.reset();
    c.preferred_channel = domain::ContactChannel::kEmail;  // which nobody gave
  });
  Round();
  const auto sent = SentTo(Recipient::kBeneficiary);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].channel, Channel::kSms);
  EXPECT_EQ(sent[0].address, "+966509998877");
  EXPECT_EQ(sent[0].reference, ref);
}

// Only a mobile, and no SMS gateway configured yet: the acknowledgement waits for one (no
// attempt counted), and goes once the gateway is there.
TEST_F(DeliverNotificationsTest, OnlyAMobileAndNoSmsChannelWaitsForOne) {
  courier_.offered = {Channel::kEmail, Channel::kWebhook};
  domain::IntakeForm form = testing::ValidIntakeForm();
  form.beneficiary->email.reset();
  form.beneficiary->representative.reset();
  const Submitted s = Submit(form);
  const DeliveryReport first = Round();
  EXPECT_EQ(first.waiting, 1);
  EXPECT_EQ(first.parked, 0);
  EXPECT_TRUE(courier_.sent.empty());
  const Notification waiting = Notice(s.reference, "acknowledgement");
  EXPECT_FALSE(waiting.failed_at.has_value());
  EXPECT_FALSE(waiting.delivered_at.has_value());
  EXPECT_EQ(waiting.attempts, 0);
  EXPECT_EQ(waiting.next_attempt_at, start_ + seconds{3600});
  EXPECT_EQ(Round().claimed, 0);  // not looked at again before then

  courier_.offered = {Channel::kEmail, Channel::kSms, Channel::kWebhook};
  clock_.Set(start_ + seconds{3600});
  EXPECT_EQ(Round().delivered, 1);
  ASSERT_EQ(courier_.sent.size(), 1u);
  EXPECT_EQ(courier_.sent[0].channel, Channel::kSms);
}

TEST_F(DeliverNotificationsTest, ARoundClaimsAtMostTheBatchSoonestFirst) {
  DeliverNotifications one_at_a_time{store_, clock_, courier_,
                                     DeliverySettings{1, seconds{60}, seconds{3600}, 3}};
  const Submitted first = Submit();
  clock_.Set(start_ + seconds{1});
  const Submitted second = Submit();
  int rounds = 0;
  for (;;) {
    auto report = one_at_a_time.RunOnce();
    ASSERT_TRUE(report.has_value());
    if (report->claimed == 0) break;
    EXPECT_EQ(report->claimed, 1);
    ASSERT_LT(++rounds, 10) << "the rounds never end";
  }
  EXPECT_EQ(rounds, 4);  // two acknowledgements, two webhook rows (no endpoint configured)
  ASSERT_EQ(courier_.sent.size(), 2u);
  EXPECT_EQ(courier_.sent[0].reference, first.reference);
  EXPECT_EQ(courier_.sent[1].reference, second.reference);
}

// --- failures --------------------------------------------------------------------------------

TEST_F(DeliverNotificationsTest, TransientFailuresAreRetriedAfterTheBackOffThenParked) {
  courier_.script = {{Kind::kTransient, "421 try later"},
                     {Kind::kTransient, "421 try later"},
                     {Kind::kTransient, "421 try later"}};
  const Submitted s = Submit();

  // Attempt 1 fails: due again after RetryDelay(1).
  EXPECT_EQ(Round().retrying, 1);
  Notification ack = Notice(s.reference, "acknowledgement");
  EXPECT_EQ(ack.attempts, 1);
  EXPECT_EQ(ack.next_attempt_at, start_ + RetryDelay(settings_, 1));
  EXPECT_FALSE(ack.delivered_at.has_value());
  EXPECT_FALSE(ack.failed_at.has_value());
  EXPECT_EQ(ack.last_outcome, "421 try later");
  EXPECT_EQ(ack.secret, s.code);  // kept while it may still be sent
  EXPECT_EQ(Events(s.reference, "notification_attempt_failed").size(), 1u);

  // Not a millisecond before.
  const domain::Instant second = ack.next_attempt_at;
  clock_.Set(second - milliseconds{1});
  EXPECT_EQ(Round().claimed, 0);
  EXPECT_EQ(courier_.sent.size(), 1u);

  // Attempt 2 fails: the wait doubles.
  clock_.Set(second);
  EXPECT_EQ(Round().retrying, 1);
  ack = Notice(s.reference, "acknowledgement");
  EXPECT_EQ(ack.attempts, 2);
  EXPECT_EQ(ack.next_attempt_at, second + RetryDelay(settings_, 2));
  EXPECT_EQ(RetryDelay(settings_, 2), 2 * RetryDelay(settings_, 1));

  const domain::Instant third = ack.next_attempt_at;
  clock_.Set(third - milliseconds{1});
  EXPECT_EQ(Round().claimed, 0);

  // Attempt 3 is the last (max_attempts): parked.
  clock_.Set(third);
  const DeliveryReport last = Round();
  EXPECT_EQ(last.parked, 1);
  EXPECT_EQ(last.retrying, 0);
  ack = Notice(s.reference, "acknowledgement");
  EXPECT_EQ(ack.attempts, 3);
  EXPECT_EQ(ack.failed_at, third);
  EXPECT_FALSE(ack.secret.has_value());
  EXPECT_EQ(Events(s.reference, "notification_attempt_failed").size(), 2u);
  EXPECT_EQ(Events(s.reference, "notification_parked").size(), 1u);
  EXPECT_EQ(courier_.sent.size(), 3u);

  clock_.Set(third + std::chrono::hours{48});
  EXPECT_EQ(Round().claimed, 0);
  EXPECT_EQ(courier_.sent.size(), 3u);
}

TEST_F(DeliverNotificationsTest, APermanentFailureParksAtOnce) {
  courier_.script = {{Kind::kPermanent, "550 no such mailbox"}};
  const Submitted s = Submit();
  const DeliveryReport report = Round();
  EXPECT_EQ(report.parked, 1);
  EXPECT_EQ(report.retrying, 0);
  const Notification ack = Notice(s.reference, "acknowledgement");
  EXPECT_EQ(ack.attempts, 1);
  EXPECT_EQ(ack.failed_at, start_);
  EXPECT_EQ(ack.last_outcome, "550 no such mailbox");
  EXPECT_FALSE(ack.secret.has_value());
  EXPECT_EQ(Events(s.reference, "notification_parked").size(), 1u);
  EXPECT_TRUE(Events(s.reference, "notification_attempt_failed").empty());

  clock_.Set(start_ + std::chrono::hours{48});
  EXPECT_EQ(Round().claimed, 0);
  EXPECT_EQ(courier_.sent.size(), 1u);
}

TEST_F(DeliverNotificationsTest, ACrashBetweenSendAndRecordSendsAgainWithTheSameKey) {
  const Submitted s = Submit();
  // The message goes out, then the disk fills before its delivery is recorded.
  courier_.after_send = [this] { store_.FailWrites(true); };
  auto crashed = dispatcher_.RunOnce();
  EXPECT_FALSE(crashed.has_value());
  courier_.after_send = nullptr;
  store_.FailWrites(false);
  ASSERT_EQ(courier_.sent.size(), 1u);

  // The claim stands: not delivered, its secret still there, leased until the back-off.
  Notification ack = Notice(s.reference, "acknowledgement");
  EXPECT_FALSE(ack.delivered_at.has_value());
  EXPECT_FALSE(ack.failed_at.has_value());
  EXPECT_EQ(ack.attempts, 1);
  EXPECT_EQ(ack.secret, s.code);
  EXPECT_EQ(ack.next_attempt_at, start_ + RetryDelay(settings_, 1));
  EXPECT_TRUE(Events(s.reference, "notification_delivered").empty());

  // Within the lease nobody sends it again.
  EXPECT_EQ(Round().claimed, 0);
  EXPECT_EQ(courier_.sent.size(), 1u);

  // After it, it is sent again under the same idempotency key, with the same code.
  clock_.Set(ack.next_attempt_at);
  EXPECT_EQ(Round().delivered, 1);
  ASSERT_EQ(courier_.sent.size(), 2u);
  EXPECT_EQ(courier_.sent[1].dedupe_key, courier_.sent[0].dedupe_key);
  EXPECT_EQ(courier_.sent[1].notification_id, courier_.sent[0].notification_id);
  EXPECT_EQ(courier_.sent[1].secret, s.code);
  ack = Notice(s.reference, "acknowledgement");
  EXPECT_TRUE(ack.delivered_at.has_value());
  EXPECT_EQ(ack.attempts, 2);
  EXPECT_FALSE(ack.secret.has_value());
  EXPECT_EQ(Events(s.reference, "notification_delivered").size(), 1u);
}

// --- webhooks --------------------------------------------------------------------------------

TEST_F(DeliverNotificationsTest, AWebhookRowFansOutToEveryEndpointEachDeliveredOnce) {
  courier_.endpoints = {"a", "b"};
  const Submitted s = Submit();
  const std::string key = Notices(s.reference, Recipient::kWebhook).at(0).dedupe_key;

  const DeliveryReport first = Round();
  EXPECT_EQ(first.fanned_out, 1);
  Round();  // the rows per endpoint, due since the fan-out
  EXPECT_EQ(Round().claimed, 0);

  std::map<std::string, int> sends;
  for (const SentMessage& m : SentTo(Recipient::kWebhook)) {
    ++sends[m.dedupe_key];
    EXPECT_EQ(m.channel, Channel::kWebhook);
    EXPECT_EQ(m.template_name, "case.received");
    EXPECT_EQ(m.dedupe_key, key + "@" + m.address);
    EXPECT_FALSE(m.secret.has_value());
  }
  EXPECT_EQ(sends, (std::map<std::string, int>{{key + "@a", 1}, {key + "@b", 1}}));

  const auto rows = Notices(s.reference, Recipient::kWebhook);
  ASSERT_EQ(rows.size(), 3u);
  for (const Notification& n : rows) {
    EXPECT_TRUE(n.delivered_at.has_value()) << n.dedupe_key;
    EXPECT_EQ(n.channel, "webhook");
    if (n.dedupe_key != key) {
      ASSERT_TRUE(n.endpoint.has_value());
      EXPECT_EQ(n.dedupe_key, key + "@" + *n.endpoint);
      EXPECT_EQ(n.attempts, 1);
    }
  }
}

TEST_F(DeliverNotificationsTest, AWebhookRowForAnEndpointNoLongerConfiguredIsParked) {
  courier_.endpoints = {"a", "b"};
  const Submitted s = Submit();
  const std::string key = Notices(s.reference, Recipient::kWebhook).at(0).dedupe_key;
  Round();  // fan-out
  courier_.endpoints = {"a"};
  const DeliveryReport report = Round();
  EXPECT_EQ(report.delivered, 1);
  EXPECT_EQ(report.parked, 1);

  const auto sent = SentTo(Recipient::kWebhook);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].dedupe_key, key + "@a");
  for (const Notification& n : Notices(s.reference, Recipient::kWebhook)) {
    if (n.dedupe_key == key + "@b") {
      EXPECT_TRUE(n.failed_at.has_value());
      EXPECT_FALSE(n.delivered_at.has_value());
      EXPECT_FALSE(n.last_outcome.empty());
    }
  }
  const auto parked = Events(s.reference, "notification_parked");
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_NE(parked[0].data.find(R"("endpoint":"b")"), std::string::npos);
}

// --- staff -----------------------------------------------------------------------------------

TEST_F(DeliverNotificationsTest, AssigningACaseToSomeoneElseTellsThemByEmail) {
  const Submitted s = Submit();
  const std::int64_t v = ToAssessed(s);
  const auto added = QueuedBy(s.reference, [&] {
    return Run([&](auto done) {
      handle_.Assign(s.reference, v, supervisor_, Assignment{std::nullopt, handler_.id}, done);
    });
  });
  const auto staff = For(added, Recipient::kStaff);
  ASSERT_EQ(staff.size(), 1u);
  EXPECT_EQ(staff[0].template_name, "assigned");
  EXPECT_EQ(staff[0].recipient_user_id, handler_.id);

  Round();
  const auto sent = SentTo(Recipient::kStaff);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].template_name, "assigned");
  EXPECT_EQ(sent[0].channel, Channel::kEmail);
  EXPECT_EQ(sent[0].address, "handler@centre.gov.sa");
  EXPECT_EQ(sent[0].recipient_name, handler_.name);
  EXPECT_TRUE(Notice(s.reference, "assigned").delivered_at.has_value());
}

TEST_F(DeliverNotificationsTest, ANoticeForSomeoneNoLongerActiveIsParked) {
  const Submitted s = Submit();
  const std::int64_t v = ToAssessed(s);
  ASSERT_TRUE(
      Run([&](auto done) {
        handle_.Assign(s.reference, v, supervisor_, Assignment{std::nullopt, handler_.id}, done);
      }).has_value());
  StaffUser gone = handler_;
  gone.active = false;
  ASSERT_TRUE(
      testing::WriteSync(store_, [&](WriteTransaction& tx) { return tx.UpdateUser(gone); }).ok());
  Round();
  EXPECT_TRUE(SentTo(Recipient::kStaff).empty());
  const Notification assigned = Notice(s.reference, "assigned");
  EXPECT_TRUE(assigned.failed_at.has_value());
  EXPECT_FALSE(assigned.last_outcome.empty());
  EXPECT_EQ(Events(s.reference, "notification_parked").size(), 1u);
}

TEST_F(DeliverNotificationsTest, TakingACaseYourselfQueuesNothingForStaff) {
  const Submitted s = Submit();
  const std::int64_t v = ToAssessed(s);
  const auto added = QueuedBy(s.reference, [&] {
    return Run([&](auto done) {
      handle_.Assign(s.reference, v, handler_, Assignment{std::nullopt, handler_.id}, done);
    });
  });
  EXPECT_TRUE(For(added, Recipient::kStaff).empty());
  EXPECT_TRUE(Notices(s.reference, Recipient::kStaff).empty());
}

// --- what each change tells the beneficiary --------------------------------------------------

TEST_F(DeliverNotificationsTest, APublicReplyTellsTheBeneficiaryOfProgress) {
  const Submitted s = Submit();
  const std::int64_t v = ToInProgress(s);
  const auto added = QueuedBy(s.reference, [&] {
    return Run([&](auto done) { handle_.Reply(s.reference, v, handler_, "نعمل على طلبك", done); });
  });
  const auto told = For(added, Recipient::kBeneficiary);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].template_name, "progress");
  EXPECT_NE(told[0].data.find(R"("event_type":"reply")"), std::string::npos);
}

TEST_F(DeliverNotificationsTest, ARequestForInformationTellsTheBeneficiary) {
  const Submitted s = Submit();
  const std::int64_t v = ToInProgress(s);
  const auto added = QueuedBy(s.reference, [&] {
    return Run([&](auto done) {
      handle_.RequestInformation(s.reference, v, handler_, "أرفق أمر الدفع", done);
    });
  });
  const auto told = For(added, Recipient::kBeneficiary);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].template_name, "information_requested");
}

TEST_F(DeliverNotificationsTest, AResolutionTellsTheBeneficiaryTheDecision) {
  const Submitted s = Submit();
  std::int64_t v = ToInProgress(s);
  auto found = Run([&](auto done) {
    handle_.RecordFindings(s.reference, v, handler_,
                           FindingsRecord{"تأخر اعتماد أمر الدفع", domain::Outcome::kUpheld}, done);
  });
  ASSERT_TRUE(found.has_value());
  v = found->version;
  const auto added = QueuedBy(s.reference, [&] {
    return Run([&](auto done) {
      handle_.Resolve(s.reference, v, handler_,
                      DecisionRecord{"يُصرف المستخلص", {domain::Remedy::kRefund}}, done);
    });
  });
  const auto told = For(added, Recipient::kBeneficiary);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].template_name, "decision");
  EXPECT_NE(told[0].data.find(R"("outcome":"resolved")"), std::string::npos);
}

TEST_F(DeliverNotificationsTest, ARejectionAtAssessmentTellsTheBeneficiaryTheDecision) {
  const Submitted s = Submit();
  Assessment a;
  a.reject_reason = "خارج نطاق المركز";
  const auto added = QueuedBy(s.reference, [&] { return Assess(s.reference, 1, a); });
  const auto told = For(added, Recipient::kBeneficiary);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].template_name, "decision");
  EXPECT_NE(told[0].data.find(R"("outcome":"rejected")"), std::string::npos);
}

TEST_F(DeliverNotificationsTest, ClosingTellsTheBeneficiaryOfTheClosure) {
  const Submitted s = Submit();
  const std::int64_t v = ToResolved(s);
  const auto added = QueuedBy(s.reference, [&] {
    return Run([&](auto done) { handle_.Close(s.reference, v, handler_, std::nullopt, done); });
  });
  const auto told = For(added, Recipient::kBeneficiary);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].template_name, "closure");
}

TEST_F(DeliverNotificationsTest, AnInternalNoteTellsTheBeneficiaryNothing) {
  const Submitted s = Submit();
  const std::int64_t v = ToInProgress(s);
  const auto added = QueuedBy(s.reference, [&] {
    return Run(
        [&](auto done) { handle_.AddNote(s.reference, v, handler_, "اتصلت بالمالية", done); });
  });
  EXPECT_TRUE(For(added, Recipient::kBeneficiary).empty());
}

TEST_F(DeliverNotificationsTest, TheBeneficiarysOwnAnswerIsNotEchoedBack) {
  const Submitted s = Submit();
  ToAwaiting(s);
  const auto added = QueuedBy(s.reference, [&] {
    return Run([&](auto done) {
      handle_.AnswerInformationRequest(s.reference, s.code, std::nullopt, "أرفقته", done);
    });
  });
  EXPECT_TRUE(For(added, Recipient::kBeneficiary).empty());
  EXPECT_EQ(Stored(s.reference).status, CaseStatus::kInProgress);
}

TEST_F(DeliverNotificationsTest, EveryNoticeOfACaseHasItsOwnKey) {
  const Submitted s = Submit();
  ToAwaiting(s);
  ASSERT_TRUE(Run([&](auto done) {
                handle_.AnswerInformationRequest(s.reference, s.code, std::nullopt, "أرفقته", done);
              }).has_value());
  std::int64_t v = Stored(s.reference).version;
  ASSERT_TRUE(Run([&](auto done) {
                handle_.Reply(s.reference, v, handler_, "تسلمنا المرفق", done);
              }).has_value());
  v = Stored(s.reference).version;
  ASSERT_TRUE(Run([&](auto done) {
                handle_.AddNote(s.reference, v, handler_, "ملاحظة", done);
              }).has_value());

  std::set<std::string> keys;
  int webhooks = 0;
  const auto all = Notices(s.reference);
  for (const Notification& n : all) {
    EXPECT_TRUE(keys.insert(n.dedupe_key).second) << "twice: " << n.dedupe_key;
    if (n.recipient == Recipient::kWebhook) ++webhooks;
  }
  // Intake, assessment, assignment, request, answer, reply, note: seven changes, seven events.
  EXPECT_EQ(webhooks, 7);
}

// --- progress updates ------------------------------------------------------------------------

TEST_F(DeliverNotificationsTest, ACaseWhoseUpdateFellDueGetsOneProgressUpdate) {
  const Submitted s = Submit();
  const std::optional<domain::Instant> due = Stored(s.reference).clock.next_update_due_at;
  ASSERT_TRUE(due.has_value());

  auto early = sweep_.SendDueUpdates(*due - milliseconds{1});
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(*early, 0);

  auto sent = sweep_.SendDueUpdates(*due);
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(*sent, 1);
  const auto updates = Notices(s.reference, Recipient::kBeneficiary);
  ASSERT_EQ(updates.size(), 2u);  // the acknowledgement, then the update
  EXPECT_EQ(updates[1].template_name, "progress_update");
  EXPECT_EQ(updates[1].next_attempt_at, *due);
  const std::optional<domain::Instant> next = Stored(s.reference).clock.next_update_due_at;
  ASSERT_TRUE(next.has_value());
  EXPECT_GT(*next, *due);
  EXPECT_EQ(Events(s.reference, "update_sent").size(), 1u);
}

TEST_F(DeliverNotificationsTest, SendingDueUpdatesTwiceAtOneInstantSendsOne) {
  const Submitted s = Submit();
  const domain::Instant due = *Stored(s.reference).clock.next_update_due_at;
  auto first = sweep_.SendDueUpdates(due);
  auto second = sweep_.SendDueUpdates(due);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*first, 1);
  EXPECT_EQ(*second, 0);
  int updates = 0;
  for (const Notification& n : Notices(s.reference)) {
    if (n.template_name == "progress_update") ++updates;
  }
  EXPECT_EQ(updates, 1);
}

TEST_F(DeliverNotificationsTest, ACaseAwaitingTheBeneficiaryGetsNoProgressUpdate) {
  const Submitted s = Submit();
  ToAwaiting(s);
  EXPECT_FALSE(Stored(s.reference).clock.next_update_due_at.has_value());
  auto sent = sweep_.SendDueUpdates(start_ + std::chrono::hours{24 * 60});
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(*sent, 0);
  for (const Notification& n : Notices(s.reference)) {
    EXPECT_NE(n.template_name, "progress_update");
  }
}

// --- back-off --------------------------------------------------------------------------------

TEST(RetryDelay, DoublesFromTheBaseAndStopsAtTheCap) {
  const DeliverySettings s{50, seconds{60}, seconds{3600}, 12};
  EXPECT_EQ(RetryDelay(s, 0), seconds{60});
  EXPECT_EQ(RetryDelay(s, 1), seconds{60});
  EXPECT_EQ(RetryDelay(s, 2), seconds{120});
  EXPECT_EQ(RetryDelay(s, 3), seconds{240});
  EXPECT_EQ(RetryDelay(s, 6), seconds{1920});
  EXPECT_EQ(RetryDelay(s, 7), seconds{3600});  // 3840 capped
  EXPECT_EQ(RetryDelay(s, 12), seconds{3600});
  EXPECT_EQ(RetryDelay(s, 1000000), seconds{3600});  // no overflow however many attempts
}

TEST(RetryDelay, ACapBelowTheBaseWins) {
  const DeliverySettings s{50, seconds{600}, seconds{300}, 12};
  EXPECT_EQ(RetryDelay(s, 1), seconds{300});
  EXPECT_EQ(RetryDelay(s, 5), seconds{300});
}

// With no webhook configured, no webhook rows are written at all (they would cost every intake
// and every change a row): only the people's notices are queued.
TEST_F(DeliverNotificationsTest, WithoutWebhooksNoWebhookRowIsWritten) {
  SubmitCase quiet_submit{SubmitCase::Settings{{}, {}, 6, time_, false},
                          store_,
                          clock_,
                          random_,
                          hasher_,
                          testing::DefaultCatalogue()};
  HandleCase quiet_handle{store_, clock_, hasher_, testing::DefaultCatalogue(), time_, false};
  std::string reference;
  quiet_submit.Submit(testing::ValidIntakeForm(), domain::Actor{}, [&](domain::Result<Receipt> r) {
    ASSERT_TRUE(r.has_value());
    reference = r->recorded.reference.ToString();
  });
  auto assessed =
      Run([&](auto done) { quiet_handle.Assess(reference, 1, agent_, Routine(), done); });
  ASSERT_TRUE(assessed.has_value());
  EXPECT_TRUE(Notices(reference, Recipient::kWebhook).empty());
  std::vector<std::string> templates;
  for (const Notification& n : Notices(reference)) templates.push_back(n.template_name);
  EXPECT_EQ(templates, (std::vector<std::string>{"acknowledgement", "progress"}));
}

}  // namespace
}  // namespace shakwa::app
