"""govsurvey: design-based analysis of SIPAS-style satisfaction surveys.

>>> import govsurvey as gs
>>> inst = gs.load_instrument("sipas-2017")
"""

from __future__ import annotations

import logging

from .errors import InputError, Problem
from .instrument import Instrument, available_instruments, load_instrument

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "InputError",
    "Problem",
    "Instrument",
    "available_instruments",
    "load_instrument",
    "__version__",
]
