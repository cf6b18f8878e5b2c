"""The report's numbers: per-run indicator values, the summary across replicates with paired
differences to the baseline, goal attainment, cost-effectiveness and side effects."""
from __future__ import annotations

import csv
import math
from collections import defaultdict
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pandas as pd

from . import goals as goals_mod
from .indicators import BY_NAME, NL, Indicator, read_timeseries, run_values
from .indicators import available as available_indicators
from .runs import ReportError, RunSet
from .stats import Estimate, mean_interval, paired_interval


@dataclass
class Data:
    runset: RunSet
    series: Dict[Path, pd.DataFrame]  # run path -> timeseries
    values: pd.DataFrame  # scenario, seed, product_group, year, indicator, value
    indicators: List[Indicator]
    groups: List[str]  # NL first, then product groups in file order
    years: List[int]  # report years inside the horizon
    years_skipped: List[int]
    headline_year: int
    level: float
    factors: Dict[str, float]
    lookup: Dict[tuple, Dict[int, float]] = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)
    available_years: List[int] = field(default_factory=list)

    @property
    def scenarios(self) -> List[str]:
        """Baseline first, then the others alphabetically."""
        base = self.runset.baseline
        return [base] + [s for s in self.runset.scenarios if s != base]

    def per_seed(self, scenario: str, group: str, indicator: str, year: int) -> Dict[int, float]:
        return self.lookup.get((scenario, group, indicator, year), {})

    def estimate(self, scenario, group, indicator, year) -> Optional[Estimate]:
        return mean_interval(list(self.per_seed(scenario, group, indicator, year).values()), self.level)

    def paired(self, scenario, reference, group, indicator, year, sign=1.0) -> Optional[Estimate]:
        a = self.per_seed(scenario, group, indicator, year)
        b = self.per_seed(reference, group, indicator, year)
        pairs = [(sign * a[s], sign * b[s]) for s in sorted(set(a) & set(b))]
        return paired_interval(pairs, self.level)


def load(runset: RunSet, years: List[int], factors: Dict[str, float], level: float) -> Data:
    series, frames = {}, []
    columns: List[str] = []
    groups: List[str] = []
    for run in runset.runs:
        ts = read_timeseries(run.path / "timeseries.csv")
        series[run.path] = ts
        for c in ts.columns:
            if c not in columns:
                columns.append(c)
        for g in ts["product_group"].unique():
            if g not in groups and g != NL:
                groups.append(g)
    indicators = available_indicators([c for c in columns if c != "year"])
    for run in runset.runs:
        long = run_values(series[run.path], indicators, factors)
        long.insert(0, "seed", run.seed)
        long.insert(0, "scenario", run.scenario)
        frames.append(long)
    values = pd.concat(frames, ignore_index=True)
    available = sorted(values["year"].unique().tolist())
    if not available:
        raise ReportError("the runs contain no December: no year can be reported")
    in_horizon = [y for y in years if y in available]
    skipped = [y for y in years if y not in available]
    notes = []
    if not in_horizon:
        in_horizon = [available[-1]]
        notes.append(f"none of the report years {years} is inside the simulated horizon; "
                     f"reporting {available[-1]} instead")
    headline = 2035 if 2035 in available else in_horizon[-1]
    data = Data(runset, series, values, indicators, [NL] + groups, in_horizon, skipped, headline,
                level, factors, notes=notes)
    lookup: Dict[tuple, Dict[int, float]] = defaultdict(dict)
    for s, seed, g, y, ind, v in values[["scenario", "seed", "product_group", "year", "indicator",
                                         "value"]].itertuples(index=False):
        lookup[(s, g, ind, int(y))][int(seed)] = float(v)
    data.lookup = dict(lookup)
    data.available_years = available
    return data


def _e(est: Optional[Estimate]):
    if est is None:
        return [0, math.nan, math.nan, math.nan, math.nan]
    return [est.n, est.mean, est.sd if est.sd is not None else math.nan,
            est.low if est.low is not None else math.nan,
            est.high if est.high is not None else math.nan]


