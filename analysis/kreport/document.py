"""Assembles the report (summary.md and report.html share it) from the tables and figures."""
from __future__ import annotations

from pathlib import Path
from typing import List

import pandas as pd

from . import render
from .indicators import BY_NAME, NL
from .runs import config_header
from .tables import Data, side_effect_indicators

NL_TABLE = ["adoption_share_firms", "adoption_share_output", "firms_circular", "adoptions_total",
            "raw_material_index", "primary_abiotic_index", "primary_material_index", "secondary_share",
            "secondary_bio_share", "recycling_rate", "crm_domestic_recycling_share",
            "collection_rate", "primary_material_t", "primary_material_cum_t", "subsidy_paid_eur",
            "subsidy_paid_cum_eur", "subsidy_committed_cum_eur", "budget_envelope_cum_eur",
            "budget_use_share", "firm_exits_cum", "capacity_lost_cum", "import_dependency"]
GROUP_TABLE = ["adoption_share_firms", "adoption_share_output", "adopted_reduce", "adopted_substitute",
               "adopted_extend", "adopted_recycle", "raw_material_index", "primary_abiotic_index",
               "secondary_share", "secondary_bio_share", "recycling_rate", "collection_rate",
               "pg_target_value", "pg_target", "crm_domestic_recycling_share", "import_dependency",
               "subsidy_paid_cum_eur", "firm_exits_cum", "capacity_lost_cum", "virgin_price_eur_t", "recyclate_price_eur_t"]


def _indicator_unit(data: Data, name: str) -> str:
    for i in data.indicators:
        if i.name == name:
            return i.unit
    return ""


def _label(data: Data, name: str) -> str:
    for i in data.indicators:
        if i.name == name:
            return i.label
    return name


def comparison_table(doc, data: Data, group: str, year: int, names: List[str], collapsed=None):
    """Rows: indicators; columns: scenarios; cells: mean [interval] and the paired difference."""
    base = data.runset.baseline
    have = {i.name for i in data.indicators}
    extra = [i.name for i in data.indicators if i.name not in BY_NAME] if group == NL else []
    rows = []
    for name in [n for n in names if n in have] + extra:
        unit = _indicator_unit(data, name)
        row = [f"{_label(data, name)} ({name})"]
        any_value = False
        for s in data.scenarios:
            est = data.estimate(s, group, name, year)
            if est is None:
                row.append("–")
                continue
            any_value = True
            cell = [render.estimate(est.mean, est.low, est.high, unit)]
            if s != base:
                d = data.paired(s, base, group, name, year)
                if d is not None:
                    cell.append("Δ " + render.estimate(d.mean, d.low, d.high, unit, diff=True))
            row.append(cell)
        if any_value:
            rows.append(row)
    headers = ["indicator"] + [f"{s} (baseline)" if s == base else s for s in data.scenarios]
    doc.table(headers, rows, collapsed=collapsed)


