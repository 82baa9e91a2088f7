// Categories of feedback (DOMAIN.md "Default categories"). Configurable by an admin; the defaults
// ship as seed data. A CategoryCatalogue is an immutable snapshot that validation reads.
//
// Thread safety: a CategoryCatalogue is immutable after construction; share it freely.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shakwa::domain {

struct Category {
  std::string code;
  std::string name_ar;
  std::string name_en;
  bool active = true;
};

// The twelve categories DOMAIN.md lists, in its order.
std::span<const Category> DefaultCategories();

class CategoryCatalogue {
 public:
  explicit CategoryCatalogue(std::vector<Category> categories);

  // True for an active category's code.
  bool Accepts(std::string_view code) const;
  // "registration, login_identity, …": the active codes, for error messages.
  const std::string& ActiveCodes() const { return active_codes_; }
  std::span<const Category> all() const { return categories_; }

 private:
  std::vector<Category> categories_;
  std::string active_codes_;
};

}  // namespace shakwa::domain
