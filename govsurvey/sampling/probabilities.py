"""Inclusion probabilities proportional to size, with certainty units, as R's ``sampling``."""

from __future__ import annotations

import numpy as np

from govsurvey.errors import InputError

from ._checks import size_measure

__all__ = ["inclusion_probabilities"]


def inclusion_probabilities(
    size: object, n: int | np.ndarray, strata: object | None = None
) -> np.ndarray:
    """Inclusion probabilities proportional to ``size`` summing to ``n`` (in each stratum).

    ``pi_k = n x_k / sum(x)``; units whose probability reaches 1 are taken with certainty and
    the others recomputed on the rest of the sample, until none exceeds 1 — the algorithm of R's
    ``sampling::inclusionprobabilities``. Vectorised over strata.

    Parameters
    ----------
    size : array-like
        Positive size measures (zero, negative or missing ones are refused).
    n : int or array-like
        Sample size; with ``strata``, one per stratum code ``0..H-1`` (or one for all).
    strata : array-like, optional
        Integer stratum codes ``0..H-1`` per unit.

    Returns
    -------
    ndarray
        ``pi`` per unit, in ``(0, 1]``.

    Examples
    --------
    >>> from govsurvey.sampling import inclusion_probabilities
    >>> inclusion_probabilities([1, 2, 3, 4, 50], 2).round(3).tolist()
    [0.1, 0.2, 0.3, 0.4, 1.0]
    >>> inclusion_probabilities([1, 1, 2, 4], [1, 2], strata=[0, 0, 1, 1]).tolist()
    [0.5, 0.5, 1.0, 1.0]
    """
    x = size_measure(size)
    g = np.zeros(len(x), dtype=np.int64) if strata is None else np.asarray(strata, dtype=np.int64)
    H = int(g.max()) + 1 if len(g) else 0
    nh = np.broadcast_to(np.asarray(n, dtype=float), (H,)).astype(float)
    count = np.bincount(g, minlength=H)
    if (nh < 0).any() or (nh != np.round(nh)).any():
        raise InputError.one(
            "a sample size is not a whole number of 0 or more",
            "give whole numbers of units",
            value=nh.tolist(),
        )
    over = nh > count
    if over.any():
        h = int(np.argmax(over))
        raise InputError.one(
            f"stratum {h} is asked for {int(nh[h])} units but has only {int(count[h])}",
            "lower that stratum's sample size or merge it with another stratum",
            value=int(nh[h]),
        )
    cert = np.zeros(len(x), dtype=bool)
    pi = np.zeros(len(x))
    for _ in range(len(x) + 1):  # each round fixes at least one certainty unit, or stops
        free = ~cert
        rest = nh - np.bincount(g, weights=cert, minlength=H)
        tot = np.bincount(g, weights=np.where(free, x, 0.0), minlength=H)
        with np.errstate(divide="ignore", invalid="ignore"):
            pi = np.where(free, rest[g] * x / tot[g], 1.0)
        new = free & (pi >= 1.0)
        if not new.any():
            break
        cert |= new
    return np.minimum(np.nan_to_num(pi, nan=0.0), 1.0)
