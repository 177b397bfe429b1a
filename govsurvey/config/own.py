"""A notebook's own parameters checked against its model, every problem in one InputError.

Notebooks 01, 02 and 04 declare their own keys in a pydantic model
(:class:`~govsurvey.sampling.params.SamplingOwnParams`,
:class:`~govsurvey.config.params_response.ResponseOwnParams`,
:class:`~govsurvey.config.params_drivers.DriversOwnParams`); :func:`validate_own` reads those
keys from any mapping and turns pydantic's errors into the project's one error type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import InputError, Problem

__all__ = ["validate_own"]


def validate_own(model: type[BaseModel], raw: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of ``model`` read from ``raw`` (others ignored), defaults filled in.

    Raises
    ------
    InputError
        One problem per bad key, naming it and its meaning (the field's description).

    Examples
    --------
    >>> from pydantic import Field
    >>> class Own(BaseModel):
    ...     n: int = Field(5, ge=2, description="a count of at least 2")
    >>> validate_own(Own, {"n": 3, "other": "ignored"})
    {'n': 3}
    >>> validate_own(Own, {"n": 1})
    Traceback (most recent call last):
    ...
    govsurvey.errors.InputError: parameter 'n': input should be greater than or equal to 2 (value '1'). Fix: set 'n' to a count of at least 2
    """  # noqa: E501
    fields = model.model_fields
    try:
        return model.model_validate({k: v for k, v in raw.items() if k in fields}).model_dump()
    except ValidationError as exc:
        problems = []
        for e in exc.errors(include_url=False):
            key = str(e["loc"][0]) if e["loc"] else ""
            msg = e["msg"].removeprefix("Value error, ")
            problems.append(
                Problem(
                    what=f"parameter '{key}': {msg[0].lower() + msg[1:]} "
                    f"(value {str(e.get('input'))[:40]!r})"
                    if key
                    else msg,
                    fix=f"set '{key}' to {fields[key].description}" if key in fields else "",
                )
            )
        raise InputError(problems) from None
