"""Runs: execute every notebook on a parameters file, publish code-free HTML, verify a run.

``govsurvey run params/X.yaml`` writes ``reports/<run_name>/`` with the executed notebooks, one
self-contained HTML report per notebook (no code, nothing fetched from the network), an
``index.html`` linking them, ``figures.json`` (every headline figure at full precision) and
``manifest.json`` (input SHA-256s, parameters, versions, git commit, timings).
``govsurvey verify reports/<run_name>/`` reruns the analysis and compares the figures.
"""

from __future__ import annotations

import html
import json
import logging
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from .errors import InputError
from .instrument import load_instrument
from .io import file_sha256, read_responses
from .report import load_params

__all__ = ["run", "verify", "render_html", "notebooks_dir", "VerifyResult"]

log = logging.getLogger(__name__)

_VERSIONED = (
    "govsurvey",
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
    "pyyaml",
)


def notebooks_dir() -> Path:
    """The project's ``notebooks/`` folder (next to the package in a source checkout)."""
    return Path(__file__).resolve().parent.parent / "notebooks"


def _portable(path: str | Path) -> str:
    """A path relative to the working folder when it lies below it (so a run moves with it)."""
    p = Path(path).resolve()
    try:
        return str(p.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def _git_commit() -> dict[str, Any]:
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return {"commit": commit, "dirty": bool(dirty)}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}


