#!/usr/bin/python3
"""Morris elementary-effects screening of KetenSim's assumed parameters (docs/ODD.md 7.14).

Which assumed (A) parameters move the model's headline indicators, and which
hardly matter? The method of Morris (1991) with the mu* measure of Campolongo,
Cariboni and Saltelli (2007): r trajectories through a p-level grid of the unit
cube; along a trajectory one parameter at a time moves by Delta = p / (2 (p - 1)),
giving one elementary effect EE_i = (y(x + Delta e_i) - y(x)) / Delta per
parameter and trajectory, in units of the output per full parameter range.
Reported per output and parameter: mu* = mean |EE| (importance), mu = mean EE
(sign), sigma = standard deviation of EE (non-linearity or interactions).

  source .ci/env.sh   # as root: lets Open MPI run
  /usr/bin/python3 analysis/morris.py configs/laptop.yaml --trajectories 10 \\
      --end 2030-12 --households 4000 [--param key=low:high ...] [--seed 1]

Without --param the default set below is screened (each range is stated with
the parameter's default). Outputs are the NL row of timeseries.csv in the end
month (--output COLUMN, repeatable). Every run uses the same model seed, so
the effects are not confounded with sampling noise between runs. Writes
morris.csv (one row per output and parameter) and morris.md (tables sorted by
mu*) to --out (default out/morris); run directories go below it. Standard
library only.
"""
import argparse
import csv
import os
import random
import statistics
import subprocess
import sys

# Assumed parameters (tag A in configs/npce2025.yaml) and the screened range:
# about half to one and a half times the default, within the schema's bounds.
DEFAULT_PARAMS = (
    ("companies.w_economic", 0.5, 1.5),          # default 1.0
    ("companies.w_social", 0.05, 0.3),           # default 0.15
    ("companies.beta", 5.0, 20.0),               # default 10
    ("companies.threshold_mean", 0.15, 0.45),    # default 0.3
    ("companies.circular_premium", 0.015, 0.045),  # default 0.03
    ("eu.credence_initial", 0.1, 0.6),           # default 0.3
    ("households.logit_temperature", 0.075, 0.225),  # default 0.15
    ("households.collection_effort_eur", 7.5, 22.5),  # default 15
    ("markets.recycling_cost_share", 0.15, 0.45),  # default 0.3
    ("markets.recyclate_price_floor", 0.4, 1.0),  # default 0.8
)
DEFAULT_OUTPUTS = ("adoption_share_firms", "secondary_bio_share", "raw_material_index",
                   "recycling_rate", "exits_recycler_cumulative")


def trajectories(k, r, levels, rng):
    """r Morris trajectories of k + 1 points each in the grid {0, 1/(p-1), ..., 1}^k.

    Each starts at a random grid point whose coordinates can all move by Delta
    without leaving [0, 1] in one direction; the parameters move one at a time in
    a random order, up by Delta from the lower half of the grid, down from the
    upper half. Returns a list of (points, order): points[j + 1] differs from
    points[j] only in parameter order[j].
    """
    if levels < 2 or levels % 2:
        raise ValueError(f"levels must be even and at least 2 (got {levels})")
    step = 1.0 / (levels - 1)
    delta = levels / (2.0 * (levels - 1))
    grid = [j * step for j in range(levels)]
    out = []
    for _ in range(r):
        x = [rng.choice(grid) for _ in range(k)]
        order = list(range(k))
        rng.shuffle(order)
        points = [list(x)]
        for i in order:
            x[i] = x[i] + delta if x[i] + delta <= 1.0 + 1e-12 else x[i] - delta
            x[i] = min(1.0, max(0.0, round(x[i] / step) * step))
            points.append(list(x))
        out.append((points, order))
    return out


def elementary_effects(design, values, levels):
    """EE per parameter from the outputs `values[t][j]` at design[t][0][j].

    Returns {parameter index: [EE per trajectory]}, in output units per full range.
    """
    delta = levels / (2.0 * (levels - 1))
    effects = {}
    for (points, order), ys in zip(design, values):
        for j, i in enumerate(order):
            moved = points[j + 1][i] - points[j][i]
            up = 1.0 if moved > 0 else -1.0
            effects.setdefault(i, []).append(up * (ys[j + 1] - ys[j]) / delta)
    return effects


def summarise(effects):
    """(mu*, mu, sigma) of a list of elementary effects."""
    mu_star = statistics.fmean(abs(e) for e in effects)
    mu = statistics.fmean(effects)
    sigma = statistics.stdev(effects) if len(effects) > 1 else 0.0
    return mu_star, mu, sigma


