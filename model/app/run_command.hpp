// The `ketensim run` and `ketensim resume` drivers: load and validate the
// scenario on every rank, prepare or check the run directory on the root rank,
// then run (model/app/run_loop). Each returns the process exit code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ketensim/scenario.pb.h"
#include "model/engine/mpi_context.hpp"

namespace ketensim::app {

// Documented exit codes (README "Exit codes").
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;
// Stopped by SIGTERM/SIGUSR1 after writing a checkpoint: resubmit with `ketensim resume`.
inline constexpr int kExitCheckpointed = 3;

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

struct ResumeOptions {
  std::string run_dir;
  bool from_previous = false;  // the checkpoint before the newest one
  bool progress = true;
  std::string log_level = "info";
  std::string command_line;
  int console = -1;
};

// Continues RUN_DIR from its newest (or previous) checkpoint; a complete run is
// left alone (exit 0). A missing, truncated or corrupt checkpoint, or a time
// series or config that differs from the checkpoint's, is refused with exit 2
// and nothing is written.
int resume_run(const ResumeOptions& options, const engine::Comm& comm);

// The scenario as JSON (the manifest's "config"), every field included.
nlohmann::json scenario_json(const config::Scenario& scenario);

// Root decides; every rank learns the outcome (code 0 = go on).
int agree(const engine::Comm& comm, int code, std::string& message);

}  // namespace ketensim::app
