"""Reliability of the component scales: Cronbach's alpha, McDonald's omega, item statistics.

Every figure comes from one covariance matrix per scale, on the respondents who answered
every item of the scale (complete cases, as R's ``psych::alpha`` on complete data):

- ``raw_alpha`` = k/(k-1) (1 - tr C / 1'C1) on the covariance matrix C;
- ``std_alpha``, the same on the correlation matrix; ``average_r`` the mean inter-item
  correlation;
- ``omega_total`` (McDonald), one factor fitted to the correlation matrix by minimum residuals
  (psych's ``fm="minres"``: the uniquenesses minimise the sum of squared residual eigenvalues,
  bounded to [0.005, 1]) and ``1 - sum(u2) / 1'R1``, psych's ``omega(..., nfactors=1)$omega.tot``;
- per item: alpha if the item is deleted (raw and standardised) and the corrected item–total
  correlation (the item against the sum of the other items, psych's ``r.drop``).

With ``weights`` every moment is weighted (R's ``cov.wt``); without, the results equal
``psych::alpha`` and ``psych::omega`` (see ``tests/fixtures/drivers/make_fixtures.R``).
A scale that cannot be measured (one item, an item with constant answers, fewer than three
complete answers) gets NaN figures with the reason coded in ``status``, never a silent number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

from ..design.engine import check_columns, numeric_column
from ..errors import InputError
from ..results import result_frame
from .facts import with_columns

__all__ = ["Reliability", "reliability", "omega_total", "design_alpha"]

SCALE_COLUMNS = [
    "scale",
    "items",
    "n",
    "raw_alpha",
    "std_alpha",
    "omega_total",
    "average_r",
    "status",
    "flat_items",
]
ITEM_COLUMNS = ["scale", "item", "alpha_if_deleted", "std_alpha_if_deleted", "item_total_r"]


@dataclass
class Reliability:
    """The result of :func:`reliability`.

    Attributes
    ----------
    scales : pandas.DataFrame
        One row per scale: ``scale, items, n, raw_alpha, std_alpha, omega_total, average_r,
        status, flat_items``. ``status`` says whether the figures were estimated: ``"estimated"``,
        or why they are NaN — ``"one_item"`` (alpha needs two items), ``"too_few"`` (fewer than
        3 respondents answered every item) or ``"flat_items"`` (the items listed in
        ``flat_items``, comma-separated, have one answer for everyone). The report words the
        status in its own language.
    items : pandas.DataFrame
        One row per item: ``scale, item, alpha_if_deleted, std_alpha_if_deleted,
        item_total_r``.
    weighted : bool
        Whether the moments were weighted.
    notes : list of str
        What was set aside besides the missing codes (answers outside ``valid`` counted as
        missing with ``out_of_range="missing"``), one sentence per scale; empty otherwise.
    """

    scales: pd.DataFrame
    items: pd.DataFrame
    weighted: bool
    notes: list[str] = field(default_factory=list)

    def _repr_html_(self) -> str:
        return self.scales.to_html(index=False) + self.items.to_html(index=False)

    def __repr__(self) -> str:
        return f"Reliability(weighted={self.weighted})\n{self.scales.to_string(index=False)}"


def _minres_objective(psi: np.ndarray, S: np.ndarray) -> tuple[float, np.ndarray]:
    """psych's ``FAfn``/``FAgr`` for one factor: half the sum of squared residual eigenvalues."""
    vals, vecs = np.linalg.eigh(S - np.diag(psi))
    lam, v = vals[-1], vecs[:, -1]
    f = 0.5 * float((vals[:-1] ** 2).sum())
    L = v * np.sqrt(max(lam, 0.0))
    g = L**2 + psi - np.diag(S)
    return f, g


