// Governments' decision rules. National: subsidy applications are decided in
// arrival order (first come, first served) or by score (tender) against the
// remaining budget, which is never over-committed. Regional (provinces and
// municipalities): circular procurement tenders scored with a circularity
// weight, and co-funding of national grants from a yearly provincial budget.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "agents/types.hpp"

namespace ketensim::agents {

struct SubsidyApplication {
  AgentId applicant = 0;
  std::uint32_t arrival = 0;  // arrival time within the window (FCFS order)
  double score = 0;           // tender score (higher first)
  double requested_eur = 0;   // subsidy asked for (rate x eligible cost, capped)
  std::uint32_t ref = 0;      // the applicant's reference, returned in the decision
};

struct SubsidyDecision {
  AgentId applicant = 0;
  bool granted = false;
  double granted_eur = 0;
  std::uint32_t ref = 0;
};

struct SchemeRules {
  double min_per_application_eur = 0;
  double max_per_application_eur = 0;
  bool tender = false;  // ranked by score instead of arrival
};

// Decides `applications` in canonical order (arrival or score, ties by applicant
// id) and draws granted amounts from `remaining_budget` (milli-euro exact).
std::vector<SubsidyDecision> allocate_subsidies(const SchemeRules& rules,
                                                std::span<const SubsidyApplication> applications,
                                                Euro& remaining_budget);

// One offer in a regional tender: the supplier's demand weight (capacity x
// price^-elasticity), its price per unit and whether it is a circular offer.
struct TenderOffer {
  double weight = 0;
  double price = 0;
  bool circular = false;
};

// MEAT (EMVI) award score: (1 - w_circ) x lowest_price / price + w_circ x [circular].
double tender_score(double w_circ, double lowest_price, double price, bool circular);

// The offer that wins a tender lot, for a uniform draw u in (0, 1): offer k wins
// with probability weight_k exp(score_k / temperature) / sum_j weight_j exp(score_j /
// temperature). Returns offers.size() when no offer has a positive weight.
std::size_t tender_winner(std::span<const TenderOffer> offers, double w_circ, double temperature,
                          double u);

// The same draw in two steps, for many draws from one lot: the running sums of
// weight_k exp((score_k - 1) / temperature) (an offer with weight <= 0 adds
// nothing), then the winner for one u. tender_winner(o, w, T, u) ==
// tender_pick(cumulative, o, u) with cumulative from tender_cumulative(o, w, T).
void tender_cumulative(std::span<const TenderOffer> offers, double w_circ, double temperature,
                       std::vector<double>& cumulative);
std::size_t tender_pick(std::span<const double> cumulative, std::span<const TenderOffer> offers,
                        double u);

// Probability that a circular offer priced `price_ratio` x an otherwise equal linear
// offer wins a tender against it: the firm's belief about a regional lot.
double circular_win_probability(double w_circ, double temperature, double price_ratio);

// Co-funding of a national grant: min(rate x grant, budget left), drawn from
// `budget_left` (milli-euro exact, never below zero). Returns the amount.
double cofund(double rate, double grant_eur, Euro& budget_left);

}  // namespace ketensim::agents
