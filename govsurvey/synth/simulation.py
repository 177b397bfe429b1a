"""The :class:`Simulation` object and :func:`simulate`."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govsurvey.config.instrument import Instrument, load_instrument
from govsurvey.errors import InputError

from .population import build_population
from .sample import default_wards_per_district, draw_sample
from .truth import truth_assessment, truth_index

__all__ = ["Simulation", "simulate"]

logger = logging.getLogger(__name__)


# ------------------------------------------------------------------ the simulation object
@dataclass(eq=False)
class Simulation:
    """A synthetic population, one sample drawn from it, and the truth.

    Attributes
    ----------
    population : DataFrame
        One row per dossier of the one-year register: district, ward (name), ``psu`` (ward id),
        area, field, level, the person's characteristics, personal data (``full_name``,
        ``phone``), every latent answer (22 criteria with code 8 for don't know, overall,
        assessment, expectations) and ``latent_satisfaction`` (the continuous overall score).
    responses : DataFrame
        The drawn sample as a survey file holds it, nonrespondents included (``responded`` 0,
        answers and questionnaire-only characteristics blank).
    params : dict
        Everything the population and sample were made from, including ``overall_weights``
        (component -> known weight of the overall-satisfaction model).
    instrument : Instrument
    seed, sample_seed : int
    nonresponse : str
        ``"none"``, ``"mar"`` or ``"mnar"``.
    sample_index : ndarray
        Row positions in ``population`` of the drawn units, in the order of ``responses``.
    response_propensity : ndarray
        Each drawn unit's true probability of responding under the mechanism (probit model of
        ``params["response_model"]``; 1 under ``"none"``), in the order of ``responses`` — the
        known truth for propensity models.
    """

    population: pd.DataFrame
    responses: pd.DataFrame
    params: dict[str, Any]
    instrument: Instrument
    seed: int
    sample_seed: int
    nonresponse: str
    sample_index: np.ndarray
    response_propensity: np.ndarray
    _cache: dict[str, Any] = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"Simulation(seed={self.seed}, sample_seed={self.sample_seed}, "
            f"nonresponse={self.nonresponse!r}, population={len(self.population)} dossiers, "
            f"responses={len(self.responses)} forms, "
            f"{int(self.responses['responded'].sum())} responded)"
        )

    # ---------------------------------------------------------------- sampling
    def redraw(self, sample_seed: int, nonresponse: str | None = None) -> Simulation:
        """A new sample (and nonresponse) from the same population.

        Parameters
        ----------
        sample_seed : int
            Seed of the sample; the population stays the one of ``self.seed``.
        nonresponse : {"none", "mar", "mnar"}, optional
            The mechanism; by default the one of this simulation.

        Returns
        -------
        Simulation
            Sharing ``population`` (not copied) with this one.

        Examples
        --------
        >>> from govsurvey.synth import simulate
        >>> sim = simulate(seed=7)
        >>> other = sim.redraw(sample_seed=1)
        >>> other.population is sim.population, len(other.responses) == len(sim.responses)
        (True, True)
        """
        nonresponse = self.nonresponse if nonresponse is None else nonresponse
        check_nonresponse(nonresponse)
        idx, responses, prop = draw_sample(
            self._cache,
            self.population,
            self.params,
            self.instrument,
            self.seed,
            int(sample_seed),
            nonresponse,
        )
        return Simulation(
            self.population,
            responses,
            self.params,
            self.instrument,
            self.seed,
            int(sample_seed),
            nonresponse,
            idx,
            prop,
            self._cache,
        )

    @property
    def respondents(self) -> pd.DataFrame:
        """The rows of ``responses`` with ``responded == 1``."""
        return self.responses[self.responses["responded"] == 1].reset_index(drop=True)

    def plan(self, language: str = "en") -> Any:
        """The sampling plan of this simulation, declared with :mod:`govsurvey.sampling`.

        Stratified by district, ``wards_per_district`` wards by SRS, then ``n_per_ward``
        dossiers by SRS: the plan :meth:`redraw` follows, ready for
        :func:`govsurvey.sampling.simulate_plans` or for drawing from another frame.

        Returns
        -------
        govsurvey.sampling.Plan

        Examples
        --------
        >>> from govsurvey.synth import simulate
        >>> p = simulate(seed=7).plan()
        >>> [st.n for st in p.stages][1], p.strata
        (50, 'district')
        """
        from govsurvey.sampling import standard_plan

        names = self._cache["d_names"]
        m = dict(zip(names, (int(x) for x in self.params["wards_per_district"]), strict=True))
        return standard_plan("sipas", m, self.params["n_per_ward"], language=language)

    def design(self) -> Any:
        """The :class:`~govsurvey.design.Design` of the respondents, as the office declares it.

        Two stages, stratified by district: wards (``psu``) drawn without replacement from the
        ``fpc1`` wards of their district, dossiers (``respondent_id``) from the ``fpc2`` of their
        ward; weights are the base weights (no nonresponse adjustment).

        Returns
        -------
        govsurvey.design.Design

        Examples
        --------
        >>> from govsurvey.synth import simulate
        >>> d = simulate(seed=7).design()
        >>> type(d).__name__, d.data["responded"].eq(1).all()
        ('Design', np.True_)
        """
        from govsurvey.design import Design

        return Design(
            self.respondents,
            weights="base_weight",
            strata="stratum",
            psu=["psu", "respondent_id"],
            fpc=["fpc1", "fpc2"],
        )

    # ---------------------------------------------------------------- truth
    def truth_index(self, by: str | Sequence[str] | None = None) -> pd.DataFrame:
        """The population value of every index figure, as percentages.

        Criterion rate = share of valid answers (1–5; 8 and 9 excluded) that are 4 or 5;
        component index = mean of its criterion rates; ``SIPAS`` = the instrument-weighted mean
        of the component indices. Computed directly from ``population`` with pandas.

        Parameters
        ----------
        by : str or list of str, optional
            Population columns defining domains (district, ward, psu, field, level, area, sex, …).
            A domain column whose name clashes with a result column (``level``, ``code``,
            ``estimate``, ``N``) is returned as ``<name>_domain``.

        Returns
        -------
        DataFrame
            Columns ``[*by, "level", "code", "estimate", "N"]``; ``level`` is ``"criterion"``,
            ``"component"`` or ``"overall"``; ``N`` is the number of population units in the
            domain. Per domain: the criteria, then the components, then ``SIPAS``.

        Examples
        --------
        >>> from govsurvey.synth import simulate
        >>> sim = simulate(seed=7)
        >>> t = sim.truth_index()
        >>> t.loc[t["code"] == "SIPAS", "level"].item()
        'overall'
        >>> sorted(sim.truth_index(by="level").columns)[:3]
        ['N', 'code', 'estimate']
        """
        return truth_index(self.population, self.instrument, by)

    def truth_assessment(self, by: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Population values of the other items: overall item, assessment and expectations.

        ``overall_satisfied`` = share of valid overall answers that are 4 or 5 (percent);
        ``trips`` = mean number of trips; ``late_result``, ``harassment``,
        ``informal_payment`` = percent answering yes (code 1); ``apology`` = percent yes among
        those whose result was late; each expectation column = percent selecting it.

        Parameters
        ----------
        by : str or list of str, optional
            Population columns defining domains.

        Returns
        -------
        DataFrame
            Columns ``[*by, "variable", "estimate", "N"]``.

        Examples
        --------
        >>> from govsurvey.synth import simulate
        >>> t = simulate(seed=7).truth_assessment()
        >>> "informal_payment" in set(t["variable"])
        True
        """
        return truth_assessment(self.population, self.instrument, by)

    def frame(self) -> pd.DataFrame:
        """The sampling frame as a survey office holds it: counts, no personal data.

        Returns
        -------
        DataFrame
            Columns ``district, psu, area, field, level, sex, age_group, N`` with ``N`` the
            number of dossiers in each non-empty cell (ward names: :meth:`wards`).

        Examples
        --------
        >>> from govsurvey.synth import simulate
        >>> sim = simulate(seed=7)
        >>> int(sim.frame()["N"].sum()) == len(sim.population)
        True
        """
        cols = ["district", "psu", "area", "field", "level", "sex", "age_group"]
        pop = self.population
        keys = ["psu", "field", "level", "sex", "age_group"]
        out = pop.groupby(keys, observed=True, sort=True).size().rename("N").reset_index()
        wards = self._cache["wards"].set_index("psu")
        out["district"] = wards.loc[out["psu"].astype(str), "district"].to_numpy()
        out["area"] = wards.loc[out["psu"].astype(str), "area"].to_numpy()
        out = out[cols + ["N"]]
        for c in cols:
            out[c] = out[c].astype(str)
        return out

    def wards(self) -> pd.DataFrame:
        """The frame of primary sampling units: one row per ward.

        Returns
        -------
        DataFrame
            Columns ``district, ward, psu, area, N`` (dossiers in the ward's register) and
            ``wards_in_district``.

        Examples
        --------
        >>> from govsurvey.synth import simulate
        >>> len(simulate(seed=7).wards()) > 30 * 15 - 1
        True
        """
        out = self._cache["wards"].copy()
        out["wards_in_district"] = self._cache["n_wards_d"][self._cache["ward_district"]]
        return out


