"""The synthetic city over time: yearly survey waves and monthly forms at one-stop desks.

Two generators with known truth, for change, trend and monthly compilation
(:mod:`govsurvey.trends`); they share nothing with the one-year city of :func:`simulate`
(whose outputs they leave unchanged), only its district names and instrument.

The model
---------
For form *i* and criterion *j* the latent quality is::

    q_ij = eta_j + unit_u + change_ut + cluster_c + person_i + e_ij

with ``eta_j`` a criterion's level, ``unit_u`` the district's (or desk's) effect, ``change_ut``
its known change in period *t*, ``cluster_c ~ N(0, sd_cluster²)`` the effect of the sampled
ward (yearly waves) or day (desk forms), ``person_i ~ N(0, sd_person²)`` and
``e_ij ~ N(0, sd_item²)``. The answer is ``1 + #{cuts < q_ij}`` with cuts (−2, −1, 0, 1.2), so
"satisfied" (4 or 5) is ``q_ij > 0``; a criterion-specific share answers 8 (don't know),
independently of ``q``. The clusters are drawn afresh from an unlimited set, so a unit's true
criterion rate is ``Φ((eta_j + unit_u + change_ut) / sd)`` with ``sd² = sd_cluster² +
sd_person² + sd_item²``, and every index figure's truth follows (a component is the mean of its
rates, SIPAS the mean of the components). ``change_ut`` is solved so that the true SIPAS moves
by exactly the stated points: one district rises ``gain`` points a year; one desk falls by
``decline`` points more each month over the last ``decline_months`` months; the rest are flat.
The with-replacement variance of a sample of clusters is then unbiased for that truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special

from govsurvey.config.instrument import Instrument, load_instrument

from .constants import DISTRICTS

__all__ = [
    "DeskForms",
    "YearlyWaves",
    "simulate_desks",
    "simulate_waves",
    "write_over_time_data",
]

CUTS = np.array([-2.0, -1.0, 0.0, 1.2])
SD_CLUSTER, SD_PERSON, SD_ITEM = 0.25, 0.6, 0.7
SD = float(np.sqrt(SD_CLUSTER**2 + SD_PERSON**2 + SD_ITEM**2))


def _structure(inst: Instrument) -> tuple[list[str], list[str], np.ndarray]:
    crit = [c.code for c in inst.criteria]
    comp = [c.code for c in inst.components]
    lin = np.zeros((len(crit), len(crit) + len(comp) + 1))
    lin[:, : len(crit)] = np.eye(len(crit))
    w = inst.component_weights
    for k, c in enumerate(inst.components):
        for x in c.criteria:
            lin[crit.index(x.code), len(crit) + k] = 1.0 / len(c.criteria)
            lin[crit.index(x.code), -1] = w[c.code] / len(c.criteria)
    return crit, comp, lin * 100.0


def _levels(rng: np.random.Generator, inst: Instrument) -> tuple[np.ndarray, np.ndarray]:
    """Criterion levels ``eta_j`` and don't-know shares (feedback criteria more often)."""
    k = len(inst.criteria)
    eta = np.round(1.05 + rng.uniform(-0.3, 0.3, k), 6)
    comp = np.array([c.component for c in inst.criteria])
    dk = np.where(comp == inst.components[-1].code, 0.10, 0.03)
    return eta, dk


def _truth(eta: np.ndarray, shift: np.ndarray, lin: np.ndarray) -> np.ndarray:
    """Every figure's truth for units with latent ``shift`` (shape ``(..., figures)``)."""
    rate = special.ndtr((eta + np.asarray(shift)[..., None]) / SD)
    return rate @ lin


def _shift_for(eta: np.ndarray, lin: np.ndarray, base: float, points: float) -> float:
    """The latent shift that moves the true SIPAS of a unit at ``base`` by ``points``."""
    target = float(_truth(eta, np.array(base), lin)[-1]) + points

    def gap(s: float) -> float:
        return float(_truth(eta, np.array(base + s), lin)[-1]) - target

    return float(optimize.brentq(gap, -6.0, 6.0, xtol=1e-13))


def _answers(
    rng: np.random.Generator, eta: np.ndarray, dk: np.ndarray, mean: np.ndarray, cluster: np.ndarray
) -> np.ndarray:
    """Answers 1–5 (8 don't know) for forms with latent ``mean`` and cluster index, and the
    overall satisfaction item (last column)."""
    n, k = len(mean), len(eta)
    u = rng.normal(0.0, SD_CLUSTER, int(cluster.max()) + 1)
    person = rng.normal(0.0, SD_PERSON, n)
    e = rng.normal(0.0, SD_ITEM, (n, k))
    q = np.round(eta[None, :] + (mean + u[cluster] + person)[:, None] + e, 6)
    ans = 1 + (q[:, :, None] > CUTS).sum(axis=2)
    ans[rng.random((n, k)) < dk[None, :]] = 8
    # overall satisfaction: the form's mean latent quality with its own noise, same cuts
    over = np.round(q.mean(axis=1) + rng.normal(0.0, 0.3, n), 6)
    return np.column_stack([ans, 1 + (over[:, None] > CUTS).sum(axis=1)])


