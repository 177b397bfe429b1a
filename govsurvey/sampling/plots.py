"""Figures of the sampling-design report: each takes a result frame and an ``ax``, returns the ax.

matplotlib is imported inside the functions, so ``import govsurvey`` stays light.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from govsurvey.collation import vi_sorted
from govsurvey.errors import InputError
from govsurvey.publish.i18n import literal

__all__ = ["margin_plot", "simulation_plot"]


def _need(frame: pd.DataFrame, cols: list[str], fn: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise InputError.one(
            f"{fn} needs column {missing[0]!r}",
            "pass the frame the sampling functions return",
            column=missing[0],
        )


def margin_plot(
    plan: pd.DataFrame,
    ax: Any = None,
    label: str = "district",
    target: float | None = None,
    xlabel: str = "Expected margin (± percentage points)",
    target_label: str = "target",
) -> Any:
    """Expected margin per domain as horizontal bars, with the target as a line.

    Examples
    --------
    >>> import pandas as pd, matplotlib
    >>> matplotlib.use("Agg")
    >>> from govsurvey.sampling.plots import margin_plot
    >>> ax = margin_plot(pd.DataFrame({"district": ["A", "B"], "margin": [4.0, 5.5]}), target=5)
    >>> len(ax.patches)
    2
    """
    import matplotlib.pyplot as plt

    _need(plan, [label, "margin"], "margin_plot")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, max(3, 0.22 * len(plan))))
    d = plan.sort_values("margin")
    colors = [
        "#b2182b" if target is not None and m > target + 1e-9 else "#2166ac" for m in d["margin"]
    ]
    ax.barh(d[label].map(literal), d["margin"], color=colors)
    if target is not None:
        ax.axvline(target, color="black", linestyle="--", linewidth=1, label=literal(target_label))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_xlabel(xlabel)
    ax.tick_params(axis="y", labelsize=10)
    return ax


def simulation_plot(
    summary: pd.DataFrame,
    metric: str = "margin",
    ax: Any = None,
    nominal: float | None = None,
    xlabel: str | None = None,
    order: list[str] | None = None,
) -> Any:
    """One marker per plan and district for ``metric`` (``"margin"``, ``"coverage"``, ...).

    Coverage (a share) and its ``nominal`` level are drawn as percentages.

    Examples
    --------
    >>> import pandas as pd, matplotlib
    >>> matplotlib.use("Agg")
    >>> from govsurvey.sampling.plots import simulation_plot
    >>> s = pd.DataFrame({"plan": ["P", "P", "Q", "Q"], "domain": ["A", "B", "A", "B"],
    ...                   "coverage": [0.95, 0.9, 0.94, 0.96]})
    >>> ax = simulation_plot(s, "coverage", nominal=0.95)
    >>> len(ax.get_legend().get_texts())
    3
    """
    import matplotlib.pyplot as plt

    _need(summary, ["plan", "domain", metric], "simulation_plot")
    d = summary[summary["domain"] != "all"]
    scale = 100.0 if metric == "coverage" else 1.0
    if ax is None:
        _, ax = plt.subplots(figsize=(7, max(3, 0.22 * d["domain"].nunique())))
    domains = order or vi_sorted(d["domain"].unique())[::-1]  # the first at the top
    pos = {k: i for i, k in enumerate(domains)}
    markers = ["o", "s", "^", "D", "v"]
    for j, (plan, g) in enumerate(d.groupby("plan", sort=False)):
        y = g["domain"].map(pos).to_numpy() + (j - 1) * 0.2
        ax.scatter(
            scale * g[metric], y, marker=markers[j % len(markers)], s=18, label=literal(plan)
        )
    if nominal is not None:
        ax.axvline(
            scale * nominal,
            color="black",
            linestyle="--",
            linewidth=1,
            label=f"{scale * nominal:g}" + ("%" if scale == 100 else ""),
        )
    ax.set_yticks(range(len(domains)), [literal(k) for k in domains], fontsize=10)
    ax.set_xlabel(xlabel or metric)
    # outside the data: below the axes, one column per entry
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False, ncol=1)
    return ax


def rows_height(rows: int, per_row: float = 0.32, extra: float = 1.3) -> float:
    """A figure height (inches) for a chart of ``rows`` bars or rows of dots.

    Examples
    --------
    >>> from govsurvey.sampling.plots import rows_height
    >>> rows_height(3), rows_height(30)
    (2.26, 10.9)
    """
    return round(max(1.8, per_row * int(rows) + extra), 2)
