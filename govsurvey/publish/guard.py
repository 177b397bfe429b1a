"""The publication guard: what a report may show, and a check that no personal value got out.

:class:`Publisher` is what a notebook publishes through. It

- refuses personal columns and columns that are not the instrument's coded domains;
- suppresses the figures of cells with fewer than ``min_cell`` respondents (*primary*
  suppression) and then enough other cells that no suppressed figure can be recovered from
  the published ones (*complementary* suppression, see :func:`suppress`);
- refuses infinite figures (weights whose sums overflow);
- records every headline figure at full precision for ``govsurvey verify``; suppressed cells
  are left out of the record entirely (no label, no figure), only their count is kept.

:func:`personal_values` collects every personal value of every row of a responses file (kept
or excluded) and :func:`scan_personal` looks for them in every file of a run folder.
"""

from __future__ import annotations

import csv
import html
import io
import json
import logging
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..io.template import is_help_sheet
from ..io.validate import ColumnSpec

__all__ = [
    "LONG",
    "MIN_DIGITS",
    "common_words",
    "digit_key",
    "Leak",
    "PersonalValues",
    "Publisher",
    "personal_values",
    "scan_personal",
    "suppress",
]

log = logging.getLogger(__name__)

#: Columns that identify a cell (kept on a suppressed row); every other column is a figure.
_KEYS = {"level", "code", "variable", "category"}
#: Text columns that results carry besides their keys (blanked on a suppressed row).
_RESULT_TEXT = {"label", "verdict", "note", "method", "unit", "reading", "direction", "status"}
#: Personal values this long or longer are searched as whole words anywhere in the text;
#: shorter ones only as whole cells (a table cell, a JSON string, a CSV field).
LONG = 6


# --------------------------------------------------------------------------- suppression


def _component_of(instrument: Any) -> dict[str, str]:
    """criterion code -> component code, component code -> "SIPAS"."""
    out: dict[str, str] = {}
    for comp in instrument.components:
        out[comp.code] = "SIPAS"
        for c in comp.criteria:
            out[c.code] = comp.code
    return out


def _relations(frame: pd.DataFrame, by: list[str], parent_of: dict[str, str]) -> np.ndarray:
    """Pairs (relation id, row) of the linear relations that tie the published figures.

    An index frame: each component with its criteria, the overall index with its components
    (within each domain), and each figure across the values of each domain (the total,
    published elsewhere, is their weighted mean). Other frames: each variable across domains.
    """
    n = len(frame)
    rows = np.arange(n)
    keys: list[pd.Series] = []
    members: list[np.ndarray] = []
    if "code" in frame.columns:
        code = frame["code"].astype(str)
        dom = (
            frame[by].astype(str).agg("\x1f".join, axis=1)
            if by
            else pd.Series([""] * n, index=frame.index)
        )
        parent = code.map(parent_of)
        # a parent row belongs to its own relation; a child to its parent's
        is_parent = code.isin(set(parent_of.values()))
        own = dom + "\x1e" + code
        keys += [("p\x1e" + own)[is_parent], ("p\x1e" + dom + "\x1e" + parent)[parent.notna()]]
        members += [rows[is_parent.to_numpy()], rows[parent.notna().to_numpy()]]
        item = ["code"]
    else:
        item = [c for c in ("variable", "category") if c in frame.columns]
    for b in by:
        rest = [c for c in by if c != b] + item
        if not rest:
            continue
        k = "d\x1e" + b + "\x1e" + frame[rest].astype(str).agg("\x1f".join, axis=1)
        keys.append(k)
        members.append(rows)
    if not keys:
        return np.empty((0, 2), dtype=np.int64)
    allkeys = pd.concat(keys, ignore_index=True)
    ids = pd.factorize(allkeys)[0]
    return np.column_stack([ids, np.concatenate(members)])


