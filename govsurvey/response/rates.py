"""Response rates by the AAPOR Standard Definitions, and dispositions derived from survey data.

Final disposition codes (AAPOR, Standard Definitions, 2016/2023), one per sampled case:

========  =====================================================  ======
code      meaning                                                group
========  =====================================================  ======
1.1       complete                                               I
1.2       partial                                                P
2.1x      refusal and break-off (2.11 refusal, 2.12 break-off)   R
2.2x      non-contact                                            NC
2.3x      other (2.31 dead, 2.32 unable, 2.33 language, …)       O
3.1x      unknown if eligible unit / household                   UH
3.2–3.9   unknown eligibility, other                             UO
4.x       not eligible                                           NE
========  =====================================================  ======

Codes are read as text (``"2.11"``); numbers are accepted where unambiguous (``1.1``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError, Problem

__all__ = ["RATES", "GROUPS", "response_rates", "disposition_group", "assign_dispositions"]

#: The AAPOR outcome groups, in order.
GROUPS = ("I", "P", "R", "NC", "O", "UH", "UO", "NE")
#: The rates :func:`response_rates` returns, in order.
RATES = (
    "RR1", "RR2", "RR3", "RR4", "RR5", "RR6",
    "COOP1", "COOP2", "COOP3", "COOP4",
    "REF1", "REF2", "REF3",
    "CON1", "CON2", "CON3",
    "e",
)  # fmt: skip

_CODE = re.compile(r"^([1-4])\.(\d)(\d*)$")


def _group_of(text) -> str | None:
    if not isinstance(text, str):
        return None
    m = _CODE.match(text)
    if not m:
        return None
    major, minor, rest = int(m.group(1)), int(m.group(2)), m.group(3)
    if major == 1:
        return {1: "I", 2: "P"}.get(minor) if rest.strip("0") == "" else None
    if minor == 0:
        return None
    if major == 2:
        return {1: "R", 2: "NC"}.get(minor, "O")
    if major == 3:
        return "UH" if minor == 1 else "UO"
    return "NE"


def disposition_group(codes: pd.Series | Sequence, column: str = "disposition") -> np.ndarray:
    """The AAPOR group (I, P, R, NC, O, UH, UO, NE) of each disposition code.

    Raises one :class:`~govsurvey.errors.InputError` listing every code outside the AAPOR set.

    Examples
    --------
    >>> disposition_group(["1.1", "2.12", "3.21", 4.1]).tolist()
    ['I', 'R', 'UO', 'NE']
    """
    s = pd.Series(codes)
    txt = s.map(lambda v: None if pd.isna(v) else str(v).strip()).to_numpy(dtype=object)
    uniq, inv = np.unique(
        np.array([t if isinstance(t, str) else "" for t in txt]), return_inverse=True
    )
    groups = np.array([_group_of(u) if u else None for u in uniq], dtype=object)
    out = groups[inv] if len(txt) else np.array([], dtype=object)
    bad = [k for k in range(len(uniq)) if groups[k] is None]
    if bad:
        problems = []
        for k in bad:
            u = str(uniq[k]) if uniq[k] else None
            rows = np.flatnonzero(inv == k)
            problems.append(
                Problem(
                    what=(
                        f"disposition code {u!r} is not an AAPOR final disposition "
                        if u
                        else "missing disposition code "
                    )
                    + f"({len(rows)} case(s), first at position {int(rows[0])})",
                    fix="use 1.1 complete, 1.2 partial, 2.1x refusal/break-off, 2.2x "
                    "non-contact, 2.3x other, 3.1x/3.2–3.9 unknown eligibility, 4.x not eligible",
                    column=column,
                    value=u,
                )
            )
        raise InputError(problems)
    return out


def _rates(c: pd.DataFrame, e: np.ndarray | float | None) -> pd.DataFrame:
    """All rates from group counts (one row per domain, columns GROUPS)."""
    I, P, R, NC, O, UH, UO, NE = (c[g].to_numpy(dtype=float) for g in GROUPS)  # noqa: E741
    elig = I + P + R + NC + O
    with np.errstate(divide="ignore", invalid="ignore"):
        e_ = elig / (elig + NE) if e is None else np.broadcast_to(float(e), I.shape)
        U = UH + UO
        d1 = I + P + R + NC + O + U
        d3 = I + P + R + NC + O + e_ * U
        d5 = I + P + R + NC + O
        out = {
            "RR1": I / d1, "RR2": (I + P) / d1, "RR3": I / d3, "RR4": (I + P) / d3,
            "RR5": I / d5, "RR6": (I + P) / d5,
            "COOP1": I / (I + P + R + O), "COOP2": (I + P) / (I + P + R + O),
            "COOP3": I / (I + P + R), "COOP4": (I + P) / (I + P + R),
            "REF1": R / d1, "REF2": R / d3, "REF3": R / d5,
            "CON1": (I + P + R + O) / d1, "CON2": (I + P + R + O) / d3,
            "CON3": (I + P + R + O) / d5,
            "e": e_,
        }  # fmt: skip
    return pd.DataFrame(out, index=c.index)


def response_rates(
    frame: pd.DataFrame,
    disposition: str = "disposition",
    by: str | Sequence[str] | None = None,
    e: float | None = None,
    weight: str | None = None,
) -> pd.DataFrame:
    """AAPOR response, cooperation, refusal and contact rates, overall or by domain.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per sampled case with its final disposition code.
    disposition : str
        The disposition column.
    by : str or list of str, optional
        Domains (district, mode, field …): rates per domain.
    e : float, optional
        The share of unknown-eligibility cases taken as eligible (RR3, RR4, REF2, CON2). By
        default the proportion-eligible rule, ``(I+P+R+NC+O) / (I+P+R+NC+O+NE)``, per domain.
    weight : str, optional
        A weight column for weighted rates (base weights: the rates of the population).

    Returns
    -------
    pandas.DataFrame
        Tidy ``[*by, "rate", "estimate", "cases"]``: one row per domain and rate (RR1–RR6,
        COOP1–COOP4, REF1–REF3, CON1–CON3 and the ``e`` used), estimates as proportions.

    Raises
    ------
    InputError
        Codes outside the AAPOR set (all listed), a missing column, ``e`` outside [0, 1].

    Examples
    --------
    >>> f = pd.DataFrame({"disposition": ["1.1", "1.1", "1.2", "2.11", "2.20", "3.10", "4.10"]})
    >>> r = response_rates(f).set_index("rate")["estimate"]
    >>> [round(float(r[k]), 4) for k in ("RR1", "RR2", "e")]
    [0.3333, 0.5, 0.8333]
    """
    if disposition not in frame.columns:
        raise InputError.one(
            "the disposition column does not exist",
            "pass disposition= naming the column of AAPOR codes (e.g. from "
            "gs.response.rates.assign_dispositions)",
            column=disposition,
        )
    if e is not None and not 0.0 <= float(e) <= 1.0:
        raise InputError.one("e must lie between 0 and 1", "pass a proportion", value=e)
    by_ = [] if by is None else ([by] if isinstance(by, str) else list(by))
    for b in by_ + ([weight] if weight else []):
        if b not in frame.columns:
            raise InputError.one("column not in the frame", "check by= / weight=", column=b)
    grp = disposition_group(frame[disposition], disposition)
    w = np.ones(len(frame)) if weight is None else frame[weight].to_numpy(dtype=float)
    df = pd.DataFrame({"_g": grp, "_w": w, "_n": 1})
    for b in by_:
        df[b] = frame[b].to_numpy()
    keys = by_ + ["_g"]
    counts = df.groupby(keys, sort=True, observed=True, dropna=False)["_w"].sum()
    cases = df.groupby(by_, sort=True, observed=True, dropna=False)["_n"].sum() if by_ else None
    if by_:
        c = counts.unstack("_g").reindex(columns=list(GROUPS)).fillna(0.0)
    else:
        c = counts.reindex(list(GROUPS)).fillna(0.0).to_frame().T
    rates = _rates(c, e)
    long = rates.stack(future_stack=True).rename("estimate").reset_index()
    long = long.rename(columns={long.columns[-2]: "rate"})
    if by_:
        long["cases"] = cases.reindex(
            pd.MultiIndex.from_frame(long[by_]) if len(by_) > 1 else long[by_[0]]
        ).to_numpy()
        return long[[*by_, "rate", "estimate", "cases"]]
    long["cases"] = len(frame)
    return long[["rate", "estimate", "cases"]]


#: How nonrespondents' dispositions are shared by survey mode when only "did not answer" is
#: known: (refusal 2.11, non-contact 2.20, other 2.30, unknown eligibility 3.20).
NONRESPONSE_SPLIT = {
    "post": (0.10, 0.25, 0.05, 0.60),
    "online": (0.10, 0.30, 0.05, 0.55),
    "phone": (0.40, 0.45, 0.10, 0.05),
    "handout": (0.60, 0.10, 0.10, 0.20),
    "face_to_face": (0.70, 0.15, 0.15, 0.00),
}
_DEFAULT_SPLIT = (0.35, 0.35, 0.10, 0.20)


def assign_dispositions(
    responses: pd.DataFrame,
    items: Sequence[str],
    response: str = "responded",
    mode: str | None = "mode",
    seed: int = 1,
    complete: float = 0.8,
    partial: float = 0.5,
    split: dict | None = None,
) -> pd.Series:
    """AAPOR disposition codes for a sample file that only records who answered.

    Respondents are classified from their own answers (AAPOR's share-of-items rule): at least
    ``complete`` of ``items`` answered (1–5 or a don't-know code counts as answered, a blank
    does not) → 1.1 complete; at least ``partial`` → 1.2 partial; fewer → 2.12 break-off.
    Nonrespondents' outcome is not in the data, so it is **drawn** (seeded) by survey mode from
    ``split`` (refusal 2.11, non-contact 2.20, other 2.30, unknown eligibility 3.20) — an
    assumption to replace by the field's records when they exist.

    Parameters
    ----------
    responses : pandas.DataFrame
        Every sampled case.
    items : list of str
        The questionnaire items that count for completeness (e.g. the 22 criteria).
    response : str
        The 0/1 column.
    mode : str, optional
        The survey mode column for the nonrespondents' split (None: one split for all).
    seed : int
    complete, partial : float
        Shares of items answered for a complete and a partial interview.
    split : dict, optional
        ``{mode: (refusal, non-contact, other, unknown)}``; defaults to
        :data:`NONRESPONSE_SPLIT`.

    Returns
    -------
    pandas.Series
        Codes as text, aligned with ``responses``.

    Examples
    --------
    >>> df = pd.DataFrame({"responded": [1, 1, 0], "a": [4, None, None], "b": [5, 3, None],
    ...                    "mode": ["post", "post", "phone"]})
    >>> assign_dispositions(df, ["a", "b"], seed=3).tolist()
    ['1.1', '1.2', '2.20']
    """
    from .propensity import response_indicator

    r = response_indicator(responses, response)
    missing = [c for c in items if c not in responses.columns]
    if missing:
        raise InputError.one("item column not in the data", "check items=", column=missing[0])
    answered = responses[list(items)].notna().to_numpy().mean(axis=1)
    code = np.where(answered >= complete, "1.1", np.where(answered >= partial, "1.2", "2.12"))
    split = {**NONRESPONSE_SPLIT, **(split or {})}
    if mode is not None and mode in responses.columns:
        m = responses[mode].astype(str).to_numpy()
    else:
        m = np.full(len(responses), "")
    probs = np.array([split.get(x, _DEFAULT_SPLIT) for x in m], dtype=float)
    probs = probs / probs.sum(axis=1, keepdims=True)
    u = np.random.default_rng(seed).random(len(responses))
    k = (u[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
    drawn = np.array(["2.11", "2.20", "2.30", "3.20"])[np.minimum(k, 3)]
    out = np.where(r == 1, code, drawn)
    return pd.Series(out, index=responses.index, name="disposition")
