"""``dated_targets`` of notebook 05: the flat and nested forms, and the messages that refuse one.

Checked twice: by the parameters model (types, years, 0–100) and, before any notebook runs, by
the preflight against the waves file (units named, years the waves can judge).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from govsurvey.config.params import load_params, validate_params
from govsurvey.config.params_trends import (
    OVERALL,
    dated_target_problems,
    dated_targets_by_unit,
    normalise_dated_targets,
)
from govsurvey.config.preflight import check_run
from govsurvey.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def responses(tmp_path_factory) -> str:
    f = tmp_path_factory.mktemp("r") / "r.csv"
    f.write_text("respondent_id\n1\n")
    return str(f)


def _problems(responses: str, **keys) -> list:
    with pytest.raises(InputError) as err:
        validate_params({"responses": responses, **keys}, notebooks="05")
    return err.value.problems


def test_flat_and_nested_forms_normalise_to_the_same_targets(responses):
    flat = validate_params(
        {"responses": responses, "dated_targets": {2023: 90, 2025: 95}, "target_unit": "TX"},
        notebooks="05",
    )
    nested = validate_params(
        {"responses": responses, "dated_targets": {"TX": {"2023": 90, 2025: 95.0}}},
        notebooks="05",
    )
    a = dated_targets_by_unit(flat["dated_targets"], flat["target_unit"])
    b = dated_targets_by_unit(nested["dated_targets"], nested["target_unit"])
    assert a == b == {"TX": {2023: 90.0, 2025: 95.0}}
    assert all(type(y) is int and type(t) is float for y, t in a["TX"].items())
    # the flat form without a unit is the whole population; all stays the default of the rest
    assert dated_targets_by_unit({2025: 88}) == {None: {2025: 88.0}}
    both = dated_targets_by_unit({"TX": {2025: 95}, "all": {2025.0: 88}})
    assert both == {"TX": {2025: 95.0}, OVERALL: {2025: 88.0}}
    assert normalise_dated_targets(None) is None


@pytest.mark.parametrize(
    ("targets", "where", "en", "vi"),
    [
        (
            {"Thanh Xuân": {2025: 120}},
            "dated_targets[Thanh Xuân][2025]",
            "is 120, outside 0–100",
            "là 120, ngoài khoảng 0–100",
        ),
        (
            {"Thanh Xuân": {"năm 2025": 95}},
            "dated_targets[Thanh Xuân]",
            "has the key 'năm 2025', which is not a year",
            "có khoá 'năm 2025', không phải một năm",
        ),
        (
            {2025: "95%"},
            "dated_targets[2025]",
            "is '95%', which is not a number",
            "là '95%', không phải một số",
        ),
        (
            {"Thanh Xuân": {2025: 95}, 2025: 88},
            "dated_targets",
            "mixes years and units at its first level",
            "trộn năm và đơn vị ở cấp thứ nhất",
        ),
    ],
)
def test_bad_targets_are_one_problem_in_vi_and_en(responses, targets, where, en, vi):
    problems = _problems(responses, dated_targets=targets)
    assert len(problems) == 1
    p = problems[0]
    assert p.text("en").startswith(f"parameter '{where}' {en}. Fix: ")
    assert p.text("vi").startswith(f"tham số '{where}' {vi}. Cách sửa: ")
    assert "Traceback" not in p.text("en")


def test_target_unit_beside_the_nested_form_is_refused(responses):
    (p,) = _problems(responses, dated_targets={"A": {2025: 90}}, target_unit="A")
    assert p.what.startswith("parameter 'target_unit' is set")
    assert p.fix_vi.startswith("bỏ target_unit")


def test_problems_against_the_waves_name_unit_and_year():
    ps = dated_target_problems(
        {"Tây Ho": {2027: 90}, "Ba Đình": {2020: 80, 2022: 85, 2027: 90}, "all": {2019: 70}},
        None,
        ["Ba Đình", "Tây Hồ"],
        [2021, 2022, 2023],
        "district",
    )
    assert [p.what.split(",")[0] for p in ps] == [
        "parameter 'dated_targets' names the unit 'Tây Ho'",
        "parameter 'dated_targets[Ba Đình][2020]' has the year 2020",
        "parameter 'dated_targets[all][2019]' has the year 2019",
    ]
    assert "did you mean 'Tây Hồ'?" in ps[0].fix
    assert ps[0].what_vi.startswith("tham số 'dated_targets' ghi đơn vị 'Tây Ho', không phải")
    assert "(các kỳ: 2021–2023)" in ps[1].what_vi
    # the flat form's unit is target_unit's
    (p,) = dated_target_problems({2027: 90}, "Tay Ho", ["Tây Hồ"], [2021, 2022], "district")
    assert p.what.startswith("parameter 'target_unit' names the unit 'Tay Ho'")
    assert dated_target_problems({2027: 90}, None, ["Tây Hồ"], [2021, 2022], "district") == []


def _check(tmp_path: Path, **keys) -> list:
    raw = yaml.safe_load((ROOT / "params" / "default.yaml").read_text(encoding="utf-8"))
    raw.update(keys)
    for k in ("responses", "frame", "truth", "waves", "waves_truth", "desk_forms", "ward_frame"):
        if isinstance(raw.get(k), str):
            raw[k] = str((ROOT / "params" / raw[k]).resolve())
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    params = load_params(f, notebooks=["05"])
    try:
        check_run(params, ["05"])
    except InputError as err:
        return err.problems
    return []


def test_preflight_checks_targets_against_the_waves_file(tmp_path):
    ok = {"Thanh Xuân": {2023: 90, 2027: 95}, "all": {2027: 85}}
    assert _check(tmp_path, target_unit=None, dated_targets=ok) == []
    ps = _check(
        tmp_path,
        target_unit=None,
        dated_targets={"Thanh Xuan": {2027: 95}, "all": {2019: 88}},
    )
    assert len(ps) == 2
    assert (
        ps[0]
        .text("en")
        .startswith(
            "parameter 'dated_targets' names the unit 'Thanh Xuan', which is not a value of "
            "'district' in the waves. Fix: did you mean 'Thanh Xuân'?"
        )
    )
    assert ps[1].text("vi").startswith("tham số 'dated_targets[all][2019]' có năm 2019, trước kỳ")
    # a flat target's unknown unit is target_unit's
    (p,) = _check(tmp_path, dated_targets={2027: 95}, target_unit="Thanh Xuan")
    assert p.what.startswith("parameter 'target_unit' names the unit 'Thanh Xuan'")
    # the waves' unit column itself missing
    (p,) = _check(tmp_path, trend_unit="quận")
    assert p.what.startswith("parameter 'trend_unit': the column 'quận' is not in")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "parameter 'dated_targets' names the unit 'Thanh Xuan', which is not a value"),
        ("vi", "tham số 'dated_targets' ghi đơn vị 'Thanh Xuan', không phải một giá trị"),
    ],
)
def test_run_stops_before_any_notebook_with_the_message(tmp_path, capsys, language, said):
    from govsurvey.cli import main

    raw = yaml.safe_load((ROOT / "params" / "default.yaml").read_text(encoding="utf-8"))
    for k in ("responses", "frame", "truth", "waves", "waves_truth", "desk_forms", "ward_frame"):
        if isinstance(raw.get(k), str):
            raw[k] = str((ROOT / "params" / raw[k]).resolve())
    raw.update(language=language, dated_targets={"Thanh Xuan": {2027: 95}})
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    reports = tmp_path / "reports"
    code = main(["run", str(f), "--only", "05", "--reports", str(reports)])
    out, err = capsys.readouterr()
    assert code == 2
    assert said in out + err
    assert "Traceback" not in out + err
    assert not reports.exists() or not any(reports.iterdir())  # nothing ran, nothing written
