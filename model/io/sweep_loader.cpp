#include "model/io/sweep_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "ketensim/sweep.pb.h"
#include "model/io/config_loader.hpp"
#include "model/io/errors.hpp"
#include "model/io/yaml_to_proto.hpp"

namespace ketensim::io {

namespace {

namespace fs = std::filesystem;
using detail::fail;

// Folder names: letters, digits, '.', '_', '+', '-'; anything else becomes '_'.
std::string folder_safe(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '+' || c == '-';
    if (!ok) c = '_';
  }
  return out;
}

std::string leaf(const std::string& key) {
  const auto dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

struct Scenario {
  std::string name;
  std::string config;
  std::vector<std::string> overrides;
  std::string where;
  std::vector<std::string> overlays;
};

std::string place(const detail::Provenance& prov, const std::string& path,
                  const std::string& fallback) {
  const std::string* where = prov.find(path);
  return where ? *where : fallback;
}

}  // namespace

SweepPlan load_sweep(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) fail(path, "", "cannot read the sweep file: no such file");
  YAML::Node root;
  try {
    std::ifstream in(path);
    root = YAML::Load(in);
  } catch (const YAML::Exception& e) {
    fail(detail::Origin::file(path).at(e.mark), "", "YAML syntax error: " + e.msg);
  }
  config::Sweep sweep;
  detail::Provenance prov;
  detail::merge_yaml(root, sweep, detail::Origin::file(path), prov);

  SweepPlan plan;
  plan.file = path;
  plan.name = sweep.name();
  plan.replicates = sweep.replicates();
  plan.base_seed = sweep.base_seed();
  plan.ranks_per_run = sweep.ranks_per_run();
  if (plan.name.empty() || folder_safe(plan.name) != plan.name)
    fail(place(prov, "name", path), "name", "use letters, digits, '.', '_', '+' and '-' only");
  const fs::path base_dir = fs::path(path).parent_path();
  const auto config_path = [&](const std::string& entry_path, const std::string& config) {
    if (config.empty())
      fail(place(prov, entry_path, path), entry_path + ".config",
           "missing: name the scenario file");
    return (base_dir / config).lexically_normal().string();
  };
  const std::vector<std::string> common(sweep.set().begin(), sweep.set().end());

  std::vector<Scenario> scenarios;
  for (const auto& s : sweep.scenarios()) {
    const std::string entry = "scenarios." + s.name();
    if (folder_safe(s.name()) != s.name() || s.name().starts_with("."))
      fail(place(prov, entry, path), entry,
           "scenario names are folder names: use letters, digits, '.', '_', '+', '-'");
    Scenario sc{s.name(), config_path(entry, s.config()), common, place(prov, entry, path), {}};
    sc.overrides.insert(sc.overrides.end(), s.set().begin(), s.set().end());
    for (const auto& overlay : s.overlays())
      sc.overlays.push_back((base_dir / overlay).lexically_normal().string());
    scenarios.push_back(std::move(sc));
  }
  for (const auto& g : sweep.grids()) {
    const std::string entry = "grids." + g.name();
    const std::string where = place(prov, entry, path);
    const std::string config = config_path(entry, g.config());
    if (g.vary().empty())
      fail(where, entry + ".vary", "a grid needs at least one axis (key and values)");
    std::vector<std::size_t> index(static_cast<std::size_t>(g.vary_size()), 0);
    for (int a = 0; a < g.vary_size(); ++a) {
      const auto& axis = g.vary(a);
      const std::string axis_path = entry + ".vary[" + std::to_string(a) + "]";
      if (axis.key().empty())
        fail(place(prov, axis_path, where), axis_path + ".key", "missing: a config key path");
      if (axis.values().empty())
        fail(place(prov, axis_path, where), axis_path + ".values", "needs at least one value");
    }
    // Every combination, the last axis varying fastest.
    while (true) {
      Scenario sc{folder_safe(g.name()), config, common, where, {}};
      sc.overrides.insert(sc.overrides.end(), g.set().begin(), g.set().end());
      for (const auto& overlay : g.overlays())
        sc.overlays.push_back((base_dir / overlay).lexically_normal().string());
      for (int a = 0; a < g.vary_size(); ++a) {
        const auto& axis = g.vary(a);
        const std::string& value =
            axis.values(static_cast<int>(index[static_cast<std::size_t>(a)]));
        sc.name += "-" + folder_safe(leaf(axis.key())) + "-" + folder_safe(value);
        sc.overrides.push_back(axis.key() + "=" + value);
      }
      scenarios.push_back(std::move(sc));
      int a = g.vary_size() - 1;
      for (; a >= 0; --a) {
        auto& i = index[static_cast<std::size_t>(a)];
        if (++i < static_cast<std::size_t>(g.vary(a).values_size())) break;
        i = 0;
      }
      if (a < 0) break;
    }
  }
  if (scenarios.empty()) fail(path, "scenarios", "the sweep lists no scenarios and no grids");
  std::map<std::string, std::string> names;
  for (const auto& sc : scenarios)
    if (const auto [it, fresh] = names.emplace(sc.name, sc.where); !fresh)
      fail(sc.where, "",
           "scenario name '" + sc.name + "' is used twice (also at " + it->second + ")");

  for (const auto& sc : scenarios) {
    for (std::uint32_t k = 0; k < plan.replicates; ++k) {
      PlannedRun run{sc.name, sc.config,          sc.overrides, sc.overlays,
                     k,       plan.base_seed + k, "",           sc.where};
      run.overrides.push_back("seed=" + std::to_string(run.seed));
      try {
        const auto scenario = load_scenario(run.config, run.overrides, run.overlays);
        if (scenario.model() == config::DIFFUSION)
          throw ConfigError(run.config +
                            ": a diffusion validation config cannot be part of a sweep; run it "
                            "with `ketensim run`");
        run.resolved_yaml = to_yaml(scenario);
      } catch (const ConfigError& e) {
        throw ConfigError(sc.where + ": scenario '" + sc.name + "': " + e.what());
      }
      plan.runs.push_back(std::move(run));
    }
  }
  return plan;
}

}  // namespace ketensim::io
