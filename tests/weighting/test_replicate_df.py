"""Degrees of freedom of a replicate design whose weights were adjusted replicate by replicate.

R's ``calibrate`` (and ``postStratify``, ``rake``) keep the design's stored ``degf``; a domain's
df is ``degf(subset(design, ...))``: the rank of that domain's replicate weights, minus 1.
Nonrespondents end with weight 0 in the full sample and in every replicate.
"""

from __future__ import annotations

import numpy as np
import pytest

import govsurvey as gs
from govsurvey.config.params_response import weighting_arguments


@pytest.fixture(scope="module")
def adjusted(default_responses):
    spec = dict(
        weights="base_weight", strata="stratum", psu=["psu", "respondent_id"], fpc=["fpc1", "fpc2"]
    )
    rep = gs.Design(default_responses.data, **spec).replicate("bootstrap", replicates=60, seed=3)
    return rep, gs.weighting.apply(rep, **weighting_arguments({"weighting": "nonresponse"}))


def test_adjusted_replicate_design_keeps_the_design_df_and_gives_intervals(adjusted):
    rep, adj = adjusted
    assert (adj.weight_values == 0).any()  # the nonrespondents
    assert adj.df == rep.df
    m = adj.mean(["C1_1", "overall"])
    assert np.isfinite(m[["se", "ci_low", "ci_high"]].to_numpy(float)).all()


def test_adjusted_replicate_design_domain_df_is_the_rank_of_its_replicate_weights(
    adjusted, default_responses
):
    _, adj = adjusted
    by = adj.mean("C1_1", by="district")
    A = adj.replicate_weights()
    district = default_responses.data["district"].to_numpy()
    for d, df in zip(by["district"], by["df"], strict=True):
        assert df == np.linalg.matrix_rank(A[district == d]) - 1, d
    assert np.isfinite(by[["ci_low", "ci_high"]].to_numpy(float)).all()
