"""Replicate-weight designs: jackknife, bootstrap, BRR, and producer-supplied weights.

A :class:`ReplicateDesign` has the estimation methods of :class:`govsurvey.design.Design`
(``mean``, ``total``, ``ratio``, ``proportion``, ``estimate_smooth``), computed by replication:
the point function is evaluated on the replicate totals, obtained as one matrix product, and
the variance is R's ``svrVar``: ``scale * sum_r rscales_r (theta_r - centre)^2`` with the centre
the mean of the replicates (or the full-sample estimate when ``mse=True``).

When replicate weights are PSU multipliers of the full-sample weights (the jackknives, BRR
and the Rao–Wu bootstrap built by :meth:`Design.replicate`), replicate totals are computed on
(domain, PSU) aggregates, which are small; supplied replicate weights use the full
respondent × replicate matrix.
"""

from __future__ import annotations

import copy
import hashlib
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import InputError
from ..results import SmoothEstimate
from .engine import (
    Domains,
    as_frame,
    as_list,
    check_columns,
    compress,
    group_sum,
    numeric_column,
)
from .estimators import Estimators

if TYPE_CHECKING:
    from .taylor import Design

__all__ = ["ReplicateDesign", "hadamard", "replicate_design", "replicate_variance"]

log = logging.getLogger(__name__)

REPLICATE_TYPES = ("jk1", "jkn", "bootstrap", "brr", "fay", "other")

#: R's ``degf`` ranks replicate weights with ``qr(tol=1e-5)``: singular values below this
#: fraction of the largest count as zero
RANK_TOL = 1e-5


# --------------------------------------------------------------------------------------------
# Hadamard matrices
# --------------------------------------------------------------------------------------------
def _is_prime(q: int) -> bool:
    if q < 2:
        return False
    return all(q % d for d in range(2, int(q**0.5) + 1))


def _paley(q: int) -> np.ndarray:
    """Paley I Hadamard matrix of order ``q + 1`` for a prime ``q ≡ 3 (mod 4)``."""
    residues = np.zeros(q, dtype=int)
    residues[(np.arange(1, q) ** 2) % q] = 1
    chi = np.where(residues == 1, 1, -1)
    chi[0] = 0
    i = np.arange(q)
    Q = chi[(i[None, :] - i[:, None]) % q]
    S = np.zeros((q + 1, q + 1), dtype=int)
    S[0, 1:] = 1
    S[1:, 0] = -1
    S[1:, 1:] = Q
    return S + np.eye(q + 1, dtype=int)


def hadamard(n: int) -> np.ndarray:
    """The smallest normalised Hadamard matrix of order at least ``n`` that we can build.

    Orders ``2^k`` (Sylvester), ``q + 1`` for primes ``q ≡ 3 (mod 4)`` (Paley I) and their
    doublings; the first row and column are all ``+1``, so rows 2, 3, … are balanced.

    Parameters
    ----------
    n : int
        Minimum order.

    Returns
    -------
    numpy.ndarray
        Square matrix of ±1 with ``H @ H.T == order * I``.

    Examples
    --------
    >>> H = hadamard(10)
    >>> H.shape
    (12, 12)
    >>> bool((H @ H.T == 12 * np.eye(12)).all())
    True
    """
    n = max(int(n), 1)
    best: tuple[int, int, int] | None = None  # (order, base q or 0 for 1, doublings)
    for base, q in [(1, 0), *[(q + 1, q) for q in range(3, 2 * n + 8, 4) if _is_prime(q)]]:
        order, doublings = base, 0
        while order < n:
            order, doublings = order * 2, doublings + 1
        if best is None or order < best[0]:
            best = (order, q, doublings)
    order, q, doublings = best
    H = np.ones((1, 1), dtype=int) if q == 0 else _paley(q)
    for _ in range(doublings):
        H = np.block([[H, H], [H, -H]])
    H = H * H[0][None, :]
    H = H * H[:, 0][:, None]
    return H


