"""Notebook 02's words and pictures: narrative, tables, figures and alt texts from the numbers.

Everything a reader sees in the response-bias report is written here, in Vietnamese or English
(``lang`` = ``"vi"`` | ``"en"``), from the result frames — so the notebook only calls, and the
text stays true on any data. Plot functions take a result frame and an ``ax`` and return the
ax; matplotlib is imported when drawing.
"""

# ruff: noqa: E501  (the vi/en text table holds whole sentences, one per line)
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..publish.i18n import integer, literal, num, pct, phrase, pvalue, signed
from ..publish.tables import Table, code_label, value_label, variable_label

__all__ = [
    "TEXT",
    "t",
    "describe_rates",
    "describe_cases",
    "describe_against_frame",
    "describe_representativeness",
    "describe_propensity",
    "describe_weighting",
    "describe_shift",
    "describe_sensitivity",
    "describe_quality",
    "describe_mode_effect",
    "rates_table",
    "asmd_table",
    "diagnostics_table",
    "shift_table",
    "sensitivity_table",
    "flags_table",
    "flagged_by_unit_table",
    "partial_table",
    "tests_table",
    "rates_by_table",
    "plot_response_by_domain",
    "plot_asmd",
    "plot_propensity",
    "plot_weights",
    "plot_index_shift",
    "alt_response",
    "alt_asmd",
    "alt_propensity",
    "alt_weights",
    "alt_shift",
]

