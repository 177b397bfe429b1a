"""Small building blocks of the synthetic model: instrument codes, category draws, cut points."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from govsurvey.config.instrument import Instrument
from govsurvey.errors import InputError

__all__ = ["instrument_codes", "table_rows", "draw_categorical", "ordinal", "round6"]


def instrument_codes(inst: Instrument, var: str) -> list[str]:
    """The codes of a categorical variable, in the instrument's order."""
    codes = inst.variables.get(var, {}).get("codes")
    if not codes:
        raise InputError.one(
            f"instrument {inst.name!r} declares no codes for variable {var!r}",
            "use an instrument that codes it (as sipas-2017 does)",
        )
    return [str(c) for c in codes]


def table_rows(spec: dict, codes: list[str], what: str) -> np.ndarray:
    """Rows of ``spec`` in the instrument's code order, checking the codes agree."""
    missing = [c for c in codes if c not in spec]
    if missing:
        raise InputError.one(
            f"the synthetic model has no {what} for codes {missing}",
            "use an instrument with the codes of sipas-2017",
        )
    return np.array([spec[c] for c in codes], dtype=float)


def draw_categorical(
    u: np.ndarray, probs: np.ndarray, group: np.ndarray | None = None
) -> np.ndarray:
    """Categorical draws from uniforms ``u``: row ``group`` of ``probs`` (rows sum to 1)."""
    cum = np.cumsum(probs / probs.sum(axis=-1, keepdims=True), axis=-1)[..., :-1]
    cum = np.round(cum, 9)
    if group is None:
        return np.searchsorted(cum, u, side="right").astype(np.int8)
    out = np.zeros(u.shape[0], dtype=np.int8)
    for c in range(cum.shape[1]):
        out += u >= cum[group, c]
    return out


def ordinal(latent: np.ndarray, cuts: Sequence[float]) -> np.ndarray:
    """``1 + #{cuts below latent}`` as int8."""
    out = np.ones(latent.shape, dtype=np.int8)
    for c in cuts:
        out += latent > c
    return out


def round6(x: np.ndarray) -> np.ndarray:
    return np.round(x, 6)
