// TemplateBook: the message templates as an admin sees and edits them (the wording of every
// notice, per language and part). The adapter (MessageCourier) validates and renders; the
// store keeps an admin's wording (message_templates) so it survives a restart.
//
// Thread safety: adapters allow List and Apply from any thread.
#pragma once

#include <string>
#include <vector>

#include "domain/messages.hpp"
#include "domain/result.hpp"

namespace shakwa::app {

struct TemplateView {
  struct Body {
    domain::Language language = domain::Language::kArabic;
    std::string part;  // "subject", "text", "sms"
    std::string body;
  };
  std::string name;
  bool for_staff = false;
  std::string description_ar, description_en;  // when it is sent
  std::vector<std::string> variables;          // what a body may use
  std::vector<Body> bodies;                    // in force now
};

class TemplateBook {
 public:
  virtual ~TemplateBook() = default;
  virtual std::vector<TemplateView> List() const = 0;
  // Whether body would be accepted by Apply (the same errors), changing nothing.
  virtual domain::Status Check(const std::string& name, domain::Language language,
                               const std::string& part, const std::string& body) const = 0;
  // Puts body in force for (name, language, part); kInvalidInput naming the field when it is
  // not a valid template (unknown name or part, bad mustache, too long). Changes nothing then.
  virtual domain::Status Apply(const std::string& name, domain::Language language,
                               const std::string& part, std::string body) = 0;
};

}  // namespace shakwa::app
