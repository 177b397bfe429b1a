"""Notebook 03's baseline from last year's survey file (issue 18, Build item 2's end).

- the parameters (``baseline_responses``, ``baseline_design``, ``baseline_codes``,
  ``baseline_shared_psus``): each bad value is one clear message, before anything runs;
- :func:`govsurvey.baseline_change` (two designs -> notebook 03's baseline table) equals
  ``gs.Waves({...}).change`` exactly: points, relative, shared PSUs;
- a ``govsurvey run <params> --only 03`` with a baseline file, in vi and en: the sentences
  come from the recorded rows, say the baseline's SE is known and from which file, and
  ``govsurvey verify`` passes.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import govsurvey as gs
from govsurvey.cli import main
from govsurvey.config.params import validate_params
from govsurvey.config.preflight import baseline_spec, check_run
from govsurvey.publish import i18n
from govsurvey.publish.tables import code_label

ROOT = Path(__file__).resolve().parents[1]
WAVES = ROOT / "data" / "synthetic" / "waves.csv"
INST = gs.load_instrument("sipas-2017")
SPEC = dict(weights="base_weight", strata="district", psu="psu")
C5 = ["C5", "C5.1", "C5.2", "C5.3", "C5.4"]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    """Two yearly surveys of the embedded waves as separate files (2021: the baseline)."""
    folder = tmp_path_factory.mktemp("baseline_files")
    w = pd.read_csv(WAVES, dtype=str)
    w[w["year"] == "2021"].drop(columns="year").to_csv(folder / "khao-sat-2021.csv", index=False)
    w[w["year"] == "2022"].drop(columns="year").to_csv(folder / "khao-sat-2022.csv", index=False)
    return folder


def base_params(files: Path, **extra) -> dict:
    p = {
        "run_name": "baseline-file",
        "responses": "khao-sat-2022.csv",
        "weight": "base_weight",
        "strata": "district",
        "psu": "psu",
        "domains": ["district"],
        "weighting": "none",
        "baseline_year": 2021,
        "baseline_responses": "khao-sat-2021.csv",
        "small_area_unit": None,
    }
    p.update(extra)
    return {k: v for k, v in p.items() if v is not ...}


def one_problem(raw: dict, files: Path, preflight: bool = False) -> str:
    with pytest.raises(gs.InputError) as err:
        params = validate_params(raw, base=files, file="p.yaml", notebooks="03")
        if preflight:
            check_run(params, ["03"], given=set(raw))
    assert len(err.value.problems) == 1, [str(p) for p in err.value.problems]
    return str(err.value.problems[0])


# --------------------------------------------------------------------------- parameters


def test_good_parameters_pass_the_checks(files):
    raw = base_params(files)
    params = validate_params(raw, base=files, notebooks="03")
    assert params["baseline_responses"] == str(files / "khao-sat-2021.csv")
    assert params["baseline_shared_psus"] is False
    check_run(params, ["03"], given=set(raw))  # no problem
    assert baseline_spec(params) == {**SPEC, "fpc": None}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"baseline": {"C5": 79.73}}, "both baseline (typed values) and baseline_responses"),
        ({"baseline_se": {"C5": 0.8}}, "baseline_se is given with baseline_responses"),
        ({"baseline_year": ...}, "baseline_responses is given without baseline_year"),
        ({"baseline_design": {"weights": "w"}}, "has the key 'weights'"),
        ({"baseline_design": {"weight": ["a", "b"]}}, "gives weight a list"),
        ({"baseline_codes": []}, "'baseline_codes' is empty"),
        ({"baseline_codes": ["C5", "C5"]}, "names a code twice"),
        ({"baseline_codes": ["X1"]}, "names 'X1', which is not an index code"),
        ({"baseline_shared_psus": "sometimes"}, "baseline_shared_psus"),
        ({"baseline_responses": "missing.csv"}, "file 'missing.csv' not found"),
        ({"baseline_responses": "."}, "is a folder, not a file"),
    ],
)
def test_each_bad_value_is_one_clear_message(files, extra, message):
    text = one_problem(base_params(files, **extra), files)
    assert message in text
    assert "Fix:" in text


@pytest.mark.parametrize("key", ["baseline_design", "baseline_codes", "baseline_shared_psus"])
def test_the_baseline_file_keys_need_the_file(files, key):
    value = {"baseline_design": {"psu": "psu"}, "baseline_codes": ["C5"]}.get(key, True)
    raw = base_params(files, baseline_responses=..., baseline_year=..., **{key: value})
    assert f"{key} given without baseline_responses" in one_problem(raw, files)


def test_a_gain_without_any_baseline_names_both_ways(files):
    raw = base_params(files, baseline_responses=..., gain=3.0, gain_unit="points")
    assert "`baseline_responses:`" in one_problem(raw, files)


def test_the_typed_baseline_still_works_alone(files):
    raw = base_params(files, baseline_responses=..., baseline={"C5": 79.73}, gain=3.0)
    raw["gain_unit"] = "points"
    assert validate_params(raw, base=files, notebooks="03")["baseline"] == {"C5": 79.73}


def test_preflight_reads_the_baseline_file_as_responses_is_read(files):
    (files / "khao-sat-2021.txt").write_text("a,b\n1,2\n", encoding="utf-8")
    text = one_problem(base_params(files, baseline_responses="khao-sat-2021.txt"), files, True)
    assert text.startswith(str(files / "khao-sat-2021.txt"))
    assert "parameter 'baseline_responses': unknown file type '.txt'" in text


def test_preflight_needs_the_baseline_design_columns(files):
    # this year's keys by default: a column the baseline file lacks is named with the way out
    raw = base_params(files, baseline_design=...)
    raw["fpc"] = "base_weight"
    ok = validate_params(raw, base=files, notebooks="03")
    check_run(ok, ["03"], given=set(raw))  # base_weight is in both files
    raw = base_params(files, baseline_design={"weight": "base_weight", "psu": "ward_code"})
    text = one_problem(raw, files, preflight=True)
    assert "parameter 'baseline_design': the column 'ward_code' is not in last year's" in text
    assert "khao-sat-2021.csv" in text


def test_preflight_refuses_a_personal_column_in_the_baseline_design(files):
    raw = base_params(files, baseline_design={"weight": "base_weight", "psu": ["psu", "phone"]})
    text = one_problem(raw, files, preflight=True)
    assert "names the personal column 'phone' as a sampling unit of the baseline survey" in text


def test_preflight_refuses_a_code_the_instrument_does_not_have(files):
    text = one_problem(base_params(files, baseline_codes=["C9"]), files, preflight=True)
    assert "'baseline_codes' names 'C9', which is not a code of instrument 'sipas-2017'" in text


# --------------------------------------------------------------------------- the table


@pytest.fixture(scope="module")
def designs(files):
    out = {}
    for year in (2021, 2022):
        r = gs.read_responses(files / f"khao-sat-{year}.csv", instrument=INST, on_error="exclude")
        out[year] = gs.Design(r.respondents, **SPEC)
    return out


RISE = ["se", "ci_low", "ci_high", "df", "lower_bound", "upper_bound", "p_rise", "rise_verdict"]


@pytest.fixture(scope="module")
def revisited(designs):
    """2022's forms as if its wards were 2021's (the k-th ward of a district then and now)."""
    d21, d22 = designs[2021].data, designs[2022].data
    rank = ["district", "psu"]
    old = d21[rank].drop_duplicates().assign(k=lambda f: f.groupby("district").cumcount())
    new = d22[rank].drop_duplicates().assign(k=lambda f: f.groupby("district").cumcount())
    ids = new.merge(old, on=["district", "k"], suffixes=("", "_2021"))
    relabel = dict(zip(ids["psu"], ids["psu_2021"], strict=True))
    return gs.Design(d22.assign(psu=d22["psu"].map(relabel)), **SPEC)


@pytest.mark.parametrize("shared", [False, True])
def test_the_baseline_table_equals_waves_change_exactly(designs, revisited, shared):
    after = revisited if shared else designs[2022]
    t = gs.baseline_change(
        designs[2021],
        after,
        INST,
        C5,
        2021,
        2022,
        gain=3.0,
        gain_high=5.0,
        shared_psus=shared,
    )
    w = gs.Waves({2021: designs[2021], 2022: after}, shared_psus=shared)
    ch = w.change(INST, 2021, 2022).set_index("code")
    rel = w.change(INST, 2021, 2022, unit="relative").set_index("code")
    # C5 twice (gains 3 and 5), then its criteria once each
    assert t["code"].tolist() == ["C5", "C5", "C5.1", "C5.2", "C5.3", "C5.4"]
    assert t["gain"].tolist()[:2] == [3.0, 5.0] and t["gain"].iloc[2:].isna().all()
    ref = ch.loc[t["code"]]
    np.testing.assert_array_equal(t["change"], ref["estimate"])
    np.testing.assert_array_equal(t["estimate_before"], ref["estimate_start"])
    np.testing.assert_array_equal(t["estimate_after"], ref["estimate_end"])
    np.testing.assert_array_equal(t["se_before"], ref["se_start"])
    np.testing.assert_array_equal(t["se_after"], ref["se_end"])
    np.testing.assert_array_equal(t["n_before"], ref["n_start"])
    np.testing.assert_array_equal(t["n"], ref["n"])
    for c in RISE:
        assert t[c].tolist() == ref[c].tolist(), c
    np.testing.assert_array_equal(t["change_relative"], rel.loc[t["code"], "estimate"])
    np.testing.assert_array_equal(t["se_relative"], rel.loc[t["code"], "se"])
    for i, g in ((0, 3.0), (1, 5.0)):
        gt = w.change(INST, 2021, 2022, gain=g).set_index("code").loc["C5"]
        assert t.loc[i, "gain_verdict"] == gt["gain_verdict"]
        assert t.loc[i, "p_gain"] == gt["p_gain"]
        assert t.loc[i, "gain_lower"] == gt["gain_lower"]
        assert t.loc[i, "gain_threshold"] == g
    # the baseline's SE is known
    assert (t["se_before"] > 0).all()
    indep = np.hypot(t["se_before"], t["se_after"])
    if not shared:  # independent samples: the SEs add in squares
        np.testing.assert_allclose(t["se"], indep, rtol=1e-12)
    else:  # the shared wards' covariance enters
        assert not np.allclose(t["se"], indep, rtol=1e-6)
    # this year's figures are the index the notebook publishes
    idx = gs.sipas_index(after, INST).set_index("code")
    np.testing.assert_allclose(t["estimate_after"], idx.loc[t["code"], "estimate"], rtol=1e-12)


def test_a_relative_gain_is_tested_on_the_relative_change(designs):
    t = gs.baseline_change(
        designs[2021], designs[2022], INST, None, 2021, 2022, gain=1.0, gain_unit="relative"
    )
    w = gs.Waves({2021: designs[2021], 2022: designs[2022]})
    rel = w.change(INST, 2021, 2022, unit="relative", gain=1.0).set_index("code")
    assert t["code"].tolist() == ["C1", "C2", "C3", "C4", "C5", "SIPAS"]  # default codes
    r = rel.loc[t["code"]]
    assert t["gain_verdict"].tolist() == r["gain_verdict"].tolist()
    np.testing.assert_array_equal(t["p_gain"], r["p_gain"])
    before = t["estimate_before"].to_numpy()
    # bounds and threshold on the points scale, so each verdict reads from its printed bound
    np.testing.assert_allclose(t["gain_lower"], r["gain_lower"] * before / 100, rtol=1e-12)
    np.testing.assert_allclose(t["gain_threshold"], before / 100, rtol=1e-12)
    ach = t["gain_verdict"] == "achieved"
    assert (t.loc[ach, "gain_lower"] > t.loc[ach, "gain_threshold"]).all()
    assert (t.loc[~ach, "gain_lower"] <= t.loc[~ach, "gain_threshold"]).all()


def test_a_code_the_surveys_do_not_share_is_one_clear_message(designs):
    with pytest.raises(gs.InputError, match="do not have in common") as err:
        gs.baseline_change(designs[2021], designs[2022], INST, ["C5", "C9.9"])
    assert len(err.value.problems) == 1


# --------------------------------------------------------------------------- the run


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture(scope="module", params=["vi", "en"])
def baseline_run(request, files, tmp_path_factory):
    lang = request.param
    base = tmp_path_factory.mktemp(f"baseline_run_{lang}")
    raw = base_params(
        files,
        run_name=f"baseline-{lang}",
        language=lang,
        targets={"C5": 85},
        baseline_codes=C5,
        gain=3.0,
        gain_high=5.0,
        gain_unit="points",
    )
    for k in ("responses", "baseline_responses"):
        raw[k] = str(files / raw[k])
    (base / "p.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    reports = base / "reports"
    code = main(["run", str(base / "p.yaml"), "--only", "03", "--reports", str(reports),
                 "--no-progress"])  # fmt: skip
    assert code == 0
    return lang, reports / f"baseline-{lang}"


def test_the_report_says_where_the_baseline_comes_from_and_its_se(baseline_run):
    lang, folder = baseline_run
    rows = json.loads((folder / "figures.json").read_text("utf-8"))["03_satisfaction_index"]
    bt = pd.DataFrame(rows["baseline"])
    assert bt["code"].drop_duplicates().tolist() == C5
    assert (bt["se_before"] > 0).all()
    text = plain((folder / "03_satisfaction_index.html").read_text("utf-8"))
    first = bt.iloc[0]
    head = {
        "vi": "Số liệu năm gốc 2021 được ước lượng từ tệp khảo sát năm trước khao-sat-2021.csv",
        "en": "The baseline figures of 2021 are estimated from last year's survey file "
        "khao-sat-2021.csv",
    }[lang]
    assert head in text
    known = {"vi": "sai số chuẩn của năm gốc nay đã biết", "en": "the baseline's SE is now known"}
    assert known[lang] in text
    # each code's baseline value, SE and forms, from the recorded rows
    for _, r in bt.drop_duplicates(subset=["code"]).iterrows():
        item = i18n.text(
            "base_from_file_item",
            lang,
            label=code_label(INST, r["code"], lang),
            code=r["code"],
            before=i18n.pct(r["estimate_before"], lang),
            se=i18n.num(r["se_before"], lang),
            n=i18n.integer(r["n_before"], lang),
        )
        assert plain(item) in text, item
    change = i18n.text("points", lang, value=i18n.signed(first["change"], lang))
    assert change in text
    assert i18n.signed(first["lower_bound"], lang) in text
    assert i18n.text("base_independent", lang) in text
    assert i18n.text("base_se_zero", lang) not in text  # the typed baseline's caveat is gone
    # the data's truth: Thanh Xuân alone improves; C5 of the city cannot be said to rise 5 points
    five = bt[(bt["code"] == "C5") & (bt["gain"] == 5.0)]
    assert five["gain_verdict"].tolist() == ["not achieved"]


def test_the_baseline_run_verifies(baseline_run, capsys):
    lang, folder = baseline_run
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["inputs"]["baseline_responses"]["path"].endswith("khao-sat-2021.csv")
    assert main(["verify", str(folder), "--language", lang]) == 0
    out = capsys.readouterr().out
    assert {"vi": "giống hệt", "en": "identical"}[lang] in out


def test_this_years_weighted_design_keeps_its_published_se():
    """Notebook 03's design after a nonresponse step keeps its nonrespondents at weight 0 (and
    their share of the adjustment in the variance): the table's figures of this year equal the
    published index exactly, and the baseline's those of its own design."""
    inst = INST
    resp = gs.read_responses(ROOT / "data" / "synthetic" / "responses.csv", instrument=inst)
    spec = dict(
        weights="base_weight", strata="stratum", psu=["psu", "respondent_id"], fpc=["fpc1", "fpc2"]
    )
    now = gs.weighting.apply(
        gs.Design(resp.data, **spec), method="nonresponse", response="responded",
        cells=["mode", "area"],
    )  # fmt: skip
    assert (now.weight_values == 0).any()
    prev = gs.Design(resp.respondents, **spec)
    t = gs.baseline_change(prev, now, inst, ["SIPAS", "C5", "C5.1"])
    for design, side in ((now, "after"), (prev, "before")):
        idx = gs.sipas_index(design, inst).set_index("code").loc[t["code"]]
        np.testing.assert_allclose(t[f"estimate_{side}"], idx["estimate"], rtol=1e-12)
        np.testing.assert_allclose(t[f"se_{side}"], idx["se"], rtol=1e-12)


def test_shared_wards_whose_ids_never_match_are_one_clear_message(files):
    # the embedded waves draw their wards afresh each year: no ward id recurs
    raw = base_params(files, baseline_shared_psus=True)
    text = one_problem(raw, files, preflight=True)
    assert "no PSU id of the baseline survey ('psu') appears in this year's ('psu')" in text
    assert "baseline_shared_psus: false" in text


def test_shared_wards_that_recur_pass(files, tmp_path):
    w = pd.read_csv(files / "khao-sat-2021.csv", dtype=str)
    w.to_csv(tmp_path / "khao-sat-2022.csv", index=False)  # the same wards again
    raw = base_params(files, baseline_shared_psus=True)
    raw["responses"] = str(tmp_path / "khao-sat-2022.csv")
    check_run(validate_params(raw, base=files, notebooks="03"), ["03"], given=set(raw))
