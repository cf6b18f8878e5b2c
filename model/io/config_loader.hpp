// Loads scenario YAML files into the protobuf schema by walking its descriptors
// (no per-field parsing code), with `base:` inheritance, `--set` overrides and
// validation errors that name file:line:column, the key path and what is allowed.
#pragma once

#include <string>
#include <vector>

#include "ketensim/scenario.pb.h"

namespace ketensim::io {

// Loads `path` (following `base:` chains), applies `overrides` ("key.path=value",
// validated like file values) and checks ranges and cross-field rules.
// Throws ConfigError on any problem.
// Overlay files (e.g. configs/overlays/cheap_imports.yaml) are merged after the
// scenario and its bases, before the overrides.
config::Scenario load_scenario(const std::string& path,
                               const std::vector<std::string>& overrides = {},
                               const std::vector<std::string>& overlays = {});

// The fully resolved scenario (every field, defaults included) as YAML text.
std::string to_yaml(const config::Scenario& scenario);

}  // namespace ketensim::io
