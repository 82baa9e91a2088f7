// `shakwa migrate-store --from sqlite:PATH --to postgres:URL`: moves an embedded installation to
// PostgreSQL (storage/migrate_store.hpp does the copy and the verification; this is the glue).
//
// It opens the SQLite file read-only, migrates the PostgreSQL schema, copies every table in one
// transaction with progress on standard error, verifies counts and checksums table by table, and
// prints them on standard output before it reports success. It refuses a target that holds rows
// (writing nothing) and a source at another schema version than this binary's.
//
// `postgres:` alone takes the URL from SHAKWA_STORAGE_URL: a password given on the command line
// shows in `ps`. Messages never show a password (storage::migrate::MaskPassword).
//
// Exit status: 0 copied and verified (or verified, with --dry-run), 1 refused or failed (nothing
// written), 2 bad arguments.
#pragma once

#include <string>

#include "main/settings.hpp"

namespace shakwa::main {

struct MigrateStoreArgs {
  std::string from;  // sqlite:PATH
  std::string to;    // postgres:URL, or postgres: for SHAKWA_STORAGE_URL
  bool dry_run = false;
};

int MigrateStoreCommand(const SettingsSources& sources, const MigrateStoreArgs& args);

}  // namespace shakwa::main
