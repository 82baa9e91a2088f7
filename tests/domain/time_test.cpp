#include "domain/time.hpp"

#include <gtest/gtest.h>

namespace shakwa::domain {
namespace {

TEST(Iso8601, FormatsUtcWithMilliseconds) {
  const Instant t = *ParseIso8601("2026-12-01T10:10:54.123Z");
  EXPECT_EQ(FormatIso8601(t), "2026-12-01T10:10:54.123Z");
}

TEST(Iso8601, AppliesOffsets) {
  EXPECT_EQ(FormatIso8601(*ParseIso8601("2026-12-01T13:10:54+03:00")), "2026-12-01T10:10:54.000Z");
  EXPECT_EQ(FormatIso8601(*ParseIso8601("2026-12-01T05:10:54.5-05:00")),
            "2026-12-01T10:10:54.500Z");
}

TEST(Iso8601, RefusesAmbiguousOrImpossibleInstants) {
  for (const char* bad : {"2026-12-01T10:10:54", "2026-02-30T10:00:00Z", "2026-12-01T24:00:00Z",
                          "2026-12-01", "yesterday", "2026-12-01T10:10:54Zjunk"}) {
    EXPECT_FALSE(ParseIso8601(bad).has_value()) << bad;
  }
}

TEST(YearAt, FollowsRiyadhAcrossNewYear) {
  // 21:00 UTC on 31 December is already midnight in Riyadh.
  EXPECT_EQ(YearAt(*ParseIso8601("2026-12-31T20:59:59Z"), kRiyadhOffset), 2026);
  EXPECT_EQ(YearAt(*ParseIso8601("2026-12-31T21:00:00Z"), kRiyadhOffset), 2027);
}

}  // namespace
}  // namespace shakwa::domain
