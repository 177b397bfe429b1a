"""Representativeness: R-indicator, partial R-indicators and the maximal absolute bias.

For response propensities ``rho`` estimated on frame auxiliaries (a design-weighted model,
:func:`~govsurvey.response.propensity.response_propensity`):

- R-indicator ``R = 1 - 2 S(rho)`` (Schouten, Cobben & Bethlehem 2009), ``S`` the
  design-weighted SD of the propensities over the sample; 1 is a fully representative
  response. Its SE linearises ``S^2`` in the weighted totals *and* in the model coefficients
  (their influence values), and goes through the design's one variance path.
- Maximal absolute standardised bias ``B = (1 - R) / (2 mean(rho)) = S / mean(rho)``: the most
  a respondent mean can be off, in SDs of the variable, for variables the auxiliaries explain.
- Partial R-indicators (Schouten, Shlomo & Skinner 2011): unconditional ``P_U(Z)`` (the
  between-category SD of the propensity) and per category ``P_U(Z, k) = sqrt(N_k/N)
  (rho_k - rho)`` (signed: negative = under-represented); conditional ``P_C(Z)`` (the SD within
  cells of the other auxiliaries) and per category ``P_C(Z, k)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..design import ReplicateDesign
from ..results import t_quantile
from .propensity import PropensityModel

__all__ = ["r_indicator", "partial_r_indicators"]


def r_indicator(model: PropensityModel, design, level: float = 0.95) -> pd.DataFrame:
    """R-indicator, its SE and CI, the propensities' SD and mean, and the maximal bias.

    Parameters
    ----------
    model : PropensityModel
        From :func:`~govsurvey.response.propensity.response_propensity` on ``design``.
    design : Design
        The design of every sampled unit the model was fitted on (for a replicate design the
        SE is NaN: the model is not refitted per replicate).
    level : float

    Returns
    -------
    pandas.DataFrame
        ``statistic, estimate, se, ci_low, ci_high`` for ``R``, ``S``, ``mean_propensity``,
        ``max_bias`` (maximal absolute standardised bias).

    Examples
    --------
    >>> from govsurvey.design import Design
    >>> from govsurvey.response.propensity import response_propensity
    >>> df = pd.DataFrame({"r": [1, 0, 1, 1, 0, 1, 0, 1] * 5, "g": list("aaaabbbb") * 5,
    ...                    "p": np.arange(40) // 2})
    >>> d = Design(df, psu="p")
    >>> t = r_indicator(response_propensity(d, ["g"], "r"), d).set_index("statistic")
    >>> round(float(t.loc["R", "estimate"]), 4)
    0.7468
    """
    w = model.weights
    live = w > 0
    p = np.where(live, model.propensity, 0.0)
    N = w[live].sum()
    pbar = (w * p).sum() / N
    dev = np.where(live, p - pbar, 0.0)
    S2 = (w * dev**2).sum() / (N - 1)
    S = float(np.sqrt(S2))
    R = 1 - 2 * S
    B = S / pbar
    se_S2 = np.nan
    if not isinstance(design, ReplicateDesign):
        # S^2 ~ sum w (rho - rho_bar)^2 / N: totals part plus the model's part
        z = np.where(live, (dev**2 - S2) / N, 0.0)
        grad = (2.0 / N) * ((w * dev * p * (1 - p))[:, None] * model.X).sum(0)
        z = z + model.influence @ grad
        # rho_bar also moves with beta: its effect on sum w (rho - rho_bar)^2 is zero
        se_S2 = float(np.sqrt(design.variance(z)[0, 0]))
    se_S = se_S2 / (2 * S) if S > 0 else np.nan
    se_R = 2 * se_S
    se_p = np.nan
    if not isinstance(design, ReplicateDesign):
        zp = np.where(live, (p - pbar) / N, 0.0) + model.influence @ (
            ((w * p * (1 - p))[:, None] * model.X).sum(0) / N
        )
        se_p = float(np.sqrt(design.variance(zp)[0, 0]))
    se_B = np.sqrt((se_S / pbar) ** 2 + (S * se_p / pbar**2) ** 2)  # delta, no covariance
    df = float(design.df)
    q = float(t_quantile(np.array([df]), level)[0])
    est = np.array([R, S, pbar, B])
    se = np.array([se_R, se_S, se_p, se_B])
    return pd.DataFrame(
        {
            "statistic": ["R", "S", "mean_propensity", "max_bias"],
            "estimate": est,
            "se": se,
            "ci_low": est - q * se,
            "ci_high": est + q * se,
        }
    )


def partial_r_indicators(
    model: PropensityModel, data: pd.DataFrame, variables: list[str] | None = None
) -> pd.DataFrame:
    """Unconditional and conditional partial R-indicators, by variable and by category.

    Parameters
    ----------
    model : PropensityModel
    data : pandas.DataFrame
        The design's data (rows aligned with the model).
    variables : list of str, optional
        The categorical auxiliaries (default: the model's categorical covariates).

    Returns
    -------
    pandas.DataFrame
        ``variable, category, type ("unconditional" | "conditional"), value``; ``category`` is
        ``""`` on the variable-level rows. Category-level unconditional values are signed.

    Examples
    --------
    >>> m = PropensityModel(np.array([0.2, 0.2, 0.6, 0.6]), pd.DataFrame(), np.ones(4),
    ...                     np.ones(4), ["g"], np.ones((4, 1)), np.zeros((4, 1)))
    >>> df = pd.DataFrame({"g": ["a", "a", "b", "b"]})
    >>> t = partial_r_indicators(m, df)
    >>> t.query("category == ''")["value"].round(3).tolist()
    [0.2, 0.2]
    """
    w = model.weights
    live = w > 0
    p = np.where(live, model.propensity, 0.0)
    N = w[live].sum()
    pbar = (w * p).sum() / N
    variables = list(model.levels) if variables is None else list(variables)
    if not variables:
        variables = list(model.covariates)
    rows = []
    for v in variables:
        s = data[v].astype(str)
        k = s.to_numpy()
        tw = pd.Series(w).groupby(k).sum()
        tp = pd.Series(w * p).groupby(k).sum()
        pk = tp / tw
        pu_k = np.sqrt(tw / N) * (pk - pbar)
        rows.append((v, "", "unconditional", float(np.sqrt((tw / N * (pk - pbar) ** 2).sum()))))
        others = [o for o in variables if o != v]
        if others:
            cell = data[others].groupby(others, sort=False, dropna=False).ngroup().to_numpy()
        else:
            cell = np.zeros(len(data), dtype=int)
        cw = pd.Series(w).groupby(cell).transform("sum").to_numpy()
        cp = pd.Series(w * p).groupby(cell).transform("sum").to_numpy() / cw
        within = w * (p - cp) ** 2
        pc_k = np.sqrt(pd.Series(within).groupby(k).sum() / N)
        rows.append((v, "", "conditional", float(np.sqrt(within.sum() / N))))
        for cat in pk.index:
            rows.append((v, cat, "unconditional", float(pu_k[cat])))
            rows.append((v, cat, "conditional", float(pc_k[cat])))
    return pd.DataFrame(rows, columns=["variable", "category", "type", "value"])
