"""A design over a Parquet file or a DuckDB relation gives the in-memory design's figures.

Every estimate (estimate, se, df, deff, n) of mean, total, ratio and proportion, whole sample
and by domain, on the R-parity fixtures of ``tests/fixtures/design`` written to Parquet, for
one- and two-stage designs with strata, PSUs, fpc and every lonely-PSU rule, equals the
in-memory design's to 1e-9 relative.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.design import TableDesign

FIX = Path(__file__).parent.parent.parent / "fixtures" / "design"
RTOL = 1e-9
STATS = ["estimate", "se", "ci_low", "ci_high", "df", "n", "deff"]


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(FIX / name)


CASES = {
    "srs_fpc": ("apisrs.csv", dict(fpc="fpc")),
    "srs": ("apisrs.csv", dict(weights="pw")),
    "strat_fpc": ("apistrat.csv", dict(strata="stype", fpc="fpc")),
    "strat_w": ("apistrat.csv", dict(strata="stype", weights="pw")),
    "clus1_fpc": ("apiclus1.csv", dict(psu="dnum", fpc="fpc")),
    "clus1_w": ("apiclus1.csv", dict(psu="dnum", weights="pw")),
    "clus2_fpc": ("apiclus2.csv", dict(psu=["dnum", "snum"], fpc=["fpc1", "fpc2"])),
    "clus2_w": ("apiclus2.csv", dict(psu=["dnum", "snum"], weights="pw")),
    **{
        f"lonely_{r}": (
            "apiclus1_lonely.csv",
            dict(strata="st", psu="dnum", weights="pw", lonely_psu=r),
        )  # fmt: skip
        for r in ["remove", "adjust", "average", "certainty"]
    },
    **{
        f"clus2_lonely2_{r}": (
            "apiclus2_lonely2.csv",
            dict(psu=["dnum", "snum"], fpc=["fpc1", "fpc2"], lonely_psu=r),
        )  # fmt: skip
        for r in ["remove", "adjust", "average", "certainty"]
    },
}


def same(table: pd.DataFrame, memory: pd.DataFrame) -> None:
    assert list(table.columns) == list(memory.columns)
    keys = [c for c in memory.columns if c not in STATS]
    for c in keys:
        assert table[c].astype(str).tolist() == memory[c].astype(str).tolist(), c
    for c in STATS:
        if c not in memory:
            continue
        a, b = table[c].to_numpy(float), memory[c].to_numpy(float)
        if c == "deff":  # 0 / 0 where a share is 0 or 1 in a domain: rounding decides, both ways
            flat = memory["se"].to_numpy(float) <= 1e-12 * memory["estimate"].abs().to_numpy()
            a, b = a[~flat], b[~flat]
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b), err_msg=c)
        ok = ~np.isnan(b)
        np.testing.assert_allclose(a[ok], b[ok], rtol=RTOL, atol=1e-13, err_msg=c)


@pytest.fixture(scope="module")
def parquet(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pq")
    paths = {}
    for name in {c[0] for c in CASES.values()}:
        df = _csv(name)
        if name == "apistrat.csv":  # a few missing values: na.rm=TRUE semantics
            df.loc[[2, 49, 119], "api00"] = np.nan
        path = out / name.replace(".csv", ".parquet")
        df.to_parquet(path)
        paths[name] = path
    return paths


@pytest.mark.parametrize("case", list(CASES))
def test_every_estimator_equals_the_memory_design(case, parquet):
    name, kw = CASES[case]
    mem = pd.read_parquet(parquet[name])
    d_mem = gs.Design(mem, **kw)
    d_tab = gs.Design(str(parquet[name]), **kw)
    assert isinstance(d_tab, TableDesign) and not isinstance(d_mem, TableDesign)
    assert d_tab.df == d_mem.df
    cat = "awards" if "awards" in mem else "stype"
    for by in (
        [None, "stype", ["stype", cat]]
        if cat == "awards"
        else [None, "stype", *(["st"] if "st" in mem else [])]
    ):
        same(d_tab.mean(["api00", "enroll"], by=by), d_mem.mean(["api00", "enroll"], by=by))
        same(d_tab.total(["api00", "enroll"], by=by), d_mem.total(["api00", "enroll"], by=by))
        same(d_tab.ratio("api00", "enroll", by=by), d_mem.ratio("api00", "enroll", by=by))
        same(d_tab.proportion(cat, by=by), d_mem.proportion(cat, by=by))


def test_a_relation_and_a_glob_of_monthly_files(tmp_path):
    df = _csv("apiclus2.csv")
    shuffled = df.sample(frac=1, random_state=1)
    for i in range(3):
        shuffled.iloc[i::3].to_parquet(tmp_path / f"2025-{i + 1:02d}.parquet")
    kw = dict(psu=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    mem = gs.Design(df, **kw).mean(["api00", "enroll"], by="stype")
    same(gs.Design(str(tmp_path / "2025-*.parquet"), **kw).mean(["api00", "enroll"], by="stype"),
         mem)  # fmt: skip
    same(gs.Design(tmp_path, **kw).mean(["api00", "enroll"], by="stype"), mem)
    rel = duckdb.read_parquet(str(tmp_path / "*.parquet"))
    same(gs.Design(rel, **kw).mean(["api00", "enroll"], by="stype"), mem)


def test_second_stage_units_that_are_clusters(tmp_path):
    """SSUs of several rows: the cross-products are of the SSUs' sums (an inner grouping)."""
    df = _csv("apiclus2.csv")
    df["ssu"] = df["snum"] // 3  # schools grouped into clusters within their district
    df["fpc2"] = df.groupby("dnum")["ssu"].transform("nunique") + 2
    df.to_parquet(tmp_path / "c.parquet")
    kw = dict(psu=["dnum", "ssu"], fpc=["fpc1", "fpc2"], lonely_psu="adjust")
    d_mem, d_tab = gs.Design(df, **kw), gs.Design(str(tmp_path / "c.parquet"), **kw)
    assert not d_tab._ssu_rows
    same(d_tab.mean(["api00", "enroll"], by="stype"), d_mem.mean(["api00", "enroll"], by="stype"))
    same(d_tab.total("enroll"), d_mem.total("enroll"))