def summary(data: Data) -> pd.DataFrame:
    base = data.runset.baseline
    goal_at = {}
    for goal, ind, _, scale in resolved_goals(data):
        if ind:
            for y in goal.years:
                goal_at[(ind, goal.group, y)] = (goal, scale)
    rows = []
    for scenario in data.scenarios:
        for ind in data.indicators:
            for g in data.groups:
                for y in data.years:
                    est = data.estimate(scenario, g, ind.name, y)
                    if est is None:
                        continue
                    n, mean, sd, lo, hi = _e(est)
                    row = dict(scenario=scenario, product_group=g, indicator=ind.name, label=ind.label,
                               unit=ind.unit, aggregation=ind.aggregation, year=y, n=n, mean=mean,
                               sd=sd, ci_low=lo, ci_high=hi, baseline=base)
                    d = data.paired(scenario, base, g, ind.name, y) if scenario != base else None
                    dn, dm, _, dl, dh = _e(d)
                    row.update(n_pairs=dn if scenario != base else math.nan, diff_mean=dm,
                               diff_ci_low=dl, diff_ci_high=dh)
                    hit = goal_at.get((ind.name, g, y))
                    if hit:
                        goal, scale = hit
                        met, _, gap = goals_mod.attainment(
                            goal, mean * scale, None if math.isnan(lo) else lo * scale,
                            None if math.isnan(hi) else hi * scale)
                        row.update(goal=goal.id, goal_target=goal.target / scale, goal_met=met,
                                   goal_gap=gap / scale)
                    rows.append(row)
    cols = ["scenario", "product_group", "indicator", "label", "unit", "aggregation", "year", "n", "mean",
            "sd", "ci_low", "ci_high", "baseline", "n_pairs", "diff_mean", "diff_ci_low", "diff_ci_high",
            "goal", "goal_target", "goal_met", "goal_gap"]
    return pd.DataFrame(rows, columns=cols)


def pg_kinds(data: Data) -> Dict[str, int]:
    """Product group -> pg_target_kind (the group's own target, later model versions)."""
    out: Dict[str, int] = {}
    for ts in data.series.values():
        if "pg_target_kind" not in ts.columns:
            continue
        kinds = ts.dropna(subset=["pg_target_kind"]).groupby("product_group")["pg_target_kind"].first()
        for g, k in kinds.items():
            out.setdefault(g, int(k))
    return out


def resolved_goals(data: Data):
    """(goal, indicator or None, note, scale) for every goal."""
    names = [i.name for i in data.indicators]
    by_name = {i.name: i for i in data.indicators}
    kinds = pg_kinds(data)
    out = []
    for goal in goals_mod.GOALS:
        ind, note = goals_mod.resolve(goal, names)
        if ind and goal.pg_kind and kinds.get(goal.group) != goal.pg_kind:
            ind, note = (goal.indicator if goal.indicator in names else None), ""
        if ind and by_name[ind].aggregation == "year_mean":
            note = f"measured with the model's column {ind} (yearly mean of the monthly index)"
        scale = 1.0
        if ind:
            vals = data.values.loc[data.values["indicator"] == ind, "value"].tolist()
            scale = goals_mod.scale_for(ind, vals)
            if scale != 1.0:
                note = (note + "; " if note else "") + "values read as percentages (divided by 100)"
        out.append((goal, ind, note, scale))
    return out


def _pg_target_rows(data: Data) -> List[dict]:
    """The model's own product-group targets (pg_target_value against pg_target, December)."""
    names = {i.name for i in data.indicators}
    if not {"pg_target_value", "pg_target"} <= names:
        return []
    rows = []
    for g, kind in sorted(pg_kinds(data).items()):
        label = f"Product-group target ({g}): {goals_mod.PG_KINDS.get(kind, f'kind {kind}')}"
        for scenario in data.scenarios:
            for y in data.years:
                est = data.estimate(scenario, g, "pg_target_value", y)
                target = data.estimate(scenario, g, "pg_target", y)
                if est is None or target is None:
                    continue
                goal = goals_mod.Goal(f"pg_target_{g}", label, "pg_target_value", g, (y,), target.mean,
                                      "at_least", "")
                met, met_iv, gap = goals_mod.attainment(goal, est.mean, est.low, est.high)
                rows.append(dict(goal=goal.id, label=label, scenario=scenario, product_group=g, year=y,
                                 indicator="pg_target_value", target=target.mean, sense="at least",
                                 n=est.n, mean=est.mean, ci_low=est.low, ci_high=est.high, met=met,
                                 met_whole_interval=met_iv, gap=gap, status="evaluated",
                                 note="the model's own target path (pg_target) and indicator "
                                      "(pg_target_value), December"))
    return rows


