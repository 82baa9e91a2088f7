// For background work (sweeps, the dispatcher, the CLI) that has nothing better to do than wait
// for its write to be durable.
#pragma once

#include <future>
#include <memory>

#include "app/ports/store.hpp"

namespace shakwa::app {

// Runs work through store.Write and blocks until it is durable (or has failed).
// REQUIRES: not called on a store thread (it would wait for itself).
inline domain::Status WriteAndWait(Store& store, Store::WriteWork work) {
  auto promise = std::make_shared<std::promise<domain::Status>>();
  auto result = promise->get_future();
  store.Write(std::move(work), [promise](domain::Status s) { promise->set_value(std::move(s)); });
  return result.get();
}

}  // namespace shakwa::app
