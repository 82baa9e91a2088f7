// What the route files share: answering with a use case's result, and running blocking work.
#pragma once

#include <boost/json/fwd.hpp>
#include <string>

#include "domain/result.hpp"
#include "http/exchange.hpp"

namespace shakwa::http::api {

// Runs work on the blocking pool; an exception becomes a 500 problem.
void Blocking(const Request& request, const Respond& respond, std::function<void()> work);

Response JsonResponse(unsigned status, const boost::json::object& body);

}  // namespace shakwa::http::api
