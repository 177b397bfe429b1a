"""Column-wise checks of a :class:`~govsurvey.io.formats.Table` against the instrument.

Each column is checked as a whole array (numpy / pandas); only the failing cells become
:class:`~govsurvey.errors.Problem` s. What a problem costs depends on the column:

- in an identifying or design column (the id, ``required_columns``, the response flag, the weight,
  stratum, PSU) or in the row's shape (a short, cut or over-long row): the row is excluded;
- in an answer (criteria, overall, assessment, expectations) or an optional coded variable (sex,
  field, …): that answer becomes missing and the row is kept, with the reason in the cell account.

A rejected value is quoted in the message unless it may be personal: never for a personal column
or a column the instrument does not know, never for a value with six or more digits (a phone
number typed into an answer cell) or longer than 40 characters.
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..config.instrument import Instrument
from ..errors import InputError, Problem
from .formats import MAX_CELL, Table, as_numbers, cell_text

log = logging.getLogger(__name__)

#: Account columns: excluded rows, and cells set missing or rewritten in kept rows.
ACCOUNT_COLUMNS = ["row", "respondent_id", "check", "reason"]
CELL_ACCOUNT_COLUMNS = ["row", "respondent_id", "column", "check", "action", "reason"]

#: Checks that rewrite a value read correctly (a spelling unified) instead of losing it.
UNIFYING_CHECKS = ("label_variant", "unicode_form")

_DIGITS = re.compile(r"\d")

#: Labels of the 0/1 columns (an expectation option; the response flag), as the template lists
#: them; a cell may hold the code or a label.
EXPECTATION_CODES = {
    1: {"vi": "Có chọn", "en": "Chosen"},
    0: {"vi": "Không chọn", "en": "Not chosen"},
}
RESPONDED_CODES = {
    1: {"vi": "Đã trả lời", "en": "Responded"},
    0: {"vi": "Không trả lời phiếu", "en": "Did not respond"},
}

#: A whole-number weight this large is a phone or ID number typed into the weight cell.
PHONE_LIKE_WEIGHT = 1e8


def header_key(s: str) -> str:
    """A header cell compared without case, blanks, dots, dashes, the template's ``*`` of a
    required column, or Unicode form."""
    s = unicodedata.normalize("NFC", s)
    return re.sub(r"[\s.\-*]+", "_", s.casefold()).strip("_")


#: Headers of the respondent-id column in Vietnamese and English (the template's, and the
#: form's own "Số phiếu").
ID_LABELS = ("Mã phiếu", "Respondent ID", "Số phiếu")


_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_AROUND = re.compile(r"\s*([/\-])\s*")


def text_key(s: str) -> str:
    """A cell value compared without case, surrounding or repeated blanks, Unicode form, the
    kind of dash, or blanks around a slash or dash.

    Examples
    --------
    >>> text_key("  KHÔNG BIẾT/không  áp dụng ") == text_key("Không biết / không áp dụng")
    True
    >>> text_key("18–29") == text_key("18 - 29")
    True
    """
    s = _DASHES.sub("-", unicodedata.normalize("NFC", s))
    return _AROUND.sub(r"\1", re.sub(r"\s+", " ", s)).strip().casefold()


def plain_key(s: str) -> str:
    """:func:`text_key` without Vietnamese tone and vowel marks (``đ`` as ``d``): how a label
    typed without accents is matched.

    Examples
    --------
    >>> plain_key("Không hài lòng"), plain_key("Đất đai")
    ('khong hai long', 'dat dai')
    """
    k = unicodedata.normalize("NFD", text_key(s).replace("đ", "d"))
    return "".join(ch for ch in k if not unicodedata.combining(ch))


def _aliases(label: str) -> list[str]:
    """Shorter forms a person types for a label: each part of "A / B", and the label without a
    remark in brackets ("Không áp dụng (không trễ hẹn)" -> "Không áp dụng")."""
    out = []
    bare = re.sub(r"\s*\([^()]*\)\s*$", "", label).strip()
    if bare and bare != label:
        out.append(bare)
    for whole in {label, bare}:
        parts = [x.strip() for x in whole.split("/")]
        if len(parts) > 1:
            out += [x for x in parts if x]
    return out


def _tiers(codes: dict[Any, Any]) -> list[dict[str, str]]:
    """Keys of a code list by how exactly they name a code: the code or a label as written,
    then a shorter form of a label, then either without accents (each tier leaves out keys
    that would name two codes)."""
    exact: dict[str, set[str]] = {}
    alias: dict[str, set[str]] = {}
    for code, labels in codes.items():
        names = [str(code)]
        if isinstance(labels, dict):
            names += [str(labels[k]) for k in ("vi", "en") if labels.get(k)]
        for n in names:
            exact.setdefault(text_key(n), set()).add(str(code))
            for a in _aliases(n):
                alias.setdefault(text_key(a), set()).add(str(code))
    plain: dict[str, set[str]] = {}
    for tier in (exact, alias):
        for k, v in tier.items():
            plain.setdefault(plain_key(k), set()).update(v)
    return [{k: next(iter(v)) for k, v in t.items() if len(v) == 1} for t in (exact, alias, plain)]


def label_lookup(codes: dict[Any, Any], *fallbacks: dict[Any, Any]) -> dict[str, str]:
    """Code, Vietnamese and English label (as keys, see :func:`find_label`) -> code.

    Besides the labels as written: a part of a label "A / B" on its own ("Không biết" for
    "Không biết / không áp dụng"), a label without its remark in brackets, and any of them typed
    without accents. A key that would name two codes is left out. ``fallbacks``: code lists
    whose keys are added only where ``codes`` has none (an item's own codes come before the
    shared missing codes: in ``apology``, "Không áp dụng" is its code 0, not 8).

    Examples
    --------
    >>> lk = label_lookup({8: {"vi": "Không biết / không áp dụng"}, 9: {"vi": "Không trả lời"}})
    >>> [find_label(lk, x) for x in ("không biết", "KHONG AP DUNG", "Không trả lời", "?")]
    ['8', '8', '9', None]
    """
    out: dict[str, str] = {}
    for group in (codes, *fallbacks):
        for tier in _tiers(group):
            for k, v in tier.items():
                out.setdefault(k, v)
    return out


def find_label(lookup: dict[str, Any], cell: str) -> Any:
    """The code a cell's text names in a :func:`label_lookup` (None when it names none)."""
    found = lookup.get(text_key(cell))
    return found if found is not None else lookup.get(plain_key(cell))


