"""Design-based regression: linear and logistic models (R's ``svyglm``) and proportional odds
(R's ``svyolr``).

Coefficients solve the survey-weighted estimating equations ``sum_i w_i x_i (y_i - mu_i) = 0``.
Their variance is the design variance of the total of the influence values
``z_i = (X'WX)^{-1} x_i (y_i - mu_i)`` (per unit of weight) through
:meth:`govsurvey.design.Design.variance` — exactly R's ``svy.varcoef``, so strata, stages, fpc,
the lonely-PSU rule and any calibration apply. On a
:class:`~govsurvey.design.ReplicateDesign` the model is refitted under every replicate weight at
once (batched linear algebra, no loop over replicates) and the spread goes through
``variance_from_replicates``. Degrees of freedom are R's: df of the rows the model uses + 1 -
number of coefficients, where the rows used are those with a positive weight and every model
variable present. When they are all rows that is the design's df; a model fitted on a domain
(zero weights outside it through ``with_weights``, or the outcome missing outside it) takes the
domain's df, R's ``degf(subset(design, domain))`` — the rule ``mean(by=...)`` applies (see
:meth:`~govsurvey.design.Design.domain_df`). Intervals and p-values use Student's t on them.

Rows with a missing value in a model variable get weight zero (they stay in the design, as R's
subset). Answers outside 1–5 in the instrument's scale columns (don't know 8, no answer 9) are
missing, never scores.
"""

from __future__ import annotations

import functools
import logging
import re
import warnings

import numpy as np
import pandas as pd
from scipy import special, stats

from ..errors import InputError

__all__ = ["glm", "ordinal", "model_frame", "check_rank", "MODEL_COLUMNS"]

logger = logging.getLogger(__name__)

#: Columns of every model result.
MODEL_COLUMNS = ["term", "estimate", "se", "ci_low", "ci_high", "df", "p_value"]

_FAMILIES = ("gaussian", "binomial")


@functools.lru_cache(maxsize=1)
def _scale_columns() -> frozenset[str]:
    try:
        from ..config.instrument import load_instrument

        return frozenset(load_instrument("sipas-2017").scale_columns)
    except Exception:  # pragma: no cover - the shipped instrument always loads
        return frozenset()


def model_frame(
    data: pd.DataFrame, formula: str, intercept: bool = True
) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray, str]:
    """Outcome, model matrix and term names of a formula, one row per row of ``data``.

    Parameters
    ----------
    data : pandas.DataFrame
    formula : str
        A patsy formula, ``"y ~ x1 + x2 + C(field)"``.
    intercept : bool
        Keep the intercept column (``False`` drops it, for proportional odds).

    Returns
    -------
    y : ndarray (n,)
    X : ndarray (n, p)
    terms : list of str
    ok : ndarray of bool (n,)
        Rows with every model variable present (others hold zeros in ``y`` and ``X``).
    outcome : str
        The outcome's name.

    Raises
    ------
    InputError
        The formula names a column that is not in the data, or cannot be read.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, None], "x": [1.0, 2.0, 3.0]})
    >>> y, X, terms, ok, out = model_frame(df, "y ~ x")
    >>> terms, ok.tolist(), out
    (['Intercept', 'x'], [True, True, False], 'y')
    """
    import patsy

    if not isinstance(formula, str) or "~" not in formula:
        raise InputError.one(
            f"the formula must read 'outcome ~ predictors', got {formula!r}",
            "write e.g. 'overall ~ C1 + C2 + C3 + C4 + C5'",
        )
    frame = data.reset_index(drop=True)
    scale = _scale_columns() & set(frame.columns)
    if scale:
        cols = sorted(scale)
        x = frame[cols].apply(pd.to_numeric, errors="coerce").astype("float64")
        frame = frame.assign(**{c: x[c].where((x[c] >= 1) & (x[c] <= 5)) for c in cols})
    try:
        yd, Xd = patsy.dmatrices(formula, frame, return_type="dataframe", NA_action="drop")
    except patsy.PatsyError as exc:
        m = re.search(r"name '([^']+)' is not defined", str(exc))
        if m:
            raise InputError.one(
                f"the formula {formula!r} names {m.group(1)!r}, which is not a column of the data",
                f"use one of the columns: {', '.join(map(str, list(data.columns)[:30]))}",
                column=m.group(1),
            ) from None
        raise InputError.one(
            f"the formula {formula!r} cannot be read: {exc}",
            "write e.g. 'overall ~ C1 + C2' with column names of the data",
        ) from None
    if yd.shape[1] != 1:
        raise InputError.one(
            f"the outcome of {formula!r} must be one numeric column, got {yd.shape[1]} columns "
            f"({', '.join(yd.columns)})",
            "code the outcome as numbers (0/1 for a logistic model), not text",
        )
    if not intercept and "Intercept" in Xd.columns:
        Xd = Xd.drop(columns="Intercept")
    n = len(frame)
    ok = np.zeros(n, dtype=bool)
    ok[Xd.index.to_numpy()] = True
    y = np.zeros(n)
    y[ok] = yd.iloc[:, 0].to_numpy(float)
    X = np.zeros((n, Xd.shape[1]))
    X[ok] = Xd.to_numpy(float)
    return y, X, list(Xd.columns), ok, str(yd.columns[0])


