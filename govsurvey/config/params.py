"""Typed run parameters: the keys every notebook shares and one model per notebook.

A run is described by one flat YAML file (``params/default.yaml``) that ``papermill -f``
accepts as it is. :func:`load_params` reads it with a bounded YAML loader (duplicate keys,
aliases and anchors are refused, and so are files over :data:`MAX_BYTES`), then checks it
against the models of the notebooks being run: a key is checked when a selected notebook's
model declares it; a key only another notebook declares is left aside (one file serves every
notebook, so a run of one notebook is not refused for another's keys); any other key is
refused. Every problem becomes one :class:`~govsurvey.errors.Problem` of a single
:class:`~govsurvey.errors.InputError` that names the file, the key, what is wrong and how to
fix it; a value is never expanded in a message beyond :data:`MAX_SHOWN` characters.

The models (pydantic v2, ``extra="forbid"``):

- :class:`SharedParams`: ``run_name``, ``instrument``, ``responses``, ``frame``, ``truth``,
  ``weight``, ``strata``, ``psu``, ``fpc``, ``lonely_psu``, ``domains``, ``min_cell``,
  ``confidence``, ``seed``, ``language`` (and ``output_dir``, which ``govsurvey run`` sets);
- :class:`SamplingParams` (notebook 01), :class:`ResponseParams` (02),
  :class:`IndexParams` (03: targets and baseline) and :class:`DriversParams` (04).

:data:`NOTEBOOKS` maps the package's notebook identifiers (``"03"``) to their file and model;
:func:`available_notebooks` lists those whose file exists.
"""

from __future__ import annotations

import logging
import math
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import MAX_SHOWN, InputError, Problem, short
from ..sampling.params import SamplingOwnParams, seed_in_range
from .params_drivers import DriversOwnParams
from .params_response import ResponseOwnParams, WeightingMethod, WeightingParams
from .params_small_area import SmallAreaOwnParams
from .params_trends import ParameterValueError, TrendsOwnParams
from .preflight import parameter_problems, path_problem

__all__ = [
    "INPUT_FILES",
    "MAX_BYTES",
    "MAX_SHOWN",
    "NOTEBOOKS",
    "PARAMETERS",
    "DriversParams",
    "IndexParams",
    "NotebookSpec",
    "Parameter",
    "ResponseParams",
    "SamplingParams",
    "SharedParams",
    "TrendsParams",
    "available_notebooks",
    "load_params",
    "notebooks_dir",
    "parse_yaml",
    "select_notebooks",
    "short",
    "validate_params",
]

#: A parameters file larger than this is refused before it is parsed.
MAX_BYTES = 256 * 1024
#: A value shown in a message is cut to this many characters.
#: The deepest nesting a parameters file may have (a flat file with mappings as values needs 3).
MAX_DEPTH = 6

log = logging.getLogger(__name__)
_this = sys.modules[__name__]  # registry look-ups go through the module (tests swap them)
_RUN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_CODE = re.compile(r"SIPAS|C[0-9]+(\.[0-9]+)?")


