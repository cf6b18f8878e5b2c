#include "model/app/sweep_command.hpp"

#include <unistd.h>

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "model/app/run_command.hpp"
#include "model/app/run_loop.hpp"
#include "model/app/signals.hpp"
#include "model/engine/checkpoint_store.hpp"
#include "model/io/atomic_file.hpp"
#include "model/io/config_loader.hpp"
#include "model/io/errors.hpp"
#include "model/io/logging.hpp"
#include "model/io/run_directory.hpp"
#include "model/io/sweep_loader.hpp"

namespace ketensim::app {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A group communicator from MPI_Comm_split, freed on destruction.
class GroupComm {
 public:
  GroupComm(const engine::Comm& world, int color) {
    MPI_Comm_split(world.handle(), color, world.rank(), &handle_);
    comm_ = std::make_unique<engine::Comm>(handle_);
  }
  ~GroupComm() {
    comm_.reset();
    MPI_Comm_free(&handle_);
  }
  GroupComm(const GroupComm&) = delete;
  GroupComm& operator=(const GroupComm&) = delete;
  const engine::Comm& comm() const { return *comm_; }

 private:
  MPI_Comm handle_ = MPI_COMM_NULL;
  std::unique_ptr<engine::Comm> comm_;
};

std::string run_status(const fs::path& run_dir) {
  std::error_code ec;
  if (!fs::exists(run_dir / "manifest.json", ec)) return "pending";
  try {
    return io::read_manifest(run_dir).value("status", "unknown");
  } catch (const std::exception&) {
    return "unknown";
  }
}

json plan_runs(const io::SweepPlan& plan, const fs::path& out, std::size_t groups, bool array) {
  json runs = json::array();
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const auto& r = plan.runs[i];
    runs.push_back({{"index", i},
                    {"scenario", r.scenario},
                    {"replicate", r.replicate},
                    {"seed", r.seed},
                    {"dir", r.dir()},
                    {"config", r.config},
                    {"overrides", r.overrides},
                    {"overlays", r.overlays},
                    {"config_crc32c", config_checksum(r.resolved_yaml)},
                    {"group", array ? json(nullptr) : json(i % groups)},
                    {"status", run_status(out / r.dir())}});
  }
  return runs;
}

// Written by one process at a time per job (the world root); array tasks each
// rewrite it from the run manifests, so the last writer has the latest view.
void write_sweep_json(const io::SweepPlan& plan, const fs::path& out, const engine::Comm& world,
                      std::size_t ranks_per_run, bool array, const std::string& command_line) {
  const std::size_t groups = static_cast<std::size_t>(world.size()) / ranks_per_run;
  json runs = plan_runs(plan, out, groups, array);
  json counts = json::object();
  bool all_complete = true;
  for (const auto& r : runs) {
    const std::string s = r["status"];
    counts[s] = counts.value(s, 0) + 1;
    all_complete = all_complete && s == "complete";
  }
  json m = {{"sweep", plan.name},
            {"file", plan.file},
            {"status", all_complete ? "complete" : "incomplete"},
            {"counts", counts},
            {"replicates", plan.replicates},
            {"base_seed", plan.base_seed},
            {"ranks", world.size()},
            {"ranks_per_run", ranks_per_run},
            {"groups", array ? json(nullptr) : json(groups)},
            {"program", {{"version", io::program_version()}, {"git_commit", io::program_commit()}}},
            {"command_line", command_line},
            {"updated", io::iso_time(std::chrono::system_clock::now())},
            {"runs", runs}};
  io::write_file_atomically(out / "sweep.json", m.dump(2) + "\n");
}

