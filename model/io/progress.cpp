#include "model/io/progress.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>

namespace ketensim::io {

Progress::Progress(int total_ticks, double batch_step_percent, bool enabled)
    : total_(total_ticks),
      step_(batch_step_percent),
      enabled_(enabled),
      terminal_(enabled && ::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()) {
  next_report_ = step_;
}

void Progress::update(int ticks_done, const std::string& month) {
  if (!enabled_ || total_ <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double percent = 100.0 * ticks_done / total_;
  const double eta = ticks_done > 0 ? elapsed / ticks_done * (total_ - ticks_done) : 0.0;
  if (terminal_) {
    if (ticks_done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    std::fprintf(stderr, "\r  month %s  %5.1f %%  elapsed %6.1f s  ETA %6.1f s ", month.c_str(),
                 percent, elapsed, eta);
    std::fflush(stderr);
  } else if (percent + 1e-9 >= next_report_) {
    spdlog::info("progress: month {} ({:.0f} %), elapsed {:.1f} s, ETA {:.1f} s", month, percent,
                 elapsed, eta);
    while (next_report_ <= percent + 1e-9) next_report_ += step_;
  }
}

void Progress::finish() {
  if (terminal_) std::fprintf(stderr, "\n");
}

}  // namespace ketensim::io
