// A blocking HTTP/1.1 client for the in-process HTTP tests: one request per connection to a
// server on 127.0.0.1, and the reply with its status, body and headers. Also a log that drops
// every access record, for servers whose log the test does not read.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/server.hpp"

namespace shakwa::testing {

class NullLog final : public http::AccessLog {
 public:
  void Record(const http::AccessRecord&) override {}
};

struct Reply {
  unsigned status = 0;
  std::string body;
  boost::beast::http::fields headers;
  boost::json::value Json() const { return boost::json::parse(body); }
  std::string Header(std::string_view name) const { return std::string(headers[name]); }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// Sends one request to 127.0.0.1:port (Host: host) and reads the whole reply. A body gets
// content_type. If the server stops reading early (a body it refuses), the reply it sent is still
// read.
inline Reply Send(unsigned short port, boost::beast::http::verb method, const std::string& target,
                  const std::string& body = {}, const Headers& headers = {},
                  const std::string& content_type = "application/json",
                  const std::string& host = "127.0.0.1") {
  namespace beast = boost::beast;
  namespace bhttp = beast::http;
  using tcp = boost::asio::ip::tcp;
  boost::asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  bhttp::request<bhttp::string_body> request{method, target, 11};
  request.set(bhttp::field::host, host);
  if (!body.empty()) request.set(bhttp::field::content_type, content_type);
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  beast::error_code written;
  bhttp::write(stream, request, written);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> response;
  bhttp::read(stream, buffer, response);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  Reply reply{response.result_int(), response.body(), {}};
  for (const auto& field : response) reply.headers.set(field.name_string(), field.value());
  return reply;
}

}  // namespace shakwa::testing
