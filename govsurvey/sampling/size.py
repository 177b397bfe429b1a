"""Sample sizes: Yamane, Cochran, per-domain sizes, change detection, and design effects.

Every size is rounded up once, at the end (a survey office needs whole forms and the margin
must hold); intermediate values are exact.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from govsurvey.errors import InputError

from ._checks import fraction, positive, size_measure

__all__ = [
    "yamane",
    "cochran",
    "domain_sizes",
    "change_size",
    "deff_cluster",
    "icc",
    "kish_deff",
    "z_value",
]

_EPS = 1e-9  # 384.0000000001 is 384 forms, not 385


def _ceil(x: float | np.ndarray) -> np.ndarray:
    return np.ceil(np.asarray(x, dtype=float) - _EPS).astype(np.int64)


def z_value(confidence: float = 0.95) -> float:
    """The two-sided normal quantile for a confidence level (1.959964 for 0.95).

    Examples
    --------
    >>> from govsurvey.sampling import z_value
    >>> round(z_value(0.95), 6)
    1.959964
    """
    c = fraction(confidence, "the confidence level", "give e.g. 0.95", allow_one=False)
    return float(stats.norm.ppf(0.5 + c / 2))


def yamane(N: int, e: float = 0.05) -> int:
    """Yamane's sample size ``n = N / (1 + N e^2)``, rounded up (the Ministry's training formula).

    Parameters
    ----------
    N : int
        Population size (dossiers, households, ...).
    e : float, default 0.05
        Margin of error as a fraction (0.05 = 5 points).

    Returns
    -------
    int

    Examples
    --------
    >>> from govsurvey.sampling import yamane
    >>> yamane(1000), yamane(10_000), yamane(1000, e=0.1)
    (286, 385, 91)
    """
    Nf = positive(N, "the population size N", "give the number of units in the population")
    ef = fraction(
        e, "the margin e", "give the margin as a fraction, e.g. 0.05 for 5 points", allow_one=False
    )
    return int(_ceil(Nf / (1.0 + Nf * ef * ef)))


def cochran(
    p: float = 0.5,
    moe: float = 0.05,
    confidence: float = 0.95,
    N: int | None = None,
    deff: float = 1.0,
    response_rate: float = 1.0,
) -> int:
    """Cochran's size to estimate a proportion within ``moe``, with fpc, design effect, response.

    ``n0 = z^2 p (1 - p) / moe^2``; times ``deff``; with a population ``N`` the finite-population
    correction ``n = n0 / (1 + (n0 - 1) / N)`` (Cochran 1977, eq. 4.2); divided by the expected
    ``response_rate`` (forms to send); rounded up once at the end.

    Parameters
    ----------
    p : float, default 0.5
        Expected proportion (0.5 is the safe choice).
    moe : float, default 0.05
        Margin of error (half-width of the interval) as a fraction.
    confidence : float, default 0.95
    N : int, optional
        Population size; without it no fpc.
    deff : float, default 1.0
        Design effect of the plan (see :func:`deff_cluster`, :func:`kish_deff`).
    response_rate : float, default 1.0
        Expected share of forms returned, in (0, 1].

    Returns
    -------
    int

    Examples
    --------
    >>> from govsurvey.sampling import cochran
    >>> cochran(), cochran(N=1000), cochran(N=1000, deff=2.0, response_rate=0.8)
    (385, 278, 544)
    """
    pf = fraction(p, "the expected proportion p", "give p in (0, 1), e.g. 0.5", allow_one=False)
    m = fraction(
        moe, "the margin of error", "give the margin as a fraction, e.g. 0.05", allow_one=False
    )
    d = positive(deff, "the design effect", "give deff >= 1 for clustered plans (1 = SRS)")
    r = fraction(response_rate, "the response rate", "give the expected response rate in (0, 1]")
    z = z_value(confidence)
    n = z * z * pf * (1.0 - pf) / (m * m) * d
    if N is not None:
        Nf = positive(N, "the population size N", "give the number of units in the population")
        n = n / (1.0 + (n - 1.0) / Nf)
    return int(_ceil(n / r))


def domain_sizes(
    sizes: Mapping[str, int] | pd.Series,
    moe: float = 0.05,
    p: float | Mapping[str, float] = 0.5,
    confidence: float = 0.95,
    deff: float | Mapping[str, float] = 1.0,
    response_rate: float | Mapping[str, float] = 1.0,
    sd: float | Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Size of each domain's sample for its own margin (e.g. every district within 5 points).

    Parameters
    ----------
    sizes : mapping or Series
        Domain -> population size.
    moe, p, confidence, deff, response_rate
        As in :func:`cochran`; ``p``, ``deff`` and ``response_rate`` may be per-domain mappings.
    sd : float or mapping, optional
        Element standard deviation (as a fraction) used instead of ``sqrt(p (1 - p))`` — e.g.
        the SD of each respondent's share of satisfied answers, for an index that averages
        many criteria (see :func:`govsurvey.sampling.precision_inputs`).

    Returns
    -------
    DataFrame
        Columns ``domain, N, n_respondents, n`` (``n`` forms to send, after the response
        rate; ``n_respondents`` completed forms needed), one row per domain, and a total row is
        not added (sum the column).

    Examples
    --------
    >>> from govsurvey.sampling import domain_sizes
    >>> domain_sizes({"Ba Đình": 20_000, "Ba Vì": 900}, moe=0.05)["n"].tolist()
    [377, 270]
    """
    s = pd.Series(sizes, dtype=float) if not isinstance(sizes, pd.Series) else sizes.astype(float)
    if s.empty:
        raise InputError.one("no domains given", "give a mapping domain -> population size")
    N = size_measure(s.to_numpy(), "domain population size")
    keys = s.index

    def per(v: object, what: str) -> np.ndarray:
        if isinstance(v, Mapping | pd.Series):
            missing = [k for k in keys if k not in v]
            if missing:
                raise InputError.one(
                    f"{what} has no value for domain {missing[0]!r}",
                    f"give {what} for every domain or one number for all",
                )
            return np.array([v[k] for k in keys], dtype=float)
        return np.full(len(keys), v, dtype=float)

    pv, dv, rv = per(p, "p"), per(deff, "deff"), per(response_rate, "response_rate")
    for x in pv:
        fraction(x, "the expected proportion p", "give p in (0, 1)", allow_one=False)
    for x in rv:
        fraction(x, "the response rate", "give the expected response rate in (0, 1]")
    for x in dv:
        positive(x, "the design effect", "give deff >= 1 (1 = SRS)")
    m = fraction(
        moe, "the margin of error", "give the margin as a fraction, e.g. 0.05", allow_one=False
    )
    z = z_value(confidence)
    var = pv * (1 - pv)
    if sd is not None:
        sv = per(sd, "sd")
        if (~np.isfinite(sv) | (sv <= 0)).any():
            raise InputError.one(
                "an element SD is missing or not positive",
                "give SDs above 0 (as fractions, e.g. 0.25)",
                value=sd,
            )
        var = sv * sv
    n0 = z * z * var / (m * m) * dv
    n_resp = n0 / (1.0 + (n0 - 1.0) / N)
    return pd.DataFrame(
        {
            "domain": list(keys),
            "N": N.astype(np.int64),
            "n_respondents": _ceil(n_resp),
            "n": np.minimum(_ceil(n_resp / rv), N.astype(np.int64)),
        }
    )