def _frame(inst: Instrument, ans: np.ndarray) -> pd.DataFrame:
    cols = [c.column for c in inst.criteria] + [inst.overall_column]
    return pd.DataFrame(ans.astype(np.int64), columns=cols)


def _truth_frame(
    keys: pd.DataFrame, values: np.ndarray, crit: list[str], comp: list[str]
) -> pd.DataFrame:
    codes = crit + comp + ["SIPAS"]
    levels = ["criterion"] * len(crit) + ["component"] * len(comp) + ["overall"]
    out = keys.loc[np.repeat(np.arange(len(keys)), len(codes))].reset_index(drop=True)
    out["level"] = np.tile(levels, len(keys))
    out["code"] = np.tile(codes, len(keys))
    out["estimate"] = values.reshape(-1)
    return out


# --------------------------------------------------------------------------- yearly waves
@dataclass(eq=False)
class YearlyWaves:
    """Yearly survey waves of the synthetic city with their known truth.

    Attributes
    ----------
    responses : DataFrame
        Every wave's forms: ``year``, ``respondent_id``, ``district`` (the stratum), ``psu``
        (the sampled ward, new each year), ``base_weight`` and the 22 criterion answers.
    truth : DataFrame
        ``[year, district, level, code, estimate]``, ``district`` ``"(all)"`` for the city.
    improving : str
        The district whose true SIPAS rises ``gain`` points a year; every other is flat.
    """

    responses: pd.DataFrame
    truth: pd.DataFrame
    improving: str
    gain: float
    instrument: Instrument = field(repr=False)

    def designs(self) -> dict:
        """Each year's design (stratified by district, wards as PSUs), as an office declares.

        Examples
        --------
        >>> simulate_waves(seed=1, years=(2021, 2022)).designs()[2021]  # doctest: +ELLIPSIS
        Design(... rows, 30 strata, 180 PSUs, 1 stage(s), fpc=no, lonely_psu='fail')
        """
        from govsurvey.design import Design

        r = self.responses
        return {
            int(y): Design(g, weights="base_weight", strata="district", psu="psu")
            for y, g in r.groupby("year", sort=True)
        }

    def truth_change(self, start: int, end: int) -> pd.DataFrame:
        """True change ``end − start`` of every figure, city and districts."""
        t = self.truth.set_index(["district", "level", "code", "year"])["estimate"].unstack()
        return (t[end] - t[start]).rename("truth").reset_index()


def simulate_waves(
    seed: int = 2024,
    years: tuple[int, ...] = (2021, 2022, 2023, 2024, 2025),
    wards_per_district: int = 6,
    forms_per_ward: int = 20,
    improving: str = "Thanh Xuân",
    gain: float = 2.0,
    instrument: Instrument | str = "sipas-2017",
) -> YearlyWaves:
    """Yearly waves with known truth: one district rises ``gain`` points a year, the rest flat.

    Parameters
    ----------
    seed : int
    years : tuple of int
    wards_per_district, forms_per_ward : int
        Each year and district, that many wards (PSUs) drawn afresh, that many forms each.
    improving : str
        The district whose true SIPAS rises.
    gain : float
        Its yearly rise in points.
    instrument : Instrument or str

    Returns
    -------
    YearlyWaves

    Examples
    --------
    >>> sim = simulate_waves(seed=1)
    >>> ch = sim.truth_change(2021, 2022).query("code == 'SIPAS'").set_index("district")
    >>> round(float(ch.loc["Thanh Xuân", "truth"]), 9), round(float(ch.loc["Ba Đình", "truth"]), 9)
    (2.0, 0.0)
    """
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    crit, comp, lin = _structure(inst)
    rng = np.random.default_rng([int(seed), 101])
    eta, dk = _levels(rng, inst)
    names = [d for d, _ in DISTRICTS]
    D, Y = len(names), len(years)
    effect = np.round(rng.normal(0.0, 0.3, D), 6)
    size = rng.integers(15_000, 60_000, D)  # dossiers a year
    effect[names.index(improving)] *= -np.sign(effect[names.index(improving)])  # room to rise
    shift = np.tile(effect, (Y, 1))  # (years, districts)
    d_up = names.index(improving)
    for t in range(1, Y):
        shift[t, d_up] = effect[d_up] + _shift_for(eta, lin, effect[d_up], gain * t)
    m, f = wards_per_district, forms_per_ward
    n_year = D * m * f
    year = np.repeat(np.asarray(years), n_year)
    dist = np.tile(np.repeat(np.arange(D), m * f), Y)
    cluster = np.repeat(np.arange(Y * D * m), f)
    ans = _answers(rng, eta, dk, shift[np.repeat(np.arange(Y), n_year), dist], cluster)
    resp = pd.DataFrame(
        {
            "year": year,
            "respondent_id": pd.Series(np.arange(len(year)) + 1).map("W{:06d}".format).to_numpy(),
            "district": np.asarray(names)[dist],
            "psu": pd.Series(cluster + 1).map("P{:05d}".format).to_numpy(),  # new wards yearly
            "base_weight": np.round(size[dist] / (m * f), 6),
        }
    )
    resp = pd.concat([resp, _frame(inst, ans)], axis=1)
    # truth: districts, and the city as the dossier-weighted mean of the district rates
    tr = _truth(eta, shift, np.eye(len(crit)) * 1.0)  # rates (years, districts, criteria)
    share = size / size.sum()
    city = np.einsum("d,ydk->yk", share, tr) @ lin
    dist_t = tr @ lin
    keys = pd.DataFrame(
        {"year": np.repeat(years, D + 1), "district": np.tile(["(all)", *names], Y)}
    )
    vals = np.concatenate([city[:, None, :], dist_t], axis=1)
    truth = _truth_frame(keys, vals, crit, comp)
    return YearlyWaves(resp, truth, improving, float(gain), inst)


