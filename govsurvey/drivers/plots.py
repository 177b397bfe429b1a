"""Figures of the drivers analysis: each takes a result frame and an ``ax`` and returns the ax.

matplotlib is imported inside each function, so ``import govsurvey`` stays light. Labels come
as a ``{code: label}`` mapping (the caller's language); axis titles from
:mod:`govsurvey.drivers.report`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..publish.i18n import literal
from .report import quadrant_label, text

__all__ = ["coefficient_plot", "importance_plot", "ipa_plot", "facts_plot"]

_QUAD_COLOURS = {
    "concentrate_here": "#c0392b",
    "keep_up": "#1e8449",
    "low_priority": "#7f8c8d",
    "possible_overkill": "#2471a3",
    "not_determined": "#444444",
}


def _decimal_comma(ax, lang: str, axes: str = "x") -> None:
    """Vietnamese tick labels write the decimal point as a comma (0,25), as the sources do."""
    if lang != "vi":
        return
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _: f"{v:g}".replace("-", "−").replace(".", ","))
    for a in axes:
        getattr(ax, f"{a}axis").set_major_formatter(fmt)


def _labels(codes, labels):
    labels = labels or {}
    return [literal(labels.get(c, c)) for c in codes]


def coefficient_plot(
    frame: pd.DataFrame,
    ax,
    labels: Mapping[str, str] | None = None,
    lang: str = "en",
    xlabel: str | None = None,
):
    """Coefficients with their confidence intervals (the intercept and cut points left out).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> f = pd.DataFrame({"term": ["Intercept", "C1"], "estimate": [1.0, 0.5],
    ...                   "ci_low": [0.5, 0.2], "ci_high": [1.5, 0.8]})
    >>> fig, ax = plt.subplots()
    >>> coefficient_plot(f, ax) is ax
    True
    """
    f = frame[(frame["term"] != "Intercept") & ~frame["term"].astype(str).str.contains(r"\|")]
    f = f.iloc[::-1]
    y = np.arange(len(f))
    est = f["estimate"].to_numpy(float)
    err = np.vstack([est - f["ci_low"].to_numpy(float), f["ci_high"].to_numpy(float) - est])
    ax.errorbar(est, y, xerr=err, fmt="o", color="#1f4e79", capsize=3)
    ax.axvline(0, color="#888888", lw=0.8, ls="--")
    ax.set_yticks(y, _labels(f["term"], labels))
    ax.set_xlabel(xlabel or text("ax_coef", lang))
    ax.grid(axis="x", alpha=0.3)
    _decimal_comma(ax, lang)
    return ax


def importance_plot(
    frame: pd.DataFrame, ax, labels: Mapping[str, str] | None = None, lang: str = "en"
):
    """Each predictor's share of R² (percent) as a bar with its confidence interval.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> f = pd.DataFrame({"term": ["A", "B"], "share": [0.7, 0.3],
    ...                   "share_ci_low": [0.6, 0.2], "share_ci_high": [0.8, 0.4]})
    >>> fig, ax = plt.subplots()
    >>> importance_plot(f, ax) is ax
    True
    """
    f = frame.sort_values("share")
    y = np.arange(len(f))
    s = 100 * f["share"].to_numpy(float)
    err = np.vstack(
        [s - 100 * f["share_ci_low"].to_numpy(float), 100 * f["share_ci_high"].to_numpy(float) - s]
    )
    ax.barh(y, s, color="#5b8db8", xerr=err, capsize=3, ecolor="#222222")
    ax.axvline(100 / len(f), color="#888888", lw=0.8, ls="--")
    ax.set_yticks(y, _labels(f["term"], labels))
    ax.set_xlabel(text("ax_share", lang))
    ax.grid(axis="x", alpha=0.3)
    _decimal_comma(ax, lang)
    return ax


def label_offsets(
    x: np.ndarray,
    y: np.ndarray,
    lengths: list[int],
    bounds: tuple[float, float, float, float] | None = None,
) -> list[tuple[int, int]]:
    """Offsets (points) for one label per point so that no two labels overlap, nor a label
    another point, nor (given ``bounds``) the edge of the axes: each label, in turn, takes the
    nearest candidate position that keeps clear of the labels already placed, of the other
    points and inside the bounds (else the clearest one).

    ``x`` and ``y`` are the points' positions in points (display units); ``lengths`` the
    labels' lengths in characters (about 5.2 points each at 9 pt); ``bounds`` the axes' box
    ``(x0, y0, x1, y1)`` in the same units — a label crossing it would run into the legend
    beside the axes or off the figure.

    Examples
    --------
    >>> import numpy as np
    >>> from govsurvey.drivers.plots import label_offsets
    >>> label_offsets(np.array([100.0, 100.0]), np.array([50.0, 50.0]), [6, 6])
    [(6, 18), (6, -18)]
    >>> label_offsets(np.array([390.0]), np.array([50.0]), [20], bounds=(0, 0, 400, 100))
    [(-6, 6)]
    """
    px, py = np.asarray(x, float), np.asarray(y, float)
    cands = [(6, 6), (6, -6), (-6, 6), (-6, -6), (6, 18), (6, -18), (-6, 18), (-6, -18),
             (6, 30), (6, -30), (-6, 30), (-6, -30)]  # fmt: skip
    placed: list[tuple[float, float, float, float]] = []  # label boxes: x0, y0, x1, y1
    out = []
    for i, n in enumerate(lengths):
        w, h = 5.2 * n, 11.0
        best, score = cands[0], -np.inf
        for dx, dy in cands:
            x0 = px[i] + dx - (w if dx < 0 else 0)
            y0 = py[i] + dy - (h if dy < 0 else 0)
            box = (x0, y0, x0 + w, y0 + h)
            others = [(px[j] - 4, py[j] - 4, px[j] + 4, py[j] + 4) for j in range(len(px))]
            near = [_box_gap(box, o) for j, o in enumerate(others) if j != i]
            gap = min([_box_gap(box, b) for b in placed] + near + [1e9])
            if bounds is not None:  # overflow past the axes' edge counts as an overlap
                over = max(bounds[0] - box[0], bounds[1] - box[1], box[2] - bounds[2],
                           box[3] - bounds[3])  # fmt: skip
                gap = min(gap, -over) if over > 0 else gap
            if gap >= 3:  # clear: the nearest such place
                best = (dx, dy)
                break
            if gap > score:
                best, score = (dx, dy), gap
        dx, dy = best
        x0 = px[i] + dx - (5.2 * n if dx < 0 else 0)
        y0 = py[i] + dy - (11.0 if dy < 0 else 0)
        placed.append((x0, y0, x0 + 5.2 * n, y0 + 11.0))
        out.append(best)
    return out


def _box_gap(a: tuple, b: tuple) -> float:
    """Distance between two boxes (negative: they overlap by that much)."""
    dx = max(b[0] - a[2], a[0] - b[2])
    dy = max(b[1] - a[3], a[1] - b[3])
    return max(dx, dy) if dx < 0 and dy < 0 else float(np.hypot(max(dx, 0), max(dy, 0)))


def ipa_plot(frame: pd.DataFrame, ax, labels: Mapping[str, str] | None = None, lang: str = "en"):
    """Importance (x) against performance (y), each with its interval, coloured by quadrant.

    The dashed cross-hairs are ``frame.attrs["importance_line"]`` and ``["performance_line"]``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> f = pd.DataFrame({"component": ["A", "B"], "importance": [0.8, 0.2],
    ...     "importance_ci_low": [0.7, 0.1], "importance_ci_high": [0.9, 0.3],
    ...     "performance": [70.0, 90.0], "performance_ci_low": [65.0, 85.0],
    ...     "performance_ci_high": [75.0, 95.0], "quadrant": ["concentrate_here", "keep_up"]})
    >>> f.attrs.update(importance_line=0.5, performance_line=80.0)
    >>> fig, ax = plt.subplots()
    >>> ipa_plot(f, ax) is ax
    True
    """
    x = 100 * frame["importance"].to_numpy(float)
    y = frame["performance"].to_numpy(float)
    xe = np.vstack(
        [
            x - 100 * frame["importance_ci_low"].to_numpy(float),
            100 * frame["importance_ci_high"].to_numpy(float) - x,
        ]
    )
    ye = np.vstack(
        [
            y - frame["performance_ci_low"].to_numpy(float),
            frame["performance_ci_high"].to_numpy(float) - y,
        ]
    )
    seen = set()
    for i, q in enumerate(frame["quadrant"]):
        lab = None if q in seen else quadrant_label(q, lang)
        seen.add(q)
        ax.errorbar(
            x[i],
            y[i],
            xerr=xe[:, i : i + 1],
            yerr=ye[:, i : i + 1],
            fmt="o",
            color=_QUAD_COLOURS.get(q, "#444444"),
            capsize=3,
            label=lab,
        )
    names = _labels(frame["component"], labels)
    ax.margins(x=0.2, y=0.1)
    ax.autoscale_view()
    pts = ax.transData.transform(np.column_stack([x, y])) * 72.0 / ax.figure.dpi
    box = tuple(ax.get_window_extent().extents * 72.0 / ax.figure.dpi)
    offsets = label_offsets(pts[:, 0], pts[:, 1], [len(n) for n in names], bounds=box)
    for i, (dx, dy) in enumerate(offsets):
        ax.annotate(names[i], (x[i], y[i]), xytext=(dx, dy), textcoords="offset points",
                    fontsize=9, ha="left" if dx >= 0 else "right",
                    va="bottom" if dy >= 0 else "top",
                    arrowprops={"arrowstyle": "-", "color": "#999999", "lw": 0.6})  # fmt: skip
    ax.axvline(100 * frame.attrs.get("importance_line", np.nan), color="#888888", ls="--", lw=0.8)
    ax.axhline(frame.attrs.get("performance_line", np.nan), color="#888888", ls="--", lw=0.8)
    ax.margins(x=0.2, y=0.1)
    ax.set_xlabel(text("ax_importance", lang))
    ax.set_ylabel(text("ax_performance", lang))
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.grid(alpha=0.3)
    _decimal_comma(ax, lang, "xy")
    return ax


def facts_plot(
    frame: pd.DataFrame,
    ax,
    labels: Mapping[str, str] | None = None,
    lang: str = "en",
    xlabel: str | None = None,
    column: str = "variable",
):
    """Estimates (percent, or points) with intervals, one row per fact.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> f = pd.DataFrame({"variable": ["late_result"], "estimate": [8.0], "ci_low": [7.0],
    ...                   "ci_high": [9.0]})
    >>> fig, ax = plt.subplots()
    >>> facts_plot(f, ax) is ax
    True
    """
    f = frame.dropna(subset=["estimate"]).iloc[::-1]
    y = np.arange(len(f))
    est = f["estimate"].to_numpy(float)
    err = np.vstack([est - f["ci_low"].to_numpy(float), f["ci_high"].to_numpy(float) - est])
    ax.errorbar(est, y, xerr=err, fmt="s", color="#7d3c98", capsize=3)
    if (est < 0).any():
        ax.axvline(0, color="#888888", lw=0.8, ls="--")
    ax.set_yticks(y, _labels(f[column], labels))
    ax.set_xlabel(xlabel or text("ax_fact_share", lang))
    ax.grid(axis="x", alpha=0.3)
    _decimal_comma(ax, lang)
    return ax
