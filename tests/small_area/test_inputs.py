"""Bad input to gs.fay_herriot: one clear InputError naming fault and fix, or a stated choice."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.errors import InputError


def make(m=30, k=5, seed=4, sigma=3.0, se=2.5):
    rng = np.random.default_rng(seed)
    cov = pd.DataFrame(
        {
            "ward": [f"W{i:02d}" for i in range(m + k)],
            "x": rng.normal(size=m + k),
            "area": rng.choice(["urban", "rural"], m + k),
        }
    )
    truth = 80 + 4 * cov["x"] + rng.normal(0, sigma, m + k)
    direct = pd.DataFrame(
        {
            "ward": cov["ward"][:m],
            "estimate": (truth[:m] + rng.normal(0, se, m)).clip(1, 99),
            "se": se,
            "n": 50,
        }
    )
    return direct, cov


def test_fewer_units_than_covariates_plus_two():
    direct, cov = make(m=3, k=0)
    with pytest.raises(InputError, match="at least covariates \\+ 2 units"):
        gs.fay_herriot(direct, cov)
    # three units and one covariate is the smallest model that fits
    gs.fay_herriot(direct, cov, x=["x"])


@pytest.mark.parametrize("bad", [0.0, np.nan, -1.0])
def test_zero_or_missing_direct_variance(bad):
    direct, cov = make()
    direct.loc[4, "se"] = bad
    with pytest.raises(InputError) as err:
        gs.fay_herriot(direct, cov)
    p = err.value.problems[0]
    assert p.row == 6 and p.column == "se"
    assert "variances='fill'" in str(err.value)
    # the stated remedy: the GVF fills that one unit's variance from the others
    out = gs.fay_herriot(direct, cov, variances="fill")
    diag = out.attrs["diagnostics"]
    assert diag["gvf"].tolist() == [i == 4 for i in range(30)]
    np.testing.assert_allclose(diag["psi"][4], out.attrs["model"]["gvf_constant"] / 50)
    np.testing.assert_allclose(out.attrs["model"]["gvf_constant"], 2.5**2 * 50)


def test_gvf_needs_the_forms():
    direct, cov = make()
    direct.loc[4, "se"] = 0.0
    with pytest.raises(InputError, match="column 'n'"):
        gs.fay_herriot(direct.drop(columns="n"), cov, variances="fill")


def test_constant_covariate():
    direct, cov = make()
    cov["one"] = 7.0
    with pytest.raises(InputError, match="'one' is constant") as err:
        gs.fay_herriot(direct, cov)
    assert err.value.problems[0].column == "one"


def test_collinear_covariate():
    direct, cov = make()
    cov["x2"] = 2 * cov["x"] + 1
    with pytest.raises(InputError, match="'x2' is a linear combination") as err:
        gs.fay_herriot(direct, cov)
    assert "collinear" in str(err.value)


def test_collinear_categories():
    direct, cov = make()
    cov["zone"] = cov["area"].map({"urban": "A", "rural": "B"})
    with pytest.raises(InputError, match="zone\\[B\\]"):
        gs.fay_herriot(direct, cov)


def test_model_variance_at_zero_reduces_to_synthetic(caplog):
    direct, cov = make()
    # direct estimates that scatter less around the regression than their SEs allow
    direct["estimate"] = 80 + 4 * cov["x"][:30] + 0.1 * np.sin(np.arange(30))
    with caplog.at_level(logging.WARNING, logger="govsurvey.small_area"):
        out = gs.fay_herriot(direct, cov, x=["x"])
    model = out.attrs["model"]
    assert model["sigma2_u"] == 0.0
    assert any("reduces to the synthetic" in n for n in model["notes"])
    assert "sigma2_u estimated at 0" in caplog.text
    assert (out["shrinkage"] == 0).all()
    syn = model["beta"]["(intercept)"] + model["beta"]["x"] * cov["x"]
    np.testing.assert_allclose(out["estimate"], syn, rtol=1e-12)


@pytest.mark.parametrize("edge", [0.0, 100.0])
def test_rate_of_exactly_0_or_100_on_the_logit_scale(edge):
    direct, cov = make()
    direct.loc[2, "estimate"] = edge
    with pytest.raises(InputError, match="no logit") as err:
        gs.fay_herriot(direct, cov, transform="logit")
    assert err.value.problems[0].row == 4
    assert "transform='arcsin'" in str(err.value)
    # the stated alternative: the arcsine is defined there, with a GVF variance
    direct.loc[2, "se"] = 0.0
    out = gs.fay_herriot(direct, cov, transform="arcsin", variances="fill", replicates=50)
    assert np.isfinite(out["estimate"]).all() and (out["mse"] > 0).all()


def test_rate_outside_the_scale():
    direct, cov = make()
    direct.loc[0, "estimate"] = 104.0
    with pytest.raises(InputError, match="outside 0..100"):
        gs.fay_herriot(direct, cov, transform="arcsin")


def test_unknown_and_duplicated_units_and_missing_values():
    direct, cov = make()
    with pytest.raises(InputError, match="has a direct estimate but no covariates"):
        gs.fay_herriot(direct, cov.iloc[1:])
    with pytest.raises(InputError, match="more than once"):
        gs.fay_herriot(pd.concat([direct, direct.iloc[[0]]]), cov)
    bad = cov.copy()
    bad.loc[3, "x"] = np.nan
    with pytest.raises(InputError, match="'x' is missing") as err:
        gs.fay_herriot(direct, bad)
    assert err.value.problems[0].row == 5
    d2 = direct.copy()
    d2.loc[1, "estimate"] = np.nan
    with pytest.raises(InputError, match="missing or non-numeric"):
        gs.fay_herriot(d2, cov)
    with pytest.raises(InputError, match="no column 'se'"):
        gs.fay_herriot(direct.drop(columns="se"), cov)


def test_several_codes_and_bad_choices():
    direct, cov = make()
    two = pd.concat([direct.assign(code="C1"), direct.assign(code="C2")])
    with pytest.raises(InputError, match="several index figures"):
        gs.fay_herriot(two, cov)
    for kw in ({"method": "reml2"}, {"transform": "probit"}, {"variances": "smooth"}):
        with pytest.raises(InputError, match="unknown"):
            gs.fay_herriot(direct, cov, **kw)
    with pytest.raises(InputError, match="benchmark"):
        gs.fay_herriot(direct, cov, benchmark="city")
    with pytest.raises(InputError, match="no benchmark value"):
        gs.fay_herriot(direct, cov, benchmark={"urban": 80.0}, benchmark_by="area")


def test_fill_variances_resting_on_few_forms():
    direct, cov = make()
    direct["n"] = np.where(np.arange(30) < 3, 4, 50)
    direct.loc[:2, "se"] = 0.5  # too small to be believed: four forms
    out = gs.fay_herriot(direct, cov, variances="fill", min_forms=10)
    diag = out.attrs["diagnostics"]
    assert diag["gvf"].tolist() == [i < 3 for i in range(30)]
    np.testing.assert_allclose(out.attrs["model"]["gvf_constant"], 2.5**2 * 50)
    np.testing.assert_allclose(diag["psi"][:3], 2.5**2 * 50 / 4)


def test_identifier_columns_are_not_covariates():
    direct, cov = make()
    cov["name"] = "Phường " + cov["ward"]
    out = gs.fay_herriot(direct, cov)
    assert set(out.attrs["model"]["beta"]) == {"(intercept)", "x", "area[urban]"}
    assert any("'name'" in n for n in out.attrs["model"]["notes"])
    with pytest.raises(InputError, match="at least covariates \\+ 2"):
        gs.fay_herriot(direct, cov, x=["x", "name"])
