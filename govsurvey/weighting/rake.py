"""Raking (iterative proportional fitting) to known margins, vectorised over replicates.

Each sweep post-stratifies to every margin in turn. On a replicate design the full-sample and
every replicate weight column are raked together as one ``(n, 1 + R)`` matrix: a sweep is one
grouped sum and one multiplication per margin, never a loop over replicates. The number of
sweeps, the stopping rule (largest change of the joint weighted table of the margin variables
below ``epsilon``; ``epsilon < 1`` is relative to the weight total) and the variance (ten
sweeps of post-stratum residuals over the margins, with each margin's weights of the last
sweep) are those of R's ``rake``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..errors import InputError
from ._margins import Indicator, check_grand_totals, is_replicate, level_index, parse_margin
from .diagnostics import attach, weight_summary

__all__ = ["rake", "Raking", "ipf"]


class Raking:
    """Calibration record of a raking: ``adjust(z)`` as R's ``svyrecvar`` for ``"raking"``.

    ``x = z * w`` (``w`` the weights the raking produced) is swept ten times over the margins,
    ``x <- x - psw * ave(x / psw, margin)`` with ``psw`` each margin's weights of the last sweep
    and ``ave`` the unweighted mean over the rows in the sample; the result is ``x / w``.
    """

    def __init__(self, codes: list[np.ndarray], sizes: list[int], psw: list[np.ndarray]):
        self.live = codes[0] >= 0
        pairs = list(zip(codes, sizes, strict=True))
        self.codes = [np.where(self.live, c, k) for c, k in pairs]
        self.psw = [np.where(self.live, p, 0.0) for p in psw]
        self.inv = [np.where(p > 0, 1.0 / np.where(p > 0, p, 1.0), 0.0) for p in self.psw]
        self.ind = [Indicator(np.where(self.live, c, -1), k) for c, k in pairs]
        self.counts = [np.maximum(np.bincount(c[self.live], minlength=k), 1) for c, k in pairs]

    def adjust(self, z: np.ndarray) -> np.ndarray:
        x = z * self.psw[-1][:, None]
        parts = list(zip(self.codes, self.ind, self.psw, self.inv, self.counts, strict=True))
        for _ in range(10):
            for code, ind, psw, inv, cnt in parts:
                m = ind.sum(x * inv[:, None]) / cnt[:, None]
                m = np.vstack([m, np.zeros((1, m.shape[1]))])
                x = x - psw[:, None] * m[code]
        return x * self.inv[-1][:, None]


def ipf(
    W: np.ndarray,
    codes: list[np.ndarray],
    targets: list[np.ndarray],
    joint: np.ndarray,
    epsilon: float,
    maxit: int,
) -> tuple[np.ndarray, bool, int, list[np.ndarray]]:
    """Rake the columns of ``W`` (n, C) to the margins; convergence judged on column 0.

    Returns the raked matrix, whether it converged, the sweeps done, and column 0's weights
    after each margin in the last sweep.
    """
    n = W.shape[0]
    live = codes[0] >= 0
    J = int(joint.max()) + 2 if n else 1
    ji = np.where(live, joint, J - 1)
    old = np.bincount(ji, weights=W[:, 0], minlength=J)[: J - 1]
    W = W.copy()
    parts = [
        (Indicator(np.where(live, c, -1), len(t)), np.where(live, c, len(t)), t)
        for c, t in zip(codes, targets, strict=True)
    ]
    it, converged, last = 0, False, []
    while it < maxit:
        last = []
        for ind, ci, target in parts:
            S = ind.sum(W)
            with np.errstate(divide="ignore", invalid="ignore"):
                F = np.where(S > 0, target[:, None] / S, 0.0)
            W *= np.vstack([F, np.zeros((1, W.shape[1]))])[ci]
            last.append(W[:, 0].copy())
        new = np.bincount(ji, weights=W[:, 0], minlength=J)[: J - 1]
        if np.max(np.abs(new - old)) < epsilon:
            converged = True
            break
        old = new
        it += 1
    return W, converged, it + 1 if converged else it, last


def rake(design, margins: Mapping, epsilon: float = 1e-8, maxit: int = 200):
    """Rake a design's weights to population margins (iterative proportional fitting).

    Parameters
    ----------
    design : Design or ReplicateDesign
        Rows with a zero weight stay at zero and are not counted.
    margins : mapping
        ``{column: {level: total}}`` (or ``{column: pandas.Series}``); every margin must sum to
        the same grand total.
    epsilon : float
        Stop when no cell of the joint weighted table of the margin variables changes by more
        than this in a sweep; below 1 it is relative to the weight total (R's
        ``control$epsilon``; R's default is 1 with ``maxit=10``).
    maxit : int
        Most sweeps.

    Returns
    -------
    Design or ReplicateDesign
        Raked weights, the raking recorded for the variance (Taylor) or every replicate raked
        in the same sweeps (replicate designs), and ``diagnostics``.

    Raises
    ------
    InputError
        Margins whose grand totals disagree; a margin level with no respondent; a sample level
        missing from a margin; no convergence within ``maxit`` sweeps.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.design import Design
    >>> df = pd.DataFrame({"sex": ["m", "m", "f", "f"], "age": ["y", "o", "y", "o"],
    ...                    "y": [1.0, 2.0, 3.0, 4.0]})
    >>> d = rake(Design(df, weights=None), {"sex": {"m": 40, "f": 60}, "age": {"y": 50, "o": 50}})
    >>> d.weight_values.round(3).tolist(), d.diagnostics.converged
    ([20.0, 20.0, 30.0, 30.0], True)
    """
    if not isinstance(margins, Mapping) or not margins:
        raise InputError.one(
            "margins must map each column to its {level: total}",
            'pass e.g. {"sex": {"male": 340000, "female": 360000}, "district": {...}}',
        )
    w = np.asarray(design.weight_values, dtype=float)
    live = w > 0
    cols = list(margins)
    parsed = [parse_margin(c, margins[c]) for c in cols]
    check_grand_totals({c: float(t.sum()) for c, (_l, t) in zip(cols, parsed, strict=True)})
    codes = [
        level_index(design.data, c, lv, live, "margin")
        for c, (lv, _t) in zip(cols, parsed, strict=True)
    ]
    targets = [t for _l, t in parsed]
    joint = np.zeros(len(w), dtype=np.int64)
    for code, (lv, _t) in zip(codes, parsed, strict=True):
        joint = joint * len(lv) + np.maximum(code, 0)
    _, joint = np.unique(joint, return_inverse=True)
    joint = np.where(live, joint, -1)
    eps = epsilon * w.sum() if epsilon < 1 else epsilon
    rep = is_replicate(design)
    W = np.column_stack([w, design.replicate_weights()]) if rep else w[:, None]
    W, converged, sweeps, last = ipf(W, codes, targets, joint, eps, maxit)
    if not converged:
        raise InputError.one(
            f"raking did not converge in {maxit} sweeps (no weights produced)",
            "some margins cannot be met together: check that they describe the same "
            "population, collapse sparse levels, or raise maxit",
            value=maxit,
        )
    new = W[:, 0]
    misfit = max(
        float(
            np.max(
                np.abs(np.bincount(c[live], weights=new[live], minlength=len(t)) - t)
                / (1 + np.abs(t))
            )
        )
        for c, t in zip(codes, targets, strict=True)
    )
    if rep:
        out = design.with_weights(new, replicate_weights=W[:, 1:])
    else:
        out = design.with_weights(new, calibration=Raking(codes, [len(t) for t in targets], last))
    diag = weight_summary(
        "rake",
        w,
        new,
        converged=converged,
        iterations=sweeps,
        max_misfit=misfit,
        replicates=design.replicates if rep else 0,
        details={"margins": cols},
    )
    return attach(out, diag)
