"""Survey designs and the one variance engine behind every govsurvey estimator.

:class:`Design` is R's ``svydesign``: weights, strata, one or two stages of clusters, finite
population corrections and a lonely-PSU rule. Its variance engine,
:meth:`Design.estimate_smooth`, takes any smooth function of weighted domain totals together
with its linearisation (influence) values and returns estimates and Taylor variances for every
domain at once, summing influence values by (domain, stratum, PSU) as R's ``svyrecvar`` does.
:meth:`Design.mean`, :meth:`Design.total`, :meth:`Design.ratio` and
:meth:`Design.proportion` are built on it, and so are the SIPAS index, regressions and weighting
adjustments elsewhere in the package. :meth:`Design.replicate` turns a design into a
:class:`govsurvey.replicate.ReplicateDesign` with the same methods.

Missing values
--------------
A missing value (``NaN``) in an analysis variable follows R's ``na.rm=TRUE`` domain semantics:
the row stays in the design (its PSU and stratum still count) but gets zero influence, exactly
as if it were outside the domain. ``n`` in a result counts rows with a value.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from .errors import InputError
from .results import SmoothEstimate, result_frame

__all__ = ["Design", "LONELY_PSU_RULES", "group_sum"]

log = logging.getLogger(__name__)

#: The lonely-PSU rules, as R's ``options(survey.lonely.psu=)``.
LONELY_PSU_RULES = ("fail", "remove", "adjust", "average", "certainty")

_CERTAIN = 1e-7  # R's onestrat: a stratum whose fpc factor is below this is self-representing

Columns = str | Sequence[str] | None


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------
def _as_list(x: Columns) -> list[str]:
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    return list(x)


def _check_columns(data: pd.DataFrame, names: Sequence[str], role: str) -> None:
    for name in names:
        if name not in data.columns:
            raise InputError.one(
                f"{role} column does not exist in the data",
                f"pass one of the data's columns ({', '.join(map(str, list(data.columns)[:12]))}"
                f"{', …' if data.shape[1] > 12 else ''})",
                column=str(name),
            )


def group_sum(
    index: np.ndarray, values: np.ndarray, size: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """Sum rows of ``values`` (times ``weights``) by ``index`` into ``size`` groups.

    One sparse indicator product, no loop; ``index`` must lie in ``[0, size)``.

    Parameters
    ----------
    index : numpy.ndarray
        Group of each row, shape ``(n,)``.
    values : numpy.ndarray
        Shape ``(n,)`` or ``(n, m)``.
    size : int
        Number of groups.
    weights : numpy.ndarray, optional
        Row multipliers, shape ``(n,)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(size,)`` or ``(size, m)``.

    Examples
    --------
    >>> group_sum(np.array([0, 1, 0]), np.array([[1.0], [2.0], [3.0]]), 2)
    array([[4.],
           [2.]])
    """
    return _Grouper(index, size, weights).sum(values)


class _Grouper:
    """Grouped (weighted) sums by a fixed row → group index, with the indicator built once.

    The indicator is a CSC matrix with one entry per row, built without sorting; a grouped
    sum of an ``(n, m)`` array is one sparse-dense product.
    """

    def __init__(self, index: np.ndarray, size: int, weights: np.ndarray | None = None):
        self.index = np.asarray(index, dtype=np.int64)
        self.size = int(size)
        self.weights = weights
        self._mat: sparse.csc_matrix | None = None

    @property
    def matrix(self) -> sparse.csc_matrix:
        if self._mat is None:
            n = len(self.index)
            data = np.ones(n) if self.weights is None else np.asarray(self.weights, float)
            self._mat = sparse.csc_matrix(
                (data, self.index, np.arange(n + 1)), shape=(self.size, n)
            )
        return self._mat

    def sum(self, values: np.ndarray) -> np.ndarray:
        if values.ndim == 1:
            v = values if self.weights is None else values * self.weights
            return np.bincount(self.index, weights=v, minlength=self.size)[: self.size]
        return np.asarray(self.matrix @ values)


def _compress(key: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """Dense ids for the distinct values of ``key`` (in ``[0, space)``), sorted."""
    if space <= 4 * len(key) + 1_000_000:
        present = np.zeros(space, dtype=bool)
        present[key] = True
        ids = np.cumsum(present) - 1
        return np.flatnonzero(present), ids[key]
    uniq, inv = np.unique(key, return_inverse=True)
    return uniq, inv


def _codes(data: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Sorted integer codes of the combinations of ``cols`` and the table of their levels."""
    if len(cols) == 1:
        codes, uniques = pd.factorize(data[cols[0]], sort=True)
        return codes.astype(np.int64), pd.DataFrame({cols[0]: np.asarray(uniques)})
    grp = data.groupby(cols, sort=True, dropna=True, observed=True)
    codes = grp.ngroup().to_numpy()
    codes = np.where(np.isnan(codes), -1, codes).astype(np.int64)
    return codes, grp.size().index.to_frame(index=False)


def _numeric(data: pd.DataFrame, col: str, role: str) -> np.ndarray:
    s = data[col]
    if s.dtype == bool or pd.api.types.is_bool_dtype(s.dtype):
        return s.to_numpy(dtype=float, na_value=np.nan)
    if not pd.api.types.is_numeric_dtype(s.dtype):
        raise InputError.one(
            f"{role} must be numeric, but the column holds {s.dtype} values",
            "convert it to numbers (e.g. map the answer codes) or, for a categorical "
            "variable, use proportion()",
            column=col,
        )
    return s.to_numpy(dtype=float, na_value=np.nan)


