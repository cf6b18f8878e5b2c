#include "model/io/run_directory.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
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

void RunDirectory::resume(const nlohmann::json& previous, const std::vector<OutputState>& outputs,
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
  for (const char* key : {"sweep", "warmup"})
    if (previous.contains(key)) extra_[key] = previous[key];
  for (const auto& state : outputs) {
    const auto file = path_ / state.name;
    std::error_code ec;
    std::filesystem::resize_file(file, state.bytes, ec);
    if (ec) throw RunDirError("cannot truncate " + file.string() + ": " + ec.message());
    Output& output = outputs_[state.name];
    output.stream.open(file, std::ios::out | std::ios::app | std::ios::binary);
    if (!output.stream) throw RunDirError("cannot write " + file.string());
    output.bytes = state.bytes;
    output.crc32c = state.crc32c;
  }
  write_manifest(manifest("running"));
}

RunDirectory::Output& RunDirectory::open_output(const std::string& name,
                                                const std::string& header) {
  auto it = outputs_.find(name);
  if (it != outputs_.end()) return it->second;
  Output& output = outputs_[name];
  const auto file = path_ / name;
  output.stream.open(file, std::ios::out | std::ios::trunc | std::ios::binary);
  if (!output.stream) throw RunDirError("cannot write " + file.string());
  const std::string first = header + "\n";
  output.stream << first;
  output.bytes = first.size();
  output.crc32c = engine::crc32c(first);
  return output;
}

void RunDirectory::append_csv(const std::string& name, const std::string& header,
                              const std::string& rows) {
  Output& output = open_output(name, header);
  output.stream << rows;
  output.stream.flush();
  if (!output.stream) throw RunDirError("write error on " + (path_ / name).string());
  output.bytes += rows.size();
  output.crc32c = engine::crc32c(rows, output.crc32c);
}

void RunDirectory::append_timeseries(const std::string& header, const std::string& rows) {
  append_csv("timeseries.csv", header, rows);
}

std::vector<OutputState> RunDirectory::output_state() const {
  std::vector<OutputState> states;
  for (const auto& [name, output] : outputs_) states.push_back({name, output.bytes, output.crc32c});
  return states;
}

void RunDirectory::sync_outputs() {
  for (auto& [name, output] : outputs_) {
    output.stream.flush();
    const int fd = ::open((path_ / name).c_str(), O_RDONLY);
    if (fd >= 0) {
      (void)::fsync(fd);
      ::close(fd);
    }
  }
}

void RunDirectory::close_outputs() {
  for (auto& [name, output] : outputs_)
    if (output.stream.is_open()) output.stream.close();
}

void RunDirectory::note_extra(const std::string& key, nlohmann::json value) {
  extra_[key] = std::move(value);
  write_manifest(manifest("running"));
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
  close_outputs();
  auto m = finished("checkpointed", phase_seconds);
  m["months_done"] = months_done;
  m["stopped_by"] = signal;
  write_manifest(m);
}

void RunDirectory::complete(const std::vector<std::pair<std::string, double>>& phase_seconds,
                            int months) {
  close_outputs();
  auto m = finished("complete", phase_seconds);
  m["months"] = months;
  write_manifest(m);
}

void RunDirectory::fail(const std::string& reason) noexcept {
  try {
    close_outputs();
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

void verify_output_prefix(const fs::path& run_dir, const OutputState& output) {
  const auto file = run_dir / output.name;
  const std::uint64_t bytes = output.bytes;
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw CheckpointError(file.string() + ": missing; it is needed to resume from the checkpoint");
  std::string prefix(static_cast<std::size_t>(bytes), '\0');
  in.read(prefix.data(), static_cast<std::streamsize>(bytes));
  if (static_cast<std::uint64_t>(in.gcount()) != bytes)
    throw CheckpointError(file.string() + ": shorter (" + std::to_string(in.gcount()) +
                          " bytes) than at the checkpoint (" + std::to_string(bytes) +
                          " bytes); it was truncated or replaced");
  if (engine::crc32c(prefix) != output.crc32c)
    throw CheckpointError(
        file.string() + ": its first " + std::to_string(bytes) +
        " bytes differ from those at the checkpoint (CRC-32C mismatch); it was modified");
}

std::string format_output_state(const std::vector<OutputState>& outputs) {
  std::string text;
  for (const auto& o : outputs) {
    char crc[16];
    std::snprintf(crc, sizeof crc, "%08x", o.crc32c);
    if (!text.empty()) text += ';';
    text += o.name + '=' + std::to_string(o.bytes) + ':' + crc;
  }
  return text;
}

std::vector<OutputState> parse_output_state(const std::string& text) {
  std::vector<OutputState> outputs;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find(';', pos);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(pos, end - pos);
    const auto eq = item.find('=');
    const auto colon = item.rfind(':');
    if (eq == std::string::npos || colon == std::string::npos || colon < eq || eq == 0)
      throw CheckpointError("checkpoint metadata 'outputs' is malformed: '" + item + "'");
    OutputState o;
    o.name = item.substr(0, eq);
    try {
      o.bytes = std::stoull(item.substr(eq + 1, colon - eq - 1));
      o.crc32c = static_cast<std::uint32_t>(std::stoul(item.substr(colon + 1), nullptr, 16));
    } catch (const std::exception&) {
      throw CheckpointError("checkpoint metadata 'outputs' is malformed: '" + item + "'");
    }
    if (o.name.find('/') != std::string::npos || o.name == "." || o.name == "..")
      throw CheckpointError("checkpoint metadata 'outputs' names a file outside the run: '" +
                            o.name + "'");
    outputs.push_back(std::move(o));
    pos = end + 1;
  }
  return outputs;
}

}  // namespace ketensim::io
