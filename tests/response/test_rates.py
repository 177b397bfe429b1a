"""AAPOR rates against values computed by hand on a table holding every kind of code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govsurvey.errors import InputError
from govsurvey.response.rates import RATES, assign_dispositions, response_rates

#: every AAPOR outcome: I=40, P=10, R=10 (8 refusals + 2 break-offs), NC=12, O=4, UH=5, UO=5, NE=5
TABLE = {
    "1.1": 40, "1.2": 10, "2.11": 6, "2.112": 2, "2.12": 2, "2.20": 7, "2.21": 3, "2.25": 2,
    "2.31": 1, "2.32": 2, "2.33": 1, "3.10": 1, "3.11": 2, "3.19": 2, "3.20": 2, "3.21": 1,
    "3.90": 2, "4.10": 3, "4.70": 1, "4.90": 1,
}  # fmt: skip


def table(extra=None):
    codes = [c for c, k in TABLE.items() for _ in range(k)]
    return pd.DataFrame({"disposition": codes})


def hand():
    e = 76 / 81  # eligible / (eligible + not eligible)
    return {
        "RR1": 40 / 86, "RR2": 50 / 86, "RR3": 40 / (76 + 10 * e), "RR4": 50 / (76 + 10 * e),
        "RR5": 40 / 76, "RR6": 50 / 76,
        "COOP1": 40 / 64, "COOP2": 50 / 64, "COOP3": 40 / 60, "COOP4": 50 / 60,
        "REF1": 10 / 86, "REF2": 10 / (76 + 10 * e), "REF3": 10 / 76,
        "CON1": 64 / 86, "CON2": 64 / (76 + 10 * e), "CON3": 64 / 76, "e": e,
    }  # fmt: skip


def test_every_rate_equals_the_hand_computation():
    r = response_rates(table())
    assert list(r["rate"]) == list(RATES)
    got = r.set_index("rate")["estimate"]
    for k, v in hand().items():
        assert got[k] == pytest.approx(v, rel=1e-12), k
    assert (r["cases"] == sum(TABLE.values())).all()


def test_given_e_replaces_the_proportion_eligible_rule():
    got = response_rates(table(), e=0.5).set_index("rate")["estimate"]
    assert got["RR3"] == pytest.approx(40 / 81)
    assert got["e"] == 0.5


def test_rates_by_domain_and_weighted():
    t = table()
    t["district"] = np.where(np.arange(len(t)) % 2 == 0, "A", "B")
    r = response_rates(t, by="district")
    assert set(r["district"]) == {"A", "B"} and len(r) == 2 * len(RATES)
    a = t[t["district"] == "A"]
    rr1 = (a["disposition"] == "1.1").sum() / (len(a) - a["disposition"].str.startswith("4").sum())
    assert r.query("district == 'A' and rate == 'RR1'")["estimate"].iloc[0] == pytest.approx(rr1)
    t["w"] = np.where(t["disposition"] == "1.1", 2.0, 1.0)
    w = response_rates(t, weight="w").set_index("rate")["estimate"]
    assert w["RR1"] == pytest.approx(80 / 126)


def test_codes_outside_the_aapor_set_are_all_listed():
    bad = pd.DataFrame({"disposition": ["1.1", "1.3", "5.1", "2.0", "done", "1.1", None]})
    with pytest.raises(InputError) as err:
        response_rates(bad)
    text = str(err.value)
    for code in ["'1.3'", "'5.1'", "'2.0'", "'done'"]:
        assert code in text
    assert len(err.value.problems) == 5  # the missing code too
    with pytest.raises(InputError, match="disposition column"):
        response_rates(bad, disposition="nope")


def test_assigned_dispositions_follow_the_answers():
    df = pd.DataFrame(
        {
            "responded": [1, 1, 1, 0, 0],
            "a": [4, 4, None, None, None],
            "b": [5, None, None, None, None],
            "c": [3, 9, 2, None, None],
            "mode": ["post", "post", "post", "face_to_face", "post"],
        }
    )
    d = assign_dispositions(df, ["a", "b", "c"], seed=1)
    assert list(d[:3]) == ["1.1", "1.2", "2.12"]
    assert set(d[3:]) <= {"2.11", "2.20", "2.30", "3.20"}
    assert (assign_dispositions(df, ["a", "b", "c"], seed=1) == d).all()
    with pytest.raises(InputError, match="0 \\(did not answer\\) and 1"):
        assign_dispositions(df.assign(responded=[1, 2, 1, 0, 0]), ["a"])
