"""The SIPAS index with design-based standard errors, and its comparisons.

- criterion rate = weighted share of valid answers (on the scale, don't-know and no-answer
  excluded per criterion) that are "satisfied" (4 or 5);
- component index = mean of its criterion rates; overall SIPAS = instrument-weighted mean of the
  component indices. All figures are percentages.

The index is a smooth function of weighted domain totals (numerators and denominators of the 22
rates), so its standard error comes from the design's one variance engine
(:meth:`govsurvey.design.Design.estimate_smooth`): by linearisation on a Taylor design, by
recomputing under every replicate's weights on a replicate design.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .config.instrument import Instrument, load_instrument
from .design import TableDesign, group_sum
from .errors import InputError
from .inference import compare_index, rank_index, target_test, welch_df
from .results import INDEX_COLUMNS, domain_name, result_frame

__all__ = [
    "sipas_index",
    "compare_index",
    "target_test",
    "rank_index",
    "truth_check",
    "domain_name",
    "welch_df",
    "index_columns",
    "IndexModel",
    "index_model",
]

log = logging.getLogger(__name__)

#: Columns of every index frame, after the ``by`` columns (declared once, in results).
index_columns = INDEX_COLUMNS


def _as_instrument(instrument: Instrument | str) -> Instrument:
    return instrument if isinstance(instrument, Instrument) else load_instrument(instrument)


def _structure(inst: Instrument) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Criterion codes, component codes, the criterion→component averaging matrix, weights."""
    crit = [c.code for c in inst.criteria]
    comp = [c.code for c in inst.components]
    avg = np.zeros((len(crit), len(comp)))
    for j, c in enumerate(inst.components):
        for k in c.criteria:
            avg[crit.index(k.code), j] = 1.0 / len(c.criteria)
    w = np.array([inst.component_weights[c] for c in comp])
    return crit, comp, avg, w


def _indicators(data: pd.DataFrame, inst: Instrument) -> tuple[np.ndarray, np.ndarray]:
    """Satisfied and valid indicators (n × criteria) from the criterion columns.

    Only answers on the scale are valid: don't-know and no-answer codes, blanks and anything
    else count as missing for that criterion, whatever the reader left in the column.
    """
    missing = [c.column for c in inst.criteria if c.column not in data.columns]
    if missing:
        raise InputError.one(
            f"the design's data lacks criterion column(s) {missing}",
            f"read the file with gs.read_responses(path, instrument={inst.name!r}) so the "
            "columns are checked, and build the design on resp.respondents",
            column=missing[0],
        )
    cols = [c.column for c in inst.criteria]
    frame = data[cols]
    if all(pd.api.types.is_numeric_dtype(t) for t in frame.dtypes):
        x = frame.to_numpy(dtype=float, na_value=np.nan)
    else:
        x = frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    k = len(cols)
    out = np.zeros((len(x), 2 * k))  # [satisfied | valid], the columns of the index's totals
    valid = (x >= inst.scale_min) & (x <= inst.scale_max) & (np.round(x) == x)
    out[:, k:] = valid
    out[:, :k] = valid & np.isin(x, inst.satisfied)
    return out[:, :k], out[:, k:]


