"""Every parameter checked before anything runs: the files it names, the columns it names.

:func:`~govsurvey.config.params.validate_params` checks types, ranges and keys; this module adds
what needs the instrument or the files themselves, so that a run stops before the first
notebook with one clear :class:`~govsurvey.errors.InputError` (exit 2), never inside a notebook:

- :func:`path_problem`: a path parameter (``responses``, ``frame``, ``truth``, ``ward_frame``)
  names a regular, readable file, not a folder, FIFO, device or link that loops, and not an
  empty one;
- :func:`parameter_problems`: a personal column (the instrument's ``pii`` fields) never takes
  a role (weight, strata, PSU, covariate, weighting cell, calibration variable, expectations
  item, duplicate key, disposition, response flag, ...) — refused by its name, no value of it
  is ever read or quoted; ``stated_items`` name the instrument's components; ``response`` is
  not an answer of the questionnaire; ``min_valid`` is at most a component's criteria count;
- :func:`check_run`: the content of every file a selected notebook reads — UTF-8 text or a
  readable workbook as its suffix declares, not binary, with the columns the parameters name
  and counts that are finite, non-negative numbers below :data:`MAX_COUNT` — and the columns
  of the responses file that the parameters name (``psu: psu`` when the file has no ``psu``);
  for notebook 05, the units and years of ``dated_targets`` against the waves file.
"""

from __future__ import annotations

import dataclasses
import errno
import math
import os
import re
import stat
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, Problem, short
from ..io import read_responses
from .instrument import Instrument, load_instrument
from .params_trends import dated_target_problems

__all__ = [
    "MAX_COUNT",
    "PERSONAL_ROLES",
    "baseline_spec",
    "check_run",
    "parameter_problems",
    "path_problem",
    "read_table",
]

#: The largest count a ward or a frame cell may hold: no register of one unit holds a billion
#: dossiers or people, and sums of larger counts lose precision (1e300 overflows outright).
MAX_COUNT = 1e9

#: Parameters that give a column a role, and the role in words. A personal column is never
#: given one (``domains`` and ``facts_by`` are checked with the instrument's domains).
PERSONAL_ROLES: dict[str, str] = {
    "weight": "the design weight",
    "strata": "the strata",
    "psu": "a sampling unit",
    "fpc": "a population count",
    "importance_by": "a domain of relative importance",
    "auxiliaries": "an auxiliary variable",
    "propensity_covariates": "a covariate of the propensity model",
    "nonresponse_cells": "a weighting cell",
    "calibration_variables": "a calibration variable",
    "flag_keys": "a key of the duplicate-form check",
    "disposition": "the disposition column",
    "response": "the response flag",
    "stated_items": "an expectations item",
}

#: Which notebooks read which file parameter, and how (the notebooks read frame and truth
#: with ``pandas.read_csv``, the ward frame as csv or xlsx).
_READS = {
    "frame": ("02", "03", "04"),
    "truth": ("02", "03"),
    "ward_frame": ("01",),
}
_FORMATS = {"frame": (".csv",), "truth": (".csv",), "ward_frame": (".csv", ".xlsx")}
_WHAT = {
    "responses": "the survey file",
    "frame": "the population frame",
    "truth": "the file of known population values",
    "ward_frame": "the frame of wards",
    "baseline_responses": "last year's survey file (the baseline)",
    "waves": "the file of every period's forms (the waves)",
    "instrument": "the instrument file (YAML)",
}
_FRAME_METHODS = ("poststratify", "rake", "calibrate", "nonresponse+rake", "nonresponse+calibrate")
_COUNT_NAMES = ("N", "Freq", "count", "total", "n", "Pop.Freq")  # as weighting's frame_counts
_TRUTH_COLUMNS = ("breakdown", "code", "estimate")
_SNIFF = 1 << 16
#: Vietnamese letters of UTF-8 read as Windows-1252 or Latin-1 and saved again ("á»" for the
#: U+1Exx letters, "Æ°" for ư, "Æ¡" for ơ, "Ä\x90"/"Ä‘" for Đ/đ): never in a real name.
_MISREAD = re.compile("á[º»]|Æ[°¡]|Ä[\x90\x91‘]")


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, dict):
        return [str(v) for v in value.values()]
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    return [str(value)]


# --------------------------------------------------------------------------- paths


