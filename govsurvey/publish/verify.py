"""Verify a run folder: re-derive everything, trust nothing it says.

:func:`verify` reads ``manifest.json`` only as a list of claims, each checked:

- every output file (HTML, executed notebooks, ``figures.json``, ``index.html``,
  ``parameters.yaml``) against its SHA-256, and no file missing or added;
- the parameters recorded against the copy of the parameters file in the folder;
- every input file (responses, frame, truth, instrument) against its SHA-256;
- the versions of every installed distribution, ``constraints.txt`` and the git commit against
  the running environment (differences reported as such, with the packages named);
- then it reruns the package's own notebooks (named in the manifest only by identifier, never
  by path) into a temporary folder and compares every figure and every report with the run's.

The folder is walked without following a link: a symbolic link (even to a file of the same
content, or one that loops), a FIFO or other special file, and a file or folder the run did
not write are each named as a difference; so is a run folder that is itself a link. The
manifest's own fields are checked where they can be: its version and status, the run name
against the parameters, each notebook's timing against the duration its executed notebook
records (a hashed output), the start and end of the run against the notebooks' own times, and
no entry the run does not write.

Its report names each difference. A damaged or missing file is a clear message. The verdict
says what was done: with ``rerun=False`` it is "files unchanged; figures not re-derived", never
a claim that a rerun gave identical figures.
"""

from __future__ import annotations

import json
import logging
import math
import os
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ..config import params as _registry
from ..config.params import INPUT_FILES, parse_yaml, short, validate_params
from ..errors import InputError
from .run import (
    MANIFEST_VERSION,
    code_checksums,
    constraints_path,
    environment_versions,
    execute,
    file_sha256,
    portable_params,
)

__all__ = ["VerifyResult", "verify"]

log = logging.getLogger(__name__)

#: Differences listed in the text of a result before "... and N more".
MAX_LISTED = 60


#: The verdicts, by language: a full verification, files only (``rerun=False``), not verified.
VERDICTS: dict[str, dict[str, str]] = {
    "en": {
        "verified": "verified: every input and output file unchanged, the same environment, and "
        "the rerun gives every figure and report identical",
        "files": "files unchanged; figures not re-derived (--no-rerun): every input and output "
        "file matches manifest.json and the environment is the same; run verify without "
        "--no-rerun to re-derive every figure and report",
        "not": "NOT verified ({n} difference{s}):",
        "environment": "environment",
    },
    "vi": {
        "verified": "đã kiểm chứng: mọi tệp đầu vào và đầu ra không đổi, cùng môi trường, và "
        "chạy lại cho mọi số liệu và báo cáo giống hệt",
        "files": "tệp không đổi; số liệu chưa được tính lại (--no-rerun): mọi tệp đầu vào và "
        "đầu ra khớp với manifest.json và môi trường như cũ; chạy verify không có --no-rerun "
        "để tính lại mọi số liệu và báo cáo",
        "not": "KHÔNG kiểm chứng được ({n} khác biệt):",
        "environment": "môi trường",
    },
}


@dataclass
class VerifyResult:
    """Outcome of :func:`verify`.

    ``differences`` are what makes the run not verified (files, links, inputs, parameters,
    manifest fields, figures, reports); ``environment`` lists versions, lock file and commit
    that differ from the run's (also not verified: a rerun cannot be expected to be identical
    in another environment). ``rerun`` says whether the figures were re-derived; the verdict
    (``str``) says so in ``language`` (``"vi"`` or ``"en"``).

    Examples
    --------
    >>> print(VerifyResult(False, ["figures.json: changed since the run (SHA-256 differs)"]))
    NOT verified (1 difference):
      figures.json: changed since the run (SHA-256 differs)
    >>> print(VerifyResult(True, rerun=False, language="vi"))  # doctest: +ELLIPSIS
    tệp không đổi; số liệu chưa được tính lại (--no-rerun): ...
    """

    ok: bool
    differences: list[str] = field(default_factory=list)
    environment: list[str] = field(default_factory=list)
    inputs_changed: list[str] = field(default_factory=list)
    rerun: bool = False
    language: str = "en"

    def __str__(self) -> str:
        words = VERDICTS.get(self.language, VERDICTS["en"])
        if self.ok:
            return words["verified"] if self.rerun else words["files"]
        items = self.differences + [f"{words['environment']}: {e}" for e in self.environment]
        n = len(items)
        lines = [words["not"].format(n=n, s="s" if n != 1 else "")]
        lines += [f"  {d}" for d in items[:MAX_LISTED]]
        if n > MAX_LISTED:
            lines.append(f"  ... and {n - MAX_LISTED} more")
        return "\n".join(lines)


