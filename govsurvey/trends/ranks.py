"""Ranks over time: each unit's rank per period with rank intervals, and the rank change."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import numpy as np
import pandas as pd

from ..config.instrument import Instrument
from ..errors import InputError
from ..inference import rank_index
from .waves import Waves

__all__ = ["ranks", "rank_change"]


def ranks(
    waves: Waves,
    instrument: Instrument | str | Mapping = "sipas-2017",
    unit: str = "district",
    code: str = "SIPAS",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Each unit's rank in every period, with rank intervals (:func:`~govsurvey.rank_index`).

    Parameters
    ----------
    waves : Waves
    instrument : Instrument, str or mapping period -> Instrument
    unit : str
        The domain column naming the units (districts, wards).
    code : str
        The figure ranked.
    confidence : float
        Each period's rank intervals cover the true ranks at this level.

    Returns
    -------
    DataFrame
        ``["period", unit, "estimate", "se", "df", "n", "rank", "rank_low", "rank_high"]``,
        by period then rank; a unit without an estimate in a period is not ranked there.

    Examples
    --------
    >>> ranks(Waves(...), "sipas-2017", "district")  # doctest: +SKIP
    """
    idx = waves.index(instrument, by=unit, confidence=confidence)
    if code not in set(idx["code"]):
        raise InputError.one(
            f"the index has no figure {code!r}",
            f"rank one of {', '.join(dict.fromkeys(idx['code']))}",
            value=code,
        )
    parts = []
    for p in waves.periods:  # a few periods
        rows = idx[(idx["period"] == p) & (idx["code"] == code)].copy()
        rows.attrs = dict(idx.attrs)
        if rows["estimate"].notna().sum() == 0:
            continue
        r = rank_index(rows.drop(columns=["period"]), unit, confidence)
        r.insert(0, "period", p)
        parts.append(r)
    if not parts:
        raise InputError.one(
            f"no period has an estimate of {code!r} by {unit!r} to rank",
            "check the unit column and that the waves hold answers to the criteria",
            column=unit,
        )
    out = pd.concat(parts, ignore_index=True)
    cols = ["period", unit, "estimate", "se", "df", "n", "rank", "rank_low", "rank_high"]
    out = out[cols]
    out.attrs.update(
        level=float(confidence), method=parts[0].attrs.get("method", ""), notes=idx.attrs["notes"]
    )
    return out


def rank_change(
    waves: Waves,
    instrument: Instrument | str | Mapping = "sipas-2017",
    unit: str = "district",
    start: Hashable | None = None,
    end: Hashable | None = None,
    code: str = "SIPAS",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Change of each unit's rank from ``start`` to ``end``, with an interval.

    The rank change is ``rank_end − rank_start`` (negative: the unit moved up, "tăng hạng").
    Both periods' rank intervals are computed at level ``1 − (1 − confidence)/2``, so that
    both cover the true ranks together with probability at least ``confidence`` (Bonferroni);
    the change's interval is ``[rank_low_end − rank_high_start, rank_high_end −
    rank_low_start]``. A unit "rose" only when the whole interval is below 0, "fell" when it
    is above 0, and otherwise its rank change is "not determined".

    Parameters
    ----------
    waves : Waves
    instrument : Instrument, str or mapping period -> Instrument
    unit : str
    start, end : period
        Default: the first and the last period.
    code : str
    confidence : float

    Returns
    -------
    DataFrame
        ``[unit, "rank_start", "rank_end", "rank_change", "change_low", "change_high",
        "verdict", "estimate_start", "estimate_end", "rank_low_start", "rank_high_start",
        "rank_low_end", "rank_high_end"]``, sorted by the end rank; units ranked in one
        period only are left out and named in ``attrs["notes"]``.

    Examples
    --------
    >>> rank_change(Waves(...), "sipas-2017", "district", 2021, 2022)  # doctest: +SKIP
    """
    start = waves.periods[0] if start is None else start
    end = waves.periods[-1] if end is None else end
    waves._periods_of(start, end)
    if start == end:
        raise InputError.one("start and end are the same period", "give two periods", value=start)
    both = 1 - (1 - confidence) / 2
    r = ranks(waves, instrument, unit, code, both)
    a = r[r["period"] == start].drop(columns="period").set_index(unit)
    b = r[r["period"] == end].drop(columns="period").set_index(unit)
    common = [u for u in b.index if u in a.index]
    alone = sorted(set(a.index) ^ set(b.index), key=str)
    # rank among the units of both periods: re-rank on the common units
    a = ranks_on(a.loc[common], unit, both)
    b = ranks_on(b.loc[common], unit, both)
    out = pd.DataFrame({unit: common})
    out["rank_start"] = a.loc[common, "rank"].to_numpy()
    out["rank_end"] = b.loc[common, "rank"].to_numpy()
    out["rank_change"] = out["rank_end"] - out["rank_start"]
    out["change_low"] = b.loc[common, "rank_low"].to_numpy() - a.loc[common, "rank_high"].to_numpy()
    out["change_high"] = (
        b.loc[common, "rank_high"].to_numpy() - a.loc[common, "rank_low"].to_numpy()
    )
    out["verdict"] = np.where(
        out["change_high"] < 0, "rose", np.where(out["change_low"] > 0, "fell", "not determined")
    )
    out["estimate_start"] = a.loc[common, "estimate"].to_numpy()
    out["estimate_end"] = b.loc[common, "estimate"].to_numpy()
    for col in ("rank_low", "rank_high"):
        out[f"{col}_start"] = a.loc[common, col].to_numpy()
        out[f"{col}_end"] = b.loc[common, col].to_numpy()
    out = out.sort_values("rank_end").reset_index(drop=True)
    notes = list(r.attrs.get("notes", []))
    if alone:
        notes.append(
            f"ranked in one of {start} and {end} only, so left out of the rank change: "
            + ", ".join(map(str, alone))
        )
    out.attrs.update(
        level=float(confidence),
        method=f"rank intervals of both periods at level {both:g} (Bonferroni), "
        "Bonferroni-adjusted pairwise t tests",
        notes=notes,
        start=start,
        end=end,
    )
    return out


def ranks_on(rows: pd.DataFrame, unit: str, confidence: float) -> pd.DataFrame:
    """Re-rank one period's rows (indexed by unit) among themselves."""
    r = rank_index(rows.reset_index(), unit, confidence)
    return r.set_index(unit)
