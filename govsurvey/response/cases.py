"""The sampled cases a survey file holds: every sampled unit, or the returned forms only.

A survey office that keeps only the forms that came back (no ``responded`` column, or one that
is 1 on every row) has no nonrespondent in its file: response rates, response propensities and
a nonresponse adjustment cannot be computed from it. What can still be done is to hold the
respondents against the frame's margins and weight them to those margins. :func:`survey_cases`
tells the two apart once, for notebooks 02, 03 and 04 alike, so their reports agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from govsurvey.errors import InputError

from .rates import assign_dispositions

__all__ = [
    "Cases",
    "survey_cases",
    "present_columns",
    "check_weighting",
    "case_dispositions",
    "comparison_variables",
]


@dataclass(frozen=True)
class Cases:
    """The sampled cases of a survey file (see :func:`survey_cases`).

    Attributes
    ----------
    data : DataFrame
        Every row of the file, with the ``response`` column (1 on every row of a file of
        returned forms only).
    response : str
        The 0/1 response column.
    returns_only : bool
        No nonrespondent in the file: no response rate can be computed.
    why : {"no_column", "all_returned", None}
        Why: the file has no response column, or every row of it is 1.
    disposition : str or None
        A disposition column with codes in it (an empty template column does not count).
    """

    data: pd.DataFrame
    response: str
    returns_only: bool
    why: str | None
    disposition: str | None

    @property
    def response_rate(self) -> float | None:
        """The unweighted share of sampled cases that answered (None for returned forms only)."""
        if self.returns_only:
            return None
        return float(pd.to_numeric(self.data[self.response], errors="coerce").mean())


def survey_cases(
    data: pd.DataFrame, response: str = "responded", disposition: str | None = "disposition"
) -> Cases:
    """Every sampled unit of a file and whether nonrespondents are among them.

    Parameters
    ----------
    data : DataFrame
        The survey file's analysis frame (``Responses.data``).
    response : str
        The 0/1 response column (need not exist).
    disposition : str, optional
        The AAPOR disposition column (need not exist; an all-blank column is ignored).

    Returns
    -------
    Cases

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.response.cases import survey_cases
    >>> c = survey_cases(pd.DataFrame({"x": [1, 2], "disposition": ["", None]}))
    >>> c.returns_only, c.why, c.disposition, c.data["responded"].tolist()
    (True, 'no_column', None, [1, 1])
    >>> survey_cases(pd.DataFrame({"responded": [1, 0]})).response_rate
    0.5
    """
    usable = None
    if disposition and disposition in data.columns:
        col = data[disposition]
        filled = col.notna() & (col.astype(str).str.strip() != "")
        usable = disposition if bool(filled.any()) else None
    if response not in data.columns:
        return Cases(data.assign(**{response: 1}), response, True, "no_column", usable)
    r = pd.to_numeric(data[response], errors="coerce")
    if r.isna().any():
        i = int(np.flatnonzero(r.isna().to_numpy())[0])
        raise InputError.one(
            "the response column holds a value that is not 0 or 1",
            "write 1 for a form that came back, 0 for one that did not",
            column=response,
            value=data[response].iloc[i],
        )
    if bool((r == 1).all()) and usable is None:
        return Cases(data, response, True, "all_returned", usable)
    return Cases(data, response, False, None, usable)


def present_columns(columns: Sequence[str] | None, data: pd.DataFrame) -> list[str]:
    """The columns of ``columns`` that ``data`` has, in their order.

    Examples
    --------
    >>> import pandas as pd
    >>> present_columns(["psu", "sex"], pd.DataFrame({"sex": [1]}))
    ['sex']
    """
    return [c for c in (columns or []) if c in data.columns]


def check_weighting(cases: Cases, method: str) -> None:
    """Refuse a nonresponse step on a file without nonrespondents (one clear message).

    Examples
    --------
    >>> import pandas as pd
    >>> c = survey_cases(pd.DataFrame({"x": [1]}))
    >>> check_weighting(c, "rake")
    >>> check_weighting(c, "nonresponse+rake")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    govsurvey.errors.InputError: parameter 'weighting': ...
    """
    if cases.returns_only and method.startswith("nonresponse"):
        raise InputError.one(
            f"parameter 'weighting': {method!r} adjusts for nonresponse, but the file holds "
            "returned forms only (no nonrespondent), so there is nothing to adjust by",
            "use weighting: rake, poststratify or calibrate (with frame:) to weight the "
            "respondents to the frame's margins, or none; or give a file with every sampled "
            "unit and its responded column (1 answered, 0 did not)",
        )


def case_dispositions(
    cases: Cases, answers: pd.DataFrame, items: Sequence[str], seed: int = 1
) -> tuple[pd.Series, bool]:
    """Each sampled case's AAPOR disposition code, and whether the codes were drawn.

    The file's own codes when its disposition column holds any; else drawn at random by
    survey mode from who answered (:func:`~govsurvey.response.rates.assign_dispositions`).

    Examples
    --------
    >>> import pandas as pd
    >>> c = survey_cases(pd.DataFrame({"responded": [1, 0], "disposition": ["1.1", "2.11"]}))
    >>> case_dispositions(c, pd.DataFrame(index=[0, 1]), [])[0].tolist()
    ['1.1', '2.11']
    """
    if cases.disposition is not None:
        return cases.data[cases.disposition], False
    mode = "mode" if "mode" in cases.data.columns else None
    cols = [cases.response] + ([mode] if mode else [])
    codes = assign_dispositions(
        cases.data[cols].join(answers), list(items), response=cases.response, mode=mode, seed=seed
    )
    return codes, True


def comparison_variables(
    cases: Cases, auxiliaries: Sequence[str], frame: pd.DataFrame | None
) -> list[str]:
    """The auxiliaries to hold the respondents against: those the data have; with returned
    forms only, those the frame also has (the sample is the respondents: nothing else to
    compare with).

    Examples
    --------
    >>> import pandas as pd
    >>> c = survey_cases(pd.DataFrame({"sex": ["m"], "area": ["u"]}))
    >>> comparison_variables(c, ["sex", "area"], pd.DataFrame({"sex": ["m"], "N": [3]}))
    ['sex']
    """
    have = present_columns(auxiliaries, cases.data)
    if cases.returns_only and frame is not None:
        return present_columns(have, frame)
    return have