def _damaged(folder: Path, what: str) -> InputError:
    return InputError.one(
        f"manifest.json is damaged: {what}",
        "verify needs the folder exactly as `govsurvey run` wrote it; get an intact copy "
        "from the publisher",
        file=str(folder / "manifest.json"),
    )


def _read_manifest(folder: Path) -> dict[str, Any]:
    if not folder.is_dir():
        raise InputError.one(
            "no such run folder", "give a folder written by `govsurvey run`", file=str(folder)
        )
    mpath = folder / "manifest.json"
    if not mpath.is_file():
        raise InputError.one(
            "no manifest.json in this folder: it was not written by `govsurvey run`, or the "
            "manifest was deleted",
            "give the folder `govsurvey run` wrote (reports/<run_name>/), complete",
            file=str(folder),
        )
    try:
        manifest = json.loads(mpath.read_text("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _damaged(folder, f"not JSON ({short(str(exc), 80)})") from None
    if not isinstance(manifest, dict):
        raise _damaged(folder, "not a JSON object")
    status = manifest.get("status")
    if status in ("failed", "interrupted"):
        raise InputError.one(
            f"this run did not complete (status {status}): there is nothing to verify",
            "verify a complete run folder (reports/<run_name>/, not a .failed- one)",
            file=str(folder),
        )
    need = {
        "notebooks": list,
        "parameters": dict,
        "inputs": dict,
        "outputs": dict,
        "versions": dict,
        "params_file": dict,
    }
    for key, kind in need.items():
        if not isinstance(manifest.get(key), kind):
            raise _damaged(folder, f"the entry '{key}' is missing or not a {kind.__name__}")
    for name, digest in manifest["outputs"].items():
        pure = PurePosixPath(name)
        if not name or pure.is_absolute() or ".." in pure.parts or "\\" in name:
            raise _damaged(
                folder, f"the output {short(name, 80)} is not a file name inside the run folder"
            )
        if not isinstance(digest, str):
            raise _damaged(folder, f"the output {short(name, 80)} has no SHA-256")
    return manifest


def _resolve_input(path: str, folder: Path) -> Path | None:
    p = Path(path)
    if p.is_absolute():
        return p
    for base in (Path.cwd(), folder.resolve().parent.parent):
        if (base / p).is_file():
            return base / p
    return None


def _compare(a: Any, b: Any, where: str) -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{where}.{k}: only in the published run" for k in sorted(a.keys() - b.keys())]
        out += [f"{where}.{k}: only in the rerun" for k in sorted(b.keys() - a.keys())]
        for k in sorted(a.keys() & b.keys()):
            out += _compare(a[k], b[k], f"{where}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} rows published, {len(b)} on rerun"]
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out += _compare(x, y, f"{where}[{i}]")
        return out
    same = a == b and type(a) is type(b) or (isinstance(a, float) and a != a and b != b)
    return [] if same else [f"{where}: published {short(a)}, rerun {short(b)}"]


def _notebook_content(path: Path) -> list[Any]:
    """What an executed notebook shows: each cell's source and outputs (no timing metadata,
    no injected parameters, which hold this machine's paths)."""
    nb = json.loads(path.read_text("utf-8"))
    out = []
    for c in nb.get("cells", []):
        tags = set(c.get("metadata", {}).get("tags", []))
        if "injected-parameters" in tags:
            continue
        outputs = [
            {k: v for k, v in o.items() if k not in ("execution_count", "metadata")}
            for o in c.get("outputs", [])
        ]
        out.append({"type": c.get("cell_type"), "source": c.get("source"), "outputs": outputs})
    return out


def _first_difference(a: str, b: str) -> str:
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb, strict=False)):
        if x != y:
            return f"line {i + 1}"
    return f"line {min(len(la), len(lb)) + 1}"


