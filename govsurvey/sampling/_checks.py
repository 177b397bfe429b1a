"""Validation shared by the sampling modules: every bad value becomes one clear InputError."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from govsurvey.errors import InputError


def fraction(value: object, what: str, fix: str, *, allow_one: bool = True) -> float:
    """A number in (0, 1] (or (0, 1) with ``allow_one=False``), else an InputError."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError.one(f"{what} must be a number", fix, value=value) from None
    ok = math.isfinite(x) and x > 0 and (x <= 1 if allow_one else x < 1)
    if not ok:
        bound = "at most 1" if allow_one else "below 1"
        raise InputError.one(f"{what} must be above 0 and {bound}", fix, value=value)
    return x


def positive(value: object, what: str, fix: str, *, integer: bool = False) -> float:
    """A finite number > 0 (a whole number if ``integer``), else an InputError."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError.one(f"{what} must be a number", fix, value=value) from None
    if not math.isfinite(x) or x <= 0 or (integer and x != round(x)):
        kind = "a positive whole number" if integer else "a positive number"
        raise InputError.one(f"{what} must be {kind}", fix, value=value)
    return x


def size_measure(
    values: object, what: str = "size measure", column: str | None = None
) -> np.ndarray:
    """Positive, finite size measures as float64; zero, negative or missing ones are refused."""
    x = pd.to_numeric(pd.Series(np.asarray(values).ravel()), errors="coerce").to_numpy(float)
    bad = ~np.isfinite(x) | (x <= 0)
    if bad.any():
        i = int(np.argmax(bad))
        raw = np.asarray(values).ravel()[i]
        kind = "missing" if not np.isfinite(x[i]) else ("zero" if x[i] == 0 else "negative")
        raise InputError.one(
            f"the {what} is {kind} for {int(bad.sum())} unit(s); the first is position {i}",
            "give every unit a positive size (e.g. its number of dossiers or households), or "
            "drop units that cannot be selected from the frame",
            column=column,
            value=raw,
        )
    return x


def per_key(value: object, keys: pd.Index, what: str, default: float | None = None) -> np.ndarray:
    """A scalar or a mapping over ``keys`` as a float array aligned with ``keys``."""
    if value is None:
        return np.full(len(keys), np.nan if default is None else default, dtype=float)
    if isinstance(value, Mapping | pd.Series):
        m = dict(value.items()) if isinstance(value, pd.Series) else dict(value)
        missing = [k for k in keys if k not in m]
        if missing:
            raise InputError.one(
                f"{what} has no value for {len(missing)} stratum(s), e.g. {missing[0]!r}",
                f"give {what} for every stratum, or one number for all",
                value=missing[:5],
            )
        unknown = [k for k in m if k not in set(keys)]
        if unknown:
            raise InputError.one(
                f"{what} names stratum(s) that are not in the frame: {unknown[:5]}",
                "check the spelling of the strata (they must match the frame exactly)",
                value=unknown[:5],
            )
        return np.array([m[k] for k in keys], dtype=float)
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError.one(
            f"{what} must be a number or a mapping stratum -> number", "give numbers", value=value
        ) from None
    return np.full(len(keys), x, dtype=float)


def has_columns(frame: pd.DataFrame, columns: list[str], role: str) -> None:
    """Every named column exists in the frame, else an InputError naming the role."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError.one(
            f"the frame has no {role} column {missing[0]!r}",
            f"name one of the frame's columns as {role} "
            f"({', '.join(map(str, frame.columns[:12]))})",
            column=missing[0],
        )