def _indicator_sql(design: TableDesign, inst: Instrument) -> tuple[list[str], list[str]]:
    """``_indicators`` in the engine's SQL: [satisfied | valid] columns and the counts of n.

    The same rules: a valid answer is a whole number on the scale (a text column is read as
    numbers, anything else is missing); satisfied is a valid answer among the satisfied codes.
    """
    cols = [c.column for c in inst.criteria]
    missing = [c for c in cols if c not in design.table.columns()]
    if missing:
        raise InputError.one(
            f"{design.table.label} lacks criterion column(s) {missing}",
            "write the criterion columns into the table (gs.read_responses validates a file "
            "and can save it as Parquet)",
            file=design.table.label,
            column=missing[0],
        )
    d = design.sql
    lo, hi = d.literal(float(inst.scale_min)), d.literal(float(inst.scale_max))
    sats = ", ".join(d.literal(float(v)) for v in inst.satisfied)
    # satisfied codes that are whole numbers on the scale make "valid and satisfied" one test
    on_scale = all(
        float(v).is_integer() and inst.scale_min <= v <= inst.scale_max for v in inst.satisfied
    )
    valid, sat = [], []
    for c in cols:
        x = d.double(d.q(c)) if design.table.numeric(c) else d.number(c)
        ok = f"{x} >= {lo} AND {x} <= {hi} AND {x} = FLOOR({x})"
        valid.append(f"CASE WHEN {ok} THEN 1 ELSE 0 END")
        sat.append(
            f"CASE WHEN {x} IN ({sats}) THEN 1 ELSE 0 END"
            if on_scale
            else f"CASE WHEN {ok} AND {x} IN ({sats}) THEN 1 ELSE 0 END"
        )
    k = len(cols)
    v = [f"{{c{k + j}}}" for j in range(k)]  # the valid columns, as the engine computed them
    comp_any = [
        f"GREATEST({', '.join(v[cols.index(x.column)] for x in c.criteria)})"
        for c in inst.components
    ]
    return sat + valid, v + comp_any + [f"GREATEST({', '.join(comp_any)})"]