def path_problem(key: str, value: str, resolved: str | Path, file: str | None) -> Problem | None:
    """What is wrong with the path a file parameter names, or None for a readable regular file.

    Never opens a FIFO or device (``os.stat`` first), never follows a link that loops.

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> print(path_problem("frame", d, d, "p.yaml"))  # doctest: +ELLIPSIS
    p.yaml: parameter 'frame': '...' is a folder, not a file. Fix: name the population frame ...
    """
    shown = short(value)
    where = "" if str(resolved) == value else f" (looked at {short(str(resolved), 120)})"
    fix = "give a path relative to the parameters file, or an absolute path"
    try:
        st = os.stat(resolved)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            what = f"{shown} is a symbolic link that loops (it never reaches a file){where}"
            fix = "point it to the file itself"
        elif exc.errno in (errno.EACCES, errno.EPERM):
            what = f"{shown} cannot be opened: permission denied{where}"
            fix = "make the file readable by the user who runs govsurvey, or copy it"
        elif exc.errno == errno.ENOTDIR:
            what = f"{shown} not found: a part of the path is a file, not a folder{where}"
        else:
            what = f"file {shown} not found{where}"
        return Problem(what=f"parameter '{key}': {what}", fix=fix, file=file)
    if stat.S_ISDIR(st.st_mode):
        kind = "a folder"
    elif stat.S_ISFIFO(st.st_mode):
        kind = "a FIFO (named pipe)"
    elif stat.S_ISSOCK(st.st_mode):
        kind = "a socket"
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        kind = "a device"
    elif not stat.S_ISREG(st.st_mode):  # pragma: no cover - no other kind on Linux
        kind = "not a regular file"
    else:
        kind = None
    if kind is not None:
        return Problem(
            what=f"parameter '{key}': {shown} is {kind}, not a file{where}",
            fix=f"name {_WHAT.get(key, 'the file')} itself"
            + ("" if key == "instrument" else " (a .csv, .xlsx, .sav or .parquet file)"),
            file=file,
        )
    if st.st_size == 0:
        return Problem(
            what=f"parameter '{key}': {shown} is empty (0 bytes){where}",
            fix=f"export {_WHAT.get(key, 'the file')} again, with its header row",
            file=file,
        )
    try:
        with open(resolved, "rb") as f:
            f.read(1)
    except OSError as exc:
        return Problem(
            what=f"parameter '{key}': {shown} cannot be read ({exc.strerror or 'error'}){where}",
            fix="make the file readable by the user who runs govsurvey, or copy it",
            file=file,
        )
    return None


# --------------------------------------------------------------------------- parameters alone


def parameter_problems(
    params: dict[str, Any], instrument: Instrument, file: str | None = None
) -> list[Problem]:
    """Problems of the parameters that need the instrument but no data file.

    Examples
    --------
    >>> import govsurvey as gs
    >>> inst = gs.load_instrument("sipas-2017")
    >>> [str(p) for p in parameter_problems({"psu": ["psu", "phone"]}, inst)]
    ["parameter 'psu' names the personal column 'phone' as a sampling unit; a personal column (name, phone, address, ID number) never takes part in an analysis. Fix: remove 'phone' from 'psu'"]
    >>> print(parameter_problems({"min_valid": 6}, inst)[0])  # doctest: +ELLIPSIS
    parameter 'min_valid' is 6, but component C4 has only 3 criteria: ...
    """  # noqa: E501
    problems: list[Problem] = []
    personal = set(instrument.personal_columns)
    for key, role in PERSONAL_ROLES.items():
        for col in dict.fromkeys(_names(params.get(key))):
            if col in personal:
                problems.append(
                    Problem(
                        what=f"parameter '{key}' names the personal column {col!r} as {role}; "
                        "a personal column (name, phone, address, ID number) never takes part "
                        "in an analysis",
                        fix=f"remove {col!r} from '{key}'",
                        file=file,
                    )
                )
    stated = params.get("stated_items")
    if isinstance(stated, dict):
        codes = [c.code for c in instrument.components]
        for code in stated:
            if code not in codes:
                problems.append(
                    Problem(
                        what=f"parameter 'stated_items' names {short(code, 30)}, which is not a "
                        f"component of instrument {instrument.name!r}",
                        fix=f"use the component codes {', '.join(codes)} as keys, e.g. "
                        f"{{{codes[0]}: exp_access}}",
                        file=file,
                    )
                )
    answers = set(instrument.scale_columns) | set(instrument.expectation_columns)
    answers |= {a["column"] for a in instrument.assessment}
    response = params.get("response")
    if isinstance(response, str) and response in answers:
        problems.append(
            Problem(
                what=f"parameter 'response' names {response!r}, an answer of the "
                "questionnaire, not the 0/1 flag of whether the form was returned",
                fix="set 'response' to the 0/1 column (1 answered, 0 did not), e.g. responded",
                file=file,
            )
        )
    min_valid = params.get("min_valid")
    if isinstance(min_valid, int) and instrument.components:
        smallest = min(instrument.components, key=lambda c: len(c.criteria))
        if min_valid > len(smallest.criteria):
            problems.append(
                Problem(
                    what=f"parameter 'min_valid' is {min_valid}, but component {smallest.code} "
                    f"has only {len(smallest.criteria)} criteria: no form could ever have "
                    f"{min_valid} valid answers on it",
                    fix=f"set 'min_valid' to 1–{len(smallest.criteria)} (valid answers a "
                    "component score needs)",
                    file=file,
                )
            )
    return problems


