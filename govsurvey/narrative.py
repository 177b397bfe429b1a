"""Narrative text generated from result frames, so a report's words stay true on any data.

Every function takes result frames and returns Markdown; none computes a statistic.
"""

from __future__ import annotations

import math

import pandas as pd

from .instrument import Instrument

__all__ = [
    "describe_index",
    "describe_domains",
    "describe_targets",
    "describe_change",
    "describe_ranking",
    "describe_accounting",
    "describe_truth",
]


def _pct(x: float) -> str:
    return "n/a" if x is None or not math.isfinite(float(x)) else f"{float(x):.1f}%"


def _ci(row: pd.Series) -> str:
    return f"{_pct(row['ci_low'])}–{_pct(row['ci_high'])}"


def describe_index(index: pd.DataFrame, instrument: Instrument, confidence: float = 0.95) -> str:
    """Overall index and components, read out (whole population, one row per code).

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> inst = gs.load_instrument("sipas-2017")
    >>> idx = pd.DataFrame({"level": ["overall", "component", "component"],
    ...     "code": ["SIPAS", "C1", "C5"], "estimate": [85.0, 88.0, 80.0], "se": [1.0] * 3,
    ...     "ci_low": [83.0, 86.0, 78.0], "ci_high": [87.0, 90.0, 82.0], "n": [900] * 3})
    >>> print(gs.narrative.describe_index(idx, inst).splitlines()[0])  # doctest: +ELLIPSIS
    The overall SIPAS index is **85.0%** (95% CI 83.0%–87.0%, SE 1.00 points, n = 900)...
    """
    overall = index[index["level"] == "overall"].iloc[0]
    comps = index[index["level"] == "component"].sort_values("estimate", ascending=False)
    lvl = f"{confidence:.0%}"
    lines = [
        f"The overall SIPAS index is **{_pct(overall['estimate'])}** ({lvl} CI {_ci(overall)}, "
        f"SE {overall['se']:.2f} points, n = {int(overall['n']):,}): that is the estimated "
        "share of satisfied answers, averaged over criteria and components."
    ]
    if len(comps) >= 2:
        top, low = comps.iloc[0], comps.iloc[-1]
        overlap = top["ci_low"] <= low["ci_high"]
        lines.append(
            f"The highest component is {top['code']} ({instrument.label(top['code'])}, "
            f"{_pct(top['estimate'])}, CI {_ci(top)}); the lowest is {low['code']} "
            f"({instrument.label(low['code'])}, {_pct(low['estimate'])}, CI {_ci(low)}). "
            + (
                "Their intervals overlap, so the survey does not separate them clearly."
                if overlap
                else "Their intervals do not overlap."
            )
        )
    crit = index[index["level"] == "criterion"].sort_values("estimate")
    if len(crit):
        w = crit.iloc[0]
        lines.append(
            f"The weakest criterion is {w['code']} ({instrument.label(w['code'])}): "
            f"{_pct(w['estimate'])} satisfied (CI {_ci(w)}, n = {int(w['n']):,} valid answers)."
        )
    return "\n\n".join(lines)


def describe_domains(index: pd.DataFrame, unit: str, code: str = "SIPAS") -> str:
    """Spread of one figure over domains, naming the highest and lowest published ones.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> idx = pd.DataFrame({"district": ["A", "B"], "code": ["SIPAS"] * 2,
    ...     "estimate": [80.0, 90.0], "ci_low": [78.0, 88.0], "ci_high": [82.0, 92.0],
    ...     "suppressed": [False, False]})
    >>> print(gs.narrative.describe_domains(idx, "district"))  # doctest: +ELLIPSIS
    By district, SIPAS ranges from 80.0% (A) to 90.0% (B)...
    """
    d = index[index["code"] == code]
    shown = d.dropna(subset=["estimate"])
    hidden = len(d) - len(shown)
    if shown.empty:
        return f"No {unit} has enough respondents to publish {code}."
    lo = shown.loc[shown["estimate"].idxmin()]
    hi = shown.loc[shown["estimate"].idxmax()]
    text = (
        f"By {unit}, {code} ranges from {_pct(lo['estimate'])} ({lo[unit]}) to "
        f"{_pct(hi['estimate'])} ({hi[unit]}) across {len(shown)} {unit} value(s)."
    )
    if "df" in shown and shown["df"].notna().any():
        lo_df, hi_df = int(shown["df"].min()), int(shown["df"].max())
        span = f"{lo_df}" if lo_df == hi_df else f"{lo_df} to {hi_df}"
        text += (
            f" Each {unit}'s interval uses its own design degrees of freedom ({span}: the "
            f"sampled units in the {unit} minus its strata)"
            + (", so with few units the intervals are wide." if lo_df < 10 else ".")
        )
    if hidden:
        text += f" {hidden} cell(s) with too few respondents are suppressed."
    return text


