"""The drivers report text: both languages have every key, the same numbers, no English in
Vietnamese; the notebook's parameters are validated into one InputError; notebook 04 runs."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.config.params_drivers import DRIVERS_DEFAULTS, validate_drivers_params
from govsurvey.drivers import report as rep
from govsurvey.drivers.reliability import reliability
from govsurvey.errors import InputError

NB = Path(__file__).parent.parent.parent / "notebooks" / "04_drivers.ipynb"


def _fields(s):
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


def test_every_sentence_exists_in_both_languages_with_the_same_fields():
    for key, v in rep.TEXT.items():
        assert set(v) == {"vi", "en"}, key
        assert _fields(v["vi"]) == _fields(v["en"]), key


def test_vietnamese_text_has_no_english_sentence():
    english = re.compile(r"\b(the|and|with|of|is|are|from)\b")
    for key, v in rep.TEXT.items():
        assert not english.search(v["vi"].replace("Cronbach's", "")), (key, v["vi"])


def test_numbers_are_written_as_the_sources_publish_them():
    f = pd.DataFrame(
        {"variable": ["late_result"], "estimate": [8.614], "ci_low": [7.7], "ci_high": [9.6]}
    )
    inst = gs.load_instrument("sipas-2017")
    assert "8,61%" in rep.describe_facts(f, inst, "vi")
    assert "8.61%" in rep.describe_facts(f, inst, "en")
    ri = pd.DataFrame(
        {
            "term": ["C1", "C2"],
            "share": [0.61234, 0.38766],
            "share_ci_low": [0.5, 0.3],
            "share_ci_high": [0.7, 0.55],
        }
    )
    ri.attrs.update(r2=0.5123, method="johnson", replicates=200, level=0.9)
    vi = rep.describe_importance(ri, inst, "vi")
    assert "61,23%" in vi and "KTC 90%" in vi and "Tiếp cận dịch vụ" in vi
    assert "not determined" in rep.describe_importance(ri, inst, "en")


def test_drivers_parameters():
    assert DRIVERS_DEFAULTS["importance_method"] == "lmg"
    with pytest.raises(InputError, match="replicates"):
        validate_drivers_params({"replicates": 3})
    with pytest.raises(InputError, match="facts_by"):
        validate_drivers_params({"facts_by": ["district", "district"]})
    assert validate_drivers_params({"language": "vi"}) == DRIVERS_DEFAULTS


def test_notebook_parameters_cell_matches_the_defaults_and_outputs_are_committed():
    nb = json.loads(NB.read_text("utf-8"))
    cells = nb["cells"]
    params = [c for c in cells if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1
    ns: dict = {}
    exec("".join(params[0]["source"]), ns)  # noqa: S102 - the notebook's own literal defaults
    for k, v in DRIVERS_DEFAULTS.items():
        assert ns[k] == v, k
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert html.count("<figure") == 5 and html.count('alt="') == 5
    for k in range(1, 6):
        assert f"Figure {k}." in html
    assert not any("def " in "".join(c["source"]) for c in cells if c["cell_type"] == "code")


def test_plots_take_a_frame_and_an_ax_and_write_vietnamese_decimals():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from govsurvey.drivers import plots

    f = pd.DataFrame(
        {
            "term": ["Intercept", "C1", "C2"],
            "estimate": [1.0, 0.25, 0.5],
            "ci_low": [0.5, 0.1, 0.3],
            "ci_high": [1.5, 0.4, 0.7],
        }
    )
    fig, ax = plt.subplots()
    assert plots.coefficient_plot(f, ax, labels={"C1": "Tiếp cận"}, lang="vi") is ax
    fig.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert any("," in t for t in ticks) and not any("." in t for t in ticks)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["C2", "Tiếp cận"]  # no intercept
    assert ax.get_xlabel() == rep.text("ax_coef", "vi")
    plt.close(fig)


def test_why_a_figure_is_not_estimated_is_said_in_the_reports_language():
    """Result frames carry status codes, not English sentences; the report words them in its
    own language (a Vietnamese page once showed "alpha needs at least two items")."""
    inst = gs.load_instrument("sipas-2017")
    df = pd.DataFrame({"C1_1": [1, 2, 3, 4, 5] * 4, "C1_2": [3] * 20, "C1_3": [2, 3, 4, 5, 1] * 4})
    rel = reliability(df, {"C1": ["C1_1", "C1_2"], "C2": ["C1_3"]})
    assert rel.scales["status"].tolist() == ["flat_items", "one_item"]
    vi = rep.reliability_table(rel, inst, "vi")[0].notes
    en = rep.reliability_table(rel, inst, "en")[0].notes
    assert len(vi) == len(en) == 2
    assert "mọi người trả lời cùng một mức cho" in vi[0] and "cần ít nhất hai câu hỏi" in vi[1]
    assert "every respondent gave the same answer to" in en[0]
    english = re.compile(r"\b(the|and|with|of|is|are|from|items?)\b")
    assert not any(english.search(n) for n in vi), vi
    # the flat item is named by its label, not its column
    code = {c.column: c.code for c in inst.criteria}["C1_2"]
    assert "C1_2" not in vi[0] and inst.label(code, "vi") in vi[0]

    ri = pd.DataFrame(
        {
            "field": ["land", "land", "tax", "tax", "home", "home"],
            "term": ["C1", "C2"] * 3,
            "share": [0.4, 0.6, float("nan"), float("nan"), 0.5, 0.5],
            "rank": [2, 1, None, None, 1, 2],
            "n": [100, 100, 9, 9, 80, 80],
            "status": ["estimated"] * 2 + ["small_cell"] * 2 + ["estimated"] * 2,
            "lost_replicates": [0, 0, 0, 0, 3, 3],
        }
    )
    ri.attrs["min_n"] = 30
    names = {"land": "Đất đai", "tax": "Thuế", "home": "Nhà ở"}
    t_vi = rep.importance_by_table(ri, "field", names, "Lĩnh vực", inst, "vi", "x")
    t_en = rep.importance_by_table(ri, "field", names, "Field", inst, "en", "x")
    assert t_vi.notes[0] == "—: dưới 30 người trả lời có đủ mọi biến"
    assert t_en.notes[0] == "—: fewer than 30 respondents with every variable"
    assert t_vi.notes[1].startswith("Nhà ở: 3 mẫu lặp")
    assert t_en.notes[1].startswith("Nhà ở: 3 replicate(s)")


def test_sentences_count_the_instruments_own_components():
    """The number of components in a sentence comes from the instrument and the result, not
    from the text ("five" was written into four sentences)."""
    for key in ("intro", "scores", "model", "imp"):
        for lang in ("vi", "en"):
            assert "five" not in rep.TEXT[key][lang] and "năm" not in rep.TEXT[key][lang].lower()
    inst = gs.load_instrument("sipas-2017")
    ri = pd.DataFrame(
        {
            "term": ["C1", "C2", "C3"],
            "share": [0.5, 0.3, 0.2],
            "share_ci_low": [0.4, 0.2, 0.1],
            "share_ci_high": [0.6, 0.4, 0.3],
        }
    )
    ri.attrs.update(r2=0.5, method="lmg", replicates=200, level=0.95)
    assert rep.describe_importance(ri, inst, "en").startswith("Together the three components")
    assert rep.describe_importance(ri, inst, "vi").startswith("Cả ba thành phần")
    assert "năm thành phần" in rep.describe_intro(inst, "vi", 0.95)
