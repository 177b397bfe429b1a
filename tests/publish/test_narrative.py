"""Narrative in Vietnamese or English, generated from the numbers and honest about the data."""

from __future__ import annotations

import re
import string

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.errors import InputError
from govsurvey.inference import baseline_test, level_targets, unit_targets
from govsurvey.publish import i18n, narrative, tables
from govsurvey.publish.figures import Numbering, alt_components

INST = gs.load_instrument("sipas-2017")


def _index() -> pd.DataFrame:
    f = pd.DataFrame(
        {
            "level": ["overall", "component", "component", "criterion", "criterion"],
            "code": ["SIPAS", "C3", "C5", "C5.2", "C5.3"],
            "estimate": [87.12, 89.6, 79.73, 81.0, 78.5],
            "se": [0.44, 0.48, 0.65, 0.9, 0.87],
            "ci_low": [86.22, 88.61, 78.4, 79.2, 76.7],
            "ci_high": [87.97, 90.51, 81.0, 82.7, 80.2],
            "df": [118.0] * 5,
            "n": [4458, 4458, 3997, 2495, 2477],
        }
    )
    f.attrs.update(level=0.9, method="taylor")
    return f


def test_every_sentence_exists_in_both_languages_with_the_same_fields():
    fields = string.Formatter()
    for key, entry in i18n.TEXT.items():
        assert set(entry) == {"vi", "en"}, key
        names = [{f for _, f, _, _ in fields.parse(entry[lang]) if f} for lang in ("vi", "en")]
        assert names[0] == names[1], key


def test_vietnamese_sentences_contain_no_english_fragment():
    english = i18n.english_strings()
    assert len(english) > 100
    for key, entry in i18n.TEXT.items():
        for fragment in english:
            assert fragment not in entry["vi"], (key, fragment)


def test_language_is_checked_with_one_input_error():
    with pytest.raises(InputError, match='"vi"'):
        i18n.text("title", "fr")


def test_index_reads_level_from_the_result_and_states_the_nonresponse_caveat():
    text = narrative.describe_index(_index(), INST, "vi")
    assert "**87,12%**" in text and "khoảng tin cậy 90%" in text  # level from attrs
    assert "chưa điều chỉnh cho việc không trả lời" in text
    assert "79,73%" in text  # two decimals, as the sources publish
    en = narrative.describe_index(_index(), INST, "en", nonresponse_adjusted=True)
    assert "not adjusted for nonresponse" not in en and "87.12%" in en


def test_accounting_prints_a_response_rate_only_with_a_response_indicator():
    none = pd.DataFrame({"row": [], "check": []})
    assert "60,24%" in narrative.describe_accounting(7400, 7400, none, 4458, "vi")
    text = narrative.describe_accounting(300, 300, none, None, "en")
    assert "response rate of" not in text and "100" not in text
    assert "no column saying which sampled units answered" in text


def test_weights_equal_or_given_and_never_adjusted_silently():
    assert "counts equally" in narrative.describe_weights(None, "en")
    given = narrative.describe_weights("base_weight", "vi")
    assert "base_weight" in given and "chưa được điều chỉnh" in given


def test_domains_all_suppressed_do_not_fail_and_say_so():
    by = pd.DataFrame(
        {
            "district": ["A", "B"],
            "code": ["SIPAS"] * 2,
            "estimate": [np.nan, np.nan],
            "suppressed": [True, True],
        }
    )
    text = narrative.describe_domains(by, "district", INST, "vi", 30)
    assert text.startswith("Không nhóm nào theo quận/huyện")
    one = by.assign(estimate=[88.29, np.nan], suppressed=[False, True])
    assert "chỉ một nhóm" in narrative.describe_domains(one, "district", INST, "vi", 30)


def test_domain_named_like_an_output_column_reads_by_its_label():
    by = pd.DataFrame(
        {
            "level_domain": ["commune", "district"],
            "code": ["SIPAS"] * 2,
            "estimate": [89.4, 83.5],
            "df": [100.0, 60.0],
        }
    )
    text = narrative.describe_domains(by, "level_domain", INST, "en", 30)
    assert "level_domain" not in text and "By level," in text and "(Commune)" in text


def test_target_sentence_prints_the_bound_the_verdict_used():
    t = level_targets(_index(), {"C5": 85.0, "C3": 85.0})
    text = narrative.describe_level_targets(t, INST, "en")
    c5, c3 = text.split("\n\n")
    assert "falls short" in c5 and f"{t.loc[0, 'upper_bound']:.2f}%" in c5
    assert "upper bound" in c5 and "lower bound" not in c5
    assert "exceeds" in c3 and f"{t.loc[1, 'lower_bound']:.2f}%" in c3 and "90%" in c3
    assert "confidence interval" not in text  # never a two-sided interval beside the verdict


def test_unit_targets_only_for_named_units():
    by = pd.DataFrame(
        {
            "district": ["Thanh Xuân", "Ba Đình"],
            "code": ["SIPAS"] * 2,
            "estimate": [88.87, 70.0],
            "se": [0.5, 1.0],
            "df": [9.0, 9.0],
        }
    )
    t = unit_targets(by, "district", {"Thanh Xuân": 90.0})
    text = narrative.describe_unit_targets(t, "district", INST, "vi")
    assert "Thanh Xuân" in text and "Ba Đình" not in text and "90,00%" in text


