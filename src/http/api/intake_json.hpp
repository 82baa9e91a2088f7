// Reads an intake form from a JSON object, reporting wrong types and unknown fields as field
// errors by path; the domain validates the meaning (http -> domain, never the other way).
#pragma once

#include <boost/json/fwd.hpp>
#include <optional>
#include <string>

#include "domain/intake.hpp"

namespace shakwa::http::api {

// received_at (when the complaint really arrived) is read only when the caller may set it (an
// agent recording on the beneficiary's behalf); otherwise the field is unknown.
domain::IntakeForm DecodeIntake(const boost::json::object& body,
                                std::optional<std::string>* received_at = nullptr);

}  // namespace shakwa::http::api
