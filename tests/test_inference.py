"""Targets as the plans state them: level targets, rises against a baseline, named units.

Every expected value below is computed by hand from the t (or normal) quantile.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from govsurvey.errors import InputError
from govsurvey.inference import (
    all_rose,
    baseline_test,
    compare_index,
    level_targets,
    rank_index,
    target_test,
    unit_targets,
)

Z95 = stats.norm.ppf(0.95)  # one-sided 95%: 1.6448536...


def _index(level: float = 0.95) -> pd.DataFrame:
    idx = pd.DataFrame(
        {
            "level": ["overall", "component", "criterion", "criterion", "criterion", "criterion"],
            "code": ["SIPAS", "C5", "C5.1", "C5.2", "C5.3", "C5.4"],
            "estimate": [86.0, 84.0, 85.0, 80.5, 83.0, 87.5],
            "se": [0.5, 1.0, 1.0, 1.0, 1.0, 1.0],
            "df": [np.inf] * 6,
            "n": [1000, 900, 880, 870, 860, 850],
        }
    )
    idx.attrs.update(level=level, method="taylor")
    return idx


def test_target_test_prints_the_bound_its_verdict_uses():
    idx = pd.DataFrame({"code": ["a", "b", "c"], "estimate": [88.0, 85.5, 80.0], "se": [1.0] * 3})
    r = target_test(idx, 85.0)
    assert r["verdict"].tolist() == ["met", "not determined", "not met"]
    # one-sided bounds at 95%: estimate ∓ 1.6449 × SE (not the two-sided 1.96)
    assert r["lower_bound"].tolist() == pytest.approx([88 - Z95, 85.5 - Z95, 80 - Z95], rel=1e-12)
    assert r["upper_bound"].tolist() == pytest.approx([88 + Z95, 85.5 + Z95, 80 + Z95], rel=1e-12)
    # the verdict agrees with its own bound and with the p-value
    assert (r.loc[r["verdict"] == "met", "lower_bound"] > 85).all()
    assert r.loc[0, "p_value"] == pytest.approx(stats.norm.sf(3.0), rel=1e-12)
    assert r.attrs["level"] == 0.95 and "one-sided" in r.attrs["method"]


def test_level_is_read_from_the_frame_not_taken_again():
    idx = _index(level=0.90)
    r = level_targets(idx, {"C5": 85.0})
    assert r.attrs["level"] == 0.90
    assert r.loc[0, "lower_bound"] == pytest.approx(84.0 - stats.norm.ppf(0.90), rel=1e-12)
    # an explicit level wins
    r99 = level_targets(idx, {"C5": 85.0}, confidence=0.99)
    assert r99.loc[0, "upper_bound"] == pytest.approx(84.0 + stats.norm.ppf(0.99), rel=1e-12)


def test_level_targets_per_code_only_the_codes_named():
    r = level_targets(_index(), {"C5": 85.0, "SIPAS": 85.0})
    assert r["code"].tolist() == ["C5", "SIPAS"]
    # C5 84 ± 1.645: undetermined against 85; SIPAS 86, lower bound 85.18 > 85: met
    assert r["verdict"].tolist() == ["not determined", "met"]
    assert r.loc[1, "lower_bound"] == pytest.approx(86 - 0.5 * Z95, rel=1e-12)
    assert r["n"].tolist() == [900, 1000]
    with pytest.raises(InputError, match="C9"):
        level_targets(_index(), {"C9": 85.0})


def test_gain_in_points_against_a_known_baseline():
    # Hà Nội: feedback 79.73% in 2021, to rise at least 3 points
    base = pd.DataFrame({"code": ["C5"], "estimate": [79.73], "se": [0.0]})
    after = pd.DataFrame({"code": ["C5"], "estimate": [84.0], "se": [1.0], "n": [900]})
    r = compare_index(base, after, gain=3.0)
    assert r.loc[0, "change"] == pytest.approx(4.27, rel=1e-12)
    assert r.loc[0, "gain_threshold"] == pytest.approx(3.0)
    # the gain test's lower bound: 4.27 − 1.645 = 2.625 < 3 → not determined
    assert r.loc[0, "gain_lower"] == pytest.approx(4.27 - Z95, rel=1e-12)
    assert r.loc[0, "gain_verdict"] == "not determined"
    # the two-sided interval is still reported, but it is not what the verdict is read from
    assert r.loc[0, "ci_low"] == pytest.approx(4.27 - stats.norm.ppf(0.975), rel=1e-12)
    assert r.loc[0, "p_gain"] == pytest.approx(stats.norm.sf(1.27), rel=1e-12)
    assert np.isnan(r.loc[0, "n_before"]) and r.loc[0, "n_after"] == 900


def test_relative_gain_reads_percent_of_the_baseline():
    base = pd.DataFrame({"code": ["C5"], "estimate": [79.73], "se": [0.0]})
    after = pd.DataFrame({"code": ["C5"], "estimate": [84.0], "se": [0.5]})
    r = compare_index(base, after, gain=3.0, gain_unit="relative")
    # 3% of 79.73 = 2.3919 points; lower bound 4.27 − 0.822 = 3.4476 > 2.3919 → achieved
    assert r.loc[0, "gain_threshold"] == pytest.approx(0.03 * 79.73, rel=1e-12)
    assert r.loc[0, "gain_lower"] == pytest.approx(4.27 - 0.5 * Z95, rel=1e-12)
    assert r.loc[0, "gain_verdict"] == "achieved"
    # in points the same change does not pass 5
    # read as points, 5 is credibly not reached when the upper bound 4.27 + 0.4 × 1.645 < 5
    r5 = compare_index(base, after.assign(se=0.4), gain=5.0, gain_unit="points")
    assert r5.loc[0, "gain_upper"] == pytest.approx(4.27 + 0.4 * Z95, rel=1e-12)
    assert r5.loc[0, "gain_verdict"] == "not achieved"
    with pytest.raises(InputError, match="gain_unit"):
        compare_index(base, after, gain=3.0, gain_unit="percent")


def test_relative_gain_with_an_uncertain_baseline_uses_the_contrast():
    base = pd.DataFrame({"code": ["C5"], "estimate": [80.0], "se": [1.0]})
    after = pd.DataFrame({"code": ["C5"], "estimate": [86.0], "se": [1.0]})
    r = compare_index(base, after, gain=5.0, gain_unit="relative")
    # contrast 86 − 1.05 × 80 = 2; SE sqrt(1 + 1.05²) = 1.45; bound on the change scale + 4
    se_c = np.hypot(1.0, 1.05)
    assert r.loc[0, "gain_lower"] == pytest.approx(2 - Z95 * se_c + 4.0, rel=1e-12)
    assert r.loc[0, "gain_verdict"] == "not determined"
    assert r.loc[0, "p_gain"] == pytest.approx(stats.norm.sf(2 / se_c), rel=1e-12)


def test_comparisons_carry_both_cells_n():
    a = pd.DataFrame(
        {
            "district": ["A", "B"],
            "code": ["SIPAS"] * 2,
            "estimate": [80.0, 82.0],
            "se": [1.0, 1.0],
            "n": [12, 400],
        }
    )
    b = a.assign(estimate=[85.0, 83.0], n=[15, 380])
    r = compare_index(a, b)
    assert r["n_before"].tolist() == [12, 400] and r["n_after"].tolist() == [15, 380]
    assert r["n"].tolist() == [12, 380]  # the smaller cell: what a guard compares to min_cell
    # a known baseline (no n) does not make the comparison small
    assert compare_index(a.drop(columns="n"), b)["n"].tolist() == [15, 380]


def test_baseline_rise_on_every_criterion_and_gain_on_the_component():
    idx = _index()
    baseline = {"C5": 79.73, "C5.1": 80.0, "C5.2": 80.0, "C5.3": 80.0, "C5.4": 80.0}
    r = baseline_test(idx, baseline, gain=3.0, gain_high=5.0)
    c5 = r[r["code"] == "C5"]
    assert c5["gain"].tolist() == [3.0, 5.0]
    # C5: 84 vs 79.73 → change 4.27, SE 1: 3 undetermined (2.625 < 3 < 5.915), 5 undetermined
    assert c5["gain_verdict"].tolist() == ["not determined", "not determined"]
    crit = r[r["level"] == "criterion"].set_index("code")
    # rises: 5 ± 1.645 yes; 0.5 undetermined; 3 yes; 7.5 yes
    assert crit["rise_verdict"].to_dict() == {
        "C5.1": "achieved",
        "C5.2": "not determined",
        "C5.3": "achieved",
        "C5.4": "achieved",
    }
    assert crit["gain"].isna().all()
    assert all_rose(r) == "not determined"
    idx.loc[idx["code"] == "C5.2", "estimate"] = 77.0  # credibly fell: 77 + 1.645 < 80
    assert all_rose(baseline_test(idx, baseline)) == "not achieved"
    idx.loc[idx["code"] == "C5.2", "estimate"] = 83.0
    assert all_rose(baseline_test(idx, baseline)) == "achieved"


def test_baseline_without_level_column_reads_criteria_from_their_codes():
    idx = _index().drop(columns="level")
    r = baseline_test(idx, {"C5": 79.73, "C5.1": 80.0}, gain=3.0)
    assert r["code"].tolist() == ["C5", "C5.1"]
    assert r["gain"].isna().tolist() == [False, True]


def test_baseline_se_enters_the_change():
    r = baseline_test(_index(), {"C5": 79.73}, baseline_se={"C5": 0.75}, gain=3.0)
    assert r.loc[0, "se"] == pytest.approx(1.25, rel=1e-12)
    with pytest.raises(InputError, match="baseline_se"):
        baseline_test(_index(), {"C5": 79.73}, baseline_se={"C4": 0.5})
    with pytest.raises(InputError, match="C7"):
        baseline_test(_index(), {"C7": 79.73})


def test_unit_targets_apply_to_named_units_only():
    by = pd.DataFrame(
        {
            "district": ["Thanh Xuân", "Ba Đình", "Cầu Giấy"],
            "code": ["SIPAS"] * 3,
            "estimate": [91.0, 70.0, np.nan],  # Cầu Giấy suppressed
            "se": [0.5, 1.0, np.nan],
            "df": [np.inf] * 3,
        }
    )
    r = unit_targets(by, "district", {"Thanh Xuân": 90.0})
    assert r["district"].tolist() == ["Thanh Xuân"]  # Ba Đình's 70 is not judged against 90
    assert r.loc[0, "verdict"] == "met"
    assert r.loc[0, "lower_bound"] == pytest.approx(91 - 0.5 * Z95, rel=1e-12)
    assert unit_targets(by, "district", {"Cầu Giấy": 90.0}).loc[0, "verdict"] == "not estimable"
    with pytest.raises(InputError, match="Hoàn Kiếm"):
        unit_targets(by, "district", {"Hoàn Kiếm": 90.0})


def test_rank_index_records_its_level_and_refuses_duplicates_with_input_error():
    idx = pd.DataFrame({"d": list("AB"), "estimate": [90.0, 80.0], "se": [1.0, 1.0]})
    idx.attrs["level"] = 0.9
    assert rank_index(idx, "d").attrs["level"] == 0.9
    with pytest.raises(InputError, match="one row per d"):
        rank_index(pd.concat([idx, idx]), "d")


def test_the_guard_suppresses_a_comparison_of_small_cells():
    """Issue 6: a comparison of two cells of n = 12 was published; now it carries n."""
    from govsurvey.publish.guard import Publisher

    a = pd.DataFrame(
        {
            "district": ["Ba Đình", "Ba Vì", "Cầu Giấy"],
            "code": ["SIPAS"] * 3,
            "estimate": [80.0, 82.0, 85.0],
            "se": [1.0] * 3,
            "n": [12, 400, 380],
        }
    )
    b = a.assign(estimate=[85.0, 83.0, 84.0], n=[12, 380, 300])
    g = Publisher("sipas-2017", min_cell=30).guard(compare_index(a, b))
    small = g["district"] == "Ba Đình"
    assert g.loc[small, "suppressed"].all() and g.loc[small, "change"].isna().all()
    assert not g.loc[g["district"] == "Ba Vì", "suppressed"].any()
