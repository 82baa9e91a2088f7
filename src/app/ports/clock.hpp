// Clock: where the application learns what time it is. Production reads the system clock; tests
// set the time they need. The domain never reads a clock itself.
//
// Thread safety: implementations must be safe to call from any thread.
#pragma once

#include "domain/time.hpp"

namespace shakwa::app {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual domain::Instant Now() const = 0;
};

}  // namespace shakwa::app
