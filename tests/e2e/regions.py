#!/usr/bin/python3
"""Regional governments (Rijk-Regio) end to end, from the run outputs alone.

  - a higher circularity weight w_circ in the regional tenders raises the share of
    regional public purchases awarded to circular offers, and firms' adoption;
  - a higher regional circular ambition (AMA 50 %) raises circular awards;
  - without regional procurement the regional columns are zero;
  - provincial co-funding never exceeds a province's yearly budget, only the
    provinces listed co-fund (a firm elsewhere gets none), it is at most
    cofunding_rate x the national grant, and the timeseries columns add up to
    subsidy_decisions.csv;
  - the co-funding run is byte-identical on 1 and 3 ranks.
Usage: regions.py KETENSIM MPIEXEC CONFIG WORK_DIR
"""
import collections
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from ketensim_testlib import check, check_same_outputs, finish, nl, rows, run_model  # noqa: E402

KETENSIM, MPIEXEC, CONFIG, WORK = sys.argv[1:5]
SEEDS = [1, 2, 3]
SMALL = ["--set", "households.count=3000", "--set", "time.end=2040-12"]
STRATEGIES = ("reduce", "substitute", "extend", "recycle")


def run(name, seed, extra=(), ranks=1):
    return run_model(MPIEXEC, KETENSIM, CONFIG, os.path.join(WORK, f"{name}-{seed}-np{ranks}"), ranks,
                     ["--seed", str(seed), *SMALL, *extra])


def total(path, column):
    return sum(float(r[column]) for r in nl(path))


def firm_months(path):
    return sum(sum(int(r[f"adopted_{s}"]) for s in STRATEGIES) for r in nl(path))


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)

# Circularity weight: circular offers win more regional lots, more firms adopt.
low = [run("w0", s, ["--set", "regions.circularity_weight=0"]) for s in SEEDS]
high = [run("w05", s, ["--set", "regions.circularity_weight=0.5"]) for s in SEEDS]
for lo, hi, seed in zip(low, high, SEEDS):
    share_lo = total(lo, "regional_circular_awards_eur") / total(lo, "regional_procurement_eur")
    share_hi = total(hi, "regional_circular_awards_eur") / total(hi, "regional_procurement_eur")
    check(share_hi > share_lo + 0.2,
          f"seed {seed}: circular share of regional awards {share_hi:.3f} (w_circ 0.5) > "
          f"{share_lo:.3f} (w_circ 0) + 0.2")
    check(total(lo, "regional_circular_awards_eur") <= total(lo, "regional_procurement_eur"),
          f"seed {seed}: circular awards within regional procurement")
    check(total(lo, "regional_procurement_eur") <= total(lo, "procurement_eur"),
          f"seed {seed}: regional procurement within all public procurement")
fm_lo = sum(firm_months(p) for p in low)
fm_hi = sum(firm_months(p) for p in high)
check(fm_hi > fm_lo, f"adoption (firm-months, seeds {SEEDS}) with w_circ 0.5 ({fm_hi}) > w_circ 0 ({fm_lo})")

# Regional ambition: 50 % (AMA 2025) against 10 % (AMA 2022).
ama = run("ama50", 1, ["--set", "regions.regional_circular_share=0.5"])
base = run("ama10", 1, ["--set", "regions.regional_circular_share=0.1"])
check(total(ama, "regional_circular_awards_eur") > total(base, "regional_circular_awards_eur"),
      "a 50 % regional circular ambition awards more to circular offers than 10 %")

# No regional procurement: the regional columns stay zero.
none = run("noregional", 1, ["--set", "regions.regional_procurement_share=0"])
check(total(none, "regional_procurement_eur") == 0 and
      total(none, "regional_circular_awards_eur") == 0 and total(none, "procurement_eur") > 0,
      "regional_procurement_share 0: no regional purchases, national ones remain")

# Co-funding: only provinces 3 and 7, a small budget that binds.
budget, rate = 40000.0, 0.25
cofund_args = ["--set", f"regions.cofunding_budget_eur={budget}", "--set",
               f"regions.cofunding_rate={rate}", "--set", "regions.cofunding_provinces=[3, 7]"]
cf = run("cofund", 1, cofund_args)
decisions = rows(cf, "subsidy_decisions.csv")
per_year = collections.defaultdict(float)
province_of = {}
consistent = True
for d in decisions:
    c = float(d["cofunding_eur"])
    per_year[(d["month"][:4], d["province"])] += c
    if d["province"]:
        consistent &= province_of.setdefault(d["applicant_id"], d["province"]) == d["province"]
check(consistent, "every firm lies in one province")
check(all(v <= budget + 1e-6 for v in per_year.values()),
      f"co-funding per province and year <= budget {budget:.0f} (max {max(per_year.values()):.3f})")
check(any(v >= budget - 1e-6 for v in per_year.values()), "the co-funding budget binds somewhere")
outside = [d for d in decisions if d["granted"] == "1" and d["province"] not in ("3", "7")]
inside = [d for d in decisions if d["granted"] == "1" and d["province"] in ("3", "7")]
check(len(outside) > 0 and all(float(d["cofunding_eur"]) == 0 for d in outside),
      f"{len(outside)} grants to firms outside provinces 3 and 7: no co-funding")
check(any(float(d["cofunding_eur"]) > 0 for d in inside),
      f"grants to firms in provinces 3 and 7 are co-funded ({len(inside)} grants)")
check(all(float(d["cofunding_eur"]) <= rate * float(d["amount_eur"]) + 1e-6 for d in decisions),
      "co-funding <= cofunding_rate x the national grant")
check(all(float(d["cofunding_eur"]) == 0 for d in decisions if d["granted"] != "1"),
      "rejected applications get no co-funding")
committed = total(cf, "provincial_cofunding_eur")
paid = total(cf, "provincial_cofunding_paid_eur")
in_csv = sum(float(d["cofunding_eur"]) for d in decisions)
check(abs(committed - in_csv) < 0.01,
      f"provincial_cofunding_eur ({committed:.3f}) = sum of cofunding_eur ({in_csv:.3f})")
check(0 < paid <= committed + 1e-6, f"co-funding paid {paid:.3f} within committed {committed:.3f}")

# Rank-count independence of the co-funding run.
cf3 = run("cofund", 1, cofund_args, ranks=3)
check_same_outputs(cf, cf3, "on 1 and 3 ranks")
finish("regional")