// Root: creates OUT_DIR with its sweep.json (written by `write_json(dir)`), or
// checks that an existing one holds this same sweep. Job-array tasks start
// together: the folder is made under a temporary name with sweep.json inside
// and renamed, so no task ever sees it without its sweep.json.
void prepare_output(const io::SweepPlan& plan, const fs::path& out, bool overwrite,
                    const std::function<void(const fs::path&)>& write_json) {
  std::error_code ec;
  if (!fs::exists(out, ec)) {
    if (!out.parent_path().empty()) fs::create_directories(out.parent_path(), ec);
    const fs::path staging =
        out.parent_path() / ("." + out.filename().string() + ".creating-" +
                             std::to_string(static_cast<long long>(::getpid())));
    fs::remove_all(staging, ec);
    fs::create_directories(staging, ec);
    if (ec) throw RunDirError("cannot create " + staging.string() + ": " + ec.message());
    write_json(staging);
    fs::rename(staging, out, ec);
    if (!ec) return;
    fs::remove_all(staging);  // another task made it first: check it below
    if (!fs::exists(out)) throw RunDirError("cannot create " + out.string() + ": " + ec.message());
  }
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out, ec))
      throw RunDirError(out.string() + " exists and is not a directory");
    const bool has_sweep = fs::exists(out / "sweep.json", ec);
    if (overwrite) {
      for (const auto& entry : fs::directory_iterator(out)) fs::remove_all(entry.path());
    } else if (has_sweep) {
      json old;
      try {
        std::ifstream in(out / "sweep.json");
        old = json::parse(in);
      } catch (const std::exception& e) {
        throw RunDirError((out / "sweep.json").string() + ": not valid JSON: " + e.what());
      }
      const json& runs = old["runs"];
      bool same = runs.is_array() && runs.size() == plan.runs.size();
      for (std::size_t i = 0; same && i < plan.runs.size(); ++i) {
        const auto& r = plan.runs[i];
        same = runs[i].value("dir", "") == r.dir() &&
               runs[i].value("seed", std::uint64_t{0}) == r.seed &&
               runs[i].value("config_crc32c", "") == config_checksum(r.resolved_yaml);
      }
      if (!same)
        throw RunDirError(
            out.string() +
            " holds a different sweep (other runs, seeds or configs in sweep.json); " +
            "choose another -o or pass --overwrite to replace it");
    } else if (!fs::is_empty(out, ec)) {
      throw RunDirError(
          out.string() +
          " exists and is not a sweep folder (no sweep.json); choose another -o or pass " +
          "--overwrite to replace it");
    }
  }
}

// Runs (or resumes, or skips) one planned run on `group`. Returns its exit code.
int one_run(const io::SweepPlan& plan, std::size_t index, const fs::path& out,
            const SweepOptions& options, const engine::Comm& group) {
  const auto& run = plan.runs[index];
  const fs::path run_dir = out / run.dir();
  // 0 fresh, 1 resume, 2 complete
  std::string message;
  int code = 0;
  if (group.is_root()) {
    const std::string status = run_status(run_dir);
    if (status == "complete") {
      code = 2;
    } else if (!engine::list_checkpoints(run_dir / "checkpoints").empty()) {
      code = 1;
    } else {
      try {
        io::RunDirectory::prepare(run_dir,
                                  true);  // the sweep's own, unfinished run without a checkpoint
      } catch (const RunDirError& e) {
        code = 3;
        message = e.what();
      }
    }
  }
  code = agree(group, code, message);
  if (code == 2) return kExitOk;
  if (code == 3) {
    if (group.is_root()) std::fprintf(stderr, "ketensim: error: %s\n", message.c_str());
    return kExitFailure;
  }
  if (code == 1) {
    ResumeOptions resume{run_dir.string(),     false, false, options.log_level,
                         options.command_line, 0};
    return resume_run(resume, group);
  }
  RunSegment seg;
  try {
    seg.scenario = io::load_scenario(run.config, run.overrides, run.overlays);
    seg.params = world::resolve(seg.scenario);
  } catch (const std::exception& e) {
    if (group.is_root())
      std::fprintf(stderr, "ketensim: error: %s: %s\n", run.where.c_str(), e.what());
    return kExitBadInput;
  }
  seg.run_dir = run_dir;
  seg.info = io::RunInfo{
      run.config,   io::to_yaml(seg.scenario), scenario_json(seg.scenario), seg.scenario.seed(),
      group.size(), options.command_line};
  seg.extra["sweep"] = {
      {"name", plan.name},        {"file", plan.file},          {"index", index},
      {"scenario", run.scenario}, {"replicate", run.replicate}, {"overrides", run.overrides}};
  seg.progress = false;
  seg.log_level = options.log_level;
  seg.console = 0;
  return execute_run(seg, group);
}

}  // namespace

