"""Notebook 05's own parameters (change over time): the waves, the desks, the targets.

Flat keys a ``params/*.yaml`` file sets beside the shared ones; :class:`TrendsOwnParams` is
combined with :class:`~govsurvey.config.params.SharedParams` into ``TrendsParams`` in
:mod:`govsurvey.config.params`.
"""

from __future__ import annotations

import math
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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
        "../data/synthetic/waves.csv",
        description="one file of every period's forms, with a period column (omit: no waves)",
    )
    waves_truth: str | None = Field(
        "../data/synthetic/truth_waves.csv",
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
        "../data/synthetic/desk_forms.csv",
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
