// The phase scheduler: runs a tick as a fixed sequence of named bulk-synchronous
// phases (ARCHITECTURE.md section 3) and keeps wall time per phase.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "model/engine/calendar.hpp"

namespace ketensim::engine {

class PhaseScheduler {
 public:
  using PhaseFn = std::function<void(Tick)>;

  void add_phase(std::string name, PhaseFn fn);
  // Runs every phase of `tick` in order.
  void run_tick(Tick tick);

  struct PhaseTiming {
    std::string name;
    double seconds = 0;
  };
  const std::vector<PhaseTiming>& timings() const { return timings_; }

 private:
  std::vector<PhaseFn> phases_;
  std::vector<PhaseTiming> timings_;
};

}  // namespace ketensim::engine
