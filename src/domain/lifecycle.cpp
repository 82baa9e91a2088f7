#include "domain/lifecycle.hpp"

#include <array>
#include <initializer_list>
#include <string>

namespace shakwa::domain {
namespace {

using S = CaseStatus;

struct Rule {
  CaseAction action;
  std::string_view name;
  std::initializer_list<CaseStatus> from;
  CaseStatus to;
};

// The whole lifecycle in one table; anything not listed is forbidden.
const std::array<Rule, 12> kRules = {{
    {CaseAction::kAssess, "assess", {S::kReceived, S::kAssessed}, S::kAssessed},
    {CaseAction::kStartWork, "start_work", {S::kAssessed}, S::kInProgress},
    {CaseAction::kRequestInformation,
     "request_information",
     {S::kInProgress},
     S::kAwaitingBeneficiary},
    {CaseAction::kReceiveInformation,
     "receive_information",
     {S::kAwaitingBeneficiary},
     S::kInProgress},
    {CaseAction::kResolve, "resolve", {S::kInProgress}, S::kResolved},
    {CaseAction::kAccept, "accept", {S::kResolved}, S::kClosed},
    {CaseAction::kClose, "close", {S::kResolved}, S::kClosed},
    {CaseAction::kCloseAfterGrace, "close_after_grace", {S::kResolved}, S::kClosed},
    {CaseAction::kAppeal, "appeal", {S::kResolved}, S::kInProgress},
    {CaseAction::kReject, "reject", {S::kReceived, S::kAssessed}, S::kRejected},
    {CaseAction::kWithdraw,
     "withdraw",
     {S::kReceived, S::kAssessed, S::kInProgress, S::kAwaitingBeneficiary, S::kResolved},
     S::kWithdrawn},
    {CaseAction::kMerge,
     "merge",
     {S::kReceived, S::kAssessed, S::kInProgress, S::kAwaitingBeneficiary},
     S::kMerged},
}};

constexpr std::array kActions = {
    CaseAction::kAssess,
    CaseAction::kStartWork,
    CaseAction::kRequestInformation,
    CaseAction::kReceiveInformation,
    CaseAction::kResolve,
    CaseAction::kAccept,
    CaseAction::kClose,
    CaseAction::kCloseAfterGrace,
    CaseAction::kAppeal,
    CaseAction::kReject,
    CaseAction::kWithdraw,
    CaseAction::kMerge,
};

const Rule& RuleFor(CaseAction action) {
  for (const Rule& rule : kRules) {
    if (rule.action == action) return rule;
  }
  return kRules.front();  // unreachable: every action has a rule (tested)
}

}  // namespace

std::string_view NameOf(CaseAction action) {
  return RuleFor(action).name;
}
std::span<const CaseAction> AllCaseActions() {
  return kActions;
}

Result<CaseStatus> NextStatus(CaseStatus from, CaseAction action) {
  const Rule& rule = RuleFor(action);
  for (CaseStatus allowed : rule.from) {
    if (allowed == from) return rule.to;
  }
  Error error =
      Error::Of(ErrorCode::kConflict, MessageId::kForbiddenTransition,
                std::string(NameOf(action)) + " is not allowed from " + std::string(NameOf(from)));
  error.message_param = std::string(NameOf(from));
  return error;
}

bool IsTerminal(CaseStatus status) {
  return status == S::kClosed || status == S::kRejected || status == S::kWithdrawn ||
         status == S::kMerged;
}

}  // namespace shakwa::domain
