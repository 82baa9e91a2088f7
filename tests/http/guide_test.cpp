// The published complaints guide and the admin's calendar endpoints, in-process: a real server on
// a loopback port, the memory store, and a configuration unlike the defaults in every part
// (hours, Ramadan, holidays, SLA rules, ladder, channels), so that a guide rendered from anything
// but the rules in force would show.
#include "domain/guide.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <thread>

#include "app/handle_case.hpp"
#include "app/manage_calendar.hpp"
#include "app/staff_accounts.hpp"
#include "app/staff_cases.hpp"
#include "app/submit_case.hpp"
#include "app/time_rules_source.hpp"
#include "app/view_case.hpp"
#include "domain/calendar.hpp"
#include "domain/sla.hpp"
#include "http/api/routes.hpp"
#include "http/server.hpp"
#include "storage/memory/memory_store.hpp"
#include "support/fakes.hpp"
#include "support/http_client.hpp"

namespace shakwa::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace json = boost::json;
using tcp = boost::asio::ip::tcp;
using domain::Date;

using testing::NullLog;
using testing::Reply;

using testing::Headers;

const std::string kPassword = "correct horse 42";
const char* kEscapedCentre =
    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Centre &amp; &#39;Co&#39;";
const char* kRawCentre = "<script>alert(\"x\")</script> Centre & 'Co'";

// Sunday-Thursday 07:30-15:30 with an evening shift on Sunday and Thursday, a Saturday morning,
// Friday and Saturday afternoon off; Ramadan 09:30-14:30; a Gregorian holiday of the centre's
// own beside the usual four.
domain::CalendarSettings CustomCalendar() {
  using std::chrono::hours;
  using std::chrono::minutes;
  domain::CalendarSettings s = domain::CalendarSettings::Defaults();
  const domain::WorkingHours morning{hours{7} + minutes{30}, hours{15} + minutes{30}};
  const domain::WorkingHours evening{hours{17}, hours{19} + minutes{15}};
  for (auto& day : s.week) day.clear();
  s.week[0] = {morning, evening};
  for (std::size_t d = 1; d <= 3; ++d) s.week[d] = {morning};
  s.week[4] = {morning, evening};
  s.week[6] = {domain::WorkingHours{hours{9}, hours{12}}};
  s.ramadan_hours = {domain::WorkingHours{hours{9} + minutes{30}, hours{14} + minutes{30}}};
  s.holidays.push_back(
      {"centre_day", "يوم المركز", "Centre Day", domain::HolidayRule::Basis::kGregorian, 6, 14, 2});
  return s;
}

std::vector<domain::SlaRule> CustomRules() {
  return {
      domain::SlaRule{{}, std::string("payments"), domain::Priority::kHigh, {}, {37, 613, 1999}},
      domain::SlaRule{domain::CaseKind::kSuggestion,
                      {},
                      {},
                      domain::BeneficiaryKind::kGovernment,
                      {121, 2880, 7201}},
  };
}

const domain::SlaTargets kCustomFallback{95, 700, 3001};

domain::EscalationLadder CustomLadder() {
  domain::EscalationLadder ladder;
  ladder.warning_percent = 70;
  ladder.levels = {
      domain::EscalationLevel{1, "رئيس القسم", "Head of section", 0, domain::Role::kSupervisor, {}},
      domain::EscalationLevel{
          2, "المدير العام", "Director general", 1000, domain::Role::kManager, {}},
  };
  ladder.external = domain::ExternalRecourse{"ديوان المظالم التجريبي", "The test ombudsman",
                                             "الاتصال على 8001", "call 8001 <free>"};
  return ladder;
}

domain::TimeRules CustomTimeRules() {
  auto calendar = domain::BusinessCalendar::Make(CustomCalendar());
  EXPECT_TRUE(calendar.has_value());
  auto rules = domain::TimeRules::Make(std::move(calendar).value(), CustomRules(), kCustomFallback,
                                       CustomLadder());
  EXPECT_TRUE(rules.has_value()) << (rules ? "" : rules.error().detail);
  return std::move(rules).value();
}

domain::GuideSettings CustomGuide() {
  domain::GuideSettings g;
  g.centre_ar = "مركز الاختبار";
  g.centre_en = kRawCentre;
  g.channels = {
      {domain::Channel::kPortal, "البوابة التجريبية", "the test portal"},
      {domain::Channel::kPhone, "الهاتف 920000000", "phone 920000000"},
  };
  return g;
}

class GuideTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api::Dependencies deps{submit_, view_, store_, accounts_, handle_case_, staff_cases_, clock_};
    deps.time = time_;
    deps.guide = std::make_shared<const domain::GuideSettings>(CustomGuide());
    deps.calendar = with_calendar_ ? &calendar_ : nullptr;
    api::AddRoutes(router_, deps);
    ServerSettings settings;
    settings.port = 0;
    settings.io_threads = 2;
    settings.blocking_threads = 2;
    server_ = std::make_unique<Server>(settings, router_, log_);
    auto port = server_->Listen();
    ASSERT_TRUE(port.has_value()) << port.error().detail;
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
  }

  void TearDown() override {
    server_->Shutdown();
    thread_.join();
  }

  Reply Send(bhttp::verb method, const std::string& target, const std::string& body = {},
             const Headers& headers = {}) {
    return testing::Send(port_, method, target, body, headers);
  }

  json::value Guide(const std::string& language = "en") {
    const Reply reply =
        Send(bhttp::verb::get, "/api/v1/guide", {}, {{"Accept-Language", language}});
    EXPECT_EQ(reply.status, 200u) << reply.body;
    EXPECT_EQ(reply.Header("Content-Type"), "application/json");
    return reply.Json();
  }

  std::string Page(const std::string& target) {
    const Reply reply = Send(bhttp::verb::get, target);
    EXPECT_EQ(reply.status, 200u) << reply.body;
    EXPECT_EQ(reply.Header("Content-Type"), "text/html; charset=utf-8");
    return reply.body;
  }

  // A bearer token for a new user of role.
  Headers TokenFor(domain::Role role) {
    const std::string email =
        std::string(domain::NameOf(role)) + std::to_string(++users_) + "@centre.example";
    domain::StaffUser user;
    user.email = email;
    user.name = "نورة";
    user.role = role;
    if (domain::RoleNeedsDepartment(role)) {
      accounts_.AddDepartment(domain::Department{"finance", "المالية", "Finance", true},
                              domain::Actor{domain::Actor::Kind::kSystem, {}},
                              [](const domain::Status&) {});  // already there: fine
      user.department = "finance";
    }
    accounts_.AddUser(user, kPassword, domain::Actor{domain::Actor::Kind::kSystem, {}},
                      [](const domain::Result<std::int64_t>& added) {
                        ASSERT_TRUE(added.has_value()) << added.error().detail;
                      });
    const Reply login =
        Send(bhttp::verb::post, "/api/v1/auth/login",
             json::serialize(json::object{{"email", email}, {"password", kPassword}}));
    EXPECT_EQ(login.status, 200u) << login.body;
    return {{"Authorization", "Bearer " + std::string(login.Json().at("token").as_string())}};
  }

  Reply AdminList(const std::string& query, const Headers& headers) {
    return Send(bhttp::verb::get, "/api/v1/admin/calendar/holidays" + query, {}, headers);
  }

  Reply Adjust(const std::string& key, const std::string& year, const std::string& body,
               const Headers& headers) {
    return Send(bhttp::verb::put, "/api/v1/admin/calendar/holidays/" + key + "/" + year, body,
                headers);
  }

  // The holiday of `key` in a list of holidays (JSON), or null.
  static json::value Find(const json::value& items, std::string_view key) {
    for (const auto& item : items.as_array()) {
      if (item.at("key").as_string() == key) return item;
    }
    return nullptr;
  }

  // The field paths of a 422, in order.
  static std::vector<std::string> Fields(const Reply& reply) {
    std::vector<std::string> out;
    const json::value body = reply.Json();
    if (!body.as_object().contains("errors")) return {"(no errors: " + reply.body + ")"};
    for (const auto& e : body.at("errors").as_array()) {
      out.emplace_back(e.at("field").as_string());
    }
    return out;
  }

  storage::memory::MemoryStore store_;
  testing::FakeClock clock_{testing::At("2026-05-05T08:00:00Z")};
  testing::SeededRandom random_;
  testing::PlainHasher hasher_;
  app::SubmitCase submit_{app::SubmitCase::Settings{}, store_, clock_, random_, hasher_,
                          testing::DefaultCatalogue()};
  app::ViewCaseAsBeneficiary view_{store_, hasher_};
  testing::FastPasswordHasher passwords_;
  testing::FakeTokenHasher tokens_;
  app::StaffAccounts accounts_{
      app::StaffAccounts::Settings{}, store_, clock_, random_, passwords_, tokens_};
  app::HandleCase handle_case_{store_, clock_, hasher_, testing::DefaultCatalogue()};
  app::StaffCases staff_cases_{store_, clock_, hasher_};
  std::shared_ptr<app::TimeRulesSource> time_ =
      std::make_shared<app::TimeRulesSource>(CustomTimeRules());
  app::ManageCalendar calendar_{store_, clock_, time_};
  bool with_calendar_ = true;  // set before SetUp() runs to leave deps.calendar null
  int users_ = 0;
  Router router_;
  NullLog log_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// ---------------------------------------------------------------------------------------------
