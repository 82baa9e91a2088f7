// The lifecycle of a case (DOMAIN.md "Lifecycle", ISO 10002 7.3-7.9) as a state machine.
//
// Every change of status goes through NextStatus(): a transition the lifecycle forbids comes back
// as an Error (ErrorCode::kConflict) that names the current status, never as a crash, so a stale
// screen or a replayed request gets a clear answer.
//
// Thread safety: pure functions.
#pragma once

#include <span>
#include <string_view>

#include "domain/case.hpp"
#include "domain/result.hpp"

namespace shakwa::domain {

enum class CaseAction {
  kAssess,              // initial assessment (7.5): received/assessed -> assessed
  kStartWork,           // investigation begins (7.6): assessed -> in_progress
  kRequestInformation,  // in_progress -> awaiting_beneficiary (the clock pauses)
  kReceiveInformation,  // the beneficiary answers: awaiting_beneficiary -> in_progress
  kResolve,             // decision and remedy recorded (7.7): in_progress -> resolved
  kAccept,              // the beneficiary accepts the decision: resolved -> closed
  kClose,               // staff close a resolved case (acceptance by phone, say)
  kCloseAfterGrace,     // no answer within the grace period: resolved -> closed
  kAppeal,              // the beneficiary rejects the decision: resolved -> in_progress
  kReject,              // out of scope, with a reason: received/assessed -> rejected
  kWithdraw,            // the beneficiary withdraws an open case
  kMerge,               // a duplicate is folded into another open case
};

std::string_view NameOf(CaseAction action);
std::span<const CaseAction> AllCaseActions();

// The status after action, or a kConflict error naming the current status.
Result<CaseStatus> NextStatus(CaseStatus from, CaseAction action);

// Closed, rejected, withdrawn and merged cases take no more actions.
bool IsTerminal(CaseStatus status);

}  // namespace shakwa::domain
