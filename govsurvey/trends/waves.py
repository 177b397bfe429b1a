"""Several surveys of one instrument as one multi-period design: index, change and trend.

:class:`Waves` stacks the periods' respondents into one combined :class:`~govsurvey.design.Design`
(as R's ``svydesign`` on the ``rbind`` of the periods' files) and estimates every figure with the
period as a domain:

- independent samples (the default): each period's strata and PSUs are made distinct, so the
  periods' estimates have zero covariance, exactly as separate surveys;
- ``shared_psus=True``: the same PSU ids (wards surveyed again) are one PSU across periods, so
  the covariance between periods comes from the shared PSUs — R's ``svyby(~…, ~period, design)``
  over the combined design followed by ``svycontrast``.

A change or a trend is a linear (or, for a relative change, smooth) function of the periods'
figures. Its influence values are those of the period figures (which the index hands to the
engine) times the contrast's coefficients, and its variance is the combined design's
:meth:`~govsurvey.design.Design.variance` of them: no second variance code.

Waves of replicate designs (:class:`~govsurvey.design.ReplicateDesign`: JK1, JKn, bootstrap,
BRR, Fay, a producer's weights) are estimated by replication instead:

- independent waves: each wave keeps its own replicate design; a figure, change or trend is
  evaluated with one wave's replicate in place of that wave's full-sample figures (the other
  waves at theirs), and its variance is the sum over waves of each wave's replicate variance
  (that wave's own type, scale, rscales and ``mse``) — for a linear contrast, ``Σ c_t² V_t``;
- ``shared_psus=True``: the waves' replicate weights must be aligned on the shared PSUs (the
  same replicate column perturbs the same ward in every wave, as when the replicates were made
  once on the combined sample); they are stacked into one combined replicate design and every
  figure, change and trend is evaluated on each of its replicates (R's ``svytotal(...,
  return.replicates = TRUE)`` then ``svycontrast``). Waves whose replicates differ in number,
  type or scale, or do not perturb a shared ward alike, cannot be aligned: one message says why.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..config.instrument import Component, Instrument, load_instrument
from ..design import Design, ReplicateDesign, group_sum
from ..design.engine import Columns, as_list, make_domains
from ..errors import InputError
from ..index import IndexModel, index_model
from ..inference import one_sided, welch_df
from ..results import SmoothEstimate, domain_name, t_quantile

__all__ = ["Waves", "common_instrument"]

log = logging.getLogger(__name__)

P_COL = "_gs_period"
CELL = "_gs_cell"
SEL = "_gs_sel"


@dataclasses.dataclass
class _Stacked:
    """Each period's calibrations, applied to that period's rows of the combined design."""

    rows: list[np.ndarray]
    chains: list[tuple]
    weights: np.ndarray  # the combined design's weights, one per row

    def adjust(self, z: np.ndarray) -> np.ndarray:
        out = np.array(z, dtype=float, copy=True)
        for rows, chain in zip(self.rows, self.chains, strict=True):
            part = z[rows]
            for cal in chain:
                part = np.asarray(cal.adjust(part), dtype=float)
            out[rows] = part
        return out

    def adjust_weighted(self, z: np.ndarray) -> np.ndarray:
        """Weighted influence ``w z`` after each period's calibrations, as ``Design._adjust``.

        A nonresponse step's ``adjust_weighted`` gives its nonrespondents (weight 0) their
        share of the class's adjustment, which ``adjust`` (per unit of weight) cannot carry.
        """
        out = np.asarray(z, dtype=float) * self.weights[:, None]
        for rows, chain in zip(self.rows, self.chains, strict=True):
            if not chain:
                continue
            *first, last = chain
            part = np.asarray(z[rows], dtype=float)
            for cal in first:
                part = np.asarray(cal.adjust(part), dtype=float)
            weighted = getattr(last, "adjust_weighted", None)
            if weighted is not None:
                out[rows] = np.asarray(weighted(part), dtype=float)
            else:
                out[rows] = np.asarray(last.adjust(part), dtype=float) * self.weights[rows, None]
        return out


def _no_influence(T: np.ndarray, cols: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Replicate designs take no influence values (the engine does not call this)."""
    return np.zeros((len(cols), np.shape(T)[-1]))


@dataclasses.dataclass(eq=False)
class _RepGroup:
    """Waves of replicate designs estimated together: one wave (independent waves), or all of
    them (aligned on shared PSUs) in one replicate design over the rows ``rows`` of the stack.
    """

    periods: list[int]
    rows: np.ndarray
    design: ReplicateDesign


def _as_instrument(inst: Instrument | str) -> Instrument:
    return inst if isinstance(inst, Instrument) else load_instrument(inst)


def common_instrument(
    instruments: Mapping[Hashable, Instrument | str] | Instrument | str,
    datas: Mapping[Hashable, pd.DataFrame],
) -> tuple[Instrument, list[str]]:
    """The instrument restricted to the criteria every period has, and the codes left out.

    A criterion is common when every period's instrument has it (same code and column) and
    every period's data holds its column. Components keep their common criteria; a component
    without any is left out, and the overall index averages the remaining components with
    their weights renormalised.

    Parameters
    ----------
    instruments : Instrument, str or mapping period -> Instrument
        One instrument for all periods, or each period's own.
    datas : mapping period -> DataFrame
        The periods' respondents.

    Returns
    -------
    (Instrument, list of str)
        The common instrument and the criterion and component codes left out.

    Examples
    --------
    >>> import pandas as pd
    >>> inst = load_instrument("sipas-2017")
    >>> full = pd.DataFrame(columns=[c.column for c in inst.criteria])
    >>> common, dropped = common_instrument(inst, {2021: full, 2022: full.drop(columns="C5_4")})
    >>> dropped, len(common.criteria)
    (['C5.4'], 21)
    """
    periods = list(datas)
    if isinstance(instruments, Mapping):
        lacking = [p for p in periods if p not in instruments]
        if lacking:
            raise InputError.one(
                f"no instrument given for period(s) {lacking}",
                "give one instrument, or one per period",
                value=lacking[0],
            )
        insts = {p: _as_instrument(instruments[p]) for p in periods}
    else:
        one = _as_instrument(instruments)
        insts = dict.fromkeys(periods, one)
    base = insts[periods[0]]
    keep: dict[str, bool] = {}
    for c in base.criteria:
        ok = all(
            insts[p].criterion_columns.get(c.code) == c.column and c.column in datas[p].columns
            for p in periods
        )
        keep[c.code] = ok
    if not any(keep.values()):
        raise InputError.one(
            "the periods have no criterion in common (same code, same column, answered in "
            "every period's file)",
            "compare periods of one instrument, or give each period's instrument so that their "
            "common criteria can be matched",
            value=", ".join(map(str, periods)),
        )
    dropped: list[str] = []
    comps: list[Component] = []
    for comp in base.components:
        crits = tuple(c for c in comp.criteria if keep[c.code])
        dropped += [c.code for c in comp.criteria if not keep[c.code]]
        if crits:
            comps.append(dataclasses.replace(comp, criteria=crits))
        else:
            dropped.append(comp.code)
    if not dropped:
        return base, []
    return dataclasses.replace(base, components=tuple(comps)), dropped


