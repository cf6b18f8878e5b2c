#include "model/engine/scheduler.hpp"

#include <chrono>

namespace ketensim::engine {

void PhaseScheduler::add_phase(std::string name, PhaseFn fn) {
  phases_.push_back(std::move(fn));
  timings_.push_back({std::move(name), 0.0});
}

void PhaseScheduler::run_tick(Tick tick) {
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    phases_[i](tick);
    timings_[i].seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
}

}  // namespace ketensim::engine
