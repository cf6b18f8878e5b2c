#!/usr/bin/python3
"""Macro benchmark of KetenSim: runs a config at several MPI rank counts and
reports, per run, the wall time split into start-up, set-up, ticks and output,
agent-ticks per second per rank, messages and bytes exchanged per tick,
seconds inside MPI, and peak resident memory per rank and per household.

Standard library only; run it with /usr/bin/python3 from the repository root:

  /usr/bin/python3 bench/macro.py --config configs/nl-10pct.yaml --ranks 1,2
  /usr/bin/python3 bench/macro.py --config configs/nl-10pct.yaml --ranks 1,2 \\
      --weak 410000                       # weak scaling: households per rank fixed
  /usr/bin/python3 bench/macro.py --config configs/nl-10pct.yaml --ranks 1,2,3,4 \\
      --set time.end=2027-12 --label volume  # traffic at more ranks than cores

Every run goes to OUT/<label>/np<R>-<i>/ (a normal run directory); the
figures go to OUT/<label>/results.json and a Markdown table on stdout and in
OUT/<label>/results.md. Figures come from the run itself (manifest.json
phase_wall_seconds and the "bench:" lines each rank writes to its log) and
from GNU time (/usr/bin/time -v) around mpirun. Not part of ctest.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

TICK_PHASES = ["environment", "review", "government", "offers", "consumers", "materials", "social", "accounting"]
EXCHANGE_KINDS = ["OrderMsg", "ApplicationMsg", "DecisionMsg", "ReportMsg", "GhostMsg", "ProjectMsg"]
MPI_ENV = {
    # As .ci/env.sh: root may run Open MPI, more ranks than cores, loopback only.
    "OMPI_ALLOW_RUN_AS_ROOT": "1",
    "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
    "OMPI_MCA_rmaps_base_oversubscribe": "1",
    "OMPI_MCA_btl_vader_single_copy_mechanism": "none",
    "OMPI_MCA_btl_tcp_if_include": "lo",
    "OMPI_MCA_oob_tcp_if_include": "lo",
}


def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine_info():
    lscpu = sh(["lscpu"])
    model = re.search(r"^Model name:\s*(.+)$", lscpu, re.M)
    mem = 0
    try:
        with open("/proc/meminfo") as f:
            mem = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
    except (OSError, AttributeError):
        pass
    return {
        "cpu_model": model.group(1).strip() if model else "unknown",
        "cores": os.cpu_count(),
        "mem_total_gib": round(mem / 1024 / 1024, 1),
        "kernel": sh(["uname", "-r"]),
        "mpirun": sh(["mpirun", "--version"]).splitlines()[0] if sh(["mpirun", "--version"]) else "unknown",
    }


def git_info():
    commit = sh(["git", "rev-parse", "HEAD"])
    dirty = sh(["git", "status", "--porcelain", "--untracked-files=no"]) != ""
    return {"commit": commit or "unknown", "dirty": dirty}


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return -1.0


def parse_kv(text):
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", text)}


def parse_logs(logs_dir):
    """The per-rank "bench:" lines written at the end of model/app/run_command.cpp."""
    ranks = []
    for log in sorted(logs_dir.glob("rank-*.log"), key=lambda p: int(re.search(r"(\d+)", p.name).group(1))):
        rank = {"traffic": {}}
        for line in log.read_text().splitlines():
            if "bench: rank " in line:
                rank.update({k: float(v) for k, v in parse_kv(line.split("bench: rank ", 1)[1]).items()})
            elif "bench: phases" in line:
                rank["phases"] = {k: float(v) for k, v in parse_kv(line.split("bench: phases", 1)[1]).items()}
            elif "bench: traffic " in line:
                kv = parse_kv(line.split("bench: traffic ", 1)[1])
                kind = kv.pop("kind")
                rank["traffic"][kind] = {k: float(v) for k, v in kv.items()}
        if "ticks" not in rank:
            raise RuntimeError(f"{log}: no 'bench: rank' line (was the binary built from this branch?)")
        ranks.append(rank)
    return ranks


def parse_time_v(text):
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    seconds = 0.0
    if wall:
        for part in wall.group(1).split(":"):
            seconds = seconds * 60 + float(part)
    return {"wall_s": seconds, "max_rss_kb": int(rss.group(1)) if rss else 0}


def one_run(args, ranks, households_per_rank, run_dir):
    sets = list(args.set)
    if households_per_rank:
        sets.append(f"households.count={households_per_rank * ranks}")
    cmd = ["/usr/bin/time", "-v", "mpirun", "-np", str(ranks)]
    cmd += [args.binary, "run", args.config, "-o", str(run_dir), "--overwrite", "--no-progress"]
    for s in sets:
        cmd += ["--set", s]
    env = dict(os.environ, **MPI_ENV)
    load_before = loadavg()
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    load_after = loadavg()
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise RuntimeError(f"run failed ({proc.returncode}): {' '.join(cmd)}")
    (run_dir / "time-v.txt").write_text(proc.stderr)
    timing = parse_time_v(proc.stderr)
    return derive(run_dir, ranks, " ".join(cmd[2:]), started, load_before, load_after, timing)


def derive(run_dir, ranks, command, started, load_before, load_after, timing):
    """Every figure of one run, from its run directory and the GNU time output."""
    manifest = json.loads((run_dir / "manifest.json").read_text())
    phases = manifest["phase_wall_seconds"]
    per_rank = parse_logs(run_dir / "logs")
    ticks = int(per_rank[0]["ticks"])
    households = int(sum(r["households"] for r in per_rank))
    setup_s = phases["setup"]
    ticks_s = max(r["ticks_s"] for r in per_rank)  # wall of the tick loop, slowest rank
    output_s = phases.get("output", 0.0)
    comm = {}
    for kind in sorted({k for r in per_rank for k in r["traffic"]}):
        rows = [r["traffic"].get(kind, {}) for r in per_rank]
        tot = lambda key: sum(row.get(key, 0.0) for row in rows)
        comm[kind] = {
            "messages_per_tick": tot("messages") / ticks,
            "messages_remote_per_tick": tot("messages_remote") / ticks,
            "bytes_sent_per_tick": tot("bytes_sent") / ticks,
            "bytes_sent_per_tick_max_rank": max(row.get("bytes_sent", 0.0) for row in rows) / ticks,
            "bytes_received_per_tick_max_rank": max(row.get("bytes_received", 0.0) for row in rows) / ticks,
            "seconds_max_rank": max(row.get("seconds", 0.0) for row in rows),
        }
    exch = [k for k in comm if k in EXCHANGE_KINDS]
    comm_seconds = [sum(r["traffic"][k].get("seconds", 0.0) for k in r["traffic"]) for r in per_rank]
    rss = [r["peak_rss_kb"] for r in per_rank]
    # Compute time per rank: tick loop minus time inside MPI (waiting included),
    # so max/mean shows the load imbalance.
    compute = [r["ticks_s"] - c for r, c in zip(per_rank, comm_seconds)]
    # On a shared machine a rank may not get its core: estimate the CPU each
    # rank needed for its own work as its tick CPU minus the CPU it spent
    # polling inside MPI (MPI wall time x the rank's CPU/wall ratio). An
    # estimate for a machine with one free core per rank, not a measurement.
    compute_cpu = []
    for r, c in zip(per_rank, comm_seconds):
        share = r.get("ticks_cpu_s", 0.0) / r["ticks_s"] if r["ticks_s"] > 0 else 0.0
        compute_cpu.append(max(0.0, r.get("ticks_cpu_s", 0.0) - c * share))
    result = {
        "ranks": ranks,
        "started_utc": started,
        "command": command,
        "run_dir": str(run_dir),
        "households": households,
        "companies": int(sum(r["companies"] for r in per_rank)),
        "ticks": ticks,
        "load_before": load_before,
        "load_after": load_after,
        "wall_s": timing["wall_s"],
        "setup_s": setup_s,
        "ticks_s": ticks_s,
        "output_s": output_s,
        "startup_teardown_s": max(0.0, timing["wall_s"] - setup_s - ticks_s - output_s),
        "phase_wall_s": {p: phases.get(p, 0.0) for p in TICK_PHASES},
        "phase_s_per_rank": [r.get("phases", {}) for r in per_rank],
        "ticks_cpu_s_per_rank": [r.get("ticks_cpu_s", 0.0) for r in per_rank],
        "agent_ticks_per_s_per_rank": households * ticks / ticks_s / ranks if ticks_s > 0 else 0.0,
        "exchange_messages_per_tick": sum(comm[k]["messages_per_tick"] for k in exch),
        "exchange_messages_remote_per_tick": sum(comm[k]["messages_remote_per_tick"] for k in exch),
        "bytes_sent_per_tick": sum(c["bytes_sent_per_tick"] for c in comm.values()),
        "bytes_sent_per_tick_per_rank_max": max(
            sum(r["traffic"][k].get("bytes_sent", 0.0) for k in r["traffic"]) for r in per_rank) / ticks,
        "bytes_received_per_tick_per_rank_max": max(
            sum(r["traffic"][k].get("bytes_received", 0.0) for k in r["traffic"]) for r in per_rank) / ticks,
        "comm_s_per_rank": comm_seconds,
        "compute_s_per_rank": compute,
        "compute_cpu_s_est_per_rank": compute_cpu,
        "imbalance": max(compute) / statistics.mean(compute) if statistics.mean(compute) > 0 else 1.0,
        "comm_s_max_rank": max(comm_seconds),
        "comm_s_mean_rank": statistics.mean(comm_seconds),
        "traffic": comm,
        "peak_rss_kb_per_rank": rss,
        "peak_rss_kb_max_rank": max(rss),
        "peak_rss_kb_sum": sum(rss),
        "time_v_max_rss_kb": timing["max_rss_kb"],
        "bytes_per_household": sum(rss) * 1024 / households if households else 0.0,
    }
    return result


def fmt_mib(kb):
    return f"{kb / 1024:.0f}"


def est_speedup(c1, r, mode):
    cmax = max(r["compute_cpu_s_est_per_rank"])
    if not c1 or cmax <= 0:
        return "-"
    return f"{c1 / cmax:.2f}" if mode == "strong" else f"eff. {c1 / cmax:.2f}"


def table(results, mode):
    t1 = next((r["ticks_s"] for r in results if r["ranks"] == 1), None)
    c1 = next((max(r["compute_cpu_s_est_per_rank"]) for r in results if r["ranks"] == 1), None)
    head = ("| ranks | households | wall s | start-up s | set-up s | ticks s | output s | "
            "agent-ticks/s/rank | speed-up | efficiency | msgs/tick | remote msgs/tick | "
            "bytes sent/tick (all ranks) | max bytes sent/tick/rank | MPI s (max rank) | "
            "peak RSS/rank MiB (max) | bytes/household | load avg | est. compute CPU s (max rank) | "
            "est. speed-up, a free core per rank |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        speedup = t1 / r["ticks_s"] if t1 and r["ticks_s"] > 0 else float("nan")
        if mode == "weak":
            eff = speedup  # same work per rank: ideal time stays T1
            speedup_text = "-"
        else:
            eff = speedup / r["ranks"]
            speedup_text = f"{speedup:.2f}"
        lines.append(
            f"| {r['ranks']} | {r['households']:,} | {r['wall_s']:.1f} | {r['startup_teardown_s']:.1f} | "
            f"{r['setup_s']:.1f} | {r['ticks_s']:.1f} | {r['output_s']:.2f} | "
            f"{r['agent_ticks_per_s_per_rank']:.3g} | {speedup_text} | {eff:.2f} | "
            f"{r['exchange_messages_per_tick']:,.0f} | {r['exchange_messages_remote_per_tick']:,.0f} | "
            f"{r['bytes_sent_per_tick']:,.0f} | {r['bytes_sent_per_tick_per_rank_max']:,.0f} | "
            f"{r['comm_s_max_rank']:.1f} | {fmt_mib(r['peak_rss_kb_max_rank'])} | "
            f"{r['bytes_per_household']:.0f} | {r['load_before']:.1f}/{r['load_after']:.1f} | "
            f"{max(r['compute_cpu_s_est_per_rank']):.1f} | {est_speedup(c1, r, mode)} |")
    return "\n".join(lines)


def traffic_table(results):
    kinds = sorted({k for r in results for k in r["traffic"]})
    head = "| ranks | " + " | ".join(kinds) + " |"
    lines = ["Bytes sent to other ranks per tick, all ranks together, by kind:", "", head,
             "|" + "---|" * (len(kinds) + 1)]
    for r in results:
        cells = [f"{r['traffic'].get(k, {}).get('bytes_sent_per_tick', 0):,.0f}" for k in kinds]
        lines.append(f"| {r['ranks']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def phase_table(results):
    head = ("| ranks | " + " | ".join(TICK_PHASES) +
            " | compute s per rank | MPI s per rank | imbalance (max/mean compute) | ticks CPU s per rank |")
    lines = ["Tick phases, wall seconds (slowest rank per phase, from manifest.json); per rank: tick loop "
             "minus time in MPI (compute), time in MPI (waiting included), CPU seconds (busy polling included):",
             "", head, "|" + "---|" * (len(TICK_PHASES) + 5)]
    per = lambda xs: "/".join(f"{x:.1f}" for x in xs)
    for r in results:
        cells = [f"{r['phase_wall_s'][p]:.2f}" for p in TICK_PHASES]
        lines.append(f"| {r['ranks']} | " + " | ".join(cells) + f" | {per(r['compute_s_per_rank'])} | "
                     f"{per(r['comm_s_per_rank'])} | {r['imbalance']:.2f} | {per(r['ticks_cpu_s_per_rank'])} |")
    return "\n".join(lines)


def write_report(out, info):
    (out / "results.json").write_text(json.dumps(info, indent=2) + "\n")
    results, mode, label = info["runs"], info["mode"], info["label"]
    md = [f"### {label} ({mode} scaling)", "",
          f"`{info['command']}` at commit `{info['git']['commit'][:12]}`"
          f"{' (uncommitted changes)' if info['git']['dirty'] else ''}; {info['machine']['cpu_model']}, "
          f"{info['machine']['cores']} cores, {info['machine']['mem_total_gib']} GiB.", "",
          table(results, mode), "", phase_table(results), "", traffic_table(results), ""]
    text = "\n".join(md)
    (out / "results.md").write_text(text)
    print(text)


def rederive(out):
    info = json.loads((out / "results.json").read_text())
    runs = []
    for r in info["runs"]:
        timing = {"wall_s": r["wall_s"], "max_rss_kb": r["time_v_max_rss_kb"]}
        d = derive(Path(r["run_dir"]), r["ranks"], r["command"], r["started_utc"], r["load_before"],
                   r["load_after"], timing)
        for key in ("repeat", "other_ticks_s"):
            if key in r:
                d[key] = r[key]
        runs.append(d)
    info["runs"] = runs
    write_report(out, info)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", help="scenario YAML (required unless --rederive)")
    ap.add_argument("--ranks", default="1,2", help="comma-separated MPI rank counts (default 1,2)")
    ap.add_argument("--set", action="append", default=[], help="config override key.path=value (repeatable)")
    ap.add_argument("--weak", type=int, default=0, metavar="N",
                    help="weak scaling: households.count = N x ranks (default: strong scaling, config as is)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per rank count; the fastest tick loop is reported")
    ap.add_argument("--binary", default="build/release/bin/ketensim", help="ketensim binary")
    ap.add_argument("--out", default="out/bench", help="output folder (default out/bench, git-ignored)")
    ap.add_argument("--label", default=None, help="name of this benchmark (default: config name + mode)")
    ap.add_argument("--keep-runs", action="store_true", help="keep the run directories (default: logs and manifest only)")
    ap.add_argument("--rederive", action="store_true",
                    help="do not run: recompute the figures and tables of OUT/LABEL from its run directories")
    args = ap.parse_args()
    if args.rederive:
        if not args.label and not args.config:
            ap.error("--rederive needs --label (or the --config and --weak of the original run)")
        rederive(Path(args.out) / (args.label or f"{Path(args.config).stem}-{'weak' if args.weak else 'strong'}"))
        return
    if not args.config:
        ap.error("--config is required")

    if not Path(args.binary).exists():
        ap.error(f"{args.binary} not found; build first: cmake --preset release && cmake --build --preset release")
    if not Path("/usr/bin/time").exists():
        ap.error("/usr/bin/time (GNU time) is needed: apt-get install time")
    ranks_list = [int(x) for x in args.ranks.split(",") if x]
    mode = "weak" if args.weak else "strong"
    label = args.label or f"{Path(args.config).stem}-{mode}"
    out = Path(args.out) / label
    out.mkdir(parents=True, exist_ok=True)

    git = git_info()  # before the runs: the state the binary was measured at
    results = []
    for ranks in ranks_list:
        best = None
        for i in range(args.repeat):
            run_dir = out / f"np{ranks}-{i}"
            print(f"[macro] {label}: {ranks} rank(s), run {i + 1}/{args.repeat} ...", file=sys.stderr, flush=True)
            r = one_run(args, ranks, args.weak, run_dir)
            print(f"[macro]   wall {r['wall_s']:.1f} s, ticks {r['ticks_s']:.1f} s, peak RSS/rank "
                  f"{fmt_mib(r['peak_rss_kb_max_rank'])} MiB, load {r['load_before']:.1f}",
                  file=sys.stderr, flush=True)
            r["repeat"] = i
            if not args.keep_runs:
                ts = run_dir / "timeseries.csv"
                if ts.exists():
                    ts.unlink()
            if best is None or r["ticks_s"] < best["ticks_s"]:
                if best is not None:
                    r["other_ticks_s"] = best.get("other_ticks_s", []) + [best["ticks_s"]]
                best = r
            else:
                best.setdefault("other_ticks_s", []).append(r["ticks_s"])
        results.append(best)

    info = {"label": label, "mode": mode, "config": args.config, "sets": args.set, "weak_households_per_rank": args.weak,
            "git": git, "machine": machine_info(),
            "command": "/usr/bin/python3 " + " ".join([sys.argv[0]] + sys.argv[1:]), "runs": results}
    write_report(out, info)


if __name__ == "__main__":
    main()
