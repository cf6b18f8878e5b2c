#!/usr/bin/python3
"""Behavioural tests over replicates (fixed seeds, so deterministic).

Runs the shipped scenarios at a small scale and checks the model's policy
responses from the run outputs alone (timeseries.csv, adoptions.csv,
subsidy_decisions.csv), recomputing budgets from the resolved config:
  - S1 (subsidies continued) gives more circular adoption by 2030 than S0;
  - S2 (EU early, strict) gives more adoption than S3 (EU late, weak);
  - the cheap-import overlay raises recycler exits;
  - a scheme never over-commits its yearly budget, and once it rejects an
    application for lack of budget it grants nothing that large again that year;
  - first-come-first-served schemes decide in arrival order;
  - deadweight is measurable from a paired run without subsidies;
  - pattern P6: under S3 (EU late and weak), with plastic producers able to
    exceed the recycled-content minimum and recyclate dearer than virgin, the
    plastic packaging put on the market sits at the minimum in force; with
    recyclate made cheaper than virgin it does not.
Usage: behaviour_test.py KETENSIM MPIEXEC RANKS CONFIG_DIR WORK_DIR
"""
import os
import shutil
import subprocess
import sys

import yaml
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from ketensim_testlib import check, failures, nl, rows  # noqa: E402

KETENSIM, MPIEXEC, RANKS, CONFIGS, WORK = sys.argv[1:6]
SEEDS = [1, 2, 3]
SMALL = ["--set", "households.count=4000", "--set", "time.end=2035-12"]


def run(name, config, seed, extra=()):
    out = os.path.join(WORK, f"{name}-{seed}")
    cmd = [MPIEXEC, "-np", RANKS, KETENSIM, "run", os.path.join(CONFIGS, config), "-o", out,
           "--overwrite", "--no-progress", "--log-level", "warn", "--seed", str(seed), *SMALL, *extra]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return out


def adoptions_at(path, month):
    r = next(r for r in nl(path) if r["month"] == month)
    return sum(int(r[f"adopted_{s}"]) for s in ("reduce", "substitute", "extend", "recycle"))


def adoption_months(path, last="2035-12"):
    return sum(sum(int(r[f"adopted_{s}"]) for s in ("reduce", "substitute", "extend", "recycle"))
               for r in nl(path) if r["month"] <= last)


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)

runs = {sc: [run(sc, f"{sc}.yaml", s) for s in SEEDS]
        for sc in ("npce2025", "s1_subsidies_continued", "s2_eu_early_strict", "s3_eu_late_weak")}
shock = [run("npce2025_cheap_imports", "npce2025.yaml", s,
             ["--overlay", os.path.join(CONFIGS, "overlays", "cheap_imports.yaml")]) for s in SEEDS]

s0 = sum(adoptions_at(p, "2030-12") for p in runs["npce2025"])
s1 = sum(adoptions_at(p, "2030-12") for p in runs["s1_subsidies_continued"])
check(s1 > s0, f"S1 adoption by 2030 ({s1}) > S0 ({s0}), summed over seeds {SEEDS}")

s2 = sum(adoption_months(p) for p in runs["s2_eu_early_strict"])
s3 = sum(adoption_months(p) for p in runs["s3_eu_late_weak"])
check(s2 > s3, f"S2 adoption (firm-months 2025-2035: {s2}) > S3 ({s3})")

def recycler_exits(path, last="2029-12"):
    # During the shock (2025-2027) and the 24 months a failing firm survives on negative cash.
    return sum(int(r["exits_recycler"]) for r in nl(path) if r["month"] <= last)

base_exits = sum(recycler_exits(p) for p in runs["npce2025"])
shock_exits = sum(recycler_exits(p) for p in shock)
check(shock_exits > base_exits, f"cheap imports raise recycler exits by 2029: {shock_exits} > {base_exits}")

