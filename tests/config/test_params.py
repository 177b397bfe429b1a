"""Typed run parameters: one model per notebook, bounded YAML, one clear message per problem."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

import govsurvey as gs
from govsurvey.config import params as P
from govsurvey.config.params import (
    NOTEBOOKS,
    PARAMETERS,
    IndexParams,
    SharedParams,
    load_params,
    parse_yaml,
)

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT = ROOT / "params" / "default.yaml"


def write(tmp_path: Path, text: str, responses: bool = True) -> Path:
    (tmp_path / "r.csv").write_text("respondent_id\n1\n")
    p = tmp_path / "p.yaml"
    head = "responses: r.csv\n" if responses else ""
    p.write_text(head + text, encoding="utf-8")
    return p


def problems(path: Path, notebooks="03") -> list[str]:
    with pytest.raises(gs.InputError) as err:
        load_params(path, notebooks=notebooks)
    return [str(p) for p in err.value.problems]


# --------------------------------------------------------------------------- default.yaml


def test_default_params_are_valid_with_the_hanoi_plan():
    p = load_params(DEFAULT, notebooks="03")
    assert Path(p["responses"]).is_file() and Path(p["responses"]).is_absolute()
    assert p["targets"] == {"C5": 85.0}
    assert p["baseline"] == {"C5": 79.73} and p["baseline_year"] == 2021
    assert (p["gain"], p["gain_high"], p["gain_unit"]) == (3.0, 5.0, "points")
    assert p["unit_targets"] == {"Thanh Xuân": 90.0} and p["unit_target_year"] == 2023
    # Thanh Xuân is a district of the synthetic city
    frame = (ROOT / "data" / "synthetic" / "frame.csv").read_text(encoding="utf-8")
    assert "\nThanh Xuân," in frame


def test_default_params_are_flat_for_papermill():
    raw = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    assert all(isinstance(k, str) for k in raw)
    for k, v in raw.items():  # values: scalars, lists of scalars, or mappings of scalars
        inner = v.values() if isinstance(v, dict) else v if isinstance(v, list) else [v]
        if k == "dated_targets":  # the nested form: unit -> {year: target}
            inner = [x for per in inner for x in per.values()]
        assert all(not isinstance(x, dict | list) for x in inner), k


def test_example_province_is_a_template_without_hanoi_figures():
    text = (ROOT / "params" / "example-province.yaml").read_text(encoding="utf-8")
    assert "79.73" not in text and "Thanh Xuân" not in text and "Hà Nội" not in text
    raw = parse_yaml(text)
    unknown = set(raw) - set(PARAMETERS)
    assert not unknown
    assert raw["run_name"] != "default"


# --------------------------------------------------------------------------- models


def test_one_model_per_notebook_composed_with_the_shared_keys():
    assert set(NOTEBOOKS) == {"01", "02", "03", "04", "05"}
    for spec in NOTEBOOKS.values():
        assert issubclass(spec.model, SharedParams)
        assert spec.model.model_config["extra"] == "forbid"
    assert "targets" in IndexParams.model_fields and "targets" not in SharedParams.model_fields


def test_a_key_of_another_notebook_is_checked_when_it_runs_and_left_aside_when_not(
    tmp_path, monkeypatch
):
    """A run of one notebook is not refused for another's keys."""

    class Other(SharedParams):
        sample_size: int = 400

    monkeypatch.setitem(
        NOTEBOOKS, "01", P.NotebookSpec("01", "03_satisfaction_index.ipynb", Other, "x", "x")
    )
    path = write(tmp_path, "sample_size: 300\ntargets: {C5: 85}\n")
    p = load_params(path, notebooks=["01", "03"])
    assert p["sample_size"] == 300 and p["targets"] == {"C5": 85.0}
    # running 03 alone: notebook 01's key is left aside, not refused, and not passed on
    p = load_params(path, notebooks="03")
    assert "sample_size" not in p and p["targets"] == {"C5": 85.0}


def test_weight_omitted_is_equal_weights_and_empty_is_refused(tmp_path):
    assert load_params(write(tmp_path, ""), notebooks="03")["weight"] is None
    (msg,) = problems(write(tmp_path, 'weight: ""\n'))
    assert "parameter 'weight' is empty" in msg and "leave the key out" in msg


