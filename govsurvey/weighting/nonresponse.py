"""Nonresponse adjustment: weighting classes or response-propensity classes.

Within each class the respondents' weights are scaled up by ``sum(w, sampled) / sum(w,
respondents)``, so the respondents carry the nonrespondents' weight; nonrespondents keep their
rows with a zero weight (they still count as sampled units of their PSU, as R's ``subset``
keeps them). Classes are either the combinations of auxiliary columns (``cells=``) or
weighted quantile classes of the estimated response propensity (``propensity=``, the model of
:func:`govsurvey.response.propensity.response_propensity`); ``method="inverse"`` divides by the
estimated propensity itself. On a replicate design every replicate is re-adjusted with its
own weights in the same classes (the propensity model is not refitted per replicate). On a
Taylor design the adjustment is recorded for the variance (:class:`NonresponseClasses`):
every later SE includes the variability of the class factors, nonrespondents carrying their
share of it, as R's ``survey`` linearises a calibration.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..design import group_sum
from ..errors import InputError
from ..response.propensity import response_indicator, response_propensity
from ._chain import with_steps
from ._margins import is_replicate
from .diagnostics import attach, weight_summary

__all__ = ["nonresponse_adjust", "propensity_classes", "NonresponseClasses"]


class NonresponseClasses:
    """Linearisation of a weighting-class adjustment, for the Taylor variance that follows.

    The adjusted total of ``z`` is ``T = sum_c (S_c / R_c) Z_c`` with ``S_c`` the base-weight
    total of class ``c``'s sampled units, ``R_c`` that of its respondents and ``Z_c`` their
    total of ``z``: a smooth function of base-weight totals, whose linearisation per unit of
    base weight is ``f_c r_i (z_i - m_c) + m_c`` (``m_c = Z_c / R_c``). On weighted values
    ``x = w* z`` (``w*`` the adjusted weights) that is ``x + (w - w*) m_c`` with
    ``m_c = sum_c x / sum_c w*``: respondents give up ``(w* - w) m_c``, nonrespondents carry
    ``w m_c`` — the variability of the class factors, which a design that only rescales the
    respondents' weights leaves out.

    Examples
    --------
    >>> step = NonresponseClasses(np.array([0, 0, 1, 1]), np.full(4, 10.0),
    ...                           np.array([20.0, 0.0, 10.0, 10.0]), 2)
    >>> step.adjust_x(np.array([[40.0], [0.0], [10.0], [30.0]])).ravel().tolist()
    [20.0, 20.0, 10.0, 30.0]
    """

    last = True  # maps back to the weights before it: applied after later calibrations

    def __init__(self, cell: np.ndarray, old_weights: np.ndarray, new_weights: np.ndarray, K: int):
        self.cell = np.where(cell >= 0, cell, K)
        self.K = K
        self.delta = np.where(cell >= 0, old_weights - new_weights, 0.0)
        self.new_sum = np.bincount(self.cell, weights=new_weights, minlength=K + 1)

    def adjust_x(self, x: np.ndarray) -> np.ndarray:
        tot = group_sum(self.cell, x, self.K + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            m = np.where(self.new_sum[:, None] > 0, tot / self.new_sum[:, None], 0.0)
        m[self.K] = 0.0
        return x + self.delta[:, None] * m[self.cell]


def propensity_classes(p: np.ndarray, weights: np.ndarray, classes: int) -> np.ndarray:
    """Class (0 … classes-1) of each row by weighted quantiles of ``p`` (-1 where no weight).

    Examples
    --------
    >>> propensity_classes(np.array([0.1, 0.2, 0.3, 0.4]), np.ones(4), 2).tolist()
    [0, 0, 1, 1]
    """
    live = (weights > 0) & np.isfinite(p)
    o = np.argsort(np.where(live, p, np.inf), kind="stable")
    cw = np.cumsum(np.where(live, weights, 0.0)[o])
    cw = cw / cw[-1]
    cls_sorted = np.minimum((cw * classes - 1e-9).astype(np.int64), classes - 1)
    out = np.empty(len(p), dtype=np.int64)
    out[o] = np.maximum(cls_sorted, 0)
    # ties in p share a class (the lowest their quantile reaches)
    key = pd.Series(out[live]).groupby(p[live]).transform("min").to_numpy()
    out[live] = key
    return np.where(live, out, -1)


def nonresponse_adjust(
    design,
    response: str = "responded",
    cells: Sequence[str] | None = None,
    propensity: Sequence[str] | None = None,
    classes: int = 5,
    method: str = "classes",
    min_respondents: int = 1,
):
    """Adjust base weights for nonresponse (weighting classes or propensity classes).

    Parameters
    ----------
    design : Design or ReplicateDesign
        The design of **every sampled unit** (respondents and nonrespondents) with base
        weights, e.g. ``gs.Design(resp.data, weights="base_weight", ...)``.
    response : str
        The 0/1 column: 1 answered, 0 did not.
    cells : list of str, optional
        Weighting-class columns known for every sampled unit; classes are their combinations.
    propensity : list of str, optional
        Auxiliaries of a design-weighted logistic response model; classes are ``classes``
        weighted quantile groups of the fitted propensity.
    classes : int
        Number of propensity classes (5, Cochran's rule, by default).
    method : {"classes", "inverse"}
        With ``propensity=``: adjust within propensity classes, or divide each respondent's
        weight by its own estimated propensity.
    min_respondents : int
        Fewest respondents a class may have; fewer is an InputError naming the class.

    Returns
    -------
    Design or ReplicateDesign
        Same rows: respondents carry the adjusted weights, nonrespondents a zero weight.
        ``diagnostics`` (with ``details["classes"]``, the adjustment factors' range) and,
        with ``propensity=``, ``response_model`` (the fitted model).

    Raises
    ------
    InputError
        A response column that is not 0/1; neither or both of cells/propensity; a class with
        too few respondents; a missing class value; perfect separation in the model.

    Examples
    --------
    >>> from govsurvey.design import Design
    >>> df = pd.DataFrame({"r": [1, 0, 1, 1], "g": ["a", "a", "b", "b"], "w": 10.0})
    >>> d = nonresponse_adjust(Design(df, weights="w"), "r", cells=["g"])
    >>> d.weight_values.tolist()
    [20.0, 0.0, 10.0, 10.0]
    """
    if (cells is None) == (propensity is None):
        raise InputError.one(
            "give exactly one of cells= (weighting classes) and propensity= (model covariates)",
            'e.g. cells=["district", "age_group"] or propensity=["age_group", "mode", "field"]',
        )
    if method not in ("classes", "inverse"):
        raise InputError.one("unknown method", "use 'classes' or 'inverse'", value=method)
    w = np.asarray(design.weight_values, dtype=float)
    live = w > 0
    r = response_indicator(design.data, response, live)
    if not (r[live] == 1).any():
        raise InputError.one("no one responded", "check the response column", column=response)
    model = None
    details: dict = {}
    if cells is not None:
        cells = [cells] if isinstance(cells, str) else list(cells)
        data = design.data
        for c in cells:
            if c not in data.columns:
                raise InputError.one("cell column not in the data", "check cells=", column=c)
            if (data[c].isna().to_numpy() & live).any():
                raise InputError.one(
                    f"{c} is missing for some sampled units",
                    "weighting classes need values known for every sampled unit",
                    column=c,
                )
        grp = data.groupby(cells, sort=True, dropna=False, observed=True)
        cell = grp.ngroup().to_numpy()
        labels = np.array(
            [" × ".join(map(str, k if isinstance(k, tuple) else (k,))) for k in grp.size().index]
        )
        cell = np.where(live, cell, -1)
        details["cells"] = cells
    else:
        propensity = [propensity] if isinstance(propensity, str) else list(propensity)
        model = response_propensity(design, propensity, response=response)
        details["propensity"] = propensity
        if method == "inverse":
            p = np.where(live, model.propensity, 1.0)
            new = np.where(live & (r == 1), w / p, 0.0)
            if is_replicate(design):
                A = design.replicate_weights() * np.where(r == 1, 1.0 / p, 0.0)[:, None]
                out = design.with_weights(new, replicate_weights=A)
            else:
                out = with_steps(design, new)
            details["method"] = "inverse propensity"
            diag = weight_summary("nonresponse", w, new, details=details)
            out = attach(out, diag, history=design)
            out.response_model = model
            return out
        cell = propensity_classes(model.propensity, w, classes)
        labels = np.array([f"class {k + 1}" for k in range(classes)])
    K = len(labels)
    ci = np.where(cell >= 0, cell, K)
    sampled = np.bincount(ci, weights=w, minlength=K + 1)[:K]
    answered = np.bincount(ci, weights=w * r, minlength=K + 1)[:K]
    n_resp = np.bincount(ci, weights=r * live, minlength=K + 1)[:K]
    n_all = np.bincount(ci, weights=live.astype(float), minlength=K + 1)[:K]
    used = n_all > 0
    few = used & (n_resp < max(min_respondents, 1))
    if few.any():
        k = int(np.flatnonzero(few)[0])
        raise InputError.one(
            f"weighting class {str(labels[k])!r} has {int(n_resp[k])} respondent(s) among "
            f"{int(n_all[k])} sampled units, so its nonrespondents' weight cannot be carried",
            "use fewer or coarser classes (collapse this class with a similar one)",
            value=str(labels[k]),
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(answered > 0, sampled / answered, 0.0)
    f = np.append(f, 0.0)
    new = np.where(live & (r == 1), w * f[ci], 0.0)
    details.update(
        classes=int(used.sum()),
        factor_min=float(f[:K][used].min()),
        factor_max=float(f[:K][used].max()),
        fewest_respondents=int(n_resp[used].min()),
    )
    if is_replicate(design):
        A = design.replicate_weights()
        S = group_sum(ci, A, K + 1)
        Sr = group_sum(ci, A * r[:, None], K + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            F = np.where(Sr > 0, S / Sr, 0.0)
        F[K] = 0.0
        out = design.with_weights(new, replicate_weights=A * r[:, None] * F[ci])
        reps = design.replicates
    else:
        out = with_steps(design, new, NonresponseClasses(cell, w, new, K))
        reps = 0
    diag = weight_summary("nonresponse", w, new, replicates=reps, details=details)
    out = attach(out, diag, history=design)
    out.response_model = model
    return out
