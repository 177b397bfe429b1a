"""Notebook 05's own parameters (change over time): the waves, the desks, the targets.

Flat keys a ``params/*.yaml`` file sets beside the shared ones; :class:`TrendsOwnParams` is
combined with :class:`~govsurvey.config.params.SharedParams` into ``TrendsParams`` in
:mod:`govsurvey.config.params`.
"""

from __future__ import annotations

import math
import re
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .params_small_area import cv_fraction, index_code

__all__ = ["TrendsOwnParams"]

_MONTH = re.compile(r"[12][0-9]{3}-(0[1-9]|1[0-2])")


class TrendsOwnParams(BaseModel):
    """The keys of notebook 05.

    Examples
    --------
    >>> p = TrendsOwnParams(dated_targets={2023: 90, 2025: 95}, target_unit="Thanh Xuân")
    >>> p.dated_targets[2025], p.period, p.funnel_limit
    (95.0, 'year', 0.998)
    >>> TrendsOwnParams(months=["2024-13"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for TrendsOwnParams
    months
      Value error, holds '2024-13', which is not a month written YYYY-MM ...
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    waves: str | None = Field(
        None,
        description="one file of every period's forms, with a period column (omit: no waves)",
    )
    waves_truth: str | None = Field(
        None,
        description="true values of the waves' figures (synthetic data only; omit otherwise)",
    )
    period: str = Field("year", description="the waves file's period column (a year)")
    waves_weight: str | None = Field("base_weight", description="the waves' weight column")
    waves_strata: str | None = Field("district", description="the waves' strata column")
    waves_psu: str | None = Field("psu", description="the waves' PSU column")
    waves_fpc: str | None = Field(None, description="the waves' stage-1 population counts")
    shared_psus: bool = Field(
        False, description="true when the same PSUs (wards) are surveyed in every period"
    )
    trend_unit: str = Field("district", description="the unit compared over time (a domain)")
    change_start: int | None = Field(
        None, description="first period of the change (default: first)"
    )
    change_end: int | None = Field(None, description="last period of the change (default: last)")
    dated_targets: dict[int, float] | None = Field(
        None, description="year -> SIPAS target of target_unit, e.g. {2023: 90, 2025: 95}"
    )
    target_unit: str | None = Field(
        None, description="the unit (of trend_unit) the dated targets are for; omit: everyone"
    )
    desk_forms: str | None = Field(
        None,
        description="the dated forms of the one-stop desks (omit: no monthly compilation)",
    )
    desk_unit: str = Field("desk", description="the reporting unit column of the desk forms")
    desk_date: str = Field("date", description="the date column of the desk forms")
    desk_weight: str | None = Field("weight", description="the desk forms' weight column")
    desk_strata: str | None = Field("stratum", description="the desk forms' strata column")
    desk_psu: str | None = Field("psu", description="the desk forms' PSU column (the day)")
    months: list[str] | None = Field(None, description="months compiled, YYYY-MM (default: all)")
    funnel_limit: float = Field(
        0.998, ge=0.9, le=0.9999, description="level of the funnel chart's control limits"
    )
    funnel_tolerance: float = Field(
        5.0, gt=0, le=50, description="points: a month is judged when its interval is this narrow"
    )

    desk_small_area: bool = Field(
        True,
        description="publish each desk's month by the small-area rule: direct where precise "
        "enough, Fay-Herriot model-based otherwise (false: no such section)",
    )
    desk_code: str = Field(
        "SIPAS", description="the figure published per desk-month: SIPAS, C1..C5 or a criterion"
    )
    desk_max_cv: float = Field(
        0.05, description="largest CV of a published direct desk-month, a fraction in (0, 1]"
    )
    desk_max_model_cv: float = Field(
        0.10, description="largest CV (root MSE / estimate) of a published model-based one"
    )
    desk_covariates: list[Literal["previous", "area", "log_forms"]] = Field(
        ["previous"],
        description="the model's covariates: previous (the desk's own previous months), area "
        "(its district, desk_area), log_forms (the month's forms)",
    )
    desk_history: int = Field(
        3, description="months of the desk's past the 'previous' covariate averages (1-12)"
    )
    desk_area: str | None = Field(
        "district",
        description="column of the desk forms naming each desk's district",
        validate_default=True,
    )
    desk_method: Literal["reml", "ml", "fh"] = Field(
        "reml", description="model variance estimator of the desk-months: reml, ml or fh"
    )
    desk_transform: Literal["logit", "arcsin"] | None = Field(
        None, description="scale the desk-month model is fitted on: null (percent), logit, arcsin"
    )
    desk_max_residual: float = Field(
        3.0,
        description="standardised residual beyond which a desk-month is named as departing "
        "from the model",
    )

    @field_validator("desk_code")
    @classmethod
    def _desk_code(cls, v: str) -> str:
        return index_code(v)

    @field_validator("desk_max_cv", "desk_max_model_cv")
    @classmethod
    def _desk_cv(cls, v: float) -> float:
        return cv_fraction(v)

    @field_validator("desk_history")
    @classmethod
    def _desk_history(cls, v: int) -> int:
        if not 1 <= v <= 12:
            raise ValueError(f"must be a whole number of months from 1 to 12, not {v}")
        return v

    @field_validator("desk_covariates")
    @classmethod
    def _desk_covariates(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("names a covariate twice: give each once")
        return v

    @field_validator("desk_area")
    @classmethod
    def _desk_area(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("is empty: name a column, or null to leave it out")
        if v is None and "area" in (info.data.get("desk_covariates") or []):
            raise ValueError("is null, but desk_covariates has 'area': name the district column")
        return v

    @field_validator("desk_max_residual")
    @classmethod
    def _desk_residual(cls, v: float) -> float:
        if not (math.isfinite(v) and v > 0):
            raise ValueError(f"must be a positive number of standard deviations, not {v}")
        return v

    @field_validator("dated_targets")
    @classmethod
    def _targets(cls, v: dict[int, float] | None) -> dict[int, float] | None:
        for year, t in (v or {}).items():
            if not 1990 <= year <= 2100:
                raise ValueError(f"has the year {year}, outside 1990–2100")
            if not math.isfinite(t) or not 0 <= t <= 100:
                raise ValueError(f"gives {year} the target {t}, outside 0–100")
        return v

    @field_validator("months")
    @classmethod
    def _months(cls, v: list[str] | None) -> list[str] | None:
        for m in v or []:
            if not _MONTH.fullmatch(str(m)):
                raise ValueError(f"holds {m!r}, which is not a month written YYYY-MM")
        return v

    @model_validator(mode="after")
    def _order(self) -> TrendsOwnParams:
        if (
            self.change_start is not None
            and self.change_end is not None
            and self.change_end <= self.change_start
        ):
            raise ValueError("change_end must come after change_start")
        return self
