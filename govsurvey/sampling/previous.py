"""What a previous survey tells the next one's plan, and the population the plans are tried on.

A province plans next year's sample on its own ward frame with what its last survey measured:
the spread of a person's satisfaction, how alike the people of one ward are (``rho``), and
how many forms came back. :func:`previous_survey` reads those off the survey, matching the
survey's district and ward columns to the frame's (whatever either names them);
:func:`population_from_frame` builds the population the plans are simulated on: every dossier
of the frame's wards, its answers those of a respondent of the same ward of the previous survey
(or, for a ward the survey did not reach, of a ward of the same district), so that the
population keeps the survey's districts, its spread and its clustering.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govsurvey.errors import InputError

from ._checks import has_columns
from .precision import precision_inputs
from .presets import register_from_counts, with_seat

__all__ = ["PreviousSurvey", "previous_survey", "population_from_frame"]


@dataclass(frozen=True)
class PreviousSurvey:
    """The planning values a previous survey gives (see :func:`previous_survey`).

    Attributes
    ----------
    respondents : int
        Respondents the values come from.
    rho, rho_given : float, bool
        Intra-class correlation within wards; whether it is the parameter's.
    sd : float
        Pooled SD of a person's share of satisfied answers (a fraction).
    sd_by : dict
        Frame district -> SD (the pooled SD where the survey has too few of its forms).
    response_rate : float or None
        The share of sampled forms that came back: the parameter's, or the survey's own
        (its ``responded`` column); None when the survey holds returned forms only.
    rate_source : {"parameter", "data", "unknown"}
    district, ward : str or None
        The survey's columns matched to the frame's districts and wards.
    """

    respondents: int
    rho: float
    rho_given: bool
    sd: float
    sd_by: dict
    response_rate: float | None
    rate_source: str
    district: str
    ward: str | None

    @property
    def planning_rate(self) -> float:
        """The rate the plan is sized with: 1 when unknown (the plan then counts returns)."""
        return 1.0 if self.response_rate is None else float(self.response_rate)


def _overlap(values: pd.Series, keys: set[str]) -> int:
    return int(values.dropna().astype(str).isin(keys).sum())


def _survey_ward(data: pd.DataFrame, inst: Any, frame: pd.DataFrame, ward: str, label):
    """The survey column whose values are the frame's ward codes or names (most matches)."""
    keys = set(frame[ward].astype(str))
    if label and label in frame.columns:
        keys |= set(frame[label].astype(str))
    design = getattr(inst, "design_columns", {}) or {}
    cands = [c for c in (design.get("psu"), "psu", "ward", ward, label) if c in data.columns]
    cands = list(dict.fromkeys(c for c in cands if c))
    if not cands:
        return None
    scored = [(_overlap(data[c], keys), -k, c) for k, c in enumerate(cands)]
    best = max(scored)
    return best[2] if best[0] > 0 else cands[0]


def previous_survey(
    responses: Any,
    instrument: Any,
    frame: pd.DataFrame,
    stratum: str,
    ward: str,
    label: str | None = None,
    rho: float | None = None,
    response_rate: float | None = None,
) -> PreviousSurvey:
    """The planning values of a previous survey for a ward frame.

    Parameters
    ----------
    responses : Responses
        The previous survey as :func:`govsurvey.read_responses` returns it.
    instrument : Instrument
    frame : DataFrame
        The ward frame: one row per ward.
    stratum, ward, label : str
        The frame's district, ward code and ward name columns (named as the frame names them).
    rho, response_rate : float, optional
        Values given as parameters (they win over the survey's).

    Returns
    -------
    PreviousSurvey

    Examples
    --------
    >>> import govsurvey as gs
    >>> from govsurvey.sampling.previous import previous_survey
    >>> from govsurvey.sampling.report import read_wards
    >>> resp = gs.read_responses("data/synthetic/responses.csv")  # doctest: +SKIP
    >>> p = previous_survey(resp, resp.instrument, read_wards("data/synthetic/wards.csv"),
    ...                     "district", "psu", "ward")  # doctest: +SKIP
    >>> p.rate_source, p.ward  # doctest: +SKIP
    ('data', 'psu')
    """
    has_columns(frame, [stratum, ward], "ward frame")
    data = responses.respondents
    district = (getattr(instrument, "required_columns", None) or ["district"])[0]
    if district not in data.columns:
        raise InputError.one(
            f"the previous survey has no district column {district!r}",
            "give the survey file with its district column",
            column=district,
        )
    cluster = _survey_ward(data, instrument, frame, ward, label)
    if cluster is None and rho is None:
        raise InputError.one(
            "the previous survey has no ward column, so how alike the people of a ward are "
            "(rho) cannot be measured",
            "give the parameter rho (e.g. 0.05) or a survey file with its ward column",
            column="ward",
        )
    if cluster is None:
        tmp = data.assign(_one=np.arange(len(data)))
        inputs = precision_inputs(tmp, instrument, cluster="_one", by=district)
    else:
        inputs = precision_inputs(data, instrument, cluster=cluster, by=district)
    sd = float(inputs["sd"].iloc[0])
    by = inputs.iloc[1:].set_index("domain")
    enough = by[by["respondents"] >= 30]["sd"]
    strata = pd.unique(frame[stratum].astype(str))
    sd_by = {s: float(enough.get(s, sd)) for s in strata}
    flag = (getattr(instrument, "design_columns", {}) or {}).get("responded")
    if response_rate is not None:
        rate, source = float(response_rate), "parameter"
    elif flag and flag in responses.data.columns:
        rate, source = float(pd.to_numeric(responses.data[flag]).mean()), "data"
    else:
        rate, source = None, "unknown"
    return PreviousSurvey(
        respondents=int(len(data)),
        rho=float(rho) if rho is not None else float(inputs["rho"].iloc[0]),
        rho_given=rho is not None,
        sd=sd,
        sd_by=sd_by,
        response_rate=rate,
        rate_source=source,
        district=district,
        ward=cluster,
    )


