"""A rake converges only when every margin is met (issue 17, item 4).

Before, the stopping rule looked only at how much the weighted table moved between sweeps: margins
that cannot all be met (a sample cell empty where the population has units, contradictory
margins) stop moving after a sweep or two, and the rake said ``converged=True`` with margins
missed by a factor of several.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govsurvey.design import Design
from govsurvey.errors import InputError
from govsurvey.weighting import apply, rake


def _empty_cell_sample():
    # district A holds men only in the sample; the population has 100 women there
    return pd.DataFrame(
        {
            "district": ["A"] * 4 + ["B"] * 4,
            "sex": ["m", "m", "m", "m", "m", "m", "f", "f"],
            "y": np.arange(8.0),
            "w": 10.0,
        }
    )


# population: A = 60 m + 100 f, B = 40 m + 30 f; the sample has no woman in A, so women can only
# come from B, whose total is 70 < 130 women: the margins cannot both be met
EMPTY_CELL = {"district": {"A": 160.0, "B": 70.0}, "sex": {"m": 100.0, "f": 130.0}}


def _contradictory_sample():
    return pd.DataFrame(
        {
            "district": ["A", "A", "B", "B", "C", "C"],
            "area": ["urban", "urban", "urban", "urban", "rural", "rural"],
            "sex": ["m", "f", "m", "f", "m", "f"],
            "w": 1.0,
        }
    )


# area is a function of district (A, B urban; C rural), but the margins disagree on it:
# urban = A + B = 80 by district, 120 by area
CONTRADICTORY = {
    "district": {"A": 40.0, "B": 40.0, "C": 80.0},
    "area": {"urban": 120.0, "rural": 40.0},
    "sex": {"m": 80.0, "f": 80.0},
}


@pytest.mark.parametrize(
    "data, margins, margin",
    [(_empty_cell_sample, EMPTY_CELL, "district"), (_contradictory_sample, CONTRADICTORY, None)],
    ids=["empty_sample_cell", "contradictory_margins"],
)
def test_unmeetable_margins_stop_with_the_margin_its_target_and_achieved_total(
    data, margins, margin
):
    d = Design(data(), weights="w")
    with pytest.raises(InputError) as err:
        rake(d, margins)
    msg = str(err.value)
    assert "did not meet its margins" in msg and "has the target" in msg
    assert "weights total" in msg and "no weights produced" in msg
    assert "converged" not in msg.lower() or "did not" in msg
    if margin:
        assert err.value.problems[0].column == margin


def test_kept_weights_of_an_unmet_rake_say_unconverged_and_which_margin_fails():
    d = rake(Design(_empty_cell_sample(), weights="w"), EMPTY_CELL, on_failure="keep")
    diag = d.diagnostics
    assert diag.converged is False
    unmet = diag.details["unmet"]
    assert unmet, "the failing margins are listed"
    got = d.data.assign(w=d.weight_values)
    for f in unmet:  # each entry's achieved total is the weights' true total
        total = got.loc[got[f["margin"]] == f["level"], "w"].sum()
        assert f["achieved"] == pytest.approx(total, rel=1e-12)
        assert f["target"] == EMPTY_CELL[f["margin"]][f["level"]]
        assert abs(f["achieved"] - f["target"]) > diag.details["tolerance"]
    assert diag.max_misfit > 0.1


def test_kept_weights_of_contradictory_margins_miss_a_margin_by_the_stated_amount():
    d = rake(Design(_contradictory_sample(), weights="w"), CONTRADICTORY, on_failure="keep")
    assert d.diagnostics.converged is False
    worst = d.diagnostics.details["unmet"][0]
    got = d.data.assign(w=d.weight_values)
    total = got.loc[got[worst["margin"]] == worst["level"], "w"].sum()
    assert worst["achieved"] == pytest.approx(total, rel=1e-12)
    assert abs(total - worst["target"]) >= 1.0  # far outside the tolerance, not noise


def test_a_rake_that_meets_its_margins_says_so_with_nothing_unmet():
    df = pd.DataFrame({"sex": ["m", "m", "f", "f"], "age": ["y", "o", "y", "o"], "w": 1.0})
    margins = {"sex": {"m": 40.0, "f": 60.0}, "age": {"y": 30.0, "o": 70.0}}
    d = rake(Design(df, weights="w"), margins)
    assert d.diagnostics.converged is True and d.diagnostics.details["unmet"] == []
    got = d.data.assign(w=d.weight_values)
    for col, targets in margins.items():
        for level, t in targets.items():
            assert got.loc[got[col] == level, "w"].sum() == pytest.approx(t, abs=1e-6)


def test_replicate_design_rake_with_unmeetable_margins_stops_too():
    d = Design(_empty_cell_sample().assign(p=np.arange(8)), weights="w", psu="p")
    with pytest.raises(InputError, match="did not meet its margins"):
        rake(d.replicate("jk1"), EMPTY_CELL)


def test_apply_stops_or_keeps_as_its_parameter_says():
    data = _empty_cell_sample().assign(responded=1)
    frame = pd.DataFrame(
        {"district": ["A", "A", "B", "B"], "sex": ["m", "f", "m", "f"], "N": [60, 100, 40, 30]}
    )
    d = Design(data, weights="w")
    with pytest.raises(InputError, match="did not meet its margins"):
        apply(d, "rake", frame=frame, variables=["district", "sex"])
    kept = apply(d, "rake", frame=frame, variables=["district", "sex"], rake_failure="keep")
    assert kept.diagnostics.converged is False and kept.diagnostics.details["unmet"]
