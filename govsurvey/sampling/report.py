"""The sampling-design report's words, tables and alt texts (Vietnamese or English).

Notebook 01 calls these; each takes result frames and returns text or a
:class:`govsurvey.publish.tables.Table` whose headers are labels, not codes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from govsurvey.collation import vi_sort_key
from govsurvey.errors import InputError
from govsurvey.publish.i18n import phrase

from ._checks import has_columns, size_measure
from .narrative import number

__all__ = [
    "text",
    "read_wards",
    "plan_table",
    "frame_labels",
    "comparison_table",
    "sample_table",
    "alt_margin",
    "alt_simulation",
    "describe_intro",
    "describe_frame",
    "describe_previous",
    "describe_sample",
]

_T: dict[str, dict[str, str]] = {
    "title": {"vi": "Thiết kế mẫu khảo sát SIPAS", "en": "Sampling design of the SIPAS survey"},
    "h_frame": {"vi": "1. Dàn chọn mẫu", "en": "1. The sampling frame"},
    "h_inputs": {
        "vi": "2. Thông tin từ cuộc khảo sát trước",
        "en": "2. What the previous survey tells",
    },
    "h_sizes": {"vi": "3. Cỡ mẫu", "en": "3. Sample size"},
    "h_plan": {"vi": "4. Kế hoạch mẫu đề xuất", "en": "4. The recommended plan"},
    "h_sim": {
        "vi": "5. So sánh các phương án bằng mô phỏng",
        "en": "5. Plans compared by simulation",
    },
    "h_sample": {
        "vi": "6. Mẫu đã chọn và phiếu giao cho điều tra viên",
        "en": "6. The sample drawn, and the sheet for the field teams",
    },
    "tab_plan": {
        "vi": "Kế hoạch mẫu theo quận/huyện và sai số dự kiến của chỉ số SIPAS",
        "en": "Plan by district and the expected margin of the SIPAS index",
    },
    "tab_sim": {
        "vi": "Các phương án chọn mẫu qua {reps} lần mô phỏng",
        "en": "The plans over {reps} simulated samples",
    },
    "tab_sample": {
        "vi": "Mười dòng đầu của danh sách mẫu",
        "en": "The first ten rows of the sample list",
    },
    "fig_margin": {
        "vi": "Sai số dự kiến (±điểm phần trăm, độ tin cậy {level}) của chỉ số SIPAS "
        "theo quận/huyện; đường đứt nét: mục tiêu ±{target} điểm",
        "en": "Expected margin (± percentage points, {level} confidence) of the SIPAS "
        "index by district; dashed line: the ±{target}-point target",
    },
    "fig_sim_margin": {
        "vi": "Sai số thực tế (nửa độ rộng khoảng tin cậy) theo quận/huyện, từng phương án",
        "en": "Realised margin (half-width of the interval) by district, each plan",
    },
    "fig_sim_cov": {
        "vi": "Tỷ lệ khoảng tin cậy chứa giá trị thật theo quận/huyện; đường đứt nét: {level}",
        "en": "Share of intervals holding the true value by district; dashed line: {level}",
    },
    "x_margin": {
        "vi": "Sai số dự kiến (± điểm phần trăm)",
        "en": "Expected margin (± percentage points)",
    },
    "x_sim_margin": {"vi": "Sai số (± điểm phần trăm)", "en": "Margin (± percentage points)"},
    "x_cov": {"vi": "Tỷ lệ bao phủ (%)", "en": "Coverage (%)"},
    "target": {"vi": "mục tiêu", "en": "target"},
    "total": {"vi": "Toàn địa bàn", "en": "All districts"},
    "written": {
        "vi": "Danh sách mẫu đã ghi vào tệp `{file}`.",
        "en": "The sample list was written to `{file}`.",
    },
    "not_written": {
        "vi": "Danh sách mẫu chưa ghi ra tệp (tham số `fieldwork_file` để trống và không có "
        "thư mục kết quả).",
        "en": "The sample list was not written to a file (parameter `fieldwork_file` is empty "
        "and there is no output folder).",
    },
}

_H: dict[str, dict[str, str]] = {  # table headers
    "district": {"vi": "Quận/huyện", "en": "District"},
    "wards": {"vi": "Số phường/xã", "en": "Wards"},
    "ward_name": {"vi": "Phường/xã", "en": "Ward"},
    "ward_code": {"vi": "Mã phường/xã", "en": "Ward code"},
    "N": {"vi": "Số hồ sơ", "en": "Dossiers"},
    "clusters": {"vi": "Phường/xã được chọn", "en": "Wards drawn"},
    "forms": {"vi": "Số phiếu phát", "en": "Forms sent"},
    "returns": {"vi": "Số phiếu cần thu về", "en": "Forms to be returned"},
    "n_respondents": {"vi": "Phiếu thu về dự kiến", "en": "Expected returns"},
    "deff": {"vi": "Hiệu ứng thiết kế", "en": "Design effect"},
    "margin": {"vi": "Sai số dự kiến (± điểm)", "en": "Expected margin (± points)"},
    "plan": {"vi": "Phương án", "en": "Plan"},
    "city_margin": {"vi": "Sai số toàn địa bàn (± điểm)", "en": "Overall margin (± points)"},
    "city_cov": {"vi": "Bao phủ toàn địa bàn (%)", "en": "Overall coverage (%)"},
    "dist_margin": {
        "vi": "Sai số trung bình quận/huyện (± điểm)",
        "en": "District margin, mean (± points)",
    },
    "dist_cov": {"vi": "Bao phủ trung bình quận/huyện (%)", "en": "District coverage, mean (%)"},
    "bias": {"vi": "Độ chệch lớn nhất (điểm)", "en": "Largest district bias (points)"},
    "se_ratio": {"vi": "Sai số chuẩn ước lượng / thực tế", "en": "Estimated / actual SE"},
}


def text(key: str, lang: str, **kw: object) -> str:
    """A fixed phrase of the report in the language, with ``{fields}`` filled in.

    Examples
    --------
    >>> from govsurvey.sampling.report import text
    >>> text("tab_sim", "en", reps=30)
    'The plans over 30 simulated samples'
    """
    return phrase(_T, key, lang, **kw)


def read_wards(
    path: str | Path,
    stratum: str = "district",
    ward: str = "psu",
    size: str = "N",
    label: str | None = "ward",
) -> pd.DataFrame:
    """Read and check the frame of wards (csv or xlsx): strata, codes, names, register sizes.

    Examples
    --------
    >>> from govsurvey.sampling.report import read_wards
    >>> w = read_wards("data/synthetic/wards.csv")  # doctest: +SKIP
    """
    p = Path(path)
    if not p.is_file():
        raise InputError.one(
            "the ward frame does not exist", "give the path of the ward table", file=str(p)
        )
    frame = pd.read_excel(p) if p.suffix.lower() == ".xlsx" else pd.read_csv(p)
    cols = [stratum, ward, size] + ([label] if label else [])
    has_columns(frame, cols, "ward-frame")
    size_measure(frame[size].to_numpy(), "register size", column=size)
    if frame[ward].duplicated().any():
        dup = frame.loc[frame[ward].duplicated(), ward].iloc[0]
        raise InputError.one(
            "a ward code appears twice in the frame",
            "give each ward one row",
            file=str(p),
            column=ward,
            value=dup,
        )
    return frame


def _h(key: str, lang: str) -> str:
    return _H[key][lang]


def frame_labels(stratum: str, label: str | None, ward: str, lang: str) -> dict[str, str]:
    """Headers for the ward frame's own columns, whatever the frame names them.

    Examples
    --------
    >>> from govsurvey.sampling.report import frame_labels
    >>> frame_labels("huyen", "ten_xa", "ma_xa", "vi")
    {'huyen': 'Quận/huyện', 'ten_xa': 'Phường/xã', 'ma_xa': 'Mã phường/xã'}
    """
    out = {stratum: _h("district", lang)}
    if label:
        out[label] = _h("ward_name", lang)
    out[ward] = _h("ward_code", lang)
    return out


def plan_table(
    rec: pd.DataFrame, stratum: str, lang: str, caption: str, returns_only: bool = False
) -> object:
    """The recommended plan as a report table, with a row for all districts.

    With ``returns_only`` (the response rate is unknown) the forms are those to be returned,
    and the column of expected returns is left out (it would repeat them).

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.sampling.report import plan_table
    >>> r = pd.DataFrame({"district": ["A"], "wards": [20], "N": [2e4], "clusters": [5],
    ...                   "forms": [250], "n_respondents": [175.0], "deff": [1.7],
    ...                   "margin": [4.8]})
    >>> plan_table(r, "district", "vi", "x").frame.iloc[0].tolist()[-1]
    '4,80'
    """
    from govsurvey.publish.tables import Table

    rows = rec.sort_values(stratum, key=vi_sort_key)
    f = pd.DataFrame(
        {
            _h("district", lang): rows[stratum].astype(str),
            _h("wards", lang): [number(x, lang, 0) for x in rows["wards"]],
            _h("N", lang): [number(x, lang, 0) for x in rows["N"]],
            _h("clusters", lang): [number(x, lang, 0) for x in rows["clusters"]],
            _h("forms", lang): [number(x, lang, 0) for x in rows["forms"]],
            _h("n_respondents", lang): [number(x, lang, 0) for x in rows["n_respondents"]],
            _h("deff", lang): [number(x, lang, 2) for x in rows["deff"]],
            _h("margin", lang): [number(x, lang, 2) for x in rows["margin"]],
        }
    )
    total = {
        _h("district", lang): text("total", lang),
        _h("wards", lang): number(rows["wards"].sum(), lang, 0),
        _h("N", lang): number(rows["N"].sum(), lang, 0),
        _h("clusters", lang): number(rows["clusters"].sum(), lang, 0),
        _h("forms", lang): number(rows["forms"].sum(), lang, 0),
        _h("n_respondents", lang): number(rows["n_respondents"].sum(), lang, 0),
        _h("deff", lang): "",
        _h("margin", lang): "",
    }
    f = pd.concat([f, pd.DataFrame([total])], ignore_index=True)
    if returns_only:
        f = f.drop(columns=[_h("n_respondents", lang)]).rename(
            columns={_h("forms", lang): _h("returns", lang)}
        )
    return Table(f, caption, numeric=list(f.columns[1:]), strong=[len(f) - 1])


def _ratio_text(row: pd.Series, lang: str) -> str:
    """The SE ratio with its Monte Carlo interval when the summary has one: ``1.01 (0.97–1.06)``.

    Examples
    --------
    >>> _ratio_text(pd.Series({"se_ratio": 1.011, "se_ratio_low": 0.968, "se_ratio_high": 1.06}),
    ...             "vi")
    '1,01 (0,97–1,06)'
    """
    text = number(row["se_ratio"], lang, 2)
    lo, hi = row.get("se_ratio_low"), row.get("se_ratio_high")
    if lo is None or hi is None or not (np.isfinite(lo) and np.isfinite(hi)):
        return text
    return f"{text} ({number(lo, lang, 2)}–{number(hi, lang, 2)})"


def comparison_table(summary: pd.DataFrame, lang: str, caption: str) -> object:
    """The plans side by side: city and district margins, coverage, bias, SE ratio (with its
    95% Monte Carlo interval when the summary holds it).

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.sampling.report import comparison_table
    >>> s = pd.DataFrame({"plan": ["P", "P"], "domain": ["all", "A"], "margin": [0.8, 4.0],
    ...                   "coverage": [0.95, 0.9], "bias": [0.0, 0.3], "se_ratio": [1.0, 0.9]})
    >>> comparison_table(s, "en", "x").frame.iloc[0].tolist()
    ['P', '0.80', '95.00', '4.00', '90.00', '0.30', '1.00']
    """
    from govsurvey.publish.tables import Table

    out = []
    for plan, g in summary.groupby("plan", sort=False):
        city = g[g["domain"] == "all"].iloc[0]
        d = g[g["domain"] != "all"]
        out.append(
            {
                _h("plan", lang): str(plan),
                _h("city_margin", lang): number(city["margin"], lang, 2),
                _h("city_cov", lang): number(100 * city["coverage"], lang, 2),
                _h("dist_margin", lang): number(d["margin"].mean(), lang, 2),
                _h("dist_cov", lang): number(100 * d["coverage"].mean(), lang, 2),
                _h("bias", lang): number(d["bias"].abs().max(), lang, 2),
                _h("se_ratio", lang): _ratio_text(city, lang),
            }
        )
    f = pd.DataFrame(out)
    return Table(f, caption, numeric=list(f.columns[1:]))


def sample_table(sheet: pd.DataFrame, caption: str, lang: str = "vi", rows: int = 10) -> object:
    """The first rows of the fieldwork sheet as a report table (numbers as the language writes).

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.sampling.report import sample_table
    >>> sample_table(pd.DataFrame({"STT": [1], "pi": [0.04026]}), "x", "vi").frame.iloc[0].tolist()
    ['1', '0,0403']
    """
    from govsurvey.publish.tables import Table

    f = sheet.head(rows).copy()
    numeric = []
    for c in f.columns:
        if pd.api.types.is_float_dtype(f[c]):
            f[c] = [number(x, lang, 4) for x in f[c]]
            numeric.append(c)
        f[c] = f[c].astype(str)
    return Table(f, caption, numeric=numeric)


def alt_margin(rec: pd.DataFrame, stratum: str, target: float, lang: str) -> str:
    """Alt text of the expected-margin figure, from its numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.sampling.report import alt_margin
    >>> alt_margin(pd.DataFrame({"district": ["A", "B"], "margin": [4.0, 5.5]}), "district",
    ...            5.0, "en")
    'Bar chart of 2 districts: expected margins from ±4.00 (A) to ±5.50 (B) points; 1 above the ±5.00-point target.'
    """  # noqa: E501
    lo = rec.loc[rec["margin"].idxmin()]
    hi = rec.loc[rec["margin"].idxmax()]
    above = int((rec["margin"] > target + 1e-9).sum())
    t = number(target, lang, 2)
    if lang == "vi":
        return (
            f"Biểu đồ cột của {len(rec)} quận/huyện: sai số dự kiến từ ±"
            f"{number(lo['margin'], lang, 2)} ({lo[stratum]}) đến ±"
            f"{number(hi['margin'], lang, 2)} ({hi[stratum]}) điểm; {above} vượt mục tiêu "
            f"±{t} điểm."
        )
    return (
        f"Bar chart of {len(rec)} districts: expected margins from ±"
        f"{number(lo['margin'], lang, 2)} ({lo[stratum]}) to ±{number(hi['margin'], lang, 2)}"
        f" ({hi[stratum]}) points; {above} above the ±{t}-point target."
    )


def alt_simulation(summary: pd.DataFrame, metric: str, lang: str) -> str:
    """Alt text of a simulation figure: each plan's range over the districts."""
    d = summary[summary["domain"] != "all"]
    scale = 100.0 if metric == "coverage" else 1.0
    parts = []
    for plan, g in d.groupby("plan", sort=False):
        parts.append(
            f"{plan}: {number(scale * g[metric].min(), lang, 2)}–"
            f"{number(scale * g[metric].max(), lang, 2)}"
        )
    what = {
        "margin": {"vi": "sai số (điểm)", "en": "margin (points)"},
        "coverage": {"vi": "tỷ lệ bao phủ (%)", "en": "coverage (%)"},
    }[metric][lang]
    head = "Biểu đồ điểm theo quận/huyện, " if lang == "vi" else "Dot chart by district, "
    return head + what + ": " + "; ".join(parts) + "."


