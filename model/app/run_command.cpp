#include "model/app/run_command.hpp"

#include <google/protobuf/util/json_util.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>

#include "model/app/bench_probe.hpp"
#include "model/app/run_loop.hpp"
#include "model/io/config_loader.hpp"
#include "model/io/errors.hpp"
#include "model/io/logging.hpp"
#include "model/io/progress.hpp"
#include "model/io/run_directory.hpp"
#include "model/world/diffusion.hpp"
#include "model/world/params.hpp"
#include "model/world/simulation.hpp"

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

void print_error(const engine::Comm& comm, const std::string& message) {
  if (comm.is_root()) std::fprintf(stderr, "ketensim: error: %s\n", message.c_str());
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The households-only diffusion model (model: DIFFUSION): set-up, ticks (until
// `ticks` or a stable threshold cascade), its own timeseries.csv, the manifest.
void run_diffusion(const world::DiffusionParams& params, const engine::Comm& comm,
                   io::RunDirectory& dir, bool show_progress) {
  const auto t_setup = std::chrono::steady_clock::now();
  world::DiffusionModel model(params, comm);
  model.setup();
  const double setup_seconds = seconds_since(t_setup);
  spdlog::info(
      "set-up {:.3f} s: {} households, {} edge entries in {} bytes, {} ghosts on this rank",
      setup_seconds, model.local_households(), model.local_edge_entries(), model.local_row_bytes(),
      model.ghosts());
  const BenchProbe probe(comm);

  io::Progress progress(static_cast<int>(model.ticks()), 5.0, comm.is_root() && show_progress);
  const std::string header = world::diffusion_timeseries_header();
  double output_seconds = 0;
  engine::Tick done = 0;
  while (done < model.ticks() && !model.finished()) {
    model.run_tick(done);
    ++done;
    if (comm.is_root()) {
      const auto t0 = std::chrono::steady_clock::now();
      dir.append_timeseries(header, world::diffusion_timeseries_row(params, model.totals()));
      output_seconds += seconds_since(t0);
    }
    progress.update(static_cast<int>(done), "tick " + std::to_string(done));
  }
  progress.finish();
  spdlog::info("{} ticks, {} of {} households adopted", done, model.totals().adopted,
               params.households);

  std::vector<std::pair<std::string, double>> phases{{"setup", comm.allreduce_max(setup_seconds)}};
  for (const auto& p : model.scheduler().timings())
    phases.emplace_back(p.name, comm.allreduce_max(p.seconds));
  phases.emplace_back("output", output_seconds);
  if (comm.is_root()) dir.complete(phases, static_cast<int>(done));
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  spdlog::info("done; messages sent by this rank: {}, peak resident memory {:.1f} MB",
               model.messages_sent(), static_cast<double>(usage.ru_maxrss) / 1024.0);
  probe.log(comm, model.local_households(), 0, static_cast<std::int64_t>(done), setup_seconds,
            output_seconds, model.scheduler().timings());
}

// The diffusion model's run (no checkpoints: validation runs take seconds).
int run_diffusion_model(const RunSegment& seg, const world::DiffusionParams& params,
                        const engine::Comm& comm) {
  io::setup_logging(seg.run_dir / "logs", comm.rank(), seg.log_level);
  io::RunDirectory dir(seg.run_dir, seg.info);
  try {
    if (comm.is_root()) dir.start();
    spdlog::info("scenario '{}' seed {} on {} rank(s), output {}", seg.scenario.name(),
                 seg.scenario.seed(), comm.size(), seg.run_dir.string());
    run_diffusion(params, comm, dir, seg.progress);
    if (comm.is_root())
      std::fprintf(stdout, "ketensim: run complete: %s (timeseries.csv, manifest.json, logs/)\n",
                   seg.run_dir.string().c_str());
    return kExitOk;
  } catch (const std::exception& e) {
    return fail_run(dir, comm, e);
  }
}

}  // namespace

nlohmann::json scenario_json(const config::Scenario& sc) {
  std::string text;
  google::protobuf::util::JsonPrintOptions opts;
  opts.always_print_primitive_fields = true;
  opts.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(sc, &text, opts);
  return nlohmann::json::parse(text);
}

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
    seg.scenario = io::load_scenario(options.config, overrides, options.overlays);
  } catch (const ConfigError& e) {
    print_error(comm, e.what());
    return kExitBadInput;
  }
  const bool diffusion = seg.scenario.model() == config::DIFFUSION;
  world::DiffusionParams diffusion_params;
  try {
    if (diffusion) {
      diffusion_params = world::resolve_diffusion(seg.scenario);
    } else {
      seg.params = world::resolve(seg.scenario);
    }
  } catch (const std::exception& e) {
    print_error(comm, options.config + ": " + e.what());
    return kExitBadInput;
  }

  // 2. Run directory, created by the root rank only.
  std::string message =
      options.output.empty() ? default_output(seg.scenario.name()) : options.output;
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
  if (diffusion) return run_diffusion_model(seg, diffusion_params, comm);
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
    if (seg.scenario.model() == config::DIFFUSION)
      throw std::runtime_error(run_dir.string() +
                               " is a diffusion validation run; these take seconds and keep no "
                               "checkpoints: run it again with `ketensim run`");
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
      for (const auto& output : io::parse_output_state(reader->meta_at("outputs")))
        io::verify_output_prefix(run_dir, output);
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
  // Checkpoints written before time.warmup_months existed come from runs without a
  // warm-up: their config file lacks the key, whose default is not 0.
  if (reader->meta().count("world.warmup_months") == 0) seg.params.warmup_months = 0;
  seg.checkpoint = reader.get();
  return execute_run(seg, comm);
}

}  // namespace ketensim::app
