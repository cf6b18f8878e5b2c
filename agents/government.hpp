// The national government's subsidy allocation rule: applications are decided
// in arrival order (first come, first served) or by score (tender) against the
// remaining budget, which is never over-committed.
#pragma once

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

}  // namespace ketensim::agents