def suppress(
    frame: pd.DataFrame,
    min_cell: int,
    by: list[str] | None = None,
    instrument: Any = None,
) -> np.ndarray:
    """Which rows of a result frame to suppress: primary, then complementary suppression.

    A row is suppressed when its ``n`` is below ``min_cell`` but above 0: a cell with no valid
    answer (``n`` 0) has no figure to protect, so it is neither suppressed nor counted in the
    relations below (its figure is missing: not estimated). Then, as long as some linear
    relation among published figures has exactly one suppressed member, the published member
    with the smallest ``n`` is suppressed too, so that no suppressed figure can be solved from
    one relation. The relations: a component and its criteria, the overall index and its
    components (each within its domain; these are weighted means), and each figure across the
    values of a domain (the total is their weighted mean). Several relations combined could in
    principle still narrow a value down; one relation alone never gives it.

    Parameters
    ----------
    frame : DataFrame
        A result frame with an ``n`` column (e.g. from :func:`govsurvey.sipas_index`).
    min_cell : int
        Smallest ``n`` whose figures are published.
    by : list of str, optional
        The domain columns of the frame.
    instrument : Instrument, optional
        Gives the component of each criterion (needed for index frames).

    Returns
    -------
    numpy.ndarray of bool
        One flag per row.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> inst = gs.load_instrument("sipas-2017")
    >>> f = pd.DataFrame({"level": ["criterion"] * 4 + ["component"],
    ...                   "code": ["C1.1", "C1.2", "C1.3", "C1.4", "C1"],
    ...                   "estimate": [90.0, 80, 70, 60, 75], "n": [100, 12, 90, 95, 120]})
    >>> suppress(f, 30, instrument=inst).tolist()    # C1.2 is small; C1.3 goes with it
    [False, True, True, False, False]
    >>> suppress(f.assign(n=[100, 0, 90, 95, 120]), 30, instrument=inst).tolist()  # no answer
    [False, False, False, False, False]
    """
    by = list(by or [])
    n = pd.to_numeric(frame["n"], errors="coerce").to_numpy(dtype=float)
    empty = n == 0
    s = (n < min_cell) & ~empty  # NaN compares False: a cell of unknown size is not suppressed
    if not s.any() or len(frame) < 2:
        return s
    parent_of = _component_of(instrument) if instrument is not None else {}
    if "code" in frame.columns and not parent_of:
        codes = frame["code"].astype(str)
        parent_of = {c: (c.split(".")[0] if "." in c else "SIPAS") for c in codes if c != "SIPAS"}
    pairs = _relations(frame, by, parent_of)
    if not len(pairs):
        return s
    rel, row = pairs[:, 0], pairs[:, 1]
    nrel = int(rel.max()) + 1
    order_n = np.where(np.isnan(n), np.inf, n)
    for _ in range(len(frame)):
        hidden = np.bincount(rel, weights=s[row].astype(float), minlength=nrel)
        shown = np.bincount(rel, weights=(~s[row] & ~empty[row]).astype(float), minlength=nrel)
        need = (hidden == 1) & (shown >= 1)
        if not need.any():
            break
        cand = need[rel] & ~s[row] & ~empty[row]
        r, w = rel[cand], row[cand]
        order = np.lexsort((w, order_n[w], r))
        r, w = r[order], w[order]
        first = np.r_[True, r[1:] != r[:-1]]
        s[w[first]] = True
    return s


# --------------------------------------------------------------------------- Publisher


