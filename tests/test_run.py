"""Runs: atomic run folders, locks, failed runs kept aside, personal data, the real notebooks.

Most tests run a tiny probe notebook registered as notebook "99" (a second or two each); one
module-scoped fixture runs the package's real notebooks on params/default.yaml.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill as pm
import pytest
import yaml

import govsurvey as gs
from govsurvey.config import params as registry
from govsurvey.config.params import PARAMETERS, IndexParams, NotebookSpec, SharedParams
from govsurvey.publish.run import RunFailed, run

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "synthetic"


pytestmark = pytest.mark.usefixtures("pinned_source")


def make_probe(folder: Path) -> Path:
    """A small notebook that publishes one table through the Publisher; its behaviour is
    chosen by the environment variable GOVSURVEY_PROBE (ok | fail | input | leak | slow)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    p = nbformat.v4.new_code_cell(
        'run_name = "default"\ninstrument = "sipas-2017"\nresponses = ""\nmin_cell = 30\n'
        'language = "en"\noutput_dir = ""\n'
    )
    p.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell(
        "import os, time\nimport pandas as pd\nimport govsurvey as gs\n"
        "pub = gs.Publisher(instrument, min_cell, output_dir, '99_probe')\n"
        "df = pd.read_csv(responses, dtype={'phone': str})\n"
        "mode = os.environ.get('GOVSURVEY_PROBE', 'ok')\n"
        "t = df.groupby('district').agg(estimate=('C1_1', 'mean'), n=('C1_1', 'size'))\n"
        "t = t.reset_index().assign(variable='C1_1')\n"
        "rec = pub.record('by_district', t)\n"
        "pub.table(t)"
    )
    tail = nbformat.v4.new_code_cell(
        "if mode == 'fail':\n    1 / 0\n"
        "if mode == 'input':\n"
        "    raise gs.InputError.one('bad data', 'fix it', file='x.csv', row=3)\n"
        "if mode == 'leak':\n    print(df['phone'].iloc[0])\n"
        "if mode == 'input_personal':\n"
        "    raise gs.InputError.one(f\"weighting cell {df['full_name'].iloc[0]} is empty\","
        " 'choose coded cells', column='full_name')\n"
        "if mode == 'slow':\n    time.sleep(float(os.environ.get('GOVSURVEY_PROBE_SLEEP', '4')))\n"
    )
    nb.cells = [p, nbformat.v4.new_markdown_cell("Probe report."), body, tail]
    path = folder / "99_probe.ipynb"
    nbformat.write(nb, str(path))
    return path


@pytest.fixture(scope="module")
def probe_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebooks")
    make_probe(folder)
    return folder


