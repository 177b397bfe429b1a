"""Allocation of a sample over strata, and quota plans as provincial practice writes them."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from govsurvey.errors import InputError

from ._checks import per_key, positive, size_measure

__all__ = ["allocate", "quota", "METHODS"]

#: allocation methods: the measure each stratum's share is proportional to
METHODS = ("proportional", "equal", "neyman", "power")


def _as_series(sizes: Mapping | pd.Series, what: str) -> pd.Series:
    s = sizes if isinstance(sizes, pd.Series) else pd.Series(dict(sizes), dtype=object)
    if s.empty:
        raise InputError.one(f"no strata given in {what}", "give a mapping stratum -> size")
    return s


def _bounded_shares(measure: np.ndarray, n: float, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Continuous ``x = clip(lam * measure, lo, hi)`` with ``sum(x) = n`` (exact, no iteration).

    ``f(lam) = sum clip(lam m, lo, hi)`` is piecewise linear and non-decreasing; it is evaluated
    at every breakpoint ``lo/m``, ``hi/m`` at once and interpolated in the bracketing interval.
    """
    pos = measure > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        bps = np.concatenate([lo[pos] / measure[pos], hi[pos] / measure[pos], [0.0]])
    bps = np.unique(bps[np.isfinite(bps)])
    f = np.clip(bps[:, None] * measure[None, :], lo, hi).sum(axis=1)
    j = int(np.searchsorted(f, n, side="left"))
    if j == 0:
        lam = bps[0]
    elif j >= len(bps):
        lam = bps[-1]
    else:
        a, b = bps[j - 1], bps[j]
        lam = a + (b - a) * (n - f[j - 1]) / (f[j] - f[j - 1])
    return np.clip(lam * measure, lo, hi)


def _largest_remainder(x: np.ndarray, n: int, hi: np.ndarray) -> np.ndarray:
    """Integers summing to ``n``: floors, then one more to the largest remainders (Hamilton)."""
    x = np.round(x, 9)
    base = np.floor(x).astype(np.int64)
    rest = int(n - base.sum())
    frac = np.where(base < hi, x - base, -1.0)
    order = np.lexsort((np.arange(len(x)), -frac))  # ties: first stratum first
    base[order[:rest]] += 1
    return base


def allocate(
    sizes: Mapping[str, float] | pd.Series,
    n: int,
    method: str = "proportional",
    sd: Mapping[str, float] | pd.Series | None = None,
    power: float = 0.5,
    minimum: int | Mapping[str, int] | None = None,
    maximum: int | Mapping[str, int] | None = None,
) -> pd.Series:
    """Split ``n`` over strata: whole numbers that add to ``n``, within each stratum's bounds.

    Shares are proportional to ``N_h`` (``"proportional"``), 1 (``"equal"``), ``N_h S_h``
    (``"neyman"``) or ``N_h ** power`` (``"power"``, Bankier 1988: 0.5 balances the city-wide
    estimate against the districts'). Bounds: at least ``minimum`` and at most ``maximum`` per
    stratum, and never more than the stratum has. The bounded continuous allocation is exact
    (``clip(lam * share, min, max)`` summing to ``n``), then rounded by largest remainders.

    Parameters
    ----------
    sizes : mapping or Series
        Stratum -> population size ``N_h`` (units in the frame).
    n : int
        Total sample size.
    method : {"proportional", "equal", "neyman", "power"}
    sd : mapping or Series, optional
        Stratum -> standard deviation ``S_h`` (needed by ``"neyman"``; e.g. ``sqrt(p(1-p))``
        from a previous survey).
    power : float, default 0.5
        Exponent of the ``"power"`` allocation.
    minimum, maximum : int or mapping, optional
        Per-stratum bounds (one number for all strata, or a mapping).

    Returns
    -------
    Series
        Stratum -> sample size (int64), named ``"n"``, in the order of ``sizes``.

    Examples
    --------
    >>> from govsurvey.sampling import allocate
    >>> allocate({"A": 5000, "B": 3000, "C": 2000}, 100).tolist()
    [50, 30, 20]
    >>> allocate({"A": 5000, "B": 3000, "C": 200}, 100, minimum=15).tolist()
    [53, 32, 15]
    >>> allocate({"A": 100, "B": 100}, 10, method="neyman", sd={"A": 0.3, "B": 0.1}).tolist()
    [8, 2]
    """
    if method not in METHODS:
        raise InputError.one(
            f"unknown allocation method {method!r}",
            f"use one of {', '.join(METHODS)}",
            value=method,
        )
    s = _as_series(sizes, "sizes")
    keys = s.index
    N = size_measure(s.to_numpy(), "stratum size")
    nn = int(
        positive(
            n, "the total sample size n", "give a positive whole number of units", integer=True
        )
    )
    if method == "proportional":
        measure = N.copy()
    elif method == "equal":
        measure = np.ones(len(N))
    elif method == "power":
        p = float(power)
        if not np.isfinite(p) or p < 0:
            raise InputError.one(
                "the power of a power allocation must be 0 or more", "give e.g. 0.5", value=power
            )
        measure = N**p
    else:
        if sd is None:
            raise InputError.one(
                "a Neyman allocation needs each stratum's standard deviation",
                "give sd= as a mapping stratum -> SD (e.g. from a previous "
                "survey), or use method='proportional'",
            )
        S = per_key(sd, keys, "sd")
        if (~np.isfinite(S) | (S < 0)).any():
            raise InputError.one(
                "a standard deviation is missing or negative",
                "give every stratum an SD of 0 or more",
                value=sd,
            )
        measure = N * S
        if measure.sum() <= 0:
            raise InputError.one("every stratum's SD is zero", "give positive SDs")
    lo = per_key(minimum, keys, "minimum", default=0.0)
    hi = np.minimum(per_key(maximum, keys, "maximum", default=np.inf), N)
    for arr, what in ((lo, "minimum"), (hi, "maximum")):
        if (~np.isfinite(arr) & (arr != np.inf)).any() or (arr < 0).any():
            raise InputError.one(
                f"a {what} per stratum is missing or negative",
                f"give {what} as whole numbers of 0 or more",
            )
    lo = np.ceil(lo)
    hi = np.floor(hi)
    over = lo > hi
    if over.any():
        k = keys[int(np.argmax(over))]
        raise InputError.one(
            f"stratum {k!r} is asked for at least {int(lo[over][0])} units but has only "
            f"{int(hi[over][0])} (its size or maximum)",
            "lower the minimum for that stratum, or merge it with a neighbouring stratum",
            value=k,
        )
    if lo.sum() > nn:
        raise InputError.one(
            f"the minimums add to {int(lo.sum())}, more than the total sample of {nn}",
            "lower the minimum per stratum or raise the total sample size",
            value=int(lo.sum()),
        )
    if hi.sum() < nn:
        raise InputError.one(
            f"the strata can give at most {int(hi.sum())} units (sizes and maximums), "
            f"fewer than the total sample of {nn}",
            "lower the total sample size or raise the maximums",
            value=nn,
        )
    x = _bounded_shares(measure, float(nn), lo, hi)
    out = _largest_remainder(x, nn, hi)
    return pd.Series(out, index=keys, name="n", dtype=np.int64)


