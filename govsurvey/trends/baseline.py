"""Notebook 03's baseline from last year's survey: the baseline test's table from two designs.

:func:`~govsurvey.inference.baseline_test` compares the survey with typed baseline values
(their SE 0 or typed). When last year's survey file is given instead, :func:`baseline_change`
puts both years' designs into one :class:`~govsurvey.trends.waves.Waves` and takes every
figure of the table — the baseline value and its SE, the change, its SE, interval and
one-sided bounds, the rise test and the plan's gain tests — from :meth:`Waves.change`, so the
baseline's SE is known and enters every change (independent samples by default; with
``shared_psus`` the covariance of the wards surveyed in both years). The frame has
:func:`~govsurvey.inference.baseline_test`'s columns (the report's table, narrative and
change plot read it unchanged) plus ``se_before``/``se_after`` and the relative change.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

from ..config.instrument import Instrument
from ..design import Design
from ..errors import InputError
from .waves import Waves

__all__ = ["baseline_change"]

#: The columns of :func:`~govsurvey.inference.baseline_test` taken over from ``Waves.change``.
_RISE = ("se", "ci_low", "ci_high", "df", "lower_bound", "upper_bound", "p_rise", "rise_verdict")


def baseline_change(
    before: Design,
    after: Design,
    instrument: Instrument | str = "sipas-2017",
    codes: Sequence[str] | None = None,
    start: Hashable = "baseline",
    end: Hashable = "survey",
    gain: float | None = None,
    gain_high: float | None = None,
    gain_unit: str = "points",
    shared_psus: bool = False,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Rises on last year's survey, as :func:`~govsurvey.inference.baseline_test` shows them.

    Parameters
    ----------
    before, after : Design
        The baseline year's design (last year's survey as it declares itself) and this
        year's (with its published weights).
    instrument : Instrument or str
        The instrument of both surveys (compared on their common criteria).
    codes : sequence of str, optional
        The figures compared, in the order shown (e.g. ``["C5", "C5.1", …]``); by default the
        overall index and every component.
    start, end : hashable
        The two periods' labels (e.g. 2021 and 2022): ``start`` sorts before ``end``.
    gain, gain_high : float, optional
        The plan's minimum rise and the upper end of its range, in ``gain_unit``; tested on
        the overall index and components (not on criteria), as ``baseline_test`` does.
    gain_unit : {"points", "relative"}
        ``"points"``: the change in percentage points is tested against the gain;
        ``"relative"``: the relative change (% of the baseline value, its SE by
        linearisation) is.
    shared_psus : bool
        The same PSUs (wards) were surveyed in both years: their covariance enters the SE.
    confidence : float
        Level of the intervals and one-sided bounds.

    Returns
    -------
    DataFrame
        One row per (code, stated gain), as :func:`~govsurvey.inference.baseline_test`:
        ``level, code, estimate_before, estimate_after, n_before, n_after, n, change, se,
        ci_low, ci_high, df, lower_bound, upper_bound, p_rise, rise_verdict`` from
        ``Waves.change(unit="points")`` (``change`` its ``estimate``), and with a gain
        ``gain, gain_unit, gain_threshold, gain_lower, gain_upper, p_gain, gain_verdict`` from
        ``Waves.change(unit=gain_unit, gain=g)``; plus ``se_before``, ``se_after`` (each
        year's SE), ``change_relative`` and ``se_relative``. For a relative gain the bounds
        and the threshold are put on the points scale by the baseline value (a bound ``r``
        in % of it becomes ``r × before / 100``), so a verdict reads from the bound printed
        beside it. ``attrs`` records ``level``, ``method``, ``notes`` and ``dropped_codes``.

    Examples
    --------
    >>> import numpy as np, pandas as pd, govsurvey as gs
    >>> inst = gs.load_instrument("sipas-2017")
    >>> cols = [c.column for c in inst.criteria]
    >>> rng = np.random.default_rng(1)
    >>> def wave(low):
    ...     df = pd.DataFrame(rng.integers(low, 6, size=(60, len(cols))), columns=cols)
    ...     df["psu"] = np.repeat(np.arange(6), 10)
    ...     return gs.Design(df, psu="psu")
    >>> t = baseline_change(wave(2), wave(3), inst, ["C5"], 2021, 2022, gain=3.0)
    >>> t[["code", "gain", "rise_verdict"]].values.tolist()
    [['C5', 3.0, 'achieved']]
    >>> bool(t["se_before"].iloc[0] > 0)
    True
    """
    if gain_unit not in ("points", "relative"):
        raise InputError.one(
            f"gain_unit is {gain_unit!r}",
            'set gain_unit to "points" (percentage points) or "relative" (% of the baseline)',
            column="gain_unit",
            value=gain_unit,
        )
    waves = Waves({start: before, end: after}, shared_psus=shared_psus)
    args = dict(instrument=instrument, start=start, end=end, confidence=confidence)
    points = waves.change(unit="points", **args)
    relative = waves.change(unit="relative", **args)
    have = list(points["code"])
    if codes is None:
        codes = list(points.loc[points["level"] != "criterion", "code"])
    unknown = [c for c in codes if c not in set(have)]
    if unknown:
        raise InputError.one(
            f"the baseline names code(s) {unknown} that the two surveys do not have in common",
            f"use codes of both surveys' index: {', '.join(have)}",
            column="baseline_codes",
            value=unknown[0],
        )
    pos = points.set_index("code").index.get_indexer(list(codes))
    p, r = points.iloc[pos].reset_index(drop=True), relative.iloc[pos].reset_index(drop=True)
    base = pd.DataFrame(
        {
            "level": p["level"].to_numpy(),
            "code": p["code"].to_numpy(),
            "estimate_before": p["estimate_start"].to_numpy(float),
            "estimate_after": p["estimate_end"].to_numpy(float),
            "n_before": p["n_start"].to_numpy(float),
            "n_after": p["n_end"].to_numpy(float),
            "n": p["n"].to_numpy(float),
            "change": p["estimate"].to_numpy(float),
        }
    )
    for c in _RISE:
        base[c] = p[c].to_numpy()
    base["se_before"] = p["se_start"].to_numpy(float)
    base["se_after"] = p["se_end"].to_numpy(float)
    base["change_relative"] = r["estimate"].to_numpy(float)
    base["se_relative"] = r["se"].to_numpy(float)
    gains = [g for g in (gain, gain_high) if g is not None]
    is_crit = base["level"].eq("criterion").to_numpy()
    if not gains:
        out = base
    else:
        parts = []
        for g in gains:
            t = waves.change(unit=gain_unit, gain=float(g), **args).iloc[pos]
            t = t.reset_index(drop=True)
            before_v = base["estimate_before"].to_numpy(float)
            # the test's bounds on the points scale (a relative bound is in % of the baseline)
            scale = before_v / 100.0 if gain_unit == "relative" else np.ones(len(base))
            part = base.assign(
                gain=float(g),
                gain_unit=gain_unit,
                gain_threshold=float(g) * scale,
                gain_lower=t["gain_lower"].to_numpy(float) * scale,
                gain_upper=t["upper_bound"].to_numpy(float) * scale,
                p_gain=t["p_gain"].to_numpy(float),
                gain_verdict=t["gain_verdict"].to_numpy(),
            )
            parts.append(part[~is_crit])
        crit = base[is_crit]
        if len(crit):
            parts.append(crit.assign(gain=np.nan, gain_unit=None))
        order = {c: i for i, c in enumerate(codes)}
        out = pd.concat(parts, ignore_index=True)
        out = out.assign(_o=out["code"].map(order)).sort_values("_o", kind="stable")
        out = out.drop(columns="_o").reset_index(drop=True)
    out.attrs.update(
        level=float(confidence),
        method=points.attrs.get("method", ""),
        notes=list(points.attrs.get("notes", [])),
        dropped_codes=list(points.attrs.get("dropped_codes", [])),
        start=start,
        end=end,
        shared_psus=bool(shared_psus),
    )
    return out
