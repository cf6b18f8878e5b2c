#include "model/io/run_directory.hpp"

#include <algorithm>
#include <ctime>

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

void RunDirectory::append_timeseries(const std::string& header, const std::string& rows) {
  if (!timeseries_.is_open()) {
    timeseries_.open(path_ / "timeseries.csv", std::ios::out | std::ios::trunc);
    if (!timeseries_) throw RunDirError("cannot write " + (path_ / "timeseries.csv").string());
    timeseries_ << header << '\n';
  }
  timeseries_ << rows;
  timeseries_.flush();
  if (!timeseries_) throw RunDirError("write error on " + (path_ / "timeseries.csv").string());
}

void RunDirectory::append_csv(const std::string& name, const std::string& header,
                              const std::string& rows) {
  auto it =
      std::find_if(extra_.begin(), extra_.end(), [&](const auto& e) { return e.first == name; });
  if (it == extra_.end()) {
    extra_.emplace_back(name, std::ofstream(path_ / name, std::ios::out | std::ios::trunc));
    it = extra_.end() - 1;
    if (!it->second) throw RunDirError("cannot write " + (path_ / name).string());
    it->second << header << '\n';
  }
  it->second << rows;
  it->second.flush();
  if (!it->second) throw RunDirError("write error on " + (path_ / name).string());
}

void RunDirectory::complete(const std::vector<std::pair<std::string, double>>& phase_seconds,
                            int months) {
  timeseries_.close();
  for (auto& e : extra_) e.second.close();
  auto m = manifest("complete");
  const auto now = std::chrono::system_clock::now();
  m["end_time"] = iso_time(now);
  m["wall_seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_steady_).count();
  m["months"] = months;
  nlohmann::json phases = nlohmann::json::object();
  for (const auto& [name, s] : phase_seconds) phases[name] = s;
  m["phase_wall_seconds"] = phases;
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

}  // namespace ketensim::io
