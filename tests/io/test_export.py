"""Exports are inert: no text cell of a sheet govsurvey writes is a live formula.

A cell starting with =, +, -, @, tab or CR is written as text in .xlsx (data type 's' with the
quotePrefix style, no <f> element) and escaped with a leading ' in .csv — in the fieldwork sheet
(ward names from a frame) and in the data-entry template (labels from an instrument file).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.io import write_template
from govsurvey.io.export import FORMULA_STARTS, inert_frame, inert_text, make_inert, write_table
from govsurvey.sampling import fieldwork_sheet, write_fieldwork

HOSTILE = [
    '=HYPERLINK("http://evil.example/x","Phường 1")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
    "\r=1",
    "=cmd|' /C calc'!A0",
]
PLAIN = ["Phường Thượng Bình", "Ba Đình", "1-2", "a=b"]


def _no_formula_xml(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode("utf-8"), name
                assert "<f " not in z.read(name).decode("utf-8"), name


def _cells(path: Path):
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


@pytest.mark.parametrize("value", HOSTILE)
def test_a_text_starting_like_a_formula_is_escaped_for_csv(value):
    assert inert_text(value) == "'" + value


@pytest.mark.parametrize("value", [*PLAIN, 5, -5.0, None])
def test_other_values_are_left_as_they_are(value):
    assert inert_text(value) == value


def test_inert_frame_escapes_text_cells_and_headers_and_leaves_numbers():
    f = pd.DataFrame({"=ward": [*HOSTILE, "An"], "n": list(range(-3, len(HOSTILE) - 2))})
    out = inert_frame(f)
    assert list(out.columns) == ["'=ward", "n"]
    assert out["'=ward"].tolist() == ["'" + v for v in HOSTILE] + ["An"]
    assert out["n"].tolist() == f["n"].tolist()
    assert f["=ward"].tolist()[0] == HOSTILE[0]  # the input is not changed


def test_make_inert_marks_every_risky_cell_of_every_sheet():
    wb = openpyxl.Workbook()
    wb.active["A1"] = HOSTILE[0]
    wb.active["A2"] = "An"
    wb.create_sheet("Mã")["B3"] = "+1"
    assert make_inert(wb) == 2
    assert (wb.active["A1"].data_type, wb.active["A1"].quotePrefix) == ("s", True)
    assert wb.active["A2"].quotePrefix is False


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_fieldwork_sheet_from_hostile_ward_names_is_inert(tmp_path, suffix):
    sample = pd.DataFrame(
        {
            "district": ["Ba Đình"] * len(HOSTILE + PLAIN),
            "ward": HOSTILE + PLAIN,
            "psu": [f"=W{i}" for i in range(len(HOSTILE + PLAIN))],
            "unit_id": range(len(HOSTILE + PLAIN)),
            "pi": 0.01,
            "base_weight": 100.0,
        }
    )
    sheet = fieldwork_sheet(sample, language="vi")
    out = write_fieldwork(sheet, tmp_path / f"mau{suffix}")
    if suffix == ".csv":
        assert b"\r\n" in out.read_bytes()
        back = pd.read_csv(out, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        assert len(back) == len(sample)  # a CR inside a cell does not start a row
        risky = [v for col in back.columns for v in back[col] if v.startswith(FORMULA_STARTS)]
        assert risky == []
        wards = back["Phường/xã/thị trấn"].tolist()
        assert sorted(wards) == sorted(["'" + v for v in HOSTILE] + PLAIN)
    else:
        _no_formula_xml(out)
        cells = list(_cells(out))
        texts = [c for c in cells if isinstance(c.value, str)]
        risky = [c for c in texts if c.value.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))]
        assert len(risky) == len(HOSTILE) + len(sample)  # ward names and =W codes
        assert all(c.data_type == "s" and c.quotePrefix for c in risky)
        shown = sorted(c.value for c in cells if c.column == 3 and c.row > 1)
        expected = sorted(v.replace("\r", "\n") for v in HOSTILE + PLAIN)  # XML keeps no CR
        assert shown == expected


def test_write_table_refuses_other_suffixes(tmp_path):
    with pytest.raises(gs.InputError, match="a sheet is written as .xlsx or .csv, not '.txt'"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "x.txt")


def test_the_template_of_an_instrument_with_formula_labels_is_inert(tmp_path):
    src = Path(gs.load_instrument("sipas-2017").path).read_text("utf-8")
    hostile = src.replace('vi: "Hộ tịch"', """vi: '=HYPERLINK("http://evil","x")'""", 1)
    hostile = hostile.replace('vi: "Nơi ngồi chờ có đủ chỗ ngồi"', 'vi: "-Nơi ngồi chờ"', 1)
    hostile = hostile.replace('vi: "Hài lòng"', 'vi: "+Hài lòng"', 1)
    hostile = re.sub(r'vi: "Không trả lời"', 'vi: "@Không trả lời"', hostile, count=1)
    assert hostile.count("=HYPERLINK") == 1 and "+Hài lòng" in hostile
    inst_path = tmp_path / "hostile.yaml"
    inst_path.write_text(hostile, encoding="utf-8")
    inst = gs.load_instrument(str(inst_path))
    out = write_template(tmp_path / "phieu.xlsx", inst)
    _no_formula_xml(out)
    texts = [c for c in _cells(out) if isinstance(c.value, str)]
    risky = [c for c in texts if c.value.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert {c.value.split(" ")[0][:3] for c in risky} >= {"=HY", "+Hà", "@Kh"}
    assert any(c.value.startswith("-Nơi") for c in risky) or any(
        "C1.1 -Nơi" in c.value for c in texts
    )
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)
