"""Diagnostics a methodologist asks of a Fay–Herriot fit.

The model variance with its SE, the coefficients with theirs, standardised residuals and the
shrinkage per unit are recorded by :func:`govsurvey.fay_herriot` in ``attrs["model"]`` and
``attrs["diagnostics"]``. This module adds the bias diagnostic of Brown et al. (2001), used by
the UK ONS: if the model estimates are not systematically off, the regression of the direct
estimates on them has intercept 0 and slope 1. The direct estimate's error given the model
estimate has variance close to the direct variance, so the regression is weighted by
``1 / se^2`` and the hypothesis tested by a Wald chi-square on 2 df. :func:`diagnostics_table`
puts the per-unit diagnostics in one frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["bias_diagnostic", "coefficients", "diagnostics_table"]


def bias_diagnostic(direct: np.ndarray, model: np.ndarray, se: np.ndarray) -> dict[str, float]:
    """Regression of the direct on the model estimates: intercept, slope and a Wald test.

    Parameters
    ----------
    direct, model : numpy.ndarray
        Direct and model-based estimates of the sampled units.
    se : numpy.ndarray
        Direct SEs; units without a positive one are left out.

    Returns
    -------
    dict
        ``intercept``, ``slope``, their SEs, ``wald`` (chi-square for intercept 0 and slope 1),
        ``p_value`` and ``units`` used; NaNs when fewer than 3 units can be used or the model
        estimates do not vary.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> model = rng.uniform(70, 90, 200)
    >>> d = bias_diagnostic(model + rng.normal(0, 2, 200), model, np.full(200, 2.0))
    >>> abs(d["slope"] - 1) < 0.1, d["p_value"] > 0.01
    (True, True)
    """
    direct = np.asarray(direct, dtype=float)
    model = np.asarray(model, dtype=float)
    se = np.asarray(se, dtype=float)
    ok = np.isfinite(se) & (se > 0) & np.isfinite(direct) & np.isfinite(model)
    nan = dict.fromkeys(
        ["intercept", "slope", "intercept_se", "slope_se", "wald", "p_value"], float("nan")
    )
    if ok.sum() < 3 or np.ptp(model[ok]) == 0:
        return {**nan, "units": int(ok.sum())}
    Z = np.column_stack([np.ones(ok.sum()), model[ok]])
    w = 1.0 / se[ok] ** 2
    cov = np.linalg.inv(Z.T @ (Z * w[:, None]))
    b = cov @ (Z.T @ (w * direct[ok]))
    d = b - np.array([0.0, 1.0])
    wald = float(d @ np.linalg.solve(cov, d))
    return {
        "intercept": float(b[0]),
        "slope": float(b[1]),
        "intercept_se": float(np.sqrt(cov[0, 0])),
        "slope_se": float(np.sqrt(cov[1, 1])),
        "wald": wald,
        "p_value": float(stats.chi2.sf(wald, 2)),
        "units": int(ok.sum()),
    }


def diagnostics_table(result: pd.DataFrame) -> pd.DataFrame:
    """Per sampled unit: direct and model estimates, SEs, shrinkage, standardised residual.

    Parameters
    ----------
    result : pandas.DataFrame
        A result of :func:`govsurvey.fay_herriot`.

    Returns
    -------
    pandas.DataFrame
        ``attrs["diagnostics"]`` joined with the model estimate and SE, and ``flag`` True where
        the standardised residual exceeds 3 in absolute value.

    Examples
    --------
    >>> import govsurvey as gs
    >>> cov = pd.DataFrame({"ward": list("abcdef"), "x": [1.0, 2, 3, 4, 5, 6]})
    >>> direct = pd.DataFrame({"ward": list("abcdef"), "estimate": [2.0, 6.5, 3, 9.5, 8, 13],
    ...                        "se": 1.0})
    >>> t = diagnostics_table(gs.fay_herriot(direct, cov))
    >>> t["ward"].iloc[0], bool(t["flag"].any())
    ('a', False)
    """
    diag = result.attrs["diagnostics"]
    unit = diag.columns[0]
    est = result[[unit, "estimate", "se"]].rename(columns={"estimate": "model", "se": "model_se"})
    out = diag.merge(est, on=unit, how="left", validate="one_to_one")
    out["flag"] = out["std_residual"].abs() > 3
    return out


def coefficients(result: pd.DataFrame) -> pd.DataFrame:
    """The model's parameters with their SEs: each coefficient, then the model variance.

    Parameters
    ----------
    result : pandas.DataFrame
        A result of :func:`govsurvey.fay_herriot`.

    Returns
    -------
    pandas.DataFrame
        ``["term", "estimate", "se", "z", "p_value"]``: the coefficients (SE from
        ``(X' V^-1 X)^-1`` at the estimated model variance, Wald z) and a last row
        ``"sigma2_u"`` with its asymptotic SE (no test: it is a variance, at 0 on the boundary).

    Examples
    --------
    >>> import govsurvey as gs
    >>> cov = pd.DataFrame({"ward": list("abcdef"), "x": [1.0, 2, 3, 4, 5, 6]})
    >>> direct = pd.DataFrame({"ward": list("abcdef"), "estimate": [2.0, 6.5, 3, 9.5, 8, 13],
    ...                        "se": 1.0})
    >>> coefficients(gs.fay_herriot(direct, cov))["term"].tolist()
    ['(intercept)', 'x', 'sigma2_u']
    """
    model = result.attrs["model"]
    terms = list(model["beta"])
    est = np.array([model["beta"][t] for t in terms])
    se = np.array([model["beta_se"][t] for t in terms])
    z = est / se
    out = pd.DataFrame(
        {"term": terms, "estimate": est, "se": se, "z": z, "p_value": 2 * stats.norm.sf(np.abs(z))}
    )
    last = pd.DataFrame(
        {
            "term": ["sigma2_u"],
            "estimate": [model["sigma2_u"]],
            "se": [model["sigma2_u_se"]],
            "z": [np.nan],
            "p_value": [np.nan],
        }
    )
    return pd.concat([out, last], ignore_index=True)
