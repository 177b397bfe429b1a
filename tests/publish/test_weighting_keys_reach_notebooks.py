"""Every weighting key a notebook accepts changes what it says (issue 17, item 3).

Notebooks 03 and 04 publish with notebook 02's weighting keys, but their parameters cells do not
list ``nonresponse_cells``, ``calibration_variables`` or ``trim_upper``, and a run passed a
notebook only the keys its cell lists: the three keys were recorded in the manifest and ignored.
Now a notebook receives every key of its model (``notebook_parameters``), and the notebook's
own validation (which reads its model's keys from the kernel's globals) hands them to
``gs.weighting.apply``. The second half shows, on that function and the embedded data, that
each key changes the published figures.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from papermill.translators import PythonTranslator

import govsurvey as gs
from govsurvey.config.params import DriversParams, IndexParams, validate_params
from govsurvey.config.params_response import weighting_arguments
from govsurvey.publish.run import notebook_parameters

ROOT = Path(__file__).parents[2]
DATA = ROOT / "data" / "synthetic"
NOTEBOOK = {"03": "03_satisfaction_index.ipynb", "04": "04_drivers.ipynb"}
MODEL = {"03": IndexParams, "04": DriversParams}
CHANGED = {
    "nonresponse_cells": ["area"],
    "calibration_variables": ["district"],
    "trim_upper": 1.5,
    "bounds": (0.5, 2.0),
}


def _cell(nid):
    nb = json.loads((ROOT / "notebooks" / NOTEBOOK[nid]).read_text(encoding="utf-8"))
    (cell,) = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    values = {}
    for node in ast.parse("".join(cell["source"])).body:
        values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


def _inside_notebook(nid, file_params):
    """P as the notebook computes it after a run: its cell, then papermill's injected cell."""
    checked = validate_params(file_params, notebooks=nid)  # what `govsurvey run` validates
    kernel = _cell(nid)
    for k, v in notebook_parameters(nid, checked).items():
        kernel[k] = eval(PythonTranslator.translate(v))  # noqa: S307 - papermill's literal
    own = {k: v for k, v in kernel.items() if k in MODEL[nid].model_fields}
    return validate_params(own, notebooks=nid)


@pytest.mark.parametrize("nid", ["03", "04"])
@pytest.mark.parametrize("key", sorted(CHANGED))
def test_weighting_key_of_the_parameters_file_reaches_the_notebook(nid, key):
    file_params = {
        "responses": str(DATA / "responses.csv"),
        "frame": str(DATA / "frame.csv"),
        "weighting": "nonresponse+calibrate",
        key: CHANGED[key],
    }
    P = _inside_notebook(nid, file_params)
    assert P[key] == CHANGED[key]
    default = _inside_notebook(nid, {**file_params, key: None} if key in ("trim_upper", "bounds")
                               else {k: v for k, v in file_params.items() if k != key})  # fmt: skip
    assert default[key] != CHANGED[key]
    args = weighting_arguments(P)
    name = {"nonresponse_cells": "cells", "calibration_variables": "variables"}.get(key, key)
    assert args[name] == CHANGED[key]


# ------------------------------------------------------------ each key changes the figures
@pytest.fixture(scope="module")
def sample():
    inst = gs.load_instrument("sipas-2017")
    resp = gs.read_responses(DATA / "responses.csv", instrument=inst, on_error="exclude")
    spec = dict(
        weights="base_weight", strata="stratum", psu=["psu", "respondent_id"], fpc=["fpc1", "fpc2"]
    )
    return inst, gs.Design(resp.data, **spec), pd.read_csv(DATA / "frame.csv")


def _figures(sample, **keys):
    inst, design, frame = sample
    P = validate_params(
        {
            "responses": str(DATA / "responses.csv"),
            "frame": str(DATA / "frame.csv"),
            "weighting": "nonresponse+rake",
            **keys,
        },
        notebooks="03",
    )
    d = gs.weighting.apply(design, frame=frame, **weighting_arguments(P))  # as notebook 03
    idx = gs.sipas_index(d, inst)
    return idx[idx["level"] != "criterion"][["estimate", "se"]].to_numpy(), d


@pytest.mark.parametrize(
    "key, value",
    [("nonresponse_cells", ["area"]), ("calibration_variables", ["district"]),
     ("trim_upper", 1.5)],
)  # fmt: skip
def test_each_weighting_key_changes_the_published_figures(sample, key, value):
    base, d0 = _figures(sample)
    changed, d1 = _figures(sample, **{key: value})
    assert not np.allclose(base, changed, rtol=1e-6)
    assert not np.allclose(d0.weight_values, d1.weight_values)
    if key == "trim_upper":  # trimmed at 1.5 times the mean positive weight, the total kept
        w = d1.weight_values[d1.weight_values > 0]
        assert w.max() <= 1.5 * w.mean() * (1 + 1e-9)
        assert w.sum() == pytest.approx(d0.weight_values.sum(), rel=1e-9)