@contextlib.contextmanager
def registered(folder: Path):
    """The registry holds only the probe notebook "99" inside this block."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(
            registry.NOTEBOOKS,
            "99",
            NotebookSpec("99", "99_probe.ipynb", SharedParams, "Probe", "Thử nghiệm"),
        )
        mp.setattr(registry, "notebooks_dir", lambda: folder)
        yield folder


@pytest.fixture
def probe(probe_dir):
    with registered(probe_dir):
        yield probe_dir


def write_params(folder: Path, **extra) -> Path:
    p = {"run_name": "probe", "responses": str(DATA / "responses.csv"), "language": "vi"}
    p.update(extra)
    path = folder / "p.yaml"
    path.write_text(yaml.safe_dump(p, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def probe_run(probe_dir, tmp_path_factory):
    base = tmp_path_factory.mktemp("probe_run")
    with registered(probe_dir):
        return run(write_params(base), reports_dir=base / "reports", progress=False)


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")}


# --------------------------------------------------------------------------- the probe run


def test_run_folder_holds_reports_figures_manifest_and_index(probe_run):
    names = {p.name for p in probe_run.iterdir()}
    assert names == {
        "99_probe.ipynb",
        "99_probe.html",
        "figures.json",
        "index.html",
        "manifest.json",
        "parameters.yaml",
    }
    # nothing else under reports/: no temporary folder, no lock left behind; nothing outside
    assert [p.name for p in probe_run.parent.iterdir()] == ["probe"]
    assert sorted(p.name for p in probe_run.parent.parent.iterdir()) == ["p.yaml", "reports"]
    m = json.loads((probe_run / "manifest.json").read_text())
    assert m["status"] == "complete" and m["notebooks"] == ["99"]
    assert set(m["outputs"]) == names - {"manifest.json"}
    assert all(len(h) == 64 for h in m["outputs"].values())
    assert m["inputs"]["responses"]["sha256"] == gs.publish.run.file_sha256(DATA / "responses.csv")
    assert m["versions"]["govsurvey"] == gs.__version__ and "numpy" in m["versions"]
    assert "constraints_sha256" in m
    # the manifest never names a notebook by path
    assert "/" not in "".join(m["notebooks"]) and "99_probe.ipynb" not in json.dumps(
        {k: v for k, v in m.items() if k != "outputs"}
    )


def test_index_is_styled_offline_and_in_the_run_language(probe_run):
    page = (probe_run / "index.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in page and "<style>" in page
    assert "hoàn tất" in page  # status: complete
    assert 'href="99_probe.html"' in page and "Thử nghiệm" in page
    assert gs.publish.html.external_references(page) == 0
    assert "min_cell" in page


def test_suppressed_cells_are_not_in_figures(probe_run):
    figs = json.loads((probe_run / "figures.json").read_text())["99_probe"]["by_district"]
    m = json.loads((probe_run / "manifest.json").read_text())
    assert all(r["n"] >= 30 and r["estimate"] is not None for r in figs)
    assert len(figs) + m["suppression"]["99_probe"]["by_district"] == 30  # 30 districts


def test_a_rerun_replaces_the_run_in_one_piece_and_a_failed_one_is_kept_aside(
    probe, tmp_path, monkeypatch
):
    reports = tmp_path / "reports"
    params = write_params(tmp_path)
    first = run(params, reports_dir=reports, progress=False)
    (first / "stale.txt").write_text("from an earlier run")
    good = run(params, reports_dir=reports, progress=False)
    assert good == first and not (good / "stale.txt").exists()
    assert [p.name for p in reports.iterdir()] == ["probe"]
    before = files_of(good)
    monkeypatch.setenv("GOVSURVEY_PROBE", "fail")
    with pytest.raises(RunFailed) as err:
        run(params, reports_dir=reports, progress=False)
    assert not err.value.input_error and err.value.ename == "ZeroDivisionError"
    failed = err.value.folder
    assert re.fullmatch(r"probe\.failed-\d{8}T\d{6}Z(-\d+)?", failed.name)
    assert failed.parent == reports
    assert sorted(p.name for p in reports.iterdir()) == ["probe", failed.name]
    # the complete run is untouched, byte for byte
    assert files_of(good) == before
    page = (failed / "index.html").read_text(encoding="utf-8")
    assert "thất bại" in page and "ZeroDivisionError" in page and "cell 4" in page
    report = (failed / "99_probe.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in report
    report = re.sub(r"<[^>]+>", "", report)
    assert "1 / 0" in report and "ZeroDivisionError" in report  # the failing cell, rendered
    assert "pub.record" not in report  # the other cells' code stays out
    assert json.loads((failed / "manifest.json").read_text())["status"] == "failed"
    with pytest.raises(gs.InputError, match="did not complete"):
        gs.verify(failed)


def test_an_input_error_in_a_notebook_is_bad_input(probe, tmp_path, monkeypatch):
    monkeypatch.setenv("GOVSURVEY_PROBE", "input")
    with pytest.raises(RunFailed) as err:
        run(write_params(tmp_path), reports_dir=tmp_path / "reports", progress=False)
    assert err.value.input_error and "x.csv, row 3: bad data" in str(err.value)


def test_a_failed_run_page_shows_the_input_error_itself_without_traceback(
    probe, tmp_path, monkeypatch
):
    monkeypatch.setenv("GOVSURVEY_PROBE", "input")
    reports = tmp_path / "reports"
    with pytest.raises(RunFailed) as err:
        run(write_params(tmp_path, language="en"), reports_dir=reports, progress=False)
    page = (err.value.folder / "index.html").read_text(encoding="utf-8")
    assert "stopped on a problem with the data or parameters" in page
    assert "x.csv, row 3: bad data. Fix: fix it" in page and "run again" in page
    assert "its outputs were removed" not in page and "gs.Publisher" not in page
    report = (err.value.folder / "99_probe.html").read_text(encoding="utf-8")
    assert "bad data" in report and "Traceback" not in report
    assert "raise gs.InputError" not in report  # nor the cell's code


def test_an_error_quoting_a_personal_value_is_shown_without_it(probe, tmp_path, monkeypatch):
    import pandas as pd

    monkeypatch.setenv("GOVSURVEY_PROBE", "input_personal")
    reports = tmp_path / "reports"
    with pytest.raises(RunFailed) as err:
        run(write_params(tmp_path, language="en"), reports_dir=reports, progress=False)
    name = pd.read_csv(DATA / "responses.csv", dtype=str)["full_name"].iloc[0]
    assert name not in str(err.value) and "[personal value withheld]" in str(err.value)
    assert err.value.input_error
    folder = err.value.folder
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "weighting cell [personal value withheld] is empty" in page
    for p in folder.rglob("*"):  # the notebook that quoted it is not kept
        assert name not in p.read_text(encoding="utf-8")


def test_personal_data_in_an_output_is_never_published(probe, tmp_path, monkeypatch):
    monkeypatch.setenv("GOVSURVEY_PROBE", "leak")
    reports = tmp_path / "reports"
    with pytest.raises(gs.InputError) as err:
        run(write_params(tmp_path, language="en"), reports_dir=reports, progress=False)
    text = str(err.value)
    assert "personal column 'phone' (a number of 10 digits)" in text and "99_probe" in text
    assert "gs.Publisher" not in text and "named in the parameters" in text
    # the value itself is never repeated in the message
    import pandas as pd

    first_phone = pd.read_csv(DATA / "responses.csv", dtype=str)["phone"].iloc[0]
    assert first_phone not in text
    # nothing is published; the run is kept aside as failed, without the files that leak
    (failed,) = reports.iterdir()
    assert failed.name.startswith("probe.failed-")
    names = {p.name for p in failed.iterdir()}
    assert "99_probe.ipynb" not in names and "99_probe.html" not in names
    assert "index.html" in names
    page = (failed / "index.html").read_text(encoding="utf-8")
    assert "personal column &#39;phone&#39;" in page and "a number of 10 digits" in page
    for p in failed.rglob("*"):
        assert first_phone not in p.read_text(encoding="utf-8")


def test_a_second_run_of_the_same_name_is_refused_while_one_is_going(probe, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / ".probe.lock").write_text(f"{os.getpid()} now\n")  # this process is alive
    with pytest.raises(gs.InputError, match="a run named 'probe' is going"):
        run(write_params(tmp_path), reports_dir=reports, progress=False)
    assert sorted(p.name for p in reports.iterdir()) == [".probe.lock"]


def test_a_stale_lock_of_a_dead_run_is_taken_over(probe, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (reports / ".probe.lock").write_text(f"{dead} then\n")
    out = run(write_params(tmp_path), reports_dir=reports, progress=False)
    assert sorted(p.name for p in reports.iterdir()) == ["probe"] and out.is_dir()


def test_what_a_killed_run_left_is_tidied_and_an_earlier_run_put_back(probe_run, tmp_path):
    reports = tmp_path / "reports"
    good = reports / "probe"
    shutil.copytree(probe_run, good)
    before = files_of(good)
    # killed between its two renames: the complete run aside, a partial folder, a stale lock
    os.rename(good, reports / ".probe.old-1-x")
    (reports / ".probe.partial-1-x").mkdir()
    (reports / ".probe.partial-1-x" / "figures.json").write_text("{}")
    (reports / ".probe.lock").write_text("999999999 then\n")
    from govsurvey.publish.run import _recover

    _recover(reports, "probe")
    assert sorted(p.name for p in reports.iterdir()) == [".probe.lock", "probe"]
    assert files_of(good) == before


def test_two_runs_at_once_one_is_refused_and_the_other_completes(probe, tmp_path):
    """Two processes: the second finds the first's lock and exits 2; the first completes."""
    params = write_params(tmp_path)
    reports = tmp_path / "reports"
    code = (
        "import sys, pathlib\n"
        "from govsurvey.config import params as r\n"
        f"r.notebooks_dir = lambda: pathlib.Path({str(probe)!r})\n"
        "r.NOTEBOOKS['99'] = r.NotebookSpec('99', '99_probe.ipynb', r.SharedParams, 'P', 'P')\n"
        "from govsurvey.cli import main\n"
        f"sys.exit(main(['run', {str(params)!r}, '--reports', {str(reports)!r}]))\n"
    )
    env = {**os.environ, "GOVSURVEY_PROBE": "slow", "GOVSURVEY_PROBE_SLEEP": "4"}
    first = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True
    )
    lock = reports / ".probe.lock"
    for _ in range(200):
        if lock.exists():
            break
        import time

        time.sleep(0.05)
    second = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert second.returncode == 2, second.stderr
    assert "is going" in second.stderr
    assert first.wait(timeout=120) == 0, first.stderr.read()
    figs = json.loads((reports / "probe" / "figures.json").read_text())
    assert figs["99_probe"]["by_district"]