def goal_table(data: Data) -> pd.DataFrame:
    rows = []
    available = data.available_years
    for goal, ind, note, scale in resolved_goals(data):
        for scenario in data.scenarios:
            for y in goal.years:
                row = dict(goal=goal.id, label=goal.label, scenario=scenario, product_group=goal.group,
                           year=y, indicator=ind or "", target=goal.target,
                           sense="at least" if goal.sense == "at_least" else "at most")
                status = "evaluated"
                if ind is None:
                    status = "not evaluated: " + goal.note
                elif y not in available:
                    status = f"not evaluated: the runs end before December {y}"
                est = data.estimate(scenario, goal.group, ind, y) if status == "evaluated" else None
                if status == "evaluated" and est is None:
                    status = f"not evaluated: no value for {goal.group} in {y}"
                if est is not None:
                    lo = est.low * scale if est.low is not None else None
                    hi = est.high * scale if est.high is not None else None
                    met, met_iv, gap = goals_mod.attainment(goal, est.mean * scale, lo, hi)
                    row.update(n=est.n, mean=est.mean * scale, ci_low=lo, ci_high=hi, met=met,
                               met_whole_interval=met_iv, gap=gap)
                row.update(status=status, note=(goal.note if status == "evaluated" else "")
                           + (("; " + note) if note else ""))
                rows.append(row)
    rows += _pg_target_rows(data)
    cols = ["goal", "label", "scenario", "product_group", "year", "indicator", "target", "sense", "n",
            "mean", "ci_low", "ci_high", "met", "met_whole_interval", "gap", "status", "note"]
    return pd.DataFrame(rows, columns=cols)


def _ratio(num: Optional[Estimate], den: Optional[Estimate], what: str) -> Tuple[float, str]:
    """Ratio of mean paired differences, with a note when it cannot be read as a cost."""
    if num is None or den is None:
        return math.nan, f"{what}: no paired values"
    if den.mean <= 0:
        return math.nan, f"{what}: none (mean difference {den.mean:.4g} <= 0)"
    if num.mean <= 0:
        return math.nan, f"{what}: no additional public money (mean difference {num.mean:.4g})"
    note = ""
    if den.low is not None and den.low <= 0:
        note = f"{what}: uncertain, the interval of the denominator includes 0"
    return num.mean / den.mean, note


@lru_cache(maxsize=None)
def _adoptions(path: Path) -> List[tuple]:
    """adoptions.csv of a run (later model versions): (month index, firm, strategy, subsidised, EUR)."""
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for a in csv.DictReader(f):
            month = int(a["month"][:4]) * 12 + int(a["month"][5:7])
            grant = float(a["grant_eur"]) if a.get("grant_eur") not in (None, "") else 0.0
            out.append((month, a["firm_id"], a["strategy"], a.get("subsidised") == "1", grant))
    return out