@dataclass
class Publisher:
    """What a notebook publishes through: guards tables and records headline figures.

    Parameters
    ----------
    instrument : Instrument or str
        Its personal columns are refused in any published table; only its coded domains may
        label the rows of one.
    min_cell : int
        Figures of cells with fewer respondents (``n``) are suppressed, and enough others that
        none can be recovered (see :func:`suppress`).
    output_dir : str
        Where :meth:`record` writes ``figures-<notebook>.json``; empty to record in memory only.
    notebook : str
        Name of the notebook the figures come from.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> pub = gs.Publisher("sipas-2017", min_cell=30)
    >>> t = pub.table(pd.DataFrame({"district": ["A", "B", "C"], "variable": "x",
    ...                             "estimate": [80.0, 90.0, 85.0], "se": [1.0, 2.0, 1.5],
    ...                             "n": [100, 12, 40]}))
    >>> t["estimate"].tolist()     # B is small, C goes with it (else B = total - A - C)
    [80.0, nan, nan]
    >>> pub.published(t)["district"].tolist()
    ['A']
    """

    instrument: Any
    min_cell: int = 30
    output_dir: str = ""
    notebook: str = "notebook"
    figures: dict[str, Any] = field(default_factory=dict)
    suppressed: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.instrument, str | Path):
            from .. import load_instrument

            self.instrument = load_instrument(self.instrument)
        if (
            isinstance(self.min_cell, bool)
            or not isinstance(self.min_cell, int | np.integer)
            or self.min_cell < 1
        ):
            raise InputError.one(
                f"min_cell must be a whole number of at least 1, got {str(self.min_cell)[:30]}",
                "set min_cell to e.g. 30",
                column="min_cell",
            )

    @property
    def personal(self) -> set[str]:
        """The instrument's personal columns."""
        return set(self.instrument.personal_columns)

    @property
    def domains(self) -> set[str]:
        """Columns that may label published rows: the instrument's coded domains."""
        from ..config.params import allowed_domains

        names = set(allowed_domains(self.instrument))
        return names | {f"{n}_domain" for n in names}

    def _check_columns(self, frame: pd.DataFrame) -> list[str]:
        names = {str(c) for c in frame.columns} | {str(n) for n in frame.index.names if n}
        leaked = sorted(self.personal & names)
        if leaked:
            raise InputError.one(
                f"refusing to publish personal column(s) {leaked}",
                "drop them before publishing (they are marked pii: true in the instrument)",
                column=leaked[0],
            )
        variables = set(self.instrument.variables)
        ident = getattr(self.instrument, "id_column", None)
        if ident and ident in names:
            raise InputError.one(
                f"refusing to publish the respondent-id column '{ident}'",
                "drop it before publishing: ids link figures to people",
                column=ident,
            )
        not_domains = sorted((variables - self.domains) & names)
        if not_domains:
            raise InputError.one(
                f"refusing to publish column(s) {not_domains}: not coded domains of the "
                "instrument (free text could identify a person)",
                f"break figures down only by {sorted(self.domains - {'x'})[:12]}",
                column=not_domains[0],
            )
        return [str(c) for c in frame.columns if str(c) in self.domains]

    def guard(self, frame: pd.DataFrame, drop: bool = False) -> pd.DataFrame:
        """Refuse personal and free-text columns; suppress small cells and their complements.

        A suppressed row keeps only what identifies the cell (its domain, level, code,
        variable) and ``suppressed=True``; every other value (estimate, SE, interval, ``n``,
        labels, verdicts) becomes missing. With ``drop=True`` suppressed rows are left out
        (what a plot or a record should get).

        Raises
        ------
        InputError
            For a personal or free-text column, or an infinite figure in a published row
            (weights whose sums overflow).

        Examples
        --------
        >>> import pandas as pd, govsurvey as gs
        >>> pub = gs.Publisher("sipas-2017", min_cell=30)
        >>> f = pd.DataFrame({"district": ["A", "B", "C"], "code": "SIPAS",
        ...                   "estimate": [80.0, 90.0, 70.0], "n": [100, 12, 45]})
        >>> pub.guard(f)[["district", "estimate", "n", "suppressed"]]
          district  estimate      n  suppressed
        0        A      80.0  100.0       False
        1        B       NaN    NaN        True
        2        C       NaN    NaN        True
        """
        by = self._check_columns(frame)
        out = frame.copy()
        if "n" not in out.columns:
            return out
        s = suppress(out, self.min_cell, by=by, instrument=self.instrument)
        if "suppressed" in out.columns:  # a frame guarded before stays suppressed
            s |= out["suppressed"].fillna(False).to_numpy(dtype=bool)
        keep = set(by) | _KEYS
        blank = [c for c in out.columns if str(c) not in keep and c != "suppressed"]
        for c in ("estimate", "se", "ci_low", "ci_high"):
            if c in out.columns:
                v = pd.to_numeric(out[c], errors="coerce").to_numpy(dtype=float)
                bad = np.isinf(v) & ~s
                if bad.any():
                    raise InputError.one(
                        f"a published figure ({c}) is infinite: the weights' sums overflow",
                        "check the weight column: weights must be finite and of a sensible "
                        "size (e.g. below 1e12)",
                        column=c,
                    )
        if s.any():
            out[blank] = out[blank].astype(object)
            out.loc[s, blank] = None
            for c in blank:
                if c in frame.columns and pd.api.types.is_numeric_dtype(frame[c]):
                    out[c] = pd.to_numeric(out[c], errors="coerce")
        out["suppressed"] = s
        if drop:
            out = out[~s].reset_index(drop=True)
        if s.all() and len(out if not drop else frame):
            log.warning(
                "every cell is suppressed: min_cell (%d) is above every cell's size",
                self.min_cell,
            )
        return out

    def published(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows that may be shown (for plots and rankings): guarded, suppressed rows out.

        Examples
        --------
        >>> import pandas as pd, govsurvey as gs
        >>> pub = gs.Publisher("sipas-2017", min_cell=30)
        >>> f = pd.DataFrame({"district": ["A", "B", "C"], "code": "SIPAS",
        ...                   "estimate": [80.0, 90.0, 70.0], "n": [100, 12, 45]})
        >>> pub.published(f)["district"].tolist()
        ['A']
        """
        return self.guard(frame, drop=True)

    def all_suppressed(self, frame: pd.DataFrame) -> bool:
        """Whether every row of ``frame`` is suppressed (``min_cell`` above every cell).

        Examples
        --------
        >>> import pandas as pd, govsurvey as gs
        >>> pub = gs.Publisher("sipas-2017", min_cell=10**6)
        >>> pub.all_suppressed(pd.DataFrame({"estimate": [80.0], "n": [500]}))
        True
        """
        g = self.guard(frame)
        return bool(len(g)) and "suppressed" in g.columns and bool(g["suppressed"].all())

    def suppression_note(self, frame: pd.DataFrame, lang: str = "en") -> str:
        """The footnote a table with suppressed cells needs ("" when none is).

        Examples
        --------
        >>> import pandas as pd, govsurvey as gs
        >>> pub = gs.Publisher("sipas-2017", min_cell=10**6)
        >>> print(pub.suppression_note(pd.DataFrame({"estimate": [80.0], "n": [500]})))
        Every figure is suppressed: each cell has fewer than 1000000 respondents (min_cell).
        """
        g = self.guard(frame)
        if "suppressed" not in g.columns or not g["suppressed"].any():
            return ""
        k, m = int(g["suppressed"].sum()), self.min_cell
        if g["suppressed"].all():
            return (
                f"Every figure is suppressed: each cell has fewer than {m} respondents (min_cell)."
                if lang == "en"
                else f"Mọi số liệu đều bị ẩn: mỗi ô có ít hơn {m} người trả lời (min_cell)."
            )
        return (
            f"— : suppressed ({k} cells): fewer than {m} respondents, or hidden so that no "
            "suppressed figure can be worked out from the others."
            if lang == "en"
            else f"— : không công bố ({k} ô): ít hơn {m} người trả lời, hoặc ẩn thêm để không "
            "suy ra được số liệu đã ẩn từ các số liệu khác."
        )

    def table(self, frame: pd.DataFrame, digits: int = 2, lang: str = "en") -> pd.DataFrame:
        """The frame as a reader sees it: guarded, rounded, with a ``label`` beside ``code``.

        For display only; :meth:`record` keeps full precision. Suppressed rows keep no label.

        Examples
        --------
        >>> import pandas as pd, govsurvey as gs
        >>> pub = gs.Publisher("sipas-2017", min_cell=30)
        >>> t = pub.table(pd.DataFrame({"code": ["C1"], "estimate": [80.1234], "n": [100]}))
        >>> t[["code", "label", "estimate"]].values.tolist()
        [['C1', 'Access to the service', 80.12]]
        """
        out = self.guard(frame)
        if "code" in out.columns:
            labels = []
            for code in out["code"]:
                try:
                    labels.append(self.instrument.label(str(code), lang))
                except KeyError:
                    labels.append("")
            out.insert(list(out.columns).index("code") + 1, "label", labels)
            if "suppressed" in out.columns:
                out.loc[out["suppressed"].to_numpy(dtype=bool), "label"] = None
        numeric = out.select_dtypes("float").columns
        out[numeric] = out[numeric].round(digits)
        return out.reset_index(drop=True)

    def record(self, name: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Record a result frame as headline figures (after :meth:`guard`) and return it guarded.

        Published rows are written at full precision to ``<output_dir>/figures-<notebook>.json``;
        suppressed rows are not written at all (only their number, in
        ``suppressed-<notebook>.json``).

        Examples
        --------
        >>> import pandas as pd, govsurvey as gs
        >>> pub = gs.Publisher("sipas-2017", min_cell=30)
        >>> _ = pub.record("overall", pd.DataFrame({"district": ["A", "B", "C"], "code": "SIPAS",
        ...                "estimate": [80.0, 90.0, 70.0], "n": [100, 12, 45]}))
        >>> pub.figures["overall"], pub.suppressed["overall"]
        ([{'district': 'A', 'code': 'SIPAS', 'estimate': 80.0, 'n': 100.0, 'suppressed': False}], 2)
        """
        guarded = self.guard(frame)
        shown = guarded
        if "suppressed" in guarded.columns:
            mask = guarded["suppressed"].to_numpy(dtype=bool)
            self.suppressed[name] = int(mask.sum())
            shown = guarded[~mask]
        records = [
            {str(k): _plain(v) for k, v in row.items()}
            for row in shown.reset_index(drop=True).to_dict(orient="records")
        ]
        self.figures[name] = records
        if self.output_dir:
            folder = Path(self.output_dir)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"figures-{self.notebook}.json").write_text(
                json.dumps(self.figures, indent=1, ensure_ascii=False) + "\n", "utf-8"
            )
            (folder / f"suppressed-{self.notebook}.json").write_text(
                json.dumps(self.suppressed, indent=1) + "\n", "utf-8"
            )
        return guarded


