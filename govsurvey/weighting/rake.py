"""Raking (iterative proportional fitting) to known margins, vectorised over replicates.

Each sweep post-stratifies to every margin in turn. On a replicate design the full-sample and
every replicate weight column are raked together as one ``(n, 1 + R)`` matrix: a sweep is one
grouped sum and one multiplication per margin, never a loop over replicates. The number of
sweeps, the stopping rule (largest change of the joint weighted table of the margin variables
below ``epsilon``; ``epsilon < 1`` is relative to the weight total) and the variance (ten
sweeps of post-stratum residuals over the margins, with each margin's weights of the last
sweep) are those of R's ``rake``; on a replicate design the sweeps go on until every replicate
column has converged too.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np

from ..errors import InputError
from ._chain import with_steps
from ._margins import Indicator, check_grand_totals, is_replicate, level_index, parse_margin
from .diagnostics import attach, weight_summary

__all__ = ["rake", "Raking", "ipf", "margin_fit"]

logger = logging.getLogger(__name__)


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
        return self.adjust_x(z * self.psw[-1][:, None]) * self.inv[-1][:, None]

    def adjust_x(self, x: np.ndarray) -> np.ndarray:
        """R's ten sweeps on weighted values ``x``."""
        parts = list(zip(self.codes, self.ind, self.psw, self.inv, self.counts, strict=True))
        for _ in range(10):
            for code, ind, psw, inv, cnt in parts:
                m = ind.sum(x * inv[:, None]) / cnt[:, None]
                m = np.vstack([m, np.zeros((1, m.shape[1]))])
                x = x - psw[:, None] * m[code]
        return x


def _misfit(T: np.ndarray, sums: list[Indicator], targets: list[np.ndarray]) -> float:
    """Largest ``|total - target|`` over margins, levels and columns of ``T``."""
    return max(
        (
            float(np.max(np.abs(ind.sum(T) - t[:, None]), initial=0.0))
            for ind, t in zip(sums, targets, strict=True)
        ),
        default=0.0,
    )


def margin_fit(
    w: np.ndarray, codes: list[np.ndarray], targets: list[np.ndarray], levels: list, cols: list
) -> list[dict]:
    """Every (margin, level) with its target, the weighted total of ``w``, and the misfit.

    ``misfit`` is ``|achieved - target| / (1 + target)`` (as ``Diagnostics.max_misfit``);
    sorted worst first by ``|achieved - target|``.

    Examples
    --------
    >>> fit = margin_fit(np.array([1.0, 3.0]), [np.array([0, 1])], [np.array([2.0, 2.0])],
    ...                  [["a", "b"]], ["x"])
    >>> [(f["level"], f["target"], f["achieved"]) for f in fit]
    [('a', 2.0, 1.0), ('b', 2.0, 3.0)]
    """
    live = w > 0
    out = []
    for col, lv, code, t in zip(cols, levels, codes, targets, strict=True):
        got = np.bincount(code[live], weights=w[live], minlength=len(t))
        rel = np.abs(got - t) / (1.0 + np.abs(t))
        out += [
            {"margin": col, "level": str(lv[j]), "target": float(t[j]),
             "achieved": float(got[j]), "misfit": float(rel[j])}
            for j in range(len(t))
        ]  # fmt: skip
    return sorted(out, key=lambda f: -abs(f["achieved"] - f["target"]))


def ipf(
    w: np.ndarray,
    A: np.ndarray | None,
    codes: list[np.ndarray],
    targets: list[np.ndarray],
    joint: np.ndarray,
    epsilon: float,
    maxit: int,
    tol: float = np.inf,
) -> tuple[np.ndarray, np.ndarray | None, bool, int, list[np.ndarray]]:
    """Rake ``w`` (n,) and the replicate columns ``A`` (n, R) to the margins.

    Rows in the same joint cell of the margin variables always get the same factor, so the
    sweeps run on the (cells, 1 + R) table of weighted cell totals — as small as the
    cross-table — and the rows are scaled once at the end. Sweeps continue until no cell of
    any column (full sample or replicate) moves by ``epsilon`` (R judges the full-sample column
    only, which can stop a replicate short of its margins) and every margin level of every
    column is met within ``tol`` (``|total - target| <= tol``). Returns the raked ``w``
    and ``A``, whether it converged, the sweeps done, and the full-sample weights after each
    margin in the last sweep.
    """
    live = joint >= 0
    K = int(joint.max()) + 1 if live.any() else 0
    rows = np.flatnonzero(live)
    first = np.zeros(K, dtype=np.int64)
    first[joint[rows][::-1]] = rows[::-1]  # a representative row of each cell
    cells = Indicator(joint, K)
    T0 = cells.sum(w[:, None]) if A is None else np.hstack([cells.sum(w[:, None]), cells.sum(A)])
    cell_codes = [c[first] for c in codes]
    sums = [Indicator(cc, len(t)) for cc, t in zip(cell_codes, targets, strict=True)]
    T = T0.copy()
    old = T.copy()
    it, converged, steps = 0, False, []
    while it < maxit:
        steps = []
        for cc, ind, target in zip(cell_codes, sums, targets, strict=True):
            S = ind.sum(T)
            with np.errstate(divide="ignore", invalid="ignore"):
                F = np.where(S > 0, target[:, None] / S, 0.0)
            T *= F[cc]
            steps.append(T[:, 0].copy())
        # converged: the table no longer moves AND every margin of every column is met (a
        # table can stop moving while margins that cannot be met together stay missed)
        if np.max(np.abs(T - old), initial=0.0) < epsilon and _misfit(T, sums, targets) <= tol:
            converged = True
            break
        old = T.copy()
        it += 1
    with np.errstate(divide="ignore", invalid="ignore"):
        G = np.where(T0 > 0, T / T0, 0.0)
    G = np.vstack([G, np.zeros((1, G.shape[1]))])
    ji = np.where(live, joint, K)
    w_new = w * G[ji, 0]
    A_new = None if A is None else A * G[ji, 1:]
    g0 = np.append(np.where(T0[:, 0] > 0, 1.0 / np.where(T0[:, 0] > 0, T0[:, 0], 1.0), 0.0), 0)
    last = [] if A is not None else [w * (np.append(t, 0.0) * g0)[ji] for t in steps]
    return w_new, A_new, converged, it + 1 if converged else it, last


