"""The words of the change-over-time report (notebook 05), in Vietnamese and English.

Sentences, table builders, captions and alt texts written from result frames; nothing here
computes a statistic. Numbers go through :mod:`govsurvey.publish.i18n` (``79,73%`` /
``79.73%``); tables are :class:`govsurvey.publish.tables.Table` objects.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..publish import i18n
from ..publish.tables import Table, code_label
from ..small_area import report as sa_report
from ..small_area.rule import LABELS

__all__ = [
    "TEXT",
    "change_table",
    "desks_tables",
    "describe_change",
    "describe_desks",
    "describe_funnel",
    "describe_progress",
    "describe_rank_change",
    "describe_trend",
    "describe_truth_change",
    "describe_waves",
    "funnel_table",
    "progress_table",
    "rank_change_table",
    "text",
]

TEXT: dict[str, dict[str, str]] = {
    "title": {
        "vi": "Biến động của chỉ số hài lòng theo thời gian",
        "en": "Satisfaction over time: change, trend, ranks, targets and monthly compilation",
    },
    "intro": {
        "vi": "Báo cáo so sánh các đợt khảo sát hằng năm như một thiết kế mẫu gộp: mọi mức "
        "thay đổi, xu hướng và thứ hạng đều kèm sai số chuẩn theo thiết kế mẫu và khoảng tin "
        "cậy {level}. Kết quả hằng tháng tại bộ phận một cửa được tổng hợp từ các tổng theo "
        "đơn vị mẫu; ô có ít hơn {min_cell} phiếu không được công bố.",
        "en": "This report compares the yearly survey waves as one combined design: every "
        "change, trend and rank comes with its design-based standard error and a {level} "
        "confidence interval. The monthly results of the one-stop desks are compiled from sums "
        "per sampling unit; cells with fewer than {min_cell} forms are not published.",
    },
    "nothing": {
        "vi": "Lần chạy này không nêu tệp các đợt khảo sát (`waves:`) hay tệp phiếu theo ngày "
        "của bộ phận một cửa (`desk_forms:`), nên báo cáo này không có số liệu nào. Nêu một "
        "trong hai tệp trong tệp tham số rồi chạy lại.",
        "en": "This run names no file of survey waves (`waves:`) and no file of dated one-stop "
        "desk forms (`desk_forms:`), so this report has no figures. Name either file in the "
        "parameters and run again.",
    },
    "h_waves": {"vi": "1. Các đợt khảo sát", "en": "1. The survey waves"},
    "waves": {
        "vi": "{periods} đợt khảo sát ({first}–{last}), {n} phiếu hợp lệ; các đợt {how}.",
        "en": "{periods} survey waves ({first}–{last}), {n} valid forms; the waves {how}.",
    },
    "independent": {
        "vi": "là các mẫu độc lập (chọn lại đơn vị mẫu mỗi năm)",
        "en": "are independent samples (new sampling units every year)",
    },
    "shared": {
        "vi": "khảo sát lại cùng các đơn vị mẫu, nên sai số của mức thay đổi tính cả hiệp "
        "phương sai giữa các năm",
        "en": "survey the same sampling units again, so the SE of a change includes the "
        "covariance between years",
    },
    "dropped": {
        "vi": "Các đợt chỉ được so sánh trên các tiêu chí chung; không so sánh: {codes}.",
        "en": "The waves are compared on their common criteria only; left out: {codes}.",
    },
    "h_path": {"vi": "2. Chỉ số qua các năm", "en": "2. The index year by year"},
    "fig_path": {
        "vi": "Chỉ số SIPAS qua các năm, với khoảng tin cậy {level}",
        "en": "SIPAS index by year, with {level} confidence bands",
    },
    "alt_path": {
        "vi": "Đồ thị đường: SIPAS toàn địa bàn từ {first} ({a}) đến {last} ({b}).",
        "en": "Line chart: the overall SIPAS from {first} ({a}) to {last} ({b}).",
    },
    "h_change": {"vi": "3. Mức thay đổi {start}–{end}", "en": "3. Change {start}–{end}"},
    "change_overall": {
        "vi": "Chỉ số SIPAS toàn địa bàn thay đổi {change} điểm phần trăm (khoảng tin cậy "
        "{lo} đến {hi}); kiểm định một phía: {verdict}.",
        "en": "The overall SIPAS changed by {change} percentage points ({lo} to {hi}); "
        "one-sided test of a rise: {verdict}.",
    },
    "change_units": {
        "vi": "Trong {k} {unit}, {up} tăng rõ rệt, {down} giảm rõ rệt, {nd} chưa xác định.",
        "en": "Of {k} units ({unit}), {up} rose clearly, {down} fell clearly and {nd} are "
        "not determined.",
    },
    "tab_change": {
        "vi": "Mức thay đổi {start}–{end} theo thành phần (điểm phần trăm)",
        "en": "Change {start}–{end} by component (percentage points)",
    },
    "fig_change": {
        "vi": "Mức thay đổi SIPAS {start}–{end} theo {unit}, khoảng tin cậy {level}",
        "en": "Change of SIPAS {start}–{end} by {unit}, {level} intervals",
    },
    "alt_change": {
        "vi": "Biểu đồ điểm: mức thay đổi của {k} đơn vị, từ {lo} đến {hi} điểm.",
        "en": "Dot chart: the change of {k} units, from {lo} to {hi} points.",
    },
    "truth_change": {
        "vi": "Đối chiếu với giá trị thật (dữ liệu mô phỏng): khoảng tin cậy {level} của mức "
        "thay đổi chứa mức thay đổi thật ở {k}/{K} {unit} và {city} toàn địa bàn.",
        "en": "Against the known truth (synthetic data): the {level} intervals of the change "
        "contain the true change for {k} of {K} units ({unit}), and {city} for the whole "
        "population.",
    },
    "yes": {"vi": "có", "en": "yes"},
    "no": {"vi": "không", "en": "no"},
    "h_trend": {"vi": "4. Xu hướng", "en": "4. Trend"},
    "trend": {
        "vi": "Xu hướng tuyến tính của SIPAS toàn địa bàn: {slope} điểm mỗi năm (sai số "
        "chuẩn {se}). Theo {unit}: {up} có xu hướng tăng rõ rệt{names}.",
        "en": "Linear trend of the overall SIPAS: {slope} points a year (SE {se}). By "
        "{unit}: {up} with a clearly rising trend{names}.",
    },
    "h_ranks": {"vi": "5. Thứ hạng", "en": "5. Ranks"},
    "ranks": {
        "vi": "Thứ hạng {start}–{end}: {rose} đơn vị tăng hạng rõ rệt, {fell} giảm hạng rõ "
        "rệt; với {nd} đơn vị khoảng thứ hạng quá rộng để kết luận (chỉ nói \u201ctăng "
        "hạng\u201d khi khoảng của mức thay đổi thứ hạng không chứa 0).",
        "en": "Ranks {start}–{end}: {rose} units rose clearly in rank and {fell} fell "
        "clearly; for {nd} the rank intervals are too wide to say (a rise in rank is stated "
        "only when the interval of the rank change excludes 0).",
    },
    "tab_ranks": {"vi": "Thay đổi thứ hạng {start}–{end}", "en": "Rank change {start}–{end}"},
    "fig_ranks": {
        "vi": "Thứ hạng {start} và {end} với khoảng thứ hạng",
        "en": "Ranks in {start} and {end} with rank intervals",
    },
    "alt_ranks": {
        "vi": "Biểu đồ thứ hạng của {k} đơn vị trong hai năm.",
        "en": "Rank chart of {k} units in two years.",
    },
    "h_targets": {"vi": "6. Tiến độ đến mục tiêu", "en": "6. Progress to dated targets"},
    "target": {
        "vi": "{unit}: mục tiêu {target} năm {year} — {basis}: {estimate} ({lo} đến {hi}); "
        "{verdict}.",
        "en": "{unit}: target {target} in {year} — {basis}: {estimate} ({lo} to {hi}); {verdict}.",
    },
    "target_all": {
        "vi": "{k} đơn vị chưa có mục tiêu riêng, mục tiêu chung {target} năm {year}: {on} đúng "
        "tiến độ hoặc đạt, {off} chậm tiến độ hoặc không đạt, {nd} chưa xác định.",
        "en": "The {k} units without their own target, {target} in {year}: {on} on track, "
        "{off} off track, {nd} not determined.",
    },
    "basis_trend": {
        "vi": "xu hướng ngoại suy (khoảng dự báo)",
        "en": "trend extrapolated (prediction interval)",
    },
    "basis_survey": {"vi": "kết quả khảo sát năm đó", "en": "that year's survey"},
    "tab_targets": {"vi": "Tiến độ đến mục tiêu", "en": "Progress to dated targets"},
    "fig_target": {
        "vi": "Quỹ đạo SIPAS của {unit} và mục tiêu",
        "en": "SIPAS path of {unit} and its targets",
    },
    "alt_target": {
        "vi": "Đồ thị đường: SIPAS của {unit} qua các năm và xu hướng đến năm {year}.",
        "en": "Line chart: {unit}'s SIPAS by year and its trend to {year}.",
    },
    "h_monthly": {
        "vi": "7. Tổng hợp hằng tháng tại bộ phận một cửa",
        "en": "7. Monthly compilation at the one-stop desks",
    },
    "monthly": {
        "vi": "{forms} phiếu của {desks} bộ phận trong {months} tháng ({first}–{last}). Mỗi "
        "tháng của một bộ phận được so với chỉ số chung của tháng đó, với giới hạn kiểm soát "
        "{limit} từ sai số chuẩn của chính bộ phận. Có {below} tháng-bộ phận thấp hơn giới "
        "hạn, {above} cao hơn; {nd} tháng-bộ phận chưa xác định vì khoảng tin cậy rộng hơn "
        "±{tol} điểm (trung vị số phiếu cần: {need}).",
        "en": "{forms} forms of {desks} desks over {months} months ({first}–{last}). Each "
        "desk's month is held against that month's overall index, with {limit} control "
        "limits from the desk's own design SE. {below} desk-months lie below the limits and "
        "{above} above; {nd} are not determined because their interval is wider than "
        "±{tol} points (median forms needed: {need}).",
    },
    "flagged": {
        "vi": "Bộ phận thấp hơn giới hạn trong tháng gần nhất: {names}.",
        "en": "Desks below the limits in the latest month: {names}.",
    },
    "none_flagged": {
        "vi": "Không bộ phận nào thấp hơn giới hạn trong tháng gần nhất.",
        "en": "No desk lies below the limits in the latest month.",
    },
    "fig_funnel": {
        "vi": "Biểu đồ phễu tháng {month}: SIPAS theo số phiếu, giới hạn {warn} và {limit}",
        "en": "Funnel chart for {month}: SIPAS against forms, {warn} and {limit} limits",
    },
    "alt_funnel": {
        "vi": "Biểu đồ phễu: {k} bộ phận, {below} dưới giới hạn.",
        "en": "Funnel chart: {k} desks, {below} below the limits.",
    },
    "fig_monthly": {
        "vi": "SIPAS hằng tháng và trung bình trượt 3 tháng: {desk}",
        "en": "Monthly SIPAS and rolling 3-month value: {desk}",
    },
    "alt_monthly": {
        "vi": "Đồ thị đường: SIPAS hằng tháng của {desk} từ {a} đến {b}.",
        "en": "Line chart: {desk}'s monthly SIPAS from {a} to {b}.",
    },
    "tab_funnel": {
        "vi": "Các tháng-bộ phận nằm ngoài giới hạn kiểm soát",
        "en": "Desk-months outside the control limits",
    },
    "tab_quarters": {
        "vi": "SIPAS theo quý (từ các tổng hằng tháng)",
        "en": "SIPAS by quarter (rolled up from the monthly sums)",
    },
    "h_desks": {
        "vi": "8. Kết quả hằng tháng của từng bộ phận một cửa: ước lượng trực tiếp và ước "
        "lượng mô hình",
        "en": "8. Each desk's month: direct and model-based estimates",
    },
    "desks_method": {
        "vi": "Mỗi tháng một bộ phận một cửa chỉ có vài chục phiếu ({lo}–{hi} phiếu trong "
        "tháng {month}) nên ước lượng trực tiếp thường có khoảng tin cậy rộng. Kết quả tháng "
        "của mỗi bộ phận được công bố bằng ước lượng trực tiếp khi CV không quá {cv}; nếu "
        "không, bằng ước lượng mô hình (Fay–Herriot, {method}) khi CV không quá {mcv}, mượn "
        "thông tin từ các tháng và bộ phận khác qua {covariates}, với khoảng tin cậy tính từ "
        "sai số bình phương trung bình (MSE); và không công bố khi cả hai đều không đủ chính "
        "xác hoặc tháng có ít hơn {min_cell} phiếu.",
        "en": "A desk's month holds a few dozen forms ({lo}–{hi} in {month}), so its direct "
        "estimate is often wide. Each desk-month is published with its direct estimate where "
        "its CV is at most {cv}; otherwise with a model-based estimate (Fay–Herriot, {method}) "
        "where its CV is at most {mcv}, which borrows strength from the other desk-months "
        "through {covariates}, with its interval from the mean squared error (MSE); and not at "
        "all where neither is precise enough or the month has fewer than {min_cell} forms.",
    },
    "cov_previous": {
        "vi": "kết quả trực tiếp của chính bộ phận trong {h} tháng trước",
        "en": "the desk's own direct estimates of its previous {h} months",
    },
    "cov_area": {"vi": "quận, huyện của bộ phận", "en": "the desk's district"},
    "cov_log_forms": {"vi": "số phiếu của tháng", "en": "the month's number of forms"},
    "and": {"vi": "và", "en": "and"},
    "desks_range": {
        "vi": "Trong tháng {month}, số liệu công bố thấp nhất là của {low}, {low_v} ({low_l}); "
        "cao nhất là của {high}, {high_v} ({high_l}) (Bảng {tab}).",
        "en": "In {month}, the lowest published figure is {low}'s, {low_v} ({low_l}); the "
        "highest is {high}'s, {high_v} ({high_l}) (Table {tab}).",
    },
    "desks_outlying": {
        "vi": "Kết quả tháng {month} của {names} lệch khỏi dự báo của mô hình quá {r} độ lệch "
        "chuẩn: mô hình kéo số liệu về phía dự báo, nên bộ phận này có thể còn cách xa các "
        "bộ phận khác hơn ước lượng mô hình cho thấy; biểu đồ hình phễu ở trên đánh giá nó "
        "bằng ước lượng trực tiếp.",
        "en": "In {month}, {names} departs from the model's prediction by more than {r} "
        "standard deviations: the model pulls such a month towards its prediction, so the desk "
        "is probably further from the others than its model-based figure shows; the funnel "
        "chart above judges it on its direct estimate.",
    },
    "desks_none_outlying": {
        "vi": "Trong tháng {month}, không bộ phận nào lệch khỏi dự báo của mô hình quá {r} độ "
        "lệch chuẩn.",
        "en": "In {month}, no desk departs from the model's prediction by more than {r} "
        "standard deviations.",
    },
    "tab_desks": {
        "vi": "{code} theo bộ phận một cửa, tháng {month}: số liệu công bố và loại ước lượng",
        "en": "{code} by desk, {month}: the published figure and what it is",
    },
    "tab_desks_summary": {
        "vi": "Bộ phận một cửa, tháng {month}: cách công bố từng số liệu",
        "en": "Desks, {month}: how each figure is published",
    },
    "fig_desks": {
        "vi": "{code} theo bộ phận một cửa, tháng {month}: ước lượng trực tiếp và ước lượng mô "
        "hình với khoảng tin cậy {level}, bộ phận xếp theo ước lượng trực tiếp",
        "en": "{code} by desk, {month}: direct and model-based estimates with their {level} "
        "intervals, desks ordered by the direct estimate",
    },
    "h_verify": {"vi": "Kiểm chứng", "en": "How to check these figures"},
    "verify": {
        "vi": "Mọi số liệu trong báo cáo được ghi trong figures.json; `govsurvey verify` chạy "
        "lại và so sánh từng số.",
        "en": "Every figure of this report is recorded in figures.json; `govsurvey verify` "
        "reruns the analysis and compares each one.",
    },
    # verdicts and column headers
    "achieved": {"vi": "tăng có ý nghĩa", "en": "a significant rise"},
    "not achieved": {"vi": "giảm có ý nghĩa", "en": "a significant fall"},
    "not determined": {"vi": "chưa xác định", "en": "not determined"},
    "not estimable": {"vi": "không ước lượng được", "en": "not estimable"},
    "on track": {"vi": "đúng tiến độ", "en": "on track"},
    "off track": {"vi": "chậm tiến độ", "en": "off track"},
    "met": {"vi": "đạt", "en": "met"},
    "not met": {"vi": "không đạt", "en": "not met"},
    "rose": {"vi": "tăng hạng", "en": "rose"},
    "fell": {"vi": "giảm hạng", "en": "fell"},
    "below": {"vi": "thấp hơn giới hạn", "en": "below the limits"},
    "above": {"vi": "cao hơn giới hạn", "en": "above the limits"},
    "within limits": {"vi": "trong giới hạn", "en": "within limits"},
    "col_figure": {"vi": "Chỉ tiêu", "en": "Figure"},
    "col_start": {"vi": "Năm đầu", "en": "Start"},
    "col_end": {"vi": "Năm cuối", "en": "End"},
    "col_change": {"vi": "Thay đổi", "en": "Change"},
    "col_ci": {"vi": "Khoảng tin cậy", "en": "Interval"},
    "col_verdict": {"vi": "Kết luận", "en": "Verdict"},
    "col_se": {"vi": "Sai số chuẩn", "en": "SE"},
    "col_bounds": {"vi": "Cận một phía", "en": "One-sided bounds"},
    "note_interval": {
        "vi": "Khoảng: khoảng tin cậy của khảo sát năm đó, hoặc khoảng dự báo của xu hướng; "
        "kết luận đọc từ các cận một phía.",
        "en": "Interval: that year's survey CI, or the trend's prediction interval; the verdict "
        "reads the one-sided bounds.",
    },
    "note_all": {
        "vi": "* Đơn vị không có mục tiêu riêng: áp dụng mục tiêu chung (all).",
        "en": "* A unit without its own target: the common target (all) applies.",
    },
    "col_unit": {"vi": "Đơn vị", "en": "Unit"},
    "col_rank_start": {"vi": "Hạng đầu", "en": "Rank (start)"},
    "col_rank_end": {"vi": "Hạng cuối", "en": "Rank (end)"},
    "col_rank_change": {"vi": "Thay đổi hạng", "en": "Rank change"},
    "col_year": {"vi": "Năm", "en": "Year"},
    "col_target": {"vi": "Mục tiêu", "en": "Target"},
    "col_basis": {"vi": "Căn cứ", "en": "Basis"},
    "col_estimate": {"vi": "Ước lượng", "en": "Estimate"},
    "col_month": {"vi": "Tháng", "en": "Month"},
    "col_desk": {"vi": "Bộ phận một cửa", "en": "Desk"},
    "col_period": {"vi": "Kỳ", "en": "Period"},
    "col_n": {"vi": "Số phiếu", "en": "Forms"},
    "col_centre": {"vi": "Chung", "en": "Overall"},
    "col_limits": {"vi": "Giới hạn", "en": "Limits"},
    "year": {"vi": "Năm", "en": "Year"},
    "forms": {"vi": "Số phiếu", "en": "Forms"},
    "overall": {"vi": "Toàn địa bàn", "en": "All"},
    "month_axis": {"vi": "Tháng", "en": "Month"},
    "rank_axis": {"vi": "Thứ hạng", "en": "Rank"},
    "change_axis": {"vi": "Thay đổi (điểm %)", "en": "Change (percentage points)"},
    "monthly_line": {"vi": "Hằng tháng", "en": "Monthly"},
    "rolling_line": {"vi": "Trượt 3 tháng", "en": "Rolling 3 months"},
    "trend_line": {"vi": "Xu hướng", "en": "Trend"},
}


def text(key: str, lang: str, **fields: Any) -> str:
    """A sentence of this report in ``lang``.

    Examples
    --------
    >>> text("col_change", "vi")
    'Thay đổi'
    """
    return i18n.phrase(TEXT, key, lang, **fields)


def _word(v: Any, lang: str) -> str:
    return text(str(v), lang) if str(v) in TEXT else "—"


def _ci(lo: Any, hi: Any, lang: str, signed: bool = False) -> str:
    f = i18n.signed if signed else i18n.num
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "—"
    return f"{f(lo, lang)} – {f(hi, lang)}"


def describe_waves(index: pd.DataFrame, shared: bool, lang: str) -> str:
    """The waves in one sentence (and the codes left out)."""
    s = index[index["code"] == "SIPAS"]
    periods = list(dict.fromkeys(s["period"]))
    out = text(
        "waves",
        lang,
        periods=len(periods),
        first=periods[0],
        last=periods[-1],
        n=i18n.integer(s["n"].sum(), lang),
        how=text("shared" if shared else "independent", lang),
    )
    dropped = index.attrs.get("dropped_codes") or []
    if dropped:
        out += " " + text("dropped", lang, codes=", ".join(dropped))
    return out


def describe_change(city: pd.DataFrame, units: pd.DataFrame, unit_name: str, lang: str) -> str:
    """The overall change and how many units rose or fell clearly."""
    c = city[city["code"] == "SIPAS"].iloc[0]
    out = text(
        "change_overall",
        lang,
        change=i18n.signed(c["estimate"], lang),
        lo=i18n.signed(c["ci_low"], lang),
        hi=i18n.signed(c["ci_high"], lang),
        verdict=_word(c["rise_verdict"], lang),
    )
    u = units[units["code"] == "SIPAS"].dropna(subset=["estimate"])
    if len(u):
        v = u["rise_verdict"]
        out += " " + text(
            "change_units",
            lang,
            k=len(u),
            unit=unit_name,
            up=int(v.eq("achieved").sum()),
            down=int(v.eq("not achieved").sum()),
            nd=int(v.eq("not determined").sum()),
        )
    return out


def change_table(change: pd.DataFrame, instrument: Any, lang: str, caption: str) -> Table:
    """Start, end and change of the components and SIPAS, with intervals and verdicts."""
    rows = change[change["level"] != "criterion"]
    frame = pd.DataFrame(
        {
            text("col_figure", lang): [code_label(instrument, c, lang) for c in rows["code"]],
            text("col_start", lang): [i18n.pct(x, lang) for x in rows["estimate_start"]],
            text("col_end", lang): [i18n.pct(x, lang) for x in rows["estimate_end"]],
            text("col_change", lang): [i18n.signed(x, lang) for x in rows["estimate"]],
            text("col_ci", lang): [
                _ci(a, b, lang, True) for a, b in zip(rows["ci_low"], rows["ci_high"], strict=True)
            ],
            text("col_verdict", lang): [_word(v, lang) for v in rows["rise_verdict"]],
        }
    )
    numeric = [text(k, lang) for k in ("col_start", "col_end", "col_change")]
    return Table(frame, caption, numeric=numeric, strong=[len(frame) - 1])


def describe_truth_change(
    city: pd.DataFrame, units: pd.DataFrame, unit_name: str, level: str, lang: str
) -> str:
    """How many change intervals contain the true change (from :func:`check_change`)."""
    u = units[units["code"] == "SIPAS"]
    c = city[city["code"] == "SIPAS"]
    return text(
        "truth_change",
        lang,
        level=level,
        k=int(u["covered"].sum()),
        K=len(u),
        unit=unit_name,
        city=text("yes" if bool(c["covered"].all()) else "no", lang),
    )


def describe_trend(city: pd.DataFrame, units: pd.DataFrame, unit_name: str, lang: str) -> str:
    """The overall trend and the units with a clearly rising one."""
    c = city[city["code"] == "SIPAS"].iloc[0]
    u = units[(units["code"] == "SIPAS") & (units["rise_verdict"] == "achieved")]
    col = units.columns[0]
    names = ", ".join(map(str, u[col])) if len(u) else ""
    return text(
        "trend",
        lang,
        slope=i18n.signed(c["estimate"], lang),
        se=i18n.num(c["se"], lang),
        unit=unit_name,
        up=len(u),
        names=f" ({names})" if names else "",
    )


def describe_rank_change(rc: pd.DataFrame, lang: str) -> str:
    """How many units rose or fell clearly in rank."""
    v = rc["verdict"]
    return text(
        "ranks",
        lang,
        start=rc.attrs.get("start"),
        end=rc.attrs.get("end"),
        rose=int(v.eq("rose").sum()),
        fell=int(v.eq("fell").sum()),
        nd=int(v.eq("not determined").sum()),
    )


def rank_change_table(rc: pd.DataFrame, unit: str, lang: str, caption: str) -> Table:
    """Ranks at start and end with intervals, and the rank change with its interval."""
    frame = pd.DataFrame(
        {
            text("col_unit", lang): rc[unit].astype(str).to_numpy(),
            text("col_rank_start", lang): [
                f"{a} ({lo}–{hi})"
                for a, lo, hi in zip(
                    rc["rank_start"], rc["rank_low_start"], rc["rank_high_start"], strict=True
                )
            ],
            text("col_rank_end", lang): [
                f"{a} ({lo}–{hi})"
                for a, lo, hi in zip(
                    rc["rank_end"], rc["rank_low_end"], rc["rank_high_end"], strict=True
                )
            ],
            text("col_rank_change", lang): [
                f"{a:+d} ({lo:+d} – {hi:+d})"
                for a, lo, hi in zip(
                    rc["rank_change"], rc["change_low"], rc["change_high"], strict=True
                )
            ],
            text("col_verdict", lang): [_word(v, lang) for v in rc["verdict"]],
        }
    )
    return Table(frame, caption)


def describe_progress(pg: pd.DataFrame, unit: str | None, lang: str) -> str:
    """One sentence per unit's own dated target, and one per default (``all``) target.

    Examples
    --------
    >>> pg = pd.DataFrame({"district": ["TX", "A", "B"], "target_year": [2027] * 3,
    ...     "target": [95.0, 85.0, 85.0], "source": ["own", "all", "all"],
    ...     "basis": ["trend"] * 3, "estimate": [90.0, 91.0, 80.0],
    ...     "lower_bound": [85.0, 86.0, 70.0], "upper_bound": [96.0, 97.0, 84.0],
    ...     "verdict": ["not determined", "on track", "off track"]})
    >>> print(describe_progress(pg, "district", "en"))  # doctest: +NORMALIZE_WHITESPACE
    TX: target 95.00% in 2027 — trend extrapolated (prediction interval): 90.00% (85.00% to
    96.00%); not determined. The 2 units without their own target, 85.00% in 2027: 1 on
    track, 1 off track, 0 not determined.
    """
    source = pg["source"] if "source" in pg else pd.Series("own", index=pg.index)
    own, rest = pg[source == "own"], pg[source != "own"]
    out = []
    for _, r in own.iterrows():  # one sentence per stated target: few
        out.append(
            text(
                "target",
                lang,
                unit=r[unit] if unit else text("overall", lang),
                target=i18n.pct(r["target"], lang),
                year=int(r["target_year"]),
                basis=text(f"basis_{r['basis']}", lang),
                estimate=i18n.pct(r["estimate"], lang),
                lo=i18n.pct(r["lower_bound"], lang),
                hi=i18n.pct(r["upper_bound"], lang),
                verdict=_word(r["verdict"], lang),
            )
        )
    if len(rest):
        counts = (
            rest.assign(
                on=rest["verdict"].isin(["on track", "met"]),
                off=rest["verdict"].isin(["off track", "not met"]),
            )
            .groupby(["target_year", "target"], sort=True)
            .agg(k=("on", "size"), on=("on", "sum"), off=("off", "sum"))
            .reset_index()
        )
        for _, c in counts.iterrows():  # one sentence per default target: few
            out.append(
                text(
                    "target_all",
                    lang,
                    k=int(c["k"]),
                    target=i18n.pct(c["target"], lang),
                    year=int(c["target_year"]),
                    on=int(c["on"]),
                    off=int(c["off"]),
                    nd=int(c["k"] - c["on"] - c["off"]),
                )
            )
    return " ".join(out)


def progress_table(pg: pd.DataFrame, unit: str | None, lang: str, caption: str) -> Table:
    """Each dated target with the estimate or prediction that judges it: its SE, its interval
    (the survey's CI, or the trend's prediction interval) and the one-sided bounds the verdict
    reads.

    Examples
    --------
    >>> pg = pd.DataFrame({"target_year": [2027], "target": [95.0], "source": ["own"],
    ...     "basis": ["trend"], "estimate": [90.0], "se": [2.0], "ci_low": [86.0],
    ...     "ci_high": [94.0], "lower_bound": [86.7], "upper_bound": [93.3],
    ...     "verdict": ["off track"]})
    >>> progress_table(pg, None, "en", "Targets").frame.iloc[0].tolist()[-4:]
    ['2.00', '86.00 – 94.00', '86.70 – 93.30', 'off track']
    """
    source = pg["source"] if "source" in pg else pd.Series("own", index=pg.index)
    units = (
        pg[unit].astype(str).where(source == "own", pg[unit].astype(str) + " *").to_numpy()
        if unit
        else [text("overall", lang)] * len(pg)
    )
    frame = pd.DataFrame(
        {
            text("col_unit", lang): units,
            text("col_year", lang): pg["target_year"].astype(int).astype(str).to_numpy(),
            text("col_target", lang): [i18n.pct(x, lang) for x in pg["target"]],
            text("col_basis", lang): [text(f"basis_{b}", lang) for b in pg["basis"]],
            text("col_estimate", lang): [i18n.pct(x, lang) for x in pg["estimate"]],
            text("col_se", lang): [i18n.num(x, lang) if np.isfinite(x) else "—" for x in pg["se"]],
            text("col_ci", lang): [
                _ci(a, b, lang) for a, b in zip(pg["ci_low"], pg["ci_high"], strict=True)
            ],
            text("col_bounds", lang): [
                _ci(a, b, lang) for a, b in zip(pg["lower_bound"], pg["upper_bound"], strict=True)
            ],
            text("col_verdict", lang): [_word(v, lang) for v in pg["verdict"]],
        }
    )
    notes = [text("note_interval", lang)]
    notes += [text("note_all", lang)] if (source != "own").any() else []
    return Table(
        frame,
        caption,
        notes=notes,
        numeric=[text("col_target", lang), text("col_estimate", lang), text("col_se", lang)],
    )


def describe_funnel(fu: pd.DataFrame, forms: int, lang: str) -> str:
    """The monthly compilation and the funnel chart's verdicts in a few sentences."""
    periods = list(dict.fromkeys(fu["period"]))
    v = fu["verdict"]
    need = fu.loc[v == "not determined", "forms_needed"]
    out = text(
        "monthly",
        lang,
        forms=i18n.integer(forms, lang),
        desks=fu.iloc[:, 0].nunique(),
        months=len(periods),
        first=periods[0],
        last=periods[-1],
        limit=i18n.level_pct(fu.attrs["level"], lang),
        below=int(v.eq("below").sum()),
        above=int(v.eq("above").sum()),
        nd=int(v.eq("not determined").sum()),
        tol=i18n.num(fu.attrs["tolerance"], lang, 1),
        need=i18n.integer(need.median(), lang) if len(need) else "—",
    )
    last = fu[(fu["period"] == periods[-1]) & (v == "below")]
    if len(last):
        out += " " + text("flagged", lang, names=", ".join(map(str, last.iloc[:, 0])))
    else:
        out += " " + text("none_flagged", lang)
    return out


