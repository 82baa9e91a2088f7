// How cases look on the wire: in full to staff (with the beneficiary's identity as need-to-know
// allows), as a queue row (masked), and to the beneficiary (public events, staff only by role).
#pragma once

#include <boost/json/fwd.hpp>

#include "app/staff_cases.hpp"
#include "app/view_case.hpp"
#include "domain/sla.hpp"

namespace shakwa::http::api {

boost::json::object StaffCaseJson(const app::StaffCaseView& view, domain::Instant now,
                                  domain::Language language);
boost::json::object QueueRowJson(const domain::Case& c, const domain::StaffUser& reader,
                                 domain::Instant now, domain::Language language);
boost::json::object BeneficiaryCaseJson(const domain::Case& c,
                                        const std::vector<domain::CaseEvent>& timeline,
                                        const domain::EscalationLadder& ladder,
                                        domain::Language language);
// After an action: the case's new version and status, for the caller's next action.
boost::json::object ActionResultJson(const domain::Case& c, domain::Instant now,
                                     domain::Language language);
boost::json::object AttachmentJson(const app::Attachment& a, const std::string& reference);

}  // namespace shakwa::http::api
