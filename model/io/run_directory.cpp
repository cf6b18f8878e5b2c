#include "model/io/run_directory.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <vector>

#include "model/engine/crc32c.hpp"
#include "model/io/atomic_file.hpp"
#include "model/io/errors.hpp"

#ifndef KETENSIM_VERSION
#define KETENSIM_VERSION "0.0.0"
#endif
#ifndef KETENSIM_GIT_COMMIT
#define KETENSIM_GIT_COMMIT "unknown"
#endif

namespace ketensim::io {

namespace fs = std::filesystem;

std::string program_version() {
  return KETENSIM_VERSION;
}
std::string program_commit() {
  return KETENSIM_GIT_COMMIT;
}

std::string iso_time(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void RunDirectory::prepare(const fs::path& path, bool overwrite) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    if (!overwrite)
      throw RunDirError(
          "run directory " + path.string() +
          " already exists; choose another with -o or pass --overwrite to replace it");
    if (!fs::is_directory(path))
      throw RunDirError(path.string() + " exists and is not a directory");
    for (const auto& entry : fs::directory_iterator(path)) fs::remove_all(entry.path());
  }
  fs::create_directories(path / "logs", ec);
  if (ec) throw RunDirError("cannot create run directory " + path.string() + ": " + ec.message());
}

RunDirectory::RunDirectory(fs::path path, RunInfo info)
    : path_(std::move(path)), info_(std::move(info)) {}

nlohmann::json RunDirectory::manifest(const std::string& status) const {
  nlohmann::json m;
  m["status"] = status;
  m["program"] = {
      {"name", "ketensim"}, {"version", program_version()}, {"git_commit", program_commit()}};
  m["config_path"] = info_.config_path;
  m["seed"] = info_.seed;
  m["ranks"] = info_.ranks;
  m["command_line"] = info_.command_line;
  m["start_time"] = iso_time(started_);
  m["config"] = info_.resolved_config;
  for (const auto& [key, value] : extra_.items()) m[key] = value;
  return m;
}

void RunDirectory::write_manifest(const nlohmann::json& m) {
  write_file_atomically(path_ / "manifest.json", m.dump(2) + "\n");
}

void RunDirectory::start() {
  started_ = std::chrono::system_clock::now();
  started_steady_ = std::chrono::steady_clock::now();
  write_file_atomically(path_ / "config.resolved.yaml", info_.resolved_config_yaml);
  write_manifest(manifest("running"));
}

void RunDirectory::resume(const nlohmann::json& previous, std::uint64_t timeseries_bytes,
                          const nlohmann::json& resumed_entry) {
  started_ = std::chrono::system_clock::now();
  started_steady_ = std::chrono::steady_clock::now();
  extra_["first_start_time"] =
      previous.value("first_start_time", previous.value("start_time", iso_time(started_)));
  extra_["first_command_line"] =
      previous.value("first_command_line", previous.value("command_line", ""));
  nlohmann::json history = previous.value("resumed", nlohmann::json::array());
  history.push_back(resumed_entry);
  extra_["resumed"] = history;
  if (previous.contains("sweep")) extra_["sweep"] = previous["sweep"];
  const auto file = path_ / "timeseries.csv";
  std::error_code ec;
  std::filesystem::resize_file(file, timeseries_bytes, ec);
  if (ec) throw RunDirError("cannot truncate " + file.string() + ": " + ec.message());
  timeseries_.open(file, std::ios::out | std::ios::app | std::ios::binary);
  if (!timeseries_) throw RunDirError("cannot write " + file.string());
  timeseries_bytes_ = timeseries_bytes;
  std::ifstream in(file, std::ios::binary);
  std::string prefix(static_cast<std::size_t>(timeseries_bytes), '\0');
  in.read(prefix.data(), static_cast<std::streamsize>(prefix.size()));
  timeseries_crc_ = engine::crc32c(prefix);
  write_manifest(manifest("running"));
}

