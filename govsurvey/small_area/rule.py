"""The publication rule by precision: direct where it is good enough, model-based otherwise.

Per unit, in this order:

1. a unit with forms but fewer than ``min_cell`` is suppressed (the guard's small-cell rule
   holds for anything derived from fewer than ``min_cell`` forms);
2. the direct estimate, where its CV is at most ``max_cv`` and (if ``min_effective_n`` is
   given) its effective sample size ``p (1 - p) / se^2`` (proportion scale) is at least that;
3. the model-based estimate (``"fh"``, or ``"synthetic"`` for a unit without forms), where its
   CV ``sqrt(mse) / estimate`` is at most ``max_model_cv``;
4. otherwise suppressed.

Each figure says which it is: ``method`` in the frame, and :func:`method_label` in words
("ước lượng trực tiếp" / "direct", "ước lượng mô hình" / "model-based", …).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from govsurvey.errors import InputError

from .estimates import FH_COLUMNS

__all__ = ["LABELS", "PublicationRule", "apply_rule", "method_label"]

#: What each figure is, in the report languages.
LABELS = {
    "direct": {"vi": "ước lượng trực tiếp", "en": "direct"},
    "fh": {"vi": "ước lượng mô hình", "en": "model-based"},
    "synthetic": {"vi": "ước lượng mô hình (tổng hợp)", "en": "model-based (synthetic)"},
    "suppressed": {"vi": "không công bố", "en": "suppressed"},
}


def method_label(method: str, language: str = "en") -> str:
    """The words for a figure's method.

    Examples
    --------
    >>> method_label("fh", "vi"), method_label("direct")
    ('ước lượng mô hình', 'direct')
    """
    if method not in LABELS or language not in ("vi", "en"):
        raise InputError.one(
            "unknown method or language",
            f"use a method of {sorted(LABELS)} and language 'vi' or 'en'",
            value=(method, language),
        )
    return LABELS[method][language]


@dataclass(frozen=True)
class PublicationRule:
    """The thresholds of the rule (a parameter of the report).

    Attributes
    ----------
    max_cv : float
        Largest CV of a published direct estimate (0.05 = 5%).
    max_model_cv : float
        Largest CV (root MSE over estimate) of a published model-based estimate.
    min_effective_n : float or None
        Smallest effective sample size of a published direct estimate (None: not used).
    min_cell : int
        Units with at least one and fewer than ``min_cell`` forms are suppressed.
    """

    max_cv: float = 0.05
    max_model_cv: float = 0.10
    min_effective_n: float | None = None
    min_cell: int = 30

    def __post_init__(self) -> None:
        for name in ("max_cv", "max_model_cv"):
            v = getattr(self, name)
            if not (isinstance(v, int | float) and v > 0):
                raise InputError.one(f"{name} must be a positive number", "use e.g. 0.05", value=v)
        if self.min_cell < 0:
            raise InputError.one(
                "min_cell must not be negative", "use e.g. 30", value=self.min_cell
            )


def apply_rule(
    direct: pd.DataFrame,
    model: pd.DataFrame,
    unit: str = "ward",
    rule: PublicationRule | None = None,
) -> pd.DataFrame:
    """Choose, per unit, the direct estimate, the model-based one, or suppression.

    Parameters
    ----------
    direct : pandas.DataFrame
        ``[unit, "estimate", "se"]`` (``"ci_low"``, ``"ci_high"``, ``"n"`` used when present).
    model : pandas.DataFrame
        A result of :func:`govsurvey.fay_herriot` for the same units (and possibly more).
    unit : str
    rule : PublicationRule, optional
        The thresholds; the defaults of :class:`PublicationRule` otherwise.

    Returns
    -------
    pandas.DataFrame
        ``[unit, "estimate", "mse", "se", "ci_low", "ci_high", "method", "shrinkage", "n",
        "label_vi", "label_en"]`` in the order of ``model``: the chosen figure (NaN where
        suppressed), ``method`` one of ``"direct"``, ``"fh"``, ``"synthetic"``,
        ``"suppressed"``. ``attrs["rule"]`` records the thresholds, ``attrs["model"]`` the
        model's record.

    Examples
    --------
    >>> d = pd.DataFrame({"ward": ["a", "b"], "estimate": [80.0, 70.0], "se": [2.0, 9.0],
    ...                   "n": [400, 40]})
    >>> m = pd.DataFrame({"ward": ["a", "b"], "estimate": [80.5, 75.0], "mse": [3.0, 16.0],
    ...                   "se": [3.0**0.5, 4.0], "ci_low": [77.1, 67.2], "ci_high": [83.9, 82.8],
    ...                   "method": "fh", "shrinkage": [0.6, 0.2], "n": [400, 40]})
    >>> apply_rule(d, m)["method"].tolist()
    ['direct', 'fh']
    """
    rule = PublicationRule() if rule is None else rule
    for col in [unit, "estimate", "se"]:
        if col not in direct.columns:
            raise InputError.one(
                f"direct has no column {col!r}", "pass the direct estimates", column=col
            )
    out = model[[unit, *FH_COLUMNS]].copy().reset_index(drop=True)
    d = direct.set_index(unit).reindex(out[unit])
    de = d["estimate"].to_numpy(dtype=float)
    dse = d["se"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv_d = dse / np.abs(de)
        cv_m = out["se"].to_numpy(dtype=float) / np.abs(out["estimate"].to_numpy(dtype=float))
        scale = model.attrs.get("model", {}).get("scale", 100.0 if np.nanmax(de) > 1 else 1.0)
        p = de / scale
        n_eff = p * (1 - p) / (dse / scale) ** 2
    n = out["n"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    small = np.isfinite(n) & (n > 0) & (n < rule.min_cell)
    ok_d = np.isfinite(de) & np.isfinite(dse) & (dse > 0) & (cv_d <= rule.max_cv)
    if rule.min_effective_n is not None:
        ok_d &= n_eff >= rule.min_effective_n
    ok_m = np.isfinite(cv_m) & (cv_m <= rule.max_model_cv)
    use_d = ~small & ok_d
    use_m = ~small & ~ok_d & ok_m
    # the direct interval as the direct frame gives it (design df), else a normal one
    z = stats.norm.ppf(0.5 + model.attrs.get("level", 0.95) / 2)
    lo = d["ci_low"].to_numpy(dtype=float) if "ci_low" in d else de - z * dse
    hi = d["ci_high"].to_numpy(dtype=float) if "ci_high" in d else de + z * dse
    sup = ~(use_d | use_m)
    out.loc[use_d, "estimate"] = de[use_d]
    out.loc[use_d, "se"] = dse[use_d]
    out.loc[use_d, "mse"] = dse[use_d] ** 2
    out.loc[use_d, "ci_low"] = lo[use_d]
    out.loc[use_d, "ci_high"] = hi[use_d]
    out.loc[use_d, "method"] = "direct"
    out.loc[use_d, "shrinkage"] = np.nan
    for col in ["estimate", "se", "mse", "ci_low", "ci_high", "shrinkage"]:
        out.loc[sup, col] = np.nan
    out.loc[sup, "method"] = "suppressed"
    for lang in ("vi", "en"):
        out[f"label_{lang}"] = out["method"].map({k: v[lang] for k, v in LABELS.items()})
    out.attrs["rule"] = asdict(rule)
    out.attrs["model"] = model.attrs.get("model")
    out.attrs["level"] = model.attrs.get("level", 0.95)
    return out
