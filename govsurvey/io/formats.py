"""File formats: bytes in, a :class:`Table` of typed or text columns out.

Every format ends as the same :class:`Table` (the header as written, one pandas Series per header
position, each data row's number in the file, and the problems found while reading: a short row,
a stray value, a formula without a saved result, a NUL byte). :mod:`govsurvey.io.validate` then
checks the columns against the instrument.

CSV is read in two ways that give the same table. A byte scan (numpy, vectorised) first finds
every record, its number of cells, its quotes and NUL bytes. A regular file (every row as wide as
the header) is then parsed by pyarrow into typed columns; a file with irregular rows goes through
Python's ``csv`` module so that each irregular row can be reported by number.
"""

from __future__ import annotations

import csv
import io as _io
import logging
import math
import re
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, Problem

log = logging.getLogger(__name__)

_CONVERSION = re.compile(r"CSV column #(\d+): CSV conversion error")

#: Bytes of CSV text pyarrow parses at a time (a block per thread; fewer, larger blocks parse
#: as fast and cost less to put together afterwards).
BLOCK_SIZE = 1 << 24

#: How many rows are searched for the header row (a title block may sit above it).
HEADER_SEARCH_ROWS = 30

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".sav": "sav",
    ".zsav": "sav",
    ".parquet": "parquet",
    ".pq": "parquet",
}
CONVERT_HINT = {
    ".xls": "save it from Excel as .xlsx (Excel Workbook)",
    ".ods": "save it as .xlsx or .csv",
    ".dta": "export it from Stata as .csv or .sav",
    ".json": "export it as .csv",
    ".txt": "if it is comma-separated text, rename it to .csv",
}


@dataclass
class CellIssue:
    """A cell the reader could not read as written (the validator decides what it costs)."""

    pos: int
    column: int
    check: str
    what: str
    fix: str
    keeps: bool = False  # the value was read correctly (e.g. unified): never excludes the row
    what_vi: str = ""
    fix_vi: str = ""


@dataclass
class RowIssue:
    """A row whose shape is wrong (short, cut, a stray value): it is excluded."""

    pos: int
    check: str
    problem: Problem


@dataclass
class Table:
    """Columns as read: ``header`` (text, '' for an unnamed column) and one Series per position.

    A column is numeric (float or integer, NaN/NA for a blank cell) or text (pandas ``str``,
    NFC-normalised and stripped, NA for a blank cell). ``numbers`` holds each row's number as a
    person sees it in the file.
    """

    header: list[str]
    columns: list[pd.Series]
    numbers: np.ndarray
    header_row: int | None = None
    rows: list[RowIssue] = field(default_factory=list)
    cells: list[CellIssue] = field(default_factory=list)
    #: columns parsed as integers, by position: their int64 values (0 where blank) and blank
    #: mask, the arrays behind the column's ``Int64`` Series
    integers: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    #: the distinct filled values of text columns, by position, where the reader found them
    levels: dict[int, list[str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.numbers)


def format_of(p: Path, name: str) -> str:
    """The format of a path by its suffix; raises for unknown types and missing files."""
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        accepted = ", ".join(sorted(FORMATS))
        hint = CONVERT_HINT.get(suffix, f"save it in one of the accepted formats ({accepted})")
        raise InputError.one(
            f"unknown file type {suffix or '(no extension)'!r}: govsurvey reads {accepted}",
            hint,
            file=name,
        )
    if not p.exists():
        raise InputError.one(
            "file not found",
            "check the path and the working directory",
            file=name,
            what_vi="không tìm thấy tệp",
            fix_vi="kiểm tra đường dẫn và thư mục đang làm việc",
        )
    if not p.is_file():
        raise InputError.one(
            "not a file",
            "give the path of a response file",
            file=name,
            what_vi="không phải là tệp",
            fix_vi="ghi đường dẫn của tệp dữ liệu khảo sát",
        )
    return FORMATS[suffix]


def cell_text(v: Any) -> str:
    """A cell's value as NFC-normalised, stripped text ('' for empty)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, str):
        s = v
    elif isinstance(v, bool | np.bool_):
        s = "1" if v else "0"
    elif isinstance(v, int | np.integer):
        s = str(int(v))
    elif isinstance(v, float | np.floating):
        f = float(v)
        if math.isnan(f):
            return ""
        s = str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)
    elif isinstance(v, datetime | date | time):
        s = v.isoformat()
    else:
        s = str(v)
    return str_cell(s)


def str_cell(s: str) -> str:
    """Stripped text, NFC-normalised when not ASCII."""
    return s.strip() if s.isascii() else unicodedata.normalize("NFC", s).strip()


def text_series(values: list[str] | np.ndarray) -> pd.Series:
    """Text cells as a pandas ``str`` Series with blanks as missing."""
    s = pd.Series(values, dtype=object)
    return s.where(s != "").astype("str")


def table_from_rows(
    rows: list[list[str]], numbers: list[int], header: list[str], header_row: int | None
) -> Table:
    """A table from rows of text cells (padded to the widest row)."""
    width = max([len(header), *(len(r) for r in rows)]) if rows else len(header)
    header = header + [""] * (width - len(header))
    padded = [r if len(r) == width else r + [""] * (width - len(r)) for r in rows]
    cols = list(zip(*padded, strict=True)) if padded else [() for _ in range(width)]
    return Table(
        header,
        [text_series(list(c)) for c in cols],
        np.asarray(numbers, dtype=np.int64),
        header_row,
    )


# --------------------------------------------------------------------------- decoding


def decode(raw: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    """The file's text and the encoding used (a BOM decides, else UTF-8, else Windows-1258)."""
    if encoding is not None:
        try:
            return raw.decode(encoding), encoding
        except LookupError:
            raise InputError.one(
                f"unknown encoding {encoding!r}",
                "give an encoding Python knows, e.g. utf-8, utf-8-sig or cp1258",
                file=name,
            ) from None
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            byte = raw[exc.start : exc.start + 1].hex()
            raise InputError.one(
                f"cannot be read as {encoding}: byte 0x{byte} on line {line} is not valid "
                f"{encoding}",
                "leave the encoding out to let govsurvey detect it, or give the one the file "
                "was saved in (utf-8, cp1258 for Windows-1258)",
                file=name,
            ) from None
    for bom, enc in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if raw.startswith(bom):
            return decode(raw, name, enc)
    utf16 = _utf16_without_bom(raw)
    if utf16:
        raise InputError.one(
            f"the file is {utf16} text without a byte-order mark, which govsurvey cannot "
            "detect (every other byte is a NUL)",
            "save it from Excel as 'CSV UTF-8', or give encoding="
            f"'{utf16.lower().replace(' ', '-')}' (--encoding {utf16.lower().replace(' ', '-')})",
            file=name,
        )
    for enc in ("utf-8", "cp1258"):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:  # where UTF-8, the encoding to save in, breaks
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start : exc.start + 1].hex()
    raise InputError.one(
        "the text encoding could not be detected: the file is neither Windows-1258 nor UTF-8 "
        f"(byte 0x{byte} on line {line} is not UTF-8)",
        "save the file from Excel as 'CSV UTF-8', or give the encoding it was saved in",
        file=name,
        what_vi="không nhận ra bảng mã của tệp: tệp không phải Windows-1258 cũng không phải UTF-8 "
        f"(byte 0x{byte} ở dòng {line} không phải UTF-8)",
        fix_vi="lưu tệp từ Excel dưới dạng 'CSV UTF-8', hoặc ghi rõ bảng mã đã dùng để lưu",
    )