# --------------------------------------------------------------------------- file contents


def _content_problem(key: str, path: str, what: str, fix: str, **where: Any) -> InputError:
    return InputError.one(f"parameter '{key}': {what}", fix, file=path, **where)


def read_table(key: str, path: str | Path) -> pd.DataFrame:
    """Read the table a file parameter names as the notebooks do, or raise one clear error.

    A ``.csv`` must be UTF-8 text (a byte-order mark is fine), not binary, not a workbook
    renamed; an ``.xlsx`` a readable workbook. Which suffixes a parameter accepts is in
    ``_FORMATS``.

    Raises
    ------
    InputError
        Naming the parameter, the file and the fix.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "frame.csv"
    >>> _ = p.write_bytes("district,N\\nĐan,3\\n".encode("cp1258"))
    >>> read_table("frame", p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    govsurvey.errors.InputError: ...frame.csv: parameter 'frame': the file is not UTF-8 text (byte 0xd0 on line 2); it reads as Windows-1258 (Vietnamese ANSI). Fix: save it as 'CSV UTF-8' (in Excel: Save As, CSV UTF-8)
    """  # noqa: E501
    p = str(path)
    suffix = Path(p).suffix.lower()
    allowed = _FORMATS.get(key, (".csv",))
    if suffix not in allowed:
        raise _content_problem(
            key,
            p,
            f"the file is {suffix or 'without a suffix'}, but {_WHAT.get(key, 'it')} is read as "
            f"{' or '.join(allowed)}",
            f"save it as {' or '.join(allowed)} and name that file",
        )
    with open(p, "rb") as f:
        head = f.read(_SNIFF)
    if suffix == ".xlsx":
        if not head.startswith(b"PK\x03\x04"):
            raise _content_problem(
                key,
                p,
                "not a readable .xlsx workbook (it is not a zip file)",
                "open it in Excel and save it again as .xlsx (Excel Workbook), or save it as CSV",
            )
        try:
            return pd.read_excel(p)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
            raise _content_problem(
                key,
                p,
                f"not a readable .xlsx workbook ({exc.__class__.__name__})",
                "open it in Excel and save it again as .xlsx (Excel Workbook), or save it as CSV",
            ) from None
    if head.startswith(b"PK\x03\x04"):
        raise _content_problem(
            key,
            p,
            "the file is an Excel workbook (or another zip file), not CSV text",
            "save it from Excel as 'CSV UTF-8' and name that file",
        )
    if b"\x00" in head:
        raise _content_problem(
            key,
            p,
            "the file is binary (it holds NUL bytes), not CSV text",
            "name the CSV file itself, saved from Excel as 'CSV UTF-8'",
        )
    raw = Path(p).read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start : exc.start + 1].hex()
        try:
            raw.decode("cp1258")
            hint = "; it reads as Windows-1258 (Vietnamese ANSI)"
        except UnicodeDecodeError:
            hint = ""
        raise _content_problem(
            key,
            p,
            f"the file is not UTF-8 text (byte 0x{byte} on line {line}){hint}",
            "save it as 'CSV UTF-8' (in Excel: Save As, CSV UTF-8)",
        ) from None
    seen = _MISREAD.search(raw.decode("utf-8"))
    if seen is not None:
        line = raw.decode("utf-8")[: seen.start()].count("\n") + 1
        raise _content_problem(
            key,
            p,
            f"the text was misread before it was saved: line {line} holds {seen.group()!r} "
            "where a Vietnamese letter should be (UTF-8 read as Windows-1252 or Latin-1, then "
            "saved again)",
            "export the file again from its source as 'CSV UTF-8', without opening it in "
            "another encoding first",
        )
    try:
        return pd.read_csv(p)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        text = " ".join(str(exc).split())
        raise _content_problem(
            key,
            p,
            f"not a readable CSV table ({short(text, 100)})",
            "save it as 'CSV UTF-8' with one header row and the same number of cells on every row",
        ) from None


