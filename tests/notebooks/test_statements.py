"""Statements read from the numbers beside them (fast: no notebook is run)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.collation import vi_sorted
from govsurvey.drivers.plots import _box_gap, label_offsets
from govsurvey.inference import baseline_test
from govsurvey.publish.narrative import describe_baseline, describe_ranking
from govsurvey.response import report as rep
from govsurvey.response.cases import survey_cases
from govsurvey.sampling.report import describe_sample


@pytest.fixture(scope="module")
def inst():
    return gs.load_instrument("sipas-2017")


def test_final_weight_ratio_is_the_range_of_the_final_weights():
    d = pd.DataFrame({"w": [1.0, 2.0, 4.0], "r": [1, 1, 1]})
    base = gs.Design(d, weights="w")
    final = base.with_weights(np.array([1.5, 5.0, 2.0]))  # ratios 1.5, 2.5, 0.5
    text = rep.describe_weighting(final, "none", "en", weights=rep.weight_frame(base, final))
    assert "(ratio to the base weight 0.50 to 2.50)" in text


def test_a_weight_total_is_an_estimate_of_the_frame_count_in_both_languages():
    s = pd.DataFrame({"psu": ["a", "b"], "base_weight": [347867.0, 347867.0]})
    assert "bằng số hồ sơ" not in describe_sample(s, "vi", 1)
    assert "là một ước lượng của số hồ sơ" in describe_sample(s, "vi", 1)
    assert "an estimate of the frame's number" in describe_sample(s, "en", 1)


@pytest.mark.parametrize(
    "low, high, word",
    [([1, 2, 3], [1, 2, 3], "narrow"), ([1, 1, 1, 2], [3, 4, 4, 4], "wide")],
)
def test_rank_wording_follows_the_rank_intervals(inst, low, high, word):
    r = pd.DataFrame({"district": list("ABCD")[: len(low)], "rank": range(1, len(low) + 1),
                      "rank_low": low, "rank_high": high})  # fmt: skip
    text = describe_ranking(r, "district", inst, "en")
    assert f"intervals are {word}" in text
    if word == "narrow":
        assert "3 of the 3 districts have a rank interval of one place" in text


def test_the_gain_reading_uses_the_reports_own_baseline(inst):
    idx = pd.DataFrame({"level": ["component"], "code": ["C5"], "estimate": [70.0], "se": [1.0],
                        "n": [600]})  # fmt: skip
    text = describe_baseline(baseline_test(idx, {"C5": 66.4}, gain=3.0), inst, "vi", 2023)
    assert "66,40% + 3,00 điểm = 69,40%" in text and "79,73" not in text


def test_units_in_vietnamese_order():
    names = ["Hoàng Mai", "Tây Hồ", "Đống Đa", "Hà Đông", "Ba Đình", "Ứng Hòa", "Ô Môn"]
    assert vi_sorted(names) == [
        "Ba Đình", "Đống Đa", "Hà Đông", "Hoàng Mai", "Ô Môn", "Tây Hồ", "Ứng Hòa",
    ]  # fmt: skip


def test_labels_of_crowded_points_do_not_overlap():
    x = np.array([100.0, 104.0, 108.0, 100.0, 300.0])
    y = np.array([100.0, 102.0, 98.0, 104.0, 50.0])
    lengths = [22, 15, 30, 12, 8]
    off = label_offsets(x, y, lengths)
    boxes = []
    for (dx, dy), xi, yi, n in zip(off, x, y, lengths, strict=True):
        x0, y0 = xi + dx - (5.2 * n if dx < 0 else 0), yi + dy - (11 if dy < 0 else 0)
        boxes.append((x0, y0, x0 + 5.2 * n, y0 + 11))
    for i in range(len(boxes)):
        for j in range(i):
            assert _box_gap(boxes[i], boxes[j]) >= 0, (i, j, off)


def test_ipa_labels_stay_inside_the_axes_clear_of_the_legend():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from govsurvey.drivers.plots import ipa_plot

    f = pd.DataFrame({"component": ["A", "B"], "importance": [0.15, 0.28],
        "importance_ci_low": [0.1, 0.24], "importance_ci_high": [0.2, 0.32],
        "performance": [84.0, 89.0], "performance_ci_low": [82.0, 88.0],
        "performance_ci_high": [86.0, 90.0], "quadrant": ["low_priority", "keep_up"]})  # fmt: skip
    f.attrs.update(importance_line=0.2, performance_line=86.0)
    fig, ax = plt.subplots(figsize=(7.5, 5))
    ipa_plot(f, ax, labels={"B": "Civil servants who handled the case"})
    fig.canvas.draw()
    frame = ax.get_window_extent()
    for t in ax.texts:
        box = t.get_window_extent()
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, t.get_text()
    plt.close(fig)


def test_returned_forms_only_are_told_apart_from_a_full_sample():
    empty = pd.DataFrame({"x": [1, 2], "disposition": ["", None]})
    assert survey_cases(empty).returns_only and survey_cases(empty).disposition is None
    ones = survey_cases(pd.DataFrame({"responded": [1, 1]}), disposition=None)
    assert ones.returns_only and ones.why == "all_returned" and ones.response_rate is None
    full = survey_cases(pd.DataFrame({"responded": [1, 0, 1, 1]}))
    assert not full.returns_only and full.response_rate == 0.75
    with pytest.raises(gs.InputError, match="returned forms only"):
        gs.response.check_weighting(survey_cases(empty), "nonresponse+rake")
