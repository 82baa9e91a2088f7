#include "http/router.hpp"

namespace shakwa::http {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
  }
  return out;
}

// "%D9%A1" -> the bytes they stand for; a malformed escape is kept as it is, and the handler
// then refuses the value as it would any other bad input.
std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

void Router::Add(Method method, std::string_view pattern, Handler handler) {
  Route route{method, {}, std::move(handler)};
  for (std::string_view segment : Split(pattern)) route.segments.emplace_back(segment);
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(Method method, std::string_view path) const {
  const auto segments = Split(path);
  Match result;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string, std::less<>> params;
    bool matches = true;
    for (std::size_t i = 0; i < segments.size() && matches; ++i) {
      const std::string& want = route.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        params.emplace(want.substr(1, want.size() - 2), PercentDecode(segments[i]));
      } else {
        matches = want == segments[i];
      }
    }
    if (!matches) continue;
    // HEAD is answered by the GET handler (the server drops the body).
    if (route.method == method || (method == Method::kHead && route.method == Method::kGet)) {
      result.handler = &route.handler;
      result.params = std::move(params);
      return result;
    }
    if (!result.allowed.empty()) result.allowed += ", ";
    result.allowed += NameOf(route.method);
  }
  return result;
}

}  // namespace shakwa::http
