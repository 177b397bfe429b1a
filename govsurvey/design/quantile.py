"""Quantiles with Woodruff confidence intervals, as R's ``svyquantile`` (survey 4.x).

The quantile of order ``p`` is R's ``qrule="math"``: the smallest value whose weighted share of
the (domain's) rows with a value reaches ``p`` — the inverse of the weighted distribution
function. Its interval is Woodruff's (R's ``interval.type="mean"``): the design-based t interval
``[p_lo, p_hi]`` of the proportion of rows at or below the quantile (a domain mean through the
one variance engine, so any design, stage, fpc, domain or replicate scheme applies), mapped back
through the same quantile rule; the SE is the interval's length over ``2 t``, as R reports it.
Everything is vectorised over domains and quantiles: one sort by (domain, value), one cumulative
weight, one ranking of the targets among the rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..results import domain_name, t_quantile
from .engine import check_columns, numeric_column

__all__ = ["quantile", "QUANTILE_COLUMNS"]

#: Columns of a quantile result (after the domain columns).
QUANTILE_COLUMNS = ["variable", "quantile", "estimate", "se", "ci_low", "ci_high", "df", "n"]


class _Sorted:
    """The rows with a value, sorted by (domain, value), with each domain's cumulative weights.

    Cumulative weights and totals are accumulated in extended precision and rounded once, as
    R's ``cumsum`` and ``sum`` do, so that a share exactly at ``p`` is judged as R judges it.
    """

    def __init__(self, x: np.ndarray, w: np.ndarray, g: np.ndarray, G: int):
        use = np.isfinite(x) & (w > 0) & (g >= 0)
        idx = np.flatnonzero(use)
        order = idx[np.lexsort((x[idx], g[idx]))]
        self.x = x[order]
        self.g = g[order]
        self.count = np.bincount(self.g, minlength=G)
        self.end = np.cumsum(self.count)
        self.start = self.end - self.count
        run = np.cumsum(w[order].astype(np.longdouble))
        before = np.concatenate([[np.longdouble(0)], run])[self.start]  # (G,)
        self.cum = (run - before[self.g]).astype(float)  # restarts in each domain
        last = np.maximum(self.end - 1, 0)
        self.total = np.where(self.count > 0, (run[last] if len(run) else 0) - before, 0).astype(
            float
        )
        self.distinct = np.zeros(G, dtype=bool)
        if len(self.x):
            first = self.x[np.minimum(self.start, len(self.x) - 1)]
            differs = self.x != first[self.g]
            self.distinct = np.bincount(self.g, weights=differs, minlength=G) > 0

    def rule(self, p: np.ndarray) -> np.ndarray:
        """R's ``qrule_math`` for probabilities ``p`` of shape ``(G, Q)`` (NaN for a domain
        without values or a ``p`` outside [0, 1]).

        R's ``qs``: ``pos`` is the last row whose cumulative weight is at most ``p W`` (the
        first row when there is none); the quantile is that row's value when ``p - cum/W`` is
        exactly 0, else the next row's. The rows of every domain and the targets are ranked
        together by one ``lexsort`` (no loop over domains).
        """
        p = np.asarray(p, dtype=float)
        G, Q = p.shape
        out = np.full((G, Q), np.nan)
        ok = (self.count[:, None] > 0) & np.isfinite(p) & (p >= 0) & (p <= 1)
        if not ok.any():
            return out
        tg = np.repeat(np.arange(G), Q)[ok.ravel()]
        pv = p.ravel()[ok.ravel()]
        target = pv * self.total[tg]
        nrow = len(self.x)
        g_all = np.concatenate([self.g, tg])
        v_all = np.concatenate([self.cum, target])
        kind = np.concatenate([np.zeros(nrow, np.int8), np.ones(len(tg), np.int8)])
        order = np.lexsort((kind, v_all, g_all))  # rows before targets at equal values
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        targets_before = np.cumsum(kind[order])[rank[nrow:]] - 1
        rows_up_to = rank[nrow:] - targets_before  # rows sorted before the target
        pos = np.maximum(rows_up_to - self.start[tg], 1) - 1 + self.start[tg]
        exact = pv - self.cum[pos] / self.total[tg] == 0
        pick = np.where(exact, pos, np.minimum(pos + 1, self.end[tg] - 1))
        out[ok] = self.x[pick]
        return out


def quantile(
    design,
    variable: str,
    quantiles: Sequence[float] = (0.25, 0.5, 0.75),
    by=None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Design-based quantiles with Woodruff intervals (R's ``svyquantile``, ``qrule="math"``,
    ``interval.type="mean"``).

    Parameters
    ----------
    design : Design or ReplicateDesign
        Taylor designs use the linearisation variance of the proportion below the quantile,
        replicate designs its replicate variance (both as R).
    variable : str
        A numeric column; missing values are left out (R's ``na.rm=TRUE``: a domain).
    quantiles : sequence of float
        Orders in [0, 1].
    by : str or list of str, optional
        Domain columns (as ``svyby`` on ``subset(design, domain)``).
    level : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``[*by, "variable", "quantile", "estimate", "se", "ci_low", "ci_high", "df", "n"]``,
        one row per (domain, quantile); ``se`` is the interval's length over ``2 t`` (R's).
        An end of the interval is NaN when the proportion's interval leaves [0, 1] (as R). A
        domain whose variable takes a single value gets that value with SE 0 and a
        zero-length interval, and ``attrs["notes"]`` says so; a domain without values gets NaN
        and a note.

    Raises
    ------
    InputError
        A column that is not numeric or not in the data; an order outside [0, 1].

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.design import Design
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], "p": range(8)})
    >>> q = quantile(Design(df, psu="p"), "y", [0.5])
    >>> q[["quantile", "estimate"]].values.tolist()
    [[0.5, 4.0]]
    """
    check_columns(design.data, [variable], "quantile variable")
    probs = np.atleast_1d(np.asarray(quantiles, dtype=float))
    if probs.ndim != 1 or not len(probs) or not ((probs >= 0) & (probs <= 1)).all():
        raise InputError.one(
            "quantiles must be orders between 0 and 1",
            "pass e.g. quantiles=[0.25, 0.5, 0.75]",
            value=list(np.atleast_1d(quantiles)),
        )
    x = numeric_column(design.data, variable, "quantile variable")
    dom = design._domains(by)
    w = np.asarray(design.weight_values, dtype=float)
    srt = _Sorted(x, w, dom.g, dom.G)
    Q = len(probs)
    qhat = srt.rule(np.broadcast_to(probs, (dom.G, Q)))
    # Woodruff: the proportion of the domain's rows with a value at or below its quantile
    gi = np.where(dom.g >= 0, dom.g, 0)
    below = (x[:, None] <= qhat[gi]).astype(float)
    below[~np.isfinite(x)] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):  # a one-value domain: deff 0/0
        est, var, df, n, _ = design._mean_chunk(below, dom)
    se_p = np.sqrt(var)
    t = t_quantile(df, level)
    lo = srt.rule(np.where(est - t * se_p < 0, np.nan, est - t * se_p))
    hi = srt.rule(np.where(est + t * se_p > 1, np.nan, est + t * se_p))
    single = (srt.count > 0) & ~srt.distinct
    lo[single], hi[single] = qhat[single], qhat[single]
    se = (hi - lo) / (2.0 * t)
    doms = dom.table.reset_index(drop=True)
    doms = doms.rename(columns={c: domain_name(c) for c in doms.columns})
    out = doms.loc[np.repeat(np.arange(dom.G), Q)].reset_index(drop=True)
    out["variable"] = variable
    out["quantile"] = np.tile(probs, dom.G)
    out["estimate"] = qhat.ravel()
    out["se"] = se.ravel()
    out["ci_low"] = lo.ravel()
    out["ci_high"] = hi.ravel()
    out["df"] = np.asarray(df, dtype=float).reshape(dom.G, -1)[:, :1].repeat(Q, axis=1).ravel()
    out["n"] = np.repeat(srt.count, Q).astype(np.int64)
    by_cols = list(doms.columns)
    notes = []
    for k in np.flatnonzero(single | (srt.count == 0)):  # messages only: few domains
        where = (
            " in " + ", ".join(f"{c}={v}" for c, v in zip(by_cols, doms.iloc[k], strict=True))
            if by_cols
            else ""
        )
        if srt.count[k] == 0:
            notes.append(f"{variable} has no value{where}: its quantiles are not estimated")
        else:
            notes.append(
                f"{variable} takes the single value {qhat[k, 0]:g}{where}: every quantile is "
                "that value, with no sampling variability (SE 0)"
            )
    out.attrs.update(level=float(level), method=design.variance_method, notes=notes)
    return out
