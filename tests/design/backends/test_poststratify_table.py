"""Post-stratification in the engine equals gs.poststratify on the design in memory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.errors import InputError

FIX = Path(__file__).parent.parent.parent / "fixtures" / "design"


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


@pytest.mark.parametrize(
    "kw, by, totals",
    [
        (dict(psu="dnum", weights="pw"), "stype", {"E": 4421, "H": 755, "M": 1018}),
        (
            dict(psu="dnum", fpc="fpc"),
            ["stype", "awards"],
            pd.DataFrame(
                {
                    "stype": ["E", "E", "H", "H", "M", "M"],
                    "awards": ["No", "Yes"] * 3,
                    "N": [1500.0, 2921.0, 400.0, 355.0, 600.0, 418.0],
                }
            ),
        ),
    ],
)
def test_poststratified_estimates_equal_memory(kw, by, totals, tmp_path):
    df = pd.read_csv(FIX / "apiclus1.csv")
    df.to_parquet(tmp_path / "c.parquet")
    mem = gs.poststratify(gs.Design(df, **kw), by, totals)
    tab = gs.Design(str(tmp_path / "c.parquet"), **kw).poststratify(by, totals)
    for dom in [None, "stype", "awards"]:
        same(tab.mean(["api00", "enroll"], by=dom), mem.mean(["api00", "enroll"], by=dom))
        same(tab.total("enroll", by=dom), mem.total("enroll", by=dom))
        same(tab.ratio("api00", "enroll", by=dom), mem.ratio("api00", "enroll", by=dom))
        same(tab.proportion("sch.wide", by=dom), mem.proportion("sch.wide", by=dom))
    assert tab.total("enroll")["estimate"].iloc[0] == pytest.approx(
        mem.total("enroll")["estimate"].iloc[0], rel=1e-12
    )


def test_poststratified_sipas_index(city, tmp_path):
    resp = city.respondents
    resp.to_parquet(tmp_path / "city.parquet")
    kw = dict(weights="base_weight", strata="stratum", psu="psu")
    pop = city.population.groupby("sex").size().to_dict()
    mem = gs.poststratify(gs.Design(resp, **kw), "sex", pop)
    tab = gs.Design(str(tmp_path / "city.parquet"), **kw).poststratify("sex", pop)
    same(gs.sipas_index(tab, by="district"), gs.sipas_index(mem, by="district"))


def test_poststratify_bad_cells(tmp_path):
    pd.read_csv(FIX / "apiclus1.csv").to_parquet(tmp_path / "c.parquet")
    d = gs.Design(str(tmp_path / "c.parquet"), psu="dnum", weights="pw")
    with pytest.raises(InputError, match="'M' has no population count"):
        d.poststratify("stype", {"E": 4421, "H": 755})
    with pytest.raises(InputError, match="'X' has no respondent"):
        d.poststratify("stype", {"E": 4421, "H": 755, "M": 1018, "X": 5})
    with pytest.raises(InputError, match="one-stage designs with PSUs"):
        gs.Design(str(tmp_path / "c.parquet"), weights="pw").poststratify("stype", {"E": 1})
    with pytest.raises(InputError, match="post-stratified design"):
        d.poststratify("stype", {"E": 4421, "H": 755, "M": 1018}).replicate("jk1")
