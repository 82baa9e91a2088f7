// The authorisation walk (issue 3 §1): a real server on a loopback port with users of every
// role, and every endpoint of the access table (api::Endpoints(), iterated, so that a new
// endpoint is walked without touching this file) called by every kind of caller - nobody, a
// bad token, a beneficiary's access code, each role - and held to what the table says.
//
// Beside the walk: need-to-know answers 404, not 403 (existence does not leak); a revoked
// session is 401; the session cookie works, but not for an unsafe request from a foreign
// origin; and docs/authorization.md shows the table exactly as the code has it.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "app/attempt_limiter.hpp"
#include "app/handle_case.hpp"
#include "app/staff_accounts.hpp"
#include "app/staff_cases.hpp"
#include "app/submit_case.hpp"
#include "app/view_case.hpp"
#include "attachments/content_type.hpp"
#include "attachments/file_store.hpp"
#include "attachments/policy.hpp"
#include "attachments/scanner.hpp"
#include "http/api/access.hpp"
#include "http/api/routes.hpp"
#include "http/server.hpp"
#include "storage/memory/memory_store.hpp"
#include "support/fakes.hpp"
#include "support/http_client.hpp"
#include "support/store_helpers.hpp"

namespace shakwa::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace json = boost::json;
using tcp = boost::asio::ip::tcp;
using domain::Role;

using testing::NullLog;
using testing::Reply;

using testing::Headers;

const std::string kPassword = "correct horse 42";

const char* kComplaint = R"({
  "kind": "complaint", "channel": "api", "category": "payments",
  "subject": "تأخر صرف المستخلص", "description": "لم يُصرف المستخلص بعد ستين يومًا.",
  "remedy_sought": "صرف المستخلص", "language": "ar",
  "beneficiary": {"kind": "individual", "name": "علي أحمد", "mobile": "0551234567",
                  "national_id": "1012345678"}
})";

// One kind of caller of the walk.
struct WalkCaller {
  enum class Kind { kNobody, kBadToken, kAccessCode, kStaff };
  Kind kind;
  Role role = Role::kAgent;  // for kStaff

  std::string Name() const {
    switch (kind) {
      case Kind::kNobody:
        return "no credentials";
      case Kind::kBadToken:
        return "a bad token";
      case Kind::kAccessCode:
        return "a beneficiary's access code";
      case Kind::kStaff:
        return "role " + std::string(domain::NameOf(role));
    }
    return "?";
  }
};

// Nobody, a bad token, an access code, then every role there is.
std::vector<WalkCaller> Callers() {
  std::vector<WalkCaller> out = {
      {WalkCaller::Kind::kNobody}, {WalkCaller::Kind::kBadToken}, {WalkCaller::Kind::kAccessCode}};
  for (const auto& term : domain::TermsOf<Role>()) {
    out.push_back({WalkCaller::Kind::kStaff, term.value});
  }
  return out;
}

// What the table says of caller on an endpoint: 0 when admitted, else the status of the
// refusal. Credentials that are sent are checked even where none are needed, so a bad token is
// refused everywhere; an access code where no beneficiary is admitted counts for nothing on an
// anonymous endpoint and is refused on a staff one.
unsigned Refusal(const api::Access& access, const WalkCaller& caller) {
  switch (caller.kind) {
    case WalkCaller::Kind::kNobody:
      return access.anonymous ? 0 : 401;
    case WalkCaller::Kind::kBadToken:
      return 401;
    case WalkCaller::Kind::kAccessCode:
      return access.beneficiary || access.anonymous ? 0 : 403;
    case WalkCaller::Kind::kStaff:
      return std::find(access.roles.begin(), access.roles.end(), caller.role) != access.roles.end()
                 ? 0
                 : 403;
  }
  return 500;
}

