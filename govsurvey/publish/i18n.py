"""Every word a report prints, in Vietnamese and English, and how numbers are written.

A report is written for officials who read Vietnamese first. All its headings, sentences, table
headers and plot labels come from :data:`TEXT` through :func:`text`; numbers are written as the
sources publish them (:func:`pct`: ``79,73%`` in Vietnamese, ``79.73%`` in English, always two
decimals). Nothing here computes a statistic.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import InputError

__all__ = [
    "LANGUAGES",
    "TEXT",
    "check_language",
    "literal",
    "text",
    "phrase",
    "pct",
    "num",
    "integer",
    "pvalue",
    "signed",
    "level_pct",
    "check_label",
    "english_strings",
    "DASH",
]

#: The report languages.
LANGUAGES = ("vi", "en")

#: What a suppressed or missing figure shows.
DASH = "—"

#: key -> {"vi": ..., "en": ...}; ``{name}`` fields are filled by :func:`text`.
TEXT: dict[str, dict[str, str]] = {
    # --- headings ---------------------------------------------------------------------------
    "title": {
        "vi": "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)",
        "en": "Satisfaction with public administrative services (SIPAS index)",
    },
    "h_data": {
        "vi": "1. Dữ liệu khảo sát và việc xử lý từng phiếu",
        "en": "1. The survey data and what happened to every row",
    },
    "h_design": {"vi": "2. Thiết kế mẫu", "en": "2. The sampling design"},
    "h_index": {
        "vi": "3. Chỉ số hài lòng chung của toàn địa bàn",
        "en": "3. The index for the whole population",
    },
    "h_criteria": {"vi": "Các tiêu chí", "en": "The criteria"},
    "h_truth": {
        "vi": "Đối chiếu với giá trị thật (dữ liệu mô phỏng)",
        "en": "Against the known true values (synthetic data)",
    },
    "h_domains": {"vi": "4. Theo từng nhóm", "en": "4. By domain"},
    "h_by": {"vi": "Theo {unit}", "en": "By {unit}"},
    "h_ranking": {
        "vi": "Xếp hạng theo {unit}, kèm khoảng thứ hạng",
        "en": "Ranking by {unit}, with rank intervals",
    },
    "h_targets": {
        "vi": "5. Mục tiêu và năm gốc",
        "en": "5. Targets and the baseline",
    },
    "h_level_targets": {"vi": "Mục tiêu về mức đạt", "en": "Level targets"},
    "h_baseline": {
        "vi": "So với năm gốc {year}",
        "en": "Against the baseline year {year}",
    },
    "h_unit_targets": {
        "vi": "Mục tiêu của từng đơn vị",
        "en": "Targets of named units",
    },
    "h_verify": {"vi": "Kiểm tra lại kết quả", "en": "How to re-derive these figures"},
    # --- introduction -----------------------------------------------------------------------
    "intro": {
        "vi": (
            "Báo cáo này ước lượng Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) — tỷ lệ hài "
            "lòng theo từng tiêu chí, năm chỉ số thành phần và chỉ số chung — từ một cuộc khảo "
            "sát người dân, tổ chức đã thực hiện thủ tục hành chính, và cho biết mỗi con số có "
            "thể sai lệch bao nhiêu vì chỉ một mẫu được hỏi. Mỗi con số đi kèm sai số chuẩn và "
            "khoảng tin cậy {level} tính theo đúng cách chọn mẫu. Những nhóm có quá ít người trả "
            "lời (dưới {min_cell}) không được công bố, và báo cáo không hiển thị thông tin cá "
            "nhân nào."
        ),
        "en": (
            "This report estimates the SIPAS index — the rate of satisfied answers on each "
            "criterion, the five component indices and the overall index — from a survey of "
            "people and organisations who completed an administrative procedure, and shows by "
            "how much each figure could be off because only a sample was asked. Every figure "
            "carries a standard error and a {level} confidence interval that follow the way the "
            "sample was drawn. Cells with fewer than {min_cell} respondents are not published, "
            "and no personal information is shown."
        ),
    },
    "definition": {
        "vi": (
            "*Tỷ lệ hài lòng của một tiêu chí là tỷ lệ (có trọng số) câu trả lời “hài lòng” hoặc "
            "“rất hài lòng” (mức 4 hoặc 5) trong số các câu trả lời hợp lệ; câu trả lời “không "
            "biết” và bỏ trống không được tính. Chỉ số thành phần là trung bình tỷ lệ hài lòng "
            "của các tiêu chí thuộc thành phần đó; Chỉ số SIPAS là trung bình của các chỉ số "
            "thành phần.*"
        ),
        "en": (
            "*A criterion's rate is the weighted share of valid answers that are “satisfied” "
            "or “very satisfied” (4 or 5); “don't know” and blank answers are left out. A "
            "component index is the mean of its criterion rates; the SIPAS index is the mean "
            "of the component indices.*"
        ),
    },
    # --- accounting and weights -------------------------------------------------------------
    "acc_read": {
        "vi": "Đã đọc {read} dòng dữ liệu: giữ lại {kept} dòng, loại {excluded} dòng.",
        "en": "Of {read} rows read, {kept} are kept and {excluded} excluded.",
    },
    "acc_none": {
        "vi": "Đã đọc {read} dòng dữ liệu nhưng không giữ lại dòng nào.",
        "en": "Of {read} rows read, none is kept.",
    },
    "acc_response": {
        "vi": (
            "Trong số {kept} đơn vị được chọn vào mẫu, {responded} đơn vị đã trả lời phiếu: tỷ "
            "lệ trả lời {rate} (chưa tính trọng số)."
        ),
        "en": (
            "Of the {kept} sampled units, {responded} answered the survey: a response rate of "
            "{rate} (unweighted)."
        ),
    },
    "acc_no_response_column": {
        "vi": (
            "Tệp dữ liệu không có cột cho biết đơn vị nào đã trả lời, nên báo cáo không tính "
            "tỷ lệ trả lời; {kept} phiếu được coi là phiếu trả lời."
        ),
        "en": (
            "The file has no column saying which sampled units answered, so no response rate "
            "is computed; its {kept} rows are taken as respondents."
        ),
    },
    "acc_reasons": {"vi": "Lý do loại: {reasons}.", "en": "Reasons for exclusion: {reasons}."},
    "acc_cells_missing": {
        "vi": (
            "{k} câu trả lời ở {rows} phiếu không đọc được nên được coi là để trống (vẫn giữ "
            "các phiếu này): {checks}."
        ),
        "en": (
            "{k} answers in {rows} rows could not be read and are treated as missing (the "
            "rows are kept): {checks}."
        ),
    },
    "acc_cells_unified": {
        "vi": "{k} giá trị ghi khác cách viết trong danh mục mã đã được thống nhất theo danh mục.",
        "en": "{k} values spelled differently from the code list were unified with it.",
    },
    "h_conclusion": {"vi": "Kết luận cho lãnh đạo", "en": "Conclusion for officials"},
    "concl_overall": {
        "vi": "- **Chỉ số SIPAS chung: {est}** (khoảng tin cậy {level}: {lo} – {hi}; {n} phiếu).",
        "en": "- **Overall SIPAS index: {est}** ({level} confidence interval {lo} – {hi}; {n} "
        "forms).",
    },
    "concl_met": {
        "vi": "- **Đạt** (chắc chắn ở mức tin cậy {level}): {items}.",
        "en": "- **Met** (with {level} confidence): {items}.",
    },
    "concl_target": {"vi": "{name} (mục tiêu {target})", "en": "{name} (target {target})"},
    "concl_rise": {
        "vi": "{name} (tăng {gain} so với năm gốc)",
        "en": "{name} (a rise of {gain} on the baseline)",
    },
    "concl_not_met": {"vi": "- **Chưa đạt**: {items}.", "en": "- **Not met**: {items}."},
    "concl_open": {
        "vi": "- **Chưa kết luận được** (khoảng tin cậy chứa mục tiêu): {items}.",
        "en": "- **Cannot tell yet** (the interval holds the target): {items}.",
    },
    "concl_first": {
        "vi": "- **Cần xem trước:** thành phần thấp nhất là “{comp}” ({comp_est}), tiêu chí thấp "
        "nhất là “{crit}” ({crit_est}).",
        "en": "- **To look at first:** the lowest component is “{comp}” ({comp_est}), the lowest "
        "criterion “{crit}” ({crit_est}).",
    },
    "concl_units_low": {
        "vi": "- {unit} có chỉ số thấp hơn hẳn chỉ số chung (cả khoảng tin cậy nằm dưới "
        "{overall}): {names}.",
        "en": "- {unit} whose whole interval lies below the overall {overall}: {names}.",
    },
    "concl_units_none": {
        "vi": "- Không {unit} nào có chỉ số thấp hơn hẳn chỉ số chung: chênh lệch giữa các {unit} "
        "nằm trong sai số của mẫu.",
        "en": "- No {unit} lies wholly below the overall index: the differences between them are "
        "within the sample's margin of error.",
    },
    "acc_cells_table": {
        "vi": "Các câu trả lời được coi là để trống hoặc viết lại theo danh mục mã",
        "en": "Answers set missing or rewritten to the code list",
    },
    "col_column": {"vi": "Cột", "en": "Column"},
    "col_action": {"vi": "Xử lý", "en": "Action"},
    "col_answers": {"vi": "Số câu trả lời", "en": "Answers"},
    "col_rows": {"vi": "Các dòng (trong tệp)", "en": "Rows (in the file)"},
    "action_set_missing": {"vi": "coi là để trống", "en": "set missing"},
    "action_spelling_unified": {"vi": "thống nhất cách viết", "en": "spelling unified"},
    "acc_excluded_table": {
        "vi": "Các dòng bị loại và lý do",
        "en": "Rows excluded, with the reason",
    },
    "weights_given": {
        "vi": (
            "Trọng số thiết kế lấy từ cột “{weight}”. Trọng số này **chưa được điều chỉnh cho "
            "việc không trả lời**: nếu người không trả lời có mức hài lòng khác người trả lời, "
            "các con số dưới đây có thể bị lệch."
        ),
        "en": (
            "Design weights are taken from the column “{weight}”. They are **not adjusted for "
            "nonresponse**: if those who did not answer are more or less satisfied than those "
            "who did, the figures below may be biased."
        ),
    },
    "weights_equal": {
        "vi": (
            "Không có cột trọng số: mọi phiếu trả lời có trọng số bằng nhau. Các con số chỉ "
            "đại diện cho tổng thể nếu mẫu được chọn ngẫu nhiên với cùng xác suất và người "
            "không trả lời không khác người trả lời; trọng số **chưa được điều chỉnh cho việc "
            "không trả lời**."
        ),
        "en": (
            "No weight column is given: every respondent counts equally. The figures represent "
            "the population only if everyone had the same chance of selection and those who "
            "did not answer are like those who did; **no adjustment for nonresponse** is made."
        ),
    },
    "weights_adjusted": {
        "vi": (
            "Trọng số thiết kế lấy từ cột “{weight}” rồi được **điều chỉnh cho việc không trả "
            "lời**: {method}. Mọi con số dưới đây dùng trọng số đã điều chỉnh; báo cáo 02 cho "
            "biết ai không trả lời và việc điều chỉnh làm thay đổi chỉ số thế nào."
        ),
        "en": (
            "Design weights are taken from the column “{weight}” and then **adjusted for "
            "nonresponse**: {method}. Every figure below uses the adjusted weights; report 02 "
            "shows who did not answer and what the adjustment changes."
        ),
    },
    "weights_equal_adjusted": {
        "vi": (
            "Không có cột trọng số: mọi phiếu bắt đầu với trọng số bằng nhau, rồi trọng số "
            "được **điều chỉnh cho việc không trả lời**: {method}. Mọi con số dưới đây dùng "
            "trọng số đã điều chỉnh."
        ),
        "en": (
            "No weight column is given: every form starts with an equal weight, then the "
            "weights are **adjusted for nonresponse**: {method}. Every figure below uses the "
            "adjusted weights."
        ),
    },
    "design_summary": {
        "vi": (
            "Thiết kế mẫu: {strata} tầng, {psus} đơn vị mẫu cấp 1, {n} phiếu trả lời; bậc tự "
            "do của thiết kế là {df}. Sai số chuẩn được tính bằng phương pháp {method}."
        ),
        "en": (
            "Sampling design: {strata} strata, {psus} primary sampling units, {n} respondents; "
            "the design has {df} degrees of freedom. Standard errors are computed by "
            "{method}."
        ),
    },
    "method_taylor": {"vi": "tuyến tính hoá Taylor", "en": "Taylor linearisation"},
    "method_replicate": {"vi": "trọng số lặp ({type})", "en": "replicate weights ({type})"},
    "no_strata": {"vi": "không phân", "en": "no"},
    # --- index ------------------------------------------------------------------------------
    "idx_overall": {
        "vi": (
            "Chỉ số SIPAS chung ước đạt **{est}** (khoảng tin cậy {level}: {lo} – {hi}; sai số "
            "chuẩn {se} điểm phần trăm; cỡ mẫu {n})."
        ),
        "en": (
            "The overall SIPAS index is **{est}** ({level} confidence interval {lo} – {hi}; "
            "standard error {se} percentage points; n = {n})."
        ),
    },
    "idx_nonresponse_caveat": {
        "vi": "Con số này chưa điều chỉnh cho việc không trả lời (xem mục 1).",
        "en": "This figure is not adjusted for nonresponse (see section 1).",
    },
    "idx_adjusted_note": {
        "vi": "Con số này dùng trọng số đã điều chỉnh cho việc không trả lời ({method}).",
        "en": "This figure uses weights adjusted for nonresponse ({method}).",
    },
    "idx_not_estimable": {
        "vi": "Không đủ dữ liệu để ước lượng Chỉ số SIPAS chung.",
        "en": "There are not enough data to estimate the overall SIPAS index.",
    },
    "idx_top_low": {
        "vi": ("Thành phần cao nhất là “{top}” ({top_est}); thấp nhất là “{low}” ({low_est})."),
        "en": "The highest component is “{top}” ({top_est}); the lowest is “{low}” ({low_est}).",
    },
    "idx_overlap": {
        "vi": "Khoảng tin cậy của hai thành phần này giao nhau, nên khảo sát chưa phân biệt rõ "
        "chúng.",
        "en": "Their confidence intervals overlap, so the survey does not separate them clearly.",
    },
    "idx_no_overlap": {
        "vi": "Khoảng tin cậy của hai thành phần này không giao nhau.",
        "en": "Their confidence intervals do not overlap.",
    },
    "idx_weakest": {
        "vi": (
            "Tiêu chí có tỷ lệ hài lòng thấp nhất là “{label}” ({code}): {est} (khoảng tin cậy "
            "{lo} – {hi}; {n} câu trả lời hợp lệ)."
        ),
        "en": (
            "The weakest criterion is “{label}” ({code}): {est} satisfied (confidence interval "
            "{lo} – {hi}; {n} valid answers)."
        ),
    },
    # --- domains ----------------------------------------------------------------------------
    "dom_range": {
        "vi": "Theo {unit}, Chỉ số SIPAS dao động từ {lo} ({lo_name}) đến {hi} ({hi_name}) trên "
        "{k} nhóm được công bố.",
        "en": "By {unit}, the SIPAS index ranges from {lo} ({lo_name}) to {hi} ({hi_name}) "
        "across {k} published groups.",
    },
    "dom_df": {
        "vi": "Khoảng tin cậy của mỗi nhóm dùng bậc tự do riêng của nhóm ({span}).",
        "en": "Each group's interval uses its own design degrees of freedom ({span}).",
    },
    "dom_df_wide": {
        "vi": "Với ít đơn vị mẫu, khoảng tin cậy rộng.",
        "en": "With few sampled units, the intervals are wide.",
    },
    "dom_suppressed": {
        "vi": (
            "{k} nhóm không được công bố (ô “—”): có dưới {min_cell} người trả lời, hoặc ẩn "
            "thêm để không suy ra được số liệu đã ẩn."
        ),
        "en": (
            "{k} group(s) are not published (cells “—”): fewer than {min_cell} respondents, "
            "or hidden as well so that a suppressed figure cannot be worked out."
        ),
    },
    "dom_not_estimated": {
        "vi": (
            "Không tính được {what} cho {items}: ở đó tiêu chí nêu trong ngoặc không có câu trả "
            "lời hợp lệ nào (mọi câu trả lời đều bỏ trống hoặc “không biết”), nên chỉ số thành "
            "phần chứa tiêu chí đó và Chỉ số SIPAS không tính được (ô “—”)."
        ),
        "en": (
            "The {what} is not estimated for {items}: there the criterion in brackets has no valid "
            "answer (every answer is blank or “don't know”), so neither its component nor the "
            "SIPAS index can be computed (cells “—”)."
        ),
    },
    "dom_single": {
        "vi": "Theo {unit}, chỉ một nhóm được công bố: {name}, Chỉ số SIPAS {est}.",
        "en": "By {unit}, only one group is published: {name}, SIPAS index {est}.",
    },
    "dom_all_suppressed": {
        "vi": (
            "Không nhóm nào theo {unit} có đủ {min_cell} người trả lời để công bố; bảng và "
            "biểu đồ theo {unit} được bỏ qua."
        ),
        "en": (
            "No group by {unit} has the {min_cell} respondents needed to publish; the tables "
            "and figures by {unit} are left out."
        ),
    },
    # --- ranking ----------------------------------------------------------------------------
    "rank_text": {
        "vi": (
            "Xếp theo giá trị ước lượng, {first} đứng đầu và {last} đứng cuối. Tuy nhiên khoảng "
            "thứ hạng rộng: một {unit} ở giữa có thể đứng ở bất kỳ vị trí nào trong khoảng "
            "{width} bậc, nên không nên coi chênh lệch giữa các thứ hạng liền kề là khác biệt "
            "thật."
        ),
        "en": (
            "Ranked by their point estimates, {first} comes first and {last} last. But rank "
            "intervals are wide: the median {unit} could stand anywhere within {width} places, "
            "so neighbouring ranks must not be read as real differences."
        ),
    },
    "rank_text_exact": {
        "vi": (
            "Xếp theo giá trị ước lượng, {first} đứng đầu và {last} đứng cuối. Khoảng thứ hạng "
            "hẹp: {pinned} trong {k} {unit} có khoảng thứ hạng chỉ một bậc, nên thứ hạng của "
            "chúng rõ ràng với mẫu này (xem bảng)."
        ),
        "en": (
            "Ranked by their point estimates, {first} comes first and {last} last. The rank "
            "intervals are narrow: {pinned} of the {k} {unit}s have a rank interval of one place, "
            "so their ranks are clear with this sample (see the table)."
        ),
    },
    "rank_text_some": {
        "vi": (
            "Xếp theo giá trị ước lượng, {first} đứng đầu và {last} đứng cuối. Một {unit} ở "
            "giữa có thể đứng ở bất kỳ vị trí nào trong khoảng {width} bậc (trên {k}), nên "
            "không nên coi chênh lệch giữa các thứ hạng liền kề là khác biệt thật."
        ),
        "en": (
            "Ranked by their point estimates, {first} comes first and {last} last. The median "
            "{unit} could stand anywhere within {width} places (of {k}), so neighbouring ranks "
            "must not be read as real differences."
        ),
    },
    "rank_top": {
        "vi": "Chắc chắn thuộc nhóm một phần tư đứng đầu: {names}.",
        "en": "Certainly in the top quarter: {names}.",
    },
    "rank_no_top": {
        "vi": "Không {unit} nào chắc chắn thuộc nhóm một phần tư đứng đầu.",
        "en": "No {unit} can be placed in the top quarter with confidence.",
    },
    "rank_too_few": {
        "vi": "Cần ít nhất hai {unit} được công bố để xếp hạng.",
        "en": "At least two published groups are needed for a ranking by {unit}.",
    },
    # --- targets ----------------------------------------------------------------------------
    "tgt_met": {
        "vi": (
            "“{label}” ({code}) đạt {est}, **vượt mục tiêu {target}** một cách chắc chắn: cận "
            "dưới một phía {level} là {bound}."
        ),
        "en": (
            "“{label}” ({code}) is {est} and **exceeds the target of {target}** with "
            "confidence: its one-sided {level} lower bound is {bound}."
        ),
    },
    "tgt_not_met": {
        "vi": (
            "“{label}” ({code}) đạt {est}, **chưa đạt mục tiêu {target}**: cận trên một phía "
            "{level} là {bound}."
        ),
        "en": (
            "“{label}” ({code}) is {est} and **falls short of the target of {target}**: its "
            "one-sided {level} upper bound is {bound}."
        ),
    },
    "tgt_undetermined": {
        "vi": (
            "“{label}” ({code}) đạt {est}; với mẫu này **chưa thể kết luận** về mục tiêu "
            "{target}: cận dưới một phía {level} là {low}, cận trên một phía {level} là {high}."
        ),
        "en": (
            "“{label}” ({code}) is {est}; this sample **cannot tell** whether the target of "
            "{target} is met: its one-sided {level} lower bound is {low} and upper bound {high}."
        ),
    },
    "tgt_not_estimable": {
        "vi": "“{label}” ({code}): không đủ số liệu để đánh giá mục tiêu {target}.",
        "en": "“{label}” ({code}): not enough data to assess the target of {target}.",
    },
    "tgt_method": {
        "vi": (
            "Mỗi kết luận là một kiểm định một phía ở mức tin cậy {level}: “đạt” khi cận dưới "
            "vượt mục tiêu, “chưa đạt” khi cận trên thấp hơn mục tiêu, “chưa kết luận được” "
            "trong các trường hợp còn lại; cận được in cạnh kết luận là cận của chính kiểm định "
            "đó."
        ),
        "en": (
            "Each verdict is a one-sided test at {level} confidence: “met” when the lower "
            "bound exceeds the target, “not met” when the upper bound is below it, “cannot "
            "tell” otherwise; the bound printed beside a verdict is that test's own bound."
        ),
    },
    "gain_reading_points": {
        "vi": (
            "Mức tăng mục tiêu “{gain}” được hiểu là **điểm phần trăm** cộng thêm vào giá trị "
            "năm gốc (ở đây: {base} + {g} điểm = {sum})."
        ),
        "en": (
            "The planned rise of “{gain}” is read as **percentage points** added to the "
            "baseline value (here: {base} + {g} points = {sum})."
        ),
    },
    "gain_reading_relative": {
        "vi": (
            "Mức tăng mục tiêu “{gain}” được hiểu là **phần trăm tương đối** của giá trị năm "
            "gốc (ở đây: {base} × {factor} = {sum})."
        ),
        "en": (
            "The planned rise of “{gain}” is read as a **relative percentage** of the baseline "
            "value (here: {base} × {factor} = {sum})."
        ),
    },
    "base_row": {
        "vi": (
            "“{label}” ({code}): {after} ở kỳ khảo sát này so với {before} năm {year}, thay "
            "đổi {change}."
        ),
        "en": "“{label}” ({code}): {after} in this survey against {before} in {year}, a "
        "change of {change}.",
    },
    "base_not_estimable": {
        "vi": (
            "“{label}” ({code}): kỳ khảo sát này không đủ số liệu để so sánh với {before} năm "
            "{year}."
        ),
        "en": (
            "“{label}” ({code}): this survey has not enough data to compare with {before} in "
            "{year}."
        ),
    },
    "base_rise_yes": {
        "vi": "Chỉ số đã tăng một cách chắc chắn (cận dưới một phía {level} của thay đổi: "
        "{bound}).",
        "en": "It has risen with confidence (one-sided {level} lower bound of the change: "
        "{bound}).",
    },
    "base_rise_no": {
        "vi": "Chỉ số đã giảm một cách chắc chắn (cận trên một phía {level} của thay đổi: "
        "{bound}).",
        "en": "It has fallen with confidence (one-sided {level} upper bound of the change: "
        "{bound}).",
    },
    "base_rise_undetermined": {
        "vi": (
            "Chưa thể kết luận là đã tăng hay giảm (cận dưới một phía {level} của thay đổi: "
            "{low}; cận trên: {high})."
        ),
        "en": (
            "Whether it rose cannot be told (one-sided {level} bounds of the change: {low} "
            "and {high})."
        ),
    },
    "base_gain_yes": {
        "vi": "Mục tiêu tăng ít nhất {gain} **đã đạt** (cận dưới một phía {level}: {bound}, "
        "so với ngưỡng {threshold}).",
        "en": "The planned rise of at least {gain} **is achieved** (one-sided {level} lower "
        "bound {bound} against the threshold {threshold}).",
    },
    "base_gain_no": {
        "vi": "Mục tiêu tăng ít nhất {gain} **chưa đạt** (cận trên một phía {level}: {bound}, "
        "thấp hơn ngưỡng {threshold}).",
        "en": "The planned rise of at least {gain} **is not achieved** (one-sided {level} "
        "upper bound {bound}, below the threshold {threshold}).",
    },
    "base_gain_undetermined": {
        "vi": (
            "Với mẫu này **chưa thể kết luận** về mục tiêu tăng ít nhất {gain} (ngưỡng "
            "{threshold}; cận một phía {level}: {low} và {high})."
        ),
        "en": (
            "This sample **cannot tell** whether the planned rise of at least {gain} is "
            "achieved (threshold {threshold}; one-sided {level} bounds {low} and {high})."
        ),
    },
    "base_all_yes": {
        "vi": "Cả {k} tiêu chí có số liệu năm gốc đều tăng một cách chắc chắn.",
        "en": "All {k} criteria with a baseline have risen with confidence.",
    },
    "base_all_no": {
        "vi": "Không phải cả {k} tiêu chí đều tăng: ít nhất một tiêu chí đã giảm chắc chắn.",
        "en": "Not all {k} criteria have risen: at least one has fallen with confidence.",
    },
    "base_all_undetermined": {
        "vi": "Chưa thể kết luận cả {k} tiêu chí có số liệu năm gốc đều tăng.",
        "en": "Whether all {k} criteria with a baseline have risen cannot yet be told.",
    },
    "base_se_zero": {
        "vi": "Giá trị năm gốc được coi là đã biết (không có sai số chuẩn).",
        "en": "The baseline values are taken as known (no standard error).",
    },
    "base_from_file": {
        "vi": (
            "Số liệu năm gốc {year} được ước lượng từ tệp khảo sát năm trước `{file}`, với "
            "thiết kế mẫu của chính cuộc khảo sát đó, nên sai số chuẩn của năm gốc nay đã "
            "biết: {items}."
        ),
        "en": (
            "The baseline figures of {year} are estimated from last year's survey file "
            "`{file}`, with that survey's own design, so the baseline's SE is now known: "
            "{items}."
        ),
    },
    "base_from_file_item": {
        "vi": "{label} ({code}) {before} (sai số chuẩn {se}; {n} phiếu)",
        "en": "{label} ({code}) {before} (SE {se}; {n} forms)",
    },
    "base_independent": {
        "vi": (
            "Sai số chuẩn của mỗi thay đổi dưới đây gộp sai số của cả hai năm; hai cuộc khảo "
            "sát được coi là hai mẫu độc lập."
        ),
        "en": (
            "The SE of each change below combines both years' SEs; the two surveys are "
            "taken as independent samples."
        ),
    },
    "base_shared": {
        "vi": (
            "Sai số chuẩn của mỗi thay đổi dưới đây gộp sai số của cả hai năm và hiệp phương "
            "sai giữa chúng: các phường được khảo sát ở cả hai năm là cùng một đơn vị mẫu."
        ),
        "en": (
            "The SE of each change below combines both years' SEs and their covariance: the "
            "wards surveyed in both years are the same sampling units."
        ),
    },
    # --- truth ------------------------------------------------------------------------------
    "truth_text": {
        "vi": (
            "Dữ liệu này là dữ liệu mô phỏng nên biết được giá trị thật của tổng thể: {k} trên "
            "{total} khoảng tin cậy {level} ({share}) chứa giá trị thật; kỳ vọng khoảng {level}."
        ),
        "en": (
            "These data are synthetic, so the population values are known: {k} of {total} "
            "{level} intervals ({share}) contain the true value; about {level} should."
        ),
    },
    "truth_by_text": {
        "vi": (
            "Theo {unit}: {k} trên {total} khoảng tin cậy {level} ({share}) của các nhóm được "
            "công bố chứa giá trị thật; kỳ vọng khoảng {level}."
        ),
        "en": (
            "By {unit}: {k} of {total} {level} intervals ({share}) of the published groups "
            "contain the true value; about {level} should."
        ),
    },
    # --- verify -----------------------------------------------------------------------------
    "verify_text": {
        "vi": (
            "Lệnh `govsurvey verify reports/<run>/` chạy lại toàn bộ phân tích từ tệp "
            "`manifest.json` của lần chạy (ghi mã SHA-256 của mọi tệp đầu vào, tham số và phiên "
            "bản phần mềm) và so sánh từng con số đã công bố."
        ),
        "en": (
            "`govsurvey verify reports/<run>/` reruns this analysis from the run's "
            "`manifest.json` (the SHA-256 of every input, the parameters and the versions) and "
            "compares every published figure."
        ),
    },
    # --- table headers ----------------------------------------------------------------------
    "col_code": {"vi": "Mã", "en": "Code"},
    "col_label": {"vi": "Chỉ tiêu", "en": "Figure"},
    "col_estimate": {"vi": "Tỷ lệ hài lòng", "en": "Satisfied"},
    "col_se": {"vi": "Sai số chuẩn (điểm %)", "en": "Standard error (points)"},
    "col_ci": {"vi": "Khoảng tin cậy {level}", "en": "{level} confidence interval"},
    "col_n": {"vi": "Cỡ mẫu", "en": "n"},
    "col_target": {"vi": "Mục tiêu", "en": "Target"},
    "col_lower": {"vi": "Cận dưới một phía {level}", "en": "One-sided {level} lower bound"},
    "col_upper": {"vi": "Cận trên một phía {level}", "en": "One-sided {level} upper bound"},
    "col_verdict": {"vi": "Kết luận", "en": "Verdict"},
    "col_p": {"vi": "Giá trị p", "en": "p-value"},
    "col_before": {"vi": "Năm gốc {year}", "en": "Baseline {year}"},
    "col_after": {"vi": "Kỳ khảo sát này", "en": "This survey"},
    "col_change": {"vi": "Thay đổi (điểm %)", "en": "Change (points)"},
    "col_test": {"vi": "Kiểm định", "en": "Test"},
    "test_rise": {"vi": "Có tăng so với năm {year}", "en": "Has risen since {year}"},
    "test_gain_points": {"vi": "Tăng ít nhất {gain} điểm", "en": "Rose at least {gain} points"},
    "test_gain_relative": {
        "vi": "Tăng ít nhất {gain}% giá trị năm gốc",
        "en": "Rose at least {gain}% of the baseline",
    },
    "col_threshold": {"vi": "Ngưỡng cần vượt", "en": "Threshold"},
    "col_rank": {"vi": "Thứ hạng", "en": "Rank"},
    "col_rank_interval": {"vi": "Khoảng thứ hạng", "en": "Rank interval"},
    "col_truth": {"vi": "Giá trị thật", "en": "True value"},
    "col_covered": {
        "vi": "Khoảng tin cậy chứa giá trị thật",
        "en": "Interval contains the true value",
    },
    "col_row": {"vi": "Dòng", "en": "Row"},
    "col_check": {"vi": "Kiểm tra", "en": "Check"},
    "col_reason": {"vi": "Lý do", "en": "Reason"},
    "yes": {"vi": "Có", "en": "Yes"},
    "no": {"vi": "Không", "en": "No"},
    "rank_range": {"vi": "{low} – {high}", "en": "{low} – {high}"},
    "footnote_suppressed": {
        "vi": (
            "— : không công bố vì có dưới {min_cell} người trả lời, hoặc ẩn thêm để không "
            "suy ra được số liệu đã ẩn từ các số liệu khác."
        ),
        "en": (
            "— : not published: fewer than {min_cell} respondents, or hidden as well so that "
            "no suppressed figure can be worked out from the others."
        ),
    },
    "footnote_missing": {
        "vi": "— : không có số liệu.",
        "en": "— : no data.",
    },
    # --- verdicts ---------------------------------------------------------------------------
    "v_met": {"vi": "Đạt", "en": "Met"},
    "v_not met": {"vi": "Chưa đạt", "en": "Not met"},
    "v_not determined": {"vi": "Chưa kết luận được", "en": "Cannot tell"},
    "v_not estimable": {"vi": "Không đủ số liệu", "en": "Not estimable"},
    "v_achieved": {"vi": "Đạt", "en": "Achieved"},
    "v_not achieved": {"vi": "Chưa đạt", "en": "Not achieved"},
    # --- tables' captions -------------------------------------------------------------------
    "tab_index": {
        "vi": "Chỉ số SIPAS chung và năm chỉ số thành phần, toàn địa bàn",
        "en": "The overall SIPAS index and its five components, whole population",
    },
    "tab_criteria": {
        "vi": "Tỷ lệ hài lòng theo từng tiêu chí, toàn địa bàn",
        "en": "Satisfaction rate of each criterion, whole population",
    },
    "tab_truth": {
        "vi": "Ước lượng và giá trị thật (dữ liệu mô phỏng)",
        "en": "Estimates and true values (synthetic data)",
    },
    "tab_domain": {
        "vi": "Chỉ số SIPAS và các chỉ số thành phần theo {unit}",
        "en": "The SIPAS index and its components by {unit}",
    },
    "tab_ranking": {
        "vi": "Xếp hạng Chỉ số SIPAS theo {unit}",
        "en": "Ranking of the SIPAS index by {unit}",
    },
    "tab_level_targets": {"vi": "Đánh giá mục tiêu về mức đạt", "en": "Level targets"},
    "tab_baseline": {
        "vi": "So sánh với năm gốc {year}",
        "en": "Comparison with the baseline year {year}",
    },
    "tab_unit_targets": {
        "vi": "Mục tiêu Chỉ số SIPAS của đơn vị năm {year}",
        "en": "SIPAS targets of named units for {year}",
    },
    # --- figures ----------------------------------------------------------------------------
    "fig": {"vi": "Hình {n}.", "en": "Figure {n}."},
    "tab": {"vi": "Bảng {n}.", "en": "Table {n}."},
    "fig_components": {
        "vi": "Chỉ số SIPAS chung và năm chỉ số thành phần, với khoảng tin cậy {level}",
        "en": "The overall SIPAS index and its five components, with {level} confidence intervals",
    },
    "alt_components": {
        "vi": (
            "Biểu đồ chấm: Chỉ số SIPAS chung {overall}; thành phần cao nhất “{top}” "
            "{top_est}, thấp nhất “{low}” {low_est}; mỗi chấm có đoạn thẳng là khoảng tin cậy "
            "{level}."
        ),
        "en": (
            "Dot plot: overall SIPAS index {overall}; highest component “{top}” {top_est}, "
            "lowest “{low}” {low_est}; each dot has a line showing its {level} confidence "
            "interval."
        ),
    },
    "fig_domain": {
        "vi": "Chỉ số SIPAS theo {unit}, với khoảng tin cậy {level}",
        "en": "The SIPAS index by {unit}, with {level} confidence intervals",
    },
    "alt_domain": {
        "vi": (
            "Biểu đồ chấm Chỉ số SIPAS của {k} {unit}, sắp xếp từ thấp đến cao: thấp nhất "
            "{lo_name} {lo}, cao nhất {hi_name} {hi}; đường chấm là chỉ số chung {overall}."
        ),
        "en": (
            "Dot plot of the SIPAS index for {k} groups by {unit}, sorted from low to high: "
            "lowest {lo_name} {lo}, highest {hi_name} {hi}; the dotted line is the overall "
            "index {overall}."
        ),
    },
    "alt_unit_target": {
        "vi": "Vạch đỏ trên hàng {name} là mục tiêu {value} của đơn vị này.",
        "en": "The red mark on the row of {name} is its own target, {value}.",
    },
    "fig_heatmap": {
        "vi": (
            "Tỷ lệ hài lòng theo tiêu chí và {unit} (%). Thang màu cố định từ {lo} đến {hi} "
            "(tỷ lệ thấp hơn {lo} cùng màu với {lo}). Số in đậm có dấu + hoặc −: khoảng tin cậy "
            "{level} của ô nằm hẳn trên hoặc dưới tỷ lệ của tiêu chí đó trên toàn địa bàn; số "
            "in thường, không dấu: khoảng tin cậy chứa tỷ lệ chung, chênh lệch không được dữ "
            "liệu ủng hộ. Ô trống: không công bố, hoặc không có câu trả lời hợp lệ."
        ),
        "en": (
            "Satisfaction rate by criterion and {unit} (%). The colour scale is fixed from {lo} "
            "to {hi} (rates below {lo} take its colour). Bold numbers with + or −: the cell's "
            "{level} interval lies wholly above or below the criterion's rate for the whole "
            "area; numbers in normal type without a sign: the interval holds that rate, a "
            "difference the data do not support. Blank: not published, or no valid answer."
        ),
    },
    "alt_heatmap": {
        "vi": (
            "Bản đồ nhiệt {rows} {unit} (hàng) × {cols} tiêu chí (cột); màu xanh là tỷ lệ hài "
            "lòng cao, màu đỏ là thấp; thấp nhất {lo} ({lo_name}, {lo_code}), cao nhất {hi} "
            "({hi_name}, {hi_code})."
        ),
        "en": (
            "Heat map of {rows} groups by {unit} (rows) × {cols} criteria (columns); green is "
            "a high satisfaction rate, red a low one; lowest {lo} ({lo_name}, {lo_code}), "
            "highest {hi} ({hi_name}, {hi_code})."
        ),
    },
    "fig_change_bounds": {
        "vi": (
            "Thay đổi so với năm gốc {year} (điểm phần trăm); đoạn thẳng nối cận dưới và cận "
            "trên một phía {level} mà các kết luận sử dụng"
        ),
        "en": (
            "Change since the baseline year {year} (percentage points); the line joins the "
            "one-sided {level} lower and upper bounds the verdicts use"
        ),
    },
    "alt_change": {
        "vi": "Biểu đồ thay đổi so với năm {year}: {items}; vùng tô màu là mức tăng mục tiêu.",
        "en": "Chart of the change since {year}: {items}; the shaded band is the planned rise.",
    },
    # --- plot labels ------------------------------------------------------------------------
    "ax_satisfied": {
        "vi": "% hài lòng (khoảng tin cậy {level})",
        "en": "% satisfied ({level} confidence interval)",
    },
    "ax_change": {
        "vi": "Thay đổi, điểm phần trăm (khoảng tin cậy {level})",
        "en": "Change in percentage points ({level} confidence interval)",
    },
    "ax_change_bounds": {
        "vi": "Thay đổi, điểm phần trăm (từ cận dưới đến cận trên một phía {level})",
        "en": "Change in percentage points (one-sided {level} lower to upper bound)",
    },
    "ax_criterion": {"vi": "Tiêu chí", "en": "Criterion"},
    "ax_pct": {"vi": "% hài lòng", "en": "% satisfied"},
    "lg_target": {"vi": "Mục tiêu {value}", "en": "Target {value}"},
    "lg_overall": {"vi": "Chỉ số chung {value}", "en": "Overall {value}"},
    "lg_unit_target": {"vi": "Mục tiêu của đơn vị", "en": "Named unit's target"},
    "lg_gain": {"vi": "Mức tăng mục tiêu", "en": "Planned rise"},
    "range_to": {"vi": " đến ", "en": " to "},
    "points": {"vi": "{value} điểm", "en": "{value} points"},
    "percent_rel": {"vi": "{value}%", "en": "{value}%"},
}


def check_language(lang: str) -> str:
    """Return ``lang`` when it is a report language, else raise one :class:`InputError`.

    Examples
    --------
    >>> from govsurvey.publish.i18n import check_language
    >>> check_language("vi")
    'vi'
    """
    if lang not in LANGUAGES:
        raise InputError.one(
            f"the report language is {lang!r}",
            'set language to "vi" (Vietnamese) or "en" (English)',
            column="language",
            value=str(lang),
        )
    return lang


def text(key: str, lang: str, **fields: Any) -> str:
    """The sentence ``key`` in ``lang``, with its ``{fields}`` filled in.

    Examples
    --------
    >>> from govsurvey.publish.i18n import text
    >>> text("fig", "vi", n=2)
    'Hình 2.'
    >>> text("h_by", "en", unit="District")
    'By District'
    """
    return phrase(TEXT, key, lang, **fields)


def phrase(table: dict[str, dict[str, str]], key: str, lang: str, **fields: Any) -> str:
    """The sentence ``key`` of a report's own ``table`` (key -> {"vi": ..., "en": ...}) in
    ``lang``, with its ``{fields}`` filled in: every report's texts are looked up this one way.

    Examples
    --------
    >>> from govsurvey.publish.i18n import phrase
    >>> phrase({"n": {"vi": "{k} phiếu", "en": "{k} forms"}}, "n", "en", k=3)
    '3 forms'
    """
    check_language(lang)
    return table[key][lang].format(**fields)


def _finite(x: Any) -> bool:
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def num(x: Any, lang: str, digits: int = 2) -> str:
    """A number with ``digits`` decimals: ``1.234,56`` in Vietnamese, ``1,234.56`` in English.

    Examples
    --------
    >>> from govsurvey.publish.i18n import num
    >>> num(1234.5, "vi"), num(1234.5, "en"), num(float("nan"), "vi")
    ('1.234,50', '1,234.50', '—')
    """
    if not _finite(x):
        return DASH
    s = f"{float(x):,.{digits}f}"
    if lang == "vi":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


def integer(x: Any, lang: str) -> str:
    """A count with thousands separators (``12.345`` / ``12,345``).

    Examples
    --------
    >>> from govsurvey.publish.i18n import integer
    >>> integer(12345, "vi"), integer(12345, "en")
    ('12.345', '12,345')
    """
    if not _finite(x):
        return DASH
    return num(round(float(x)), lang, 0)


def pct(x: Any, lang: str, digits: int = 2) -> str:
    """A percentage as the sources publish it, always with ``digits`` decimals.

    Examples
    --------
    >>> from govsurvey.publish.i18n import pct
    >>> pct(79.73, "vi"), pct(79.73, "en"), pct(80, "en")
    ('79,73%', '79.73%', '80.00%')
    """
    s = num(x, lang, digits)
    return s if s == DASH else f"{s}%"


def signed(x: Any, lang: str, digits: int = 2) -> str:
    """A change with its sign (``+4,27`` / ``−1.05``), in points.

    Examples
    --------
    >>> from govsurvey.publish.i18n import signed
    >>> signed(4.27, "vi"), signed(-1.05, "en")
    ('+4,27', '−1.05')
    """
    if not _finite(x):
        return DASH
    s = num(abs(float(x)), lang, digits)
    return ("+" if float(x) >= 0 else "−") + s


def pvalue(p: Any, lang: str) -> str:
    """A p-value as a reader expects it: ``< 0,001`` below 0.001, else three decimals.

    Examples
    --------
    >>> from govsurvey.publish.i18n import pvalue
    >>> pvalue(0.00001, "vi"), pvalue(0.0234, "en"), pvalue(1.0, "en")
    ('< 0,001', '0.023', '1.000')
    """
    if not _finite(p):
        return DASH
    if float(p) < 0.001:
        return "< " + num(0.001, lang, 3)
    return num(p, lang, 3)


#: The reader's checks (``resp.account``, ``resp.cell_account``), as a report says them.
CHECKS = {
    "duplicate_id": {"vi": "mã phiếu trùng", "en": "duplicate form id"},
    "id_collision": {"vi": "mã phiếu trùng khi đọc thành số", "en": "ids equal as numbers"},
    "missing_value": {"vi": "ô bắt buộc để trống", "en": "required cell blank"},
    "invalid_code": {"vi": "mã không hợp lệ", "en": "invalid code"},
    "invalid_weight": {"vi": "trọng số không hợp lệ", "en": "invalid weight"},
    "not_numeric": {"vi": "không phải là số", "en": "not a number"},
    "not_whole_number": {"vi": "không phải số nguyên", "en": "not a whole number"},
    "unknown_category": {"vi": "giá trị ngoài danh mục", "en": "value outside the code list"},
    "stray_value": {"vi": "giá trị thừa ngoài các cột", "en": "stray value beyond the columns"},
    "short_row": {"vi": "dòng thiếu ô", "en": "row with too few cells"},
    "cut_row": {"vi": "dòng bị cắt", "en": "row cut off"},
    "nul_byte": {"vi": "ký tự NUL trong ô", "en": "NUL character in a cell"},
    "formula_without_value": {
        "vi": "công thức Excel chưa có giá trị lưu",
        "en": "Excel formula without a saved value",
    },
    "label_variant": {"vi": "cách viết khác của một nhãn", "en": "another spelling of a label"},
    "unicode_form": {"vi": "dạng Unicode khác của một nhãn", "en": "another Unicode form"},
}


def check_label(check: str, lang: str) -> str:
    """A reader's check code (``not_numeric``) as a report says it; unknown codes as they are.

    Examples
    --------
    >>> check_label("not_numeric", "vi"), check_label("something_new", "en")
    ('không phải là số', 'something_new')
    """
    check_language(lang)
    return CHECKS.get(check, {}).get(lang, check)


def level_pct(level: float, lang: str) -> str:
    """A confidence level as a percentage without needless decimals (``95%``, ``99,5%``).

    Examples
    --------
    >>> from govsurvey.publish.i18n import level_pct
    >>> level_pct(0.95, "vi"), level_pct(0.995, "vi"), level_pct(0.9, "en")
    ('95%', '99,5%', '90%')
    """
    v = round(float(level) * 100, 3)
    digits = 0 if float(v).is_integer() else len(f"{v:g}".split(".")[1])
    return pct(v, lang, digits)


def english_strings(min_words: int = 3) -> list[str]:
    """The fixed English fragments of :data:`TEXT` that have at least ``min_words`` words.

    Each sentence is cut at its ``{fields}`` and punctuation, and commands in backticks are left
    out (they are names), so the fragments can be searched for in a rendered report: a
    Vietnamese report must contain none of them.

    Examples
    --------
    >>> from govsurvey.publish.i18n import english_strings
    >>> "so no response rate" in " ".join(english_strings())
    True
    """
    import re

    out: set[str] = set()
    for entry in TEXT.values():
        # commands and file names in backticks are names, the same in both languages
        plain = re.sub(r"`[^`]*`", "|", entry["en"])
        for piece in re.split(r"\{[^}]*\}|[*“”()|:;]", plain):
            piece = piece.strip(" .,—–-")
            if len(piece.split()) >= min_words:
                out.add(piece)
    return sorted(out)


def literal(label: object) -> str:
    r"""``label`` as matplotlib draws it literally: every ``$`` escaped, so a name such as
    ``Quận $\foo{1}$`` (from a data file) is shown as typed, never parsed as mathtext.

    Every plot function passes the names it takes from data (units, labels, plans) through it.

    Examples
    --------
    >>> print(literal(r"Quận $\foo{1}$"))
    Quận \$\foo{1}\$
    >>> literal(3)
    '3'
    """
    return str(label).replace("$", "\\$")
