// What the benchmarks that build a load through the real store share: waiting for a write,
// failing loudly, and the manifest that says whether a load on disk can be reused (it is made
// again when the generator's format or the schema the migrations make has changed).
//
// Thread safety: free functions; WriteNow blocks the calling thread until the write is durable.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "app/ports/store.hpp"

namespace shakwa::bench {

// Throws std::runtime_error naming what failed.
void Check(const domain::Status& status, std::string_view what);

// Runs work as one durable write and waits for it; throws if it failed.
void WriteNow(app::Store& store, app::Store::WriteWork work, std::string_view what);

// "key=value" lines; missing file: empty.
std::map<std::string, std::string> ReadManifest(const std::filesystem::path& path);

// Every table, index and trigger of a database, as SQL text.
std::string SchemaOf(const std::filesystem::path& db);

// FNV-1a of text: the same in every build, unlike std::hash.
std::string Fingerprint(std::string_view text);

// The fingerprint of load_format and of the schema this binary's migrations make (from a scratch
// database under the temporary directory).
std::string CurrentSchemaFingerprint(int load_format);

}  // namespace shakwa::bench