bhttp::verb VerbOf(Method method) {
  switch (method) {
    case Method::kGet:
      return bhttp::verb::get;
    case Method::kHead:
      return bhttp::verb::head;
    case Method::kPost:
      return bhttp::verb::post;
    case Method::kPut:
      return bhttp::verb::put;
    case Method::kPatch:
      return bhttp::verb::patch;
    case Method::kDelete:
      return bhttp::verb::delete_;
    case Method::kOptions:
      return bhttp::verb::options;
    case Method::kOther:
      break;
  }
  return bhttp::verb::unknown;
}

// Templates that take any wording: the walk is about who may call, not what they may write.
class AcceptingTemplateBook final : public app::TemplateBook {
 public:
  std::vector<app::TemplateView> List() const override {
    app::TemplateView view;
    view.name = "acknowledgement";
    return {view};
  }
  domain::Status Check(const std::string&, domain::Language, const std::string&,
                       const std::string&) const override {
    return domain::Status::Ok();
  }
  domain::Status Apply(const std::string&, domain::Language, const std::string&,
                       std::string) override {
    return domain::Status::Ok();
  }
};

class AuthorizationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    deps_.templates = &templates_;
    deps_.attachment_policy = &policy_;
    deps_.file_store = &file_store_;
    deps_.access_code_attempts = &access_code_attempts_;
    api::AddRoutes(router_, deps_);
    ServerSettings settings;
    settings.port = 0;
    settings.io_threads = 2;
    settings.blocking_threads = 2;
    server_ = std::make_unique<Server>(settings, router_, log_);
    auto port = server_->Listen();
    ASSERT_TRUE(port.has_value()) << port.error().detail;
    port_ = *port;
    host_ = "127.0.0.1:" + std::to_string(port_);
    thread_ = std::thread([this] { server_->Run(); });

    for (const char* code : {"procurement", "finance"}) {
      std::promise<domain::Status> added;
      accounts_.AddDepartment(testing::SampleDepartment(code), System(),
                              [&added](domain::Status s) { added.set_value(std::move(s)); });
      ASSERT_TRUE(added.get_future().get().ok()) << code;
    }
    // One user of every role; the department roles in procurement.
    for (const auto& term : domain::TermsOf<Role>()) {
      const std::string name(term.name);
      users_[term.value] = AddUser(name + "@centre.example", term.value,
                                   domain::RoleNeedsDepartment(term.value)
                                       ? std::optional<std::string>("procurement")
                                       : std::nullopt);
    }
  }

  void TearDown() override {
    server_->Shutdown();
    thread_.join();
  }

  static domain::Actor System() { return domain::Actor{domain::Actor::Kind::kSystem, {}}; }

  std::int64_t AddUser(const std::string& email, Role role, std::optional<std::string> dept) {
    domain::StaffUser user = testing::SampleUser(email, role, std::move(dept));
    std::promise<domain::Result<std::int64_t>> promise;
    accounts_.AddUser(user, kPassword, System(), [&promise](domain::Result<std::int64_t> id) {
      promise.set_value(std::move(id));
    });
    auto id = promise.get_future().get();
    EXPECT_TRUE(id.has_value()) << email << ": " << id.error().detail;
    return id ? *id : 0;
  }

  // A fresh session for email, through the use case (the walk signs in hundreds of times).
  std::string Token(const std::string& email) {
    std::promise<domain::Result<app::SignedIn>> promise;
    accounts_.SignIn(email, kPassword, [&promise](domain::Result<app::SignedIn> signed_in) {
      promise.set_value(std::move(signed_in));
    });
    auto signed_in = promise.get_future().get();
    EXPECT_TRUE(signed_in.has_value()) << email << ": " << signed_in.error().detail;
    return signed_in ? signed_in->token : std::string();
  }
  std::string Token(Role role) {
    return Token(std::string(domain::NameOf(role)) + "@centre.example");
  }

  Reply Send(bhttp::verb method, const std::string& target, const std::string& body = {},
             const Headers& headers = {}, const std::string& content_type = "application/json") {
    return testing::Send(port_, method, target, body, headers, content_type, host_);
  }

  static Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

  // A complaint submitted on the public intake: its reference and access code.
  std::pair<std::string, std::string> Submit(const char* body = kComplaint) {
    const Reply reply = Send(bhttp::verb::post, "/api/v1/cases", body);
    EXPECT_EQ(reply.status, 201u) << reply.body;
    const json::value receipt = reply.Json();
    return {std::string(receipt.at("reference").as_string()),
            std::string(receipt.at("access_code").as_string())};
  }

  std::int64_t VersionOf(const std::string& reference) {
    const Reply reply =
        Send(bhttp::verb::get, "/api/v1/cases/" + reference, {}, Bearer(Token(Role::kManager)));
    EXPECT_EQ(reply.status, 200u) << reply.body;
    return reply.status == 200 ? reply.Json().at("version").as_int64() : 0;
  }

  // The agent's initial assessment, routing the case to department.
  void Assess(const std::string& reference, const std::string& department,
              std::optional<std::string> concerns = std::nullopt) {
    json::object body{{"version", VersionOf(reference)}, {"department", department}};
    if (concerns) body["concerns_department"] = *concerns;
    const Reply reply = Send(bhttp::verb::post, "/api/v1/cases/" + reference + "/assess",
                             json::serialize(body), Bearer(Token(Role::kAgent)));
    ASSERT_EQ(reply.status, 200u) << reply.body;
  }

  // Uploads one small text file to the case as the beneficiary; returns its id.
  std::int64_t Attach(const std::string& reference, const std::string& code) {
    const std::string boundary = "shakwa-test-boundary";
    const std::string body = "--" + boundary +
                             "\r\nContent-Disposition: form-data; name=\"file\"; "
                             "filename=\"note.txt\"\r\nContent-Type: text/plain\r\n\r\n"
                             "رقم أمر الدفع PO-2 بتاريخ 2026-03-01\n\r\n--" +
                             boundary + "--\r\n";
    const Reply reply =
        Send(bhttp::verb::post, "/api/v1/cases/" + reference + "/attachments", body,
             {{"X-Access-Code", code}}, "multipart/form-data; boundary=" + boundary);
    EXPECT_EQ(reply.status, 201u) << reply.body;
    if (reply.status != 201) return 0;
    return reply.Json().at("items").at(0).at("id").as_int64();
  }

  storage::memory::MemoryStore store_;
  testing::FakeClock clock_{testing::At("2026-05-05T08:00:00Z")};
  testing::SeededRandom random_;
  testing::PlainHasher hasher_;
  testing::FastPasswordHasher passwords_;
  testing::FakeTokenHasher tokens_;
  app::SubmitCase submit_{app::SubmitCase::Settings{}, store_, clock_, random_, hasher_,
                          testing::DefaultCatalogue()};
  app::ViewCaseAsBeneficiary view_{store_, hasher_};
  app::StaffAccounts accounts_{
      app::StaffAccounts::Settings{}, store_, clock_, random_, passwords_, tokens_};
  app::HandleCase handle_case_{store_, clock_, hasher_, testing::DefaultCatalogue()};
  app::StaffCases staff_cases_{store_, clock_, hasher_};
  testing::TempDir files_dir_;
  attachments::ContentTypeDetector detector_;
  attachments::NoScanner scanner_;
  attachments::FileStore file_store_{files_dir_.path()};
  attachments::AttachmentPolicy policy_{attachments::AttachmentLimits{}, detector_, scanner_,
                                        file_store_};
  app::AttemptLimiter access_code_attempts_{5, std::chrono::minutes{15}};
  AcceptingTemplateBook template_book_;
  app::ManageTemplates templates_{store_, clock_, template_book_};
  api::Dependencies deps_{submit_, view_, store_, accounts_, handle_case_, staff_cases_, clock_};
  std::map<Role, std::int64_t> users_;
  Router router_;
  NullLog log_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::string host_;
  std::thread thread_;
};

