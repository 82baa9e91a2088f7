// The default templates as a whole: every catalogue entry in both languages, with realistic data.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>

#include "notify/templates.hpp"

namespace shakwa::notify {
namespace {

using domain::Language;

// Every variable any template uses, with values of a realistic length.
boost::json::object SampleData(Language language) {
  const bool ar = language == Language::kArabic;
  auto pick = [ar](const char* a, const char* e) { return ar ? a : e; };
  return boost::json::object{
      {"centre", pick("المركز الوطني لنظم الموارد الحكومية",
                      "National Center for Government Resource Systems")},
      {"reference", "C-2026-000123-4"},
      {"name", pick("شركة الأفق للمقاولات", "Horizon Contracting Co.")},
      {"case_subject", pick("تأخر صرف مستخلص العقد", "Late payment of a contract invoice")},
      {"kind", pick("شكوى", "complaint")},
      {"status", pick("قيد المعالجة", "in progress")},
      {"previous_status", pick("تم التقييم", "assessed")},
      {"track_url", "https://shakwa.ncgr.gov.sa/track"},
      {"guide_url", "https://shakwa.ncgr.gov.sa/guide"},
      {"access_code", "K7QM-XHD3-9TWB"},
      {"received_at", pick("الأحد 13 شعبان 1447هـ (1 فبراير 2026م) الساعة 09:00",
                           "Sunday 1 February 2026 (13 Sha'ban 1447 AH) at 09:00")},
      {"first_response_by", pick("الأحد 13 شعبان 1447هـ الساعة 13:00", "Sunday 1 February 13:00")},
      {"resolution_by", pick("الخميس 17 شعبان 1447هـ الساعة 14:00", "Thursday 5 February 14:00")},
      {"message", pick("نرجو تزويدنا برقم أمر الدفع.", "Please send us the payment order number.")},
      {"level", 2},
      {"level_name", pick("مدير الإدارة", "department director")},
      {"outcome", pick("تم الحل", "resolved")},
      {"appeal_until", pick("الخميس 24 شعبان 1447هـ", "Thursday 12 February")},
      {"recourse_name", pick("هيئة الحكومة الرقمية", "the Digital Government Authority")},
      {"recourse_how",
       pick("عبر خدمة الشكوى الرقمية: https://dga.gov.sa/complaints",
            "through its digital complaint service: https://dga.gov.sa/complaints")},
      {"survey_url", "https://shakwa.ncgr.gov.sa/s/ab12"},
      {"case_url", "https://shakwa.ncgr.gov.sa/staff/cases/C-2026-000123-4"},
      {"staff_name", pick("عمر الزهراني", "Omar Alzahrani")},
      {"priority", pick("عالية", "high")},
  };
}

std::string Text(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return boost::json::serialize(v);
}

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

constexpr Language kLanguages[] = {Language::kArabic, Language::kEnglish};
constexpr Part kParts[] = {Part::kSubject, Part::kText, Part::kSms};

TEST(TemplateCatalogue, HoldsTheNamesTheRestOfTheCodeUses) {
  std::vector<std::string> names;
  for (const TemplateInfo& t : TemplateCatalogue()) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"acknowledgement", "information_requested", "progress",
                                             "progress_update", "escalated", "decision", "closure",
                                             "external_recourse", "assigned", "sla_warning",
                                             "escalation_assigned"}));
  for (const TemplateInfo& t : TemplateCatalogue()) {
    EXPECT_EQ(t.for_staff,
              t.name == "assigned" || t.name == "sla_warning" || t.name == "escalation_assigned")
        << t.name;
    EXPECT_FALSE(t.description_ar.empty()) << t.name;
    EXPECT_FALSE(t.description_en.empty()) << t.name;
  }
}

TEST(TemplateCatalogue, VariablesAreExactlyWhatEachLanguageUses) {
  const Templates templates = Templates::Defaults();
  for (const TemplateInfo& t : TemplateCatalogue()) {
    for (const Language language : kLanguages) {
      std::set<std::string> used;
      for (const Part part : kParts) {
        for (std::string& v : VariablesIn(templates.Get(t.name, language, part))) {
          used.insert(std::move(v));
        }
      }
      EXPECT_EQ(std::vector<std::string>(used.begin(), used.end()), t.variables)
          << t.name << (language == Language::kArabic ? " (ar)" : " (en)");
    }
  }
}