_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _walk(folder: Path) -> tuple[dict[str, Path], set[str], list[str]]:
    """The regular files and folders below ``folder`` by relative path, never following a
    link, and a difference for every entry that is neither (links, FIFOs, devices)."""
    files: dict[str, Path] = {}
    folders: set[str] = set()
    odd: list[str] = []
    stack = [folder]
    while stack:
        here = stack.pop()
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError as exc:
            rel = here.relative_to(folder).as_posix()
            odd.append(f"{rel}/: cannot be read ({exc.strerror or exc.__class__.__name__})")
            continue
        for entry in entries:
            path = Path(entry.path)
            rel = path.relative_to(folder).as_posix()
            try:
                st = os.lstat(path)
            except OSError as exc:  # pragma: no cover - removed while walking
                odd.append(f"{rel}: cannot be read ({exc.strerror})")
                continue
            if stat.S_ISLNK(st.st_mode):
                try:
                    target = os.readlink(path)
                except OSError:  # pragma: no cover - removed while walking
                    target = "?"
                odd.append(
                    f"{rel}: a symbolic link (to {_plain(target)}), not a file the run wrote; "
                    "verify never follows links"
                )
            elif stat.S_ISDIR(st.st_mode):
                folders.add(rel)
                stack.append(path)
            elif stat.S_ISREG(st.st_mode):
                files[rel] = path
            else:
                kind = next((k for test, k in _KINDS if test(st.st_mode)), "a special file")
                odd.append(f"{rel}: {kind}, not a file the run wrote")
    return files, folders, odd


def _check_files(folder: Path, manifest: dict[str, Any]) -> list[str]:
    out = []
    if folder.is_symlink():
        out.append(
            f"{folder}: the run folder is a symbolic link (to {_plain(os.readlink(folder))}), "
            "not the folder the run wrote; verify the folder itself"
        )
    recorded: dict[str, str] = manifest["outputs"]
    files, folders, odd = _walk(folder)
    out += odd
    present = {name for name in files if name != "manifest.json"}
    for name in sorted(recorded):
        if name not in present:
            out.append(f"{name}: missing from the run folder")
        elif file_sha256(files[name]) != recorded[name]:
            out.append(f"{name}: changed since the run (SHA-256 differs)")
    out += [
        f"{name}: not a file of the run (added later)" for name in sorted(present - set(recorded))
    ]
    holding = {p for name in recorded for p in map(str, PurePosixPath(name).parents)}
    out += [
        f"{name}/: a folder that is not part of the run (added later)"
        for name in sorted(folders - holding)
    ]
    return out


#: The entries a complete run's manifest.json holds (run.py writes exactly these).
MANIFEST_KEYS = frozenset(
    {
        "govsurvey_manifest",
        "status",
        "run_name",
        "notebooks",
        "parameters",
        "params_file",
        "inputs",
        "outputs",
        "suppression",
        "versions",
        "constraints_sha256",
        "git",
        "code",
        "started",
        "finished",
        "timings_seconds",
        "command",
    }
)
#: Seconds of slack between the run's start and end (recorded to the second) and the
#: notebooks' own times (recorded to the microsecond).
_CLOCK_SLACK = 1.0


def _plain(text: object, limit: int = 120) -> str:
    """``text`` as it is (no quotes), cut to ``limit`` characters."""
    t = str(text)
    return t if len(t) <= limit else t[: limit - 1] + "…"


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        return None
    return t if t.tzinfo is not None else None


