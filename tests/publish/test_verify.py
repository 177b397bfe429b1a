"""govsurvey verify re-derives and trusts nothing: one byte changed anywhere is found.

One probe run (a tiny notebook registered as "99") is made per module and copied for each
tampering; file checks run with ``rerun=False`` (milliseconds), the rerun tests run it.
"""

from __future__ import annotations

import contextlib
import json
import os
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


# --------------------------------------------------------------------------- links and specials


def snapshot(folder: Path) -> dict[str, tuple[str, int, bytes | str]]:
    """Every entry below ``folder`` (links not followed): kind, mode and content or target."""
    import os
    import stat

    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = os.lstat(p)
            rel = p.relative_to(folder).as_posix()
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", st.st_mode, os.readlink(p))
            elif stat.S_ISREG(st.st_mode):
                out[rel] = ("file", st.st_mode, p.read_bytes())
            else:
                out[rel] = ("other", st.st_mode, b"")
    return out


def _same_content_link(copy: Path, name: str, tmp_path: Path) -> None:
    keep = tmp_path / f"elsewhere-{name}"
    shutil.copyfile(copy / name, keep)
    (copy / name).unlink()
    (copy / name).symlink_to(keep)


LINK_CASES = {
    "file-replaced-by-a-link-to-the-same-content": (
        lambda copy, tmp: _same_content_link(copy, "index.html", tmp),
        "index.html: a symbolic link (to {tmp}/elsewhere-index.html), not a file the run "
        "wrote; verify never follows links",
    ),
    "figures-replaced-by-a-link": (
        lambda copy, tmp: _same_content_link(copy, "figures.json", tmp),
        "figures.json: a symbolic link (to {tmp}/elsewhere-figures.json), not a file the run "
        "wrote; verify never follows links",
    ),
    "a-folder-that-is-a-link": (
        lambda copy, tmp: (copy / "more").symlink_to(tmp, target_is_directory=True),
        "more: a symbolic link (to {tmp}), not a file the run wrote; verify never follows links",
    ),
    "a-link-that-loops": (
        lambda copy, tmp: (copy / "loop").symlink_to("loop"),
        "loop: a symbolic link (to 'loop'), not a file the run wrote; verify never follows links",
    ),
    "an-extra-fifo": (
        lambda copy, tmp: os.mkfifo(copy / "pipe"),
        "pipe: a FIFO (named pipe), not a file the run wrote",
    ),
    "an-output-replaced-by-a-fifo": (
        lambda copy, tmp: ((copy / "figures.json").unlink(), os.mkfifo(copy / "figures.json")),
        "figures.json: a FIFO (named pipe), not a file the run wrote",
    ),
    "parameters-replaced-by-a-fifo": (
        lambda copy, tmp: (
            (copy / "parameters.yaml").unlink(),
            os.mkfifo(copy / "parameters.yaml"),
        ),
        "parameters.yaml: a FIFO (named pipe), not a file the run wrote",
    ),
    "an-extra-file": (
        lambda copy, tmp: (copy / "notes.txt").write_text("x"),
        "notes.txt: not a file of the run (added later)",
    ),
    "an-extra-folder": (
        lambda copy, tmp: (copy / "extra").mkdir(),
        "extra/: a folder that is not part of the run (added later)",
    ),
    "an-extra-file-in-an-extra-folder": (
        lambda copy, tmp: ((copy / "d").mkdir(), (copy / "d" / "x.json").write_text("{}")),
        "d/x.json: not a file of the run (added later)",
    ),
}


@pytest.mark.parametrize("case", sorted(LINK_CASES))
def test_links_specials_and_additions_are_each_named_and_exit_1(probe, copy, tmp_path, case):
    from govsurvey.cli import main

    make, expected = LINK_CASES[case]
    outside = tmp_path / "outside"
    outside.mkdir()
    make(copy, outside)
    expected = expected.format(tmp=outside).replace("(to 'loop')", "(to loop)")
    result = verify(copy, rerun=False)
    assert not result.ok
    assert expected in result.differences, result.differences
    assert main(["verify", str(copy), "--no-rerun"]) == 1


def test_a_run_folder_that_is_a_link_is_named(probe, copy, tmp_path):
    link = tmp_path / "link-to-run"
    link.symlink_to(copy, target_is_directory=True)
    result = verify(link, rerun=False)
    assert result.differences == [
        f"{link}: the run folder is a symbolic link (to {copy}), not the folder the run wrote; "
        "verify the folder itself"
    ]


def test_a_manifest_that_is_a_link_is_named(probe, copy, tmp_path):
    _same_content_link(copy, "manifest.json", tmp_path)
    result = verify(copy, rerun=False)
    assert not result.ok
    assert result.differences[0].startswith("manifest.json: a symbolic link (to ")


# --------------------------------------------------------------------------- manifest fields


