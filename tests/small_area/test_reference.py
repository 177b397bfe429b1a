"""EBLUP, model variance and Prasad–Rao MSE against an independent implementation in R.

``tests/fixtures/small_area/make_fixtures.R`` writes the formulas of Rao & Molina (2015), ch. 6,
in base R (matrices, no vectorised shortcuts): REML and ML by Fisher scoring, the FH moment
estimator, g1, g2, g3, the Datta–Lahiri (ML) and Datta–Rao–Smith (FH) bias terms, and synthetic
predictions with their MSE for the 6 areas without a direct estimate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "small_area"
RTOL = 1e-6


@pytest.fixture(scope="module")
def data():
    d = pd.read_csv(FIX / "fh_data.csv")
    direct = d[d["sampled"] == 1].assign(estimate=lambda t: t["y"], se=lambda t: t["psi"] ** 0.5)
    return direct[["unit", "estimate", "se"]], d[["unit", "x1", "x2"]]


@pytest.fixture(scope="module")
def reference():
    return pd.read_csv(FIX / "fh_reference.csv")


@pytest.mark.parametrize("method", ["reml", "ml", "fh"])
def test_fay_herriot_equals_the_r_reference(data, reference, method):
    direct, cov = data
    out = gs.fay_herriot(direct, cov, unit="unit", method=method)
    ref = reference[reference["method"] == method].set_index("unit").loc[out["unit"]]
    model = out.attrs["model"]
    assert model["converged"]
    np.testing.assert_allclose(model["sigma2_u"], ref["sigma2_u"].iloc[0], rtol=RTOL)
    beta = [model["beta"][k] for k in ("(intercept)", "x1", "x2")]
    np.testing.assert_allclose(beta, ref[["beta0", "beta1", "beta2"]].iloc[0], rtol=RTOL)
    np.testing.assert_allclose(out["estimate"], ref["estimate"], rtol=RTOL)
    np.testing.assert_allclose(out["mse"], ref["mse"], rtol=RTOL)
    np.testing.assert_allclose(out["se"] ** 2, ref["mse"], rtol=RTOL)
    np.testing.assert_allclose(out["shrinkage"], ref["gamma"], rtol=RTOL, atol=1e-12)
    diag = out.attrs["diagnostics"]
    inside = ref.iloc[: len(diag)]
    for g in ("g1", "g2", "g3"):
        np.testing.assert_allclose(diag[g], inside[g], rtol=RTOL)
    assert out["method"].tolist() == ["fh"] * 40 + ["synthetic"] * 6


def test_the_three_estimators_differ(data, reference):
    """The fixture distinguishes the methods (a test that would pass for any one of them)."""
    s2 = reference.groupby("method")["sigma2_u"].first()
    assert s2["ml"] < s2["reml"] < s2["fh"]
    assert abs(s2["reml"] / s2["ml"] - 1) > 0.05


def test_interval_is_normal_on_the_mse(data):
    direct, cov = data
    out = gs.fay_herriot(direct, cov, unit="unit", level=0.9)
    z = 1.6448536269514722
    np.testing.assert_allclose(out["ci_high"] - out["estimate"], z * out["se"], rtol=1e-12)
    np.testing.assert_allclose(out["estimate"] - out["ci_low"], z * out["se"], rtol=1e-12)
    assert out.attrs["level"] == 0.9
