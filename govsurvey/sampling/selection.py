"""Selecting units: SRS, systematic, and three without-replacement PPS methods.

The kernels draw many samples at once (a draws x units matrix of indicators), so the same code
serves one survey's draw and a Monte Carlo check of every unit's inclusion probability; loops
run over draw *steps* (at most the largest stratum's sample size), never over units, strata or
samples.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from govsurvey.errors import InputError

from ._checks import has_columns, size_measure
from .probabilities import inclusion_probabilities

__all__ = [
    "METHODS",
    "select",
    "sample_indicators",
    "stratum_codes",
    "rank_within",
    "systematic_positions",
    "srs_positions",
]

#: selection methods; the ``pps_`` ones need a size measure
METHODS = ("srs", "systematic", "pps_systematic", "pps_brewer", "pps_sampford")


# ------------------------------------------------------------------ small public kernels
def rank_within(keys: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Rank (0-based) of each unit's key within its group: an SRSWOR takes ranks below n.

    Parameters
    ----------
    keys : ndarray
        One uniform random key per unit.
    group : ndarray
        Integer group codes ``0..n_groups-1``.
    n_groups : int

    Returns
    -------
    ndarray of int64

    Examples
    --------
    >>> import numpy as np
    >>> from govsurvey.sampling import rank_within
    >>> rank_within(np.array([0.9, 0.1, 0.5, 0.3]), np.array([0, 0, 1, 1]), 2).tolist()
    [1, 0, 1, 0]
    """
    order = np.lexsort((keys, group))
    count = np.bincount(group, minlength=n_groups)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys)) - np.repeat(np.cumsum(count) - count, count)
    return rank


def systematic_positions(start: np.ndarray, size: np.ndarray, n: int) -> np.ndarray:
    """Positions of a systematic sample of ``n`` from each list of ``size`` with a fractional
    interval ``size / n`` and random starts ``start`` in ``[0, size / n)``.

    Parameters
    ----------
    start : ndarray
        One random start per list.
    size : ndarray
        List lengths.
    n : int
        Units per list.

    Returns
    -------
    ndarray
        ``(lists, n)`` positions (0-based), strictly increasing within each list.

    Examples
    --------
    >>> import numpy as np
    >>> from govsurvey.sampling import systematic_positions
    >>> systematic_positions(np.array([0.5]), np.array([10]), 4).tolist()
    [[0, 3, 5, 8]]
    """
    interval = size / n
    pos = np.floor(np.round(start[:, None] + np.arange(n)[None, :] * interval[:, None], 6))
    return np.minimum(pos.astype(np.int64), size[:, None] - 1)


def srs_positions(rng: np.random.Generator, size: np.ndarray, n: np.ndarray | int) -> np.ndarray:
    """Simple random samples without replacement of ``n`` positions from each of several lists.

    Draws positions with replacement and keeps the first ``n`` distinct ones of each list (the
    draw-by-draw definition of SRSWOR); lists that come short are drawn again. Vectorised over
    lists; cost grows with ``n``, not with the list length.

    Parameters
    ----------
    rng : numpy Generator
    size : ndarray
        List lengths ``N_g``.
    n : int or ndarray
        Sample size per list (``n_g <= N_g``).

    Returns
    -------
    ndarray
        ``(lists, max n)`` positions; entries past a list's ``n_g`` are -1.

    Examples
    --------
    >>> import numpy as np
    >>> from govsurvey.sampling import srs_positions
    >>> p = srs_positions(np.random.default_rng(1), np.array([5, 1000]), np.array([5, 3]))
    >>> sorted(p[0].tolist()), int((p[1] >= 0).sum())
    ([0, 1, 2, 3, 4], 3)
    """
    size = np.asarray(size, dtype=np.int64)
    nn = np.broadcast_to(np.asarray(n, dtype=np.int64), size.shape)
    G = len(size)
    nmax = int(nn.max()) if G else 0
    out = np.full((G, nmax), -1, dtype=np.int64)
    todo = np.arange(G)
    while len(todo):
        s, k = size[todo], nn[todo]
        # enough candidates that a shortfall is rare (coupon-collector margin), at most 4 n
        m = int(min(4 * nmax + 8, nmax + 8 + 3 * np.max(k * k / np.maximum(s, 1))))
        cand = np.floor(rng.random((len(todo), m)) * s[:, None]).astype(np.int64)
        order = np.argsort(cand, axis=1, kind="stable")
        sc = np.take_along_axis(cand, order, axis=1)
        dup_sorted = np.zeros_like(sc, dtype=bool)
        dup_sorted[:, 1:] = sc[:, 1:] == sc[:, :-1]
        dup = np.empty_like(dup_sorted)
        np.put_along_axis(dup, order, dup_sorted, axis=1)
        keep = ~dup
        rank = np.cumsum(keep, axis=1) - 1
        take = keep & (rank < k[:, None])
        ok = take.sum(axis=1) == k
        rows, cols = np.nonzero(take[ok])
        sub = out[todo[ok]]
        sub[rows, rank[ok][rows, cols]] = cand[ok][rows, cols]
        out[todo[ok]] = sub
        todo = todo[~ok]
    return out


