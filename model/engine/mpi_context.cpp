#include "model/engine/mpi_context.hpp"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <memory>
#include <stdexcept>

namespace ketensim::engine {

namespace {
void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI call failed: ") + what);
}

constexpr std::int64_t kMaxCount = std::numeric_limits<int>::max();

// Books one collective call of `bytes` payload per rank into `t`.
class CollectiveTimer {
 public:
  CollectiveTimer(Traffic& t, const Comm& comm, std::uint64_t bytes_sent,
                  std::uint64_t bytes_received)
      : t_(t), start_(MPI_Wtime()) {
    ++t_.calls;
    if (comm.size() > 1) {
      t_.bytes_sent += bytes_sent;
      t_.bytes_received += bytes_received;
    } else {
      t_.bytes_local += bytes_sent;
    }
  }
  ~CollectiveTimer() { t_.seconds += MPI_Wtime() - start_; }
  CollectiveTimer(const CollectiveTimer&) = delete;
  CollectiveTimer& operator=(const CollectiveTimer&) = delete;

 private:
  Traffic& t_;
  double start_;
};
}  // namespace

std::string short_type_name(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  std::string name = status == 0 && demangled ? demangled.get() : mangled;
  const auto colon = name.rfind("::");
  return colon == std::string::npos ? name : name.substr(colon + 2);
}

Traffic& Comm::traffic_for(std::string_view kind) const {
  for (auto& t : *traffic_)
    if (t.kind == kind) return t;
  traffic_->push_back(Traffic{std::string(kind)});
  return traffic_->back();
}

MpiContext::MpiContext(int* argc, char*** argv) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    check(MPI_Init(argc, argv), "MPI_Init");
    owns_ = true;
  }
}

MpiContext::~MpiContext() {
  if (!owns_) return;
  int finalised = 0;
  MPI_Finalized(&finalised);
  if (!finalised) MPI_Finalize();
}

Comm::Comm(MPI_Comm comm) : comm_(comm) {
  check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
}

void Comm::barrier() const {
  CollectiveTimer timer(traffic_for("barrier"), *this, 0, 0);
  check(MPI_Barrier(comm_), "MPI_Barrier");
}

void Comm::allreduce_sum(std::span<std::int64_t> values) const {
  if (values.empty()) return;
  const std::uint64_t bytes = values.size() * sizeof(std::int64_t);
  CollectiveTimer timer(traffic_for("allreduce"), *this, bytes, bytes);
  // In chunks, since MPI counts are ints; every rank passes the same length.
  for (std::size_t done = 0; done < values.size();) {
    const auto n = std::min(values.size() - done, static_cast<std::size_t>(kMaxCount));
    check(MPI_Allreduce(MPI_IN_PLACE, values.data() + done, static_cast<int>(n), MPI_INT64_T,
                        MPI_SUM, comm_),
          "MPI_Allreduce");
    done += n;
  }
}

std::int64_t Comm::allreduce_sum(std::int64_t value) const {
  allreduce_sum(std::span<std::int64_t>(&value, 1));
  return value;
}

std::int64_t Comm::allreduce_max(std::int64_t value) const {
  CollectiveTimer timer(traffic_for("allreduce"), *this, sizeof value, sizeof value);
  check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT64_T, MPI_MAX, comm_), "MPI_Allreduce");
  return value;
}

double Comm::allreduce_max(double value) const {
  CollectiveTimer timer(traffic_for("allreduce"), *this, sizeof value, sizeof value);
  check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_MAX, comm_), "MPI_Allreduce");
  return value;
}

void Comm::broadcast(std::string& bytes, int root) const {
  auto size = static_cast<std::int64_t>(bytes.size());
  Traffic& t = traffic_for("broadcast");
  const double start = MPI_Wtime();
  ++t.calls;
  check(MPI_Bcast(&size, 1, MPI_INT64_T, root, comm_), "MPI_Bcast");
  // Every rank sees the same size, so every rank throws together.
  if (size > kMaxCount) throw std::length_error("broadcast: more than 2^31 - 1 bytes");
  bytes.resize(static_cast<std::size_t>(size));
  if (size > 0)
    check(MPI_Bcast(bytes.data(), static_cast<int>(size), MPI_BYTE, root, comm_), "MPI_Bcast");
  const auto payload = static_cast<std::uint64_t>(size);
  if (size_ == 1) {
    t.bytes_local += payload;
  } else if (rank_ == root) {
    t.bytes_sent += payload * static_cast<std::uint64_t>(size_ - 1);
  } else {
    t.bytes_received += payload;
  }
  t.seconds += MPI_Wtime() - start;
}

