// The run directory: manifest.json (status, resolved config, timings),
// timeseries.csv and logs/. Only the root rank writes files here.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
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

// Length and CRC-32C of the first `bytes` of an output CSV of the run directory.
struct OutputState {
  std::string name;  // file name in the run directory, e.g. "timeseries.csv"
  std::uint64_t bytes = 0;
  std::uint32_t crc32c = 0;
};
// "name=bytes:crc;..." (the form kept in checkpoint metadata) and back; parse
// throws CheckpointError on a malformed text.
std::string format_output_state(const std::vector<OutputState>& outputs);
std::vector<OutputState> parse_output_state(const std::string& text);

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
  // Continues a run from a checkpoint: keeps the first `bytes` of each output
  // CSV in `outputs` (whose CRC-32C the caller has verified with
  // verify_output_prefix), appends from there, and writes the manifest with
  // status "running" and one more entry in "resumed". `previous` is the
  // manifest as it was.
  void resume(const nlohmann::json& previous, const std::vector<OutputState>& outputs,
              const nlohmann::json& resumed_entry);
  // Appends one month's rows to timeseries.csv (header written first).
  void append_timeseries(const std::string& header, const std::string& rows);
  // Appends rows to another CSV in the run directory (header written first).
  void append_csv(const std::string& name, const std::string& header, const std::string& rows);
  // Length and CRC-32C of every output CSV written so far (for checkpoints).
  std::vector<OutputState> output_state() const;
  // Makes the output CSVs durable (before a checkpoint refers to their length).
  void sync_outputs();
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
  // The same, and rewrites the manifest now (status "running"), e.g. the warm-up's state.
  void note_extra(const std::string& key, nlohmann::json value);

 private:
  nlohmann::json manifest(const std::string& status) const;
  nlohmann::json finished(const std::string& status,
                          const std::vector<std::pair<std::string, double>>& phases) const;
  void write_manifest(const nlohmann::json& m);

  std::filesystem::path path_;
  RunInfo info_;
  struct Output {
    std::ofstream stream;
    std::uint64_t bytes = 0;
    std::uint32_t crc32c = 0;
  };
  Output& open_output(const std::string& name, const std::string& header);
  void close_outputs();

  std::map<std::string, Output> outputs_;
  nlohmann::json extra_ = nlohmann::json::object();
  std::chrono::system_clock::time_point started_;
  std::chrono::steady_clock::time_point started_steady_;
};

// Reads RUN_DIR/manifest.json; throws RunDirError naming the file.
nlohmann::json read_manifest(const std::filesystem::path& run_dir);
// Checks that the output CSV starts with `bytes` bytes whose CRC-32C is as
// recorded; throws CheckpointError naming the file otherwise. Reads only.
void verify_output_prefix(const std::filesystem::path& run_dir, const OutputState& output);

std::string program_version();
std::string program_commit();
std::string iso_time(std::chrono::system_clock::time_point t);

}  // namespace ketensim::io
