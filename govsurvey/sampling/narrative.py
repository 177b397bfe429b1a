"""Text of the sampling-design report, generated from the numbers (Vietnamese or English).

Every function takes result frames and returns Markdown; none computes a statistic.
"""

from __future__ import annotations

import math

import pandas as pd

from govsurvey.publish.i18n import check_language, num

__all__ = ["number", "describe_sizes", "describe_recommendation", "describe_simulation"]


def number(x: float, language: str = "vi", digits: int = 2) -> str:
    """A number as the language writes it: ``79,73`` and ``40.230`` in Vietnamese.

    Examples
    --------
    >>> from govsurvey.sampling.narrative import number
    >>> number(79.7312, "vi"), number(40230, "vi", 0), number(40230.5, "en", 1)
    ('79,73', '40.230', '40,230.5')
    """
    return num(x, language, digits)


def describe_sizes(
    N: int,
    margin: float,
    confidence: float,
    yamane_n: int,
    cochran_n: int,
    forms: int,
    language: str = "vi",
    returns_only: bool = False,
) -> str:
    """Why the plan's size differs from Yamane's formula (the Ministry's training material).

    ``returns_only``: the response rate is unknown, ``forms`` are forms to be returned.

    Examples
    --------
    >>> from govsurvey.sampling import describe_sizes
    >>> print(describe_sizes(700000, 0.05, 0.95, 400, 385, 17000, "en"))  # doctest: +ELLIPSIS
    For the whole area (700,000 dossiers) Yamane's formula gives **400** forms ...
    """
    lang = check_language(language)
    e = number(100 * margin, lang, 2)
    c = number(100 * confidence, lang, 0)
    if lang == "vi":
        return (
            f"Với toàn địa bàn ({number(N, lang, 0)} hồ sơ), công thức Yamane cho **"
            f"{number(yamane_n, lang, 0)}** phiếu và công thức Cochran (độ tin cậy {c}%, sai số "
            f"±{e} điểm phần trăm) cho **{number(cochran_n, lang, 0)}** phiếu. Hai con số này chỉ "
            "đủ cho một ước lượng chung của toàn địa bàn, với mẫu ngẫu nhiên đơn giản và mọi phiếu "
            "đều được trả lời. Muốn mỗi quận/huyện có sai số ±"
            f"{e} điểm khi chọn mẫu theo cụm phường/xã và có người không trả lời, kế hoạch "
            + (
                f"đề xuất cần thu về **{number(forms, lang, 0)}** phiếu (số phiếu phát lớn hơn)."
                if returns_only
                else f"đề xuất cần **{number(forms, lang, 0)}** phiếu."
            )
        )
    return (
        f"For the whole area ({number(N, lang, 0)} dossiers) Yamane's formula gives "
        f"**{number(yamane_n, lang, 0)}** forms and Cochran's ({c}% confidence, ±{e} "
        f"percentage points) **{number(cochran_n, lang, 0)}**. Either is enough only for one "
        "overall estimate from a simple random sample in which every form comes back. For "
        f"every district to be within ±{e} points, with wards as clusters and some people not "
        "answering, the recommended plan needs "
        + (
            f"**{number(forms, lang, 0)}** forms returned (more to be sent)."
            if returns_only
            else f"**{number(forms, lang, 0)}** forms."
        )
    )


