// Bulk-synchronous message exchange of typed, fixed-size messages. Messages are
// bucketed per destination rank, exchanged (counts, then payloads) and
// delivered sorted canonically by (receiver, sender, seq), so what an agent
// reads never depends on the rank layout or on arrival order.
#pragma once

#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include "model/engine/mpi_context.hpp"
#include "model/engine/partition.hpp"
#include "model/engine/rng.hpp"

namespace ketensim::engine {

// Every message type carries these three fields; (sender, seq) must be unique.
template <typename M>
concept Message = std::is_trivially_copyable_v<M> && requires(M m) {
  { m.receiver } -> std::convertible_to<AgentId>;
  { m.sender } -> std::convertible_to<AgentId>;
  { m.seq } -> std::convertible_to<std::uint32_t>;
};

// Traffic since the Exchange was created (all rounds), for benchmarks and logs.
struct ExchangeStats {
  std::uint64_t exchanges = 0;          // rounds completed
  std::uint64_t messages_sent = 0;      // posted by this rank, own rank included
  std::uint64_t bytes_sent = 0;         // messages_sent * sizeof(M)
  std::uint64_t remote_bytes_sent = 0;  // of bytes_sent, to other ranks
  std::uint64_t messages_received = 0;  // delivered to this rank, own rank included
  std::uint64_t bytes_received = 0;     // messages_received * sizeof(M)
  double seconds = 0;                   // the whole exchange: packing, MPI, canonical sort
  double mpi_seconds = 0;               // inside MPI calls only (waiting for slower ranks included)
};

template <Message M>
class Exchange {
 public:
  // `partition` must have one block per rank of `comm` and outlive the Exchange.
  Exchange(const Comm& comm, const Partition& partition)
      : comm_(comm),
        partition_(partition),
        outboxes_(static_cast<std::size_t>(comm.size())),
        traffic_(&comm.traffic_for(short_type_name(typeid(M).name()))) {
    if (partition.ranks() != comm.size())
      throw std::invalid_argument("exchange: partition has " + std::to_string(partition.ranks()) +
                                  " blocks for " + std::to_string(comm.size()) + " ranks");
    // Counts and displacements are in whole messages, not bytes: MPI's int
    // counts then allow 2^31 messages per rank instead of 2 GiB.
    MPI_Type_contiguous(static_cast<int>(sizeof(M)), MPI_BYTE, &type_);
    MPI_Type_commit(&type_);
  }
  Exchange(const Comm&, Partition&&) = delete;  // would dangle
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;
  ~Exchange() {
    int finalised = 0;
    MPI_Finalized(&finalised);
    if (!finalised) MPI_Type_free(&type_);
  }

  // Queue a message for its receiver's owning rank. Throws std::out_of_range if
  // the receiver is not an id of the partition.
  void post(const M& msg) {
    outboxes_[static_cast<std::size_t>(partition_.owner(static_cast<AgentId>(msg.receiver)))]
        .push_back(msg);
  }

  // Queue a message for an explicit rank (ghost updates go to subscriber ranks,
  // not to the receiver's owner).
  void post_to(int rank, const M& msg) { outboxes_[static_cast<std::size_t>(rank)].push_back(msg); }

  // When set, received messages are shuffled (seeded) before the canonical sort;
  // a test aid proving that delivery order does not depend on arrival order.
  void set_shuffle_seed(std::uint64_t seed) {
    shuffle_ = true;
    shuffle_seed_ = seed;
  }

