"""A hostile corpus of parameters: each case ends before any notebook runs, with one clear
message naming the parameter, the file and the fix, and exit 2 — and nothing is written
anywhere (the reports folder is not even created; the data, parameters and notebooks folders
are unchanged, compared as directory snapshots).

Every case runs ``govsurvey run`` through :func:`govsurvey.cli.main` with ``--only`` the
notebook that reads the key, so a case that were not refused would start that notebook (and
its test would fail on the exit code and on the reports folder).
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from govsurvey.cli import main
from govsurvey.config import preflight
from govsurvey.config.params import notebooks_dir

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "data" / "synthetic"


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry below ``folder`` (links not followed): kind, size, mtime, content or target."""
    out: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = os.lstat(p)
            rel = p.relative_to(folder).as_posix()
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(p))
            elif stat.S_ISREG(st.st_mode):
                out[rel] = ("file", st.st_size, st.st_mtime_ns)
            else:
                out[rel] = ("other", stat.S_IFMT(st.st_mode))
    return out


@pytest.fixture
def case(tmp_path):
    """A folder with a private copy of the embedded data, a writer of parameters files and a
    runner that checks nothing was written anywhere."""

    class Case:
        folder = tmp_path
        data = tmp_path / "data"
        reports = tmp_path / "reports"

        def params(self, **values) -> Path:
            base = {
                "run_name": "hostile",
                "responses": "data/responses.csv",
                "language": "en",
            }
            base.update(values)
            path = tmp_path / "p.yaml"
            path.write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
            return path

        def run(self, only: str, capsys, **values) -> tuple[int, list[str]]:
            path = self.params(**values)
            watched = [tmp_path, notebooks_dir(), ROOT / "data"]
            before = [snapshot(f) for f in watched]
            code = main(["run", str(path), "--reports", str(self.reports), "--only", only])
            err = capsys.readouterr().err.splitlines()
            assert not self.reports.exists(), "the run wrote its reports folder"
            assert [snapshot(f) for f in watched] == before, "something was written"
            return code, err

    c = Case()
    c.data.mkdir()
    for name in ("responses.csv", "frame.csv", "truth.csv", "wards.csv"):
        shutil.copyfile(DATA / name, c.data / name)
    return c


def P(text: str) -> str:
    """An expected message line as the command line prints it."""
    return f"govsurvey: {text}"


# --------------------------------------------------------------------------- paths


def _fifo(p: Path) -> None:
    os.mkfifo(p)


def _loop(p: Path) -> None:
    p.symlink_to(p.name)


def _binary(p: Path) -> None:
    p.write_bytes(b"district,N\n\x00\x01\x02\xff" * 10)


def _cp1258(p: Path) -> None:
    p.write_bytes("district,psu,ward,N\nĐan,D01,Phuong A,10\n".encode("cp1258"))


def _misread(p: Path) -> None:
    text = "district,psu,ward,N\nBa Đình,D01W01,Phường Thượng Bình,10\n"
    p.write_text(text.encode("utf-8").decode("cp1252", errors="replace"), encoding="utf-8")


def _corrupt_xlsx(p: Path) -> None:
    p.write_bytes(b"PK\x03\x04 this is not really a workbook")


def _passwd(p: Path) -> None:
    p.write_text(
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    )


def _workbook_as_csv(p: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["district", "N"])
    wb.save(p)


#: key -> (notebook that reads it, file name)
PATH_KEYS = {
    "frame": ("03", "frame.csv"),
    "truth": ("03", "truth.csv"),
    "ward_frame": ("01", "wards.csv"),
    "responses": ("03", "responses.csv"),
}

