// spdlog set-up: one file per rank under RUN_DIR/logs, rank-tagged; the root
// rank also logs to the console.
#pragma once

#include <filesystem>
#include <string>

namespace ketensim::io {

// `append` keeps an existing log (a resumed run); `console` (default: rank 0)
// also logs to stderr.
void setup_logging(const std::filesystem::path& log_dir, int rank, const std::string& level,
                   bool append = false, int console = -1);
// Console-only logging before a run directory exists.
void setup_console_logging(int rank, const std::string& level);

}  // namespace ketensim::io