def test_overflowing_weights_are_refused_before_anything_runs(probe, tmp_path):
    import pandas as pd

    df = pd.read_csv(DATA / "responses.csv", dtype=str)
    df["base_weight"] = "1e308"
    data = tmp_path / "r.csv"
    df.to_csv(data, index=False)
    params = write_params(tmp_path, responses=str(data), weight="base_weight")
    with pytest.raises(gs.InputError, match="sums overflow") as err:
        run(params, reports_dir=tmp_path / "reports", progress=False)
    assert err.value.problems[0].column == "base_weight"
    assert list((tmp_path / "reports").iterdir()) == []


@pytest.mark.parametrize("name", ["../x", "/tmp/abs", "", "a/b", ".hidden", "x" * 65])
def test_run_names_that_are_not_plain_are_refused_before_writing(probe, tmp_path, name):
    params = write_params(tmp_path, run_name=name)
    with pytest.raises(gs.InputError, match="run_name"):
        run(params, reports_dir=tmp_path / "reports", progress=False)
    assert not (tmp_path / "reports").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.yaml"]


def test_progress_names_the_notebook_on_stderr(probe, tmp_path, capfd):
    run(write_params(tmp_path), reports_dir=tmp_path / "reports", progress=True)
    err = capfd.readouterr().err
    assert "govsurvey: notebook 99 (1/1): 99_probe.ipynb" in err
    assert "cell" in err  # papermill's per-cell progress bar


