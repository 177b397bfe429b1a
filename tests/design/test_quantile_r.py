"""Quantiles with Woodruff intervals against R's svyquantile (survey 4.x, qrule "math",
interval.type "mean"), Taylor and replicate designs, whole and by domain. Fixtures:
``tests/fixtures/anchors/make_anchors.R`` (``r_quantile.csv``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsurvey.design import Design
from govsurvey.design.quantile import quantile
from govsurvey.errors import InputError

FIX = Path(__file__).parents[1] / "fixtures"
REF = pd.read_csv(FIX / "anchors" / "r_quantile.csv")
QS = [0.1, 0.25, 0.5, 0.75, 0.9]


def _design(case):
    if case.startswith("strat"):
        d = Design(pd.read_csv(FIX / "design" / "apistrat.csv"), strata="stype", weights="pw",
                   fpc="fpc")  # fmt: skip
        return d.replicate("jkn") if case.endswith("jkn") else d
    d = Design(pd.read_csv(FIX / "design" / "apiclus1.csv"), psu="dnum", weights="pw", fpc="fpc")
    return d.replicate("jk1") if case.endswith("jk1") else d


@pytest.mark.parametrize("case", ["strat", "clus1", "strat_jkn", "clus1_jk1"])
def test_quantiles_and_woodruff_intervals_equal_svyquantile(case):
    d = _design(case)
    for var in ("api00", "enroll"):
        ref = REF[(REF["case"] == case) & (REF["variable"] == var) & (REF["domain"] == "all")]
        got = quantile(d, var, QS)
        np.testing.assert_allclose(got["estimate"], ref["estimate"], rtol=1e-12)
        np.testing.assert_allclose(got["ci_low"], ref["ci_low"], rtol=1e-12)
        np.testing.assert_allclose(got["ci_high"], ref["ci_high"], rtol=1e-12)
        np.testing.assert_allclose(got["se"], ref["se"], rtol=1e-6)
        assert (got["df"] == ref["df"].to_numpy()).all()


@pytest.mark.parametrize("case", ["strat", "clus1", "strat_jkn", "clus1_jk1"])
def test_domain_quantiles_equal_svyquantile_on_subsets(case):
    got = quantile(_design(case), "api00", QS, by="stype")
    ref = REF[(REF["case"] == case) & (REF["domain"] != "all")]
    got = got.set_index(["stype", "quantile"])
    ref = ref.set_index(["domain", "quantile"])
    got = got.loc[ref.index]
    for col in ("estimate", "ci_low", "ci_high"):
        np.testing.assert_allclose(got[col], ref[col], rtol=1e-12, err_msg=col)
    np.testing.assert_allclose(got["se"], ref["se"], rtol=1e-6)
    np.testing.assert_array_equal(got["df"], ref["df"])


def test_quantile_of_a_variable_with_one_value_is_that_value_with_a_note():
    df = pd.DataFrame({"y": 3.0, "g": ["a"] * 6 + ["b"] * 60, "p": range(66)})
    df.loc[df["g"] == "b", "y"] = np.arange(60.0)
    got = quantile(Design(df, psu="p"), "y", [0.5], by="g").set_index("g")
    assert got.loc["a", "estimate"] == 3.0 and got.loc["a", "se"] == 0.0
    assert got.loc["a", "ci_low"] == got.loc["a", "ci_high"] == 3.0
    assert got.loc["b", "se"] > 0
    assert any("single value 3" in n and "g=a" in n for n in got.attrs["notes"])


def test_bad_orders_and_columns_are_one_clear_error():
    d = Design(pd.DataFrame({"y": [1.0, 2.0], "s": ["a", "b"]}))
    with pytest.raises(InputError, match="between 0 and 1"):
        quantile(d, "y", [0.5, 1.5])
    with pytest.raises(InputError, match="numeric"):
        quantile(d, "s", [0.5])
