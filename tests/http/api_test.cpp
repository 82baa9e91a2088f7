// The HTTP API in-process: a real server on a loopback port, a real HTTP client, the memory
// store behind them. Every status the issue lists is shown here.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <mutex>
#include <thread>

#include "app/handle_case.hpp"
#include "app/staff_accounts.hpp"
#include "app/staff_cases.hpp"
#include "app/submit_case.hpp"
#include "app/view_case.hpp"
#include "domain/reference_number.hpp"
#include "http/api/access.hpp"
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

class RecordingLog final : public AccessLog {
 public:
  void Record(const AccessRecord& r) override {
    std::lock_guard lock(mutex_);
    lines.push_back(
        {std::string(r.request_id), std::string(NameOf(r.method)), std::string(r.path), r.status});
  }
  struct Line {
    std::string request_id, method, path;
    unsigned status;
  };
  std::vector<Line> Lines() {
    std::lock_guard lock(mutex_);
    return lines;
  }

 private:
  std::mutex mutex_;
  std::vector<Line> lines;
};

using testing::Reply;

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const std::string kPassword = "correct horse 42";

const char* kValidBody = R"({
  "kind": "complaint", "channel": "api", "category": "payments",
  "subject": "تأخر صرف المستخلص", "description": "لم يُصرف المستخلص بعد ستين يومًا.",
  "remedy_sought": "صرف المستخلص", "language": "ar",
  "beneficiary": {"kind": "individual", "name": "علي", "mobile": "0551234567"}
})";

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api::Dependencies deps{submit_, view_, store_, accounts_, handle_case_, staff_cases_, clock_};
    deps.secure_cookies = secure_cookies_;
    api::AddRoutes(router_, deps);
    ServerSettings settings;
    settings.port = 0;
    settings.io_threads = 2;
    settings.blocking_threads = 2;
    settings.max_body_bytes = 1 << 20;
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
             const testing::Headers& headers = {},
             const std::string& content_type = "application/json") {
    return testing::Send(port_, method, target, body, headers, content_type);
  }

  Reply Post(const std::string& body, std::vector<std::pair<std::string, std::string>> h = {}) {
    return Send(bhttp::verb::post, "/api/v1/cases", body, std::move(h));
  }

  // A staff user added through the use case, as the CLI would; returns the new id.
  std::int64_t AddStaff(const std::string& email, domain::Role role,
                        std::optional<std::string> department = std::nullopt) {
    if (department) {
      accounts_.AddDepartment(domain::Department{*department, "إدارة", "department", true},
                              domain::Actor{domain::Actor::Kind::kSystem, {}},
                              [](const domain::Status&) {});  // already there: fine
    }
    domain::StaffUser user;
    user.email = email;
    user.name = "نورة";
    user.role = role;
    user.department = std::move(department);
    std::int64_t id = 0;
    accounts_.AddUser(user, kPassword, domain::Actor{domain::Actor::Kind::kSystem, {}},
                      [&id](domain::Result<std::int64_t> added) {
                        ASSERT_TRUE(added.has_value()) << added.error().detail;
                        id = *added;
                      });
    return id;
  }

  Reply SignIn(const std::string& email, const std::string& password = kPassword) {
    json::object body{{"email", email}, {"password", password}};
    return Send(bhttp::verb::post, "/api/v1/auth/login", json::serialize(body));
  }

  // The field paths of a 422, in order.
  static std::vector<std::string> Fields(const Reply& reply) {
    std::vector<std::string> out;
    const json::value body = reply.Json();
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
  bool secure_cookies_ = false;  // set before SetUp() runs to serve Secure cookies
  Router router_;
  RecordingLog log_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST_F(ApiTest, HealthAndReadiness) {
  const Reply health = Send(bhttp::verb::get, "/healthz");
  EXPECT_EQ(health.status, 200u);
  EXPECT_EQ(health.Json(), json::parse(R"({"status":"ok"})"));
  const Reply ready = Send(bhttp::verb::get, "/readyz");
  EXPECT_EQ(ready.status, 200u);
  EXPECT_EQ(ready.Json().at("status"), "ready");
}

TEST_F(ApiTest, NotReadyWhileTheDatabaseDoesNotAnswer) {
  store_.FailReads(true);
  const Reply ready = Send(bhttp::verb::get, "/readyz");
  EXPECT_EQ(ready.status, 503u);
  EXPECT_EQ(ready.Json().at("status"), "unavailable");
  EXPECT_EQ(Send(bhttp::verb::get, "/healthz").status, 200u);  // alive all the same
  const std::string reference = domain::Reference{'C', 2026, 1, 6}.ToString();
  const Reply read = Send(bhttp::verb::get, "/api/v1/cases/" + reference, {},
                          {{"X-Access-Code", "2222-2222-2222"}});
  EXPECT_EQ(read.status, 503u);
  store_.FailReads(false);
  EXPECT_EQ(Send(bhttp::verb::get, "/readyz").status, 200u);
}

// The document describes exactly the endpoints of the access table (api::Endpoints(), which
// every route is registered from): no more, no fewer.
TEST_F(ApiTest, ServesTheOpenApiDocumentCoveringEveryRoute) {
  const Reply reply = Send(bhttp::verb::get, "/api/v1/openapi.json");
  ASSERT_EQ(reply.status, 200u);
  const json::value doc = reply.Json();
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  std::set<std::string> documented;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      if (method == "parameters" || method == "summary" || method == "description") continue;
      documented.insert(Upper(method) + " " + std::string(path));
    }
  }
  std::set<std::string> table;
  for (const api::Endpoint& e : api::Endpoints()) {
    table.insert(std::string(NameOf(e.method)) + " " + std::string(e.pattern));
  }
  for (const std::string& e : table) {
    EXPECT_TRUE(documented.contains(e))
        << e << " is in the access table but not in docs/openapi.yaml";
  }
  for (const std::string& e : documented) {
    EXPECT_TRUE(table.contains(e)) << e << " is in docs/openapi.yaml but not in the access table";
  }
}

