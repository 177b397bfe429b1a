"""Configuration as typed models: the instrument and each notebook's parameters."""

from .instrument import Instrument, InstrumentSpec, available_instruments, load_instrument

__all__ = ["Instrument", "InstrumentSpec", "available_instruments", "load_instrument"]
