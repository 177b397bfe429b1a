"""Edge cases against R survey 4.1.1 (values from tests/fixtures/design/make_edge_fixtures.R).

A lonely PSU whose values are all missing leaves the variance as R's ``na.rm=TRUE`` does (the
stratum drops out of the count), and a replicate design gives each domain the df of its own
replicate weights (R's ``degf(subset(design, domain))``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsurvey.design import Design

FIX = Path(__file__).parent.parent / "fixtures" / "design"
RTOL = 1e-6


@pytest.fixture(scope="module")
def ref() -> pd.DataFrame:
    return pd.read_csv(FIX / "r_edge.csv", keep_default_na=False, na_values=["NA"])


def _row(ref, case, stat, variable, domain=""):
    r = ref[
        (ref["case"] == case)
        & (ref["statistic"] == stat)
        & (ref["variable"] == variable)
        & (ref["domain"] == domain)
    ]
    assert len(r) == 1, (case, stat, variable, domain)
    return r.iloc[0]


@pytest.mark.parametrize("rule", ["remove", "adjust", "average", "certainty"])
def test_lonely_psu_with_all_values_missing(ref, rule):
    ac = pd.read_csv(FIX / "apiclus1_lonely.csv")
    ac.loc[ac["st"] == "L", "api00"] = np.nan
    d = Design(ac, weights="pw", strata="st", psu="dnum", lonely_psu=rule)
    case = f"lonely_missing_{rule}"
    for stat, fn in [("mean", d.mean), ("total", d.total)]:
        got = fn("api00").iloc[0]
        want = _row(ref, case, stat, "api00")
        np.testing.assert_allclose(got["estimate"], want["estimate"], rtol=RTOL)
        np.testing.assert_allclose(got["se"], want["se"], rtol=RTOL)
    # a variable observed in the lonely PSU keeps the rule's own treatment
    if rule != "adjust":  # R 4.1.1 centres a lonely PSU at zero; govsurvey at the grand mean
        got = d.mean("enroll").iloc[0]
        want = _row(ref, case, "mean", "enroll")
        np.testing.assert_allclose(got["se"], want["se"], rtol=RTOL)


def test_replicate_domain_df_is_the_domains_own(ref):
    st = pd.read_csv(FIX / "apistrat.csv")
    r = Design(st, strata="stype", fpc="fpc").replicate("jkn")
    assert r.df == _row(ref, "jkn_domain", "degf", "")["df"]
    got = r.mean("api00", by="stype").set_index("stype")
    for lev in ["E", "H", "M"]:
        want = _row(ref, "jkn_domain", "mean", "api00", lev)
        np.testing.assert_allclose(got.loc[lev, "se"], want["se"], rtol=RTOL)
        assert got.loc[lev, "df"] == want["df"]


def test_jk1_domain_inside_one_psu_has_no_df(ref):
    ac = pd.read_csv(FIX / "apiclus1_dom.csv")
    r = Design(ac, weights="pw", psu="dnum").replicate("jk1")
    got = r.mean("api00", by="dom").set_index("dom")
    for lev in ["inside", "rest"]:
        want = _row(ref, "jk1_domain", "mean", "api00", lev)
        np.testing.assert_allclose(got.loc[lev, "estimate"], want["estimate"], rtol=RTOL)
        np.testing.assert_allclose(got.loc[lev, "se"], want["se"], rtol=RTOL, atol=1e-9)
        assert got.loc[lev, "df"] == want["df"]
    # no interval can be formed on 0 df: it is NaN, not a zero-width interval
    assert np.isnan(got.loc["inside", "ci_low"]) and np.isnan(got.loc["inside", "ci_high"])
