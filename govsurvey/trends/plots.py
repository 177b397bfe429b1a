"""Plots of change over time: each takes result frames and an ``ax`` and returns the ``ax``.

Nothing here computes a statistic beyond placing what the frames hold (the funnel's limit
curves are the frame's limits, drawn against the forms a unit would have at the pooled per-form
spread).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator
from scipy import stats

from .report import text

__all__ = ["change_plot", "funnel_plot", "monthly_plot", "path_plot", "rank_plot", "target_plot"]


def path_plot(
    index: pd.DataFrame,
    ax: Any,
    unit: str | None = None,
    units: Sequence[str] = (),
    code: str = "SIPAS",
    lang: str = "en",
    overall: pd.DataFrame | None = None,
) -> Any:
    """Lines with confidence bands of ``code`` by period, for the city and named units.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> idx = pd.DataFrame({"period": [2021, 2022], "code": "SIPAS", "estimate": [80.0, 82.0],
    ...                     "ci_low": [78.0, 80.0], "ci_high": [82.0, 84.0]})
    >>> path_plot(idx, plt.subplots()[1]).get_xlabel()
    'Year'
    """
    series = []
    if overall is not None or unit is None:
        src = overall if overall is not None else index
        series.append((text("overall", lang), src[src["code"] == code]))
    for u in units:
        s = index[(index["code"] == code) & (index[unit].astype(str) == str(u))]
        series.append((str(u), s))
    for name, s in series:
        s = s.sort_values("period")
        x = s["period"].to_numpy()
        ax.plot(x, s["estimate"], marker="o", label=name)
        ax.fill_between(x, s["ci_low"], s["ci_high"], alpha=0.15)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(text("year", lang))
    ax.set_ylabel("SIPAS (%)")
    ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    return ax


def change_plot(
    change: pd.DataFrame, unit: str, ax: Any, code: str = "SIPAS", lang: str = "en"
) -> Any:
    """Each unit's change with its interval, sorted, and the zero line.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> ch = pd.DataFrame({"district": ["A", "B"], "code": "SIPAS", "estimate": [1.0, -2.0],
    ...                    "ci_low": [-1.0, -4.0], "ci_high": [3.0, 0.5]})
    >>> len(change_plot(ch, "district", plt.subplots()[1]).get_yticks())
    2
    """
    s = change[change["code"] == code].dropna(subset=["estimate"]).sort_values("estimate")
    y = np.arange(len(s))
    ax.errorbar(
        s["estimate"],
        y,
        xerr=[s["estimate"] - s["ci_low"], s["ci_high"] - s["estimate"]],
        fmt="o",
        ms=4,
        capsize=2,
    )
    ax.axvline(0, color="grey", lw=1)
    ax.set_yticks(y)
    ax.set_yticklabels(s[unit].astype(str), fontsize=8)
    ax.set_xlabel(text("change_axis", lang))
    ax.grid(axis="x", alpha=0.3)
    return ax


def rank_plot(rc: pd.DataFrame, unit: str, ax: Any, lang: str = "en") -> Any:
    """Start and end ranks with their rank intervals, one row per unit.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> rc = pd.DataFrame({"d": ["A", "B"], "rank_start": [2, 1], "rank_end": [1, 2],
    ...     "rank_low_start": [1, 1], "rank_high_start": [2, 2], "rank_low_end": [1, 1],
    ...     "rank_high_end": [2, 2]}).assign(verdict="not determined")
    >>> rank_plot(rc, "d", plt.subplots()[1]).get_xlabel()
    'Rank'
    """
    s = rc.sort_values("rank_end")
    y = np.arange(len(s))
    for key, off, lab in (
        ("start", -0.15, rc.attrs.get("start")),
        ("end", 0.15, rc.attrs.get("end")),
    ):
        r = s[f"rank_{key}"].to_numpy(float)
        ax.errorbar(
            r,
            y + off,
            xerr=[r - s[f"rank_low_{key}"], s[f"rank_high_{key}"] - r],
            fmt="o",
            ms=3,
            capsize=1.5,
            label=str(lab) if lab is not None else key,
        )
    ax.set_yticks(y)
    ax.set_yticklabels(s[unit].astype(str), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(text("rank_axis", lang))
    ax.legend(fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return ax


def target_plot(
    path: pd.DataFrame,
    predictions: pd.DataFrame,
    targets: Mapping[int, float],
    ax: Any,
    lang: str = "en",
) -> Any:
    """A unit's estimates by period with intervals, the trend's predictions with prediction
    intervals, and its targets.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> path = pd.DataFrame({"period": [2021, 2022], "estimate": [80.0, 82.0],
    ...                      "ci_low": [78.0, 80.0], "ci_high": [82.0, 84.0]})
    >>> pred = pd.DataFrame({"at": [2025], "estimate": [88.0], "ci_low": [84.0],
    ...                      "ci_high": [92.0]})
    >>> target_plot(path, pred, {2025: 90}, plt.subplots()[1]).get_ylabel()
    'SIPAS (%)'
    """
    p = path.sort_values("period")
    ax.errorbar(
        p["period"],
        p["estimate"],
        yerr=[p["estimate"] - p["ci_low"], p["ci_high"] - p["estimate"]],
        fmt="o-",
        capsize=3,
        label="SIPAS",
    )
    if len(predictions):
        q = predictions.sort_values("at")
        x = np.r_[p["period"].to_numpy(float)[-1:], q["at"].to_numpy(float)]
        y = np.r_[p["estimate"].to_numpy(float)[-1:], q["estimate"].to_numpy(float)]
        ax.plot(x, y, ls="--", color="grey", label=text("trend_line", lang))
        ax.errorbar(
            q["at"],
            q["estimate"],
            yerr=[q["estimate"] - q["ci_low"], q["ci_high"] - q["estimate"]],
            fmt="s",
            color="grey",
            capsize=3,
        )
    for year, t in targets.items():
        ax.plot([year], [t], marker="*", ms=12, color="crimson", ls="none")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(text("year", lang))
    ax.set_ylabel("SIPAS (%)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return ax


def trajectory_plot(trajectory: pd.DataFrame, ax: Any, lang: str = "en") -> Any:
    """One unit's rows of :func:`~govsurvey.trends.trajectory` drawn by :func:`target_plot`:
    the surveyed path with its CIs, the trend's predictions with prediction intervals, and
    the unit's targets.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> tj = pd.DataFrame({"period": [2021.0, 2022.0, 2025.0],
    ...                    "basis": ["survey", "survey", "trend"],
    ...                    "estimate": [80.0, 82.0, 88.0], "ci_low": [78.0, 80.0, 84.0],
    ...                    "ci_high": [82.0, 84.0, 92.0], "target": [None, 85.0, 90.0]})
    >>> ax = trajectory_plot(tj, plt.subplots()[1])
    >>> [float(ln.get_ydata()[0]) for ln in ax.lines if ln.get_marker() == "*"]
    [85.0, 90.0]
    """
    surveyed = trajectory[trajectory["basis"] == "survey"]
    ahead = trajectory[(trajectory["basis"] == "trend") & trajectory["estimate"].notna()]
    wanted = trajectory[trajectory["target"].notna()]
    targets = dict(zip(wanted["period"].astype(int), wanted["target"].astype(float), strict=True))
    return target_plot(surveyed, ahead.rename(columns={"period": "at"}), targets, ax, lang=lang)


def funnel_plot(funnel: pd.DataFrame, ax: Any, lang: str = "en") -> Any:
    """One period's units: estimate against forms, with the funnel's limit curves.

    The curves are ``centre ± t × s / sqrt(n)`` with ``s`` the median per-form spread
    ``se × sqrt(n)`` of the units shown, at the frame's two levels; each unit is flagged by its
    own limits (the frame's verdict), which the curves approximate.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> f = pd.DataFrame({"estimate": [80.0, 60.0], "se": [2.0, 2.0], "n": [60, 60],
    ...                   "df": [11.0, 11.0], "centre": [80.0, 80.0],
    ...                   "verdict": ["within limits", "below"]})
    >>> f.attrs.update(level=0.998, warning=0.95)
    >>> funnel_plot(f, plt.subplots()[1]).get_xlabel()
    'Forms'
    """
    f = funnel.dropna(subset=["estimate"])
    centre = float(f["centre"].iloc[0])
    s = float(np.median(f["se"] * np.sqrt(f["n"])))
    df = float(np.median(f["df"]))
    n = np.linspace(max(5, f["n"].min() * 0.5), f["n"].max() * 1.5, 100)
    for lvl, ls in (
        (funnel.attrs.get("warning", 0.95), ":"),
        (funnel.attrs.get("level", 0.998), "--"),
    ):
        q = stats.t.ppf(0.5 + lvl / 2, df)
        ax.plot(n, centre + q * s / np.sqrt(n), color="grey", ls=ls, lw=1)
        ax.plot(n, centre - q * s / np.sqrt(n), color="grey", ls=ls, lw=1)
    ax.axhline(centre, color="black", lw=1)
    flag = f["verdict"].isin(["below", "above"])
    ax.scatter(f.loc[~flag, "n"], f.loc[~flag, "estimate"], s=18, color="tab:blue")
    ax.scatter(f.loc[flag, "n"], f.loc[flag, "estimate"], s=30, color="crimson", marker="D")
    ax.set_xlabel(text("forms", lang))
    ax.set_ylabel("SIPAS (%)")
    ax.grid(alpha=0.3)
    return ax


def monthly_plot(monthly: pd.DataFrame, rolling: pd.DataFrame, ax: Any, lang: str = "en") -> Any:
    """A unit's monthly figure with its interval and the rolling 3-month figure.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> m = pd.DataFrame({"period": ["2024-01", "2024-02", "2024-03"], "estimate": [80.0] * 3,
    ...                   "ci_low": [75.0] * 3, "ci_high": [85.0] * 3})
    >>> monthly_plot(m, m.iloc[2:], plt.subplots()[1]).get_xlabel()
    'Month'
    """
    periods = list(monthly["period"])
    x = np.arange(len(periods))
    ax.plot(x, monthly["estimate"], marker="o", ms=3, label=text("monthly_line", lang))
    ax.fill_between(x, monthly["ci_low"], monthly["ci_high"], alpha=0.15)
    pos = {p: i for i, p in enumerate(periods)}
    xr = [pos[p] for p in rolling["period"]]
    ax.plot(xr, rolling["estimate"], lw=2, label=text("rolling_line", lang))
    ax.set_xticks(x[::3])
    ax.set_xticklabels(periods[::3], rotation=45, fontsize=7)
    ax.set_xlabel(text("month_axis", lang))
    ax.set_ylabel("SIPAS (%)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return ax
