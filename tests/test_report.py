"""Run parameters and the publication guards."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import govsurvey as gs
from govsurvey.report import PARAMETERS, load_params, validate_params

ROOT = Path(__file__).resolve().parent.parent


def test_default_params_are_valid_and_complete():
    p = load_params(ROOT / "params" / "default.yaml")
    assert set(p) == set(PARAMETERS)
    assert Path(p["responses"]).is_file() and Path(p["responses"]).is_absolute()
    raw = yaml.safe_load((ROOT / "params" / "default.yaml").read_text())
    # flat: papermill -f takes it as it is
    assert all(not isinstance(v, dict) for v in raw.values())


def _write(tmp_path, text):
    (tmp_path / "r.csv").write_text("respondent_id\n1\n")
    p = tmp_path / "p.yaml"
    p.write_text("responses: r.csv\nframe: null\ntruth: null\n" + text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "text, message",
    [
        ("min_cel: 3\n", "unknown parameter 'min_cel'"),
        ("min_cell: 0\n", "parameter 'min_cell' is 0, outside [1, None]"),
        ("min_cell: 2.5\n", "parameter 'min_cell' must be a whole number, got 2.5"),
        ("confidence: high\n", "parameter 'confidence' must be a number, got 'high'"),
        ("lonely_psu: drop\n", "parameter 'lonely_psu' is 'drop', not one of"),
        ("domains: 3\n", "parameter 'domains' must be a list of column names, got 3"),
        ("target_gain_low: 6\n", "target_gain_low is above target_gain_high"),
        ("frame: nowhere.csv\n", "parameter 'frame': file 'nowhere.csv' not found"),
    ],
)
def test_bad_params_are_named(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(gs.InputError) as err:
        load_params(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_all_problems_reported_together(tmp_path):
    with pytest.raises(gs.InputError) as err:
        load_params(_write(tmp_path, "foo: 1\nbar: 2\nmin_cell: -1\n"))
    assert len(err.value.problems) == 3


def test_params_file_missing(tmp_path):
    with pytest.raises(gs.InputError, match="parameters file not found"):
        load_params(tmp_path / "none.yaml")


def test_paths_resolved_against_params_file(tmp_path):
    p = load_params(_write(tmp_path, ""))
    assert p["responses"] == str((tmp_path / "r.csv").resolve())


def test_strings_and_bools_rejected_as_numbers():
    with pytest.raises(gs.InputError, match="must be a number, got True"):
        validate_params({"responses": None, "seed": True})


def _index_frame():
    return pd.DataFrame(
        {
            "district": ["A", "B", "C"],
            "code": ["SIPAS"] * 3,
            "estimate": [80.123456789012345, 90.5, 70.0],
            "se": [1.0, 2.0, 3.0],
            "ci_low": [78.0, 86.0, 64.0],
            "ci_high": [82.0, 94.0, 76.0],
            "n": [100, 29, 30],
        }
    )


def test_publisher_suppresses_small_cells():
    pub = gs.Publisher("sipas-2017", min_cell=30)
    t = pub.guard(_index_frame())
    assert t["suppressed"].tolist() == [False, True, False]
    assert np.isnan(t.loc[1, ["estimate", "se", "ci_low", "ci_high"]].astype(float)).all()
    assert t.loc[1, "n"] == 29 and t.loc[1, "district"] == "B"
    assert t.loc[2, "estimate"] == 70.0


@pytest.mark.parametrize("col", ["full_name", "phone", "address", "id_number"])
def test_publisher_refuses_personal_columns(col):
    pub = gs.Publisher("sipas-2017")
    with pytest.raises(ValueError, match=f"refusing to publish personal column.*{col}"):
        pub.guard(_index_frame().assign(**{col: "x"}))


def test_record_keeps_full_precision(tmp_path):
    pub = gs.Publisher("sipas-2017", min_cell=30, output_dir=str(tmp_path), notebook="nb")
    pub.record("by_district", _index_frame())
    saved = json.loads((tmp_path / "figures-nb.json").read_text())
    assert saved["by_district"][0]["estimate"] == 80.123456789012345
    assert saved["by_district"][1]["estimate"] is None
    assert saved["by_district"][1]["suppressed"] is True


def test_min_cell_must_be_positive():
    with pytest.raises(ValueError, match="min_cell must be at least 1"):
        gs.Publisher("sipas-2017", min_cell=0)


def test_a_run_must_name_its_survey_file(tmp_path):
    """No default data: a province's parameters file cannot silently publish the synthetic set."""
    path = tmp_path / "p.yaml"
    path.write_text("run_name: hanoi-2025\n", encoding="utf-8")
    with pytest.raises(gs.InputError) as err:
        load_params(path)
    assert [p.what for p in err.value.problems] == ["parameter 'responses' is required"]
    assert "set 'responses' to the survey file" in str(err.value)