# --------------------------------------------------------------------------------------------
# domains
# --------------------------------------------------------------------------------------------
@dataclass
class _Domains:
    """The domains of a ``by=``: each row's domain (-1 = none) and the level table."""

    g: np.ndarray
    G: int
    table: pd.DataFrame
    by: list[str]
    n: np.ndarray
    cache: dict = field(default_factory=dict)

    @property
    def gi(self) -> np.ndarray:
        """Domain of each row with rows in no domain sent to an extra bucket ``G``."""
        if "gi" not in self.cache:
            self.cache["gi"] = np.where(self.g < 0, self.G, self.g)
        return self.cache["gi"]

    def sum(self, values: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Domain sums of ``values`` (times ``weights``), shape ``(G, ...)``."""
        key = ("grouper", weights is None)
        if key not in self.cache:
            self.cache[key] = _Grouper(self.gi, self.G + 1, weights)
        return self.cache[key].sum(values)[: self.G]


def _as_frame(data: object) -> pd.DataFrame:
    """The rows a design is built on, which must be a DataFrame.

    What ``gs.read_responses`` returns is refused with a message, because the choice of rows
    matters: nonrespondents carry no answers, but they do count as second-stage units, so a
    design over every sampled unit gives other SEs than the design of those who answered.
    """
    from .io import Responses

    if isinstance(data, Responses):
        raise InputError.one(
            "a design is built on a DataFrame of rows, not on what gs.read_responses returns",
            "pass resp.respondents (those who answered: the design of the survey's figures) or "
            "resp.data (every sampled unit, respondents or not: to study response)",
        )
    if not isinstance(data, pd.DataFrame):
        raise InputError.one(
            f"data must be a pandas DataFrame, got {type(data).__name__}",
            "pass a DataFrame, e.g. gs.read_responses(path).respondents",
        )
    return data


def _make_domains(data: pd.DataFrame, by: Columns) -> _Domains:
    cols = _as_list(by)
    n = len(data)
    if not cols:
        return _Domains(np.zeros(n, dtype=np.int64), 1, pd.DataFrame(index=[0]), [], np.array([n]))
    _check_columns(data, cols, "by")
    g, table = _codes(data, cols)
    G = len(table)
    counts = np.bincount(g[g >= 0], minlength=G)
    return _Domains(g, G, table, cols, counts)


# --------------------------------------------------------------------------------------------
# estimators shared by Taylor and replicate designs
# --------------------------------------------------------------------------------------------
def _kish_vsrs(ssw: np.ndarray, wsum: np.ndarray, nobs: np.ndarray, total: bool) -> np.ndarray:
    """R's SRS variance for ``deff=TRUE`` (without replacement), in the domain.

    ``ssw`` is ``sum w (y - ybar)^2`` over the domain's rows with a value, ``wsum`` their weight
    sum ``N``, ``nobs`` their count ``n``: ``svyvar = n/(n-1) * ssw / N``, and
    ``vsrs = svyvar * (N - n) / (N n)`` for a mean (NaN when ``N < n``, as R),
    ``svyvar * N^2 * (N - n) / (N n)`` for a total.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = nobs / (nobs - 1.0) * ssw / wsum
        if total:
            return s2 * wsum**2 * (wsum - nobs) / (wsum * nobs)
        v = s2 * (wsum - nobs) / (wsum * nobs)
        return np.where(wsum < nobs, np.nan, v)


class _Estimators:
    """mean/total/ratio/proportion, written once on top of ``_smooth``.

    A subclass provides ``data``, ``_weights`` and ``_smooth(columns, point, influence, dom)``.
    """

    data: pd.DataFrame
    _weights: np.ndarray
    #: rows per chunk of statistics: variables are processed in chunks so that the
    #: ``(n, p)`` working matrices stay below about this many cells
    _chunk_cells: int = 64_000_000

    def _smooth(self, columns, point, influence, dom) -> SmoothEstimate:  # pragma: no cover
        raise NotImplementedError

    def _domains(self, by: Columns) -> _Domains:
        return _make_domains(self.data, by)

    def estimate_smooth(
        self,
        columns: np.ndarray,
        point: Callable[[np.ndarray], np.ndarray],
        influence: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
        by: Columns = None,
    ) -> SmoothEstimate:
        """Estimate smooth functions of weighted domain totals, with their variances.

        The one variance engine: every estimator of govsurvey is a call to this method.

        Parameters
        ----------
        columns : numpy.ndarray
            Float array of shape ``(n, p)``, rows aligned with ``design.data``, no NaN
            (callers zero-fill missing values and carry an indicator column instead).
            Domain totals are ``T[g, k] = sum_{i in g} w_i * columns[i, k]``.
        point : callable
            ``point(T)`` maps totals of shape ``(..., G, p)`` to estimates of shape
            ``(..., G, m)`` and must broadcast over leading axes (a replicate design calls it
            once on all replicate totals, shape ``(R, G, p)``).
        influence : callable
            ``influence(T, columns, g)`` returns linearisation values ``z`` of shape ``(n, m)``
            for every row; ``T`` is ``(G, p)``, ``g`` is each row's domain index (``-1`` = in
            no domain; those rows are ignored, whatever their ``z``). ``z[i]`` concerns row
            ``i``'s own domain ``g[i]``. The engine computes ``Var(sum_i w_i z_i)`` per domain
            and statistic from sums by (domain, stratum, PSU), with the design's fpc, stages
            and lonely-PSU rule. Not called on replicate designs.
        by : str or list of str, optional
            Domain columns. Domains keep the full design: no row is dropped, PSUs without
            domain rows contribute zero totals. Rows with a missing ``by`` value are in no
            domain.

        Returns
        -------
        SmoothEstimate
            ``.domains`` (G sorted by-levels), ``.estimate`` and ``.variance`` ``(G, m)``,
            ``.df`` ``(G,)``, ``.n`` ``(G,)`` rows per domain, ``.totals`` ``(G, p)``.

        Examples
        --------
        A domain mean as a ratio of the totals of ``y`` and of 1:

        >>> import numpy as np, pandas as pd
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "s": [1, 1, 2, 2], "w": 2.0})
        >>> d = Design(df, weights="w", strata="s")
        >>> cols = np.column_stack([df["y"], np.ones(4)])
        >>> def point(T):
        ...     return T[..., :1] / T[..., 1:]
        >>> def influence(T, cols, g):
        ...     m = T[:, 0] / T[:, 1]
        ...     return ((cols[:, 0] - m[g]) / T[g, 1])[:, None]
        >>> res = d.estimate_smooth(cols, point, influence)
        >>> float(res.estimate[0, 0]), float(res.variance[0, 0])
        (3.0, 0.125)
        """
        columns = np.asarray(columns, dtype=float)
        if columns.ndim != 2 or columns.shape[0] != len(self.data):
            raise InputError.one(
                f"columns must have shape (n, p) with n = {len(self.data)} rows of the data, "
                f"got {columns.shape}",
                "build one row per row of design.data",
            )
        if not np.isfinite(columns).all():
            raise InputError.one(
                "columns holds NaN or infinite values",
                "zero-fill missing values and add an indicator column for them",
            )
        return self._smooth(columns, point, influence, self._domains(by))

    # --- public estimators -----------------------------------------------------------------
    def _analysis(self, variables: Columns, role: str) -> tuple[list[str], np.ndarray]:
        names = _as_list(variables)
        if not names:
            raise InputError.one(f"no {role} given", "name at least one column")
        _check_columns(self.data, names, role)
        for v in names:
            if not (
                pd.api.types.is_numeric_dtype(self.data[v].dtype)
                or pd.api.types.is_bool_dtype(self.data[v].dtype)
            ):
                _numeric(self.data, v, role)  # raises the error naming the column
        y = self.data[names].to_numpy(dtype=float, na_value=np.nan)
        return names, y

    def _chunks(self, k: int, per_var: int) -> list[slice]:
        n = max(len(self.data), 1)
        size = max(1, self._chunk_cells // (n * per_var))
        return [slice(i, min(i + size, k)) for i in range(0, k, size)]

    def _wss(self, dom: _Domains, centred: np.ndarray) -> np.ndarray:
        """Weighted sums of squares ``sum w c^2`` by domain, shape ``(G, m)``."""
        return dom.sum(centred * centred, self._weights)

    def _nobs_df(
        self, dom: _Domains, res: SmoothEstimate, obs: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows with a value and degrees of freedom per (domain, variable)."""
        shape = (dom.G, obs.shape[1])
        df = np.broadcast_to(res.df[:, None], shape)
        if obs.all():
            return np.broadcast_to(dom.n[:, None], shape), df
        return dom.sum(obs.astype(float)), df

    def mean(self, variables: Columns, by: Columns = None, level: float = 0.95) -> pd.DataFrame:
        """Population (or domain) means with Taylor or replicate standard errors.

        Missing values get zero influence in a design that keeps every row (R's
        ``svymean(na.rm=TRUE)`` in ``svyby``); ``n`` counts rows with a value.

        Parameters
        ----------
        variables : str or list of str
            Numeric (or boolean) columns.
        by : str or list of str, optional
            Domain columns; the result has one row per (domain, variable).
        level : float
            Confidence level of the t interval on the design degrees of freedom.

        Returns
        -------
        pandas.DataFrame
            ``[*by, "variable", "estimate", "se", "ci_low", "ci_high", "df", "n", "deff"]``;
            ``deff`` is Kish's design effect as R's ``deff=TRUE``.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "s": [1, 1, 2, 2], "w": 2.0})
        >>> Design(df, weights="w", strata="s").mean("y")[["variable", "estimate", "se"]]
          variable  estimate        se
        0        y       3.0  0.353553
        """
        names, y = self._analysis(variables, "mean variable")
        dom = self._domains(by)
        parts = []
        for sl in self._chunks(len(names), 6):
            est, var, df, n, deff = self._mean_chunk(y[:, sl], dom)
            parts.append((est, var, df, n, deff))
        est, var, df, n, deff = (np.hstack([p[i] for p in parts]) for i in range(5))
        return result_frame(dom.table, names, est, var, df, n, deff, level=level)

    def _mean_chunk(self, y: np.ndarray, dom: _Domains):
        k = y.shape[1]
        obs = ~np.isnan(y)
        columns = np.empty((y.shape[0], 2 * k))
        np.copyto(columns[:, :k], np.where(obs, y, 0.0))
        columns[:, k:] = obs
        kept: dict[str, np.ndarray] = {}

        def point(T):
            return T[..., :k] / T[..., k:]

        def influence(T, cols, g):
            m = np.vstack([point(T), np.zeros((1, k))])
            inv_n = np.vstack([1.0 / T[:, k:], np.zeros((1, k))])
            gi = np.where(g < 0, len(T), g)
            z = cols[:, :k] - m[gi]
            z *= cols[:, k:]
            z *= inv_n[gi]
            kept["z"] = z
            return z

        res = self._smooth(columns, point, influence, dom)
        est = res.estimate
        wsum = res.totals[:, k:]
        if "z" in kept:  # z = obs (y - mean) / N, so sum w obs (y - mean)^2 = N^2 sum w z^2
            ssw = self._wss(dom, kept.pop("z")) * wsum**2
        else:
            m_ext = np.vstack([est, np.zeros((1, k))])
            ssw = self._wss(dom, obs * (columns[:, :k] - m_ext[dom.gi]))
        nobs, df = self._nobs_df(dom, res, obs)
        with np.errstate(divide="ignore", invalid="ignore"):
            deff = res.variance / _kish_vsrs(ssw, wsum, nobs, total=False)
        return est, res.variance, df, nobs, deff

    def total(self, variables: Columns, by: Columns = None, level: float = 0.95) -> pd.DataFrame:
        """Population (or domain) totals ``sum w y`` with standard errors.

        Missing values count as zero in the total and get zero influence (R's ``na.rm=TRUE``).

        Parameters
        ----------
        variables : str or list of str
            Numeric (or boolean) columns.
        by : str or list of str, optional
            Domain columns.
        level : float
            Confidence level.

        Returns
        -------
        pandas.DataFrame
            The tidy result frame; ``deff`` as R's ``svytotal(deff=TRUE)``.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "s": [1, 1, 2, 2], "w": 2.0})
        >>> Design(df, weights="w", strata="s").total("y")[["estimate", "se"]]
           estimate        se
        0      24.0  2.828427
        """
        names, y = self._analysis(variables, "total variable")
        dom = self._domains(by)
        k = len(names)
        obs = np.isfinite(y)
        y0 = np.where(obs, y, 0.0)
        columns = np.hstack([y0, obs.astype(float)])

        def point(T):
            return T[..., :k]

        def influence(T, cols, g):
            return cols[:, :k]

        res = self._smooth(columns, point, influence, dom)
        wsum = res.totals[:, k:]
        with np.errstate(divide="ignore", invalid="ignore"):
            ybar = np.vstack([res.totals[:, :k] / wsum, np.zeros((1, k))])
        centred = obs * (y0 - ybar[dom.gi])
        ssw = self._wss(dom, centred)
        nobs, df = self._nobs_df(dom, res, obs)
        with np.errstate(divide="ignore", invalid="ignore"):
            deff = res.variance / _kish_vsrs(ssw, wsum, nobs, total=True)
        return result_frame(
            dom.table,
            names,
            res.estimate,
            res.variance,
            df,
            nobs,
            deff,
            level=level,
        )

    def ratio(
        self, numerator: Columns, denominator: Columns, by: Columns = None, level: float = 0.95
    ) -> pd.DataFrame:
        """Ratios of totals ``sum w y / sum w x`` (R's ``svyratio``).

        Rows where the numerator or the denominator is missing get zero influence in both
        (R's ``na.rm=TRUE``).

        Parameters
        ----------
        numerator, denominator : str or list of str
            Numeric columns, paired in order (one denominator is recycled).
        by : str or list of str, optional
            Domain columns.
        level : float
            Confidence level.

        Returns
        -------
        pandas.DataFrame
            The tidy result frame, ``variable`` written ``"y/x"``.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "x": [1.0, 1.0, 2.0, 2.0]})
        >>> Design(df, weights=None).ratio("y", "x")["estimate"].round(6).tolist()
        [2.0]
        """
        num, y = self._analysis(numerator, "ratio numerator")
        den, x = self._analysis(denominator, "ratio denominator")
        if len(den) == 1 and len(num) > 1:
            den, x = den * len(num), np.repeat(x, len(num), axis=1)
        if len(den) != len(num):
            raise InputError.one(
                f"{len(num)} numerators but {len(den)} denominators",
                "give one denominator, or one per numerator",
            )
        dom = self._domains(by)
        k = len(num)
        obs = np.isfinite(y) & np.isfinite(x)
        y0 = np.where(obs, y, 0.0)
        x0 = np.where(obs, x, 0.0)
        columns = np.hstack([y0, x0, obs.astype(float)])

        def point(T):
            return T[..., :k] / T[..., k : 2 * k]

        def influence(T, cols, g):
            r = np.vstack([point(T), np.zeros((1, k))])
            X = np.vstack([T[:, k : 2 * k], np.ones((1, k))])
            gi = np.where(g < 0, len(T), g)
            return (cols[:, :k] - r[gi] * cols[:, k : 2 * k]) / X[gi]

        res = self._smooth(columns, point, influence, dom)
        r_ext = np.vstack([res.estimate, np.zeros((1, k))])
        x_ext = np.vstack([res.totals[:, k : 2 * k], np.ones((1, k))])
        with np.errstate(divide="ignore", invalid="ignore"):
            resid = (y0 - r_ext[dom.gi] * x0) / x_ext[dom.gi]
        ssw = self._wss(dom, resid)
        nobs, df = self._nobs_df(dom, res, obs)
        wsum = res.totals[:, 2 * k :]
        with np.errstate(divide="ignore", invalid="ignore"):
            deff = res.variance / _kish_vsrs(ssw, wsum, nobs, total=True)
        labels = [f"{a}/{b}" for a, b in zip(num, den, strict=True)]
        return result_frame(
            dom.table,
            labels,
            res.estimate,
            res.variance,
            df,
            nobs,
            deff,
            level=level,
        )

    def proportion(self, variable: str, by: Columns = None, level: float = 0.95) -> pd.DataFrame:
        """Share of every level of a categorical variable, with logit confidence intervals.

        Levels are the sorted distinct non-missing values. Missing values get zero influence
        (R's ``na.rm=TRUE``). Intervals are R's ``svyciprop(method="logit")``.

        Parameters
        ----------
        variable : str
            Any column (numbers, strings, categories, booleans).
        by : str or list of str, optional
            Domain columns.
        level : float
            Confidence level.

        Returns
        -------
        pandas.DataFrame
            ``[*by, "variable", "level", "estimate", "se", "ci_low", "ci_high", "df", "n",
            "deff"]``.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"a": ["x", "y", "y", "y"]})
        >>> Design(df).proportion("a")[["level", "estimate"]]
          level  estimate
        0     x      0.25
        1     y      0.75
        """
        if not isinstance(variable, str):
            raise InputError.one(
                "proportion() takes one variable", "call it once per variable", value=variable
            )
        _check_columns(self.data, [variable], "proportion variable")
        codes, levels = pd.factorize(self.data[variable], sort=True)
        L = len(levels)
        if L == 0:
            raise InputError.one(
                "the variable has no non-missing values", "check the column", column=variable
            )
        ind = (codes[:, None] == np.arange(L)[None, :]).astype(float)
        ind[codes < 0] = np.nan
        dom = self._domains(by)
        est, var, df, n, deff = self._mean_chunk(ind, dom)
        return result_frame(
            dom.table,
            [variable] * L,
            est,
            var,
            df,
            n,
            deff,
            levels=list(levels),
            logit=True,
            level=level,
        )


# --------------------------------------------------------------------------------------------
# Taylor design
# --------------------------------------------------------------------------------------------
@dataclass
class _Stage:
    """One sampling stage: units, their strata, sample and population counts."""

    unit: np.ndarray  # (n,) unit code in [0, U)
    U: int
    unit_stratum: np.ndarray  # (U,) stratum code in [0, H)
    H: int
    n_h: np.ndarray  # (H,) units sampled in the stratum
    f: np.ndarray  # (H,) fpc factor (N - n) / N, 1 without fpc
    mult: np.ndarray  # (H,) multiplier of the stage's contribution (R's n1/N1 at stage 2)
    labels: list  # (H,) stratum labels for messages
    rows_are_units: bool = False


class Design(_Estimators):
    """A probability sample's design, as R's ``svydesign``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent. Kept by reference, never filtered.
    weights : str, optional
        Sampling weight column (positive, no missing values). When ``None``, weights come
        from ``fpc`` as R does (``prod over stages of N / n``), or are all 1 without ``fpc``.
    strata : str, optional
        First-stage strata column.
    psu : str or list of str, optional
        Cluster columns, one per stage (at most two): ``"psu"`` or ``["dnum", "snum"]``.
        ``None`` means every row is its own PSU. Second-stage units are always taken within
        their PSU.
    fpc : str or list of str, optional
        Finite population corrections, one column per stage: population counts (stage 1:
        PSUs in the stratum; stage 2: SSUs in the PSU), or sampling fractions when every value
        is at most 1 (R's rule). The second stage adds to the variance only when its fpc is
        given, as in R.
    lonely_psu : {"fail", "remove", "adjust", "average", "certainty"}
        A stratum with a single PSU (R's ``survey.lonely.psu``): ``"fail"`` raises an
        :class:`~govsurvey.errors.InputError` naming the stratum; ``"remove"`` and
        ``"certainty"`` give it zero variance; ``"adjust"`` centres its PSU total at the
        grand mean of all PSU totals (as svy and current R; R survey 4.1.1 centres at zero,
        which differs for totals only, and govsurvey does so at stage 2); ``"average"``
        replaces it by the average of the other strata in the domain (NaN at stage 2, as R).
        Strata sampled completely (fpc equal to the sample size) are never lonely.
    nest : bool
        PSU ids are only unique within strata (R's ``nest=TRUE``). With ``False`` an id
        found in two strata is an error.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "s": [1, 1, 2, 2],
    ...                    "p": [1, 2, 1, 2], "N": [10, 10, 20, 20]})
    >>> d = Design(df, strata="s", psu="p", fpc="N", nest=True)
    >>> d.weights.tolist()
    [5.0, 5.0, 10.0, 10.0]
    >>> d.df
    2
    """

    def __init__(
        self,
        data: pd.DataFrame,
        weights: str | None = None,
        strata: str | None = None,
        psu: Columns = None,
        fpc: Columns = None,
        lonely_psu: str = "fail",
        nest: bool = False,
    ) -> None:
        data = _as_frame(data)
        if lonely_psu not in LONELY_PSU_RULES:
            raise InputError.one(
                "unknown lonely_psu rule",
                f"use one of {', '.join(LONELY_PSU_RULES)}",
                value=lonely_psu,
            )
        if len(data) == 0:
            raise InputError.one("the data has no rows", "pass the survey responses")
        if strata is not None and not isinstance(strata, str):
            raise InputError.one(
                "strata takes one column name",
                "combine strata columns into one column first",
                value=strata,
            )
        psus = _as_list(psu)
        fpcs = _as_list(fpc)
        if len(psus) > 2:
            raise InputError.one(
                "at most two stages of clusters are supported",
                "pass psu=[stage1, stage2]",
                value=psus,
            )
        _check_columns(data, [c for c in [weights, strata] if c is not None], "design")
        _check_columns(data, psus, "psu")
        _check_columns(data, fpcs, "fpc")
        n_stages = max(len(psus), 1)
        if fpcs and len(fpcs) != n_stages:
            raise InputError.one(
                f"{len(fpcs)} fpc column(s) for {n_stages} stage(s)",
                "give one fpc column per stage (or none)",
                value=fpcs,
            )
        for col, role in [(strata, "strata"), *[(c, "psu") for c in psus]]:
            if col is not None and data[col].isna().any():
                row = int(np.flatnonzero(data[col].isna().to_numpy())[0])
                raise InputError.one(
                    f"missing {role} value (first at data row index {data.index[row]!r})",
                    f"fill in the {role} of every row, or drop those rows before building "
                    "the design",
                    column=col,
                )

        self.data = data
        self.strata = strata
        self.psu = psus
        self.fpc = fpcs
        self.lonely_psu = lonely_psu
        self.nest = nest
        self.weights_column = weights
        n = len(data)

        # ---- stage 1 ----
        if strata is not None:
            s_code, s_table = _codes(data, [strata])
            s_labels = list(s_table[strata])
        else:
            s_code, s_labels = np.zeros(n, dtype=np.int64), ["(all)"]
        H1 = len(s_labels)
        if psus:
            if nest and strata is not None:
                u1, _ = _codes(data.assign(__s=s_code), ["__s", psus[0]])
            else:
                u1, _ = _codes(data, [psus[0]])
            U1 = int(u1.max()) + 1
            pairs, _ = _compress(u1 * H1 + s_code, U1 * H1)
            if len(pairs) > U1:
                crossing = np.flatnonzero(np.bincount(pairs // H1, minlength=U1) > 1)[0]
                bad = data[psus[0]].to_numpy()[np.flatnonzero(u1 == crossing)[0]]
                raise InputError.one(
                    "the same PSU id appears in more than one stratum",
                    "pass nest=True if PSU ids are only unique within strata, or recode them",
                    column=psus[0],
                    value=bad,
                )
            st = np.zeros(U1, dtype=np.int64)
            st[u1] = s_code
            unit_stratum = st
            if U1 == 1 and not (nest and strata is not None):
                raise InputError.one(
                    "the design has only one primary sampling unit",
                    "check the psu column, or leave psu=None if rows were sampled directly",
                    column=psus[0],
                )
            rows_units = False
        else:
            u1, U1, unit_stratum, rows_units = np.arange(n), n, s_code.copy(), True
        n_h1 = np.bincount(unit_stratum, minlength=H1)
        stages_units = [(u1, U1, unit_stratum, H1, n_h1, s_labels, rows_units, s_code)]

        # ---- stage 2 ----
        if len(psus) == 2:
            u2, _ = _codes(data.assign(__u1=u1), ["__u1", psus[1]])
            U2 = int(u2.max()) + 1
            st2 = np.zeros(U2, dtype=np.int64)
            st2[u2] = u1
            psu_labels = data[psus[0]].to_numpy()[np.unique(u1, return_index=True)[1]].tolist()
            stages_units.append(
                (u2, U2, st2, U1, np.bincount(st2, minlength=U1), psu_labels, False, u1)
            )

        # ---- fpc ----
        popsizes: list[np.ndarray] = []
        if fpcs:
            vals = [_numeric(data, c, "fpc") for c in fpcs]
            allv = np.concatenate(vals)
            if np.isnan(allv).any():
                col = fpcs[int(np.argmax([np.isnan(v).any() for v in vals]))]
                raise InputError.one("missing fpc value", "give the fpc of every row", column=col)
            if (allv <= 0).any():
                col = fpcs[int(np.argmax([(v <= 0).any() for v in vals]))]
                raise InputError.one(
                    "fpc must be positive",
                    "give population counts or sampling fractions",
                    column=col,
                )
            as_count = bool((allv > 1).any())
            if as_count and (allv < 1).any():
                raise InputError.one(
                    "fpc mixes population counts (> 1) and sampling fractions (< 1)",
                    "give all fpc columns as counts or all as fractions",
                    column=fpcs[0],
                )
            for v, col, (_u, _U, _us, H, n_h, labels, _r, row_stratum) in zip(
                vals, fpcs, stages_units, strict=True
            ):
                lo = np.full(H, np.inf)
                hi = np.full(H, -np.inf)
                np.minimum.at(lo, row_stratum, v)
                np.maximum.at(hi, row_stratum, v)
                if (lo != hi).any():
                    h = int(np.flatnonzero(lo != hi)[0])
                    raise InputError.one(
                        f"fpc varies within stratum/PSU {labels[h]!r}",
                        "the fpc must be the same for every row of a stratum (stage 1) or of a "
                        "PSU (stage 2)",
                        column=col,
                    )
                N = lo if as_count else n_h / lo
                if (N < n_h - 1e-9).any():
                    h = int(np.flatnonzero(N < n_h - 1e-9)[0])
                    raise InputError.one(
                        f"fpc implies more than 100% sampling in {labels[h]!r} "
                        f"(population {N[h]:g}, sample {n_h[h]})",
                        "check the fpc: stage-1 fpc counts PSUs in the stratum, stage-2 fpc "
                        "counts SSUs in the PSU",
                        column=col,
                    )
                popsizes.append(N)

        # ---- weights ----
        if weights is not None:
            w = _numeric(data, weights, "weight")
            bad = ~np.isfinite(w) | (w <= 0)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                what = (
                    "missing"
                    if np.isnan(w[i])
                    else "infinite"
                    if np.isinf(w[i]) and w[i] > 0
                    else "zero"
                    if w[i] == 0
                    else "negative"
                )
                raise InputError.one(
                    f"{int(bad.sum())} weight(s) are missing, zero, negative or infinite "
                    f"(first: a {what} weight at data row index {data.index[i]!r})",
                    "weights must be positive: drop rows that are not in the sample, or fix "
                    "the weights",
                    column=weights,
                    value=float(w[i]),
                )
        elif popsizes:
            w = np.ones(n)
            for N, (_u, _U, _us, _H, n_h, _l, _r, row_stratum) in zip(
                popsizes, stages_units, strict=False
            ):
                w = w * (N / n_h)[row_stratum]
        else:
            log.warning("No weights or fpc supplied: assuming equal probability (weight 1).")
            w = np.ones(n)
        self._weights = np.ascontiguousarray(w, dtype=float)

        # ---- variance stages ----
        self._stages: list[_Stage] = []
        var_stages = stages_units if popsizes else stages_units[:1]
        for k, (u, U, us, H, n_h, labels, rows_units, _rs) in enumerate(var_stages):
            N = popsizes[k] if popsizes else np.full(H, np.inf)
            with np.errstate(divide="ignore", invalid="ignore"):
                f = np.where(np.isinf(N), 1.0, (N - n_h) / N)
            mult = np.ones(H)
            if k == 1:  # R's multistage: stage-2 variance times n1 / N1 of the PSU's stratum
                s1 = self._stages[0]
                mult = (s1.n_h / popsizes[0])[s1.unit_stratum]
            self._stages.append(_Stage(u, U, us, H, n_h, f, mult, labels, rows_units))
        self._check_lonely()

    # ------------------------------------------------------------------------------------
    def _check_lonely(self) -> None:
        for k, st in enumerate(self._stages):
            lonely = (st.n_h == 1) & (st.f >= _CERTAIN)
            if not lonely.any():
                continue
            names = [st.labels[h] for h in np.flatnonzero(lonely)]
            if self.lonely_psu == "fail":
                where = "stratum" if k == 0 else "PSU (stage 2)"
                unit = "PSU" if k == 0 else "second-stage unit"
                raise InputError.one(
                    f"{where} {names[0]!r} has only one {unit}"
                    + (f" ({len(names)} such, also {names[1:4]})" if len(names) > 1 else ""),
                    "its variance cannot be estimated: collapse it with a neighbouring stratum, "
                    "or choose a rule with lonely_psu='adjust' | 'average' | 'remove' | "
                    "'certainty'",
                    column=self.strata if k == 0 else self.psu[0],
                    value=names[0],
                )
            log.info(
                "stage %d: %d lonely PSU stratum/strata handled by %r",
                k + 1,
                len(names),
                self.lonely_psu,
            )

    @property
    def weights(self) -> pd.Series:
        """The sampling weights, as a Series aligned with ``data``."""
        return pd.Series(self._weights, index=self.data.index, name=self.weights_column or "w")

    @property
    def df(self) -> int:
        """Design degrees of freedom, R's ``degf``: PSUs minus strata."""
        st = self._stages[0]
        return int(st.U - st.H)

    def summary(self) -> pd.DataFrame:
        """The design as a reader of a report needs it: one row per property.

        Returns
        -------
        pandas.DataFrame
            Columns ``item`` and ``value``: rows, strata, units per stage, whether each stage
            has an fpc, the lonely-PSU rule, design df and the weights' sum, minimum and maximum.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "s": [1, 1, 2, 2], "p": [1, 2, 3, 4]})
        >>> Design(df, strata="s", psu="p").summary().set_index("item").loc["design df", "value"]
        '2'
        """
        first = self._stages[0]
        w = self._weights
        items = [
            ("rows (respondents)", f"{len(self.data):,}"),
            ("strata", f"{first.H:,}" + (f" ({self.strata})" if self.strata else "")),
        ]
        names = self.psu or ["(each row)"]
        for k, st in enumerate(self._stages):
            unit = names[k] if k < len(names) else "(each row)"
            fpc = "with fpc" if k < len(self.fpc) else "without fpc"
            items.append((f"stage {k + 1} units", f"{st.U:,} ({unit}, {fpc})"))
        items += [
            ("lonely PSU rule", self.lonely_psu),
            ("design df", f"{self.df}"),
            ("sum of weights", f"{w.sum():,.1f}"),
            ("weights min / max", f"{w.min():,.2f} / {w.max():,.2f}"),
        ]
        return pd.DataFrame(items, columns=["item", "value"])

    def __repr__(self) -> str:
        st = self._stages[0]
        return (
            f"Design({len(self.data)} rows, {st.H} strata, {st.U} PSUs, "
            f"{len(self.psu) or 1} stage(s), fpc={'yes' if self.fpc else 'no'}, "
            f"lonely_psu={self.lonely_psu!r})"
        )

    # ------------------------------------------------------------------------------------
    def _stage_keys(self, k: int, dom: _Domains) -> dict:
        """(domain, unit) and (domain, stratum) keys of stage ``k``, cached on ``dom``."""
        ck = ("stage", k)
        if ck in dom.cache:
            return dom.cache[ck]
        st = self._stages[k]
        G = dom.G
        gi = dom.gi
        if st.rows_are_units:
            key_rows = None
            ku = np.arange(len(gi))
            kg = gi
            kid = None
            K = len(gi)
        else:
            ukeys, kid = _compress(gi * st.U + st.unit, (G + 1) * st.U)
            kg, ku = ukeys // st.U, ukeys % st.U
            K = len(ukeys)
            key_rows = kid
        kh = st.unit_stratum[ku]
        ghkeys, ghid = _compress(kg * st.H + kh, (G + 1) * st.H)
        gg, hh = ghkeys // st.H, ghkeys % st.H
        present = np.bincount(ghid, minlength=len(ghkeys))
        out = dict(kid=key_rows, K=K, kg=kg, ghid=ghid, gg=gg, hh=hh, present=present)
        out["grouper"] = None if kid is None else _Grouper(kid, K, self._weights)
        out["grouper_1"] = None if kid is None else _Grouper(kid, K)
        dom.cache[ck] = out
        return out

    def _stage_variance(self, k: int, z: np.ndarray, dom: _Domains) -> np.ndarray:
        st = self._stages[k]
        keys = self._stage_keys(k, dom)
        if st.rows_are_units:
            X = z * self._weights[:, None]
        else:
            X = keys["grouper"].sum(z)
        ghid, hh, gg = keys["ghid"], keys["hh"], keys["gg"]
        Kgh = len(hh)
        S1 = group_sum(ghid, X, Kgh)
        nh = st.n_h[hh].astype(float)
        mean = S1 / nh[:, None]
        dev = X - mean[ghid]
        SS = group_sum(ghid, dev * dev, Kgh) + (nh - keys["present"])[:, None] * mean * mean
        f = st.f[hh]
        scale = np.where(nh > 1, f * nh / np.maximum(nh - 1, 1), f)
        C = SS * scale[:, None]
        lonely = (nh == 1) & (f >= _CERTAIN)
        C[f < _CERTAIN] = 0.0
        if self.lonely_psu == "adjust":
            # a lonely PSU's total is centred at the grand mean of the stage's PSU totals
            # (domain total / number of PSUs), as svy and current R do; at stage 2 at zero,
            # as R survey 4.1.1 (for means, ratios and proportions the two are the same)
            centre = np.zeros((dom.G + 1, S1.shape[1]))
            if k == 0:
                centre = group_sum(gg, S1, dom.G + 1) / st.U
            C[lonely] = f[lonely, None] * (S1[lonely] - centre[gg[lonely]]) ** 2
        elif self.lonely_psu in ("average", "remove", "certainty"):
            C[lonely] = 0.0
        C = C * st.mult[hh][:, None]
        V = group_sum(gg, C, dom.G + 1)[: dom.G]
        if self.lonely_psu == "average":
            # R subsets the design to the domain, so only strata holding domain rows count:
            # the variance is scaled by (strata in domain) / (non-lonely strata in domain)
            n_strata = np.bincount(gg, minlength=dom.G + 1)[: dom.G]
            n_lonely = np.bincount(gg, weights=lonely, minlength=dom.G + 1)[: dom.G]
            with np.errstate(divide="ignore", invalid="ignore"):
                if k == 0:
                    V = V * (n_strata / (n_strata - n_lonely))[:, None]
                else:  # R: a PSU with one SSU is its own stage-2 stratum, so NA variance
                    V = np.where((n_lonely > 0)[:, None], np.nan, V)
        return V

    def _domain_df(self, dom: _Domains) -> np.ndarray:
        """R's ``degf`` of each domain: PSUs with domain rows minus strata with domain rows."""
        if dom.G == 1 and (dom.g >= 0).all():
            return np.array([float(self.df)])
        keys = self._stage_keys(0, dom)
        n_units = np.bincount(keys["kg"], minlength=dom.G + 1)[: dom.G]
        n_strata = np.bincount(keys["gg"], minlength=dom.G + 1)[: dom.G]
        return (n_units - n_strata).astype(float)

    def _nobs_df(
        self, dom: _Domains, res: SmoothEstimate, obs: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows with a value, and R's ``degf`` of the domain restricted to them, per variable.

        As R's ``degf(subset(design, domain & !is.na(y)))`` and svy's ``drop_nulls``: PSUs
        holding such rows minus strata holding such rows.
        """
        shape = (dom.G, obs.shape[1])
        if obs.all():
            return np.broadcast_to(dom.n[:, None], shape), np.broadcast_to(res.df[:, None], shape)
        keys = self._stage_keys(0, dom)
        obs = obs.astype(float)
        per_unit = obs if keys["grouper"] is None else keys["grouper_1"].sum(obs)
        nobs = group_sum(keys["kg"], per_unit, dom.G + 1)[: dom.G]
        has_unit = (per_unit > 0).astype(float)
        n_units = group_sum(keys["kg"], has_unit, dom.G + 1)[: dom.G]
        per_stratum = group_sum(keys["ghid"], has_unit, len(keys["hh"]))
        n_strata = group_sum(keys["gg"], (per_stratum > 0).astype(float), dom.G + 1)[: dom.G]
        return nobs, n_units - n_strata

    def _smooth(self, columns, point, influence, dom) -> SmoothEstimate:
        T = dom.sum(columns, self._weights)
        est = np.asarray(point(T), dtype=float)
        z = np.asarray(influence(T, columns, dom.g), dtype=float)
        if z.ndim == 1:
            z = z[:, None]
        if z.shape != (len(self.data), est.shape[-1]):
            raise ValueError(
                f"influence() returned shape {z.shape}, expected {(len(self.data), est.shape[-1])}"
            )
        V = sum(self._stage_variance(k, z, dom) for k in range(len(self._stages)))
        return SmoothEstimate(
            dom.table, est, V, self._domain_df(dom), dom.n, T, method="taylor", domain_of_row=dom.g
        )

    # ------------------------------------------------------------------------------------
    def replicate(
        self,
        type: str = "bootstrap",
        replicates: int | None = None,
        seed: int | np.random.Generator | None = None,
        fay_rho: float = 0.0,
        mse: bool = False,
    ):
        """Replicate-weight version of this design, as R's ``as.svrepdesign``.

        Parameters
        ----------
        type : {"jk1", "jkn", "bootstrap", "brr"}
            ``"jk1"`` delete-one-PSU jackknife of an unstratified design; ``"jkn"``
            stratified jackknife (rscales ``(n_h - 1)/n_h`` times the fpc factor);
            ``"bootstrap"`` Rao–Wu rescaling bootstrap (R's ``type="subbootstrap"``:
            ``n_h - 1`` PSUs drawn with replacement, scale ``1/(R - 1)``); ``"brr"`` balanced
            repeated replication from a Hadamard matrix (exactly two PSUs per stratum; Fay's
            method with ``fay_rho > 0``).
        replicates : int, optional
            Number of bootstrap replicates (default 500); for BRR a minimum size of the
            Hadamard matrix. Not used by the jackknives.
        seed : int or numpy.random.Generator, optional
            Random state for the bootstrap.
        fay_rho : float
            Fay's coefficient for BRR (0 is classical BRR).
        mse : bool
            Centre the replicate variance at the full-sample estimate instead of the mean
            of the replicates (R's ``mse=``).

        Returns
        -------
        govsurvey.replicate.ReplicateDesign

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "s": [1, 1, 2, 2], "p": [1, 2, 3, 4]})
        >>> r = Design(df, strata="s", psu="p").replicate("jkn")
        >>> r.mean("y")["se"].round(6).tolist()
        [0.353553]
        """
        from .replicate import replicate_design

        return replicate_design(
            self, type, replicates=replicates, seed=seed, fay_rho=fay_rho, mse=mse
        )
