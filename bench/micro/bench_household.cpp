// The household purchase decision (TPB intentions + logit choice), alone and
// as the whole per-event kernel of the consumers phase: a fresh random stream,
// the collection draw, the choice, the supplier draw and the next lifetime.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "agents/household.hpp"
#include "model/engine/rng.hpp"
#include "model/world/menu_search.hpp"

namespace {

using ketensim::agents::choose_purchase;
using ketensim::agents::FactoredLogit;
using ketensim::agents::Option;
using ketensim::agents::PurchaseRule;
using ketensim::agents::PurchaseSituation;
using ketensim::engine::RandomStream;

// The npce2025 purchase rule and a typical situation (all four options offered).
PurchaseRule npce_rule() {
  PurchaseRule rule;
  rule.temperature = 0.15;
  return rule;
}

PurchaseSituation typical_situation() {
  PurchaseSituation s;
  s.social_share = {0.8, 0.1, 0.1, 0.0};
  s.cost = {800.0, 880.0, 400.0, 640.0};
  s.available = {true, true, true, true};
  s.last_choice = static_cast<std::uint8_t>(Option::kNewLinear);
  return s;
}

void BM_ChoosePurchase(benchmark::State& state) {
  const PurchaseRule rule = npce_rule();
  const PurchaseSituation s = typical_situation();
  RandomStream rs(20251013, 7, 3, 3);
  float attitude = 0.2f;
  for (auto _ : state) {
    benchmark::DoNotOptimize(choose_purchase(rule, attitude, s, rs));
    attitude = attitude > 0.9f ? 0.1f : attitude + 0.01f;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ChoosePurchase);

// The same choice by factors, as the household events make it (agents::FactoredLogit):
// option factors computed once (per group and month in the model), social factors
// from a neighbour count of 10, one exp() per choice.
void BM_ChoosePurchaseFactored(benchmark::State& state) {
  const PurchaseRule rule = npce_rule();
  const PurchaseSituation s = typical_situation();
  const FactoredLogit logit(rule);
  const auto option = logit.option_factors(s);
  const auto social = logit.social_factors({6, 1, 2, 1}, 10);
  RandomStream rs(20251013, 7, 3, 3);
  float attitude = 0.2f;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        logit.choose(attitude, s.linear_option, s.last_choice, option, social, rs));
    attitude = attitude > 0.9f ? 0.1f : attitude + 0.01f;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ChoosePurchaseFactored);

// What phase_consumers does per due event, minus the neighbour scan and the message post.
void BM_HouseholdEventKernel(benchmark::State& state) {
  const PurchaseRule rule = npce_rule();
  const PurchaseSituation s = typical_situation();
  std::vector<double> cumulative(1000);
  for (std::size_t i = 0; i < cumulative.size(); ++i) cumulative[i] = static_cast<double>(i + 1);
  std::uint64_t id = 40000;
  for (auto _ : state) {
    RandomStream rs(20251013, id++, 7, 3 * 16 + 1);
    const bool collected = rs.uniform() < 0.35;
    const Option choice = choose_purchase(rule, 0.3, s, rs);
    const double pick = rs.uniform() * cumulative.back();
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), pick);
    const double life = rs.weibull(20.0, 12.4);
    benchmark::DoNotOptimize(collected);
    benchmark::DoNotOptimize(choice);
    benchmark::DoNotOptimize(it);
    benchmark::DoNotOptimize(life);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HouseholdEventKernel);

// A supplier draw: the guided search of a 2,000-entry menu with uneven weights
// (a tenth of them 0), from a uniform pick, as resolve_purchase_draws does.
void BM_GuidedMenuSearch(benchmark::State& state) {
  RandomStream weights(20251013, 1, 0, 9);
  std::vector<double> cumulative;
  double sum = 0;
  for (int i = 0; i < 2000; ++i) {
    const double u = weights.uniform();
    sum += u < 0.1 ? 0.0 : u;
    cumulative.push_back(sum);
  }
  std::vector<std::uint32_t> guide;
  double bins_per_unit = 0;
  ketensim::world::build_guide(cumulative, guide, bins_per_unit);
  RandomStream picks(20251013, 2, 0, 9);
  for (auto _ : state) {
    const double x = picks.uniform() * sum;
    benchmark::DoNotOptimize(
        ketensim::world::guided_upper_bound(cumulative, guide, bins_per_unit, x));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GuidedMenuSearch);

}  // namespace
