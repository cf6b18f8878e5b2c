// Household (consumer) agents: compact state and the purchase decision rule
// (theory of planned behaviour with a logit choice, MODEL.md).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "agents/types.hpp"

namespace ketensim::agents {

// One household agent: 28 bytes, aligned to 32 so that a record never spans two
// cache lines, plus its network edges (stored apart). When its next purchase per
// group is due is kept only by the event calendar (the model's buckets), not here.
struct alignas(32) Household {
  float attitude = 0;      // attitude to circular purchase options, [0, 1]
  float eol_attitude = 0;  // attitude to circular end-of-life options, [0, 1]
  std::uint16_t municipality = 0;
  std::uint8_t income_class = 0;
  std::uint8_t reserved = 0;
  // Last purchase choice (an Option) and last end-of-life choice (an EolOption) per group.
  std::array<std::uint8_t, kMaxGroups> last_choice{};
  std::array<std::uint8_t, kMaxGroups> last_eol{};

  // A due tick beyond the horizon (checkpoints store one per group).
  static constexpr std::uint16_t kNoEvent = 0xFFFF;
};
static_assert(sizeof(Household) == 32, "keep households to half a cache line");

// End-of-life options (MODEL.md "Household: end of life").
enum class EolOption : std::uint8_t { kRepair = 0, kResell = 1, kCollect = 2, kResidual = 3 };

// A theory-of-planned-behaviour choice with a logit (purchase and end of life share it).
struct ChoiceRule {
  double w_attitude = 0.464;
  double w_social = 0.497;
  double w_pbc = 0.382;
  double temperature = 0.05;
  double default_bonus = 0.0;
  std::uint8_t default_option = 0;
  double habit = 0.1;
};
using PurchaseRule = ChoiceRule;

// What a household sees when it chooses among four options.
struct ChoiceSituation {
  std::array<double, kOptions> social_share{};  // SN_k: neighbours whose last choice was k
  std::array<double, kOptions> cost{};          // price/effort + convenience cost per option (EUR)
  std::array<bool, kOptions> available{};       // options that can be chosen now
  std::uint8_t last_choice = 0;
  // The one "linear" option whose attitude term is 1 - a (new linear; residual waste).
  std::uint8_t linear_option = 0;
};
using PurchaseSituation = ChoiceSituation;

// Behavioural intention BI_k = w_a A_k + w_sn SN_k + w_pbc PBC_k + bonus - habit.
// Logit choice P(k) = exp(BI_k / tau) / sum_j exp(BI_j / tau) over available options.
// choose() draws an option with one uniform from `rs` and requires at least one
// available option. Defined here so that the per-event callers inline them.
// PBC_k = -cost_k / max_{j available} cost_j (0 for every option if that max is 0).
inline std::array<double, kOptions> perceived_control(const ChoiceSituation& s) {
  double max_cost = 0;
  for (std::size_t k = 0; k < s.cost.size(); ++k)
    if (s.available[k]) max_cost = std::max(max_cost, s.cost[k]);
  std::array<double, kOptions> pbc{};
  for (std::size_t k = 0; k < pbc.size(); ++k) pbc[k] = max_cost > 0 ? -s.cost[k] / max_cost : 0.0;
  return pbc;
}

inline std::array<double, kOptions> choice_intentions(const ChoiceRule& rule, double attitude,
                                                      const ChoiceSituation& s) {
  const auto pbc = perceived_control(s);
  std::array<double, kOptions> bi{};
  for (int k = 0; k < kOptions; ++k) {
    const auto i = static_cast<std::size_t>(k);
    const auto option = static_cast<std::uint8_t>(k);
    const double a = option == s.linear_option ? 1.0 - attitude : attitude;
    bi[i] = rule.w_attitude * a + rule.w_social * s.social_share[i] + rule.w_pbc * pbc[i];
    if (option == rule.default_option) bi[i] += rule.default_bonus;
    if (option != s.last_choice) bi[i] -= rule.habit;
  }
  return bi;
}

inline std::array<double, kOptions> choice_probabilities(const ChoiceRule& rule, double attitude,
                                                         const ChoiceSituation& s) {
  const auto bi = choice_intentions(rule, attitude, s);
  double best = -std::numeric_limits<double>::infinity();
  for (int k = 0; k < kOptions; ++k)
    if (s.available[static_cast<std::size_t>(k)])
      best = std::max(best, bi[static_cast<std::size_t>(k)]);
  std::array<double, kOptions> p{};
  double total = 0;
  for (int k = 0; k < kOptions; ++k) {
    const auto i = static_cast<std::size_t>(k);
    // Subtracting the best intention keeps exp() finite for small temperatures;
    // the best option's term is exp(0) = 1 exactly, so it skips the call.
    p[i] = !s.available[i] ? 0.0
           : bi[i] == best ? 1.0
                           : std::exp((bi[i] - best) / rule.temperature);
    total += p[i];
  }
  for (auto& x : p) x /= total;
  return p;
}

inline std::uint8_t choose(const ChoiceRule& rule, double attitude, const ChoiceSituation& s,
                           RandomStream& rs) {
  const auto p = choice_probabilities(rule, attitude, s);
  const double u = rs.uniform();
  double cumulative = 0;
  int last_available = 0;
  for (int k = 0; k < kOptions; ++k) {
    const auto i = static_cast<std::size_t>(k);
    if (!s.available[i]) continue;
    last_available = k;
    cumulative += p[i];
    if (u < cumulative) return static_cast<std::uint8_t>(k);
  }
  return static_cast<std::uint8_t>(last_available);
}

// The logit choice of choose(), computed by factors: exp(BI_k / tau) is the product
// of an attitude factor, a social factor, an option factor (PBC from the costs, and
// the default bonus) and, for options other than the last choice, a habit factor.
// Option factors are the same for every household of a group (and municipality) in
// a month, and social factors depend only on a neighbour count and the degree, so
// both are computed once; a choice then costs one exp() (its attitude) instead of
// one per option, and no division. The same distribution as choose(), rounded
// differently (tests/agents/test_decisions.cpp compares the two).
class FactoredLogit {
 public:
  // Social factors are tabulated for neighbourhoods up to this size.
  static constexpr std::uint64_t kMaxTabulatedDegree = 32;