// ---------------------------------------------------------------------------------------------
// The walk

TEST_F(AuthorizationTest, EveryEndpointAdmitsExactlyTheCallersOfItsTableEntry) {
  const auto [reference, code] = Submit();
  Assess(reference, "procurement");
  const std::int64_t attachment = Attach(reference, code);
  ASSERT_NE(attachment, 0);
  const std::map<std::string, std::int64_t> ids = {{"attachments", attachment},
                                                   {"users", users_.at(Role::kHandler)}};
  // Other named parameters, by name.
  const std::map<std::string, std::string> values = {{"{key}", "eid_al_fitr"},
                                                     {"{hijri_year}", "1447"},
                                                     {"{name}", "acknowledgement"},
                                                     {"{language}", "ar"},
                                                     {"{part}", "subject"}};

  int walked = 0;
  for (const api::Endpoint& endpoint : api::Endpoints()) {
    // The pattern with real values: {reference} the case, {id} whatever the segment before
    // it names, any other parameter from `values`.
    std::string target;
    std::string previous;
    std::string_view rest = endpoint.pattern;
    bool unknown_parameter = false;
    while (!rest.empty()) {
      rest.remove_prefix(1);  // '/'
      const auto slash = rest.find('/');
      const std::string segment(rest.substr(0, slash));
      rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
      target += '/';
      if (segment == "{reference}") {
        target += reference;
      } else if (segment == "{id}" && ids.contains(previous)) {
        target += std::to_string(ids.at(previous));
      } else if (values.contains(segment)) {
        target += values.at(segment);
      } else if (segment.front() == '{') {
        unknown_parameter = true;
      } else {
        target += segment;
      }
      previous = segment;
    }
    const std::string name =
        std::string(NameOf(endpoint.method)) + " " + std::string(endpoint.pattern);
    ASSERT_FALSE(unknown_parameter) << name << ": the walk does not know what to put for a "
                                    << "parameter; give it a real value above";
    const bool has_body = endpoint.method == Method::kPost || endpoint.method == Method::kPatch ||
                          endpoint.method == Method::kPut;

    for (const WalkCaller& caller : Callers()) {
      Headers headers;
      switch (caller.kind) {
        case WalkCaller::Kind::kNobody:
          break;
        case WalkCaller::Kind::kBadToken:
          headers = Bearer("bm90IGEgdG9rZW4gdGhpcyBzZXJ2ZXIgZXZlciBpc3N1ZWQ");
          break;
        case WalkCaller::Kind::kAccessCode:
          headers = {{"X-Access-Code", code}};
          break;
        case WalkCaller::Kind::kStaff:
          // A fresh session each time: signing out (one of the endpoints) ends the one it uses.
          headers = Bearer(Token(caller.role));
          break;
      }
      const Reply reply = Send(VerbOf(endpoint.method), target, has_body ? "{}" : "", headers);
      const unsigned refusal = Refusal(endpoint.access, caller);
      const std::string what = name + " (" + target + ") with " + caller.Name();
      if (refusal != 0) {
        EXPECT_EQ(reply.status, refusal) << what << " is not admitted by the table\n" << reply.body;
        EXPECT_EQ(reply.Header("Content-Type"), "application/problem+json") << what;
      } else {
        EXPECT_NE(reply.status, 401u) << what << " is admitted by the table\n" << reply.body;
        EXPECT_NE(reply.status, 403u) << what << " is admitted by the table\n" << reply.body;
        EXPECT_NE(reply.status, 405u) << what << ": no route\n" << reply.body;
        EXPECT_EQ(reply.body.find("route_not_found"), std::string::npos) << what << ": no route\n"
                                                                         << reply.body;
        EXPECT_LT(reply.status, 500u) << what << "\n" << reply.body;
      }
      ++walked;
    }
  }
  EXPECT_EQ(walked, static_cast<int>(api::Endpoints().size() * Callers().size()));
}

