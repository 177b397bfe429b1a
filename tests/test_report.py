"""The publication guard: suppression that holds, no personal value in any output file."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.publish.guard import (
    PersonalValues,
    Publisher,
    personal_values,
    scan_personal,
    suppress,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "synthetic"
INST = gs.load_instrument("sipas-2017")


def district_frame(n=(100, 29, 30, 45)) -> pd.DataFrame:
    k = len(n)
    return pd.DataFrame(
        {
            "district": list("ABCD")[:k],
            "level": ["overall"] * k,
            "code": ["SIPAS"] * k,
            "estimate": [80.123456789012345, 90.5, 70.0, 75.0][:k],
            "se": [1.0, 2.0, 3.0, 1.5][:k],
            "ci_low": [78.0, 86.0, 64.0, 72.0][:k],
            "ci_high": [82.0, 94.0, 76.0, 78.0][:k],
            "df": [20.0] * k,
            "n": list(n),
        }
    )


@pytest.fixture(scope="module")
def index_by_district():
    resp = gs.read_responses(DATA / "responses.csv", INST, on_error="exclude")
    d = gs.Design(
        resp.respondents,
        weights="base_weight",
        strata="stratum",
        psu=["psu", "respondent_id"],
        fpc=["fpc1", "fpc2"],
    )
    return gs.sipas_index(d, INST, by="district")


def recoverable(frame: pd.DataFrame, hidden: np.ndarray, by: list[str]) -> list[str]:
    """An independent check, written as plainly as possible: every linear relation
    (component = mean of its criteria, SIPAS = mean of components, each code across domains)
    that has exactly one hidden member, i.e. a hidden figure someone could solve for."""
    f = frame.assign(hidden=hidden)
    parent = {}
    for comp in INST.components:
        parent[comp.code] = "SIPAS"
        for c in comp.criteria:
            parent[c.code] = comp.code
    found = []
    for dom, g in f.groupby(by) if by else [((), f)]:
        for p in set(parent.values()):
            members = g[(g["code"] == p) | (g["code"].map(parent) == p)]
            if len(members) > 1 and members["hidden"].sum() == 1:
                found.append(f"{dom} {p}")
    for code, g in f.groupby("code"):
        if g["hidden"].sum() == 1 and len(g) > 1:
            found.append(f"across domains {code}")
    return found


# --------------------------------------------------------------------------- suppression


def test_small_cells_are_suppressed_with_a_complement_across_domains():
    pub = Publisher("sipas-2017", min_cell=30)
    t = pub.guard(district_frame())
    # B is small; alone it could be solved from the city total and A, C, D: C (the next
    # smallest) goes with it
    assert t["suppressed"].tolist() == [False, True, True, False]
    for i in (1, 2):
        assert t.loc[i, ["estimate", "se", "ci_low", "ci_high", "df", "n"]].isna().all()
        assert t.loc[i, "district"] in ("B", "C") and t.loc[i, "code"] == "SIPAS"
    assert t.loc[0, "estimate"] == 80.123456789012345 and t.loc[3, "n"] == 45


def test_the_issue_example_cannot_be_recovered():
    """Issue 11: a suppressed criterion was recovered as 4·C1 − C1.1 − C1.2 − C1.3."""
    f = pd.DataFrame(
        {
            "level": ["criterion"] * 4 + ["component"],
            "code": ["C1.1", "C1.2", "C1.3", "C1.4", "C1"],
            "estimate": [90.0, 80.0, 70.0, 60.0, 75.0],
            "n": [100, 90, 95, 12, 120],
        }
    )
    s = suppress(f, 30, instrument=INST)
    assert s.tolist() == [False, True, False, True, False]  # C1.4, then the smallest other
    published = f[~s]
    c1 = published.loc[published["code"] == "C1", "estimate"].item()
    known = published.loc[published["level"] == "criterion", "estimate"]
    assert len(known) == 2  # 4·C1 − (two known) leaves two unknowns: no single solution
    assert 4 * c1 - known.sum() == pytest.approx(80.0 + 60.0)


@pytest.mark.parametrize("min_cell", [60, 75, 100, 120, 150])
def test_no_suppressed_index_figure_is_alone_in_any_relation(index_by_district, min_cell):
    s = suppress(index_by_district, min_cell, by=["district"], instrument=INST)
    assert (s >= (index_by_district["n"] < min_cell)).all()  # primary kept
    assert recoverable(index_by_district, s, ["district"]) == []
    if (index_by_district["n"] < min_cell).any():
        assert s.sum() >= 2


def test_min_cell_above_the_data_suppresses_everything_and_says_so(index_by_district, tmp_path):
    pub = Publisher(INST, min_cell=10**6, output_dir=str(tmp_path), notebook="nb")
    g = pub.record("by_district", index_by_district)
    assert g["suppressed"].all() and g["estimate"].isna().all()
    assert pub.all_suppressed(index_by_district)
    assert pub.published(index_by_district).empty
    assert pub.suppression_note(index_by_district, "vi").startswith("Mọi số liệu đều bị ẩn")
    assert json.loads((tmp_path / "figures-nb.json").read_text()) == {"by_district": []}
    assert json.loads((tmp_path / "suppressed-nb.json").read_text()) == {
        "by_district": len(index_by_district)
    }


def test_record_keeps_full_precision_and_no_trace_of_a_suppressed_cell(tmp_path):
    pub = Publisher("sipas-2017", min_cell=30, output_dir=str(tmp_path), notebook="nb")
    pub.record("by_district", district_frame())
    saved = json.loads((tmp_path / "figures-nb.json").read_text())["by_district"]
    assert [r["district"] for r in saved] == ["A", "D"]
    assert saved[0]["estimate"] == 80.123456789012345
    text = (tmp_path / "figures-nb.json").read_text()
    assert '"B"' not in text and '"C"' not in text and "90.5" not in text


def test_table_labels_only_published_rows():
    f = pd.DataFrame(
        {
            "district": ["A", "B", "C"],
            "level": "component",
            "code": "C1",
            "estimate": [80.0, 85.0, 70.0],
            "n": [100, 12, 50],
        }
    )
    t = Publisher("sipas-2017", min_cell=30).table(f, lang="vi")
    assert t["label"].iloc[0] == INST.label("C1", "vi")
    assert t["label"].iloc[1:].isna().all()


def test_a_guarded_frame_stays_suppressed_when_guarded_again():
    pub = Publisher("sipas-2017", min_cell=30)
    once = pub.guard(district_frame())
    assert pub.guard(once)["suppressed"].tolist() == once["suppressed"].tolist()
    assert pub.published(once)["district"].tolist() == ["A", "D"]


@pytest.mark.parametrize("col", ["full_name", "phone", "address", "id_number", "respondent_id"])
def test_personal_and_id_columns_are_refused(col):
    with pytest.raises(gs.InputError, match="refusing to publish") as err:
        Publisher("sipas-2017").guard(district_frame().assign(**{col: "x"}))
    assert err.value.problems[0].column == col


def test_a_free_text_variable_cannot_label_published_rows():
    inst = SimpleNamespace(
        personal_columns=["phone"],
        variables={"district": {}, "comment": {"type": "text"}},
        domain_columns=["district"],
        id_column="respondent_id",
        components=INST.components,
        label=INST.label,
    )
    pub = Publisher(inst, min_cell=1)
    with pytest.raises(gs.InputError, match=r"not coded domains of the instrument"):
        pub.guard(district_frame().rename(columns={"district": "comment"}))
    assert pub.guard(district_frame())["suppressed"].sum() == 0


def test_infinite_figures_from_overflowing_weights_are_refused():
    f = district_frame().assign(estimate=[np.inf, 90.5, 70.0, 75.0])
    with pytest.raises(gs.InputError, match="weights' sums overflow"):
        Publisher("sipas-2017", min_cell=30).guard(f)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_min_cell_must_be_a_whole_number_of_at_least_1(bad):
    with pytest.raises(gs.InputError, match="min_cell must be a whole number"):
        Publisher("sipas-2017", min_cell=bad)


# --------------------------------------------------------------------------- personal values


def test_personal_values_of_every_row_read_even_rows_the_reader_excludes(tmp_path):
    src = (DATA / "responses.csv").read_text(encoding="utf-8").splitlines()
    header = src[0].split(",")
    row = src[1].split(",")
    row[header.index("respondent_id")] = src[2].split(",")[0]  # a duplicate id: excluded
    row[header.index("phone")] = "0900111222"
    row[header.index("full_name")] = "Đỗ Thị Excluded"
    f = tmp_path / "r.csv"
    f.write_text("\n".join([src[0], ",".join(row), *src[2:6]]) + "\n", encoding="utf-8")
    resp = gs.read_responses(f, INST, on_error="exclude")
    assert resp.n_excluded >= 1 and "0900111222" not in set(resp.data["phone"].astype(str))
    pv = personal_values(f, INST)
    assert "0900111222" in pv.by_column["phone"]
    assert "Đỗ Thị Excluded" in pv.by_column["full_name"]
    assert len(pv.by_column["phone"]) == 5


def test_personal_values_under_label_headers_and_in_a_workbook():
    pv = personal_values(ROOT / "tests" / "fixtures" / "io" / "clean.xlsx", INST)
    assert pv.by_column["full_name"] and pv.by_column["phone"]
    pv = personal_values(ROOT / "tests" / "fixtures" / "io" / "clean_labels_semicolon.csv", INST)
    assert len(pv) > 0


def write_outputs(folder: Path) -> None:
    (folder / "r.html").write_text(
        "<html><body><p>Thank you, NGUYỄN   văn an, for your answer.</p>"
        '<img alt="Figure 1: 0912 345 678" src="data:image/png;base64,'
        + "QUJD"
        * 100
        + '/7/+7+"><table><tr><td>7</td><td>12.5</td></tr></table>'
        "<p>7 districts; 0912345678901 is not a phone</p></body></html>",
        encoding="utf-8",
    )
    nb = {"cells": [{"outputs": [{"text": "call 0912345678\n", "data": {"image/png": "7"}}]}]}
    (folder / "n.ipynb").write_text(json.dumps(nb, ensure_ascii=True), encoding="utf-8")
    (folder / "figures.json").write_text(json.dumps({"x": [{"ward": "Lê"}]}), encoding="utf-8")
    (folder / "t.csv").write_text("a,b\nHồ,1\n", encoding="utf-8")


def test_every_output_file_is_searched_long_values_as_words_short_ones_as_cells(tmp_path):
    write_outputs(tmp_path)
    pv = PersonalValues(
        {
            "full_name": frozenset({"Nguyễn Văn An", "Lê", "Hồ", "Trần Văn Bình"}),
            "phone": frozenset({"0912345678", "7", "345"}),
        }
    )
    found = {(x.file, x.column): x.count for x in scan_personal(tmp_path, pv)}
    assert found == {
        ("r.html", "full_name"): 1,  # case and spacing differ, still found
        # "0912 345 678" in the alt text, and "7" as a table cell (not in "7 districts", not
        # in base64)
        ("r.html", "phone"): 2,
        ("n.ipynb", "phone"): 1,  # inside an escaped notebook output
        ("figures.json", "full_name"): 1,  # "Lê" as a JSON string
        ("t.csv", "full_name"): 1,  # "Hồ" as a CSV field
    }
    # a number of fewer than 6 digits identifies nobody and is a count in every table: a "7"
    # typed into a phone cell is not searched for once the values are made exact
    exact = pv.without([])
    assert exact.by_column["phone"] == {"0912345678"}
    found = {(x.file, x.column): x.count for x in scan_personal(tmp_path, exact)}
    assert found[("r.html", "phone")] == 1


def test_a_phone_read_as_a_number_is_found_without_its_leading_zero(tmp_path):
    (tmp_path / "a.html").write_text("<p>912345678</p>", encoding="utf-8")
    pv = PersonalValues({"phone": frozenset({"0912345678"})})
    assert [x.column for x in scan_personal(tmp_path, pv)] == ["phone"]


def test_the_synthetic_names_do_not_collide_with_a_real_report(tmp_path):
    """No false alarm on the published default report's words and numbers."""
    pv = personal_values(DATA / "responses.csv", INST)
    assert len(pv.by_column["full_name"]) > 1000
    (tmp_path / "r.html").write_text(
        "<table><tr><td>Thanh Xuân</td><td>83.76</td><td>128</td></tr></table>"
        "<p>Chỉ số hài lòng của Hà Nội đạt 83,76%.</p>",
        encoding="utf-8",
    )
    assert scan_personal(tmp_path, pv) == []