def describe_intro(lang: str, margin: float, confidence: float) -> str:
    """The report's opening paragraph.

    Examples
    --------
    >>> from govsurvey.sampling.report import describe_intro
    >>> describe_intro("en", 0.05, 0.95)[:39]
    'This report answers the first questions'
    """
    e = number(100 * margin, lang, 2)
    c = number(100 * confidence, lang, 0)
    if lang == "vi":
        return (
            "Báo cáo này trả lời những câu hỏi đầu tiên của việc khảo sát: cần bao nhiêu phiếu, "
            "phát ở đâu, chọn người trả lời như thế nào, và chỉ số của mỗi quận/huyện sẽ chính "
            f"xác đến đâu. Mục tiêu: chỉ số SIPAS của mỗi quận/huyện có sai số không quá ±{e} "
            f"điểm phần trăm với độ tin cậy {c}%. Mọi con số dưới đây được tính từ dữ liệu, và "
            "các phương án được kiểm chứng bằng cách chọn mẫu lặp lại nhiều lần trên một tổng "
            "thể dựng từ dàn chọn mẫu và câu trả lời của cuộc khảo sát trước, nên giá trị thật "
            "của nó đã biết."
        )
    return (
        "This report answers the first questions of a survey: how many forms, where, drawn how, "
        "and how precise each district's index will be. The aim: every district's SIPAS index "
        f"within ±{e} percentage points at {c}% confidence. Every number below is computed from "
        "the data, and the plans are checked by drawing them many times from a population "
        "built from the ward frame and the previous survey's answers, whose true values are "
        "therefore known."
    )


