"""The data-entry template: written for an instrument, filled in, read back by the reader."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.config import load_instrument
from govsurvey.io import read_responses, write_template
from govsurvey.io.template import HEADER_ROW, SHEET, template_columns

INST = load_instrument("sipas-2017")


def test_template_has_every_column_of_the_instrument_with_vietnamese_headers(tmp_path: Path):
    out = write_template(tmp_path / "phieu.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [SHEET, "Mã", "Cột"]
    header = [c.value for c in wb[SHEET][HEADER_ROW]]
    cols = [c["column"] for c in template_columns(INST)]
    assert [h.rsplit("(", 1)[1].rstrip(")") for h in header] == cols
    assert set(cols) >= {INST.id_column, *INST.scale_columns, *INST.required_columns}
    assert header[0] == "Mã phiếu * (respondent_id)"
    assert "C1.1 Nơi ngồi chờ có đủ chỗ ngồi (C1_1)" in header
    # the code sheet lists every code of every coded variable with both labels
    codes = pd.DataFrame(list(wb["Mã"].values)[1:], columns=["column", "code", "vi", "en"])
    occ = codes[codes["column"] == "occupation"]
    assert occ["vi"].tolist() == [v["vi"] for v in INST.variables["occupation"]["codes"].values()]
    assert "Hưu trí, khác" in occ["vi"].tolist()
    assert {"8", "9"} <= set(codes.loc[codes["column"] == "C1_1 … overall", "code"])
    required = [r[0] for r in list(wb["Cột"].values)[1:] if r[1].startswith("bắt buộc, ghi")]
    assert required == ["respondent_id", "district"]


def test_a_filled_in_template_reads_back(tmp_path: Path):
    out = write_template(tmp_path / "phieu.xlsx", "sipas-2017")
    wb = openpyxl.load_workbook(out)
    ws = wb[SHEET]
    cols = [c["column"] for c in template_columns(INST)]
    forms = [
        {"respondent_id": "HN-001", "district": "Ba Đình", "sex": "Nam", "level": "Cấp xã",
         "occupation": "Hưu trí, khác", "base_weight": 12.5, "responded": 1,
         "C1_1": 5, "C1_2": "Không biết / không áp dụng", "C1_3": "Hài lòng", "overall": 4,
         "late_result": "Có", "exp_online": 1, "phone": "0912345678"},
        {"respondent_id": "HN-002", "district": "Hoàn Kiếm", "sex": "female", "level": "district",
         "occupation": "farmer", "base_weight": 8.0, "responded": 1,
         "C1_1": 2, "C1_2": 9, "overall": 8, "late_result": 2, "exp_online": 0},
    ]  # fmt: skip
    for k, f in enumerate(forms):
        for j, c in enumerate(cols, start=1):
            if c in f:
                ws.cell(row=HEADER_ROW + 1 + k, column=j, value=f[c])
    wb.save(out)
    r = read_responses(out)
    assert (r.n_read, r.n_kept, r.source.sheet, r.source.header_row) == (2, 2, SHEET, HEADER_ROW)
    d = r.data.set_index("respondent_id")
    assert d.loc["HN-001", "sex"] == "male" and d.loc["HN-002", "sex"] == "female"
    assert d.loc["HN-001", "level"] == "commune"
    assert d.loc["HN-001", "occupation"] == "retired_other"
    assert d.loc["HN-001", "C1_1"] == 5 and d.loc["HN-001", "C1_3"] == 4
    assert pd.isna(d.loc["HN-001", "C1_2"]) and pd.isna(d.loc["HN-002", "overall"])
    codes = r.codes.set_index(r.data["respondent_id"])
    assert codes.loc["HN-001", "C1_2"] == 8 and codes.loc["HN-002", "overall"] == 8
    assert d.loc["HN-001", "late_result"] == 1
    assert d.loc["HN-001", "phone"] == "0912345678"
    assert r.personal_columns == ["full_name", "phone", "address", "id_number"]


def test_an_empty_template_says_it_has_no_rows(tmp_path: Path):
    out = write_template(tmp_path / "phieu.xlsx")
    with pytest.raises(gs.InputError, match="row 4: the file has a header but no data rows"):
        read_responses(out)


def test_template_needs_an_xlsx_name_in_an_existing_folder(tmp_path: Path):
    with pytest.raises(gs.InputError, match="give a file name ending in .xlsx"):
        write_template(tmp_path / "phieu.csv")
    with pytest.raises(gs.InputError, match="the folder does not exist"):
        write_template(tmp_path / "no" / "phieu.xlsx")


def test_cli_template_writes_the_workbook(tmp_path: Path, capsys):
    from govsurvey import cli

    out = tmp_path / "phieu.xlsx"
    assert cli.main(["template", str(out), "--instrument", "sipas-2017"]) == 0
    assert f"{out}: data-entry template for instrument sipas-2017" in capsys.readouterr().out
    assert openpyxl.load_workbook(out).sheetnames == [SHEET, "Mã", "Cột"]
    assert cli.main(["template", str(tmp_path / "phieu.csv")]) == 2
    assert "give a file name ending in .xlsx" in capsys.readouterr().err
