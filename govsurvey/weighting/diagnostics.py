"""The diagnostics record every weighting method returns, and the small functions behind it.

A weighting step returns a new design whose ``diagnostics`` attribute is a :class:`Diagnostics`:
the weights' range, Kish's design effect due to unequal weighting and the effective sample
size, whether the fit converged and in how many iterations, and how far the weighted sample
is from the totals it was fitted to. ``design.weighting_steps`` holds every step's record,
oldest first, when steps are chained.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["Diagnostics", "kish_deff", "effective_n", "weight_summary", "attach"]


def kish_deff(weights: np.ndarray) -> float:
    """Kish's design effect due to unequal weights, ``n sum(w^2) / sum(w)^2``.

    Rows with a zero weight (out of the estimate) are not counted.

    Parameters
    ----------
    weights : numpy.ndarray
        Non-negative weights.

    Returns
    -------
    float

    Examples
    --------
    >>> kish_deff(np.array([1.0, 1.0, 1.0, 1.0]))
    1.0
    >>> kish_deff(np.array([1.0, 3.0, 0.0]))
    1.25
    """
    w = np.asarray(weights, dtype=float)
    w = w[w > 0]
    if w.size == 0:
        raise InputError.one("every weight is zero", "check the weighting step")
    return float(w.size * (w * w).sum() / w.sum() ** 2)


def effective_n(weights: np.ndarray) -> float:
    """Kish's effective sample size ``sum(w)^2 / sum(w^2)`` (rows with positive weight).

    Examples
    --------
    >>> effective_n(np.array([1.0, 3.0, 0.0]))
    1.6
    """
    w = np.asarray(weights, dtype=float)
    w = w[w > 0]
    return float(w.sum() ** 2 / (w * w).sum())


@dataclass(frozen=True)
class Diagnostics:
    """What a weighting step did to the weights.

    Attributes
    ----------
    method : str
        ``"nonresponse"``, ``"poststratify"``, ``"rake"``, ``"calibrate/<calfun>"`` or ``"trim"``.
    converged : bool
        Whether the fit met its tolerance (always true for closed-form steps).
    iterations : int
        Sweeps (raking) or Newton steps (calibration); 1 for closed-form steps.
    n : int
        Rows with a positive weight after the step.
    weight_min, weight_max, weight_sum : float
        Range and sum of the positive weights.
    ratio_min, ratio_max : float
        Range of new / old weight over rows with a positive weight.
    deff_kish : float
        Kish's design effect due to unequal weighting, ``n sum w^2 / (sum w)^2``.
    n_effective : float
        ``n / deff_kish``.
    max_misfit : float
        Largest ``|weighted sample total - target| / (1 + |target|)`` after the step (0 when the
        step fits no totals).
    trimmed : int
        Rows whose weight was cut by trimming.
    replicates : int
        Replicate weight columns re-adjusted with the full-sample weights (0 for a Taylor design).
    details : dict
        Method-specific extras (cells, classes, bounds).
    """

    method: str
    converged: bool
    iterations: int
    n: int
    weight_min: float
    weight_max: float
    weight_sum: float
    ratio_min: float
    ratio_max: float
    deff_kish: float
    n_effective: float
    max_misfit: float = 0.0
    trimmed: int = 0
    replicates: int = 0
    details: dict = field(default_factory=dict)

    def frame(self) -> pd.DataFrame:
        """The record as a two-column table (``item``, ``value``) for display.

        Examples
        --------
        >>> d = weight_summary("trim", np.ones(3), np.array([1.0, 2.0, 3.0]))
        >>> d.frame().set_index("item").loc["deff_kish", "value"]
        1.1666666666666667
        """
        items = {k: v for k, v in asdict(self).items() if k != "details"}
        items.update({f"details.{k}": v for k, v in self.details.items()})
        return pd.DataFrame({"item": list(items), "value": list(items.values())})

    def _repr_html_(self) -> str:  # pragma: no cover - display only
        return self.frame().to_html(index=False)


def weight_summary(
    method: str,
    old: np.ndarray,
    new: np.ndarray,
    *,
    converged: bool = True,
    iterations: int = 1,
    max_misfit: float = 0.0,
    trimmed: int = 0,
    replicates: int = 0,
    details: dict | None = None,
) -> Diagnostics:
    """Build the :class:`Diagnostics` of a step from the weights before and after.

    Examples
    --------
    >>> d = weight_summary("poststratify", np.array([1.0, 1.0]), np.array([2.0, 6.0]))
    >>> d.n, d.ratio_max, d.deff_kish
    (2, 6.0, 1.25)
    """
    old = np.asarray(old, dtype=float)
    new = np.asarray(new, dtype=float)
    pos = new > 0
    if not pos.any():
        raise InputError.one("the step left every weight at zero", "check its inputs")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = new[pos] / old[pos]
    ratio = ratio[np.isfinite(ratio)]
    return Diagnostics(
        method=method,
        converged=bool(converged),
        iterations=int(iterations),
        n=int(pos.sum()),
        weight_min=float(new[pos].min()),
        weight_max=float(new[pos].max()),
        weight_sum=float(new[pos].sum()),
        ratio_min=float(ratio.min()) if ratio.size else float("nan"),
        ratio_max=float(ratio.max()) if ratio.size else float("nan"),
        deff_kish=kish_deff(new),
        n_effective=effective_n(new),
        max_misfit=float(max_misfit),
        trimmed=int(trimmed),
        replicates=int(replicates),
        details=dict(details or {}),
    )


def attach(design, diagnostics: Diagnostics, history=None):
    """Record ``diagnostics`` on a freshly adjusted design (``design.diagnostics`` and the
    chain ``design.weighting_steps``, continuing that of ``history``) and return the design.

    Examples
    --------
    >>> class D: pass
    >>> d = attach(D(), weight_summary("trim", np.ones(2), np.ones(2)))
    >>> [s.method for s in d.weighting_steps]
    ['trim']
    """
    steps = tuple(getattr(design if history is None else history, "weighting_steps", ()))
    design.diagnostics = diagnostics
    design.weighting_steps = (*steps, diagnostics)
    return design