TEXT: dict[str, dict[str, str]] = {
    "title": {"vi": "Sai lệch do không trả lời và gia quyền", "en": "Response bias and weighting"},
    "intro": {
        "vi": "Báo cáo này cho biết ai đã không trả lời phiếu khảo sát, việc đó làm lệch chỉ số hài lòng đến đâu, và trọng số điều chỉnh có khắc phục được hay không. Mọi con số đều được ước lượng theo thiết kế mẫu, kèm khoảng tin cậy {level}.",
        "en": "This report shows who did not answer the survey, how far that biases the satisfaction index, and whether adjusted weights fix it. Every figure is estimated from the survey's sampling design, with a {level} confidence interval.",
    },
    "h_rates": {"vi": "Tỷ lệ trả lời", "en": "Response rates"},
    "h_who": {"vi": "Ai không trả lời?", "en": "Who did not answer?"},
    "h_who_frame": {"vi": "Người trả lời so với khung mẫu", "en": "Respondents against the frame"},
    "h_prop": {"vi": "Xác suất trả lời và tính đại diện", "en": "Response propensity and representativeness"},
    "h_weight": {"vi": "Gia quyền", "en": "Weighting"},
    "h_shift": {"vi": "Chỉ số trước và sau gia quyền", "en": "The index before and after weighting"},
    "h_sens": {"vi": "Độ nhạy với sai lệch không khắc phục được", "en": "Sensitivity to bias weighting cannot fix"},
    "h_quality": {"vi": "Phong cách trả lời và chất lượng phiếu", "en": "Response styles and data quality"},
    "rates": {
        "vi": "Trong {cases} trường hợp được chọn mẫu, tỷ lệ trả lời AAPOR RR1 là {rr1} (RR2, tính cả phiếu trả lời một phần: {rr2}); tỷ lệ hợp tác COOP1 là {coop1}, tỷ lệ từ chối REF1 là {ref1} và tỷ lệ liên hệ được CON1 là {con1}. {unit_lo} có tỷ lệ trả lời (RR2) thấp nhất ({lo}), {unit_hi} cao nhất ({hi}).",
        "en": "Of the {cases} sampled cases, the AAPOR response rate RR1 is {rr1} (RR2, counting partial interviews: {rr2}); the cooperation rate COOP1 is {coop1}, the refusal rate REF1 {ref1} and the contact rate CON1 {con1}. {unit_lo} has the lowest response rate (RR2, {lo}) and {unit_hi} the highest ({hi}).",
    },
    "rates_drawn": {
        "vi": "Dữ liệu chỉ ghi ai đã trả lời; mã kết quả của người không trả lời (từ chối, không liên hệ được, khác, chưa rõ đủ điều kiện) được gán ngẫu nhiên theo hình thức khảo sát, nên RR1–RR2 là chính xác còn COOP, REF, CON chỉ minh họa.",
        "en": "The data only record who answered; nonrespondents' outcomes (refusal, non-contact, other, unknown eligibility) were assigned at random by survey mode, so RR1–RR2 are exact while COOP, REF and CON are illustrative.",
    },
    "who": {
        "vi": "So với tổng thể, người trả lời khác biệt nhiều nhất theo {var1} (chênh lệch chuẩn hóa tuyệt đối lớn nhất {a1}, ở nhóm {cat1}). Kiểm định theo thiết kế cho thấy tỷ lệ trả lời khác nhau giữa các nhóm của {sig} biến (p < 0,05){sig_list}. Sau gia quyền, chênh lệch chuẩn hóa lớn nhất giảm từ {before} xuống {after}.",
        "en": "Compared with the population, respondents differ most by {var1} (largest absolute standardised difference {a1}, in {cat1}). Design-based tests find response rates that differ between categories for {sig} variable(s) (p < 0.05){sig_list}. After weighting, the largest standardised difference falls from {before} to {after}.",
    },
    "prop": {
        "vi": "Mô hình logistic có trọng số thiết kế cho xác suất trả lời trung bình {mean}. Chỉ số R (Schouten, Cobben & Bethlehem 2009) là {r} (KTC {lvl}: {lo} – {hi}); 1 là trả lời hoàn toàn đại diện. Sai lệch chuẩn hóa tối đa của một trung bình tính từ người trả lời là {bias} độ lệch chuẩn. Biến có chỉ số R từng phần có điều kiện lớn nhất là {pvar} ({pval}): đây là biến cần điều chỉnh nhất.",
        "en": "The design-weighted logistic model gives a mean response propensity of {mean}. The R-indicator (Schouten, Cobben & Bethlehem 2009) is {r} ({lvl} CI {lo} – {hi}); 1 is a fully representative response. The maximal absolute standardised bias of a respondent mean is {bias} standard deviations. The variable with the largest conditional partial R-indicator is {pvar} ({pval}): weighting by it matters most.",
    },
    "weight": {
        "vi": "Cách gia quyền: {method}. Trọng số cuối cùng từ {wmin} đến {wmax} (tỷ số với trọng số cơ sở từ {rmin} đến {rmax}); hiệu ứng thiết kế Kish do trọng số không đều là {deff}, nên cỡ mẫu hiệu dụng là {neff} trên {n} người trả lời.{conv}",
        "en": "Weighting: {method}. Final weights range from {wmin} to {wmax} (ratio to the base weight {rmin} to {rmax}); Kish's design effect from unequal weights is {deff}, so the effective sample size is {neff} of {n} respondents.{conv}",
    },
    "conv": {"vi": " Phép lặp hội tụ sau {it} vòng.", "en": " The fit converged in {it} iterations."},
    "shift": {
        "vi": "Chỉ số SIPAS chung là {before} (KTC {lvl}: {blo} – {bhi}) với trọng số cơ sở và {after} ({alo} – {ahi}) sau gia quyền: thay đổi {shift} điểm phần trăm. Chỉ số công bố là chỉ số sau gia quyền ({method}).",
        "en": "The overall SIPAS index is {before} ({lvl} CI {blo} – {bhi}) with base weights and {after} ({alo} – {ahi}) after weighting: a shift of {shift} percentage points. The published index is the weighted one ({method}).",
    },
    "truth": {
        "vi": " Giá trị thật của tổng thể mô phỏng là {truth}: khoảng tin cậy trước gia quyền {bcov}, sau gia quyền {acov}.",
        "en": " The synthetic population's true value is {truth}: the interval before weighting {bcov} it, after weighting it {acov} it.",
    },
    "covers": {"vi": "chứa giá trị này", "en": "covers"},
    "misses": {"vi": "không chứa giá trị này", "en": "misses"},
    "sens": {
        "vi": "Gia quyền chỉ sửa được sai lệch do các đặc điểm đã biết của người được chọn (MAR). Nếu người không trả lời kém hài lòng hơn người trả lời {d} điểm phần trăm (sau khi đã gia quyền), chỉ số chung sẽ là {v} thay vì {est}; với {d2} điểm, là {v2}. Tỷ lệ trả lời có trọng số là {rr}, nên mỗi điểm chênh lệch làm chỉ số dịch {per} điểm. Dữ liệu không cho biết chênh lệch thật; bảng dưới đây cho thấy chỉ số phụ thuộc vào giả định này đến đâu.",
        "en": "Weighting can only correct bias that runs through known characteristics of the sampled (MAR). If nonrespondents were {d} percentage points less satisfied than respondents (after weighting), the overall index would be {v} instead of {est}; with {d2} points, {v2}. The weighted response rate is {rr}, so each point of difference moves the index by {per} points. The data cannot tell the true difference; the table shows how much the index rests on this assumption.",
    },
    "quality": {
        "vi": "{flagged} phiếu ({share}) bị đánh dấu để xem xét: {reasons}. Không phiếu nào bị loại tự động. Nếu bỏ các phiếu bị đánh dấu, chỉ số chung thay đổi {shift} điểm phần trăm (từ {all} thành {without}). Tỷ lệ 'không biết' cao nhất ở tiêu chí {dk_item} ({dk}).",
        "en": "{flagged} forms ({share}) are flagged for review: {reasons}. No form is removed automatically. Setting the flagged forms aside moves the overall index by {shift} percentage points (from {all} to {without}). The don't-know rate is highest for {dk_item} ({dk}).",
    },
    "mode_effect": {
        "vi": "Tỷ lệ hài lòng chung (4–5 điểm) theo {unit}: từ {lo} ({cat_lo}) đến {hi} ({cat_hi}); kiểm định Wald theo thiết kế: F = {f}, p = {p}{verdict}",
        "en": "Overall satisfaction (4–5) by {unit}: from {lo} ({cat_lo}) to {hi} ({cat_hi}); design-based Wald test: F = {f}, p = {p}{verdict}",
    },
    "differ": {"vi": " — khác biệt có ý nghĩa thống kê; có thể do hình thức khảo sát hoặc do thành phần người trả lời khác nhau.", "en": " — a significant difference, which may come from the mode itself or from who answers by each mode."},
    "same": {"vi": " — không có khác biệt có ý nghĩa thống kê.", "en": " — no significant difference."},
    "reason_straightlining": {"vi": "trả lời một mức cho mọi tiêu chí", "en": "the same answer to every criterion"},
    "reason_many_dont_know": {"vi": "quá nhiều 'không biết'", "en": "too many don't-knows"},
    "reason_duplicate": {"vi": "trùng hoàn toàn với phiếu khác", "en": "an exact duplicate of another form"},
    "reason_near_duplicate": {"vi": "gần trùng (khác tối đa một tiêu chí)", "en": "a near-duplicate (differs in at most one criterion)"},
    "reason_speeding": {"vi": "thời gian trả lời quá ngắn", "en": "answered too fast"},
    "none": {"vi": "không có", "en": "none"},
    # captions
    "fig_rates": {"vi": "Tỷ lệ trả lời (AAPOR RR2) theo {unit}; đường dọc là tỷ lệ chung.", "en": "Response rate (AAPOR RR2) by {unit}; the vertical line is the overall rate."},
    "fig_asmd": {"vi": "Chênh lệch chuẩn hóa tuyệt đối giữa người trả lời và tổng thể, trước và sau gia quyền (0,1 là ngưỡng thường dùng).", "en": "Absolute standardised difference between respondents and the population, before and after weighting (0.1 is the usual threshold)."},
    "fig_prop": {"vi": "Phân bố xác suất trả lời ước lượng, theo tình trạng trả lời.", "en": "Estimated response propensity by response status."},
    "fig_weights": {"vi": "Phân bố tỷ số trọng số sau gia quyền so với trọng số cơ sở (người trả lời).", "en": "Distribution of adjusted to base weight ratios (respondents)."},
    "fig_shift": {"vi": "Chỉ số thành phần và chỉ số chung với trọng số cơ sở và sau gia quyền, với khoảng tin cậy {lvl}.", "en": "Component and overall index with base and adjusted weights, with {lvl} confidence intervals."},
    "before": {"vi": "Trọng số cơ sở", "en": "Base weights"},
    "after": {"vi": "Sau gia quyền", "en": "Adjusted"},
    "respondents": {"vi": "Người trả lời", "en": "Respondents"},
    "nonrespondents": {"vi": "Người không trả lời", "en": "Nonrespondents"},
    "overall_rate": {"vi": "Tỷ lệ chung", "en": "Overall"},
    "propensity": {"vi": "Xác suất trả lời ước lượng", "en": "Estimated response propensity"},
    "ratio": {"vi": "Trọng số sau gia quyền / trọng số cơ sở", "en": "Adjusted / base weight"},
    "count": {"vi": "Số người trả lời", "en": "Respondents"},
    "index_pct": {"vi": "Chỉ số (%)", "en": "Index (%)"},
    "asmd": {"vi": "Chênh lệch chuẩn hóa tuyệt đối", "en": "Absolute standardised difference"},
    "rate_pct": {"vi": "Tỷ lệ trả lời (%)", "en": "Response rate (%)"},
    "alt_rates": {"vi": "Biểu đồ thanh ngang: tỷ lệ trả lời theo {unit}, từ {lo} ({cat_lo}) đến {hi} ({cat_hi}); tỷ lệ chung {all}.", "en": "Horizontal bar chart: response rate by {unit}, from {lo} ({cat_lo}) to {hi} ({cat_hi}); overall {all}."},
    "alt_asmd": {"vi": "Biểu đồ chấm: chênh lệch chuẩn hóa của {k} nhóm; lớn nhất trước gia quyền {b} ({cat}), sau gia quyền lớn nhất {a}.", "en": "Dot plot: standardised differences of {k} categories; largest before weighting {b} ({cat}), largest after weighting {a}."},
    "alt_prop": {"vi": "Hai biểu đồ tần suất chồng nhau: xác suất trả lời trung bình {r} ở người trả lời và {nr} ở người không trả lời.", "en": "Two overlaid histograms: mean response propensity {r} among respondents and {nr} among nonrespondents."},
    "alt_weights": {"vi": "Biểu đồ tần suất: tỷ số trọng số từ {lo} đến {hi}, trung vị {med}.", "en": "Histogram: weight ratios from {lo} to {hi}, median {med}."},
    "alt_shift": {"vi": "Biểu đồ chấm với khoảng tin cậy: chỉ số chung {b} với trọng số cơ sở và {a} sau gia quyền; các chỉ số thành phần thay đổi từ {smin} đến {smax} điểm.", "en": "Dot plot with intervals: overall index {b} with base weights and {a} adjusted; components shift by {smin} to {smax} points."},
    # table headers
    "col_rate": {"vi": "Tỷ lệ", "en": "Rate"},
    "col_value": {"vi": "Giá trị", "en": "Value"},
    "col_cases": {"vi": "Số trường hợp", "en": "Cases"},
    "col_variable": {"vi": "Biến", "en": "Variable"},
    "col_category": {"vi": "Nhóm", "en": "Category"},
    "col_population": {"vi": "Tổng thể", "en": "Population"},
    "col_sample": {"vi": "Mẫu", "en": "Sample"},
    "col_resp": {"vi": "Người trả lời", "en": "Respondents"},
    "col_adj": {"vi": "Sau gia quyền", "en": "Adjusted"},
    "col_asmd_b": {"vi": "Chênh lệch trước", "en": "Difference before"},
    "col_asmd_a": {"vi": "Chênh lệch sau", "en": "Difference after"},
    "col_item": {"vi": "Chỉ tiêu", "en": "Item"},
    "col_figure": {"vi": "Chỉ số", "en": "Figure"},
    "col_before": {"vi": "Trước (KTC)", "en": "Before (CI)"},
    "col_after": {"vi": "Sau (KTC)", "en": "After (CI)"},
    "col_shift": {"vi": "Thay đổi (điểm)", "en": "Shift (points)"},
    "col_delta": {"vi": "Chênh lệch giả định (điểm)", "en": "Assumed difference (points)"},
    "col_nonresp": {"vi": "Người không trả lời", "en": "Nonrespondents"},
    "col_pop": {"vi": "Chỉ số tổng thể", "en": "Population index"},
    "col_check": {"vi": "Kiểm tra", "en": "Check"},
    "col_forms": {"vi": "Số phiếu", "en": "Forms"},
    "col_share": {"vi": "Tỷ lệ", "en": "Share"},
    "col_step": {"vi": "Bước", "en": "Step"},
    "col_n": {"vi": "Người trả lời", "en": "Respondents"},
    "col_wmin": {"vi": "Trọng số nhỏ nhất", "en": "Smallest weight"},
    "col_wmax": {"vi": "Trọng số lớn nhất", "en": "Largest weight"},
    "col_ratio": {"vi": "Tỷ số mới/cũ", "en": "New/old ratio"},
    "col_deff": {"vi": "Hiệu ứng thiết kế Kish", "en": "Kish design effect"},
    "col_neff": {"vi": "Cỡ mẫu hiệu dụng", "en": "Effective sample size"},
    "col_iter": {"vi": "Số vòng lặp", "en": "Iterations"},
    "col_df": {"vi": "Bậc tự do", "en": "df"},
    "col_lowest": {"vi": "Thấp nhất", "en": "Lowest"},
    "col_highest": {"vi": "Cao nhất", "en": "Highest"},
    "col_uncond": {"vi": "Không điều kiện", "en": "Unconditional"},
    "col_cond": {"vi": "Có điều kiện", "en": "Conditional"},
    "tab_rates_by": {"vi": "Tỷ lệ trả lời và hợp tác theo nhóm.", "en": "Response and cooperation rates by group."},
    "tab_tests": {"vi": "Kiểm định theo thiết kế: tỷ lệ trả lời như nhau giữa các nhóm?", "en": "Design-based tests: is the response rate the same in every category?"},
    "tab_partial": {"vi": "Chỉ số R từng phần theo biến (càng lớn càng làm giảm tính đại diện).", "en": "Partial R-indicators by variable (larger: more of the lack of representativeness)."},
    "tab_flag_units": {"vi": "Các đơn vị có nhiều phiếu bị đánh dấu nhất.", "en": "Units with the most flagged forms."},
    "flag_units_hidden": {"vi": "{k} đơn vị không được nêu: có ít hơn {m} phiếu, hoặc ẩn thêm để không suy ra được số liệu đã ẩn.", "en": "{k} units are not shown: fewer than {m} forms, or hidden so that no hidden figure can be worked out."},
    "tab_rates": {"vi": "Tỷ lệ trả lời, hợp tác, từ chối và liên hệ (AAPOR).", "en": "Response, cooperation, refusal and contact rates (AAPOR)."},
    "tab_asmd": {"vi": "Cơ cấu tổng thể, mẫu, người trả lời và sau gia quyền.", "en": "Population, sample, respondents and adjusted shares."},
    "tab_diag": {"vi": "Chẩn đoán trọng số.", "en": "Weight diagnostics."},
    "tab_shift": {"vi": "Chỉ số trước và sau gia quyền.", "en": "The index before and after weighting."},
    "tab_sens": {"vi": "Chỉ số chung theo chênh lệch giả định giữa người trả lời và người không trả lời.", "en": "Overall index by assumed difference between respondents and nonrespondents."},
    "tab_flags": {"vi": "Phiếu bị đánh dấu theo lý do (không phiếu nào bị loại).", "en": "Flagged forms by reason (none removed)."},
    "ro_no_column": {
        "vi": "Tệp dữ liệu không có cột `{col}` (ai đã trả lời, ai không): nó chỉ chứa các phiếu thu về.",
        "en": "The survey file has no `{col}` column (who answered and who did not): it holds the returned forms only.",
    },
    "ro_all_returned": {
        "vi": "Mọi dòng của tệp dữ liệu đều là phiếu đã trả lời (`{col}` = 1 ở cả {n} dòng): hoặc mọi người được chọn đều trả lời, hoặc phiếu không thu về đã không được giữ lại; tệp không cho phân biệt hai trường hợp.",
        "en": "Every row of the survey file is a returned form (`{col}` = 1 on all {n} rows): either everyone sampled answered or the forms not returned were not kept; the file cannot tell which.",
    },
    "ro_cannot": {
        "vi": "Vì vậy báo cáo này **không tính được** tỷ lệ trả lời (AAPOR), xác suất trả lời và chỉ số R, điều chỉnh trọng số cho người không trả lời, cũng như độ nhạy theo tỷ lệ trả lời: các đại lượng này đều cần biết những người được chọn mà không trả lời. Muốn có chúng, hãy giữ mọi đơn vị được chọn trong tệp, kèm cột `{col}` (1 đã trả lời, 0 không).",
        "en": "So this report **cannot compute** response rates (AAPOR), response propensities and the R-indicator, a nonresponse adjustment of the weights, or the sensitivity to the response rate: each needs the sampled people who did not answer. To get them, keep every sampled unit in the file with its `{col}` column (1 answered, 0 did not).",
    },
    "ro_can_frame": {
        "vi": "Báo cáo **vẫn làm được**: so sánh cơ cấu người trả lời với các biên của khung mẫu (tham số `frame`), và gia quyền người trả lời theo các biên đó ({method}).",
        "en": "What it **can still do**: hold the respondents against the frame's margins (the parameter `frame`) and weight them to those margins ({method}).",
    },
    "ro_can_no_frame": {
        "vi": "Không có khung mẫu (tham số `frame`: số người theo quận/huyện, giới tính, nhóm tuổi, …), nên cũng không so sánh được người trả lời với tổng thể. Với một khung mẫu, báo cáo sẽ so sánh người trả lời với các biên của nó và gia quyền theo các biên đó (`weighting: rake`).",
        "en": "There is no frame either (the parameter `frame`: the population by district, sex, age group, …), so the respondents cannot be held against the population. With a frame the report holds the respondents against its margins and weights them to those margins (`weighting: rake`).",
    },
    "ro_skip": {
        "vi": "Không tính được: tệp dữ liệu không có người không trả lời (xem mục Tỷ lệ trả lời).",
        "en": "Not computed: the survey file holds no nonrespondent (see Response rates).",
    },
    "ro_skip_frame": {
        "vi": "Không có khung mẫu để so sánh (tham số `frame`), và tệp không có người không trả lời.",
        "en": "There is no frame to compare with (the parameter `frame`), and the file holds no nonrespondent.",
    },
    "who_frame": {
        "vi": "So với các biên của khung mẫu, người trả lời khác biệt nhiều nhất theo {var1} (chênh lệch chuẩn hóa tuyệt đối lớn nhất {a1}, ở nhóm {cat1}). Sau gia quyền, chênh lệch chuẩn hóa lớn nhất là {after} (trước gia quyền {before}).",
        "en": "Against the frame's margins, respondents differ most by {var1} (largest absolute standardised difference {a1}, in {cat1}). After weighting, the largest standardised difference is {after} ({before} before).",
    },
    "truth_mark": {
        "vi": "Giá trị thật (tổng thể mô phỏng)",
        "en": "True value (synthetic population)",
    },
}  # fmt: skip

