"""The engine's public hooks: variance(influence, by) and with_weights(weights, calibration)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsurvey.design import Design
from govsurvey.errors import InputError

FIX = Path(__file__).parent.parent / "fixtures" / "design"


@pytest.fixture(scope="module")
def strat():
    return pd.read_csv(FIX / "apistrat.csv")


class Identity:
    def adjust(self, z):
        return z


class Greg:
    """Residuals from the weighted regression on [1, x]: a GREG calibration's adjustment."""

    def __init__(self, w, x):
        self.w = w
        self.X = np.column_stack([np.ones_like(x), x])

    def adjust(self, z):
        XtW = self.X.T * self.w
        return z - self.X @ np.linalg.solve(XtW @ self.X, XtW @ z)


def test_variance_of_influence_equals_the_estimators(strat):
    d = Design(strat, weights="pw", strata="stype", fpc="fpc")
    total = d.total("enroll", by="stype")
    v = d.variance(strat["enroll"].to_numpy(), by="stype")
    np.testing.assert_allclose(np.sqrt(v[:, 0]), total["se"], rtol=1e-12)


def test_with_weights_equals_a_design_built_on_those_weights(strat):
    w2 = strat["pw"].to_numpy() * np.where(strat["stype"] == "E", 1.1, 0.9)
    a = Design(strat, weights="pw", strata="stype", fpc="fpc").with_weights(w2)
    b = Design(strat.assign(w2=w2), weights="w2", strata="stype", fpc="fpc")
    pd.testing.assert_frame_equal(
        a.mean(["api00", "api99"], by="cname").iloc[:40],
        b.mean(["api00", "api99"], by="cname").iloc[:40],
    )


def test_identity_calibration_leaves_domain_variances_unchanged(strat):
    d = Design(strat, weights="pw", strata="stype", fpc="fpc")
    cal = d.with_weights(d.weight_values, calibration=Identity())
    a = d.mean(["api00", "api99"], by="awards")
    b = cal.mean(["api00", "api99"], by="awards")
    np.testing.assert_allclose(a["se"], b["se"], rtol=1e-12)


def test_calibration_residuals_reach_every_domain(strat):
    """A regression residual is non-zero outside the domain, so each domain's variance is that
    of its own column of residuals over the whole sample."""
    d = Design(strat, weights="pw", strata="stype", fpc="fpc")
    greg = Greg(d.weight_values, strat["api99"].to_numpy(float))
    cal = d.with_weights(d.weight_values, calibration=greg)
    whole = cal.total("api00")  # calibrated on api99, api00's variance shrinks a lot
    assert whole["se"].iloc[0] < 0.25 * d.total("api00")["se"].iloc[0]
    dom_a, dom_b = d.total("enroll", by="awards"), cal.total("enroll", by="awards")
    assert (np.abs(dom_a["se"].to_numpy() - dom_b["se"].to_numpy()) > 1e-6).all()
    # expanded by hand: one column per domain, residualised, whole-population variance
    z = strat["enroll"].to_numpy()
    g = (strat["awards"] == "Yes").to_numpy()
    Z = np.column_stack([np.where(~g, z, 0.0), np.where(g, z, 0.0)])
    Zc = greg.adjust(Z)
    np.testing.assert_allclose(np.sqrt(d.variance(Zc)[0]), dom_b["se"], rtol=1e-12)


def test_bad_hook_input_is_an_input_error(strat):
    d = Design(strat, weights="pw", strata="stype", fpc="fpc")
    with pytest.raises(InputError, match="one row of influence values"):
        d.variance(np.ones(3))
    with pytest.raises(InputError, match="NaN or infinite"):
        d.variance(np.full(len(strat), np.nan))
    with pytest.raises(InputError, match="negative"):
        d.with_weights(-d.weight_values)
    with pytest.raises(InputError, match="adjust"):
        d.with_weights(d.weight_values, calibration=object())


def test_replicate_hooks(strat):
    r = Design(strat, weights="pw", strata="stype").replicate("jkn")
    A = r.replicate_weights()
    y = strat["api00"].to_numpy()
    theta = (A * y[:, None]).sum(0) / A.sum(0)
    est = (r.weight_values * y).sum() / r.weight_values.sum()
    se = np.sqrt(r.variance_from_replicates(theta, np.array(est)))
    np.testing.assert_allclose(se, r.mean("api00")["se"].iloc[0], rtol=1e-12)
    w2 = r.weight_values * 1.5
    r2 = r.with_weights(w2)
    np.testing.assert_allclose(r2.total("enroll")["estimate"], 1.5 * r.total("enroll")["estimate"])
    np.testing.assert_allclose(r2.total("enroll")["se"], 1.5 * r.total("enroll")["se"])
    with pytest.raises(InputError, match="variance_from_replicates"):
        r.variance(y)
    assert "replicates" in set(r.summary()["item"])


def test_an_all_missing_domain_says_so_without_numpy_warnings():
    import warnings

    df = pd.DataFrame(
        {
            "y": [1.0, 2, np.nan, np.nan, 5, 6],
            "g": ["a", "a", "b", "b", "c", "c"],
            "s": [1, 1, 2, 2, 3, 3],
            "p": [1, 2, 3, 4, 5, 6],
        }
    )
    d = Design(df, strata="s", psu="p")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for design in (d, d.replicate("jkn")):
            m = design.mean("y", by="g").set_index("g")
            assert np.isnan(m.loc["b", "estimate"]) and np.isnan(m.loc["b", "se"])
            assert m.attrs["notes"] == ["y has no non-missing value in g=b"]
            assert d.proportion("y", by="g").attrs["notes"]
