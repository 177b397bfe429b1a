"""Numbered figures and tables, each with a caption and alt text that states what it shows.

A report shows a figure as ``<figure><img alt=… src="data:image/png;base64,…"><figcaption>``
(:func:`figure_html`), so the exported HTML never carries an image without a description. The
alt text is written from the numbers the figure draws (:func:`alt_components` and kin), in the
report language. :class:`Numbering` hands out "Hình 1." / "Figure 1." and "Bảng 1." / "Table 1."
in order.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import i18n
from .i18n import text
from .tables import Table, code_label, value_label

__all__ = [
    "Numbering",
    "figure_html",
    "locale_ticks",
    "alt_components",
    "alt_domain",
    "alt_heatmap",
    "alt_change",
]


def figure_html(fig: Any, label: str, caption: str, alt: str, dpi: int = 110) -> str:
    """A matplotlib figure as a self-contained ``<figure>`` with alt text and caption.

    The figure is closed afterwards, so a notebook does not show it a second time.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from govsurvey.publish.figures import figure_html
    >>> fig, ax = plt.subplots()
    >>> h = figure_html(fig, "Hình 1.", "Chỉ số", "Biểu đồ chấm")
    >>> h.startswith('<figure class="gs-figure"><img alt="Biểu đồ chấm"')
    True
    >>> "<figcaption><strong>Hình 1.</strong> Chỉ số</figcaption>" in h
    True
    """
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    esc = html.escape
    return (
        f'<figure class="gs-figure"><img alt="{esc(alt, quote=True)}" '
        f'src="data:image/png;base64,{data}">'
        f"<figcaption><strong>{esc(label)}</strong> {esc(caption)}</figcaption></figure>"
    )


def _decimals(locs: np.ndarray) -> int:
    """The fewest decimals (0 to 6) that write every tick location exactly."""
    locs = np.asarray(locs, dtype=float)
    locs = locs[np.isfinite(locs)]
    for d in range(7):
        if np.allclose(np.round(locs, d), locs, rtol=0, atol=1e-9 * max(1.0, np.abs(locs).max())):
            return d
    return 6


def locale_ticks(fig: Any, lang: str) -> Any:
    """Write a figure's numeric tick labels as the report's language writes numbers.

    Every axis whose labels matplotlib formats by default (a ``ScalarFormatter``) gets the
    formatter of :func:`govsurvey.publish.i18n.num` with as many decimals as its ticks need:
    ``57,5`` and ``20.000`` in Vietnamese, ``57.5`` and ``20,000`` in English; a tick below
    10,000 has no group separator (a year reads 2021). Axes with labels of their own
    (categories, a formatter set by a plot) are left as they are.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([55, 72.5], [0, 1])
    >>> _ = ax.set_xticks([55, 57.5, 60])
    >>> _ = locale_ticks(fig, "vi")
    >>> [ax.xaxis.get_major_formatter()(v, i) for i, v in enumerate([55, 57.5, 60])]
    ['55,0', '57,5', '60,0']
    >>> _ = ax.set_xticks([2021, 2022, 2023])
    >>> [ax.xaxis.get_major_formatter()(v, i) for i, v in enumerate([2021, 2022, 2023])]
    ['2021', '2022', '2023']
    >>> _ = ax.set_yticks([0, 20000, 40000])
    >>> [ax.yaxis.get_major_formatter()(v, i) for i, v in enumerate([0, 20000, 40000])]
    ['0', '20.000', '40.000']
    >>> plt.close(fig)
    """
    from matplotlib.ticker import FuncFormatter, ScalarFormatter

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is not ScalarFormatter:
                continue

            def fmt(v: float, pos: Any = None, axis: Any = axis) -> str:
                d = _decimals(axis.get_majorticklocs())
                s = i18n.num(v, lang, d)
                if abs(v) < 10_000:  # no group separator in a four-digit tick (a year: 2021)
                    s = s.replace("." if lang == "vi" else ",", "")
                return s.replace("-", "\u2212")

            axis.set_major_formatter(FuncFormatter(fmt))
    return fig


@dataclass
class Numbering:
    """Numbers a report's figures and tables in order, in the report language.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.publish.figures import Numbering
    >>> from govsurvey.publish.tables import Table
    >>> n = Numbering("vi")
    >>> n.table(Table(pd.DataFrame({"a": [1]}), "Chỉ số")).number
    'Bảng 1.'
    >>> n.next_figure()
    'Hình 1.'
    """

    lang: str
    figures: int = 0
    tables: int = 0

    def __post_init__(self) -> None:
        i18n.check_language(self.lang)

    def next_figure(self) -> str:
        """The next figure's label ("Hình 3.")."""
        self.figures += 1
        return text("fig", self.lang, n=self.figures)

    def figure(self, fig: Any, caption: str, alt: str) -> Any:
        """The next numbered figure as displayable HTML (IPython), with caption and alt text."""
        from IPython.display import HTML

        return HTML(figure_html(locale_ticks(fig, self.lang), self.next_figure(), caption, alt))

    def table(self, table: Table) -> Table:
        """Give ``table`` the next table number and return it (for ``display``)."""
        self.tables += 1
        table.number = text("tab", self.lang, n=self.tables)
        return table


# --- alt texts, from the numbers a figure draws ---------------------------------------------