def _missing_columns(
    key: str, path: str, frame: pd.DataFrame, needed: dict[str, list[str]]
) -> list[Problem]:
    """One problem per (parameter naming it, column) absent from the table."""
    have = [str(c) for c in frame.columns]
    shown = ", ".join(short(c, 30) for c in have[:12]) + (" …" if len(have) > 12 else "")
    out = []
    for param, columns in needed.items():
        for col in dict.fromkeys(columns):
            if col not in have:
                out.append(
                    Problem(
                        what=f"parameter '{param}': the column {short(col, 40)} is not in "
                        f"{_WHAT.get(key, 'the file')} (parameter '{key}')",
                        fix=f"name one of its columns ({shown or 'it has none'}) in '{param}', "
                        f"or add the column to the file",
                        file=path,
                    )
                )
    return out


def _counts(key: str, path: str, frame: pd.DataFrame, column: str, positive: bool) -> list[Problem]:
    """The count column: numbers, finite, >= 0 (> 0 when ``positive``), at most MAX_COUNT."""
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(values) | (values < 0) | (values > MAX_COUNT)
        if positive:
            bad |= values == 0
    if not bad.any():
        return []
    i = int(np.flatnonzero(bad)[0])
    x = values[i]
    if not np.isfinite(x):
        what = "is not a finite number" if not math.isnan(x) else "is not a number"
    elif x > MAX_COUNT:
        what = (
            f"is {x:.3g}, above the {MAX_COUNT:,.0f} a register of one unit can hold (sums of "
            "such counts lose their precision or overflow)"
        )
    else:
        what = "is zero" if x == 0 else "is negative"
    n_bad = int(bad.sum())
    more = f" (and {n_bad - 1} more row(s))" if n_bad > 1 else ""
    return [
        Problem(
            what=f"parameter '{key}': the count {what}{more}",
            fix=f"give every row's {column} as a whole number of dossiers or people, "
            f"{1 if positive else 0} to {MAX_COUNT:,.0f}",
            file=path,
            row=i + 2,
            column=column,
        )
    ]


def baseline_spec(params: dict[str, Any]) -> dict[str, Any]:
    """The baseline survey's design keys: ``baseline_design`` when given, else this year's.

    In ``baseline_design`` a key left out is none (no weight column: equal weights; no strata),
    as at the top level.

    Examples
    --------
    >>> baseline_spec({"weight": "w", "strata": "s", "psu": "p", "fpc": None})
    {'weights': 'w', 'strata': 's', 'psu': 'p', 'fpc': None}
    >>> baseline_spec({"weight": "w", "baseline_design": {"psu": "ward"}})
    {'weights': None, 'strata': None, 'psu': 'ward', 'fpc': None}
    """
    own = params.get("baseline_design")
    src = own if own is not None else params
    return {
        "weights": src.get("weight"),
        "strata": src.get("strata"),
        "psu": src.get("psu"),
        "fpc": src.get("fpc"),
    }


