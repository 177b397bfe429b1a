"""Calibration to known totals (GREG and generalised raking), as R's ``calibrate``.

``g``-weights solve ``sum_i w_i g_i x_i = T`` with ``g_i = 1 + F(x_i' eta)``: ``"linear"``
(GREG, ``F(u) = u``, with optional bounds by truncation), ``"raking"`` (``exp(u) - 1``) and
``"logit"`` (bounded between ``bounds``), by Newton steps with step halving as R's ``grake``.
On a replicate design every replicate is calibrated with its own weights, all columns solved
together (a batch of small ``p x p`` systems per step, no loop over replicates). The variance of
a Taylor design replaces influence values by their residuals from the weighted regression on
the calibration variables, with the weights before calibration (R's ``greg_calibration``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import InputError
from ._chain import with_steps
from ._margins import check_grand_totals, is_replicate, label, level_index, parse_margin
from .diagnostics import attach, weight_summary

__all__ = ["calibrate", "Greg", "model_matrix", "CALFUNS"]

CALFUNS = ("linear", "raking", "logit")


class Greg:
    """Calibration record: ``adjust(z) = z - X b`` with ``b`` the regression of ``z`` on the
    calibration variables ``X`` weighted by the weights before calibration.

    Examples
    --------
    >>> X = np.column_stack([np.ones(4), [1.0, 2.0, 3.0, 4.0]])
    >>> g = Greg(X, np.ones(4))
    >>> np.abs(g.adjust(np.array([[2.0], [4.0], [6.0], [8.0]]))).max() < 1e-12
    np.True_
    """

    def __init__(self, X: np.ndarray, old_weights: np.ndarray, new_weights=None):
        w = np.where(old_weights > 0, old_weights, 0.0)
        XtW = X.T * w
        self.X = X
        self.P = np.linalg.pinv(XtW @ X) @ XtW  # (p, n)
        wn = w if new_weights is None else np.asarray(new_weights, dtype=float)
        self.wn = wn
        self.inv = np.where(wn > 0, 1.0 / np.where(wn > 0, wn, 1.0), 0.0)

    def adjust(self, z: np.ndarray) -> np.ndarray:
        return z - self.X @ (self.P @ z)

    def adjust_x(self, x: np.ndarray) -> np.ndarray:
        """R's ``qr.resid(qr(X sqrt(w0)), x / (g sqrt(w0))) * g sqrt(w0)`` on weighted ``x``."""
        return x - self.wn[:, None] * (self.X @ (self.P @ (x * self.inv[:, None])))


