"""Inference on index figures: targets, changes against a baseline, ranks.

Moved out of :mod:`govsurvey.index` (which keeps :func:`~govsurvey.index.sipas_index`); the old
names stay importable from there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .results import t_quantile

__all__ = ["compare_index", "target_test", "rank_index", "welch_df"]


def welch_df(se1: np.ndarray, df1: np.ndarray, se2: np.ndarray, df2: np.ndarray) -> np.ndarray:
    """Welch–Satterthwaite degrees of freedom of a difference of two independent estimates.

    ``(v1 + v2)² / (v1²/df1 + v2²/df2)`` with ``v = se²``; an estimate with infinite df (or SE 0,
    a known value) adds nothing to the denominator. Infinite when both are known.

    Examples
    --------
    >>> import numpy as np
    >>> from govsurvey.inference import welch_df
    >>> float(welch_df(np.array(1.0), np.array(3.0), np.array(1.0), np.array(3.0)))
    6.0
    >>> float(welch_df(np.array(0.0), np.array(np.inf), np.array(2.0), np.array(40.0)))
    40.0
    """
    v1, v2 = np.asarray(se1, float) ** 2, np.asarray(se2, float) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        t1 = np.where((v1 > 0) & np.isfinite(df1), v1**2 / df1, 0.0)
        t2 = np.where((v2 > 0) & np.isfinite(df2), v2**2 / df2, 0.0)
        den = t1 + t2
        return np.where(den > 0, (v1 + v2) ** 2 / np.where(den > 0, den, 1.0), np.inf)


def compare_index(
    before: pd.DataFrame,
    after: pd.DataFrame,
    gain: float | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Change between two independent surveys (``after − before``), with SE, CI and a gain test.

    Parameters
    ----------
    before, after : DataFrame
        Index frames (as :func:`sipas_index` returns; ``before`` may be a hand-made baseline with
        columns ``code``, ``estimate`` and ``se``, and optionally ``level``, ``df`` and domain
        columns). Rows are matched on the domain columns they share, ``level`` and ``code``.
    gain : float, optional
        A stated gain in points (e.g. 3 for "at least 3 points"). Adds ``p_gain``, the one-sided
        p-value of H0: change ≤ gain, and ``gain_verdict``: "achieved" when the lower confidence
        bound of the change (one-sided, at ``confidence``) is above ``gain``, "not achieved" when
        the upper bound is below it, "not determined" otherwise.
    confidence : float
        Level of the interval of the change.

    Returns
    -------
    DataFrame
        ``[*keys, "estimate_before", "estimate_after", "change", "se", "ci_low", "ci_high", "df"]``
        (+ ``"gain", "p_gain", "gain_verdict"``). The SE is ``sqrt(se_before² + se_after²)``
        (independent samples); the df is Welch–Satterthwaite's (:func:`welch_df`; a baseline
        with SE 0 is a known value and contributes no uncertainty and no df).

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> a = pd.DataFrame({"code": ["C5"], "estimate": [79.73], "se": [0.0]})
    >>> b = pd.DataFrame({"code": ["C5"], "estimate": [84.0], "se": [1.0], "df": [100.0]})
    >>> r = gs.compare_index(a, b, gain=3.0)
    >>> round(float(r["change"].iloc[0]), 2), r["gain_verdict"].iloc[0]
    (4.27, 'not determined')
    """
    for name, f in (("before", before), ("after", after)):
        lacking = {"code", "estimate", "se"} - set(f.columns)
        if lacking:
            raise ValueError(f"the '{name}' frame lacks column(s) {sorted(lacking)}")
    stat_cols = {"estimate", "se", "ci_low", "ci_high", "df", "n"}
    keys = [c for c in before.columns if c in after.columns and c not in stat_cols]
    a = before.assign(df=before["df"] if "df" in before else np.inf)
    b = after.assign(df=after["df"] if "df" in after else np.inf)
    m = a[keys + ["estimate", "se", "df"]].merge(
        b[keys + ["estimate", "se", "df"]], on=keys, suffixes=("_before", "_after"), how="inner"
    )
    if m.empty:
        raise ValueError(f"no row of 'before' matches a row of 'after' on {keys}")
    out = m[keys].copy()
    out["estimate_before"] = m["estimate_before"]
    out["estimate_after"] = m["estimate_after"]
    out["change"] = m["estimate_after"] - m["estimate_before"]
    out["se"] = np.hypot(m["se_before"], m["se_after"])
    df = welch_df(
        m["se_before"].to_numpy(float),
        m["df_before"].to_numpy(float),
        m["se_after"].to_numpy(float),
        m["df_after"].to_numpy(float),
    )
    q = t_quantile(df, confidence)
    out["ci_low"] = out["change"] - q * out["se"]
    out["ci_high"] = out["change"] + q * out["se"]
    out["df"] = df
    if gain is not None:
        out["gain"] = float(gain)
        out["p_gain"], out["gain_verdict"] = _one_sided(
            out["change"].to_numpy(float), out["se"].to_numpy(float), df, float(gain), confidence
        )
    return out.reset_index(drop=True)


