"""A data-entry workbook for an instrument: the sheet a province fills in, and its code lists.

:func:`write_template` writes an ``.xlsx`` with three sheets:

``Phiếu`` (the data-entry sheet)
    A two-line title, then the header row (row 4): one column per item of the instrument, headed
    by its Vietnamese label with the column name in brackets, ``Quận/huyện (district)`` — the
    reader accepts these headers as they are. Required columns are marked ``*``. Coded cells
    offer their codes in a drop-down list. Enter one form per row, from row 5.
``Mã`` (code lists)
    Every code a coded cell may hold with its Vietnamese and English label (a cell may hold the
    code or either label): answers 1–5 and the missing codes 8 and 9, assessment items,
    expectation options (0/1), the response flag and every categorical variable.
``Cột`` (columns)
    Each column: required or optional, what it holds, and its labels.
"""

from __future__ import annotations

from pathlib import Path

from ..config.instrument import Instrument, load_instrument
from ..errors import InputError
from .export import make_inert
from .validate import EXPECTATION_CODES, ID_LABELS, RESPONDED_CODES, header_key

__all__ = ["write_template", "template_columns", "is_help_sheet", "template_instrument"]

#: The data-entry sheet's name, and the row its header is on (under a two-line title).
SHEET = "Phiếu"
HEADER_ROW = 4
#: The first rows of the help sheets (code lists, columns): how a reader knows them wherever
#: they are in the workbook and whatever they are called.
CODES_HEADER = ["Cột (column)", "Mã (code)", "Nhãn tiếng Việt", "English label"]
COLUMNS_HEADER = [
    "Cột (column)",
    "Bắt buộc? (required?)",
    "Giá trị (values)",
    "Nội dung",
    "Content",
]
#: The data sheet's first cell: this, then the instrument's Vietnamese title (how a CSV export
#: of the sheet still says which questionnaire it holds).
TITLE_PREFIX = "Phiếu nhập liệu — "
#: The workbook's keywords say it is a govsurvey template; its subject names the instrument.
KEYWORDS = "govsurvey data-entry template"


def is_help_sheet(first_row: list[object]) -> bool:
    """Whether a worksheet whose first filled row is ``first_row`` is one of the template's help
    sheets (compared without case or spacing).

    Examples
    --------
    >>> is_help_sheet(["Cột (column)", "Mã (code)", "Nhãn tiếng Việt", "English label"])
    True
    >>> is_help_sheet(["Mã phiếu * (respondent_id)", "Quận/huyện * (district)"])
    False
    """
    row = [header_key(str(v)) for v in first_row if v is not None and str(v).strip()]
    return row in ([header_key(x) for x in CODES_HEADER], [header_key(x) for x in COLUMNS_HEADER])


def template_instrument(properties: object) -> str | None:
    """The instrument a workbook was written for by :func:`write_template` (its properties'
    subject), or None when it is not such a template."""
    if (getattr(properties, "keywords", None) or "") != KEYWORDS:
        return None
    return getattr(properties, "subject", None) or None


def template_columns(instrument: str | Path | Instrument = "sipas-2017") -> list[dict[str, str]]:
    """The columns of a response file for ``instrument``, in the order the template uses.

    Returns
    -------
    list of dict
        Each with ``column``, ``required`` (``"required"``, ``"required, may be blank"`` or
        ``"optional"``), ``kind``, ``vi`` and ``en``.

    Examples
    --------
    >>> cols = template_columns("sipas-2017")
    >>> [c["column"] for c in cols if c["required"] == "required"]
    ['respondent_id', 'district']
    >>> sum(c["required"] == "required, may be blank" for c in cols)  # 22 criteria + overall
    23
    """
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    s = inst.spec
    if s is None:  # pragma: no cover - an Instrument built by hand
        raise InputError.one("the instrument has no typed definition", "load it from YAML")
    out: list[dict[str, str]] = []
    req = set(inst.required_columns)

    def add(column: str, required: str, kind: str, vi: str, en: str) -> None:
        out.append({"column": column, "required": required, "kind": kind, "vi": vi, "en": en})

    add(inst.id_column, "required", "text, unique", ID_LABELS[0], ID_LABELS[1])
    for name, v in s.variables.items():
        if v.codes is None and name in req:
            add(name, "required", "text", v.vi, v.en)
    design = {d.column: (role, d) for role, d in s.design.items()}
    for name, v in s.variables.items():
        if v.codes is None and name not in req:
            add(name, "optional", "text", v.vi, v.en)
    for col, (role, d) in design.items():
        kind = {"responded": "0 or 1", "weight": "number > 0"}.get(role, "text")
        add(col, "optional", kind, d.vi, d.en)
    for name, v in s.variables.items():
        if v.codes is not None:
            add(name, "required" if name in req else "optional", "code", v.vi, v.en)
    for c in s.components:
        for k in c.criteria:
            add(k.column, "required, may be blank", "1-5, 8, 9", f"{k.code} {k.vi}", k.en)
    ov = s.overall
    add(ov.column, "required, may be blank", "1-5, 8, 9", ov.vi, ov.en)
    for a in s.assessment:
        kind = f"{a.min}-{a.max}" if a.type == "count" else "code"
        add(a.column, "optional", kind, f"{a.code} {a.vi}", a.en)
    if s.expectations:
        for o in s.expectations.options:
            add(o.column, "optional", "0 or 1", f"{o.code} {o.vi}", o.en)
    for p in s.personal:
        add(p.column, "optional", "personal: never published", p.vi, p.en)
    return out


