"""Design-based Cronbach's alpha against R's svycralpha (point) and svycontrast (SE).

Fixtures: ``tests/fixtures/anchors/make_anchors.R`` (``alpha_items.csv``, ``r_alpha.csv``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsurvey.design import Design
from govsurvey.drivers.reliability import design_alpha, reliability
from govsurvey.errors import InputError

FIX = Path(__file__).parents[1] / "fixtures" / "anchors"
ITEMS = pd.read_csv(FIX / "alpha_items.csv")
REF = pd.read_csv(FIX / "r_alpha.csv").iloc[0]
COLS = [f"C1_{j}" for j in range(1, 5)]


def _design(data=ITEMS):
    return Design(data, strata="stratum", psu="cluster", weights="base_weight")


def test_alpha_and_se_equal_r():
    got = design_alpha(_design(), {"C1": COLS}).iloc[0]
    assert got["estimate"] == pytest.approx(REF["svycralpha"], rel=1e-10)
    assert got["se"] == pytest.approx(REF["se"], rel=1e-6)
    assert got["df"] == REF["df"] and got["n"] == len(ITEMS)
    assert got["ci_low"] < got["estimate"] < got["ci_high"]


def test_point_equals_the_weighted_alpha_of_reliability():
    rel = reliability(ITEMS, {"C1": COLS}, weights="base_weight")
    got = design_alpha(_design(), {"C1": COLS})["estimate"].iloc[0]
    assert got == pytest.approx(rel.scales["raw_alpha"].iloc[0], rel=1e-10)


def test_incomplete_answers_are_left_out_and_domains_work():
    data = ITEMS.copy()
    data.loc[:99, "C1_2"] = np.nan
    a = design_alpha(_design(data), {"C1": COLS}).iloc[0]
    sub = design_alpha(_design(ITEMS.iloc[100:]), {"C1": COLS}).iloc[0]
    assert a["estimate"] == pytest.approx(sub["estimate"], rel=1e-12)
    assert a["n"] == len(ITEMS) - 100
    by = design_alpha(_design(), {"C1": COLS}, by="stratum")
    assert list(by["stratum"]) == ["a", "b"] and (by["se"] > 0).all()
    rep = design_alpha(_design().replicate("jkn"), {"C1": COLS}).iloc[0]
    assert rep["se"] == pytest.approx(REF["se"], rel=0.2)  # replicate SE near the Taylor one


def test_one_item_scale_is_refused():
    with pytest.raises(InputError, match="at least two"):
        design_alpha(_design(), {"C1": ["C1_1"]})
