"""Figures from result frames, labelled in the report language.

Each function takes a tidy frame and a matplotlib ``ax`` and returns the ``ax``; none computes a
statistic. The confidence level is read from the frame (``frame.attrs["level"]``) unless given;
axis labels and legends come from :mod:`govsurvey.publish.i18n`, numbers are written as the report
writes them (``79,73`` in Vietnamese). matplotlib is imported only when something is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..collation import vi_key
from ..errors import InputError
from . import i18n
from .i18n import text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["component_plot", "domain_dotplot", "criteria_heatmap", "change_plot"]

_DARK, _MID, _GREY, _RED, _GREEN = "#1f4e79", "#4a90c2", "#7f8c8d", "#c0392b", "#27ae60"


def _need(frame: pd.DataFrame, cols: list[str], fn: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise InputError.one(
            f"{fn} needs column(s) {missing} in the frame it is given",
            "pass a result frame as gs.sipas_index / gs.compare_index return it",
            column=missing[0],
        )


def _ax(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size)
    return ax


def _level(frame: pd.DataFrame, confidence: float | None) -> float:
    return float(confidence if confidence is not None else frame.attrs.get("level", 0.95))


def _despine(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def component_plot(
    index: pd.DataFrame,
    ax: Axes | None = None,
    target: float | None = None,
    labels: dict[str, str] | None = None,
    confidence: float | None = None,
    lang: str = "en",
) -> Axes:
    """Component indices and the overall index with their confidence intervals.

    Parameters
    ----------
    index : DataFrame
        Rows of an index frame with ``level`` in {"component", "overall"} (others are ignored).
    ax : Axes, optional
    target : float, optional
        Draws a vertical line at a target (e.g. 85).
    labels : dict, optional
        Code → label for the y axis.
    confidence : float, optional
        Level of the intervals, for the axis label; by default the one the frame records.
    lang : {"vi", "en"}

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.publish.plots import component_plot
    >>> idx = pd.DataFrame({"level": ["component", "overall"], "code": ["C1", "SIPAS"],
    ...                     "estimate": [84.0, 85.0], "ci_low": [82.0, 84.0],
    ...                     "ci_high": [86.0, 86.0]})
    >>> ax = component_plot(idx, target=85, lang="vi")
    >>> ax.get_xlabel()
    '% hài lòng (khoảng tin cậy 95%)'
    """
    _need(index, ["level", "code", "estimate", "ci_low", "ci_high"], "component_plot")
    lv = _level(index, confidence)
    ax = _ax(ax, (7, 3.5))
    d = index[index["level"].isin(["component", "overall"])].reset_index(drop=True)
    names = [i18n.literal(labels.get(c, c) if labels else c) for c in d["code"]]
    y = np.arange(len(d))[::-1]
    colors = [_DARK if lv_ == "overall" else _MID for lv_ in d["level"]]
    ax.hlines(y, d["ci_low"], d["ci_high"], color=colors, lw=2.5)
    ax.scatter(d["estimate"], y, color=colors, zorder=3, s=40)
    for yi, e in zip(y, d["estimate"], strict=True):
        if np.isfinite(e):
            ax.annotate(
                i18n.num(e, lang),
                (e, yi),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
    if target is not None:
        ax.axvline(target, color=_RED, ls="--", lw=1)
        ax.annotate(
            text("lg_target", lang, value=i18n.pct(target, lang)),
            (target, y.max() + 0.4),
            color=_RED,
            fontsize=8,
            ha="left",
            xytext=(3, 0),
            textcoords="offset points",
        )
    ax.set_yticks(y, names)
    ax.set_xlabel(text("ax_satisfied", lang, level=i18n.level_pct(lv, lang)))
    ax.set_ylim(-0.6, len(d) - 0.2)
    _despine(ax)
    return ax


def domain_dotplot(
    index: pd.DataFrame,
    unit: str,
    ax: Axes | None = None,
    target: float | None = None,
    overall: float | None = None,
    confidence: float | None = None,
    lang: str = "en",
    names: dict[Any, str] | None = None,
    unit_targets: dict[Any, float] | None = None,
) -> Axes:
    """One figure by domain (e.g. SIPAS by district) as a sorted dot plot with intervals.

    Parameters
    ----------
    index : DataFrame
        One row per ``unit`` with ``estimate``, ``ci_low`` and ``ci_high``; suppressed rows (NaN
        estimates) are left out.
    unit : str
        The domain column.
    target, overall : float, optional
        Reference lines: a target and the whole-population value.
    confidence : float, optional
        By default the level the frame records.
    lang : {"vi", "en"}
    names : dict, optional
        Domain value → label shown on the axis (e.g. from the instrument's code list).
    unit_targets : dict, optional
        Targets of NAMED units only (e.g. ``{"Thanh Xuân": 90}``), each marked on its own row;
        no other unit is held against them.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.publish.plots import domain_dotplot
    >>> idx = pd.DataFrame({"district": ["A", "B"], "estimate": [80.0, 90.0],
    ...                     "ci_low": [78.0, 88.0], "ci_high": [82.0, 92.0]})
    >>> ax = domain_dotplot(idx, "district", overall=85.0, lang="vi")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['Chỉ số chung 85,00%']
    >>> ax = domain_dotplot(idx, "district", unit_targets={"B": 95.0}, lang="en")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ["Named unit's target"]
    """
    _need(index, [unit, "estimate", "ci_low", "ci_high"], "domain_dotplot")
    lv = _level(index, confidence)
    d = index.dropna(subset=["estimate"]).sort_values("estimate").reset_index(drop=True)
    ax = _ax(ax, (7, max(3.0, 0.22 * len(d) + 1)))
    y = np.arange(len(d))
    ax.hlines(y, d["ci_low"], d["ci_high"], color=_GREY, lw=1.5)
    ax.scatter(d["estimate"], y, color=_DARK, zorder=3, s=22)
    if target is not None:
        ax.axvline(
            target,
            color=_RED,
            ls="--",
            lw=1,
            label=text("lg_target", lang, value=i18n.pct(target, lang)),
        )
    if overall is not None:
        ax.axvline(
            overall,
            color=_GREEN,
            ls=":",
            lw=1.2,
            label=text("lg_overall", lang, value=i18n.pct(overall, lang)),
        )
    if unit_targets:
        rows = {v: i for i, v in enumerate(d[unit])}
        marks = [(rows[u], t) for u, t in unit_targets.items() if u in rows]
        if marks:
            ax.scatter(
                [t for _, t in marks],
                [i for i, _ in marks],
                marker="|",
                s=160,
                color=_RED,
                zorder=4,
                label=text("lg_unit_target", lang),
            )
    if target is not None or overall is not None or unit_targets:
        ax.legend(loc="upper left", fontsize=8, frameon=False)
    shown = [i18n.literal(names.get(v, v) if names else v) for v in d[unit]]
    ax.set_yticks(y, shown)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel(text("ax_satisfied", lang, level=i18n.level_pct(lv, lang)))
    ax.set_ylim(-0.8, max(len(d), 1) - 0.2)
    _despine(ax)
    return ax


#: the heat map's colour scale, fixed so that one colour means one rate in every report and run
HEATMAP_SCALE = (40.0, 100.0)


def criteria_heatmap(
    index: pd.DataFrame,
    unit: str,
    ax: Axes | None = None,
    center: float | None = None,
    lang: str = "en",
    names: dict[Any, str] | None = None,
    unit_label: str | None = None,
    reference: dict[str, float] | None = None,
    scale: tuple[float, float] = HEATMAP_SCALE,
) -> Axes:
    """Criterion rates by domain as a heat map (criteria across, domains down).

    The colour scale is fixed (``scale``, 40%–100% by default; a rate below it takes the
    lowest colour), so a colour means the same rate in every report. With ``reference`` (each
    criterion's rate for the whole population) and the rows' intervals, a cell whose interval
    excludes the criterion's overall rate is printed in bold with ``+`` or ``−``; the others
    (a difference their interval does not support) in normal type without a sign.

    Parameters
    ----------
    index : DataFrame
        Rows with ``level == "criterion"``, a ``unit`` column, ``code`` and ``estimate``
        (and ``ci_low``, ``ci_high`` for the marks); suppressed cells (NaN) are left blank, and
        a domain with every cell suppressed is left out.
    center : float, optional
        Kept for compatibility; the scale is fixed.
    lang : {"vi", "en"}
    names : dict, optional
        Domain value → label for the rows (rows in Vietnamese alphabetical order of them).
    unit_label : str, optional
        Title of the rows' axis (by default the column name).
    reference : dict, optional
        Criterion code → its rate for the whole population.
    scale : (float, float)
        The colour scale's ends, in percent.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.publish.plots import criteria_heatmap
    >>> idx = pd.DataFrame({"district": ["A", "A", "B", "B"], "level": ["criterion"] * 4,
    ...                     "code": ["C1.1", "C1.2"] * 2, "estimate": [80.0, 85, 90, 70],
    ...                     "ci_low": [78.0, 80, 88, 60], "ci_high": [82.0, 90, 92, 80]})
    >>> ax = criteria_heatmap(idx, "district", lang="vi", reference={"C1.1": 85, "C1.2": 78})
    >>> ax.get_xlabel(), [t.get_text() for t in ax.texts]
    ('Tiêu chí', ['80−', '85+', '90+', '70'])
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    _need(index, [unit, "level", "code", "estimate"], "criteria_heatmap")
    d = index[index["level"] == "criterion"]
    codes = list(dict.fromkeys(d["code"]))
    wide = d.pivot(index=unit, columns="code", values="estimate")[codes].dropna(how="all")
    label = {v: (names.get(v, str(v)) if names else str(v)) for v in wide.index}
    wide = wide.loc[sorted(wide.index, key=lambda v: vi_key(label[v]))]
    ax = _ax(ax, (11, max(3.0, 0.3 * len(wide) + 1.8)))
    values = wide.to_numpy(float)
    sign = np.zeros(values.shape)
    if reference is not None and {"ci_low", "ci_high"} <= set(d.columns):
        lo = d.pivot(index=unit, columns="code", values="ci_low").reindex(wide.index)[codes]
        hi = d.pivot(index=unit, columns="code", values="ci_high").reindex(wide.index)[codes]
        ref = np.array([reference.get(c, np.nan) for c in codes], dtype=float)
        sign = np.where(lo.to_numpy(float) > ref, 1, np.where(hi.to_numpy(float) < ref, -1, 0))
    norm = Normalize(vmin=scale[0], vmax=scale[1], clip=True)
    im = ax.imshow(np.ma.masked_invalid(values), cmap="RdYlGn", norm=norm, aspect="auto")
    if values.shape[0] <= 40:
        mark = {1: "+", -1: "\u2212", 0: ""}
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                s_ = int(sign[i, j])
                dark = not 0.2 <= norm(v) <= 0.85  # white on the darkest colours
                ax.text(j, i, i18n.num(v, lang, 0) + mark[s_], ha="center", va="center",
                        fontsize=8, fontweight="bold" if s_ else "normal",
                        color="white" if dark else "black")  # fmt: skip
    ax.set_xticks(np.arange(len(codes)), [i18n.literal(c) for c in codes], rotation=90)
    ax.set_yticks(np.arange(len(wide)), [i18n.literal(label[v]) for v in wide.index])
    bar = plt.colorbar(im, ax=ax, extend="min")
    bar.set_label(text("ax_pct", lang))
    ax.set_xlabel(text("ax_criterion", lang))
    ax.set_ylabel(i18n.literal(unit_label or unit))
    ax.tick_params(labelsize=9)
    return ax


def change_plot(
    comparison: pd.DataFrame,
    label: str,
    ax: Axes | None = None,
    gain: tuple[float, float] | None = None,
    confidence: float | None = None,
    lang: str = "en",
) -> Axes:
    """Changes with confidence intervals (from :func:`govsurvey.inference.compare_index`).

    Parameters
    ----------
    comparison : DataFrame
        With ``change``, ``ci_low``, ``ci_high`` and a ``label`` column naming each row. When
        it has the one-sided bounds ``lower_bound`` and ``upper_bound`` (as
        :func:`~govsurvey.inference.compare_index` returns), those are drawn: they are what
        the verdicts printed beside the figure are read from.
    gain : (low, high), optional
        A planned gain band (in points) drawn behind the intervals (e.g. 3 to 5 points).
    confidence : float, optional
        By default the level the frame records.
    lang : {"vi", "en"}

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.publish.plots import change_plot
    >>> cmp = pd.DataFrame({"code": ["C5"], "change": [4.0], "ci_low": [2.0], "ci_high": [6.0]})
    >>> change_plot(cmp, "code", gain=(3, 5), lang="en").get_xlabel()
    'Change in percentage points (95% confidence interval)'
    """
    _need(comparison, [label, "change", "ci_low", "ci_high"], "change_plot")
    lv = _level(comparison, confidence)
    # the bounds the verdicts are read from, when the comparison has them
    one_sided = {"lower_bound", "upper_bound"} <= set(comparison.columns)
    lo_col, hi_col = ("lower_bound", "upper_bound") if one_sided else ("ci_low", "ci_high")
    ax = _ax(ax, (6, 0.5 * len(comparison) + 1.5))
    y = np.arange(len(comparison))[::-1]
    if gain is not None:
        ax.axvspan(gain[0], gain[1], color="#f5cba7", alpha=0.6, label=text("lg_gain", lang))
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.axvline(0, color="black", lw=0.8)
    ax.hlines(y, comparison[lo_col], comparison[hi_col], color=_DARK, lw=2.5)
    ax.scatter(comparison["change"], y, color=_DARK, zorder=3)
    ax.set_yticks(y, [i18n.literal(v) for v in comparison[label]])
    key = "ax_change_bounds" if one_sided else "ax_change"
    ax.set_xlabel(text(key, lang, level=i18n.level_pct(lv, lang)))
    _despine(ax)
    return ax
