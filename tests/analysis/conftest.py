"""Fixtures for the report tool's tests: small runs made by the simulator itself.

The ketensim binary comes from $KETENSIM_BIN (set by ctest), else build/release/bin/ketensim.
Three scenarios x three seeds (common random numbers: the same seeds in every scenario), laid
out as a sweep would be: SWEEP/<scenario>/rep-<k>/.
"""
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "analysis" / "ketensim_report.py"
CONFIG = REPO / "configs" / "laptop.yaml"
SEEDS = [11, 12, 13]
COMMON = ["--set", "households.count=2000", "--set", "time.end=2036-12", "--no-progress"]
SCENARIOS = {
    "laptop": [],
    "cio2030": ["--set", "government.schemes.cio.last_year=2030", "--set", "name=cio2030"],
    "nosub": ["--set", "government.programme_share=0", "--set", "name=nosub"],
}
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1",
           "OMPI_MCA_btl_vader_single_copy_mechanism": "none",
           "OMPI_MCA_btl_tcp_if_include": "lo", "OMPI_MCA_oob_tcp_if_include": "lo"}


def ketensim_bin() -> Path:
    b = os.environ.get("KETENSIM_BIN")
    return Path(b) if b else REPO / "build" / "release" / "bin" / "ketensim"


def env():
    e = dict(os.environ)
    for k, v in MPI_ENV.items():
        e.setdefault(k, v)
    e["PYTHONDONTWRITEBYTECODE"] = "1"
    return e


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env(), **kw)


@pytest.fixture(scope="session")
def binary():
    b = ketensim_bin()
    if not b.is_file():
        pytest.skip(f"ketensim binary not found at {b} (build it, or set KETENSIM_BIN)")
    return b


@pytest.fixture(scope="session")
def sweep(binary, tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    jobs = [(name, k, seed) for name in SCENARIOS for k, seed in enumerate(SEEDS, start=1)]

    def one(job):
        name, k, seed = job
        cmd = [binary, "run", CONFIG, "-o", out / name / f"rep-{k}", "--seed", seed] + COMMON + SCENARIOS[name]
        r = run(cmd)
        assert r.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{r.stderr}"

    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        list(pool.map(one, jobs))
    return out


@pytest.fixture(scope="session")
def report(binary, sweep, tmp_path_factory):
    """A report made through `ketensim report` (the binary hands over to the script)."""
    out = tmp_path_factory.mktemp("report") / "rep"
    r = run([binary, "report", sweep, "-o", out, "--no-subsidy", "nosub"])
    assert r.returncode == 0, r.stderr
    return dict(dir=out, stdout=r.stdout, stderr=r.stderr)


def copy_run(src: Path, dst: Path):
    """A run directory without its logs."""
    dst.mkdir(parents=True)
    for f in ("manifest.json", "timeseries.csv"):
        shutil.copy(src / f, dst / f)
    return dst


def artefact_dir() -> Path:
    d = os.environ.get("KETENSIM_TEST_ARTEFACTS")
    return Path(d) if d else None


PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