RATE_LABELS = {
    "RR1": {"vi": "Tỷ lệ trả lời RR1", "en": "Response rate RR1"},
    "RR2": {"vi": "Tỷ lệ trả lời RR2", "en": "Response rate RR2"},
    "RR3": {"vi": "Tỷ lệ trả lời RR3", "en": "Response rate RR3"},
    "RR4": {"vi": "Tỷ lệ trả lời RR4", "en": "Response rate RR4"},
    "RR5": {"vi": "Tỷ lệ trả lời RR5", "en": "Response rate RR5"},
    "RR6": {"vi": "Tỷ lệ trả lời RR6", "en": "Response rate RR6"},
    "COOP1": {"vi": "Tỷ lệ hợp tác COOP1", "en": "Cooperation rate COOP1"},
    "COOP2": {"vi": "Tỷ lệ hợp tác COOP2", "en": "Cooperation rate COOP2"},
    "COOP3": {"vi": "Tỷ lệ hợp tác COOP3", "en": "Cooperation rate COOP3"},
    "COOP4": {"vi": "Tỷ lệ hợp tác COOP4", "en": "Cooperation rate COOP4"},
    "REF1": {"vi": "Tỷ lệ từ chối REF1", "en": "Refusal rate REF1"},
    "REF2": {"vi": "Tỷ lệ từ chối REF2", "en": "Refusal rate REF2"},
    "REF3": {"vi": "Tỷ lệ từ chối REF3", "en": "Refusal rate REF3"},
    "CON1": {"vi": "Tỷ lệ liên hệ CON1", "en": "Contact rate CON1"},
    "CON2": {"vi": "Tỷ lệ liên hệ CON2", "en": "Contact rate CON2"},
    "CON3": {"vi": "Tỷ lệ liên hệ CON3", "en": "Contact rate CON3"},
    "e": {"vi": "Tỷ lệ đủ điều kiện ước tính e", "en": "Estimated eligibility e"},
}

