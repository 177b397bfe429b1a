"""mean, total, ratio and proportion, written once for Taylor and replicate designs.

Missing values
--------------
A missing value (``NaN``) in an analysis variable follows R's ``na.rm=TRUE`` domain semantics:
the row stays in the design (its PSU and stratum still count) but gets zero influence, exactly
as if it were outside the domain. ``n`` in a result counts rows with a value.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from ..errors import InputError
from ..results import SmoothEstimate, result_frame
from .engine import (
    Columns,
    Domains,
    as_list,
    check_columns,
    kish_vsrs,
    make_domains,
    numeric_column,
)

F = TypeVar("F", bound=Callable)

__all__ = ["Estimators", "quiet"]


def quiet(method: F) -> F:
    """Run an estimator with numpy's divide/invalid warnings off.

    An empty domain or an all-missing variable gives 0/0; the estimate is NaN and the result
    says why in ``attrs["notes"]`` (see :func:`govsurvey.results.result_frame`), so numpy's
    ``RuntimeWarning`` would only tell the user less, later.
    """

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with np.errstate(divide="ignore", invalid="ignore"):
            return method(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Estimators:
    """mean/total/ratio/proportion, written once on top of ``_smooth``.

    A subclass provides ``data``, ``_weights`` and ``_smooth(columns, point, influence, dom)``.
    """

    data: pd.DataFrame
    _weights: np.ndarray
    #: rows per chunk of statistics: variables are processed in chunks so that the
    #: ``(n, p)`` working matrices stay below about this many cells
    _chunk_cells: int = 64_000_000

    @property
    def variance_method(self) -> str:
        """How this design estimates variances: ``"taylor"`` or the replicate type."""
        return getattr(self, "type", "taylor")

    @property
    def weight_values(self) -> np.ndarray:
        """The full-sample weights as a float array aligned with ``data`` (read-only view)."""
        v = self._weights.view()
        v.flags.writeable = False
        return v

    def _smooth(
        self, columns, point, influence, dom, obs=None
    ) -> SmoothEstimate:  # pragma: no cover
        raise NotImplementedError

    def _domains(self, by: Columns) -> Domains:
        return make_domains(self.data, by)

    @quiet
    def estimate_smooth(
        self,
        columns: np.ndarray,
        point: Callable[[np.ndarray], np.ndarray],
        influence: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
        by: Columns = None,
        linear: bool = False,
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
        >>> from govsurvey.design import Design
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
        return self._smooth(columns, point, influence, self._domains(by), linear=linear)

    # --- public estimators -----------------------------------------------------------------
    def _analysis(self, variables: Columns, role: str) -> tuple[list[str], np.ndarray]:
        names = as_list(variables)
        if not names:
            raise InputError.one(f"no {role} given", "name at least one column")
        check_columns(self.data, names, role)
        for v in names:
            if not (
                pd.api.types.is_numeric_dtype(self.data[v].dtype)
                or pd.api.types.is_bool_dtype(self.data[v].dtype)
            ):
                numeric_column(self.data, v, role)  # raises the error naming the column
        y = self.data[names].to_numpy(dtype=float, na_value=np.nan)
        return names, y

    def _chunks(self, k: int, per_var: int) -> list[slice]:
        n = max(len(self.data), 1)
        size = max(1, self._chunk_cells // (n * per_var))
        return [slice(i, min(i + size, k)) for i in range(0, k, size)]

    def _wss(self, dom: Domains, centred: np.ndarray) -> np.ndarray:
        """Weighted sums of squares ``sum w c^2`` by domain, shape ``(G, m)``."""
        return dom.sum(centred * centred, self._weights)

    def _nobs_df(
        self, dom: Domains, res: SmoothEstimate, obs: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows with a value and degrees of freedom per (domain, variable)."""
        shape = (dom.G, obs.shape[1])
        df = np.broadcast_to(res.df[:, None], shape)
        if obs.all():
            return np.broadcast_to(dom.n[:, None], shape), df
        return dom.sum(obs.astype(float)), df

    @quiet
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
        >>> from govsurvey.design import Design
        >>> import pandas as pd
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "s": [1, 1, 2, 2], "w": 2.0})
        >>> Design(df, weights="w", strata="s").mean("y")[["variable", "estimate", "se"]]
          variable  estimate        se
        0        y       3.0  0.353553
        """
        names, y = self._analysis(variables, "mean variable")
        dom = self._domains(by)
        parts = []
        for sl in self._chunks(len(names), 2 if self._by_units() else 6):
            est, var, df, n, deff = self._mean_chunk(y[:, sl], dom)
            parts.append((est, var, df, n, deff))
        est, var, df, n, deff = (np.hstack([p[i] for p in parts]) for i in range(5))
        return result_frame(
            dom.table, names, est, var, df, n, deff, level=level, method=self.variance_method
        )

    def _by_units(self) -> bool:
        """Whether domain means take the design's faster route (see ``Design``)."""
        return False

    def _mean_by_units(self, y: np.ndarray, dom: Domains):
        """Domain means by the faster route (see ``Design``)."""
        raise NotImplementedError  # pragma: no cover

    def _mean_chunk(self, y: np.ndarray, dom: Domains):
        if self._by_units():
            return self._mean_by_units(y, dom)
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

        res = self._smooth(columns, point, influence, dom, obs)
        est = res.estimate
        wsum = res.totals[:, k:]
        if "z" in kept:  # z = obs (y - mean) / N, so sum w obs (y - mean)^2 = N^2 sum w z^2
            ssw = self._wss(dom, kept.pop("z")) * wsum**2
        else:
            m_ext = np.vstack([est, np.zeros((1, k))])
            ssw = self._wss(dom, obs * (columns[:, :k] - m_ext[dom.gi]))
        nobs, df = self._nobs_df(dom, res, obs)
        with np.errstate(divide="ignore", invalid="ignore"):
            deff = res.variance / kish_vsrs(ssw, wsum, nobs, total=False)
        return est, res.variance, df, nobs, deff

    @quiet
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
        >>> from govsurvey.design import Design
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

        res = self._smooth(columns, point, influence, dom, obs)
        wsum = res.totals[:, k:]
        with np.errstate(divide="ignore", invalid="ignore"):
            ybar = np.vstack([res.totals[:, :k] / wsum, np.zeros((1, k))])
        centred = obs * (y0 - ybar[dom.gi])
        ssw = self._wss(dom, centred)
        nobs, df = self._nobs_df(dom, res, obs)
        with np.errstate(divide="ignore", invalid="ignore"):
            deff = res.variance / kish_vsrs(ssw, wsum, nobs, total=True)
        return result_frame(
            dom.table,
            names,
            res.estimate,
            res.variance,
            df,
            nobs,
            deff,
            level=level,
            method=self.variance_method,
        )

    @quiet
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
        >>> from govsurvey.design import Design
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

        res = self._smooth(columns, point, influence, dom, obs)
        r_ext = np.vstack([res.estimate, np.zeros((1, k))])
        x_ext = np.vstack([res.totals[:, k : 2 * k], np.ones((1, k))])
        with np.errstate(divide="ignore", invalid="ignore"):
            resid = (y0 - r_ext[dom.gi] * x0) / x_ext[dom.gi]
        ssw = self._wss(dom, resid)
        nobs, df = self._nobs_df(dom, res, obs)
        wsum = res.totals[:, 2 * k :]
        with np.errstate(divide="ignore", invalid="ignore"):
            deff = res.variance / kish_vsrs(ssw, wsum, nobs, total=True)
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
            method=self.variance_method,
        )

    @quiet
    def proportion(self, variable: str, by: Columns = None, level: float = 0.95) -> pd.DataFrame:
        """Share of every level of a categorical variable, with logit confidence intervals.

        Levels are the sorted distinct non-missing values. Missing values get zero influence
        (R's ``na.rm=TRUE``). Intervals are R's ``svyciprop(method="logit")``, a t interval on
        the logit scale whose SE depends on the design, as in R: on a Taylor :class:`Design`
        the delta method, ``se / (p (1 - p))`` (R's ``"xlogit"``, which R's ``"logit"`` equals
        there); on a :class:`ReplicateDesign` the replicate SE of ``logit(p_r)``, the logit of
        each replicate's proportion (R refits the logit in every replicate). A replicate whose
        proportion is 0 or 1 has no finite logit: the interval then uses the delta method.

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
            ``[*by, "variable", "category", "estimate", "se", "ci_low", "ci_high", "df", "n",
            "deff"]``.

        Examples
        --------
        >>> from govsurvey.design import Design
        >>> import pandas as pd
        >>> df = pd.DataFrame({"a": ["x", "y", "y", "y"]})
        >>> Design(df).proportion("a")[["category", "estimate"]]
          category  estimate
        0        x      0.25
        1        y      0.75
        """
        if not isinstance(variable, str):
            raise InputError.one(
                "proportion() takes one variable", "call it once per variable", value=variable
            )
        check_columns(self.data, [variable], "proportion variable")
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
        logit_se = None if self.variance_method == "taylor" else self._logit_se(ind, dom)
        return result_frame(
            dom.table,
            [variable] * L,
            est,
            var,
            df,
            n,
            deff,
            categories=list(levels),
            logit=True,
            level=level,
            method=self.variance_method,
            logit_se=logit_se,
        )

    def _logit_se(self, ind: np.ndarray, dom: Domains) -> np.ndarray:
        """Replicate SE of ``logit`` of each replicate's proportions, shape ``(G, L)``.

        R's ``svyciprop(method="logit")`` refits the logit (an intercept-only ``svyglm``) under
        every replicate weight; its SE is the replicate variance of ``logit(p_r)``. Where a
        replicate's proportion is 0 or 1 the logit is infinite and the value is NaN (the
        interval then falls back on the delta method).
        """
        k = ind.shape[1]
        obs = ~np.isnan(ind)
        columns = np.hstack([np.where(obs, ind, 0.0), obs.astype(float)])

        def point(T):
            with np.errstate(divide="ignore", invalid="ignore"):
                p = T[..., :k] / T[..., k:]
                return np.log(p / (1.0 - p))

        res = self._smooth(columns, point, None, dom, obs)
        return np.sqrt(res.variance)

    # --------------------------------------------------------------------------------------------
    # Taylor design

    # --- design-based models (govsurvey.drivers.models) ------------------------------------
    def domain_df(self, rows: np.ndarray) -> float:
        """Degrees of freedom of the design restricted to ``rows``: R's ``degf(subset(...))``.

        The rule ``mean(by=...)`` applies to a domain: on a Taylor design the PSUs holding a row
        of the domain minus the strata holding one; on a replicate design the rank of the
        domain rows' replicate weights minus 1. A model fitted on a domain (zero weights
        outside, or the outcome missing outside) takes its df from here.

        Parameters
        ----------
        rows : numpy.ndarray of bool
            Shape ``(n,)``: the rows of the domain.

        Returns
        -------
        float
            The domain's df (the design's df when ``rows`` holds every row).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from govsurvey.design import Design
        >>> df = pd.DataFrame({"s": [1, 1, 2, 2, 2], "p": [1, 2, 3, 4, 5]})
        >>> d = Design(df, strata="s", psu="p")
        >>> d.df, d.domain_df(np.array([True, True, True, False, False]))
        (3, 1.0)
        """
        rows = np.asarray(rows, dtype=bool).ravel()
        if rows.shape != (len(self.data),):
            raise InputError.one(
                f"rows must hold one flag per row of the data ({len(self.data)}), "
                f"got {rows.shape[0]}",
                "pass a boolean array aligned with design.data",
            )
        if rows.all():
            return float(self.df)
        g = np.where(rows, 0, -1).astype(np.int64)
        dom = Domains(g, 1, pd.DataFrame(index=[0]), [], np.array([int(rows.sum())]))
        return float(self._domain_df(dom)[0])

    def glm(self, formula: str, family: str = "gaussian", level: float = 0.95) -> pd.DataFrame:
        """Design-based generalised linear model (R's ``svyglm``), see
        :func:`govsurvey.drivers.models.glm`.
        """
        from ..drivers.models import glm

        return glm(self, formula, family=family, level=level)

    def ordinal(self, formula: str, level: float = 0.95) -> pd.DataFrame:
        """Design-based proportional-odds model (R's ``svyolr``), see
        :func:`govsurvey.drivers.models.ordinal`.
        """
        from ..drivers.models import ordinal

        return ordinal(self, formula, level=level)
