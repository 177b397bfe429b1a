"""Data entry: every label variant a clerk types, messages in Vietnamese and English, the
template's drop-downs and instrument, and the command line's output when it is cut short."""

from __future__ import annotations

import logging
import subprocess
import sys
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.cli import main
from govsurvey.errors import Problem
from govsurvey.io import read_responses, write_template
from govsurvey.io.template import HEADER_ROW, SHEET, template_columns
from govsurvey.publish.guard import personal_values

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "data" / "synthetic" / "responses.csv"
INST = gs.load_instrument("sipas-2017")


def _nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def _file(tmp_path: Path, edits: dict[tuple[int, str], str], n: int = 6) -> Path:
    df = pd.read_csv(DATA, dtype=str, keep_default_na=False).head(n)
    for (i, col), v in edits.items():
        df.loc[i, col] = v
    f = tmp_path / "r.csv"
    df.to_csv(f, index=False)
    return f


@pytest.mark.parametrize(
    ("column", "typed", "code"),
    [
        ("C1_1", "Không biết", 8),
        ("C1_1", "không áp dụng", 8),
        ("C1_1", "Không biết / không áp dụng", 8),
        ("C1_1", "KHÔNG BIẾT/KHÔNG ÁP DỤNG", 8),
        ("C1_1", "Không  biết  /  không áp dụng ", 8),
        ("C1_1", "Khong biet", 8),  # typed without accents
        ("C1_1", "Don't know", 8),
        ("C1_1", "Không trả lời", 9),
        ("C1_1", "no answer", 9),
        ("C1_1", "  hài   LÒNG ", 4),
        ("C1_1", _nfd("Hài lòng"), 4),
        ("C1_1", _nfd("Rất không hài lòng"), 1),
        ("C1_1", "rat hai long", 5),
        ("overall", "Bình thường", 3),
        ("apology", "Không áp dụng", 0),  # the item's own "not applicable (not late)"
        ("apology", "Không áp dụng (không trễ hẹn)", 0),
        ("apology", "không biết", 8),
        ("late_result", "có", 1),
        ("late_result", "KHÔNG", 2),
        ("exp_online", "Có chọn", 1),
        ("exp_online", "không chọn", 0),
        ("responded", "Đã trả lời", 1),
    ],
)
def test_every_label_variant_a_clerk_types_is_read(tmp_path, column, typed, code):
    r = read_responses(_file(tmp_path, {(1, column): typed}))  # raises on any problem
    coded = r.codes if column in r.codes.columns else r.data
    assert coded[column].iloc[1] == code


@pytest.mark.parametrize(
    ("column", "typed", "code"),
    [
        ("age_group", "18–29", "18-29"),
        ("age_group", "18 - 29", "18-29"),
        ("field", "Ho tich", "civil_registration"),
        ("field", "Lao động - thương binh và xã hội", "labour_social"),  # a hyphen, not a dash
        ("occupation", "hưu trí,  khác", "retired_other"),
        ("sex", _nfd("NỮ"), "female"),
        ("level", "Cap xa", "commune"),
    ],
)
def test_every_category_label_variant_is_read(tmp_path, column, typed, code):
    r = read_responses(_file(tmp_path, {(1, column): typed}))
    assert r.data[column].iloc[1] == code


def test_an_unknown_word_is_listed_with_the_labels_and_the_nearest_one(tmp_path):
    f = _file(tmp_path, {(1, "C2_1"): "Hàilòngg", (2, "sex"): "Nư x"})
    with pytest.raises(gs.InputError) as err:
        read_responses(f)
    p1, p2 = err.value.problems
    assert p1.column == "C2_1" and "not a number" not in p1.what
    assert p1.what == "neither a code nor a label of this column"
    assert "its label such as 'Hài lòng'" in p1.fix and "8 or 'Không biết'" in p1.fix
    assert p1.fix.endswith("(did you mean 'Hài lòng'?)")
    assert p1.text("vi") == (
        f"{f}, dòng 3, cột 'C2_1': không phải mã hay nhãn của cột này (giá trị 'Hàilòngg'). "
        "Cách sửa: ghi 1–5 hoặc nhãn như 'Hài lòng' (trang 'Mã' của mẫu nhập liệu liệt kê đủ), "
        "8 hoặc 'Không biết' (không biết), 9 hoặc 'Không trả lời' (không trả lời), hoặc để trống "
        "(có phải là 'Hài lòng'?)"
    )
    assert p2.column == "sex" and "Nam (male); Nữ (female)" in p2.fix
    assert "Nam (male); Nữ (female)" in p2.fix_vi and p2.what_vi.startswith("không phải mã")


