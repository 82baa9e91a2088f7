#include "http/pages/pages.hpp"

#include "http/pages/page_groups.hpp"
#include "http/pages/support.hpp"

namespace shakwa::http::pages {
namespace {

std::string_view ContentTypeOf(std::string_view name) {
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".woff2")) return "font/woff2";
  if (name.ends_with(".svg")) return "image/svg+xml";
  if (name.ends_with(".png")) return "image/png";
  return "application/octet-stream";
}

// The stylesheet, the script and the fonts, from inside the binary: no CDN, no files beside it.
void StaticFile(const Request& request, Respond respond) {
  const std::string& name = request.path_params.at("file");
  const std::string_view bytes = EmbeddedFile("static/" + name);
  if (bytes.empty() || name.find("..") != std::string::npos) {
    respond(Response{404, "text/plain; charset=utf-8", "not found\n", {}});
    return;
  }
  Response response{200, std::string(ContentTypeOf(name)), std::string(bytes), {}};
  // An hour: a new release's stylesheet reaches everyone within one.
  response.headers.emplace_back("Cache-Control", "public, max-age=3600");
  respond(std::move(response));
}

}  // namespace

void AddPages(Router& router, const api::Dependencies& deps) {
  router.Add(Method::kGet, "/static/{file}", StaticFile);
  router.Add(Method::kGet, "/static/fonts/{file}", [](const Request& request, Respond respond) {
    Request inner = request;
    inner.path_params["file"] = "fonts/" + request.path_params.at("file");
    StaticFile(inner, std::move(respond));
  });
  AddPortalPages(router, deps);
  AddConsolePages(router, deps);
}

}  // namespace shakwa::http::pages
