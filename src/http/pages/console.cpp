#include "http/pages/page_groups.hpp"

namespace shakwa::http::pages {

void AddConsolePages(Router&, const api::Dependencies&) {}

}  // namespace shakwa::http::pages
