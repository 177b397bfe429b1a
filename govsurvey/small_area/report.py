"""The words of the small-units section (notebook 03) and of the forms a ward needs (notebook 01),
in Vietnamese and English, written from the result rows: sentences, table builders, captions and
alt texts. Nothing here computes a statistic beyond counting and taking medians of published
rows.

Every number a sentence states is in the table it describes: :func:`describe_units` reads the
rows :func:`summary_table` shows, :func:`describe_forms` those :func:`forms_table` shows. Unit
names are sorted in Vietnamese alphabetical order (:func:`govsurvey.collation.vi_key`: a ă â b
c d đ e ê … with the tones after the letters).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..collation import vi_key
from ..publish import i18n
from ..publish.i18n import DASH
from ..publish.tables import Table, code_label, suppressed, variable_label
from .rule import LABELS, PublicationRule

__all__ = [
    "TEXT",
    "alt_units",
    "describe_forms",
    "describe_units",
    "forms_table",
    "reasons",
    "rule_from_params",
    "summary_table",
    "text",
    "units_table",
]

TEXT: dict[str, dict[str, str]] = {
    "h_small": {
        "en": "{unit}: direct and model-based estimates",
        "vi": "{unit}: ước lượng trực tiếp và ước lượng mô hình",
    },
    "method": {
        "en": "A {unit_l} holds a few dozen forms, so its direct estimate is wide. Each {unit_l} "
        "is published with its direct estimate where that is precise enough; otherwise with a "
        "model-based estimate (Fay–Herriot, {method}), which borrows strength from the other "
        "units through the frame's data (size, area, service mix){bench}, with its interval "
        "from the mean squared error (MSE); and not at all where neither is precise enough or "
        "the {unit_l} has fewer forms than the small-cell rule allows.",
        "vi": "Mỗi {unit_l} chỉ có vài chục phiếu nên ước lượng trực tiếp có khoảng tin cậy "
        "rộng. Mỗi {unit_l} được công bố bằng ước lượng trực tiếp khi đủ chính xác; nếu không, "
        "bằng ước lượng mô hình (Fay–Herriot, {method}), mượn thông tin từ các đơn vị khác qua "
        "dữ liệu của khung mẫu (quy mô, khu vực, cơ cấu dịch vụ){bench}, với khoảng tin cậy "
        "tính từ sai số bình phương trung bình (MSE); và không công bố khi cả hai đều không đủ "
        "chính xác hoặc {unit_l} có ít phiếu hơn quy tắc ô nhỏ cho phép.",
    },
    "bench": {
        "en": ", adjusted so that the units add up to the direct estimate of each {by}",
        "vi": ", được điều chỉnh để các đơn vị cộng lại bằng ước lượng trực tiếp của từng {by}",
    },
    "counts": {
        "en": "Of the {k} units with forms, {a} are published with their direct estimate, {b} "
        "with the model-based estimate and {c} are not published (Table {tab}).",
        "vi": "Trong {k} đơn vị có phiếu, {a} đơn vị được công bố bằng ước lượng trực tiếp, {b} "
        "bằng ước lượng mô hình và {c} không được công bố (Bảng {tab}).",
    },
    "synthetic": {
        "en": "{s} units of the frame without forms are published with their model-based "
        "(synthetic) estimate, the model's prediction from the frame's data alone.",
        "vi": "{s} đơn vị trong khung mẫu không có phiếu được công bố bằng ước lượng mô hình "
        "(tổng hợp): dự báo của mô hình chỉ từ dữ liệu khung mẫu.",
    },
    "unsampled": {
        "en": "{s} units of the frame have no form and are not published.",
        "vi": "{s} đơn vị trong khung mẫu không có phiếu và không được công bố.",
    },
    "gain": {
        "en": "For the units published model-based, the median standard error is {m} points, "
        "against {d} points for their direct estimates.",
        "vi": "Với các đơn vị công bố bằng ước lượng mô hình, sai số chuẩn trung vị là {m} "
        "điểm, so với {d} điểm của ước lượng trực tiếp.",
    },
    "no_model": {
        "en": "No unit is published model-based: every unit is either precise enough directly "
        "or not precise enough either way.",
        "vi": "Không đơn vị nào được công bố bằng ước lượng mô hình: mỗi đơn vị hoặc đủ chính "
        "xác với ước lượng trực tiếp, hoặc không đủ chính xác với cả hai cách.",
    },
    "caveat": {
        "en": "Caveat: a model-based estimate is as good as the model. It assumes that a unit "
        "differs from the model's prediction only at random; a unit that differs for reasons "
        "the frame does not record is pulled towards the prediction, and its MSE does not show "
        "it. Compare or rank units, or judge a unit's head, on direct estimates where they are "
        "published, and read a model-based figure as a prediction of the unit's level, not a "
        "measurement of it.",
        "vi": "Lưu ý: ước lượng mô hình chỉ đúng khi mô hình đúng. Mô hình giả định mỗi đơn vị "
        "chỉ khác giá trị dự báo một cách ngẫu nhiên; đơn vị khác biệt vì lý do khung mẫu "
        "không ghi nhận sẽ bị kéo về giá trị dự báo, và MSE không phản ánh điều đó. Khi so "
        "sánh, xếp hạng các đơn vị hay đánh giá người đứng đầu, hãy dựa vào ước lượng trực "
        "tiếp khi có công bố, và đọc ước lượng mô hình như một dự báo mức của đơn vị, không "
        "phải một phép đo.",
    },
    "synthetic_only": {
        "en": "The model variance is estimated at zero: every model-based figure is then the "
        "model's prediction from the frame's data alone (synthetic).",
        "vi": "Phương sai của mô hình được ước lượng bằng 0: mọi ước lượng mô hình khi đó chỉ "
        "là dự báo từ dữ liệu khung mẫu (tổng hợp).",
    },
    "no_frame": {
        "en": "No frame is given (frame:), so the units are not estimated by the model: the "
        "model needs the frame's data for every unit.",
        "vi": "Không có khung mẫu (frame:) nên không ước lượng các đơn vị bằng mô hình: mô hình "
        "cần dữ liệu khung mẫu của mọi đơn vị.",
    },
    "tab_units": {
        "en": "{code} by {unit_l}: the published figure and what it is",
        "vi": "{code} theo {unit_l}: số liệu công bố và loại ước lượng",
    },
    "tab_summary": {
        "en": "{unit}: how each figure is published",
        "vi": "{unit}: cách công bố từng số liệu",
    },
    "fig_units": {
        "en": "{code} by {unit_l}: direct and model-based estimates with their {level} "
        "intervals, units ordered by the direct estimate",
        "vi": "{code} theo {unit_l}: ước lượng trực tiếp và ước lượng mô hình với khoảng tin "
        "cậy {level}, đơn vị xếp theo ước lượng trực tiếp",
    },
    "alt_units": {
        "en": "Intervals of {k} units: direct estimates from {dlo} to {dhi}, model-based "
        "estimates from {mlo} to {mhi}.",
        "vi": "Khoảng tin cậy của {k} đơn vị: ước lượng trực tiếp từ {dlo} đến {dhi}, ước "
        "lượng mô hình từ {mlo} đến {mhi}.",
    },
    "col_figure": {"en": "Estimate", "vi": "Loại ước lượng"},
    "col_units": {"en": "Units", "vi": "Số đơn vị"},
    "col_se": {"en": "SE (points)", "vi": "Sai số chuẩn (điểm)"},
    "col_median_se": {
        "en": "Median SE of the published figure (points)",
        "vi": "Sai số chuẩn trung vị của số liệu công bố (điểm)",
    },
    "col_median_direct": {
        "en": "Median SE of the direct estimate (points)",
        "vi": "Sai số chuẩn trung vị của ước lượng trực tiếp (điểm)",
    },
    "col_forms": {"en": "Forms", "vi": "Số phiếu"},
    "row_direct": {"en": "direct (CV at most {cv})", "vi": "ước lượng trực tiếp (CV tối đa {cv})"},
    "row_model": {
        "en": "model-based (CV at most {cv})",
        "vi": "ước lượng mô hình (CV tối đa {cv})",
    },
    "row_synthetic": {
        "en": "model-based, synthetic (no forms)",
        "vi": "ước lượng mô hình tổng hợp (không có phiếu)",
    },
    "row_small": {
        "en": "not published: fewer than {m} forms",
        "vi": "không công bố: ít hơn {m} phiếu",
    },
    "row_imprecise": {
        "en": "not published: neither estimate precise enough",
        "vi": "không công bố: cả hai ước lượng đều không đủ chính xác",
    },
    "row_hidden": {
        "en": "not published: hidden so that no suppressed figure can be worked out",
        "vi": "không công bố: ẩn thêm để không suy ra được số liệu đã ẩn",
    },
    "row_unsampled": {
        "en": "no forms: not published",
        "vi": "không có phiếu: không công bố",
    },
    "row_total": {"en": "units with forms", "vi": "đơn vị có phiếu"},
    "row_not_published": {
        "en": "not published, in all",
        "vi": "không công bố, tổng cộng",
    },
    # notebook 01
    "h_forms": {
        "en": "Forms per {unit_l}: direct estimates against the model",
        "vi": "Số phiếu mỗi {unit_l}: ước lượng trực tiếp so với mô hình",
    },
    "forms": {
        "en": "In the previous survey a {unit_l} had a median of {now} forms. For its direct "
        "estimate to be as precise as the model-based one (Fay–Herriot on the frame's data), "
        "a {unit_l} would need a median of {model} forms, and {cv_forms} forms for a CV of "
        "{cv}, the precision at which a {unit_l} is published with its direct estimate "
        "(Table {tab}). Where the plan's forms per {unit_l} fall short of that, the {unit_l}'s "
        "figure will be model-based.",
        "vi": "Trong cuộc khảo sát trước, mỗi {unit_l} có trung vị {now} phiếu. Để ước lượng "
        "trực tiếp chính xác bằng ước lượng mô hình (Fay–Herriot trên dữ liệu khung mẫu), mỗi "
        "{unit_l} cần trung vị {model} phiếu, và {cv_forms} phiếu để đạt CV {cv}, mức chính "
        "xác để {unit_l} được công bố bằng ước lượng trực tiếp (Bảng {tab}). Khi số phiếu mỗi "
        "{unit_l} trong kế hoạch thấp hơn mức đó, số liệu của {unit_l} sẽ là ước lượng mô hình.",
    },
    "tab_forms": {
        "en": "Forms per {unit_l} a direct estimate of {code} would need",
        "vi": "Số phiếu mỗi {unit_l} cần cho ước lượng trực tiếp {code}",
    },
    "col_quantity": {"en": "Forms per unit", "vi": "Số phiếu mỗi đơn vị"},
    "col_median": {"en": "Median", "vi": "Trung vị"},
    "col_low": {"en": "Lowest", "vi": "Thấp nhất"},
    "col_high": {"en": "Highest", "vi": "Cao nhất"},
    "row_now": {"en": "in the previous survey", "vi": "trong khảo sát trước"},
    "row_for_model": {
        "en": "to be as precise as the model",
        "vi": "để chính xác bằng ước lượng mô hình",
    },
    "row_for_cv": {"en": "for a CV of {cv}", "vi": "để đạt CV {cv}"},
}

#: The methods of a published figure, in the order :func:`summary_table` lists them.
_ORDER = ["direct", "fh", "synthetic"]


def text(key: str, lang: str, **fields: Any) -> str:
    """The sentence ``key`` in ``lang``, its ``{fields}`` filled in.

    Examples
    --------
    >>> text("col_forms", "vi")
    'Số phiếu'
    """
    return i18n.phrase(TEXT, key, lang, **fields)


# --- the rule and the reasons ---------------------------------------------------------------


def rule_from_params(params: dict[str, Any]) -> PublicationRule:
    """The publication rule notebook 03's parameters state (``min_cell`` is the run's).

    Examples
    --------
    >>> from govsurvey.config.params_small_area import SMALL_AREA_DEFAULTS
    >>> rule_from_params({**SMALL_AREA_DEFAULTS, "min_cell": 30})
    PublicationRule(max_cv=0.05, max_model_cv=0.1, min_effective_n=None, min_cell=30)
    """
    return PublicationRule(
        max_cv=params["small_area_max_cv"],
        max_model_cv=params["small_area_max_model_cv"],
        min_effective_n=params["small_area_min_effective_n"],
        min_cell=params["min_cell"],
    )


def reasons(guarded: pd.DataFrame, min_cell: int) -> np.ndarray:
    """What each row of a guarded :func:`~govsurvey.small_area.report_units` frame is.

    One of ``"direct"``, ``"fh"``, ``"synthetic"`` (published), ``"small"`` (fewer than
    ``min_cell`` forms), ``"imprecise"`` (neither estimate precise enough), ``"hidden"``
    (suppressed by the guard so that no suppressed figure can be worked out).

    Examples
    --------
    >>> g = pd.DataFrame({"method": ["direct", None, "suppressed", None],
    ...                   "n": [40, None, 35, None], "suppressed": [False, True, False, True]})
    >>> g.attrs["n_forms"] = [40, 12, 35, 50]
    >>> reasons(g, 30).tolist()
    ['direct', 'small', 'imprecise', 'hidden']
    """
    sup = suppressed(guarded)
    n = np.asarray(guarded.attrs.get("n_forms", guarded["n"]), dtype=float)
    method = guarded["method"].astype(object).to_numpy()
    out = np.where(method == "suppressed", "imprecise", method).astype(object)
    small = (n > 0) & (n < min_cell)
    out[small] = "small"
    out[sup & ~small] = "hidden"
    return out


def _guarded_forms(guarded: pd.DataFrame, frame: pd.DataFrame | None) -> pd.DataFrame:
    """Keep the forms per unit of the unguarded frame beside the guarded one (for reasons)."""
    if frame is not None and "n_forms" not in guarded.attrs:
        guarded = guarded.copy()
        guarded.attrs["n_forms"] = pd.to_numeric(frame["n"], errors="coerce").tolist()
    return guarded


def _cv(x: float, lang: str) -> str:
    return i18n.pct(100 * x, lang, 0 if abs(100 * x - round(100 * x)) < 1e-9 else 1)


def _median(values: Any) -> float:
    v = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if len(v) else float("nan")


# --- tables ---------------------------------------------------------------------------------


def _summary_rows(
    guarded: pd.DataFrame, frame: pd.DataFrame | None, min_cell: int, out_of_sample: int
) -> list[tuple[str, int, float, float]]:
    g = _guarded_forms(guarded, frame)
    why = reasons(g, min_cell)
    rows = []
    for key in [*_ORDER, "small", "imprecise", "hidden"]:
        m = why == key
        if key == "synthetic" and not m.any():
            continue
        pub = key in _ORDER
        rows.append(
            (
                key,
                int(m.sum()),
                _median(g.loc[m, "se"]) if pub else float("nan"),
                _median(g.loc[m, "direct_se"]) if key in ("direct", "fh") else float("nan"),
            )
        )
    if out_of_sample and not (why == "synthetic").any():
        rows.append(("unsampled", int(out_of_sample), float("nan"), float("nan")))
    return rows


def _row_label(key: str, lang: str, rule: dict[str, Any], min_cell: int) -> str:
    if key == "direct":
        return text("row_direct", lang, cv=_cv(rule["max_cv"], lang))
    if key == "fh":
        return text("row_model", lang, cv=_cv(rule["max_model_cv"], lang))
    if key == "small":
        return text("row_small", lang, m=i18n.integer(min_cell, lang))
    return text(f"row_{key}", lang)


def summary_table(
    guarded: pd.DataFrame,
    lang: str,
    caption: str = "",
    min_cell: int = 30,
    frame: pd.DataFrame | None = None,
) -> Table:
    """How the units are published: units per kind of figure, with median standard errors.

    Parameters
    ----------
    guarded : pandas.DataFrame
        :func:`~govsurvey.small_area.report_units`' frame after the guard
        (``Publisher.record``).
    lang : {"vi", "en"}
    caption : str
    min_cell : int
        The run's small-cell rule.
    frame : pandas.DataFrame, optional
        The frame before the guard: tells a unit with too few forms from one the guard hid
        beside it (the guard blanks ``n``).

    Returns
    -------
    Table
        One row per kind (direct, model-based, synthetic when published, and each reason for
        not publishing), the units not published in all, the units of the frame without forms
        when not published, and a total of the units with forms.

    Examples
    --------
    >>> g = pd.DataFrame({"method": ["direct", "fh", "fh", "suppressed"],
    ...                   "se": [2.0, 3.0, 4.0, None], "direct_se": [2.0, 5.0, 6.0, None],
    ...                   "n": [60, 35, 40, 20], "suppressed": [False] * 3 + [True]})
    >>> g.attrs["rule"] = {"max_cv": 0.05, "max_model_cv": 0.1}
    >>> summary_table(g, "en", min_cell=30).frame.values.tolist()[:2]
    [['direct (CV at most 5%)', '1', '2.00', '2.00'], ['model-based (CV at most 10%)', '2', '3.50', '5.50']]
    """  # noqa: E501
    rule = guarded.attrs.get("rule") or {"max_cv": 0.05, "max_model_cv": 0.10}
    rows = _summary_rows(guarded, frame, min_cell, int(guarded.attrs.get("out_of_sample", 0)))
    with_forms = sum(k for key, k, _, _ in rows if key not in ("synthetic", "unsampled"))
    hidden = sum(k for key, k, _, _ in rows if key in ("small", "imprecise", "hidden"))
    at = next(i for i, r in enumerate(rows) if r[0] == "hidden") + 1
    rows = [*rows[:at], ("not_published", hidden, np.nan, np.nan), *rows[at:]]
    cols = {
        text("col_figure", lang): [_row_label(key, lang, rule, min_cell) for key, *_ in rows]
        + [text("row_total", lang)],
        text("col_units", lang): [i18n.integer(k, lang) for _, k, _, _ in rows]
        + [i18n.integer(with_forms, lang)],
        text("col_median_se", lang): [i18n.num(s, lang) for _, _, s, _ in rows] + [DASH],
        text("col_median_direct", lang): [i18n.num(d, lang) for *_, d in rows] + [DASH],
    }
    numeric = list(cols)[1:]
    return Table(pd.DataFrame(cols), caption, [], numeric, strong=[at, len(rows)])


def units_table(
    guarded: pd.DataFrame,
    instrument: Any,
    lang: str,
    caption: str = "",
    min_cell: int = 30,
    frame: pd.DataFrame | None = None,
    unit: str | None = None,
) -> Table:
    """The units as published: name (and larger area), figure, interval, SE, forms, and what
    the figure is ("ước lượng mô hình" / "model-based", or why it is not published).

    Rows are in Vietnamese alphabetical order of the larger area, then of the unit's name.

    Parameters
    ----------
    guarded : pandas.DataFrame
        :func:`~govsurvey.small_area.report_units`' frame after the guard.
    instrument : Instrument
        Gives the columns' labels.
    lang : {"vi", "en"}
    caption : str
    min_cell : int
    frame : pandas.DataFrame, optional
        The frame before the guard (see :func:`summary_table`).
    unit : str, optional
        The unit's column (default: the frame's ``attrs["unit"]``, else ``"ward"``); the
        columns before it (but the unit's code) are shown too, e.g. the district.

    Returns
    -------
    Table

    Examples
    --------
    >>> import govsurvey as gs
    >>> g = pd.DataFrame({"district": ["Đống Đa", "Ba Đình"], "ward": ["Láng", "Kim Mã"],
    ...     "code": "SIPAS", "estimate": [81.0, None], "se": [3.0, None],
    ...     "ci_low": [75.1, None], "ci_high": [86.9, None], "method": ["fh", None],
    ...     "n": [35, None], "suppressed": [False, True]})
    >>> g.attrs["n_forms"] = [35, 12]
    >>> units_table(g, gs.load_instrument("sipas-2017"), "vi").frame.values.tolist()
    [['Ba Đình', 'Kim Mã', '—', '—', '—', '—', 'không công bố: ít hơn 30 phiếu'], ['Đống Đa', 'Láng', '81,00%', '75,10% – 86,90%', '3,00', '35', 'ước lượng mô hình']]
    """  # noqa: E501
    g = _guarded_forms(guarded, frame)
    unit = unit or g.attrs.get("unit") or "ward"
    why = reasons(g, min_cell)
    rule = g.attrs.get("rule") or {"max_cv": 0.05, "max_model_cv": 0.10}
    first = [c for c in g.columns[: list(g.columns).index(unit)] if c != g.attrs.get("key")]
    order = sorted(range(len(g)), key=lambda i: tuple(vi_key(g[c].iloc[i]) for c in [*first, unit]))
    g, why = g.iloc[order].reset_index(drop=True), why[order]
    lvp = i18n.level_pct(float(g.attrs.get("level", 0.95)), lang)
    shown = np.isin(why, _ORDER)
    cols: dict[str, list[str]] = {
        variable_label(instrument, c, lang): [str(v) for v in g[c]] for c in [*first, unit]
    }
    code = str(g["code"].iloc[0]) if len(g) else "SIPAS"
    cols[code_label(instrument, code, lang)] = [
        i18n.pct(v, lang) if s else DASH for v, s in zip(g["estimate"], shown, strict=True)
    ]
    cols[i18n.text("col_ci", lang, level=lvp)] = [
        f"{i18n.pct(a, lang)} – {i18n.pct(b, lang)}" if s else DASH
        for a, b, s in zip(g["ci_low"], g["ci_high"], shown, strict=True)
    ]
    cols[text("col_se", lang)] = [
        i18n.num(v, lang) if s else DASH for v, s in zip(g["se"], shown, strict=True)
    ]
    cols[text("col_forms", lang)] = [
        DASH if pd.isna(v) else i18n.integer(v, lang) for v in pd.to_numeric(g["n"])
    ]
    cols[text("col_figure", lang)] = [
        LABELS[w][lang] if w in _ORDER else _row_label(w, lang, rule, min_cell) for w in why
    ]
    numeric = list(cols)[len(first) + 1 : -1]
    return Table(pd.DataFrame(cols), caption, [], numeric)


# --- sentences ------------------------------------------------------------------------------


def describe_units(
    guarded: pd.DataFrame,
    lang: str,
    unit_name: str,
    min_cell: int = 30,
    frame: pd.DataFrame | None = None,
    table_number: int | str = "",
    benchmark_by: str | None = None,
    method_text: str | None = None,
) -> str:
    """The small-units section's sentences, from the rows :func:`summary_table` shows.

    How the figures are chosen, how many units are direct, model-based and not published,
    the model's gain (median SEs of the model-based units against their direct ones), units
    of the frame without forms, and the caveat a methodologist states.

    Parameters
    ----------
    guarded : pandas.DataFrame
        :func:`~govsurvey.small_area.report_units`' frame after the guard.
    lang : {"vi", "en"}
    unit_name : str
        The unit's name in ``lang`` (e.g. "ward" / "phường, xã").
    min_cell : int
    frame : pandas.DataFrame, optional
        The frame before the guard.
    table_number : int or str
        The number of the summary table the counts are in.
    benchmark_by : str, optional
        The larger area's name in ``lang`` when the units are benchmarked to it.
    method_text : str, optional
        The first paragraph (how the figures are chosen) in place of the frame-based one,
        for units whose model has other covariates (the desk-months of notebook 05).

    Returns
    -------
    str

    Examples
    --------
    >>> g = pd.DataFrame({"method": ["direct", "fh", "fh", "suppressed"],
    ...                   "se": [2.0, 3.0, 4.0, None], "direct_se": [2.0, 5.0, 6.0, None],
    ...                   "n": [60, 35, 40, 20], "suppressed": [False] * 3 + [True]})
    >>> g.attrs["model"] = {"method": "reml", "sigma2_u": 4.0}
    >>> print(describe_units(g, "en", "ward", table_number=5).split("\\n\\n")[1])
    Of the 4 units with forms, 1 are published with their direct estimate, 2 with the model-based estimate and 1 are not published (Table 5). For the units published model-based, the median standard error is 3.50 points, against 5.50 points for their direct estimates.
    """  # noqa: E501
    model = guarded.attrs.get("model") or {}
    rows = {
        key: (k, s, d)
        for key, k, s, d in _summary_rows(
            guarded, frame, min_cell, int(guarded.attrs.get("out_of_sample", 0))
        )
    }
    bench = text("bench", lang, by=benchmark_by) if benchmark_by else ""
    method = str(model.get("method", "reml")).upper()
    parts = [method_text or text("method", lang, unit_l=unit_name, method=method, bench=bench)]
    a = rows["direct"][0]
    b = rows["fh"][0]
    c = sum(rows[k][0] for k in ("small", "imprecise", "hidden"))
    counts = text(
        "counts",
        lang,
        k=i18n.integer(a + b + c, lang),
        a=i18n.integer(a, lang),
        b=i18n.integer(b, lang),
        c=i18n.integer(c, lang),
        tab=table_number,
    )
    if b:
        counts += " " + text(
            "gain", lang, m=i18n.num(rows["fh"][1], lang), d=i18n.num(rows["fh"][2], lang)
        )
    else:
        counts += " " + text("no_model", lang)
    if "synthetic" in rows:
        counts += " " + text("synthetic", lang, s=i18n.integer(rows["synthetic"][0], lang))
    elif "unsampled" in rows:
        counts += " " + text("unsampled", lang, s=i18n.integer(rows["unsampled"][0], lang))
    parts.append(counts)
    caveat = text("caveat", lang)
    if model.get("sigma2_u") == 0:
        caveat += " " + text("synthetic_only", lang)
    parts.append(caveat)
    return "\n\n".join(parts)


def alt_units(published: pd.DataFrame, lang: str) -> str:
    """Alt text of :func:`~govsurvey.small_area.plots.intervals_plot`, from what it draws.

    Examples
    --------
    >>> f = pd.DataFrame({"direct": [70.0, 80.0], "model": [72.0, 79.0],
    ...                   "direct_ci_low": [60, 70], "direct_ci_high": [80, 90],
    ...                   "model_ci_low": [65, 72], "model_ci_high": [79, 86]})
    >>> alt_units(f, "en")
    'Intervals of 2 units: direct estimates from 70.00% to 80.00%, model-based estimates from 72.00% to 79.00%.'
    """  # noqa: E501
    d = pd.to_numeric(published["direct"], errors="coerce")
    m = pd.to_numeric(published["model"], errors="coerce")
    both = d.notna() & m.notna()
    d, m = d[both], m[both]
    return text(
        "alt_units",
        lang,
        k=i18n.integer(int(both.sum()), lang),
        dlo=i18n.pct(d.min(), lang),
        dhi=i18n.pct(d.max(), lang),
        mlo=i18n.pct(m.min(), lang),
        mhi=i18n.pct(m.max(), lang),
    )


# --- notebook 01: forms a direct estimate would need ----------------------------------------


def _forms_rows(forms: pd.DataFrame) -> list[tuple[str, pd.Series]]:
    sampled = forms[forms["n"] > 0]
    rows = [("now", sampled["n"]), ("for_model", sampled["forms_for_model_precision"])]
    if "forms_for_target_cv" in forms:
        rows.append(("for_cv", sampled["forms_for_target_cv"]))
    return rows


def forms_table(
    forms: pd.DataFrame, lang: str, caption: str = "", target_cv: float | None = None
) -> Table:
    """Forms per unit now, to match the model's precision, and for a target CV (median, range).

    Parameters
    ----------
    forms : pandas.DataFrame
        :func:`~govsurvey.small_area.forms_needed`'s frame; units without forms are left out.
    lang : {"vi", "en"}
    caption : str
    target_cv : float, optional
        The CV ``forms_needed`` was asked for (named in the row).

    Returns
    -------
    Table

    Examples
    --------
    >>> f = pd.DataFrame({"ward": list("abc"), "n": [20, 30, 0],
    ...                   "forms_for_model_precision": [15, 25, 40],
    ...                   "forms_for_target_cv": [60, 70, 80]})
    >>> forms_table(f, "en", target_cv=0.05).frame.values.tolist()
    [['in the previous survey', '25', '20', '30'], ['to be as precise as the model', '20', '15', '25'], ['for a CV of 5%', '65', '60', '70']]
    """  # noqa: E501
    rows = _forms_rows(forms)
    cv = _cv(target_cv, lang) if target_cv is not None else ""
    label = {
        "now": text("row_now", lang),
        "for_model": text("row_for_model", lang),
        "for_cv": text("row_for_cv", lang, cv=cv),
    }
    cols = {
        text("col_quantity", lang): [label[k] for k, _ in rows],
        text("col_median", lang): [i18n.integer(np.ceil(_median(v)), lang) for _, v in rows],
        text("col_low", lang): [i18n.integer(v.min(), lang) for _, v in rows],
        text("col_high", lang): [i18n.integer(v.max(), lang) for _, v in rows],
    }
    return Table(pd.DataFrame(cols), caption, [], list(cols)[1:])


def describe_forms(
    forms: pd.DataFrame,
    lang: str,
    unit_name: str,
    target_cv: float,
    table_number: int | str = "",
) -> str:
    """Notebook 01's sentence: forms per unit a direct estimate would need against the model.

    Every number is in :func:`forms_table`'s rows (medians rounded up to whole forms).

    Examples
    --------
    >>> f = pd.DataFrame({"ward": list("abc"), "n": [20, 30, 0],
    ...                   "forms_for_model_precision": [15, 25, 40],
    ...                   "forms_for_target_cv": [60, 70, 80]})
    >>> describe_forms(f, "en", "ward", 0.05, 2)[:60]
    'In the previous survey a ward had a median of 25 forms. For '
    """
    med = {k: i18n.integer(np.ceil(_median(v)), lang) for k, v in _forms_rows(forms)}
    return text(
        "forms",
        lang,
        unit_l=unit_name,
        now=med["now"],
        model=med["for_model"],
        cv_forms=med["for_cv"],
        cv=_cv(target_cv, lang),
        tab=table_number,
    )
