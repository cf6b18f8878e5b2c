"""An independent recomputation of the report's numbers from timeseries.csv files, with the
standard library only (csv, statistics), to check summary.csv against. Deliberately shares no
code with analysis/kreport."""
import csv
import json
import math
import statistics
from pathlib import Path

# Student t quantiles t(0.95, df) for two-sided 90 % intervals (published tables, 15 digits).
T95 = {1: 6.313751514675043, 2: 2.919985580353725, 3: 2.353363434801823, 4: 2.131846786326649,
       5: 2.015048373333024, 6: 1.943180280515303, 7: 1.894578605090007, 8: 1.859548037530898,
       9: 1.833112932656237, 10: 1.812461122811676}


def load_runs(sweep: Path):
    """{scenario: {seed: rows}} with rows as dicts of strings."""
    out = {}
    for manifest in sorted(sweep.rglob("manifest.json")):
        m = json.loads(manifest.read_text())
        with open(manifest.parent / "timeseries.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        out.setdefault(m["config"]["name"], {})[int(m["seed"])] = rows
    return out


def _f(s):
    return float(s) if s not in ("", None) else math.nan


def december(rows, group, column, year):
    for r in rows:
        if r["product_group"] == group and r["month"] == f"{year}-12":
            return _f(r[column])
    raise KeyError((group, year))


def year_sum(rows, group, column, year):
    vals = [_f(r[column]) for r in rows if r["product_group"] == group and r["month"].startswith(f"{year}-")]
    assert len(vals) == 12
    return math.fsum(vals)


def cumulative(rows, group, column, year):
    return math.fsum(_f(r[column]) for r in rows
                     if r["product_group"] == group and int(r["month"][:4]) <= year and r[column] != "")


def index(rows, group, column, year, factor=1.0):
    months = sorted({r["month"] for r in rows})[:12]
    base = math.fsum(_f(r[column]) for r in rows if r["product_group"] == group and r["month"] in months)
    return year_sum(rows, group, column, year) / base * factor


def adoptions(rows, group, year):
    return sum(december(rows, group, c, year) for c in
               ("adopted_reduce", "adopted_substitute", "adopted_extend", "adopted_recycle"))


def collection_rate(rows, group, year):
    return year_sum(rows, group, "collected_t", year) / year_sum(rows, group, "end_of_life_t", year)


def mean_ci(values):
    """(n, mean, low, high) of the 90 % t interval of the mean."""
    n = len(values)
    m = statistics.fmean(values)
    if n < 2:
        return n, m, None, None
    half = T95[n - 1] * statistics.stdev(values) / math.sqrt(n)
    return n, m, m - half, m + half


def year_mean(rows, group, column, year):
    """Mean of the 12 monthly values (the model's own monthly indices against a fixed 2016 level)."""
    vals = [_f(r[column]) for r in rows if r["product_group"] == group and r["month"].startswith(f"{year}-")]
    assert len(vals) == 12
    return statistics.fmean(vals)


def raw_material_index(rows, group, year):
    """The model's raw_material_index (yearly mean) when the CSV has it, else the estimate from
    material_use_t against the first simulated year (docs/OUTPUTS.md, analysis/README.md)."""
    if "raw_material_index" in rows[0]:
        return year_mean(rows, group, "raw_material_index", year)
    return index(rows, group, "material_use_t", year)


def load_adoptions(sweep: Path):
    """{scenario: {seed: [(month index, firm_id, strategy, subsidised, grant_eur)]}} from adoptions.csv."""
    out = {}
    for manifest in sorted(sweep.rglob("manifest.json")):
        m = json.loads(manifest.read_text())
        with open(manifest.parent / "adoptions.csv", newline="") as f:
            rows = [(int(a["month"][:4]) * 12 + int(a["month"][5:7]), a["firm_id"], a["strategy"],
                     a["subsidised"] == "1", _f(a["grant_eur"]) if a["grant_eur"] else 0.0)
                    for a in csv.DictReader(f)]
        out.setdefault(m["config"]["name"], {})[int(m["seed"])] = rows
    return out


def firm_deadweight(with_subsidy, without, year):
    """(share, EUR) of the subsidised adoptions up to December of `year` whose firm adopts the same
    strategy in the paired no-subsidy run no later than 12 months after (docs/OUTPUTS.md)."""
    subsidised = [a for a in with_subsidy if a[3] and a[0] <= year * 12 + 12]
    dead = [a for a in subsidised
            if any(b[1] == a[1] and b[2] == a[2] and b[0] <= a[0] + 12 for b in without)]
    return len(dead) / len(subsidised), math.fsum(a[4] for a in dead)