def stratum_codes(
    frame: pd.DataFrame, strata: str | Sequence[str] | None
) -> tuple[np.ndarray, list]:
    """Integer codes ``0..H-1`` of the strata (in order of first appearance) and their keys.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.sampling import stratum_codes
    >>> stratum_codes(pd.DataFrame({"d": ["b", "a", "b"]}), "d")
    (array([0, 1, 0]), ['b', 'a'])
    """
    if strata is None:
        return np.zeros(len(frame), dtype=np.int64), [None]
    cols = [strata] if isinstance(strata, str) else list(strata)
    has_columns(frame, cols, "stratum")
    if frame[cols].isna().any().any():
        col = cols[int(np.argmax(frame[cols].isna().any().to_numpy()))]
        raise InputError.one(
            "a unit of the frame has no stratum", "give every unit its stratum", column=col
        )
    if len(cols) == 1:
        codes, uniq = pd.factorize(frame[cols[0]], sort=False)
        return codes.astype(np.int64), list(uniq)
    codes, uniq = pd.factorize(pd.MultiIndex.from_frame(frame[cols]), sort=False)
    return codes.astype(np.int64), list(uniq)


# ------------------------------------------------------------------ the many-draw kernels
def _segments(g: np.ndarray, H: int) -> tuple[np.ndarray, np.ndarray]:
    count = np.bincount(g, minlength=H)
    end = np.cumsum(count)
    return end - count, end


