"""The tool's statistics and its handling of columns the model may add later."""
import csv
import math
import statistics
import sys

import pytest

import independent as ind
from conftest import PYTHON, REPO, SCRIPT, copy_run, run

sys.path.insert(0, str(REPO / "analysis"))
from kreport import runs as kruns  # noqa: E402
from kreport import stats  # noqa: E402


@pytest.mark.parametrize("df", sorted(ind.T95))
def test_t_quantile_matches_tables(df):
    assert math.isclose(stats.t_quantile(0.95, df), ind.T95[df], rel_tol=1e-10)


def test_t_quantile_other_levels():
    # df = 2 has a closed form: (2p - 1) / sqrt(2p(1 - p))
    assert math.isclose(stats.t_quantile(0.975, 2), 0.95 / math.sqrt(2 * 0.975 * 0.025), rel_tol=1e-10)
    assert math.isclose(stats.t_quantile(0.995, 5), 4.032142983557536, rel_tol=1e-8)
    assert math.isclose(stats.t_quantile(0.05, 3), -2.353363434801823, rel_tol=1e-10)


def test_mean_interval():
    xs = [1.0, 2.0, 4.0, 7.0]
    e = stats.mean_interval(xs, 0.90)
    half = ind.T95[3] * statistics.stdev(xs) / 2.0
    assert e.n == 4 and math.isclose(e.mean, 3.5)
    assert math.isclose(e.low, 3.5 - half) and math.isclose(e.high, 3.5 + half)
    one = stats.mean_interval([5.0, float("nan")])
    assert one.n == 1 and one.mean == 5.0 and one.low is None
    assert stats.mean_interval([]) is None
    d = stats.paired_interval([(3.0, 1.0), (5.0, 2.0), (float("nan"), 1.0)])
    assert d.n == 2 and d.mean == 2.5


def test_default_baseline():
    assert kruns.default_baseline(["s1", "npce2025", "laptop"]) == "npce2025"
    assert kruns.default_baseline(["s1", "laptop"]) == "laptop"
    assert kruns.default_baseline(["zeta", "alpha"]) == "alpha"