def describe_frame(wards: pd.DataFrame, stratum: str, size: str, lang: str) -> str:
    """The frame in one sentence: wards, districts, dossiers."""
    n_w, n_d = len(wards), wards[stratum].nunique()
    N = float(wards[size].sum())
    if lang == "vi":
        return (
            f"Dàn chọn mẫu gồm **{number(n_w, lang, 0)}** phường/xã thuộc {n_d} quận/huyện, "
            f"với **{number(N, lang, 0)}** hồ sơ đã giải quyết trong năm. Mỗi quận/huyện là "
            "một tầng; phường/xã là đơn vị mẫu cấp 1, hồ sơ là đơn vị mẫu cấp 2."
        )
    return (
        f"The frame holds **{number(n_w, lang, 0)}** wards in {n_d} districts, with "
        f"**{number(N, lang, 0)}** dossiers completed in the year. Each district is a "
        "stratum; wards are the primary units and dossiers the second-stage units."
    )


def describe_previous(prev: object, lang: str) -> str:
    """Where the planning values come from: the previous survey or the parameters.

    ``prev`` is a :class:`~govsurvey.sampling.previous.PreviousSurvey`. A survey of returned
    forms only has no response rate: the text says so and that the plan then counts forms to
    be returned (it never assumes that every form comes back).

    Examples
    --------
    >>> from govsurvey.sampling.previous import PreviousSurvey
    >>> from govsurvey.sampling.report import describe_previous
    >>> p = PreviousSurvey(600, 0.05, False, 0.3, {}, None, "unknown", "district", "ward")
    >>> "response rate is unknown" in describe_previous(p, "en")
    True
    """
    r = number(prev.rho, lang, 4)
    s = number(100 * prev.sd, lang, 2)
    n = number(prev.respondents, lang, 0)
    vi = lang == "vi"
    if prev.rho_given:
        src = "tham số `rho`" if vi else "the parameter `rho`"
    else:
        src = (
            f"cuộc khảo sát trước, {n} người trả lời"
            if vi
            else (f"the previous survey, {n} respondents")
        )
    if prev.response_rate is None:
        rate = (
            "Tệp khảo sát trước chỉ có phiếu thu về (không có cột `responded`), nên **không "
            "biết tỷ lệ trả lời**: các cỡ mẫu dưới đây là số phiếu **cần thu về**; số phiếu "
            "phải phát lớn hơn (chia cho tỷ lệ trả lời dự kiến), hoặc ghi tỷ lệ đó vào tham số "
            "`response_rate` để kế hoạch tính số phiếu phát."
            if vi
            else "The previous survey's file holds returned forms only (no `responded` "
            "column), so **its response rate is unknown**: the sizes below are forms **to be "
            "returned**; more must be sent (divide by the expected response rate), or give that "
            "rate as the parameter `response_rate` and the plan counts the forms to send."
        )
    else:
        q = number(100 * prev.response_rate, lang, 2)
        how = {
            "parameter": ("tham số `response_rate`", "the parameter `response_rate`"),
            "data": ("như cuộc khảo sát trước: phiếu thu về trên phiếu phát",
                     "as in the previous survey: forms returned of forms sent"),
        }[prev.rate_source][0 if vi else 1]  # fmt: skip
        rate = (
            f"Tỷ lệ trả lời dự kiến **{q}%** ({how})."
            if vi
            else f"Expected response rate **{q}%** ({how})."
        )
    if vi:
        return (
            f"Hệ số tương quan nội cụm trong phường/xã ρ = **{r}** (từ {src}); độ lệch chuẩn "
            f"của tỷ lệ hài lòng của một người {s} điểm. {rate}"
        )
    return (
        f"Intra-class correlation within wards ρ = **{r}** (from {src}); the SD of a person's "
        f"share of satisfied answers {s} points. {rate}"
    )


