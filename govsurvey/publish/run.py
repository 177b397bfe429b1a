"""Runs: execute the package's notebooks on a parameters file into an atomic run folder.

``govsurvey run params/X.yaml`` checks the parameters, then writes ``reports/<run_name>/``:

- each notebook executed (``NN_name.ipynb``) and rendered as a code-free HTML report;
- ``figures.json`` (every published figure at full precision), ``parameters.yaml`` (a copy of
  the parameters file), ``index.html`` (status, parameters, links, in the run's language);
- ``manifest.json``: notebooks by the package's identifiers (``"03"``), parameters, SHA-256 of
  every input and every output file, the versions of every installed distribution, the
  SHA-256 of ``constraints.txt``, the git commit, timings.

The folder is atomic: the run is written into a hidden temporary folder under ``reports/`` and
renamed into place only when complete (an earlier complete run of the same name is replaced in
one rename). A failed run goes to ``reports/<run_name>.failed-<UTC time>/`` with the failing
cell rendered and the failure shown in its ``index.html``; it never mixes with a complete run.
A lock file refuses a second run of the same name while one is going. Nothing is written
outside ``reports/``. Before anything is placed, every file is searched for every personal
value of the responses file (:func:`~govsurvey.publish.guard.scan_personal`); a finding keeps the
run aside as failed, without the files that showed one, and names file, column and kind of value.
A failed run's page shows the error itself (an input error as its message and fix, without a
traceback), with every personal value withheld.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ..config import params as _registry
from ..config.params import INPUT_FILES, load_params, parse_yaml, select_notebooks, short
from ..config.preflight import check_run
from ..errors import InputError, Problem, message_language_set
from ..io import file_sha256
from .guard import Leak, PersonalValues, common_words, personal_values, scan_personal
from .html import IndexEntry, render_html, render_index

__all__ = [
    "MANIFEST_VERSION",
    "RunFailed",
    "code_checksums",
    "constraints_path",
    "environment_versions",
    "execute",
    "file_sha256",
    "portable_params",
    "run",
    "write_index",
]

log = logging.getLogger(__name__)


class _PassedOnPurpose(logging.Filter):
    """Drop papermill's "Passed unknown parameter" warnings: a run passes each notebook every
    key of its model on purpose (:func:`notebook_parameters`), listed in its parameters cell or
    not, so the warning would only be noise on the publisher's terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Passed unknown parameter")


_PAPERMILL_FILTER = _PassedOnPurpose()
logging.getLogger("papermill").addFilter(_PAPERMILL_FILTER)

MANIFEST_VERSION = 2
_INSTALLERS = {"pip", "setuptools", "wheel"}


class RunFailed(Exception):
    """A notebook of a run stopped with an error; the failed run is kept at ``folder``.

    ``input_error`` is True when the notebook stopped on an :class:`~govsurvey.InputError`
    (bad data or parameters, not a bug).

    Examples
    --------
    >>> err = RunFailed(None, "03", 7, "ZeroDivisionError", "division by zero")
    >>> str(err), err.input_error
    ('notebook 03, cell 7 stopped: ZeroDivisionError: division by zero', False)
    """

    def __init__(
        self, folder: Path | None, notebook: str, cell: Any, ename: str, evalue: str
    ) -> None:
        self.folder, self.notebook, self.cell = folder, notebook, cell
        self.ename, self.evalue = ename, evalue
        self.input_error = ename == "InputError"
        super().__init__(self.text("en"))

    def text(self, language: str = "en") -> str:
        """The message in ``language`` ("vi" or "en")."""
        vi = language == "vi"
        cell = self.cell
        where = f"notebook {self.notebook}" + (f", cell {cell}" if cell is not None else "")
        kept = ""
        if self.folder is not None:
            kept = (
                f"; lần chạy thất bại được giữ trong {self.folder}/"
                if vi
                else f"; the failed run is kept in {self.folder}/"
            )
        text = " ".join(str(self.evalue).split())
        text = text if len(text) <= 400 else text[:399] + "…"
        return f"{where} {'dừng' if vi else 'stopped'}: {self.ename}: {text}{kept}"


def constraints_path() -> Path:
    """The project's lock file of exact versions (``constraints.txt`` at the top).

    Examples
    --------
    >>> constraints_path().name
    'constraints.txt'
    """
    return Path(__file__).resolve().parent.parent.parent / "constraints.txt"


