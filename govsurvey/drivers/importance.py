"""Relative importance of predictors of satisfaction, with design-based intervals.

Two decompositions of a linear model's weighted R² into one part per predictor, both computed
from one weighted covariance matrix of ``[y, x_1 … x_p]`` (no refit):

- **LMG** (Lindeman, Merenda and Gold; Shapley value of R²): the R² of all ``2^p`` subsets of
  predictors, each ``c_S' S_SS^{-1} c_S / s_yy`` from the one matrix, and the predictor's
  increments averaged over orderings;
- **Johnson's relative weights**: predictors replaced by their closest orthogonal counterparts
  ``Z = X (X'X)^{-1/2}`` (on the correlation scale), whose squared coefficients are shared back
  through the squared loadings.

The parts sum to the weighted R². Intervals come from replicate weights: the design's own if it
is a :class:`~govsurvey.design.ReplicateDesign`, otherwise a Rao–Wu bootstrap the design makes
with a seed. The covariance matrices of every replicate are one matrix product: rows whose
replicate multipliers are identical (all rows of a PSU, before any adjustment) are summed
first, then the multipliers of the few groups are applied; the decomposition then runs batched
over replicates (``numpy.linalg`` on stacks), never in a loop over replicates or rows. The
variance goes through the design's ``variance_from_replicates`` (its scale, rscales, mse).
"""

from __future__ import annotations

import logging
from math import factorial

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import InputError
from ..results import t_quantile
from .models import check_rank, model_frame

__all__ = ["relative_importance", "weighted_covariances", "lmg", "johnson", "IMPORTANCE_COLUMNS"]

logger = logging.getLogger(__name__)

IMPORTANCE_COLUMNS = [
    "term",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "share",
    "share_se",
    "share_ci_low",
    "share_ci_high",
    "rank",
    "df",
    "n",
]
_METHODS = ("lmg", "johnson")
#: LMG evaluates 2^p subsets; beyond this many predictors use Johnson's weights.
MAX_LMG_PREDICTORS = 14


def weighted_covariances(
    Z: np.ndarray,
    W: np.ndarray,
    groups: np.ndarray | None = None,
    n_groups: int | None = None,
) -> np.ndarray:
    """Weighted covariance matrices of the columns of ``Z`` under every column of ``W``.

    Parameters
    ----------
    Z : numpy.ndarray
        ``(n, q)`` values, finite.
    W : numpy.ndarray
        ``(n, B)`` non-negative weights (full sample and replicates).
    groups : numpy.ndarray, optional
        ``(n,)`` domain of each row (``0 … n_groups - 1``; ``-1`` = in no domain).
    n_groups : int, optional
        Number of domains (default ``groups.max() + 1``).

    Returns
    -------
    numpy.ndarray
        ``(B, q, q)`` without ``groups``, else ``(n_groups, B, q, q)``:
        ``sum_i W_ib (z_i - m_b)(z_i - m_b)' / sum_i W_ib`` over the domain's rows.

    Notes
    -----
    Rows are grouped by (domain, pattern of ``W_ib / W_i0``); the pattern is identical within
    a PSU for a jackknife, BRR or bootstrap design. Cross-products are summed within groups by
    one sparse product, then every (domain, replicate) moment is one sparse product with the
    groups' multipliers — no loop over rows, replicates or domains.

    Examples
    --------
    >>> import numpy as np
    >>> Z = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0], [4.0, 5.0]])
    >>> W = np.ones((4, 1))
    >>> weighted_covariances(Z, W)[0].round(4).tolist()
    [[1.25, 1.375], [1.375, 2.1875]]
    >>> weighted_covariances(Z, W, np.array([0, 0, 1, 1]))[:, 0, 0, 0].tolist()
    [0.25, 0.25]
    """
    Z = np.asarray(Z, dtype=float)
    W = np.asarray(W, dtype=float)
    n, q = Z.shape
    B = W.shape[1]
    g = np.zeros(n, dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)
    G = int(n_groups if n_groups is not None else (g.max() + 1 if n else 1))
    inside = g >= 0
    Z, W, g = Z[inside], W[inside], g[inside]
    n = len(g)
    w0 = W[:, 0]
    m0 = (w0 @ Z) / w0.sum()
    Zc = Z - m0  # centring at the full-sample mean keeps the products small
    iu, ju = np.triu_indices(q)
    P = Zc[:, iu] * Zc[:, ju]
    pos = w0 > 0
    compressed = False
    if pos.all():
        M = W / w0[:, None]
        key = M @ np.random.default_rng(12345).random(B)
        _, first, comp = np.unique(
            np.column_stack([g.astype(float), key]),
            axis=0,
            return_index=True,
            return_inverse=True,
        )
        comp = comp.ravel()
        if len(first) < n and np.array_equal(M, M[first][comp]):
            compressed = True
    if compressed:
        S = sparse.csr_matrix((w0, (comp, np.arange(n))), shape=(len(first), n))
        s0, s1, s2 = np.asarray(S.sum(axis=1)).ravel(), S @ Zc, S @ P
        Mc, dc = M[first], g[first]
    else:
        s0, s1, s2, Mc, dc = np.ones(n), Zc, P, W, g
    C = len(dc)
    cols = (dc[:, None] * B + np.arange(B)[None, :]).ravel()
    Sx = sparse.csr_matrix((Mc.ravel(), (np.repeat(np.arange(C), B), cols)), shape=(C, G * B))
    Sx = Sx.T.tocsr()
    T0, T1, T2 = Sx @ s0, Sx @ s1, Sx @ s2
    with np.errstate(invalid="ignore", divide="ignore"):
        out = _assemble(T0, T1, T2, q, iu, ju).reshape(G, B, q, q)
    return out[0] if groups is None else out


