#!/usr/bin/python3
"""The warm-up (time.warmup_months) does what it is for:
  1. a run with the warm-up writes no row before time.start (timeseries.csv, adoptions.csv,
     subsidy_decisions.csv), its cumulative budget and commitments start at zero at time.start,
     and its manifest records the warm-up (months, first month, state "done");
  2. in paired runs without subsidies (2025-2030) with EU rules believed at once (credence 1),
     the adoptions made in the first review year (2025) fall to at most half of those without
     a warm-up; with the EU rules of 2025 announced in 2024 (no policy news at time.start) to
     at most a tenth, and their share of all adoptions from above 0.8 to below 0.7; with the
     default credence, 2025's share is below 0.2 (the news is discounted at first);
  3. warmup_months=0 is the old behaviour: the run starts at time.start, no "warmup" in the
     manifest, and tick 0 is time.start (the warm-up run differs);
  4. a checkpoint due in the warm-up (SIGTERM there, periodic every_months) is deferred to the
     end of the first output month; resuming it on another rank count gives the
     uninterrupted outputs byte for byte.
Usage: warmup.py KETENSIM MPIEXEC CONFIG WORKDIR
"""
import filecmp
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from ketensim_testlib import check, failures, rows  # noqa: E402

BIN, MPIEXEC, CONFIG, WORK = sys.argv[1:5]
SMALL = ["--set", "households.count=2000", "--set", "time.end=2030-12"]
NOSUB = [a for s in ("cio", "ketenprojecten", "ekoo_ce", "dei_ce")
         for a in ("--set", f"government.schemes.{s}.first_year=2100",
                   "--set", f"government.schemes.{s}.last_year=2100")]
OUTPUTS = ("timeseries.csv", "adoptions.csv", "subsidy_decisions.csv")


def run(name, *extra, ranks=1, env=None, expect=0, command="run"):
    out = os.path.join(WORK, name)
    args = [BIN, command] + ([CONFIG, "-o", out, "--overwrite"] if command == "run" else [out])
    args += ["--no-progress", "--log-level", "warn"]
    if command == "run":
        args += SMALL + list(extra)
    proc = subprocess.run([MPIEXEC, "-np", str(ranks)] + args, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, env={**os.environ, **(env or {})})
    if proc.returncode != expect:
        print(proc.stdout)
        check(False, f"{name}: exit {proc.returncode}, expected {expect}")
        sys.exit(1)
    return out


def manifest(path):
    with open(os.path.join(path, "manifest.json")) as f:
        return json.load(f)


def first_year_share(path):
    adoptions = rows(path, "adoptions.csv")
    first = sum(1 for a in adoptions if a["month"] <= "2025-12")
    return first / len(adoptions) if adoptions else float("nan"), len(adoptions)


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)

# 1. With the warm-up (the default, 36 months): no rows before time.start.
warm = run("warm", ranks=2)
m = manifest(warm)
check(m["config"]["time"]["warmup_months"] > 0, f"the default has a warm-up ({m['config']['time']['warmup_months']} months)")
check(m.get("warmup", {}).get("state") == "done" and m["warmup"]["first_month"] < "2025-01",
      f"manifest records the warm-up: {m.get('warmup')}")
check(m.get("months") == 72, f"manifest months counts output months only ({m.get('months')})")
for name in OUTPUTS:
    months = [r["month"] for r in rows(warm, name)]
    check(all(x >= "2025-01" for x in months), f"{name}: no row before time.start ({len(months)} rows)")
ts = rows(warm)
check(ts[0]["month"] == "2025-01", f"timeseries.csv starts at time.start ({ts[0]['month']})")
nl = [r for r in ts if r["product_group"] == "NL"]
committed = [float(r["subsidy_committed_eur"]) for r in nl]
check(float(nl[0]["subsidy_committed_cum_eur"]) == committed[0],
      "subsidy_committed_cum_eur starts at zero at time.start")
budget_first = float(nl[0]["budget_envelope_cum_eur"])
budget_jan26 = float(next(r for r in nl if r["month"] == "2026-01")["budget_envelope_cum_eur"])
check(0 < budget_first and budget_jan26 > budget_first,
      f"budget_envelope_cum_eur starts with one year's programme at time.start ({budget_first:.0f}, "
      f"{budget_jan26:.0f} after January 2026)")
check(int(nl[0]["subsidy_applications"]) >= 0, "applications counted from time.start")

