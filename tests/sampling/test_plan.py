"""Multi-stage plans: recorded probabilities are the true ones; samples fit gs.Design; fieldwork."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govsurvey.errors import InputError
from govsurvey.sampling import (
    Plan,
    Stage,
    fieldwork_sheet,
    recommend_plan,
    register_from_counts,
    standard_plan,
    write_fieldwork,
)


def _papi_frame(seed: int = 4) -> pd.DataFrame:
    """District -> commune -> village -> people, commune C1 of each district the seat."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(3):
        for c in range(6):
            for v in range(int(rng.integers(2, 5))):
                k = int(rng.integers(22, 60))
                rows.append(
                    pd.DataFrame(
                        {
                            "district": f"D{d}",
                            "commune": f"D{d}C{c}",
                            "village": f"D{d}C{c}V{v}",
                            "person": np.arange(k),
                        }
                    )
                )
    f = pd.concat(rows, ignore_index=True)
    f["person_id"] = np.arange(len(f))
    f["seat"] = f["commune"].str.endswith("C0")
    return f


PAPI = Plan(
    [
        Stage("commune", 3, method="pps_systematic", certainty="seat"),
        Stage("village", 2, method="pps_brewer"),
        Stage("person_id", 20),
    ],
    strata="district",
    name="PAPI",
)


def test_three_stage_probabilities_hold_empirically():
    f = _papi_frame()
    prep = PAPI.prepare(f)
    R = 3000
    count = np.zeros(len(f))
    pi = np.full(len(f), np.nan)
    totals = np.empty(R)
    rng = np.random.default_rng([12, 0])
    for r in range(R):
        dr = PAPI.draw_positions(prep, rng)
        count[dr.rows] += 1
        p = np.prod(dr.pi, axis=1)
        assert np.isnan(pi[dr.rows]).all() or np.allclose(
            pi[dr.rows][~np.isnan(pi[dr.rows])], p[~np.isnan(pi[dr.rows])]
        )
        pi[dr.rows] = p
        totals[r] = (1 / p).sum()
        # 3 communes per district (the seat among them), 2 villages each, 20 people each
        assert len(dr.rows) == 3 * 3 * 2 * 20
        assert dr.certain.sum() == 3 * 2 * 20
    seen = ~np.isnan(pi)
    assert seen.mean() > 0.97
    freq = count / R
    se = np.sqrt(pi[seen] * (1 - pi[seen]) / R)
    z = (freq[seen] - pi[seen]) / se
    assert np.abs(z).max() < 5 and abs(z.mean()) < 0.2
    # Horvitz-Thompson: the weights add to the population on average
    assert totals.mean() == pytest.approx(len(f), rel=3 * totals.std() / np.sqrt(R) / len(f) + 1e-3)


def test_sample_columns_and_design(city):
    sim, pop = city
    m = dict(
        zip(
            sim.wards().drop_duplicates("district")["district"],
            sim.params["wards_per_district"],
            strict=True,
        )
    )
    plan = standard_plan("sipas", m, 50, language="en")
    s = plan.draw(pop, seed=3)
    assert s.equals(plan.draw(pop, seed=3))  # reproducible
    assert not s["unit_id"].equals(plan.draw(pop, seed=4)["unit_id"])
    for col in ("stratum", "psu", "pi1", "pi2", "fpc1", "fpc2", "pi", "base_weight"):
        assert col in s.columns
    wards = sim.wards().set_index("psu")
    np.testing.assert_array_equal(s["fpc2"], wards.loc[s["psu"].astype(str), "N"])
    np.testing.assert_array_equal(s["fpc1"], wards.loc[s["psu"].astype(str), "wards_in_district"])
    np.testing.assert_allclose(s["pi1"], s["stratum"].map(m) / s["fpc1"])
    np.testing.assert_allclose(s["pi2"], 50 / s["fpc2"])
    np.testing.assert_allclose(s["base_weight"], s["fpc1"] / s["stratum"].map(m) * s["fpc2"] / 50)
    assert s.groupby("psu").size().eq(50).all() and len(s) == 50 * sum(m.values())
    d = plan.design(s)
    assert d.total("C1_1")["estimate"].notna().all()
    # the same draw as synth's own sample declaration: weights of a ward add to N_w * M / m
    w = s.groupby("psu").agg(
        w=("base_weight", "sum"),
        f1=("fpc1", "first"),
        f2=("fpc2", "first"),
        st=("stratum", "first"),
    )
    np.testing.assert_allclose(w["w"], w["f1"] * w["f2"] / w["st"].map(m))