def _baseline_problems(
    params: dict[str, Any], inst: Instrument, current: pd.DataFrame
) -> list[Problem]:
    """Last year's survey file (``baseline_responses``): readable as ``responses`` is, with
    the columns of its design, no personal column in a design role, codes of the instrument;
    with ``baseline_shared_psus``, PSU ids that this year's file shares."""
    key, path = "baseline_responses", params["baseline_responses"]
    spec = baseline_spec(params)
    problems: list[Problem] = []
    personal = set(inst.personal_columns)
    roles = {"weights": "weight", "strata": "strata", "psu": "psu", "fpc": "fpc"}
    role_key = "baseline_design" if params.get("baseline_design") is not None else None
    for arg, col_key in roles.items():
        for col in dict.fromkeys(_names(spec[arg])):
            if col in personal and role_key:  # this year's keys are checked as they are
                problems.append(
                    Problem(
                        what=f"parameter 'baseline_design' names the personal column {col!r} "
                        f"as {PERSONAL_ROLES[col_key]} of the baseline survey; a personal "
                        "column (name, phone, address, ID number) never takes part in an "
                        "analysis",
                        fix=f"remove {col!r} from 'baseline_design'",
                    )
                )
    codes = {"SIPAS", *(c.code for c in inst.components), *(c.code for c in inst.criteria)}
    for code in params.get("baseline_codes") or []:
        if code not in codes:
            problems.append(
                Problem(
                    what=f"parameter 'baseline_codes' names {short(code, 20)}, which is not a "
                    f"code of instrument {inst.name!r}",
                    fix="use SIPAS, a component (C1…) or a criterion (C5.1…) of the instrument",
                )
            )
    if problems:
        return problems
    try:
        prev = read_responses(path, inst, on_error="exclude")
    except InputError as err:
        return [
            Problem(
                what=f"parameter '{key}': {p.what}",
                fix=p.fix,
                file=p.file or path,
                row=p.row,
                column=p.column,
                value=p.value,
            )
            for p in err.problems
        ]
    if prev.n_kept == 0 or len(prev.respondents) == 0:
        return [
            Problem(
                what=f"parameter '{key}': the baseline survey has no respondents "
                "(every form was excluded or none was returned)",
                fix="name last year's survey file with its answered forms",
                file=path,
            )
        ]
    shown_key = "baseline_design" if role_key else None
    needed = {
        (shown_key or col_key): _names(spec[arg])
        for arg, col_key in roles.items()
        if _names(spec[arg])
    }
    if shown_key:
        needed = {"baseline_design": [c for cols in needed.values() for c in cols]}
    have = pd.DataFrame(columns=sorted(map(str, prev.data.columns)))
    for p in _missing_columns(key, path, have, needed):
        problems.append(
            dataclasses.replace(
                p,
                what=p.what
                + (
                    ""
                    if shown_key
                    else " (the baseline survey takes this year's "
                    "design keys; give it its own with baseline_design)"
                ),
            )
        )
    psu_prev, psu_now = _names(spec["psu"])[:1], _names(params.get("psu"))[:1]
    if params.get("baseline_shared_psus") and not problems:
        if not psu_prev or not psu_now or psu_now[0] not in current.columns:
            problems.append(
                Problem(
                    what="parameter 'baseline_shared_psus' is true, but the two surveys do not "
                    "both declare a PSU column (psu)",
                    fix="name the ward (PSU) column of both surveys (psu, and baseline_design's "
                    "psu), or set baseline_shared_psus: false (independent samples)",
                    file=path,
                )
            )
        else:
            before = set(prev.data[psu_prev[0]].dropna().astype(str))
            now = set(current[psu_now[0]].dropna().astype(str))
            if not before & now:
                problems.append(
                    Problem(
                        what="parameter 'baseline_shared_psus' is true, but no PSU id of "
                        f"the baseline survey ({psu_prev[0]!r}) appears in this year's "
                        f"({psu_now[0]!r})",
                        fix="give both files the same ward codes in their PSU columns, or set "
                        "baseline_shared_psus: false (independent samples)",
                        file=path,
                        column=psu_prev[0],
                    )
                )
    return problems


def _targets_problems(params: dict[str, Any], inst: Instrument) -> list[Problem]:
    """``dated_targets`` against the waves file: its ``period`` and ``trend_unit`` columns
    present, every unit named a value of ``trend_unit``, every year one the waves can judge."""
    key, path = "waves", params["waves"]
    try:
        waves = read_responses(path, inst, on_error="exclude").data
    except InputError as err:
        return [
            dataclasses.replace(p, what=f"parameter '{key}': {p.what}", file=p.file or path)
            for p in err.problems
        ]
    unit, period = params.get("trend_unit") or "district", params.get("period") or "year"
    have = pd.DataFrame(columns=sorted(map(str, waves.columns)))
    missing = _missing_columns(key, path, have, {"period": [period], "trend_unit": [unit]})
    if missing:
        return missing
    years = pd.to_numeric(waves[period], errors="coerce").dropna().unique()
    return dated_target_problems(
        params["dated_targets"],
        params.get("target_unit"),
        waves[unit].dropna().astype(str).unique(),
        years,
        unit,
    )


def _given(params: dict[str, Any], given: set[str] | None, key: str) -> bool:
    return given is None or key in given