@pytest.mark.parametrize(
    ("unit", "reading"), [("points", "điểm phần trăm"), ("relative", "phần trăm tương đối")]
)
def test_baseline_states_its_reading_of_the_gain(unit, reading):
    idx = _index()
    t = baseline_test(idx, {"C5": 75.0, "C5.2": 78.0, "C5.3": 79.0}, gain=3.0, gain_unit=unit)
    text = narrative.describe_baseline(t, INST, "vi", 2021)
    assert reading in text
    assert "năm 2021" in text and "75,00%" in text
    # criteria: C5.2 rose (81 vs 78, SE 0.9 at 90%), C5.3 did not rise credibly (78.5 vs 79)
    assert "Chưa thể kết luận cả 2 tiêu chí" in text
    assert "coi là đã biết" in text


def test_truth_sentence_only_says_synthetic_when_asked():
    c = pd.DataFrame({"covered": [True] * 19 + [False]})
    assert "mô phỏng" in narrative.describe_truth(c, "vi", 0.95)
    by = narrative.describe_truth(c, "en", 0.95, unit_label="district")
    assert by.startswith("By district: 19 of 20 95% intervals (95.00%)")


def test_figures_are_numbered_with_alt_text_from_the_numbers():
    n = Numbering("vi")
    assert [n.next_figure(), n.next_figure()] == ["Hình 1.", "Hình 2."]
    alt = alt_components(_index(), INST, "vi")
    assert "87,12%" in alt and "89,60%" in alt and "79,73%" in alt
    assert re.search(r"khoảng tin cậy 90%", alt)


def test_change_figure_draws_the_bounds_the_verdicts_use():
    import matplotlib

    matplotlib.use("Agg")
    from govsurvey.inference import compare_index
    from govsurvey.publish.figures import alt_change
    from govsurvey.publish.plots import change_plot

    base = pd.DataFrame({"code": ["C5"], "estimate": [79.73], "se": [0.0]})
    after = pd.DataFrame({"code": ["C5"], "estimate": [84.0], "se": [1.0]})
    r = compare_index(base, after, gain=3.0)
    ax = change_plot(r, "code", gain=(3.0, 5.0), lang="vi")
    (segment,) = ax.collections[-2].get_segments()  # hlines: the interval drawn
    assert segment[:, 0].tolist() == pytest.approx(
        [r.loc[0, "lower_bound"], r.loc[0, "upper_bound"]]
    )
    assert "một phía 95%" in ax.get_xlabel()
    assert i18n.signed(r.loc[0, "lower_bound"], "vi") in alt_change(r, "vi", 2021)


def test_baseline_of_a_hidden_figure_says_there_are_not_enough_data():
    idx = _index()
    idx.loc[idx["code"] == "C5", ["estimate", "se"]] = np.nan
    t = baseline_test(idx, {"C5": 79.73}, gain=3.0, gain_unit="points")
    text = narrative.describe_baseline(t, INST, "en", 2021)
    assert "has not enough data to compare with 79.73% in 2021" in text
    assert "—" not in text and "achieved" not in text


def test_design_sentence_names_the_variance_method():
    df = pd.DataFrame({"y": [1.0, 2, 4, 5, 3, 6], "s": [1, 1, 1, 2, 2, 2], "p": range(6)})
    d = gs.Design(df, strata="s", psu="p")
    assert "2 tầng, 6 đơn vị mẫu cấp 1, 6 phiếu trả lời" in narrative.describe_design(d, "vi")
    assert "bậc tự do của thiết kế là 4" in narrative.describe_design(d, "vi")
    r = d.replicate("jkn")
    assert "replicate weights (jkn)" in narrative.describe_design(r, "en")


def test_an_adjusted_index_says_which_weighting_it_uses():
    en = narrative.describe_index(_index(), INST, "en", weighting="nonresponse+rake")
    assert "not adjusted for nonresponse" not in en
    assert "uses weights adjusted for nonresponse (nonresponse adjustment by classes" in en
    vi = narrative.describe_weights("base_weight", "vi", weighting="rake")
    assert "đã điều chỉnh" in vi and "chưa được điều chỉnh" not in vi and "raking" in vi


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_district_where_a_criterion_has_no_valid_answer_is_not_estimated_not_suppressed(
    default_responses, lang
):
    """Nobody in one district gave a valid answer to C5.3 (all "don't know"): its C5 and SIPAS
    are not estimated. The report says so and why, shows the district's size, and does not
    count it among the cells suppressed for having fewer than min_cell respondents."""
    data = default_responses.respondents.copy()
    gone = data["district"] == "Thanh Xuân"
    data.loc[gone, "C5_3"] = pd.NA
    design = gs.Design(data, weights="base_weight", strata="stratum", psu="psu")
    pub = gs.Publisher(INST, 30)
    by = pub.guard(gs.sipas_index(design, INST, by="district"))
    row = by[(by["district"] == "Thanh Xuân") & (by["code"] == "SIPAS")].iloc[0]
    assert np.isnan(row["estimate"]) and not row["suppressed"] and row["n"] == gone.sum()
    assert not by.loc[by["district"] == "Thanh Xuân", "suppressed"].any()
    text = narrative.describe_domains(by, "district", INST, lang, 30)
    assert "Thanh Xuân (C5.3)" in text
    assert ("not estimated" if lang == "en" else "Không tính được") in text
    assert ("not published" if lang == "en" else "không được công bố") not in text
    table = tables.domain_table(by, "district", INST, lang)
    tx = table.frame[table.frame.iloc[:, 0] == "Thanh Xuân"].iloc[0]
    assert tx.iloc[1] == i18n.DASH and tx.iloc[-1] == i18n.integer(gone.sum(), lang)
