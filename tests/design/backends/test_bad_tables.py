"""Bad tables: one clear InputError naming the file or table, the column and the fix."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.errors import InputError

FIX = Path(__file__).parent.parent.parent / "fixtures" / "design"


@pytest.fixture()
def months(tmp_path) -> Path:
    df = pd.read_csv(FIX / "apiclus2.csv")
    df["id"] = np.arange(len(df))
    for i in range(3):
        df.iloc[i::3].to_parquet(tmp_path / f"2025-{i + 1:02d}.parquet")
    return tmp_path


def test_a_declared_design_column_missing(months):
    with pytest.raises(InputError) as e:
        gs.Design(str(months / "*.parquet"), weights="pw", strata="district", psu="dnum")
    msg = str(e.value)
    assert "column 'district'" in msg and "strata column does not exist" in msg
    assert "*.parquet" in msg and "Fix:" in msg and "dnum" in msg


def test_a_column_missing_from_one_monthly_file(months):
    df = pd.read_parquet(months / "2025-02.parquet").drop(columns=["pw"])
    df.to_parquet(months / "2025-02.parquet")
    with pytest.raises(InputError) as e:
        gs.Design(str(months / "*.parquet"), weights="pw", psu="dnum")
    msg = str(e.value)
    assert "2025-02.parquet" in msg and "column 'pw'" in msg and "missing from 1 of the 3" in msg


def test_a_column_of_the_wrong_type_in_one_file_of_many(months):
    df = pd.read_parquet(months / "2025-03.parquet")
    df["api00"] = df["api00"].astype(str)  # a month typed as text
    df.to_parquet(months / "2025-03.parquet")
    d = gs.Design(str(months / "*.parquet"), weights="pw", psu="dnum")
    with pytest.raises(InputError) as e:
        d.mean("api00")
    msg = str(e.value)
    assert "2025-03.parquet" in msg and "column 'api00'" in msg
    assert "text values" in msg and "number values in 2 other file(s)" in msg and "Fix:" in msg


def test_an_id_duplicated_across_monthly_files(months):
    df = pd.read_parquet(months / "2025-01.parquet")
    pd.concat([pd.read_parquet(months / "2025-02.parquet"), df.iloc[:2]]).to_parquet(
        months / "2025-02.parquet"
    )
    with pytest.raises(InputError) as e:
        gs.Design(str(months), weights="pw", psu=["dnum", "snum"], id="id")
    msg = str(e.value)
    assert "2 row(s) repeat an id" in msg and "column 'id'" in msg
    assert "2025-01.parquet" in msg and "2025-02.parquet" in msg and "Fix:" in msg
    gs.Design(str(months / "2025-0[13].parquet"), weights="pw", psu=["dnum", "snum"], id="id")


def test_an_engine_that_cannot_be_reached(months):
    con = duckdb.connect()
    rel = con.read_parquet(str(months / "*.parquet"))
    d = gs.Design(rel, weights="pw", psu="dnum")
    con.close()
    with pytest.raises(InputError) as e:
        d.mean("api00")
    msg = str(e.value)
    assert "DuckDB could not run" in msg and "closed" in msg and "open the connection again" in msg


def test_no_file_at_the_path(tmp_path):
    with pytest.raises(InputError, match="no Parquet file at"):
        gs.Design(str(tmp_path / "forms" / "*.parquet"), weights="pw")
    (tmp_path / "bad.parquet").write_text("not parquet")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        gs.Design(str(tmp_path / "bad.parquet"))


def test_the_table_changed_between_design_and_estimate(tmp_path):
    df = pd.read_csv(FIX / "apiclus1.csv")
    con = duckdb.connect()
    con.register("api", df)
    con.execute("CREATE TABLE t AS SELECT * FROM api")
    d = gs.Design(con.table("t"), weights="pw", psu="dnum")
    con.execute("DELETE FROM t WHERE dnum = (SELECT MIN(dnum) FROM t)")
    with pytest.raises(InputError, match="changed since the design was built"):
        d.mean("api00")


def test_bad_design_values_in_the_table(tmp_path):
    df = pd.read_csv(FIX / "apiclus1.csv")
    df.loc[3, "pw"] = -1.0
    df.loc[5, "dnum"] = np.nan
    df.to_parquet(tmp_path / "a.parquet")
    with pytest.raises(InputError, match="1 row.s. have no psu value"):
        gs.Design(str(tmp_path / "a.parquet"), weights="pw", psu="dnum")
    with pytest.raises(InputError, match="1 weight.s. are missing, zero or negative"):
        gs.Design(str(tmp_path / "a.parquet"), weights="pw")
    with pytest.raises(InputError, match="mean variable must be numeric"):
        gs.Design(str(tmp_path / "a.parquet")).mean("stype")
    with pytest.raises(InputError, match="stay in the engine"):
        gs.Design(str(tmp_path / "a.parquet")).glm("api00 ~ enroll")


def test_what_needs_the_rows_says_so(tmp_path):
    pd.read_csv(FIX / "apiclus1.csv").to_parquet(tmp_path / "c.parquet")
    d = gs.Design(str(tmp_path / "c.parquet"), psu="dnum", weights="pw")
    cells = {"E": 4000, "H": 700, "M": 1000}
    for call in [
        lambda: gs.poststratify(d, "stype", cells),
        lambda: gs.rake(d, {"stype": cells}),
        lambda: gs.relative_importance(d, "api00 ~ enroll + meals"),
        lambda: d.variance(np.ones(3)),
        lambda: d.data["api00"],
    ]:
        with pytest.raises(InputError, match="stay in the engine") as e:
            call()
        assert "c.parquet" in str(e.value) and "pandas DataFrame" in str(e.value)