def _assemble(T0, T1, T2, q, iu, ju):
    mean = T1 / T0[:, None]
    m2 = T2 / T0[:, None] - mean[:, iu] * mean[:, ju]
    C = np.zeros((len(T0), q, q))
    C[:, iu, ju] = m2
    C[:, ju, iu] = m2
    return C


def lmg(C: np.ndarray) -> np.ndarray:
    """LMG parts of R² from covariance matrices of ``[y, x_1 … x_p]``.

    Parameters
    ----------
    C : numpy.ndarray
        ``(B, p + 1, p + 1)``, the outcome first.

    Returns
    -------
    numpy.ndarray
        ``(B, p)``; each row sums to that matrix's R².

    Examples
    --------
    Two uncorrelated predictors each get their own squared correlation:

    >>> import numpy as np
    >>> C = np.array([[[1.0, 0.6, 0.3], [0.6, 1.0, 0.0], [0.3, 0.0, 1.0]]])
    >>> lmg(C).round(4).tolist()
    [[0.36, 0.09]]
    """
    B, q, _ = C.shape
    p = q - 1
    syy = C[:, 0, 0]
    r2 = np.zeros((B, 2**p))
    for mask in range(1, 2**p):  # a loop over the 2^p subsets, each batched over replicates
        idx = [j for j in range(p) if mask >> j & 1]
        Sxx = C[:, 1:, 1:][:, idx][:, :, idx]
        c = C[:, 0, 1:][:, idx]
        try:
            sol = np.linalg.solve(Sxx, c[..., None])[..., 0]
        except np.linalg.LinAlgError:  # a degenerate replicate: its figures become NaN
            sol = np.einsum("bij,bj->bi", np.linalg.pinv(Sxx), c)
        r2[:, mask] = np.einsum("bi,bi->b", c, sol) / syy
    masks = np.arange(2**p)
    size = np.array([bin(m).count("1") for m in masks])
    weight = np.array([factorial(s) * factorial(p - s - 1) / factorial(p) for s in range(p)])
    out = np.empty((B, p))
    for j in range(p):
        S = masks[(masks >> j & 1) == 0]
        out[:, j] = (r2[:, S | (1 << j)] - r2[:, S]) @ weight[size[S]]
    return out


def johnson(C: np.ndarray) -> np.ndarray:
    """Johnson's relative weights from covariance matrices of ``[y, x_1 … x_p]``.

    Parameters
    ----------
    C : numpy.ndarray
        ``(B, p + 1, p + 1)``, the outcome first.

    Returns
    -------
    numpy.ndarray
        ``(B, p)``; each row sums to that matrix's R².

    Examples
    --------
    With uncorrelated predictors the weights are the squared correlations, as LMG:

    >>> import numpy as np
    >>> C = np.array([[[1.0, 0.6, 0.3], [0.6, 1.0, 0.0], [0.3, 0.0, 1.0]]])
    >>> johnson(C).round(4).tolist()
    [[0.36, 0.09]]
    """
    sd = np.sqrt(np.einsum("bii->bi", C))
    R = C / (sd[:, :, None] * sd[:, None, :])
    Rxx, rxy = R[:, 1:, 1:], R[:, 1:, 0]
    d, V = np.linalg.eigh(Rxx)
    d = np.maximum(d, 1e-300)
    lam = (V * np.sqrt(d)[:, None, :]) @ np.swapaxes(V, 1, 2)  # Rxx^{1/2}
    beta = np.einsum("bij,bj->bi", (V / np.sqrt(d)[:, None, :]) @ np.swapaxes(V, 1, 2), rxy)
    return np.einsum("bjk,bk->bj", lam**2, beta**2)