def _firm_deadweight(data: Data, scenario: str, ref: str, year: int):
    """Deadweight from the runs' adoptions.csv, per seed pair: the share of the scenario's
    subsidised adoptions (up to December of the year) that the paired no-subsidy run also makes
    (same firm, same strategy) no later than 12 months after; and their grants in EUR. None when
    a run has no adoptions.csv."""
    runs_s = {r.seed: r for r in data.runset.scenarios[scenario]}
    runs_r = {r.seed: r for r in data.runset.scenarios[ref]}
    seeds = sorted(set(runs_s) & set(runs_r))
    files = [(runs_s[s].path / "adoptions.csv", runs_r[s].path / "adoptions.csv") for s in seeds]
    if not files or not all(a.is_file() and b.is_file() for a, b in files):
        return None
    last = year * 12 + 12
    shares, euros = [], []
    try:
        for with_sub, without in files:
            subsidised = [a for a in _adoptions(with_sub) if a[3] and a[0] <= last]
            counterfactual: Dict[tuple, int] = {}
            for month, firm, strategy, _, _ in _adoptions(without):
                key = (firm, strategy)
                counterfactual[key] = min(month, counterfactual.get(key, month))
            dead = [a for a in subsidised if counterfactual.get((a[1], a[2]), math.inf) <= a[0] + 12]
            if subsidised:
                shares.append(len(dead) / len(subsidised))
                euros.append(math.fsum(a[4] for a in dead))
    except (OSError, KeyError, ValueError) as e:
        raise ReportError(f"cannot read adoptions.csv for deadweight ({scenario} vs {ref}): {e}") from e
    if not shares:
        return None
    return mean_interval(shares, data.level), mean_interval(euros, data.level)


def cost_effectiveness(data: Data) -> pd.DataFrame:
    """Per scenario and report year, against the baseline and (when given) the no-subsidy run.

    public money        cumulative subsidy paid (subsidy_paid_eur summed from the start), NL;
    additional money    paired difference of that to the reference;
    additional adopters paired difference of circular firms (firms_circular, December, NL);
    additional adoptions paired difference of strategy adoptions (sum of adopted_*);
    primary avoided     reference minus scenario cumulative primary material (t);
    EUR per ...         mean additional money / mean additional adopters (or tonnes);
    deadweight          only against the no-subsidy run. Firm level when both runs of a seed pair
                        have adoptions.csv: the share of subsidised adoptions that the paired run
                        also makes within 12 months, and their grants in EUR (mean over seed
                        pairs). Otherwise aggregate: 1 - additional adoptions / subsidy grants
                        (cumulative), clipped to [0, 1], and that share x public money.
    """
    base, nosub = data.runset.baseline, data.runset.no_subsidy
    rows = []
    refs = [("baseline", base)] + ([("no-subsidy", nosub)] if nosub else [])
    for scenario in data.scenarios:
        for y in data.years:
            spent = data.estimate(scenario, NL, "subsidy_paid_cum_eur", y)
            committed = data.estimate(scenario, NL, "subsidy_committed_cum_eur", y)
            for kind, ref in refs:
                if ref == scenario:
                    continue
                dmoney = data.paired(scenario, ref, NL, "subsidy_paid_cum_eur", y)
                dfirms = data.paired(scenario, ref, NL, "firms_circular", y)
                dadopt = data.paired(scenario, ref, NL, "adoptions_total", y)
                avoided = data.paired(scenario, ref, NL, "primary_material_cum_t", y, sign=-1.0)
                per_firm, n1 = _ratio(dmoney, dfirms, "EUR per additional adopting firm")
                per_adopt, n2 = _ratio(dmoney, dadopt, "EUR per additional adoption")
                per_t, n3 = _ratio(dmoney, avoided, "EUR per tonne of primary material avoided")
                row = dict(scenario=scenario, reference=ref, reference_kind=kind, year=y,
                           n_pairs=dmoney.n if dmoney else 0)
                for name, est in (("public_money_eur", spent), ("committed_eur", committed),
                                  ("additional_money_eur", dmoney), ("additional_adopters", dfirms),
                                  ("additional_adoptions", dadopt), ("primary_avoided_t", avoided)):
                    _, m, _, lo, hi = _e(est)
                    row.update({f"{name}": m, f"{name}_ci_low": lo, f"{name}_ci_high": hi})
                row.update(eur_per_additional_adopter=per_firm, eur_per_additional_adoption=per_adopt,
                           eur_per_t_primary_avoided=per_t)
                notes = [n for n in (n1, n2, n3) if n]
                if kind == "no-subsidy":
                    grants = data.estimate(scenario, NL, "subsidy_grants_cum", y)
                    firm_level = _firm_deadweight(data, scenario, ref, y)
                    if firm_level is not None:
                        share, euros = firm_level
                        _, m, _, lo, hi = _e(share)
                        row.update(subsidy_grants=grants.mean if grants else math.nan,
                                   deadweight_share=m, deadweight_share_ci_low=lo,
                                   deadweight_share_ci_high=hi, deadweight_eur=euros.mean,
                                   deadweight_method="firm level (adoptions.csv)")
                    elif grants is not None and grants.mean > 0 and dadopt is not None:
                        share = 1.0 - dadopt.mean / grants.mean
                        share = min(1.0, max(0.0, share))
                        row.update(subsidy_grants=grants.mean, deadweight_share=share,
                                   deadweight_eur=share * (spent.mean if spent else math.nan),
                                   deadweight_method="aggregate")
                    else:
                        notes.append("deadweight: no subsidised adoptions in this scenario")
                row["note"] = "; ".join(notes)
                rows.append(row)
    cols = ["scenario", "reference", "reference_kind", "year", "n_pairs"]
    for name in ("public_money_eur", "committed_eur", "additional_money_eur", "additional_adopters",
                 "additional_adoptions", "primary_avoided_t"):
        cols += [name, f"{name}_ci_low", f"{name}_ci_high"]
    cols += ["eur_per_additional_adopter", "eur_per_additional_adoption", "eur_per_t_primary_avoided",
             "subsidy_grants", "deadweight_share", "deadweight_share_ci_low", "deadweight_share_ci_high",
             "deadweight_eur", "deadweight_method", "note"]
    return pd.DataFrame(rows, columns=cols)


