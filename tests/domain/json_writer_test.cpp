#include "domain/json_writer.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace shakwa::domain {
namespace {

// A strict reader of the JSON this writer makes (RFC 8259: no raw control characters in strings,
// only the standard escapes), so the tests check that the output parses, not just how it looks.
// Objects keep their members in order; numbers are integers.
struct Json;
using JsonObject = std::vector<std::pair<std::string, Json>>;
using JsonArray = std::vector<Json>;
struct Json {
  std::variant<std::nullptr_t, bool, std::int64_t, std::string, JsonArray, JsonObject> value;
};

class StrictReader {
 public:
  explicit StrictReader(std::string_view text) : text_(text) {}

  // The value of the whole text, or nullopt if it is not exactly one JSON value.
  std::optional<Json> ReadAll() {
    auto value = Value();
    SkipSpace();
    if (!value || pos_ != text_.size()) return std::nullopt;
    return value;
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool Word(std::string_view w) {
    if (text_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }
  std::optional<Json> Value() {
    SkipSpace();
    if (pos_ >= text_.size()) return std::nullopt;
    const char c = text_[pos_];
    if (c == '{') return Object();
    if (c == '[') return Array();
    if (c == '"') {
      auto s = String();
      if (!s) return std::nullopt;
      return Json{*s};
    }
    if (Word("true")) return Json{true};
    if (Word("false")) return Json{false};
    if (Word("null")) return Json{nullptr};
    return Number();
  }
  std::optional<Json> Number() {
    const std::size_t start = pos_;
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    const std::size_t digits = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    if (pos_ == digits) return std::nullopt;
    if (text_[digits] == '0' && pos_ - digits > 1) return std::nullopt;  // no leading zeros
    return Json{
        static_cast<std::int64_t>(std::stoll(std::string(text_.substr(start, pos_ - start))))};
  }
  std::optional<Json> Array() {
    ++pos_;
    JsonArray out;
    if (Eat(']')) return Json{out};
    do {
      auto v = Value();
      if (!v) return std::nullopt;
      out.push_back(std::move(*v));
    } while (Eat(','));
    if (!Eat(']')) return std::nullopt;
    return Json{out};
  }
  std::optional<Json> Object() {
    ++pos_;
    JsonObject out;
    if (Eat('}')) return Json{out};
    do {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return std::nullopt;
      auto key = String();
      if (!key || !Eat(':')) return std::nullopt;
      auto v = Value();
      if (!v) return std::nullopt;
      out.emplace_back(std::move(*key), std::move(*v));
    } while (Eat(','));
    if (!Eat('}')) return std::nullopt;
    return Json{out};
  }
  static void AppendUtf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  std::optional<std::string> String() {
    ++pos_;  // the opening quote
    std::string out;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;  // raw control character
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) return std::nullopt;
      const char e = text_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          if (pos_ + 4 > text_.size()) return std::nullopt;
          unsigned cp = 0;
          for (int i = 0; i < 4; ++i) {
            const char h = text_[pos_++];
            cp <<= 4;
            if (h >= '0' && h <= '9') {
              cp |= static_cast<unsigned>(h - '0');
            } else if (h >= 'a' && h <= 'f') {
              cp |= static_cast<unsigned>(h - 'a' + 10);
            } else if (h >= 'A' && h <= 'F') {
              cp |= static_cast<unsigned>(h - 'A' + 10);
            } else {
              return std::nullopt;
            }
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          return std::nullopt;
      }
    }
    return std::nullopt;  // unterminated
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

std::optional<Json> Parse(std::string_view text) {
  return StrictReader(text).ReadAll();
}

// The string a one-member object {key: "…"} holds, after parsing.
std::optional<std::string> RoundTrip(std::string_view value) {
  JsonWriter w;
  w.Add("v", value);
  auto parsed = Parse(w.Finish());
  if (!parsed) return std::nullopt;
  const auto* object = std::get_if<JsonObject>(&parsed->value);
  if (!object || object->size() != 1 || (*object)[0].first != "v") return std::nullopt;
  const auto* s = std::get_if<std::string>(&(*object)[0].second.value);
  if (!s) return std::nullopt;
  return *s;
}

TEST(StrictReader, RefusesWhatIsNotJson) {
  // The reader the other tests trust must itself refuse bad input.
  for (std::string_view bad : {"", "{", "{\"a\":}", "\"a\nb\"", "\"\\x\"", "{\"a\":1,}", "01",
                               "[1 2]", "{a:1}", "\"abc", "{}{}"}) {
    EXPECT_FALSE(Parse(bad).has_value()) << bad;
  }
  EXPECT_TRUE(Parse(R"({"a":[1,-2,"x"],"b":{"c":true,"d":null}})").has_value());
}

// --- JsonQuote ---------------------------------------------------------------------------------

TEST(JsonQuote, QuotesPlainText) {
  EXPECT_EQ(JsonQuote(""), "\"\"");
  EXPECT_EQ(JsonQuote("hello world"), "\"hello world\"");
}

TEST(JsonQuote, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(JsonQuote("say \"no\""), R"("say \"no\"")");
  EXPECT_EQ(JsonQuote(R"(C:\path\)"), R"("C:\\path\\")");
  EXPECT_EQ(JsonQuote(R"(\")"), R"("\\\"")");
}

TEST(JsonQuote, EscapesLineBreaksAndTabsByName) {
  EXPECT_EQ(JsonQuote("a\nb\rc\td"), R"("a\nb\rc\td")");
}

TEST(JsonQuote, EscapesOtherControlCharactersAsUnicode) {
  EXPECT_EQ(JsonQuote(std::string_view("\0", 1)), R"("\u0000")");
  EXPECT_EQ(JsonQuote("\x01"), R"("\u0001")");
  EXPECT_EQ(JsonQuote("\x08\x0c"), R"("\u0008\u000c")");
  EXPECT_EQ(JsonQuote("\x1f"), R"("\u001f")");
}

TEST(JsonQuote, PassesArabicAndOtherTextThrough) {
  EXPECT_EQ(JsonQuote("تأخر صرف المستخلص"), "\"تأخر صرف المستخلص\"");
  EXPECT_EQ(JsonQuote("٠١٢٣ — €"), "\"٠١٢٣ — €\"");
  EXPECT_EQ(JsonQuote("/ < > & '"), "\"/ < > & '\"");
  EXPECT_EQ(JsonQuote("\x7f"), "\"\x7f\"");  // DEL needs no escape in JSON
}

TEST(JsonQuote, EveryAsciiCharacterSurvivesAParse) {
  for (int c = 0; c < 0x80; ++c) {
    const std::string text = "a" + std::string(1, static_cast<char>(c)) + "b";
    EXPECT_EQ(RoundTrip(text), text) << "character " << c;
  }
}

TEST(JsonQuote, MixedTextSurvivesAParse) {
  const std::string text = "ملاحظة: \"عاجل\"\n\tC:\\temp\x01\x1f end";
  EXPECT_EQ(RoundTrip(text), text);
}

// --- JsonWriter --------------------------------------------------------------------------------

TEST(JsonWriter, WritesAnEmptyObject) {
  JsonWriter w;
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(w.Finish(), "{}");
}

TEST(JsonWriter, WritesMembersInTheOrderAdded) {
  JsonWriter w;
  w.Add("z", std::string_view("last?"))
      .Add("a", std::int64_t{-42})
      .Add("m", true)
      .Add("f", false)
      .Add("big", std::int64_t{9007199254740993});
  EXPECT_FALSE(w.empty());
  EXPECT_EQ(w.Finish(), R"({"z":"last?","a":-42,"m":true,"f":false,"big":9007199254740993})");
  EXPECT_TRUE(Parse(w.Finish()).has_value());
}

TEST(JsonWriter, WritesAStringLiteralAsAStringNotABoolean) {
  JsonWriter w;
  w.Add("k", "v");
  EXPECT_EQ(w.Finish(), R"({"k":"v"})");
}

TEST(JsonWriter, SkipsAnAbsentOptionalButKeepsAnEmptyOne) {
  JsonWriter w;
  w.Add("absent", std::optional<std::string>{}).Add("empty", std::optional<std::string>(""));
  w.Add("present", std::optional<std::string>("قسم"));
  EXPECT_EQ(w.Finish(), R"({"empty":"","present":"قسم"})");
}

TEST(JsonWriter, WritesStringArrays) {
  JsonWriter w;
  w.AddStrings("none", {}).AddStrings("remedies", {"apology", "refund", "a \"b\""});
  EXPECT_EQ(w.Finish(), R"({"none":[],"remedies":["apology","refund","a \"b\""]})");
  EXPECT_TRUE(Parse(w.Finish()).has_value());
}

TEST(JsonWriter, NestsRawJson) {
  JsonWriter inner;
  inner.Add("text", std::string_view("نص\n"));
  JsonWriter outer;
  outer.Add("version", std::int64_t{3}).AddRaw("data", inner.Finish());
  EXPECT_EQ(outer.Finish(), R"({"version":3,"data":{"text":"نص\n"}})");
  auto parsed = Parse(outer.Finish());
  ASSERT_TRUE(parsed.has_value());
  const auto& object = std::get<JsonObject>(parsed->value);
  const auto& data = std::get<JsonObject>(object[1].second.value);
  EXPECT_EQ(std::get<std::string>(data[0].second.value), "نص\n");
}

TEST(JsonWriter, EscapesKeysToo) {
  JsonWriter w;
  w.Add("a\"b\n", std::int64_t{1});
  EXPECT_EQ(w.Finish(), R"({"a\"b\n":1})");
  auto parsed = Parse(w.Finish());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(std::get<JsonObject>(parsed->value)[0].first, "a\"b\n");
}

TEST(JsonWriter, GivesTheSameBytesForTheSameChange) {
  auto make = [] {
    JsonWriter w;
    w.Add("kind", "complaint").Add("version", std::int64_t{2}).Add("urgent", false);
    return w.Finish();
  };
  EXPECT_EQ(make(), make());
}

}  // namespace
}  // namespace shakwa::domain
