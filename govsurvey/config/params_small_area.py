"""Notebook 03's keys for small units (wards published by the small-area rule).

:class:`SmallAreaOwnParams` declares them (the integrator composes it into
:class:`~govsurvey.config.params.IndexParams`); the checks that need the data, the frame and the
instrument (a unit column the responses lack, a code the instrument lacks, a unit no finer than
the design's strata) are :func:`check_small_area`'s, one :class:`~govsurvey.errors.InputError`
with every problem.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import InputError, Problem, short

__all__ = [
    "SMALL_AREA_DEFAULTS",
    "SmallAreaOwnParams",
    "check_small_area",
    "index_code",
    "cv_fraction",
]

_CODE = re.compile(r"SIPAS|C[0-9]+(\.[0-9]+)?")


def index_code(v: str) -> str:
    """``v`` if it reads as an index code (SIPAS, C2, C2.3); the validators' one rule.

    Examples
    --------
    >>> index_code("C2.3")
    'C2.3'
    """
    if not _CODE.fullmatch(v):
        raise ValueError(
            f"is {short(v, 20)}, not an index code: use SIPAS, a component (C1..C5) or a "
            "criterion (e.g. C2.3)"
        )
    return v


def cv_fraction(v: float) -> float:
    """``v`` if it is a CV threshold, a fraction in (0, 1]; the validators' one rule.

    Examples
    --------
    >>> cv_fraction(0.05)
    0.05
    """
    if not (math.isfinite(v) and 0 < v <= 1):
        raise ValueError(
            f"must be a fraction above 0 and at most 1 (0.05 = a CV of 5%), not {short(v, 20)}"
        )
    return v


class SmallAreaOwnParams(BaseModel):
    """Keys only notebook 03 reads for its small units.

    Examples
    --------
    >>> p = SmallAreaOwnParams()
    >>> p.small_area_unit, p.small_area_key, p.small_area_code, p.small_area_max_cv
    (None, 'psu', 'SIPAS', 0.05)
    >>> from pydantic import ValidationError
    >>> try:
    ...     SmallAreaOwnParams(small_area_max_cv=5)
    ... except ValidationError as e:
    ...     print(e.errors()[0]["msg"])
    Value error, must be a fraction above 0 and at most 1 (0.05 = a CV of 5%), not 5.0
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    small_area_unit: str | None = Field(
        None,
        description="column of the responses naming the small units published by the "
        "small-area rule, finer than the strata (e.g. ward); null: no small-area section",
    )
    small_area_key: str = Field(
        "psu",
        description="column identifying each unit in both the frame and the responses (e.g. "
        "psu, the ward's code); may equal small_area_unit",
    )
    small_area_code: str = Field(
        "SIPAS", description="the index figure published by unit: SIPAS, C1..C5 or a criterion"
    )
    small_area_max_cv: float = Field(
        0.05, description="largest CV of a published direct estimate, a fraction in (0, 1]"
    )
    small_area_max_model_cv: float = Field(
        0.10, description="largest CV (root MSE / estimate) of a published model-based estimate"
    )
    small_area_min_effective_n: float | None = Field(
        None, description="smallest effective sample size of a published direct estimate"
    )
    small_area_transform: Literal["logit", "arcsin"] | None = Field(
        "logit",
        description="scale the model is fitted on: logit (estimates and intervals stay within "
        "0-100; a unit at exactly 0 or 100 needs arcsin), arcsin, or null (percent)",
    )
    small_area_method: Literal["reml", "ml", "fh"] = Field(
        "reml", description="model variance estimator: reml, ml or fh (moment)"
    )
    small_area_benchmark_by: str | None = Field(
        None,
        description="column of the frame and the responses the units add up to (direct "
        "estimates of it, e.g. district); null (default): no benchmarking, since adding up to "
        "wide district estimates costs the model its gain",
    )
    small_area_synthetic: bool = Field(
        False,
        description="also publish the frame's units without forms (model-based, synthetic)",
    )

    @field_validator("small_area_unit", "small_area_key", "small_area_benchmark_by")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("is empty: name a column, or null to leave it out")
        return v

    @field_validator("small_area_code")
    @classmethod
    def _code(cls, v: str) -> str:
        return index_code(v)

    @field_validator("small_area_max_cv", "small_area_max_model_cv")
    @classmethod
    def _cv(cls, v: float) -> float:
        return cv_fraction(v)

    @field_validator("small_area_min_effective_n")
    @classmethod
    def _neff(cls, v: float | None) -> float | None:
        if v is not None and not (math.isfinite(v) and v >= 1):
            raise ValueError(f"must be at least 1 (forms), or null; not {short(v, 20)}")
        return v


