"""Relative importance: LMG and Johnson's weights against brute-force refits, replicate CIs
(vectorised) against a per-replicate recomputation, and coverage of the population LMG share."""

from __future__ import annotations

import itertools
from math import factorial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.design import Design
from govsurvey.drivers.importance import johnson, lmg, relative_importance, weighted_covariances
from govsurvey.drivers.scores import component_scores
from govsurvey.errors import InputError

FORMULA = "overall ~ C1 + C2 + C3 + C4 + C5"
COMPS = ["C1", "C2", "C3", "C4", "C5"]


def _wls_r2(y, X, w):
    Xc = np.column_stack([np.ones(len(y)), X])
    beta = np.linalg.lstsq(Xc * np.sqrt(w)[:, None], y * np.sqrt(w), rcond=None)[0]
    res = y - Xc @ beta
    ybar = (w * y).sum() / w.sum()
    return 1.0 - (w * res**2).sum() / (w * (y - ybar) ** 2).sum()


def _lmg_by_refits(y, X, w):
    """LMG from explicit weighted least-squares refits over all orderings' subsets."""
    p = X.shape[1]
    r2 = {(): 0.0}
    for k in range(1, p + 1):
        for S in itertools.combinations(range(p), k):
            r2[S] = _wls_r2(y, X[:, S], w)
    out = np.zeros(p)
    for j in range(p):
        for k in range(p):
            for S in itertools.combinations([i for i in range(p) if i != j], k):
                wt = factorial(k) * factorial(p - k - 1) / factorial(p)
                out[j] += wt * (r2[tuple(sorted((*S, j)))] - r2[S])
    return out


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    n = 900
    f = rng.normal(size=n)
    X = np.column_stack([f + rng.normal(size=n) * s for s in (0.5, 1.0, 1.5, 2.0)])
    y = X @ np.array([1.0, 0.6, 0.3, 0.1]) + rng.normal(size=n) * 2
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"]).assign(
        y=y,
        w=rng.uniform(0.5, 3.0, size=n),
        s=np.repeat(np.arange(5), n // 5),
        psu=np.repeat(np.arange(90), n // 90),
    )
    return df


def test_lmg_equals_weighted_refits_and_sums_to_r2(data):
    y, X, w = data["y"].to_numpy(), data[["a", "b", "c", "d"]].to_numpy(), data["w"].to_numpy()
    C = weighted_covariances(np.column_stack([y, X]), w[:, None])
    got = lmg(C)[0]
    np.testing.assert_allclose(got, _lmg_by_refits(y, X, w), rtol=1e-9)
    np.testing.assert_allclose(got.sum(), _wls_r2(y, X, w), rtol=1e-10)
    np.testing.assert_allclose(johnson(C)[0].sum(), _wls_r2(y, X, w), rtol=1e-10)


def test_johnson_matches_its_definition(data):
    """Johnson (2000): Z = X_std Rxx^{-1/2}; b = OLS of y_std on Z; eps_j = sum_k L_jk^2 b_k^2."""
    y, X, w = data["y"].to_numpy(), data[["a", "b", "c", "d"]].to_numpy(), data["w"].to_numpy()
    W = w / w.sum()

    def std(v):
        m = W @ v
        return (v - m) / np.sqrt(W @ (v - m) ** 2)

    Xs, ys = np.column_stack([std(x) for x in X.T]), std(y)
    Rxx = (Xs * W[:, None]).T @ Xs
    vals, vecs = np.linalg.eigh(Rxx)
    half = vecs @ np.diag(np.sqrt(vals)) @ vecs.T
    Z = Xs @ np.linalg.inv(half)
    b = np.linalg.solve((Z * W[:, None]).T @ Z, (Z * W[:, None]).T @ ys)
    expected = (half**2) @ (b**2)
    C = weighted_covariances(np.column_stack([y, X]), w[:, None])
    np.testing.assert_allclose(johnson(C)[0], expected, rtol=1e-9)


def test_replicate_cis_equal_a_per_replicate_recomputation(data):
    rep = Design(data, weights="w", strata="s", psu="psu").replicate("jkn")
    ri = relative_importance(rep, "y ~ a + b + c + d")
    A = rep.replicate_weights()
    y, X = data["y"].to_numpy(), data[["a", "b", "c", "d"]].to_numpy()
    theta = np.array([_lmg_by_refits(y, X, A[:, r]) for r in range(A.shape[1])])
    est = _lmg_by_refits(y, X, data["w"].to_numpy())
    se = np.sqrt(rep.variance_from_replicates(theta, est))
    np.testing.assert_allclose(ri["estimate"], est, rtol=1e-9)
    np.testing.assert_allclose(ri["se"], se, rtol=1e-7)
    assert ri["estimate"].sum() == pytest.approx(ri.attrs["r2"], rel=1e-12)
    assert ri["share"].sum() == pytest.approx(1.0, rel=1e-12)
    assert list(ri["rank"]) == [1, 2, 3, 4]


def test_bootstrap_is_seeded_and_a_taylor_design_gets_one(data):
    d = Design(data, weights="w", strata="s", psu="psu")
    a = relative_importance(d, "y ~ a + b + c + d", method="johnson", replicates=40, seed=3)
    b = relative_importance(d, "y ~ a + b + c + d", method="johnson", replicates=40, seed=3)
    c = relative_importance(d, "y ~ a + b + c + d", method="johnson", replicates=40, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["se"], c["se"])
    assert a.attrs["replicates"] == 40


def test_bad_input(data):
    d = Design(data.assign(e=2 * data["a"] - data["b"], k=1.0), weights="w", psu="psu")
    with pytest.raises(InputError, match="collinear"):
        relative_importance(d, "y ~ a + b + e")
    with pytest.raises(InputError, match="collinear"):
        relative_importance(d, "y ~ a + k")
    with pytest.raises(InputError, match="'zz', which is not a column"):
        relative_importance(d, "y ~ a + zz")
    with pytest.raises(InputError, match="unknown relative-importance method"):
        relative_importance(d, "y ~ a + b", method="shapley")
    with pytest.raises(InputError, match="at least two predictors"):
        relative_importance(d, "y ~ a")
    with pytest.raises(InputError, match="same value"):
        relative_importance(d, "k ~ a + b")


# ------------------------------------------------------------------ the synthetic city
@pytest.fixture(scope="module")
def city():
    sim = gs.synth.simulate(seed=7, nonresponse="none")
    pop = sim.population
    ps = component_scores(pop, sim.instrument)
    ps["overall"] = pop["overall"].where(pop["overall"].between(1, 5))
    cc = ps.dropna()
    C = weighted_covariances(cc[["overall", *COMPS]].to_numpy(), np.ones((len(cc), 1)))
    parts = lmg(C)[0]
    return sim, parts / parts.sum()


def _sample_design(sim):
    d = sim.design()
    data = d.data.assign(**component_scores(d.data, sim.instrument))
    return Design(
        data,
        weights="base_weight",
        strata="stratum",
        psu=["psu", "respondent_id"],
        fpc=["fpc1", "fpc2"],
    )


def test_recovered_order_is_the_generators(city):
    """The generator's overall answer weights the components C3 .30 > C2 .25 > C4 .20 >
    C1 .15 > C5 .10; the sample LMG ranks them in that order (population shares are printed
    in the failure message)."""
    sim, truth = city
    weights = sim.params["overall_weights"]
    expected = sorted(COMPS, key=lambda c: -weights[c])
    ri = relative_importance(_sample_design(sim), FORMULA, replicates=50, seed=1)
    got = list(ri.sort_values("rank")["term"])
    assert got == expected, (got, dict(zip(COMPS, truth.round(4), strict=True)))


@pytest.mark.slow
def test_replicate_ci_of_lmg_share_covers_the_population_share(city):
    sim, truth = city
    seeds = range(100)
    covered = np.zeros((len(seeds), len(COMPS)), dtype=bool)
    for i, s in enumerate(seeds):  # loop over Monte Carlo samples, not rows or replicates
        ri = relative_importance(
            _sample_design(sim.redraw(sample_seed=s)), FORMULA, replicates=50, seed=1000 + s
        )
        covered[i] = (ri["share_ci_low"] <= truth) & (truth <= ri["share_ci_high"])
    rate = covered.mean(axis=0)
    assert (rate >= 0.90).all(), dict(zip(COMPS, rate, strict=True))


def test_dont_know_codes_never_enter_as_scores(data):
    """Codes 8/9 in the instrument's overall column are missing, as NaN would be."""
    d = data.assign(overall=np.clip(np.round(3 + data["y"] / 3), 1, 5))
    coded = d.copy()
    coded.loc[coded.index[:40], "overall"] = 8
    coded.loc[coded.index[40:60], "overall"] = 9
    nan = coded.assign(overall=coded["overall"].where(coded["overall"] <= 5))
    a = relative_importance(
        Design(coded, weights="w", psu="psu"), "overall ~ a + b", replicates=30, seed=2
    )
    b = relative_importance(
        Design(nan, weights="w", psu="psu"), "overall ~ a + b", replicates=30, seed=2
    )
    pd.testing.assert_frame_equal(a, b)
    assert a["n"].iloc[0] == len(d) - 60


def test_by_domain_equals_each_domain_alone_and_small_domains_are_na(data):
    """Per-domain LMG (all domains at once) equals the decomposition with the replicate
    weights zeroed outside the domain; a small domain is NaN with its reason."""
    df = data.assign(dom=np.where(np.arange(len(data)) < 880, np.arange(len(data)) % 3, 9))
    rep = Design(df, weights="w", strata="s", psu="psu").replicate("jkn")
    by = relative_importance(rep, "y ~ a + b + c + d", by="dom", min_cell=30)
    assert list(by["dom"].unique()) == [0, 1, 2, 9]
    A = rep.replicate_weights()
    y, X, w = df["y"].to_numpy(), df[["a", "b", "c", "d"]].to_numpy(), df["w"].to_numpy()
    for k in (0, 2):
        inside = (df["dom"] == k).to_numpy()
        theta = np.array(
            [_lmg_by_refits(y[inside], X[inside], A[inside, r]) for r in range(A.shape[1])]
        )
        est = _lmg_by_refits(y[inside], X[inside], w[inside])
        got = by[by["dom"] == k]
        np.testing.assert_allclose(got["estimate"], est, rtol=1e-8)
        np.testing.assert_allclose(
            got["se"], np.sqrt(rep.variance_from_replicates(theta, est)), rtol=1e-6
        )
        assert got["status"].eq("estimated").all() and got["r2"].iloc[0] == pytest.approx(est.sum())
    small = by[by["dom"] == 9]
    assert small["estimate"].isna().all() and small["se"].isna().all()
    assert small["status"].eq("small_cell").all()
    flat = df.assign(k=np.where(df["dom"] == 1, 1.0, df["a"] * 0.3 + df["d"]))
    rep2 = Design(flat, weights="w", strata="s", psu="psu").replicate("jkn")
    res = relative_importance(rep2, "y ~ a + b + k", by="dom").set_index("dom")
    assert res.loc[1, "status"].iloc[0] == "constant"
    assert res.loc[0, "estimate"].notna().all()
    with pytest.raises(InputError, match="domain column"):
        relative_importance(rep, "y ~ a + b", by="nope")


def test_scores_lmg_and_johnson_equal_r():
    """R (make_fixtures.R): scores by rowMeans, LMG from weighted lm() refits of all subsets,
    Johnson's weights from the eigen-decomposition of cov.wt's correlation matrix."""
    fix = Path(__file__).parent.parent / "fixtures" / "drivers"
    items = pd.read_csv(fix / "items.csv")
    r_scores = pd.read_csv(fix / "r_scores.csv")
    ref = pd.read_csv(fix / "r_importance.csv").set_index("term")
    inst = gs.load_instrument("sipas-2017")
    scores = component_scores(items, inst)
    np.testing.assert_allclose(scores[COMPS], r_scores[COMPS], rtol=1e-12)
    d = Design(items.assign(**scores), weights="base_weight")
    for method in ("lmg", "johnson"):
        ri = relative_importance(
            d, "overall ~ C1 + C2 + C3 + C4 + C5", method=method, replicates=20, seed=1
        ).set_index("term")
        np.testing.assert_allclose(ri["estimate"], ref.loc[COMPS, method], rtol=1e-10)
        assert ri.attrs["r2"] == pytest.approx(ref["r2"].iloc[0], rel=1e-10)
        assert (ri["n"] == ref["n"]).all()


def test_a_replicate_that_empties_a_domain_is_left_out_and_said(data):
    df = data.assign(dom=np.where(data["psu"] == 0, "one_psu", "rest"))
    rep = Design(df, weights="w", psu="psu").replicate("jk1")
    res = relative_importance(rep, "y ~ a + b", by="dom", min_cell=5).set_index("dom")
    assert res.loc["one_psu", "status"].iloc[0] == "estimated"
    assert res.loc["one_psu", "lost_replicates"].iloc[0] == 1
    assert res.loc["rest", "lost_replicates"].eq(0).all()
    assert np.isfinite(res.loc["one_psu", "se"]).all()
