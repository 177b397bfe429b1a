"""A province's own survey from the data-entry template: a clerk fills it, it reads back as the
data it was made to hold, and a run publishes no personal value and raises no false alarm."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import openpyxl
import pytest
import yaml

import govsurvey as gs
from govsurvey.cli import main
from govsurvey.io.template import SHEET
from govsurvey.publish.guard import personal_values
from govsurvey.publish.run import _preflight

from . import clerk

INST = gs.load_instrument("sipas-2017")
PERSONAL = ["full_name", "phone", "address", "id_number"]

pytestmark = pytest.mark.usefixtures("pinned_source")


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> clerk.Filled:
    folder = tmp_path_factory.mktemp("province")
    book = folder / "phieu.xlsx"
    assert main(["template", str(book)]) == 0
    return clerk.fill(book, n=600, seed=2024)


@pytest.fixture(scope="module")
def exported(filled) -> Path:
    return clerk.export_csv(filled.path, filled.path.with_suffix(".csv"))


def _check_round_trip(r: gs.Responses, f: clerk.Filled) -> None:
    exp = f.expected.set_index("respondent_id")
    got = r.data.set_index("respondent_id")
    assert (r.n_read, r.n_kept, r.n_excluded, len(r.cell_account)) == (600, 600, 0, 0)
    assert list(got.index) == list(exp.index)
    for col in exp.columns:
        e, g = exp[col], got[col]
        if col in INST.scale_columns or col == "late_result":
            assert g.dtype == "Int64", col
            assert g.astype("float64").fillna(-1).tolist() == e.astype(float).fillna(-1).tolist()
        elif col == "base_weight":
            assert g.tolist() == pytest.approx(e.tolist(), rel=1e-12)
        else:
            assert g.astype(str).tolist() == e.astype(str).tolist(), col
    codes = r.codes.set_index(r.data["respondent_id"])
    want = f.codes.set_index("respondent_id")
    for col in INST.scale_columns:
        assert codes[col].astype("float64").fillna(-1).tolist() == (
            want[col].astype(float).fillna(-1).tolist()
        ), col
    assert r.personal_columns == PERSONAL


def test_an_office_without_design_columns_reads_back_too(tmp_path):
    book = tmp_path / "plain.xlsx"
    assert main(["template", str(book)]) == 0
    f = clerk.fill(book, n=60, seed=5, design=False, responded=True)
    r = gs.read_responses(book)
    assert not {"base_weight", "stratum", "psu"} & set(r.data.columns)  # blank: absent
    assert r.data["responded"].tolist() == [1] * 60
    exp = f.expected.set_index("respondent_id")
    got = r.data.set_index("respondent_id")
    assert got["C3_2"].astype("float64").fillna(-1).tolist() == (
        exp["C3_2"].astype(float).fillna(-1).tolist()
    )


def test_the_clerk_typed_every_kind_of_cell(filled):
    # the workbook really holds what the round trip is about
    for kind in ("Không biết", "Không áp dụng", "full label", "blank", "label nfd", "label upper"):
        assert filled.typed[kind] > 50, kind


def test_the_filled_template_reads_back_as_the_data_it_holds(filled):
    r = gs.read_responses(filled.path)  # not one problem: every label variant is read
    assert (r.source.sheet, r.source.header_row) == (SHEET, 4)
    _check_round_trip(r, filled)


def test_its_csv_export_reads_back_the_same(filled, exported):
    r = gs.read_responses(exported)
    assert r.source.header_row == 4
    _check_round_trip(r, filled)


def test_help_sheets_reordered_or_deleted_change_nothing(filled, tmp_path):
    wb = openpyxl.load_workbook(filled.path)
    wb.move_sheet(SHEET, offset=2)
    assert wb.sheetnames[-1] == SHEET
    wb.save(tmp_path / "reordered.xlsx")
    wb = openpyxl.load_workbook(filled.path)
    for name in ("Mã", "Cột"):
        del wb[name]
    wb.save(tmp_path / "deleted.xlsx")
    for name in ("reordered.xlsx", "deleted.xlsx"):
        _check_round_trip(gs.read_responses(tmp_path / name), filled)
        pv = personal_values(tmp_path / name, INST)
        assert {c: set(v) for c, v in pv.by_column.items()} == _planted(filled)


def _planted(f: clerk.Filled) -> dict[str, set[str]]:
    return {c: {" ".join(v.split()) for v in vals} for c, vals in f.personal.items()}


def test_personal_values_are_exactly_the_personal_columns(filled, exported):
    for path in (filled.path, exported):
        pv = personal_values(path, INST)
        # every value typed under the template's own headers, and nothing of the help sheets
        assert {c: set(v) for c, v in pv.by_column.items()} == _planted(filled)
        run_values = _preflight({"instrument": "sipas-2017", "responses": str(path)})
        assert {c: set(v) for c, v in run_values.by_column.items()} == _planted(filled)


def test_validate_reads_every_answer_in_either_language(filled, capsys):
    for lang, rows in (("vi", "số dòng đọc 600, giữ 600, loại 0"), ("en", "rows read 600")):
        assert main(["validate", str(filled.path), "--language", lang]) == 0
        out = capsys.readouterr().out
        assert rows in out
        assert "set missing" not in out and "coi là thiếu" not in out


def _digit_runs(text: str) -> set[str]:
    """Every number of a text with its digit groups joined (an independent oracle)."""
    runs = set()
    for m in re.finditer(r"\d+(?:[ .,\u00a0\u202f]\d+)*", text):
        groups = re.findall(r"\d+", m.group(0))
        for i in range(len(groups)):
            for j in range(i + 1, len(groups) + 1):
                runs.add("".join(groups[i:j]).lstrip("0"))
    return runs


def _assert_nothing_planted(folder: Path, f: clerk.Filled) -> None:
    words = {
        unicodedata.normalize("NFC", v).casefold() for vals in f.personal.values() for v in vals
    }
    numbers = {
        re.sub(r"\D", "", v).lstrip("0") for c in ("phone", "id_number") for v in f.personal[c]
    }
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files
    for p in files:
        text = unicodedata.normalize("NFC", p.read_text(encoding="utf-8", errors="replace"))
        folded = " ".join(text.casefold().split())
        found = [w for w in words if w in folded]
        assert not found, (p.name, len(found))
        assert not (numbers & _digit_runs(text)), p.name


def _params(folder: Path, data: Path, language: str, name: str) -> Path:
    p = {
        "run_name": name,
        "instrument": "sipas-2017",
        "responses": str(data),
        "weight": "base_weight",
        "strata": "stratum",
        "psu": "psu",
        "domains": ["district"],
        "min_cell": 30,
        "language": language,
    }
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(p, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("language", "source"), [("vi", "xlsx"), ("en", "xlsx"), ("vi", "csv")], ids=str
)
def test_a_run_on_the_clerks_file_publishes_no_personal_value(
    filled, exported, tmp_path, capsys, language, source
):
    data = filled.path if source == "xlsx" else exported
    params = _params(tmp_path, data, language, f"clerk-{language}-{source}")
    reports = tmp_path / "reports"
    code = main(["run", str(params), "--only", "03,04", "--reports", str(reports)])
    out, err = capsys.readouterr()
    assert code == 0, err[-2000:]  # no false alarm: the run is published
    folder = reports / f"clerk-{language}-{source}"
    assert sorted(p.name for p in reports.iterdir()) == [folder.name]
    assert {"03_satisfaction_index.html", "04_drivers.html", "figures.json"} <= {
        p.name for p in folder.iterdir()
    }
    _assert_nothing_planted(folder, filled)
    page = (folder / "03_satisfaction_index.html").read_text(encoding="utf-8")
    assert f'<html lang="{language}"' in page
    said = out + err
    for vals in filled.personal.values():
        assert not any(v in said for v in vals)
    assert "set missing" not in err  # NFD and label variants are read, not lost


def test_a_phone_typed_into_a_weight_cell_is_never_published(filled, tmp_path):
    wb = openpyxl.load_workbook(filled.path)
    ws = wb[SHEET]
    header = [c.value for c in ws[4]]
    col = next(j for j, h in enumerate(header, start=1) if h.endswith("(base_weight)"))
    ws.cell(row=9, column=col, value=810123899)  # the row's weight cell holds a phone
    wb.save(tmp_path / "w.xlsx")
    r = gs.read_responses(tmp_path / "w.xlsx", on_error="exclude")
    assert r.n_excluded == 1 and r.account["row"].tolist() == [9]
    assert "phone or ID number typed into the weight cell" in r.account["reason"].iloc[0]
    assert "810123899" not in r.account["reason"].iloc[0]
    assert float(r.data["base_weight"].max()) < 1e6
