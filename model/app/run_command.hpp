// The `ketensim run` driver: loads and validates the scenario on every rank,
// prepares the run directory on the root rank, runs the ticks and finalises
// the manifest. Returns the process exit code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/engine/mpi_context.hpp"

namespace ketensim::app {

// Documented exit codes (README "Exit codes").
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;

struct RunOptions {
  std::string config;
  std::string output;  // empty: runs/<scenario>-<UTC timestamp>
  std::optional<std::uint64_t> seed;
  std::vector<std::string> overrides;
  std::vector<std::string> overlays;
  bool overwrite = false;
  bool progress = true;
  std::string log_level = "info";
  std::string command_line;
};

int run_scenario(const RunOptions& options, const engine::Comm& comm);

}  // namespace ketensim::app