def _plain(v: Any) -> Any:
    """A JSON-safe value, exact for floats (NaN becomes None)."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    return v


# --------------------------------------------------------------------------- personal values


def _norm(text: str) -> str:
    """NFC, whitespace runs as one space, stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


#: Separators a number may be written with between its digit groups (``0912 345 678``,
#: ``810,123,899.00``, ``810.123.899,00``, no-break and narrow no-break spaces, ``-``).
_DIGIT_RUN = re.compile(r"\d+(?:[ .,\u00a0\u202f'’\-]\d+)*")
#: A number of fewer digits than this identifies nobody and is printed everywhere (counts,
#: ranks, figures): such a personal value is not searched for.
MIN_DIGITS = 6


def digit_key(text: str) -> str | None:
    """The digits of a value written as a number (separators, a leading ``+84`` or ``0``
    dropped), or None when it is not one or has fewer than :data:`MIN_DIGITS` digits.

    Examples
    --------
    >>> digit_key("0912 345 678"), digit_key("+84 912.345.678"), digit_key("12345")
    ('912345678', '912345678', None)
    """
    t = _norm(text)
    if t.startswith("+"):
        t = t[1:].lstrip()
        if t.startswith("84"):
            t = t[2:].strip(" .-")
    if not t or _DIGIT_RUN.fullmatch(t) is None:
        return None
    digits = re.sub(r"\D", "", t).lstrip("0")
    return digits if len(digits) >= MIN_DIGITS else None