#: kind -> (how the file is made, the message after "parameter '<key>': " for a file named x)
KINDS: dict[str, tuple[Callable[[Path], None] | None, str, str]] = {
    "folder": (
        lambda p: p.mkdir(),
        "'{value}' is a folder, not a file (looked at '{path}')",
        "name {what} itself (a .csv, .xlsx, .sav or .parquet file)",
    ),
    "fifo": (
        _fifo,
        "'{value}' is a FIFO (named pipe), not a file (looked at '{path}')",
        "name {what} itself (a .csv, .xlsx, .sav or .parquet file)",
    ),
    "link-loop": (
        _loop,
        "'{value}' is a symbolic link that loops (it never reaches a file) (looked at '{path}')",
        "point it to the file itself",
    ),
    "empty": (
        lambda p: p.write_bytes(b""),
        "'{value}' is empty (0 bytes) (looked at '{path}')",
        "export {what} again, with its header row",
    ),
    "missing": (
        None,
        "file '{value}' not found (looked at '{path}')",
        "give a path relative to the parameters file, or an absolute path",
    ),
}

WHAT = {
    "responses": "the survey file",
    "frame": "the population frame",
    "truth": "the file of known population values",
    "ward_frame": "the frame of wards",
}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("key", sorted(PATH_KEYS))
def test_a_path_that_is_not_a_readable_file_is_named_as_such(case, capsys, key, kind):
    only, _ = PATH_KEYS[key]
    make, what, fix = KINDS[kind]
    value = f"data/bad-{key}.csv"
    path = case.folder / value
    if make is not None:
        make(path)
    code, err = case.run(only, capsys, **{key: value})
    assert code == 2
    text = what.format(value=value, path=path)
    assert err == [
        P(f"{case.folder / 'p.yaml'}: parameter '{key}': {text}. Fix: {fix.format(what=WHAT[key])}")
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_file_is_named(case, capsys):
    path = case.data / "frame.csv"
    path.chmod(0)
    code, err = case.run("03", capsys, frame="data/frame.csv")
    assert code == 2
    assert "cannot be opened: permission denied" in err[0]


#: (key, notebook, file name, how it is made, message after the file's name)
CONTENTS = [
    (
        "frame",
        "03",
        "frame.csv",
        _binary,
        "parameter 'frame': the file is binary (it holds NUL bytes), not CSV text. Fix: name "
        "the CSV file itself, saved from Excel as 'CSV UTF-8'",
    ),
    (
        "ward_frame",
        "01",
        "wards.csv",
        _cp1258,
        "parameter 'ward_frame': the file is not UTF-8 text (byte 0xd0 on line 2); it reads as "
        "Windows-1258 (Vietnamese ANSI). Fix: save it as 'CSV UTF-8' (in Excel: Save As, CSV "
        "UTF-8)",
    ),
    (
        "ward_frame",
        "01",
        "wards.csv",
        _misread,
        "parameter 'ward_frame': the text was misread before it was saved: line 2 holds "
        "'Æ°' where a Vietnamese letter should be (UTF-8 read as Windows-1252 or Latin-1, "
        "then saved again). Fix: export the file again from its source as 'CSV UTF-8', without "
        "opening it in another encoding first",
    ),
    (
        "ward_frame",
        "01",
        "wards.xlsx",
        _corrupt_xlsx,
        "parameter 'ward_frame': not a readable .xlsx workbook (BadZipFile). Fix: open it in "
        "Excel and save it again as .xlsx (Excel Workbook), or save it as CSV",
    ),
    (
        "ward_frame",
        "01",
        "wards.xlsx",
        _passwd,
        "parameter 'ward_frame': not a readable .xlsx workbook (it is not a zip file). Fix: "
        "open it in Excel and save it again as .xlsx (Excel Workbook), or save it as CSV",
    ),
    (
        "truth",
        "03",
        "truth.csv",
        _workbook_as_csv,
        "parameter 'truth': the file is an Excel workbook (or another zip file), not CSV text. "
        "Fix: save it from Excel as 'CSV UTF-8' and name that file",
    ),
    (
        "frame",
        "03",
        "frame.xlsx",
        _workbook_as_csv,
        "parameter 'frame': the file is .xlsx, but the population frame is read as .csv. Fix: "
        "save it as .csv and name that file",
    ),
]


@pytest.mark.parametrize(("key", "only", "name", "make", "message"), CONTENTS)
def test_a_file_whose_content_is_not_the_declared_format_is_refused(
    case, capsys, key, only, name, make, message
):
    path = case.data / f"bad-{name}"
    make(path)
    code, err = case.run(only, capsys, **{key: f"data/bad-{name}"})
    assert code == 2
    assert err == [P(f"{path}: {message}")]


def test_a_passwd_like_file_as_the_ward_frame_lacks_its_columns(case, capsys):
    path = case.data / "passwd.csv"
    _passwd(path)
    code, err = case.run("01", capsys, ward_frame="data/passwd.csv")
    assert code == 2
    cols = "root:x:0:0:root:/root:/bin/bash"
    assert err[0] == P(
        f"{path}: parameter 'stratum_column': the column 'district' is not in the frame of "
        f"wards (parameter 'ward_frame'). Fix: name one of its columns ('{cols[:25]}… (31 "
        "characters)) in 'stratum_column', or add the column to the file"
    )
    assert [e.split(": ")[2] for e in err] == [
        f"parameter '{k}'" for k in ("stratum_column", "ward_column", "size_column", "ward_label")
    ]


# --------------------------------------------------------------------------- columns


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"psu": "psu_code"},
            "parameter 'psu': the column 'psu_code' is not in the survey file (parameter "
            "'responses')",
        ),
        (
            {"weight": "w"},
            "parameter 'weight': the column 'w' is not in the survey file (parameter 'responses')",
        ),
        (
            {"strata": "tang"},
            "parameter 'strata': the column 'tang' is not in the survey file (parameter "
            "'responses')",
        ),
    ],
)
def test_a_design_column_absent_from_the_responses_names_its_parameter(
    case, capsys, values, message
):
    code, err = case.run("03", capsys, **values)
    assert code == 2
    assert len(err) == 1
    assert err[0].startswith(P(f"{case.data / 'responses.csv'}: {message}. Fix: name one of"))


