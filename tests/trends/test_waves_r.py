"""Waves against R survey: change, relative change, trend and period figures, to 1e-6.

Reference values from ``tests/fixtures/trends/trends.R`` (svytotal over one combined design and
svycontrast's delta method), on ``waves_independent.csv`` and ``waves_shared.csv``.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "trends"
REF = pd.read_csv(HERE / "reference.csv")
FIGS = ["C1.1", "C5.4", "C2", "C5", "SIPAS"]


def _waves(case: str) -> gs.Waves:
    df = pd.read_csv(HERE / f"waves_{case}.csv")
    designs = {
        int(p): gs.Design(g, weights="w", strata="stratum", psu="psu", fpc="fpc1")
        for p, g in df.groupby("period")
    }
    return gs.Waves(designs, shared_psus=(case == "shared"))


@pytest.fixture(scope="module", params=["independent", "shared"])
def case(request):
    return request.param, _waves(request.param)


def _ours(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    f = frame[frame["code"].isin(FIGS)]
    if unit != "all":
        f = f[f["district"] == unit]
    return f.set_index("code").loc[FIGS]


def _ref(case: str, what: str, unit: str) -> pd.DataFrame:
    r = REF[(REF["case"] == case) & (REF["what"] == what) & (REF["unit"] == unit)]
    assert len(r) == len(FIGS)
    return r.set_index("code").loc[FIGS]


@pytest.mark.parametrize("by", [None, "district"])
def test_change_trend_and_levels_equal_r(case, by, instrument):
    name, w = case
    units = ["all"] if by is None else sorted(REF.loc[REF["unit"] != "all", "unit"].unique())
    frames = {
        "change_points": w.change(instrument, 2021, 2023, by=by),
        "change_relative": w.change(instrument, 2021, 2023, by=by, unit="relative"),
        "trend": w.trend(instrument, by=by),
    }
    idx = w.index(instrument, by=by)
    for p in (2021, 2022, 2023):
        frames[f"index_{p}"] = idx[idx["period"] == p]
    for what, frame in frames.items():
        for unit in units:
            ours, ref = _ours(frame, unit), _ref(name, what, unit)
            np.testing.assert_allclose(ours["estimate"], ref["estimate"], rtol=1e-6, atol=1e-9)
            np.testing.assert_allclose(ours["se"], ref["se"], rtol=1e-6)


def test_shared_psus_change_the_se():
    """Shared wards give another SE than treating the same rows as independent samples."""
    df = pd.read_csv(HERE / "waves_shared.csv")
    designs = {
        int(p): gs.Design(g, weights="w", strata="stratum", psu="psu", fpc="fpc1")
        for p, g in df.groupby("period")
    }
    se_shared = gs.Waves(designs, shared_psus=True).change("sipas-2017", 2021, 2023)["se"]
    se_indep = gs.Waves(designs).change("sipas-2017", 2021, 2023)["se"]
    assert not np.allclose(se_shared, se_indep, rtol=1e-3)
