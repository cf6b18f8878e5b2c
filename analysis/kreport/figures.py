"""Figures (matplotlib, Agg backend), each written as PNG and SVG. Bands are the same t
intervals of the mean across replicates as in the tables, computed month by month (or year by
year); a scenario with one replicate is drawn as a line without a band."""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .indicators import NL  # noqa: E402
from .stats import t_quantile  # noqa: E402
from .tables import Data, ranking, resolved_goals  # noqa: E402

STRATEGIES = ["adopted_reduce", "adopted_substitute", "adopted_extend", "adopted_recycle"]


@dataclass
class Figure:
    name: str
    title: str
    caption: str
    png: Path
    svg: Path


@lru_cache(maxsize=None)
def _tq(level: float, df: int) -> float:
    return t_quantile(0.5 + level / 2.0, df)


def _band(matrix: np.ndarray, level: float):
    """Row-wise mean and t interval of a (time x replicates) matrix; NaN-aware."""
    n = np.sum(np.isfinite(matrix), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.nansum(matrix, axis=1) / np.maximum(n, 1), np.nan)
        dev = np.where(np.isfinite(matrix), matrix - mean[:, None], 0.0)
        var = np.sum(dev * dev, axis=1) / np.maximum(n - 1, 1)
        tq = np.array([_tq(level, int(k) - 1) if k >= 2 else np.nan for k in n])
        half = tq * np.sqrt(var) / np.sqrt(np.maximum(n, 1))
    return mean, mean - half, mean + half, n


