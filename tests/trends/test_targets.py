"""Progress to dated targets with the nested form: several units, each to its own targets,
``all`` for the rest; values held against a hand computation from the period estimates."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import govsurvey as gs
from govsurvey.errors import InputError

from .waves_data import wave

EFFECTS = {
    2021: {"A": -1.5, "B": 0.0, "C": 0.3, "D": 0.6},
    2022: {"A": 0.0, "B": 0.0, "C": 0.3, "D": 0.6},
    2023: {"A": 1.5, "B": 0.0, "C": 0.3, "D": 0.6},
}
TARGETS = {"A": {2025: 60.0, 2027: 99.0}, "B": {2023: 40.0, 2026: 99.9}, "all": {2025: 70.0}}


@pytest.fixture(scope="module")
def waves():
    return gs.Waves({y: wave(y, e) for y, e in EFFECTS.items()})


@pytest.fixture(scope="module")
def by_period(waves, instrument):
    idx = waves.index(instrument, by="district").query("code == 'SIPAS'")
    return {u: g.sort_values("period") for u, g in idx.groupby("district")}


@pytest.fixture(scope="module")
def pg(waves, instrument):
    return gs.trends.progress(waves, TARGETS, instrument, unit="district")


def _line(path: pd.DataFrame, at: float) -> tuple[float, float, float]:
    """By hand: the least-squares line through the period estimates, extrapolated to ``at``;
    its design variance from the independent periods' SEs, plus the scatter around the line."""
    x = path["period"].to_numpy(float)
    e, se = path["estimate"].to_numpy(float), path["se"].to_numpy(float)
    m, xbar = len(x), x.mean()
    sxx = ((x - xbar) ** 2).sum()
    slope = ((x - xbar) * e).sum() / sxx
    est = e.mean() + slope * (at - xbar)
    c = 1 / m + (at - xbar) * (x - xbar) / sxx
    v_design = (c**2 * se**2).sum()
    rss = ((e - (e.mean() + slope * (x - xbar))) ** 2).sum()
    h = 1 / m + (x - xbar) ** 2 / sxx
    sigma2 = max(0.0, (rss - ((1 - h) * se**2).sum()) / (m - 2)) if m > 2 else 0.0
    var = v_design + sigma2 * (1 + 1 / m + (at - xbar) ** 2 / sxx)
    return est, float(np.sqrt(var)), slope


def test_two_units_with_their_own_targets_match_a_hand_computation(pg, by_period):
    got = pg.set_index(["district", "target_year"])
    for unit, year, target in [("A", 2025, 60.0), ("A", 2027, 99.0), ("B", 2026, 99.9)]:
        r = got.loc[(unit, year)]
        est, se, slope = _line(by_period[unit], year)
        assert r["basis"] == "trend" and r["source"] == "own" and r["target"] == target
        assert r["estimate"] == pytest.approx(est, rel=1e-9)
        assert r["se"] == pytest.approx(se, rel=1e-9)
        assert r["slope"] == pytest.approx(slope, rel=1e-9)
        q = stats.t.ppf(0.95, r["df"])
        assert r["lower_bound"] == pytest.approx(est - q * se, rel=1e-9)
        assert r["upper_bound"] == pytest.approx(est + q * se, rel=1e-9)
        q2 = stats.t.ppf(0.975, r["df"])  # the prediction interval, two-sided
        assert (r["ci_low"], r["ci_high"]) == pytest.approx((est - q2 * se, est + q2 * se))
        last = by_period[unit].iloc[-1]
        assert r["last_estimate"] == pytest.approx(last["estimate"])
        assert r["needed_slope"] == pytest.approx((target - last["estimate"]) / (year - 2023))
        assert r["n"] == last["n"]
    assert got.loc[("A", 2025), "verdict"] == "on track"  # a steep rise, a low target
    assert got.loc[("B", 2026), "verdict"] == "off track"  # flat, beyond reach
    # a surveyed year is judged by its own survey
    b23, survey = got.loc[("B", 2023)], by_period["B"].set_index("period").loc[2023]
    assert b23["basis"] == "survey"
    assert (b23["estimate"], b23["se"], b23["df"]) == pytest.approx(
        (survey["estimate"], survey["se"], survey["df"])
    )
    assert b23["verdict"] == "met"  # 40% is far below any unit here


def test_all_gives_its_targets_to_every_unit_without_its_own(pg, by_period):
    assert pg["district"].tolist()[:4] == ["A", "A", "B", "B"]  # own targets first
    rest = pg[pg["source"] == "all"]
    assert rest["district"].tolist() == ["C", "D"]
    assert (rest["target_year"] == 2025).all() and (rest["target"] == 70.0).all()
    for _, r in rest.iterrows():
        est, se, _ = _line(by_period[r["district"]], 2025)
        assert (r["estimate"], r["se"]) == pytest.approx((est, se), rel=1e-9)
    assert len(pg) == 6 and pg.attrs["level"] == 0.95


def test_flat_form_of_one_unit_equals_the_nested_form(waves, instrument):
    flat = gs.trends.progress(
        waves, {2025: 60, 2023: 40}, instrument, unit="district", target_unit="A"
    )
    nested = gs.trends.progress(waves, {"A": {2023: 40, 2025: 60}}, instrument, unit="district")
    pd.testing.assert_frame_equal(flat, nested)
    assert flat["target_year"].tolist() == [2023, 2025]


