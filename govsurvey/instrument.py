"""The survey instrument as data: codes, labels, scale, missing codes, components and weights.

An instrument is a YAML file (``govsurvey/instruments/<name>.yaml`` ships with the package);
:func:`load_instrument` reads and validates it and returns an :class:`Instrument`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

__all__ = ["Criterion", "Component", "Instrument", "load_instrument", "available_instruments"]

_CODE = re.compile(r"^C(\d+)\.(\d+)$")


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
    scale_min, scale_max : int
        The answer scale of criterion and overall items.
    satisfied : tuple of int
        Answers counted as satisfied in a criterion rate (4 and 5).
    missing_codes : dict
        Code -> kind (``"dont_know"`` or ``"no_answer"``); these answers are missing, not
        dissatisfied.
    components : tuple of Component
    raw : dict
        The parsed YAML, for the parts (assessment, expectations, variables) read elsewhere.
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
        return tuple(k for k, v in self.missing_codes.items() if v == "dont_know")

    @property
    def no_answer_codes(self) -> tuple[int, ...]:
        return tuple(k for k, v in self.missing_codes.items() if v == "no_answer")

    @property
    def variables(self) -> dict[str, dict[str, Any]]:
        """Categorical variables (district, field, level, mode, sex, ...) with their codes."""
        return self.raw.get("variables", {})

    @property
    def assessment(self) -> list[dict[str, Any]]:
        return self.raw.get("assessment", [])

    @property
    def expectation_columns(self) -> list[str]:
        return [o["column"] for o in self.raw.get("expectations", {}).get("options", [])]

    @property
    def design_columns(self) -> dict[str, str]:
        """Role (responded, weight, strata, psu) -> column name."""
        return {k: v["column"] for k, v in self.raw.get("design", {}).items()}

    @property
    def personal_columns(self) -> list[str]:
        """Columns marked ``pii: true``: read, never published."""
        return [p["column"] for p in self.raw.get("personal", []) if p.get("pii")]

    def label(self, code: str, lang: str = "en") -> str:
        """The label of a criterion, component or the overall index, in ``lang`` (en or vi)."""
        if code == "SIPAS":
            return "SIPAS index" if lang == "en" else "Chỉ số SIPAS"
        for comp in self.components:
            if comp.code == code:
                return comp.label_en if lang == "en" else comp.label_vi
            for c in comp.criteria:
                if c.code == code:
                    return c.label_en if lang == "en" else c.label_vi
        raise KeyError(f"{code!r} is not a code of instrument {self.name!r}")


def available_instruments() -> list[str]:
    """Names of the instruments shipped with govsurvey."""
    folder = resources.files("govsurvey") / "instruments"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


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
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError.one(
            f"not a valid UTF-8 YAML file ({exc.__class__.__name__}: {exc})",
            "correct the YAML syntax at the place named",
            file=str(path),
        ) from None
    return _parse(raw, str(path))


def _need(d: Any, key: str, where: str, file: str) -> Any:
    if not isinstance(d, dict) or key not in d:
        raise InputError.one(
            f"entry '{where}' lacks the key '{key}'", f"add '{key}' to '{where}'", file=file
        )
    return d[key]


def _parse(raw: Any, file: str) -> Instrument:
    if not isinstance(raw, dict):
        raise InputError.one(
            "an instrument file must be a YAML mapping",
            "see instruments/sipas-2017.yaml",
            file=file,
        )
    name = _need(raw, "name", "top level", file)
    scale = _need(raw, "scale", "top level", file)
    smin, smax = int(_need(scale, "min", "scale", file)), int(_need(scale, "max", "scale", file))
    if smin >= smax:
        raise InputError.one(
            f"scale min {smin} is not below max {smax}", "fix scale.min and scale.max", file=file
        )
    satisfied = tuple(int(x) for x in _need(scale, "satisfied", "scale", file))
    if not satisfied or any(not smin <= s <= smax for s in satisfied):
        raise InputError.one(
            f"scale.satisfied {list(satisfied)} must be non-empty codes within {smin}..{smax}",
            "list the satisfied answers, e.g. [4, 5]",
            file=file,
        )
    labels = {int(k): v for k, v in (scale.get("labels") or {}).items()}
    missing = {}
    for k, v in (raw.get("missing_codes") or {}).items():
        kind = _need(v, "kind", f"missing_codes.{k}", file)
        if kind not in ("dont_know", "no_answer"):
            raise InputError.one(
                f"missing_codes.{k}.kind is {kind!r}", "use 'dont_know' or 'no_answer'", file=file
            )
        if smin <= int(k) <= smax:
            raise InputError.one(
                f"missing code {k} lies inside the answer scale {smin}..{smax}",
                "choose a missing code outside the scale",
                file=file,
            )
        missing[int(k)] = kind
    comps = []
    seen_codes: set[str] = set()
    seen_cols: set[str] = set()
    for i, c in enumerate(_need(raw, "components", "top level", file) or []):
        ccode = _need(c, "code", f"components[{i}]", file)
        weight = float(c.get("weight", 1))
        if not weight > 0:
            raise InputError.one(
                f"component {ccode} has weight {weight}", "weights must be positive", file=file
            )
        crits = []
        for j, k in enumerate(_need(c, "criteria", f"component {ccode}", file) or []):
            code = _need(k, "code", f"component {ccode} criteria[{j}]", file)
            col = _need(k, "column", f"criterion {code}", file)
            m = _CODE.match(str(code))
            if not m or f"C{m.group(1)}" != ccode:
                raise InputError.one(
                    f"criterion code {code!r} does not belong to component {ccode}",
                    f"name criteria of {ccode} as {ccode}.1, {ccode}.2, ...",
                    file=file,
                )
            if code in seen_codes or col in seen_cols:
                raise InputError.one(
                    f"criterion {code} (column {col}) is defined twice",
                    "give each criterion its own code and column",
                    file=file,
                )
            seen_codes.add(code)
            seen_cols.add(col)
            crits.append(Criterion(code, col, ccode, k.get("vi", code), k.get("en", code)))
        if not crits:
            raise InputError.one(
                f"component {ccode} has no criteria", "list its criteria", file=file
            )
        comps.append(Component(ccode, weight, c.get("vi", ccode), c.get("en", ccode), tuple(crits)))
    if not comps:
        raise InputError.one("the instrument has no components", "list them", file=file)
    overall = _need(raw, "overall", "top level", file)
    return Instrument(
        name=str(name),
        path=file,
        scale_min=smin,
        scale_max=smax,
        satisfied=satisfied,
        scale_labels=labels,
        missing_codes=missing,
        components=tuple(comps),
        overall_column=_need(overall, "column", "overall", file),
        id_column=raw.get("id_column", "respondent_id"),
        raw=raw,
    )
