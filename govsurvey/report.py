"""Parameters of a run, and the publication layer: what a report may show and how.

A run is described by one flat YAML file (``params/default.yaml``) that ``papermill -f`` accepts
as it is. :func:`validate_params` checks it before any notebook runs: unknown keys, types,
ranges and files that must exist. :class:`Publisher` is what a notebook publishes through: it
refuses personal columns, suppresses estimates of cells with fewer than ``min_cell`` respondents,
and records every headline figure so that ``govsurvey verify`` can compare two runs bit for bit.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .errors import InputError, Problem
from .instrument import Instrument, load_instrument

__all__ = ["PARAMETERS", "Parameter", "validate_params", "load_params", "Publisher"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Parameter:
    """One run parameter: its type, default, allowed range and meaning."""

    kind: str  # "str" | "path" | "int" | "float" | "list[str]" | "choice"
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    optional: bool = False


#: Every parameter a run may set. Notebooks declare the subset they use in their
#: ``parameters`` cell, with these defaults.
PARAMETERS: dict[str, Parameter] = {
    "run_name": Parameter("str", "default", "name of the run: its folder under reports/"),
    "instrument": Parameter("str", "sipas-2017", "a shipped instrument name or a YAML path"),
    # no default for the data: a run must say which survey it publishes
    "responses": Parameter("path", None, "the survey file (csv, xlsx, sav or parquet)"),
    "frame": Parameter("path", None, "population counts of the frame", optional=True),
    "truth": Parameter(
        "path", None, "known population values (synthetic data only)", optional=True
    ),
    "weight": Parameter("str", "base_weight", "column of design weights"),
    "strata": Parameter("str", "stratum", "column of strata", optional=True),
    "psu": Parameter("list[str]", ["psu", "respondent_id"], "sampling units, one per stage"),
    "fpc": Parameter(
        "list[str]", ["fpc1", "fpc2"], "population counts, one per stage", optional=True
    ),
    "lonely_psu": Parameter(
        "choice",
        "fail",
        "rule for strata with one PSU",
        choices=("fail", "remove", "adjust", "average", "certainty"),
    ),
    "domains": Parameter(
        "list[str]", ["district", "field", "level", "mode"], "columns to break figures down by"
    ),
    "min_cell": Parameter("int", 30, "smallest cell whose estimate is published", low=1),
    "confidence": Parameter("float", 0.95, "confidence level of intervals", low=0.5, high=0.999),
    "baseline_year": Parameter("int", 2021, "year of the baseline figure", low=2000, high=2100),
    "baseline_code": Parameter("str", "C5", "code of the figure with a baseline (C5: feedback)"),
    "baseline_feedback": Parameter(
        "float", 79.73, "baseline value (%) of the figure baseline_code", low=0, high=100
    ),
    "baseline_se": Parameter(
        "float", 0.0, "standard error of the baseline value (0 = taken as known)", low=0, high=50
    ),
    "target_gain_low": Parameter("float", 3.0, "planned gain in points, lower", low=0, high=100),
    "target_gain_high": Parameter("float", 5.0, "planned gain in points, upper", low=0, high=100),
    "component_target": Parameter(
        "float", 85.0, "every component should exceed this (%)", low=0, high=100
    ),
    "district_target": Parameter("float", 90.0, "SIPAS target for districts (%)", low=0, high=100),
    "seed": Parameter("int", 2024, "seed of every random step", low=0),
    "language": Parameter("choice", "en", "language of labels", choices=("en", "vi")),
    "output_dir": Parameter("str", "", "where a run writes its figures (set by govsurvey run)"),
}


def load_params(path: str | Path) -> dict[str, Any]:
    """Read and validate a parameters file; relative paths are taken from the file's folder.

    Parameters
    ----------
    path : str or Path
        A flat YAML file of parameters (see :data:`PARAMETERS`).

    Returns
    -------
    dict
        Every parameter (defaults filled in), with file paths made absolute.

    Raises
    ------
    InputError
        Listing every unknown key, wrong type, out-of-range value or missing file.

    Examples
    --------
    >>> import govsurvey as gs
    >>> p = gs.report.load_params("params/default.yaml")  # doctest: +SKIP
    >>> p["min_cell"]  # doctest: +SKIP
    30
    """
    path = Path(path)
    if not path.is_file():
        raise InputError.one(
            "parameters file not found", "check the path, e.g. params/default.yaml", file=str(path)
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError.one(
            f"not a valid YAML file ({exc})", "correct the YAML syntax", file=str(path)
        ) from None
    if raw is None:
        raw = {}
    return validate_params(raw, base=path.parent, file=str(path))


def validate_params(
    raw: dict[str, Any], base: str | Path = ".", file: str | None = None
) -> dict[str, Any]:
    """Check a mapping of parameters and return it complete, with paths resolved against ``base``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govsurvey.report import validate_params
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "responses.csv"
    >>> _ = f.write_text("respondent_id,x")
    >>> p = validate_params({"responses": str(f), "frame": None, "truth": None, "min_cell": 10})
    >>> p["min_cell"], p["frame"]
    (10, None)
    """
    if not isinstance(raw, dict):
        raise InputError.one(
            "parameters must be a flat mapping of name: value",
            "see params/default.yaml",
            file=file,
        )
    problems: list[Problem] = []
    out: dict[str, Any] = {}
    for key in raw:
        if key not in PARAMETERS:
            problems.append(
                Problem(
                    what=f"unknown parameter '{key}'",
                    fix=f"remove it or use one of: {', '.join(sorted(PARAMETERS))}",
                    file=file,
                )
            )
    for key, spec in PARAMETERS.items():
        value = raw.get(key, spec.default)
        try:
            out[key] = _check(key, value, spec, Path(base))
        except ValueError as exc:
            problems.append(Problem(what=str(exc), fix=f"set '{key}' to {spec.help}", file=file))
    if out.get("target_gain_low", 0) > out.get("target_gain_high", 0):
        problems.append(
            Problem(
                what="target_gain_low is above target_gain_high",
                fix="give the planned gain as low <= high, e.g. 3 and 5",
                file=file,
            )
        )
    if problems:
        raise InputError(problems)
    return out


def _check(key: str, value: Any, spec: Parameter, base: Path) -> Any:
    if value is None or (value == "" and spec.kind != "str"):
        if spec.optional:
            return None
        if spec.kind == "str":
            return ""
        raise ValueError(f"parameter '{key}' is required")
    if spec.kind in ("str", "choice"):
        if not isinstance(value, str):
            raise ValueError(f"parameter '{key}' must be text, got {value!r}")
        if spec.kind == "choice" and value not in spec.choices:
            raise ValueError(f"parameter '{key}' is {value!r}, not one of {list(spec.choices)}")
        return value
    if spec.kind == "path":
        if not isinstance(value, str):
            raise ValueError(f"parameter '{key}' must be a file path, got {value!r}")
        p = Path(value)
        p = p if p.is_absolute() else (base / p)
        p = p.resolve()
        if not p.is_file():
            raise ValueError(f"parameter '{key}': file {value!r} not found (looked at {p})")
        return str(p)
    if spec.kind == "list[str]":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"parameter '{key}' must be a list of column names, got {value!r}")
        return list(value)
    if spec.kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"parameter '{key}' must be a number, got {value!r}")
        if spec.kind == "int" and not float(value).is_integer():
            raise ValueError(f"parameter '{key}' must be a whole number, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"parameter '{key}' must be finite, got {value!r}")
        if spec.low is not None and value < spec.low or spec.high is not None and value > spec.high:
            raise ValueError(f"parameter '{key}' is {value}, outside [{spec.low}, {spec.high}]")
        return int(value) if spec.kind == "int" else float(value)
    raise AssertionError(spec.kind)  # pragma: no cover


@dataclass
class Publisher:
    """What a notebook publishes through: guards tables and records headline figures.

    Parameters
    ----------
    instrument : Instrument or str
        Its personal columns are refused in any published table.
    min_cell : int
        Estimates of cells with fewer respondents (``n``) are suppressed.
    output_dir : str
        Where :meth:`record` writes ``figures-<notebook>.json``; empty to record in memory only.
    notebook : str
        Name of the notebook the figures come from.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> pub = gs.Publisher("sipas-2017", min_cell=30)
    >>> t = pub.table(pd.DataFrame({"district": ["A", "B"], "estimate": [80.0, 90.0],
    ...                             "se": [1.0, 2.0], "n": [100, 12]}))
    >>> t["estimate"].tolist()
    [80.0, nan]
    """

    instrument: Instrument | str
    min_cell: int = 30
    output_dir: str = ""
    notebook: str = "notebook"
    figures: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.instrument, str):
            self.instrument = load_instrument(self.instrument)
        if self.min_cell < 1:
            raise ValueError(f"min_cell must be at least 1, got {self.min_cell}")

    @property
    def personal(self) -> set[str]:
        assert isinstance(self.instrument, Instrument)
        return set(self.instrument.personal_columns)

    def guard(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Refuse personal columns; blank the figures of cells with ``n < min_cell``.

        A suppressed row keeps its labels and ``n`` and gets ``suppressed=True``; its estimate,
        SE and interval become NaN.
        """
        names = {str(c) for c in frame.columns} | {str(n) for n in frame.index.names if n}
        leaked = sorted(self.personal & names)
        if leaked:
            raise ValueError(
                f"refusing to publish personal column(s) {leaked}: drop them before publishing "
                "(they are marked pii: true in the instrument)"
            )
        out = frame.copy()
        if "n" in out.columns:
            small = out["n"].to_numpy() < self.min_cell
            figures = [c for c in out.columns if c in _FIGURE_COLUMNS]
            if small.any():
                out[figures] = out[figures].astype(float)
                out.loc[small, figures] = np.nan
            out["suppressed"] = small
        return out

    def table(self, frame: pd.DataFrame, digits: int = 2, lang: str = "en") -> pd.DataFrame:
        """The frame as a reader sees it: guarded, rounded, with a ``label`` beside ``code``.

        For display only; :meth:`record` keeps full precision.
        """
        out = self.guard(frame)
        assert isinstance(self.instrument, Instrument)
        if "code" in out.columns:
            labels = []
            for code in out["code"]:
                try:
                    labels.append(self.instrument.label(str(code), lang))
                except KeyError:
                    labels.append("")
            out.insert(list(out.columns).index("code") + 1, "label", labels)
        numeric = out.select_dtypes("float").columns
        out[numeric] = out[numeric].round(digits)
        return out.reset_index(drop=True)

    def record(self, name: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Record a result frame as headline figures (after :meth:`guard`) and return it.

        Figures are written at full precision to ``<output_dir>/figures-<notebook>.json``.
        """
        guarded = self.guard(frame)
        records = [
            {str(k): _plain(v) for k, v in row.items()}
            for row in guarded.reset_index(drop=True).to_dict(orient="records")
        ]
        self.figures[name] = records
        if self.output_dir:
            out = Path(self.output_dir) / f"figures-{self.notebook}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(self.figures, indent=1, ensure_ascii=False) + "\n", "utf-8")
        return guarded


_FIGURE_COLUMNS = {"estimate", "se", "ci_low", "ci_high", "deff", "rank_low", "rank_high", "rank"}


def _plain(v: Any) -> Any:
    """A JSON-safe value, exact for floats (NaN becomes None)."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if v is pd.NA or v is pd.NaT:
        return None
    return v