#: The defaults, as notebook 03's parameters cell holds them.
SMALL_AREA_DEFAULTS = SmallAreaOwnParams().model_dump()


def check_small_area(
    params: dict[str, Any],
    data: pd.DataFrame,
    frame: pd.DataFrame | None,
    instrument: Any,
    file: str | None = None,
) -> None:
    """Check the small-area keys against the responses, the frame and the instrument.

    Parameters
    ----------
    params : dict
        Validated parameters (``validate_params(..., notebooks="03")``).
    data : pandas.DataFrame
        The responses (``Responses.data``).
    frame : pandas.DataFrame or None
        The run's frame (``frame:``); None when the run names none (then nothing is checked:
        the report says the small-area section needs a frame).
    instrument : Instrument
    file : str, optional
        Named in every problem (the parameters file).

    Raises
    ------
    InputError
        One problem per bad key: a unit or key column the responses or the frame lack, a key
        that names two units, a code the instrument lacks, a benchmarking column missing, a
        unit no finer than the strata.

    Examples
    --------
    >>> import govsurvey as gs
    >>> inst = gs.load_instrument("sipas-2017")
    >>> data = pd.DataFrame({"ward": ["a", "b"], "psu": ["W1", "W2"], "district": "D",
    ...                      "stratum": "D"})
    >>> frame = pd.DataFrame({"psu": ["W1", "W2"], "district": "D", "N": [10, 20]})
    >>> p = {**SMALL_AREA_DEFAULTS, "strata": "stratum", "min_cell": 30}
    >>> check_small_area(p, data, frame, inst) is None
    True
    >>> check_small_area({**p, "small_area_unit": "desk"}, data, frame, inst)
    Traceback (most recent call last):
    ...
    govsurvey.errors.InputError: parameter 'small_area_unit': the responses have no column 'desk'. Fix: name the column of the small units, e.g. ward (columns: ward, psu, district, stratum)
    """  # noqa: E501
    unit, key = params["small_area_unit"], params["small_area_key"]
    if unit is None or frame is None:
        return
    problems: list[Problem] = []

    def bad(name: str, what: str, fix: str) -> None:
        problems.append(Problem(what=f"parameter '{name}': {what}", fix=fix, file=file))

    cols = ", ".join(str(c)[:30] for c in list(data.columns)[:12])
    if unit not in data.columns:
        bad(
            "small_area_unit",
            f"the responses have no column {short(unit, 40)}",
            f"name the column of the small units, e.g. ward (columns: {cols})",
        )
    if key not in data.columns:
        bad(
            "small_area_key",
            f"the responses have no column {short(key, 40)}",
            f"name the column that codes each unit in the responses and the frame (columns: "
            f"{cols})",
        )
    if key not in frame.columns:
        bad(
            "small_area_key",
            f"the frame has no column {short(key, 40)}",
            f"name a column of the frame: {', '.join(str(c)[:30] for c in frame.columns)}",
        )
    by = params["small_area_benchmark_by"]
    if by is not None and (by not in data.columns or by not in frame.columns):
        where = (
            "neither the responses nor the frame has"
            if by not in data.columns and by not in frame.columns
            else "the responses have no"
            if by not in data.columns
            else "the frame has no"
        )
        bad(
            "small_area_benchmark_by",
            f"{where} column {short(by, 40)}",
            "name a column of both (e.g. district), or null for no benchmarking",
        )
    code = params["small_area_code"]
    codes = {"SIPAS"} | {c.code for c in instrument.components}
    codes |= {k.code for c in instrument.components for k in c.criteria}
    if code not in codes:
        bad(
            "small_area_code",
            f"instrument {instrument.name!r} has no figure {short(code, 20)}",
            f"use SIPAS or one of {', '.join(sorted(codes - {'SIPAS'})[:8])}, …",
        )
    if not problems and unit != key:
        names = data[[key, unit]].dropna().drop_duplicates()
        twice = names[key][names[key].duplicated()]
        if len(twice):
            bad(
                "small_area_key",
                f"the code {short(twice.iloc[0], 30)} names more than one {str(unit)[:30]} in "
                "the responses",
                "give each unit one code (or set small_area_key to the unit column)",
            )
    strata = params.get("strata")
    if not problems and strata and strata in data.columns:
        per = data.groupby(unit, observed=True)[strata].nunique()
        if data[unit].nunique() <= data[strata].nunique() or (per > 1).any():
            bad(
                "small_area_unit",
                f"{short(unit, 30)} is not finer than the design's strata ({short(strata, 30)}): "
                "figures of strata are published as direct estimates",
                "name a unit that lies inside one stratum, with more units than strata (e.g. ward)",
            )
    if problems:
        raise InputError(problems)