TEST(TemplateCatalogue, EveryTemplateHasTheCommonVariablesOfItsAudience) {
  const std::vector<std::string> beneficiary = {"centre", "reference", "name",      "case_subject",
                                                "kind",   "status",    "track_url", "guide_url"};
  const std::vector<std::string> staff = {"centre", "reference", "case_subject",
                                          "status", "case_url",  "staff_name"};
  for (const TemplateInfo& t : TemplateCatalogue()) {
    const std::set<std::string> vars(t.variables.begin(), t.variables.end());
    for (const std::string& v : t.for_staff ? staff : beneficiary) {
      EXPECT_TRUE(vars.contains(v)) << t.name << " lacks " << v;
    }
  }
}

TEST(DefaultTemplates, EveryTemplateRendersInBothLanguagesWithEveryVariable) {
  const Templates templates = Templates::Defaults();
  for (const Language language : kLanguages) {
    const boost::json::object data = SampleData(language);
    const std::string json = boost::json::serialize(data);
    for (const TemplateInfo& t : TemplateCatalogue()) {
      SCOPED_TRACE(t.name + (language == Language::kArabic ? " (ar)" : " (en)"));
      const auto r = templates.Render(t.name, language, json);
      ASSERT_TRUE(r.has_value());
      EXPECT_EQ(r->subject.rfind("[C-2026-000123-4] ", 0), 0u) << r->subject;
      EXPECT_NE(r->text.find("C-2026-000123-4"), std::string::npos);
      EXPECT_NE(r->sms.find("C-2026-000123-4"), std::string::npos);
      EXPECT_NE(r->html.find("C-2026-000123-4"), std::string::npos);
      for (const std::string* part : {&r->subject, &r->text, &r->sms, &r->html}) {
        EXPECT_EQ(part->find("{{"), std::string::npos) << *part;
        EXPECT_EQ(part->find("}}"), std::string::npos) << *part;
      }
      const std::string all = r->subject + "\n" + r->text + "\n" + r->sms;
      for (const std::string& v : t.variables) {
        ASSERT_TRUE(data.contains(v)) << "no sample value for " << v;
        EXPECT_NE(all.find(Text(data.at(v))), std::string::npos) << v << " missing in\n" << all;
      }
      EXPECT_EQ(r->text.find("\n\n\n"), std::string::npos) << r->text;
    }
  }
}

TEST(DefaultTemplates, HtmlHasTheLanguageAndDirectionOfItsLanguage) {
  const Templates templates = Templates::Defaults();
  for (const TemplateInfo& t : TemplateCatalogue()) {
    const auto ar = templates.Render(t.name, Language::kArabic,
                                     boost::json::serialize(SampleData(Language::kArabic)));
    const auto en = templates.Render(t.name, Language::kEnglish,
                                     boost::json::serialize(SampleData(Language::kEnglish)));
    ASSERT_TRUE(ar.has_value() && en.has_value()) << t.name;
    EXPECT_NE(ar->html.find("<html lang=\"ar\" dir=\"rtl\">"), std::string::npos) << t.name;
    EXPECT_NE(en->html.find("<html lang=\"en\" dir=\"ltr\">"), std::string::npos) << t.name;
    EXPECT_NE(ar->html.find("<a href=\"https://shakwa.ncgr.gov.sa/"), std::string::npos) << t.name;
    // The footer names the centre.
    EXPECT_NE(ar->html.find("<hr>\n<p style=\"color: #555555; font-size: 13px;\">المركز الوطني"),
              std::string::npos)
        << t.name;
  }
}

TEST(DefaultTemplates, ValuesWithMarkupAreEscapedExactlyOnceInHtmlOnly) {
  const Templates templates = Templates::Defaults();
  for (const Language language : kLanguages) {
    boost::json::object data = SampleData(language);
    data["case_subject"] = "<i>\"A&B\"</i>";
    for (const TemplateInfo& t : TemplateCatalogue()) {
      const auto r = templates.Render(t.name, language, boost::json::serialize(data));
      ASSERT_TRUE(r.has_value());
      EXPECT_NE(r->text.find("<i>\"A&B\"</i>"), std::string::npos) << t.name;
      EXPECT_NE(r->html.find("&lt;i&gt;&quot;A&amp;B&quot;&lt;/i&gt;"), std::string::npos)
          << t.name;
      EXPECT_EQ(r->html.find("<i>"), std::string::npos) << t.name;
      EXPECT_EQ(r->html.find("&amp;lt;"), std::string::npos) << t.name;
      EXPECT_EQ(r->html.find("&amp;amp;"), std::string::npos) << t.name;
    }
  }
}

