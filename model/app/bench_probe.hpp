// Per-rank measurements for the benchmarks: at the end of a run each rank logs
// "bench:" lines (set-up / tick / output wall and CPU seconds, RSS, per-phase
// seconds, traffic of the tick loop by kind) that bench/macro.py reads.
// Measurement only: nothing that is computed or communicated changes.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <vector>

#include "model/engine/mpi_context.hpp"
#include "model/engine/scheduler.hpp"

namespace ketensim::app {

// Taken right after set-up; log() at the end of the tick loop.
class BenchProbe {
 public:
  explicit BenchProbe(const engine::Comm& comm);
  void log(const engine::Comm& comm, std::size_t households, std::size_t companies,
           std::int64_t ticks, double setup_seconds, double output_seconds,
           const std::vector<engine::PhaseScheduler::PhaseTiming>& timings) const;

 private:
  long rss_after_setup_kb_ = 0;
  long peak_after_setup_kb_ = 0;
  double cpu_after_setup_ = 0;
  std::deque<engine::Traffic> traffic_after_setup_;
  std::chrono::steady_clock::time_point t_ticks_;
};

}  // namespace ketensim::app
