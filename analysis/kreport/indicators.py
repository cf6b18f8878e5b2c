"""Indicators per run, product group and year, from a run's timeseries.csv.

Aggregation over the months of a year (documented in analysis/README.md):
  december    the value in the December row of the year (stocks, shares, ratios, prices,
              and the NL cumulative columns of the CSV);
  year_sum    the sum over the 12 months of the calendar year (flows); empty if the year is
              not fully simulated;
  cumulative  the sum from the first simulated month to December of the year (flows);
  year_ratio  ratio of two yearly sums;
  year_mean   the mean of the 12 monthly values (the model's own monthly indices against a
              constant 2016 level, whose yearly mean is the yearly index);
  index       the yearly sum divided by the sum over the first 12 simulated months, times a
              configurable factor (the first simulated year's level relative to 2016), so
              that 1.0 means "as in 2016".
Columns of later model versions (the raw-material indices vs 2016, secondary_bio_share,
crm_domestic_recycling_share, product-group targets, exits by role, public revenues) are in the
catalogue and used when present; the model's raw_material_index column then replaces the
estimate from material_use_t. Columns the report does not know at all are picked up
automatically: flows (names ending in _eur, _t, _units, or exits_/capacity_lost_ columns) as
yearly sums, everything else with the December aggregation.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import pandas as pd

from .runs import ReportError

KEYS = ("month", "product_group")
NL = "NL"


@dataclass(frozen=True)
class Indicator:
    name: str
    label: str
    unit: str  # share, index, count, t, EUR, EUR/t, units, weight
    aggregation: str  # december, year_sum, cumulative, year_ratio, year_mean, index
    source: tuple  # CSV column(s) it is computed from
    groups: str = "all"  # all (NL and each product group), nl, pg
    better: Optional[str] = None  # higher, lower, None


def _dec(col, label, unit, groups="all", better=None):
    return Indicator(col, label, unit, "december", (col,), groups, better)


CATALOG: List[Indicator] = [
    # adoption (stocks at the end of the year)
    _dec("adoption_share_firms", "Adoption share (firms)", "share", better="higher"),
    _dec("adoption_share_output", "Adoption share (output-weighted)", "share", better="higher"),
    _dec("firms_circular", "Circular firms", "count", better="higher"),
    _dec("adopted_reduce", "Firms adopting reduce", "count", better="higher"),
    _dec("adopted_substitute", "Firms adopting substitute", "count", better="higher"),
    _dec("adopted_extend", "Firms adopting extend", "count", better="higher"),
    _dec("adopted_recycle", "Firms adopting recycle", "count", better="higher"),
    Indicator("adoptions_total", "Strategy adoptions (sum of adopted_*)", "count", "december",
              ("adopted_reduce", "adopted_substitute", "adopted_extend", "adopted_recycle"),
              better="higher"),
    _dec("firms_alive", "Firms alive", "count", better="higher"),
    # households
    _dec("share_new_circular", "Purchases: new circular", "share", better="higher"),
    _dec("share_second_hand", "Purchases: second hand", "share", better="higher"),
    _dec("share_service", "Purchases: product as a service", "share", better="higher"),
    _dec("share_new_linear", "Purchases: new linear", "share", better="lower"),
    # materials; the model's own indices (later versions) come first and win over the estimates
    Indicator("raw_material_index", "Raw-material use index (2016 = 1, model)", "index", "year_mean",
              ("raw_material_index",), better="lower"),
    Indicator("primary_abiotic_index", "Primary abiotic material index (2016 = 1, model)", "index",
              "year_mean", ("primary_abiotic_index",), better="lower"),
    _dec("secondary_bio_share", "Secondary + bio-based share of material use", "share",
         better="higher"),
    Indicator("raw_material_index", "Raw-material use index (2016 = 1)", "index", "index",
              ("material_use_t",), better="lower"),
    Indicator("primary_material_index", "Primary material index (2016 = 1)", "index", "index",
              ("primary_material_t",), better="lower"),
    _dec("secondary_share", "Secondary share of material use", "share", better="higher"),
    _dec("recycling_rate", "Recycling rate", "share", better="higher"),
    Indicator("collection_rate", "Separate collection rate (collected / end of life, year)",
              "share", "year_ratio", ("collected_t", "end_of_life_t"), better="higher"),
    Indicator("material_use_t", "Material use (year)", "t", "year_sum", ("material_use_t",),
              better="lower"),
    Indicator("primary_material_t", "Primary material (year)", "t", "year_sum",
              ("primary_material_t",), better="lower"),
    Indicator("primary_material_cum_t", "Primary material (cumulative)", "t", "cumulative",
              ("primary_material_t",), better="lower"),
    Indicator("secondary_material_t", "Secondary material (year)", "t", "year_sum",
              ("secondary_material_t",), better="higher"),
    Indicator("end_of_life_t", "End of life (year)", "t", "year_sum", ("end_of_life_t",)),
    Indicator("collected_t", "Collected (year)", "t", "year_sum", ("collected_t",), better="higher"),
    Indicator("purchases_units", "Purchases (year)", "units", "year_sum", ("purchases_units",)),
    Indicator("repairs_units", "Repairs (year)", "units", "year_sum", ("repairs_units",)),
    Indicator("reused_t", "Reused or resold (year)", "t", "year_sum", ("reused_t",), better="higher"),
    Indicator("residual_t", "Residual waste (year)", "t", "year_sum", ("residual_t",), better="lower"),
    Indicator("recyclate_t", "Recyclate sold (year)", "t", "year_sum", ("recyclate_t",),
              better="higher"),
    _dec("pg_target_value", "Product-group target indicator (model)", "share", groups="pg",
         better="higher"),
    _dec("pg_target", "Product-group target (model config)", "share", groups="pg"),
    _dec("crm_domestic_recycling_share", "Critical raw materials from domestic recycling", "share",
         better="higher"),
    _dec("virgin_price_eur_t", "Virgin material price", "EUR/t", groups="pg"),
    _dec("recyclate_price_eur_t", "Recyclate price", "EUR/t", groups="pg"),
    # public money
    Indicator("subsidy_paid_eur", "Subsidy paid (year)", "EUR", "year_sum", ("subsidy_paid_eur",)),
    Indicator("subsidy_paid_cum_eur", "Subsidy paid (cumulative)", "EUR", "cumulative",
              ("subsidy_paid_eur",)),
    Indicator("subsidy_committed_eur", "Subsidy committed (year)", "EUR", "year_sum",
              ("subsidy_committed_eur",)),
    _dec("subsidy_committed_cum_eur", "Subsidy committed (cumulative)", "EUR", groups="nl"),
    _dec("budget_envelope_cum_eur", "Budget envelope (cumulative)", "EUR", groups="nl"),
    Indicator("budget_use_share", "Committed / budget envelope (cumulative)", "share", "december",
              ("subsidy_committed_cum_eur", "budget_envelope_cum_eur"), groups="nl"),
    Indicator("subsidy_grants_cum", "Subsidy grants (cumulative)", "count", "cumulative",
              ("subsidy_grants",)),
    Indicator("subsidy_applications", "Subsidy applications (year)", "count", "year_sum",
              ("subsidy_applications",)),
    Indicator("eu_penalties_cum_eur", "EU penalties (cumulative)", "EUR", "cumulative",
              ("eu_penalties_eur",), better="lower"),
    Indicator("chain_project_applications", "Chain-project applications (year)", "count", "year_sum",
              ("chain_project_applications",)),
    Indicator("epr_fees_cum_eur", "EPR fees (cumulative)", "EUR", "cumulative", ("epr_fees_eur",)),
    Indicator("waste_tax_cum_eur", "Waste tax (cumulative)", "EUR", "cumulative", ("waste_tax_eur",)),
    Indicator("plastic_levy_cum_eur", "Plastic levy (cumulative)", "EUR", "cumulative",
              ("plastic_levy_eur",)),
    Indicator("procurement_cum_eur", "Public procurement (cumulative)", "EUR", "cumulative",
              ("procurement_eur",)),
    Indicator("crisis_loans_cum_eur", "Crisis loans (cumulative)", "EUR", "cumulative",
              ("crisis_loans_eur",)),
    _dec("adaptive_triggers", "Adaptive policy triggers (so far)", "count", groups="nl"),
    # side effects
    Indicator("firm_exits", "Bankruptcies (year)", "count", "year_sum", ("firm_exits",),
              better="lower"),
    Indicator("firm_exits_cum", "Bankruptcies (cumulative)", "count", "cumulative", ("firm_exits",),
              better="lower"),
    Indicator("capacity_lost_cum", "Capacity lost (cumulative, demand weight)", "weight",
              "cumulative", ("capacity_lost",), better="lower"),
    Indicator("firm_entries_cum", "Entrants (cumulative)", "count", "cumulative", ("firm_entries",)),
] + [
    Indicator(f"{what}_{role}_cum", f"{label} {role}s (cumulative)", unit, "cumulative",
              (f"{what}_{role}",), better="lower")
    for role in ("producer", "refurbisher", "recycler", "manufacturer", "retailer", "collector")
    for what, label, unit in (("exits", "Bankruptcies of", "count"),
                              ("capacity_lost", "Capacity lost by", "weight"))
] + [
    _dec("import_dependency", "Import dependency", "share", better="lower"),
    _dec("firm_cash_eur", "Cash of alive firms", "EUR"),
]

BY_NAME: Dict[str, Indicator] = {}
for _i in CATALOG:
    BY_NAME.setdefault(_i.name, _i)
# Every column of timeseries.csv documented in docs/OUTPUTS.md.
DOCUMENTED_COLUMNS = {
    "month", "product_group", "firms_alive", "firms_circular", "adopted_reduce",
    "adopted_substitute", "adopted_extend", "adopted_recycle", "adoption_share_firms",
    "adoption_share_output", "purchases_units", "share_new_linear", "share_new_circular",
    "share_second_hand", "share_service", "material_use_t", "primary_material_t",
    "secondary_material_t", "secondary_share", "import_dependency", "end_of_life_t", "collected_t",
    "recycling_rate", "virgin_price_eur_t", "recyclate_price_eur_t", "subsidy_applications",
    "subsidy_grants", "subsidy_committed_eur", "subsidy_paid_eur", "subsidy_committed_cum_eur",
    "budget_envelope_cum_eur", "eu_penalties_eur", "firm_entries", "firm_exits", "capacity_lost",
    "firm_cash_eur"}
KNOWN_COLUMNS = DOCUMENTED_COLUMNS | {c for i in CATALOG for c in i.source} | {"year", "pg_target_kind"}
FLOW_SUFFIXES = ("_eur", "_t", "_units")


def available(columns: List[str]) -> List[Indicator]:
    """Catalogue entries whose columns the time series has; for a name listed twice, the first
    (the model's own column) wins over the estimate."""
    out, seen = [], set()
    for i in CATALOG:
        if i.name not in seen and all(c in columns for c in i.source):
            out.append(i)
            seen.add(i.name)
    return out + extra_indicators(columns)


def extra_indicators(columns: List[str]) -> List[Indicator]:
    """Columns not in the catalogue: flows as yearly sums, everything else in December."""
    out = []
    for c in columns:
        if c in KNOWN_COLUMNS:
            continue
        better = None
        if c.startswith("raw_material_index") or c.endswith("_index"):
            unit, better = "index", "lower"
        elif "share" in c or "rate" in c:
            unit = "share"
        else:
            unit = ""
        if "crm" in c or "critical" in c:
            better = "higher"
        flow = ("_cum" not in c) and (c.endswith(FLOW_SUFFIXES) or c.startswith(("exits_", "capacity_lost_")))
        if flow:
            unit = "EUR" if c.endswith("_eur") else "t" if c.endswith("_t") else unit
            out.append(Indicator(c, c.replace("_", " ") + " (year)", unit, "year_sum", (c,), "all", better))
        else:
            out.append(Indicator(c, c.replace("_", " "), unit, "december", (c,), "all", better))
    return out


def read_timeseries(path: Path) -> pd.DataFrame:
    try:
        ts = pd.read_csv(path, dtype={"month": str, "product_group": str})
    except Exception as e:  # pandas raises several types for malformed files
        raise ReportError(f"{path}: cannot read the time series: {e}") from e
    missing = [k for k in KEYS if k not in ts.columns]
    if missing:
        raise ReportError(f"{path}: not a KetenSim time series (no column {', '.join(missing)})")
    if ts.empty:
        raise ReportError(f"{path}: the time series has no rows")
    bad = ~ts["month"].str.fullmatch(r"\d{4}-\d{2}")
    if bad.any():
        raise ReportError(f"{path}: month '{ts['month'][bad].iloc[0]}' is not YYYY-MM")
    ts["year"] = ts["month"].str.slice(0, 4).astype(int)
    return ts


def run_values(ts: pd.DataFrame, indicators: List[Indicator], factors: Dict[str, float]) -> pd.DataFrame:
    """Long table (product_group, year, indicator, value) for every year that has a December."""
    ts = ts.sort_values(["month", "product_group"])
    months = sorted(ts["month"].unique())
    first12 = set(months[:12])
    key = ["product_group", "year"]
    n_months = ts.groupby(key)["month"].nunique()
    dec = ts[ts["month"].str.endswith("-12")].set_index(key)
    wide = pd.DataFrame(index=dec.index)
    columns = set(ts.columns)

    def yearly(col):
        return ts.groupby(key)[col].sum(min_count=1).reindex(wide.index)

    def complete(series):
        return series.where(n_months.reindex(series.index) == 12)

    def cumulative(col):
        raw = ts.groupby(key)[col].sum(min_count=1).fillna(0.0)
        return raw.groupby(level=0).cumsum().reindex(wide.index)

    for ind in indicators:
        if not all(c in columns for c in ind.source) or ind.name in wide.columns:
            continue
        a = ind.aggregation
        if ind.name == "adoptions_total":
            v = dec[list(ind.source)].sum(axis=1, min_count=1)
        elif ind.name == "budget_use_share":
            num, den = dec[ind.source[0]], dec[ind.source[1]]
            v = num / den.where(den > 0)
        elif a == "december":
            v = dec[ind.source[0]]
        elif a == "year_sum":
            v = complete(yearly(ind.source[0]))
        elif a == "year_mean":
            v = complete(ts.groupby(key)[ind.source[0]].mean().reindex(wide.index))
        elif a == "cumulative":
            v = cumulative(ind.source[0])
        elif a == "year_ratio":
            num, den = complete(yearly(ind.source[0])), complete(yearly(ind.source[1]))
            v = num / den.where(den > 0)
        elif a == "index":
            col = ind.source[0]
            base = ts[ts["month"].isin(first12)].groupby("product_group")[col].sum(min_count=1)
            base = base.where(base > 0)
            y = complete(yearly(col))
            b = base.reindex(y.index.get_level_values(0)).to_numpy()
            v = y / b * factors.get(ind.name, 1.0)
        else:
            raise AssertionError(a)
        wide[ind.name] = pd.to_numeric(v, errors="coerce")
    long = wide.reset_index().melt(id_vars=key, var_name="indicator", value_name="value")
    keep = []
    groups = {i.name: i.groups for i in indicators}
    for g, name in zip(long["product_group"], long["indicator"]):
        scope = groups.get(name, "all")
        keep.append(scope == "all" or (scope == "nl") == (g == NL))
    return long[np.array(keep, dtype=bool)]
