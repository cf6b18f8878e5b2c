// Sweep files (proto/ketensim/sweep.proto): scenarios and parameter grids, each
// run `replicates` times with seed base_seed + k, expanded into the ordered list
// of runs that `ketensim sweep` executes. Every run's config is loaded and
// checked up front, so a bad sweep fails before any run starts, with
// file:line:column errors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ketensim::io {

struct PlannedRun {
  std::string scenario;                // folder name under the sweep's output folder
  std::string config;                  // scenario file (relative to the working folder)
  std::vector<std::string> overrides;  // --set style, in order; the last one is "seed=..."
  std::vector<std::string> overlays;   // overlay files (relative to the working folder)
  std::uint32_t replicate = 0;
  std::uint64_t seed = 0;
  std::string resolved_yaml;  // the fully resolved scenario (what the run directory records)
  std::string where;          // sweep-file place of the scenario, for messages

  // "<scenario>/rep-<k>"
  std::string dir() const { return scenario + "/rep-" + std::to_string(replicate); }
};

struct SweepPlan {
  std::string file;
  std::string name;
  std::uint32_t replicates = 1;
  std::uint64_t base_seed = 0;
  std::uint32_t ranks_per_run = 1;
  std::vector<PlannedRun>
      runs;  // scenario-major: every replicate of the first scenario, then the next
};

// Throws ConfigError naming the sweep file's line and column (and, for errors
// in a scenario's config or overrides, the scenario's place in the sweep file).
SweepPlan load_sweep(const std::string& path);

}  // namespace ketensim::io
