"""Taylor SE after a weighting-class nonresponse adjustment (issue 17, item 7).

The adjusted estimator is a smooth function of the full sample's totals (class sizes, their
respondents, their respondents' totals); R's ``svycontrast`` on ``svytotal`` of the design of every
sampled unit gives its linearisation variance (``tests/fixtures/weighting/
make_nonresponse_fixtures.R``). Before, govsurvey only rescaled the respondents' weights and left
out the variability of the class factors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsurvey.design import Design
from govsurvey.weighting import nonresponse_adjust, rake

FIX = Path(__file__).parent.parent / "fixtures" / "weighting"
REF = pd.read_csv(FIX / "r_nonresponse.csv").set_index(["case", "statistic"])


def _design(case):
    df = pd.read_csv(FIX / f"nr_{case}.csv")
    r = df["responded"] == 1
    df = df.assign(api00=df["api00"].where(r), api99=df["api99"].where(r))  # only answers seen
    if case == "clus1":
        return Design(df, psu="dnum", weights="pw", fpc="fpc")
    return Design(df, psu=["dnum", "snum"], fpc=["fpc1", "fpc2"])


@pytest.mark.parametrize("case", ["clus1", "clus2"])
def test_nonresponse_adjusted_se_equals_r_linearisation(case):
    d = nonresponse_adjust(_design(case), "responded", cells=["stype"])
    mean = d.mean("api00").iloc[0]
    total = d.total("api99").iloc[0]
    dom = d.mean("api00", by="sch.wide").set_index("sch.wide").loc["Yes"]
    for stat, got in [
        ("mean_api00", mean),
        ("total_api99", total),
        ("mean_api00_schwide_yes", dom),
    ]:
        ref = REF.loc[(case, stat)]
        assert got["estimate"] == pytest.approx(ref["estimate"], rel=1e-9)
        assert got["se"] == pytest.approx(ref["se"], rel=1e-6), stat


def test_nonresponse_then_rake_keeps_nonrespondents_share():
    """A rake after the adjustment still counts the class factors' variability: the SE is not
    the one of a design whose respondents merely carry the adjusted weights."""
    full = _design("clus1")
    adj = nonresponse_adjust(full, "responded", cells=["stype"])
    totals = {"sch.wide": {"No": 1072.0, "Yes": 5122.0}}
    raked = rake(adj, totals)
    resp = full.data["responded"].to_numpy() == 1
    # the same final weights on a design of the respondents only, no record of the adjustment
    only = rake(
        Design(full.data[resp], psu="dnum", fpc="fpc").with_weights(adj.weight_values[resp]),
        totals,
    )
    np.testing.assert_allclose(raked.weight_values[resp], only.weight_values, rtol=1e-10)
    se_full, se_only = raked.mean("api00")["se"].iloc[0], only.mean("api00")["se"].iloc[0]
    assert raked.mean("api00")["estimate"].iloc[0] == pytest.approx(
        only.mean("api00")["estimate"].iloc[0], rel=1e-12
    )
    assert se_full != pytest.approx(se_only, rel=1e-3)