# --------------------------------------------------------------------------------------------
# replicate design
# --------------------------------------------------------------------------------------------
class ReplicateDesign(Estimators):
    """A design carried by replicate weights, as R's ``svrepdesign``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    weights : str, optional
        Full-sample weight column; all 1 when ``None`` (as R, with a warning).
    replicate_weights : list of str or str
        Replicate weight columns, or a regular expression matching their names (R's
        ``repweights="wt[0-9]+"``). No missing values.
    type : {"jk1", "jkn", "bootstrap", "brr", "fay", "other"}
        Replication method, which sets the default ``scale``: BRR ``1/R``; Fay
        ``1/(R (1 - rho)^2)``; bootstrap ``1/(R - 1)``; JK1 ``(R - 1)/R``; JKn requires
        ``rscales``; other 1.
    scale : float, optional
        Overall variance multiplier (R's ``scale``).
    rscales : sequence of float, optional
        Per-replicate multipliers (R's ``rscales``), e.g. ``(n_h - 1)/n_h`` for JKn.
    mse : bool
        Centre at the full-sample estimate instead of the replicate mean.
    combined_weights : bool
        The replicate columns are complete weights (True, R's default), or multipliers of
        the full-sample weight (False).
    fay_rho : float, optional
        Fay's coefficient, required for ``type="fay"``.
    df : float, optional
        Degrees of freedom; by default R's ``degf``: the rank of the replicate weight matrix
        minus 1.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "w": 1.0,
    ...                    "r1": [0.0, 2.0, 1.0, 1.0], "r2": [2.0, 0.0, 1.0, 1.0],
    ...                    "r3": [1.0, 1.0, 0.0, 2.0], "r4": [1.0, 1.0, 2.0, 0.0]})
    >>> rd = ReplicateDesign(df, weights="w", replicate_weights=["r1", "r2", "r3", "r4"],
    ...                      type="jkn", rscales=[0.5] * 4)
    >>> round(float(rd.mean("y")["se"].iloc[0]), 6)
    0.353553
    """

    def __init__(
        self,
        data: pd.DataFrame,
        weights: str | None = None,
        replicate_weights: Sequence[str] | str | None = None,
        type: str = "other",
        scale: float | None = None,
        rscales: Sequence[float] | None = None,
        mse: bool = False,
        combined_weights: bool = True,
        fay_rho: float | None = None,
        df: float | None = None,
        *,
        _multipliers: np.ndarray | None = None,
        _psu: np.ndarray | None = None,
        _weight_values: np.ndarray | None = None,
    ) -> None:
        data = as_frame(data)
        if type not in REPLICATE_TYPES:
            raise InputError.one(
                "unknown replicate type", f"use one of {', '.join(REPLICATE_TYPES)}", value=type
            )
        self.data = data
        self.type = type
        self.mse = bool(mse)
        self.weights_column = weights
        n = len(data)
        if _weight_values is not None:
            w = np.asarray(_weight_values, dtype=float)
        elif weights is not None:
            check_columns(data, [weights], "weights")
            w = numeric_column(data, weights, "weight")
            bad = ~np.isfinite(w) | (w <= 0)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise InputError.one(
                    f"{int(bad.sum())} weight(s) are missing, zero, negative or infinite",
                    "weights must be positive: drop rows that are not in the sample, or fix "
                    "the weights",
                    column=weights,
                    value=float(w[i]),
                )
        else:
            log.warning("No sampling weights provided: equal probability assumed.")
            w = np.ones(n)
        self._weights = np.ascontiguousarray(w, dtype=float)

        self._multipliers = None
        self._psu = None
        self._repw = None
        if _multipliers is not None:
            self._multipliers = np.asarray(_multipliers, dtype=float)
            self._psu = np.asarray(_psu)
            R = self._multipliers.shape[1]
            self.replicate_columns: list[str] = []
        else:
            if isinstance(replicate_weights, str):
                cols = [
                    c
                    for c in data.columns
                    if pd.Series([str(c)]).str.contains(replicate_weights, regex=True).iloc[0]
                ]
            else:
                cols = as_list(replicate_weights)
            if not cols:
                raise InputError.one(
                    "no replicate weight columns given or matched",
                    "pass replicate_weights=[column names] or a regular expression",
                    value=replicate_weights,
                )
            check_columns(data, cols, "replicate weight")
            chosen = data[cols]
            for c, dtype in zip(cols, chosen.dtypes, strict=False):
                if not pd.api.types.is_numeric_dtype(dtype):
                    numeric_column(data, c, "replicate weight")  # raises, naming the column
            repw = chosen.to_numpy(dtype=float, na_value=np.nan)
            if not np.isfinite(repw).all():
                j = int(np.flatnonzero(~np.isfinite(repw).all(axis=0))[0])
                raise InputError.one(
                    "missing values are not allowed in replicate weights",
                    "fix or drop the rows (the data producer's file should have none)",
                    column=cols[j],
                )
            if not combined_weights:
                repw = repw * self._weights[:, None]
            self._repw = repw  # made C-contiguous below only if used in a sparse product
            self.replicate_columns = cols
            R = repw.shape[1]
            patterns = _multiplier_patterns(self._repw, self._weights)
            if patterns is not None:  # weights are w_i * M[pattern_i]: use PSU-level sums
                self._multipliers, self._psu = patterns
            else:
                self._repw = np.ascontiguousarray(repw)
        self.replicates = R

        if type == "brr":
            scale = 1.0 / R if scale is None else scale
        elif type == "fay":
            if fay_rho is None:
                raise InputError.one(
                    "type='fay' needs the Fay coefficient",
                    "pass fay_rho= from the documentation of the replicate weights",
                )
            scale = 1.0 / (R * (1.0 - fay_rho) ** 2) if scale is None else scale
        elif type == "bootstrap":
            scale = 1.0 / (R - 1) if scale is None else scale
        elif type == "jk1":
            if scale is None:
                log.warning("scale (n-1)/n not provided: guessing n = number of replicates")
                scale = (R - 1) / R
        elif type == "jkn" and rscales is None:
            raise InputError.one(
                "type='jkn' needs rscales, the (n_h - 1)/n_h of each replicate's stratum",
                "pass rscales= from the documentation of the replicate weights",
            )
        self.scale = 1.0 if scale is None else float(scale)
        rs = np.ones(R) if rscales is None else np.asarray(rscales, dtype=float).ravel()
        if rs.size == 1:
            rs = np.full(R, float(rs[0]))
        if rs.size != R:
            raise InputError.one(
                f"rscales has {rs.size} values for {R} replicates",
                "give one rscale per replicate",
            )
        self.rscales = rs
        self._df = None if df is None else float(df)
        self._basis: np.ndarray | None = None  # see _pattern_basis

    # ------------------------------------------------------------------------------------
    @property
    def weights(self) -> pd.Series:
        """The full-sample weights, aligned with ``data``."""
        return pd.Series(self._weights, index=self.data.index, name=self.weights_column or "w")

    @property
    def df(self) -> float:
        """Degrees of freedom: rank of the replicate weights minus 1 (R's ``degf``)."""
        if self._df is None:
            self._df = float(self._pattern_basis().shape[1] - 1)
        return self._df

    def replicate_weights(self) -> np.ndarray:
        """The ``(n, R)`` matrix of replicate weights (built on demand for generated designs).

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "p": [1, 2, 3, 4]})
        >>> from govsurvey.design import Design
        >>> Design(df, psu="p").replicate("jk1").replicate_weights().shape
        (4, 4)
        """
        if self._repw is not None:
            return self._repw
        return self._weights[:, None] * self._multipliers[self._psu]

    def summary(self) -> pd.DataFrame:
        """The design as a reader of a report needs it: one row per property.

        Returns
        -------
        pandas.DataFrame
            Columns ``item`` and ``value``: rows, replicate type and count, scale, whether the
            variance is centred at the full-sample estimate, df and the weights' range.

        Examples
        --------
        >>> import pandas as pd
        >>> from govsurvey.design import Design
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "s": [1, 1, 2, 2], "p": [1, 2, 3, 4]})
        >>> r = Design(df, strata="s", psu="p").replicate("jkn")
        >>> r.summary().set_index("item").loc["replicates", "value"]
        '4 (jkn)'
        """
        w = self._weights
        items = [
            ("rows (respondents)", f"{len(self.data):,}"),
            ("replicates", f"{self.replicates:,} ({self.type})"),
            ("scale", f"{self.scale:g}"),
            ("centred at", "full-sample estimate (mse)" if self.mse else "mean of replicates"),
            ("design df", f"{self.df:g}"),
            ("sum of weights", f"{w.sum():,.1f}"),
            ("weights min / max", f"{w.min():,.2f} / {w.max():,.2f}"),
        ]
        return pd.DataFrame(items, columns=["item", "value"])

    # --- public hooks for weighting and models ----------------------------------------------
    def variance_from_replicates(self, theta: np.ndarray, estimate: np.ndarray) -> np.ndarray:
        """The design's replicate variance of any statistic computed under each replicate.

        The hook for estimators that are not smooth functions of totals (a logistic
        regression, relative importance): compute the statistic with the full-sample weights
        and with each column of :meth:`replicate_weights`, then pass both here; the design's
        ``scale``, ``rscales`` and ``mse`` are applied (R's ``svrVar``).

        Parameters
        ----------
        theta : numpy.ndarray
            Replicate estimates, shape ``(R, ...)``.
        estimate : numpy.ndarray
            Full-sample estimates, shape ``(...)``.

        Returns
        -------
        numpy.ndarray
            Variances, shape ``(...)``.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from govsurvey.design import Design
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "p": [1, 2, 3, 4]})
        >>> r = Design(df, psu="p").replicate("jk1")
        >>> A = r.replicate_weights()
        >>> theta = (A * df[["y"]].to_numpy()).sum(0) / A.sum(0)
        >>> float(np.sqrt(r.variance_from_replicates(theta, np.array(3.0))))
        0.9128709291752769
        """
        theta = np.asarray(theta, dtype=float)
        if theta.shape[0] != self.replicates:
            raise InputError.one(
                f"theta has {theta.shape[0]} replicate estimates for {self.replicates} replicates",
                "compute the statistic once per column of replicate_weights()",
            )
        return replicate_variance(
            theta, np.asarray(estimate, dtype=float), self.scale, self.rscales, self.mse
        )

    def variance(self, influence: np.ndarray, by=None) -> np.ndarray:
        """Not available: a replicate design's variance comes from replicate estimates.

        Raises
        ------
        InputError
            Always, with the way to get the variance instead.
        """
        raise InputError.one(
            "a replicate design does not take influence values",
            "recompute the statistic under each column of replicate_weights() and pass the "
            "results to variance_from_replicates(), or use estimate_smooth()",
        )

    def with_weights(
        self, weights: np.ndarray | pd.Series, replicate_weights: np.ndarray | None = None
    ) -> ReplicateDesign:
        """The same replicate design with new full-sample (and replicate) weights.

        Parameters
        ----------
        weights : array-like
            New full-sample weights, shape ``(n,)``, finite and non-negative.
        replicate_weights : numpy.ndarray, optional
            The ``(n, R)`` replicate weights re-adjusted the same way (each replicate put through
            the weighting step again: the right variance for a weighting adjustment). When
            omitted, every replicate weight is multiplied by ``new / old`` full-sample weight,
            which carries the adjustment but not its variability.

        Returns
        -------
        ReplicateDesign
            Same type, scale, rscales, ``mse`` and design df (as R's ``calibrate``).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from govsurvey.design import Design
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "p": [1, 2, 3, 4]})
        >>> r = Design(df, psu="p").replicate("jk1").with_weights(np.array([1.0, 3.0, 2.0, 2.0]))
        >>> r.mean("y")["estimate"].round(4).tolist()
        [3.125]
        """
        w = np.asarray(weights, dtype=float).ravel()
        n = len(self.data)
        if w.shape != (n,) or not np.isfinite(w).all() or (w < 0).any():
            raise InputError.one(
                f"weights must be {n} finite non-negative values, one per row of the data",
                "check the weighting step that produced them",
            )
        if replicate_weights is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(self._weights > 0, w / self._weights, 0.0)
            A = self.replicate_weights() * ratio[:, None]
        else:
            A = np.asarray(replicate_weights, dtype=float)
            if A.shape != (n, self.replicates) or not np.isfinite(A).all():
                raise InputError.one(
                    f"replicate_weights must be a finite ({n}, {self.replicates}) matrix, "
                    f"got {A.shape}",
                    "re-adjust every replicate of the design, one column each",
                )
        new = copy.copy(self)
        new._df = self.df  # R's calibrate, postStratify and rake keep the design's degf
        new._weights = np.ascontiguousarray(w)
        new.weights_column = None
        new._multipliers, new._psu = None, None
        new._repw = np.ascontiguousarray(A)
        new._domain_df_cache = {}
        new._basis = None
        return new

    def __repr__(self) -> str:
        return (
            f"ReplicateDesign({len(self.data)} rows, type={self.type!r}, "
            f"{self.replicates} replicates, scale={self.scale:g}, mse={self.mse})"
        )

    # ------------------------------------------------------------------------------------
    def _replicate_totals(self, columns: np.ndarray, dom: Domains) -> np.ndarray:
        """Replicate domain totals, shape ``(R, G, p)``, as one matrix product.

        With PSU multipliers, the (domain, PSU) sums times the multipliers: a dense product
        when most (domain, PSU) pairs hold rows, else a sparse one.
        """
        G, p = dom.G, columns.shape[1]
        gi = dom.gi
        if self._multipliers is not None:  # generated, or supplied with few patterns
            M = self._multipliers
            P = M.shape[0]
            ukeys, kid = compress(gi * P + self._psu, (G + 1) * P)
            X = group_sum(kid, columns, len(ukeys), self._weights)  # (K, p) (domain, PSU) sums
            kg, kp = ukeys // P, ukeys % P
            keep = kg < G
            X, kg, kp = X[keep], kg[keep], kp[keep]
            if 4 * len(kg) >= G * P:  # most (domain, PSU) pairs hold rows: a dense product
                D = np.zeros((P, G, p))
                D[kp, kg] = X
                return (M.T @ D.reshape(P, G * p)).reshape(-1, G, p)
            rows = (kg[:, None] * p + np.arange(p)[None, :]).ravel()
            cols = np.repeat(kp, p)
            Xs = sparse.csr_matrix((X.ravel(), (rows, cols)), shape=(G * p, P))
            TR = np.asarray(Xs @ M)  # (G p, R)
        else:
            keep = dom.g >= 0
            idx = np.flatnonzero(keep)
            rows = (dom.g[idx, None] * p + np.arange(p)[None, :]).ravel()
            cols = np.repeat(idx, p)
            Cs = sparse.csr_matrix((columns[idx].ravel(), (rows, cols)), shape=(G * p, len(dom.g)))
            TR = np.asarray(Cs @ self._repw)
        return TR.T.reshape(-1, G, p)

    def _smooth(self, columns, point, influence, dom, obs=None, linear=False) -> SmoothEstimate:
        T = group_sum(dom.gi, columns, dom.G + 1, self._weights)[: dom.G]
        est = np.asarray(point(T), dtype=float)
        TR = self._replicate_totals(columns, dom)
        with np.errstate(divide="ignore", invalid="ignore"):
            theta = np.asarray(point(TR), dtype=float)  # (R, G, m)
        V = replicate_variance(theta, est, self.scale, self.rscales, self.mse)
        V = np.where(np.isnan(est), np.nan, V)  # no estimate, no variance
        return SmoothEstimate(
            dom.table, est, V, self._domain_df(dom), dom.n, T, method=self.type, domain_of_row=dom.g
        )

    def _domain_df(self, dom: Domains) -> np.ndarray:
        """Each domain's df: rank of its own rows' replicate weights minus 1.

        R's ``degf(subset(design, domain))``. The result is kept for the domains' next
        estimate (it depends only on the design and on which rows are in which domain).
        """
        if dom.G == 1 and (dom.g >= 0).all():
            return np.array([self.df])
        key = hashlib.blake2b(np.ascontiguousarray(dom.g).tobytes(), digest_size=16).digest()
        cache = self.__dict__.setdefault("_domain_df_cache", {})
        if key not in cache:
            cache[key] = self._domain_ranks(dom) - 1.0
        return cache[key]

    def _patterns(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct replicate-weight patterns ``M`` and each row's: row ``i`` of the
        replicate weights is ``w_i M[pattern_i]`` (PSU multipliers, or the de-duplicated rows
        divided by the full-sample weight; a row of weight 0, a nonrespondent's after an
        adjustment, is its own pattern undivided).
        """
        if self._multipliers is not None:
            return self._multipliers, self._psu
        w = self._weights
        per_weight = np.where(w > 0, 1.0 / np.where(w > 0, w, 1.0), 1.0)
        h = (self._repw @ np.random.default_rng(0).standard_normal(self.replicates)) * per_weight
        scale = np.abs(h).max() or 1.0
        _, first, pattern = np.unique(
            np.round(h / scale * 1e9), return_index=True, return_inverse=True
        )
        return self._repw[first] * per_weight[first, None], pattern

    def _pattern_basis(self) -> np.ndarray:
        """Orthonormal coordinates ``U`` (patterns x rank) of the patterns' span.

        ``M = U S V'`` with the singular values below ``1e-5`` of the largest dropped (R's
        ``qr(weights, tol=1e-5)$rank``): the replicate weights of any set of rows have the rank
        of the rows of ``U`` of their patterns. Computed once per design.
        """
        if self._basis is None:
            M, _ = self._patterns()
            U, sv, _ = np.linalg.svd(M, full_matrices=False)
            rank = int((sv > RANK_TOL * sv[0]).sum()) if sv.size and sv[0] > 0 else 0
            self._basis = U[:, :rank]
        return self._basis

    def _domain_ranks(self, dom: Domains) -> np.ndarray:
        """Rank of each domain's replicate weights, from the design's pattern basis ``U``.

        With ``S`` the patterns a domain holds, the rank is that of ``U[S]``. As the columns of
        ``U`` are orthonormal, ``U[S]'U[S] + U[~S]'U[~S] = I``: the rank is also the design's
        rank minus the eigenvalues 1 of the patterns the domain lacks. Each domain takes the
        smaller of the two sides (a domain holding almost every PSU lacks few), and the small
        Gram matrices of all domains are decomposed as one batch.
        """
        _, pattern = self._patterns()
        U = self._pattern_basis()
        P, rank = U.shape
        inside = dom.g >= 0
        held = np.zeros((dom.G, P), dtype=bool)
        held[dom.g[inside], pattern[inside]] = True
        lacks = held.sum(axis=1) > P / 2  # count the patterns it lacks
        above_tol, near_one = gram_eigen_counts(U, held ^ lacks[:, None])
        return np.where(lacks, rank - near_one, above_tol).astype(float)


def _multiplier_patterns(A: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Find ``M, pattern`` with ``A[i] == w[i] * M[pattern[i]]`` (to 1e-12), if few patterns.

    Replicate weights built from PSU multipliers (jackknife, BRR, bootstrap before any
    adjustment) repeat one multiplier pattern per PSU; replicate totals are then computed on
    (domain, pattern) sums, which is much smaller than the ``n x R`` matrix. ``None`` when
    there are more than ``n / 4`` patterns or a row does not fit its pattern exactly.
    """
    n, R = A.shape
    rng = np.random.default_rng(0)
    r = rng.standard_normal((R, 3))
    H = (A @ r) / w[:, None]  # three row hashes; the first groups, the others verify
    scale = np.abs(H).max() or 1.0
    _, first, pattern = np.unique(
        np.round(H[:, 0] / scale * 1e9), return_index=True, return_inverse=True
    )
    if len(first) > max(n // 4, 1):
        return None
    M = A[first] / w[first, None]
    if np.abs(H[:, 1:] - (M @ r[:, 1:])[pattern]).max() > 1e-12 * scale * R:
        return None
    rows = rng.choice(n, size=min(n, 2000), replace=False)  # and an exact check on a sample
    if np.abs(A[rows] - w[rows, None] * M[pattern[rows]]).max() > 1e-12 * max(A.max(), -A.min()):
        return None
    return M, pattern.astype(np.int64)


def gram_eigen_counts(U: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues of the Gram matrix of the rows of ``U`` chosen by each row of ``rows``.

    ``U`` has orthonormal columns, so the eigenvalues lie in ``[0, 1]``; returns, per row of
    the boolean ``(G, P)`` matrix ``rows``, how many exceed ``RANK_TOL**2`` (the rank of
    ``U[rows[g]]``) and how many exceed ``1 - RANK_TOL**2``. The chosen rows are stacked into
    zero-padded blocks, in chunks of bounded size; each block's Gram matrix is taken in its
    smaller orientation.
    """
    G, r = rows.shape[0], U.shape[1]
    above_tol, near_one = np.zeros(G, dtype=np.int64), np.zeros(G, dtype=np.int64)
    counts = rows.sum(axis=1)
    if r == 0 or not counts.any():
        return above_tol, near_one
    g, p = np.nonzero(rows)
    slot = np.arange(len(g)) - (np.cumsum(counts) - counts)[g]
    width = int(counts.max())
    per = max(1, 8_000_000 // (width * r))
    for g0 in range(0, G, per):  # chunks of groups, to bound memory
        g1 = min(g0 + per, G)
        sel = (g >= g0) & (g < g1)
        B = np.zeros((g1 - g0, width, r))
        B[g[sel] - g0, slot[sel]] = U[p[sel]]
        Bt = B.transpose(0, 2, 1)
        lam = np.linalg.eigvalsh(B @ Bt if width <= r else Bt @ B)
        above_tol[g0:g1] = (lam > RANK_TOL**2).sum(axis=1)
        near_one[g0:g1] = (lam > 1 - RANK_TOL**2).sum(axis=1)
    return above_tol, near_one


def replicate_variance(
    theta: np.ndarray, estimate: np.ndarray, scale: float, rscales: np.ndarray, mse: bool
) -> np.ndarray:
    """R's ``svrVar`` for every statistic at once.

    Parameters
    ----------
    theta : numpy.ndarray
        Replicate estimates, shape ``(R, ...)``.
    estimate : numpy.ndarray
        Full-sample estimates, shape ``(...)``.
    scale : float
    rscales : numpy.ndarray
        Shape ``(R,)``.
    mse : bool
        Centre at ``estimate`` rather than at the mean of the replicates with ``rscales > 0``.

    Returns
    -------
    numpy.ndarray
        ``scale * sum_r rscales_r (theta_r - centre)^2``, shape ``(...)``. Replicates whose
        estimate is not finite are left out of that statistic (R drops NA replicates); NaN
        when no replicate estimate is finite or the full-sample estimate is not.

    Examples
    --------
    >>> float(replicate_variance(np.array([1.0, 3.0]), np.array(2.0), 0.5, np.ones(2), False))
    1.0
    """
    shape = (-1,) + (1,) * (theta.ndim - 1)
    rs = np.asarray(rscales, dtype=float).reshape(shape)
    ok = np.isfinite(theta)
    th = np.where(ok, theta, 0.0)
    if mse:
        centre = estimate
    else:
        use = ok & (rs > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            centre = np.where(use, th, 0.0).sum(axis=0) / use.sum(axis=0)
    d = np.where(ok, th - centre, 0.0)
    v = scale * (rs * d * d).sum(axis=0)
    # no replicate estimate at all, or no full-sample estimate: no variance either
    return np.where(ok.any(axis=0) & np.isfinite(estimate), v, np.nan)


# --------------------------------------------------------------------------------------------
# building replicate weights from a Taylor design
# --------------------------------------------------------------------------------------------
def _rng(seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def replicate_design(
    design: Design,
    type: str,
    replicates: int | None = None,
    seed=None,
    fay_rho: float = 0.0,
    mse: bool = False,
) -> ReplicateDesign:
    """Build replicate PSU multipliers for ``design`` (see :meth:`Design.replicate`).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "s": [1, 1, 2, 2], "p": [1, 2, 3, 4]})
    >>> from govsurvey.design import Design
    >>> replicate_design(Design(df, strata="s", psu="p"), "brr").replicates
    4
    """
    M, scale, rscales, kind = replicate_multipliers(design, type, replicates, seed, fay_rho)
    return ReplicateDesign(
        design.data,
        weights=design.weights_column,
        type=kind,
        scale=scale,
        rscales=rscales,
        mse=mse,
        fay_rho=fay_rho if kind == "fay" else None,
        _multipliers=M,
        _psu=design.stages[0].unit,
        _weight_values=design.weight_values,
    )


def replicate_multipliers(
    design: Design,
    type: str,
    replicates: int | None = None,
    seed=None,
    fay_rho: float = 0.0,
) -> tuple[np.ndarray, float, np.ndarray | None, str]:
    """The replicates' PSU multipliers ``M`` (PSUs x R), ``scale``, ``rscales`` and type.

    What :func:`replicate_design` builds a replicate design from; a design over a table
    applies the same multipliers to its (domain, PSU) sums.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "p": [1, 2, 3, 4]})
    >>> from govsurvey.design import Design
    >>> M, scale, rscales, kind = replicate_multipliers(Design(df, psu="p"), "jk1")
    >>> M.shape, kind
    ((4, 4), 'jk1')
    """
    st = design.stages[0]
    P, H = st.U, st.H
    ps, n_h, f = st.unit_stratum, st.n_h, st.f
    rule = design.lonely_psu
    if type not in ("jk1", "jkn", "bootstrap", "brr"):
        raise InputError.one(
            "unknown replicate type", "use 'jk1', 'jkn', 'bootstrap' or 'brr'", value=type
        )
    if type != "bootstrap" and replicates is not None and type != "brr":
        raise InputError.one(
            f"replicates= is not used by type={type!r} (one replicate per PSU)",
            "leave replicates unset",
            value=replicates,
        )
    scale, rscales = 1.0, None
    if type == "jk1":
        if design.strata is not None and H > 1:
            raise InputError.one(
                "type='jk1' is for unstratified designs",
                "use type='jkn' for a stratified design",
            )
        M = np.full((P, P), P / (P - 1.0))
        np.fill_diagonal(M, 0.0)
        scale = float(f[0]) * (P - 1.0) / P
        kind = "jk1"
    elif type == "jkn":
        if design.strata is None:
            raise InputError.one(
                "type='jkn' needs a stratified design", "use type='jk1' or 'bootstrap'"
            )
        lonely = n_h == 1
        rep_psu = np.flatnonzero(~lonely[ps] & (f[ps] > 0))  # census strata: no replicates
        rep_h = ps[rep_psu]
        M = np.ones((P, len(rep_psu)))
        same = ps[:, None] == rep_h[None, :]
        M[same] = np.broadcast_to((n_h / np.maximum(n_h - 1.0, 1.0))[ps][:, None], M.shape)[same]
        M[rep_psu, np.arange(len(rep_psu))] = 0.0
        rscales = ((n_h - 1.0) / n_h * f)[rep_h]
        if lonely.any():
            if rule == "fail":  # the design would have failed already; kept for clarity
                raise InputError.one("a stratum has only one PSU", "choose lonely_psu=")
            if rule == "adjust":
                lone_psu = np.flatnonzero(lonely[ps])
                extra = np.where(
                    lonely[ps][:, None] & (np.arange(P)[:, None] == lone_psu[None]),
                    0.0,
                    H / (H - 1.0),
                )
                M = np.hstack([M, extra])
                rscales = np.concatenate([rscales, np.full(len(lone_psu), (H - 1.0) / H)])
            elif rule == "average":
                scale = P / M.shape[1]
        kind = "jkn"
    elif type == "brr":
        if design.strata is None or (n_h != 2).any():
            bad = [st.labels[h] for h in np.flatnonzero(n_h != 2)][:5]
            raise InputError.one(
                "BRR needs exactly two PSUs in every stratum"
                + (f" (not so in strata {bad})" if bad else ""),
                "pair PSUs into variance strata of two, or use type='jkn' or 'bootstrap'",
                column=design.strata,
            )
        if design.fpc:
            log.warning("Finite population correction dropped in conversion to BRR (as R).")
        Hm = hadamard(max(H + 1, replicates or 0))
        R = Hm.shape[0]
        # stratum h uses Hadamard row h + 1; the first PSU of the stratum (in PSU code
        # order) gets 2 - rho when that entry is +1, the second PSU the other half-sample
        order = np.argsort(ps, kind="stable")
        first = np.zeros(P, dtype=bool)
        first[order[::2]] = True
        sign = Hm[ps + 1, :]  # (P, R)
        chosen = np.where(first[:, None], sign == 1, sign == -1)
        M = np.where(chosen, 2.0 - fay_rho, fay_rho)
        scale = 1.0 / (R * (1.0 - fay_rho) ** 2)
        kind = "brr" if fay_rho == 0 else "fay"
    else:  # Rao-Wu rescaling bootstrap, R's subbootstrap
        R = 500 if replicates is None else int(replicates)
        if R < 2:
            raise InputError.one("bootstrap needs at least 2 replicates", "pass replicates=")
        if design.fpc:
            log.warning("The Rao-Wu bootstrap ignores the fpc (as R's subbootstrap).")
        lonely = n_h == 1
        if lonely.any() and rule not in ("remove", "certainty"):
            raise InputError.one(
                f"stratum {st.labels[int(np.flatnonzero(lonely)[0])]!r} has one PSU: the "
                "bootstrap cannot resample it",
                "collapse it with another stratum, or use lonely_psu='remove' or 'certainty' "
                "(the stratum then contributes no variance)",
                column=design.strata,
            )
        rng = _rng(seed)
        draws_h = np.repeat(np.arange(H), np.where(lonely, 0, n_h - 1))  # one slot per draw
        start = np.concatenate([[0], np.cumsum(n_h)[:-1]])
        psu_sorted = np.argsort(ps, kind="stable")  # PSUs grouped by stratum
        u = rng.random((R, len(draws_h)))
        pick = psu_sorted[start[draws_h] + np.floor(u * n_h[draws_h]).astype(np.int64)]
        counts = (
            np.bincount((np.arange(R)[:, None] * P + pick).ravel(), minlength=R * P)
            .reshape(R, P)
            .T.astype(float)
        )
        factor = np.where(lonely, 1.0, n_h / np.maximum(n_h - 1.0, 1.0))[ps]
        M = np.where(lonely[ps][:, None], 1.0, counts * factor[:, None])
        scale = 1.0 / (R - 1.0)
        kind = "bootstrap"
    return M, scale, rscales, kind