# --------------------------------------------------------------------------- desk forms
@dataclass(eq=False)
class DeskForms:
    """Monthly forms at one-stop desks, with the known truth per desk and month.

    Attributes
    ----------
    forms : DataFrame
        ``respondent_id`` (the form), ``desk``, ``district``, ``date``, ``stratum`` (desk and
        month), ``psu`` (the sampled day), ``weight`` (the day's completed dossiers per form)
        and the criterion answers.
    truth : DataFrame
        ``[desk, month, level, code, estimate]``.
    declining : str
        The desk whose true SIPAS falls in the last months; every other desk is flat.
    """

    forms: pd.DataFrame
    truth: pd.DataFrame
    declining: str
    months: list[str]
    decline_months: int
    instrument: Instrument = field(repr=False)


def desk_district(names: list[str]) -> list[str]:
    """The district of each desk (numbered desks beyond 30 take the districts in turn)."""
    districts = [d for d, _ in DISTRICTS]
    return [districts[i % len(districts)] for i in range(len(names))]


def desk_names(n: int) -> list[str]:
    """One desk per district (``Một cửa <district>``), then numbered desks beyond 30."""
    base = [f"Một cửa {d}" for d, _ in DISTRICTS]
    return base[:n] if n <= len(base) else [*base, *(f"Quầy {i:03d}" for i in range(31, n + 1))]


