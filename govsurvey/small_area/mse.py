"""The EBLUP and its mean squared error: Prasad–Rao, with the bias terms of ML and FH.

For area ``i`` with ``v_i = sigma2_u + psi_i`` and ``gamma_i = sigma2_u / v_i`` (Rao & Molina
2015, 6.2.11–6.2.13, 6.2.19, 6.2.28)::

    EBLUP  = gamma_i y_i + (1 - gamma_i) x_i' beta
    g1     = gamma_i psi_i
    g2     = (1 - gamma_i)^2 x_i' (X' V^-1 X)^-1 x_i
    g3     = psi_i^2 / v_i^3 * Vbar(sigma2_u)
    mse    = g1 + g2 + 2 g3 - b(sigma2_u) (1 - gamma_i)^2

``Vbar`` is ``2 / sum v^-2`` for REML and ML and ``2 m / (sum v^-1)^2`` for the FH moment
estimator. ``b`` is the bias of the estimated model variance: 0 for REML; for ML (Datta & Lahiri
2000) ``-tr[(X'V^-1 X)^-1 X'V^-2 X] / sum v^-2``; for FH (Datta, Rao & Smith 2005)
``2 [m sum v^-2 - (sum v^-1)^2] / (sum v^-1)^3``. ``(1 - gamma_i)^2`` is the derivative of
``g1`` in ``sigma2_u``. An area without a direct estimate gets the synthetic ``x_i' beta`` with
MSE ``sigma2_u + x_i' (X'V^-1 X)^-1 x_i``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PrasadRao", "eblup", "prasad_rao", "synthetic_mse"]


@dataclass
class PrasadRao:
    """The terms of the Prasad–Rao MSE of each area, shape ``(m,)``."""

    g1: np.ndarray
    g2: np.ndarray
    g3: np.ndarray
    bias: float
    mse: np.ndarray


def eblup(
    y: np.ndarray, X: np.ndarray, psi: np.ndarray, sigma2: np.ndarray, beta: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The EBLUP and ``gamma`` for ``B`` replicates: arrays of shape ``(B, m)``.

    Examples
    --------
    >>> est, g = eblup(np.array([[1.0, 3.0]]), np.ones((2, 1)), np.array([1.0, 1.0]),
    ...                np.array([1.0]), np.array([[2.0]]))
    >>> est.tolist(), g.tolist()
    ([[1.5, 2.5]], [[0.5, 0.5]])
    """
    s2 = np.atleast_1d(sigma2)[:, None]
    gamma = s2 / (s2 + psi[None, :])
    syn = np.atleast_2d(beta) @ X.T
    return gamma * np.atleast_2d(y) + (1.0 - gamma) * syn, gamma


def prasad_rao(
    X: np.ndarray, psi: np.ndarray, sigma2: float, cov_beta: np.ndarray, method: str
) -> PrasadRao:
    """Prasad–Rao MSE of the EBLUP of each sampled area (``g1 + g2 + 2 g3 - b g1'``).

    Parameters
    ----------
    X : numpy.ndarray
        Covariates of the sampled areas with the intercept, ``(m, p)``.
    psi : numpy.ndarray
        Sampling variances, ``(m,)``.
    sigma2 : float
        Estimated model variance.
    cov_beta : numpy.ndarray
        ``(X' V^-1 X)^-1`` at ``sigma2``, ``(p, p)``.
    method : {"reml", "ml", "fh"}
        Selects ``Vbar`` and the bias term.

    Returns
    -------
    PrasadRao

    Examples
    --------
    >>> X = np.ones((4, 1)); psi = np.ones(4)
    >>> pr = prasad_rao(X, psi, 1.0, np.array([[0.5]]), "reml")
    >>> [round(float(v), 4) for v in (pr.g1[0], pr.g2[0], pr.g3[0], pr.mse[0])]
    [0.5, 0.125, 0.25, 1.125]
    """
    m = len(psi)
    v = sigma2 + psi
    gamma = sigma2 / v
    g1 = gamma * psi
    g2 = (1.0 - gamma) ** 2 * np.einsum("mp,pq,mq->m", X, cov_beta, X)
    if method == "fh":
        vbar = 2.0 * m / np.sum(1.0 / v) ** 2
    else:
        vbar = 2.0 / np.sum(1.0 / v**2)
    g3 = psi**2 / v**3 * vbar
    if method == "ml":
        x2 = np.einsum("m,mp,mq->pq", 1.0 / v**2, X, X)
        bias = -float(np.trace(cov_beta @ x2)) / float(np.sum(1.0 / v**2))
    elif method == "fh":
        s1, s2 = float(np.sum(1.0 / v)), float(np.sum(1.0 / v**2))
        bias = 2.0 * (m * s2 - s1**2) / s1**3
    else:
        bias = 0.0
    mse = g1 + g2 + 2.0 * g3 - bias * (1.0 - gamma) ** 2
    return PrasadRao(g1, g2, g3, bias, mse)


def synthetic_mse(X_out: np.ndarray, sigma2: float, cov_beta: np.ndarray) -> np.ndarray:
    """MSE of the synthetic prediction ``x_i' beta`` of an area without a direct estimate.

    Examples
    --------
    >>> synthetic_mse(np.ones((1, 1)), 2.0, np.array([[0.5]])).tolist()
    [2.5]
    """
    return sigma2 + np.einsum("mp,pq,mq->m", X_out, cov_beta, X_out)