def check_rank(X: np.ndarray, w: np.ndarray, terms: list[str], formula: str) -> None:
    """Refuse a model matrix that cannot be fitted: too few rows, or collinear columns.

    Raises an :class:`~govsurvey.errors.InputError` naming the terms to drop.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.column_stack([np.ones(4), [1.0, 2, 3, 4]])
    >>> check_rank(X, np.ones(4), ["Intercept", "x"], "y ~ x") is None
    True
    """
    from scipy.linalg import qr

    Xw = X[w > 0] * np.sqrt(w[w > 0])[:, None]
    if Xw.shape[0] == 0:
        raise InputError.one(
            f"no row can be used for {formula!r}: every row has a zero weight or a missing "
            "model variable (an empty domain)",
            "fit the model on a domain that holds respondents, or check the model's columns "
            "for missing values",
        )
    absent = [t for j, t in enumerate(terms) if "[" in t and not np.any(Xw[:, j] != 0)]
    if absent:
        raise InputError.one(
            f"the level(s) {', '.join(absent)} of {formula!r} have no row among the rows used "
            "(the domain, or the rows with every model variable present, holds none of them)",
            "merge the absent level with another, or fit the model on data that holds it",
        )
    if Xw.shape[0] < X.shape[1]:
        raise InputError.one(
            f"only {Xw.shape[0]} usable rows for {X.shape[1]} coefficients in {formula!r}",
            "use fewer predictors or more data (rows with a missing model variable are dropped)",
        )
    _, Rm, piv = qr(Xw / np.maximum(np.abs(Xw).max(axis=0), 1e-300), mode="economic", pivoting=True)
    d = np.abs(np.diag(Rm))
    rank = int((d > 1e-9 * d.max()).sum()) if d.size else 0
    if rank < X.shape[1]:
        bad = [terms[j] for j in piv[rank:]]
        raise InputError.one(
            f"the predictors of {formula!r} are collinear: {', '.join(bad)} "
            "is a linear combination of the others (or constant)",
            "drop one of the collinear predictors",
        )


def _frame(terms, est, se, df, level) -> pd.DataFrame:
    q = stats.t.ppf(0.5 + level / 2.0, df) if df > 0 else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2.0 * stats.t.sf(np.abs(est / se), df) if df > 0 else np.full(len(est), np.nan)
    return pd.DataFrame(
        {
            "term": list(terms),
            "estimate": est,
            "se": se,
            "ci_low": est - q * se,
            "ci_high": est + q * se,
            "df": float(df),
            "p_value": p,
        }
    )


def _is_replicate(design) -> bool:
    return callable(getattr(design, "variance_from_replicates", None))


