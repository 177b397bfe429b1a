"""A unit named like mathtext (``Quận $\\foo{1}$``) is drawn as typed by every chart, never
parsed: each plot function is drawn to PNG with such a name and its text read back."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from govsurvey.drivers import plots as dplots  # noqa: E402
from govsurvey.publish import plots  # noqa: E402
from govsurvey.response import report as rrep  # noqa: E402
from govsurvey.sampling import plots as splots  # noqa: E402

NAME = r"Quận $\foo{1}$"
OTHER = "Quận $x$ và $"


def _index_by():
    return pd.DataFrame(
        {
            "district": [NAME, OTHER],
            "level": ["overall"] * 2,
            "code": ["SIPAS"] * 2,
            "estimate": [80.0, 90.0],
            "ci_low": [78.0, 88.0],
            "ci_high": [82.0, 92.0],
        }
    )


def _heat():
    return pd.DataFrame(
        {
            "district": [NAME, NAME, OTHER, OTHER],
            "level": ["criterion"] * 4,
            "code": ["C1.1", "C1.2"] * 2,
            "estimate": [80.0, 85, 90, 70],
        }
    )


def _ipa():
    f = pd.DataFrame(
        {
            "component": ["C1", "C2"],
            "importance": [0.8, 0.2],
            "importance_ci_low": [0.7, 0.1],
            "importance_ci_high": [0.9, 0.3],
            "performance": [70.0, 90.0],
            "performance_ci_low": [65.0, 85.0],
            "performance_ci_high": [75.0, 95.0],
            "quadrant": ["concentrate_here", "keep_up"],
        }
    )
    f.attrs.update(importance_line=0.5, performance_line=80.0)
    return f


CHARTS = {
    "component_plot": lambda ax: plots.component_plot(
        _index_by().assign(level="component", code=["C1", "C2"]),
        ax=ax,
        labels={"C1": NAME, "C2": OTHER},
        lang="vi",
    ),
    "domain_dotplot": lambda ax: plots.domain_dotplot(
        _index_by(), "district", ax=ax, overall=85.0, lang="vi", unit_targets={NAME: 90.0}
    ),
    "criteria_heatmap": lambda ax: plots.criteria_heatmap(
        _heat(), "district", ax=ax, lang="vi", unit_label=NAME
    ),
    "change_plot": lambda ax: plots.change_plot(
        pd.DataFrame({"code": [NAME], "change": [4.0], "ci_low": [2.0], "ci_high": [6.0]}),
        "code",
        ax=ax,
        gain=(3, 5),
        lang="en",
    ),
    "margin_plot": lambda ax: splots.margin_plot(
        pd.DataFrame({"district": [NAME, OTHER], "margin": [4.0, 5.5]}),
        ax=ax,
        target=5,
        target_label=OTHER,
    ),
    "simulation_plot": lambda ax: splots.simulation_plot(
        pd.DataFrame(
            {
                "plan": [NAME, NAME, OTHER, OTHER],
                "domain": [NAME, OTHER, NAME, OTHER],
                "coverage": [0.95, 0.9, 0.94, 0.96],
            }
        ),
        "coverage",
        ax=ax,
        nominal=0.95,
    ),
    "coefficient_plot": lambda ax: dplots.coefficient_plot(
        pd.DataFrame(
            {
                "term": ["C1", "C2"],
                "estimate": [1.0, 0.5],
                "ci_low": [0.5, 0.2],
                "ci_high": [1.5, 0.8],
            }
        ),
        ax,
        labels={"C1": NAME, "C2": OTHER},
    ),
    "importance_plot": lambda ax: dplots.importance_plot(
        pd.DataFrame(
            {
                "term": ["C1", "C2"],
                "share": [0.7, 0.3],
                "share_ci_low": [0.6, 0.2],
                "share_ci_high": [0.8, 0.4],
            }
        ),
        ax,
        labels={"C1": NAME, "C2": OTHER},
    ),
    "ipa_plot": lambda ax: dplots.ipa_plot(_ipa(), ax, labels={"C1": NAME, "C2": OTHER}),
    "facts_plot": lambda ax: dplots.facts_plot(
        pd.DataFrame(
            {"variable": ["late_result"], "estimate": [8.0], "ci_low": [7.0], "ci_high": [9.0]}
        ),
        ax,
        labels={"late_result": NAME},
    ),
    "plot_response_by_domain": lambda ax: rrep.plot_response_by_domain(
        pd.DataFrame({"district": [NAME, OTHER], "rate": ["RR2"] * 2, "estimate": [0.6, 0.7]}),
        "district",
        ax,
        "vi",
        overall=0.65,
    ),
    "plot_asmd": lambda ax: rrep.plot_asmd(
        pd.DataFrame(
            {
                "variable": ["district"] * 2,
                "category": [NAME, OTHER],
                "asmd_before": [0.2, 0.05],
                "asmd_after": [0.05, 0.01],
            }
        ),
        ax,
        "vi",
    ),
}


def _texts(fig) -> list[str]:
    """Every text the figure draws, as drawn (mathtext escapes removed)."""
    out = []
    for t in fig.findobj(matplotlib.text.Text):
        s = t.get_text()
        if s:
            out.append(s)
    return out


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_a_unit_named_like_mathtext_is_drawn_as_typed(chart):
    fig, ax = plt.subplots()
    try:
        CHARTS[chart](ax)
        fig.canvas.draw()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")  # would raise "Unknown symbol: \foo" if parsed
        assert buf.getvalue()[:4] == b"\x89PNG"
        drawn = _texts(fig)
        escaped = [s for s in drawn if "$" in s]
        assert escaped, drawn  # the name is on the chart ...
        assert all(s.count("$") == s.count(r"\$") for s in escaped), escaped  # ... escaped
    finally:
        plt.close(fig)
