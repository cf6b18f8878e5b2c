#!/usr/bin/python3
"""Producer responsibility organisations (ODD 7.19) end to end, from the outputs alone.

  - without cost recovery (default) the PRO's base fee is the configured fee every
    month, its income is the EPR fees, its collection cost the collection fees of its
    group, its sorting cost the group's collected tonnes x epr.sorting_cost_eur_per_t,
    its administration cost the material placed on the market x
    epr.admin_cost_eur_per_t (rates from config.resolved.yaml), and its balance the
    running sum of income less the three costs from time.start;
  - with cost recovery every January fee (after the first output year) is the rule
    recomputed from the previous year's rows: last year's costs (collection, sorting,
    administration) less half
    the reserve, over last year's modulated fee base, within +-50 % and
    [0.25, 3] x the configured fee;
  - the fee falls where collection costs are below income (default collection fee)
    and rises where they exceed it (a high collection fee);
  - cost recovery keeps the reserve smaller than the fixed fee does;
  - the cost-recovery run is byte-identical on 1 and 3 ranks.
Usage: pro.py KETENSIM MPIEXEC CONFIG WORK_DIR
"""
import collections
import os
import shutil
import sys

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from ketensim_testlib import by_group, check, check_same_outputs, finish, run_model  # noqa: E402

KETENSIM, MPIEXEC, CONFIG, WORK = sys.argv[1:5]
SMALL = ["--set", "households.count=3000", "--set", "time.end=2034-12"]
ON = ["--set", "pro.cost_recovery=true"]
HIGH_COST = ["--set", "markets.collection_fee_eur_per_t=20000"]
MIN_F, MAX_F, STEP, RESERVE = 0.25, 3.0, 0.5, 0.5

def run(name, extra=(), ranks=1):
    return run_model(MPIEXEC, KETENSIM, CONFIG, os.path.join(WORK, f"{name}-np{ranks}"), ranks,
                     [*SMALL, *extra])


def pro_groups(series):
    return [g for g, rs in series.items() if g != "NL" and any(r["pro_fee_eur_per_kg"] for r in rs)]


def yearly(rs):
    """Per year: (fee in January, income, cost, balance at the end of December)."""
    years = collections.OrderedDict()
    for r in rs:
        if not r["pro_fee_eur_per_kg"]:
            continue
        y = int(r["month"][:4])
        e = years.setdefault(y, {"fee": float(r["pro_fee_eur_per_kg"]), "income": 0.0,
                                 "cost": 0.0, "months": 0})
        e["income"] += float(r["pro_income_eur"])
        e["cost"] += cost(r)
        e["months"] += 1
        e["balance"] = float(r["pro_balance_eur"])
    return years


def cost(r):
    """The PRO's cost this month: collection fees, sorting and administration."""
    return (float(r["pro_collection_cost_eur"]) + float(r["pro_sorting_cost_eur"]) +
            float(r["pro_admin_cost_eur"]))


def rates(path):
    """Sorting and administration cost per tonne of each group, from the resolved config."""
    with open(os.path.join(path, "config.resolved.yaml")) as f:
        cfg = yaml.safe_load(f)
    return {g: (float(pg["epr"]["sorting_cost_eur_per_t"]), float(pg["epr"]["admin_cost_eur_per_t"]))
            for g, pg in cfg["product_groups"].items()}


def rule(fee, income, cost, months, balance, configured):
    if months <= 0 or income <= 0 or fee <= 0:
        return min(max(fee, MIN_F * configured), MAX_F * configured)
    base = income * 12 / months / fee
    target = max(0.0, cost * 12 / months - RESERVE * balance) / base
    limited = min(max(target, fee * (1 - STEP)), fee * (1 + STEP))
    return min(max(limited, MIN_F * configured), MAX_F * configured)


def check_rule(series, label):
    moves = {}
    for g in pro_groups(series):
        ys = yearly(series[g])
        keys = list(ys)
        ok = True
        for a, b in zip(keys, keys[1:]):
            e, n = ys[a], ys[b]
            if e["months"] != 12:
                continue
            expected = rule(e["fee"], e["income"], e["cost"], 12, e["balance"], CONFIGURED[g])
            if abs(n["fee"] - expected) > 2e-6 + 1e-5 * expected:
                ok = False
                print(f"  {label} {g} {b}: fee {n['fee']:.6f}, rule gives {expected:.6f}")
        check(ok, f"{label}: {g} January fees follow the cost-recovery rule")
        first, last = ys[keys[0]]["fee"], ys[keys[-1]]["fee"]
        moves[g] = (first, last)
    return moves


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)