def funnel_table(fu: pd.DataFrame, unit: str, lang: str, caption: str) -> Table:
    """The desk-months outside the control limits."""
    rows = fu[fu["verdict"].isin(["below", "above"])]
    frame = pd.DataFrame(
        {
            text("col_unit", lang): rows[unit].astype(str).to_numpy(),
            text("col_month", lang): rows["period"].astype(str).to_numpy(),
            text("col_estimate", lang): [i18n.pct(x, lang) for x in rows["estimate"]],
            text("col_centre", lang): [i18n.pct(x, lang) for x in rows["centre"]],
            text("col_limits", lang): [
                _ci(a, b, lang) for a, b in zip(rows["limit_low"], rows["limit_high"], strict=True)
            ],
            text("col_n", lang): [i18n.integer(x, lang) for x in rows["n"]],
            text("col_verdict", lang): [_word(v, lang) for v in rows["verdict"]],
        }
    )
    return Table(frame, caption, numeric=[text("col_estimate", lang), text("col_centre", lang)])


# --- desk-months by the small-area rule ---------------------------------------------------


def _covariates(covariates: list[str], history: int, lang: str) -> str:
    words = [text(f"cov_{c}", lang, h=history) for c in covariates]
    if len(words) <= 1:
        return words[0] if words else ""
    return ", ".join(words[:-1]) + f" {text('and', lang)} " + words[-1]