def describe_sample(sample: pd.DataFrame, lang: str, seed: int, cluster: str = "psu") -> str:
    """The drawn sample in one sentence; the weight total is an estimate of the frame's count.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.sampling.report import describe_sample
    >>> s = pd.DataFrame({"psu": ["a", "a", "b"], "base_weight": [10.0, 10.0, 12.5]})
    >>> "ước lượng" in describe_sample(s, "vi", 1)
    True
    """
    n = len(sample)
    w = sample[cluster].nunique()
    tot = float(sample["base_weight"].sum())
    if lang == "vi":
        return (
            f"Mẫu được chọn với hạt giống ngẫu nhiên {seed} (chạy lại cho đúng mẫu này): "
            f"**{number(n, lang, 0)}** hồ sơ ở {w} phường/xã; tổng quyền số "
            f"{number(tot, lang, 0)} là một ước lượng của số hồ sơ của dàn chọn mẫu. Danh sách "
            "chỉ gồm mã đơn vị và số hồ sơ, không có thông tin cá nhân."
        )
    return (
        f"The sample was drawn with random seed {seed} (a rerun gives this very sample): "
        f"**{number(n, lang, 0)}** dossiers in {w} wards; the sample's weights add to "
        f"{number(tot, lang, 0)}, an estimate of the frame's number of dossiers. The list "
        "holds unit codes and dossier numbers only, no personal data."
    )
