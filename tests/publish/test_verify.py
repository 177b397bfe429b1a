"""govsurvey verify re-derives and trusts nothing: one byte changed anywhere is found.

One probe run (a tiny notebook registered as "99") is made per module and copied for each
tampering; file checks run with ``rerun=False`` (milliseconds), the rerun tests run it.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

import govsurvey as gs
from govsurvey.config import params as registry
from govsurvey.config.params import NotebookSpec, SharedParams
from govsurvey.publish.run import run
from govsurvey.publish.verify import verify

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "data" / "synthetic"


pytestmark = pytest.mark.usefixtures("pinned_source")


def make_probe(folder: Path) -> None:
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
        "import pandas as pd\nimport govsurvey as gs\n"
        "pub = gs.Publisher(instrument, min_cell, output_dir, '99_probe')\n"
        "df = pd.read_csv(responses)\n"
        "t = df.groupby('district').agg(estimate=('C1_1', 'mean'), n=('C1_1', 'size'))\n"
        "t = t.reset_index().assign(variable='C1_1')\n"
        "pub.table(pub.record('by_district', t))"
    )
    md = nbformat.v4.new_markdown_cell("Headline: the probe.")
    nb.cells = [p, md, body]
    nbformat.write(nb, str(folder / "99_probe.ipynb"))


@contextlib.contextmanager
def registered(folder: Path):
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(
            registry.NOTEBOOKS,
            "99",
            NotebookSpec("99", "99_probe.ipynb", SharedParams, "Probe", "Thử nghiệm"),
        )
        mp.setattr(registry, "notebooks_dir", lambda: folder)
        yield


@pytest.fixture(scope="module")
def probe_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebooks")
    make_probe(folder)
    return folder


@pytest.fixture
def probe(probe_dir):
    with registered(probe_dir):
        yield probe_dir


@pytest.fixture(scope="module")
def published(probe_dir, tmp_path_factory):
    """A run on a private copy of the responses (so an input can be changed safely)."""
    base = tmp_path_factory.mktemp("published")
    data = base / "responses.csv"
    shutil.copyfile(DATA / "responses.csv", data)
    params = base / "p.yaml"
    params.write_text(
        yaml.safe_dump({"run_name": "probe", "responses": str(data), "min_cell": 30}),
        encoding="utf-8",
    )
    with registered(probe_dir):
        return run(params, reports_dir=base / "reports", progress=False)


@pytest.fixture
def copy(published, tmp_path):
    """A copy of the published run folder, to tamper with."""
    out = tmp_path / "reports" / "probe"
    shutil.copytree(published, out)
    return out


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def rewrite_manifest(folder: Path, m: dict) -> None:
    (folder / "manifest.json").write_text(json.dumps(m, indent=1), encoding="utf-8")


def flip_one_byte(path: Path, where: float = 0.5) -> None:
    data = bytearray(path.read_bytes())
    i = int(len(data) * where)
    data[i] = data[i] ^ 0x01
    path.write_bytes(bytes(data))


# --------------------------------------------------------------------------- verified


def test_an_untouched_run_verifies_with_a_rerun(probe, published):
    result = verify(published)
    assert result.ok, str(result)
    assert result.rerun and str(result).startswith("verified")


# --------------------------------------------------------------------------- one byte


OUTPUTS = [
    "99_probe.html",
    "99_probe.ipynb",
    "figures.json",
    "index.html",
    "parameters.yaml",
]


@pytest.mark.parametrize("name", OUTPUTS)
def test_one_byte_changed_in_any_output_file_is_found(probe, copy, name):
    flip_one_byte(copy / name)
    result = verify(copy, rerun=False)
    assert not result.ok
    assert f"{name}: changed since the run (SHA-256 differs)" in result.differences


def test_one_byte_changed_in_the_input_is_found(probe, published, tmp_path):
    folder = tmp_path / "reports" / "probe"
    shutil.copytree(published, folder)
    data = Path(manifest_of(published)["inputs"]["responses"]["path"])
    original = data.read_bytes()
    try:
        flip_one_byte(data, 0.9)
        result = verify(folder)
    finally:
        data.write_bytes(original)
    assert not result.ok and result.inputs_changed == ["responses"]
    assert any(
        d.startswith("input responses (") and "SHA-256 differs" in d for d in result.differences
    )
    assert "not rerun: an input file is missing or changed" in result.differences


def test_a_deleted_output_and_an_added_file_are_named(probe, copy):
    (copy / "99_probe.ipynb").unlink()
    (copy / "extra.csv").write_text("a,b\n")
    result = verify(copy, rerun=False)
    assert "99_probe.ipynb: missing from the run folder" in result.differences
    assert "extra.csv: not a file of the run (added later)" in result.differences


def test_an_edited_headline_with_its_checksum_updated_is_caught_by_the_rerun(probe, copy):
    """A careful forger updates the manifest's checksum too; the rerun still disagrees."""
    html = copy / "99_probe.html"
    text = html.read_text(encoding="utf-8").replace("Headline: the probe.", "Headline: 99.9%.")
    html.write_text(text, encoding="utf-8")
    figs = json.loads((copy / "figures.json").read_text())
    figs["99_probe"]["by_district"][0]["estimate"] = 99.9
    (copy / "figures.json").write_text(json.dumps(figs))
    m = manifest_of(copy)
    m["outputs"]["99_probe.html"] = gs.publish.run.file_sha256(html)
    m["outputs"]["figures.json"] = gs.publish.run.file_sha256(copy / "figures.json")
    rewrite_manifest(copy, m)
    result = verify(copy)
    assert not result.ok
    text = str(result)
    assert "99_probe.html: differs from the rerun's report" in text
    assert "figures.99_probe.by_district[0].estimate: published 99.9, rerun" in text


