"""report.html: self-contained, every figure loads in headless Chromium, no console errors.
A screenshot is kept in $KETENSIM_TEST_ARTEFACTS (the build directory under ctest)."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import artefact_dir

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars"]

# Appended to a copy of the page: after load, writes what every <img> decoded to into the DOM.
PROBE = """<script>window.addEventListener("load", function () {
  var imgs = document.images, ok = 0, widths = [];
  for (var i = 0; i < imgs.length; i++) {
    widths.push(imgs[i].naturalWidth);
    if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++;
  }
  var d = document.createElement("div");
  d.id = "probe";
  d.setAttribute("data-images", imgs.length);
  d.setAttribute("data-loaded", ok);
  d.setAttribute("data-widths", widths.join(","));
  document.body.appendChild(d);
});</script>"""


def chromium(args, tmp_path, name):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium; .ci/setup installs it)")
    profile = tmp_path / f"profile-{name}"
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def console_messages(stderr):
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_self_contained(report):
    html = (report["dir"] / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>")
    srcs = re.findall(r'\bsrc="([^"]*)"', html)
    assert len(srcs) == 5 and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert not re.search(r'\bhref="(https?:)?//', html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert "<script" not in html


def test_runs_and_scenarios_listed(report, sweep):
    html = (report["dir"] / "report.html").read_text()
    import json
    for manifest in sweep.rglob("manifest.json"):
        m = json.loads(manifest.read_text())
        assert str(manifest.parent) in html
        assert m["program"]["git_commit"] in html
    # scenario description (manifest) and the header comment of the config file
    assert "Laptop default: S0 NPCE 2025 baseline with 20,000 household agents" in html
    assert "The laptop default: the NPCE 2025 baseline" in html
    assert "government.schemes.cio.last_year=2030" in html  # overrides from the command line


def test_figures_load_without_console_errors(report, tmp_path):
    """One Chromium start: loads a copy of the page with the probe, dumps the DOM after load and
    takes the screenshot (kept as a test artefact). Console messages show up in Chromium's log
    as ':CONSOLE' lines (checked by hand with a page calling console.error)."""
    keep = artefact_dir() or tmp_path
    keep.mkdir(parents=True, exist_ok=True)
    shot = keep / "report_screenshot.png"
    if shot.exists():
        shot.unlink()
    page = tmp_path / "probe.html"
    html = (report["dir"] / "report.html").read_text()
    page.write_text(html.replace("</body>", PROBE + "</body>"))
    r = chromium(["--virtual-time-budget=10000", "--window-size=1280,4000", f"--screenshot={shot}",
                  "--dump-dom", page.as_uri()], tmp_path, "dom")
    assert r.returncode == 0, r.stderr[-2000:]
    m = re.search(r'<div id="probe" data-images="(\d+)" data-loaded="(\d+)" data-widths="([^"]*)"', r.stdout)
    assert m, "the probe did not run: " + r.stdout[-500:]
    assert int(m.group(1)) == 5, m.group(0)
    assert int(m.group(2)) == 5, m.group(0)
    assert all(int(w) >= 800 for w in m.group(3).split(",")), m.group(0)
    assert console_messages(r.stderr) == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if artefact_dir():
        shutil.copytree(report["dir"], keep / "report", dirs_exist_ok=True)