def test_only_selects_notebooks_by_identifier(probe):
    assert registry.select_notebooks("99") == ["99"]
    with pytest.raises(gs.InputError, match="no notebook '03' to run"):
        registry.select_notebooks("03")


# --------------------------------------------------------------------------- real notebooks

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_defaults_equal_default_params(nb):
    """The committed outputs come from the default run, so both must agree."""
    declared = pm.inspect_notebook(str(nb))
    params = yaml.safe_load((ROOT / "params" / "default.yaml").read_text())
    spec = next(s for s in registry.NOTEBOOKS.values() if s.file == nb.name)
    for name, info in declared.items():
        assert name in spec.model.model_fields, f"{nb.name} declares {name}, not in its model"
        if name == "output_dir":
            continue
        default = params.get(name, PARAMETERS[name].default)
        value = eval(info["default"])  # noqa: S307 - a literal from our own notebook
        if name in ("responses", "frame", "truth") and value:
            value = os.path.normpath(os.path.join("notebooks", value))
            default = os.path.normpath(os.path.join("params", default))
        assert value == default, name


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_thin(nb):
    """No function or class is defined in a notebook; one tagged parameters cell."""
    book = nbformat.read(str(nb), as_version=4)
    tagged = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for cell in book.cells:
        if cell.cell_type == "code":
            assert not re.search(r"^\s*(def|class|lambda)\b", cell.source, re.M), cell.source


def test_registry_lists_the_notebooks_that_exist():
    ids = registry.available_notebooks()
    there = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert [registry.NOTEBOOKS[i].file for i in ids] == [nb.name for nb in there]
    assert registry.NOTEBOOKS["03"].model is IndexParams


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """The default parameters with 50 plan replications instead of 1,000: the same pipeline,
    run and verified, in seconds instead of minutes (nbval re-executes notebook 01 at 1,000)."""
    folder = tmp_path_factory.mktemp("default")
    params = yaml.safe_load((ROOT / "params" / "default.yaml").read_text(encoding="utf-8"))
    for key in registry.INPUT_FILES:
        if params.get(key):
            params[key] = str((ROOT / "params" / params[key]).resolve())
    params["replications"] = 50
    path = folder / "default.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    return run(path, reports_dir=folder / "reports", progress=False)


def test_default_run_publishes_code_free_self_contained_reports(default_run):
    m = json.loads((default_run / "manifest.json").read_text())
    assert m["notebooks"] == registry.available_notebooks()
    for nid in m["notebooks"]:
        name = registry.NOTEBOOKS[nid].file
        html = (default_run / name).with_suffix(".html").read_text(encoding="utf-8")
        assert "import govsurvey" not in html and "gs.sipas_index" not in html
        assert gs.publish.html.external_references(html) == 0
        assert "Traceback" not in html
        executed = nbformat.read(str(default_run / name), as_version=4)
        for cell in executed.cells:
            for out in cell.get("outputs", []):
                assert out["output_type"] != "error", out
    figs = json.loads((default_run / "figures.json").read_text())
    # every notebook publishes through the guard, so verify compares every report's figures
    assert sorted(figs) == [registry.NOTEBOOKS[nid].file.removesuffix(".ipynb")
                            for nid in m["notebooks"]]  # fmt: skip
    assert {"response_rates", "index_shift", "flagged_forms"} <= set(figs["02_response_bias"])
    assert {"plan", "simulation"} <= set(figs["01_sampling_design"])
    wards = figs["02_response_bias"]["flagged_forms_by_ward"]
    assert wards and all(r["n"] >= 30 for r in wards)
    idx = figs["03_satisfaction_index"]["index"]
    assert {r["code"] for r in idx} >= {"SIPAS", "C1", "C5", "C2.3"}
    for rows in figs["03_satisfaction_index"].values():
        for r in rows:
            assert r.get("suppressed") is not True
            if r.get("n") is not None:
                assert r["n"] >= 30


def test_default_run_verifies(default_run):
    result = gs.verify(default_run)
    assert result.ok, str(result)
