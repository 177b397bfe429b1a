"""Progress to dated targets: "SIPAS above 90% in 2023 and 95% in 2025".

Targets come in either form of notebook 05's ``dated_targets``
(:mod:`govsurvey.config.params_trends`): ``{year: target}`` for one unit (or the whole
population), or ``{unit: {year: target}}`` for several, where the key ``all`` gives the targets
of every unit without its own. :func:`progress` judges each target, one row per (unit, target
year); :func:`trajectory` gives the estimate path of each unit with targets and the trend's
prediction at each later target year, for the plot.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..config.instrument import Instrument
from ..config.params_trends import (
    OVERALL,
    ParameterValueError,
    dated_target_problems,
    dated_targets_by_unit,
)
from ..errors import InputError, Problem
from ..inference import one_sided
from .waves import Waves

__all__ = ["progress", "trajectory"]

#: The verdict words: a target year after the last wave is judged by the trend (on track), a
#: surveyed year by its own survey (met).
VERDICTS = {
    "trend": {"achieved": "on track", "not achieved": "off track"},
    "survey": {"achieved": "met", "not achieved": "not met"},
}


def _targets_frame(by_unit: Mapping, unit: str | None, units: list[str]) -> pd.DataFrame:
    """One row per (unit, target year): ``[(unit,) "target_year", "target", "source"]``.

    ``by_unit`` is :func:`~govsurvey.config.params_trends.dated_targets_by_unit`'s reading of
    the targets. ``source`` is "own" for a unit's own target, "all" for the default given to
    every unit without its own (the nested form's ``all``); the whole population's targets
    have no unit.
    """
    if not by_unit:
        raise InputError.one("no dated target is given", "pass e.g. {2025: 95}", column="targets")
    if unit is None and set(by_unit) != {None}:
        raise InputError.one(
            "targets by unit need the column that names the units",
            "pass unit=, e.g. unit='district'",
            column="targets",
        )
    per = [  # a few entries, one per stated unit
        pd.DataFrame({"target_year": list(d), "target": list(d.values()), "key": u})
        for u, d in by_unit.items()
    ]
    tg = pd.concat(per, ignore_index=True)
    tg["target_year"] = tg["target_year"].astype(int)
    if unit is None:
        return tg.drop(columns="key").assign(source="own")
    own = tg[tg["key"] != OVERALL].rename(columns={"key": unit}).assign(source="own")
    rest = pd.DataFrame({unit: [u for u in units if u not in set(own[unit])]})
    default = tg[tg["key"] == OVERALL].drop(columns="key")
    every = rest.merge(default, how="cross").assign(source=OVERALL)
    return pd.concat([own, every], ignore_index=True)[[unit, "target_year", "target", "source"]]


def _judged(
    waves: Waves,
    targets: Mapping,
    instrument: Instrument | str | Mapping,
    unit: str | None,
    target_unit: str | None,
    code: str,
    confidence: float,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The targets frame, the figure's index by period, and the predictions at later years."""
    try:
        by_unit = dated_targets_by_unit(targets, target_unit)
    except ParameterValueError as e:  # the parameters' own words, en and vi
        what, what_vi = f"{e.where} {e.what}", f"{e.where} {e.what_vi}"
        raise InputError([Problem(what, e.fix, what_vi=what_vi, fix_vi=e.fix_vi)]) from None
    if None in by_unit:
        unit = None  # flat targets without target_unit: the whole population's
    idx = waves.index(instrument, by=unit, confidence=confidence)
    if code not in set(idx["code"]):
        raise InputError.one(
            f"the index has no figure {code!r}", "give a code of the index", value=code
        )
    idx = idx[idx["code"] == code].copy()
    idx["period"] = idx["period"].astype(float)
    keys = [] if unit is None else [unit]
    if unit is not None:
        idx[unit] = idx[unit].astype(str)
    units = sorted(idx[unit].unique()) if unit is not None else []
    tg = _targets_frame(by_unit, unit, units)
    problems = dated_target_problems(
        targets, target_unit, units, waves._x(), unit or "the unit column"
    )
    if problems:
        raise InputError(problems)
    last = float(waves._x()[-1])
    later = sorted({int(y) for y in tg["target_year"] if y > last})
    preds = [  # one prediction per later target year: few
        waves.predict(instrument, at=y, by=unit, confidence=confidence) for y in later
    ]
    cols = [*keys, "at", "estimate", "se", "ci_low", "ci_high", "df"]
    pr = pd.concat(preds, ignore_index=True) if preds else pd.DataFrame(columns=cols)
    pr = pr[pr["code"] == code][cols].copy() if preds else pr
    pr["at"] = pr["at"].astype(float)
    if unit is not None:
        pr[unit] = pr[unit].astype(str)
    return tg, idx, pr


def progress(
    waves: Waves,
    targets: Mapping,
    instrument: Instrument | str | Mapping = "sipas-2017",
    unit: str | None = None,
    code: str = "SIPAS",
    confidence: float = 0.95,
    target_unit: str | None = None,
) -> pd.DataFrame:
    """Is each dated target on track? The trend extrapolated to the target year, judged.

    For a target year after the last wave the figure's linear trend is extrapolated to it
    (:meth:`Waves.predict`: estimate, prediction SE and prediction interval), and the verdict
    read from the one-sided bounds of that prediction at ``confidence``: "on track" when the
    lower bound is above the target, "off track" when the upper bound is below it, "not
    determined" otherwise (a bound equal to the target included), "not estimable" when the
    unit has too few waves for a line. A target for a year that was surveyed is judged by
    that year's survey ("met", "not met", "not determined"). A target year before the last
    wave that was not surveyed, or a unit the waves do not hold, is refused.

    Parameters
    ----------
    waves : Waves
    targets : mapping
        ``{year: target}`` (for ``target_unit``, or the whole population), or
        ``{unit: {year: target}}`` with ``unit``, where the key ``"all"`` gives the targets of
        every unit of the waves without its own, e.g. ``{"Thanh Xuân": {2023: 90, 2025: 95},
        "all": {2025: 88}}``.
    instrument : Instrument, str or mapping period -> Instrument
    unit : str, optional
        The domain column naming the units (``trend_unit``); with flat targets and no
        ``target_unit`` the whole population is judged and the result has no unit column.
    code : str
        The figure the targets are for.
    confidence : float
    target_unit : str, optional
        The unit flat ``{year: target}`` targets are for (with ``unit``).

    Returns
    -------
    DataFrame
        One row per (unit, target year), units with their own targets first:
        ``[(unit,) "target_year", "target", "source", "basis", "estimate", "se", "ci_low",
        "ci_high", "df", "lower_bound", "upper_bound", "verdict", "n", "first_period",
        "first_estimate", "last_period", "last_estimate", "slope", "slope_se",
        "needed_slope"]``: ``source`` "own" or "all" (the default); ``basis`` "survey" or
        "trend"; ``estimate``/``se``/``ci_low``/``ci_high`` the survey's estimate and CI, or
        the trend's prediction, its SE and prediction interval; ``lower_bound``/
        ``upper_bound`` the one-sided bounds the verdict reads; ``n`` the respondents of the
        survey that judges (the last wave's for a trend); the path from the first to the last
        wave's estimate, the yearly slope of the trend with its SE, and ``needed_slope`` the
        yearly rise from the last wave's estimate that would reach the target. ``attrs``:
        ``level``, ``method``, ``notes``.

    Examples
    --------
    >>> progress(Waves(...), {"Thanh Xuân": {2023: 90, 2027: 95}, "all": {2027: 88}},
    ...          unit="district")  # doctest: +SKIP
    """
    tg, idx, pr = _judged(waves, targets, instrument, unit, target_unit, code, confidence)
    unit = unit if unit in tg.columns else None
    keys = [] if unit is None else [unit]
    last = float(waves._x()[-1])
    stats_cols = ["estimate", "se", "ci_low", "ci_high", "df"]
    tg = tg.assign(_y=tg["target_year"].astype(float))
    surveyed = tg.merge(
        idx[[*keys, "period", *stats_cols, "n"]].rename(columns={"period": "_y"}),
        on=[*keys, "_y"],
        how="inner",
    ).assign(basis="survey")
    ahead = (
        tg[tg["_y"] > last]
        .merge(pr.rename(columns={"at": "_y"}), on=[*keys, "_y"], how="left")
        .assign(basis="trend")
    )
    out = pd.concat([surveyed, ahead], ignore_index=True)
    # the path: first and last wave, and the trend's slope
    ends = idx.sort_values("period")
    g = ends.groupby(keys, sort=False) if keys else None
    path = (
        pd.DataFrame(
            {
                "first_period": g["period"].first(),
                "first_estimate": g["estimate"].first(),
                "last_period": g["period"].last(),
                "last_estimate": g["estimate"].last(),
                "last_n": g["n"].last(),
            }
        ).reset_index()
        if g is not None
        else pd.DataFrame(
            {
                "first_period": [ends["period"].iloc[0]],
                "first_estimate": [ends["estimate"].iloc[0]],
                "last_period": [ends["period"].iloc[-1]],
                "last_estimate": [ends["estimate"].iloc[-1]],
                "last_n": [ends["n"].iloc[-1]],
            }
        )
    )
    tr = waves.trend(instrument, by=unit, confidence=confidence)
    tr = tr[tr["code"] == code][[*keys, "estimate", "se"]].rename(
        columns={"estimate": "slope", "se": "slope_se"}
    )
    if unit is not None:
        tr[unit] = tr[unit].astype(str)
    out = out.merge(path, on=keys, how="left") if keys else out.merge(path, how="cross")
    out = out.merge(tr, on=keys, how="left") if keys else out.merge(tr, how="cross")
    out["n"] = out["n"].where(out["basis"] == "survey", out["last_n"])
    ty = out["target_year"].to_numpy(float)
    out["needed_slope"] = np.where(
        ty > last, (out["target"] - out["last_estimate"]) / (ty - last), np.nan
    )
    _, lo, hi, verdict = one_sided(
        out["estimate"].to_numpy(float),
        out["se"].to_numpy(float),
        out["df"].to_numpy(float),
        out["target"].to_numpy(float),
        confidence,
    )
    out["lower_bound"], out["upper_bound"] = lo, hi
    trend = out["basis"].to_numpy() == "trend"
    out["verdict"] = np.select(
        [
            trend & (verdict == "achieved"),
            trend & (verdict == "not achieved"),
            ~trend & (verdict == "achieved"),
            ~trend & (verdict == "not achieved"),
        ],
        [
            VERDICTS["trend"]["achieved"],
            VERDICTS["trend"]["not achieved"],
            VERDICTS["survey"]["achieved"],
            VERDICTS["survey"]["not achieved"],
        ],
        verdict,
    ).astype(object)
    out["n"] = out["n"].fillna(0).astype(np.int64)  # no last wave: nothing to publish
    order = [
        *keys,
        "target_year",
        "target",
        "source",
        "basis",
        *stats_cols,
        "lower_bound",
        "upper_bound",
        "verdict",
        "n",
        "first_period",
        "first_estimate",
        "last_period",
        "last_estimate",
        "slope",
        "slope_se",
        "needed_slope",
    ]
    out["_own"] = out["source"] != "own"
    out = out.sort_values(["_own", *keys, "target_year"], kind="stable").reset_index(drop=True)
    out = out[order]
    notes = list(idx.attrs.get("notes", []))
    past = out[(out["basis"] == "survey") & (out["target_year"] < last)]
    if len(past):
        notes.append(
            f"{len(past)} target(s) for a year before the last wave are judged by that year's "
            "survey"
        )
    if (out["verdict"] == "not estimable").any():
        notes.append(
            f"{int((out['verdict'] == 'not estimable').sum())} target(s) cannot be judged: the "
            "unit has too few waves for a trend"
        )
    out.attrs.update(
        level=float(confidence),
        method="linear trend of the period estimates extrapolated to the target year, "
        "prediction interval from the combined design plus the scatter around the line; "
        "one-sided bounds",
        notes=notes,
    )
    return out


def trajectory(
    waves: Waves,
    targets: Mapping,
    instrument: Instrument | str | Mapping = "sipas-2017",
    unit: str | None = None,
    code: str = "SIPAS",
    confidence: float = 0.95,
    target_unit: str | None = None,
    own_only: bool = True,
) -> pd.DataFrame:
    """Each targeted unit's estimate path and the trend's predictions at its later target years.

    Parameters
    ----------
    waves, targets, instrument, unit, code, confidence, target_unit
        As :func:`progress`.
    own_only : bool
        Only the units with targets of their own (not those given the ``all`` default).

    Returns
    -------
    DataFrame
        ``[(unit,) "period", "basis", "estimate", "se", "ci_low", "ci_high", "df", "n",
        "target"]``: one row per surveyed period (``basis`` "survey", the CI) and per target
        year after the last wave (``basis`` "trend", the prediction interval; ``n`` the last
        wave's respondents); ``target`` the unit's target
        for that year, NaN where none; a target year after the last wave with no prediction
        (too few waves) has no estimate.

    Examples
    --------
    >>> trajectory(Waves(...), {"Thanh Xuân": {2027: 95}}, unit="district")  # doctest: +SKIP
    """
    tg, idx, pr = _judged(waves, targets, instrument, unit, target_unit, code, confidence)
    unit = unit if unit in tg.columns else None
    keys = [] if unit is None else [unit]
    if own_only:
        tg = tg[tg["source"] == "own"]
    last = float(waves._x()[-1])
    cols = ["estimate", "se", "ci_low", "ci_high", "df"]
    surveyed = idx[[*keys, "period", *cols, "n"]].assign(basis="survey")
    if keys:
        surveyed = surveyed[surveyed[unit].isin(set(tg[unit]))]
    ahead = tg.loc[tg["target_year"] > last, [*keys, "target_year"]].astype({"target_year": float})
    ahead = ahead.rename(columns={"target_year": "period"}).merge(
        pr.rename(columns={"at": "period"}), on=[*keys, "period"], how="left"
    )
    last_n = surveyed.sort_values("period").groupby(keys)["n"].last() if keys else None
    ahead["n"] = ahead[unit].map(last_n) if keys else surveyed.sort_values("period")["n"].iloc[-1]
    out = pd.concat([surveyed, ahead.assign(basis="trend")], ignore_index=True)
    out["n"] = out["n"].fillna(0).astype(np.int64)
    want = tg.assign(period=tg["target_year"].astype(float))[[*keys, "period", "target"]]
    out = out.merge(want, on=[*keys, "period"], how="left")
    out = out.sort_values([*keys, "period"], kind="stable").reset_index(drop=True)
    out = out[[*keys, "period", "basis", *cols, "n", "target"]]
    out.attrs.update(
        level=float(confidence),
        method="survey CI by period; trend prediction interval at later target years",
    )
    return out
