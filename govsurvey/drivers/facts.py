"""The facts of the service: what happened to the dossier, and what it costs in satisfaction.

The plans promise concrete things — one trip per dossier, results on time, an apology when
late, no harassment, no informal payment. The instrument file says which facts it asks and how
each is read off its item (``fact:`` under an assessment item, :attr:`Instrument.facts`); nothing
here knows them. :func:`service_facts` estimates how often each
promise was broken (design-based shares with logit intervals, for the population and by
domain); :func:`fact_effects` estimates how each fact moves satisfaction: the design-based
difference in the share satisfied overall (answers 4–5) between people with and without the
fact, a linear model through :func:`govsurvey.drivers.models.glm` (so its SE is the design's).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..results import logit_interval
from .models import glm

__all__ = ["fact_indicators", "service_facts", "fact_effects", "with_columns"]


def with_columns(design, columns: pd.DataFrame | dict):
    """The same design with extra analysis columns in its data (rows aligned with ``data``).

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.design import Design
    >>> d = Design(pd.DataFrame({"y": [1.0, 2.0]}))
    >>> list(with_columns(d, {"z": [3.0, 4.0]}).data.columns)
    ['y', 'z']
    """
    cols = pd.DataFrame(columns)
    if len(cols) != len(design.data):
        raise InputError.one(
            f"{len(cols)} rows of new columns for {len(design.data)} rows of the design",
            "compute the columns on design.data",
        )
    new = copy.copy(design)
    new.data = design.data.assign(**{c: np.asarray(cols[c]) for c in cols.columns})
    return new


def fact_indicators(data: pd.DataFrame, instrument) -> pd.DataFrame:
    """0/1 indicators of each fact of the instrument (NaN where it does not apply or was not
    answered).

    A fact read off a count is 1 when the count is above its ``above`` (among counts within
    the item's min..max); one read off a choice is 1 when the answer is one of its ``answers``
    (among its ``among`` codes, default all the item's codes); ``only_when`` keeps it to the
    respondents whose answer to another item is one of the codes given.

    Parameters
    ----------
    data : DataFrame
        Holds the assessment columns.
    instrument : Instrument
        Its :attr:`~govsurvey.config.instrument.Instrument.facts`.

    Returns
    -------
    pandas.DataFrame
        One column per fact code, rows aligned with ``data``.

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> df = pd.DataFrame({"trips": [1, 3], "late_result": [2, 1], "apology": [0, 2],
    ...                    "harassment": [2, 9], "informal_payment": [2, 2]})
    >>> ind = fact_indicators(df, gs.load_instrument("sipas-2017"))
    >>> ind["no_apology_when_late"].tolist(), ind["multiple_trips"].tolist()
    ([nan, 1.0], [0.0, 1.0])
    """
    facts = instrument.facts
    items = {a["column"]: a for a in instrument.assessment}
    need = list(
        dict.fromkeys(
            [f["column"] for f in facts] + [c for f in facts for c in f.get("only_when", {})]
        )
    )
    missing = [c for c in need if c not in data.columns]
    if missing:
        raise InputError.one(
            f"the facts of the service need column(s) {', '.join(missing)}",
            "use a file with the instrument's assessment items ("
            + ", ".join(need)
            + "), or an instrument without facts",
            column=missing[0],
        )
    num = data[need].apply(pd.to_numeric, errors="coerce").astype("float64")
    out = pd.DataFrame(index=data.index)
    for f in facts:
        v, item = num[f["column"]], items[f["column"]]
        if "above" in f:
            lo, hi = item.get("min", -np.inf), item.get("max", np.inf)
            valid = v.between(lo, hi)
            has = v > f["above"]
        else:
            valid = v.isin(f.get("among", list(item.get("codes", {}))))
            has = v.isin(f["answers"])
        for col, codes in f.get("only_when", {}).items():
            valid &= num[col].isin(codes)
        out[f["code"]] = np.where(valid, has.astype(float), np.nan)
    return out


def service_facts(
    design,
    instrument,
    by: str | Sequence[str] | None = None,
    min_cell: int = 30,
    level: float = 0.95,
) -> pd.DataFrame:
    """Design-based share of dossiers with each fact, for the population or by domain.

    Parameters
    ----------
    design : Design or ReplicateDesign
        Its data holds the assessment columns.
    instrument : Instrument
        Says which facts there are (:func:`fact_indicators`).
    by : str or list of str, optional
        Domain columns (district, field, …).
    min_cell : int, default 30
        A domain with fewer respondents answering the item gets NaN and ``status``
        ``"small_cell"``.
    level : float

    Returns
    -------
    pandas.DataFrame
        ``[*by, variable, estimate, se, ci_low, ci_high, df, n, status]`` (``variable`` = the
        fact; ``status`` ``"estimated"`` or ``"small_cell"``); estimates are
        percentages with logit intervals.

    Examples
    --------
    >>> import numpy as np, pandas as pd, govsurvey as gs
    >>> from govsurvey.design import Design
    >>> df = pd.DataFrame({"trips": [1, 2, 1, 1] * 25, "late_result": [2, 2, 1, 2] * 25,
    ...                    "apology": [0, 0, 1, 0] * 25, "harassment": 2,
    ...                    "informal_payment": 2})
    >>> f = service_facts(Design(df), gs.load_instrument("sipas-2017"), min_cell=10)
    >>> f.set_index("variable").loc["multiple_trips", "estimate"]
    np.float64(25.0)
    """
    ind = fact_indicators(design.data, instrument)
    codes = list(ind.columns)
    d = with_columns(design, ind)
    res = d.mean(codes, by=by, level=level)
    by_cols = [
        c
        for c in res.columns
        if c not in ("variable", "estimate", "se", "ci_low", "ci_high", "df", "n", "deff")
    ]
    # n is rows in the domain; count the respondents to whom each fact applies
    keys = [ind[c].notna() for c in codes]
    if by_cols:
        cnt = pd.concat(keys, axis=1).set_axis(codes, axis=1)
        cnt[by_cols] = design.data[by_cols].to_numpy() if by else None
        n_app = cnt.groupby(by_cols, observed=True)[codes].sum().reset_index()
        n_app = n_app.melt(id_vars=by_cols, var_name="variable", value_name="n_applies")
        res = res.merge(n_app, on=[*by_cols, "variable"], how="left")
    else:
        res["n_applies"] = res["variable"].map(
            {c: int(k.sum()) for c, k in zip(codes, keys, strict=True)}
        )
    res["n_applies"] = res["n_applies"].fillna(0).astype(np.int64)
    p = res["estimate"].to_numpy(float)
    se = res["se"].to_numpy(float)
    lo, hi = logit_interval(p, se, res["df"].to_numpy(float), level)
    small = res["n_applies"].to_numpy() < min_cell
    out = res[by_cols].copy()
    out["variable"] = res["variable"].to_numpy()
    out["estimate"] = np.where(small, np.nan, 100 * p)
    out["se"] = np.where(small, np.nan, 100 * se)
    out["ci_low"] = np.where(small, np.nan, 100 * lo)
    out["ci_high"] = np.where(small, np.nan, 100 * hi)
    out["df"] = res["df"].to_numpy(float)
    out["n"] = res["n_applies"].to_numpy()
    out["status"] = np.where(small, "small_cell", "estimated")
    return out.reset_index(drop=True)


def fact_effects(design, instrument, level: float = 0.95) -> pd.DataFrame:
    """How each fact moves overall satisfaction: difference in the share satisfied, in points.

    For each fact a design-based linear model ``100 * satisfied ~ fact`` on the respondents to
    whom the fact applies and who answered the overall item (1–5; don't know and no answer are
    left out): the coefficient is the difference in percentage points between people with and
    without the fact, with the design's SE (R's ``svyglm``).

    Parameters
    ----------
    design : Design or ReplicateDesign
    instrument : Instrument
        Gives the facts, the overall column, its scale and the satisfied answers.
    level : float

    Returns
    -------
    pandas.DataFrame
        ``[variable, estimate, se, ci_low, ci_high, df, p_value, n, share_with, share_without,
        status, adjusted, adjusted_ci_low, adjusted_ci_high]`` (``variable`` = the fact).
        ``adjusted`` is the fact's coefficient in one model with all the facts that apply to
        everyone (those without ``only_when``), i.e. the gap with the others held fixed; NaN
        for a fact that applies only to some (the apology, only for late results).
        ``share_with`` / ``share_without`` are the percentages satisfied in the two groups.
        ``status`` is ``"estimated"``, or ``"no_variation"`` when everyone gave the same
        answer (no comparison).

    Examples
    --------
    >>> import numpy as np, pandas as pd, govsurvey as gs
    >>> from govsurvey.design import Design
    >>> rng = np.random.default_rng(0)
    >>> n = 400
    >>> late = rng.random(n) < 0.3
    >>> df = pd.DataFrame({"trips": 1 + (rng.random(n) < 0.2), "late_result": 2 - late,
    ...     "apology": np.where(late, 1 + (rng.random(n) < 0.5), 0),
    ...     "harassment": 2 - (rng.random(n) < 0.1), "informal_payment": 2 - (rng.random(n) < .1),
    ...     "overall": np.where(late, 3, 4), "psu": np.arange(n)})
    >>> e = fact_effects(Design(df, psu="psu"), gs.load_instrument("sipas-2017"))
    >>> round(float(e.set_index("variable").loc["late_result", "estimate"]), 1)
    -100.0
    """
    outcome, satisfied = instrument.overall_column, instrument.satisfied
    if outcome not in design.data.columns:
        raise InputError.one(
            f"the overall satisfaction column {outcome!r} is not in the data",
            "name the overall item's column",
            column=outcome,
        )
    ind = fact_indicators(design.data, instrument)
    o = pd.to_numeric(design.data[outcome], errors="coerce").astype("float64")
    on_scale = o.between(instrument.scale_min, instrument.scale_max)
    sat = np.where(on_scale, 100.0 * o.isin(list(satisfied)), np.nan)
    d = with_columns(design, ind.assign(_gs_satisfied=sat))
    rows = []
    for fact in ind.columns:  # one model per fact, not a loop over rows
        used = ind[fact].notna() & np.isfinite(sat)
        vals = ind.loc[used, fact]
        if vals.nunique() < 2:
            rows.append(
                {
                    "variable": fact,
                    "estimate": np.nan,
                    "se": np.nan,
                    "ci_low": np.nan,
                    "ci_high": np.nan,
                    "df": np.nan,
                    "p_value": np.nan,
                    "n": int(used.sum()),
                    "share_with": np.nan,
                    "share_without": np.nan,
                    "status": "no_variation",
                }
            )
            continue
        fit = glm(d, f"_gs_satisfied ~ {fact}", level=level).set_index("term")
        b0, b1 = fit.loc["Intercept", "estimate"], fit.loc[fact, "estimate"]
        rows.append(
            {
                "variable": fact,
                **fit.loc[fact].to_dict(),
                "n": int(used.sum()),
                "share_with": b0 + b1,
                "share_without": b0,
                "status": "estimated",
            }
        )
    out = pd.DataFrame(rows)
    everyone = [f["code"] for f in instrument.facts if not f.get("only_when")]
    status = out.set_index("variable")["status"]
    joint = [f for f in everyone if status[f] == "estimated"]
    adj = {f: (np.nan, np.nan, np.nan) for f in ind.columns}
    if len(joint) >= 2:
        # adjusted: one model with the facts that apply to everyone (the apology applies only
        # to late results, so it keeps its own comparison among them)
        fit = glm(d, "_gs_satisfied ~ " + " + ".join(joint), level=level).set_index("term")
        adj.update({f: tuple(fit.loc[f, ["estimate", "ci_low", "ci_high"]]) for f in joint})
    out["adjusted"] = [adj[f][0] for f in out["variable"]]
    out["adjusted_ci_low"] = [adj[f][1] for f in out["variable"]]
    out["adjusted_ci_high"] = [adj[f][2] for f in out["variable"]]
    return out
