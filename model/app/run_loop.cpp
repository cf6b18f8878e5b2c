#include "model/app/run_loop.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "model/app/bench_probe.hpp"
#include "model/app/run_command.hpp"
#include "model/app/signals.hpp"
#include "model/engine/crc32c.hpp"
#include "model/io/errors.hpp"
#include "model/io/logging.hpp"
#include "model/io/progress.hpp"
#include "model/world/simulation.hpp"

namespace ketensim::app {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// Test aids (documented in docs/TESTING_HOOKS in README): deterministic stops.
struct TestHooks {
  std::string signal_at =
      env("KETENSIM_TEST_SIGNAL_AT_MONTH");  // raise SIGTERM on rank 0 after this month
  std::string kill_at = env("KETENSIM_TEST_KILL_AT_MONTH");  // SIGKILL every rank after this month
  int delay_ms =
      std::atoi(env("KETENSIM_TEST_TICK_DELAY_MS").c_str());  // sleep per output month (slow runs)
};

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

std::vector<std::pair<std::string, double>> phase_times(const world::Simulation& sim,
                                                        double setup_seconds, double output_seconds,
                                                        const engine::Comm& comm) {
  std::vector<std::pair<std::string, double>> phases{{"setup", comm.allreduce_max(setup_seconds)}};
  for (const auto& p : sim.scheduler().timings())
    phases.emplace_back(p.name, comm.allreduce_max(p.seconds));
  phases.emplace_back("output", output_seconds);
  return phases;
}

// Collective: writes the checkpoint taken before tick `next` and records it. Checkpoints
// come only after time.start (never in the warm-up) and are named by the output months
// done, so their names do not depend on the warm-up.
void write_checkpoint(const RunSegment& seg, world::Simulation& sim, io::RunDirectory& dir,
                      engine::Tick next, const std::string& reason, const engine::Comm& comm) {
  const auto t0 = Clock::now();
  if (comm.is_root()) dir.sync_outputs();
  engine::CheckpointWriter writer(comm, seg.run_dir / "checkpoints",
                                  engine::checkpoint_name(next - sim.warmup_ticks()));
  sim.save_checkpoint(writer, next);
  const std::string month = sim.calendar().at(next - 1).to_string();
  writer.set_meta("month", month);
  writer.set_meta("next_month", sim.calendar().at(next).to_string());
  // Root's output CSVs (timeseries.csv and the event logs): lengths and CRCs.
  writer.set_meta("outputs", comm.is_root() ? io::format_output_state(dir.output_state()) : "");
  writer.set_meta("config_crc32c", config_checksum(seg.info.resolved_config_yaml));
  writer.set_meta("seed", std::to_string(seg.params.seed));
  writer.set_meta("ranks", std::to_string(comm.size()));
  writer.set_meta("reason", reason);
  writer.set_meta("program_version", io::program_version() + " (" + io::program_commit() + ")");
  const auto result = writer.commit(static_cast<int>(seg.scenario.checkpoint().keep()));
  const double seconds = comm.allreduce_max(seconds_since(t0));
  spdlog::info("checkpoint {} after {} ({}): {} bytes in {} files, {:.3f} s",
               result.path.filename().string(), month, reason, result.bytes, result.files, seconds);
  if (comm.is_root())
    dir.note_checkpoint({{"name", result.path.filename().string()},
                         {"month", month},
                         {"reason", reason},
                         {"bytes", result.bytes},
                         {"seconds", seconds}});
}

}  // namespace

int fail_run(io::RunDirectory& dir, const engine::Comm& comm, const std::exception& error) {
  spdlog::error("run failed: {}", error.what());
  dir.fail(error.what());
  if (comm.size() > 1) MPI_Abort(comm.handle(), kExitFailure);
  return kExitFailure;
}

std::string config_checksum(const std::string& resolved_yaml) {
  return hex32(engine::crc32c(resolved_yaml));
}