def _labels(data: pd.DataFrame, col: str | None, n: int) -> np.ndarray:
    if col is None:
        return np.full(n, "(all)", dtype=object)
    return data[col].astype(str).to_numpy(dtype=object)


def stage_population(d: Design, k: int) -> np.ndarray:
    """Per-row population count of stage ``k`` (R's rule: fractions become counts ``n / f``).

    Examples
    --------
    >>> import pandas as pd, govsurvey as gs
    >>> df = pd.DataFrame({"s": [1, 1, 2, 2], "f": [0.5, 0.5, 0.25, 0.25]})
    >>> stage_population(gs.Design(df, strata="s", fpc="f"), 0).tolist()
    [4.0, 4.0, 8.0, 8.0]
    """
    col = d.fpc[k]
    v = d.data[col].to_numpy(dtype=float)
    st = d.stages[k]
    fractions = all((d.data[c].to_numpy(dtype=float) <= 1).all() for c in d.fpc)
    if not fractions:
        return v
    n_row = st.n_h[st.unit_stratum[st.unit]].astype(float)
    return n_row / v


def _rep_copy(
    like: ReplicateDesign, weights: list[np.ndarray], ds: list[ReplicateDesign]
) -> ReplicateDesign:
    """A replicate design over a frame of its own holding the stacked replicate weights of
    ``ds`` (``like``'s type, scale, rscales and ``mse``), to which the waves add their cells.
    """
    A = np.vstack(weights)
    w = np.concatenate([d.weight_values for d in ds])
    cols = [f"_gs_r{j}" for j in range(A.shape[1])]
    frame = pd.DataFrame(A, columns=cols)
    frame["_gs_w"] = w
    return ReplicateDesign(
        frame,
        weights="_gs_w",
        replicate_weights=cols,
        type=like.type,
        scale=like.scale,
        rscales=like.rscales,
        mse=like.mse,
        fay_rho=0.0 if like.type == "fay" else None,  # the scale is given: rho is not used
        df=like.df if len(ds) == 1 else None,
    )


