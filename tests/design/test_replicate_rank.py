"""A replicate design's domain df is the rank of the domain's replicate weights minus 1.

The rank comes from one decomposition of the design's replicate-weight patterns: a domain
holding most PSUs is ranked by the few it lacks, a small one by those it holds. Both sides are
checked against numpy's rank of the domain's own rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govsurvey.design import Design, ReplicateDesign


@pytest.fixture(scope="module")
def sample():
    rng = np.random.default_rng(11)
    n, P, H = 900, 30, 6
    psu = np.concatenate([np.arange(P), rng.integers(0, P, n - P)])
    district = rng.integers(0, 3, n)  # every district in (almost) every PSU
    district[psu < 2] = 3  # a district inside two PSUs
    return pd.DataFrame(
        {
            "psu": psu,
            "stratum": psu % H,
            "district": district,
            "w": rng.uniform(1, 3, n),
            "y": rng.normal(size=n),
        }
    )


def _check(design: ReplicateDesign, data: pd.DataFrame) -> None:
    res = design.mean("y", by="district")
    A = design.replicate_weights()
    for d, df in zip(res["district"], res["df"], strict=True):
        assert df == np.linalg.matrix_rank(A[data["district"].to_numpy() == d], tol=None) - 1


@pytest.mark.parametrize("kind", ["bootstrap", "jkn"])
def test_domain_df_is_the_rank_of_its_replicate_weights(sample, kind):
    base = Design(sample, weights="w", strata="stratum", psu="psu")
    extra = {"replicates": 40, "seed": 2} if kind == "bootstrap" else {}
    _check(base.replicate(kind, **extra), sample)


def test_supplied_weights_without_patterns(sample):
    rep = Design(sample, weights="w", strata="stratum", psu="psu").replicate(
        "bootstrap", replicates=40, seed=3
    )
    A = rep.replicate_weights() * np.random.default_rng(4).uniform(0.9, 1.1, (len(sample), 40))
    cols = [f"r{i}" for i in range(40)]
    data = pd.concat([sample, pd.DataFrame(A, columns=cols)], axis=1)
    _check(ReplicateDesign(data, weights="w", replicate_weights=cols, type="bootstrap"), data)
