#include "model/app/run_command.hpp"

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>

#include "model/app/run_loop.hpp"
#include "model/io/config_loader.hpp"
#include "model/io/errors.hpp"
#include "model/io/logging.hpp"
#include "model/io/run_directory.hpp"

namespace ketensim::app {

namespace fs = std::filesystem;

namespace {

std::string default_output(const std::string& scenario_name) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return "runs/" + scenario_name + "-" + buf;
}

nlohmann::json scenario_json(const config::Scenario& sc) {
  std::string text;
  google::protobuf::util::JsonPrintOptions opts;
  opts.always_print_primitive_fields = true;
  opts.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(sc, &text, opts);
  return nlohmann::json::parse(text);
}

void print_error(const engine::Comm& comm, const std::string& message) {
  if (comm.is_root()) std::fprintf(stderr, "ketensim: error: %s\n", message.c_str());
}

}  // namespace

int agree(const engine::Comm& comm, int code, std::string& message) {
  std::string packet = std::to_string(code) + "\n" + message;
  comm.broadcast(packet);
  const auto nl = packet.find('\n');
  message = packet.substr(nl + 1);
  return std::stoi(packet.substr(0, nl));
}

int run_scenario(const RunOptions& options, const engine::Comm& comm) {
  // 1. Config, on every rank (deterministic, so every rank agrees on errors).
  RunSegment seg;
  std::vector<std::string> overrides = options.overrides;
  if (options.seed) overrides.push_back("seed=" + std::to_string(*options.seed));
  try {
    seg.scenario = io::load_scenario(options.config, overrides);
  } catch (const ConfigError& e) {
    print_error(comm, e.what());
    return kExitBadInput;
  }
  try {
    seg.params = world::resolve(seg.scenario);
  } catch (const std::exception& e) {
    print_error(comm, options.config + ": " + e.what());
    return kExitBadInput;
  }

  // 2. Run directory, created by the root rank only.
  std::string message = options.output.empty() ? default_output(seg.params.name) : options.output;
  int code = 0;
  if (comm.is_root()) {
    try {
      io::RunDirectory::prepare(message, options.overwrite);
    } catch (const RunDirError& e) {
      code = kExitBadInput;
      message = e.what();
    }
  }
  code = agree(comm, code, message);
  if (code != 0) {
    print_error(comm, message);
    return code;
  }
  seg.run_dir = message;
  seg.info = io::RunInfo{
      options.config, io::to_yaml(seg.scenario), scenario_json(seg.scenario), seg.scenario.seed(),
      comm.size(),    options.command_line};
  seg.progress = options.progress;
  seg.log_level = options.log_level;
  return execute_run(seg, comm);
}

int resume_run(const ResumeOptions& options, const engine::Comm& comm) {
  // Console only until the checkpoint is accepted: a refusal writes nothing, not even a log line.
  const bool console = options.console < 0 ? comm.is_root() : options.console != 0;
  io::setup_console_logging(console ? 0 : 1, options.log_level);
  const fs::path run_dir = options.run_dir;
  RunSegment seg;
  seg.run_dir = run_dir;
  seg.progress = options.progress;
  seg.log_level = options.log_level;
  seg.console = options.console;

  // 1. The run's manifest (root): a complete run is left alone.
  std::string message;
  int code = 0;
  if (comm.is_root()) {
    try {
      seg.previous_manifest = io::read_manifest(run_dir);
      if (seg.previous_manifest.value("status", "") == "complete") {
        code = -1;
        message = "run " + run_dir.string() + " is already complete; nothing to resume";
      }
    } catch (const RunDirError& e) {
      code = kExitBadInput;
      message = e.what();
    }
  }
  code = agree(comm, code, message);
  if (code == -1) {
    if (comm.is_root()) std::printf("ketensim: %s\n", message.c_str());
    return kExitOk;
  }
  if (code != 0) {
    print_error(comm, message);
    return code;
  }

  // 2. The config the run was started with (every rank reads the same file).
  const fs::path config = run_dir / "config.resolved.yaml";
  try {
    seg.scenario = io::load_scenario(config.string());
    seg.params = world::resolve(seg.scenario);
  } catch (const std::exception& e) {
    print_error(comm, e.what());
    return kExitBadInput;
  }

  // 3. Which checkpoint (root), then verify it (collective).
  const fs::path dir = run_dir / "checkpoints";
  std::string previous_name;
  if (comm.is_root()) {
    const auto all = engine::list_checkpoints(dir);
    if (all.empty()) {
      code = kExitBadInput;
      message = "no checkpoint in " + dir.string() +
                ": the run stopped before its first checkpoint; start it again with ketensim run "
                "... -o " +
                run_dir.string() + " --overwrite";
    } else if (options.from_previous && all.size() < 2) {
      code = kExitBadInput;
      message = "--from-previous: " + dir.string() + " holds only one checkpoint (" +
                all.back().filename().string() + ")";
    } else {
      message = (options.from_previous ? all[all.size() - 2] : all.back()).string();
      if (!options.from_previous && all.size() >= 2)
        previous_name = all[all.size() - 2].filename().string();
    }
  }
  code = agree(comm, code, message);
  if (code != 0) {
    print_error(comm, message);
    return code;
  }
  comm.broadcast(previous_name);
  std::unique_ptr<engine::CheckpointReader> reader;
  try {
    reader = std::make_unique<engine::CheckpointReader>(comm, fs::path(message));
  } catch (const CheckpointError& e) {
    std::string text = std::string(e.what()) + "; refusing to resume (nothing was changed)";
    if (!previous_name.empty())
      text += "; to resume from the previous checkpoint (" + previous_name +
              ") run: ketensim resume " + run_dir.string() + " --from-previous";
    print_error(comm, text);
    return kExitBadInput;
  }

  // 4. The config and the time series must be those the checkpoint was written with (root).
  std::string resolved_yaml;
  code = 0;
  message.clear();
  if (comm.is_root()) {
    try {
      std::ifstream in(config, std::ios::binary);
      resolved_yaml.assign(std::istreambuf_iterator<char>(in), {});
      if (reader->meta_at("config_crc32c") != config_checksum(resolved_yaml))
        throw CheckpointError(config.string() + ": differs from the config the checkpoint " +
                              reader->path().string() + " was written with");
      io::verify_timeseries_prefix(run_dir, std::stoull(reader->meta_at("timeseries_bytes")),
                                   static_cast<std::uint32_t>(std::stoul(
                                       reader->meta_at("timeseries_crc32c"), nullptr, 16)));
    } catch (const std::exception& e) {
      code = kExitBadInput;
      message = std::string(e.what()) + "; refusing to resume (nothing was changed)";
    }
  }
  code = agree(comm, code, message);
  if (code != 0) {
    print_error(comm, message);
    return code;
  }
  comm.broadcast(resolved_yaml);
  nlohmann::json previous_config = nlohmann::json::object();
  std::string command_line = options.command_line;
  if (comm.is_root()) {
    previous_config = seg.previous_manifest.value("config", nlohmann::json::object());
    seg.info.config_path = seg.previous_manifest.value("config_path", config.string());
  }
  seg.info.resolved_config_yaml = resolved_yaml;
  seg.info.resolved_config = comm.is_root() ? previous_config : scenario_json(seg.scenario);
  seg.info.seed = seg.scenario.seed();
  seg.info.ranks = comm.size();
  seg.info.command_line = command_line;
  seg.checkpoint = reader.get();
  return execute_run(seg, comm);
}

}  // namespace ketensim::app
