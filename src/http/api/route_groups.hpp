// The route files, each registering its endpoints through Guard (access.hpp).
#pragma once

#include <boost/json/fwd.hpp>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "attachments/policy.hpp"
#include "domain/calendar.hpp"
#include "http/api/routes.hpp"

namespace shakwa::http::api {

void AddAccountRoutes(Router& router, const Dependencies& deps);  // auth, admin, audit
void AddCaseRoutes(Router& router, const Dependencies& deps);     // queues, cases, actions
void AddAttachmentRoutes(Router& router, const Dependencies& deps);
void AddGuideRoutes(Router& router, const Dependencies& deps);  // the guide, the calendar (admin)
void AddMailgateRoutes(Router& router, const Dependencies& deps);  // e-mail intake
void AddTemplateRoutes(Router& router, const Dependencies& deps);  // message wording (admin)

// GET /api/v1/cases's query (filters, sort, cursor, limit) as a CaseQuery; unknown parameters
// and values are field errors. The console's queues read the same.
domain::Result<app::CaseQuery> ParseCaseQuery(std::string_view query_text, domain::Instant now);

// The Hijri year an admin names (GET and PUT /api/v1/admin/calendar/holidays…, and the console's
// calendar page): 1400-1500, else a field error naming field.
std::optional<int> ParseHijriYear(std::string_view text, std::string_view field,
                                  std::vector<domain::FieldError>& errors);
// Whether the holiday named key follows the Hijri calendar: only those an admin confirms or moves.
bool FollowsHijriCalendar(const domain::CalendarSettings& settings, std::string_view key);
// A holiday's first or last date as sent (an ISO date); not a real date: an invalid Date, which
// AdjustHoliday refuses naming the field.
domain::Date HolidayDate(std::string_view text);
// Confirms or moves a Hijri holiday (ManageCalendar::Adjust), its errors naming the fields as
// the admin sent them ("first", "last"); kUnavailable when this installation has no calendar to
// adjust. Blocks on the store.
domain::Result<domain::Holiday> AdjustHoliday(const Dependencies& deps,
                                              const domain::HolidayAdjustment& adjustment,
                                              const domain::Actor& by);

// What the store records of files the attachment policy accepted.
std::vector<app::Attachment> AttachmentRecords(
    const std::vector<attachments::AcceptedFile>& accepted,
    domain::CaseEvent::Visibility visibility);

// POST /api/v1/cases as multipart/form-data: the case as JSON in the part named "case", and
// files in any other parts. Every file is checked before anything is stored.
void SubmitWithFiles(
    const Dependencies& deps, const Request& request, const domain::Principal& principal,
    std::function<void(const boost::json::object& form, std::vector<app::Attachment> files)> submit,
    Respond respond);

}  // namespace shakwa::http::api
