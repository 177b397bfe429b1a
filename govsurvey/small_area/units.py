"""From a survey design to published small-unit figures, and the forms a direct estimate needs.

:func:`unit_direct` gives the direct estimate of one index figure per unit with the variance the
Fay–Herriot model needs: the sampling variance *given that the unit is in the sample*. When each
unit lies in one first-stage PSU (a ward that is itself a PSU, or a desk inside one), the full
design's domain variance is not that one (for a ward drawn as a PSU it is scaled by the
first-stage sampling fraction), so the unit's forms are analysed as a design stratified by unit
with the later stages (``psu[1:]``, ``fpc[1:]``): the within-unit variance. Otherwise (units
spanning several PSUs) the design's own domain estimates are used.
:func:`publish_units` chains the direct estimates, :func:`~govsurvey.fay_herriot` on one chosen
code (benchmarked to the design's direct estimates of a larger area) and the publication rule;
:func:`forms_needed` says, per unit, how many forms a direct estimate would need to be as
precise as the model's (and to reach a target CV).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from govsurvey.design import Design
from govsurvey.errors import InputError
from govsurvey.index import sipas_index

from .estimates import fay_herriot
from .rule import PublicationRule, apply_rule

__all__ = [
    "REPORT_COLUMNS",
    "forms_needed",
    "frame_covariates",
    "plan_forms",
    "publish_units",
    "report_units",
    "unit_direct",
]


def frame_covariates(
    frame: pd.DataFrame,
    unit: str = "psu",
    count: str = "N",
    shares: list[str] | None = None,
    keep: list[str] | None = None,
) -> pd.DataFrame:
    """Covariates of each unit from the sampling frame's counts: size, mix of services and people.

    Parameters
    ----------
    frame : pandas.DataFrame
        Counts of dossiers by unit and characteristics, e.g. ``Simulation.frame()``: columns
        ``unit``, ``count`` and the characteristics.
    unit : str, default "psu"
    count : str, default "N"
    shares : list of str, optional
        Characteristics whose shares enter as covariates (every level but the first, in sorted
        order); default ``["field", "level", "age_group"]`` where present.
    keep : list of str, optional
        Unit-level columns carried over as they are (first value per unit); default
        ``["district", "area"]`` where present.

    Returns
    -------
    pandas.DataFrame
        One row per unit: ``[unit, *keep, count, "log_N", "<share>=<level>"…]``. ``count`` and
        ``keep`` are for benchmarking; pass ``x=`` to :func:`govsurvey.fay_herriot` to choose the
        covariates.

    Examples
    --------
    >>> f = pd.DataFrame({"psu": ["a", "a", "b"], "field": ["land", "civil", "land"],
    ...                   "N": [10, 30, 20]})
    >>> frame_covariates(f).round(2).to_dict("list")
    {'psu': ['a', 'b'], 'N': [40, 20], 'log_N': [3.69, 3.0], 'field=land': [0.25, 1.0]}
    """
    shares = (
        [c for c in ["field", "level", "age_group"] if c in frame] if shares is None else shares
    )
    keep = [c for c in ["district", "area"] if c in frame] if keep is None else keep
    for col in [unit, count, *shares, *keep]:
        if col not in frame.columns:
            raise InputError.one(
                f"the frame has no column {col!r}", "name columns the frame has", column=col
            )
    g = frame.groupby(unit, sort=True, observed=True)
    out = g[keep].first() if keep else pd.DataFrame(index=g.size().index)
    out[count] = g[count].sum()
    out["log_N"] = np.log(out[count].astype(float))
    for col in shares:
        tab = frame.pivot_table(index=unit, columns=col, values=count, aggfunc="sum", fill_value=0)
        tab = tab.div(tab.sum(axis=1), axis=0)
        for lev in sorted(tab.columns, key=str)[1:]:
            out[f"{col}={lev}"] = tab[lev]
    return out.reset_index()


def _conditional_design(design: object, unit: str) -> object:
    """The design of the units' forms given the units are sampled (see the module docstring)."""
    psu = list(getattr(design, "psu", []) or [])
    if not psu or not isinstance(design, Design):
        return design
    data = design.data
    if data.groupby(unit, observed=True)[psu[0]].nunique().max() > 1:
        return design
    fpc = list(design.fpc or [])
    return Design(
        data,
        weights=design.weights_column,
        strata=unit,
        psu=psu[1:] or None,
        fpc=fpc[1:] or None,
        lonely_psu="certainty",
    )


