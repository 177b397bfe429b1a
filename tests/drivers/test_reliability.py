"""Reliability against R's psych::alpha / psych::omega (fixtures from make_fixtures.R)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.drivers.reliability import omega_total, reliability
from govsurvey.drivers.scores import component_scores, score_coverage
from govsurvey.errors import InputError

FIX = Path(__file__).parent.parent / "fixtures" / "drivers"


@pytest.fixture(scope="module")
def items():
    return pd.read_csv(FIX / "items.csv")


@pytest.fixture(scope="module")
def scales(items):
    return {f"C{k}": [c for c in items.columns if c.startswith(f"C{k}_")] for k in range(1, 6)}


@pytest.mark.parametrize("weighted", [False, True])
def test_scales_equal_psych(items, scales, weighted):
    ref = pd.read_csv(FIX / "r_reliability.csv")
    ref = ref[ref["weighted"] == weighted].set_index("scale")
    got = reliability(items, scales, weights="base_weight" if weighted else None).scales
    got = got.set_index("scale").loc[ref.index]
    assert (got["n"] == ref["n"]).all()
    assert (got["status"] == "estimated").all()
    for col in ["raw_alpha", "std_alpha", "average_r"]:
        np.testing.assert_allclose(got[col], ref[col], rtol=1e-10, err_msg=col)
    # psych's minres stops at optim's tolerance; ours at the exact optimum
    np.testing.assert_allclose(got["omega_total"], ref["omega_total"], rtol=1e-6)


@pytest.mark.parametrize("weighted", [False, True])
def test_items_equal_psych(items, scales, weighted):
    ref = pd.read_csv(FIX / "r_items.csv")
    ref = ref[ref["weighted"] == weighted].reset_index(drop=True)
    got = reliability(items, scales, weights="base_weight" if weighted else None).items
    assert list(got["item"]) == list(ref["item"])
    for col in ["alpha_if_deleted", "std_alpha_if_deleted", "item_total_r"]:
        np.testing.assert_allclose(got[col], ref[col], rtol=1e-10, err_msg=col)


def test_dont_know_codes_are_missing_not_scores(items, scales):
    dirty = items.copy()
    dirty.loc[dirty.index[:50], "C1_1"] = 8  # rows that become incomplete
    clean = dirty.assign(C1_1=dirty["C1_1"].where(dirty["C1_1"] != 8))
    a = reliability(dirty, {"C1": scales["C1"]}).scales
    b = reliability(clean, {"C1": scales["C1"]}).scales
    pd.testing.assert_frame_equal(a, b)
    assert a["n"].iloc[0] < reliability(items, {"C1": scales["C1"]}).scales["n"].iloc[0]


def test_omega_of_a_one_factor_matrix():
    lam = np.array([0.8, 0.7, 0.6, 0.5])
    R = np.outer(lam, lam)
    np.fill_diagonal(R, 1.0)
    assert omega_total(R) == pytest.approx(lam.sum() ** 2 / R.sum(), rel=1e-9)


def test_unmeasurable_scales_are_na_with_a_reason(items, scales):
    df = items.assign(const=3)
    res = reliability(df, {"one": ["C1_1"], "flat": ["C1_1", "const"], "C2": scales["C2"]})
    s = res.scales.set_index("scale")
    assert s.loc["one", "status"] == "one_item"
    assert s.loc["flat", "status"] == "flat_items" and s.loc["flat", "flat_items"] == "const"
    assert s.loc[["one", "flat"], ["raw_alpha", "std_alpha", "omega_total"]].isna().all().all()
    assert s.loc["C2", "status"] == "estimated" and np.isfinite(s.loc["C2", "raw_alpha"])
    few = reliability(items.head(2), {"C1": scales["C1"]}).scales
    assert few["status"].iloc[0] == "too_few"
    with pytest.raises(InputError, match="not in the data"):
        reliability(items, {"C1": ["C1_1", "nope"]})
    with pytest.raises(InputError, match="weights"):
        reliability(items, scales, weights=np.ones(3))


def test_component_scores_need_min_valid_answers():
    inst = gs.load_instrument("sipas-2017")
    cols = [c.column for c in inst.criteria]
    row = {c: 4 for c in cols}
    rows = pd.DataFrame([row, {**row, "C1_1": 8, "C1_2": 9, "C1_3": None}, {**row, "C4_1": 1}])
    s1 = component_scores(rows, inst, min_valid=1)
    s2 = component_scores(rows, inst, min_valid=2)
    assert s1.loc[1, "C1"] == 4.0 and np.isnan(s2.loc[1, "C1"])  # one valid answer left
    assert s1.loc[2, "C4"] == pytest.approx(3.0)
    assert s2.attrs["min_valid"] == 2
    cov = score_coverage(s2)
    assert cov.set_index("component").loc["C1", "n_scored"] == 2
    assert cov.set_index("component").loc["all", "n_scored"] == 2
    with pytest.raises(InputError, match="min_valid"):
        component_scores(rows, inst, min_valid=0)
