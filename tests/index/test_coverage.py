"""Known truth: estimates of the synthetic city's index are right, and their intervals cover.

Design-based coverage: one finite population, many samples drawn from it exactly as the survey
office draws them, each analysed with the design it declares (two stages, fpc at both).
"""

from __future__ import annotations

import numpy as np
import pytest

import govsurvey as gs

INST = gs.load_instrument("sipas-2017")
# 1,000 samples (the issue asks for at least 300): a 300-sample block's coverage has an SD of
# about 1.3 points, so blocks of 300 were seen anywhere from 90.3% to 97.0% while 1,000 samples
# measured 94.1-94.6%; at 1,000 the SD is 0.7 points and the 92.5-97.5% band is a real test.
RUNS = 1000


@pytest.fixture(scope="module")
def sim(city):
    return city


def test_census_reproduces_the_truth(sim):
    """The index computed on the whole population equals the generator's own truth."""
    census = gs.Design(sim.population)
    for by in (None, "district", ["field", "level"]):
        est = gs.sipas_index(census, INST, by=by)
        check = gs.index.truth_check(est, sim.truth_index(by=by))
        assert len(check) == len(est)
        np.testing.assert_allclose(check["estimate"], check["truth"], rtol=1e-10, atol=1e-10)


@pytest.mark.slow
def test_intervals_cover_the_truth_at_the_nominal_rate(sim):
    truth = sim.truth_index().set_index("code")["estimate"]
    truth_d = sim.truth_index(by="district").query("code == 'SIPAS'")
    truth_d = truth_d.set_index("district")["estimate"]
    hits_overall, hits_district, hits_component = [], [], []
    for s in range(RUNS):
        design = sim.redraw(sample_seed=s).design()
        idx = gs.sipas_index(design, INST).set_index("code")
        hit = (idx["ci_low"] <= truth[idx.index]) & (truth[idx.index] <= idx["ci_high"])
        hits_overall.append(bool(hit["SIPAS"]))
        hits_component.append(hit[[c.code for c in INST.components]].to_numpy())
        by = gs.sipas_index(design, INST, by="district").query("code == 'SIPAS'")
        t = truth_d[by["district"]].to_numpy()
        hits_district.append((by["ci_low"].to_numpy() <= t) & (t <= by["ci_high"].to_numpy()))
    overall = np.mean(hits_overall)
    component = np.mean(hits_component)
    district = np.mean(np.concatenate(hits_district))
    print(
        f"coverage over {RUNS} samples: overall {overall:.3f}, components {component:.3f}, "
        f"districts {district:.3f}"
    )
    assert 0.925 <= overall <= 0.975
    assert 0.93 <= component <= 0.97
    assert 0.93 <= district <= 0.97
