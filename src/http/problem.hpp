// Errors as application/problem+json (RFC 9457), in the language the client asked for.
//
// HttpStatusFor() is the one place where a domain ErrorCode becomes an HTTP status.
#pragma once

#include "domain/result.hpp"
#include "http/exchange.hpp"

namespace shakwa::http {

unsigned HttpStatusFor(domain::ErrorCode code);

// {type, title, status, detail, code, errors: [{field, code, message}], request_id}
Response Problem(const domain::Error& error, const Request& request);

// A JSON response with the given status.
Response Json(unsigned status, std::string body);

}  // namespace shakwa::http
