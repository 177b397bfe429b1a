"""One SIPAS-style sample from the synthetic register, drawn with :mod:`govsurvey.sampling`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from govsurvey.config.instrument import Instrument
from govsurvey.response.rates import assign_dispositions
from govsurvey.sampling import rank_within, systematic_positions

from .constants import ITEM_NONRESPONSE, MODE_MIX, RESPONSE
from .model import draw_categorical, instrument_codes, round6, table_rows

__all__ = ["default_wards_per_district", "draw_sample"]


def default_wards_per_district(n_w: np.ndarray) -> np.ndarray:
    """Default wards drawn per district: a quarter of its wards, between 4 and 6."""
    return np.clip(np.floor(n_w / 4 + 0.5), 4, 6).astype(np.int64)


def draw_sample(
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
    rank = rank_within(rng.random(W), ward_d, len(n_w))
    chosen = np.flatnonzero(rank < m[ward_d])
    chosen = chosen[np.lexsort((rank[chosen], ward_d[chosen]))]  # by district, draw order
    # stage 2: the ward's register in a fresh random order, then systematic selection with a
    # fractional interval N_w / n from a random start (so the draw is SRSWOR within the ward)
    size = cache["ward_size"][chosen]
    start = cache["ward_start"][chosen]
    pos = systematic_positions(rng.random(len(chosen)) * (size / n), size, n)
    idx = np.empty((len(chosen), n), dtype=np.int64)
    for i in range(len(chosen)):  # loop over the drawn wards (PSUs), not over units
        idx[i] = start[i] + rng.permutation(size[i])[pos[i]]
    idx = idx.reshape(-1)
    n_s = len(idx)
    ward_of = np.repeat(chosen, n)

    # modes by area and age
    ages = instrument_codes(inst, "age_group")
    modes = instrument_codes(inst, "mode")
    areas = instrument_codes(inst, "area")
    mode_tab = np.array(
        [
            table_rows(
                {m_: v for m_, v in zip(modes, MODE_MIX[(a, g)], strict=True)}, modes, "mode mix"
            )
            for a in areas
            for g in ages
        ]
    )
    rural = cache["rural"][idx]
    age = cache["age"][idx]
    mode = draw_categorical(rng.random(n_s), mode_tab, rural * len(ages) + age)

    # nonresponse: probit, P(respond) = Phi(eta)
    z = rng.standard_normal(n_s)
    item_u = rng.random((n_s, len(inst.scale_columns)))
    if nonresponse == "none":
        responded = np.ones(n_s, dtype=bool)
        propensity = np.ones(n_s)
    else:
        fields = instrument_codes(inst, "field")
        eta = (
            RESPONSE["base"]
            + table_rows(RESPONSE["age"], ages, "response")[age]
            + table_rows(RESPONSE["mode"], modes, "response")[mode]
            + table_rows(RESPONSE["field"], fields, "response")[cache["field"][idx]]
            + table_rows(RESPONSE["area"], areas, "response")[rural]
        )
        if nonresponse == "mnar":
            eta = eta + RESPONSE["mnar"] * cache["z_sat"][idx]
        responded = round6(eta + z) > 0
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
    p9 = np.round(ITEM_NONRESPONSE * (1.0 + 0.5 * (age == ages.index("60+"))), 6)
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
    # AAPOR final dispositions: a respondent's from the share of criteria answered (a no-answer
    # code is not an answer), a nonrespondent's drawn by mode from a random stream of its own,
    # so that adding them changed no other value of the file
    crit = [c.column for c in inst.criteria]
    answered = out[crit].where(out[crit] != 9)
    disposition = assign_dispositions(
        answered.assign(responded=out["responded"], mode=out["mode"]),
        crit,
        seed=[int(seed), 2, int(sample_seed)],  # type: ignore[arg-type]
    )
    out.insert(out.columns.get_loc("responded") + 1, "disposition", disposition)
    text = ["district", "ward", "field", "level", "mode", "stratum", "psu", "sex", "age_group"]
    text += ["education", "occupation", "ethnicity", "area", "full_name", "phone"]
    for col in text:
        if out[col].dtype != "str":
            out[col] = out[col].astype("str")
    return idx, out, propensity
