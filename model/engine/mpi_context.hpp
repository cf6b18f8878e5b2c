// RAII ownership of MPI start-up and shutdown, and a thin communicator handle.
// Everything above the engine talks to MPI only through these types.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ketensim::engine {

// Initialises MPI on construction (unless already initialised) and finalises it
// on destruction if it did the initialising.
class MpiContext {
 public:
  MpiContext(int* argc, char*** argv);
  ~MpiContext();
  MpiContext(const MpiContext&) = delete;
  MpiContext& operator=(const MpiContext&) = delete;

 private:
  bool owns_ = false;
};

// What one rank moved through a communicator for one kind of traffic (an
// exchanged message type, or a collective), for the run log and bench/.
// Bytes are payload, counted logically (independent of the MPI algorithm):
// for an allreduce of n values each rank sends and receives 8n bytes; for an
// allgather a rank sends its part to every other rank.
struct Traffic {
  std::string kind;
  std::uint64_t calls = 0;
  std::uint64_t messages = 0;         // exchanges: messages posted, to any rank
  std::uint64_t messages_remote = 0;  // exchanges: messages posted to other ranks
  std::uint64_t bytes_local = 0;      // payload that stayed on this rank
  std::uint64_t bytes_sent = 0;       // payload to other ranks
  std::uint64_t bytes_received = 0;   // payload from other ranks
  double seconds = 0;  // wall time inside MPI calls (waiting for slower ranks included)
};

// A communicator: the world, or a group of ranks running one scenario of a sweep.
class Comm {
 public:
  Comm() : Comm(MPI_COMM_WORLD) {}
  explicit Comm(MPI_Comm comm);

  int rank() const { return rank_; }
  int size() const { return size_; }
  MPI_Comm handle() const { return comm_; }
  bool is_root() const { return rank_ == 0; }

  void barrier() const;
  // Exact element-wise sums of 64-bit integers (fixed-point totals) on every rank.
  void allreduce_sum(std::span<std::int64_t> values) const;
  std::int64_t allreduce_sum(std::int64_t value) const;
  std::int64_t allreduce_max(std::int64_t value) const;
  double allreduce_max(double value) const;
  // Root's bytes on every rank.
  void broadcast(std::string& bytes, int root = 0) const;
  // Every rank's bytes concatenated in rank order, on every rank.
  std::vector<std::uint8_t> allgather_bytes(std::span<const std::uint8_t> mine) const;
  // Every rank's bytes placed in `out` at a layout fixed by the caller (rank r's
  // counts[r] bytes at displs[r], the same on every rank; `mine` is this rank's part):
  // an allgather that allocates nothing, for a replicated array refreshed every tick.
  void allgather_into(std::span<const std::uint8_t> mine, std::span<const int> counts,
                      std::span<const int> displs, std::span<std::uint8_t> out) const;
  // Every rank's bytes, one string per rank, on `root` only (empty elsewhere).
  std::vector<std::string> gather_bytes(std::string_view mine, int root = 0) const;

  // This rank's traffic by kind, in order of first use (measurement only; it
  // never changes what is communicated).
  // Copies of a Comm share one set of counters.
  const std::deque<Traffic>& traffic() const { return *traffic_; }
  // The counter of `kind`, created on first use; references stay valid.
  Traffic& traffic_for(std::string_view kind) const;

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
  std::shared_ptr<std::deque<Traffic>> traffic_ = std::make_shared<std::deque<Traffic>>();
};

// Readable name of a type for traffic counters ("ketensim::world::OrderMsg" -> "OrderMsg").
std::string short_type_name(const char* mangled);

}  // namespace ketensim::engine
