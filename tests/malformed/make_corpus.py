"""Generate the clean fixtures (tests/fixtures/io/) and the malformed corpus (tests/malformed/).

Run from anywhere: ``python tests/malformed/make_corpus.py``. The files are tiny and committed; this
script documents exactly how each was made, and rerunning it rewrites them byte for byte (except the
XLSX and SAV containers, whose metadata carry timestamps). The expected message of every malformed
file is written by hand in ``tests/malformed/expected.yaml``, not by this script.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures" / "io"

CRITERIA = [
    f"C{c}_{i}" for c, n in ((1, 4), (2, 5), (3, 6), (4, 3), (5, 4)) for i in range(1, n + 1)
]
EXPECT = [
    "exp_facilities",
    "exp_procedures",
    "exp_attitude",
    "exp_time",
    "exp_online",
    "exp_feedback",
]
COLUMNS = [
    "respondent_id", "district", "ward", "field", "level", "mode", "responded", "base_weight",
    "stratum", "psu", "sex", "age_group", "education", "occupation", "ethnicity", "area",
    *CRITERIA, "overall", "trips", "late_result", "apology", "harassment", "informal_payment",
    *EXPECT, "full_name", "phone", "fpc",
]  # fmt: skip


def clean_rows() -> list[dict[str, object]]:
    """Eight respondents and one non-respondent, with Vietnamese text and missing codes."""
    people = [
        ("R001", "Ba Đình", "Phường Điện Biên", "civil_registration", "commune", "post", 1,
         "male", "18-29", "university", "private_employee", "kinh", "urban",
         "Nguyễn Văn Hùng", "0912345678"),
        ("R002", "Ba Đình", "Phường Điện Biên", "land", "district", "handout", 1,
         "female", "30-44", "secondary", "business", "kinh", "urban",
         "Trần Thị Hường", "0987654321"),
        ("R003", "Hoàn Kiếm", "Phường Hàng Bạc", "construction", "district", "online", 1,
         "male", "45-59", "vocational", "worker", "kinh", "urban",
         "Lê Đức Thắng", "0901112223"),
        ("R004", "Hoàn Kiếm", "Phường Hàng Bạc", "certification", "commune", "phone", 1,
         "female", "60+", "primary", "retired_other", "other", "urban",
         "Phạm Thị Ngọc Ánh", "0355556667"),
        ("R005", "Thanh Xuân", "Phường Khương Đình", "business", "province", "face_to_face", 1,
         "male", "30-44", "university", "public_employee", "kinh", "urban",
         "Hoàng Quốc Việt", "0977788899"),
        ("R006", "Sóc Sơn", "Xã Phù Lỗ", "labour_social", "commune", "post", 1,
         "female", "45-59", "primary", "farmer", "kinh", "rural",
         "Đỗ Thị Thuỷ", "0866677788"),
        ("R007", "Sóc Sơn", "Xã Phù Lỗ", "civil_registration", "commune", "handout", 1,
         "male", "18-29", "secondary", "farmer", "other", "rural",
         "Vũ Mạnh Cường", "0344455566"),
        ("R008", "Thanh Xuân", "Phường Khương Đình", "land", "district", "online", 1,
         "female", "60+", "vocational", "retired_other", "kinh", "urban",
         "Bùi Thị Huyền Trâm", "0399988877"),
        ("R009", "Sóc Sơn", "Xã Phù Lỗ", "land", "commune", "post", 0,
         "", "", "", "", "", "rural", "Ngô Văn Tỷ", "0911223344"),
    ]  # fmt: skip
    strata = {"Ba Đình": "urban-core", "Hoàn Kiếm": "urban-core", "Thanh Xuân": "urban-inner",
              "Sóc Sơn": "rural"}  # fmt: skip
    weights = [12.5, 12.5, 8.25, 8.25, 20.0, 31.75, 31.75, 20.0, 31.75]
    rows = []
    for k, p in enumerate(people):
        rid, district, ward, fld, level, mode, responded, *chars, name, phone = p
        row: dict[str, object] = dict(
            respondent_id=rid, district=district, ward=ward, field=fld, level=level, mode=mode,
            responded=responded, base_weight=weights[k], stratum=strata[district],
            psu={"Phường Điện Biên": "P1", "Phường Hàng Bạc": "P2", "Phường Khương Đình": "P3",
                 "Xã Phù Lỗ": "P4"}[ward],  # fmt: skip
        )  # fmt: skip
        row.update(
            zip(
                ["sex", "age_group", "education", "occupation", "ethnicity", "area"],
                chars,
                strict=True,
            )
        )
        for j, c in enumerate(CRITERIA):
            row[c] = "" if not responded else [5, 4, 3, 4, 2, 5, 8, 4, 1, 9, 4][(j + k) % 11]
        if responded and k == 2:
            row["C5_3"] = ""  # a blank answer: no answer
        row["overall"] = "" if not responded else [4, 5, 3, 4, 2, 4, 5, 8][k]
        row["trips"] = "" if not responded else 1 + k % 3
        row["late_result"] = "" if not responded else 1 + k % 2
        row["apology"] = "" if not responded else (2 if k % 2 == 0 else 0)
        row["harassment"] = "" if not responded else 2
        row["informal_payment"] = "" if not responded else (9 if k == 4 else 2)
        for j, c in enumerate(EXPECT):
            row[c] = "" if not responded else int((j + k) % 3 == 0)
        row["full_name"], row["phone"] = name, phone
        row["fpc"] = [0.02, 0.02, 0.05, 0.05, 0.01, 0.125, 0.125, 0.01, 0.125][k]
        rows.append(row)
    return rows


def csv_text(rows: list[dict[str, object]], columns: list[str] = COLUMNS) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([r.get(c, "") for c in columns])
    return buf.getvalue()


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: base letters (â, ê, ơ, ư, ă, …) plus a combining tone mark."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(m for m in d if m not in _TONES))
        out += (base + "".join(m for m in d if m in _TONES)).encode("cp1258")
    return bytes(out)


def frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The rows as a typed frame, as a careful survey office would store them."""
    df = pd.DataFrame(rows, columns=COLUMNS)
    ints = ["responded", *CRITERIA, "overall", "trips", "late_result", "apology", "harassment",
            "informal_payment", *EXPECT]  # fmt: skip
    for c in ints:
        df[c] = pd.to_numeric(df[c].replace("", None)).astype("Int64")
    for c in ("base_weight", "fpc"):
        df[c] = df[c].astype("float64")
    return df


