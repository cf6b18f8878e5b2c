"""Helpers shared by the Python end-to-end tests: checks that collect
failures, and readers of a run directory's CSV files. Standard library only."""
import csv
import os

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
