#include "model/app/run_command.hpp"

#include <google/protobuf/util/json_util.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>

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

nlohmann::json scenario_json(const config::Scenario& sc) {
  std::string text;
  google::protobuf::util::JsonPrintOptions opts;
  opts.always_print_primitive_fields = true;
  opts.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(sc, &text, opts);
  return nlohmann::json::parse(text);
}

// Root decides; every rank learns the outcome (code 0 = go on).
int agree(const engine::Comm& comm, int code, std::string& message) {
  std::string packet = std::to_string(code) + "\n" + message;
  comm.broadcast(packet);
  const auto nl = packet.find('\n');
  message = packet.substr(nl + 1);
  return std::stoi(packet.substr(0, nl));
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Peak resident set of this process so far (kB; Linux reports ru_maxrss in kB).
long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// CPU seconds of this process so far (user + system): on a shared machine a
// steadier measure than wall time.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + 1e-6 * static_cast<double>(tv.tv_usec);
  };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

// Resident set now (kB), from /proc/self/statm; 0 where it is not available.
long current_rss_kb() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0;
  long pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0;
  return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// One "bench:" line per kind of traffic during the ticks (after minus before),
// for bench/macro.py. Machine-readable key=value pairs.
void log_traffic(const std::deque<engine::Traffic>& before,
                 const std::deque<engine::Traffic>& after) {
  for (const auto& a : after) {
    engine::Traffic d = a;
    for (const auto& b : before) {
      if (b.kind != a.kind) continue;
      d.calls -= b.calls;
      d.messages -= b.messages;
      d.messages_remote -= b.messages_remote;
      d.bytes_local -= b.bytes_local;
      d.bytes_sent -= b.bytes_sent;
      d.bytes_received -= b.bytes_received;
      d.seconds -= b.seconds;
    }
    spdlog::info(
        "bench: traffic kind={} calls={} messages={} messages_remote={} bytes_local={} "
        "bytes_sent={} bytes_received={} seconds={:.6f}",
        d.kind, d.calls, d.messages, d.messages_remote, d.bytes_local, d.bytes_sent,
        d.bytes_received, d.seconds);
  }
}

// Per-rank measurements for the benchmarks (bench/macro.py reads these lines):
// the "bench: rank" line, the phase line and the traffic of the ticks only.
struct BenchProbe {
  long rss_after_setup_kb = 0;
  long peak_after_setup_kb = 0;
  double cpu_after_setup = 0;
  std::deque<engine::Traffic> traffic_after_setup;
  std::chrono::steady_clock::time_point t_ticks;

  explicit BenchProbe(const engine::Comm& comm)
      : rss_after_setup_kb(current_rss_kb()),
        peak_after_setup_kb(peak_rss_kb()),
        cpu_after_setup(cpu_seconds()),
        traffic_after_setup(comm.traffic()),
        t_ticks(std::chrono::steady_clock::now()) {}

  void log(const engine::Comm& comm, std::size_t households, std::size_t companies,
           std::int64_t ticks, double setup_seconds, double output_seconds,
           const std::vector<engine::PhaseScheduler::PhaseTiming>& timings) const {
    const double tick_seconds = seconds_since(t_ticks);
    const double tick_cpu_seconds = cpu_seconds() - cpu_after_setup;
    spdlog::info(
        "bench: rank rank={} ranks={} households={} companies={} ticks={} setup_s={:.6f} "
        "ticks_s={:.6f} output_s={:.6f} setup_cpu_s={:.6f} ticks_cpu_s={:.6f} "
        "rss_after_setup_kb={} peak_rss_after_setup_kb={} peak_rss_kb={}",
        comm.rank(), comm.size(), households, companies, ticks, setup_seconds, tick_seconds,
        output_seconds, cpu_after_setup, tick_cpu_seconds, rss_after_setup_kb, peak_after_setup_kb,
        peak_rss_kb());
    std::string phase_line;
    for (const auto& p : timings) phase_line += fmt::format(" {}={:.6f}", p.name, p.seconds);
    spdlog::info("bench: phases{}", phase_line);
    log_traffic(traffic_after_setup, comm.traffic());
  }
};

// The households-only diffusion model (model: DIFFUSION): set-up, ticks (until
// `ticks` or a stable threshold cascade), its own timeseries.csv, the manifest.
void run_diffusion(const world::DiffusionParams& params, const engine::Comm& comm,
                   io::RunDirectory& dir, bool show_progress) {
  const auto t_setup = std::chrono::steady_clock::now();
  world::DiffusionModel model(params, comm);
  model.setup();
  const double setup_seconds = seconds_since(t_setup);
  spdlog::info("set-up {:.3f} s: {} households, {} edge entries, {} ghosts on this rank",
               setup_seconds, model.local_households(), model.local_edge_entries(), model.ghosts());
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

}  // namespace

