"""Design-based glm / ordinal against R's svyglm / svyolr (fixtures from make_fixtures.R)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsurvey.design import Design
from govsurvey.drivers.models import glm, ordinal
from govsurvey.errors import InputError

FIX = Path(__file__).parent.parent / "fixtures"
FORMULAS = {
    "gaussian": "api00 ~ ell + meals + stype",
    "binomial": "awards_yes ~ ell + meals + api99",
}


def _read(name):
    df = pd.read_csv(FIX / "design" / name)
    return df.assign(awards_yes=(df["awards"] == "Yes").astype(int))


@pytest.fixture(scope="module")
def designs():
    strat, c1, c2 = _read("apistrat.csv"), _read("apiclus1.csv"), _read("apiclus2.csv")
    return {
        "strat_fpc": Design(strat, strata="stype", fpc="fpc"),
        "clus1_fpc": Design(c1, psu="dnum", fpc="fpc"),
        "clus2_fpc": Design(c2, psu=["dnum", "snum"], fpc=["fpc1", "fpc2"]),
        "clus1_jk1": Design(c1, psu="dnum", weights="pw").replicate("jk1"),
        "strat_jkn": Design(strat, strata="stype", weights="pw").replicate("jkn"),
    }


def _r_name(term):
    return term.replace("[T.", "").replace("]", "").replace("Intercept", "(Intercept)")


@pytest.mark.parametrize("family", ["gaussian", "binomial"])
@pytest.mark.parametrize("case", ["strat_fpc", "clus1_fpc", "clus2_fpc", "clus1_jk1", "strat_jkn"])
def test_glm_equals_svyglm(designs, case, family):
    ref = pd.read_csv(FIX / "drivers" / "r_glm.csv")
    ref = ref[(ref["case"] == case) & (ref["model"] == family)].set_index("term")
    got = designs[case].glm(FORMULAS[family], family=family)
    got = got.assign(term=got["term"].map(_r_name)).set_index("term").loc[ref.index]
    assert list(got.columns) == ["estimate", "se", "ci_low", "ci_high", "df", "p_value"]
    np.testing.assert_allclose(got["estimate"], ref["estimate"], rtol=1e-8)
    np.testing.assert_allclose(got["se"], ref["se"], rtol=1e-6)
    assert (got["df"] == ref["df"]).all()
    assert (got["ci_low"] < got["estimate"]).all() and (got["p_value"] <= 1).all()


def test_ordinal_equals_svyolr():
    ref = pd.read_csv(FIX / "drivers" / "r_glm.csv")
    ref = ref[ref["model"] == "ordinal"].set_index("term")
    m = pd.read_csv(FIX / "drivers" / "mealcat.csv")
    got = Design(m, psu="dnum", fpc="fpc").ordinal("mealcat ~ api00h + ell").set_index("term")
    got = got.loc[ref.index]
    np.testing.assert_allclose(got["estimate"], ref["estimate"], rtol=1e-7)
    # svyolr's SE uses optim's finite-difference Hessian (ndeps 1e-3): agreement ~3e-5
    np.testing.assert_allclose(got["se"], ref["se"], rtol=1e-4)


def test_ordinal_point_estimates_equal_statsmodels_on_unit_weights():
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    m = pd.read_csv(FIX / "drivers" / "mealcat.csv")
    got = ordinal(Design(m, psu="dnum"), "mealcat ~ api00h + ell")
    om = OrderedModel(m["mealcat"] - 1, m[["api00h", "ell"]], distr="logit")
    res = om.fit(method="bfgs", disp=False, maxiter=10000, gtol=1e-7)
    cuts = om.transform_threshold_params(res.params)[1:-1]
    np.testing.assert_allclose(got["estimate"], [*res.params[:2], *cuts], rtol=1e-6)


def test_ordinal_replicate_design_runs_batched():
    m = pd.read_csv(FIX / "drivers" / "mealcat.csv")
    taylor = Design(m, psu="dnum", weights="pw").ordinal("mealcat ~ api00h + ell")
    rep = Design(m, psu="dnum", weights="pw").replicate("jk1").ordinal("mealcat ~ api00h + ell")
    np.testing.assert_allclose(rep["estimate"], taylor["estimate"], rtol=1e-9)
    ratio = rep["se"] / taylor["se"]
    assert ((ratio > 0.8) & (ratio < 1.3)).all(), ratio.tolist()


def test_rows_with_missing_values_get_zero_weight_like_r_subset(designs):
    d = designs["strat_fpc"]
    data = d.data.copy()
    data.loc[data.index[:10], "ell"] = np.nan
    a = Design(data, strata="stype", fpc="fpc").glm("api00 ~ ell + meals")
    keep = np.ones(len(data))
    keep[:10] = 0
    b = Design(data.assign(ell=data["ell"].fillna(0)), strata="stype", fpc="fpc")
    b = b.with_weights(b.weight_values * keep).glm("api00 ~ ell + meals")
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["n"] == len(data) - 10


def test_dont_know_codes_in_scale_columns_are_missing():
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"C1_1": rng.integers(1, 6, 200).astype(float), "psu": np.arange(200)})
    df["overall"] = np.clip(df["C1_1"] + rng.integers(-1, 2, 200), 1, 5)
    coded = df.copy()
    coded.loc[:19, "C1_1"] = 8
    a = glm(Design(coded, psu="psu"), "overall ~ C1_1")
    b = glm(
        Design(coded.assign(C1_1=coded["C1_1"].where(coded["C1_1"] < 8)), psu="psu"),
        "overall ~ C1_1",
    )
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["n"] == 180


def test_bad_input(designs):
    d = designs["strat_fpc"]
    with pytest.raises(InputError, match="0/1 outcome"):
        d.glm("api00 ~ ell", family="binomial")
    with pytest.raises(InputError, match="'nope', which is not a column"):
        d.glm("api00 ~ nope")
    with pytest.raises(InputError, match="collinear"):
        Design(d.data.assign(ell2=2 * d.data["ell"]), strata="stype", fpc="fpc").glm(
            "api00 ~ ell + ell2"
        )
    with pytest.raises(InputError, match="unknown family"):
        d.glm("api00 ~ ell", family="poisson")
    with pytest.raises(InputError, match="outcome ~ predictors"):
        d.glm("api00")
    with pytest.raises(InputError, match="at least 3 ordered values"):
        d.ordinal("awards_yes ~ ell")
    sep = d.data.assign(yy=(d.data["ell"] > 20).astype(int))
    with pytest.raises(InputError, match="did not converge"):
        Design(sep, strata="stype", fpc="fpc").glm("yy ~ ell", family="binomial")


def test_ordinal_information_is_the_hessian_of_the_weighted_loglikelihood():
    """The sandwich's bread: our analytic information equals a finite-difference Hessian."""
    from govsurvey.drivers.models import _olr_jac, _olr_parts

    m = pd.read_csv(FIX / "drivers" / "mealcat.csv")
    fit = ordinal(Design(m, psu="dnum", weights="pw"), "mealcat ~ api00h + ell")
    theta = fit["estimate"].to_numpy()[None, :]
    X = m[["api00h", "ell"]].to_numpy(float)
    yi = m["mealcat"].to_numpy() - 1
    w = m["pw"].to_numpy(float)

    def score(th):
        Ja, Jb = _olr_jac(X, yi, 4)
        la, lb, *_ = _olr_parts(th[None, :], X, yi, 4)
        return (w * la[:, 0]) @ Ja + (w * lb[:, 0]) @ Jb

    h = 1e-6
    k = theta.shape[1]
    H = np.column_stack(
        [
            (score(theta[0] + h * np.eye(k)[j]) - score(theta[0] - h * np.eye(k)[j])) / (2 * h)
            for j in range(k)
        ]
    )
    np.testing.assert_allclose(score(theta[0]), 0, atol=1e-6 * np.abs(H).max())
    Ja, Jb = _olr_jac(X, yi, 4)
    _, _, laa, lbb, lab, _ = (v[:, 0] for v in _olr_parts(theta, X, yi, 4))
    info = -(
        (Ja * (w * laa)[:, None]).T @ Ja
        + (Jb * (w * lbb)[:, None]).T @ Jb
        + (Ja * (w * lab)[:, None]).T @ Jb
        + (Jb * (w * lab)[:, None]).T @ Ja
    )
    np.testing.assert_allclose(info, -H, rtol=1e-5, atol=1e-6 * np.abs(H).max())


@pytest.mark.parametrize("family", ["gaussian", "binomial"])
def test_glm_on_a_post_stratified_design_equals_svyglm(family):
    """The calibration recorded by the weighting step reaches the model's variance."""
    from govsurvey.weighting.poststratify import poststratify

    ref = pd.read_csv(FIX / "drivers" / "r_glm.csv")
    ref = ref[(ref["case"] == "clus1_ps") & (ref["model"] == family)].set_index("term")
    d = poststratify(
        Design(_read("apiclus1.csv"), psu="dnum", weights="pw"),
        "stype",
        {"E": 4421, "H": 755, "M": 1018},
    )
    got = d.glm(FORMULAS[family], family=family)
    got = got.assign(term=got["term"].map(_r_name)).set_index("term").loc[ref.index]
    np.testing.assert_allclose(got["estimate"], ref["estimate"], rtol=1e-8)
    np.testing.assert_allclose(got["se"], ref["se"], rtol=1e-6)