def write_xlsx(path: Path, header: list[str], rows: list[list[object]], title: bool = True,
               sheet: str = "Responses") -> None:  # fmt: skip
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws["A1"] = "Ghi chú: dữ liệu khảo sát SIPAS"
    ws = wb.create_sheet(sheet, 0)
    if title:
        ws.append(["KẾT QUẢ KHẢO SÁT SIPAS 2024 — Thành phố Hà Nội"])
        ws.append(["Đơn vị: Sở Nội vụ"])
        ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)


def xlsx_cell(v: object) -> object:
    """Numbers as numbers (as Excel holds them), text as text, blanks as empty cells."""
    if v == "" or v is None:
        return None
    if isinstance(v, str):
        return v
    return v


SAV_LABELS = {
    "sex": {1: "Nam", 2: "Nữ"},
    "area": {1: "Thành thị", 2: "Nông thôn"},
    "level": {1: "Cấp xã", 2: "Cấp huyện", 3: "Cấp tỉnh"},
}


#: Instrument code -> Vietnamese label, for the labelled numeric variables of the .sav files.
CODE_VI = {
    "male": "Nam", "female": "Nữ", "urban": "Thành thị", "rural": "Nông thôn",
    "commune": "Cấp xã", "district": "Cấp huyện", "province": "Cấp tỉnh",
}  # fmt: skip


