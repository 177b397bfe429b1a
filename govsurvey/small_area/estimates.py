"""``gs.fay_herriot``: area-level small-area estimates with their MSE, in one tidy frame."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from govsurvey.errors import InputError

from .benchmark import benchmark as _benchmark
from .diagnostics import bias_diagnostic
from .gvf import smooth_variances
from .inputs import prepare
from .model import METHODS, fit, sigma2_variance
from .mse import eblup, prasad_rao, synthetic_mse
from .transform import TRANSFORMS, back, bootstrap_mse, forward, inverse

__all__ = ["FH_COLUMNS", "fay_herriot"]

log = logging.getLogger(__name__)

#: Columns of a small-area result after the unit column.
FH_COLUMNS = ["estimate", "mse", "se", "ci_low", "ci_high", "method", "shrinkage", "n"]

VARIANCES = ("direct", "gvf", "fill")


def _check_choice(value: object, allowed: tuple, name: str) -> None:
    if value not in allowed:
        raise InputError.one(
            f"unknown {name}", f"use one of {', '.join(map(repr, allowed))}", value=value
        )


def _targets(benchmark: object, by: str | None) -> pd.Series:
    """The benchmark values per group as a Series (one group ``"(all)"`` without ``by``)."""
    if isinstance(benchmark, int | float | np.floating | np.integer):
        return pd.Series({"(all)": float(benchmark)})
    if isinstance(benchmark, pd.DataFrame):
        if by is None or by not in benchmark.columns or "estimate" not in benchmark.columns:
            raise InputError.one(
                "a benchmark frame needs the group column named by benchmark_by and 'estimate'",
                "pass e.g. gs.sipas_index(d, inst, by='district').query(\"code == 'SIPAS'\") "
                "with benchmark_by='district'",
                value=list(benchmark.columns),
            )
        return pd.Series(
            pd.to_numeric(benchmark["estimate"]).to_numpy(), index=benchmark[by].astype(str)
        )
    if isinstance(benchmark, Mapping | pd.Series):
        return pd.Series(dict(benchmark), dtype=float)
    raise InputError.one(
        "benchmark must be a number, a mapping group -> value, or a frame of direct estimates",
        "pass e.g. benchmark=82.5, or benchmark={'Ba Đình': 84.1, …} with benchmark_by=",
        value=type(benchmark),
    )


def fay_herriot(
    direct: pd.DataFrame,
    covariates: pd.DataFrame,
    unit: str = "ward",
    transform: str | None = None,
    method: str = "reml",
    benchmark: float | Mapping | pd.DataFrame | None = None,
    *,
    x: list[str] | None = None,
    scale: float | None = None,
    variances: str = "direct",
    benchmark_by: str | None = None,
    benchmark_weights: str | None = None,
    benchmark_method: str = "ratio",
    min_forms: int = 0,
    replicates: int = 200,
    seed: int = 1,
    level: float = 0.95,
) -> pd.DataFrame:
    """Fay–Herriot estimates of small units (EBLUP) with their MSE, benchmarked if asked.

    Parameters
    ----------
    direct : pandas.DataFrame
        The direct estimates of one figure: columns ``[unit, "estimate", "se"]`` and optionally
        ``"n"`` (forms behind each estimate). A frame of :func:`govsurvey.sipas_index` filtered
        to one ``code`` serves as it is. Estimates may be percentages (as ``sipas_index`` gives
        them) or proportions: see ``scale``. The SE must be the sampling SE *given the unit is
        sampled*: for wards drawn as PSUs the full design's domain SE is not that one (it is
        scaled by the first-stage sampling fraction, and has df 0, which is noted), and
        :func:`govsurvey.small_area.unit_direct` gives the within-ward one.
    covariates : pandas.DataFrame
        One row per unit, ``[unit, x…]``: every unit to estimate, with or without a direct
        estimate. Numeric columns enter as they are, text columns as 0/1 columns per level (the
        first level in sorted order is the reference); an intercept is always added.
    unit : str, default "ward"
        The unit column of both frames.
    transform : {None, "logit", "arcsin"}
        Model the rate on this scale. The estimate is back-transformed with a bias correction
        and its MSE comes from a parametric bootstrap (``replicates``, ``seed``); the interval
        is the model-scale Prasad–Rao interval back-transformed. ``None``: the linear model on
        the estimates' own scale, with the Prasad–Rao MSE.
    method : {"reml", "ml", "fh"}
        Estimator of the model variance: REML, ML (its MSE adds the Datta–Lahiri bias term),
        or the Fay–Herriot moment estimator (with the Datta–Rao–Smith bias term).
    benchmark : float, mapping, DataFrame or None
        Direct estimates the units must add up to: one number for all units, a mapping
        group -> value, or a frame with the ``benchmark_by`` column and ``"estimate"`` (e.g. the
        district rows of ``sipas_index``). The weighted mean (weights ``benchmark_weights``) of
        the benchmarked estimates of each group equals its value exactly; their MSE adds the
        squared adjustment and their interval is ``estimate ± z sqrt(mse)``.
    x : list of str, optional
        Covariate columns to use; by default every column of ``covariates`` but ``unit``,
        ``benchmark_by``, ``benchmark_weights`` and text columns with a different value for
        every unit (another identifier, e.g. the ward's name beside its code; noted).
    scale : float, optional
        100 if the estimates are percentages, 1 if proportions; by default 100 when any
        estimate exceeds 1 in absolute value, else 1. Results are on the same scale; the model
        (``sigma2_u``, ``beta``) is on the model scale (the estimates' own, or the logit or
        arcsine of the proportion).
    variances : {"direct", "gvf", "fill"}
        The sampling variances the model treats as known: the direct ones (a zero or missing
        SE is then an error), the generalised variance function ``K / n`` for every unit
        (needs ``n``; on the logit scale ``K / (n p (1 - p))``, the design-effect model
        carried there), or the GVF only where the direct one is zero or missing or rests on
        fewer than ``min_forms`` forms. On the synthetic city, where each ward's direct
        variance rests on 50 forms, the raw direct variances give intervals that cover about
        91% and the GVF's 94%: the model takes the variances as known, so smoothing them is
        what a methodologist does (the GVF ``K / n`` pools the element variance; on the
        arcsine scale it is the variance-stabilised one).
    min_forms : int, default 0
        With ``variances="fill"``: direct variances from fewer forms are replaced too.
    benchmark_by : str, optional
        Column of ``covariates`` holding each unit's group for benchmarking.
    benchmark_weights : str, optional
        Column of ``covariates`` with each unit's population size (equal weights if omitted).
    benchmark_method : {"ratio", "difference"}
    replicates : int, default 200
        Bootstrap replicates for a transformed model.
    seed : int, default 1
        Seed of the bootstrap.
    level : float, default 0.95
        Confidence level of ``ci_low``/``ci_high`` (normal quantile; an MSE has no df).

    Returns
    -------
    pandas.DataFrame
        ``[unit, "estimate", "mse", "se", "ci_low", "ci_high", "method", "shrinkage", "n"]``:
        the sampled units in the order of ``direct``, then the others in the order of
        ``covariates``. ``method`` is ``"fh"`` (EBLUP) or ``"synthetic"`` (no direct estimate:
        ``x' beta``, MSE ``sigma2_u + x' Var(beta) x``); ``se = sqrt(mse)``; ``shrinkage`` is
        ``gamma = sigma2_u / (sigma2_u + psi)``, the weight of the direct estimate (1 keeps the
        direct estimate, 0 is the synthetic one; 0 for synthetic units); ``n`` the forms (NA if
        not given, 0 for units without a direct estimate).
        ``attrs["model"]`` holds ``sigma2_u``, ``sigma2_u_se``, ``beta`` and ``beta_se``
        (dicts by covariate), ``method``, ``transform``, ``scale``, ``converged``,
        ``iterations``, ``m``, ``variances``, ``gvf_constant``, ``bias`` (the bias diagnostic),
        ``bootstrap`` and ``notes``; ``attrs["diagnostics"]`` one row per sampled unit (direct
        estimate and SE, model-scale ``psi``, synthetic value, standardised residual, ``g1``,
        ``g2``, ``g3``, whether the GVF replaced its variance); ``attrs["level"]``.

    Raises
    ------
    govsurvey.errors.InputError
        For every fault listed in :mod:`govsurvey.small_area.inputs`, and when the model
        variance does not converge. A model variance estimated at 0 is not an error: every
        sampled unit then gets the synthetic estimate, and ``attrs["model"]["notes"]`` says so.

    Examples
    --------
    >>> import numpy as np, pandas as pd, govsurvey as gs
    >>> rng = np.random.default_rng(3)
    >>> cov = pd.DataFrame({"ward": [f"W{i}" for i in range(40)], "x": rng.normal(size=40)})
    >>> truth = 80 + 3 * cov["x"] + rng.normal(0, 2, 40)
    >>> direct = pd.DataFrame({"ward": cov["ward"][:35], "se": 3.0,
    ...                        "estimate": truth[:35] + rng.normal(0, 3, 35)})
    >>> out = gs.fay_herriot(direct, cov, unit="ward")
    >>> list(out.columns)
    ['ward', 'estimate', 'mse', 'se', 'ci_low', 'ci_high', 'method', 'shrinkage', 'n']
    >>> out["method"].value_counts().to_dict()
    {'fh': 35, 'synthetic': 5}
    >>> bool((out["mse"][:35] < 9.0).all())
    True
    """
    _check_choice(transform, TRANSFORMS, "transform")
    _check_choice(method, METHODS, "method")
    _check_choice(variances, VARIANCES, "variances")
    if not 0 < level < 1:
        raise InputError.one("level must be between 0 and 1", "use e.g. 0.95", value=level)
    exclude = [c for c in (benchmark_by, benchmark_weights) if c is not None]
    inp = prepare(direct, covariates, unit, x, exclude, scale, transform)
    notes: list[str] = list(inp.notes)
    s = inp.scale
    if "df" in direct.columns and (pd.to_numeric(direct["df"], errors="coerce") < 1).any():
        notes.append(
            "some direct estimates rest on a single PSU (df < 1): if the units were drawn as "
            "PSUs, the design's domain variance is not the within-unit one the model needs; "
            "gs.small_area.unit_direct gives that one"
        )
        log.warning(notes[-1])

    # the model scale: the data and their sampling variances
    if transform is None:
        y, psi = inp.y, inp.se**2
    else:
        y, psi = forward(inp.y / s, (inp.se / s) ** 2, transform)
    psi = np.where(np.isfinite(inp.se) & (inp.se > 0), psi, np.nan)  # a negative SE is unusable
    usable = np.isfinite(psi) & (psi > 0)
    gvf_k = np.nan
    smoothed = np.zeros(len(y), dtype=bool)
    if variances == "direct":
        if not usable.all():
            row = int(np.flatnonzero(~usable)[0])
            raise InputError.one(
                "a unit has a zero or missing direct variance (one PSU, or all answers alike): "
                "the model needs every unit's sampling variance",
                "pass variances='fill' (a generalised variance function from the forms in "
                "column 'n') or variances='gvf', or drop the unit",
                row=row + 2,
                column="se",
                value=inp.se[row],
            )
    else:
        if not np.isfinite(inp.n).all() or (inp.n <= 0).any():
            raise InputError.one(
                "the generalised variance function needs the forms behind every direct estimate",
                "add a column 'n' (forms per unit, positive) to direct",
                column="n",
            )
        # the design-effect model deff p (1 - p) / n on the model scale (see .gvf)
        factor = 1.0 / (inp.y / s * (1.0 - inp.y / s)) if transform == "logit" else None
        psi, gvf_k, smoothed = smooth_variances(
            psi, inp.n, "all" if variances == "gvf" else "fill", min_forms, factor
        )
        if smoothed.any():
            notes.append(
                f"{int(smoothed.sum())} unit(s) use the generalised variance function "
                f"psi = {gvf_k:.6g} / n" + (" / (p (1 - p))" if transform == "logit" else "")
            )

    f = fit(y, inp.X, psi, method)
    if not f.converged[0]:
        raise InputError.one(
            f"the model variance did not converge in {f.iterations} iterations",
            "check the direct variances and the covariates, or try method='fh'",
            value=float(f.sigma2[0]),
        )
    sigma2 = float(f.sigma2[0])
    beta = f.beta[0]
    Q = f.cov_beta[0]
    if sigma2 == 0:
        notes.append(
            "the model variance is estimated at 0: the model reduces to the synthetic "
            "estimate x'beta for every unit (no weight on the direct estimates)"
        )
        log.warning("sigma2_u estimated at 0: Fay-Herriot estimates are the synthetic ones")
    est_m, gamma = eblup(y, inp.X, psi, f.sigma2, f.beta)
    est_m, gamma = est_m[0], gamma[0]
    pr = prasad_rao(inp.X, psi, sigma2, Q, method)
    syn_in = inp.X @ beta
    syn_out = inp.X_out @ beta
    mse_out_m = synthetic_mse(inp.X_out, sigma2, Q)
    z = stats.norm.ppf(0.5 + level / 2)
    boot = None
    if transform is None:
        est = np.concatenate([est_m, syn_out])
        mse = np.concatenate([pr.mse, mse_out_m])
        lo, hi = est - z * np.sqrt(mse), est + z * np.sqrt(mse)
    else:
        est_in = back(est_m, gamma * psi, transform)
        est_out = back(syn_out, np.full(len(syn_out), sigma2), transform)
        b = bootstrap_mse(inp.X, psi, inp.X_out, sigma2, beta, method, transform, replicates, seed)
        boot = {
            "replicates": b.replicates,
            "not_converged": b.not_converged,
            "zero_sigma2": b.zero_sigma2,
            "seed": seed,
        }
        if b.not_converged:
            notes.append(f"{b.not_converged} bootstrap replicate(s) did not converge (left out)")
        eta = np.concatenate([est_m, syn_out])
        sd_m = np.sqrt(np.concatenate([pr.mse, mse_out_m]))
        est = s * np.concatenate([est_in, est_out])
        mse = s**2 * np.concatenate([b.mse, b.mse_out])
        lo, hi = s * inverse(eta - z * sd_m, transform), s * inverse(eta + z * sd_m, transform)
    if benchmark is not None:
        cov = inp.covariates.set_index(unit)
        all_units = np.concatenate([inp.units, inp.units_out])
        groups = (
            np.full(len(all_units), "(all)", dtype=object)
            if benchmark_by is None
            else cov.loc[all_units, benchmark_by].astype(str).to_numpy()
        )
        w = (
            np.ones(len(all_units))
            if benchmark_weights is None
            else pd.to_numeric(cov.loc[all_units, benchmark_weights]).to_numpy(dtype=float)
        )
        if not (np.isfinite(w) & (w > 0)).all():
            raise InputError.one(
                "benchmark weights must be positive numbers",
                f"give every unit a positive population size in {benchmark_weights!r}",
                column=benchmark_weights,
            )
        est_b = _benchmark(est, w, groups, _targets(benchmark, benchmark_by), benchmark_method)
        mse = mse + (est_b - est) ** 2
        est = est_b
        lo, hi = est - z * np.sqrt(mse), est + z * np.sqrt(mse)
        if transform is not None:
            lo, hi = np.clip(lo, 0.0, s), np.clip(hi, 0.0, s)
        notes.append(
            f"benchmarked ({benchmark_method}) to the direct estimate"
            + (f" of each {benchmark_by}" if benchmark_by else "")
            + "; MSE adds the squared adjustment, intervals are estimate +/- z sqrt(MSE)"
        )
    m, k = len(inp.units), len(inp.units_out)
    n_col = pd.array(np.concatenate([inp.n, np.zeros(k)]), dtype="Float64").round().astype("Int64")
    out = pd.DataFrame(
        {
            unit: np.concatenate([inp.units, inp.units_out]),
            "estimate": est,
            "mse": mse,
            "se": np.sqrt(mse),
            "ci_low": lo,
            "ci_high": hi,
            "method": ["fh"] * m + ["synthetic"] * k,
            "shrinkage": np.concatenate([gamma, np.zeros(k)]),
            "n": n_col,
        }
    )
    resid = (y - syn_in) / np.sqrt(sigma2 + psi)
    direct_est = inp.y
    model_est = out["estimate"].to_numpy()[:m]
    out.attrs["model"] = {
        "sigma2_u": sigma2,
        "sigma2_u_se": float(np.sqrt(sigma2_variance(inp.X, psi, f.sigma2, method)[0])),
        "beta": dict(zip(inp.names, beta.tolist(), strict=True)),
        "beta_se": dict(zip(inp.names, np.sqrt(np.diag(Q)).tolist(), strict=True)),
        "method": method,
        "transform": transform,
        "scale": s,
        "converged": True,
        "iterations": int(f.iterations),
        "m": m,
        "out_of_sample": k,
        "variances": variances,
        "gvf_constant": gvf_k,
        "bias": bias_diagnostic(direct_est, model_est, inp.se),
        "bootstrap": boot,
        "benchmark": None if benchmark is None else benchmark_method,
        "notes": notes,
    }
    out.attrs["diagnostics"] = pd.DataFrame(
        {
            unit: inp.units,
            "direct": inp.y,
            "direct_se": inp.se,
            "psi": psi,
            "synthetic": syn_in,
            "std_residual": resid,
            "shrinkage": gamma,
            "g1": pr.g1,
            "g2": pr.g2,
            "g3": pr.g3,
            "gvf": smoothed,
        }
    )
    out.attrs["level"] = float(level)
    out.attrs["method"] = "fay-herriot"
    return out
