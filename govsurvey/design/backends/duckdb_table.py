"""DuckDB, the embedded default: a relation, or Parquet files read where they lie.

``gs.Design("forms/*.parquet", …)`` reads a Parquet file, a folder of them or a glob;
``gs.Design(duckdb.read_parquet(path), …)`` or any ``DuckDBPyRelation`` is queried on its own
connection. Only grouped sums come back; the rows stay in the engine.
"""

from __future__ import annotations

import glob
import logging
import os
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ...errors import InputError
from .sql import DUCKDB, Dialect

__all__ = ["DuckDBTable", "parquet_files"]

log = logging.getLogger(__name__)

_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "REAL")


def parquet_files(source: str | os.PathLike) -> list[str]:
    """The Parquet files a path names: the file, the folder's ``*.parquet`` or the glob's."""
    text = os.fspath(source)
    path = Path(text)
    if path.is_dir():
        files = sorted(glob.glob(os.path.join(text, "**", "*.parquet"), recursive=True))
    elif any(ch in text for ch in "*?["):
        files = sorted(glob.glob(text, recursive=True))
    else:
        files = [text] if path.is_file() else []
    if not files:
        raise InputError.one(
            f"no Parquet file at {text!r}",
            "give a Parquet file, a folder holding .parquet files or a glob such as "
            "'forms/2025-*.parquet' (relative paths are read from the current folder, "
            f"{os.getcwd()})",
            file=text,
        )
    return files


def _family(t: pa.DataType) -> str:
    if pa.types.is_dictionary(t):
        return _family(t.value_type)
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "text"
    if pa.types.is_null(t):
        return "null"
    if pa.types.is_temporal(t):
        return "date/time"
    return str(t)


class DuckDBTable:
    """A table DuckDB aggregates: a relation, or Parquet files.

    Parameters
    ----------
    source : str, os.PathLike or duckdb.DuckDBPyRelation
        A Parquet file, folder or glob, or a relation.
    """

    dialect: Dialect = DUCKDB

    def __init__(self, source: object) -> None:
        self.files: list[str] = []
        self._schemas: dict[str, pa.Schema] = {}
        if isinstance(source, duckdb.DuckDBPyRelation):
            self.relation = source
            self.label = "the DuckDB relation"
            self.connection = None
        else:
            self.files = parquet_files(source)  # type: ignore[arg-type]
            self.label = os.fspath(source)  # type: ignore[arg-type]
            for f in self.files:
                try:
                    self._schemas[f] = pq.read_schema(f)
                except (OSError, pa.ArrowInvalid) as exc:
                    raise InputError.one(
                        f"the file is not a readable Parquet file ({exc})",
                        "write it again as Parquet (e.g. gs.read_responses(...) then "
                        "DataFrame.to_parquet), or remove it from the folder or glob",
                        file=f,
                    ) from None
            self.connection = duckdb.connect()
            self.relation = self.connection.read_parquet(self.files, union_by_name=True)
        try:
            self._types = {
                c: str(t) for c, t in zip(self.relation.columns, self.relation.types, strict=True)
            }
        except duckdb.Error as exc:
            raise self._unreachable(exc) from None

    @staticmethod
    def accepts(data: object) -> bool:
        return isinstance(data, str | os.PathLike | duckdb.DuckDBPyRelation)

    def _unreachable(self, exc: Exception) -> InputError:
        return InputError.one(
            f"DuckDB could not run govsurvey's query on {self.label} ({exc})",
            "open the connection again (duckdb.connect) and build the design on a relation "
            "of the open connection, or give the Parquet path itself",
            file=self.label,
        )

    # ----------------------------------------------------------------------------------
    def columns(self) -> dict[str, str]:
        """Column name → the engine's type name."""
        return dict(self._types)

    def numeric(self, column: str) -> bool:
        """Whether the column holds numbers or booleans."""
        t = self._types[column].upper()
        return (
            t.startswith(_NUMERIC)
            or t.startswith(("DECIMAL", "UBIGINT", "UINTEGER"))
            or (t in ("BOOLEAN", "USMALLINT", "UTINYINT", "UHUGEINT"))
        )

    def require(self, columns: list[str], role: str) -> None:
        """Every file of the table holds each column, with values of one kind."""
        if not self._schemas:
            return
        for col in columns:
            missing = [f for f, s in self._schemas.items() if col not in s.names]
            if missing:
                raise InputError.one(
                    f"{role} column is missing from {len(missing)} of the "
                    f"{len(self.files)} Parquet files (first: {missing[0]})",
                    "every monthly file must hold the design's and the analysis' columns: "
                    "write the missing column into that file, or leave the file out",
                    file=missing[0],
                    column=col,
                )
            fam = {f: _family(s.field(col).type) for f, s in self._schemas.items()}
            kinds = Counter(k for k in fam.values() if k != "null")
            if len(kinds) > 1:
                usual = kinds.most_common(1)[0][0]
                odd = [f for f, k in fam.items() if k not in (usual, "null")]
                raise InputError.one(
                    f"{role} column holds {fam[odd[0]]} values in {odd[0]} but {usual} values "
                    f"in {kinds[usual]} other file(s)"
                    + (f" ({len(odd)} such files)" if len(odd) > 1 else ""),
                    f"write {odd[0]} again with the column as {usual} (read it, convert the "
                    "column, save it as Parquet), or leave the file out",
                    file=odd[0],
                    column=col,
                    value=str(self._schemas[odd[0]].field(col).type),
                )

    def fetch(self, sql: str) -> pd.DataFrame:
        """Run a query (``{t}`` is the table) and return its (small) result.

        DuckDB's statistics propagation is switched off for the query (and the connection's
        setting restored after): Parquet writers leave NaN out of a column's min/max, and with
        it on DuckDB folds ``isnan(x)`` and ``x <= 5`` to constants, counting NaN as an answer.
        """
        rel = self.relation
        try:
            prev = rel.query("_gs_t", "SELECT current_setting('disabled_optimizers')").fetchall()
            before = str(prev[0][0] or "")
            off = ",".join(x for x in [before, "statistics_propagation"] if x)
            rel.query("_gs_t", f"SET disabled_optimizers = '{off}'")
            try:
                return rel.query("_gs_t", sql.replace("{t}", "_gs_t")).df()
            finally:
                rel.query("_gs_t", f"SET disabled_optimizers = '{before}'")
        except duckdb.Error as exc:
            raise self._unreachable(exc) from None

    def duplicates(self, column: str) -> tuple[int, object, list[str]]:
        """How many rows repeat an id, the first such id and the files that hold it."""
        q = self.dialect.q(column)
        res = self.fetch(f"SELECT COUNT(*) - COUNT(DISTINCT {q}) AS d FROM {{t}}")
        extra = int(res["d"].iloc[0])
        if extra == 0:
            return 0, None, []
        if self.files and self.connection is not None:
            rel = self.connection.read_parquet(self.files, union_by_name=True, filename=True)
            first = rel.query(
                "_gs_f",
                f"SELECT {q} AS id, list(DISTINCT filename ORDER BY filename) AS files "
                f"FROM _gs_f GROUP BY {q} HAVING COUNT(*) > 1 ORDER BY {q} LIMIT 1",
            ).fetchall()[0]
            return extra, first[0], list(first[1])
        first = self.fetch(
            f"SELECT {q} AS id FROM {{t}} GROUP BY {q} HAVING COUNT(*) > 1 ORDER BY {q} LIMIT 1"
        )
        return extra, first["id"].iloc[0], []
