#include "domain/lifecycle.hpp"

#include <gtest/gtest.h>

#include <map>

namespace shakwa::domain {
namespace {

using A = CaseAction;
using S = CaseStatus;

// The lifecycle of DOMAIN.md, written out independently of the implementation's table.
const std::map<std::pair<S, A>, S> kAllowed = {
    {{S::kReceived, A::kAssess}, S::kAssessed},
    {{S::kAssessed, A::kAssess}, S::kAssessed},
    {{S::kAssessed, A::kStartWork}, S::kInProgress},
    {{S::kInProgress, A::kRequestInformation}, S::kAwaitingBeneficiary},
    {{S::kAwaitingBeneficiary, A::kReceiveInformation}, S::kInProgress},
    {{S::kInProgress, A::kResolve}, S::kResolved},
    {{S::kResolved, A::kAccept}, S::kClosed},
    {{S::kResolved, A::kClose}, S::kClosed},
    {{S::kResolved, A::kCloseAfterGrace}, S::kClosed},
    {{S::kResolved, A::kAppeal}, S::kInProgress},
    {{S::kReceived, A::kReject}, S::kRejected},
    {{S::kAssessed, A::kReject}, S::kRejected},
    {{S::kReceived, A::kWithdraw}, S::kWithdrawn},
    {{S::kAssessed, A::kWithdraw}, S::kWithdrawn},
    {{S::kInProgress, A::kWithdraw}, S::kWithdrawn},
    {{S::kAwaitingBeneficiary, A::kWithdraw}, S::kWithdrawn},
    {{S::kResolved, A::kWithdraw}, S::kWithdrawn},
    {{S::kReceived, A::kMerge}, S::kMerged},
    {{S::kAssessed, A::kMerge}, S::kMerged},
    {{S::kInProgress, A::kMerge}, S::kMerged},
    {{S::kAwaitingBeneficiary, A::kMerge}, S::kMerged},
};

TEST(Lifecycle, EveryStatusAndActionPairFollowsTheDomainTable) {
  for (const auto& status : TermsOf<CaseStatus>()) {
    for (CaseAction action : AllCaseActions()) {
      const auto result = NextStatus(status.value, action);
      const auto it = kAllowed.find({status.value, action});
      if (it != kAllowed.end()) {
        ASSERT_TRUE(result.has_value()) << status.name << " + " << NameOf(action);
        EXPECT_EQ(*result, it->second) << status.name << " + " << NameOf(action);
      } else {
        ASSERT_FALSE(result.has_value()) << status.name << " + " << NameOf(action);
        EXPECT_EQ(result.error().code, ErrorCode::kConflict);
        EXPECT_EQ(result.error().message, MessageId::kForbiddenTransition);
        EXPECT_EQ(result.error().message_param, status.name);
      }
    }
  }
}

TEST(Lifecycle, TerminalStatusesTakeNoAction) {
  for (S status : {S::kClosed, S::kRejected, S::kWithdrawn, S::kMerged}) {
    EXPECT_TRUE(IsTerminal(status));
    for (CaseAction action : AllCaseActions()) {
      EXPECT_FALSE(NextStatus(status, action).has_value()) << NameOf(status);
    }
  }
  for (S status :
       {S::kReceived, S::kAssessed, S::kInProgress, S::kAwaitingBeneficiary, S::kResolved}) {
    EXPECT_FALSE(IsTerminal(status));
  }
}

TEST(Lifecycle, AFullPathFromReceiptToClosingWithAnAppeal) {
  S s = S::kReceived;
  for (A a : {A::kAssess, A::kStartWork, A::kRequestInformation, A::kReceiveInformation,
              A::kResolve, A::kAppeal, A::kResolve, A::kAccept}) {
    auto next = NextStatus(s, a);
    ASSERT_TRUE(next.has_value()) << NameOf(s) << " + " << NameOf(a);
    s = *next;
  }
  EXPECT_EQ(s, S::kClosed);
}

TEST(Lifecycle, EveryActionHasADistinctName) {
  std::set<std::string_view> names;
  for (CaseAction action : AllCaseActions()) names.insert(NameOf(action));
  EXPECT_EQ(names.size(), AllCaseActions().size());
}

}  // namespace
}  // namespace shakwa::domain