METHOD_LABELS = {
    "none": {"vi": "không gia quyền (trọng số cơ sở)", "en": "none (base weights)"},
    "nonresponse": {"vi": "điều chỉnh không trả lời theo nhóm", "en": "nonresponse adjustment by classes"},
    "poststratify": {"vi": "hậu phân tầng theo khung mẫu", "en": "post-stratification to the frame"},
    "rake": {"vi": "cân chỉnh biên (raking) theo khung mẫu", "en": "raking to the frame's margins"},
    "calibrate": {"vi": "hiệu chỉnh (calibration) theo khung mẫu", "en": "calibration to the frame"},
    "nonresponse+rake": {"vi": "điều chỉnh không trả lời theo nhóm, rồi cân chỉnh biên theo khung mẫu", "en": "nonresponse adjustment by classes, then raking to the frame's margins"},
    "nonresponse+calibrate": {"vi": "điều chỉnh không trả lời theo nhóm, rồi hiệu chỉnh theo khung mẫu", "en": "nonresponse adjustment by classes, then calibration to the frame"},
}  # fmt: skip


def t(key: str, lang: str, **fields: Any) -> str:
    """The text ``key`` in ``lang`` with ``fields`` filled in.

    Examples
    --------
    >>> t("none", "vi"), t("conv", "en", it=4)
    ('không có', ' The fit converged in 4 iterations.')
    """
    return phrase(TEXT, key, lang, **fields)