def omega_total(R: np.ndarray) -> float:
    """McDonald's omega total of a one-factor minimum-residual fit to a correlation matrix.

    Parameters
    ----------
    R : numpy.ndarray
        ``(k, k)`` correlation matrix, ``k >= 2``.

    Returns
    -------
    float
        ``1 - sum(u2) / sum(R)`` with ``u2 = 1 - loading**2`` (psych's ``omega.tot``).

    Examples
    --------
    >>> import numpy as np
    >>> R = np.full((3, 3), 0.5) + 0.5 * np.eye(3)
    >>> round(omega_total(R), 6)
    0.75
    """
    R = np.asarray(R, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        smc = 1.0 - 1.0 / np.diag(np.linalg.pinv(R))
    start = np.clip(1.0 - smc, 0.005, 1.0)  # psych starts at the uniquenesses implied by SMCs
    res = optimize.minimize(
        _minres_objective,
        start,
        args=(R,),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.005, 1.0)] * len(R),
        options={"ftol": 1e-16, "gtol": 1e-13, "maxiter": 10_000},
    )
    vals, vecs = np.linalg.eigh(R - np.diag(res.x))
    L = vecs[:, -1] * np.sqrt(max(vals[-1], 0.0))
    u2 = np.diag(R) - L**2
    return float(1.0 - u2.sum() / R.sum())