// The guide as JSON

TEST_F(GuideTest, TheJsonGuideShowsTheChannelsAndTheCentreConfigured) {
  const json::value guide = Guide("en");
  EXPECT_EQ(guide.at("language"), "en");
  EXPECT_EQ(guide.at("centre"), kRawCentre);
  const json::array& channels = guide.at("channels").as_array();
  ASSERT_EQ(channels.size(), 2u);
  EXPECT_EQ(channels[0], json::parse(R"({"channel":"portal","label_ar":"البوابة الإلكترونية",
      "label_en":"web portal","contact":"the test portal"})"))
      << channels[0];
  EXPECT_EQ(channels[1].at("channel"), "phone");
  EXPECT_EQ(channels[1].at("contact"), "phone 920000000");
  EXPECT_NE(guide.at("channels_note").as_string().find("24 hours a day, 7 days a week"),
            std::string::npos);
  EXPECT_NE(guide.at("channels_note").as_string().find("business time"), std::string::npos);
}

TEST_F(GuideTest, TheJsonGuideShowsEveryWeekdaysHoursAndRamadan) {
  const json::value hours = Guide("en").at("working_hours");
  const json::array& week = hours.at("week").as_array();
  ASSERT_EQ(week.size(), 7u);
  const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
      {"sunday", {"07:30-15:30", "17:00-19:15"}},
      {"monday", {"07:30-15:30"}},
      {"tuesday", {"07:30-15:30"}},
      {"wednesday", {"07:30-15:30"}},
      {"thursday", {"07:30-15:30", "17:00-19:15"}},
      {"friday", {}},
      {"saturday", {"09:00-12:00"}},
  };
  for (std::size_t d = 0; d < 7; ++d) {
    EXPECT_EQ(week[d].at("weekday"), expected[d].first.c_str());
    json::array want;
    for (const auto& h : expected[d].second) want.emplace_back(h);
    EXPECT_EQ(week[d].at("hours"), want) << expected[d].first;
  }
  EXPECT_EQ(week[0].at("label"), "Sunday");
  EXPECT_EQ(hours.at("ramadan"), json::parse(R"(["09:30-14:30"])"));
  EXPECT_EQ(hours.at("time_zone"), "Asia/Riyadh");
}

TEST_F(GuideTest, TheJsonGuideShowsEverySlaRuleFieldByField) {
  const json::value sla = Guide("en").at("sla");
  EXPECT_EQ(sla.at("business_day_minutes"), 480);
  EXPECT_EQ(sla.at("default"), json::parse(R"({
      "first_response_minutes": 95, "first_response": "1 business hour and 35 business minutes",
      "update_interval_minutes": 700,
      "update_interval": "1 business day, 3 business hours and 40 business minutes",
      "resolution_minutes": 3001,
      "resolution": "6 business days, 2 business hours and 1 business minute"})"));
  const json::array& rules = sla.at("rules").as_array();
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0], json::parse(R"({
      "kind": null, "kind_label": null,
      "category": "payments", "category_label": "payments and payment orders",
      "priority": "high", "priority_label": "high",
      "beneficiary_kind": null, "beneficiary_kind_label": null,
      "targets": {
        "first_response_minutes": 37, "first_response": "37 business minutes",
        "update_interval_minutes": 613,
        "update_interval": "1 business day, 2 business hours and 13 business minutes",
        "resolution_minutes": 1999,
        "resolution": "4 business days, 1 business hour and 19 business minutes"}})"))
      << rules[0];
  EXPECT_EQ(rules[1].at("kind"), "suggestion");
  EXPECT_EQ(rules[1].at("category"), nullptr);
  EXPECT_EQ(rules[1].at("priority"), nullptr);
  EXPECT_EQ(rules[1].at("beneficiary_kind"), "government");
  EXPECT_EQ(rules[1].at("targets"), json::parse(R"({
      "first_response_minutes": 121, "first_response": "2 business hours and 1 business minute",
      "update_interval_minutes": 2880, "update_interval": "6 business days",
      "resolution_minutes": 7201, "resolution": "15 business days and 1 business minute"})"));
}

