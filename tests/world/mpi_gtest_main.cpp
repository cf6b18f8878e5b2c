// main() of the world's MPI tests: GoogleTest between MPI_Init and MPI_Finalize;
// every rank runs every test, only rank 0 prints, and the exit code is the
// worst over ranks.
#include <gtest/gtest.h>

#include <cstdint>

#include "model/engine/mpi_context.hpp"

int main(int argc, char** argv) {
  ketensim::engine::MpiContext mpi(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  const ketensim::engine::Comm world;
  if (!world.is_root()) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int failed = RUN_ALL_TESTS() != 0 ? 1 : 0;
  return static_cast<int>(world.allreduce_max(static_cast<std::int64_t>(failed)));
}
