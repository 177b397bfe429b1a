"""Changes held against known true changes (synthetic data)."""

from __future__ import annotations

import pandas as pd

from ..errors import InputError

__all__ = ["check_change"]


def check_change(
    change: pd.DataFrame,
    truth: pd.DataFrame,
    start: object,
    end: object,
    unit: str | None = None,
    period: str = "year",
) -> pd.DataFrame:
    """Does each change's interval cover the true change ``truth(end) − truth(start)``?

    Parameters
    ----------
    change : DataFrame
        From :meth:`~govsurvey.trends.Waves.change` (points).
    truth : DataFrame
        ``[period, (unit,) "code", "estimate"]`` true values (``truth_waves.csv``); for the
        whole population the unit column holds ``"(all)"``.
    start, end : period
    unit : str, optional
        The unit column of ``change`` (None: the whole population).
    period : str
        The truth's period column.

    Returns
    -------
    DataFrame
        ``change`` with ``truth`` and ``covered``.

    Examples
    --------
    >>> import pandas as pd
    >>> ch = pd.DataFrame({"code": ["SIPAS"], "estimate": [1.0], "ci_low": [-1.0],
    ...                    "ci_high": [3.0]})
    >>> tr = pd.DataFrame({"year": [2021, 2022], "district": "(all)", "code": "SIPAS",
    ...                    "estimate": [80.0, 82.0]})
    >>> check_change(ch, tr, 2021, 2022, period="year")["covered"].tolist()
    [True]
    """
    col = unit or "district"
    need = [period, "code", "estimate"] + ([col] if col in truth.columns else [])
    lacking = [c for c in need if c not in truth.columns]
    if lacking:
        raise InputError.one(
            f"the truth file lacks column(s) {lacking}",
            "give the truth of the waves",
            column=lacking[0],
        )
    t = truth[truth[period].isin([start, end])]
    if unit is None and col in t.columns:
        t = t[t[col] == "(all)"]
    keys = ([unit] if unit else []) + ["code"]
    wide = t.pivot_table(index=keys, columns=period, values="estimate")
    if start not in wide.columns or end not in wide.columns:
        raise InputError.one(
            f"the truth file has no values for {start} and {end}", "check its periods"
        )
    true = (wide[end] - wide[start]).rename("truth").reset_index()
    out = change.merge(true, on=keys, how="inner")
    out["covered"] = (out["ci_low"] <= out["truth"]) & (out["truth"] <= out["ci_high"])
    return out
