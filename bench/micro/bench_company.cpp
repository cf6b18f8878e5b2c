// The firm's yearly review of one strategy: NPV over the planning horizon,
// intention and logistic adoption probability (MODEL.md), as review_company
// evaluates it (with and without a subsidy).
#include <benchmark/benchmark.h>

#include "agents/company.hpp"

namespace {

using ketensim::agents::adoption_probability;
using ketensim::agents::IntentionWeights;
using ketensim::agents::strategy_intention;
using ketensim::agents::strategy_npv;
using ketensim::agents::StrategyEconomics;

StrategyEconomics typical_economics() {
  StrategyEconomics e;
  e.capex = 150000;
  e.revenue_change = 12000;
  e.cost_change = 9000;
  e.horizon_years = 10;
  e.hurdle_rate = 0.12;
  for (int t = 0; t < 10; ++t) e.expected_penalty_avoided[static_cast<std::size_t>(t)] = 500.0 * t;
  return e;
}

void BM_CompanyReviewStrategy(benchmark::State& state) {
  StrategyEconomics e = typical_economics();
  const IntentionWeights w;
  double social = 0.05;
  for (auto _ : state) {
    const double npv = strategy_npv(e);
    const double u = strategy_intention(w, npv, e.capex, social, 0.3, false);
    benchmark::DoNotOptimize(adoption_probability(w.beta, u, 0.25));
    social = social > 0.5 ? 0.05 : social + 0.001;
    e.revenue_change += 1.0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CompanyReviewStrategy);

// The subsidised variant evaluates everything twice (with and without the grant).
void BM_CompanyReviewStrategyWithSubsidy(benchmark::State& state) {
  StrategyEconomics e = typical_economics();
  const IntentionWeights w;
  for (auto _ : state) {
    e.subsidy_rate = 0;
    const double npv0 = strategy_npv(e);
    const double p0 =
        adoption_probability(w.beta, strategy_intention(w, npv0, e.capex, 0.1, 0.3, false), 0.25);
    e.subsidy_rate = 0.5;
    const double npv1 = strategy_npv(e);
    const double p1 =
        adoption_probability(w.beta, strategy_intention(w, npv1, e.capex, 0.1, 0.3, false), 0.25);
    benchmark::DoNotOptimize(p0);
    benchmark::DoNotOptimize(p1);
    e.revenue_change += 1.0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CompanyReviewStrategyWithSubsidy);

}  // namespace
