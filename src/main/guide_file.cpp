#include "main/guide_file.hpp"

#include <toml++/toml.h>

#include <set>
#include <string>
#include <utility>

#include "main/settings.hpp"

namespace shakwa::main {
namespace {

using domain::WorkingHours;

[[noreturn]] void Fail(const std::string& file, const std::string& key, const std::string& what) {
  throw SettingsError("configuration error: " + file + ": " + key + ": " + what);
}

// A TOML table read key by key: every key read is remembered, so that any key left over (a
// typo) is reported instead of silently ignored.
class Reader {
 public:
  Reader(const toml::table& table, std::string file, std::string at)
      : table_(table), file_(std::move(file)), at_(std::move(at)) {}

  std::string Path(std::string_view key) const {
    return at_.empty() ? std::string(key) : at_ + "." + std::string(key);
  }

  const toml::node* Get(std::string_view key) {
    seen_.insert(std::string(key));
    return table_.get(key);
  }

  std::optional<std::string> String(std::string_view key) {
    const toml::node* n = Get(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) Fail(file_, Path(key), "must be a string");
    return *n->value<std::string>();
  }

  std::optional<std::int64_t> Int(std::string_view key, std::int64_t min, std::int64_t max) {
    const toml::node* n = Get(key);
    if (!n) return std::nullopt;
    if (!n->is_integer()) Fail(file_, Path(key), "must be a whole number");
    const std::int64_t v = *n->value<std::int64_t>();
    if (v < min || v > max) {
      Fail(file_, Path(key),
           std::to_string(v) + " is out of range (" + std::to_string(min) + " to " +
               std::to_string(max) + ")");
    }
    return v;
  }

  template <typename E>
  std::optional<E> Term(std::string_view key) {
    auto name = String(key);
    if (!name) return std::nullopt;
    auto value = domain::FromName<E>(*name);
    if (!value) Fail(file_, Path(key), "\"" + *name + "\" is not one of " + domain::NamesOf<E>());
    return value;
  }

  // A sub-table, or nullptr.
  const toml::table* Table(std::string_view key) {
    const toml::node* n = Get(key);
    if (!n) return nullptr;
    if (!n->is_table()) Fail(file_, Path(key), "must be a table");
    return n->as_table();
  }

  // An array of tables ([[key]]); empty if absent.
  std::vector<const toml::table*> Tables(std::string_view key) {
    std::vector<const toml::table*> out;
    const toml::node* n = Get(key);
    if (!n) return out;
    const toml::array* array = n->as_array();
    if (!array) Fail(file_, Path(key), "must be an array of tables ([[" + Path(key) + "]])");
    for (const toml::node& item : *array) {
      if (!item.is_table()) Fail(file_, Path(key), "must be an array of tables");
      out.push_back(item.as_table());
    }
    return out;
  }

  // ["08:00-16:00", …], or nullopt if absent.
  std::optional<std::vector<WorkingHours>> Hours(std::string_view key) {
    const toml::node* n = Get(key);
    if (!n) return std::nullopt;
    const toml::array* array = n->as_array();
    if (!array) Fail(file_, Path(key), "must be a list like [\"08:00-16:00\"]");
    std::vector<WorkingHours> out;
    for (const toml::node& item : *array) {
      auto text = item.value<std::string>();
      auto hours = text ? domain::ParseWorkingHours(*text) : std::nullopt;
      if (!hours) Fail(file_, Path(key), "each entry must be \"HH:MM-HH:MM\"");
      out.push_back(*hours);
    }
    return out;
  }

  void RejectUnknown() const {
    for (const auto& [key, node] : table_) {
      if (!seen_.contains(std::string(key.str()))) Fail(file_, Path(key.str()), "unknown key");
    }
  }

  const std::string& file() const { return file_; }