def _one_sided(
    est: np.ndarray, se: np.ndarray, df: np.ndarray, threshold: float, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """p-value of H0: θ ≤ threshold, and a three-way verdict from one-sided bounds."""
    dfx = np.where(np.isfinite(df), df, np.inf)
    with np.errstate(invalid="ignore", divide="ignore"):
        tstat = (est - threshold) / se
    p = stats.t.sf(tstat, dfx)
    p = np.where(se == 0, np.where(est > threshold, 0.0, 1.0), p)
    q = stats.t.ppf(confidence, dfx)
    lower, upper = est - q * se, est + q * se
    verdict = np.where(
        lower > threshold, "achieved", np.where(upper < threshold, "not achieved", "not determined")
    )
    verdict = np.where(np.isnan(est) | np.isnan(se), "not estimable", verdict)
    return p, verdict


def target_test(
    index: pd.DataFrame, target: float | pd.Series, confidence: float = 0.95
) -> pd.DataFrame:
    """Is a target met? One-sided test of each figure against a target value.

    Parameters
    ----------
    index : DataFrame
        An index frame (:func:`sipas_index`).
    target : float
        The target in percent (e.g. 90), or a Series aligned with ``index``.
    confidence : float
        Confidence of the verdict.

    Returns
    -------
    DataFrame
        ``index`` with ``target``, ``gap`` (estimate − target), ``p_value`` (H0: the true value
        is at most the target) and ``verdict``: "met" when the one-sided lower bound exceeds the
        target, "not met" when the upper bound is below it, "not determined" otherwise.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> idx = pd.DataFrame({"code": ["SIPAS"], "estimate": [92.0], "se": [0.5], "df": [60.0]})
    >>> gs.target_test(idx, 90)["verdict"].iloc[0]
    'met'
    """
    for col in ("estimate", "se"):
        if col not in index.columns:
            raise ValueError(f"target_test needs an index frame with column '{col}'")
    out = index.copy()
    out["target"] = target
    df = out["df"].to_numpy(float) if "df" in out else np.full(len(out), np.inf)
    out["gap"] = out["estimate"] - out["target"]
    tgt = out["target"].to_numpy(float)
    p, verdict = _one_sided(
        out["estimate"].to_numpy(float) - tgt, out["se"].to_numpy(float), df, 0.0, confidence
    )
    out["p_value"] = p
    out["verdict"] = np.where(
        verdict == "achieved", "met", np.where(verdict == "not achieved", "not met", verdict)
    )
    return out


def rank_index(
    index: pd.DataFrame, unit: str, confidence: float = 0.95, descending: bool = True
) -> pd.DataFrame:
    """Rank units (e.g. districts) with rank intervals, so overlapping units are not separated.

    Parameters
    ----------
    index : DataFrame
        One row per unit, with ``unit``, ``estimate`` and ``se`` columns (filter an index frame to
        one code first, e.g. ``idx.query("code == 'SIPAS'")``).
    unit : str
        The column naming the units.
    confidence : float
        Each unit's rank interval covers its true rank with at least this probability.
    descending : bool
        Rank 1 is the highest value (default) or the lowest.

    Returns
    -------
    DataFrame
        The rows sorted by rank, with ``rank`` (by point estimate), ``rank_low`` and
        ``rank_high``: unit i can be ranked no better than 1 + the number of units significantly
        above it, and no worse than K − the number significantly below it. Each comparison is a
        two-sided test of the difference at level ``(1 − confidence)/(K − 1)`` (Bonferroni over a
        unit's K − 1 comparisons), with SE ``sqrt(se_i² + se_j²)`` and Welch–Satterthwaite df
        (:func:`welch_df`), which is right when the units are separate strata (districts) and
        ignores their covariance otherwise.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> idx = pd.DataFrame({"district": ["A", "B", "C"], "estimate": [90.0, 89.5, 70.0],
    ...                     "se": [1.0, 1.0, 1.0], "df": [50.0] * 3})
    >>> r = gs.rank_index(idx, "district")
    >>> r[["district", "rank", "rank_low", "rank_high"]].values.tolist()
    [['A', 1, 1, 2], ['B', 2, 1, 2], ['C', 3, 3, 3]]
    """
    if unit not in index.columns:
        raise ValueError(f"rank_index: no column '{unit}' in the index frame")
    if index[unit].duplicated().any():
        raise ValueError(
            f"rank_index needs one row per {unit}: filter the index frame to one code first, "
            "e.g. idx.query(\"code == 'SIPAS'\")"
        )
    data = index.dropna(subset=["estimate", "se"]).reset_index(drop=True)
    est = data["estimate"].to_numpy(float)
    se = data["se"].to_numpy(float)
    k = len(data)
    sign = 1.0 if descending else -1.0
    diff = sign * (est[None, :] - est[:, None])  # > 0: j better than i
    sed = np.hypot(se[None, :], se[:, None])
    df = data["df"].to_numpy(float) if "df" in data else np.full(k, np.inf)
    dfx = welch_df(se[None, :], df[None, :], se[:, None], df[:, None])
    alpha = (1 - confidence) / max(k - 1, 1)
    q = stats.t.ppf(1 - alpha / 2, np.where(np.isfinite(dfx), dfx, np.inf))
    with np.errstate(invalid="ignore", divide="ignore"):
        better = diff > q * sed
        worse = -diff > q * sed
    np.fill_diagonal(better, False)
    np.fill_diagonal(worse, False)
    out = data.copy()
    order = np.argsort(-sign * est, kind="stable")
    rank = np.empty(k, dtype=int)
    rank[order] = np.arange(1, k + 1)
    out["rank"] = rank
    out["rank_low"] = 1 + better.sum(axis=1)
    out["rank_high"] = k - worse.sum(axis=1)
    return out.sort_values("rank").reset_index(drop=True)
