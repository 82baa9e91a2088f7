#include "domain/category.hpp"

#include <array>

namespace shakwa::domain {

std::span<const Category> DefaultCategories() {
  static const std::array<Category, 12> kDefaults = {{
      {"registration", "التسجيل والاشتراك", "registration and subscription", true},
      {"login_identity", "الدخول والهوية", "sign-in and identity", true},
      {"tenders", "المنافسات والمشتريات", "tenders and procurement", true},
      {"award_grievance", "التظلم على الترسية", "grievance against an award", true},
      {"contracts", "العقود", "contracts", true},
      {"payments", "المدفوعات وأوامر الدفع", "payments and payment orders", true},
      {"guarantees", "الضمانات", "guarantees", true},
      {"individual_services", "الرواتب والخدمات الفردية", "salaries and individual services", true},
      {"technical", "المشكلات التقنية", "technical problems", true},
      {"staff_conduct", "خدمة المستفيدين وسلوك الموظفين", "service and staff conduct", true},
      {"complaint_process", "إجراءات معالجة الشكاوى", "the complaints process itself", true},
      {"other", "أخرى", "other", true},
  }};
  return kDefaults;
}

CategoryCatalogue::CategoryCatalogue(std::vector<Category> categories)
    : categories_(std::move(categories)) {
  for (const Category& c : categories_) {
    if (!c.active) continue;
    if (!active_codes_.empty()) active_codes_ += ", ";
    active_codes_ += c.code;
  }
}

bool CategoryCatalogue::Accepts(std::string_view code) const {
  for (const Category& c : categories_) {
    if (c.active && c.code == code) return true;
  }
  return false;
}

}  // namespace shakwa::domain
