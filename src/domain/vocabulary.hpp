// Closed vocabularies: an enumeration with a stable wire name per value (the snake_case word of
// DOMAIN.md, used in the API and the database) and Arabic and English labels for people.
//
// Each vocabulary specialises TermsOf<E>() in its own header (case.hpp, handling.hpp, staff.hpp).
//
// Thread safety: immutable tables; every function here is safe from any thread.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/messages.hpp"

namespace shakwa::domain {

// A vocabulary entry: the enumerator, its wire name, and how people read it.
template <typename E>
struct Term {
  E value;
  std::string_view name;
  std::string_view arabic;
  std::string_view english;
};

// The vocabularies, by type: TermsOf<CaseKind>() and so on.
template <typename E>
std::span<const Term<E>> TermsOf();
// Lookups by enumerator and by wire name, for any vocabulary above.
template <typename E>
const Term<E>& TermOf(E value) {
  for (const auto& t : TermsOf<E>()) {
    if (t.value == value) return t;
  }
  return TermsOf<E>().front();  // unreachable while every enumerator has a row (tested)
}
template <typename E>
std::string_view NameOf(E value) {
  return TermOf(value).name;
}
template <typename E>
std::string_view LabelOf(E value, Language language) {
  return language == Language::kArabic ? TermOf(value).arabic : TermOf(value).english;
}
template <typename E>
std::optional<E> FromName(std::string_view name) {
  for (const auto& t : TermsOf<E>()) {
    if (t.name == name) return t.value;
  }
  return std::nullopt;
}
// "a, b, c": the wire names, for messages that list what is allowed.
template <typename E>
std::string NamesOf() {
  std::string out;
  for (const auto& t : TermsOf<E>()) {
    if (!out.empty()) out += ", ";
    out += t.name;
  }
  return out;
}

}  // namespace shakwa::domain