def write_template(path: str | Path, instrument: str | Path | Instrument = "sipas-2017") -> Path:
    """Write the data-entry workbook for ``instrument`` to ``path`` (an ``.xlsx`` file).

    Parameters
    ----------
    path : str or Path
        Where to write; the suffix must be ``.xlsx``. An existing file is replaced.
    instrument : str, Path or Instrument, default "sipas-2017"

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InputError
        When the suffix is not ``.xlsx`` or the folder does not exist.

    Examples
    --------
    >>> import pathlib, tempfile, openpyxl
    >>> out = write_template(pathlib.Path(tempfile.mkdtemp()) / "phieu.xlsx")
    >>> wb = openpyxl.load_workbook(out)
    >>> wb.sheetnames
    ['Phiếu', 'Mã', 'Cột']
    >>> wb["Phiếu"]["B4"].value
    'Quận/huyện * (district)'
    """
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    out = Path(path)
    if out.suffix.lower() != ".xlsx":
        raise InputError.one(
            f"a template is an Excel workbook, not {out.suffix or 'a file without suffix'!r}",
            "give a file name ending in .xlsx",
            file=str(out),
        )
    if not out.parent.is_dir():
        raise InputError.one(
            "the folder does not exist", "create it first or name another", file=str(out)
        )
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    s = inst.spec
    columns = template_columns(inst)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    title = s.title.vi if s and s.title else inst.name
    ws["A1"] = f"{TITLE_PREFIX}{title}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = (
        "Mỗi dòng một phiếu, từ dòng 5. Cột có dấu * là bắt buộc. Ô mã: ghi mã hoặc nhãn (xem "
        "trang 'Mã'); 8 = không biết, 9 = không trả lời; để trống nếu không trả lời. "
        "Không sửa dòng tiêu đề."
    )
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    # drop-downs offer the Vietnamese labels, from the code sheet's column C (an inline list
    # could not hold a label with a comma, "Hưu trí, khác"): column -> its rows there
    lists: dict[str, tuple[int, int]] = {}
    codes_rows: list[tuple[str, str, str, str]] = []

    def listed(key: str, codes: dict, columns: list[str]) -> None:
        first = len(codes_rows) + 2  # the code sheet's header is row 1
        for k, lab in codes.items():
            codes_rows.append((key, str(k), lab["vi"], lab["en"]))
        for c in columns:
            lists[c] = (first, len(codes_rows) + 1)

    listed("C1_1 … overall", {**inst.scale_labels, **inst.missing_labels}, inst.scale_columns)
    for a in inst.assessment:
        if a.get("codes"):
            listed(a["column"], {**a["codes"], **inst.missing_labels}, [a["column"]])
    listed("exp_*", EXPECTATION_CODES, inst.expectation_columns)
    responded = inst.design_columns.get("responded")
    if responded:
        listed(responded, RESPONDED_CODES, [responded])
    for name, var in inst.variables.items():
        if var.get("codes"):
            listed(name, var["codes"], [name])

    for j, c in enumerate(columns, start=1):
        star = " *" if c["required"].startswith("required") and "blank" not in c["required"] else ""
        cell = ws.cell(row=HEADER_ROW, column=j, value=f"{c['vi']}{star} ({c['column']})")
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(j)].width = 18
        if c["column"] in lists:
            letter = get_column_letter(j)
            first, last = lists[c["column"]]
            dv = DataValidation(
                type="list",
                formula1=f"'Mã'!$C${first}:$C${last}",
                allow_blank=True,
                showErrorMessage=False,  # a label typed instead of a code is fine too
            )
            dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{HEADER_ROW + 5000}")
            ws.add_data_validation(dv)
    ws.row_dimensions[HEADER_ROW].height = 60
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=2)

    wc = wb.create_sheet("Mã")
    wc.append(CODES_HEADER)
    for r in codes_rows:
        wc.append(list(r))
    for cell in wc[1]:
        cell.font = Font(bold=True)
        cell.fill = head_fill
    for letter, width in zip("ABCD", (18, 20, 40, 32), strict=True):
        wc.column_dimensions[letter].width = width

    wl = wb.create_sheet("Cột")
    wl.append(COLUMNS_HEADER)
    vi_req = {
        "required": "bắt buộc, ghi mọi dòng (required, filled)",
        "required, may be blank": (
            "bắt buộc có cột, ô được để trống (required column, may be blank)"
        ),
        "optional": "tùy chọn (optional)",
    }
    for c in columns:
        wl.append([c["column"], vi_req[c["required"]], c["kind"], c["vi"], c["en"]])
    for cell in wl[1]:
        cell.font = Font(bold=True)
        cell.fill = head_fill
    for letter, width in zip("ABCDE", (18, 36, 22, 50, 40), strict=True):
        wl.column_dimensions[letter].width = width
    wb.properties.keywords = KEYWORDS
    wb.properties.subject = inst.name
    wb.properties.title = f"{TITLE_PREFIX}{title}"
    make_inert(wb)  # labels from an instrument file are text, never a live formula
    wb.save(out)
    return out
