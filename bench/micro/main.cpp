// Entry point of ketensim_micro_bench: MPI is initialised once (1 rank when
// started directly), then Google Benchmark runs every registered benchmark.
#include <benchmark/benchmark.h>

#include "model/engine/mpi_context.hpp"

int main(int argc, char** argv) {
  ketensim::engine::MpiContext mpi(&argc, &argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