 private:
  const toml::table& table_;
  std::string file_;
  std::string at_;
  std::set<std::string> seen_;
};

constexpr std::string_view kWeekdays[7] = {"sunday",   "monday", "tuesday", "wednesday",
                                           "thursday", "friday", "saturday"};

void ReadCalendar(Reader& r, domain::CalendarSettings& calendar) {
  for (std::size_t d = 0; d < 7; ++d) {
    if (auto hours = r.Hours(kWeekdays[d])) calendar.week[d] = std::move(*hours);
  }
  if (auto hours = r.Hours("ramadan")) calendar.ramadan_hours = std::move(*hours);
  // Holidays given replace the default list whole: a centre states all of its holidays.
  if (r.Get("holidays")) calendar.holidays.clear();
  std::size_t i = 0;
  for (const toml::table* t : r.Tables("holidays")) {
    Reader h(*t, r.file(), r.Path("holidays[" + std::to_string(i++) + "]"));
    domain::HolidayRule rule;
    rule.key = h.String("key").value_or("");
    rule.name_ar = h.String("name_ar").value_or("");
    rule.name_en = h.String("name_en").value_or("");
    const std::string basis = h.String("calendar").value_or("gregorian");
    if (basis == "hijri") {
      rule.basis = domain::HolidayRule::Basis::kHijri;
    } else if (basis != "gregorian") {
      Fail(r.file(), h.Path("calendar"), "must be \"gregorian\" or \"hijri\"");
    }
    rule.month = static_cast<int>(h.Int("month", 1, 12).value_or(0));
    rule.day = static_cast<int>(h.Int("day", 1, 31).value_or(0));
    rule.days = static_cast<int>(h.Int("days", 1, 30).value_or(1));
    // Name the key that is missing, not just the holiday.
    for (const auto& [key, missing] :
         {std::pair{"key", rule.key.empty()}, std::pair{"name_ar", rule.name_ar.empty()},
          std::pair{"name_en", rule.name_en.empty()}, std::pair{"month", rule.month == 0},
          std::pair{"day", rule.day == 0}}) {
      if (missing) Fail(r.file(), h.Path(key), "is required");
    }
    h.RejectUnknown();
    calendar.holidays.push_back(std::move(rule));
  }
  r.RejectUnknown();
}

domain::SlaTargets ReadTargets(Reader& r, domain::SlaTargets targets) {
  constexpr std::int64_t kMax = 480 * 365;  // a year of business days
  if (auto v = r.Int("first_response_minutes", 1, kMax)) targets.first_response_minutes = *v;
  if (auto v = r.Int("update_interval_minutes", 1, kMax)) targets.update_interval_minutes = *v;
  if (auto v = r.Int("resolution_minutes", 1, kMax)) targets.resolution_minutes = *v;
  return targets;
}

void ReadSla(Reader& r, domain::SlaTargets& fallback, std::vector<domain::SlaRule>& rules) {
  if (const toml::table* t = r.Table("default")) {
    Reader d(*t, r.file(), r.Path("default"));
    fallback = ReadTargets(d, fallback);
    d.RejectUnknown();
  }
  // Without rules of its own, a centre keeps the default rules on its own default targets.
  if (!r.Get("rules")) {
    rules = domain::TimeRules::DefaultRules(fallback);
    r.RejectUnknown();
    return;
  }
  rules.clear();
  std::size_t i = 0;
  for (const toml::table* t : r.Tables("rules")) {
    Reader x(*t, r.file(), r.Path("rules[" + std::to_string(i++) + "]"));
    domain::SlaRule rule;
    rule.kind = x.Term<domain::CaseKind>("kind");
    rule.category = x.String("category");
    rule.priority = x.Term<domain::Priority>("priority");
    rule.beneficiary_kind = x.Term<domain::BeneficiaryKind>("beneficiary_kind");
    rule.targets = ReadTargets(x, fallback);
    x.RejectUnknown();
    rules.push_back(std::move(rule));
  }
  r.RejectUnknown();
}

void ReadEscalation(Reader& r, domain::EscalationLadder& ladder) {
  if (auto v = r.Int("warning_percent", 0, 99)) ladder.warning_percent = static_cast<int>(*v);
  if (r.Get("levels")) ladder.levels.clear();
  std::size_t i = 0;
  for (const toml::table* t : r.Tables("levels")) {
    Reader x(*t, r.file(), r.Path("levels[" + std::to_string(i++) + "]"));
    domain::EscalationLevel level;
    level.level = static_cast<int>(x.Int("level", 1, 9).value_or(0));
    level.name_ar = x.String("name_ar").value_or("");
    level.name_en = x.String("name_en").value_or("");
    level.after_breach_minutes = x.Int("after_breach_minutes", 0, 480 * 365).value_or(0);
    level.owner_role = x.Term<domain::Role>("owner_role").value_or(domain::Role::kSupervisor);
    level.owner_department = x.String("owner_department");
    x.RejectUnknown();
    ladder.levels.push_back(std::move(level));
  }
  if (const toml::table* t = r.Table("external")) {
    Reader x(*t, r.file(), r.Path("external"));
    if (auto v = x.String("name_ar")) ladder.external.name_ar = *v;
    if (auto v = x.String("name_en")) ladder.external.name_en = *v;
    if (auto v = x.String("how_ar")) ladder.external.how_ar = *v;
    if (auto v = x.String("how_en")) ladder.external.how_en = *v;
    x.RejectUnknown();
  }
  r.RejectUnknown();
}

void ReadGuide(Reader& r, domain::GuideSettings& guide) {
  if (auto v = r.String("centre_ar")) guide.centre_ar = *v;
  if (auto v = r.String("centre_en")) guide.centre_en = *v;
  if (r.Get("channels")) guide.channels.clear();
  std::size_t i = 0;
  for (const toml::table* t : r.Tables("channels")) {
    Reader x(*t, r.file(), r.Path("channels[" + std::to_string(i++) + "]"));
    domain::GuideChannel channel;
    auto which = x.Term<domain::Channel>("channel");
    if (!which) Fail(r.file(), x.Path("channel"), "is required");
    channel.channel = *which;
    channel.contact_ar = x.String("contact_ar").value_or("");
    channel.contact_en = x.String("contact_en").value_or("");
    x.RejectUnknown();
    guide.channels.push_back(std::move(channel));
  }
  r.RejectUnknown();
}

// The key of this file that a field of CalendarSettings comes from: BusinessCalendar::Make names
// "calendar.week.monday[1]" and "calendar.ramadan_hours[0]", the file spells them
// "calendar.monday[1]" and "calendar.ramadan[0]". Other paths are the same in both.
std::string FileKey(const std::string& path) {
  constexpr std::string_view kWeek = "calendar.week";
  constexpr std::string_view kRamadan = "calendar.ramadan_hours";
  if (path == kWeek) return "calendar";  // no working day: the week as a whole
  if (path.starts_with(std::string(kWeek) + ".")) return "calendar" + path.substr(kWeek.size());
  if (path.starts_with(kRamadan)) return "calendar.ramadan" + path.substr(kRamadan.size());
  return path;
}

// The first field error of a rejected calendar or rule set, as a configuration error.
[[noreturn]] void FailWith(const std::string& file, const domain::Error& e) {
  if (e.fields.empty()) Fail(file, "guide", e.detail);
  const domain::FieldError& f = e.fields.front();
  Fail(file, FileKey(f.path), domain::Message(f.message, domain::Language::kEnglish, f.param));
}

}  // namespace

GuideFile LoadGuideFile(const std::optional<std::filesystem::path>& path) {
  domain::CalendarSettings calendar = domain::CalendarSettings::Defaults();
  domain::SlaTargets fallback;
  std::vector<domain::SlaRule> rules = domain::TimeRules::DefaultRules();
  domain::EscalationLadder ladder = domain::TimeRules::DefaultLadder();
  domain::GuideSettings guide = domain::GuideSettings::Defaults();
  const std::string file = path ? path->string() : std::string("(defaults)");

  if (path && !path->empty()) {
    toml::table table;
    try {
      table = toml::parse_file(path->string());
    } catch (const toml::parse_error& e) {
      const auto& where = e.source().begin;
      // Line 0: no line to point at (the file could not be opened at all).
      const std::string at = where.line == 0 ? std::string()
                                             : " line " + std::to_string(where.line) + ", column " +
                                                   std::to_string(where.column);
      throw SettingsError("configuration error: " + file + at + ": " +
                          std::string(e.description()));
    }
    Reader top(table, file, "");
    if (const toml::table* t = top.Table("calendar")) {
      Reader r(*t, file, "calendar");
      ReadCalendar(r, calendar);
    }
    if (const toml::table* t = top.Table("sla")) {
      Reader r(*t, file, "sla");
      ReadSla(r, fallback, rules);
    }
    if (const toml::table* t = top.Table("escalation")) {
      Reader r(*t, file, "escalation");
      ReadEscalation(r, ladder);
    }
    if (const toml::table* t = top.Table("guide")) {
      Reader r(*t, file, "guide");
      ReadGuide(r, guide);
    }
    top.RejectUnknown();
  }

  auto made_calendar = domain::BusinessCalendar::Make(std::move(calendar));
  if (!made_calendar) FailWith(file, made_calendar.error());
  auto made = domain::TimeRules::Make(std::move(*made_calendar), std::move(rules), fallback,
                                      std::move(ladder));
  if (!made) FailWith(file, made.error());
  return GuideFile{std::move(*made), std::move(guide)};
}

}  // namespace shakwa::main
