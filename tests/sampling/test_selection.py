"""Selection: every method's inclusion probabilities hold over thousands of seeded draws."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from govsurvey.errors import InputError
from govsurvey.sampling import (
    inclusion_probabilities,
    rank_within,
    sample_indicators,
    select,
    srs_positions,
    systematic_positions,
)


def r_inclusionprobabilities(a, n):
    """R's sampling::inclusionprobabilities, line by line (an independent implementation)."""
    a = np.asarray(a, dtype=float)
    pik1 = n * a / a.sum()
    pik = pik1[pik1 > 0].copy()
    list1 = pik1 > 0
    l_ = int((pik >= 1).sum())
    if l_ > 0:
        l1 = 0
        while l_ != l1:
            x = pik[pik < 1]
            x = x / x.sum()
            pik[pik < 1] = (n - l_) * x
            l1 = l_
            l_ = int((pik >= 1).sum())
        pik[pik > 1] = 1
    pik1[list1] = pik
    return pik1


def test_inclusion_probabilities_as_r():
    rng = np.random.default_rng(11)
    for _ in range(200):
        N = int(rng.integers(3, 40))
        a = rng.lognormal(0, 1.5, N)
        n = int(rng.integers(1, N))
        np.testing.assert_allclose(
            inclusion_probabilities(a, n), r_inclusionprobabilities(a, n), rtol=1e-12, atol=1e-15
        )
    # the textbook case: the giant unit is certain, the others share the rest
    np.testing.assert_allclose(
        inclusion_probabilities([1, 2, 3, 4, 50], 2), [0.1, 0.2, 0.3, 0.4, 1.0]
    )


def test_inclusion_probabilities_by_stratum_equal_separate():
    rng = np.random.default_rng(2)
    a = rng.lognormal(0, 1.2, 30)
    g = np.repeat([0, 1, 2], 10)
    n = [2, 5, 9]
    joint = inclusion_probabilities(a, n, strata=g)
    for h in range(3):
        np.testing.assert_allclose(joint[g == h], r_inclusionprobabilities(a[g == h], n[h]))


def _frame():
    rng = np.random.default_rng(21)
    sizes = np.r_[rng.integers(5, 60, 11), 400, rng.integers(5, 60, 8), 30]  # one giant unit
    return pd.DataFrame(
        {"stratum": np.repeat(["X", "Y"], [12, 9]), "size": sizes, "id": np.arange(21)}
    )


@pytest.mark.parametrize(
    "method", ["srs", "systematic", "pps_systematic", "pps_brewer", "pps_sampford"]
)
def test_inclusion_frequencies_match_pi(method):
    f = _frame()
    codes = (f["stratum"] == "Y").to_numpy().astype(np.int64)
    n = np.array([4, 3])
    if method.startswith("pps"):
        pi = inclusion_probabilities(f["size"], n, strata=codes)
        assert pi[11] == 1.0  # the giant unit is taken with certainty
    else:
        pi = (n / np.bincount(codes))[codes]
    R = 20_000
    t = time.perf_counter()
    s = sample_indicators(pi, method, codes, draws=R, seed=[8, len(method)])
    assert time.perf_counter() - t < 5
    # fixed size in every stratum of every draw
    assert (s[:, codes == 0].sum(axis=1) == 4).all() and (s[:, codes == 1].sum(axis=1) == 3).all()
    freq = s.mean(axis=0)
    se = np.sqrt(pi * (1 - pi) / R)
    z = np.where(se > 0, (freq - pi) / np.where(se > 0, se, 1), 0)
    assert np.abs(z).max() < 4.5, (method, np.round(z, 2))
    assert (freq[pi == 1] == 1).all()


def test_select_returns_rows_pi_weight_and_is_reproducible():
    f = _frame()
    a = select(f, {"X": 4, "Y": 3}, method="pps_brewer", strata="stratum", size="size", seed=5)
    b = select(f, {"X": 4, "Y": 3}, method="pps_brewer", strata="stratum", size="size", seed=5)
    assert a.equals(b)
    assert list(a.columns) == ["stratum", "size", "id", "pi", "weight"]
    assert a.groupby("stratum").size().to_dict() == {"X": 4, "Y": 3}
    np.testing.assert_allclose(a["weight"], 1 / a["pi"])
    pi = inclusion_probabilities(f["size"], [4, 3], strata=(f["stratum"] == "Y").astype(int))
    np.testing.assert_allclose(a["pi"], pi[a.index])
    srs = select(f, 2, strata="stratum", seed=1)
    assert srs.groupby("stratum")["pi"].first().to_dict() == {"X": 2 / 12, "Y": 2 / 9}
    # systematic along a sorted list: the sample spreads over the sort key
    g = pd.DataFrame({"x": np.arange(100)})
    s = select(g.sample(frac=1, random_state=1), 10, method="systematic", sort_by="x", seed=3)
    assert sorted(np.diff(np.sort(s["x"].to_numpy())).tolist()) == [10] * 9


def test_kernels():
    ranks = rank_within(np.array([0.5, 0.2, 0.9, 0.1]), np.array([1, 1, 0, 1]), 2)
    assert ranks.tolist() == [2, 1, 0, 0]
    pos = systematic_positions(np.array([0.0, 2.5]), np.array([10, 30]), 3)
    assert pos.tolist() == [[0, 3, 6], [2, 12, 22]]
    p = srs_positions(np.random.default_rng(4), np.array([3, 50, 5000]), np.array([3, 50, 40]))
    assert sorted(p[0, :3].tolist()) == [0, 1, 2] and sorted(p[1].tolist()) == list(range(50))
    row = p[2][p[2] >= 0]
    assert len(row) == 40 and len(set(row.tolist())) == 40
    # SRS positions are uniform: each of 20 positions taken 5/20 of the time
    many = srs_positions(np.random.default_rng(9), np.full(4000, 20), 5)
    freq = np.bincount(many.ravel(), minlength=20) / 4000
    assert np.abs(freq - 0.25).max() < 4.5 * np.sqrt(0.25 * 0.75 / 4000)


def test_bad_input():
    f = _frame()
    with pytest.raises(InputError, match="stratum 'Y' is asked for 10 units but has only 9"):
        select(f, {"X": 2, "Y": 10}, strata="stratum")
    with pytest.raises(InputError, match="no stratum column 'district'"):
        select(f, 2, strata="district")
    for bad, word in ((0, "zero"), (-3, "negative"), (np.nan, "missing")):
        g = f.copy()
        g.loc[4, "size"] = bad
        with pytest.raises(InputError, match=f"size measure is {word}") as err:
            select(g, 2, method="pps_brewer", strata="stratum", size="size")
        assert err.value.problems[0].column == "size"
    with pytest.raises(InputError, match="size measure"):
        select(f, 2, method="pps_sampford", strata="stratum")
    with pytest.raises(InputError, match="unknown selection method"):
        select(f, 2, method="bernoulli")
    with pytest.raises(InputError, match="no sample size for stratum 'Y'"):
        select(f, {"X": 2}, strata="stratum")
