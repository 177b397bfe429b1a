"""Validating a CSV in batches into Parquet parts: the same rows, account and messages."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.errors import InputError
from govsurvey.io.stream import stream_responses

SRC = "data/synthetic/responses.csv"
KW = dict(
    weights="base_weight", strata="stratum", psu=["psu", "respondent_id"], fpc=["fpc1", "fpc2"]
)


@pytest.fixture()
def lines(root):
    return (root / SRC).read_bytes().decode("utf-8").splitlines(keepends=True)


def _write(tmp_path, lines, name="r.csv"):
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_the_parts_hold_what_read_responses_reads(root, tmp_path):
    out = stream_responses(root / SRC, tmp_path / "parts", chunk_bytes=300_000)
    whole = gs.read_responses(root / SRC)
    assert len(out.parts) > 3 and out.n_read == whole.n_read and out.n_kept == whole.n_kept
    assert out.source.sha256 == whole.source.sha256
    got = pd.concat([pd.read_parquet(p) for p in out.parts], ignore_index=True)
    pd.testing.assert_frame_equal(got, whole.data.reset_index(drop=True), check_dtype=False)
    parts = duckdb.read_parquet(str(tmp_path / "parts" / "*.parquet")).filter("responded = 1")
    idx_tab = gs.sipas_index(gs.Design(parts, **KW), by="district")
    mem = gs.sipas_index(gs.Design(whole.respondents, **KW), by="district")
    np.testing.assert_allclose(idx_tab["se"], mem["se"], rtol=1e-9)


def test_rejected_rows_are_stated_with_their_row_in_the_file(tmp_path, lines):
    bad = list(lines)
    header = bad[0].rstrip("\n").split(",")
    w, c = header.index("base_weight"), header.index("C1_1")
    for i in (5, 2500, 6100):  # rows in the first, a middle and the last batch
        cells = bad[i].rstrip("\n").split(",")
        cells[w] = "-3"
        bad[i] = ",".join(cells) + "\n"
    cells = bad[4000].rstrip("\n").split(",")
    cells[c] = "7"  # an answer off the scale: set missing, row kept
    bad[4000] = ",".join(cells) + "\n"
    path = _write(tmp_path, bad)
    whole = gs.read_responses(path, on_error="exclude")
    out = stream_responses(path, tmp_path / "parts", chunk_bytes=250_000, on_error="exclude")
    assert len(out.parts) > 3
    assert out.n_read == whole.n_read and out.n_kept == whole.n_kept == whole.n_read - 3
    cols = ["row", "respondent_id", "check", "reason"]
    pd.testing.assert_frame_equal(
        out.account[cols].reset_index(drop=True), whole.account[cols].reset_index(drop=True)
    )
    assert out.account["row"].tolist() == [6, 2501, 6101]
    assert out.cell_account["row"].tolist() == whole.cell_account["row"].tolist() == [4001]
    with pytest.raises(InputError) as e:
        stream_responses(path, tmp_path / "again", chunk_bytes=250_000)
    assert str(e.value).startswith(f"{path}, row 6, column 'base_weight'")
    tail = bad[:1] + bad[1000:]
    with pytest.raises(InputError) as e:  # the problem in a later batch, numbered in the file
        stream_responses(_write(tmp_path, tail, "t.csv"), tmp_path / "t", chunk_bytes=250_000)
    assert "row 1502, column 'base_weight'" in str(e.value) and "batch" not in str(e.value)


def test_an_id_in_two_batches(tmp_path, lines):
    path = _write(tmp_path, lines + [lines[3]])
    with pytest.raises(InputError) as e:
        stream_responses(path, tmp_path / "parts", chunk_bytes=300_000)
    msg = str(e.value)
    assert "column 'respondent_id'" in msg and "appears more than once (rows 1–" in msg


def test_a_label_spelled_two_ways_in_two_batches(tmp_path, lines):
    header = lines[0].rstrip("\n").split(",")
    d = header.index("district")
    first = lines[1].rstrip("\n").split(",")[d]
    rows = [i for i, line in enumerate(lines) if line.split(",")[d] == first]
    moved = []  # half the district's rows, spelled in capitals, at the end of the file
    for i in rows[::2]:
        cells = lines[i].rstrip("\n").split(",")
        cells[d] = first.upper()
        moved.append(",".join(cells) + "\n")
    respelled = [line for i, line in enumerate(lines) if i not in set(rows[::2])] + moved
    path = _write(tmp_path, respelled)
    whole = gs.read_responses(path, on_error="exclude")  # in one read: unified, and stated
    assert (whole.cell_account["action"] == "spelling unified").sum() == len(moved)
    with pytest.raises(InputError, match="spelled 2 ways in different parts"):
        stream_responses(path, tmp_path / "parts", chunk_bytes=300_000, on_error="exclude")


def test_an_existing_folder_of_parts_is_refused(root, tmp_path):
    stream_responses(root / SRC, tmp_path / "parts")
    with pytest.raises(InputError, match="already holds Parquet parts"):
        stream_responses(root / SRC, tmp_path / "parts")
