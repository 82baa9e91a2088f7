// Instants: how Shakwa names a point in time. Always UTC, millisecond precision.
//
// The domain never reads a clock: "now" arrives as an argument (app::Clock supplies it), so every
// rule about time can be tested with any instant.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace shakwa::domain {

using Instant = std::chrono::sys_time<std::chrono::milliseconds>;

// "2026-12-01T10:10:54.123Z"
std::string FormatIso8601(Instant instant);

// Accepts "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)"; nullopt if it is not one.
std::optional<Instant> ParseIso8601(std::string_view text);

// The Gregorian year of instant in a zone offset by utc_offset from UTC. Saudi Arabia keeps
// UTC+3 all year (no daylight saving), which is why a fixed offset is enough for reference years.
int YearAt(Instant instant, std::chrono::minutes utc_offset);

inline constexpr std::chrono::minutes kRiyadhOffset{180};

// "2026-03-20"
std::string FormatIsoDate(std::chrono::year_month_day date);
// Accepts exactly "YYYY-MM-DD" naming a real date; nullopt otherwise.
std::optional<std::chrono::year_month_day> ParseIsoDate(std::string_view text);

}  // namespace shakwa::domain
