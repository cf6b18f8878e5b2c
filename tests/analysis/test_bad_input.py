"""Bad input: a clear message, exit code 2 and no report directory; --force where it applies."""
import csv
import json
import os

import pytest

from conftest import PYTHON, SCRIPT, copy_run, run


def report_cmd(*args):
    return [PYTHON, SCRIPT, *args]


def refused(r, *needles):
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "error" in r.stderr
    for n in needles:
        assert n in r.stderr, (n, r.stderr)


@pytest.fixture
def pair(sweep, tmp_path):
    """Two scenarios x two seeds, copied so that their manifests can be edited."""
    root = tmp_path / "in"
    for name in ("laptop", "cio2030"):
        for k in (1, 2):
            copy_run(sweep / name / f"rep-{k}", root / name / f"rep-{k}")
    return root


def edit_manifest(path, fn):
    m = json.loads(path.read_text())
    fn(m)
    path.write_text(json.dumps(m))


def test_not_a_run_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("x")
    out = tmp_path / "rep"
    refused(run(report_cmd(tmp_path / "empty", "-o", out)), "not a run directory")
    assert not out.exists()
    refused(run(report_cmd(tmp_path / "empty" / "notes.txt", "-o", out)), "not a directory")
    refused(run(report_cmd(tmp_path / "nowhere", "-o", out)), "no such file or directory")
    assert not out.exists()


def test_garbage_manifest(tmp_path):
    d = tmp_path / "run"
    d.mkdir()
    (d / "manifest.json").write_text("{not json")
    (d / "timeseries.csv").write_text("month,product_group\n")
    refused(run(report_cmd(d, "-o", tmp_path / "rep")), "manifest.json", "cannot read the manifest")


def test_different_model_versions(pair, tmp_path):
    edit_manifest(pair / "cio2030" / "rep-2" / "manifest.json",
                  lambda m: m["program"].update(version="9.9.9"))
    out = tmp_path / "rep"
    refused(run(report_cmd(pair, "-o", out)), "different model versions", "9.9.9", "--force")
    assert not out.exists()
    r = run(report_cmd(pair, "-o", out, "--force", "--years", "2030", "-q", "--no-figures"))
    assert r.returncode == 0, r.stderr
    assert "warning" in r.stderr and "different model versions" in r.stderr
    assert "different model versions" in (out / "report.html").read_text()


def test_different_horizons(pair, tmp_path):
    edit_manifest(pair / "laptop" / "rep-1" / "manifest.json",
                  lambda m: m["config"]["time"].update(end="2050-12"))
    refused(run(report_cmd(pair, "-o", tmp_path / "rep")), "different horizons", "2050-12")


def test_incomplete_run(pair, tmp_path):
    edit_manifest(pair / "laptop" / "rep-1" / "manifest.json", lambda m: m.update(status="failed"))
    refused(run(report_cmd(pair, "-o", tmp_path / "rep")), "not complete", "status failed")


def test_duplicate_seed(pair, sweep, tmp_path):
    copy_run(sweep / "laptop" / "rep-1", pair / "again")
    refused(run(report_cmd(pair, "-o", tmp_path / "rep")), "two runs with seed")


def test_missing_baseline(pair, tmp_path):
    refused(run(report_cmd(pair, "-o", tmp_path / "rep", "--baseline", "npce2025")),
            "baseline scenario 'npce2025' not found", "cio2030, laptop")
    refused(run(report_cmd(pair, "-o", tmp_path / "rep", "--no-subsidy", "nosub")),
            "no-subsidy scenario 'nosub' not found")


def test_default_baseline_without_laptop(pair, tmp_path):
    # neither npce2025 nor laptop: the first scenario alphabetically is the baseline
    (pair / "laptop" / "rep-1").rename(pair / "zzz-1")
    (pair / "laptop" / "rep-2").rename(pair / "zzz-2")
    for k in (1, 2):
        edit_manifest(pair / f"zzz-{k}" / "manifest.json", lambda m: m["config"].update(name="zeta"))
    r = run(report_cmd(pair, "-o", tmp_path / "rep", "--years", "2030", "--no-figures"))
    assert r.returncode == 0, r.stderr
    assert "baseline cio2030" in r.stdout


def test_single_replicate(sweep, tmp_path):
    one = copy_run(sweep / "laptop" / "rep-1", tmp_path / "one")
    out = tmp_path / "rep"
    refused(run(report_cmd(one, "-o", out)), "one replicate", "laptop", "--force")
    assert not out.exists()
    r = run(report_cmd(one, "-o", out, "--force", "--years", "2030", "-q", "--no-figures"))
    assert r.returncode == 0, r.stderr
    with open(out / "summary.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(row["n"] == "1" and row["ci_low"] == "" and row["ci_high"] == "" for row in rows)
    assert "one replicate: mean only, no interval" in (out / "summary.md").read_text()


def test_existing_report_directory(pair, tmp_path):
    out = tmp_path / "rep"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    refused(run(report_cmd(pair, "-o", out)), "not empty", "--overwrite")
    assert (out / "keep.txt").read_text() == "precious"


def test_bad_options(pair, tmp_path):
    r = run(report_cmd(pair, "-o", tmp_path / "rep", "--years", "twenty"))
    assert r.returncode == 2 and "comma-separated" in r.stderr
    r = run(report_cmd(pair, "-o", tmp_path / "rep", "--level", "95"))
    assert r.returncode == 2 and "level" in r.stderr
    r = run(report_cmd(pair))
    assert r.returncode == 2 and "-o" in r.stderr


def test_binary_says_what_to_install(binary, pair, tmp_path):
    env_python = os.environ.get("KETENSIM_PYTHON")
    try:
        os.environ["KETENSIM_PYTHON"] = "/bin/false"
        r = run([binary, "report", pair, "-o", tmp_path / "rep"])
    finally:
        if env_python is None:
            del os.environ["KETENSIM_PYTHON"]
        else:
            os.environ["KETENSIM_PYTHON"] = env_python
    refused(r, "pandas and matplotlib", "apt-get install python3-pandas python3-matplotlib")


def test_script_says_what_to_install(pair, tmp_path):
    # -S hides Debian's dist-packages; the guard variable stops the restart under /usr/bin/python3
    if not os.path.exists("/usr/bin/python3"):
        pytest.skip("no /usr/bin/python3")
    os.environ["KETENSIM_REPORT_RESTARTED"] = "1"
    try:
        r = run(["/usr/bin/python3", "-S", SCRIPT, pair, "-o", tmp_path / "rep"])
    finally:
        del os.environ["KETENSIM_REPORT_RESTARTED"]
    refused(r, "cannot import", "apt-get install python3-pandas python3-matplotlib")


def test_script_restarts_under_a_working_python():
    # an interpreter without pandas (here: -S) restarts the script under /usr/bin/python3
    if not os.path.exists("/usr/bin/python3"):
        pytest.skip("no /usr/bin/python3")
    r = run(["/usr/bin/python3", "-S", SCRIPT, "--help"])
    assert r.returncode == 0, r.stderr
    assert "RUN_OR_SWEEP_DIR" in r.stdout
