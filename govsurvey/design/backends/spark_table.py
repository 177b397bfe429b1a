"""Spark, the distributed engine: a Spark DataFrame, queried with the same SQL as DuckDB.

``gs.Design(spark.read.parquet("hdfs:///forms/*.parquet"), …)`` registers the DataFrame as a
temporary view and sends it the grouped queries of :mod:`~govsurvey.design.backends.sql` in
Spark's dialect; only the (domain, stratum, PSU) sums come back to the driver. Needs the
``[spark]`` extra (``pip install govsurvey[spark]``) and Java 17.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pandas as pd

from ...errors import InputError
from .sql import SPARK, Dialect

try:
    from pyspark.errors import PySparkException
except ImportError:  # without the [spark] extra no Spark DataFrame exists to be given
    PySparkException = ()  # type: ignore[assignment,misc]

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["SparkTable"]

_NUMERIC = ("tinyint", "smallint", "int", "bigint", "float", "double", "decimal", "boolean")


class SparkTable:
    """A table Spark aggregates.

    Parameters
    ----------
    frame : pyspark.sql.DataFrame
        The responses (one row a respondent), e.g. ``spark.read.parquet(path)``.
    """

    dialect: Dialect = SPARK

    def __init__(self, frame: DataFrame) -> None:
        self.frame = frame
        self.label = "the Spark DataFrame"
        self.files: list[str] = []
        self._view = f"_gs_{uuid.uuid4().hex[:12]}"
        try:
            self.spark = frame.sparkSession
            frame.createOrReplaceTempView(self._view)
            self._types = dict(frame.dtypes)
        except (PySparkException, ConnectionError, AttributeError) as exc:
            raise self._unreachable(exc) from None

    def _unreachable(self, exc: Exception) -> InputError:
        return InputError.one(
            f"Spark could not run govsurvey's query on {self.label} ({str(exc)[:300]})",
            "start the Spark session again (SparkSession.builder.getOrCreate()) and build the "
            "design on a DataFrame of the running session",
            file=self.label,
        )

    def columns(self) -> dict[str, str]:
        """Column name → Spark's type name."""
        return dict(self._types)

    def numeric(self, column: str) -> bool:
        """Whether the column holds numbers or booleans."""
        return self._types[column].lower().startswith(_NUMERIC)

    def require(self, columns: list[str], role: str) -> None:
        """A Spark DataFrame has one schema: nothing more to check per file."""

    def fetch(self, sql: str) -> pd.DataFrame:
        """Run a query (``{t}`` is the view) and return its (small) result to the driver."""
        try:
            rows = self.spark.sql(sql.replace("{t}", self._view)).collect()
        except (PySparkException, ConnectionError, AttributeError) as exc:  # a stopped session
            raise self._unreachable(exc) from None
        except Exception as exc:  # py4j's errors when the JVM is gone
            if type(exc).__module__.startswith("py4j"):
                raise self._unreachable(exc) from None
            raise
        if not rows:
            return pd.DataFrame(columns=self.spark.sql(sql.replace("{t}", self._view)).columns)
        return (
            pd.DataFrame([r.asDict() for r in rows])
            .convert_dtypes(dtype_backend="numpy_nullable")
            .pipe(_plain)
        )

    def duplicates(self, column: str) -> tuple[int, object, list[str]]:
        """How many rows repeat an id, the first such id and the files that hold it."""
        q = self.dialect.q(column)
        d = self.fetch(f"SELECT COUNT(*) - COUNT(DISTINCT {q}) AS d FROM {{t}}")
        extra = int(d["d"].iloc[0])
        if extra == 0:
            return 0, None, []
        first = self.fetch(
            f"SELECT {q} AS id, array_sort(collect_set(input_file_name())) AS files FROM {{t}} "
            f"GROUP BY {q} HAVING COUNT(*) > 1 ORDER BY {q} LIMIT 1"
        )
        files = [f for f in first["files"].iloc[0] if f]
        return extra, first["id"].iloc[0], files


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers as float64/int64 and text as objects, with NaN/None for missing, as DuckDB's."""
    out = {}
    for c in frame.columns:
        s = frame[c]
        if pd.api.types.is_bool_dtype(s.dtype):
            out[c] = s.astype(object).where(s.notna(), None)
        elif pd.api.types.is_integer_dtype(s.dtype):
            out[c] = s.astype("float64") if s.isna().any() else s.astype("int64")
        elif pd.api.types.is_float_dtype(s.dtype):
            out[c] = s.astype("float64")
        else:
            out[c] = s.astype(object).where(s.notna(), None)
    return pd.DataFrame(out, index=frame.index)
