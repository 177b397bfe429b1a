"""Weighting methods: hand-checked factors, replicate re-adjustment, diagnostics, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsurvey.design import Design
from govsurvey.errors import InputError
from govsurvey.weighting import (
    apply,
    calibrate,
    margins_from_frame,
    nonresponse_adjust,
    poststratify,
    rake,
    trim,
)

DES = Path(__file__).parent.parent / "fixtures" / "design"
CLUS1 = pd.read_csv(DES / "apiclus1.csv")
TYPES = {"E": 4421.0, "H": 755.0, "M": 1018.0}
SCHWIDE = {"No": 1072.0, "Yes": 5122.0}


def dclus1():
    return Design(CLUS1, psu="dnum", weights="pw", fpc="fpc")


def sample(seed=3, n=400):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "psu": np.repeat(np.arange(40), n // 40),
            "w": rng.uniform(5, 15, n),
            "g": rng.choice(["a", "b", "c"], n),
            "sex": rng.choice(["m", "f"], n),
            "y": rng.normal(size=n),
        }
    )
    df["responded"] = (rng.random(n) < np.where(df["g"] == "a", 0.4, 0.8)).astype(int)
    return df


def test_nonresponse_classes_carry_the_class_weight():
    df = sample()
    d = Design(df, psu="psu", weights="w")
    a = nonresponse_adjust(d, "responded", cells=["g"])
    new = a.weight_values
    assert (new[df["responded"] == 0] == 0).all()
    by_all = df.groupby("g")["w"].sum()
    by_new = pd.Series(new).groupby(df["g"]).sum()
    np.testing.assert_allclose(by_new.to_numpy(), by_all.to_numpy(), rtol=1e-12)
    f = by_all / df[df["responded"] == 1].groupby("g")["w"].sum()
    i = int(np.flatnonzero(df["responded"].to_numpy() == 1)[0])
    assert new[i] == pytest.approx(df["w"].iloc[i] * f[df["g"].iloc[i]])
    assert a.diagnostics.method == "nonresponse" and a.diagnostics.details["classes"] == 3
    # the respondents' design estimates from the adjusted weights only
    m = a.mean("y")["estimate"].iloc[0]
    r = df["responded"] == 1
    assert m == pytest.approx(np.average(df["y"][r], weights=new[r]))


def test_replicates_are_readjusted_column_by_column():
    df = sample()
    rd = Design(df, psu="psu", weights="w").replicate("bootstrap", replicates=30, seed=2)
    a = nonresponse_adjust(rd, "responded", cells=["g"])
    A, B = rd.replicate_weights(), a.replicate_weights()
    r = df["responded"].to_numpy()
    for j in (0, 7, 29):  # each column by hand, as its own weighting
        col = pd.Series(A[:, j])
        f = col.groupby(df["g"]).sum() / col[r == 1].groupby(df["g"][r == 1]).sum()
        expect = np.where(r == 1, A[:, j] * df["g"].map(f).to_numpy(), 0.0)
        np.testing.assert_allclose(B[:, j], expect, rtol=1e-12)
    k = rake(a, {"g": {"a": 300.0, "b": 400.0, "c": 300.0}, "sex": {"m": 500.0, "f": 500.0}})
    for j in (0, 29):  # every replicate column meets the margins
        S = pd.Series(k.replicate_weights()[:, j]).groupby(df["g"]).sum()
        np.testing.assert_allclose(S.to_numpy(), [300.0, 400.0, 300.0], rtol=1e-6)


def test_propensity_classes_and_inverse():
    df = sample()
    d = Design(df, psu="psu", weights="w")
    p = nonresponse_adjust(d, "responded", propensity=["g", "sex"], classes=4)
    assert p.response_model.coefficients["term"].tolist()[0] == "(Intercept)"
    assert p.weight_values.sum() == pytest.approx(df["w"].sum())
    inv = nonresponse_adjust(d, "responded", propensity=["g"], method="inverse")
    # with one categorical the fitted propensity is the class's weighted response rate
    np.testing.assert_allclose(
        pd.Series(inv.weight_values).groupby(df["g"]).sum(),
        df.groupby("g")["w"].sum(),
        rtol=1e-6,
    )


def test_trim_keeps_the_total_and_caps():
    t = trim(dclus1(), upper=1.2, relative=True)
    w0 = dclus1().weight_values
    assert t.weight_values.sum() == pytest.approx(w0.sum())
    r = rake(dclus1(), {"stype": TYPES, "sch.wide": SCHWIDE})
    t = trim(r, upper=1.5, relative=True, strict=True)
    assert t.weight_values.max() <= 1.5 * r.weight_values.mean() + 1e-9
    assert t.diagnostics.trimmed > 0
    assert [s.method for s in t.weighting_steps] == ["rake", "trim"]
    assert len(t.calibration) == 1  # the raking's variance record is kept


def test_diagnostics_record():
    r = rake(dclus1(), {"stype": TYPES, "sch.wide": SCHWIDE})
    d = r.diagnostics
    w = r.weight_values
    assert d.deff_kish == pytest.approx(len(w) * (w**2).sum() / w.sum() ** 2)
    assert d.n_effective == pytest.approx(len(w) / d.deff_kish)
    assert d.converged and d.iterations > 1 and d.max_misfit < 1e-6
    assert set(d.frame()["item"]) >= {"deff_kish", "n_effective", "iterations", "converged"}


def test_apply_by_name():
    df = sample()
    frame = pd.DataFrame({"g": ["a", "b", "c"] * 2, "sex": ["m"] * 3 + ["f"] * 3, "N": 100})
    d = Design(df, psu="psu", weights="w")
    none = apply(d, "none")
    assert (none.weight_values[df["responded"] == 0] == 0).all()
    both = apply(d, "nonresponse+rake", frame=frame, variables=["g", "sex"], cells=["g"])
    assert [s.method for s in both.weighting_steps] == ["nonresponse", "rake"]
    assert both.weighting_method == "nonresponse+rake"
    assert margins_from_frame(frame, ["sex"]) == {"sex": {"f": 300.0, "m": 300.0}}
    with pytest.raises(InputError, match="unknown weighting method"):
        apply(d, "magic")
    with pytest.raises(InputError, match="needs a frame"):
        apply(d, "rake")


# ---------------------------------------------------------------------------- bad input
def test_margins_whose_grand_totals_disagree():
    with pytest.raises(InputError, match="grand totals disagree"):
        rake(dclus1(), {"stype": TYPES, "sch.wide": {"No": 1072.0, "Yes": 5000.0}})
    with pytest.raises(InputError, match="grand totals disagree"):
        calibrate(dclus1(), {"stype": TYPES, "sch.wide": {"No": 1.0, "Yes": 5.0}})


def test_levels_absent_from_sample_or_margin():
    with pytest.raises(InputError, match=r"level\(s\) \['X'\] of stype have no respondent"):
        rake(dclus1(), {"stype": {**TYPES, "X": 10.0}, "sch.wide": {"No": 1082.0, "Yes": 5122.0}})
    with pytest.raises(InputError, match=r"sample level\(s\) \['M'\] of stype"):
        poststratify(dclus1(), "stype", {"E": 5000.0, "H": 1194.0})
    with pytest.raises(InputError, match="no respondent"):
        calibrate(dclus1(), {"stype": {**TYPES, "X": 1.0}})


def test_calibration_that_cannot_converge_within_bounds():
    far = {"stype": {"E": 1000.0, "H": 4000.0, "M": 1194.0}}
    with pytest.raises(InputError, match="did not converge"):
        calibrate(dclus1(), far, method="logit", bounds=(0.9, 1.1))
    with pytest.raises(InputError, match="did not converge"):
        calibrate(dclus1(), far, method="linear", bounds=(0.9, 1.1))
    with pytest.raises(InputError, match="finite bounds"):
        calibrate(dclus1(), far, method="logit")
    with pytest.raises(InputError, match="enclose 1"):
        calibrate(dclus1(), far, bounds=(1.2, 2.0))


def test_response_column_not_zero_one_and_perfect_separation():
    df = sample()
    d = Design(df.assign(responded=df["responded"] * 2), psu="psu", weights="w")
    with pytest.raises(InputError, match="only 0 .* and 1"):
        nonresponse_adjust(d, "responded", cells=["g"])
    sep = df.assign(responded=np.where(df["g"] == "c", 1, df["responded"]))
    with pytest.raises(InputError, match="perfect separation: everyone in g = 'c'"):
        nonresponse_adjust(Design(sep, psu="psu", weights="w"), propensity=["g"])
    lonely = df.assign(responded=np.where(df["g"] == "a", 0, df["responded"]))
    with pytest.raises(InputError, match="class 'a' has 0 respondent"):
        nonresponse_adjust(Design(lonely, psu="psu", weights="w"), cells=["g"])
    with pytest.raises(InputError, match="exactly one of cells"):
        nonresponse_adjust(Design(df, psu="psu", weights="w"))