def write_sav(path: Path, df: pd.DataFrame, labels: dict[str, dict[int, str]]) -> None:
    """Write a .sav: labelled variables as numbers with value labels, 8 and 9 declared missing.

    ``df`` holds instrument codes; a value with no label stays as its code's label's number,
    so a code outside CODE_VI must be given a label in ``labels`` under its own text.
    """
    out = df.copy()
    for col, lab in labels.items():
        number = {text: code for code, text in lab.items()}
        out[col] = out[col].map(lambda v, n=number: n.get(CODE_VI.get(v, v))).astype("float64")
    for c in out.columns:
        if str(out[c].dtype) == "Int64":
            out[c] = out[c].astype("float64")
    missing = {c: [8, 9] for c in [*CRITERIA, "overall"]}
    pyreadstat.write_sav(out, str(path), variable_value_labels=labels, missing_ranges=missing)


def make_clean() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    rows = clean_rows()
    text = csv_text(rows)
    (FIXTURES / "clean_utf8.csv").write_bytes(text.encode("utf-8"))
    (FIXTURES / "clean_utf8_bom.csv").write_bytes(text.encode("utf-8-sig"))
    (FIXTURES / "clean_cp1258.csv").write_bytes(to_cp1258(text))
    df = frame(rows)
    df.to_parquet(FIXTURES / "clean.parquet", index=False)
    write_sav(FIXTURES / "clean.sav", df, SAV_LABELS)
    write_xlsx(
        FIXTURES / "clean.xlsx",
        COLUMNS,
        [[xlsx_cell(r[c]) for c in COLUMNS] for r in rows],
    )
    # labels instead of codes, other header spellings, semicolons: still the same data
    lab = {"male": "Nam", "female": "Nữ", "urban": "Urban", "rural": "nông thôn",
           "commune": "Cấp xã"}  # fmt: skip
    alt = [{k: lab.get(v, v) if k in ("sex", "area", "level") else v for k, v in r.items()}
           for r in rows]  # fmt: skip
    header = ["Respondent_ID", *COLUMNS[1:16], *[c.replace("_", ".") for c in CRITERIA],
              *COLUMNS[16 + len(CRITERIA):]]  # fmt: skip
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(header)
    for r in alt:
        w.writerow([r.get(c, "") for c in COLUMNS])
    (FIXTURES / "clean_labels_semicolon.csv").write_bytes(buf.getvalue().encode("utf-8"))


def _write_csv(name: str, rows: list[dict[str, object]], columns: list[str] = COLUMNS) -> None:
    (HERE / name).write_bytes(csv_text(rows, columns).encode("utf-8"))


