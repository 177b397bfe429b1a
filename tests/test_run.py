"""A whole run: papermill, code-free self-contained HTML, figures, manifest, verify, privacy."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import papermill as pm
import pytest
import yaml

import govsurvey as gs
from govsurvey.report import PARAMETERS

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "default"
    gs.run(ROOT / "params" / "default.yaml", run_dir=out)
    return out


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_defaults_equal_default_params(nb):
    """The committed outputs come from the default run, so both must agree."""
    declared = pm.inspect_notebook(str(nb))
    params = yaml.safe_load((ROOT / "params" / "default.yaml").read_text())
    for name, spec in declared.items():
        assert name in PARAMETERS, f"{nb.name} declares unknown parameter {name}"
        if name == "output_dir":
            continue
        default = params.get(name, PARAMETERS[name].default)
        assert eval(spec["default"]) == default, name  # noqa: S307 - literal from our notebook


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_thin(nb):
    """No function or class is defined in a notebook; one tagged parameters cell."""
    book = nbformat.read(str(nb), as_version=4)
    tagged = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for cell in book.cells:
        if cell.cell_type == "code":
            assert not re.search(r"^\s*(def|class|lambda)\b", cell.source, re.M), cell.source


def test_run_writes_reports(default_run):
    names = {p.name for p in default_run.iterdir()}
    assert {"index.html", "figures.json", "manifest.json"} <= names
    for nb in NOTEBOOKS:
        html = (default_run / f"{nb.stem}.html").read_text(encoding="utf-8")
        # code-free
        assert "import govsurvey" not in html and "gs.sipas_index" not in html
        # self-contained: nothing fetched from the network
        assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?(https?:)?//""", html)
        assert "data:image/png;base64," in html
        assert "Traceback" not in html
        # no warning or error printed in the report
        executed = nbformat.read(str(default_run / nb.name), as_version=4)
        for cell in executed.cells:
            for out in cell.get("outputs", []):
                assert out["output_type"] != "error", out
                assert out.get("name") != "stderr", out["text"]


def test_manifest_records_provenance(default_run):
    m = json.loads((default_run / "manifest.json").read_text())
    assert set(m["inputs"]) >= {"responses", "instrument"}
    assert all(len(v["sha256"]) == 64 for v in m["inputs"].values())
    assert m["parameters"]["min_cell"] == 30
    assert m["versions"]["govsurvey"] == gs.__version__
    assert set(m["timings_seconds"]) == {nb.name for nb in NOTEBOOKS}


def test_figures_are_published_and_suppressed(default_run):
    figs = json.loads((default_run / "figures.json").read_text())
    idx = pd.DataFrame(figs["03_satisfaction_index"]["index"])
    assert set(idx["code"]) >= {"SIPAS", "C1", "C5", "C2.3"}
    assert idx["se"].notna().all() and (idx["se"] > 0).all()
    for rows in figs["03_satisfaction_index"].values():
        for r in rows:
            if r.get("n") is not None and r["n"] < 30 and "estimate" in r:
                assert r["estimate"] is None and r["suppressed"] is True


def test_verify_reproduces_bit_for_bit(default_run):
    result = gs.verify(default_run)
    assert result.ok, str(result)


def test_verify_detects_a_changed_figure(default_run, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(default_run, copy)
    figs = json.loads((copy / "figures.json").read_text())
    figs["03_satisfaction_index"]["index"][0]["estimate"] += 1e-12
    (copy / "figures.json").write_text(json.dumps(figs))
    result = gs.verify(copy)
    assert not result.ok
    assert "figures.03_satisfaction_index.index[0].estimate" in str(result)


def test_personal_data_never_reaches_a_report(tmp_path):
    leaky = nbformat.v4.new_notebook()
    leaky.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    p = nbformat.v4.new_code_cell('responses = ""\noutput_dir = ""')
    p.metadata["tags"] = ["parameters"]
    leaky.cells = [
        p,
        nbformat.v4.new_code_cell("import pandas as pd\npd.read_csv(responses).head()"),
    ]
    path = tmp_path / "99_leak.ipynb"
    nbformat.write(leaky, str(path))
    with pytest.raises(RuntimeError, match="would publish personal data"):
        gs.run(ROOT / "params" / "default.yaml", run_dir=tmp_path / "out", notebooks=[path])
    assert not (tmp_path / "out" / "99_leak.html").exists()


def test_run_refuses_bad_params_before_running(tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text("responses: nowhere.csv\nmin_cell: -3\n")
    with pytest.raises(gs.InputError) as err:
        gs.run(bad, run_dir=tmp_path / "out")
    assert len(err.value.problems) >= 2
    assert not (tmp_path / "out").exists()
