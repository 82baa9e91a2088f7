#include "http/server.hpp"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "http/problem.hpp"

namespace shakwa::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

namespace {

Method MethodOf(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

// A client's own request id is kept if it is short and plain, so that their logs and ours join.
bool UsableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string NewRequestId() {
  // Not a secret, only unique enough to find one request in the logs.
  thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  std::uint64_t bits = generator();
  for (char& c : id) {
    c = kHex[bits & 0xF];
    bits >>= 4;
  }
  return id;
}

class Session;

}  // namespace

class Server::Impl {
 public:
  Impl(ServerSettings s, const Router& r, AccessLog& l)
      : settings(std::move(s)),
        router(r),
        log(l),
        ioc(std::max(1, settings.io_threads)),
        blocking(static_cast<std::size_t>(std::max(1, settings.blocking_threads))),
        control(net::make_strand(ioc)),
        acceptor(control),
        accept_pause(control),
        drain_timer(control) {}

  void DoAccept();
  void BeginDrain();
  void CheckDrained();
  void Register(const std::shared_ptr<Session>& session);
  void Unregister(Session* session);

  const ServerSettings settings;
  const Router& router;
  AccessLog& log;
  net::io_context ioc;
  net::thread_pool blocking;
  // The acceptor, the signals, the timers and the drain all run on this one strand: with several
  // I/O threads, an accept completing on one while shutdown closes the acceptor on another would
  // be a data race (ThreadSanitizer found it).
  net::strand<net::io_context::executor_type> control;
  tcp::acceptor acceptor;
  std::optional<net::signal_set> signals;
  net::steady_timer accept_pause;
  net::steady_timer drain_timer;
  std::chrono::steady_clock::time_point drain_deadline;
  std::atomic<bool> draining{false};

  std::mutex sessions_mutex;
  std::map<Session*, std::weak_ptr<Session>> sessions;  // GUARDED_BY(sessions_mutex)
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Server::Impl& server)
      : stream_(std::move(socket)), server_(server) {
    // Beast reads into whatever room the buffer has; left at its default 512 bytes, a 1.5 KB
    // intake takes four or five reads (and as many epoll and timer updates). Measured in bench/.
    buffer_.reserve(8 * 1024);
  }
  ~Session() { server_.Unregister(this); }