def simulate_desks(
    seed: int = 2024,
    desks: int = 30,
    months: int = 24,
    start: str = "2024-01",
    days: int = 12,
    forms_per_day: int = 5,
    declining: str | None = "Một cửa Chương Mỹ",
    decline: float = 6.0,
    decline_months: int = 6,
    desk_sd: float = 0.0,
    days_spread: int = 0,
    instrument: Instrument | str = "sipas-2017",
) -> DeskForms:
    """Forms collected every month at one-stop desks: one desk declines, the rest are flat.

    Each desk and month is a stratum; ``days`` distinct days are drawn (the PSUs) and
    ``forms_per_day`` people who completed a procedure that day fill in a form.

    Parameters
    ----------
    seed : int
    desks, months : int
    start : str
        The first month, ``"YYYY-MM"``.
    days, forms_per_day : int
    declining : str, optional
        The desk whose true SIPAS falls by ``decline`` points more each month over the last
        ``decline_months`` months (by ``decline × decline_months`` in the last).
    decline : float
    decline_months : int
    desk_sd : float
        SD of the desks' lasting latent effects (0: every flat desk has the same truth, the
        funnel chart's null).
    days_spread : int
        Desks of different sizes: each desk samples ``days − days_spread`` to ``days`` days a
        month (a fixed draw per desk; 0: every desk samples ``days``).
    instrument : Instrument or str

    Returns
    -------
    DeskForms

    Examples
    --------
    >>> sim = simulate_desks(seed=1, desks=3, months=8, declining="Một cửa Tây Hồ")
    >>> t = sim.truth.query("code == 'SIPAS'").pivot(index="month", columns="desk",
    ...                                              values="estimate")
    >>> round(float(t["Một cửa Tây Hồ"].iloc[-1] - t["Một cửa Tây Hồ"].iloc[0]), 6)
    -36.0
    """
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    crit, comp, lin = _structure(inst)
    rng = np.random.default_rng([int(seed), 202])
    eta, dk = _levels(rng, inst)
    names = desk_names(desks)
    month_list = [str(p) for p in pd.period_range(start, periods=months, freq="M")]
    effect = np.round(rng.normal(0.0, 1.0, desks) * desk_sd, 6)
    shift = np.tile(effect, (months, 1))  # (months, desks)
    if declining is not None:
        dd = names.index(declining)
        for j in range(decline_months):
            t = months - decline_months + j
            shift[t, dd] = effect[dd] + _shift_for(eta, lin, effect[dd], -decline * (j + 1))
    cells = months * desks
    # days drawn without repetition within the month: the first `days` of a random order of 28
    order = np.argsort(rng.random((cells, 28)), axis=1)[:, :days] + 1
    m_idx = np.repeat(np.arange(months), desks)
    d_idx = np.tile(np.arange(desks), months)
    per_cell = days * forms_per_day
    row_cell = np.repeat(np.arange(cells), per_cell)
    row_day = order[row_cell, np.tile(np.repeat(np.arange(days), forms_per_day), cells)]
    cluster = row_cell * days + np.tile(np.repeat(np.arange(days), forms_per_day), cells)
    ans = _answers(rng, eta, dk, shift[m_idx[row_cell], d_idx[row_cell]], cluster)
    clients = rng.poisson(25.0, cells * days) + 5  # dossiers completed that day
    if days_spread:  # desks of different sizes: fewer or more sampled days a month
        size = np.random.default_rng([int(seed), 203]).integers(
            -days_spread, days_spread + 1, desks
        )
        day_no = cluster % days
        keep = day_no < np.clip(days + size, 1, days)[d_idx[row_cell]]
        row_cell, row_day, cluster, ans = row_cell[keep], row_day[keep], cluster[keep], ans[keep]
    mon = np.asarray(month_list)[m_idx[row_cell]]
    desk = np.asarray(names)[d_idx[row_cell]]
    date = pd.Series(mon).str.cat(pd.Series(row_day).map("{:02d}".format), sep="-")
    n = len(row_cell)
    forms = pd.DataFrame(
        {
            "respondent_id": pd.Series(np.arange(n) + 1).map("F{:07d}".format).to_numpy(),
            "desk": desk,
            "district": np.asarray(desk_district(names))[d_idx[row_cell]],
            "date": date.to_numpy(),
            "stratum": pd.Series(desk).str.cat(pd.Series(mon), sep=" ").to_numpy(),
            "psu": pd.Series(desk).str.cat(date, sep=" ").to_numpy(),
            "weight": clients[cluster] / forms_per_day,
        }
    )
    forms = pd.concat([forms, _frame(inst, ans)], axis=1)
    vals = _truth(eta, shift, lin)  # (months, desks, figures)
    keys = pd.DataFrame({"desk": np.tile(names, months), "month": np.repeat(month_list, desks)})
    truth = _truth_frame(keys, vals.reshape(cells, -1), crit, comp)
    return DeskForms(
        forms, truth, declining or "", month_list, decline_months if declining else 0, inst
    )


# --------------------------------------------------------------------------- embedded files
def write_over_time_data(folder, seed: int = 2024) -> dict[str, str]:
    """Write the embedded waves and desk forms (``waves.csv``, ``truth_waves.csv``,
    ``desk_forms.csv``, ``truth_desks.csv``) for notebook 05.

    Five yearly waves (2021–2025; Thanh Xuân rises 2 true points a year) and 24 months
    (2024–2025) of forms at 16 one-stop desks of different sizes (6 to 16 sampled days a month;
    the desk of Chương Mỹ declines over its last 6 months). The same seed writes the same bytes.

    Returns
    -------
    dict
        File name -> SHA-256 of the file written.

    Examples
    --------
    >>> write_over_time_data("data/synthetic")  # doctest: +SKIP
    """
    from pathlib import Path

    from govsurvey.io import file_sha256

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    csv = {"index": False, "lineterminator": "\n", "encoding": "utf-8", "float_format": "%.10g"}
    waves = simulate_waves(seed=seed)
    waves.responses.to_csv(folder / "waves.csv", **csv)
    waves.truth.to_csv(folder / "truth_waves.csv", **csv)
    desks = simulate_desks(seed=seed, desks=16, days=16, days_spread=10)
    desks.forms.to_csv(folder / "desk_forms.csv", **csv)
    desks.truth.to_csv(folder / "truth_desks.csv", **csv)
    names = ["waves.csv", "truth_waves.csv", "desk_forms.csv", "truth_desks.csv"]
    return {n: file_sha256(folder / n) for n in names}
