"""Synthetic waves for the trends tests: units of 6 PSUs whose effects shift satisfaction."""

from __future__ import annotations

import numpy as np
import pandas as pd

import govsurvey as gs


def wave(seed: int, effects: dict, per_psu: int = 40) -> gs.Design:
    """Units of 6 PSUs each; a unit's effect shifts its latent satisfaction."""
    inst = gs.load_instrument("sipas-2017")
    cols = [c.column for c in inst.criteria]
    rng = np.random.default_rng(seed)
    units = list(effects)
    psu = np.repeat(np.arange(6 * len(units)), per_psu)
    unit = np.array(units)[psu // 6]
    shift = np.array([effects[u] for u in unit])
    lat = shift[:, None] + rng.normal(0, 0.7, (len(psu), 1)) + rng.normal(0, 0.8, (len(psu), 22))
    df = pd.DataFrame(np.clip(np.round(3.4 + lat), 1, 5), columns=cols)
    df["psu"], df["district"] = psu, unit
    return gs.Design(df, strata="district", psu="psu")
