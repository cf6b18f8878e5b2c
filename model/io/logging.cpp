#include "model/io/logging.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <vector>

namespace ketensim::io {

namespace {
void install(std::vector<spdlog::sink_ptr> sinks, int rank, const std::string& level) {
  auto logger = std::make_shared<spdlog::logger>("ketensim", sinks.begin(), sinks.end());
  logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [rank " + std::to_string(rank) + "] [%l] %v");
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}
}  // namespace

void setup_logging(const std::filesystem::path& log_dir, int rank, const std::string& level,
                   bool append, int console) {
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(
      (log_dir / ("rank-" + std::to_string(rank) + ".log")).string(), !append));
  if (console < 0 ? rank == 0 : console != 0) {
    auto stderr_sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    stderr_sink->set_level(spdlog::level::info);
    sinks.push_back(stderr_sink);
  }
  install(std::move(sinks), rank, level);
}

void setup_console_logging(int rank, const std::string& level) {
  std::vector<spdlog::sink_ptr> sinks;
  if (rank == 0) sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  install(std::move(sinks), rank, level);
}

}  // namespace ketensim::io