def test_whole_population_targets(waves, instrument):
    pg = gs.trends.progress(waves, {2026: 10.0}, instrument)
    city = waves.index(instrument).query("code == 'SIPAS'").sort_values("period")
    est, se, _ = _line(city, 2026)
    assert "district" not in pg.columns
    assert (pg["estimate"].iloc[0], pg["se"].iloc[0]) == pytest.approx((est, se), rel=1e-9)
    assert pg["verdict"].iloc[0] == "on track"
    # with the unit column given, flat targets without target_unit are still the population's
    same = gs.trends.progress(waves, {2026: 10.0}, instrument, unit="district")
    pd.testing.assert_frame_equal(same, pg)


@pytest.mark.parametrize("basis_year", [2025, 2023])
def test_verdicts_at_the_boundaries(waves, instrument, basis_year):
    """A bound equal to the target is not enough: strictly above is on track / met, strictly
    below off track / not met, on the bound not determined."""
    r = gs.trends.progress(waves, {"B": {basis_year: 50}}, instrument, unit="district").iloc[0]
    lo, hi = float(r["lower_bound"]), float(r["upper_bound"])
    assert 0 < lo < hi < 100 and r["basis"] == ("trend" if basis_year == 2025 else "survey")
    words = ("on track", "off track") if basis_year == 2025 else ("met", "not met")
    cases = {
        np.nextafter(lo, -np.inf): words[0],
        lo: "not determined",
        (lo + hi) / 2: "not determined",
        hi: "not determined",
        np.nextafter(hi, np.inf): words[1],
    }
    for target, verdict in cases.items():
        got = gs.trends.progress(
            waves, {"B": {basis_year: float(target)}}, instrument, unit="district"
        )
        assert got["verdict"].iloc[0] == verdict, (target, lo, hi)
        assert got["lower_bound"].iloc[0] == lo and got["upper_bound"].iloc[0] == hi


def test_a_unit_of_one_wave_is_not_estimable(instrument):
    a = wave(1, {"A": 0.0, "B": 0.5, "C": 1.0})
    b = wave(2, {"A": 0.0, "B": 0.5, "E": 1.0})
    w = gs.Waves({2021: a, 2022: b})
    pg = gs.trends.progress(w, {"A": {2024: 20}, "all": {2024: 20}}, instrument, unit="district")
    v = pg.set_index("district")["verdict"]
    assert v["C"] == v["E"] == "not estimable"
    assert v["A"] == "on track" and v["B"] == "on track"
    assert any("too few waves" in n for n in pg.attrs["notes"])


def test_bad_targets_are_refused_in_vi_and_en(waves, instrument):
    with pytest.raises(InputError) as err:
        gs.trends.progress(waves, {"Z": {2025: 80}}, instrument, unit="district")
    (p,) = err.value.problems
    assert p.what.startswith("parameter 'dated_targets' names the unit 'Z', which is not a value")
    assert p.what_vi.startswith("tham số 'dated_targets' ghi đơn vị 'Z'")
    with pytest.raises(InputError) as err:
        gs.trends.progress(waves, {"A": {2025: 120}}, instrument, unit="district")
    (p,) = err.value.problems
    assert p.text("en").startswith("dated_targets[A][2025] is 120, outside 0–100. Fix:")
    assert p.text("vi").startswith("dated_targets[A][2025] là 120, ngoài khoảng 0–100.")
    with pytest.raises(InputError) as err:
        gs.trends.progress(waves, {"A": {"sau": 80}}, instrument, unit="district")
    assert "which is not a year" in err.value.problems[0].what
    with pytest.raises(InputError, match="before the last wave"):
        gs.trends.progress(waves, {2020: 80}, instrument)
    with pytest.raises(InputError, match="need the column that names the units"):
        gs.trends.progress(waves, {"A": {2025: 80}}, instrument)


def test_trajectory_has_the_path_and_the_predictions(waves, instrument, by_period, pg):
    tj = gs.trends.trajectory(waves, TARGETS, instrument, unit="district")
    assert sorted(set(tj["district"])) == ["A", "B"]  # the units with their own targets
    a = tj[tj["district"] == "A"]
    assert a["period"].tolist() == [2021.0, 2022.0, 2023.0, 2025.0, 2027.0]
    assert a["basis"].tolist() == ["survey"] * 3 + ["trend"] * 2
    np.testing.assert_allclose(a["estimate"].iloc[:3], by_period["A"]["estimate"], rtol=1e-12)
    np.testing.assert_allclose(
        a["estimate"].iloc[3:], pg[pg["district"] == "A"]["estimate"], rtol=1e-12
    )
    assert a["target"].iloc[3:].tolist() == [60.0, 99.0] and a["target"].iloc[:3].isna().all()
    assert a["n"].tolist() == [*by_period["A"]["n"], by_period["A"]["n"].iloc[-1]] + [
        by_period["A"]["n"].iloc[-1]
    ]
    b = tj[tj["district"] == "B"].set_index("period")
    assert b.loc[2023.0, "target"] == 40.0 and b.loc[2026.0, "basis"] == "trend"