class ColumnSpec:
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
        extra = inst.required_columns
        self.required = [self.id, *self.scale, *extra]
        self.filled = [self.id, *extra]  # present and filled in on every row
        self.forced = [c for c in (id_column, weight) if c is not None]
        self.essential = {self.id, *extra, *design.values()}
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
            keys.setdefault(header_key(col), col)
        for c in inst.criteria:  # a header may name a criterion by its code, C1.1
            keys.setdefault(header_key(c.code), c.column)
        for lab in ID_LABELS:
            keys.setdefault(header_key(lab), self.id)
        labels: dict[str, set[str]] = {}
        for col, lab in self._column_labels():
            labels.setdefault(header_key(lab), set()).add(col)
        for k, cols in labels.items():
            if len(cols) == 1:
                keys.setdefault(k, next(iter(cols)))
        self.keys = keys
        self.lookups = {
            v: label_lookup(d["codes"]) for v, d in self.variables.items() if d.get("codes")
        }
        self.scale_lookup = {
            k: int(v) for k, v in label_lookup(inst.scale_labels, inst.missing_labels).items()
        }
        self.choice_lookups = {
            c: {k: int(v) for k, v in label_lookup(a.get("codes", {}), inst.missing_labels).items()}
            for c, a in self.assessment.items()
            if a.get("type") == "choice"
        }
        yes_no = {1: {"vi": "Có", "en": "Yes"}, 0: {"vi": "Không", "en": "No"}}
        self.expectation_lookup = {
            k: int(v) for k, v in label_lookup(EXPECTATION_CODES, yes_no).items()
        }
        self.responded_lookup = {k: int(v) for k, v in label_lookup(RESPONDED_CODES).items()}
        self.text_domains = [
            c for c in inst.domain_columns if c in self.variables and c not in self.lookups
        ]
        #: how a fast reader may parse a column: "number" (as numbers when every cell is one),
        #: "category" (text of few distinct values), "text"; a column not named here is one
        #: the instrument does not know (numbers when every cell is one, else text)
        numbers = [*self.scale, *self.assessment, *self.expectations]
        numbers += [design.get("responded", ""), design.get("weight", "")]
        few = [*self.variables, design.get("strata", ""), design.get("psu", "")]
        self.column_kinds = {c: "text" for c in self.known}
        self.column_kinds.update({c: "category" for c in few if c and c != self.id})
        self.column_kinds.update({c: "number" for c in numbers if c})

    def _column_labels(self) -> list[tuple[str, str]]:
        spec = self.inst.spec
        out: list[tuple[str, str]] = []
        if spec is None:
            return out
        for comp in spec.components:
            out += [(k.column, lab) for k in comp.criteria for lab in (k.vi, k.en)]
        out += [(spec.overall.column, lab) for lab in (spec.overall.vi, spec.overall.en) if lab]
        out += [(a.column, lab) for a in spec.assessment for lab in (a.vi, a.en)]
        if spec.expectations:
            out += [(o.column, lab) for o in spec.expectations.options for lab in (o.vi, o.en)]
        out += [(n, lab) for n, v in spec.variables.items() for lab in (v.vi, v.en)]
        out += [(d.column, lab) for d in spec.design.values() for lab in (d.vi, d.en) if lab]
        out += [(p.column, lab) for p in spec.personal for lab in (p.vi, p.en) if lab]
        return out

    def canonical(self, header: str) -> str:
        """The instrument's name for a header cell.

        Accepted: the column name in other case or with other separators (``Respondent ID``),
        a criterion's code (``C1.1``), the column's Vietnamese or English label, or any text
        ending in the column name in brackets (``Quận/huyện (district)``).
        """
        if header in self.known:
            return header
        m = re.search(r"[(\[]\s*([^()\[\]]+?)\s*[)\]]\s*$", header)
        if m and self.keys.get(header_key(m.group(1))):
            return self.keys[header_key(m.group(1))]
        return self.keys.get(header_key(header), header)


@dataclass
class Found:
    """A problem in one data row (``pos`` indexes the table's rows)."""

    pos: int
    check: str
    problem: Problem
    excludes: bool
    listed: bool = True


@dataclass
class Checked:
    """What validation returns."""

    data: pd.DataFrame
    codes: pd.DataFrame
    account: pd.DataFrame
    cell_account: pd.DataFrame
    #: every problem found, in file order, with what it cost: "excluded" (the row),
    #: "set missing" (the answer) or "spelling unified"
    problems: list[tuple[Problem, str]] = field(default_factory=list)


class _Checker:
    """Collects a problem for every bad cell, column by column."""

    def __init__(self, name: str, table: Table, spec: ColumnSpec) -> None:
        self.name = name
        self.numbers = table.numbers
        self.spec = spec
        self.found: list[Found] = []

    def shown(self, col: str | None, value: Any) -> tuple[Any, str, str]:
        """The value to quote (None to withhold it) and a note when withheld (en, vi)."""
        if value is None or value is pd.NA or (isinstance(value, str) and value == ""):
            return None, "", ""
        text = value if isinstance(value, str) else cell_text(value)
        if not text:
            return None, "", ""
        private = col in self.spec.personal or (col is not None and col not in self.spec.known)
        if private or len(_DIGITS.findall(text)) >= 6 or len(text) > 40:
            return (
                None,
                " (value not shown: it may be personal data)",
                " (không hiện giá trị: có thể là dữ liệu cá nhân)",
            )
        return text, "", ""

    def flag(
        self,
        mask: np.ndarray,
        col: str,
        series: pd.Series,
        check: str,
        what: str,
        fix: str,
        excludes: bool | None = None,
        vi: tuple[str, str] | None = None,
    ) -> None:
        """A problem for each cell of ``mask``; ``vi``: what and fix in Vietnamese."""
        if excludes is None:
            excludes = col in self.spec.essential
        for pos in np.flatnonzero(mask):
            value, note, note_vi = self.shown(col, series.iloc[pos])
            p = Problem(what + note, fix, self.name, int(self.numbers[pos]), col, value)
            if vi is not None:
                p.what_vi, p.fix_vi = vi[0] + note_vi, vi[1]
            self.found.append(Found(int(pos), check, p, excludes))


