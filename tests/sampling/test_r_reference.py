"""Against R's `sampling` package (reference values in tests/fixtures/sampling/, made by the
committed make_reference.R; the test does not need R): inclusion probabilities to 1e-12, and the
second-order inclusion probabilities of systematic PPS and of Sampford's method, which only an
implementation of that very method reproduces, within Monte Carlo error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsurvey.sampling import inclusion_probabilities, sample_indicators

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "sampling"


def test_inclusion_probabilities_equal_r():
    ref = pd.read_csv(FIX / "inclusion.csv")
    for _, g in ref.groupby("case"):
        ours = inclusion_probabilities(g["size"].to_numpy(), int(g["n"].iloc[0]))
        np.testing.assert_allclose(ours, g["pi"].to_numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("case", "method"),
    [("b", "systematic"), ("b", "sampford"), ("d", "systematic"), ("d", "sampford")],
)
def test_joint_inclusion_probabilities_match_r(case, method):
    ref = pd.read_csv(FIX / "joint.csv").query("case == @case and method == @method")
    first = pd.read_csv(FIX / "inclusion.csv").query("case == @case")
    pi = first["pi"].to_numpy()
    free = np.flatnonzero(pi < 1)
    R = 200_000
    s = sample_indicators(pi[free], f"pps_{method}", draws=R, seed=[31, len(method), ord(case)])
    joint = (s.T.astype(np.float32) @ s.astype(np.float32)) / R
    k = len(free)
    expect = np.zeros((k, k))
    pos = {u: i for i, u in enumerate(free + 1)}
    expect[ref["unit_i"].map(pos), ref["unit_j"].map(pos)] = ref["pi2"].to_numpy()
    se = np.sqrt(expect * (1 - expect) / R)
    assert np.all(np.abs(joint - expect) <= 5 * se + 2e-5), np.round(joint - expect, 4)
    # pairs that systematic sampling never draws together are never drawn together
    assert np.all(joint[expect == 0] == 0)