def _fit_batch(X, y, W, family: str, beta0=None, tol=1e-12, maxit=100):
    """Weighted GLM fits for every column of ``W`` (n, R) at once. Returns (R, p) and flags."""
    n, p = X.shape
    R = W.shape[1]
    if family == "gaussian":
        XtWX = np.einsum("nr,ni,nj->rij", W, X, X, optimize=True)
        XtWy = (W * y[:, None]).T @ X
        return np.linalg.solve(XtWX, XtWy[..., None])[..., 0], np.ones(R, bool)
    beta = np.zeros((R, p)) if beta0 is None else np.broadcast_to(beta0, (R, p)).copy()
    conv = np.zeros(R, bool)
    for _ in range(maxit):
        eta = X @ beta.T  # (n, R)
        mu = special.expit(eta)
        v = mu * (1.0 - mu)
        H = np.einsum("nr,ni,nj->rij", W * v, X, X, optimize=True)
        g = (W * (y[:, None] - mu)).T @ X
        try:
            step = np.linalg.solve(H, g[..., None])[..., 0]
        except np.linalg.LinAlgError:  # fitted probabilities of exactly 0 or 1: separation
            return beta, np.zeros(R, bool)
        beta = beta + step
        conv = np.abs(step).max(axis=1) <= tol * (1.0 + np.abs(beta).max(axis=1))
        if conv.all():
            break
    return beta, conv


def glm(design, formula: str, family: str = "gaussian", level: float = 0.95) -> pd.DataFrame:
    """Design-based linear or logistic regression, as R's ``svyglm``.

    Parameters
    ----------
    design : Design or ReplicateDesign
    formula : str
        Patsy formula on the design's data, e.g. ``"overall ~ C1 + C2 + C(field)"``.
    family : {"gaussian", "binomial"}
        Linear model, or logistic model of a 0/1 outcome.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        ``[term, estimate, se, ci_low, ci_high, df, p_value]``; ``attrs`` holds ``family``,
        ``n`` (rows used), ``level``, ``method`` (``"taylor"`` or ``"replicate"``) and
        ``formula``.

    Raises
    ------
    InputError
        Unknown family, missing column, collinear predictors, a non-binary outcome for the
        logistic model, or a fit that does not converge (separation).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from govsurvey.design import Design
    >>> rng = np.random.default_rng(3)
    >>> df = pd.DataFrame({"x": rng.normal(size=200), "psu": np.repeat(np.arange(40), 5)})
    >>> df["y"] = 1.0 + 2.0 * df["x"] + rng.normal(size=200)
    >>> fit = glm(Design(df, psu="psu"), "y ~ x")
    >>> fit["term"].tolist(), round(float(fit["estimate"].iloc[1]), 1)
    (['Intercept', 'x'], 2.0)
    """
    if family not in _FAMILIES:
        raise InputError.one(
            f"unknown family {family!r}",
            f"use one of {', '.join(_FAMILIES)}",
            value=family,
        )
    y, X, terms, ok, outcome = model_frame(design.data, formula)
    w = np.where(ok, design.weight_values, 0.0)
    check_rank(X, w, terms, formula)
    if family == "binomial":
        vals = np.unique(y[ok & (w > 0)])
        if not np.isin(vals, [0.0, 1.0]).all():
            shown = ", ".join(f"{v:g}" for v in vals[:8])
            raise InputError.one(
                f"the logistic model needs a 0/1 outcome; {outcome!r} takes the values {shown}",
                f"recode it, e.g. '({outcome} >= 4) ~ ...' or a 0/1 column",
                column=outcome,
            )
        if len(vals) < 2:
            raise InputError.one(
                f"the outcome {outcome!r} takes only one value among the rows used",
                "a logistic model needs both 0 and 1",
                column=outcome,
            )
    p = X.shape[1]
    beta, conv = _fit_batch(X, y, w[:, None], family)
    if not conv.all():
        raise InputError.one(
            f"the logistic model {formula!r} did not converge (a predictor separates the "
            "outcome perfectly)",
            "drop or group the predictor that predicts the outcome exactly",
        )
    beta = beta[0]
    if _is_replicate(design):
        A = np.where(ok[:, None], design.replicate_weights(), 0.0)
        theta, conv_r = _fit_batch(X, y, A, family, beta0=beta)
        if not conv_r.all():
            logger.warning("%d replicate fits did not converge", int((~conv_r).sum()))
        var = np.asarray(design.variance_from_replicates(theta, beta), float).reshape(p)
        method = "replicate"
    else:
        mu = X @ beta if family == "gaussian" else special.expit(X @ beta)
        v = np.ones_like(mu) if family == "gaussian" else mu * (1.0 - mu)
        info = (X * (w * v)[:, None]).T @ X
        z = ((y - mu) * ok)[:, None] * np.linalg.solve(info, X.T).T
        var = np.asarray(design.variance(z), float)[0]
        method = "taylor"
    df = design.domain_df(ok & (w > 0)) + 1.0 - p
    out = _frame(terms, beta, np.sqrt(var), df, level)
    out.attrs.update(
        family=family, n=int((ok & (w > 0)).sum()), level=level, method=method, formula=formula
    )
    return out