def relative_importance(
    design,
    formula: str,
    method: str = "lmg",
    replicates: int = 200,
    seed: int = 2024,
    level: float = 0.95,
    by: str | list[str] | None = None,
    min_cell: int = 30,
) -> pd.DataFrame:
    """Each predictor's part of the weighted R², with replicate-weight intervals.

    Parameters
    ----------
    design : Design or ReplicateDesign
    formula : str
        ``"overall ~ C1 + C2 + C3 + C4 + C5"`` (numeric predictors; a categorical predictor's
        dummies are separate terms).
    method : {"lmg", "johnson"}
    replicates : int, default 200
        Bootstrap replicates made when ``design`` is not a replicate design.
    seed : int, default 2024
        Seed of that bootstrap.
    level : float
        Confidence level.
    by : str or list of str, optional
        Domain columns: the decomposition per domain, all domains and replicates at once
        (domains keep the full design: each domain's replicate estimates use the replicate
        weights of its own rows).
    min_cell : int, default 30
        With ``by``: a domain with fewer respondents having every variable (or fewer than the
        terms plus 3) gets NaN figures and ``status`` ``"small_cell"``; a domain where a
        variable is constant gets ``"constant"``, one where the predictors are collinear
        ``"collinear"``.

    Returns
    -------
    pandas.DataFrame
        ``[*by, term, estimate, se, ci_low, ci_high, share, share_se, share_ci_low,
        share_ci_high, rank, df, n]`` (with ``by`` also ``r2``, ``status`` and
        ``lost_replicates``, the replicates without data in the domain that its interval leaves
        out; ``status`` is ``"estimated"`` or why not): ``estimate`` is
        the term's part of R² (the parts sum to the weighted R²), ``share`` its fraction of R²,
        ``rank`` 1 for the most important (within its domain). ``attrs`` holds ``r2`` and
        ``r2_se`` (without ``by``), ``method``, ``replicates``, ``level``, ``formula`` and
        ``min_n``, the fewest respondents a domain needs (``max(min_cell, terms + 3)``).

    Raises
    ------
    InputError
        Unknown method, missing column, collinear or constant predictors, too few rows, or
        too many predictors for LMG.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from govsurvey.design import Design
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame(rng.normal(size=(600, 2)), columns=["a", "b"])
    >>> df["y"] = 2 * df["a"] + df["b"] + rng.normal(size=600)
    >>> df["psu"] = np.repeat(np.arange(60), 10)
    >>> ri = relative_importance(Design(df, psu="psu"), "y ~ a + b", replicates=50, seed=1)
    >>> ri["term"].tolist(), ri["rank"].tolist()
    (['a', 'b'], [1, 2])
    >>> bool(np.isclose(ri["estimate"].sum(), ri.attrs["r2"]))
    True
    """
    if method not in _METHODS:
        raise InputError.one(
            f"unknown relative-importance method {method!r}",
            f"use one of {', '.join(_METHODS)}",
            value=method,
        )
    y, X, terms, ok, outcome = model_frame(design.data, formula, intercept=False)
    p = X.shape[1]
    if p < 2:
        raise InputError.one(
            f"relative importance needs at least two predictors; {formula!r} has {p}",
            "name two or more predictors",
        )
    if method == "lmg" and p > MAX_LMG_PREDICTORS:
        raise InputError.one(
            f"LMG needs 2^{p} subsets for {p} predictors",
            f"use method='johnson' (or at most {MAX_LMG_PREDICTORS} predictors)",
        )
    w = np.where(ok, design.weight_values, 0.0)
    used = ok & (w > 0)
    if used.sum() < p + 3:
        raise InputError.one(
            f"only {int(used.sum())} respondents have every variable of {formula!r}",
            "use fewer predictors or a larger domain",
        )
    if np.ptp(y[used]) == 0:
        raise InputError.one(
            f"the outcome {outcome!r} has the same value for every respondent used",
            "relative importance needs an outcome that varies",
            column=outcome,
        )
    check_rank(np.column_stack([np.ones(len(y)), X]), w, ["Intercept", *terms], formula)
    if callable(getattr(design, "variance_from_replicates", None)):
        rep = design
    else:
        rep = design.replicate("bootstrap", replicates=replicates, seed=seed)
    g, domains = _domain_codes(design.data, by)
    G = len(domains)
    used = used & (g >= 0)
    A = np.where(ok[:, None], rep.replicate_weights(), 0.0)
    W = np.column_stack([w, A])[used]
    Z = np.column_stack([y, X])[used]
    C = weighted_covariances(Z, W, g[used], G)  # (G, B, q, q)
    n_dom = np.bincount(g[used], minlength=G)
    status = np.full(G, "estimated", dtype=object)
    if by is not None:
        status = _domain_status(C[:, 0], n_dom, min_cell, p)
        C = np.where((status == "estimated")[:, None, None, None], C, np.eye(p + 1))
    B = C.shape[1]
    flat = C.reshape(G * B, p + 1, p + 1)
    parts = (lmg(flat) if method == "lmg" else johnson(flat)).reshape(G, B, p)
    parts[status != "estimated"] = np.nan
    r2 = parts.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = parts / r2[..., None]
    est, theta = parts[:, 0], np.moveaxis(parts[:, 1:], 1, 0)  # (G, p), (R, G, p)
    var = np.asarray(rep.variance_from_replicates(theta, est), float)
    svar = np.asarray(
        rep.variance_from_replicates(np.moveaxis(share[:, 1:], 1, 0), share[:, 0]), float
    )
    r2_var = np.asarray(rep.variance_from_replicates(r2[:, 1:].T, r2[:, 0]), float)
    df = float(rep.df)
    q = float(t_quantile(np.array(df), level))
    bad = status != "estimated"
    var[bad], svar[bad], r2_var[bad] = np.nan, np.nan, np.nan
    # the engine leaves out replicates whose estimate is undefined (R's svrVar drops NAs)
    lost_replicates = (~np.isfinite(theta)).any(axis=2).sum(axis=0)
    se, sse = np.sqrt(var), np.sqrt(svar)
    out = domains.loc[np.repeat(np.arange(G), p)].reset_index(drop=True)
    out["term"] = np.tile(np.asarray(terms, dtype=object), G)
    cols = {
        "estimate": est,
        "se": se,
        "ci_low": est - q * se,
        "ci_high": est + q * se,
        "share": share[:, 0],
        "share_se": sse,
        "share_ci_low": share[:, 0] - q * sse,
        "share_ci_high": share[:, 0] + q * sse,
    }
    for k, v in cols.items():
        out[k] = v.ravel()
    dom = np.repeat(np.arange(G), p)
    out["rank"] = out.groupby(dom)["estimate"].rank(ascending=False, method="min").astype("Int64")
    out["df"] = df
    out["n"] = n_dom[dom].astype(np.int64)
    if by is not None:
        out["r2"] = r2[:, 0][dom]
        out["status"] = status[dom]
        out["lost_replicates"] = np.where(status[dom] == "estimated", lost_replicates[dom], 0)
    else:
        out["rank"] = out["rank"].astype(np.int64)
        if lost_replicates[0]:
            logger.warning("%d replicate estimate(s) undefined, left out", lost_replicates[0])
    out.attrs.update(
        lost_replicates=int(lost_replicates[0]) if by is None else None,
        r2=float(r2[0, 0]) if by is None else np.nan,
        r2_se=float(np.sqrt(r2_var[0])) if by is None else np.nan,
        method=method,
        replicates=int(A.shape[1]),
        level=level,
        formula=formula,
        min_n=max(min_cell, p + 3),
    )
    return out