def describe_recommendation(
    plan: pd.DataFrame,
    stratum: str,
    margin: float,
    per_cluster: int,
    response_rate: float | None,
    rho: float,
    language: str = "vi",
) -> str:
    """The recommended plan read out: totals, the design effect, the districts off target.

    ``response_rate`` None: the rate is unknown and the plan's forms are those to be returned.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.sampling import describe_recommendation
    >>> t = pd.DataFrame({"district": ["A", "B"], "clusters": [5, 4], "forms": [250, 200],
    ...                   "n_respondents": [175.0, 140.0], "deff": [1.7, 1.7],
    ...                   "margin": [4.8, 5.6]})
    >>> print(describe_recommendation(t, "district", 0.05, 50, 0.7, 0.02, "en"))
    ... # doctest: +ELLIPSIS
    The plan draws **9** wards and **450** forms ...
    """
    lang = check_language(language)
    wards = int(plan["clusters"].sum())
    forms = int(plan["forms"].sum())
    resp = float(plan["n_respondents"].sum())
    deff = float(plan["deff"].mean())
    target = 100 * margin
    off = plan[plan["margin"] > target + 1e-9]
    worst = plan.loc[plan["margin"].idxmax()]
    e = number(target, lang, 2)
    if lang == "vi":
        back = (
            f"với tỷ lệ trả lời dự kiến {number(100 * response_rate, lang, 2)}% sẽ thu về "
            f"khoảng {number(resp, lang, 0)} phiếu hợp lệ"
            if response_rate is not None
            else "đây là số phiếu phải thu về: tỷ lệ trả lời chưa biết, nên số phiếu phát "
            "phải lớn hơn"
        )
        text = (
            f"Kế hoạch chọn **{number(wards, lang, 0)}** phường/xã và **{number(forms, lang, 0)}"
            f"** phiếu ({per_cluster} phiếu mỗi phường/xã); {back}. Hệ số tương quan nội cụm ρ = "
            f"{number(rho, lang, 4)} làm hiệu ứng thiết kế bằng {number(deff, lang, 2)}: một "
            f"phiếu trong mẫu cụm có giá trị như {number(1 / deff, lang, 2)} phiếu của mẫu "
            "ngẫu nhiên đơn giản."
        )
        if len(off):
            text += (
                f" {len(off)} quận/huyện không đạt sai số ±{e} điểm vì không đủ phường/xã "
                f"để chọn; lớn nhất là {worst[stratum]} (±{number(worst['margin'], lang, 2)} "
                "điểm)."
            )
        else:
            text += (
                f" Mọi quận/huyện đều đạt sai số dự kiến ±{e} điểm hoặc nhỏ hơn (lớn nhất: "
                f"{worst[stratum]}, ±{number(worst['margin'], lang, 2)} điểm)."
            )
        return text
    back = (
        f"at the expected response rate of {number(100 * response_rate, lang, 2)}% about "
        f"{number(resp, lang, 0)} completed forms come back"
        if response_rate is not None
        else "these are forms to be returned: the response rate is unknown, so more must be sent"
    )
    text = (
        f"The plan draws **{number(wards, lang, 0)}** wards and **{number(forms, lang, 0)}** "
        f"forms ({per_cluster} per ward); {back}. The intra-class correlation "
        f"ρ = {number(rho, lang, 4)} makes the design "
        f"effect {number(deff, lang, 2)}: a form of the clustered sample is worth "
        f"{number(1 / deff, lang, 2)} of a simple random sample's."
    )
    if len(off):
        text += (
            f" {len(off)} district(s) cannot reach ±{e} points because they have too few wards "
            f"to draw; the widest is {worst[stratum]} (±{number(worst['margin'], lang, 2)} "
            "points)."
        )
    else:
        text += (
            f" Every district is expected within ±{e} points (the widest: {worst[stratum]}, "
            f"±{number(worst['margin'], lang, 2)} points)."
        )
    return text


