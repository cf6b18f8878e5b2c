// `ketensim`: the command line. Subcommands run, resume, sweep, validate, show-config
// and report. Exit codes: 0 success, 1 failure while running, 2 bad usage, bad config or
// a refused checkpoint, 3 checkpointed after SIGTERM/SIGUSR1 (resubmit).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "model/app/report_command.hpp"
#include "model/app/run_command.hpp"
#include "model/app/signals.hpp"
#include "model/app/sweep_command.hpp"
#include "model/engine/mpi_context.hpp"
#include "model/io/config_loader.hpp"
#include "model/io/errors.hpp"
#include "model/io/run_directory.hpp"

namespace {

std::string joined(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    if (i) out += ' ';
    out += argv[i];
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ketensim;
  // `report` runs the Python report tool and needs no MPI: hand over before MPI starts.
  if (argc > 1 && std::string_view(argv[1]) == "report") return app::run_report(argc - 2, argv + 2);
  engine::MpiContext mpi(&argc, &argv);
  const engine::Comm world;
  app::install_stop_handlers();

  CLI::App cli{
      "KetenSim: agent-based model of the Dutch circular-economy chain tables (NPCE 2025)."};
  cli.set_version_flag("--version", io::program_version() + " (" + io::program_commit() + ")");
  cli.require_subcommand(1);
  cli.footer(
      "Exit codes: 0 success, 1 failure while running, 2 bad usage, bad config or a refused "
      "checkpoint,\n"
      "3 checkpointed after SIGTERM/SIGUSR1 (continue with: ketensim resume RUN_DIR).\n"
      "Run on several ranks with: mpirun -np N ketensim run CONFIG");

  app::RunOptions run;
  auto* run_cmd = cli.add_subcommand("run", "Run a scenario and write a run directory.");
  run_cmd->add_option("config", run.config, "Scenario YAML file (e.g. configs/laptop.yaml)")
      ->required();
  run_cmd->add_option("-o,--output", run.output,
                      "Run directory to create (default: runs/<scenario>-<UTC time>)");
  run_cmd->add_option("--seed", run.seed, "Master seed (overrides the config's seed)");
  run_cmd
      ->add_option("--set", run.overrides, "Override a config value: key.path=value (repeatable)")
      ->take_all()
      ->allow_extra_args(false);
  run_cmd
      ->add_option("--overlay", run.overlays,
                   "Merge an overlay file over the scenario, e.g. "
                   "configs/overlays/cheap_imports.yaml (repeatable)")
      ->allow_extra_args(false);
  run_cmd->add_flag("--overwrite", run.overwrite, "Replace an existing run directory");
  run_cmd->add_flag("!--no-progress", run.progress, "Do not print progress");
  run_cmd->add_option("--log-level", run.log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));

  app::ResumeOptions resume;
  auto* resume_cmd = cli.add_subcommand("resume",
                                        "Continue a run from its newest checkpoint (any number of "
                                        "ranks), appending to its time series.");
  resume_cmd->add_option("run_dir", resume.run_dir, "Run directory with checkpoints/")->required();
  resume_cmd->add_flag(
      "--from-previous", resume.from_previous,
      "Use the checkpoint before the newest one (when the newest is refused as corrupt)");
  resume_cmd->add_flag("!--no-progress", resume.progress, "Do not print progress");
  resume_cmd->add_option("--log-level", resume.log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));

  app::SweepOptions sweep;
  auto* sweep_cmd = cli.add_subcommand("sweep",
                                       "Run every scenario x replicate of a sweep file in this one "
                                       "MPI job (groups of ranks per run).");
  sweep_cmd->add_option("sweep_file", sweep.file, "Sweep YAML file (e.g. configs/sweeps/demo.yaml)")
      ->required();
  sweep_cmd->add_option("-o,--output", sweep.output, "Sweep folder (default: runs/<sweep name>)");
  sweep_cmd
      ->add_option(
          "--ranks-per-run", sweep.ranks_per_run,
          "MPI ranks per run (overrides the sweep file's ranks_per_run; divides the job's ranks)")
      ->check(CLI::PositiveNumber);
  sweep_cmd->add_option(
      "--run-index", sweep.run_index,
      "Run only run K (0-based, see --list) on all ranks: one run per job-array task");
  sweep_cmd->add_flag("--overwrite", sweep.overwrite, "Replace an existing sweep folder");
  sweep_cmd->add_flag("--list", sweep.list,
                      "Print the runs (index, folder, seed, config, overrides) and exit");
  sweep_cmd->add_flag("--count", sweep.count, "Print the number of runs and exit");
  sweep_cmd->add_option("--log-level", sweep.log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));

  std::vector<std::string> validate_files;
  std::vector<std::string> validate_overrides;
  std::vector<std::string> validate_overlays;
  auto* validate_cmd = cli.add_subcommand("validate", "Check scenario files without running them.");
  validate_cmd->add_option("configs", validate_files, "Scenario YAML files")->required();
  validate_cmd->add_option("--set", validate_overrides, "Override a config value: key.path=value")
      ->allow_extra_args(false);
  validate_cmd
      ->add_option("--overlay", validate_overlays, "Merge an overlay file over each scenario")
      ->allow_extra_args(false);

  std::string show_file;
  std::vector<std::string> show_overrides;
  std::vector<std::string> show_overlays;
  auto* show_cmd =
      cli.add_subcommand("show-config", "Print the fully resolved scenario, defaults included.");
  show_cmd->add_option("config", show_file, "Scenario YAML file")->required();
  show_cmd->add_option("--set", show_overrides, "Override a config value: key.path=value")
      ->allow_extra_args(false);
  show_cmd->add_option("--overlay", show_overlays, "Merge an overlay file over the scenario")
      ->allow_extra_args(false);

  // Listed here for --help; main() hands `report` over to the Python tool before parsing.
  cli.add_subcommand("report",
                     "Compare runs and sweeps: tables, figures and report.html (ketensim report "
                     "--help; needs Python 3 with pandas and matplotlib).")
      ->prefix_command()
      ->allow_extras();

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (world.is_root()) {
      const int rc = cli.exit(e);
      return rc == 0 ? app::kExitOk : app::kExitBadInput;
    }
    return e.get_exit_code() == 0 ? app::kExitOk : app::kExitBadInput;
  }

  if (*run_cmd) {
    run.command_line = joined(argc, argv);
    return app::run_scenario(run, world);
  }
  if (*resume_cmd) {
    resume.command_line = joined(argc, argv);
    return app::resume_run(resume, world);
  }
  if (*sweep_cmd) {
    sweep.command_line = joined(argc, argv);
    return app::run_sweep(sweep, world);
  }
  if (*validate_cmd) {
    int rc = app::kExitOk;
    for (const auto& f : validate_files) {
      try {
        (void)io::load_scenario(f, validate_overrides, validate_overlays);
        if (world.is_root()) std::printf("ok: %s\n", f.c_str());
      } catch (const ConfigError& e) {
        if (world.is_root()) std::fprintf(stderr, "ketensim: error: %s\n", e.what());
        rc = app::kExitBadInput;
      }
    }
    return rc;
  }
  if (*show_cmd) {
    try {
      const auto sc = io::load_scenario(show_file, show_overrides, show_overlays);
      if (world.is_root()) std::fputs(io::to_yaml(sc).c_str(), stdout);
      return app::kExitOk;
    } catch (const ConfigError& e) {
      if (world.is_root()) std::fprintf(stderr, "ketensim: error: %s\n", e.what());
      return app::kExitBadInput;
    }
  }
  return app::kExitBadInput;
}
