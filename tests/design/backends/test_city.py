"""The synthetic city's SIPAS index and means from a Parquet table equal the in-memory ones.

The city's design has two stages (wards, then the dossier as second-stage unit, with fpc at
both), so the second-stage variance comes from the cross-products the engine sums per
(domain, ward): the case the pushed-down design must get exactly right.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

import govsurvey as gs

RTOL = 1e-9
KW = dict(
    weights="base_weight", strata="stratum", psu=["psu", "respondent_id"], fpc=["fpc1", "fpc2"]
)


def same(a: pd.DataFrame, b: pd.DataFrame, stats=("estimate", "se", "ci_low", "ci_high", "df")):
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    for c in a.columns:
        if c in stats or c in ("n", "deff"):
            x, y = a[c].to_numpy(float), b[c].to_numpy(float)
            np.testing.assert_array_equal(np.isnan(x), np.isnan(y), err_msg=c)
            ok = ~np.isnan(x)
            np.testing.assert_allclose(x[ok], y[ok], rtol=RTOL, atol=1e-12, err_msg=c)
        else:
            assert a[c].astype(str).tolist() == b[c].astype(str).tolist(), c


@pytest.fixture(scope="module")
def city_parquet(city, tmp_path_factory):
    path = tmp_path_factory.mktemp("city") / "responses.parquet"
    resp = city.respondents.copy()
    resp.loc[resp.index[::13], "C2_3"] = 9  # don't-know codes, not valid answers
    resp.loc[resp.index[::17], "C5_4"] = np.nan
    resp.to_parquet(path)
    return resp, path


@pytest.mark.parametrize("by", [None, "district", ["district", "mode"]])
def test_sipas_index_equals_the_memory_design(city_parquet, by):
    resp, path = city_parquet
    mem = gs.sipas_index(gs.Design(resp, **KW), "sipas-2017", by=by)
    tab = gs.sipas_index(gs.Design(str(path), **KW), "sipas-2017", by=by)
    same(tab, mem)
    assert (tab["se"] > 0).mean() > 0.9  # a real variance, not zeros


def test_a_district_with_one_ward_and_each_rule(city_parquet):
    resp, path = city_parquet
    rel = duckdb.read_parquet(str(path))
    one = resp[resp["district"] == resp["district"].iloc[0]]["psu"].iloc[0]
    keep = (resp["district"] != resp["district"].iloc[0]) | (resp["psu"] == one)
    small = resp[keep]
    sub = rel.filter(f"district <> '{resp['district'].iloc[0]}' OR psu = '{one}'")
    for rule in ["adjust", "average", "remove"]:
        mem = gs.Design(small, **KW, lonely_psu=rule)
        tab = gs.Design(sub, **KW, lonely_psu=rule)
        same(gs.sipas_index(tab, by="district"), gs.sipas_index(mem, by="district"))
        same(tab.mean(["C1_1", "overall"], by="field"), mem.mean(["C1_1", "overall"], by="field"))
        same(tab.proportion("mode"), mem.proportion("mode"))


def test_the_estimates_cover_the_truth_as_in_memory(city, city_parquet):
    _, path = city_parquet
    d = gs.Design(str(path), **KW)
    idx = gs.sipas_index(d, by="district")
    check = gs.index.truth_check(idx[idx["code"] == "SIPAS"], city.truth_index(by="district"))
    assert check["covered"].mean() >= 0.8