// Deny by default: a route can only be registered through the table.
TEST_F(AuthorizationTest, ARouteMissingFromTheTableCannotBeRegistered) {
  Router router;
  EXPECT_THROW(api::Guard(router, Method::kDelete, "/api/v1/cases/{reference}", deps_,
                          [](const Request&, const api::Caller&, Respond) {}),
               std::logic_error);
}

TEST_F(AuthorizationTest, TheTableNamesEachEndpointOnceAndEveryEntryIsRouted) {
  std::set<std::string> seen;
  for (const api::Endpoint& e : api::Endpoints()) {
    const std::string name = std::string(NameOf(e.method)) + " " + std::string(e.pattern);
    EXPECT_TRUE(seen.insert(name).second) << name << " is in the table twice";
    EXPECT_FALSE(e.summary.empty()) << name;
    // A staff-only or beneficiary endpoint with nobody admitted could never be called.
    EXPECT_TRUE(e.access.anonymous || e.access.beneficiary || e.access.mailgate ||
                !e.access.roles.empty())
        << name;
    std::string path(e.pattern);
    for (auto open = path.find('{'); open != std::string::npos; open = path.find('{')) {
      path.replace(open, path.find('}', open) - open + 1, "1");
    }
    EXPECT_NE(router_.Find(e.method, path).handler, nullptr) << name << " has no route";
  }
}

