"""Desk-months published by the small-area rule: direct where precise, Fay–Herriot otherwise.

A one-stop desk's month holds a few dozen forms, so its direct estimate is often too wide to
publish. :func:`desk_months` publishes every desk-month as notebook 03 publishes its wards
(:mod:`govsurvey.small_area`): the direct estimate where its CV is good enough, the
model-based one (:func:`govsurvey.fay_herriot`, EBLUP with its Prasad–Rao MSE) otherwise, and
nothing where neither is precise enough or the month has fewer than ``min_cell`` forms
(:func:`govsurvey.small_area.apply_rule`).

The direct estimates and their SEs are the monthly sums' own (:meth:`MonthlySums.index`: the
one variance engine); each desk-month is a stratum of its own in a desk survey, so that SE is
the within-desk-month one the model needs. The model's covariates are the desk's own history
and what the sums know of the desk, never the month's own forms:

- ``"previous"``: the mean of the desk's direct estimates over its ``history`` previous
  months (a desk-month without any gets the mean of all direct estimates and the 0/1
  covariate ``no_history``);
- ``"area"``: the desk's larger area (text: one 0/1 covariate per level; on data with one
  desk per district it is a fixed effect per desk);
- ``"log_forms"``: the log of the month's forms (the desk's size).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..results import domain_name
from ..small_area.estimates import fay_herriot
from ..small_area.rule import PublicationRule, apply_rule
from ..small_area.units import REPORT_COLUMNS
from .monthly import MonthlySums

__all__ = ["COVARIATES", "desk_areas", "desk_months"]

log = logging.getLogger(__name__)

#: The covariates :func:`desk_months` can build from the sums.
COVARIATES = ("previous", "area", "log_forms")

KEY = "desk_month"


def desk_areas(data: pd.DataFrame, unit: str = "desk", area: str = "district") -> pd.Series:
    """Each desk's larger area (its first form's), from the forms' data.

    Examples
    --------
    >>> f = pd.DataFrame({"desk": ["a", "b", "a"], "district": ["X", "Y", "X"]})
    >>> desk_areas(f).to_dict()
    {'a': 'X', 'b': 'Y'}
    """
    for col in (unit, area):
        if col not in data.columns:
            raise InputError.one(
                f"the desk forms have no column {col!r}",
                "name the desks' unit and area columns",
                column=col,
            )
    first = data.drop_duplicates(subset=[unit])
    return pd.Series(first[area].to_numpy(), index=first[unit].to_numpy(), name=area).sort_index()


def _previous(est: np.ndarray, history: int) -> np.ndarray:
    """Mean of each row's previous ``history`` finite values, per column (NaN without any)."""
    ok = np.isfinite(est)
    s = np.cumsum(np.where(ok, est, 0.0), axis=1)
    c = np.cumsum(ok, axis=1)
    pad = np.zeros((est.shape[0], 1))
    s, c = np.hstack([pad, s]), np.hstack([pad, c])  # s[:, t] = sum of months < t
    T = est.shape[1]
    t = np.arange(T)
    lo = np.maximum(t - history, 0)
    ssum, cnt = s[:, t] - s[:, lo], c[:, t] - c[:, lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0, ssum / np.maximum(cnt, 1), np.nan)


