"""Small units in the reports: notebook 03's parameters, the report module in vi and en, the
guard, and the exact cells proposed for notebooks 01 and 03 run on the embedded data."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import IPython.display
import matplotlib
import numpy as np
import pandas as pd
import pytest
import yaml

import govsurvey as gs
from govsurvey.collation import vi_key
from govsurvey.config.params import IndexParams, validate_params
from govsurvey.config.params_small_area import (
    SMALL_AREA_DEFAULTS,
    SmallAreaOwnParams,
    check_small_area,
)
from govsurvey.publish.guard import Publisher
from govsurvey.small_area import report as sar

from . import notebook_cells as cells

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "synthetic"
INST = gs.load_instrument("sipas-2017")
#: the small-area keys of a run that names its wards (as params/default.yaml does)
WARDS = {**SMALL_AREA_DEFAULTS, "small_area_unit": "ward", "small_area_key": "psu"}


# --------------------------------------------------------------------------- parameters


@pytest.fixture(scope="module")
def responses_file():
    return str(DATA / "responses.csv")


def _one(exc: gs.InputError, key: str) -> str:
    assert len(exc.problems) == 1, [p.what for p in exc.problems]
    msg = str(exc)
    assert key in msg
    return msg


def test_defaults_are_notebook_03s_and_valid(responses_file):
    assert set(SMALL_AREA_DEFAULTS) <= set(IndexParams.model_fields)
    p = validate_params({"responses": responses_file}, notebooks="03")
    assert {k: p[k] for k in SMALL_AREA_DEFAULTS} == SMALL_AREA_DEFAULTS
    # no section unless a run names its small units: a province's file need not code wards
    assert p["small_area_unit"] is None and p["small_area_transform"] == "logit"
    # the parameters cell proposed for notebook 03 holds the default run's values: the model's
    # defaults with the embedded data's wards named (params/default.yaml)
    default = yaml.safe_load((ROOT / "params" / "default.yaml").read_text())
    assert (default["small_area_unit"], default["small_area_key"]) == ("ward", "psu")
    ns: dict = {}
    exec(cells.NB03_PARAMETERS, ns)  # noqa: S102 - our own cell
    expected = {k: default.get(k, v) for k, v in SMALL_AREA_DEFAULTS.items()}
    assert {k: ns[k] for k in SMALL_AREA_DEFAULTS} == expected


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("small_area_max_cv", 0, "fraction above 0 and at most 1"),
        ("small_area_max_cv", 5, "fraction above 0 and at most 1"),
        ("small_area_max_cv", float("nan"), "fraction above 0 and at most 1"),
        ("small_area_max_model_cv", -0.1, "fraction above 0 and at most 1"),
        ("small_area_min_effective_n", 0, "at least 1"),
        ("small_area_code", "X9", "not an index code"),
        ("small_area_transform", "probit", "'logit' or 'arcsin'"),
        ("small_area_method", "bayes", "'reml', 'ml' or 'fh'"),
        ("small_area_unit", " ", "is empty"),
    ],
)
def test_each_bad_value_is_one_clear_message(responses_file, key, value, words):
    with pytest.raises(gs.InputError) as err:
        validate_params({"responses": responses_file, key: value}, notebooks="03")
    msg = _one(err.value, f"'{key}'")
    assert words in msg and "Fix:" in msg


@pytest.fixture(scope="module")
def data_and_frame():
    data = pd.read_csv(DATA / "responses.csv")
    frame = pd.read_csv(DATA / "frame.csv")
    return data, frame


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ({"small_area_unit": "desk"}, "small_area_unit", "the responses have no column 'desk'"),
        ({"small_area_key": "ward"}, "small_area_key", "the frame has no column 'ward'"),
        ({"small_area_code": "C9"}, "small_area_code", "has no figure 'C9'"),
        ({"small_area_code": "C1.9"}, "small_area_code", "has no figure 'C1.9'"),
        (
            {"small_area_benchmark_by": "province"},
            "small_area_benchmark_by",
            "nor the frame has column 'province'",
        ),
        ({"small_area_unit": "district"}, "small_area_unit", "not finer than the design's strata"),
    ],
)
def test_checks_against_the_data_are_one_clear_message(data_and_frame, change, key, words):
    data, frame = data_and_frame
    p = {**WARDS, "strata": "stratum", "min_cell": 30, **change}
    with pytest.raises(gs.InputError) as err:
        check_small_area(p, data, frame, INST, file="params/x.yaml")
    msg = _one(err.value, f"'{key}'")
    assert words in msg and "params/x.yaml" in msg


def test_a_code_naming_two_units_is_refused(data_and_frame):
    data, frame = data_and_frame
    two = data.copy()
    two.loc[two.index[:2], "psu"] = two["psu"].iloc[0]
    two.loc[two.index[1], "ward"] = "Phường Khác"
    p = {**WARDS, "strata": "stratum", "min_cell": 30}
    with pytest.raises(gs.InputError) as err:
        check_small_area(p, two, frame, INST)
    assert "names more than one ward" in _one(err.value, "'small_area_key'")
    assert check_small_area(p, data, frame, INST) is None
    assert check_small_area(p, data, None, INST) is None  # no frame: the section says so


def test_the_rule_is_the_parameters():
    rule = sar.rule_from_params(
        {
            **SmallAreaOwnParams(
                small_area_max_cv=0.04, small_area_min_effective_n=50
            ).model_dump(),
            "min_cell": 20,
        }
    )
    assert (rule.max_cv, rule.max_model_cv, rule.min_effective_n, rule.min_cell) == (
        0.04,
        0.10,
        50,
        20,
    )


# --------------------------------------------------------------------------- notebooks


def _code_cells(name: str) -> list[str]:
    book = json.loads((ROOT / "notebooks" / name).read_text("utf-8"))
    return ["".join(c["source"]) for c in book["cells"] if c["cell_type"] == "code"]


class _Shown(list):
    def __call__(self, *objs, **_):
        self.extend(objs)


def _run(sources: list[str], ns: dict) -> None:
    here = os.getcwd()
    os.chdir(ROOT / "notebooks")  # the notebooks' paths are relative to their folder
    try:
        for src in sources:
            exec(src, ns)  # noqa: S102 - the project's own notebook cells
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def nb03(tmp_path_factory):
    """Notebook 03 up to its design cell, with the proposed parameters, then the new cell."""
    shown = _Shown()
    saved = IPython.display.display
    IPython.display.display = shown
    try:
        src = _code_cells("03_satisfaction_index.ipynb")
        upto = next(i for i, s in enumerate(src) if "gs.weighting.apply" in s)
        ns: dict = {}
        out = tmp_path_factory.mktemp("run03")
        first = src[0] + cells.NB03_PARAMETERS + f"\noutput_dir = {str(out)!r}\n"
        _run([first, *src[1 : upto + 1]], ns)
        before = len(shown)
        _run([cells.NB03_CELL], ns)
    finally:
        IPython.display.display = saved
    ns["_shown"] = shown[before:]
    ns["_out"] = out
    return ns


def test_the_notebook_03_cell_publishes_wards_through_the_guard(nb03):
    shown, pub, sa = nb03["_shown"], nb03["pub"], nb03["sa"]
    kinds = [type(x).__name__ for x in shown]
    assert kinds == ["Markdown", "Markdown", "Table", "HTML", "Table"]
    # recorded for verify: figures.json of the run holds the published wards at full precision
    rec = json.loads((nb03["_out"] / "figures-03_satisfaction_index.json").read_text("utf-8"))
    wards = rec["small_area_ward"]
    assert wards == pub.figures["small_area_ward"] and len(wards) > 50
    by_ward = sa.set_index("ward")
    for r in wards:
        if r["estimate"] is not None:
            assert r["estimate"] == by_ward.loc[r["ward"], "estimate"]  # exact, not rounded
        assert r["n"] >= nb03["P"]["min_cell"]  # nothing from fewer than min_cell forms
        assert r["method"] in ("direct", "fh", "suppressed")
    assert pub.suppressed["small_area_ward"] >= int((sa["n"] < 30).sum())
    # every unit with fewer than min_cell forms is suppressed in the guarded frame
    g = nb03["sa_pub"]
    small = sa["n"].to_numpy() < 30
    assert g.loc[small, ["estimate", "direct", "model", "n"]].isna().all().all()
    assert g["suppressed"].to_numpy()[small].all()
    assert {"direct", "fh"} <= set(sa["method"])


def test_the_guard_hides_a_ward_beside_a_small_one_in_its_district(nb03):
    """A district's published figure ties its wards together (their direct estimates, and
    benchmarked ones): one hidden ward alone in its district could be worked out, so the guard
    hides another."""
    g, sa = nb03["sa_pub"], nb03["sa"]
    hidden = g["suppressed"].to_numpy() & (sa["n"].to_numpy() >= 30)
    assert hidden.any()
    for d in sa.loc[hidden, "district"].unique():
        sup = g.loc[sa["district"] == d, "suppressed"]
        assert sup.sum() >= 2


_NUM = re.compile(r"\d[\d.,]*\d|\d")


def _numbers(text: str) -> list[str]:
    text = re.sub(r"\((Table|Bảng) \d+\)", "", text)
    return [m.rstrip(".,") for m in _NUM.findall(text)]


def _cells_of(table) -> set[str]:
    out = set()
    for v in table.frame.astype(str).to_numpy().ravel().tolist() + list(table.frame.columns):
        out |= set(_numbers(v)) | {v}
    return out


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_number_of_the_sentences_is_in_the_table_they_describe(nb03, lang):
    g, sa, P = nb03["sa_pub"], nb03["sa"], nb03["P"]
    table = sar.summary_table(g, lang, "", P["min_cell"], frame=sa)
    text = sar.describe_units(
        g, lang, "ward", P["min_cell"], frame=sa, table_number=3, benchmark_by="district"
    )
    nums = _numbers(text)
    assert len(nums) >= 5
    have = _cells_of(table)
    for x in nums:
        assert x in have, (x, text)
    # the counts are those of the rows
    counts = table.frame.iloc[:, 1].tolist()
    total = int(counts[-1].replace(".", "").replace(",", ""))
    assert total == int((sa["n"] > 0).sum())
    assert sar.text("caveat", lang) in text
    decimal = "," if lang == "vi" else "."
    fh = sa.loc[(sa["method"] == "fh").to_numpy() & ~g["suppressed"].to_numpy(), "se"].median()
    assert f"{fh:.2f}".replace(".", decimal) in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_units_table_has_labels_words_and_vietnamese_order(nb03, lang):
    g, sa, P = nb03["sa_pub"], nb03["sa"], nb03["P"]
    t = sar.units_table(g, INST, lang, "", P["min_cell"], frame=sa)
    f = t.frame
    assert list(f.columns)[:2] == (
        ["Quận/huyện", "Phường/xã/thị trấn"] if lang == "vi" else ["District", "Ward or commune"]
    )
    assert "psu" not in f.columns and not any("D01W" in str(v) for v in f.to_numpy().ravel())
    words = f.iloc[:, -1]
    assert (words == ("ước lượng mô hình" if lang == "vi" else "model-based")).sum() == int(
        (sa["method"] == "fh").sum() - (g["suppressed"] & (sa["method"] == "fh")).sum()
    )
    small = "ít hơn 30 phiếu" if lang == "vi" else "fewer than 30 forms"
    assert words.str.contains(small).sum() == int((sa["n"] < 30).sum())
    # suppressed rows show a dash everywhere but their names and what they are
    hid = ~words.isin([sar.LABELS[m][lang] for m in ("direct", "fh")])
    assert (f.loc[hid].iloc[:, 2:6] == "—").all().all()
    keys = [vi_key(d) for d in f.iloc[:, 0]]
    assert keys == sorted(keys)
    assert f.iloc[0, 0] == "Ba Đình" and "Đống Đa" in set(f.iloc[:, 0])
    districts = list(dict.fromkeys(f.iloc[:, 0]))
    assert districts.index("Đống Đa") > districts.index("Đan Phượng")  # d < đ


def test_vietnamese_order_letters_then_tones():
    names = ["Ô Chợ Dừa", "Ơn", "Ba", "Bà", "Bá", "Bả", "Bã", "Bạ", "Ăn", "Âm", "An", "Đa", "Dâu"]
    assert sorted(names, key=vi_key) == [
        "An", "Ăn", "Âm", "Ba", "Bà", "Bả", "Bã", "Bá", "Bạ", "Dâu", "Đa", "Ô Chợ Dừa", "Ơn",
    ]  # fmt: skip


def test_the_plot_draws_both_intervals_of_each_published_ward(nb03):
    import matplotlib.pyplot as plt

    shown = nb03["pub"].published(nb03["sa"])
    fig, ax = plt.subplots()
    gs.small_area.intervals_plot(shown, ax, "vi")
    both = shown[["direct", "model"]].notna().all(axis=1).sum()
    bars = [c for c in ax.containers]
    assert len(bars) == 2 and all(len(b.lines[0].get_xdata()) == both for b in bars)
    assert ax.get_legend().get_texts()[1].get_text() == "Ước lượng mô hình"
    assert "Khoảng tin cậy của" in sar.alt_units(shown, "vi")
    plt.close(fig)


def test_model_based_wards_stay_within_0_and_100_on_the_logit_scale(nb03):
    sa = nb03["sa"]
    figs = sa[["estimate", "ci_low", "ci_high", "model", "model_ci_low", "model_ci_high"]]
    v = figs.to_numpy(dtype=float)
    assert np.nanmin(v) >= 0 and np.nanmax(v) <= 100
    assert nb03["sa"].attrs["model"]["transform"] == "logit"


@pytest.fixture(scope="module")
def nb01():
    shown = _Shown()
    saved = IPython.display.display
    IPython.display.display = shown
    try:
        src = _code_cells("01_sampling_design.ipynb")
        upto = next(i for i, s in enumerate(src) if "resp = gs.read_responses" in s)
        ns: dict = {}
        _run(src[: upto + 1], ns)
        before = len(shown)
        _run([cells.NB01_CELL], ns)
    finally:
        IPython.display.display = saved
    ns["_shown"] = shown[before:]
    return ns


def test_the_notebook_01_cell_says_how_many_forms_a_ward_needs(nb01):
    shown = nb01["_shown"]
    assert [type(x).__name__ for x in shown] == ["Markdown", "Table"]
    text, table = shown[0].data, shown[1]
    forms = nb01["sa_forms"]
    sampled = forms[forms["n"] > 0]
    assert len(sampled) == 148 and len(forms) == 587  # every ward of the frame is predicted
    nums = _numbers(text.split("\n\n", 1)[1])
    have = _cells_of(table)
    for x in nums:
        assert x in have, (x, text)
    assert str(math.ceil(sampled["n"].median())) in text
    assert str(math.ceil(sampled["forms_for_model_precision"].median())) in text
    assert (sampled["forms_for_target_cv"] > 0).all()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_forms_words_in_both_languages(nb01, lang):
    forms = nb01["sa_forms"]
    t = sar.forms_table(forms, lang, "", 0.05)
    s = sar.describe_forms(forms, lang, "phường" if lang == "vi" else "ward", 0.05, 2)
    assert ("Trung vị" if lang == "vi" else "Median") in t.frame.columns
    assert ("CV 5%" if lang == "vi" else "CV of 5%") in s
    for x in _numbers(s):
        assert x in _cells_of(t), x


def test_the_guard_passes_a_recorded_frame_unchanged_where_published():
    """Published rows keep every figure; a small ward and the one beside it are hidden."""
    f = pd.DataFrame(
        {
            "ward": ["a", "b", "c", "d"],
            "code": "SIPAS",
            "estimate": [80.0, 75.0, 70.0, np.nan],
            "method": ["direct", "fh", "fh", "suppressed"],
            "direct": [80.0, 70.0, 72.0, np.nan],
            "n": [40, 35, 31, 12],
        }
    )
    pub = Publisher(INST, 30)
    g = pub.record("w", f)
    assert g["suppressed"].tolist() == [False, False, True, True]
    assert pub.figures["w"][1]["direct"] == 70.0 and pub.suppressed["w"] == 2
    why = sar.reasons(sar._guarded_forms(g, f), 30).tolist()
    assert why == ["direct", "fh", "hidden", "small"]


def test_the_notebook_03_cell_without_a_frame_or_a_unit(nb03):
    shown = _Shown()
    saved = IPython.display.display
    IPython.display.display = shown
    try:
        for change, expect in (({"frame": None}, 2), ({"small_area_unit": None}, 0)):
            ns = {**nb03, "P": {**nb03["P"], **change}, "display": shown}
            before = len(shown)
            _run([cells.NB03_CELL], ns)
            assert len(shown) - before == expect
    finally:
        IPython.display.display = saved
    assert shown[1].data == sar.text("no_frame", nb03["L"])


def test_the_same_inputs_give_identical_figures(nb03):
    P, sa = nb03["P"], nb03["sa"]
    again = gs.small_area.report_units(
        nb03["design"], INST, pd.read_csv(DATA / "frame.csv"), "ward", "psu", "SIPAS",
        rule=sar.rule_from_params(P), transform=P["small_area_transform"],
        benchmark_by=P["small_area_benchmark_by"], level=nb03["level"], seed=P["seed"],
    )  # fmt: skip
    pd.testing.assert_frame_equal(again, sa)


def test_the_default_model_gains_and_benchmarking_adds_up_exactly(nb03):
    """The default (no benchmarking): model-based wards are more precise than their direct
    estimates. Benchmarked to the districts, all wards of a district (with and without forms)
    add up to its direct estimate exactly, and the squared adjustment in the MSE costs the
    gain (stated in the parameter's description)."""
    P, sa = nb03["P"], nb03["sa"]
    fh = sa[sa["method"] == "fh"]
    assert len(fh) >= 3 and fh["se"].median() < 0.75 * fh["direct_se"].median()
    frame = pd.read_csv(DATA / "frame.csv")
    cov = gs.small_area.frame_covariates(frame, unit="psu", keep=["district"])
    x = [c for c in cov.columns if c not in ("psu", "district", "N")]
    pub = gs.small_area.publish_units(
        nb03["design"], INST, cov, unit="psu", x=x, transform=P["small_area_transform"],
        benchmark_by="district", benchmark_weights="N", rule=sar.rule_from_params(P),
        seed=P["seed"],
    )  # fmt: skip
    b = pub.attrs["fay_herriot"].merge(cov[["psu", "district", "N"]], on="psu")
    assert len(b) == 587
    got = (b["estimate"] * b["N"]).groupby(b["district"]).sum() / b.groupby("district")["N"].sum()
    idx = gs.sipas_index(nb03["design"], INST, by="district")
    want = idx[idx["code"] == "SIPAS"].set_index("district")["estimate"]
    np.testing.assert_allclose(got.to_numpy(), want.reindex(got.index).to_numpy(), rtol=1e-9)
    bfh = b[b["psu"].isin(fh["psu"])]
    assert bfh["se"].median() > fh["se"].median()


def test_the_cells_insert_with_nbformat_and_declare_their_parameters(tmp_path):
    import shutil

    import nbformat
    import papermill as pm

    from govsurvey.config.params import PARAMETERS

    for name in ("03_satisfaction_index.ipynb", "01_sampling_design.ipynb"):
        shutil.copy(ROOT / "notebooks" / name, tmp_path / name)
    cells.insert_cells(
        str(tmp_path / "03_satisfaction_index.ipynb"), str(tmp_path / "01_sampling_design.ipynb")
    )
    b03 = nbformat.read(tmp_path / "03_satisfaction_index.ipynb", as_version=4)
    at = next(i for i, c in enumerate(b03.cells) if c.source.startswith('if P["unit_targets"]:'))
    assert b03.cells[at + 1].source == cells.NB03_CELL.rstrip("\n")
    declared = pm.inspect_notebook(str(tmp_path / "03_satisfaction_index.ipynb"))
    for k, v in WARDS.items():
        assert eval(declared[k]["default"]) == v  # noqa: S307
        assert PARAMETERS[k].default == SMALL_AREA_DEFAULTS[k]
    b01 = nbformat.read(tmp_path / "01_sampling_design.ipynb", as_version=4)
    at = next(i for i, c in enumerate(b01.cells) if "## {T('h_plan')}" in c.source)
    assert b01.cells[at + 1].source == cells.NB01_CELL.rstrip("\n")
    for book in (b03, b01):
        for c in book.cells:
            assert not re.search(r"^\s*(def|class|lambda)\b", c.source, re.M)


def test_a_vietnamese_section_has_no_english_sentence(nb03, nb01):
    g, sa, P = nb03["sa_pub"], nb03["sa"], nb03["P"]
    parts = [
        sar.describe_units(g, "vi", "phường", P["min_cell"], frame=sa, benchmark_by="quận"),
        sar.summary_table(g, "vi", "", P["min_cell"], frame=sa).to_html(),
        sar.units_table(g, INST, "vi", "", P["min_cell"], frame=sa).to_html(),
        sar.alt_units(nb03["pub"].published(sa), "vi"),
        sar.describe_forms(nb01["sa_forms"], "vi", "phường", 0.05, 1),
        sar.forms_table(nb01["sa_forms"], "vi", "", 0.05).to_html(),
    ]
    text = " ".join(parts)
    for entry in sar.TEXT.values():
        for piece in re.split(r"\{[^}]*\}|[()|:;,]", entry["en"]):
            piece = piece.strip(" .—–-")
            if len(piece.split()) >= 3:
                assert piece not in text, piece
