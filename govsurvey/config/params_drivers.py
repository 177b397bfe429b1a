"""Notebook 04's own parameters (drivers of satisfaction); the shared keys live in
:mod:`govsurvey.config.params` (``SharedParams``).

The integrator composes them: ``class DriversParams(SharedParams, DriversOwnParams)``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["DriversOwnParams", "DRIVERS_DEFAULTS", "validate_drivers_params"]


class DriversOwnParams(BaseModel):
    """Keys only notebook 04 reads.

    Examples
    --------
    >>> p = DriversOwnParams()
    >>> p.importance_method, p.replicates, p.min_valid
    ('lmg', 200, 1)
    >>> from pydantic import ValidationError
    >>> try:
    ...     DriversOwnParams(replicates=5)
    ... except ValidationError as e:
    ...     print(e.errors()[0]["loc"], e.errors()[0]["type"])
    ('replicates',) greater_than_equal
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_valid: int = Field(
        1, ge=1, le=6, description="valid answers a component score needs (1 to 6)"
    )
    importance_method: Literal["lmg", "johnson"] = Field(
        "lmg", description='relative-importance method: "lmg" or "johnson"'
    )
    replicates: int = Field(
        200, ge=20, le=2000, description="bootstrap replicates for importance intervals (20-2000)"
    )
    importance_by: list[str] = Field(
        default_factory=lambda: ["field"],
        description="domain columns for relative importance by domain, e.g. [field]",
    )
    facts_by: list[str] = Field(
        default_factory=lambda: ["district", "field"],
        description="domain columns for the facts of the service, e.g. [district, field]",
    )
    stated_items: dict[str, str] | None = Field(
        None,
        description="component code -> its expectations column (default: the instrument's "
        "improves: of each expectation option)",
    )

    @field_validator("facts_by", "importance_by")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v) or any(not x.strip() for x in v):
            raise ValueError("must name distinct, non-empty columns")
        return v


#: The defaults, as notebook 04's parameters cell and params/default.yaml hold them.
DRIVERS_DEFAULTS = DriversOwnParams().model_dump()


def validate_drivers_params(raw: dict, instrument=None) -> dict:
    """Check notebook 04's own keys; every problem becomes one :class:`InputError`.

    Parameters
    ----------
    raw : dict
        Any mapping; only :class:`DriversOwnParams`'s keys are read.
    instrument : Instrument, optional
        When given, ``importance_by`` and ``facts_by`` must be domains it allows (coded
        variables, never personal columns).

    Returns
    -------
    dict
        Those keys, defaults filled in.

    Examples
    --------
    >>> validate_drivers_params({"replicates": 100, "run_name": "x"})["replicates"]
    100
    >>> import govsurvey as gs
    >>> validate_drivers_params({"facts_by": ["phone"]}, gs.load_instrument("sipas-2017"))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    govsurvey.errors.InputError: parameter 'facts_by': 'phone' is not a domain of the instrument. Fix: use some of: district, ...
    >>> validate_drivers_params({"importance_method": "shapley"})
    Traceback (most recent call last):
    ...
    govsurvey.errors.InputError: parameter 'importance_method': input should be 'lmg' or 'johnson' (value 'shapley'). Fix: set 'importance_method' to relative-importance method: "lmg" or "johnson"
    """  # noqa: E501
    from ..errors import InputError, Problem
    from .own import validate_own

    out = validate_own(DriversOwnParams, raw)
    if instrument is not None:
        from .params import allowed_domains

        allowed = allowed_domains(instrument)
        bad = [
            Problem(
                what=f"parameter '{key}': {col!r} is not a domain of the instrument",
                fix=f"use some of: {', '.join(allowed)}",
            )
            for key in ("importance_by", "facts_by")
            for col in out[key]
            if col not in allowed
        ]
        if bad:
            raise InputError(bad)
    return out