int run_sweep(const SweepOptions& options, const engine::Comm& world) {
  io::setup_console_logging(world.rank(), options.log_level);
  io::SweepPlan plan;
  try {
    plan = io::load_sweep(options.file);
  } catch (const ConfigError& e) {
    if (world.is_root()) std::fprintf(stderr, "ketensim: error: %s\n", e.what());
    return kExitBadInput;
  }
  if (options.count) {
    if (world.is_root()) std::printf("%zu\n", plan.runs.size());
    return kExitOk;
  }
  if (options.list) {
    if (world.is_root()) {
      for (std::size_t i = 0; i < plan.runs.size(); ++i) {
        const auto& r = plan.runs[i];
        std::string sets;
        for (const auto& o : r.overlays) sets += " --overlay " + o;
        for (const auto& o : r.overrides) sets += " --set " + o;
        std::printf("%zu\t%s\tseed %llu\t%s%s\n", i, r.dir().c_str(),
                    static_cast<unsigned long long>(r.seed), r.config.c_str(), sets.c_str());
      }
    }
    return kExitOk;
  }
  const bool array = options.run_index.has_value();
  const std::uint32_t per_run = array ? static_cast<std::uint32_t>(world.size())
                                      : options.ranks_per_run.value_or(plan.ranks_per_run);
  if (array && *options.run_index >= plan.runs.size()) {
    if (world.is_root())
      std::fprintf(stderr, "ketensim: error: --run-index %u: the sweep has %zu runs (0..%zu)\n",
                   *options.run_index, plan.runs.size(), plan.runs.size() - 1);
    return kExitBadInput;
  }
  if (per_run == 0 || static_cast<std::uint32_t>(world.size()) % per_run != 0) {
    if (world.is_root())
      std::fprintf(stderr,
                   "ketensim: error: the job has %d rank(s), not a multiple of %u ranks per run; "
                   "start a multiple of it or set --ranks-per-run\n",
                   world.size(), per_run);
    return kExitBadInput;
  }
  const fs::path out =
      options.output.empty() ? fs::path("runs") / plan.name : fs::path(options.output);
  std::string message;
  int code = 0;
  if (world.is_root()) {
    try {
      // An array task may find the folder made by another task: only --overwrite wipes it, and
      // never in arrays.
      const auto write_json = [&](const fs::path& dir) {
        write_sweep_json(plan, dir, world, per_run, array, options.command_line);
      };
      prepare_output(plan, out, options.overwrite && !array, write_json);
      write_json(out);
    } catch (const std::exception& e) {
      code = kExitBadInput;
      message = e.what();
    }
  }
  code = agree(world, code, message);
  if (code != 0) {
    if (world.is_root()) std::fprintf(stderr, "ketensim: error: %s\n", message.c_str());
    return code;
  }

  const auto groups = static_cast<std::size_t>(world.size()) / per_run;
  const int color = world.rank() / static_cast<int>(per_run);
  GroupComm group(world, color);
  if (world.is_root())
    std::printf("ketensim: sweep '%s': %zu runs, %d rank(s) in %zu group(s) of %u; output %s\n",
                plan.name.c_str(), plan.runs.size(), world.size(), groups, per_run,
                out.string().c_str());
  bool failed = false;
  bool stopped = false;
  for (std::size_t i = array ? *options.run_index : static_cast<std::size_t>(color);
       i < plan.runs.size(); i += array ? plan.runs.size() : groups) {
    if (group.comm().allreduce_max(static_cast<std::int64_t>(stop_signal())) != 0) {
      stopped = true;
      break;
    }
    const int rc = one_run(plan, i, out, options, group.comm());
    if (world.is_root()) {
      try {
        write_sweep_json(plan, out, world, per_run, array, options.command_line);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "ketensim: warning: %s\n", e.what());
      }
    }
    if (rc == kExitCheckpointed) {
      stopped = true;
      break;
    }
    if (rc != kExitOk) failed = true;
  }
  const bool any_failed = world.allreduce_max(static_cast<std::int64_t>(failed)) != 0;
  const bool any_stopped = world.allreduce_max(static_cast<std::int64_t>(stopped)) != 0;
  if (world.is_root()) {
    try {
      write_sweep_json(plan, out, world, per_run, array, options.command_line);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ketensim: warning: %s\n", e.what());
    }
    std::printf("ketensim: sweep '%s' %s: see %s\n", plan.name.c_str(),
                any_failed
                    ? "has failed runs"
                    : (any_stopped ? "stopped by a signal (re-submit to continue)" : "complete"),
                (out / "sweep.json").string().c_str());
  }
  if (any_failed) return kExitFailure;
  return any_stopped ? kExitCheckpointed : kExitOk;
}

}  // namespace ketensim::app
