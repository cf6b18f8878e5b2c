"""analysis/morris.py: the Morris design and elementary effects against hand-computed values,
and one small screening run of the simulator."""
import csv
import random
import sys

import pytest

from conftest import REPO, env, ketensim_bin

sys.path.insert(0, str(REPO / "analysis"))
import morris  # noqa: E402

LEVELS = 4
DELTA = 2.0 / 3.0  # p / (2 (p - 1)) for p = 4
GRID = (0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0)


def test_trajectories_move_one_parameter_by_delta_on_the_grid():
    design = morris.trajectories(5, 20, LEVELS, random.Random(7))
    assert len(design) == 20
    for points, order in design:
        assert sorted(order) == list(range(5))
        assert len(points) == 6
        for x in points:
            assert all(min(abs(v - g) for g in GRID) < 1e-12 for v in x)
        for j, i in enumerate(order):
            diff = [b - a for a, b in zip(points[j], points[j + 1])]
            assert abs(abs(diff[i]) - DELTA) < 1e-12
            assert all(d == 0 for k, d in enumerate(diff) if k != i)


def test_odd_levels_are_refused():
    with pytest.raises(ValueError):
        morris.trajectories(2, 2, 3, random.Random(1))


def test_effects_of_a_known_function():
    # y = 3 x0 + 0 x1 + x2^2 + 4 x3 x4: EE(x0) = 3 exactly, EE(x1) = 0, EE(x2) = 2 x_low + Delta
    # in {2/3, 4/3} (x_low the lower end of the step), EE(x3) = 4 x4 and EE(x4) = 4 x3 vary.
    def f(x):
        return 3 * x[0] + x[2] ** 2 + 4 * x[3] * x[4]

    design = morris.trajectories(5, 30, LEVELS, random.Random(3))
    values = [[f(x) for x in points] for points, _ in design]
    effects = morris.elementary_effects(design, values, LEVELS)
    assert all(abs(e - 3.0) < 1e-12 for e in effects[0])
    assert all(e == 0 for e in effects[1])
    assert all(min(abs(e - 2 / 3), abs(e - 4 / 3)) < 1e-12 for e in effects[2])
    for i, j in ((3, 4), (4, 3)):
        # Each EE equals 4 x_j at the step, x_j one of the grid values.
        assert all(min(abs(e - 4 * g) for g in GRID) < 1e-12 for e in effects[i])
    mu_star = {i: morris.summarise(e)[0] for i, e in effects.items()}
    sigma = {i: morris.summarise(e)[2] for i, e in effects.items()}
    assert mu_star[0] == pytest.approx(3.0) and sigma[0] == pytest.approx(0.0, abs=1e-12)
    assert mu_star[1] == 0.0
    assert sigma[3] > 0.5 and sigma[4] > 0.5  # interaction shows as spread
    assert mu_star[0] > mu_star[2] > mu_star[1]


def test_bad_param_is_refused(capsys):
    with pytest.raises(SystemExit) as err:
        morris.main(["configs/laptop.yaml", "--param", "companies.beta=20:5"])
    assert "high must be above low" in str(err.value)


def test_screening_run_of_the_simulator(tmp_path, monkeypatch):
    # Two parameters, two trajectories (6 runs): the adaptive rule is off in the laptop
    # config, so its gamma cannot change any output (mu* exactly 0); the firms' logistic
    # steepness changes adoption (mu* > 0 for the circular-firm share).
    for k, v in env().items():
        monkeypatch.setenv(k, v)
    out = tmp_path / "morris"
    morris.main([str(REPO / "configs" / "laptop.yaml"), "--binary", str(ketensim_bin()),
                 "--ranks", "1", "--households", "1000", "--end", "2026-12", "--trajectories", "2",
                 "--param", "adaptive.gamma=0.01:0.2", "--param", "companies.beta=2:20",
                 "--output", "adoption_share_firms", "--output", "recycling_rate",
                 "--out", str(out)])
    with open(out / "morris.csv") as f:
        rows = {(r["output"], r["parameter"]): r for r in csv.DictReader(f)}
    assert len(rows) == 4
    for name in ("adoption_share_firms", "recycling_rate"):
        assert float(rows[(name, "adaptive.gamma")]["mu_star"]) == 0.0
        assert int(rows[(name, "adaptive.gamma")]["effects"]) == 2
    assert float(rows[("adoption_share_firms", "companies.beta")]["mu_star"]) > 0.0
    assert (out / "morris.md").read_text().count("| `") == 4
