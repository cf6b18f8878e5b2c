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


def _add_columns(path, fn):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
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

            rows = _add_columns(d / "timeseries.csv", cols)
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
