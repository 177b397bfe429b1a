"""Notebook 02's parameters cell holds the model's defaults, and the weighting it names works."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from govsurvey.config.params_response import (
    RESPONSE_DEFAULTS,
    ResponseOwnParams,
    validate_response_params,
    weighting_arguments,
)
from govsurvey.errors import InputError

NB = Path(__file__).parents[2] / "notebooks" / "02_response_bias.ipynb"


def parameters_cell() -> dict:
    nb = json.loads(NB.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1
    values = {}
    for node in ast.parse("".join(cells[0]["source"])).body:
        assert isinstance(node, ast.Assign), "the parameters cell only assigns values"
        values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


def test_parameters_cell_equals_the_model_defaults():
    cell = parameters_cell()
    own = {k: v for k, v in cell.items() if k in ResponseOwnParams.model_fields}
    assert set(own) == set(ResponseOwnParams.model_fields)
    assert validate_response_params(own) == RESPONSE_DEFAULTS


def test_weighting_arguments_and_bad_values():
    a = weighting_arguments({**RESPONSE_DEFAULTS, "nonresponse_cells": []})
    assert a["cells"] is None and a["propensity"] == RESPONSE_DEFAULTS["propensity_covariates"]
    with pytest.raises(InputError, match="weighting"):
        validate_response_params({"weighting": "magic"})
    with pytest.raises(InputError, match="logit"):
        validate_response_params({"weighting": "calibrate", "calfun": "logit"})
    with pytest.raises(InputError, match="trim_upper.*greater than 1"):
        validate_response_params({"trim_upper": 0.5})