def check_run(
    params: dict[str, Any],
    ids: list[str],
    given: set[str] | None = None,
) -> None:
    """Check the content of every file the selected notebooks read, and the columns named.

    Parameters
    ----------
    params : dict
        Validated parameters (:func:`~govsurvey.config.params.load_params`), paths absolute.
    ids : list of str
        The notebooks that will run.
    given : set of str, optional
        The keys the parameters file sets: a column a key names by default (and that the
        notebooks can do without) is not required of the file; ``None``: every key.

    Raises
    ------
    InputError
        Every problem found, each naming the parameter, the file, the column and the fix.

    Examples
    --------
    >>> from govsurvey.config.params import load_params
    >>> check_run(load_params("params/default.yaml"), ["01", "02", "03", "04"])  # doctest: +SKIP
    """
    inst = load_instrument(params["instrument"])
    problems = parameter_problems(params, inst)
    tables: dict[str, pd.DataFrame] = {}
    for key, readers in _READS.items():
        path = params.get(key)
        if not path or not set(readers) & set(ids):
            continue
        try:
            tables[key] = read_table(key, path)
        except InputError as err:
            problems += err.problems
    if "frame" in tables:
        frame, path = tables["frame"], params["frame"]
        needed: dict[str, list[str]] = {}
        if params.get("weighting") in _FRAME_METHODS:
            needed["calibration_variables"] = _names(params.get("calibration_variables"))
        problems += _missing_columns("frame", path, frame, needed)
        count = next((c for c in _COUNT_NAMES if c in frame.columns), None)
        if count is not None:
            problems += _counts("frame", path, frame, count, positive=False)
    if "truth" in tables:
        truth = tables["truth"]
        problems += _missing_columns(
            "truth", params["truth"], truth, {"truth": list(_TRUTH_COLUMNS)}
        )
    if "ward_frame" in tables:
        wards, path = tables["ward_frame"], params["ward_frame"]
        needed = {
            k: [params[k]]
            for k in ("stratum_column", "ward_column", "size_column", "ward_label")
            if params.get(k)
        }
        missing = _missing_columns("ward_frame", path, wards, needed)
        problems += missing
        size = params.get("size_column")
        if not missing and size:
            problems += _counts("ward_frame", path, wards, size, positive=True)
        code = params.get("ward_column")
        if not missing and code:
            twice = wards[code].duplicated(keep="first").to_numpy()
            if twice.any():
                i = int(np.flatnonzero(twice)[0])
                problems.append(
                    Problem(
                        what="parameter 'ward_frame': a ward code appears twice in the frame "
                        f"({int(twice.sum())} repeated row(s))",
                        fix="give each ward one row, with its own code",
                        file=path,
                        row=i + 2,
                        column=code,
                        value=wards[code].iloc[i],
                    )
                )
    if problems:
        raise InputError(problems)
    resp = read_responses(params["responses"], inst, on_error="exclude")
    if params.get("baseline_responses") and "03" in ids:
        problems += _baseline_problems(params, inst, resp.data)
    if params.get("waves") and params.get("dated_targets") and "05" in ids:
        problems += _targets_problems(params, inst)
    have = set(map(str, resp.data.columns))
    needed = {k: _names(params.get(k)) for k in ("weight", "strata", "psu", "fpc")}
    for key in (
        "response",
        "auxiliaries",
        "propensity_covariates",
        "nonresponse_cells",
        "flag_keys",
        "importance_by",
        "stated_items",
    ):
        if key in params and _given(params, given, key):
            needed[key] = _names(params.get(key))
    if params.get("weighting") in _FRAME_METHODS and _given(params, given, "calibration_variables"):
        needed["calibration_variables"] = _names(params.get("calibration_variables"))
    problems += _missing_columns(
        "responses", params["responses"], pd.DataFrame(columns=sorted(have)), needed
    )
    response = params.get("response")
    if isinstance(response, str) and response in have and _given(params, given, "response"):
        flag = pd.to_numeric(resp.data[response], errors="coerce")
        if not flag.isin([0, 1]).all():
            problems.append(
                Problem(
                    what=f"parameter 'response': the column {response!r} is not a 0/1 flag "
                    f"({int((~flag.isin([0, 1])).sum())} row(s) hold something else)",
                    fix="name the column that holds 1 for a returned form and 0 for one not "
                    "returned, or recode this one",
                    file=params["responses"],
                    column=response,
                )
            )
    if problems:
        raise InputError(problems)
