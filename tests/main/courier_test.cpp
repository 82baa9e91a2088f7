// The Courier adapter's part that needs no wire: what a template is given (TemplateData), which
// channels it offers, and the admin's wording of messages (ManageTemplates over the real
// templates). Delivery over SMTP and HTTP is tested against real servers in tests/transport and
// tests/system.
#include "main/courier.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "app/manage_templates.hpp"
#include "notify/templates.hpp"
#include "storage/memory/memory_store.hpp"
#include "support/fakes.hpp"
#include "support/store_helpers.hpp"

namespace shakwa::main {
namespace {

namespace json = boost::json;

// A string member as text (absent or not a string: empty).
std::string S(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

const domain::Instant kNow{std::chrono::milliseconds{1773140400000}};  // 2026-03-10 11:00 UTC

CourierSettings Configured() {
  CourierSettings s;
  s.smtp.url = "smtp://127.0.0.1:1";
  s.smtp.from = "complaints@centre.example";
  s.public_url = "https://complaints.centre.example";
  s.centre_ar = "المركز الوطني";
  s.centre_en = "The National Centre";
  return s;
}

class CourierTest : public ::testing::Test {
 protected:
  json::object Data(const app::Notification& n, const domain::Case& c, domain::Language language,
                    app::Courier::Channel channel = app::Courier::Channel::kEmail,
                    std::string name = {}) {
    const app::Courier::Message m{n, c, channel, "someone@example.com", std::move(name), language};
    return json::parse(courier_.TemplateData(m)).as_object();
  }

  static domain::Case ReceivedCase() {
    domain::Case c = testing::SampleCase(2026, 123);
    c.clock.first_response_due_at = kNow + std::chrono::hours(4);
    c.clock.resolution_due_at = kNow + std::chrono::hours(24 * 7);
    return c;
  }

  testing::FakeClock clock_{kNow};
  storage::memory::MemoryStore store_;
  MessageCourier courier_{Configured(), clock_, app::TimeRulesSource::Defaults()};
  app::ManageTemplates templates_{store_, clock_, courier_};
};

TEST_F(CourierTest, AnAcknowledgementCarriesTheCodeTheDatesAndTheLinksInTheReadersLanguage) {
  app::Notification n;
  n.template_name = "acknowledgement";
  n.data = R"({"status":"received"})";
  n.secret = "ABCD-EFGH-JKLM";
  const domain::Case c = ReceivedCase();

  const json::object ar = Data(n, c, domain::Language::kArabic);
  EXPECT_EQ(S(ar, "access_code"), "ABCD-EFGH-JKLM");
  EXPECT_EQ(S(ar, "reference"), c.reference.ToString());
  EXPECT_EQ(S(ar, "name"), "سعاد الحربي");
  EXPECT_EQ(S(ar, "centre"), "المركز الوطني");
  EXPECT_EQ(S(ar, "status"),
            domain::LabelOf(domain::CaseStatus::kReceived, domain::Language::kArabic));
  EXPECT_EQ(S(ar, "track_url"), "https://complaints.centre.example/track");
  EXPECT_EQ(S(ar, "guide_url"), "https://complaints.centre.example/guide");
  // Dates as people read them: Hijri with its Gregorian equivalent, Riyadh time.
  EXPECT_NE(S(ar, "first_response_by").find("هـ"), std::string::npos);
  EXPECT_NE(S(ar, "resolution_by").find("2026"), std::string::npos);

  const json::object en = Data(n, c, domain::Language::kEnglish);
  EXPECT_EQ(S(en, "centre"), "The National Centre");
  EXPECT_EQ(S(en, "status"),
            domain::LabelOf(domain::CaseStatus::kReceived, domain::Language::kEnglish));
  EXPECT_EQ(S(en, "track_url"), "https://complaints.centre.example/track?lang=en");

  // And the template renders it with nothing left unfilled.
  auto rendered = courier_.templates()->Render("acknowledgement", domain::Language::kArabic,
                                               json::serialize(ar));
  ASSERT_TRUE(rendered.has_value());
  EXPECT_NE(rendered->text.find("ABCD-EFGH-JKLM"), std::string::npos);
  EXPECT_EQ(rendered->subject.rfind("[" + c.reference.ToString() + "]", 0), 0u);
}

TEST_F(CourierTest, ADecisionQuotesWhatStaffDecidedAndNamesTheExternalRecourse) {
  app::Notification n;
  n.template_name = "decision";
  n.data = R"({"status":"resolved","outcome":"resolved","event_type":"resolved",)"
           R"("event":{"decision":"صُرف المستخلص"}})";
  const json::object d = Data(n, ReceivedCase(), domain::Language::kArabic);
  EXPECT_EQ(S(d, "message"), "صُرف المستخلص");
  EXPECT_EQ(S(d, "outcome"),
            domain::LabelOf(domain::CaseStatus::kResolved, domain::Language::kArabic));
  const auto rules = app::TimeRulesSource::Defaults()->Current();  // kept alive while read
  const auto& external = rules->ladder().external;
  EXPECT_EQ(S(d, "recourse_name"), external.name_ar);
  EXPECT_FALSE(d.contains("access_code"));
}

TEST_F(CourierTest, StaffAreGivenTheCaseLinkAndNotTheBeneficiarysName) {
  app::Notification n;
  n.template_name = "assigned";
  n.recipient = app::Notification::Recipient::kStaff;
  n.data = R"({"status":"in_progress"})";
  const json::object d =
      Data(n, ReceivedCase(), domain::Language::kArabic, app::Courier::Channel::kEmail, "هند");
  EXPECT_EQ(S(d, "staff_name"), "هند");
  EXPECT_EQ(S(d, "case_url"),
            "https://complaints.centre.example/staff/cases/" + ReceivedCase().reference.ToString());
  EXPECT_FALSE(d.contains("name"));
  EXPECT_FALSE(d.contains("track_url"));
}

TEST_F(CourierTest, OffersOnlyTheChannelsThatAreConfigured) {
  EXPECT_TRUE(courier_.Offers(app::Courier::Channel::kEmail));
  EXPECT_FALSE(courier_.Offers(app::Courier::Channel::kSms));
  EXPECT_FALSE(courier_.Offers(app::Courier::Channel::kWebhook));
  EXPECT_TRUE(courier_.WebhookEndpoints().empty());
  CourierSettings with_webhook = Configured();
  with_webhook.webhook.url = "http://127.0.0.1:1/hook";
  with_webhook.webhook.secret = "s";
  MessageCourier other(with_webhook, clock_, nullptr);
  EXPECT_EQ(other.WebhookEndpoints(), std::vector<std::string>{"default"});
}

TEST_F(CourierTest, AnAdminsWordingIsKeptAuditedAndUsedForTheNextMessage) {
  const domain::Actor admin{domain::Actor::Kind::kStaff, "7"};
  auto saved = templates_.Save(admin, "acknowledgement", domain::Language::kArabic, "subject",
                               "[{{reference}}] وصلتنا رسالتكم");
  ASSERT_TRUE(saved.has_value()) << saved.error().detail;
  bool listed = false;
  for (const auto& b : saved->bodies) {
    if (b.language == domain::Language::kArabic && b.part == "subject") {
      listed = b.body == "[{{reference}}] وصلتنا رسالتكم";
    }
  }
  EXPECT_TRUE(listed);
  auto rendered = courier_.templates()->Render("acknowledgement", domain::Language::kArabic,
                                               R"({"reference":"C-2026-000123-4"})");
  ASSERT_TRUE(rendered.has_value());
  EXPECT_EQ(rendered->subject, "[C-2026-000123-4] وصلتنا رسالتكم");

  auto kept =
      testing::ReadResult(store_, [](app::ReadTransaction& tx) { return tx.MessageTemplates(); });
  ASSERT_TRUE(kept.has_value());
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_EQ((*kept)[0].updated_by, 7);
  auto audit =
      testing::ReadResult(store_, [](app::ReadTransaction& tx) { return tx.AuditEntries(0, 10); });
  ASSERT_TRUE(audit.has_value());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].action, "template.changed");
  EXPECT_NE((*audit)[0].detail.find("وصلتنا رسالتكم"), std::string::npos);

