"""Ranks over time, rank change and progress to dated targets."""

import numpy as np
import pytest

import govsurvey as gs
from govsurvey.errors import InputError

from .waves_data import wave


@pytest.fixture(scope="module")
def waves():
    eff = {
        2021: {"A": -1.5, "B": 0.0, "C": 0.3, "D": 0.6},
        2022: {"A": 0.0, "B": 0.0, "C": 0.3, "D": 0.6},
        2023: {"A": 1.5, "B": 0.0, "C": 0.3, "D": 0.6},
    }
    return gs.Waves({y: wave(y, e) for y, e in eff.items()})


def test_ranks_per_period_are_rank_index_of_each_period(waves, instrument):
    r = gs.trends.ranks(waves, instrument, "district")
    for p, d in waves.designs.items():
        own = gs.sipas_index(d, instrument, by="district").query("code == 'SIPAS'")
        exp = gs.rank_index(own, "district")
        got = r[r["period"] == p].reset_index(drop=True)
        assert got["district"].tolist() == exp["district"].tolist()
        for c in ("rank", "rank_low", "rank_high"):
            assert got[c].tolist() == exp[c].tolist()


def test_rank_change_rises_only_when_the_interval_excludes_zero(waves, instrument):
    rc = gs.trends.rank_change(waves, instrument, "district", 2021, 2023).set_index("district")
    assert rc.loc["A", "rank_start"] == 4 and rc.loc["A", "rank_end"] == 1
    assert rc.loc["A", "verdict"] == "rose"
    assert rc.loc["A", "change_high"] < 0
    np.testing.assert_array_equal(rc["change_low"], rc["rank_low_end"] - rc["rank_high_start"])
    np.testing.assert_array_equal(rc["change_high"], rc["rank_high_end"] - rc["rank_low_start"])
    ok = (rc["change_low"] <= 0) & (rc["change_high"] >= 0)
    assert (rc.loc[ok, "verdict"] == "not determined").all()
    # intervals of both periods at 97.5%: wider than each period's 95% intervals
    r95 = gs.trends.ranks(waves, instrument, "district", confidence=0.95)
    r975 = gs.trends.ranks(waves, instrument, "district", confidence=0.975)
    w95 = (r95["rank_high"] - r95["rank_low"]).sum()
    assert (r975["rank_high"] - r975["rank_low"]).sum() >= w95


def test_rank_change_names_units_ranked_once(instrument):
    a = wave(1, {"A": 0.0, "B": 0.5, "C": 1.0})
    b = wave(2, {"A": 0.0, "B": 0.5, "E": 1.0})
    rc = gs.trends.rank_change(gs.Waves({2021: a, 2022: b}), instrument, "district")
    assert set(rc["district"]) == {"A", "B"}
    assert any("C, E" in n for n in rc.attrs["notes"])


def test_progress_to_dated_targets(waves, instrument):
    tg = {"A": {2025: 60.0}, "B": {2023: 40.0, 2026: 99.9}}
    pg = gs.trends.progress(waves, tg, instrument, unit="district").set_index(
        ["district", "target_year"]
    )
    pred = waves.predict(instrument, at=2025, by="district").query("code == 'SIPAS'")
    a25 = pg.loc[("A", 2025)]
    assert a25["basis"] == "trend"
    assert a25["estimate"] == pytest.approx(
        float(pred.loc[pred.district == "A", "estimate"].iloc[0])
    )
    assert a25["verdict"] == "on track"  # a steep rise, a low target
    assert pg.loc[("B", 2026), "verdict"] == "off track"  # flat, beyond reach
    b23 = pg.loc[("B", 2023)]
    assert b23["basis"] == "survey" and b23["verdict"] in ("met", "not met", "not determined")
    idx = waves.index(instrument, by="district").query("code == 'SIPAS' and period == 2023")
    assert b23["estimate"] == pytest.approx(float(idx.loc[idx.district == "B", "estimate"].iloc[0]))
    lb = a25["estimate"] - a25["se"] * __import__("scipy").stats.t.ppf(0.95, a25["df"])
    assert a25["lower_bound"] == pytest.approx(lb)


def test_progress_bad_targets(waves, instrument):
    with pytest.raises(InputError, match="before the last wave"):
        gs.trends.progress(waves, {2020: 80}, instrument)
    with pytest.raises(InputError, match="not a value of 'district'"):
        gs.trends.progress(waves, {"Z": {2025: 80}}, instrument, unit="district")
    with pytest.raises(InputError, match="outside 0–100"):
        gs.trends.progress(waves, {2025: 180}, instrument)


def test_embedded_over_time_data_regenerates_byte_identical(tmp_path, root):
    from govsurvey.io import file_sha256
    from govsurvey.synth.over_time import write_over_time_data

    sums = write_over_time_data(tmp_path)
    for name, digest in sums.items():
        assert digest == file_sha256(root / "data" / "synthetic" / name), name
