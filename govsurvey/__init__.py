"""govsurvey: design-based analysis of SIPAS-style satisfaction surveys.

>>> import govsurvey as gs
>>> inst = gs.load_instrument("sipas-2017")
"""

from __future__ import annotations

import logging

from . import narrative, plots, report
from .design import Design
from .errors import InputError, Problem
from .index import compare_index, rank_index, sipas_index, target_test, truth_check
from .instrument import Instrument, available_instruments, load_instrument
from .io import Responses, Source, read_responses, valid_scale
from .replicate import ReplicateDesign
from .report import Publisher, load_params, validate_params
from .run import run, verify

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> object:
    # gs.synth is imported on first use, so `python -m govsurvey.synth` runs it only once
    if name == "synth":
        import importlib

        return importlib.import_module(".synth", __name__)
    raise AttributeError(f"module 'govsurvey' has no attribute {name!r}")


__all__ = [
    "Design",
    "InputError",
    "ReplicateDesign",
    "synth",
    "Problem",
    "Instrument",
    "Publisher",
    "available_instruments",
    "compare_index",
    "load_instrument",
    "load_params",
    "narrative",
    "plots",
    "rank_index",
    "read_responses",
    "Responses",
    "Source",
    "valid_scale",
    "report",
    "run",
    "sipas_index",
    "target_test",
    "truth_check",
    "validate_params",
    "verify",
    "__version__",
]
