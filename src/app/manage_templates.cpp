#include "app/manage_templates.hpp"

#include "app/audit_record.hpp"
#include "app/write_and_wait.hpp"
#include "domain/json_writer.hpp"

namespace shakwa::app {

ManageTemplates::ManageTemplates(Store& store, const Clock& clock, TemplateBook& book)
    : store_(store), clock_(clock), book_(book) {}

std::vector<TemplateView> ManageTemplates::List() const {
  return book_.List();
}

domain::Result<TemplateView> ManageTemplates::Save(const domain::Actor& admin,
                                                   const std::string& name,
                                                   domain::Language language,
                                                   const std::string& part,
                                                   std::string body) const {
  if (domain::Status s = book_.Check(name, language, part, body); !s.ok()) {
    return std::move(s).error();
  }
  MessageTemplateText text;
  text.name = name;
  text.language = language;
  text.part = part;
  text.body = body;
  if (admin.kind == domain::Actor::Kind::kStaff && !admin.id.empty()) {
    text.updated_by = std::stoll(admin.id);
  }
  text.updated_at = clock_.Now();
  const domain::Actor& actor = admin;
  domain::Status saved = WriteAndWait(store_, [&](WriteTransaction& tx) -> domain::Status {
    if (domain::Status s = tx.SaveMessageTemplate(text); !s.ok()) return s;
    // The new wording itself is on the record: what beneficiaries were told is evidence.
    domain::JsonWriter detail;
    detail.Add("name", std::string_view(name))
        .Add("language", language == domain::Language::kArabic ? "ar" : "en")
        .Add("part", std::string_view(part))
        .Add("body", std::string_view(text.body));
    return Audit(tx, text.updated_at, actor, "template.changed", "templates/" + name,
                 detail.Finish());
  });
  if (!saved.ok()) return std::move(saved).error();
  if (domain::Status s = book_.Apply(name, language, part, std::move(body)); !s.ok()) {
    return std::move(s).error();
  }
  for (TemplateView& view : book_.List()) {
    if (view.name == name) return std::move(view);
  }
  return domain::Error::Of(domain::ErrorCode::kInternal, domain::MessageId::kInternalError,
                           "template " + name + " vanished");
}

domain::Result<std::vector<std::string>> ManageTemplates::LoadSaved() const {
  auto saved = ReadValue<std::vector<MessageTemplateText>>(
      store_, [](ReadTransaction& tx) { return tx.MessageTemplates(); });
  if (!saved) return std::move(saved).error();
  std::vector<std::string> refused;
  for (MessageTemplateText& t : *saved) {
    const std::string label =
        t.name + "/" + (t.language == domain::Language::kArabic ? "ar" : "en") + "/" + t.part;
    if (!book_.Apply(t.name, t.language, t.part, std::move(t.body)).ok()) {
      refused.push_back(label);
    }
  }
  return refused;
}

}  // namespace shakwa::app
