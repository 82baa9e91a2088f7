// Reads an intake form from a JSON object, reporting wrong types and unknown fields as field
// errors by path; the domain validates the meaning (http -> domain, never the other way).
#pragma once

#include <boost/json/fwd.hpp>

#include "domain/intake.hpp"

namespace shakwa::http::api {

domain::IntakeForm DecodeIntake(const boost::json::object& body);

}  // namespace shakwa::http::api