class Plotter:
    def __init__(self, data: Data, out: Path):
        self.data = data
        self.out = out
        cmap = plt.get_cmap("tab10")
        self.colors = {s: cmap(i % 10) for i, s in enumerate(data.scenarios)}
        self.figures: List[Figure] = []

    def monthly(self, scenario: str, group: str, column: str, cumulative: bool = False):
        """(dates, time x replicates matrix) of one column for one scenario."""
        cols = {}
        for run in self.data.runset.scenarios[scenario]:
            ts = self.data.series[run.path]
            if column not in ts.columns:
                return None, None
            s = ts.loc[ts["product_group"] == group].set_index("month")[column].astype(float)
            if cumulative:
                s = s.fillna(0.0).cumsum()
            cols[run.seed] = s
        if not cols:
            return None, None
        frame = pd.DataFrame(cols).sort_index()
        # decimal years (2025.0 = January 2025): cheaper to lay out than dates
        years = np.array([int(m[:4]) + (int(m[5:7]) - 1) / 12.0 for m in frame.index])
        return years, frame.to_numpy(dtype=float)

    def yearly(self, scenario: str, group: str, indicator: str, scale: float = 1.0):
        years = self.data.available_years
        rows = []
        seeds = [r.seed for r in self.data.runset.scenarios[scenario]]
        for y in years:
            d = self.data.per_seed(scenario, group, indicator, y)
            rows.append([d.get(s, np.nan) * scale for s in seeds])
        return np.array(years), np.array(rows, dtype=float)

    def draw(self, ax, x, matrix, scenario, label=True, style="-", band=True):
        mean, lo, hi, n = _band(matrix, self.data.level)
        color = self.colors[scenario]
        ax.plot(x, mean, style, color=color, lw=1.4, label=scenario if label else None)
        if band and np.any(n >= 2):
            ax.fill_between(x, lo, hi, color=color, alpha=0.2, lw=0)

    def save(self, fig, name: str, title: str, caption: str):
        png, svg = self.out / f"{name}.png", self.out / f"{name}.svg"
        fig.savefig(png, dpi=100)
        fig.savefig(svg)
        plt.close(fig)
        self.figures.append(Figure(name, title, caption, png, svg))

    def _legend(self, fig, axes):
        handles, labels = axes.flat[0].get_legend_handles_labels()
        if handles:
            fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 5), frameon=False)

    # ---- the figures ---------------------------------------------------------------------------

    def adoption_by_group(self):
        groups = self.data.groups
        ncols = 3
        nrows = math.ceil(len(groups) / ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(12, 3.0 * nrows + 0.8), sharex=True,
                                 squeeze=False)
        for ax, g in zip(axes.flat, groups):
            for s in self.data.scenarios:
                x, m = self.monthly(s, g, "adoption_share_firms")
                if x is not None:
                    self.draw(ax, x, m, s)
            ax.set_title(g, fontsize=10)
            ax.set_ylabel("share of firms")
            ax.grid(alpha=0.3)
        for ax in list(axes.flat)[len(groups):]:
            ax.axis("off")
        self._legend(fig, axes)
        fig.suptitle("Adoption of circular business models (adoption_share_firms)")
        fig.subplots_adjust(left=0.07, right=0.98, top=0.92, bottom=0.13, hspace=0.35, wspace=0.25)
        self.save(fig, "adoption_by_group", "Adoption per product group",
                  f"Share of alive firms with at least one circular strategy, monthly; line: mean over "
                  f"replicates, band: {self.data.level:.0%} t interval of the mean.")

    def adoption_by_strategy(self):
        groups = self.data.groups
        fig, axes = plt.subplots(len(groups), len(STRATEGIES),
                                 figsize=(13, 2.2 * len(groups) + 0.8), sharex=True, squeeze=False)
        for r, g in enumerate(groups):
            for c, col in enumerate(STRATEGIES):
                ax = axes[r][c]
                for s in self.data.scenarios:
                    x, m = self.monthly(s, g, col)
                    if x is not None:
                        self.draw(ax, x, m, s)
                if r == 0:
                    ax.set_title(col.replace("adopted_", ""), fontsize=10)
                if c == 0:
                    ax.set_ylabel(g, fontsize=9)
                ax.tick_params(labelsize=8)
                ax.grid(alpha=0.3)
        self._legend(fig, axes)
        fig.suptitle("Firms that adopted each NPCE strategy (count)")
        fig.subplots_adjust(left=0.08, right=0.98, top=0.95, bottom=0.07, hspace=0.3, wspace=0.25)
        self.save(fig, "adoption_by_strategy", "Adoption per strategy and product group",
                  f"Alive firms that adopted reduce, substitute, extend or recycle, monthly; band: "
                  f"{self.data.level:.0%} t interval of the mean.")

    def raw_material_index(self):
        goals = {g.id: (g, ind, scale) for g, ind, _, scale in resolved_goals(self.data)}
        panels = [goals["npce_raw_materials_2035"], goals["primary_abiotic_2030"]]
        panels = [p for p in panels if p[1]]
        if not panels:
            return
        fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4.4), squeeze=False)
        for ax, (goal, ind, scale) in zip(axes.flat, panels):
            for s in self.data.scenarios:
                x, m = self.yearly(s, NL, ind, scale)
                self.draw(ax, x, m, s)
            years = self.data.available_years
            gy = goal.years[0]
            path_years = np.array([y for y in years if y <= gy] or [years[0]])
            path = 1.0 + (goal.target - 1.0) * (path_years - 2016) / (gy - 2016)
            ax.plot(path_years, path, "k--", lw=1.2, label=f"goal path (2016 = 1 to {goal.target:g} in {gy})")
            if gy in years or gy <= years[-1]:
                ax.plot([gy], [goal.target], "kv", ms=7)
            ax.axhline(goal.target, color="k", lw=0.6, alpha=0.4)
            ax.set_title(goal.label, fontsize=10)
            ax.set_ylabel(f"{ind} (2016 = 1)")
            ax.set_xlabel("year")
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
        fig.tight_layout()
        self.save(fig, "raw_material_index", "Raw-material index against the goal path",
                  "Yearly material use (left) and primary material (right), relative to 2016 "
                  "(first simulated year times the configured 2016 factor); dashed: straight path "
                  f"from 2016 to the goal; band: {self.data.level:.0%} t interval.")

    def subsidy_budget(self):
        fig, ax = plt.subplots(figsize=(10, 5))
        for s in self.data.scenarios:
            x, m = self.monthly(s, NL, "subsidy_committed_cum_eur")
            if x is None:
                continue
            self.draw(ax, x, m / 1e6, s)
            x, m = self.monthly(s, NL, "budget_envelope_cum_eur")
            if x is not None:
                self.draw(ax, x, m / 1e6, s, label=False, style="--", band=False)
            x, m = self.monthly(s, NL, "subsidy_paid_eur", cumulative=True)
            if x is not None:
                self.draw(ax, x, m / 1e6, s, label=False, style=":", band=False)
        ax.plot([], [], "k-", label="committed (cumulative)")
        ax.plot([], [], "k--", label="budget envelope (cumulative)")
        ax.plot([], [], "k:", label="paid (cumulative)")
        ax.set_ylabel("million EUR")
        ax.set_title("Subsidy spending against the budget envelope (NL)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, ncol=2)
        fig.tight_layout()
        self.save(fig, "subsidy_budget", "Subsidy spending against the budget envelope",
                  "Cumulative subsidy committed (solid, with band), paid (dotted) and the "
                  "cumulative programme budget envelope (dashed), million EUR.")

    def scenario_ranking(self):
        table = ranking(self.data)
        if table.empty:
            return
        base = self.data.runset.baseline
        names = list(dict.fromkeys(table["indicator"]))
        ncols = 2
        nrows = math.ceil(len(names) / ncols)
        height = max(2.0, 0.35 * len(self.data.scenarios) + 1.2)
        fig, axes = plt.subplots(nrows, ncols, figsize=(12, height * nrows + 0.6), squeeze=False)
        for ax, name in zip(axes.flat, names):
            t = table[table["indicator"] == name].sort_values("rank", ascending=False)
            unit = t["unit"].iloc[0]
            scale, unit_label = {"share": (100.0, "pp"), "EUR": (1e-6, "million EUR")}.get(unit, (1.0, unit))
            y = np.arange(len(t))
            mean = t["diff_mean"].to_numpy(dtype=float) * scale
            err = np.array([mean - t["diff_ci_low"].to_numpy(dtype=float) * scale,
                            t["diff_ci_high"].to_numpy(dtype=float) * scale - mean])
            err = np.where(np.isfinite(err), err, 0.0)
            ax.barh(y, mean, xerr=err, color=[self.colors[s] for s in t["scenario"]], capsize=3)
            ax.axvline(0.0, color="k", lw=0.8)
            level_scale = 100.0 if unit == "share" else (1e-6 if unit == "EUR" else 1.0)
            ax.set_yticks(y)
            ax.set_yticklabels([f"{r}. {s}: {m * level_scale:.4g}" for r, s, m in
                                zip(t["rank"], t["scenario"], t["mean"])], fontsize=8)
            better = t["better"].iloc[0]
            ax.set_title(f"{t['label'].iloc[0]} ({better} is better)", fontsize=9)
            ax.set_xlabel(f"difference to {base} ({unit_label})", fontsize=8)
            ax.grid(alpha=0.3, axis="x")
        for ax in list(axes.flat)[len(names):]:
            ax.axis("off")
        fig.suptitle(f"Scenario ranking, NL, December {self.data.headline_year}")
        fig.tight_layout(rect=(0, 0, 1, 0.97))
        self.save(fig, "scenario_ranking", "Scenario ranking",
                  f"Scenarios ranked (1 = best) on the headline indicators, NL, {self.data.headline_year}; "
                  f"the label gives rank, scenario and mean level (shares in %, money in million EUR); "
                  f"bars: difference to the baseline {base}, paired by seed, with its "
                  f"{self.data.level:.0%} t interval.")


def make_all(data: Data, out: Path) -> List[Figure]:
    p = Plotter(data, out)
    p.adoption_by_group()
    p.adoption_by_strategy()
    p.raw_material_index()
    p.subsidy_budget()
    p.scenario_ranking()
    return p.figures