def _within_cumsum(x: np.ndarray, start: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Cumulative sums along the last axis restarting at each stratum (units sorted by g)."""
    cs = np.cumsum(x, axis=-1)
    before = np.concatenate([np.zeros(x.shape[:-1] + (1,)), cs], axis=-1)[..., start]
    return cs - before[..., g]


def _one_per_stratum(
    p: np.ndarray, g: np.ndarray, start: np.ndarray, end: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """For each row and stratum, the position of one unit drawn with probabilities ``p``."""
    cum = _within_cumsum(p, start, g)
    tot = cum[:, end - 1]
    below = cum < (u * tot)[:, g]
    off = np.add.reduceat(below, start, axis=1)
    return np.minimum(start[None, :] + off, end[None, :] - 1)


def _systematic(pi, g, start, end, H, rng, R):
    C = np.round(_within_cumsum(pi, start, g), 10)
    prev = C - pi
    u = rng.random((R, H))[:, g]
    return (np.floor(C - u) - np.floor(np.round(prev, 10) - u)) > 0


def _srs(pi, g, start, end, H, rng, R):
    n = np.round(np.add.reduceat(pi, start)).astype(np.int64)
    keys = g[None, :] + rng.random((R, len(g)))
    order = np.argsort(keys, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(len(g))[None, :] - start[g][None, :], axis=1)
    return rank < n[g][None, :]


def _brewer(pi, g, start, end, H, rng, R):
    cert = pi >= 1.0 - 1e-12
    sel = np.repeat(cert[None, :], R, axis=0)
    n = np.round(np.add.reduceat(np.where(cert, 0.0, pi), start)).astype(np.int64)
    q = np.where(cert, 0.0, pi)
    rows = np.arange(R)[:, None]
    for i in range(1, int(n.max(initial=0)) + 1):
        active = n >= i
        got = np.add.reduceat(np.where(sel & ~cert, q, 0.0), start, axis=1)  # (R, H)
        left = (n[None, :] - got)[:, g]
        steps = (n - i + 1)[g]
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(sel, 0.0, q * (left - q) / (left - q * steps))
        p = np.where(np.isfinite(p) & (p > 0), p, 0.0)
        pos = _one_per_stratum(p, g, start, end, rng.random((R, H)))
        pos = np.where(active[None, :], pos, -1)
        r_idx, h_idx = np.nonzero(pos >= 0)
        sel[rows[r_idx, 0], pos[r_idx, h_idx]] = True
    return sel


def _sampford(pi, g, start, end, H, rng, R):
    cert = pi >= 1.0 - 1e-12
    sel = np.repeat(cert[None, :], R, axis=0)
    q = np.where(cert, 0.0, pi)
    n = np.round(np.add.reduceat(q, start)).astype(np.int64)
    # global cumulative scales: stratum h occupies [h, h + 1)
    c1 = _within_cumsum(q, start, g)
    c1 = g + c1 / c1[end - 1][g]
    odds = np.where(cert, 0.0, q / np.where(cert, 1.0, 1.0 - q))
    c2 = _within_cumsum(odds, start, g)
    c2 = g + c2 / np.where(c2[end - 1] > 0, c2[end - 1], 1.0)[g]
    pr, ph = np.nonzero(np.broadcast_to(n > 0, (R, H)))
    for _attempt in range(100_000):
        if not len(pr):
            break
        k = n[ph]
        m = int(k.max())
        u = rng.random((len(pr), m))
        idx = np.empty((len(pr), m), dtype=np.int64)
        idx[:, 0] = np.searchsorted(c1, ph + u[:, 0], side="right")
        if m > 1:
            idx[:, 1:] = np.searchsorted(c2, ph[:, None] + u[:, 1:], side="right")
        idx = np.minimum(idx, (end[ph] - 1)[:, None])
        valid = np.arange(m)[None, :] < k[:, None]
        idx = np.where(valid, idx, -1 - np.arange(m)[None, :])
        s = np.sort(idx, axis=1)
        ok = ~(s[:, 1:] == s[:, :-1]).any(axis=1)
        rr = np.repeat(pr[ok], m)
        ii = idx[ok].reshape(-1)
        keep = ii >= 0
        sel[rr[keep], ii[keep]] = True
        pr, ph = pr[~ok], ph[~ok]
    else:
        raise InputError.one(
            "Sampford's rejective method almost never accepts a sample in this stratum",
            "use method='pps_brewer' (same inclusion probabilities, no rejection)",
        )
    return sel


_KERNELS = {
    "srs": _srs,
    "systematic": _systematic,
    "pps_systematic": _systematic,
    "pps_brewer": _brewer,
    "pps_sampford": _sampford,
}


def sample_indicators(
    pi: np.ndarray,
    method: str,
    strata: np.ndarray | None = None,
    draws: int = 1,
    seed: int | Sequence[int] | np.random.Generator = 0,
) -> np.ndarray:
    """Draw ``draws`` samples with inclusion probabilities ``pi``: a draws x units boolean matrix.

    The units are taken in the order given (systematic methods walk the list in that order:
    sort the frame first for implicit stratification). Within each stratum the sample size is
    ``sum(pi)`` (a whole number). ``"srs"`` and ``"systematic"`` need equal ``pi`` within a
    stratum; ``"pps_brewer"`` (Brewer 1975, draw by draw) and ``"pps_sampford"`` (Sampford 1967,
    rejective) take units with ``pi = 1`` with certainty and draw the rest.

    Parameters
    ----------
    pi : ndarray
        Inclusion probabilities (e.g. from :func:`inclusion_probabilities`).
    method : {"srs", "systematic", "pps_systematic", "pps_brewer", "pps_sampford"}
    strata : ndarray, optional
        Integer stratum codes ``0..H-1``.
    draws : int, default 1
    seed : int, sequence of int or Generator

    Returns
    -------
    ndarray of bool, shape (draws, units)

    Examples
    --------
    >>> import numpy as np
    >>> from govsurvey.sampling import sample_indicators
    >>> pi = np.array([0.2, 0.4, 0.6, 0.8])
    >>> s = sample_indicators(pi, "pps_sampford", draws=4000, seed=1)
    >>> s.sum(axis=1).tolist()[:3], np.abs(s.mean(axis=0) - pi).max() < 0.03
    ([2, 2, 2], np.True_)
    """
    if method not in _KERNELS:
        raise InputError.one(
            f"unknown selection method {method!r}", f"use one of {', '.join(METHODS)}", value=method
        )
    pi = np.asarray(pi, dtype=float)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    g = np.zeros(len(pi), dtype=np.int64) if strata is None else np.asarray(strata, np.int64)
    if len(pi) == 0:
        return np.zeros((int(draws), 0), dtype=bool)
    order = np.argsort(g, kind="stable")
    gs_ = g[order]
    H = int(gs_.max()) + 1
    start, end = _segments(gs_, H)
    if (np.diff(np.r_[start, len(gs_)]) == 0).any():
        # an empty stratum code: renumber the present ones
        _, gs_ = np.unique(gs_, return_inverse=True)
        H = int(gs_.max()) + 1
        start, end = _segments(gs_, H)
    sub = _KERNELS[method](pi[order], gs_, start, end, H, rng, int(draws))
    out = np.empty_like(sub)
    out[:, order] = sub
    return out


# ------------------------------------------------------------------ the user-facing draw
def select(
    frame: pd.DataFrame,
    n: int | Mapping[object, int],
    method: str = "srs",
    strata: str | Sequence[str] | None = None,
    size: str | None = None,
    sort_by: str | Sequence[str] | None = None,
    seed: int | Sequence[int] = 0,
) -> pd.DataFrame:
    """Draw a sample from a frame; the selected rows come back with ``pi`` and ``weight``.

    Parameters
    ----------
    frame : DataFrame
        One row per unit that can be selected.
    n : int or mapping
        Units to draw; with ``strata``, an int is the number in *each* stratum and a mapping
        gives each stratum its own (e.g. the result of :func:`allocate`).
    method : {"srs", "systematic", "pps_systematic", "pps_brewer", "pps_sampford"}
        ``"systematic"`` uses a fractional interval ``N_h / n_h`` from a random start; the PPS
        methods select proportionally to ``size``, units whose probability would exceed 1
        with certainty (:func:`inclusion_probabilities`).
    strata : str or list of str, optional
        Stratum column(s).
    size : str, optional
        Size measure column (required by the ``pps_`` methods; zero, negative or missing
        sizes are refused).
    sort_by : str or list of str, optional
        Order of the list within strata for the systematic methods (implicit stratification);
        by default the frame's order.
    seed : int or sequence of int
        Seeds numpy's generator: the same seed gives the same sample.

    Returns
    -------
    DataFrame
        The selected rows (frame columns, frame order) plus ``pi`` (inclusion probability)
        and ``weight`` (``1 / pi``).

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.sampling import select
    >>> f = pd.DataFrame({"ward": list("abcdef"), "district": list("XXXYYY"),
    ...                   "N": [100, 300, 600, 50, 50, 100]})
    >>> s = select(f, {"X": 2, "Y": 1}, method="pps_brewer", strata="district", size="N", seed=3)
    >>> len(s), s.loc[s["ward"] == "c", "pi"].tolist()  # c: 600 of X's 1,000 -> certain
    (3, [1.0])
    >>> select(f, 2, strata="district", seed=1)[["ward", "pi", "weight"]].shape
    (4, 3)
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError.one(
            "the frame must be a table (pandas DataFrame)",
            "pass the frame as a DataFrame",
            value=type(frame).__name__,
        )
    if method not in METHODS:
        raise InputError.one(
            f"unknown selection method {method!r}", f"use one of {', '.join(METHODS)}", value=method
        )
    codes, keys = stratum_codes(frame, strata)
    H = len(keys)
    if isinstance(n, Mapping | pd.Series):
        if strata is None:
            raise InputError.one(
                "n is a mapping per stratum but no strata column is named",
                "give strata= or a single number n",
            )
        m = dict(n.items()) if isinstance(n, pd.Series) else dict(n)
        missing = [k for k in keys if k not in m]
        if missing:
            raise InputError.one(
                f"no sample size for stratum {missing[0]!r}",
                "give n for every stratum of the frame (0 to skip one)",
                value=missing[0],
            )
        unknown = [k for k in m if k not in set(keys)]
        if unknown:
            raise InputError.one(
                f"n names stratum {unknown[0]!r}, which is not in the frame",
                "check the strata's spelling",
                value=unknown[0],
            )
        nh = np.array([m[k] for k in keys], dtype=float)
    else:
        nh = np.full(H, n, dtype=float)
    if (~np.isfinite(nh) | (nh < 0) | (nh != np.round(nh))).any():
        raise InputError.one(
            "a sample size is not a whole number of 0 or more",
            "give whole numbers of units",
            value=nh.tolist(),
        )
    count = np.bincount(codes, minlength=H)
    over = nh > count
    if over.any():
        h = int(np.argmax(over))
        where = f"stratum {keys[h]!r}" if strata is not None else "the frame"
        raise InputError.one(
            f"{where} is asked for {int(nh[h])} units but has only {int(count[h])}",
            "lower its sample size (see allocate(..., maximum=)) or merge it with another stratum",
            column=None if strata is None else (strata if isinstance(strata, str) else None),
            value=keys[h],
        )
    if method.startswith("pps_"):
        if size is None:
            raise InputError.one(
                f"method {method!r} selects proportionally to a size measure",
                "name the size column with size= (e.g. the number of dossiers)",
            )
        has_columns(frame, [size], "size")
        x = size_measure(frame[size].to_numpy(), "size measure", column=size)
        pi = inclusion_probabilities(x, nh, codes)
    else:
        pi = (nh / count)[codes]
    order = np.arange(len(frame))
    if sort_by is not None:
        cols = [sort_by] if isinstance(sort_by, str) else list(sort_by)
        has_columns(frame, cols, "sort_by")
        order = np.lexsort([frame[c].to_numpy() for c in reversed(cols)])
    sel = np.zeros(len(frame), dtype=bool)
    sel[order] = sample_indicators(pi[order], method, codes[order], 1, seed)[0]
    out = frame.loc[sel].copy()
    out["pi"] = pi[sel]
    out["weight"] = 1.0 / pi[sel]
    return out
