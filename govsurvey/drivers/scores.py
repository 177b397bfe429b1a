"""Component scores per respondent: the mean of the respondent's valid criterion answers.

A criterion answer is valid when it is on the instrument's scale (1–5); don't-know and
no-answer codes (8, 9) and blanks are missing, never a score. How many valid answers a score
needs is the parameter ``min_valid``; :func:`score_coverage` reports how many respondents have
each score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["clean_scale", "component_scores", "score_coverage", "with_scores"]


def _instrument(instrument):
    if isinstance(instrument, str):
        from ..config.instrument import load_instrument

        return load_instrument(instrument)
    return instrument


def clean_scale(
    data: pd.DataFrame, columns: list[str], low: int = 1, high: int = 5
) -> pd.DataFrame:
    """The given columns as floats, with every value outside ``low..high`` set to NaN.

    Don't-know (8) and no-answer (9) codes, blanks and text become missing values, so no
    estimator ever reads them as a score.

    Parameters
    ----------
    data : pandas.DataFrame
    columns : list of str
        Scale columns; each must exist.
    low, high : int
        The valid answers (the instrument's ``scale_min`` and ``scale_max``).

    Returns
    -------
    pandas.DataFrame
        Same index as ``data``, one float column per name.

    Examples
    --------
    >>> import pandas as pd
    >>> clean_scale(pd.DataFrame({"a": [1, 8, 5, 9]}), ["a"])["a"].tolist()
    [1.0, nan, 5.0, nan]
    """
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise InputError.one(
            f"column(s) {', '.join(map(repr, missing))} not in the data",
            "check the instrument matches the file, or name existing columns",
            column=missing[0],
        )
    x = data[list(columns)].apply(pd.to_numeric, errors="coerce").astype(float)
    return x.where((x >= low) & (x <= high))


def component_scores(data: pd.DataFrame, instrument, min_valid: int = 1) -> pd.DataFrame:
    """Each respondent's component scores: the mean of their valid answers in the component.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent, with the instrument's criterion columns.
    instrument : Instrument or str
        The instrument (or a shipped instrument's name).
    min_valid : int, default 1
        Valid answers a score needs; with fewer the score is missing (NaN). A value above a
        component's number of criteria is capped at that number.

    Returns
    -------
    pandas.DataFrame
        Same index as ``data``; one column per component code (``C1`` … ``C5``), scores on the
        1–5 scale, NaN where the respondent gave fewer than ``min_valid`` valid answers.
        ``attrs["min_valid"]`` records the rule.

    Examples
    --------
    >>> import pandas as pd
    >>> import govsurvey as gs
    >>> inst = gs.load_instrument("sipas-2017")
    >>> cols = [c.column for c in inst.criteria]
    >>> df = pd.DataFrame([[4] * 22, [8] * 4 + [2] * 18], columns=cols)
    >>> component_scores(df, inst)["C1"].tolist()
    [4.0, nan]
    """
    inst = _instrument(instrument)
    if not isinstance(min_valid, (int, np.integer)) or isinstance(min_valid, bool) or min_valid < 1:
        raise InputError.one(
            "min_valid must be a whole number of at least 1",
            "give how many valid answers a component score needs, e.g. 1 or 2",
            value=min_valid,
        )
    out = {}
    for comp in inst.components:
        cols = [c.column for c in comp.criteria]
        x = clean_scale(data, cols, inst.scale_min, inst.scale_max).to_numpy()
        valid = np.isfinite(x)
        k = valid.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(valid, x, 0.0).sum(axis=1) / k
        out[comp.code] = np.where(k >= min(int(min_valid), len(cols)), mean, np.nan)
    frame = pd.DataFrame(out, index=data.index)
    frame.attrs["min_valid"] = int(min_valid)
    return frame


def score_coverage(scores: pd.DataFrame) -> pd.DataFrame:
    """How many respondents have each component score, and how many have all of them.

    Parameters
    ----------
    scores : pandas.DataFrame
        The output of :func:`component_scores`.

    Returns
    -------
    pandas.DataFrame
        Columns ``component``, ``n_scored``, ``n_missing``, ``share_scored`` (percent); a last
        row ``all`` counts respondents with every score (the complete cases a model uses).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"C1": [1.0, None], "C2": [2.0, 3.0]})
    >>> score_coverage(s)["n_scored"].tolist()
    [1, 2, 1]
    """
    ok = scores.notna()
    n = len(scores)
    counts = [*ok.sum().tolist(), int(ok.all(axis=1).sum())]
    names = [*map(str, scores.columns), "all"]
    out = pd.DataFrame({"component": names, "n_scored": np.asarray(counts, dtype=np.int64)})
    out["n_missing"] = n - out["n_scored"]
    out["share_scored"] = 100.0 * out["n_scored"] / max(n, 1)
    return out


def with_scores(data: pd.DataFrame, instrument, min_valid: int = 1) -> pd.DataFrame:
    """The data with the component scores and the overall answer ready for the models.

    Adds one column per component code (:func:`component_scores`), ``overall_score`` (the
    overall answer on 1–5, missing for don't know / no answer) and ``satisfied_overall``
    (1 when the overall answer is a satisfied one, 4 or 5; 0 otherwise; missing when there is
    no valid overall answer).

    Parameters
    ----------
    data : pandas.DataFrame
    instrument : Instrument or str
    min_valid : int, default 1

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with the new columns (existing columns of those names are replaced).

    Examples
    --------
    >>> import pandas as pd
    >>> import govsurvey as gs
    >>> inst = gs.load_instrument("sipas-2017")
    >>> cols = [c.column for c in inst.criteria]
    >>> df = pd.DataFrame([[4] * 22 + [5], [2] * 22 + [9]], columns=cols + ["overall"])
    >>> with_scores(df, inst)[["C1", "overall_score", "satisfied_overall"]].values.tolist()
    [[4.0, 5.0, 1.0], [2.0, nan, nan]]
    """
    inst = _instrument(instrument)
    scores = component_scores(data, inst, min_valid)
    o = clean_scale(data, [inst.overall_column], inst.scale_min, inst.scale_max).iloc[:, 0]
    sat = np.where(o.notna(), o.isin(list(inst.satisfied)).astype(float), np.nan)
    out = data.assign(**{c: scores[c] for c in scores.columns})
    out["overall_score"] = o.to_numpy()
    out["satisfied_overall"] = sat
    out.attrs["min_valid"] = scores.attrs["min_valid"]
    return out
