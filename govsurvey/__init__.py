"""govsurvey: design-based analysis of SIPAS-style satisfaction surveys.

The public names load on first use, so ``import govsurvey`` stays light: plotting, notebook and
report machinery are imported only when a function that needs them is called.

>>> import govsurvey as gs
>>> inst = gs.load_instrument("sipas-2017")
"""

from __future__ import annotations

import importlib
import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

#: public name -> (module, attribute); attribute None means the module itself
_PUBLIC: dict[str, tuple[str, str | None]] = {
    # errors and configuration
    "InputError": (".errors", "InputError"),
    "Problem": (".errors", "Problem"),
    "Instrument": (".config.instrument", "Instrument"),
    "available_instruments": (".config.instrument", "available_instruments"),
    "load_instrument": (".config.instrument", "load_instrument"),
    "load_params": (".config.params", "load_params"),
    "validate_params": (".config.params", "validate_params"),
    # reading
    "Responses": (".io", "Responses"),
    "Source": (".io", "Source"),
    "read_responses": (".io", "read_responses"),
    "valid_scale": (".io", "valid_scale"),
    "write_template": (".io", "write_template"),
    # designs and the index
    "Design": (".design", "Design"),
    "ReplicateDesign": (".design", "ReplicateDesign"),
    "sipas_index": (".index", "sipas_index"),
    "truth_check": (".index", "truth_check"),
    "compare_index": (".inference", "compare_index"),
    "rank_index": (".inference", "rank_index"),
    "target_test": (".inference", "target_test"),
    "level_targets": (".inference", "level_targets"),
    "baseline_test": (".inference", "baseline_test"),
    "unit_targets": (".inference", "unit_targets"),
    "quantile": (".design.quantile", "quantile"),
    "rao_scott": (".inference", "rao_scott"),
    "design_alpha": (".drivers.reliability", "design_alpha"),
    # response and weighting
    "response_rates": (".response.rates", "response_rates"),
    "nonresponse_adjust": (".weighting", "nonresponse_adjust"),
    "poststratify": (".weighting", "poststratify"),
    "rake": (".weighting", "rake"),
    "calibrate": (".weighting", "calibrate"),
    "trim": (".weighting", "trim"),
    # drivers
    "reliability": (".drivers", "reliability"),
    "component_scores": (".drivers", "component_scores"),
    "relative_importance": (".drivers", "relative_importance"),
    "with_scores": (".drivers", "with_scores"),
    "score_coverage": (".drivers", "score_coverage"),
    "importance_performance": (".drivers", "importance_performance"),
    "stated_importance": (".drivers", "stated_importance"),
    "service_facts": (".drivers", "service_facts"),
    "fact_effects": (".drivers", "fact_effects"),
    # small areas
    "fay_herriot": (".small_area", "fay_herriot"),
    # change over time
    "Waves": (".trends", "Waves"),
    "baseline_change": (".trends.baseline", "baseline_change"),
    # publishing
    "Publisher": (".publish.guard", "Publisher"),
    "run": (".publish.run", "run"),
    "verify": (".publish.verify", "verify"),
    "RunFailed": (".publish.run", "RunFailed"),
    "VerifyResult": (".publish.verify", "VerifyResult"),
    # subpackages and modules
    "config": (".config", None),
    "design": (".design", None),
    "drivers": (".drivers", None),
    "index": (".index", None),
    "inference": (".inference", None),
    "io": (".io", None),
    "publish": (".publish", None),
    "response": (".response", None),
    "results": (".results", None),
    "sampling": (".sampling", None),
    "synth": (".synth", None),
    "weighting": (".weighting", None),
    "small_area": (".small_area", None),
    "trends": (".trends", None),
    "narrative": (".publish.narrative", None),
    "plots": (".publish.plots", None),
}


def __getattr__(name: str) -> object:
    try:
        module, attr = _PUBLIC[name]
    except KeyError:
        raise AttributeError(f"module 'govsurvey' has no attribute {name!r}") from None
    mod = importlib.import_module(module, __name__)
    value = mod if attr is None else getattr(mod, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])


__all__ = sorted(_PUBLIC) + ["__version__"]