// Each operation's security requirements say who the access table admits: {} for anonymous
// callers, accessCode for the beneficiary, and the admitted roles as the bearer and cookie
// schemes' role lists (OpenAPI 3.1 lets non-OAuth schemes list roles there).
TEST_F(ApiTest, TheOpenApiSecurityOfEachOperationMatchesTheAccessTable) {
  const json::value doc = Send(bhttp::verb::get, "/api/v1/openapi.json").Json();
  const auto& schemes = doc.at("components").at("securitySchemes").as_object();
  for (const char* scheme : {"bearerToken", "sessionCookie", "accessCode"}) {
    EXPECT_TRUE(schemes.contains(scheme)) << scheme;
  }
  for (const api::Endpoint& e : api::Endpoints()) {
    const std::string name = std::string(NameOf(e.method)) + " " + std::string(e.pattern);
    const json::value* item = doc.at("paths").as_object().if_contains(e.pattern);
    if (item == nullptr) continue;  // reported by ServesTheOpenApiDocumentCoveringEveryRoute
    const json::value* operation = item->as_object().if_contains(Lower(NameOf(e.method)));
    if (operation == nullptr) continue;
    const json::value* security = operation->as_object().if_contains("security");
    ASSERT_NE(security, nullptr) << name << " has no security requirements";
    bool anonymous = false;
    bool beneficiary = false;
    bool mailgate = false;
    std::set<std::string> bearer_roles, cookie_roles;
    bool bearer = false, cookie = false;
    for (const auto& requirement : security->as_array()) {
      const auto& r = requirement.as_object();
      if (r.empty()) anonymous = true;
      for (const auto& [scheme, roles] : r) {
        std::set<std::string> names;
        for (const auto& role : roles.as_array()) names.insert(std::string(role.as_string()));
        if (scheme == "accessCode") {
          beneficiary = true;
        } else if (scheme == "mailgateSecret") {
          mailgate = true;
        } else if (scheme == "bearerToken") {
          bearer = true;
          bearer_roles = names;
        } else if (scheme == "sessionCookie") {
          cookie = true;
          cookie_roles = names;
        } else {
          ADD_FAILURE() << name << ": unknown security scheme " << scheme;
        }
      }
    }
    std::set<std::string> roles;
    for (domain::Role role : e.access.roles) roles.insert(std::string(domain::NameOf(role)));
    EXPECT_EQ(anonymous, e.access.anonymous) << name << ": anonymous ({})";
    EXPECT_EQ(beneficiary, e.access.beneficiary) << name << ": accessCode";
    EXPECT_EQ(mailgate, e.access.mailgate) << name << ": mailgateSecret";
    EXPECT_EQ(bearer, !roles.empty()) << name << ": bearerToken";
    EXPECT_EQ(cookie, !roles.empty()) << name << ": sessionCookie";
    EXPECT_EQ(bearer_roles, roles) << name << ": the roles of bearerToken";
    EXPECT_EQ(cookie_roles, roles) << name << ": the roles of sessionCookie";
  }
}