def _p(x: float, lang: str) -> str:
    return pct(100 * float(x), lang)


def _vlab(inst, column: str, value, lang: str) -> str:
    return value_label(inst, column, value, lang) if inst is not None else str(value)


def _var(inst, column: str, lang: str) -> str:
    return variable_label(inst, column, lang).lower() if inst is not None else column


# --- narrative ------------------------------------------------------------------------------
def describe_rates(
    overall: pd.DataFrame, by: pd.DataFrame, unit: str, inst, lang: str, drawn: bool = False
) -> str:
    """Narrative of the AAPOR rates, overall and the lowest/highest unit (RR2).

    Examples
    --------
    >>> o = pd.DataFrame({"rate": ["RR1", "RR2", "COOP1", "REF1", "CON1"],
    ...                   "estimate": [0.5, 0.6, 0.7, 0.2, 0.9], "cases": 100})
    >>> b = pd.DataFrame({"district": ["A", "B"], "rate": "RR2", "estimate": [0.5, 0.7]})
    >>> describe_rates(o, b, "district", None, "en").split(";")[0]
    'Of the 100 sampled cases, the AAPOR response rate RR1 is 50.00% (RR2, counting partial interviews: 60.00%)'
    """  # noqa: E501
    r = overall.set_index("rate")["estimate"]
    b = by[by["rate"] == "RR2"].sort_values("estimate")
    text = t(
        "rates", lang, cases=integer(overall["cases"].iloc[0], lang), rr1=_p(r["RR1"], lang),
        rr2=_p(r["RR2"], lang), coop1=_p(r["COOP1"], lang), ref1=_p(r["REF1"], lang),
        con1=_p(r["CON1"], lang), unit_lo=_vlab(inst, unit, b[unit].iloc[0], lang),
        lo=_p(b["estimate"].iloc[0], lang), unit_hi=_vlab(inst, unit, b[unit].iloc[-1], lang),
        hi=_p(b["estimate"].iloc[-1], lang),
    )  # fmt: skip
    return text + (" " + t("rates_drawn", lang) if drawn else "")


def describe_cases(cases, frame_given: bool, method: str, lang: str) -> str:
    """What a file of returned forms only can and cannot give (empty for a full sample).

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.response.cases import survey_cases
    >>> c = survey_cases(pd.DataFrame({"x": [1, 2]}))
    >>> "cannot compute" in describe_cases(c, False, "none", "en")
    True
    """
    if not cases.returns_only:
        return ""
    why = t(
        "ro_no_column" if cases.why == "no_column" else "ro_all_returned", lang,
        col=cases.response, n=integer(len(cases.data), lang),
    )  # fmt: skip
    can = (
        t("ro_can_frame", lang, method=METHOD_LABELS[method][lang])
        if frame_given
        else t("ro_can_no_frame", lang)
    )
    return f"{why} {t('ro_cannot', lang, col=cases.response)}\n\n{can}"


def describe_against_frame(table: pd.DataFrame, inst, lang: str) -> str:
    """Narrative of the respondents against the frame's margins (returned forms only)."""
    i = int(table["asmd_before"].idxmax())
    row = table.loc[i]
    after = table["asmd_after"].max() if "asmd_after" in table else np.nan
    return t(
        "who_frame", lang, var1=_var(inst, row["variable"], lang),
        a1=num(row["asmd_before"], lang), cat1=_vlab(inst, row["variable"], row["category"], lang),
        before=num(table["asmd_before"].max(), lang), after=num(after, lang),
    )  # fmt: skip


def describe_representativeness(table: pd.DataFrame, tests: pd.DataFrame, inst, lang: str) -> str:
    """Narrative of the respondents-vs-population comparison and the design-based tests."""
    i = int(table["asmd_before"].idxmax())
    row = table.loc[i]
    sig = tests[tests["p_value"] < 0.05]["variable"].tolist()
    sig_list = (" (" + ", ".join(_var(inst, v, lang) for v in sig) + ")") if sig else ""
    after = table["asmd_after"].max() if "asmd_after" in table else np.nan
    return t(
        "who", lang, var1=_var(inst, row["variable"], lang), a1=num(row["asmd_before"], lang),
        cat1=_vlab(inst, row["variable"], row["category"], lang), sig=len(sig), sig_list=sig_list,
        before=num(table["asmd_before"].max(), lang), after=num(after, lang),
    )  # fmt: skip


def describe_propensity(
    rind: pd.DataFrame, partial: pd.DataFrame, inst, lang: str, level: float
) -> str:
    """Narrative of the R-indicator, maximal bias and the leading partial R-indicator."""
    from ..publish.i18n import level_pct

    r = rind.set_index("statistic")
    pc = partial[(partial["type"] == "conditional") & (partial["category"] == "")]
    top = pc.sort_values("value").iloc[-1]
    return t(
        "prop", lang, mean=_p(r.loc["mean_propensity", "estimate"], lang),
        r=num(r.loc["R", "estimate"], lang, 3), lvl=level_pct(level, lang),
        lo=num(r.loc["R", "ci_low"], lang, 3), hi=num(r.loc["R", "ci_high"], lang, 3),
        bias=num(r.loc["max_bias", "estimate"], lang, 3), pvar=_var(inst, top["variable"], lang),
        pval=num(top["value"], lang, 3),
    )  # fmt: skip


def describe_weighting(design, method: str, lang: str, weights: pd.DataFrame | None = None) -> str:
    """Narrative of the final weights' diagnostics.

    ``weights`` is :func:`weight_frame` (what the weights figure draws): the ratio of the final
    to the base weight is read from it, so the text states the figure's range, not the ranges
    of the steps taken one by one.
    """
    steps = getattr(design, "weighting_steps", ())
    d = steps[-1] if steps else None
    w = np.asarray(design.weight_values, dtype=float)
    w = w[w > 0]
    if weights is not None and len(weights):
        ratio = (float(weights["ratio"].min()), float(weights["ratio"].max()))
    else:
        ratio = (
            (min(s.ratio_min for s in steps), max(s.ratio_max for s in steps)) if steps else (1, 1)
        )
    it = max((s.iterations for s in steps), default=1)
    deff = float(len(w) * (w**2).sum() / w.sum() ** 2)
    return t(
        "weight", lang, method=METHOD_LABELS[method][lang], wmin=num(w.min(), lang),
        wmax=num(w.max(), lang), rmin=num(ratio[0], lang), rmax=num(ratio[1], lang),
        deff=num(deff, lang), neff=integer(len(w) / deff, lang), n=integer(len(w), lang),
        conv=t("conv", lang, it=it) if d is not None and it > 1 else "",
    )  # fmt: skip


