"""Moved to :mod:`govsurvey.config.instrument`; this name stays until every import is updated."""

from .config.instrument import *  # noqa: F403
from .config.instrument import (  # noqa: F401,E501
    Component,
    Criterion,
    Instrument,
    available_instruments,
    load_instrument,
)
