"""The personal-value check: exactly the personal columns' values, found whatever their
formatting, and nothing else (no false alarm on the words a report prints anyway)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import openpyxl
import pytest

import govsurvey as gs
from govsurvey.io import write_template
from govsurvey.io.template import HEADER_ROW, SHEET, template_columns
from govsurvey.publish.guard import (
    PersonalValues,
    common_words,
    digit_key,
    personal_values,
    scan_personal,
)

INST = gs.load_instrument("sipas-2017")
PHONE = "0912345678"


def _found(tmp_path: Path, text: str, values: PersonalValues, name: str = "r.html") -> list:
    folder = tmp_path / "out"
    folder.mkdir(exist_ok=True)
    for p in folder.iterdir():
        p.unlink()
    (folder / name).write_text(text, encoding="utf-8")
    return [(x.column, x.kind) for x in scan_personal(folder, values)]


@pytest.mark.parametrize(
    "shown",
    [
        "0912345678",
        "912345678",
        "0912 345 678",
        "0912.345.678",
        "912,345,678.00",  # read as a number and printed with en digit groups
        "912.345.678,00",  # ... vi digit groups
        "912\u00a0345\u00a0678",  # no-break spaces
        "912\u202f345\u202f678",  # narrow no-break spaces (CLDR)
        "+84 912 345 678",
        "weights from 1.00 to 912,345,678.00",
        "2024 0912 345 678",  # inside a longer run of groups
    ],
)
def test_a_phone_is_found_whatever_its_digit_groups(tmp_path, shown):
    pv = PersonalValues({"phone": frozenset({PHONE})})
    assert _found(tmp_path, f"<p>{shown}</p>", pv) == [("phone", "a number of 10 digits")]


@pytest.mark.parametrize("shown", ["91234567", "9123456789", "0912345679", "1.912345678", "x"])
def test_other_numbers_are_not_a_phone(tmp_path, shown):
    pv = PersonalValues({"phone": frozenset({PHONE})})
    assert _found(tmp_path, f"<p>{shown} and 83,76%</p>", pv) == []


@pytest.mark.parametrize(
    "shown",
    [
        "NGUYỄN THỊ THU HÀ",
        "nguyễn  thị thu hà",
        unicodedata.normalize("NFD", "Nguyễn Thị Thu Hà"),
        "Nguyễn&nbsp;Thị Thu&#32;Hà",
    ],
)
def test_a_name_is_found_whatever_its_case_spacing_or_unicode_form(tmp_path, shown):
    pv = PersonalValues({"full_name": frozenset({"Nguyễn Thị Thu Hà"})})
    assert _found(tmp_path, f"<p>Xin cảm ơn {shown}.</p>", pv)
    assert _found(tmp_path, json.dumps({"x": f"{shown}"}), pv, "figures.json")


def test_words_a_report_prints_and_short_numbers_are_not_searched_for():
    pv = PersonalValues(
        {
            "address": frozenset({"Ninh Kiều", "Số 12 đường Mậu Thân"}),
            "phone": frozenset({"7", "12345", "—", PHONE}),
            "full_name": frozenset({"Nam", "Trần Văn Bình"}),
        }
    )
    exact = pv.without(common_words(INST) | {"Ninh Kiều"})
    assert exact.by_column == {
        "address": {"Số 12 đường Mậu Thân"},
        "phone": {PHONE},
        "full_name": {"Trần Văn Bình"},
    }


def test_digit_key():
    assert digit_key("0912 345 678") == digit_key("+84 912-345-678") == "912345678"
    assert digit_key("001088012345") == "1088012345"
    assert digit_key("12345") is None and digit_key("Số 12") is None


def test_the_template_help_sheets_give_no_personal_value(tmp_path):
    book = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    j = {c["column"]: k for k, c in enumerate(template_columns(INST), start=1)}
    for i, (rid, name, phone) in enumerate(
        [("A1", "Lê Thị Mai", "0987 654 321"), ("A2", "Võ Minh Khoa", 912000111)]
    ):
        r = HEADER_ROW + 1 + i
        for col, v in (("respondent_id", rid), ("full_name", name), ("phone", phone)):
            ws.cell(row=r, column=j[col], value=v)
        ws.cell(row=r, column=j["district"], value="Cái Răng")
    wb.save(book)
    pv = personal_values(book, INST)
    assert pv.by_column == {
        "full_name": {"Lê Thị Mai", "Võ Minh Khoa"},
        "phone": {"0987 654 321", "912000111"},
        "address": frozenset(),
        "id_number": frozenset(),
    }


def test_a_message_never_quotes_a_personal_value():
    pv = PersonalValues({"full_name": frozenset({"Lê Thị Mai"}), "phone": frozenset({PHONE})})
    text = "weighting cell 'LÊ THỊ MAI' has no respondents; phone 0912 345 678; 83,76%"
    said = pv.redact(text)
    assert "Mai" not in said.upper().title() and "345" not in said
    assert said.count("[personal value withheld]") == 2 and said.endswith("83,76%")


def test_common_words_come_from_declared_columns_only():
    import pandas as pd

    data = pd.DataFrame(
        {"ward": ["An Hòa", "Cái Khế"], "notes": ["Lê Thị Mai", "x"], "full_name": ["Võ An", "B"]}
    )
    words = common_words(INST, data)
    assert {"An Hòa", "Cái Khế", "Hộ tịch", "civil_registration"} <= words
    assert "Lê Thị Mai" not in words and "Võ An" not in words


def test_personal_values_on_a_sheet_of_their_own_are_collected(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phiếu"
    ws.append(["respondent_id", "district", "C1_1", "overall"])
    ws.append(["A1", "Cái Răng", 4, 5])
    contacts = wb.create_sheet("Liên hệ")
    contacts.append(["Danh sách liên hệ"])  # a title above the header
    contacts.append(["Mã phiếu", "Họ và tên", "Số điện thoại"])
    contacts.append(["A1", "Đỗ Văn Phúc", "0903 111 222"])
    book = tmp_path / "two.xlsx"
    wb.save(book)
    pv = personal_values(book, INST)
    assert pv.by_column["full_name"] == {"Đỗ Văn Phúc"}
    assert pv.by_column["phone"] == {"0903 111 222"}
