#include "http/exchange.hpp"

#include <cctype>
#include <cstdlib>

#include "domain/text.hpp"

namespace shakwa::http {

std::string_view NameOf(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto semi = rest.find(';');
      const std::string_view pair = domain::Trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      const auto eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
        return std::string(pair.substr(eq + 1));
      }
    }
  }
  return std::nullopt;
}

domain::Language NegotiateLanguage(std::string_view header) {
  domain::Language best = domain::Language::kArabic;
  double best_q = -1;
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    double q = 1.0;
    if (const auto semi = item.find(';'); semi != std::string_view::npos) {
      std::string_view params = item.substr(semi + 1);
      item = item.substr(0, semi);
      if (const auto at = params.find("q="); at != std::string_view::npos) {
        q = std::strtod(std::string(params.substr(at + 2)).c_str(), nullptr);
      }
    }
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    std::string tag(item.substr(0, item.find('-')));
    for (char& c : tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    domain::Language language;
    if (tag == "ar") {
      language = domain::Language::kArabic;
    } else if (tag == "en") {
      language = domain::Language::kEnglish;
    } else {
      continue;
    }
    if (q > best_q) {
      best = language;
      best_q = q;
    }
  }
  return best;
}

}  // namespace shakwa::http