def test_papi_plan_design_has_certainty_strata(city):
    sim, pop = city
    plan = standard_plan("papi", 4, 20, language="en")
    s = plan.draw(pop, seed=1)
    assert s.loc[s["certainty"], "psu"].astype(str).str.endswith("W01").all()
    assert s.groupby("stratum")["certainty"].sum().eq(20).all()
    # certainty wards are strata of their own with dossiers as PSUs
    cert = s[s["certainty"]]
    assert cert.groupby("design_stratum")["design_psu"].nunique().eq(20).all()
    assert s[~s["certainty"]].groupby("design_stratum")["design_psu"].nunique().eq(3).all()
    est = plan.design(s).mean("C3_1")
    assert est["se"].item() > 0


def test_register_and_recommendation(city):
    sim, _ = city
    wards = sim.wards()
    reg = register_from_counts(wards)
    assert len(reg) == wards["N"].sum() and reg["dossier"].is_unique
    assert reg.groupby("psu")["seat"].first().sum() == 30
    rec = recommend_plan(
        wards, sd=0.3, rho=0.03, response_rate=0.65, per_cluster=50, minimum_clusters=3
    )
    assert (rec["clusters"] >= 3).all() and (rec["clusters"] <= rec["wards"]).all()
    assert (rec["margin"][rec["clusters"] < rec["wards"]] <= 5.0 + 1e-9).all()
    budget = recommend_plan(
        wards,
        sd=0.3,
        rho=0.03,
        response_rate=0.65,
        per_cluster=50,
        total_forms=9000,
        allocation="power",
        minimum_clusters=3,
    )
    assert budget["forms"].sum() == 9000 and budget["clusters"].min() >= 3


def test_fieldwork_sheet(tmp_path, city):
    sim, pop = city
    s = standard_plan("sipas", 2, 5).draw(pop, seed=2)
    sheet = fieldwork_sheet(s, personal=sim.instrument.personal_columns)
    assert sheet.columns[0] == "STT" and "Quận/huyện/thị xã" in sheet.columns
    assert not set(sim.instrument.personal_columns) & set(sheet.columns)
    assert sheet["STT"].tolist() == list(range(1, len(s) + 1))
    en = fieldwork_sheet(s, language="en")
    assert "Design weight" in en.columns
    with pytest.raises(InputError, match="personal data"):
        fieldwork_sheet(s, columns=["district", "full_name"], personal=["full_name"])
    ok = fieldwork_sheet(s, columns=["district", "psu"], contact=["phone"], personal=["phone"])
    assert "phone" in ok.columns
    back = pd.read_excel(write_fieldwork(sheet, tmp_path / "mau.xlsx"))
    assert list(back.columns) == list(sheet.columns) and len(back) == len(sheet)
    raw = (write_fieldwork(sheet, tmp_path / "mau.csv")).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "Phường/xã/thị trấn".encode() in raw


def test_bad_input(city):
    _, pop = city
    with pytest.raises(InputError, match="stratum 'Ba Đình' is asked for 40 units"):
        Plan([Stage("psu", 40), Stage("unit_id", 5)], strata="district").prepare(pop)
    with pytest.raises(InputError, match="no stratum column 'province'"):
        Plan([Stage("psu", 4)], strata="province").prepare(pop)
    with pytest.raises(InputError, match="unknown selection method"):
        Stage("psu", 4, method="cluster")
    f = _papi_frame()
    f["pop"] = np.where(f["commune"] == "D1C2", 0, 10)
    with pytest.raises(InputError, match="size measure is zero"):
        Plan([Stage("commune", 2, method="pps_brewer", size="pop")], strata="district").prepare(f)


@pytest.mark.parametrize("method", ["srs", "systematic", "pps_brewer"])
def test_certainty_with_any_method(method):
    f = _papi_frame(7)
    plan = Plan(
        [Stage("commune", 3, method=method, certainty="seat"), Stage("person_id", 2)],
        strata="district",
    )
    prep = plan.prepare(f)
    R = 2000
    rng = np.random.default_rng([3, len(method)])
    count = np.zeros(18)
    for _ in range(R):
        dr = plan.draw_positions(prep, rng)
        communes = np.unique(dr.unit[:, 0])
        assert len(communes) == 9  # 3 per district, the seat among them
        count[communes] += 1
        p1 = dr.pi[:, 0]
        assert np.allclose(p1[dr.certain], 1.0)
    seat = prep.cert[0]
    assert (count[seat] == R).all()
    if method != "pps_brewer":  # the others: 2 of 5 non-seat communes, 0.4 each
        assert np.abs(count[~seat] / R - 0.4).max() < 4.5 * np.sqrt(0.24 / R)
