"""Figures of small-area estimates: each takes a result frame and an ``ax`` and returns the ax.

matplotlib is never imported here: the caller passes the ``ax`` it drew.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["direct_vs_model_plot", "TEXT"]

#: Axis words per language.
TEXT = {
    "direct": {"vi": "Ước lượng trực tiếp (%)", "en": "Direct estimate (%)"},
    "model": {"vi": "Ước lượng mô hình (%)", "en": "Model-based estimate (%)"},
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