TEST(DefaultTemplates, AcknowledgementNamesTheAccessCodeAndTheDeadlines) {
  const auto r = Templates::Defaults().Render(
      "acknowledgement", Language::kArabic, boost::json::serialize(SampleData(Language::kArabic)));
  ASSERT_TRUE(r.has_value());
  EXPECT_NE(r->text.find("رمز الدخول: K7QM-XHD3-9TWB"), std::string::npos) << r->text;
  EXPECT_NE(r->text.find("في مكان آمن"), std::string::npos);
  EXPECT_NE(r->text.find("الخميس 17 شعبان"), std::string::npos);
  EXPECT_NE(r->sms.find("K7QM-XHD3-9TWB"), std::string::npos);
}

TEST(DefaultTemplates, AcknowledgementWithoutAResolutionDateLeavesNoTrace) {
  for (const Language language : kLanguages) {
    boost::json::object data = SampleData(language);
    data.erase("resolution_by");
    const auto r =
        Templates::Defaults().Render("acknowledgement", language, boost::json::serialize(data));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->text.find(language == Language::kArabic ? "صُعِّد الطلب تلقائيًا"
                                                         : "escalated automatically"),
              std::string::npos)
        << r->text;
    EXPECT_EQ(r->text.find("\n\n\n"), std::string::npos);
    // The paragraph closes up: no stray line break where the section was.
    EXPECT_NE(r->text.find(language == Language::kArabic ? "13:00.\nوسنوافيكم"
                                                         : "13:00.\nWe will keep you informed"),
              std::string::npos)
        << r->text;
    EXPECT_NE(
        r->text.find(language == Language::kArabic ? "ما الخطوات التالية؟" : "What happens next"),
        std::string::npos);
  }
}

TEST(DefaultTemplates, ProgressWithoutAReplyOrPreviousStatusSaysTheStatus) {
  boost::json::object data = SampleData(Language::kArabic);
  data.erase("message");
  data.erase("previous_status");
  const auto r =
      Templates::Defaults().Render("progress", Language::kArabic, boost::json::serialize(data));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->text.find("رد الفريق المختص"), std::string::npos) << r->text;
  EXPECT_NE(r->text.find("حالة الطلب: قيد المعالجة"), std::string::npos) << r->text;
}

TEST(DefaultTemplates, DecisionWithoutAppealDateOrRecourseDropsThoseLines) {
  boost::json::object data = SampleData(Language::kEnglish);
  data.erase("appeal_until");
  data.erase("recourse_name");
  data.erase("recourse_how");
  const auto r =
      Templates::Defaults().Render("decision", Language::kEnglish, boost::json::serialize(data));
  ASSERT_TRUE(r.has_value());
  EXPECT_NE(r->text.find("to a higher level on the tracking page.\n"), std::string::npos)
      << r->text;
  EXPECT_EQ(r->text.find("You may also take"), std::string::npos);
  EXPECT_EQ(r->text.find("taken as accepted"), std::string::npos);
}

TEST(DefaultTemplates, ClosureSmsLinksTheSurveyOrElseTheCase) {
  boost::json::object data = SampleData(Language::kArabic);
  const Templates templates = Templates::Defaults();
  const auto with = templates.Render("closure", Language::kArabic, boost::json::serialize(data));
  ASSERT_TRUE(with.has_value());
  EXPECT_NE(with->sms.find("/s/ab12"), std::string::npos);
  data.erase("survey_url");
  const auto without = templates.Render("closure", Language::kArabic, boost::json::serialize(data));
  ASSERT_TRUE(without.has_value());
  EXPECT_NE(without->sms.find("/track"), std::string::npos);
  EXPECT_EQ(without->text.find("استبيان"), std::string::npos);
}

TEST(DefaultTemplates, ArabicSmsFitsInAboutTwoSegments) {
  // UCS-2 SMS: 67 characters a segment when split; aim at 140 after typical substitution.
  const Templates templates = Templates::Defaults();
  const std::string json = boost::json::serialize(SampleData(Language::kArabic));
  for (const TemplateInfo& t : TemplateCatalogue()) {
    const auto r = templates.Render(t.name, Language::kArabic, json);
    ASSERT_TRUE(r.has_value());
    EXPECT_LE(CodePoints(r->sms), t.for_staff ? 160u : 140u) << t.name << ": " << r->sms;
    EXPECT_EQ(r->sms.find('\n'), std::string::npos) << t.name;
  }
}

}  // namespace
}  // namespace shakwa::notify
