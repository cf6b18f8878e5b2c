"""NPCE 2025 goals and product-group targets, and how the report measures them.

Each goal names the indicator it is measured with (see indicators.py); a goal whose indicator
is not in the time series is listed as "not evaluated" with the reason. Sources: design notes
DOMAIN_NOTES.md section 1.3 (goals) and 2 (EU rules).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from .indicators import NL


@dataclass(frozen=True)
class Goal:
    id: str
    label: str
    indicator: Optional[str]  # None: no column measures it
    group: str
    years: Tuple[int, ...]
    target: float
    sense: str  # at_least or at_most
    note: str
    auto: Optional[str] = None  # regex: a later CSV column that measures it better
    pg_kind: Optional[int] = None  # with auto = pg_target_value: the pg_target_kind it needs


GOALS: List[Goal] = [
    Goal("npce_raw_materials_2035", "NPCE 2025: -15 % raw-material use in 2035 vs 2016",
         "raw_material_index", NL, (2035,), 0.85, "at_most",
         "yearly material use in products made, relative to the first simulated year times "
         "--raw-material-2016-factor (the time series has no 2016 value); the model's own "
         "raw_material_index or raw_material_index_* column is used when the time series has one",
         auto=r"^raw_material_index_(?!.*(primary|abiotic))"),
    Goal("npce_secondary_2035", "NPCE 2025: 55 % secondary or bio-based materials in 2035",
         "secondary_share", NL, (2035,), 0.55, "at_least",
         "secondary share of material use in December; this counts secondary material only (the "
         "model's secondary_bio_share is used when the time series has it)",
         auto=r"^secondary_bio_share$"),
    Goal("npce_recycling_2035", "NPCE 2025: 82 % of waste recycled in 2035", "recycling_rate", NL,
         (2035,), 0.82, "at_least",
         "the model's recycling_rate, December: separately collected / (collected + residual "
         "waste) of the modelled product groups"),
    Goal("primary_abiotic_2030", "2016 programme: -50 % primary abiotic raw materials by 2030",
         "primary_material_index", NL, (2030,), 0.50, "at_most",
         "yearly primary material in products made, relative to the first simulated year times "
         "--primary-material-2016-factor; not split into abiotic and biotic (the model's "
         "primary_abiotic_index is used when the time series has it)",
         auto=r"^(primary_abiotic_index|raw_material_index_.*(primary|abiotic).*)$"),
    Goal("ppwr_rc_2030", "PPWR 2030: 35 % recycled content in plastic packaging",
         "secondary_share", "plastic_packaging", (2030,), 0.35, "at_least",
         "target for 'other plastic packaging' (30 % for contact-sensitive PET and beverage "
         "bottles); secondary share of plastic packaging, December"),
    Goal("ppwr_rc_2040", "PPWR 2040: 65 % recycled content in plastic packaging",
         "secondary_share", "plastic_packaging", (2040,), 0.65, "at_least",
         "target for 'other plastic packaging'; secondary share, December"),
    Goal("weee_collection", "WEEE: 85 % of WEEE generated collected", "collection_rate", "eee",
         (2030, 2035), 0.85, "at_least",
         "collected / end-of-life mass of EEE over the year (the alternative legal target of 65 % "
         "of the 3-year average put on the market is not computed)"),
    Goal("upv_textiles_2030", "UPV textiles: 75 % prepared for reuse or recycled in 2030", None,
         "textiles", (2030,), 0.75, "at_least",
         "needs the reuse + recycling share of discarded textile (recycling_rate leaves out reuse); "
         "measured with pg_target_value when the model writes it with pg_target_kind 1",
         auto=r"^pg_target_value$", pg_kind=1),
    Goal("crma_recycling_eee_2030", "CRMA 2030: 25 % of critical raw materials from recycling (EEE)",
         None, "eee", (2030,), 0.25, "at_least",
         "needs a critical-raw-material column (picked up automatically when one appears)",
         auto=r"(crm|critical)"),
    Goal("crma_recycling_wind_2030",
         "CRMA 2030: 25 % of critical raw materials from recycling (wind and PV)", None, "wind_pv",
         (2030,), 0.25, "at_least",
         "needs a critical-raw-material column (picked up automatically when one appears)",
         auto=r"(crm|critical)"),
]


def resolve(goal: Goal, indicator_names: List[str]) -> Tuple[Optional[str], str]:
    """The indicator that measures the goal, and a note when a later column replaced the default."""
    if goal.auto:
        pattern = re.compile(goal.auto)
        hits = sorted(n for n in indicator_names if pattern.search(n))
        if hits:
            return hits[0], f"measured with the time-series column {hits[0]}"
    if goal.indicator and goal.indicator in indicator_names:
        return goal.indicator, ""
    return None, ""


PG_KINDS = {1: "reuse + recycling share of end of life (UPV)", 2: "collection share (WEEE)",
            3: "recycled content (SUP/PPWR)"}


def scale_for(indicator: str, values: List[float]) -> float:
    """Index columns written on a 100 scale are read as fractions."""
    if indicator.startswith("raw_material_index") and values:
        finite = sorted(v for v in values if v == v)
        if finite and finite[len(finite) // 2] > 5.0:
            return 0.01
    return 1.0


def attainment(goal: Goal, mean: float, low: Optional[float], high: Optional[float]):
    """(met by the mean, met by the whole interval: yes / no / uncertain / n/a, gap).
    The gap is what is still missing: target - mean for 'at least' goals, mean - target for
    'at most' goals; zero or negative means the goal is met (by that margin)."""
    if goal.sense == "at_least":
        met = mean >= goal.target
        gap = goal.target - mean
        interval = None if low is None else ("yes" if low >= goal.target else
                                             "no" if high < goal.target else "uncertain")
    else:
        met = mean <= goal.target
        gap = mean - goal.target
        interval = None if low is None else ("yes" if high <= goal.target else
                                             "no" if low > goal.target else "uncertain")
    return ("yes" if met else "no"), (interval or "n/a"), gap
