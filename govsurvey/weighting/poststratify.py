"""Post-stratification: weights scaled so each cell's weighted count equals its population count.

The variance after post-stratification replaces each influence value by its residual from the
post-stratum mean, weighted by the weights before the step, exactly as R's ``svyrecvar`` does
after ``postStratify`` (``rowsum(x * oldw / psw, psvar) / rowsum(oldw, psvar)``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..design import group_sum
from ..errors import InputError
from ._chain import with_steps
from ._margins import COUNT_NAMES, is_replicate, labels, level_index, parse_margin
from .diagnostics import attach, weight_summary

__all__ = ["poststratify", "PostStratification"]

_SEP = " × "


class PostStratification:
    """Calibration record of a post-stratification: ``adjust(z)`` returns the residuals of
    ``z`` from its post-stratum means, weighted by the weights before the step.

    Examples
    --------
    >>> ps = PostStratification(np.array([0, 0, 1]), np.array([1.0, 3.0, 2.0]), 2)
    >>> ps.adjust(np.array([[1.0], [2.0], [5.0]])).ravel().tolist()
    [-0.75, 0.25, 0.0]
    """

    def __init__(self, cell: np.ndarray, old_weights: np.ndarray, cells: int, new_weights=None):
        live = cell >= 0
        self.cell = np.where(live, cell, cells)
        self.oldw = np.where(live, old_weights, 0.0)
        self.cells = cells
        self._wsum = np.bincount(self.cell, weights=self.oldw, minlength=cells + 1)
        psw = self.oldw if new_weights is None else np.where(live, new_weights, 0.0)
        self.psw = psw
        self._ratio = np.where(psw > 0, self.oldw / np.where(psw > 0, psw, 1.0), 0.0)

    def _means(self, v: np.ndarray) -> np.ndarray:
        s = group_sum(self.cell, v, self.cells + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self._wsum[:, None] > 0, s / self._wsum[:, None], 0.0)

    def adjust(self, z: np.ndarray) -> np.ndarray:
        return z - self._means(z * self.oldw[:, None])[self.cell]

    def adjust_x(self, x: np.ndarray) -> np.ndarray:
        """R's step on weighted values: ``x - psw * rowsum(x oldw / psw) / rowsum(oldw)``."""
        return x - self.psw[:, None] * self._means(x * self._ratio[:, None])[self.cell]


def _cells(design, by: list[str], totals, count: str | None):
    """Cell of every live row and the population count of each cell."""
    live = design.weight_values > 0
    data = design.data
    if isinstance(totals, Mapping) and len(by) == 1:
        levels, pop = parse_margin(by[0], totals)
    elif isinstance(totals, pd.Series) and len(by) == 1:
        levels, pop = parse_margin(by[0], totals)
    elif isinstance(totals, pd.DataFrame):
        miss = [c for c in by if c not in totals.columns]
        if miss:
            raise InputError.one(
                f"the totals table has no column {miss[0]!r}",
                f"give a table with the columns {by} and a count column",
                column=miss[0],
            )
        if count is None:
            rest = [c for c in totals.columns if c not in by]
            named = [c for c in COUNT_NAMES if c in rest]
            count = named[0] if named else (rest[0] if len(rest) == 1 else None)
        if count is None or count not in totals.columns:
            raise InputError.one(
                "the totals table has no count column",
                f"name it with count= (columns: {list(totals.columns)})",
            )
        key = pd.Series(labels(totals[by[0]]), index=totals.index).astype(str)
        for c in by[1:]:
            key = key + _SEP + pd.Series(labels(totals[c]), index=totals.index).astype(str)
        agg = pd.to_numeric(totals[count], errors="coerce").groupby(key.to_numpy()).sum()
        levels, pop = parse_margin("+".join(by), agg[agg > 0])
    else:
        raise InputError.one(
            "totals must be a table with the by columns and a count column (or, for one "
            "column, a {level: total} mapping)",
            'pass e.g. frame.groupby(["district", "sex"])["N"].sum().reset_index()',
            value=type(totals).__name__,
        )
    if len(by) == 1:
        cell = level_index(data, by[0], levels, live, "totals")
    else:
        for c in by:
            if c not in data.columns:
                raise InputError.one("by column not in the data", "check by=", column=c)
            if (data[c].isna().to_numpy() & live).any():
                raise InputError.one(f"rows in the sample have no {c}", f"fill in {c}", column=c)
        key = pd.Series(labels(data[by[0]]), index=data.index).astype(str)
        for c in by[1:]:
            key = key + _SEP + pd.Series(labels(data[c]), index=data.index).astype(str)
        cell = level_index(pd.DataFrame({"+".join(by): key}), "+".join(by), levels, live, "totals")
    return cell, levels, pop


def poststratify(
    design,
    by: str | Sequence[str],
    totals: pd.DataFrame | Mapping,
    count: str | None = None,
):
    """Post-stratify a design to known population counts (R's ``postStratify``).

    Parameters
    ----------
    design : Design or ReplicateDesign
        Rows with a zero weight (e.g. nonrespondents after :func:`nonresponse_adjust`) stay at
        zero and are not counted.
    by : str or list of str
        Post-stratum columns; cells are their combinations.
    totals : pandas.DataFrame or mapping
        A table with the ``by`` columns and a count column (``N``, ``Freq``, ``count``, ``total``
        or the one named by ``count``); cells listed twice are summed. For one ``by`` column, a
        ``{level: total}`` mapping also works.
    count : str, optional
        Name of the count column in ``totals``.

    Returns
    -------
    Design or ReplicateDesign
        New weights, the post-stratification recorded for the variance (Taylor) or every
        replicate post-stratified with its own weights (replicate designs), and
        ``diagnostics``.

    Raises
    ------
    InputError
        A sample cell with no population count, a population cell with no respondent, a
        missing ``by`` value in the sample, a malformed totals table.

    Examples
    --------
    >>> from govsurvey.design import Design
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "sex": ["m", "m", "f", "f"]})
    >>> d = poststratify(Design(df, weights=None), "sex", {"m": 30, "f": 70})
    >>> d.total("y")["estimate"].round(2).tolist()
    [290.0]
    """
    by_ = [by] if isinstance(by, str) else list(by)
    if not by_:
        raise InputError.one("by names no column", "pass the post-stratum column(s)")
    cell, levels, pop = _cells(design, by_, totals, count)
    K = len(levels)
    w = np.asarray(design.weight_values, dtype=float)
    live = cell >= 0
    ci = np.where(live, cell, K)
    est = np.bincount(ci, weights=w, minlength=K + 1)[:K]
    factor = np.append(pop / est, 0.0)
    new = np.where(live, w * factor[ci], 0.0)
    details = {"by": by_, "cells": K}
    if is_replicate(design):
        A = design.replicate_weights()
        S = group_sum(ci, A, K + 1)[:K]
        with np.errstate(divide="ignore", invalid="ignore"):
            F = np.where(S > 0, pop[:, None] / S, 0.0)
        F = np.vstack([F, np.zeros((1, A.shape[1]))])
        out = design.with_weights(new, replicate_weights=A * F[ci])
        reps = design.replicates
    else:
        out = with_steps(design, new, PostStratification(cell, w, K, new))
        reps = 0
    diag = weight_summary("poststratify", w, new, replicates=reps, details=details)
    return attach(out, diag, history=design)
