"""Benchmark the pushed-down design (DuckDB, Spark) against the in-memory one and svy.

Run: ``python bench/backends.py`` (``--quick`` for a tenth of the sizes; ``--rows N`` for the
size of the large case; ``--spark-rows N`` for the Spark case, 0 to skip it). Prints times and
ratios measured in the same run, and asserts that the figures agree (DuckDB and Spark with the
in-memory design to 1e-9, svy to 1e-6).

1. Taylor, 1,000,000 responses x 22 criteria (0/1 with NaN), 40 strata, 4,000 PSUs, 30
   districts — every criterion's mean by district: the DuckDB path (a Parquet file) against the
   in-memory path and against svy.
2. Large: the SIPAS index by district x month with SEs over ``--rows`` responses in 60 monthly
   Parquet files that the bench writes itself (30 districts, 600 wards as PSUs): time per million
   rows against the 1M case of the same shape, and the process's peak memory.
3. Spark local mode against DuckDB on the same Parquet files (``--spark-rows``).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))
from estimation import best_of, compare, make, svy_frame  # noqa: E402

import govsurvey as gs  # noqa: E402

INST = gs.load_instrument("sipas-2017")
COLS = [c.column for c in INST.criteria]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def same(a: pd.DataFrame, b: pd.DataFrame, rtol: float = 1e-9) -> float:
    x, y = a["se"].to_numpy(float), b["se"].to_numpy(float)
    np.testing.assert_allclose(a["estimate"].to_numpy(float), b["estimate"].to_numpy(float),
                               rtol=rtol)  # fmt: skip
    np.testing.assert_allclose(x, y, rtol=rtol)
    return float(np.nanmax(np.abs(x / y - 1)))


# ---------------------------------------------------------------------------------------------
def bench_taylor(n: int, repeat: int, folder: Path, with_svy: bool) -> float:
    import polars as pl
    import svy

    df, names = make(n, 40, max(40, n // 250), 30, 22)
    path = folder / "taylor.parquet"
    df.to_parquet(path)
    kw = dict(weights="w", strata="stratum", psu="psu", nest=True)
    print(f"\n[1] Taylor: {n:,} responses x 22 criteria, 40 strata, {df['psu'].nunique():,} PSUs, "
          f"30 districts; means by district (best of {repeat})")  # fmt: skip
    mem, t_mem = best_of(lambda: gs.Design(df, **kw).mean(names, by="district"), repeat)
    duck, t_duck = best_of(lambda: gs.Design(str(path), **kw).mean(names, by="district"), repeat)
    rel = same(duck, mem)
    print(f"    in memory {t_mem:6.2f} s   DuckDB (Parquet) {t_duck:6.2f} s   DuckDB/in-memory "
          f"= {t_duck / t_mem:5.2f}x   (max relative SE difference {rel:.1e})")  # fmt: skip
    if with_svy:
        pdf = pl.from_pandas(df)

        def svy_run():
            s = svy.Sample(pdf, svy.Design(stratum="stratum", psu="psu", wgt="w"))
            res = s.estimation.mean(names, by="district", drop_nulls=True)
            return svy_frame(res if isinstance(res, list) else [res], "district")

        theirs, t_svy = best_of(svy_run, 1)
        compare(duck, theirs, names, "district")
        print(f"    svy {t_svy:6.2f} s   svy/DuckDB = {t_svy / t_duck:5.1f}x   "
              f"svy/in-memory = {t_svy / t_mem:5.1f}x")  # fmt: skip
    return t_duck


# ---------------------------------------------------------------------------------------------
def write_months(folder: Path, rows: int, months: int = 60, seed: int = 1) -> list[Path]:
    """``rows`` responses of a large city over ``months`` monthly files, written in chunks."""
    rng = np.random.default_rng(seed)
    ward_effect = rng.normal(0, 0.5, 600)
    base = rng.normal(1.4, 0.4, len(COLS))
    files = []
    per = rows // months
    for m in range(months):
        n = per + (rows - per * months if m == months - 1 else 0)
        ward = rng.integers(0, 600, n)
        data = {
            "respondent_id": np.arange(m * per, m * per + n, dtype=np.int64),
            "month": np.full(n, f"{2021 + m // 12}-{m % 12 + 1:02d}"),
            "district": np.array([f"D{d:02d}" for d in range(30)])[ward // 20],
            "ward": ward.astype(np.int64),
            "w": rng.uniform(20, 200, n),
        }
        for j, col in enumerate(COLS):
            p = 1 / (1 + np.exp(-(base[j] + ward_effect[ward])))
            sat = rng.random(n) < p
            ans = np.where(sat, rng.integers(4, 6, n), rng.integers(1, 4, n)).astype(np.float64)
            ans[rng.random(n) < 0.05] = np.nan  # don't know / no answer
            data[col] = ans
        path = folder / f"{m:02d}.parquet"
        pq.write_table(pa.table(data), path)
        files.append(path)
    return files


def bench_large(rows: int, folder: Path) -> None:
    kw = dict(weights="w", strata="district", psu="ward")
    one = folder / "one"
    big = folder / "big"
    one.mkdir()
    big.mkdir()
    t0 = time.perf_counter()
    write_months(one, 1_000_000)
    write_months(big, rows, seed=2)
    t_write = time.perf_counter() - t0
    before = peak_mb()
    print(f"\n[2] SIPAS index by district x month with SEs, from 60 monthly Parquet files "
          f"(written in {t_write:.1f} s; peak memory so far {before:,.0f} MB)")  # fmt: skip
    t0 = time.perf_counter()
    idx1 = gs.sipas_index(gs.Design(str(one), **kw), INST, by=["district", "month"])
    t1 = time.perf_counter() - t0
    t0 = time.perf_counter()
    idx = gs.sipas_index(gs.Design(str(big), **kw), INST, by=["district", "month"])
    tb = time.perf_counter() - t0
    assert len(idx) == len(idx1) == 30 * 60 * 28 and idx["se"].notna().all()
    print(f"    1,000,000 rows {t1:6.2f} s ({t1:5.2f} s per million)   {rows:,} rows {tb:6.2f} s "
          f"({tb / rows * 1e6:5.2f} s per million): per-million cost ratio "
          f"{tb / rows * 1e6 / t1:4.2f}x the 1M case")  # fmt: skip
    print(f"    peak memory of the process {peak_mb():,.0f} MB (the figures: {len(idx):,} rows)")


def bench_spark(rows: int, folder: Path) -> None:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        print("\n[3] Spark: skipped (pip install .[spark])")
        return
    files = folder / "spark"
    files.mkdir()
    write_months(files, rows, months=12, seed=3)
    kw = dict(weights="w", strata="district", psu="ward")
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    try:
        sdf = spark.read.parquet(str(files))
        t0 = time.perf_counter()
        a = gs.sipas_index(gs.Design(sdf, **kw), INST, by="district")
        ts = time.perf_counter() - t0
        t0 = time.perf_counter()
        b = gs.sipas_index(gs.Design(str(files), **kw), INST, by="district")
        td = time.perf_counter() - t0
    finally:
        spark.stop()
    rel = same(a, b)
    print(f"\n[3] SIPAS index by district, {rows:,} rows in 12 Parquet files: Spark local[2] "
          f"{ts:6.2f} s   DuckDB {td:6.2f} s   Spark/DuckDB = {ts / td:5.1f}x   "
          f"(max relative SE difference {rel:.1e})")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    ap.add_argument("--repeat", type=int, default=3, help="time the best of this many runs")
    ap.add_argument("--rows", type=int, default=100_000_000, help="rows of the large case")
    ap.add_argument("--spark-rows", type=int, default=10_000_000, help="rows of the Spark case")
    ap.add_argument("--no-svy", action="store_true", help="leave svy out of case 1")
    ap.add_argument("--cases", default="taylor,large,spark", help="which cases to run")
    args = ap.parse_args()
    f = 10 if args.quick else 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = args.cases.split(",")
        if "taylor" in cases:
            bench_taylor(1_000_000 // f, args.repeat, folder, not args.no_svy)
        if args.rows and "large" in cases:
            bench_large(args.rows // f, folder)
        if args.spark_rows and "spark" in cases:
            bench_spark(args.spark_rows // f, folder)


if __name__ == "__main__":
    main()