def test_psu_absent_from_a_file_without_it_is_named_before_notebook_01_runs(case, capsys):
    import pandas as pd

    df = pd.read_csv(case.data / "responses.csv", dtype=str).drop(columns=["psu"])
    df.to_csv(case.data / "nopsu.csv", index=False)
    code, err = case.run("01", capsys, responses="data/nopsu.csv", psu="psu")
    assert code == 2
    assert err[0].startswith(
        P(
            f"{case.data / 'nopsu.csv'}: parameter 'psu': the column 'psu' is not in the survey "
            "file (parameter 'responses')"
        )
    )


def _wards(case, **changes) -> str:
    import pandas as pd

    w = pd.read_csv(case.data / "wards.csv")
    for col, (row, value) in changes.items():
        w[col] = w[col].astype(object)
        w.loc[row, col] = value
    w.to_csv(case.data / "w2.csv", index=False)
    return "data/w2.csv"


@pytest.mark.parametrize(
    ("value", "what"),
    [
        (
            1e300,
            "is 1e+300, above the 1,000,000,000 a register of one unit can hold (sums of such "
            "counts lose their precision or overflow)",
        ),
        (-5, "is negative"),
        (0, "is zero"),
        ("many", "is not a number"),
        ("inf", "is not a finite number"),
    ],
)
def test_a_ward_size_that_is_not_a_count_is_refused(case, capsys, value, what):
    frame = _wards(case, N=(3, value))
    code, err = case.run("01", capsys, ward_frame=frame)
    assert code == 2
    assert err == [
        P(
            f"{case.data / 'w2.csv'}, row 5, column 'N': parameter 'ward_frame': the count {what}. "
            "Fix: give every row's N as a whole number of dossiers or people, 1 to 1,000,000,000"
        )
    ]


def test_a_ward_code_given_twice_is_refused_with_its_row(case, capsys):
    import pandas as pd

    first = pd.read_csv(case.data / "wards.csv")["psu"].iloc[0]
    frame = _wards(case, psu=(7, first))
    code, err = case.run("01", capsys, ward_frame=frame)
    assert code == 2
    assert err == [
        P(
            f"{case.data / 'w2.csv'}, row 9, column 'psu': parameter 'ward_frame': a ward code "
            f"appears twice in the frame (1 repeated row(s)) (value '{first}'). Fix: give each "
            "ward one row, with its own code"
        )
    ]


