// Router: maps a method and a path to a handler. Patterns are literal segments and "{name}"
// segments, which bind a path parameter. A path that matches with another method gives the
// allowed methods, for a 405 with an Allow header.
//
// Thread safety: build it before the server starts; Find() is then safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/exchange.hpp"

namespace shakwa::http {

class Router {
 public:
  void Add(Method method, std::string_view pattern, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  // null when nothing matched
    std::map<std::string, std::string, std::less<>> params;
    std::string allowed;  // "GET, POST" when the path matched but the method did not
  };
  Match Find(Method method, std::string_view path) const;

 private:
  struct Route {
    Method method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace shakwa::http
