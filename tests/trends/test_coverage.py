"""Synthetic truth over time: coverage of year-on-year change, funnel flag rates.

Fresh seeds of :func:`govsurvey.synth.over_time.simulate_waves` (one district rises 2 true SIPAS
points a year, the rest are flat) and :func:`simulate_desks` (one desk declines over its last 6
months). Measured on this code (seeds fixed, so the figures are reproducible): see the asserts.
"""

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.synth.over_time import simulate_desks, simulate_waves

SEEDS = range(1000, 1200)  # 200 fresh seeds


@pytest.mark.slow
def test_year_on_year_change_intervals_cover_the_true_change():
    rows = []
    for seed in SEEDS:  # one simulation per seed
        sim = simulate_waves(seed=seed, years=(2021, 2022))
        w = gs.Waves(sim.designs())
        truth = sim.truth_change(2021, 2022)
        city = w.change("sipas-2017", 2021, 2022).assign(district="(all)")
        dist = w.change("sipas-2017", 2021, 2022, by="district")
        for f in (city, dist):
            m = f.merge(truth, on=["district", "level", "code"], validate="1:1")
            m["covered"] = (m["ci_low"] <= m["truth"]) & (m["truth"] <= m["ci_high"])
            rows.append(m[["district", "code", "truth", "covered"]].assign(seed=seed))
    cov = pd.concat(rows, ignore_index=True)
    sipas = cov[cov["code"] == "SIPAS"]
    city = sipas[sipas["district"] == "(all)"]["covered"].mean()
    districts = sipas[sipas["district"] != "(all)"]["covered"].mean()
    rising = sipas[sipas["district"] == "Thanh Xuân"]
    assert (rising["truth"].round(9) == 2.0).all()
    every_figure = cov[cov["district"] != "(all)"]["covered"].mean()
    print(
        f"coverage: city {city:.4f}, districts {districts:.4f}, "
        f"Thanh Xuân {rising['covered'].mean():.4f}, every district figure {every_figure:.4f}"
    )
    assert 0.93 <= city <= 0.97
    assert 0.93 <= districts <= 0.97
    assert 0.93 <= every_figure <= 0.97
    # each district over 200 seeds: within the binomial 99.9% band of 95%
    per = sipas[sipas["district"] != "(all)"].groupby("district")["covered"].mean()
    assert per.min() >= 0.95 - 3.3 * np.sqrt(0.95 * 0.05 / len(SEEDS))


@pytest.mark.slow
def test_funnel_flags_flat_desks_rarely_and_the_declining_desk_mostly():
    flat, declining = [], []
    for seed in range(20):  # 20 x 30 desks x 24 months
        sim = simulate_desks(seed=seed, desks=30)
        d = gs.Design(sim.forms, weights="weight", strata="stratum", psu="psu")
        fu = gs.trends.compile_months(d, "sipas-2017", "desk", "date").funnel()
        flagged = fu["verdict"].isin(["below", "above"])
        flat.append(flagged[fu["desk"] != sim.declining].to_numpy())
        last = (fu["desk"] == sim.declining) & fu["period"].isin(sim.months[-6:])
        declining.append((fu.loc[last, "verdict"] == "below").to_numpy())
    flat_rate = np.concatenate(flat).mean()
    caught = np.concatenate(declining).mean()
    print(f"funnel: flat desk-months flagged {flat_rate:.4f}, declining months caught {caught:.4f}")
    assert flat_rate <= 0.05
    assert caught > 0.5


@pytest.mark.slow
def test_prediction_intervals_cover_the_true_value_two_years_ahead():
    rows = []
    for seed in range(2000, 2040):  # 40 seeds x 30 districts
        sim = simulate_waves(seed=seed, years=(2021, 2022, 2023, 2024, 2025))
        ds = sim.designs()
        w = gs.Waves({y: ds[y] for y in (2021, 2022, 2023)})
        pr = w.predict("sipas-2017", at=2025, by="district").query("code == 'SIPAS'")
        truth = sim.truth.query("code == 'SIPAS' and year == 2025")[["district", "estimate"]]
        m = pr.merge(truth.rename(columns={"estimate": "truth"}), on="district")
        rows.append((m["ci_low"] <= m["truth"]) & (m["truth"] <= m["ci_high"]))
    cover = pd.concat(rows).mean()
    print(f"prediction intervals two years ahead cover the truth in {cover:.4f}")
    assert 0.93 <= cover <= 0.98
