"""Figures of small-area estimates: each takes a result frame and an ``ax`` and returns the ax.

matplotlib is never imported here: the caller passes the ``ax`` it drew.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["direct_vs_model_plot", "intervals_plot", "TEXT"]

#: Axis words per language.
TEXT = {
    "direct": {"vi": "Ước lượng trực tiếp (%)", "en": "Direct estimate (%)"},
    "model": {"vi": "Ước lượng mô hình (%)", "en": "Model-based estimate (%)"},
    "legend_direct": {"vi": "Ước lượng trực tiếp", "en": "Direct"},
    "legend_model": {"vi": "Ước lượng mô hình", "en": "Model-based"},
    "x_units": {"vi": "Đơn vị, xếp theo ước lượng trực tiếp", "en": "Units, by direct estimate"},
    "y_estimate": {"vi": "Ước lượng (%)", "en": "Estimate (%)"},
}


def direct_vs_model_plot(result: pd.DataFrame, ax, lang: str = "en"):
    """Direct against model-based estimates of the sampled units, with the line y = x.

    Points are sized by the shrinkage (the weight of the direct estimate): units pulled hard
    towards the synthetic value sit far from the line.

    Parameters
    ----------
    result : pandas.DataFrame
        A result of :func:`govsurvey.fay_herriot`.
    ax : matplotlib.axes.Axes
    lang : {"en", "vi"}

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, govsurvey as gs
    >>> cov = pd.DataFrame({"ward": list("abcdef"), "x": [1.0, 2, 3, 4, 5, 6]})
    >>> direct = pd.DataFrame({"ward": list("abcdef"), "estimate": [70.0, 75, 72, 79, 78, 84],
    ...                        "se": 2.0})
    >>> fig, ax = plt.subplots()
    >>> direct_vs_model_plot(gs.fay_herriot(direct, cov), ax) is ax
    True
    """
    diag = result.attrs["diagnostics"]
    unit = diag.columns[0]
    model = result.set_index(unit).loc[diag[unit], "estimate"].to_numpy(dtype=float)
    direct = diag["direct"].to_numpy(dtype=float)
    size = 15 + 60 * diag["shrinkage"].to_numpy(dtype=float)
    ax.scatter(direct, model, s=size, color="#1f4e79", alpha=0.7)
    lo = float(np.nanmin([direct.min(), model.min()]))
    hi = float(np.nanmax([direct.max(), model.max()]))
    ax.plot([lo, hi], [lo, hi], color="#888888", lw=0.8, ls="--")
    ax.set_xlabel(TEXT["direct"][lang])
    ax.set_ylabel(TEXT["model"][lang])
    ax.grid(alpha=0.3)
    return ax


def intervals_plot(frame: pd.DataFrame, ax, lang: str = "en"):
    """Direct and model-based estimates of each unit side by side, with their intervals.

    Units (those with both figures) are ordered by the direct estimate; the direct interval
    (from the design) is grey, the model-based one (from the MSE) blue. Narrower blue bars are
    the model's gain; blue points off the grey ones show how far the model pulls a unit.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``[direct, direct_ci_low, direct_ci_high, model, model_ci_low, model_ci_high]`` per
        unit, e.g. the published rows of :func:`govsurvey.small_area.report_units`.
    ax : matplotlib.axes.Axes
    lang : {"en", "vi"}

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> f = pd.DataFrame({"direct": [70.0, 80.0], "model": [72.0, 79.0],
    ...                   "direct_ci_low": [60, 70], "direct_ci_high": [80, 90],
    ...                   "model_ci_low": [65, 72], "model_ci_high": [79, 86]})
    >>> fig, ax = plt.subplots()
    >>> intervals_plot(f, ax) is ax
    True
    """
    cols = ["direct", "direct_ci_low", "direct_ci_high", "model", "model_ci_low", "model_ci_high"]
    d = frame[cols].apply(pd.to_numeric, errors="coerce").dropna(subset=["direct", "model"])
    d = d.sort_values("direct", kind="stable")
    x = np.arange(len(d), dtype=float)
    for name, dx, color, key in (
        ("direct", -0.18, "#888888", "legend_direct"),
        ("model", 0.18, "#1f4e79", "legend_model"),
    ):
        est = d[name].to_numpy()
        err = np.vstack(
            [est - d[f"{name}_ci_low"].to_numpy(), d[f"{name}_ci_high"].to_numpy() - est]
        )
        ax.errorbar(
            x + dx, est, yerr=err, fmt="o", ms=3, lw=0.9, color=color, label=TEXT[key][lang]
        )
    ax.set_xticks([])
    ax.set_xlabel(TEXT["x_units"][lang])
    ax.set_ylabel(TEXT["y_estimate"][lang])
    ax.legend(loc="lower right", frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return ax