def desks_tables(
    guarded: pd.DataFrame,
    instrument: Any,
    lang: str,
    month: str,
    min_cell: int = 30,
    frame: pd.DataFrame | None = None,
) -> tuple[Table, Table]:
    """The summary and the per-desk tables of one month of :func:`~govsurvey.trends.desk_months`.

    Both are :mod:`govsurvey.small_area.report`'s (as notebook 03's wards), each figure
    labelled "ước lượng trực tiếp" / "direct" or "ước lượng mô hình" / "model-based".

    Parameters
    ----------
    guarded : pandas.DataFrame
        ``desk_months``' rows of ``month`` after the guard (``Publisher.record``).
    instrument : Instrument
    lang : {"vi", "en"}
    month : str
    min_cell : int
    frame : pandas.DataFrame, optional
        The same rows before the guard.

    Returns
    -------
    (Table, Table)
    """
    g, f = _one_month(guarded, month), None if frame is None else _one_month(frame, month)
    code = str(g["code"].iloc[0]) if len(g) else "SIPAS"
    summary = sa_report.summary_table(
        g, lang, text("tab_desks_summary", lang, month=month), min_cell, frame=f
    )
    units = sa_report.units_table(
        g,
        instrument,
        lang,
        text("tab_desks", lang, code=code_label(instrument, code, lang), month=month),
        min_cell,
        frame=f,
        unit=g.attrs.get("unit", "desk"),
    )
    # a desk column the instrument has no label for is headed "Desk" / "Bộ phận một cửa"
    units.frame = units.frame.rename(columns={g.attrs.get("unit", "desk"): text("col_desk", lang)})
    return summary, units


