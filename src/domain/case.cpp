#include "domain/case.hpp"

namespace shakwa::domain {
namespace {

constexpr Term<CaseKind> kCaseKinds[] = {
    {CaseKind::kComplaint, "complaint", "شكوى", "complaint"},
    {CaseKind::kSuggestion, "suggestion", "اقتراح", "suggestion"},
    {CaseKind::kRemark, "remark", "ملاحظة", "remark"},
    {CaseKind::kCompliment, "compliment", "شكر", "compliment"},
};
constexpr Term<CaseStatus> kCaseStatuses[] = {
    {CaseStatus::kReceived, "received", "مستلمة", "received"},
    {CaseStatus::kAssessed, "assessed", "تم التقييم", "assessed"},
    {CaseStatus::kInProgress, "in_progress", "قيد المعالجة", "in progress"},
    {CaseStatus::kAwaitingBeneficiary, "awaiting_beneficiary", "بانتظار رد المستفيد",
     "awaiting the beneficiary"},
    {CaseStatus::kResolved, "resolved", "صدر القرار", "decision issued"},
    {CaseStatus::kClosed, "closed", "مغلقة", "closed"},
    {CaseStatus::kRejected, "rejected", "مرفوضة", "rejected"},
    {CaseStatus::kWithdrawn, "withdrawn", "مسحوبة", "withdrawn"},
    {CaseStatus::kMerged, "merged", "مدمجة", "merged"},
};
constexpr Term<Channel> kChannels[] = {
    {Channel::kPortal, "portal", "البوابة الإلكترونية", "web portal"},
    {Channel::kEmail, "email", "البريد الإلكتروني", "e-mail"},
    {Channel::kPhone, "phone", "الهاتف", "phone"},
    {Channel::kWalkIn, "walk_in", "الحضور الشخصي", "walk-in"},
    {Channel::kSocial, "social", "وسائل التواصل الاجتماعي", "social media"},
    {Channel::kApi, "api", "واجهة برمجة التطبيقات", "API"},
    {Channel::kSms, "sms", "الرسائل النصية", "SMS"},
};
constexpr Term<BeneficiaryKind> kBeneficiaryKinds[] = {
    {BeneficiaryKind::kGovernment, "government", "جهة حكومية", "government body"},
    {BeneficiaryKind::kPrivate, "private", "القطاع الخاص", "private sector"},
    {BeneficiaryKind::kFinancial, "financial", "القطاع المالي والمصرفي",
     "financial and banking sector"},
    {BeneficiaryKind::kIndividual, "individual", "فرد", "individual"},
};
constexpr Term<Subject> kSubjects[] = {
    {Subject::kProduct, "product", "منتج", "product"},
    {Subject::kService, "service", "خدمة", "service"},
    {Subject::kProcess, "process", "عملية", "process"},
    {Subject::kDecision, "decision", "قرار", "decision"},
    {Subject::kProcedure, "procedure", "إجراء", "procedure"},
    {Subject::kSituation, "situation", "وضع معين", "situation"},
};
constexpr Term<TransactionType> kTransactionTypes[] = {
    {TransactionType::kTender, "tender", "منافسة", "tender"},
    {TransactionType::kContract, "contract", "عقد", "contract"},
    {TransactionType::kPaymentOrder, "payment_order", "أمر دفع", "payment order"},
    {TransactionType::kInvoice, "invoice", "فاتورة", "invoice"},
};
constexpr Term<ContactChannel> kContactChannels[] = {
    {ContactChannel::kEmail, "email", "البريد الإلكتروني", "e-mail"},
    {ContactChannel::kSms, "sms", "رسالة نصية", "SMS"},
    {ContactChannel::kPhone, "phone", "اتصال هاتفي", "phone call"},
};
constexpr Term<Language> kLanguages[] = {
    {Language::kArabic, "ar", "العربية", "Arabic"},
    {Language::kEnglish, "en", "الإنجليزية", "English"},
};

}  // namespace

template <>
std::span<const Term<CaseKind>> TermsOf<CaseKind>() {
  return kCaseKinds;
}
template <>
std::span<const Term<CaseStatus>> TermsOf<CaseStatus>() {
  return kCaseStatuses;
}
template <>
std::span<const Term<Channel>> TermsOf<Channel>() {
  return kChannels;
}
template <>
std::span<const Term<BeneficiaryKind>> TermsOf<BeneficiaryKind>() {
  return kBeneficiaryKinds;
}
template <>
std::span<const Term<Subject>> TermsOf<Subject>() {
  return kSubjects;
}
template <>
std::span<const Term<TransactionType>> TermsOf<TransactionType>() {
  return kTransactionTypes;
}
template <>
std::span<const Term<ContactChannel>> TermsOf<ContactChannel>() {
  return kContactChannels;
}
template <>
std::span<const Term<Language>> TermsOf<Language>() {
  return kLanguages;
}

std::string_view NameOf(Actor::Kind kind) {
  switch (kind) {
    case Actor::Kind::kBeneficiary:
      return "beneficiary";
    case Actor::Kind::kStaff:
      return "staff";
    case Actor::Kind::kSystem:
      return "system";
  }
  return "system";
}

std::optional<Actor::Kind> ActorKindFromName(std::string_view name) {
  for (auto kind : {Actor::Kind::kBeneficiary, Actor::Kind::kStaff, Actor::Kind::kSystem}) {
    if (NameOf(kind) == name) return kind;
  }
  return std::nullopt;
}

std::string_view NameOf(CaseEvent::Visibility visibility) {
  return visibility == CaseEvent::Visibility::kPublic ? "public" : "internal";
}

char ReferencePrefix(CaseKind kind) {
  switch (kind) {
    case CaseKind::kComplaint:
      return 'C';
    case CaseKind::kSuggestion:
      return 'S';
    case CaseKind::kRemark:
      return 'R';
    case CaseKind::kCompliment:
      return 'T';  // T for thanks (شكر): C is taken by complaints
  }
  return 'C';
}

}  // namespace shakwa::domain
