#include "app/attempt_limiter.hpp"

#include <gtest/gtest.h>

#include "support/fakes.hpp"

namespace shakwa::app {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const domain::Instant kT0 = testing::At("2026-03-10T09:00:00Z");

TEST(AttemptLimiter, LetsAnUnknownKeyTry) {
  AttemptLimiter limiter(3, minutes{15});
  EXPECT_EQ(limiter.BlockedFor("noura@centre.gov.sa", kT0), 0);
}

TEST(AttemptLimiter, BlocksAfterMaxFailuresWithinTheWindow) {
  AttemptLimiter limiter(3, minutes{15});
  limiter.RecordFailure("k", kT0);
  limiter.RecordFailure("k", kT0 + minutes{1});
  EXPECT_EQ(limiter.BlockedFor("k", kT0 + minutes{2}), 0);  // two of three
  limiter.RecordFailure("k", kT0 + minutes{2});
  // The window runs from the first failure: 13 minutes of it are left.
  EXPECT_EQ(limiter.BlockedFor("k", kT0 + minutes{2}), 13);
}

TEST(AttemptLimiter, RoundsTheWaitUpToWholeMinutes) {
  AttemptLimiter limiter(2, minutes{15});
  limiter.RecordFailure("k", kT0);
  limiter.RecordFailure("k", kT0);
  EXPECT_EQ(limiter.BlockedFor("k", kT0), 15);
  EXPECT_EQ(limiter.BlockedFor("k", kT0 + seconds{30}), 15);
  EXPECT_EQ(limiter.BlockedFor("k", kT0 + minutes{14} + seconds{59}), 1);
}

TEST(AttemptLimiter, UnblocksWhenTheWindowEnds) {
  AttemptLimiter limiter(2, minutes{15});
  limiter.RecordFailure("k", kT0);
  limiter.RecordFailure("k", kT0);
  EXPECT_GT(limiter.BlockedFor("k", kT0 + minutes{15} - std::chrono::milliseconds{1}), 0);
  EXPECT_EQ(limiter.BlockedFor("k", kT0 + minutes{15}), 0);
  // And the count starts again: one more failure does not block.
  limiter.RecordFailure("k", kT0 + minutes{16});
  EXPECT_EQ(limiter.BlockedFor("k", kT0 + minutes{16}), 0);
}

TEST(AttemptLimiter, FailuresInAnEarlierWindowDoNotCount) {
  AttemptLimiter limiter(3, minutes{15});
  limiter.RecordFailure("k", kT0);
  limiter.RecordFailure("k", kT0 + minutes{1});
  // Without asking in between: the third failure falls in a new window.
  limiter.RecordFailure("k", kT0 + minutes{20});
  EXPECT_EQ(limiter.BlockedFor("k", kT0 + minutes{20}), 0);
  limiter.RecordFailure("k", kT0 + minutes{21});
  limiter.RecordFailure("k", kT0 + minutes{22});
  EXPECT_EQ(limiter.BlockedFor("k", kT0 + minutes{22}), 13);
}

TEST(AttemptLimiter, MoreFailuresWhileBlockedDoNotExtendTheBlock) {
  AttemptLimiter limiter(2, minutes{15});
  limiter.RecordFailure("k", kT0);
  limiter.RecordFailure("k", kT0);
  limiter.RecordFailure("k", kT0 + minutes{10});
  EXPECT_EQ(limiter.BlockedFor("k", kT0 + minutes{10}), 5);
  EXPECT_EQ(limiter.BlockedFor("k", kT0 + minutes{15}), 0);
}

TEST(AttemptLimiter, SuccessForgetsTheFailures) {
  AttemptLimiter limiter(3, minutes{15});
  limiter.RecordFailure("k", kT0);
  limiter.RecordFailure("k", kT0);
  limiter.RecordSuccess("k");
  limiter.RecordFailure("k", kT0 + minutes{1});
  limiter.RecordFailure("k", kT0 + minutes{1});
  EXPECT_EQ(limiter.BlockedFor("k", kT0 + minutes{1}), 0);
  limiter.RecordFailure("k", kT0 + minutes{1});
  EXPECT_GT(limiter.BlockedFor("k", kT0 + minutes{1}), 0);
  limiter.RecordSuccess("k");
  EXPECT_EQ(limiter.BlockedFor("k", kT0 + minutes{1}), 0);
}

TEST(AttemptLimiter, CountsEachKeyApart) {
  AttemptLimiter limiter(2, minutes{15});
  limiter.RecordFailure("a", kT0);
  limiter.RecordFailure("a", kT0);
  limiter.RecordFailure("b", kT0);
  EXPECT_GT(limiter.BlockedFor("a", kT0), 0);
  EXPECT_EQ(limiter.BlockedFor("b", kT0), 0);
  EXPECT_EQ(limiter.BlockedFor("A", kT0), 0);  // keys are compared exactly
  limiter.RecordSuccess("b");
  EXPECT_GT(limiter.BlockedFor("a", kT0), 0);
}

TEST(AttemptLimiter, KeepsABlockWhileForgettingExpiredKeysUnderASpray) {
  AttemptLimiter limiter(2, minutes{15});
  for (int i = 0; i < 100001; ++i) limiter.RecordFailure("spray" + std::to_string(i), kT0);
  limiter.RecordFailure("target", kT0 + minutes{10});
  limiter.RecordFailure("target", kT0 + minutes{10});
  // Past the sprayed keys' window, the next failure prunes them; the live block stays.
  limiter.RecordFailure("another", kT0 + minutes{16});
  EXPECT_EQ(limiter.BlockedFor("target", kT0 + minutes{16}), 9);
  EXPECT_EQ(limiter.BlockedFor("spray7", kT0 + minutes{16}), 0);
}

}  // namespace
}  // namespace shakwa::app
