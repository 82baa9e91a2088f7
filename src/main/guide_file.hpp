// The guide file: the business calendar, SLA policy, escalation ladder and channels, in TOML
// (docs/guide.example.toml documents every key). One file drives both the clocks and the
// published guide, so what is promised is what is enforced.
//
// Every key is optional: what is left out keeps DOMAIN.md's default. A bad value stops start-up
// with a SettingsError naming the key and what is wrong; an unknown key is an error too.
#pragma once

#include <filesystem>
#include <optional>

#include "domain/guide.hpp"
#include "domain/sla.hpp"

namespace shakwa::main {

struct GuideFile {
  domain::TimeRules rules;
  domain::GuideSettings guide;
};

// REQUIRES: nothing; throws SettingsError. No path (or an empty one): the defaults.
GuideFile LoadGuideFile(const std::optional<std::filesystem::path>& path);

}  // namespace shakwa::main
