// Tests of the phase scheduler: phases run in order, once per tick, with timings.
#include "model/engine/scheduler.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ketensim::engine {
namespace {

TEST(PhaseScheduler, RunsPhasesInOrderEachTick) {
  PhaseScheduler s;
  std::vector<std::string> log;
  s.add_phase("environment", [&](Tick t) { log.push_back("env" + std::to_string(t)); });
  s.add_phase("companies", [&](Tick t) { log.push_back("co" + std::to_string(t)); });
  s.add_phase("accounting", [&](Tick t) { log.push_back("acc" + std::to_string(t)); });
  s.run_tick(0);
  s.run_tick(1);
  EXPECT_EQ(log, (std::vector<std::string>{"env0", "co0", "acc0", "env1", "co1", "acc1"}));
  ASSERT_EQ(s.timings().size(), 3u);
  EXPECT_EQ(s.timings()[0].name, "environment");
  EXPECT_EQ(s.timings()[2].name, "accounting");
  for (const auto& t : s.timings()) EXPECT_GE(t.seconds, 0.0);
}

TEST(PhaseScheduler, NoPhasesIsANoOp) {
  PhaseScheduler s;
  s.run_tick(3);
  EXPECT_TRUE(s.timings().empty());
}

}  // namespace
}  // namespace ketensim::engine
