"""Calibration records chained as R's ``svyrecvar`` chains them.

R applies every recorded adjustment, in order, to ``x = z * w`` with ``w`` the design's *final*
weights (after any later post-stratification, raking, calibration or trimming). The engine's
hook ``adjust(z)`` does not receive the final weights, so the weighting methods record one
:class:`Chain` holding every step (each with an ``adjust_x(x)`` on the weighted scale) and the
final weights; a later step rebuilds the design from its public description and records the
longer chain, so chained adjustments give R's SEs exactly.
"""

from __future__ import annotations

import logging

import numpy as np

from ..design import Design

__all__ = ["Chain", "with_steps"]


class Chain:
    """Steps of weighting applied to ``x = z * w`` (``w`` the final weights), R's order.

    Examples
    --------
    >>> class Centre:
    ...     def adjust_x(self, x):
    ...         return x - x.mean(axis=0)
    >>> Chain([Centre()], np.array([1.0, 1.0])).adjust(np.array([[1.0], [3.0]])).ravel().tolist()
    [-1.0, 1.0]
    """

    def __init__(self, steps: list, weights: np.ndarray):
        self.steps = list(steps)
        w = np.asarray(weights, dtype=float)
        self.w = w
        self.inv = np.where(w > 0, 1.0 / np.where(w > 0, w, 1.0), 0.0)

    def adjust(self, z: np.ndarray) -> np.ndarray:
        return self.adjust_weighted(z) * self.inv[:, None]

    def adjust_weighted(self, z: np.ndarray) -> np.ndarray:
        """The weighted linearisation ``x`` of ``sum w z`` on the weights before every step.

        Calibration steps (post-stratification, raking, GREG) apply in R's order. A step with
        ``last = True`` (a nonresponse adjustment) maps the influence on its output weights
        to its input weights and gives rows it set to zero weight (nonrespondents) their
        share; it applies after the later steps' residuals, innermost last (the chain rule),
        and its rows of zero final weight keep their values (the design's variance takes
        ``x`` as it is, see ``Design._adjust``).
        """
        x = z * self.w[:, None]
        for step in self.steps:
            if not getattr(step, "last", False):
                x = step.adjust_x(x)
        for step in reversed(self.steps):
            if getattr(step, "last", False):
                x = step.adjust_x(x)
        return x


def _fresh(design: Design) -> Design | None:
    """A design with the same description and no recorded calibration (None if not possible)."""
    if type(design) is not Design:
        return None
    quiet = logging.getLogger("govsurvey.design.taylor")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # the weights are replaced at once: no equal-weight warning
    try:
        return Design(
            design.data,
            weights=design.weights_column,
            strata=design.strata,
            psu=design.psu or None,
            fpc=design.fpc or None,
            lonely_psu=design.lonely_psu,
            nest=design.nest,
        )
    finally:
        quiet.setLevel(level)


def with_steps(design: Design, weights: np.ndarray, step=None) -> Design:
    """``design`` with new ``weights`` and the calibration chain extended by ``step``.

    Earlier chains are re-based on the new final weights (R's semantics). A calibration that
    is not a :class:`Chain` (recorded by other code) is kept as it is and the new step is
    appended after it, on its own weights.
    """
    prev = tuple(design.calibration)
    if not prev:
        return design.with_weights(weights, calibration=None if step is None else
                                   Chain([step], weights))  # fmt: skip
    if all(isinstance(c, Chain) for c in prev):
        base = _fresh(design)
        if base is not None:
            steps = [s for c in prev for s in c.steps] + ([] if step is None else [step])
            return base.with_weights(weights, calibration=Chain(steps, weights))
    return design.with_weights(weights, calibration=None if step is None else
                               Chain([step], weights))  # fmt: skip
