"""Notebook 01's own parameters (sampling design); the shared keys live in
:mod:`govsurvey.config.params` (``SharedParams``).

The integrator composes them: ``class SamplingParams(SharedParams, SamplingOwnParams)``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["SamplingOwnParams", "SAMPLING_DEFAULTS", "validate_sampling_params"]


class SamplingOwnParams(BaseModel):
    """Keys only notebook 01 reads.

    Examples
    --------
    >>> p = SamplingOwnParams()
    >>> p.margin, p.per_ward, p.plans
    (0.05, 50, ['sipas', 'papi', 'srs'])
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    ward_frame: str = Field(
        "../data/synthetic/wards.csv",
        description="the frame of wards: one row per ward with its district and register size",
    )
    stratum_column: str = Field("district", description="column of the strata (districts)")
    ward_column: str = Field("psu", description="column of the ward code")
    ward_label: str = Field("ward", description="column of the ward name")
    size_column: str = Field("N", description="column of the register size (dossiers)")
    margin: float = Field(
        0.05, gt=0, lt=1, description="target margin per district as a fraction, e.g. 0.05"
    )
    rho: float | None = Field(
        None,
        ge=0,
        lt=1,
        description="intra-class correlation within wards (omit: estimate from responses)",
    )
    design_effect: float | None = Field(
        None, ge=1, le=50, description="a design effect given directly (overrides rho)"
    )
    response_rate: float | None = Field(
        None,
        gt=0,
        le=1,
        description="expected response rate in (0, 1] (omit: the rate in responses)",
    )
    per_ward: int = Field(50, ge=2, le=2000, description="forms per ward (2-2000)")
    minimum_wards: int = Field(3, ge=2, le=50, description="wards per district at least (2-50)")
    total_forms: int | None = Field(
        None, ge=10, description="a budget of forms instead of a margin (omit for the margin)"
    )
    allocation: Literal["proportional", "equal", "neyman", "power"] = Field(
        "power", description="allocation of a budget: proportional, equal, neyman or power"
    )
    plans: list[Literal["sipas", "papi", "srs"]] = Field(
        default_factory=lambda: ["sipas", "papi", "srs"],
        description="plans compared by simulation: some of sipas, papi, srs ([]: none)",
    )
    replications: int = Field(
        30, ge=2, le=5000, description="samples drawn per plan in the simulation (2-5000)"
    )
    city_seed: int = Field(
        2024,
        ge=0,
        description="seed of the population the plans are simulated on (built from the ward "
        "frame and the previous survey's answers)",
    )
    fieldwork_file: str = Field(
        "", description="xlsx or csv file for the drawn sample (empty: not written)"
    )

    @field_validator("plans")
    @classmethod
    def _plans(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("must name distinct plans among sipas, papi, srs (or [] for none)")
        return v

    @field_validator("fieldwork_file")
    @classmethod
    def _sheet(cls, v: str) -> str:
        if v and not v.lower().endswith((".xlsx", ".csv")):
            raise ValueError("must end in .xlsx or .csv")
        return v


#: The defaults, as notebook 01's parameters cell holds them.
SAMPLING_DEFAULTS = SamplingOwnParams().model_dump()


def validate_sampling_params(raw: dict) -> dict:
    """Check notebook 01's own keys; every problem becomes one :class:`InputError`.

    Parameters
    ----------
    raw : dict
        Any mapping; only :class:`SamplingOwnParams`'s keys are read.

    Returns
    -------
    dict
        Those keys, defaults filled in.

    Examples
    --------
    >>> validate_sampling_params({"margin": 0.03, "run_name": "x"})["margin"]
    0.03
    >>> validate_sampling_params({"margin": 1.5})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    govsurvey.errors.InputError: parameter 'margin': input should be less than 1 (value '1.5')...
    """
    from govsurvey.config.own import validate_own

    return validate_own(SamplingOwnParams, raw)