  void Start() {
    server_.Register(shared_from_this());
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::DoRead, shared_from_this()));
  }

  // On shutdown: an idle connection is closed now; a busy one after its response.
  void Drain() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->Close();
    });
  }

 private:
  void DoRead() {
    if (server_.draining) {
      Close();
      return;
    }
    parser_.emplace();
    // The header first, under the larger of the two limits (Beast checks Content-Length against
    // it while reading the header); the body's own limit is chosen once the type is known.
    body_limit_ = std::max(server_.settings.max_body_bytes, server_.settings.max_upload_bytes);
    parser_->body_limit(body_limit_);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(server_.settings.read_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t bytes) {
    if (ec) {
      OnRead(ec, bytes);
      return;
    }
    const std::string_view type = parser_->get()[bhttp::field::content_type];
    // Files come as multipart uploads, and as whole e-mails through the mail gate.
    const bool files = type.substr(0, 19) == "multipart/form-data" || type == "message/rfc822";
    body_limit_ = files ? server_.settings.max_upload_bytes : server_.settings.max_body_bytes;
    parser_->body_limit(body_limit_);
    // A declared length over the limit is refused before a byte of the body is read.
    if (const auto length = parser_->content_length(); length && *length > body_limit_) {
      OnRead(bhttp::error::body_limit, bytes);
      return;
    }
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::bad_descriptor) {
      Close();
      return;
    }
    stream_.expires_never();
    busy_ = true;
    BuildRequest();
    if (ec) {
      // After a broken request the stream cannot be trusted for the next one: answer and close.
      keep_alive_ = false;
      linger_ = true;
      const bool too_large = ec == bhttp::error::body_limit;
      domain::Error error = domain::Error::Of(
          too_large ? domain::ErrorCode::kPayloadTooLarge : domain::ErrorCode::kMalformedRequest,
          too_large ? domain::MessageId::kPayloadTooLarge : domain::MessageId::kBadHttpRequest,
          ec.message());
      if (too_large) error.message_param = std::to_string(body_limit_);
      Write(Problem(error, request_));
      return;
    }
    keep_alive_ = parser_->get().keep_alive();
    request_.body = std::move(parser_->get().body());

    auto match = server_.router.Find(request_.method, request_.path);
    try {
      if (match.handler == nullptr) {
        domain::Error error =
            match.allowed.empty()
                ? domain::Error::Of(domain::ErrorCode::kNotFound, domain::MessageId::kRouteNotFound)
                : domain::Error::Of(domain::ErrorCode::kMethodNotAllowed,
                                    domain::MessageId::kMethodNotAllowed);
        error.message_param = match.allowed;
        Response response = Problem(error, request_);
        if (!match.allowed.empty()) response.headers.emplace_back("Allow", match.allowed);
        Write(std::move(response));
        return;
      }
      request_.path_params = std::move(match.params);
      (*match.handler)(request_, MakeResponder());
    } catch (const std::exception& e) {
      if (responded_->exchange(true)) return;  // it answered before it threw
      Write(Problem(domain::Error::Of(domain::ErrorCode::kInternal,
                                      domain::MessageId::kInternalError, e.what()),
                    request_));
    }
  }

  void BuildRequest() {
    const auto& message = parser_->get();
    request_ = Request{};
    request_.method = MethodOf(message.method());
    const std::string_view target = message.target();
    const auto question = target.find('?');
    request_.path = std::string(target.substr(0, question));
    if (question != std::string_view::npos)
      request_.query = std::string(target.substr(question + 1));
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request_.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    const std::string_view client_id = request_.Header("x-request-id");
    request_.request_id = UsableRequestId(client_id) ? std::string(client_id) : NewRequestId();
    request_.language = NegotiateLanguage(request_.Header("accept-language"));
    request_.received = std::chrono::steady_clock::now();
    request_.draining = server_.draining;
    request_.blocking = [&server = server_](std::function<void()> work) {
      net::post(server.blocking, std::move(work));
    };
    responded_ = std::make_shared<std::atomic<bool>>(false);
  }

  Respond MakeResponder() {
    return [self = shared_from_this(), once = responded_](Response response) {
      if (once->exchange(true)) return;  // a second answer to one request is a bug; drop it
      net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->Write(std::move(response));
      });
    };
  }

  void Write(Response r) {
    response_ = {};
    response_.version(11);
    response_.result(r.status);
    response_.set(bhttp::field::server, "shakwa");
    response_.set(bhttp::field::content_type, r.content_type);
    response_.set("X-Request-Id", request_.request_id);
    response_.set("X-Content-Type-Options", "nosniff");
    response_.set(bhttp::field::cache_control, "no-store");
    // A handler's header replaces the default above; Set-Cookie may come several times.
    for (auto& [name, value] : r.headers) {
      if (bhttp::string_to_field(name) == bhttp::field::set_cookie) {
        response_.insert(name, value);
      } else {
        response_.set(name, value);
      }
    }
    if (request_.method != Method::kHead) response_.body() = std::move(r.body);
    response_.keep_alive(keep_alive_ && !server_.draining);
    response_.prepare_payload();
    status_ = r.status;
    bhttp::async_write(stream_, response_,
                       beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, std::size_t /*bytes*/) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - request_.received);
    server_.log.Record(
        AccessRecord{request_.request_id, request_.method, request_.path, status_, elapsed});
    busy_ = false;
    if (!ec && linger_) {
      LingeringClose();
      return;
    }
    if (ec || !response_.keep_alive()) {
      Close();
      return;
    }
    DoRead();
  }

  // The client of a refused request (a body over the limit) may still be sending it. Closing at
  // once would answer its data with a reset, which can destroy the 413 in its receive buffer
  // before it reads it. So: half-close, then read and drop what still comes, for two seconds at
  // most, as HTTP servers' "lingering close" does.
  void LingeringClose() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    Discard();
  }

  void Discard() {
    discard_.resize(16384);
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) {
                                beast::error_code ignored;
                                self->stream_.socket().close(ignored);
                                return;
                              }
                              self->Discard();
                            });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::size_t body_limit_ = 0;  // of the request being read
  Request request_;
  bhttp::response<bhttp::string_body> response_;
  std::shared_ptr<std::atomic<bool>> responded_;  // one per request, made in BuildRequest()
  unsigned status_ = 0;
  bool keep_alive_ = true;
  bool linger_ = false;        // close with LingeringClose after this response
  std::vector<char> discard_;  // what a lingering close reads and drops
  bool busy_ = false;          // between reading a request and writing its response
  Server::Impl& server_;
};

}  // namespace

