// ManageTemplates: an admin changes the wording of a notice (a template's subject, text or SMS
// in one language). The wording is checked, kept durably with an audit record, then put in force
// for every message sent after; at start-up every kept wording is put in force again.
//
// Thread safety: all members may be called from any thread; Save blocks until durable.
#pragma once

#include <vector>

#include "app/ports/clock.hpp"
#include "app/ports/store.hpp"
#include "app/ports/template_book.hpp"

namespace shakwa::app {

class ManageTemplates {
 public:
  ManageTemplates(Store& store, const Clock& clock, TemplateBook& book);

  std::vector<TemplateView> List() const;
  // REQUIRES: admin acts as an admin (the HTTP guard's job). Returns the template as now in
  // force.
  domain::Result<TemplateView> Save(const domain::Actor& admin, const std::string& name,
                                    domain::Language language, const std::string& part,
                                    std::string body) const;
  // Puts every kept wording in force; returns the ones no longer valid (left out, by name).
  domain::Result<std::vector<std::string>> LoadSaved() const;

 private:
  Store& store_;
  const Clock& clock_;
  TemplateBook& book_;
};

}  // namespace shakwa::app
