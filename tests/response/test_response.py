"""Propensity, R-indicators, respondents vs population, response styles, bias and sensitivity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import govsurvey as gs
from govsurvey.design import Design
from govsurvey.errors import InputError
from govsurvey.response import (
    compare_distributions,
    duplicate_forms,
    flag_forms,
    index_shift,
    index_without_flagged,
    item_quality,
    partial_r_indicators,
    r_indicator,
    response_propensity,
    response_styles,
    response_tests,
    satisfied_indicator,
    sensitivity,
)
from govsurvey.weighting import margins_from_frame, rake


def survey(seed=5, n_psu=60, m=25):
    rng = np.random.default_rng(seed)
    n = n_psu * m
    df = pd.DataFrame(
        {
            "psu": np.repeat(np.arange(n_psu), m),
            "stratum": np.repeat(np.arange(n_psu) % 3, m),
            "w": np.repeat(rng.uniform(20, 60, n_psu), m),
            "age": rng.choice(["young", "mid", "old"], n),
            "sex": rng.choice(["m", "f"], n),
        }
    )
    eta = -0.2 + np.select([df["age"] == "young", df["age"] == "old"], [-0.8, 0.6], 0.0)
    eta = eta + np.where(df["sex"] == "f", 0.3, 0.0) + rng.normal(0, 0.3, n_psu).repeat(m)
    df["responded"] = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    return df


def design(df):
    return Design(df, weights="w", strata="stratum", psu="psu", nest=True)


def test_r_indicator_se_agrees_with_a_refitting_jackknife():
    df = survey()
    d = design(df)
    model = response_propensity(d, ["age", "sex"])
    r = r_indicator(model, d).set_index("statistic")
    # independent: delete-one-PSU jackknife, the model refitted on every replicate
    rep = d.replicate("jkn")
    A = rep.replicate_weights()
    X = model.X
    y = model.response
    Rs = []
    for j in range(A.shape[1]):  # the loop the package avoids, as an oracle
        w = A[:, j]
        keep = w > 0
        fit = sm.GLM(y[keep], X[keep], family=sm.families.Binomial(), var_weights=w[keep]).fit()
        p = 1 / (1 + np.exp(-(X @ fit.params)))
        pbar = np.average(p[keep], weights=w[keep])
        S = np.sqrt((w[keep] * (p[keep] - pbar) ** 2).sum() / (w[keep].sum() - 1))
        Rs.append(1 - 2 * S)
    se_jk = float(
        np.sqrt(rep.variance_from_replicates(np.array(Rs), np.array(r.loc["R", "estimate"])))
    )
    assert r.loc["R", "se"] == pytest.approx(se_jk, rel=0.15)
    # the estimate itself, by hand
    p = model.propensity
    w = d.weight_values
    pbar = np.average(p, weights=w)
    S = np.sqrt((w * (p - pbar) ** 2).sum() / (w.sum() - 1))
    assert r.loc["R", "estimate"] == pytest.approx(1 - 2 * S, rel=1e-12)
    assert r.loc["max_bias", "estimate"] == pytest.approx(S / pbar, rel=1e-12)


def test_partial_r_indicators_decompose():
    df = survey()
    d = design(df)
    model = response_propensity(d, ["age", "sex"])
    part = partial_r_indicators(model, df)
    w, p = d.weight_values, model.propensity
    pbar = np.average(p, weights=w)
    for v in ["age", "sex"]:
        u = part[(part["variable"] == v) & (part["type"] == "unconditional")]
        total = u[u["category"] == ""]["value"].iloc[0]
        cats = u[u["category"] != ""]["value"].to_numpy()
        assert total == pytest.approx(np.sqrt((cats**2).sum()), rel=1e-12)
        means = pd.Series(w * p).groupby(df[v]).sum() / pd.Series(w).groupby(df[v]).sum()
        assert set(u[u["category"] != ""]["category"]) == set(means.index)
        lowest = u[u["category"] != ""].sort_values("value")["category"].iloc[0]
        assert lowest == (means - pbar).idxmin()
    # young respond least: a negative unconditional category value
    young = part.query("variable == 'age' and category == 'young' and type == 'unconditional'")
    assert young["value"].iloc[0] < 0


def test_compare_and_tests_and_raking_balances():
    df = survey()
    d = design(df)
    frame = df.assign(N=df["w"]).groupby(["age", "sex"], as_index=False)["N"].sum()
    resp = d.with_weights(np.where(df["responded"] == 1, d.weight_values, 0.0))
    adj = rake(resp, margins_from_frame(frame, ["age", "sex"]))
    t = compare_distributions(d, ["age", "sex"], frame=frame, adjusted=adj)
    young = t.query("variable == 'age' and category == 'young'").iloc[0]
    r = df["responded"] == 1
    by_hand = df.loc[r & (df["age"] == "young"), "w"].sum() / df.loc[r, "w"].sum()
    assert young["respondents"] == pytest.approx(by_hand)
    assert young["population"] == pytest.approx(young["sample"])  # frame built from the sample
    assert (t["asmd_after"] < 1e-6).all() and t["asmd_before"].max() > 0.1
    tests = response_tests(d, ["age", "sex"]).set_index("variable")
    assert tests.loc["age", "p_value"] < 0.001 and tests.loc["age", "lowest"] == "young"


def test_response_styles_and_flags_never_remove():
    df = pd.DataFrame(
        {
            "a": [4, 4, 5, 1, 8, 3],
            "b": [4, 4, 5, 2, 8, 3],
            "c": [4, 4, 4, 5, 9, 3],
            "ward": ["x", "x", "x", "y", "y", "z"],
        }
    )
    st = response_styles(df, ["a", "b", "c"], min_items=3)
    assert st["straightlining"].tolist() == [True, True, False, False, False, True]
    assert st.loc[3, "extreme"] == pytest.approx(2 / 3)
    assert st.loc[2, "acquiescence"] == 1.0
    dup = duplicate_forms(df, ["a", "b", "c"], keys=["ward"])
    assert dup["duplicate"].tolist() == [True, True, False, False, False, False]
    assert dup["near_duplicate"].tolist() == [True, True, False, False, False, False]
    other = df.assign(a=[4, 4, 4, 1, 8, 3], b=[4, 4, 4, 2, 8, 3], c=[4, 4, 5, 5, 9, 3])
    near = duplicate_forms(other, ["a", "b", "c"], keys=["ward"])
    assert near["near_duplicate"].tolist()[:3] == [True, True, True]  # row 2 differs in one item
    f = flag_forms(df, ["a", "b", "c"], keys=["ward"], min_items=3)
    assert len(f) == len(df) and f.loc[4, "many_dont_know"]
    assert "straightlining" in f.loc[0, "reasons"]
    q = item_quality(df, ["a", "b", "c"]).set_index("item")
    assert q.loc["c", "item_nonresponse"] == pytest.approx(1 / 6)
    sat = satisfied_indicator(df, "a")
    assert sat[[0, 1, 2, 3, 5]].tolist() == [1.0, 1.0, 1.0, 0.0, 0.0] and np.isnan(sat[4])


def test_index_shift_flagged_and_sensitivity():
    sim = gs.synth.simulate(seed=3, nonresponse="mar")
    d = sim.design()
    inst = gs.load_instrument("sipas-2017")
    same = index_shift(d, d, inst)
    assert (same["shift"].abs() < 1e-12).all()
    flagged = np.zeros(len(d.data), dtype=bool)
    flagged[:50] = True
    moved = index_without_flagged(d, inst, flagged)
    assert len(d.data) == len(sim.respondents)  # the design's rows are untouched
    o = moved[moved["code"] == "SIPAS"].iloc[0]
    assert o["shift"] == pytest.approx(o["estimate_without"] - o["estimate_all"])
    s = sensitivity(80.0, 0.6, deltas=[-5, 0, 5, 10], se=0.5, df=100)
    assert s["population"].tolist() == [82.0, 80.0, 78.0, 76.0]
    assert (s["ci_high"] - s["ci_low"]).round(6).nunique() == 1
    with pytest.raises(InputError, match="proportion above 0"):
        sensitivity(80.0, 0.0)


def test_flagged_forms_by_ward_are_published_through_the_guard():
    from govsurvey.publish.guard import Publisher
    from govsurvey.response import flag_counts
    from govsurvey.response import report as rep

    flags = pd.DataFrame({"straightlining": [True] * 3 + [False] * 57 + [True] * 2 + [False] * 8})
    flags["duplicate"] = False
    flags["flagged"] = flags["straightlining"]
    wards = pd.Series(["W1"] * 40 + ["W2"] * 20 + ["W3"] * 10, name="ward")
    counts = flag_counts(flags)
    assert counts.set_index("check").loc["flagged", ["forms", "n"]].tolist() == [5, 70]
    by = flag_counts(flags, wards)
    assert by.set_index("ward")["forms"].to_dict() == {"W1": 3, "W2": 0, "W3": 2}
    assert by.set_index("ward")["n"].to_dict() == {"W1": 40, "W2": 20, "W3": 10}
    pub = Publisher("sipas-2017", min_cell=15)
    guarded = pub.record("flagged_forms_by_ward", by)
    # W3 has 10 forms (< 15): hidden, and W2 with it, else W3 = all flagged - W1 - W2
    assert guarded.set_index("ward")["suppressed"].to_dict() == {"W1": False, "W2": True,
                                                                 "W3": True}  # fmt: skip
    assert [r["ward"] for r in pub.figures["flagged_forms_by_ward"]] == ["W1"]
    table = rep.flagged_by_unit_table(guarded, "ward", None, "vi", 15)
    assert len(table.frame) == 1 and "2 đơn vị không được nêu" in table.notes[0]
    assert "W3" not in table.frame.to_string()
    described = rep.describe_quality(
        counts,
        pd.DataFrame({"code": ["SIPAS"], "shift": [0.1], "estimate_all": [80.0],
                      "estimate_without": [80.1]}),
        pd.DataFrame({"item": ["a"], "dont_know": [0.1]}), None, "en",
    )  # fmt: skip
    assert "5" in described and "7.14%" in described