void Server::Impl::DoAccept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (!ec) {
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Session>(std::move(socket), *this)->Start();
    }
    if (!acceptor.is_open() || draining) return;
    if (ec && ec != net::error::connection_aborted) {
      // Out of descriptors or memory: accepting again at once would spin a core until a
      // connection closes. Pause briefly; the backlog holds new connections meanwhile.
      accept_pause.expires_after(std::chrono::milliseconds(50));
      accept_pause.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && acceptor.is_open() && !draining) DoAccept();
      });
      return;
    }
    DoAccept();
  });
}

void Server::Impl::BeginDrain() {
  if (draining.exchange(true)) return;
  beast::error_code ignored;
  acceptor.close(ignored);
  accept_pause.cancel();
  if (signals) signals->cancel(ignored);
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mutex);
    for (auto& [raw, weak] : sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  for (auto& session : live) session->Drain();
  drain_deadline = std::chrono::steady_clock::now() + settings.shutdown_grace;
  CheckDrained();
}

void Server::Impl::CheckDrained() {
  bool empty = false;
  {
    std::lock_guard lock(sessions_mutex);
    empty = sessions.empty();
  }
  if (empty || std::chrono::steady_clock::now() >= drain_deadline) {
    ioc.stop();
    return;
  }
  drain_timer.expires_after(std::chrono::milliseconds(10));
  drain_timer.async_wait([this](beast::error_code) { CheckDrained(); });
}

void Server::Impl::Register(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(sessions_mutex);
  sessions.emplace(session.get(), session);
}

void Server::Impl::Unregister(Session* session) {
  std::lock_guard lock(sessions_mutex);
  sessions.erase(session);
}

Server::Server(ServerSettings settings, const Router& router, AccessLog& log)
    : impl_(std::make_unique<Impl>(std::move(settings), router, log)) {}

Server::~Server() {
  impl_->ioc.stop();
  impl_->blocking.join();
}

domain::Result<std::uint16_t> Server::Listen() {
  auto fail = [&](const std::string& what, const beast::error_code& ec) {
    return domain::Error::Of(domain::ErrorCode::kUnavailable, domain::MessageId::kInternalError,
                             "cannot listen on " + impl_->settings.host + ":" +
                                 std::to_string(impl_->settings.port) + ": " + what + ": " +
                                 ec.message());
  };
  beast::error_code ec;
  const auto address = net::ip::make_address(impl_->settings.host, ec);
  if (ec) return fail("bad address", ec);
  const tcp::endpoint endpoint(address, impl_->settings.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("open", ec);
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  acceptor.bind(endpoint, ec);
  if (ec) return fail("bind", ec);
  acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen", ec);
  return acceptor.local_endpoint().port();
}

void Server::Run() {
  if (impl_->settings.handle_signals) {
    impl_->signals.emplace(impl_->control, SIGINT, SIGTERM);
    impl_->signals->async_wait([this](beast::error_code ec, int) {
      if (!ec) impl_->BeginDrain();
    });
  }
  net::post(impl_->control, [this] { impl_->DoAccept(); });
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->settings.io_threads; ++i) {
    threads.emplace_back([this] { impl_->ioc.run(); });
  }
  impl_->ioc.run();
  for (auto& t : threads) t.join();
  // Reads still running on the pool finish before the caller closes the store under them.
  impl_->blocking.join();
}

void Server::Shutdown() {
  net::post(impl_->control, [this] { impl_->BeginDrain(); });
}

bool Server::draining() const {
  return impl_->draining;
}

}  // namespace shakwa::http
