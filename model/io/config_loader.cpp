// Scenario loading: YAML files with `base:` inheritance, then --set overrides,
// then the cross-field checks. The YAML-to-schema conversion itself is generic
// (yaml_to_proto); this file only decides which text is read in which order.
#include "model/io/config_loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "model/io/scenario_checks.hpp"
#include "model/io/schema_text.hpp"
#include "model/io/yaml_to_proto.hpp"

namespace ketensim::io {
namespace {

namespace fs = std::filesystem;
using detail::fail;

constexpr const char* kBaseKey = "base";

// Everything one load accumulates: the message, where each key was set, and the
// files being read (outermost first) to detect `base:` cycles.
struct LoadState {
  config::Scenario scenario;
  detail::Provenance provenance;
  std::vector<std::string> chain;
  std::vector<fs::path> chain_canonical;
};

// Reads and parses one file. `named_at` is where a `base:` named it (empty for
// the top file): a file that cannot be read is reported there.
YAML::Node read_yaml(const std::string& name, const std::string& named_at) {
  const auto cannot = [&](const std::string& why) {
    if (named_at.empty()) fail(name, "", "cannot read the file: " + why);
    fail(named_at, kBaseKey, "cannot read '" + name + "': " + why);
  };
  std::error_code error;
  if (!fs::exists(name, error)) cannot("no such file");
  if (!fs::is_regular_file(name, error)) cannot("not a regular file");
  std::ifstream in(name);
  if (!in) cannot(std::strerror(errno));
  try {
    return YAML::Load(in);
  } catch (const YAML::Exception& e) {
    fail(detail::Origin::file(name).at(e.mark), "", "YAML syntax error: " + e.msg);
  }
}

void load_file(const std::string& name, const std::string& named_at, LoadState& state);

// Loads the file named by a `base:` entry (relative to the including file) into `state`.
void load_base(const YAML::Node& key, const YAML::Node& value, const detail::Origin& origin,
               LoadState& state) {
  const std::string where = origin.at(value.IsNull() ? key.Mark() : value.Mark());
  if (!value.IsScalar() || value.Scalar().empty()) {
    fail(where, kBaseKey, "expected the path of a scenario file, relative to this file");
  }
  const fs::path base = fs::path(origin.name()).parent_path() / value.Scalar();
  const std::string base_name = base.lexically_normal().string();
  std::error_code error;
  const fs::path canonical = fs::weakly_canonical(base, error);
  const auto& seen = state.chain_canonical;
  if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) {
    fail(where, kBaseKey,
         "inheritance cycle: " + detail::join(state.chain, " -> ") + " -> " + base_name);
  }
  load_file(base_name, where, state);
}

void load_file(const std::string& name, const std::string& named_at, LoadState& state) {
  const YAML::Node root = read_yaml(name, named_at);
  const detail::Origin origin = detail::Origin::file(name);
  std::error_code error;
  state.chain.push_back(name);
  state.chain_canonical.push_back(fs::weakly_canonical(name, error));
  if (root.IsMap()) {
    for (const auto& kv : root) {
      if (kv.first.IsScalar() && kv.first.Scalar() == kBaseKey) {
        load_base(kv.first, kv.second, origin, state);
      }
    }
  }
  detail::merge_yaml(root, state.scenario, origin, state.provenance, {kBaseKey});
  state.chain.pop_back();
  state.chain_canonical.pop_back();
}

// {a: {b: {c: value}}} for the keys a, b, c.
YAML::Node nest(const std::vector<std::string>& keys, std::size_t first, const YAML::Node& value) {
  if (first == keys.size()) return value;
  YAML::Node map(YAML::NodeType::Map);
  map[keys[first]] = nest(keys, first + 1, value);
  return map;
}

std::vector<std::string> split_path(const std::string& path, const std::string& where) {
  std::vector<std::string> keys;
  std::size_t begin = 0;
  for (std::size_t dot = path.find('.');; dot = path.find('.', begin)) {
    keys.push_back(path.substr(begin, dot - begin));
    if (keys.back().empty()) fail(where, path, "empty key in the path");
    if (dot == std::string::npos) return keys;
    begin = dot + 1;
  }
}

// Applies one "key.path=value" override exactly as if it were written in a file.
void apply_override(const std::string& text, LoadState& state) {
  const detail::Origin origin = detail::Origin::override_text(text);
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos) fail(origin.name(), "", "expected key.path=value");
  const std::string path = text.substr(0, equals);
  const std::vector<std::string> keys = split_path(path, origin.name());
  YAML::Node value;
  try {
    value = YAML::Load(text.substr(equals + 1));
  } catch (const YAML::Exception& e) {
    fail(origin.name(), path, "cannot read the value: " + e.msg);
  }
  detail::merge_yaml(nest(keys, 0, value), state.scenario, origin, state.provenance);
}

}  // namespace

config::Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                               const std::vector<std::string>& overlays) {
  LoadState state;
  load_file(path, "", state);
  for (const auto& overlay : overlays) load_file(overlay, "", state);
  for (const auto& text : overrides) apply_override(text, state);
  detail::check_scenario(state.scenario, state.provenance, path);
  return std::move(state.scenario);
}

}  // namespace ketensim::io
