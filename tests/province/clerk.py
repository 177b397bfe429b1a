"""A clerk filling the data-entry template by hand: reusable by every province test.

:func:`fill` takes a workbook written by ``govsurvey template`` and types forms into its data
sheet as a clerk would (openpyxl, cell by cell): Vietnamese labels in answer cells (with the
case, spacing and Unicode forms people type), the short "Không biết" and "Không áp dụng" as well
as the full don't-know label, blank answers, districts and wards by name, labels of coded
variables, a design weight per district, and real-looking names, phones, addresses and citizen
ID numbers in the personal columns. It returns what the workbook was made to hold: the analysis
values the reader must give back (:attr:`Filled.expected`, codes, ``<NA>`` for missing), the
answers as coded (:attr:`Filled.codes`, 8 and 9 kept) and every personal value typed
(:attr:`Filled.personal`), so a test can check the round trip and that no planted value reaches
an output.

:func:`export_csv` writes the data sheet as Excel's "CSV UTF-8" would (title rows included).
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from govsurvey.config import load_instrument
from govsurvey.io.template import HEADER_ROW, SHEET, template_columns

DISTRICTS = {
    "Ninh Kiều": ["An Hòa", "An Khánh", "Cái Khế", "Hưng Lợi", "Xuân Khánh"],
    "Bình Thủy": ["An Thới", "Bình Thủy", "Long Hòa", "Trà Nóc"],
    "Cái Răng": ["Ba Láng", "Hưng Phú", "Lê Bình", "Thường Thạnh"],
}
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Quốc", "Thu", "Đức", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Khoa", "Lan", "Long", "Mai", "Nam", "Phúc"]
STREETS = ["Mậu Thân", "Trần Hưng Đạo", "Nguyễn Văn Cừ", "30 Tháng 4", "Cách Mạng Tháng 8"]


@dataclass
class Filled:
    """What a filled workbook holds."""

    path: Path
    expected: pd.DataFrame  # analysis values, one row a form, by respondent_id
    codes: pd.DataFrame  # scale answers as coded (8, 9 kept; <NA> for a blank)
    personal: dict[str, list[str]] = field(default_factory=dict)  # column -> values typed
    typed: dict[str, int] = field(default_factory=dict)  # how many cells of each spelling


def _nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def _spell(rng: np.random.Generator, label: str) -> tuple[str, str]:
    """A label as a clerk types it, and the name of that spelling."""
    k = rng.integers(6)
    if k == 0:
        return label.upper(), "upper"
    if k == 1:
        return label.lower(), "lower"
    if k == 2:
        return f"  {label} ", "spaces"
    if k == 3:
        return _nfd(label), "nfd"
    if k == 4 and " " in label:
        return label.replace(" ", "  ", 1), "double space"
    return label, "as listed"


def _phone(rng: np.random.Generator) -> str:
    head = rng.choice(["090", "091", "093", "097", "098", "083", "070"])
    return head + "".join(map(str, rng.integers(0, 10, 7)))


def fill(
    template: str | Path,
    n: int = 600,
    seed: int = 2024,
    instrument: str = "sipas-2017",
    out: str | Path | None = None,
    design: bool = True,
    responded: bool = False,
) -> Filled:
    """Type ``n`` forms into a template workbook (in place, or into ``out``).

    Parameters
    ----------
    template : path
        A workbook written by ``govsurvey template``.
    n : int
        Forms to type (spread over three districts of Cần Thơ).
    seed : int
        Seeds every choice, so the same call types the same workbook.
    instrument : str
        The instrument the template was written for.
    out : path, optional
        Where to save; the template itself by default.
    design : bool
        Type a design weight (people per form in the district), the stratum (the district) and
        the PSU (the ward); without, those columns stay blank as in an office that keeps none.
    responded : bool
        Type the response flag of every form as the template's label "Đã trả lời" (an office
        that keeps only returned forms leaves it blank: ``False``).
    """
    inst = load_instrument(instrument)
    rng = np.random.default_rng(seed)
    wb = openpyxl.load_workbook(template)
    ws = wb[SHEET]
    cols = [c["column"] for c in template_columns(inst)]
    where = {c: j for j, c in enumerate(cols, start=1)}
    scale_vi = {int(k): v["vi"] for k, v in inst.scale_labels.items()}
    typed: dict[str, int] = {}
    rows: list[dict] = []
    coded: list[dict] = []
    personal: dict[str, list[str]] = {c: [] for c in inst.personal_columns}
    names = list(DISTRICTS)
    sizes = {"Ninh Kiều": 240_000, "Bình Thủy": 120_000, "Cái Răng": 90_000}
    district_of = [names[i % 3] for i in range(n)]
    per = pd.Series(district_of).value_counts()

    def put(r: int, col: str, value) -> None:
        ws.cell(row=r, column=where[col], value=value)

    def note(kind: str) -> None:
        typed[kind] = typed.get(kind, 0) + 1

    for i in range(n):
        r = HEADER_ROW + 1 + i
        rid = f"CT-{i + 1:04d}"
        d = district_of[i]
        ward = DISTRICTS[d][rng.integers(len(DISTRICTS[d]))]
        exp: dict = {"respondent_id": rid, "district": d, "ward": ward}
        put(r, "respondent_id", rid)
        put(r, "district", d if i % 17 else f" {d}")  # a blank typed before the name
        put(r, "ward", ward)
        if design:
            w = sizes[d] / per[d]
            put(r, "base_weight", round(w, 4))
            put(r, "stratum", d)
            put(r, "psu", f"{d} - {ward}")
            exp.update(base_weight=round(w, 4), stratum=d, psu=f"{d} - {ward}")
        if responded:
            put(r, "responded", "Đã trả lời")
            exp["responded"] = 1
        for var in ("field", "level", "mode", "sex", "age_group", "education", "area"):
            codes = inst.variables[var]["codes"]
            code = list(codes)[rng.integers(len(codes))]
            how = rng.integers(3)
            if how == 0:
                cell = codes[code]["vi"]
            elif how == 1:
                cell = str(code)
            else:
                cell = _spell(rng, codes[code]["vi"])[0]
            put(r, var, cell)
            exp[var] = str(code)
        # a satisfaction level of this person, answers around it
        mood = rng.normal(3.9, 0.7)
        code_row: dict = {"respondent_id": rid}
        for col in inst.scale_columns:
            u = rng.random()
            if u < 0.04:
                value, cell, kind = 8, "Không biết", "Không biết"
            elif u < 0.06:
                value, cell, kind = 8, "Không áp dụng", "Không áp dụng"
            elif u < 0.07:
                value, cell, kind = 8, "Không biết / không áp dụng", "full label"
            elif u < 0.08:
                value, cell, kind = 9, "Không trả lời", "no answer"
            elif u < 0.11:
                value, cell, kind = None, None, "blank"
            else:
                value = int(np.clip(np.rint(mood + rng.normal(0, 0.8)), 1, 5))
                how = rng.integers(4)
                if how == 0:
                    cell, kind = value, "number"
                elif how == 1:
                    cell, kind = str(value), "digit text"
                else:
                    cell, kind = _spell(rng, scale_vi[value])
                    kind = f"label {kind}"
            note(kind)
            put(r, col, cell)
            code_row[col] = value
            exp[col] = value if value is not None and value <= 5 else None
        coded.append(code_row)
        late = int(rng.integers(1, 3))
        put(r, "late_result", "Có" if late == 1 else "Không")
        exp["late_result"] = late
        put(r, "trips", int(rng.integers(1, 4)))
        exp["trips"] = None  # checked on its own below
        # personal values, as typed: names in title case, phones with or without groups
        name = " ".join(
            [SURNAMES[rng.integers(10)], MIDDLE[rng.integers(10)], GIVEN[rng.integers(12)]]
        )
        phone = _phone(rng)
        shown = phone if i % 3 else f"{phone[:4]} {phone[4:7]} {phone[7:]}"
        idn = "0" + "".join(map(str, rng.integers(0, 10, 11)))
        addr = f"Số {rng.integers(1, 300)} đường {STREETS[rng.integers(5)]}, phường {ward}"
        put(r, "full_name", name)
        put(r, "phone", shown)
        put(r, "address", addr)
        put(r, "id_number", idn)
        personal["full_name"].append(name)
        personal["phone"].append(shown)
        personal["address"].append(addr)
        personal["id_number"].append(idn)
        exp.update(full_name=name, phone=shown, address=addr, id_number=idn)
        rows.append(exp)
    path = Path(out) if out is not None else Path(template)
    wb.save(path)
    expected = pd.DataFrame(rows).drop(columns="trips")
    return Filled(path, expected, pd.DataFrame(coded), personal, typed)


def export_csv(workbook: str | Path, out: str | Path, sheet: str = SHEET) -> Path:
    """The data sheet saved as Excel's "CSV UTF-8": every row of the sheet, title included."""
    wb = openpyxl.load_workbook(workbook, read_only=True, data_only=True)
    try:
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    width = max(len(r) for r in rows)
    with open(out, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        for r in rows:
            cells = ["" if v is None else str(v) for v in r]
            w.writerow(cells + [""] * (width - len(cells)))
    return Path(out)