  // Collective: every rank of the communicator must call it. Returns this
  // rank's messages in canonical order; valid until the next exchange. Throws
  // std::logic_error if two delivered messages share (receiver, sender, seq):
  // their order would then depend on arrival order.
  std::span<const M> exchange() {
    const double t0 = MPI_Wtime();
    const auto ranks = static_cast<std::size_t>(comm_.size());
    const auto me = static_cast<std::size_t>(comm_.rank());
    send_counts_.assign(ranks, 0);
    recv_counts_.assign(ranks, 0);
    std::uint64_t sent = 0;
    for (std::size_t r = 0; r < ranks; ++r) {
      sent += outboxes_[r].size();
      send_counts_[r] = checked_int(outboxes_[r].size());
    }
    const std::uint64_t remote = sent - outboxes_[me].size();
    double t_mpi = MPI_Wtime();
    MPI_Alltoall(send_counts_.data(), 1, MPI_INT, recv_counts_.data(), 1, MPI_INT, comm_.handle());
    double mpi_seconds = MPI_Wtime() - t_mpi;
    const std::size_t send_total = displacements(send_counts_, send_displs_);
    const std::size_t recv_total = displacements(recv_counts_, recv_displs_);
    send_buffer_.resize(send_total);
    for (std::size_t r = 0; r < ranks; ++r) {
      if (!outboxes_[r].empty())
        std::memcpy(send_buffer_.data() + send_displs_[r], outboxes_[r].data(),
                    outboxes_[r].size() * sizeof(M));
      outboxes_[r].clear();
    }
    inbox_.resize(recv_total);
    t_mpi = MPI_Wtime();
    MPI_Alltoallv(send_buffer_.data(), send_counts_.data(), send_displs_.data(), type_,
                  inbox_.data(), recv_counts_.data(), recv_displs_.data(), type_, comm_.handle());
    mpi_seconds += MPI_Wtime() - t_mpi;
    if (shuffle_) shuffle_inbox();
    canonical_order();
    ++stats_.exchanges;
    stats_.messages_sent += sent;
    stats_.bytes_sent += sent * sizeof(M);
    stats_.remote_bytes_sent += remote * sizeof(M);
    stats_.messages_received += inbox_.size();
    stats_.bytes_received += inbox_.size() * sizeof(M);
    stats_.seconds += MPI_Wtime() - t0;
    stats_.mpi_seconds += mpi_seconds;
    ++traffic_->calls;
    traffic_->messages += sent;
    traffic_->messages_remote += remote;
    traffic_->bytes_local += (sent - remote) * sizeof(M);
    traffic_->bytes_sent += remote * sizeof(M);
    traffic_->bytes_received +=
        (recv_total - static_cast<std::size_t>(recv_counts_[me])) * sizeof(M);
    traffic_->seconds += mpi_seconds;
    ++rounds_;
    const auto dup = std::adjacent_find(inbox_.begin(), inbox_.end(), [](const M& a, const M& b) {
      return !canonical_less(a, b) && !canonical_less(b, a);
    });
    if (dup != inbox_.end())
      throw std::logic_error("exchange: two messages with receiver " +
                             std::to_string(static_cast<AgentId>(dup->receiver)) + ", sender " +
                             std::to_string(static_cast<AgentId>(dup->sender)) + ", seq " +
                             std::to_string(static_cast<std::uint32_t>(dup->seq)));
    return inbox_;
  }

  // The inbox of the last exchange (canonical order).
  std::span<const M> received() const { return inbox_; }

  const ExchangeStats& stats() const { return stats_; }

  static bool canonical_less(const M& a, const M& b) {
    if (a.receiver != b.receiver) return a.receiver < b.receiver;
    if (a.sender != b.sender) return a.sender < b.sender;
    return a.seq < b.seq;
  }

 private:
  static int checked_int(std::size_t count) {
    if (count > static_cast<std::size_t>(std::numeric_limits<int>::max()))
      throw std::runtime_error("exchange: more than 2^31 messages for one rank in one phase");
    return static_cast<int>(count);
  }

  // Prefix sums of `counts` into `displs`; returns the total. The running sum is
  // checked too, since per-rank counts that fit in an int may not sum to one.
  static std::size_t displacements(const std::vector<int>& counts, std::vector<int>& displs) {
    displs.assign(counts.size(), 0);
    std::size_t total = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
      displs[r] = checked_int(total);
      total += static_cast<std::size_t>(counts[r]);
    }
    checked_int(total);
    return total;
  }

