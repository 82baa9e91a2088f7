#include "domain/messages.hpp"

#include <array>
#include <cstddef>

namespace shakwa::domain {
namespace {

struct Sentence {
  MessageId id;
  std::string_view code;
  std::string_view arabic;
  std::string_view english;
};

// Indexed by MessageId; a static_assert below keeps the table and the enum the same length, and
// messages_test checks each row sits at its own index.
constexpr std::array kMessages = {
    Sentence{MessageId::kRequired, "required", "هذا الحقل مطلوب", "This field is required"},
    Sentence{MessageId::kMustBeString, "must_be_string", "يجب أن تكون القيمة نصًا",
             "Must be a string"},
    Sentence{MessageId::kMustBeObject, "must_be_object", "يجب أن تكون القيمة كائنًا (object)",
             "Must be an object"},
    Sentence{MessageId::kMustBeArray, "must_be_array", "يجب أن تكون القيمة قائمة (array)",
             "Must be an array"},
    Sentence{MessageId::kMustBeBoolean, "must_be_boolean", "يجب أن تكون القيمة true أو false",
             "Must be true or false"},
    Sentence{MessageId::kTooLong, "too_long", "النص أطول من الحد المسموح ({} حرفًا)",
             "Longer than the limit of {} characters"},
    Sentence{MessageId::kTooMany, "too_many", "العناصر أكثر من الحد المسموح ({})",
             "More items than the limit of {}"},
    Sentence{MessageId::kEmpty, "empty", "لا يجوز أن يكون الحقل فارغًا", "Must not be empty"},
    Sentence{MessageId::kNotOneOf, "not_one_of", "قيمة غير معروفة؛ القيم المسموحة: {}",
             "Unknown value; allowed values: {}"},
    Sentence{MessageId::kUnknownField, "unknown_field", "حقل غير معروف", "Unknown field"},
    Sentence{MessageId::kInvalidEmail, "invalid_email", "عنوان البريد الإلكتروني غير صحيح",
             "Not a valid e-mail address"},
    Sentence{MessageId::kInvalidMobile, "invalid_mobile",
             "رقم الجوال غير صحيح؛ مثال: 0512345678 أو ‎+966512345678",
             "Not a valid mobile number; e.g. 0512345678 or +966512345678"},
    Sentence{MessageId::kInvalidNationalId, "invalid_national_id",
             "رقم الهوية غير صحيح؛ للأفراد عشرة أرقام تبدأ بـ 1 أو 2",
             "Not a valid identity number; for individuals, ten digits starting with 1 or 2"},
    Sentence{MessageId::kEmailOrMobileRequired, "email_or_mobile_required",
             "يلزم البريد الإلكتروني أو رقم الجوال لنتمكن من إبلاغك بسير الشكوى",
             "An e-mail address or a mobile number is needed so that we can keep you informed"},
    Sentence{MessageId::kOrganizationRequired, "organization_required",
             "اسم الجهة مطلوب للمستفيد من القطاع الحكومي أو الخاص أو المالي",
             "The organisation's name is required for government, private and financial "
             "beneficiaries"},
    Sentence{MessageId::kUnknownCategory, "unknown_category", "تصنيف غير معروف؛ التصنيفات: {}",
             "Unknown category; the categories are: {}"},
    Sentence{MessageId::kControlCharacters, "control_characters",
             "يحتوي النص على رموز تحكم غير مسموحة",
             "Contains control characters that are not allowed"},
    Sentence{MessageId::kChannelNotPublic, "channel_not_public",
             "هذه القناة يسجلها موظفو مركز التواصل؛ القنوات المتاحة هنا: {}",
             "This channel is recorded by contact-centre staff; the channels open here are: {}"},
    Sentence{MessageId::kPreferredChannelNeedsContact, "preferred_channel_needs_contact",
             "قناة التواصل المفضلة تتطلب تزويدنا بـ {}",
             "The preferred channel needs the beneficiary's {}"},
    Sentence{MessageId::kConsentRequired, "consent_required",
             "يجب الاطلاع على إشعار الخصوصية والموافقة عليه",
             "The privacy notice must be shown and agreed to"},
    Sentence{MessageId::kRemedyRequired, "remedy_required",
             "يرجى ذكر المعالجة التي تطلبها لهذه الشكوى",
             "Please say what remedy you are seeking for this complaint"},
    Sentence{MessageId::kPasswordTooShort, "password_too_short",
             "كلمة المرور قصيرة؛ الحد الأدنى {} حرفًا",
             "The password is too short; the minimum is {} characters"},
    Sentence{MessageId::kPasswordTooSimple, "password_too_simple",
             "كلمة المرور ضعيفة؛ استخدم مزيجًا من الحروف والأرقام أو الرموز",
             "The password is too weak; mix letters with digits or symbols"},
    Sentence{MessageId::kPasswordContainsEmail, "password_contains_email",
             "لا يجوز أن تحتوي كلمة المرور على اسم المستخدم",
             "The password must not contain the user name"},
    Sentence{MessageId::kInvalidDepartmentCode, "invalid_department_code",
             "رمز الإدارة غير صحيح؛ من 2 إلى 32 حرفًا لاتينيًا صغيرًا أو رقمًا أو _ ويبدأ بحرف",
             "Not a valid department code: 2 to 32 of a-z, 0-9 and _, starting with a letter"},
    Sentence{MessageId::kUnknownDepartment, "unknown_department", "إدارة غير معروفة: {}",
             "Unknown department: {}"},
    Sentence{MessageId::kUnknownUser, "unknown_user", "مستخدم غير معروف أو غير نشط: {}",
             "Unknown or inactive user: {}"},
    Sentence{MessageId::kDepartmentRequired, "department_required", "هذا الدور يتطلب تحديد الإدارة",
             "This role needs a department"},
    Sentence{MessageId::kInvalidTimestamp, "invalid_timestamp",
             "تاريخ ووقت غير صحيح؛ مثال: 2026-03-01T09:30:00+03:00",
             "Not a valid date and time; e.g. 2026-03-01T09:30:00+03:00"},
    Sentence{MessageId::kReceivedInFuture, "received_in_future",
             "لا يمكن أن يكون وقت الاستلام في المستقبل",
             "The time received cannot be in the future"},
    Sentence{MessageId::kInvalidCursor, "invalid_cursor",
             "مؤشر الصفحة غير صالح لهذا الاستعلام؛ ابدأ من الصفحة الأولى",
             "The page cursor does not belong to this query; start from the first page"},
    Sentence{MessageId::kMustBeInteger, "must_be_integer", "يجب أن تكون القيمة عددًا صحيحًا",
             "Must be a whole number"},
    Sentence{MessageId::kMustBeNumberInRange, "must_be_in_range", "يجب أن تكون القيمة بين {}",
             "Must be between {}"},
    Sentence{MessageId::kMustBePositive, "must_be_positive", "يجب أن تكون القيمة أكبر من صفر",
             "Must be greater than zero"},
    Sentence{MessageId::kMustNotDecrease, "must_not_decrease",
             "يجب ألا تقل القيمة عن قيمة المستوى السابق", "Must not be less than the level before"},
    Sentence{MessageId::kValidationFailed, "validation_failed",
             "بعض الحقول غير صحيحة؛ راجع قائمة الأخطاء",
             "Some fields are not valid; see the list of errors"},
    Sentence{MessageId::kMalformedJson, "malformed_json",
             "تعذرت قراءة الطلب: ليس JSON صحيحًا بترميز UTF-8",
             "The request could not be read: it is not valid JSON in UTF-8"},
    Sentence{MessageId::kBadHttpRequest, "bad_http_request",
             "تعذرت قراءة الطلب: ليس طلب HTTP صحيحًا", "The request could not be read as HTTP"},
    Sentence{MessageId::kBodyNotObject, "body_not_object", "يجب أن يكون جسم الطلب كائن JSON",
             "The request body must be a JSON object"},
    Sentence{MessageId::kMalformedReference, "malformed_reference",
             "الرقم المرجعي غير صحيح؛ مثال صحيح: C-2026-000123-4",
             "The reference number is not valid; a valid one looks like C-2026-000123-4"},
    Sentence{MessageId::kUnsupportedMediaType, "unsupported_media_type",
             "نوع المحتوى غير مدعوم؛ أرسل application/json",
             "Unsupported content type; send application/json"},
    Sentence{MessageId::kPayloadTooLarge, "payload_too_large",
             "حجم الطلب أكبر من الحد المسموح ({} بايت)",
             "The request is larger than the limit of {} bytes"},
    Sentence{MessageId::kCaseNotFound, "case_not_found",
             "لم نجد شكوى بهذا الرقم المرجعي ورمز الدخول",
             "No case was found with this reference number and access code"},
    Sentence{MessageId::kRouteNotFound, "route_not_found", "الصفحة أو المورد غير موجود",
             "No such resource"},
    Sentence{MessageId::kMethodNotAllowed, "method_not_allowed",
             "الطريقة غير مسموحة لهذا المورد؛ المسموح: {}",
             "Method not allowed for this resource; allowed: {}"},
    Sentence{MessageId::kForbiddenTransition, "forbidden_transition",
             "لا يمكن تنفيذ هذا الإجراء والشكوى في حالتها الحالية ({})",
             "This action is not possible while the case is {}"},
    Sentence{MessageId::kStaleVersion, "stale_version",
             "تغيّرت الشكوى منذ أن فتحتها (النسخة الحالية {})؛ حدّث الصفحة ثم أعد المحاولة",
             "The case has changed since you opened it (it is now version {}); reload and try "
             "again"},
    Sentence{MessageId::kAlreadyExists, "already_exists", "يوجد سجل بهذا المعرّف: {}",
             "A record with this identifier already exists: {}"},
    Sentence{MessageId::kSignInRequired, "sign_in_required", "يلزم تسجيل الدخول",
             "You need to sign in"},
    Sentence{MessageId::kNotAllowedForRole, "not_allowed_for_role", "دورك لا يسمح بهذا الإجراء",
             "Your role does not allow this"},
    Sentence{MessageId::kInvalidCredentials, "invalid_credentials",
             "البريد الإلكتروني أو كلمة المرور غير صحيحة",
             "The e-mail address or password is not correct"},
    Sentence{MessageId::kAccountLocked, "account_locked",
             "أُوقف الدخول مؤقتًا بعد محاولات فاشلة متكررة؛ حاول بعد {} دقيقة",
             "Sign-in is suspended after repeated failures; try again in {} minutes"},
    Sentence{MessageId::kTooManyAttempts, "too_many_attempts",
             "محاولات كثيرة خاطئة؛ حاول بعد {} دقيقة",
             "Too many wrong attempts; try again in {} minutes"},
    Sentence{MessageId::kFindingsRequired, "findings_required",
             "سجّل نتائج التحقيق (النتيجة) قبل إصدار القرار في الشكوى",
             "Record the findings (the outcome) before deciding a complaint"},
    Sentence{MessageId::kCannotMergeIntoItself, "cannot_merge_into_itself",
             "لا يمكن دمج الشكوى في نفسها", "A case cannot be merged into itself"},
    Sentence{MessageId::kMergeTargetClosed, "merge_target_closed",
             "لا يمكن الدمج في شكوى منتهية ({})", "Cannot merge into a case that is {}"},
    Sentence{MessageId::kEscalationNotYet, "escalation_not_yet",
             "لم يحن موعد التصعيد بعد؛ يمكنك التصعيد بعد انقضاء مهلة المعالجة في {}",
             "It is too early to escalate; you can escalate once the resolution deadline passes, "
             "on {}"},
    Sentence{MessageId::kEscalationWhileAwaiting, "escalation_while_awaiting",
             "الطلب بانتظار ردك على استفسار الجهة؛ أرسل الرد ليستأنف احتساب المهلة",
             "The case is waiting for your answer to a question; answer it and the clock resumes"},
    Sentence{MessageId::kEscalationAtLastLevel, "escalation_at_last_level",
             "بلغ الطلب أعلى مستوى تصعيد داخلي؛ يمكنك اللجوء إلى {}",
             "The case is at the last internal level; you may turn to {}"},
    Sentence{MessageId::kEscalationClosed, "escalation_closed", "لا يمكن تصعيد طلب منتهٍ ({})",
             "A case that is {} cannot be escalated"},
    Sentence{MessageId::kUnsupportedFileType, "unsupported_file_type",
             "نوع الملف غير مسموح ({})؛ المسموح: PDF والصور ومستندات أوفيس",
             "This type of file is not accepted ({}); send PDF, images or office documents"},
    Sentence{MessageId::kFileTooLarge, "file_too_large", "حجم الملف أكبر من الحد المسموح ({} بايت)",
             "The file is larger than the limit of {} bytes"},
    Sentence{MessageId::kTooManyFiles, "too_many_files", "عدد المرفقات أكبر من الحد المسموح ({})",
             "More attachments than the limit of {}"},
    Sentence{MessageId::kFileRejectedByScanner, "file_rejected_by_scanner",
             "رُفض الملف لاحتوائه على برمجية ضارة", "The file was refused: it contains malware"},
    Sentence{MessageId::kScannerUnavailable, "scanner_unavailable",
             "تعذر فحص الملفات الآن؛ يرجى المحاولة لاحقًا",
             "Files cannot be scanned just now; please try again later"},
    Sentence{MessageId::kMalformedMultipart, "malformed_multipart",
             "تعذرت قراءة الطلب متعدد الأجزاء (multipart/form-data)",
             "The multipart/form-data request could not be read"},
    Sentence{MessageId::kCrossSiteRequest, "cross_site_request", "رُفض الطلب لأنه صادر من موقع آخر",
             "Refused: the request came from another site"},
    Sentence{MessageId::kFormExpired, "form_expired",
             "انتهت صلاحية النموذج؛ أعد تحميل الصفحة وحاول مرة أخرى",
             "This form has expired; reload the page and try again"},
    Sentence{MessageId::kStorageUnavailable, "storage_unavailable",
             "تعذر حفظ الطلب مؤقتًا ولم يُسجَّل؛ يرجى المحاولة مرة أخرى",
             "The request could not be stored just now and was not recorded; please try again"},
    Sentence{MessageId::kShuttingDown, "shutting_down",
             "الخادم في طور الإيقاف؛ يرجى المحاولة بعد قليل",
             "The server is shutting down; please try again shortly"},
    Sentence{MessageId::kInternalError, "internal_error",
             "حدث خطأ داخلي؛ احتفظ برقم الطلب عند التواصل معنا",
             "An internal error occurred; quote the request id when you contact us"},
    Sentence{MessageId::kInvalidWorkingHours, "invalid_working_hours",
             "يجب أن تقع ساعات العمل داخل اليوم (00:00–24:00) وأن تبدأ قبل أن تنتهي",
             "Working hours must lie within the day (00:00–24:00) and start before they end"},
    Sentence{MessageId::kOverlappingWorkingHours, "overlapping_working_hours",
             "يجب أن تكون فترات العمل مرتبة زمنيًا وألا تتداخل",
             "Working hours must be in time order and must not overlap"},
    Sentence{MessageId::kNoWorkingDay, "no_working_day",
             "يجب أن يكون في الأسبوع يوم واحد على الأقل له ساعات عمل",
             "At least one day of the week must have working hours"},
    Sentence{MessageId::kInvalidDateRange, "invalid_date_range",
             "يجب أن يكون التاريخان صحيحين وألا يقع الأول بعد الأخير، والمدة {} يومًا على الأكثر",
             "The dates must be real, the first on or before the last, at most {} days in all"},
    Sentence{MessageId::kMailUnreadable, "mail_unreadable",
             "تعذّرت قراءة الرسالة بريدًا إلكترونيًا ({})",
             "The message could not be read as e-mail ({})"},
    Sentence{MessageId::kMailTooLarge, "mail_too_large", "الرسالة أكبر من الحد المسموح ({} بايت)",
             "The message is larger than allowed ({} bytes)"},
    Sentence{MessageId::kMailAutomated, "mail_automated",
             "رسالة آلية ({})؛ لا تُفتح لها شكوى ولا يُرد عليها",
             "An automated message ({}): it opens no case and gets no reply"},
    Sentence{MessageId::kTemplateSyntax, "template_syntax", "صيغة القالب غير صحيحة: {}",
             "The template is not valid mustache: {}"},
    Sentence{MessageId::kTemplateUnknown, "template_unknown", "لا يوجد قالب رسالة بهذا الاسم ({})",
             "There is no message template named {}"},
    Sentence{MessageId::kMailgateSecret, "mailgate_secret", "سر بوابة البريد مفقود أو غير صحيح",
             "The mailgate secret is missing or wrong"},
};
static_assert(kMessages.size() == static_cast<std::size_t>(MessageId::kCount),
              "every MessageId needs a row in kMessages");

const Sentence& Find(MessageId id) {
  auto index = static_cast<std::size_t>(id);
  if (index >= kMessages.size()) index = static_cast<std::size_t>(MessageId::kInternalError);
  return kMessages[index];
}

}  // namespace

std::string Message(MessageId id, Language language, std::string_view param) {
  const Sentence& s = Find(id);
  std::string_view text = language == Language::kArabic ? s.arabic : s.english;
  std::string out(text);
  if (auto at = out.find("{}"); at != std::string::npos) out.replace(at, 2, param);
  return out;
}

std::string_view MessageCode(MessageId id) {
  return Find(id).code;
}

// Exposed for the test that checks the table's order.
bool MessageTableIsInOrder() {
  for (std::size_t i = 0; i < kMessages.size(); ++i) {
    if (static_cast<std::size_t>(kMessages[i].id) != i) return false;
    if (kMessages[i].arabic.empty() || kMessages[i].english.empty()) return false;
  }
  return true;
}

}  // namespace shakwa::domain