def parse_param(text):
    try:
        key, span = text.split("=", 1)
        low, high = (float(v) for v in span.split(":"))
    except ValueError:
        raise SystemExit(f"morris.py: --param {text!r}: expected key=low:high, e.g. companies.beta=5:20")
    if not high > low:
        raise SystemExit(f"morris.py: --param {text!r}: high must be above low")
    return key, low, high


def read_outputs(run_dir, end, outputs):
    path = os.path.join(run_dir, "timeseries.csv")
    with open(path) as f:
        rows = [r for r in csv.DictReader(f) if r["product_group"] == "NL"]
    last = [r for r in rows if r["month"] == end]
    if not last:
        raise SystemExit(f"morris.py: {path} has no NL row for {end}")
    values = []
    for name in outputs:
        if name == "exits_recycler_cumulative":
            values.append(sum(float(r["exits_recycler"]) for r in rows))
        elif name not in last[0]:
            raise SystemExit(f"morris.py: {path}: no column {name!r} (see docs/OUTPUTS.md)")
        else:
            values.append(float(last[0][name]) if last[0][name] else float("nan"))
    return values


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("config")
    ap.add_argument("--param", action="append", default=[], help="key=low:high (repeatable); default: the set in this file")
    ap.add_argument("--output", action="append", default=[], help="timeseries.csv column of the NL row (repeatable)")
    ap.add_argument("--trajectories", type=int, default=10)
    ap.add_argument("--levels", type=int, default=4)
    ap.add_argument("--design-seed", type=int, default=1, help="seed of the trajectories")
    ap.add_argument("--seed", type=int, default=1, help="model seed, the same for every run")
    ap.add_argument("--end", default="2030-12")
    ap.add_argument("--households", type=int, default=4000)
    ap.add_argument("--set", action="append", default=[], help="extra override key=value for every run")
    ap.add_argument("--binary", default=os.environ.get("KETENSIM_BIN", "build/release/bin/ketensim"))
    ap.add_argument("--mpiexec", default="mpirun")
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--out", default="out/morris")
    a = ap.parse_args(argv)
    if a.trajectories < 2:
        raise SystemExit("morris.py: --trajectories must be at least 2 (sigma needs two effects)")
    params = [parse_param(p) for p in a.param] if a.param else list(DEFAULT_PARAMS)
    outputs = a.output or list(DEFAULT_OUTPUTS)
    design = trajectories(len(params), a.trajectories, a.levels, random.Random(a.design_seed))
    os.makedirs(a.out, exist_ok=True)
    total = len(design) * (len(params) + 1)
    values = []
    done = 0
    for t, (points, _) in enumerate(design):
        ys = []
        for j, x in enumerate(points):
            run_dir = os.path.join(a.out, "runs", f"t{t:02d}-p{j:02d}")
            sets = [f"households.count={a.households}", f"time.end={a.end}", *a.set]
            sets += [f"{key}={low + u * (high - low):.6g}" for (key, low, high), u in zip(params, x)]
            cmd = [a.mpiexec, "-np", str(a.ranks), a.binary, "run", a.config, "-o", run_dir, "--overwrite",
                   "--no-progress", "--log-level", "warn", "--seed", str(a.seed)]
            for kv in sets:
                cmd += ["--set", kv]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            ys.append(read_outputs(run_dir, a.end, outputs))
            done += 1
            print(f"morris.py: run {done}/{total}", file=sys.stderr, flush=True)
        values.append(ys)
    rows = []
    for o, name in enumerate(outputs):
        effects = elementary_effects(design, [[y[o] for y in ys] for ys in values], a.levels)
        for i, (key, low, high) in enumerate(params):
            mu_star, mu, sigma = summarise(effects[i])
            rows.append({"output": name, "parameter": key, "low": low, "high": high,
                         "mu_star": mu_star, "mu": mu, "sigma": sigma, "effects": len(effects[i])})
    with open(os.path.join(a.out, "morris.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    lines = [f"# Morris screening of {a.config}", "",
             f"{a.trajectories} trajectories, {a.levels} levels, {total} runs; {a.households} household "
             f"agents, seed {a.seed}, to {a.end}; effects per full parameter range.", ""]
    for name in outputs:
        lines += [f"## {name} ({a.end}, NL)", "", "| parameter | range | mu* | mu | sigma |", "|---|---|---|---|---|"]
        for r in sorted((r for r in rows if r["output"] == name), key=lambda r: -r["mu_star"]):
            lines.append(f"| `{r['parameter']}` | {r['low']:g} - {r['high']:g} | {r['mu_star']:.4g} | "
                         f"{r['mu']:.4g} | {r['sigma']:.4g} |")
        lines.append("")
    with open(os.path.join(a.out, "morris.md"), "w") as f:
        f.write("\n".join(lines))
    print(f"morris.py: {os.path.join(a.out, 'morris.md')}")


if __name__ == "__main__":
    main()