def _utf16_without_bom(raw: bytes) -> str | None:
    """'UTF-16 LE' or 'UTF-16 BE' when the bytes look like UTF-16 text without a BOM."""
    head = np.frombuffer(raw[:4096], dtype=np.uint8)
    if len(head) < 4 or b"\x00" not in raw[:4096]:
        return None
    even, odd = head[0::2], head[1::2]
    if (odd == 0).mean() > 0.6 and (even == 0).mean() < 0.1:
        return "UTF-16 LE"
    if (even == 0).mean() > 0.6 and (odd == 0).mean() < 0.1:
        return "UTF-16 BE"
    return None


# --------------------------------------------------------------------------- CSV


@dataclass
class _Scan:
    """Where each record of a CSV buffer starts and ends and how many cells it has."""

    starts: np.ndarray
    ends: np.ndarray  # exclusive, without the line end
    cells: np.ndarray
    multiline: bool
    ends_with_newline: bool


def _scan(buf: bytes, delim: str, name: str) -> _Scan:
    """Records, cell counts and quoting of a UTF-8 buffer, with array operations only."""
    a = np.frombuffer(buf, dtype=np.uint8)
    d = ord(delim)
    quotes = np.flatnonzero(a == 34) if b'"' in buf else np.empty(0, dtype=np.int64)
    newlines = np.flatnonzero(a == 10)
    is_delim = a == d
    multiline = False
    if quotes.size:
        _check_quotes(buf, a, quotes, d, name)
        inside = np.searchsorted(quotes, newlines) % 2 == 1
        multiline = bool(inside.any())
        newlines = newlines[~inside]
        mark = np.zeros(len(a) + 1, dtype=np.int8)
        mark[quotes[0::2]] += 1
        mark[quotes[1::2]] -= 1
        is_delim &= np.cumsum(mark[:-1], dtype=np.int8) == 0
    ends_with_newline = buf.endswith(b"\n")
    starts = np.concatenate([[0], newlines + 1])
    ends = np.concatenate([newlines, [len(a)]])
    if ends_with_newline or len(a) == 0:
        starts, ends = starts[:-1], ends[:-1]
    if len(starts):
        cells = np.add.reduceat(is_delim, starts, dtype=np.int64) + 1
        cells[starts == ends] = 0
    else:
        cells = np.zeros(0, dtype=np.int64)
    ends = ends - ((ends > starts) & (a[np.maximum(ends - 1, 0)] == 13))  # drop the CR of CRLF
    cells[(ends == starts)] = 0
    return _Scan(starts, ends, cells, multiline, ends_with_newline)