def change_size(
    p1: float,
    p2: float,
    power: float = 0.8,
    confidence: float = 0.95,
    deff: float = 1.0,
    response_rate: float = 1.0,
    two_sided: bool = True,
) -> int:
    """Respondents per survey to detect a change from ``p1`` to ``p2`` between two surveys.

    Two independent samples of equal size, Wald test on the difference (Fleiss 1981 without
    continuity correction): ``n = (z_a + z_b)^2 (p1 q1 + p2 q2) / (p1 - p2)^2``, times
    ``deff``, divided by ``response_rate``, rounded up.

    Parameters
    ----------
    p1, p2 : float
        The proportions of the two surveys (e.g. 0.7973 and 0.8273 for a 3-point rise).
    power : float, default 0.8
    confidence : float, default 0.95
        ``1 - alpha`` of the test.
    deff, response_rate : float
    two_sided : bool, default True

    Returns
    -------
    int
        Forms per survey.

    Examples
    --------
    >>> from govsurvey.sampling import change_size
    >>> change_size(0.7973, 0.8273)
    2656
    """
    a = fraction(p1, "p1", "give a proportion in (0, 1)", allow_one=False)
    b = fraction(p2, "p2", "give a proportion in (0, 1)", allow_one=False)
    if a == b:
        raise InputError.one("p1 equals p2: no change to detect", "give two different proportions")
    pw = fraction(power, "the power", "give e.g. 0.8", allow_one=False)
    c = fraction(confidence, "the confidence level", "give e.g. 0.95", allow_one=False)
    d = positive(deff, "the design effect", "give deff >= 1 (1 = SRS)")
    r = fraction(response_rate, "the response rate", "give the expected response rate in (0, 1]")
    alpha = 1.0 - c
    za = float(stats.norm.ppf(1 - alpha / 2 if two_sided else 1 - alpha))
    zb = float(stats.norm.ppf(pw))
    n = (za + zb) ** 2 * (a * (1 - a) + b * (1 - b)) / (a - b) ** 2 * d
    return int(_ceil(n / r))