void RunDirectory::append_timeseries(const std::string& header, const std::string& rows) {
  if (!timeseries_.is_open()) {
    timeseries_.open(path_ / "timeseries.csv", std::ios::out | std::ios::trunc | std::ios::binary);
    if (!timeseries_) throw RunDirError("cannot write " + (path_ / "timeseries.csv").string());
    timeseries_ << header << '\n';
    timeseries_bytes_ = header.size() + 1;
    timeseries_crc_ = engine::crc32c(header + "\n");
  }
  timeseries_ << rows;
  timeseries_.flush();
  if (!timeseries_) throw RunDirError("write error on " + (path_ / "timeseries.csv").string());
  timeseries_bytes_ += rows.size();
  timeseries_crc_ = engine::crc32c(rows, timeseries_crc_);
}

void RunDirectory::sync_timeseries() {
  timeseries_.flush();
  const int fd = ::open((path_ / "timeseries.csv").c_str(), O_RDONLY);
  if (fd >= 0) {
    (void)::fsync(fd);
    ::close(fd);
  }
}

void RunDirectory::note_checkpoint(const nlohmann::json& checkpoint) {
  extra_["last_checkpoint"] = checkpoint;
  write_manifest(manifest("running"));
}

nlohmann::json RunDirectory::finished(
    const std::string& status,
    const std::vector<std::pair<std::string, double>>& phase_seconds) const {
  auto m = manifest(status);
  const auto now = std::chrono::system_clock::now();
  m["end_time"] = iso_time(now);
  m["wall_seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_steady_).count();
  nlohmann::json phases = nlohmann::json::object();
  for (const auto& [name, s] : phase_seconds) phases[name] = s;
  m["phase_wall_seconds"] = phases;
  return m;
}

void RunDirectory::checkpointed(const std::vector<std::pair<std::string, double>>& phase_seconds,
                                int months_done, const std::string& signal) {
  timeseries_.close();
  auto m = finished("checkpointed", phase_seconds);
  m["months_done"] = months_done;
  m["stopped_by"] = signal;
  write_manifest(m);
}

void RunDirectory::complete(const std::vector<std::pair<std::string, double>>& phase_seconds,
                            int months) {
  timeseries_.close();
  auto m = finished("complete", phase_seconds);
  m["months"] = months;
  write_manifest(m);
}

void RunDirectory::fail(const std::string& reason) noexcept {
  try {
    if (timeseries_.is_open()) timeseries_.close();
    auto m = manifest("failed");
    m["end_time"] = iso_time(std::chrono::system_clock::now());
    m["failure"] = reason;
    write_manifest(m);
  } catch (...) {
  }
}

nlohmann::json read_manifest(const fs::path& run_dir) {
  const auto file = run_dir / "manifest.json";
  std::ifstream in(file);
  if (!in)
    throw RunDirError(file.string() + ": cannot read the run manifest (is " + run_dir.string() +
                      " a run directory?)");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw RunDirError(file.string() + ": not valid JSON: " + e.what());
  }
}

void verify_timeseries_prefix(const fs::path& run_dir, std::uint64_t bytes, std::uint32_t crc) {
  const auto file = run_dir / "timeseries.csv";
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw CheckpointError(file.string() + ": missing; it is needed to resume from the checkpoint");
  std::string prefix(static_cast<std::size_t>(bytes), '\0');
  in.read(prefix.data(), static_cast<std::streamsize>(bytes));
  if (static_cast<std::uint64_t>(in.gcount()) != bytes)
    throw CheckpointError(file.string() + ": shorter (" + std::to_string(in.gcount()) +
                          " bytes) than at the checkpoint (" + std::to_string(bytes) +
                          " bytes); it was truncated or replaced");
  if (engine::crc32c(prefix) != crc)
    throw CheckpointError(
        file.string() + ": its first " + std::to_string(bytes) +
        " bytes differ from those at the checkpoint (CRC-32C mismatch); it was modified");
}

}  // namespace ketensim::io
