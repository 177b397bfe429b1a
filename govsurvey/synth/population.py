"""The synthetic city: districts, wards, a one-year register of dossiers and every latent answer."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from govsurvey.config.instrument import Instrument
from govsurvey.errors import InputError

from .constants import (
    AGE_EFFECT,
    AGE_MIX,
    COMPONENT,
    CUTS,
    DISTRICTS,
    EDU_EFFECT,
    EDU_MIX,
    EXPECT,
    FAMILY,
    FAMILY_P,
    FEEDBACK_COMPONENT,
    FEEDBACK_DK,
    FEEDBACK_GIVEN,
    FEMALE,
    FIELD_EFFECT,
    FIELD_MIX,
    GIVEN,
    ITEM_NONRESPONSE,
    LEVEL_EFFECT,
    LEVEL_MIX,
    MIDDLE,
    MINORITY,
    OCC_MIX,
    OVERALL_CUTS,
    PHONE_PREFIX,
    RESPONSE,
    RURAL_SHIFT,
    SD,
    SYLLABLES,
)
from .model import draw_categorical, instrument_codes, ordinal, round6, table_rows

__all__ = ["build_population"]

logger = logging.getLogger(__name__)


def build_population(inst: Instrument, seed: int) -> tuple[pd.DataFrame, dict, dict]:
    """The synthetic city, its register and every latent answer. Returns (population, params,
    cache)."""
    rng = np.random.default_rng([int(seed), 0])
    struct = np.random.default_rng([20171010, 0])  # fixed: criterion shifts, same for all seeds
    comps = inst.components
    K = len(comps)
    fields = instrument_codes(inst, "field")
    levels = instrument_codes(inst, "level")
    ages = instrument_codes(inst, "age_group")
    edus = instrument_codes(inst, "education")
    occs = instrument_codes(inst, "occupation")
    sexes = instrument_codes(inst, "sex")
    areas = instrument_codes(inst, "area")
    eths = instrument_codes(inst, "ethnicity")
    if sexes != ["male", "female"] or areas != ["urban", "rural"] or eths[0] != "kinh":
        raise InputError.one(
            "the synthetic model needs sex (male, female), area (urban, rural) and "
            "ethnicity (kinh first) codes as in sipas-2017",
            "use an instrument with the codes of sipas-2017",
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
        [(a, b) for a in range(len(SYLLABLES)) for b in range(len(SYLLABLES)) if a != b]
    )
    # ward names unique across the city (real ones repeat, but unique labels are kinder to users)
    pick = rng.choice(len(pairs), size=W, replace=False)
    prefix = np.where(urban_w, np.where(kind == "huyen", "Thị trấn", "Phường"), "Xã")
    syl = np.array(SYLLABLES, dtype=object)
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
    female = u[:, 0] < np.array([FEMALE["urban"], FEMALE["rural"]])[rural]
    sex = female.astype(np.int8)
    age = draw_categorical(u[:, 1], np.array([AGE_MIX["urban"], AGE_MIX["rural"]]), rural)
    edu_tab = np.array([[EDU_MIX[(a, g)] for g in ages] for a in areas]).reshape(-1, len(edus))
    edu = draw_categorical(u[:, 2], edu_tab, rural * len(ages) + age)
    univ = edus.index("university")
    occ_tab = np.array(
        [OCC_MIX[(a, o, v)] for a in areas for o in (False, True) for v in (False, True)]
    )
    old = (age == ages.index("60+")).astype(np.int64)
    occ = draw_categorical(u[:, 3], occ_tab, rural * 4 + old * 2 + (edu == univ))
    minority = np.array([MINORITY.get(n, 0.005) for n in d_names])
    eth = (u[:, 4] < np.where(rural == 1, minority[unit_d], 0.005)).astype(np.int8)
    fmix = table_rows(FIELD_MIX, fields, "field mix")
    fld = draw_categorical(u[:, 5], fmix.T, rural)
    lvl = draw_categorical(u[:, 6], table_rows(LEVEL_MIX, fields, "level mix"), fld)
    gave_feedback_u = u[:, 7]

    # --- latent quality by component
    cparams = np.array([COMPONENT.get(c.code, (0.0, 0.02, 1.0)) for c in comps])
    mu = cparams[:, 0]
    dk_rate = cparams[:, 1]
    ow = np.round(cparams[:, 2] / cparams[:, 2].sum(), 12)
    # district effects: normal, clipped at +-2 sd so that no seed makes an absurd district
    d_eff = SD["district_shared"] * np.clip(rng.standard_normal(D), -2.0, 2.0)[:, None] + SD[
        "district_component"
    ] * rng.standard_normal((D, K))
    w_eff = SD["ward_shared"] * rng.standard_normal(W)[:, None] + SD[
        "ward_component"
    ] * rng.standard_normal((W, K))
    f_tab = table_rows(FIELD_EFFECT, fields, "field effect")
    f_eff = np.repeat(f_tab[:, :1], K, axis=1)
    for k, c in enumerate(comps):
        if c.code in ("C2", "C4"):
            f_eff[:, k] += f_tab[:, 1]
    l_eff = table_rows(LEVEL_EFFECT, levels, "level effect")
    p_eff = (
        table_rows(AGE_EFFECT, ages, "age effect")[age]
        + table_rows(EDU_EFFECT, edus, "education effect")[edu]
        + RURAL_SHIFT * rural
    )
    halo = SD["halo"] * rng.standard_normal(N)
    base = round6(p_eff + halo + l_eff[lvl])
    q = np.empty((N, K))
    for k in range(K):
        q[:, k] = round6(
            mu[k]
            + d_eff[unit_d, k]
            + w_eff[unit_w, k]
            + f_eff[fld, k]
            + base
            + SD["person_component"] * rng.standard_normal(N)
        )

    # --- criterion answers (with don't know)
    shifts = {
        c.code: float(np.round(SD["criterion_shift"] * struct.standard_normal(), 3))
        for c in inst.criteria
    }
    dk_factor = {c.code: float(np.round(struct.uniform(0.5, 1.6), 3)) for c in inst.criteria}
    dk_person = 1.0 + 0.5 * (age == ages.index("60+")) + 0.5 * (edu == edus.index("primary"))
    gave_feedback = gave_feedback_u < np.round(
        FEEDBACK_GIVEN * (1.0 + 0.25 * (edu == univ) - 0.25 * old), 6
    )
    data: dict[str, Any] = {}
    dk_shares = {}
    for k, comp in enumerate(comps):
        for j, c in enumerate(comp.criteria):
            y = round6(q[:, k] + SD["criterion"] * rng.standard_normal(N))
            ans = ordinal(y, [round(t + shifts[c.code], 6) for t in CUTS])
            p_dk = np.round(dk_rate[k] * dk_factor[c.code] * dk_person, 6)
            if comp.code == FEEDBACK_COMPONENT:
                p_dk = np.where(gave_feedback, p_dk, FEEDBACK_DK[0 if j == 0 else 1])
            ans[rng.random(N) < p_dk] = 8
            data[c.column] = ans
            dk_shares[c.code] = (
                FEEDBACK_DK[0 if j == 0 else 1]
                if comp.code == FEEDBACK_COMPONENT
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
    latent_sat = round6(judged + SD["overall"] * rng.standard_normal(N))
    data[inst.overall_column] = ordinal(latent_sat, OVERALL_CUTS)

    # --- assessment items, tied to procedures (C2) and civil servants (C3)
    code_of = {c.code: k for k, c in enumerate(comps)}
    z2 = q[:, code_of.get("C2", 0)] - mu[code_of.get("C2", 0)]
    z3 = q[:, code_of.get("C3", 0)] - mu[code_of.get("C3", 0)]
    e = rng.standard_normal((N, 5))
    trips_l = round6(-0.9 * z2 + e[:, 0])
    late = round6(-0.8 * z2 + e[:, 1]) > 1.55
    apol = round6(0.6 * z3 + e[:, 2]) > 0.45
    harass_l = round6(-0.9 * z3 + e[:, 3])
    harass = harass_l > 2.15
    informal = round6(-0.9 * z3 + 0.5 * e[:, 3] + 0.85 * e[:, 4]) > 2.3
    assess = {
        "trips": ordinal(trips_l, (0.95, 1.95, 2.6, 3.2, 3.7)),
        "late_result": np.where(late, 1, 2).astype(np.int8),
        "apology": np.where(late, np.where(apol, 1, 2), 0).astype(np.int8),
        "harassment": np.where(harass, 1, 2).astype(np.int8),
        "informal_payment": np.where(informal, 1, 2).astype(np.int8),
    }
    for item in inst.assessment:
        if item["column"] not in assess:
            raise InputError.one(
                f"the synthetic model does not know assessment item {item['column']!r}",
                "use an instrument with the assessment items of sipas-2017",
            )
        data[item["column"]] = assess[item["column"]]

    # --- expectations (multi-select 0/1)
    ex = rng.standard_normal((N, len(inst.expectation_columns)))
    drivers = {c.code: q[:, k] - mu[k] for k, c in enumerate(comps)}
    drivers["late"] = np.where(late, -1.0, 0.0)
    young = (age <= ages.index("30-44")).astype(float)
    drivers["online"] = -(0.6 * young + 0.6 * (edu == univ) - 0.4 * rural - 0.5)
    for j, col in enumerate(inst.expectation_columns):
        drv, slope, cut = EXPECT.get(col, (None, 0.0, 0.7))
        x = 0.0 if drv is None else -slope * drivers[drv]
        data[col] = (round6(x + ex[:, j]) > cut).astype(np.int8)

    # --- personal data (obviously synthetic)
    fam = draw_categorical(rng.random(N), np.array(FAMILY_P))
    mid = rng.integers(0, 8, size=N)
    giv = rng.integers(0, len(GIVEN["male"]), size=N)
    name_cats = [
        f"{f} {MIDDLE[s][m]} {GIVEN[s][g]}"
        for s in ("male", "female")
        for f in FAMILY
        for m in range(8)
        for g in range(len(GIVEN["male"]))
    ]
    name_code = ((sex * len(FAMILY) + fam) * 8 + mid) * len(GIVEN["male"]) + giv
    phone_pre = rng.integers(0, len(PHONE_PREFIX), size=N)
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
    pop["phone"] = pd.Series(np.array(PHONE_PREFIX, dtype=object)[phone_pre]) + pd.Series(
        phone_num
    ).astype(str).str.zfill(7)

    params = {
        "seed": int(seed),
        "n_districts": D,
        "n_wards": W,
        "population_size": N,
        "overall_weights": {c.code: float(ow[k]) for k, c in enumerate(comps)},
        "overall_cuts": OVERALL_CUTS,
        "criterion_cuts": CUTS,
        "criterion_shifts": shifts,
        "dont_know_base": dk_shares,
        "component_means": {c.code: float(mu[k]) for k, c in enumerate(comps)},
        "sd": dict(SD),
        "district_effects": pd.DataFrame(d_eff, index=d_names, columns=[c.code for c in comps]),
        "response_model": RESPONSE,
        "item_nonresponse": ITEM_NONRESPONSE,
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
        "z_sat": round6((latent_sat - sat_mean) / sat_sd),
    }
    return pop, params, cache
