"""Replicate designs over a table (JK1, JKn, bootstrap, BRR) equal the in-memory ones.

Their multipliers are constant within PSUs, so the replicate totals come from the same
(domain, PSU) sums as the Taylor variance: estimate, se, df, deff and n to 1e-9.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.errors import InputError

FIX = Path(__file__).parent.parent.parent / "fixtures" / "design"

CASES = {
    "jk1": ("apiclus1.csv", dict(psu="dnum", weights="pw"), dict(type="jk1")),
    "jk1_fpc": ("apiclus1.csv", dict(psu="dnum", fpc="fpc"), dict(type="jk1")),
    "jkn": ("apistrat.csv", dict(strata="stype", psu="snum", fpc="fpc"), dict(type="jkn")),
    "jkn_lonely": (
        "apiclus1_lonely.csv",
        dict(strata="st", psu="dnum", weights="pw", lonely_psu="adjust"),
        dict(type="jkn"),
    ),
    "bootstrap": (
        "apistrat.csv",
        dict(strata="stype", psu="snum", weights="pw"),
        dict(type="bootstrap", replicates=50, seed=4),
    ),
    "brr": ("apistrat_pairs.csv", dict(strata="pair", psu="snum", weights="pw"), dict(type="brr")),
    "fay_mse": (
        "apistrat_pairs.csv",
        dict(strata="pair", psu="snum", weights="pw"),
        dict(type="brr", fay_rho=0.3, mse=True),
    ),
}


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    for c in a.columns:
        if c in ("estimate", "se", "ci_low", "ci_high", "df", "n", "deff"):
            x, y = a[c].to_numpy(float), b[c].to_numpy(float)
            np.testing.assert_array_equal(np.isnan(x), np.isnan(y), err_msg=c)
            ok = ~np.isnan(x)
            np.testing.assert_allclose(x[ok], y[ok], rtol=1e-9, atol=1e-12, err_msg=c)
        else:
            assert a[c].astype(str).tolist() == b[c].astype(str).tolist(), c


@pytest.mark.parametrize("case", list(CASES))
def test_replicate_designs_equal_the_memory_ones(case, tmp_path):
    name, kw, rep = CASES[case]
    df = pd.read_csv(FIX / name)
    df.to_parquet(tmp_path / "t.parquet")
    mem = gs.Design(df, **kw).replicate(**rep)
    tab = gs.Design(str(tmp_path / "t.parquet"), **kw).replicate(**rep)
    assert tab.df == mem.df and tab.replicates == mem.replicates
    for by in [None, "stype"]:
        same(tab.mean(["api00", "enroll"], by=by), mem.mean(["api00", "enroll"], by=by))
        same(tab.total("enroll", by=by), mem.total("enroll", by=by))
        same(tab.ratio("api00", "enroll", by=by), mem.ratio("api00", "enroll", by=by))
    if "awards" in df:
        same(tab.proportion("awards", by="stype"), mem.proportion("awards", by="stype"))


def test_sipas_index_of_a_replicate_design(city, tmp_path):
    resp = city.respondents
    resp.to_parquet(tmp_path / "city.parquet")
    kw = dict(weights="base_weight", strata="stratum", psu="psu")
    mem = gs.Design(resp, **kw).replicate("jkn")
    tab = gs.Design(str(tmp_path / "city.parquet"), **kw).replicate("jkn")
    same(gs.sipas_index(tab, by="district"), gs.sipas_index(mem, by="district"))


def test_rows_as_units_cannot_be_replicated_in_the_engine(tmp_path):
    pd.read_csv(FIX / "apisrs.csv").to_parquet(tmp_path / "s.parquet")
    with pytest.raises(InputError, match="need PSUs"):
        gs.Design(str(tmp_path / "s.parquet"), weights="pw").replicate("jk1")


def test_the_result_says_its_method(tmp_path):
    pd.read_csv(FIX / "apiclus1.csv").to_parquet(tmp_path / "c.parquet")
    d = gs.Design(str(tmp_path / "c.parquet"), psu="dnum", weights="pw")
    assert d.mean("api00").attrs["method"] == "taylor"
    assert d.replicate("jk1").mean("api00").attrs["method"] == "jk1"
