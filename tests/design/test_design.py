"""Design: input errors, the estimate_smooth contract, textbook formulas, replicate machinery."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsurvey.design import Design, ReplicateDesign, hadamard
from govsurvey.errors import InputError
from govsurvey.results import result_frame

FIX = Path(__file__).parent.parent / "fixtures" / "design"


@pytest.fixture(scope="module")
def strat():
    return pd.read_csv(FIX / "apistrat.csv")


@pytest.fixture(scope="module")
def clus2():
    return pd.read_csv(FIX / "apiclus2.csv")


def small(seed=0, n=400, H=4, per=5):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "s": rng.integers(0, H, n),
            "p": rng.integers(0, per, n),
            "w": rng.uniform(1, 10, n),
            "y": rng.normal(10, 3, n),
            "y2": rng.normal(5, 1, n),
            "d": rng.choice(list("abc"), n),
        }
    )
    return df


# ----------------------------------------------------------------------------- input errors
@pytest.mark.parametrize(
    "bad,match",
    [(0.0, "zero"), (-1.0, "negative"), (np.nan, "missing")],
)
def test_bad_weights_name_column_and_fix(bad, match):
    df = small()
    df.loc[7, "w"] = bad
    with pytest.raises(InputError, match=match) as e:
        Design(df, weights="w")
    assert e.value.problems[0].column == "w"
    assert "Fix:" in str(e.value)


@pytest.mark.parametrize("col", ["s", "p"])
def test_missing_design_values(col):
    df = small().astype({col: float})
    df.loc[3, col] = np.nan
    with pytest.raises(InputError, match=f"missing {'strata' if col == 's' else 'psu'}"):
        Design(df, weights="w", strata="s", psu="p", nest=True)


def test_psu_in_two_strata_needs_nest():
    df = small()
    with pytest.raises(InputError, match="nest=True"):
        Design(df, weights="w", strata="s", psu="p")
    Design(df, weights="w", strata="s", psu="p", nest=True)


def test_lonely_fail_names_stratum():
    df = small()
    df.loc[df["s"] == 2, "p"] = 0
    with pytest.raises(InputError, match="stratum 2 has only one PSU") as e:
        Design(df, weights="w", strata="s", psu="p", nest=True)
    assert "lonely_psu=" in str(e.value)
    Design(df, weights="w", strata="s", psu="p", nest=True, lonely_psu="adjust")


def test_unknown_columns_and_types():
    df = small()
    d = Design(df, weights="w", strata="s", psu="p", nest=True)
    with pytest.raises(InputError, match="by column does not exist") as e:
        d.mean("y", by="district")
    assert e.value.problems[0].column == "district"
    with pytest.raises(InputError, match="does not exist"):
        d.mean("nope")
    with pytest.raises(InputError, match="must be numeric") as e:
        d.mean("d")
    assert "proportion()" in str(e.value)
    with pytest.raises(InputError, match="does not exist"):
        Design(df, weights="weight")
    with pytest.raises(InputError, match="lonely_psu"):
        Design(df, lonely_psu="collapse")


def test_fpc_errors():
    df = small()
    df["f"] = 0.5
    df.loc[0, "f"] = 50
    with pytest.raises(InputError, match="mixes"):
        Design(df, strata="s", fpc="f")
    df["f"] = df["s"] + 2.0  # fewer population units than sampled rows
    with pytest.raises(InputError, match="more than 100%"):
        Design(df, strata="s", fpc="f")
    df["f"] = np.where(np.arange(len(df)) % 2, 1000.0, 2000.0)
    with pytest.raises(InputError, match="varies within"):
        Design(df, strata="s", fpc="f")


def test_replicate_errors():
    df = small()
    d = Design(df, weights="w", strata="s", psu="p", nest=True)
    with pytest.raises(InputError, match="exactly two PSUs"):
        d.replicate("brr")
    with pytest.raises(InputError, match="jkn"):
        d.replicate("jk1")
    with pytest.raises(InputError, match="rscales"):
        ReplicateDesign(df, weights="w", replicate_weights=["y"], type="jkn")
    with pytest.raises(InputError, match="DataFrame"):
        ReplicateDesign(df.to_dict(), weights="w", replicate_weights=["y"])
    with pytest.raises(InputError, match="DataFrame"):
        Design(df.to_numpy())
    df2 = df.assign(r1=np.nan)
    with pytest.raises(InputError, match="missing values"):
        ReplicateDesign(df2, weights="w", replicate_weights=["r1"], type="bootstrap")


# ----------------------------------------------------------------------- textbook formulas
def test_srs_without_replacement_cochran():
    """Cochran (1977) eq. 2.12/2.16: var(ybar) = (1 - n/N) s^2 / n; total = N ybar."""
    rng = np.random.default_rng(1)
    y = rng.normal(50, 10, 120)
    N = 1500
    df = pd.DataFrame({"y": y, "N": N})
    d = Design(df, fpc="N")
    res = d.mean("y").iloc[0]
    se = np.sqrt((1 - 120 / N) * y.var(ddof=1) / 120)
    assert res["estimate"] == pytest.approx(y.mean(), rel=1e-12)
    assert res["se"] == pytest.approx(se, rel=1e-12)
    assert res["deff"] == pytest.approx(1.0, rel=1e-12)
    tot = d.total("y").iloc[0]
    assert tot["se"] == pytest.approx(N * se, rel=1e-12)
    assert res["df"] == 119


def test_stratified_mean_cochran():
    """Cochran (1977) eq. 5.6: var(ybar_st) = sum W_h^2 (1 - f_h) s_h^2 / n_h."""
    rng = np.random.default_rng(2)
    nh, Nh = np.array([10, 25, 40]), np.array([100, 400, 2000])
    parts = [
        pd.DataFrame({"h": h, "N": Nh[h], "y": rng.normal(10 * h, 3 + h, nh[h])}) for h in range(3)
    ]
    df = pd.concat(parts, ignore_index=True)
    res = Design(df, strata="h", fpc="N").mean("y").iloc[0]
    W = Nh / Nh.sum()
    means = np.array([p["y"].mean() for p in parts])
    s2 = np.array([p["y"].var(ddof=1) for p in parts])
    assert res["estimate"] == pytest.approx((W * means).sum(), rel=1e-12)
    assert res["se"] ** 2 == pytest.approx((W**2 * (1 - nh / Nh) * s2 / nh).sum(), rel=1e-12)


def test_two_stage_weights_from_fpc_match_published(clus2):
    d = Design(clus2, psu=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    np.testing.assert_allclose(d.weights, clus2["pw"], rtol=1e-9)


# ------------------------------------------------------------------ estimate_smooth contract
def _composite(design, ycols, by=None):
    """Mean of the means of several columns: the SIPAS-index shape of statistic."""
    Y = design.data[ycols].to_numpy(float)
    k = Y.shape[1]
    columns = np.hstack([Y, np.ones((len(Y), 1))])

    def point(T):
        return (T[..., :k] / T[..., k:]).mean(axis=-1, keepdims=True)

    def influence(T, cols, g):
        m = T[:, :k] / T[:, k:]
        N = T[:, k]
        gi = np.where(g < 0, 0, g)
        return ((cols[:, :k] - m[gi]).mean(axis=1) / N[gi])[:, None]

    return design.estimate_smooth(columns, point, influence, by=by)


@pytest.mark.parametrize("by", [None, "d"])
def test_estimate_smooth_composite_equals_mean_of_average(by):
    df = small()
    df["avg"] = (df["y"] + df["y2"]) / 2
    d = Design(df, weights="w", strata="s", psu="p", nest=True)
    res = _composite(d, ["y", "y2"], by=by)
    ref = d.mean("avg", by=by)
    G = 1 if by is None else 3
    assert res.estimate.shape == (G, 1) and res.variance.shape == (G, 1)
    assert res.df.shape == (G,) and res.n.shape == (G,) and res.totals.shape == (G, 3)
    np.testing.assert_allclose(res.estimate[:, 0], ref["estimate"], rtol=1e-12)
    np.testing.assert_allclose(np.sqrt(res.variance[:, 0]), ref["se"], rtol=1e-10)
    np.testing.assert_array_equal(res.n, ref["n"])
    if by is None:
        assert list(res.domains.columns) == [] and len(res.domains) == 1
    else:
        assert list(res.domains["d"]) == ["a", "b", "c"]
    for kind in ["jkn", "bootstrap"]:
        r = d.replicate(kind, replicates=30, seed=1) if kind == "bootstrap" else d.replicate(kind)
        np.testing.assert_allclose(
            np.sqrt(_composite(r, ["y", "y2"], by=by).variance[:, 0]),
            r.mean("avg", by=by)["se"],
            rtol=1e-10,
        )


def test_rows_outside_every_domain_are_ignored_but_keep_the_design():
    df = small()
    df["d2"] = df["d"].where(df["d"] != "c")  # "c" rows are in no domain
    d = Design(df, weights="w", strata="s", psu="p", nest=True)
    a = d.mean("y", by="d2")
    b = d.mean("y", by="d").iloc[:2].reset_index(drop=True)
    assert list(a["d2"]) == ["a", "b"]
    np.testing.assert_allclose(a["se"], b["se"], rtol=1e-12)


def test_domain_is_not_a_filter():
    """A domain keeps the full design: filtering rows instead changes the SE."""
    df = small()
    d = Design(df, weights="w", strata="s", psu="p", nest=True)
    dom = d.mean("y", by="d").iloc[0]
    sub = df[df["d"] == "a"]
    filt = Design(sub, weights="w", strata="s", psu="p", nest=True).mean("y").iloc[0]
    assert dom["estimate"] == pytest.approx(filt["estimate"], rel=1e-12)
    # the same PSUs are all still present, so here the SEs agree; the engine gives zero
    # totals to absent PSUs, checked against R/svy elsewhere
    assert dom["se"] == pytest.approx(filt["se"], rel=1e-9)


def test_many_domains_do_not_materialise_n_by_G():
    rng = np.random.default_rng(0)
    n, G = 200_000, 5_000
    df = pd.DataFrame(
        {
            "s": rng.integers(0, 20, n),
            "p": rng.integers(0, 50, n),
            "w": rng.uniform(1, 3, n),
            "y": rng.random(n),
            "d": rng.integers(0, G, n),
        }
    )
    d = Design(df, weights="w", strata="s", psu="p", nest=True)
    tracemalloc.start()
    res = d.mean("y", by="d")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(res) == G
    assert peak < 400e6  # an n x G float matrix alone would be 8 GB


# ----------------------------------------------------------------------- result frame helper
def test_result_frame_shape_and_logit_ci():
    dom = pd.DataFrame({"district": ["a", "b"]})
    f = result_frame(
        dom,
        ["q1"],
        np.array([[0.8], [0.5]]),
        np.array([[0.0004], [0.01]]),
        np.array([30, 40]),
        np.array([100, 120]),
        logit=True,
    )
    assert list(f.columns) == [
        "district",
        "variable",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "df",
        "n",
        "deff",
    ]
    from scipy import stats

    q = stats.t.ppf(0.975, 30)
    eta, s = np.log(0.8 / 0.2), 0.02 / (0.8 * 0.2)
    assert f["ci_low"].iloc[0] == pytest.approx(1 / (1 + np.exp(-(eta - q * s))), rel=1e-12)
    assert f["ci_high"].iloc[1] < 1 and f["ci_low"].iloc[1] > 0


# ------------------------------------------------------------------------ replicate machinery
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 12, 13, 20, 21, 28, 41, 44, 100])
def test_hadamard(n):
    H = hadamard(n)
    m = H.shape[0]
    assert m >= n and H.shape == (m, m)
    np.testing.assert_array_equal(H @ H.T, m * np.eye(m))
    assert (H[0] == 1).all() and (H[:, 0] == 1).all()


def test_bootstrap_is_rao_wu_and_reproducible():
    df = small()
    d = Design(df, weights="w", strata="s", psu="p", nest=True)
    a = d.replicate("bootstrap", replicates=50, seed=3)
    b = d.replicate("bootstrap", replicates=50, seed=3)
    np.testing.assert_array_equal(a._multipliers, b._multipliers)
    M = a._multipliers
    st = d._stages[0]
    # within each stratum n_h - 1 draws, rescaled by n_h/(n_h-1): multipliers sum to n_h
    sums = np.vstack([M[st.unit_stratum == h].sum(axis=0) for h in range(st.H)])
    np.testing.assert_allclose(sums, st.n_h[:, None] * np.ones_like(sums))
    assert a.scale == pytest.approx(1 / 49)
    # the bootstrap variance is close to the Taylor variance on average
    big = d.replicate("bootstrap", replicates=2000, seed=4).mean("y")["se"].iloc[0]
    assert big == pytest.approx(d.mean("y")["se"].iloc[0], rel=0.15)


def test_mse_centres_at_full_sample_estimate():
    df = small()
    d = Design(df, weights="w", strata="s", psu="p", nest=True)
    a = d.replicate("bootstrap", replicates=40, seed=1).ratio("y", "y2")["se"].iloc[0]
    b = d.replicate("bootstrap", replicates=40, seed=1, mse=True).ratio("y", "y2")["se"].iloc[0]
    assert b >= a and b != a


def test_design_refuses_the_responses_object_and_says_which_rows():
    """Nonrespondents count as second-stage units, so which rows a design gets must be said."""
    import govsurvey as gs

    root = Path(__file__).resolve().parent.parent.parent
    resp = gs.read_responses(root / "data" / "synthetic" / "responses.csv")
    with pytest.raises(InputError, match=r"pass resp.respondents .* or resp.data"):
        Design(resp, weights="base_weight")
    spec = dict(weights="base_weight", strata="stratum", psu=["psu", "respondent_id"])
    whole = Design(resp.data, **spec, fpc=["fpc1", "fpc2"])
    answered = Design(resp.respondents, **spec, fpc=["fpc1", "fpc2"])
    a = gs.sipas_index(whole, "sipas-2017")
    b = gs.sipas_index(answered, "sipas-2017")
    np.testing.assert_allclose(a["estimate"], b["estimate"], rtol=1e-12)
    assert not np.allclose(a["se"], b["se"], rtol=1e-6)
