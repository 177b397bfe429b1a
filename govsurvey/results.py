"""The one tidy result shape every govsurvey estimator returns.

Every estimate is a pandas DataFrame with columns
``[*by, "variable", ("category",) "estimate", "se", "ci_low", "ci_high", "df", "n", "deff"]``
and records how it was made in ``frame.attrs``: ``"level"`` (the confidence level of its
intervals) and ``"method"`` (``"taylor"`` or the replicate type), so a plot or a narrative reads
them from the result instead of being told again. Domain columns are never overwritten: a ``by``
column named like a result column is renamed by :func:`domain_name`.
:func:`result_frame` builds it from arrays, so an estimator only computes numbers
(estimate, variance, degrees of freedom, counts) and never formats them itself.
:class:`SmoothEstimate` is what the variance engine (``Design.estimate_smooth``) returns.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

log = logging.getLogger(__name__)

__all__ = [
    "INDEX_COLUMNS",
    "RESERVED_COLUMNS",
    "RESULT_COLUMNS",
    "SmoothEstimate",
    "domain_name",
    "logit_interval",
    "result_frame",
    "t_quantile",
]

#: Columns after the ``by`` columns of an estimate, in order (``"category"`` follows
#: ``"variable"`` for proportions).
RESULT_COLUMNS = ["variable", "estimate", "se", "ci_low", "ci_high", "df", "n", "deff"]

#: Columns of every SIPAS index frame after the ``by`` columns (:func:`govsurvey.sipas_index`).
INDEX_COLUMNS = ["level", "code", "estimate", "se", "ci_low", "ci_high", "df", "n"]

#: Every column name a result frame of govsurvey may hold besides its domains: estimates,
#: proportions, the index, comparisons and truth checks. A domain never takes one of these.
RESERVED_COLUMNS = frozenset(
    [*RESULT_COLUMNS, "category", *INDEX_COLUMNS, "N", "truth", "covered", "error", "p_value"]
)


def domain_name(by: str) -> str:
    """The column a ``by`` variable takes in a result frame.

    Its own name, or ``<name>_domain`` when it clashes with a column of result frames (the
    service ``level`` — commune, district, province — becomes ``level_domain``, since ``level``
    in an index frame says criterion, component or overall).

    Examples
    --------
    >>> domain_name("district"), domain_name("level"), domain_name("category")
    ('district', 'level_domain', 'category_domain')
    """
    return f"{by}_domain" if by in RESERVED_COLUMNS else by


@dataclass
class SmoothEstimate:
    """What the variance engine returns for ``m`` statistics in ``G`` domains.

    Attributes
    ----------
    domains : pandas.DataFrame
        One row per domain, the ``by`` levels in sorted order (one row and no columns when
        there is no ``by``).
    estimate : numpy.ndarray
        Point estimates, shape ``(G, m)``.
    variance : numpy.ndarray
        Design-based variances, shape ``(G, m)``.
    df : numpy.ndarray
        Design degrees of freedom per domain, shape ``(G,)``: for a Taylor design R's
        ``degf`` of the domain (PSUs holding domain rows minus strata holding domain rows);
        for a replicate design the design's one value, repeated.
    n : numpy.ndarray
        Rows in each domain, shape ``(G,)``.
    totals : numpy.ndarray
        Weighted domain totals of the input columns, shape ``(G, p)``.
    method : str
        ``"taylor"`` or the replicate type (``"jk1"``, ``"jkn"``, ``"bootstrap"``, ``"brr"``,
        ``"fay"``, ``"other"``).
    domain_of_row : numpy.ndarray or None
        Each data row's domain (index into ``domains``; -1 = in no domain), shape ``(n,)``.
    """

    domains: pd.DataFrame
    estimate: np.ndarray
    variance: np.ndarray
    df: np.ndarray
    n: np.ndarray
    totals: np.ndarray
    method: str = "taylor"
    domain_of_row: np.ndarray | None = None

    @property
    def se(self) -> np.ndarray:
        """Standard errors, ``sqrt(variance)``, shape ``(G, m)``."""
        return np.sqrt(self.variance)


def t_quantile(df: np.ndarray, level: float) -> np.ndarray:
    """Two-sided Student t quantile for a confidence ``level``; NaN where ``df <= 0``."""
    df = np.asarray(df, dtype=float)
    q = np.full(df.shape, np.nan)
    ok = df > 0
    u, inv = np.unique(df[ok], return_inverse=True)  # few distinct df: one quantile each
    q[ok] = stats.t.ppf(0.5 + level / 2.0, u)[inv.reshape(-1)]
    return q


def logit_interval(
    p: np.ndarray,
    se: np.ndarray,
    df: np.ndarray,
    level: float = 0.95,
    logit_se: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Logit-transformed t interval of a proportion (R's ``svyciprop(method="logit")``).

    ``expit(logit(p) ± t * s)`` on ``df`` degrees of freedom, where ``s`` is the SE of
    ``logit(p)``: ``logit_se`` when given (a replicate design's replicate SE of the logit of
    each replicate's estimate, as R refits the logit in every replicate), else the delta
    method ``se / (p (1 - p))`` (R's answer on a Taylor design). A proportion of exactly 0 or
    1, or one with a zero SE, has the point as both ends.

    Examples
    --------
    >>> lo, hi = logit_interval(np.array([0.8]), np.array([0.02]), np.array([30.0]))
    >>> [round(float(lo[0]), 4), round(float(hi[0]), 4)]
    [0.756, 0.8377]
    """
    p = np.asarray(p, dtype=float)
    se = np.asarray(se, dtype=float)
    q = t_quantile(np.broadcast_to(np.asarray(df, dtype=float), p.shape), level)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        eta = np.log(p / (1.0 - p))
        s_eta = se / (p * (1.0 - p))
        if logit_se is not None:
            given = np.broadcast_to(np.asarray(logit_se, dtype=float), p.shape)
            s_eta = np.where(np.isfinite(given), given, s_eta)
        h = q * s_eta
        lo = 1.0 / (1.0 + np.exp(-(eta - h)))
        hi = 1.0 / (1.0 + np.exp(-(eta + h)))
    point = (se == 0) | (p <= 0) | (p >= 1)
    return np.where(point, p, lo), np.where(point, p, hi)


