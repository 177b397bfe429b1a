"""Models fitted on a domain take the domain's df, as R's svyglm on subset(design, domain).

Fixtures from ``tests/fixtures/drivers/make_domain_models.R`` (``r_glm_domain.csv``). A domain
is given three ways: zero weights outside it (``with_weights``), the outcome missing outside it,
and (replicate designs) replicate weights zeroed outside it; each gives R's coefficients, SEs
and ``df.residual = degf(subset) + 1 - p``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsurvey.design import Design
from govsurvey.errors import InputError

FIX = Path(__file__).parent.parent / "fixtures"
FORMULA = {"gaussian": "api00 ~ ell + meals", "binomial": "awards_yes ~ ell + meals"}
REF = pd.read_csv(FIX / "drivers" / "r_glm_domain.csv")


def _read(name):
    df = pd.read_csv(FIX / "design" / name)
    return df.assign(awards_yes=(df["awards"] == "Yes").astype(float))


def _design(case, data):
    if case == "clus2_E":
        return Design(data, psu=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    if case == "strat_E":
        return Design(data, strata="stype", fpc="fpc")
    if case.startswith("stratclus"):
        d = Design(data, strata="stype", psu="dnum", weights="pw", nest=True)
        return d.replicate("jkn") if case.endswith("jkn") else d
    return Design(data, strata="stype", weights="pw").replicate("jkn")  # strat_jkn_E


def _data_and_domain(case):
    data = _read("apiclus2.csv" if case == "clus2_E" else "apistrat.csv")
    dom = (data["sch.wide"] == "Yes") if case.startswith("stratclus") else data["stype"] == "E"
    return data, dom.to_numpy()


CASES = ["clus2_E", "strat_E", "stratclus_yes", "stratclus_jkn", "strat_jkn_E"]


def _r_name(term):
    return term.replace("Intercept", "(Intercept)")


def _check(got, case, family):
    ref = REF[(REF["case"] == case) & (REF["model"] == family)].set_index("term")
    got = got.assign(term=got["term"].map(_r_name)).set_index("term").loc[ref.index]
    np.testing.assert_allclose(got["estimate"], ref["estimate"].astype(float), rtol=1e-8)
    np.testing.assert_allclose(got["se"], ref["se"].astype(float), rtol=1e-6)
    np.testing.assert_array_equal(got["df"], ref["df"].astype(float))


@pytest.mark.parametrize("family", ["gaussian", "binomial"])
@pytest.mark.parametrize("case", CASES)
def test_glm_on_zero_weight_domain_equals_svyglm_on_subset(case, family):
    data, dom = _data_and_domain(case)
    d = _design(case, data)
    got = d.with_weights(np.where(dom, d.weight_values, 0.0)).glm(FORMULA[family], family=family)
    _check(got, case, family)


@pytest.mark.parametrize("family", ["gaussian", "binomial"])
@pytest.mark.parametrize("case", CASES)
def test_glm_with_outcome_missing_outside_domain_equals_svyglm_on_subset(case, family):
    data, dom = _data_and_domain(case)
    outcome = FORMULA[family].split(" ~")[0]
    data[outcome] = data[outcome].where(dom)
    got = _design(case, data).glm(FORMULA[family], family=family)
    _check(got, case, family)


@pytest.mark.parametrize("case", CASES)
def test_domain_df_equals_degf_of_subset(case):
    data, dom = _data_and_domain(case)
    ref = REF[(REF["case"] == case) & (REF["model"] == "degf")].iloc[0]
    d = _design(case, data)
    assert d.df == ref["df"]  # the whole design's degf
    assert d.domain_df(dom) == float(ref["estimate"])


def test_ordinal_on_domain_takes_domain_df():
    data, dom = _data_and_domain("clus2_E")
    data["mealcat"] = pd.cut(data["meals"], [-1, 25, 50, 75, 100], labels=False) + 1.0
    d = _design("clus2_E", data)
    got = d.with_weights(np.where(dom, d.weight_values, 0.0)).ordinal("mealcat ~ api00 + ell")
    degf = float(REF.query("case == 'clus2_E' and model == 'degf'")["estimate"].iloc[0])
    assert (got["df"] == degf + 1 - len(got)).all()  # 2 slopes and the cut points
    whole = d.ordinal("mealcat ~ api00 + ell")
    assert (whole["df"] == d.df + 1 - len(whole)).all()


def test_model_on_empty_domain_is_one_clear_error():
    data, _ = _data_and_domain("clus2_E")
    d = _design("clus2_E", data)
    empty = d.with_weights(np.zeros(len(data)))
    for fit in (
        lambda: empty.glm(FORMULA["gaussian"]),
        lambda: empty.glm(FORMULA["binomial"], family="binomial"),
        lambda: empty.ordinal("api00 ~ ell"),
    ):
        with pytest.raises(InputError, match="empty domain"):
            fit()


def test_factor_level_absent_from_domain_is_named_not_called_collinear():
    data, dom = _data_and_domain("stratclus_yes")
    d = _design("stratclus_yes", data)
    elementary = d.with_weights(np.where(data["stype"] == "E", d.weight_values, 0.0))
    with pytest.raises(InputError) as err:
        elementary.glm("api00 ~ ell + stype")
    msg = str(err.value)
    assert "stype[T.H]" in msg and "no row among the rows used" in msg
    assert "collinear" not in msg