def _papermill_times(path: Path) -> dict[str, Any] | None:
    try:
        nb = json.loads(path.read_text("utf-8"))
        pm = nb["metadata"]["papermill"]
        return {
            "duration": float(pm["duration"]),
            "start": datetime.fromisoformat(str(pm["start_time"])),
            "end": datetime.fromisoformat(str(pm["end_time"])),
        }
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _check_manifest(folder: Path, manifest: dict[str, Any], params: dict[str, Any]) -> list[str]:
    """The manifest's own fields, each checked against what it can be checked with."""
    out = []
    where = "manifest.json"
    for key in sorted(set(manifest) - MANIFEST_KEYS):
        out.append(f"{where}: the entry {short(key, 40)} is not one a run writes (added later)")
    for key in sorted(MANIFEST_KEYS - set(manifest)):
        out.append(f"{where}: the entry '{key}' a run writes is missing")
    if manifest.get("govsurvey_manifest") != MANIFEST_VERSION:
        out.append(
            f"{where}: govsurvey_manifest is {short(manifest.get('govsurvey_manifest'))}, not "
            f"{MANIFEST_VERSION} (the version this govsurvey writes and checks)"
        )
    if manifest.get("status") != "complete":
        out.append(f"{where}: status is {short(manifest.get('status'))}, not 'complete'")
    if manifest.get("run_name") != params.get("run_name"):
        out.append(
            f"{where}: run_name is {short(manifest.get('run_name'))}, but the parameters name "
            f"the run {short(params.get('run_name'))}"
        )
    recorded = manifest["parameters"]
    inputs = manifest["inputs"]
    for key in INPUT_FILES:
        value, entry = recorded.get(key), inputs.get(key)
        path = entry.get("path") if isinstance(entry, dict) else None
        if value and path != value:
            out.append(
                f"{where}: inputs.{key} records {short(path)}, but the parameters name "
                f"{short(value)}"
            )
        elif not value and entry is not None:
            out.append(f"{where}: inputs.{key} records a file the parameters do not name")
    if "instrument" not in inputs:
        out.append(f"{where}: inputs.instrument is missing (every run records its instrument)")
    suppression = manifest.get("suppression")
    if "suppression" in manifest and not (
        isinstance(suppression, dict)
        and all(
            isinstance(v, dict)
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in v.values())
            for v in suppression.values()
        )
    ):
        out.append(f"{where}: suppression is not a count of suppressed cells per notebook")
    ids = list(manifest["notebooks"])
    if ids != sorted(set(ids)):
        out.append(f"{where}: notebooks {short(ids)} are not distinct and in order")
    timings = manifest.get("timings_seconds")
    started, finished = _instant(manifest.get("started")), _instant(manifest.get("finished"))
    for key, value in (("started", started), ("finished", finished)):
        if key in manifest and value is None:
            out.append(f"{where}: {key} is {short(manifest.get(key))}, not a time with its zone")
    if started and finished and finished < started:
        out.append(f"{where}: the run finished ({finished}) before it started ({started})")
    if not isinstance(timings, dict):
        if "timings_seconds" in manifest:
            out.append(f"{where}: timings_seconds is not a mapping of notebook to seconds")
        return out
    for key in sorted(set(map(str, timings)) - set(ids)):
        out.append(
            f"{where}: timings_seconds.{_plain(key, 20)} times a notebook the run did not run"
        )
    for nid in ids:
        if nid not in _registry.NOTEBOOKS:
            continue
        value = timings.get(nid)
        recorded = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        if recorded is None or not math.isfinite(recorded) or recorded < 0:
            out.append(f"{where}: timings_seconds.{nid} is {short(value)}, not a number of seconds")
            continue
        name = _registry.NOTEBOOKS[nid].file
        nb = folder / name
        if not nb.is_file() or nb.is_symlink():
            continue  # named by the file check
        times = _papermill_times(nb)
        if times is None:
            out.append(f"{where}: timings_seconds.{nid}: {name} records no execution time")
            continue
        if round(times["duration"], 3) != round(float(recorded), 3):
            out.append(
                f"{where}: timings_seconds.{nid} is {recorded:g} s, but {name} records "
                f"{times['duration']:.3f} s of execution"
            )
        for key, bound in (("start", started), ("end", finished)):
            t = times[key]
            if bound is None or t.tzinfo is None:
                continue
            gap = (t - bound).total_seconds()
            if (key == "start" and gap < -_CLOCK_SLACK) or (key == "end" and gap > _CLOCK_SLACK):
                out.append(
                    f"{where}: {'started' if key == 'start' else 'finished'} is "
                    f"{manifest.get('started' if key == 'start' else 'finished')}, but {name} "
                    f"{'started' if key == 'start' else 'ended'} at {t.isoformat()}"
                )
    return out


def _check_inputs(folder: Path, manifest: dict[str, Any]) -> tuple[list[str], list[str]]:
    out, changed = [], []
    for key, entry in sorted(manifest["inputs"].items()):
        if not isinstance(entry, dict) or not {"path", "sha256"} <= set(entry):
            raise _damaged(folder, f"the input entry '{key}' lacks its path or sha256")
        p = _resolve_input(str(entry["path"]), folder)
        if p is None or not p.is_file():
            out.append(f"input {key} ({entry['path']}): missing")
            changed.append(key)
        elif file_sha256(p) != entry["sha256"]:
            out.append(f"input {key} ({entry['path']}): changed since the run (SHA-256 differs)")
            changed.append(key)
    return out, changed


