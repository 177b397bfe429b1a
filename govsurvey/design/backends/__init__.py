"""Where the (domain, stratum, PSU) sums of the variance engine are computed.

- in memory, by numpy: :class:`govsurvey.design.Design` on a pandas DataFrame (the sums are
  sparse products over the rows);
- pushed down to an engine: :class:`~govsurvey.design.backends.table.TableDesign`, which
  ``gs.Design`` returns for a Parquet file, folder or glob or a DuckDB relation
  (:mod:`~govsurvey.design.backends.duckdb_table`, the embedded default) and for a Spark
  DataFrame (:mod:`~govsurvey.design.backends.spark_table`, the ``[spark]`` extra). The SQL is
  written once (:mod:`~govsurvey.design.backends.sql`); numpy applies the same variance
  formula to the sums the engine returns, so the figures are the same.
"""

from .duckdb_table import DuckDBTable, parquet_files
from .sql import DUCKDB, SPARK, Dialect
from .table import TableDesign, open_table

__all__ = [
    "DUCKDB",
    "SPARK",
    "Dialect",
    "DuckDBTable",
    "TableDesign",
    "open_table",
    "parquet_files",
]