std::vector<std::uint8_t> Comm::allgather_bytes(std::span<const std::uint8_t> mine) const {
  // Sizes travel as 64-bit so that every rank sees every size and an oversized
  // total makes all ranks throw together instead of overflowing an int.
  const auto my_size = static_cast<std::int64_t>(mine.size());
  const double start = MPI_Wtime();
  std::vector<std::int64_t> sizes(static_cast<std::size_t>(size_));
  check(MPI_Allgather(&my_size, 1, MPI_INT64_T, sizes.data(), 1, MPI_INT64_T, comm_),
        "MPI_Allgather");
  std::vector<int> counts(sizes.size());
  std::vector<int> displs(sizes.size());
  std::int64_t total = 0;
  for (std::size_t r = 0; r < sizes.size(); ++r) {
    if (sizes[r] > kMaxCount - total)
      throw std::length_error("allgather_bytes: more than 2^31 - 1 bytes in all");
    displs[r] = static_cast<int>(total);
    counts[r] = static_cast<int>(sizes[r]);
    total += sizes[r];
  }
  // The size exchange counts towards the time of this (one) allgather call.
  traffic_for("allgather").seconds += MPI_Wtime() - start;
  std::vector<std::uint8_t> out(static_cast<std::size_t>(total));
  allgather_into(mine, counts, displs, out);
  return out;
}

void Comm::allgather_into(std::span<const std::uint8_t> mine, std::span<const int> counts,
                          std::span<const int> displs, std::span<std::uint8_t> out) const {
  const auto r = static_cast<std::size_t>(rank_);
  if (counts.size() != static_cast<std::size_t>(size_) || displs.size() != counts.size() ||
      static_cast<std::size_t>(counts[r]) != mine.size())
    throw std::invalid_argument("allgather_into: layout does not match the communicator");
  for (std::size_t k = 0; k < counts.size(); ++k)
    if (counts[k] < 0 || displs[k] < 0 ||
        static_cast<std::size_t>(displs[k]) + static_cast<std::size_t>(counts[k]) > out.size())
      throw std::invalid_argument("allgather_into: a rank's part lies outside the output");
  Traffic& t = traffic_for("allgather");
  const double start = MPI_Wtime();
  ++t.calls;
  check(MPI_Allgatherv(mine.data(), counts[r], MPI_BYTE, out.data(), counts.data(), displs.data(),
                       MPI_BYTE, comm_),
        "MPI_Allgatherv");
  std::uint64_t total = 0;
  for (const int c : counts) total += static_cast<std::uint64_t>(c);
  const auto mine_bytes = static_cast<std::uint64_t>(mine.size());
  t.bytes_local += mine_bytes;
  t.bytes_sent += mine_bytes * static_cast<std::uint64_t>(size_ - 1);
  t.bytes_received += total - mine_bytes;
  t.seconds += MPI_Wtime() - start;
}

std::vector<std::string> Comm::gather_bytes(std::string_view mine, int root) const {
  const int my_count = static_cast<int>(mine.size());
  std::vector<int> counts(rank_ == root ? static_cast<std::size_t>(size_) : 0);
  check(MPI_Gather(&my_count, 1, MPI_INT, counts.data(), 1, MPI_INT, root, comm_), "MPI_Gather");
  std::vector<int> displs(counts.size());
  int total = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    displs[r] = total;
    total += counts[r];
  }
  std::string all(static_cast<std::size_t>(total), '\0');
  check(MPI_Gatherv(mine.data(), my_count, MPI_BYTE, all.data(), counts.data(), displs.data(),
                    MPI_BYTE, root, comm_),
        "MPI_Gatherv");
  std::vector<std::string> out;
  for (std::size_t r = 0; r < counts.size(); ++r)
    out.push_back(
        all.substr(static_cast<std::size_t>(displs[r]), static_cast<std::size_t>(counts[r])));
  return out;
}

}  // namespace ketensim::engine