def population_from_frame(
    frame: pd.DataFrame,
    responses: Any,
    instrument: Any,
    previous: PreviousSurvey,
    stratum: str,
    ward: str,
    size: str,
    label: str | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Every dossier of the frame's wards, with the answers of a previous survey's respondent.

    Each frame ward takes its answers from one ward of the previous survey: the same ward
    (matched by code or name) when the survey reached it, else a ward of the same district
    drawn at random, else any ward; each dossier copies a respondent of that ward drawn at
    random. The population so keeps the survey's district means, spread and clustering.

    Parameters
    ----------
    frame : DataFrame
        The ward frame.
    responses : Responses
    instrument : Instrument
    previous : PreviousSurvey
        From :func:`previous_survey` on the same survey and frame.
    stratum, ward, size, label : str
        The frame's district, ward code, register size and ward name columns.
    seed : int

    Returns
    -------
    DataFrame
        One row per dossier: ``stratum``, ``ward`` (and ``label``), ``unit_id``, ``dossier``,
        ``seat`` (the first ward of each district in the frame) and the criterion columns.

    Examples
    --------
    >>> import govsurvey as gs  # doctest: +SKIP
    """
    rng = np.random.default_rng([int(seed), 1])
    data = responses.respondents
    crit = [c.column for c in instrument.criteria]
    keep = tuple(dict.fromkeys(c for c in (stratum, label, ward) if c))
    units = frame.reset_index(drop=True)
    pop = register_from_counts(units, count=size, cluster=ward, keep=keep, stratum=stratum)
    pop = with_seat(pop, units, stratum, ward)
    # donor wards of the previous survey, with their respondents in one block each
    dkey = data[previous.ward].astype(str) if previous.ward else pd.Series("all", data.index)
    dist = data[previous.district].astype(str)
    order = np.lexsort((dkey.to_numpy(), dist.to_numpy()))
    donors = data.iloc[order]
    blocks = pd.DataFrame({"d": dist.to_numpy()[order], "w": dkey.to_numpy()[order]})
    first = blocks.drop_duplicates(["d", "w"]).index.to_numpy()
    counts = np.diff(np.append(first, len(blocks)))
    wards_of = blocks.iloc[first].reset_index(drop=True)
    # each frame ward's donor block: same ward, else a ward of its district, else any ward
    code = units[ward].astype(str)
    name = units[label].astype(str) if label and label in units.columns else code
    fdist = units[stratum].astype(str).to_numpy()
    by_ward = pd.Series(np.arange(len(wards_of)), index=wards_of["w"].to_numpy())
    by_ward = by_ward[~by_ward.index.duplicated()]
    same = code.map(by_ward).fillna(name.map(by_ward)).fillna(-1).to_numpy(np.int64)
    # the donor wards sit sorted by district: each district's are one run of blocks
    starts = wards_of.drop_duplicates("d")
    d_first = pd.Series(starts.index.to_numpy(), index=starts["d"].to_numpy())
    d_count = wards_of.groupby("d", sort=False).size()
    lo = pd.Series(fdist).map(d_first).fillna(0).to_numpy(np.int64)
    span = pd.Series(fdist).map(d_count).fillna(len(wards_of)).to_numpy(np.int64)
    drawn = lo + (rng.random(len(units)) * span).astype(np.int64)
    block = np.where(same >= 0, same, drawn)
    n = units[size].to_numpy(np.int64)
    b = np.repeat(block, n)
    take = first[b] + (rng.random(len(b)) * counts[b]).astype(np.int64)
    answers = donors[crit].to_numpy()[take]
    return pop.join(pd.DataFrame(answers, columns=crit))
