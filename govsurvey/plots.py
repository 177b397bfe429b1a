"""Figures from result frames. Each function takes a tidy frame and a matplotlib ``ax`` and
returns the ``ax``; none computes a statistic."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

__all__ = ["component_plot", "domain_dotplot", "criteria_heatmap", "change_plot"]


def _need(frame: pd.DataFrame, cols: list[str], fn: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise ValueError(f"{fn} needs column(s) {missing} in the frame it is given")


def _ax(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def component_plot(
    index: pd.DataFrame,
    ax: Axes | None = None,
    target: float | None = None,
    labels: dict[str, str] | None = None,
    confidence: float = 0.95,
) -> Axes:
    """Component indices and the overall index with their confidence intervals.

    Parameters
    ----------
    index : DataFrame
        Rows of an index frame with ``level`` in {"component", "overall"} (others are ignored).
    ax : Axes, optional
    target : float, optional
        Draws a vertical line at the target (e.g. 85).
    labels : dict, optional
        Code → label for the y axis.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> idx = pd.DataFrame({"level": ["component", "overall"], "code": ["C1", "SIPAS"],
    ...                     "estimate": [84.0, 85.0], "ci_low": [82.0, 84.0],
    ...                     "ci_high": [86.0, 86.0]})
    >>> ax = gs.plots.component_plot(idx, target=85)
    """
    _need(index, ["level", "code", "estimate", "ci_low", "ci_high"], "component_plot")
    ax = _ax(ax, (7, 3.5))
    d = index[index["level"].isin(["component", "overall"])].reset_index(drop=True)
    names = [labels.get(c, c) if labels else c for c in d["code"]]
    y = np.arange(len(d))[::-1]
    colors = ["#1f4e79" if lv == "overall" else "#4a90c2" for lv in d["level"]]
    ax.hlines(y, d["ci_low"], d["ci_high"], color=colors, lw=2.5)
    ax.scatter(d["estimate"], y, color=colors, zorder=3, s=40)
    for yi, e in zip(y, d["estimate"], strict=True):
        if np.isfinite(e):
            ax.annotate(
                f"{e:.1f}",
                (e, yi),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
    if target is not None:
        ax.axvline(target, color="#c0392b", ls="--", lw=1)
        ax.annotate(
            f"target {target:g}",
            (target, y.max() + 0.4),
            color="#c0392b",
            fontsize=8,
            ha="left",
            xytext=(3, 0),
            textcoords="offset points",
        )
    ax.set_yticks(y, names)
    ax.set_xlabel(f"% satisfied ({confidence:.0%} CI)")
    ax.set_ylim(-0.6, len(d) - 0.2)
    sns.despine(ax=ax)
    return ax


def domain_dotplot(
    index: pd.DataFrame,
    unit: str,
    ax: Axes | None = None,
    target: float | None = None,
    overall: float | None = None,
    confidence: float = 0.95,
) -> Axes:
    """One figure by domain (e.g. SIPAS by district) as a sorted dot plot with intervals.

    Parameters
    ----------
    index : DataFrame
        One row per ``unit`` with ``estimate``, ``ci_low`` and ``ci_high`` (suppressed rows,
        with NaN estimates, are listed without a dot).
    unit : str
        The domain column.
    target, overall : float, optional
        Reference lines: a target and the whole-population value.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> idx = pd.DataFrame({"district": ["A", "B"], "estimate": [80.0, 90.0],
    ...                     "ci_low": [78.0, 88.0], "ci_high": [82.0, 92.0]})
    >>> ax = gs.plots.domain_dotplot(idx, "district", target=90)
    """
    _need(index, [unit, "estimate", "ci_low", "ci_high"], "domain_dotplot")
    d = index.sort_values("estimate", na_position="first").reset_index(drop=True)
    ax = _ax(ax, (7, max(3.0, 0.22 * len(d) + 1)))
    y = np.arange(len(d))
    ax.hlines(y, d["ci_low"], d["ci_high"], color="#7f8c8d", lw=1.5)
    ax.scatter(d["estimate"], y, color="#1f4e79", zorder=3, s=22)
    if target is not None:
        ax.axvline(target, color="#c0392b", ls="--", lw=1, label=f"target {target:g}")
    if overall is not None:
        ax.axvline(overall, color="#27ae60", ls=":", lw=1, label=f"overall {overall:.1f}")
    if target is not None or overall is not None:
        ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.set_yticks(y, d[unit].astype(str))
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel(f"% satisfied ({confidence:.0%} CI)")
    ax.set_ylim(-0.8, len(d) - 0.2)
    sns.despine(ax=ax)
    return ax


def criteria_heatmap(
    index: pd.DataFrame, unit: str, ax: Axes | None = None, center: float | None = None
) -> Axes:
    """Criterion rates by domain as a heat map (criteria across, domains down).

    Parameters
    ----------
    index : DataFrame
        Rows with ``level == "criterion"``, a ``unit`` column, ``code`` and ``estimate``;
        suppressed cells (NaN) are left blank.
    center : float, optional
        Value at the centre of the diverging colour map (e.g. the overall index).

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> idx = pd.DataFrame({"district": ["A", "A", "B", "B"], "level": ["criterion"] * 4,
    ...                     "code": ["C1.1", "C1.2"] * 2, "estimate": [80.0, 85, 90, 70]})
    >>> ax = gs.plots.criteria_heatmap(idx, "district")
    """
    _need(index, [unit, "level", "code", "estimate"], "criteria_heatmap")
    d = index[index["level"] == "criterion"]
    codes = list(dict.fromkeys(d["code"]))
    wide = d.pivot(index=unit, columns="code", values="estimate")[codes]
    wide = wide.loc[wide.mean(axis=1).sort_values(ascending=False).index]
    ax = _ax(ax, (11, max(3.0, 0.25 * len(wide) + 1.5)))
    sns.heatmap(
        wide,
        ax=ax,
        cmap="RdYlGn",
        center=center,
        annot=len(wide) <= 40,
        fmt=".0f",
        annot_kws={"fontsize": 6},
        cbar_kws={"label": "% satisfied"},
        linewidths=0.3,
    )
    ax.set_xlabel("criterion")
    ax.set_ylabel(unit)
    ax.tick_params(labelsize=7)
    return ax


def change_plot(
    comparison: pd.DataFrame,
    label: str,
    ax: Axes | None = None,
    gain: tuple[float, float] | None = None,
    confidence: float = 0.95,
) -> Axes:
    """Changes with confidence intervals (from :func:`govsurvey.compare_index`).

    Parameters
    ----------
    comparison : DataFrame
        With ``change``, ``ci_low``, ``ci_high`` and a ``label`` column naming each row.
    gain : (low, high), optional
        A planned gain band drawn behind the intervals (e.g. 3 to 5 points).

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> cmp = pd.DataFrame({"code": ["C5"], "change": [4.0], "ci_low": [2.0], "ci_high": [6.0]})
    >>> ax = gs.plots.change_plot(cmp, "code", gain=(3, 5))
    """
    _need(comparison, [label, "change", "ci_low", "ci_high"], "change_plot")
    ax = _ax(ax, (6, 0.5 * len(comparison) + 1.5))
    y = np.arange(len(comparison))[::-1]
    if gain is not None:
        ax.axvspan(gain[0], gain[1], color="#f5cba7", alpha=0.6, label="planned gain")
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.axvline(0, color="black", lw=0.8)
    ax.hlines(y, comparison["ci_low"], comparison["ci_high"], color="#1f4e79", lw=2.5)
    ax.scatter(comparison["change"], y, color="#1f4e79", zorder=3)
    ax.set_yticks(y, comparison[label].astype(str))
    ax.set_xlabel(f"change in points ({confidence:.0%} CI)")
    sns.despine(ax=ax)
    return ax
