"""A real run of notebook 01 (the sampling design) on a ward frame whose names are formulas,
with ``fieldwork_file`` set: the sheet is written into the run folder and nowhere else, every
formula-like cell is inert text, nothing outside the run folder changes, and verify --no-rerun
says what it did. One run of notebook 01 with 2 replications of one plan (about 40 s).
"""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

import govsurvey.publish.run  # noqa: F401 - pinned_source patches it
import govsurvey.publish.verify  # noqa: F401
from govsurvey.cli import main
from govsurvey.config.params import notebooks_dir

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "synthetic"

pytestmark = pytest.mark.usefixtures("pinned_source")


def snapshot(folder: Path, skip: str | None = None) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        if skip is not None:
            dirnames[:] = [d for d in dirnames if d != skip]
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = os.lstat(p)
            rel = p.relative_to(folder).as_posix()
            kind = "link" if stat.S_ISLNK(st.st_mode) else "file"
            out[rel] = (kind, st.st_size, st.st_mtime_ns)
    return out


def _hostile(name: str, i: int) -> str:
    return (
        f'=HYPERLINK("http://evil.example","{name}")'
        if i % 3 == 0
        else (f"+{name}" if i % 3 == 1 else name)
    )


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile01")
    w = pd.read_csv(DATA / "wards.csv")
    w["ward"] = [_hostile(x, i) for i, x in enumerate(w["ward"])]
    w.to_csv(base / "wards.csv", index=False)
    params = {
        "run_name": "hostile01",
        "responses": str(DATA / "responses.csv"),
        "ward_frame": "wards.csv",
        "fieldwork_file": "mẫu 2024.xlsx",
        "replications": 2,
        "plans": ["srs"],
        "language": "vi",
        "psu": ["psu", "respondent_id"],
    }
    (base / "p.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    watched = {"base": (base, "reports"), "notebooks": (notebooks_dir(), None)}
    watched["data"] = (ROOT / "data", None)
    before = {k: snapshot(f, skip) for k, (f, skip) in watched.items()}
    code = main(
        [
            "run",
            str(base / "p.yaml"),
            "--reports",
            str(base / "reports"),
            "--only",
            "01",
            "--no-progress",
        ]
    )
    after = {k: snapshot(f, skip) for k, (f, skip) in watched.items()}
    return code, base / "reports" / "hostile01", before, after


def test_the_run_completes_and_writes_nothing_outside_its_folder(hostile_run):
    code, folder, before, after = hostile_run
    assert code == 0
    assert after == before
    assert sorted(p.name for p in folder.parent.iterdir()) == ["hostile01"]


def test_the_fieldwork_sheet_is_a_file_of_the_run(hostile_run):
    _, folder, _, _ = hostile_run
    sheet = folder / "mẫu 2024.xlsx"
    assert sheet.is_file()
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert "mẫu 2024.xlsx" in manifest["outputs"]
    assert manifest["parameters"]["fieldwork_file"] == "mẫu 2024.xlsx"
    assert "mẫu 2024.xlsx" in (folder / "01_sampling_design.html").read_text("utf-8")


def test_the_fieldwork_sheet_holds_no_live_formula(hostile_run):
    _, folder, _, _ = hostile_run
    sheet = folder / "mẫu 2024.xlsx"
    with zipfile.ZipFile(sheet) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml
    ws = openpyxl.load_workbook(sheet).active
    risky = [
        c
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))
    ]
    assert len(risky) > 100
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)
    assert any(c.value.startswith('=HYPERLINK("http://evil.example"') for c in risky)


def test_verify_without_rerun_says_files_unchanged_figures_not_re_derived(hostile_run, capsys):
    _, folder, _, _ = hostile_run
    capsys.readouterr()
    assert main(["verify", str(folder), "--no-rerun", "--language", "vi"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("tệp không đổi; số liệu chưa được tính lại (--no-rerun)")
    assert main(["verify", str(folder), "--no-rerun"]) == 0
    assert capsys.readouterr().out.startswith("files unchanged; figures not re-derived")


@pytest.mark.parametrize("target", ["outside.xlsx", "../../outside.xlsx"])
def test_verify_refuses_a_manifest_whose_fieldwork_file_points_elsewhere(
    hostile_run, tmp_path, capsys, target
):
    import shutil

    _, folder, _, _ = hostile_run
    copy = tmp_path / "reports" / "hostile01"
    shutil.copytree(folder, copy)
    evil = tmp_path / target if target == "outside.xlsx" else Path(target)
    m = json.loads((copy / "manifest.json").read_text("utf-8"))
    m["parameters"]["fieldwork_file"] = str(evil)
    (copy / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(copy)]) == 2
    err = capsys.readouterr().err
    assert (
        "the parameters recorded in manifest.json: parameter 'fieldwork_file' must be a file "
        in err
    )
    assert not (tmp_path / "outside.xlsx").exists()
