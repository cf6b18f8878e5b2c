// spdlog set-up: one file per rank under RUN_DIR/logs, rank-tagged; the root
// rank also logs to the console.
#pragma once

#include <filesystem>
#include <string>

namespace ketensim::io {

void setup_logging(const std::filesystem::path& log_dir, int rank, const std::string& level);
// Console-only logging before a run directory exists.
void setup_console_logging(int rank, const std::string& level);

}  // namespace ketensim::io
