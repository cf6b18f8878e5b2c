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
  // Continues a run from a checkpoint: keeps the first `timeseries_bytes` of
  // timeseries.csv (whose CRC-32C the caller has verified), appends from there,
  // and writes the manifest with status "running" and one more entry in
  // "resumed". `previous` is the manifest as it was.
  void resume(const nlohmann::json& previous, std::uint64_t timeseries_bytes,
              const nlohmann::json& resumed_entry);
  // Appends one month's rows to timeseries.csv (header written first).
  void append_timeseries(const std::string& header, const std::string& rows);
  // Bytes of timeseries.csv written so far and their CRC-32C (for checkpoints).
  std::uint64_t timeseries_bytes() const { return timeseries_bytes_; }
  std::uint32_t timeseries_crc32c() const { return timeseries_crc_; }
  // Makes the time series durable (before a checkpoint refers to its length).
  void sync_timeseries();
  // Records the newest checkpoint in the manifest (status stays "running").
  void note_checkpoint(const nlohmann::json& checkpoint);
  // Final manifest of a run stopped by a signal after a checkpoint: status
  // "checkpointed" (resume with `ketensim resume`; exit code 3).
  void checkpointed(const std::vector<std::pair<std::string, double>>& phase_seconds,
                    int months_done, const std::string& signal);
  // Final manifest: status "complete" with per-phase wall times.
  void complete(const std::vector<std::pair<std::string, double>>& phase_seconds, int months);
  // Status "failed" with the reason (best effort; never throws).
  void fail(const std::string& reason) noexcept;
  // Extra top-level manifest fields kept in every later manifest (e.g. "sweep").
  void set_extra(const std::string& key, nlohmann::json value) { extra_[key] = std::move(value); }

 private:
  nlohmann::json manifest(const std::string& status) const;
  nlohmann::json finished(const std::string& status,
                          const std::vector<std::pair<std::string, double>>& phases) const;
  void write_manifest(const nlohmann::json& m);

  std::filesystem::path path_;
  RunInfo info_;
  std::ofstream timeseries_;
  std::uint64_t timeseries_bytes_ = 0;
  std::uint32_t timeseries_crc_ = 0;
  nlohmann::json extra_ = nlohmann::json::object();
  std::chrono::system_clock::time_point started_;
  std::chrono::steady_clock::time_point started_steady_;
};

// Reads RUN_DIR/manifest.json; throws RunDirError naming the file.
nlohmann::json read_manifest(const std::filesystem::path& run_dir);
// Checks that timeseries.csv starts with `bytes` bytes whose CRC-32C is `crc`;
// throws CheckpointError naming the file otherwise. Reads only.
void verify_timeseries_prefix(const std::filesystem::path& run_dir, std::uint64_t bytes,
                              std::uint32_t crc);

std::string program_version();
std::string program_commit();
std::string iso_time(std::chrono::system_clock::time_point t);

}  // namespace ketensim::io
