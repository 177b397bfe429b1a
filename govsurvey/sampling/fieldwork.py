"""The fieldwork sheet: the drawn sample as field teams receive it (xlsx or csv, in Vietnamese).

Only the columns named are written: identifiers the frame holds for finding the unit (district,
ward, register number) and the sampling record (stage probabilities, weight). Personal fields are
refused unless they are named explicitly in ``contact`` (a sheet for the teams who deliver the
forms may need an address; a published report never does).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from govsurvey.errors import InputError
from govsurvey.io.export import write_table
from govsurvey.publish.i18n import check_language

__all__ = ["HEADERS", "fieldwork_sheet", "write_fieldwork"]

#: column -> (Vietnamese header, English header)
HEADERS: dict[str, tuple[str, str]] = {
    "order": ("STT", "No."),
    "stratum": ("Tầng (quận/huyện)", "Stratum (district)"),
    "district": ("Quận/huyện/thị xã", "District"),
    "ward": ("Phường/xã/thị trấn", "Ward or commune"),
    "psu": ("Mã đơn vị mẫu cấp 1", "Primary unit code"),
    "unit_id": ("Mã hồ sơ", "Dossier number"),
    "dossier": ("Mã hồ sơ", "Dossier number"),
    "pi1": ("Xác suất chọn giai đoạn 1", "Stage 1 probability"),
    "pi2": ("Xác suất chọn giai đoạn 2", "Stage 2 probability"),
    "pi3": ("Xác suất chọn giai đoạn 3", "Stage 3 probability"),
    "pi": ("Xác suất chọn", "Inclusion probability"),
    "base_weight": ("Quyền số thiết kế", "Design weight"),
    "certainty": ("Chọn chắc chắn", "Taken with certainty"),
}


def fieldwork_sheet(
    sample: pd.DataFrame,
    columns: Sequence[str] | None = None,
    language: str = "vi",
    contact: Sequence[str] = (),
    personal: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The drawn sample as a sheet for the field teams, sorted by stratum, unit and number.

    Parameters
    ----------
    sample : DataFrame
        A drawn sample (:meth:`govsurvey.sampling.Plan.draw`).
    columns : sequence of str, optional
        Columns to keep, in order; by default those of :data:`HEADERS` that the sample has.
    language : {"vi", "en"}
    contact : sequence of str
        Personal columns the teams need to reach the unit (kept only when named here).
    personal : sequence of str
        Columns that are personal data (e.g. the instrument's ``personal_columns``); any of
        them in ``columns`` but not in ``contact`` is refused.
    labels : mapping, optional
        Extra column -> header.

    Returns
    -------
    DataFrame
        With the headers in the chosen language and a running number first.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.sampling import fieldwork_sheet
    >>> s = pd.DataFrame({"district": ["Ba Vì"], "ward": ["Xã An"], "psu": ["D14W03"],
    ...                   "unit_id": [17], "pi": [0.01], "base_weight": [100.0]})
    >>> list(fieldwork_sheet(s).columns)[:4]
    ['STT', 'Quận/huyện/thị xã', 'Phường/xã/thị trấn', 'Mã đơn vị mẫu cấp 1']
    """
    check_language(language)
    if columns is None:
        columns = [c for c in HEADERS if c in sample.columns and c != "stratum"]
        if "district" not in sample.columns and "stratum" in sample.columns:
            columns.insert(0, "stratum")
    cols = list(columns) + [c for c in contact if c not in columns]
    missing = [c for c in cols if c not in sample.columns]
    if missing:
        raise InputError.one(
            f"the sample has no column {missing[0]!r}",
            "name columns of the drawn sample",
            column=missing[0],
        )
    leak = [c for c in cols if c in set(personal) and c not in set(contact)]
    if leak:
        raise InputError.one(
            f"column {leak[0]!r} is personal data",
            "leave it out, or name it in contact= if the field teams need it to find the unit",
            column=leak[0],
        )
    sort = [c for c in ("stratum", "district", "psu", "ward") if c in sample.columns]
    last = [c for c in ("unit_id", "dossier") if c in sample.columns]
    out = sample.sort_values(sort + last, kind="stable")[cols].reset_index(drop=True)
    out.insert(0, "order", np.arange(1, len(out) + 1))
    j = 0 if language == "vi" else 1
    names = {c: HEADERS[c][j] for c in out.columns if c in HEADERS}
    names |= dict(labels or {})
    return out.rename(columns=names)


def write_fieldwork(sheet: pd.DataFrame, path: str | Path) -> Path:
    """Write a fieldwork sheet to ``.xlsx`` or ``.csv`` (UTF-8 with BOM, so Excel shows Vietnamese).

    Every text cell is inert (:func:`govsurvey.io.export.write_table`): a ward name that starts
    like a formula (``=HYPERLINK(…)``) is written as text, never as a live formula.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> from govsurvey.sampling import write_fieldwork
    >>> p = write_fieldwork(pd.DataFrame({"STT": [1]}), pathlib.Path(tempfile.mkdtemp()) / "s.csv")
    >>> p.read_bytes()[:3] == b"\\xef\\xbb\\xbf"
    True
    """
    p = Path(path)
    if p.suffix.lower() not in (".xlsx", ".csv"):
        raise InputError.one(
            "the fieldwork sheet must be .xlsx or .csv",
            "give a file name ending in .xlsx or .csv",
            file=str(p),
        )
    p.parent.mkdir(parents=True, exist_ok=True)
    return write_table(sheet, p, sheet="Mau")
