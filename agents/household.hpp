// Household (consumer) agents: compact state and the purchase decision rule
// (theory of planned behaviour with a logit choice, MODEL.md).
#pragma once

#include <array>
#include <cstdint>

#include "agents/types.hpp"

namespace ketensim::agents {

// One household agent: 32 bytes plus its network edges (stored apart).
struct Household {
  float attitude = 0;            // attitude to circular options, [0, 1]
  std::uint16_t municipality = 0;
  std::uint8_t income_class = 0;
  std::uint8_t reserved = 0;
  // Tick of the next purchase per product group (kNoEvent when beyond the horizon).
  std::array<std::uint16_t, kMaxGroups> due_tick{};
  // Last purchase choice per product group (an Option).
  std::array<std::uint8_t, kMaxGroups> last_choice{};

  static constexpr std::uint16_t kNoEvent = 0xFFFF;
};
static_assert(sizeof(Household) == 32, "keep households compact");

// Parameters of the purchase rule (from the scenario, fixed during a run).
struct PurchaseRule {
  double w_attitude = 0.464;
  double w_social = 0.497;
  double w_pbc = 0.382;
  double temperature = 0.05;
  double default_bonus = 0.0;
  Option default_option = Option::kNewLinear;
  double habit = 0.1;
};

// What a household sees when it buys in one product group.
struct PurchaseSituation {
  std::array<double, kOptions> social_share{};  // SN_k: neighbours whose last choice was k
  std::array<double, kOptions> cost{};          // price + convenience cost per option (EUR)
  std::array<bool, kOptions> available{};       // options with at least one supplier
  Option last_choice = Option::kNewLinear;
};

// Behavioural intention BI_k of every option (unavailable options get -inf weight later).
std::array<double, kOptions> purchase_intentions(const PurchaseRule& rule, double attitude,
                                                 const PurchaseSituation& s);

// Logit choice P(k) = exp(BI_k / tau) / sum_j exp(BI_j / tau) over available options.
std::array<double, kOptions> purchase_probabilities(const PurchaseRule& rule, double attitude,
                                                    const PurchaseSituation& s);

// Draws the option with one uniform from `rs`. Requires at least one available option.
Option choose_purchase(const PurchaseRule& rule, double attitude, const PurchaseSituation& s,
                       RandomStream& rs);

// Bass limit rule (validation configs): adoption probability 1 - exp(-(p + q F) dt).
double bass_adoption_probability(double p, double q, double adopted_share, double dt_years);

}  // namespace ketensim::agents
