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

import importlib

#: public name -> submodule (loaded on first use, so importing one submodule, e.g. the
#: notebook parameters in ``params``, does not load scipy or the plotting helpers)
_PUBLIC: dict[str, str] = {
    "Draw": "plan",
    "PLAN_KINDS": "presets",
    "PLAN_LABELS": "presets",
    "Plan": "plan",
    "PlanSimulation": "simulation",
    "PreviousSurvey": "previous",
    "PreparedFrame": "plan",
    "SamplingOwnParams": "params",
    "Stage": "plan",
    "allocate": "allocation",
    "change_size": "size",
    "cochran": "size",
    "deff_cluster": "size",
    "describe_recommendation": "narrative",
    "describe_simulation": "narrative",
    "describe_sizes": "narrative",
    "domain_sizes": "size",
    "expected_precision": "precision",
    "fieldwork_sheet": "fieldwork",
    "icc": "size",
    "inclusion_probabilities": "probabilities",
    "kish_deff": "size",
    "plan_label": "presets",
    "population_from_frame": "previous",
    "precision_inputs": "precision",
    "previous_survey": "previous",
    "quota": "allocation",
    "rank_within": "selection",
    "recommend_plan": "presets",
    "register_from_counts": "presets",
    "sample_indicators": "selection",
    "satisfaction_score": "precision",
    "select": "selection",
    "simulate_plans": "simulation",
    "srs_positions": "selection",
    "standard_plan": "presets",
    "stratum_codes": "selection",
    "summarise_replicates": "simulation",
    "systematic_positions": "selection",
    "validate_sampling_params": "params",
    "with_seat": "presets",
    "write_fieldwork": "fieldwork",
    "yamane": "size",
    "z_value": "size",
}
_MODULES = ("narrative", "plots", "report")


def __getattr__(name: str) -> object:
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    try:
        module = _PUBLIC[name]
    except KeyError:
        raise AttributeError(f"module 'govsurvey.sampling' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC, *_MODULES])


__all__ = sorted([*_PUBLIC, *_MODULES])