SIDE_EFFECTS = ["firm_exits_cum", "capacity_lost_cum"] + [
    f"{what}_{role}_cum" for what in ("exits", "capacity_lost")
    for role in ("producer", "refurbisher", "recycler", "manufacturer", "retailer", "collector")] + [
    "import_dependency", "crm_domestic_recycling_share", "firms_alive", "eu_penalties_cum_eur",
    "crisis_loans_cum_eur"]


def side_effect_indicators(data: Data) -> List[str]:
    names = [i.name for i in data.indicators]
    extra = [n for n in names if ("crm" in n or "critical" in n) and n not in SIDE_EFFECTS]
    return [n for n in SIDE_EFFECTS if n in names] + extra


HEADLINE = ["raw_material_index", "secondary_share", "recycling_rate", "adoption_share_firms",
            "subsidy_paid_cum_eur", "firm_exits_cum", "import_dependency"]


def ranking(data: Data) -> pd.DataFrame:
    """Scenarios ranked on each headline indicator (NL, headline year); 1 = best. With the mean
    level, the paired difference to the baseline and its interval."""
    rows = []
    y = data.headline_year
    base = data.runset.baseline
    for name in HEADLINE:
        ind = BY_NAME.get(name)
        if ind is None or name not in {i.name for i in data.indicators}:
            continue
        ests = [(s, data.estimate(s, NL, name, y)) for s in data.scenarios]
        ests = [(s, e) for s, e in ests if e is not None]
        better = ind.better or "lower"  # public money: less is better
        ests.sort(key=lambda se: se[1].mean, reverse=(better == "higher"))
        for rank, (s, e) in enumerate(ests, start=1):
            _, m, _, lo, hi = _e(e)
            d = data.paired(s, base, NL, name, y) if s != base else None
            _, dm, _, dl, dh = _e(d)
            if s == base:
                dm, dl, dh = 0.0, math.nan, math.nan
            rows.append(dict(indicator=name, label=ind.label, unit=ind.unit, year=y, better=better,
                             rank=rank, scenario=s, mean=m, ci_low=lo, ci_high=hi, baseline=base,
                             diff_mean=dm, diff_ci_low=dl, diff_ci_high=dh))
    return pd.DataFrame(rows, columns=["indicator", "label", "unit", "year", "better", "rank", "scenario",
                                       "mean", "ci_low", "ci_high", "baseline", "diff_mean",
                                       "diff_ci_low", "diff_ci_high"])
