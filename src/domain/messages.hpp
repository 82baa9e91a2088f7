// The sentences Shakwa says to people, in Arabic (the default) and English.
//
// Code refers to a message by MessageId; the words live only in messages.cpp so that a translator
// reads one table. A message may hold one "{}" which is replaced by Error::message_param or
// FieldError::param (a limit, an allowed list, a field name).
//
// Thread safety: the table is immutable; every function here is safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace shakwa::domain {

enum class Language { kArabic, kEnglish };

// When you add an enumerator, add its two sentences to kMessages in messages.cpp (a test checks
// that every message has both languages).
enum class MessageId {
  // field validation
  kRequired,
  kMustBeString,
  kMustBeObject,
  kMustBeArray,
  kMustBeBoolean,
  kTooLong,
  kTooMany,
  kEmpty,
  kNotOneOf,
  kUnknownField,
  kInvalidEmail,
  kInvalidMobile,
  kInvalidNationalId,
  kEmailOrMobileRequired,
  kOrganizationRequired,
  kUnknownCategory,
  kControlCharacters,
  kChannelNotPublic,
  kPreferredChannelNeedsContact,
  kConsentRequired,
  kRemedyRequired,
  kPasswordTooShort,
  kPasswordTooSimple,
  kPasswordContainsEmail,
  kInvalidDepartmentCode,
  kUnknownDepartment,
  kUnknownUser,
  kDepartmentRequired,
  kInvalidTimestamp,
  kReceivedInFuture,
  kInvalidCursor,
  kMustBeInteger,
  kMustBeNumberInRange,
  kMustBePositive,
  kMustNotDecrease,
  // request-level problems
  kValidationFailed,
  kMalformedJson,
  kBadHttpRequest,
  kBodyNotObject,
  kMalformedReference,
  kUnsupportedMediaType,
  kPayloadTooLarge,
  kCaseNotFound,
  kRouteNotFound,
  kMethodNotAllowed,
  kForbiddenTransition,
  kStaleVersion,
  kAlreadyExists,
  kSignInRequired,
  kNotAllowedForRole,
  kInvalidCredentials,
  kAccountLocked,
  kTooManyAttempts,
  kFindingsRequired,
  kCannotMergeIntoItself,
  kMergeTargetClosed,
  kEscalationNotYet,
  kEscalationWhileAwaiting,
  kEscalationAtLastLevel,
  kEscalationClosed,
  kUnsupportedFileType,
  kFileTooLarge,
  kTooManyFiles,
  kFileRejectedByScanner,
  kScannerUnavailable,
  kMalformedMultipart,
  kCrossSiteRequest,
  kFormExpired,
  kStorageUnavailable,
  kShuttingDown,
  kInternalError,
  // business calendar settings
  kInvalidWorkingHours,
  kOverlappingWorkingHours,
  kNoWorkingDay,
  kInvalidDateRange,
  // notifications and the mailgate
  kMailUnreadable,
  kMailTooLarge,
  kMailAutomated,
  kTemplateSyntax,
  kTemplateUnknown,
  kMailgateSecret,
  kCount  // not a message: the number of messages
};

// The sentence for id in language, with {} replaced by param.
std::string Message(MessageId id, Language language, std::string_view param = {});

// A stable machine-readable name ("required", "too_long") for clients that translate themselves.
std::string_view MessageCode(MessageId id);

// True when every row of the table sits at its own MessageId and has both languages (for tests).
bool MessageTableIsInOrder();

}  // namespace shakwa::domain
