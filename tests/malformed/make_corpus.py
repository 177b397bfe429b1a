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


def write_sav(path: Path, df: pd.DataFrame, labels: dict[str, dict[int, str]]) -> None:
    """Write a .sav with the labelled variables as numeric codes, 8 and 9 declared missing."""
    out = df.copy()
    for col, lab in labels.items():
        back = {}
        for code, text in lab.items():
            back[text] = code
        # map instrument codes to the labelled numbers through the Vietnamese labels
        vi = {
            "Nam": "male", "Nữ": "female", "Thành thị": "urban", "Nông thôn": "rural",
            "Cấp xã": "commune", "Cấp huyện": "district", "Cấp tỉnh": "province",
        }  # fmt: skip
        to_num = {vi[t]: n for t, n in back.items() if t in vi}
        out[col] = out[col].map(lambda v, m=to_num: m.get(v)).astype("float64")
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


if __name__ == "__main__":
    make_clean()