// ---------------------------------------------------------------------------------------------
// Need-to-know

TEST_F(AuthorizationTest, AHandlerOfAnotherDepartmentGets404NotForbidden) {
  const auto [reference, code] = Submit();
  Assess(reference, "procurement");
  const std::int64_t attachment = Attach(reference, code);
  AddUser("finance.handler@centre.example", Role::kHandler, "finance");
  const std::string outsider = Token("finance.handler@centre.example");
  const std::int64_t version = VersionOf(reference);
  const std::string note = json::serialize(json::object{{"version", version}, {"text", "ملاحظة"}});

  const Reply read = Send(bhttp::verb::get, "/api/v1/cases/" + reference, {}, Bearer(outsider));
  const Reply act =
      Send(bhttp::verb::post, "/api/v1/cases/" + reference + "/notes", note, Bearer(outsider));
  const Reply file = Send(
      bhttp::verb::get, "/api/v1/cases/" + reference + "/attachments/" + std::to_string(attachment),
      {}, Bearer(outsider));
  const std::string unknown = domain::Reference{'C', 2026, 999, 6}.ToString();
  const Reply missing = Send(bhttp::verb::get, "/api/v1/cases/" + unknown, {}, Bearer(outsider));
  for (const Reply* reply : {&read, &act, &file, &missing}) {
    EXPECT_EQ(reply->status, 404u) << reply->body;
  }
  // Indistinguishable from a case that does not exist.
  EXPECT_EQ(read.Json().at("code"), missing.Json().at("code"));
  EXPECT_EQ(read.Json().at("title"), missing.Json().at("title"));
  // Their queue does not show it either.
  const Reply queue = Send(bhttp::verb::get, "/api/v1/cases", {}, Bearer(outsider));
  ASSERT_EQ(queue.status, 200u) << queue.body;
  EXPECT_TRUE(queue.Json().at("items").as_array().empty());

  // The case's own department reads and acts on it.
  const std::string insider = Token(Role::kHandler);
  EXPECT_EQ(Send(bhttp::verb::get, "/api/v1/cases/" + reference, {}, Bearer(insider)).status, 200u);
  EXPECT_EQ(Send(bhttp::verb::post, "/api/v1/cases/" + reference + "/notes", note, Bearer(insider))
                .status,
            200u);
}

TEST_F(AuthorizationTest, QualityReviewersSeeOnlyClosedCases) {
  const auto [reference, code] = Submit();
  const Reply reply =
      Send(bhttp::verb::get, "/api/v1/cases/" + reference, {}, Bearer(Token(Role::kQaReviewer)));
  EXPECT_EQ(reply.status, 404u) << reply.body;
}