def unit_direct(design: object, instrument: object, unit: str, code: str = "SIPAS") -> pd.DataFrame:
    """Direct estimates of one index figure per unit, with the within-unit variance.

    Parameters
    ----------
    design : Design or replicate design
        The respondents' design.
    instrument : Instrument or str
    unit : str
        The unit column of the design's data (ward, desk, …).
    code : str, default "SIPAS"
        The index figure (``"SIPAS"``, a component ``"C2"``, a criterion ``"C2.3"``).

    Returns
    -------
    pandas.DataFrame
        ``sipas_index``'s rows of ``code`` by ``unit``: ``[unit, "level", "code", "estimate",
        "se", "ci_low", "ci_high", "df", "n"]``, percentages. A unit whose forms give no
        variance (one form, or all answers alike) has ``se`` 0.

    Examples
    --------
    >>> import govsurvey as gs
    >>> sim = gs.synth.simulate(seed=7, nonresponse="none")  # doctest: +SKIP
    >>> unit_direct(sim.design(), sim.instrument, "psu").shape[0]  # doctest: +SKIP
    152
    """
    if unit not in design.data.columns:
        raise InputError.one(
            f"the design's data has no column {unit!r}",
            "name the unit column (e.g. 'ward' or 'psu')",
            column=unit,
        )
    out = sipas_index(_conditional_design(design, unit), instrument, by=unit)
    out = out[out["code"] == code].reset_index(drop=True)
    if out.empty:
        raise InputError.one(
            f"the index has no figure {code!r}",
            "use 'SIPAS', a component or a criterion code",
            value=code,
        )
    return out


def publish_units(
    design: object,
    instrument: object,
    covariates: pd.DataFrame,
    unit: str = "ward",
    code: str = "SIPAS",
    *,
    transform: str | None = None,
    method: str = "reml",
    benchmark_by: str | None = None,
    benchmark_weights: str | None = None,
    x: list[str] | None = None,
    variances: str = "gvf",
    rule: PublicationRule | None = None,
    level: float = 0.95,
    seed: int = 1,
) -> pd.DataFrame:
    """The published frame of small units: direct, model-based or suppressed, per unit.

    Parameters
    ----------
    design : Design
        The respondents' design.
    instrument : Instrument or str
    covariates : pandas.DataFrame
        One row per unit of the frame, ``[unit, x…]`` (e.g. the wards' dossier counts, area,
        service mix), with ``benchmark_by`` and ``benchmark_weights`` if benchmarking.
    unit : str, default "ward"
    code : str, default "SIPAS"
        The index figure modelled.
    transform, method, x, variances
        As :func:`govsurvey.fay_herriot`; ``variances="gvf"`` by default (every unit's
        sampling variance from the generalised variance function, which also covers units
        whose forms give no variance).
    benchmark_by : str, optional
        Benchmark to the design's direct estimates by this column (e.g. ``"district"``, which
        must be in both the design's data and ``covariates``).
    benchmark_weights : str, optional
        Population size per unit in ``covariates`` (e.g. ``"N"``).
    rule : PublicationRule, optional
    level : float, default 0.95
        Confidence level of the model-based intervals.
    seed : int, default 1
        Seed of the parametric bootstrap (transformed models).

    Returns
    -------
    pandas.DataFrame
        :func:`~govsurvey.small_area.rule.apply_rule`'s frame; ``attrs["direct"]`` holds the
        direct estimates and ``attrs["fay_herriot"]`` the model's result. A unit of the
        design without a single valid answer (no direct estimate) is modelled as a unit
        without forms (synthetic), and ``attrs["fay_herriot"].attrs["model"]["notes"]`` names
        how many.

    Examples
    --------
    >>> import govsurvey as gs
    >>> sim = gs.synth.simulate(seed=7, nonresponse="none")  # doctest: +SKIP
    >>> cov = sim.wards()[["psu", "district", "area", "N"]]  # doctest: +SKIP
    >>> pub = publish_units(sim.design(), sim.instrument, cov, unit="psu",
    ...                     benchmark_by="district", benchmark_weights="N")  # doctest: +SKIP
    >>> sorted(pub["method"].unique())  # doctest: +SKIP
    ['fh', 'synthetic']
    """
    direct = unit_direct(design, instrument, unit, code)
    bench = None
    if benchmark_by is not None:
        bench = sipas_index(design, instrument, by=benchmark_by)
        bench = bench[bench["code"] == code]
    has = direct["estimate"].notna().to_numpy()
    fh = fay_herriot(
        direct.loc[has, [unit, "estimate", "se", "n"]],
        covariates,
        unit=unit,
        transform=transform,
        method=method,
        benchmark=bench,
        x=x,
        variances=variances,
        benchmark_by=benchmark_by,
        benchmark_weights=benchmark_weights,
        level=level,
        seed=seed,
    )
    if not has.all():
        fh.attrs["model"]["notes"].append(
            f"{int((~has).sum())} unit(s) with forms but no valid answer for {code} are "
            "predicted as units without forms (synthetic)"
        )
    out = apply_rule(direct, fh, unit, rule)
    out.attrs["direct"] = direct
    out.attrs["fay_herriot"] = fh
    return out