# Budgets, recomputed from the resolved config of the S1 runs (schemes open every year).
for path in runs["s1_subsidies_continued"] + runs["npce2025"]:
    with open(os.path.join(path, "config.resolved.yaml")) as f:
        cfg = yaml.safe_load(f)
    gov = cfg["government"]
    envelope = sorted((int(e["year"]), float(e["amount_eur"])) for e in gov["envelope"])

    def envelope_for(year):
        amount = envelope[0][1]
        for y, a in envelope:
            if y <= year:
                amount = a
        return amount

    schemes = gov["schemes"]
    decisions = rows(path, "subsidy_decisions.csv")
    by_key = {}
    for d in decisions:
        by_key.setdefault((d["scheme"], d["month"][:4]), []).append(d)
    over, late_grant, order = [], [], []
    for (scheme, year), ds in by_key.items():
        s = schemes[scheme]
        budget = envelope_for(int(year)) * float(gov["programme_share"]) * float(s["budget_share"])
        granted = sum(float(d["amount_eur"]) for d in ds if d["granted"] == "1")
        if granted > budget + 0.01:
            over.append((scheme, year, granted, budget))
        rejected_for_budget = None
        for d in ds:
            req = min(float(d["requested_eur"]), float(s["max_per_application_eur"]) * (6 if s["chain_projects"] else 1))
            if d["granted"] == "0" and req >= float(s["min_per_application_eur"]) and req > 0:
                rejected_for_budget = req if rejected_for_budget is None else min(rejected_for_budget, req)
            elif d["granted"] == "1" and rejected_for_budget is not None and req >= rejected_for_budget:
                late_grant.append((scheme, year, d["applicant_id"]))
        if s["allocation"] == "FCFS":
            for month in sorted({d["month"] for d in ds}):
                arrivals = [int(d["arrival"]) for d in ds if d["month"] == month]
                if arrivals != sorted(arrivals):
                    order.append((scheme, month))
    check(not over, f"{os.path.basename(path)}: no scheme-year over-commits ({len(by_key)} scheme-years) {over[:3]}")
    check(not late_grant, f"{os.path.basename(path)}: nothing as large is granted after a budget rejection {late_grant[:3]}")
    check(not order, f"{os.path.basename(path)}: FCFS schemes decide in arrival order {order[:3]}")
    check(len(decisions) > 0, f"{os.path.basename(path)}: the government decided {len(decisions)} applications")

# Deadweight: subsidised adoptions that also happen, within 12 months, in the
# paired run without subsidies (same seed, common random numbers).
no_sub = run("npce2025_no_subsidy", "npce2025.yaml", 1,
             [arg for sch in ("cio", "ketenprojecten", "ekoo_ce", "dei_ce")
              for arg in ("--set", f"government.schemes.{sch}.first_year=2100",
                          "--set", f"government.schemes.{sch}.last_year=2100")])
with_sub = runs["npce2025"][0]


def month_index(m):
    return int(m[:4]) * 12 + int(m[5:7])


subsidised = {(a["firm_id"], a["strategy"]): month_index(a["month"]) for a in rows(with_sub, "adoptions.csv")
              if a["subsidised"] == "1"}
counterfactual = {(a["firm_id"], a["strategy"]): month_index(a["month"]) for a in rows(no_sub, "adoptions.csv")}
check(len(rows(no_sub, "subsidy_decisions.csv")) == 0, "the paired run has no subsidy decisions")
check(len(subsidised) > 0, f"{len(subsidised)} subsidised adoptions in S0 (seed 1)")
same = sum(1 for k, m in subsidised.items() if k in counterfactual and counterfactual[k] <= m + 12)
deadweight = same / len(subsidised) if subsidised else float("nan")
print(f"deadweight (seed 1): {deadweight:.3f} of {len(subsidised)} subsidised adoptions also happen within 12 months without subsidy")
check(0.0 <= deadweight <= 1.0, "deadweight is measurable from the paired run")