def test_a_ward_frame_without_the_size_column_names_size_column(case, capsys):
    code, err = case.run("01", capsys, size_column="dossiers")
    assert code == 2
    assert err[0].startswith(
        P(
            f"{DATA.parent.resolve() / 'synthetic' / 'wards.csv'}: parameter 'size_column': the "
            "column 'dossiers' is not in the frame of wards (parameter 'ward_frame')"
        )
    )


def test_a_truth_file_without_its_columns_is_refused(case, capsys):
    (case.data / "t.csv").write_text("code,value\nSIPAS,80\n", encoding="utf-8")
    code, err = case.run("03", capsys, truth="data/t.csv")
    assert code == 2
    assert err == [
        P(
            f"{case.data / 't.csv'}: parameter 'truth': the column '{col}' is not in the file of "
            "known population values (parameter 'truth'). Fix: name one of its columns ('code', "
            "'value') in 'truth', or add the column to the file"
        )
        for col in ("breakdown", "estimate")
    ]


# --------------------------------------------------------------------------- personal columns


#: key -> (notebook, value naming the personal column "phone", the role in words)
ROLES = {
    "weight": ("03", "phone", "the design weight"),
    "strata": ("03", "phone", "the strata"),
    "psu": ("03", ["psu", "phone"], "a sampling unit"),
    "fpc": ("03", ["fpc1", "phone"], "a population count"),
    "auxiliaries": ("02", ["district", "phone"], "an auxiliary variable"),
    "propensity_covariates": ("02", ["mode", "phone"], "a covariate of the propensity model"),
    "nonresponse_cells": ("02", ["phone"], "a weighting cell"),
    "calibration_variables": ("03", ["district", "phone"], "a calibration variable"),
    "flag_keys": ("02", ["phone"], "a key of the duplicate-form check"),
    "disposition": ("02", "phone", "the disposition column"),
    "response": ("02", "phone", "the response flag"),
    "importance_by": ("04", ["phone"], "a domain of relative importance"),
    "stated_items": ("04", {"C1": "phone"}, "an expectations item"),
}


@pytest.mark.parametrize("key", sorted(ROLES))
def test_a_personal_column_in_any_role_is_refused_without_its_values(case, capsys, key):
    import pandas as pd

    only, value, role = ROLES[key]
    code, err = case.run(only, capsys, **{key: value})
    assert code == 2
    expected = P(
        f"{case.folder / 'p.yaml'}: parameter '{key}' names the personal column 'phone' as "
        f"{role}; a personal column (name, phone, address, ID number) never takes part in an "
        f"analysis. Fix: remove 'phone' from '{key}'"
    )
    assert expected in err
    phones = pd.read_csv(case.data / "responses.csv", dtype=str)["phone"].dropna()
    text = "\n".join(err)
    assert not any(p in text for p in phones.head(200))  # no value quoted


# --------------------------------------------------------------------------- values


