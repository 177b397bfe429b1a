"""Notebook 02's own parameters (response bias and weighting); the shared keys live in
:mod:`govsurvey.config.params` (``SharedParams``).

The integrator composes them: ``class ResponseParams(SharedParams, ResponseOwnParams)``.
Notebook 03 reads ``weighting`` and the keys it needs (``response``, ``nonresponse_cells``,
``propensity_covariates``, ``calibration_variables``, ``calfun``, ``bounds``, ``trim_upper``)
and passes them to :func:`govsurvey.weighting.apply` (see :func:`weighting_arguments`).
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "WeightingParams",
    "ResponseOwnParams",
    "RESPONSE_DEFAULTS",
    "validate_response_params",
    "weighting_arguments",
]

WeightingMethod = Literal[
    "none",
    "nonresponse",
    "poststratify",
    "rake",
    "calibrate",
    "nonresponse+rake",
    "nonresponse+calibrate",
]


class WeightingParams(BaseModel):
    """The weighting keys: how notebook 02 adjusts the weights and notebook 03 publishes.

    Examples
    --------
    >>> WeightingParams().weighting
    'nonresponse+rake'
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    response: str = Field("responded", description="the 0/1 column: 1 answered, 0 did not")
    propensity_covariates: list[str] = Field(
        default_factory=lambda: ["age_group", "mode", "field", "area", "sex", "level"],
        description="covariates of the response-propensity model (known for every sampled unit)",
    )
    weighting: WeightingMethod = Field(
        "nonresponse+rake",
        description="weighting scheme: none | nonresponse | poststratify | rake | calibrate | "
        "nonresponse+rake | nonresponse+calibrate",
    )
    nonresponse_cells: list[str] = Field(
        default_factory=lambda: ["mode", "area"],
        description="weighting classes of the nonresponse step (empty: propensity classes)",
    )
    propensity_classes: int = Field(
        5, ge=2, le=20, description="propensity classes when nonresponse_cells is empty (2-20)"
    )
    calibration_variables: list[str] = Field(
        default_factory=lambda: ["district", "age_group", "field"],
        description="frame columns the weights are raked, post-stratified or calibrated to",
    )
    calfun: Literal["linear", "raking", "logit"] = Field(
        "raking", description='calibration function: "linear", "raking" or "logit"'
    )
    bounds: tuple[float, float] | None = Field(
        None, description="bounds (low, high) on new/old weight in calibration, low < 1 < high"
    )
    trim_upper: float | None = Field(
        None, gt=1.0, le=20.0, description="trim final weights at this multiple of their mean"
    )
    rake_failure: Literal["error", "keep"] = Field(
        "error",
        description='a rake whose margins cannot all be met: "error" stops the run naming the '
        'margin that fails; "keep" publishes its last weights, the failing margins stated',
    )

    @field_validator("bounds", mode="before")
    @classmethod
    def _bounds_text(cls, v):
        """Bounds written as text: papermill passes a tuple to a notebook as ``"(0.5, 2.0)"``,
        and a YAML file may hold ``"0.5, 2"`` or ``"[0.5, 2]"``; read them as two numbers."""
        if isinstance(v, str) and v.strip().lower() in ("", "none", "null"):
            return None
        if isinstance(v, str):
            parts = [x for x in v.strip().strip("()[]").replace(";", ",").split(",") if x.strip()]
            try:
                return tuple(float(x) for x in parts)
            except ValueError:
                raise ValueError(
                    f"must be two numbers (low, high), e.g. [0.5, 2.0]; got {v[:40]!r}"
                ) from None
        return v

    @field_validator("bounds")
    @classmethod
    def _bounds(cls, v):
        if v is not None and not (v[0] < 1 < v[1]):
            raise ValueError("bounds must satisfy low < 1 < high")
        return v

    @field_validator("propensity_covariates", "calibration_variables")
    @classmethod
    def _distinct_columns(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v) or any(not x.strip() for x in v):
            raise ValueError("must name distinct, non-empty columns")
        return v

    @model_validator(mode="after")
    def _needs(self):
        if self.weighting not in ("none", "nonresponse") and not self.calibration_variables:
            raise ValueError(f"weighting {self.weighting!r} needs calibration_variables")
        if self.weighting.endswith("calibrate") and self.calfun == "logit" and not self.bounds:
            raise ValueError("calfun 'logit' needs bounds")
        return self


