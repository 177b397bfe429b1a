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
    "InputError": (".errors", "InputError"),
    "Problem": (".errors", "Problem"),
    "Design": (".design", "Design"),
    "ReplicateDesign": (".design", "ReplicateDesign"),
    "Instrument": (".instrument", "Instrument"),
    "available_instruments": (".instrument", "available_instruments"),
    "load_instrument": (".instrument", "load_instrument"),
    "Responses": (".io", "Responses"),
    "Source": (".io", "Source"),
    "read_responses": (".io", "read_responses"),
    "valid_scale": (".io", "valid_scale"),
    "sipas_index": (".index", "sipas_index"),
    "truth_check": (".index", "truth_check"),
    "compare_index": (".index", "compare_index"),
    "rank_index": (".index", "rank_index"),
    "target_test": (".index", "target_test"),
    "Publisher": (".report", "Publisher"),
    "load_params": (".report", "load_params"),
    "validate_params": (".report", "validate_params"),
    "run": (".run", "run"),
    "verify": (".run", "verify"),
    "synth": (".synth", None),
    "narrative": (".narrative", None),
    "plots": (".plots", None),
    "report": (".report", None),
    "index": (".index", None),
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
