"""KetenSim report tool: compares runs and sweeps (tables, figures, report.html).
Entry point: analysis/ketensim_report.py, or `ketensim report`."""