def model_matrix(
    data: pd.DataFrame, totals: Mapping, live: np.ndarray, population_size: float | None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Calibration model matrix, its population totals and column names.

    The first categorical auxiliary enters with one indicator per level (they span the
    intercept); later ones drop their first level; numeric auxiliaries enter as they are. With
    no categorical auxiliary, ``population_size`` adds an intercept.
    """
    cols, tots, names = [], [], []
    grand: dict[str, float] = {}
    if population_size is not None:
        grand["population_size"] = float(population_size)
    first = True
    for col, spec in totals.items():
        if isinstance(spec, Mapping | pd.Series | pd.DataFrame):
            levels, t = parse_margin(col, spec)
            grand[col] = float(t.sum())
            code = level_index(data, col, levels, live, "totals")
            start = 0 if first else 1
            for k in range(start, len(levels)):
                cols.append((code == k).astype(float))
                tots.append(t[k])
                names.append(f"{col}={levels[k]}")
            first = False
        else:
            try:
                total = float(spec)
            except (TypeError, ValueError):
                raise InputError.one(
                    f"the total of {col!r} must be a number or a {{level: total}} mapping",
                    "give a numeric column's population total, or a categorical column's "
                    "counts by level",
                    column=col,
                    value=label(spec),
                ) from None
            if col not in data.columns:
                raise InputError.one(
                    "calibration column not in the design's data", "check totals", column=col
                )
            x = pd.to_numeric(data[col], errors="coerce").to_numpy(dtype=float)
            if (live & ~np.isfinite(x)).any():
                raise InputError.one(
                    f"rows in the sample have a missing or non-numeric {col}",
                    f"fill in {col} for every respondent (numeric) or pass its totals by level",
                    column=col,
                )
            cols.append(np.where(live, x, 0.0))
            tots.append(total)
            names.append(col)
    if first:
        if population_size is None:
            log_names = ", ".join(names)
            raise InputError.one(
                f"no categorical auxiliary and no population_size: the calibration on "
                f"{log_names} would not fix the weight total",
                "pass population_size=N (or a categorical auxiliary's counts)",
            )
        cols.insert(0, np.ones(len(data)))
        tots.insert(0, float(population_size))
        names.insert(0, "(total)")
    if len(grand) > 1:
        check_grand_totals(grand)
    X = np.column_stack(cols)
    X[~live] = 0.0
    return X, np.asarray(tots, dtype=float), names


def _calfun(method: str, lower: float, upper: float):
    if method == "linear":

        def F(u):
            return np.clip(u + 1.0, lower, upper) - 1.0

        def dF(u):
            return ((u < upper - 1) & (u > lower - 1)).astype(float)

    elif method == "raking":

        def F(u):
            with np.errstate(over="ignore"):
                return np.clip(np.exp(u), lower, upper) - 1.0

        def dF(u):
            with np.errstate(over="ignore"):
                return np.where((u < upper - 1) & (u > lower - 1), np.exp(u), 0.0)

    else:
        A = (upper - lower) / ((upper - 1.0) * (1.0 - lower))

        def F(u):
            with np.errstate(over="ignore", invalid="ignore"):
                e = np.exp(A * u)
                return (lower * (upper - 1) + upper * (1 - lower) * e) / (
                    upper - 1 + (1 - lower) * e
                ) - 1.0

        def dF(u):
            with np.errstate(over="ignore", invalid="ignore"):
                e = np.exp(A * u)
                den = upper - 1 + (1 - lower) * e
                return (
                    upper * (1 - lower) * e * A / den
                    - ((lower * (upper - 1) + upper * (1 - lower) * e) * ((1 - lower) * e * A))
                    / den**2
                )

    return F, dF


def solve_g(
    X: np.ndarray,
    W: np.ndarray,
    T: np.ndarray,
    method: str,
    lower: float,
    upper: float,
    maxit: int,
    epsilon: float,
) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """g-weights for every column of ``W`` (n, C) at once, as R's ``grake``.

    Returns ``g`` (n, C), per-column convergence, Newton steps done, and the final misfit.
    """
    F, dF = _calfun(method, lower, upper)
    n, C = W.shape
    p = X.shape[1]
    eta = np.zeros((p, C))
    tot = X.T @ W  # (p, C)
    tol = epsilon * (1.0 + np.abs(T))[:, None]
    done = np.zeros(C, dtype=bool)
    it = 1
    u = X @ eta
    while True:
        d = dF(u)
        Tm = np.einsum("ic,ij,ik->cjk", W * d, X, X)
        misfit = T[:, None] - tot - X.T @ (W * F(u))
        step = np.einsum(
            "cjk,kc->jc",
            np.linalg.pinv(Tm, rcond=256 * np.finfo(float).eps, hermitian=True),
            misfit,
        )
        step[:, done] = 0.0
        eta = eta + step
        u = X @ eta
        g = 1.0 + F(u)
        halve = 0
        bad = ~(np.isfinite(g).all(axis=0) & np.isfinite(dF(u)).all(axis=0))
        while bad.any() and it + halve < maxit:
            step[:, ~bad] = 0.0
            step = step / 2
            eta = eta - step
            u = X @ eta
            g = 1.0 + F(u)
            bad = ~(np.isfinite(g).all(axis=0) & np.isfinite(dF(u)).all(axis=0))
            halve += 1
        it += halve
        misfit = T[:, None] - tot - X.T @ (W * F(u))
        done = (np.abs(misfit) < tol).all(axis=0)
        if done.all():
            return g, done, it, misfit
        it += 1
        if it > maxit:
            return g, done, it - 1, misfit


def calibrate(
    design,
    totals: Mapping,
    method: str = "linear",
    bounds: tuple[float, float] | None = None,
    population_size: float | None = None,
    maxit: int = 50,
    epsilon: float = 1e-7,
):
    """Calibrate a design to known population totals (R's ``calibrate``).

    Parameters
    ----------
    design : Design or ReplicateDesign
        Rows with a zero weight stay at zero and are not counted.
    totals : mapping
        ``{column: {level: total}}`` for a categorical auxiliary and ``{column: total}`` for a
        numeric one, e.g. ``{"stype": {"E": 4421, "H": 755, "M": 1018}, "api99": 3914069}``.
        Categorical auxiliaries must share one grand total.
    method : {"linear", "raking", "logit"}
        The calibration function: GREG, exponential (raking) or bounded logit.
    bounds : (float, float), optional
        ``(low, high)`` bounds on ``g = new / old`` weight (required for ``"logit"``).
    population_size : float, optional
        The population count, when no categorical auxiliary fixes it.
    maxit : int
        Most Newton steps (R's default 50).
    epsilon : float
        Convergence: every ``|misfit| / (1 + |total|)`` below this (R's default 1e-7).

    Returns
    -------
    Design or ReplicateDesign
        Calibrated weights, the regression residuals recorded for the variance (Taylor) or
        every replicate calibrated on its own (replicate designs), and ``diagnostics``.

    Raises
    ------
    InputError
        Unknown method; bounds missing for logit or not around 1; totals whose grand totals
        disagree; a level absent from the sample or from the totals; a calibration that does
        not converge within the bounds.

    Examples
    --------
    >>> from govsurvey.design import Design
    >>> df = pd.DataFrame({"g": ["a", "a", "b", "b"], "x": [1.0, 2.0, 3.0, 5.0]})
    >>> d = calibrate(Design(df, weights=None), {"g": {"a": 10, "b": 10}, "x": 50})
    >>> d.total("x")["estimate"].round(6).tolist(), d.diagnostics.converged
    ([50.0], True)
    """
    if method not in CALFUNS:
        raise InputError.one(
            "unknown calibration method", f"use one of {', '.join(CALFUNS)}", value=method
        )
    lower, upper = (-np.inf, np.inf) if bounds is None else (float(bounds[0]), float(bounds[1]))
    if method == "logit" and not (np.isfinite(lower) and np.isfinite(upper)):
        raise InputError.one(
            "logit calibration needs finite bounds", "pass bounds=(low, high), e.g. (0.5, 2.0)"
        )
    if not lower < 1 < upper:
        raise InputError.one(
            f"bounds must enclose 1 (the weights unchanged), got ({lower:g}, {upper:g})",
            "pass bounds=(low, high) with low < 1 < high",
            value=bounds,
        )
    if not isinstance(totals, Mapping) or not totals:
        raise InputError.one(
            "totals must map each auxiliary to its population total(s)",
            'pass e.g. {"stype": {"E": 4421, "H": 755, "M": 1018}, "api99": 3914069}',
        )
    w = np.asarray(design.weight_values, dtype=float)
    live = w > 0
    X, T, names = model_matrix(design.data, totals, live, population_size)
    rep = is_replicate(design)
    W = np.column_stack([w, design.replicate_weights()]) if rep else w[:, None]
    G, done, steps, misfit = solve_g(X, W, T, method, lower, upper, maxit, epsilon)
    if not done.all():
        rel = np.abs(misfit) / (1 + np.abs(T))[:, None]
        j = int(np.argmax(rel.max(axis=1)))
        which = "the full-sample weights" if not done[0] else (f"{int((~done).sum())} replicate(s)")
        raise InputError.one(
            f"calibration ({method}, bounds {bounds}) did not converge for {which} in {maxit} "
            f"steps: the total of {names[j]} is missed by {rel.max():.3g} (relative) — no "
            "weights produced",
            "widen the bounds, collapse small levels, drop an auxiliary, or check that the "
            "totals come from the same population as the sample",
            value=names[j],
        )
    new = np.where(live, w * G[:, 0], 0.0)
    if (G[live] < 0).any():
        k = int((G[live] < 0).sum())
        raise InputError.one(
            f"linear calibration gives {k} negative weight(s) (no weights produced)",
            "pass bounds=(low, high) with low > 0, or use method='raking' or 'logit', which "
            "keep weights positive",
            value=float(G[live].min()),
        )
    if rep:
        out = design.with_weights(new, replicate_weights=W[:, 1:] * G[:, 1:])
    else:
        out = with_steps(design, new, Greg(X, w, new))
    diag = weight_summary(
        f"calibrate/{method}",
        w,
        new,
        converged=True,
        iterations=steps,
        max_misfit=float((np.abs(misfit[:, 0]) / (1 + np.abs(T))).max()),
        replicates=design.replicates if rep else 0,
        details={"auxiliaries": names, "bounds": bounds},
    )
    return attach(out, diag, history=design)