#: (notebook, parameters, the exact line printed; {d} is the folder of the parameters file)
VALUES = [
    (
        "03",
        {"seed": 10**30},
        (
            "govsurvey: {d}/p.yaml: parameter 'seed' is above 4,294,967,295, the largest seed: "
            "a seed is a 32-bit number, as the random generators (numpy, R) take it; use e.g. "
            "2024. Fix: set 'seed' to seed of every random step, a whole number 0 to "
            "4,294,967,295"
        ),
    ),
    (
        "01",
        {"city_seed": 2**40},
        (
            "govsurvey: {d}/p.yaml: parameter 'city_seed' is above 4,294,967,295, the largest "
            "seed: a seed is a 32-bit number, as the random generators (numpy, R) take it; use "
            "e.g. 2024. Fix: set 'city_seed' to seed of the population the plans are simulated "
            "on (built from the ward frame and the previous survey's answers; 0 to "
            "4,294,967,295)"
        ),
    ),
    (
        "01",
        {"per_ward": 2000},
        (
            "govsurvey: {d}/p.yaml: parameter 'per_ward' must be 2 to 500 forms per ward: "
            "provincial plans take 90–200 forms per commune, and above 500 the plan takes most "
            "of a ward's register, so the simulation of the plans runs for more than an hour. "
            "Fix: set 'per_ward' to forms per ward (2-500)"
        ),
    ),
    (
        "01",
        {"rho": 0.9},
        (
            "govsurvey: {d}/p.yaml: parameter 'rho' must be 0 to 0.5: intra-class correlations "
            "of satisfaction within wards are about 0.01–0.2; above 0.5 a ward's forms say "
            "little more than one form, and the plan would ask for more wards than a province "
            "has. Fix: set 'rho' to intra-class correlation within wards, 0 to 0.5 (omit: "
            "estimate from responses)"
        ),
    ),
    (
        "01",
        {"replications": 50000},
        (
            "govsurvey: {d}/p.yaml: parameter 'replications' must be 2 to 5,000 samples per "
            "plan: each replication draws and analyses a whole sample for every plan (100 "
            "replications of 3 plans took 14 s on a busy 2-core machine), so 5,000 take several "
            "minutes; 1,000 judge an SE ratio within about ±5%. Fix: set 'replications' to "
            "samples drawn per plan in the simulation (2-5000)"
        ),
    ),
    (
        "01",
        {"response_rate": 1e-09},
        (
            "govsurvey: {d}/p.yaml: parameter 'response_rate' must be 0.05 to 1: below 5 "
            "returned forms in 100 the plan would send more than 20 forms per completed one, "
            "and its margins would rest on a handful of answers. Fix: set 'response_rate' to "
            "expected response rate, 0.05 to 1 (omit: the rate in responses)"
        ),
    ),
    (
        "01",
        {"margin": 1e-09},
        (
            "govsurvey: {d}/p.yaml: parameter 'margin' must be 0.005 (±0.5 points) to below 1: "
            "a narrower margin asks for more forms than a district's register holds. Fix: set "
            "'margin' to target margin per district as a fraction, 0.005 (±0.5 points) to "
            "below 1, e.g. 0.05"
        ),
    ),
    (
        "01",
        {"total_forms": 1000000000},
        (
            "govsurvey: {d}/p.yaml: parameter 'total_forms' must be 10 to 1,000,000 forms: the "
            "national survey sends about 40,000 forms a year, and a larger budget plans more "
            "forms than a province's registers hold. Fix: set 'total_forms' to a budget of "
            "forms, 10 to 1,000,000, instead of a margin (omit for the margin)"
        ),
    ),
    (
        "02",
        {"sensitivity_deltas": [float("nan"), float("inf")]},
        (
            "govsurvey: {d}/p.yaml: parameter 'sensitivity_deltas' holds nan: each difference "
            "is a finite number of percentage points from -100 to 100 (a rate differs from "
            "another by at most 100 points). Fix: set 'sensitivity_deltas' to "
            "respondent-minus-nonrespondent differences (points) for the sensitivity"
        ),
    ),
    (
        "02",
        {"sensitivity_deltas": []},
        (
            "govsurvey: {d}/p.yaml: parameter 'sensitivity_deltas' is empty: give one or more "
            "differences in points, e.g. [-5, 0, 5]. Fix: set 'sensitivity_deltas' to "
            "respondent-minus-nonrespondent differences (points) for the sensitivity"
        ),
    ),
    (
        "02",
        {"auxiliaries": []},
        (
            "govsurvey: {d}/p.yaml: parameter 'auxiliaries' is empty: name one or more columns "
            "known for every sampled unit (e.g. [district, area]); respondents are compared "
            "with the sample on them. Fix: set 'auxiliaries' to columns known for every "
            "sampled unit, compared respondents vs population"
        ),
    ),
    (
        "02",
        {"response": "C1_1"},
        (
            "govsurvey: {d}/p.yaml: parameter 'response' names 'C1_1', an answer of the "
            "questionnaire, not the 0/1 flag of whether the form was returned. Fix: set "
            "'response' to the 0/1 column (1 answered, 0 did not), e.g. responded"
        ),
    ),
    (
        "04",
        {"min_valid": 6},
        (
            "govsurvey: {d}/p.yaml: parameter 'min_valid' is 6, but component C4 has only 3 "
            "criteria: no form could ever have 6 valid answers on it. Fix: set 'min_valid' to "
            "1–3 (valid answers a component score needs)"
        ),
    ),
    (
        "04",
        {"stated_items": {"C9": "exp_access"}},
        (
            "govsurvey: {d}/p.yaml: parameter 'stated_items' names 'C9', which is not a "
            "component of instrument 'sipas-2017'. Fix: use the component codes C1, C2, C3, "
            "C4, C5 as keys, e.g. {C1: exp_access}"
        ),
    ),
    (
        "04",
        {"stated_items": {"C1": "exp_nothing"}},
        (
            "govsurvey: {d}/data/responses.csv: parameter 'stated_items': the column "
            "'exp_nothing' is not in the survey file (parameter 'responses'). Fix: name one of "
            "its columns ('C1_1', 'C1_2', 'C1_3', 'C1_4', 'C2_1', 'C2_2', 'C2_3', 'C2_4', "
            "'C2_5', 'C3_1', 'C3_2', 'C3_3' …) in 'stated_items', or add the column to the file"
        ),
    ),
    (
        "01",
        {"fieldwork_file": "../notebooks/x.xlsx"},
        (
            "govsurvey: {d}/p.yaml: parameter 'fieldwork_file' must be a file name, not a "
            "path: the sheet is written into the run's own folder, e.g. fieldwork_file: "
            "sample.xlsx. Fix: set 'fieldwork_file' to file name (.xlsx or .csv, no folder) of "
            "the drawn sample, written into the run's folder (empty: 01_sample_list.xlsx there)"
        ),
    ),
    (
        "01",
        {"fieldwork_file": str(DATA / "responses.csv")},
        (
            "govsurvey: {d}/p.yaml: parameter 'fieldwork_file' must be a file name, not a "
            "path: the sheet is written into the run's own folder, e.g. fieldwork_file: "
            "sample.xlsx. Fix: set 'fieldwork_file' to file name (.xlsx or .csv, no folder) of "
            "the drawn sample, written into the run's folder (empty: 01_sample_list.xlsx there)"
        ),
    ),
    (
        "01",
        {"fieldwork_file": ".."},
        (
            "govsurvey: {d}/p.yaml: parameter 'fieldwork_file' must be a file name, not a "
            "path: the sheet is written into the run's own folder, e.g. fieldwork_file: "
            "sample.xlsx. Fix: set 'fieldwork_file' to file name (.xlsx or .csv, no folder) of "
            "the drawn sample, written into the run's folder (empty: 01_sample_list.xlsx there)"
        ),
    ),
    (
        "01",
        {"fieldwork_file": ".hidden.xlsx"},
        (
            "govsurvey: {d}/p.yaml: parameter 'fieldwork_file' must be a plain file name of "
            "letters, digits, spaces, '.', '-', '_' and brackets, not starting with a dot, "
            "e.g. sample.xlsx. Fix: set 'fieldwork_file' to file name (.xlsx or .csv, no "
            "folder) of the drawn sample, written into the run's folder (empty: "
            "01_sample_list.xlsx there)"
        ),
    ),
]


