"""Finding run directories below the given paths, reading their manifests, and checking that
the runs can be compared (same model version, same horizon, replicates paired by seed)."""
from __future__ import annotations

import json
import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple


class ReportError(Exception):
    """Bad input: a clear message and exit code 2."""


@dataclass
class Run:
    path: Path
    manifest: dict
    scenario: str
    seed: int
    status: str
    version: str
    commit: str
    start: str
    end: str
    config_path: str
    description: str
    overrides: List[str] = field(default_factory=list)

    @property
    def model_version(self) -> str:
        return f"{self.version} ({self.commit})"

    @property
    def horizon(self) -> str:
        return f"{self.start} to {self.end}"


def _overrides(command_line: str) -> List[str]:
    """The --set key=value arguments of the recorded command line."""
    try:
        tokens = shlex.split(command_line or "")
    except ValueError:
        tokens = (command_line or "").split()
    out, taking = [], False
    for tok in tokens:
        if tok.startswith("--set="):
            out.append(tok[len("--set="):])
            taking = True
        elif tok == "--set":
            taking = True
        elif tok.startswith("-"):
            taking = False
        elif taking:
            out.append(tok)
    return out


def read_run(path: Path) -> Run:
    mpath = path / "manifest.json"
    try:
        with open(mpath, encoding="utf-8") as f:
            m = json.load(f)
    except (OSError, ValueError) as e:
        raise ReportError(f"{mpath}: cannot read the manifest: {e}") from e
    if not isinstance(m, dict):
        raise ReportError(f"{mpath}: not a KetenSim manifest (not a JSON object)")
    cfg = m.get("config") or {}
    prog = m.get("program") or {}
    time = cfg.get("time") or {}
    missing = [k for k, v in (("config.name", cfg.get("name")), ("seed", m.get("seed")),
                              ("config.time.start", time.get("start")),
                              ("config.time.end", time.get("end"))) if v in (None, "")]
    if missing:
        raise ReportError(f"{mpath}: not a KetenSim run manifest (missing {', '.join(missing)})")
    # A run of a sweep is named by its sweep scenario (several sweep scenarios may
    # share one config and so one config name), with the sweep's overrides.
    sweep = m.get("sweep") if isinstance(m.get("sweep"), dict) else {}
    scenario = str(sweep.get("scenario") or cfg["name"])
    overrides = ([o for o in sweep.get("overrides", []) if not str(o).startswith("seed=")]
                 if sweep else _overrides(str(m.get("command_line", ""))))
    return Run(path=path, manifest=m, scenario=scenario, seed=int(m["seed"]),
               status=str(m.get("status", "unknown")), version=str(prog.get("version", "unknown")),
               commit=str(prog.get("git_commit", "unknown")), start=str(time["start"]),
               end=str(time["end"]), config_path=str(m.get("config_path", "")),
               description=str(cfg.get("description", "")),
               overrides=overrides)


def discover(paths: List[str]) -> Tuple[List[Run], List[Path], List[Path]]:
    """Every run directory (manifest.json + timeseries.csv) at or below the paths, sorted.
    Returns (runs, sweep.json files, manifest directories without a time series)."""
    runs: Dict[Path, Run] = {}
    sweeps, partial = [], []
    for given in paths:
        p = Path(given)
        if not p.exists():
            raise ReportError(f"{given}: no such file or directory")
        if not p.is_dir():
            raise ReportError(f"{given}: not a directory (give run directories or a sweep directory)")
        found = 0
        for root, dirs, files in os.walk(p, followlinks=False):
            here = Path(root)
            dirs.sort()
            if "sweep.json" in files:
                sweeps.append(here / "sweep.json")
            if "manifest.json" in files:
                dirs[:] = []  # a run directory: do not descend into logs/
                if "timeseries.csv" in files:
                    key = here.resolve()
                    if key not in runs:
                        runs[key] = read_run(here)
                    found += 1
                else:
                    partial.append(here)
        if found == 0:
            raise ReportError(
                f"{given}: not a run directory and no run directory below it "
                "(a run directory has manifest.json and timeseries.csv, as written by `ketensim run`)")
    ordered = sorted(runs.values(), key=lambda r: (r.scenario, r.seed, str(r.path)))
    return ordered, sweeps, partial


@dataclass
class RunSet:
    runs: List[Run]
    scenarios: Dict[str, List[Run]]
    baseline: str
    no_subsidy: Optional[str]
    warnings: List[str]
    sweeps: List[Path]

    @property
    def single_replicate(self) -> List[str]:
        return [s for s, rs in self.scenarios.items() if len(rs) < 2]