def _kind(col: str, value: str) -> str:
    """What a personal value is, in words that never show it (for a leak's message)."""
    d = digit_key(value)
    if d is not None:
        n = len(d) + 1 if value.strip().startswith("0") else len(d)
        return f"a number of {n} digits"
    return f"a text of {len(value.split())} word(s)"


@dataclass(frozen=True)
class PersonalValues:
    """Every personal value of a responses file, by column (values normalised, non-empty).

    Examples
    --------
    >>> pv = PersonalValues({"phone": frozenset({"0912 345 678"})})
    >>> pv.redact("call 0912.345.678 now")
    'call [personal value withheld] now'
    """

    by_column: dict[str, frozenset[str]]

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_column.values())

    def without(self, common: Iterable[str]) -> PersonalValues:
        """The values that identify someone: not a number of fewer than :data:`MIN_DIGITS`
        digits, not without any letter or digit, and not one of ``common`` (the words a report
        prints anyway: the instrument's codes and labels, the file's district and ward names,
        …), compared without case."""
        drop = {_norm(str(c)).casefold() for c in common}

        def keep(v: str) -> bool:
            if v.casefold() in drop or not any(ch.isalnum() for ch in v):
                return False
            digits = re.sub(r"\D", "", v)
            if digit_key(v) is None and _DIGIT_RUN.fullmatch(v) and len(digits.lstrip("0")) < 6:
                return False  # a short number: a count, a rank or a figure as well
            return True

        return PersonalValues(
            {c: frozenset(v for v in vals if keep(v)) for c, vals in self.by_column.items()}
        )

    def redact(self, text: str, mark: str = "[personal value withheld]") -> str:
        """``text`` with every personal value found in it replaced by ``mark`` (for messages
        printed on a terminal or a failed run's page)."""
        m = self.__dict__.get("_matcher")
        if m is None:  # built once per set of values
            m = _Matcher(self)
            object.__setattr__(self, "_matcher", m)
        return m.redact(text, mark)