def desk_months(
    sums: MonthlySums,
    code: str = "SIPAS",
    *,
    rule: PublicationRule | None = None,
    covariates: Sequence[str] = ("previous",),
    history: int = 3,
    areas: pd.Series | None = None,
    method: str = "reml",
    transform: str | None = None,
    variances: str = "gvf",
    max_residual: float = 3.0,
    level: float = 0.95,
    seed: int = 1,
) -> pd.DataFrame:
    """Every desk-month: direct, model-based (Fay–Herriot) or suppressed, by precision.

    Parameters
    ----------
    sums : MonthlySums
        The monthly sums (:func:`~govsurvey.trends.compile_months`), monthly periods.
    code : str, default "SIPAS"
        The index figure published.
    rule : PublicationRule, optional
        The thresholds (``max_cv``, ``max_model_cv``, ``min_cell``); the defaults otherwise.
    covariates : sequence of str, default ("previous",)
        Of :data:`COVARIATES` (see the module docstring).
    history : int, default 3
        Months of the desk's past the ``"previous"`` covariate averages (1–12).
    areas : pandas.Series, optional
        Desk -> larger area (:func:`desk_areas`); needed for ``"area"``, and shown beside the
        desk when given.
    method, transform, variances
        As :func:`govsurvey.fay_herriot` (``variances="gvf"``: the sampling variances
        smoothed as ``K / n``, which also covers a month whose forms give no variance).
    max_residual : float, default 3.0
        A desk-month whose standardised residual (direct minus the model's prediction, over
        its SD) exceeds this in absolute value departs from the model: ``outlying`` is true.
        Such a month is still published by the rule, but the model pulls it towards the
        prediction (on the synthetic desks, the declining desk's model-based months lie 6–12
        points above the truth), so the report names it.
    level : float, default 0.95
    seed : int, default 1
        Seed of the parametric bootstrap (transformed models).

    Returns
    -------
    pandas.DataFrame
        One row per desk-month with a direct estimate: ``[(area,) unit, "period",
        *REPORT_COLUMNS]`` as :func:`govsurvey.small_area.report_units` returns for wards (the
        published figure, ``method`` ``"direct"``, ``"fh"`` or ``"suppressed"``, the direct
        and the model's figures beside it), then ``std_residual`` and ``outlying``.
        ``attrs`` carry ``rule``, ``model`` (the model's
        record: ``sigma2_u``, ``beta``, …), ``level``, ``unit``, ``covariates``, ``history``
        and ``periods``.

    Examples
    --------
    >>> from govsurvey.design import Design
    >>> from govsurvey.synth.over_time import simulate_desks
    >>> from govsurvey.trends import compile_months
    >>> sim = simulate_desks(seed=1, desks=8, months=6, days=8, declining=None)
    >>> d = Design(sim.forms, weights="weight", strata="stratum", psu="psu")
    >>> out = desk_months(compile_months(d, "sipas-2017", "desk", "date"))
    >>> out.shape[0], sorted(set(out["method"])) <= ["direct", "fh", "suppressed"]
    (48, True)
    """
    if not isinstance(sums, MonthlySums) or sums.freq != "month":
        raise InputError.one(
            "desk_months takes monthly sums", "pass compile_months(…)'s result (not rolled up)"
        )
    if isinstance(covariates, str) or not set(covariates) <= set(COVARIATES):
        raise InputError.one(
            "unknown desk covariate",
            f"choose among {', '.join(map(repr, COVARIATES))}",
            value=covariates,
        )
    if not (isinstance(history, int | np.integer) and 1 <= history <= 12):
        raise InputError.one(
            "history must be a whole number of months from 1 to 12", "use e.g. 3", value=history
        )
    if not (isinstance(max_residual, int | float) and max_residual > 0):
        raise InputError.one(
            "max_residual must be a positive number", "use e.g. 3", value=max_residual
        )
    if "area" in covariates and areas is None:
        raise InputError.one(
            "the 'area' covariate needs each desk's area",
            "pass areas=desk_areas(forms, unit, 'district')",
        )
    ucol = domain_name(sums.unit)
    idx = sums.index(window=1, by_unit=True, confidence=level)
    if code not in set(idx["code"]):
        raise InputError.one(
            f"the index has no figure {code!r}", "use 'SIPAS', a component or a criterion code"
        )
    direct = idx[idx["code"] == code].reset_index(drop=True)
    direct = direct[direct["estimate"].notna()].reset_index(drop=True)
    desks = sorted(set(direct[ucol]))
    di = pd.Index(desks).get_indexer(direct[ucol])
    ti = pd.Index(sums.periods).get_indexer(direct["period"])
    est = np.full((len(desks), len(sums.periods)), np.nan)
    est[di, ti] = direct["estimate"].to_numpy(dtype=float)
    key = direct[ucol].astype(str) + " " + direct["period"].astype(str)
    direct.insert(0, KEY, key.to_numpy())
    cov = pd.DataFrame({KEY: direct[KEY].to_numpy()})
    x: list[str] = []
    if "previous" in covariates:
        prev = _previous(est, int(history))[di, ti]
        none = ~np.isfinite(prev)
        cov["previous"] = np.where(none, np.nanmean(est), prev)
        x.append("previous")
        if none.any() and not none.all():
            cov["no_history"] = none.astype(float)
            x.append("no_history")
    if areas is not None:
        area_of = pd.Series(areas).reindex(direct[ucol]).to_numpy(dtype=object)
        if pd.isna(area_of).any():
            raise InputError.one(
                "a desk has no area",
                "give every desk its area",
                value=str(direct[ucol][pd.isna(area_of)].iloc[0]),
            )
        if "area" in covariates:
            cov["area"] = area_of.astype(str)
            x.append("area")
    if "log_forms" in covariates:
        cov["log_forms"] = np.log(direct["n"].to_numpy(dtype=float))
        x.append("log_forms")
    fh = fay_herriot(
        direct[[KEY, "estimate", "se", "n"]],
        cov,
        unit=KEY,
        transform=transform,
        method=method,
        x=x or None,
        variances=variances,
        level=level,
        seed=seed,
    )
    pub = apply_rule(direct, fh, KEY, rule)
    d = direct.set_index(KEY).reindex(pub[KEY])
    m = fh.set_index(KEY).reindex(pub[KEY])
    out = pd.DataFrame({ucol: d[ucol].to_numpy(), "period": d["period"].to_numpy()})
    if areas is not None:
        name = getattr(areas, "name", None) or "area"
        out.insert(0, str(name), pd.Series(areas).reindex(out[ucol]).to_numpy(dtype=object))
    out["code"] = code
    for col in ["estimate", "se", "mse", "ci_low", "ci_high", "method", "shrinkage", "n"]:
        out[col] = pub[col].to_numpy()
    pairs = (("", "estimate"), ("_se", "se"), ("_ci_low", "ci_low"), ("_ci_high", "ci_high"))
    for col, src in pairs:
        out[f"direct{col}"] = d[src].to_numpy(dtype=float)
        out[f"model{col}"] = m[src].to_numpy(dtype=float)
    ids = [c for c in out.columns if c not in REPORT_COLUMNS]
    out = out[[*ids, *REPORT_COLUMNS]].copy()
    diag = fh.attrs["diagnostics"].set_index(KEY)["std_residual"].reindex(pub[KEY])
    out["std_residual"] = diag.to_numpy(dtype=float)
    out["outlying"] = np.abs(out["std_residual"].to_numpy()) > max_residual
    figures = [c for c in REPORT_COLUMNS if c.startswith(("direct", "model"))]
    out.loc[out["method"].to_numpy() == "suppressed", figures] = np.nan
    rank = {p: i for i, p in enumerate(sums.periods)}
    out = out.iloc[np.lexsort((out["period"].map(rank), out[ucol].astype(str)))]
    out = out.reset_index(drop=True)
    out.attrs.update(
        rule=pub.attrs["rule"],
        model=pub.attrs["model"],
        level=level,
        unit=ucol,
        key=None,
        out_of_sample=0,
        covariates=list(covariates),
        history=int(history),
        max_residual=float(max_residual),
        periods=list(sums.periods),
    )
    return out
