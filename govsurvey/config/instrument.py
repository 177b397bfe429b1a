"""The survey instrument as data: codes, labels, scale, missing codes, components and weights.

An instrument is a YAML file (``govsurvey/instruments/<name>.yaml`` ships with the package);
:func:`load_instrument` reads it, validates every entry into typed models (pydantic) and returns an
:class:`Instrument`. A missing key, a key of the wrong type, an unknown key (a typo such as
``critera``) or a duplicated key is an :class:`~govsurvey.errors.InputError` naming the file, the
entry (``components[2].criteria[0].column``) and the fix, never a ``KeyError``.

What the file declares
----------------------
``name``, ``title``, ``source``; ``id_column``; ``required_columns`` (filled in on every row);
``scale`` (``min``, ``max``, ``satisfied``, ``labels``); ``missing_codes`` (code -> ``kind``
``dont_know`` | ``no_answer`` and labels); ``components`` (code, weight, labels, criteria with
code, column and labels); ``overall``; ``assessment`` items (``count`` or ``choice`` with codes);
``expectations`` (0/1 options); ``variables`` (categorical columns, with ``codes`` or
``type: text``, and ``domain``: may results be published by it); ``design`` columns (responded,
weight, strata, psu); ``personal`` fields (``pii: true``: read, never published).

Labels are plain YAML strings: write a label holding a comma or a colon in block style or quoted
(``vi: "Hưu trí, khác"``); an unquoted flow mapping ``{vi: Hưu trí, khác}`` cuts it at the comma,
and the loader refuses the stray key that results.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import InputError, Problem

__all__ = [
    "Criterion",
    "Component",
    "Instrument",
    "InstrumentSpec",
    "load_instrument",
    "available_instruments",
]

_CODE = re.compile(r"^C(\d+)\.(\d+)$")


# --------------------------------------------------------------------------- typed models


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Labels(_Model):
    """A Vietnamese and an English label."""

    vi: str
    en: str


class ScaleSpec(_Model):
    """The answer scale of the criteria and the overall item."""

    min: int
    max: int
    satisfied: list[int] = Field(min_length=1)
    labels: dict[int, Labels] = {}


class MissingCodeSpec(_Model):
    """A code that is an answer but not a score (8 don't know, 9 no answer)."""

    kind: Literal["dont_know", "no_answer"]
    vi: str = ""
    en: str = ""


class CriterionSpec(_Model):
    code: str
    column: str
    vi: str
    en: str


class ComponentSpec(_Model):
    code: str
    weight: float = 1.0
    vi: str
    en: str
    criteria: list[CriterionSpec] = Field(min_length=1)


class OverallSpec(_Model):
    code: str = "OVERALL"
    column: str
    vi: str = ""
    en: str = ""


class FactSpec(_Model):
    """A fact of the service published as a share (notebook 04), read off one assessment item.

    A respondent has the fact when the item's answer is one of ``answers`` (a choice) or above
    ``above`` (a count); the share is taken among the answers in ``among`` (default: every
    valid answer), and only for respondents whose answer to the item ``only_when`` names
    (``{column: [codes]}``) is one of those codes (e.g. "no apology" only when the result was
    late).
    """

    code: str
    vi: str
    en: str
    answers: list[int] | None = None
    above: int | None = None
    among: list[int] | None = None
    only_when: dict[str, list[int]] | None = None


class AssessmentSpec(_Model):
    """An item of fact: a ``count`` (whole number in ``min``..``max``) or a ``choice``."""

    code: str
    column: str
    type: Literal["count", "choice"]
    min: int | None = None
    max: int | None = None
    codes: dict[int, Labels] | None = None
    vi: str
    en: str
    fact: FactSpec | None = None


class OptionSpec(_Model):
    code: str
    column: str
    vi: str
    en: str
    #: the component this option says should improve (stated importance, notebook 04)
    improves: str | None = None


class ExpectationsSpec(_Model):
    code: str
    vi: str
    en: str
    options: list[OptionSpec] = []


class VariableSpec(_Model):
    """A categorical column: a code list, or ``type: text`` (codes come from the data).

    ``domain`` says whether results may be published by this column; by default a column with a
    code list may, a text column may not unless it says ``domain: true`` (district, ward).
    """

    vi: str
    en: str
    type: Literal["text", "coded"] | None = None
    codes: dict[str, Labels] | None = None
    domain: bool | None = None

    @field_validator("codes", mode="before")
    @classmethod
    def _keys_as_text(cls, v: Any) -> Any:
        # YAML reads 1: {...} as an int key; a code is text either way
        return {str(k): x for k, x in v.items()} if isinstance(v, dict) else v


class DesignColumnSpec(_Model):
    column: str
    vi: str = ""
    en: str = ""


class PersonalSpec(_Model):
    column: str
    pii: bool = True
    vi: str = ""
    en: str = ""


class InstrumentSpec(_Model):
    """The whole instrument file, typed."""

    name: str
    title: Labels | None = None
    source: str | None = None
    id_column: str = "respondent_id"
    required_columns: list[str] = []
    scale: ScaleSpec
    missing_codes: dict[int, MissingCodeSpec] = {}
    components: list[ComponentSpec] = Field(min_length=1)
    overall: OverallSpec
    assessment: list[AssessmentSpec] = []
    expectations: ExpectationsSpec | None = None
    variables: dict[str, VariableSpec] = {}
    design: dict[Literal["responded", "weight", "strata", "psu"], DesignColumnSpec] = {}
    personal: list[PersonalSpec] = []


# --------------------------------------------------------------------------- the instrument


@dataclass(frozen=True)
class Criterion:
    """One 5-point criterion item: ``code`` as reported (``C2.3``), ``column`` as stored."""

    code: str
    column: str
    component: str
    label_vi: str
    label_en: str


@dataclass(frozen=True)
class Component:
    """A component of the index: its criteria and its weight in the overall index."""

    code: str
    weight: float
    label_vi: str
    label_en: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Instrument:
    """A validated questionnaire definition (see ``instruments/sipas-2017.yaml``).

    Attributes
    ----------
    name : str
        The instrument's name, e.g. ``"sipas-2017"``.
    path : str
        The file it was read from.
    scale_min, scale_max : int
        The answer scale of criterion and overall items.
    satisfied : tuple of int
        Answers counted as satisfied in a criterion rate (4 and 5).
    scale_labels : dict
        Answer -> ``{"vi": ..., "en": ...}``.
    missing_codes : dict
        Code -> kind (``"dont_know"`` or ``"no_answer"``); these answers are missing, not
        dissatisfied, and the reader turns them into missing values in the analysis frame.
    components : tuple of Component
    overall_column, id_column : str
    spec : InstrumentSpec
        The whole file as typed models (assessment items, variables, design columns, …).
    raw : dict
        The parsed YAML as it was.

    Examples
    --------
    >>> inst = load_instrument("sipas-2017")
    >>> inst.label("C5.3", "vi")
    'Góp ý, phản ánh, kiến nghị được tiếp nhận, xử lý tích cực'
    >>> inst.domain_columns[:4]
    ['district', 'ward', 'field', 'level']
    """

    name: str
    path: str
    scale_min: int
    scale_max: int
    satisfied: tuple[int, ...]
    scale_labels: dict[int, dict[str, str]]
    missing_codes: dict[int, str]
    components: tuple[Component, ...]
    overall_column: str
    id_column: str
    raw: dict[str, Any] = field(repr=False, compare=False)
    spec: InstrumentSpec | None = field(default=None, repr=False, compare=False)

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """All criteria, in component order."""
        return tuple(c for comp in self.components for c in comp.criteria)

    @property
    def criterion_columns(self) -> dict[str, str]:
        """Criterion code -> column name."""
        return {c.code: c.column for c in self.criteria}

    @property
    def scale_columns(self) -> list[str]:
        """Every column answered on the satisfaction scale (22 criteria and overall)."""
        return [c.column for c in self.criteria] + [self.overall_column]

    @property
    def component_weights(self) -> dict[str, float]:
        """Component code -> weight in the overall index, normalised to sum to one."""
        total = sum(c.weight for c in self.components)
        return {c.code: c.weight / total for c in self.components}

    @property
    def dont_know_codes(self) -> tuple[int, ...]:
        """Codes meaning "don't know / not applicable" (8)."""
        return tuple(k for k, v in self.missing_codes.items() if v == "dont_know")

    @property
    def no_answer_codes(self) -> tuple[int, ...]:
        """Codes meaning "no answer" (9); a blank cell is read as no answer too."""
        return tuple(k for k, v in self.missing_codes.items() if v == "no_answer")

    @property
    def missing_labels(self) -> dict[int, dict[str, str]]:
        """Missing code -> ``{"vi": ..., "en": ...}``."""
        spec = self._spec
        return {k: {"vi": v.vi, "en": v.en} for k, v in spec.missing_codes.items()}

    @property
    def variables(self) -> dict[str, dict[str, Any]]:
        """Categorical variables (district, field, level, mode, sex, ...) as plain dicts.

        Each holds ``vi``, ``en`` and, for a coded variable, ``codes``: code ->
        ``{"vi": ..., "en": ...}``; ``spec.variables`` holds the same as typed models.
        """
        return {
            k: v.model_dump(exclude_none=True, exclude={"domain"})
            for k, v in self._spec.variables.items()
        }

    @property
    def assessment(self) -> list[dict[str, Any]]:
        """Assessment items as plain dicts (``code``, ``column``, ``type``, ``codes``, …)."""
        return [a.model_dump(exclude_none=True) for a in self._spec.assessment]

    @property
    def facts(self) -> list[dict[str, Any]]:
        """The facts of the service, in the file's order: ``code``, ``column``, ``vi``, ``en``,
        ``answers`` or ``above``, ``among`` and ``only_when`` (absent keys: not given).

        Examples
        --------
        >>> import govsurvey as gs
        >>> [f["code"] for f in gs.load_instrument("sipas-2017").facts][:2]
        ['multiple_trips', 'late_result']
        """
        return [
            {"column": a.column, **a.fact.model_dump(exclude_none=True)}
            for a in self._spec.assessment
            if a.fact is not None
        ]

    @property
    def stated_items(self) -> dict[str, str]:
        """Component code -> the expectation column saying it should improve.

        Examples
        --------
        >>> import govsurvey as gs
        >>> gs.load_instrument("sipas-2017").stated_items["C4"]
        'exp_time'
        """
        e = self._spec.expectations
        return {} if e is None else {o.improves: o.column for o in e.options if o.improves}

    @property
    def expectation_columns(self) -> list[str]:
        """The 0/1 columns of the expectation options."""
        e = self._spec.expectations
        return [] if e is None else [o.column for o in e.options]

    @property
    def design_columns(self) -> dict[str, str]:
        """Role (responded, weight, strata, psu) -> column name."""
        return {k: v.column for k, v in self._spec.design.items()}

    @property
    def personal_columns(self) -> list[str]:
        """Columns marked ``pii: true``: read, never published."""
        return [p.column for p in self._spec.personal if p.pii]

    @property
    def required_columns(self) -> list[str]:
        """Columns a response file must have (and fill in on every row) besides the id."""
        return [c for c in self._spec.required_columns if c != self.id_column]

    @property
    def domain_columns(self) -> list[str]:
        """Columns results may be published by: the variables declared as domains.

        A variable with a code list is a domain unless it says ``domain: false``; a text
        variable (district, ward) only when it says ``domain: true``. Personal fields, free
        text and columns the instrument does not know never are.
        """
        out = []
        for name, v in self._spec.variables.items():
            if v.domain if v.domain is not None else v.codes is not None:
                out.append(name)
        return out

    @property
    def _spec(self) -> InstrumentSpec:
        if self.spec is None:  # an Instrument built by hand from the dataclass fields
            return _validate(self.raw, self.path)
        return self.spec

    def label(self, code: str, lang: str = "en") -> str:
        """The label of a criterion, component, the overall item or index, in ``lang``.

        Parameters
        ----------
        code : str
            ``"C2.3"``, ``"C2"``, the overall item's code, or ``"SIPAS"``.
        lang : {"en", "vi"}

        Raises
        ------
        KeyError
            When ``code`` is not a code of the instrument (a programming error: the code comes
            from a result frame, not from a user's file).

        Examples
        --------
        >>> load_instrument("sipas-2017").label("C5.2", "vi")
        'Góp ý, phản ánh, kiến nghị dễ dàng'
        """
        vi = lang == "vi"
        if code == "SIPAS":
            return "Chỉ số SIPAS" if vi else "SIPAS index"
        for comp in self.components:
            if comp.code == code:
                return comp.label_vi if vi else comp.label_en
            for c in comp.criteria:
                if c.code == code:
                    return c.label_vi if vi else c.label_en
        ov = self._spec.overall
        if code in (ov.code, ov.column):
            return (ov.vi if vi else ov.en) or code
        raise KeyError(f"{code!r} is not a code of instrument {self.name!r}")


# --------------------------------------------------------------------------- loading


def available_instruments() -> list[str]:
    """Names of the instruments shipped with govsurvey.

    Examples
    --------
    >>> "sipas-2017" in available_instruments()
    True
    """
    folder = resources.files("govsurvey") / "instruments"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key written twice in one mapping."""


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"the key {key!r} is written twice (lines {seen[key]} and "
                f"{key_node.start_mark.line + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_instrument(name_or_path: str | Path) -> Instrument:
    """Read and validate an instrument definition.

    Parameters
    ----------
    name_or_path : str or Path
        The name of a shipped instrument (``"sipas-2017"``) or the path of a YAML file.

    Returns
    -------
    Instrument

    Raises
    ------
    InputError
        Naming the file, the entry and what to fix, when the file is missing or malformed.

    Examples
    --------
    >>> import govsurvey as gs
    >>> inst = gs.load_instrument("sipas-2017")
    >>> len(inst.criteria), [c.code for c in inst.components]
    (22, ['C1', 'C2', 'C3', 'C4', 'C5'])
    """
    path = Path(name_or_path)
    if not path.suffix:
        shipped = resources.files("govsurvey") / "instruments" / f"{name_or_path}.yaml"
        if not shipped.is_file():
            raise InputError.one(
                f"no instrument called {str(name_or_path)!r}",
                f"use one of {available_instruments()} or give the path of a YAML file",
            )
        path = Path(str(shipped))
    if not path.is_file():
        raise InputError.one("instrument file not found", "check the path", file=str(path))
    stat = path.stat()
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _load(file: str, mtime_ns: int, size: int) -> Instrument:
    """The instrument of a file, cached while the file is unchanged (it is immutable)."""
    path = Path(file)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError.one(
            f"not a valid UTF-8 YAML file ({exc.__class__.__name__}: {exc})",
            "correct the YAML syntax at the place named",
            file=str(path),
        ) from None
    return _parse(raw, str(path))


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) and out else f".{part}" if out else str(part)
    return out or "top level"


def _validate(raw: Any, file: str) -> InstrumentSpec:
    if not isinstance(raw, dict):
        raise InputError.one(
            "an instrument file must be a YAML mapping",
            "see instruments/sipas-2017.yaml",
            file=file,
        )
    try:
        return InstrumentSpec.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and "[" in p))
            key, parent = (loc[-1], _where(loc[:-1])) if loc else ("", "top level")
            if e["type"] == "missing":
                what, fix = f"entry '{parent}' lacks the key '{key}'", f"add '{key}' to '{parent}'"
            elif e["type"] == "extra_forbidden":
                what = f"entry '{parent}' has an unknown key '{key}'"
                fix = (
                    "correct its spelling or remove it; a label holding a comma must be quoted "
                    '(vi: "Hưu trí, khác") or written in block style'
                )
            else:
                value = e.get("input")
                shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
                what = f"'{_where(loc)}' is {shown}: {e['msg'][0].lower()}{e['msg'][1:]}"
                fix = f"give '{_where(loc)}' a value of the right kind"
                if isinstance(value, bool):
                    fix += ' (YAML reads an unquoted Yes/No as true/false: quote it, "Yes")'
            problems.append(Problem(what, fix, file))
        raise InputError(problems) from None


def _parse(raw: Any, file: str) -> Instrument:
    spec = _validate(raw, file)
    s = spec.scale
    smin, smax = s.min, s.max
    if smin >= smax:
        raise InputError.one(
            f"scale min {smin} is not below max {smax}", "fix scale.min and scale.max", file=file
        )
    if any(not smin <= x <= smax for x in s.satisfied):
        raise InputError.one(
            f"scale.satisfied {list(s.satisfied)} must be non-empty codes within {smin}..{smax}",
            "list the satisfied answers, e.g. [4, 5]",
            file=file,
        )
    for k in spec.missing_codes:
        if smin <= k <= smax:
            raise InputError.one(
                f"missing code {k} lies inside the answer scale {smin}..{smax}",
                "choose a missing code outside the scale",
                file=file,
            )
    comps = []
    seen_codes: set[str] = set()
    seen_cols: set[str] = set()
    for c in spec.components:
        if not c.weight > 0:
            raise InputError.one(
                f"component {c.code} has weight {c.weight}", "weights must be positive", file=file
            )
        crits = []
        for k in c.criteria:
            m = _CODE.match(k.code)
            if not m or f"C{m.group(1)}" != c.code:
                raise InputError.one(
                    f"criterion code {k.code!r} does not belong to component {c.code}",
                    f"name criteria of {c.code} as {c.code}.1, {c.code}.2, ...",
                    file=file,
                )
            if k.code in seen_codes or k.column in seen_cols:
                raise InputError.one(
                    f"criterion {k.code} (column {k.column}) is defined twice",
                    "give each criterion its own code and column",
                    file=file,
                )
            seen_codes.add(k.code)
            seen_cols.add(k.column)
            crits.append(Criterion(k.code, k.column, c.code, k.vi, k.en))
        comps.append(Component(c.code, c.weight, c.vi, c.en, tuple(crits)))
    _check_columns(spec, file)
    return Instrument(
        name=spec.name,
        path=file,
        scale_min=smin,
        scale_max=smax,
        satisfied=tuple(s.satisfied),
        scale_labels={k: {"vi": v.vi, "en": v.en} for k, v in s.labels.items()},
        missing_codes={k: v.kind for k, v in spec.missing_codes.items()},
        components=tuple(comps),
        overall_column=spec.overall.column,
        id_column=spec.id_column,
        raw=raw,
        spec=spec,
    )


def _check_columns(spec: InstrumentSpec, file: str) -> None:
    """Every column is declared once; assessment items are well formed; domains are not PII."""
    problems = []
    for a in spec.assessment:
        if a.type == "count" and (a.min is None or a.max is None or a.min > a.max):
            problems.append(
                Problem(
                    f"assessment item {a.code} (a count) needs min <= max",
                    f"give assessment item {a.code} a min and a max",
                    file,
                )
            )
        if a.type == "choice" and not a.codes:
            problems.append(
                Problem(
                    f"assessment item {a.code} (a choice) has no codes",
                    f"list the codes of {a.code} with their vi and en labels",
                    file,
                )
            )
        f = a.fact
        if f is not None and (f.answers is None) == (f.above is None):
            problems.append(
                Problem(
                    f"fact {f.code} of assessment item {a.code} needs one of answers or above",
                    "give answers: [codes] for a choice, or above: N for a count",
                    file,
                )
            )
        if f is not None and f.only_when:
            other = {b.column for b in spec.assessment if b is not a}
            for col in set(f.only_when) - other:
                problems.append(
                    Problem(
                        f"fact {f.code} is conditioned on {col!r}, not another assessment item",
                        "name another assessment item's column under only_when",
                        file,
                    )
                )
    comps = {c.code for c in spec.components}
    for o in spec.expectations.options if spec.expectations else []:
        if o.improves is not None and o.improves not in comps:
            problems.append(
                Problem(
                    f"expectation {o.code} improves {o.improves!r}, which is not a component",
                    f"name one of {', '.join(sorted(comps))}",
                    file,
                )
            )
    for name, v in spec.variables.items():
        if v.type == "coded" and not v.codes:
            problems.append(
                Problem(
                    f"variable {name} is coded but lists no codes",
                    f"list its codes under variables.{name}.codes, or say type: text",
                    file,
                )
            )
    roles: dict[str, str] = {}
    declared = [(spec.id_column, "id_column"), (spec.overall.column, "overall")]
    declared += [(k.column, f"criterion {k.code}") for c in spec.components for k in c.criteria]
    declared += [(a.column, f"assessment {a.code}") for a in spec.assessment]
    if spec.expectations:
        declared += [(o.column, f"expectation {o.code}") for o in spec.expectations.options]
    declared += [(n, f"variables.{n}") for n in spec.variables]
    declared += [(d.column, f"design.{r}") for r, d in spec.design.items()]
    declared += [(p.column, "personal") for p in spec.personal]
    for col, role in declared:
        if col in roles:
            problems.append(
                Problem(
                    f"column {col!r} is declared twice ({roles[col]} and {role})",
                    "give each item its own column",
                    file,
                )
            )
        roles.setdefault(col, role)
    if problems:
        raise InputError(problems)
