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
from .models import _check_rank, model_frame

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


def weighted_covariances(Z: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Weighted covariance matrices of the columns of ``Z`` under every column of ``W``.

    Parameters
    ----------
    Z : numpy.ndarray
        ``(n, q)`` values, finite.
    W : numpy.ndarray
        ``(n, B)`` non-negative weights (full sample and replicates).

    Returns
    -------
    numpy.ndarray
        ``(B, q, q)``: ``sum_i W_ib (z_i - m_b)(z_i - m_b)' / sum_i W_ib``.

    Notes
    -----
    Rows are grouped by their pattern of ``W_ib / W_i0`` (identical within a PSU for a
    jackknife, BRR or bootstrap design): the cross-products are summed within groups through
    one sparse product, and the replicate moments are ``(B, G) @ (G, q(q+1)/2)``.

    Examples
    --------
    >>> import numpy as np
    >>> Z = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0], [4.0, 5.0]])
    >>> W = np.ones((4, 1))
    >>> weighted_covariances(Z, W)[0].round(4).tolist()
    [[1.25, 1.375], [1.375, 2.1875]]
    """
    Z = np.asarray(Z, dtype=float)
    W = np.asarray(W, dtype=float)
    n, q = Z.shape
    B = W.shape[1]
    w0 = W[:, 0]
    m0 = (w0 @ Z) / w0.sum()
    Zc = Z - m0  # centring at the full-sample mean keeps the products small
    iu, ju = np.triu_indices(q)
    pos = w0 > 0
    if pos.all() or not (W[~pos] != 0).any():
        M = np.zeros_like(W)
        M[pos] = W[pos] / w0[pos, None]
        key = M @ np.random.default_rng(12345).random(B)
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        if np.array_equal(M, M[first][inverse]):
            G = len(first)
            S = sparse.csr_matrix((w0, (inverse, np.arange(n))), shape=(G, n))
            s0 = np.asarray(S.sum(axis=1)).ravel()
            s1 = S @ Zc
            s2 = S @ (Zc[:, iu] * Zc[:, ju])
            Mg = M[first]  # (G, B)
            T0, T1, T2 = Mg.T @ s0, Mg.T @ s1, Mg.T @ s2
            return _assemble(T0, T1, T2, q, iu, ju)
    T0 = W.sum(axis=0)
    T1 = W.T @ Zc
    T2 = W.T @ (Zc[:, iu] * Zc[:, ju])
    return _assemble(T0, T1, T2, q, iu, ju)


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
        r2[:, mask] = np.einsum("bi,bi->b", c, np.linalg.solve(Sxx, c[..., None])[..., 0]) / syy
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

    Returns
    -------
    pandas.DataFrame
        ``[term, estimate, se, ci_low, ci_high, share, share_se, share_ci_low, share_ci_high,
        rank, df, n]``: ``estimate`` is the term's part of R² (the parts sum to the weighted
        R²), ``share`` its fraction of R², ``rank`` 1 for the most important. ``attrs`` holds
        ``r2``, ``r2_se``, ``method``, ``replicates``, ``level`` and ``formula``.

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
    _check_rank(np.column_stack([np.ones(len(y)), X]), w, ["Intercept", *terms], formula)
    if callable(getattr(design, "variance_from_replicates", None)):
        rep = design
    else:
        rep = design.replicate("bootstrap", replicates=replicates, seed=seed)
    A = np.where(ok[:, None], rep.replicate_weights(), 0.0)
    W = np.column_stack([w, A])[used]
    Z = np.column_stack([y, X])[used]
    C = weighted_covariances(Z, W)
    parts = lmg(C) if method == "lmg" else johnson(C)
    r2 = parts.sum(axis=1)
    share = parts / r2[:, None]
    est, theta = parts[0], parts[1:]
    var = np.asarray(rep.variance_from_replicates(theta, est), float)
    svar = np.asarray(rep.variance_from_replicates(share[1:], share[0]), float)
    r2_var = float(rep.variance_from_replicates(r2[1:], np.array(r2[0])))
    df = float(rep.df)
    q = float(t_quantile(np.array(df), level))
    se, sse = np.sqrt(var), np.sqrt(svar)
    out = pd.DataFrame(
        {
            "term": terms,
            "estimate": est,
            "se": se,
            "ci_low": est - q * se,
            "ci_high": est + q * se,
            "share": share[0],
            "share_se": sse,
            "share_ci_low": share[0] - q * sse,
            "share_ci_high": share[0] + q * sse,
        }
    )
    out["rank"] = out["estimate"].rank(ascending=False, method="min").astype(np.int64)
    out["df"] = df
    out["n"] = int(used.sum())
    out.attrs.update(
        r2=float(r2[0]),
        r2_se=float(np.sqrt(r2_var)),
        method=method,
        replicates=int(A.shape[1]),
        level=level,
        formula=formula,
    )
    return out
