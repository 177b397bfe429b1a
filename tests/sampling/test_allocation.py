"""Allocation: sums, bounds, textbook and svy values; quota plans; bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govsurvey.errors import InputError
from govsurvey.sampling import allocate, quota

SIZES = {"A": 12_000, "B": 8_500, "C": 3_100, "D": 900, "E": 26_000}


def test_proportional_textbook():
    # n_h = n N_h / N exactly when the shares are whole
    assert allocate({"a": 5000, "b": 3000, "c": 2000}, 100).tolist() == [50, 30, 20]
    # largest remainders: 100 * (1/3, 1/3, 1/3) -> 34, 33, 33 (ties to the first stratum)
    assert allocate({"a": 900, "b": 900, "c": 900}, 100).tolist() == [34, 33, 33]


def test_neyman_textbook():
    # Cochran (1977) section 5.5: n_h = n N_h S_h / sum N S
    N = {"1": 394, "2": 461, "3": 391, "4": 334, "5": 169, "6": 113, "7": 148}
    S = {"1": 8.3, "2": 13.3, "3": 15.1, "4": 19.8, "5": 24.5, "6": 26.0, "7": 35.2}
    out = allocate(N, 100, method="neyman", sd=S)
    exact = 100 * np.array([N[k] * S[k] for k in N]) / sum(N[k] * S[k] for k in N)
    assert out.sum() == 100
    assert (np.abs(out.to_numpy() - exact) < 1).all()


@pytest.mark.parametrize("method", ["proportional", "equal", "neyman", "power"])
def test_against_svy_when_no_bound_binds(method):
    alloc = pytest.importorskip("svy.engine.size_and_power.allocation")
    sd = {"A": 0.30, "B": 0.42, "C": 0.25, "D": 0.5, "E": 0.2}
    for n in (200, 517, 1000):
        ours = allocate(SIZES, n, method=method, sd=sd, power=0.5)
        if method == "proportional":
            theirs = alloc._proportional_allocation(SIZES, n, min_n=0)
        elif method == "power":
            theirs = alloc._proportional_allocation(SIZES, n, power=0.5, min_n=0)
        elif method == "neyman":
            theirs = alloc._neyman_allocation(SIZES, sd, n, min_n=0)
        else:
            theirs = alloc._equal_allocation(SIZES, n, min_n=0)
        assert ours.to_dict() == theirs, (method, n)


def test_bounds_are_honoured_and_sum_is_exact():
    rng = np.random.default_rng(5)
    for _ in range(200):
        H = int(rng.integers(2, 12))
        N = pd.Series(rng.integers(5, 2000, H), index=[f"s{i}" for i in range(H)])
        lo = int(rng.integers(0, 5))
        hi = int(rng.integers(lo + 1, 400))
        cap = np.minimum(N, hi).sum()
        n = int(rng.integers(lo * H, cap + 1))
        if n == 0:
            continue
        method = rng.choice(["proportional", "equal", "power", "neyman"])
        sd = dict(zip(N.index, rng.uniform(0.1, 1, H), strict=True))
        out = allocate(N, n, method=method, sd=sd, minimum=lo, maximum=hi)
        assert out.sum() == n
        assert (out >= lo).all() and (out <= np.minimum(N, hi)).all()
        assert out.dtype == np.int64


def test_minimum_lifts_small_strata_and_rescales_the_rest():
    out = allocate({"big": 10_000, "mid": 5_000, "tiny": 100}, 300, minimum=50)
    assert out["tiny"] == 50
    # the rest split 250 in proportion 2:1
    assert out[["big", "mid"]].tolist() == [167, 83]
    capped = allocate({"a": 400, "b": 1000}, 700, maximum={"a": 150, "b": 1000})
    assert capped.tolist() == [150, 550]  # a's share would be 200


def test_quota_plan():
    units = pd.DataFrame(
        {
            "ward": ["P1", "P2", "X1", "X2"],
            "kind": ["phuong", "phuong", "xa", "xa"],
            "N": [950, 120, 400, 90],
        }
    )
    out = quota(units, "kind", {"phuong": 200, "xa": 90}, size="N")
    assert out["n"].tolist() == [200, 120, 90, 90]
    assert out["capped"].tolist() == [False, True, False, False]
    with pytest.raises(InputError, match="no quota for unit type 'xa'"):
        quota(units, "kind", {"phuong": 200})


def test_bad_input():
    with pytest.raises(InputError, match="minimums add to 150, more than the total sample of 100"):
        allocate({"a": 100, "b": 100, "c": 100}, 100, minimum=50)
    with pytest.raises(InputError, match="stratum 'c' is asked for at least 50 units but has only"):
        allocate({"a": 1000, "b": 1000, "c": 20}, 300, minimum=50)
    with pytest.raises(InputError, match="at most 120 units"):
        allocate({"a": 100, "b": 20}, 200)
    with pytest.raises(InputError, match="stratum size is zero"):
        allocate({"a": 100, "b": 0}, 20)
    with pytest.raises(InputError, match="stratum size is negative"):
        allocate({"a": 100, "b": -5}, 20)
    with pytest.raises(InputError, match="stratum size is missing"):
        allocate({"a": 100, "b": None}, 20)
    with pytest.raises(InputError, match="standard deviation"):
        allocate({"a": 100, "b": 100}, 20, method="neyman")
    with pytest.raises(InputError, match="unknown allocation method"):
        allocate({"a": 100}, 20, method="optimal")
    with pytest.raises(InputError, match="no value for 1 stratum"):
        allocate({"a": 100, "b": 100}, 20, minimum={"a": 3})
