"""Notebook 01's own parameters (sampling design); the shared keys live in
:mod:`govsurvey.config.params` (``SharedParams``).

The integrator composes them: ``class SamplingParams(SharedParams, SamplingOwnParams)``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "MAX_SEED",
    "SamplingOwnParams",
    "SAMPLING_DEFAULTS",
    "seed_in_range",
    "validate_sampling_params",
]

#: The largest seed: a 32-bit number, what every random generator the analyses use accepts
#: (numpy's legacy RandomState, R's set.seed), so a seed means the same draw everywhere.
MAX_SEED = 2**32 - 1


def seed_in_range(v: int) -> int:
    """A seed checked against :data:`MAX_SEED` (used by every seed parameter).

    Examples
    --------
    >>> seed_in_range(2024)
    2024
    >>> seed_in_range(10**30)
    Traceback (most recent call last):
    ...
    ValueError: is above 4,294,967,295, the largest seed: a seed is a 32-bit number, as the random generators (numpy, R) take it; use e.g. 2024
    """  # noqa: E501
    if v > MAX_SEED:
        raise ValueError(
            f"is above {MAX_SEED:,}, the largest seed: a seed is a 32-bit number, as the random "
            "generators (numpy, R) take it; use e.g. 2024"
        )
    return v


#: A file name a run may write: letters (any script), digits, space, ``.``, ``-``, ``_``, ``(``,
#: ``)``, not starting with a dot or a space, at most 100 characters.
#: Why each size is bounded, said when a value is out of its range.
_WHY = {
    "per_ward": (
        "high",
        500,
        "must be 2 to 500 forms per ward: provincial plans take 90–200 forms per commune, and "
        "above 500 the plan takes most of a ward's register, so the simulation of the plans "
        "runs for more than an hour",
    ),
    "replications": (
        "high",
        5000,
        "must be 2 to 5,000 samples per plan: each replication draws and analyses a whole "
        "sample for every plan (100 replications of 3 plans took 14 s on a busy 2-core "
        "machine), so 5,000 take several minutes; 1,000 judge an SE ratio within about ±5%",
    ),
    "rho": (
        "high",
        0.5,
        "must be 0 to 0.5: intra-class correlations of satisfaction within wards are about "
        "0.01–0.2; above 0.5 a ward's forms say little more than one form, and the plan would "
        "ask for more wards than a province has",
    ),
    "response_rate": (
        "low",
        0.05,
        "must be 0.05 to 1: below 5 returned forms in 100 the plan would send more than 20 "
        "forms per completed one, and its margins would rest on a handful of answers",
    ),
    "total_forms": (
        "high",
        1_000_000,
        "must be 10 to 1,000,000 forms: the national survey sends about 40,000 forms a year, "
        "and a larger budget plans more forms than a province's registers hold",
    ),
    "margin": (
        "low",
        0.005,
        "must be 0.005 (±0.5 points) to below 1: a narrower margin asks for more forms than a "
        "district's register holds",
    ),
}
_FILE_NAME = re.compile(r"[^\W][\w .()-]{0,99}")


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
        0.05,
        ge=0.005,
        lt=1,
        description="target margin per district as a fraction, 0.005 (±0.5 points) to below 1, "
        "e.g. 0.05",
    )
    rho: float | None = Field(
        None,
        ge=0,
        le=0.5,
        description="intra-class correlation within wards, 0 to 0.5 (omit: estimate from "
        "responses)",
    )
    design_effect: float | None = Field(
        None, ge=1, le=50, description="a design effect given directly (overrides rho)"
    )
    response_rate: float | None = Field(
        None,
        ge=0.05,
        le=1,
        description="expected response rate, 0.05 to 1 (omit: the rate in responses)",
    )
    per_ward: int = Field(50, ge=2, le=500, description="forms per ward (2-500)")
    minimum_wards: int = Field(3, ge=2, le=50, description="wards per district at least (2-50)")
    total_forms: int | None = Field(
        None,
        ge=10,
        le=1_000_000,
        description="a budget of forms, 10 to 1,000,000, instead of a margin (omit for the margin)",
    )
    allocation: Literal["proportional", "equal", "neyman", "power"] = Field(
        "power", description="allocation of a budget: proportional, equal, neyman or power"
    )
    plans: list[Literal["sipas", "papi", "srs"]] = Field(
        default_factory=lambda: ["sipas", "papi", "srs"],
        description="plans compared by simulation: some of sipas, papi, srs ([]: none)",
    )
    replications: int = Field(
        1000, ge=2, le=5000, description="samples drawn per plan in the simulation (2-5000)"
    )
    city_seed: int = Field(
        2024,
        ge=0,
        description="seed of the population the plans are simulated on (built from the ward "
        "frame and the previous survey's answers; 0 to 4,294,967,295)",
    )
    fieldwork_file: str = Field(
        "",
        description="file name (.xlsx or .csv, no folder) of the drawn sample, written into the "
        "run's folder (empty: 01_sample_list.xlsx there)",
    )
    output_dir: str = Field("", description="set by govsurvey run: where figures are written")

    @field_validator("city_seed")
    @classmethod
    def _city_seed(cls, v: int) -> int:
        return seed_in_range(v)

    @field_validator(
        "per_ward", "replications", "response_rate", "margin", "rho", "total_forms", mode="wrap"
    )
    @classmethod
    def _why(cls, v: Any, handler: Any, info: Any) -> Any:
        """The bound of a size that would run for hours, with the reason."""
        try:
            return handler(v)
        except ValueError as exc:
            side, bound, why = _WHY[info.field_name]
            if not isinstance(v, int | float) or isinstance(v, bool):
                raise
            if (side == "high" and v > bound) or (side == "low" and v < bound):
                raise ValueError(why) from exc
            raise

    @field_validator("plans")
    @classmethod
    def _plans(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("must name distinct plans among sipas, papi, srs (or [] for none)")
        return v

    @field_validator("fieldwork_file")
    @classmethod
    def _sheet(cls, v: str) -> str:
        if not v:
            return v
        if "/" in v or "\\" in v or v in (".", "..") or Path(v).is_absolute():
            raise ValueError(
                "must be a file name, not a path: the sheet is written into the "
                "run's own folder, e.g. fieldwork_file: sample.xlsx"
            )
        if not _FILE_NAME.fullmatch(v):
            raise ValueError(
                "must be a plain file name of letters, digits, spaces, '.', '-', '_' and "
                "brackets, not starting with a dot, e.g. sample.xlsx"
            )
        if not v.lower().endswith((".xlsx", ".csv")):
            raise ValueError("must end in .xlsx or .csv")
        return v

    @model_validator(mode="after")
    def _into_the_run(self) -> SamplingOwnParams:
        """With a run folder (``output_dir``, set by ``govsurvey run``), the sheet's file name
        becomes its path inside that folder: nothing is written anywhere else."""
        if self.fieldwork_file and self.output_dir:
            inside = str(Path(self.output_dir) / self.fieldwork_file)
            object.__setattr__(self, "fieldwork_file", inside)
        return self


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