// The refusals the guard can give, documented where they can happen: 401 everywhere (a bad
// token is refused even where none is needed), 403 wherever some caller is refused for their
// role, for an access code, or for a cross-site cookie; 404 wherever the path names something.
TEST_F(ApiTest, TheOpenApiDocumentsTheRefusalsEachOperationCanGive) {
  const json::value doc = Send(bhttp::verb::get, "/api/v1/openapi.json").Json();
  const std::size_t all_roles = domain::TermsOf<domain::Role>().size();
  for (const api::Endpoint& e : api::Endpoints()) {
    const std::string name = std::string(NameOf(e.method)) + " " + std::string(e.pattern);
    const json::value* item = doc.at("paths").as_object().if_contains(e.pattern);
    if (item == nullptr) continue;  // reported by ServesTheOpenApiDocumentCoveringEveryRoute
    const json::value* operation = item->as_object().if_contains(Lower(NameOf(e.method)));
    if (operation == nullptr) continue;
    const json::object& responses = operation->at("responses").as_object();
    const bool unsafe = e.method != Method::kGet && e.method != Method::kHead;
    const bool forbids = e.access.roles.size() != all_roles ||
                         (!e.access.beneficiary && !e.access.anonymous) ||
                         (unsafe && !e.access.roles.empty());
    EXPECT_TRUE(responses.contains("401")) << name;
    EXPECT_EQ(responses.contains("403"), forbids) << name;
    if (e.pattern.find('{') != std::string_view::npos) {
      EXPECT_TRUE(responses.contains("404")) << name;
    }
  }
}

TEST_F(ApiTest, SubmittingAnswers201WithLocationReferenceAndAccessCode) {
  const Reply reply = Post(kValidBody);
  ASSERT_EQ(reply.status, 201u) << reply.body;
  const json::object body = reply.Json().as_object();
  const std::string reference(body.at("reference").as_string());
  EXPECT_TRUE(domain::ParseReference(reference).has_value()) << reference;
  EXPECT_EQ(reference.substr(0, 7), "C-2026-");
  EXPECT_EQ(reply.Header("Location"), "/api/v1/cases/" + reference);
  EXPECT_EQ(body.at("status"), "received");
  EXPECT_EQ(body.at("status_label"), "مستلمة");
  EXPECT_EQ(body.at("kind"), "complaint");
  EXPECT_EQ(body.at("received_at"), "2026-05-05T08:00:00.000Z");
  EXPECT_EQ(body.at("access_code").as_string().size(), 14u);
}

TEST_F(ApiTest, TheBeneficiaryReadsTheCaseWithTheAccessCode) {
  const json::value receipt = Post(kValidBody).Json();
  const std::string reference(receipt.at("reference").as_string());
  const std::string code(receipt.at("access_code").as_string());
  const Reply reply = Send(bhttp::verb::get, "/api/v1/cases/" + reference, {},
                           {{"X-Access-Code", code}, {"Accept-Language", "en"}});
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const json::value view = reply.Json();
  EXPECT_EQ(view.at("reference"), reference.c_str());
  EXPECT_EQ(view.at("status_label"), "received");
  EXPECT_EQ(view.at("subject"), "تأخر صرف المستخلص");
  const auto& timeline = view.at("timeline").as_array();
  ASSERT_EQ(timeline.size(), 1u);
  EXPECT_EQ(timeline[0].at("type"), "received");
  // The beneficiary's view carries no personal data and no staff identities.
  EXPECT_EQ(reply.body.find("0551234567"), std::string::npos);
  EXPECT_EQ(reply.body.find("+966551234567"), std::string::npos);
  EXPECT_FALSE(view.as_object().contains("beneficiary"));
}

