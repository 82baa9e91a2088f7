// The web: the beneficiary portal (/, /submit, /track, …) and the staff console (/console/…),
// server-rendered HTML over the same use cases and the same rules as the JSON API. The pages work
// without JavaScript; a small script of our own makes them nicer where it runs.
//
// Every page is sent with a Content-Security-Policy that allows no inline script or style and
// nothing from elsewhere, and every form carries a CSRF token (support.hpp). Who may do what is
// the API's access table (http/api/access.hpp): a console action is admitted for the roles its API
// endpoint admits.
//
// Thread safety: as the API's routes.
#pragma once

#include "http/api/routes.hpp"
#include "http/router.hpp"

namespace shakwa::http::pages {

void AddPages(Router& router, const api::Dependencies& deps);

}  // namespace shakwa::http::pages