def describe_shift(
    shift: pd.DataFrame, method: str, lang: str, level: float, truth: float | None = None
) -> str:
    """Narrative of the overall index before and after weighting (and against the truth)."""
    from ..publish.i18n import level_pct

    o = shift[shift["code"] == "SIPAS"].iloc[0]
    text = t(
        "shift", lang, before=pct(o["estimate_before"], lang), lvl=level_pct(level, lang),
        blo=pct(o["ci_low_before"], lang), bhi=pct(o["ci_high_before"], lang),
        after=pct(o["estimate_after"], lang), alo=pct(o["ci_low_after"], lang),
        ahi=pct(o["ci_high_after"], lang), shift=signed(o["shift"], lang),
        method=METHOD_LABELS[method][lang],
    )  # fmt: skip
    if truth is not None and np.isfinite(truth):
        b = o["ci_low_before"] <= truth <= o["ci_high_before"]
        a = o["ci_low_after"] <= truth <= o["ci_high_after"]
        text += t(
            "truth",
            lang,
            truth=pct(truth, lang),
            bcov=t("covers" if b else "misses", lang),
            acov=t("covers" if a else "misses", lang),
        )
    return text


def describe_sensitivity(sens: pd.DataFrame, estimate: float, rr: float, lang: str) -> str:
    """Narrative of the pattern-mixture sensitivity analysis."""
    pos = sens[sens["delta"] > 0].sort_values("delta")
    d1 = pos.iloc[len(pos) // 2] if len(pos) else sens.iloc[-1]
    d2 = pos.iloc[-1] if len(pos) else sens.iloc[-1]
    return t(
        "sens", lang, d=num(d1["delta"], lang, 0), v=pct(d1["population"], lang),
        est=pct(estimate, lang), d2=num(d2["delta"], lang, 0), v2=pct(d2["population"], lang),
        rr=_p(rr, lang), per=num(1 - rr, lang),
    )  # fmt: skip


def describe_quality(
    counts: pd.DataFrame, moved: pd.DataFrame, items: pd.DataFrame, inst, lang: str
) -> str:
    """Narrative of the flagged forms (``counts``: :func:`~govsurvey.response.flag_counts` by
    check, as published) and how far the index moves without them."""
    c = counts.set_index("check")
    reasons = ", ".join(
        f"{t('reason_' + k, lang)} ({integer(r['forms'], lang)})"
        for k, r in c.drop(index="flagged").iterrows()
        if r["forms"] > 0
    ) or t("none", lang)
    o = moved[moved["code"] == "SIPAS"].iloc[0]
    top = items.sort_values("dont_know").iloc[-1]
    crit = {c.column: c.code for c in inst.criteria} if inst is not None else {}
    return t(
        "quality", lang, flagged=integer(c.loc["flagged", "forms"], lang),
        share=_p(c.loc["flagged", "share"], lang), reasons=reasons, shift=signed(o["shift"], lang),
        all=pct(o["estimate_all"], lang), without=pct(o["estimate_without"], lang),
        dk_item=code_label(inst, crit.get(top["item"], top["item"]), lang)
        if inst is not None else top["item"], dk=_p(top["dont_know"], lang),
    )  # fmt: skip


def describe_mode_effect(test: dict, unit: str, inst, lang: str) -> str:
    """Narrative of a design-based test of equal satisfaction across modes or collectors."""
    r = test["rates"].sort_values("rate")
    return t(
        "mode_effect", lang, unit=_var(inst, unit, lang), lo=_p(r["rate"].iloc[0], lang),
        cat_lo=_vlab(inst, unit, r[unit].iloc[0], lang), hi=_p(r["rate"].iloc[-1], lang),
        cat_hi=_vlab(inst, unit, r[unit].iloc[-1], lang), f=num(test["statistic"], lang),
        p=pvalue(test["p_value"], lang),
        verdict=t("differ" if test["p_value"] < 0.05 else "same", lang),
    )  # fmt: skip


# --- tables ---------------------------------------------------------------------------------
def rates_table(overall: pd.DataFrame, lang: str) -> Table:
    """The AAPOR rates as a table people read."""
    f = pd.DataFrame(
        {
            t("col_rate", lang): [RATE_LABELS[r][lang] for r in overall["rate"]],
            t("col_value", lang): [_p(v, lang) for v in overall["estimate"]],
        }
    )
    return Table(f, t("tab_rates", lang), numeric=[t("col_value", lang)])


def asmd_table(table: pd.DataFrame, inst, lang: str) -> Table:
    """Shares side by side with the standardised differences."""
    f = pd.DataFrame(
        {
            t("col_variable", lang): [variable_label(inst, v, lang) for v in table["variable"]],
            t("col_category", lang): [
                _vlab(inst, v, c, lang)
                for v, c in zip(table["variable"], table["category"], strict=True)
            ],
            t("col_population", lang): [_p(x, lang) for x in table["population"]],
            t("col_sample", lang): [_p(x, lang) for x in table["sample"]],
            t("col_resp", lang): [_p(x, lang) for x in table["respondents"]],
            t("col_adj", lang): [_p(x, lang) for x in table["adjusted"]],
            t("col_asmd_b", lang): [num(x, lang, 3) for x in table["asmd_before"]],
            t("col_asmd_a", lang): [num(x, lang, 3) for x in table["asmd_after"]],
        }
    )
    return Table(f, t("tab_asmd", lang), numeric=list(f.columns[2:]))


def diagnostics_table(design, lang: str) -> Table:
    """One row per weighting step: the diagnostics a methodologist reads."""
    rows = []
    for s in getattr(design, "weighting_steps", ()):
        rows.append(
            {
                t("col_step", lang): METHOD_LABELS.get(s.method.split("/")[0], {}).get(
                    lang, s.method
                ),
                t("col_n", lang): integer(s.n, lang),
                t("col_wmin", lang): num(s.weight_min, lang),
                t("col_wmax", lang): num(s.weight_max, lang),
                t("col_ratio", lang): f"{num(s.ratio_min, lang)} – {num(s.ratio_max, lang)}",
                t("col_deff", lang): num(s.deff_kish, lang),
                t("col_neff", lang): integer(s.n_effective, lang),
                t("col_iter", lang): integer(s.iterations, lang),
            }
        )
    f = pd.DataFrame(rows)
    return Table(f, t("tab_diag", lang), numeric=list(f.columns[1:]))


def shift_table(shift: pd.DataFrame, inst, lang: str) -> Table:
    """Components and the overall index before and after weighting."""
    s = shift[shift["level"] != "criterion"]
    f = pd.DataFrame(
        {
            t("col_figure", lang): [code_label(inst, c, lang) for c in s["code"]],
            t("col_before", lang): [
                f"{pct(e, lang)} ({pct(lo, lang)} – {pct(hi, lang)})"
                for e, lo, hi in zip(
                    s["estimate_before"], s["ci_low_before"], s["ci_high_before"], strict=True
                )
            ],
            t("col_after", lang): [
                f"{pct(e, lang)} ({pct(lo, lang)} – {pct(hi, lang)})"
                for e, lo, hi in zip(
                    s["estimate_after"], s["ci_low_after"], s["ci_high_after"], strict=True
                )
            ],
            t("col_shift", lang): [signed(x, lang) for x in s["shift"]],
        }
    )
    return Table(f, t("tab_shift", lang), numeric=list(f.columns[1:]), strong=[len(f) - 1])


def sensitivity_table(sens: pd.DataFrame, lang: str) -> Table:
    """The sensitivity analysis as a table."""
    f = pd.DataFrame(
        {
            t("col_delta", lang): [signed(x, lang, 0) for x in sens["delta"]],
            t("col_nonresp", lang): [pct(x, lang) for x in sens["nonrespondents"]],
            t("col_pop", lang): [pct(x, lang) for x in sens["population"]],
        }
    )
    return Table(f, t("tab_sens", lang), numeric=list(f.columns))


def flags_table(counts: pd.DataFrame, lang: str) -> Table:
    """Counts of flagged forms by reason (``counts``: :func:`~govsurvey.response.flag_counts`
    by check, as published)."""
    c = counts[counts["check"] != "flagged"]
    f = pd.DataFrame(
        {
            t("col_check", lang): [t("reason_" + k, lang) for k in c["check"]],
            t("col_forms", lang): [integer(x, lang) for x in c["forms"]],
            t("col_share", lang): [_p(x, lang) for x in c["share"]],
        }
    )
    return Table(f, t("tab_flags", lang), numeric=list(f.columns[1:]))


def plot_response_by_domain(
    by: pd.DataFrame,
    unit: str,
    ax,
    lang: str,
    inst=None,
    overall: float | None = None,
    rate: str = "RR2",
):
    """Horizontal bars of a response rate by domain; returns the ax."""
    b = by[by["rate"] == rate].sort_values("estimate")
    labels = [literal(_vlab(inst, unit, v, lang)) for v in b[unit]]
    ax.barh(labels, 100 * b["estimate"].to_numpy(), color="#4C72B0")
    if overall is not None:
        ax.axvline(100 * overall, color="#C44E52", lw=1.2, label=t("overall_rate", lang))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_xlabel(t("rate_pct", lang))
    ax.tick_params(axis="y", labelsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_asmd(table: pd.DataFrame, ax, lang: str, inst=None):
    """Dot plot of the ASMD of every category before and after weighting; returns the ax."""
    tb = table.sort_values(["variable", "asmd_before"]).reset_index(drop=True)
    y = np.arange(len(tb))
    labels = [
        f"{variable_label(inst, v, lang) if inst else v}: {_vlab(inst, v, c, lang)}"
        for v, c in zip(tb["variable"], tb["category"], strict=True)
    ]
    ax.scatter(tb["asmd_before"], y, color="#C44E52", s=14, label=t("before", lang))
    if "asmd_after" in tb:
        ax.scatter(tb["asmd_after"], y, color="#4C72B0", s=14, marker="D", label=t("after", lang))
    ax.axvline(0.1, color="grey", lw=0.8, ls="--")
    ax.set_yticks(y, [literal(v) for v in labels], fontsize=9)
    ax.set_xlabel(t("asmd", lang))
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def propensity_frame(model) -> pd.DataFrame:
    """Each sampled unit's propensity and response status (for :func:`plot_propensity`)."""
    live = model.weights > 0
    return pd.DataFrame(
        {"propensity": model.propensity[live], "responded": model.response[live].astype(int),
         "weight": model.weights[live]}
    )  # fmt: skip


def plot_propensity(frame: pd.DataFrame, ax, lang: str):
    """Overlaid weighted histograms of the propensity by response; returns the ax."""
    bins = np.linspace(0, 1, 41)
    for r, color, key in [(1, "#4C72B0", "respondents"), (0, "#C44E52", "nonrespondents")]:
        s = frame[frame["responded"] == r]
        ax.hist(
            s["propensity"],
            bins=bins,
            weights=s["weight"] / frame["weight"].sum(),
            alpha=0.55,
            color=color,
            label=t(key, lang),
        )
    ax.set_xlabel(t("propensity", lang))
    ax.set_yticks([])
    ax.legend(frameon=False)
    ax.spines[["top", "right", "left"]].set_visible(False)
    return ax


def weight_frame(before, after) -> pd.DataFrame:
    """Base and adjusted weight of every respondent (rows with a positive adjusted weight)."""
    b = np.asarray(before.weight_values, dtype=float)
    a = np.asarray(after.weight_values, dtype=float)
    live = (a > 0) & (b > 0)
    return pd.DataFrame({"base": b[live], "adjusted": a[live], "ratio": a[live] / b[live]})


def plot_weights(frame: pd.DataFrame, ax, lang: str):
    """Histogram of adjusted / base weight ratios; returns the ax."""
    ax.hist(frame["ratio"], bins=50, color="#55A868")
    ax.axvline(1.0, color="grey", lw=0.8, ls="--")
    ax.set_xlabel(t("ratio", lang))
    ax.set_ylabel(t("count", lang))
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_index_shift(shift: pd.DataFrame, ax, lang: str, inst=None, truth: float | None = None):
    """Components and overall index, base vs adjusted weights, with CIs; returns the ax."""
    s = shift[shift["level"] != "criterion"].reset_index(drop=True)
    y = np.arange(len(s))
    for off, key, color in [(-0.15, "before", "#C44E52"), (0.15, "after", "#4C72B0")]:
        e = s[f"estimate_{key}"].to_numpy()
        lo, hi = s[f"ci_low_{key}"].to_numpy(), s[f"ci_high_{key}"].to_numpy()
        ax.errorbar(
            e,
            y + off,
            xerr=[e - lo, hi - e],
            fmt="o",
            ms=4,
            color=color,
            capsize=2,
            label=t(key, lang),
        )
    if truth is not None:
        ax.scatter([truth], [y[-1]], marker="x", color="black", zorder=5,
                   label=t("truth_mark", lang))  # fmt: skip
    ax.set_yticks(y, [code_label(inst, c, lang) if inst else c for c in s["code"]], fontsize=9)
    ax.set_xlabel(t("index_pct", lang))
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    return ax


# --- alt texts ------------------------------------------------------------------------------
def alt_response(by: pd.DataFrame, unit: str, overall: float, inst, lang: str) -> str:
    b = by[by["rate"] == "RR2"].sort_values("estimate")
    return t(
        "alt_rates",
        lang,
        unit=_var(inst, unit, lang),
        lo=_p(b["estimate"].iloc[0], lang),
        cat_lo=_vlab(inst, unit, b[unit].iloc[0], lang),
        hi=_p(b["estimate"].iloc[-1], lang),
        cat_hi=_vlab(inst, unit, b[unit].iloc[-1], lang),
        all=_p(overall, lang),
    )


def alt_asmd(table: pd.DataFrame, inst, lang: str) -> str:
    i = int(table["asmd_before"].idxmax())
    return t(
        "alt_asmd",
        lang,
        k=len(table),
        b=num(table["asmd_before"].max(), lang, 3),
        cat=_vlab(inst, table.loc[i, "variable"], table.loc[i, "category"], lang),
        a=num(table["asmd_after"].max(), lang, 3),
    )


def alt_propensity(frame: pd.DataFrame, lang: str) -> str:
    m = frame.groupby("responded").apply(
        lambda g: np.average(g["propensity"], weights=g["weight"]), include_groups=False
    )
    return t("alt_prop", lang, r=_p(m.get(1, np.nan), lang), nr=_p(m.get(0, np.nan), lang))


def alt_weights(frame: pd.DataFrame, lang: str) -> str:
    r = frame["ratio"]
    return t(
        "alt_weights", lang, lo=num(r.min(), lang), hi=num(r.max(), lang), med=num(r.median(), lang)
    )


def alt_shift(shift: pd.DataFrame, lang: str) -> str:
    o = shift[shift["code"] == "SIPAS"].iloc[0]
    c = shift[shift["level"] == "component"]["shift"]
    return t(
        "alt_shift",
        lang,
        b=pct(o["estimate_before"], lang),
        a=pct(o["estimate_after"], lang),
        smin=signed(c.min(), lang),
        smax=signed(c.max(), lang),
    )


def rates_by_table(frames: dict[str, pd.DataFrame], inst, lang: str) -> Table:
    """Response (RR2) and cooperation (COOP1) rates by several domains, one block each."""
    rows = []
    for col, f in frames.items():
        w = f.pivot_table(index=col, columns="rate", values="estimate", aggfunc="first")
        n = f.drop_duplicates(col).set_index(col)["cases"]
        for k in w.index:
            rows.append(
                {
                    t("col_variable", lang): variable_label(inst, col, lang),
                    t("col_category", lang): _vlab(inst, col, k, lang),
                    t("col_cases", lang): integer(n[k], lang),
                    RATE_LABELS["RR2"][lang]: _p(w.loc[k, "RR2"], lang),
                    RATE_LABELS["COOP1"][lang]: _p(w.loc[k, "COOP1"], lang),
                }
            )
    f = pd.DataFrame(rows)
    return Table(f, t("tab_rates_by", lang), numeric=list(f.columns[2:]))


def tests_table(tests: pd.DataFrame, inst, lang: str) -> Table:
    """Design-based tests of equal response rates across each auxiliary's categories.

    A variable with one category in the data has no test and no row.
    """
    if "statistic" in tests:
        tests = tests[tests["statistic"].notna()]
    f = pd.DataFrame(
        {
            t("col_variable", lang): [variable_label(inst, v, lang) for v in tests["variable"]],
            "F": [num(x, lang) for x in tests["statistic"]],
            t("col_df", lang): [f"{int(a)}; {num(b, lang, 0)}" for a, b in
                                zip(tests["df1"], tests["df2"], strict=True)],
            "p": [pvalue(x, lang) for x in tests["p_value"]],
            t("col_lowest", lang): [
                f"{_vlab(inst, v, c, lang)} ({_p(r, lang)})" for v, c, r in
                zip(tests["variable"], tests["lowest"], tests["lowest_rate"], strict=True)
            ],
            t("col_highest", lang): [
                f"{_vlab(inst, v, c, lang)} ({_p(r, lang)})" for v, c, r in
                zip(tests["variable"], tests["highest"], tests["highest_rate"], strict=True)
            ],
        }
    )  # fmt: skip
    return Table(f, t("tab_tests", lang), numeric=["F", "p"])


def partial_table(partial: pd.DataFrame, inst, lang: str) -> Table:
    """Partial R-indicators by variable (unconditional and conditional)."""
    v = partial[partial["category"] == ""].pivot(index="variable", columns="type", values="value")
    v = v.sort_values("conditional", ascending=False)
    f = pd.DataFrame(
        {
            t("col_variable", lang): [variable_label(inst, x, lang) for x in v.index],
            t("col_uncond", lang): [num(x, lang, 3) for x in v["unconditional"]],
            t("col_cond", lang): [num(x, lang, 3) for x in v["conditional"]],
        }
    )
    return Table(f, t("tab_partial", lang), numeric=list(f.columns[1:]))


def flagged_by_unit_table(
    counts: pd.DataFrame, unit: str, inst, lang: str, min_cell: int, top: int = 10
) -> Table:
    """Where the flagged forms are: the units (wards, collectors) with the most of them.

    ``counts`` is :func:`~govsurvey.response.flag_counts` by unit after the publication guard:
    suppressed units (fewer than ``min_cell`` forms, or hidden with them) are not shown and the
    note says how many there are.
    """
    shown = counts[~counts.get("suppressed", pd.Series(False, index=counts.index)).astype(bool)]
    s = shown[shown["forms"] > 0].sort_values(["forms", "share"], ascending=False, kind="stable")
    s = s.head(top)
    f = pd.DataFrame(
        {
            variable_label(inst, unit, lang): [_vlab(inst, unit, k, lang) for k in s[unit]],
            t("col_forms", lang): [integer(x, lang) for x in s["forms"]],
            t("col_share", lang): [_p(x, lang) for x in s["share"]],
        }
    )
    hidden = len(counts) - len(shown)
    note = t("flag_units_hidden", lang, k=integer(hidden, lang), m=integer(min_cell, lang))
    return Table(f, t("tab_flag_units", lang), numeric=list(f.columns[1:]),
                 notes=[note] if hidden else [])  # fmt: skip