def _check_quotes(buf: bytes, a: np.ndarray, q: np.ndarray, d: int, name: str) -> None:
    """Raise for a quote that opens a value and never closes it, or sits inside a value."""
    n = len(a)
    boundary = {d, 10, 13}
    prev = np.where(q > 0, a[np.maximum(q - 1, 0)], 10)
    nxt = np.where(q < n - 1, a[np.minimum(q + 1, n - 1)], 10)
    k = np.arange(len(q))
    opener = k % 2 == 0
    prev_q = np.zeros(len(q), dtype=bool)
    prev_q[1:] = q[1:] - 1 == q[:-1]
    next_q = np.zeros(len(q), dtype=bool)
    next_q[:-1] = q[:-1] + 1 == q[1:]
    ok_open = np.isin(prev, list(boundary)) | (prev_q & ~np.roll(opener, 1))
    ok_close = np.isin(nxt, list(boundary)) | (next_q & np.roll(opener, -1))
    bad = np.flatnonzero(np.where(opener, ~ok_open, ~ok_close))
    if len(q) % 2 == 0 and not bad.size:
        return
    first = int(bad[0]) if bad.size else len(q) - 1
    at = int(q[first - (first % 2)])  # the quote that opened the value
    row, column = _where_in_records(buf, a, q, at, d)
    if bad.size and first % 2 == 0 and not ok_open[first]:
        what = "a quote inside a value that is not itself quoted"
        fix = 'quote the whole value and double the quote inside it ("5"" screen"), or remove it'
    elif bad.size:
        to = row + buf.count(b"\n", at, int(q[first]))
        what = (
            f"a quote opens this value and is not closed at its end: the value would run on "
            f"to row {to}, swallowing the rows between"
        )
        fix = "close the quote after the value, or delete it"
    else:
        after = buf.count(b"\n", at) - (1 if buf.endswith(b"\n") else 0)
        what = (
            f"a quote opens this value and is never closed: the {after} rows after it would "
            "be read as part of this one value"
        )
        fix = "close the quote after the value, or delete it"
    raise InputError.one(what, fix, file=name, row=row, column=column)


def _where_in_records(
    buf: bytes, a: np.ndarray, q: np.ndarray, at: int, d: int
) -> tuple[int, str | None]:
    """The record number (1-based) holding byte ``at``, and its column's header name.

    Quotes before ``at`` are assumed balanced (they are: ``at`` is the first bad one).
    """
    nl = np.flatnonzero(a[:at] == 10)
    inside = np.searchsorted(q, nl) % 2 == 1
    row = 1 + int((~inside).sum())
    start = int(nl[~inside][-1]) + 1 if (~inside).any() else 0
    delim = chr(d)
    cell = len(next(csv.reader([buf[start:at].decode("utf-8", "replace")], delimiter=delim), []))
    cell = max(cell, 1)
    end = buf.find(b"\n")
    first = buf[: end if end >= 0 else len(buf)].decode("utf-8", "replace").rstrip("\r")
    header = next(csv.reader([first], delimiter=delim), [])
    column = header[cell - 1].strip() if row > 1 and cell - 1 < len(header) else None
    return row, column or f"cell {cell}"


def read_csv(
    raw: bytes,
    name: str,
    encoding: str | None,
    delimiter: str | None,
    locate: Any,
    canonical: Any,
    kinds: dict[str, str],
) -> tuple[Table, str]:
    """Read CSV bytes into a :class:`Table` (see the module docstring)."""
    if not raw[:65536].strip() and not raw.strip():
        raise InputError.one(
            "the file is empty",
            "export the responses again, with a header row",
            file=name,
            what_vi="tệp trống",
            fix_vi="xuất lại tệp dữ liệu, có dòng tiêu đề",
        )
    boms = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
    if encoding is None and not raw.startswith(boms) and not _utf16_without_bom(raw):
        # most files are UTF-8: let pyarrow check the text cells instead of decoding it all
        try:
            table = _read_fast(raw, name, delimiter, locate, canonical, kinds)
        except UnicodeDecodeError:
            table = None
        if table is not None:
            return table, "utf-8"
    text, enc = decode(raw, name, encoding)
    if enc != (encoding or "utf-8"):
        log.info("%s read as %s", name, enc)
    if enc in ("utf-8", "utf-8-sig"):
        buf = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    else:
        buf = text.lstrip("\ufeff").encode("utf-8")
    del text
    table = _read_fast(buf, name, delimiter, locate, canonical, kinds)
    if table is None:
        table = _read_slow(buf, name, delimiter, locate)
    return table, enc