def test_psu_and_fpc_take_a_name_or_a_list(tmp_path):
    p = load_params(write(tmp_path, "psu: ward\nfpc: [N1, N2]\n"), notebooks="03")
    assert p["psu"] == "ward" and p["fpc"] == ["N1", "N2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("min_cel: 3\n", "unknown parameter 'min_cel'"),
        ("min_cell: 0\n", "parameter 'min_cell': input should be greater than or equal to 1"),
        ("min_cell: 2.5\n", "parameter 'min_cell': input should be a valid integer"),
        ("confidence: high\n", "parameter 'confidence': input should be a valid number"),
        ("confidence: 0.9999\n", "parameter 'confidence': input should be less than or equal"),
        ("lonely_psu: drop\n", "parameter 'lonely_psu': input should be 'fail', 'remove'"),
        ("language: fr\n", "parameter 'language': input should be 'vi' or 'en'"),
        ("domains: 3\n", "parameter 'domains': input should be a valid list"),
        ("domains: [district, district]\n", "parameter 'domains' names a column twice"),
        ("domains: [full_name]\n", "domain 'full_name' is a personal column"),
        ("domains: [free_text]\n", "domain 'free_text' is not a coded domain"),
        ("frame: nowhere.csv\n", "parameter 'frame': file 'nowhere.csv' not found"),
        ("run_name: ../x\n", "parameter 'run_name' must be a plain name"),
        ("run_name: /abs/path\n", "parameter 'run_name' must be a plain name"),
        ('run_name: ""\n', "parameter 'run_name' must be a plain name"),
        ("instrument: sipas-1999\n", "parameter 'instrument': no instrument called"),
        ("targets: {C9.9.9: 85}\n", "parameter 'targets' has the key 'C9.9.9'"),
        ("targets: {C5: 185}\n", "gives C5 the target 185.0, outside 0–100"),
        ("gain: 3\nbaseline: {C5: 79.73}\nbaseline_year: 2021\n", "without its unit"),
        ("gain: 3\ngain_unit: points\n", "a gain is given without a baseline"),
        (
            "gain: 5\ngain_high: 3\ngain_unit: points\nbaseline: {C5: 79}\nbaseline_year: 2021\n",
            "gain_high is below gain",
        ),
        ("gain_unit: percent\n", "parameter 'gain_unit': input should be 'points' or 'relative'"),
        ("baseline: {C5: 79.73}\n", "without baseline_year"),
        ("unit_targets: {Thanh Xuân: 90}\ndomains: [district]\n", "without unit_target_year"),
        ("baseline_se: {C5: 1}\n", "baseline_se names ['C5'], which have no baseline"),
    ],
)
def test_bad_params_are_named_with_the_file(tmp_path, text, message):
    path = write(tmp_path, text)
    msgs = problems(path)
    assert any(message in m for m in msgs), msgs
    assert all(m.startswith(str(path)) for m in msgs)
    assert all("Fix: " in m for m in msgs)


def test_responses_are_required_and_all_problems_come_together(tmp_path):
    msgs = problems(write(tmp_path, "foo: 1\nbar: 2\nmin_cell: -1\n", responses=False))
    assert len(msgs) == 4
    assert any("parameter 'responses' is required" in m for m in msgs)


def test_a_default_input_path_is_taken_from_the_notebooks_folder(tmp_path):
    p = load_params(write(tmp_path, ""), notebooks="01")
    assert p["ward_frame"] == str(ROOT / "data" / "synthetic" / "wards.csv")


def test_paths_are_relative_to_the_parameters_file(tmp_path, monkeypatch):
    sub = tmp_path / "params"
    sub.mkdir()
    (tmp_path / "data.csv").write_text("respondent_id\n1\n")
    path = sub / "p.yaml"
    path.write_text("responses: ../data.csv\n", encoding="utf-8")
    monkeypatch.chdir(ROOT)
    assert load_params(path, notebooks="03")["responses"] == str(tmp_path / "data.csv")


# --------------------------------------------------------------------------- bounded YAML


def test_duplicate_keys_are_refused_with_both_lines(tmp_path):
    (msg,) = problems(write(tmp_path, "min_cell: 10\nmin_cell: 20\n"))
    assert "row 3: the parameters file repeats the key 'min_cell' (first on line 2)" in msg


