#!/usr/bin/python3
"""The adaptive rule's national recycled-content norm (docs/ODD.md 7.13), from the
run outputs alone (S4 without its configured norm and levy):
  - in NATIONAL mode with adaptive.norm_min_recycled_content > 0, plastic packaging's
    recycled-content minimum in force (rc_min_in_force) is the norm's minimum from
    January of (first trigger year + norm_lag_years) on, and below it before; the
    trigger year is read from the adaptive_triggers column;
  - the outputs equal those of the same run without the norm before the trigger year,
    and plastic packaging pays more penalties every year the norm is in force (its
    producers' recycled content is capped by their capability, ODD 7.8, so a norm above
    the EU minimum is felt as fines and in the NPV of substitute/recycle);
  - with norm_min_recycled_content 0 the outputs are byte-identical to the same run
    without any norm key set.
Usage: adaptive_norm.py KETENSIM MPIEXEC CONFIG_DIR WORK_DIR
"""
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from ketensim_testlib import by_group, check, check_same_outputs, finish, nl, run_model  # noqa: E402

KETENSIM, MPIEXEC, CONFIGS, WORK = sys.argv[1:5]
S4 = os.path.join(CONFIGS, "s4_national_instruments.yaml")
SMALL = ["--set", "households.count=2000", "--set", "time.end=2034-12",
         "--set", "taxes.plastic_levy_eur_per_t=0", "--set", "eu.rules.ncpn.variant=OFF"]
LAG = 3
NORM = 0.45
GROUP = "plastic_packaging"


def run(name, *extra, ranks=2):
    return run_model(MPIEXEC, KETENSIM, S4, os.path.join(WORK, name), ranks, [*SMALL, *extra])


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)

norm = run("norm", "--set", f"adaptive.norm_min_recycled_content={NORM}",
           "--set", f"adaptive.norm_lag_years={LAG}", ranks=3)
without = run("without")
first = next((r for r in nl(norm) if int(r["adaptive_triggers"]) > 0), None)
check(first is not None, "the adaptive rule triggers in this run")
if first is not None:
    trigger_year = int(first["month"][:4])
    start = trigger_year + LAG
    check(start <= 2034, f"the norm applies within the run (trigger {trigger_year})")
    rows = by_group(norm)[GROUP]
    base = by_group(without)[GROUP]

    def minimum(r):
        return float(r["rc_min_in_force"]) if r["rc_min_in_force"] else 0.0

    before = [r for r in rows if int(r["month"][:4]) < start]
    after = [r for r in rows if int(r["month"][:4]) >= start]
    check(all(minimum(r) < NORM for r in before),
          f"no minimum of {NORM} before {start}: {sorted({minimum(r) for r in before})}")
    check(after and all(abs(minimum(r) - NORM) < 1e-9 for r in after),
          f"the minimum in force is {NORM} every month from {start}: "
          f"{sorted({minimum(r) for r in after})}")
    same = [a == b for a, b in zip(rows, base) if int(a["month"][:4]) < trigger_year]
    check(same and all(same), f"identical to the run without the norm before {trigger_year}")

    def penalties(rs, year):
        return sum(float(r["eu_penalties_eur"]) for r in rs if int(r["month"][:4]) == year)

    higher = [(y, penalties(rows, y), penalties(base, y)) for y in range(start, 2035)]
    check(all(a > b for _, a, b in higher),
          f"plastic packaging pays more penalties every year from {start} (norm above the "
          f"EU minimum): {higher}")

zero = run("zero", "--set", "adaptive.norm_min_recycled_content=0",
           "--set", "adaptive.norm_lag_years=1")
check_same_outputs(without, zero, "norm_min_recycled_content 0 and no norm key")
finish("adaptive norm")
