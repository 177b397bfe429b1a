"""Former home of run parameters and the publication guard (kept while notebooks move).

Parameters now live in :mod:`govsurvey.config.params` (typed models, one per notebook) and the
guard in :mod:`govsurvey.publish.guard`; the names below are the same objects.

>>> import govsurvey as gs
>>> gs.report.Publisher is gs.publish.guard.Publisher
True
"""

from __future__ import annotations

from .config.params import PARAMETERS, Parameter, load_params, validate_params
from .publish.guard import Publisher

__all__ = ["PARAMETERS", "Parameter", "validate_params", "load_params", "Publisher"]