TEST_F(ApiTest, WrongCodeAndUnknownReferenceGetTheSame404) {
  const json::value receipt = Post(kValidBody).Json();
  const std::string reference(receipt.at("reference").as_string());
  const std::string unknown = domain::Reference{'C', 2026, 999, 6}.ToString();
  std::vector<Reply> replies = {
      Send(bhttp::verb::get, "/api/v1/cases/" + reference, {},
           {{"X-Access-Code", "2222-2222-2222"}}),
      Send(bhttp::verb::get, "/api/v1/cases/" + unknown, {},
           {{"X-Access-Code", std::string(receipt.at("access_code").as_string())}}),
      Send(bhttp::verb::get, "/api/v1/cases/" + unknown, {}, {{"X-Access-Code", "2222-2222-2222"}}),
  };
  auto without_id = [](const Reply& reply) {
    json::object body = reply.Json().as_object();
    body.erase("request_id");
    return body;
  };
  for (const Reply& reply : replies) {
    EXPECT_EQ(reply.status, 404u);
    EXPECT_EQ(reply.Header("Content-Type"), "application/problem+json");
    EXPECT_EQ(without_id(reply), without_id(replies[0]));
  }
}

// Without any credentials the answer is 401 whether or not the case exists, so it tells nothing.
TEST_F(ApiTest, ReadingACaseWithoutCredentialsIs401WhetherOrNotItExists) {
  const json::value receipt = Post(kValidBody).Json();
  const std::string reference(receipt.at("reference").as_string());
  const std::string unknown = domain::Reference{'C', 2026, 999, 6}.ToString();
  const Reply known_reply = Send(bhttp::verb::get, "/api/v1/cases/" + reference);
  const Reply unknown_reply = Send(bhttp::verb::get, "/api/v1/cases/" + unknown);
  for (const Reply* reply : {&known_reply, &unknown_reply}) {
    EXPECT_EQ(reply->status, 401u);
    EXPECT_EQ(reply->Header("Content-Type"), "application/problem+json");
    EXPECT_EQ(reply->Header("WWW-Authenticate"), "Bearer realm=\"shakwa\"");
    EXPECT_EQ(reply->Json().at("code"), "sign_in_required");
  }
}

TEST_F(ApiTest, AReferenceFailingItsCheckDigitIs400) {
  std::string reference = domain::Reference{'C', 2026, 1, 6}.ToString();
  reference.back() = reference.back() == '9' ? '0' : static_cast<char>(reference.back() + 1);
  const Reply reply = Send(bhttp::verb::get, "/api/v1/cases/" + reference, {},
                           {{"X-Access-Code", "2222-2222-2222"}});
  EXPECT_EQ(reply.status, 400u);
  EXPECT_EQ(reply.Json().at("code"), "malformed_reference");
}

TEST_F(ApiTest, MalformedJsonAndInvalidUtf8Are400) {
  for (const std::string& body :
       {std::string("{bad json"), std::string("{\"subject\":\"\xC3\x28\"}"), std::string("[1,2,3]"),
        std::string("\"just a string\"")}) {
    const Reply reply = Post(body);
    EXPECT_EQ(reply.status, 400u) << body;
    EXPECT_EQ(reply.Header("Content-Type"), "application/problem+json");
    EXPECT_FALSE(reply.Json().at("request_id").as_string().empty());
  }
}

TEST_F(ApiTest, AContentTypeOtherThanJsonIs415) {
  const Reply reply = Send(bhttp::verb::post, "/api/v1/cases", kValidBody, {}, "text/plain");
  EXPECT_EQ(reply.status, 415u);
  const Reply with_charset =
      Send(bhttp::verb::post, "/api/v1/cases", kValidBody, {}, "application/json; charset=utf-8");
  EXPECT_EQ(with_charset.status, 201u);
}

TEST_F(ApiTest, ABodyOverOneMebibyteIs413AndTheServerKeepsServing) {
  std::string big(1024 * 1024 + 1, ' ');
  big.front() = '{';
  big.back() = '}';
  const Reply reply = Post(big);
  EXPECT_EQ(reply.status, 413u);
  EXPECT_EQ(reply.Json().at("code"), "payload_too_large");
  EXPECT_EQ(Post(kValidBody).status, 201u);
}

