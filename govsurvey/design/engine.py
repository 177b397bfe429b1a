"""The variance engine's building blocks: grouped sums, domains and column checks.

Every govsurvey estimator reduces to weighted domain totals and influence values; this module
holds the pieces that Taylor and replicate designs share: :func:`group_sum` (one sparse product),
:class:`Grouper` (the indicator built once), :class:`Domains` (each row's domain for a ``by=``),
and the column checks that turn bad input into an :class:`~govsurvey.errors.InputError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import InputError

__all__ = [
    "CERTAIN",
    "Calibration",
    "Columns",
    "Domains",
    "Grouper",
    "as_frame",
    "as_list",
    "check_columns",
    "compress",
    "group_sum",
    "kish_vsrs",
    "level_codes",
    "make_domains",
    "numeric_column",
]

CERTAIN = 1e-7  # R's onestrat: a stratum whose fpc factor is below this is self-representing

Columns = str | Sequence[str] | None


@runtime_checkable
class Calibration(Protocol):
    """How weights were fitted to known totals, for the variance that follows.

    ``adjust(z)`` takes influence values ``z`` of shape ``(n, k)`` (per unit of weight, rows
    aligned with the design's data) and returns their residuals from the calibration model, the
    same shape: for a GREG/calibration, ``z - X b`` with ``b`` the regression of ``z`` on the
    auxiliaries ``X`` weighted by the weights before calibration; for post-stratification and
    raking, ``z`` minus its post-stratum means, as R's ``svyrecvar`` does.
    """

    def adjust(self, z: np.ndarray) -> np.ndarray:  # pragma: no cover - a protocol
        ...


def as_list(x: Columns) -> list[str]:
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    return list(x)


def check_columns(data: pd.DataFrame, names: Sequence[str], role: str) -> None:
    for name in names:
        if name not in data.columns:
            raise InputError.one(
                f"{role} column does not exist in the data",
                f"pass one of the data's columns ({', '.join(map(str, list(data.columns)[:12]))}"
                f"{', …' if data.shape[1] > 12 else ''})",
                column=str(name),
            )


def group_sum(
    index: np.ndarray, values: np.ndarray, size: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """Sum rows of ``values`` (times ``weights``) by ``index`` into ``size`` groups.

    One sparse indicator product, no loop; ``index`` must lie in ``[0, size)``.

    Parameters
    ----------
    index : numpy.ndarray
        Group of each row, shape ``(n,)``.
    values : numpy.ndarray
        Shape ``(n,)`` or ``(n, m)``.
    size : int
        Number of groups.
    weights : numpy.ndarray, optional
        Row multipliers, shape ``(n,)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(size,)`` or ``(size, m)``.

    Examples
    --------
    >>> group_sum(np.array([0, 1, 0]), np.array([[1.0], [2.0], [3.0]]), 2)
    array([[4.],
           [2.]])
    """
    return Grouper(index, size, weights).sum(values)


class Grouper:
    """Grouped (weighted) sums by a fixed row → group index, with the indicator built once.

    The indicator is a CSC matrix with one entry per row, built without sorting; a grouped
    sum of an ``(n, m)`` array is one sparse-dense product.
    """

    def __init__(self, index: np.ndarray, size: int, weights: np.ndarray | None = None):
        self.index = np.asarray(index, dtype=np.int64)
        self.size = int(size)
        self.weights = weights
        self._mat: sparse.csc_matrix | None = None

    @property
    def matrix(self) -> sparse.csc_matrix:
        if self._mat is None:
            n = len(self.index)
            data = np.ones(n) if self.weights is None else np.asarray(self.weights, float)
            self._mat = sparse.csc_matrix(
                (data, self.index, np.arange(n + 1)), shape=(self.size, n)
            )
        return self._mat

    def sum(self, values: np.ndarray) -> np.ndarray:
        if values.ndim == 1:
            v = values if self.weights is None else values * self.weights
            return np.bincount(self.index, weights=v, minlength=self.size)[: self.size]
        return np.asarray(self.matrix @ values)


def compress(key: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """Dense ids for the distinct values of ``key`` (in ``[0, space)``), sorted."""
    if space <= 4 * len(key) + 1_000_000:
        present = np.zeros(space, dtype=bool)
        present[key] = True
        ids = np.cumsum(present) - 1
        return np.flatnonzero(present), ids[key]
    uniq, inv = np.unique(key, return_inverse=True)
    return uniq, inv


def level_codes(data: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Sorted integer codes of the combinations of ``cols`` and the table of their levels."""
    if len(cols) == 1:
        codes, uniques = pd.factorize(data[cols[0]], sort=True)
        return codes.astype(np.int64), pd.DataFrame({cols[0]: np.asarray(uniques)})
    grp = data.groupby(cols, sort=True, dropna=True, observed=True)
    codes = grp.ngroup().to_numpy()
    codes = np.where(np.isnan(codes), -1, codes).astype(np.int64)
    return codes, grp.size().index.to_frame(index=False)


def numeric_column(data: pd.DataFrame, col: str, role: str) -> np.ndarray:
    s = data[col]
    if s.dtype == bool or pd.api.types.is_bool_dtype(s.dtype):
        return s.to_numpy(dtype=float, na_value=np.nan)
    if not pd.api.types.is_numeric_dtype(s.dtype):
        raise InputError.one(
            f"{role} must be numeric, but the column holds {s.dtype} values",
            "convert it to numbers (e.g. map the answer codes) or, for a categorical "
            "variable, use proportion()",
            column=col,
        )
    return s.to_numpy(dtype=float, na_value=np.nan)


# --------------------------------------------------------------------------------------------
# domains
# --------------------------------------------------------------------------------------------
@dataclass
class Domains:
    """The domains of a ``by=``: each row's domain (-1 = none) and the level table."""

    g: np.ndarray
    G: int
    table: pd.DataFrame
    by: list[str]
    n: np.ndarray
    cache: dict = field(default_factory=dict)

    @property
    def gi(self) -> np.ndarray:
        """Domain of each row with rows in no domain sent to an extra bucket ``G``."""
        if "gi" not in self.cache:
            self.cache["gi"] = np.where(self.g < 0, self.G, self.g)
        return self.cache["gi"]

    def sum(self, values: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Domain sums of ``values`` (times ``weights``), shape ``(G, ...)``."""
        key = ("grouper", weights is None)
        if key not in self.cache:
            self.cache[key] = Grouper(self.gi, self.G + 1, weights)
        return self.cache[key].sum(values)[: self.G]


def as_frame(data: object) -> pd.DataFrame:
    """The rows a design is built on, which must be a DataFrame.

    What ``gs.read_responses`` returns is refused with a message, because the choice of rows
    matters: nonrespondents carry no answers, but they do count as second-stage units, so a
    design over every sampled unit gives other SEs than the design of those who answered.
    """
    if hasattr(data, "respondents") and hasattr(data, "account"):  # gs.read_responses' result
        raise InputError.one(
            "a design is built on a DataFrame of rows, not on what gs.read_responses returns",
            "pass resp.respondents (those who answered: the design of the survey's figures) or "
            "resp.data (every sampled unit, respondents or not: to study response)",
        )
    if not isinstance(data, pd.DataFrame):
        raise InputError.one(
            f"data must be a pandas DataFrame, got {type(data).__name__}",
            "pass a DataFrame, e.g. gs.read_responses(path).respondents",
        )
    return data


def make_domains(data: pd.DataFrame, by: Columns) -> Domains:
    cols = as_list(by)
    n = len(data)
    if not cols:
        return Domains(np.zeros(n, dtype=np.int64), 1, pd.DataFrame(index=[0]), [], np.array([n]))
    check_columns(data, cols, "by")
    g, table = level_codes(data, cols)
    G = len(table)
    counts = np.bincount(g[g >= 0], minlength=G)
    return Domains(g, G, table, cols, counts)


# --------------------------------------------------------------------------------------------
# estimators shared by Taylor and replicate designs
# --------------------------------------------------------------------------------------------
def kish_vsrs(ssw: np.ndarray, wsum: np.ndarray, nobs: np.ndarray, total: bool) -> np.ndarray:
    """R's SRS variance for ``deff=TRUE`` (without replacement), in the domain.

    ``ssw`` is ``sum w (y - ybar)^2`` over the domain's rows with a value, ``wsum`` their weight
    sum ``N``, ``nobs`` their count ``n``: ``svyvar = n/(n-1) * ssw / N``, and
    ``vsrs = svyvar * (N - n) / (N n)`` for a mean (NaN when ``N < n``, as R),
    ``svyvar * N^2 * (N - n) / (N n)`` for a total.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = nobs / (nobs - 1.0) * ssw / wsum
        if total:
            return s2 * wsum**2 * (wsum - nobs) / (wsum * nobs)
        v = s2 * (wsum - nobs) / (wsum * nobs)
        return np.where(wsum < nobs, np.nan, v)
