"""Expected precision of a plan per domain, before fielding.

From assumed values (a proportion ``p`` or an element SD, an intra-class correlation ``rho``, a
response rate) or from a previous survey (:func:`precision_inputs` estimates the SD of each
respondent's satisfaction score and the intra-class correlation within wards): the SE and the
margin of each domain's index, in percentage points.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from govsurvey.errors import InputError

from ._checks import fraction
from .size import icc

__all__ = ["expected_precision", "precision_inputs", "satisfaction_score"]


def _aligned(value: Any, keys: pd.Index, what: str) -> np.ndarray:
    if isinstance(value, Mapping | pd.Series):
        missing = [k for k in keys if k not in value]
        if missing:
            raise InputError.one(
                f"{what} has no value for domain {missing[0]!r}",
                f"give {what} for every domain, or one number for all",
            )
        return np.array([value[k] for k in keys], dtype=float)
    return np.full(len(keys), np.nan if value is None else float(value), dtype=float)


def expected_precision(
    sizes: Mapping[str, float] | pd.Series,
    n: Mapping[str, float] | pd.Series,
    p: float | Mapping[str, float] = 0.5,
    sd: float | Mapping[str, float] | None = None,
    rho: float | Mapping[str, float] = 0.0,
    cluster_size: float | Mapping[str, float] | None = None,
    clusters: float | Mapping[str, float] | None = None,
    response_rate: float | Mapping[str, float] = 1.0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """SE and margin of each domain's estimate (percentage points) for a planned sample.

    ``se = 100 sqrt(S^2 / n_r * deff * (1 - n_r / N))`` with ``S^2 = sd^2`` (or ``p (1 - p)``),
    ``n_r = n * response_rate`` expected respondents and ``deff = 1 + (m - 1) rho`` with ``m``
    respondents per cluster. The margin is ``t * se`` on ``clusters - 1`` degrees of freedom
    (the design df of a stratum with that many PSUs), or ``z * se`` without ``clusters``.

    Parameters
    ----------
    sizes : mapping or Series
        Domain -> population size.
    n : mapping or Series
        Domain -> forms planned.
    p : float or mapping, default 0.5
    sd : float or mapping, optional
        Element SD as a fraction (overrides ``p``).
    rho : float or mapping, default 0
        Intra-class correlation within clusters.
    cluster_size : float or mapping, optional
        Forms per cluster (wards); respondents per cluster are ``cluster_size * response_rate``.
    clusters : float or mapping, optional
        Clusters drawn per domain (for the degrees of freedom).
    response_rate : float or mapping, default 1
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        ``domain, N, n, n_respondents, deff, se, margin, df``.

    Examples
    --------
    >>> from govsurvey.sampling import expected_precision
    >>> e = expected_precision({"A": 1e6}, {"A": 400}, p=0.5)
    >>> round(float(e["margin"].item()), 2)
    4.9
    """
    N = pd.Series(sizes, dtype=float) if not isinstance(sizes, pd.Series) else sizes.astype(float)
    keys = N.index
    nn = _aligned(n, keys, "n")
    if (~np.isfinite(nn) | (nn <= 0)).any():
        raise InputError.one(
            "a planned sample size is missing or not positive",
            "give every domain a positive number of forms",
        )
    rr = _aligned(response_rate, keys, "response_rate")
    for x in rr:
        fraction(x, "the response rate", "give the expected response rate in (0, 1]")
    pv = _aligned(p, keys, "p")
    sv = _aligned(sd, keys, "sd") if sd is not None else np.sqrt(pv * (1 - pv))
    rh = _aligned(rho, keys, "rho")
    if (~np.isfinite(rh) | (rh < 0) | (rh >= 1)).any():
        raise InputError.one(
            "rho must lie in [0, 1)",
            "give e.g. 0.02, or estimate it with precision_inputs() from a previous survey",
            value=rho,
        )
    nr = nn * rr
    if cluster_size is not None:
        m = _aligned(cluster_size, keys, "cluster_size") * rr
        deff = 1.0 + (np.maximum(m, 1.0) - 1.0) * rh
    else:
        deff = np.ones(len(keys))
    Nv = N.to_numpy(float)
    fpc = np.clip(1.0 - nr / Nv, 0.0, 1.0)
    se = 100.0 * np.sqrt(sv * sv / nr * deff * fpc)
    c = fraction(confidence, "the confidence level", "give e.g. 0.95", allow_one=False)
    if clusters is not None:
        df = np.maximum(_aligned(clusters, keys, "clusters") - 1.0, 1.0)
        q = stats.t.ppf(0.5 + c / 2, df)
    else:
        df = np.full(len(keys), np.inf)
        q = stats.norm.ppf(0.5 + c / 2) * np.ones(len(keys))
    return pd.DataFrame(
        {
            "domain": list(keys),
            "N": Nv,
            "n": nn,
            "n_respondents": nr,
            "deff": deff,
            "se": se,
            "margin": q * se,
            "df": df,
        }
    )


def satisfaction_score(data: pd.DataFrame, instrument: Any) -> pd.Series:
    """Each respondent's share of valid criterion answers that are satisfied (0–1; NaN if none).

    The per-respondent quantity whose variance and intra-class correlation drive the precision
    of the SIPAS index (an average of criterion rates). Don't-know codes are not answers.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> inst = gs.load_instrument("sipas-2017")
    >>> row = {c.column: 4 for c in inst.criteria} | {"C1_1": 8, "C1_2": 2}
    >>> round(float(satisfaction_score(pd.DataFrame([row]), inst).item()), 4)
    0.9524
    """
    cols = [c.column for c in instrument.criteria]
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise InputError.one(
            f"the data have no criterion column {missing[0]!r}",
            "give the survey's responses with every criterion",
            column=missing[0],
        )
    x = data[cols].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    valid = (x >= instrument.scale_min) & (x <= instrument.scale_max)
    sat = np.isin(x, list(instrument.satisfied)) & valid
    nv = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(nv > 0, sat.sum(axis=1) / np.maximum(nv, 1), np.nan)
    return pd.Series(score, index=data.index, name="score")


def precision_inputs(
    data: pd.DataFrame,
    instrument: Any,
    cluster: str = "psu",
    by: str | None = "district",
    weights: str | None = None,
) -> pd.DataFrame:
    """Element SD, intra-class correlation and mean score from a previous survey, per domain.

    Parameters
    ----------
    data : DataFrame
        The previous survey's respondents.
    instrument : Instrument
    cluster : str, default "psu"
        The cluster (ward) column.
    by : str, optional
        Domain column; the first row (``"all"``) pools every respondent.
    weights : str, optional
        Weight column for the mean and SD (unweighted by default).

    Returns
    -------
    DataFrame
        ``domain, respondents, clusters, mean, sd, rho``: ``rho`` is the intra-class
        correlation of the score within wards after removing the ``by`` domains' means (the
        districts are strata, their differences are not cluster variance), pooled over the
        survey and repeated on every row (a district has too few wards to estimate its own).

    Examples
    --------
    >>> import govsurvey as gs
    >>> resp = gs.read_responses("data/synthetic/responses.csv").respondents  # doctest: +SKIP
    >>> precision_inputs(resp, gs.load_instrument("sipas-2017")).head(2)  # doctest: +SKIP
    """
    cols = [cluster] + ([by] if by else []) + ([weights] if weights else [])
    for c in cols:
        if c not in data.columns:
            raise InputError.one(
                f"the previous survey has no column {c!r}", "name one of its columns", column=c
            )
    score = satisfaction_score(data, instrument)
    df = pd.DataFrame({"score": score, "cluster": data[cluster].to_numpy()})
    df["w"] = 1.0 if weights is None else pd.to_numeric(data[weights], errors="coerce")
    df["domain"] = "all"
    df = df[np.isfinite(df["score"]) & np.isfinite(df["w"])]
    # rho within strata: the districts are strata, so their differences are not cluster
    # variance; centre each score on its domain's mean before the one-way ANOVA
    within = df.copy()
    if by:
        dom = data.loc[df.index, by].astype(str).to_numpy()
        within["score"] = df["score"] - df.groupby(dom)["score"].transform("mean")
    rho = max(icc(within, "cluster", "score"), 0.0)
    frames = [df]
    if by:
        frames.append(df.assign(domain=data.loc[df.index, by].astype(str).to_numpy()))
    d = pd.concat(frames, ignore_index=True)
    d["wy"] = d["w"] * d["score"]
    d["wyy"] = d["w"] * d["score"] ** 2
    g = d.groupby("domain", sort=False)
    out = g.agg(
        respondents=("score", "size"),
        clusters=("cluster", "nunique"),
        sw=("w", "sum"),
        swy=("wy", "sum"),
        swyy=("wyy", "sum"),
    ).reset_index()
    mean = out["swy"] / out["sw"]
    var = (out["swyy"] / out["sw"] - mean**2) * out["respondents"] / (out["respondents"] - 1)
    out["mean"] = mean
    out["sd"] = np.sqrt(np.clip(var, 0, None))
    out["rho"] = rho
    return out[["domain", "respondents", "clusters", "mean", "sd", "rho"]]