class Waves:
    """Surveys of the same instrument in several periods, analysed as one combined design.

    Parameters
    ----------
    designs : mapping period -> Design
        Each period's design (strata, PSUs, weights, fpc as that survey declares them), in
        time order when sorted; periods are numbers (years) for a trend.
    shared_psus : bool
        ``False`` (default): independent samples, zero covariance between periods.
        ``True``: the same PSU ids in two periods are the same PSU (wards surveyed again), in
        the same stratum; the covariance between periods comes from them.
    psu : str, optional
        For replicate designs declared as sharing PSUs: the column of every wave's data that
        holds the PSU id (the ward code), with which the replicate weights' alignment on the
        shared PSUs is checked. Taylor designs carry their PSUs already.

    Notes
    -----
    Replicate designs (all periods, or none): see the module's description. Independent
    replicate waves may each have their own type and count of replicates; waves sharing PSUs
    need replicate weights made once on the combined sample.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import govsurvey as gs
    >>> inst = gs.load_instrument("sipas-2017")
    >>> cols = [c.column for c in inst.criteria]
    >>> rng = np.random.default_rng(1)
    >>> def wave(shift):
    ...     df = pd.DataFrame(rng.integers(2 + shift, 6, size=(60, len(cols))), columns=cols)
    ...     df["psu"] = np.repeat(np.arange(6), 10)
    ...     return gs.Design(df, psu="psu")
    >>> w = gs.Waves({2021: wave(0), 2022: wave(1)})
    >>> ch = w.change(inst, 2021, 2022)
    >>> float(ch.query("code == 'SIPAS'")["estimate"].iloc[0]) > 0
    True
    """

    def __init__(
        self,
        designs: Mapping[Hashable, Design | ReplicateDesign],
        shared_psus: bool = False,
        psu: str | None = None,
    ) -> None:
        if not isinstance(designs, Mapping) or len(designs) == 0:
            raise InputError.one(
                "Waves takes a mapping period -> design, e.g. {2021: d21, 2022: d22}",
                "pass one gs.Design per period",
            )
        try:
            periods = sorted(designs)
        except TypeError:
            raise InputError.one(
                "the periods cannot be put in order (mixed types)",
                "name the periods by year (2021, 2022, …) or by sortable labels",
                value=list(designs),
            ) from None
        for p in periods:
            d = designs[p]
            if d is None or (isinstance(d, pd.DataFrame) and d.empty):
                raise InputError.one(
                    f"period {p!r} has no respondents",
                    "drop the period, or give it the design of its survey's respondents",
                    value=p,
                )
            if not isinstance(d, Design | ReplicateDesign):
                raise InputError.one(
                    f"period {p!r} is a {type(d).__name__}, not a survey design",
                    "build each period's design with gs.Design(...) or gs.ReplicateDesign(...)",
                    value=p,
                    what_vi=f"kỳ {p!r} là một {type(d).__name__}, không phải một thiết kế khảo sát",
                    fix_vi="dựng thiết kế của mỗi kỳ bằng gs.Design(...) hoặc "
                    "gs.ReplicateDesign(...)",
                )
            if len(d.data) == 0:
                raise InputError.one(
                    f"period {p!r} has no respondents",
                    "drop the period, or give it the design of its survey's respondents",
                    value=p,
                    what_vi=f"kỳ {p!r} không có người trả lời",
                    fix_vi="bỏ kỳ đó, hoặc đưa vào thiết kế gồm những người đã trả lời của "
                    "cuộc khảo sát kỳ đó",
                )
        kinds = {isinstance(designs[p], ReplicateDesign) for p in periods}
        if len(kinds) > 1:
            reps = [str(p) for p in periods if isinstance(designs[p], ReplicateDesign)]
            raise InputError.one(
                "some periods are replicate designs and others Taylor designs "
                f"(replicate: {', '.join(reps)})",
                "give every period the same kind of design: all gs.Design (linearisation), or "
                "all replicate designs (e.g. d.replicate('jkn') for each period)",
                what_vi="có kỳ là thiết kế trọng số lặp, có kỳ là thiết kế tuyến tính hoá "
                f"(trọng số lặp: {', '.join(reps)})",
                fix_vi="dùng cùng một loại thiết kế cho mọi kỳ: tất cả gs.Design, hoặc tất cả "
                "thiết kế trọng số lặp (ví dụ d.replicate('jkn') cho từng kỳ)",
            )
        self.designs = {p: designs[p] for p in periods}
        self.periods = periods
        self.shared_psus = bool(shared_psus)
        self.replicate = kinds == {True}
        self.psu = psu
        self.notes: list[str] = []
        self._cache: dict = {}
        self._groups: list[_RepGroup] = []
        self.combined = self._combine_replicate() if self.replicate else self._combine()

    # ------------------------------------------------------------------------------------
    @classmethod
    def from_frame(
        cls,
        data: pd.DataFrame,
        period: str,
        weights: str | None = None,
        strata: str | None = None,
        psu: Columns = None,
        fpc: Columns = None,
        lonely_psu: str = "fail",
        nest: bool = False,
        periods: Sequence[Hashable] | None = None,
        shared_psus: bool = False,
    ) -> Waves:
        """Waves from one file with a period column, each period with the same declaration.

        Parameters
        ----------
        data : DataFrame
            Every period's respondents.
        period : str
            The period column (e.g. ``"year"``); a row without a period is an error.
        weights, strata, psu, fpc, lonely_psu, nest
            As :class:`~govsurvey.design.Design`, for every period.
        periods : sequence, optional
            The periods expected; one without respondents is an error.
        shared_psus : bool
            As :class:`Waves`.

        Returns
        -------
        Waves

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"year": [2021] * 4 + [2022] * 4, "C1_1": [4, 5, 2, 4] * 2})
        >>> Waves.from_frame(df, "year").periods
        [2021, 2022]
        """
        if period not in data.columns:
            raise InputError.one(
                "the period column does not exist in the data",
                "name the period column",
                column=period,
            )
        miss = data[period].isna().to_numpy()
        if miss.any():
            raise InputError.one(
                f"{int(miss.sum())} row(s) have no period",
                "fill in the period of every form",
                column=period,
                row=int(np.flatnonzero(miss)[0]),
            )
        found = [v.item() if isinstance(v, np.generic) else v for v in pd.unique(data[period])]
        want = list(periods) if periods is not None else sorted(found)
        empty = [p for p in want if p not in set(found)]
        if empty:
            raise InputError.one(
                f"period {empty[0]!r} has no respondents in the data",
                "check the period column's values, or leave that period out",
                column=period,
                value=empty[0],
            )
        extra = [p for p in found if p not in set(want)]
        if extra:
            raise InputError.one(
                f"the data holds period {extra[0]!r}, which is not among the periods named",
                "name every period of the file, or drop its rows first",
                column=period,
                value=extra[0],
            )
        codes = data[period].to_numpy()
        if pd.api.types.is_float_dtype(data[period]) and (np.round(codes) == codes).all():
            codes = codes.astype(np.int64)  # years read as floats (a column with blanks)
            found = sorted({int(v) for v in codes})
            want = [int(v) for v in want] if periods is not None else found
        want = [v.item() if isinstance(v, np.generic) else v for v in want]
        designs = {
            p: Design(
                data.loc[codes == p],
                weights=weights,
                strata=strata,
                psu=psu,
                fpc=fpc,
                lonely_psu=lonely_psu,
                nest=nest,
            )
            for p in want
        }
        return cls(designs, shared_psus=shared_psus)

    # ------------------------------------------------------------------------------------
    # ------------------------------------------------------------------------------------
    def _combine_replicate(self) -> ReplicateDesign | None:
        """Stack replicate waves; one replicate design per wave, or one aligned on shared PSUs."""
        ds = [self.designs[p] for p in self.periods]
        common = [
            c
            for c in ds[0].data.columns
            if all(c in d.data.columns for d in ds[1:]) and not str(c).startswith("_gs_")
        ]
        data = pd.concat([d.data[common].reset_index(drop=True) for d in ds], ignore_index=True)
        data[P_COL] = np.repeat(np.arange(len(ds)), [len(d.data) for d in ds])
        self.data = data
        self._rows = [np.flatnonzero(data[P_COL].to_numpy() == t) for t in range(len(ds))]
        if not self.shared_psus:
            self._groups = [
                _RepGroup([t], self._rows[t], _rep_copy(d, [d.replicate_weights()], [d]))
                for t, d in enumerate(ds)
            ]
            return None
        self._check_aligned(ds)
        rows = np.arange(len(data))
        design = _rep_copy(ds[0], [d.replicate_weights() for d in ds], ds)
        self._groups = [_RepGroup(list(range(len(ds))), rows, design)]
        return design

    def _check_aligned(self, ds: list[ReplicateDesign]) -> None:
        """Shared PSUs with replicate weights: one replicate scheme, perturbing a ward alike."""
        base = ds[0]

        def scheme(d: ReplicateDesign) -> str:
            return f"{d.replicates} {d.type} replicates, scale {d.scale:g}, mse={d.mse}"

        for p, d in zip(self.periods[1:], ds[1:], strict=True):
            same = (
                d.replicates == base.replicates
                and d.type == base.type
                and d.mse == base.mse
                and np.isclose(d.scale, base.scale, rtol=1e-9)
                and np.allclose(d.rscales, base.rscales, rtol=1e-9)
            )
            if not same:
                raise InputError.one(
                    "the waves are declared as sharing PSUs, but their replicate weights cannot "
                    f"be aligned: period {self.periods[0]} has {scheme(base)}, period {p} has "
                    f"{scheme(d)}",
                    "make the replicate weights once on the combined sample of all waves (the "
                    "waves' gs.Design in gs.Waves(..., shared_psus=True) estimate the covariance "
                    "by linearisation), or declare the waves independent (shared_psus=False: "
                    "each wave's own replicate variance, summed)",
                    value=p,
                    what_vi="các kỳ được khai là dùng chung đơn vị mẫu (PSU) nhưng không thể "
                    f"ghép trọng số lặp của chúng: kỳ {self.periods[0]} có {scheme(base)}, kỳ "
                    f"{p} có {scheme(d)}",
                    fix_vi="tạo trọng số lặp một lần trên mẫu gộp của mọi kỳ (hoặc đưa gs.Design "
                    "của các kỳ vào gs.Waves(..., shared_psus=True) để ước lượng hiệp phương sai "
                    "bằng tuyến tính hoá), hoặc khai các kỳ là độc lập (shared_psus=False: cộng "
                    "phương sai lặp của từng kỳ)",
                )
        if self.psu is None:
            raise InputError.one(
                "replicate waves declared as sharing PSUs need the PSU id column, to check that "
                "each shared PSU's replicate weights agree across waves",
                "pass psu='the ward code column' to gs.Waves",
                what_vi="các kỳ dùng trọng số lặp và được khai là dùng chung PSU cần cột mã PSU để "
                "kiểm tra trọng số lặp của mỗi PSU chung có khớp giữa các kỳ",
                fix_vi="truyền psu='cột mã phường/xã' cho gs.Waves",
            )
        lacking = [p for p, d in zip(self.periods, ds, strict=True) if self.psu not in d.data]
        if lacking:
            raise InputError.one(
                f"the data of period {lacking[0]!r} has no PSU column",
                "name a column every wave's data holds (the ward code)",
                column=self.psu,
                what_vi=f"dữ liệu kỳ {lacking[0]!r} không có cột PSU",
                fix_vi="ghi tên một cột mà dữ liệu mọi kỳ đều có (mã phường/xã)",
            )
        ids = pd.concat(
            [d.data[self.psu].astype(str).reset_index(drop=True) for d in ds], ignore_index=True
        ).to_numpy()
        cols = pd.DataFrame({"_gs_p": ids, P_COL: self.data[P_COL].to_numpy()})
        self._check_shared(cols)
        # each row's replicate pattern (its replicate weights per unit of weight), projected
        u = np.random.default_rng(0).standard_normal(base.replicates)
        h = np.concatenate(
            [
                (d.replicate_weights() @ u) / np.where(d.weight_values > 0, d.weight_values, 1.0)
                for d in ds
            ]
        )
        tol = 1e-8 * (np.abs(h).max() or 1.0)
        g = cols.assign(h=h).groupby(["_gs_p", P_COL], sort=True)["h"].first().reset_index()
        spread = g.groupby("_gs_p")["h"].agg(lambda v: v.max() - v.min())
        bad = spread[spread > tol]
        if len(bad):
            ward = bad.index[0]
            per = [self.periods[t] for t in g.loc[g["_gs_p"] == ward, P_COL]]
            raise InputError.one(
                f"{len(bad)} shared PSU(s) are perturbed differently by the waves' replicate "
                f"weights (PSU {ward!r} in periods {', '.join(map(str, per))}): the replicates "
                "were made for each wave separately and are not aligned on the shared PSUs",
                "make the replicate weights once on the combined sample of all waves, or "
                "declare the waves independent (shared_psus=False)",
                column=self.psu,
                value=ward,
                what_vi=f"{len(bad)} PSU chung bị trọng số lặp của các kỳ tác động khác nhau (PSU "
                f"{ward!r} ở các kỳ {', '.join(map(str, per))}): trọng số lặp được tạo riêng cho "
                "từng kỳ, không khớp trên các PSU chung",
                fix_vi="tạo trọng số lặp một lần trên mẫu gộp của mọi kỳ, hoặc khai các kỳ là "
                "độc lập (shared_psus=False)",
            )

    def _combine(self) -> Design:
        ds = [self.designs[p] for p in self.periods]
        stages = {len(d.stages) for d in ds}
        rules = {d.lonely_psu for d in ds}
        has_fpc = {bool(d.fpc) for d in ds}
        if len(has_fpc) > 1 or len(stages) > 1:
            raise InputError.one(
                "the periods' designs declare their stages differently (fpc in some periods "
                "only, or one stage in some and two in others)",
                "declare every period's design the same way: the same number of stages, and fpc "
                "in all periods or in none",
            )
        if len(rules) > 1:
            raise InputError.one(
                f"the periods use different lonely_psu rules ({sorted(rules)})",
                "use one lonely_psu rule for every period",
            )
        n_stages = stages.pop()
        parts = []
        for t, d in enumerate(ds):
            n = len(d.data)
            st0 = d.stages[0]
            part = pd.DataFrame(index=pd.RangeIndex(n))
            part[P_COL] = t
            part["_gs_w"] = d.weight_values
            s_lab = _labels(d.data, d.strata, n)
            if self.shared_psus:
                part["_gs_s"] = s_lab
                if st0.rows_are_units:
                    part["_gs_p"] = [f"{t}|{i}" for i in range(n)]
                else:
                    p_lab = d.data[d.psu[0]].astype(str).to_numpy()
                    part["_gs_p"] = pd.Series(s_lab).astype(str) + "|" + p_lab if d.nest else p_lab
            else:
                part["_gs_s"] = pd.Series(s_lab).astype(str).radd(f"{t}|").to_numpy()
                part["_gs_p"] = t * 10**12 + st0.unit.astype(np.int64)
            if n_stages == 2:
                part["_gs_u"] = t * 10**12 + d.stages[1].unit.astype(np.int64)
            for k in range(n_stages if d.fpc else 0):
                part[f"_gs_f{k}"] = stage_population(d, k)
            parts.append(part)
        design_cols = pd.concat(parts, ignore_index=True)
        if self.shared_psus:
            self._check_shared(design_cols)
        common = [
            c
            for c in ds[0].data.columns
            if all(c in d.data.columns for d in ds[1:]) and not str(c).startswith("_gs_")
        ]
        data = pd.concat([d.data[common].reset_index(drop=True) for d in ds], ignore_index=True)
        self.data = pd.concat([data, design_cols], axis=1)
        self._rows = [np.flatnonzero(design_cols[P_COL].to_numpy() == t) for t in range(len(ds))]
        psus = ["_gs_p"] + (["_gs_u"] if n_stages == 2 else [])
        fpcs = [f"_gs_f{k}" for k in range(n_stages)] if ds[0].fpc else None
        w = design_cols["_gs_w"].to_numpy(dtype=float)
        # a weighted period keeps its nonrespondents with weight 0 (their PSUs still count):
        # the combined design is then built first and given the periods' weights after
        zero = bool((w == 0).any())
        combined = Design(
            self.data,
            weights=None if zero else "_gs_w",
            strata="_gs_s",
            psu=psus,
            fpc=fpcs,
            lonely_psu=rules.pop(),
        )
        chains = [d.calibration for d in ds]
        if any(chains) or zero:
            combined = combined.with_weights(
                w, calibration=_Stacked(self._rows, chains, w) if any(chains) else None
            )
        return combined

    def _check_shared(self, cols: pd.DataFrame) -> None:
        per = cols.groupby("_gs_p", sort=False)[P_COL].nunique()
        if (per > 1).sum() == 0:
            raise InputError.one(
                "the periods are declared as sharing PSUs, but no PSU id appears in two periods",
                "check that the PSU column holds the same ids (e.g. the ward code) in every "
                "period, or use shared_psus=False for independent samples",
                value=", ".join(map(str, self.periods)),
                what_vi="các kỳ được khai là dùng chung đơn vị mẫu (PSU) nhưng không mã PSU nào "
                "có mặt ở hai kỳ",
                fix_vi="kiểm tra cột PSU ghi cùng một mã (ví dụ mã phường/xã) ở mọi kỳ, hoặc dùng "
                "shared_psus=False cho các mẫu độc lập",
            )
        shared = int((per > 1).sum())
        self.notes.append(
            f"{shared} of {len(per)} PSUs are surveyed in more than one period; the covariance "
            "between periods comes from them"
        )

    # ------------------------------------------------------------------------------------
    def _setup(self, instrument, by: Columns, confidence: float):
        by = as_list(by)
        for p, d in self.designs.items():
            lacking = [b for b in by if b not in d.data.columns]
            if lacking:
                raise InputError.one(
                    f"the data of period {p!r} lacks the domain column {lacking[0]!r}",
                    "give every period the same domain columns",
                    column=lacking[0],
                )
        if not 0 < confidence < 1:
            raise InputError.one(
                "confidence must lie strictly between 0 and 1", "use e.g. 0.95", value=confidence
            )
        if isinstance(instrument, Mapping):
            ident = tuple((p, id(v), getattr(v, "name", v)) for p, v in instrument.items())
        else:
            ident = (id(instrument), getattr(instrument, "name", instrument))
        key = (ident, tuple(by))
        hit = self._cache.get(key)
        if hit is not None and hit[0] is instrument:  # the same object, not a reused id
            return hit[1]
        inst, dropped = common_instrument(instrument, {p: d.data for p, d in self.designs.items()})
        model = index_model(inst)
        data = self.data
        dom = make_domains(data, by or None)
        D = dom.G
        P = len(self.periods)
        period = data[P_COL].to_numpy()
        cell = np.where(dom.g >= 0, period * D + dom.g, -1)
        data[CELL] = np.where(cell >= 0, cell, np.nan)
        sat, valid = model.indicators(data)
        columns = np.hstack([sat, valid])
        kept: dict[str, np.ndarray] = {}

        def influence(t, y, g):
            z = model.influence(t, y, g)
            kept["z"] = z
            return z

        m = len(model.codes)
        reps = None
        if self.replicate:
            res, E, V, reps = self._replicate_cells(columns, model, cell, P * D)
            kept["z"] = None
        else:
            res = self.combined.estimate_smooth(columns, model.point, influence, by=CELL)
            cells = res.domains[CELL].to_numpy().astype(np.int64)
            E = np.full((P * D, m), np.nan)
            E[cells] = res.estimate
            V = np.full((P * D, m), np.nan)
            V[cells] = res.variance
        inside = cell >= 0
        counts = group_sum(cell[inside], model.counts(valid[inside]), P * D)
        notes = []
        if dropped:
            notes.append(
                "compared on the criteria every period has; left out: " + ", ".join(dropped)
            )
        setup = _Setup(
            inst=inst,
            model=model,
            by=by,
            dom=dom,
            D=D,
            P=P,
            cell=cell,
            res=res,
            z=kept["z"],
            E=E.reshape(P, D, m),
            N=counts.reshape(P, D, m),
            V=V.reshape(P, D, m),
            dropped=dropped,
            notes=notes,
            reps=reps,
        )
        self._cache[key] = (instrument, setup)
        return setup

    # ------------------------------------------------------------------------------------
    def _periods_of(self, *names: Hashable) -> list[int]:
        out = []
        for p in names:
            if p not in self.designs:
                raise InputError.one(
                    f"period {p!r} is not one of the waves",
                    f"use one of {', '.join(map(str, self.periods))}",
                    value=p,
                )
            out.append(self.periods.index(p))
        return out

    def _table(self, s: _Setup) -> pd.DataFrame:
        """The by-domains' levels, columns renamed as in result frames."""
        if not s.by:
            return pd.DataFrame(index=range(1))
        t = s.dom.table.reset_index(drop=True)
        return t.rename(columns={c: domain_name(c) for c in t.columns})

    def _replicate_cells(
        self, columns: np.ndarray, model: IndexModel, cell: np.ndarray, G: int
    ) -> tuple[SmoothEstimate, np.ndarray, np.ndarray, list[np.ndarray]]:
        """Every (period, domain) cell's figures by replication, one replicate design per group.

        Returns the cells' engine result (for the index frame), their estimates and variances
        ``(G, m)``, and per group the figures under each of its replicates ``(R, G, m)`` (NaN
        outside the group's waves), from which contrasts are evaluated replicate by replicate.
        """
        m = len(model.codes)
        E = np.full((G, m), np.nan)
        V = np.full((G, m), np.nan)
        DF = np.full(G, np.nan)
        have = np.zeros(G, dtype=bool)
        thetas = []
        for grp in self._groups:  # one per wave (independent) or one in all: a handful
            c = cell[grp.rows]
            grp.design.data[CELL] = np.where(c >= 0, c, np.nan)
            kept: dict[str, np.ndarray] = {}

            def point(T, kept=kept):
                out = model.point(T)
                if np.ndim(T) == 3:  # the engine's one call on all replicate totals
                    kept["theta"] = np.asarray(out, dtype=float)
                return out

            r = grp.design.estimate_smooth(columns[grp.rows], point, _no_influence, by=CELL)
            cells = r.domains[CELL].to_numpy().astype(np.int64)
            E[cells], V[cells], DF[cells] = r.estimate, r.variance, r.df
            have[cells] = True
            theta = np.full((grp.design.replicates, G, m), np.nan)
            theta[:, cells] = kept["theta"]
            thetas.append(theta)
        idx = np.flatnonzero(have)
        n = np.bincount(cell[cell >= 0], minlength=G)[idx]
        types = "+".join(dict.fromkeys(g.design.type for g in self._groups))
        res = SmoothEstimate(
            pd.DataFrame({CELL: idx.astype(float)}),
            E[idx],
            V[idx],
            DF[idx],
            n,
            np.zeros((len(idx), 0)),
            method=types,
        )
        return res, E, V, thetas

    def _replicate_variance(self, s: _Setup, fn, est: np.ndarray) -> np.ndarray:
        """Variance per (by-domain, figure) of ``fn(figures[P, D, m])`` by replication.

        Each group's replicates stand in for its waves' figures (the other waves at their
        full-sample values); the group's own replicate formula gives a variance, and the
        groups' variances add (independent waves; one group when the waves share PSUs).
        """
        total = np.zeros(est.shape)
        for grp, theta in zip(self._groups, s.reps, strict=True):
            R = theta.shape[0]
            F = np.broadcast_to(s.E, (R, *s.E.shape)).copy()
            F[:, grp.periods] = theta.reshape(R, s.P, s.D, -1)[:, grp.periods]
            with np.errstate(divide="ignore", invalid="ignore"):
                values = fn(F)
            total = total + grp.design.variance_from_replicates(values, est)
        return np.where(np.isfinite(est), total, np.nan)

    def _df(self, s: _Setup, involved: np.ndarray) -> np.ndarray:
        """R's degf of each by-domain restricted to the periods ``involved[P, D]``.

        Replicate waves: the rank of the involved rows' replicate weights minus 1, summed over
        independent waves (as the strata and PSUs of independent Taylor waves add up).
        """
        n = len(self.data)
        inside = s.cell >= 0
        ok = np.zeros(n, dtype=bool)
        ok[inside] = involved.reshape(-1)[s.cell[inside]]
        sel = np.where(ok, s.dom.g, -1)
        if self.replicate:
            df = np.zeros(s.D)
            seen = np.zeros(s.D, dtype=bool)
            for grp in self._groups:
                part = sel[grp.rows]
                if not (part >= 0).any():
                    continue
                grp.design.data[SEL] = np.where(part >= 0, part, np.nan)
                r = grp.design.estimate_smooth(
                    np.ones((len(part), 1)), lambda T: T, _no_influence, by=SEL
                )
                at = r.domains[SEL].to_numpy().astype(np.int64)
                df[at] += r.df
                seen[at] = True
            return np.where(seen, df, np.nan)
        self.data[SEL] = np.where(sel >= 0, sel, np.nan)
        r = self.combined.estimate_smooth(
            np.ones((n, 1)), lambda T: T, lambda T, c, g: np.zeros((len(c), 1)), by=SEL
        )
        df = np.full(s.D, np.nan)
        if len(r.domains):
            df[r.domains[SEL].to_numpy().astype(np.int64)] = r.df
        return df

    def _contrast(self, s: _Setup, C: np.ndarray) -> np.ndarray:
        """Variance per (by-domain, figure) of ``sum_p C[p, d] * figure[p, d]``."""
        m = len(s.model.codes)
        if self.replicate:
            C3 = np.nan_to_num(C.reshape(s.P, s.D, m))
            live = C3 != 0

            def fn(F):
                return np.where(live, C3 * F, 0.0).sum(axis=-3)

            return self._replicate_variance(s, fn, fn(s.E))
        C = np.nan_to_num(C.reshape(s.P * s.D, m))
        inside = s.cell >= 0
        rowc = np.zeros((len(self.data), m))
        rowc[inside] = C[s.cell[inside]]
        zc = s.z * rowc
        return self.combined.variance(zc, by=s.by or None)

    def _frame(
        self, s: _Setup, est: np.ndarray, var: np.ndarray, df: np.ndarray, level: float
    ) -> pd.DataFrame:
        m = len(s.model.codes)
        out = self._table(s).loc[np.repeat(np.arange(s.D), m)].reset_index(drop=True)
        out["level"] = np.tile(s.model.levels, s.D)
        out["code"] = np.tile(s.model.codes, s.D)
        se = np.sqrt(var)
        dfm = np.broadcast_to(df[:, None], est.shape)
        q = t_quantile(dfm, level)
        out["estimate"] = est.ravel()
        out["se"] = se.ravel()
        out["ci_low"] = (est - q * se).ravel()
        out["ci_high"] = (est + q * se).ravel()
        out["df"] = dfm.ravel()
        return out

    # ------------------------------------------------------------------------------------
    def index(
        self,
        instrument: Instrument | str | Mapping = "sipas-2017",
        by: Columns = None,
        confidence: float = 0.95,
    ) -> pd.DataFrame:
        """Every index figure per period (and domain), from the combined design.

        Parameters
        ----------
        instrument : Instrument, str or mapping period -> Instrument
            The instrument (or each period's); periods are compared on their common criteria
            (see :func:`common_instrument`), the codes left out are named in
            ``attrs["notes"]`` and ``attrs["dropped_codes"]``.
        by : str or list of str, optional
            Domain columns, present in every period's data.
        confidence : float
            Level of the intervals.

        Returns
        -------
        DataFrame
            ``["period", *by, "level", "code", "estimate", "se", "ci_low", "ci_high", "df",
            "n"]``, as :func:`~govsurvey.sipas_index` per period. A (period, domain) without
            respondents has no row, and a note says so.

        Examples
        --------
        >>> import govsurvey as gs
        >>> sims = [gs.synth.simulate(seed=1).redraw(s) for s in (1, 2)]  # doctest: +SKIP
        >>> w = gs.Waves({2021: sims[0].design(), 2022: sims[1].design()})  # doctest: +SKIP
        >>> w.index("sipas-2017").query("code == 'SIPAS'")  # doctest: +SKIP
        """
        s = self._setup(instrument, by, confidence)
        res = s.res
        cells = res.domains[CELL].to_numpy().astype(np.int64)
        table = self._table(s)
        doms = table.iloc[cells % s.D].reset_index(drop=True)
        doms.insert(0, "period", [self.periods[c // s.D] for c in cells])
        # the by columns are already renamed; the frame builder renames nothing else
        res2 = dataclasses.replace(res, domains=doms)
        n = s.N.reshape(s.P * s.D, -1)[cells]
        out = s.model.frame(res2, n, confidence)
        notes = list(s.notes) + self._absent_notes(s) + list(out.attrs.get("notes", []))
        out.attrs.update(notes=notes, dropped_codes=list(s.dropped), periods=list(self.periods))
        return out

    def _absent_notes(self, s: _Setup, periods: Sequence[int] | None = None) -> list[str]:
        if not s.by:
            return []
        have = s.N[:, :, -1] > 0  # (P, D): respondents with any valid answer
        ps = range(s.P) if periods is None else periods
        table = self._table(s)
        notes = []
        for d in np.flatnonzero(~have[list(ps)].all(axis=0)):  # messages only: few
            where = ", ".join(f"{c}={v}" for c, v in table.iloc[d].items())
            missing = [str(self.periods[p]) for p in ps if not have[p, d]]
            notes.append(
                f"{where} has no respondents in {', '.join(missing)}: its figures there, and "
                "any change or trend that needs them, are not estimated"
            )
        return notes

    # ------------------------------------------------------------------------------------
    def change(
        self,
        instrument: Instrument | str | Mapping = "sipas-2017",
        start: Hashable | None = None,
        end: Hashable | None = None,
        by: Columns = None,
        unit: str = "points",
        gain: float | None = None,
        confidence: float = 0.95,
    ) -> pd.DataFrame:
        """Change of every figure from ``start`` to ``end``, with SE, CI and a one-sided test.

        Parameters
        ----------
        instrument : Instrument, str or mapping period -> Instrument
        start, end : period
            Default: the first and the last period.
        by : str or list of str, optional
            Domain columns.
        unit : {"points", "relative"}
            ``"points"``: ``end − start`` in percentage points; ``"relative"``:
            ``(end / start − 1) × 100``, percent of the start value (its SE by linearisation).
        gain : float, optional
            A planned minimum change in ``unit`` ("at least 3"), tested one-sided.
        confidence : float
            Level of the interval and of the one-sided bounds.

        Returns
        -------
        DataFrame
            ``[*by, "level", "code", "estimate", "se", "ci_low", "ci_high", "df", "n",
            "estimate_start", "estimate_end", "se_start", "se_end", "n_start", "n_end",
            "unit", "lower_bound", "upper_bound", "p_rise", "rise_verdict"]`` and with
            ``gain``: ``"gain", "gain_lower", "p_gain", "gain_verdict"``. ``df`` is the
            combined design's degrees of freedom for the domain in the two periods (PSUs minus
            strata); ``rise_verdict`` is "achieved" when the one-sided lower bound is above 0,
            "not achieved" when the upper bound is below 0, "not determined" otherwise (as
            :func:`~govsurvey.compare_index`). ``n`` is the smaller period's count.

        Examples
        --------
        >>> w = Waves(...)  # doctest: +SKIP
        >>> w.change("sipas-2017", 2021, 2022, by="district", unit="relative")  # doctest: +SKIP
        """
        if unit not in ("points", "relative"):
            raise InputError.one(
                f"unit is {unit!r}",
                'use unit="points" (percentage points) or "relative" (% of the start value)',
                value=unit,
            )
        if len(self.periods) < 2:
            raise InputError.one(
                "a change needs at least two periods", "give the designs of two periods or more"
            )
        start = self.periods[0] if start is None else start
        end = self.periods[-1] if end is None else end
        a, b = self._periods_of(start, end)
        if a == b:
            raise InputError.one(
                "start and end are the same period", "give two different periods", value=start
            )
        s = self._setup(instrument, by, confidence)
        Es, Ee = s.E[a], s.E[b]
        C = np.zeros_like(s.E)
        with np.errstate(divide="ignore", invalid="ignore"):
            if unit == "points":
                est = Ee - Es
                C[b], C[a] = 1.0, -1.0
            else:
                est = (Ee / Es - 1.0) * 100.0
                C[b] = 100.0 / Es
                C[a] = -100.0 * Ee / Es**2
        bad = ~np.isfinite(est)
        C[:, bad] = 0.0
        est = np.where(bad, np.nan, est)
        if self.replicate and unit == "relative":  # on every replicate, as R's svycontrast

            def relative(F):
                return (F[..., b, :, :] / F[..., a, :, :] - 1.0) * 100.0

            var = np.where(bad, np.nan, self._replicate_variance(s, relative, est))
        else:
            var = np.where(bad, np.nan, self._contrast(s, C))
        involved = np.zeros((s.P, s.D), dtype=bool)
        involved[[a, b]] = True
        df = self._df(s, involved)
        out = self._frame(s, est, var, df, confidence)
        Vp = s.V
        out["n"] = np.fmin(s.N[a], s.N[b]).ravel().astype(np.int64)
        out["estimate_start"] = Es.ravel()
        out["estimate_end"] = Ee.ravel()
        out["se_start"] = np.sqrt(Vp[a]).ravel()
        out["se_end"] = np.sqrt(Vp[b]).ravel()
        out["n_start"] = s.N[a].ravel().astype(np.int64)
        out["n_end"] = s.N[b].ravel().astype(np.int64)
        out["unit"] = unit
        p, lo, hi, verdict = one_sided(
            out["estimate"].to_numpy(),
            out["se"].to_numpy(),
            out["df"].to_numpy(),
            0.0,
            confidence,
        )
        out["lower_bound"], out["upper_bound"] = lo, hi
        out["p_rise"], out["rise_verdict"] = p, verdict
        if gain is not None:
            p, lo, hi, verdict = one_sided(
                out["estimate"].to_numpy(),
                out["se"].to_numpy(),
                out["df"].to_numpy(),
                float(gain),
                confidence,
            )
            out["gain"] = float(gain)
            out["gain_lower"] = lo
            out["p_gain"] = p
            out["gain_verdict"] = verdict
        notes = list(s.notes) + self._absent_notes(s, [a, b])
        out.attrs.update(
            level=float(confidence),
            method=self._method("change"),
            notes=notes,
            dropped_codes=list(s.dropped),
            start=start,
            end=end,
            unit=unit,
        )
        return out

    def _method(self, what: str) -> str:
        how = "shared PSUs" if self.shared_psus else "independent periods"
        if self.replicate:
            types = "+".join(dict.fromkeys(g.design.type for g in self._groups))
            where = (
                "one replicate design aligned on the shared PSUs"
                if self.shared_psus
                else "each wave's own replicate variance, summed over waves"
            )
            return (
                f"{what} of period estimates by replication ({types}; {where}); evaluated on "
                "every replicate; t on the design df; one-sided t tests"
            )
        return (
            f"{what} of period estimates in one combined design ({how}); Taylor linearisation "
            "of the contrast; t on the design df; one-sided t tests"
        )

    def _x(self) -> np.ndarray:
        try:
            x = np.array([float(p) for p in self.periods])
        except (TypeError, ValueError):
            raise InputError.one(
                "a trend needs numeric periods (years)",
                "name the periods by year, e.g. {2021: d21, 2022: d22}",
                value=", ".join(map(str, self.periods)),
            ) from None
        return x

    def _line(self, s: _Setup) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per (domain, figure): mask of periods, their count, the mean period and ``Sxx``."""
        x = self._x()[:, None, None]
        mask = np.isfinite(s.E)
        cnt = mask.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            xbar = (mask * x).sum(axis=0) / cnt
            sxx = (mask * (x - xbar) ** 2).sum(axis=0)
        return mask, cnt, xbar, sxx

    def trend(
        self,
        instrument: Instrument | str | Mapping = "sipas-2017",
        by: Columns = None,
        confidence: float = 0.95,
    ) -> pd.DataFrame:
        """Design-based linear trend of every figure across the periods, with its SE.

        The trend is the least-squares slope of the period estimates on the period (points a
        year for years): ``sum_t a_t θ_t`` with ``a_t = (x_t − x̄) / Σ (x_t − x̄)²`` over the
        periods where the figure is estimated; its variance is that of the contrast in the
        combined design (the periods' covariance included when they share PSUs).

        Parameters
        ----------
        instrument : Instrument, str or mapping period -> Instrument
        by : str or list of str, optional
        confidence : float

        Returns
        -------
        DataFrame
            ``[*by, "level", "code", "estimate", "se", "ci_low", "ci_high", "df", "n",
            "periods", "lower_bound", "upper_bound", "p_rise", "rise_verdict"]``: ``estimate``
            the slope per period unit, ``n`` the respondents over all periods, ``periods`` how
            many periods entered (a trend needs two).

        Examples
        --------
        >>> Waves(...).trend("sipas-2017", by="district")  # doctest: +SKIP
        """
        s = self._setup(instrument, by, confidence)
        x = self._x()[:, None, None]
        mask, cnt, xbar, sxx = self._line(s)
        with np.errstate(divide="ignore", invalid="ignore"):
            C = np.where(mask, (x - xbar) / sxx, 0.0)
        ok = (cnt >= 2) & (sxx > 0)
        C[:, ~ok] = 0.0
        est = np.where(ok, (C * np.nan_to_num(s.E)).sum(axis=0), np.nan)
        var = np.where(ok, self._contrast(s, C), np.nan)
        df = self._df(s, mask.any(axis=2))
        out = self._frame(s, est, var, df, confidence)
        out["n"] = (s.N * mask).sum(axis=0).ravel().astype(np.int64)
        out["periods"] = cnt.ravel().astype(np.int64)
        p, lo, hi, verdict = one_sided(
            out["estimate"].to_numpy(),
            out["se"].to_numpy(),
            out["df"].to_numpy(),
            0.0,
            confidence,
        )
        out["lower_bound"], out["upper_bound"] = lo, hi
        out["p_rise"], out["rise_verdict"] = p, verdict
        out.attrs.update(
            level=float(confidence),
            method=self._method("least-squares slope"),
            notes=list(s.notes) + self._absent_notes(s),
            dropped_codes=list(s.dropped),
        )
        return out

    def predict(
        self,
        instrument: Instrument | str | Mapping = "sipas-2017",
        at: float | None = None,
        by: Columns = None,
        confidence: float = 0.95,
    ) -> pd.DataFrame:
        """The linear trend extrapolated to period ``at``, with a prediction interval.

        The prediction ``θ̂(at) = Σ_t c_t θ̂_t`` (``c_t = 1/m + (at − x̄)(x_t − x̄)/Sxx``) has a
        design variance from the combined design, plus, when there are more than two periods,
        the scatter of the true values around a line: ``σ² = max(0, (RSS − Σ (1 − h_t)
        se_t²) / (m − 2))`` (the residual sum of squares less its expected sampling part),
        added with the factor ``1 + 1/m + (at − x̄)²/Sxx``. The interval is a t interval on
        Welch–Satterthwaite df (the design part on the design df, the scatter on ``m − 2``).

        Parameters
        ----------
        instrument : Instrument, str or mapping period -> Instrument
        at : number
            The period to predict (e.g. 2025); it must not lie before the last wave.
        by : str or list of str, optional
        confidence : float

        Returns
        -------
        DataFrame
            ``[*by, "level", "code", "estimate", "se", "ci_low", "ci_high", "df", "n",
            "periods", "at", "design_se", "sigma_line"]``: ``se`` the prediction SE,
            ``ci_low``/``ci_high`` the prediction interval.

        Examples
        --------
        >>> Waves(...).predict("sipas-2017", at=2025, by="district")  # doctest: +SKIP
        """
        if at is None:
            raise InputError.one("predict needs the period to predict", "pass at=2025")
        x_all = self._x()
        try:
            at_f = float(at)
        except (TypeError, ValueError):
            raise InputError.one("at must be a period number", "e.g. at=2025", value=at) from None
        if at_f < x_all[-1]:
            raise InputError.one(
                f"the target period {at} lies before the last wave ({self.periods[-1]})",
                "judge a past period by its own survey (w.index), and extrapolate only to the "
                "last wave or later",
                value=at,
            )
        s = self._setup(instrument, by, confidence)
        x = x_all[:, None, None]
        mask, cnt, xbar, sxx = self._line(s)
        ok = (cnt >= 2) & (sxx > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            C = np.where(mask, 1.0 / cnt + (at_f - xbar) * (x - xbar) / sxx, 0.0)
            slope_c = np.where(mask, (x - xbar) / sxx, 0.0)
        C[:, ~ok] = 0.0
        E0 = np.nan_to_num(s.E)
        est = np.where(ok, (C * E0).sum(axis=0), np.nan)
        vdes = np.where(ok, self._contrast(s, C), np.nan)
        # scatter of the true values around the line, beyond sampling
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = (mask * E0).sum(axis=0) / cnt
            slope = (slope_c * E0).sum(axis=0)
            resid = np.where(mask, E0 - (mean + slope * (x - xbar)), 0.0)
            rss = (resid**2).sum(axis=0)
            h = np.where(mask, 1.0 / cnt + (x - xbar) ** 2 / sxx, 0.0)
            sampling = (np.where(mask, (1.0 - h) * np.nan_to_num(s.V), 0.0)).sum(axis=0)
            sigma2 = np.where(cnt > 2, np.maximum(0.0, (rss - sampling) / (cnt - 2)), 0.0)
            factor = 1.0 + 1.0 / cnt + (at_f - xbar) ** 2 / sxx
        df_des = np.broadcast_to(self._df(s, mask.any(axis=2))[:, None], est.shape)
        with np.errstate(invalid="ignore"):  # a domain of one wave has no line: NaN, not a warning
            var = vdes + sigma2 * factor
            # Welch–Satterthwaite: the design part on its df, the line's scatter on m - 2
            df = welch_df(
                np.sqrt(vdes), df_des, np.sqrt(sigma2 * factor), np.maximum(cnt - 2.0, 1.0)
            )
        df = np.where(sigma2 > 0, df, df_des)
        m = len(s.model.codes)
        out = self._table(s).loc[np.repeat(np.arange(s.D), m)].reset_index(drop=True)
        out["level"] = np.tile(s.model.levels, s.D)
        out["code"] = np.tile(s.model.codes, s.D)
        se = np.sqrt(var)
        q = t_quantile(df, confidence)
        out["estimate"] = est.ravel()
        out["se"] = se.ravel()
        out["ci_low"] = (est - q * se).ravel()
        out["ci_high"] = (est + q * se).ravel()
        out["df"] = df.ravel()
        out["n"] = (s.N * mask).sum(axis=0).ravel().astype(np.int64)
        out["periods"] = cnt.ravel().astype(np.int64)
        out["at"] = at
        out["design_se"] = np.sqrt(vdes).ravel()
        out["sigma_line"] = np.sqrt(sigma2).ravel()
        out.attrs.update(
            level=float(confidence),
            method=self._method("linear extrapolation")
            + "; prediction interval adds the scatter of the true values around the line",
            notes=list(s.notes) + self._absent_notes(s),
            dropped_codes=list(s.dropped),
            at=at,
        )
        return out


@dataclasses.dataclass(eq=False)
class _Setup:
    """One instrument and breakdown on the combined design: the period figures and influence."""

    inst: Instrument
    model: IndexModel
    by: list[str]
    dom: object
    D: int
    P: int
    cell: np.ndarray
    res: object
    z: np.ndarray
    E: np.ndarray
    N: np.ndarray
    V: np.ndarray
    dropped: list[str]
    notes: list[str]
    reps: list[np.ndarray] | None = None  # replicate waves: each group's (R, P*D, m) figures
