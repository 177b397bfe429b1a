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
    assert "8,61%" in rep.describe_facts(f, "vi") and "8.61%" in rep.describe_facts(f, "en")
    inst = gs.load_instrument("sipas-2017")
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
