#include "notify/default_templates.hpp"

#include <array>

namespace shakwa::notify::internal {
namespace {

// Arabic addresses the beneficiary in the plural of respect (طلبكم، نفيدكم): it suits a
// government body, a company or a person alike, and needs no guess at anyone's gender. A case is
// "طلبكم" with its kind in brackets, because the kinds differ in gender (شكوى، اقتراح).
//
// Sections sit on lines of their own where they can: a line holding only section tags vanishes
// when the section is absent. Render() collapses the blank lines an absent section leaves.

// Shared pieces, as literals so that each body stays one constant.
#define SHAKWA_GREETING_AR                                                                                         \
  "{{#name}}المستفيد الكريم/ {{name}}،{{/name}}{{^name}}المستفيد الكريم،{{/name}}\n" \
  "السلام عليكم ورحمة الله وبركاته،\n\n"
#define SHAKWA_GREETING_EN "Dear {{#name}}{{name}}{{/name}}{{^name}}beneficiary{{/name}},\n\n"
#define SHAKWA_CLOSING_AR                                                                                                                       \
  "\n\nتجدون في دليل الشكاوى أوقات العمل ومهل الاستجابة وآلية التصعيد:\n{{guide_url}}\n\n" \
  "مع خالص التحية والتقدير،\n{{centre}}"
#define SHAKWA_CLOSING_EN                                                                   \
  "\n\nOur complaints guide sets out our working hours, response times and how escalation " \
  "works:\n{{guide_url}}\n\nKind regards,\n{{centre}}"
#define SHAKWA_STAFF_GREETING_AR "السلام عليكم{{#staff_name}} {{staff_name}}{{/staff_name}}،\n\n"
#define SHAKWA_STAFF_GREETING_EN "Hello{{#staff_name}} {{staff_name}}{{/staff_name}},\n\n"
#define SHAKWA_STAFF_CLOSING_AR "\n\nلفتح الطلب:\n{{case_url}}\n\nنظام إدارة الشكاوى - {{centre}}"
#define SHAKWA_STAFF_CLOSING_EN \
  "\n\nOpen the case:\n{{case_url}}\n\nComplaints management system - {{centre}}"

constexpr std::string_view kAcknowledgementVars[] = {
    "access_code", "case_subject", "centre",    "first_response_by", "guide_url", "kind",
    "name",        "received_at",  "reference", "resolution_by",     "status",    "track_url"};
constexpr std::string_view kInformationRequestedVars[] = {"case_subject", "centre",  "guide_url",
                                                          "kind",         "message", "name",
                                                          "reference",    "status",  "track_url"};
constexpr std::string_view kProgressVars[] = {
    "case_subject", "centre",          "guide_url", "kind",   "message",
    "name",         "previous_status", "reference", "status", "track_url"};
constexpr std::string_view kProgressUpdateVars[] = {"case_subject",  "centre", "guide_url",
                                                    "kind",          "name",   "reference",
                                                    "resolution_by", "status", "track_url"};
constexpr std::string_view kEscalatedVars[] = {
    "case_subject", "centre", "guide_url", "kind",   "level",
    "level_name",   "name",   "reference", "status", "track_url"};
constexpr std::string_view kDecisionVars[] = {
    "appeal_until", "case_subject", "centre",        "guide_url", "kind",   "message",  "name",
    "outcome",      "recourse_how", "recourse_name", "reference", "status", "track_url"};
constexpr std::string_view kClosureVars[] = {"case_subject", "centre",   "guide_url", "kind",
                                             "message",      "name",     "reference", "status",
                                             "survey_url",   "track_url"};
constexpr std::string_view kExternalRecourseVars[] = {
    "case_subject", "centre",        "guide_url", "kind",   "name",
    "recourse_how", "recourse_name", "reference", "status", "track_url"};
constexpr std::string_view kAssignedVars[] = {"case_subject", "case_url",  "centre",
                                              "priority",     "reference", "resolution_by",
                                              "staff_name",   "status"};
constexpr std::string_view kSlaWarningVars[] = {
    "case_subject", "case_url", "centre", "reference", "resolution_by", "staff_name", "status"};
constexpr std::string_view kEscalationAssignedVars[] = {"case_subject",  "case_url",   "centre",
                                                        "level",         "level_name", "reference",
                                                        "resolution_by", "staff_name", "status"};

const std::array kDefaults = {
    // ---------------------------------------------------------------------------------------
    DefaultTemplate{
        "acknowledgement",
        false,
        kAcknowledgementVars,
        "فور استلام الطلب: الرقم المرجعي ورمز الدخول والمهل المتوقعة",
        "On receipt: the reference number, the access code and the expected timeframe",
        {
            "[{{reference}}] إشعار استلام: {{case_subject}}",
            SHAKWA_GREETING_AR
            "نشكركم على تواصلكم مع {{centre}}، ونفيدكم باستلام طلبكم ({{kind}}) وتسجيله "
            "في {{received_at}}.\n\n"
            "الرقم المرجعي: {{reference}}\n"
            "رمز الدخول: {{access_code}}\n"
            "النوع: {{kind}}\n"
            "الموضوع: {{case_subject}}\n"
            "الحالة: {{status}}\n\n"
            "يُرجى الاحتفاظ برمز الدخول في مكان آمن وعدم مشاركته مع أحد؛ فهو مع الرقم المرجعي "
            "ما يتيح لكم متابعة طلبكم والاطلاع على تفاصيله.\n\n"
            "ما الخطوات التالية؟\n"
            "سيراجع الفريق المختص طلبكم، ويوافيكم بردٍّ أولي في موعد أقصاه "
            "{{first_response_by}}.\n"
            "{{#resolution_by}}\n"
            "ونعمل على معالجته وإبلاغكم بالقرار في موعد أقصاه {{resolution_by}}، فإن انقضى "
            "هذا الموعد دون قرار صُعِّد الطلب تلقائيًا، ويحق لكم كذلك تصعيده بأنفسكم من صفحة "
            "المتابعة.\n"
            "{{/resolution_by}}\n"
            "وسنوافيكم بكل مستجد، علمًا بأن المهل تتوقف ما دمنا بانتظار ردكم على أي استفسار "
            "نرسله إليكم.\n\n"
            "لمتابعة طلبكم في أي وقت:\n"
            "{{track_url}}" SHAKWA_CLOSING_AR,
            "استلمنا طلبكم رقم {{reference}}، ورمز الدخول {{access_code}} (لا تشاركوه مع "
            "أحد). للمتابعة: {{track_url}}",
        },
        {
            "[{{reference}}] We have received your {{kind}}: {{case_subject}}",
            SHAKWA_GREETING_EN
            "Thank you for contacting {{centre}}. We received your {{kind}} on "
            "{{received_at}} and have recorded it.\n\n"
            "Reference number: {{reference}}\n"
            "Access code: {{access_code}}\n"
            "Type: {{kind}}\n"
            "Subject: {{case_subject}}\n"
            "Status: {{status}}\n\n"
            "Please keep your access code safe and do not share it with anyone: together with "
            "the reference number, it is what lets you follow your case and see its details.\n\n"
            "What happens next\n"
            "The team responsible will review your {{kind}} and send you a first response by "
            "{{first_response_by}}.\n"
            "{{#resolution_by}}\n"
            "We aim to resolve it and tell you our decision by {{resolution_by}}. If no decision "
            "has been made by then, your case is escalated automatically, and you may also "
            "escalate it yourself on the tracking page.\n"
            "{{/resolution_by}}\n"
            "We will keep you informed of any progress. The time limits pause while we are "
            "waiting for an answer from you.\n\n"
            "Track your case at any time:\n"
            "{{track_url}}" SHAKWA_CLOSING_EN,
            "We received your {{kind}}. Reference {{reference}}, access code {{access_code}} "
            "(keep it private). Track it: {{track_url}}",
        },
    },
    // ---------------------------------------------------------------------------------------
    DefaultTemplate{
        "information_requested",
        false,
        kInformationRequestedVars,
        "حين يطلب الموظف من المستفيد معلومات إضافية (تتوقف المهلة حتى يرد)",
        "When staff ask the beneficiary for more information (the clock pauses until they answer)",
        {
            "[{{reference}}] نحتاج منكم إلى معلومات إضافية",
            SHAKWA_GREETING_AR
            "نعمل على معالجة طلبكم ({{kind}}) بعنوان «{{case_subject}}»، ونحتاج منكم إلى ما "
            "يلي لنتمكن من استكماله:\n\n"
            "{{message}}\n\n"
            "يمكنكم الرد على هذه الرسالة مباشرة، أو من صفحة متابعة الطلب:\n"
            "{{track_url}}\n\n"
            "تتوقف مهلة معالجة الطلب إلى حين وصول ردكم، وتُستأنف فور استلامه.\n\n"
            "الرقم المرجعي: {{reference}}\n"
            "الحالة: {{status}}" SHAKWA_CLOSING_AR,
            "طلبكم {{reference}}: نحتاج منكم إلى معلومات إضافية، وتتوقف المهلة حتى يصلنا "
            "ردكم. للرد: {{track_url}}",
        },
        {
            "[{{reference}}] We need more information from you",
            SHAKWA_GREETING_EN
            "We are working on your {{kind}} \"{{case_subject}}\" and need the following from "
            "you to take it further:\n\n"
            "{{message}}\n\n"
            "You can answer by replying to this e-mail, or on the tracking page:\n"
            "{{track_url}}\n\n"
            "The time limit for your case pauses until your answer arrives and resumes as soon as "
            "we receive it.\n\n"
            "Reference number: {{reference}}\n"
            "Status: {{status}}" SHAKWA_CLOSING_EN,
            "Case {{reference}}: we need more information from you; the clock pauses until you "
            "answer. Reply here: {{track_url}}",
        },
    },
    // ---------------------------------------------------------------------------------------
    DefaultTemplate{
        "progress",
        false,
        kProgressVars,
        "عند تغيّر حالة الطلب أو إضافة رد يطّلع عليه المستفيد",
        "When the case's status changes or staff add a reply the beneficiary can see",
        {
            "[{{reference}}] مستجدات طلبكم: {{status}}",
            SHAKWA_GREETING_AR
            "نودّ إحاطتكم بمستجدات طلبكم ({{kind}}) بعنوان «{{case_subject}}».\n\n"
            "{{#previous_status}}\n"
            "تغيّرت حالة الطلب من «{{previous_status}}» إلى «{{status}}».\n"
            "{{/previous_status}}\n"
            "{{^previous_status}}\n"
            "حالة الطلب: {{status}}\n"
            "{{/previous_status}}\n"
            "{{#message}}\n\n"
            "رد الفريق المختص:\n"
            "{{message}}\n"
            "{{/message}}\n\n"
            "الرقم المرجعي: {{reference}}\n"
            "للاطلاع على تفاصيل طلبكم وسجله:\n"
            "{{track_url}}" SHAKWA_CLOSING_AR,
            "طلبكم {{reference}}: حالته الآن «{{status}}». التفاصيل: {{track_url}}",
        },
        {
            "[{{reference}}] Update on your {{kind}}: {{status}}",
            SHAKWA_GREETING_EN
            "We would like to update you on your {{kind}} \"{{case_subject}}\".\n\n"
            "{{#previous_status}}\n"
            "Its status has changed from \"{{previous_status}}\" to \"{{status}}\".\n"
            "{{/previous_status}}\n"
            "{{^previous_status}}\n"
            "Status: {{status}}\n"
            "{{/previous_status}}\n"
            "{{#message}}\n\n"
            "Reply from the team responsible:\n"
            "{{message}}\n"
            "{{/message}}\n\n"
            "Reference number: {{reference}}\n"
            "See your case and its history:\n"
            "{{track_url}}" SHAKWA_CLOSING_EN,
            "Case {{reference}} is now \"{{status}}\". Details: {{track_url}}",
        },
    },
    // ---------------------------------------------------------------------------------------
    DefaultTemplate{
        "progress_update",
        false,
        kProgressUpdateVars,
        "عند مضي فترة التحديث الدوري دون أي إشعار: الطلب ما زال قيد المعالجة",
        "When the update interval passes with nothing said: the case is still being handled",
        {
            "[{{reference}}] طلبكم ما زال قيد المعالجة",
            SHAKWA_GREETING_AR
            "نودّ طمأنتكم بأن طلبكم ({{kind}}) بعنوان «{{case_subject}}» ما زال قيد المعالجة "
            "لدى الفريق المختص، وسنوافيكم بأي مستجد فور حدوثه.\n\n"
            "الرقم المرجعي: {{reference}}\n"
            "الحالة: {{status}}\n"
            "{{#resolution_by}}\n"
            "الموعد المحدد لإصدار القرار: {{resolution_by}}\n"
            "{{/resolution_by}}\n\n"
            "لمتابعة طلبكم:\n"
            "{{track_url}}" SHAKWA_CLOSING_AR,
            "طلبكم {{reference}} ما زال قيد المعالجة، وسنوافيكم بأي مستجد. للمتابعة: "
            "{{track_url}}",
        },
        {
            "[{{reference}}] Your {{kind}} is still being handled",
            SHAKWA_GREETING_EN
            "We would like to reassure you that your {{kind}} \"{{case_subject}}\" is still "
            "being handled by the team responsible. We will tell you as soon as there is any "
            "news.\n\n"
            "Reference number: {{reference}}\n"
            "Status: {{status}}\n"
            "{{#resolution_by}}\n"
            "Decision due by: {{resolution_by}}\n"
            "{{/resolution_by}}\n\n"
            "Track your case:\n"
            "{{track_url}}" SHAKWA_CLOSING_EN,
            "Case {{reference}} is still being handled; we will tell you of any news. Track it: "
            "{{track_url}}",
        },
    },
    // ---------------------------------------------------------------------------------------
    DefaultTemplate{
        "escalated",
        false,
        kEscalatedVars,
        "عند تصعيد الطلب إلى مستوى أعلى، تلقائيًا أو بطلب المستفيد",
        "When the case is escalated to a higher level, automatically or at the beneficiary's "
        "request",
        {
            "[{{reference}}] صُعِّد طلبكم إلى {{level_name}}",
            SHAKWA_GREETING_AR
            "نفيدكم بأن طلبكم ({{kind}}) بعنوان «{{case_subject}}» قد صُعِّد إلى المستوى "
            "{{level}} من مستويات التصعيد ({{level_name}})، لمراجعته والإسراع في معالجته، "
            "وسنبلغكم بما يُتخذ بشأنه.\n\n"
            "الرقم المرجعي: {{reference}}\n"
            "الحالة: {{status}}\n\n"
            "لمتابعة طلبكم:\n"
            "{{track_url}}" SHAKWA_CLOSING_AR,
            "صُعِّد طلبكم {{reference}} إلى {{level_name}}. للمتابعة: {{track_url}}",
        },
        {
            "[{{reference}}] Your {{kind}} has been escalated to the {{level_name}}",
            SHAKWA_GREETING_EN
            "Your {{kind}} \"{{case_subject}}\" has been escalated to level {{level}} "
            "({{level_name}}), to be reviewed and dealt with as quickly as possible. We will let "
            "you know what is decided.\n\n"
            "Reference number: {{reference}}\n"
            "Status: {{status}}\n\n"
            "Track your case:\n"
            "{{track_url}}" SHAKWA_CLOSING_EN,
            "Case {{reference}} has been escalated to the {{level_name}}. Track it: {{track_url}}",
        },
    },
    // ---------------------------------------------------------------------------------------
    DefaultTemplate{
        "decision",
        false,
        kDecisionVars,
        "عند صدور القرار في الطلب، مع خيارات المستفيد: القبول أو الاعتراض والتصعيد",
        "When the decision is made, with the beneficiary's options: accept, or appeal",
        {
            "[{{reference}}] صدر القرار في طلبكم: {{outcome}}",
            SHAKWA_GREETING_AR
            "نفيدكم بصدور القرار في طلبكم ({{kind}}) بعنوان «{{case_subject}}».\n\n"
            "النتيجة: {{outcome}}\n\n"
            "{{message}}\n\n"
            "ما الخيارات المتاحة لكم الآن؟\n"
            "- إذا كان القرار مرضيًا لكم، يمكنكم قبوله من صفحة المتابعة.\n"
            "- وإذا لم يكن مرضيًا، يمكنكم الاعتراض عليه وطلب تصعيده إلى مستوى أعلى من صفحة "
            "المتابعة{{#appeal_until}} في موعد أقصاه {{appeal_until}}{{/appeal_until}}.\n"
            "{{#recourse_name}}\n"
            "- ويحق لكم كذلك التقدم إلى {{recourse_name}}: {{recourse_how}}\n"
            "{{/recourse_name}}\n"
            "{{#appeal_until}}\n\n"
            "وإذا لم يصلنا ردكم حتى {{appeal_until}}، عُدّ القرار مقبولًا وأُغلق الطلب.\n"
            "{{/appeal_until}}\n\n"
            "صفحة المتابعة:\n"
            "{{track_url}}\n\n"
            "الرقم المرجعي: {{reference}}\n"
            "الحالة: {{status}}" SHAKWA_CLOSING_AR,
            "صدر القرار في طلبكم {{reference}}: {{outcome}}. للاطلاع عليه وقبوله أو الاعتراض "
            "عليه: {{track_url}}",
        },
        {
            "[{{reference}}] Decision on your {{kind}}: {{outcome}}",
            SHAKWA_GREETING_EN
            "A decision has been made on your {{kind}} \"{{case_subject}}\".\n\n"
            "Outcome: {{outcome}}\n\n"
            "{{message}}\n\n"
            "What you can do now\n"
            "- If you are satisfied with the decision, you can accept it on the tracking page.\n"
            "- If you are not, you can appeal and ask for the case to be escalated to a higher "
            "level on the tracking page{{#appeal_until}} by {{appeal_until}}{{/appeal_until}}.\n"
            "{{#recourse_name}}\n"
            "- You may also take the matter to {{recourse_name}}: {{recourse_how}}\n"
            "{{/recourse_name}}\n"
            "{{#appeal_until}}\n\n"
            "If we have not heard from you by {{appeal_until}}, the decision is taken as accepted "
            "and the case is closed.\n"
            "{{/appeal_until}}\n\n"
            "Tracking page:\n"
            "{{track_url}}\n\n"
            "Reference number: {{reference}}\n"
            "Status: {{status}}" SHAKWA_CLOSING_EN,
            "Decision on case {{reference}}: {{outcome}}. Read it, accept it or appeal: "
            "{{track_url}}",
        },
    },
    // ---------------------------------------------------------------------------------------
    DefaultTemplate{
        "closure",
        false,
        kClosureVars,
        "عند إغلاق الطلب، مع رابط استبيان الرضا إن وُجد",
        "When the case is closed, with the satisfaction survey's link if there is one",
        {
            "[{{reference}}] أُغلق طلبكم",
            SHAKWA_GREETING_AR
            "نفيدكم بإغلاق طلبكم ({{kind}}) بعنوان «{{case_subject}}».\n"
            "{{#message}}\n\n"
            "{{message}}\n"
            "{{/message}}\n\n"
            "نشكركم على تواصلكم معنا وثقتكم بنا؛ فملاحظاتكم تعيننا على تحسين خدماتنا.\n"
            "{{#survey_url}}\n\n"
            "يسعدنا أن تشاركونا رأيكم في معالجة طلبكم عبر استبيان قصير:\n"
            "{{survey_url}}\n"
            "{{/survey_url}}\n\n"
            "وإذا كان لديكم ما تودّون إضافته، يمكنكم الرد على هذه الرسالة، وسنسجله طلبًا "
            "جديدًا مرتبطًا بهذا الطلب.\n\n"
            "الرقم المرجعي: {{reference}}\n"
            "الحالة: {{status}}\n"
            "يبقى طلبكم متاحًا للاطلاع في صفحة المتابعة:\n"
            "{{track_url}}" SHAKWA_CLOSING_AR,
            "أُغلق طلبكم {{reference}}، شكرًا لتواصلكم معنا.{{#survey_url}} شاركونا رأيكم: "
            "{{survey_url}}{{/survey_url}}{{^survey_url}} للاطلاع: {{track_url}}{{/survey_url}}",
        },
        {
            "[{{reference}}] Your {{kind}} has been closed",
            SHAKWA_GREETING_EN
            "Your {{kind}} \"{{case_subject}}\" has been closed.\n"
            "{{#message}}\n\n"
            "{{message}}\n"
            "{{/message}}\n\n"
            "Thank you for contacting us and for your trust: what you tell us helps us improve "
            "our services.\n"
            "{{#survey_url}}\n\n"
            "We would be glad to hear how we handled your case, in a short survey:\n"
            "{{survey_url}}\n"
            "{{/survey_url}}\n\n"
            "If there is anything you would like to add, you can reply to this e-mail and we will "
            "record it as a new case linked to this one.\n\n"
            "Reference number: {{reference}}\n"
            "Status: {{status}}\n"
            "Your case remains available on the tracking page:\n"
            "{{track_url}}" SHAKWA_CLOSING_EN,
            "Case {{reference}} is closed. Thank you for contacting us.{{#survey_url}} Tell us "
            "how we did: {{survey_url}}{{/survey_url}}{{^survey_url}} Details: "
            "{{track_url}}{{/survey_url}}",
        },
    },
    // ---------------------------------------------------------------------------------------
    DefaultTemplate{
        "external_recourse",
        false,
        kExternalRecourseVars,
        "عند استيفاء جميع مستويات التصعيد الداخلية: جهة الاعتراض الخارجية وطريقة التقدم إليها",
        "When every internal level is exhausted: the external recourse and how to use it",
        {
            "[{{reference}}] جهة الاعتراض الخارجية المتاحة لكم",
            SHAKWA_GREETING_AR
            "نفيدكم بأن طلبكم ({{kind}}) بعنوان «{{case_subject}}» قد استوفى جميع مستويات "
            "المراجعة الداخلية لدى {{centre}}.\n\n"
            "وإذا لم تكن النتيجة مرضية لكم، يحق لكم التقدم بطلبكم إلى {{recourse_name}}:\n"
            "{{recourse_how}}\n\n"
            "يُرجى ذكر الرقم المرجعي عند التقدم: {{reference}}\n"
            "الحالة: {{status}}\n\n"
            "صفحة المتابعة:\n"
            "{{track_url}}" SHAKWA_CLOSING_AR,
            "استوفى طلبكم {{reference}} مستويات المراجعة الداخلية، ويحق لكم التقدم إلى "
            "{{recourse_name}}. التفاصيل: {{track_url}}",
        },
        {
            "[{{reference}}] Taking your {{kind}} further: external recourse",
            SHAKWA_GREETING_EN
            "Your {{kind}} \"{{case_subject}}\" has now been through every level of internal "
            "review at {{centre}}.\n\n"
            "If you are not satisfied with the outcome, you are entitled to take it to "
            "{{recourse_name}}:\n"
            "{{recourse_how}}\n\n"
            "Please quote your reference number when you do: {{reference}}\n"
            "Status: {{status}}\n\n"
            "Tracking page:\n"
            "{{track_url}}" SHAKWA_CLOSING_EN,
            "Case {{reference}} has been through every internal level; you may take it to "
            "{{recourse_name}}. Details: {{track_url}}",
        },
    },
    // --------------------------------------------------------------------------------------- staff
    DefaultTemplate{
        "assigned",
        true,
        kAssignedVars,
        "للموظف عند إسناد طلب إليه",
        "To a member of staff when a case is assigned to them",
        {
            "[{{reference}}] أُسند إليك طلب: {{case_subject}}",
            SHAKWA_STAFF_GREETING_AR
            "أُسند إليك الطلب التالي لمعالجته:\n\n"
            "الرقم المرجعي: {{reference}}\n"
            "الموضوع: {{case_subject}}\n"
            "الأولوية: {{priority}}\n"
            "الحالة: {{status}}\n"
            "{{#resolution_by}}\n"
            "موعد الحل: {{resolution_by}}\n"
            "{{/resolution_by}}\n\n"
            "يُرجى البدء في معالجته والتواصل مع المستفيد ضمن المهل المحددة." SHAKWA_STAFF_CLOSING_AR,
            "أُسند إليك الطلب {{reference}} (الأولوية: {{priority}}): {{case_url}}",
        },
        {
            "[{{reference}}] Case assigned to you: {{case_subject}}",
            SHAKWA_STAFF_GREETING_EN
            "The following case has been assigned to you:\n\n"
            "Reference number: {{reference}}\n"
            "Subject: {{case_subject}}\n"
            "Priority: {{priority}}\n"
            "Status: {{status}}\n"
            "{{#resolution_by}}\n"
            "Resolution due by: {{resolution_by}}\n"
            "{{/resolution_by}}\n\n"
            "Please start on it and keep the beneficiary informed within the time "
            "limits." SHAKWA_STAFF_CLOSING_EN,
            "Case {{reference}} (priority: {{priority}}) has been assigned to you: {{case_url}}",
        },
    },
    // ---------------------------------------------------------------------------------------
    DefaultTemplate{
        "sla_warning",
        true,
        kSlaWarningVars,
        "للموظف المسؤول عند اقتراب موعد حل الطلب",
        "To the member of staff responsible when a case's resolution deadline is near",
        {
            "[{{reference}}] تنبيه: اقترب موعد حل الطلب",
            SHAKWA_STAFF_GREETING_AR
            "اقترب موعد الحل المحدد للطلب التالي، وإن لم يصدر القرار قبل {{resolution_by}} "
            "صُعِّد تلقائيًا وفق سلم التصعيد.\n\n"
            "الرقم المرجعي: {{reference}}\n"
            "الموضوع: {{case_subject}}\n"
            "الحالة: {{status}}\n"
            "موعد الحل: {{resolution_by}}" SHAKWA_STAFF_CLOSING_AR,
            "تنبيه: يحل موعد حل الطلب {{reference}} في {{resolution_by}}. {{case_url}}",
        },
        {
            "[{{reference}}] Reminder: the resolution deadline is near",
            SHAKWA_STAFF_GREETING_EN
            "The resolution deadline of the following case is near. If no decision is made by "
            "{{resolution_by}}, the case is escalated automatically up the escalation ladder.\n\n"
            "Reference number: {{reference}}\n"
            "Subject: {{case_subject}}\n"
            "Status: {{status}}\n"
            "Resolution due by: {{resolution_by}}" SHAKWA_STAFF_CLOSING_EN,
            "Reminder: case {{reference}} is due for resolution by {{resolution_by}}. "
            "{{case_url}}",
        },
    },
    // ---------------------------------------------------------------------------------------
    DefaultTemplate{
        "escalation_assigned",
        true,
        kEscalationAssignedVars,
        "للموظف الذي صُعِّد إليه طلب على أحد مستويات التصعيد",
        "To the member of staff a case has been escalated to, at a level of the ladder",
        {
            "[{{reference}}] صُعِّد إليك طلب (المستوى {{level}})",
            SHAKWA_STAFF_GREETING_AR
            "صُعِّد إليك الطلب التالي على المستوى {{level}} من سلم التصعيد ({{level_name}}):\n\n"
            "الرقم المرجعي: {{reference}}\n"
            "الموضوع: {{case_subject}}\n"
            "الحالة: {{status}}\n"
            "{{#resolution_by}}\n"
            "موعد الحل: {{resolution_by}}\n"
            "{{/resolution_by}}\n\n"
            "يُرجى مراجعته واتخاذ ما يلزم في أقرب وقت." SHAKWA_STAFF_CLOSING_AR,
            "صُعِّد إليك الطلب {{reference}} (المستوى {{level}}): {{case_url}}",
        },
        {
            "[{{reference}}] Case escalated to you (level {{level}})",
            SHAKWA_STAFF_GREETING_EN
            "The following case has been escalated to you at level {{level}} of the escalation "
            "ladder ({{level_name}}):\n\n"
            "Reference number: {{reference}}\n"
            "Subject: {{case_subject}}\n"
            "Status: {{status}}\n"
            "{{#resolution_by}}\n"
            "Resolution due by: {{resolution_by}}\n"
            "{{/resolution_by}}\n\n"
            "Please review it and act on it as soon as possible." SHAKWA_STAFF_CLOSING_EN,
            "Case {{reference}} has been escalated to you (level {{level}}): {{case_url}}",
        },
    },
};

#undef SHAKWA_GREETING_AR
#undef SHAKWA_GREETING_EN
#undef SHAKWA_CLOSING_AR
#undef SHAKWA_CLOSING_EN
#undef SHAKWA_STAFF_GREETING_AR
#undef SHAKWA_STAFF_GREETING_EN
#undef SHAKWA_STAFF_CLOSING_AR
#undef SHAKWA_STAFF_CLOSING_EN

}  // namespace

std::span<const DefaultTemplate> DefaultTemplates() {
  return kDefaults;
}

}  // namespace shakwa::notify::internal