def _check_environment(manifest: dict[str, Any]) -> list[str]:
    out = []
    here = environment_versions()
    then = manifest["versions"]
    diff = sorted(
        f"{k} {then.get(k) or 'absent'} in the run, {here.get(k) or 'absent'} here"
        for k in set(then) | set(here)
        if then.get(k) != here.get(k)
    )
    if diff:
        out.append(f"versions differ ({len(diff)} package(s)): " + "; ".join(diff))
    lock = constraints_path()
    now = file_sha256(lock) if lock.is_file() else None
    if manifest.get("constraints_sha256") != now:
        out.append(
            "constraints.txt differs from the run's lock (SHA-256 "
            f"{str(manifest.get('constraints_sha256'))[:12]}… in the run, "
            f"{str(now)[:12]}… here)"
        )
    then_code = manifest.get("code")
    then_code = {str(k): v for k, v in then_code.items()} if isinstance(then_code, dict) else {}
    then_code = {k: v for k, v in then_code.items() if k == "package" or k in _registry.NOTEBOOKS}
    here_code = code_checksums([k for k in then_code if k != "package"])
    for key in sorted(set(then_code) | set(here_code)):
        if then_code.get(key) != here_code.get(key):
            what = "govsurvey's source" if key == "package" else f"notebook {key}"
            out.append(f"{what} differs from the run's (SHA-256)")
    from .run import git_commit

    git = git_commit()
    then_git = manifest.get("git") if isinstance(manifest.get("git"), dict) else {}
    if then_git.get("commit") != git.get("commit") or then_git.get("dirty") != git.get("dirty"):
        out.append(
            f"git commit differs: {str(then_git.get('commit'))[:40]}"
            f"{' (with uncommitted changes)' if then_git.get('dirty') else ''} in the run, "
            f"{git.get('commit')}{' (with uncommitted changes)' if git.get('dirty') else ''} here"
        )
    return out


def _params(folder: Path, manifest: dict[str, Any], ids: list[str]) -> tuple[dict, list[str]]:
    """Validate the recorded parameters (never trusted as they are) and compare them with
    the folder's copy of the parameters file."""
    out = []
    recorded = dict(manifest["parameters"])
    base = Path.cwd()
    for key in (*INPUT_FILES, "instrument"):
        v = recorded.get(key)
        if isinstance(v, str) and v and not Path(v).is_absolute():
            p = _resolve_input(v, folder)
            if p is not None:
                recorded[key] = str(p)
    try:
        params = validate_params(
            recorded, base=base, file=str(folder / "manifest.json"), notebooks=ids
        )
    except InputError as err:
        raise InputError(
            [
                type(p)(
                    what=f"the parameters recorded in manifest.json: {p.what}",
                    fix="the manifest was changed or damaged; get an intact copy of the run",
                    file=p.file,
                    row=p.row,
                    column=p.column,
                )
                for p in err.problems
            ]
        ) from None
    copy = folder / "parameters.yaml"
    if copy.is_file():
        pf = manifest["params_file"]
        origin = Path(str(pf.get("path", "")))
        origin_dir = origin.parent if origin.is_absolute() else (Path.cwd() / origin).parent
        try:
            raw = parse_yaml(copy.read_text("utf-8"), file=str(copy)) or {}
            from_copy = portable_params(
                validate_params(raw, base=origin_dir, file=str(copy), notebooks=ids)
            )
        except (InputError, UnicodeDecodeError) as exc:
            out.append(
                f"parameters.yaml: cannot be read as the run's parameters ({short(str(exc), 120)})"
            )
        else:
            rec = portable_params(params)
            for k in sorted(set(rec) | set(from_copy)):
                if rec.get(k) != from_copy.get(k):
                    out.append(
                        f"parameter {k}: {short(rec.get(k))} in manifest.json, "
                        f"{short(from_copy.get(k))} in parameters.yaml"
                    )
        if file_sha256(copy) != pf.get("sha256"):
            out.append("parameters.yaml: not the parameters file the run recorded (SHA-256)")
    return params, out


