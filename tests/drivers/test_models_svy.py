"""glm against the svy package (a second oracle) on the embedded SIPAS-like data: strata
(districts) and wards as PSUs, with-replacement first stage (svy's Taylor design)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.design import Design
from govsurvey.drivers import with_scores

svy = pytest.importorskip("svy")
pl = pytest.importorskip("polars")

DATA = Path(__file__).parent.parent.parent / "data" / "synthetic" / "responses.csv"


@pytest.fixture(scope="module")
def data():
    inst = gs.load_instrument("sipas-2017")
    resp = gs.read_responses(DATA, instrument=inst, on_error="exclude")
    df = with_scores(resp.respondents, inst)
    cols = ["overall_score", "satisfied_overall", "C1", "C2", "C3", "C4", "C5"]
    df = df[["stratum", "psu", "base_weight", *cols]].dropna().reset_index(drop=True)
    return df.assign(psu_id=df["stratum"] + "-" + df["psu"])


@pytest.mark.parametrize(
    "outcome,family", [("overall_score", "gaussian"), ("satisfied_overall", "binomial")]
)
def test_glm_equals_svy(data, outcome, family):
    x = ["C1", "C2", "C3", "C4", "C5"]
    ours = Design(data, weights="base_weight", strata="stratum", psu="psu_id").glm(
        f"{outcome} ~ " + " + ".join(x), family=family
    )
    s = svy.Sample(
        pl.from_pandas(data), svy.Design(wgt="base_weight", stratum="stratum", psu="psu_id")
    )
    theirs = s.glm.fit(y=outcome, x=x, family=family, tol=1e-12).fitted.coefs
    est = np.array([c.est for c in theirs])
    se = np.array([c.se for c in theirs])
    np.testing.assert_allclose(ours["estimate"], est, rtol=1e-7)
    np.testing.assert_allclose(ours["se"], se, rtol=1e-6)
    assert [c.term for c in theirs][1:] == list(ours["term"])[1:]
    assert pd.Series([c.wald.df for c in theirs]).eq(ours["df"]).all()