# 2. Paired runs without subsidies: adoptions in the first review year, with and without warm-up.
# In the baseline the EU rules announced in time.start's year (ESPR textiles and furniture,
# PPWR) still start a wave in 2025 (news, not an inconsistent start); with them announced a
# year earlier, inside the warm-up, the first review year has no wave left at all.
def first_year(name, *extra):
    with_warmup = run(f"{name}-warm", *NOSUB, *extra)
    without = run(f"{name}-cold", *NOSUB, "--set", "time.warmup_months=0", *extra)
    (share_w, n_w), (share_c, n_c) = first_year_share(with_warmup), first_year_share(without)
    print(f"{name}: no-subsidy adoptions 2025-2030 made in 2025: {share_w:.3f} of {n_w} with the "
          f"warm-up, {share_c:.3f} of {n_c} without")
    return share_w * n_w, share_c * n_c, share_w, share_c, with_warmup, without


# Rules believed in full from their announcement (credence 1, docs/ODD.md 7.2), so that only the
# start state differs; the default credence is checked after.
BELIEVED = ["--set", "eu.credence_initial=1"]
first_w, first_c, share_believed, share_c, nosub_warm, nosub_cold = first_year("nosub", *BELIEVED)
check(share_c > 0.8, f"without warm-up the first review year dominates ({share_c:.3f} > 0.8)")
check(first_w <= 0.5 * first_c,
      f"with the warm-up, 2025 adoptions fall to at most half ({first_w:.0f} vs {first_c:.0f})")
EARLY = [a for r in ("espr_textiles", "espr_furniture", "ppwr_plastic")
         for a in ("--set", f"eu.rules.{r}.announce_year=2024")]
first_w, first_c, share_w, share_c, _, _ = first_year("nosub-news2024", *EARLY, *BELIEVED)
check(first_w <= 0.1 * first_c and share_w < 0.7 and share_c > 0.8,
      f"no news at time.start: 2025 adoptions {first_w:.0f} vs {first_c:.0f} without warm-up "
      f"(<= 10 %), share {share_w:.3f} vs {share_c:.3f}")

# With the default credence, firms discount the rules announced in 2025 at first: the 2025
# wave of the believed-at-once run moves to later reviews.
share_credence, n_credence = first_year_share(run("nosub-credence", *NOSUB))
print(f"nosub-credence: no-subsidy adoptions 2025-2030 made in 2025: {share_credence:.3f} of {n_credence}")
check(share_credence < 0.2 < share_believed,
      f"credence: 2025's share of the no-subsidy adoptions {share_credence:.3f} (< 0.2), "
      f"believed at once {share_believed:.3f} (> 0.2)")

# 3. warmup_months=0: the old start.
cold = manifest(nosub_cold)
check("warmup" not in cold, "warmup_months=0: no warm-up in the manifest")
check(rows(nosub_cold)[0]["month"] == "2025-01", "warmup_months=0: the run starts at time.start")
check(not filecmp.cmp(os.path.join(nosub_cold, "timeseries.csv"),
                      os.path.join(nosub_warm, "timeseries.csv"), shallow=False),
      "the warm-up changes the start state")

# 4. Checkpoints: SIGTERM in the warm-up is deferred to the end of the first output month.
sig = run("sig", "--set", "checkpoint.every_months=12", ranks=2,
          env={"KETENSIM_TEST_SIGNAL_AT_MONTH": "2023-06"}, expect=3)
m = manifest(sig)
check(m["status"] == "checkpointed" and m.get("months_done") == 1,
      f"SIGTERM in the warm-up: checkpointed after the first output month ({m['status']}, "
      f"{m.get('months_done')})")
check(sorted(os.listdir(os.path.join(sig, "checkpoints"))) == ["ckpt-000001"],
      f"one checkpoint, named by output months: {os.listdir(os.path.join(sig, 'checkpoints'))}")
check([r["month"] for r in rows(sig) if r["product_group"] == "NL"] == ["2025-01"],
      "the stopped run wrote 2025-01 only")
run("sig", ranks=3, command="resume")
check(manifest(sig)["status"] == "complete", "resumed on 3 ranks: complete")
for name in OUTPUTS:
    check(filecmp.cmp(os.path.join(warm, name), os.path.join(sig, name), shallow=False),
          f"resumed after a deferred checkpoint: {name} identical to the uninterrupted run")
per = run("periodic", "--set", "checkpoint.every_months=12", "--set", "checkpoint.keep=10", ranks=2)
names = sorted(os.listdir(os.path.join(per, "checkpoints")))
check(names == [f"ckpt-{12 * k:06d}" for k in range(1, 6)],
      f"periodic checkpoints count output months from time.start: {names}")

sys.exit(1 if failures else 0)
