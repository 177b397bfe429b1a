"""Inert exports: a sheet govsurvey writes never carries a live formula.

A spreadsheet program reads a text cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in
some programs, a tab or carriage return) as a formula: a ward name such as
``=HYPERLINK("http://…","Phường 1")`` in a frame, or a label in an instrument file, would run
when a field team opens the sheet. Every export of govsurvey (the fieldwork sheet, the
data-entry template) goes through this module:

- :func:`inert_text` escapes one text for a CSV cell (a leading ``'``, as OWASP advises);
- :func:`inert_frame` does so for every text cell of a frame (vectorised, numbers untouched);
- :func:`make_inert` marks every such text cell of an openpyxl workbook as text (data type
  ``s`` with the cell's *quotePrefix* style), so Excel shows it as typed and never evaluates it;
- :func:`write_table` writes a frame to ``.xlsx`` or ``.csv`` with both applied.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError

__all__ = ["FORMULA_STARTS", "inert_frame", "inert_text", "make_inert", "write_table"]

#: The first characters that make a spreadsheet read a text cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_text(value: Any) -> Any:
    """``value`` escaped for a CSV cell: a text starting like a formula gets a leading ``'``.

    Anything that is not a text (numbers, missing values) is returned as it is.

    Examples
    --------
    >>> inert_text('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> inert_text("-5"), inert_text("Ba Đình"), inert_text(-5)
    ("'-5", 'Ba Đình', -5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and text headers) are escaped by :func:`inert_text`.

    Examples
    --------
    >>> import pandas as pd
    >>> inert_frame(pd.DataFrame({"ward": ["=1+1", "An"], "n": [1, 2]}))["ward"].tolist()
    ["'=1+1", 'An']
    """
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or isinstance(s.dtype, pd.StringDtype):
            text = s.map(lambda v: isinstance(v, str), na_action="ignore").fillna(False)
            text = text.astype(bool)
            risky = text & s.where(text, "").astype(str).str.startswith(FORMULA_STARTS)
            if risky.any():
                out[col] = s.where(~risky, "'" + s.where(risky, "").astype(str))
    out.columns = [inert_text(c) for c in out.columns]
    return out


def make_inert(workbook: Any) -> int:
    """Mark every text cell of an openpyxl ``workbook`` that starts like a formula as text.

    openpyxl stores a text starting with ``=`` as a formula; here each such cell (and each text
    cell starting with ``+``, ``-``, ``@``, tab or CR) gets data type ``s`` and the
    *quotePrefix* style, so a spreadsheet shows it as typed. Returns the number of cells marked.

    Examples
    --------
    >>> import openpyxl
    >>> wb = openpyxl.Workbook()
    >>> wb.active["A1"] = "=1+1"
    >>> make_inert(wb), wb.active["A1"].data_type, wb.active["A1"].quotePrefix
    (1, 's', True)
    """
    marked = 0
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    marked += 1
    return marked


def write_table(frame: pd.DataFrame, path: str | Path, sheet: str = "Sheet1") -> Path:
    """Write ``frame`` to ``.xlsx`` or ``.csv`` (UTF-8 with BOM, so Excel shows Vietnamese; CRLF
    line ends, so a line break inside a cell is quoted), every text cell inert.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = write_table(pd.DataFrame({"ward": ["=1+1"]}), p)
    >>> p.read_bytes().decode("utf-8-sig")
    "ward\\r\\n'=1+1\\r\\n"
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InputError.one(
            f"a sheet is written as .xlsx or .csv, not {p.suffix or 'a name without suffix'!r}",
            "give a file name ending in .xlsx or .csv",
            file=str(p),
        )
    if suffix == ".csv":
        # CRLF ends a record (RFC 4180, as Excel writes it), so a CR or LF inside a cell is
        # quoted: a bare CR would otherwise start a new row with the rest of the cell
        inert_frame(frame).to_csv(p, index=False, encoding="utf-8-sig", lineterminator="\r\n")
        return p
    with pd.ExcelWriter(p, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet)
        make_inert(writer.book)  # before the book is saved, when the writer closes
    return p
