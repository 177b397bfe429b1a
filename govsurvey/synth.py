"""Synthetic population and survey with known truth, modelled on a SIPAS survey of Hà Nội.

:func:`simulate` builds a synthetic city (30 districts, 15–25 wards or communes each), a one-year
register of completed dossiers (about 700,000 units), the latent answer of every person in the
register to every item of the instrument, and then draws a sample the way a SIPAS survey office
does: stratified by district, wards drawn by simple random sampling without replacement as primary
sampling units, dossiers drawn systematically from the ward's register in random order, a survey
mode assigned to each, and nonresponse by a chosen mechanism. The returned :class:`Simulation`
knows the population value of every index figure (:meth:`Simulation.truth_index`), so estimators
can be checked against it.

The structural model
--------------------
For unit *i* and component *k* the latent quality is::

    q_ik = mu_k + district_dk + ward_wk + field_fk + level_l + person_i + halo_i + noise_ik

District and ward effects have a part shared by the components and a component-specific part,
so components are correlated; ``halo_i`` is a person's general disposition. Criterion *j* of
component *k* is answered ``1 + #{c : q_ik + e_ij > cut_c + shift_j}`` on the 1–5 scale, with
criterion-specific ``shift_j``. A criterion-specific share of people answer 8 ("don't know / not
applicable"); for the feedback component most of them are the people who never gave feedback.
Overall satisfaction is ``overall* = sum_k w_k s_ik + e_i`` cut into 1–5, where ``s_ik`` is the
mean of the person's valid answers in component *k* and the known weights ``w_k`` (stored in
``params["overall_weights"]``) are renormalised over the components a person could judge.
Assessment items (trips, late result, apology, harassment, informal payment) and expectations are
threshold models on the procedures and civil-servant components.

Reproducibility
---------------
Every random number comes from ``numpy.random.default_rng`` seeded by ``[seed, stream]`` (and
``sample_seed`` for a sample). All decisions are a uniform or normal draw compared with a
threshold after additions and multiplications only (IEEE-exact, no fused operations); numpy's
vectorised ``exp``/``log`` — whose last bit may depend on the CPU's SIMD code — are never used
on a value that is then thresholded (response propensities are probit, not logit). Latent values
are rounded to 6 decimals before any comparison, so an ulp of difference could only matter for a
value within 1e-16 of a rounding boundary. The only transcendental calls are the libm ``exp`` in
the rare wedge steps of numpy's ziggurat normal sampler, whose accept/reject decision would change
only for a draw within an ulp of the wedge boundary. Population reductions use integer counts and
fixed-order sums, so the truth and the CSV files are the same on every machine; the one
floating-point reduction (mean and SD of the latent satisfaction, used to standardise it for the
MNAR mechanism) is rounded to 4 decimals. ``response_propensity`` (computed with ``ndtr``) is
reported for reference and never thresholded.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from .index import domain_name
from .instrument import Instrument, load_instrument
from .io import file_sha256

__all__ = ["Simulation", "simulate", "write_default_data", "DISTRICTS", "main"]

logger = logging.getLogger(__name__)

# The 30 district-level units of Hà Nội: 12 urban districts (quận), one town (thị xã) and 17
# rural districts (huyện).
DISTRICTS: tuple[tuple[str, str], ...] = (
    ("Ba Đình", "quan"),
    ("Hoàn Kiếm", "quan"),
    ("Tây Hồ", "quan"),
    ("Long Biên", "quan"),
    ("Cầu Giấy", "quan"),
    ("Đống Đa", "quan"),
    ("Hai Bà Trưng", "quan"),
    ("Hoàng Mai", "quan"),
    ("Thanh Xuân", "quan"),
    ("Nam Từ Liêm", "quan"),
    ("Bắc Từ Liêm", "quan"),
    ("Hà Đông", "quan"),
    ("Sơn Tây", "thi_xa"),
    ("Ba Vì", "huyen"),
    ("Chương Mỹ", "huyen"),
    ("Đan Phượng", "huyen"),
    ("Đông Anh", "huyen"),
    ("Gia Lâm", "huyen"),
    ("Hoài Đức", "huyen"),
    ("Mê Linh", "huyen"),
    ("Mỹ Đức", "huyen"),
    ("Phú Xuyên", "huyen"),
    ("Phúc Thọ", "huyen"),
    ("Quốc Oai", "huyen"),
    ("Sóc Sơn", "huyen"),
    ("Thạch Thất", "huyen"),
    ("Thanh Oai", "huyen"),
    ("Thanh Trì", "huyen"),
    ("Thường Tín", "huyen"),
    ("Ứng Hòa", "huyen"),
)
# Share of people from an ethnic minority among the rural districts' dossiers (Mường, Dao).
_MINORITY = {"Ba Vì": 0.15, "Mỹ Đức": 0.04, "Thạch Thất": 0.03, "Quốc Oai": 0.03, "Sóc Sơn": 0.02}

_SYLLABLES = (
    "An Bình Cát Đại Đông Đức Hòa Hồng Hưng Khánh Kim Lạc Liên Long Minh Nam Ngọc Nghĩa Phú "
    "Phúc Phương Quang Sơn Tân Thạch Thanh Thành Thượng Tiên Trung Vạn Văn Vĩnh Xuân Yên Hạ Hà "
    "Lâm Mỹ Phong"
).split()
_FAMILY = ("Nguyễn Trần Lê Phạm Hoàng Phan Vũ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh").split()
_FAMILY_P = (
    0.38,
    0.11,
    0.095,
    0.07,
    0.05,
    0.045,
    0.04,
    0.035,
    0.035,
    0.03,
    0.025,
    0.02,
    0.02,
    0.015,
    0.015,
    0.015,
)
_MIDDLE = {
    "male": ("Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh"),
    "female": ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng", "Thúy", "Phương"),
}
_GIVEN = {
    "male": (
        "Anh Bình Cường Dũng Đạt Hải Hiếu Hùng Huy Khoa Long Minh Nam Phong Quân Sơn Thắng "
        "Thành Trung Tuấn Việt Vinh"
    ).split(),
    "female": (
        "Anh Chi Dung Giang Hà Hằng Hoa Hương Lan Linh Mai Ngọc Nhung Phương Quỳnh Thảo "
        "Trang Tuyết Vân Yến Hạnh Loan"
    ).split(),
}
_PHONE_PREFIX = (
    "090",
    "091",
    "093",
    "094",
    "096",
    "097",
    "098",
    "032",
    "033",
    "035",
    "038",
    "086",
    "088",
    "070",
    "079",
    "081",
)

# ------------------------------------------------------------------ structural parameters
# Keyed by the instrument's codes (component, field, level, mode, ...). Components not listed
# here get the neutral values; categorical codes must be among those the instrument declares.
_COMPONENT = {
    #      mean shift, don't-know share, overall weight
    "C1": (0.02, 0.020, 0.15),
    "C2": (0.00, 0.030, 0.25),
    "C3": (0.06, 0.015, 0.30),
    "C4": (0.08, 0.025, 0.20),
    "C5": (-0.18, 0.030, 0.10),
}
_FEEDBACK_COMPONENT = "C5"  # its criteria need the person to have given feedback
_FEEDBACK_GIVEN = 0.50  # share of people who ever gave feedback (before characteristics)
_FEEDBACK_DK = (0.30, 0.88)  # P(don't know | no feedback given): first criterion, the others
_CUTS = (-2.55, -1.85, -1.05, 1.05)  # cut points of criterion answers 1|2, 2|3, 3|4, 4|5
_OVERALL_CUTS = (2.35, 2.95, 3.52, 4.45)
_SD = {
    "district_shared": 0.28,
    "district_component": 0.12,
    "ward_shared": 0.17,
    "ward_component": 0.08,
    "halo": 0.55,
    "person_component": 0.42,
    "criterion": 0.55,
    "criterion_shift": 0.12,
    "overall": 0.32,
}
_RURAL_SHIFT = 0.12  # rural people rate services a little higher
_FIELD_EFFECT = {  # shared effect, extra effect on procedures (C2) and result (C4)
    "civil_registration": (0.15, 0.05),
    "land": (-0.30, -0.20),
    "construction": (-0.15, -0.10),
    "certification": (0.12, 0.05),
    "business": (-0.02, 0.00),
    "labour_social": (0.05, 0.00),
}
_LEVEL_EFFECT = {"commune": 0.06, "district": -0.02, "province": -0.08}
_AGE_EFFECT = {"18-29": -0.08, "30-44": -0.02, "45-59": 0.05, "60+": 0.15}
_EDU_EFFECT = {"primary": 0.10, "secondary": 0.03, "vocational": 0.0, "university": -0.12}
_FIELD_MIX = {  # urban, rural shares of dossiers by field
    "civil_registration": (0.28, 0.30),
    "land": (0.14, 0.27),
    "construction": (0.10, 0.07),
    "certification": (0.27, 0.21),
    "business": (0.13, 0.05),
    "labour_social": (0.08, 0.10),
}
_LEVEL_MIX = {  # commune, district, province shares by field
    "civil_registration": (0.85, 0.14, 0.01),
    "land": (0.45, 0.52, 0.03),
    "construction": (0.15, 0.65, 0.20),
    "certification": (0.75, 0.24, 0.01),
    "business": (0.05, 0.55, 0.40),
    "labour_social": (0.55, 0.40, 0.05),
}
_AGE_MIX = {"urban": (0.26, 0.36, 0.24, 0.14), "rural": (0.20, 0.33, 0.28, 0.19)}
_EDU_MIX = {  # primary, secondary, vocational, university by area and age group
    ("urban", "18-29"): (0.02, 0.20, 0.20, 0.58),
    ("urban", "30-44"): (0.03, 0.25, 0.20, 0.52),
    ("urban", "45-59"): (0.06, 0.38, 0.22, 0.34),
    ("urban", "60+"): (0.15, 0.45, 0.18, 0.22),
    ("rural", "18-29"): (0.06, 0.48, 0.25, 0.21),
    ("rural", "30-44"): (0.12, 0.55, 0.19, 0.14),
    ("rural", "45-59"): (0.25, 0.55, 0.12, 0.08),
    ("rural", "60+"): (0.45, 0.43, 0.07, 0.05),
}
_OCC_MIX = {  # farmer, worker, business, public, private, retired_other by area, 60+, university
    ("urban", False, False): (0.02, 0.22, 0.30, 0.06, 0.28, 0.12),
    ("urban", False, True): (0.00, 0.05, 0.20, 0.25, 0.45, 0.05),
    ("urban", True, False): (0.02, 0.03, 0.15, 0.02, 0.03, 0.75),
    ("urban", True, True): (0.00, 0.01, 0.10, 0.06, 0.05, 0.78),
    ("rural", False, False): (0.45, 0.20, 0.15, 0.03, 0.10, 0.07),
    ("rural", False, True): (0.08, 0.08, 0.17, 0.32, 0.30, 0.05),
    ("rural", True, False): (0.45, 0.03, 0.08, 0.01, 0.01, 0.42),
    ("rural", True, True): (0.10, 0.02, 0.08, 0.10, 0.05, 0.65),
}
_FEMALE = {"urban": 0.53, "rural": 0.49}
_MODE_MIX = {  # post, handout, online, phone, face_to_face by area and age group
    ("urban", "18-29"): (0.12, 0.30, 0.38, 0.10, 0.10),
    ("urban", "30-44"): (0.18, 0.35, 0.27, 0.10, 0.10),
    ("urban", "45-59"): (0.28, 0.40, 0.12, 0.10, 0.10),
    ("urban", "60+"): (0.35, 0.35, 0.02, 0.13, 0.15),
    ("rural", "18-29"): (0.20, 0.45, 0.15, 0.10, 0.10),
    ("rural", "30-44"): (0.25, 0.45, 0.10, 0.10, 0.10),
    ("rural", "45-59"): (0.30, 0.45, 0.05, 0.08, 0.12),
    ("rural", "60+"): (0.30, 0.45, 0.01, 0.09, 0.15),
}
# Probit response model: P(respond) = Phi(base + age + mode + field + area [+ mnar * z_sat]).
_RESPONSE = {
    "base": 0.30,
    "age": {"18-29": -0.35, "30-44": -0.12, "45-59": 0.08, "60+": 0.28},
    "mode": {"post": -0.40, "handout": 0.35, "online": -0.55, "phone": -0.10, "face_to_face": 0.65},
    "field": {
        "civil_registration": 0.10,
        "land": -0.18,
        "construction": -0.10,
        "certification": 0.05,
        "business": -0.12,
        "labour_social": 0.10,
    },
    "area": {"urban": -0.08, "rural": 0.12},
    "mnar": 0.45,
}
_ITEM_NONRESPONSE = 0.01  # share of code 9 among respondents' scale answers (x1.5 for 60+)
# Expectations: option column -> (component whose low quality drives it, slope, cut).
_EXPECT = {
    "exp_facilities": ("C1", 0.8, 1.10),
    "exp_procedures": ("C2", 0.8, 0.55),
    "exp_attitude": ("C3", 0.9, 1.15),
    "exp_time": ("late", 1.2, 0.75),
    "exp_online": ("online", 0.6, 0.65),
    "exp_feedback": ("C5", 0.7, 1.35),
}


def _codes(inst: Instrument, var: str) -> list[str]:
    """The codes of a categorical variable, in the instrument's order."""
    codes = inst.variables.get(var, {}).get("codes")
    if not codes:
        raise ValueError(f"instrument {inst.name!r} declares no codes for variable {var!r}")
    return [str(c) for c in codes]


