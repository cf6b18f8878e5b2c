// One segment of a run (a fresh start or a resume) on a communicator: the tick
// loop with the time series, periodic checkpoints (every N simulated months,
// every M minutes of wall time) and the checkpoint-and-exit at the next month
// boundary after SIGTERM/SIGUSR1. Shared by `run`, `resume` and `sweep`.
#pragma once

#include <exception>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "ketensim/scenario.pb.h"
#include "model/engine/checkpoint_store.hpp"
#include "model/engine/mpi_context.hpp"
#include "model/io/run_directory.hpp"
#include "model/world/params.hpp"

namespace ketensim::app {

struct RunSegment {
  config::Scenario scenario;
  world::Params params;
  std::filesystem::path run_dir;  // prepared (fresh) or existing (resume)
  io::RunInfo info;
  nlohmann::json extra = nlohmann::json::object();  // extra manifest fields (e.g. "sweep")
  // Resume only: the verified checkpoint and the manifest as it was.
  const engine::CheckpointReader* checkpoint = nullptr;
  nlohmann::json previous_manifest;
  bool progress = true;
  std::string log_level = "info";
  int console = -1;  // log to stderr: -1 on rank 0, 0 never, 1 always
};

// Collective. Returns kExitOk (complete), kExitCheckpointed (stopped by a
// signal after a checkpoint), kExitBadInput (the checkpoint could not be
// restored; nothing was written) or kExitFailure.
int execute_run(const RunSegment& segment, const engine::Comm& comm);

// A run that threw: logs the error, records it in the manifest (status
// "failed"), aborts the job when it has other ranks; returns kExitFailure.
int fail_run(io::RunDirectory& dir, const engine::Comm& comm, const std::exception& error);

// CRC-32C of the resolved config text, as recorded in checkpoints.
std::string config_checksum(const std::string& resolved_yaml);

}  // namespace ketensim::app
