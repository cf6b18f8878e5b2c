// MPI tests of the engine, run under mpirun with 1, 2, 3 and 4 ranks: message
// exchange (exactly-once delivery, canonical order, content independent of the
// rank count and of arrival order, empty rounds), exact fixed-point reductions,
// broadcast and allgather order.
//
// Checks never stop a rank early: every rank runs every collective, records
// failures, and at the end the failure count is summed so that every rank exits
// non-zero if any rank failed. An unexpected exception aborts the job.
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "model/engine/exchange.hpp"
#include "model/engine/fixed_point.hpp"
#include "model/engine/mpi_context.hpp"
#include "model/engine/partition.hpp"
#include "model/engine/rng.hpp"

namespace ketensim::engine {
namespace {

int g_rank = 0;
int g_failures = 0;

void fail(const char* file, int line, const std::string& what) {
  ++g_failures;
  std::fprintf(stderr, "[rank %d] %s:%d: FAILED: %s\n", g_rank, file, line, what.c_str());
}

#define CHECK(cond)                               \
  do {                                            \
    if (!(cond)) fail(__FILE__, __LINE__, #cond); \
  } while (false)
#define CHECK_MSG(cond, msg)                                                  \
  do {                                                                        \
    if (!(cond)) fail(__FILE__, __LINE__, std::string(#cond) + ": " + (msg)); \
  } while (false)

// 40 bytes without padding, so that equality can be checked field by field and
// the wire image has no indeterminate bytes.
struct TestMessage {
  AgentId receiver;
  AgentId sender;
  std::uint32_t seq;
  std::uint32_t kind;
  std::int64_t amount_raw;
  std::uint64_t payload;
};
static_assert(sizeof(TestMessage) == 40);
static_assert(std::has_unique_object_representations_v<TestMessage>);
static_assert(Message<TestMessage>);

bool operator==(const TestMessage& a, const TestMessage& b) {
  return a.receiver == b.receiver && a.sender == b.sender && a.seq == b.seq && a.kind == b.kind &&
         a.amount_raw == b.amount_raw && a.payload == b.payload;
}

constexpr std::uint64_t kSeed = 20250101;
constexpr Purpose kPurposeMessages = 1;
constexpr Purpose kPurposeAmounts = 2;

// Agent ids tile [0, 437) with uneven weights, so that blocks differ in size.
const std::vector<IdSegment> kSegments{{0, 300, 1.0}, {300, 400, 6.0}, {400, 437, 15.0}};

// The messages agent `sender` posts in `round`: a pure function of its
// arguments, so the whole traffic can be rebuilt in one process.
std::vector<TestMessage> messages_of(AgentId sender, AgentId n_ids, std::uint32_t round) {
  RandomStream rs(kSeed, sender, round, kPurposeMessages);
  // Some agents send nothing; some send many, partly to themselves.
  const auto count = static_cast<std::uint32_t>(rs.below(7));
  std::vector<TestMessage> out;
  for (std::uint32_t seq = 0; seq < count; ++seq) {
    TestMessage m{};
    m.receiver = rs.below(5) == 0 ? sender : rs.below(n_ids);
    m.sender = sender;
    m.seq = seq;
    m.kind = static_cast<std::uint32_t>(rs.below(3));
    m.amount_raw = static_cast<std::int64_t>(rs.below(2'000'000'000)) - 1'000'000'000;
    m.payload = rs.next_u64();
    out.push_back(m);
  }
  return out;
}

// All messages of a round in canonical order, built without MPI.
std::vector<TestMessage> expected_traffic(AgentId n_ids, std::uint32_t round) {
  std::vector<TestMessage> all;
  for (AgentId s = 0; s < n_ids; ++s) {
    const auto mine = messages_of(s, n_ids, round);
    all.insert(all.end(), mine.begin(), mine.end());
  }
  std::sort(all.begin(), all.end(), Exchange<TestMessage>::canonical_less);
  return all;
}

// An order-sensitive fingerprint of what receivers read: each message's fields
// are mixed with its position among its receiver's messages. Terms are cut to
// 40 bits so that sums over ranks are exact in 64-bit integers.
std::int64_t fingerprint(std::span<const TestMessage> inbox) {
  std::int64_t sum = 0;
  for_each_receiver(inbox, [&](AgentId, std::span<const TestMessage> group) {
    for (std::size_t i = 0; i < group.size(); ++i) {
      const TestMessage& m = group[i];
      std::uint64_t h = 0x9E3779B97F4A7C15ull;
      for (std::uint64_t v :
           {m.receiver, m.sender, std::uint64_t{m.seq}, std::uint64_t{m.kind},
            static_cast<std::uint64_t>(m.amount_raw), m.payload, std::uint64_t{i}}) {
        h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
        h *= 0xBF58476D1CE4E5B9ull;
      }
      sum += static_cast<std::int64_t>(h >> 24);
    }
  });
  return sum;
}

std::vector<TestMessage> slice_for(const std::vector<TestMessage>& all, const Partition& p,
                                   int rank) {
  std::vector<TestMessage> out;
  for (const auto& m : all)
    if (m.receiver >= p.first(rank) && m.receiver < p.end(rank)) out.push_back(m);
  return out;
}

// One round: this rank posts its agents' messages (in `reverse` order if asked;
// with `sorted_blocks` > 0, cut into that many blocks, each in canonical order,
// so that the exchange merges sorted runs instead of sorting), exchanges, and
// checks the inbox against the in-process expectation.
void run_round(const Comm& comm, const Partition& p, Exchange<TestMessage>& ex, std::uint32_t round,
               bool reverse, const char* label, int sorted_blocks = 0) {
  const AgentId n_ids = p.total_ids();
  const int me = comm.rank();
  std::vector<AgentId> senders;
  for (AgentId s = p.first(me); s < p.end(me); ++s) senders.push_back(s);
  if (reverse) std::reverse(senders.begin(), senders.end());
  std::vector<TestMessage> outgoing;
  for (AgentId s : senders) {
    auto msgs = messages_of(s, n_ids, round);
    if (reverse) std::reverse(msgs.begin(), msgs.end());
    outgoing.insert(outgoing.end(), msgs.begin(), msgs.end());
  }
  if (sorted_blocks > 0) {
    const std::size_t n = outgoing.size();
    const auto blocks = static_cast<std::size_t>(sorted_blocks);
    for (std::size_t k = 0; k < blocks; ++k)
      std::sort(outgoing.begin() + static_cast<std::ptrdiff_t>(n * k / blocks),
                outgoing.begin() + static_cast<std::ptrdiff_t>(n * (k + 1) / blocks),
                Exchange<TestMessage>::canonical_less);
  }
  if (sorted_blocks < 0) {
    // Sorted, except every 7th message, which goes to the end in reverse order:
    // long runs plus many one-message runs (more than the exchange merges).
    std::sort(outgoing.begin(), outgoing.end(), Exchange<TestMessage>::canonical_less);
    std::vector<TestMessage> kept;
    std::vector<TestMessage> moved;
    for (std::size_t i = 0; i < outgoing.size(); ++i)
      (i % 7 == 3 ? moved : kept).push_back(outgoing[i]);
    kept.insert(kept.end(), moved.rbegin(), moved.rend());
    outgoing = kept;
  }
  for (const auto& m : outgoing) ex.post(m);
  const std::uint64_t posted = outgoing.size();
  const ExchangeStats before = ex.stats();
  const auto inbox = ex.exchange();
  const ExchangeStats& after = ex.stats();

  const auto all = expected_traffic(n_ids, round);
  const auto expected = slice_for(all, p, me);
  const std::string where = std::string(label) + " round " + std::to_string(round);

  // Every message arrives exactly once, at the owner of its receiver, in
  // canonical order: the inbox equals the expected slice element by element.
  CHECK_MSG(inbox.size() == expected.size(), where + ": got " + std::to_string(inbox.size()) +
                                                 " expected " + std::to_string(expected.size()));
  CHECK_MSG(std::equal(inbox.begin(), inbox.end(), expected.begin(), expected.end()), where);
  for (const auto& m : inbox) CHECK_MSG(p.owner(m.receiver) == me, where);
  CHECK_MSG(std::is_sorted(inbox.begin(), inbox.end(), Exchange<TestMessage>::canonical_less),
            where);
  CHECK_MSG(std::adjacent_find(inbox.begin(), inbox.end(),
                               [](const TestMessage& a, const TestMessage& b) {
                                 return !Exchange<TestMessage>::canonical_less(a, b);
                               }) == inbox.end(),
            where + ": keys not strictly increasing");

  // Global totals: posted == delivered == expected, and the fingerprint of what
  // all receivers read equals the one computed without MPI.
  const auto total_posted = comm.allreduce_sum(static_cast<std::int64_t>(posted));
  const auto total_received = comm.allreduce_sum(static_cast<std::int64_t>(inbox.size()));
  CHECK_MSG(total_posted == static_cast<std::int64_t>(all.size()), where);
  CHECK_MSG(total_received == static_cast<std::int64_t>(all.size()), where);
  const auto global_fp = comm.allreduce_sum(fingerprint(inbox));
  CHECK_MSG(global_fp == fingerprint(all), where + ": fingerprint differs");

  // Traffic accounting.
  CHECK_MSG(after.exchanges == before.exchanges + 1, where);
  CHECK_MSG(after.messages_sent - before.messages_sent == posted, where);
  CHECK_MSG(after.bytes_sent - before.bytes_sent == posted * sizeof(TestMessage), where);
  CHECK_MSG(after.messages_received - before.messages_received == inbox.size(), where);
  CHECK_MSG(after.bytes_received - before.bytes_received == inbox.size() * sizeof(TestMessage),
            where);
  std::uint64_t to_self = 0;
  for (AgentId s : senders)
    for (const auto& m : messages_of(s, n_ids, round))
      if (p.owner(m.receiver) == me) ++to_self;
  CHECK_MSG(after.remote_bytes_sent - before.remote_bytes_sent ==
                (posted - to_self) * sizeof(TestMessage),
            where);
}

void test_exchange(const Comm& comm) {
  const Partition p(kSegments, comm.size());
  Exchange<TestMessage> plain(comm, p);
  Exchange<TestMessage> shuffled(comm, p);
  shuffled.set_shuffle_seed(777);
  // Several rounds on the same objects, so buffers are reused across rounds.
  for (std::uint32_t round = 0; round < 4; ++round) {
    run_round(comm, p, plain, round, round % 2 == 1, "plain");
    run_round(comm, p, shuffled, round, round % 2 == 0, "shuffled");
    // Pre-sorted posts: one run per sender rank (1 block) or several (5 blocks),
    // merged by the exchange; the shuffled exchange must still sort them.
    run_round(comm, p, plain, round, false, "presorted", 1);
    run_round(comm, p, plain, round, round % 2 == 1, "presorted blocks", 5);
    run_round(comm, p, shuffled, round, false, "shuffled presorted", 1);
    run_round(comm, p, plain, round, false, "presorted with stragglers", -1);
  }
}

void test_empty_exchanges(const Comm& comm) {
  const Partition p(kSegments, comm.size());
  Exchange<TestMessage> ex(comm, p);
  // Nobody posts anything, twice.
  for (int i = 0; i < 2; ++i) {
    const auto inbox = ex.exchange();
    CHECK(inbox.empty());
  }
  // Only rank 0 posts, all to the last id: every other rank sends nothing and
  // all but the last id's owner receive nothing.
  const AgentId last = p.total_ids() - 1;
  if (comm.rank() == 0)
    for (std::uint32_t seq = 0; seq < 3; ++seq) ex.post({last, 0, seq, 0, 0, 0});
  const auto inbox = ex.exchange();
  if (p.owner(last) == comm.rank()) {
    CHECK(inbox.size() == 3);
    for (std::uint32_t i = 0; i < inbox.size(); ++i) CHECK(inbox[i].seq == i);
  } else {
    CHECK(inbox.empty());
  }
  // Empty again after a non-empty round.
  CHECK(ex.exchange().empty());
  CHECK(ex.stats().exchanges == 4);
}

void test_more_ranks_than_ids(const Comm& comm) {
  // Two ids only: with 3 or 4 ranks some ranks own nothing and still take part.
  const std::vector<IdSegment> tiny{{0, 2, 1.0}};
  const Partition p(tiny, comm.size());
  Exchange<TestMessage> ex(comm, p);
  if (comm.is_root()) {
    ex.post({1, 0, 0, 0, 0, 11});
    ex.post({0, 1, 0, 0, 0, 22});
  }
  if (comm.rank() == comm.size() - 1) ex.post({0, 0, 5, 0, 0, 33});
  const auto inbox = ex.exchange();
  std::uint64_t payload_sum = 0;
  for (const auto& m : inbox) {
    CHECK(p.owner(m.receiver) == comm.rank());
    payload_sum += m.payload;
  }
  const auto total = comm.allreduce_sum(static_cast<std::int64_t>(payload_sum));
  CHECK(total == 66);
  if (p.first(comm.rank()) == p.end(comm.rank())) CHECK(inbox.empty());
  if (p.owner(0) == comm.rank()) {
    CHECK(inbox.size() >= 2);
    if (inbox.size() >= 2) {
      CHECK(inbox[0].sender == 0 && inbox[0].seq == 5);
      CHECK(inbox[1].sender == 1);
    }
  }
}

void test_exchange_misuse(const Comm& comm) {
  const Partition p(kSegments, comm.size());
  // A partition made for another rank count is refused up front (no collective).
  const Partition wrong(kSegments, comm.size() + 1);
  bool threw = false;
  try {
    Exchange<TestMessage> bad(comm, wrong);
  } catch (const std::invalid_argument&) {
    threw = true;
  }
  CHECK(threw);

  Exchange<TestMessage> ex(comm, p);
  threw = false;
  try {
    ex.post({p.total_ids(), 0, 0, 0, 0, 0});
  } catch (const std::out_of_range&) {
    threw = true;
  }
  CHECK(threw);

  // Two messages with the same (receiver, sender, seq) would be delivered in
  // arrival order: the receiving rank refuses them after the collective.
  const bool owns_ids = p.end(comm.rank()) > p.first(comm.rank());
  if (owns_ids) {
    const AgentId id = p.first(comm.rank());
    ex.post({id, id, 9, 0, 0, 1});
    ex.post({id, id, 9, 0, 0, 2});
  }
  threw = false;
  try {
    ex.exchange();
  } catch (const std::logic_error&) {
    threw = true;
  }
  CHECK(threw == owns_ids);
  // The exchange is still usable afterwards.
  CHECK(ex.exchange().empty());
}

void test_fixed_point_reduction(const Comm& comm) {
  const Partition p(kSegments, comm.size());
  // Each agent holds an amount; the total over all agents, reduced over ranks,
  // must equal the serial sum exactly.
  const auto amount_of = [](AgentId id) {
    RandomStream rs(kSeed, id, 0, kPurposeAmounts);
    const double magnitude = std::pow(10.0, rs.uniform() * 10.0 - 2.0);
    return Euro::from_double(rs.bernoulli(0.4) ? -magnitude : magnitude);
  };
  Euro serial{};
  Kilograms serial_kg{};
  for (AgentId id = 0; id < p.total_ids(); ++id) {
    serial += amount_of(id);
    serial_kg += Kilograms::from_raw(static_cast<std::int64_t>(id) * 1001);
  }
  Euro local{};
  Kilograms local_kg{};
  for (AgentId id = p.first(comm.rank()); id < p.end(comm.rank()); ++id) {
    local += amount_of(id);
    local_kg += Kilograms::from_raw(static_cast<std::int64_t>(id) * 1001);
  }
  CHECK(comm.allreduce_sum(local.raw()) == serial.raw());
  std::vector<std::int64_t> totals{local.raw(), local_kg.raw(), 1,
                                   -static_cast<std::int64_t>(comm.rank())};
  comm.allreduce_sum(totals);
  const std::int64_t n = comm.size();
  CHECK(totals[0] == serial.raw());
  CHECK(totals[1] == serial_kg.raw());
  CHECK(totals[2] == n);
  CHECK(totals[3] == -(n * (n - 1) / 2));
  // Values near the top of the range: still exact.
  const std::int64_t big = (std::int64_t{1} << 60) / n;
  CHECK(comm.allreduce_sum(big) == big * n);
  std::vector<std::int64_t> none;
  comm.allreduce_sum(none);  // a no-op, and collective-safe
  CHECK(comm.allreduce_max(static_cast<std::int64_t>(comm.rank()) - 5) == n - 6);
  CHECK(comm.allreduce_max(comm.rank() == 0 ? 2.5 : -1.0) == 2.5);
}

void test_allgather_and_broadcast(const Comm& comm) {
  // Rank r contributes r bytes of value r (rank 0 contributes nothing): the
  // result is the contributions concatenated in rank order.
  const std::vector<std::uint8_t> mine(static_cast<std::size_t>(comm.rank()),
                                       static_cast<std::uint8_t>(comm.rank()));
  const auto all = comm.allgather_bytes(mine);
  std::vector<std::uint8_t> expected;
  for (int r = 0; r < comm.size(); ++r)
    expected.insert(expected.end(), static_cast<std::size_t>(r), static_cast<std::uint8_t>(r));
  CHECK(all == expected);
  // Nobody contributes.
  CHECK(comm.allgather_bytes({}).empty());

  // Inboxes gathered in rank order are the whole canonical traffic.
  const Partition p(kSegments, comm.size());
  Exchange<TestMessage> ex(comm, p);
  for (AgentId s = p.first(comm.rank()); s < p.end(comm.rank()); ++s)
    for (const auto& m : messages_of(s, p.total_ids(), 9)) ex.post(m);
  const auto inbox = ex.exchange();
  const auto bytes = comm.allgather_bytes(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(inbox.data()), inbox.size_bytes()));
  const auto traffic = expected_traffic(p.total_ids(), 9);
  CHECK(bytes.size() == traffic.size() * sizeof(TestMessage));
  if (bytes.size() == traffic.size() * sizeof(TestMessage))
    CHECK(std::memcmp(bytes.data(), traffic.data(), bytes.size()) == 0);

  const int root = comm.size() - 1;
  std::string text = comm.rank() == root ? "scenario: laptop\nseed: 42\n" : "junk on other ranks";
  comm.broadcast(text, root);
  CHECK(text == "scenario: laptop\nseed: 42\n");
  std::string empty = comm.is_root() ? "" : "not empty";
  comm.broadcast(empty);
  CHECK(empty.empty());
}

int run_all(const Comm& comm) {
  const std::vector<std::pair<const char*, std::function<void(const Comm&)>>> tests{
      {"exchange", test_exchange},
      {"empty exchanges", test_empty_exchanges},
      {"more ranks than ids", test_more_ranks_than_ids},
      {"exchange misuse", test_exchange_misuse},
      {"fixed-point reduction", test_fixed_point_reduction},
      {"allgather and broadcast", test_allgather_and_broadcast},
  };
  for (const auto& [name, fn] : tests) {
    const int before = g_failures;
    fn(comm);
    const auto failed = comm.allreduce_sum(static_cast<std::int64_t>(g_failures - before));
    if (comm.is_root())
      std::printf("[%s] %s (np=%d)\n", failed == 0 ? "  OK  " : "FAILED", name, comm.size());
  }
  const auto total = comm.allreduce_sum(static_cast<std::int64_t>(g_failures));
  if (comm.is_root())
    std::printf("%lld failure(s) on %d rank(s)\n", static_cast<long long>(total), comm.size());
  return total == 0 ? 0 : 1;
}

}  // namespace
}  // namespace ketensim::engine

// Under AddressSanitizer (the asan preset), Open MPI's own allocations show up
// as leaks; tests/lsan.supp suppresses them by library, which needs full stacks
// through the MPI libraries (built without frame pointers). Unused otherwise.
extern "C" const char* __asan_default_options() {
  return "fast_unwind_on_malloc=0";
}

int main(int argc, char** argv) {
  using namespace ketensim::engine;
  MpiContext mpi(&argc, &argv);
  int rc = 1;
  try {
    const Comm comm;
    g_rank = comm.rank();
    rc = run_all(comm);
  } catch (const std::exception& e) {
    // The other ranks may be waiting in a collective: end the whole job.
    std::fprintf(stderr, "[rank %d] unexpected exception: %s\n", g_rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  return rc;
}
