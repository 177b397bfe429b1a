"""Checking and shaping the inputs of :func:`govsurvey.fay_herriot`: one clear error for each fault.

The direct estimates (``[unit, estimate, se]``, optionally ``n``) and the units' covariates
(``[unit, x…]``) become the design matrix of the sampled units, that of the units without a
direct estimate, the direct estimates on their scale and their variances. Faults are reported as
one :class:`~govsurvey.errors.InputError` naming the column, row and value: a duplicated or
unknown unit, a missing value, a covariate that is constant or a linear combination of others,
fewer units than covariates plus two, a zero or missing direct variance (unless a GVF is asked
to replace it), a rate outside ``[0, scale]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from govsurvey.errors import InputError

__all__ = ["Inputs", "prepare"]


@dataclass
class Inputs:
    """The shaped inputs: sampled units first (in ``direct``'s order), then the others."""

    units: np.ndarray
    units_out: np.ndarray
    y: np.ndarray
    se: np.ndarray
    n: np.ndarray
    X: np.ndarray
    X_out: np.ndarray
    names: list[str]
    scale: float
    covariates: pd.DataFrame
    notes: list[str]


def _frame(obj: object, what: str) -> pd.DataFrame:
    if not isinstance(obj, pd.DataFrame):
        raise InputError.one(
            f"{what} must be a pandas DataFrame", f"pass {what} as a DataFrame", value=type(obj)
        )
    return obj


def _need(frame: pd.DataFrame, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise InputError.one(
            f"{what} has no column {missing[0]!r}",
            f"give {what} the columns {cols} (it has {list(frame.columns)})",
            column=missing[0],
        )


def _unique(frame: pd.DataFrame, unit: str, what: str) -> None:
    dup = frame[unit].duplicated(keep=False)
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[1])
        raise InputError.one(
            f"{what} has the unit {frame[unit].iloc[row]!r} more than once",
            "give one row per unit (one index figure: select one code first)",
            row=row + 2,
            column=unit,
            value=frame[unit].iloc[row],
        )
    if frame[unit].isna().any():
        row = int(np.flatnonzero(frame[unit].isna().to_numpy())[0])
        raise InputError.one(
            f"{what} has a row without a unit",
            "fill in the unit or drop the row",
            row=row + 2,
            column=unit,
        )


def _numeric(frame: pd.DataFrame, col: str, what: str, allow_missing: bool = False) -> np.ndarray:
    values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
    bad = (
        ~np.isfinite(values)
        if not allow_missing
        else (frame[col].notna().to_numpy() & ~np.isfinite(values))
    )
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError.one(
            f"{what} has a missing or non-numeric value in column {col!r}",
            "give a number for every unit, or drop the unit",
            row=row + 2,
            column=col,
            value=frame[col].iloc[row],
        )
    return values


def design_matrix(cov: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, list[str]]:
    """Intercept plus the covariates: numbers as they are, categories as 0/1 columns.

    A categorical covariate (text, category or boolean) takes one column per level but its
    first (in sorted order). Raises :class:`InputError` for a missing value or a constant
    covariate.
    """
    parts = [np.ones((len(cov), 1))]
    names = ["(intercept)"]
    for col in columns:
        s = cov[col]
        if s.isna().any():
            row = int(np.flatnonzero(s.isna().to_numpy())[0])
            raise InputError.one(
                f"the covariate {col!r} is missing for a unit",
                "give every unit a value (or drop the covariate)",
                row=row + 2,
                column=col,
                value=cov.iloc[row, 0],
            )
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            x = s.to_numpy(dtype=float)
            if not np.isfinite(x).all():
                row = int(np.flatnonzero(~np.isfinite(x))[0])
                raise InputError.one(
                    f"the covariate {col!r} is not a finite number",
                    "correct the value",
                    row=row + 2,
                    column=col,
                    value=x[row],
                )
            parts.append(x[:, None])
            names.append(str(col))
        else:
            levels = sorted(pd.unique(s.astype(str)))
            codes = s.astype(str).to_numpy()
            for lev in levels[1:]:
                parts.append((codes == lev).astype(float)[:, None])
                names.append(f"{col}[{lev}]")
            if len(levels) < 2:
                parts.append(np.zeros((len(cov), 1)))
                names.append(f"{col}[{levels[0]}]")
    return np.hstack(parts), names


def check_rank(X: np.ndarray, names: list[str], where: str) -> None:
    """Refuse a constant covariate or one that is a linear combination of those before it."""
    for j in range(1, X.shape[1]):
        col = X[:, j]
        if np.ptp(col) == 0:
            raise InputError.one(
                f"the covariate {names[j]!r} is constant over the {where} units",
                "drop it: the intercept already carries a constant",
                column=names[j],
                value=float(col[0]),
            )
        if np.linalg.matrix_rank(X[:, : j + 1]) < j + 1:
            raise InputError.one(
                f"the covariate {names[j]!r} is a linear combination of the covariates before "
                f"it over the {where} units (collinear)",
                "drop it or one of the covariates it repeats",
                column=names[j],
            )


def prepare(
    direct: object,
    covariates: object,
    unit: str,
    x: list[str] | None,
    exclude: list[str],
    scale: float | None,
    transform: str | None,
) -> Inputs:
    """Check the inputs and shape them (see the module's docstring)."""
    direct = _frame(direct, "direct")
    covariates = _frame(covariates, "covariates")
    _need(direct, [unit, "estimate", "se"], "direct")
    _need(covariates, [unit], "covariates")
    if "code" in direct.columns and direct["code"].nunique() > 1:
        raise InputError.one(
            "direct holds several index figures (column 'code')",
            "select one, e.g. direct.query(\"code == 'SIPAS'\")",
            column="code",
            value=sorted(direct["code"].unique())[:5],
        )
    _unique(direct, unit, "direct")
    _unique(covariates, unit, "covariates")
    y = _numeric(direct, "estimate", "direct")
    se = pd.to_numeric(direct["se"], errors="coerce").to_numpy(dtype=float)
    n = (
        _numeric(direct, "n", "direct", allow_missing=True)
        if "n" in direct.columns
        else np.full(len(direct), np.nan)
    )
    unknown = ~direct[unit].isin(covariates[unit]).to_numpy()
    if unknown.any():
        row = int(np.flatnonzero(unknown)[0])
        raise InputError.one(
            f"the unit {direct[unit].iloc[row]!r} has a direct estimate but no covariates "
            f"({int(unknown.sum())} such unit(s))",
            "add the unit to covariates (or drop its direct estimate)",
            row=row + 2,
            column=unit,
            value=direct[unit].iloc[row],
        )
    notes: list[str] = []
    if x is None:
        x = [c for c in covariates.columns if c != unit and c not in exclude]
        # a text column with a different value for every unit is another identifier (a ward's
        # name beside its code): it cannot be a covariate, so it is left out, and said so
        ids = [
            c
            for c in x
            if not pd.api.types.is_numeric_dtype(covariates[c])
            and covariates[c].nunique() == len(covariates)
        ]
        if ids:
            notes.append(f"identifier column(s) {ids} not used as covariates")
            x = [c for c in x if c not in ids]
    else:
        _need(covariates, list(x), "covariates")
    pos = pd.Index(covariates[unit]).get_indexer(direct[unit])
    inside = np.zeros(len(covariates), dtype=bool)
    inside[pos] = True
    X_all, names = design_matrix(covariates.reset_index(drop=True), list(x))
    X = X_all[pos]
    X_out = X_all[~inside]
    m, p = X.shape
    if m < p + 1:
        raise InputError.one(
            f"{m} units with a direct estimate for {p - 1} covariate column(s): the model needs "
            "at least covariates + 2 units",
            "use fewer covariates (or merge categories), or estimate more units",
            value=m,
        )
    check_rank(X, names, "sampled")
    if scale is None:
        scale = 100.0 if np.nanmax(np.abs(y)) > 1.0 else 1.0
    if transform is not None:
        bad = (y < 0) | (y > scale)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InputError.one(
                f"a rate outside 0..{scale:g} cannot be modelled on the {transform} scale",
                "give rates as percentages (0-100) or proportions (0-1) and say which by scale=",
                row=row + 2,
                column="estimate",
                value=y[row],
            )
        if transform == "logit":
            edge = (y == 0) | (y == scale)
            if edge.any():
                row = int(np.flatnonzero(edge)[0])
                raise InputError.one(
                    f"a rate of exactly {y[row]:g} has no logit (it is infinite)",
                    "use transform='arcsin' (defined at 0 and 100, with variances='fill' or "
                    "'gvf'), or transform=None, or merge the unit with a neighbour",
                    row=row + 2,
                    column="estimate",
                    value=y[row],
                )
    return Inputs(
        units=direct[unit].to_numpy(),
        units_out=covariates.loc[~inside, unit].to_numpy(),
        y=y,
        se=se,
        n=n,
        X=X,
        X_out=X_out,
        names=names,
        scale=float(scale),
        covariates=covariates,
        notes=notes,
    )
