// `ketensim sweep`: an ensemble in one MPI job. The job's ranks are split into
// groups (MPI_Comm_split, `ranks_per_run` each); group g runs the runs
// g, g + groups, g + 2 groups, ... of the sweep plan (static round-robin), each
// into OUT_DIR/<scenario>/rep-<k>/. OUT_DIR/sweep.json lists every run and its
// status. A re-submitted sweep skips complete runs, resumes checkpointed ones
// and starts the rest; `--run-index K` runs only run K on all ranks (job arrays).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/engine/mpi_context.hpp"

namespace ketensim::app {

struct SweepOptions {
  std::string file;
  std::string output;  // empty: runs/<sweep name>
  std::optional<std::uint32_t> ranks_per_run;
  std::optional<std::uint32_t> run_index;
  bool overwrite = false;
  bool list = false;   // print the runs, run nothing
  bool count = false;  // print the number of runs, run nothing
  std::string log_level = "info";
  std::string command_line;
};

// 0 every run complete; 1 some run failed (sweep.json says which); 2 bad sweep
// file or usage; 3 stopped by a signal with runs left (re-submit the same command).
int run_sweep(const SweepOptions& options, const engine::Comm& world);

}  // namespace ketensim::app
