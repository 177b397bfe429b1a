"""svy (PyPI) as a second oracle: raking and post-stratification weights, replicates re-adjusted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

from govsurvey.design import Design
from govsurvey.weighting import poststratify, rake

svy = pytest.importorskip("svy")

DES = Path(__file__).parent.parent / "fixtures" / "design"
CLUS1 = pd.read_csv(DES / "apiclus1.csv")
TYPES = {"E": 4421.0, "H": 755.0, "M": 1018.0}
SCHWIDE = {"No": 1072.0, "Yes": 5122.0}
R = 30


def both():
    rd = Design(CLUS1, psu="dnum", weights="pw").replicate("bootstrap", replicates=R, seed=4)
    cols = [f"bw{i + 1}" for i in range(R)]
    frame = pd.concat(
        [CLUS1[["stype", "sch.wide"]], pd.Series(rd.weight_values, name="w"),
         pd.DataFrame(rd.replicate_weights(), columns=cols)], axis=1,
    )  # fmt: skip
    rep = svy.BootstrapWgts(prefix="bw", n_reps=R, scale=1 / (R - 1))
    return rd, svy.Sample(pl.from_pandas(frame), svy.Design(wgt="w", rep_wgts=rep))


def svy_weights(s, name):
    d = s.data
    return d[name].to_numpy(), np.column_stack([d[f"{name}{i + 1}"].to_numpy() for i in range(R)])


def test_raking_equals_svy():
    rd, s = both()
    ours = rake(rd, {"stype": TYPES, "sch.wide": SCHWIDE}, epsilon=1e-12)
    theirs = s.weighting.rake(controls={"stype": TYPES, "sch.wide": SCHWIDE}, wgt_name="rk",
                              tol=1e-10, max_iter=1000)  # fmt: skip
    w, A = svy_weights(theirs, "rk")
    np.testing.assert_allclose(ours.weight_values, w, rtol=1e-8)
    np.testing.assert_allclose(ours.replicate_weights(), A, rtol=1e-8, atol=1e-10)


def test_poststratification_equals_svy():
    rd, s = both()
    ours = poststratify(rd, "stype", TYPES)
    theirs = s.weighting.poststratify(controls=TYPES, cells="stype", wgt_name="ps")
    w, A = svy_weights(theirs, "ps")
    np.testing.assert_allclose(ours.weight_values, w, rtol=1e-10)
    np.testing.assert_allclose(ours.replicate_weights(), A, rtol=1e-10, atol=1e-10)
