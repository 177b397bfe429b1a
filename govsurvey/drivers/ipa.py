"""Importance–performance analysis with quadrants decided by the intervals, not the points.

Each component is placed by its **derived importance** (its LMG or Johnson share of the R² of
overall satisfaction, with a replicate-weight interval, :func:`relative_importance`) and its
**performance** (the component index with its design-based interval, ``gs.sipas_index``). The
cross-hairs are the equal share ``1/p`` of importance and the mean of the component indices.
A component is put in a quadrant only when *both* intervals lie wholly on one side of their
cross-hair; otherwise it is ``"not determined"`` — a point estimate that happens to fall on one
side is not evidence. (The cross-hairs are taken as fixed; their own uncertainty is not
propagated.)

Quadrants (Martilla and James): ``concentrate_here`` (important, performing below the mean),
``keep_up`` (important, above), ``low_priority`` (less important, below), ``possible_overkill``
(less important, above).

:func:`stated_importance` adds what respondents say they want improved (the expectations items,
``exp_*``), so derived and stated importance can be compared.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InputError
from ..results import logit_interval

__all__ = [
    "QUADRANTS",
    "available_items",
    "importance_performance",
    "stated_importance",
]

QUADRANTS = (
    "concentrate_here",
    "keep_up",
    "low_priority",
    "possible_overkill",
    "not_determined",
)


def available_items(data: pd.DataFrame, items: Mapping[str, str]) -> dict:
    """The expectations items the data hold (``exp_*`` are optional in a survey file).

    Parameters
    ----------
    data : DataFrame
    items : mapping
        Component code -> its 0/1 expectation column (the instrument's
        :attr:`~govsurvey.config.instrument.Instrument.stated_items`, or the parameters').

    Returns
    -------
    dict
        The items whose column is in ``data`` and holds at least one answer; empty when none.

    Examples
    --------
    >>> import pandas as pd
    >>> available_items(pd.DataFrame({"exp_time": [1, 0]}), {"C4": "exp_time", "C5": "exp_x"})
    {'C4': 'exp_time'}
    """
    items = dict(items)
    return {k: c for k, c in items.items() if c in data.columns and data[c].notna().any()}


def stated_importance(design, items: Mapping[str, str], level: float = 0.95) -> pd.DataFrame:
    """Share of respondents who name each component's improvement as wanted most.

    Parameters
    ----------
    design : Design or ReplicateDesign
    items : mapping
        Component code -> its 0/1 expectation column (e.g. the instrument's ``stated_items``).
    level : float

    Returns
    -------
    pandas.DataFrame
        ``[component, item, estimate, se, ci_low, ci_high, df, n]``, percentages with logit
        intervals.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.design import Design
    >>> df = pd.DataFrame({"e1": [1, 0, 0, 1], "e2": [0, 0, 0, 1]})
    >>> stated_importance(Design(df), {"A": "e1", "B": "e2"})["estimate"].tolist()
    [50.0, 25.0]
    """
    items = dict(items)
    missing = [c for c in items.values() if c not in design.data.columns]
    if missing:
        raise InputError.one(
            f"expectation column(s) {', '.join(missing)} not in the data",
            "pass items={component: column} naming the expectations items of your file",
            column=missing[0],
        )
    cols = list(items.values())
    vals = design.data[cols].apply(pd.to_numeric, errors="coerce").astype("float64")
    bad = ~(vals.isin([0, 1]) | vals.isna())
    if bad.any().any():
        col = bad.any()[bad.any()].index[0]
        raise InputError.one(
            "an expectations item must be 0/1 (chosen or not)",
            "recode the column to 0 and 1",
            column=col,
        )
    from .facts import with_columns

    d = with_columns(design, vals.set_axis([f"_gs_{c}" for c in cols], axis=1))
    res = d.mean([f"_gs_{c}" for c in cols], level=level)
    p, se = res["estimate"].to_numpy(float), res["se"].to_numpy(float)
    lo, hi = logit_interval(p, se, res["df"].to_numpy(float), level)
    return pd.DataFrame(
        {
            "component": list(items),
            "item": cols,
            "estimate": 100 * p,
            "se": 100 * se,
            "ci_low": 100 * lo,
            "ci_high": 100 * hi,
            "df": res["df"].to_numpy(float),
            "n": vals.notna().sum().to_numpy(),
        }
    )


def importance_performance(
    importance: pd.DataFrame,
    performance: pd.DataFrame,
    stated: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Place each component by its importance and performance intervals.

    Parameters
    ----------
    importance : pandas.DataFrame
        :func:`relative_importance` result (``term``, ``share``, ``share_ci_low``,
        ``share_ci_high``); terms are component codes.
    performance : pandas.DataFrame
        ``gs.sipas_index`` result (rows with ``level == "component"`` are used) or any frame
        with ``code``, ``estimate``, ``ci_low``, ``ci_high``.
    stated : pandas.DataFrame, optional
        :func:`stated_importance` result, joined as ``stated``, ``stated_ci_low``,
        ``stated_ci_high`` and ranked.

    Returns
    -------
    pandas.DataFrame
        One row per component: ``component, importance, importance_ci_low,
        importance_ci_high, performance, performance_ci_low, performance_ci_high, quadrant,
        point_quadrant, derived_rank`` (and ``stated…``, ``stated_rank``). ``point_quadrant``
        is where the points alone would put it; ``quadrant`` is decided by the intervals.
        ``attrs``: ``importance_line``, ``performance_line`` and, with ``stated``,
        ``rank_correlation`` (Spearman, derived vs stated).

    Examples
    --------
    >>> import pandas as pd
    >>> imp = pd.DataFrame({"term": ["A", "B"], "share": [0.8, 0.2],
    ...                     "share_ci_low": [0.7, 0.1], "share_ci_high": [0.9, 0.45]})
    >>> perf = pd.DataFrame({"code": ["A", "B"], "estimate": [70.0, 90.0],
    ...                      "ci_low": [65.0, 85.0], "ci_high": [75.0, 95.0]})
    >>> importance_performance(imp, perf)[["component", "quadrant"]].values.tolist()
    [['A', 'concentrate_here'], ['B', 'possible_overkill']]
    """
    need = {"term", "share", "share_ci_low", "share_ci_high"}
    if not need <= set(importance.columns):
        raise InputError.one(
            f"importance must have columns {sorted(need)}",
            "pass the result of gs.relative_importance",
        )
    perf = performance
    if "level" in perf.columns:
        perf = perf[perf["level"] == "component"]
    perf = perf.set_index("code")
    comps = [t for t in importance["term"] if t in perf.index]
    if len(comps) < 2:
        raise InputError.one(
            "importance and performance share fewer than two components",
            "use relative importance of the component scores (C1 ~ C5) and sipas_index",
        )
    imp = importance.set_index("term").loc[comps]
    perf = perf.loc[comps]
    iline = 1.0 / len(importance)
    pline = float(perf["estimate"].mean())
    out = pd.DataFrame(
        {
            "component": comps,
            "importance": imp["share"].to_numpy(float),
            "importance_ci_low": imp["share_ci_low"].to_numpy(float),
            "importance_ci_high": imp["share_ci_high"].to_numpy(float),
            "performance": perf["estimate"].to_numpy(float),
            "performance_ci_low": perf["ci_low"].to_numpy(float),
            "performance_ci_high": perf["ci_high"].to_numpy(float),
        }
    )
    hi_i, lo_i = out["importance_ci_low"] > iline, out["importance_ci_high"] < iline
    hi_p, lo_p = out["performance_ci_low"] > pline, out["performance_ci_high"] < pline
    out["quadrant"] = np.select(
        [hi_i & lo_p, hi_i & hi_p, lo_i & lo_p, lo_i & hi_p], QUADRANTS[:4], "not_determined"
    )
    pi, pp = out["importance"] > iline, out["performance"] > pline
    out["point_quadrant"] = np.select(
        [pi & ~pp, pi & pp, ~pi & ~pp, ~pi & pp], QUADRANTS[:4], "not_determined"
    )
    out["derived_rank"] = out["importance"].rank(ascending=False, method="min").astype(int)
    out.attrs.update(importance_line=iline, performance_line=pline)
    if "n" in importance.columns:  # the complete forms the derived importance rests on
        out.attrs["n"] = int(importance["n"].max())
    if stated is not None:
        st = stated.set_index("component").reindex(comps)
        out["stated"] = st["estimate"].to_numpy(float)
        out["stated_ci_low"] = st["ci_low"].to_numpy(float)
        out["stated_ci_high"] = st["ci_high"].to_numpy(float)
        out["stated_rank"] = out["stated"].rank(ascending=False, method="min").astype("Int64")
        ok = out["stated"].notna()
        rho = (
            float(stats.spearmanr(out.loc[ok, "importance"], out.loc[ok, "stated"])[0])
            if ok.sum() >= 3
            else np.nan
        )
        out.attrs["rank_correlation"] = rho
    return out
