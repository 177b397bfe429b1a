"""Response propensity: a design-weighted logistic model of responding on frame auxiliaries.

The model is fitted by weighted maximum likelihood (statsmodels GLM, binomial, the design
weights as variance weights), so it describes the population's response behaviour, not the
sample's. Coefficient SEs come from the design through the engine's one variance path: the
influence values of the coefficients, ``H^{-1} x_i (r_i - p_i)``, go to ``Design.variance``
(on a replicate design, one Newton step from the full-sample fit under each replicate's
weights, all at once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..design import ReplicateDesign
from ..errors import InputError
from ..results import t_quantile

__all__ = ["PropensityModel", "response_propensity", "response_indicator", "design_matrix"]


def response_indicator(data: pd.DataFrame, response: str, live: np.ndarray | None = None):
    """The 0/1 response column as floats; an InputError for anything else.

    Examples
    --------
    >>> response_indicator(pd.DataFrame({"r": [1, 0, 1]}), "r").tolist()
    [1.0, 0.0, 1.0]
    """
    if response not in data.columns:
        raise InputError.one(
            "the response column does not exist in the data",
            "pass response= naming the 0/1 column that says who answered (e.g. 'responded'); "
            "build the design on every sampled unit, respondents and nonrespondents",
            column=response,
        )
    s = data[response]
    if pd.api.types.is_bool_dtype(s.dtype):
        r = s.to_numpy(dtype=float)
    else:
        r = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isin(r, [0.0, 1.0])
    if live is not None:
        bad &= live
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError.one(
            f"the response column must hold only 0 (did not answer) and 1 (answered); "
            f"{int(bad.sum())} row(s) hold something else (first at data row index "
            f"{data.index[i]!r})",
            "recode it to 0/1 (e.g. from the disposition: 1.1 and 1.2 are 1, the rest 0)",
            column=response,
            value=s.iloc[i] if not pd.isna(s.iloc[i]) else None,
        )
    if live is not None:
        r = np.where(live, r, 0.0)
    return r


def design_matrix(
    data: pd.DataFrame, covariates: Sequence[str], live: np.ndarray, response: np.ndarray | None
) -> tuple[np.ndarray, list[str], dict]:
    """Intercept, treatment-coded categoricals (first level the reference) and numerics.

    Refuses a missing covariate in the sample and, when ``response`` is given, a level in
    which everyone or no one responded (perfect separation).
    """
    cols, names, levels = [np.ones(len(data))], ["(Intercept)"], {}
    for c in covariates:
        if c not in data.columns:
            raise InputError.one(
                "propensity covariate not in the data",
                "use frame auxiliaries present for respondents and nonrespondents alike",
                column=c,
            )
        s = data[c]
        if (s.isna().to_numpy() & live).any():
            raise InputError.one(
                f"{c} is missing for some sampled units",
                "use auxiliaries known for every sampled unit (from the frame), or fill them in",
                column=c,
            )
        if pd.api.types.is_numeric_dtype(s.dtype) and s.nunique() > 10:
            cols.append(np.where(live, s.to_numpy(dtype=float), 0.0))
            names.append(c)
            continue
        txt = s.astype(str).to_numpy()
        lv = sorted(set(txt[live]))
        levels[c] = lv
        pos = {v: k for k, v in enumerate(lv)}
        uniq, inv = np.unique(txt, return_inverse=True)
        code = np.array([pos.get(u, -1) for u in uniq], dtype=np.int64)[inv]
        if response is not None:
            n_k = np.bincount(code[live], minlength=len(lv))
            r_k = np.bincount(code[live], weights=response[live], minlength=len(lv))
            sep = (r_k == 0) | (r_k == n_k)
            if sep.any():
                k = int(np.flatnonzero(sep)[0])
                who = "no one" if r_k[k] == 0 else "everyone"
                raise InputError.one(
                    f"perfect separation: {who} in {c} = {lv[k]!r} responded "
                    f"({int(n_k[k])} sampled), so the model cannot estimate its propensity",
                    f"collapse {lv[k]!r} with a neighbouring level of {c}, or leave {c} out "
                    "(use weighting classes instead)",
                    column=c,
                    value=lv[k],
                )
        for k in range(1, len(lv)):
            cols.append((code == k).astype(float))
            names.append(f"{c}[{lv[k]}]")
    X = np.column_stack(cols)
    X[~live] = 0.0
    return X, names, levels


@dataclass
class PropensityModel:
    """A fitted response-propensity model.

    Attributes
    ----------
    propensity : numpy.ndarray
        Each row's estimated probability of responding (NaN for rows out of the sample).
    coefficients : pandas.DataFrame
        ``term, estimate, se, ci_low, ci_high, df`` on the logit scale, design-based SEs.
    response : numpy.ndarray
        The 0/1 response of each row.
    weights : numpy.ndarray
        The design weights the model was fitted with.
    covariates : list of str
    X : numpy.ndarray
        The model matrix (rows out of the sample are zero).
    influence : numpy.ndarray
        Influence values of the coefficients per unit of weight, ``(n, p)``.
    """

    propensity: np.ndarray
    coefficients: pd.DataFrame
    response: np.ndarray
    weights: np.ndarray
    covariates: list[str]
    X: np.ndarray
    influence: np.ndarray
    levels: dict = field(default_factory=dict)

    def by_response(self) -> pd.DataFrame:
        """Weighted mean and quartiles of the propensity among respondents and nonrespondents.

        Examples
        --------
        >>> m = PropensityModel(np.array([0.2, 0.4, 0.8]), pd.DataFrame(), np.array([0.0, 1, 1]),
        ...                     np.ones(3), [], np.ones((3, 1)), np.zeros((3, 1)))
        >>> m.by_response()["mean"].round(2).tolist()
        [0.2, 0.6]
        """
        rows = []
        live = self.weights > 0
        for r in (0, 1):
            sel = live & (self.response == r)
            row = {"responded": r, "n": int(sel.sum())}
            if sel.any():
                p, w = self.propensity[sel], self.weights[sel]
                o = np.argsort(p)
                cw = np.cumsum(w[o]) / w.sum()
                qs = p[o][np.minimum(np.searchsorted(cw, [0.25, 0.5, 0.75]), len(p) - 1)]
                row.update(mean=float(np.average(p, weights=w)), q25=qs[0], median=qs[1], q75=qs[2])
            else:
                row.update(mean=np.nan, q25=np.nan, median=np.nan, q75=np.nan)
            rows.append(row)
        return pd.DataFrame(rows)


def _fit(X, r, w):
    import statsmodels.api as sm

    live = w > 0
    Xl, rl, wl = X[live], r[live], w[live]
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("error", category=RuntimeWarning)
            warnings.filterwarnings("error", message=".*[Pp]erfect separation.*")
            fit = sm.GLM(rl, Xl, family=sm.families.Binomial(), var_weights=wl / wl.mean()).fit()
    except Exception as exc:  # statsmodels signals separation by an error or a warning
        raise InputError.one(
            f"the response model cannot be fitted ({type(exc).__name__}: {exc}); usually a "
            "combination of auxiliaries in which everyone or no one responded",
            "use fewer or coarser auxiliaries, or weighting classes (cells=)",
        ) from None
    beta = np.asarray(fit.params, dtype=float)
    with np.errstate(over="ignore"):
        p = 1.0 / (1.0 + np.exp(-(X @ beta)))
    pl = p[live]
    if not np.isfinite(beta).all() or (pl < 1e-8).any() or (pl > 1 - 1e-8).any():
        raise InputError.one(
            "perfect separation: the fitted response propensity is 0 or 1 for some units",
            "use fewer or coarser auxiliaries, or weighting classes (cells=)",
        )
    return beta, p


def response_propensity(
    design,
    covariates: Sequence[str],
    response: str = "responded",
    level: float = 0.95,
) -> PropensityModel:
    """Fit a design-weighted logistic model of responding on auxiliaries.

    Parameters
    ----------
    design : Design or ReplicateDesign
        The design of every sampled unit (respondents and nonrespondents), base weights.
    covariates : list of str
        Auxiliaries known for every sampled unit (district, area, field, level, sex, age group,
        mode). Columns with at most 10 distinct values are categorical.
    response : str
        The 0/1 response column.
    level : float
        Confidence level of the coefficient intervals.

    Returns
    -------
    PropensityModel

    Raises
    ------
    InputError
        A response column that is not 0/1; a missing covariate; perfect separation.

    Examples
    --------
    >>> from govsurvey.design import Design
    >>> df = pd.DataFrame({"r": [1, 0, 1, 1, 0, 1, 0, 1], "g": list("aaaabbbb"), "w": 1.0})
    >>> m = response_propensity(Design(df, weights="w"), ["g"], response="r")
    >>> m.propensity.round(2).tolist()
    [0.75, 0.75, 0.75, 0.75, 0.5, 0.5, 0.5, 0.5]
    """
    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    w = np.asarray(design.weight_values, dtype=float)
    live = w > 0
    r = response_indicator(design.data, response, live)
    X, names, levels = design_matrix(design.data, covariates, live, r)
    beta, p = _fit(X, r, w)
    H = (X.T * (w * p * (1 - p))) @ X
    Hinv = np.linalg.inv(H)
    infl = ((r - p)[:, None] * X) @ Hinv  # per unit of weight
    infl[~live] = 0.0
    if isinstance(design, ReplicateDesign):
        A = design.replicate_weights()
        U = X.T @ (A * (r - p)[:, None])  # (p, R)
        Hr = np.einsum("ic,ij,ik->cjk", A * (p * (1 - p))[:, None], X, X)
        theta = beta[None, :] + np.linalg.solve(Hr, U.T[..., None])[..., 0]
        var = design.variance_from_replicates(theta, beta)
        df = float(design.df)
    else:
        var = design.variance(infl)[0]
        df = float(design.df)
    se = np.sqrt(var)
    q = float(t_quantile(np.array([df]), level)[0])
    coef = pd.DataFrame(
        {
            "term": names,
            "estimate": beta,
            "se": se,
            "ci_low": beta - q * se,
            "ci_high": beta + q * se,
            "df": df,
        }
    )
    return PropensityModel(
        propensity=np.where(live, p, np.nan),
        coefficients=coef,
        response=r,
        weights=w,
        covariates=covariates,
        X=X,
        influence=infl,
        levels=levels,
    )