def environment_versions() -> dict[str, str]:
    """Python and the version of every installed distribution, by lower-case name.

    The installers (pip, setuptools, wheel) are left out: they do not compute anything, and
    ``pip freeze`` does not pin them.

    Examples
    --------
    >>> v = environment_versions()
    >>> "numpy" in v and "python" in v
    True
    """
    out = {"python": platform.python_version()}
    for d in metadata.distributions():
        name = (d.metadata.get("Name") or "").lower().replace("_", "-")
        if name and name not in _INSTALLERS:
            out[name] = d.version
    return dict(sorted(out.items()))


def code_checksums(ids: list[str]) -> dict[str, str | None]:
    """SHA-256 of each notebook run and of the package's source (all its ``.py`` and data
    files, in order), so verify can tell when the code differs from the run's.

    Examples
    --------
    >>> sorted(code_checksums(["03"]))
    ['03', 'package']
    """
    out: dict[str, str | None] = {}
    for nid in ids:
        path = _registry.notebooks_dir() / _registry.NOTEBOOKS[nid].file
        out[nid] = file_sha256(path) if path.is_file() else None
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if (
            p.is_file()
            and p.suffix in (".py", ".yaml", ".j2", ".json")
            and "__pycache__" not in p.parts
        ):
            h.update(p.relative_to(root).as_posix().encode() + b"\0")
            h.update(file_sha256(p).encode())
    out["package"] = h.hexdigest()
    return out


def git_commit() -> dict[str, Any]:
    """The package checkout's git commit and whether its tree had uncommitted changes.

    Examples
    --------
    >>> sorted(git_commit())
    ['commit', 'dirty']
    """
    root = Path(__file__).resolve().parent.parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            [
                "git",
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                "govsurvey",
                "notebooks",
            ],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return {"commit": commit, "dirty": bool(dirty)}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}


def _portable(path: str | Path) -> str:
    """A path relative to the working folder when it lies below it (so a run moves with it)."""
    p = Path(path).resolve()
    try:
        return p.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(p)


