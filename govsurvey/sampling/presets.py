"""The plans a survey office compares, a register built from ward counts, the recommended plan.

:func:`standard_plan` declares the three plans of the comparison — the SIPAS stratified
two-stage plan, a PAPI-style PPS plan with the seat ward taken with certainty, and a simple
random sample of the city — and :func:`recommend_plan` sizes the first for a margin per
district (or allocates a budget of forms) and states its expected precision.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from govsurvey.errors import InputError

from ._checks import has_columns, positive, size_measure
from .allocation import allocate
from .plan import Plan, Stage
from .precision import expected_precision
from .size import deff_cluster, domain_sizes

__all__ = [
    "PLAN_KINDS",
    "PLAN_LABELS",
    "plan_label",
    "standard_plan",
    "register_from_counts",
    "recommend_plan",
]

PLAN_KINDS = ("sipas", "papi", "srs")

#: plan kind -> language -> label (what a report shows instead of the code)
PLAN_LABELS: dict[str, dict[str, str]] = {
    "sipas": {
        "vi": "Hai giai đoạn, phân tầng theo quận/huyện (SIPAS)",
        "en": "Stratified two-stage (SIPAS)",
    },
    "papi": {
        "vi": "PPS, phường/xã trung tâm chọn chắc chắn (kiểu PAPI)",
        "en": "PPS with the seat ward taken with certainty (PAPI-style)",
    },
    "srs": {
        "vi": "Ngẫu nhiên đơn giản trên toàn dàn chọn mẫu",
        "en": "Simple random sample of the whole frame",
    },
}


def plan_label(kind: str, language: str = "vi") -> str:
    """The label of a plan kind in a language (the kind itself if unknown).

    Examples
    --------
    >>> from govsurvey.sampling import plan_label
    >>> plan_label("srs", "en")
    'Simple random sample of the whole frame'
    """
    return PLAN_LABELS.get(kind, {}).get(language, kind)


def standard_plan(
    kind: str,
    clusters: int | Mapping[Any, int],
    per_cluster: int,
    stratum: str = "district",
    cluster: str = "psu",
    unit: str = "unit_id",
    seat: str = "seat",
    language: str = "vi",
) -> Plan:
    """One of the three plans of the comparison, with the same sample size.

    Parameters
    ----------
    kind : {"sipas", "papi", "srs"}
        ``"sipas"``: wards by SRS within each district, then ``per_cluster`` dossiers by SRS;
        ``"papi"``: wards by systematic PPS on the register size with the ``seat`` ward taken
        with certainty, then ``per_cluster`` dossiers; ``"srs"``: the same total number of
        dossiers by SRS from the whole register (no strata, no clusters).
    clusters : int or mapping
        Wards per district (a mapping per district, e.g. from :func:`recommend_plan`).
    per_cluster : int
        Dossiers per ward.
    stratum, cluster, unit, seat : str
        Frame columns.
    language : {"vi", "en"}
        Language of the plan's name.

    Returns
    -------
    Plan

    Examples
    --------
    >>> from govsurvey.sampling import standard_plan
    >>> p = standard_plan("papi", 5, 50, language="en")
    >>> p.name, p.stages[0].method, p.stages[0].certainty
    ('PPS with the seat ward taken with certainty (PAPI-style)', 'pps_systematic', 'seat')
    """
    if kind not in PLAN_KINDS:
        raise InputError.one(
            f"unknown plan {kind!r}", f"use some of {', '.join(PLAN_KINDS)}", value=kind
        )
    n = int(positive(per_cluster, "forms per ward", "give e.g. 50", integer=True))
    name = plan_label(kind, language)
    if kind == "sipas":
        return Plan([Stage(cluster, clusters), Stage(unit, n)], strata=stratum, name=name)
    if kind == "papi":
        first = Stage(cluster, clusters, method="pps_systematic", certainty=seat)
        return Plan([first, Stage(unit, n)], strata=stratum, name=name)
    total = sum(clusters.values()) if isinstance(clusters, Mapping) else None
    if total is None:
        raise InputError.one(
            "the SRS plan needs the wards per district as a mapping",
            "give clusters={district: wards, ...} so the total matches",
        )
    return Plan([Stage(unit, int(total) * n)], strata=None, name=name)


def register_from_counts(
    units: pd.DataFrame,
    count: str = "N",
    cluster: str = "psu",
    keep: tuple[str, ...] = ("district", "ward", "psu", "area"),
    seat_position: int | None = 1,
    stratum: str = "district",
) -> pd.DataFrame:
    """A dossier-level frame from ward counts: one row per dossier, numbered within the ward.

    What a survey office holds is each ward's one-stop register; this builds its shape from
    a table of counts (``data/synthetic/wards.csv``): ``unit_id`` (1..N over the city),
    ``dossier`` (``<psu>-<number>``) and, with ``seat_position``, ``seat`` true for the ward
    at that position in its district (the district seat: the town of a rural district).

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.sampling import register_from_counts
    >>> w = pd.DataFrame({"district": ["A", "A"], "ward": ["x", "y"], "psu": ["A1", "A2"],
    ...                   "area": ["urban", "rural"], "N": [2, 3]})
    >>> register_from_counts(w)[["psu", "dossier", "seat"]].values.tolist()[:3]
    [['A1', 'A1-00001', True], ['A1', 'A1-00002', True], ['A2', 'A2-00001', False]]
    """
    cols = [c for c in keep if c in units.columns]
    has_columns(units, [count, cluster], "ward table")
    n = size_measure(units[count].to_numpy(), "register count", column=count)
    if (n != np.round(n)).any():
        raise InputError.one(
            "a register count is not a whole number", "give whole numbers of dossiers", column=count
        )
    n = n.astype(np.int64)
    rows = np.repeat(np.arange(len(units)), n)
    out = units.iloc[rows][cols].reset_index(drop=True)
    number = np.arange(len(rows)) - np.repeat(np.cumsum(n) - n, n) + 1
    out["unit_id"] = np.arange(1, len(rows) + 1, dtype=np.int64)
    out["dossier"] = (
        out[cluster].astype(str).to_numpy().astype(object)
        + "-"
        + pd.Series(number).astype(str).str.zfill(5).to_numpy().astype(object)
    )
    if seat_position is not None and stratum in units.columns:
        pos = units.groupby(stratum, sort=False).cumcount().to_numpy() + 1
        out["seat"] = (pos == seat_position)[rows]
    return out


def with_seat(
    frame: pd.DataFrame,
    wards: pd.DataFrame,
    stratum: str = "district",
    ward: str = "psu",
    position: int = 1,
) -> pd.DataFrame:
    """The frame with ``seat``: true in the ward at ``position`` of its district in ``wards``.

    The ward table lists each district's seat first (the town of a rural district), as
    ``data/synthetic/wards.csv`` does; PAPI-style plans take it with certainty.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.sampling import with_seat
    >>> w = pd.DataFrame({"district": ["A", "A", "B"], "psu": ["a1", "a2", "b1"]})
    >>> with_seat(pd.DataFrame({"psu": ["a2", "b1"]}), w)["seat"].tolist()
    [False, True]
    """
    has_columns(wards, [stratum, ward], "ward table")
    has_columns(frame, [ward], "ward")
    pos = wards.groupby(stratum, sort=False).cumcount().to_numpy() + 1
    seats = set(wards.loc[pos == position, ward].astype(str))
    return frame.assign(seat=frame[ward].astype(str).isin(seats).to_numpy())


def recommend_plan(
    units: pd.DataFrame,
    stratum: str = "district",
    size: str = "N",
    margin: float = 0.05,
    confidence: float = 0.95,
    sd: float | Mapping[str, float] = 0.5,
    rho: float = 0.0,
    deff: float | None = None,
    response_rate: float = 1.0,
    per_cluster: int = 50,
    minimum_clusters: int = 2,
    total_forms: int | None = None,
    allocation: str = "proportional",
) -> pd.DataFrame:
    """Wards to draw per district for a margin (or a budget), and the precision to expect.

    Without ``total_forms``: each district gets the forms its own margin needs
    (:func:`domain_sizes` with ``deff = 1 + (m - 1) rho``, ``m`` respondents per ward, or the
    ``deff`` given), rounded up to whole wards, at least ``minimum_clusters`` and at most the
    wards it has; then wards are added while the margin on the district's t quantile (wards
    minus one degrees of freedom) is still above the target. With ``total_forms``:
    ``total_forms / per_cluster`` wards are allocated over
    the districts by ``allocation`` (:func:`allocate` with the same bounds).

    Parameters
    ----------
    units : DataFrame
        One row per ward: the stratum and the register size.
    stratum, size : str
    margin : float
        Target margin per district, as a fraction (0.05 = 5 points).
    confidence : float
    sd : float or mapping
        Element SD (fraction) of the satisfaction score, one or per district.
    rho : float
        Intra-class correlation within wards.
    deff : float, optional
        A design effect given directly (overrides ``rho``).
    response_rate : float
    per_cluster : int
        Forms per ward.
    minimum_clusters : int
        Wards per district at least (2 for a variance).
    total_forms : int, optional
        A budget of forms instead of a margin.
    allocation : str
        Allocation method for a budget (:data:`govsurvey.sampling.allocation.METHODS`).

    Returns
    -------
    DataFrame
        ``stratum, wards, N, forms_needed, clusters, forms, n_respondents, deff, se, margin``
        (``se`` and ``margin`` in percentage points; ``forms_needed`` is NaN with a budget).

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.sampling import recommend_plan
    >>> w = pd.DataFrame({"district": ["A"] * 20 + ["B"] * 20, "N": [1000] * 40})
    >>> r = recommend_plan(w, sd=0.3, rho=0.02, response_rate=0.7, per_cluster=50)
    >>> r[["district", "clusters", "forms"]].values.tolist()
    [['A', 10, 500], ['B', 10, 500]]
    """
    has_columns(units, [stratum, size], "ward table")
    N_u = size_measure(units[size].to_numpy(), "register size", column=size)
    g = units.assign(_N=N_u).groupby(stratum, sort=False)
    N = g["_N"].sum()
    wards = g.size()
    m = int(positive(per_cluster, "forms per ward", "give e.g. 50", integer=True))
    lo = int(
        positive(minimum_clusters, "the minimum wards per district", "give e.g. 2", integer=True)
    )
    too_small = wards < lo
    if too_small.any():
        k = too_small.index[int(np.argmax(too_small.to_numpy()))]
        raise InputError.one(
            f"district {k!r} has {int(wards[k])} ward(s), fewer than the minimum of {lo}",
            "lower minimum_clusters or merge the district with a neighbour",
            value=k,
        )
    d = float(deff) if deff is not None else float(deff_cluster(max(m * response_rate, 1), rho))
    sd_map = sd if isinstance(sd, Mapping) else {k: float(sd) for k in N.index}
    if total_forms is None:
        need = domain_sizes(
            N, moe=margin, confidence=confidence, deff=d, response_rate=response_rate, sd=sd_map
        )
        forms_needed = need["n"].to_numpy(float)
        clusters = np.clip(np.ceil(forms_needed / m), lo, wards.to_numpy()).astype(np.int64)
    else:
        total = int(positive(total_forms, "the total forms", "give a whole number", integer=True))
        sizes = N if allocation != "neyman" else N
        alloc = allocate(
            sizes,
            max(total // m, 1),
            method=allocation,
            sd=sd_map if allocation == "neyman" else None,
            minimum=lo,
            maximum=wards,
        )
        clusters = alloc.to_numpy()
        forms_needed = np.full(len(N), np.nan)

    def precision(cl: np.ndarray) -> pd.DataFrame:
        return expected_precision(
            N,
            pd.Series(cl * m, index=N.index),
            sd=sd_map,
            rho=0.0 if deff is not None else rho,
            cluster_size=m if deff is None else None,
            clusters=pd.Series(cl, index=N.index),
            response_rate=response_rate,
            confidence=confidence,
        )

    prec = precision(clusters)
    if total_forms is None:
        # the district's interval uses t on (wards - 1) df: add wards until the margin holds
        for _ in range(int(wards.max())):
            short = (
                prec["margin"].to_numpy() * (np.sqrt(d) if deff is not None else 1.0)
                > 100 * margin + 1e-9
            ) & (clusters < wards.to_numpy())
            if not short.any():
                break
            clusters = clusters + short
            prec = precision(clusters)
    forms = clusters * m
    if deff is not None:  # a given deff: scale the SRS precision
        prec["se"] *= np.sqrt(d)
        prec["margin"] *= np.sqrt(d)
        prec["deff"] = d
    return pd.DataFrame(
        {
            stratum: list(N.index),
            "wards": wards.to_numpy(),
            "N": N.to_numpy(),
            "forms_needed": forms_needed,
            "clusters": clusters,
            "forms": forms,
            "n_respondents": prec["n_respondents"].to_numpy(),
            "deff": prec["deff"].to_numpy(),
            "se": prec["se"].to_numpy(),
            "margin": prec["margin"].to_numpy(),
        }
    )
