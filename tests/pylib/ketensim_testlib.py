"""Helpers shared by the Python end-to-end tests: checks that collect
failures, and readers of a run directory's CSV files. Standard library only."""
import collections
import csv
import os
import subprocess

failures = []


def check(ok, message):
    """Print ok/FAIL with the message; remember failures (the test exits 1 at the end)."""
    print(("ok: " if ok else "FAIL: ") + message, flush=True)
    if not ok:
        failures.append(message)


def rows(path, name="timeseries.csv"):
    """All rows of RUN_DIR/name as dicts."""
    with open(os.path.join(path, name), newline="") as f:
        return list(csv.DictReader(f))


def nl(path):
    """The national (NL) rows of RUN_DIR/timeseries.csv."""
    return [r for r in rows(path) if r["product_group"] == "NL"]


OUTPUTS = ("timeseries.csv", "adoptions.csv", "subsidy_decisions.csv")


def check_same_outputs(a, b, label):
    """Check that two run directories hold byte-identical output CSV files."""
    import filecmp

    for f in OUTPUTS:
        check(filecmp.cmp(os.path.join(a, f), os.path.join(b, f), shallow=False),
              f"{f} identical {label}")


def finish(what):
    """Exit 1 if any check failed, else say that all passed."""
    import sys

    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print(f"all {what} checks passed")


def run_model(mpiexec, ketensim, config, out, ranks=1, args=()):
    """`ketensim run CONFIG -o OUT` quietly on RANKS ranks (overwriting OUT); raises
    CalledProcessError on a non-zero exit. Returns OUT."""
    cmd = [mpiexec, "-np", str(ranks), ketensim, "run", config, "-o", out, "--overwrite",
           "--no-progress", "--log-level", "warn", *args]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return out


def by_group(path):
    """The rows of RUN_DIR/timeseries.csv per product group (NL included), in month order."""
    out = collections.defaultdict(list)
    for r in rows(path):
        out[r["product_group"]].append(r)
    return out