# Fixed fee (default).
off_dir = run("off")
off = by_group(off_dir)
RATES = rates(off_dir)
CONFIGURED = {}
for g in pro_groups(off):
    rs = [r for r in off[g] if r["pro_fee_eur_per_kg"]]
    fees = {r["pro_fee_eur_per_kg"] for r in rs}
    CONFIGURED[g] = float(rs[0]["pro_fee_eur_per_kg"])
    check(len(fees) == 1, f"off: {g} fee constant at {rs[0]['pro_fee_eur_per_kg']}")
    balance, ok, costs_ok = 0.0, True, True
    sorting_rate, admin_rate = RATES[g]
    for r in rs:
        ok &= r["pro_income_eur"] == r["epr_fees_eur"]
        ok &= r["pro_collection_cost_eur"] == r["collection_fees_eur"]
        ok &= r["pro_collected_t"] == r["collected_t"]
        # Each cost rounded to the milli-euro from exact grams.
        costs_ok &= abs(float(r["pro_sorting_cost_eur"]) - float(r["collected_t"]) * sorting_rate) <= 0.0005 + 1e-6
        costs_ok &= abs(float(r["pro_admin_cost_eur"]) - float(r["material_use_t"]) * admin_rate) <= 0.0005 + 1e-6
        balance += float(r["pro_income_eur"]) - cost(r)
        ok &= abs(balance - float(r["pro_balance_eur"])) < 1e-3 * max(1, len(rs))
    check(ok, f"off: {g} income = EPR fees, collection cost = collection fees, balance = running "
          "sum of income less collection, sorting and administration cost")
    check(costs_ok and sorting_rate > 0 and admin_rate > 0 and
          any(float(r["pro_sorting_cost_eur"]) > 0 for r in rs),
          f"off: {g} sorting cost = collected t x {sorting_rate} EUR/t, administration = "
          f"material placed on the market t x {admin_rate} EUR/t")
check(len(CONFIGURED) >= 1, f"groups with a PRO: {sorted(CONFIGURED)}")
for col in ("pro_income_eur", "pro_sorting_cost_eur", "pro_admin_cost_eur"):
    nl_ok = all(
        abs(float(r[col]) - sum(float(off[g][i][col] or 0) for g in CONFIGURED)) < 0.01
        for i, r in enumerate(off["NL"]) if r[col])
    check(nl_ok, f"off: NL {col} is the sum over the PROs")

# Cost recovery, default costs: plastic packaging's income is above its costs, its fee falls.
on = by_group(run("on", ON))
moves = check_rule(on, "on")
check(any(last < first for first, last in moves.values()),
      "on: some PRO lowers its fee when its costs are below income " +
      ", ".join(f"{g} {a:.4f}->{b:.4f}" for g, (a, b) in moves.items()))
for g in CONFIGURED:
    b_on = abs(float(on[g][-1]["pro_balance_eur"]))
    b_off = abs(float(off[g][-1]["pro_balance_eur"]))
    check(b_on < b_off, f"on: {g} reserve at the end {b_on:.0f} below the fixed fee's {b_off:.0f}")

# Cost recovery, collection fees far above income: the fees rise.
high = by_group(run("high", ON + HIGH_COST))
moves = check_rule(high, "high")
check(any(last > first for first, last in moves.values()),
      "high: some PRO raises its fee when its costs exceed income " +
      ", ".join(f"{g} {a:.4f}->{b:.4f}" for g, (a, b) in moves.items()))
for label, series in (("on", on), ("high", high)):
    for g, configured in CONFIGURED.items():
        fees = [float(r["pro_fee_eur_per_kg"]) for r in series[g] if r["pro_fee_eur_per_kg"]]
        check(all(MIN_F * configured - 1e-6 <= f <= MAX_F * configured + 1e-6 for f in fees),
              f"{label}: {g} fee within [{MIN_F}, {MAX_F}] x {configured} "
              f"(min {min(fees):.4f}, max {max(fees):.4f})")

# Rank-count independence.
on1 = os.path.join(WORK, "on-np1")
on3 = run("on", ON, ranks=3)
check_same_outputs(on1, on3, "on 1 and 3 ranks with cost recovery")
finish("PRO")
