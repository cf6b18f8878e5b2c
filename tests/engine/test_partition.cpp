// Tests of the weighted block partition of agent ids over ranks.
#include "model/engine/partition.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "model/engine/rng.hpp"

namespace ketensim::engine {
namespace {

// Checks the invariants every partition must hold, and the balance guarantee:
// each block's weight is within one (heaviest) agent's weight of total / ranks.
void expect_valid(const Partition& p, const std::vector<IdSegment>& segments, int ranks) {
  const AgentId total = segments.empty() ? 0 : segments.back().end;
  ASSERT_EQ(p.ranks(), ranks);
  ASSERT_EQ(p.total_ids(), total);
  EXPECT_EQ(p.first(0), 0u);
  EXPECT_EQ(p.end(ranks - 1), total);
  for (int r = 0; r < ranks; ++r) {
    EXPECT_LE(p.first(r), p.end(r)) << "rank " << r;
    if (r > 0) {
      EXPECT_EQ(p.first(r), p.end(r - 1)) << "blocks must tile, rank " << r;
    }
  }
  // owner() agrees with the boundaries, for every id (small cases) or a sample.
  const AgentId step = std::max<AgentId>(1, total / 5000);
  for (int r = 0; r < ranks; ++r) {
    if (p.first(r) == p.end(r)) continue;
    EXPECT_EQ(p.owner(p.first(r)), r);
    EXPECT_EQ(p.owner(p.end(r) - 1), r);
    for (AgentId id = p.first(r); id < p.end(r); id += step) ASSERT_EQ(p.owner(id), r) << id;
  }
  EXPECT_THROW(p.owner(total), std::out_of_range);

  double total_weight = 0;
  double max_weight = 0;
  for (const auto& s : segments) {
    total_weight += static_cast<double>(s.end - s.begin) * s.weight;
    if (s.end > s.begin) max_weight = std::max(max_weight, s.weight);
  }
  if (!(total_weight > 0)) return;  // split by count; checked separately
  const double share = total_weight / ranks;
  for (int r = 0; r < ranks; ++r) {
    double w = 0;
    for (const auto& s : segments) {
      const AgentId b = std::max(s.begin, p.first(r));
      const AgentId e = std::min(s.end, p.end(r));
      if (b < e) w += static_cast<double>(e - b) * s.weight;
    }
    EXPECT_LE(std::abs(w - share), max_weight * (1 + 1e-9) + 1e-9 * total_weight)
        << "rank " << r << " weight " << w << " share " << share;
  }
}

TEST(Partition, EqualWeightsSplitEvenly) {
  const std::vector<IdSegment> segments{{0, 100, 1.0}};
  const Partition p(segments, 4);
  expect_valid(p, segments, 4);
  for (int r = 0; r < 4; ++r) EXPECT_EQ(p.end(r) - p.first(r), 25u);
}

TEST(Partition, UnevenCountSplitsWithinOneId) {
  const std::vector<IdSegment> segments{{0, 10, 1.0}};
  const Partition p(segments, 3);
  expect_valid(p, segments, 3);
  for (int r = 0; r < 3; ++r) {
    EXPECT_GE(p.end(r) - p.first(r), 3u);
    EXPECT_LE(p.end(r) - p.first(r), 4u);
  }
}

TEST(Partition, WeightsAreRespected) {
  // Households (light), companies (heavy), governments (very heavy).
  const std::vector<IdSegment> segments{{0, 1000, 1.0}, {1000, 1100, 25.0}, {1100, 1105, 200.0}};
  for (int ranks : {1, 2, 3, 4, 7, 16}) {
    SCOPED_TRACE(ranks);
    expect_valid(Partition(segments, ranks), segments, ranks);
  }
}

TEST(Partition, RandomSegmentsHoldTheInvariants) {
  for (std::uint32_t trial = 0; trial < 200; ++trial) {
    RandomStream rs(314, 0, trial, 0);
    std::vector<IdSegment> segments;
    AgentId at = 0;
    const auto n_segments = rs.below(6);
    for (std::uint64_t s = 0; s < n_segments; ++s) {
      const AgentId len = rs.below(4) == 0 ? 0 : rs.below(500);
      const double weight = rs.below(5) == 0 ? 0.0 : 0.1 + rs.uniform() * 50.0;
      segments.push_back({at, at + len, weight});
      at += len;
    }
    const int ranks = 1 + static_cast<int>(rs.below(12));
    SCOPED_TRACE(testing::Message() << "trial " << trial << " ranks " << ranks);
    expect_valid(Partition(segments, ranks), segments, ranks);
  }
}

TEST(Partition, SingleRankOwnsEverything) {
  const std::vector<IdSegment> segments{{0, 7, 1.0}, {7, 9, 3.0}};
  const Partition p(segments, 1);
  expect_valid(p, segments, 1);
  EXPECT_EQ(p.first(0), 0u);
  EXPECT_EQ(p.end(0), 9u);
  for (AgentId id = 0; id < 9; ++id) EXPECT_EQ(p.owner(id), 0);
}

TEST(Partition, MoreRanksThanIdsLeavesSomeEmpty) {
  const std::vector<IdSegment> segments{{0, 3, 1.0}};
  const Partition p(segments, 8);
  expect_valid(p, segments, 8);
  int non_empty = 0;
  for (int r = 0; r < 8; ++r) non_empty += p.end(r) > p.first(r) ? 1 : 0;
  EXPECT_EQ(non_empty, 3);
  // Each id has exactly one owner, and owners increase with the id.
  EXPECT_LT(p.owner(0), p.owner(1));
  EXPECT_LT(p.owner(1), p.owner(2));
}

TEST(Partition, OneHeavyAgentTakesARankToItself) {
  const std::vector<IdSegment> segments{{0, 10, 1.0}, {10, 11, 1000.0}, {11, 21, 1.0}};
  const Partition p(segments, 3);
  expect_valid(p, segments, 3);
}

TEST(Partition, NoIdsAtAll) {
  const std::vector<IdSegment> none;
  const Partition p(none, 3);
  expect_valid(p, none, 3);
  for (int r = 0; r < 3; ++r) EXPECT_EQ(p.first(r), p.end(r));
  EXPECT_THROW(p.owner(0), std::out_of_range);
  const std::vector<IdSegment> empty_segment{{0, 0, 1.0}};
  expect_valid(Partition(empty_segment, 2), empty_segment, 2);
}

TEST(Partition, AllZeroWeightsSplitByCount) {
  const std::vector<IdSegment> segments{{0, 6, 0.0}, {6, 12, 0.0}};
  const Partition p(segments, 4);
  expect_valid(p, segments, 4);
  for (int r = 0; r < 4; ++r) EXPECT_EQ(p.end(r) - p.first(r), 3u);
}

TEST(Partition, ZeroWeightSegmentsAmongWeightedOnes) {
  const std::vector<IdSegment> segments{
      {0, 50, 0.0}, {50, 60, 1.0}, {60, 100, 0.0}, {100, 110, 1.0}};
  const Partition p(segments, 2);
  expect_valid(p, segments, 2);
}

TEST(Partition, RefusesBadInput) {
  const std::vector<IdSegment> ok{{0, 5, 1.0}};
  EXPECT_THROW(Partition(ok, 0), std::invalid_argument);
  EXPECT_THROW(Partition(ok, -1), std::invalid_argument);
  const std::vector<IdSegment> gap{{0, 5, 1.0}, {6, 8, 1.0}};
  EXPECT_THROW(Partition(gap, 2), std::invalid_argument);
  const std::vector<IdSegment> not_from_zero{{1, 5, 1.0}};
  EXPECT_THROW(Partition(not_from_zero, 2), std::invalid_argument);
  const std::vector<IdSegment> reversed{{0, 5, 1.0}, {5, 3, 1.0}};
  EXPECT_THROW(Partition(reversed, 2), std::invalid_argument);
  const std::vector<IdSegment> negative{{0, 5, -1.0}};
  EXPECT_THROW(Partition(negative, 2), std::invalid_argument);
  const std::vector<IdSegment> nan{{0, 5, std::nan("")}};
  EXPECT_THROW(Partition(nan, 2), std::invalid_argument);
  const std::vector<IdSegment> inf{{0, 5, std::numeric_limits<double>::infinity()}};
  EXPECT_THROW(Partition(inf, 2), std::invalid_argument);
}

TEST(Partition, DependsOnlyOnSegmentsAndRanks) {
  const std::vector<IdSegment> segments{{0, 1000, 1.0}, {1000, 1100, 25.0}};
  const Partition a(segments, 5);
  const Partition b(segments, 5);
  for (int r = 0; r <= 5; ++r) EXPECT_EQ(a.first(r), b.first(r));
}

// Classes: each class is split on its own, so every rank owns one block of
// each, and owner() agrees with the blocks for every id.
TEST(Partition, ClassesAreSplitSeparately) {
  // 7 "governments", 300 companies (heavy), 10,000 households.
  const std::vector<IdSegment> segments{{0, 7, 5.0}, {7, 307, 5.0}, {307, 10307, 1.0}};
  const std::vector<AgentId> starts{7, 307};
  for (int ranks : {1, 2, 3, 4, 7}) {
    const Partition p(segments, ranks, starts);
    ASSERT_EQ(p.classes(), 3);
    ASSERT_EQ(p.total_ids(), 10307u);
    for (int c = 0; c < 3; ++c) {
      const AgentId begin = segments[static_cast<std::size_t>(c)].begin;
      const AgentId end = segments[static_cast<std::size_t>(c)].end;
      EXPECT_EQ(p.first(0, c), begin);
      EXPECT_EQ(p.end(ranks - 1, c), end);
      for (int r = 0; r < ranks; ++r) {
        if (r > 0) {
          EXPECT_EQ(p.first(r, c), p.end(r - 1, c)) << "class " << c;
        }
        // Equal weights within a class: blocks differ by at most one id.
        const AgentId n = end - begin;
        const AgentId size = p.end(r, c) - p.first(r, c);
        EXPECT_LE(size, n / static_cast<AgentId>(ranks) + 1) << "class " << c << " rank " << r;
        EXPECT_GE(size + 1, n / static_cast<AgentId>(ranks)) << "class " << c << " rank " << r;
      }
    }
    for (AgentId id = 0; id < p.total_ids(); ++id) {
      const int c = p.class_of(id);
      const int r = p.owner(id);
      ASSERT_GE(id, p.first(r, c)) << id;
      ASSERT_LT(id, p.end(r, c)) << id;
    }
    EXPECT_THROW(p.owner(10307), std::out_of_range);
    EXPECT_THROW(p.class_of(10307), std::out_of_range);
  }
  // Companies spread: with 2 ranks each rank owns 150 companies, where a single
  // class would have given all 300 (and the 7 others) to rank 0.
  const Partition spread(segments, 2, starts);
  EXPECT_EQ(spread.end(0, 1) - spread.first(0, 1), 150u);
  const Partition blocks(segments, 2);
  EXPECT_EQ(blocks.owner(306), 0);
  EXPECT_EQ(spread.owner(306), 1);
}

TEST(Partition, ClassStartsMustBeIncreasingSegmentBoundaries) {
  const std::vector<IdSegment> segments{{0, 10, 1.0}, {10, 20, 1.0}};
  const std::vector<AgentId> inside{5};
  const std::vector<AgentId> at_zero{0};
  const std::vector<AgentId> at_end{20};
  const std::vector<AgentId> twice{10, 10};
  EXPECT_THROW(Partition(segments, 2, inside), std::invalid_argument);
  EXPECT_THROW(Partition(segments, 2, at_zero), std::invalid_argument);
  EXPECT_THROW(Partition(segments, 2, at_end), std::invalid_argument);
  EXPECT_THROW(Partition(segments, 2, twice), std::invalid_argument);
  const std::vector<AgentId> ok{10};
  EXPECT_EQ(Partition(segments, 3, ok).classes(), 2);
}

}  // namespace
}  // namespace ketensim::engine
