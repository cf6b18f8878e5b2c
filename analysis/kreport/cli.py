"""Command line of the report tool: `ketensim report RUN_OR_SWEEP_DIR... -o REPORT_DIR`."""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import List

from .runs import ReportError, discover, validate

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2

OUTPUT_FILES = ["summary.csv", "summary.md", "goals.csv", "cost_effectiveness.csv", "ranking.csv",
                "report.html"]


def _years(text: str) -> List[int]:
    try:
        years = sorted({int(y) for y in text.split(",") if y.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a comma-separated list of years")
    if not years:
        raise argparse.ArgumentTypeError("no year given")
    return years


def _level(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number")
    if not 0.5 <= v < 1.0:
        raise argparse.ArgumentTypeError("the interval level must be in [0.5, 1), e.g. 0.90")
    return v


def _positive(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number")
    if not (v > 0 and math.isfinite(v)):
        raise argparse.ArgumentTypeError("must be a positive number")
    return v


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ketensim report",
        description="Compare KetenSim runs: per scenario and indicator the mean over replicates "
                    "with a t interval, paired differences to a baseline, NPCE goal attainment, "
                    "cost-effectiveness, side effects, figures and a self-contained report.html. "
                    "Also runs as `python3 analysis/ketensim_report.py ...`.",
        epilog="Exit codes: 0 report written; 2 bad input (not a run directory, incompatible runs, "
               "a scenario with one replicate, unknown baseline, existing report directory, missing "
               "Python packages); 1 unexpected failure.")
    p.add_argument("inputs", nargs="+", metavar="RUN_OR_SWEEP_DIR",
                   help="run directories, or any directories below which run directories are "
                        "found (a sweep: OUT_DIR/<scenario>/rep-<k>/)")
    p.add_argument("-o", "--output", required=True, metavar="REPORT_DIR",
                   help="directory to write summary.csv, summary.md, report.html and the figures to")
    p.add_argument("--baseline", metavar="NAME",
                   help="scenario the others are compared with (default: npce2025, else laptop, "
                        "else the first alphabetically)")
    p.add_argument("--no-subsidy", metavar="NAME",
                   help="scenario that is the no-subsidy counterpart (same seeds, no subsidy): "
                        "enables deadweight")
    p.add_argument("--years", type=_years, default=[2030, 2035, 2050], metavar="Y1,Y2,...",
                   help="report years (December rows; default 2030,2035,2050; years outside the "
                        "horizon are left out)")
    p.add_argument("--level", type=_level, default=0.90,
                   help="confidence level of the intervals (default 0.90)")
    p.add_argument("--raw-material-2016-factor", type=_positive, default=1.0, metavar="F",
                   help="raw-material use of the first simulated year relative to 2016 (default 1.0: "
                        "assumed equal); the index is yearly use / first-year use x F")
    p.add_argument("--primary-material-2016-factor", type=_positive, default=1.0, metavar="F",
                   help="the same for primary material (default 1.0)")
    p.add_argument("--force", action="store_true",
                   help="report anyway on runs of different model versions or horizons, incomplete "
                        "runs (left out), duplicate seeds (first kept) and scenarios with one "
                        "replicate (mean only)")
    p.add_argument("--overwrite", action="store_true",
                   help="write into an existing, non-empty REPORT_DIR (replaces the report's files only)")
    p.add_argument("--no-figures", action="store_true",
                   help="tables only (faster): no PNG/SVG figures, none in report.html")
    p.add_argument("-q", "--quiet", action="store_true", help="print only warnings and errors")
    return p


def _say(quiet: bool, text: str):
    if not quiet:
        print(f"ketensim report: {text}", flush=True)


def main(argv: List[str]) -> int:
    args = parser().parse_args(argv)
    try:
        return _run(args, argv)
    except ReportError as e:
        print(f"ketensim report: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _run(args, argv) -> int:
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise ReportError(f"{out}: exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not args.overwrite:
        raise ReportError(f"{out}: exists and is not empty (use --overwrite to replace the report in it)")

    runs, sweeps, partial = discover(args.inputs)
    runset = validate(runs, sweeps, partial, args.baseline, args.no_subsidy, args.force)
    for w in runset.warnings:
        print(f"ketensim report: warning: {w}", file=sys.stderr)
    _say(args.quiet, f"{len(runset.runs)} runs, scenarios: "
         + ", ".join(f"{s} ({len(r)})" for s, r in runset.scenarios.items())
         + f"; baseline {runset.baseline}")

    # Imported only now, so that --help and input errors are fast (pandas takes a second).
    from . import document, render, tables

    factors = {"raw_material_index": args.raw_material_2016_factor,
               "primary_material_index": args.primary_material_2016_factor}
    data = tables.load(runset, args.years, factors, args.level)
    warnings = list(runset.warnings)
    if data.years_skipped:
        w = (f"report years {', '.join(map(str, data.years_skipped))} are outside the simulated "
             f"horizon and left out")
        warnings.append(w)
        print(f"ketensim report: warning: {w}", file=sys.stderr)
    for s in runset.single_replicate:
        warnings.append(f"scenario '{s}' has one replicate: mean only, no interval")

    summary = tables.summary(data)
    goals = tables.goal_table(data)
    cost = tables.cost_effectiveness(data)
    rank = tables.ranking(data)

    out.mkdir(parents=True, exist_ok=True)
    summary.to_csv(out / "summary.csv", index=False, float_format="%.10g")
    goals.to_csv(out / "goals.csv", index=False, float_format="%.10g")
    cost.to_csv(out / "cost_effectiveness.csv", index=False, float_format="%.10g")
    rank.to_csv(out / "ranking.csv", index=False, float_format="%.10g")
    figs = []
    if not args.no_figures:
        from . import figures  # matplotlib

        figs = figures.make_all(data, out)
    source_dir = Path(__file__).resolve().parent.parent.parent
    doc = document.build(data, goals, cost, rank, figs, warnings, source_dir, ["ketensim report"] + argv)
    (out / "summary.md").write_text(render.to_markdown(doc), encoding="utf-8")
    (out / "report.html").write_text(render.to_html(doc), encoding="utf-8")
    _say(args.quiet, f"report written: {out}/report.html (summary.csv, summary.md, goals.csv, "
         f"cost_effectiveness.csv, ranking.csv, {len(figs)} figures as PNG and SVG)")
    return EXIT_OK

