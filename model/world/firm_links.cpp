#include "model/world/firm_links.hpp"

#include <algorithm>
#include <stdexcept>

#include "model/world/params.hpp"

namespace ketensim::world {

using agents::AgentId;
using agents::Role;

namespace {

std::size_t idx(int i) {
  return static_cast<std::size_t>(i);
}

constexpr std::array<Role, 3> kProducerPartners = {Role::kManufacturer, Role::kRetailer,
                                                   Role::kRecycler};
constexpr std::array<Role, 3> kRefurbisherPartners = {Role::kRetailer, Role::kProducer,
                                                      Role::kCollector};
constexpr std::array<Role, 3> kRecyclerPartners = {Role::kCollector, Role::kProducer,
                                                   Role::kManufacturer};
constexpr std::array<Role, 2> kManufacturerPartners = {Role::kProducer, Role::kRecycler};
constexpr std::array<Role, 2> kRetailerPartners = {Role::kProducer, Role::kRefurbisher};
constexpr std::array<Role, 2> kCollectorPartners = {Role::kRecycler, Role::kProducer};

bool contains(std::span<const std::uint32_t> v, std::uint32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

SlotLayout::SlotLayout(const Params& p, AgentId companies_begin) : begin_(companies_begin) {
  AgentId next = companies_begin;
  for (const auto& g : p.groups) {
    group_begin_.push_back(next);
    firms_.push_back(g.firms);
    entrant_slots_.push_back(g.entrant_slots);
    for (const auto n : g.firms) next += n;
    next += g.entrant_slots;
  }
  group_begin_.push_back(next);
  end_ = next;
}

std::uint32_t SlotLayout::role_slots(int g, int r) const {
  const std::uint32_t entrants = entrant_slots_[idx(g)];
  const auto role = static_cast<std::uint32_t>(r);
  const std::uint32_t entrant_of_role =
      entrants > role ? (entrants - role + agents::kRoles - 1) / agents::kRoles : 0;
  return firms_[idx(g)][idx(r)] + entrant_of_role;
}

AgentId SlotLayout::slot(int g, int r, std::uint32_t i) const {
  const auto& firms = firms_[idx(g)];
  AgentId role_begin = group_begin_[idx(g)];
  for (int k = 0; k < r; ++k) role_begin += firms[idx(k)];
  if (i < firms[idx(r)]) return role_begin + i;
  AgentId entrants_begin = group_begin_[idx(g)];
  for (const auto n : firms) entrants_begin += n;
  const AgentId j =
      static_cast<AgentId>(i - firms[idx(r)]) * agents::kRoles + static_cast<AgentId>(r);
  return entrants_begin + j;
}

int SlotLayout::group_of(AgentId id) const {
  if (id < begin_ || id >= end_) throw std::out_of_range("SlotLayout: not a company slot");
  const auto it = std::upper_bound(group_begin_.begin(), group_begin_.end(), id);
  return static_cast<int>(it - group_begin_.begin()) - 1;
}

int SlotLayout::role_of(AgentId id) const {
  const int g = group_of(id);
  AgentId offset = id - group_begin_[idx(g)];
  for (int r = 0; r < agents::kRoles; ++r) {
    if (offset < firms_[idx(g)][idx(r)]) return r;
    offset -= firms_[idx(g)][idx(r)];
  }
  return static_cast<int>(offset % agents::kRoles);
}

bool SlotLayout::is_entrant_slot(AgentId id) const {
  const int g = group_of(id);
  AgentId initial = 0;
  for (const auto n : firms_[idx(g)]) initial += n;
  return id - group_begin_[idx(g)] >= initial;
}

std::span<const Role> partner_roles(Role r) {
  switch (r) {
    case Role::kProducer:
      return kProducerPartners;
    case Role::kRefurbisher:
      return kRefurbisherPartners;
    case Role::kRecycler:
      return kRecyclerPartners;
    case Role::kManufacturer:
      return kManufacturerPartners;
    case Role::kRetailer:
      return kRetailerPartners;
    case Role::kCollector:
      return kCollectorPartners;
  }
  return {};
}

void draw_links(const SlotLayout& layout, std::uint64_t seed, AgentId id, std::uint32_t peers,
                std::uint32_t partners, std::span<std::uint32_t> out) {
  if (out.size() != static_cast<std::size_t>(peers) + partners)
    throw std::invalid_argument("draw_links: output size is not peers + partners");
  std::fill(out.begin(), out.end(), kNoLink);
  const int g = layout.group_of(id);
  const int r = layout.role_of(id);
  const auto self = static_cast<std::uint32_t>(id - layout.begin());
  const auto index = [&](int role, std::uint32_t i) {
    return static_cast<std::uint32_t>(layout.slot(g, role, i) - layout.begin());
  };
  agents::RandomStream rs(seed, id, 0, agents::purpose::kFirmLinks);

  // Peers: distinct other slots of the same group and role; all of them if too few.
  const std::uint32_t same = layout.role_slots(g, r);
  std::size_t n = 0;
  if (same - 1 <= peers) {
    for (std::uint32_t i = 0; i < same; ++i)
      if (index(r, i) != self) out[n++] = index(r, i);
  } else {
    while (n < peers) {
      const auto cand = index(r, static_cast<std::uint32_t>(rs.below(same)));
      if (cand != self && !contains(out.first(n), cand)) out[n++] = cand;
    }
  }

  // Partners: the partner roles in turn; a role without slots passes to the next,
  // a full one (every slot already linked after a few tries) leaves the link empty.
  const auto roles = partner_roles(static_cast<Role>(r));
  for (std::uint32_t k = 0; k < partners; ++k) {
    for (std::size_t a = 0; a < roles.size(); ++a) {
      const int role = static_cast<int>(roles[(k + a) % roles.size()]);
      const std::uint32_t count = layout.role_slots(g, role);
      if (count == 0) continue;
      constexpr int kTries = 16;
      for (int t = 0; t < kTries; ++t) {
        const auto cand = index(role, static_cast<std::uint32_t>(rs.below(count)));
        if (contains(out.subspan(peers, k), cand)) continue;
        out[peers + k] = cand;
        break;
      }
      break;
    }
  }
}

LinkedShares linked_shares(std::span<const std::uint32_t> links, std::span<const SlotState> slots) {
  std::int64_t total = 0;
  std::array<std::int64_t, agents::kStrategies> adopters{};
  for (const auto l : links) {
    if (l == kNoLink) continue;
    const auto& s = slots[l];
    if (s.revenue_raw <= 0) continue;
    total += s.revenue_raw;
    for (int k = 0; k < agents::kStrategies; ++k)
      if ((s.adopted >> k) & 1u) adopters[idx(k)] += s.revenue_raw;
  }
  LinkedShares out;
  out.any = total > 0;
  if (!out.any) return out;
  for (int k = 0; k < agents::kStrategies; ++k)
    out.share[idx(k)] = static_cast<double>(adopters[idx(k)]) / static_cast<double>(total);
  return out;
}

}  // namespace ketensim::world