def forms_needed(result: pd.DataFrame, target_cv: float | None = None) -> pd.DataFrame:
    """Forms per unit a direct estimate would need to match the model's precision.

    A direct variance falls as ``1 / n``: a unit with ``n`` forms and direct variance ``v``
    needs ``n v / mse`` forms to be as precise as the model's estimate, and ``n v / (cv
    estimate)^2`` to reach a CV of ``target_cv``. A unit without forms uses the pooled
    ``K = sum v / sum (1 / n)`` of the units with forms (the GVF of
    :mod:`govsurvey.small_area.gvf`).

    Parameters
    ----------
    result : pandas.DataFrame
        A result of :func:`govsurvey.fay_herriot` fitted with an ``n`` column.
    target_cv : float, optional
        A CV to reach (0.05 = 5%).

    Returns
    -------
    pandas.DataFrame
        ``[unit, "n", "direct_se", "model_se", "forms_for_model_precision"]`` and
        ``"forms_for_target_cv"`` when ``target_cv`` is given (whole forms, rounded up).

    Examples
    --------
    >>> import govsurvey as gs
    >>> cov = pd.DataFrame({"ward": list("abcdefg"), "x": [1.0, 2, 3, 4, 5, 6, 7]})
    >>> direct = pd.DataFrame({"ward": list("abcdef"), "se": 2.0, "n": 40,
    ...                        "estimate": [70.0, 75, 72, 79, 78, 84]})
    >>> f = forms_needed(gs.fay_herriot(direct, cov), target_cv=0.02)
    >>> f.loc[[1, 6], ["n", "forms_for_model_precision", "forms_for_target_cv"]].to_numpy().tolist()
    [[40, 42, 75], [0, 23, 56]]
    """
    diag = result.attrs.get("diagnostics")
    if diag is None:
        raise InputError.one(
            "forms_needed takes a result of gs.fay_herriot", "pass fay_herriot's result"
        )
    unit = result.columns[0]
    n = result["n"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    if not np.isfinite(n).all():
        raise InputError.one(
            "the forms per unit are not known",
            "fit fay_herriot with an 'n' column in direct",
            column="n",
        )
    v = pd.Series(diag["direct_se"].to_numpy() ** 2, index=diag[unit]).reindex(result[unit])
    v = v.to_numpy(dtype=float)
    usable = np.isfinite(v) & (v > 0) & (n > 0)
    K = float(v[usable].sum() / (1.0 / n[usable]).sum())
    k = np.where(usable, v * n, K)
    mse = result["mse"].to_numpy(dtype=float)
    out = pd.DataFrame(
        {
            unit: result[unit].to_numpy(),
            "n": n.astype(np.int64),
            "direct_se": np.sqrt(v),
            "model_se": np.sqrt(mse),
            "forms_for_model_precision": np.ceil(k / mse).astype(np.int64),
        }
    )
    if target_cv is not None:
        if not target_cv > 0:
            raise InputError.one("target_cv must be positive", "use e.g. 0.05", value=target_cv)
        est = result["estimate"].to_numpy(dtype=float)
        out["forms_for_target_cv"] = np.ceil(k / (target_cv * est) ** 2).astype(np.int64)
    return out


#: Columns of :func:`report_units`' frame after the unit's columns.
REPORT_COLUMNS = [
    "code",
    "estimate",
    "se",
    "mse",
    "ci_low",
    "ci_high",
    "method",
    "shrinkage",
    "n",
    "direct",
    "direct_se",
    "direct_ci_low",
    "direct_ci_high",
    "model",
    "model_se",
    "model_ci_low",
    "model_ci_high",
]


def report_units(
    design: object,
    instrument: object,
    frame: pd.DataFrame,
    unit: str = "ward",
    key: str = "psu",
    code: str = "SIPAS",
    *,
    rule: PublicationRule | None = None,
    transform: str | None = None,
    method: str = "reml",
    benchmark_by: str | None = None,
    area: str | None = "district",
    synthetic: bool = False,
    count: str = "N",
    level: float = 0.95,
    seed: int = 1,
) -> pd.DataFrame:
    """The small units a report publishes: the rule's choice beside the direct and model figures.

    The covariates are the frame's (:func:`frame_covariates` by ``key``: the unit's size, area
    and service mix); the model is benchmarked to the design's direct estimates by
    ``benchmark_by`` with the frame's counts as weights; :func:`publish_units` applies the rule.

    Parameters
    ----------
    design : Design
        The respondents' design (as the report publishes with).
    instrument : Instrument
    frame : pandas.DataFrame
        The run's frame of counts, with ``key`` (and ``benchmark_by``, ``count``).
    unit : str, default "ward"
        The column of the responses naming each unit (what a reader sees).
    key : str, default "psu"
        The column coding each unit in the frame and the responses (may equal ``unit``).
    code : str, default "SIPAS"
    rule : PublicationRule, optional
    transform, method
        As :func:`govsurvey.fay_herriot`.
    benchmark_by : str, optional
        Benchmark to the design's direct estimates of this column (e.g. ``"district"``).
        The benchmarked MSE adds the squared adjustment, so benchmarking to areas whose own
        direct estimates are wide (a district on a few wards) costs the model its gain.
    area : str or None, default "district"
        A larger area shown beside each unit (a frame column; left out when absent).
    synthetic : bool, default False
        Keep the frame's units without forms (model-based, synthetic); otherwise they are
        fitted (they count in the benchmark) but left out of the frame returned.
    count : str, default "N"
        The frame's count column.
    level : float, default 0.95
    seed : int, default 1
        Seed of the parametric bootstrap (transformed models): the run's ``seed``.

    Returns
    -------
    pandas.DataFrame
        One row per unit: ``[area, unit, key, *REPORT_COLUMNS]`` (``key`` only when it
        differs from ``unit``): the published figure (``estimate`` … ``method``, NaN where
        suppressed), the direct one (``direct``, ``direct_se``, its interval; NaN without
        forms) and the model's (``model``, ``model_se``, its interval); a unit the rule does
        not publish has none of them (only its ``n``). A unit of the frame
        absent from the responses is named by its ``key``. ``attrs`` carry the rule, the
        model's record (``attrs["model"]``) and ``attrs["out_of_sample"]`` (units of the frame
        without forms, published or not).

    Examples
    --------
    >>> import govsurvey as gs
    >>> sim = gs.synth.simulate(seed=7, nonresponse="none")  # doctest: +SKIP
    >>> f = report_units(sim.design(), sim.instrument, sim.frame())  # doctest: +SKIP
    >>> sorted(f["method"].unique())  # doctest: +SKIP
    ['direct', 'fh', 'suppressed']
    """
    data = design.data
    for col, where in ((unit, data), (key, data), (key, frame)):
        if col not in where.columns:
            raise InputError.one(
                f"the {'frame' if where is frame else 'responses'} have no column {col!r}",
                "name the unit's column (small_area_unit) and its code (small_area_key)",
                column=col,
            )
    area = area if area in frame.columns else None
    keep = list(dict.fromkeys(c for c in (area, benchmark_by) if c))
    cov = frame_covariates(frame, unit=key, count=count, keep=keep)
    x = [c for c in cov.columns if c not in (key, count, *keep)]
    pub = publish_units(
        design,
        instrument,
        cov,
        unit=key,
        code=code,
        transform=transform,
        method=method,
        benchmark_by=benchmark_by,
        benchmark_weights=count if benchmark_by else None,
        x=x,
        rule=rule,
        level=level,
        seed=seed,
    )
    direct = pub.attrs["direct"].set_index(key).reindex(pub[key])
    fh = pub.attrs["fay_herriot"].set_index(key).reindex(pub[key])
    out = pd.DataFrame({key: pub[key].to_numpy()})
    if area:
        out.insert(0, area, cov.set_index(key)[area].reindex(pub[key]).to_numpy())
    if unit != key:
        names = data[[key, unit]].dropna().drop_duplicates(subset=[key]).set_index(key)[unit]
        if unit in frame.columns:
            names = frame.drop_duplicates(subset=[key]).set_index(key)[unit].combine_first(names)
        name = names.reindex(pub[key]).to_numpy(dtype=object)
        out.insert(len(out.columns) - 1, unit, np.where(pd.isna(name), pub[key], name))
    out["code"] = code
    for col in ["estimate", "se", "mse", "ci_low", "ci_high", "method", "shrinkage", "n"]:
        out[col] = pub[col].to_numpy()
    for col, src in (
        ("", "estimate"),
        ("_se", "se"),
        ("_ci_low", "ci_low"),
        ("_ci_high", "ci_high"),
    ):
        out[f"direct{col}"] = direct[src].to_numpy(dtype=float)
        out[f"model{col}"] = fh[src].to_numpy(dtype=float)
    out = out[[c for c in out.columns if c not in REPORT_COLUMNS] + REPORT_COLUMNS]
    # what the rule does not publish is not published beside it either
    figures = [c for c in REPORT_COLUMNS if c.startswith(("direct", "model"))]
    out.loc[out["method"].to_numpy() == "suppressed", figures] = np.nan
    n = out["n"].astype("Float64").fillna(0).to_numpy(dtype=float)
    without = n == 0
    if not synthetic:
        out = out[~without].reset_index(drop=True)
    out.attrs["rule"] = pub.attrs["rule"]
    out.attrs["model"] = pub.attrs["model"]
    out.attrs["level"] = level
    out.attrs["out_of_sample"] = int(without.sum())
    out.attrs["unit"], out.attrs["key"] = unit, key
    return out


def plan_forms(
    design: object,
    instrument: object,
    frame: pd.DataFrame,
    unit: str = "psu",
    count: str = "N",
    code: str = "SIPAS",
    *,
    x: list[str] | None = None,
    target_cv: float | None = 0.05,
    method: str = "reml",
) -> pd.DataFrame:
    """Forms per unit a direct estimate would need, from a previous survey and the unit frame.

    The previous survey's direct estimates by unit (:func:`unit_direct`) and the frame's data
    fit the Fay–Herriot model (sampling variances from the GVF); :func:`forms_needed` then
    says how many forms each unit's direct estimate would need to be as precise as the
    model's, and to reach ``target_cv``.

    Parameters
    ----------
    design : Design
        The previous survey's design.
    instrument : Instrument
    frame : pandas.DataFrame
        One row per unit (a ward frame: code, size, and e.g. ``area``).
    unit : str, default "psu"
        The unit's code in both.
    count : str, default "N"
        The frame's size column (its log is a covariate).
    code : str, default "SIPAS"
    x : list of str, optional
        Covariates; default ``log_N`` and ``area`` where the frame has it.
    target_cv : float or None, default 0.05
        The rule's CV of a published direct estimate.
    method : str, default "reml"

    Returns
    -------
    pandas.DataFrame
        :func:`forms_needed`'s frame, one row per unit of the frame (``n`` 0 without forms).

    Examples
    --------
    >>> import govsurvey as gs
    >>> sim = gs.synth.simulate(seed=7, nonresponse="none")  # doctest: +SKIP
    >>> plan_forms(sim.design(), sim.instrument, sim.wards()).columns[-1]  # doctest: +SKIP
    'forms_for_target_cv'
    """
    for col in (unit, count):
        if col not in frame.columns:
            raise InputError.one(
                f"the unit frame has no column {col!r}", "name the unit's code and size", column=col
            )
    cov = frame.drop_duplicates(subset=[unit])[[unit, count]].copy()
    cov["log_N"] = np.log(cov[count].astype(float))
    if x is None:
        x = ["log_N"] + (["area"] if "area" in frame.columns else [])
    for col in x:
        if col not in cov.columns:
            cov[col] = (
                frame.drop_duplicates(subset=[unit])
                .set_index(unit)[col]
                .reindex(cov[unit])
                .to_numpy()
            )
    direct = unit_direct(design, instrument, unit, code)
    direct = direct[direct["estimate"].notna()]
    fh = fay_herriot(
        direct[[unit, "estimate", "se", "n"]], cov, unit=unit, x=x, method=method, variances="gvf"
    )
    return forms_needed(fh, target_cv=target_cv)