def count_lines(buf: bytes, start: int = 0, block: int = 1 << 20) -> int:
    """The number of line feeds in ``buf[start:]``, a block at a time (about five times
    faster than ``bytes.count`` for one byte, and no buffer-sized temporary)."""
    a = np.frombuffer(buf, dtype=np.uint8, offset=start)
    hit = np.empty(min(block, len(a)), dtype=bool)
    n = 0
    for i in range(0, len(a), block):
        part = a[i : i + block]
        np.equal(part, 10, out=hit[: len(part)])
        n += int(np.count_nonzero(hit[: len(part)]))
    return n


def _delimiter(buf: bytes, delimiter: str | None) -> str:
    if delimiter is not None:
        return delimiter
    end = buf.find(b"\n")
    first = buf[: end if end >= 0 else len(buf)]
    return max((",", ";", "\t"), key=lambda d: first.count(d.encode()))


#: No cell of a response file is longer (Python's csv module stops there too): a longer one
#: is a damaged file, or text pasted into a cell by mistake.
MAX_CELL = 131_072


def split_record(rec: str, delimiter: str, name: str = "", row: int | None = None) -> list[str]:
    """The cells of one CSV record; a cell longer than :data:`MAX_CELL` characters is refused
    with its row.

    Examples
    --------
    >>> split_record('1,"a, b",3', ",")
    ['1', 'a, b', '3']
    """
    try:
        return next(csv.reader([rec], delimiter=delimiter), [])
    except csv.Error as exc:
        if "field larger than field limit" not in str(exc):
            raise
        raise InputError.one(
            f"a cell longer than {MAX_CELL:,} characters: no answer is that long (the file "
            "is damaged, or a long text was pasted into a cell)",
            "find the cell in this row and shorten or delete it, or export the file again",
            file=name or None,
            row=row,
            what_vi=f"một ô dài hơn {MAX_CELL:,} ký tự".replace(",", ".")
            + ": không câu trả lời nào dài như vậy (tệp bị hỏng, hoặc một đoạn văn bản dài bị "
            "dán vào ô)",
            fix_vi="tìm ô đó trong dòng này và rút ngắn hoặc xóa nó, hoặc xuất lại tệp",
        ) from None


def _head_records(
    buf: bytes, scan: _Scan | None, delimiter: str, name: str = ""
) -> list[list[str]]:
    """The first records as text cells (for finding the header row)."""
    rows = []
    if scan is None:
        pos = 0
        for i in range(HEADER_SEARCH_ROWS):
            if pos >= len(buf):
                break
            end = buf.find(b"\n", pos)
            end = len(buf) if end < 0 else end
            rec = buf[pos:end].rstrip(b"\r").decode("utf-8")
            rows.append([str_cell(v) for v in split_record(rec, delimiter, name, i + 1)])
            pos = end + 1
        return rows
    for i in range(min(HEADER_SEARCH_ROWS, len(scan.starts))):
        rec = buf[scan.starts[i] : scan.ends[i]].decode("utf-8")
        rows.append([str_cell(v) for v in split_record(rec, delimiter, name, i + 1)])
    return rows


def _read_fast(
    buf: bytes,
    name: str,
    delimiter: str | None,
    locate: Any,
    canonical: Any,
    kinds: dict[str, str],
    blank_lines: bool = False,
) -> Table | None:
    """Parse with pyarrow; None when the file needs the record-by-record reader."""
    delimiter = _delimiter(buf, delimiter)
    if b"\x00" in buf:
        return None
    # without quotes a record is a line; blank lines show up as a row count that differs from
    # the line count, and then the byte scan numbers the records
    scan = None if b'"' not in buf and not blank_lines else _scan(buf, delimiter, name)
    head = _head_records(buf, scan, delimiter, name)
    if not any(any(r) for r in head):
        raise InputError.one(
            "the file is empty",
            "export the responses again, with a header row",
            file=name,
            what_vi="tệp trống",
            fix_vi="xuất lại tệp dữ liệu, có dòng tiêu đề",
        )
    h = locate(head)
    header = head[h]
    if scan is None:
        start = 0
        for _ in range(h + 1):
            start = buf.find(b"\n", start) + 1
            if start == 0:
                start = len(buf)
                break
        expected = count_lines(buf, start) + (0 if buf.endswith(b"\n") else 1)
        if start >= len(buf):
            expected = 0
        numbers = np.arange(h + 2, h + 2 + expected, dtype=np.int64)
    else:
        body = np.arange(h + 1, len(scan.starts))
        body = body[scan.cells[body] > 0]
        if (scan.cells[body] != len(header)).any():
            return None
        start = int(scan.starts[body[0]]) if body.size else len(buf)
        numbers = (body + 1).astype(np.int64)
    if not len(numbers):
        return Table(header, [pd.Series([], dtype="str") for _ in header], numbers, h + 1)
    parsed = _arrow_table(buf, start, header, delimiter, kinds, canonical, scan)
    if parsed is not None and parsed[1] != len(numbers) and scan is None:
        return _read_fast(buf, name, delimiter, locate, canonical, kinds, True)
    if parsed is None or parsed[1] != len(numbers):
        return None
    table = parsed[0]
    table.numbers = numbers[table.numbers]
    table.header_row = h + 1
    return table