def default_baseline(names: List[str]) -> str:
    for preferred in ("npce2025", "laptop"):
        if preferred in names:
            return preferred
    return sorted(names)[0]


def validate(runs: List[Run], sweeps: List[Path], partial: List[Path], baseline: Optional[str],
             no_subsidy: Optional[str], force: bool) -> RunSet:
    warnings: List[str] = []
    problems: List[str] = []  # refused unless --force

    for p in partial:
        warnings.append(f"{p}: manifest.json without timeseries.csv, skipped")
    incomplete = [r for r in runs if r.status != "complete"]
    if incomplete:
        listing = "; ".join(f"{r.path} (status {r.status})" for r in incomplete)
        problems.append(f"runs not complete: {listing}")
        runs = [r for r in runs if r.status == "complete"]
        if not runs:
            raise ReportError(f"no complete run to report on: {listing}")

    versions = sorted({r.model_version for r in runs})
    if len(versions) > 1:
        per = "; ".join(f"{v}: " + ", ".join(str(r.path) for r in runs if r.model_version == v)[:300]
                        for v in versions)
        problems.append(f"runs of different model versions ({per})")
    horizons = sorted({r.horizon for r in runs})
    if len(horizons) > 1:
        per = "; ".join(f"{h}: " + ", ".join(str(r.path) for r in runs if r.horizon == h)[:300]
                        for h in horizons)
        problems.append(f"runs with different horizons ({per})")

    scenarios: Dict[str, List[Run]] = {}
    for r in runs:
        scenarios.setdefault(r.scenario, []).append(r)
    for name, rs in scenarios.items():
        seen: Dict[int, Run] = {}
        keep = []
        for r in rs:
            if r.seed in seen:
                problems.append(f"scenario '{name}' has two runs with seed {r.seed}: {seen[r.seed].path} "
                                f"and {r.path} (the first is used)")
                continue
            seen[r.seed] = r
            keep.append(r)
        scenarios[name] = keep
    names = sorted(scenarios)

    if baseline is None:
        baseline = default_baseline(names)
    elif baseline not in scenarios:
        raise ReportError(f"baseline scenario '{baseline}' not found among the runs; scenarios found: "
                          f"{', '.join(names)} (choose one with --baseline NAME)")
    if no_subsidy is not None and no_subsidy not in scenarios:
        raise ReportError(f"no-subsidy scenario '{no_subsidy}' not found among the runs; scenarios found: "
                          f"{', '.join(names)}")

    single = [s for s in names if len(scenarios[s]) < 2]
    if single:
        problems.append("scenario(s) with one replicate, so no interval can be given: "
                        + ", ".join(single) + " (with --force the report gives the mean only)")

    base_seeds = {r.seed for r in scenarios[baseline]}
    for name in names:
        seeds = {r.seed for r in scenarios[name]}
        if name != baseline and seeds != base_seeds:
            common = len(seeds & base_seeds)
            warnings.append(f"scenario '{name}' and the baseline '{baseline}' share {common} of their seeds "
                            f"({len(seeds)} and {len(base_seeds)} replicates): differences are paired "
                            f"over the shared seeds only")

    if problems:
        if not force:
            raise ReportError("refusing to compare these runs (use --force to report anyway):\n  - "
                              + "\n  - ".join(problems))
        warnings.extend("--force: " + p for p in problems)
    return RunSet(runs=[r for s in names for r in scenarios[s]], scenarios={s: scenarios[s] for s in names},
                  baseline=baseline, no_subsidy=no_subsidy, warnings=warnings, sweeps=sweeps)


def config_header(run: Run, source_dir: Path) -> Tuple[Optional[Path], str]:
    """The leading comment block of the scenario's config file, if the file can be found."""
    cp = run.config_path
    if not cp:
        return None, ""
    candidates = []
    p = Path(cp)
    if p.is_absolute():
        candidates.append(p)
    else:
        candidates.append(Path.cwd() / p)
        candidates.append(source_dir / p)
        for parent in run.path.resolve().parents:
            candidates.append(parent / p)
    for c in candidates:
        if c.is_file():
            try:
                lines = c.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
            block = []
            for line in lines:
                s = line.strip()
                if s.startswith("#"):
                    block.append(s.lstrip("#").strip())
                elif s == "" and block:
                    block.append("")
                elif s == "":
                    continue
                else:
                    break
            return c, "\n".join(block).strip()
    return None, ""