TEST_F(ApiTest, InvalidFieldsAre422NamingEachField) {
  json::object body = json::parse(kValidBody).as_object();
  body["kind"] = "complain";
  body["description"] = std::string(20001, 'x');
  body["beneficiary"].as_object()["email"] = "not-an-email";
  body["beneficiary"].as_object()["name"] = 42;
  body["surprise"] = true;
  const Reply reply = Post(json::serialize(body), {{"Accept-Language", "en"}});
  ASSERT_EQ(reply.status, 422u) << reply.body;
  const auto fields = Fields(reply);
  for (const char* field :
       {"kind", "description", "beneficiary.email", "beneficiary.name", "surprise"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), field), fields.end()) << field;
  }
  const json::value problem = reply.Json();
  for (const auto& e : problem.at("errors").as_array()) {
    if (e.at("field") == "description") {
      EXPECT_EQ(e.at("message"), "Longer than the limit of 20000 characters");
    }
  }
}

TEST_F(ApiTest, ErrorsAreInArabicByDefaultAndEnglishOnRequest) {
  const Reply arabic = Post("{}");
  const Reply english = Post("{}", {{"Accept-Language", "en-US,en;q=0.9"}});
  ASSERT_EQ(arabic.status, 422u);
  EXPECT_EQ(arabic.Json().at("title"), "بعض الحقول غير صحيحة؛ راجع قائمة الأخطاء");
  EXPECT_EQ(arabic.Header("Content-Language"), "ar");
  EXPECT_EQ(english.Json().at("title"), "Some fields are not valid; see the list of errors");
  EXPECT_EQ(english.Header("Content-Language"), "en");
}

TEST_F(ApiTest, RejectedInputChangesNothing) {
  for (int i = 0; i < 20; ++i) Post(R"({"kind":"complaint"})");
  EXPECT_EQ(Post("{bad").status, 400u);
  const json::value receipt = Post(kValidBody).Json();
  // The first accepted case still gets the first number: nothing was stored before it.
  const std::string first = domain::Reference{'C', 2026, 1, 6}.ToString();
  EXPECT_EQ(receipt.at("reference"), first.c_str());
}

TEST_F(ApiTest, UnknownRoutesAre404AndWrongMethods405WithAllow) {
  EXPECT_EQ(Send(bhttp::verb::get, "/nowhere").status, 404u);
  const Reply reply = Send(bhttp::verb::delete_, "/api/v1/cases");
  EXPECT_EQ(reply.status, 405u);
  EXPECT_EQ(reply.Header("Allow"), "POST, GET");
}

TEST_F(ApiTest, AStorageFailureIs503AndTheServerRecovers) {
  store_.FailWrites(true);
  const Reply failed = Post(kValidBody);
  EXPECT_EQ(failed.status, 503u);
  EXPECT_EQ(failed.Json().at("code"), "storage_unavailable");
  EXPECT_EQ(failed.Header("Retry-After"), "1");
  store_.FailWrites(false);
  EXPECT_EQ(Post(kValidBody).status, 201u);
}

