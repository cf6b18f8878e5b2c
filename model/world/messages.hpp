// Fixed-size messages between agents. Every message carries receiver, sender and
// a per-sender sequence number; the exchange delivers them sorted by these.
#pragma once

#include <cstdint>

#include "agents/types.hpp"

namespace ketensim::world {

using agents::AgentId;

// Household -> supplier: units bought in one product group.
struct OrderMsg {
  AgentId receiver;
  AgentId sender;
  std::uint32_t seq;  // product-group index (one purchase per group per tick)
  std::uint8_t option;
  double units;
};

// Firm -> government: application to a subsidy scheme.
struct ApplicationMsg {
  AgentId receiver;
  AgentId sender;
  std::uint32_t seq;
  std::uint32_t arrival;
  std::uint8_t scheme;
  std::uint8_t strategy;
  double requested_eur;
  double score;
};

// Government -> firm: decision on an application.
struct DecisionMsg {
  AgentId receiver;
  AgentId sender;
  std::uint32_t seq;
  std::uint8_t granted;
  double amount_eur;
};

// Firm -> its chain table: monthly adoption and output report.
struct ReportMsg {
  AgentId receiver;
  AgentId sender;
  std::uint32_t seq;
  std::uint8_t adopted;
  std::uint8_t role;
  std::int64_t revenue_raw;  // milli-euro this month
  double capacity;
};

// Household -> ranks holding it as a ghost neighbour: its new last choice.
struct GhostMsg {
  AgentId receiver;  // the household whose ghost copy changes
  AgentId sender;    // same household
  std::uint32_t seq; // product-group index
  std::uint8_t choice;
};

// Rank -> household owner: "I hold a ghost copy of this household".
struct SubscribeMsg {
  AgentId receiver;
  AgentId sender;  // subscribing rank
  std::uint32_t seq;
};

}  // namespace ketensim::world
