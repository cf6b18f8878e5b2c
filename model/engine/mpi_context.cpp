#include "model/engine/mpi_context.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace ketensim::engine {

namespace {
void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI call failed: ") + what);
}

constexpr std::int64_t kMaxCount = std::numeric_limits<int>::max();
}  // namespace

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
  check(MPI_Barrier(comm_), "MPI_Barrier");
}

void Comm::allreduce_sum(std::span<std::int64_t> values) const {
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
  check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT64_T, MPI_MAX, comm_), "MPI_Allreduce");
  return value;
}

double Comm::allreduce_max(double value) const {
  check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_MAX, comm_), "MPI_Allreduce");
  return value;
}

void Comm::broadcast(std::string& bytes, int root) const {
  auto size = static_cast<std::int64_t>(bytes.size());
  check(MPI_Bcast(&size, 1, MPI_INT64_T, root, comm_), "MPI_Bcast");
  // Every rank sees the same size, so every rank throws together.
  if (size > kMaxCount) throw std::length_error("broadcast: more than 2^31 - 1 bytes");
  bytes.resize(static_cast<std::size_t>(size));
  if (size > 0)
    check(MPI_Bcast(bytes.data(), static_cast<int>(size), MPI_BYTE, root, comm_), "MPI_Bcast");
}

std::vector<std::uint8_t> Comm::allgather_bytes(std::span<const std::uint8_t> mine) const {
  // Sizes travel as 64-bit so that every rank sees every size and an oversized
  // total makes all ranks throw together instead of overflowing an int.
  const auto my_size = static_cast<std::int64_t>(mine.size());
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
  std::vector<std::uint8_t> out(static_cast<std::size_t>(total));
  check(MPI_Allgatherv(mine.data(), counts[static_cast<std::size_t>(rank_)], MPI_BYTE, out.data(),
                       counts.data(), displs.data(), MPI_BYTE, comm_),
        "MPI_Allgatherv");
  return out;
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
