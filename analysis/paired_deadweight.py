#!/usr/bin/python3
"""Paired deadweight of the subsidy schemes, for calibration checks (docs/ODD.md 7.14 (ii)).

For each scenario and seed, runs the scenario and the same scenario with every
scheme closed (same seed: common random numbers), then prints, pooled over the
seeds: the share of subsidised adoptions that the no-subsidy run also makes
within 12 months (the definition of tests/behaviour and `ketensim report`) and,
in brackets, within the same month; the strategies adopted at the end; and the
no-subsidy run's adoptions by year.

  source .ci/env.sh   # as root: lets Open MPI run
  /usr/bin/python3 analysis/paired_deadweight.py --binary build/release/bin/ketensim \\
      --ranks 2 --seeds 1,2,3 --end 2030-12 --households 20000 \\
      configs/npce2025.yaml configs/s1_subsidies_continued.yaml [--set key=value ...]

Run directories go to --out (default out/deadweight). Standard library only.
"""
import argparse
import collections
import csv
import os
import subprocess
import sys

SCHEMES = ("cio", "ketenprojecten", "ekoo_ce", "dei_ce")
STRATEGIES = ("reduce", "substitute", "extend", "recycle")


def month_index(month):
    return int(month[:4]) * 12 + int(month[5:7])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("configs", nargs="+")
    ap.add_argument("--binary", default="build/release/bin/ketensim")
    ap.add_argument("--mpiexec", default="mpirun")
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--end", default="2030-12")
    ap.add_argument("--households", type=int, default=20000)
    ap.add_argument("--set", action="append", default=[], help="extra override key=value (repeatable)")
    ap.add_argument("--out", default="out/deadweight")
    a = ap.parse_args()
    closed = [x for s in SCHEMES for x in ("--set", f"government.schemes.{s}.first_year=2100",
                                             "--set", f"government.schemes.{s}.last_year=2100")]
    extra = [x for kv in a.set for x in ("--set", kv)]

    def run(config, seed, no_subsidy):
        name = os.path.splitext(os.path.basename(config))[0] + ("-nosub" if no_subsidy else "") + f"-{seed}"
        out = os.path.join(a.out, name)
        cmd = [a.mpiexec, "-np", str(a.ranks), a.binary, "run", config, "-o", out, "--overwrite",
               "--no-progress", "--log-level", "warn", "--seed", str(seed),
               "--set", f"households.count={a.households}", "--set", f"time.end={a.end}", *extra,
               *(closed if no_subsidy else [])]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return out

    def adoptions(path):
        with open(os.path.join(path, "adoptions.csv")) as f:
            return list(csv.DictReader(f))

    def adopted_at_end(path):
        with open(os.path.join(path, "timeseries.csv")) as f:
            rows = [r for r in csv.DictReader(f) if r["product_group"] == "NL" and r["month"] == a.end]
        return sum(int(rows[0][f"adopted_{s}"]) for s in STRATEGIES)

    for config in a.configs:
        n = within_12 = same_month = adopted = adopted_none = 0
        by_year = collections.Counter()
        for seed in (int(s) for s in a.seeds.split(",")):
            with_sub, without = run(config, seed, False), run(config, seed, True)
            subsidised = {(r["firm_id"], r["strategy"]): month_index(r["month"])
                          for r in adoptions(with_sub) if r["subsidised"] == "1"}
            counterfactual = {}
            for r in adoptions(without):
                key = (r["firm_id"], r["strategy"])
                counterfactual[key] = min(month_index(r["month"]), counterfactual.get(key, 10**9))
                by_year[r["month"][:4]] += 1
            n += len(subsidised)
            within_12 += sum(1 for k, m in subsidised.items() if counterfactual.get(k, 10**9) <= m + 12)
            same_month += sum(1 for k, m in subsidised.items() if counterfactual.get(k, 10**9) <= m)
            adopted += adopted_at_end(with_sub)
            adopted_none += adopted_at_end(without)
        share = (lambda x: f"{x / n:.3f}") if n else (lambda x: "n/a")
        print(f"{os.path.basename(config)}: deadweight {share(within_12)} ({share(same_month)}) of {n} "
              f"subsidised adoptions; strategies adopted {a.end}: {adopted} (no subsidy {adopted_none}); "
              f"no-subsidy adoptions by year: {dict(sorted(by_year.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