def rake(
    design,
    margins: Mapping,
    epsilon: float = 1e-8,
    maxit: int = 200,
    tolerance: float | None = None,
    on_failure: str = "error",
):
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
    tolerance : float, optional
        Converged means every margin met: for every margin level (and, on a replicate design,
        every replicate column) ``|weighted total - target| <= tolerance`` (below 1: relative
        to the weight total, as ``epsilon``; by default ``epsilon`` itself), and the table no
        longer moving by ``epsilon``. Margins that cannot all be met with this sample (a cell
        empty in the sample where the population has units, margins that contradict each
        other) never converge, however still the weights become.
    on_failure : {"error", "keep"}
        When the margins are not met within ``maxit`` sweeps: ``"error"`` raises an
        :class:`~govsurvey.errors.InputError` naming the worst margin level, its target and its
        achieved total; ``"keep"`` returns the weights of the last sweep with
        ``diagnostics.converged`` false and ``diagnostics.details["unmet"]`` listing every
        margin level missed by more than ``tolerance`` (margin, level, target, achieved and
        misfit ``|achieved - target| / (1 + target)``), and logs a warning.

    Returns
    -------
    Design or ReplicateDesign
        Raked weights, the raking recorded for the variance (Taylor) or every replicate raked
        in the same sweeps (replicate designs), and ``diagnostics`` (``details["unmet"]`` is
        empty when converged).

    Raises
    ------
    InputError
        Margins whose grand totals disagree; a margin level with no respondent; a sample level
        missing from a margin; margins not met within ``maxit`` sweeps (``on_failure="error"``).

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
    if on_failure not in ("error", "keep"):
        raise InputError.one(
            "on_failure must be 'error' or 'keep'",
            "use 'error' to stop, 'keep' to keep the last sweep's weights flagged unconverged",
            value=on_failure,
        )
    if tolerance is not None and not (np.isfinite(tolerance) and tolerance > 0):
        raise InputError.one(
            "the raking tolerance must be a positive number",
            "pass e.g. tolerance=1e-6",
            value=tolerance,
        )
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
    A = design.replicate_weights() if rep else None
    tol = eps if tolerance is None else tolerance * w.sum() if tolerance < 1 else tolerance
    new, A, converged, sweeps, last = ipf(w, A, codes, targets, joint, eps, maxit, tol)
    fit = margin_fit(new, codes, targets, [lv for lv, _t in parsed], cols)
    misfit = max((f["misfit"] for f in fit), default=0.0)
    unmet = [f for f in fit if abs(f["achieved"] - f["target"]) > tol]
    if not converged:
        worst = fit[0]
        where = f"{worst['margin']}={worst['level']}"
        if unmet:
            rel = worst["achieved"] / worst["target"] - 1 if worst["target"] else np.inf
            what = (
                f"raking did not meet its margins in {maxit} sweeps: {where} has the target "
                f"{worst['target']:,.1f} but the weights total {worst['achieved']:,.1f} "
                f"({rel:+.1%})"
                + (f"; {len(unmet) - 1} more margin level(s) missed" if len(unmet) > 1 else "")
            )
        else:
            what = (
                f"raking did not meet its margins in {maxit} sweeps in some replicate weight "
                "columns (the full-sample weights meet them)"
            )
        if on_failure == "error":
            raise InputError.one(
                what + " (no weights produced)",
                "the margins cannot all be met with this sample: a sample cell is empty where "
                "the population has units, or two margins contradict each other; collapse "
                "sparse levels, drop a margin, check that the margins describe the same "
                "population, or raise maxit",
                column=worst["margin"],
                value=worst["level"],
            )
        logger.warning("%s; the weights of the last sweep are kept, flagged unconverged", what)
    if rep:
        out = design.with_weights(new, replicate_weights=A)
    else:
        out = with_steps(design, new, Raking(codes, [len(t) for t in targets], last))
    diag = weight_summary(
        "rake",
        w,
        new,
        converged=converged,
        iterations=sweeps,
        max_misfit=misfit,
        replicates=design.replicates if rep else 0,
        details={"margins": cols, "tolerance": tol, "unmet": unmet},
    )
    return attach(out, diag, history=design)
