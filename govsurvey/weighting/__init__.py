"""Weighting: nonresponse adjustment, post-stratification, raking, calibration and trimming.

One module per method, each taking a design and returning a new design with adjusted weights
and a :class:`~govsurvey.weighting.diagnostics.Diagnostics` record (``design.diagnostics``):

- :func:`nonresponse_adjust` — weighting classes or response-propensity classes;
- :func:`poststratify` — cells to known counts (R's ``postStratify``);
- :func:`rake` — iterative proportional fitting to margins (R's ``rake``);
- :func:`calibrate` — GREG, raking or bounded logit calibration (R's ``calibrate``);
- :func:`trim` — weights cut to bounds with the excess redistributed (R's ``trimWeights``).

The variance after post-stratification, raking and calibration accounts for the adjustment as
R's ``survey`` does (influence values replaced by their residuals from the calibration model)
through the design's one variance path; on a replicate design every replicate is re-adjusted,
all columns at once. :func:`apply` picks a method by name — the entry point a notebook's
parameters use.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ._margins import frame_counts
from .calibrate import calibrate
from .diagnostics import Diagnostics, effective_n, kish_deff
from .nonresponse import nonresponse_adjust
from .poststratify import poststratify
from .rake import rake
from .trim import trim, trim_weights

__all__ = [
    "METHODS",
    "Diagnostics",
    "apply",
    "calibrate",
    "effective_n",
    "kish_deff",
    "margins_from_frame",
    "nonresponse_adjust",
    "poststratify",
    "rake",
    "trim",
    "trim_weights",
]

#: The weighting schemes :func:`apply` knows, by name.
METHODS = (
    "none",
    "nonresponse",
    "poststratify",
    "rake",
    "calibrate",
    "nonresponse+rake",
    "nonresponse+calibrate",
)


def margins_from_frame(
    frame: pd.DataFrame, variables: Sequence[str], count: str | None = None
) -> dict[str, dict[str, float]]:
    """Population margins ``{column: {level: count}}`` from a frame (units or counted cells).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per population unit, or cells with a count column (``N``, ``Freq``, …).
    variables : list of str
    count : str, optional
        The count column, when its name is not one of the usual ones.

    Returns
    -------
    dict

    Examples
    --------
    >>> f = pd.DataFrame({"sex": ["m", "f", "f"], "age": ["y", "y", "o"], "N": [5, 3, 4]})
    >>> margins_from_frame(f, ["sex", "age"])
    {'sex': {'f': 7.0, 'm': 5.0}, 'age': {'o': 4.0, 'y': 8.0}}
    """
    vars_ = [variables] if isinstance(variables, str) else list(variables)
    out = {}
    for v in vars_:
        t = frame_counts(frame, [v], count)
        t = t[t["N"] > 0]
        out[v] = dict(zip(t[v].astype(str), t["N"].astype(float), strict=True))
    return out


def apply(
    design,
    method: str = "none",
    *,
    frame: pd.DataFrame | None = None,
    variables: Sequence[str] = (),
    response: str = "responded",
    cells: Sequence[str] | None = None,
    propensity: Sequence[str] | None = None,
    classes: int = 5,
    calfun: str = "raking",
    bounds: tuple[float, float] | None = None,
    trim_upper: float | None = None,
    count: str | None = None,
    rake_failure: str = "error",
):
    """Apply a named weighting scheme: the one entry point for a notebook's parameters.

    Parameters
    ----------
    design : Design or ReplicateDesign
        The design of every sampled unit (respondents and nonrespondents, base weights), with
        the ``response`` column; a design of respondents only also works for the schemes
        without a nonresponse step. Nonrespondents get a zero weight in every scheme.
    method : str
        One of :data:`METHODS`: ``"none"`` (base weights of the respondents),
        ``"nonresponse"`` (classes from ``cells`` or ``propensity``), ``"poststratify"`` (cells
        of ``variables`` to the frame's counts), ``"rake"`` (margins of ``variables``),
        ``"calibrate"`` (``calfun`` on the ``variables``' counts, with ``bounds``),
        ``"nonresponse+rake"`` and ``"nonresponse+calibrate"``.
    frame : pandas.DataFrame, optional
        Population frame (units or counted cells) giving the totals of ``variables``.
    variables : list of str
        Frame auxiliaries to post-stratify, rake or calibrate on.
    response : str
        The 0/1 response column.
    cells, propensity, classes
        The nonresponse step's weighting classes or propensity covariates (see
        :func:`nonresponse_adjust`).
    calfun : {"linear", "raking", "logit"}
    bounds : (float, float), optional
        Calibration bounds on new / old weights.
    trim_upper : float, optional
        Trim the final weights at this multiple of their mean (redistributing the excess,
        repeated until no weight is above it: ``trim(strict=True)``).
    count : str, optional
        The frame's count column.
    rake_failure : {"error", "keep"}
        A rake whose margins cannot all be met: stop with the margin, its target and its
        achieved total (``"error"``), or keep the last sweep's weights flagged unconverged in
        the diagnostics (``"keep"``); see :func:`rake`.

    Returns
    -------
    Design or ReplicateDesign
        With ``diagnostics`` of the last step and ``weighting_steps`` of all of them, and
        ``weighting_method`` set to ``method``.

    Examples
    --------
    >>> from govsurvey.design import Design
    >>> df = pd.DataFrame({"r": [1, 0, 1, 1], "sex": ["m", "m", "f", "f"], "w": 10.0})
    >>> frame = pd.DataFrame({"sex": ["m", "f"], "N": [30, 50]})
    >>> d = apply(Design(df, weights="w"), "rake", frame=frame, variables=["sex"], response="r")
    >>> d.weight_values.tolist()
    [30.0, 0.0, 25.0, 25.0]
    """
    if method not in METHODS:
        raise InputError.one(
            "unknown weighting method", f"use one of {', '.join(METHODS)}", value=method
        )
    from ..response.propensity import response_indicator

    d = design
    if "nonresponse" in method:
        d = nonresponse_adjust(
            d, response=response, cells=cells, propensity=propensity, classes=classes
        )
    elif response in design.data.columns:
        w = np.asarray(design.weight_values, dtype=float)
        r = response_indicator(design.data, response, w > 0)
        if (r[w > 0] == 0).any():
            d = design.with_weights(np.where(r == 1, w, 0.0))
    needs_frame = method.endswith(("poststratify", "rake", "calibrate"))
    if needs_frame:
        if frame is None or not list(variables):
            raise InputError.one(
                f"weighting method {method!r} needs a frame and the variables to fit",
                "pass frame= (population counts) and variables=[...] (e.g. district, sex, "
                "age_group)",
            )
        variables = list(variables)
        if method == "poststratify":
            d = poststratify(d, variables, frame_counts(frame, variables, count))
        elif method.endswith("rake"):
            d = rake(d, margins_from_frame(frame, variables, count), on_failure=rake_failure)
        else:
            d = calibrate(
                d, margins_from_frame(frame, variables, count), method=calfun, bounds=bounds
            )
    if trim_upper is not None:
        d = trim(d, upper=trim_upper, relative=True, strict=True)
    if d is design:
        d = design.with_weights(np.asarray(design.weight_values, dtype=float))
    d.weighting_method = method
    return d
