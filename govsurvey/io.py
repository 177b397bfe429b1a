"""Read and validate survey response files against an instrument.

:func:`read_responses` reads a CSV, XLSX, SPSS ``.sav`` or Parquet file, checks every cell against
the instrument (``govsurvey/instruments/*.yaml``) and returns a :class:`Responses`: the tidy data
(one row per respondent) and an account of every row read — kept, or excluded with its file row
number and the reason.

How values come out
-------------------
- Scale items (the criteria and ``overall``), assessment items, expectation options and
  ``responded`` are nullable integers (``Int64``) holding the codes *as answered*: 1–5, the
  instrument's missing codes (8 don't know, 9 no answer) and ``<NA>`` for a blank cell (which the
  instrument reads as no answer). Nothing is recoded, so the data stay what the file says;
  :func:`valid_scale` gives the float frame the index needs, with NaN for every missing code.
- Categorical variables (field, level, mode, sex, …) are strings holding the instrument's *codes*.
  A cell may hold the code or its Vietnamese or English label (case, surrounding blanks and Unicode
  normal form do not matter); labels are mapped to the code. SPSS value labels are applied first,
  so a labelled numeric variable (1 = "Nam") comes out as the code (``male``).
- Free text (district, ward, personal fields, the id) is NFC-normalised, stripped text. Windows-1258
  files spell tones with combining marks; after NFC they compare equal to UTF-8 text.
- The base weight is a float; stratum and PSU are text labels.
- Other columns are kept: as floats when every value is a number (and none has a leading zero, which
  marks a code such as ``"017"``), otherwise as text.
- Rows in which every cell is blank, and rows above the header, are skipped and not counted.

Row numbers are those a person sees in the file: in a CSV the header is row 1, so the first data row
is row 2 (a row is a CSV record, as a spreadsheet shows it); in a spreadsheet, the sheet's own row
number (a title block above the header is allowed); in ``.sav`` and Parquet files, the case number
counting from 1.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io as _io
import logging
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .instrument import Instrument, load_instrument

__all__ = ["Responses", "Source", "file_sha256", "read_responses", "valid_scale"]

log = logging.getLogger(__name__)

#: How many rows are searched for the header row (a title block may sit above it).
HEADER_SEARCH_ROWS = 30

_FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".sav": "sav",
    ".zsav": "sav",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_CONVERT_HINT = {
    ".xls": "save it from Excel as .xlsx (Excel Workbook)",
    ".ods": "save it as .xlsx or .csv",
    ".dta": "export it from Stata as .csv or .sav",
    ".json": "export it as .csv",
    ".txt": "if it is comma-separated text, rename it to .csv",
}


# --------------------------------------------------------------------------- result objects


@dataclass(frozen=True)
class Source:
    """Where the responses came from, for the provenance record of a run.

    Attributes
    ----------
    path : str
        The path as given.
    format : str
        ``"csv"``, ``"xlsx"``, ``"sav"`` or ``"parquet"``.
    sha256 : str
        SHA-256 of the file's bytes.
    encoding : str or None
        The text encoding used (CSV: detected or given; ``.sav``: the file's declared encoding).
    sheet : str or None
        The worksheet read (XLSX).
    header_row : int or None
        The row holding the column names (CSV and XLSX).
    """

    path: str
    format: str
    sha256: str
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None


@dataclass(repr=False)
class Responses:
    """Validated survey responses and the account of every row read.

    Attributes
    ----------
    data : pandas.DataFrame
        One row per respondent kept (non-respondents included, flagged by ``responded == 0``),
        columns in file order; see the module docstring for how values come out.
    account : pandas.DataFrame
        One row per excluded file row, columns ``row`` (as numbered in the file),
        ``respondent_id``, ``check`` (short names of the checks it failed, e.g.
        ``"invalid_code"``) and ``reason`` (what is wrong, column by column). Empty when nothing
        was excluded.
    n_read : int
        Data rows read (blank rows and rows above the header are not counted).
    source : Source
        File path, format, SHA-256, encoding, sheet and header row.
    instrument : Instrument
        The instrument the file was checked against.
    personal_columns : list of str
        Personal fields present in ``data`` (names, phones, …): kept for linkage, never to be
        published; the report layer refuses them.

    Examples
    --------
    >>> import govsurvey as gs
    >>> r = gs.read_responses("responses.csv", on_error="exclude")  # doctest: +SKIP
    >>> r.n_read == r.n_kept + r.n_excluded  # doctest: +SKIP
    True
    >>> r.summary()  # doctest: +SKIP
    """

    data: pd.DataFrame
    account: pd.DataFrame
    n_read: int
    source: Source
    instrument: Instrument = field(repr=False)
    personal_columns: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return (
            f"Responses({self.source.path!r}, instrument={self.instrument.name!r}, "
            f"read={self.n_read}, kept={self.n_kept}, excluded={self.n_excluded}, "
            f"personal_columns={self.personal_columns})"
        )

    @property
    def n_kept(self) -> int:
        """Rows kept in :attr:`data`."""
        return len(self.data)

    @property
    def n_excluded(self) -> int:
        """Rows excluded (listed in :attr:`account`)."""
        return len(self.account)

    @property
    def respondents(self) -> pd.DataFrame:
        """The rows of :attr:`data` that responded (all of them when there is no flag column)."""
        flag = self.instrument.design_columns.get("responded")
        if flag is None or flag not in self.data.columns:
            return self.data
        return self.data[self.data[flag].eq(1).fillna(False).to_numpy(dtype=bool)]

    def summary(self) -> pd.DataFrame:
        """The row account as a small table: read, kept, then excluded rows by check.

        Returns
        -------
        pandas.DataFrame
            Columns ``item`` and ``rows``; one line each for ``read`` and ``kept``, then one per
            check that excluded rows (a row failing several checks counts under each).

        Examples
        --------
        >>> r.summary()  # doctest: +SKIP
                             item  rows
        0                    read   120
        1                    kept   117
        2  excluded: invalid_code     2
        3  excluded: duplicate_id     1
        """
        lines = [("read", self.n_read), ("kept", self.n_kept)]
        if self.n_excluded:
            counts = self.account["check"].str.split(", ").explode().value_counts(sort=False)
            lines += [(f"excluded: {k}", int(v)) for k, v in counts.items()]
        return pd.DataFrame(lines, columns=["item", "rows"])


# --------------------------------------------------------------------------- public functions


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in chunks (the checksum runs and data records carry).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = f.write_bytes(b"abc")
    >>> file_sha256(f)[:16]
    'ba7816bf8f01cfea'
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_responses(
    path: str | Path,
    instrument: str | Path | Instrument = "sipas-2017",
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    weight: str | None = None,
    id_column: str | None = None,
    on_error: Literal["raise", "exclude"] = "raise",
) -> Responses:
    """Read a survey response file and check it against the instrument.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (or ``.tsv``), ``.xlsx``, ``.sav`` or ``.parquet`` file.
    instrument : str, Path or Instrument, default "sipas-2017"
        The questionnaire the file answers (a shipped name, a YAML path or a loaded instrument).
    encoding : str, optional
        Text encoding of a CSV file. By default a byte-order mark decides, else UTF-8 is tried
        and then Windows-1258 (``cp1258``). When given, the file must decode with it.
    sheet : str or int, optional
        The worksheet of an XLSX file, by name or 0-based position; the first by default.
    weight : str, optional
        The weight column, when it is not the instrument's (``base_weight``).
    id_column : str, optional
        The respondent-id column, when it is not the instrument's (``respondent_id``).
    on_error : {"raise", "exclude"}, default "raise"
        ``"raise"``: any problem raises one :class:`~govsurvey.InputError` listing them all.
        ``"exclude"``: rows with problems are dropped and listed in ``account``; problems with
        the whole file (not found, unreadable, required column missing, …) still raise.

    Returns
    -------
    Responses
        ``.data`` (one row per respondent), ``.account`` (excluded rows with reasons),
        ``.n_read``, ``.n_kept``, ``.source``, ``.personal_columns``.

    Raises
    ------
    InputError
        Naming file, row, column, value, what is wrong and how to fix it, for every problem.

    Notes
    -----
    The checks: required columns present (the id column, the 22 criteria, ``overall`` and the
    instrument's ``required_columns``); answers within the scale or the missing codes; assessment
    and expectation items within their codes; categorical values among the instrument's codes or
    labels; respondent ids present and unique (a duplicate names both rows, and in ``"exclude"``
    mode every copy is dropped since the file cannot tell which is genuine); ``responded`` 0 or 1;
    weights positive and finite; stratum and PSU present when their column is; numeric columns
    numeric (``"4 "`` is fine, ``"four"`` is not). Non-respondents are kept with their flag and
    may leave every answer blank.

    Examples
    --------
    >>> import govsurvey as gs
    >>> r = gs.read_responses("responses.csv")  # doctest: +SKIP
    >>> r.data[["respondent_id", "C1_1", "overall"]].head()  # doctest: +SKIP
    >>> gs.valid_scale(r).mean()  # doctest: +SKIP
    """
    if on_error not in ("raise", "exclude"):
        raise ValueError(f"on_error must be 'raise' or 'exclude', not {on_error!r}")
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    name = str(path)
    p = Path(path)
    fmt = _format_of(p, name)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError.one(
            f"the file cannot be read ({exc.strerror or exc.__class__.__name__})",
            "check that you may read it and that no other program holds it locked",
            file=name,
        ) from None
    sha = hashlib.sha256(raw).hexdigest()
    spec = _Spec(inst, id_column=id_column, weight=weight)

    if fmt == "csv":
        if sheet is not None:
            log.warning("sheet=%r ignored: %s is a CSV file", sheet, name)
        table, enc = _read_csv(
            raw, name, encoding, delimiter="\t" if p.suffix.lower() == ".tsv" else None
        )
        table = _locate_header(table, name, spec)
        source = Source(name, fmt, sha, encoding=enc, header_row=table.header_row)
    elif fmt == "xlsx":
        table, sheet_name = _read_xlsx(raw, name, sheet)
        table = _locate_header(table, name, spec)
        source = Source(name, fmt, sha, sheet=sheet_name, header_row=table.header_row)
    elif fmt == "sav":
        table, enc = _read_sav(p, name, spec)
        source = Source(name, fmt, sha, encoding=enc)
    else:
        table = _read_parquet(raw, name)
        source = Source(name, fmt, sha)

    if not table.rows:
        raise InputError.one(
            "the file has columns but no data rows",
            "export the responses again; the data rows are missing",
            file=name,
        )
    data, account = _validate(table, name, spec, on_error)
    personal = [c for c in inst.personal_columns if c in data.columns]
    if personal:
        log.info("%s holds personal fields %s: kept, never to be published", name, personal)
    if len(account):
        log.warning("%s: %d of %d rows excluded", name, len(account), len(table.rows))
    if not len(data):
        log.warning("%s: no rows kept", name)
    return Responses(data, account, len(table.rows), source, inst, personal)


def valid_scale(
    data: pd.DataFrame | Responses, instrument: str | Path | Instrument | None = None
) -> pd.DataFrame:
    """The scale answers (criteria and overall) as floats, NaN where not a valid answer.

    Don't-know and no-answer codes (8, 9) and blank cells become NaN, so a criterion rate is the
    (weighted) share of the non-NaN values that are satisfied.

    Parameters
    ----------
    data : pandas.DataFrame or Responses
        Responses as :func:`read_responses` returns them.
    instrument : str, Path or Instrument, optional
        Needed when ``data`` is a DataFrame; defaults to the Responses' own instrument, else
        ``"sipas-2017"``.

    Returns
    -------
    pandas.DataFrame
        Float columns named as the instrument's scale columns, same index as ``data``.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.instrument import load_instrument
    >>> from govsurvey.io import valid_scale
    >>> inst = load_instrument("sipas-2017")
    >>> df = pd.DataFrame({c: pd.array([5, 8, None], dtype="Int64") for c in inst.scale_columns})
    >>> valid_scale(df, inst)["C1_1"].tolist()
    [5.0, nan, nan]
    """
    if isinstance(data, Responses):
        inst = data.instrument if instrument is None else instrument
        data = data.data
    else:
        inst = "sipas-2017" if instrument is None else instrument
    if not isinstance(inst, Instrument):
        inst = load_instrument(inst)
    missing = [c for c in inst.scale_columns if c not in data.columns]
    if missing:
        raise ValueError(f"data lack the scale columns {missing} of instrument {inst.name!r}")
    out = data[inst.scale_columns].apply(pd.to_numeric, errors="coerce").astype("float64")
    return out.where((out >= inst.scale_min) & (out <= inst.scale_max))


# ---------------------------------------------------------------------- the instrument's columns


class _Spec:
    """What the reader expects of each column, derived once from the instrument."""

    def __init__(self, inst: Instrument, id_column: str | None, weight: str | None) -> None:
        self.inst = inst
        self.id = id_column or inst.id_column
        design = dict(inst.design_columns)
        if weight is not None:
            design["weight"] = weight
        self.design = design
        self.scale = list(inst.scale_columns)
        self.assessment = {a["column"]: a for a in inst.assessment}
        self.expectations = list(inst.expectation_columns)
        self.variables = dict(inst.variables)
        self.personal = list(inst.personal_columns)
        extra = [c for c in inst.raw.get("required_columns", []) or [] if c != inst.id_column]
        self.required = [self.id, *self.scale, *extra]
        self.filled = [self.id, *extra]  # present and filled in on every row
        self.forced = [c for c in (id_column, weight) if c is not None]
        known = [
            self.id,
            *self.scale,
            *self.assessment,
            *self.expectations,
            *self.variables,
            *design.values(),
            *self.personal,
        ]
        self.known = list(dict.fromkeys(known))
        keys: dict[str, str] = {}
        for col in self.known:
            keys.setdefault(_header_key(col), col)
        for c in inst.criteria:  # a header may name a criterion by its code, C1.1
            keys.setdefault(_header_key(c.code), c.column)
        self.keys = keys
        self.lookups = {v: _label_lookup(v, d) for v, d in self.variables.items() if "codes" in d}

    def canonical(self, header: str) -> str:
        """The instrument's name for a header cell written with other case or separators."""
        if header in self.known:
            return header
        return self.keys.get(_header_key(header), header)


def _header_key(s: str) -> str:
    return re.sub(r"[\s.\-]+", "_", s.casefold()).strip("_")


def _text_key(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip().casefold()


def _label_lookup(variable: str, definition: dict[str, Any]) -> dict[str, str]:
    """Code, Vietnamese and English label (as keys) -> code, leaving out ambiguous labels."""
    found: dict[str, set[str]] = {}
    for code, labels in definition["codes"].items():
        names = [str(code)]
        if isinstance(labels, dict):
            names += [str(labels[k]) for k in ("vi", "en") if k in labels]
        for n in names:
            found.setdefault(_text_key(n), set()).add(str(code))
    ambiguous = [k for k, v in found.items() if len(v) > 1]
    if ambiguous:
        log.debug("labels of %s naming several codes, not accepted: %s", variable, ambiguous)
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}


# --------------------------------------------------------------------------- reading


@dataclass
class _Table:
    """Cells as text: the header, each data row, and each row's number in the file."""

    header: list[str]
    rows: list[list[str]]
    numbers: list[int]
    header_row: int | None = None


def _format_of(p: Path, name: str) -> str:
    suffix = p.suffix.lower()
    if suffix not in _FORMATS:
        accepted = ", ".join(sorted(_FORMATS))
        hint = _CONVERT_HINT.get(suffix, f"save it in one of the accepted formats ({accepted})")
        raise InputError.one(
            f"unknown file type {suffix or '(no extension)'!r}: govsurvey reads {accepted}",
            hint,
            file=name,
        )
    if not p.exists():
        raise InputError.one(
            "file not found", "check the path and the working directory", file=name
        )
    if not p.is_file():
        raise InputError.one("not a file", "give the path of a response file", file=name)
    return _FORMATS[suffix]


def _cell(v: Any) -> str:
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
    return _str_cell(s)


def _str_cell(s: str) -> str:
    return s.strip() if s.isascii() else unicodedata.normalize("NFC", s).strip()


def _decode(raw: bytes, name: str, encoding: str | None) -> tuple[str, str]:
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
            return _decode(raw, name, enc)
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
    )


def _read_csv(
    raw: bytes, name: str, encoding: str | None, delimiter: str | None
) -> tuple[_Table, str]:
    if not raw.strip():
        raise InputError.one(
            "the file is empty", "export the responses again, with a header row", file=name
        )
    text, enc = _decode(raw, name, encoding)
    if enc != (encoding or "utf-8"):
        log.info("%s read as %s", name, enc)
    if delimiter is None:
        first = text.lstrip("\ufeff").split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(_io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        records = [[_str_cell(v) for v in rec] for rec in reader]
    except csv.Error as exc:
        raise InputError.one(
            f"not a readable CSV file ({exc}) near row {reader.line_num}",
            "check the quoting of that row, or export the file again",
            file=name,
        ) from None
    if not any(any(rec) for rec in records):
        raise InputError.one(
            "the file is empty", "export the responses again, with a header row", file=name
        )
    return _Table([], records, list(range(1, len(records) + 1))), enc


def _read_xlsx(raw: bytes, name: str, sheet: str | int | None) -> tuple[_Table, str]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(_io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError.one(
            f"not a readable .xlsx workbook ({exc.__class__.__name__})",
            "open it in Excel and save it again as .xlsx (Excel Workbook)",
            file=name,
        ) from None
    try:
        names = wb.sheetnames
        if sheet is None:
            chosen = names[0]
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
            )
        records = [
            [_cell(v) for v in row] for row in wb[chosen].iter_rows(min_row=1, values_only=True)
        ]
    finally:
        wb.close()
    if not any(any(rec) for rec in records):
        raise InputError.one(
            f"sheet {chosen!r} is empty",
            "put the responses, with their header row, on this sheet or name another",
            file=name,
        )
    return _Table([], records, list(range(1, len(records) + 1))), chosen


def _locate_header(table: _Table, name: str, spec: _Spec) -> _Table:
    """Find the header row (it may sit under a title block) and keep the non-blank rows below."""
    marks = {spec.id, *spec.scale}
    top = table.rows[:HEADER_SEARCH_ROWS]
    i = next((k for k, r in enumerate(top) if marks.intersection(map(spec.canonical, r))), None)
    if i is None:
        raise InputError.one(
            f"no header row found: none of the first {HEADER_SEARCH_ROWS} rows names the id "
            f"column {spec.id!r} or a criterion column ({spec.scale[0]}, {spec.scale[1]}, …)",
            "put a header row of column names above the data, spelled as in the instrument",
            file=name,
        )
    header = list(table.rows[i])
    below = zip(table.numbers[i + 1 :], table.rows[i + 1 :], strict=True)
    body = [(n, r) for n, r in below if any(r)]
    if not body:
        raise InputError.one(
            "the file has a header but no data rows",
            "export the responses again; the data rows are missing",
            file=name,
            row=table.numbers[i],
        )
    return _Table(header, [r for _, r in body], [n for n, _ in body], header_row=table.numbers[i])


def _read_sav(p: Path, name: str, spec: _Spec) -> tuple[_Table, str | None]:
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
        if spec.canonical(str(col)) in spec.variables and col in labels:
            lab = {_cell(k): v for k, v in labels[col].items()}
            df[col] = [lab.get(_cell(v), v) for v in df[col]]
    return _frame_table(df), meta.file_encoding


def _read_parquet(raw: bytes, name: str) -> _Table:
    try:
        df = pd.read_parquet(_io.BytesIO(raw))
    except Exception as exc:  # pyarrow raises ArrowInvalid and others
        raise InputError.one(
            f"not a readable Parquet file ({exc.__class__.__name__})",
            "write the file again with pandas.DataFrame.to_parquet or pyarrow",
            file=name,
        ) from None
    return _frame_table(df)


def _frame_table(df: pd.DataFrame) -> _Table:
    cols = [[_cell(v) for v in df[c].astype(object)] for c in df.columns]
    rows = [list(r) for r in zip(*cols, strict=True)] if cols else [[] for _ in range(len(df))]
    body = [(n, r) for n, r in enumerate(rows, start=1) if any(r)]
    return _Table([_cell(c) for c in df.columns], [r for _, r in body], [n for n, _ in body])


# --------------------------------------------------------------------------- validation


@dataclass
class _Found:
    """A problem in one data row (``pos`` indexes the table's rows) and the check it failed."""

    pos: int
    check: str
    problem: Problem
    listed: bool = True


class _Checker:
    """Turns text columns into typed ones, collecting a problem for every bad cell."""

    def __init__(self, name: str, numbers: list[int]) -> None:
        self.name = name
        self.numbers = np.asarray(numbers)
        self.found: list[_Found] = []

    def flag(
        self, mask: Iterable[bool], col: str, text: pd.Series, check: str, what: str, fix: str
    ) -> None:
        for pos in np.flatnonzero(np.asarray(mask, dtype=bool)):
            value = text.iloc[pos] or None  # a blank cell has no value worth quoting
            p = Problem(what, fix, self.name, int(self.numbers[pos]), col, value)
            self.found.append(_Found(int(pos), check, p))

    def numbers_of(self, text: pd.Series, col: str, fix: str) -> pd.Series:
        """Float values; blank -> NaN; flags text that is not a number."""
        num = pd.to_numeric(text.where(text != ""), errors="coerce").astype("float64")
        self.flag(num.isna() & (text != ""), col, text, "not_numeric", "not a number", fix)
        return num

    def integers(
        self,
        text: pd.Series,
        col: str,
        allowed: set[int] | None,
        fix: str,
        lo: int | None = None,
        hi: int | None = None,
        what: str = "not a valid answer",
    ) -> pd.Series:
        """Nullable integer codes; flags non-numbers, fractions and codes not allowed."""
        num = self.numbers_of(text, col, fix)
        ok = num.notna()
        frac = ok & ~np.isclose(num.fillna(0) % 1, 0) | ok & ~np.isfinite(num)
        self.flag(frac, col, text, "not_whole_number", "not a whole number", fix)
        whole = ok & ~frac
        bad = pd.Series(False, index=text.index)
        if allowed is not None:
            bad |= whole & ~num.isin(sorted(allowed))
        if lo is not None:
            bad |= whole & (num < lo)
        if hi is not None:
            bad |= whole & (num > hi)
        self.flag(bad, col, text, "invalid_code", what, fix)
        out = num.where(whole & ~bad).round()
        return out.astype("Int64")

    def required(self, text: pd.Series, col: str, what: str, fix: str) -> None:
        self.flag(text == "", col, text, "missing_value", what, fix)


def _codes_text(codes: Iterable[Any]) -> str:
    return ", ".join(str(c) for c in codes)


def _validate(
    table: _Table, name: str, spec: _Spec, on_error: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    inst = spec.inst
    header = [spec.canonical(h) for h in table.header]
    for h, c in zip(table.header, header, strict=True):
        if c != h:
            log.info("%s: column %r read as %r", name, h, c)
    _check_header(header, name, spec, table.header_row)

    chk = _Checker(name, table.numbers)
    width = max([len(header), *(len(r) for r in table.rows)])
    padded = [r if len(r) == width else r + [""] * (width - len(r)) for r in table.rows]
    cells = list(zip(*padded, strict=True))
    unnamed = [j for j in range(width) if j >= len(header) or not header[j]]
    stray: dict[int, int] = {}  # row position -> first column with a value but no name
    for j in unnamed:
        for pos in np.flatnonzero(np.asarray(cells[j], dtype=object) != ""):
            stray.setdefault(int(pos), j)
    for pos, j in sorted(stray.items()):  # e.g. a separator inside an unquoted value
        p = Problem(
            f"a value in column {j + 1}, which has no name in the header row",
            "delete the stray value, quote a value holding the separator, or name the column",
            name,
            table.numbers[pos],
            None,
            cells[j][pos],
        )
        chk.found.append(_Found(pos, "stray_value", p))
    cols = {c: pd.Series(cells[j], dtype=object) for j, c in enumerate(header) if c}

    scale_codes = set(range(inst.scale_min, inst.scale_max + 1)) | set(inst.missing_codes)
    kinds = {"dont_know": "don't know", "no_answer": "no answer"}
    missing_txt = ", ".join(f"{k} ({kinds[v]})" for k, v in sorted(inst.missing_codes.items()))
    scale_fix = f"use {inst.scale_min}–{inst.scale_max}, {missing_txt}, or leave the cell blank"
    design = spec.design
    out: dict[str, pd.Series] = {}
    for col, text in cols.items():
        if col in spec.filled:
            what = "respondent ID is blank" if col == spec.id else f"{col} is blank"
            chk.required(text, col, what, f"give every row its {col}")
        if col in spec.scale:
            out[col] = chk.integers(text, col, scale_codes, scale_fix)
        elif col in spec.assessment:
            a = spec.assessment[col]
            if a.get("type") == "count":
                lo, hi = a.get("min"), a.get("max")
                fix = f"give a whole number from {lo} to {hi}, or leave the cell blank"
                out[col] = chk.integers(text, col, None, fix, lo, hi, what="count out of range")
            else:
                codes = {int(k) for k in a.get("codes", {})}
                allowed = codes | set(inst.missing_codes)
                fix = f"use one of {_codes_text(sorted(allowed))}, or leave the cell blank"
                out[col] = chk.integers(text, col, allowed, fix)
        elif col in spec.expectations:
            fix = "use 1 (chosen) or 0 (not chosen), or leave the cell blank"
            out[col] = chk.integers(text, col, {0, 1}, fix, what="not 0 or 1")
        elif col == design.get("responded"):
            fix = "use 1 (responded) or 0 (did not respond)"
            chk.required(text, col, "response flag is blank", fix)
            out[col] = chk.integers(text, col, {0, 1}, fix, what="not 0 or 1")
        elif col == design.get("weight"):
            fix = "give a positive weight (a number above 0), or exclude the row"
            chk.required(text, col, "weight is blank", fix)
            num = chk.numbers_of(text, col, fix)
            bad = num.notna() & ~(np.isfinite(num) & (num > 0))
            chk.flag(bad, col, text, "invalid_weight", "weight is not positive and finite", fix)
            out[col] = num.where(~bad)
        elif col in (design.get("strata"), design.get("psu")):
            role = "stratum" if col == design.get("strata") else "PSU"
            chk.required(text, col, f"{role} is blank", f"give every row its {role}")
            out[col] = _text(text)
        elif col in spec.lookups:
            lookup = spec.lookups[col]
            codes = {s: lookup.get(_text_key(s)) if s else "" for s in text.unique()}
            mapped = text.map(codes)
            chk.flag(
                mapped.isna(),
                col,
                text,
                "unknown_category",
                f"not a code of {col}",
                f"use one of {_codes_text(spec.variables[col]['codes'])} (or their Vietnamese "
                "or English labels), or leave the cell blank",
            )
            out[col] = _text(mapped.fillna(""))
        elif col in spec.filled or col in spec.variables or col in spec.personal:
            out[col] = _text(text)
        else:
            out[col] = _extra_column(text)
    _check_ids(cols[spec.id].rename(spec.id), chk, name)

    order = {c: j for j, c in enumerate(header)}
    found = sorted(
        chk.found,
        key=lambda f: (f.problem.row, -1 if f.problem.column is None else order[f.problem.column]),
    )
    if on_error == "raise":
        listed = [f.problem for f in found if f.listed]
        if listed:
            raise InputError(listed)
    by_pos: dict[int, list[_Found]] = {}
    for f in found:
        by_pos.setdefault(f.pos, []).append(f)
    bad = sorted(by_pos)
    ids = cols[spec.id]
    account = pd.DataFrame(
        {
            "row": pd.Series([int(chk.numbers[i]) for i in bad], dtype="int64"),
            "respondent_id": _text(pd.Series([ids.iloc[i] for i in bad], dtype=object)),
            "check": pd.Series(
                [", ".join(dict.fromkeys(f.check for f in by_pos[i])) for i in bad], dtype="str"
            ),
            "reason": pd.Series(
                ["; ".join(_reason(f.problem) for f in by_pos[i]) for i in bad], dtype="str"
            ),
        }
    )
    data = pd.DataFrame(out, index=pd.RangeIndex(len(table.rows)))
    if bad:
        data = data.drop(index=bad).reset_index(drop=True)
    return data, account


def _check_header(header: list[str], name: str, spec: _Spec, header_row: int | None) -> None:
    """Raise for duplicated column names and missing required columns."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for j, c in enumerate(header):
        if c and c in seen:
            problems.append(
                Problem(
                    f"two columns are called {c!r} (columns {seen[c] + 1} and {j + 1})",
                    "rename or delete one of them",
                    name,
                    header_row,
                    c,
                )
            )
        seen.setdefault(c, j)
    columns = [c for c in header if c]
    unknown = [c for c in columns if c not in spec.known]
    for c in spec.forced:
        if c not in seen:
            near = difflib.get_close_matches(c, columns, n=3)
            problems.append(
                Problem(
                    f"the column {c!r} you named is not in the file",
                    f"check the spelling (the file has {', '.join(map(repr, near))})"
                    if near
                    else f"name one of the file's columns: {', '.join(columns)}",
                    name,
                    header_row,
                )
            )
    missing = [c for c in spec.required if c not in seen and c not in spec.forced]
    if missing:
        many = len(missing) > 1
        near = [(c, difflib.get_close_matches(c, unknown, n=1)) for c in missing]
        hints = "; ".join(f"is {m[0]!r} meant to be {c!r}?" for c, m in near if m)
        problems.append(
            Problem(
                f"required column{'s' if many else ''} missing: {', '.join(missing)}",
                f"add {'them' if many else 'it'} to the file, named as in the instrument "
                f"{spec.inst.name!r}" + (f" ({hints})" if hints else ""),
                name,
                header_row,
            )
        )
    if problems:
        raise InputError(problems)


def _check_ids(ids: pd.Series, chk: _Checker, name: str) -> None:
    """Flag every copy of a duplicated respondent id; each later copy names the first row."""
    fix = "give each respondent a unique ID, or delete the repeated row"
    col = ids.name if isinstance(ids.name, str) else None
    dup = ids.duplicated(keep=False) & (ids != "")
    for value, idx in ids[dup].groupby(ids[dup], sort=False).groups.items():
        rows = [int(chk.numbers[i]) for i in idx]
        for i, r in zip(idx[1:], rows[1:], strict=True):
            what = f"respondent ID duplicated: rows {rows[0]} and {r} hold the same ID"
            p = Problem(what, fix, name, r, col, value)
            chk.found.append(_Found(int(i), "duplicate_id", p))
        # the first copy is excluded too (the file cannot tell which copy is genuine); it is
        # not listed again in a raised error, whose later copies name it already
        what = f"respondent ID duplicated (rows {', '.join(map(str, rows))})"
        p = Problem(what, fix, name, rows[0], col, value)
        chk.found.append(_Found(int(idx[0]), "duplicate_id", p, listed=False))


def _text(s: pd.Series) -> pd.Series:
    """Text with blanks as missing, in pandas' string dtype."""
    return s.where(s != "").astype("str")


def _reason(p: Problem) -> str:
    where = f"{p.column}: " if p.column else ""
    value = "" if p.value is None else f" (value {p.value!r})"
    return f"{where}{p.what}{value}"


def _extra_column(text: pd.Series) -> pd.Series:
    """A column the instrument does not know: numbers when every value is one, else text."""
    filled = text[text != ""]
    num = pd.to_numeric(filled, errors="coerce")
    leading_zero = filled.str.match(r"^-?0\d").any()
    if len(filled) and num.notna().all() and not leading_zero:
        return pd.to_numeric(text.where(text != ""), errors="coerce").astype("float64")
    return _text(text)
