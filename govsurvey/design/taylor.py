"""Survey designs and the one variance engine behind every govsurvey estimator.

:class:`Design` is R's ``svydesign``: weights, strata, one or two stages of clusters, finite
population corrections and a lonely-PSU rule. Its variance engine,
:meth:`Design.estimate_smooth`, takes any smooth function of weighted domain totals together
with its linearisation (influence) values and returns estimates and Taylor variances for every
domain at once, summing influence values by (domain, stratum, PSU) as R's ``svyrecvar`` does.
:meth:`Design.mean`, :meth:`Design.total`, :meth:`Design.ratio` and
:meth:`Design.proportion` are built on it, and so are the SIPAS index, regressions and weighting
adjustments elsewhere in the package. :meth:`Design.replicate` turns a design into a
:class:`govsurvey.replicate.ReplicateDesign` with the same methods.

Missing values
--------------
A missing value (``NaN``) in an analysis variable follows R's ``na.rm=TRUE`` domain semantics:
the row stays in the design (its PSU and stratum still count) but gets zero influence, exactly
as if it were outside the domain. ``n`` in a result counts rows with a value.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from ..results import SmoothEstimate
from .engine import (
    CERTAIN,
    Calibration,
    Columns,
    Domains,
    Grouper,
    as_frame,
    as_list,
    check_columns,
    compress,
    group_sum,
    kish_vsrs,
    level_codes,
    numeric_column,
)
from .estimators import Estimators, quiet

__all__ = ["Design", "LONELY_PSU_RULES", "Stage"]

log = logging.getLogger(__name__)

#: The lonely-PSU rules, as R's ``options(survey.lonely.psu=)``.
LONELY_PSU_RULES = ("fail", "remove", "adjust", "average", "certainty")

#: The design over a table that is not in memory (DuckDB, Parquet, Spark): the registry that
#: :mod:`govsurvey.design.backends` fills, so that ``Design(path_or_relation, ...)`` builds one.
TABLE_DESIGNS: list[type] = []


# --------------------------------------------------------------------------------------------
@dataclass
class Stage:
    """One sampling stage: units, their strata, sample and population counts."""

    unit: np.ndarray  # (n,) unit code in [0, U)
    U: int
    unit_stratum: np.ndarray  # (U,) stratum code in [0, H)
    H: int
    n_h: np.ndarray  # (H,) units sampled in the stratum
    f: np.ndarray  # (H,) fpc factor (N - n) / N, 1 without fpc
    mult: np.ndarray  # (H,) multiplier of the stage's contribution (R's n1/N1 at stage 2)
    labels: list  # (H,) stratum labels for messages
    rows_are_units: bool = False


class Design(Estimators):
    """A probability sample's design, as R's ``svydesign``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent. Kept by reference, never filtered.
    weights : str, optional
        Sampling weight column (positive, no missing values). When ``None``, weights come
        from ``fpc`` as R does (``prod over stages of N / n``), or are all 1 without ``fpc``.
    strata : str, optional
        First-stage strata column.
    psu : str or list of str, optional
        Cluster columns, one per stage (at most two): ``"psu"`` or ``["dnum", "snum"]``.
        ``None`` means every row is its own PSU. Second-stage units are always taken within
        their PSU.
    fpc : str or list of str, optional
        Finite population corrections, one column per stage: population counts (stage 1:
        PSUs in the stratum; stage 2: SSUs in the PSU), or sampling fractions when every value
        is at most 1 (R's rule). The second stage adds to the variance only when its fpc is
        given, as in R.
    lonely_psu : {"fail", "remove", "adjust", "average", "certainty"}
        A stratum with a single PSU (R's ``survey.lonely.psu``): ``"fail"`` raises an
        :class:`~govsurvey.errors.InputError` naming the stratum; ``"remove"`` and
        ``"certainty"`` give it zero variance; ``"adjust"`` centres its PSU total at the
        grand mean of all PSU totals (as svy and current R; R survey 4.1.1 centres at zero,
        which differs for totals only, and govsurvey does so at stage 2); ``"average"``
        replaces it by the average of the other strata in the domain (NaN at stage 2, as R).
        Strata sampled completely (fpc equal to the sample size) are never lonely.
    nest : bool
        PSU ids are only unique within strata (R's ``nest=TRUE``). With ``False`` an id
        found in two strata is an error.
    id : str, optional
        A respondent id column that must be unique (checked; on a table of monthly files the
        message names the files holding a duplicate).

    Notes
    -----
    ``data`` may also be a table that is not in memory: a DuckDB relation, the path of a
    Parquet file, folder or glob, or a Spark DataFrame. The design is then a
    :class:`govsurvey.design.backends.TableDesign`, whose estimates are computed from
    (domain, stratum, PSU) sums that the engine returns, with the same figures.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "s": [1, 1, 2, 2],
    ...                    "p": [1, 2, 1, 2], "N": [10, 10, 20, 20]})
    >>> d = Design(df, strata="s", psu="p", fpc="N", nest=True)
    >>> d.weights.tolist()
    [5.0, 5.0, 10.0, 10.0]
    >>> d.df
    2
    """

    def __new__(cls, data: object = None, *args, **kwargs):
        if cls is Design and not isinstance(data, pd.DataFrame):
            for table_design in TABLE_DESIGNS:
                if table_design.accepts(data):
                    return super().__new__(table_design)
        return super().__new__(cls)

    def __init__(
        self,
        data: pd.DataFrame,
        weights: str | None = None,
        strata: str | None = None,
        psu: Columns = None,
        fpc: Columns = None,
        lonely_psu: str = "fail",
        nest: bool = False,
        id: str | None = None,
    ) -> None:
        data = as_frame(data)
        if lonely_psu not in LONELY_PSU_RULES:
            raise InputError.one(
                "unknown lonely_psu rule",
                f"use one of {', '.join(LONELY_PSU_RULES)}",
                value=lonely_psu,
            )
        if len(data) == 0:
            raise InputError.one("the data has no rows", "pass the survey responses")
        if strata is not None and not isinstance(strata, str):
            raise InputError.one(
                "strata takes one column name",
                "combine strata columns into one column first",
                value=strata,
            )
        psus = as_list(psu)
        fpcs = as_list(fpc)
        if len(psus) > 2:
            raise InputError.one(
                "at most two stages of clusters are supported",
                "pass psu=[stage1, stage2]",
                value=psus,
            )
        check_columns(data, [c for c in [weights, strata] if c is not None], "design")
        check_columns(data, psus, "psu")
        check_columns(data, fpcs, "fpc")
        if id is not None:
            check_columns(data, [id], "id")
            dup = data[id].duplicated(keep=False).to_numpy()
            if dup.any():
                raise InputError.one(
                    f"{int(dup.sum())} rows share an id (first: {data[id].to_numpy()[dup][0]!r})",
                    "each respondent must appear once: drop the rows entered twice",
                    column=id,
                    value=data[id].to_numpy()[dup][0],
                )
        n_stages = max(len(psus), 1)
        if fpcs and len(fpcs) != n_stages:
            raise InputError.one(
                f"{len(fpcs)} fpc column(s) for {n_stages} stage(s)",
                "give one fpc column per stage (or none)",
                value=fpcs,
            )
        for col, role in [(strata, "strata"), *[(c, "psu") for c in psus]]:
            if col is not None and data[col].isna().any():
                row = int(np.flatnonzero(data[col].isna().to_numpy())[0])
                raise InputError.one(
                    f"missing {role} value (first at data row index {data.index[row]!r})",
                    f"fill in the {role} of every row, or drop those rows before building "
                    "the design",
                    column=col,
                )

        self.data = data
        self.strata = strata
        self.psu = psus
        self.fpc = fpcs
        self.lonely_psu = lonely_psu
        self.nest = nest
        self.weights_column = weights

        sampled = [first_stage(data, strata, psus, nest)]
        if len(psus) == 2:
            sampled.append(_second_stage(data, psus, sampled[0]))
        popsizes = population_sizes(data, fpcs, sampled)
        self._weights = _design_weights(data, weights, popsizes, sampled)
        self._stages: list[Stage] = build_stages(sampled, popsizes)
        self._calibration: tuple[Calibration, ...] = ()
        self._check_lonely()

    # ------------------------------------------------------------------------------------
    def _check_lonely(self) -> None:
        for k, st in enumerate(self._stages):
            lonely = (st.n_h == 1) & (st.f >= CERTAIN)
            if not lonely.any():
                continue
            names = [st.labels[h] for h in np.flatnonzero(lonely)]
            if self.lonely_psu == "fail":
                where = "stratum" if k == 0 else "PSU (stage 2)"
                unit = "PSU" if k == 0 else "second-stage unit"
                raise InputError.one(
                    f"{where} {names[0]!r} has only one {unit}"
                    + (f" ({len(names)} such, also {names[1:4]})" if len(names) > 1 else ""),
                    "its variance cannot be estimated: collapse it with a neighbouring stratum, "
                    "or choose a rule with lonely_psu='adjust' | 'average' | 'remove' | "
                    "'certainty'",
                    column=self.strata if k == 0 else self.psu[0],
                    value=names[0],
                )
            log.info(
                "stage %d: %d lonely PSU stratum/strata handled by %r",
                k + 1,
                len(names),
                self.lonely_psu,
            )

    @property
    def weights(self) -> pd.Series:
        """The sampling weights, as a Series aligned with ``data``."""
        return pd.Series(self._weights, index=self.data.index, name=self.weights_column or "w")

    @property
    def stages(self) -> tuple[Stage, ...]:
        """The variance stages (units, their strata, sample sizes and fpc factors)."""
        return tuple(self._stages)

    @property
    def df(self) -> int:
        """Design degrees of freedom, R's ``degf``: PSUs minus strata."""
        st = self._stages[0]
        return int(st.U - st.H)

    def summary(self) -> pd.DataFrame:
        """The design as a reader of a report needs it: one row per property.

        Returns
        -------
        pandas.DataFrame
            Columns ``item`` and ``value``: rows, strata, units per stage, whether each stage
            has an fpc, the lonely-PSU rule, design df and the weights' sum, minimum and maximum.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "s": [1, 1, 2, 2], "p": [1, 2, 3, 4]})
        >>> Design(df, strata="s", psu="p").summary().set_index("item").loc["design df", "value"]
        '2'
        """
        first = self._stages[0]
        w = self._weights
        items = [
            ("rows (respondents)", f"{len(self.data):,}"),
            ("strata", f"{first.H:,}" + (f" ({self.strata})" if self.strata else "")),
        ]
        names = self.psu or ["(each row)"]
        for k, st in enumerate(self._stages):
            unit = names[k] if k < len(names) else "(each row)"
            fpc = "with fpc" if k < len(self.fpc) else "without fpc"
            items.append((f"stage {k + 1} units", f"{st.U:,} ({unit}, {fpc})"))
        items += [
            ("lonely PSU rule", self.lonely_psu),
            ("design df", f"{self.df}"),
            ("sum of weights", f"{w.sum():,.1f}"),
            ("weights min / max", f"{w.min():,.2f} / {w.max():,.2f}"),
        ]
        return pd.DataFrame(items, columns=["item", "value"])

    def __repr__(self) -> str:
        st = self._stages[0]
        return (
            f"Design({len(self.data)} rows, {st.H} strata, {st.U} PSUs, "
            f"{len(self.psu) or 1} stage(s), fpc={'yes' if self.fpc else 'no'}, "
            f"lonely_psu={self.lonely_psu!r})"
        )

    # ------------------------------------------------------------------------------------
    def _stage_keys(self, k: int, dom: Domains) -> dict:
        """(domain, unit) and (domain, stratum) keys of stage ``k``, cached on ``dom``."""
        ck = ("stage", k)
        if ck in dom.cache:
            return dom.cache[ck]
        st = self._stages[k]
        G = dom.G
        gi = dom.gi
        if st.rows_are_units:
            key_rows = None
            ku = np.arange(len(gi))
            kg = gi
            kid = None
            K = len(gi)
        else:
            ukeys, kid = compress(gi * st.U + st.unit, (G + 1) * st.U)
            kg, ku = ukeys // st.U, ukeys % st.U
            K = len(ukeys)
            key_rows = kid
        kh = st.unit_stratum[ku]
        ghkeys, ghid = compress(kg * st.H + kh, (G + 1) * st.H)
        gg, hh = ghkeys // st.H, ghkeys % st.H
        present = np.bincount(ghid, minlength=len(ghkeys))
        out = dict(kid=key_rows, K=K, kg=kg, ghid=ghid, gg=gg, hh=hh, present=present)
        out["grouper"] = None if kid is None else Grouper(kid, K, self._weights)
        out["grouper_1"] = None if kid is None else Grouper(kid, K)
        dom.cache[ck] = out
        return out

    def _stage_variance(
        self,
        k: int,
        z: np.ndarray,
        dom: Domains,
        obs: np.ndarray | None = None,
        weighted: bool = False,
    ) -> np.ndarray:
        st = self._stages[k]
        keys = self._stage_keys(k, dom)
        if weighted:  # z already holds w z (a weighting step's linearisation, see _variance)
            X = z if st.rows_are_units else keys["grouper_1"].sum(z)
        elif st.rows_are_units:
            X = z * self._weights[:, None]
        else:
            X = keys["grouper"].sum(z)
        per_unit = None
        if obs is not None and self.lonely_psu in ("adjust", "average"):
            o = obs.astype(float)
            per_unit = o if st.rows_are_units else keys["grouper_1"].sum(o)
        return self._unit_variance(k, X, dom, per_unit)

    def _unit_variance(
        self, k: int, X: np.ndarray, dom: Domains, obs_per_unit: np.ndarray | None = None
    ) -> np.ndarray:
        """Stage-``k`` variance from the (domain, unit) totals ``X`` of ``w z``.

        ``obs_per_unit`` counts each (domain, unit)'s rows with a value, per statistic (only
        used by the lonely-PSU rules, which drop a stratum whose rows all miss the variable).
        """
        st = self._stages[k]
        keys = self._stage_keys(k, dom)
        ghid, hh = keys["ghid"], keys["hh"]
        Kgh = len(hh)
        S1 = group_sum(ghid, X, Kgh)
        nh = st.n_h[hh].astype(float)
        mean = S1 / nh[:, None]
        dev = X - mean[ghid]
        SS = group_sum(ghid, dev * dev, Kgh) + (nh - keys["present"])[:, None] * mean * mean
        seen = None
        if obs_per_unit is not None and ((nh == 1) & (st.f[hh] >= CERTAIN)).any():
            seen = group_sum(ghid, (obs_per_unit > 0).astype(float), Kgh) > 0
        return self._stratum_variance(k, S1, SS, keys, dom.G, seen)

    def _stratum_variance(
        self,
        k: int,
        S1: np.ndarray,
        SS: np.ndarray,
        keys: dict,
        G: int,
        seen: np.ndarray | None = None,
    ) -> np.ndarray:
        """Stage-``k`` variance from (domain, stratum) sums: the part every backend shares.

        ``S1`` is each (domain, stratum)'s total of ``w z`` and ``SS`` the sum of squares of
        its units' totals about the stratum mean ``S1 / n_h`` (units without domain rows
        count as zeros), shape ``(Kgh, m)``; ``keys`` holds ``gg`` and ``hh``, the domain and
        stratum of each (domain, stratum); ``seen`` says which hold a row with a value, per
        statistic (``None``: all). The fpc, the lonely-PSU rule and the stage multiplier are
        applied here, and the result summed by domain, shape ``(G, m)``.
        """
        st = self._stages[k]
        hh, gg = keys["hh"], keys["gg"]
        nh = st.n_h[hh].astype(float)
        f = st.f[hh]
        scale = np.where(nh > 1, f * nh / np.maximum(nh - 1, 1), f)
        C = SS * scale[:, None]
        lonely = (nh == 1) & (f >= CERTAIN)
        C[f < CERTAIN] = 0.0
        # a (domain, stratum) whose rows all miss the variable is not in R's na.rm=TRUE subset
        if seen is None or not lonely.any():
            seen = np.ones(C.shape, dtype=bool)
        if self.lonely_psu == "adjust":
            # a lonely PSU's total is centred at the grand mean of the stage's PSU totals
            # (domain total / number of PSUs), as svy and current R do; at stage 2 at zero,
            # as R survey 4.1.1 (for means, ratios and proportions the two are the same)
            centre = np.zeros((G + 1, S1.shape[1]))
            if k == 0:
                centre = group_sum(gg, S1, G + 1) / st.U
            C[lonely] = f[lonely, None] * (S1[lonely] - centre[gg[lonely]]) ** 2 * seen[lonely]
        elif self.lonely_psu in ("average", "remove", "certainty"):
            C[lonely] = 0.0
        C = C * st.mult[hh][:, None]
        V = group_sum(gg, C, G + 1)[:G]
        if self.lonely_psu == "average":
            # R subsets the design to the domain, so only strata holding domain rows count:
            # the variance is scaled by (strata in domain) / (non-lonely strata in domain)
            n_strata = group_sum(gg, seen.astype(float), G + 1)[:G]
            n_lonely = group_sum(gg, (seen & lonely[:, None]).astype(float), G + 1)[:G]
            with np.errstate(divide="ignore", invalid="ignore"):
                if k == 0:
                    V = V * (n_strata / (n_strata - n_lonely))
                else:  # R: a PSU with one SSU is its own stage-2 stratum, so NA variance
                    V = np.where(n_lonely > 0, np.nan, V)
        return V

    def _domain_df(self, dom: Domains) -> np.ndarray:
        """R's ``degf`` of each domain: PSUs with domain rows minus strata with domain rows."""
        if dom.G == 1 and (dom.g >= 0).all():
            return np.array([float(self.df)])
        keys = self._stage_keys(0, dom)
        n_units = np.bincount(keys["kg"], minlength=dom.G + 1)[: dom.G]
        n_strata = np.bincount(keys["gg"], minlength=dom.G + 1)[: dom.G]
        return (n_units - n_strata).astype(float)

    def _nobs_df(
        self, dom: Domains, res: SmoothEstimate, obs: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows with a value, and R's ``degf`` of the domain restricted to them, per variable.

        As R's ``degf(subset(design, domain & !is.na(y)))`` and svy's ``drop_nulls``: PSUs
        holding such rows minus strata holding such rows.
        """
        shape = (dom.G, obs.shape[1])
        if obs.all():
            return np.broadcast_to(dom.n[:, None], shape), np.broadcast_to(res.df[:, None], shape)
        keys = self._stage_keys(0, dom)
        obs = obs.astype(float)
        per_unit = obs if keys["grouper"] is None else keys["grouper_1"].sum(obs)
        nobs = group_sum(keys["kg"], per_unit, dom.G + 1)[: dom.G]
        return nobs, self._units_df(dom, per_unit > 0)

    def _units_df(self, dom: Domains, has_unit: np.ndarray) -> np.ndarray:
        """PSUs minus strata holding rows with a value, per (domain, variable).

        ``has_unit`` says, per (domain, PSU) key of stage 1 and variable, whether the key holds
        a row with a value.
        """
        keys = self._stage_keys(0, dom)
        has_unit = has_unit.astype(float)
        n_units = group_sum(keys["kg"], has_unit, dom.G + 1)[: dom.G]
        per_stratum = group_sum(keys["ghid"], has_unit, len(keys["hh"]))
        n_strata = group_sum(keys["gg"], (per_stratum > 0).astype(float), dom.G + 1)[: dom.G]
        return n_units - n_strata

    def _by_units(self) -> bool:
        """Whether an influence linear in the columns may be applied to (domain, PSU) sums.

        So it may on a one-stage design whose PSUs are clusters (not the rows) and that is not
        calibrated: its variance needs nothing but the PSU totals of ``w z``.
        """
        st = self._stages[0]
        return len(self._stages) == 1 and not self._calibration and not st.rows_are_units

    def _mean_by_units(self, y: np.ndarray, dom: Domains):
        """Domain means from (domain, PSU) sums, when the variance needs nothing else.

        For a one-stage design whose PSUs are clusters (not the rows) and that is not
        calibrated, every ingredient of a mean but the design effect is a (domain, PSU) sum:
        the influence of a mean is ``obs (y - m_d) / N_d``, linear in ``y`` and its indicator
        ``obs``, so the PSU totals of ``w z`` are ``(S_y - m_d S_obs) / N_d``. The sums of
        ``w obs`` and the counts of rows with a value are those of all rows minus those of the
        missing values, which are visited one by one (they are few, as a rule). Kish's design
        effect needs ``sum w obs (y - m_d)^2 = sum w obs y^2 - N_d m_d^2`` by domain; ``y`` is
        first shifted by a value of each column (which changes neither the influence nor the
        sum of squares), so that a large mean loses no precision.
        """
        n, k = y.shape
        G, w = dom.G, self._weights
        head = y[: min(n, 1000)]
        seen = ~np.isnan(head)
        shift = np.where(seen.any(axis=0), head[seen.argmax(axis=0), np.arange(k)], 0.0)
        yc = np.empty((n, k))  # y - shift, row-major for the sparse products, 0 if missing
        np.subtract(y, shift, out=yc)
        lost = np.flatnonzero(np.isnan(yc))  # positions of the missing values in yc.ravel()
        yc.reshape(-1)[lost] = 0.0
        keys = self._stage_keys(0, dom)
        kid, K, kg = keys["kid"], keys["K"], keys["kg"]
        row, col = np.divmod(lost, k)
        key = kid[row] * k + col
        count = np.bincount(kid, minlength=K)[:, None] - np.bincount(key, None, K * k).reshape(K, k)
        So = np.bincount(kid, w, K)[:, None] - np.bincount(key, w[row], K * k).reshape(K, k)
        So[count == 0] = 0.0  # exactly
        Sy = keys["grouper"].sum(yc)  # (domain, PSU) sums
        Ty, Tn = group_sum(kg, Sy, G + 1)[:G], group_sum(kg, So, G + 1)[:G]
        mc = Ty / Tn  # the mean, shifted
        m_ext = np.vstack([mc, np.zeros((1, k))])
        inv_ext = np.vstack([np.where(Tn > 0, 1.0 / Tn, 0.0), np.zeros((1, k))])
        X = (Sy - m_ext[kg] * So) * inv_ext[kg]
        V = self._unit_variance(0, X, dom, count)
        V = np.where(np.isnan(mc), np.nan, V)
        nobs = group_sum(kg, count.astype(float), G + 1)[:G]
        df = self._units_df(dom, count > 0)
        ssw = dom.sum(np.multiply(yc, yc, out=yc), w) - Tn * mc * mc
        deff = V / kish_vsrs(ssw, Tn, nobs, total=False)
        return mc + shift, V, df, nobs, deff

    def _smooth(self, columns, point, influence, dom, obs=None, linear=False) -> SmoothEstimate:
        if linear and self._by_units():
            # influence is linear in the columns: apply it to (domain, PSU) sums
            keys = self._stage_keys(0, dom)
            S = keys["grouper"].sum(columns)
            kg = keys["kg"]
            T = group_sum(kg, S, dom.G + 1)[: dom.G]
            est = np.asarray(point(T), dtype=float)
            X = np.asarray(influence(T, S, np.where(kg < dom.G, kg, -1)), dtype=float)
            X = X[:, None] if X.ndim == 1 else X
            V = self._unit_variance(0, X, dom)
            V = np.where(np.isnan(est), np.nan, V)
            return SmoothEstimate(
                dom.table, est, V, self._domain_df(dom), dom.n, T, domain_of_row=dom.g
            )
        T = dom.sum(columns, self._weights)
        est = np.asarray(point(T), dtype=float)
        z = np.asarray(influence(T, columns, dom.g), dtype=float)
        if z.ndim == 1:
            z = z[:, None]
        if z.shape != (len(self.data), est.shape[-1]):
            raise InputError.one(
                f"influence() returned shape {z.shape}, expected {(len(self.data), est.shape[-1])}",
                "return one row per row of the data and one column per statistic of point()",
            )
        V = self._variance(z, dom, obs)
        V = np.where(np.isnan(est), np.nan, V)  # no estimate, no variance
        return SmoothEstimate(
            dom.table, est, V, self._domain_df(dom), dom.n, T, method="taylor", domain_of_row=dom.g
        )

    # --- public hooks for weighting and models ----------------------------------------------
    @quiet
    def variance(self, influence: np.ndarray, by: Columns = None) -> np.ndarray:
        """Design variance of ``sum_i w_i z_i`` for given influence values, per domain.

        The hook that weighting adjustments and models use: an estimator that can write its
        linearisation (influence) values ``z`` gets its Taylor variance here, with the design's
        strata, stages, fpc, lonely-PSU rule and any calibration recorded by
        :meth:`with_weights` — the same path as every other estimate.

        Parameters
        ----------
        influence : numpy.ndarray
            Shape ``(n,)`` or ``(n, m)``, rows aligned with ``data``, finite. Row ``i``'s values
            concern its own domain (rows in no domain are ignored).
        by : str or list of str, optional
            Domain columns.

        Returns
        -------
        numpy.ndarray
            Variances, shape ``(G, m)`` (G domains in sorted order of their levels).

        Examples
        --------
        The variance of a total is that of the influence values ``y``:

        >>> import numpy as np, pandas as pd
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "s": [1, 1, 2, 2], "w": 2.0})
        >>> d = Design(df, weights="w", strata="s")
        >>> float(d.variance(df["y"].to_numpy())[0, 0]), float(d.total("y")["se"].iloc[0]) ** 2
        (8.0, 8.000000000000002)
        """
        z = np.asarray(influence, dtype=float)
        if z.ndim == 1:
            z = z[:, None]
        if z.ndim != 2 or z.shape[0] != len(self.data):
            raise InputError.one(
                f"influence must have one row per row of the data ({len(self.data)}), "
                f"got shape {z.shape}",
                "build one row of influence values per row of design.data",
            )
        if not np.isfinite(z).all():
            raise InputError.one(
                "influence values hold NaN or infinite values",
                "give rows outside the estimate (or with a missing value) a zero influence",
            )
        return self._variance(z, self._domains(by))

    def with_weights(
        self, weights: np.ndarray | pd.Series, calibration: Calibration | None = None
    ) -> Design:
        """The same design with new weights (and, for calibration, residualised influence).

        Weighting adjustments return designs made here: strata, stages, fpc and the lonely-PSU
        rule are kept; only the weights change. A ``calibration`` records how the weights were
        fitted to known totals, so that every later variance replaces influence values ``z``
        by ``calibration.adjust(z)`` — their residuals from the calibration model, as R's
        ``svyrecvar`` does after ``postStratify``, ``rake`` and ``calibrate``. Calibrations
        chain: a design adjusted twice applies both, in order.

        Parameters
        ----------
        weights : array-like
            Shape ``(n,)``, finite and non-negative. A zero weight keeps the row in the design
            (its PSU still counts) but out of every estimate, as R's ``subset``.
        calibration : object with ``adjust(z) -> z``, optional
            ``adjust`` takes influence values of shape ``(n, k)`` (per unit of weight) and
            returns the adjusted values, same shape.

        Returns
        -------
        Design

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "s": [1, 1, 2, 2], "w": 2.0})
        >>> d = Design(df, weights="w", strata="s").with_weights(np.array([1.0, 3.0, 2.0, 2.0]))
        >>> d.mean("y")["estimate"].round(4).tolist()
        [3.125]
        """
        w = np.asarray(weights, dtype=float).ravel()
        if w.shape != (len(self.data),):
            raise InputError.one(
                f"weights must have one value per row of the data ({len(self.data)}), "
                f"got {w.shape[0]}",
                "pass one weight per row of design.data",
            )
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError.one(
                f"{int(bad.sum())} new weight(s) are missing, infinite or negative "
                f"(first at data row index {self.data.index[i]!r})",
                "check the weighting step that produced them",
                value=float(w[i]),
            )
        if calibration is not None and not callable(getattr(calibration, "adjust", None)):
            raise InputError.one(
                "calibration must have a method adjust(z) returning adjusted influence values",
                "pass the calibration object the weighting method returns",
                value=type(calibration).__name__,
            )
        new = copy.copy(self)
        new._weights = np.ascontiguousarray(w)
        new.weights_column = None
        if calibration is not None:
            new._calibration = (*self._calibration, calibration)
        return new

    @property
    def calibration(self) -> tuple[Calibration, ...]:
        """The calibrations recorded by :meth:`with_weights`, in the order applied."""
        return self._calibration

    def _raw_variance(
        self, z: np.ndarray, dom: Domains, obs: np.ndarray | None = None, weighted: bool = False
    ) -> np.ndarray:
        return sum(self._stage_variance(k, z, dom, obs, weighted) for k in range(len(self._stages)))

    def _adjust(self, z: np.ndarray) -> np.ndarray:
        """Weighted influence ``w z`` after the recorded calibrations.

        A calibration with ``adjust_weighted(z)`` returns the weighted values itself, which
        may be nonzero on rows whose weight the adjustment set to zero (a nonrespondent's
        share of its class's adjustment factor); others return ``adjust(z)``, times ``w``.
        """
        *first, last = self._calibration
        for cal in first:
            z = np.asarray(cal.adjust(z), dtype=float)
        weighted = getattr(last, "adjust_weighted", None)
        if weighted is not None:
            return np.asarray(weighted(z), dtype=float)
        return np.asarray(last.adjust(z), dtype=float) * self._weights[:, None]

    def _variance(self, z: np.ndarray, dom: Domains, obs: np.ndarray | None = None) -> np.ndarray:
        if not self._calibration:
            return self._raw_variance(z, dom, obs)
        if dom.G == 1 and (dom.g >= 0).all():
            return self._raw_variance(self._adjust(z), dom, weighted=True)
        # a calibration residual spreads a domain's influence onto every row, so each
        # (domain, statistic) becomes its own column, processed in bounded chunks
        n, m = z.shape
        everyone = self._domains(None)
        rows = np.flatnonzero(dom.g >= 0)
        out = np.empty((dom.G, m))
        per = max(1, self._chunk_cells // (4 * max(n, 1) * dom.G))
        for j0 in range(0, m, per):
            zz = z[:, j0 : j0 + per]
            c = zz.shape[1]
            Z = np.zeros((n, dom.G * c))
            Z[rows[:, None], dom.g[rows, None] * c + np.arange(c)[None, :]] = zz[rows]
            V = self._raw_variance(self._adjust(Z), everyone, weighted=True)
            out[:, j0 : j0 + c] = V.reshape(dom.G, c)
        return out

    # ------------------------------------------------------------------------------------
    def replicate(
        self,
        type: str = "bootstrap",
        replicates: int | None = None,
        seed: int | np.random.Generator | None = None,
        fay_rho: float = 0.0,
        mse: bool = False,
    ):
        """Replicate-weight version of this design, as R's ``as.svrepdesign``.

        Parameters
        ----------
        type : {"jk1", "jkn", "bootstrap", "brr"}
            ``"jk1"`` delete-one-PSU jackknife of an unstratified design; ``"jkn"``
            stratified jackknife (rscales ``(n_h - 1)/n_h`` times the fpc factor);
            ``"bootstrap"`` Rao–Wu rescaling bootstrap (R's ``type="subbootstrap"``:
            ``n_h - 1`` PSUs drawn with replacement, scale ``1/(R - 1)``); ``"brr"`` balanced
            repeated replication from a Hadamard matrix (exactly two PSUs per stratum; Fay's
            method with ``fay_rho > 0``).
        replicates : int, optional
            Number of bootstrap replicates (default 500); for BRR a minimum size of the
            Hadamard matrix. Not used by the jackknives.
        seed : int or numpy.random.Generator, optional
            Random state for the bootstrap.
        fay_rho : float
            Fay's coefficient for BRR (0 is classical BRR).
        mse : bool
            Centre the replicate variance at the full-sample estimate instead of the mean
            of the replicates (R's ``mse=``).

        Returns
        -------
        govsurvey.replicate.ReplicateDesign

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "s": [1, 1, 2, 2], "p": [1, 2, 3, 4]})
        >>> r = Design(df, strata="s", psu="p").replicate("jkn")
        >>> r.mean("y")["se"].round(6).tolist()
        [0.353553]
        """
        from .replicate import replicate_design

        return replicate_design(
            self, type, replicates=replicates, seed=seed, fay_rho=fay_rho, mse=mse
        )


@dataclass
class Sampled:
    """The units drawn at one stage, before any population count is known.

    ``unit`` codes each row's unit in ``[0, U)``; ``unit_stratum`` each unit's stratum in
    ``[0, H)`` (at stage 2 the strata are the first-stage units); ``row_stratum`` each row's.
    """

    unit: np.ndarray
    U: int
    unit_stratum: np.ndarray
    H: int
    n_h: np.ndarray
    labels: list
    rows_are_units: bool
    row_stratum: np.ndarray


def build_stages(sampled: list[Sampled], popsizes: list[np.ndarray]) -> list[Stage]:
    """The variance stages from the units drawn and the population counts (fpc)."""
    stages: list[Stage] = []
    for k, smp in enumerate(sampled if popsizes else sampled[:1]):
        N = popsizes[k] if popsizes else np.full(smp.H, np.inf)
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(np.isinf(N), 1.0, (N - smp.n_h) / N)
        mult = np.ones(smp.H)
        if k == 1:  # R's multistage: stage-2 variance times n1 / N1 of the PSU's stratum
            s1 = stages[0]
            mult = (s1.n_h / popsizes[0])[s1.unit_stratum]
        stages.append(
            Stage(
                smp.unit,
                smp.U,
                smp.unit_stratum,
                smp.H,
                smp.n_h,
                f,
                mult,
                smp.labels,
                smp.rows_are_units,
            )
        )
    return stages


def first_stage(data: pd.DataFrame, strata: str | None, psus: list[str], nest: bool) -> Sampled:
    n = len(data)
    if strata is not None:
        s_code, s_table = level_codes(data, [strata])
        s_labels = list(s_table[strata])
    else:
        s_code, s_labels = np.zeros(n, dtype=np.int64), ["(all)"]
    H = len(s_labels)
    if not psus:
        unit_stratum = s_code.copy()
        n_h = np.bincount(unit_stratum, minlength=H)
        return Sampled(np.arange(n), n, unit_stratum, H, n_h, s_labels, True, s_code)
    u1, p_table = level_codes(data, [psus[0]])
    if nest and strata is not None:  # PSUs are (stratum, id) pairs, in that sorted order
        _, u1 = compress(s_code * len(p_table) + u1, H * len(p_table))
    U = int(u1.max()) + 1
    pairs, _ = compress(u1 * H + s_code, U * H)
    if len(pairs) > U:
        crossing = np.flatnonzero(np.bincount(pairs // H, minlength=U) > 1)[0]
        bad = data[psus[0]].to_numpy()[np.flatnonzero(u1 == crossing)[0]]
        raise InputError.one(
            "the same PSU id appears in more than one stratum",
            "pass nest=True if PSU ids are only unique within strata, or recode them",
            column=psus[0],
            value=bad,
        )
    if U == 1 and not (nest and strata is not None):
        raise InputError.one(
            "the design has only one primary sampling unit",
            "check the psu column, or leave psu=None if rows were sampled directly",
            column=psus[0],
        )
    unit_stratum = np.zeros(U, dtype=np.int64)
    unit_stratum[u1] = s_code
    n_h = np.bincount(unit_stratum, minlength=H)
    return Sampled(u1, U, unit_stratum, H, n_h, s_labels, False, s_code)


def _second_stage(data: pd.DataFrame, psus: list[str], first: Sampled) -> Sampled:
    u1 = first.unit
    u2, p2_table = level_codes(data, [psus[1]])  # SSUs are (PSU, id) pairs, sorted
    _, u2 = compress(u1 * len(p2_table) + u2, first.U * len(p2_table))
    U2 = int(u2.max()) + 1
    psu_of_unit = np.zeros(U2, dtype=np.int64)
    psu_of_unit[u2] = u1
    psu_labels = data[psus[0]].to_numpy()[np.unique(u1, return_index=True)[1]].tolist()
    n_h = np.bincount(psu_of_unit, minlength=first.U)
    return Sampled(u2, U2, psu_of_unit, first.U, n_h, psu_labels, False, u1)


def population_sizes(
    data: pd.DataFrame, fpcs: list[str], sampled: list[Sampled]
) -> list[np.ndarray]:
    """Population counts per stratum of each stage from the fpc columns (R's rules)."""
    if not fpcs:
        return []
    vals = [numeric_column(data, c, "fpc") for c in fpcs]
    allv = np.concatenate(vals)
    if np.isnan(allv).any():
        col = fpcs[int(np.argmax([np.isnan(v).any() for v in vals]))]
        raise InputError.one("missing fpc value", "give the fpc of every row", column=col)
    if (allv <= 0).any():
        col = fpcs[int(np.argmax([(v <= 0).any() for v in vals]))]
        raise InputError.one(
            "fpc must be positive", "give population counts or sampling fractions", column=col
        )
    as_count = bool((allv > 1).any())
    if as_count and (allv < 1).any():
        raise InputError.one(
            "fpc mixes population counts (> 1) and sampling fractions (< 1)",
            "give all fpc columns as counts or all as fractions",
            column=fpcs[0],
        )
    popsizes = []
    for v, col, smp in zip(vals, fpcs, sampled, strict=True):
        lo = np.full(smp.H, np.inf)
        hi = np.full(smp.H, -np.inf)
        np.minimum.at(lo, smp.row_stratum, v)
        np.maximum.at(hi, smp.row_stratum, v)
        if (lo != hi).any():
            h = int(np.flatnonzero(lo != hi)[0])
            raise InputError.one(
                f"fpc varies within stratum/PSU {smp.labels[h]!r}",
                "the fpc must be the same for every row of a stratum (stage 1) or of a "
                "PSU (stage 2)",
                column=col,
            )
        N = lo if as_count else smp.n_h / lo
        if (N < smp.n_h - 1e-9).any():
            h = int(np.flatnonzero(N < smp.n_h - 1e-9)[0])
            raise InputError.one(
                f"fpc implies more than 100% sampling in {smp.labels[h]!r} "
                f"(population {N[h]:g}, sample {smp.n_h[h]})",
                "check the fpc: stage-1 fpc counts PSUs in the stratum, stage-2 fpc "
                "counts SSUs in the PSU",
                column=col,
            )
        popsizes.append(N)
    return popsizes


def _design_weights(
    data: pd.DataFrame, weights: str | None, popsizes: list[np.ndarray], sampled: list[Sampled]
) -> np.ndarray:
    """The weight column, or R's weights from the fpc (prod of N / n), or 1."""
    n = len(data)
    if weights is not None:
        w = numeric_column(data, weights, "weight")
        bad = ~np.isfinite(w) | (w <= 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            what = (
                "missing"
                if np.isnan(w[i])
                else "infinite"
                if np.isinf(w[i]) and w[i] > 0
                else "zero"
                if w[i] == 0
                else "negative"
            )
            raise InputError.one(
                f"{int(bad.sum())} weight(s) are missing, zero, negative or infinite "
                f"(first: a {what} weight at data row index {data.index[i]!r})",
                "weights must be positive: drop rows that are not in the sample, or fix "
                "the weights",
                column=weights,
                value=float(w[i]),
            )
        if not np.isfinite(w.sum()):
            raise InputError.one(
                "the weights are so large that their sum overflows",
                "check the weight column's unit (weights are people represented per respondent)",
                column=weights,
                value=float(w.max()),
            )
    elif popsizes:
        w = np.ones(n)
        for N, smp in zip(popsizes, sampled, strict=False):
            w = w * (N / smp.n_h)[smp.row_stratum]
    else:
        log.warning("No weights or fpc supplied: assuming equal probability (weight 1).")
        w = np.ones(n)
    return np.ascontiguousarray(w, dtype=float)