def _arrow_table(
    buf: bytes,
    start: int,
    header: list[str],
    delimiter: str,
    kinds: dict[str, str],
    canonical: Any,
    scan: _Scan | None,
) -> tuple[Table, int] | None:
    """The body parsed by pyarrow, ``numbers`` holding the positions of rows with a value, and
    the number of rows parsed (blank ones included)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = [f"c{j}" for j in range(len(header))]
    types: dict[str, Any] = {}
    kind = [kinds.get(canonical(h), "unknown") if h else "unknown" for h in header]
    for j in range(len(header)):
        if kind[j] != "number":
            types[names[j]] = pa.string()
    for _ in range(len(header) + 1):
        try:
            t = pcsv.read_csv(
                pa.py_buffer(memoryview(buf)[start:]),
                read_options=pcsv.ReadOptions(column_names=names, block_size=BLOCK_SIZE),
                parse_options=pcsv.ParseOptions(
                    delimiter=delimiter,
                    newlines_in_values=bool(scan is not None and scan.multiline),
                    ignore_empty_lines=True,
                ),
                convert_options=pcsv.ConvertOptions(
                    column_types=types,
                    null_values=[""],
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                    true_values=[],
                    false_values=[],
                ),
            )
            break
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            text = str(exc)
            if "UTF8" in text or "utf8" in text.lower():
                raise UnicodeDecodeError("utf-8", b"", 0, 1, "invalid UTF-8 in a cell") from None
            # a number column whose type was guessed from its first rows, with text further
            # down: read that column as text (the validator names the bad cells)
            m = _CONVERSION.search(text)
            if m and names[int(m.group(1))] not in types:
                types[names[int(m.group(1))]] = pa.string()
                continue
            # a row of another width ("Expected 53 columns, got 40") and the like: the
            # record-by-record reader names each one
            log.info("pyarrow could not parse the file (%s): read record by record", exc)
            return None
    else:  # pragma: no cover - every column is text by now
        return None
    # columns are independent and pyarrow and numpy release the GIL: two at a time
    with ThreadPoolExecutor(max_workers=2) as pool:
        parsed = list(pool.map(lambda j: _arrow_column(t.column(j), kind[j]), range(len(header))))
    cols = [c.series for c in parsed]
    integers = {j: c.integers for j, c in enumerate(parsed) if c.integers is not None}
    levels = {j: c.levels for j, c in enumerate(parsed) if c.levels is not None}
    unicode_rows = [(int(i), j) for j, c in enumerate(parsed) for i in c.mixed_rows]
    blank = _blank_rows(cols, t.num_rows)
    keep = np.arange(t.num_rows)
    if blank.size:
        keep = np.setdiff1d(keep, blank)
        cols = [s.iloc[keep].reset_index(drop=True) for s in cols]
        integers = {j: (v[keep], m[keep]) for j, (v, m) in integers.items()}
        for j, (v, m) in integers.items():
            cols[j] = pd.Series(pd.arrays.IntegerArray(v, m), copy=False)
    table = Table(header, cols, keep)
    table.integers = integers
    table.levels = levels
    if unicode_rows:
        at = {int(p): k for k, p in enumerate(keep)}
        table.cells = [unicode_issue(at[i], j) for i, j in unicode_rows if i in at]
    return table, t.num_rows


@dataclass
class _Column:
    """One parsed column (see :func:`_arrow_column`)."""

    series: pd.Series
    integers: tuple[np.ndarray, np.ndarray] | None = None
    levels: list[str] | None = None
    mixed_rows: np.ndarray | list[int] = field(default_factory=list)


def _arrow_column(arr: Any, kind: str) -> _Column:
    """A pyarrow column as a Series of the table, with what the validator may reuse.

    ``kind``: the column's kind for the instrument (``number``, ``category``: text of few
    distinct values, ``text``, or ``unknown``: a column the instrument does not know, read as
    numbers when every cell is one).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_binary(arr.type) or pa.types.is_large_binary(arr.type):
        raise UnicodeDecodeError("utf-8", b"", 0, 1, "invalid UTF-8 in a cell")
    text = pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)
    if text and kind == "unknown" and (numbers := as_numbers(arr)) is not None:
        return _Column(pd.Series(numbers, dtype="float64", copy=False))
    if text:
        s, mixed_rows, values = _arrow_text(arr, few=kind == "category")
        return _Column(s, None, values, [] if mixed_rows is None else mixed_rows)
    if pa.types.is_int64(arr.type):  # whole numbers: nothing to convert or round
        values, blank = _integer_column(arr)
        return _Column(
            pd.Series(pd.arrays.IntegerArray(values, blank), copy=False), (values, blank)
        )
    if pa.types.is_floating(arr.type):
        return _Column(pd.Series(arr.to_numpy(), dtype="float64"))
    # dates, timestamps: back to text
    txt = pc.cast(arr, pa.string())
    return _Column(text_series([str_cell(v) if v else "" for v in txt.to_pylist()]))


