"""A Taylor design over a table that stays in its engine (DuckDB, Parquet, Spark).

:class:`TableDesign` is what ``gs.Design(relation_or_path, …)`` returns. It asks the engine
for two kinds of grouped query and nothing else:

- once, the design: per (stratum, PSU) the row count, the distinct second-stage units, the
  fpc and the weights' checks (:func:`~govsurvey.design.backends.sql.design_query`);
- per estimate, one query per batch of variables: per (domain, stratum, PSU) the weighted sums
  ``Σ w c`` of the estimator's columns, counts of valid answers and ``Σ w y²`` for the design
  effect; where a stage's units are the rows themselves (no PSU; or the respondent as
  second-stage unit), the cross-products ``Σ w² c_j c_l`` per (domain, stratum) of that stage
  (:func:`~govsurvey.design.backends.sql.sums_query`).

From those sums numpy does what :class:`~govsurvey.design.Design` does: the estimators'
influence values are linear in their columns, so applied to the PSU sums they give the PSU
totals of ``w z``; applied to the cross-products they give each stratum's sum of squares; the
variance formula — fpc, stages, lonely-PSU rules — is the design's own
(``Design._stratum_variance``). Memory is bounded by the domains times the PSUs, never by the
rows.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from ...errors import InputError
from ...results import SmoothEstimate, result_frame
from ..engine import (
    CERTAIN,
    Columns,
    Domains,
    as_list,
    compress,
    group_sum,
    kish_vsrs,
    level_codes,
)
from ..estimators import quiet
from ..replicate import RANK_TOL, gram_eigen_counts, replicate_multipliers, replicate_variance
from ..taylor import (
    LONELY_PSU_RULES,
    TABLE_DESIGNS,
    Design,
    Sampled,
    build_stages,
    first_stage,
    population_sizes,
)
from .duckdb_table import DuckDBTable
from .spark_table import SparkTable
from .sql import design_query, sums_query

__all__ = ["TableDesign", "TableReplicateDesign", "open_table"]

log = logging.getLogger(__name__)


def _is_spark(data: object) -> bool:
    t = type(data)
    return t.__module__.startswith("pyspark.sql") and t.__name__ == "DataFrame"


def open_table(data: object):
    """The engine's table for ``data``: a DuckDB relation or Parquet path, or a Spark DataFrame.

    Examples
    --------
    >>> import duckdb
    >>> open_table(duckdb.sql("SELECT 1 AS y")).columns()
    {'y': 'INTEGER'}
    """
    if _is_spark(data):
        return SparkTable(data)
    if DuckDBTable.accepts(data):
        return DuckDBTable(data)
    raise InputError.one(
        f"a design is built on a DataFrame or a table, got {type(data).__name__}",
        "pass a pandas DataFrame, a Parquet path or glob, a DuckDB relation or a Spark DataFrame",
    )


class RowsInEngine:
    """``design.data`` of a design over a table: the rows stay in the engine.

    Whatever asks for them (weighting, models, a function written for DataFrames) gets one
    clear :class:`~govsurvey.errors.InputError` saying what works here and what to do instead.
    """

    def __init__(self, label: str) -> None:
        self._label = label

    def _refuse(self, *args, **kwargs):
        raise InputError.one(
            f"this needs the rows of {self._label}, which stay in the engine",
            "mean, total, ratio, proportion, replicate() and gs.sipas_index work on the table; "
            "for weighting and models build gs.Design on a pandas DataFrame (e.g. "
            "relation.df() of a sample that fits in memory)",
            file=self._label,
        )

    def __getattr__(self, name: str):
        if name.startswith("__") or name == "_label":
            raise AttributeError(name)
        self._refuse()

    __getitem__ = __len__ = __iter__ = __contains__ = _refuse

    def __repr__(self) -> str:
        return f"<rows of {self._label}, in the engine>"


class TableDesign(Design):
    """R's ``svydesign`` over a table the engine holds: the same parameters and figures.

    Built by ``gs.Design(source, …)`` when ``source`` is a Parquet file, folder or glob, a
    DuckDB relation or a Spark DataFrame. ``mean``, ``total``, ``ratio``, ``proportion`` and
    ``gs.sipas_index`` give the in-memory design's figures (to rounding), from grouped sums
    the engine computes.

    Parameters
    ----------
    data : str, os.PathLike, duckdb.DuckDBPyRelation or pyspark.sql.DataFrame
        The table.
    weights, strata, psu, fpc, lonely_psu, nest, id
        As :class:`~govsurvey.design.Design`.

    Examples
    --------
    >>> import duckdb, govsurvey as gs
    >>> rel = duckdb.sql("SELECT * FROM (VALUES (1.0, 1, 1, 2.0), (2.0, 1, 2, 2.0), "
    ...                  "(4.0, 2, 3, 2.0), (5.0, 2, 4, 2.0)) AS t(y, s, p, w)")
    >>> d = gs.Design(rel, weights="w", strata="s", psu="p")
    >>> d.mean("y")[["estimate", "se"]].round(6)
       estimate        se
    0       3.0  0.353553
    """

    @staticmethod
    def accepts(data: object) -> bool:
        return _is_spark(data) or DuckDBTable.accepts(data)

    def __init__(
        self,
        data: object,
        weights: str | None = None,
        strata: str | None = None,
        psu: Columns = None,
        fpc: Columns = None,
        lonely_psu: str = "fail",
        nest: bool = False,
        id: str | None = None,
    ) -> None:
        if lonely_psu not in LONELY_PSU_RULES:
            raise InputError.one(
                "unknown lonely_psu rule",
                f"use one of {', '.join(LONELY_PSU_RULES)}",
                value=lonely_psu,
            )
        if strata is not None and not isinstance(strata, str):
            raise InputError.one(
                "strata takes one column name",
                "combine strata columns into one column first",
                value=strata,
            )
        psus, fpcs = as_list(psu), as_list(fpc)
        if len(psus) > 2:
            raise InputError.one(
                "at most two stages of clusters are supported",
                "pass psu=[stage1, stage2]",
                value=psus,
            )
        n_stages = max(len(psus), 1)
        if fpcs and len(fpcs) != n_stages:
            raise InputError.one(
                f"{len(fpcs)} fpc column(s) for {n_stages} stage(s)",
                "give one fpc column per stage (or none)",
                value=fpcs,
            )
        self.table = open_table(data)
        self.sql = self.table.dialect
        self.data = RowsInEngine(self.table.label)
        self.strata, self.psu, self.fpc = strata, psus, fpcs
        self.lonely_psu, self.nest, self.weights_column = lonely_psu, nest, weights
        self._calibration = ()
        declared = [(weights, "weight"), (strata, "strata"), (id, "id")]
        declared += [(c, "psu") for c in psus] + [(c, "fpc") for c in fpcs]
        for col, role in declared:
            if col is not None:
                self._require([col], f"{role}")
        for col, role in [(weights, "weight"), *[(c, "fpc") for c in fpcs]]:
            if col is not None and not self.table.numeric(col):
                raise InputError.one(
                    f"the {role} column must be numeric, but {self.table.label} holds "
                    f"{self.table.columns()[col]} values",
                    "convert it to numbers in the table (or in each Parquet file)",
                    file=self.table.label,
                    column=col,
                )
        if id is not None:
            self._check_id(id)
        self._build(weights, strata, psus, fpcs, nest)
        self._check_lonely()

    # ------------------------------------------------------------------------------------
    def _require(self, names: Sequence[str], role: str) -> None:
        cols = self.table.columns()
        for name in names:
            if name not in cols:
                shown = ", ".join(list(cols)[:12]) + (", …" if len(cols) > 12 else "")
                raise InputError.one(
                    f"{role} column does not exist in {self.table.label}",
                    f"pass one of the table's columns ({shown}), or add the column to the table",
                    file=self.table.label,
                    column=str(name),
                )
        self.table.require(list(names), role)

    def _check_id(self, id: str) -> None:
        extra, first, files = self.table.duplicates(id)
        if extra:
            where = f" in {', '.join(files[:4])}" if files else ""
            raise InputError.one(
                f"{extra} row(s) repeat an id: {first!r} appears more than once{where}",
                "each respondent must appear once: a form entered in two monthly files is "
                "counted twice; remove the repeated rows (or the file loaded twice)",
                file=files[0] if files else self.table.label,
                column=id,
                value=first,
            )

    def _build(
        self, weights: str | None, strata: str | None, psus: list[str], fpcs: list[str], nest: bool
    ) -> None:
        """The stages from the design query: one row per (stratum, PSU), or per stratum."""
        t = self.table
        fr = t.fetch(design_query(self.sql, strata, psus, fpcs, weights))
        if len(fr) == 0 or fr["_n"].sum() == 0:
            raise InputError.one("the table has no rows", "pass the survey responses", file=t.label)
        names = {"_s": strata or "_s", "_p": psus[0] if psus else "_p"}
        for key, role in [("_s", "strata"), ("_p", "psu")]:
            if key in fr and (key != "_s" or strata) and fr[key].isna().any():
                bad = int(fr.loc[fr[key].isna(), "_n"].sum())
                raise InputError.one(
                    f"{bad} row(s) have no {role} value",
                    f"fill in the {role} of every row, or leave those rows out of the table",
                    file=t.label,
                    column=names[key],
                )
        if len(psus) == 2 and (fr["_p2_given"] < fr["_n"]).any():
            raise InputError.one(
                f"{int((fr['_n'] - fr['_p2_given']).sum())} row(s) have no psu value",
                "fill in the psu of every row, or leave those rows out of the table",
                file=t.label,
                column=psus[1],
            )
        for i, col in enumerate(fpcs):
            if fr[f"_f{i}_na"].sum() > 0:
                raise InputError.one(
                    "missing fpc value", "give the fpc of every row", file=t.label, column=col
                )
            varies = fr[f"_f{i}_min"] != fr[f"_f{i}_max"]
            if varies.any():
                label = fr.loc[varies, "_p" if (i == 1 or psus) else "_s"].iloc[0]
                raise InputError.one(
                    f"fpc varies within stratum/PSU {label!r}",
                    "the fpc must be the same for every row of a stratum (stage 1) or of a "
                    "PSU (stage 2)",
                    file=t.label,
                    column=col,
                )
        if weights is not None:
            if fr["_w_bad"].sum() > 0:
                raise InputError.one(
                    f"{int(fr['_w_bad'].sum())} weight(s) are missing, zero or negative",
                    "weights must be positive: leave out rows that are not in the sample, or "
                    "fix the weights",
                    file=t.label,
                    column=weights,
                    value=float(fr["_w_bad_value"].dropna().min()),
                )
            if not np.isfinite(fr["_w_max"].max()) or not np.isfinite(fr["_w_sum"].sum()):
                raise InputError.one(
                    "the weights are infinite or so large that their sum overflows",
                    "check the weight column's unit (people represented per respondent)",
                    file=t.label,
                    column=weights,
                )
        # the frame of units, with the design's own column names for its messages
        units = fr.rename(columns={"_s": strata or "_s", "_p": psus[0] if psus else "_p"})
        if not strata:
            units["_s"] = 0
        s_col = strata or "_s"
        for i, col in enumerate(fpcs):
            units[col] = units[f"_f{i}_min"]
        n_rows = int(units["_n"].sum())
        if psus:
            first = first_stage(units, strata, psus[:1], nest)
        else:
            s_code, s_table = level_codes(units, [s_col])
            labels = list(s_table[s_col]) if strata else ["(all)"]
            H = len(labels)
            n_h = np.bincount(s_code, weights=units["_n"], minlength=H).astype(np.int64)
            first = Sampled(np.empty(0, np.int64), n_rows, np.empty(0, np.int64), H, n_h, labels,
                            True, s_code)  # fmt: skip
        sampled = [first]
        self._ssu_rows = True
        if len(psus) == 2:
            u1 = first.unit
            n2 = np.zeros(first.U, dtype=np.int64)
            n2[u1] = units["_n2"].to_numpy()
            order = np.argsort(u1)
            labels2 = units[psus[0]].to_numpy()[order].tolist()
            self._ssu_rows = bool((units["_n2"] == units["_n"]).all())
            sampled.append(
                Sampled(
                    np.empty(0, np.int64),
                    int(n2.sum()),
                    np.empty(0, np.int64),
                    first.U,
                    n2,
                    labels2,
                    self._ssu_rows,
                    u1,
                )  # fmt: skip
            )
        popsizes = population_sizes(units, fpcs, sampled)
        # without a weight column the weight is constant within a PSU (within a stratum without
        # PSUs): prod over stages of N / n, or 1
        if weights is None:
            wf = np.ones(len(units))
            for N, smp in zip(popsizes, sampled, strict=False):
                wf = wf * (N / smp.n_h)[smp.row_stratum]
            if not popsizes:
                log.warning("No weights or fpc supplied: assuming equal probability (weight 1).")
            self._wfac = wf
        else:
            self._wfac = None
        self._stages = build_stages(sampled, popsizes)
        self._n_rows = n_rows
        self._weight_sum = (
            float(units["_w_sum"].sum()) if weights else float((self._wfac * units["_n"]).sum())
        )
        key_cols = [s_col] + (psus[:1] if psus else [])
        self._units = units[key_cols].copy()
        self._units.columns = ["_s", "_p"][: len(key_cols)]
        self._units["_unit"] = first.unit if psus else np.arange(len(units))
        self._units["_stratum"] = first.row_stratum
        self._units["_wf"] = self._wfac if self._wfac is not None else 1.0
        self._key_cols = ["_s", "_p"][: len(key_cols)]

    # ------------------------------------------------------------------------------------
    @property
    def weights(self) -> pd.Series:
        raise self._in_engine("the row weights")

    @property
    def weight_values(self) -> np.ndarray:
        raise self._in_engine("the row weights")

    def _in_engine(self, what: str) -> InputError:
        return InputError.one(
            f"{what} of a design over {self.table.label} stay in the engine",
            "build gs.Design on a pandas DataFrame (e.g. relation.df() for a sample that fits in "
            "memory) for weighting, models and variance(); mean, total, ratio, proportion, "
            "replicate() and gs.sipas_index work here",
        )

    def variance(self, influence, by=None):  # noqa: D102 - rows stay in the engine
        raise self._in_engine("influence values per row")

    def with_weights(self, weights, calibration=None):  # noqa: D102
        raise self._in_engine("new weights per row")

    def replicate(
        self,
        type: str = "bootstrap",
        replicates: int | None = None,
        seed: int | np.random.Generator | None = None,
        fay_rho: float = 0.0,
        mse: bool = False,
    ) -> TableReplicateDesign:
        """Replicate version of this design, as :meth:`Design.replicate`, on the PSU sums.

        The multipliers of JK1, JKn, the Rao–Wu bootstrap and BRR are constant within a
        PSU, so each replicate's domain totals are the (domain, PSU) sums the engine returns
        times that replicate's multipliers — one matrix product, no row leaves the engine.

        Returns
        -------
        TableReplicateDesign

        Examples
        --------
        >>> import duckdb, govsurvey as gs
        >>> rel = duckdb.sql("SELECT * FROM (VALUES (1.0, 1, 1), (2.0, 1, 2), (4.0, 2, 3), "
        ...                  "(5.0, 2, 4)) AS t(y, s, p)")
        >>> gs.Design(rel, strata="s", psu="p").replicate("jkn").mean("y")["se"].round(6).tolist()
        [0.353553]
        """
        if self._calibrated():
            raise InputError.one(
                "replicate weights of a post-stratified design over a table are not built in "
                "the engine (each replicate would need its own post-stratification)",
                "call replicate() first and post-stratify the design in memory, or use the "
                "Taylor variance of the post-stratified design",
                file=self.table.label,
            )
        if self._stages[0].rows_are_units:
            raise InputError.one(
                "replicate weights of a design over a table need PSUs (here each row is one)",
                "declare psu= (the clusters sampled), or build the replicate design on a "
                "pandas DataFrame",
                file=self.table.label,
            )
        M, scale, rscales, kind = replicate_multipliers(self, type, replicates, seed, fay_rho)
        return TableReplicateDesign(self, M, scale, rscales, kind, mse)

    def glm(self, *args, **kwargs):  # noqa: D102
        raise self._in_engine("a model's rows")

    def ordinal(self, *args, **kwargs):  # noqa: D102
        raise self._in_engine("a model's rows")

    def summary(self) -> pd.DataFrame:
        """The design as a reader of a report needs it (see :meth:`Design.summary`)."""
        first = self._stages[0]
        items = [
            ("table", self.table.label),
            ("rows (respondents)", f"{self._n_rows:,}"),
            ("strata", f"{first.H:,}" + (f" ({self.strata})" if self.strata else "")),
        ]
        names = self.psu or ["(each row)"]
        for k, st in enumerate(self._stages):
            fpc = "with fpc" if k < len(self.fpc) else "without fpc"
            items.append((f"stage {k + 1} units", f"{st.U:,} ({names[k]}, {fpc})"))
        items += [
            ("lonely PSU rule", self.lonely_psu),
            ("design df", f"{self.df}"),
            ("sum of weights", f"{self._weight_sum:,.1f}"),
        ]
        return pd.DataFrame(items, columns=["item", "value"])

    def __repr__(self) -> str:
        st = self._stages[0]
        return (
            f"TableDesign({self.table.label}: {self._n_rows} rows, {st.H} strata, {st.U} PSUs, "
            f"{len(self.psu) or 1} stage(s), fpc={'yes' if self.fpc else 'no'}, "
            f"lonely_psu={self.lonely_psu!r})"
        )

    # --- the sums ------------------------------------------------------------------------
    def _stage_keys(self, k: int, dom: Domains) -> dict:
        return dom.cache[("table_stage", k)]

    def _sums(
        self,
        by: list[str],
        columns: list[str],
        counts: list[str] = (),  # type: ignore[assignment]
        extras: list[str] = (),  # type: ignore[assignment]
    ) -> tuple[Domains, dict]:
        """Run the one grouped query and lay its result out as the variance engine's keys."""
        self._require(by, "by")
        squares = self._stages[0].rows_are_units or len(self._stages) == 2
        ssu = None
        if len(self._stages) == 2 and not self._ssu_rows:
            ssu = self.psu[1]
        weight = (
            self.sql.double(self.sql.q(self.weights_column))
            if self.weights_column
            else self.sql.double("1")
        )
        post = getattr(self, "_post", None)
        cells: list[str] = []
        if post is not None:  # post-stratified weights; sums also by cell, and Σ w per group
            weight = f"({weight}) * ({post['case']})"
            cells = list(post["by"])
            columns = [*columns, "1"]
        sql = sums_query(
            self.sql,
            [*by, *cells],
            self.strata,
            self.psu[0] if self.psu else None,
            ssu,
            weight,
            columns,
            list(counts),
            list(extras),
            squares,
        )
        fr = self.table.fetch(sql)
        fr = fr.rename(columns={f"_g{i}": b for i, b in enumerate(by)})
        fr = fr.rename(columns={f"_g{len(by) + i}": f"_cell{i}" for i in range(len(cells))})
        if not self.strata:
            fr["_s"] = 0
        merged = fr.merge(self._units, on=self._key_cols, how="left", validate="many_to_one")
        if merged["_unit"].isna().any() or int(merged["_n"].sum()) != self._n_rows:
            raise InputError.one(
                f"{self.table.label} changed since the design was built "
                f"({self._n_rows:,} rows then, {int(merged['_n'].sum()):,} now, or PSUs the "
                "design does not know)",
                "build the design again on the table as it is now (gs.Design(...)), and keep "
                "the table unchanged while estimating",
                file=self.table.label,
            )
        if by:
            g, table = level_codes(merged, by)
        else:
            g, table = np.zeros(len(merged), dtype=np.int64), pd.DataFrame(index=[0])
        keep = g >= 0
        post_sums = None
        if post is not None:
            post_sums, merged, g, keep = self._post_sums(merged, g, len(columns), post)
            columns = columns[:-1]
        else:
            merged, g = merged.loc[keep].reset_index(drop=True), g[keep]
        G = len(table)
        p = len(columns)
        wf = merged["_wf"].to_numpy(dtype=float)
        S = merged[[f"_S{j}" for j in range(p)]].to_numpy(dtype=float) * wf[:, None]
        K = merged[[f"_K{j}" for j in range(len(counts))]].to_numpy(dtype=float)
        E = merged[[f"_E{j}" for j in range(len(extras))]].to_numpy(dtype=float) * wf[:, None]
        nrow = merged["_n"].to_numpy(dtype=float)
        Q = None
        if squares:
            Q = np.empty((len(merged), p, p))
            for j in range(p):
                for m in range(j, p):  # the columns of the query's result, p (p + 1) / 2
                    Q[:, j, m] = Q[:, m, j] = merged[f"_Q{j}_{m}"].to_numpy(dtype=float)
            Q *= (wf * wf)[:, None, None]
        dom = Domains(
            np.empty(0, dtype=np.int64),
            G,
            table.reset_index(drop=True) if by else table,
            by,
            np.bincount(g, weights=nrow, minlength=G).round().astype(np.int64),
        )
        # stage 1 keys: (domain, PSU), or (domain, stratum) when the rows are the PSUs
        st = self._stages[0]
        kh = merged["_stratum"].to_numpy(dtype=np.int64)
        if st.rows_are_units:
            kg = g
        else:
            ku = merged["_unit"].to_numpy(dtype=np.int64)
            kh = st.unit_stratum[ku]
            kg = g
        ghkeys, ghid = compress(kg * st.H + kh, G * st.H)
        keys0 = dict(
            kg=kg,
            K=len(kg),
            ghid=ghid,
            gg=ghkeys // st.H,
            hh=ghkeys % st.H,
            present=np.bincount(
                ghid, weights=None if not st.rows_are_units else nrow, minlength=len(ghkeys)
            ),  # fmt: skip
        )
        keys0["ku"] = merged["_unit"].to_numpy(dtype=np.int64)
        dom.cache[("table_stage", 0)] = keys0
        dom.cache["some_out"] = not keep.all()
        if len(self._stages) == 2:  # stage 2: strata are the PSUs, one key per (domain, PSU)
            ku = merged["_unit"].to_numpy(dtype=np.int64)
            dom.cache[("table_stage", 1)] = dict(
                kg=g, K=len(g), ghid=np.arange(len(g)), gg=g, hh=ku, present=nrow
            )
        return dom, dict(S=S, K=K, E=E, Q=Q, g=g, n=nrow, post=post_sums)

    def _post_sums(self, merged: pd.DataFrame, g: np.ndarray, p1: int, post: dict):
        """Collapse (domain, cell, PSU) groups to (domain, PSU), keeping the cell sums.

        Returns the cell sums (``Wcp``: weight per cell and PSU, all rows; ``Wc``; ``Sgc``: the
        columns' totals per domain and cell), the collapsed frame, its domains and ``keep``.
        """
        cells = post["levels"]
        m = merged.merge(cells, on=list(cells.columns[:-1]), how="left")
        c = m["_cell"].to_numpy()
        if np.isnan(c.astype(float)).any():
            raise InputError.one(
                f"{self.table.label} holds a post-stratum the weights do not know",
                "post-stratify the design again on the table as it is now",
                file=self.table.label,
            )
        c = c.astype(np.int64)
        C, U = len(cells), self._stages[0].U
        wf = m["_wf"].to_numpy(dtype=float)
        unit = m["_unit"].to_numpy(dtype=np.int64)
        Wcp = np.zeros((C, U))
        np.add.at(Wcp, (c, unit), m[f"_S{p1 - 1}"].to_numpy(dtype=float) * wf)
        keep = g >= 0
        cols = [x for x in m.columns if x.startswith(("_S", "_K", "_E")) or x == "_n"]
        vals = m.loc[keep, cols].to_numpy(dtype=float)
        gk, ck, uk = g[keep], c[keep], unit[keep]
        G = int(g.max()) + 1 if keep.any() else 0
        G = max(G, len(np.unique(gk))) if keep.any() else 0
        Sgc = np.zeros((G, C, p1 - 1))
        sc = [cols.index(f"_S{j}") for j in range(p1 - 1)]
        np.add.at(Sgc, (gk, ck), vals[:, sc] * wf[keep, None])
        ukeys, kid = compress(gk * U + uk, max(G, 1) * U)
        summed = group_sum(kid, vals, len(ukeys))
        out = pd.DataFrame(summed, columns=cols)
        out["_unit"] = ukeys % U
        out["_stratum"] = self._stages[0].unit_stratum[ukeys % U]
        out["_wf"] = 1.0  # already applied to the cell sums; the PSU factor is constant
        wfu = np.ones(U)
        wfu[m["_unit"].to_numpy(dtype=np.int64)] = wf
        for col in cols:
            if col.startswith(("_S", "_E")):
                out[col] = out[col] * wfu[ukeys % U]
        post_sums = dict(Wcp=Wcp, Wc=Wcp.sum(axis=1), Sgc=Sgc)
        return post_sums, out, ukeys // U, np.ones(len(ukeys), dtype=bool)

    def _variance_of(
        self,
        dom: Domains,
        sums: dict,
        T: np.ndarray,
        point: Callable,
        influence: Callable,
        obs_counts: np.ndarray | None,
    ) -> np.ndarray:
        """The design's variance of ``point(T)``: here Taylor, from the linear influence."""
        return self._linear_variance(dom, sums, T, influence, obs_counts)

    def _linear_variance(
        self,
        dom: Domains,
        sums: dict,
        T: np.ndarray,
        influence: Callable,
        obs_counts: np.ndarray | None,
    ) -> np.ndarray:
        """The Taylor variance of a linear influence from the sums of :meth:`_sums`."""
        S, g = sums["S"], sums["g"]
        X = np.asarray(influence(T, S, g), dtype=float)
        X = X[:, None] if X.ndim == 1 else X
        m = X.shape[1]
        A = None
        if sums["Q"] is not None or sums.get("post") is not None:  # coefficients, (G, p, m)
            p = S.shape[1]
            basis = np.tile(np.eye(p), (dom.G, 1))
            gb = np.repeat(np.arange(dom.G), p)
            A = np.asarray(influence(T, basis, gb), dtype=float).reshape(dom.G, p, m)
        if sums.get("post") is not None:
            return self._post_variance(dom, sums, T, influence, X, A)
        V = np.zeros((dom.G, m))
        for k, st in enumerate(self._stages):
            keys = dom.cache[("table_stage", k)]
            if k == 0 and not st.rows_are_units:
                V += self._unit_variance(k, X, dom, obs_counts)
                continue
            # the units are the rows (or the second-stage units): each (domain, stratum)'s sum
            # of squares of w z from the cross-products, Σ (w z)² = a' Q a with a the
            # influence's coefficients
            ghid, Kgh = keys["ghid"], len(keys["hh"])
            S1 = group_sum(ghid, X, Kgh)
            sq = np.empty((len(g), m))
            step = max(1, 2_000_000 // max(1, A.shape[1] * m))
            for i in range(0, len(g), step):  # bounded working memory
                a = A[g[i : i + step]]
                sq[i : i + step] = (a * np.matmul(sums["Q"][i : i + step], a)).sum(axis=1)
            nh = st.n_h[keys["hh"]].astype(float)
            SS = group_sum(ghid, sq, Kgh) - S1 * S1 / nh[:, None]
            SS = np.maximum(SS, 0.0)
            seen = None
            if obs_counts is not None and ((nh == 1) & (st.f[keys["hh"]] >= CERTAIN)).any():
                seen = group_sum(ghid, (obs_counts > 0).astype(float), Kgh) > 0
            V += self._stratum_variance(k, S1, SS, keys, dom.G, seen)
        return V

    def _post_variance(self, dom, sums, T, influence, X, A) -> np.ndarray:
        """Taylor variance after post-stratification: influence minus its cell means.

        As R's ``svyrecvar`` after ``postStratify`` (and the in-memory design's calibration):
        ``z - zbar_c`` for each row's cell ``c``, so a domain's influence reaches every PSU
        holding its cells; the PSU totals are ``Σ w z - Σ_c zbar_c W_{c,PSU}``.
        """
        post = sums["post"]
        G, m = dom.G, X.shape[1]
        st = self._stages[0]
        P = st.U
        with np.errstate(divide="ignore", invalid="ignore"):
            zbar = np.einsum("gjm,gcj->gcm", A, post["Sgc"]) / post["Wc"][None, :, None]
        zbar = np.nan_to_num(zbar)
        Xd = -np.einsum("gcm,cu->gum", zbar, post["Wcp"])  # (G, P, m)
        keys = dom.cache[("table_stage", 0)]
        np.add.at(Xd, (sums["g"], keys["ku"]), X)
        dense = Domains(np.empty(0, dtype=np.int64), G, dom.table, dom.by, dom.n)
        kg = np.repeat(np.arange(G), P)
        ku = np.tile(np.arange(P), G)
        ghkeys, ghid = compress(kg * st.H + st.unit_stratum[ku], G * st.H)
        dense.cache[("table_stage", 0)] = dict(
            kg=kg, K=len(kg), ghid=ghid, gg=ghkeys // st.H, hh=ghkeys % st.H,
            present=np.bincount(ghid, minlength=len(ghkeys)), ku=ku,
        )  # fmt: skip
        return self._unit_variance(0, Xd.reshape(G * P, m), dense)

    def poststratify(
        self, by: str | Sequence[str], totals: pd.DataFrame | dict, count: str | None = None
    ) -> TableDesign:
        """Post-stratify to known population counts (R's ``postStratify``), in the engine.

        The cells' weight sums come from one grouped query; the new weights are the design's
        times ``N_c / Ŵ_c``, written into every later query; variances use the influence minus
        its cell means, as :func:`govsurvey.poststratify` on a design in memory.

        Parameters
        ----------
        by : str or list of str
            Post-stratum columns.
        totals : mapping or pandas.DataFrame
            ``{level: N}`` for one column, or a table with the ``by`` columns and a count
            column (``N`` or the one named by ``count``).
        count : str, optional
            The count column of ``totals``.

        Returns
        -------
        TableDesign

        Examples
        --------
        >>> import duckdb, govsurvey as gs
        >>> rel = duckdb.sql("SELECT * FROM (VALUES (1.0, 'm', 1), (2.0, 'm', 2), "
        ...                  "(3.0, 'f', 3), (4.0, 'f', 4)) AS t(y, sex, p)")
        >>> d = gs.Design(rel, psu="p").poststratify("sex", {"m": 30, "f": 70})
        >>> d.total("y")["estimate"].round(2).tolist()
        [290.0]
        """
        if len(self._stages) != 1 or self._stages[0].rows_are_units or self._calibrated():
            raise InputError.one(
                "post-stratification in the engine is for one-stage designs with PSUs",
                "declare psu= (one stage), or post-stratify a design built on a DataFrame",
                file=self.table.label,
            )
        by_ = as_list(by)
        dom, sums = self._sums(by_, ["1"])
        if int(dom.n.sum()) != self._n_rows:
            raise InputError.one(
                f"{self._n_rows - int(dom.n.sum())} row(s) have no post-stratum value",
                f"fill in {', '.join(by_)} on every row",
                file=self.table.label,
                column=by_[0],
            )
        W = group_sum(sums["g"], sums["S"], dom.G)[:, 0]
        cells = dom.table.reset_index(drop=True)
        key = cells.astype(str).agg("\x1f".join, axis=1)
        if isinstance(totals, pd.DataFrame):
            col = count or ("N" if "N" in totals else None)
            if col is None or any(c not in totals for c in by_):
                raise InputError.one(
                    "the totals table needs the by columns and a count column",
                    "pass count= or name the count column N",
                    value=list(totals.columns),
                )
            tk = totals[by_].astype(str).agg("\x1f".join, axis=1)
            pop_of = dict(zip(tk, pd.to_numeric(totals[col], errors="coerce"), strict=True))
        else:
            pop_of = {str(k): float(v) for k, v in dict(totals).items()}
        missing = [k for k in key if k not in pop_of]
        if missing:
            raise InputError.one(
                f"the sample's post-stratum {missing[0]!r} has no population count",
                "give a count for every cell of the sample",
                column=by_[0],
                value=missing[0],
            )
        extra = sorted(set(pop_of) - set(key))
        if extra:
            raise InputError.one(
                f"the population cell {extra[0]!r} has no respondent",
                "collapse it with a neighbouring cell",
                column=by_[0],
                value=extra[0],
            )
        factor = np.array([pop_of[k] for k in key], dtype=float) / W
        d = self.sql
        whens = " ".join(
            "WHEN "
            + " AND ".join(f"{d.q(c)} = {d.literal(v)}" for c, v in zip(by_, row, strict=True))
            + f" THEN {d.literal(float(f))}"
            for row, f in zip(cells.itertuples(index=False), factor, strict=True)
        )
        new = copy.copy(self)
        levels = cells.copy()
        levels.columns = [f"_cell{i}" for i in range(len(by_))]
        levels["_cell"] = np.arange(len(levels))
        new._post = dict(by=by_, levels=levels, case=f"CASE {whens} END")
        new._weight_sum = float(np.sum([pop_of[k] for k in key]))
        return new

    def _calibrated(self) -> bool:
        return getattr(self, "_post", None) is not None

    def _df(self, dom: Domains, counts: np.ndarray | None, nrow: np.ndarray) -> np.ndarray:
        """PSUs minus strata holding domain rows (with a value), per (domain, column)."""
        keys = dom.cache[("table_stage", 0)]
        c = nrow[:, None] if counts is None else counts  # rows (with a value) per key
        units = c if self._stages[0].rows_are_units else (c > 0)
        n_units = group_sum(keys["kg"], units.astype(float), dom.G)
        per_stratum = group_sum(keys["ghid"], (c > 0).astype(float), len(keys["hh"]))
        n_strata = group_sum(keys["gg"], (per_stratum > 0).astype(float), dom.G)
        return n_units - n_strata

    # --- the engine's estimate_smooth ------------------------------------------------------
    @quiet
    def estimate_linear(
        self,
        columns: Sequence[str],
        point: Callable[[np.ndarray], np.ndarray],
        influence: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
        by: Columns = None,
        counts: Sequence[str] = (),
    ) -> tuple[SmoothEstimate, np.ndarray]:
        """Smooth functions of domain totals whose influence is linear in the columns.

        The pushed-down :meth:`Design.estimate_smooth` (``linear=True``): ``columns`` are SQL
        expressions (of :attr:`sql`, the engine's dialect) instead of arrays; ``influence`` is
        applied to (domain, PSU) sums, so it must be linear in its second argument.

        Parameters
        ----------
        columns : sequence of str
            SQL expressions, numbers without NULL (``CASE … ELSE 0 END``).
        point, influence : callable
            As :meth:`Design.estimate_smooth`.
        by : str or list of str, optional
            Domain columns.
        counts : sequence of str
            SQL expressions summed without weights per domain (e.g. valid answers), written
            in terms of the columns: ``{c0}``, ``{c1}``, … (each computed once per row).

        Returns
        -------
        (SmoothEstimate, numpy.ndarray)
            The estimate and the domain sums of ``counts``, shape ``(G, len(counts))``.

        Examples
        --------
        >>> import duckdb, numpy as np, govsurvey as gs
        >>> rel = duckdb.sql("SELECT * FROM (VALUES (1.0, 1), (2.0, 1), (4.0, 2), (5.0, 2))"
        ...                  " AS t(y, s)")
        >>> d = gs.Design(rel, strata="s")
        >>> res, n = d.estimate_linear(["y"], lambda T: T, lambda T, c, g: c, counts=["1"])
        >>> float(res.estimate[0, 0]), float(res.variance[0, 0]), n.tolist()
        (12.0, 2.0, [[4.0]])
        """
        by_cols = as_list(by)
        dom, sums = self._sums(by_cols, list(columns), list(counts))
        T = group_sum(sums["g"], sums["S"], dom.G)
        est = np.asarray(point(T), dtype=float)
        V = self._variance_of(dom, sums, T, point, influence, None)
        V = np.where(np.isnan(est), np.nan, V)
        df = self._df(dom, None, sums["n"])[:, 0]
        cnt = group_sum(sums["g"], sums["K"], dom.G)
        return SmoothEstimate(dom.table, est, V, df, dom.n, T, method=self.variance_method), cnt

    def estimate_smooth(self, columns, point, influence, by=None, linear=False):  # noqa: D102
        raise InputError.one(
            "estimate_smooth takes arrays of rows, which a design over a table does not hold",
            "use estimate_linear with SQL expressions for the columns (see its docstring)",
        )

    # --- public estimators ---------------------------------------------------------------
    def _numeric(self, names: list[str], role: str) -> list[str]:
        if not names:
            raise InputError.one(f"no {role} given", "name at least one column")
        self._require(names, role)
        for v in names:
            if not self.table.numeric(v):
                raise InputError.one(
                    f"{role} must be numeric, but the column holds {self.table.columns()[v]} "
                    f"values in {self.table.label}",
                    "convert it to numbers (e.g. map the answer codes) or, for a categorical "
                    "variable, use proportion()",
                    file=self.table.label,
                    column=v,
                )
        return [self.sql.double(self.sql.q(v)) for v in names]

    def _mean_sums(self, y: list[str], obs: list[str], by: list[str], logit_se: bool = False):
        k = len(y)
        y0 = [f"CASE WHEN {o} = 1 THEN {v} ELSE 0 END" for v, o in zip(y, obs, strict=True)]
        counts = [f"{{c{k + j}}}" for j in range(k)]
        sq = [f"{{c{j}}} * {{c{j}}}" for j in range(k)]
        dom, sums = self._sums(by, y0 + obs, counts, sq)

        def point(T):
            return T[..., :k] / T[..., k:]

        def influence(T, cols, g):  # (y0 - m obs) / N: linear in the columns
            m = np.vstack([point(T), np.zeros((1, k))])
            inv_n = np.vstack([1.0 / T[:, k:], np.zeros((1, k))])
            gi = np.where(g < 0, len(T), g)
            return (cols[:, :k] - m[gi] * cols[:, k:]) * inv_n[gi]

        T = group_sum(sums["g"], sums["S"], dom.G)
        est = point(T)
        cnt = sums["K"]
        V = self._variance_of(dom, sums, T, point, influence, cnt)
        V = np.where(np.isnan(est), np.nan, V)
        N = T[:, k:]
        Ey = group_sum(sums["g"], sums["E"], dom.G)
        nobs = group_sum(sums["g"], cnt, dom.G)
        ssw = np.where(nobs > 1, Ey - N * est * est, 0.0)  # one value: exactly no spread
        deff = V / kish_vsrs(ssw, N, nobs, total=False)
        lse = None
        if logit_se and self.variance_method != "taylor":
            # as Estimators._logit_se: the replicate SE of the logit of each replicate's share
            def logit(T):
                p = point(T)
                return np.log(p / (1.0 - p))

            lse = np.sqrt(self._variance_of(dom, sums, T, logit, None, cnt))
        return dom, est, V, self._df(dom, cnt, sums["n"]), nobs, deff, lse

    @quiet
    def mean(self, variables: Columns, by: Columns = None, level: float = 0.95) -> pd.DataFrame:
        """Domain means, as :meth:`Design.mean`, from the engine's sums."""
        names = as_list(variables)
        y = self._numeric(names, "mean variable")
        obs = [self.sql.present(v) for v in y]
        dom, est, var, df, n, deff, _ = self._mean_sums(y, obs, as_list(by))
        return result_frame(
            dom.table, names, est, var, df, n, deff, level=level, method=self.variance_method
        )

    @quiet
    def total(self, variables: Columns, by: Columns = None, level: float = 0.95) -> pd.DataFrame:
        """Domain totals, as :meth:`Design.total`, from the engine's sums."""
        names = as_list(variables)
        y = self._numeric(names, "total variable")
        k = len(y)
        obs = [self.sql.present(v) for v in y]
        y0 = [f"CASE WHEN {o} = 1 THEN {v} ELSE 0 END" for v, o in zip(y, obs, strict=True)]
        counts = [f"{{c{k + j}}}" for j in range(k)]
        sq = [f"{{c{j}}} * {{c{j}}}" for j in range(k)]
        dom, sums = self._sums(as_list(by), y0 + obs, counts, sq)
        T = group_sum(sums["g"], sums["S"], dom.G)
        est = T[:, :k]
        V = self._variance_of(
            dom, sums, T, lambda T: T[..., :k], lambda T, c, g: c[:, :k], sums["K"]
        )
        N = T[:, k:]
        nobs = group_sum(sums["g"], sums["K"], dom.G)
        ssw = np.where(nobs > 1, group_sum(sums["g"], sums["E"], dom.G) - est * est / N, 0.0)
        deff = V / kish_vsrs(ssw, N, nobs, total=True)
        df = self._df(dom, sums["K"], sums["n"])
        return result_frame(
            dom.table, names, est, V, df, nobs, deff, level=level, method=self.variance_method
        )

    @quiet
    def ratio(
        self, numerator: Columns, denominator: Columns, by: Columns = None, level: float = 0.95
    ) -> pd.DataFrame:
        """Ratios of totals, as :meth:`Design.ratio`, from the engine's sums."""
        num, den = as_list(numerator), as_list(denominator)
        y, x = self._numeric(num, "ratio numerator"), self._numeric(den, "ratio denominator")
        if len(den) == 1 and len(num) > 1:
            den, x = den * len(num), x * len(num)
        if len(den) != len(num):
            raise InputError.one(
                f"{len(num)} numerators but {len(den)} denominators",
                "give one denominator, or one per numerator",
            )
        k = len(num)
        d = self.sql
        obs = [
            f"CASE WHEN {d.present(a)} = 1 AND {d.present(b)} = 1 THEN 1 ELSE 0 END"
            for a, b in zip(y, x, strict=True)
        ]
        y0 = [f"CASE WHEN {o} = 1 THEN {a} ELSE 0 END" for a, o in zip(y, obs, strict=True)]
        x0 = [f"CASE WHEN {o} = 1 THEN {b} ELSE 0 END" for b, o in zip(x, obs, strict=True)]
        extras = (
            [f"{{c{j}}} * {{c{j}}}" for j in range(k)]
            + [f"{{c{j}}} * {{c{k + j}}}" for j in range(k)]
            + [f"{{c{k + j}}} * {{c{k + j}}}" for j in range(k)]
        )
        counts = [f"{{c{2 * k + j}}}" for j in range(k)]
        dom, sums = self._sums(as_list(by), y0 + x0 + obs, counts, extras)

        def point(T):
            return T[..., :k] / T[..., k : 2 * k]

        def influence(T, cols, g):
            r = np.vstack([point(T), np.zeros((1, k))])
            X = np.vstack([T[:, k : 2 * k], np.ones((1, k))])
            gi = np.where(g < 0, len(T), g)
            return (cols[:, :k] - r[gi] * cols[:, k : 2 * k]) / X[gi]

        T = group_sum(sums["g"], sums["S"], dom.G)
        est = point(T)
        V = self._variance_of(dom, sums, T, point, influence, sums["K"])
        V = np.where(np.isnan(est), np.nan, V)
        E = group_sum(sums["g"], sums["E"], dom.G)
        Eyy, Exy, Exx = E[:, :k], E[:, k : 2 * k], E[:, 2 * k :]
        Tx = T[:, k : 2 * k]
        nobs = group_sum(sums["g"], sums["K"], dom.G)
        ssw = np.where(nobs > 1, (Eyy - 2 * est * Exy + est * est * Exx) / (Tx * Tx), 0.0)
        deff = V / kish_vsrs(ssw, T[:, 2 * k :], nobs, total=True)
        df = self._df(dom, sums["K"], sums["n"])
        labels = [f"{a}/{b}" for a, b in zip(num, den, strict=True)]
        return result_frame(
            dom.table, labels, est, V, df, nobs, deff, level=level, method=self.variance_method
        )

    @quiet
    def proportion(self, variable: str, by: Columns = None, level: float = 0.95) -> pd.DataFrame:
        """Shares of every level, as :meth:`Design.proportion`, from the engine's sums."""
        if not isinstance(variable, str):
            raise InputError.one(
                "proportion() takes one variable", "call it once per variable", value=variable
            )
        self._require([variable], "proportion variable")
        d = self.sql
        q = d.q(variable)
        numeric = self.table.numeric(variable) and self.table.columns()[variable].upper() not in (
            "BOOLEAN",
        )
        value = d.double(q) if numeric else q
        present = d.present(value) if numeric else f"CASE WHEN {q} IS NULL THEN 0 ELSE 1 END"
        distinct = self.table.fetch(f"SELECT DISTINCT {value} AS v FROM {{t}} WHERE {present} = 1")[
            "v"
        ]
        _, levels = pd.factorize(distinct, sort=True)
        L = len(levels)
        if L == 0:
            raise InputError.one(
                "the variable has no non-missing values",
                "check the column",
                file=self.table.label,
                column=variable,
            )
        ind = [f"CASE WHEN {value} = {d.literal(v)} THEN 1 ELSE 0 END" for v in levels]
        dom, est, var, df, n, deff, lse = self._mean_sums(ind, [present] * L, as_list(by), True)
        return result_frame(
            dom.table,
            [variable] * L,
            est,
            var,
            df,
            n,
            deff,
            categories=list(levels),
            logit=True,
            level=level,
            method=self.variance_method,
            logit_se=lse,
        )


class TableReplicateDesign(TableDesign):
    """A replicate design over a table: PSU multipliers applied to the engine's PSU sums.

    Made by :meth:`TableDesign.replicate`; estimates as :class:`ReplicateDesign`'s (R's
    ``svrVar`` on replicate estimates, df the rank of each domain's replicate weights minus 1).
    """

    def __init__(self, design: TableDesign, M, scale, rscales, kind, mse) -> None:
        self.__dict__.update(design.__dict__)
        self._M = np.asarray(M, dtype=float)
        self.type = kind
        self.replicates = self._M.shape[1]
        rs = np.ones(self.replicates) if rscales is None else np.asarray(rscales, dtype=float)
        self.scale, self.rscales, self.mse = float(scale), rs, bool(mse)
        U, sv, _ = np.linalg.svd(self._M, full_matrices=False)
        rank = int((sv > RANK_TOL * sv[0]).sum()) if sv.size and sv[0] > 0 else 0
        self._U = U[:, :rank]

    @property
    def df(self) -> float:  # type: ignore[override]
        """Degrees of freedom: rank of the replicate weights minus 1 (R's ``degf``)."""
        return float(self._U.shape[1] - 1)

    def replicate(self, *args, **kwargs):  # noqa: D102
        raise InputError.one(
            "this design is already a replicate design", "call replicate() on the Taylor design"
        )

    def __repr__(self) -> str:
        return (
            f"TableReplicateDesign({self.table.label}: type={self.type!r}, "
            f"{self.replicates} replicates, scale={self.scale:g}, mse={self.mse})"
        )

    def _variance_of(self, dom, sums, T, point, influence, obs_counts) -> np.ndarray:
        S, g = sums["S"], sums["g"]
        ku = dom.cache[("table_stage", 0)]["ku"]
        G, p = dom.G, S.shape[1]
        P = self._M.shape[0]
        rows = (g[:, None] * p + np.arange(p)[None, :]).ravel()
        Xs = sparse.csr_matrix((S.ravel(), (rows, np.repeat(ku, p))), shape=(G * p, P))
        TR = np.asarray(Xs @ self._M).T.reshape(-1, G, p)  # (R, G, p) replicate totals
        est = np.asarray(point(T), dtype=float)
        theta = np.asarray(point(TR), dtype=float)
        return replicate_variance(theta, est, self.scale, self.rscales, self.mse)

    def _df(self, dom: Domains, counts: np.ndarray | None, nrow: np.ndarray) -> np.ndarray:
        keys = dom.cache[("table_stage", 0)]
        width = 1 if counts is None else counts.shape[1]
        if dom.G == 1 and not dom.cache.get("some_out", False):
            return np.full((1, width), self.df)
        P, rank = self._U.shape
        held = np.zeros((dom.G, P), dtype=bool)
        held[keys["kg"], keys["ku"]] = True
        lacks = held.sum(axis=1) > P / 2
        above_tol, near_one = gram_eigen_counts(self._U, held ^ lacks[:, None])
        ranks = np.where(lacks, rank - near_one, above_tol).astype(float)
        return np.broadcast_to((ranks - 1.0)[:, None], (dom.G, width))


TABLE_DESIGNS.append(TableDesign)
