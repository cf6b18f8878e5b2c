// The run directory: manifest.json (status, resolved config, timings),
// timeseries.csv and logs/. Only the root rank writes files here.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace ketensim::io {

struct RunInfo {
  std::string config_path;
  std::string resolved_config_yaml;
  nlohmann::json resolved_config;  // the scenario as JSON
  std::uint64_t seed = 0;
  int ranks = 1;
  std::string command_line;
};

class RunDirectory {
 public:
  // Creates `path` (with logs/). Refuses an existing directory unless
  // `overwrite`, in which case its previous files are removed first.
  static void prepare(const std::filesystem::path& path, bool overwrite);

  RunDirectory(std::filesystem::path path, RunInfo info);

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path logs() const { return path_ / "logs"; }

  // Manifest with status "running", written atomically.
  void start();
  // Appends one month's rows to timeseries.csv (header written first).
  void append_timeseries(const std::string& header, const std::string& rows);
  // Appends rows to another CSV in the run directory (header written first).
  void append_csv(const std::string& name, const std::string& header, const std::string& rows);
  // Final manifest: status "complete" with per-phase wall times.
  void complete(const std::vector<std::pair<std::string, double>>& phase_seconds, int months);
  // Status "failed" with the reason (best effort; never throws).
  void fail(const std::string& reason) noexcept;

 private:
  nlohmann::json manifest(const std::string& status) const;
  void write_manifest(const nlohmann::json& m);

  std::filesystem::path path_;
  RunInfo info_;
  std::ofstream timeseries_;
  std::vector<std::pair<std::string, std::ofstream>> extra_;
  std::chrono::system_clock::time_point started_;
  std::chrono::steady_clock::time_point started_steady_;
};

std::string program_version();
std::string program_commit();
std::string iso_time(std::chrono::system_clock::time_point t);

}  // namespace ketensim::io