def _table(spec: dict, codes: list[str], what: str) -> np.ndarray:
    """Rows of ``spec`` in the instrument's code order, checking the codes agree."""
    missing = [c for c in codes if c not in spec]
    if missing:
        raise ValueError(f"the synthetic model has no {what} for codes {missing}")
    return np.array([spec[c] for c in codes], dtype=float)


def _draw(u: np.ndarray, probs: np.ndarray, group: np.ndarray | None = None) -> np.ndarray:
    """Categorical draws from uniforms ``u``: row ``group`` of ``probs`` (rows sum to 1)."""
    cum = np.cumsum(probs / probs.sum(axis=-1, keepdims=True), axis=-1)[..., :-1]
    cum = np.round(cum, 9)
    if group is None:
        return np.searchsorted(cum, u, side="right").astype(np.int8)
    out = np.zeros(u.shape[0], dtype=np.int8)
    for c in range(cum.shape[1]):
        out += u >= cum[group, c]
    return out


def _ordinal(latent: np.ndarray, cuts: Sequence[float]) -> np.ndarray:
    """``1 + #{cuts below latent}`` as int8."""
    out = np.ones(latent.shape, dtype=np.int8)
    for c in cuts:
        out += latent > c
    return out


def _r6(x: np.ndarray) -> np.ndarray:
    return np.round(x, 6)