def as_numbers(arr: Any) -> np.ndarray | None:
    """A text column (pyarrow or pandas) as float64 (NaN where blank) when every filled cell is
    a number, else None.

    A column of codes written with leading zeros (``017``) stays text: as numbers the zeros
    would be lost. So does a column where ``nan`` is typed in a cell.

    Examples
    --------
    >>> as_numbers(pd.Series(["1200", None, "800.5"], dtype="str")).tolist()
    [1200.0, nan, 800.5]
    >>> as_numbers(pd.Series(["017", "018"], dtype="str")) is None
    True
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, pd.Series):
        arr = pa.array(arr, type=pa.string(), from_pandas=True)
    if arr.null_count == len(arr):
        return None
    lead = pc.filter(arr, pc.or_(pc.starts_with(arr, "0"), pc.starts_with(arr, "-0")))
    if len(lead) and pc.any(pc.match_substring_regex(lead, r"^-?0\d")).as_py():
        return None
    try:
        v = pc.cast(arr, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if pc.any(pc.is_nan(v)).as_py():
        return None
    return v.to_numpy(zero_copy_only=False)


def _integer_column(arr: Any) -> tuple[np.ndarray, np.ndarray]:
    """A pyarrow int64 column as writable int64 values (0 where blank) and the blank mask.

    Each parsed block's value buffer is copied once into the result (the slots of blank
    cells are then set to 0, whatever pyarrow left there).
    """
    values = np.empty(len(arr), dtype=np.int64)
    at = 0
    for chunk in arr.chunks:
        n = len(chunk)
        data = chunk.buffers()[1]
        values[at : at + n] = np.frombuffer(data, dtype=np.int64, count=n, offset=chunk.offset * 8)
        at += n
    blank = arr.is_null().to_numpy(zero_copy_only=False)
    if arr.null_count:
        np.putmask(values, blank, 0)
    return values, blank


def _blank_rows(cols: list[pd.Series], n: int) -> np.ndarray:
    """Positions of rows blank in every column (``,,,,``): narrowed column by column, so a
    file without such rows costs one pass over one column."""
    if not cols:
        return np.arange(n)
    cand = np.flatnonzero(cols[0].isna().to_numpy())
    for s in cols[1:]:
        if not cand.size:
            break
        cand = cand[s.iloc[cand].isna().to_numpy()]
    return cand


def unicode_issue(pos: int, column: int) -> CellIssue:
    """A cell whose text is written in decomposed Unicode while the same text elsewhere in its
    column is composed: read as one value, reported so the file can be made consistent."""
    return CellIssue(
        pos,
        column,
        "unicode_form",
        "written here with decomposed accents (Unicode NFD), elsewhere in this column with "
        "composed ones (NFC); both are read as the same text",
        "save the file from one program as 'CSV UTF-8', or retype the cell",
        keeps=True,
        what_vi="ở đây chữ có dấu viết theo dạng tách dấu (Unicode NFD), ở chỗ khác trong cột "
        "theo dạng dựng sẵn (NFC); cả hai được đọc là cùng một chữ",
        fix_vi="lưu tệp từ cùng một chương trình dưới dạng 'CSV UTF-8', hoặc gõ lại ô này",
    )


def _arrow_text(
    arr: Any, few: bool = False
) -> tuple[pd.Series, np.ndarray | None, list[str] | None]:
    """A pyarrow text column as stripped, NFC text with blanks missing.

    The work is done on the column's distinct values, and the column rewritten only when one of
    them changes (a file saved by one program seldom needs it). Also returns the rows written in
    decomposed Unicode where the same text is composed elsewhere, and the column's distinct
    filled values (None when they were not needed: ASCII text without blanks around it).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if (
        not few
        and pc.all(pc.string_is_ascii(arr)).as_py() is not False
        and pc.all(pc.equal(pc.utf8_trim_whitespace(arr), arr)).as_py() is not False
    ):
        # ASCII text is NFC already, and no cell has blanks around it: nothing to rewrite,
        # and no need to hash the column (an id column has as many values as rows); a
        # column of few values (``few``) is cheaper to check on its distinct values
        s = arr.to_pandas()
        return (s if s.dtype == "str" else s.astype("str")), None, None
    uniq = pc.unique(arr)
    fixed = pc.utf8_trim_whitespace(uniq)
    mixed = None
    if pc.all(pc.string_is_ascii(fixed)).as_py() is False:
        nfc = pc.utf8_normalize(fixed, form="NFC")
        changed = pc.not_equal(fixed, nfc).fill_null(False)
        if pc.any(changed).as_py():
            both = set(pc.filter(nfc, changed).to_pylist()) & set(
                pc.filter(nfc, pc.invert(changed)).to_pylist()
            )
            if both:
                flag = pc.and_(changed, pc.is_in(nfc, value_set=pa.array(sorted(both))))
                mixed = (flag, nfc)
        fixed = nfc
    fixed = pc.if_else(pc.equal(fixed, ""), pa.scalar(None, pa.string()), fixed)
    rows = None
    rewritten = (
        not pc.all(pc.equal(uniq, fixed).fill_null(True)).as_py()
        or pc.any(pc.is_null(fixed).fill_null(False)).as_py() != pc.any(pc.is_null(uniq)).as_py()
    )
    levels = uniq
    if rewritten:
        idx = pc.index_in(arr, value_set=uniq, skip_nulls=False)
        arr = pc.take(fixed, idx)
        levels = pc.unique(fixed)
        if mixed is not None:
            rows = np.flatnonzero(pc.take(mixed[0], idx).fill_null(False).to_numpy(False))
    s = arr.to_pandas()
    filled = [v for v in levels.to_pylist() if v is not None]
    return (s if s.dtype == "str" else s.astype("str")), rows, filled