def deff_cluster(m: float | np.ndarray, rho: float | np.ndarray) -> float | np.ndarray:
    """Design effect of cluster sampling: ``1 + (m - 1) rho`` (Kish 1965).

    Parameters
    ----------
    m : float or array
        Average number of respondents per cluster (ward, village).
    rho : float or array
        Intra-class correlation (see :func:`icc`).

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> from govsurvey.sampling import deff_cluster
    >>> deff_cluster(50, 0.02)
    1.98
    """
    mm = np.asarray(m, dtype=float)
    rr = np.asarray(rho, dtype=float)
    if (mm < 1).any() or not np.isfinite(mm).all():
        raise InputError.one(
            "the cluster size must be at least 1", "give respondents per cluster", value=m
        )
    if (rr < -1).any() or (rr > 1).any() or not np.isfinite(rr).all():
        raise InputError.one(
            "the intra-class correlation must lie in [-1, 1]",
            "give rho, e.g. 0.02, or estimate it with icc()",
            value=rho,
        )
    out = 1.0 + (mm - 1.0) * rr
    return float(out) if out.ndim == 0 else out


def icc(data: pd.DataFrame, cluster: str, variable: str) -> float:
    """Intra-class correlation by one-way ANOVA (unbalanced clusters), from a previous survey.

    ``rho = (MSB - MSW) / (MSB + (m0 - 1) MSW)`` with ``m0 = (n - sum m_i^2 / n) / (k - 1)``
    (Donner 1986); rows with a missing value are left out. Use it with :func:`deff_cluster`.

    Parameters
    ----------
    data : DataFrame
    cluster : str
        The cluster column (ward, PSU).
    variable : str
        A numeric variable (e.g. 1 if satisfied, 0 if not).

    Returns
    -------
    float

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.sampling import icc
    >>> df = pd.DataFrame({"w": list("aaabbbccc"), "y": [1, 1, 1, 0, 0, 0, 1, 0, 1]})
    >>> round(icc(df, "w", "y"), 4)
    0.6667
    """
    for col, role in ((cluster, "cluster"), (variable, "variable")):
        if col not in data.columns:
            raise InputError.one(
                f"the data have no {role} column {col!r}",
                f"name one of the data's columns as {role}",
                column=col,
            )
    y = pd.to_numeric(data[variable], errors="coerce").to_numpy(float)
    ok = np.isfinite(y)
    codes, _ = pd.factorize(data[cluster].to_numpy()[ok])
    y = y[ok]
    k = int(codes.max()) + 1 if len(codes) else 0
    n = len(y)
    if k < 2 or n <= k:
        raise InputError.one(
            "the ICC needs at least 2 clusters and more rows than clusters",
            "give a previous survey with several respondents per cluster",
            column=cluster,
        )
    mi = np.bincount(codes, minlength=k).astype(float)
    si = np.bincount(codes, weights=y, minlength=k)
    means = si / mi
    grand = y.mean()
    ssb = float(np.sum(mi * (means - grand) ** 2))
    ssw = float(np.sum((y - means[codes]) ** 2))
    msb = ssb / (k - 1)
    msw = ssw / (n - k)
    m0 = (n - np.sum(mi**2) / n) / (k - 1)
    den = msb + (m0 - 1.0) * msw
    return float((msb - msw) / den) if den > 0 else 0.0


def kish_deff(weights: object) -> float:
    """Kish's design effect from unequal weights: ``n sum w^2 / (sum w)^2 = 1 + cv^2``.

    Parameters
    ----------
    weights : array-like
        Positive weights of the respondents.

    Returns
    -------
    float

    Examples
    --------
    >>> from govsurvey.sampling import kish_deff
    >>> kish_deff([1, 1, 2, 2])
    1.1111111111111112
    """
    w = size_measure(weights, "weight")
    return float(len(w) * np.sum(w * w) / np.sum(w) ** 2)
