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
#include <type_traits>
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

// Traffic of one exchange, for benchmarks and logs.
struct ExchangeStats {
  std::uint64_t messages_sent = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t messages_received = 0;
  double seconds = 0;
};

template <Message M>
class Exchange {
 public:
  Exchange(const Comm& comm, const Partition& partition)
      : comm_(comm), partition_(partition), outboxes_(static_cast<std::size_t>(comm.size())) {}

  // Queue a message for its receiver's owning rank.
  void post(const M& msg) { outboxes_[static_cast<std::size_t>(partition_.owner(msg.receiver))].push_back(msg); }

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
  // rank's messages in canonical order; valid until the next exchange.
  std::span<const M> exchange() {
    const double t0 = MPI_Wtime();
    const auto ranks = static_cast<std::size_t>(comm_.size());
    send_counts_.assign(ranks, 0);
    recv_counts_.assign(ranks, 0);
    std::uint64_t sent = 0;
    for (std::size_t r = 0; r < ranks; ++r) {
      sent += outboxes_[r].size();
      send_counts_[r] = checked_bytes(outboxes_[r].size());
    }
    MPI_Alltoall(send_counts_.data(), 1, MPI_INT, recv_counts_.data(), 1, MPI_INT, comm_.handle());
    send_displs_.assign(ranks, 0);
    recv_displs_.assign(ranks, 0);
    for (std::size_t r = 1; r < ranks; ++r) {
      send_displs_[r] = send_displs_[r - 1] + send_counts_[r - 1];
      recv_displs_[r] = recv_displs_[r - 1] + recv_counts_[r - 1];
    }
    const auto send_total = static_cast<std::size_t>(send_displs_.back() + send_counts_.back());
    const auto recv_total = static_cast<std::size_t>(recv_displs_.back() + recv_counts_.back());
    send_buffer_.resize(send_total / sizeof(M));
    for (std::size_t r = 0; r < ranks; ++r) {
      if (!outboxes_[r].empty())
        std::memcpy(send_buffer_.data() + static_cast<std::size_t>(send_displs_[r]) / sizeof(M),
                    outboxes_[r].data(), outboxes_[r].size() * sizeof(M));
      outboxes_[r].clear();
    }
    inbox_.resize(recv_total / sizeof(M));
    MPI_Alltoallv(send_buffer_.data(), send_counts_.data(), send_displs_.data(), MPI_BYTE,
                  inbox_.data(), recv_counts_.data(), recv_displs_.data(), MPI_BYTE, comm_.handle());
    if (shuffle_) shuffle_inbox();
    std::sort(inbox_.begin(), inbox_.end(), [](const M& a, const M& b) {
      if (a.receiver != b.receiver) return a.receiver < b.receiver;
      if (a.sender != b.sender) return a.sender < b.sender;
      return a.seq < b.seq;
    });
    stats_.messages_sent += sent;
    stats_.bytes_sent += sent * sizeof(M);
    stats_.messages_received += inbox_.size();
    stats_.seconds += MPI_Wtime() - t0;
    ++rounds_;
    return inbox_;
  }

  // The inbox of the last exchange (canonical order).
  std::span<const M> received() const { return inbox_; }

  const ExchangeStats& stats() const { return stats_; }

 private:
  static int checked_bytes(std::size_t count) {
    const std::size_t bytes = count * sizeof(M);
    if (bytes > static_cast<std::size_t>(std::numeric_limits<int>::max()))
      throw std::runtime_error("exchange: more than 2 GiB for one destination in one phase");
    return static_cast<int>(bytes);
  }

  void shuffle_inbox() {
    RandomStream rs(shuffle_seed_, static_cast<AgentId>(comm_.rank()), static_cast<std::uint32_t>(rounds_), 0xFFFF);
    for (std::size_t i = inbox_.size(); i > 1; --i) std::swap(inbox_[i - 1], inbox_[rs.below(i)]);
  }

  const Comm& comm_;
  const Partition& partition_;
  std::vector<std::vector<M>> outboxes_;
  std::vector<M> send_buffer_;
  std::vector<M> inbox_;
  std::vector<int> send_counts_, recv_counts_, send_displs_, recv_displs_;
  ExchangeStats stats_;
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
