#include "domain/handling.hpp"

#include <array>

namespace shakwa::domain {
namespace {

constexpr std::array kPriorities = {
    Term<Priority>{Priority::kLow, "low", "منخفضة", "low"},
    Term<Priority>{Priority::kNormal, "normal", "عادية", "normal"},
    Term<Priority>{Priority::kHigh, "high", "عالية", "high"},
    Term<Priority>{Priority::kUrgent, "urgent", "عاجلة", "urgent"},
};
constexpr std::array kSeverities = {
    Term<Severity>{Severity::kLow, "low", "منخفضة", "low"},
    Term<Severity>{Severity::kMedium, "medium", "متوسطة", "medium"},
    Term<Severity>{Severity::kHigh, "high", "عالية", "high"},
    Term<Severity>{Severity::kCritical, "critical", "حرجة", "critical"},
};
constexpr std::array kComplexities = {
    Term<Complexity>{Complexity::kSimple, "simple", "بسيطة", "simple"},
    Term<Complexity>{Complexity::kModerate, "moderate", "متوسطة", "moderate"},
    Term<Complexity>{Complexity::kComplex, "complex", "معقدة", "complex"},
};
constexpr std::array kImpacts = {
    Term<Impact>{Impact::kIndividual, "individual", "فردي", "one beneficiary"},
    Term<Impact>{Impact::kGroup, "group", "مجموعة من المستفيدين", "a group of beneficiaries"},
    Term<Impact>{Impact::kWidespread, "widespread", "واسع النطاق", "widespread"},
};
constexpr std::array kOutcomes = {
    Term<Outcome>{Outcome::kUpheld, "upheld", "مقبولة", "upheld"},
    Term<Outcome>{Outcome::kPartiallyUpheld, "partially_upheld", "مقبولة جزئيًا",
                  "partially upheld"},
    Term<Outcome>{Outcome::kNotUpheld, "not_upheld", "غير مقبولة", "not upheld"},
};
constexpr std::array kRemedies = {
    Term<Remedy>{Remedy::kApology, "apology", "اعتذار", "apology"},
    Term<Remedy>{Remedy::kCorrection, "correction", "تصحيح", "correction"},
    Term<Remedy>{Remedy::kExplanation, "explanation", "توضيح", "explanation"},
    Term<Remedy>{Remedy::kRefund, "refund", "استرداد مبلغ", "refund"},
    Term<Remedy>{Remedy::kProcessChange, "process_change", "تعديل إجراء", "process change"},
    Term<Remedy>{Remedy::kNone, "none", "لا يوجد", "none"},
};
constexpr std::array kExternalBodies = {
    Term<ExternalBody>{ExternalBody::kDigitalGovernmentAuthority, "digital_government_authority",
                       "هيئة الحكومة الرقمية (الشكوى الرقمية)",
                       "Digital Government Authority (digital complaint)"},
    Term<ExternalBody>{ExternalBody::kAmer, "amer", "مركز اتصال آمر", "Amer contact centre"},
};

}  // namespace

template <>
std::span<const Term<Priority>> TermsOf<Priority>() {
  return kPriorities;
}
template <>
std::span<const Term<Severity>> TermsOf<Severity>() {
  return kSeverities;
}
template <>
std::span<const Term<Complexity>> TermsOf<Complexity>() {
  return kComplexities;
}
template <>
std::span<const Term<Impact>> TermsOf<Impact>() {
  return kImpacts;
}
template <>
std::span<const Term<Outcome>> TermsOf<Outcome>() {
  return kOutcomes;
}
template <>
std::span<const Term<Remedy>> TermsOf<Remedy>() {
  return kRemedies;
}
template <>
std::span<const Term<ExternalBody>> TermsOf<ExternalBody>() {
  return kExternalBodies;
}

}  // namespace shakwa::domain
