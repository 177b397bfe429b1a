"""Read and validate survey response files against an instrument.

:func:`read_responses` reads a CSV, XLSX, SPSS ``.sav`` or Parquet file, checks every cell against
the instrument (``govsurvey/instruments/*.yaml``) and returns a :class:`Responses`: the analysis
frame (one row per respondent), the coded answers as given, and an account of every row read —
kept, kept with some answers set missing, or excluded — with its file row number and the reason.

How values come out
-------------------
- ``resp.data`` / ``resp.respondents`` are the **analysis frame**: scale items (the criteria and
  ``overall``), assessment items and expectation options are nullable integers (``Int64``)
  holding valid answers only. Don't-know and no-answer (the instrument's missing codes, 8 and 9),
  blank cells and answers the reader could not read are ``<NA>``, so no estimator ever sees a
  missing code as a score: ``gs.Design(resp.respondents, ...).mean("C1_1")`` is the mean of the
  1–5 answers.
- ``resp.codes`` holds the same coded columns **as answered** (8 and 9 kept), one row per row of
  ``resp.data``, for data-quality work (how often was "don't know" said, by whom).
- A cell may hold a code or its label: the scale's labels (``Hài lòng`` -> 4), the missing codes'
  labels (``Không biết / không áp dụng`` -> 8, and each part of it alone: ``Không biết``,
  ``Không áp dụng``), a choice item's labels (its own first: in ``apology`` "Không áp dụng" is
  its code 0), and a categorical variable's code or Vietnamese or English label. Case, blanks,
  the kind of dash, blanks around a slash, Unicode normal form and missing accents do not matter
  (``khong biet``). SPSS value labels are applied first.
- A workbook written by :func:`~govsurvey.io.write_template` is read from its data sheet, its
  help sheets skipped wherever they are; one written for another instrument is refused.
- Categorical variables (field, level, mode, sex, …) are strings holding the instrument's codes.
  Free text (district, ward, personal fields, the id) is NFC-normalised, stripped text.
  Windows-1258 files spell tones with combining marks; after NFC they compare equal to UTF-8 text.
- The base weight is a float; stratum and PSU are text labels. Other columns are kept: as floats
  when every value is a number (and none has a leading zero, which marks a code such as
  ``"017"``), otherwise as text.
- Rows in which every cell is blank, and rows above the header, are skipped and not counted.

What a problem costs
--------------------
With ``on_error="raise"`` (the default) any problem raises one :class:`~govsurvey.InputError`
listing them all. With ``on_error="exclude"``:

- a problem in an identifying or design column (the id, a required column such as ``district``,
  ``responded``, the weight, stratum, PSU) or in the row's shape (short, cut, a stray value, a
  NUL byte there) excludes the row: it is listed in ``resp.account``;
- a problem in an answer or an optional coded variable (``abc`` or a misspelt label typed where
  a code is expected, a formula without a saved value) makes **that answer** missing; the row is
  kept and the cell listed in ``resp.cell_account``. ``resp.problems`` holds every problem with
  its fix (in English and Vietnamese) and what it cost.

Required columns of a response file (sipas-2017)
-------------------------------------------------
Required: ``respondent_id`` (filled, unique), the 22 criteria ``C1_1`` … ``C5_4`` and ``overall``
(a blank answer is allowed), and ``district`` (filled). Optional, checked when present:
``responded`` (0/1), ``base_weight`` (positive), ``stratum``, ``psu`` (filled when the column is
there), ``ward``, ``field``, ``level``, ``mode``, ``sex``, ``age_group``, ``education``,
``occupation``, ``ethnicity``, ``area``, the assessment items ``trips``, ``late_result``,
``apology``, ``harassment``, ``informal_payment``, the expectation options ``exp_*``, and the
personal fields ``full_name``, ``phone``, ``address``, ``id_number`` (read, never published).
:func:`govsurvey.io.write_template` writes a workbook with these columns.

Speed
-----
A regular CSV (every row as wide as the header) is parsed by pyarrow into typed columns and
checked column by column with array operations; only failing cells become messages. On the
embedded data tiled to 1,000,000 rows (225 MB) ``read_responses`` takes about 2.8 s and 1.7 GB
against ``pandas.read_csv``'s 0.7 s and 1.2 GB (``bench/reading.py``). A file with irregular
rows (short, long, NUL bytes) is read record by record so that each can be named: correct, but
about fifteen times slower (about 10 s for 200,000 rows).

Row numbers are those a person sees in the file: in a CSV the header is row 1, so the first data row
is row 2 (a row is a CSV record, as a spreadsheet shows it); in a spreadsheet, the sheet's own row
number (a title block above the header is allowed); in ``.sav`` and Parquet files, the case number
counting from 1.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from ..config.instrument import Instrument, load_instrument
from ..errors import InputError, Problem, message_language
from . import formats
from .formats import HEADER_SEARCH_ROWS, Table
from .template import TITLE_PREFIX, is_help_sheet, template_instrument
from .validate import CELL_ACCOUNT_COLUMNS, ColumnSpec, validate

__all__ = ["Responses", "Source", "file_sha256", "read_responses", "valid_scale"]

log = logging.getLogger(__name__)


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
        The analysis frame: one row per respondent kept (non-respondents included, flagged by
        ``responded == 0``), columns in file order. Missing codes (8, 9), blanks and unreadable
        answers are ``<NA>``; see the module docstring.
    codes : pandas.DataFrame
        The coded answers (scale, assessment and expectation columns) as answered, missing codes
        kept, aligned with ``data`` (same rows, same index).
    account : pandas.DataFrame
        One row per excluded file row: ``row`` (as numbered in the file), ``respondent_id``,
        ``check`` (short names of the checks it failed, e.g. ``"duplicate_id"``) and ``reason``
        (what is wrong, column by column). Empty when nothing was excluded.
    cell_account : pandas.DataFrame
        One row per cell of a kept row that the reader set missing or rewrote: ``row``,
        ``respondent_id``, ``column``, ``check``, ``action`` (``"set missing"``, or
        ``"spelling unified"`` for a label spelled another way) and ``reason``.
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
    >>> r = gs.read_responses("data/synthetic/responses.csv")
    >>> r.n_read == r.n_kept + r.n_excluded
    True
    >>> int(r.codes["C5_3"].eq(8).sum()) > 0, int(r.data["C5_3"].eq(8).sum())
    (True, 0)
    """

    data: pd.DataFrame
    account: pd.DataFrame
    n_read: int
    source: Source
    instrument: Instrument = field(repr=False)
    personal_columns: list[str] = field(default_factory=list)
    codes: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    cell_account: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=CELL_ACCOUNT_COLUMNS), repr=False
    )
    #: every problem found, in file order, with its cost ("excluded", "set missing" or
    #: "spelling unified"), each with its fix, in English and Vietnamese
    problems: list[tuple[Problem, str]] = field(default_factory=list, repr=False)

    def __repr__(self) -> str:
        return (
            f"Responses({self.source.path!r}, instrument={self.instrument.name!r}, "
            f"read={self.n_read}, kept={self.n_kept}, excluded={self.n_excluded}, "
            f"answers_set_missing={len(self.cell_account)}, "
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

    @property
    def respondent_codes(self) -> pd.DataFrame:
        """:attr:`codes` of the rows in :attr:`respondents` (8 and 9 kept), e.g. for response
        styles and don't-know rates."""
        return self.codes.loc[self.respondents.index]

    def summary(self) -> pd.DataFrame:
        """The row account as a small table.

        Returns
        -------
        pandas.DataFrame
            Columns ``item`` and ``rows``: ``read`` and ``kept``, then one line per check that
            excluded rows (``excluded: <check>``; a row failing several counts under each), then
            one per check that changed cells of kept rows (``kept, set missing: <check>`` or
            ``kept, spelling unified: <check>``, counting rows); then, with a response column,
            the ``respondents`` and ``nonrespondents`` among the kept rows (without one, every
            kept row is a returned form: ``respondents (no response column)``).

        Examples
        --------
        >>> import govsurvey as gs
        >>> gs.read_responses("data/synthetic/responses.csv").summary()
                     item  rows
        0            read  7400
        1            kept  7400
        2     respondents  4458
        3  nonrespondents  2942
        """
        lines = [("read", self.n_read), ("kept", self.n_kept)]
        if self.n_excluded:
            counts = self.account["check"].str.split(", ").explode().value_counts(sort=False)
            lines += [(f"excluded: {k}", int(v)) for k, v in counts.items()]
        if len(self.cell_account):
            per = self.cell_account.drop_duplicates(["row", "check"])
            counts = per.groupby(["action", "check"], sort=False).size()
            lines += [(f"kept, {a}: {k}", int(v)) for (a, k), v in counts.items()]
        flag = self.instrument.design_columns.get("responded")
        answered = len(self.respondents)
        if flag is not None and flag in self.data.columns:
            lines += [("respondents", answered), ("nonrespondents", self.n_kept - answered)]
        else:
            lines += [("respondents (no response column)", answered)]
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
        ``"exclude"``: a row with a problem in an identifying or design column, or in its
        shape, is dropped and listed in ``account``; a problem in an answer makes that answer
        missing (listed in ``cell_account``); problems with the whole file (not found,
        unreadable, required column missing, an unclosed quote, …) still raise.

    Returns
    -------
    Responses
        ``.data`` (the analysis frame), ``.respondents``, ``.codes`` (answers as coded),
        ``.account`` (excluded rows), ``.cell_account`` (answers set missing), ``.n_read``,
        ``.n_kept``, ``.source``, ``.personal_columns``.

    Raises
    ------
    InputError
        Naming file, row, column, value, what is wrong and how to fix it, for every problem.

    Notes
    -----
    The checks: required columns present (the id column, the 22 criteria, ``overall`` and the
    instrument's ``required_columns``); every row as wide as the header (a short row, a last row
    cut mid-line and a value beyond the header are reported by row); quotes closed; no NUL
    bytes; answers within the scale or the missing codes; assessment and expectation items
    within their codes; categorical values among the instrument's codes or labels; respondent ids
    present and unique, and no two ids the same number written differently (``1``, ``01``,
    ``1.0``); ``responded`` 0 or 1; weights positive and finite; stratum and PSU present when
    their column is; a district, ward, stratum or PSU label spelled two ways that differ only by
    case or spacing (each cell is reported and read as the most frequent spelling).

    Examples
    --------
    >>> import govsurvey as gs
    >>> r = gs.read_responses("data/synthetic/responses.csv")
    >>> r.data[["respondent_id", "C1_1", "overall"]].dtypes.astype(str).tolist()
    ['str', 'Int64', 'Int64']
    """
    if on_error not in ("raise", "exclude"):
        raise InputError.one(
            f"on_error must be 'raise' or 'exclude', not {on_error!r}",
            "pass on_error='raise' (stop at any problem) or 'exclude' (drop and account)",
        )
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    name = str(path)
    p = Path(path)
    fmt = formats.format_of(p, name)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError.one(
            f"the file cannot be read ({exc.strerror or exc.__class__.__name__})",
            "check that you may read it and that no other program holds it locked",
            file=name,
        ) from None
    spec = ColumnSpec(inst, id_column=id_column, weight=weight)

    def locate(rows: list[list[str]]) -> int:
        return _locate_header(rows, name, spec)

    if fmt == "csv":
        if sheet is not None:
            log.warning("sheet=%r ignored: %s is a CSV file", sheet, name)
        table, enc = formats.read_csv(
            raw,
            name,
            encoding,
            "\t" if p.suffix.lower() == ".tsv" else None,
            locate,
            spec.canonical,
            spec.column_kinds,
        )
        source = Source(name, fmt, "", encoding=enc, header_row=table.header_row)
        if not len(table):
            _no_rows(name, table.header_row)
    elif fmt == "xlsx":
        records, sheet_name, formulas, props = formats.read_xlsx(
            raw, name, sheet, lambda head: _data_sheet(head, spec)
        )
        _same_instrument(template_instrument(props), inst, name)
        table = _sheet_table(records, formulas, name, locate)
        source = Source(name, fmt, "", sheet=sheet_name, header_row=table.header_row)
    elif fmt == "sav":
        table, enc = formats.read_sav(p, name, set(spec.lookups), spec.canonical)
        source = Source(name, fmt, "", encoding=enc)
    else:
        table = formats.read_parquet(raw, name)
        source = Source(name, fmt, "")

    if not len(table):
        raise InputError.one(
            "the file has columns but no data rows",
            "export the responses again; the data rows are missing",
            file=name,
        )
    # the checksum runs in a thread while the columns are checked (hashlib releases the GIL;
    # the parse before uses both cores already)
    digest = hashlib.sha256()
    hasher = threading.Thread(target=digest.update, args=(raw,), daemon=True)
    hasher.start()
    try:
        checked = validate(table, name, spec, on_error)
    finally:
        hasher.join()
    source = dataclasses.replace(source, sha256=digest.hexdigest())
    personal = [c for c in inst.personal_columns if c in checked.data.columns]
    vi = message_language() == "vi"
    if personal:
        log.info("%s holds personal fields %s: kept, never to be published", name, personal)
    if len(checked.account):
        log.warning(
            "%s: loại %d trên %d dòng" if vi else "%s: %d of %d rows excluded",
            name,
            len(checked.account),
            len(table),
        )
    actions = checked.cell_account["action"]
    lost = int((actions == "set missing").sum())
    if lost:
        log.warning(
            "%s: %d câu trả lời coi là thiếu, các dòng vẫn giữ"
            if vi
            else "%s: %d answer(s) set missing, rows kept",
            name,
            lost,
        )
    if len(actions) > lost:
        log.info("%s: %d cell(s) read with their spelling unified", name, len(actions) - lost)
    if not len(checked.data):
        log.warning("%s: không giữ được dòng nào" if vi else "%s: no rows kept", name)
    return Responses(
        checked.data,
        checked.account,
        len(table),
        source,
        inst,
        personal,
        codes=checked.codes,
        cell_account=checked.cell_account,
        problems=checked.problems,
    )


def _locate_header(rows: list[list[str]], name: str, spec: ColumnSpec) -> int:
    first = rows[0][0] if rows and rows[0] else ""
    if first.startswith(TITLE_PREFIX):  # the template's data sheet (or its CSV export)
        title = first.removeprefix(TITLE_PREFIX).strip()
        own = spec.inst.spec.title.vi if spec.inst.spec and spec.inst.spec.title else None
        if own is not None and title != own.strip():
            _same_instrument(title, spec.inst, name)
    marks = {spec.id, *spec.scale}
    top = rows[:HEADER_SEARCH_ROWS]
    i = next((k for k, r in enumerate(top) if marks.intersection(map(spec.canonical, r))), None)
    if i is None:
        raise InputError.one(
            f"no header row found: none of the first {HEADER_SEARCH_ROWS} rows names the id "
            f"column {spec.id!r} or a criterion column ({spec.scale[0]}, {spec.scale[1]}, …)",
            "put a header row of column names above the data, spelled as in the instrument",
            file=name,
            what_vi=f"không tìm thấy dòng tiêu đề: không dòng nào trong {HEADER_SEARCH_ROWS} "
            f"dòng đầu có cột mã phiếu {spec.id!r} hay cột tiêu chí ({spec.scale[0]}, "
            f"{spec.scale[1]}, …)",
            fix_vi="đặt một dòng tên cột phía trên dữ liệu, viết như trong bộ câu hỏi (hoặc "
            "nhập phiếu vào mẫu của `govsurvey template`)",
        )
    return i


def _data_sheet(head: list[list[str]], spec: ColumnSpec) -> int:
    """How much the first rows of a worksheet look like a response table: 2 for a header row
    naming a criterion, 1 for one naming only the id column (a list of contacts, say), 0 for
    none or one of the template's help sheets."""
    first = next((r for r in head if any(r)), [])
    if is_help_sheet(first):
        return 0
    names = [set(map(spec.canonical, r)) for r in head]
    if any(n.intersection(spec.scale) for n in names):
        return 2
    return int(any(spec.id in n for n in names))


def _same_instrument(written_for: str | None, inst: Instrument, name: str) -> None:
    """Refuse a data-entry template written for another instrument."""
    if written_for is None or written_for == inst.name:
        return
    raise InputError.one(
        f"this workbook is the data-entry template of instrument {written_for!r}, not of "
        f"{inst.name!r}: its columns are another questionnaire's",
        f"read it with instrument {written_for!r} (--instrument {written_for}, or instrument: "
        f"in the parameters), or enter the forms in a template made with `govsurvey template "
        f"--instrument {inst.name}`",
        file=name,
        what_vi=f"bảng tính này là mẫu nhập liệu của bộ câu hỏi {written_for!r}, không phải "
        f"{inst.name!r}: các cột của nó là của bộ câu hỏi khác",
        fix_vi=f"đọc nó với bộ câu hỏi {written_for!r} (--instrument {written_for}, hoặc "
        f"instrument: trong tệp tham số), hoặc nhập phiếu vào mẫu tạo bằng `govsurvey template "
        f"--instrument {inst.name}`",
    )


def _no_rows(name: str, header_row: int | None) -> None:
    raise InputError.one(
        "the file has a header but no data rows",
        "export the responses again; the data rows are missing",
        file=name,
        row=header_row,
        what_vi="tệp có dòng tiêu đề nhưng không có dòng dữ liệu nào",
        fix_vi="nhập phiếu từ dòng ngay dưới tiêu đề, hoặc xuất lại tệp",
    )


def _sheet_table(
    records: list[list[str]], formulas: set[tuple[int, int]], name: str, locate
) -> Table:
    """The rows under the header of a worksheet, with formula cells that have no value."""
    i = locate(records)
    header = list(records[i])
    body = [(k, r) for k, r in enumerate(records[i + 1 :], start=i + 1) if any(r)]
    if not body:
        _no_rows(name, i + 1)
    table = formats.table_from_rows([r for _, r in body], [k + 1 for k, _ in body], header, i + 1)
    where = {k: pos for pos, (k, _) in enumerate(body)}
    for k, j in sorted(formulas):
        if k in where:
            table.cells.append(
                formats.CellIssue(
                    where[k],
                    j,
                    "formula_without_value",
                    "a formula whose result was never saved in the file (the program that "
                    "wrote it does not calculate), so its value is unknown",
                    "open the file in Excel or LibreOffice and save it (or paste the values)",
                    what_vi="công thức chưa được lưu kết quả trong tệp (chương trình ghi tệp "
                    "không tính công thức), nên không biết giá trị",
                    fix_vi="mở tệp bằng Excel hoặc LibreOffice rồi lưu lại (hoặc dán giá trị)",
                )
            )
    return table


def valid_scale(
    data: pd.DataFrame | Responses, instrument: str | Path | Instrument | None = None
) -> pd.DataFrame:
    """The scale answers (criteria and overall) as floats, NaN where not a valid answer.

    Don't-know and no-answer codes (8, 9) and blank cells become NaN, so a criterion rate is the
    (weighted) share of the non-NaN values that are satisfied. (The analysis frame of
    :func:`read_responses` holds them as missing already; this also accepts coded frames.)

    Parameters
    ----------
    data : pandas.DataFrame or Responses
        Responses as :func:`read_responses` returns them, or a frame of coded answers.
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
    >>> from govsurvey.config import load_instrument
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
        raise InputError.one(
            f"data lack the scale columns {missing} of instrument {inst.name!r}",
            "pass the frame read_responses returns, or name the instrument the data answer",
        )
    out = data[inst.scale_columns].apply(pd.to_numeric, errors="coerce").astype("float64")
    return out.where((out >= inst.scale_min) & (out <= inst.scale_max))