def test_a_510_byte_alias_bomb_in_psu_is_refused_at_once(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for x, y in zip("bcdefgh", "abcdefg", strict=True):
        lines.append(f"{x}: &{x} [" + ",".join([f"*{y}"] * 9) + "]")
    lines.append("psu: [" + ",".join(["*h"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    assert len(text.encode()) <= 600
    path = write(tmp_path, text, responses=False)
    t0 = time.perf_counter()
    (msg,) = problems(path)
    assert time.perf_counter() - t0 < 0.5
    assert "YAML anchor" in msg and "aliases are not allowed" in msg
    # an alias whose anchor is not even in the file: refused the same way, not a crash
    (msg,) = problems(write(tmp_path, "psu: *nowhere\n"))
    assert "alias" in msg.lower()


def test_deep_nesting_and_huge_files_are_refused(tmp_path):
    (msg,) = problems(write(tmp_path, "psu: " + "[" * 50 + "]" * 50 + "\n"))
    assert "nests values more than" in msg
    big = write(tmp_path, "# " + "x" * (P.MAX_BYTES + 10) + "\n")
    (msg,) = problems(big)
    assert "bytes, more than the 262,144 allowed" in msg


def test_a_huge_value_is_never_expanded_in_a_message(tmp_path):
    (msg,) = problems(write(tmp_path, f"min_cell: {'9' * 100_000}x\n"))
    assert len(msg) < 400 and "(100001 characters)" in msg
    msgs = problems(write(tmp_path, "weight: [" + ", ".join(["w"] * 20_000) + "]\n"))
    assert all(len(m) < 600 for m in msgs)


def test_yaml_syntax_errors_name_the_line(tmp_path):
    (msg,) = problems(write(tmp_path, "min_cell: [1, 2\n"))
    assert "not valid YAML" in msg and ", row " in msg


def test_not_a_mapping_and_not_utf8(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text("- a\n- b\n")
    (msg,) = problems(p)
    assert "flat mapping of name: value" in msg
    p.write_bytes(b"min_cell: \xff\n")
    (msg,) = problems(p)
    assert "not UTF-8 text" in msg


# --------------------------------------------------------------------------- notebook use


def test_validate_params_accepts_what_a_parameters_cell_holds(tmp_path):
    f = tmp_path / "r.csv"
    f.write_text("respondent_id\n1\n")
    cell = {
        k: f.get_default(call_default_factory=True) for k, f in IndexParams.model_fields.items()
    }
    cell.update(responses=str(f), output_dir="", targets={"C5": 85})
    p = gs.validate_params(cell, notebooks="03")
    assert p["targets"] == {"C5": 85.0} and p["responses"] == str(f)
    assert p["weighting"] == "none"  # notebook 03 publishes adjusted figures only when asked


@pytest.mark.parametrize("notebook", ["03", "04"])
def test_publishing_adjusted_figures_needs_a_frame(tmp_path, notebook):
    """The index (03) and the drivers (04) are published with the weights the parameters
    state, the design weights unless asked."""
    f = tmp_path / "r.csv"
    f.write_text("respondent_id\n1\n")
    with pytest.raises(gs.InputError, match="weighting 'rake' adjusts the weights to the frame"):
        gs.validate_params({"responses": str(f), "weighting": "rake"}, notebooks=notebook)
    p = gs.validate_params({"responses": str(f), "weighting": "nonresponse"}, notebooks=notebook)
    assert p["weighting"] == "nonresponse"
    assert gs.validate_params({"responses": str(f)}, notebooks=notebook)["weighting"] == "none"


def test_only_accepts_identifiers_and_numbers():
    assert P.select_notebooks("3") == ["03"]
    assert P.select_notebooks(["03", "3"]) == ["03"]
    with pytest.raises(gs.InputError, match="no notebook '07' to run"):
        P.select_notebooks("7,03")


def test_notebook_04_keys_are_its_own_and_checked(tmp_path):
    p = load_params(write(tmp_path, "replicates: 100\nfacts_by: [district]\n"), notebooks="04")
    assert p["replicates"] == 100 and p["facts_by"] == ["district"]
    assert "replicates" not in load_params(write(tmp_path, "replicates: 1\n"), notebooks="03")
    msgs = problems(write(tmp_path, "facts_by: [district, district]\n"), notebooks="04")
    assert "must name distinct" in msgs[0]
    msgs = problems(write(tmp_path, "facts_by: [phone]\n"), notebooks="04")
    assert "domain 'phone' is a personal column" in msgs[0]


def test_the_vietnamese_default_run_differs_only_in_name_and_language():
    root = Path(__file__).resolve().parent.parent.parent
    en = yaml.safe_load((root / "params" / "default.yaml").read_text(encoding="utf-8"))
    vi = yaml.safe_load((root / "params" / "default-vi.yaml").read_text(encoding="utf-8"))
    assert (en.pop("run_name"), en.pop("language")) == ("default", "en")
    assert (vi.pop("run_name"), vi.pop("language")) == ("default-vi", "vi")
    assert en == vi