def sipas_index(
    design,
    instrument: Instrument | str = "sipas-2017",
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Criterion rates, component indices and the overall SIPAS index, with design-based SEs.

    Parameters
    ----------
    design : Design or replicate design
        The respondents' design (``gs.Design``); its data holds the criterion columns.
    instrument : Instrument or str
        Defines criteria, components, the satisfied answers and component weights.
    by : str or list of str, optional
        Domain columns (district, field, level, mode, ...). Domains keep the full design.
    confidence : float
        Level of the confidence intervals.

    Returns
    -------
    DataFrame
        Columns ``[*by, "level", "code", "estimate", "se", "ci_low", "ci_high", "df", "n"]``;
        ``level`` is "criterion", "component" or "overall"; ``code`` e.g. "C2.3", "C2", "SIPAS".
        Estimates are percentages; intervals use the t distribution on the design df on the
        logit scale (every figure is a proportion or an average of proportions, so the interval
        stays inside 0–100). ``n`` counts respondents with a valid answer (for a component or the
        overall index: with at least one valid answer among its criteria). A ``by`` column
        whose name clashes with these columns is renamed (``level`` → ``level_domain``, see
        :func:`domain_name`). When a criterion has no valid answer in a domain (every answer
        don't-know), its rate and every figure built on it (its component, the overall index)
        are NaN with NaN SE in that domain, and ``attrs["notes"]`` says which; the other
        figures of the domain stay estimated. ``attrs["level"]`` and ``attrs["method"]`` record
        the confidence level and the variance method.

    Examples
    --------
    >>> import govsurvey as gs
    >>> sim = gs.synth.simulate(seed=1, nonresponse="none")  # doctest: +SKIP
    >>> idx = gs.sipas_index(sim.design(), "sipas-2017", by="district")  # doctest: +SKIP
    >>> idx.query("code == 'SIPAS'")[["district", "estimate", "se"]].head()  # doctest: +SKIP
    """
    if not 0 < confidence < 1:
        raise InputError.one(
            "confidence must lie strictly between 0 and 1", "use e.g. 0.95", value=confidence
        )
    inst = _as_instrument(instrument)
    model = index_model(inst)
    if isinstance(design, TableDesign):  # the sums are computed in the table's engine
        columns, counts = _indicator_sql(design, inst)
        res, n = design.estimate_linear(columns, model.point, model.influence, by=by, counts=counts)
        return model.frame(res, n, confidence)
    sat, valid = _indicators(design.data, inst)
    columns = (
        sat.base if sat.base is not None and sat.base is valid.base else np.hstack([sat, valid])
    )
    res = design.estimate_smooth(columns, model.point, model.influence, by=by, linear=True)
    g = res.domain_of_row
    inside = g >= 0
    n = group_sum(g[inside], model.counts(valid[inside]), len(res.domains))
    return model.frame(res, n, confidence)


class IndexModel:
    """The index as a smooth function of weighted totals, for the variance engine.

    The totals are those of ``[satisfied | valid]`` indicators per criterion (``2k`` columns);
    :meth:`point` maps them to every figure (criteria, components, SIPAS, in percent),
    :meth:`influence` gives each row's linearisation values, :meth:`counts` each row's
    contribution to ``n`` per figure and :meth:`frame` the index frame from the engine's result.
    :func:`sipas_index` is these four steps; other analyses (change over time, monthly
    compilation from stored sums) call them on other columns of the same totals.

    Examples
    --------
    >>> m = index_model(load_instrument("sipas-2017"))
    >>> m.k, m.codes[-1], len(m.codes)
    (22, 'SIPAS', 28)
    """

    def __init__(self, inst: Instrument) -> None:
        crit, comp, avg, w = _structure(inst)
        self.inst = inst
        self.crit, self.comp = crit, comp
        self.k = k = len(crit)
        self.levels = ["criterion"] * k + ["component"] * len(comp) + ["overall"]
        self.codes = crit + comp + ["SIPAS"]
        # rates and composites as a function of totals; everything is linear in the rates
        self.lin = np.hstack([np.eye(k), avg, (avg @ w)[:, None]]) * 100.0  # criteria → figures
        self.uses = self.lin != 0  # (criteria, figures): which figures a criterion enters
        self._members = [[crit.index(x.code) for x in c.criteria] for c in inst.components]

    def indicators(self, data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Satisfied and valid indicators (rows × criteria) of ``data``'s criterion columns."""
        return _indicators(data, self.inst)

    def point(self, t: np.ndarray) -> np.ndarray:
        k = self.k
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = t[..., :k] / t[..., k:]
        empty = np.isnan(rate)
        fig = np.nan_to_num(rate) @ self.lin
        return np.where(empty.astype(float) @ self.uses > 0, np.nan, fig)

    def influence(self, t: np.ndarray, y: np.ndarray, g: np.ndarray) -> np.ndarray:
        # z = (satisfied - rate * valid) / valid total, per criterion; rows in no domain get
        # the zero coefficients of an extra row G
        k, lin = self.k, self.lin
        G = len(t)
        with np.errstate(invalid="ignore", divide="ignore"):
            inv = np.vstack([np.where(t[:, k:] > 0, 1.0 / t[:, k:], 0.0), np.zeros((1, k))])
            slope = np.vstack([np.nan_to_num(t[:, :k] / t[:, k:]), np.zeros((1, k))]) * inv
        if G == 1 and (g >= 0).all():
            z = y[:, :k] * inv[0] - y[:, k:] * slope[0]
        else:
            gi = np.where(g < 0, G, g)
            z = y[:, :k] * np.take(inv, gi, axis=0)
            z -= y[:, k:] * np.take(slope, gi, axis=0)
        out = np.empty((len(z), lin.shape[1]))
        np.multiply(z, 100.0, out=out[:, :k])  # the criteria themselves: lin is 100 I there
        np.matmul(z, lin[:, k:], out=out[:, k:])  # components and the overall index
        return out

    def counts(self, valid: np.ndarray) -> np.ndarray:
        """Each row's count per figure: valid answers per criterion; any valid otherwise."""
        comp_any = np.stack([valid[:, m].max(axis=1) for m in self._members], axis=1)
        return np.hstack([valid, comp_any, comp_any.max(axis=1, keepdims=True)])

    def frame(self, res, n: np.ndarray, confidence: float = 0.95) -> pd.DataFrame:
        """The index frame from the engine's result ``res`` and the counts ``n`` per domain."""
        est = np.asarray(res.estimate, dtype=float)
        var = np.where(np.isnan(est), np.nan, res.variance)
        dom = res.domains.reset_index(drop=True)
        n_dom = len(dom)
        n = np.asarray(n).round().astype(int)
        # the one result builder, on the proportion scale (logit interval), then in percent
        out = result_frame(
            dom,
            self.codes,
            est / 100,
            var / 1e4,
            res.df,
            n,
            logit=True,
            level=confidence,
            method=res.method,
        ).rename(columns={"variable": "code"})
        out.insert(out.columns.get_loc("code"), "level", np.tile(self.levels, n_dom))
        out[["estimate", "se", "ci_low", "ci_high"]] *= 100
        by_cols = [domain_name(c) for c in dom.columns]
        out = out[by_cols + index_columns]
        notes = _empty_notes(out, by_cols)
        out.attrs.update(level=float(confidence), method=res.method, notes=notes)
        for note in notes:
            log.warning(note)
        return out


def index_model(instrument: Instrument | str) -> IndexModel:
    """The :class:`IndexModel` of an instrument (its point and influence functions).

    Examples
    --------
    >>> index_model("sipas-2017").levels[-1]
    'overall'
    """
    return IndexModel(_as_instrument(instrument))


def _empty_notes(out: pd.DataFrame, by_cols: list[str]) -> list[str]:
    """One sentence per domain where a criterion has no valid answer (its figures are NaN)."""
    empty = out[(out["level"] == "criterion") & (out["n"] == 0)]
    if empty.empty:
        return []
    where = empty[by_cols].astype(str).agg(", ".join, axis=1) if by_cols else None
    notes = []
    for i, (_, row) in enumerate(empty.iterrows()):  # one sentence per empty cell, few
        place = f" in {where.iloc[i]}" if where is not None else ""
        notes.append(
            f"criterion {row['code']} has no valid answer{place} (every answer missing or "
            "don't-know): its rate, its component and the overall index are not estimated there"
        )
    return notes


def truth_check(index: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Hold estimates against known population values (synthetic data).

    Parameters
    ----------
    index : DataFrame
        An index frame (:func:`sipas_index`).
    truth : DataFrame
        Population values in the same shape without SEs (``Simulation.truth_index()``), with
        the same domain columns, ``level``, ``code`` and ``estimate``.

    Returns
    -------
    DataFrame
        The matched rows with ``truth``, ``error`` (estimate − truth) and ``covered`` (the
        interval contains the truth).

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> est = pd.DataFrame({"level": ["overall"], "code": ["SIPAS"], "estimate": [85.0],
    ...                     "ci_low": [83.0], "ci_high": [87.0]})
    >>> tru = pd.DataFrame({"level": ["overall"], "code": ["SIPAS"], "estimate": [86.1]})
    >>> gs.index.truth_check(est, tru)["covered"].tolist()
    [True]
    """
    keys = [c for c in index.columns if c in truth.columns and c not in _STAT_COLUMNS]
    if "code" not in keys:
        raise InputError.one(
            "truth_check needs a 'code' column in both frames",
            "pass an index frame (gs.sipas_index) and a truth frame in the same shape",
        )
    m = index.merge(
        truth[keys + ["estimate"]].rename(columns={"estimate": "truth"}), on=keys, how="inner"
    )
    if m.empty:
        raise InputError.one(
            f"no estimate matches a true value on {keys}",
            "check that the truth file is for the same breakdown (city, district, …)",
        )
    m["error"] = m["estimate"] - m["truth"]
    m["covered"] = (m["ci_low"] <= m["truth"]) & (m["truth"] <= m["ci_high"])
    return m


_STAT_COLUMNS = {"estimate", "se", "ci_low", "ci_high", "df", "n", "N"}