# --------------------------------------------------------------------------- the manifest


def test_a_changed_min_cell_in_the_manifest_is_named(probe, copy):
    m = manifest_of(copy)
    m["parameters"]["min_cell"] = 250
    rewrite_manifest(copy, m)
    result = verify(copy)
    assert "parameter min_cell: 250 in manifest.json, 30 in parameters.yaml" in result.differences
    # the rerun with the forged value publishes other cells than the folder holds
    assert any(d.startswith("figures.99_probe.by_district") for d in result.differences)


def test_changed_versions_lock_and_commit_are_environment_differences(probe, copy):
    m = manifest_of(copy)
    m["versions"]["numpy"] = "0.0.1"
    m["constraints_sha256"] = "0" * 64
    m["git"] = {"commit": "f" * 40, "dirty": False}
    m["code"]["package"] = "0" * 64
    rewrite_manifest(copy, m)
    result = verify(copy, rerun=False)
    assert not result.ok and not result.differences
    env = " | ".join(result.environment)
    assert "versions differ (1 package(s)): numpy 0.0.1 in the run" in env
    assert "constraints.txt differs" in env
    assert "git commit differs: ffff" in env
    assert "govsurvey's source differs from the run's (SHA-256)" in env
    assert "environment: versions differ" in str(result)


def test_a_notebook_named_by_path_is_refused_and_never_run(probe, copy, tmp_path):
    evil = tmp_path / "evil.ipynb"
    marker = tmp_path / "ran"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"open({str(marker)!r}, 'w').write('x')")]
    nbformat.write(nb, str(evil))
    for name in [str(evil), "../../evil", "99_probe.ipynb", 3]:
        m = manifest_of(copy)
        m["notebooks"] = [name]
        rewrite_manifest(copy, m)
        with pytest.raises(gs.InputError, match="not one of govsurvey's notebooks"):
            verify(copy)
    assert not marker.exists()


def test_forged_parameters_are_checked_like_any_parameters(probe, copy):
    m = manifest_of(copy)
    m["parameters"]["run_name"] = "../../etc"
    rewrite_manifest(copy, m)
    with pytest.raises(gs.InputError, match="parameters recorded in manifest.json"):
        verify(copy, rerun=False)


# --------------------------------------------------------------------------- damaged


def test_a_missing_manifest_is_a_clear_message(probe, copy):
    (copy / "manifest.json").unlink()
    with pytest.raises(gs.InputError, match="no manifest.json in this folder"):
        verify(copy)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "manifest.json is damaged: not JSON"),
        ("[1, 2]", "manifest.json is damaged: not a JSON object"),
        ('{"status": "complete"}', "the entry 'notebooks' is missing"),
        ("\xff\xfe", "manifest.json is damaged: not JSON"),
    ],
)
def test_a_damaged_manifest_is_a_clear_message(probe, copy, content, message):
    (copy / "manifest.json").write_bytes(content.encode("latin-1"))
    with pytest.raises(gs.InputError, match=message):
        verify(copy)


def test_a_damaged_input_entry_is_a_clear_message(probe, copy):
    m = manifest_of(copy)
    m["inputs"]["responses"] = {"path": "x.csv"}
    rewrite_manifest(copy, m)
    with pytest.raises(gs.InputError, match="the input entry 'responses' lacks"):
        verify(copy, rerun=False)


def test_a_folder_that_is_not_there(probe, tmp_path):
    with pytest.raises(gs.InputError, match="no such run folder"):
        verify(tmp_path / "nowhere")


def test_verify_on_the_command_line_exits_1_and_names_the_difference(probe, copy, capsys):
    from govsurvey.cli import main

    flip_one_byte(copy / "index.html")
    code = main(["verify", str(copy), "--no-rerun"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines() == [
        "NOT verified (1 difference):",
        "  index.html: changed since the run (SHA-256 differs)",
    ]
    (copy / "manifest.json").write_text("{")
    assert main(["verify", str(copy)]) == 2


@pytest.mark.parametrize("junk", [None, 3, "x", [], {}, [{"a": 1}], {"03": None}])
def test_any_junk_in_any_manifest_entry_is_a_result_or_a_clear_message(probe, copy, junk):
    """Never an unexpected error, whatever a damaged manifest holds."""
    original = manifest_of(copy)
    for key in original:
        m = dict(original)
        m[key] = junk
        rewrite_manifest(copy, m)
        try:
            result = verify(copy, rerun=False)
        except gs.InputError:
            continue
        assert isinstance(result.ok, bool)
