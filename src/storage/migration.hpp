// A numbered schema migration. Each backend keeps its own files under
// src/storage/<backend>/migrations/NNNN_name.sql, numbered alike across backends; the build
// embeds them (tools/embed.py), so the binary needs no files beside it.
#pragma once

#include <span>
#include <string_view>

namespace shakwa::storage {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

}  // namespace shakwa::storage