  FactoredLogit() : FactoredLogit(ChoiceRule{}) {}
  explicit FactoredLogit(const ChoiceRule& rule);

  // False when a product of factors could leave the range of a double (temperature
  // far below the weights); choose() must then be used.
  bool usable() const { return usable_; }

  // exp((w_pbc PBC_k + bonus_k) / tau) for the costs of s; 0 for unavailable options.
  std::array<double, kOptions> option_factors(const ChoiceSituation& s) const;

  // exp(w_sn SN_k / tau) with SN_k = count[k] / total (all 1 when total is 0).
  // Inline: it runs twice per household event.
  std::array<double, kOptions> social_factors(const std::array<std::uint64_t, kOptions>& count,
                                              std::uint64_t total) const {
    std::array<double, kOptions> f{};
    for (std::size_t k = 0; k < f.size(); ++k) {
      if (total == 0)
        f[k] = 1.0;
      else if (total <= kMaxTabulatedDegree)
        f[k] = social_[total * (kMaxTabulatedDegree + 1) + count[k]];
      else
        f[k] = std::exp(rule_.w_social *
                        (static_cast<double>(count[k]) / static_cast<double>(total)) * inv_tau_);
    }
    return f;
  }

  // exp(w_a a / tau), the attitude factor of the options other than the linear one.
  // A household's attitude never changes, so the simulation computes it once.
  double attitude_factor(double attitude) const {
    return std::exp(rule_.w_attitude * attitude * inv_tau_);
  }

  // Draws an option with one uniform from `rs`, with P(k) proportional to the product
  // of its factors. Requires usable() and an option factor > 0.
  std::uint8_t choose(double attitude, std::uint8_t linear_option, std::uint8_t last_choice,
                      const std::array<double, kOptions>& option_factor,
                      const std::array<double, kOptions>& social_factor, RandomStream& rs) const {
    return choose_by_factor(attitude_factor(attitude), linear_option, last_choice, option_factor,
                            social_factor, rs);
  }

  // The same, given attitude_factor(attitude) (`circular`) instead of the attitude.
  std::uint8_t choose_by_factor(double circular, std::uint8_t linear_option,
                                std::uint8_t last_choice,
                                const std::array<double, kOptions>& option_factor,
                                const std::array<double, kOptions>& social_factor,
                                RandomStream& rs) const {
    const double linear = attitude_total_ / circular;  // exp(w_a (1 - a) / tau)
    std::array<double, kOptions> w{};
    double total = 0;
    for (std::size_t k = 0; k < w.size(); ++k) {
      const auto option = static_cast<std::uint8_t>(k);
      w[k] = option_factor[k] * social_factor[k] * (option == linear_option ? linear : circular) *
             (option == last_choice ? 1.0 : habit_factor_);
      total += w[k];
    }
    const double u = rs.uniform() * total;
    double cumulative = 0;
    std::uint8_t last_positive = 0;
    for (std::size_t k = 0; k < w.size(); ++k) {
      if (!(w[k] > 0)) continue;
      last_positive = static_cast<std::uint8_t>(k);
      cumulative += w[k];
      if (u < cumulative) return last_positive;
    }
    return last_positive;
  }

 private:
  ChoiceRule rule_;
  double inv_tau_ = 0;
  double habit_factor_ = 1;    // exp(-habit / tau)
  double attitude_total_ = 1;  // exp(w_a / tau)
  bool usable_ = false;
  std::array<double, (kMaxTabulatedDegree + 1) * (kMaxTabulatedDegree + 1)> social_{};
};

// Purchase-specific names for the same rule.
inline std::array<double, kOptions> purchase_intentions(const ChoiceRule& r, double a,
                                                        const ChoiceSituation& s) {
  return choice_intentions(r, a, s);
}
inline std::array<double, kOptions> purchase_probabilities(const ChoiceRule& r, double a,
                                                           const ChoiceSituation& s) {
  return choice_probabilities(r, a, s);
}
inline Option choose_purchase(const ChoiceRule& r, double a, const ChoiceSituation& s,
                              RandomStream& rs) {
  return static_cast<Option>(choose(r, a, s, rs));
}

// Bass limit rule (validation configs): adoption probability 1 - exp(-(p + q F) dt).
double bass_adoption_probability(double p, double q, double adopted_share, double dt_years);

}  // namespace ketensim::agents
