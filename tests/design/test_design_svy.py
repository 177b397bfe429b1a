"""govsurvey's designs against the svy package (the oracle) on synthetic SIPAS-like data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govsurvey.design import Design, ReplicateDesign

svy = pytest.importorskip("svy")
pl = pytest.importorskip("polars")

RTOL = 1e-6


def make_data(seed: int = 3, n_strata: int = 6, lonely: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for h in range(n_strata):
        n_psu = 1 if (lonely and h == 0) else int(rng.integers(2, 9))
        N_psu = n_psu + int(rng.integers(0, 30))
        for c in range(n_psu):
            m = int(rng.integers(3, 25))
            rows.append(
                pd.DataFrame({"stratum": f"s{h}", "psu": c, "fpc": N_psu, "row": np.arange(m)})
            )
    df = pd.concat(rows, ignore_index=True)
    n = len(df)
    psu_effect = rng.normal(0, 1, df.groupby(["stratum", "psu"]).ngroups)
    pid = df.groupby(["stratum", "psu"]).ngroup().to_numpy()
    df["w"] = rng.uniform(5, 40, n) * (1 + (df["stratum"] == "s1"))
    df["y"] = 50 + 10 * psu_effect[pid] + rng.normal(0, 15, n)
    df["x"] = 20 + 0.3 * df["y"] + rng.gamma(2, 3, n)
    p = 1 / (1 + np.exp(-(0.3 + 0.8 * psu_effect[pid])))
    df["sat"] = (rng.random(n) < p).astype(float)
    df.loc[rng.random(n) < 0.08, "sat"] = np.nan
    df["district"] = rng.choice(["Ba Đình", "Cầu Giấy", "Đống Đa", "Hoàn Kiếm"], n)
    df["mode"] = rng.choice(["post", "online", "face"], n, p=[0.5, 0.3, 0.2])
    df["psu_id"] = df["stratum"] + "-" + df["psu"].astype(str)
    df["fpc_n"] = df.groupby("stratum")["row"].transform("size") * 5  # rows sampled directly
    return df


DATA = make_data()


def svy_sample(df, **design):
    return svy.Sample(pl.from_pandas(df), svy.Design(**design))


def check(ours: pd.DataFrame, theirs, by=None, level=None, deff=True, est_col="est", df=True):
    t = theirs.to_polars().to_pandas()
    keys = ([by] if isinstance(by, str) else list(by or [])) + ([level] if level else [])
    if keys:
        t = t.sort_values(keys).reset_index(drop=True)
    assert len(t) == len(ours)
    np.testing.assert_allclose(ours["estimate"], t[est_col], rtol=RTOL)
    np.testing.assert_allclose(ours["se"], t["se"], rtol=RTOL)
    if df:  # svy gives a replicate design's domains the whole design's df; R (and govsurvey)
        # the df of the domain's own replicate weights, checked in test_edge_r.py
        np.testing.assert_allclose(ours["df"], t["df"], rtol=0)
    np.testing.assert_array_equal(ours["n"], t["n"])
    if deff:
        np.testing.assert_allclose(ours["deff"], t["deff"], rtol=RTOL)
    return t


DESIGNS = {
    "srs_fpc": (dict(weights="w", fpc="fpc"), dict(wgt="w", pop_size="fpc")),
    "stratified_fpc": (
        dict(weights="w", strata="stratum", fpc="fpc_n"),
        dict(wgt="w", stratum="stratum", pop_size="fpc_n"),
    ),
    "cluster": (dict(weights="w", psu="psu_id"), dict(wgt="w", psu="psu_id")),
    "cluster_fpc": (
        dict(weights="w", psu="psu_id", fpc="fpc"),
        dict(wgt="w", psu="psu_id", pop_size="fpc"),
    ),
    "stratified_cluster": (
        dict(weights="w", strata="stratum", psu="psu", nest=True),
        dict(wgt="w", stratum="stratum", psu="psu"),
    ),
    "stratified_cluster_fpc": (
        dict(weights="w", strata="stratum", psu="psu", fpc="fpc", nest=True),
        dict(wgt="w", stratum="stratum", psu="psu", pop_size="fpc"),
    ),
}


@pytest.fixture(scope="module", params=list(DESIGNS))
def pair(request):
    ours, theirs = DESIGNS[request.param]
    df = DATA
    if request.param in ("srs_fpc", "cluster_fpc"):
        # an unstratified fpc must be one number: the frame size
        df = DATA.assign(fpc=DATA["psu_id"].nunique() * 3 if "psu" in ours else len(DATA) * 4)
    return Design(df, **ours), svy_sample(df, **theirs)


def test_mean(pair):
    d, s = pair
    check(d.mean("y"), s.estimation.mean("y", deff="wor"))
    check(
        d.mean("y", by="district"), s.estimation.mean("y", by="district", deff="wor"), by="district"
    )
    check(
        d.mean("sat", by=["district", "mode"]),
        s.estimation.mean("sat", by=["district", "mode"], deff="wor", drop_nulls=True),
        by=["district", "mode"],
    )


def test_total(pair):
    d, s = pair
    check(d.total("y"), s.estimation.total("y", deff="wor"))
    check(d.total("x", by="mode"), s.estimation.total("x", by="mode", deff="wor"), by="mode")


def test_ratio(pair):
    d, s = pair
    check(d.ratio("y", "x"), s.estimation.ratio("y", "x"), deff=False)
    check(
        d.ratio("y", "x", by="district"),
        s.estimation.ratio("y", "x", by="district"),
        by="district",
        deff=False,
    )


def test_proportion(pair):
    d, s = pair
    ours = d.proportion("mode", by="district")
    t = check(
        ours, s.estimation.prop("mode", by="district"), by="district", level="mode", deff=False
    )
    np.testing.assert_allclose(ours["ci_low"], t["lci"], rtol=RTOL)
    np.testing.assert_allclose(ours["ci_high"], t["uci"], rtol=RTOL)


def test_mean_many_variables_at_once_equals_one_by_one(pair):
    d, _ = pair
    both = d.mean(["y", "sat", "x"], by="district")
    for v in ["y", "sat", "x"]:
        one = d.mean(v, by="district")
        got = both[both["variable"] == v].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, one)


@pytest.mark.parametrize(
    "rule,singleton",
    [("adjust", "center"), ("average", "scale"), ("remove", "skip"), ("certainty", "skip")],
)
def test_lonely_psu(rule, singleton):
    df = make_data(seed=11, lonely=True)
    d = Design(df, weights="w", strata="stratum", psu="psu", nest=True, lonely_psu=rule)
    s = svy_sample(df, wgt="w", stratum="stratum", psu="psu", singleton=singleton)
    check(d.mean("y"), s.estimation.mean("y", deff="wor"))
    check(d.mean("y", by="mode"), s.estimation.mean("y", by="mode", deff="wor"), by="mode")
    check(d.total("y"), s.estimation.total("y", deff="wor"))
    check(d.total("x", by="mode"), s.estimation.total("x", by="mode", deff="wor"), by="mode")


def _replicate_frame(rd):
    W = rd.replicate_weights()
    cols = [f"rw{i + 1}" for i in range(W.shape[1])]
    return pd.concat([DATA, pd.DataFrame(W, columns=cols, index=DATA.index)], axis=1), cols


@pytest.mark.parametrize("kind", ["jk1", "jkn", "bootstrap", "brr", "fay"])
def test_replicate_designs_match_svy_on_identical_weights(kind):
    df = DATA[DATA["psu"] < 2] if kind in ("brr", "fay") else DATA  # BRR: two PSUs a stratum
    if kind == "jk1":
        d = Design(df, weights="w", psu="psu_id")
    else:
        d = Design(df, weights="w", strata="stratum", psu="psu", nest=True)
    if kind == "bootstrap":
        rd = d.replicate(kind, replicates=40, seed=5)
    elif kind == "fay":
        rd = d.replicate("brr", fay_rho=0.3)
    else:
        rd = d.replicate(kind)
    W = rd.replicate_weights()
    cols = [f"rw{i + 1}" for i in range(W.shape[1])]
    full = pd.concat([df.reset_index(drop=True), pd.DataFrame(W, columns=cols)], axis=1)
    R = W.shape[1]
    rep = {
        "jk1": svy.JackknifeWgts(prefix="rw", n_reps=R, df=rd.df),
        "fay": svy.BrrWgts(prefix="rw", n_reps=R, fay_coef=0.3, df=rd.df),
        "jkn": svy.JackknifeWgts(prefix="rw", n_reps=R, scale=list(rd.rscales), df=rd.df),
        "bootstrap": svy.BootstrapWgts(prefix="rw", n_reps=R, scale=1 / (R - 1), df=rd.df),
        "brr": svy.BrrWgts(prefix="rw", n_reps=R, df=rd.df),
    }[kind]
    s = svy_sample(full, wgt="w", rep_wgts=rep)
    check(rd.mean("y"), s.estimation.mean("y", method="replication"), deff=False)
    check(
        rd.mean("sat", by="district"),
        s.estimation.mean("sat", by="district", method="replication", drop_nulls=True),
        by="district",
        df=False,
        deff=False,
    )
    check(rd.ratio("y", "x"), s.estimation.ratio("y", "x", method="replication"), deff=False)
    check(
        rd.total("x", by="mode"),
        s.estimation.total("x", by="mode", method="replication"),
        by="mode",
        df=False,
        deff=False,
    )
    # the same replicate weights supplied as columns give the same answer
    supplied = ReplicateDesign(
        full, weights="w", replicate_weights=cols, type="other", scale=rd.scale, rscales=rd.rscales
    )
    pd.testing.assert_frame_equal(
        supplied.mean("y", by="district"), rd.mean("y", by="district"), rtol=1e-10
    )


def test_jkn_replicates_equal_svy_jackknife():
    d = Design(DATA, weights="w", strata="stratum", psu="psu", nest=True)
    rd = d.replicate("jkn")
    s = svy_sample(DATA, wgt="w", stratum="stratum", psu="psu").weighting.create_jk_wgts()
    check(
        rd.mean("y", by="district"),
        s.estimation.mean("y", by="district", method="replication"),
        by="district",
        df=False,
        deff=False,
    )


def test_supplied_adjusted_replicate_weights_use_the_full_matrix():
    """Replicate weights that are not PSU multipliers (e.g. after calibration) still agree."""
    d = Design(DATA, weights="w", strata="stratum", psu="psu", nest=True)
    W = d.replicate("bootstrap", replicates=30, seed=9).replicate_weights()
    W = W * np.random.default_rng(1).uniform(0.95, 1.05, W.shape)  # row-level adjustments
    cols = [f"rw{i + 1}" for i in range(W.shape[1])]
    full = pd.concat([DATA, pd.DataFrame(W, columns=cols, index=DATA.index)], axis=1)
    rd = ReplicateDesign(full, weights="w", replicate_weights=cols, type="bootstrap")
    assert rd._multipliers is None  # no multiplier patterns: the n x R path
    R = W.shape[1]
    rep = svy.BootstrapWgts(prefix="rw", n_reps=R, scale=1 / (R - 1), df=rd.df)
    s = svy_sample(full, wgt="w", rep_wgts=rep)
    check(
        rd.mean("y", by="district"),
        s.estimation.mean("y", by="district", method="replication"),
        by="district",
        df=False,
        deff=False,
    )
    check(rd.ratio("y", "x"), s.estimation.ratio("y", "x", method="replication"), deff=False)