def _read_slow(buf: bytes, name: str, delimiter: str | None, locate: Any) -> Table:
    """Parse record by record (a file with irregular rows or NUL bytes)."""
    delimiter = _delimiter(buf, delimiter)
    scan = _scan(buf, delimiter, name)
    head = _head_records(buf, scan, delimiter, name)
    if not any(any(r) for r in head):
        raise InputError.one(
            "the file is empty",
            "export the responses again, with a header row",
            file=name,
            what_vi="tệp trống",
            fix_vi="xuất lại tệp dữ liệu, có dòng tiêu đề",
        )
    h = locate(head)
    header = head[h]
    width = len(header)
    rows, numbers, issues, cells = [], [], [], []
    forms: dict[int, dict[str, set[bool]]] = {}
    decomposed: list[tuple[int, int, str]] = []
    last = len(scan.starts) - 1
    for i in range(h + 1, len(scan.starts)):
        if scan.cells[i] == 0:
            continue
        rec = buf[scan.starts[i] : scan.ends[i]].decode("utf-8")
        values = split_record(rec, delimiter, name, i + 1)
        row = [str_cell(v.replace("\x00", "")) for v in values]
        for j, v in enumerate(values):
            if not v.isascii():
                forms.setdefault(j, {}).setdefault(row[j], set()).add(
                    unicodedata.is_normalized("NFC", v.strip())
                )
                if not unicodedata.is_normalized("NFC", v.strip()):
                    decomposed.append((len(rows), j, row[j]))
        if not any(row) and "\x00" not in rec:
            continue
        pos = len(rows)
        for j in (j for j, v in enumerate(values) if "\x00" in v):
            cells.append(
                CellIssue(
                    pos,
                    j,
                    "nul_byte",
                    "holds a NUL byte (a control character, often left by a damaged export)",
                    "retype the cell, or export the file again",
                    what_vi="chứa ký tự NUL (ký tự điều khiển, thường do tệp xuất bị hỏng)",
                    fix_vi="gõ lại ô này, hoặc xuất lại tệp",
                )
            )
        if len(values) < width:
            if i == last and not scan.ends_with_newline:
                what = (
                    f"the last row ends after {len(values)} of the header's {width} cells, "
                    "without a line end: the file looks cut short"
                )
                check, fix = "cut_row", "export the file again, complete"
                vi = (
                    f"dòng cuối kết thúc sau {len(values)} trong {width} ô của dòng tiêu đề, "
                    "không có ký tự xuống dòng: tệp có vẻ bị cắt",
                    "xuất lại tệp, đầy đủ",
                )
            else:
                what = f"the row has {len(values)} cells, the header {width}"
                check = "short_row"
                fix = "add the missing cells (empty ones as ,,) or delete the row"
                vi = (
                    f"dòng có {len(values)} ô, dòng tiêu đề có {width}",
                    "thêm các ô còn thiếu (ô trống ghi ,,) hoặc xóa dòng",
                )
            problem = Problem(what, fix, name, i + 1, what_vi=vi[0], fix_vi=vi[1])
            issues.append(RowIssue(pos, check, problem))
        rows.append(row)
        numbers.append(i + 1)
    table = table_from_rows(rows, numbers, header, h + 1)
    table.rows = issues
    mixed = [unicode_issue(p, j) for p, j, v in decomposed if len(forms[j][v]) > 1]
    table.cells = cells + mixed
    return table


# --------------------------------------------------------------------------- spreadsheets