# Pattern P6: recycled content clusters at the legal minimum (ODD 1, 7.8). Plastic
# producers start at 50 % recycled content (capability 0.5, 0.65 with substitute), far
# above the minima in force (SUP 25 %, PPWR 35 %), so sitting at the minimum is a
# choice, not a capability limit. The counter-check makes recyclate cheaper than
# virgin (start price, world price, and the market's floor and cap below P_v).
PG = "plastic_packaging"
ABOVE = ["--set", f"product_groups.{PG}.initial_recycled_content=0.5"]
CHEAP = ["--set", f"product_groups.{PG}.recyclate_price_eur_per_t=400",
         "--set", "markets.recyclate_price_floor=0.2", "--set", "markets.recyclate_price_cap=0.5",
         "--set", "markets.imported_recyclate_price_factor=0.2"]


def p6_rows(path):
    return [r for r in rows(path) if r["product_group"] == PG]


def mean(values):
    return sum(values) / len(values) if values else float("nan")


for seed in SEEDS:
    weak = p6_rows(run("p6_s3_above", "s3_eu_late_weak.yaml", seed, ABOVE))
    cheap = p6_rows(run("p6_s3_above_cheap", "s3_eu_late_weak.yaml", seed, ABOVE + CHEAP))
    in_force = [r for r in weak if r["rc_min_in_force"]]
    # S3 delays the SUP minimum by two years (2027) and PPWR's 35 % to 2032; before
    # that the indicator is empty.
    check(bool(in_force) and in_force[0]["month"] == "2027-01"
          and all(not r["producers_at_rc_min_share"] and not r["material_at_rc_min_share"]
                  for r in weak if not r["rc_min_in_force"]),
          f"P6 seed {seed}: a minimum is in force from {in_force[0]['month'] if in_force else None} "
          "(S3: 2027-01), the indicators are empty before")
    minima = sorted({r["rc_min_in_force"] for r in in_force})
    check(minima == ["0.250000", "0.350000"], f"P6 seed {seed}: minima in force {minima}")
    at_min = mean([float(r["material_at_rc_min_share"]) for r in in_force])
    producers = mean([float(r["producers_at_rc_min_share"]) for r in in_force])
    excess = mean([float(r["secondary_share"]) - float(r["rc_min_in_force"]) for r in in_force])
    dear = mean([float(r["recyclate_price_eur_t"]) / float(r["virgin_price_eur_t"]) for r in in_force])
    print(f"P6 seed {seed}: S3, capability above the minimum: material at the minimum {at_min:.3f}, "
          f"producers at the minimum {producers:.3f}, secondary share - minimum {excess:.4f}, "
          f"recyclate / virgin price {dear:.2f}")
    check(at_min >= 0.9, f"P6 seed {seed}: most plastic packaging sits at the minimum in force "
          f"(material share {at_min:.3f} >= 0.9)")
    check(excess < 0.05, f"P6 seed {seed}: the group's secondary share is {excess:.4f} above the "
          "minimum (< 0.05), though producers could add 0.25 or more")
    c_in_force = [r for r in cheap if r["rc_min_in_force"]]
    c_at_min = mean([float(r["material_at_rc_min_share"]) for r in c_in_force])
    c_excess = mean([float(r["secondary_share"]) - float(r["rc_min_in_force"]) for r in c_in_force])
    c_price = max(float(r["recyclate_price_eur_t"]) / float(r["virgin_price_eur_t"]) for r in cheap)
    print(f"P6 seed {seed}: recyclate cheaper (price ratio at most {c_price:.2f}): material at the "
          f"minimum {c_at_min:.3f}, secondary share - minimum {c_excess:.4f}")
    check(c_price < 1.0, f"P6 seed {seed}: the counter-check keeps recyclate cheaper than virgin")
    check(c_at_min <= 0.1 and c_excess >= 0.2,
          f"P6 seed {seed}: with recyclate cheaper than virgin producers go beyond the minimum "
          f"(material at it {c_at_min:.3f} <= 0.1, secondary share {c_excess:.4f} >= 0.2 above it)")

sys.exit(1 if failures else 0)