def result_frame(
    domains: pd.DataFrame,
    variables: Sequence[str],
    estimate: np.ndarray,
    variance: np.ndarray,
    df: np.ndarray | float,
    n: np.ndarray,
    deff: np.ndarray | None = None,
    categories: Sequence[object] | None = None,
    logit: bool = False,
    level: float = 0.95,
    method: str = "taylor",
    logit_se: np.ndarray | None = None,
) -> pd.DataFrame:
    """Build the tidy result frame shared by every estimator.

    Parameters
    ----------
    domains : pandas.DataFrame
        ``G`` rows, one column per ``by`` variable (no columns for the whole population).
    variables : sequence of str
        The ``m`` statistic labels, written to column ``"variable"``.
    estimate, variance : numpy.ndarray
        Shape ``(G, m)``.
    df : numpy.ndarray or float
        Design degrees of freedom: a scalar, shape ``(G,)`` or ``(G, m)``.
    n : numpy.ndarray
        Rows used, shape ``(G,)`` or ``(G, m)``.
    deff : numpy.ndarray, optional
        Kish design effects, shape ``(G, m)``; ``NaN`` when omitted.
    categories : sequence, optional
        One category per statistic (the levels of a proportion's variable); when given, a
        ``"category"`` column follows ``"variable"``.
    logit : bool
        Logit-transformed interval (R's ``svyciprop(method="logit")``), for proportions:
        ``expit(logit(p) ± t * se / (p (1 - p)))``. Otherwise ``estimate ± t * se``.
    level : float
        Confidence level, 0.95 by default; the quantile is Student's t on ``df``.
    method : str
        How the variance was estimated (``"taylor"`` or the replicate type).
    logit_se : numpy.ndarray, optional
        Shape ``(G, m)``: the SE of ``logit(estimate)`` for the logit interval (see
        :func:`logit_interval`); the delta method where omitted or not finite.

    Returns
    -------
    pandas.DataFrame
        One row per (domain, statistic), domains outermost, in the given orders; domain
        columns named like a result column are renamed by :func:`domain_name`;
        ``attrs["level"]`` and ``attrs["method"]`` record the level and the method.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> f = result_frame(pd.DataFrame(index=[0]), ["y"], np.array([[2.0]]),
    ...                  np.array([[0.25]]), 10, np.array([20]))
    >>> list(f.columns)
    ['variable', 'estimate', 'se', 'ci_low', 'ci_high', 'df', 'n', 'deff']
    >>> round(float(f["ci_high"].iloc[0]), 4)
    3.1141
    """
    estimate = np.asarray(estimate, dtype=float)
    g, m = estimate.shape
    variance = np.asarray(variance, dtype=float).reshape(g, m)
    df_arr = np.broadcast_to(
        np.asarray(df, dtype=float).reshape(-1, 1)
        if np.ndim(df) == 1
        else np.asarray(df, dtype=float),
        (g, m),
    )
    n_arr = np.asarray(n)
    n_arr = np.broadcast_to(n_arr.reshape(-1, 1) if n_arr.ndim == 1 else n_arr, (g, m))
    deff_arr = (
        np.full((g, m), np.nan) if deff is None else np.asarray(deff, dtype=float).reshape(g, m)
    )
    se = np.sqrt(variance)
    q = t_quantile(df_arr, level)
    if logit:
        lse = None if logit_se is None else np.asarray(logit_se, dtype=float).reshape(g, m)
        lo, hi = logit_interval(estimate, se, df_arr, level, logit_se=lse)
    else:
        lo = estimate - q * se
        hi = estimate + q * se
    doms = domains.reset_index(drop=True)
    doms = doms.rename(columns={c: domain_name(c) for c in doms.columns})
    out = doms.loc[np.repeat(np.arange(g), m)].reset_index(drop=True)
    out["variable"] = np.tile(np.asarray(list(variables), dtype=object), g)
    if categories is not None:
        out["category"] = np.tile(np.asarray(list(categories), dtype=object), g)
    out["estimate"] = estimate.ravel()
    out["se"] = se.ravel()
    out["ci_low"] = lo.ravel()
    out["ci_high"] = hi.ravel()
    out["df"] = df_arr.ravel()
    out["n"] = n_arr.ravel().astype(np.int64)
    out["deff"] = deff_arr.ravel()
    out.attrs["level"] = float(level)
    out.attrs["method"] = method
    out.attrs["notes"] = _empty_notes(out, list(doms.columns))
    return out


def _empty_notes(out: pd.DataFrame, by: list[str]) -> list[str]:
    """A sentence for each (domain, variable) without a single value (a mean is NaN there)."""
    empty = out.loc[out["n"] == 0, [*by, "variable"]].drop_duplicates()
    notes = []
    for row in empty.itertuples(index=False):  # messages only: few rows
        *dom, var = row
        where = f" in {', '.join(f'{b}={v}' for b, v in zip(by, dom, strict=True))}" if by else ""
        notes.append(f"{var} has no non-missing value{where}")
    if notes:
        log.info("%d estimate(s) without data: %s", len(notes), "; ".join(notes[:5]))
    return notes
