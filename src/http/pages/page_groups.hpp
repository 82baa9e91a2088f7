// The page files, each adding its routes (pages.hpp says what they share).
#pragma once

#include "http/api/routes.hpp"
#include "http/router.hpp"

namespace shakwa::http::pages {

void AddPortalPages(Router& router, const api::Dependencies& deps);   // the beneficiary's
void AddConsolePages(Router& router, const api::Dependencies& deps);  // the staff's

}  // namespace shakwa::http::pages
