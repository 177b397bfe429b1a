"""The words of the drivers report (notebook 04), in Vietnamese and English, written from the
numbers: sentences, table builders, captions and alt texts. Nothing here computes a statistic.

Numbers are written as the sources publish them through :mod:`govsurvey.publish.i18n`
(``79,73%`` / ``79.73%``); tables are :class:`govsurvey.publish.tables.Table` objects (labels,
not codes; no internal columns).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..collation import vi_key
from ..publish import i18n
from ..publish.tables import Table, code_label, unit_order

__all__ = [
    "TEXT",
    "text",
    "quadrant_label",
    "fact_label",
    "describe_scores",
    "describe_reliability",
    "describe_model",
    "describe_importance",
    "describe_ipa",
    "describe_facts",
    "describe_effects",
    "reliability_table",
    "model_table",
    "importance_table",
    "ipa_table",
    "facts_table",
    "importance_by_table",
    "describe_importance_by",
    "alt_coefficients",
    "alt_importance",
    "alt_ipa",
    "alt_facts",
]

TEXT: dict[str, dict[str, str]] = {
    "title": {
        "en": "Drivers of satisfaction: which components move overall satisfaction",
        "vi": "Các yếu tố tác động đến sự hài lòng: thành phần nào quyết định mức hài lòng chung",
    },
    "intro": {
        "en": "This report asks which of the {k} components of the service move overall "
        "satisfaction, where performance is weakest relative to importance, and what the "
        "facts of the service (trips, late results, apologies, harassment, informal payments) "
        "cost in satisfaction. Every figure is estimated from the survey with the sampling "
        "design taken into account, with a {level} confidence interval (CI).",
        "vi": "Báo cáo này trả lời: thành phần nào trong {k} thành phần của dịch vụ tác động "
        "đến mức hài lòng chung, ở đâu kết quả phục vụ thấp so với mức quan trọng, và các sự "
        "việc khi giải quyết hồ sơ (đi lại nhiều lần, trễ hẹn, xin lỗi, sách nhiễu, tiền ngoài "
        "quy định) làm giảm sự hài lòng bao nhiêu. Mọi số liệu được ước lượng có tính đến "
        "thiết kế mẫu, kèm khoảng tin cậy (KTC) {level}.",
    },
    "count_words": {
        "en": "zero one two three four five six seven eight nine ten",
        "vi": "không một hai ba bốn năm sáu bảy tám chín mười",
    },
    "h_data": {"en": "1. The data and the design", "vi": "1. Dữ liệu và thiết kế mẫu"},
    "h_scores": {"en": "2. Component scores", "vi": "2. Điểm thành phần"},
    "h_reliability": {
        "en": "3. Reliability of the component scales",
        "vi": "3. Độ tin cậy của thang đo thành phần",
    },
    "h_models": {
        "en": "4. What moves overall satisfaction: design-based models",
        "vi": "4. Yếu tố tác động đến hài lòng chung: mô hình có tính thiết kế mẫu",
    },
    "h_importance": {"en": "5. Relative importance", "vi": "5. Mức quan trọng tương đối"},
    "h_ipa": {
        "en": "6. Importance and performance: what to improve first",
        "vi": "6. Mức quan trọng và kết quả phục vụ: cần cải thiện gì trước",
    },
    "h_facts": {"en": "7. Facts of the service", "vi": "7. Các sự việc khi giải quyết hồ sơ"},
    "h_facts_by": {"en": "Facts of the service by {unit}", "vi": "Các sự việc theo {unit}"},
    "scores": {
        "en": "A component score is the mean of a respondent's valid answers (1–5) to the "
        "component's criteria; \"don't know\" and no answer are left out, and a score needs at "
        "least {min_valid} valid answer(s). {n_all} of {n} respondents ({share}) have all {k} "
        "scores and enter the models; the fewest scores are for {lowest} ({n_lowest}).",
        "vi": "Điểm thành phần là trung bình các câu trả lời hợp lệ (1–5) của người trả lời "
        'cho các tiêu chí của thành phần; "không biết" và không trả lời bị loại, và một điểm '
        "cần ít nhất {min_valid} câu trả lời hợp lệ. {n_all} trong {n} người trả lời ({share}) "
        "có đủ {k} điểm và được đưa vào mô hình; thành phần có ít điểm nhất là {lowest} "
        "({n_lowest}).",
    },
    "rel": {
        "en": "Cronbach's alpha ranges from {lo} ({lo_name}) to {hi} ({hi_name}); McDonald's "
        "omega from {olo} to {ohi}. {weak}",
        "vi": "Hệ số Cronbach's alpha từ {lo} ({lo_name}) đến {hi} ({hi_name}); hệ số omega "
        "của McDonald từ {olo} đến {ohi}. {weak}",
    },
    "rel_ok": {
        "en": "Every scale reaches 0.70, the usual threshold for a scale whose items measure "
        "one thing.",
        "vi": "Mọi thang đo đều đạt ngưỡng 0,70 thường dùng cho một thang đo đo cùng một khái "
        "niệm.",
    },
    "rel_weak": {
        "en": "Below 0.70: {names}; their scores mix items that do not move together.",
        "vi": "Dưới 0,70: {names}; điểm của các thang đo này gộp các tiêu chí không cùng chiều.",
    },
    "rel_na": {
        "en": "Not measured: {names}.",
        "vi": "Không tính được: {names}.",
    },
    "model": {
        "en": "In the linear model of the overall answer (1–5) on the {k} component scores, "
        "the largest coefficient is {top} ({b}, {lv} CI {lo} to {hi}): one point more on its "
        "score goes with {b} point more of overall satisfaction, the other components held "
        "fixed. {nsig} In the logistic model of being satisfied overall (4–5), the largest "
        "odds ratio is {top_or} ({or_}).",
        "vi": "Trong mô hình tuyến tính của câu trả lời hài lòng chung (1–5) theo {k} điểm "
        "thành phần, hệ số lớn nhất là {top} ({b}, KTC {lv} từ {lo} đến {hi}): điểm thành phần "
        "này tăng một điểm thì mức hài lòng chung tăng {b} điểm khi các thành phần khác không "
        "đổi. {nsig} Trong mô hình logistic của việc hài lòng chung (4–5), tỷ số chênh lớn "
        "nhất là của {top_or} ({or_}).",
    },
    "model_nsig": {
        "en": "The interval of {names} includes zero: no effect of its own can be shown.",
        "vi": "Khoảng tin cậy của {names} chứa 0: chưa chứng minh được tác động riêng.",
    },
    "model_allsig": {
        "en": "Every component has an effect of its own (no interval includes zero).",
        "vi": "Mọi thành phần đều có tác động riêng (không khoảng tin cậy nào chứa 0).",
    },
    "imp": {
        "en": "Together the {k} components explain R² = {r2} of the variation in overall "
        "satisfaction ({method}). {top} carries the largest share, {s} ({lv} CI {lo} to {hi}), "
        "and {bottom} the smallest, {sb}. {sep}",
        "vi": "Cả {k} thành phần cùng giải thích R² = {r2} biến thiên của mức hài lòng chung "
        "({method}). {top} chiếm phần lớn nhất, {s} (KTC {lv} từ {lo} đến {hi}), và {bottom} "
        "nhỏ nhất, {sb}. {sep}",
    },
    "imp_sep": {
        "en": "The first place is determined: its interval does not overlap the second's.",
        "vi": "Vị trí thứ nhất là chắc chắn: khoảng tin cậy không chồng lên khoảng của vị trí "
        "thứ hai.",
    },
    "imp_nosep": {
        "en": "The first two places are not determined: their intervals overlap.",
        "vi": "Hai vị trí đầu chưa phân định được: khoảng tin cậy của chúng chồng lên nhau.",
    },
    "method_lmg": {
        "en": "LMG decomposition, CIs from {R} replicate weights",
        "vi": "phân rã LMG, KTC từ {R} bộ trọng số lặp",
    },
    "method_johnson": {
        "en": "Johnson's relative weights, CIs from {R} replicate weights",
        "vi": "trọng số tương đối của Johnson, KTC từ {R} bộ trọng số lặp",
    },
    "ipa_caveat": {
        "en": "Importance here is derived from the model: it rests on the {n} forms that "
        "answer every component and the overall question, and says how much each component "
        "moves overall satisfaction in this sample — not what people would choose to improve.",
        "vi": "Mức quan trọng ở đây được suy ra từ mô hình: nó dựa trên {n} phiếu trả lời đủ "
        "mọi thành phần và câu hỏi hài lòng chung, và cho biết mỗi thành phần làm thay đổi "
        "mức hài lòng chung bao nhiêu trong mẫu này — không phải điều người dân chọn cần cải "
        "thiện.",
    },
    "ipa_low_caveat": {
        "en": "“{quad}” ({names}) does not mean the component can be left as it is: where its "
        "own target is not met (report 03), it still needs work; it only moves overall "
        "satisfaction less than the others.",
        "vi": "“{quad}” ({names}) không có nghĩa là có thể bỏ qua thành phần đó: nếu chỉ tiêu "
        "của chính nó chưa đạt (báo cáo 03) thì vẫn phải cải thiện; nó chỉ ít tác động tới "
        "mức hài lòng chung hơn các thành phần khác.",
    },
    "ci_note": {
        "en": "Each cell: the share, its {level} confidence interval and n, the respondents "
        "who answered the item.",
        "vi": "Mỗi ô: tỷ lệ, khoảng tin cậy {level} và n, số người trả lời câu hỏi đó.",
    },
    "no_stated": {
        "en": "The survey file has no expectations items (`exp_*`), so stated importance is "
        "not compared with the derived one.",
        "vi": "Tệp dữ liệu không có các câu hỏi mong đợi (`exp_*`), nên không so sánh được mức "
        "quan trọng do người dân nêu với mức quan trọng suy ra.",
    },
    "ipa": {
        "en": "A component is placed in a quadrant only when both its importance interval and "
        "its performance interval lie wholly on one side of the dashed lines (equal share of "
        "importance; mean of the component indices, {pline}). {quads}",
        "vi": "Một thành phần chỉ được xếp vào một ô khi cả khoảng tin cậy của mức quan trọng "
        "lẫn của kết quả phục vụ nằm hẳn về một phía của các đường nét đứt (mức quan trọng "
        "chia đều; trung bình các chỉ số thành phần, {pline}). {quads}",
    },
    "ipa_q": {"en": "{quad}: {names}.", "vi": "{quad}: {names}."},
    "ipa_none": {
        "en": 'No component can be put in "concentrate here" with confidence.',
        "vi": 'Chưa có thành phần nào có thể xếp chắc chắn vào ô "cần tập trung cải thiện".',
    },
    "ipa_stated": {
        "en": "What people say they want improved most (stated importance) agrees {agree} "
        "with the derived importance in how it ranks the components (Spearman rank "
        "correlation {rho}); most often named: {top_stated} ({share}).",
        "vi": "Điều người dân nói muốn cải thiện nhất (mức quan trọng được nêu) xếp hạng các "
        "thành phần {agree} mức quan trọng suy ra (hệ số tương quan hạng Spearman {rho}); "
        "được nêu nhiều nhất: {top_stated} ({share}).",
    },
    "agree_high": {"en": "closely", "vi": "gần giống với"},
    "agree_mid": {"en": "partly", "vi": "giống một phần với"},
    "agree_low": {"en": "little", "vi": "khác với"},
    "facts": {
        "en": "{parts}.",
        "vi": "{parts}.",
    },
    "fact_part": {
        "en": "{label}: {value} ({lv} CI {lo} to {hi})",
        "vi": "{label}: {value} (KTC {lv} từ {lo} đến {hi})",
    },
    "effects": {
        "en": "People who met a fact are less often satisfied overall: the largest gap is "
        'for "{top}", {d} percentage points ({lv} CI {lo} to {hi}; {w} satisfied against {wo} '
        "without it). {others}",
        "vi": "Người gặp các sự việc này ít hài lòng chung hơn: chênh lệch lớn nhất là "
        '"{top}", {d} điểm phần trăm (KTC {lv} từ {lo} đến {hi}; {w} hài lòng so với {wo} '
        "khi không gặp). {others}",
    },
    "effects_ns": {
        "en": "For {names} the difference is not shown (the interval includes zero).",
        "vi": "Với {names} chưa chứng minh được chênh lệch (khoảng tin cậy chứa 0).",
    },
    "q_concentrate_here": {"en": "Concentrate here", "vi": "Cần tập trung cải thiện"},
    "q_keep_up": {"en": "Keep up the good work", "vi": "Duy trì"},
    "q_low_priority": {"en": "Low priority", "vi": "Ưu tiên thấp"},
    "q_possible_overkill": {"en": "Possible overkill", "vi": "Có thể đầu tư quá mức"},
    "q_not_determined": {"en": "Not determined", "vi": "Chưa xác định"},
    "ax_coef": {
        "en": "Change in overall satisfaction (1–5) per point of the component score",
        "vi": "Thay đổi mức hài lòng chung (1–5) khi điểm thành phần tăng 1 điểm",
    },
    "ax_share": {"en": "Share of R² (%)", "vi": "Tỷ trọng trong R² (%)"},
    "ax_importance": {
        "en": "Derived importance: share of R² (%)",
        "vi": "Mức quan trọng suy ra: tỷ trọng trong R² (%)",
    },
    "ax_performance": {
        "en": "Performance: component index (%)",
        "vi": "Kết quả phục vụ: chỉ số thành phần (%)",
    },
    "ax_fact_share": {"en": "Share of dossiers (%)", "vi": "Tỷ lệ hồ sơ (%)"},
    "ax_effect": {
        "en": "Difference in % satisfied overall (points)",
        "vi": "Chênh lệch tỷ lệ hài lòng chung (điểm %)",
    },
    "fig_coef": {
        "en": "Linear model of overall satisfaction on the component scores: coefficients "
        "with {level} confidence intervals (design-based).",
        "vi": "Mô hình tuyến tính của mức hài lòng chung theo điểm thành phần: hệ số và khoảng "
        "tin cậy {level} (có tính thiết kế mẫu).",
    },
    "fig_imp": {
        "en": "Relative importance of the components: share of R² with {level} confidence "
        "intervals from replicate weights; the dashed line is an equal share.",
        "vi": "Mức quan trọng tương đối của các thành phần: tỷ trọng trong R² và khoảng tin cậy "
        "{level} từ trọng số lặp; đường nét đứt là mức chia đều.",
    },
    "fig_ipa": {
        "en": "Importance against performance, with {level} intervals in both directions; "
        "colour = quadrant decided by the intervals.",
        "vi": "Mức quan trọng và kết quả phục vụ, kèm khoảng tin cậy {level} theo cả hai chiều; "
        "màu = ô được xác định theo khoảng tin cậy.",
    },
    "fig_facts": {
        "en": "Facts of the service: share of dossiers, with {level} confidence intervals.",
        "vi": "Các sự việc khi giải quyết hồ sơ: tỷ lệ hồ sơ, kèm khoảng tin cậy {level}.",
    },
    "fig_effects": {
        "en": "What each fact costs: difference in the share satisfied overall, with {level} "
        "confidence intervals.",
        "vi": "Tác động của từng sự việc: chênh lệch tỷ lệ hài lòng chung, kèm khoảng tin cậy "
        "{level}.",
    },
    "tab_rel": {"en": "Reliability of the component scales", "vi": "Độ tin cậy của thang đo"},
    "tab_items": {
        "en": "Items: alpha if the item is deleted and corrected item–total correlation",
        "vi": "Tiêu chí: alpha khi bỏ tiêu chí và tương quan tiêu chí – tổng đã hiệu chỉnh",
    },
    "tab_glm": {
        "en": "Design-based models of overall satisfaction",
        "vi": "Các mô hình hài lòng chung có tính thiết kế mẫu",
    },
    "tab_imp": {"en": "Relative importance", "vi": "Mức quan trọng tương đối"},
    "tab_ipa": {"en": "Importance–performance", "vi": "Mức quan trọng – kết quả phục vụ"},
    "tab_facts": {"en": "Facts of the service", "vi": "Các sự việc khi giải quyết hồ sơ"},
    "tab_effects": {
        "en": "Facts and overall satisfaction",
        "vi": "Các sự việc và mức hài lòng chung",
    },
    "tab_facts_by": {"en": "Facts of the service by {unit}", "vi": "Các sự việc theo {unit}"},
    "h_imp_by": {
        "en": "Relative importance by {unit}",
        "vi": "Mức quan trọng tương đối theo {unit}",
    },
    "tab_imp_by": {
        "en": "Share of R² of each component by {unit} (rank in brackets)",
        "vi": "Tỷ trọng trong R² của từng thành phần theo {unit} (hạng trong ngoặc)",
    },
    "imp_by": {
        "en": "By {unit}, the most important component is {lines}.",
        "vi": "Theo {unit}, thành phần quan trọng nhất là {lines}.",
    },
    "imp_by_line": {"en": "{top} for {dom}", "vi": "{top} với {dom}"},
    "determined": {"en": "determined", "vi": "chắc chắn"},
    "not_determined_short": {"en": "not determined", "vi": "chưa phân định"},
    "imp_by_none": {
        "en": "By {unit}, no domain has enough respondents for the decomposition.",
        "vi": "Theo {unit}, không nhóm nào đủ người trả lời để phân rã.",
    },
    "col_component": {"en": "Component", "vi": "Thành phần"},
    "col_item": {"en": "Criterion", "vi": "Tiêu chí"},
    "col_items": {"en": "Items", "vi": "Số tiêu chí"},
    "col_n": {"en": "Respondents", "vi": "Số người trả lời"},
    "col_alpha": {"en": "Alpha", "vi": "Alpha"},
    "col_std_alpha": {"en": "Standardised alpha", "vi": "Alpha chuẩn hóa"},
    "col_omega": {"en": "Omega", "vi": "Omega"},
    "col_avg_r": {"en": "Mean inter-item r", "vi": "Tương quan trung bình"},
    "col_note": {"en": "Note", "vi": "Ghi chú"},
    "col_alpha_drop": {"en": "Alpha if deleted", "vi": "Alpha khi bỏ"},
    "col_item_total": {"en": "Item–total r", "vi": "Tương quan với tổng"},
    "col_model": {"en": "Model", "vi": "Mô hình"},
    "col_term": {"en": "Term", "vi": "Biến"},
    "col_estimate": {"en": "Estimate", "vi": "Ước lượng"},
    "col_se": {"en": "SE", "vi": "Sai số chuẩn"},
    "col_ci": {"en": "{level} CI", "vi": "KTC {level}"},
    "col_p": {"en": "p-value", "vi": "Giá trị p"},
    "col_part": {"en": "Part of R²", "vi": "Phần của R²"},
    "col_share": {"en": "Share of R²", "vi": "Tỷ trọng trong R²"},
    "col_rank": {"en": "Rank", "vi": "Hạng"},
    "col_importance": {"en": "Importance", "vi": "Mức quan trọng"},
    "col_performance": {"en": "Performance", "vi": "Kết quả phục vụ"},
    "col_quadrant": {"en": "Quadrant (intervals)", "vi": "Ô (theo KTC)"},
    "col_point_quadrant": {"en": "Quadrant (points only)", "vi": "Ô (chỉ theo điểm)"},
    "col_stated": {"en": "Stated importance", "vi": "Mức quan trọng được nêu"},
    "col_fact": {"en": "Fact", "vi": "Sự việc"},
    "col_share_dossiers": {"en": "Share", "vi": "Tỷ lệ"},
    "col_diff": {"en": "Difference (points)", "vi": "Chênh lệch (điểm %)"},
    "col_with": {"en": "Satisfied, with", "vi": "Hài lòng, có"},
    "col_adjusted": {
        "en": "Adjusted difference ({level} CI)",
        "vi": "Chênh lệch đã điều chỉnh (KTC {level})",
    },
    "effects_note": {
        "en": "Difference: people with the fact against people without it. Adjusted: the same "
        "gap in one model with the other facts held fixed (not for the apology, which applies "
        "only to late results). Design-based linear models of the share satisfied (4–5).",
        "vi": "Chênh lệch: người gặp sự việc so với người không gặp. Đã điều chỉnh: cùng "
        "chênh lệch đó trong một mô hình giữ nguyên các sự việc khác (không áp dụng cho thư "
        "xin lỗi, vì chỉ có khi trễ hẹn). Mô hình tuyến tính có tính thiết kế mẫu của tỷ lệ "
        "hài lòng (4–5).",
    },
    "col_without": {"en": "Satisfied, without", "vi": "Hài lòng, không"},
    "model_linear": {"en": "Linear (1–5)", "vi": "Tuyến tính (1–5)"},
    "model_logistic": {"en": "Logistic, odds ratio", "vi": "Logistic, tỷ số chênh"},
    "model_ordinal": {"en": "Proportional odds", "vi": "Tỷ lệ chênh tỷ lệ"},
    "model_note": {
        "en": "Logistic model (satisfied overall, 4–5): estimate and CI are odds ratios, the SE "
        "is that of the log odds ratio. Proportional-odds model of the overall answer: "
        "coefficients on the log-odds scale; 1|2 … 4|5 are its cut points.",
        "vi": "Mô hình logistic (hài lòng chung, 4–5): ước lượng và KTC là tỷ số chênh, sai số "
        "chuẩn là của logarit tỷ số chênh. Mô hình tỷ lệ chênh tỷ lệ của câu trả lời hài lòng "
        "chung: hệ số theo thang logarit chênh; 1|2 … 4|5 là các ngưỡng cắt.",
    },
    "na_note": {
        "en": "— = not estimated: {reason}",
        "vi": "— = không ước lượng: {reason}",
    },
    "status_one_item": {
        "en": "{scale}: alpha needs at least two items; this scale has one",
        "vi": "{scale}: hệ số alpha cần ít nhất hai câu hỏi; thang đo này chỉ có một",
    },
    "status_too_few": {
        "en": "{scale}: only {n} respondent(s) answered every item; at least 3 are needed",
        "vi": "{scale}: chỉ {n} người trả lời đủ mọi câu hỏi; cần ít nhất 3",
    },
    "status_flat_items": {
        "en": "{scale}: every respondent gave the same answer to {items}",
        "vi": "{scale}: mọi người trả lời cùng một mức cho {items}",
    },
    "status_small_cell": {
        "en": "fewer than {min_n} respondents with every variable",
        "vi": "dưới {min_n} người trả lời có đủ mọi biến",
    },
    "status_small_cell_any": {
        "en": "too few respondents with every variable",
        "vi": "quá ít người trả lời có đủ mọi biến",
    },
    "status_constant": {
        "en": "a variable has the same value for everyone in the group",
        "vi": "một biến có cùng giá trị ở mọi người trong nhóm",
    },
    "status_collinear": {
        "en": "the predictors are collinear in the group",
        "vi": "các biến giải thích cộng tuyến trong nhóm",
    },
    "lost_note": {
        "en": "{unit}: {k} replicate(s) without data in this group are left out of its interval.",
        "vi": "{unit}: {k} mẫu lặp không có dữ liệu ở nhóm này được bỏ khỏi khoảng tin cậy.",
    },
    "small_note": {
        "en": "— = fewer than {min_cell} respondents: not estimated.",
        "vi": "— = dưới {min_cell} người trả lời: không ước lượng.",
    },
    "alt_coef": {
        "en": "Dot plot of coefficients with intervals: {parts}.",
        "vi": "Biểu đồ chấm các hệ số kèm khoảng tin cậy: {parts}.",
    },
    "alt_imp": {
        "en": "Bar chart of shares of R²: {parts}.",
        "vi": "Biểu đồ cột tỷ trọng trong R²: {parts}.",
    },
    "alt_ipa": {
        "en": "Scatter plot of importance against performance: {parts}.",
        "vi": "Biểu đồ điểm mức quan trọng và kết quả phục vụ: {parts}.",
    },
    "alt_facts": {
        "en": "Dot plot with intervals: {parts}.",
        "vi": "Biểu đồ chấm kèm khoảng tin cậy: {parts}.",
    },
    "verify": {
        "en": "*How to re-derive these figures:* `govsurvey verify reports/<run>/` reruns this "
        "analysis from the run's manifest and compares every recorded figure.",
        "vi": "*Cách kiểm tra lại các số liệu:* lệnh `govsurvey verify reports/<run>/` chạy lại "
        "phân tích từ tệp manifest của lần chạy và so sánh từng số liệu đã ghi.",
    },
}


def text(key: str, lang: str, **fields: Any) -> str:
    """The sentence ``key`` in ``lang`` with its fields filled in.

    Examples
    --------
    >>> text("q_keep_up", "vi")
    'Duy trì'
    """
    return i18n.phrase(TEXT, key, lang, **fields)


def quadrant_label(quadrant: str, lang: str) -> str:
    """The reader's name of an importance–performance quadrant.

    Examples
    --------
    >>> quadrant_label("concentrate_here", "en")
    'Concentrate here'
    """
    return text(f"q_{quadrant}", lang)


def fact_label(inst: Any, fact: str, lang: str) -> str:
    """The reader's name of a fact of the service, from the instrument.

    Examples
    --------
    >>> import govsurvey as gs
    >>> fact_label(gs.load_instrument("sipas-2017"), "late_result", "vi")
    'Trả kết quả trễ hẹn'
    """
    names = {f["code"]: f[lang] for f in inst.facts}
    return names.get(fact, fact)


def _n(x, lang, digits=2):
    return i18n.num(x, lang, digits)


def _names(codes, inst, lang):
    return ", ".join(code_label(inst, c, lang) for c in codes)


def count_word(k: int, lang: str) -> str:
    """A small count in words ("five" / "năm"), larger ones in digits.

    Examples
    --------
    >>> count_word(5, "vi"), count_word(3, "en"), count_word(12, "en")
    ('năm', 'three', '12')
    """
    words = text("count_words", lang).split()
    return words[k] if 0 <= k < len(words) else i18n.integer(k, lang)


def describe_intro(inst: Any, lang: str, level: float) -> str:
    """The report's opening: its questions, with the instrument's own number of components.

    Examples
    --------
    >>> import govsurvey as gs
    >>> describe_intro(gs.load_instrument("sipas-2017"), "en", 0.95)[:55]
    'This report asks which of the five components of the se'
    """
    return text("intro", lang, k=count_word(len(inst.components), lang), level=_lv(level, lang))


def _lv(level, lang):
    return i18n.level_pct(level, lang)


# ------------------------------------------------------------------ sentences
def describe_scores(coverage: pd.DataFrame, min_valid: int, inst: Any, lang: str) -> str:
    """How many respondents have each score (from ``score_coverage``).

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> cov = pd.DataFrame({"component": ["C1", "C5", "all"], "n_scored": [90, 60, 55],
    ...                     "n_missing": [10, 40, 45], "share_scored": [90.0, 60.0, 55.0]})
    >>> describe_scores(cov, 1, gs.load_instrument("sipas-2017"), "en").endswith(
    ...     'the fewest scores are for Feedback and complaints (60).')
    True
    """  # noqa: E501
    c = coverage.set_index("component")
    n = int(c["n_scored"].iloc[0] + c["n_missing"].iloc[0])
    comps = c.drop(index="all")
    low = comps["n_scored"].idxmin()
    return text(
        "scores",
        lang,
        k=count_word(len(comps), lang),
        min_valid=min_valid,
        n_all=i18n.integer(c.loc["all", "n_scored"], lang),
        n=i18n.integer(n, lang),
        share=i18n.pct(c.loc["all", "share_scored"], lang),
        lowest=code_label(inst, low, lang),
        n_lowest=i18n.integer(comps.loc[low, "n_scored"], lang),
    )


def describe_reliability(rel, inst: Any, lang: str) -> str:
    """Alpha and omega ranges, weak and unmeasured scales.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.drivers.reliability import Reliability
    >>> s = pd.DataFrame({"scale": ["C1", "C2"], "raw_alpha": [0.81, 0.65],
    ...                   "omega_total": [0.82, 0.66], "status": ["estimated"] * 2})
    >>> describe_reliability(Reliability(s, pd.DataFrame(), False),
    ...                      gs.load_instrument("sipas-2017"), "en").endswith(
    ...     'Administrative procedures; their scores mix items that do not move together.')
    True
    """  # noqa: E501
    s = rel.scales
    ok = s[s["status"] == "estimated"]
    if ok.empty:
        return text("rel_na", lang, names=_names(s["scale"], inst, lang))
    lo, hi = ok.loc[ok["raw_alpha"].idxmin()], ok.loc[ok["raw_alpha"].idxmax()]
    weak = ok.loc[ok["raw_alpha"] < 0.70, "scale"]
    tail = (
        text("rel_weak", lang, names=_names(weak, inst, lang))
        if len(weak)
        else text("rel_ok", lang)
    )
    na = s.loc[s["status"] != "estimated", "scale"]
    if len(na):
        tail += " " + text("rel_na", lang, names=_names(na, inst, lang))
    return text(
        "rel",
        lang,
        lo=_n(lo["raw_alpha"], lang),
        lo_name=code_label(inst, lo["scale"], lang),
        hi=_n(hi["raw_alpha"], lang),
        hi_name=code_label(inst, hi["scale"], lang),
        olo=_n(ok["omega_total"].min(), lang),
        ohi=_n(ok["omega_total"].max(), lang),
        weak=tail,
    )


def describe_model(linear: pd.DataFrame, logistic: pd.DataFrame, inst: Any, lang: str) -> str:
    """The strongest component in the linear and logistic models, and those not shown.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> lin = pd.DataFrame({"term": ["Intercept", "C1", "C2"], "estimate": [0.1, 0.4, 0.05],
    ...                     "ci_low": [0.0, 0.3, -0.02], "ci_high": [0.2, 0.5, 0.12]})
    >>> lin.attrs["level"] = 0.95
    >>> log = lin.assign(estimate=[0.0, 1.2, 0.1])
    >>> "Administrative procedures includes zero" in describe_model(
    ...     lin, log, gs.load_instrument("sipas-2017"), "en")
    True
    """
    level = linear.attrs.get("level", 0.95)
    f = linear[linear["term"] != "Intercept"]
    top = f.loc[f["estimate"].idxmax()]
    ns = f[(f["ci_low"] <= 0) & (f["ci_high"] >= 0)]["term"]
    nsig = (
        text("model_nsig", lang, names=_names(ns, inst, lang))
        if len(ns)
        else text("model_allsig", lang)
    )
    g = logistic[logistic["term"] != "Intercept"]
    topo = g.loc[g["estimate"].idxmax()]
    return text(
        "model",
        lang,
        k=count_word(len(f), lang),
        top=code_label(inst, top["term"], lang),
        b=_n(top["estimate"], lang),
        lv=_lv(level, lang),
        lo=_n(top["ci_low"], lang),
        hi=_n(top["ci_high"], lang),
        nsig=nsig,
        top_or=code_label(inst, topo["term"], lang),
        or_=_n(np.exp(topo["estimate"]), lang),
    )


def describe_importance(ri: pd.DataFrame, inst: Any, lang: str) -> str:
    """R², the largest and smallest shares, and whether first place is determined.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> ri = pd.DataFrame({"term": ["C1", "C2"], "share": [0.6, 0.4],
    ...     "share_ci_low": [0.55, 0.35], "share_ci_high": [0.65, 0.45]})
    >>> ri.attrs.update(r2=0.5, method="lmg", replicates=200, level=0.95)
    >>> describe_importance(ri, gs.load_instrument("sipas-2017"), "en").endswith(
    ... "its interval does not overlap the second's.")
    True
    """
    level = ri.attrs.get("level", 0.95)
    f = ri.sort_values("share", ascending=False)
    a, b, z = f.iloc[0], f.iloc[1], f.iloc[-1]
    sep = "imp_sep" if a["share_ci_low"] > b["share_ci_high"] else "imp_nosep"
    return text(
        "imp",
        lang,
        k=count_word(len(ri), lang),
        r2=_n(ri.attrs.get("r2", np.nan), lang, 3),
        method=text(
            f"method_{ri.attrs.get('method', 'lmg')}",
            lang,
            R=i18n.integer(ri.attrs.get("replicates", 0), lang),
        ),
        top=code_label(inst, a["term"], lang),
        s=i18n.pct(100 * a["share"], lang),
        lv=_lv(level, lang),
        lo=i18n.pct(100 * a["share_ci_low"], lang),
        hi=i18n.pct(100 * a["share_ci_high"], lang),
        bottom=code_label(inst, z["term"], lang),
        sb=i18n.pct(100 * z["share"], lang),
        sep=text(sep, lang),
    )


def describe_ipa(ipa: pd.DataFrame, inst: Any, lang: str) -> str:
    """Quadrants decided by the intervals, and derived against stated importance.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> f = pd.DataFrame({"component": ["C1", "C2"], "quadrant": ["keep_up", "not_determined"],
    ...                   "importance": [0.6, 0.4]})
    >>> f.attrs["performance_line"] = 85.0
    >>> 'No component can be put in "concentrate here" with confidence.' in describe_ipa(
    ...     f, gs.load_instrument("sipas-2017"), "en")
    True
    """
    from .ipa import QUADRANTS

    parts = []
    for q in QUADRANTS:
        names = ipa.loc[ipa["quadrant"] == q, "component"]
        if len(names):
            parts.append(
                text("ipa_q", lang, quad=quadrant_label(q, lang), names=_names(names, inst, lang))
            )
    if not (ipa["quadrant"] == "concentrate_here").any():
        parts.append(text("ipa_none", lang))
    out = text(
        "ipa", lang, pline=i18n.pct(ipa.attrs.get("performance_line"), lang), quads=" ".join(parts)
    )
    if ipa.attrs.get("n"):
        out += " " + text("ipa_caveat", lang, n=i18n.integer(ipa.attrs["n"], lang))
    low = ipa.loc[ipa["quadrant"] == "low_priority", "component"]
    if len(low):
        out += " " + text(
            "ipa_low_caveat", lang, quad=quadrant_label("low_priority", lang),
            names=_names(low, inst, lang),
        )  # fmt: skip
    if "stated" not in ipa.columns:
        out += " " + text("no_stated", lang)
    rho = ipa.attrs.get("rank_correlation")
    if "stated" in ipa.columns and rho is not None and np.isfinite(rho):
        agree = "agree_high" if rho >= 0.7 else ("agree_mid" if rho >= 0.3 else "agree_low")
        top = ipa.loc[ipa["stated"].idxmax()]
        out += " " + text(
            "ipa_stated",
            lang,
            agree=text(agree, lang),
            rho=_n(rho, lang),
            top_stated=code_label(inst, top["component"], lang),
            share=i18n.pct(top["stated"], lang),
        )
    return out


def describe_facts(facts: pd.DataFrame, inst: Any, lang: str, level: float = 0.95) -> str:
    """Each fact's share with its interval.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> inst = gs.load_instrument("sipas-2017")
    >>> f = pd.DataFrame({"variable": ["late_result"], "estimate": [8.61], "ci_low": [7.7],
    ...                   "ci_high": [9.6]})
    >>> describe_facts(f, inst, "vi")
    'Trả kết quả trễ hẹn: 8,61% (KTC 95% từ 7,70% đến 9,60%).'
    """
    f = facts.dropna(subset=["estimate"])
    parts = [
        text(
            "fact_part",
            lang,
            label=fact_label(inst, r.variable, lang),
            value=i18n.pct(r.estimate, lang),
            lv=_lv(level, lang),
            lo=i18n.pct(r.ci_low, lang),
            hi=i18n.pct(r.ci_high, lang),
        )
        for r in f.itertuples()
    ]
    return text("facts", lang, parts="; ".join(parts))


def describe_effects(effects: pd.DataFrame, inst: Any, lang: str, level: float = 0.95) -> str:
    """The largest satisfaction gap and the facts whose gap is not shown.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> inst = gs.load_instrument("sipas-2017")
    >>> e = pd.DataFrame({"variable": ["late_result", "harassment"], "estimate": [-22.1, -1.0],
    ...     "ci_low": [-25.0, -4.0], "ci_high": [-19.0, 2.0], "share_with": [67.0, 88.0],
    ...     "share_without": [89.1, 89.0]})
    >>> describe_effects(e, inst, "en").endswith(
    ...     'For Official caused trouble the difference is not shown (the interval includes zero).')
    True
    """
    f = effects.dropna(subset=["estimate"])
    top = f.loc[f["estimate"].idxmin()]
    ns = f[(f["ci_low"] <= 0) & (f["ci_high"] >= 0)]["variable"]
    others = (
        text("effects_ns", lang, names=", ".join(fact_label(inst, x, lang) for x in ns))
        if len(ns)
        else ""
    )
    return text(
        "effects",
        lang,
        top=fact_label(inst, top["variable"], lang),
        d=i18n.signed(top["estimate"], lang),
        lv=_lv(level, lang),
        lo=i18n.signed(top["ci_low"], lang),
        hi=i18n.signed(top["ci_high"], lang),
        w=i18n.pct(top["share_with"], lang),
        wo=i18n.pct(top["share_without"], lang),
        others=others,
    ).strip()


# ------------------------------------------------------------------ tables
def _ci(lo, hi, lang, digits=2, pct=False):
    f = (lambda v: i18n.pct(v, lang, digits)) if pct else (lambda v: i18n.num(v, lang, digits))
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return i18n.DASH
    return f"{f(lo)} – {f(hi)}".replace("-", "−")


def reliability_table(rel, inst: Any, lang: str) -> tuple[Table, Table]:
    """The scales table and the items table of a :class:`Reliability`.

    Examples
    --------
    >>> import pandas as pd, numpy as np, govsurvey as gs
    >>> from govsurvey.drivers.reliability import reliability
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [1, 2, 3, 5, 4]})
    >>> t, i = reliability_table(reliability(df, {"C1": ["a", "b"]}),
    ...                          gs.load_instrument("sipas-2017"), "en")
    >>> list(t.frame.columns)[:3]
    ['Component', 'Items', 'Respondents']
    """
    s = rel.scales
    T = lambda k: text(k, lang)  # noqa: E731
    frame = pd.DataFrame(
        {
            T("col_component"): [code_label(inst, c, lang) for c in s["scale"]],
            T("col_items"): [i18n.integer(v, lang) for v in s["items"]],
            T("col_n"): [i18n.integer(v, lang) for v in s["n"]],
            T("col_alpha"): [_n(v, lang, 3) for v in s["raw_alpha"]],
            T("col_std_alpha"): [_n(v, lang, 3) for v in s["std_alpha"]],
            T("col_omega"): [_n(v, lang, 3) for v in s["omega_total"]],
            T("col_avg_r"): [_n(v, lang, 3) for v in s["average_r"]],
        }
    )
    crit = {c.column: c.code for c in inst.criteria}
    notes = [
        text(
            "na_note",
            lang,
            reason=text(
                f"status_{r.status}",
                lang,
                scale=code_label(inst, r.scale, lang),
                n=i18n.integer(r.n, lang),
                items=", ".join(
                    code_label(inst, crit.get(c, c), lang) for c in r.flat_items.split(", ") if c
                ),
            ),
        )
        for r in s[s["status"] != "estimated"].itertuples()
    ]
    numeric = list(frame.columns[1:])
    t1 = Table(frame, T("tab_rel"), notes, numeric)
    it = rel.items
    items = pd.DataFrame(
        {
            T("col_component"): [code_label(inst, c, lang) for c in it["scale"]],
            T("col_item"): [code_label(inst, crit.get(c, c), lang) for c in it["item"]],
            T("col_alpha_drop"): [_n(v, lang, 3) for v in it["alpha_if_deleted"]],
            T("col_item_total"): [_n(v, lang, 3) for v in it["item_total_r"]],
        }
    )
    t2 = Table(items, T("tab_items"), [], list(items.columns[2:]))
    return t1, t2


def model_table(fits: dict[str, pd.DataFrame], inst: Any, lang: str, level: float) -> Table:
    """Coefficients of several models, one row per (model, term); logistic as odds ratios.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> f = pd.DataFrame({"term": ["C1"], "estimate": [0.4], "se": [0.1], "ci_low": [0.2],
    ...                   "ci_high": [0.6], "p_value": [0.001]})
    >>> model_table({"linear": f}, gs.load_instrument("sipas-2017"), "en", 0.95).frame.iloc[0, 1]
    'Access to the service'
    """
    rows = []
    for kind, f in fits.items():
        odds = kind == "logistic"
        for r in f.itertuples():
            if r.term == "Intercept":
                continue
            tr = np.exp if odds else (lambda v: v)
            term = r.term if "|" in str(r.term) else code_label(inst, r.term, lang)
            rows.append(
                [
                    text(f"model_{kind}", lang),
                    term,
                    _n(tr(r.estimate), lang, 3),
                    _n(r.se, lang, 3),
                    _ci(tr(r.ci_low), tr(r.ci_high), lang, 3),
                    i18n.pvalue(r.p_value, lang),
                ]
            )
    cols = ["col_model", "col_term", "col_estimate", "col_se", "col_ci", "col_p"]
    heads = [text(c, lang, level=_lv(level, lang)) for c in cols]
    frame = pd.DataFrame(rows, columns=heads)
    notes = [text("model_note", lang)] if {"logistic", "ordinal"} & set(fits) else []
    return Table(frame, text("tab_glm", lang), notes, heads[2:])


def importance_table(ri: pd.DataFrame, inst: Any, lang: str) -> Table:
    """Parts and shares of R² with intervals and ranks.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> ri = pd.DataFrame({"term": ["C1"], "estimate": [0.1], "ci_low": [0.08],
    ...     "ci_high": [0.12], "share": [1.0], "share_ci_low": [1.0], "share_ci_high": [1.0],
    ...     "rank": [1]})
    >>> importance_table(ri, gs.load_instrument("sipas-2017"), "vi").frame.iloc[0, 3]
    '100,00%'
    """
    level = ri.attrs.get("level", 0.95)
    T = lambda k: text(k, lang, level=_lv(level, lang))  # noqa: E731
    f = ri.sort_values("rank")
    frame = pd.DataFrame(
        {
            T("col_component"): [code_label(inst, c, lang) for c in f["term"]],
            T("col_part"): [_n(v, lang, 4) for v in f["estimate"]],
            T("col_ci"): [
                _ci(a, b, lang, 4) for a, b in zip(f["ci_low"], f["ci_high"], strict=True)
            ],
            T("col_share"): [i18n.pct(100 * v, lang) for v in f["share"]],
            T("col_ci") + " ": [
                _ci(100 * a, 100 * b, lang, pct=True)
                for a, b in zip(f["share_ci_low"], f["share_ci_high"], strict=True)
            ],
            T("col_rank"): [str(v) for v in f["rank"]],
        }
    )
    return Table(frame, text("tab_imp", lang), [], list(frame.columns[1:]))


def ipa_table(ipa: pd.DataFrame, inst: Any, lang: str, level: float) -> Table:
    """Importance, performance, stated importance and both quadrants per component.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> f = pd.DataFrame({"component": ["C1"], "importance": [0.2], "importance_ci_low": [0.1],
    ...     "importance_ci_high": [0.3], "performance": [85.0], "performance_ci_low": [84.0],
    ...     "performance_ci_high": [86.0], "quadrant": ["not_determined"],
    ...     "point_quadrant": ["keep_up"]})
    >>> ipa_table(f, gs.load_instrument("sipas-2017"), "en", 0.95).frame.iloc[0, -1]
    'Keep up the good work'
    """
    T = lambda k: text(k, lang, level=_lv(level, lang))  # noqa: E731
    cols = {
        T("col_component"): [code_label(inst, c, lang) for c in ipa["component"]],
        T("col_importance"): [i18n.pct(100 * v, lang) for v in ipa["importance"]],
        T("col_ci"): [
            _ci(100 * a, 100 * b, lang, pct=True)
            for a, b in zip(ipa["importance_ci_low"], ipa["importance_ci_high"], strict=True)
        ],
        T("col_performance"): [i18n.pct(v, lang) for v in ipa["performance"]],
        T("col_ci") + " ": [
            _ci(a, b, lang, pct=True)
            for a, b in zip(ipa["performance_ci_low"], ipa["performance_ci_high"], strict=True)
        ],
    }
    if "stated" in ipa.columns:
        cols[T("col_stated")] = [i18n.pct(v, lang) for v in ipa["stated"]]
    cols[T("col_quadrant")] = [quadrant_label(q, lang) for q in ipa["quadrant"]]
    cols[T("col_point_quadrant")] = [quadrant_label(q, lang) for q in ipa["point_quadrant"]]
    frame = pd.DataFrame(cols)
    return Table(frame, text("tab_ipa", lang), [], list(frame.columns[1:-2]))


def facts_table(
    facts: pd.DataFrame,
    inst: Any,
    lang: str,
    level: float,
    by: str | None = None,
    by_label: str | None = None,
    min_cell: int | None = None,
    caption: str | None = None,
) -> Table:
    """Facts as rows (or a domain × fact grid of shares when ``by`` is given).

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> inst = gs.load_instrument("sipas-2017")
    >>> f = pd.DataFrame({"variable": ["late_result"], "estimate": [8.6], "ci_low": [7.7],
    ...                   "ci_high": [9.6], "n": [4458]})
    >>> facts_table(f, inst, "en", 0.95).frame.iloc[0].tolist()
    ['Result late', '8.60%', '7.70% – 9.60%', '4,458']
    """
    T = lambda k: text(k, lang, level=_lv(level, lang))  # noqa: E731
    notes = [text("small_note", lang, min_cell=min_cell)] if min_cell else []
    if by is None:
        frame = pd.DataFrame(
            {
                T("col_fact"): [fact_label(inst, x, lang) for x in facts["variable"]],
                T("col_share_dossiers"): [i18n.pct(v, lang) for v in facts["estimate"]],
                T("col_ci"): [
                    _ci(a, b, lang, pct=True)
                    for a, b in zip(facts["ci_low"], facts["ci_high"], strict=True)
                ],
                T("col_n"): [i18n.integer(v, lang) for v in facts["n"]],
            }
        )
        return Table(
            frame,
            caption or text("tab_facts", lang),
            notes if facts["estimate"].isna().any() else [],
            list(frame.columns[1:]),
        )
    # every share with its interval and n; a cell below min_cell is "—"
    cells = [
        i18n.DASH
        if not np.isfinite(v)
        else f"{i18n.pct(v, lang)} ({_ci(a, b, lang, pct=True)}; n = {i18n.integer(k, lang)})"
        for v, a, b, k in zip(
            facts["estimate"], facts["ci_low"], facts["ci_high"], facts["n"], strict=True
        )
    ]
    grid = facts.assign(cell=cells).pivot(index=by, columns="variable", values="cell")
    grid = grid[[c for c in facts["variable"].unique()]]
    grid = grid.loc[sorted(grid.index, key=vi_key)]
    grid.columns = [fact_label(inst, c, lang) for c in grid.columns]
    frame = grid.reset_index().rename(columns={by: by_label or by})
    notes = [*notes, text("ci_note", lang, level=_lv(level, lang))]
    return Table(frame, caption or text("tab_facts", lang), notes, list(frame.columns[1:]))


def effects_table(effects: pd.DataFrame, inst: Any, lang: str, level: float) -> Table:
    """Difference in the share satisfied with and without each fact.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> inst = gs.load_instrument("sipas-2017")
    >>> e = pd.DataFrame({"variable": ["late_result"], "estimate": [-22.1], "ci_low": [-25.0],
    ...     "ci_high": [-19.0], "p_value": [0.0001], "share_with": [67.0],
    ...     "share_without": [89.1], "n": [4400]})
    >>> effects_table(e, inst, "en", 0.95).frame.iloc[0, 1]
    '−22.10'
    """
    T = lambda k: text(k, lang, level=_lv(level, lang))  # noqa: E731
    frame = pd.DataFrame(
        {
            T("col_fact"): [fact_label(inst, x, lang) for x in effects["variable"]],
            T("col_diff"): [i18n.signed(v, lang) for v in effects["estimate"]],
            T("col_ci"): [
                _ci(a, b, lang) for a, b in zip(effects["ci_low"], effects["ci_high"], strict=True)
            ],
            T("col_p"): [i18n.pvalue(v, lang) for v in effects["p_value"]],
            T("col_adjusted"): [
                i18n.DASH if not np.isfinite(v) else f"{i18n.signed(v, lang)} ({_ci(a, b, lang)})"
                for v, a, b in zip(
                    effects.get("adjusted", pd.Series(np.nan, index=effects.index)),
                    effects.get("adjusted_ci_low", pd.Series(np.nan, index=effects.index)),
                    effects.get("adjusted_ci_high", pd.Series(np.nan, index=effects.index)),
                    strict=True,
                )
            ],
            T("col_with"): [i18n.pct(v, lang) for v in effects["share_with"]],
            T("col_without"): [i18n.pct(v, lang) for v in effects["share_without"]],
            T("col_n"): [i18n.integer(v, lang) for v in effects["n"]],
        }
    )
    return Table(
        frame, text("tab_effects", lang), [text("effects_note", lang)], list(frame.columns[1:])
    )


# ------------------------------------------------------------------ alt texts
def alt_coefficients(fit: pd.DataFrame, inst: Any, lang: str) -> str:
    """Alt text of :func:`~govsurvey.drivers.plots.coefficient_plot`, from its numbers.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> f = pd.DataFrame({"term": ["C1"], "estimate": [0.4], "ci_low": [0.2], "ci_high": [0.6]})
    >>> alt_coefficients(f, gs.load_instrument("sipas-2017"), "en")
    'Dot plot of coefficients with intervals: Access to the service 0.40 (0.20 – 0.60).'
    """
    f = fit[fit["term"] != "Intercept"]
    parts = [
        f"{code_label(inst, r.term, lang)} {_n(r.estimate, lang)} "
        f"({_ci(r.ci_low, r.ci_high, lang)})"
        for r in f.itertuples()
    ]
    return text("alt_coef", lang, parts="; ".join(parts))


def alt_importance(ri: pd.DataFrame, inst: Any, lang: str) -> str:
    """Alt text of :func:`~govsurvey.drivers.plots.importance_plot`.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> ri = pd.DataFrame({"term": ["C1"], "share": [1.0], "share_ci_low": [1.0],
    ...                    "share_ci_high": [1.0]})
    >>> alt_importance(ri, gs.load_instrument("sipas-2017"), "en")
    'Bar chart of shares of R²: Access to the service 100.00% (100.00% – 100.00%).'
    """
    f = ri.sort_values("share", ascending=False)
    parts = [
        f"{code_label(inst, r.term, lang)} {i18n.pct(100 * r.share, lang)} "
        f"({_ci(100 * r.share_ci_low, 100 * r.share_ci_high, lang, pct=True)})"
        for r in f.itertuples()
    ]
    return text("alt_imp", lang, parts="; ".join(parts))


def alt_ipa(ipa: pd.DataFrame, inst: Any, lang: str) -> str:
    """Alt text of :func:`~govsurvey.drivers.plots.ipa_plot`.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> f = pd.DataFrame({"component": ["C1"], "importance": [0.2], "performance": [85.0],
    ...                   "quadrant": ["keep_up"]})
    >>> alt_ipa(f, gs.load_instrument("sipas-2017"), "en")
    'Scatter plot of importance against performance: Access to the service: importance 20.00%, performance 85.00%, Keep up the good work.'
    """  # noqa: E501
    parts = [
        f"{code_label(inst, r.component, lang)}: {text('col_importance', lang).lower()} "
        f"{i18n.pct(100 * r.importance, lang)}, {text('col_performance', lang).lower()} "
        f"{i18n.pct(r.performance, lang)}, {quadrant_label(r.quadrant, lang)}"
        for r in ipa.itertuples()
    ]
    return text("alt_ipa", lang, parts="; ".join(parts))


def alt_facts(frame: pd.DataFrame, inst: Any, lang: str, signed: bool = False) -> str:
    """Alt text of :func:`~govsurvey.drivers.plots.facts_plot`.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> inst = gs.load_instrument("sipas-2017")
    >>> f = pd.DataFrame({"variable": ["late_result"], "estimate": [8.6], "ci_low": [7.7],
    ...                   "ci_high": [9.6]})
    >>> alt_facts(f, inst, "en")
    'Dot plot with intervals: Result late 8.60% (7.70% – 9.60%).'
    """
    f = frame.dropna(subset=["estimate"])
    fmt = (lambda v: i18n.signed(v, lang)) if signed else (lambda v: i18n.pct(v, lang))
    parts = [
        f"{fact_label(inst, r.variable, lang)} {fmt(r.estimate)} "
        f"({fmt(r.ci_low)} – {fmt(r.ci_high)})"
        for r in f.itertuples()
    ]
    return text("alt_facts", lang, parts="; ".join(parts))


def describe_importance_by(
    ri: pd.DataFrame, by: str, names: dict, inst: Any, lang: str, unit: str | None = None
) -> str:
    """The most important component in each estimated domain, and whether that first place
    is determined (its share's interval above the second's).

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> ri = pd.DataFrame({"field": ["land", "land"], "term": ["C1", "C2"], "rank": [2, 1],
    ...                    "estimate": [0.1, 0.2], "share_ci_low": [0.2, 0.5],
    ...                    "share_ci_high": [0.4, 0.7]})
    >>> describe_importance_by(ri, "field", {"land": "Land"}, gs.load_instrument("sipas-2017"),
    ...                        "en", unit="service field")
    'By service field, the most important component is Administrative procedures for Land (determined).'
    """  # noqa: E501
    unit = unit or by
    est = ri.dropna(subset=["estimate"])
    top = est[est["rank"] == 1]
    if top.empty:
        return text("imp_by_none", lang, unit=unit)
    lines = []
    for _, r in top.iterrows():
        line = text(
            "imp_by_line",
            lang,
            top=code_label(inst, r["term"], lang),
            dom=names.get(r[by], str(r[by])),
        )
        if "share_ci_low" in est.columns:
            second = est[(est[by] == r[by]) & (est["rank"] == 2)]
            sep = len(second) and r["share_ci_low"] > second["share_ci_high"].iloc[0]
            line += " (" + text("determined" if sep else "not_determined_short", lang) + ")"
        lines.append(line)
    return text("imp_by", lang, unit=unit, lines="; ".join(lines))


def importance_by_table(
    ri: pd.DataFrame, by: str, names: dict, by_label: str, inst: Any, lang: str, caption: str
) -> Table:
    """A domain × component grid of shares of R² with the rank; "—" with a note when a
    domain is not estimated.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> ri = pd.DataFrame({"field": ["land", "land"], "term": ["C1", "C2"], "share": [0.4, 0.6],
    ...                    "rank": [2, 1], "n": [100, 100], "status": ["estimated"] * 2})
    >>> t = importance_by_table(ri, "field", {"land": "Land"}, "Field",
    ...                         gs.load_instrument("sipas-2017"), "en", "x")
    >>> t.frame.iloc[0].tolist()
    ['Land', '100', '40.00% (2)', '60.00% (1)']
    >>> hidden = pd.concat([ri, ri.assign(field="tax", term=None, share=float("nan"), n=9)])
    >>> importance_by_table(hidden, "field", {"land": "Land", "tax": "Tax"}, "Field",
    ...     gs.load_instrument("sipas-2017"), "en", "x").frame.iloc[1].tolist()
    ['Tax', '9', '—', '—']
    """
    cell = [
        i18n.DASH if not np.isfinite(s) else f"{i18n.pct(100 * s, lang)} ({int(r)})"
        for s, r in zip(ri["share"].astype(float), ri["rank"].fillna(0), strict=True)
    ]
    # a suppressed domain's rows keep no label (the guard blanks them): "—" on its whole row
    shown = ri.assign(cell=cell)[ri["term"].notna()]
    terms = list(dict.fromkeys(shown["term"]))
    grid = shown.pivot(index=by, columns="term", values="cell") if len(shown) else None
    grid = (
        pd.DataFrame(index=pd.Index([], name=by), columns=terms) if grid is None else grid
    ).reindex(index=pd.Index(unit_order(inst, by, list(dict.fromkeys(ri[by])), lang), name=by),
              columns=terms)  # fmt: skip
    grid = grid.fillna(i18n.DASH)
    grid.columns = [code_label(inst, c, lang) for c in grid.columns]
    n = ri.groupby(by)["n"].first()
    frame = grid.reset_index()
    frame.insert(1, text("col_n", lang), [i18n.integer(n[v], lang) for v in frame[by]])
    frame[by] = [names.get(v, str(v)) for v in frame[by]]
    frame = frame.rename(columns={by: by_label})
    status = ri.drop_duplicates(by).set_index(by)
    hidden = sorted({x for x in status["status"] if x != "estimated"})
    min_n = ri.attrs.get("min_n")
    notes = [
        f"{i18n.DASH}: "
        + (
            text("status_small_cell", lang, min_n=i18n.integer(min_n, lang))
            if x == "small_cell" and min_n is not None
            else text(f"status_{x}_any" if x == "small_cell" else f"status_{x}", lang)
        )
        for x in hidden
    ]
    if "lost_replicates" in status:
        notes += [
            text("lost_note", lang, unit=names.get(u, str(u)), k=i18n.integer(k, lang))
            for u, k in status["lost_replicates"].items()
            if k > 0
        ]
    return Table(frame, caption, notes, list(frame.columns[1:]))