class ResponseOwnParams(WeightingParams):
    """Keys only notebook 02 reads, besides the weighting keys it shares with notebook 03.

    Examples
    --------
    >>> p = ResponseOwnParams()
    >>> p.weighting, p.nonresponse_cells, p.calibration_variables
    ('nonresponse+rake', ['mode', 'area'], ['district', 'age_group', 'field'])
    >>> from pydantic import ValidationError
    >>> try:
    ...     ResponseOwnParams(bounds=(1.2, 2.0))
    ... except ValidationError as e:
    ...     print(e.errors()[0]["msg"])
    Value error, bounds must satisfy low < 1 < high
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    disposition: str | None = Field(
        "disposition",
        description="column of AAPOR disposition codes; when it is none or the file has no such "
        "column, codes are derived from the answers, nonrespondents' outcomes drawn by mode, "
        "and the report says so",
    )
    auxiliaries: list[str] = Field(
        default_factory=lambda: ["district", "area", "field", "level", "sex", "age_group", "mode"],
        description="columns known for every sampled unit, compared respondents vs population",
    )
    sensitivity_deltas: list[float] = Field(
        default_factory=lambda: [-10.0, -5.0, -2.0, 0.0, 2.0, 5.0, 10.0],
        description="respondent-minus-nonrespondent differences (points) for the sensitivity",
    )
    flag_keys: list[str] = Field(
        default_factory=lambda: ["psu", "sex", "age_group"],
        description="columns two forms must share to count as (near-)duplicates",
    )
    straightline_min_items: int = Field(
        10, ge=3, le=22, description="valid answers a form needs before straight-lining is judged"
    )

    @field_validator("auxiliaries")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError(
                "is empty: name one or more columns known for every sampled unit (e.g. "
                "[district, area]); respondents are compared with the sample on them"
            )
        if len(set(v)) != len(v) or any(not x.strip() for x in v):
            raise ValueError("must name distinct, non-empty columns")
        return v

    @field_validator("sensitivity_deltas")
    @classmethod
    def _deltas(cls, v: list[float]) -> list[float]:
        if not v:
            raise ValueError("is empty: give one or more differences in points, e.g. [-5, 0, 5]")
        bad = [x for x in v if not math.isfinite(x) or abs(x) > 100]
        if bad:
            raise ValueError(
                f"holds {bad[0]!r}: each difference is a finite number of percentage points "
                "from -100 to 100 (a rate differs from another by at most 100 points)"
            )
        if len(set(v)) != len(v):
            raise ValueError("names a difference twice")
        return v


#: The defaults, as notebook 02's parameters cell holds them.
RESPONSE_DEFAULTS = ResponseOwnParams().model_dump()


def validate_response_params(raw: dict) -> dict:
    """Check notebook 02's own keys; every problem becomes one :class:`InputError`.

    Examples
    --------
    >>> validate_response_params({"weighting": "rake", "run_name": "x"})["weighting"]
    'rake'
    >>> validate_response_params({"propensity_classes": 1})
    Traceback (most recent call last):
    ...
    govsurvey.errors.InputError: parameter 'propensity_classes': input should be greater than or equal to 2 (value '1'). Fix: set 'propensity_classes' to propensity classes when nonresponse_cells is empty (2-20)
    """  # noqa: E501
    from .own import validate_own

    return validate_own(ResponseOwnParams, raw)


def weighting_arguments(params: dict) -> dict:
    """The keyword arguments of :func:`govsurvey.weighting.apply` from validated parameters.

    Examples
    --------
    >>> a = weighting_arguments(RESPONSE_DEFAULTS)
    >>> a["method"], a["cells"], a["variables"]
    ('nonresponse+rake', ['mode', 'area'], ['district', 'age_group', 'field'])
    """
    p = {**RESPONSE_DEFAULTS, **params}
    cells = list(p["nonresponse_cells"]) or None
    return {
        "method": p["weighting"],
        "response": p["response"],
        "cells": cells,
        "propensity": None if cells else list(p["propensity_covariates"]),
        "classes": p["propensity_classes"],
        "variables": list(p["calibration_variables"]),
        "calfun": p["calfun"],
        "bounds": None if p["bounds"] is None else tuple(p["bounds"]),
        "trim_upper": p["trim_upper"],
        "rake_failure": p["rake_failure"],
    }