def _domain_codes(data: pd.DataFrame, by) -> tuple[np.ndarray, pd.DataFrame]:
    """Each row's domain (-1 when a by value is missing) and the sorted domain table."""
    if by is None:
        return np.zeros(len(data), dtype=np.int64), pd.DataFrame(index=[0])
    cols = [by] if isinstance(by, str) else list(by)
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise InputError.one(
            f"domain column(s) {', '.join(missing)} not in the data",
            "name existing columns in by=",
            column=missing[0],
        )
    grp = data[cols].reset_index(drop=True).groupby(cols, sort=True, dropna=True, observed=True)
    codes = grp.ngroup().to_numpy()
    table = grp.size().reset_index()[cols]
    return np.where(codes < 0, -1, codes).astype(np.int64), table


def _domain_status(C0: np.ndarray, n: np.ndarray, min_cell: int, p: int) -> np.ndarray:
    """Whether a domain's decomposition is estimated, or why not."""
    G = len(n)
    status = np.full(G, "estimated", dtype=object)
    var = np.einsum("gii->gi", C0)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(np.clip(var, 0, None))
        R = C0[:, 1:, 1:] / (sd[:, 1:, None] * sd[:, None, 1:])
    const = ~(var > 1e-12 * np.maximum(1.0, np.abs(var).max(axis=1, keepdims=True)))
    small = n < max(min_cell, p + 3)
    ok = ~small & ~const.any(axis=1)
    mineig = np.full(G, np.nan)
    if ok.any():
        mineig[ok] = np.linalg.eigvalsh(R[ok])[:, 0]
    status[small] = "small_cell"
    status[~small & const.any(axis=1)] = "constant"
    status[ok & ~(mineig > 1e-10)] = "collinear"
    return status
