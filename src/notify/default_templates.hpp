// The words of the default templates (internal to shakwa_notify): one table, so that a translator
// or reviewer reads every message in one file, default_templates.cpp.
//
// Thread safety: immutable static data.
#pragma once

#include <span>
#include <string_view>

namespace shakwa::notify::internal {

struct DefaultParts {
  std::string_view subject, text, sms;
};

struct DefaultTemplate {
  std::string_view name;
  bool for_staff;
  std::span<const std::string_view> variables;  // a test checks them against the parts
  std::string_view description_ar, description_en;
  DefaultParts ar, en;
};

std::span<const DefaultTemplate> DefaultTemplates();

}  // namespace shakwa::notify::internal
