"""Rao–Scott adjusted test of a two-way table against R's svychisq ("F" and "Chisq").

Fixtures: ``tests/fixtures/anchors/make_anchors.R`` (``r_chisq.csv``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsurvey.design import Design
from govsurvey.errors import InputError
from govsurvey.inference import rao_scott

FIX = Path(__file__).parent / "fixtures"
REF = pd.read_csv(FIX / "anchors" / "r_chisq.csv").set_index(["case", "statistic"])
STRAT = pd.read_csv(FIX / "design" / "apistrat.csv")
CLUS1 = pd.read_csv(FIX / "design" / "apiclus1.csv")
CASES = {
    "clus1_schwide_stype": (lambda: Design(CLUS1, psu="dnum", weights="pw", fpc="fpc"),
                            "sch.wide", "stype"),
    "strat_awards_stype": (lambda: Design(STRAT, strata="stype", weights="pw", fpc="fpc"),
                           "awards", "stype"),
    "clus1_awards_comp": (lambda: Design(CLUS1, psu="dnum", weights="pw", fpc="fpc"),
                          "awards", "comp.imp"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("stat", ["F", "Chisq"])
def test_rao_scott_equals_svychisq(case, stat):
    make, row, col = CASES[case]
    got = rao_scott(make(), row, col, statistic=stat).iloc[0]
    ref = REF.loc[(case, stat)]
    if stat == "F":
        assert got["value"] == pytest.approx(ref["value"], rel=1e-6)
        assert got["ddf"] == pytest.approx(ref["ddf"], rel=1e-6)
    else:  # R prints the unadjusted X² as the statistic, its p-value from the adjusted one
        assert got["pearson"] == pytest.approx(ref["value"], rel=1e-6)
    assert got["ndf"] == pytest.approx(ref["ndf"], rel=1e-6)
    assert got["p_value"] == pytest.approx(ref["p_value"], rel=1e-6)


def test_replicate_design_gives_a_close_test():
    taylor = rao_scott(CASES["strat_awards_stype"][0](), "awards", "stype").iloc[0]
    rep = rao_scott(CASES["strat_awards_stype"][0]().replicate("jkn"), "awards", "stype").iloc[0]
    assert rep["pearson"] == pytest.approx(taylor["pearson"], rel=1e-12)
    assert rep["value"] == pytest.approx(taylor["value"], rel=0.05)


def test_one_level_variable_is_refused():
    d = Design(pd.DataFrame({"a": ["x"] * 10, "b": list("ababababab"), "w": np.ones(10)}))
    with pytest.raises(InputError, match="at least two"):
        rao_scott(d, "a", "b")