TEST_F(AuthorizationTest, TheDepartmentAComplaintIsAboutNeverSeesWhoMadeIt) {
  const auto [reference, code] = Submit();
  Assess(reference, "procurement", "procurement");  // staff conduct, in the same department
  const Reply reply =
      Send(bhttp::verb::get, "/api/v1/cases/" + reference, {}, Bearer(Token(Role::kHandler)));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const json::object beneficiary = reply.Json().at("beneficiary").as_object();
  EXPECT_EQ(beneficiary.at("withheld"), true);
  EXPECT_FALSE(beneficiary.contains("name"));
  EXPECT_EQ(reply.body.find("علي"), std::string::npos);
  EXPECT_EQ(reply.body.find("551234567"), std::string::npos);
}

TEST_F(AuthorizationTest, ListsMaskContactDataAndFullReadsAreOnTheRecord) {
  const auto [reference, code] = Submit();
  const std::string manager = Token(Role::kManager);
  const Reply queue = Send(bhttp::verb::get, "/api/v1/cases", {}, Bearer(manager));
  ASSERT_EQ(queue.status, 200u) << queue.body;
  const json::value row = queue.Json().at("items").at(0);
  EXPECT_EQ(row.at("beneficiary").at("masked"), true);
  EXPECT_EQ(queue.body.find("+966551234567"), std::string::npos);
  EXPECT_EQ(queue.body.find("1012345678"), std::string::npos);

  // An agent reads the case in full: the read is in the audit trail, by whom and which case.
  const Reply full =
      Send(bhttp::verb::get, "/api/v1/cases/" + reference, {}, Bearer(Token(Role::kAgent)));
  ASSERT_EQ(full.status, 200u) << full.body;
  EXPECT_EQ(full.Json().at("beneficiary").at("mobile"), "+966551234567");
  const Reply trail =
      Send(bhttp::verb::get, "/api/v1/audit?limit=1000", {}, Bearer(Token(Role::kAuditor)));
  ASSERT_EQ(trail.status, 200u) << trail.body;
  int reads = 0;
  const json::value entries = trail.Json();
  for (const auto& entry : entries.at("items").as_array()) {
    if (entry.at("action") == "pii.read" && entry.at("subject") == reference.c_str()) {
      EXPECT_EQ(entry.at("actor").at("id"), std::to_string(users_.at(Role::kAgent)).c_str());
      ++reads;
    }
  }
  EXPECT_EQ(reads, 1);
}

// ---------------------------------------------------------------------------------------------
// Sessions and cookies

TEST_F(AuthorizationTest, SigningInOverHttpGivesATokenThatTheGuardAccepts) {
  for (const auto& term : domain::TermsOf<Role>()) {
    const std::string email = std::string(term.name) + "@centre.example";
    const Reply login =
        Send(bhttp::verb::post, "/api/v1/auth/login",
             json::serialize(json::object{{"email", email}, {"password", kPassword}}));
    ASSERT_EQ(login.status, 200u) << email << ": " << login.body;
    const std::string token(login.Json().at("token").as_string());
    const Reply me = Send(bhttp::verb::get, "/api/v1/auth/me", {}, Bearer(token));
    ASSERT_EQ(me.status, 200u) << email << ": " << me.body;
    EXPECT_EQ(me.Json().at("role"), term.name.data());
  }
}

TEST_F(AuthorizationTest, ARevokedTokenIs401) {
  const std::string token = Token(Role::kSupervisor);
  ASSERT_EQ(Send(bhttp::verb::get, "/api/v1/auth/me", {}, Bearer(token)).status, 200u);
  const Reply logout = Send(bhttp::verb::post, "/api/v1/auth/logout", {}, Bearer(token));
  ASSERT_EQ(logout.status, 204u) << logout.body;
  for (const auto& [verb, target] : std::vector<std::pair<bhttp::verb, std::string>>{
           {bhttp::verb::get, "/api/v1/auth/me"},
           {bhttp::verb::get, "/api/v1/cases"},
           {bhttp::verb::post, "/api/v1/auth/logout"}}) {
    const Reply reply = Send(verb, target, {}, Bearer(token));
    EXPECT_EQ(reply.status, 401u) << target << ": " << reply.body;
  }
}