  // After a restart: a new courier has the built-in wording until the kept one is loaded.
  MessageCourier restarted(Configured(), clock_, nullptr);
  app::ManageTemplates again(store_, clock_, restarted);
  auto refused = again.LoadSaved();
  ASSERT_TRUE(refused.has_value());
  EXPECT_TRUE(refused->empty());
  EXPECT_EQ(restarted.templates()->Get("acknowledgement", domain::Language::kArabic,
                                       notify::Part::kSubject),
            "[{{reference}}] وصلتنا رسالتكم");
}

TEST_F(CourierTest, WordingThatIsNotAValidTemplateIsRefusedAndChangesNothing) {
  const domain::Actor admin{domain::Actor::Kind::kStaff, "7"};
  const std::string before =
      courier_.templates()->Get("closure", domain::Language::kEnglish, notify::Part::kText);
  for (const auto& [name, part, body] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"closure", "text", "{{#message}} never closed"},
           {"closure", "subject", "line\nbreak"},
           {"closure", "footer", "x"},
           {"no_such_template", "text", "x"}}) {
    auto saved = templates_.Save(admin, name, domain::Language::kEnglish, part, body);
    ASSERT_FALSE(saved.has_value()) << name << "/" << part;
    EXPECT_EQ(saved.error().code, domain::ErrorCode::kInvalidInput) << name << "/" << part;
  }
  EXPECT_EQ(courier_.templates()->Get("closure", domain::Language::kEnglish, notify::Part::kText),
            before);
  auto kept =
      testing::ReadResult(store_, [](app::ReadTransaction& tx) { return tx.MessageTemplates(); });
  ASSERT_TRUE(kept.has_value());
  EXPECT_TRUE(kept->empty());
}

TEST_F(CourierTest, AKeptWordingNoLongerValidIsLeftOutAndNamed) {
  app::MessageTemplateText broken;
  broken.name = "progress";
  broken.language = domain::Language::kEnglish;
  broken.part = "text";
  broken.body = "{{#open}} unclosed";
  broken.updated_at = kNow;
  ASSERT_TRUE(testing::WriteSync(store_, [&](app::WriteTransaction& tx) {
                return tx.SaveMessageTemplate(broken);
              }).ok());
  auto refused = templates_.LoadSaved();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(*refused, std::vector<std::string>{"progress/en/text"});
}

}  // namespace
}  // namespace shakwa::main