def test_a_problem_without_vietnamese_words_is_said_in_english_throughout():
    p = Problem("bad", "fix it", "x.csv", 3)
    assert p.text("vi") == p.text("en") == "x.csv, row 3: bad. Fix: fix it"
    err = gs.InputError([p, Problem("b", "f", what_vi="xấu", fix_vi="sửa")])
    assert err.text("vi").splitlines() == [
        "2 lỗi:",
        "  - x.csv, row 3: bad. Fix: fix it",
        "  - xấu. Cách sửa: sửa",
    ]


def test_messages_follow_govsurvey_language(monkeypatch):
    p = Problem("bad", "fix", what_vi="xấu", fix_vi="sửa", row=2)
    monkeypatch.setenv("GOVSURVEY_LANGUAGE", "vi")
    assert str(p) == "dòng 2: xấu. Cách sửa: sửa"
    monkeypatch.setenv("GOVSURVEY_LANGUAGE", "en")
    assert str(p) == "row 2: bad. Fix: fix"


def test_decomposed_unicode_sets_nothing_missing_and_says_so(tmp_path, caplog):
    edits = {(i, "C1_1"): _nfd("Hài lòng") for i in range(3)}
    edits |= {(3, "C1_1"): "Hài lòng", (0, "sex"): _nfd("Nữ"), (1, "sex"): "Nữ"}
    with caplog.at_level(logging.INFO, logger="govsurvey.io.reader"):
        r = read_responses(_file(tmp_path, edits), on_error="exclude")
    assert r.codes["C1_1"].head(4).tolist() == [4, 4, 4, 4]
    assert "set missing" not in caplog.text
    assert len(r.cell_account) == 0  # a label in any Unicode form is the label


def test_a_phone_typed_as_a_weight_is_refused_without_showing_it(tmp_path):
    f = _file(tmp_path, {(2, "base_weight"): "0912345678", (3, "base_weight"): "12.5"})
    r = read_responses(f, on_error="exclude")
    assert r.account["row"].tolist() == [4]
    assert "0912345678" not in r.account["reason"].iloc[0]
    assert "phone or ID number" in r.account["reason"].iloc[0]


def test_a_huge_cell_is_one_clear_message(tmp_path, capsys):
    top = _file(tmp_path, {(1, "ward"): "x" * 200_000})
    assert main(["validate", str(top), "--language", "en"]) == 2
    out = capsys.readouterr().out
    assert "row 3: a cell longer than 131,072 characters" in out and "unexpected" not in out
    df = pd.read_csv(DATA, dtype=str, keep_default_na=False).head(60)
    df.loc[45, "ward"] = "y" * 200_000
    far = tmp_path / "far.csv"
    df.to_csv(far, index=False)
    r = read_responses(far, on_error="exclude")
    assert r.cell_account["check"].tolist() == ["cell_too_long"]
    assert pd.isna(r.data["ward"].iloc[45])


# --------------------------------------------------------------------------- the template


def test_drop_downs_list_the_vietnamese_labels(tmp_path):
    out = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(out)
    ws, codes = wb[SHEET], wb["Mã"]
    letter = {c["column"]: j for j, c in enumerate(template_columns(INST), start=1)}
    offered = {}
    for dv in ws.data_validations.dataValidation:
        ref = dv.formula1.split("!")[1].replace("$", "")
        first, last = (int(x[1:]) for x in ref.split(":"))
        labels = [codes.cell(row=k, column=3).value for k in range(first, last + 1)]
        col = next(iter(dv.sqref)).min_col
        offered[next(c for c, j in letter.items() if j == col)] = labels
    assert offered["field"][:2] == ["Hộ tịch", "Đất đai"]
    assert offered["level"] == ["Cấp xã", "Cấp huyện", "Cấp tỉnh"]
    assert "Hưu trí, khác" in offered["occupation"]
    assert offered["C1_1"] == [
        "Rất không hài lòng",
        "Không hài lòng",
        "Bình thường",
        "Hài lòng",
        "Rất hài lòng",
        "Không biết / không áp dụng",
        "Không trả lời",
    ]
    assert offered["exp_online"] == ["Có chọn", "Không chọn"]
    # every label a drop-down offers is read back as its code
    row = HEADER_ROW + 1
    for col, labels in offered.items():
        ws.cell(row=row, column=letter[col], value=labels[0])
    ws.cell(row=row, column=letter["respondent_id"], value="T-1")
    ws.cell(row=row, column=letter["district"], value="Ninh Kiều")
    wb.save(out)
    r = read_responses(out)
    assert r.data["field"].iloc[0] == "civil_registration" and r.codes["C1_1"].iloc[0] == 1


