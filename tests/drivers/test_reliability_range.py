"""Answers outside the scale are never dropped silently (issue 17, item 6).

psych's ``bfi`` items run 1–6. With the default ``valid=(1, 5)`` govsurvey used to drop every 6
without a word (neuroticism: alpha 0.760 on 2,048 people instead of psych's 0.813 on 2,694).
Fixtures: ``tests/fixtures/drivers/make_bfi.R`` (``bfi.csv``, ``r_bfi_alpha.csv``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsurvey.drivers.reliability import reliability
from govsurvey.errors import InputError

FIX = Path(__file__).parent.parent / "fixtures" / "drivers"
BFI = pd.read_csv(FIX / "bfi.csv")
REF = pd.read_csv(FIX / "r_bfi_alpha.csv").set_index("scale")
SCALES = {s: [f"{s}{j}" for j in range(1, 6)] for s in REF.index}


def test_six_point_scale_with_its_own_range_equals_psych():
    got = reliability(BFI, SCALES, valid=(1, 6)).scales.set_index("scale").loc[REF.index]
    np.testing.assert_array_equal(got["n"], REF["n"])
    for col in ("raw_alpha", "std_alpha", "average_r"):
        np.testing.assert_allclose(got[col], REF[col], rtol=1e-10)
    assert got.loc["N", "raw_alpha"] == pytest.approx(0.813303143161439, rel=1e-12)


def test_answers_outside_the_stated_scale_are_an_error_naming_them():
    with pytest.raises(InputError) as err:
        reliability(BFI, {"N": SCALES["N"]})  # valid=(1, 5) by default
    msg = str(err.value)
    assert "outside 1–5" in msg and "values 6" in msg and "valid=(1, 6)" in msg
    assert err.value.problems[0].column == "N1"
    n_six = int((BFI[SCALES["N"]] == 6).sum().sum())
    assert f"{n_six} answer(s)" in msg


def test_counted_missing_only_when_asked_and_then_said():
    r = reliability(BFI, {"N": SCALES["N"]}, out_of_range="missing")
    assert r.scales["n"].iloc[0] < REF.loc["N", "n"]
    assert len(r.notes) == 1 and "counted as missing" in r.notes[0] and "values 6" in r.notes[0]


def test_missing_codes_stay_missing_without_a_word():
    df = pd.DataFrame({"a": [1, 2, 3, 4, 5, 8, 9] * 10, "b": [2, 2, 3, 5, 4, 9, 1] * 10})
    r = reliability(df, {"S": ["a", "b"]})
    assert r.notes == [] and r.scales["n"].iloc[0] == 50
    with pytest.raises(InputError, match="not missing codes"):
        reliability(df.assign(a=df["a"].replace(8, 7)), {"S": ["a", "b"]})
