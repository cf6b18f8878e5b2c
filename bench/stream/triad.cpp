// A STREAM-like triad a[i] = b[i] + s * c[i] (McCalpin's STREAM, counted the
// same way: 24 bytes per element, write-allocate traffic not counted), to
// record the memory bandwidth of the machine behind bench/RESULTS.md.
// Usage: ketensim_stream_triad [threads] [elements per array] [repetitions]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Slice {
  std::size_t begin;
  std::size_t end;
};

template <typename Fn>
void parallel(int threads, std::size_t n, Fn fn) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    const Slice s{n * static_cast<std::size_t>(t) / static_cast<std::size_t>(threads),
                  n * static_cast<std::size_t>(t + 1) / static_cast<std::size_t>(threads)};
    pool.emplace_back([&fn, s] { fn(s); });
  }
  for (auto& th : pool) th.join();
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::max(1, std::atoi(argv[1])) : 1;
  const std::size_t n = argc > 2 ? std::stoull(argv[2]) : std::size_t{1} << 25;
  const int reps = argc > 3 ? std::max(1, std::atoi(argv[3])) : 10;
  // Plain new[] without value-initialisation so that each thread first-touches its own slice.
  auto* a = new double[n];
  auto* b = new double[n];
  auto* c = new double[n];
  parallel(threads, n, [&](Slice s) {
    for (std::size_t i = s.begin; i < s.end; ++i) {
      a[i] = 0.0;
      b[i] = 1.0;
      c[i] = 2.0;
    }
  });
  const double scalar = 3.0;
  double best_triad = 1e30;
  double best_copy = 1e30;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    parallel(threads, n, [&](Slice s) {
      for (std::size_t i = s.begin; i < s.end; ++i) c[i] = b[i];
    });
    auto t1 = std::chrono::steady_clock::now();
    best_copy = std::min(best_copy, std::chrono::duration<double>(t1 - t0).count());
    t0 = std::chrono::steady_clock::now();
    parallel(threads, n, [&](Slice s) {
      for (std::size_t i = s.begin; i < s.end; ++i) a[i] = b[i] + scalar * c[i];
    });
    t1 = std::chrono::steady_clock::now();
    best_triad = std::min(best_triad, std::chrono::duration<double>(t1 - t0).count());
  }
  // Check the result so that the loops cannot be optimised away.
  double check = 0;
  for (std::size_t i = 0; i < n; i += 4096) check += a[i];
  const double expected = static_cast<double>((n + 4095) / 4096) * (1.0 + scalar * 1.0);
  const double mb = 1e-6 * static_cast<double>(n) * sizeof(double);
  std::printf("threads=%d elements=%zu array_MB=%.1f reps=%d\n", threads, n, mb, reps);
  std::printf("copy_GBps=%.2f triad_GBps=%.2f check=%s\n", 2.0 * mb / 1e3 / best_copy,
              3.0 * mb / 1e3 / best_triad, check == expected ? "ok" : "FAILED");
  delete[] a;
  delete[] b;
  delete[] c;
  return check == expected ? 0 : 1;
}
