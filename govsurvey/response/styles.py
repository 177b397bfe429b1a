"""Response styles and data quality: straight-lining, acquiescence, extreme responding, item
nonresponse and don't-know rates, speeding, duplicate and near-duplicate forms, and collector
or mode effects on the index.

Forms are **flagged, never removed**: :func:`flag_forms` returns one row per form with a column
per check and ``flagged`` (any check); the analyst decides, and :func:`index_without_flagged`
shows how far the index moves when flagged forms are set aside (their weight is zeroed in a
copy of the design — the design's own rows are never dropped).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = [
    "flag_counts",
    "answer_matrix",
    "response_styles",
    "item_quality",
    "duplicate_forms",
    "flag_forms",
    "index_without_flagged",
    "satisfied_indicator",
]


def answer_matrix(data: pd.DataFrame, items: Sequence[str]) -> np.ndarray:
    """The answers to ``items`` as a float matrix (NaN for blanks); an InputError for text."""
    missing = [c for c in items if c not in data.columns]
    if missing:
        raise InputError.one(
            "item column not in the data", "pass the criterion columns", column=missing[0]
        )
    out = data[list(items)].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    return out


def response_styles(
    data: pd.DataFrame,
    items: Sequence[str],
    scale: tuple[int, int] = (1, 5),
    dont_know: Sequence[int] = (8,),
    no_answer: Sequence[int] = (9,),
    min_items: int = 10,
) -> pd.DataFrame:
    """Per-form response-style measures over the scale items.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents' forms.
    items : list of str
        The scale items (e.g. the 22 criteria).
    scale : (int, int)
        Lowest and highest scale code.
    dont_know, no_answer : codes
        The instrument's missing codes (not answers on the scale).
    min_items : int
        Valid answers a form needs before straight-lining is judged.

    Returns
    -------
    pandas.DataFrame
        One row per form (index of ``data``): ``valid`` (answers on the scale),
        ``straightlining`` (every valid answer the same, with at least ``min_items``),
        ``acquiescence`` (share of valid answers at the top two codes), ``extreme`` (share at
        either end), ``dont_know`` and ``item_nonresponse`` (shares of items), ``sd`` (the
        spread of the form's valid answers).

    Examples
    --------
    >>> df = pd.DataFrame({"a": [5, 4, 8], "b": [5, 2, 9], "c": [5, 3, None]})
    >>> st = response_styles(df, ["a", "b", "c"], min_items=3)
    >>> st[["valid", "straightlining"]].values.tolist()
    [[3, True], [3, False], [0, False]]
    """
    X = answer_matrix(data, items)
    lo, hi = scale
    valid = (X >= lo) & (X <= hi) & (X == np.round(X))
    V = np.where(valid, X, np.nan)
    nv = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        vmin, vmax = (
            np.nanmin(np.where(valid, V, np.inf), axis=1),
            np.nanmax(np.where(valid, V, -np.inf), axis=1),
        )
        share = 1.0 / np.where(nv > 0, nv, np.nan)
        mean = np.nansum(np.where(valid, V, 0.0), axis=1) * share
        sd = np.sqrt(np.nansum(np.where(valid, (V - mean[:, None]) ** 2, 0.0), axis=1) * share)
    k = X.shape[1]
    out = pd.DataFrame(
        {
            "valid": nv,
            "straightlining": (nv >= min_items) & (vmin == vmax),
            "acquiescence": (valid & (X >= hi - 1)).sum(axis=1) * share,
            "extreme": (valid & ((X == lo) | (X == hi))).sum(axis=1) * share,
            "dont_know": np.isin(X, list(dont_know)).sum(axis=1) / k,
            "item_nonresponse": (np.isin(X, list(no_answer)) | np.isnan(X)).sum(axis=1) / k,
            "sd": sd,
        },
        index=data.index,
    )
    return out


def item_quality(
    data: pd.DataFrame,
    items: Sequence[str],
    weights: np.ndarray | None = None,
    dont_know: Sequence[int] = (8,),
    no_answer: Sequence[int] = (9,),
) -> pd.DataFrame:
    """Don't-know and item-nonresponse rates per item (weighted when ``weights`` is given).

    Examples
    --------
    >>> df = pd.DataFrame({"a": [5, 8, 9, 4], "b": [5, 4, 3, None]})
    >>> item_quality(df, ["a", "b"]).round(2).values.tolist()
    [['a', 0.25, 0.25, 0.5], ['b', 0.0, 0.25, 0.75]]
    """
    X = answer_matrix(data, items)
    w = np.ones(len(data)) if weights is None else np.asarray(weights, dtype=float)
    W = w.sum()
    dk = (np.isin(X, list(dont_know)) * w[:, None]).sum(0) / W
    na = ((np.isin(X, list(no_answer)) | np.isnan(X)) * w[:, None]).sum(0) / W
    return pd.DataFrame(
        {"item": list(items), "dont_know": dk, "item_nonresponse": na, "valid": 1 - dk - na}
    )


def duplicate_forms(
    data: pd.DataFrame,
    items: Sequence[str],
    keys: Sequence[str] = (),
    max_differences: int = 1,
) -> pd.DataFrame:
    """Exact and near-duplicate forms: same answers to every item (and the same ``keys``,
    e.g. ward and collector), or differing in at most ``max_differences`` (0 or 1) items.

    Near-duplicates are found without comparing pairs: for each item, forms are grouped on
    all the other answers; two forms in one group differ at most in that item.

    Returns
    -------
    pandas.DataFrame
        ``duplicate`` (an exact copy exists), ``near_duplicate`` and ``group`` (an id shared by
        the forms that match, -1 for none), indexed like ``data``.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [5, 5, 5, 1], "b": [4, 4, 3, 1], "c": [3, 3, 3, 2]})
    >>> duplicate_forms(df, ["a", "b", "c"])[["duplicate", "near_duplicate"]].values.tolist()
    [[True, True], [True, True], [False, True], [False, False]]
    """
    X = answer_matrix(data, items)
    X = np.where(np.isnan(X), -1.0, X)
    K = pd.DataFrame(X, index=data.index)
    for c in keys:
        K[f"key_{c}"] = data[c].astype(str).to_numpy()
    key_cols = [f"key_{c}" for c in keys]
    exact = K.duplicated(keep=False).to_numpy()
    group = np.where(exact, K.groupby(list(K.columns), sort=False).ngroup().to_numpy(), -1)
    near = exact.copy()
    if max_differences >= 1:
        for j in range(X.shape[1]):
            cols = [c for c in range(X.shape[1]) if c != j] + key_cols
            near |= K.duplicated(subset=cols, keep=False).to_numpy()
    return pd.DataFrame(
        {"duplicate": exact, "near_duplicate": near, "group": group}, index=data.index
    )


def flag_forms(
    data: pd.DataFrame,
    items: Sequence[str],
    keys: Sequence[str] = (),
    min_items: int = 10,
    max_dont_know: float = 0.5,
    duration: str | None = None,
    min_seconds: float | None = None,
) -> pd.DataFrame:
    """One row per form: each quality check and ``flagged`` (any of them). Nothing is removed.

    Checks: ``straightlining``; ``many_dont_know`` (more than ``max_dont_know`` of the items
    don't-know or blank); ``duplicate`` and ``near_duplicate`` (within ``keys``); ``speeding``
    (``duration`` below ``min_seconds``, when the data has timings).

    Examples
    --------
    >>> df = pd.DataFrame({"a": [5, 5, 8, 4], "b": [5, 5, 8, 2], "c": [5, 5, 8, 3]})
    >>> flag_forms(df, ["a", "b", "c"], min_items=3)["flagged"].tolist()
    [True, True, True, False]
    """
    st = response_styles(data, items, min_items=min_items)
    dup = duplicate_forms(data, items, keys)
    out = pd.DataFrame(index=data.index)
    out["straightlining"] = st["straightlining"]
    out["many_dont_know"] = (st["dont_know"] + st["item_nonresponse"]) > max_dont_know
    out["duplicate"] = dup["duplicate"]
    out["near_duplicate"] = dup["near_duplicate"] & ~dup["duplicate"]
    if duration is not None and duration in data.columns and min_seconds is not None:
        sec = pd.to_numeric(data[duration], errors="coerce")
        out["speeding"] = (sec < min_seconds).fillna(False).to_numpy()
    checks = list(out.columns)
    out["flagged"] = out[checks].any(axis=1)
    text = np.full(len(out), "", dtype=object)
    for c in checks:  # one vectorised pass per check
        text = text + np.where(out[c].to_numpy(), c + ", ", "")
    out["reasons"] = pd.Series(text, index=out.index).str.rstrip(", ")
    return out


def flag_counts(flags: pd.DataFrame, units: pd.Series | None = None) -> pd.DataFrame:
    """Counts of flagged forms: by check, or (given ``units``) flagged forms by unit.

    The tidy frame a report publishes (guarded by its ``n``) instead of the forms themselves.

    Parameters
    ----------
    flags : pandas.DataFrame
        :func:`flag_forms`' result, one row per form.
    units : pandas.Series, optional
        The unit of each form (ward, collector), aligned with ``flags`` by position; its name
        names the unit column of the result.

    Returns
    -------
    pandas.DataFrame
        Without ``units``: ``check, forms, share, n`` — one row per check and a last row
        ``flagged`` (any check), ``n`` the forms checked. With ``units``:
        ``[unit], variable, forms, share, n`` — one row per unit, ``variable`` "flagged",
        ``forms`` its flagged forms and ``n`` its forms, most flagged first (ties in the
        unit's order). The units add up to the total by check, so the publication guard
        suppresses a second unit beside a small one (:func:`govsurvey.publish.guard.suppress`).

    Examples
    --------
    >>> f = pd.DataFrame({"straightlining": [True, False, False],
    ...                   "duplicate": [False, False, True]})
    >>> f["flagged"] = f.any(axis=1)
    >>> flag_counts(f)[["check", "forms"]].values.tolist()
    [['straightlining', 1], ['duplicate', 1], ['flagged', 2]]
    >>> flag_counts(f, pd.Series(["A", "B", "B"], name="ward")).values.tolist()
    [['A', 'flagged', 1, 1.0, 1], ['B', 'flagged', 1, 0.5, 2]]
    """
    if units is None:
        checks = [c for c in flags.columns if c not in ("flagged", "reasons")] + ["flagged"]
        forms = flags[checks].sum().astype(int).to_numpy()
        n = len(flags)
        return pd.DataFrame(
            {"check": checks, "forms": forms, "share": forms / n if n else np.nan, "n": n}
        )
    name = units.name or "unit"
    g = pd.DataFrame({name: units.to_numpy(), "flagged": flags["flagged"].to_numpy(bool)})
    s = g.groupby(name, sort=True)["flagged"].agg(forms="sum", n="count").reset_index()
    s["forms"] = s["forms"].astype(int)
    s.insert(1, "variable", "flagged")
    s.insert(3, "share", s["forms"] / s["n"])
    return s.sort_values("forms", ascending=False, kind="stable").reset_index(drop=True)


def index_without_flagged(design, instrument, flagged: np.ndarray, by=None) -> pd.DataFrame:
    """The SIPAS index with all forms and with the flagged forms set aside, side by side.

    Flagged rows keep their place in the design with a zero weight (so their PSU still
    counts); the other weights are not re-scaled.

    Returns
    -------
    pandas.DataFrame
        ``[*by, level, code, estimate_all, estimate_without, shift, se_all, se_without]``.
    """
    from ..index import sipas_index

    flagged = np.asarray(flagged, dtype=bool)
    w = np.asarray(design.weight_values, dtype=float)
    d2 = design.with_weights(np.where(flagged, 0.0, w))
    a = sipas_index(design, instrument, by=by)
    b = sipas_index(d2, instrument, by=by)
    keys = [c for c in a.columns if c not in {"estimate", "se", "ci_low", "ci_high", "df", "n"}]
    m = a.merge(b, on=keys, suffixes=("_all", "_without"))
    m["shift"] = m["estimate_without"] - m["estimate_all"]
    return m[[*keys, "estimate_all", "estimate_without", "shift", "se_all", "se_without"]]


def satisfied_indicator(
    data: pd.DataFrame,
    column: str = "overall",
    satisfied: Sequence[int] = (4, 5),
    scale: tuple[int, int] = (1, 5),
) -> np.ndarray:
    """1 for a satisfied answer, 0 for another answer on the scale, NaN otherwise (don't know,
    no answer, blank): the variable of a rate of satisfaction.

    Examples
    --------
    >>> satisfied_indicator(pd.DataFrame({"overall": [5, 3, 8, None]})).tolist()
    [1.0, 0.0, nan, nan]
    """
    x = answer_matrix(data, [column])[:, 0]
    on = (x >= scale[0]) & (x <= scale[1])
    return np.where(on, np.isin(x, list(satisfied)).astype(float), np.nan)
