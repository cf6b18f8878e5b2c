#!/usr/bin/python3
"""The adaptive rule's national levy (docs/ODD.md 7.13), from the run outputs alone:
  - in NATIONAL mode with adaptive.levy_eur_per_t > 0 and no configured plastic levy,
    the plastic levy is paid from January of (first trigger year + levy_lag_years) on,
    and never before; the trigger year is read from the adaptive_triggers column;
  - with levy_eur_per_t 0 no plastic levy is ever paid;
  - with a configured plastic levy (S4) the adaptive levy changes nothing: the outputs
    are byte-identical with and without it.
Usage: adaptive_levy.py KETENSIM MPIEXEC CONFIG_DIR WORK_DIR
"""
import collections
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from ketensim_testlib import check, check_same_outputs, finish, nl, run_model  # noqa: E402

KETENSIM, MPIEXEC, CONFIGS, WORK = sys.argv[1:5]
S4 = os.path.join(CONFIGS, "s4_national_instruments.yaml")
SMALL = ["--set", "households.count=2000", "--set", "time.end=2032-12"]
NO_LEVY = ["--set", "taxes.plastic_levy_eur_per_t=0"]
LAG = 2


def run(name, *extra, ranks=2):
    return run_model(MPIEXEC, KETENSIM, S4, os.path.join(WORK, name), ranks, [*SMALL, *extra])


def levy_by_year(path):
    out = collections.Counter()
    for r in nl(path):
        out[int(r["month"][:4])] += float(r["plastic_levy_eur"])
    return out


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)

adaptive = run("adaptive", *NO_LEVY, "--set", "adaptive.levy_eur_per_t=500",
               "--set", f"adaptive.levy_lag_years={LAG}")
rows = nl(adaptive)
first = next((r for r in rows if int(r["adaptive_triggers"]) > 0), None)
check(first is not None, "the adaptive rule triggers in this run")
if first is not None:
    trigger_year = int(first["month"][:4])
    check(first["month"].endswith("-12"), f"the rule triggers in December ({first['month']})")
    levy = levy_by_year(adaptive)
    before = {y: v for y, v in levy.items() if y < trigger_year + LAG}
    after = {y: v for y, v in levy.items() if y >= trigger_year + LAG}
    check(all(v == 0 for v in before.values()), f"no levy before {trigger_year + LAG}: {before}")
    check(after and all(v > 0 for v in after.values()),
          f"the levy is paid every year from {trigger_year + LAG} (trigger {trigger_year}): {after}")

none = run("none", *NO_LEVY)
check(all(v == 0 for v in levy_by_year(none).values()), "levy_eur_per_t 0: no plastic levy is paid")

configured = run("configured")
configured_adaptive = run("configured-adaptive", "--set", "adaptive.levy_eur_per_t=900")
check_same_outputs(configured, configured_adaptive, "with a configured levy, with and without the adaptive levy")
finish("adaptive levy")
