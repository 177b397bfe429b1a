"""Shared checks of weighting targets: margins, totals tables and the sample's levels.

Every check raises one :class:`~govsurvey.errors.InputError` naming the column and level, so no
weights are produced from targets that do not fit the sample.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..design import ReplicateDesign
from ..errors import InputError

__all__ = [
    "Indicator",
    "is_replicate",
    "parse_margin",
    "level_index",
    "check_grand_totals",
    "frame_counts",
    "COUNT_NAMES",
]

COUNT_NAMES = ("N", "Freq", "count", "total", "n", "Pop.Freq")


class Indicator:
    """Grouped sums by a fixed row → group index (``-1`` = no group), the sparse indicator
    built once and reused by every sweep.

    Examples
    --------
    >>> Indicator(np.array([0, 1, -1, 0]), 2).sum(np.array([[1.0], [2.0], [3.0], [4.0]]))
    array([[5.],
           [2.]])
    """

    def __init__(self, code: np.ndarray, size: int):
        from scipy import sparse

        code = np.asarray(code, dtype=np.int64)
        keep = np.flatnonzero(code >= 0)
        self.size = size
        self.matrix = sparse.csr_matrix(
            (np.ones(len(keep)), (code[keep], keep)), shape=(size, len(code))
        )

    def sum(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(self.matrix @ values)


def is_replicate(design) -> bool:
    return isinstance(design, ReplicateDesign)


def label(x) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def labels(s: pd.Series) -> np.ndarray:
    """Each value as the text a level is matched by (``2.0`` reads ``"2"``), vectorised;
    missing values stay ``None``.

    Examples
    --------
    >>> labels(pd.Series([1.0, 2.0, None])).tolist()
    ['1', '2', None]
    """
    miss = s.isna().to_numpy()
    v = s
    if pd.api.types.is_float_dtype(s.dtype):
        x = s.to_numpy(dtype=float, na_value=np.nan)
        if np.all(np.isnan(x) | (x == np.round(x))):
            v = pd.Series(np.where(miss, 0, x).astype(np.int64), index=s.index)
    out = v.astype(str).to_numpy(dtype=object)
    out[miss] = None
    return out


def parse_margin(column: str, spec) -> tuple[list[str], np.ndarray]:
    """Levels (as text) and totals of one margin given as a dict, Series or 2-column frame."""
    if isinstance(spec, pd.DataFrame):
        cnt = [c for c in spec.columns if c != column]
        if column not in spec.columns or len(cnt) != 1:
            raise InputError.one(
                f"the margin table for {column!r} must have the column {column!r} and one count "
                f"column, got {list(spec.columns)}",
                "pass {level: total} or a two-column table",
                column=column,
            )
        spec = dict(zip(spec[column], spec[cnt[0]], strict=True))
    elif isinstance(spec, pd.Series):
        spec = spec.to_dict()
    if not isinstance(spec, Mapping) or not spec:
        raise InputError.one(
            f"the margin of {column!r} must map each level to its population total",
            'pass e.g. {"male": 340000, "female": 360000}',
            column=column,
            value=type(spec).__name__,
        )
    levels = [label(k) for k in spec]
    if len(set(levels)) != len(levels):
        raise InputError.one(
            "a level appears twice in the margin", "give each level once", column=column
        )
    try:
        tot = np.array([float(v) for v in spec.values()])
    except (TypeError, ValueError):
        raise InputError.one(
            "margin totals must be numbers", "give each level a count", column=column
        ) from None
    if not np.isfinite(tot).all() or (tot < 0).any():
        k = int(np.flatnonzero(~np.isfinite(tot) | (tot < 0))[0])
        raise InputError.one(
            f"the total of level {levels[k]!r} is missing, infinite or negative",
            "give every level a non-negative population count",
            column=column,
            value=float(tot[k]),
        )
    return levels, tot


def level_index(
    data: pd.DataFrame, column: str, levels: list[str], live: np.ndarray, what: str
) -> np.ndarray:
    """Each row's position in ``levels`` (-1 for rows out of the sample: zero weight).

    Refuses a sample level absent from the targets, a target level absent from the sample,
    and a missing value in a row that counts.
    """
    if column not in data.columns:
        raise InputError.one(
            f"the {what} column does not exist in the design's data",
            f"use one of {', '.join(map(str, list(data.columns)[:12]))}",
            column=column,
        )
    s = data[column]
    fcode, uniq = pd.factorize(s, use_na_sentinel=True)
    miss = fcode < 0
    ulab = labels(pd.Series(uniq))
    pos = {lv: k for k, lv in enumerate(levels)}
    code = np.append(np.array([pos.get(u, -1) for u in ulab], dtype=np.int64), -1)[fcode]
    bad = live & miss
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError.one(
            f"{int(bad.sum())} row(s) in the sample have no {column} "
            f"(first at data row index {data.index[i]!r})",
            f"fill in {column} for every respondent, or give those rows a level such as "
            "'unknown' that also has a population total",
            column=column,
        )
    unknown = live & (code < 0)
    if unknown.any():
        vals = sorted({str(ulab[k]) for k in np.unique(fcode[unknown])})
        raise InputError.one(
            f"sample level(s) {vals[:5]} of {column} have no population total in the {what}",
            f"add them to the {what} (levels given: {levels[:8]}), or recode them in the data",
            column=column,
            value=vals[0],
        )
    present = np.bincount(code[live], minlength=len(levels)) > 0
    if not present.all():
        absent = [levels[k] for k in np.flatnonzero(~present)]
        raise InputError.one(
            f"{what} level(s) {absent[:5]} of {column} have no respondent in the sample, so "
            "no weight can reach them",
            "collapse them with a neighbouring level (in the targets and the data alike), or "
            "drop them from the targets if they are truly empty",
            column=column,
            value=absent[0],
        )
    return np.where(live, code, -1)


def check_grand_totals(named: Mapping[str, float], rtol: float = 1e-6) -> float:
    """The common grand total of several margins; an InputError when they disagree."""
    names = list(named)
    vals = np.array([named[k] for k in names], dtype=float)
    ref = vals[0]
    off = np.abs(vals - ref) > rtol * max(abs(ref), 1.0)
    if off.any():
        j = int(np.flatnonzero(off)[0])
        raise InputError.one(
            f"the margins' grand totals disagree: {names[0]} sums to {ref:,.6g} but "
            f"{names[j]} sums to {vals[j]:,.6g}",
            "every margin must describe the same population: take all totals from one "
            "frame or census table (drop or rescale the odd one)",
            column=names[j],
            value=float(vals[j]),
        )
    return float(ref)


def frame_counts(frame: pd.DataFrame, variables, count: str | None = None) -> pd.DataFrame:
    """Population counts of the combinations of ``variables`` in a frame table.

    ``frame`` is either one row per unit (no count column) or a table of cells with a count
    column (``N``, ``Freq``, ``count`` …, or the one given by ``count``).

    Examples
    --------
    >>> f = pd.DataFrame({"sex": ["m", "f", "f"], "N": [5, 3, 4]})
    >>> frame_counts(f, ["sex"]).to_dict("list")
    {'sex': ['f', 'm'], 'N': [7.0, 5.0]}
    """
    vars_ = [variables] if isinstance(variables, str) else list(variables)
    missing = [v for v in vars_ if v not in frame.columns]
    if missing:
        raise InputError.one(
            f"the frame has no column {missing[0]!r}",
            f"use the frame's columns ({', '.join(map(str, frame.columns[:12]))})",
            column=missing[0],
        )
    if count is None:
        count = next((c for c in COUNT_NAMES if c in frame.columns and c not in vars_), None)
    if count is None:
        w = pd.Series(1.0, index=frame.index)
    else:
        if count not in frame.columns:
            raise InputError.one(
                "the frame has no count column", "pass count= naming it", column=count
            )
        w = pd.to_numeric(frame[count], errors="coerce").astype(float)
        if w.isna().any() or (w < 0).any():
            raise InputError.one(
                "frame counts must be non-negative numbers", "fix the frame", column=count
            )
    keys = [pd.Series(labels(frame[v]), index=frame.index) for v in vars_]
    out = w.groupby(keys, sort=True, dropna=False).sum()
    out = out.rename("N").reset_index()
    out.columns = [*vars_, "N"]
    return out