def portable_params(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as a manifest records them: paths relative to the working folder, no
    ``output_dir``.

    Examples
    --------
    >>> portable_params({"responses": str(Path.cwd() / "d" / "r.csv"), "output_dir": "/x",
    ...                  "instrument": "sipas-2017", "min_cell": 5})
    {'responses': 'd/r.csv', 'instrument': 'sipas-2017', 'min_cell': 5}
    """
    out = {}
    for k, v in params.items():
        if k == "output_dir":
            continue
        if v and (k in INPUT_FILES or (k == "instrument" and Path(str(v)).suffix)):
            v = _portable(v)
        out[k] = v
    return out


# --------------------------------------------------------------------------- pre-flight


def _preflight(params: dict[str, Any]) -> PersonalValues:
    """Read the responses once before any notebook: file-level problems, weights, personal
    values of every row."""
    from .. import load_instrument, read_responses

    inst = load_instrument(params["instrument"])
    resp = read_responses(params["responses"], inst, on_error="exclude")
    weight = params.get("weight")
    if weight:
        if weight not in resp.data.columns:
            raise InputError.one(
                f"the weight column {short(weight, 40)} is not in the responses file",
                "set 'weight' to a column of the file, or leave it out for equal weights",
                file=params["responses"],
                column=weight,
            )
        import pandas as pd

        w = pd.to_numeric(resp.data[weight], errors="coerce").to_numpy(dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            total = np.nansum(np.abs(w))
            square = total * total
        if not (np.isfinite(total) and np.isfinite(square)):
            raise InputError.one(
                "the weights are so large that their sums overflow (a total of "
                f"{'infinity' if not np.isfinite(total) else f'{total:.3g}'}); no figure "
                "computed with them would be finite",
                "check the weight column: weights are numbers of people each respondent "
                "stands for (e.g. 1 to 10,000), never above about 1e150",
                file=params["responses"],
                column=weight,
            )
    values = personal_values(params["responses"], inst)
    kept = {
        c: frozenset(
            " ".join(str(v).split()) for v in resp.data[c].dropna().astype(str) if str(v).strip()
        )
        for c in resp.personal_columns
    }
    merged = {
        c: values.by_column.get(c, frozenset()) | kept.get(c, frozenset())
        for c in set(values.by_column) | set(kept)
    }
    # words every report prints (labels, district names) and short numbers identify nobody:
    # searching for them would remove a run for what it is meant to show
    return PersonalValues(merged).without(common_words(inst, resp.data))


# --------------------------------------------------------------------------- lock


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lock(reports: Path, name: str) -> Path:
    lock = reports / f".{name}.lock"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                pid = int(lock.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pid = -1
            if pid > 0 and _alive(pid):
                raise InputError.one(
                    f"a run named {name!r} is going (process {pid})",
                    "wait for it to finish, or give this run another run_name",
                    file=str(lock),
                ) from None
            log.warning("removing the stale lock of a run that ended (process %s)", pid)
            lock.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w") as f:
            f.write(f"{os.getpid()} {datetime.now(UTC).isoformat()}\n")
        return lock
    raise InputError.one(  # pragma: no cover - a race with another process
        f"could not take the lock of run {name!r}", "try again", file=str(lock)
    )


# --------------------------------------------------------------------------- execute


@dataclass
class _Executed:
    entries: list[IndexEntry]
    timings: dict[str, float]
    suppression: dict[str, dict[str, int]]
    failure: RunFailed | None = None


def _say(progress: bool, text: str) -> None:
    if progress:
        print(f"govsurvey: {text}", file=sys.stderr, flush=True)


def notebook_parameters(nid: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters notebook ``nid`` receives: every key its model declares.

    Not only those its parameters cell spells out: notebooks 03 and 04 publish with notebook
    02's weighting keys (``nonresponse_cells``, ``calibration_variables``, ``trim_upper``, …)
    that their cells do not list, and their validation reads every key of their model from the
    kernel's globals, where papermill's injected cell puts them (papermill logs "Passed
    unknown parameter" for those). Tuples become lists (papermill writes a tuple as text).

    Parameters
    ----------
    nid : str
        The notebook's identifier (``"03"``).
    params : dict
        Validated parameters (:func:`govsurvey.config.params.load_params`).

    Returns
    -------
    dict

    Examples
    --------
    >>> p = notebook_parameters("03", {"trim_upper": 3.0, "bounds": (0.5, 2.0), "other": 1})
    >>> p["trim_upper"], p["bounds"], "other" in p
    (3.0, [0.5, 2.0], False)
    """
    own = _registry.NOTEBOOKS[nid].model.model_fields
    return {
        k: list(v) if isinstance(v, tuple) else v
        for k, v in params.items()
        if k in own and k != "output_dir"
    }


def execute(params: dict[str, Any], ids: list[str], out: Path, progress: bool = False) -> _Executed:
    """Execute the package's notebooks ``ids`` into ``out`` and render their HTML.

    Each notebook receives every key its own model declares (:func:`notebook_parameters`).
    Stops at the first failing notebook: its executed copy keeps the error, its HTML shows the
    failing cell. Used by :func:`run` and by verify's rerun; ``out`` must exist.

    Examples
    --------
    >>> from govsurvey.config.params import load_params
    >>> p = load_params("params/default.yaml", notebooks="03")  # doctest: +SKIP
    >>> execute(p, ["03"], Path("/tmp/out")).failure is None  # doctest: +SKIP
    True
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    folder = _registry.notebooks_dir()
    entries: list[IndexEntry] = []
    timings: dict[str, float] = {}
    lang = params.get("language", "en")
    for k, nid in enumerate(ids):
        spec = _registry.NOTEBOOKS[nid]
        source = folder / spec.file
        title = spec.title_vi if lang == "vi" else spec.title_en
        declared = pm.inspect_notebook(str(source))
        passed = notebook_parameters(nid, params)
        if "output_dir" in declared:
            passed["output_dir"] = str(out.resolve())
        target = out / spec.file
        _say(progress, f"notebook {nid} ({k + 1}/{len(ids)}): {spec.file}")
        t0 = time.perf_counter()
        try:
            executed = pm.execute_notebook(
                str(source),
                str(target),
                parameters=passed,
                cwd=str(folder),
                kernel_name="python3",  # this interpreter's own kernel, whatever is installed
                # the kernel's own log (a warning about TCP without encryption on every start,
                # a KeyboardInterrupt at shutdown) is not the user's business: errors in cells
                # are in the notebook, and a failed run says which cell
                extra_arguments=["--log-level=CRITICAL"],
                progress_bar=progress,
                report_mode=False,
                log_output=False,
            )
        except PapermillExecutionError as exc:
            timings[nid] = round(time.perf_counter() - t0, 3)
            if exc.ename == "InputError":
                _message_only(target)
            html_name = target.with_suffix(".html").name
            try:
                render_html(target, out / html_name, failure=True, language=lang)
            except Exception:  # noqa: BLE001 - the failure itself is what must be reported
                log.exception("could not render the failed notebook %s", spec.file)
                html_name = None
            entries.append(IndexEntry(nid, title, html_name, "failed", f"{exc.ename}"))
            for later in ids[k + 1 :]:
                s2 = _registry.NOTEBOOKS[later]
                entries.append(
                    IndexEntry(later, s2.title_vi if lang == "vi" else s2.title_en, None, "not run")
                )
            failure = RunFailed(None, nid, exc.exec_count, exc.ename, exc.evalue)
            return _Executed(entries, timings, _suppression(out), failure)
        html_path = render_html(target, out / target.with_suffix(".html").name, language=lang)
        # the execution time the executed notebook records itself, so verify can check it
        timings[nid] = round(float(executed.metadata.papermill.duration), 3)
        entries.append(IndexEntry(nid, title, html_path.name))
    return _Executed(entries, timings, _suppression(out))


def _suppression(out: Path) -> dict[str, dict[str, int]]:
    res = {}
    for f in sorted(out.glob("suppressed-*.json")):
        res[f.stem.removeprefix("suppressed-")] = json.loads(f.read_text("utf-8"))
        f.unlink()
    return res


def collect_figures(out: Path) -> None:
    """Merge the notebooks' ``figures-<id>.json`` files of a run folder into ``figures.json``.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "figures-03.json").write_text(json.dumps({"SIPAS": 87.1}))
    >>> collect_figures(d)
    >>> json.loads((d / "figures.json").read_text())
    {'03': {'SIPAS': 87.1}}
    """
    figures = {}
    for f in sorted(out.glob("figures-*.json")):
        figures[f.stem.removeprefix("figures-")] = json.loads(f.read_text("utf-8"))
        f.unlink()
    (out / "figures.json").write_text(
        json.dumps(figures, indent=1, ensure_ascii=False, sort_keys=True) + "\n", "utf-8"
    )


def _inputs(params: dict[str, Any]) -> dict[str, dict[str, str]]:
    from .. import load_instrument

    inputs = {
        k: {"path": _portable(params[k]), "sha256": file_sha256(params[k])}
        for k in INPUT_FILES
        if params.get(k)
    }
    inst = load_instrument(params["instrument"])
    inputs["instrument"] = {"path": _portable(inst.path), "sha256": file_sha256(inst.path)}
    return inputs


def _outputs(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): file_sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _index_params(params: dict[str, Any]) -> dict[str, Any]:
    shown = portable_params(params)
    for k in INPUT_FILES:
        if shown.get(k):
            shown[k] = Path(shown[k]).name
    return shown


def run(
    params_path: str | Path,
    reports_dir: str | Path = "reports",
    only: str | list[str] | None = None,
    progress: bool | None = None,
) -> Path:
    """Execute the package's notebooks on a parameters file and publish the run atomically.

    Parameters
    ----------
    params_path : str or Path
        Flat YAML parameters, checked before anything runs or is written.
    reports_dir : str or Path
        The folder of runs; the run goes to ``<reports_dir>/<run_name>/``.
    only : str or list, optional
        Notebook identifiers to run (``"01,03"``); all available ones by default.
    progress : bool, optional
        Print each notebook and papermill's cell progress on stderr; by default only when
        stderr is a terminal.

    Returns
    -------
    Path
        The complete run folder.

    Raises
    ------
    InputError
        Bad parameters or data (before anything is written), a run of the same name going,
        or personal values found in the output (the run is removed).
    RunFailed
        A notebook stopped with an error; the failed run is kept under its failed name.

    Examples
    --------
    >>> import govsurvey as gs
    >>> gs.run("params/default.yaml", only="03")  # doctest: +SKIP
    PosixPath('reports/default')
    """
    if progress is None:
        progress = sys.stderr.isatty()
    params_path = Path(params_path)
    ids = select_notebooks(only)
    params = load_params(params_path, notebooks=ids)
    given = parse_yaml(params_path.read_text("utf-8"), file=str(params_path)) or {}
    check_run(params, ids, given=set(map(str, given)))  # files' contents, columns named
    name = params["run_name"]
    reports = Path(reports_dir)
    if reports.exists() and not reports.is_dir():
        raise InputError.one(
            "the reports folder is a file", "give a folder with --reports", file=str(reports)
        )
    try:
        reports.mkdir(parents=True, exist_ok=True)
        lock = _lock(reports, name)
    except OSError as exc:
        raise _unwritable(reports, exc) from None
    tmp = reports / f".{name}.partial-{os.getpid()}-{_stamp()}"
    personal: PersonalValues | None = None
    try:
        _recover(reports, name)
        personal = _preflight(params)
        try:
            tmp.mkdir()
        except OSError as exc:
            raise _unwritable(reports, exc) from None
        started = datetime.now(UTC).isoformat(timespec="seconds")
        lang = params.get("language", "vi")
        try:
            with message_language_set(lang):
                done = execute(params, ids, tmp, progress=progress)
        except BaseException as exc:
            _fail(tmp, reports, name, params, [], str(exc.__class__.__name__), personal)
            raise
        shutil.copyfile(params_path, tmp / "parameters.yaml")
        if done.failure is not None:
            f = done.failure
            evalue = personal.redact(str(f.evalue))
            text = failure_text(_registry.NOTEBOOKS[f.notebook].file, f.cell, f.ename, evalue, lang)
            folder = _fail(tmp, reports, name, params, done.entries, text, personal)
            raise RunFailed(folder, f.notebook, f.cell, f.ename, evalue)
        collect_figures(tmp)
        write_index(tmp, params, done)
        manifest = {
            "govsurvey_manifest": MANIFEST_VERSION,
            "status": "complete",
            "run_name": name,
            "notebooks": ids,
            "parameters": portable_params(params),
            "params_file": {"path": _portable(params_path), "sha256": file_sha256(params_path)},
            "inputs": _inputs(params),
            "outputs": _outputs(tmp),
            "suppression": done.suppression,
            "versions": environment_versions(),
            "constraints_sha256": (
                file_sha256(constraints_path()) if constraints_path().is_file() else None
            ),
            "git": git_commit(),
            "code": code_checksums(ids),
            "started": started,
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "timings_seconds": done.timings,
            "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        }
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", "utf-8"
        )
        leaks = scan_personal(tmp, personal)
        if leaks:
            raise _withheld(tmp, reports, name, params, done.entries, leaks)
        final = reports / name
        if final.exists():
            old = reports / f".{name}.old-{os.getpid()}-{_stamp()}"
            os.rename(final, old)
            os.rename(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, final)
        _say(progress, f"run written to {final}/")
        log.info("run written to %s", final)
        return final
    except InputError as err:
        if personal is None:
            raise
        raise _redacted(err, personal) from None
    finally:
        if tmp.exists() and tmp.name.startswith(f".{name}.partial-"):
            shutil.rmtree(tmp, ignore_errors=True)
        lock.unlink(missing_ok=True)


def _unwritable(reports: Path, exc: OSError) -> InputError:
    """The reports folder cannot be written (read-only, no permission, not a folder)."""
    return InputError.one(
        f"the reports folder cannot be written ({exc.strerror or exc.__class__.__name__}); "
        "nothing was run",
        "give a folder you can write to with --reports, or make this one writable",
        file=str(reports),
    )


def write_index(folder: Path, params: dict[str, Any], done: _Executed) -> Path:
    """The ``index.html`` of a complete run (also what verify's rerun compares with).

    Examples
    --------
    >>> write_index(Path("/tmp/out"), p, execute(p, ["03"], Path("/tmp/out")))  # doctest: +SKIP
    PosixPath('/tmp/out/index.html')
    """
    return render_index(
        folder / "index.html",
        params["run_name"],
        done.entries,
        _index_params(params),
        language=params.get("language", "en"),
        suppressed=sum(sum(v.values()) for v in done.suppression.values()),
        version=_version(),
    )


def _recover(reports: Path, name: str) -> None:
    """Tidy what a killed run of this name left (we hold its lock, so none is going): its
    partial folder is removed; a complete run moved aside just before a kill is put back."""
    final = reports / name
    olds = sorted(reports.glob(f".{name}.old-*"))
    if not final.exists() and olds:
        os.rename(olds[-1], final)
        log.warning("put back the complete run %s that a killed run had moved aside", final)
        olds = olds[:-1]
    for p in [*olds, *reports.glob(f".{name}.partial-*")]:
        log.warning("removing %s, left by a run that was killed", p)
        shutil.rmtree(p, ignore_errors=True)


def _version() -> str:
    from .. import __version__

    return __version__


def _fail(
    tmp: Path,
    reports: Path,
    name: str,
    params: dict[str, Any],
    entries: list[IndexEntry],
    failure: str,
    personal: PersonalValues,
) -> Path:
    """Keep a failed run under its own name, with the failure in its index (no personal value)."""
    if not tmp.exists():
        tmp.mkdir()
    for f in list(tmp.glob("figures-*.json")) + list(tmp.glob("suppressed-*.json")):
        f.unlink()
    status = "failed" if entries else "interrupted"
    leaks = scan_personal(tmp, personal)
    if leaks:  # a file shows personal data (the error quotes one): that file goes
        entries = _remove_leaking(tmp, entries, leaks)
    render_index(
        tmp / "index.html",
        name,
        entries,
        _index_params(params),
        language=params.get("language", "en"),
        status=status,
        failure=failure,
        version=_version(),
    )
    manifest = {
        "govsurvey_manifest": MANIFEST_VERSION,
        "status": status,
        "run_name": name,
        "failure": failure,
        "parameters": portable_params(params),
        "outputs": _outputs(tmp),
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
    folder = reports / f"{name}.failed-{_stamp()}"
    k = 1
    while folder.exists():
        folder = reports / f"{name}.failed-{_stamp()}-{k}"
        k += 1
    os.rename(tmp, folder)
    log.error("run %s failed (%s); kept in %s", name, failure, folder)
    return folder


# --------------------------------------------------------------------------- failures


def failure_text(file: str, cell: Any, ename: str, evalue: str, language: str = "en") -> str:
    """What a failed run's page says: where it stopped, the error itself and what to do.

    An input error (bad data or parameters) is shown as its message, whose every problem names
    its fix; any other error is a bug in govsurvey, said as such.

    Examples
    --------
    >>> print(failure_text("03_satisfaction_index.ipynb", 7, "InputError",
    ...                    "r.csv, row 3: bad. Fix: fix it", "en"))
    03_satisfaction_index.ipynb (cell 7) stopped on a problem with the data or parameters:
    r.csv, row 3: bad. Fix: fix it
    Correct the file or parameter named above, then run again.
    """
    vi = language == "vi"
    step = f" (cell {cell})" if cell is not None else ""
    if ename == "InputError":
        head = (
            f"{file}{step} dừng vì một lỗi trong dữ liệu hoặc tham số:"
            if vi
            else f"{file}{step} stopped on a problem with the data or parameters:"
        )
        tail = (
            "Sửa tệp hoặc tham số nêu trên rồi chạy lại."
            if vi
            else "Correct the file or parameter named above, then run again."
        )
    else:
        head = f"{file}{step} {'dừng vì lỗi' if vi else 'stopped with'} {ename}:"
        tail = (
            "Đây là lỗi của govsurvey, không phải của dữ liệu: hãy báo lỗi cho nhóm phát triển "
            "kèm lệnh đã chạy và trang này (dữ liệu không cần gửi)."
            if vi
            else "This is a bug in govsurvey, not a problem with your data: please report it "
            "with the command you ran and this page (no data need be sent)."
        )
    return f"{head}\n{evalue.strip()}\n{tail}"


def _redacted(err: InputError, personal: PersonalValues) -> InputError:
    """``err`` with every personal value in its messages withheld (a message on a terminal
    never quotes a respondent's name or phone, whichever check wrote it)."""
    out = []
    for p in err.problems:
        value = p.value
        if value is not None and personal.redact(str(value)) != str(value):
            value = None
        out.append(
            Problem(
                personal.redact(p.what),
                personal.redact(p.fix),
                p.file,
                p.row,
                p.column,
                value,
                personal.redact(p.what_vi) if p.what_vi else None,
                personal.redact(p.fix_vi) if p.fix_vi else None,
            )
        )
    return InputError(out)


def _message_only(notebook: Path) -> None:
    """An input error's output in an executed notebook: its message, without the traceback or
    the cell's code (a publisher reads what is wrong and its fix, not Python)."""
    import nbformat

    try:
        nb = nbformat.read(str(notebook), as_version=4)
    except (OSError, ValueError):  # pragma: no cover - papermill wrote it just before
        return
    for c in nb.cells:
        for o in c.get("outputs", []) if c.cell_type == "code" else []:
            if o.get("output_type") == "error" and o.get("ename") == "InputError":
                o["traceback"] = [f"{o.get('ename')}: {o.get('evalue', '')}"]
                tags = set(c.metadata.get("tags", [])) | {"govsurvey-hide-input"}
                c.metadata["tags"] = sorted(tags)
    nbformat.write(nb, str(notebook))


def _remove_leaking(tmp: Path, entries: list[IndexEntry], leaks: list[Leak]) -> list[IndexEntry]:
    """Delete the files that show personal values; the index no longer links to them."""
    gone = {leak.file for leak in leaks}
    for f in gone:
        (tmp / f).unlink(missing_ok=True)
    return [
        IndexEntry(e.id, e.title, None if e.href in gone else e.href, e.status, e.note)
        for e in entries
    ]


def _withheld(
    tmp: Path,
    reports: Path,
    name: str,
    params: dict[str, Any],
    entries: list[IndexEntry],
    leaks: list[Leak],
) -> InputError:
    """A complete run whose files show personal values: those files are deleted, the rest is
    kept as a failed run (never published), and the error names each file, column and kind of
    value (never the value) with what a publisher can do."""
    lang = params.get("language", "vi")
    entries = _remove_leaking(tmp, entries, leaks)
    for p in ("figures.json", "manifest.json"):
        (tmp / p).unlink(missing_ok=True)
    cols = sorted({leak.column for leak in leaks})
    fix = (
        "the run was not published (the files named were deleted, the others kept in the "
        "failed run's folder). Check that no personal column "
        f"({', '.join(cols)}) is named in the parameters (domains, weighting cells, "
        "covariates, disposition) and that personal values are typed only in their own "
        "columns of the responses file (not in an answer, weight or district cell); then run "
        "again"
    )
    fix_vi = (
        "lần chạy không được công bố (các tệp nêu trên đã bị xóa, các tệp khác giữ trong thư "
        f"mục lần chạy thất bại). Kiểm tra rằng không cột cá nhân nào ({', '.join(cols)}) được "
        "nêu trong tham số (domains, ô gia quyền, biến giải thích, disposition) và giá trị cá "
        "nhân chỉ ghi ở đúng cột của nó trong tệp dữ liệu (không ghi vào ô câu trả lời, trọng "
        "số hay quận/huyện); rồi chạy lại"
    )

    def kind_vi(kind: str) -> str:
        kind = re.sub(r"a number of (\d+) digits", r"một số có \1 chữ số", kind)
        return re.sub(r"a text of (\d+) word\(s\)", r"một đoạn chữ gồm \1 từ", kind)

    problems = [
        Problem(
            what=f"the run would publish personal data: {leak.count} value(s) of the personal "
            f"column '{leak.column}' ({leak.kind})",
            fix=fix,
            file=leak.file,
            what_vi=f"lần chạy sẽ công bố dữ liệu cá nhân: {leak.count} giá trị của cột cá "
            f"nhân '{leak.column}' ({kind_vi(leak.kind)})",
            fix_vi=fix_vi,
        )
        for leak in leaks
    ]
    err = InputError(problems)
    folder = _fail(tmp, reports, name, params, entries, err.text(lang), PersonalValues({}))
    for p in problems:
        p.fix = p.fix.replace("the failed run's folder", str(folder))
        if p.fix_vi:
            p.fix_vi = p.fix_vi.replace("thư mục lần chạy thất bại", str(folder))
    return InputError(problems)
