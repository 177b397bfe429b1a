"""Sampling design: how many forms, allocated how, drawn how, and how precise.

``import govsurvey as gs`` then ``gs.sampling.cochran(...)``, ``gs.sampling.allocate(...)``,
``gs.sampling.select(...)``, ``gs.sampling.Plan`` (declared multi-stage plans),
``gs.sampling.expected_precision(...)`` and ``gs.sampling.simulate_plans(...)``.

Modules: :mod:`.size` (Yamane, Cochran, per-domain and change sizes, design effects),
:mod:`.allocation` (over strata; quota plans), :mod:`.probabilities` (PPS inclusion
probabilities with certainty units), :mod:`.selection` (SRS, systematic, PPS systematic,
Brewer, Sampford), :mod:`.plan` (multi-stage plans ready for ``gs.Design``),
:mod:`.precision` (expected SE and margin per domain before fielding), :mod:`.simulation`
(Monte Carlo of plans on a population with known truth), :mod:`.fieldwork` (the sheet for
the field teams), :mod:`.narrative` and :mod:`.plots` (for the report).
"""

from __future__ import annotations

from . import narrative, plots, report
from .allocation import allocate, quota
from .fieldwork import fieldwork_sheet, write_fieldwork
from .narrative import describe_recommendation, describe_simulation, describe_sizes
from .params import SamplingOwnParams, validate_sampling_params
from .plan import Draw, Plan, PreparedFrame, Stage
from .precision import expected_precision, precision_inputs, satisfaction_score
from .presets import (
    PLAN_KINDS,
    PLAN_LABELS,
    plan_label,
    recommend_plan,
    register_from_counts,
    standard_plan,
    with_seat,
)
from .probabilities import inclusion_probabilities
from .selection import (
    rank_within,
    sample_indicators,
    select,
    srs_positions,
    stratum_codes,
    systematic_positions,
)
from .simulation import PlanSimulation, simulate_plans, summarise_replicates
from .size import change_size, cochran, deff_cluster, domain_sizes, icc, kish_deff, yamane, z_value

__all__ = [
    "narrative",
    "plots",
    "report",
    "SamplingOwnParams",
    "validate_sampling_params",
    "Draw",
    "Plan",
    "PreparedFrame",
    "Stage",
    "describe_recommendation",
    "describe_simulation",
    "describe_sizes",
    "PLAN_KINDS",
    "PLAN_LABELS",
    "plan_label",
    "recommend_plan",
    "register_from_counts",
    "standard_plan",
    "with_seat",
    "fieldwork_sheet",
    "write_fieldwork",
    "expected_precision",
    "precision_inputs",
    "satisfaction_score",
    "PlanSimulation",
    "simulate_plans",
    "summarise_replicates",
    "allocate",
    "change_size",
    "cochran",
    "deff_cluster",
    "domain_sizes",
    "icc",
    "inclusion_probabilities",
    "kish_deff",
    "quota",
    "rank_within",
    "sample_indicators",
    "select",
    "srs_positions",
    "stratum_codes",
    "systematic_positions",
    "yamane",
    "z_value",
]