def test_a_template_of_another_instrument_is_refused(tmp_path):
    text = (ROOT / "govsurvey" / "instruments" / "sipas-2017.yaml").read_text(encoding="utf-8")
    other = tmp_path / "sipas-province.yaml"
    text = text.replace("name: sipas-2017", "name: sipas-province")
    text = text.replace("phương pháp 2017–2021", "phương pháp của tỉnh")
    other.write_text(text, encoding="utf-8")
    book = write_template(tmp_path / "t.xlsx", other)
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    ws.cell(row=HEADER_ROW + 1, column=1, value="A-1")
    ws.cell(row=HEADER_ROW + 1, column=2, value="Ninh Kiều")
    wb.save(book)
    with pytest.raises(gs.InputError) as err:
        read_responses(book, "sipas-2017")
    (p,) = err.value.problems
    assert p.what.startswith("this workbook is the data-entry template of instrument ")
    assert "'sipas-province', not of 'sipas-2017'" in p.what
    assert "--instrument sipas-province" in p.fix
    assert read_responses(book, other).n_kept == 1  # read with its own instrument
    # its CSV export has no workbook properties, but its title says which form it is
    rows = list(openpyxl.load_workbook(book, read_only=True)[SHEET].values)
    csv_file = tmp_path / "t.csv"
    pd.DataFrame(rows).to_csv(csv_file, index=False, header=False)
    with pytest.raises(gs.InputError, match="data-entry template of instrument .*phương pháp của"):
        read_responses(csv_file, "sipas-2017")
    assert read_responses(csv_file, other).n_kept == 1


def test_hand_translated_headers_are_read(tmp_path):
    df = pd.read_csv(DATA, dtype=str, keep_default_na=False).head(4)
    df = df.rename(
        columns={
            "respondent_id": "Mã phiếu",
            "district": "Quận/huyện",
            "full_name": "Họ và tên",
            "phone": "Phone number",
            "C1_1": "C1.1",
            "overall": "Overall satisfaction with the service",
        }
    )
    f = tmp_path / "h.csv"
    df.to_csv(f, index=False)
    r = read_responses(f)
    assert {"respondent_id", "district", "full_name", "phone", "C1_1", "overall"} <= set(r.data)
    pv = personal_values(f, INST)
    assert len(pv.by_column["full_name"]) == 4 and len(pv.by_column["phone"]) == 4


# --------------------------------------------------------------------------- command line


def test_validate_piped_into_head_ends_quietly(tmp_path):
    df = pd.read_csv(DATA, dtype=str, keep_default_na=False).head(3000)
    df["C1_1"] = "abc"  # 3000 answers set missing: far more output than a pipe holds
    f = tmp_path / "many.csv"
    df.to_csv(f, index=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "govsurvey", "validate", str(f), "--max-problems", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    first = proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert first.decode().startswith(str(f))
    assert "BrokenPipe" not in err and "unexpected error" not in err and "Traceback" not in err


def test_validate_and_run_agree_on_what_stops_a_run(tmp_path, capsys):
    f = _file(tmp_path, {(1, "C1_1"): "abc", (2, "respondent_id"): ""})
    assert main(["validate", str(f), "--language", "en"]) == 0  # run goes on: so does validate
    out = capsys.readouterr().out
    assert "rows excluded (the run leaves them out): 1, because of:" in out
    assert "answers set missing (the row is kept): 1" in out
    assert "the file can be run" in out
    assert main(["validate", str(f), "--strict", "--language", "en"]) == 2
    assert main(["validate", str(f)]) == 0
    out = capsys.readouterr().out
    assert "câu trả lời coi là thiếu (dòng vẫn giữ): 1" in out and "Cách sửa:" in out


def test_the_data_sheet_is_found_behind_a_contacts_sheet(tmp_path):
    out = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb[SHEET]
    ws.cell(row=HEADER_ROW + 1, column=1, value="K-1")
    ws.cell(row=HEADER_ROW + 1, column=2, value="Cái Răng")
    contacts = wb.create_sheet("Liên hệ", 0)  # first, with an id column of its own
    contacts.append(["Mã phiếu", "Họ và tên"])
    contacts.append(["K-1", "Đỗ Văn Phúc"])
    wb.save(out)
    r = read_responses(out)
    assert r.source.sheet == SHEET and r.n_kept == 1
