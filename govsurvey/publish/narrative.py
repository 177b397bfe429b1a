"""Narrative generated from result frames, in Vietnamese or English, so a report's words stay true.

Every function takes result frames (or counts) and a language and returns Markdown; none computes
a statistic. The confidence level is read from the result (``frame.attrs["level"]``); verdicts
are printed with the one-sided bound the test used. Every sentence comes from
:mod:`govsurvey.publish.i18n`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import i18n
from .i18n import text
from .tables import code_label, suppressed, unit_order, value_label, variable_label

__all__ = [
    "unit_name",
    "describe_intro",
    "describe_accounting",
    "describe_weights",
    "weighting_label",
    "describe_design",
    "describe_index",
    "describe_domains",
    "describe_ranking",
    "describe_level_targets",
    "describe_baseline",
    "describe_baseline_source",
    "describe_unit_targets",
    "describe_truth",
]


def _lv(frame: pd.DataFrame, lang: str, level: float | None = None) -> str:
    return i18n.level_pct(level if level is not None else frame.attrs.get("level", 0.95), lang)


def unit_name(instrument: Any, column: str, lang: str) -> str:
    """A domain column's label as it reads inside a sentence (``district`` → "quận/huyện").

    Examples
    --------
    >>> import govsurvey as gs
    >>> from govsurvey.publish.narrative import unit_name
    >>> unit_name(gs.load_instrument("sipas-2017"), "level_domain", "vi")
    'cấp giải quyết'
    """
    lab = variable_label(instrument, column, lang)
    return lab[:1].lower() + lab[1:] if lab[:2] != lab[:2].upper() else lab


def describe_intro(lang: str, level: float, min_cell: int) -> str:
    """The report's opening paragraph and the index's definition.

    Examples
    --------
    >>> from govsurvey.publish.narrative import describe_intro
    >>> "khoảng tin cậy 95%" in describe_intro("vi", 0.95, 30)
    True
    """
    return (
        text("intro", lang, level=i18n.level_pct(level, lang), min_cell=min_cell)
        + "\n\n"
        + text("definition", lang)
    )


def describe_accounting(
    read: int,
    kept: int,
    excluded: pd.DataFrame,
    responded: int | None,
    lang: str,
    cells: pd.DataFrame | None = None,
) -> str:
    """What happened to every row read; a response rate only when a response indicator exists.

    Parameters
    ----------
    read, kept : int
        Rows read and kept.
    excluded : DataFrame
        The reader's account of excluded rows (``check`` names the failed checks).
    responded : int or None
        Kept rows flagged as respondents; ``None`` when the file has no response indicator (then
        no response rate is printed, and the report says why).
    lang : {"vi", "en"}
    cells : DataFrame, optional
        The reader's account of answers it set missing or rewrote in kept rows (``row``,
        ``check``, ``action``): counted, so nothing changes without the report saying so.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.publish.narrative import describe_accounting
    >>> ex = pd.DataFrame({"row": [5], "check": ["duplicate_id"]})
    >>> print(describe_accounting(10, 9, ex, 6, "en"))  # doctest: +ELLIPSIS
    Of 10 rows read, 9 are kept and 1 excluded. Of the 9 sampled units, 6 answered ... 66.67% ...
    >>> "a response rate of" in describe_accounting(300, 300, ex.iloc[:0], None, "en")
    False
    >>> cells = pd.DataFrame({"row": [7, 7], "check": ["invalid_code"] * 2,
    ...                       "action": ["set missing"] * 2})
    >>> print(describe_accounting(10, 10, ex.iloc[:0], 10, "vi", cells))  # doctest: +ELLIPSIS
    Đã đọc 10 dòng ... 2 câu trả lời ở 1 phiếu không đọc được ...: mã không hợp lệ (2).
    """
    n = lambda v: i18n.integer(v, lang)  # noqa: E731
    if not kept:
        return text("acc_none", lang, read=n(read))
    parts = [text("acc_read", lang, read=n(read), kept=n(kept), excluded=n(len(excluded)))]
    if responded is None:
        parts.append(text("acc_no_response_column", lang, kept=n(kept)))
    else:
        rate = i18n.pct(100.0 * responded / kept, lang)
        parts.append(text("acc_response", lang, kept=n(kept), responded=n(responded), rate=rate))
    if len(excluded) and "check" in excluded:
        counts = excluded["check"].astype(str).str.split(", ").explode().value_counts()
        reasons = "; ".join(f"{i18n.check_label(k, lang)} ({n(v)})" for k, v in counts.items())
        parts.append(text("acc_reasons", lang, reasons=reasons))
    if cells is not None and len(cells):
        action = cells["action"] if "action" in cells else pd.Series("set missing", cells.index)
        miss = cells[action.ne("spelling unified").to_numpy()]
        if len(miss):
            checks = miss["check"].astype(str).value_counts() if "check" in miss else {}
            parts.append(
                text(
                    "acc_cells_missing",
                    lang,
                    k=n(len(miss)),
                    rows=n(miss["row"].nunique() if "row" in miss else len(miss)),
                    checks="; ".join(
                        f"{i18n.check_label(c, lang)} ({n(v)})" for c, v in checks.items()
                    ),
                )
            )
        unified = int(action.eq("spelling unified").sum())
        if unified:
            parts.append(text("acc_cells_unified", lang, k=n(unified)))
    return " ".join(parts)


def weighting_label(method: str, lang: str) -> str:
    """A weighting scheme (``params.weighting``) as a reader of the report says it.

    Examples
    --------
    >>> from govsurvey.publish.narrative import weighting_label
    >>> weighting_label("nonresponse+rake", "en")
    "nonresponse adjustment by classes, then raking to the frame's margins"
    """
    from ..response.report import METHOD_LABELS

    return METHOD_LABELS[method][lang]


def describe_weights(weight: str | None, lang: str, weighting: str = "none") -> str:
    """Where the weights come from, and whether (and how) they are adjusted for nonresponse.

    Examples
    --------
    >>> from govsurvey.publish.narrative import describe_weights
    >>> "bằng nhau" in describe_weights(None, "vi")
    True
    >>> "adjusted for nonresponse" in describe_weights("w", "en", "nonresponse+rake")
    True
    """
    if weighting != "none":
        key = "weights_adjusted" if weight else "weights_equal_adjusted"
        return text(key, lang, weight=weight, method=weighting_label(weighting, lang))
    if weight:
        return text("weights_given", lang, weight=weight)
    return text("weights_equal", lang)


def describe_design(design: Any, lang: str) -> str:
    """The design in one sentence: strata, first-stage units, respondents, df, variance method.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.publish.narrative import describe_design
    >>> df = pd.DataFrame({"y": [1.0, 2, 4, 5], "s": [1, 1, 2, 2], "p": [1, 2, 3, 4]})
    >>> print(describe_design(gs.Design(df, strata="s", psu="p"), "en"))
    Sampling design: 2 strata, 4 primary sampling units, 4 respondents; the design has 2 degrees of freedom. Standard errors are computed by Taylor linearisation.
    """  # noqa: E501
    data = design.data
    strata = getattr(design, "strata", None)
    psu = getattr(design, "psu", None) or []
    psu = [psu] if isinstance(psu, str) else list(psu)
    n_strata = data[strata].nunique() if strata and strata in data else 1
    keys = ([strata] if strata and strata in data else []) + psu[:1]
    n_psu = len(data.drop_duplicates(subset=keys)) if psu else len(data)
    rtype = getattr(design, "type", None)
    method = (
        text("method_replicate", lang, type=rtype)
        if isinstance(rtype, str)
        else text("method_taylor", lang)
    )
    return text(
        "design_summary",
        lang,
        strata=i18n.integer(n_strata, lang) if strata else text("no_strata", lang),
        psus=i18n.integer(n_psu, lang),
        n=i18n.integer(int((np.asarray(design.weight_values) > 0).sum()), lang),
        df=i18n.integer(design.df, lang),
        method=method,
    )


def describe_index(
    index: pd.DataFrame,
    instrument: Any,
    lang: str,
    nonresponse_adjusted: bool = False,
    weighting: str = "none",
) -> str:
    """The overall index and components read out, with the nonresponse caveat beside it.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.publish.narrative import describe_index
    >>> inst = gs.load_instrument("sipas-2017")
    >>> idx = pd.DataFrame({"level": ["overall", "component", "component"],
    ...     "code": ["SIPAS", "C1", "C5"], "estimate": [85.0, 88.0, 79.73], "se": [1.0] * 3,
    ...     "ci_low": [83.0, 86.0, 78.0], "ci_high": [87.0, 90.0, 82.0], "n": [900] * 3})
    >>> print(describe_index(idx, inst, "vi").splitlines()[0])  # doctest: +ELLIPSIS
    Chỉ số SIPAS chung ước đạt **85,00%** (khoảng tin cậy 95%: 83,00% – 87,00%; ...
    """
    lv = _lv(index, lang)
    ov = index[(index["level"] == "overall") & index["estimate"].notna()]
    if ov.empty:
        return text("idx_not_estimable", lang)
    o = ov.iloc[0]
    head = text(
        "idx_overall",
        lang,
        est=i18n.pct(o["estimate"], lang),
        level=lv,
        lo=i18n.pct(o["ci_low"], lang),
        hi=i18n.pct(o["ci_high"], lang),
        se=i18n.num(o["se"], lang),
        n=i18n.integer(o["n"], lang) if "n" in o else i18n.DASH,
    )
    if weighting != "none":
        head += " " + text("idx_adjusted_note", lang, method=weighting_label(weighting, lang))
    elif not nonresponse_adjusted:
        head += " " + text("idx_nonresponse_caveat", lang)
    lines = [head]
    comps = index[(index["level"] == "component") & index["estimate"].notna()]
    comps = comps.sort_values("estimate", ascending=False)
    if len(comps) >= 2:
        top, low = comps.iloc[0], comps.iloc[-1]
        overlap = top["ci_low"] <= low["ci_high"]
        lines.append(
            text(
                "idx_top_low",
                lang,
                top=code_label(instrument, top["code"], lang),
                top_est=i18n.pct(top["estimate"], lang),
                low=code_label(instrument, low["code"], lang),
                low_est=i18n.pct(low["estimate"], lang),
            )
            + " "
            + text("idx_overlap" if overlap else "idx_no_overlap", lang)
        )
    crit = index[(index["level"] == "criterion") & index["estimate"].notna()]
    if len(crit):
        w = crit.sort_values("estimate").iloc[0]
        lines.append(
            text(
                "idx_weakest",
                lang,
                label=code_label(instrument, w["code"], lang),
                code=w["code"],
                est=i18n.pct(w["estimate"], lang),
                lo=i18n.pct(w["ci_low"], lang),
                hi=i18n.pct(w["ci_high"], lang),
                n=i18n.integer(w["n"], lang),
            )
        )
    return "\n\n".join(lines)


def describe_domains(
    index: pd.DataFrame,
    unit: str,
    instrument: Any,
    lang: str,
    min_cell: int,
    code: str = "SIPAS",
) -> str:
    """Spread of one figure over domains (guarded rows), naming the highest and lowest.

    When every cell is suppressed, says so (and that the unit's tables and figures are left
    out) instead of failing.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.publish.narrative import describe_domains
    >>> inst = gs.load_instrument("sipas-2017")
    >>> idx = pd.DataFrame({"mode": ["post", "online", "phone"], "code": ["SIPAS"] * 3,
    ...     "estimate": [80.0, 90.0, float("nan")], "df": [40.0, 40.0, 2.0],
    ...     "suppressed": [False, False, True]})
    >>> print(describe_domains(idx, "mode", inst, "en", 30))  # doctest: +ELLIPSIS
    By survey mode, the SIPAS index ranges from 80.00% (Paper by post) to 90.00% (Online)...
    >>> print(describe_domains(idx.assign(estimate=float("nan")), "mode", inst, "vi", 30))
    ... # doctest: +ELLIPSIS
    Không nhóm nào theo hình thức khảo sát có đủ 30 người trả lời để công bố...
    """
    uname = unit_name(instrument, unit, lang)
    d = index[index["code"] == code]
    shown = d.dropna(subset=["estimate"])
    if shown.empty:
        return text("dom_all_suppressed", lang, unit=uname, min_cell=i18n.integer(min_cell, lang))
    lo = shown.loc[shown["estimate"].idxmin()]
    hi = shown.loc[shown["estimate"].idxmax()]
    parts = [
        text(
            "dom_single",
            lang,
            unit=uname,
            name=value_label(instrument, unit, lo[unit], lang),
            est=i18n.pct(lo["estimate"], lang),
        )
        if len(shown) == 1
        else text(
            "dom_range",
            lang,
            unit=uname,
            lo=i18n.pct(lo["estimate"], lang),
            lo_name=value_label(instrument, unit, lo[unit], lang),
            hi=i18n.pct(hi["estimate"], lang),
            hi_name=value_label(instrument, unit, hi[unit], lang),
            k=i18n.integer(len(shown), lang),
        )
    ]
    if "df" in shown and shown["df"].notna().any():
        lo_df, hi_df = int(shown["df"].min()), int(shown["df"].max())
        span = f"{lo_df}" if lo_df == hi_df else f"{lo_df}{text('range_to', lang)}{hi_df}"
        parts.append(text("dom_df", lang, span=span))
        if lo_df < 10:
            parts.append(text("dom_df_wide", lang))
    # without the guard's flags, a figure not shown is taken as suppressed
    hid = suppressed(d) if "suppressed" in d else np.ones(len(d), bool)
    hidden = int((d["estimate"].isna().to_numpy() & hid).sum())
    if hidden:
        parts.append(text("dom_suppressed", lang, k=hidden, min_cell=i18n.integer(min_cell, lang)))
    missing = d[d["estimate"].isna().to_numpy() & ~hid]
    if len(missing):
        empty = (
            index[(index["level"] == "criterion") & (index["n"] == 0)] if "level" in index else None
        )
        items = []
        for v in missing[unit]:
            codes = (
                [] if empty is None else empty.loc[empty[unit] == v, "code"].astype(str).tolist()
            )
            name = value_label(instrument, unit, v, lang)
            items.append(f"{name} ({', '.join(codes)})" if codes else name)
        what = code_label(instrument, code, lang)
        parts.append(text("dom_not_estimated", lang, what=what, items="; ".join(items)))
    return " ".join(parts)


def describe_ranking(ranking: pd.DataFrame, unit: str, instrument: Any, lang: str) -> str:
    """How much a ranking can be trusted: units whose rank is pinned down, and the overlap.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.publish.narrative import describe_ranking
    >>> r = pd.DataFrame({"district": ["A", "B"], "rank": [1, 2], "rank_low": [1, 1],
    ...                   "rank_high": [2, 2]})
    >>> print(describe_ranking(r, "district", gs.load_instrument("sipas-2017"), "vi"))
    ... # doctest: +ELLIPSIS
    Xếp theo giá trị ước lượng, A đứng đầu và B đứng cuối...
    """
    uname = unit_name(instrument, unit, lang)
    k = len(ranking)
    if k < 2:
        return text("rank_too_few", lang, unit=uname)
    name = lambda v: value_label(instrument, unit, v, lang)  # noqa: E731
    first, last = ranking.iloc[0], ranking.iloc[-1]
    width = int((ranking["rank_high"] - ranking["rank_low"] + 1).median())
    # the wording follows the intervals: "wide" only when the median spans half the units
    key = "rank_text_exact" if width <= 1 else "rank_text" if 2 * width >= k else "rank_text_some"
    out = text(
        key,
        lang,
        first=name(first[unit]),
        last=name(last[unit]),
        unit=uname,
        width=width,
        k=k,
        pinned=int((ranking["rank_high"] == ranking["rank_low"]).sum()),
    )
    sure_top = ranking[ranking["rank_high"] <= max(1, k // 4)]
    if len(sure_top):
        out += " " + text("rank_top", lang, names=", ".join(name(v) for v in sure_top[unit]))
    else:
        out += " " + text("rank_no_top", lang, unit=uname)
    return out


def _target_sentence(r: pd.Series, label: str, code: str, lang: str, lv: str) -> str:
    fields = dict(
        label=label,
        code=code,
        est=i18n.pct(r["estimate"], lang),
        target=i18n.pct(r["target"], lang),
        level=lv,
    )
    v = r["verdict"]
    if v == "met":
        return text("tgt_met", lang, bound=i18n.pct(r["lower_bound"], lang), **fields)
    if v == "not met":
        return text("tgt_not_met", lang, bound=i18n.pct(r["upper_bound"], lang), **fields)
    if v == "not determined":
        return text(
            "tgt_undetermined",
            lang,
            low=i18n.pct(r["lower_bound"], lang),
            high=i18n.pct(r["upper_bound"], lang),
            **fields,
        )
    return text("tgt_not_estimable", lang, **fields)


def describe_level_targets(tests: pd.DataFrame, instrument: Any, lang: str) -> str:
    """One sentence per level target, each verdict beside the one-sided bound that decided it.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.inference import level_targets
    >>> from govsurvey.publish.narrative import describe_level_targets
    >>> idx = pd.DataFrame({"code": ["C5"], "estimate": [88.0], "se": [1.0]})
    >>> t = level_targets(idx, {"C5": 85})
    >>> print(describe_level_targets(t, gs.load_instrument("sipas-2017"), "en"))
    ... # doctest: +ELLIPSIS
    “...” (C5) is 88.00% and **exceeds the target of 85.00%** with confidence: its one-sided 95% lower bound is 86.36%.
    """  # noqa: E501
    lv = _lv(tests, lang)
    return "\n\n".join(
        _target_sentence(r, code_label(instrument, r["code"], lang), r["code"], lang, lv)
        for _, r in tests.iterrows()
    )


def describe_unit_targets(
    tests: pd.DataFrame, unit: str, instrument: Any, lang: str, code: str = "SIPAS"
) -> str:
    """One sentence per named unit's target (e.g. Thanh Xuân, SIPAS above 90%).

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.inference import unit_targets
    >>> from govsurvey.publish.narrative import describe_unit_targets
    >>> idx = pd.DataFrame({"district": ["Thanh Xuân"], "code": ["SIPAS"], "estimate": [88.0],
    ...                     "se": [0.5]})
    >>> t = unit_targets(idx, "district", {"Thanh Xuân": 90})
    >>> print(describe_unit_targets(t, "district", gs.load_instrument("sipas-2017"), "vi"))
    ... # doctest: +ELLIPSIS
    “Thanh Xuân” (SIPAS) đạt 88,00%, **chưa đạt mục tiêu 90,00%**: cận trên một phía 95% là 88,82%.
    """
    lv = _lv(tests, lang)
    return "\n\n".join(
        _target_sentence(r, value_label(instrument, unit, r[unit], lang), code, lang, lv)
        for _, r in tests.iterrows()
    )


def describe_baseline(
    test: pd.DataFrame,
    instrument: Any,
    lang: str,
    year: int | None,
    baseline_se_given: bool = False,
) -> str:
    """Rises against the baseline: the reading of the gain, each code, and "all criteria rose".

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.inference import baseline_test
    >>> from govsurvey.publish.narrative import describe_baseline
    >>> idx = pd.DataFrame({"level": ["component"], "code": ["C5"], "estimate": [84.0],
    ...                     "se": [1.0], "n": [900]})
    >>> t = baseline_test(idx, {"C5": 79.73}, gain=3.0)
    >>> print(describe_baseline(t, gs.load_instrument("sipas-2017"), "en", 2021))
    ... # doctest: +ELLIPSIS
    The planned rise of “3.00 points” is read as **percentage points**...
    """
    from ..inference import all_rose

    lv = _lv(test, lang)
    out = []
    if "gain" in test and test["gain"].notna().any():
        unit = str(test["gain_unit"].dropna().iloc[0])
        gains = sorted(set(test["gain"].dropna()))
        shown = text("range_to", lang).join(i18n.num(g, lang) for g in gains)
        shown = (
            text("points", lang, value=shown)
            if unit == "points"
            else text("percent_rel", lang, value=shown)
        )
        r0 = test.dropna(subset=["gain"]).iloc[0]  # the report's own first baseline
        g0 = float(r0["gain"])
        out.append(
            text(
                f"gain_reading_{unit}",
                lang,
                gain=shown,
                base=i18n.pct(r0["estimate_before"], lang),
                g=i18n.num(g0, lang),
                factor=i18n.num(1 + g0 / 100, lang),
                sum=i18n.pct(r0["estimate_before"] + r0["gain_threshold"], lang),
            )
        )
    for code, rows in test.groupby("code", sort=False):
        first = rows.iloc[0]
        if first["rise_verdict"] == "not estimable":
            out.append(
                text(
                    "base_not_estimable",
                    lang,
                    label=code_label(instrument, code, lang),
                    code=code,
                    before=i18n.pct(first["estimate_before"], lang),
                    year=year if year is not None else "",
                )
            )
            continue
        parts = [
            text(
                "base_row",
                lang,
                label=code_label(instrument, code, lang),
                code=code,
                after=i18n.pct(first["estimate_after"], lang),
                before=i18n.pct(first["estimate_before"], lang),
                year=year if year is not None else "",
                change=text("points", lang, value=i18n.signed(first["change"], lang)),
            )
        ]
        v = first["rise_verdict"]
        lo, hi = i18n.signed(first["lower_bound"], lang), i18n.signed(first["upper_bound"], lang)
        if v == "achieved":
            parts.append(text("base_rise_yes", lang, level=lv, bound=lo))
        elif v == "not achieved":
            parts.append(text("base_rise_no", lang, level=lv, bound=hi))
        elif v == "not determined":
            parts.append(text("base_rise_undetermined", lang, level=lv, low=lo, high=hi))
        if "gain" in rows:
            for _, r in rows[rows["gain"].notna()].iterrows():
                g = (
                    text("points", lang, value=i18n.num(r["gain"], lang))
                    if r["gain_unit"] == "points"
                    else text("percent_rel", lang, value=i18n.num(r["gain"], lang))
                )
                f = dict(
                    gain=g,
                    level=lv,
                    threshold=i18n.pct(r["estimate_before"] + r["gain_threshold"], lang),
                )
                low = i18n.pct(r["estimate_before"] + r["gain_lower"], lang)
                high = i18n.pct(r["estimate_before"] + r["gain_upper"], lang)
                gv = r["gain_verdict"]
                if gv == "achieved":
                    parts.append(text("base_gain_yes", lang, bound=low, **f))
                elif gv == "not achieved":
                    parts.append(text("base_gain_no", lang, bound=high, **f))
                elif gv == "not determined":
                    parts.append(text("base_gain_undetermined", lang, low=low, high=high, **f))
        out.append(" ".join(parts))
    if "level" in test:
        crit = test[test["level"] == "criterion"].drop_duplicates(subset=["code"])
        if len(crit) >= 2:
            verdict = all_rose(test)
            key = {
                "achieved": "base_all_yes",
                "not achieved": "base_all_no",
            }.get(verdict, "base_all_undetermined")
            out.append(text(key, lang, k=len(crit)))
    if not baseline_se_given:
        out.append(text("base_se_zero", lang))
    return "\n\n".join(out)


def describe_baseline_source(
    test: pd.DataFrame,
    instrument: Any,
    lang: str,
    year: int | None,
    file: str,
    shared_psus: bool = False,
) -> str:
    """Where the baseline comes from when last year's survey file is given, and its SEs.

    Read from the rows of :func:`govsurvey.trends.baseline.baseline_change` (the rows the
    table shows): each code's baseline value, SE and forms; ``file`` is shown by its name.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.publish.narrative import describe_baseline_source
    >>> t = pd.DataFrame({"code": ["C5"], "estimate_before": [79.73], "se_before": [0.85],
    ...                   "n_before": [3600.0]})
    >>> print(describe_baseline_source(t, gs.load_instrument("sipas-2017"), "en", 2021,
    ...                                "/data/khao-sat-2021.csv"))  # doctest: +ELLIPSIS
    The baseline figures of 2021 are estimated from last year's survey file `khao-sat-2021.csv`, ...
    """
    rows = test.drop_duplicates(subset=["code"])
    items = [
        text(
            "base_from_file_item",
            lang,
            label=code_label(instrument, r["code"], lang),
            code=r["code"],
            before=i18n.pct(r["estimate_before"], lang),
            se=i18n.num(r["se_before"], lang),
            n=i18n.integer(r["n_before"], lang),
        )
        for _, r in rows.iterrows()
    ]
    head = text(
        "base_from_file",
        lang,
        year=year if year is not None else "",
        file=Path(str(file)).name,
        items="; ".join(items),
    )
    return head + " " + text("base_shared" if shared_psus else "base_independent", lang)


def describe_truth(
    check: pd.DataFrame, lang: str, level: float | None = None, unit_label: str | None = None
) -> str:
    """On synthetic data: how many intervals contain the known population value.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.publish.narrative import describe_truth
    >>> c = pd.DataFrame({"covered": [True, True, False]})
    >>> print(describe_truth(c, "en"))  # doctest: +ELLIPSIS
    These data are synthetic, so the population values are known: 2 of 3 95% intervals (66.67%)...
    """
    lv = _lv(check, lang, level)
    k = int(check["covered"].sum())
    total = len(check)
    share = i18n.pct(100.0 * k / total, lang) if total else i18n.DASH
    if unit_label:
        return text("truth_by_text", lang, unit=unit_label, k=k, total=total, level=lv, share=share)
    return text("truth_text", lang, k=k, total=total, level=lv, share=share)


def describe_conclusion(
    index: pd.DataFrame,
    instrument: Any,
    lang: str,
    by_unit: pd.DataFrame | None = None,
    unit: str | None = None,
    targets: Sequence[pd.DataFrame] = (),
) -> str:
    """A short conclusion for officials, read from the report's own figures.

    Parameters
    ----------
    index : DataFrame
        :func:`govsurvey.sipas_index` for the whole population (the report's Table of it).
    instrument : Instrument
    lang : {"vi", "en"}
    by_unit, unit : DataFrame and str, optional
        The index by the first domain and its column (units wholly below the overall index).
    targets : sequence of DataFrame
        The target tests the report shows (level targets, baseline rises, unit targets): rows
        with ``verdict`` or ``gain_verdict``/``rise_verdict``.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.publish.narrative import describe_conclusion
    >>> idx = pd.DataFrame({"level": ["overall", "component", "component", "criterion"],
    ...     "code": ["SIPAS", "C1", "C2", "C1.1"], "estimate": [80.0, 82.0, 78.0, 70.0],
    ...     "ci_low": [78.0, 80, 76, 66], "ci_high": [82.0, 84, 80, 74], "n": [600] * 4})
    >>> print(describe_conclusion(idx, gs.load_instrument("sipas-2017"), "en"))
    ... # doctest: +ELLIPSIS
    - **Overall SIPAS index: 80.00%** (95% confidence interval 78.00% – 82.00%; 600 forms).
    - **To look at first:** the lowest component is “Administrative procedures” (78.00%)...
    """
    lv = _lv(index, lang)
    shown = index.dropna(subset=["estimate"])
    o = shown[shown["level"] == "overall"]
    if o.empty:
        return ""
    o = o.iloc[0]
    out = [text("concl_overall", lang, est=i18n.pct(o["estimate"], lang), level=lv,
                lo=i18n.pct(o["ci_low"], lang), hi=i18n.pct(o["ci_high"], lang),
                n=i18n.integer(o["n"], lang))]  # fmt: skip
    groups: dict[str, list[str]] = {"met": [], "not met": [], "open": []}
    for t in targets:
        if t is None or not len(t):
            continue
        col = "verdict" if "verdict" in t else "gain_verdict" if "gain_verdict" in t else None
        if col is None:
            continue
        for _, r in t.drop_duplicates(
            subset=[c for c in ("code", unit) if c and c in t]
        ).iterrows():
            name = (
                value_label(instrument, unit, r[unit], lang)
                if unit and unit in t and pd.notna(r.get(unit))
                else code_label(instrument, r["code"], lang)
            )
            if col == "gain_verdict":  # a rise on the baseline, as the plan states it
                g = text("points" if r.get("gain_unit") == "points" else "percent_rel", lang,
                         value=i18n.num(r["gain"], lang))  # fmt: skip
                name = text("concl_rise", lang, name=name, gain=g)
            elif "target" in t and pd.notna(r.get("target")):
                name = text("concl_target", lang, name=name, target=i18n.pct(r["target"], lang))
            v = {"achieved": "met", "not achieved": "not met"}.get(str(r[col]), str(r[col]))
            if v != "not estimable":
                groups[v if v in ("met", "not met") else "open"].append(name)
    for key, tkey in (("met", "concl_met"), ("not met", "concl_not_met"), ("open", "concl_open")):
        if groups[key]:
            items = ", ".join(dict.fromkeys(groups[key]))
            out.append(text(tkey, lang, items=items, level=lv))
    comps = shown[shown["level"] == "component"]
    crits = shown[shown["level"] == "criterion"]
    if len(comps) and len(crits):
        c, k = comps.loc[comps["estimate"].idxmin()], crits.loc[crits["estimate"].idxmin()]
        out.append(text("concl_first", lang, comp=code_label(instrument, c["code"], lang),
                        comp_est=i18n.pct(c["estimate"], lang),
                        crit=code_label(instrument, k["code"], lang),
                        crit_est=i18n.pct(k["estimate"], lang)))  # fmt: skip
    if by_unit is not None and unit:
        u = by_unit[(by_unit["code"] == o["code"])].dropna(subset=["estimate"])
        low = u[u["ci_high"] < o["estimate"]]
        uname = unit_name(instrument, unit, lang)
        if len(low):
            ordered = unit_order(instrument, unit, list(low[unit]), lang)
            names = ", ".join(value_label(instrument, unit, v, lang) for v in ordered)
            out.append(text("concl_units_low", lang, unit=uname.capitalize(), names=names,
                            overall=i18n.pct(o["estimate"], lang)))  # fmt: skip
        elif len(u) >= 2:
            out.append(text("concl_units_none", lang, unit=uname))
    return "\n".join(out)