# --------------------------------------------------------------------------- YAML, bounded


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader that refuses aliases, anchors, duplicate keys and deep nesting."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _YamlRefused(
                "uses a YAML alias (*name)",
                "write the value out in full; aliases are not allowed in parameters files",
                event.start_mark.line + 1,
            )
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _YamlRefused(
                f"uses a YAML anchor (&{short(anchor, 20)})",
                "remove the anchor; aliases are not allowed in parameters files",
                event.start_mark.line + 1,
            )
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise _YamlRefused(
                    f"nests values more than {MAX_DEPTH} levels deep",
                    "keep the file flat: name: value, with lists or mappings as values",
                    event.start_mark.line + 1,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise _YamlRefused(
                    "has a key that is not a name",
                    "write keys as plain names",
                    key_node.start_mark.line + 1,
                ) from None
            if key in seen:
                raise _YamlRefused(
                    f"repeats the key {short(key, 30)} (first on line {seen[key]})",
                    "keep one of the two; a repeated key is not allowed",
                    key_node.start_mark.line + 1,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


class _YamlRefused(Exception):
    def __init__(self, what: str, fix: str, line: int) -> None:
        super().__init__(what)
        self.what, self.fix, self.line = what, fix, line


def parse_yaml(text: str, file: str | None = None) -> Any:
    """Parse the text of a parameters file with the bounded loader.

    Duplicate keys, aliases and anchors are refused (so an "alias bomb" is refused at its first
    alias, in microseconds), and so is nesting deeper than :data:`MAX_DEPTH`.

    Raises
    ------
    InputError
        Naming the file, the line (as ``row``) and the fix.

    Examples
    --------
    >>> parse_yaml("min_cell: 10\\npsu: [psu, id]")
    {'min_cell': 10, 'psu': ['psu', 'id']}
    >>> parse_yaml("a: 1\\na: 2", file="p.yaml")
    Traceback (most recent call last):
    ...
    govsurvey.errors.InputError: p.yaml, row 2: the parameters file repeats the key 'a' (first on line 1). Fix: keep one of the two; a repeated key is not allowed
    """  # noqa: E501
    try:
        return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except _YamlRefused as exc:
        raise InputError.one(
            f"the parameters file {exc.what}", exc.fix, file=file, row=exc.line
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or exc.__class__.__name__
        raise InputError.one(
            f"not valid YAML ({short(str(problem), 80)})",
            "correct the YAML syntax at the line named",
            file=file,
            row=None if mark is None else mark.line + 1,
        ) from None


# --------------------------------------------------------------------------- models

LonelyPsu = Literal["fail", "remove", "adjust", "average", "certainty"]


class SharedParams(BaseModel):
    """The keys every notebook shares.

    Paths (``responses``, ``frame``, ``truth``, and ``instrument`` when it is a path) are
    relative to the parameters file's folder and come out absolute.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> _ = f.write_text("respondent_id")
    >>> p = SharedParams(responses=str(f), weight=None)
    >>> p.run_name, p.weight, p.min_cell
    ('default', None, 30)
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)

    run_name: str = Field("default", description="plain name of the run: its folder in reports/")
    instrument: str = Field("sipas-2017", description="a shipped instrument name or a YAML path")
    responses: str = Field(description="the survey file (csv, xlsx, sav or parquet)")
    frame: str | None = Field(None, description="population counts of the frame (optional)")
    truth: str | None = Field(None, description="known population values (synthetic data only)")
    weight: str | None = Field(
        None, description="column of design weights (omit for equal weights)"
    )
    strata: str | None = Field(None, description="column of strata (omit for none)")
    psu: str | list[str] | None = Field(None, description="sampling units, one column per stage")
    fpc: str | list[str] | None = Field(None, description="population counts, one per stage")
    lonely_psu: LonelyPsu = Field("fail", description="rule for strata with one PSU")
    domains: list[str] = Field(
        default_factory=list, description="instrument domain columns to break figures down by"
    )
    min_cell: int = Field(30, ge=1, description="smallest cell whose estimate is published")
    confidence: float = Field(0.95, ge=0.5, le=0.999, description="confidence level")
    seed: int = Field(
        2024, ge=0, description="seed of every random step, a whole number 0 to 4,294,967,295"
    )
    language: Literal["vi", "en"] = Field("vi", description="language of the reports")
    output_dir: str = Field("", description="set by govsurvey run: where figures are written")

    @field_validator("run_name")
    @classmethod
    def _plain_name(cls, v: str) -> str:
        if not _RUN_NAME.fullmatch(v):
            raise ValueError(
                "must be a plain name of letters, digits, '-' and '_' (at most 64, starting "
                "with a letter or digit), e.g. hanoi-2024"
            )
        return v

    @field_validator("weight", "strata")
    @classmethod
    def _column(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError(
                "is empty: name a column, or leave the key out (no weight means equal weights)"
            )
        return v

    @field_validator("psu", "fpc")
    @classmethod
    def _columns(cls, v: str | list[str] | None) -> str | list[str] | None:
        names = [v] if isinstance(v, str) else (v or [])
        if any(not n.strip() for n in names):
            raise ValueError("holds an empty column name")
        if isinstance(v, list) and not v:
            return None
        return v

    @field_validator("domains")
    @classmethod
    def _distinct_domains(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("names a column twice")
        if any(not n.strip() for n in v):
            raise ValueError("holds an empty column name")
        return v

    @field_validator("seed")
    @classmethod
    def _seed(cls, v: int) -> int:
        return seed_in_range(v)

    @field_validator("confidence")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("must be a finite number")
        return v


class SamplingParams(SharedParams, SamplingOwnParams):
    """Notebook 01 (sampling design): the shared keys and notebook 01's own
    (:class:`~govsurvey.sampling.params.SamplingOwnParams`: ``ward_frame``, ``margin``, ...).

    Examples
    --------
    >>> {"ward_frame", "margin", "per_ward"} <= set(SamplingParams.model_fields)
    True
    """


class ResponseParams(SharedParams, ResponseOwnParams):
    """Notebook 02 (response bias): the shared keys and notebook 02's own
    (:class:`~govsurvey.config.params_response.ResponseOwnParams`: ``weighting``, ...).

    Examples
    --------
    >>> {"weighting", "disposition"} <= set(ResponseParams.model_fields)
    True
    """


class PublishedWeighting(WeightingParams):
    """The weights a notebook publishes with (notebooks 03 and 04): notebook 02's weighting
    keys (:class:`~govsurvey.config.params_response.WeightingParams`), so that what is
    published is what notebook 02 assessed. Here ``weighting`` defaults to ``none`` (the design
    weights, and the report says they are not adjusted for nonresponse): publishing adjusted
    figures is a choice the parameters state.

    Examples
    --------
    >>> PublishedWeighting().weighting
    'none'
    """

    weighting: WeightingMethod = Field(
        "none",
        description="weights the figures are published with: none (design weights, said to be "
        "unadjusted) | nonresponse | poststratify | rake | calibrate | nonresponse+rake | "
        "nonresponse+calibrate (all but none and nonresponse need frame:)",
    )

    @model_validator(mode="after")
    def _weighting_needs_a_frame(self):
        if self.weighting not in ("none", "nonresponse") and not getattr(self, "frame", None):
            raise ValueError(
                f"weighting {self.weighting!r} adjusts the weights to the frame's totals, but no "
                "frame is given: set frame: to the population frame file, or weighting: none "
                "(or nonresponse)"
            )
        return self


class DriversParams(SharedParams, DriversOwnParams, PublishedWeighting):
    """Notebook 04 (drivers): the shared keys, the weights the models are fitted with
    (:class:`PublishedWeighting`) and notebook 04's own
    (:class:`~govsurvey.config.params_drivers.DriversOwnParams`: ``replicates``, ...).

    Examples
    --------
    >>> {"replicates", "facts_by", "min_valid", "weighting"} <= set(DriversParams.model_fields)
    True
    """


def _percent_map(v: dict[str, float] | None, what: str) -> dict[str, float] | None:
    if v is None:
        return None
    for code, value in v.items():
        if not _CODE.fullmatch(str(code)):
            raise ValueError(
                f"has the key {short(code, 20)}, which is not an index code "
                "(SIPAS, C1..C5 or a criterion such as C5.1)"
            )
        if not math.isfinite(value) or not 0 <= value <= 100:
            raise ValueError(f"gives {code} the {what} {short(value, 20)}, outside 0–100")
    return v


class IndexParams(SharedParams, PublishedWeighting, SmallAreaOwnParams):
    """Notebook 03 (the SIPAS index): the weighting it publishes with
    (:class:`PublishedWeighting`), targets and baseline.

    Targets are all optional: with none of them set the report has no target section.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> _ = f.write_text("respondent_id")
    >>> p = IndexParams(responses=str(f), targets={"C5": 85}, baseline={"C5": 79.73},
    ...                 baseline_year=2021, gain=3, gain_high=5, gain_unit="points")
    >>> p.targets, p.gain_unit
    ({'C5': 85.0}, 'points')
    """

    targets: dict[str, float] | None = Field(
        None, description="code -> percent level target, e.g. {C5: 85}"
    )
    baseline_year: int | None = Field(None, ge=1990, le=2100, description="year of the baseline")
    baseline: dict[str, float] | None = Field(
        None, description="code -> baseline percent, e.g. {C5: 79.73}"
    )
    baseline_se: dict[str, float] | None = Field(
        None, description="code -> standard error of the baseline (0 when absent)"
    )
    baseline_responses: str | None = Field(
        None,
        description="last year's survey file of the same instrument (csv, xlsx, sav or "
        "parquet): the baseline figures and their SEs are estimated from it (not with baseline)",
    )
    baseline_design: dict[str, str | list[str] | None] | None = Field(
        None,
        description="the baseline survey's design {weight, strata, psu, fpc} as that survey "
        "declares it (omit: the same columns as this year's weight, strata, psu and fpc)",
    )
    baseline_codes: list[str] | None = Field(
        None,
        description="codes compared with the baseline survey, e.g. [C5, C5.1, C5.2] "
        "(omit: SIPAS and every component)",
    )
    baseline_shared_psus: bool = Field(
        False,
        description="true when the baseline survey surveyed the same wards (PSUs): their "
        "covariance enters the change's SE (false: independent samples)",
    )
    gain: float | None = Field(None, ge=0, le=100, description="minimum rise over the baseline")
    gain_high: float | None = Field(None, ge=0, le=100, description="upper end of a stated range")
    gain_unit: Literal["points", "relative"] | None = Field(
        None, description="points (percentage points) or relative (% of the baseline value)"
    )
    unit_targets: dict[str, float] | None = Field(
        None, description="unit name -> SIPAS target for named units of the first domain"
    )
    unit_target_year: int | None = Field(
        None, ge=1990, le=2100, description="year of the unit targets"
    )

    @field_validator("targets")
    @classmethod
    def _targets(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        return _percent_map(v, "target")

    @field_validator("baseline")
    @classmethod
    def _baseline(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        return _percent_map(v, "baseline")

    @field_validator("baseline_se")
    @classmethod
    def _baseline_se(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is None:
            return None
        for code, se in v.items():
            if not _CODE.fullmatch(str(code)):
                raise ValueError(f"has the key {short(code, 20)}, which is not an index code")
            if not math.isfinite(se) or not 0 <= se <= 50:
                raise ValueError(f"gives {code} the SE {short(se, 20)}, outside 0–50")
        return v

    @field_validator("baseline_design")
    @classmethod
    def _baseline_design(
        cls, v: dict[str, str | list[str] | None] | None
    ) -> dict[str, str | list[str] | None] | None:
        if v is None:
            return None
        roles = ("weight", "strata", "psu", "fpc")
        for key, value in v.items():
            if key not in roles:
                raise ValueError(
                    f"has the key {short(key, 20)}: the baseline's design takes "
                    "weight, strata, psu and fpc only"
                )
            if isinstance(value, list) and (
                key in ("weight", "strata") or not 1 <= len(value) <= 2
            ):
                raise ValueError(
                    f"gives {key} a list: weight and strata are one column, psu and fpc one "
                    "column or a list of two (one per stage)"
                )
        return v

    @field_validator("baseline_codes")
    @classmethod
    def _baseline_codes(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return None
        if not v:
            raise ValueError("is empty: name the codes to compare, e.g. [C5], or omit it")
        for code in v:
            if not _CODE.fullmatch(str(code)):
                raise ValueError(
                    f"names {short(code, 20)}, which is not an index code "
                    "(SIPAS, C1..C5 or a criterion such as C5.1)"
                )
        if len(set(v)) < len(v):
            raise ValueError("names a code twice: name each code once")
        return v

    @field_validator("unit_targets")
    @classmethod
    def _unit_targets(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is None:
            return None
        for unit, value in v.items():
            if not math.isfinite(value) or not 0 <= value <= 100:
                raise ValueError(
                    f"gives {short(unit, 30)} the target {short(value, 20)}, not 0–100"
                )
        return v

    @model_validator(mode="after")
    def _coherent(self) -> IndexParams:
        problems = []
        from_file = bool(self.baseline_responses)
        if from_file and self.baseline:
            problems.append(
                "both baseline (typed values) and baseline_responses (last year's survey file) "
                "are given: keep baseline_responses (the baseline's SE is then known) and "
                "remove baseline, or remove baseline_responses"
            )
        if from_file and self.baseline_se:
            problems.append(
                "baseline_se is given with baseline_responses: the baseline's SEs are "
                "estimated from that file; remove baseline_se"
            )
        if not from_file:
            given = [
                k for k in ("baseline_design", "baseline_codes") if getattr(self, k) is not None
            ] + (["baseline_shared_psus"] if self.baseline_shared_psus else [])
            if given:
                problems.append(
                    f"{', '.join(given)} given without baseline_responses: they describe last "
                    "year's survey file; add baseline_responses or remove them"
                )
        if from_file and self.baseline_year is None:
            problems.append(
                "baseline_responses is given without baseline_year: add the year of that "
                "survey, e.g. 2021"
            )
        if (self.gain is not None or self.gain_high is not None) and not (
            self.baseline or from_file
        ):
            problems.append(
                "a gain is given without a baseline: add `baseline: {C5: 79.73}` or "
                "`baseline_responses:` (last year's survey file)"
            )
        if self.gain is not None and self.gain_unit is None:
            problems.append(
                "a gain is given without its unit: set `gain_unit: points` (percentage points) "
                "or `gain_unit: relative` (% of the baseline value)"
            )
        if self.gain_high is not None and self.gain is None:
            problems.append("gain_high is given without gain: set gain (the lower end) too")
        if self.gain is not None and self.gain_high is not None and self.gain_high < self.gain:
            problems.append("gain_high is below gain: give the range as gain <= gain_high")
        if self.baseline and self.baseline_year is None:
            problems.append("a baseline is given without baseline_year: add e.g. 2021")
        if self.baseline_se and set(self.baseline_se) - set(self.baseline or {}):
            extra = sorted(set(self.baseline_se) - set(self.baseline or {}))
            problems.append(f"baseline_se names {extra}, which have no baseline value")
        if self.unit_targets and self.unit_target_year is None:
            problems.append("unit_targets are given without unit_target_year: add e.g. 2023")
        if self.unit_targets and not self.domains:
            problems.append("unit_targets need domains: the named units are of the first domain")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class TrendsParams(SharedParams, TrendsOwnParams):
    """Notebook 05 (change over time): the shared keys and notebook 05's own
    (:class:`~govsurvey.config.params_trends.TrendsOwnParams`: waves, desks, dated targets).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> _ = f.write_text("respondent_id")
    >>> TrendsParams(responses=str(f)).trend_unit
    'district'
    """


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class NotebookSpec:
    """One of the package's notebooks: its identifier, file name and parameters model.

    Examples
    --------
    >>> NOTEBOOKS["03"].file, NOTEBOOKS["03"].model.__name__
    ('03_satisfaction_index.ipynb', 'IndexParams')
    """

    id: str
    file: str
    model: type[SharedParams]
    title_en: str
    title_vi: str


#: The package's notebooks by identifier; a manifest names notebooks only by these.
NOTEBOOKS: dict[str, NotebookSpec] = {
    "01": NotebookSpec(
        "01", "01_sampling_design.ipynb", SamplingParams, "Sampling design", "Thiết kế mẫu"
    ),
    "02": NotebookSpec(
        "02", "02_response_bias.ipynb", ResponseParams, "Response bias", "Sai lệch do không trả lời"
    ),
    "03": NotebookSpec(
        "03",
        "03_satisfaction_index.ipynb",
        IndexParams,
        "Satisfaction index (SIPAS)",
        "Chỉ số hài lòng (SIPAS)",
    ),
    "04": NotebookSpec(
        "04", "04_drivers.ipynb", DriversParams, "Drivers of satisfaction", "Yếu tố tác động"
    ),
    "05": NotebookSpec(
        "05", "05_trends.ipynb", TrendsParams, "Change over time", "Biến động theo thời gian"
    ),
}


def notebooks_dir() -> Path:
    """The project's ``notebooks/`` folder (next to the package in a source checkout).

    Examples
    --------
    >>> notebooks_dir().name
    'notebooks'
    """
    return Path(__file__).resolve().parent.parent.parent / "notebooks"


def available_notebooks() -> list[str]:
    """Identifiers of the registered notebooks whose file exists, in order.

    Examples
    --------
    >>> "03" in available_notebooks()
    True
    """
    folder = _this.notebooks_dir()
    return [k for k, spec in sorted(NOTEBOOKS.items()) if (folder / spec.file).is_file()]


def select_notebooks(only: str | list[str] | None = None) -> list[str]:
    """The notebook identifiers a run covers: all available ones, or those of ``only``.

    ``only`` is a list or a comma-separated string of identifiers (``"01,03"``); ``"3"`` is
    read as ``"03"``.

    Examples
    --------
    >>> select_notebooks("3")
    ['03']
    """
    have = _this.available_notebooks()
    if only is None or only == "" or only == []:
        if not have:
            raise InputError.one(
                "no notebook of govsurvey is present",
                "run from a source checkout that has notebooks/",
                file=str(notebooks_dir()),
            )
        return have
    items = only.split(",") if isinstance(only, str) else list(only)
    ids = []
    for item in items:
        key = str(item).strip()
        key = key.zfill(2) if key.isdigit() else key
        if key not in have:
            raise InputError.one(
                f"no notebook {short(key, 20)} to run",
                f"choose among {', '.join(have) or '(none present)'}, e.g. --only {have[0]}"
                if have
                else "run from a source checkout that has notebooks/",
            )
        if key not in ids:
            ids.append(key)
    return sorted(ids)


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class Parameter:
    """One run parameter as a notebook's parameters cell sees it: default and meaning.

    Examples
    --------
    >>> PARAMETERS["min_cell"].default, PARAMETERS["targets"].notebooks
    (30, ('03',))
    """

    default: Any
    help: str
    notebooks: tuple[str, ...]


def _parameters() -> dict[str, Parameter]:
    out: dict[str, Parameter] = {}
    for nid, spec in sorted(NOTEBOOKS.items()):
        for name, f in spec.model.model_fields.items():
            if name in out:
                p = out[name]
                out[name] = Parameter(p.default, p.help, (*p.notebooks, nid))
                continue
            default = None if f.is_required() else f.get_default(call_default_factory=True)
            out[name] = Parameter(default, f.description or "", (nid,))
    return out


#: Every key some notebook declares, with its default and meaning (for the parameters cells).
PARAMETERS: dict[str, Parameter] = _parameters()

#: Parameters that name input files: resolved against the parameters file, hashed in manifests.
INPUT_FILES = (
    "responses",
    "frame",
    "truth",
    "ward_frame",
    "waves",
    "desk_forms",
    "waves_truth",
    "baseline_responses",
)


def _problems(exc: ValidationError, file: str | None) -> list[Problem]:
    out = []
    for e in exc.errors(include_url=False):
        loc = [str(x) for x in e["loc"]]
        key = loc[0] if loc else ""
        kind = e["type"]
        value = e.get("input")
        if kind == "extra_forbidden":
            keys = sorted(PARAMETERS)
            out.append(
                Problem(
                    what=f"unknown parameter {short(key, 40)}",
                    fix=f"remove it or use one of: {', '.join(keys)}",
                    file=file,
                )
            )
            continue
        if kind == "missing":
            out.append(
                Problem(
                    what=f"parameter '{key}' is required",
                    fix=f"set '{key}' to "
                    + (PARAMETERS[key].help if key in PARAMETERS else "a value"),
                    file=file,
                )
            )
            continue
        said = (e.get("ctx") or {}).get("error")
        if isinstance(said, ParameterValueError):  # a message in en and vi, with its fix
            out.append(
                Problem(
                    what=f"parameter '{said.where}' {said.what}",
                    fix=said.fix,
                    file=file,
                    what_vi=f"tham số '{said.where}' {said.what_vi}",
                    fix_vi=said.fix_vi,
                )
            )
            continue
        msg = e["msg"].removeprefix("Value error, ")
        where = key + "".join(f"[{x}]" for x in loc[1:] if not x.startswith(("str", "list")))
        help_ = PARAMETERS[key].help if key in PARAMETERS else ""
        out.append(
            Problem(
                what=f"parameter '{where}' {msg}"
                if kind == "value_error"
                else f"parameter '{where}': {msg.lower()} (value {short(value)})",
                fix=f"set '{key}' to {help_}" if help_ else "correct the value",
                file=file,
            )
        )
    # one problem per key and message, in order
    seen, unique = set(), []
    for p in out:
        if p.what not in seen:
            seen.add(p.what)
            unique.append(p)
    return unique


def _resolve(value: Any, base: Path) -> Any:
    if not isinstance(value, str) or not value:
        return value
    p = Path(value)
    full = p if p.is_absolute() else base / p
    try:
        return str(full.resolve())
    except (RuntimeError, OSError):  # a link that loops: named by path_problem
        return os.path.normpath(full.absolute())


def validate_params(
    raw: Any,
    base: str | Path = ".",
    file: str | None = None,
    notebooks: str | list[str] | None = "all",
) -> dict[str, Any]:
    """Check a mapping of parameters against the selected notebooks' models.

    Parameters
    ----------
    raw : mapping
        Parameter names and values (a parsed YAML file, or a notebook's parameters).
    base : str or Path
        Folder that relative paths are taken from (the YAML file's folder).
    file : str, optional
        Named in every problem.
    notebooks : str or list, default "all"
        Identifiers of the notebooks that will run (``"03"``, ``["01", "03"]``); a key is
        checked when any of their models declares it, left aside when only another
        notebook's model does, refused otherwise. ``"all"``: every registered notebook.

    Returns
    -------
    dict
        Every key of the selected models, defaults filled in, paths absolute.

    Raises
    ------
    InputError
        One problem per unknown key, wrong type, out-of-range value, missing file or
        domain that the instrument does not declare.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "responses.csv"
    >>> _ = f.write_text("respondent_id,x")
    >>> p = validate_params({"responses": str(f), "min_cell": 10}, notebooks="03")
    >>> p["min_cell"], p["frame"], p["targets"]
    (10, None, None)
    >>> validate_params({"responses": str(f), "run_name": "../x"})
    Traceback (most recent call last):
    ...
    govsurvey.errors.InputError: parameter 'run_name' must be a plain name of letters, digits, '-' and '_' (at most 64, starting with a letter or digit), e.g. hanoi-2024. Fix: set 'run_name' to plain name of the run: its folder in reports/
    """  # noqa: E501
    if not isinstance(raw, dict):
        raise InputError.one(
            "parameters must be a flat mapping of name: value",
            "write one `name: value` per line, as in params/default.yaml",
            file=file,
        )
    ids = sorted(NOTEBOOKS) if notebooks == "all" else select_notebooks(notebooks)
    models = [NOTEBOOKS[i].model for i in ids]
    declared = set().union(*(m.model_fields for m in models))
    problems: list[Problem] = []
    for key in raw:
        if not isinstance(key, str) or key not in declared:
            others = sorted(i for i, s in NOTEBOOKS.items() if key in s.model.model_fields)
            if others:  # another notebook's key: one file serves every notebook
                log.info("parameter %r is for notebook %s, which is not run", key, others)
                continue
            problems.append(
                Problem(
                    what=f"unknown parameter {short(key, 40)}",
                    fix=f"remove it or use one of: {', '.join(sorted(declared))}",
                    file=file,
                )
            )
    base = Path(base)
    out: dict[str, Any] = {}
    for model in models:
        sub = {k: v for k, v in raw.items() if isinstance(k, str) and k in model.model_fields}
        try:
            out.update(model.model_validate(sub).model_dump())
        except ValidationError as exc:
            problems += [
                p for p in _problems(exc, file) if p.what not in {q.what for q in problems}
            ]
    for key in INPUT_FILES:
        value = raw.get(key)
        if isinstance(value, str) and value:
            resolved = _resolve(value, base)
            problem = path_problem(key, value, resolved, file)  # a regular, readable file
            if problem is not None:
                problems.append(problem)
            out[key] = resolved
        elif key not in raw and isinstance(out.get(key), str) and out[key]:
            # a model's default path is written as the notebook sees it (from notebooks/)
            out[key] = _resolve(out[key], _this.notebooks_dir())
    if problems:
        raise InputError(problems)
    inst_value = out["instrument"]
    if Path(inst_value).suffix:
        out["instrument"] = _resolve(inst_value, base)
        problem = path_problem("instrument", inst_value, out["instrument"], file)
        if problem is not None:
            raise InputError([problem])
    problems += _check_domains(out, file)
    if problems:
        raise InputError(problems)
    return out


def allowed_domains(instrument: Any) -> list[str]:
    """Columns the instrument allows as domains (coded variables), never personal ones.

    ``Instrument.domain_columns`` when the instrument declares it; otherwise the instrument's
    declared categorical ``variables`` (each holds codes or names of units, never free text).

    Examples
    --------
    >>> import govsurvey as gs
    >>> "district" in allowed_domains(gs.load_instrument("sipas-2017"))
    True
    """
    declared = getattr(instrument, "domain_columns", None)
    names = list(declared) if declared is not None else list(instrument.variables)
    personal = set(instrument.personal_columns)
    return [n for n in names if n not in personal]


def _check_domains(out: dict[str, Any], file: str | None) -> list[Problem]:
    from .. import load_instrument

    try:
        inst = load_instrument(out["instrument"])
    except InputError as err:
        return [
            Problem(
                what=f"parameter 'instrument': {p.what}", fix=p.fix, file=p.file or file, row=p.row
            )
            for p in err.problems
        ]
    allowed = allowed_domains(inst)
    personal = set(inst.personal_columns)
    problems = parameter_problems(out, inst, file)  # roles a personal column never takes, ...
    for d in [*(out.get("domains") or []), *(out.get("facts_by") or [])]:
        if d in personal:
            problems.append(
                Problem(
                    what=f"domain {short(d, 40)} is a personal column; it can never be published",
                    fix=f"remove it; domains allowed: {', '.join(allowed)}",
                    file=file,
                )
            )
        elif d not in allowed:
            problems.append(
                Problem(
                    what=f"domain {short(d, 40)} is not a coded domain of instrument "
                    f"{inst.name!r} (free text or unknown columns cannot be domains)",
                    fix=f"use one of: {', '.join(allowed)}",
                    file=file,
                )
            )
    return problems


def load_params(path: str | Path, notebooks: str | list[str] | None = None) -> dict[str, Any]:
    """Read and validate a parameters file; relative paths are taken from the file's folder.

    Parameters
    ----------
    path : str or Path
        A flat YAML file of parameters (see :data:`PARAMETERS`).
    notebooks : str or list, optional
        The notebooks that will run (default: every available one).

    Returns
    -------
    dict
        Every key of the selected notebooks' models, defaults filled in, paths absolute.

    Raises
    ------
    InputError
        Listing every unknown key, wrong type, out-of-range value, missing file, duplicate
        key or alias, with the file named.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "r.csv").write_text("respondent_id\\n1\\n")
    >>> _ = (d / "p.yaml").write_text("responses: r.csv\\nmin_cell: 25\\n")
    >>> p = load_params(d / "p.yaml", notebooks="03")
    >>> p["min_cell"], p["responses"] == str(d / "r.csv")
    (25, True)
    """
    path = Path(path)
    if not path.is_file():
        raise InputError.one(
            "parameters file not found", "check the path, e.g. params/default.yaml", file=str(path)
        )
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError.one(
            f"the parameters file is {size:,} bytes, more than the {MAX_BYTES:,} allowed",
            "a parameters file is a short list of name: value lines; remove what is not one",
            file=str(path),
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.one(
            f"not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})",
            "save the file as UTF-8",
            file=str(path),
        ) from None
    raw = parse_yaml(text, file=str(path))
    if raw is None:
        raw = {}
    return validate_params(
        raw, base=path.parent, file=str(path), notebooks=select_notebooks(notebooks)
    )