# ------------------------------------------------------------------ proportional odds
def _olr_parts(theta, X, yi, J):
    """Per-row quantities of the cumulative logit model at parameters ``theta`` (R, k)."""
    p = X.shape[1]
    beta, cut = theta[:, :p], theta[:, p:]  # (R, p), (R, J-1)
    xb = X @ beta.T  # (n, R)
    big = np.full((theta.shape[0], 1), np.inf)
    cuts = np.concatenate([-big, cut, big], axis=1)  # (R, J+1)
    a = cuts[:, yi + 1].T - xb  # upper: eta_y
    b = cuts[:, yi].T - xb  # lower: eta_{y-1}
    Fa, Fb = special.expit(a), special.expit(b)
    fa, fb = Fa * (1 - Fa), Fb * (1 - Fb)
    D = np.maximum(Fa - Fb, 1e-300)
    la, lb = fa / D, -fb / D
    laa = fa * (1 - 2 * Fa) / D - la**2
    lbb = -fb * (1 - 2 * Fb) / D - lb**2
    lab = fa * fb / D**2
    return la, lb, laa, lbb, lab, np.log(D)


def _olr_jac(X, yi, J):
    """Gradients of the upper and lower linear predictors in (beta, cuts): (n, k) each."""
    n = len(yi)
    E = np.zeros((n, J + 1))
    E[np.arange(n), yi + 1] = 1.0
    Ja = np.hstack([-X, E[:, 1:J]])
    E2 = np.zeros((n, J + 1))
    E2[np.arange(n), yi] = 1.0
    Jb = np.hstack([-X, E2[:, 1:J]])
    return Ja, Jb


def _olr_newton(X, yi, J, W, theta, tol=1e-11, maxit=100):
    Ja, Jb = _olr_jac(X, yi, J)
    for _ in range(maxit):
        la, lb, laa, lbb, lab, _ = _olr_parts(theta, X, yi, J)
        g = (W * la).T @ Ja + (W * lb).T @ Jb  # (R, k)
        H = (
            np.einsum("nr,ni,nj->rij", W * laa, Ja, Ja, optimize=True)
            + np.einsum("nr,ni,nj->rij", W * lbb, Jb, Jb, optimize=True)
            + np.einsum("nr,ni,nj->rij", W * lab, Ja, Jb, optimize=True)
            + np.einsum("nr,ni,nj->rij", W * lab, Jb, Ja, optimize=True)
        )
        step = np.linalg.solve(H, g[..., None])[..., 0]
        theta = theta - step
        if (np.abs(step).max(axis=1) <= tol * (1 + np.abs(theta).max(axis=1))).all():
            return theta, True
    return theta, False