# ------------------------------------------------------------------ the simulation object
@dataclass(eq=False)
class Simulation:
    """A synthetic population, one sample drawn from it, and the truth.

    Attributes
    ----------
    population : DataFrame
        One row per dossier of the one-year register: district, ward (name), ``psu`` (ward id),
        area, field, level, the person's characteristics, personal data (``full_name``,
        ``phone``), every latent answer (22 criteria with code 8 for don't know, overall,
        assessment, expectations) and ``latent_satisfaction`` (the continuous overall score).
    responses : DataFrame
        The drawn sample as a survey file holds it, nonrespondents included (``responded`` 0,
        answers and questionnaire-only characteristics blank).
    params : dict
        Everything the population and sample were made from, including ``overall_weights``
        (component -> known weight of the overall-satisfaction model).
    instrument : Instrument
    seed, sample_seed : int
    nonresponse : str
        ``"none"``, ``"mar"`` or ``"mnar"``.
    sample_index : ndarray
        Row positions in ``population`` of the drawn units, in the order of ``responses``.
    response_propensity : ndarray
        Each drawn unit's true probability of responding under the mechanism (probit model of
        ``params["response_model"]``; 1 under ``"none"``), in the order of ``responses`` — the
        known truth for propensity models.
    """

    population: pd.DataFrame
    responses: pd.DataFrame
    params: dict[str, Any]
    instrument: Instrument
    seed: int
    sample_seed: int
    nonresponse: str
    sample_index: np.ndarray
    response_propensity: np.ndarray
    _cache: dict[str, Any] = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"Simulation(seed={self.seed}, sample_seed={self.sample_seed}, "
            f"nonresponse={self.nonresponse!r}, population={len(self.population)} dossiers, "
            f"responses={len(self.responses)} forms, "
            f"{int(self.responses['responded'].sum())} responded)"
        )

    # ---------------------------------------------------------------- sampling
    def redraw(self, sample_seed: int, nonresponse: str | None = None) -> Simulation:
        """A new sample (and nonresponse) from the same population.

        Parameters
        ----------
        sample_seed : int
            Seed of the sample; the population stays the one of ``self.seed``.
        nonresponse : {"none", "mar", "mnar"}, optional
            The mechanism; by default the one of this simulation.

        Returns
        -------
        Simulation
            Sharing ``population`` (not copied) with this one.

        Examples
        --------
        >>> from govsurvey.synth import simulate
        >>> sim = simulate(seed=7)
        >>> other = sim.redraw(sample_seed=1)
        >>> other.population is sim.population, len(other.responses) == len(sim.responses)
        (True, True)
        """
        nonresponse = self.nonresponse if nonresponse is None else nonresponse
        _check_nonresponse(nonresponse)
        idx, responses, prop = _draw_sample(
            self._cache,
            self.population,
            self.params,
            self.instrument,
            self.seed,
            int(sample_seed),
            nonresponse,
        )
        return Simulation(
            self.population,
            responses,
            self.params,
            self.instrument,
            self.seed,
            int(sample_seed),
            nonresponse,
            idx,
            prop,
            self._cache,
        )

    @property
    def respondents(self) -> pd.DataFrame:
        """The rows of ``responses`` with ``responded == 1``."""
        return self.responses[self.responses["responded"] == 1].reset_index(drop=True)

    def design(self) -> Any:
        """The :class:`~govsurvey.design.Design` of the respondents, as the office declares it.

        Two stages, stratified by district: wards (``psu``) drawn without replacement from the
        ``fpc1`` wards of their district, dossiers (``respondent_id``) from the ``fpc2`` of their
        ward; weights are the base weights (no nonresponse adjustment).

        Returns
        -------
        govsurvey.design.Design

        Examples
        --------
        >>> from govsurvey.synth import simulate
        >>> d = simulate(seed=7).design()
        >>> type(d).__name__, d.data["responded"].eq(1).all()
        ('Design', np.True_)
        """
        from .design import Design

        return Design(
            self.respondents,
            weights="base_weight",
            strata="stratum",
            psu=["psu", "respondent_id"],
            fpc=["fpc1", "fpc2"],
        )

    # ---------------------------------------------------------------- truth
    def truth_index(self, by: str | Sequence[str] | None = None) -> pd.DataFrame:
        """The population value of every index figure, as percentages.

        Criterion rate = share of valid answers (1–5; 8 and 9 excluded) that are 4 or 5;
        component index = mean of its criterion rates; ``SIPAS`` = the instrument-weighted mean
        of the component indices. Computed directly from ``population`` with pandas.

        Parameters
        ----------
        by : str or list of str, optional
            Population columns defining domains (district, ward, psu, field, level, area, sex, …).
            A domain column whose name clashes with a result column (``level``, ``code``,
            ``estimate``, ``N``) is returned as ``<name>_domain``.

        Returns
        -------
        DataFrame
            Columns ``[*by, "level", "code", "estimate", "N"]``; ``level`` is ``"criterion"``,
            ``"component"`` or ``"overall"``; ``N`` is the number of population units in the
            domain. Per domain: the criteria, then the components, then ``SIPAS``.

        Examples
        --------
        >>> from govsurvey.synth import simulate
        >>> sim = simulate(seed=7)
        >>> t = sim.truth_index()
        >>> t.loc[t["code"] == "SIPAS", "level"].item()
        'overall'
        >>> sorted(sim.truth_index(by="level").columns)[:3]
        ['N', 'code', 'estimate']
        """
        by_cols = _by_list(by, self.population)
        inst = self.instrument
        pop = self.population
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

    def truth_assessment(self, by: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Population values of the other items: overall item, assessment and expectations.

        ``overall_satisfied`` = share of valid overall answers that are 4 or 5 (percent);
        ``trips`` = mean number of trips; ``late_result``, ``harassment``,
        ``informal_payment`` = percent answering yes (code 1); ``apology`` = percent yes among
        those whose result was late; each expectation column = percent selecting it.

        Parameters
        ----------
        by : str or list of str, optional
            Population columns defining domains.

        Returns
        -------
        DataFrame
            Columns ``[*by, "variable", "estimate", "N"]``.

        Examples
        --------
        >>> from govsurvey.synth import simulate
        >>> t = simulate(seed=7).truth_assessment()
        >>> "informal_payment" in set(t["variable"])
        True
        """
        by_cols = _by_list(by, self.population)
        pop = self.population
        inst = self.instrument
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
        est = np.column_stack(
            [sums[f"a|{k}"].to_numpy() / sums[f"b|{k}"].to_numpy() for k in names]
        )
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

    def frame(self) -> pd.DataFrame:
        """The sampling frame as a survey office holds it: counts, no personal data.

        Returns
        -------
        DataFrame
            Columns ``district, psu, area, field, level, sex, age_group, N`` with ``N`` the
            number of dossiers in each non-empty cell (ward names: :meth:`wards`).

        Examples
        --------
        >>> from govsurvey.synth import simulate
        >>> sim = simulate(seed=7)
        >>> int(sim.frame()["N"].sum()) == len(sim.population)
        True
        """
        cols = ["district", "psu", "area", "field", "level", "sex", "age_group"]
        pop = self.population
        keys = ["psu", "field", "level", "sex", "age_group"]
        out = pop.groupby(keys, observed=True, sort=True).size().rename("N").reset_index()
        wards = self._cache["wards"].set_index("psu")
        out["district"] = wards.loc[out["psu"].astype(str), "district"].to_numpy()
        out["area"] = wards.loc[out["psu"].astype(str), "area"].to_numpy()
        out = out[cols + ["N"]]
        for c in cols:
            out[c] = out[c].astype(str)
        return out

    def wards(self) -> pd.DataFrame:
        """The frame of primary sampling units: one row per ward.

        Returns
        -------
        DataFrame
            Columns ``district, ward, psu, area, N`` (dossiers in the ward's register) and
            ``wards_in_district``.

        Examples
        --------
        >>> from govsurvey.synth import simulate
        >>> len(simulate(seed=7).wards()) > 30 * 15 - 1
        True
        """
        out = self._cache["wards"].copy()
        out["wards_in_district"] = self._cache["n_wards_d"][self._cache["ward_district"]]
        return out


def _check_nonresponse(nonresponse: str) -> None:
    if nonresponse not in ("none", "mar", "mnar"):
        raise ValueError(f"nonresponse must be 'none', 'mar' or 'mnar', not {nonresponse!r}")


def _by_list(by: str | Sequence[str] | None, pop: pd.DataFrame) -> list[str]:
    if by is None:
        return []
    by_cols = [by] if isinstance(by, str) else list(by)
    unknown = [b for b in by_cols if b not in pop.columns]
    if unknown:
        raise ValueError(
            f"by names columns {unknown} that the population does not have; "
            f"use some of {list(pop.columns[:12])}"
        )
    return by_cols


# ------------------------------------------------------------------ building the population
def _build_population(inst: Instrument, seed: int) -> tuple[pd.DataFrame, dict, dict]:
    """The synthetic city, its register and every latent answer. Returns (population, params,
    cache)."""
    rng = np.random.default_rng([int(seed), 0])
    struct = np.random.default_rng([20171010, 0])  # fixed: criterion shifts, same for all seeds
    comps = inst.components
    K = len(comps)
    fields = _codes(inst, "field")
    levels = _codes(inst, "level")
    ages = _codes(inst, "age_group")
    edus = _codes(inst, "education")
    occs = _codes(inst, "occupation")
    sexes = _codes(inst, "sex")
    areas = _codes(inst, "area")
    eths = _codes(inst, "ethnicity")
    if sexes != ["male", "female"] or areas != ["urban", "rural"] or eths[0] != "kinh":
        raise ValueError(
            "the synthetic model needs sex (male, female), area (urban, rural) and "
            "ethnicity (kinh first) codes as in sipas-2017"
        )

    # --- districts and wards
    D = len(DISTRICTS)
    d_names = [n for n, _ in DISTRICTS]
    d_kind = np.array([k for _, k in DISTRICTS])
    n_w = rng.integers(15, 26, size=D)
    ward_d = np.repeat(np.arange(D), n_w)
    W = int(n_w.sum())
    pos = np.arange(W) - np.repeat(np.cumsum(n_w) - n_w, n_w)  # position within district
    n_towns = rng.integers(1, 3, size=D)  # thị trấn of a huyện
    kind = d_kind[ward_d]
    urban_w = (
        (kind == "quan")
        | ((kind == "thi_xa") & (pos < np.round(0.6 * n_w[ward_d])))
        | ((kind == "huyen") & (pos < n_towns[ward_d]))
    )
    size_w = np.where(urban_w, rng.integers(900, 2201, size=W), rng.integers(500, 1301, size=W))
    pairs = np.array(
        [(a, b) for a in range(len(_SYLLABLES)) for b in range(len(_SYLLABLES)) if a != b]
    )
    # ward names unique across the city (real ones repeat, but unique labels are kinder to users)
    pick = rng.choice(len(pairs), size=W, replace=False)
    prefix = np.where(urban_w, np.where(kind == "huyen", "Thị trấn", "Phường"), "Xã")
    syl = np.array(_SYLLABLES, dtype=object)
    ward_names = list(prefix.astype(object) + " " + syl[pairs[pick, 0]] + " " + syl[pairs[pick, 1]])
    psu_ids = [f"D{d + 1:02d}W{p + 1:02d}" for d, p in zip(ward_d, pos, strict=True)]
    wards = pd.DataFrame(
        {
            "district": [d_names[d] for d in ward_d],
            "ward": ward_names,
            "psu": psu_ids,
            "area": np.where(urban_w, "urban", "rural"),
            "N": size_w.astype(np.int64),
        }
    )
    N = int(size_w.sum())
    unit_w = np.repeat(np.arange(W), size_w)
    unit_d = ward_d[unit_w]
    rural = (~urban_w[unit_w]).astype(np.int8)  # area code: 0 urban, 1 rural
    logger.info("synthetic register: %d districts, %d wards, %d dossiers", D, W, N)

    # --- people and their dossiers
    u = rng.random((N, 8))
    female = u[:, 0] < np.array([_FEMALE["urban"], _FEMALE["rural"]])[rural]
    sex = female.astype(np.int8)
    age = _draw(u[:, 1], np.array([_AGE_MIX["urban"], _AGE_MIX["rural"]]), rural)
    edu_tab = np.array([[_EDU_MIX[(a, g)] for g in ages] for a in areas]).reshape(-1, len(edus))
    edu = _draw(u[:, 2], edu_tab, rural * len(ages) + age)
    univ = edus.index("university")
    occ_tab = np.array(
        [_OCC_MIX[(a, o, v)] for a in areas for o in (False, True) for v in (False, True)]
    )
    old = (age == ages.index("60+")).astype(np.int64)
    occ = _draw(u[:, 3], occ_tab, rural * 4 + old * 2 + (edu == univ))
    minority = np.array([_MINORITY.get(n, 0.005) for n in d_names])
    eth = (u[:, 4] < np.where(rural == 1, minority[unit_d], 0.005)).astype(np.int8)
    fmix = _table(_FIELD_MIX, fields, "field mix")
    fld = _draw(u[:, 5], fmix.T, rural)
    lvl = _draw(u[:, 6], _table(_LEVEL_MIX, fields, "level mix"), fld)
    gave_feedback_u = u[:, 7]

    # --- latent quality by component
    cparams = np.array([_COMPONENT.get(c.code, (0.0, 0.02, 1.0)) for c in comps])
    mu = cparams[:, 0]
    dk_rate = cparams[:, 1]
    ow = np.round(cparams[:, 2] / cparams[:, 2].sum(), 12)
    # district effects: normal, clipped at +-2 sd so that no seed makes an absurd district
    d_eff = _SD["district_shared"] * np.clip(rng.standard_normal(D), -2.0, 2.0)[:, None] + _SD[
        "district_component"
    ] * rng.standard_normal((D, K))
    w_eff = _SD["ward_shared"] * rng.standard_normal(W)[:, None] + _SD[
        "ward_component"
    ] * rng.standard_normal((W, K))
    f_tab = _table(_FIELD_EFFECT, fields, "field effect")
    f_eff = np.repeat(f_tab[:, :1], K, axis=1)
    for k, c in enumerate(comps):
        if c.code in ("C2", "C4"):
            f_eff[:, k] += f_tab[:, 1]
    l_eff = _table(_LEVEL_EFFECT, levels, "level effect")
    p_eff = (
        _table(_AGE_EFFECT, ages, "age effect")[age]
        + _table(_EDU_EFFECT, edus, "education effect")[edu]
        + _RURAL_SHIFT * rural
    )
    halo = _SD["halo"] * rng.standard_normal(N)
    base = _r6(p_eff + halo + l_eff[lvl])
    q = np.empty((N, K))
    for k in range(K):
        q[:, k] = _r6(
            mu[k]
            + d_eff[unit_d, k]
            + w_eff[unit_w, k]
            + f_eff[fld, k]
            + base
            + _SD["person_component"] * rng.standard_normal(N)
        )

    # --- criterion answers (with don't know)
    shifts = {
        c.code: float(np.round(_SD["criterion_shift"] * struct.standard_normal(), 3))
        for c in inst.criteria
    }
    dk_factor = {c.code: float(np.round(struct.uniform(0.5, 1.6), 3)) for c in inst.criteria}
    dk_person = 1.0 + 0.5 * (age == ages.index("60+")) + 0.5 * (edu == edus.index("primary"))
    gave_feedback = gave_feedback_u < np.round(
        _FEEDBACK_GIVEN * (1.0 + 0.25 * (edu == univ) - 0.25 * old), 6
    )
    data: dict[str, Any] = {}
    dk_shares = {}
    for k, comp in enumerate(comps):
        for j, c in enumerate(comp.criteria):
            y = _r6(q[:, k] + _SD["criterion"] * rng.standard_normal(N))
            ans = _ordinal(y, [round(t + shifts[c.code], 6) for t in _CUTS])
            p_dk = np.round(dk_rate[k] * dk_factor[c.code] * dk_person, 6)
            if comp.code == _FEEDBACK_COMPONENT:
                p_dk = np.where(gave_feedback, p_dk, _FEEDBACK_DK[0 if j == 0 else 1])
            ans[rng.random(N) < p_dk] = 8
            data[c.column] = ans
            dk_shares[c.code] = (
                _FEEDBACK_DK[0 if j == 0 else 1]
                if comp.code == _FEEDBACK_COMPONENT
                else float(np.round(dk_rate[k] * dk_factor[c.code], 6))
            )

    # --- overall satisfaction: weighted mean of the component scores a person could judge
    num = np.zeros(N)
    den = np.zeros(N)
    for k, comp in enumerate(comps):
        ssum = np.zeros(N)
        cnt = np.zeros(N)
        for c in comp.criteria:
            a = data[c.column]
            ok = a <= inst.scale_max
            ssum = ssum + np.where(ok, a, 0)
            cnt = cnt + ok
        has = cnt > 0
        score = np.where(has, ssum / np.maximum(cnt, 1), 0.0)
        num = num + np.where(has, ow[k] * score, 0.0)
        den = den + np.where(has, ow[k], 0.0)
    judged = np.where(den > 0, num / np.where(den > 0, den, 1.0), 4.0)
    latent_sat = _r6(judged + _SD["overall"] * rng.standard_normal(N))
    data[inst.overall_column] = _ordinal(latent_sat, _OVERALL_CUTS)

    # --- assessment items, tied to procedures (C2) and civil servants (C3)
    code_of = {c.code: k for k, c in enumerate(comps)}
    z2 = q[:, code_of.get("C2", 0)] - mu[code_of.get("C2", 0)]
    z3 = q[:, code_of.get("C3", 0)] - mu[code_of.get("C3", 0)]
    e = rng.standard_normal((N, 5))
    trips_l = _r6(-0.9 * z2 + e[:, 0])
    late = _r6(-0.8 * z2 + e[:, 1]) > 1.55
    apol = _r6(0.6 * z3 + e[:, 2]) > 0.45
    harass_l = _r6(-0.9 * z3 + e[:, 3])
    harass = harass_l > 2.15
    informal = _r6(-0.9 * z3 + 0.5 * e[:, 3] + 0.85 * e[:, 4]) > 2.3
    assess = {
        "trips": _ordinal(trips_l, (0.95, 1.95, 2.6, 3.2, 3.7)),
        "late_result": np.where(late, 1, 2).astype(np.int8),
        "apology": np.where(late, np.where(apol, 1, 2), 0).astype(np.int8),
        "harassment": np.where(harass, 1, 2).astype(np.int8),
        "informal_payment": np.where(informal, 1, 2).astype(np.int8),
    }
    for item in inst.assessment:
        if item["column"] not in assess:
            raise ValueError(
                f"the synthetic model does not know assessment item {item['column']!r}"
            )
        data[item["column"]] = assess[item["column"]]

    # --- expectations (multi-select 0/1)
    ex = rng.standard_normal((N, len(inst.expectation_columns)))
    drivers = {c.code: q[:, k] - mu[k] for k, c in enumerate(comps)}
    drivers["late"] = np.where(late, -1.0, 0.0)
    young = (age <= ages.index("30-44")).astype(float)
    drivers["online"] = -(0.6 * young + 0.6 * (edu == univ) - 0.4 * rural - 0.5)
    for j, col in enumerate(inst.expectation_columns):
        drv, slope, cut = _EXPECT.get(col, (None, 0.0, 0.7))
        x = 0.0 if drv is None else -slope * drivers[drv]
        data[col] = (_r6(x + ex[:, j]) > cut).astype(np.int8)

    # --- personal data (obviously synthetic)
    fam = _draw(rng.random(N), np.array(_FAMILY_P))
    mid = rng.integers(0, 8, size=N)
    giv = rng.integers(0, len(_GIVEN["male"]), size=N)
    name_cats = [
        f"{f} {_MIDDLE[s][m]} {_GIVEN[s][g]}"
        for s in ("male", "female")
        for f in _FAMILY
        for m in range(8)
        for g in range(len(_GIVEN["male"]))
    ]
    name_code = ((sex * len(_FAMILY) + fam) * 8 + mid) * len(_GIVEN["male"]) + giv
    phone_pre = rng.integers(0, len(_PHONE_PREFIX), size=N)
    phone_num = rng.integers(0, 10**7, size=N)

    cat = pd.Categorical.from_codes
    pop = pd.DataFrame(
        {
            "unit_id": np.arange(1, N + 1, dtype=np.int64),
            "district": cat(unit_d, categories=d_names),
            "ward": cat(unit_w, categories=ward_names),
            "psu": cat(unit_w, categories=psu_ids),
            "area": cat(rural, categories=areas),
            "field": cat(fld, categories=fields),
            "level": cat(lvl, categories=levels),
            "sex": cat(sex, categories=sexes),
            "age_group": cat(age, categories=ages),
            "education": cat(edu, categories=edus),
            "occupation": cat(occ, categories=occs),
            "ethnicity": cat(eth, categories=eths),
        }
    )
    for col, vals in data.items():
        pop[col] = vals
    pop["latent_satisfaction"] = latent_sat
    pop["gave_feedback"] = gave_feedback.astype(np.int8)
    uniq, inverse = np.unique(np.array(name_cats, dtype=object), return_inverse=True)
    pop["full_name"] = cat(inverse[name_code], categories=uniq)
    pop["phone"] = pd.Series(np.array(_PHONE_PREFIX, dtype=object)[phone_pre]) + pd.Series(
        phone_num
    ).astype(str).str.zfill(7)

    params = {
        "seed": int(seed),
        "n_districts": D,
        "n_wards": W,
        "population_size": N,
        "overall_weights": {c.code: float(ow[k]) for k, c in enumerate(comps)},
        "overall_cuts": _OVERALL_CUTS,
        "criterion_cuts": _CUTS,
        "criterion_shifts": shifts,
        "dont_know_base": dk_shares,
        "component_means": {c.code: float(mu[k]) for k, c in enumerate(comps)},
        "sd": dict(_SD),
        "district_effects": pd.DataFrame(d_eff, index=d_names, columns=[c.code for c in comps]),
        "response_model": _RESPONSE,
        "item_nonresponse": _ITEM_NONRESPONSE,
    }
    sat_mean = float(np.round(latent_sat.mean(), 4))
    sat_sd = float(np.round(latent_sat.std(), 4))
    params["latent_satisfaction_mean_sd"] = (sat_mean, sat_sd)
    start = np.cumsum(size_w) - size_w
    answer_columns = (
        inst.scale_columns + [it["column"] for it in inst.assessment] + inst.expectation_columns
    )
    categorical = {
        col: np.asarray(pop[col].cat.categories, dtype=object)[pop[col].cat.codes.to_numpy()]
        for col in [
            "field",
            "level",
            "sex",
            "age_group",
            "education",
            "occupation",
            "ethnicity",
            "area",
            "full_name",
        ]
    }
    cache = {
        "answer_columns": answer_columns,
        "answers": np.column_stack([pop[c].to_numpy() for c in answer_columns]).astype(np.int8),
        "categorical": categorical,
        "phone": pop["phone"].to_numpy(dtype=object),
        "wards": wards,
        "ward_district": ward_d,
        "n_wards_d": n_w,
        "ward_size": size_w.astype(np.int64),
        "ward_start": start.astype(np.int64),
        "d_names": d_names,
        "rural": rural,
        "age": age,
        "field": fld,
        "z_sat": _r6((latent_sat - sat_mean) / sat_sd),
    }
    return pop, params, cache


def _m_default(n_w: np.ndarray) -> np.ndarray:
    """Default wards drawn per district: a quarter of its wards, between 4 and 6."""
    return np.clip(np.floor(n_w / 4 + 0.5), 4, 6).astype(np.int64)


def _draw_sample(
    cache: dict,
    pop: pd.DataFrame,
    params: dict,
    inst: Instrument,
    seed: int,
    sample_seed: int,
    nonresponse: str,
) -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
    """Draw one sample: wards by SRSWOR within district, dossiers systematically from each
    drawn ward's register put in random order; modes; nonresponse; item nonresponse."""
    rng = np.random.default_rng([int(seed), 1, int(sample_seed)])
    ward_d = cache["ward_district"]
    n_w = cache["n_wards_d"]
    m = params["wards_per_district"]
    n = params["n_per_ward"]
    W = len(ward_d)
    # stage 1: m_d wards per district by SRSWOR (rank of a uniform key within the district)
    key = rng.random(W)
    order = np.lexsort((key, ward_d))
    rank = np.empty(W, dtype=np.int64)
    rank[order] = np.arange(W) - np.repeat(np.cumsum(n_w) - n_w, n_w)
    chosen = np.flatnonzero(rank < m[ward_d])
    chosen = chosen[np.lexsort((rank[chosen], ward_d[chosen]))]  # by district, draw order
    # stage 2: the ward's register in a fresh random order, then systematic selection with a
    # fractional interval N_w / n from a random start (so the draw is SRSWOR within the ward)
    size = cache["ward_size"][chosen]
    start = cache["ward_start"][chosen]
    interval = size / n
    r = rng.random(len(chosen)) * interval
    pos = np.floor(_r6(r[:, None] + np.arange(n)[None, :] * interval[:, None])).astype(np.int64)
    pos = np.minimum(pos, size[:, None] - 1)
    idx = np.empty((len(chosen), n), dtype=np.int64)
    for i in range(len(chosen)):  # loop over the drawn wards (PSUs), not over units
        idx[i] = start[i] + rng.permutation(size[i])[pos[i]]
    idx = idx.reshape(-1)
    n_s = len(idx)
    ward_of = np.repeat(chosen, n)

    # modes by area and age
    ages = _codes(inst, "age_group")
    modes = _codes(inst, "mode")
    areas = _codes(inst, "area")
    mode_tab = np.array(
        [
            _table(
                {m_: v for m_, v in zip(modes, _MODE_MIX[(a, g)], strict=True)}, modes, "mode mix"
            )
            for a in areas
            for g in ages
        ]
    )
    rural = cache["rural"][idx]
    age = cache["age"][idx]
    mode = _draw(rng.random(n_s), mode_tab, rural * len(ages) + age)

    # nonresponse: probit, P(respond) = Phi(eta)
    z = rng.standard_normal(n_s)
    item_u = rng.random((n_s, len(inst.scale_columns)))
    if nonresponse == "none":
        responded = np.ones(n_s, dtype=bool)
        propensity = np.ones(n_s)
    else:
        fields = _codes(inst, "field")
        eta = (
            _RESPONSE["base"]
            + _table(_RESPONSE["age"], ages, "response")[age]
            + _table(_RESPONSE["mode"], modes, "response")[mode]
            + _table(_RESPONSE["field"], fields, "response")[cache["field"][idx]]
            + _table(_RESPONSE["area"], areas, "response")[rural]
        )
        if nonresponse == "mnar":
            eta = eta + _RESPONSE["mnar"] * cache["z_sat"][idx]
        responded = _r6(eta + z) > 0
        propensity = special.ndtr(eta)  # for reference only: never thresholded

    # assemble the survey file
    wards = cache["wards"]
    d_of = ward_d[ward_of]
    m_of = m[d_of]
    fpc1 = n_w[d_of]
    fpc2 = cache["ward_size"][ward_of]
    cat = cache["categorical"]
    ans = cache["answers"][idx].astype(float)  # every answer column, in cache["answer_columns"]
    acol = {c: j for j, c in enumerate(cache["answer_columns"])}
    p9 = np.round(_ITEM_NONRESPONSE * (1.0 + 0.5 * (age == ages.index("60+"))), 6)
    for j, col in enumerate(inst.scale_columns):
        ans[item_u[:, j] < p9, acol[col]] = 9
    ans[~responded] = np.nan
    cols: dict[str, Any] = {
        "respondent_id": np.arange(1, n_s + 1, dtype=np.int64),
        "district": wards["district"].to_numpy()[ward_of],
        "ward": wards["ward"].to_numpy()[ward_of],
        "field": cat["field"][idx],
        "level": cat["level"][idx],
        "mode": np.array(modes, dtype=object)[mode],
        "responded": responded.astype(np.int64),
        "base_weight": (fpc1 / m_of) * (fpc2 / n),
        "stratum": wards["district"].to_numpy()[ward_of],
        "psu": wards["psu"].to_numpy()[ward_of],
        "fpc1": fpc1.astype(np.int64),
        "fpc2": fpc2.astype(np.int64),
    }
    for col in ["sex", "age_group", "education", "occupation", "ethnicity", "area"]:
        cols[col] = cat[col][idx]
    for col in ["education", "occupation", "ethnicity"]:  # asked on the form only
        cols[col] = np.where(responded, cols[col], np.nan)
    for col in cache["answer_columns"]:
        cols[col] = ans[:, acol[col]]
    cols["full_name"] = cat["full_name"][idx]
    cols["phone"] = cache["phone"][idx]
    out = pd.DataFrame(cols)
    text = ["district", "ward", "field", "level", "mode", "stratum", "psu", "sex", "age_group"]
    text += ["education", "occupation", "ethnicity", "area", "full_name", "phone"]
    for col in text:
        if out[col].dtype != "str":
            out[col] = out[col].astype("str")
    return idx, out, propensity


# ------------------------------------------------------------------ public entry points
def simulate(
    seed: int,
    nonresponse: str = "mar",
    *,
    sample_seed: int = 0,
    wards_per_district: int | Sequence[int] | None = None,
    n_per_ward: int = 50,
    instrument: str | Path | Instrument = "sipas-2017",
) -> Simulation:
    """Build a synthetic city, its register and latent answers, and draw one SIPAS-style sample.

    Parameters
    ----------
    seed : int
        Seed of the population (districts, wards, register, people, answers).
    nonresponse : {"none", "mar", "mnar"}
        ``"none"``: everyone responds. ``"mar"``: response depends on age group, survey mode,
        field and area (probit model in ``params["response_model"]``). ``"mnar"``: as MAR plus
        the person's own latent satisfaction (the less satisfied respond less).
    sample_seed : int, default 0
        Seed of the sample; :meth:`Simulation.redraw` draws others from the same population.
    wards_per_district : int or sequence of int, optional
        Wards drawn (SRSWOR) in each of the 30 districts; by default a quarter of the district's
        wards, between 4 and 6.
    n_per_ward : int, default 50
        Dossiers drawn systematically in each drawn ward.
    instrument : str, Path or Instrument, default "sipas-2017"

    Returns
    -------
    Simulation

    Examples
    --------
    >>> from govsurvey.synth import simulate
    >>> sim = simulate(seed=7, nonresponse="none")
    >>> bool(sim.responses["responded"].eq(1).all())
    True
    >>> t = sim.truth_index(by="district")
    >>> sorted(t["level"].unique())
    ['component', 'criterion', 'overall']
    """
    _check_nonresponse(nonresponse)
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    if n_per_ward < 1:
        raise ValueError(f"n_per_ward must be a positive whole number, not {n_per_ward!r}")
    t0 = time.perf_counter()
    pop, params, cache = _build_population(inst, seed)
    n_w = cache["n_wards_d"]
    if wards_per_district is None:
        m = _m_default(n_w)
    else:
        m = np.broadcast_to(np.asarray(wards_per_district, dtype=np.int64), n_w.shape).copy()
    if (m < 1).any() or (m > n_w).any():
        raise ValueError(
            f"wards_per_district must be between 1 and the district's wards "
            f"({n_w.min()}..{n_w.max()}); got {m.tolist()}"
        )
    if n_per_ward > cache["ward_size"].min():
        raise ValueError(
            f"n_per_ward {n_per_ward} exceeds the smallest ward's register "
            f"({cache['ward_size'].min()} dossiers)"
        )
    params["wards_per_district"] = m
    params["n_per_ward"] = int(n_per_ward)
    t1 = time.perf_counter()
    idx, responses, prop = _draw_sample(cache, pop, params, inst, seed, sample_seed, nonresponse)
    logger.info(
        "population built in %.2f s, sample drawn in %.3f s", t1 - t0, time.perf_counter() - t1
    )
    return Simulation(
        pop, responses, params, inst, int(seed), int(sample_seed), nonresponse, idx, prop, cache
    )


def write_default_data(
    folder: str | Path, seed: int = 2024, nonresponse: str = "mar"
) -> dict[str, str]:
    """Write the embedded synthetic data set (frame, wards, responses, truth, truth_items CSVs).

    Parameters
    ----------
    folder : str or Path
        Created if missing; existing files are overwritten.
    seed : int, default 2024
    nonresponse : {"none", "mar", "mnar"}, default "mar"

    Returns
    -------
    dict
        File name -> SHA-256 of the file written.

    Examples
    --------
    >>> from govsurvey.synth import write_default_data
    >>> sums = write_default_data("data/synthetic")  # doctest: +SKIP
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sim = simulate(seed=seed, nonresponse=nonresponse)
    inst = sim.instrument
    csv = {"index": False, "lineterminator": "\n", "encoding": "utf-8"}
    sim.frame().to_csv(folder / "frame.csv", **csv)
    sim.wards().to_csv(folder / "wards.csv", **csv)
    resp = sim.responses.copy()
    answer_cols = (
        inst.scale_columns + [it["column"] for it in inst.assessment] + inst.expectation_columns
    )
    for col in answer_cols:
        resp[col] = resp[col].astype("Int64")  # written as whole numbers, blank when missing
    resp.to_csv(folder / "responses.csv", **csv)
    parts = []
    for b in (None, "district", "field", "level", "area"):
        t = sim.truth_index(by=b)
        dom_col = t.columns[0] if b else None
        t.insert(0, "breakdown", b or "city")
        t.insert(1, "domain", t.pop(dom_col) if b else "all")
        parts.append(t)
    pd.concat(parts, ignore_index=True).to_csv(folder / "truth.csv", **csv)
    parts = []
    for b in (None, "district", "field", "level", "area"):
        t = sim.truth_assessment(by=b)
        dom_col = t.columns[0] if b else None
        t.insert(0, "breakdown", b or "city")
        t.insert(1, "domain", t.pop(dom_col) if b else "all")
        parts.append(t)
    pd.concat(parts, ignore_index=True).to_csv(folder / "truth_items.csv", **csv)
    names = ["frame.csv", "wards.csv", "responses.csv", "truth.csv", "truth_items.csv"]
    return {n: file_sha256(folder / n) for n in names}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m govsurvey.synth --out data/synthetic``: regenerate the embedded data.

    Examples
    --------
    >>> from govsurvey.synth import main
    >>> main(["--out", "data/synthetic"])  # doctest: +SKIP
    0
    """
    parser = argparse.ArgumentParser(
        prog="python -m govsurvey.synth", description="Regenerate the embedded synthetic data set."
    )
    parser.add_argument("--out", default="data/synthetic", help="folder to write")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--nonresponse", default="mar", choices=["none", "mar", "mnar"])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sums = write_default_data(args.out, seed=args.seed, nonresponse=args.nonresponse)
    for name, digest in sums.items():
        logger.info("%s  %s", digest, name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
