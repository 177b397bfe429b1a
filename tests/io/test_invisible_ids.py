"""Ids that print the same but differ by an invisible character are reported (issue 17, item 6).

Two forms whose ids are ``R1`` and ``R<zero-width space>1`` (or ``A 2`` and ``A<no-break space>2``)
are one respondent to anyone reading the forms and two to a program: the reader reports them as it
reports ids that are one number written two ways (``id_collision``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from govsurvey.errors import InputError
from govsurvey.io import read_responses

SOURCE = Path(__file__).parents[1] / "malformed" / "id_collision.csv"


def _file(tmp_path, ids):
    df = pd.read_csv(SOURCE, dtype=str, keep_default_na=False)
    df = df.iloc[: len(ids)].copy()
    df["respondent_id"] = ids
    path = tmp_path / "forms.csv"
    df.to_csv(path, index=False, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "ids, clashing",
    [
        (["R1", "R\u200b1", "R3", "R4"], [2, 3]),  # zero-width space
        (["A 2", "A\u00a02", "R3", "R4"], [2, 3]),  # no-break space
        (["R1", "R2", "\ufeffR3", "R3"], [4, 5]),  # a byte-order mark inside the cell
    ],
    ids=["zero_width_space", "no_break_space", "bom"],
)
def test_ids_differing_by_an_invisible_character_are_reported(tmp_path, ids, clashing):
    path = _file(tmp_path, ids)
    with pytest.raises(InputError) as err:
        read_responses(path)
    msg = str(err.value)
    assert "invisible character" in msg
    r = read_responses(path, on_error="exclude")
    flagged = r.account[r.account["check"].str.contains("id_collision")]
    assert sorted(flagged["row"].tolist()) == clashing
    assert r.n_kept == len(ids) - 2


def test_visibly_different_ids_are_not_reported(tmp_path):
    r = read_responses(_file(tmp_path, ["R1", "R 1", "R\u00a03", "R4"]), on_error="exclude")
    assert r.n_kept == 4
