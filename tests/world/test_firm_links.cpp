// Firms' links to peers and chain partners (model/world/firm_links.hpp): drawn
// from the seed and the slot id alone (so the same on any partition), within the
// group, peers of the same role and partners of the chain-adjacent roles; and
// the output-weighted shares of linked firms, which differ between firms of one
// chain table and ignore dead or empty slots.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <set>
#include <vector>

#include "model/world/firm_links.hpp"
#include "model/world/params.hpp"

namespace ketensim::world {
namespace {

using agents::AgentId;

constexpr AgentId kBegin = 7;  // government and chain tables come first
constexpr std::uint64_t kSeed = 20251013;

Params two_groups() {
  Params p;
  GroupParams a;
  a.firms = {40, 5, 3, 10, 12, 2};  // producer, refurbisher, recycler, manufacturer, retailer,
                                    // collector
  a.entrant_slots = 9;
  GroupParams b;
  b.firms = {3, 0, 0, 4, 0, 0};  // no refurbishers, recyclers, retailers, collectors
  b.entrant_slots = 0;
  p.groups = {a, b};
  return p;
}

std::vector<std::uint32_t> links_of(const SlotLayout& l, AgentId id, std::uint32_t peers = 6,
                                    std::uint32_t partners = 4) {
  std::vector<std::uint32_t> out(peers + partners);
  draw_links(l, kSeed, id, peers, partners, out);
  return out;
}

TEST(SlotLayout, RolesAndGroupsOfInitialAndEntrantSlots) {
  const SlotLayout l(two_groups(), kBegin);
  EXPECT_EQ(l.slots(), 72u + 9u + 7u);
  for (int g = 0; g < 2; ++g)
    for (int r = 0; r < agents::kRoles; ++r)
      for (std::uint32_t i = 0; i < l.role_slots(g, r); ++i) {
        const AgentId id = l.slot(g, r, i);
        EXPECT_EQ(l.group_of(id), g);
        EXPECT_EQ(l.role_of(id), r);
      }
  // Entrant slot j of group 0 has role j mod 6: 9 slots give 2 producers, 2
  // refurbishers, 2 recyclers and one each of the other roles.
  EXPECT_EQ(l.role_slots(0, 0), 42u);
  EXPECT_EQ(l.role_slots(0, 2), 5u);
  EXPECT_EQ(l.role_slots(0, 3), 11u);
  EXPECT_EQ(l.role_slots(0, 5), 3u);
  std::uint32_t total = 0;
  for (int g = 0; g < 2; ++g)
    for (int r = 0; r < agents::kRoles; ++r) total += l.role_slots(g, r);
  EXPECT_EQ(total, l.slots());
}

TEST(FirmLinks, PeersShareGroupAndRolePartnersAreChainAdjacent) {
  const SlotLayout l(two_groups(), kBegin);
  for (AgentId id = kBegin; id < kBegin + l.slots(); ++id) {
    const auto links = links_of(l, id);
    const int g = l.group_of(id);
    const int r = l.role_of(id);
    std::set<std::uint32_t> seen;
    for (std::size_t k = 0; k < links.size(); ++k) {
      if (links[k] == kNoLink) continue;
      const AgentId other = kBegin + links[k];
      EXPECT_NE(other, id) << "a firm is not its own peer or partner";
      EXPECT_TRUE(seen.insert(links[k]).second) << "duplicate link of " << id;
      EXPECT_EQ(l.group_of(other), g);
      if (k < 6) {
        EXPECT_EQ(l.role_of(other), r);
      } else {
        const auto roles = partner_roles(static_cast<agents::Role>(r));
        EXPECT_NE(
            std::find(roles.begin(), roles.end(), static_cast<agents::Role>(l.role_of(other))),
            roles.end());
      }
    }
  }
}

TEST(FirmLinks, AllPeersWhenTooFewAndNoPartnersWithoutPartnerRoles) {
  const SlotLayout l(two_groups(), kBegin);
  // Group 1 has 3 producers: 2 peers, the rest empty; partners among its 4
  // manufacturers (the only partner role with slots).
  const AgentId producer = l.slot(1, 0, 1);
  const auto links = links_of(l, producer);
  EXPECT_EQ(links[0], l.slot(1, 0, 0) - kBegin);
  EXPECT_EQ(links[1], l.slot(1, 0, 2) - kBegin);
  for (std::size_t k = 2; k < 6; ++k) EXPECT_EQ(links[k], kNoLink);
  for (std::size_t k = 6; k < 10; ++k) {
    ASSERT_NE(links[k], kNoLink);
    EXPECT_EQ(l.role_of(kBegin + links[k]), static_cast<int>(agents::Role::kManufacturer));
  }
  // Zero links: nothing drawn.
  EXPECT_TRUE(links_of(l, producer, 0, 0).empty());
}

TEST(FirmLinks, FromTheSeedAndIdAloneWhateverTheOrderOrPartition) {
  const SlotLayout l(two_groups(), kBegin);
  // Draw every slot's links in id order (one rank) and in reverse order split in
  // three blocks (as three ranks would own them): the same links.
  std::vector<std::vector<std::uint32_t>> forward;
  for (AgentId id = kBegin; id < kBegin + l.slots(); ++id) forward.push_back(links_of(l, id));
  const std::size_t n = l.slots();
  const std::vector<std::size_t> cuts = {0, n / 3, 2 * n / 3, n};
  for (std::size_t b = 3; b-- > 0;)
    for (std::size_t i = cuts[b + 1]; i-- > cuts[b];)
      EXPECT_EQ(links_of(l, kBegin + i), forward[i]) << "slot " << i;
  // Another seed gives other links (the draw is random, not a fixed pattern).
  std::vector<std::uint32_t> other(10);
  draw_links(l, kSeed + 1, l.slot(0, 0, 5), 6, 4, other);
  EXPECT_NE(other, forward[l.slot(0, 0, 5) - kBegin]);
}

TEST(LinkedShares, OutputWeightedDeadAndEmptySlotsWeighNothing) {
  std::vector<SlotState> slots(6);
  slots[0] = {300, 0b0001, {}};  // reduce
  slots[1] = {100, 0b0011, {}};  // reduce and substitute
  slots[2] = {0, 0b1111, {}};    // dead or empty slot: weight 0 whatever it adopted
  slots[3] = {600, 0b0000, {}};  // linear
  const std::vector<std::uint32_t> links = {0, 1, 2, 3, kNoLink};
  const auto s = linked_shares(links, slots);
  ASSERT_TRUE(s.any);
  EXPECT_DOUBLE_EQ(s.share[0], 0.4);
  EXPECT_DOUBLE_EQ(s.share[1], 0.1);
  EXPECT_DOUBLE_EQ(s.share[2], 0.0);
  EXPECT_DOUBLE_EQ(s.share[3], 0.0);
  // Only dead or empty links: no information (the caller falls back to the table).
  const std::vector<std::uint32_t> dead = {2, 4, 5, kNoLink};
  EXPECT_FALSE(linked_shares(dead, slots).any);
  EXPECT_FALSE(linked_shares({}, slots).any);
}

TEST(LinkedShares, DifferBetweenFirmsOfOneTable) {
  // One chain table where producers 0..19 adopted reduce and the others did not:
  // firms whose peers are adopters see a high SN, the others a low one, while the
  // table-wide share is the same for all of them.
  const SlotLayout l(two_groups(), kBegin);
  std::vector<SlotState> slots(l.slots());
  for (int r = 0; r < agents::kRoles; ++r)
    for (std::uint32_t i = 0; i < l.role_slots(0, r); ++i) {
      const AgentId id = l.slot(0, r, i);
      const bool entrant = i >= two_groups().groups[0].firms[static_cast<std::size_t>(r)];
      if (entrant) continue;  // empty entrant slots
      slots[id - kBegin] = {1000, static_cast<std::uint8_t>(r == 0 && i < 20 ? 1 : 0), {}};
    }
  std::vector<double> reduce;
  for (std::uint32_t i = 0; i < l.role_slots(0, 0); ++i) {
    const auto links = links_of(l, l.slot(0, 0, i));
    const auto s = linked_shares(links, slots);
    ASSERT_TRUE(s.any);
    reduce.push_back(s.share[0]);
  }
  const auto [lo, hi] = std::minmax_element(reduce.begin(), reduce.end());
  EXPECT_LT(*lo, 0.25);
  EXPECT_GT(*hi, 0.45);
  EXPECT_GT(std::set<double>(reduce.begin(), reduce.end()).size(), 4u);
}

}  // namespace
}  // namespace ketensim::world