def alt_components(index: pd.DataFrame, instrument: Any, lang: str) -> str:
    """Alt text of :func:`~govsurvey.publish.plots.component_plot`.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.publish.figures import alt_components
    >>> idx = pd.DataFrame({"level": ["overall", "component", "component"],
    ...     "code": ["SIPAS", "C1", "C5"], "estimate": [85.0, 88.0, 80.0]})
    >>> alt_components(idx, gs.load_instrument("sipas-2017"), "en")  # doctest: +ELLIPSIS
    'Dot plot: overall SIPAS index 85.00%; highest component “Access to the service” 88.00%...'
    """
    ov = index.loc[index["level"] == "overall", "estimate"]
    comps = index[index["level"] == "component"].dropna(subset=["estimate"])
    comps = comps.sort_values("estimate", ascending=False)
    top, low = comps.iloc[0], comps.iloc[-1]
    return text(
        "alt_components",
        lang,
        overall=i18n.pct(ov.iloc[0] if len(ov) else np.nan, lang),
        top=code_label(instrument, top["code"], lang),
        top_est=i18n.pct(top["estimate"], lang),
        low=code_label(instrument, low["code"], lang),
        low_est=i18n.pct(low["estimate"], lang),
        level=i18n.level_pct(index.attrs.get("level", 0.95), lang),
    )


def alt_domain(
    rows: pd.DataFrame,
    unit: str,
    instrument: Any,
    lang: str,
    overall: float,
    unit_label: str,
    unit_targets: dict[Any, float] | None = None,
) -> str:
    """Alt text of :func:`~govsurvey.publish.plots.domain_dotplot` (published rows only).

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.publish.figures import alt_domain
    >>> r = pd.DataFrame({"mode": ["post", "online"], "estimate": [80.0, 90.0]})
    >>> alt_domain(r, "mode", gs.load_instrument("sipas-2017"), "vi", 85.0, "hình thức")
    ... # doctest: +ELLIPSIS
    'Biểu đồ chấm Chỉ số SIPAS của 2 hình thức, ...: thấp nhất Phiếu gửi qua bưu điện 80,00%...'
    """
    d = rows.dropna(subset=["estimate"])
    lo = d.loc[d["estimate"].idxmin()]
    hi = d.loc[d["estimate"].idxmax()]
    marks = [
        text(
            "alt_unit_target",
            lang,
            name=value_label(instrument, unit, u, lang),
            value=i18n.pct(t, lang),
        )
        for u, t in (unit_targets or {}).items()
        if u in set(d[unit])
    ]
    return " ".join(
        [
            text(
                "alt_domain",
                lang,
                k=len(d),
                unit=unit_label,
                lo_name=value_label(instrument, unit, lo[unit], lang),
                lo=i18n.pct(lo["estimate"], lang),
                hi_name=value_label(instrument, unit, hi[unit], lang),
                hi=i18n.pct(hi["estimate"], lang),
                overall=i18n.pct(overall, lang),
            ),
            *marks,
        ]
    )


def alt_heatmap(rows: pd.DataFrame, unit: str, instrument: Any, lang: str, unit_label: str) -> str:
    """Alt text of :func:`~govsurvey.publish.plots.criteria_heatmap` (published cells only).

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> from govsurvey.publish.figures import alt_heatmap
    >>> r = pd.DataFrame({"district": ["A", "A", "B", "B"], "level": ["criterion"] * 4,
    ...                   "code": ["C1.1", "C1.2"] * 2, "estimate": [80.0, 85, 90, 70]})
    >>> alt_heatmap(r, "district", gs.load_instrument("sipas-2017"), "en", "district")
    ... # doctest: +ELLIPSIS
    'Heat map of 2 groups by district (rows) × 2 criteria (columns); ...lowest 70.00% (B, C1.2)...'
    """
    d = rows[rows["level"] == "criterion"].dropna(subset=["estimate"])
    lo = d.loc[d["estimate"].idxmin()]
    hi = d.loc[d["estimate"].idxmax()]
    return text(
        "alt_heatmap",
        lang,
        rows=d[unit].nunique(),
        unit=unit_label,
        cols=d["code"].nunique(),
        lo=i18n.pct(lo["estimate"], lang),
        lo_name=value_label(instrument, unit, lo[unit], lang),
        lo_code=lo["code"],
        hi=i18n.pct(hi["estimate"], lang),
        hi_name=value_label(instrument, unit, hi[unit], lang),
        hi_code=hi["code"],
    )


def alt_change(change: pd.DataFrame, lang: str, year: int | None) -> str:
    """Alt text of :func:`~govsurvey.publish.plots.change_plot`.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.publish.figures import alt_change
    >>> c = pd.DataFrame({"code": ["C5"], "change": [4.27], "ci_low": [2.3], "ci_high": [6.2]})
    >>> alt_change(c, "vi", 2021)  # doctest: +ELLIPSIS
    'Biểu đồ thay đổi so với năm 2021: C5 +4,27 (+2,30 đến +6,20); ...'
    """
    sep = text("range_to", lang)
    lo, hi = (
        ("lower_bound", "upper_bound")
        if {"lower_bound", "upper_bound"} <= set(change.columns)
        else ("ci_low", "ci_high")
    )
    items = "; ".join(
        f"{r['code']} {i18n.signed(r['change'], lang)} "
        f"({i18n.signed(r[lo], lang)}{sep}{i18n.signed(r[hi], lang)})"
        for _, r in change.iterrows()
    )
    return text("alt_change", lang, year=year if year is not None else "", items=items)