def _add_columns(path, fn, drop=()):
    """Adds fn(row)'s columns to a timeseries.csv, leaving out the columns in drop."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for c in drop:
            r.pop(c, None)
    extra = fn(rows[0]).keys()
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()) + list(extra))
        w.writeheader()
        for r in rows:
            r.update(fn(r))
            w.writerow(r)
    return rows


def test_later_columns_are_picked_up(sweep, tmp_path):
    """raw_material_index_* (on a 100 scale) and a critical-raw-material column measure their goals."""
    root = tmp_path / "in"
    values = {}
    for name in ("laptop", "cio2030"):
        for k in (1, 2):
            d = copy_run(sweep / name / f"rep-{k}", root / name / f"rep-{k}")

            def cols(r, k=k):
                month = int(r["month"][:4]) * 12 + int(r["month"][5:7])
                return {"raw_material_index_npce": f"{100 - 0.1 * (month - 24300) - k:.3f}",
                        "crm_recycling_share": f"{0.01 * k + 0.0001 * (month - 24300):.6f}"}

            # as a model version whose CRM column has another name: without the current model's
            # crm_domestic_recycling_share, which would otherwise be picked first
            rows = _add_columns(d / "timeseries.csv", cols, drop=("crm_domestic_recycling_share",))
            values[(name, k)] = {r["product_group"]: cols(r) for r in rows if r["month"] == "2035-12"}
    out = tmp_path / "rep"
    r = run([PYTHON, SCRIPT, root, "-o", out, "--years", "2030,2035", "--no-figures", "-q"])
    assert r.returncode == 0, r.stderr
    with open(out / "goals.csv", newline="") as f:
        goals = {(g["goal"], g["scenario"], int(g["year"])): g for g in csv.DictReader(f)}
    g = goals[("npce_raw_materials_2035", "laptop", 2035)]
    assert g["indicator"] == "raw_material_index_npce" and "percentages" in g["note"]
    expected = statistics.fmean(float(values[("laptop", k)]["NL"]["raw_material_index_npce"]) / 100 for k in (1, 2))
    assert math.isclose(float(g["mean"]), expected, rel_tol=1e-9)
    assert g["met"] == ("yes" if expected <= 0.85 else "no")
    crm = goals[("crma_recycling_eee_2030", "cio2030", 2030)]
    assert crm["status"] == "evaluated" and crm["indicator"] == "crm_recycling_share"
    with open(out / "summary.csv", newline="") as f:
        inds = {row["indicator"] for row in csv.DictReader(f)}
    assert {"raw_material_index_npce", "crm_recycling_share"} <= inds
    assert "crm_recycling_share" in (out / "summary.md").read_text().split("## Side effects")[1]


def test_columns_of_later_model_versions(sweep, tmp_path):
    """The model's own indices, secondary_bio_share, product-group targets, exits by role and
    adoptions.csv (firm-level deadweight), as later model versions write them."""
    root = tmp_path / "in"
    adoptions = {  # firm, strategy, month, subsidised, grant
        ("laptop", 1): [("1", "reduce", "2026-01", "1", "1000"), ("2", "recycle", "2027-06", "1", "2000"),
                        ("3", "extend", "2028-01", "0", ""), ("4", "reduce", "2031-01", "1", "500")],
        ("laptop", 2): [("1", "reduce", "2026-01", "1", "1000"), ("2", "recycle", "2027-06", "1", "2000"),
                        ("3", "extend", "2028-01", "0", ""), ("4", "reduce", "2031-01", "1", "500")],
        ("nosub", 1): [("1", "reduce", "2026-10", "0", ""), ("2", "recycle", "2029-01", "0", ""),
                       ("4", "reduce", "2030-06", "0", "")],
        ("nosub", 2): [("1", "reduce", "2026-10", "0", ""), ("2", "recycle", "2027-01", "0", ""),
                       ("4", "reduce", "2030-06", "0", "")],
    }
    months = {}
    for name in ("laptop", "nosub"):
        for k in (1, 2):
            d = copy_run(sweep / name / f"rep-{k}", root / name / f"rep-{k}")

            def cols(r, k=k):
                month = int(r["month"][:4]) * 12 + int(r["month"][5:7]) - 24300
                g = r["product_group"]
                kind = {"textiles": "1", "eee": "2"}.get(g, "")
                return {"raw_material_index": f"{1 - 0.001 * month - 0.01 * k:.6f}",
                        "primary_abiotic_index": f"{0.9 - 0.002 * month:.6f}",
                        "secondary_bio_share": f"{0.3 + 0.001 * k:.6f}",
                        "pg_target_kind": kind,
                        "pg_target_value": {"1": f"{0.6 + 0.05 * k:.6f}", "2": "0.5"}.get(kind, ""),
                        "pg_target": {"1": "0.75", "2": "0.65"}.get(kind, ""),
                        "exits_recycler": "1"}

            rows = _add_columns(d / "timeseries.csv", cols)
            months[(name, k)] = [(r["month"], r["product_group"], cols(r)) for r in rows]
            with open(d / "adoptions.csv", "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["month", "firm_id", "product_group", "role", "strategy", "subsidised", "grant_eur"])
                for firm, strategy, month, sub, grant in adoptions[(name, k)]:
                    w.writerow([month, firm, "eee", "producer", strategy, sub, grant])
    out = tmp_path / "rep"
    r = run([PYTHON, SCRIPT, root, "-o", out, "--years", "2030,2035", "--no-figures", "-q",
             "--no-subsidy", "nosub"])
    assert r.returncode == 0, r.stderr
    with open(out / "goals.csv", newline="") as f:
        goals = {(g["goal"], g["scenario"], int(g["year"])): g for g in csv.DictReader(f)}

    def year_mean(name, k, col, year, group="NL"):
        vals = [float(c[col]) for m, g, c in months[(name, k)] if g == group and m.startswith(f"{year}-")]
        assert len(vals) == 12
        return statistics.fmean(vals)

    g = goals[("npce_raw_materials_2035", "laptop", 2035)]
    assert g["indicator"] == "raw_material_index" and "model's column" in g["note"]
    assert math.isclose(float(g["mean"]), statistics.fmean(year_mean("laptop", k, "raw_material_index", 2035)
                                                             for k in (1, 2)), rel_tol=1e-9)
    g = goals[("primary_abiotic_2030", "nosub", 2030)]
    assert g["indicator"] == "primary_abiotic_index"
    assert math.isclose(float(g["mean"]), year_mean("nosub", 1, "primary_abiotic_index", 2030), rel_tol=1e-9)
    g = goals[("npce_secondary_2035", "laptop", 2035)]
    assert g["indicator"] == "secondary_bio_share" and math.isclose(float(g["mean"]), 0.3015)
    g = goals[("upv_textiles_2030", "laptop", 2030)]
    assert g["status"] == "evaluated" and g["indicator"] == "pg_target_value"
    assert math.isclose(float(g["mean"]), 0.675) and g["met"] == "no"
    g = goals[("pg_target_textiles", "laptop", 2035)]
    assert float(g["target"]) == 0.75 and math.isclose(float(g["gap"]), 0.075) and "UPV" in g["label"]
    assert "WEEE" in goals[("pg_target_eee", "nosub", 2030)]["label"]
    with open(out / "summary.csv", newline="") as f:
        summary = {(s["scenario"], s["product_group"], s["indicator"], int(s["year"])): s for s in csv.DictReader(f)}
    assert float(summary[("laptop", "NL", "exits_recycler_cum", 2030)]["mean"]) == 72  # 2025-01..2030-12
    assert summary[("laptop", "NL", "raw_material_index", 2030)]["aggregation"] == "year_mean"
    with open(out / "cost_effectiveness.csv", newline="") as f:
        cost = {(c["scenario"], c["reference"], int(c["year"])): c for c in csv.DictReader(f)}

    def deadweight(k, year):  # the definition, independently
        sub = [(f, s, int(m[:4]) * 12 + int(m[5:7]), float(gr)) for f, s, m, su, gr in adoptions[("laptop", k)]
               if su == "1" and int(m[:4]) <= year]
        cf = {(f, s): int(m[:4]) * 12 + int(m[5:7]) for f, s, m, _, _ in adoptions[("nosub", k)]}
        dead = [a for a in sub if (a[0], a[1]) in cf and cf[(a[0], a[1])] <= a[2] + 12]
        return len(dead) / len(sub), sum(a[3] for a in dead)

    for year in (2030, 2035):
        c = cost[("laptop", "nosub", year)]
        assert c["deadweight_method"] == "firm level (adoptions.csv)"
        shares, euros = zip(*(deadweight(k, year) for k in (1, 2)))
        n, m, lo, hi = ind.mean_ci(list(shares))
        assert math.isclose(float(c["deadweight_share"]), m) and math.isclose(float(c["deadweight_share_ci_low"]), lo)
        assert math.isclose(float(c["deadweight_eur"]), statistics.fmean(euros))
    assert math.isclose(float(cost[("laptop", "nosub", 2030)]["deadweight_share"]), 0.75)