def test_no_weights_no_fpc_and_missing_domains(tmp_path):
    df = _csv("apistrat.csv")
    df.loc[::7, "stype"] = None  # rows in no domain keep their PSU
    df.loc[::5, "enroll"] = np.nan
    df.to_parquet(tmp_path / "s.parquet")
    d_mem = gs.Design(df)
    d_tab = gs.Design(str(tmp_path / "s.parquet"))
    same(d_tab.mean(["api00", "enroll"], by="stype"), d_mem.mean(["api00", "enroll"], by="stype"))
    same(d_tab.proportion("sch.wide", by="stype"), d_mem.proportion("sch.wide", by="stype"))
    same(d_tab.total("enroll", by="stype"), d_mem.total("enroll", by="stype"))


def test_nan_values_in_parquet_files_are_missing(tmp_path):
    """A writer that keeps NaN (not null) leaves it out of the column's statistics: NaN must
    still be a missing value, not an answer (DuckDB would fold ``x <= 5`` to true)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    df = _csv("apiclus1.csv")
    df["api00"] = df["api00"].astype(float)
    df.loc[::4, "api00"] = np.nan
    for i in range(2):
        part = df.iloc[i::2]
        cols = {c: part[c].to_numpy() for c in ["dnum", "api00", "enroll", "stype", "pw"]}
        pq.write_table(pa.table(cols), tmp_path / f"m{i}.parquet")  # NaN kept as NaN
    for source in [str(tmp_path / "m0.parquet"), str(tmp_path / "*.parquet")]:
        mem = df.iloc[::2] if source.endswith("m0.parquet") else df
        d_tab = gs.Design(source, psu="dnum", weights="pw")
        same(d_tab.mean("api00", by="stype"), gs.Design(mem, psu="dnum", weights="pw").mean(
            "api00", by="stype"))  # fmt: skip
    rel = duckdb.read_parquet(str(tmp_path / "m0.parquet"))
    same(gs.Design(rel, psu="dnum", weights="pw").total("api00"),
         gs.Design(df.iloc[::2], psu="dnum", weights="pw").total("api00"))  # fmt: skip
