"""Fixtures shared by the whole suite.

Building the synthetic city (its population of dossiers with every latent answer) takes
seconds; a new sample from it (``city.redraw(seed, nonresponse=...)``) takes milliseconds. So
the suite builds each population once, here, and tests draw what they need from it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import govsurvey as gs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository's top folder."""
    return ROOT


@pytest.fixture(scope="session")
def instrument():
    """The default instrument (SIPAS 2017 method)."""
    return gs.load_instrument("sipas-2017")


@pytest.fixture(scope="session")
def city():
    """The synthetic city, seed 11, a full-response sample (redraw it for others)."""
    return gs.synth.simulate(seed=11, nonresponse="none")


@pytest.fixture(scope="session")
def default_responses(instrument):
    """The embedded default data as the reader returns it."""
    return gs.read_responses(ROOT / "data" / "synthetic" / "responses.csv", instrument=instrument)


@pytest.fixture(scope="module")
def pinned_source():
    """Runs and verifies in a test module see one git commit and one package source.

    A test run must not depend on whether the tree is being edited or committed meanwhile;
    verify's comparison of commit and source is tested on its own.
    """
    pinned = gs.publish.run.git_commit()
    real, code = gs.publish.run.code_checksums, {}

    def pinned_code(ids):
        return code.setdefault(tuple(ids), real(ids))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("govsurvey.publish.run.git_commit", lambda: pinned)
        mp.setattr("govsurvey.publish.run.code_checksums", pinned_code)
        mp.setattr("govsurvey.publish.verify.code_checksums", pinned_code)
        yield