def read_xlsx(
    raw: bytes, name: str, sheet: str | int | None, usable: Any = None
) -> tuple[list[list[str]], str, Any, Any]:
    """Rows of text cells of a worksheet, the sheet's name, the formula cells without value and
    the workbook's properties.

    Without ``sheet``, the first worksheet for which ``usable(first rows as text)`` is highest
    (e.g. 2 for a header naming criteria, 1 for one naming only the id, 0 for a help sheet),
    else the first one.
    """
    import openpyxl

    try:
        wb = openpyxl.load_workbook(_io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError.one(
            f"not a readable .xlsx workbook ({exc.__class__.__name__})",
            "open it in Excel and save it again as .xlsx (Excel Workbook)",
            file=name,
            what_vi=f"không đọc được bảng tính .xlsx ({exc.__class__.__name__})",
            fix_vi="mở bằng Excel rồi lưu lại dưới dạng .xlsx (Excel Workbook)",
        ) from None
    try:
        names = wb.sheetnames
        properties = wb.properties
        if sheet is None:
            chosen = names[0]
            if usable is not None and len(names) > 1:
                best = 0
                for n in names:
                    head = [
                        [cell_text(v) for v in row]
                        for row in wb[n].iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
                    ]
                    score = int(usable(head))
                    if score > best:
                        chosen, best = n, score
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise InputError.one(
                    f"there is no sheet number {sheet} (the workbook has {len(names)})",
                    f"give a sheet name: one of {names}",
                    file=name,
                )
            chosen = names[sheet]
        elif sheet in names:
            chosen = sheet
        else:
            raise InputError.one(
                f"no sheet called {sheet!r}",
                f"give one of the workbook's sheets: {names}",
                file=name,
                what_vi=f"không có trang tính tên {sheet!r}",
                fix_vi=f"ghi một trang của bảng tính: {names}",
            )
        values = list(wb[chosen].iter_rows(min_row=1, values_only=True))
    finally:
        wb.close()
    records = [[cell_text(v) for v in row] for row in values]
    if not any(any(rec) for rec in records):
        raise InputError.one(
            f"sheet {chosen!r} is empty",
            "put the responses, with their header row, on this sheet or name another",
            file=name,
            what_vi=f"trang tính {chosen!r} trống",
            fix_vi="nhập phiếu, có dòng tiêu đề, vào trang này hoặc chọn trang khác",
        )
    formulas: set[tuple[int, int]] = set()
    if _has_formulas(raw):
        empty = {(i, j) for i, row in enumerate(values) for j, v in enumerate(row) if v is None}
    else:
        empty = set()
    if empty:
        wf = openpyxl.load_workbook(_io.BytesIO(raw), read_only=True, data_only=False)
        try:
            for i, row in enumerate(wf[chosen].iter_rows(min_row=1, values_only=True)):
                for j, v in enumerate(row):
                    if (i, j) in empty and isinstance(v, str) and v.startswith("="):
                        formulas.add((i, j))
        finally:
            wf.close()
    return records, chosen, formulas, properties


def _has_formulas(raw: bytes) -> bool:
    """Whether any worksheet of an .xlsx holds a formula (a ``<f>`` element)."""
    try:
        with zipfile.ZipFile(_io.BytesIO(raw)) as z:
            sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
            return any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)
    except (zipfile.BadZipFile, KeyError, OSError):  # pragma: no cover - opened fine before
        return True


def frame_table(df: pd.DataFrame) -> Table:
    """A typed frame (``.sav``, Parquet) as a table: numbers stay numbers, the rest text."""
    cols = []
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_bool_dtype(s.dtype):
            cols.append(pd.Series(s.to_numpy(dtype=float, na_value=np.nan), dtype="float64"))
        elif pd.api.types.is_numeric_dtype(s.dtype):
            cols.append(pd.Series(s.to_numpy(dtype="float64", na_value=np.nan), dtype="float64"))
        else:
            cols.append(text_series([cell_text(v) for v in s.astype(object)]))
    present = np.zeros(len(df), dtype=bool)
    for s in cols:
        present |= s.notna().to_numpy()
    numbers = np.arange(1, len(df) + 1)
    keep = np.flatnonzero(present)
    if len(keep) < len(df):
        cols = [s.iloc[keep].reset_index(drop=True) for s in cols]
        numbers = numbers[keep]
    return Table([cell_text(c) for c in df.columns], cols, numbers.astype(np.int64))


def read_sav(p: Path, name: str, coded: set[str], canonical: Any) -> tuple[Table, str | None]:
    """An SPSS file; value labels of the instrument's coded variables are applied first."""
    import pyreadstat

    try:
        # user_missing=True keeps declared missing values (8, 9) as codes instead of blanks
        df, meta = pyreadstat.read_sav(str(p), user_missing=True)
    except Exception as exc:  # pyreadstat raises its own ReadstatError and others
        raise InputError.one(
            f"not a readable SPSS .sav file ({exc.__class__.__name__}: {exc})",
            "open it in SPSS (or PSPP) and save it again as .sav",
            file=name,
        ) from None
    labels = meta.variable_value_labels or {}
    for col in df.columns:
        if canonical(str(col)) in coded and col in labels:
            lab = {cell_text(k): v for k, v in labels[col].items()}
            df[col] = pd.Series([lab.get(cell_text(v), v) for v in df[col]], dtype=object)
    return frame_table(df), meta.file_encoding


def read_parquet(raw: bytes, name: str) -> Table:
    """A Parquet file."""
    try:
        df = pd.read_parquet(_io.BytesIO(raw))
    except Exception as exc:  # pyarrow raises ArrowInvalid and others
        raise InputError.one(
            f"not a readable Parquet file ({exc.__class__.__name__})",
            "write the file again with pandas.DataFrame.to_parquet or pyarrow",
            file=name,
        ) from None
    return frame_table(df)
