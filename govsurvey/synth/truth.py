"""Population values of the index and of the other items, computed directly from the register.

Integer counts and fixed-order sums only, so the truth is the same on every machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from govsurvey.errors import InputError
from govsurvey.index import domain_name

__all__ = ["truth_index", "truth_assessment", "by_list"]


def by_list(by: str | Sequence[str] | None, pop: pd.DataFrame) -> list[str]:
    """The domain columns as a list, each checked to be in the population."""
    if by is None:
        return []
    by_cols = [by] if isinstance(by, str) else list(by)
    unknown = [b for b in by_cols if b not in pop.columns]
    if unknown:
        raise InputError.one(
            f"by names columns {unknown} that the population does not have",
            f"use some of {list(pop.columns[:12])}",
            value=unknown,
        )
    return by_cols


def truth_index(
    population: pd.DataFrame, instrument: Any, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Every index figure's population value; see :meth:`Simulation.truth_index`."""
    by_cols = by_list(by, population)
    inst = instrument
    pop = population
    crit = [c.column for c in inst.criteria]
    lo, hi = inst.scale_min, inst.scale_max
    sat_codes = list(inst.satisfied)
    parts = {}
    for col in crit:
        x = pop[col].to_numpy()
        parts[f"v|{col}"] = ((x >= lo) & (x <= hi)).astype(np.int64)
        parts[f"s|{col}"] = np.isin(x, sat_codes).astype(np.int64)
    counts = pd.DataFrame(parts)
    counts["N"] = 1
    if by_cols:
        for b in by_cols:
            counts[f"by|{b}"] = pop[b].to_numpy()
        g = counts.groupby([f"by|{b}" for b in by_cols], observed=True, sort=True)
        sums = g.sum()
        keys = sums.index.to_frame(index=False)
        keys.columns = by_cols
    else:
        sums = counts.sum().to_frame().T
        keys = pd.DataFrame(index=[0])
    n_dom = len(sums)
    rates = {}
    for col in crit:
        v = sums[f"v|{col}"].to_numpy(dtype=float)
        s = sums[f"s|{col}"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            rates[col] = np.where(v > 0, 100.0 * s / v, np.nan)
    rows_code, rows_level, rows_est = [], [], []
    for c in inst.criteria:
        rows_code.append(c.code)
        rows_level.append("criterion")
        rows_est.append(rates[c.column])
    comp_vals = {}
    for comp in inst.components:
        acc = np.zeros(n_dom)
        for c in comp.criteria:  # fixed-order sum: identical on every machine
            acc = acc + rates[c.column]
        comp_vals[comp.code] = acc / len(comp.criteria)
        rows_code.append(comp.code)
        rows_level.append("component")
        rows_est.append(comp_vals[comp.code])
    overall = np.zeros(n_dom)
    for code, w in inst.component_weights.items():
        overall = overall + w * comp_vals[code]
    rows_code.append("SIPAS")
    rows_level.append("overall")
    rows_est.append(overall)
    n_fig = len(rows_code)
    est = np.column_stack(rows_est)  # domains x figures
    out = keys.loc[np.repeat(np.arange(n_dom), n_fig)].reset_index(drop=True)
    out = out.rename(columns=domain_name)
    out["level"] = np.tile(np.array(rows_level, dtype=object), n_dom)
    out["code"] = np.tile(np.array(rows_code, dtype=object), n_dom)
    out["estimate"] = est.reshape(-1)
    out["N"] = np.repeat(sums["N"].to_numpy(dtype=np.int64), n_fig)
    for b in out.columns[: len(by_cols)]:
        if isinstance(out[b].dtype, pd.CategoricalDtype):
            out[b] = out[b].astype(str)
    return out


def truth_assessment(
    population: pd.DataFrame, instrument: Any, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """The other items' population values; see :meth:`Simulation.truth_assessment`."""
    by_cols = by_list(by, population)
    pop = population
    inst = instrument
    o = pop[inst.overall_column].to_numpy()
    ind: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    ones = np.ones(len(pop))
    valid_o = (o >= inst.scale_min) & (o <= inst.scale_max)
    ind["overall_satisfied"] = (100.0 * np.isin(o, list(inst.satisfied)), valid_o * 1.0)
    for item in inst.assessment:
        col = item["column"]
        x = pop[col].to_numpy()
        if item["type"] == "count":
            ind[col] = (x.astype(float), ones)
        elif col == "apology":
            ind[col] = (100.0 * (x == 1), 1.0 * (x != 0))
        else:
            ind[col] = (100.0 * (x == 1), ones)
    for col in inst.expectation_columns:
        ind[col] = (100.0 * pop[col].to_numpy(), ones)
    frame = pd.DataFrame(
        {f"a|{k}": a for k, (a, _) in ind.items()} | {f"b|{k}": b for k, (_, b) in ind.items()}
    )
    frame["N"] = 1
    if by_cols:
        for b in by_cols:
            frame[f"by|{b}"] = pop[b].to_numpy()
        sums = frame.groupby([f"by|{b}" for b in by_cols], observed=True, sort=True).sum()
        keys = sums.index.to_frame(index=False)
        keys.columns = by_cols
    else:
        sums = frame.sum().to_frame().T
        keys = pd.DataFrame(index=[0])
    names = list(ind)
    est = np.column_stack([sums[f"a|{k}"].to_numpy() / sums[f"b|{k}"].to_numpy() for k in names])
    n_dom = len(sums)
    out = keys.loc[np.repeat(np.arange(n_dom), len(names))].reset_index(drop=True)
    out = out.rename(columns=domain_name)
    out["variable"] = np.tile(np.array(names, dtype=object), n_dom)
    out["estimate"] = est.reshape(-1)
    out["N"] = np.repeat(sums["N"].to_numpy(dtype=np.int64), len(names))
    for b in out.columns[: len(by_cols)]:
        if isinstance(out[b].dtype, pd.CategoricalDtype):
            out[b] = out[b].astype(str)
    return out