int run_scenario(const RunOptions& options, const engine::Comm& comm) {
  // 1. Config, on every rank (deterministic, so every rank agrees on errors).
  config::Scenario scenario;
  std::vector<std::string> overrides = options.overrides;
  if (options.seed) overrides.push_back("seed=" + std::to_string(*options.seed));
  try {
    scenario = io::load_scenario(options.config, overrides, options.overlays);
  } catch (const ConfigError& e) {
    if (comm.is_root()) std::fprintf(stderr, "ketensim: error: %s\n", e.what());
    return kExitBadInput;
  }
  const bool diffusion = scenario.model() == config::DIFFUSION;
  world::Params params;
  world::DiffusionParams diffusion_params;
  try {
    if (diffusion) {
      diffusion_params = world::resolve_diffusion(scenario);
    } else {
      params = world::resolve(scenario);
    }
  } catch (const std::exception& e) {
    if (comm.is_root())
      std::fprintf(stderr, "ketensim: error: %s: %s\n", options.config.c_str(), e.what());
    return kExitBadInput;
  }

  // 2. Run directory, created by the root rank only.
  std::string message = options.output.empty() ? default_output(scenario.name()) : options.output;
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
    if (comm.is_root()) std::fprintf(stderr, "ketensim: error: %s\n", message.c_str());
    return code;
  }
  const fs::path run_dir = message;

  io::setup_logging(run_dir / "logs", comm.rank(), options.log_level);
  io::RunInfo info{options.config,  io::to_yaml(scenario), scenario_json(scenario),
                   scenario.seed(), comm.size(),           options.command_line};
  io::RunDirectory dir(run_dir, info);
  try {
    if (comm.is_root()) dir.start();
    spdlog::info("scenario '{}' seed {} on {} rank(s), output {}", scenario.name(), scenario.seed(),
                 comm.size(), run_dir.string());
    if (diffusion) {
      run_diffusion(diffusion_params, comm, dir, options.progress);
      if (comm.is_root())
        std::fprintf(stdout, "ketensim: run complete: %s (timeseries.csv, manifest.json, logs/)\n",
                     run_dir.string().c_str());
      return kExitOk;
    }
    const auto t_setup = std::chrono::steady_clock::now();
    world::Simulation sim(params, comm);
    sim.setup();
    const double setup_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t_setup).count();
    spdlog::info("set-up {:.3f} s: {} households, {} companies on this rank", setup_seconds,
                 sim.local_households(), sim.local_companies());
    const BenchProbe probe(comm);

    io::Progress progress(static_cast<int>(sim.ticks()), 5.0, comm.is_root() && options.progress);
    const std::string header = world::timeseries_header();
    double output_seconds = 0;
    for (engine::Tick t = 0; t < sim.ticks(); ++t) {
      sim.run_tick(t);
      const std::string month = sim.calendar().at(t).to_string();
      if (comm.is_root()) {
        const auto t0 = std::chrono::steady_clock::now();
        dir.append_timeseries(header,
                              world::timeseries_rows(month, sim.group_ids(), sim.indicators()));
        dir.append_csv("adoptions.csv", world::Simulation::adoptions_header(), sim.adoption_rows());
        dir.append_csv("subsidy_decisions.csv", world::Simulation::decisions_header(),
                       sim.decision_rows());
        output_seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
      progress.update(static_cast<int>(t) + 1, month);
    }
    progress.finish();

    std::vector<std::pair<std::string, double>> phases{
        {"setup", comm.allreduce_max(setup_seconds)}};
    for (const auto& p : sim.scheduler().timings())
      phases.emplace_back(p.name, comm.allreduce_max(p.seconds));
    phases.emplace_back("output", output_seconds);
    if (comm.is_root()) {
      dir.complete(phases, static_cast<int>(sim.ticks()));
      std::fprintf(stdout, "ketensim: run complete: %s (timeseries.csv, manifest.json, logs/)\n",
                   run_dir.string().c_str());
    }
    spdlog::info("done; messages sent by this rank: {}", sim.messages_sent());
    probe.log(comm, sim.local_households(), sim.local_companies(),
              static_cast<std::int64_t>(sim.ticks()), setup_seconds, output_seconds,
              sim.scheduler().timings());
    return kExitOk;
  } catch (const std::exception& e) {
    spdlog::error("run failed: {}", e.what());
    dir.fail(e.what());
    if (comm.size() > 1) MPI_Abort(comm.handle(), kExitFailure);
    return kExitFailure;
  }
}

}  // namespace ketensim::app
