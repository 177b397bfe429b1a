"""Importance–performance quadrants, stated importance, facts of the service and their effects."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import govsurvey as gs
from govsurvey.config.instrument import load_instrument
from govsurvey.design import Design
from govsurvey.drivers import (
    fact_effects,
    fact_indicators,
    importance_performance,
    relative_importance,
    service_facts,
    stated_importance,
    with_scores,
)
from govsurvey.drivers.report import fact_label
from govsurvey.errors import InputError

DATA = Path(__file__).parent.parent.parent / "data" / "synthetic" / "responses.csv"


@pytest.fixture(scope="module")
def embedded():
    inst = gs.load_instrument("sipas-2017")
    resp = gs.read_responses(DATA, instrument=inst, on_error="exclude")
    data = with_scores(resp.respondents, inst)
    d = Design(
        data,
        weights="base_weight",
        strata="stratum",
        psu=["psu", "respondent_id"],
        fpc=["fpc1", "fpc2"],
    )
    return inst, d


def _imp(shares, lo, hi):
    return pd.DataFrame(
        {
            "term": [f"C{i + 1}" for i in range(len(shares))],
            "share": shares,
            "share_ci_low": lo,
            "share_ci_high": hi,
        }
    )


def _perf(est, lo, hi):
    return pd.DataFrame(
        {
            "level": "component",
            "code": [f"C{i + 1}" for i in range(len(est))],
            "estimate": est,
            "ci_low": lo,
            "ci_high": hi,
        }
    )


def test_quadrants_are_decided_by_both_intervals():
    # importance line 0.25, performance line = mean(80, 90, 70, 90) = 82.5
    imp = _imp([0.40, 0.40, 0.10, 0.10], [0.30, 0.30, 0.05, 0.05], [0.50, 0.60, 0.15, 0.15])
    perf = _perf([80.0, 90.0, 70.0, 90.0], [78.0, 88.0, 60.0, 80.0], [82.0, 92.0, 80.0, 95.0])
    out = importance_performance(imp, perf).set_index("component")
    assert out.loc["C1", "quadrant"] == "concentrate_here"  # 0.30 > .25 and 82 < 82.5
    assert out.loc["C2", "quadrant"] == "keep_up"
    assert out.loc["C3", "quadrant"] == "low_priority"
    assert out.loc["C4", "quadrant"] == "not_determined"  # performance interval crosses 82.5
    assert out.loc["C4", "point_quadrant"] == "possible_overkill"
    # widen C1's performance interval across the line: no longer determined
    perf.loc[0, "ci_high"] = 83.0
    assert importance_performance(imp, perf).loc[0, "quadrant"] == "not_determined"
    assert out.attrs["performance_line"] == pytest.approx(82.5)
    assert out.attrs["importance_line"] == pytest.approx(0.25)


def test_ipa_on_the_embedded_data(embedded):
    inst, d = embedded
    ri = relative_importance(d, "overall_score ~ C1 + C2 + C3 + C4 + C5", replicates=60, seed=5)
    idx = gs.sipas_index(d, inst)
    st = stated_importance(d, inst.stated_items)
    ipa = importance_performance(ri, idx, st)
    assert list(ipa["component"]) == ["C1", "C2", "C3", "C4", "C5"]
    comp = idx[idx["level"] == "component"].set_index("code")
    np.testing.assert_allclose(ipa["performance"], comp.loc[ipa["component"], "estimate"])
    # a component with a determined quadrant has both intervals off the lines
    det = ipa[ipa["quadrant"] != "not_determined"]
    il, pl = ipa.attrs["importance_line"], ipa.attrs["performance_line"]
    assert ((det["importance_ci_low"] > il) | (det["importance_ci_high"] < il)).all()
    assert ((det["performance_ci_low"] > pl) | (det["performance_ci_high"] < pl)).all()
    assert -1 <= ipa.attrs["rank_correlation"] <= 1
    # stated importance = the design-based mean of the 0/1 item
    m = d.mean("exp_procedures")
    row = st.set_index("component").loc["C2"]
    assert row["estimate"] == pytest.approx(100 * m["estimate"].iloc[0], rel=1e-12)
    assert row["se"] == pytest.approx(100 * m["se"].iloc[0], rel=1e-12)
    assert row["ci_low"] < row["estimate"] < row["ci_high"]
    # the generator's order of component weights: C3 > C2 > C4 > C1 > C5
    assert list(ri.sort_values("rank")["term"]) == ["C3", "C2", "C4", "C1", "C5"]


def test_fact_indicators_follow_the_instrument_codes():
    df = pd.DataFrame(
        {
            "trips": [1, 2, np.nan, 1],
            "late_result": [2, 1, 1, 9],
            "apology": [0, 1, 2, 0],
            "harassment": [2, 1, 2, 2],
            "informal_payment": [1, 2, 2, np.nan],
        }
    )
    SIPAS = gs.load_instrument("sipas-2017")
    ind = fact_indicators(df, SIPAS)
    assert ind["multiple_trips"].tolist()[:2] == [0.0, 1.0] and np.isnan(ind.iloc[2, 0])
    assert ind["late_result"].tolist()[:3] == [0.0, 1.0, 1.0] and np.isnan(ind.iloc[3, 1])
    assert np.isnan(ind.loc[0, "no_apology_when_late"])  # not late: does not apply
    assert ind["no_apology_when_late"].tolist()[1:3] == [0.0, 1.0]
    with pytest.raises(InputError, match="trips"):
        fact_indicators(df.drop(columns="trips"), SIPAS)


def test_service_facts_are_design_based_shares_with_small_domains_na(embedded):
    inst, d = embedded
    f = service_facts(d, inst).set_index("variable")
    late = d.data["late_result"].astype("float64").map({1.0: 1.0, 2.0: 0.0})
    m = Design(
        d.data.assign(x=late),
        weights="base_weight",
        strata="stratum",
        psu=["psu", "respondent_id"],
        fpc=["fpc1", "fpc2"],
    ).mean("x")
    assert f.loc["late_result", "estimate"] == pytest.approx(100 * m["estimate"].iloc[0])
    assert f.loc["late_result", "se"] == pytest.approx(100 * m["se"].iloc[0])
    by = service_facts(d, inst, by="district", min_cell=30)
    small = by["n"] < 30
    assert small.any() and by.loc[small, "estimate"].isna().all()
    assert by.loc[small, "status"].eq("small_cell").all()
    assert by.loc[~small, "status"].eq("estimated").all()
    assert by.loc[~small, "estimate"].notna().all()


def test_fact_effects_equal_the_difference_of_domain_shares(embedded):
    inst, d = embedded
    e = fact_effects(d, inst).set_index("variable")
    data = d.data
    o = data["overall"].astype("float64")
    sat = np.where(o.between(1, 5), 100.0 * o.isin([4, 5]), np.nan)
    late = data["late_result"].astype("float64").map({1.0: "yes", 2.0: "no"})
    dd = Design(
        data.assign(sat=sat, late=late),
        weights="base_weight",
        strata="stratum",
        psu=["psu", "respondent_id"],
        fpc=["fpc1", "fpc2"],
    )
    means = dd.mean("sat", by="late").set_index("late")["estimate"]
    assert e.loc["late_result", "estimate"] == pytest.approx(means["yes"] - means["no"], rel=1e-9)
    assert e.loc["late_result", "share_with"] == pytest.approx(means["yes"], rel=1e-9)
    assert (e["ci_low"] < e["estimate"]).all() and (e["estimate"] < e["ci_high"]).all()
    assert e.loc["late_result", "estimate"] < 0  # the generator makes late results hurt


def test_bad_ipa_input():
    imp = _imp([0.5, 0.5], [0.4, 0.4], [0.6, 0.6])
    with pytest.raises(InputError, match="relative_importance"):
        importance_performance(imp.drop(columns="share"), _perf([1.0, 2.0], [0, 1], [2, 3]))
    with pytest.raises(InputError, match="fewer than two components"):
        importance_performance(imp, _perf([1.0], [0.0], [2.0]).assign(code="X"))
    d = Design(pd.DataFrame({"e": [0, 1, 2]}))
    with pytest.raises(InputError, match="0/1"):
        stated_importance(d, {"C1": "e"})
    with pytest.raises(InputError, match="not in the data"):
        stated_importance(d, {"C1": "nope"})


def test_adjusted_fact_effects_are_the_joint_model(embedded):
    inst, d = embedded
    e = fact_effects(d, inst).set_index("variable")
    ind = fact_indicators(d.data, inst)
    o = d.data["overall"].astype("float64")
    sat = np.where(o.between(1, 5), 100.0 * o.isin([4, 5]), np.nan)
    dd = Design(
        d.data.assign(**ind, sat=sat),
        weights="base_weight",
        strata="stratum",
        psu=["psu", "respondent_id"],
        fpc=["fpc1", "fpc2"],
    )
    joint = ["multiple_trips", "late_result", "harassment", "informal_payment"]
    fit = dd.glm("sat ~ " + " + ".join(joint)).set_index("term")
    np.testing.assert_allclose(e.loc[joint, "adjusted"], fit.loc[joint, "estimate"], rtol=1e-10)
    np.testing.assert_allclose(
        e.loc[joint, "adjusted_ci_low"], fit.loc[joint, "ci_low"], rtol=1e-10
    )
    assert np.isnan(e.loc["no_apology_when_late", "adjusted"])


def test_the_facts_come_from_the_instrument_file(tmp_path):
    """Another instrument's facts (other columns, codes and conditions) are read from its own
    file: nothing in the drivers package names SIPAS's facts."""
    raw = yaml.safe_load(Path(load_instrument("sipas-2017").path).read_text(encoding="utf-8"))
    raw["name"] = "other"
    raw["assessment"] = [
        {
            "code": "A1",
            "column": "visits",
            "type": "count",
            "min": 0,
            "max": 9,
            "vi": "Số lần",
            "en": "Visits",
            "fact": {"code": "three_or_more", "above": 2, "vi": "Từ ba lần", "en": "Three or more"},
        },
        {
            "code": "A2",
            "column": "queue",
            "type": "choice",
            "codes": {
                1: {"vi": "Dài", "en": "Long"},
                2: {"vi": "Ngắn", "en": "Short"},
                3: {"vi": "Không xếp hàng", "en": "No queue"},
            },
            "vi": "Xếp hàng",
            "en": "Queue",
            "fact": {
                "code": "long_queue",
                "answers": [1],
                "among": [1, 2],
                "only_when": {"visits": [1, 2, 3, 4, 5, 6, 7, 8, 9]},
                "vi": "Xếp hàng dài",
                "en": "Long queue",
            },
        },
    ]
    f = tmp_path / "other.yaml"
    f.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    other = load_instrument(f)
    assert [x["code"] for x in other.facts] == ["three_or_more", "long_queue"]
    df = pd.DataFrame({"visits": [0, 1, 3, 12], "queue": [1, 1, 3, 2]})
    ind = fact_indicators(df, other)
    assert ind["three_or_more"].tolist()[:3] == [0.0, 0.0, 1.0] and np.isnan(ind.iloc[3, 0])
    # visits 0: not applicable; queue 3 (no queue): not among 1-2; visits 12: off the count
    assert np.isnan(ind.iloc[0, 1]) and ind.iloc[1, 1] == 1.0
    assert ind["long_queue"].isna().tolist() == [True, False, True, True]
    assert fact_label(other, "long_queue", "vi") == "Xếp hàng dài"
    bad = dict(
        raw, assessment=[dict(raw["assessment"][0], fact={"code": "x", "vi": "x", "en": "x"})]
    )
    f.write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="needs one of answers or above"):
        load_instrument(f)
    bad = dict(raw)
    bad["expectations"] = dict(raw["expectations"])
    bad["expectations"]["options"] = [dict(raw["expectations"]["options"][0], improves="C9")]
    f.write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="improves 'C9', which is not a component"):
        load_instrument(f)
