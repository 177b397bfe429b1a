"""Waves: period figures as each period's own index, change, trend, bad input."""

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.errors import InputError


def _frame(seed: int, shift: float = 0.0, n_psu: int = 8, per: int = 15, strata: int = 2):
    inst = gs.load_instrument("sipas-2017")
    cols = [c.column for c in inst.criteria]
    rng = np.random.default_rng(seed)
    n = n_psu * per
    base = rng.normal(shift, 1, size=(n, 1)) + rng.normal(0, 1, size=(n, len(cols)))
    ans = np.clip(np.round(3.6 + base), 1, 5)
    ans[rng.random(ans.shape) < 0.05] = np.nan  # don't know
    df = pd.DataFrame(ans, columns=cols)
    df["psu"] = np.repeat(np.arange(n_psu), per)
    df["stratum"] = df["psu"] % strata
    df["district"] = np.where(df["psu"] < n_psu // 2, "A", "B")
    df["w"] = rng.uniform(1, 3, n)
    return df


def _design(df):
    return gs.Design(df, weights="w", strata="stratum", psu="psu")


@pytest.fixture(scope="module")
def waves():
    return gs.Waves(
        {2021: _design(_frame(1)), 2022: _design(_frame(2, 0.3)), 2023: _design(_frame(3, 0.6))}
    )


def test_index_per_period_is_each_periods_own_index(waves, instrument):
    idx = waves.index(instrument, by="district")
    assert list(idx.columns[:2]) == ["period", "district"]
    for p, d in waves.designs.items():
        own = gs.sipas_index(d, instrument, by="district")
        mine = idx[idx["period"] == p].reset_index(drop=True)
        for col in ["estimate", "se", "ci_low", "ci_high", "df", "n"]:
            np.testing.assert_allclose(mine[col], own[col], rtol=1e-12)


def test_change_of_independent_periods(waves, instrument):
    ch = waves.change(instrument, 2021, 2023)
    a = gs.sipas_index(waves.designs[2021], instrument)
    b = gs.sipas_index(waves.designs[2023], instrument)
    np.testing.assert_allclose(ch["estimate"], b["estimate"] - a["estimate"], rtol=1e-12)
    np.testing.assert_allclose(ch["se"], np.hypot(a["se"], b["se"]), rtol=1e-10)
    assert (ch["df"] == a["df"] + b["df"]).all()  # PSUs minus strata of both periods
    assert list(ch.columns[:9]) == [
        "level",
        "code",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "df",
        "n",
        "estimate_start",
    ]
    sipas = ch[ch["code"] == "SIPAS"].iloc[0]
    assert sipas["rise_verdict"] == "achieved"  # +0.6 SD of the latent scale
    assert sipas["lower_bound"] > 0
    # relative: (b / a - 1) * 100 and the delta-method SE of independent estimates
    rel = waves.change(instrument, 2021, 2023, unit="relative")
    ea, eb, sa, sb = a["estimate"], b["estimate"], a["se"], b["se"]
    np.testing.assert_allclose(rel["estimate"], (eb / ea - 1) * 100, rtol=1e-12)
    np.testing.assert_allclose(
        rel["se"], 100 * np.sqrt(sb**2 / ea**2 + eb**2 * sa**2 / ea**4), rtol=1e-10
    )
    g = waves.change(instrument, 2021, 2023, gain=50.0)
    assert g.loc[g["code"] == "SIPAS", "gain_verdict"].iloc[0] == "not achieved"


def test_trend_is_the_slope_of_the_period_figures(waves, instrument):
    tr = waves.trend(instrument)
    idx = waves.index(instrument)
    e = idx.pivot(index="code", columns="period", values="estimate").loc[tr["code"]]
    s = idx.pivot(index="code", columns="period", values="se").loc[tr["code"]]
    x = np.array([-1.0, 0.0, 1.0]) / 2.0
    np.testing.assert_allclose(tr["estimate"], e.to_numpy() @ x, rtol=1e-10)
    np.testing.assert_allclose(tr["se"], np.sqrt((s.to_numpy() ** 2) @ x**2), rtol=1e-10)
    assert (tr["periods"] == 3).all()


def test_predict_and_target_year_before_last_wave(waves, instrument):
    pr = waves.predict(instrument, at=2025)
    tr = waves.trend(instrument)
    idx = waves.index(instrument)
    mean = idx.groupby("code", sort=False)["estimate"].mean().loc[pr["code"]].to_numpy()
    np.testing.assert_allclose(pr["estimate"], mean + 3 * tr["estimate"].to_numpy(), rtol=1e-10)
    assert (pr["se"] >= pr["design_se"] - 1e-12).all()
    with pytest.raises(InputError, match="before the last wave"):
        waves.predict(instrument, at=2022)


def test_uncommon_criteria_are_left_out_with_a_note(instrument):
    a, b = _frame(1), _frame(2).drop(columns=["C5_4", "C1_1", "C1_2", "C1_3", "C1_4"])
    w = gs.Waves({2021: _design(a), 2022: _design(b)})
    ch = w.change(instrument)
    assert "C5.4" not in set(ch["code"]) and "C1" not in set(ch["code"])
    assert set(ch.attrs["dropped_codes"]) == {"C5.4", "C1.1", "C1.2", "C1.3", "C1.4", "C1"}
    assert any("left out" in n for n in ch.attrs["notes"])
    # the SIPAS of the common instrument averages the 4 remaining components
    c = ch.set_index("code")["estimate_end"]
    assert c["SIPAS"] == pytest.approx(c[["C2", "C3", "C4", "C5"]].mean(), rel=1e-12)


def test_no_common_criterion(instrument):
    a = _frame(1)
    b = _frame(2)[["psu", "stratum", "w", "district"]]
    w = gs.Waves({2021: _design(a), 2022: _design(b)})
    with pytest.raises(InputError, match="no criterion in common"):
        w.change(instrument)


def test_unit_in_one_wave_only(instrument):
    a, b = _frame(1), _frame(2)
    b["district"] = b["district"].replace({"B": "C"})
    w = gs.Waves({2021: _design(a), 2022: _design(b)})
    ch = w.change(instrument, by="district")
    assert ch.loc[ch["district"] == "A", "estimate"].notna().all()
    assert ch.loc[ch["district"] != "A", "estimate"].isna().all()
    notes = " ".join(ch.attrs["notes"])
    assert "district=B has no respondents in 2022" in notes
    assert "district=C has no respondents in 2021" in notes


def test_shared_psus_that_never_match():
    a, b = _frame(1), _frame(2)
    b["psu"] += 100
    with pytest.raises(InputError, match="no PSU id appears in two periods"):
        gs.Waves({2021: _design(a), 2022: _design(b)}, shared_psus=True)


def test_bad_waves():
    with pytest.raises(InputError, match="mapping period"):
        gs.Waves({})
    with pytest.raises(InputError, match="has no respondents"):
        gs.Waves({2021: _design(_frame(1)), 2022: None})
    with pytest.raises(InputError, match="is a DataFrame, not a survey design"):
        gs.Waves({2021: _design(_frame(1)), 2022: _frame(2)})
    with pytest.raises(InputError, match="has no respondents in the data"):
        gs.Waves.from_frame(_frame(1).assign(year=2021), "year", periods=[2021, 2022])
    f = _frame(1).assign(year=2021)
    f.loc[3, "year"] = np.nan
    with pytest.raises(InputError, match="have no period"):
        gs.Waves.from_frame(f, "year")
    w = gs.Waves({2021: _design(_frame(1)), 2022: _design(_frame(2))})
    with pytest.raises(InputError, match="not one of the waves"):
        w.change("sipas-2017", 2020, 2022)
    with pytest.raises(InputError, match="unit is"):
        w.change("sipas-2017", unit="percent")


def test_calibrated_waves_keep_their_calibration(instrument):
    a, b = _frame(1), _frame(2)
    da = gs.poststratify(_design(a), "district", {"A": 500.0, "B": 700.0})
    w = gs.Waves({2021: da, 2022: _design(b)})
    own = gs.sipas_index(da, instrument)
    mine = w.index(instrument)
    np.testing.assert_allclose(mine.loc[mine["period"] == 2021, "se"], own["se"], rtol=1e-10)


def test_periods_of_different_instruments_compare_on_common_codes(instrument):
    import dataclasses

    comps = instrument.components
    short = dataclasses.replace(
        instrument,
        name="sipas-short",
        components=tuple(
            dataclasses.replace(c, criteria=c.criteria[:-1]) if c.code == "C3" else c
            for c in comps[:4]
        ),
    )
    w = gs.Waves({2021: _design(_frame(1)), 2022: _design(_frame(2))})
    ch = w.change({2021: instrument, 2022: short})
    dropped = set(ch.attrs["dropped_codes"])
    assert dropped == {"C3.6", "C5.1", "C5.2", "C5.3", "C5.4", "C5"}
    assert set(ch["code"]) == {c.code for c in short.criteria} | {"C1", "C2", "C3", "C4", "SIPAS"}
    with pytest.raises(InputError, match="no instrument given"):
        w.change({2021: instrument})


def test_shared_psus_without_strata_and_mixed_declarations(instrument):
    a, b = _frame(1), _frame(2)
    da = gs.Design(a, weights="w", psu="psu")
    db = gs.Design(b, weights="w", psu="psu")
    w = gs.Waves({2021: da, 2022: db}, shared_psus=True)
    ch = w.change(instrument)
    assert ch["se"].notna().all() and (ch["df"] == 8 - 1).all()  # 8 shared PSUs, one stratum
    with pytest.raises(InputError, match="declare their stages differently"):
        gs.Waves({2021: da, 2022: gs.Design(b.assign(f=100), weights="w", psu="psu", fpc="f")})
