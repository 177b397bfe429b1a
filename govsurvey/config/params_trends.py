"""Notebook 05's own parameters (change over time): the waves, the desks, the targets.

Flat keys a ``params/*.yaml`` file sets beside the shared ones; :class:`TrendsOwnParams` is
combined with :class:`~govsurvey.config.params.SharedParams` into ``TrendsParams`` in
:mod:`govsurvey.config.params`.

``dated_targets`` takes two forms:

- flat, ``{2023: 90, 2025: 95}``: the targets of ``target_unit`` (one unit of ``trend_unit``),
  or of the whole population when ``target_unit`` is omitted;
- nested, ``{"Thanh Xuân": {2023: 90, 2025: 95}, "Ba Đình": {2025: 92}, all: {2025: 88}}``:
  any number of units of ``trend_unit``, each with its own years; the key :data:`OVERALL`
  (``all``) gives the targets of every unit that has none of its own. ``target_unit`` is then
  omitted.

:func:`dated_targets_by_unit` turns either into one mapping unit -> {year: target};
:func:`dated_target_problems` checks it against the waves (units named, years surveyed) before
any notebook runs.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..errors import Problem, short
from .params_small_area import cv_fraction, index_code

__all__ = [
    "OVERALL",
    "ParameterValueError",
    "TrendsOwnParams",
    "dated_target_problems",
    "dated_targets_by_unit",
    "normalise_dated_targets",
]

_MONTH = re.compile(r"[12][0-9]{3}-(0[1-9]|1[0-2])")
_YEAR = re.compile(r"[0-9]{4}")

#: The key of a nested ``dated_targets`` mapping that gives the targets of every unit without
#: targets of its own.
OVERALL = "all"

_FORMS_EN = (
    "write {year: target} for one unit, e.g. {2023: 90, 2025: 95}, or {unit: {year: target}} "
    'for several, e.g. {"Thanh Xuân": {2023: 90, 2025: 95}, all: {2025: 88}}'
)
_FORMS_VI = (
    "ghi {năm: mục tiêu} cho một đơn vị, ví dụ {2023: 90, 2025: 95}, hoặc {đơn vị: {năm: mục "
    'tiêu}} cho nhiều đơn vị, ví dụ {"Thanh Xuân": {2023: 90, 2025: 95}, all: {2025: 88}}'
)


class ParameterValueError(ValueError):
    """A parameter's value refused, in English and Vietnamese, with its fix.

    Raised inside a parameters model's validator; ``validate_params`` turns it into one
    :class:`~govsurvey.errors.Problem` naming the key, in both languages.

    Examples
    --------
    >>> e = ParameterValueError("x", "is empty", "give a value", "trống", "ghi một giá trị")
    >>> str(e), e.fix_vi
    ('x is empty', 'ghi một giá trị')
    """

    def __init__(self, where: str, what: str, fix: str, what_vi: str, fix_vi: str) -> None:
        super().__init__(f"{where} {what}")
        self.where, self.what, self.fix = where, what, fix
        self.what_vi, self.fix_vi = what_vi, fix_vi


def _year(key: Any, where: str) -> int:
    if isinstance(key, float) and key.is_integer():  # YAML's 2025.0
        key = int(key)
    if isinstance(key, bool) or not (
        isinstance(key, int) or (isinstance(key, str) and _YEAR.fullmatch(key.strip()))
    ):
        raise ParameterValueError(
            where,
            f"has the key {short(key, 30)}, which is not a year",
            f"write the year in four digits; {_FORMS_EN}",
            f"có khoá {short(key, 30)}, không phải một năm",
            f"ghi năm bằng bốn chữ số; {_FORMS_VI}",
        )
    year = int(key)
    if not 1990 <= year <= 2100:
        raise ParameterValueError(
            where,
            f"has the year {year}, outside 1990–2100",
            "give the year the plan states the target for",
            f"có năm {year}, ngoài khoảng 1990–2100",
            "ghi năm mà kế hoạch đặt mục tiêu",
        )
    return year


def _target(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterValueError(
            where,
            f"is {short(value, 30)}, which is not a number",
            "write the target as a number of percent without the % sign, e.g. 95",
            f"là {short(value, 30)}, không phải một số",
            "ghi mục tiêu là một số phần trăm, không kèm dấu %, ví dụ 95",
        )
    t = float(value)
    if not (math.isfinite(t) and 0 <= t <= 100):
        raise ParameterValueError(
            where,
            f"is {short(value, 20)}, outside 0–100",
            "write the target in percent, from 0 to 100 (e.g. 95, not 0.95 or 950)",
            f"là {short(value, 20)}, ngoài khoảng 0–100",
            "ghi mục tiêu theo phần trăm, từ 0 đến 100 (ví dụ 95, không phải 0,95 hay 950)",
        )
    return t


def _per_year(per: Mapping, where: str) -> dict[int, float]:
    out: dict[int, float] = {}
    for key, value in per.items():
        year = _year(key, where)
        if year in out:
            raise ParameterValueError(
                where,
                f"gives the year {year} twice",
                "give each year one target",
                f"ghi năm {year} hai lần",
                "mỗi năm ghi một mục tiêu",
            )
        out[year] = _target(value, f"{where}[{year}]")
    if not out:
        raise ParameterValueError(
            where,
            "gives no year",
            _FORMS_EN,
            "không ghi năm nào",
            _FORMS_VI,
        )
    return out


def normalise_dated_targets(
    value: Any,
) -> dict[int, float] | dict[str, dict[int, float]] | None:
    """Check ``dated_targets`` and return it with years as integers and targets as floats.

    The shape is kept: flat ``{year: target}`` or nested ``{unit: {year: target}}``. Years
    written as text (papermill passes mapping keys as text) are read as years.

    Raises
    ------
    ParameterValueError
        Naming the entry (``dated_targets[Thanh Xuân][2025]``) and the fix, in en and vi.

    Examples
    --------
    >>> normalise_dated_targets({"2023": 90, 2025: 95})
    {2023: 90.0, 2025: 95.0}
    >>> normalise_dated_targets({"Thanh Xuân": {2025: 95}, "all": {"2025": 88}})
    {'Thanh Xuân': {2025: 95.0}, 'all': {2025: 88.0}}
    >>> normalise_dated_targets({"Thanh Xuân": {2025: "95%"}})
    Traceback (most recent call last):
    ...
    govsurvey.config.params_trends.ParameterValueError: dated_targets[Thanh Xuân][2025] is '95%', which is not a number
    """  # noqa: E501
    if value is None:
        return None
    key = "dated_targets"
    if not isinstance(value, Mapping) or not value:
        raise ParameterValueError(
            key,
            f"is {short(value, 30)}, not a mapping of targets",
            f"{_FORMS_EN}; or omit it (no target section)",
            f"là {short(value, 30)}, không phải một bảng mục tiêu",
            f"{_FORMS_VI}; hoặc bỏ khoá này (không có phần mục tiêu)",
        )
    nested = [isinstance(v, Mapping) for v in value.values()]
    if not any(nested):
        return _per_year(value, key)
    if not all(nested):
        raise ParameterValueError(
            key,
            "mixes years and units at its first level",
            f"put the years of every unit without its own under {OVERALL}: "
            f'{{{OVERALL}: {{2025: 88}}, "Thanh Xuân": {{2025: 95}}}}',
            "trộn năm và đơn vị ở cấp thứ nhất",
            f"ghi các năm chung cho mọi đơn vị chưa có mục tiêu riêng dưới khoá {OVERALL}: "
            f'{{{OVERALL}: {{2025: 88}}, "Thanh Xuân": {{2025: 95}}}}',
        )
    out: dict[str, dict[int, float]] = {}
    for unit, per in value.items():
        name = str(unit).strip()
        if not name:
            raise ParameterValueError(
                key,
                "has an empty unit name",
                f"name the unit as the waves write it, or {OVERALL} for every other unit",
                "có tên đơn vị trống",
                f"ghi tên đơn vị như trong dữ liệu các kỳ, hoặc {OVERALL} cho mọi đơn vị khác",
            )
        out[name] = _per_year(per, f"{key}[{name}]")
    return out


def dated_targets_by_unit(
    targets: Mapping | None, target_unit: str | None = None
) -> dict[str | None, dict[int, float]]:
    """Either form of ``dated_targets`` as one mapping unit -> {year: target}.

    The flat form is the targets of ``target_unit``, or of the whole population (key ``None``)
    when ``target_unit`` is omitted; the nested form keeps its units and its :data:`OVERALL`
    key (the targets of every unit without its own).

    Parameters
    ----------
    targets : mapping or None
        ``dated_targets`` in either form (checked by :func:`normalise_dated_targets`).
    target_unit : str, optional
        The unit flat targets are for.

    Returns
    -------
    dict
        Unit (``None``: the whole population; ``"all"``: every other unit) -> {year: target}.

    Examples
    --------
    >>> dated_targets_by_unit({2023: 90, 2025: 95}, "Thanh Xuân")
    {'Thanh Xuân': {2023: 90.0, 2025: 95.0}}
    >>> dated_targets_by_unit({2025: 88})
    {None: {2025: 88.0}}
    >>> dated_targets_by_unit({"Thanh Xuân": {2025: 95}, "all": {2025: 88}})
    {'Thanh Xuân': {2025: 95.0}, 'all': {2025: 88.0}}
    """
    v = normalise_dated_targets(targets)
    if not v:
        return {}
    if not _is_nested(v):
        return {target_unit: dict(v)}  # type: ignore[dict-item]
    return {str(u): dict(per) for u, per in v.items()}  # type: ignore[union-attr]


def _is_nested(v: Mapping) -> bool:
    return bool(v) and isinstance(next(iter(v.values())), Mapping)


def dated_target_problems(
    targets: Mapping | None,
    target_unit: str | None,
    units: Iterable[object],
    periods: Iterable[object],
    unit_column: str,
    file: str | None = None,
) -> list[Problem]:
    """What the waves cannot judge: a unit not in them, a past year they did not survey.

    A target year after the last wave is judged by the trend; a surveyed year by that year's
    survey; a year before the last wave that was not surveyed (before the first wave, or
    between two waves) cannot be judged.

    Parameters
    ----------
    targets : mapping or None
        ``dated_targets``, in either form.
    target_unit : str, optional
        The unit flat targets are for (named in the problem when the waves lack it).
    units : iterable
        The values of ``unit_column`` in the waves.
    periods : iterable
        The waves' periods (years).
    unit_column : str
        The waves' column the units are values of (``trend_unit``).
    file : str, optional
        The parameters file, named in each problem.

    Returns
    -------
    list of Problem
        One per unknown unit or year that cannot be judged, in English and Vietnamese.

    Examples
    --------
    >>> p = dated_target_problems({"Tây Hồ": {2025: 90}}, None, ["Ba Đình"], [2021, 2022],
    ...                           "district")
    >>> print(p[0].text("en"))  # doctest: +ELLIPSIS
    parameter 'dated_targets' names the unit 'Tây Hồ', which is not a value of 'district' ...
    >>> print(dated_target_problems({2020: 90}, None, [], [2021, 2022], "district")[0].what)
    parameter 'dated_targets[2020]' has the year 2020, which lies before the last wave (2022) and was not surveyed (waves: 2021–2022)
    """  # noqa: E501
    by_unit = dated_targets_by_unit(targets, target_unit)
    nested = _is_nested(normalise_dated_targets(targets) or {})
    names = sorted({str(u) for u in units})
    years = sorted({float(p) for p in periods})
    shown = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
    problems: list[Problem] = []
    for unit, per in by_unit.items():
        key = "dated_targets" if nested or unit is None else "target_unit"
        where = f"dated_targets[{unit}]" if nested else "dated_targets"
        if unit is not None and unit != OVERALL and str(unit) not in names:
            near = difflib.get_close_matches(str(unit), names, n=1, cutoff=0.6)
            hint, hint_vi = (
                (f"did you mean {near[0]!r}? ", f"có phải {near[0]!r}? ") if near else ("", "")
            )
            problems.append(
                Problem(
                    what=f"parameter '{key}' names the unit {short(unit, 40)}, which is not a "
                    f"value of {unit_column!r} in the waves",
                    fix=f"{hint}write the unit as the waves write it (one of: {shown})"
                    + (f", or {OVERALL} for every unit without its own targets" if nested else ""),
                    file=file,
                    what_vi=f"tham số '{key}' ghi đơn vị {short(unit, 40)}, không phải một giá "
                    f"trị của {unit_column!r} trong dữ liệu các kỳ",
                    fix_vi=f"{hint_vi}ghi tên đơn vị như dữ liệu các kỳ ghi (một trong: {shown})"
                    + (f", hoặc {OVERALL} cho mọi đơn vị chưa có mục tiêu riêng" if nested else ""),
                )
            )
            continue
        for year in per:
            if not years or float(year) in years or float(year) > years[-1]:
                continue
            first, last = f"{years[0]:g}", f"{years[-1]:g}"
            problems.append(
                Problem(
                    what=f"parameter '{where}[{year}]' has the year {year}, which lies before "
                    f"the last wave ({last}) and was not surveyed (waves: {first}–{last})",
                    fix="give a year that was surveyed, or one after the last wave (judged by "
                    "the trend)",
                    file=file,
                    what_vi=f"tham số '{where}[{year}]' có năm {year}, trước kỳ cuối ({last}) "
                    f"mà không được khảo sát (các kỳ: {first}–{last})",
                    fix_vi="ghi một năm đã khảo sát, hoặc một năm sau kỳ cuối (đánh giá theo xu "
                    "hướng)",
                )
            )
    return problems


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
    dated_targets: dict[int, float] | dict[str, dict[int, float]] | None = Field(
        None,
        description="SIPAS targets by year: {2023: 90, 2025: 95} for target_unit, or "
        '{"Thanh Xuân": {2023: 90, 2025: 95}, all: {2025: 88}} for units of trend_unit '
        "(all: every unit without its own)",
    )
    target_unit: str | None = Field(
        None,
        description="the unit (of trend_unit) flat dated targets are for; omit: everyone, or "
        "the nested form",
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

    @field_validator("dated_targets", mode="before")
    @classmethod
    def _targets(cls, v: Any) -> dict[int, float] | dict[str, dict[int, float]] | None:
        return normalise_dated_targets(v)

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
        if self.target_unit is not None and _is_nested(self.dated_targets or {}):
            raise ParameterValueError(
                "target_unit",
                "is set, but dated_targets already names its units",
                "remove target_unit: the nested dated_targets say which unit each target is for",
                "đã ghi, nhưng dated_targets đã ghi tên các đơn vị",
                "bỏ target_unit: dated_targets dạng lồng đã ghi mục tiêu nào của đơn vị nào",
            )
        return self