TEST_F(ApiTest, EchoesAClientRequestIdAndLogsOneLinePerRequest) {
  const Reply reply = Send(bhttp::verb::get, "/healthz", {}, {{"X-Request-Id", "trace-abc.123"}});
  EXPECT_EQ(reply.Header("X-Request-Id"), "trace-abc.123");
  const Reply generated = Send(bhttp::verb::get, "/healthz", {}, {{"X-Request-Id", "bad id!"}});
  EXPECT_NE(generated.Header("X-Request-Id"), "bad id!");
  EXPECT_EQ(generated.Header("X-Request-Id").size(), 16u);
  Post(kValidBody);
  // The access log line is written after the response; give the server a moment.
  for (int i = 0; i < 100 && log_.Lines().size() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto lines = log_.Lines();
  ASSERT_EQ(lines.size(), 3u);
  // Lines are written as responses finish, on any I/O thread: look them up, not by position.
  auto line_of = [&](auto predicate) {
    return std::count_if(lines.begin(), lines.end(), predicate);
  };
  EXPECT_EQ(line_of([](const auto& l) {
              return l.request_id == "trace-abc.123" && l.path == "/healthz" && l.status == 200;
            }),
            1);
  EXPECT_EQ(line_of([](const auto& l) {
              return l.method == "POST" && l.path == "/api/v1/cases" && l.status == 201;
            }),
            1);
}

TEST_F(ApiTest, ConcurrentSubmissionsGetDistinctReferences) {
  std::vector<std::thread> clients;
  std::mutex mutex;
  std::set<std::string> references;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        const Reply reply = Post(kValidBody);
        ASSERT_EQ(reply.status, 201u);
        std::lock_guard lock(mutex);
        references.insert(std::string(reply.Json().at("reference").as_string()));
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(references.size(), 80u);
}

TEST_F(ApiTest, SignInAnswersATokenAndAnHttpOnlySameSiteSessionCookie) {
  AddStaff("noura@centre.example", domain::Role::kAgent);
  const Reply reply = SignIn("Noura@Centre.example");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const json::object body = reply.Json().as_object();
  const std::string token(body.at("token").as_string());
  EXPECT_GE(token.size(), 40u);
  EXPECT_EQ(body.at("user").at("email"), "noura@centre.example");
  EXPECT_EQ(body.at("user").at("role"), "agent");
  EXPECT_EQ(body.at("expires_at"), "2026-05-05T20:00:00.000Z");  // twelve hours
  const std::string cookie = reply.Header("Set-Cookie");
  EXPECT_EQ(cookie.rfind("shakwa_session=" + token + ";", 0), 0u) << cookie;
  for (const char* attribute : {"; Path=/", "; HttpOnly", "; SameSite=Strict", "; Max-Age=43200"}) {
    EXPECT_NE(cookie.find(attribute), std::string::npos) << attribute << " in " << cookie;
  }
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "not served over TLS here";

  const Reply me =
      Send(bhttp::verb::get, "/api/v1/auth/me", {}, {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(me.status, 200u) << me.body;
  EXPECT_EQ(me.Json().at("email"), "noura@centre.example");
}

TEST_F(ApiTest, AWrongPasswordAndAnUnknownEmailGetTheSame401) {
  AddStaff("noura@centre.example", domain::Role::kAgent);
  const Reply wrong = SignIn("noura@centre.example", "not the password 1");
  const Reply unknown = SignIn("nobody@centre.example");
  for (const Reply* reply : {&wrong, &unknown}) {
    EXPECT_EQ(reply->status, 401u);
    EXPECT_EQ(reply->Json().at("code"), "invalid_credentials");
    EXPECT_TRUE(reply->Header("Set-Cookie").empty());
  }
}

TEST_F(ApiTest, RepeatedWrongPasswordsLockTheAccountWith429AndRetryAfter) {
  AddStaff("noura@centre.example", domain::Role::kAgent);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(SignIn("noura@centre.example", "not the password 1").status, 401u) << i;
  }
  const Reply locked = SignIn("noura@centre.example");  // even the right password
  EXPECT_EQ(locked.status, 429u) << locked.body;
  EXPECT_EQ(locked.Json().at("code"), "account_locked");
  EXPECT_EQ(locked.Header("Retry-After"), "900");  // fifteen minutes
  clock_.Set(testing::At("2026-05-05T08:16:00Z"));
  EXPECT_EQ(SignIn("noura@centre.example").status, 200u);
}

TEST_F(ApiTest, SignInNeedsBothFields) {
  const Reply reply =
      Send(bhttp::verb::post, "/api/v1/auth/login", R"({"email":"a@b.example","extra":1})");
  ASSERT_EQ(reply.status, 422u) << reply.body;
  const auto fields = Fields(reply);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "password"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "extra"), fields.end());
}

class ApiTestOverTls : public ApiTest {
 protected:
  ApiTestOverTls() { secure_cookies_ = true; }
};

TEST_F(ApiTestOverTls, TheSessionCookieIsSecureWhenServedOverTls) {
  AddStaff("noura@centre.example", domain::Role::kAgent);
  const Reply reply = SignIn("noura@centre.example");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  EXPECT_NE(reply.Header("Set-Cookie").find("; Secure"), std::string::npos);
}

}  // namespace
}  // namespace shakwa::http
