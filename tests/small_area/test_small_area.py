"""Transforms and the bootstrap, GVF, benchmarking, the publication rule, units from a design."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special

import govsurvey as gs
from govsurvey.errors import InputError
from govsurvey.small_area import (
    PublicationRule,
    apply_rule,
    bias_diagnostic,
    fit,
    forms_needed,
    frame_covariates,
    method_label,
    publish_units,
    unit_direct,
)
from govsurvey.small_area.transform import back

from .test_inputs import make


def test_public_names():
    assert gs.fay_herriot is gs.small_area.fay_herriot
    assert "fay_herriot" in gs.__all__ and "small_area" in gs.__all__


def test_replicates_are_fitted_as_one_by_one():
    """The vectorised fit of B data vectors equals B separate fits."""
    rng = np.random.default_rng(5)
    X = np.column_stack([np.ones(60), rng.normal(size=60), rng.uniform(size=60)])
    psi = rng.uniform(1, 4, 60)
    Y = X @ [50.0, 2.0, -3.0] + rng.normal(0, 1.5, (7, 60)) + rng.normal(0, psi**0.5, (7, 60))
    for method in ("reml", "ml", "fh"):
        f = fit(Y, X, psi, method)
        assert f.converged.all()
        for b in range(7):
            one = fit(Y[b], X, psi, method)
            np.testing.assert_allclose(f.sigma2[b], one.sigma2[0], rtol=1e-8, atol=1e-10)
            np.testing.assert_allclose(f.beta[b], one.beta[0], rtol=1e-8)


@pytest.mark.parametrize("transform", ["logit", "arcsin"])
def test_back_transformation_is_the_mean_over_the_model_distribution(transform):
    inv = special.expit if transform == "logit" else (lambda e: np.sin(e) ** 2)
    for mu, s2 in [(1.2, 0.3), (2.5, 0.05), (0.7, 0.0)]:
        if s2 == 0:
            expected = inv(mu)
        else:

            def f(e, mu=mu, s2=s2):
                return inv(e) * np.exp(-((e - mu) ** 2) / (2 * s2)) / np.sqrt(2 * np.pi * s2)

            expected = integrate.quad(f, mu - 12 * s2**0.5, mu + 12 * s2**0.5, epsabs=1e-13)[0]
        got = float(back(np.array([mu]), np.array([s2]), transform)[0])
        assert got == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("transform", ["logit", "arcsin"])
def test_transformed_model_bootstrap_mse(transform):
    direct, cov = make(m=60, k=4, sigma=4.0, se=3.0)
    out = gs.fay_herriot(direct, cov, transform=transform, replicates=200, seed=3)
    again = gs.fay_herriot(direct, cov, transform=transform, replicates=200, seed=3)
    other = gs.fay_herriot(direct, cov, transform=transform, replicates=200, seed=4)
    pd.testing.assert_frame_equal(out, again)
    assert not np.allclose(out["mse"], other["mse"])
    model = out.attrs["model"]
    assert model["bootstrap"]["replicates"] == 200 and model["transform"] == transform
    assert ((out["ci_low"] < out["estimate"]) & (out["estimate"] < out["ci_high"])).all()
    assert ((out["ci_low"] >= 0) & (out["ci_high"] <= 100)).all()
    # the bootstrap MSE is of the size the delta method gives the model-scale Prasad-Rao MSE
    p = out["estimate"].to_numpy()[:60] / 100
    slope = p * (1 - p) if transform == "logit" else 2 * np.sqrt(p * (1 - p))
    g = out.attrs["diagnostics"]
    pr = g["g1"] + g["g2"] + 2 * g["g3"]
    ratio = out["mse"].to_numpy()[:60] / (1e4 * slope**2 * pr)
    assert 0.7 < np.median(ratio) < 1.4
    # and the untransformed model's MSE is close, as it should be for rates away from 0 and 100
    lin = gs.fay_herriot(direct, cov)
    assert 0.6 < np.median(out["mse"] / lin["mse"]) < 1.6


def test_gvf_for_every_unit():
    direct, cov = make()
    direct["n"] = np.arange(30) + 20
    direct["se"] = 15 / np.sqrt(direct["n"]) * (1 + 0.2 * np.cos(np.arange(30)))
    out = gs.fay_herriot(direct, cov, variances="gvf")
    K = (direct["se"] ** 2).sum() / (1 / direct["n"]).sum()
    np.testing.assert_allclose(out.attrs["model"]["gvf_constant"], K)
    np.testing.assert_allclose(out.attrs["diagnostics"]["psi"], K / direct["n"])
    assert out.attrs["diagnostics"]["gvf"].all()


@pytest.mark.parametrize("how", ["ratio", "difference"])
def test_benchmarked_estimates_add_up_exactly(how):
    direct, cov = make(m=40, k=10)
    cov["N"] = np.arange(50) * 13 + 100
    cov["district"] = np.where(np.arange(50) % 3 == 0, "A", "B")
    targets = pd.DataFrame({"district": ["A", "B"], "estimate": [78.0, 83.5]})
    out = gs.fay_herriot(
        direct,
        cov,
        benchmark=targets,
        benchmark_by="district",
        benchmark_weights="N",
        benchmark_method=how,
    )
    plain = gs.fay_herriot(direct, cov, x=["x", "area"])
    j = out.merge(cov, on="ward")
    agg = j.groupby("district").apply(lambda g: (g["N"] * g["estimate"]).sum() / g["N"].sum())
    np.testing.assert_allclose(agg.to_numpy(), [78.0, 83.5], rtol=1e-13)
    shift = out["estimate"] - plain["estimate"]
    np.testing.assert_allclose(out["mse"], plain["mse"] + shift**2, rtol=1e-12)
    assert not np.allclose(shift, 0)
    one = gs.fay_herriot(direct, cov, x=["x"], benchmark=81.0)
    np.testing.assert_allclose(one["estimate"].mean(), 81.0, rtol=1e-13)


def test_bias_diagnostic_finds_a_biased_model():
    rng = np.random.default_rng(8)
    model = rng.uniform(70, 90, 100)
    fine = bias_diagnostic(model + rng.normal(0, 2, 100), model, np.full(100, 2.0))
    off = bias_diagnostic(model + 3 + rng.normal(0, 2, 100), model, np.full(100, 2.0))
    assert fine["p_value"] > 0.01 and off["p_value"] < 1e-6


def test_diagnostics_recorded():
    direct, cov = make(m=50)
    out = gs.fay_herriot(direct, cov)
    model = out.attrs["model"]
    assert set(model["beta"]) == {"(intercept)", "x", "area[urban]"} == set(model["beta_se"])
    assert model["sigma2_u_se"] > 0 and model["bias"]["units"] == 50
    d = out.attrs["diagnostics"]
    resid = (d["direct"] - d["synthetic"]) / np.sqrt(model["sigma2_u"] + d["psi"])
    np.testing.assert_allclose(d["std_residual"], resid)
    t = gs.small_area.diagnostics_table(out)
    np.testing.assert_allclose(t["model"], out["estimate"][:50])


def test_plot(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    direct, cov = make()
    fig, ax = plt.subplots()
    gs.small_area.direct_vs_model_plot(gs.fay_herriot(direct, cov), ax, lang="vi")
    assert ax.get_xlabel() == "Ước lượng trực tiếp (%)" and len(ax.collections) == 1
    plt.close(fig)


def test_publication_rule():
    direct = pd.DataFrame(
        {
            "ward": list("abcde"),
            "estimate": [80.0, 70.0, 60.0, 75.0, np.nan],
            "se": [2.0, 9.0, 20.0, 1.0, np.nan],
            "n": [400, 40, 35, 10, 0],
        }
    )
    model = pd.DataFrame(
        {
            "ward": list("abcde"),
            "estimate": [80.5, 75.0, 66.0, 74.0, 77.0],
            "mse": [3.0, 16.0, 100.0, 2.0, 25.0],
            "method": ["fh"] * 4 + ["synthetic"],
            "shrinkage": [0.6, 0.2, 0.1, 0.3, 0.0],
            "n": [400, 40, 35, 10, 0],
        }
    )
    model["se"] = np.sqrt(model["mse"])
    model["ci_low"] = model["estimate"] - 1.96 * model["se"]
    model["ci_high"] = model["estimate"] + 1.96 * model["se"]
    out = apply_rule(direct, model, rule=PublicationRule(min_cell=30))
    assert out["method"].tolist() == ["direct", "fh", "suppressed", "suppressed", "synthetic"]
    assert out["estimate"].tolist()[:2] == [80.0, 75.0] and np.isnan(out["estimate"][2])
    assert out["label_vi"][1] == "ước lượng mô hình" and out["label_en"][0] == "direct"
    loose = apply_rule(
        direct, model, rule=PublicationRule(max_cv=0.2, max_model_cv=0.2, min_cell=5)
    )
    assert loose["method"].tolist() == ["direct", "direct", "fh", "direct", "synthetic"]
    strict = apply_rule(direct, model, rule=PublicationRule(min_effective_n=500))
    assert strict["method"][0] == "fh"
    assert method_label("suppressed", "vi") == "không công bố"
    with pytest.raises(InputError):
        PublicationRule(max_cv=-1)


@pytest.fixture(scope="module")
def ward_frame(city):
    cov = frame_covariates(city.frame(), unit="psu")
    x = [c for c in cov.columns if c not in ("psu", "district", "N")]
    pub = publish_units(
        city.design(),
        city.instrument,
        cov,
        unit="psu",
        x=x,
        benchmark_by="district",
        benchmark_weights="N",
    )
    return pub, cov


def test_unit_direct_is_the_within_ward_variance(city):
    """A ward drawn as a PSU: its direct variance is the within-ward SRS variance."""
    d = unit_direct(city.design(), city.instrument, "psu", code="C1.1")
    r = city.respondents
    one = r[r["psu"] == d["psu"].iloc[0]]
    y = one["C1_1"].where(one["C1_1"] <= 5)
    valid = y.notna()
    p = (y[valid] >= 4).mean()
    n, nv, N = len(one), int(valid.sum()), one["fpc2"].iloc[0]
    var = (1 - n / N) * n / (n - 1) * p * (1 - p) / nv
    assert d["estimate"].iloc[0] == pytest.approx(100 * p, rel=1e-10)
    assert d["se"].iloc[0] == pytest.approx(100 * np.sqrt(var), rel=1e-8)
    full = gs.sipas_index(city.design(), city.instrument, by="psu").query("code == 'C1.1'")
    assert full["se"].iloc[0] < 0.7 * d["se"].iloc[0]  # the design's own is scaled by m/M


def test_published_ward_frame(city, ward_frame):
    pub, cov = ward_frame
    assert list(pub.columns[:10]) == ["psu", *gs.small_area.FH_COLUMNS, "label_vi"]
    assert len(pub) == len(cov) == city.wards().shape[0]
    assert set(pub["method"]) <= {"direct", "fh", "synthetic", "suppressed"}
    fh = pub.attrs["fay_herriot"]
    assert fh["method"].value_counts().to_dict() == {"synthetic": 603 - 152, "fh": 152}
    # benchmarked to the design's direct district estimate, exactly
    bench = gs.sipas_index(city.design(), city.instrument, by="district").query("code=='SIPAS'")
    j = fh.merge(cov, on="psu")
    agg = j.groupby("district").apply(lambda g: (g["N"] * g["estimate"]).sum() / g["N"].sum())
    np.testing.assert_allclose(agg.loc[bench["district"]], bench["estimate"], rtol=1e-12)
    # the units that are published directly are those the rule allows
    d = pub.attrs["direct"].set_index("psu")
    direct_rows = pub[pub["method"] == "direct"].set_index("psu")
    assert (d.loc[direct_rows.index, "se"] / d.loc[direct_rows.index, "estimate"] <= 0.05).all()
    np.testing.assert_allclose(direct_rows["estimate"], d.loc[direct_rows.index, "estimate"])


def test_forms_needed(ward_frame):
    _, cov = ward_frame
    x = [c for c in cov.columns if c not in ("psu", "district", "N")]
    rng = np.random.default_rng(1)
    units = cov["psu"].to_numpy()[::6][:100]  # urban and rural wards
    direct = pd.DataFrame(
        {"psu": units, "estimate": rng.uniform(70, 95, 100), "se": rng.uniform(2, 4, 100), "n": 50}
    )
    fh = gs.fay_herriot(direct, cov, unit="psu", x=x)
    f = forms_needed(fh, target_cv=0.02)
    need = np.ceil(50 * direct["se"] ** 2 / fh["mse"][:100])
    np.testing.assert_array_equal(f["forms_for_model_precision"][:100], need)
    K = (direct["se"] ** 2 * 50).mean()
    np.testing.assert_array_equal(
        f["forms_for_model_precision"][100:], np.ceil(K / fh["mse"][100:])
    )
    cv = np.ceil(50 * direct["se"] ** 2 / (0.02 * fh["estimate"][:100]) ** 2)
    np.testing.assert_array_equal(f["forms_for_target_cv"][:100], cv)
    assert (f["forms_for_model_precision"][:100] > 50).mean() > 0.5


def test_a_ward_without_valid_answers_is_predicted_synthetically(city):
    r = city.design().data.copy()
    ward = r["psu"].iloc[0]
    r.loc[r["psu"] == ward, "C5_1"] = 8  # every answer "don't know"
    d = gs.Design(r, weights="base_weight", strata="stratum", psu=["psu", "respondent_id"],
                  fpc=["fpc1", "fpc2"])  # fmt: skip
    cov = frame_covariates(city.frame(), unit="psu")
    x = [c for c in cov.columns if c not in ("psu", "district", "N")]
    pub = publish_units(d, city.instrument, cov, unit="psu", code="C5.1", x=x, transform="arcsin")
    fh = pub.attrs["fay_herriot"].set_index("psu")
    assert fh.loc[ward, "method"] == "synthetic"
    assert any("no valid answer" in n for n in fh.attrs["model"]["notes"])
    assert np.isfinite(fh["estimate"]).all() and (fh["mse"] > 0).all()


def test_direct_estimates_on_a_single_psu_are_flagged(city):
    idx = gs.sipas_index(city.design(), city.instrument, by="psu").query("code == 'SIPAS'")
    cov = frame_covariates(city.frame(), unit="psu")[["psu", "area", "log_N"]]
    out = gs.fay_herriot(idx, cov, unit="psu")
    assert any("unit_direct" in n for n in out.attrs["model"]["notes"])
    ok = gs.fay_herriot(unit_direct(city.design(), city.instrument, "psu"), cov, unit="psu")
    assert not any("unit_direct" in n for n in ok.attrs["model"]["notes"])


def test_coefficients_table():
    direct, cov = make(m=50)
    out = gs.fay_herriot(direct, cov)
    t = gs.small_area.coefficients(out).set_index("term")
    m = out.attrs["model"]
    assert t.loc["x", "estimate"] == m["beta"]["x"] and t.loc["x", "se"] == m["beta_se"]["x"]
    assert t.loc["sigma2_u", "estimate"] == m["sigma2_u"]
    assert t.loc["x", "p_value"] < 1e-6  # the simulated slope is 4 with a small SE
