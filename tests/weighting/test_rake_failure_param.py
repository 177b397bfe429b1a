"""The ``rake_failure`` parameter reaches the rake: the parameters choose stop or keep."""

from __future__ import annotations

import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.config.params_response import WeightingParams, weighting_arguments


def _design_and_frame():
    # district A holds men only in the sample, the frame 100 women there: B's 70 units cannot
    # supply 130 women, so the district and sex margins cannot both be met
    data = pd.DataFrame(
        {
            "district": ["A"] * 4 + ["B"] * 4,
            "sex": ["m"] * 6 + ["f"] * 2,
            "w": 10.0,
            "responded": 1,
        }
    )
    frame = pd.DataFrame(
        {"district": ["A", "A", "B", "B"], "sex": ["m", "f", "m", "f"], "N": [60, 100, 40, 30]}
    )
    return gs.Design(data, weights="w"), frame


def _apply(rake_failure: str):
    d, frame = _design_and_frame()
    params = WeightingParams(
        weighting="rake", calibration_variables=["district", "sex"], rake_failure=rake_failure
    ).model_dump()
    return gs.weighting.apply(d, frame=frame, count="N", **weighting_arguments(params))


def test_error_stops_with_the_margin_that_fails():
    with pytest.raises(gs.InputError, match="did not meet its margins"):
        _apply("error")


def test_keep_publishes_the_last_weights_and_says_which_margin_fails():
    kept = _apply("keep")
    assert kept.diagnostics.converged is False and kept.diagnostics.details["unmet"]


def test_an_unknown_value_is_refused():
    with pytest.raises(ValueError, match="rake_failure"):
        WeightingParams(rake_failure="ignore")
