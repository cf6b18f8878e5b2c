#!/usr/bin/env python3
"""KetenSim report: compare runs and sweeps of `ketensim run`.

    python3 analysis/ketensim_report.py RUN_OR_SWEEP_DIR... -o REPORT_DIR [--baseline NAME] ...
    ketensim report RUN_OR_SWEEP_DIR... -o REPORT_DIR ...          (the same, through the binary)

Needs Python 3 with pandas and matplotlib (Debian: apt-get install python3-pandas
python3-matplotlib). When this interpreter lacks them, the script restarts itself under
$KETENSIM_PYTHON or /usr/bin/python3 if that one has them, else says what to install.
See analysis/README.md.
"""
import importlib.util
import os
import subprocess
import sys

INSTALL = ("apt-get install python3-pandas python3-matplotlib (Debian/Ubuntu; pip is not needed), "
           "or set KETENSIM_PYTHON to a Python 3 that has pandas and matplotlib")


MODULES = ("numpy", "pandas", "matplotlib")
# Finding the packages is enough here (importing pandas and matplotlib takes a second).
CHECK = "import importlib.util as u, sys; sys.exit(not all(u.find_spec(m) for m in %r))" % (MODULES,)


def _missing():
    return [m for m in MODULES if importlib.util.find_spec(m) is None]


def _restart_elsewhere():
    """Re-executes this script under a Python that has the packages; returns if there is none."""
    if os.environ.get("KETENSIM_REPORT_RESTARTED"):
        return []
    here = os.path.realpath(sys.executable) if sys.executable else ""
    tried = []
    for candidate in (os.environ.get("KETENSIM_PYTHON"), "/usr/bin/python3"):
        if not candidate or not os.access(candidate, os.X_OK):
            continue
        if os.path.realpath(candidate) == here and not sys.flags.no_site:
            continue
        tried.append(candidate)
        check = subprocess.run([candidate, "-c", CHECK],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if check.returncode == 0:
            os.environ["KETENSIM_REPORT_RESTARTED"] = "1"
            os.execv(candidate, [candidate, os.path.abspath(__file__)] + sys.argv[1:])
    return tried


def main():
    if sys.version_info < (3, 8):
        print("ketensim report: error: needs Python 3.8 or newer", file=sys.stderr)
        return 2
    missing = _missing()
    if missing:
        tried = _restart_elsewhere()
        print(f"ketensim report: error: {sys.executable} cannot import {', '.join(missing)}"
              + (f" (nor can {', '.join(tried)})" if tried else "") + f"; install: {INSTALL}",
              file=sys.stderr)
        return 2
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from kreport.cli import main as report_main

    return report_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
