"""Benchmarking: small-area estimates that add up to the direct estimate of the larger area.

Within each group ``g`` (a district, or the whole city), with population weights ``N_i``::

    ratio:       theta_i^b = theta_i * T_g / A_g
    difference:  theta_i^b = theta_i + (T_g - A_g)

where ``A_g = sum N_i theta_i / sum N_i`` and ``T_g`` is the group's direct estimate, so that
``sum N_i theta_i^b / sum N_i = T_g`` exactly. The MSE of a benchmarked estimate is taken as
``mse_i + (theta_i^b - theta_i)^2`` (Steorts & Ghosh 2013: the posterior MSE of a benchmarked
Bayes estimate), the stated approximation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from govsurvey.errors import InputError

__all__ = ["benchmark"]


def benchmark(
    estimate: np.ndarray,
    weights: np.ndarray,
    groups: np.ndarray,
    targets: pd.Series,
    method: str = "ratio",
) -> np.ndarray:
    """Adjust ``estimate`` so that each group's weighted mean equals its target.

    Parameters
    ----------
    estimate : numpy.ndarray
        The units' estimates, ``(m,)``.
    weights : numpy.ndarray
        Population weights (e.g. dossiers per ward), positive.
    groups : numpy.ndarray
        Each unit's group.
    targets : pandas.Series
        Target (direct estimate) per group, indexed by group.
    method : {"ratio", "difference"}

    Returns
    -------
    numpy.ndarray
        The benchmarked estimates.

    Examples
    --------
    >>> b = benchmark(np.array([80.0, 90.0]), np.array([1.0, 3.0]), np.array(["a", "a"]),
    ...               pd.Series({"a": 85.0}))
    >>> round(float((b * [1, 3]).sum() / 4), 10)
    85.0
    """
    if method not in ("ratio", "difference"):
        raise InputError.one(
            "unknown benchmarking method", "use 'ratio' or 'difference'", value=method
        )
    groups = np.asarray(groups, dtype=object)
    missing = sorted(set(map(str, pd.unique(groups))) - set(map(str, targets.index)))
    if missing:
        raise InputError.one(
            "no benchmark value for some groups",
            "give a direct estimate for every group of the units",
            value=missing,
        )
    codes, uniq = pd.factorize(pd.Series(groups).astype(str), sort=True)
    tgt = targets.rename(index=str).reindex(uniq).to_numpy(dtype=float)
    w = np.asarray(weights, dtype=float)
    agg = np.bincount(codes, w * estimate) / np.bincount(codes, w)
    if method == "ratio":
        return estimate * (tgt / agg)[codes]
    return estimate + (tgt - agg)[codes]