def build(data: Data, goals: pd.DataFrame, cost: pd.DataFrame, rank: pd.DataFrame, figures,
          warnings: List[str], source_dir: Path, args) -> render.Doc:
    rs = data.runset
    base = rs.baseline
    runs = rs.runs
    doc = render.Doc("KetenSim scenario report: " + ", ".join(data.scenarios))
    lvl = f"{data.level:.0%}"

    # ---- inputs ---------------------------------------------------------------------------------
    doc.h(1, "Inputs", "inputs")
    versions = sorted({r.model_version for r in runs})
    horizons = sorted({r.horizon for r in runs})
    doc.p(f"{len(runs)} runs of {len(rs.scenarios)} scenario(s); model version "
          f"{', '.join(versions)}; horizon {', '.join(horizons)}. Baseline: {base}. "
          f"No-subsidy counterpart: {rs.no_subsidy or 'none given (no deadweight)'}. "
          f"Report years: {', '.join(map(str, data.years))}"
          + (f" (not simulated, left out: {', '.join(map(str, data.years_skipped))})"
             if data.years_skipped else "")
          + f"; headline year {data.headline_year}.")
    doc.table(["scenario", "replicates", "seeds"],
              [[s, str(len(rs.scenarios[s])), ", ".join(str(r.seed) for r in rs.scenarios[s])]
               for s in data.scenarios], numeric_from=1)
    if warnings:
        doc.h(2, "Warnings")
        doc.items(warnings, "warn")

    doc.h(1, "How to read this report", "method")
    doc.items([
        f"Each number is the mean over the replicates (runs with different seeds) of a scenario; "
        f"[low; high] is the {lvl} confidence interval of that mean, mean ± t(0.5 + {data.level:g}/2, "
        f"n - 1) × sd / √n (Student t, n replicates). A scenario with one replicate has no interval.",
        f"Δ is the difference to the baseline ({base}), paired by seed (replicates with the same seed "
        f"share their random numbers); its interval is the {lvl} t interval of the mean of the paired "
        f"differences. Shares are in %, their differences in percentage points (pp).",
        "Stocks, shares and ratios are the December row of the year; flows (material, subsidy, "
        "bankruptcies) are summed over the calendar year ('year') or from the first simulated month "
        "to December ('cumulative').",
        f"The raw-material and primary-material indices are yearly use relative to the first "
        f"simulated year, times a 2016 factor (--raw-material-2016-factor "
        f"{data.factors.get('raw_material_index', 1.0):g}, --primary-material-2016-factor "
        f"{data.factors.get('primary_material_index', 1.0):g}): 1 means as in 2016.",
        "National totals are the NL rows; product groups have their own rows. All numbers per seed "
        "and the full set of indicators are in summary.csv.",
    ] + data.notes)

    # ---- goals ----------------------------------------------------------------------------------
    doc.h(1, "NPCE goals and product-group targets", "goals")
    doc.p("Met: whether the mean reaches the target; whole interval: yes when the entire interval "
          "reaches it, no when none of it does, uncertain otherwise. Gap: what is still missing "
          "(target - mean for 'at least' goals, mean - target for 'at most' goals; negative means "
          "met with that margin).")
    rows, measured = [], {}
    for g in goals.itertuples(index=False):
        unit = (_indicator_unit(data, g.indicator) if g.indicator else "") or "share"
        target = ("≤ " if g.sense == "at most" else "≥ ") + render.value(g.target, unit)
        if g.status == "evaluated":
            est = render.estimate(g.mean, g.ci_low, g.ci_high, unit)
            gap = render.num(g.gap, unit, signed=True) + render.DIFF_SUFFIX.get(unit, "")
            rows.append([g.label, g.product_group, str(g.year), target, g.scenario, est, g.met,
                         g.met_whole_interval, gap])
            measured.setdefault(g.label, f"{g.label}: {g.indicator} ({g.product_group}); {g.note}")
        else:
            # not evaluated: one row for all scenarios
            if any(r[0] == g.label and r[2] == str(g.year) for r in rows):
                continue
            rows.append([g.label, g.product_group, str(g.year), target, "all", "–", "–", "–", "–"])
            measured.setdefault(g.label, f"{g.label}: {g.status}")
    doc.table(["goal", "group", "year", "target", "scenario", f"mean [{lvl}]", "met",
               "whole interval", "gap"], rows, numeric_from=2)
    doc.p("How each goal is measured:")
    doc.items(list(measured.values()))

    # ---- headline tables ------------------------------------------------------------------------
    for y in data.years:
        doc.h(1, f"National indicators, {y}", f"nl-{y}")
        comparison_table(doc, data, NL, y, NL_TABLE)

    # ---- cost-effectiveness ---------------------------------------------------------------------
    doc.h(1, "Cost-effectiveness of public money", "cost")
    doc.p("Public money: subsidy paid, cumulative from the start (NL). Additional money, adopting "
          "firms (firms_circular, December), adoptions (sum of adopted_*) and primary material "
          "avoided (reference minus scenario, cumulative tonnes) are paired differences to the "
          "reference by seed. EUR per additional adopting firm / adoption / tonne avoided = mean "
          "additional money / mean additional effect; left empty (with a note) when the effect or the "
          "additional money is not positive. Deadweight (only against the no-subsidy run given with "
          "--no-subsidy): the share of subsidised adoptions that happen anyway without any subsidy. "
          "Firm level when the runs have adoptions.csv: subsidised adoptions that the paired run "
          "(same seed) also makes, same firm and strategy, no later than 12 months after, and the "
          "grants they received. Otherwise an aggregate approximation from the time series: "
          "1 - additional adoptions / subsidy grants, clipped to [0, 1], times public money.")
    rows = []
    for c in cost.itertuples(index=False):
        def est(name, unit):
            return render.estimate(getattr(c, name), getattr(c, f"{name}_ci_low"),
                                   getattr(c, f"{name}_ci_high"), unit,
                                   diff=name.startswith(("additional", "primary")))
        dw = "–" if pd.isna(c.deadweight_share) else [
            render.estimate(c.deadweight_share, c.deadweight_share_ci_low, c.deadweight_share_ci_high,
                            "share"),
            render.value(c.deadweight_eur, "EUR") + f" ({c.deadweight_method})"]
        rows.append([c.scenario, f"{c.reference} ({c.reference_kind})", str(c.year),
                     est("public_money_eur", "EUR"), est("additional_money_eur", "EUR"),
                     est("additional_adopters", "count"), est("additional_adoptions", "count"),
                     est("primary_avoided_t", "t"), render.value(c.eur_per_additional_adopter, "EUR"),
                     render.value(c.eur_per_additional_adoption, "EUR"),
                     render.value(c.eur_per_t_primary_avoided, "EUR"), dw, c.note])
    doc.table(["scenario", "vs", "year", "public money", "additional money", "additional adopting firms",
               "additional adoptions", "primary avoided", "€ / adopting firm", "€ / adoption",
               "€ / t avoided", "deadweight", "note"], rows, numeric_from=2)
    if len(data.scenarios) == 1 and not rs.no_subsidy:
        doc.p("Only one scenario: nothing to compare the public money with.")

    # ---- side effects ---------------------------------------------------------------------------
    doc.h(1, "Side effects", "side-effects")
    doc.p("Bankruptcies (firm_exits) and capacity lost (demand weight of exiting firms: SME 1, large "
          "firms the configured factor) cumulative from the start; import dependency in December. "
          "A critical-raw-material column is shown here when the time series has one.")
    names = side_effect_indicators(data)
    for y in data.years:
        doc.h(2, f"NL, {y}")
        comparison_table(doc, data, NL, y, names)
    y = data.headline_year
    doc.h(2, f"Bankruptcies and capacity lost per product group, cumulative to {y}")
    rows = []
    for g in data.groups[1:]:
        row = [g]
        for s in data.scenarios:
            a = data.estimate(s, g, "firm_exits_cum", y)
            b = data.estimate(s, g, "capacity_lost_cum", y)
            row.append([render.estimate(a.mean, a.low, a.high, "count") if a else "–",
                        "capacity " + (render.estimate(b.mean, b.low, b.high, "weight") if b else "–")])
        rows.append(row)
    doc.table(["product group"] + data.scenarios, rows)

    # ---- figures --------------------------------------------------------------------------------
    doc.h(1, "Figures", "figures")
    for f in figures:
        doc.figure(f)
    if not figures:
        doc.p("Figures left out (--no-figures).")
    if not rank.empty:
        doc.h(2, f"Scenario ranking, {data.headline_year}")
        rows = []
        for name in dict.fromkeys(rank["indicator"]):
            t = rank[rank["indicator"] == name].sort_values("rank")
            unit = t["unit"].iloc[0]
            rows.append([f"{t['label'].iloc[0]} ({t['better'].iloc[0]} is better)"]
                        + [f"{r.rank}. {r.scenario}: {render.value(r.mean, unit)}" for r in t.itertuples()])
        doc.table(["indicator"] + [f"rank {i + 1}" for i in range(len(data.scenarios))], rows)

    # ---- product groups -------------------------------------------------------------------------
    doc.h(1, f"Product groups, {data.headline_year}", "groups")
    for g in data.groups[1:]:
        comparison_table(doc, data, g, data.headline_year, GROUP_TABLE, collapsed=f"{g}")

    # ---- scenarios and runs ---------------------------------------------------------------------
    doc.h(1, "Scenarios", "scenarios")
    for s in data.scenarios:
        rs_runs = rs.scenarios[s]
        doc.h(2, s + (" (baseline)" if s == base else "") + (" (no subsidy)" if s == rs.no_subsidy else ""))
        descs = sorted({r.description for r in rs_runs if r.description})
        if descs:
            doc.p(" / ".join(descs))
        configs = sorted({r.config_path for r in rs_runs})
        doc.p("Config: " + ", ".join(configs))
        overrides = sorted({" ".join(r.overrides) for r in rs_runs})
        overrides = [o for o in overrides if o]
        if overrides:
            doc.p("Overrides (--set): " + " | ".join(overrides))
        found, header = config_header(rs_runs[0], source_dir)
        if header:
            doc.p(f"Header of {found}:")
            doc.pre(header)
        elif configs and configs[0]:
            doc.p(f"(config file {configs[0]} not readable from here; its resolved copy is "
                  f"config.resolved.yaml in each run directory)")

    doc.h(1, "Runs", "runs")
    rows = []
    for r in runs:
        m = r.manifest
        wall = m.get("wall_seconds")
        rows.append([r.scenario, str(r.seed), str(r.path), r.config_path, r.version, r.commit,
                     str(m.get("ranks", "")), r.status, str(m.get("start_time", "")),
                     f"{wall:.1f}" if isinstance(wall, (int, float)) else ""])
    doc.table(["scenario", "seed", "run directory", "config", "version", "commit", "ranks", "status",
               "started (UTC)", "wall s"], rows, numeric_from=6)
    if rs.sweeps:
        doc.p("Sweep files: " + ", ".join(str(p) for p in rs.sweeps))
    doc.p(f"Made by `ketensim report` with: {' '.join(args)}")
    return doc
