"""Calibration bounds from a parameters file reach a notebook and work (issue 17, item 5).

papermill writes a tuple into a notebook as the text ``"(0.5, 2.0)"``; the notebook's own
validation read it as a string and refused it ("bounds: input should be a valid tuple"), so valid
bounds were refused and unmeetable ones were refused for that reason, not for theirs.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from papermill.translators import PythonTranslator

from govsurvey.config.params import validate_params
from govsurvey.config.params_response import weighting_arguments
from govsurvey.design import Design
from govsurvey.errors import InputError
from govsurvey.weighting import apply

ROOT = Path(__file__).parents[2]
RESPONSES = ROOT / "data" / "synthetic" / "responses.csv"
FRAME = ROOT / "data" / "synthetic" / "frame.csv"


def _through_papermill(value):
    """The value as the notebook sees it: papermill's literal, evaluated in the kernel."""
    return eval(PythonTranslator.translate(value))  # noqa: S307 - papermill's own literal


@pytest.mark.parametrize("nb", ["02", "03", "04"])
def test_bounds_survive_papermill_into_every_weighting_notebook(nb):
    file_params = validate_params(
        {
            "responses": str(RESPONSES),
            "frame": str(FRAME),
            "weighting": "calibrate",
            "bounds": [0.5, 2.0],
        },
        notebooks=nb,
    )
    seen = _through_papermill(file_params["bounds"])
    assert isinstance(seen, str)  # what papermill hands over
    inside = validate_params(
        {
            "responses": str(RESPONSES),
            "frame": str(FRAME),
            "weighting": "calibrate",
            "bounds": seen,
        },
        notebooks=nb,
    )
    assert inside["bounds"] == (0.5, 2.0)
    assert weighting_arguments(inside)["bounds"] == (0.5, 2.0)


@pytest.mark.parametrize("text", ["(0.5, 2.0)", "[0.5, 2]", "0.5, 2"])
def test_bounds_written_as_text_read_as_two_numbers(text):
    p = validate_params({"responses": str(RESPONSES), "bounds": text}, notebooks="03")
    assert p["bounds"] == (0.5, 2.0)


@pytest.mark.parametrize(
    "text, reason",
    [("(a, b)", "two numbers"), ("(1.2, 2.0)", "low < 1 < high"), ("(0.5, 2, 3)", "bounds")],
)
def test_bad_bounds_text_is_refused_for_its_own_reason(text, reason):
    with pytest.raises(InputError, match="bounds") as err:
        validate_params({"responses": str(RESPONSES), "bounds": text}, notebooks="03")
    assert reason in str(err.value)
    assert "valid tuple" not in str(err.value) or reason == "bounds"


def _sample():
    df = pd.DataFrame(
        {
            "sex": ["m"] * 20 + ["f"] * 20,
            "responded": 1,
            "w": 10.0,
        }
    )
    frame = pd.DataFrame({"sex": ["m", "f"], "N": [100.0, 700.0]})  # women weighted up 3.5x
    return Design(df, weights="w"), frame


CAL = {
    "responses": str(RESPONSES),
    "frame": str(FRAME),
    "weighting": "calibrate",
    "calibration_variables": ["sex"],
    "calfun": "linear",
}


def test_meetable_bounds_from_text_calibrate():
    d, frame = _sample()
    p = validate_params(
        {**CAL, "bounds": _through_papermill((0.2, 4.0))},
        notebooks="03",
    )
    out = apply(d, frame=frame, **weighting_arguments(p))
    w = pd.Series(out.weight_values).groupby(d.data["sex"].to_numpy()).sum()
    assert w["f"] == pytest.approx(700.0) and w["m"] == pytest.approx(100.0)


def test_unmeetable_bounds_from_text_are_refused_because_they_cannot_be_met():
    d, frame = _sample()
    p = validate_params(
        {**CAL, "bounds": _through_papermill((0.8, 1.25))},
        notebooks="03",
    )
    with pytest.raises(InputError) as err:
        apply(d, frame=frame, **weighting_arguments(p))
    msg = str(err.value)
    assert "did not converge" in msg and "widen the bounds" in msg and "sex=" in msg