def describe_targets(tests: pd.DataFrame, what: str, unit: str | None = None) -> str:
    """Count of figures that meet, miss, or cannot yet be judged against a target.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> t = pd.DataFrame({"code": ["C1", "C2"], "target": [85.0] * 2,
    ...                   "verdict": ["met", "not determined"]})
    >>> print(gs.narrative.describe_targets(t, "components"))  # doctest: +ELLIPSIS
    Against the target of 85.0%, 1 of 2 components meet it with confidence...
    """
    counts = tests["verdict"].value_counts()
    target = tests["target"].iloc[0]
    name = unit or "code"
    parts = [
        f"Against the target of {_pct(target)}, {counts.get('met', 0)} of {len(tests)} {what} "
        f"meet it with confidence, {counts.get('not met', 0)} fall short of it with confidence, "
        f"and for {counts.get('not determined', 0)} the survey cannot tell "
        "(the interval contains the target)."
    ]
    missed = tests[tests["verdict"] == "not met"]
    if len(missed) and name in tests:
        parts.append(f"Short of it: {', '.join(str(x) for x in missed[name])}.")
    if counts.get("not estimable", 0):
        parts.append(f"{counts['not estimable']} cannot be estimated (suppressed or empty).")
    return " ".join(parts)


def describe_change(cmp: pd.DataFrame, year: int, confidence: float = 0.95) -> str:
    """A change against a baseline and the verdict on the planned gain.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> c = pd.DataFrame({"code": ["C5"], "estimate_before": [79.73], "estimate_after": [84.0],
    ...     "change": [4.27], "ci_low": [2.3], "ci_high": [6.2], "gain": [3.0],
    ...     "gain_verdict": ["not determined"]})
    >>> print(gs.narrative.describe_change(c, 2021))  # doctest: +ELLIPSIS
    C5: 84.0% against 79.7% in 2021, a change of +4.27 points (95% CI +2.30 to +6.20)...
    """
    out = []
    for _, r in cmp.iterrows():
        text = (
            f"{r['code']}: {_pct(r['estimate_after'])} against {_pct(r['estimate_before'])} in "
            f"{year}, a change of {r['change']:+.2f} points ({confidence:.0%} CI "
            f"{r['ci_low']:+.2f} to {r['ci_high']:+.2f})."
        )
        if "gain_verdict" in r:
            verdict = {
                "achieved": "is achieved with confidence",
                "not achieved": "is not achieved (the change is credibly smaller)",
                "not determined": "cannot be confirmed or ruled out with this sample",
            }.get(r["gain_verdict"], r["gain_verdict"])
            text += f" A gain of at least {r['gain']:g} points {verdict}."
        out.append(text)
    return "\n\n".join(out)


def describe_ranking(ranking: pd.DataFrame, unit: str) -> str:
    """How much a ranking can be trusted: units whose rank is pinned down, and the overlap.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> r = pd.DataFrame({"district": ["A", "B"], "rank": [1, 2], "rank_low": [1, 1],
    ...                   "rank_high": [2, 2]})
    >>> print(gs.narrative.describe_ranking(r, "district"))  # doctest: +ELLIPSIS
    Ranked by their point estimates, A comes first and B last...
    """
    k = len(ranking)
    first, last = ranking.iloc[0], ranking.iloc[-1]
    width = (ranking["rank_high"] - ranking["rank_low"] + 1).median()
    sure_top = ranking[ranking["rank_high"] <= max(1, k // 4)]
    text = (
        f"Ranked by their point estimates, {first[unit]} comes first and {last[unit]} last. "
        f"But rank intervals are wide: the median {unit} could stand anywhere within "
        f"{int(width)} places, so neighbouring ranks must not be read as real differences."
    )
    if len(sure_top):
        text += f" Certainly in the top quarter: {', '.join(str(x) for x in sure_top[unit])}."
    else:
        text += f" No {unit} can be placed in the top quarter with confidence."
    return text


def describe_accounting(read: int, kept: int, excluded: pd.DataFrame, responded: int) -> str:
    """What happened to every row read.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> ex = pd.DataFrame({"row": [5], "reason": ["duplicated respondent_id"]})
    >>> print(gs.narrative.describe_accounting(10, 9, ex, 7))  # doctest: +ELLIPSIS
    Of 10 rows read, 9 are kept and 1 excluded...
    """
    text = (
        f"Of {read:,} rows read, {kept:,} are kept and {len(excluded):,} excluded; "
        f"{responded:,} of the kept rows are respondents (the rest are sampled units that did "
        f"not respond: {kept - responded:,}, a response rate of {responded / kept:.1%} "
        "unweighted)."
        if kept
        else f"Of {read:,} rows read, none is kept."
    )
    if len(excluded):
        reasons = excluded["reason"].value_counts()
        text += " Exclusions: " + "; ".join(f"{r} ({c})" for r, c in reasons.items()) + "."
    return text


def describe_truth(check: pd.DataFrame, confidence: float = 0.95) -> str:
    """On synthetic data: how many intervals cover the known population value.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> c = pd.DataFrame({"covered": [True, True, False]})
    >>> print(gs.narrative.describe_truth(c))  # doctest: +ELLIPSIS
    These data are synthetic, so the population values are known: 2 of 3 ...
    """
    k = int(check["covered"].sum())
    return (
        "These data are synthetic, so the population values are known: "
        f"{k} of {len(check)} {confidence:.0%} intervals ({k / len(check):.0%}) cover the true "
        f"value; about {confidence:.0%} should."
    )
