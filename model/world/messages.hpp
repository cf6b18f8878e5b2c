// Fixed-size messages between agents. Every message carries receiver, sender and
// a per-sender sequence number; the exchange delivers them sorted by these.
#pragma once

#include <cstdint>

#include "agents/types.hpp"

namespace ketensim::world {

using agents::AgentId;

// Household (or public buyer) -> supplier or shop: units bought in one product group.
// Households' purchases are aggregated on the sending rank: one message per
// (supplier, option) and rank, carrying `count` purchases of `units` each at the
// supplier's price (all households of a group buy the same units; a supplier's
// price is fixed within a month); sender is the rank's first household and
// seq = group * kOptions + option. Shop orders: one per (shop, option) and rank
// with seq = option, carrying `count` purchases and, in amount_raw, the exact sum
// of the shop's margins on them (milli-euro; each purchase's margin depends on
// its supplier's price). Public procurement sends one order of `units` with count 0.
struct OrderMsg {
  AgentId receiver;
  AgentId sender;
  std::uint32_t seq;
  std::uint8_t option;
  double units;
  double price;             // EUR per unit paid to the receiver (suppliers only)
  std::uint32_t count;      // purchases of `units` each; 0: a single order of `units`
  std::int64_t amount_raw;  // shops: sum of the margins of the `count` purchases (Euro raw)
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
  std::uint32_t reply_to;  // seq of the application decided
  double amount_eur;
  double cofunding_eur;  // the firm's province's top-up of a granted amount (Rijk-Regio)
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
  agents::Intentions intention;  // U_s at the last review (kNoIntention: not evaluated)
};

// Chain table -> coalition member: the share of a granted chain-project subsidy.
struct ProjectMsg {
  AgentId receiver;
  AgentId sender;
  std::uint32_t seq;
  std::uint8_t strategy;  // the project's strategy (kNoStrategy: mixed, the member's best)
  double amount_eur;
};

// Household -> ranks holding it as a ghost neighbour: its new last choice.
struct GhostMsg {
  AgentId receiver;   // the household whose ghost copy changes
  AgentId sender;     // its ghost slot on the receiving rank (told at subscription)
  std::uint32_t seq;  // product-group index
  std::uint8_t choice;
  std::uint8_t eol;
};

// Rank -> household owner: "I hold a ghost copy of this household".
struct SubscribeMsg {
  AgentId receiver;
  AgentId sender;  // subscribing rank
  std::uint32_t seq;
};

}  // namespace ketensim::world
