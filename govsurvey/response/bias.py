"""Bias assessment: the index before and after weighting, and a sensitivity analysis for
nonresponse that weighting cannot fix (respondents and nonrespondents differing on the answer
itself, MNAR).

:func:`index_shift` sets the SIPAS index of two designs side by side (same figures, CIs, the
shift). :func:`sensitivity` is a pattern-mixture analysis: if nonrespondents' satisfaction
were ``delta`` points below respondents' (after the weighting), the population value would be
``estimate - (1 - response_rate) * delta`` — a stated assumption turned into a number, never
an estimate of the bias.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["index_shift", "sensitivity", "weighted_response_rate"]


def index_shift(
    before, after, instrument="sipas-2017", by=None, confidence: float = 0.95
) -> pd.DataFrame:
    """The SIPAS index under two designs (e.g. base weights and adjusted weights).

    Parameters
    ----------
    before, after : Design or ReplicateDesign
        Designs over the same kind of rows (respondents, or every sampled unit with zero
        weights for nonrespondents).
    instrument : Instrument or str
    by : str or list of str, optional
    confidence : float

    Returns
    -------
    pandas.DataFrame
        ``[*by, level, code, estimate_before, ci_low_before, ci_high_before, se_before,
        estimate_after, ci_low_after, ci_high_after, se_after, shift]`` (percentage points).
    """
    from ..index import sipas_index

    a = sipas_index(before, instrument, by=by, confidence=confidence)
    b = sipas_index(after, instrument, by=by, confidence=confidence)
    stats_ = ["estimate", "se", "ci_low", "ci_high"]
    keys = [c for c in a.columns if c not in {*stats_, "df", "n"}]
    m = a[keys + stats_].merge(b[keys + stats_], on=keys, suffixes=("_before", "_after"))
    m["shift"] = m["estimate_after"] - m["estimate_before"]
    return m


def weighted_response_rate(design, response: str = "responded") -> float:
    """Base-weighted response rate of a design over every sampled unit.

    Examples
    --------
    >>> from govsurvey.design import Design
    >>> df = pd.DataFrame({"r": [1, 0, 1, 1], "w": [1.0, 3.0, 1.0, 1.0]})
    >>> weighted_response_rate(Design(df, weights="w"), "r")
    0.5
    """
    from .propensity import response_indicator

    w = np.asarray(design.weight_values, dtype=float)
    r = response_indicator(design.data, response, w > 0)
    return float((w * r).sum() / w.sum())


def sensitivity(
    estimate: float,
    response_rate: float,
    deltas: Sequence[float] = (-10, -5, -2, 0, 2, 5, 10),
    se: float | None = None,
    df: float | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """How far a figure moves for a stated difference between respondents and nonrespondents.

    Parameters
    ----------
    estimate : float
        The (weighted) respondents' figure, in percent.
    response_rate : float
        Weighted response rate (0–1).
    deltas : sequence of float
        Assumed respondent-minus-nonrespondent differences, in percentage points (positive:
        nonrespondents are less satisfied).
    se, df : float, optional
        The figure's SE and df, to carry an interval (the assumption itself adds none).
    confidence : float

    Returns
    -------
    pandas.DataFrame
        ``delta, nonrespondents, population, shift (, ci_low, ci_high)``.

    Examples
    --------
    >>> sensitivity(80.0, 0.6, deltas=[0, 5])[["delta", "population"]].values.tolist()
    [[0.0, 80.0], [5.0, 78.0]]
    """
    if not 0 < response_rate <= 1:
        raise InputError.one(
            "response_rate must be a proportion above 0", "pass e.g. 0.6", value=response_rate
        )
    d = np.asarray(list(deltas), dtype=float)
    pop = estimate - (1 - response_rate) * d
    out = pd.DataFrame(
        {
            "delta": d,
            "nonrespondents": estimate - d,
            "population": pop,
            "shift": pop - estimate,
        }
    )
    if se is not None:
        from ..results import t_quantile

        q = float(t_quantile(np.array([df if df is not None else np.inf]), confidence)[0])
        out["ci_low"] = pop - q * se
        out["ci_high"] = pop + q * se
    return out
