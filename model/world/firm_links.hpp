// Firms' links to peers (same group and role) and chain partners (same group,
// chain-adjacent roles), MODEL.md "links to chain partners and peers"
// (docs/ODD.md 7.5): fixed at set-up, a pure function of the seed, the slot's
// id and the id layout, so every rank draws the same links whatever the
// partition; and the output-weighted shares of linked firms that adopted.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "agents/types.hpp"

namespace ketensim::world {

struct Params;

// Where the company slots of each group and role lie in the id space (the
// layout of IdLayout): per group the initial firms role by role, then the
// entrant slots, entrant slot j having role j mod kRoles.
class SlotLayout {
 public:
  SlotLayout(const Params& p, agents::AgentId companies_begin);

  std::size_t slots() const { return static_cast<std::size_t>(end_ - begin_); }
  agents::AgentId begin() const { return begin_; }
  // Slots of role r in group g (initial firms and entrant slots of that role).
  std::uint32_t role_slots(int g, int r) const;
  // The i-th slot (0 <= i < role_slots(g, r)) of role r in group g.
  agents::AgentId slot(int g, int r, std::uint32_t i) const;
  int group_of(agents::AgentId id) const;
  int role_of(agents::AgentId id) const;
  // An entrant slot (empty at set-up), not one of the group's initial firms.
  bool is_entrant_slot(agents::AgentId id) const;

 private:
  agents::AgentId begin_ = 0;
  agents::AgentId end_ = 0;
  std::vector<agents::AgentId> group_begin_;                      // per group, plus the end
  std::vector<std::array<std::uint32_t, agents::kRoles>> firms_;  // per group and role
  std::vector<std::uint32_t> entrant_slots_;                      // per group
};

inline constexpr std::uint32_t kNoLink = 0xFFFFFFFFu;

// The roles a firm of role r draws its chain partners from, in turn (its
// suppliers and customers in the material flow): a producer buys from
// manufacturers and recyclers and sells through retailers, and so on.
std::span<const agents::Role> partner_roles(agents::Role r);

// Writes the links of slot `id` to `out` (size peers + partners) as slot
// indices (id - layout.begin()): first up to `peers` distinct other slots of its
// group and role, then up to `partners` distinct slots of its group in the roles
// of partner_roles (taken in turn, skipping roles without slots); kNoLink
// fills what could not be drawn (fewer candidates than links).
void draw_links(const SlotLayout& layout, std::uint64_t seed, agents::AgentId id,
                std::uint32_t peers, std::uint32_t partners, std::span<std::uint32_t> out);

// What every rank knows of every company slot after the last board update:
// last month's revenue (0 for a dead or empty slot) and its strategies.
struct SlotState {
  std::int64_t revenue_raw = 0;  // Euro raw
  std::uint8_t adopted = 0;      // bit s: strategy s adopted
  std::array<std::uint8_t, 7> pad{};
};
static_assert(sizeof(SlotState) == 16);

// Output-weighted shares of the linked firms that adopted each strategy (the
// revenue of linked adopters of s over the revenue of all linked firms): a dead
// or empty slot, or one without revenue, weighs 0. `any` is false when no
// linked firm has revenue (the caller falls back to the chain table's shares).
struct LinkedShares {
  bool any = false;
  std::array<double, agents::kStrategies> share{};
};
LinkedShares linked_shares(std::span<const std::uint32_t> links, std::span<const SlotState> slots);

}  // namespace ketensim::world