TEST_F(GuideTest, TheJsonGuideShowsTheLadderAndTheExternalRecourse) {
  const json::value escalation = Guide("en").at("escalation");
  EXPECT_EQ(escalation.at("warning_percent"), 70);
  EXPECT_NE(escalation.at("warning_note").as_string().find("70%"), std::string::npos);
  const json::array& levels = escalation.at("levels").as_array();
  ASSERT_EQ(levels.size(), 2u);
  EXPECT_EQ(levels[0], json::parse(R"({"level": 1, "name": "Head of section",
      "after_breach_minutes": 0, "after_breach": "when the resolution target has passed",
      "owner_role": "supervisor", "owner_role_label": "supervisor"})"))
      << levels[0];
  EXPECT_EQ(levels[1].at("level"), 2);
  EXPECT_EQ(levels[1].at("name"), "Director general");
  EXPECT_EQ(levels[1].at("after_breach_minutes"), 1000);
  EXPECT_EQ(levels[1].at("after_breach"),
            "2 business days and 40 business minutes after the resolution target has passed");
  EXPECT_EQ(levels[1].at("owner_role"), "manager");
  EXPECT_EQ(escalation.at("external_recourse"),
            json::parse(R"({"name": "The test ombudsman", "how": "call 8001 <free>"})"));
}

TEST_F(GuideTest, TheJsonGuideSpeaksArabicByDefault) {
  const Reply reply = Send(bhttp::verb::get, "/api/v1/guide");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const json::value guide = reply.Json();
  EXPECT_EQ(guide.at("language"), "ar");
  EXPECT_EQ(guide.at("centre"), "مركز الاختبار");
  EXPECT_EQ(guide.at("channels").at(1).at("contact"), "الهاتف 920000000");
  EXPECT_EQ(guide.at("working_hours").at("week").at(0).at("label"), "الأحد");
  EXPECT_EQ(guide.at("sla").at("rules").at(1).at("targets").at("update_interval"), "6 أيام عمل");
  EXPECT_EQ(guide.at("escalation").at("levels").at(0).at("name"), "رئيس القسم");
  EXPECT_EQ(guide.at("escalation").at("external_recourse").at("how"), "الاتصال على 8001");
}

TEST_F(GuideTest, HolidaysAheadAreExactlyThoseOfTheNextTwelveMonths) {
  const json::value holidays = Guide("en").at("holidays");
  EXPECT_EQ(holidays.at("from"), "2026-05-05");
  EXPECT_EQ(holidays.at("to"), "2027-05-04");
  const Date from = std::chrono::year{2026} / 5 / 5;
  const Date to = std::chrono::year{2027} / 5 / 4;
  const auto expected = time_->Current()->calendar().HolidaysBetween(from, to);
  const json::array& items = holidays.at("items").as_array();
  ASSERT_EQ(items.size(), expected.size()) << holidays;
  std::set<std::string> keys;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const domain::Holiday& h = expected[i];
    const json::value& item = items[i];
    EXPECT_EQ(item.at("key"), h.key.c_str());
    EXPECT_EQ(item.at("name"), h.name_en.c_str());
    EXPECT_EQ(item.at("first"), domain::FormatIsoDate(h.first).c_str());
    EXPECT_EQ(item.at("last"), domain::FormatIsoDate(h.last).c_str());
    EXPECT_EQ(item.at("first_for_people"),
              domain::FormatDateForPeople(h.first, domain::Language::kEnglish).c_str());
    EXPECT_EQ(item.at("last_for_people"),
              domain::FormatDateForPeople(h.last, domain::Language::kEnglish).c_str());
    EXPECT_EQ(item.at("provisional"), h.provisional) << h.key;
    keys.insert(h.key);
  }
  // The centre's own holiday, and every rule falls once in a year.
  EXPECT_EQ(keys, (std::set<std::string>{"centre_day", "eid_al_adha", "eid_al_fitr", "founding_day",
                                         "national_day"}));
  EXPECT_EQ(Find(holidays.at("items"), "centre_day").at("first"), "2026-06-14");
  EXPECT_EQ(Find(holidays.at("items"), "centre_day").at("last"), "2026-06-15");
  EXPECT_EQ(Find(holidays.at("items"), "eid_al_adha").at("provisional"), true);
  EXPECT_EQ(Find(holidays.at("items"), "national_day").at("provisional"), false);
}

TEST_F(GuideTest, HolidaysAheadMoveWithTheClock) {
  clock_.Set(testing::At("2026-09-23T20:59:59Z"));  // 23:59:59 in Riyadh, still National Day
  json::value items = Guide("en").at("holidays").at("items");
  EXPECT_EQ(items.at(0).at("key"), "national_day");
  clock_.Set(testing::At("2026-09-23T21:00:00Z"));  // midnight in Riyadh: the 24th
  const json::value holidays = Guide("en").at("holidays");
  EXPECT_EQ(holidays.at("from"), "2026-09-24");
  EXPECT_EQ(holidays.at("to"), "2027-09-23");
  // National Day 2026 has passed; National Day 2027 is the last day of the twelve months.
  const json::array& later = holidays.at("items").as_array();
  ASSERT_FALSE(later.empty());
  EXPECT_EQ(later.back().at("key"), "national_day");
  EXPECT_EQ(later.back().at("first"), "2027-09-23");
}

