"""Tables people read: labels not codes, percentages with two decimals, no internal columns.

Each function takes a result frame (after the publication guard, so suppressed cells have NaN
figures and ``suppressed=True``) and returns a :class:`Table`: the cells as the reader sees
them, with headers in the report language, "—" and a footnote for suppressed cells, no row
numbers and none of ``df``, ``suppressed``, ``level`` or ``*_domain``. A :class:`Table` renders
itself as HTML in a notebook. Nothing here computes a statistic.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..collation import vi_key
from . import i18n
from .i18n import DASH, text

__all__ = [
    "Table",
    "STYLE",
    "variable_label",
    "value_label",
    "code_label",
    "suppressed",
    "index_table",
    "domain_table",
    "target_table",
    "baseline_table",
    "ranking_table",
    "truth_table",
    "excluded_table",
]

#: CSS for tables, figures and notes; the notebook displays it once (:func:`Table` classes).
STYLE = """<style>
table.gs-table { border-collapse: collapse; margin: 0.4em 0 0.2em; font-size: 0.9em; }
table.gs-table caption { caption-side: top; text-align: left; font-weight: 600;
  padding: 0.3em 0; color: #1a1a1a; }
table.gs-table th { background: #eef3f8; text-align: left !important; padding: 0.35em 0.6em;
  border-bottom: 2px solid #1f4e79; vertical-align: bottom; }
table.gs-table td { text-align: left !important; padding: 0.3em 0.6em;
  border-bottom: 1px solid #dde3ea; }
table.gs-table th.num { text-align: right !important; }
table.gs-table td.num { text-align: right !important; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
table.gs-table th { max-width: 11em; }
table.gs-table tr.gs-strong td { font-weight: 600; }
p.gs-note { font-size: 0.85em; color: #444; margin: 0 0 1.2em; }
figure.gs-figure { margin: 1em 0 1.5em; }
figure.gs-figure img { max-width: 100%; height: auto; }
figure.gs-figure figcaption { font-size: 0.9em; color: #222; margin-top: 0.3em; }
</style>"""


@dataclass
class Table:
    """A table as the reader sees it.

    Attributes
    ----------
    frame : DataFrame
        The cells as text, headers in the report language (no index is ever shown).
    caption : str
        The caption (without its number).
    notes : list of str
        Footnotes printed under the table (e.g. what "—" means).
    numeric : list of str
        Headers of right-aligned (numeric) columns.
    number : str
        "Bảng 3." / "Table 3." once numbered (see :class:`govsurvey.publish.figures.Numbering`).
    strong : list of int
        Rows printed in bold (e.g. the overall index).
    """

    frame: pd.DataFrame
    caption: str = ""
    notes: list[str] = field(default_factory=list)
    numeric: list[str] = field(default_factory=list)
    number: str = ""
    strong: list[int] = field(default_factory=list)

    def to_html(self) -> str:
        """The table as an HTML ``<table>`` with its caption and footnotes.

        Examples
        --------
        >>> import pandas as pd
        >>> from govsurvey.publish.tables import Table
        >>> t = Table(pd.DataFrame({"Mã": ["C1"], "Tỷ lệ": ["80,00%"]}), "Ví dụ", ["ghi chú"])
        >>> "<th>Mã</th>" in t.to_html() and "<tr><td>C1</td>" in t.to_html()
        True
        """
        esc = html.escape
        cap = " ".join(x for x in (self.number, self.caption) if x)
        num = {i for i, c in enumerate(self.frame.columns) if c in self.numeric}
        head = "".join(
            f'<th class="num">{esc(str(c))}</th>' if i in num else f"<th>{esc(str(c))}</th>"
            for i, c in enumerate(self.frame.columns)
        )
        rows = []
        for r, values in enumerate(self.frame.itertuples(index=False, name=None)):
            cells = "".join(
                f'<td class="num">{esc(str(v))}</td>' if i in num else f"<td>{esc(str(v))}</td>"
                for i, v in enumerate(values)
            )
            cls = ' class="gs-strong"' if r in self.strong else ""
            rows.append(f"<tr{cls}>{cells}</tr>")
        out = (
            '<table class="gs-table">'
            + (f"<caption>{esc(cap)}</caption>" if cap else "")
            + f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
        for note in self.notes:
            out += f'<p class="gs-note">{esc(note)}</p>'
        return out

    def _repr_html_(self) -> str:
        return self.to_html()

    def __len__(self) -> int:
        return len(self.frame)


# --- labels ---------------------------------------------------------------------------------


def _variables(instrument: Any) -> dict[str, Any]:
    v = getattr(instrument, "variables", None)
    return v if isinstance(v, dict) else {}


def _variable(instrument: Any, column: str) -> str:
    """The instrument variable a frame column shows (``level_domain`` shows ``level``)."""
    names = _variables(instrument)
    if column not in names and column.endswith("_domain") and column[: -len("_domain")] in names:
        return column[: -len("_domain")]
    return column


def variable_label(instrument: Any, column: str, lang: str) -> str:
    """The label of a domain column in ``lang`` (``district`` → "Quận/huyện").

    A column renamed by the index to avoid a clash (``level_domain``) shows its variable's label.

    Examples
    --------
    >>> import govsurvey as gs
    >>> from govsurvey.publish.tables import variable_label
    >>> inst = gs.load_instrument("sipas-2017")
    >>> variable_label(inst, "level_domain", "vi"), variable_label(inst, "mode", "en")
    ('Cấp giải quyết', 'Survey mode')
    """
    entry = _variables(instrument).get(_variable(instrument, column))
    if isinstance(entry, dict) and entry.get(lang):
        return str(entry[lang])
    return column


def value_label(instrument: Any, column: str, value: Any, lang: str) -> str:
    """The label of a domain value from the instrument's code list, else the value itself.

    Examples
    --------
    >>> import govsurvey as gs
    >>> from govsurvey.publish.tables import value_label
    >>> inst = gs.load_instrument("sipas-2017")
    >>> value_label(inst, "mode", "face_to_face", "vi")
    'Phỏng vấn trực tiếp'
    >>> value_label(inst, "district", "Ba Vì", "en")
    'Ba Vì'
    """
    entry = _variables(instrument).get(_variable(instrument, column))
    codes = entry.get("codes") if isinstance(entry, dict) else None
    if isinstance(codes, dict):
        lab = codes.get(value, codes.get(str(value)))
        if isinstance(lab, dict) and lab.get(lang):
            return str(lab[lang])
        if isinstance(lab, str):
            return lab
    return str(value)


def unit_order(instrument: Any, column: str, values: Sequence[Any], lang: str) -> list:
    """Domain values in a reader's order: a coded variable's values in the order of its code
    list (commune, district, province), names (districts, wards) in Vietnamese alphabetical
    order of their labels ("Đ" after "D"; "Hà Đông" before "Hoàng Mai").

    Examples
    --------
    >>> import govsurvey as gs
    >>> from govsurvey.publish.tables import unit_order
    >>> inst = gs.load_instrument("sipas-2017")
    >>> unit_order(inst, "district", ["Hoàng Mai", "Đống Đa", "Hà Đông", "Tây Hồ"], "vi")
    ['Đống Đa', 'Hà Đông', 'Hoàng Mai', 'Tây Hồ']
    >>> unit_order(inst, "level", ["province", "commune", "district"], "vi")
    ['commune', 'district', 'province']
    """
    entry = _variables(instrument).get(_variable(instrument, column))
    codes = entry.get("codes") if isinstance(entry, dict) else None
    if isinstance(codes, dict) and codes:
        pos = {str(k): i for i, k in enumerate(codes)}
        return sorted(values, key=lambda v: (pos.get(str(v), len(pos)), vi_key(v)))
    return sorted(values, key=lambda v: vi_key(value_label(instrument, column, v, lang)))


def code_label(instrument: Any, code: str, lang: str) -> str:
    """The label of an index code (criterion, component, ``SIPAS``) in ``lang``.

    Examples
    --------
    >>> import govsurvey as gs
    >>> from govsurvey.publish.tables import code_label
    >>> code_label(gs.load_instrument("sipas-2017"), "SIPAS", "vi")
    'Chỉ số SIPAS'
    """
    if code == "SIPAS":
        return "Chỉ số SIPAS" if lang == "vi" else "SIPAS index"
    try:
        return str(instrument.label(str(code), lang))
    except (KeyError, AttributeError):
        return str(code)


# --- helpers --------------------------------------------------------------------------------


def _level(frame: pd.DataFrame, level: float | None) -> float:
    return float(level if level is not None else frame.attrs.get("level", 0.95))


def suppressed(frame: pd.DataFrame) -> np.ndarray:
    """Rows the guard suppressed (none in a frame it has not guarded).

    Examples
    --------
    >>> import pandas as pd
    >>> suppressed(pd.DataFrame({"suppressed": [True, None, False]})).tolist()
    [True, False, False]
    """
    if "suppressed" not in frame:
        return np.zeros(len(frame), bool)
    return frame["suppressed"].astype("boolean").fillna(False).to_numpy(bool)


def _hidden(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose figures are not shown: suppressed by the guard, or not estimable."""
    est = frame["estimate"].to_numpy(float) if "estimate" in frame else np.zeros(len(frame))
    return suppressed(frame) | ~np.isfinite(est)


def _notes(frame: pd.DataFrame, lang: str, min_cell: int | None) -> list[str]:
    notes = []
    sup = suppressed(frame) if "suppressed" in frame else None
    if sup is not None and sup.any() and min_cell is not None:
        notes.append(text("footnote_suppressed", lang, min_cell=i18n.integer(min_cell, lang)))
    hidden = _hidden(frame)
    if hidden.any() and (sup is None or (hidden & ~sup).any() or min_cell is None):
        notes.append(text("footnote_missing", lang))
    return notes


def _ci(lo: Any, hi: Any, lang: str) -> str:
    if not (np.isfinite(float(lo)) and np.isfinite(float(hi))):
        return DASH
    return f"{i18n.pct(lo, lang)} – {i18n.pct(hi, lang)}"


def _by_columns(
    frame: pd.DataFrame, instrument: Any, by: Sequence[str], lang: str
) -> dict[str, list[str]]:
    return {
        variable_label(instrument, b, lang): [value_label(instrument, b, v, lang) for v in frame[b]]
        for b in by
    }


def _counts(values: pd.Series, lang: str) -> list[str]:
    return [i18n.integer(v, lang) for v in values]


# --- tables ---------------------------------------------------------------------------------


def index_table(
    index: pd.DataFrame,
    instrument: Any,
    lang: str,
    by: Sequence[str] = (),
    caption: str = "",
    min_cell: int | None = None,
    level: float | None = None,
) -> Table:
    """Index figures (criteria, components, overall) as a reader's table.

    Parameters
    ----------
    index : DataFrame
        An index frame after the publication guard.
    instrument : Instrument
        For labels of codes and of domain values.
    lang : {"vi", "en"}
    by : sequence of str
        Domain columns of ``index`` to show first (by their labels).
    caption : str
    min_cell : int, optional
        Named in the footnote of suppressed cells.
    level : float, optional
        Confidence level of the intervals; by default the one the frame records.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.publish.tables import index_table
    >>> idx = pd.DataFrame({"mode": ["face_to_face", "post"], "level": ["overall"] * 2,
    ...     "code": ["SIPAS"] * 2, "estimate": [79.73, float("nan")], "se": [1.2, float("nan")],
    ...     "ci_low": [77.1, float("nan")], "ci_high": [82.0, float("nan")],
    ...     "df": [118.0, 3.0], "n": [640, 12], "suppressed": [False, True]})
    >>> t = index_table(idx, gs.load_instrument("sipas-2017"), "vi", by=["mode"], min_cell=30)
    >>> t.frame.iloc[0].tolist()
    ['Phỏng vấn trực tiếp', 'SIPAS', 'Chỉ số SIPAS', '79,73%', '1,20', '77,10% – 82,00%', '640']
    >>> t.frame.iloc[1, 3], t.notes[0][:45]
    ('—', '— : không công bố vì có dưới 30 người trả lời')
    """
    lv = _level(index, level)
    hide = _hidden(index)
    cols: dict[str, list[str]] = _by_columns(index, instrument, by, lang)
    cols[text("col_code", lang)] = [str(c) for c in index["code"]]
    cols[text("col_label", lang)] = [code_label(instrument, c, lang) for c in index["code"]]
    est = [DASH if h else i18n.pct(v, lang) for h, v in zip(hide, index["estimate"], strict=True)]
    se = [DASH if h else i18n.num(v, lang) for h, v in zip(hide, index["se"], strict=True)]
    ci = [
        DASH if h else _ci(lo, hi, lang)
        for h, lo, hi in zip(hide, index["ci_low"], index["ci_high"], strict=True)
    ]
    h_est, h_se = text("col_estimate", lang), text("col_se", lang)
    h_ci, h_n = text("col_ci", lang, level=i18n.level_pct(lv, lang)), text("col_n", lang)
    cols[h_est], cols[h_se], cols[h_ci] = est, se, ci
    cols[h_n] = _counts(index["n"], lang) if "n" in index else [DASH] * len(index)
    strong = (
        [i for i, v in enumerate(index["level"]) if v == "overall"]
        if "level" in index and by == ()
        else []
    )
    return Table(
        pd.DataFrame(cols),
        caption,
        _notes(index, lang, min_cell),
        [h_est, h_se, h_ci, h_n],
        strong=strong,
    )


def domain_table(
    by_unit: pd.DataFrame,
    unit: str,
    instrument: Any,
    lang: str,
    codes: Sequence[str] = ("SIPAS", "C1", "C2", "C3", "C4", "C5"),
    caption: str = "",
    min_cell: int | None = None,
) -> Table:
    """Figures by domain, one row per domain value and one column per code (a reader's layout).

    Columns: the domain (its labels), each code's estimate with its interval in the next
    column for the first code, and the size ``n`` of the first code's cell; suppressed cells
    show "—" with a footnote.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.publish.tables import domain_table
    >>> idx = pd.DataFrame({"level_domain": ["commune", "commune", "province", "province"],
    ...     "level": ["overall", "component"] * 2, "code": ["SIPAS", "C1"] * 2,
    ...     "estimate": [80.0, 82.0, float("nan"), float("nan")], "se": [1.0, 1.0, None, None],
    ...     "ci_low": [78.0, 80.0, None, None], "ci_high": [82.0, 84.0, None, None],
    ...     "n": [400, 400, None, None], "suppressed": [False, False, True, True]})
    >>> t = domain_table(idx, "level_domain", gs.load_instrument("sipas-2017"), "en",
    ...                  codes=["SIPAS", "C1"], min_cell=30)
    >>> t.frame.columns.tolist()[:3]
    ['Level', 'SIPAS index', '95% confidence interval']
    >>> t.frame.values.tolist()
    [['Commune', '80.00%', '78.00% – 82.00%', '82.00%', '400'], ['Province', '—', '—', '—', '—']]
    """
    lvp = i18n.level_pct(_level(by_unit, None), lang)
    d = by_unit[by_unit["code"].isin(list(codes))]
    values = unit_order(instrument, unit, list(dict.fromkeys(d[unit])), lang)
    hide = pd.Series(_hidden(d), index=d.index)
    cols: dict[str, list[str]] = {
        variable_label(instrument, unit, lang): [
            value_label(instrument, unit, v, lang) for v in values
        ]
    }
    numeric = []
    for k, code in enumerate(codes):
        rows = d[d["code"] == code].set_index(unit).reindex(values)
        hid = hide.loc[d["code"] == code].set_axis(d.loc[d["code"] == code, unit]).reindex(values)
        hid = hid.fillna(True).to_numpy(bool)
        h = code_label(instrument, code, lang)
        cols[h] = [
            DASH if x else i18n.pct(v, lang) for x, v in zip(hid, rows["estimate"], strict=True)
        ]
        numeric.append(h)
        if k == 0:
            h_ci = text("col_ci", lang, level=lvp)
            cols[h_ci] = [
                DASH if x else _ci(a, b, lang)
                for x, a, b in zip(hid, rows["ci_low"], rows["ci_high"], strict=True)
            ]
            numeric.append(h_ci)
            # a cell's size is shown unless suppressed: a figure not estimable still has one
            n_cell = pd.to_numeric(rows["n"], errors="coerce")
            first_n = [
                DASH if x or pd.isna(v) else i18n.integer(v, lang)
                for x, v in zip(suppressed(rows), n_cell, strict=True)
            ]
    h_n = text("col_n", lang)
    cols[h_n] = first_n
    numeric.append(h_n)
    return Table(pd.DataFrame(cols), caption, _notes(d, lang, min_cell), numeric)


def _verdict(v: Any, lang: str) -> str:
    key = f"v_{v}"
    return text(key, lang) if key in i18n.TEXT else DASH


def target_table(
    tests: pd.DataFrame,
    instrument: Any,
    lang: str,
    unit: str | None = None,
    caption: str = "",
    min_cell: int | None = None,
    level: float | None = None,
) -> Table:
    """Target tests (:func:`govsurvey.inference.target_test` and kin) as a reader's table.

    The one-sided bounds the verdict is read from are printed beside it; p-values read
    "< 0,001" rather than 0.00.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.inference import level_targets
    >>> idx = pd.DataFrame({"code": ["C5"], "estimate": [88.0], "se": [1.0], "n": [900]})
    >>> t = target_table(level_targets(idx, {"C5": 85}), gs.load_instrument("sipas-2017"), "en")
    >>> t.frame.iloc[0].tolist()[3:]
    ['85.00%', '86.36%', '89.64%', '0.001', 'Met']
    """
    lv = _level(tests, level)
    lvp = i18n.level_pct(lv, lang)
    hide = _hidden(tests)
    cols: dict[str, list[str]] = _by_columns(tests, instrument, [unit] if unit else [], lang)
    if unit is None:
        cols[text("col_code", lang)] = [str(c) for c in tests["code"]]
        cols[text("col_label", lang)] = [code_label(instrument, c, lang) for c in tests["code"]]
    h = {
        k: text(k, lang, level=lvp)
        for k in ("col_estimate", "col_target", "col_lower", "col_upper", "col_p", "col_verdict")
    }

    def fmt(col: str, f: Any) -> list[str]:
        return [DASH if x else f(v) for x, v in zip(hide, tests[col], strict=True)]

    cols[h["col_estimate"]] = fmt("estimate", lambda v: i18n.pct(v, lang))
    cols[h["col_target"]] = [i18n.pct(v, lang) for v in tests["target"]]
    cols[h["col_lower"]] = fmt("lower_bound", lambda v: i18n.pct(v, lang))
    cols[h["col_upper"]] = fmt("upper_bound", lambda v: i18n.pct(v, lang))
    cols[h["col_p"]] = fmt("p_value", lambda v: i18n.pvalue(v, lang))
    cols[h["col_verdict"]] = [_verdict(v, lang) for v in tests["verdict"]]
    numeric = [h[k] for k in ("col_estimate", "col_target", "col_lower", "col_upper", "col_p")]
    return Table(pd.DataFrame(cols), caption, _notes(tests, lang, min_cell), numeric)


def baseline_table(
    test: pd.DataFrame,
    instrument: Any,
    lang: str,
    year: int | None = None,
    caption: str = "",
    level: float | None = None,
) -> Table:
    """Changes against a baseline (:func:`govsurvey.inference.baseline_test`), one row per test.

    Each code has a row for "has it risen" (threshold 0) and one per planned gain; each row
    prints the one-sided bounds of its own test and its verdict.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.inference import baseline_test
    >>> idx = pd.DataFrame({"level": ["component"], "code": ["C5"], "estimate": [84.0],
    ...                     "se": [1.0], "n": [900]})
    >>> r = baseline_test(idx, {"C5": 79.73}, gain=3.0)
    >>> t = baseline_table(r, gs.load_instrument("sipas-2017"), "vi", 2021)
    >>> t.frame.iloc[1].tolist()[2:]
    ['Tăng ít nhất 3,00 điểm', '79,73%', '84,00%', '+4,27', '82,73%', '82,36%', '85,64%', 'Chưa kết luận được']
    """  # noqa: E501
    lv = _level(test, level)
    lvp = i18n.level_pct(lv, lang)
    first = test.drop_duplicates(subset=["code"]).assign(
        _thr=0.0,
        _lo=lambda d: d["lower_bound"],
        _hi=lambda d: d["upper_bound"],
        _v=lambda d: d["rise_verdict"],
        _order=0,
    )
    parts = [first]
    if "gain" in test:
        g = test[test["gain"].notna()]
        parts.append(
            g.assign(
                _thr=g["gain_threshold"],
                _lo=g["gain_lower"],
                _hi=g["gain_upper"],
                _v=g["gain_verdict"],
                _order=1,
            )
        )
    rows = pd.concat(parts, ignore_index=True)
    order = {c: i for i, c in enumerate(dict.fromkeys(test["code"]))}
    rows = rows.assign(_c=rows["code"].map(order)).sort_values(["_c", "_order", "_thr"])
    rows = rows.reset_index(drop=True)
    yr = year if year is not None else ""
    tests = [
        text("test_rise", lang, year=yr)
        if o == 0
        else text(
            "test_gain_points" if u == "points" else "test_gain_relative",
            lang,
            gain=i18n.num(g, lang),
        )
        for o, u, g in zip(
            rows["_order"],
            rows.get("gain_unit", pd.Series([None] * len(rows))),
            rows.get("gain", pd.Series([np.nan] * len(rows))),
            strict=True,
        )
    ]
    cols: dict[str, list[str]] = {
        text("col_code", lang): [str(c) for c in rows["code"]],
        text("col_label", lang): [code_label(instrument, c, lang) for c in rows["code"]],
        text("col_test", lang): tests,
    }
    h_b = text("col_before", lang, year=yr)
    h_a, h_c = text("col_after", lang), text("col_change", lang)
    h_t = text("col_threshold", lang)
    h_lo, h_hi = text("col_lower", lang, level=lvp), text("col_upper", lang, level=lvp)
    cols[h_b] = [i18n.pct(v, lang) for v in rows["estimate_before"]]
    cols[h_a] = [i18n.pct(v, lang) for v in rows["estimate_after"]]
    cols[h_c] = [i18n.signed(v, lang) for v in rows["change"]]
    # what the survey's value must exceed, and the bounds of the test's own contrast, on the
    # scale of the survey's value (baseline + bound of the change): verdict = lower > threshold
    cols[h_t] = [
        i18n.pct(b + v, lang) for b, v in zip(rows["estimate_before"], rows["_thr"], strict=True)
    ]
    cols[h_lo] = [
        i18n.pct(b + v, lang) for b, v in zip(rows["estimate_before"], rows["_lo"], strict=True)
    ]
    cols[h_hi] = [
        i18n.pct(b + v, lang) for b, v in zip(rows["estimate_before"], rows["_hi"], strict=True)
    ]
    cols[text("col_verdict", lang)] = [_verdict(v, lang) for v in rows["_v"]]
    return Table(pd.DataFrame(cols), caption, [], [h_b, h_a, h_c, h_t, h_lo, h_hi])


def ranking_table(
    ranking: pd.DataFrame, unit: str, instrument: Any, lang: str, caption: str = ""
) -> Table:
    """A ranking with rank intervals (:func:`govsurvey.inference.rank_index`).

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.inference import rank_index
    >>> idx = pd.DataFrame({"district": ["A", "B"], "estimate": [90.0, 89.5],
    ...                     "se": [1.0, 1.0], "n": [300, 310]})
    >>> t = ranking_table(rank_index(idx, "district"), "district",
    ...                   gs.load_instrument("sipas-2017"), "vi")
    >>> t.frame.iloc[0].tolist()
    ['A', '90,00%', '1', '1 – 2', '300']
    """
    cols = _by_columns(ranking, instrument, [unit], lang)
    h_e, h_r = text("col_estimate", lang), text("col_rank", lang)
    h_ri, h_n = text("col_rank_interval", lang), text("col_n", lang)
    cols[h_e] = [i18n.pct(v, lang) for v in ranking["estimate"]]
    cols[h_r] = [str(int(v)) for v in ranking["rank"]]
    cols[h_ri] = [
        text("rank_range", lang, low=int(a), high=int(b))
        for a, b in zip(ranking["rank_low"], ranking["rank_high"], strict=True)
    ]
    cols[h_n] = _counts(ranking["n"], lang) if "n" in ranking else [DASH] * len(ranking)
    return Table(pd.DataFrame(cols), caption, [], [h_e, h_r, h_ri, h_n])


def truth_table(
    check: pd.DataFrame,
    instrument: Any,
    lang: str,
    caption: str = "",
    level: float | None = None,
) -> Table:
    """Estimates against known true values (synthetic data), from ``truth_check``.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> c = pd.DataFrame({"code": ["SIPAS"], "estimate": [85.0], "ci_low": [83.0],
    ...                   "ci_high": [87.0], "truth": [86.1], "covered": [True]})
    >>> truth_table(c, gs.load_instrument("sipas-2017"), "en").frame.iloc[0].tolist()
    ['SIPAS', 'SIPAS index', '85.00%', '83.00% – 87.00%', '86.10%', 'Yes']
    """
    lvp = i18n.level_pct(_level(check, level), lang)
    h_e, h_ci = text("col_estimate", lang), text("col_ci", lang, level=lvp)
    h_t, h_c = text("col_truth", lang), text("col_covered", lang)
    cols = {
        text("col_code", lang): [str(c) for c in check["code"]],
        text("col_label", lang): [code_label(instrument, c, lang) for c in check["code"]],
        h_e: [i18n.pct(v, lang) for v in check["estimate"]],
        h_ci: [_ci(a, b, lang) for a, b in zip(check["ci_low"], check["ci_high"], strict=True)],
        h_t: [i18n.pct(v, lang) for v in check["truth"]],
        h_c: [text("yes" if bool(v) else "no", lang) for v in check["covered"]],
    }
    return Table(pd.DataFrame(cols), caption, [], [h_e, h_ci, h_t])


def excluded_table(account: pd.DataFrame, lang: str, caption: str = "") -> Table:
    """Rows the reader excluded: the file's row number, the check and the reason.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.publish.tables import excluded_table
    >>> ex = pd.DataFrame({"row": [5], "check": ["duplicate_id"], "reason": ["repeated id"]})
    >>> excluded_table(ex, "vi").frame.columns.tolist()
    ['Dòng', 'Kiểm tra', 'Lý do']
    """
    cols = {
        text("col_row", lang): [i18n.integer(v, lang) for v in account["row"]]
        if "row" in account
        else [DASH] * len(account),
        text("col_check", lang): [
            ", ".join(i18n.check_label(c, lang) for c in str(v).split(", "))
            for v in account.get("check", [""] * len(account))
        ],
        text("col_reason", lang): [str(v) for v in account.get("reason", [""] * len(account))],
    }
    return Table(pd.DataFrame(cols), caption, [], [text("col_row", lang)])


def cells_table(cells: pd.DataFrame, lang: str, caption: str = "", rows: int = 8) -> Table:
    """Answers the reader set missing or rewrote, by column and check: how many, which rows.

    The reader's ``cell_account`` (``row, column, check, action``) counted per (column, check,
    action), with the first ``rows`` file rows of each, so a reader can find every one in the
    file (``govsurvey validate`` lists them all).

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.publish.tables import cells_table
    >>> c = pd.DataFrame({"row": [3, 9], "column": ["C2_1"] * 2, "check": ["invalid_code"] * 2,
    ...                   "action": ["set missing"] * 2})
    >>> cells_table(c, "en").frame.iloc[0].tolist()
    ['C2_1', 'invalid code', 'set missing', '2', '3, 9']
    """
    action = cells["action"] if "action" in cells else pd.Series("set missing", cells.index)
    c = cells.assign(action=action.astype(str), check=cells["check"].astype(str))
    g = c.groupby(["column", "check", "action"], sort=False)["row"]
    out = g.agg(
        n="size",
        rows=lambda r: (
            ", ".join(i18n.integer(v, lang) for v in sorted(r)[:rows])
            + (", …" if len(r) > rows else "")
        ),
    )
    out = out.reset_index()
    f = pd.DataFrame({
        text("col_column", lang): out["column"].astype(str),
        text("col_check", lang): [i18n.check_label(k, lang) for k in out["check"]],
        text("col_action", lang): [text(f"action_{a.replace(' ', '_')}", lang)
                                   if f"action_{a.replace(' ', '_')}" in i18n.TEXT else a
                                   for a in out["action"]],
        text("col_answers", lang): [i18n.integer(v, lang) for v in out["n"]],
        text("col_rows", lang): out["rows"].tolist(),
    })  # fmt: skip
    return Table(f, caption, numeric=[text("col_answers", lang)])
