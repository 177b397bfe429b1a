"""Declared multi-stage plans: every stage drawn, every stage's probability recorded.

A :class:`Plan` is strata plus a list of :class:`Stage` s over a unit-level frame (one row per
final unit, e.g. the register of dossiers with its district and ward). Stage 1 draws units
(wards) within strata, each later stage draws units within the units drawn at the stage
before, and the last stage may draw the frame's rows themselves. :meth:`Plan.draw` returns the
sample with ``pi1 … piK`` (conditional probabilities), ``fpc1 … fpcK`` (units in the parent),
``pi``, ``base_weight``, ``stratum``, ``psu`` and the columns :meth:`Plan.design` declares.

Examples
--------
>>> import govsurvey as gs
>>> from govsurvey.sampling import Plan, Stage
>>> sipas = Plan([Stage("psu", 5), Stage("unit_id", 50)], strata="district", name="SIPAS")
>>> papi = Plan([Stage("psu", 5, method="pps_systematic", certainty="seat"),
...              Stage("unit_id", 20)], strata="district", name="PAPI")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govsurvey.errors import InputError

from ._checks import has_columns, size_measure
from .probabilities import inclusion_probabilities
from .selection import METHODS, sample_indicators, srs_positions, stratum_codes

__all__ = ["Stage", "Plan", "PreparedFrame", "Draw"]

_EQUAL = ("srs", "systematic")


@dataclass(frozen=True)
class Stage:
    """One stage of a plan.

    Parameters
    ----------
    unit : str
        Frame column identifying this stage's units (ward id, village, or a row id for the last
        stage). Units are nested in the previous stage's units.
    n : int or mapping
        Units drawn in each parent unit (at stage 1: in each stratum); a mapping gives a number
        per stratum. A parent with fewer units is taken completely.
    method : {"srs", "systematic", "pps_systematic", "pps_brewer", "pps_sampford"}
    size : str, optional
        For PPS: a frame column with the unit's size, constant within the unit; by default the
        number of frame rows in the unit (e.g. dossiers in the ward's register).
    certainty : str, optional
        A frame column, true for units taken with certainty (the district seat in PAPI); the
        rest of the stage's sample is drawn among the others.
    sort_by : str, optional
        Order of the list within a parent for the systematic methods.
    """

    unit: str
    n: int | Mapping[Any, int]
    method: str = "srs"
    size: str | None = None
    certainty: str | None = None
    sort_by: str | None = None

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise InputError.one(
                f"unknown selection method {self.method!r} for stage {self.unit!r}",
                f"use one of {', '.join(METHODS)}",
                value=self.method,
            )


@dataclass
class PreparedFrame:
    """A frame laid out for repeated draws: per stage, units sorted by parent (built once)."""

    frame: pd.DataFrame
    strata_keys: list
    stage_unit: list[np.ndarray]  # per stage: unit code of every frame row
    parent: list[np.ndarray]  # per stage: parent code of every unit (stratum code at stage 1)
    size: list[np.ndarray]  # per stage: size measure per unit
    cert: list[np.ndarray]  # per stage: certainty flag per unit
    n_req: list[np.ndarray]  # per stage: units requested per parent, by unit's stratum
    stratum_of_unit: list[np.ndarray]
    unit_values: list[np.ndarray]  # per stage: the unit identifiers (first row's value)
    child_start: list[np.ndarray] = None  # per stage: first unit of each parent (units sorted)
    child_count: list[np.ndarray] = None  # per stage: units of each parent
    row_order: np.ndarray = None  # frame rows sorted by last-stage unit
    row_start: np.ndarray = None  # first position in row_order of each last-stage unit
    row_count: np.ndarray = None


@dataclass
class Draw:
    """One drawn sample as positions: frame rows and, per stage, probabilities and counts."""

    rows: np.ndarray
    pi: np.ndarray  # (rows, stages) conditional inclusion probabilities
    N: np.ndarray  # (rows, stages) units in the parent at each stage
    unit: np.ndarray  # (rows, stages) unit codes
    certain: np.ndarray  # (rows,) True where the stage-1 unit was taken with certainty


@dataclass(frozen=True)
class Plan:
    """A declared multi-stage sampling plan.

    Parameters
    ----------
    stages : sequence of Stage
    strata : str, optional
        Stratum column of the frame (e.g. ``"district"``).
    name : str
        Shown in tables and figures.
    """

    stages: Sequence[Stage]
    strata: str | None = None
    name: str = "plan"

    # ---------------------------------------------------------------- preparation
    def prepare(self, frame: pd.DataFrame) -> PreparedFrame:
        """Lay the frame out for drawing (validates every column and size once).

        Examples
        --------
        >>> import pandas as pd
        >>> from govsurvey.sampling import Plan, Stage
        >>> f = pd.DataFrame({"d": list("AAAABB"), "w": list("abccde"), "id": range(6)})
        >>> p = Plan([Stage("w", 1), Stage("id", 1)], strata="d").prepare(f)
        >>> [len(u) for u in p.parent]
        [5, 6]
        """
        if not isinstance(frame, pd.DataFrame):
            raise InputError.one(
                "the frame must be a table (pandas DataFrame)", "pass the frame as a DataFrame"
            )
        if not self.stages:
            raise InputError.one("a plan needs at least one stage", "give stages=[Stage(...)]")
        cols = [s.unit for s in self.stages]
        has_columns(frame, cols, "stage unit")
        for s in self.stages:
            for c, role in ((s.size, "size"), (s.certainty, "certainty"), (s.sort_by, "sort_by")):
                if c is not None:
                    has_columns(frame, [c], role)
        if self.strata is not None:
            has_columns(frame, [self.strata], "stratum")
        scode, skeys = stratum_codes(frame, self.strata)
        stage_unit, parent, size, cert, n_req, s_of_u, values = [], [], [], [], [], [], []
        prev = scode
        for k, st in enumerate(self.stages):
            ucode, _ = pd.factorize(frame[st.unit], sort=False)
            if (ucode < 0).any():
                raise InputError.one(
                    f"a unit of the frame has no {st.unit!r}",
                    "give every row its unit at every stage",
                    column=st.unit,
                )
            sort_key = (
                np.arange(len(frame))
                if st.sort_by is None
                else pd.factorize(frame[st.sort_by], sort=True)[0]
            )
            order = np.lexsort((sort_key, prev))  # parent, then list order
            pair = prev.astype(np.int64) * np.int64(int(ucode.max()) + 1) + ucode
            c_sorted, _ = pd.factorize(pair[order], sort=False)
            codes = np.empty(len(frame), dtype=np.int64)
            codes[order] = c_sorted
            U = int(codes.max()) + 1
            first = np.full(U, len(frame), dtype=np.int64)
            np.minimum.at(first, codes, np.arange(len(frame)))
            par = prev[first]
            if not np.all(np.diff(par) >= 0):  # units are numbered parent by parent
                raise InputError.one(
                    f"stage {k + 1} units are not nested in their parents",
                    "give unit ids nested in the previous stage",
                    column=st.unit,
                )
            count = np.bincount(codes, minlength=U).astype(float)
            if st.size is not None:
                sz = size_measure(frame[st.size].to_numpy()[first], "size measure", st.size)
            else:
                sz = count
            ct = (
                np.zeros(U, dtype=bool)
                if st.certainty is None
                else frame[st.certainty].fillna(False).astype(bool).to_numpy()[first]
            )
            s_u = scode[first]
            if isinstance(st.n, Mapping | pd.Series):
                m = dict(st.n.items()) if isinstance(st.n, pd.Series) else dict(st.n)
                missing = [kk for kk in skeys if kk not in m]
                if missing:
                    raise InputError.one(
                        f"stage {k + 1} has no sample size for stratum {missing[0]!r}",
                        "give n for every stratum",
                        value=missing[0],
                    )
                nh = np.array([m[kk] for kk in skeys], dtype=float)
            else:
                nh = np.full(len(skeys), st.n, dtype=float)
            if (~np.isfinite(nh) | (nh < 1) | (nh != np.round(nh))).any():
                raise InputError.one(
                    f"stage {k + 1} sample sizes must be whole numbers of 1 or more",
                    "give n >= 1",
                    value=nh.tolist(),
                )
            if k == 0:
                avail = np.bincount(par, minlength=len(skeys))
                over = nh > avail
                if over.any():
                    h = int(np.argmax(over))
                    raise InputError.one(
                        f"stratum {skeys[h]!r} is asked for {int(nh[h])} units ({st.unit}) but "
                        f"has only {int(avail[h])}",
                        "lower its sample size or merge it with a neighbouring stratum",
                        column=self.strata,
                        value=skeys[h],
                    )
            stage_unit.append(codes)
            parent.append(par)
            size.append(sz)
            cert.append(ct)
            n_req.append(nh[s_u].astype(np.int64))
            s_of_u.append(s_u)
            values.append(frame[st.unit].to_numpy()[first])
            prev = codes
        starts, counts = [], []
        n_par = len(skeys)
        for k in range(len(self.stages)):
            cnt = np.bincount(parent[k], minlength=n_par)
            starts.append(np.cumsum(cnt) - cnt)
            counts.append(cnt)
            n_par = len(parent[k])
        last = stage_unit[-1]
        rcnt = np.bincount(last, minlength=len(parent[-1]))
        return PreparedFrame(
            frame,
            skeys,
            stage_unit,
            parent,
            size,
            cert,
            n_req,
            s_of_u,
            values,
            starts,
            counts,
            np.argsort(last, kind="stable"),
            np.cumsum(rcnt) - rcnt,
            rcnt,
        )

    # ---------------------------------------------------------------- drawing
    def draw_positions(self, prep: PreparedFrame, seed: Any = 0) -> Draw:
        """One sample as positions (the fast path the plan simulation uses).

        Examples
        --------
        >>> import pandas as pd
        >>> from govsurvey.sampling import Plan, Stage
        >>> f = pd.DataFrame({"d": list("AAAABB"), "w": list("abccde"), "id": range(6)})
        >>> plan = Plan([Stage("w", 1), Stage("id", 1)], strata="d")
        >>> len(plan.draw_positions(plan.prepare(f), seed=1).rows)
        2
        """
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        K = len(self.stages)
        chosen = np.arange(len(prep.strata_keys))  # parents of stage 1: every stratum
        pi_of, N_of = [], []
        for k, st in enumerate(self.stages):
            Ng = prep.child_count[k][chosen]
            first = prep.child_start[k][chosen]
            G = len(chosen)
            req = np.zeros(G, dtype=np.int64)
            has = Ng > 0
            req[has] = prep.n_req[k][first[has]]
            ng = np.minimum(req, Ng)
            if st.method == "srs" and st.certainty is None:
                pos = srs_positions(rng, Ng, ng)
                take = pos >= 0
                picked = (first[:, None] + pos)[take]
                gp = np.broadcast_to(np.arange(G)[:, None], pos.shape)[take]
                pi_sel = (ng / np.maximum(Ng, 1))[gp]
                N_sel = Ng[gp]
            else:
                g = np.repeat(np.arange(G), Ng)
                cand = np.arange(int(Ng.sum())) - np.repeat(np.cumsum(Ng) - Ng, Ng) + first[g]
                ct = prep.cert[k][cand]
                n_cert = np.bincount(g, weights=ct, minlength=G).astype(np.int64)
                rest = np.maximum(ng - n_cert, 0)
                free = ~ct
                pi = np.ones(len(cand))
                if st.method in _EQUAL:
                    pi = np.where(free, (rest / np.maximum(Ng - n_cert, 1))[g], 1.0)
                elif free.any():
                    present, gf = np.unique(g[free], return_inverse=True)
                    pi[free] = inclusion_probabilities(prep.size[k][cand][free], rest[present], gf)
                sel = ct.copy()  # certainty units, then the draw among the others
                if free.any():
                    _, gfree = np.unique(g[free], return_inverse=True)
                    sel[free] = sample_indicators(pi[free], st.method, gfree, 1, rng)[0]
                picked = cand[sel]
                pi_sel = pi[sel]
                N_sel = Ng[g[sel]]
            pi_u = np.empty(len(prep.parent[k]))
            N_u = np.empty(len(prep.parent[k]), dtype=np.int64)
            pi_u[picked] = pi_sel
            N_u[picked] = N_sel
            pi_of.append(pi_u)
            N_of.append(N_u)
            chosen = np.sort(picked)
        cnt = prep.row_count[chosen]
        idx = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        rows = prep.row_order[np.repeat(prep.row_start[chosen], cnt) + idx]
        units = np.empty((len(rows), K), dtype=np.int64)
        units[:, K - 1] = np.repeat(chosen, cnt)
        for k in range(K - 1, 0, -1):
            units[:, k - 1] = prep.parent[k][units[:, k]]
        pi = np.column_stack([pi_of[k][units[:, k]] for k in range(K)])
        N = np.column_stack([N_of[k][units[:, k]] for k in range(K)])
        certain = prep.cert[0][units[:, 0]]
        return Draw(rows, pi, N, units, certain)

    def draw(self, frame: pd.DataFrame, seed: Any = 0) -> pd.DataFrame:
        """Draw every stage; the sample with each stage's probability, ready for ``gs.Design``.

        Parameters
        ----------
        frame : DataFrame
            One row per final unit, with the strata and every stage's unit column.
        seed : int or sequence of int

        Returns
        -------
        DataFrame
            The frame's selected rows plus ``stratum``, ``psu``, ``pi1 … piK``, ``fpc1 …
            fpcK`` (units in the parent at each stage), ``pi``, ``base_weight`` (``1 / pi``),
            ``certainty`` (stage-1 unit taken with certainty), and ``design_stratum`` /
            ``design_psu`` (see :meth:`design`).

        Examples
        --------
        >>> import pandas as pd
        >>> from govsurvey.sampling import Plan, Stage
        >>> f = pd.DataFrame({"d": ["A"] * 6 + ["B"] * 4, "w": list("aabbcc") + list("ddee"),
        ...                   "id": range(10)})
        >>> s = Plan([Stage("w", 2), Stage("id", 1)], strata="d").draw(f, seed=2)
        >>> s[["d", "pi1", "pi2", "base_weight"]].drop_duplicates("d").values.tolist()
        [['A', 0.6666666666666666, 0.5, 3.0], ['B', 1.0, 0.5, 2.0]]
        """
        prep = self.prepare(frame)
        dr = self.draw_positions(prep, seed)
        return self.assemble(prep, dr)

    def assemble(self, prep: PreparedFrame, dr: Draw) -> pd.DataFrame:
        """The sample frame of a :class:`Draw` (columns as in :meth:`draw`)."""
        out = prep.frame.iloc[dr.rows].reset_index(drop=True).copy()
        K = len(self.stages)
        keys = np.array(prep.strata_keys, dtype=object)
        s_code = prep.stratum_of_unit[0][dr.unit[:, 0]]
        out["stratum"] = keys[s_code] if self.strata is not None else "all"
        out["psu"] = prep.unit_values[0][dr.unit[:, 0]]
        for k in range(K):
            out[f"pi{k + 1}"] = dr.pi[:, k]
            out[f"fpc{k + 1}"] = dr.N[:, k]
        out["pi"] = np.prod(dr.pi, axis=1)
        out["base_weight"] = 1.0 / out["pi"]
        out["certainty"] = dr.certain
        ds, dp = self.design_keys(prep, dr)
        out["design_stratum"] = ds
        out["design_psu"] = dp
        return out

    def design_keys(self, prep: PreparedFrame, dr: Draw) -> tuple[np.ndarray, np.ndarray]:
        """Integer stratum and PSU codes of the variance design (see :meth:`design`)."""
        s_code = prep.stratum_of_unit[0][dr.unit[:, 0]].astype(np.int64)
        u1 = dr.unit[:, 0].astype(np.int64)
        if self.equal_probability or len(self.stages) == 1:
            return s_code, u1
        # PPS first stage: with-replacement (ultimate cluster) approximation; a unit taken with
        # certainty is a stratum of its own whose PSUs are its second-stage units
        n_u1 = int(u1.max()) + 1 if len(u1) else 0
        H = len(prep.strata_keys)
        u2 = dr.unit[:, 1].astype(np.int64)
        ds = np.where(dr.certain, H + u1, s_code)
        dp = np.where(dr.certain, n_u1 + u2, u1)
        return ds, dp

    @property
    def equal_probability(self) -> bool:
        """True when every stage is SRS or systematic with no certainty units."""
        return all(s.method in _EQUAL and s.certainty is None for s in self.stages)

    def design(self, sample: pd.DataFrame, **kwargs: Any) -> Any:
        """The ``gs.Design`` of a drawn sample (or of its respondents).

        Equal-probability stages: strata, one PSU column per stage and ``fpc1 … fpcK`` (as R's
        ``svydesign(ids = ~psu + ..., fpc = ~fpc1 + ...)``). A PPS first stage: the
        with-replacement approximation on the first-stage units (conservative for
        without-replacement PPS), certainty units as strata of their own.

        Examples
        --------
        >>> import pandas as pd
        >>> from govsurvey.sampling import Plan, Stage
        >>> f = pd.DataFrame({"d": ["A"] * 6 + ["B"] * 6, "w": list("aabbcc") + list("ddeeff"),
        ...                   "id": range(12), "y": [1.0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1]})
        >>> plan = Plan([Stage("w", 2), Stage("id", 2)], strata="d")
        >>> d = plan.design(plan.draw(f, seed=2))
        >>> d.mean("y")["n"].item()
        8
        """
        from govsurvey.design import Design

        if self.equal_probability:
            ids = ["psu"] + [s.unit for s in self.stages[1:]]
            fpcs = [f"fpc{k + 1}" for k in range(len(self.stages))]
            return Design(
                sample, weights="base_weight", strata="stratum", psu=ids, fpc=fpcs, **kwargs
            )
        return Design(
            sample, weights="base_weight", strata="design_stratum", psu="design_psu", **kwargs
        )