// ---------------------------------------------------------------------------------------------
// The guide as a page

TEST_F(GuideTest, ThePageIsArabicRightToLeftByDefaultAndEnglishOnRequest) {
  const Reply reply = Send(bhttp::verb::get, "/guide");
  ASSERT_EQ(reply.status, 200u);
  EXPECT_EQ(reply.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(reply.Header("Content-Security-Policy"),
            "default-src 'none'; style-src 'unsafe-inline'");
  EXPECT_EQ(reply.body.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(reply.body.find("<html lang=\"ar\" dir=\"rtl\">"), std::string::npos);
  EXPECT_NE(reply.body.find("مركز الاختبار"), std::string::npos);
  EXPECT_NE(reply.body.find("</html>"), std::string::npos);

  const std::string english = Page("/guide?lang=en");
  EXPECT_NE(english.find("<html lang=\"en\" dir=\"ltr\">"), std::string::npos);
  EXPECT_EQ(english.find("dir=\"rtl\""), std::string::npos);
  EXPECT_NE(english.find("Working hours"), std::string::npos);

  // ?lang wins over Accept-Language either way.
  const Reply arabic = Send(bhttp::verb::get, "/guide?lang=ar", {}, {{"Accept-Language", "en"}});
  EXPECT_NE(arabic.body.find("<html lang=\"ar\" dir=\"rtl\">"), std::string::npos);
  const Reply asked = Send(bhttp::verb::get, "/guide", {}, {{"Accept-Language", "en"}});
  EXPECT_NE(asked.body.find("<html lang=\"en\" dir=\"ltr\">"), std::string::npos);
}

TEST_F(GuideTest, ThePageShowsEveryConfiguredValueInItsTable) {
  const std::string page = Page("/guide?lang=en");
  auto section = [&page](const std::string& id) {
    const auto start = page.find("<section id=\"" + id + "\">");
    EXPECT_NE(start, std::string::npos) << id;
    const auto end = page.find("</section>", start);
    std::string text = page.substr(start, end - start);
    EXPECT_NE(text.find("<table"), std::string::npos) << id;
    EXPECT_NE(text.find("<th"), std::string::npos) << id;
    return text;
  };
  const std::string channels = section("channels");
  EXPECT_NE(
      channels.find("<tr data-channel=\"portal\"><td>web portal</td><td>the test portal</td>"),
      std::string::npos)
      << channels;
  EXPECT_NE(channels.find("<td>phone 920000000</td>"), std::string::npos);

  const std::string hours = section("hours");
  EXPECT_NE(hours.find("<tr data-weekday=\"sunday\"><th scope=\"row\">Sunday</th><td>"
                       "<span dir=\"ltr\">07:30-15:30</span>, <span dir=\"ltr\">17:00-19:15</span>"
                       "</td></tr>"),
            std::string::npos)
      << hours;
  EXPECT_NE(hours.find("<tr data-weekday=\"friday\"><th scope=\"row\">Friday</th><td>closed</td>"),
            std::string::npos);
  EXPECT_NE(hours.find("<span dir=\"ltr\">09:00-12:00</span>"), std::string::npos);
  EXPECT_NE(hours.find("<span dir=\"ltr\">09:30-14:30</span>"), std::string::npos);

  const std::string sla = section("sla");
  for (const auto& [minutes, text] : std::vector<std::pair<int, std::string>>{
           {95, "1 business hour and 35 business minutes"},
           {700, "1 business day, 3 business hours and 40 business minutes"},
           {3001, "6 business days, 2 business hours and 1 business minute"},
           {37, "37 business minutes"},
           {613, "1 business day, 2 business hours and 13 business minutes"},
           {1999, "4 business days, 1 business hour and 19 business minutes"},
           {121, "2 business hours and 1 business minute"},
           {2880, "6 business days"},
           {7201, "15 business days and 1 business minute"}}) {
    const std::string cell =
        "<td data-minutes=\"" + std::to_string(minutes) + "\">" + text + "</td>";
    EXPECT_NE(sla.find(cell), std::string::npos) << cell;
  }
  EXPECT_NE(sla.find("<td data-value=\"payments\">payments and payment orders</td>"),
            std::string::npos);
  EXPECT_NE(sla.find("<td data-value=\"government\">"), std::string::npos);

  const std::string escalation = section("escalation");
  EXPECT_NE(escalation.find("<tr data-level=\"1\"><td>1</td><td>Head of section</td>"),
            std::string::npos)
      << escalation;
  EXPECT_NE(escalation.find("<td data-minutes=\"1000\">2 business days and 40 business minutes"),
            std::string::npos);
  EXPECT_NE(escalation.find("<td data-value=\"manager\">"), std::string::npos);
  EXPECT_NE(escalation.find("70%"), std::string::npos);
  EXPECT_NE(escalation.find("<td>The test ombudsman</td><td>call 8001 &lt;free&gt;</td>"),
            std::string::npos);

  const std::string holidays = section("holidays");
  for (const domain::Holiday& h : time_->Current()->calendar().HolidaysBetween(
           std::chrono::year{2026} / 5 / 5, std::chrono::year{2027} / 5 / 4)) {
    EXPECT_NE(holidays.find("<tr data-holiday=\"" + h.key + "\"><td>" + h.name_en + "</td>"),
              std::string::npos)
        << h.key;
    EXPECT_NE(
        holidays.find("<time datetime=\"" + domain::FormatIsoDate(h.first) + "\">" +
                      domain::FormatDateForPeople(h.first, domain::Language::kEnglish) + "</time>"),
        std::string::npos)
        << h.key;
  }
}

TEST_F(GuideTest, ThePageEscapesWhatTheConfigurationSays) {
  const std::string page = Page("/guide?lang=en");
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find(kRawCentre), std::string::npos);
  EXPECT_NE(page.find(kEscapedCentre), std::string::npos);
  EXPECT_NE(page.find(std::string("<title>") + kEscapedCentre), std::string::npos);
  // The JSON carries the name as it is: escaping is the page's business.
  EXPECT_EQ(Guide("en").at("centre"), kRawCentre);
}

// ---------------------------------------------------------------------------------------------
// The promise follows the configuration

TEST_F(GuideTest, ReplacingTheRulesInForceChangesTheGuide) {
  ASSERT_EQ(Guide("en").at("sla").at("default").at("resolution_minutes"), 3001);
  time_->Replace(domain::TimeRules::Defaults());

  const json::value guide = Guide("en");
  EXPECT_EQ(guide.at("sla").at("default").at("resolution_minutes"), 2400);
  EXPECT_EQ(guide.at("sla").at("default").at("resolution"), "5 business days");
  EXPECT_EQ(guide.at("sla").at("default").at("first_response"), "4 business hours");
  EXPECT_EQ(guide.at("sla").at("rules").as_array().size(),
            domain::TimeRules::Defaults().rules().size());
  EXPECT_EQ(guide.at("working_hours").at("week").at(0).at("hours"),
            json::parse(R"(["08:00-16:00"])"));
  EXPECT_EQ(guide.at("working_hours").at("week").at(6).at("hours"), json::array{});
  EXPECT_EQ(guide.at("escalation").at("warning_percent"), 80);
  EXPECT_EQ(guide.at("escalation").at("levels").as_array().size(), 3u);
  EXPECT_EQ(Find(guide.at("holidays").at("items"), "centre_day"), nullptr);

  const std::string page = Page("/guide?lang=en");
  EXPECT_NE(page.find("<td data-minutes=\"2400\">5 business days</td>"), std::string::npos);
  EXPECT_EQ(page.find("17:00-19:15"), std::string::npos);
  EXPECT_EQ(page.find("Head of section"), std::string::npos);
}

TEST_F(GuideTest, AnAdminMovingAHolidayMovesItInTheGuide) {
  const json::value before = Find(Guide("en").at("holidays").at("items"), "eid_al_adha");
  ASSERT_NE(before, nullptr);
  ASSERT_EQ(before.at("provisional"), true);
  const Date first = *domain::ParseIsoDate(before.at("first").as_string());
  const Date last = *domain::ParseIsoDate(before.at("last").as_string());
  using std::chrono::days;
  using std::chrono::sys_days;
  const std::string moved_first = domain::FormatIsoDate(Date{sys_days{first} + days{1}});
  const std::string moved_last = domain::FormatIsoDate(Date{sys_days{last} + days{1}});

  const Reply put =
      Adjust("eid_al_adha", "1447",
             json::serialize(json::object{{"first", moved_first}, {"last", moved_last}}),
             TokenFor(domain::Role::kAdmin));
  ASSERT_EQ(put.status, 200u) << put.body;

  const json::value after = Find(Guide("en").at("holidays").at("items"), "eid_al_adha");
  EXPECT_EQ(after.at("first"), moved_first.c_str());
  EXPECT_EQ(after.at("last"), moved_last.c_str());
  EXPECT_EQ(after.at("provisional"), false);
  EXPECT_NE(Page("/guide?lang=en").find("<time datetime=\"" + moved_last + "\">"),
            std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// The calendar (admin)

TEST_F(GuideTest, TheAdminListsTheHolidaysOfAHijriYear) {
  const Reply reply = AdminList("?hijri_year=1447", TokenFor(domain::Role::kAdmin));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const json::value body = reply.Json();
  EXPECT_EQ(body.at("hijri_year"), 1447);
  const auto expected = time_->Current()->calendar().HolidaysOfHijriYear(1447);
  const json::array& items = body.at("items").as_array();
  ASSERT_EQ(items.size(), expected.size());
  ASSERT_FALSE(expected.empty());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(items[i].at("key"), expected[i].key.c_str());
    EXPECT_EQ(items[i].at("name_ar"), expected[i].name_ar.c_str());
    EXPECT_EQ(items[i].at("name_en"), expected[i].name_en.c_str());
    EXPECT_EQ(items[i].at("first"), domain::FormatIsoDate(expected[i].first).c_str());
    EXPECT_EQ(items[i].at("last"), domain::FormatIsoDate(expected[i].last).c_str());
    EXPECT_EQ(items[i].at("provisional"), expected[i].provisional);
  }
  const json::value fitr = Find(body.at("items"), "eid_al_fitr");
  EXPECT_EQ(fitr.at("basis"), "hijri");
  EXPECT_EQ(fitr.at("hijri_year"), 1447);
  EXPECT_EQ(fitr.at("provisional"), true);
  EXPECT_EQ(Find(body.at("items"), "national_day").at("basis"), "gregorian");
  EXPECT_EQ(Find(body.at("items"), "national_day").at("provisional"), false);
}

TEST_F(GuideTest, TheAdminListNeedsAHijriYearInRange) {
  const Headers admin = TokenFor(domain::Role::kAdmin);
  for (const std::string query : {"", "?hijri_year=", "?hijri_year=1399", "?hijri_year=1501",
                                  "?hijri_year=abc", "?hijri_year=1447x"}) {
    const Reply reply = AdminList(query, admin);
    EXPECT_EQ(reply.status, 422u) << query << ": " << reply.body;
    EXPECT_EQ(Fields(reply), std::vector<std::string>{"hijri_year"}) << query;
  }
  const Reply unknown = AdminList("?hijri_year=1447&year=2026", admin);
  EXPECT_EQ(unknown.status, 422u);
  EXPECT_EQ(Fields(unknown), std::vector<std::string>{"year"});
  EXPECT_EQ(AdminList("?hijri_year=1400", admin).status, 200u);
  EXPECT_EQ(AdminList("?hijri_year=1500", admin).status, 200u);
}

TEST_F(GuideTest, MovingEidAlFitrByADayChangesTheListAndConfirmsIt) {
  const Headers admin = TokenFor(domain::Role::kAdmin);
  const json::value before =
      Find(AdminList("?hijri_year=1447", admin).Json().at("items"), "eid_al_fitr");
  ASSERT_NE(before, nullptr);
  ASSERT_EQ(before.at("provisional"), true);
  const Date first = *domain::ParseIsoDate(before.at("first").as_string());
  const Date last = *domain::ParseIsoDate(before.at("last").as_string());
  using std::chrono::days;
  using std::chrono::sys_days;
  const std::string moved_first = domain::FormatIsoDate(Date{sys_days{first} + days{1}});
  const std::string moved_last = domain::FormatIsoDate(Date{sys_days{last} + days{1}});

  const Reply put =
      Adjust("eid_al_fitr", "1447",
             json::serialize(json::object{{"first", moved_first}, {"last", moved_last}}), admin);
  ASSERT_EQ(put.status, 200u) << put.body;
  const json::value placed = put.Json();
  EXPECT_EQ(placed.at("key"), "eid_al_fitr");
  EXPECT_EQ(placed.at("hijri_year"), 1447);
  EXPECT_EQ(placed.at("first"), moved_first.c_str());
  EXPECT_EQ(placed.at("last"), moved_last.c_str());
  EXPECT_EQ(placed.at("provisional"), false);

  const json::value after =
      Find(AdminList("?hijri_year=1447", admin).Json().at("items"), "eid_al_fitr");
  EXPECT_EQ(after.at("first"), moved_first.c_str());
  EXPECT_EQ(after.at("last"), moved_last.c_str());
  EXPECT_EQ(after.at("provisional"), false);
  // In force for the clocks too, not only in the answer.
  EXPECT_TRUE(time_->Current()->calendar().HolidayOn(Date{sys_days{last} + days{1}}).has_value());
  EXPECT_FALSE(time_->Current()->calendar().HolidayOn(first).has_value());
}

TEST_F(GuideTest, ABadAdjustmentIs422NamingTheField) {
  const Headers admin = TokenFor(domain::Role::kAdmin);
  const Reply bad_date =
      Adjust("eid_al_fitr", "1447", R"({"first":"2026-02-30","last":"2026-03-23"})", admin);
  EXPECT_EQ(bad_date.status, 422u) << bad_date.body;
  EXPECT_EQ(Fields(bad_date), std::vector<std::string>{"first"}) << bad_date.body;

  const Reply not_a_date =
      Adjust("eid_al_fitr", "1447", R"({"first":"19/03/2026","last":"2026-03-23"})", admin);
  EXPECT_EQ(not_a_date.status, 422u);
  EXPECT_EQ(Fields(not_a_date), std::vector<std::string>{"first"}) << not_a_date.body;

  const Reply backwards =
      Adjust("eid_al_fitr", "1447", R"({"first":"2026-03-23","last":"2026-03-19"})", admin);
  EXPECT_EQ(backwards.status, 422u);
  EXPECT_EQ(Fields(backwards), std::vector<std::string>{"last"}) << backwards.body;

  const Reply missing = Adjust("eid_al_fitr", "1447", R"({"first":"2026-03-19"})", admin);
  EXPECT_EQ(missing.status, 422u);
  EXPECT_EQ(Fields(missing), std::vector<std::string>{"last"});

  const Reply unknown_key =
      Adjust("eid_al_moon", "1447", R"({"first":"2026-03-19","last":"2026-03-23"})", admin);
  EXPECT_EQ(unknown_key.status, 422u);
  EXPECT_EQ(Fields(unknown_key), std::vector<std::string>{"key"}) << unknown_key.body;

  const Reply gregorian =
      Adjust("national_day", "1448", R"({"first":"2026-09-23","last":"2026-09-23"})", admin);
  EXPECT_EQ(gregorian.status, 422u);
  EXPECT_EQ(Fields(gregorian), std::vector<std::string>{"key"}) << gregorian.body;

  const Reply year =
      Adjust("eid_al_fitr", "1600", R"({"first":"2026-03-19","last":"2026-03-23"})", admin);
  EXPECT_EQ(year.status, 422u);
  EXPECT_EQ(Fields(year), std::vector<std::string>{"hijri_year"});

  // Nothing of the above was put in force.
  const json::value fitr =
      Find(AdminList("?hijri_year=1447", admin).Json().at("items"), "eid_al_fitr");
  EXPECT_EQ(fitr.at("provisional"), true);
}

TEST_F(GuideTest, OnlyTheAdminReadsOrAdjustsTheCalendar) {
  const std::string body = R"({"first":"2026-03-19","last":"2026-03-23"})";
  for (domain::Role role :
       {domain::Role::kManager, domain::Role::kSupervisor, domain::Role::kAuditor}) {
    const Headers token = TokenFor(role);
    EXPECT_EQ(AdminList("?hijri_year=1447", token).status, 403u) << domain::NameOf(role);
    EXPECT_EQ(Adjust("eid_al_fitr", "1447", body, token).status, 403u) << domain::NameOf(role);
  }
  EXPECT_EQ(AdminList("?hijri_year=1447", {}).status, 401u);
  EXPECT_EQ(Adjust("eid_al_fitr", "1447", body, {}).status, 401u);
  // Nobody else changed anything.
  EXPECT_TRUE(time_->Current()->calendar().settings().adjustments.empty());
}

class GuideWithoutCalendarTest : public GuideTest {
 protected:
  void SetUp() override {
    with_calendar_ = false;
    GuideTest::SetUp();
  }
};

TEST_F(GuideWithoutCalendarTest, AdjustingIsUnavailableButTheGuideAndTheListStillAnswer) {
  const Headers admin = TokenFor(domain::Role::kAdmin);
  const Reply put =
      Adjust("eid_al_fitr", "1447", R"({"first":"2026-03-19","last":"2026-03-23"})", admin);
  EXPECT_EQ(put.status, 503u) << put.body;
  EXPECT_EQ(put.Header("Content-Type"), "application/problem+json");
  EXPECT_EQ(AdminList("?hijri_year=1447", admin).status, 200u);
  EXPECT_EQ(Send(bhttp::verb::get, "/api/v1/guide").status, 200u);
}

}  // namespace
}  // namespace shakwa::http
