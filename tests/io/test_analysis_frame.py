"""Missing codes never reach an estimator; every label of the instrument reads back whole."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.config import load_instrument
from govsurvey.io import read_responses

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "data" / "synthetic" / "responses.csv"
INST = load_instrument("sipas-2017")


@pytest.fixture(scope="module")
def resp():
    return read_responses(DEFAULT)


def test_design_mean_of_every_criterion_is_the_mean_of_its_valid_answers(resp) -> None:
    """issue 6 target: d.mean(c) equals the mean of c's 1-5 answers, for every criterion."""
    raw = pd.read_csv(DEFAULT, dtype=str, keep_default_na=False)
    raw = raw[raw["responded"] == "1"]
    cols = [c.column for c in INST.criteria] + [INST.overall_column]
    d = gs.Design(resp.respondents)  # equal weights: the design mean is the plain mean
    got = d.mean(cols).set_index("variable")
    for c in cols:
        x = pd.to_numeric(raw[c].replace("", np.nan))
        valid = x[x.between(1, 5)]
        assert (x.isin([8, 9])).any() or c == "overall", c  # the data do hold missing codes
        assert got.loc[c, "estimate"] == pytest.approx(valid.mean(), rel=1e-12), c
        assert got.loc[c, "n"] == len(valid), c
        assert got.loc[c, "estimate"] <= 5


def test_weighted_mean_ignores_missing_codes_too(resp) -> None:
    d = gs.Design(resp.respondents, weights="base_weight", strata="stratum", psu="psu")
    got = d.mean("C5_3")["estimate"].iloc[0]
    codes = resp.codes.loc[resp.respondents.index, "C5_3"].astype("float64")
    w = resp.respondents["base_weight"].to_numpy()
    ok = codes.between(1, 5).to_numpy()
    assert got == pytest.approx(np.sum(w[ok] * codes[ok]) / np.sum(w[ok]), rel=1e-12)
    assert (codes == 8).sum() > 1000  # C5.3 is mostly "don't know" in the synthetic data


def test_codes_keep_what_was_answered_and_align_with_data(resp) -> None:
    assert resp.codes.index.equals(resp.data.index)
    for c in INST.scale_columns:
        coded, valid = resp.codes[c], resp.data[c]
        is_missing_code = coded.isin([8, 9]).fillna(False)
        assert valid[is_missing_code].isna().all(), c
        same = ~is_missing_code & coded.notna()
        assert (coded[same] == valid[same]).all(), c
    assert set(resp.codes.columns) == {
        *INST.scale_columns,
        *(a["column"] for a in INST.assessment),
        *INST.expectation_columns,
    }


def test_dont_know_in_a_choice_item_is_missing_in_data(tmp_path: Path) -> None:
    df = pd.read_csv(ROOT / "tests" / "fixtures" / "io" / "clean_utf8.csv", dtype=str,
                     keep_default_na=False)  # fmt: skip
    df.loc[0, "late_result"] = "8"
    path = tmp_path / "r.csv"
    df.to_csv(path, index=False)
    r = read_responses(path)
    assert pd.isna(r.data.loc[0, "late_result"]) and r.codes.loc[0, "late_result"] == 8


def _all_cell_labels() -> list[tuple[str, str, object]]:
    """(column, label, the value it must read as) for every label a cell may hold."""
    out = []
    missing = {k: v for k, v in INST.missing_labels.items()}
    for col in INST.scale_columns[:1]:
        for code, lab in {**INST.scale_labels, **missing}.items():
            out += [(col, lab["vi"], code), (col, lab["en"], code)]
    for a in INST.assessment:
        for code, lab in a.get("codes", {}).items():
            out += [(a["column"], lab["vi"], code), (a["column"], lab["en"], code)]
    for name, var in INST.variables.items():
        for code, lab in var.get("codes", {}).items():
            out += [(name, lab["vi"], code), (name, lab["en"], code)]
    return out


def test_every_label_is_accepted_by_the_reader_as_a_cell_value(tmp_path: Path) -> None:
    """issue 6 item 2: each label (commas included) read as a cell gives its code."""
    labels = _all_cell_labels()
    base = pd.read_csv(ROOT / "tests" / "fixtures" / "io" / "clean_utf8.csv", dtype=str,
                       keep_default_na=False).iloc[[0]]  # fmt: skip
    rows = []
    for k, (col, label, _) in enumerate(labels):
        r = base.copy()
        r["respondent_id"] = f"L{k:03d}"
        r[col] = label
        rows.append(r)
    df = pd.concat(rows, ignore_index=True)
    buf = io.StringIO()
    df.to_csv(buf, index=False, quoting=csv.QUOTE_MINIMAL)  # labels with commas are quoted
    path = tmp_path / "labels.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    r = read_responses(path)  # raises if any label is refused
    for k, (col, label, code) in enumerate(labels):
        value = r.codes[col].iloc[k] if col in r.codes else r.data[col].iloc[k]
        assert str(value) == str(code), (col, label, value)
    assert "Hưu trí, khác" in path.read_text(encoding="utf-8")
    assert r.data["occupation"].isin(["retired_other"]).any()


def test_respondent_codes_align_with_respondents(resp) -> None:
    rc = resp.respondent_codes
    assert rc.index.equals(resp.respondents.index)
    assert rc["C5_3"].eq(8).sum() == resp.codes["C5_3"].eq(8).sum()  # non-respondents: blank


def test_a_phone_number_typed_into_an_answer_is_never_echoed() -> None:
    """issue 11 item 3: a rejected value that may be personal is reported without the value."""
    path = ROOT / "tests" / "malformed" / "typed_answers.csv"
    with pytest.raises(gs.InputError) as err:
        read_responses(path)
    assert "0912345678" not in str(err.value)
    assert all(p.value != "0912345678" for p in err.value.problems)
    r = read_responses(path, on_error="exclude")
    shown = r.account.to_string() + r.cell_account.to_string() + repr(r) + r.summary().to_string()
    assert "0912345678" not in shown and "912345678" not in shown
    assert "value not shown: it may be personal data" in r.cell_account["reason"].iloc[0]
    # the personal column itself still holds the respondent's phone, for linkage only
    assert r.data["phone"].iloc[0] == "0912345678" and "phone" in r.personal_columns


def test_typed_dont_know_label_is_code_8_and_unreadable_text_is_missing() -> None:
    r = read_responses(ROOT / "tests" / "malformed" / "typed_answers.csv", on_error="exclude")
    assert r.n_excluded == 0 and r.n_kept == 4
    row = r.codes.iloc[1]
    assert row["C1_2"] == 8  # "Không biết / không áp dụng", the label of 8
    assert row["C1_4"] == 4  # "Hài lòng", the label of 4
    assert row["C1_1"] == 8  # "Không biết", a part of the label of 8, is read as 8 too
    assert pd.isna(row["C1_3"])  # "abc": unreadable
    assert pd.isna(r.data.iloc[1]["C1_2"]) and r.data.iloc[1]["C1_4"] == 4
    ca = r.cell_account[r.cell_account["row"] == 3]
    assert ca["column"].tolist() == ["C1_3"]
    assert set(ca["action"]) == {"set missing"}