def test_an_edited_timing_is_caught(probe, copy):
    m = manifest_of(copy)
    recorded = m["timings_seconds"]["99"]
    nb = json.loads((copy / "99_probe.ipynb").read_text("utf-8"))
    assert recorded == round(nb["metadata"]["papermill"]["duration"], 3)
    m["timings_seconds"]["99"] = recorded + 0.5
    rewrite_manifest(copy, m)
    result = verify(copy, rerun=False)
    assert result.differences == [
        f"manifest.json: timings_seconds.99 is {recorded + 0.5:g} s, but 99_probe.ipynb "
        f"records {nb['metadata']['papermill']['duration']:.3f} s of execution"
    ]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda m: m.update(
                started="2001-01-01T00:00:00+00:00", finished="2000-01-01T00:00:00+00:00"
            ),
            "manifest.json: the run finished (2000-01-01 00:00:00+00:00) before it started "
            "(2001-01-01 00:00:00+00:00)",
        ),
        (
            lambda m: m.update(started="yesterday"),
            "manifest.json: started is 'yesterday', not a time with its zone",
        ),
        (
            lambda m: m.update(extra_claim="audited"),
            "manifest.json: the entry 'extra_claim' is not one a run writes (added later)",
        ),
        (
            lambda m: m.pop("command"),
            "manifest.json: the entry 'command' a run writes is missing",
        ),
        (
            lambda m: m.update(govsurvey_manifest=1),
            "manifest.json: govsurvey_manifest is 1, not 2 (the version this govsurvey writes "
            "and checks)",
        ),
        (
            lambda m: m.update(run_name="other"),
            "manifest.json: run_name is 'other', but the parameters name the run 'probe'",
        ),
        (
            lambda m: m["inputs"]["responses"].update(path="elsewhere.csv"),
            "manifest.json: inputs.responses records 'elsewhere.csv', but the parameters name",
        ),
        (
            lambda m: m["inputs"].pop("instrument"),
            "manifest.json: inputs.instrument is missing (every run records its instrument)",
        ),
        (
            lambda m: m.update(suppression={"99": {"by_district": -1}}),
            "manifest.json: suppression is not a count of suppressed cells per notebook",
        ),
        (
            lambda m: m["timings_seconds"].update({"98": 1.0}),
            "manifest.json: timings_seconds.98 times a notebook the run did not run",
        ),
        (
            lambda m: m["timings_seconds"].update({"99": "fast"}),
            "manifest.json: timings_seconds.99 is 'fast', not a number of seconds",
        ),
    ],
)
def test_each_manifest_field_is_checked(probe, copy, edit, message):
    m = manifest_of(copy)
    edit(m)
    rewrite_manifest(copy, m)
    differences = verify(copy, rerun=False).differences
    assert any(d.startswith(message) for d in differences), differences


def test_a_start_after_the_notebooks_started_is_caught(probe, copy):
    m = manifest_of(copy)
    nb = json.loads((copy / "99_probe.ipynb").read_text("utf-8"))
    m["started"] = "2099-01-01T00:00:00+00:00"
    m["finished"] = "2099-01-01T00:00:01+00:00"
    rewrite_manifest(copy, m)
    start = nb["metadata"]["papermill"]["start_time"]
    from datetime import datetime

    assert (
        "manifest.json: started is 2099-01-01T00:00:00+00:00, but 99_probe.ipynb started at "
        f"{datetime.fromisoformat(start).isoformat()}"
    ) in verify(copy, rerun=False).differences


@pytest.mark.parametrize("name", ["../outside.txt", "/etc/passwd", ""])
def test_an_output_outside_the_folder_is_a_damaged_manifest(probe, copy, name):
    m = manifest_of(copy)
    m["outputs"][name] = "0" * 64
    rewrite_manifest(copy, m)
    with pytest.raises(gs.InputError, match="is not a file name inside the run folder"):
        verify(copy, rerun=False)


# --------------------------------------------------------------------------- verdicts


def test_no_rerun_says_what_it_did_in_english_and_vietnamese(probe, copy, capsys):
    from govsurvey.cli import main

    result = verify(copy, rerun=False)
    assert result.ok and not result.rerun
    assert str(result).startswith("files unchanged; figures not re-derived")
    assert "identical" not in str(result)
    assert main(["verify", str(copy), "--no-rerun"]) == 0
    assert capsys.readouterr().out.startswith("files unchanged; figures not re-derived")
    assert main(["verify", str(copy), "--no-rerun", "--language", "vi"]) == 0
    assert capsys.readouterr().out.startswith("tệp không đổi; số liệu chưa được tính lại")
    flip_one_byte(copy / "index.html")
    assert main(["verify", str(copy), "--no-rerun", "--language", "vi"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == "KHÔNG kiểm chứng được (1 khác biệt):"


def test_a_rerun_writes_nothing_outside_its_own_temporary_folder(probe, copy, tmp_path):
    """The run folder, the notebooks' folder and the inputs' folder are unchanged."""
    watched = [copy, probe, Path(manifest_of(copy)["inputs"]["responses"]["path"]).parent]
    before = [snapshot(f) for f in watched]
    result = verify(copy)
    assert result.ok, str(result)
    assert [snapshot(f) for f in watched] == before


@pytest.mark.parametrize("name", ["99_probe.html", "99_probe.ipynb", "index.html"])
def test_a_rerun_never_reads_a_fifo_in_place_of_an_output(probe, copy, name):
    """The rerun compares only regular files: it neither hangs on the FIFO nor says verified."""
    (copy / name).unlink()
    os.mkfifo(copy / name)
    result = verify(copy)
    assert not result.ok and result.rerun
    assert f"{name}: a FIFO (named pipe), not a file the run wrote" in result.differences
    assert f"{name}: missing from the run folder" in result.differences