int execute_run(const RunSegment& seg, const engine::Comm& comm) {
  const bool resuming = seg.checkpoint != nullptr;
  io::RunDirectory dir(seg.run_dir, seg.info);
  for (const auto& [key, value] : seg.extra.items()) dir.set_extra(key, value);
  const auto t_setup = Clock::now();
  std::unique_ptr<world::Simulation> sim;
  engine::Tick first = 0;
  if (resuming) {
    // Restore in memory before anything on disk changes: a refusal writes nothing.
    try {
      sim = std::make_unique<world::Simulation>(seg.params, comm);
      first = sim->restore_checkpoint(*seg.checkpoint);
    } catch (const CheckpointError& e) {
      if (comm.is_root()) std::fprintf(stderr, "ketensim: error: %s\n", e.what());
      return kExitBadInput;
    }
  }
  io::setup_logging(seg.run_dir / "logs", comm.rank(), seg.log_level, resuming, seg.console);
  try {
    if (resuming) {
      const auto& cp = *seg.checkpoint;
      if (comm.is_root()) {
        // Checkpoints after the one resumed from belong to a future being redone.
        for (const auto& p : engine::list_checkpoints(seg.run_dir / "checkpoints")) {
          if (p.filename() <= cp.path().filename()) continue;
          std::error_code ec;
          fs::rename(p, fs::path(p.string() + ".discarded"), ec);
          spdlog::warn("checkpoint {} is newer than {}: renamed to {}.discarded",
                       p.filename().string(), cp.path().filename().string(), p.filename().string());
        }
        dir.resume(seg.previous_manifest, io::parse_output_state(cp.meta_at("outputs")),
                   {{"time", io::iso_time(std::chrono::system_clock::now())},
                    {"checkpoint", cp.path().filename().string()},
                    {"from_month", cp.meta_at("month")},
                    {"ranks", comm.size()},
                    {"ranks_before", cp.ranks_written()}});
      }
      spdlog::info("resumed '{}' from {} (after {}, written by {} rank(s)) on {} rank(s)",
                   seg.params.name, cp.path().string(), cp.meta_at("month"), cp.ranks_written(),
                   comm.size());
    } else {
      if (comm.is_root()) dir.start();
      spdlog::info("scenario '{}' seed {} on {} rank(s), output {}", seg.params.name,
                   seg.params.seed, comm.size(), seg.run_dir.string());
      sim = std::make_unique<world::Simulation>(seg.params, comm);
      sim->setup();
    }
    const double setup_seconds = seconds_since(t_setup);
    spdlog::info("set-up {:.3f} s: {} households, {} companies on this rank", setup_seconds,
                 sim->local_households(), sim->local_companies());
    const BenchProbe probe(comm);

    const auto& cp = seg.scenario.checkpoint();
    const TestHooks hooks;
    const auto ticks = sim->ticks();
    // The warm-up (time.warmup_months before time.start) writes no rows, and a checkpoint
    // due in it (periodic, wall time or a stop signal) is deferred to the end of the
    // first output month.
    const auto warmup = sim->warmup_ticks();
    const auto warmup_note = [&](const char* state) {
      return nlohmann::json{
          {"months", warmup}, {"first_month", sim->calendar().at(0).to_string()}, {"state", state}};
    };
    if (warmup > 0 && first < warmup && comm.is_root()) {
      dir.note_extra("warmup", warmup_note("running"));
      spdlog::info("warm-up: {} months from {} before time.start {} (no output rows)", warmup,
                   sim->calendar().at(0).to_string(), sim->calendar().at(warmup).to_string());
    }
    io::Progress progress(static_cast<int>(ticks - first), 5.0, comm.is_root() && seg.progress);
    const std::string header = world::timeseries_header();
    double output_seconds = 0;
    auto last_checkpoint = Clock::now();
    bool signal_deferred = false;
    for (engine::Tick t = first; t < ticks; ++t) {
      sim->run_tick(t);
      const std::string month = sim->calendar().at(t).to_string();
      if (t < warmup) {
        progress.update(static_cast<int>(t - first) + 1, month + " (warm-up)");
        if (t + 1 == warmup && comm.is_root()) {
          dir.note_extra("warmup", warmup_note("done"));
          spdlog::info("warm-up done after {}", month);
        }
      } else if (comm.is_root()) {
        const auto t0 = Clock::now();
        dir.append_timeseries(header,
                              world::timeseries_rows(month, sim->group_ids(), sim->indicators()));
        dir.append_csv("adoptions.csv", world::Simulation::adoptions_header(),
                       sim->adoption_rows());
        dir.append_csv("subsidy_decisions.csv", world::Simulation::decisions_header(),
                       sim->decision_rows());
        output_seconds += seconds_since(t0);
      }
      if (t >= warmup) progress.update(static_cast<int>(t - first) + 1, month);
      if (hooks.delay_ms > 0 && t >= warmup)  // output months only: the warm-up runs at full speed
        std::this_thread::sleep_for(std::chrono::milliseconds(hooks.delay_ms));
      if (month == hooks.kill_at) std::raise(SIGKILL);
      if (month == hooks.signal_at && comm.rank() == 0) std::raise(SIGTERM);
      if (t + 1 == ticks) break;

      // Month boundary: the ranks agree on a stop signal and on the wall-time trigger.
      const bool wall_due = comm.is_root() && cp.every_minutes() > 0 &&
                            seconds_since(last_checkpoint) >= cp.every_minutes() * 60.0;
      const std::int64_t local =
          (static_cast<std::int64_t>(stop_signal()) << 1) | (wall_due ? 1 : 0);
      const std::int64_t agreed = comm.allreduce_max(local);
      const int signal = static_cast<int>(agreed >> 1);
      if (t < warmup) {  // the stop signal and the wall-time trigger stay pending
        if (signal != 0 && !signal_deferred)
          spdlog::warn("{} in the warm-up: the checkpoint is written after {}, the first month",
                       signal_name(signal), sim->calendar().at(warmup).to_string());
        signal_deferred = signal != 0;
        continue;
      }
      const engine::Tick done = t + 1 - warmup;  // output months done
      const bool months_due = cp.every_months() > 0 && done % cp.every_months() == 0;
      if (signal != 0 || (agreed & 1) != 0 || months_due) {
        const std::string reason =
            signal != 0 ? signal_name(signal) : (months_due ? "every_months" : "every_minutes");
        write_checkpoint(seg, *sim, dir, t + 1, reason, comm);
        last_checkpoint = Clock::now();
      }
      if (signal != 0) {
        progress.finish();
        const auto phases = phase_times(*sim, setup_seconds, output_seconds, comm);
        if (comm.is_root()) {
          dir.checkpointed(phases, static_cast<int>(done), signal_name(signal));
          std::fprintf(stdout,
                       "ketensim: %s: checkpointed after %s; continue with: ketensim resume %s "
                       "(exit code 3)\n",
                       signal_name(signal).c_str(), month.c_str(), seg.run_dir.string().c_str());
          std::fflush(stdout);
        }
        spdlog::info("stopped by {} after {}: checkpointed (exit code {})", signal_name(signal),
                     month, kExitCheckpointed);
        return kExitCheckpointed;
      }
    }
    progress.finish();
    const auto phases = phase_times(*sim, setup_seconds, output_seconds, comm);
    if (comm.is_root()) {
      dir.complete(phases, static_cast<int>(ticks - warmup));
      std::fprintf(stdout, "ketensim: run complete: %s (timeseries.csv, manifest.json, logs/)\n",
                   seg.run_dir.string().c_str());
      std::fflush(stdout);
    }
    spdlog::info("done; messages sent by this rank: {}", sim->messages_sent());
    probe.log(comm, sim->local_households(), sim->local_companies(),
              static_cast<std::int64_t>(ticks - first), setup_seconds, output_seconds,
              sim->scheduler().timings());
    return kExitOk;
  } catch (const std::exception& e) {
    return fail_run(dir, comm, e);
  }
}

}  // namespace ketensim::app
