"""Generalised variance function: smoothed sampling variances for the Fay–Herriot model.

The model treats each area's sampling variance as known, but a direct variance that rests on a
few dozen forms is itself noisy, and one that rests on a single PSU, or on answers that are all
the same, is 0 or missing. The GVF used here is the one-parameter form of Wolter (2007, ch. 7)
for an estimate from ``n`` forms: ``psi_i = K / n_i``, with ``K`` (the element variance times
the design effect) estimated by the ratio ``sum psi_i / sum (1 / n_i)`` over the areas whose
direct variance is usable. For a rate it is the design-effect model ``deff p (1 - p) / n``
carried to the model scale: on the arcsine scale ``deff / (4 n)`` (variance-stabilised, so
``K / n`` as it is), on the logit scale ``deff / (n p (1 - p))`` (``factor = 1 / (p (1 - p))``,
``p`` the unit's direct rate). Untransformed, it pools the element variance across areas, the
stated approximation of this GVF.
"""

from __future__ import annotations

import numpy as np

from govsurvey.errors import InputError

__all__ = ["gvf_constant", "smooth_variances"]


def gvf_constant(psi: np.ndarray, n: np.ndarray, factor: np.ndarray | None = None) -> float:
    """``K`` of ``psi = K factor / n``, by the ratio ``sum psi / sum (factor / n)`` (usable areas).

    Parameters
    ----------
    psi : numpy.ndarray
        Direct sampling variances; non-finite or non-positive ones are not used.
    n : numpy.ndarray
        Forms behind each direct estimate (positive).
    factor : numpy.ndarray, optional
        Per-unit factor of the GVF (1 when omitted).

    Returns
    -------
    float

    Examples
    --------
    >>> round(gvf_constant(np.array([0.5, 0.25, np.nan]), np.array([10, 20, 5])), 12)
    5.0
    """
    psi = np.asarray(psi, dtype=float)
    n = np.asarray(n, dtype=float)
    c = np.ones_like(n) if factor is None else np.asarray(factor, dtype=float)
    ok = np.isfinite(psi) & (psi > 0) & np.isfinite(n) & (n > 0) & np.isfinite(c)
    if ok.sum() < 2:
        raise InputError.one(
            "the generalised variance function needs at least two units with a usable direct "
            f"variance and a number of forms; {int(ok.sum())} have both",
            "give the direct SEs and the 'n' column of more units, or use variances='direct'",
            column="se",
        )
    return float(psi[ok].sum() / (c[ok] / n[ok]).sum())


def smooth_variances(
    psi: np.ndarray,
    n: np.ndarray,
    which: str = "all",
    min_forms: int = 0,
    factor: np.ndarray | None = None,
) -> tuple[np.ndarray, float, np.ndarray]:
    """Variances for the model: the GVF's for all units, or only where the direct one is unusable.

    Parameters
    ----------
    psi : numpy.ndarray
        Direct sampling variances (model scale); 0, negative or missing is unusable.
    n : numpy.ndarray
        Forms per unit.
    which : {"all", "fill"}
        ``"all"``: every unit takes ``K / n``; ``"fill"``: only units with an unusable variance
        or fewer than ``min_forms`` forms.
    min_forms : int, default 0
        Direct variances resting on fewer forms are replaced (``"fill"``) and do not enter
        ``K``.
    factor : numpy.ndarray, optional
        Per-unit factor: the GVF is ``K factor / n`` (1 when omitted).

    Returns
    -------
    psi : numpy.ndarray
        The variances the model uses.
    K : float
        The GVF constant.
    smoothed : numpy.ndarray of bool
        Which units took the GVF's variance.

    Examples
    --------
    >>> v, K, s = smooth_variances(np.array([0.5, 0.0, 0.25]), np.array([10, 10, 20]), "fill")
    >>> np.round(v, 12).tolist(), round(K, 12), s.tolist()
    ([0.5, 0.5, 0.25], 5.0, [False, True, False])
    >>> smooth_variances(np.array([0.5, 0.9, 0.25]), np.array([10, 3, 20]), "fill", 5)[2].tolist()
    [False, True, False]
    """
    psi = np.asarray(psi, dtype=float)
    n = np.asarray(n, dtype=float)
    c = np.ones_like(n) if factor is None else np.asarray(factor, dtype=float)
    few = n < min_forms
    K = gvf_constant(np.where(few, np.nan, psi), n, c)
    bad = ~(np.isfinite(psi) & (psi > 0)) | few
    smoothed = np.ones(len(psi), dtype=bool) if which == "all" else bad
    out = np.where(smoothed, K * c / n, psi)
    return out, K, smoothed
