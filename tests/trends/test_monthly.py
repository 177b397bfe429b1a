"""Monthly compilation: sums equal the pooled forms to 1e-9; windows, roll-ups, funnel."""

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.errors import InputError
from govsurvey.synth.over_time import simulate_desks

COLS = ["estimate", "se", "ci_low", "ci_high", "df", "n"]


@pytest.fixture(scope="module")
def sim():
    return simulate_desks(seed=3, desks=6, months=12, declining="Một cửa Tây Hồ")


def _design(forms, **kw):
    return gs.Design(forms, weights="weight", strata="stratum", psu="psu", **kw)


def _same(a: pd.DataFrame, b: pd.DataFrame):
    assert len(a) == len(b)
    for c in COLS:
        np.testing.assert_allclose(a[c].to_numpy(float), b[c].to_numpy(float), rtol=1e-9, atol=1e-9)
    assert a["code"].tolist() == b["code"].tolist()


def test_months_quarters_year_equal_the_pooled_forms(sim, instrument):
    f = sim.forms.assign(month=sim.forms["date"].str[:7])
    f["quarter"] = pd.PeriodIndex(f["month"], freq="M").asfreq("Q").astype(str)
    f["year"] = f["month"].str[:4]
    ms = gs.trends.compile_months(_design(f), instrument, "desk", "date")
    d = _design(f)
    _same(ms.index(), gs.sipas_index(d, instrument, by=["desk", "month"]))
    _same(ms.roll_up("quarter").index(), gs.sipas_index(d, instrument, by=["desk", "quarter"]))
    _same(ms.roll_up("year").index(), gs.sipas_index(d, instrument, by=["desk", "year"]))
    _same(ms.index(by_unit=False), gs.sipas_index(d, instrument, by="month"))
    assert len(ms.sums) < len(f) / 4  # (desk, month, day) sums, not forms


def test_rolling_window_equals_its_pooled_forms(sim, instrument):
    f = sim.forms.assign(month=sim.forms["date"].str[:7])
    ms = gs.trends.compile_months(_design(f), instrument, "desk", "date")
    r = ms.index(window=3)
    assert r["period"].nunique() == 10  # March to December
    for end, months in [
        ("2024-03", ["2024-01", "2024-02", "2024-03"]),
        ("2024-08", ["2024-06", "2024-07", "2024-08"]),
    ]:
        g = f.assign(win=np.where(f["month"].isin(months), end, None))
        ref = gs.sipas_index(_design(g), instrument, by=["desk", "win"])
        got = r[r["period"] == end].reset_index(drop=True)
        assert (got["start"] == months[0]).all()
        _same(got, ref)


def test_sums_compiled_separately_merge_exactly(sim, instrument):
    f = sim.forms
    early = f[f["date"] < "2024-07"]
    late = f[f["date"] >= "2024-07"]
    a = gs.trends.compile_months(_design(early), instrument, "desk", "date")
    b = gs.trends.compile_months(_design(late), instrument, "desk", "date")
    whole = gs.trends.compile_months(_design(f), instrument, "desk", "date")
    merged = gs.trends.MonthlySums.concat([a, b])
    assert merged.periods == whole.periods
    _same(merged.roll_up("year").index(), whole.roll_up("year").index())
    with pytest.raises(InputError, match="appears in two"):
        gs.trends.MonthlySums.concat([a, a])


def test_fpc_and_lonely_rules_carry_over(sim, instrument):
    f = sim.forms.assign(days=28, month=sim.forms["date"].str[:7])
    d = _design(f, fpc="days")
    ms = gs.trends.compile_months(d, instrument, "desk", "date")
    _same(ms.index(), gs.sipas_index(d, instrument, by=["desk", "month"]))


def test_funnel_limits_and_verdicts(sim, instrument):
    ms = gs.trends.compile_months(_design(sim.forms), instrument, "desk", "date")
    fu = ms.funnel(tolerance=5.0)
    from scipy import stats

    q = stats.t.ppf(0.999, fu["df"])
    np.testing.assert_allclose(fu["limit_low"], fu["centre"] - q * fu["se"])
    pooled = ms.index(by_unit=False).query("code == 'SIPAS'").set_index("period")["estimate"]
    np.testing.assert_allclose(fu["centre"], fu["period"].map(pooled))
    below = fu["estimate"] < fu["limit_low"]
    assert (fu.loc[below, "verdict"] == "below").all()
    nd = fu["verdict"] == "not determined"
    assert (fu.loc[nd, "forms_needed"] > fu.loc[nd, "n"]).all()
    assert fu.loc[~nd, "forms_needed"].isna().all()
    dec = fu[(fu["desk"] == "Một cửa Tây Hồ") & fu["period"].isin(sim.months[-3:])]
    assert (dec["verdict"] == "below").any()


def test_bad_forms(sim, instrument):
    f = sim.forms.copy()
    f.loc[5, "date"] = None
    with pytest.raises(InputError, match="have no date") as e:
        gs.trends.compile_months(_design(f), instrument, "desk", "date")
    assert e.value.problems[0].row == 5
    f = sim.forms.copy()
    f.loc[7, "date"] = "tháng 3"
    with pytest.raises(InputError, match="unreadable date"):
        gs.trends.compile_months(_design(f), instrument, "desk", "date")
    with pytest.raises(InputError, match="outside the months compiled"):
        gs.trends.compile_months(
            _design(sim.forms), instrument, "desk", "date", months=["2024-01", "2024-02"]
        )
    f = sim.forms.copy()
    f.loc[2, "desk"] = None
    with pytest.raises(InputError, match="no reporting unit"):
        gs.trends.compile_months(_design(f), instrument, "desk", "date")
    two = gs.Design(
        sim.forms.assign(n2=100, n1=28),
        strata="stratum",
        psu=["psu", "respondent_id"],
        fpc=["n1", "n2"],
    )
    with pytest.raises(InputError, match="one-stage design"):
        gs.trends.compile_months(two, instrument, "desk", "date")
    ms = gs.trends.compile_months(_design(sim.forms), instrument, "desk", "date")
    with pytest.raises(InputError, match="longer than"):
        ms.index(window=30)


def test_every_date_missing(sim, instrument):
    f = sim.forms.assign(date=None)
    with pytest.raises(InputError, match="have no date"):
        gs.trends.compile_months(_design(f), instrument, "desk", "date")
