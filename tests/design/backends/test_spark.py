"""The same queries on Spark (local mode): the same figures as the in-memory design.

Needs the ``[spark]`` extra and Java 17 (``.ci/run`` installs both); skipped, with the reason,
when either is missing. Few and small: a Spark session takes seconds to start on 2 cores.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.errors import InputError

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (pip install .[spark])")
if shutil.which("java") is None:
    pytest.skip(
        "Java is not installed (apt-get install openjdk-17-jre-headless)", allow_module_level=True
    )

from pyspark.sql import SparkSession  # noqa: E402

FIX = Path(__file__).parent.parent.parent / "fixtures" / "design"


@pytest.fixture(scope="module")
def spark():
    session = (
        SparkSession.builder.master("local[1]")
        .appName("govsurvey-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    for c in a.columns:
        if c in ("estimate", "se", "ci_low", "ci_high", "df", "n", "deff"):
            x, y = a[c].to_numpy(float), b[c].to_numpy(float)
            np.testing.assert_array_equal(np.isnan(x), np.isnan(y), err_msg=c)
            np.testing.assert_allclose(x[~np.isnan(x)], y[~np.isnan(y)], rtol=1e-9, err_msg=c)
        else:
            assert a[c].astype(str).tolist() == b[c].astype(str).tolist(), c


def test_fixture_designs_on_spark(spark, tmp_path):
    for name, kw in [
        ("apiclus2.csv", dict(psu=["dnum", "snum"], fpc=["fpc1", "fpc2"])),
        ("apistrat.csv", dict(strata="stype", fpc="fpc")),
    ]:
        df = pd.read_csv(FIX / name)
        df.to_parquet(tmp_path / "t.parquet")
        sdf = spark.read.parquet(str(tmp_path / "t.parquet"))
        d_spark, d_mem = gs.Design(sdf, **kw), gs.Design(df, **kw)
        assert d_spark.table.dialect.name == "spark"
        same(
            d_spark.mean(["api00", "enroll"], by="stype"),
            d_mem.mean(["api00", "enroll"], by="stype"),
        )
        same(d_spark.ratio("api00", "enroll"), d_mem.ratio("api00", "enroll"))
        same(d_spark.proportion("awards", by="stype"), d_mem.proportion("awards", by="stype"))


def test_sipas_index_on_spark(spark, city, tmp_path):
    resp = city.respondents
    resp = resp[
        resp["district"].isin(sorted(resp["district"].unique())[:4])
    ]  # small: Spark is slow
    resp.to_parquet(tmp_path / "city.parquet")
    sdf = spark.read.parquet(str(tmp_path / "city.parquet"))
    kw = dict(weights="base_weight", strata="stratum", psu="psu")  # two stages: see above
    same(
        gs.sipas_index(gs.Design(sdf, **kw), by="district"),
        gs.sipas_index(gs.Design(resp, **kw), by="district"),
    )


def test_a_stopped_session_is_one_clear_error(spark, tmp_path):
    df = pd.read_csv(FIX / "apiclus1.csv")
    df.to_parquet(tmp_path / "a.parquet")
    d = gs.Design(spark.read.parquet(str(tmp_path / "a.parquet")), weights="pw", psu="dnum")
    spark.stop()
    with pytest.raises(InputError) as e:
        d.mean("api00")
    assert "Spark could not run" in str(e.value) and "start the Spark session again" in str(e.value)
