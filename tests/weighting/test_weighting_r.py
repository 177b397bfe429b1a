"""Post-stratification, raking and calibration against R's survey (values in fixtures).

`tests/fixtures/weighting/make_fixtures.R` wrote the reference values with R 4.2.2 and survey
4.1.1: estimates, SEs (the calibration-adjusted variance) and every adjusted weight, on Taylor
designs and on replicate designs whose replicates were each re-adjusted. Agreement to 1e-6
relative; R is not needed to run these tests.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsurvey.design import Design
from govsurvey.weighting import calibrate, poststratify, rake, trim

FIX = Path(__file__).parent.parent / "fixtures"
DES = FIX / "design"
WFX = FIX / "weighting"

STRAT = pd.read_csv(DES / "apistrat.csv")
CLUS1 = pd.read_csv(DES / "apiclus1.csv")
POP = pd.read_csv(WFX / "populations.csv", keep_default_na=False)
REF = pd.read_csv(WFX / "r_weighting.csv", keep_default_na=False)
WREF = pd.read_csv(WFX / "r_weights.csv")


def margin(var):
    p = POP[POP["variable"] == var]
    return dict(zip(p["level"], p["total"].astype(float), strict=True))


def total(var):
    return float(POP.loc[POP["variable"] == var, "total"].iloc[0])


TYPES, SCHWIDE, AWARDS = margin("stype"), margin("sch.wide"), margin("awards")
CELLS = pd.DataFrame(
    [(*k.split(":"), v) for k, v in margin("stype:sch.wide").items()],
    columns=["stype", "sch.wide", "N"],
)
N, API99, ENROLL = total("(total)"), total("api99"), total("enroll")
CAL = {"stype": TYPES, "api99": API99}


def dstrat():
    return Design(STRAT, strata="stype", weights="pw", fpc="fpc")


def dclus1():
    return Design(CLUS1, psu="dnum", weights="pw", fpc="fpc")


CASES = {
    "ps_strat_awards": lambda: poststratify(dstrat(), "awards", AWARDS),
    "ps_clus1_stype": lambda: poststratify(dclus1(), "stype", TYPES),
    "ps_clus1_cells": lambda: poststratify(dclus1(), ["stype", "sch.wide"], CELLS),
    "rake_clus1": lambda: rake(
        dclus1(), {"stype": TYPES, "sch.wide": SCHWIDE}, epsilon=1, maxit=10
    ),
    "rake_clus1_tight": lambda: rake(
        dclus1(), {"stype": TYPES, "sch.wide": SCHWIDE}, epsilon=1e-12, maxit=100
    ),
    "rake_strat": lambda: rake(
        dstrat(), {"awards": AWARDS, "sch.wide": SCHWIDE}, epsilon=1e-12, maxit=100
    ),
    "cal_linear": lambda: calibrate(dclus1(), CAL),
    "cal_raking": lambda: calibrate(dclus1(), CAL, method="raking"),
    "cal_logit": lambda: calibrate(dclus1(), CAL, method="logit", bounds=(0.7, 1.7)),
    "cal_linear_bounded": lambda: calibrate(dclus1(), CAL, bounds=(0.7, 1.7)),
    "cal_strat": lambda: calibrate(dstrat(), {"sch.wide": SCHWIDE, "enroll": ENROLL}),
    "ps_then_cal": lambda: calibrate(
        poststratify(dstrat(), "awards", AWARDS), {"api99": API99}, population_size=N
    ),
    "rake_then_trim": lambda: trim(
        rake(dclus1(), {"stype": TYPES, "sch.wide": SCHWIDE}, epsilon=1e-12, maxit=100),
        upper=60,
    ),
    "rep_ps_clus1": lambda: poststratify(dclus1().replicate("jk1"), "stype", TYPES),
    "rep_rake_clus1": lambda: rake(
        dclus1().replicate("jk1"), {"stype": TYPES, "sch.wide": SCHWIDE}, epsilon=1e-12
    ),
    "rep_cal_linear": lambda: calibrate(dclus1().replicate("jk1"), CAL),
    "rep_cal_raking": lambda: calibrate(dclus1().replicate("jk1"), CAL, method="raking"),
    "rep_ps_strat": lambda: poststratify(dstrat().replicate("jkn"), "awards", AWARDS),
}


def ours(d) -> pd.DataFrame:
    """Our estimates in the fixture's shape: statistic, variable, domain, estimate, se."""
    parts = []
    m = d.mean("api00")
    parts.append(m.assign(statistic="mean", domain=""))
    t = d.total("enroll")
    parts.append(t.assign(statistic="total", domain=""))
    p = d.proportion("awards")
    parts.append(p.assign(statistic="prop", variable="awards" + p["category"], domain=""))
    r = d.ratio("api00", "api99")
    parts.append(r.assign(statistic="ratio", domain=""))
    mb = d.mean("api00", by="awards")
    parts.append(mb.assign(statistic="mean_by_awards", domain=mb["awards"], variable=""))
    tb = d.total("enroll", by="sch.wide")
    parts.append(tb.assign(statistic="total_by_schwide", domain=tb["sch.wide"], variable=""))
    cols = ["statistic", "variable", "domain", "estimate", "se"]
    return pd.concat([x[cols] for x in parts], ignore_index=True)


#: Chained adjustments (post-stratification then calibration; raking then trimming) use R's
#: rule: every recorded step is applied to ``z * w`` with ``w`` the final weights. Kept as a
#: per-case tolerance table in case a future R changes a chain's semantics.
SE_RTOL: dict[str, float] = {}


@pytest.mark.parametrize("case", list(CASES))
def test_estimates_and_ses_equal_r(case):
    d = CASES[case]()
    ref = REF[REF["case"] == case]
    assert len(ref) == 9
    got = ours(d).merge(ref, on=["statistic", "variable", "domain"], suffixes=("", "_r"))
    assert len(got) == len(ref)
    np.testing.assert_allclose(got["estimate"], got["estimate_r"], rtol=1e-6)
    # an SE that R gives as (numerically) zero, e.g. a post-stratum's own count
    np.testing.assert_allclose(
        got["se"], got["se_r"], rtol=SE_RTOL.get(case, 1e-6), atol=1e-6 * got["se_r"].max()
    )


@pytest.mark.parametrize("case", list(CASES))
def test_adjusted_weights_equal_r(case):
    d = CASES[case]()
    ref = WREF[WREF["case"] == case].sort_values("row")
    np.testing.assert_allclose(d.weight_values, ref["weight"], rtol=1e-6)
    assert d.diagnostics.converged
    assert d.diagnostics.n == len(ref)


def test_the_adjustment_changes_the_se():
    """Guard that the tests above can fail: without the calibration record the SE differs."""
    d = calibrate(dclus1(), CAL)
    plain = Design(CLUS1.assign(w2=d.weight_values), psu="dnum", weights="w2", fpc="fpc")
    ref = REF[(REF["case"] == "cal_linear") & (REF["statistic"] == "mean")]["se"].iloc[0]
    assert abs(plain.mean("api00")["se"].iloc[0] / ref - 1) > 0.5
    assert abs(d.mean("api00")["se"].iloc[0] / ref - 1) < 1e-6
