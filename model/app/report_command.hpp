// `ketensim report`: hands over to the Python report tool (analysis/ketensim_report.py)
// with the same arguments. Needs no MPI, so main() calls it before MPI starts.
#pragma once

namespace ketensim::app {

// Finds the report script (installed next to the binary, or the source tree this binary
// was built from) and a Python 3 that imports pandas and matplotlib ($KETENSIM_PYTHON,
// /usr/bin/python3, then python3 on PATH), and replaces this process with it. Returns
// only on failure: 2 (no script or no working Python, with a message saying what to
// install) or 1 (exec failed).
int run_report(int argc, char** argv);

}  // namespace ketensim::app
