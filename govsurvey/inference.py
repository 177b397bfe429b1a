"""Inference on index figures: targets, changes against a baseline, ranks.

Moved out of :mod:`govsurvey.index` (which keeps :func:`~govsurvey.index.sipas_index`); the old
names stay importable from there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .errors import InputError
from .results import t_quantile

__all__ = [
    "compare_index",
    "target_test",
    "level_targets",
    "baseline_test",
    "all_rose",
    "unit_targets",
    "rank_index",
    "welch_df",
    "one_sided",
    "rao_scott",
]


def welch_df(se1: np.ndarray, df1: np.ndarray, se2: np.ndarray, df2: np.ndarray) -> np.ndarray:
    """Welch–Satterthwaite degrees of freedom of a difference of two independent estimates.

    ``(v1 + v2)² / (v1²/df1 + v2²/df2)`` with ``v = se²``; an estimate with infinite df (or SE 0,
    a known value) adds nothing to the denominator. Infinite when both are known.

    Examples
    --------
    >>> import numpy as np
    >>> from govsurvey.inference import welch_df
    >>> float(welch_df(np.array(1.0), np.array(3.0), np.array(1.0), np.array(3.0)))
    6.0
    >>> float(welch_df(np.array(0.0), np.array(np.inf), np.array(2.0), np.array(40.0)))
    40.0
    """
    v1, v2 = np.asarray(se1, float) ** 2, np.asarray(se2, float) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        t1 = np.where((v1 > 0) & np.isfinite(df1), v1**2 / df1, 0.0)
        t2 = np.where((v2 > 0) & np.isfinite(df2), v2**2 / df2, 0.0)
        den = t1 + t2
        return np.where(den > 0, (v1 + v2) ** 2 / np.where(den > 0, den, 1.0), np.inf)


def _level(frame: pd.DataFrame, confidence: float | None) -> float:
    """The confidence level to use: the one given, else the one the frame records, else 0.95."""
    if confidence is not None:
        return float(confidence)
    return float(frame.attrs.get("level", 0.95))


def _need(frame: pd.DataFrame, cols: Sequence[str], fn: str, what: str) -> None:
    lacking = [c for c in cols if c not in frame.columns]
    if lacking:
        raise InputError.one(
            f"{fn}: the {what} frame lacks column(s) {lacking}",
            f"pass a result frame with columns {list(cols)} (as gs.sipas_index returns)",
            column=lacking[0],
        )


def one_sided(
    est: np.ndarray, se: np.ndarray, df: np.ndarray, threshold: np.ndarray | float, level: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One-sided tests of H0: θ ≤ threshold (and of θ ≥ threshold) at ``level``.

    Returns the p-value of H0: θ ≤ threshold, the one-sided lower and upper bounds of θ at
    ``level`` and a verdict read from those same bounds: "achieved" (lower bound above the
    threshold), "not achieved" (upper bound below it), "not determined" otherwise, "not
    estimable" when θ or its SE is missing. A value with SE 0 is known: its bounds are itself.

    Examples
    --------
    >>> from govsurvey.inference import one_sided
    >>> p, lo, hi, verdict = one_sided([86.0], [0.5], [30], 85.0, 0.95)
    >>> round(float(lo[0]), 3), verdict[0]
    (85.151, 'achieved')
    """
    est = np.asarray(est, float)
    se = np.asarray(se, float)
    dfx = np.where(np.isfinite(np.asarray(df, float)), df, np.inf)
    thr = np.broadcast_to(np.asarray(threshold, float), est.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        tstat = (est - thr) / se
        p = stats.t.sf(tstat, dfx)
        q = stats.t.ppf(level, dfx)
    p = np.where(se == 0, np.where(est > thr, 0.0, 1.0), p)
    q = np.where(se == 0, 0.0, q)
    lower, upper = est - q * se, est + q * se
    verdict = np.where(
        lower > thr, "achieved", np.where(upper < thr, "not achieved", "not determined")
    )
    bad = ~np.isfinite(est) | ~np.isfinite(se) | np.isnan(thr)
    verdict = np.where(bad, "not estimable", verdict).astype(object)
    p = np.where(bad, np.nan, p)
    return p, lower, upper, verdict


def compare_index(
    before: pd.DataFrame,
    after: pd.DataFrame,
    gain: float | None = None,
    confidence: float | None = None,
    gain_unit: str = "points",
) -> pd.DataFrame:
    """Change between two independent surveys (``after − before``), with SE, CI and one-sided tests.

    Parameters
    ----------
    before, after : DataFrame
        Index frames (as :func:`~govsurvey.index.sipas_index` returns; ``before`` may be a
        hand-made baseline with columns ``code``, ``estimate`` and ``se``, and optionally
        ``level``, ``df``, ``n`` and domain columns). Rows are matched on the domain columns they
        share, ``level`` and ``code``.
    gain : float, optional
        A planned minimum rise (e.g. 3 for "at least 3"), in ``gain_unit``.
    confidence : float, optional
        Level of the interval and of the one-sided bounds; by default the level ``after``
        records in ``attrs["level"]``, else 0.95.
    gain_unit : {"points", "relative"}
        ``"points"``: the rise is in percentage points (after > before + gain);
        ``"relative"``: in percent of the baseline value (after > before × (1 + gain/100)).

    Returns
    -------
    DataFrame
        ``[*keys, "estimate_before", "estimate_after", "n_before", "n_after", "n", "change", "se",
        "ci_low", "ci_high", "df", "lower_bound", "upper_bound", "p_rise", "rise_verdict"]``
        and with ``gain``: ``"gain", "gain_unit", "gain_threshold", "gain_lower", "gain_upper",
        "p_gain", "gain_verdict"``.

        The SE is ``sqrt(se_before² + se_after²)`` (independent samples) and the df
        Welch–Satterthwaite's (:func:`welch_df`; a baseline with SE 0 is a known value).
        ``ci_low``/``ci_high`` are the two-sided interval of the change;
        ``lower_bound``/``upper_bound`` its one-sided bounds at ``confidence``, from which
        ``rise_verdict`` is read ("achieved": the lower bound is above 0). ``gain_threshold``
        is the rise the plan asks for, in points; ``gain_lower``/``gain_upper`` are the one-sided
        bounds of the gain test's own contrast put on the change scale, and ``gain_verdict`` is
        read from them: so the bound printed beside a verdict is the bound that decided it. With
        a relative gain and a baseline SE the contrast is ``after − (1 + g) before`` with SE
        ``sqrt(se_after² + (1 + g)² se_before²)``. ``n_before``/``n_after`` are both cells'
        sizes (NaN when a frame has no ``n``) and ``n`` the smaller of them, so a publication
        guard can suppress a comparison of small cells.
        ``attrs`` records ``level`` and ``method``.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> a = pd.DataFrame({"code": ["C5"], "estimate": [79.73], "se": [0.0]})
    >>> b = pd.DataFrame({"code": ["C5"], "estimate": [84.0], "se": [1.0], "df": [100.0],
    ...                   "n": [800]})
    >>> r = gs.compare_index(a, b, gain=3.0)
    >>> round(float(r["change"].iloc[0]), 2), r["gain_verdict"].iloc[0], int(r["n_after"].iloc[0])
    (4.27, 'not determined', 800)
    >>> round(float(r["gain_lower"].iloc[0]), 4)  # 4.27 − t(100, 0.95) × 1
    2.6098
    """
    level = _level(after, confidence)
    if gain_unit not in ("points", "relative"):
        raise InputError.one(
            f"gain_unit is {gain_unit!r}",
            'set gain_unit to "points" (percentage points) or "relative" (% of the baseline)',
            column="gain_unit",
            value=gain_unit,
        )
    for name, f in (("before", before), ("after", after)):
        _need(f, ["code", "estimate", "se"], "compare_index", f"'{name}'")
    stat_cols = {"estimate", "se", "ci_low", "ci_high", "df", "n", "deff", "suppressed"}
    keys = [c for c in before.columns if c in after.columns and c not in stat_cols]
    cols = keys + ["estimate", "se", "df", "n"]
    a = before.assign(
        df=before["df"] if "df" in before else np.inf,
        n=before["n"] if "n" in before else np.nan,
    )
    b = after.assign(
        df=after["df"] if "df" in after else np.inf,
        n=after["n"] if "n" in after else np.nan,
    )
    m = a[cols].merge(b[cols], on=keys, suffixes=("_before", "_after"), how="inner")
    if m.empty:
        raise InputError.one(
            f"compare_index: no row of 'before' matches a row of 'after' on {keys}",
            "give the baseline the same codes (and domain values) as the survey's index",
        )
    eb, ea = m["estimate_before"].to_numpy(float), m["estimate_after"].to_numpy(float)
    sb, sa = m["se_before"].to_numpy(float), m["se_after"].to_numpy(float)
    db, da = m["df_before"].to_numpy(float), m["df_after"].to_numpy(float)
    out = m[keys].copy()
    out["estimate_before"] = eb
    out["estimate_after"] = ea
    out["n_before"] = m["n_before"].to_numpy(float)
    out["n_after"] = m["n_after"].to_numpy(float)
    # the smaller of the two cells (a known baseline without n counts as large)
    out["n"] = np.fmin(out["n_before"].to_numpy(float), out["n_after"].to_numpy(float))
    change = ea - eb
    se = np.hypot(sb, sa)
    df = welch_df(sb, db, sa, da)
    q = t_quantile(df, level)
    out["change"] = change
    out["se"] = se
    out["ci_low"] = change - q * se
    out["ci_high"] = change + q * se
    out["df"] = df
    p, lo, hi, verdict = one_sided(change, se, df, 0.0, level)
    out["lower_bound"], out["upper_bound"], out["p_rise"], out["rise_verdict"] = lo, hi, p, verdict
    method = "difference of independent estimates, Welch–Satterthwaite df, one-sided t tests"
    if gain is not None:
        g = float(gain)
        factor = 1.0 + g / 100.0 if gain_unit == "relative" else 1.0
        shift = g if gain_unit == "points" else 0.0
        # the gain test's contrast: after − factor·before − shift > 0
        contrast = ea - factor * eb - shift
        se_c = np.hypot(sa, factor * sb)
        df_c = welch_df(factor * sb, db, sa, da)
        p, lo, hi, verdict = one_sided(contrast, se_c, df_c, 0.0, level)
        threshold = factor * eb + shift - eb  # the rise asked for, in points
        out["gain"] = g
        out["gain_unit"] = gain_unit
        out["gain_threshold"] = threshold
        out["gain_lower"] = lo + threshold
        out["gain_upper"] = hi + threshold
        out["p_gain"] = p
        out["gain_verdict"] = verdict
    out = out.reset_index(drop=True)
    out.attrs.update(level=level, method=method)
    return out


def target_test(
    index: pd.DataFrame, target: float | pd.Series, confidence: float | None = None
) -> pd.DataFrame:
    """Is a target met? One-sided test of each figure against a target value.

    Parameters
    ----------
    index : DataFrame
        An index frame (:func:`~govsurvey.index.sipas_index`).
    target : float or Series
        The target in percent (e.g. 90), or a Series aligned with ``index``.
    confidence : float, optional
        Confidence of the verdict; by default the level the frame records, else 0.95.

    Returns
    -------
    DataFrame
        ``index`` with ``target``, ``gap`` (estimate − target), ``p_value`` (H0: the true value
        is at most the target), ``lower_bound`` and ``upper_bound`` (one-sided bounds at
        ``confidence``) and ``verdict`` read from those bounds: "met" when the lower bound
        exceeds the target, "not met" when the upper bound is below it, "not determined"
        otherwise, "not estimable" for a missing (e.g. suppressed) figure. ``attrs`` records
        ``level`` and ``method``.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> idx = pd.DataFrame({"code": ["SIPAS"], "estimate": [92.0], "se": [0.5], "df": [60.0]})
    >>> r = gs.target_test(idx, 90)
    >>> r["verdict"].iloc[0], round(float(r["lower_bound"].iloc[0]), 4)
    ('met', 91.1647)
    """
    level = _level(index, confidence)
    _need(index, ["estimate", "se"], "target_test", "index")
    out = index.copy()
    out["target"] = target
    df = out["df"].to_numpy(float) if "df" in out else np.full(len(out), np.inf)
    out["gap"] = out["estimate"] - out["target"]
    p, lo, hi, verdict = one_sided(
        out["estimate"].to_numpy(float),
        out["se"].to_numpy(float),
        df,
        out["target"].to_numpy(float),
        level,
    )
    out["p_value"] = p
    out["lower_bound"] = lo
    out["upper_bound"] = hi
    out["verdict"] = pd.Series(verdict, index=out.index).replace(
        {"achieved": "met", "not achieved": "not met"}
    )
    out.attrs.update(level=level, method="one-sided t test on the design df")
    return out


def level_targets(
    index: pd.DataFrame, targets: Mapping[str, float], confidence: float | None = None
) -> pd.DataFrame:
    """Per-code level targets as a plan states them (e.g. ``{"C5": 85}``), each tested one-sided.

    Parameters
    ----------
    index : DataFrame
        A whole-population index frame (one row per code).
    targets : mapping
        Code (``SIPAS``, ``C1``…``C5``, ``C5.1``…) → target in percent.
    confidence : float, optional
        By default the level the frame records, else 0.95.

    Returns
    -------
    DataFrame
        The rows of the codes named, in the order given, as :func:`target_test` returns them.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.inference import level_targets
    >>> idx = pd.DataFrame({"code": ["SIPAS", "C5"], "estimate": [86.0, 84.0],
    ...                     "se": [0.5, 0.4], "df": [60.0, 60.0]})
    >>> level_targets(idx, {"C5": 85})[["code", "target", "verdict"]].values.tolist()
    [['C5', 85.0, 'not met']]
    """
    _need(index, ["code", "estimate", "se"], "level_targets", "index")
    unknown = [c for c in targets if c not in set(index["code"])]
    if unknown:
        raise InputError.one(
            f"targets name code(s) {unknown} that the index does not have",
            f"use codes of the index: {', '.join(map(str, dict.fromkeys(index['code'])))}",
            column="targets",
            value=unknown[0],
        )
    if index["code"].duplicated().any():
        raise InputError.one(
            "level_targets needs one row per code",
            "pass the whole-population index (gs.sipas_index without by=)",
        )
    rows = index.set_index("code").loc[list(targets)].reset_index()
    rows.attrs = dict(index.attrs)
    tgt = pd.Series([float(v) for v in targets.values()], index=rows.index)
    return target_test(rows, tgt, confidence)


def baseline_test(
    index: pd.DataFrame,
    baseline: Mapping[str, float],
    baseline_se: Mapping[str, float] | None = None,
    gain: float | None = None,
    gain_high: float | None = None,
    gain_unit: str = "points",
    confidence: float | None = None,
) -> pd.DataFrame:
    """Rises against a baseline year as a plan states them, code by code.

    Every code with a baseline is tested for a rise (change > 0); a component or the overall
    index (not a criterion) is also tested against the planned ``gain`` and, when given,
    ``gain_high`` (the upper end of a stated range "3–5%"). "All 4 criteria rise" is read from
    the rise verdicts of every criterion given: each one-sided test at ``confidence`` is an
    intersection–union test, so all must be "achieved" (no multiplicity adjustment is needed).

    Parameters
    ----------
    index : DataFrame
        A whole-population index frame (one row per code).
    baseline : mapping
        Code → baseline value in percent, e.g. ``{"C5": 79.73}``.
    baseline_se : mapping, optional
        Code → SE of the baseline (0 when absent: a known value).
    gain, gain_high : float, optional
        Planned minimum rise and the upper end of its range, in ``gain_unit``.
    gain_unit : {"points", "relative"}
    confidence : float, optional
        By default the level the frame records, else 0.95.

    Returns
    -------
    DataFrame
        One row per (code, stated gain) as :func:`compare_index` returns; without a gain, one
        row per code. Columns ``level`` and ``code`` first; ``gain`` is NaN on criterion rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.inference import baseline_test
    >>> idx = pd.DataFrame({"level": ["component", "criterion"], "code": ["C5", "C5.1"],
    ...                     "estimate": [84.0, 81.0], "se": [1.0, 1.0], "df": [100.0] * 2,
    ...                     "n": [900, 880]})
    >>> r = baseline_test(idx, {"C5": 79.73, "C5.1": 80.0}, gain=3.0)
    >>> r[["code", "rise_verdict", "gain_verdict"]].values.tolist()
    [['C5', 'achieved', 'not determined'], ['C5.1', 'not determined', nan]]
    """
    _need(index, ["code", "estimate", "se"], "baseline_test", "index")
    unknown = [c for c in baseline if c not in set(index["code"])]
    if unknown:
        raise InputError.one(
            f"baseline names code(s) {unknown} that the index does not have",
            f"use codes of the index: {', '.join(map(str, dict.fromkeys(index['code'])))}",
            column="baseline",
            value=unknown[0],
        )
    se_map = dict(baseline_se or {})
    stray = [c for c in se_map if c not in baseline]
    if stray:
        raise InputError.one(
            f"baseline_se gives a standard error for code(s) {stray} without a baseline value",
            "give those codes a value under baseline, or remove them from baseline_se",
            column="baseline_se",
            value=stray[0],
        )
    base = pd.DataFrame(
        {
            "code": list(baseline),
            "estimate": [float(v) for v in baseline.values()],
            "se": [float(se_map.get(c, 0.0)) for c in baseline],
        }
    )
    after = index[["code", "estimate", "se"] + [c for c in ("level", "df", "n") if c in index]]
    after = after[after["code"].isin(list(baseline))].copy()
    if "level" in after:
        base.insert(0, "level", base["code"].map(after.set_index("code")["level"]))
    after.attrs = dict(index.attrs)
    # a criterion: level "criterion", or (a hand-made frame without level) a code like C5.1
    is_crit = dict(
        zip(
            after["code"],
            after["level"].eq("criterion")
            if "level" in after
            else after["code"].astype(str).str.contains(".", regex=False),
            strict=True,
        )
    )
    parts = []
    gains = [g for g in (gain, gain_high) if g is not None]
    for code in baseline:
        a = after[after["code"] == code]
        if gains and not bool(is_crit.get(code, False)):
            for g in gains:
                parts.append(
                    compare_index(base, a, gain=g, confidence=confidence, gain_unit=gain_unit)
                )
        else:
            parts.append(compare_index(base, a, confidence=confidence))
    out = pd.concat(parts, ignore_index=True)
    lead = [c for c in ("level", "code") if c in out]
    out = out[lead + [c for c in out.columns if c not in lead]]
    out.attrs = dict(parts[0].attrs)
    return out


def all_rose(test: pd.DataFrame, level: str = "criterion") -> str:
    """One verdict for "every figure of ``level`` with a baseline rose", from :func:`baseline_test`.

    "achieved" when every one is "achieved" (an intersection–union test), "not achieved" when
    any is, "not determined" otherwise; "not estimable" when there is none or one is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.inference import all_rose
    >>> t = pd.DataFrame({"level": ["criterion"] * 2, "rise_verdict": ["achieved"] * 2})
    >>> all_rose(t)
    'achieved'
    """
    rows = test.drop_duplicates(subset=[c for c in ("level", "code") if c in test])
    if "level" in rows:
        rows = rows[rows["level"] == level]
    v = rows["rise_verdict"]
    if v.empty or v.eq("not estimable").any():
        return "not estimable"
    if v.eq("achieved").all():
        return "achieved"
    if v.eq("not achieved").any():
        return "not achieved"
    return "not determined"


def unit_targets(
    by_unit: pd.DataFrame,
    unit: str,
    targets: Mapping[str, float],
    code: str = "SIPAS",
    confidence: float | None = None,
) -> pd.DataFrame:
    """Targets for NAMED units only (e.g. ``{"Thanh Xuân": 90}``), each tested one-sided.

    Parameters
    ----------
    by_unit : DataFrame
        An index frame by ``unit`` (suppressed cells have NaN estimates and are judged "not
        estimable").
    unit : str
        The domain column.
    targets : mapping
        Unit name → target in percent.
    code : str
        The figure the targets are for.
    confidence : float, optional
        By default the level the frame records, else 0.95.

    Returns
    -------
    DataFrame
        One row per named unit, in the order given, as :func:`target_test` returns them.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.inference import unit_targets
    >>> idx = pd.DataFrame({"district": ["Thanh Xuân", "Ba Đình"], "code": ["SIPAS"] * 2,
    ...                     "estimate": [88.0, 95.0], "se": [0.5, 0.5], "df": [9.0, 9.0]})
    >>> r = unit_targets(idx, "district", {"Thanh Xuân": 90})
    >>> r[["district", "verdict"]].values.tolist()
    [['Thanh Xuân', 'not met']]
    """
    _need(by_unit, [unit, "code", "estimate", "se"], "unit_targets", "index")
    rows = by_unit[by_unit["code"] == code]
    names = set(rows[unit].astype(str))
    unknown = [u for u in targets if str(u) not in names]
    if unknown:
        raise InputError.one(
            f"unit_targets name(s) {unknown} that are not values of '{unit}' in the data",
            f"use names as they are written in the data, e.g. {sorted(names)[:5]}",
            column="unit_targets",
            value=unknown[0],
        )
    rows = (
        rows.assign(_key=rows[unit].astype(str))
        .set_index("_key")
        .loc[[str(u) for u in targets]]
        .reset_index(drop=True)
    )
    rows.attrs = dict(by_unit.attrs)
    tgt = pd.Series([float(v) for v in targets.values()], index=rows.index)
    return target_test(rows, tgt, confidence)


def rank_index(
    index: pd.DataFrame, unit: str, confidence: float | None = None, descending: bool = True
) -> pd.DataFrame:
    """Rank units (e.g. districts) with rank intervals, so overlapping units are not separated.

    Parameters
    ----------
    index : DataFrame
        One row per unit, with ``unit``, ``estimate`` and ``se`` columns (filter an index frame to
        one code first, e.g. ``idx.query("code == 'SIPAS'")``).
    unit : str
        The column naming the units.
    confidence : float, optional
        By default the level the frame records, else 0.95. Each unit's rank interval covers
        its true rank with at least this probability.
    descending : bool
        Rank 1 is the highest value (default) or the lowest.

    Returns
    -------
    DataFrame
        The rows sorted by rank, with ``rank`` (by point estimate), ``rank_low`` and
        ``rank_high``: unit i can be ranked no better than 1 + the number of units significantly
        above it, and no worse than K − the number significantly below it. Each comparison is a
        two-sided test of the difference at level ``(1 − confidence)/(K − 1)`` (Bonferroni over a
        unit's K − 1 comparisons), with SE ``sqrt(se_i² + se_j²)`` and Welch–Satterthwaite df
        (:func:`welch_df`), which is right when the units are separate strata (districts) and
        ignores their covariance otherwise.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> idx = pd.DataFrame({"district": ["A", "B", "C"], "estimate": [90.0, 89.5, 70.0],
    ...                     "se": [1.0, 1.0, 1.0], "df": [50.0] * 3})
    >>> r = gs.rank_index(idx, "district")
    >>> r[["district", "rank", "rank_low", "rank_high"]].values.tolist()
    [['A', 1, 1, 2], ['B', 2, 1, 2], ['C', 3, 3, 3]]
    """
    _need(index, [unit, "estimate", "se"], "rank_index", "index")
    if index[unit].duplicated().any():
        raise InputError.one(
            f"rank_index needs one row per {unit}",
            "filter the index frame to one code first, e.g. idx.query(\"code == 'SIPAS'\")",
            column=unit,
        )
    confidence = _level(index, confidence)
    data = index.dropna(subset=["estimate", "se"]).reset_index(drop=True)
    est = data["estimate"].to_numpy(float)
    se = data["se"].to_numpy(float)
    k = len(data)
    sign = 1.0 if descending else -1.0
    diff = sign * (est[None, :] - est[:, None])  # > 0: j better than i
    sed = np.hypot(se[None, :], se[:, None])
    df = data["df"].to_numpy(float) if "df" in data else np.full(k, np.inf)
    dfx = welch_df(se[None, :], df[None, :], se[:, None], df[:, None])
    alpha = (1 - confidence) / max(k - 1, 1)
    q = stats.t.ppf(1 - alpha / 2, np.where(np.isfinite(dfx), dfx, np.inf))
    with np.errstate(invalid="ignore", divide="ignore"):
        better = diff > q * sed
        worse = -diff > q * sed
    np.fill_diagonal(better, False)
    np.fill_diagonal(worse, False)
    out = data.copy()
    order = np.argsort(-sign * est, kind="stable")
    rank = np.empty(k, dtype=int)
    rank[order] = np.arange(1, k + 1)
    out["rank"] = rank
    out["rank_low"] = 1 + better.sum(axis=1)
    out["rank_high"] = k - worse.sum(axis=1)
    out = out.sort_values("rank").reset_index(drop=True)
    out.attrs.update(
        level=confidence, method="Bonferroni-adjusted pairwise t tests, Welch–Satterthwaite df"
    )
    return out


def rao_scott(design, row: str, column: str, statistic: str = "F") -> pd.DataFrame:
    """Rao–Scott adjusted test of independence of a two-way table (R's ``svychisq``).

    Pearson's X² of the design-weighted table (scaled to the number of rows, as R's
    ``svytable(Ntotal=)``) divided by the design effects of the table's interaction contrasts:
    ``Delta = (C' D⁻¹ C / N)⁻¹ C' D⁻¹ V D⁻¹ C`` with ``p`` the cell proportions, ``D = diag(p)``,
    ``V`` their design covariance (from the one variance engine, Taylor or replicate) and ``C``
    the interaction columns of the saturated model made orthogonal to the main effects.

    Parameters
    ----------
    design : Design or ReplicateDesign
    row, column : str
        The two categorical columns; rows missing either are left out (R's ``na.rm=TRUE``).
    statistic : {"F", "Chisq"}
        ``"F"``: the second-order correction, ``X² / tr(Delta)`` on an F distribution with
        ``d0 = tr(Delta)² / tr(Delta²)`` and ``d0 × df`` degrees of freedom (``df`` the
        design's). ``"Chisq"``: the first-order correction, ``X² / mean(diag(Delta))`` on a
        χ² with ``(r - 1)(c - 1)`` df.

    Returns
    -------
    pandas.DataFrame
        One row: ``row, column, statistic, value, ndf, ddf, p_value, pearson`` (``value`` the
        adjusted statistic, ``pearson`` the unadjusted X², which is what R prints as the
        statistic for ``"Chisq"``; ``ddf`` NaN for ``"Chisq"``).

    Raises
    ------
    InputError
        Unknown statistic, a column not in the data, or a variable with fewer than two
        observed levels.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from govsurvey.design import Design
    >>> rng = np.random.default_rng(4)
    >>> df = pd.DataFrame({"a": rng.integers(0, 2, 400), "b": rng.integers(0, 3, 400),
    ...                    "p": np.arange(400) // 4})
    >>> t = rao_scott(Design(df, psu="p"), "a", "b")
    >>> t[["statistic", "ndf"]].iloc[0].tolist()[0], bool(0 <= t["p_value"].iloc[0] <= 1)
    ('F', True)
    """
    if statistic not in ("F", "Chisq"):
        raise InputError.one(
            "unknown statistic", "use 'F' (second-order) or 'Chisq'", value=statistic
        )
    data = design.data
    for c in (row, column):
        if c not in data.columns:
            raise InputError.one("column not in the data", "name an existing column", column=c)
    rc, rlev = pd.factorize(data[row], sort=True)
    cc, clev = pd.factorize(data[column], sort=True)
    nr, nc = len(rlev), len(clev)
    for name, k in ((row, nr), (column, nc)):
        if k < 2:
            raise InputError.one(
                f"{name!r} takes {k} value(s); a test of independence needs at least two",
                "choose a variable with two or more observed categories",
                column=name,
            )
    ok = (rc >= 0) & (cc >= 0)
    K = nr * nc
    cell = np.where(ok, rc + nr * cc, 0)  # rows vary fastest, as R's interaction()
    ind = np.zeros((len(data), K))
    ind[np.flatnonzero(ok), cell[ok]] = 1.0
    N = float(len(data))
    # main effects and interactions of the saturated model, in R's expand.grid order
    gr, gc = np.arange(K) % nr, np.arange(K) // nr
    R1 = (gr[:, None] == np.arange(1, nr)[None, :]).astype(float)
    C1 = (gc[:, None] == np.arange(1, nc)[None, :]).astype(float)
    X1 = np.column_stack([np.ones(K), R1, C1])
    inter = (R1[:, :, None] * C1[:, None, :]).reshape(K, -1)
    Cm = inter - X1 @ np.linalg.lstsq(X1, inter, rcond=None)[0]
    m = Cm.shape[1]
    pairs = [(i, j) for i in range(m) for j in range(i + 1, m)]
    columns = np.column_stack([ind, ok.astype(float)])
    w = np.asarray(design.weight_values, dtype=float)
    p = (w @ ind) / (w @ ok)
    iD = np.where(p > 0, 1.0 / np.where(p > 0, p, 1.0), 0.0)
    A = iD[:, None] * Cm  # (K, m): the contrasts of p whose covariance is needed
    Ap = np.column_stack([A] + [A[:, i] + A[:, j] for i, j in pairs]) if pairs else A

    def point(T):
        return (T[..., :K] / T[..., K:]) @ Ap

    def influence(T, cols, g):
        pk = T[0, :K] / T[0, K]
        return ((cols[:, :K] - pk) * cols[:, K:] / T[0, K]) @ Ap

    var = design.estimate_smooth(columns, point, influence).variance[0]
    V = np.diag(var[:m])
    for k, (i, j) in enumerate(pairs):
        V[i, j] = V[j, i] = (var[m + k] - var[i] - var[j]) / 2.0
    denom = Cm.T @ (iD[:, None] / N * Cm)
    delta = np.linalg.solve(denom, V)
    tr, tr2 = float(np.trace(delta)), float(np.trace(delta @ delta))
    table = (N * p).reshape(nc, nr).T  # R's svytable(Ntotal = N)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        cells = np.where(expected > 0, (table - expected) ** 2 / expected, 0.0)
    pearson = float(cells.sum())
    if statistic == "F":
        d0 = tr**2 / tr2
        ddf = d0 * float(design.df)
        value = pearson / tr
        pval = float(stats.f.sf(value, d0, ddf))
        ndf = d0
    else:
        value = pearson / (tr / m)
        ndf, ddf = float(m), np.nan
        pval = float(stats.chi2.sf(value, m))
    return pd.DataFrame(
        [[row, column, statistic, value, ndf, ddf, pval, pearson]],
        columns=["row", "column", "statistic", "value", "ndf", "ddf", "p_value", "pearson"],
    )