@pytest.mark.parametrize(("only", "values", "line"), VALUES)
def test_a_value_that_would_run_for_hours_or_mislead_is_refused(case, capsys, only, values, line):
    code, err = case.run(only, capsys, **values)
    assert code == 2
    assert err == [line.replace("{d}", str(case.folder))]


def test_the_fieldwork_file_name_comes_out_inside_the_run_folder():
    from govsurvey.sampling.params import validate_sampling_params

    out = validate_sampling_params({"fieldwork_file": "mẫu 2024.xlsx", "output_dir": "/r/x"})
    assert out["fieldwork_file"] == "/r/x/mẫu 2024.xlsx"
    assert validate_sampling_params({"fieldwork_file": "s.csv"})["fieldwork_file"] == "s.csv"


# --------------------------------------------------------------------------- the reports folder


def test_a_reports_folder_that_cannot_be_written_is_exit_2(case, capsys, monkeypatch):
    """A read-only folder (EROFS or EACCES; root ignores modes, so the refusal is simulated
    where the run writes its lock, the first thing it writes)."""
    import errno

    real = os.open

    def refuse(path, flags, *a, **k):
        if str(path).endswith(".hostile.lock"):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real(path, flags, *a, **k)

    case.reports.mkdir()
    if os.geteuid() != 0:
        case.reports.chmod(0o555)
    else:
        monkeypatch.setattr(os, "open", refuse)
    path = case.params()
    code = main(["run", str(path), "--reports", str(case.reports), "--only", "03"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert err[0].startswith(P(f"{case.reports}: the reports folder cannot be written ("))
    assert err[0].endswith(
        "); nothing was run. Fix: give a folder you can write to with --reports, or make this "
        "one writable"
    )
    assert list(case.reports.iterdir()) == []


def test_check_run_passes_on_the_default_parameters():
    from govsurvey.config.params import load_params

    preflight.check_run(load_params(ROOT / "params" / "default.yaml"), ["01", "02", "03", "04"])


# --------------------------------------------------------------------------- responses, instrument


RESPONSES = [
    (
        "bad.xlsx",
        _corrupt_xlsx,
        "not a readable .xlsx workbook (BadZipFile). Fix: open it in Excel and save it again as "
        ".xlsx (Excel Workbook)",
    ),
    (
        "passwd.csv",
        _passwd,
        "no header row found: none of the first 30 rows names the id column 'respondent_id' or "
        "a criterion column (C1_1, C1_2, …). Fix: put a header row of column names above the "
        "data, spelled as in the instrument",
    ),
]


@pytest.mark.parametrize(("name", "make", "message"), RESPONSES)
def test_a_responses_file_that_is_not_a_survey_is_one_message(case, capsys, name, make, message):
    make(case.data / name)
    code, err = case.run("03", capsys, responses=f"data/{name}")
    assert code == 2
    assert err == [P(f"{case.data / name}: {message}")]


@pytest.mark.parametrize("kind", ["folder", "fifo", "link-loop"])
def test_an_instrument_path_that_is_not_a_file_is_named(case, capsys, kind):
    make, what, _ = KINDS[kind]
    path = case.data / "inst.yaml"
    make(path)
    code, err = case.run("03", capsys, instrument="data/inst.yaml")
    assert code == 2
    fix = (
        "point it to the file itself"
        if kind == "link-loop"
        else "name the instrument file (YAML) itself"
    )
    text = what.format(value="data/inst.yaml", path=path)
    assert err == [P(f"{case.folder / 'p.yaml'}: parameter 'instrument': {text}. Fix: {fix}")]


def test_a_frame_count_of_1e300_is_refused_before_notebook_03_runs(case, capsys):
    import pandas as pd

    f = pd.read_csv(case.data / "frame.csv")
    f["N"] = f["N"].astype(float)
    f.loc[2, "N"] = 1e300
    f.to_csv(case.data / "f2.csv", index=False)
    code, err = case.run("03", capsys, frame="data/f2.csv", weighting="rake")
    assert code == 2
    assert err == [
        P(
            f"{case.data / 'f2.csv'}, row 4, column 'N': parameter 'frame': the count is 1e+300, "
            "above the 1,000,000,000 a register of one unit can hold (sums of such counts lose "
            "their precision or overflow). Fix: give every row's N as a whole number of dossiers "
            "or people, 0 to 1,000,000,000"
        )
    ]