def quota(
    units: pd.DataFrame,
    kind: str,
    per: Mapping[str, int],
    size: str | None = None,
    unit: str | None = None,
) -> pd.DataFrame:
    """A quota plan as provincial plans write it: so many forms per commune, so many per ward.

    Parameters
    ----------
    units : DataFrame
        One row per unit (commune, ward, ...).
    kind : str
        Column holding each unit's type (e.g. ``"area"`` with ``urban``/``rural`` or a column
        with ``phuong``/``xa``).
    per : mapping
        Type -> forms per unit of that type (e.g. ``{"phuong": 200, "xa": 150}``).
    size : str, optional
        Column with the unit's frame size; a quota above it is cut to it (the unit is then
        taken completely) and the column ``capped`` says so.
    unit : str, optional
        Identifier column to keep in the result (by default every column of ``units`` is kept).

    Returns
    -------
    DataFrame
        ``units`` (or ``unit`` and ``kind``) with the column ``n`` (and ``capped`` when ``size``
        is given).

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.sampling import quota
    >>> u = pd.DataFrame({"ward": ["P1", "X1", "X2"], "type": ["phuong", "xa", "xa"],
    ...                   "N": [900, 120, 600]})
    >>> quota(u, "type", {"phuong": 200, "xa": 150}, size="N")["n"].tolist()
    [200, 120, 150]
    """
    cols = [kind] + ([size] if size else []) + ([unit] if unit else [])
    for c in cols:
        if c not in units.columns:
            raise InputError.one(
                f"the units have no column {c!r}", "name one of the table's columns", column=c
            )
    types = units[kind].astype(str)
    missing = sorted(set(types) - {str(k) for k in per})
    if missing:
        raise InputError.one(
            f"no quota for unit type {missing[0]!r}",
            f"give a quota for every type ({', '.join(sorted(set(types)))})",
            column=kind,
            value=missing[0],
        )
    q = types.map({str(k): v for k, v in per.items()}).to_numpy(float)
    if (~np.isfinite(q) | (q < 0) | (q != np.round(q))).any():
        raise InputError.one(
            "a quota is not a whole number of 0 or more",
            "give whole numbers of forms per unit",
            value=dict(per),
        )
    out = units[[unit, kind] if unit else list(units.columns)].copy()
    if size:
        cap = size_measure(units[size].to_numpy(), "unit size", column=size)
        out["n"] = np.minimum(q, cap).astype(np.int64)
        out["capped"] = q > cap
    else:
        out["n"] = q.astype(np.int64)
    return out
