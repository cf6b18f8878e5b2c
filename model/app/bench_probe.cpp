#include "model/app/bench_probe.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace ketensim::app {

namespace {

// Peak resident set of this process so far (kB; Linux reports ru_maxrss in kB).
long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// CPU seconds of this process so far (user + system): on a shared machine a
// steadier measure than wall time.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + 1e-6 * static_cast<double>(tv.tv_usec);
  };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

// Resident set now (kB), from /proc/self/statm; 0 where it is not available.
long current_rss_kb() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0;
  long pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0;
  return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// One "bench:" line per kind of traffic during the ticks (after minus before),
// for bench/macro.py. Machine-readable key=value pairs.
void log_traffic(const std::deque<engine::Traffic>& before,
                 const std::deque<engine::Traffic>& after) {
  for (const auto& a : after) {
    engine::Traffic d = a;
    for (const auto& b : before) {
      if (b.kind != a.kind) continue;
      d.calls -= b.calls;
      d.messages -= b.messages;
      d.messages_remote -= b.messages_remote;
      d.bytes_local -= b.bytes_local;
      d.bytes_sent -= b.bytes_sent;
      d.bytes_received -= b.bytes_received;
      d.seconds -= b.seconds;
    }
    spdlog::info(
        "bench: traffic kind={} calls={} messages={} messages_remote={} bytes_local={} "
        "bytes_sent={} bytes_received={} seconds={:.6f}",
        d.kind, d.calls, d.messages, d.messages_remote, d.bytes_local, d.bytes_sent,
        d.bytes_received, d.seconds);
  }
}

}  // namespace

BenchProbe::BenchProbe(const engine::Comm& comm)
    : rss_after_setup_kb_(current_rss_kb()),
      peak_after_setup_kb_(peak_rss_kb()),
      cpu_after_setup_(cpu_seconds()),
      traffic_after_setup_(comm.traffic()),
      t_ticks_(std::chrono::steady_clock::now()) {}

void BenchProbe::log(const engine::Comm& comm, std::size_t households, std::size_t companies,
                     std::int64_t ticks, double setup_seconds, double output_seconds,
                     const std::vector<engine::PhaseScheduler::PhaseTiming>& timings) const {
  const double tick_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_ticks_).count();
  const double tick_cpu_seconds = cpu_seconds() - cpu_after_setup_;
  spdlog::info(
      "bench: rank rank={} ranks={} households={} companies={} ticks={} setup_s={:.6f} "
      "ticks_s={:.6f} output_s={:.6f} setup_cpu_s={:.6f} ticks_cpu_s={:.6f} "
      "rss_after_setup_kb={} peak_rss_after_setup_kb={} peak_rss_kb={}",
      comm.rank(), comm.size(), households, companies, ticks, setup_seconds, tick_seconds,
      output_seconds, cpu_after_setup_, tick_cpu_seconds, rss_after_setup_kb_, peak_after_setup_kb_,
      peak_rss_kb());
  std::string phase_line;
  for (const auto& p : timings) phase_line += fmt::format(" {}={:.6f}", p.name, p.seconds);
  spdlog::info("bench: phases{}", phase_line);
  log_traffic(traffic_after_setup_, comm.traffic());
}

}  // namespace ketensim::app
