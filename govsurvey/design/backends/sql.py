"""The SQL govsurvey sends to an engine: a dialect and the grouped queries of a design.

Every query is an aggregation (``SUM``, ``COUNT``, ``MIN``, ``MAX``, ``CASE``, ``GROUP BY``) in
the subset of SQL that DuckDB, Spark SQL and PostgreSQL share; a :class:`Dialect` holds the
little that differs (how an identifier is quoted, how a value becomes a number). The queries
are written once here, with ``{t}`` standing for the table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["DUCKDB", "SPARK", "Dialect", "design_query", "sums_query"]


@dataclass(frozen=True)
class Dialect:
    """What differs between engines in the SQL govsurvey writes.

    Examples
    --------
    >>> DUCKDB.q('a"b'), SPARK.q("district")
    ('"a""b"', '`district`')
    >>> DUCKDB.literal("Hà Nội's"), DUCKDB.literal(True), DUCKDB.literal(2.5)
    ("'Hà Nội''s'", 'TRUE', '2.5')
    """

    name: str
    quote: str

    def q(self, name: str) -> str:
        """A quoted identifier."""
        return f"{self.quote}{name.replace(self.quote, self.quote * 2)}{self.quote}"

    def double(self, expr: str) -> str:
        """``expr`` as a double (exact for numbers and booleans)."""
        return f"CAST({expr} AS DOUBLE)"

    def number(self, column: str) -> str:
        """The numeric value of a column, NULL where it holds no number (as ``to_numeric``)."""
        return f"TRY_CAST({self.q(column)} AS DOUBLE)"

    def literal(self, value: object) -> str:
        """A literal of a Python (or numpy) value."""
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError(f"no SQL literal for {value}")
            return repr(value)
        return "'" + str(value).replace("'", "''") + "'"

    def present(self, expr: str) -> str:
        """1 where the double ``expr`` holds a value (not NULL, not NaN), else 0."""
        return f"CASE WHEN {expr} IS NULL OR isnan({expr}) THEN 0 ELSE 1 END"


DUCKDB = Dialect("duckdb", '"')
SPARK = Dialect("spark", "`")


def design_query(
    d: Dialect,
    strata: str | None,
    psus: Sequence[str],
    fpcs: Sequence[str],
    weights: str | None,
) -> str:
    """One row per (stratum, PSU) — per stratum without PSUs — with what the design needs.

    Row counts, distinct second-stage units, the fpc's range and missing values, and the
    weights' range, sum and count of unusable values, per group.
    """
    base = [f"{d.q(strata) if strata else '0'} AS _s"]
    keys = ["_s"]
    if psus:
        base.append(f"{d.q(psus[0])} AS _p")
        keys.append("_p")
    out = ["COUNT(*) AS _n"]
    if len(psus) == 2:
        base.append(f"{d.q(psus[1])} AS _p2")
        out += ["COUNT(DISTINCT _p2) AS _n2", "COUNT(_p2) AS _p2_given"]
    for i, col in enumerate(fpcs):
        base.append(f"{d.double(d.q(col))} AS _f{i}")
        out += [f"MIN(_f{i}) AS _f{i}_min", f"MAX(_f{i}) AS _f{i}_max"]
        out.append(f"SUM(CASE WHEN _f{i} IS NULL OR isnan(_f{i}) THEN 1 ELSE 0 END) AS _f{i}_na")
    if weights:
        base.append(f"{d.double(d.q(weights))} AS _w")
        bad = "_w IS NULL OR isnan(_w) OR _w <= 0"
        out += [
            f"SUM(CASE WHEN {bad} THEN 1 ELSE 0 END) AS _w_bad",
            f"MIN(CASE WHEN {bad} THEN _w END) AS _w_bad_value",
            "MAX(_w) AS _w_max",
            "SUM(_w) AS _w_sum",
        ]
    return (
        f"SELECT {', '.join(keys + out)} FROM (SELECT {', '.join(base)} FROM {{t}}) AS _b "
        f"GROUP BY {', '.join(keys)}"
    )


def sums_query(
    d: Dialect,
    by: Sequence[str],
    strata: str | None,
    psu: str | None,
    ssu: str | None,
    weight: str,
    columns: Sequence[str],
    counts: Sequence[str],
    extras: Sequence[str],
    squares: bool,
) -> str:
    """The (domain, stratum, PSU) sums of one batch of variables, in one grouped query.

    ``columns`` (``c_j``) are summed times the weight, ``counts`` without it, ``extras`` times
    the weight (``Σ w y²`` for a design effect); ``counts`` and ``extras`` are written in terms
    of the columns, ``{c0}``, ``{c1}``, … (each column is computed once per row). With
    ``squares`` the cross-products ``Σ (w c_j)(w c_l)`` of the second-stage units are added:
    of the rows (``ssu=None``), or of the sums of each ``ssu`` (one inner grouping by unit).
    Groups are ``by`` values, stratum and PSU (``psu=None``: stratum only), named ``_g0, …,
    _s, _p``.
    """
    base = [f"{d.q(b)} AS _g{i}" for i, b in enumerate(by)]
    base.append(f"{d.q(strata) if strata else '0'} AS _s")
    keys = [f"_g{i}" for i in range(len(by))] + ["_s"]
    if psu:
        base.append(f"{d.q(psu)} AS _p")
        keys.append("_p")
    base.append(f"{weight} AS _w")
    base += [f"{d.double(c)} AS _c{j}" for j, c in enumerate(columns)]
    p = len(columns)
    mid = ["_b0.*"]
    mid += [f"{d.double(_refs(c, p))} AS _k{j}" for j, c in enumerate(counts)]
    mid += [f"{d.double(_refs(c, p))} AS _e{j}" for j, c in enumerate(extras)]
    sums = (
        ["COUNT(*) AS _n"]
        + [f"SUM(_w * _c{j}) AS _S{j}" for j in range(p)]
        + [f"SUM(_k{j}) AS _K{j}" for j in range(len(counts))]
        + [f"SUM(_w * _e{j}) AS _E{j}" for j in range(len(extras))]
    )
    pairs = [(j, m) for j in range(p) for m in range(j, p)]
    if squares and ssu:
        base.append(f"{d.q(ssu)} AS _u")
        rows = f"(SELECT {', '.join(mid)} FROM (SELECT {', '.join(base)} FROM {{t}}) AS _b0)"
        inner = f"SELECT {', '.join(keys)}, {', '.join(sums)} FROM {rows} AS _b " + (
            f"GROUP BY {', '.join(keys)}, _u"
        )
        outer = (
            ["SUM(_n) AS _n", "COUNT(*) AS _units"]
            + [f"SUM(_S{j}) AS _S{j}" for j in range(p)]
            + [f"SUM(_K{j}) AS _K{j}" for j in range(len(counts))]
            + [f"SUM(_E{j}) AS _E{j}" for j in range(len(extras))]
            + [f"SUM(_S{j} * _S{m}) AS _Q{j}_{m}" for j, m in pairs]
        )
        return (
            f"SELECT {', '.join(keys)}, {', '.join(outer)} FROM ({inner}) AS _i "
            f"GROUP BY {', '.join(keys)}"
        )
    if squares:
        base.append(f"({weight}) * ({weight}) AS _w2")
        sums += [f"SUM(_w2 * _c{j} * _c{m}) AS _Q{j}_{m}" for j, m in pairs]
    rows = f"(SELECT {', '.join(mid)} FROM (SELECT {', '.join(base)} FROM {{t}}) AS _b0)"
    return (
        f"SELECT {', '.join(keys)}, {', '.join(sums)} FROM {rows} AS _b GROUP BY {', '.join(keys)}"
    )


def _refs(expr: str, p: int) -> str:
    """``{c3}`` → ``_c3``: an expression over the batch's columns."""
    for j in reversed(range(p)):
        expr = expr.replace(f"{{c{j}}}", f"_c{j}")
    return expr
