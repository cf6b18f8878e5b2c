// Progress on the root rank: a live line on a terminal (month, % done, elapsed,
// ETA), or a plain log line every few percent in batch logs.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace ketensim::io {

class Progress {
 public:
  Progress(int total_ticks, double batch_step_percent, bool enabled);
  void update(int ticks_done, const std::string& month);
  void finish();

 private:
  int total_;
  double step_;
  bool enabled_;
  bool terminal_;
  double next_report_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace ketensim::io