def make_malformed() -> None:
    """One file per way a response file goes wrong; expected.yaml holds each one's message."""
    base = clean_rows()[:4]

    def rows(**changes: dict[str, object]) -> list[dict[str, object]]:
        """The first four clean rows, with changes keyed by file row (row 2 is the first)."""
        out = [dict(r) for r in base]
        for key, change in changes.items():
            out[int(key.removeprefix("r")) - 2].update(change)
        return out

    (HERE / "unknown_type.json").write_text('[{"respondent_id": "R001"}]\n')
    (HERE / "legacy_excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 56)
    (HERE / "empty.csv").write_bytes(b"")
    (HERE / "blank_lines_only.csv").write_bytes(b"\r\n\r\n   \r\n")
    _write_csv("header_only.csv", [])
    no_header = csv_text(base).split("\r\n", 1)[1]
    (HERE / "no_header.csv").write_text(no_header, encoding="utf-8")
    cols = [c for c in COLUMNS if c not in ("district", "C5_4", "overall")]
    _write_csv("missing_columns.csv", base, cols)
    text = csv_text(base).replace(",district,", ",Distrct,", 1)
    (HERE / "misspelled_column.csv").write_text(text, encoding="utf-8")
    text = csv_text(base).replace("C1_2,", "C1_1,", 1)
    (HERE / "duplicate_header.csv").write_text(text, encoding="utf-8")
    _write_csv(
        "scale_codes.csv",
        rows(
            r2={"C1_1": 6, "C1_2": "4 ", "C2_1": "four"},
            r3={"C3_3": 4.5, "overall": 0},
            r5={"C5_4": -1, "C4_1": 8, "C4_2": 9},
        ),
    )
    _write_csv(
        "categories.csv",
        rows(
            r2={"sex": "x", "level": "Cấp xã", "age_group": "18–29"},
            r3={"field": "transport", "mode": "email", "area": "URBAN"},
            r4={"education": "Đại học trở lên", "ethnicity": "Tày"},
        ),
    )
    dup = clean_rows()[:6]
    dup[3]["respondent_id"] = "R002"
    dup[4]["respondent_id"] = "R001"
    dup[5]["respondent_id"] = "R001"
    _write_csv("duplicate_ids.csv", dup)
    _write_csv(
        "weights.csv",
        [
            *rows(
                r2={"base_weight": 0},
                r3={"base_weight": -2.5},
                r4={"base_weight": "inf"},
                r5={"base_weight": "abc"},
            ),
            {**clean_rows()[4], "base_weight": ""},
        ],
    )
    _write_csv(
        "responded.csv",
        rows(r2={"responded": 2}, r3={"responded": ""}, r4={"responded": "yes"}),
    )
    _write_csv(
        "blank_required.csv",
        rows(r2={"respondent_id": ""}, r3={"district": "  "}, r4={"stratum": "", "psu": ""}),
    )
    _write_csv(
        "assessment.csv",
        rows(
            r2={"trips": 0},
            r3={"trips": 2.5, "late_result": 3},
            r4={"apology": 5, "exp_online": 2},
        ),
    )
    text = csv_text(base)
    text = text.replace("Lê Đức Thắng", "Lê Đức Thắng, Hà Nội", 1)
    (HERE / "stray_value.csv").write_text(text, encoding="utf-8")
    many = [dict(r) for r in clean_rows()[:8]]
    for r in many:
        for c in CRITERIA[:3]:
            r[c] = 7
    _write_csv("many_problems.csv", many)
    (HERE / "cp1258_read_as_utf8.csv").write_bytes(to_cp1258(csv_text(base)))
    raw = csv_text(base).encode("utf-8").replace("Trần".encode(), b"Tr\x81n", 1)
    (HERE / "undetectable_encoding.csv").write_bytes(raw)
    _write_csv("unknown_encoding.csv", base)
    _write_csv("weight_column_named.csv", base)

    # spreadsheets: the sheet's own row numbers, under a three-row title block (header on row 4)
    bad = rows(r3={"C2_3": 7}, r5={"base_weight": -1, "sex": "Khác"})
    write_xlsx(
        HERE / "title_block_errors.xlsx", COLUMNS, [[xlsx_cell(r[c]) for c in COLUMNS] for r in bad]
    )
    wb = openpyxl.Workbook()
    for r in range(5):
        wb.active.append([r, r * 2, r * 3])
    wb.save(HERE / "no_header.xlsx")
    write_xlsx(HERE / "header_only.xlsx", COLUMNS, [])
    write_xlsx(
        HERE / "wrong_sheet.xlsx", COLUMNS, [[xlsx_cell(r[c]) for c in COLUMNS] for r in base]
    )
    (HERE / "corrupt.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")

    # SPSS: a value label outside the instrument, an answer outside the scale
    df = frame(base)
    df.loc[1, "sex"] = "other"
    df.loc[2, "C3_1"] = 7
    labels = {**SAV_LABELS, "sex": {1: "Nam", 2: "Nữ", 3: "Khác"}}
    write_sav(HERE / "labels.sav", df.replace({"sex": {"other": "Khác"}}), labels)
    (HERE / "corrupt.sav").write_bytes(b"$FL2@(#) not really SPSS")

    # Parquet: a string in a scale column, a negative weight; no id column; no rows
    df = frame(base)
    df["C1_1"] = df["C1_1"].astype("str")  # a text column, as when typed in by hand
    df.loc[0, "C1_1"] = "four"
    df.loc[3, "base_weight"] = -4.0
    df.to_parquet(HERE / "types.parquet", index=False)
    frame(base).drop(columns=["respondent_id"]).to_parquet(HERE / "missing_id.parquet", index=False)
    frame(base).iloc[:0].to_parquet(HERE / "no_rows.parquet", index=False)
    (HERE / "corrupt.parquet").write_bytes(b"PAR1 truncated")


def make_no_silent_loss() -> None:
    """Files that lose data silently in a naive reader (issue 11 item 4, issue 6 item 1)."""
    base = clean_rows()[:4]

    def forty() -> list[dict[str, object]]:
        out = []
        for k in range(40):
            r = dict(clean_rows()[k % 8])
            r["respondent_id"] = f"R{k + 1:03d}"
            out.append(r)
        return out

    # an opening quote never closed: a naive reader swallows the 35 rows below
    text = csv_text(forty()).replace(",Ba Đình,", ',"Ba Đình,', 3)
    text = text.replace(',"Ba Đình,', ",Ba Đình,", 2)  # only the third one (row 6) opens
    (HERE / "unclosed_quote.csv").write_text(text, encoding="utf-8")
    # an unclosed quote in row 3 whose value runs on to a quoted label in row 6
    rows6 = clean_rows()[:6]
    rows6[4]["occupation"] = "Hưu trí, khác"  # quoted by the csv writer
    lines = csv_text(rows6).split("\r\n")
    lines[2] = lines[2].replace(",Ba Đình,", ',"Ba Đình,', 1)
    (HERE / "quote_runs_on.csv").write_text("\r\n".join(lines), encoding="utf-8")
    # a short row and a last row cut mid-line (no line end)
    lines = csv_text(base).split("\r\n")
    lines[3] = ",".join(lines[3].split(",")[:40])
    (HERE / "short_row.csv").write_text("\r\n".join(lines), encoding="utf-8")
    text = csv_text(base).rstrip("\r\n")
    cut = text.rsplit("\r\n", 1)
    cut[1] = ",".join(cut[1].split(",")[:30])
    (HERE / "cut_last_row.csv").write_text("\r\n".join(cut), encoding="utf-8")
    # NUL bytes: in an answer (that answer is lost) and in the district (the row is)
    raw = csv_text(base).encode("utf-8")
    lines = raw.split(b"\r\n")
    cells = lines[2].split(b",")
    cells[17] = b"4\x00"  # C1_2 of row 3
    lines[2] = b",".join(cells)
    lines[3] = lines[3].replace("Hoàn Kiếm".encode(), "Hoàn\x00Kiếm".encode(), 1)
    (HERE / "nul_byte.csv").write_bytes(b"\r\n".join(lines))
    # UTF-16 without a byte-order mark
    (HERE / "utf16_no_bom.csv").write_bytes(csv_text(base).encode("utf-16-le"))
    # ids that are one number written three ways
    ids = [dict(r) for r in base]
    for r, v in zip(ids, ["1", "01", "1.0", "R004"], strict=True):
        r["respondent_id"] = v
    _write_csv("id_collision.csv", ids)
    # one district spelled several ways: case, spacing and Unicode form are reported (and
    # read as one); the last row writes "Ba Đình" with decomposed accents (NFD)
    seven = [dict(r) for r in clean_rows()[:7]]
    spellings = ["Ba Đình", "Ba Đình", "ba đình", "Ba  Đình", "Hoàn Kiếm", "HOÀN KIẾM",
                 unicodedata.normalize("NFD", "Ba Đình")]  # fmt: skip
    for r, v in zip(seven, spellings, strict=True):
        r["district"] = v
    _write_csv("label_variants.csv", seven)
    # a phone number typed into an answer cell, "Không biết" typed, labels that are accepted
    typed = [dict(r) for r in base]
    typed[0]["C1_1"] = "0912345678"
    typed[1]["C1_1"] = "Không biết"
    typed[1]["C1_2"] = "Không biết / không áp dụng"  # the don't-know label: code 8
    typed[1]["C1_3"] = "abc"
    typed[1]["C1_4"] = "Hài lòng"  # the scale label of 4
    _write_csv("typed_answers.csv", typed)
    # Excel formulas whose results were never saved (written by a program that does not
    # calculate): one in an answer, one in the weight
    wb_rows = [[xlsx_cell(r[c]) for c in COLUMNS] for r in base]
    wb_rows[1][COLUMNS.index("C1_1")] = "=2+2"
    wb_rows[2][COLUMNS.index("base_weight")] = "=B2*2"
    write_xlsx(HERE / "formula_no_value.xlsx", COLUMNS, wb_rows)


if __name__ == "__main__":
    make_clean()
    make_malformed()
    make_no_silent_loss()
