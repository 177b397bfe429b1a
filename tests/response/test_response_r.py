"""Propensity model and rate tests against R's survey (fixtures by make_response_fixtures.R)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsurvey.design import Design
from govsurvey.response import group_rate_test, response_propensity

FIX = Path(__file__).parent.parent / "fixtures"
REF = pd.read_csv(FIX / "weighting" / "r_response.csv", keep_default_na=False)
DATA = {
    "strat": pd.read_csv(FIX / "design" / "apistrat.csv"),
    "clus1": pd.read_csv(FIX / "design" / "apiclus1.csv"),
}


def design(case):
    df = DATA[case].assign(
        hi=lambda d: (d["api00"] > 650).astype(int),
        y=lambda d: (d["sch.wide"] == "Yes").astype(float),
    )
    if case == "strat":
        return Design(df, strata="stype", weights="pw", fpc="fpc")
    return Design(df, psu="dnum", weights="pw", fpc="fpc")


@pytest.mark.parametrize("case", ["strat", "clus1"])
def test_propensity_model_equals_svyglm(case):
    m = response_propensity(design(case), ["stype", "ell"], response="hi")
    ref = REF[(REF["case"] == case) & (REF["statistic"] == "logit")]
    names = {"(Intercept)": "(Intercept)", "stype[H]": "stypeH", "stype[M]": "stypeM"}
    got = m.coefficients.assign(term=m.coefficients["term"].map(lambda x: names.get(x, x)))
    got = got.merge(ref, on="term", suffixes=("", "_r"))
    assert len(got) == 4
    np.testing.assert_allclose(got["estimate"], got["estimate_r"].astype(float), rtol=1e-6)
    np.testing.assert_allclose(got["se"], got["se_r"].astype(float), rtol=1e-6)


@pytest.mark.parametrize("case", ["strat", "clus1"])
def test_rate_test_equals_regtermtest(case):
    d = design(case)
    res = group_rate_test(d, d.data["y"].to_numpy(), "stype")
    ref = REF[REF["case"] == case]
    chisq = float(ref.loc[ref["statistic"] == "wald_chisq_stype", "estimate"].iloc[0])
    assert res["chisq"] == pytest.approx(chisq, rel=1e-6)
    rates = ref[ref["statistic"] == "rate_by_stype"]
    np.testing.assert_allclose(res["rates"]["rate"], rates["estimate"].astype(float), rtol=1e-9)
    np.testing.assert_allclose(res["rates"]["se"], rates["se"].astype(float), rtol=1e-6)
    assert res["df1"] == 2 and 0 <= res["p_value"] <= 1