def verify(
    run_folder: str | Path,
    rerun: bool = True,
    progress: bool = False,
    language: str = "en",
) -> VerifyResult:
    """Check a run folder and rerun its analysis; every difference is named.

    Parameters
    ----------
    run_folder : str or Path
        A folder written by ``govsurvey run``.
    rerun : bool, default True
        Rerun the notebooks into a temporary folder and compare figures and reports; without
        it the verdict says the files are unchanged and the figures not re-derived.
    language : {"en", "vi"}, default "en"
        Language of the verdict.

    Returns
    -------
    VerifyResult
        ``ok`` only when nothing differs: files, inputs, parameters, environment, rerun.

    Raises
    ------
    InputError
        When the folder is not a run folder, its manifest is damaged or names a notebook
        that is not one of the package's, or its parameters are not valid.

    Examples
    --------
    >>> import govsurvey as gs
    >>> print(gs.verify("reports/default"))  # doctest: +SKIP
    verified: every input and output file unchanged, ...
    """
    folder = Path(run_folder)
    manifest = _read_manifest(folder)
    ids = manifest["notebooks"]
    known = _registry.available_notebooks()
    for nid in ids:
        if not isinstance(nid, str) or nid not in known:
            raise InputError.one(
                f"manifest.json names the notebook {short(nid, 40)}, which is not one of "
                f"govsurvey's notebooks ({', '.join(known)}); verify runs only the package's "
                "own notebooks",
                "the manifest was changed or damaged; get an intact copy of the run",
                file=str(folder / "manifest.json"),
            )
    differences = _check_files(folder, manifest)
    inputs, changed = _check_inputs(folder, manifest)
    differences += inputs
    params, param_diffs = _params(folder, manifest, list(ids))
    differences += param_diffs
    differences += _check_manifest(folder, manifest, params)
    if language not in VERDICTS:
        raise InputError.one(f"no verdict in the language {short(language, 20)}", "choose vi or en")
    environment = _check_environment(manifest)
    did_rerun = False
    if rerun and not changed:
        did_rerun = True
        differences += _rerun(folder, manifest, params, list(ids), progress)
    elif rerun:
        differences.append("not rerun: an input file is missing or changed")
    ok = not differences and not environment
    return VerifyResult(ok, differences, environment, changed, did_rerun, language)


def _rerun(
    folder: Path, manifest: dict[str, Any], params: dict[str, Any], ids: list[str], progress: bool
) -> list[str]:
    from .run import collect_figures, write_index

    out = []
    with tempfile.TemporaryDirectory(prefix="govsurvey-verify-") as tmp:
        new = Path(tmp)
        done = execute(params, ids, new, progress=progress)
        if done.failure is not None:
            f = done.failure
            return [
                f"the rerun stopped in notebook {f.notebook} at cell {f.cell}: {f.ename}: "
                f"{short(f.evalue, 200)}"
            ]
        collect_figures(new)
        write_index(new, params, done)
        for name in ("index.html",):
            a, b = folder / name, new / name
            if a.is_file() and a.read_bytes() != b.read_bytes():
                out.append(f"{name}: differs from the rerun's index")
        old_fig = folder / "figures.json"
        if old_fig.is_file():
            try:
                old = json.loads(old_fig.read_text("utf-8"))
            except ValueError:
                out.append("figures.json: damaged (not JSON)")
            else:
                out += _compare(
                    old, json.loads((new / "figures.json").read_text("utf-8")), "figures"
                )
        recorded_supp = manifest.get("suppression")
        if recorded_supp is not None and recorded_supp != done.suppression:
            out.append(
                f"suppressed cells: {short(recorded_supp)} recorded, {short(done.suppression)} "
                "on rerun"
            )
        for nid in ids:
            name = _registry.NOTEBOOKS[nid].file
            html = Path(name).with_suffix(".html").name
            a, b = folder / html, new / html
            if a.is_file() and b.is_file():
                ta, tb = a.read_text("utf-8", "replace"), b.read_text("utf-8", "replace")
                if ta != tb:
                    out.append(
                        f"{html}: differs from the rerun's report (first at "
                        f"{_first_difference(ta, tb)})"
                    )
            a, b = folder / name, new / name
            if a.is_file():
                try:
                    same = _notebook_content(a) == _notebook_content(b)
                except (ValueError, UnicodeDecodeError):
                    out.append(f"{name}: damaged (not a notebook)")
                else:
                    if not same:
                        out.append(f"{name}: its cells or outputs differ from the rerun's")
    return out