def _header_key(s: Any) -> str:
    return _norm(str(s)).casefold()


def _sheets(path: Path) -> Iterable[tuple[str, list[list[Any]]]]:
    """The tables of a responses file: each worksheet of a workbook (the template's help sheets
    left out, whatever their name or place), or the one table of another format."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for ws in wb.worksheets:
                rows = [[*r] for r in ws.iter_rows(values_only=True)]
                first = next((r for r in rows if any(v is not None for v in r)), [])
                if is_help_sheet(list(first)):
                    continue
                yield ws.title, rows
        finally:
            wb.close()
        return
    if suffix in (".parquet", ".pq"):
        df = pd.read_parquet(path)
        yield "", [[*df.columns], *map(list, df.astype(object).itertuples(index=False))]
        return
    if suffix in (".sav", ".zsav"):
        df = pd.read_spss(path, convert_categoricals=False)
        yield "", [[*df.columns], *map(list, df.astype(object).itertuples(index=False))]
        return
    raw = path.read_bytes().replace(b"\x00", b"")
    for enc in ("utf-8-sig", "cp1258", "latin-1"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    first = next((line for line in text.split("\n") if line.strip()), "")
    delim = "\t" if path.suffix.lower() == ".tsv" else max(",;\t|", key=first.count)
    old = csv.field_size_limit()
    csv.field_size_limit(1 << 30)  # a huge cell is the reader's to report, not this scan's
    try:
        yield "", list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    finally:
        csv.field_size_limit(old)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        if v.is_integer():
            v = int(v)
    return _norm(str(v))


def personal_values(
    path: str | Path, instrument: Any, id_column: str | None = None
) -> PersonalValues:
    """Every personal value of every row of a responses file, kept or excluded.

    The file is read here on its own, so a row the reader excludes, or a file it refuses, is
    covered too. A table's header is found as the reader finds it (a header names the id column
    or a criterion, and here also a personal column; headers in either language, as the
    template writes them, ``Họ và tên (full_name)``, by code or label); in a workbook every sheet
    is searched so, the template's help sheets (code lists, column notes) left out. Only the
    cells under a personal column's header are collected.

    Examples
    --------
    >>> import pathlib, tempfile, govsurvey as gs
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> _ = f.write_text("Mã phiếu,C1.1,Họ và tên (full_name),Phone number\\n"
    ...                  "1,4,Lê Văn  Tám,0912345678\\n2,5,,7\\n")
    >>> pv = personal_values(f, gs.load_instrument("sipas-2017"))
    >>> sorted(pv.by_column["full_name"]), sorted(pv.by_column["phone"])
    (['Lê Văn Tám'], ['0912345678', '7'])
    """
    if isinstance(instrument, str | Path):
        from .. import load_instrument

        instrument = load_instrument(instrument)
    spec = ColumnSpec(instrument, id_column=id_column, weight=None)
    personal = set(spec.personal)
    marks = {spec.id, *spec.scale}
    found: dict[str, set[str]] = {c: set() for c in spec.personal}
    if not personal:
        return PersonalValues({})
    for _, rows in _sheets(Path(path)):
        cols: dict[int, str] = {}
        for row in rows:
            texts = [_cell(v) for v in row]
            names = [spec.canonical(t) if t else "" for t in texts]
            hit = {i: c for i, c in enumerate(names) if c in personal}
            if hit and marks.intersection(names):
                known = [c for c in names if c in spec.known]
                if len(known) == len(set(known)):  # a header names each column once
                    cols = hit
                    continue
            for i, col in cols.items():
                if i < len(texts) and texts[i] and texts[i].lower() != "nan":
                    found[col].add(texts[i])
    return PersonalValues({c: frozenset(v) for c, v in found.items()})


def common_words(instrument: Any, data: pd.DataFrame | None = None) -> set[str]:
    """Words a report prints anyway: the instrument's codes and labels, its column names, and
    the values of ``data``'s columns the instrument declares as variables or design columns
    (districts, wards, strata, PSUs, …; never a column it does not know).

    A personal value equal to one of them (an address typed as just the ward's name) identifies
    nobody, and finding it in a report would be a false alarm.

    Examples
    --------
    >>> import govsurvey as gs
    >>> {"Nam", "male", "Điện thoại", "phone"} <= common_words(gs.load_instrument("sipas-2017"))
    True
    """
    out: set[str] = set()

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            for k, v in x.items():
                out.add(str(k))
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, str | int | float) and not isinstance(x, bool):
            out.add(str(x))

    raw = dict(instrument.raw)
    raw.pop("personal", None)
    walk(raw)
    if data is not None:
        declared = {*instrument.variables, *instrument.design_columns.values()}
        declared -= set(instrument.personal_columns)
        for c in data.columns:
            if c not in declared or pd.api.types.is_numeric_dtype(data[c].dtype):
                continue
            out.update(str(v) for v in data[c].dropna().unique())
    return out


@dataclass(frozen=True)
class Leak:
    """A personal value found in an output file (the value itself is never shown)."""

    file: str
    column: str
    count: int
    kind: str = ""

    def __str__(self) -> str:
        kind = f" ({self.kind})" if self.kind else ""
        return f"{self.file}: {self.count} value(s) of the personal column '{self.column}'{kind}"


_BASE64 = re.compile(r"[A-Za-z0-9+/=\\\n]{120,}")
_CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def _trie_regex(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching any of ``words`` as a whole word (a trie, so it stays fast)."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True
    if not trie:
        return None

    def pattern(node: dict[str, Any]) -> str:
        ends = "" in node
        alts = [re.escape(ch) + pattern(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if ends else body

    return re.compile(r"(?<!\w)" + pattern(trie) + r"(?!\w)")


def _runs(token: str) -> list[str]:
    """The numbers a run of digit groups may show: the digits of every stretch of its groups
    that starts at its first group or after a space (``810,123,899.00`` holds 810123899;
    ``2024 0912 345 678`` holds 0912345678; ``1.912345678`` holds no 912345678: that is a
    fraction)."""
    parts = re.split(r"(\D)", token)
    groups, seps = parts[0::2], [""] + parts[1::2]
    out = []
    for i in range(len(groups)):
        if i and not seps[i].isspace():
            continue
        acc = ""
        for g in groups[i : i + 8]:
            acc += g
            if len(acc.lstrip("0")) >= MIN_DIGITS:
                out.append(acc.lstrip("0"))
    return out


class _Matcher:
    """Finds personal values in text: words (NFC, case and spacing ignored) and numbers (digit
    groups and separators ignored)."""

    def __init__(self, values: PersonalValues) -> None:
        self.long_owner: dict[str, str] = {}
        self.short_owner: dict[str, str] = {}
        self.digits: dict[str, str] = {}
        self.original: dict[str, str] = {}  # match key -> a value it stands for
        for col, vals in values.by_column.items():
            for v in sorted(vals):
                d = digit_key(v)
                if d is not None:
                    self.digits[d] = col
                    self.original.setdefault(d, v)
                    continue
                self.original.setdefault(v.casefold(), v)
                if len(v) >= LONG:
                    self.long_owner[v.casefold()] = col
                else:
                    self.short_owner[v.casefold()] = col
        self.rx = _trie_regex(self.long_owner)
        self.short_rx = _trie_regex(self.short_owner)

    def kind(self, col: str, hits: set[str]) -> str:
        """What the values found are, in words that never show them."""
        return _kind(col, self.original.get(min(hits), min(hits)))

    def find(self, text: str, cells: list[str]) -> dict[str, set[str]]:
        hits: dict[str, set[str]] = {}
        folded = text.casefold()
        if self.rx is not None:
            for m in self.rx.finditer(folded):
                hits.setdefault(self.long_owner[m.group(0)], set()).add(m.group(0))
        if self.digits:
            for m in _DIGIT_RUN.finditer(text):
                for d in _runs(m.group(0)):
                    if d in self.digits:
                        hits.setdefault(self.digits[d], set()).add(d)
        for c in cells:
            k = c.casefold()
            if k in self.short_owner:
                hits.setdefault(self.short_owner[k], set()).add(k)
            elif k in self.long_owner:
                hits.setdefault(self.long_owner[k], set()).add(k)
        return hits

    def redact(self, text: str, mark: str) -> str:
        out = _norm(text) if not text.isascii() else text
        for rx in (self.rx, self.short_rx):
            folded = out.casefold()
            if rx is None or len(folded) != len(out):
                continue
            out = _cut(out, [m.span() for m in rx.finditer(folded)], mark)
        if self.digits:
            spans = [
                m.span()
                for m in _DIGIT_RUN.finditer(out)
                if set(_runs(m.group(0))) & set(self.digits)
            ]
            out = _cut(out, spans, mark)
        return out


def _cut(text: str, spans: list[tuple[int, int]], mark: str) -> str:
    for a, b in sorted(spans, reverse=True):
        text = text[:a] + mark + text[b:]
    return text


def _texts(path: Path) -> tuple[str, list[str]]:
    """A file's text (normalised, unescaped, base64 runs removed) and its cells."""
    raw = path.read_bytes().decode("utf-8", errors="replace")
    cells: list[str] = []
    parts = [raw]
    if path.suffix.lower() in (".json", ".ipynb"):
        try:
            doc = json.loads(raw)
        except ValueError:
            doc = None
        stack = [doc]
        while stack:
            x = stack.pop()
            if isinstance(x, dict):
                stack += [v for k, v in x.items() if not str(k).startswith("image/")]
                stack += [str(k) for k in x]
            elif isinstance(x, list):
                stack += x
            elif isinstance(x, str):
                parts.append(x)
                cells.append(x)
    if path.suffix.lower() in (".csv", ".tsv"):
        old = csv.field_size_limit()
        csv.field_size_limit(1 << 30)
        try:
            cells += [c for row in csv.reader(io.StringIO(raw)) for c in row]
        finally:
            csv.field_size_limit(old)
    text = "\n".join(parts)
    text = html.unescape(html.unescape(text))
    text = _BASE64.sub(" ", text)
    cells += [_TAG.sub("", c) for c in _CELL.findall(text)]
    cells += [_TAG.sub("", m) for m in re.findall(r"\balt=\"([^\"]*)\"", text)]
    return _norm(text), [_norm(html.unescape(c)) for c in cells]


def scan_personal(folder: str | Path, values: PersonalValues) -> list[Leak]:
    """Look for every personal value in every file of a folder (recursively).

    How values are matched, after Unicode (NFC) and whitespace normalisation, in the file's
    text with HTML entities and JSON escapes undone and embedded images left out:

    - a value written as a number of :data:`MIN_DIGITS` (6) digits or more (a phone, an ID
      number): as a number anywhere, whatever separates its digit groups (spaces, dots, commas,
      no-break spaces: ``0912 345 678``, ``912,345,678.00``), without its leading zeros or
      ``+84``, also inside a longer run of groups (``810,123,899.00``);
    - other values of :data:`LONG` (6) characters or more: anywhere as whole words, ignoring
      case ("Lê Văn Tám" is found in "… lê văn tám …" but not inside a longer word);
    - shorter ones (a surname "Lê"): only as a whole cell, that is a table cell of HTML, a
      string of a JSON or notebook file, an image's alt text or a CSV field.

    Pass values through :meth:`PersonalValues.without` first, so that words every report
    prints (labels, district names) and short numbers are not searched for.

    Returns
    -------
    list of Leak
        File, personal column, count and the kind of value found (never the value).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.html").write_text("<p>Call NGUYEN VAN AN</p><td>Lê</td><p>810,123,899.00</p>")
    >>> pv = PersonalValues({"full_name": frozenset({"Nguyen Van An", "Lê"}),
    ...                      "phone": frozenset({"0810123899"})})
    >>> [str(x) for x in scan_personal(d, pv)]
    ["a.html: 2 value(s) of the personal column 'full_name' (a text of 1 word(s))", "a.html: 1 value(s) of the personal column 'phone' (a number of 10 digits)"]
    """  # noqa: E501
    folder = Path(folder)
    m = _Matcher(values)
    leaks: list[Leak] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text, cells = _texts(path)
        hits = m.find(text, cells)
        rel = str(path.relative_to(folder))
        leaks += [Leak(rel, col, len(v), m.kind(col, v)) for col, v in sorted(hits.items())]
    return leaks