def _versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def render_html(notebook: str | Path, html_path: str | Path) -> Path:
    """Render an executed notebook as a code-free, self-contained HTML report.

    Code cells' input and prompts are left out; figures are embedded as data URIs; the page
    loads no script, style or font from the network.

    Examples
    --------
    >>> from govsurvey.run import render_html
    >>> render_html("reports/default/03_satisfaction_index.ipynb", "out.html")  # doctest: +SKIP
    """
    import nbformat
    from nbconvert import HTMLExporter

    templates = resources.files("govsurvey") / "templates"
    exporter = HTMLExporter(
        template_name="report",
        extra_template_basedirs=[str(templates)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    nb = nbformat.read(str(notebook), as_version=4)
    # the parameters cells are for machines, not for readers
    nb.cells = [
        c
        for c in nb.cells
        if not {"parameters", "injected-parameters"} & set(c.get("metadata", {}).get("tags", []))
    ]
    body, _ = exporter.from_notebook_node(nb)
    external = re.findall(r"""<(?:script|link|img)[^>]+(?:src|href)=["'](https?:)?//""", body)
    if external:
        raise RuntimeError(f"{notebook}: rendered HTML refers to network resources")
    Path(html_path).write_text(body, encoding="utf-8")
    return Path(html_path)


def _personal_values(params: dict[str, Any]) -> set[str]:
    """Values of the personal columns of the responses file, to make sure none is published."""
    try:
        resp = read_responses(params["responses"], params["instrument"], on_error="exclude")
    except InputError:
        return set()  # a file-level problem: the notebooks' own reading reports it and stops
    if not resp.personal_columns:
        return set()
    values = resp.data[resp.personal_columns].astype("string").stack().dropna()
    return {v for v in values.astype(str) if len(v.strip()) >= 6}


def run(
    params_path: str | Path,
    reports_dir: str | Path = "reports",
    run_dir: str | Path | None = None,
    notebooks: list[str | Path] | None = None,
) -> Path:
    """Execute every notebook on a parameters file and publish the run.

    Parameters
    ----------
    params_path : str or Path
        Flat YAML parameters, validated before anything runs.
    reports_dir : str or Path
        The run goes to ``<reports_dir>/<run_name>/`` unless ``run_dir`` is given.
    notebooks : list, optional
        Notebooks to run (default: every ``notebooks/NN_*.ipynb``, in order).

    Returns
    -------
    Path
        The run folder.

    Examples
    --------
    >>> import govsurvey as gs
    >>> gs.run("params/default.yaml")  # doctest: +SKIP
    PosixPath('reports/default')
    """
    import papermill as pm

    params_path = Path(params_path)
    params = load_params(params_path)
    nbs = (
        [Path(n) for n in notebooks]
        if notebooks
        else sorted(notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    )
    if not nbs:
        raise InputError.one(
            "no notebooks found",
            "run from a source checkout that has notebooks/",
            file=str(notebooks_dir()),
        )
    out = Path(run_dir) if run_dir else Path(reports_dir) / params["run_name"]
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("figures-*.json"):
        stale.unlink()
    personal = _personal_values(params)
    timings: dict[str, float] = {}
    reports = []
    for nb in nbs:
        declared = pm.inspect_notebook(str(nb))
        passed = {k: params[k] for k in declared if k in params}
        passed["output_dir"] = str(out.resolve())
        target = out / nb.name
        log.info("running %s", nb.name)
        t0 = time.perf_counter()
        pm.execute_notebook(
            str(nb),
            str(target),
            parameters=passed,
            cwd=str(nb.parent),
            kernel_name="python3",
            progress_bar=False,
            report_mode=False,
        )
        html_path = render_html(target, out / (nb.stem + ".html"))
        timings[nb.name] = round(time.perf_counter() - t0, 3)
        text = html_path.read_text(encoding="utf-8")
        leaked = sorted(v for v in personal if v in text)
        if leaked:
            html_path.unlink()
            raise RuntimeError(
                f"{nb.name}: the report would publish personal data ({len(leaked)} value(s) of "
                "the personal columns); it was deleted. Publish through gs.Publisher."
            )
        reports.append((nb.stem, html_path.name))
    figures = {}
    for f in sorted(out.glob("figures-*.json")):
        figures[f.stem.removeprefix("figures-")] = json.loads(f.read_text("utf-8"))
        f.unlink()
    (out / "figures.json").write_text(
        json.dumps(figures, indent=1, ensure_ascii=False, sort_keys=True) + "\n", "utf-8"
    )
    inst = load_instrument(params["instrument"])
    inputs = {
        k: {"path": _portable(params[k]), "sha256": file_sha256(params[k])}
        for k in ("responses", "frame", "truth")
        if params.get(k)
    }
    inputs["instrument"] = {"path": _portable(inst.path), "sha256": file_sha256(inst.path)}
    manifest = {
        "run_name": params["run_name"],
        "params_file": str(params_path),
        "params_sha256": file_sha256(params_path),
        "parameters": params,
        "inputs": inputs,
        "notebooks": [n.name for n in nbs],
        "timings_seconds": timings,
        "versions": _versions(),
        "git": _git_commit(),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
    links = "\n".join(
        f'<li><a href="{html.escape(f)}">{html.escape(s)}</a></li>' for s, f in reports
    )
    (out / "index.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>govsurvey run {html.escape(params['run_name'])}</title></head><body>"
        f"<h1>govsurvey run “{html.escape(params['run_name'])}”</h1><ul>{links}</ul>"
        "<p>Figures: <a href='figures.json'>figures.json</a>; provenance: "
        "<a href='manifest.json'>manifest.json</a>. Re-derive with "
        f"<code>govsurvey verify {html.escape(str(out))}</code>.</p></body></html>\n",
        "utf-8",
    )
    log.info("run written to %s", out)
    return out


@dataclass
class VerifyResult:
    """Outcome of :func:`verify`: whether inputs and every figure match the published run."""

    ok: bool
    inputs_changed: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if self.ok:
            return "verified: inputs unchanged and every figure identical"
        lines = ["NOT verified:"]
        lines += [f"  input changed: {k}" for k in self.inputs_changed]
        lines += [f"  {d}" for d in self.differences[:50]]
        if len(self.differences) > 50:
            lines.append(f"  … and {len(self.differences) - 50} more differences")
        return "\n".join(lines)


def verify(run_folder: str | Path) -> VerifyResult:
    """Rerun a published run from its manifest and compare every figure, bit for bit.

    Examples
    --------
    >>> import govsurvey as gs
    >>> print(gs.verify("reports/default"))  # doctest: +SKIP
    verified: inputs unchanged and every figure identical
    """
    folder = Path(run_folder)
    mpath = folder / "manifest.json"
    if not mpath.is_file():
        raise InputError.one(
            "no manifest.json in this folder",
            "give the folder a `govsurvey run` wrote",
            file=str(folder),
        )
    manifest = json.loads(mpath.read_text("utf-8"))
    changed = [
        k
        for k, v in manifest["inputs"].items()
        if not Path(v["path"]).is_file() or file_sha256(v["path"]) != v["sha256"]
    ]
    ppath = Path(manifest["params_file"])
    if not ppath.is_file():
        raise InputError.one(
            "the run's parameters file is not there",
            "run verify from the project's root folder",
            file=str(ppath),
        )
    if file_sha256(ppath) != manifest["params_sha256"]:
        changed.append(f"parameters file {ppath}")
    with tempfile.TemporaryDirectory(prefix="govsurvey-verify-") as tmp:
        nbs = [notebooks_dir() / n for n in manifest["notebooks"]]
        rerun = run(ppath, run_dir=Path(tmp) / "run", notebooks=nbs)
        new = json.loads((rerun / "figures.json").read_text("utf-8"))
    old = json.loads((folder / "figures.json").read_text("utf-8"))
    diffs = _compare(old, new, "figures")
    return VerifyResult(ok=not changed and not diffs, inputs_changed=changed, differences=diffs)


def _compare(a: Any, b: Any, where: str) -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{where}.{k}: only in the published run" for k in a.keys() - b.keys()]
        out += [f"{where}.{k}: only in the rerun" for k in b.keys() - a.keys()]
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
    return [] if a == b else [f"{where}: published {a!r}, rerun {b!r}"]