def _one_month(frame: pd.DataFrame, month: str) -> pd.DataFrame:
    out = frame[frame["period"].astype(str) == str(month)].drop(columns=["period"])
    out = out.reset_index(drop=True)
    out.attrs.update(frame.attrs)
    return out


def describe_desks(
    guarded: pd.DataFrame,
    lang: str,
    month: str,
    min_cell: int = 30,
    frame: pd.DataFrame | None = None,
    table_number: int | str = "",
    units_table_number: int | str = "",
) -> str:
    """The desk-months section's sentences for ``month``, from the rows its tables show.

    How each desk-month is published (the rule, the model and its covariates), how many desks
    are direct, model-based and not published, the model's gain (the small-area report's own
    sentences, with the counts of :func:`desks_tables`' summary table), the lowest and the
    highest published desk of the month (in its per-desk table), the desks whose month departs
    from the model, and the caveat.

    Examples
    --------
    >>> g = pd.DataFrame({"desk": ["A", "B", "C"], "period": "2025-12", "code": "SIPAS",
    ...     "estimate": [88.0, 63.3, 86.0], "se": [2.0, 1.8, 2.1], "method": ["direct", "fh",
    ...     "direct"], "direct_se": [2.0, 4.2, 2.1], "n": [60, 60, 45],
    ...     "outlying": [False, True, False], "suppressed": False})
    >>> g.attrs.update(rule={"max_cv": 0.05, "max_model_cv": 0.1}, unit="desk", history=3,
    ...                covariates=["previous"], max_residual=3.0, model={"method": "reml"})
    >>> print(describe_desks(g, "en", "2025-12", table_number=8,
    ...                      units_table_number=9).split("\\n\\n")[2])
    In 2025-12, the lowest published figure is B's, 63.30% (model-based); the highest is A's, 88.00% (direct) (Table 9). In 2025-12, B departs from the model's prediction by more than 3 standard deviations: the model pulls such a month towards its prediction, so the desk is probably further from the others than its model-based figure shows; the funnel chart above judges it on its direct estimate.
    """  # noqa: E501
    g = _one_month(guarded, month)
    f = None if frame is None else _one_month(frame, month)
    a = g.attrs
    unit = a.get("unit", "desk")
    rule = a.get("rule") or {"max_cv": 0.05, "max_model_cv": 0.10}
    model = a.get("model") or {}
    n = pd.to_numeric((f if f is not None else g)["n"], errors="coerce")
    method = text(
        "desks_method",
        lang,
        lo=i18n.integer(n.min(), lang) if n.notna().any() else i18n.DASH,
        hi=i18n.integer(n.max(), lang) if n.notna().any() else i18n.DASH,
        month=month,
        cv=i18n.level_pct(rule["max_cv"], lang),
        mcv=i18n.level_pct(rule["max_model_cv"], lang),
        method=str(model.get("method", "reml")).upper(),
        covariates=_covariates(list(a.get("covariates", ["previous"])), a.get("history", 3), lang),
        min_cell=i18n.integer(min_cell, lang),
    )
    parts = sa_report.describe_units(
        g, lang, unit, min_cell, frame=f, table_number=table_number, method_text=method
    ).split("\n\n")
    sup = g["suppressed"].to_numpy(dtype=bool) if "suppressed" in g else np.zeros(len(g), bool)
    shown = g[~sup & g["method"].isin(["direct", "fh", "synthetic"]).to_numpy()]
    extra = []
    if len(shown):
        est = pd.to_numeric(shown["estimate"]).to_numpy(dtype=float)
        lo, hi = shown.iloc[int(np.argmin(est))], shown.iloc[int(np.argmax(est))]
        extra.append(
            text(
                "desks_range",
                lang,
                month=month,
                low=lo[unit],
                low_v=i18n.pct(lo["estimate"], lang),
                low_l=LABELS[lo["method"]][lang],
                high=hi[unit],
                high_v=i18n.pct(hi["estimate"], lang),
                high_l=LABELS[hi["method"]][lang],
                tab=units_table_number,
            )
        )
        out = shown[shown["outlying"].astype(bool).to_numpy()] if "outlying" in shown else shown[:0]
        r = i18n.num(a.get("max_residual", 3.0), lang, 0)
        if len(out):
            names = ", ".join(map(str, out[unit]))
            extra.append(text("desks_outlying", lang, month=month, names=names, r=r))
        else:
            extra.append(text("desks_none_outlying", lang, month=month, r=r))
    return "\n\n".join([*parts[:2], " ".join(extra), *parts[2:]])