def describe_simulation(
    summary: pd.DataFrame | None, confidence: float = 0.95, language: str = "vi"
) -> str:
    """The plans compared by simulation: margin, coverage and bias, overall and by district.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.sampling import describe_simulation
    >>> s = pd.DataFrame({"plan": ["P", "P"], "domain": ["all", "A"], "bias": [0.01, 0.1],
    ...                   "margin": [0.8, 4.0], "coverage": [0.95, 0.93],
    ...                   "se_ratio": [1.0, 0.97], "replications": [100, 100]})
    >>> print(describe_simulation(s, 0.95, "en"))  # doctest: +ELLIPSIS
    Each plan was drawn 100 times from a population built from the ward frame...
    """
    lang = check_language(language)
    if summary is None or summary.empty:
        return (
            "Không so sánh phương án nào (tham số `plans` để trống)."
            if lang == "vi"
            else "No plans were compared (the parameter `plans` is empty)."
        )
    reps = int(summary["replications"].max())
    nr = number(reps, lang, 0)
    lines = []
    c = number(100 * confidence, lang, 0)
    mc = number(200 * math.sqrt(confidence * (1 - confidence) / max(reps, 1)), lang, 2)
    if lang == "vi":
        lines.append(
            f"Mỗi phương án được chọn mẫu {nr} lần từ một tổng thể dựng từ dàn chọn mẫu và "
            "câu trả lời của cuộc khảo sát trước (nên biết giá trị thật của nó) và ước lượng "
            f"bằng đúng phương pháp của báo cáo. Khoảng tin cậy {c}% nên "
            f"chứa giá trị thật khoảng {c}% số lần; với {nr} lần mô phỏng, tỷ lệ bao phủ của "
            f"một quận/huyện tự nó dao động khoảng ±{mc} điểm phần trăm."
        )
    else:
        lines.append(
            f"Each plan was drawn {nr} times from a population built from the ward frame and "
            "the previous survey's answers (so its true values are known) and estimated with "
            f"the report's own method. A {c}% interval should hold "
            f"the true value about {c}% of the time; with {nr} samples one district's coverage "
            f"itself varies by about ±{mc} percentage points."
        )
    for plan, g in summary.groupby("plan", sort=False):
        city = g[g["domain"] == "all"]
        dist = g[g["domain"] != "all"]
        cm = number(city["margin"].iloc[0], lang, 2) if len(city) else "—"
        cc = number(100 * city["coverage"].iloc[0], lang, 2) if len(city) else "—"
        dm = number(dist["margin"].mean(), lang, 2) if len(dist) else "—"
        dc = number(100 * dist["coverage"].mean(), lang, 2) if len(dist) else "—"
        db = number(dist["bias"].abs().max(), lang, 2) if len(dist) else "—"
        if lang == "vi":
            lines.append(
                f"- **{plan}**: toàn địa bàn sai số ±{cm} điểm, khoảng tin cậy chứa giá trị "
                f"thật {cc}% số lần; trung bình quận/huyện ±{dm} điểm, chứa giá trị thật {dc}% "
                f"số lần; độ chệch lớn nhất của một quận/huyện {db} điểm."
            )
        else:
            lines.append(
                f"- **{plan}**: overall margin ±{cm} points, intervals held the truth {cc}% of "
                f"the time; districts ±{dm} points on average, {dc}% coverage; the largest "
                f"district bias {db} points."
            )
    notes = [_se_ratio_note(plan, g, lang) for plan, g in summary.groupby("plan", sort=False)]
    notes = [x for x in notes if x]
    text = "\n".join(lines[:1]) + "\n\n" + "\n".join(lines[1:])
    return text + ("\n\n" + " ".join(notes) if notes else "")


def _se_ratio_note(plan: str, g: pd.DataFrame, lang: str) -> str:
    """Why a plan's overall SE ratio lies outside 0.9–1.1, when its Monte Carlo interval does.

    The numbers are those of the comparison table's "Estimated / actual SE" column.
    """
    city = g[g["domain"] == "all"]
    if city.empty or "se_ratio_low" not in city:
        return ""
    r, lo, hi = (float(city[c].iloc[0]) for c in ("se_ratio", "se_ratio_low", "se_ratio_high"))
    if not (lo > 1.1 or hi < 0.9):
        return ""
    rs, los, his = (number(x, lang, 2) for x in (r, lo, hi))
    band = f"{number(0.9, lang, 2)}–{number(1.1, lang, 2)}"
    if lang == "vi":
        side = "rộng hơn cần thiết (thận trọng)" if lo > 1.1 else "hẹp hơn thực tế (quá lạc quan)"
        return (
            f"Với **{plan}**, sai số chuẩn ước lượng bằng {rs} lần độ biến động thật của các "
            f"ước lượng (khoảng Monte Carlo {los}–{his}), ngoài khoảng {band}: khoảng tin cậy "
            f"của phương án này {side}. Công thức phương sai của báo cáo coi các phường/xã "
            "được chọn có hoàn lại; cách chọn của phương án này (chọn hệ thống theo quy mô) "
            "khác điều đó và không có ước lượng phương sai không chệch, nên sai số của nó chỉ "
            "là gần đúng."
        )
    side = "wider than needed (conservative)" if lo > 1.1 else "narrower than they should be"
    return (
        f"For **{plan}**, the estimated SE is {rs} times the real variability of the estimates "
        f"(Monte Carlo interval {los}–{his}), outside {band}: this plan's intervals are "
        f"{side}. The report's variance formula treats the wards as drawn with replacement; "
        "this plan draws them otherwise (systematically, by size), a draw with no unbiased "
        "variance estimator, so its margins are approximate."
    )
