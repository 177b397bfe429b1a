"""Progress to dated targets: "SIPAS above 90% in 2023 and 95% in 2025"."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..config.instrument import Instrument
from ..errors import InputError
from ..inference import one_sided
from .waves import Waves

__all__ = ["progress"]

VERDICTS = {"achieved": "on track", "not achieved": "off track"}


def _as_targets(targets: Mapping, unit: str | None) -> list[tuple[object, float, float]]:
    """(unit, year, target) triples from ``{year: target}`` or ``{unit: {year: target}}``."""
    rows = []
    if unit is None:
        for year, tgt in targets.items():
            rows.append((None, year, tgt))
    else:
        for u, per in targets.items():
            if not isinstance(per, Mapping):
                raise InputError.one(
                    f"the targets of {u!r} must map a year to a target, e.g. {{2025: 95}}",
                    "write targets as {unit: {year: target}}",
                    column="targets",
                    value=per,
                )
            for year, tgt in per.items():
                rows.append((u, year, tgt))
    out = []
    for u, year, tgt in rows:
        try:
            y, t = float(year), float(tgt)
        except (TypeError, ValueError):
            raise InputError.one(
                "a dated target needs a numeric year and a target in percent",
                "write e.g. {2025: 95}",
                column="targets",
                value=f"{year}: {tgt}",
            ) from None
        if not 0 <= t <= 100:
            raise InputError.one(
                "a target is a percentage between 0 and 100", "check it", value=tgt
            )
        out.append((u, y, t))
    return out


def progress(
    waves: Waves,
    targets: Mapping,
    instrument: Instrument | str | Mapping = "sipas-2017",
    unit: str | None = None,
    code: str = "SIPAS",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Is each dated target on track? The trend extrapolated to the target year, judged.

    For a target year after the last wave the figure's linear trend is extrapolated to it
    (:meth:`Waves.predict`), and the verdict read from the one-sided bounds of that
    prediction at ``confidence``: "on track" when the lower bound is above the target, "off
    track" when the upper bound is below it, "not determined" otherwise. A target for a year
    that was surveyed is judged by that year's survey ("met", "not met", "not determined").
    A target year before the last wave that was not surveyed is refused.

    Parameters
    ----------
    waves : Waves
    targets : mapping
        ``{year: target}`` for the whole population, or ``{unit: {year: target}}`` with
        ``unit`` (e.g. ``{"Thanh Xuân": {2023: 90, 2025: 95}}``).
    instrument : Instrument, str or mapping period -> Instrument
    unit : str, optional
        The domain column naming the units.
    code : str
        The figure the targets are for.
    confidence : float

    Returns
    -------
    DataFrame
        ``[(unit,) "year", "target", "basis", "estimate", "se", "lower_bound", "upper_bound",
        "df", "verdict", "last_period", "last_estimate", "slope", "slope_se", "needed_slope"]``:
        ``basis`` "survey" or "trend"; ``needed_slope`` the yearly rise from the last wave's
        estimate that would reach the target.

    Examples
    --------
    >>> progress(Waves(...), {"Thanh Xuân": {2025: 95}}, unit="district")  # doctest: +SKIP
    """
    wanted = _as_targets(targets, unit)
    idx = waves.index(instrument, by=unit, confidence=confidence)
    if code not in set(idx["code"]):
        raise InputError.one(
            f"the index has no figure {code!r}", "give a code of the index", value=code
        )
    idx = idx[idx["code"] == code]
    if unit is not None:
        names = set(idx[unit].astype(str))
        unknown = [u for u, _, _ in wanted if str(u) not in names]
        if unknown:
            raise InputError.one(
                f"the targets name {unknown[0]!r}, which is not a value of {unit!r} in the waves",
                f"use names as written in the data, e.g. {sorted(names)[:5]}",
                column="targets",
                value=unknown[0],
            )
    x = np.array([float(p) for p in waves._x()])
    last = waves.periods[-1]
    tr = waves.trend(instrument, by=unit, confidence=confidence)
    tr = tr[tr["code"] == code]
    rows = []
    notes: list[str] = []
    for u, year, tgt in wanted:  # one row per stated target: few
        sel_i = idx if u is None else idx[idx[unit].astype(str) == str(u)]
        sel_t = tr if u is None else tr[tr[unit].astype(str) == str(u)]
        last_row = sel_i[sel_i["period"] == last]
        last_est = float(last_row["estimate"].iloc[0]) if len(last_row) else np.nan
        rec = {} if u is None else {unit: u}
        rec.update(year=year, target=tgt)
        if year in x:
            p = waves.periods[int(np.flatnonzero(x == year)[0])]
            r = sel_i[sel_i["period"] == p]
            est, se, df = (
                (float(r[c].iloc[0]) for c in ("estimate", "se", "df"))
                if len(r)
                else (np.nan, np.nan, np.nan)
            )
            basis = "survey"
            if year < x[-1]:
                notes.append(
                    f"the target for {year}{'' if u is None else f' ({u})'} is judged by that "
                    "year's survey"
                )
        elif year < x[-1]:
            raise InputError.one(
                f"the target year {year:g} lies before the last wave ({last}) and was not surveyed",
                "give target years that were surveyed or come after the last wave",
                column="targets",
                value=year,
            )
        else:
            pr = waves.predict(instrument, at=year, by=unit, confidence=confidence)
            pr = pr[pr["code"] == code]
            if u is not None:
                pr = pr[pr[unit].astype(str) == str(u)]
            est, se, df = (float(pr[c].iloc[0]) for c in ("estimate", "se", "df"))
            basis = "trend"
        p_, lo, hi, verdict = one_sided(
            np.array([est]), np.array([se]), np.array([df]), tgt, confidence
        )
        v = str(verdict[0])
        if basis == "trend":
            v = VERDICTS.get(v, v)
        else:
            v = {"achieved": "met", "not achieved": "not met"}.get(v, v)
        rec.update(
            basis=basis,
            estimate=est,
            se=se,
            lower_bound=float(lo[0]),
            upper_bound=float(hi[0]),
            df=df,
            verdict=v,
            last_period=last,
            last_estimate=last_est,
            slope=float(sel_t["estimate"].iloc[0]) if len(sel_t) else np.nan,
            slope_se=float(sel_t["se"].iloc[0]) if len(sel_t) else np.nan,
            needed_slope=(tgt - last_est) / (year - x[-1]) if year > x[-1] else np.nan,
        )
        rows.append(rec)
    out = pd.DataFrame(rows)
    out.attrs.update(
        level=float(confidence),
        method="linear trend of the period estimates extrapolated to the target year, "
        "prediction interval from the combined design plus the scatter around the line; "
        "one-sided bounds",
        notes=list(idx.attrs.get("notes", [])) + notes,
    )
    return out