  // Sorts inbox_ canonically. Senders usually post in canonical order, so the
  // inbox is a few long sorted runs (one or more per source rank), perhaps with
  // some short ones (a few messages posted out of order). The short runs are
  // gathered and sorted, then all runs are merged pairwise (O(n log runs)); an
  // inbox of many long runs is sorted instead. The order is a total order
  // (duplicates are refused), so every path gives the same result.
  void canonical_order() {
    constexpr std::size_t kMaxRuns = 64;
    constexpr std::size_t kShortRun = 32;
    find_runs();
    if (run_begin_.size() - 1 > kMaxRuns) {
      // Long runs first (in order), then the short runs' messages, sorted.
      merge_scratch_.resize(inbox_.size());
      std::size_t long_end = 0;
      std::size_t short_end = inbox_.size();
      for (std::size_t r = 0; r + 1 < run_begin_.size(); ++r) {
        const std::size_t b = run_begin_[r];
        const std::size_t e = run_begin_[r + 1];
        if (e - b >= kShortRun) {
          std::memcpy(merge_scratch_.data() + long_end, inbox_.data() + b, (e - b) * sizeof(M));
          long_end += e - b;
        } else {
          short_end -= e - b;
          std::memcpy(merge_scratch_.data() + short_end, inbox_.data() + b, (e - b) * sizeof(M));
        }
      }
      std::sort(merge_scratch_.begin() + static_cast<std::ptrdiff_t>(long_end),
                merge_scratch_.end(), canonical_less);
      std::memcpy(inbox_.data(), merge_scratch_.data(), inbox_.size() * sizeof(M));
      find_runs();
      if (run_begin_.size() - 1 > kMaxRuns) {
        std::sort(inbox_.begin(), inbox_.end(), canonical_less);
        return;
      }
    }
    if (run_begin_.size() <= 2) return;
    merge_scratch_.resize(inbox_.size());
    M* from = inbox_.data();
    M* to = merge_scratch_.data();
    while (run_begin_.size() > 2) {
      std::size_t kept = 0;
      for (std::size_t r = 0; r + 1 < run_begin_.size(); r += 2) {
        const std::size_t b = run_begin_[r];
        const std::size_t m = run_begin_[r + 1];
        const std::size_t e = r + 2 < run_begin_.size() ? run_begin_[r + 2] : m;
        std::merge(from + b, from + m, from + m, from + e, to + b, canonical_less);
        run_begin_[kept++] = b;
      }
      run_begin_[kept++] = inbox_.size();
      run_begin_.resize(kept);
      std::swap(from, to);
    }
    if (from != inbox_.data()) std::memcpy(inbox_.data(), from, inbox_.size() * sizeof(M));
  }

  // run_begin_ = the starts of the maximal sorted runs of inbox_, then its size.
  void find_runs() {
    run_begin_.clear();
    run_begin_.push_back(0);
    for (std::size_t i = 1; i < inbox_.size(); ++i)
      if (canonical_less(inbox_[i], inbox_[i - 1])) run_begin_.push_back(i);
    run_begin_.push_back(inbox_.size());
  }

  void shuffle_inbox() {
    // The stream tick has 16 bits; the round's higher bits go above the rank
    // in the stream's id so that every round gets its own stream.
    const AgentId id = ((rounds_ >> 16) << 32) | static_cast<AgentId>(comm_.rank());
    RandomStream rs(shuffle_seed_, id, static_cast<std::uint32_t>(rounds_ & 0xFFFFu), 0xFFFF);
    for (std::size_t i = inbox_.size(); i > 1; --i) std::swap(inbox_[i - 1], inbox_[rs.below(i)]);
  }

  Comm comm_;
  const Partition& partition_;
  MPI_Datatype type_ = MPI_DATATYPE_NULL;
  std::vector<std::vector<M>> outboxes_;
  std::vector<M> send_buffer_;
  std::vector<M> inbox_;
  std::vector<M> merge_scratch_;
  std::vector<std::size_t> run_begin_;
  std::vector<int> send_counts_, recv_counts_, send_displs_, recv_displs_;
  ExchangeStats stats_;
  Traffic* traffic_;  // shared with the Comm (and its copies): measurement only
  std::uint64_t rounds_ = 0;
  bool shuffle_ = false;
  std::uint64_t shuffle_seed_ = 0;
};

// Calls `fn(receiver, messages)` once per receiver in a canonically sorted inbox.
template <Message M, typename Fn>
void for_each_receiver(std::span<const M> inbox, Fn&& fn) {
  std::size_t i = 0;
  while (i < inbox.size()) {
    std::size_t j = i + 1;
    while (j < inbox.size() && inbox[j].receiver == inbox[i].receiver) ++j;
    fn(static_cast<AgentId>(inbox[i].receiver), inbox.subspan(i, j - i));
    i = j;
  }
}

}  // namespace ketensim::engine
