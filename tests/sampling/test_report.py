"""Notebook 01's parameters, the report's words and tables, and the ward frame's checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.errors import InputError
from govsurvey.sampling import (
    SamplingOwnParams,
    describe_recommendation,
    describe_simulation,
    describe_sizes,
    satisfaction_score,
    validate_sampling_params,
    with_seat,
)
from govsurvey.sampling import report as rp


def test_parameters():
    p = validate_sampling_params({"margin": 0.04, "plans": ["sipas", "srs"], "seed": 3})
    assert validate_sampling_params({"plans": []})["plans"] == []  # no comparison: allowed
    assert p["margin"] == 0.04 and p["plans"] == ["sipas", "srs"] and "seed" not in p
    assert set(p) == set(SamplingOwnParams.model_fields)
    for bad, word in (
        ({"margin": 0}, "margin"),
        ({"margin": 1.2}, "margin"),
        ({"response_rate": 0}, "response_rate"),
        ({"response_rate": 1.5}, "response_rate"),
        ({"plans": ["sipas", "cluster"]}, "plans"),
        ({"plans": ["srs", "srs"]}, "plans"),
        ({"fieldwork_file": "mau.pdf"}, "fieldwork_file"),
        ({"replications": 1}, "replications"),
    ):
        with pytest.raises(InputError, match=f"parameter '{word}'") as err:
            validate_sampling_params(bad)
        assert "Fix: set" in str(err.value)


def test_words_in_both_languages():
    plan = pd.DataFrame(
        {
            "district": ["A", "B"],
            "clusters": [5, 4],
            "forms": [250, 200],
            "n_respondents": [150.6, 120.5],
            "deff": [2.47, 2.47],
            "margin": [4.8, 5.6],
        }
    )
    vi = describe_recommendation(plan, "district", 0.05, 50, 0.6024, 0.0503, "vi")
    en = describe_recommendation(plan, "district", 0.05, 50, 0.6024, 0.0503, "en")
    assert "**9** phường/xã" in vi and "60,24%" in vi and "B (±5,60 điểm)" in vi
    assert "**9** wards" in en and "60.24%" in en and "B (±5.60 points)" in en
    assert "40.230" in describe_sizes(700_000, 0.05, 0.95, 400, 384, 40_230, "vi")
    s = pd.DataFrame(
        {
            "plan": ["P", "P"],
            "domain": ["all", "A"],
            "bias": [0.0, -0.4],
            "margin": [0.8, 4.0],
            "coverage": [0.9, 0.95],
            "replications": [30, 30],
        }
    )
    assert "95,00%" in describe_simulation(s, 0.95, "vi")
    with pytest.raises(InputError, match="language"):
        describe_sizes(1, 0.05, 0.95, 1, 1, 1, "fr")


def test_tables_show_labels_and_totals():
    plan = pd.DataFrame(
        {
            "district": ["Ba Vì", "Sơn Tây"],
            "wards": [15, 24],
            "N": [13299, 30474],
            "clusters": [9, 5],
            "forms": [450, 250],
            "n_respondents": [271.1, 150.6],
            "deff": [2.47, 2.47],
            "margin": [4.65, 3.91],
        }
    )
    t = rp.plan_table(plan, "district", "vi", "Kế hoạch")
    assert list(t.frame.columns)[0] == "Quận/huyện"
    assert t.frame.iloc[-1].tolist()[:5] == ["Toàn địa bàn", "39", "43.773", "14", "700"]
    assert t.strong == [2]
    alt = rp.alt_margin(plan, "district", 5.0, "vi")
    assert "Sơn Tây" in alt and "±3,91" in alt and "0 vượt" in alt


def test_read_wards_checks(tmp_path):
    w = pd.DataFrame(
        {"district": ["A", "A"], "ward": ["x", "y"], "psu": ["A1", "A2"], "N": [100, 50]}
    )
    f = tmp_path / "w.csv"
    w.to_csv(f, index=False)
    assert len(rp.read_wards(f)) == 2
    w.drop(columns="district").to_csv(f, index=False)
    with pytest.raises(InputError, match="no stratum column 'district'|no ward-frame column"):
        rp.read_wards(f)
    w.assign(N=[100, 0]).to_csv(f, index=False)
    with pytest.raises(InputError, match="register size is zero"):
        rp.read_wards(f)
    w.assign(psu=["A1", "A1"]).to_csv(f, index=False)
    with pytest.raises(InputError, match="appears twice"):
        rp.read_wards(f)
    with pytest.raises(InputError, match="does not exist"):
        rp.read_wards(tmp_path / "none.csv")


def test_seat_and_score():
    w = pd.DataFrame({"district": ["A", "A", "B", "B"], "psu": ["a1", "a2", "b1", "b2"]})
    f = pd.DataFrame({"psu": ["a1", "a2", "b2", "b1", "a1"]})
    assert with_seat(f, w)["seat"].tolist() == [True, False, False, True, True]
    inst = gs.load_instrument("sipas-2017")
    cols = [c.column for c in inst.criteria]
    rows = pd.DataFrame([{c: 5 for c in cols}, {c: 8 for c in cols}, {c: 9 for c in cols}])
    rows.loc[0, cols[:11]] = 8  # don't know is not an answer: 11 valid, all satisfied
    rows.loc[1, cols[0]] = 2
    score = satisfaction_score(rows, inst)
    assert score.iloc[0] == 1.0 and score.iloc[1] == 0.0 and np.isnan(score.iloc[2])