def ordinal(design, formula: str, level: float = 0.95) -> pd.DataFrame:
    """Design-based proportional-odds (cumulative logit) model, as R's ``svyolr``.

    ``logit P(Y <= j) = cut_j - x'beta``. Point estimates maximise the survey-weighted
    likelihood, starting from statsmodels' ``OrderedModel`` and polished by Newton steps with
    exact derivatives (on unit weights they are ``OrderedModel``'s maximum); SEs are the design
    variance of ``I^{-1} s_i`` (sandwich through the design), or replicate refits.

    Parameters
    ----------
    design : Design or ReplicateDesign
    formula : str
        ``"overall ~ C1 + C2"``: an outcome of ordered numbers (e.g. 1–5), predictors without
        intercept (the cut points take its place).
    level : float

    Returns
    -------
    pandas.DataFrame
        ``[term, estimate, se, ci_low, ci_high, df, p_value]``: the predictors, then the cut
        points named ``"1|2"``, ``"2|3"``, … (R's names).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from govsurvey.design import Design
    >>> rng = np.random.default_rng(5)
    >>> x = rng.normal(size=400)
    >>> y = 1 + (x + rng.logistic(size=400) > -1) + (x + rng.logistic(size=400) > 1)
    >>> df = pd.DataFrame({"x": x, "y": y, "psu": np.arange(400)})
    >>> fit = ordinal(Design(df, psu="psu"), "y ~ x")
    >>> fit["term"].tolist()
    ['x', '1|2', '2|3']
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    y, X, terms, ok, outcome = model_frame(design.data, formula, intercept=False)
    w = np.where(ok, design.weight_values, 0.0)
    used = ok & (w > 0)
    check_rank(np.column_stack([np.ones(len(y)), X]), w, ["Intercept", *terms], formula)
    levels = np.unique(y[used])
    if len(levels) < 3:
        raise InputError.one(
            f"a proportional-odds model needs an outcome with at least 3 ordered values; "
            f"{outcome!r} has {len(levels)}",
            "use glm(family='binomial') for two values",
            column=outcome,
        )
    if X.shape[1] == 0:
        raise InputError.one(
            f"the formula {formula!r} has no predictor", "add at least one predictor"
        )
    J = len(levels)
    yi = np.searchsorted(levels, y)  # 0..J-1 on used rows
    yi[~used] = 0
    om = OrderedModel(yi[used], X[used], distr="logit")
    with warnings.catch_warnings():  # only a start: Newton steps below converge exactly
        warnings.simplefilter("ignore")
        start = om.fit(method="bfgs", disp=False, maxiter=200).params
    cuts0 = om.transform_threshold_params(start)[1:-1]
    theta0 = np.concatenate([start[: X.shape[1]], cuts0])[None, :]
    theta, conv = _olr_newton(X, yi, J, w[:, None], theta0)
    if not conv:
        raise InputError.one(
            f"the proportional-odds model {formula!r} did not converge",
            "check for a predictor that separates the outcome categories",
        )
    k = theta.shape[1]
    if _is_replicate(design):
        A = np.where(used[:, None], design.replicate_weights(), 0.0)
        th_r, _ = _olr_newton(X, yi, J, A, np.repeat(theta, A.shape[1], axis=0))
        var = np.asarray(design.variance_from_replicates(th_r, theta[0]), float).reshape(k)
        method = "replicate"
    else:
        Ja, Jb = _olr_jac(X, yi, J)
        la, lb, laa, lbb, lab, _ = _olr_parts(theta, X, yi, J)
        la, lb, laa, lbb, lab = (v[:, 0] for v in (la, lb, laa, lbb, lab))
        s = la[:, None] * Ja + lb[:, None] * Jb  # per-row score, per unit weight
        info = -(
            (Ja * (w * laa)[:, None]).T @ Ja
            + (Jb * (w * lbb)[:, None]).T @ Jb
            + (Ja * (w * lab)[:, None]).T @ Jb
            + (Jb * (w * lab)[:, None]).T @ Ja
        )
        z = np.where(used[:, None], np.linalg.solve(info, s.T).T, 0.0)
        var = np.asarray(design.variance(z), float)[0]
        method = "taylor"
    names = [*terms, *(f"{levels[j]:g}|{levels[j + 1]:g}" for j in range(J - 1))]
    df = design.domain_df(used) + 1.0 - k
    out = _frame(names, theta[0], np.sqrt(var), df, level)
    out.attrs.update(
        family="ordinal", n=int(used.sum()), level=level, method=method, formula=formula
    )
    return out