def _numbers(
    s: pd.Series, lookup: dict[str, int] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values (NaN where blank or unreadable), the blank mask and the unreadable mask."""
    if pd.api.types.is_numeric_dtype(s.dtype):
        v = s.to_numpy() if s.dtype == np.float64 else s.to_numpy("float64", na_value=np.nan)
        blank = np.isnan(v)
        return v, blank, np.zeros(len(v), dtype=bool)
    blank = s.isna().to_numpy()
    v = _to_float(s)
    bad = np.isnan(v) & ~blank
    if lookup and bad.any():
        v = v.copy()
        idx = np.flatnonzero(bad)
        words = s.iloc[idx]
        codes, uniques = pd.factorize(words)
        mapped = [find_label(lookup, u) for u in uniques]
        mapped = np.array([np.nan if m is None else m for m in mapped], dtype=float)
        v[idx] = mapped[codes]
        bad = np.isnan(v) & ~blank
    return v, blank, bad


def _to_float(s: pd.Series) -> np.ndarray:
    """Text as float, NaN where blank or not a number (pyarrow's cast when it can)."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.array(s, from_pandas=True, type=pa.string())
        return pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
    except Exception:  # noqa: BLE001 - some cell is not a number: find which, cell by cell
        v = pd.to_numeric(s, errors="coerce")
        return v.to_numpy(dtype="float64", na_value=np.nan)


def _codes_text(codes: Any) -> str:
    return ", ".join(str(c) for c in codes)


#: At most this many distinct unreadable words of a column get a "did you mean" of their own.
_SUGGESTED = 50


@dataclass
class Say:
    """What a coded column's messages say, in English and Vietnamese.

    ``fix``/``fix_vi``: how to write a valid cell; ``what``/``what_vi``: what a number outside
    the codes is; ``labels``: the labels a cell may hold (for "did you mean" hints; when there
    are any, a word that is none of them is "not a code or label", not "not a number").
    """

    fix: str
    fix_vi: str
    what: str = "not a valid answer"
    what_vi: str = "không phải câu trả lời hợp lệ"
    labels: tuple[str, ...] = ()


def _suggest(word: str, labels: tuple[str, ...]) -> str | None:
    """The label closest to ``word`` (compared as the reader compares them), if one is close."""
    keys = {plain_key(x): x for x in labels}
    near = difflib.get_close_matches(plain_key(word), list(keys), n=1, cutoff=0.6)
    return keys[near[0]] if near else None


def _flag_words(chk: _Checker, bad: np.ndarray, col: str, s: pd.Series, say: Say) -> None:
    """Flag cells holding a word that is neither a number nor a known label, each distinct word
    with the label it is closest to, if any."""
    if not bad.any():
        return
    if not say.labels:
        chk.flag(
            bad, col, s, "not_numeric", "not a number", say.fix, vi=("không phải số", say.fix_vi)
        )
        return
    what = "neither a code nor a label of this column"
    what_vi = "không phải mã hay nhãn của cột này"
    idx = np.flatnonzero(bad)
    codes, uniques = pd.factorize(s.iloc[idx].astype(object))
    codes = np.minimum(codes, _SUGGESTED)  # the rest of many distinct words: one group
    for k in range(min(len(uniques), _SUGGESTED + 1)):
        mask = np.zeros(len(s), dtype=bool)
        mask[idx[codes == k]] = True
        near = _suggest(str(uniques[k]), say.labels) if k < _SUGGESTED else None
        hint = f" (did you mean {near!r}?)" if near else ""
        hint_vi = f" (có phải là {near!r}?)" if near else ""
        chk.flag(
            mask,
            col,
            s,
            "not_numeric",
            what,
            say.fix + hint,
            vi=(what_vi, say.fix_vi + hint_vi),
        )


def _integers(
    chk: _Checker,
    s: pd.Series,
    col: str,
    allowed: set[int] | None,
    say: Say,
    lo: int | None = None,
    hi: int | None = None,
    lookup: dict[str, int] | None = None,
    integral: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Whole-number codes and their missing mask (blank or rejected), flagging rejected cells.

    ``integral``: the column as parsed integers, its int64 values (any number where blank) and
    blank mask: nothing to convert or round.
    """
    fix, vi = say.fix, (say.what_vi, say.fix_vi)
    if integral is not None:
        r, mask = integral
    elif pd.api.types.is_integer_dtype(s.dtype):
        mask = s.isna().to_numpy()
        r = s.to_numpy("int64", na_value=0, copy=True)
    else:
        v, blank, bad_text = _numbers(s, lookup)
        _flag_words(chk, bad_text, col, s, say)
        r = np.round(v)
        with np.errstate(invalid="ignore"):
            frac = np.abs(v - r) > 1e-9  # False for NaN and for infinities, flagged below
            if np.isinf(v).any():
                frac |= np.isinf(v)
        chk.flag(
            frac,
            col,
            s,
            "not_whole_number",
            "not a whole number",
            fix,
            vi=("không phải số nguyên", say.fix_vi),
        )
        mask = np.isnan(v) | frac
    with np.errstate(invalid="ignore"):
        if allowed is not None and min(allowed) >= 0 and max(allowed) < 1000:
            # one table lookup, not one pass per code: position 0 stands for every negative
            # value, the last position for every value above the largest code
            top = max(allowed)
            refused = np.ones(top + 3, dtype=bool)
            refused[np.array(sorted(allowed)) + 1] = False
            if r.dtype == np.int64:  # r + 1 wraps only at int64's largest value: refused
                bad = np.take(refused, r + 1, mode="clip")
            else:
                idx = np.nan_to_num(np.clip(r, -1, top + 1), nan=-1).astype(np.intp) + 1
                bad = refused[idx]
        elif allowed is not None:
            bad = ~np.isin(r, sorted(allowed))
        else:
            bad = np.zeros(len(r), dtype=bool)
        if lo is not None:
            bad |= r < lo
        if hi is not None:
            bad |= r > hi
    bad &= ~mask
    chk.flag(bad, col, s, "invalid_code", say.what, fix, vi=vi)
    mask = mask | bad
    if r.dtype != np.int64:
        r = np.where(mask, 0, r).astype(np.int64)
    return r, mask


def _int64(values: np.ndarray, mask: np.ndarray) -> pd.arrays.IntegerArray:
    """Nullable integers on their own copies (two frames never share memory)."""
    return pd.arrays.IntegerArray(values.copy(), mask.copy())


def _coded_and_valid(
    values: np.ndarray, mask: np.ndarray, missing: np.ndarray
) -> tuple[pd.arrays.IntegerArray, pd.arrays.IntegerArray]:
    """The codes as answered (on ``values`` itself), and a copy with the missing codes masked."""
    hit = mask.copy()
    for m in missing:
        hit |= values == m
    return pd.arrays.IntegerArray(values, mask), pd.arrays.IntegerArray(values.copy(), hit)


def _take_text(values: list[str | None], codes: np.ndarray) -> pd.Series:
    """``values[codes]`` as a ``str`` Series, missing where a code is -1 (pyarrow's take)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    taken = pc.take(pa.array(values, type=pa.string()), pa.array(codes, mask=codes < 0))
    return pd.Series(pd.array(taken, dtype="str"), copy=False)


def _text(s: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s.dtype):
        return pd.Series([cell_text(x) or None for x in s], dtype="str")
    return s.astype("str")


def _distinct(s: pd.Series) -> list[str]:
    """The distinct filled values of a column, as text (pyarrow's hash)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    uniq = pc.unique(pa.array(_text(s), type=pa.string(), from_pandas=True))
    return [u for u in uniq.to_pylist() if u is not None]


def _codes(s: pd.Series, uniques: list[str]) -> np.ndarray:
    """Each cell's position in ``uniques`` (-1 for a blank)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(_text(s), type=pa.string(), from_pandas=True)
    found = pc.index_in(arr, value_set=pa.array(uniques, type=pa.string()))
    return found.fill_null(-1).to_numpy()


class _ColumnChecks:
    """The checks of one column against the instrument: the column as analysed, and as coded
    (answers with their missing codes; None for a column that has no codes)."""

    def __init__(
        self,
        chk: _Checker,
        whole: dict[str, tuple[np.ndarray, np.ndarray]],
        levels: dict[str, list[str]],
    ) -> None:
        inst = chk.spec.inst
        self.chk, self.spec, self.whole, self.levels = chk, chk.spec, whole, levels
        self.scale_codes = set(range(inst.scale_min, inst.scale_max + 1)) | set(inst.missing_codes)
        lo, hi = inst.scale_min, inst.scale_max
        example = inst.scale_labels[max(k for k in inst.scale_labels if k < hi)]["vi"]
        miss = sorted(inst.missing_codes.items())
        dk = {
            "dont_know": ("don't know", "không biết"),
            "no_answer": ("no answer", "không trả lời"),
        }
        self.missing_words = {
            k: (_aliases(inst.missing_labels[k]["vi"]) or [inst.missing_labels[k]["vi"]])[0]
            for k, _ in miss
        }
        words = self.missing_words
        en = ", ".join(f"{k} or {words[k]!r} ({dk[v][0]})" for k, v in miss)
        vi = ", ".join(f"{k} hoặc {words[k]!r} ({dk[v][1]})" for k, v in miss)
        labels = [v["vi"] for v in inst.scale_labels.values()]
        labels += [x for v in inst.missing_labels.values() for x in (v["vi"], *_aliases(v["vi"]))]
        self.scale_say = Say(
            f"write {lo}–{hi} or its label such as {example!r} (sheet 'Mã' of the template "
            f"lists them), {en}, or leave the cell blank",
            f"ghi {lo}–{hi} hoặc nhãn như {example!r} (trang 'Mã' của mẫu nhập liệu liệt kê "
            f"đủ), {vi}, hoặc để trống",
            labels=tuple(labels),
        )
        self.missing_labels = [
            x for v in inst.missing_labels.values() for x in (v["vi"], *_aliases(v["vi"]))
        ]
        self.missing = np.array(sorted(inst.missing_codes), dtype=float)

    def _choice_say(self, col: str, a: dict) -> Say:
        codes = a.get("codes", {})
        listed = ", ".join(f"{k} {v['vi']}" for k, v in codes.items())
        miss = ", ".join(f"{k} {w}" for k, w in self.missing_words.items())
        labels = [v["vi"] for v in codes.values()] + self.missing_labels
        return Say(
            f"write a code or its label ({listed}; {miss}), or leave the cell blank",
            f"ghi mã hoặc nhãn ({listed}; {miss}), hoặc để trống",
            labels=tuple(labels),
        )

    def check(self, col: str, s: pd.Series) -> tuple[Any, Any]:
        chk, spec, whole, levels = self.chk, self.spec, self.whole, self.levels
        inst, design, missing = spec.inst, spec.design, self.missing
        if col in spec.filled:
            what = "respondent ID is blank" if col == spec.id else f"{col} is blank"
            what_vi = "mã phiếu để trống" if col == spec.id else f"ô {col} để trống"
            chk.flag(
                s.isna().to_numpy(),
                col,
                s,
                "missing_value",
                what,
                f"give every row its {col}",
                vi=(what_vi, f"ghi {col} cho mọi dòng"),
            )
        if col in spec.scale:
            v = _integers(
                chk,
                s,
                col,
                self.scale_codes,
                self.scale_say,
                lookup=spec.scale_lookup,
                integral=whole.get(col),
            )
            return _coded_and_valid(*v, missing)
        if col in spec.assessment:
            a = spec.assessment[col]
            if a.get("type") == "count":
                lo, hi = a.get("min"), a.get("max")
                say = Say(
                    f"give a whole number from {lo} to {hi}, or leave the cell blank",
                    f"ghi một số nguyên từ {lo} đến {hi}, hoặc để trống",
                    "count out of range",
                    "số lần ngoài khoảng cho phép",
                )
                v = _integers(chk, s, col, None, say, lo, hi, integral=whole.get(col))
            else:
                allowed = {int(k) for k in a.get("codes", {})} | set(inst.missing_codes)
                lookup = spec.choice_lookups.get(col)
                say = self._choice_say(col, a)
                v = _integers(chk, s, col, allowed, say, lookup=lookup, integral=whole.get(col))
            return _coded_and_valid(*v, missing)
        if col in spec.expectations:
            say = Say(
                "use 1 or 'Có chọn' (chosen), 0 or 'Không chọn' (not chosen), or leave the cell "
                "blank",
                "ghi 1 hoặc 'Có chọn', 0 hoặc 'Không chọn', hoặc để trống",
                "not 0 or 1",
                "không phải 0 hay 1",
                labels=("Có chọn", "Không chọn"),
            )
            v = _integers(
                chk,
                s,
                col,
                {0, 1},
                say,
                lookup=spec.expectation_lookup,
                integral=whole.get(col),
            )
            return _int64(v[0], v[1]), _int64(v[0], v[1])
        if col == design.get("responded"):
            say = Say(
                "use 1 or 'Đã trả lời' (responded), 0 or 'Không trả lời phiếu' (did not respond)",
                "ghi 1 hoặc 'Đã trả lời', 0 hoặc 'Không trả lời phiếu'",
                "not 0 or 1",
                "không phải 0 hay 1",
                labels=("Đã trả lời", "Không trả lời phiếu"),
            )
            chk.flag(
                s.isna().to_numpy(),
                col,
                s,
                "missing_value",
                "response flag is blank",
                say.fix,
                vi=("ô đánh dấu trả lời để trống", say.fix_vi),
            )
            v = _integers(
                chk, s, col, {0, 1}, say, lookup=spec.responded_lookup, integral=whole.get(col)
            )
            return None, _int64(*v)
        if col == design.get("weight"):
            fix = "give a positive weight (a number above 0), or exclude the row"
            fix_vi = "ghi trọng số dương (một số lớn hơn 0), hoặc loại dòng này"
            blank = s.isna().to_numpy()
            chk.flag(
                blank,
                col,
                s,
                "missing_value",
                "weight is blank",
                fix,
                vi=("trọng số để trống", fix_vi),
            )
            w, _, bad_text = _numbers(s, None)
            chk.flag(
                bad_text, col, s, "not_numeric", "not a number", fix, vi=("không phải số", fix_vi)
            )
            with np.errstate(invalid="ignore"):
                bad = ~np.isnan(w) & ~(np.isfinite(w) & (w > 0))
                # a whole number of 9 to 12 digits: a phone or ID number typed in the wrong
                # cell (no respondent stands for more people than Viet Nam has)
                phone = ~bad & (w >= PHONE_LIKE_WEIGHT) & (w < 1e12) & (w == np.round(w))
            what = "weight is not positive and finite"
            chk.flag(
                bad,
                col,
                s,
                "invalid_weight",
                what,
                fix,
                vi=("trọng số không dương hoặc không hữu hạn", fix_vi),
            )
            chk.flag(
                phone,
                col,
                s,
                "invalid_weight",
                "a whole number of 9 or more digits: a phone or ID number typed into the weight "
                "cell? (no respondent stands for 100,000,000 people or more)",
                "move the number to its own column and write the design weight here",
                vi=(
                    "một số nguyên từ 9 chữ số trở lên: số điện thoại hay số CCCD ghi nhầm vào ô "
                    "trọng số? (không người trả lời nào đại diện cho từ 100.000.000 người trở lên)",
                    "chuyển số này sang đúng cột của nó và ghi trọng số thiết kế vào đây",
                ),
            )
            return None, np.where(bad | phone, np.nan, w)
        if col in (design.get("strata"), design.get("psu")):
            role = "stratum" if col == design.get("strata") else "PSU"
            role_vi = "tầng" if role == "stratum" else "đơn vị mẫu bậc 1"
            blank = s.isna().to_numpy()
            chk.flag(
                blank,
                col,
                s,
                "missing_value",
                f"{role} is blank",
                f"give every row its {role}",
                vi=(f"{role_vi} để trống", f"ghi {role_vi} cho mọi dòng"),
            )
            return None, _variants(chk, s, col, levels.get(col))
        if col in spec.lookups:
            lookup = spec.lookups[col]
            uniques = levels[col] if col in levels else _distinct(s)
            found = [find_label(lookup, u) for u in uniques]
            if found == uniques:  # written as the codes already (most files): kept as read
                return None, _text(s)
            codes = _codes(s, uniques)
            bad = (codes >= 0) & np.array([x is None for x in found] + [False])[codes]
            cl = spec.variables[col]["codes"]
            listed = "; ".join(f"{v['vi']} ({k})" for k, v in cl.items())
            say = Say(
                f"write one of its labels or codes: {listed} (or the English label), or leave "
                "the cell blank",
                f"ghi một nhãn hoặc mã của cột: {listed} (hoặc nhãn tiếng Anh), hoặc để trống",
                labels=tuple(v["vi"] for v in cl.values()),
            )
            idx = np.flatnonzero(bad)
            unknown = [k for k in range(len(uniques)) if found[k] is None]
            rest = np.isin(codes[idx], unknown[_SUGGESTED:])
            for k in [*unknown[:_SUGGESTED], -1]:  # each word with the label it is near
                mask = np.zeros(len(s), dtype=bool)
                mask[idx[rest if k < 0 else codes[idx] == k]] = True
                if not mask.any():
                    continue
                near = _suggest(uniques[k], say.labels) if k >= 0 else None
                hint = f" (did you mean {near!r}?)" if near else ""
                hint_vi = f" (có phải là {near!r}?)" if near else ""
                chk.flag(
                    mask,
                    col,
                    s,
                    "unknown_category",
                    f"not a code or label of {col}",
                    say.fix + hint,
                    vi=(f"không phải mã hay nhãn của cột {col}", say.fix_vi + hint_vi),
                )
            return None, _take_text(found, codes)  # a blank (-1) or an unknown label: missing
        if col in spec.text_domains:
            return None, _variants(chk, s, col, levels.get(col))
        if col in spec.filled or col in spec.variables or col in spec.personal:
            return None, _text(s)
        return None, _extra_column(s)


def validate(table: Table, name: str, spec: ColumnSpec, on_error: str) -> Checked:
    """Check every column of ``table``; raise (``on_error="raise"``) or account for problems."""
    header = [spec.canonical(h) if h else "" for h in table.header]
    for h, c in zip(table.header, header, strict=True):
        if c != h:
            log.info("%s: column %r read as %r", name, h, c)
    check_header(header, name, spec, table.header_row)

    chk = _Checker(name, table, spec)
    n = len(table)
    for issue in table.rows:
        chk.found.append(Found(issue.pos, issue.check, issue.problem, True))
    cols: dict[str, pd.Series] = {}
    for j, c in enumerate(header):
        if c:
            s = table.columns[j]
            cols[c] = (
                s
                if isinstance(s.index, pd.RangeIndex) and s.index.start == 0
                else (s.reset_index(drop=True))
            )
    for j in (j for j, c in enumerate(header) if not c):
        s = table.columns[j]
        for pos in np.flatnonzero(s.notna().to_numpy()):
            value, note, note_vi = chk.shown(None, s.iloc[pos])
            p = Problem(
                f"a value in column {j + 1}, which has no name in the header row{note}",
                "delete the stray value, quote a value holding the separator, or name the column",
                name,
                int(table.numbers[pos]),
                None,
                value,
                what_vi=f"có giá trị ở cột {j + 1}, cột không có tên ở dòng tiêu đề{note_vi}",
                fix_vi="xóa giá trị thừa, đặt trong ngoặc kép giá trị có dấu phân cách, hoặc "
                "đặt tên cho cột",
            )
            chk.found.append(Found(int(pos), "stray_value", p, True))
    design = spec.design
    lost: set[tuple[int, str]] = set()  # cells the reader could not read: blank, not "missing"
    blanked: set[str] = set()  # columns with such a cell blanked here
    coded = {*spec.scale, *spec.assessment, *spec.expectations, *spec.lookups}
    coded |= {design.get("responded"), design.get("weight")} - {None}
    for issue in table.cells:
        c = header[issue.column] if issue.column < len(header) else ""
        if issue.check == "unicode_form" and c in coded:
            continue  # a code or label is read whatever its Unicode form: nothing to report
        p = Problem(
            issue.what,
            issue.fix,
            name,
            int(table.numbers[issue.pos]),
            c or None,
            what_vi=issue.what_vi or None,
            fix_vi=issue.fix_vi or None,
        )
        excludes = not issue.keeps and (not c or c in spec.essential)
        chk.found.append(Found(issue.pos, issue.check, p, excludes))
        lost.add((issue.pos, c))
        if c and not issue.keeps and c not in spec.essential:
            s = cols[c].copy()
            s.iloc[issue.pos] = None if not pd.api.types.is_numeric_dtype(s.dtype) else np.nan
            cols[c] = s
            blanked.add(c)

    for c in list(cols):
        too_long = _too_long(cols[c])
        if too_long is None:
            continue
        chk.flag(
            too_long,
            c,
            cols[c],
            "cell_too_long",
            f"a cell longer than {MAX_CELL:,} characters: no answer is that long (the file is "
            "damaged, or a long text was pasted into a cell)",
            "shorten or delete the cell, or export the file again",
            vi=(
                f"một ô dài hơn {MAX_CELL:,} ký tự".replace(",", ".")
                + ": không câu trả lời nào dài như vậy (tệp bị hỏng, hoặc một đoạn văn bản "
                "dài bị dán vào ô)",
                "rút ngắn hoặc xóa ô này, hoặc xuất lại tệp",
            ),
        )
        if c not in spec.essential:
            cols[c] = cols[c].where(~too_long)
            blanked.add(c)
            lost.update((int(i), c) for i in np.flatnonzero(too_long))
    # columns parsed as integers: their values and blank mask, as read
    whole = {header[j]: vm for j, vm in table.integers.items() if header[j] not in blanked}
    # text columns whose distinct values the reader found
    levels = {header[j]: v for j, v in table.levels.items() if header[j] not in blanked}
    design = spec.design
    for col in [c for c in cols if c in design.values() and c not in spec.filled]:
        if cols[col].isna().all():  # e.g. a template's column the survey did not use
            log.info("%s: column %r is blank in every row: read as absent", name, col)
            del cols[col]
    checks = _ColumnChecks(chk, whole, levels)
    # columns are checked independently (numpy and pyarrow release the GIL): two at a time;
    # problems are sorted by row and column below, so the order they are found in is no matter
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(checks.check, cols, cols.values()))
    out: dict[str, Any] = {}
    coded: dict[str, Any] = {}
    for col, (as_coded, value) in zip(cols, results, strict=True):
        if as_coded is not None:
            coded[col] = as_coded
        out[col] = value
    ids = levels.get(spec.id)  # the reader's distinct ids: as many as filled cells, all differ
    distinct = ids is not None and len(ids) == int(cols[spec.id].notna().sum())
    check_ids(cols[spec.id], spec.id, chk, distinct=distinct)
    chk.found = [
        f
        for f in chk.found
        if not (f.check == "missing_value" and (f.pos, f.problem.column) in lost)
    ]

    order = {c: j for j, c in enumerate(header) if c}
    found = sorted(
        chk.found,
        key=lambda f: (
            f.problem.row or 0,
            -1 if f.problem.column is None else order.get(f.problem.column, -1),
        ),
    )
    if on_error == "raise":
        listed = [f.problem for f in found if f.listed]
        if listed:
            raise InputError(listed)
    data = pd.DataFrame(out, index=pd.RangeIndex(n), copy=False)
    codes_frame = pd.DataFrame(coded, index=pd.RangeIndex(n), copy=False)
    ids = _text(cols[spec.id])
    excluded = sorted({f.pos for f in found if f.excludes})
    by_pos: dict[int, list[Found]] = {}
    for f in found:
        if f.pos in excluded or not f.excludes:
            by_pos.setdefault(f.pos, []).append(f)
    ex = set(excluded)
    account = pd.DataFrame(
        {
            "row": pd.Series([int(table.numbers[i]) for i in excluded], dtype="int64"),
            "respondent_id": pd.Series([ids.iloc[i] for i in excluded], dtype="str"),
            "check": pd.Series(
                [", ".join(dict.fromkeys(f.check for f in by_pos[i])) for i in excluded],
                dtype="str",
            ),
            "reason": pd.Series(
                ["; ".join(reason(f.problem) for f in by_pos[i]) for i in excluded], dtype="str"
            ),
        }
    )
    cells = [f for f in found if f.pos not in ex]
    cell_account = pd.DataFrame(
        {
            "row": pd.Series([int(table.numbers[f.pos]) for f in cells], dtype="int64"),
            "respondent_id": pd.Series([ids.iloc[f.pos] for f in cells], dtype="str"),
            "column": pd.Series([f.problem.column for f in cells], dtype="str"),
            "check": pd.Series([f.check for f in cells], dtype="str"),
            "action": pd.Series(
                [
                    "spelling unified" if f.check in UNIFYING_CHECKS else "set missing"
                    for f in cells
                ],
                dtype="str",
            ),
            "reason": pd.Series([reason(f.problem) for f in cells], dtype="str"),
        }
    )
    if excluded:
        keep = np.ones(n, dtype=bool)
        keep[excluded] = False
        data = data[keep].reset_index(drop=True)
        codes_frame = codes_frame[keep].reset_index(drop=True)
    costs = [
        (
            f.problem,
            "excluded"
            if f.pos in ex
            else ("spelling unified" if f.check in UNIFYING_CHECKS else "set missing"),
        )
        for f in found
        if f.listed
    ]
    return Checked(data, codes_frame, account, cell_account, costs)


def _too_long(s: pd.Series) -> np.ndarray | None:
    """Which cells of a text column hold more than :data:`MAX_CELL` characters (None when
    none do: one pass over the column's byte lengths)."""
    if pd.api.types.is_numeric_dtype(s.dtype):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(s, type=pa.string(), from_pandas=True)
    size = pc.binary_length(arr)
    top = pc.max(size).as_py()
    if top is None or top <= MAX_CELL:  # a character is at least one byte
        return None
    long = pc.greater(pc.utf8_length(arr), MAX_CELL).fill_null(False).to_numpy(False)
    return long if long.any() else None


def _spelling(label: str) -> str:
    return re.sub(r"\s+", " ", label).strip().casefold()


def _variants(chk: _Checker, t: pd.Series, col: str, values: list[str] | None = None) -> pd.Series:
    """Unify spellings of one label that differ only by case or blanks, flagging each cell.

    ``values``: the column's distinct filled values, when known (then a column without two
    spellings of one label costs no count).
    """
    if values is not None and len({_spelling(v) for v in values}) == len(values):
        return _text(t)
    counts = t.value_counts()
    counts = counts[counts > 0]
    if len(counts) < 2:
        return _text(t)
    keys = pd.Series([_spelling(str(u)) for u in counts.index])
    groups = keys.groupby(keys).size()
    if not (groups > 1).any():
        return _text(t)
    t = _text(t)
    canon: dict[str, str] = {}
    for spelling, key in zip(counts.index, keys, strict=True):  # most frequent first
        canon.setdefault(key, spelling)
    rewrite = {
        spelling: canon[key]
        for spelling, key in zip(counts.index, keys, strict=True)
        if canon[key] != spelling
    }
    for spelling, target in rewrite.items():
        mask = (t == spelling).fillna(False).to_numpy(dtype=bool)
        chk.flag(
            mask,
            col,
            t,
            "label_variant",
            f"written differently from {target!r} only by case or spacing (read as {target!r})",
            f"write it as {target!r}, so that both count as one {col}",
            excludes=False,
            vi=(
                f"viết khác {target!r} chỉ ở chữ hoa/thường hoặc khoảng trắng (đọc là {target!r})",
                f"ghi là {target!r} để cả hai được tính là một {col}",
            ),
        )
    return t.replace(rewrite)


def check_header(header: list[str], name: str, spec: ColumnSpec, header_row: int | None) -> None:
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
                    what_vi=f"hai cột cùng tên {c!r} (cột {seen[c] + 1} và {j + 1})",
                    fix_vi="đổi tên hoặc xóa một trong hai cột",
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
        hints_vi = "; ".join(f"có phải {m[0]!r} là {c!r}?" for c, m in near if m)
        problems.append(
            Problem(
                f"required column{'s' if many else ''} missing: {', '.join(missing)}",
                f"add {'them' if many else 'it'} to the file, named as in the instrument "
                f"{spec.inst.name!r}" + (f" ({hints})" if hints else ""),
                name,
                header_row,
                what_vi=f"thiếu cột bắt buộc: {', '.join(missing)}",
                fix_vi=f"thêm {'các cột này' if many else 'cột này'} vào tệp, đặt tên như trong "
                f"bộ câu hỏi {spec.inst.name!r} (hoặc dùng mẫu của `govsurvey template`)"
                + (f" ({hints_vi})" if hints_vi else ""),
            )
        )
    if problems:
        raise InputError(problems)


def check_ids(raw_ids: pd.Series, col: str, chk: _Checker, distinct: bool = False) -> None:
    """Flag every copy of a duplicated id, and ids that are one number written two ways.

    ``distinct``: the reader found the ids all different already.
    """
    ids = _text(raw_ids)
    if _distinct_whole_numbers(ids):  # then no two are the same id, or the same number
        return
    fix = "give each respondent a unique ID, or delete the repeated row"
    fix_vi = "ghi cho mỗi phiếu một mã riêng, hoặc xóa dòng lặp lại"
    if distinct or _all_distinct(ids):
        dup = np.zeros(len(ids), dtype=bool)
    else:
        dup = (ids.duplicated(keep=False) & ids.notna()).to_numpy()
    if dup.any():
        sub = ids[dup]
        for value, idx in sub.groupby(sub, sort=False).groups.items():
            rows = [int(chk.numbers[i]) for i in idx]
            for i, r in zip(idx[1:], rows[1:], strict=True):
                what = f"respondent ID duplicated: rows {rows[0]} and {r} hold the same ID"
                what_vi = f"mã phiếu bị trùng: dòng {rows[0]} và {r} có cùng mã"
                p = Problem(what, fix, chk.name, r, col, value, what_vi, fix_vi)
                chk.found.append(Found(int(i), "duplicate_id", p, True))
            # the first copy is excluded too (the file cannot tell which copy is genuine); it
            # is not listed again in a raised error, whose later copies name it already
            what = f"respondent ID duplicated (rows {', '.join(map(str, rows))})"
            what_vi = f"mã phiếu bị trùng (dòng {', '.join(map(str, rows))})"
            p = Problem(what, fix, chk.name, rows[0], col, value, what_vi, fix_vi)
            chk.found.append(Found(int(idx[0]), "duplicate_id", p, True, listed=False))
    if pd.api.types.is_numeric_dtype(raw_ids.dtype):
        return
    _invisible_collisions(ids, dup, col, chk)
    # only an id written as a number in a non-canonical way (01, 1.0, +1, 1e3) can collide
    odd = ids.str.contains(r"^[+-]|^0\d|[.eE]", regex=True).fillna(False).to_numpy(dtype=bool)
    if not odd.any():
        return
    odd_num = pd.to_numeric(ids[odd], errors="coerce")
    canon = {cell_text(x) for x in odd_num.dropna()}
    cand = odd | ids.isin(canon).to_numpy(dtype=bool)
    num = pd.Series(np.nan, index=ids.index)
    num[cand] = pd.to_numeric(ids[cand], errors="coerce")
    clash = (num.duplicated(keep=False) & num.notna()).to_numpy() & ~dup
    if not clash.any():
        return
    sub = ids[clash]
    for _, idx in sub.groupby(num[clash], sort=False).groups.items():
        rows = [int(chk.numbers[i]) for i in idx]
        texts = [ids.iloc[i] for i in idx]
        if len(set(texts)) < 2:
            continue
        for i, r, t in zip(idx, rows, texts, strict=True):
            others = ", ".join(
                f"{u!r} (row {q})" for u, q in zip(texts, rows, strict=True) if q != r
            )
            what = (
                f"respondent ID is the same number as {others}, written differently: a program "
                "that reads IDs as numbers would merge them"
            )
            fix = (
                "write every ID the same way (e.g. without leading zeros or '.0'), or make "
                "them differ"
            )
            p = Problem(what, fix, chk.name, r, col, t)
            chk.found.append(Found(int(i), "id_collision", p, True))


#: Characters that print as nothing or as a plain space: zero-width and format characters
#: (U+200B-U+200F, U+2060, U+FEFF, soft hyphen) and no-break or typographic spaces.
_INVISIBLE = "[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]"
_ODD_SPACE = "[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"


def _invisible_collisions(ids: pd.Series, dup: np.ndarray, col: str, chk: _Checker) -> None:
    """Flag ids that print the same as another but differ by an invisible character.

    ``"A12"`` and ``"A\u200b12"`` (a zero-width space), or ``"A 12"`` and ``"A\u00a012"`` (a
    no-break space), are two ids to a program and one to a reader of the form: every copy is
    flagged as an ``id_collision``, as ids that are one number written two ways.
    """
    pat = f"{_INVISIBLE}|{_ODD_SPACE}"
    odd = ids.str.contains(pat, regex=True).fillna(False).to_numpy(dtype=bool)
    if not odd.any():
        return
    shown = ids.str.replace(_INVISIBLE, "", regex=True).str.replace(_ODD_SPACE, " ", regex=True)
    cand = odd | ids.isin(set(shown[odd].dropna())).to_numpy(dtype=bool)
    key = shown.where(cand)
    clash = (key.duplicated(keep=False) & key.notna()).to_numpy() & ~dup
    if not clash.any():
        return
    sub = ids[clash]
    for _, idx in sub.groupby(key[clash], sort=False).groups.items():
        pos = [ids.index.get_loc(i) for i in idx]
        rows = [int(chk.numbers[i]) for i in pos]
        texts = [ids.iloc[i] for i in pos]
        if len(set(texts)) < 2:
            continue
        for i, r, t in zip(pos, rows, texts, strict=True):
            others = ", ".join(
                f"{u!r} (row {q})" for u, q in zip(texts, rows, strict=True) if q != r
            )
            what = (
                f"respondent ID prints the same as {others} but differs by an invisible "
                "character (a zero-width or no-break space): two forms would be counted as "
                "different respondents"
            )
            fix = "retype the ID without invisible characters, or make the IDs differ visibly"
            p = Problem(what, fix, chk.name, r, col, t)
            chk.found.append(Found(int(i), "id_collision", p, True))


def _distinct_whole_numbers(ids: pd.Series) -> bool:
    """Whether every id is filled in and a whole number, all numbers different (as most id
    columns are: one pass when they are in increasing order, else a sort)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(ids, type=pa.string(), from_pandas=True)
    if arr.null_count or len(arr) < 2:
        return False
    try:
        x = pc.cast(arr, pa.int64()).to_numpy()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    if (x[1:] > x[:-1]).all():
        return True
    x = np.sort(x)
    return not (x[1:] == x[:-1]).any()


def _all_distinct(ids: pd.Series) -> bool:
    """Whether the non-missing ids are all different (pyarrow's hash, faster than pandas')."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.array(ids, type=pa.string(), from_pandas=True)
        uniq = pc.unique(arr)
        return len(uniq) - uniq.null_count == len(arr) - arr.null_count
    except Exception:  # noqa: BLE001 - fall back to the pandas check
        return False


def reason(p: Problem) -> str:
    """A problem as one clause of a row's reason (column, what, value)."""
    where = f"{p.column}: " if p.column else ""
    value = "" if p.value is None else f" (value {p.value!r})"
    return f"{where}{p.what}{value}"


def _extra_column(s: pd.Series) -> pd.Series:
    """A column the instrument does not know: numbers when every value is one, else text."""
    if pd.api.types.is_numeric_dtype(s.dtype):
        return s.astype("float64")
    s = s.astype("str")
    v = as_numbers(s)
    return s if v is None else pd.Series(v, dtype="float64", copy=False)
