"""Shared fixtures of the sampling tests: one synthetic city, built once."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def city():
    from govsurvey.synth import simulate

    sim = simulate(seed=2024, nonresponse="none")
    pop = sim.population.assign(seat=sim.population["psu"].astype(str).str.endswith("W01"))
    return sim, pop
