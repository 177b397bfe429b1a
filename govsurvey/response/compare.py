"""Respondents against the frame and the full sample: distributions, ASMD, design-based tests.

:func:`compare_distributions` puts side by side, for each auxiliary and category, its share in
the population (frame), in the full sample (base weights), among respondents (base weights)
and among respondents after weighting, with the absolute standardised mean difference (ASMD)
of the respondents from the population before and after weighting.
:func:`group_rate_test` is the design-based Wald test that a rate (response, satisfaction) is
the same in every category of a variable — R's ``svyby`` ratios with their full covariance,
F-adjusted as ``regTermTest``/``svychisq(statistic="adjWald")`` do.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..design import ReplicateDesign
from ..errors import InputError
from .propensity import response_indicator

__all__ = ["asmd", "compare_distributions", "asmd_summary", "group_rate_test", "response_tests"]


def asmd(p1: np.ndarray, p0: np.ndarray) -> np.ndarray:
    """Absolute standardised difference of two proportions (pooled SD, Austin 2009).

    Examples
    --------
    >>> round(float(asmd(np.array(0.6), np.array(0.5))), 4)
    0.202
    """
    p1, p0 = np.asarray(p1, float), np.asarray(p0, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2)
        return np.where(sd > 0, np.abs(p1 - p0) / sd, 0.0)


def _shares(data: pd.DataFrame, col: str, w: np.ndarray) -> pd.Series:
    s = data[col].astype(str)
    t = pd.Series(w, index=data.index).groupby(s.to_numpy()).sum()
    return t / t.sum()


def compare_distributions(
    design,
    variables: Sequence[str],
    response: str = "responded",
    frame: pd.DataFrame | None = None,
    adjusted=None,
    count: str | None = None,
) -> pd.DataFrame:
    """Shares of each category in the population, the sample, the respondents and after weighting.

    Parameters
    ----------
    design : Design
        The design of every sampled unit (base weights) with the ``response`` column.
    variables : list of str
        Auxiliaries known for every sampled unit.
    response : str
        The 0/1 response column.
    frame : pandas.DataFrame, optional
        Population frame (units, or cells with a count column); without it the full sample
        (base weights) is the reference.
    adjusted : Design, optional
        The weighted respondents' design (same rows as ``design``): adds ``adjusted`` and
        ``asmd_after``.
    count : str, optional
        The frame's count column.

    Returns
    -------
    pandas.DataFrame
        ``variable, category, population, sample, respondents, (adjusted), asmd_before,
        (asmd_after)``; shares are proportions, ``population`` is NaN for a variable the frame
        does not hold, and the ASMDs compare with the population (else the full sample).

    Examples
    --------
    >>> from govsurvey.design import Design
    >>> df = pd.DataFrame({"r": [1, 1, 0, 0], "g": ["a", "a", "b", "a"], "w": 1.0})
    >>> t = compare_distributions(Design(df, weights="w"), ["g"], response="r")
    >>> t[["category", "sample", "respondents"]].values.tolist()
    [['a', 0.75, 1.0], ['b', 0.25, 0.0]]
    """
    from ..weighting._margins import frame_counts

    data = design.data
    w = np.asarray(design.weight_values, dtype=float)
    r = response_indicator(data, response, w > 0)
    rows = []
    for v in variables:
        if v not in data.columns:
            raise InputError.one("variable not in the data", "check variables=", column=v)
        sample = _shares(data, v, w)
        resp = _shares(data, v, w * r)
        parts = {"sample": sample, "respondents": resp}
        if frame is not None and v in frame.columns:
            fc = frame_counts(frame, [v], count)
            parts["population"] = pd.Series(
                fc["N"].to_numpy() / fc["N"].sum(), index=fc[v].astype(str).to_numpy()
            )
        if adjusted is not None:
            parts["adjusted"] = _shares(data, v, np.asarray(adjusted.weight_values, float))
        t = pd.DataFrame(parts).fillna(0.0)
        if "population" not in t:
            t["population"] = np.nan
        t.index.name = "category"
        t = t.reset_index()
        t.insert(0, "variable", v)
        rows.append(t)
    out = pd.concat(rows, ignore_index=True)
    ref = out["population"].fillna(out["sample"])
    out["asmd_before"] = asmd(out["respondents"], ref)
    cols = ["variable", "category", "population", "sample", "respondents"]
    if adjusted is not None:
        out["asmd_after"] = asmd(out["adjusted"], ref)
        cols += ["adjusted", "asmd_before", "asmd_after"]
    else:
        cols += ["asmd_before"]
    return out[cols]


def asmd_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Mean and largest ASMD per variable (before and, if present, after weighting).

    Examples
    --------
    >>> t = pd.DataFrame({"variable": ["g", "g"], "asmd_before": [0.2, 0.4]})
    >>> asmd_summary(t)[["variable", "mean_before", "max_before"]].values.tolist()
    [['g', 0.30000000000000004, 0.4]]
    """
    agg = {"mean_before": ("asmd_before", "mean"), "max_before": ("asmd_before", "max")}
    if "asmd_after" in table:
        agg |= {"mean_after": ("asmd_after", "mean"), "max_after": ("asmd_after", "max")}
    return table.groupby("variable", sort=False).agg(**agg).reset_index()


