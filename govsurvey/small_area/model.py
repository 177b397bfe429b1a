"""Fitting the area-level Fay–Herriot model: the model variance and the regression coefficients.

The model (Rao & Molina 2015, section 6.1) for the direct estimate ``y_i`` of area ``i``::

    y_i = x_i' beta + u_i + e_i,   u_i ~ N(0, sigma2_u),   e_i ~ N(0, psi_i),  psi_i known

``sigma2_u`` is estimated by REML or ML (Fisher scoring) or by the Fay–Herriot moment estimator
(Newton steps on ``sum (y_i - x_i' beta)^2 / (sigma2_u + psi_i) = m - p``), truncated at 0.
:func:`fit` fits ``B`` data vectors that share ``X`` and ``psi`` at once (the parametric bootstrap
refits its replicates in one call): every array has a leading replicate axis and nothing loops
over areas or replicates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["METHODS", "FHFit", "fit", "sigma2_variance"]

#: Estimators of the model variance.
METHODS = ("reml", "ml", "fh")

#: Convergence: a Fisher-scoring step that changes sigma2_u by less than this (relative to
#: ``1 + sigma2_u``) ends the iterations.
TOL = 1e-9
MAX_ITER = 200


@dataclass
class FHFit:
    """The fitted model for ``B`` data vectors (``B = 1`` for one data set).

    Attributes
    ----------
    sigma2 : numpy.ndarray
        Model variance, shape ``(B,)``.
    beta : numpy.ndarray
        Regression coefficients (weighted least squares at ``sigma2``), shape ``(B, p)``.
    cov_beta : numpy.ndarray
        ``(X' V^-1 X)^-1``, the covariance of ``beta`` given ``sigma2``, shape ``(B, p, p)``.
    converged : numpy.ndarray
        Whether each replicate's iterations converged, shape ``(B,)``.
    iterations : int
        Iterations run (the slowest replicate's).
    method : str
        ``"reml"``, ``"ml"`` or ``"fh"``.
    """

    sigma2: np.ndarray
    beta: np.ndarray
    cov_beta: np.ndarray
    converged: np.ndarray
    iterations: int
    method: str


def _gls(y: np.ndarray, X: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted least squares of each row of ``y`` (weights ``w``, shape (B, m)): beta, Q."""
    A = np.einsum("bm,mp,mq->bpq", w, X, X)
    Q = np.linalg.inv(A)
    beta = np.einsum("bpq,bq->bp", Q, np.einsum("bm,mp->bp", w * y, X))
    return beta, Q


def _step(
    y: np.ndarray, X: np.ndarray, psi: np.ndarray, s2: np.ndarray, method: str
) -> tuple[np.ndarray, np.ndarray]:
    """Score and information (or the moment equation and its slope) at ``s2``, shape (B,)."""
    m, p = X.shape
    w = 1.0 / (s2[:, None] + psi[None, :])
    beta, Q = _gls(y, X, w)
    r = y - beta @ X.T
    if method == "ml":
        score = -0.5 * w.sum(1) + 0.5 * (r**2 * w**2).sum(1)
        info = 0.5 * (w**2).sum(1)
    elif method == "reml":
        # P = V^-1 - V^-1 X Q X' V^-1; P y = w r; tr(P) and tr(P^2) from p x p products only
        x2 = np.einsum("bm,mp,mq->bpq", w**2, X, X)
        x3 = np.einsum("bm,mp,mq->bpq", w**3, X, X)
        qx2 = Q @ x2
        tr_p = w.sum(1) - np.trace(qx2, axis1=1, axis2=2)
        tr_p2 = (
            (w**2).sum(1)
            - 2.0 * np.trace(Q @ x3, axis1=1, axis2=2)
            + np.einsum("bij,bji->b", qx2, qx2)
        )
        score = -0.5 * tr_p + 0.5 * ((w * r) ** 2).sum(1)
        info = 0.5 * tr_p2
    else:  # fh moment estimator: sum r^2 / v = m - p, slope -sum r^2 / v^2 (beta at its optimum)
        score = (r**2 * w).sum(1) - (m - p)
        info = (r**2 * w**2).sum(1)
    return score, info


def fit(
    y: np.ndarray,
    X: np.ndarray,
    psi: np.ndarray,
    method: str = "reml",
    start: np.ndarray | None = None,
) -> FHFit:
    """Fit the Fay–Herriot model to one or more data vectors.

    Parameters
    ----------
    y : numpy.ndarray
        Direct estimates, shape ``(m,)`` or ``(B, m)`` (replicates sharing ``X`` and ``psi``).
    X : numpy.ndarray
        Covariates with the intercept, shape ``(m, p)``, of full column rank.
    psi : numpy.ndarray
        Known sampling variances, shape ``(m,)``, positive.
    method : {"reml", "ml", "fh"}
        REML or ML by Fisher scoring, or the Fay–Herriot moment estimator.
    start : numpy.ndarray, optional
        Starting values of ``sigma2_u``, shape ``(B,)``; by default the moment start
        ``max(mean(OLS residual^2) - mean(psi), median(psi) / 10)``.

    Returns
    -------
    FHFit

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> X = np.column_stack([np.ones(50), rng.normal(size=50)])
    >>> psi = np.full(50, 2.0)
    >>> y = X @ [10.0, 1.0] + rng.normal(0, 2.0, 50) + rng.normal(0, psi**0.5)
    >>> f = fit(y, X, psi, "reml")
    >>> bool(f.converged[0]), f.beta.shape
    (True, (1, 2))
    """
    y2 = np.atleast_2d(np.asarray(y, dtype=float))
    X = np.asarray(X, dtype=float)
    psi = np.asarray(psi, dtype=float)
    if start is None:
        b_ols, _ = _gls(y2, X, np.ones_like(y2))
        r = y2 - b_ols @ X.T
        s2 = np.maximum((r**2).mean(1) - psi.mean(), np.median(psi) / 10.0)
    else:
        s2 = np.asarray(start, dtype=float).copy()
    done = np.zeros(len(s2), dtype=bool)
    it = 0
    while it < MAX_ITER:  # iterations of Fisher scoring, each vectorised over replicates
        it += 1
        score, info = _step(y2, X, psi, s2, method)
        with np.errstate(divide="ignore", invalid="ignore"):
            new = np.maximum(0.0, s2 + np.where(info > 0, score / info, 0.0))
        new = np.where(done, s2, new)
        done = done | (np.abs(new - s2) < TOL * (1.0 + s2))
        s2 = new
        if done.all():
            break
    w = 1.0 / (s2[:, None] + psi[None, :])
    beta, Q = _gls(y2, X, w)
    return FHFit(s2, beta, Q, done, it, method)


def sigma2_variance(X: np.ndarray, psi: np.ndarray, sigma2: np.ndarray, method: str) -> np.ndarray:
    """Asymptotic variance of the estimated model variance, shape ``(B,)``.

    The inverse Fisher information: REML ``2 / tr(P^2)``, ML ``2 / sum v_i^-2``; the moment
    estimator ``2 m / (sum v_i^-1)^2`` (Rao & Molina 2015, 6.2.1), with ``v_i = sigma2 + psi_i``.

    Examples
    --------
    >>> X = np.ones((10, 1)); psi = np.full(10, 1.0)
    >>> float(sigma2_variance(X, psi, np.array([1.0]), "ml")[0])
    0.8
    """
    sigma2 = np.atleast_1d(np.asarray(sigma2, dtype=float))
    m = len(psi)
    w = 1.0 / (sigma2[:, None] + psi[None, :])
    if method == "ml":
        return 2.0 / (w**2).sum(1)
    if method == "fh":
        return 2.0 * m / w.sum(1) ** 2
    _, Q = _gls(np.zeros_like(w), X, w)
    x2 = np.einsum("bm,mp,mq->bpq", w**2, X, X)
    x3 = np.einsum("bm,mp,mq->bpq", w**3, X, X)
    qx2 = Q @ x2
    tr_p2 = (
        (w**2).sum(1) - 2.0 * np.trace(Q @ x3, axis1=1, axis2=2) + np.einsum("bij,bji->b", qx2, qx2)
    )
    return 2.0 / tr_p2