TEST_F(AuthorizationTest, AnExpiredSessionIs401) {
  const std::string token = Token(Role::kManager);
  clock_.Set(testing::At("2026-05-05T20:00:01Z"));  // twelve hours and a second later
  EXPECT_EQ(Send(bhttp::verb::get, "/api/v1/auth/me", {}, Bearer(token)).status, 401u);
}

TEST_F(AuthorizationTest, ADeactivatedUsersSessionsStopWorking) {
  const std::string token = Token(Role::kHandler);
  const Reply patch =
      Send(bhttp::verb::patch, "/api/v1/admin/users/" + std::to_string(users_.at(Role::kHandler)),
           R"({"active":false})", Bearer(Token(Role::kAdmin)));
  ASSERT_EQ(patch.status, 200u) << patch.body;
  EXPECT_EQ(Send(bhttp::verb::get, "/api/v1/auth/me", {}, Bearer(token)).status, 401u);
}

TEST_F(AuthorizationTest, TheSessionCookieAuthenticatesButNotAForeignOriginsUnsafeRequest) {
  const std::string token = Token(Role::kAgent);
  const std::string cookie = std::string(api::kSessionCookie) + "=" + token;

  const Reply me =
      Send(bhttp::verb::get, "/api/v1/auth/me", {}, {{"Cookie", "lang=ar; " + cookie}});
  ASSERT_EQ(me.status, 200u) << me.body;
  EXPECT_EQ(me.Json().at("role"), "agent");
  // A safe request is fine from anywhere: it changes nothing and SameSite keeps the answer home.
  EXPECT_EQ(Send(bhttp::verb::get, "/api/v1/auth/me", {},
                 {{"Cookie", cookie}, {"Origin", "https://evil.example"}})
                .status,
            200u);

  const Reply forged = Send(bhttp::verb::post, "/api/v1/auth/logout", {},
                            {{"Cookie", cookie}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(forged.status, 403u) << forged.body;
  EXPECT_EQ(forged.Json().at("code"), "cross_site_request");
  // The forged request did nothing: the session still works.
  EXPECT_EQ(Send(bhttp::verb::get, "/api/v1/auth/me", {}, {{"Cookie", cookie}}).status, 200u);
  // Another port is another origin.
  EXPECT_EQ(Send(bhttp::verb::post, "/api/v1/auth/logout", {},
                 {{"Cookie", cookie}, {"Origin", "http://127.0.0.1:1"}})
                .status,
            403u);

  // A bearer token is never sent by a browser on its own, so Origin does not matter for it.
  const std::string other = Token(Role::kAgent);
  EXPECT_EQ(Send(bhttp::verb::get, "/api/v1/auth/me", {},
                 {{"Authorization", "Bearer " + other}, {"Origin", "https://evil.example"}})
                .status,
            200u);

  // The same origin signs out with the cookie.
  const Reply logout = Send(bhttp::verb::post, "/api/v1/auth/logout", {},
                            {{"Cookie", cookie}, {"Origin", "http://" + host_}});
  EXPECT_EQ(logout.status, 204u) << logout.body;
  EXPECT_NE(logout.Header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Send(bhttp::verb::get, "/api/v1/auth/me", {}, {{"Cookie", cookie}}).status, 401u);
}

TEST_F(AuthorizationTest, RefusalsAreProblemsThatSayWhy) {
  const Reply nobody = Send(bhttp::verb::get, "/api/v1/cases", {}, {{"Accept-Language", "en"}});
  EXPECT_EQ(nobody.status, 401u);
  EXPECT_EQ(nobody.Json().at("code"), "sign_in_required");
  EXPECT_EQ(nobody.Header("WWW-Authenticate"), "Bearer realm=\"shakwa\"");

  const Reply role = Send(bhttp::verb::get, "/api/v1/audit", {}, Bearer(Token(Role::kManager)));
  EXPECT_EQ(role.status, 403u);
  EXPECT_EQ(role.Json().at("code"), "not_allowed_for_role");

  const auto [reference, code] = Submit();
  const Reply beneficiary = Send(bhttp::verb::get, "/api/v1/cases", {}, {{"X-Access-Code", code}});
  EXPECT_EQ(beneficiary.status, 403u);
  EXPECT_EQ(beneficiary.Json().at("code"), "not_allowed_for_role");
}

// ---------------------------------------------------------------------------------------------
// docs/authorization.md

struct DocRow {
  std::string method, path;
  std::set<std::string> admitted;  // "anonymous", "beneficiary", role wire names
};

std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string cell;
  std::getline(in, cell, '|');  // before the leading '|'
  while (std::getline(in, cell, '|')) {
    const auto first = cell.find_first_not_of(' ');
    const auto last = cell.find_last_not_of(' ');
    out.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
  }
  if (!out.empty() && out.back().empty()) out.pop_back();  // after the trailing '|'
  return out;
}

TEST(AuthorizationDoc, TheTableInDocsMatchesTheCodeExactly) {
  const std::string path = std::string(SHAKWA_SOURCE_DIR) + "/docs/authorization.md";
  std::ifstream file(path);
  ASSERT_TRUE(file) << "cannot read " << path;

  std::vector<std::string> columns = {"method", "path", "anonymous", "beneficiary"};
  for (const auto& term : domain::TermsOf<Role>()) columns.emplace_back(term.name);
  columns.emplace_back("what");

  std::vector<std::string> header;
  std::vector<DocRow> rows;
  std::string line;
  int number = 0;
  while (std::getline(file, line)) {
    ++number;
    if (line.rfind("| method |", 0) == 0) {
      header = Cells(line);
      continue;
    }
    if (header.empty()) continue;
    if (line.empty() || line.front() != '|') break;  // the end of the table
    if (line.rfind("|--", 0) == 0 || line.rfind("| --", 0) == 0 || line.rfind("|:-", 0) == 0) {
      continue;
    }
    const auto cells = Cells(line);
    ASSERT_EQ(cells.size(), columns.size()) << path << ":" << number << ": " << line;
    DocRow row{cells[0], cells[1], {}};
    if (row.path.size() > 2 && row.path.front() == '`' && row.path.back() == '`') {
      row.path = row.path.substr(1, row.path.size() - 2);
    }
    for (std::size_t i = 2; i + 1 < cells.size(); ++i) {
      if (cells[i] == "✓") {
        row.admitted.insert(columns[i]);
      } else {
        EXPECT_EQ(cells[i], "—") << path << ":" << number << ": column " << columns[i]
                                 << " must be ✓ or —";
      }
    }
    rows.push_back(std::move(row));
  }
  ASSERT_EQ(header, columns) << path << ": the table's header row";

  std::map<std::string, std::set<std::string>> documented;
  for (const DocRow& row : rows) {
    const std::string name = row.method + " " + row.path;
    EXPECT_FALSE(documented.contains(name)) << path << ": " << name << " twice";
    documented[name] = row.admitted;
  }
  for (const api::Endpoint& e : api::Endpoints()) {
    const std::string name = std::string(NameOf(e.method)) + " " + std::string(e.pattern);
    std::set<std::string> admitted;
    if (e.access.anonymous) admitted.insert("anonymous");
    if (e.access.beneficiary) admitted.insert("beneficiary");
    for (Role role : e.access.roles) admitted.insert(std::string(domain::NameOf(role)));
    const auto it = documented.find(name);
    if (it == documented.end()) {
      ADD_FAILURE() << path << " does not show " << name;
      continue;
    }
    EXPECT_EQ(it->second, admitted) << path << ": the row of " << name;
    documented.erase(it);
  }
  for (const auto& [name, admitted] : documented) {
    ADD_FAILURE() << path << " shows " << name << ", which is not in the access table";
  }
}

}  // namespace
}  // namespace shakwa::http