def _covariance(design, Z: np.ndarray, theta=None, est=None) -> np.ndarray:
    """Full covariance of ``sum w z`` over the columns of Z (Taylor), from column-pair sums."""
    k = Z.shape[1]
    iu, ju = np.triu_indices(k, 1)
    if isinstance(design, ReplicateDesign):
        T = np.concatenate([theta, theta[:, iu] + theta[:, ju]], axis=1)
        E = np.concatenate([est, est[iu] + est[ju]])
        v = design.variance_from_replicates(T, E)
    else:
        v = design.variance(np.concatenate([Z, Z[:, iu] + Z[:, ju]], axis=1))[0]
    V = np.diag(v[:k])
    off = (v[k:] - v[:k][iu] - v[:k][ju]) / 2
    V[iu, ju] = off
    V[ju, iu] = off
    return V


def group_rate_test(design, y: np.ndarray, group: str, label: str = "rate") -> dict:
    """Design-based Wald test that the weighted mean of ``y`` is equal across ``group``.

    Rows with a zero weight or a missing ``y`` are out. Returns the rates by category and the
    adjusted Wald F (``(df - K + 2) / (df (K - 1)) * X2`` on ``K - 1`` and ``df - K + 2``
    degrees of freedom).

    Examples
    --------
    >>> from govsurvey.design import Design
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"g": rng.choice(["a", "b"], 400), "p": np.arange(400) // 4})
    >>> y = (rng.random(400) < np.where(df["g"] == "a", 0.3, 0.7)).astype(float)
    >>> res = group_rate_test(Design(df, psu="p"), y, "g")
    >>> res["p_value"] < 0.001
    True
    """
    data = design.data
    w = np.asarray(design.weight_values, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = (w > 0) & np.isfinite(y) & data[group].notna().to_numpy()
    codes, levels = pd.factorize(data[group].astype(str), sort=True)
    K = len(levels)
    if K < 2:
        raise InputError.one("the variable has one category", "nothing to test", column=group)
    G = np.zeros((len(data), K))
    G[np.flatnonzero(ok), codes[ok]] = 1.0
    yy = np.where(ok, y, 0.0)
    N = (G * w[:, None]).sum(0)
    rate = (G * (w * yy)[:, None]).sum(0) / np.where(N > 0, N, 1.0)
    Z = G * (yy[:, None] - rate[None, :]) / np.where(N > 0, N, 1.0)
    theta = est = None
    if isinstance(design, ReplicateDesign):
        A = design.replicate_weights()
        Nr = A.T @ G
        theta = (A.T @ (G * yy[:, None])) / np.where(Nr > 0, Nr, 1.0)
        est = rate
    V = _covariance(design, Z, theta, est)
    C = np.hstack([np.eye(K - 1), -np.ones((K - 1, 1))])
    d = C @ rate
    Vd = C @ V @ C.T
    x2 = float(d @ np.linalg.pinv(Vd) @ d)
    df = float(design.df)
    k1 = K - 1
    df2 = df - k1 + 1
    F = x2 * df2 / (df * k1) if df2 > 0 else np.nan
    p = float(stats.f.sf(F, k1, df2)) if df2 > 0 else np.nan
    return {
        "rates": pd.DataFrame(
            {group: list(levels), label: rate, "se": np.sqrt(np.diag(V)), "n": G.sum(0)}
        ),
        "statistic": F,
        "chisq": x2,
        "df1": k1,
        "df2": df2,
        "p_value": p,
    }


def response_tests(design, variables: Sequence[str], response: str = "responded") -> pd.DataFrame:
    """For each auxiliary, the design-based test that the response rate is the same in all
    its categories (respondents and nonrespondents have the same distribution).

    Returns
    -------
    pandas.DataFrame
        ``variable, categories, statistic, df1, df2, p_value, lowest, highest`` (the categories
        with the lowest and highest weighted response rate) and ``note``: a variable with one
        category in the data has no test (NaN) and says so.

    Examples
    --------
    >>> from govsurvey.design import Design
    >>> rng = np.random.default_rng(2)
    >>> df = pd.DataFrame({"g": rng.choice(["a", "b"], 300), "p": np.arange(300) // 3})
    >>> df["r"] = (rng.random(300) < np.where(df["g"] == "a", 0.3, 0.8)).astype(int)
    >>> response_tests(Design(df, psu="p"), ["g"], "r")[["variable", "lowest"]].values.tolist()
    [['g', 'a']]
    """
    w = np.asarray(design.weight_values, dtype=float)
    r = response_indicator(design.data, response, w > 0)
    out = []
    for v in variables:  # a loop over the auxiliaries (a handful), not over rows
        if design.data[v].dropna().nunique() < 2:  # one category in this file: no comparison
            out.append({"variable": v, "categories": 1, "note": "one category: nothing to test"})
            continue
        t = group_rate_test(design, r, v, "response_rate")
        rates = t["rates"].sort_values("response_rate")
        out.append(
            {
                "variable": v,
                "categories": len(rates),
                "statistic": t["statistic"],
                "df1": t["df1"],
                "df2": t["df2"],
                "p_value": t["p_value"],
                "lowest": rates[v].iloc[0],
                "lowest_rate": rates["response_rate"].iloc[0],
                "highest": rates[v].iloc[-1],
                "highest_rate": rates["response_rate"].iloc[-1],
                "note": "",
            }
        )
    return pd.DataFrame(out)
