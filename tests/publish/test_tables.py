"""Tables people read: labels not codes, % with two decimals, no internal columns, — for hidden."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.inference import baseline_test, level_targets, target_test
from govsurvey.publish import tables
from govsurvey.publish.i18n import DASH, TEXT

INST = gs.load_instrument("sipas-2017")
INTERNAL = {"df", "suppressed", "level", "level_domain", "deff", "se", "p_value", "index"}


def _by_level() -> pd.DataFrame:
    """An index frame by the service level (a domain named like an output column)."""
    rows = []
    for dom, est, n, sup in [
        ("commune", 79.73, 640, False),
        ("district", 85.0, 310, False),
        ("province", np.nan, 12, True),
    ]:
        for lv, code in [("overall", "SIPAS"), ("component", "C5")]:
            rows.append(
                {
                    "level_domain": dom,
                    "level": lv,
                    "code": code,
                    "estimate": est,
                    "se": np.nan if sup else 1.25,
                    "ci_low": est - 2,
                    "ci_high": est + 2,
                    "df": 118.0,
                    "n": np.nan if sup else n,
                    "suppressed": sup,
                }
            )
    f = pd.DataFrame(rows)
    f.attrs["level"] = 0.95
    return f


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_index_table_has_labels_and_no_internal_columns(lang):
    f = _by_level()
    t = tables.index_table(f, INST, lang, by=["level_domain"], min_cell=30)
    headers = set(t.frame.columns)
    assert not headers & INTERNAL
    assert tables.variable_label(INST, "level_domain", lang) in headers
    first = t.frame.iloc[:, 0].tolist()
    assert first[0] == {"vi": "Cấp xã", "en": "Commune"}[lang]  # a label, not "commune"
    assert "commune" not in first and "level_domain" not in t.to_html()
    # percentages with two decimals and %: 79.73 stays 79.73, 85 becomes 85.00
    est = t.frame[TEXT["col_estimate"][lang]].tolist()
    sep = "," if lang == "vi" else "."
    assert est[0] == f"79{sep}73%" and est[2] == f"85{sep}00%"
    # the suppressed cell: — and a footnote, its size hidden too
    assert est[4] == DASH and t.frame.iloc[4, -1] == DASH
    assert len(t.notes) == 1 and t.notes[0].startswith("— :")
    html = t.to_html()
    assert "<th></th>" not in html and "<th>0</th>" not in html  # no index column


def test_domain_table_one_row_per_domain_value():
    t = tables.domain_table(
        _by_level(), "level_domain", INST, "vi", codes=["SIPAS", "C5"], min_cell=30
    )
    assert t.frame.iloc[:, 0].tolist() == ["Cấp xã", "Cấp huyện", "Cấp tỉnh"]
    assert t.frame.columns[0] == "Cấp giải quyết"
    assert t.frame.iloc[2, 1:].tolist() == [DASH] * (t.frame.shape[1] - 1)
    assert t.frame.iloc[0, 1] == "79,73%"
    assert t.frame.iloc[0, 2] == "77,73% – 81,73%"


def test_target_table_prints_the_verdicts_own_bounds_and_readable_p():
    idx = pd.DataFrame(
        {"code": ["C5", "SIPAS"], "estimate": [90.0, 84.9], "se": [0.5, 0.5], "n": [900, 950]}
    )
    r = level_targets(idx, {"C5": 85.0, "SIPAS": 85.0})
    t = tables.target_table(r, INST, "vi")
    row = t.frame.iloc[0].tolist()
    lower = r.loc[0, "lower_bound"]
    assert f"{lower:.2f}".replace(".", ",") + "%" in row
    assert "< 0,001" in row and "Đạt" in row
    assert t.frame.iloc[1][TEXT["col_verdict"]["vi"]] == "Chưa kết luận được"
    assert "p_value" not in t.to_html() and "0.00" not in t.to_html()


def test_baseline_table_verdict_agrees_with_printed_bound_and_threshold():
    idx = pd.DataFrame(
        {"level": ["component"], "code": ["C5"], "estimate": [84.5], "se": [0.6], "n": [900]}
    )
    r = baseline_test(idx, {"C5": 79.73}, gain=3.0, gain_high=5.0)
    t = tables.baseline_table(r, INST, "en", 2021)
    f = t.frame
    lo = f["One-sided 95% lower bound"].str.rstrip("%").astype(float)
    hi = f["One-sided 95% upper bound"].str.rstrip("%").astype(float)
    thr = f["Threshold"].str.rstrip("%").astype(float)
    for v, a, b, c in zip(f["Verdict"], lo, hi, thr, strict=True):
        assert (v == "Achieved") == (a > c)
        assert (v == "Not achieved") == (b < c)
    assert f["Test"].tolist() == [
        "Has risen since 2021",
        "Rose at least 3.00 points",
        "Rose at least 5.00 points",
    ]
    assert thr.tolist() == [79.73, 82.73, 84.73]


def test_table_html_escapes_and_numbers():
    t = tables.Table(pd.DataFrame({"a": ["<b>x</b>"]}), "cap & co", ["note"])
    t.number = "Bảng 2."
    h = t.to_html()
    assert "&lt;b&gt;x&lt;/b&gt;" in h and "<caption>Bảng 2. cap &amp; co</caption>" in h


def test_not_estimable_figures_show_a_dash_with_their_own_note():
    idx = pd.DataFrame({"code": ["C5"], "estimate": [np.nan], "se": [np.nan], "n": [0]})
    t = tables.target_table(target_test(idx, 85.0), INST, "en")
    assert t.frame.iloc[0]["Verdict"] == "Not estimable"
    assert t.notes == ["— : no data."]