def check_nonresponse(nonresponse: str) -> None:
    """Refuse an unknown nonresponse mechanism with an InputError."""
    if nonresponse not in ("none", "mar", "mnar"):
        raise InputError.one(
            "nonresponse must be 'none', 'mar' or 'mnar'",
            "use nonresponse='none' (everyone answers), 'mar' or 'mnar'",
            value=nonresponse,
        )


# ------------------------------------------------------------------ public entry points
def simulate(
    seed: int,
    nonresponse: str = "mar",
    *,
    sample_seed: int = 0,
    wards_per_district: int | Sequence[int] | None = None,
    n_per_ward: int = 50,
    instrument: str | Path | Instrument = "sipas-2017",
) -> Simulation:
    """Build a synthetic city, its register and latent answers, and draw one SIPAS-style sample.

    Parameters
    ----------
    seed : int
        Seed of the population (districts, wards, register, people, answers).
    nonresponse : {"none", "mar", "mnar"}
        ``"none"``: everyone responds. ``"mar"``: response depends on age group, survey mode,
        field and area (probit model in ``params["response_model"]``). ``"mnar"``: as MAR plus
        the person's own latent satisfaction (the less satisfied respond less).
    sample_seed : int, default 0
        Seed of the sample; :meth:`Simulation.redraw` draws others from the same population.
    wards_per_district : int or sequence of int, optional
        Wards drawn (SRSWOR) in each of the 30 districts; by default a quarter of the district's
        wards, between 4 and 6.
    n_per_ward : int, default 50
        Dossiers drawn systematically in each drawn ward.
    instrument : str, Path or Instrument, default "sipas-2017"

    Returns
    -------
    Simulation

    Examples
    --------
    >>> from govsurvey.synth import simulate
    >>> sim = simulate(seed=7, nonresponse="none")
    >>> bool(sim.responses["responded"].eq(1).all())
    True
    >>> t = sim.truth_index(by="district")
    >>> sorted(t["level"].unique())
    ['component', 'criterion', 'overall']
    """
    check_nonresponse(nonresponse)
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    if n_per_ward < 1:
        raise InputError.one(
            "n_per_ward must be a positive whole number", "give e.g. 50", value=n_per_ward
        )
    t0 = time.perf_counter()
    pop, params, cache = build_population(inst, seed)
    n_w = cache["n_wards_d"]
    if wards_per_district is None:
        m = default_wards_per_district(n_w)
    else:
        m = np.broadcast_to(np.asarray(wards_per_district, dtype=np.int64), n_w.shape).copy()
    if (m < 1).any() or (m > n_w).any():
        raise InputError.one(
            "wards_per_district must be between 1 and the district's wards "
            f"({n_w.min()}..{n_w.max()})",
            "give one number for all districts or one per district within that range",
            value=m.tolist(),
        )
    if n_per_ward > cache["ward_size"].min():
        raise InputError.one(
            f"n_per_ward {n_per_ward} exceeds the smallest ward's register "
            f"({cache['ward_size'].min()} dossiers)",
            "lower n_per_ward",
            value=n_per_ward,
        )
    params["wards_per_district"] = m
    params["n_per_ward"] = int(n_per_ward)
    t1 = time.perf_counter()
    idx, responses, prop = draw_sample(cache, pop, params, inst, seed, sample_seed, nonresponse)
    logger.info(
        "population built in %.2f s, sample drawn in %.3f s", t1 - t0, time.perf_counter() - t1
    )
    return Simulation(
        pop, responses, params, inst, int(seed), int(sample_seed), nonresponse, idx, prop, cache
    )
