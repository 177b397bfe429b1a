"""Reading and validating response files: the malformed corpus, clean files in every format.

Changed by issue 6 item 1 (and so changed here): a problem in an answer no longer excludes the
row; that answer becomes missing and the cell is listed in ``cell_account``. Missing codes (8, 9)
are missing in ``resp.data``; ``resp.codes`` keeps them.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from govsurvey.config import load_instrument
from govsurvey.errors import MAX_LISTED, InputError
from govsurvey.io import Responses, read_responses, valid_scale

TESTS = Path(__file__).resolve().parents[1]
MALFORMED = TESTS / "malformed"
FIXTURES = TESTS / "fixtures" / "io"
EXPECTED = yaml.safe_load((MALFORMED / "expected.yaml").read_text(encoding="utf-8"))
CASES = {e["file"]: e for e in EXPECTED}
INST = load_instrument("sipas-2017")


# --------------------------------------------------------------------------- malformed corpus


def test_corpus_has_an_expected_message_for_every_file() -> None:
    files = {p.name for p in MALFORMED.iterdir() if p.suffix not in (".py", ".yaml")}
    assert len(files) >= 20
    assert files == set(CASES) - {"missing_file.csv"}
    assert not (MALFORMED / "missing_file.csv").exists()
    assert {Path(f).suffix for f in files} >= {".csv", ".xlsx", ".sav", ".parquet"}


@pytest.mark.parametrize("case", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_malformed_file_gives_its_exact_message(case: dict, monkeypatch) -> None:
    monkeypatch.chdir(MALFORMED)
    with pytest.raises(InputError) as info:
        read_responses(case["file"], **case.get("options", {}))
    assert str(info.value) == case["message"]
    assert all(p.file == case["file"] for p in info.value.problems)


def test_message_lists_twenty_problems_but_the_error_holds_all(monkeypatch) -> None:
    monkeypatch.chdir(MALFORMED)
    with pytest.raises(InputError) as info:
        read_responses("many_problems.csv")
    err = info.value
    assert len(err.problems) == 24  # 3 criteria x 8 rows
    listed = [line for line in str(err).splitlines() if line.startswith("  - ")]
    assert len(listed) == MAX_LISTED
    assert str(err).endswith("  ... and 4 more")
    assert [(p.row, p.column) for p in err.problems[-2:]] == [(9, "C1_2"), (9, "C1_3")]


EXCLUDED = {  # file -> (rows excluded, checks they failed): identifying or design columns, shape
    "duplicate_ids.csv": ([2, 3, 5, 6, 7], {"duplicate_id"}),
    "weights.csv": ([2, 3, 4, 5, 6], {"invalid_weight", "not_numeric", "missing_value"}),
    "responded.csv": ([2, 3, 4], {"invalid_code", "missing_value", "not_numeric"}),
    "blank_required.csv": ([2, 3, 4], {"missing_value"}),
    "stray_value.csv": ([4], {"stray_value"}),
    "title_block_errors.xlsx": ([8], {"invalid_weight", "unknown_category"}),
    "types.parquet": ([4], {"invalid_weight"}),
    "short_row.csv": ([4], {"short_row"}),
    "cut_last_row.csv": ([5], {"cut_row"}),
    "nul_byte.csv": ([4], {"nul_byte"}),
    "id_collision.csv": ([2, 3, 4], {"id_collision"}),
    "formula_no_value.xlsx": ([7], {"formula_without_value"}),
}
CELLS = {  # file -> (rows kept with answers set missing or spellings unified, their checks)
    "scale_codes.csv": ([2, 3, 5], {"invalid_code", "not_numeric", "not_whole_number"}),
    "categories.csv": ([2, 3, 4], {"unknown_category"}),
    "assessment.csv": ([2, 3, 4], {"invalid_code", "not_whole_number"}),
    "many_problems.csv": ([2, 3, 4, 5, 6, 7, 8, 9], {"invalid_code"}),
    "title_block_errors.xlsx": ([6], {"invalid_code"}),
    "labels.sav": ([2, 3], {"unknown_category", "invalid_code"}),
    "types.parquet": ([1], {"not_numeric"}),
    "nul_byte.csv": ([3], {"nul_byte"}),
    "typed_answers.csv": ([2, 3], {"invalid_code", "not_numeric"}),
    "label_variants.csv": ([4, 5, 7, 8], {"label_variant", "unicode_form"}),
    "formula_no_value.xlsx": ([6], {"formula_without_value"}),
}


@pytest.mark.parametrize("name", sorted(set(EXCLUDED) | set(CELLS)))
def test_exclude_accounts_for_every_row(name: str, monkeypatch) -> None:
    monkeypatch.chdir(MALFORMED)
    r = read_responses(name, on_error="exclude")
    rows, checks = EXCLUDED.get(name, ([], set()))
    assert r.account["row"].tolist() == rows
    assert set(r.account["check"].str.split(", ").explode().dropna()) == checks
    assert r.n_kept + r.n_excluded == r.n_read
    assert r.n_read == len(rows) + r.n_kept
    assert list(r.account.columns) == ["row", "respondent_id", "check", "reason"]
    kept_ids = set(r.data["respondent_id"])
    assert not kept_ids & set(r.account["respondent_id"].dropna())
    cell_rows, cell_checks = CELLS.get(name, ([], set()))
    ca = r.cell_account
    assert sorted(set(ca["row"])) == cell_rows
    assert set(ca["check"]) == cell_checks
    assert list(ca.columns) == ["row", "respondent_id", "column", "check", "action", "reason"]
    assert len(r.codes) == len(r.data)
    # every cell set missing is missing in the analysis frame and in the codes
    for row, col, action in ca[["row", "column", "action"]].itertuples(index=False):
        if action != "set missing":
            continue
        rid = ca.loc[ca["row"] == row, "respondent_id"].iloc[0]
        i = np.flatnonzero(r.data["respondent_id"].eq(rid).to_numpy(dtype=bool))
        assert len(i) == 1 and pd.isna(r.data[col].iloc[i[0]]), (row, col)


def test_exclude_drops_every_copy_of_a_duplicated_id_and_names_the_rows(monkeypatch) -> None:
    monkeypatch.chdir(MALFORMED)
    r = read_responses("duplicate_ids.csv", on_error="exclude")
    assert r.data["respondent_id"].tolist() == ["R003"]
    reasons = dict(zip(r.account["row"], r.account["reason"], strict=True))
    assert reasons[2] == "respondent_id: respondent ID duplicated (rows 2, 6, 7) (value 'R001')"
    assert "rows 3 and 5 hold the same ID" in reasons[5]


def test_a_bad_answer_is_set_missing_and_the_row_kept(monkeypatch) -> None:
    monkeypatch.chdir(MALFORMED)
    r = read_responses("scale_codes.csv", on_error="exclude")
    assert r.n_excluded == 0 and r.n_kept == 4
    first = r.cell_account.iloc[:2]
    assert first["respondent_id"].tolist() == ["R001", "R001"]
    assert first["column"].tolist() == ["C1_1", "C2_1"]
    assert first["reason"].tolist() == [
        "C1_1: not a valid answer (value '6')",
        "C2_1: neither a code nor a label of this column (value 'four')",
    ]
    d = r.data.set_index("respondent_id")
    assert pd.isna(d.loc["R001", "C1_1"]) and pd.isna(d.loc["R001", "C2_1"])
    assert d.loc["R001", "C1_2"] == 4  # '4 ' passes; the rest of the row is kept
    assert r.summary().to_dict("list") == {
        "item": [
            "read",
            "kept",
            "kept, set missing: invalid_code",
            "kept, set missing: not_numeric",
            "kept, set missing: not_whole_number",
            "respondents",
            "nonrespondents",
        ],
        "rows": [4, 4, 3, 1, 1, 4, 0],
    }


def test_a_bad_design_value_excludes_the_row_with_all_its_reasons(monkeypatch) -> None:
    monkeypatch.chdir(MALFORMED)
    r = read_responses("title_block_errors.xlsx", on_error="exclude")
    assert r.account.to_dict("list") == {
        "row": [8],
        "respondent_id": ["R004"],
        "check": ["invalid_weight, unknown_category"],
        "reason": [
            "base_weight: weight is not positive and finite (value '-1'); "
            "sex: not a code or label of sex (value 'Khác')"
        ],
    }


@pytest.mark.parametrize(
    "name",
    ["missing_columns.csv", "empty.csv", "header_only.xlsx", "corrupt.sav", "no_rows.parquet"],
)
def test_exclude_still_raises_for_problems_with_the_whole_file(name: str, monkeypatch) -> None:
    monkeypatch.chdir(MALFORMED)
    with pytest.raises(InputError) as info:
        read_responses(name, on_error="exclude")
    assert str(info.value) == CASES[name]["message"]


def test_on_error_must_be_raise_or_exclude() -> None:
    with pytest.raises(InputError, match="on_error must be 'raise' or 'exclude', not 'skip'"):
        read_responses(FIXTURES / "clean_utf8.csv", on_error="skip")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- clean files

CLEAN = [
    "clean_utf8.csv",
    "clean_utf8_bom.csv",
    "clean_cp1258.csv",
    "clean.xlsx",
    "clean.sav",
    "clean.parquet",
    "clean_labels_semicolon.csv",
]


@pytest.fixture(scope="module")
def reference() -> Responses:
    return read_responses(FIXTURES / "clean_utf8.csv")


@pytest.mark.parametrize("name", CLEAN[1:])
def test_every_format_and_encoding_reads_to_the_same_frame(name: str, reference) -> None:
    r = read_responses(FIXTURES / name)
    pd.testing.assert_frame_equal(r.data, reference.data)
    assert (r.n_read, r.n_kept, r.n_excluded) == (9, 9, 0)


@pytest.mark.parametrize(
    ("name", "fmt", "encoding", "sheet", "header_row"),
    [
        ("clean_utf8.csv", "csv", "utf-8", None, 1),
        ("clean_utf8_bom.csv", "csv", "utf-8-sig", None, 1),
        ("clean_cp1258.csv", "csv", "cp1258", None, 1),
        ("clean.xlsx", "xlsx", None, "Responses", 4),
        ("clean.sav", "sav", "UTF-8", None, None),
        ("clean.parquet", "parquet", None, None, None),
    ],
)
def test_source_records_format_encoding_sheet_and_hash(name, fmt, encoding, sheet, header_row):
    path = FIXTURES / name
    src = read_responses(path).source
    assert src.path == str(path)
    assert (src.format, src.encoding, src.sheet, src.header_row) == (
        fmt,
        encoding,
        sheet,
        header_row,
    )
    assert src.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_windows_1258_file_really_uses_combining_tone_marks(reference) -> None:
    raw = (FIXTURES / "clean_cp1258.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    # "Đình": Đ (0xD0) i (0x69) n h with the grave tone mark written after the i (0xCC)
    assert b"\xd0i\xccnh" in raw
    r = read_responses(FIXTURES / "clean_cp1258.csv", encoding="cp1258")
    assert r.data["district"].iloc[0] == "Ba Đình" == "Ba \u0110\u00ecnh"
    pd.testing.assert_frame_equal(r.data, reference.data)


def test_clean_data_types_and_values(reference) -> None:
    d = reference.data
    assert d.shape == (9, 53)
    assert list(d.columns[:3]) == ["respondent_id", "district", "ward"]
    for c in [*INST.scale_columns, "responded", "trips", "apology", "exp_online"]:
        assert d[c].dtype == "Int64", c
    assert d["base_weight"].dtype == np.float64
    assert d["fpc"].dtype == np.float64  # an extra column the instrument does not know: kept
    for c in ["field", "sex", "age_group", "district", "stratum", "psu", "phone"]:
        assert pd.api.types.is_string_dtype(d[c]), c
    assert d.loc[3, "full_name"] == "Phạm Thị Ngọc Ánh"
    assert d.loc[7, "ward"] == "Phường Khương Đình"
    assert d["phone"].iloc[0] == "0912345678"  # text, leading zero kept
    assert set(d["field"]) <= set(INST.variables["field"]["codes"])
    # the analysis frame holds missing codes as missing; the codes frame keeps them as answered
    row = d.set_index("respondent_id").loc["R001"]
    assert pd.isna(row["C2_3"]) and pd.isna(row["C3_1"])
    codes = reference.codes.set_index(d["respondent_id"]).loc["R001"]
    assert codes["C2_3"] == 8 and codes["C3_1"] == 9
    assert pd.isna(d.set_index("respondent_id").loc["R003", "C5_3"])
    assert not d[INST.scale_columns].isin([8, 9]).any().any()
    assert reference.codes[INST.scale_columns].isin([8, 9]).sum().sum() > 0


def test_non_respondents_are_kept_with_their_flag_and_blank_answers(reference) -> None:
    d = reference.data.set_index("respondent_id")
    assert d.loc["R009", "responded"] == 0
    assert d.loc["R009", INST.scale_columns].isna().all()
    assert pd.isna(d.loc["R009", "sex"])
    assert len(reference.respondents) == 8
    assert "R009" not in set(reference.respondents["respondent_id"])


def test_personal_fields_are_kept_and_flagged(reference) -> None:
    assert reference.personal_columns == ["full_name", "phone"]
    assert {"full_name", "phone"} <= set(reference.data.columns)


def test_labels_other_case_and_criterion_codes_in_the_header_are_accepted(reference) -> None:
    text = (FIXTURES / "clean_labels_semicolon.csv").read_text(encoding="utf-8")
    header = text.splitlines()[0]
    assert header.startswith("Respondent_ID;") and ";C1.1;" in header
    assert ";Nam;" in text and ";nông thôn;" in text and ";Cấp xã;" in text
    r = read_responses(FIXTURES / "clean_labels_semicolon.csv")
    assert r.data["sex"].tolist()[:2] == ["male", "female"]
    pd.testing.assert_frame_equal(r.data, reference.data)


def test_sheet_by_name_or_position() -> None:
    by_name = read_responses(FIXTURES / "clean.xlsx", sheet="Responses").data
    by_position = read_responses(FIXTURES / "clean.xlsx", sheet=0).data
    pd.testing.assert_frame_equal(by_name, by_position)
    with pytest.raises(InputError, match=r"no sheet number 5 \(the workbook has 2\)"):
        read_responses(FIXTURES / "clean.xlsx", sheet=5)
    with pytest.raises(InputError, match="no header row found"):
        read_responses(FIXTURES / "clean.xlsx", sheet="Notes")


def _rewrite(tmp_path: Path, name: str, edit) -> Path:
    df = pd.read_csv(FIXTURES / "clean_utf8.csv", dtype=str, keep_default_na=False)
    df = edit(df)
    path = tmp_path / name
    df.to_csv(path, index=False)
    return path


def test_weight_and_id_columns_can_be_named(tmp_path: Path, reference) -> None:
    path = _rewrite(
        tmp_path,
        "renamed.csv",
        lambda df: df.rename(columns={"respondent_id": "ma_phieu", "base_weight": "w"}),
    )
    r = read_responses(path, id_column="ma_phieu", weight="w")
    assert r.data["w"].tolist() == reference.data["base_weight"].tolist()
    assert r.data["ma_phieu"].tolist() == reference.data["respondent_id"].tolist()

    def negative(df):
        df = df.rename(columns={"base_weight": "w"})
        df.loc[2, "w"] = "-1"
        return df

    path = _rewrite(tmp_path, "negative.csv", negative)
    with pytest.raises(InputError) as info:
        read_responses(path, weight="w")
    assert str(info.value) == (
        f"{path}, row 4, column 'w': weight is not positive and finite (value '-1'). "
        "Fix: give a positive weight (a number above 0), or exclude the row"
    )


def test_numbers_with_blanks_around_pass_words_do_not(tmp_path: Path) -> None:
    def edit(df):
        df.loc[0, "C1_1"] = " 4 "
        df.loc[1, "C1_1"] = "4.0"
        df.loc[2, "C1_1"] = "four"
        return df

    path = _rewrite(tmp_path, "spaces.csv", edit)
    r = read_responses(path, on_error="exclude")
    assert r.data["C1_1"].tolist()[:2] == [4, 4]
    assert pd.isna(r.data["C1_1"].iloc[2])  # the word is set missing, the row kept
    assert r.cell_account["reason"].tolist() == [
        "C1_1: neither a code nor a label of this column (value 'four')"
    ]
    assert r.cell_account["row"].tolist() == [4]
    assert r.n_excluded == 0


def test_extra_columns_are_kept_as_numbers_or_as_text(tmp_path: Path) -> None:
    def edit(df):
        df["interviewer"] = ["017", "018", "017", "020", "021", "017", "018", "017", "020"]
        df["note"] = ["", "gọi lại", "", "", "", "", "", "", ""]
        df["n_h"] = ["1200", "1200", "800", "800", "400", "350", "350", "400", ""]
        return df

    d = read_responses(_rewrite(tmp_path, "extra.csv", edit)).data
    assert d["interviewer"].tolist()[:2] == ["017", "018"]
    assert d["note"].iloc[1] == "gọi lại" and pd.isna(d["note"].iloc[0])
    assert d["n_h"].dtype == np.float64 and np.isnan(d["n_h"].iloc[8])


def test_title_block_and_blank_rows_are_skipped_and_not_counted(tmp_path: Path) -> None:
    text = (FIXTURES / "clean_utf8.csv").read_bytes().decode("utf-8").split("\r\n")
    lines = ["KHẢO SÁT SIPAS,,", ",,", text[0], text[1], ",,,", "", *text[2:]]
    path = tmp_path / "titled.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    r = read_responses(path)
    assert (r.n_read, r.source.header_row) == (9, 3)
    lines[6] = lines[6].replace("R002", "R001")
    path.write_text("\r\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError, match="rows 4 and 7 hold the same ID"):
        read_responses(path)


def test_header_detection_needs_the_id_or_a_criterion_within_thirty_rows(tmp_path: Path) -> None:
    text = (FIXTURES / "clean_utf8.csv").read_text(encoding="utf-8")
    path = tmp_path / "deep.csv"
    path.write_text("title\r\n" * 30 + text, encoding="utf-8")
    with pytest.raises(InputError, match="none of the first 30 rows"):
        read_responses(path)
    path.write_text("title\r\n" * 29 + text, encoding="utf-8")
    assert read_responses(path).source.header_row == 30


# --------------------------------------------------------------------------- valid_scale


def test_valid_scale_turns_missing_codes_and_blanks_into_nan(reference) -> None:
    v = valid_scale(reference)
    assert list(v.columns) == INST.scale_columns
    assert (v.dtypes == np.float64).all()
    raw = reference.codes[INST.scale_columns]
    expected = (raw.isna() | raw.isin([8, 9])).fillna(True).to_numpy(dtype=bool)
    assert (v.isna().to_numpy() == expected).all()
    assert v.notna().to_numpy().sum() == raw.isin([1, 2, 3, 4, 5]).fillna(False).to_numpy().sum()
    assert v.loc[0, "C2_3"] != v.loc[0, "C2_3"]  # 8 -> NaN
    assert v.loc[0, "C1_1"] == 5.0
    pd.testing.assert_frame_equal(v, valid_scale(reference.data, INST))
    pd.testing.assert_frame_equal(v, valid_scale(reference.codes, "sipas-2017"))


def test_valid_scale_names_missing_columns() -> None:
    with pytest.raises(InputError, match=r"lack the scale columns \['C1_1'"):
        valid_scale(pd.DataFrame({"x": [1]}), INST)


@pytest.mark.parametrize(
    ("suffix", "encoding", "sep"), [(".tsv", "utf-8", "\t"), (".csv", "utf-16", "\t")]
)
def test_tab_separated_and_utf16_text_read_the_same(tmp_path, reference, suffix, encoding, sep):
    text = (FIXTURES / "clean_utf8.csv").read_bytes().decode("utf-8")
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    path = tmp_path / f"responses{suffix}"
    path.write_bytes(df.to_csv(index=False, sep=sep).encode(encoding))  # utf-16 writes a BOM
    r = read_responses(path)
    assert r.source.encoding == encoding
    pd.testing.assert_frame_equal(r.data, reference.data)


# ------------------------------------------------------------------------ two readers, one result


@pytest.mark.parametrize(
    "path",
    [
        TESTS.parent / "data" / "synthetic" / "responses.csv",
        FIXTURES / "clean_utf8.csv",
        FIXTURES / "clean_cp1258.csv",
        FIXTURES / "clean_labels_semicolon.csv",
        MALFORMED / "label_variants.csv",
    ],
    ids=lambda p: p.name,
)
def test_the_record_by_record_reader_gives_the_same_result(path: Path, monkeypatch) -> None:
    """The pyarrow path (regular files) and the csv-module path (irregular ones) agree."""
    from govsurvey.io import formats

    fast = read_responses(path, on_error="exclude")
    monkeypatch.setattr(formats, "_arrow_table", lambda *a, **k: None)
    slow = read_responses(path, on_error="exclude")
    pd.testing.assert_frame_equal(fast.data, slow.data)
    pd.testing.assert_frame_equal(fast.codes, slow.codes)
    pd.testing.assert_frame_equal(fast.account, slow.account)
    pd.testing.assert_frame_equal(fast.cell_account, slow.cell_account)
    assert fast.n_read == slow.n_read


def test_quoted_values_with_commas_and_line_breaks_keep_row_numbers(tmp_path: Path) -> None:
    df = pd.read_csv(FIXTURES / "clean_utf8.csv", dtype=str, keep_default_na=False)
    df["note"] = ["", "gọi lại,\nsau", "", "", "", "", "", "", ""]
    df.loc[1, "occupation"] = "Hưu trí, khác"
    df.loc[4, "C1_1"] = "7"  # row 6 of the file: records, not lines, are numbered
    path = tmp_path / "quoted.csv"
    df.to_csv(path, index=False)
    assert path.read_text(encoding="utf-8").count("\n") == 11  # one line more than records
    r = read_responses(path, on_error="exclude")
    assert r.data.loc[1, "note"] == "gọi lại,\nsau"
    assert r.data.loc[1, "occupation"] == "retired_other"
    assert r.cell_account["row"].tolist() == [6]


def test_text_far_down_a_number_column_stays_on_the_fast_reader(tmp_path: Path, monkeypatch):
    """pyarrow guesses a column's type from its first rows; a word 20,000 rows down is read
    as text for that column only, not by the record-by-record reader."""
    from govsurvey.io import formats

    df = pd.read_csv(FIXTURES / "clean_utf8.csv", dtype=str, keep_default_na=False)
    big = pd.concat([df.iloc[:8]] * 2500, ignore_index=True)
    big["respondent_id"] = [f"R{k:05d}" for k in range(len(big))]
    big.loc[len(big) - 3, "C1_1"] = "four"
    path = tmp_path / "big.csv"
    big.to_csv(path, index=False)
    assert path.stat().st_size > 3 << 20  # several pyarrow blocks

    def no_slow(*a, **k):
        raise AssertionError("the record-by-record reader was used")

    monkeypatch.setattr(formats, "_read_slow", no_slow)
    r = read_responses(path, on_error="exclude")
    assert r.n_read == 20000 and r.n_excluded == 0
    assert r.cell_account[["row", "column"]].values.tolist() == [[len(big) - 3 + 2, "C1_1"]]
    assert r.data["C1_1"].dtype == "Int64" and r.data["C1_1"].notna().sum() > 15000


def test_ids_equal_once_stripped_are_duplicates(tmp_path: Path) -> None:
    df = pd.read_csv(FIXTURES / "clean_utf8.csv", dtype=str, keep_default_na=False)
    df.loc[3, "respondent_id"] = " R001 "
    path = tmp_path / "ids.csv"
    df.to_csv(path, index=False)
    with pytest.raises(InputError, match="rows 2 and 5 hold the same ID"):
        read_responses(path)


def test_whole_number_codes_are_checked_as_a_cell_by_cell_rule_would(
    tmp_path: Path, monkeypatch
) -> None:
    """Integer columns (pyarrow's typed path) against the rule written cell by cell, and the
    record-by-record reader on the same file: negative, zero, huge and missing codes."""
    from govsurvey.io import formats

    rng = np.random.default_rng(7)
    pool = [-3, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 999, 2**40]

    def edit(df):
        n = len(df)
        for c in ("C1_1", "C2_3", "overall"):
            df[c] = [str(v) for v in rng.choice(pool, n)]
        df["exp_time"] = [str(v) for v in rng.choice([-1, 0, 1, 2], n)]
        df.loc[1, "C1_1"] = ""
        return df

    path = _rewrite(tmp_path, "codes.csv", edit)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    fast = read_responses(path, on_error="exclude")
    scale = {1, 2, 3, 4, 5, 8, 9}
    for c, allowed in [("C1_1", scale), ("C2_3", scale), ("overall", scale), ("exp_time", {0, 1})]:
        typed = [int(v) if v else None for v in raw[c]]
        kept = [v if v in allowed else None for v in typed]
        assert _values(fast.codes[c]) == kept
        flagged = fast.cell_account.loc[fast.cell_account["column"] == c, "row"].tolist()
        assert flagged == [i + 2 for i, v in enumerate(typed) if v is not None and v not in allowed]
    answered = _values(fast.codes["C1_1"])
    assert _values(fast.data["C1_1"]) == [v if v in range(1, 6) else None for v in answered]
    monkeypatch.setattr(formats, "_arrow_table", lambda *a, **k: None)
    slow = read_responses(path, on_error="exclude")
    pd.testing.assert_frame_equal(fast.data, slow.data)
    pd.testing.assert_frame_equal(fast.codes, slow.codes)
    pd.testing.assert_frame_equal(fast.cell_account, slow.cell_account)


def _values(s: pd.Series) -> list:
    return [None if pd.isna(v) else int(v) for v in s]


def test_data_and_codes_do_not_share_memory(reference) -> None:
    """Changing an answer in ``data`` leaves ``codes`` as answered, and the other way round."""
    r = read_responses(TESTS.parent / "data" / "synthetic" / "responses.csv")
    for c in ("C1_1", "overall", "exp_time", "responded"):
        if c not in r.codes:
            continue
        before = r.codes[c].copy()
        r.data.loc[0, c] = 1 if r.data.loc[0, c] != 1 else 0
        pd.testing.assert_series_equal(r.codes[c], before)
    before = r.data["C1_2"].copy()
    r.codes.loc[0, "C1_2"] = 9
    pd.testing.assert_series_equal(r.data["C1_2"], before)
