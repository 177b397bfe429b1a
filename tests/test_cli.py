"""The govsurvey command line: exit codes, output text, never a traceback."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govsurvey import cli
from govsurvey.cli import main

TESTS = Path(__file__).resolve().parent
MALFORMED = TESTS / "malformed"
FIXTURES = TESTS / "fixtures" / "io"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_validate_clean_file_prints_the_account_and_exits_0(capsys, monkeypatch) -> None:
    monkeypatch.chdir(FIXTURES)
    code, out, err = run(capsys, "validate", "clean.xlsx", "--language", "en")
    sha = hashlib.sha256((FIXTURES / "clean.xlsx").read_bytes()).hexdigest()
    assert code == 0
    assert err == ""
    assert out.splitlines() == [
        f"clean.xlsx: xlsx, sheet Responses, header row 4; sha256 {sha}",
        "instrument sipas-2017",
        "rows read 9, kept 9, excluded 0",
        "personal columns (kept, never published): full_name, phone",
    ]


def test_validate_reports_the_detected_encoding(capsys, monkeypatch) -> None:
    monkeypatch.chdir(FIXTURES)
    code, out, _ = run(capsys, "validate", "clean_cp1258.csv", "--language", "en")
    assert code == 0
    assert out.startswith("clean_cp1258.csv: csv, encoding cp1258, header row 1; sha256 ")


def test_validate_prints_each_problem_on_a_line_and_exits_2(capsys, monkeypatch) -> None:
    monkeypatch.chdir(MALFORMED)
    code, out, err = run(capsys, "validate", "scale_codes.csv", "--strict", "--language", "en")
    assert code == 2
    assert err == ""
    fix = (
        "Fix: write 1–5 or its label such as 'Hài lòng' (sheet 'Mã' of the template lists "
        "them), 8 or 'Không biết' (don't know), 9 or 'Không trả lời' (no answer), or leave the "
        "cell blank"
    )
    assert out.splitlines() == [
        "scale_codes.csv: 5 problems",
        f"scale_codes.csv, row 2, column 'C1_1': not a valid answer (value '6'). {fix}",
        f"scale_codes.csv, row 2, column 'C2_1': neither a code nor a label of this column "
        f"(value 'four'). {fix}",
        f"scale_codes.csv, row 3, column 'C3_3': not a whole number (value '4.5'). {fix}",
        f"scale_codes.csv, row 3, column 'overall': not a valid answer (value '0'). {fix}",
        f"scale_codes.csv, row 5, column 'C5_4': not a valid answer (value '-1'). {fix}",
    ]


def test_validate_passes_encoding_sheet_and_weight(capsys, monkeypatch) -> None:
    monkeypatch.chdir(MALFORMED)
    code, out, _ = run(
        capsys, "validate", "cp1258_read_as_utf8.csv", "--encoding", "utf-8", "--language", "en"
    )
    assert code == 2
    assert "cannot be read as utf-8: byte 0xd0 on line 2" in out
    code, out, _ = run(
        capsys, "validate", "wrong_sheet.xlsx", "--sheet", "Data", "--language", "en"
    )
    assert (code, out.splitlines()[1]) == (
        2,
        "wrong_sheet.xlsx: no sheet called 'Data'. "
        "Fix: give one of the workbook's sheets: ['Responses', 'Notes']",
    )
    code, out, _ = run(
        capsys,
        "validate",
        "weight_column_named.csv",
        "--weight",
        "final_weight",
        "--language",
        "en",
    )
    assert code == 2 and "the column 'final_weight' you named is not in the file" in out


def test_validate_caps_the_problems_printed(capsys, monkeypatch) -> None:
    monkeypatch.chdir(MALFORMED)
    code, out, _ = run(
        capsys,
        "validate",
        "many_problems.csv",
        "--strict",
        "--max-problems",
        "5",
        "--language",
        "en",
    )
    lines = out.splitlines()
    assert code == 2
    assert lines[0] == "many_problems.csv: 24 problems"
    assert len(lines) == 1 + 5 + 1
    assert lines[-1] == "... and 19 more (--max-problems 0 prints all)"
    code, out, _ = run(
        capsys,
        "validate",
        "many_problems.csv",
        "--strict",
        "--max-problems",
        "0",
        "--language",
        "en",
    )
    assert len(out.splitlines()) == 1 + 24


def test_validate_exclude_prints_excluded_rows_by_check(capsys, monkeypatch) -> None:
    monkeypatch.chdir(MALFORMED)
    code, out, _ = run(capsys, "validate", "duplicate_ids.csv", "--exclude", "--language", "en")
    lines = out.splitlines()
    assert code == 0
    assert lines[2:6] == [
        "rows read 6, kept 1, excluded 5",
        "excluded by check:",
        "  duplicate_id: 5",
        "rows excluded (the run leaves them out): 5, because of:",
    ]
    # each problem once, with its fix (the first copy of a duplicated id is named by the later
    # copies' messages)
    assert lines[6] == (
        "  duplicate_ids.csv, row 5, column 'respondent_id': respondent ID duplicated: rows 3 "
        "and 5 hold the same ID (value 'R002'). Fix: give each respondent a unique ID, or "
        "delete the repeated row"
    )
    assert lines[-2:] == [
        "personal columns (kept, never published): full_name, phone",
        "the file can be run: `govsurvey run` reads it as above",
    ]


def test_validate_exclude_still_fails_on_file_problems(capsys, monkeypatch) -> None:
    monkeypatch.chdir(MALFORMED)
    code, out, _ = run(capsys, "validate", "missing_columns.csv", "--exclude", "--language", "en")
    assert code == 2
    assert out.splitlines()[1].startswith(
        "missing_columns.csv, row 1: required columns missing: C5_4, overall, district."
    )


def test_missing_file_and_unknown_instrument(capsys) -> None:
    code, out, _ = run(capsys, "validate", "no/such/file.csv", "--language", "en")
    assert code == 2
    assert out.splitlines() == [
        "no/such/file.csv: 1 problem",
        "no/such/file.csv: file not found. Fix: check the path and the working directory",
    ]
    code, out, err = run(
        capsys, "validate", "x.csv", "--instrument", "sipas-1999", "--language", "en"
    )
    assert (code, out) == (2, "")
    assert err.startswith("govsurvey: no instrument called 'sipas-1999'. Fix: use one of [")


def test_usage_errors_exit_2_without_traceback(capsys) -> None:
    code, out, err = run(capsys)
    assert code == 2 and "usage: govsurvey" in err and "validate" in err
    code, _, err = run(capsys, "validate")
    assert code == 2 and "the following arguments are required: file" in err
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and "invalid choice: 'frobnicate'" in err
    code, _, err = run(capsys, "validate", "x.csv", "--max-problems", "many", "--language", "en")
    assert code == 2 and "invalid int value: 'many'" in err


def test_help_and_version_exit_0(capsys) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "validate" in out
    code, out, _ = run(capsys, "validate", "--help", "--language", "en")
    assert code == 0 and "--encoding" in out and "--sheet" in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("govsurvey ")


def test_an_unexpected_error_says_it_is_a_bug_and_exits_3(capsys, monkeypatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("disk\non fire")

    monkeypatch.setattr("govsurvey.publish.run.run", boom)
    code, out, err = run(capsys, "run", "params/default.yaml")
    assert code == 3
    assert out == ""
    assert err.startswith(
        "govsurvey: unexpected error (RuntimeError: disk on fire): this is a bug in govsurvey, "
        "not a problem with your input; please report it on the project's issue tracker with "
        "the command you ran"
    )
    assert err.count("\n") == 1 and "--version" in err


def test_a_notebook_failure_is_a_bug_unless_it_is_bad_input(capsys, monkeypatch, tmp_path):
    from govsurvey.publish.run import RunFailed

    def fails(ename):
        def _run(*args, **kwargs):
            raise RunFailed(tmp_path / "x.failed-1", "03", 7, ename, "it broke")

        return _run

    monkeypatch.setattr("govsurvey.publish.run.run", fails("ZeroDivisionError"))
    code, _, err = run(capsys, "run", "p.yaml", "--language", "en")
    assert code == 3
    assert "notebook 03, cell 7 stopped: ZeroDivisionError" in err
    assert "the failed run is kept in" in err and "this is a bug in govsurvey" in err
    monkeypatch.setattr("govsurvey.publish.run.run", fails("InputError"))
    code, _, err = run(capsys, "run", "p.yaml", "--language", "en")
    assert code == 2 and "InputError: it broke" in err and "bug" not in err


def test_commands_are_registered_in_one_list() -> None:
    names = [add.__name__.removeprefix("_add_") for add, _ in cli._COMMANDS]
    assert {"validate", "run", "verify"} <= set(names)
    sub = next(a for a in cli.build_parser()._actions if a.dest == "command")
    assert list(sub.choices) == names


@pytest.mark.parametrize(
    ("name", "code", "strict"),
    [
        ("clean_utf8.csv", 0, []),
        ("../../malformed/duplicate_ids.csv", 0, []),  # the run excludes the copies and goes on
        ("../../malformed/duplicate_ids.csv", 2, ["--strict"]),
    ],
)
def test_python_dash_m_govsurvey(name: str, code: int, strict: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "govsurvey", "validate", name, *strict],
        cwd=FIXTURES,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == code
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[0].startswith(name)


def test_run_with_bad_parameters_names_each_problem_and_exits_2(capsys, tmp_path) -> None:
    params = tmp_path / "p.yaml"
    params.write_text("responses: nowhere.csv\nmin_cell: 0\ncolour: red\n", encoding="utf-8")
    code, out, err = run(capsys, "run", str(params), "--reports", str(tmp_path / "reports"))
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 3
    assert all(line.startswith(f"govsurvey: {params}: ") for line in lines)
    assert "unknown parameter 'colour'" in err
    assert "parameter 'min_cell': input should be greater than or equal to 1 (value 0)" in err
    assert "parameter 'responses': file 'nowhere.csv' not found" in err
    assert not (tmp_path / "reports").exists()


def test_run_refuses_an_alias_bomb_at_once_with_exit_2(capsys, tmp_path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for x, y in zip("bcdefgh", "abcdefg", strict=True):
        lines.append(f"{x}: &{x} [" + ",".join([f"*{y}"] * 9) + "]")
    lines.append("psu: [" + ",".join(["*h"] * 9) + "]")
    params = tmp_path / "bomb.yaml"
    params.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    code, out, err = run(capsys, "run", str(params), "--reports", str(tmp_path / "reports"))
    assert time.perf_counter() - t0 < 2
    assert code == 2 and out == ""
    assert err == (
        f"govsurvey: {params}, row 1: the parameters file uses a YAML anchor (&'a'). Fix: "
        "remove the anchor; aliases are not allowed in parameters files\n"
    )
    assert not (tmp_path / "reports").exists()


def test_run_only_names_the_notebooks_there_are(capsys, tmp_path) -> None:
    code, _, err = run(
        capsys, "run", "params/default.yaml", "--only", "07", "--reports", str(tmp_path / "r")
    )
    assert code == 2
    assert "no notebook '07' to run. Fix: choose among " in err
    assert not (tmp_path / "r").exists()


def test_verify_of_a_folder_without_a_run_exits_2(capsys, tmp_path) -> None:
    code, out, err = run(capsys, "verify", str(tmp_path))
    assert code == 2
    assert err == (
        f"govsurvey: {tmp_path}: no manifest.json in this folder: it was not written by "
        "`govsurvey run`, or the manifest was deleted. Fix: give the folder `govsurvey run` "
        "wrote (reports/<run_name>/), complete\n"
    )


def test_validate_exclude_prints_the_answers_set_missing(capsys, tmp_path) -> None:
    import pandas as pd

    root = Path(__file__).resolve().parent.parent
    df = pd.read_csv(root / "data" / "synthetic" / "responses.csv", dtype=str).head(20)
    df.loc[3, "C1_1"] = "Không biết gì"  # unreadable: that answer is set missing, the row kept
    f = tmp_path / "x.csv"
    df.to_csv(f, index=False)
    code, out, _ = run(capsys, "validate", str(f), "--exclude", "--language", "en")
    assert code == 0
    assert "rows read 20, kept 20, excluded 0" in out
    assert "answers set missing (the row is kept): 1" in out
    assert (
        f"  {f}, row 5, column 'C1_1': neither a code nor a label of this column (value "
        "'Không biết gì'). Fix: write 1–5 or its label such as 'Hài lòng'"
    ) in out
    assert "(did you mean 'Không biết'?)" in out