def _weighted_cov(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    w = w / w.sum()
    m = w @ X
    D = X - m
    return (D * w[:, None]).T @ D / (1.0 - (w**2).sum())


def _alpha(C: np.ndarray) -> float:
    k = len(C)
    return k / (k - 1) * (1.0 - np.trace(C) / C.sum())


def _drop_alpha(C: np.ndarray) -> np.ndarray:
    """Alpha of the scale without each item, for all items at once."""
    k = len(C)
    if k < 3:
        return np.full(k, np.nan)
    d = np.diag(C)
    tot = C.sum() - 2.0 * C.sum(axis=1) + d
    tr = np.trace(C) - d
    return (k - 1) / (k - 2) * (1.0 - tr / tot)


def reliability(
    data: pd.DataFrame,
    scales: Mapping[str, Sequence[str]],
    weights: str | np.ndarray | pd.Series | None = None,
    valid: tuple[float, float] | None = (1, 5),
    missing_codes: Sequence[float] = (8, 9),
    out_of_range: str = "error",
) -> Reliability:
    """Cronbach's alpha, McDonald's omega and item statistics for each scale.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    scales : mapping
        Scale name -> its item columns, e.g. ``{"C1": ["C1_1", "C1_2", "C1_3", "C1_4"]}``.
    weights : str or array-like, optional
        A column of ``data`` or one weight per row; moments are then weighted.
    valid : (low, high) or None, default (1, 5)
        The answer scale; ``None`` keeps every finite value.
    missing_codes : sequence of float, default (8, 9)
        The instrument's codes for don't-know and no answer: missing, never scores.
    out_of_range : {"error", "missing"}
        An answer outside ``valid`` that is not a missing code (a 6 on a 1–5 scale: another
        scale, or a typing error) is never dropped silently: ``"error"`` raises an
        :class:`~govsurvey.errors.InputError` naming the column, how many and which values;
        ``"missing"`` counts it as missing and says so in ``Reliability.notes``.

    Returns
    -------
    Reliability
        ``.scales`` (one row per scale) and ``.items`` (one row per item).

    Raises
    ------
    InputError
        A named column is not in the data, the weights are not one finite non-negative value
        per row, or (``out_of_range="error"``) an answer lies outside ``valid`` and is not a
        missing code.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=500)
    >>> df = pd.DataFrame({f"x{j}": np.clip(np.round(3 + f + rng.normal(size=500)), 1, 5)
    ...                    for j in range(4)})
    >>> r = reliability(df, {"S": ["x0", "x1", "x2", "x3"]})
    >>> r.scales[["scale", "n"]].values.tolist()
    [['S', 500]]
    >>> bool(0.6 < r.scales["raw_alpha"].iloc[0] < 0.9)
    True
    >>> reliability(df, {"one": ["x0"]}).scales["status"].iloc[0]
    'one_item'
    """
    if not isinstance(scales, Mapping) or not scales:
        raise InputError.one(
            "scales must be a mapping of scale name to its item columns",
            'pass e.g. {"C1": ["C1_1", "C1_2", "C1_3", "C1_4"]}',
        )
    n_rows = len(data)
    if weights is None:
        w_all = np.ones(n_rows)
    else:
        if isinstance(weights, str):
            if weights not in data.columns:
                raise InputError.one(
                    "weight column not in the data", "name an existing column", column=weights
                )
            weights = data[weights]
        w_all = np.asarray(pd.to_numeric(pd.Series(np.asarray(weights)), errors="coerce"), float)
        if w_all.shape != (n_rows,) or not np.isfinite(w_all).all() or (w_all < 0).any():
            raise InputError.one(
                f"weights must be {n_rows} finite non-negative values, one per row",
                "pass the design weight column, or no weights",
            )
    if out_of_range not in ("error", "missing"):
        raise InputError.one(
            "out_of_range must be 'error' or 'missing'",
            "use 'error' to stop at an answer outside the scale, 'missing' to count it missing",
            value=out_of_range,
        )
    srows, irows, notes = [], [], []
    for name, cols in scales.items():
        cols = [cols] if isinstance(cols, str) else list(cols)
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise InputError.one(
                f"scale {name!r} names column(s) not in the data: {', '.join(missing)}",
                "name existing item columns",
                column=missing[0],
            )
        x = data[cols].apply(pd.to_numeric, errors="coerce").astype(float).to_numpy()
        if valid is not None:
            coded = np.isin(x, np.asarray(missing_codes, dtype=float))
            outside = np.isfinite(x) & ~coded & ((x < valid[0]) | (x > valid[1]))
            if outside.any():
                j = int(np.flatnonzero(outside.any(axis=0))[0])
                vals = np.unique(x[outside])
                shown = ", ".join(f"{v:g}" for v in vals[:8]) + (", …" if len(vals) > 8 else "")
                what = (
                    f"{int(outside.sum())} answer(s) of scale {name!r} lie outside "
                    f"{valid[0]:g}–{valid[1]:g} and are not missing codes "
                    f"({', '.join(f'{c:g}' for c in missing_codes)}): values {shown}"
                )
                if out_of_range == "error":
                    raise InputError.one(
                        what,
                        "pass valid=(low, high) of the items' own scale (e.g. valid=(1, 6) for a "
                        "6-point scale), the instrument's missing_codes, or "
                        "out_of_range='missing' to count these answers as missing",
                        column=cols[j],
                        value=float(x[outside[:, j], j][0]),
                    )
                notes.append(what + "; counted as missing")
            x = np.where((x >= valid[0]) & (x <= valid[1]), x, np.nan)
        keep = np.isfinite(x).all(axis=1) & (w_all > 0)
        X, w = x[keep], w_all[keep]
        k, n = len(cols), int(keep.sum())
        status, const = "estimated", []
        if k < 2:
            status = "one_item"
        elif n < 3:
            status = "too_few"
        else:
            C = _weighted_cov(X, w)
            const = [c for c, v in zip(cols, np.diag(C), strict=True) if not v > 1e-12 * max(1, v)]
            if const:
                status = "flat_items"
        nan_items = {"alpha_if_deleted": np.nan, "std_alpha_if_deleted": np.nan}
        if status != "estimated":
            srows.append([name, k, n, np.nan, np.nan, np.nan, np.nan, status, ", ".join(const)])
            irows += [[name, c, *nan_items.values(), np.nan] for c in cols]
            continue
        sd = np.sqrt(np.diag(C))
        R = C / np.outer(sd, sd)
        avg_r = (R.sum() - k) / (k * (k - 1))
        d = np.diag(C)
        rest_var = C.sum() - 2.0 * C.sum(axis=1) + d
        item_total = (C.sum(axis=1) - d) / np.sqrt(d * rest_var)
        srows.append([name, k, n, _alpha(C), _alpha(R), omega_total(R), avg_r, "estimated", ""])
        for c, a, s, r in zip(cols, _drop_alpha(C), _drop_alpha(R), item_total, strict=True):
            irows.append([name, c, a, s, r])
    sf = pd.DataFrame(srows, columns=SCALE_COLUMNS)
    sf[["items", "n"]] = sf[["items", "n"]].astype(np.int64)
    return Reliability(sf, pd.DataFrame(irows, columns=ITEM_COLUMNS), weights is not None, notes)


def design_alpha(
    design,
    scales: Mapping[str, Sequence[str]],
    by=None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Design-based Cronbach's alpha with its standard error (R's ``svycralpha``).

    ``alpha = k/(k-1) (1 - sum_j var(x_j) / var(sum_j x_j))`` with the design-weighted
    variances of the respondents who answered every item of the scale; alpha is a smooth
    function of weighted totals (of 1, each item, its square, the scale sum and its square),
    so its SE comes from the one variance engine: linearisation on a Taylor design, replicates
    on a replicate design (R gives the point only; its linearisation is ``svycontrast`` of
    those ``svytotal`` s, which the tests check).

    Parameters
    ----------
    design : Design or ReplicateDesign
    scales : mapping
        Scale name -> its item columns (numeric; answers outside the scale already missing,
        as the reader leaves them).
    by : str or list of str, optional
        Domain columns.
    level : float
        Confidence level of the t interval.

    Returns
    -------
    pandas.DataFrame
        ``[*by, "variable", "estimate", "se", "ci_low", "ci_high", "df", "n", "deff"]`` with
        the scale's name in ``variable``; ``n`` counts the complete answers and ``df`` is the
        design df of the rows holding them (the rule of ``mean``); ``deff`` is NaN.

    Raises
    ------
    InputError
        A scale with fewer than two items, or an item that is not a numeric column.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from govsurvey.design import Design
    >>> rng = np.random.default_rng(2)
    >>> f = rng.normal(size=300)
    >>> df = pd.DataFrame({f"x{j}": f + rng.normal(size=300) for j in range(3)})
    >>> df["p"] = np.arange(300) // 3
    >>> a = design_alpha(Design(df, psu="p"), {"S": ["x0", "x1", "x2"]})
    >>> bool(0.5 < a["estimate"].iloc[0] < 0.9), bool(a["se"].iloc[0] > 0)
    (True, True)
    """
    if not isinstance(scales, Mapping) or not scales:
        raise InputError.one(
            "scales must be a mapping of scale name to its item columns",
            'pass e.g. {"C1": ["C1_1", "C1_2", "C1_3", "C1_4"]}',
        )
    out = []
    for name, cols in scales.items():  # a few scales: one engine call each
        cols = [cols] if isinstance(cols, str) else list(cols)
        check_columns(design.data, cols, f"item of scale {name!r}")
        k = len(cols)
        if k < 2:
            raise InputError.one(
                f"scale {name!r} has {k} item; alpha needs at least two",
                "give the scale two or more item columns",
                column=cols[0] if cols else None,
            )
        X = np.column_stack([numeric_column(design.data, c, "item") for c in cols])
        ok = np.isfinite(X).all(axis=1)
        X = np.where(ok[:, None], X, 0.0)
        S = X.sum(axis=1)
        one = ok.astype(float)
        columns = np.column_stack([one, X, X * X, S, S * S])  # (n, 2k + 3)

        def point(T, k=k):
            N = T[..., :1]
            with np.errstate(divide="ignore", invalid="ignore"):
                m = T[..., 1 : k + 1] / N
                v = T[..., k + 1 : 2 * k + 1] / N - m * m
                vs = T[..., 2 * k + 2 : 2 * k + 3] / N - (T[..., 2 * k + 1 : 2 * k + 2] / N) ** 2
                return k / (k - 1) * (1 - v.sum(axis=-1, keepdims=True) / vs)

        def influence(T, c, g, k=k):
            # alpha = h(means of [x, x^2, S, S^2]); z = sum_j dh/dmu_j (c_j - mu_j) / N
            N = T[:, 0]
            mu = T[:, 1:] / N[:, None]
            m, q = mu[:, :k], mu[:, k : 2 * k]
            ms, qs = mu[:, 2 * k], mu[:, 2 * k + 1]
            A = (q - m * m).sum(axis=1)
            B = qs - ms * ms
            c0 = k / (k - 1)
            grad = np.column_stack(
                [c0 * 2 * m / B[:, None], np.repeat((-c0 / B)[:, None], k, axis=1),
                 -2 * c0 * A * ms / B**2, c0 * A / B**2]
            )  # fmt: skip
            gi = np.where(g < 0, 0, g)
            z = ((c[:, 1:] - mu[gi]) * grad[gi]).sum(axis=1) / N[gi]
            return np.where((g >= 0) & (c[:, 0] > 0), z, 0.0)[:, None]

        res = design.estimate_smooth(columns, point, influence, by=by)
        marker = with_columns(design, {"_alpha_complete": np.where(ok, 1.0, np.nan)})
        counts = marker.mean("_alpha_complete", by=by)
        out.append(
            result_frame(
                res.domains,
                [name],
                res.estimate,
                res.variance,
                counts["df"].to_numpy(float),
                counts["n"].to_numpy(),
                level=level,
                method=res.method,
            )
        )
    return pd.concat(out, ignore_index=True) if len(out) > 1 else out[0]
