"""Weight trimming, written once: :func:`trim` and all trimming use :func:`trim_weights`.

As R's ``trimWeights``: weights outside ``[lower, upper]`` are set to the bound and the amount
cut (or added) is shared equally among the rows that were inside, so the weight total is kept;
with ``strict=True`` the step is repeated until no weight is outside the bounds.
"""

from __future__ import annotations

import numpy as np

from ..design import ReplicateDesign
from ..errors import InputError
from ._chain import with_steps
from .diagnostics import attach, weight_summary

__all__ = ["trim", "trim_weights"]


def trim_weights(
    weights: np.ndarray,
    lower: float | None = None,
    upper: float | None = None,
    strict: bool = False,
    maxit: int = 100,
) -> tuple[np.ndarray, int]:
    """Trim each column of a weight matrix to ``[lower, upper]``, redistributing the excess.

    Vectorised over columns: a ``(n, R)`` matrix of replicate weights is trimmed in one pass.
    Rows with a zero weight are left at zero and take no share.

    Parameters
    ----------
    weights : numpy.ndarray
        Shape ``(n,)`` or ``(n, R)``.
    lower, upper : float, optional
        Bounds on the weights (``None``: no bound).
    strict : bool
        Repeat until every weight lies within the bounds (R's ``strict=TRUE``).
    maxit : int
        Most repetitions with ``strict``.

    Returns
    -------
    (numpy.ndarray, int)
        The trimmed weights (same shape) and the number of rows outside the bounds in the
        first column at the first pass.

    Examples
    --------
    >>> w, k = trim_weights(np.array([1.0, 1.0, 1.0, 9.0]), upper=5.0)
    >>> w.round(4).tolist(), k
    ([2.3333, 2.3333, 2.3333, 5.0], 1)
    """
    lo = -np.inf if lower is None else float(lower)
    hi = np.inf if upper is None else float(upper)
    if lo > hi:
        raise InputError.one(
            f"lower bound {lo:g} is above upper bound {hi:g}", "pass lower <= upper"
        )
    W = np.array(weights, dtype=float, copy=True)
    one = W.ndim == 1
    if one:
        W = W[:, None]
    live = W > 0
    first = None
    for _ in range(maxit):
        outside = live & ((W < lo) | (W > hi))
        if first is None:
            first = int(outside[:, 0].sum())
        if not outside.any():
            break
        new = np.where(live, np.clip(W, lo, hi), 0.0)
        cut = (W - new).sum(axis=0)
        inside = live & ~outside
        k = inside.sum(axis=0)
        if (k == 0).any():
            raise InputError.one(
                "every weight lies outside the trimming bounds",
                "widen the bounds (lower below, upper above most weights)",
                value=(lower, upper),
            )
        W = np.where(inside, new + (cut / k)[None, :], new)
        if not strict:
            break
    return (W[:, 0] if one else W), int(first or 0)


def trim(
    design,
    lower: float | None = None,
    upper: float | None = None,
    strict: bool = False,
    relative: bool = False,
):
    """Trim the design's weights to ``[lower, upper]``, keeping their total (R's ``trimWeights``).

    Parameters
    ----------
    design : Design or ReplicateDesign
    lower, upper : float, optional
        Bounds on the weights; with ``relative=True``, multiples of the mean positive weight
        (e.g. ``upper=3.5``: at most 3.5 times the mean weight).
    strict : bool
        Repeat until no weight is outside the bounds (redistribution may push some out).
    relative : bool
        Read the bounds as multiples of the mean positive weight.

    Returns
    -------
    Design or ReplicateDesign
        With trimmed weights, any recorded calibration kept, and ``diagnostics``. On a
        replicate design every replicate is trimmed with the same bounds.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.design import Design
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [1.0, 1.0, 1.0, 9.0]})
    >>> t = trim(Design(df, weights="w"), upper=5)
    >>> t.weight_values.round(3).tolist(), t.diagnostics.trimmed
    ([2.333, 2.333, 2.333, 5.0], 1)
    """
    if lower is None and upper is None:
        raise InputError.one("trim needs a bound", "pass lower= and/or upper=")
    w = np.asarray(design.weight_values, dtype=float)
    if relative:
        m = w[w > 0].mean()
        lower = None if lower is None else lower * m
        upper = None if upper is None else upper * m
    new, k = trim_weights(w, lower, upper, strict)
    if isinstance(design, ReplicateDesign):
        A, _ = trim_weights(design.replicate_weights(), lower, upper, strict)
        out = design.with_weights(new, replicate_weights=A)
        reps = design.replicates
    else:
        out = with_steps(design, new)  # earlier calibrations re-based on the trimmed weights
        reps = 0
    diag = weight_summary(
        "trim", w, new, trimmed=k, replicates=reps, details={"lower": lower, "upper": upper}
    )
    return attach(out, diag, history=design)
