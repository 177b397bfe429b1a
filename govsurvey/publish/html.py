"""HTML of a run: code-free reports from executed notebooks, and the run's ``index.html``.

Everything is self-contained: styles inline, figures embedded as data URIs, nothing fetched
from the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["IndexEntry", "render_html", "render_index", "external_references"]

_EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe|source|video|audio)\b[^>]*?\b(?:src|href)\s*=\s*["']?"""
    r"""\s*(?:https?:)?//""",
    re.I,
)
_CSS_URL = re.compile(r"""url\(\s*["']?\s*(?:https?:)?//""", re.I)


def external_references(text: str) -> int:
    """How many network resources an HTML page would load (scripts, styles, images, CSS urls).

    Examples
    --------
    >>> external_references('<img src="data:image/png;base64,AA"><a href="https://x.org">x</a>')
    0
    >>> external_references('<script src="https://cdn.example/x.js"></script>')
    1
    """
    return len(_EXTERNAL.findall(text)) + len(_CSS_URL.findall(text))


def render_html(
    notebook: str | Path, html_path: str | Path, failure: bool = False, language: str = "en"
) -> Path:
    """Render an executed notebook as a code-free, self-contained HTML report.

    Code cells' input and prompts are left out and the parameters cells dropped; figures are
    embedded as data URIs; the page loads no script, style or font from the network. With
    ``failure=True`` (a notebook that stopped with an error) the failing cell's code is shown
    with its error, so the reader of the failed run sees where and why it stopped. The page's
    ``<html lang>`` is ``language`` (the run's: "vi" or "en").

    Raises
    ------
    RuntimeError
        If the page would still refer to a network resource (a bug in the template).

    Examples
    --------
    >>> from govsurvey.publish.html import render_html
    >>> render_html("reports/default/03_satisfaction_index.ipynb", "out.html")  # doctest: +SKIP
    PosixPath('out.html')
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    templates = resources.files("govsurvey") / "templates"
    nb = nbformat.read(str(notebook), as_version=4)
    nb.cells = [
        c
        for c in nb.cells
        if not {"parameters", "injected-parameters"} & set(c.get("metadata", {}).get("tags", []))
    ]
    title = _report_title(nb)
    if title:  # the page's <title>: the report's own heading, in the report's language
        nb.metadata["title"] = title
    if failure:
        for c in nb.cells:
            if c.cell_type != "code":
                continue
            failed = any(o.get("output_type") == "error" for o in c.get("outputs", []))
            tags = set(c.metadata.get("tags", []))
            if not failed:
                tags.add("govsurvey-hide-input")
            c.metadata["tags"] = sorted(tags)
        exporter = HTMLExporter(
            template_name="report",
            extra_template_basedirs=[str(templates)],
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            language_code=language,
        )
        exporter.register_preprocessor(
            TagRemovePreprocessor(remove_input_tags={"govsurvey-hide-input"}, enabled=True),
            enabled=True,
        )
    else:
        exporter = HTMLExporter(
            template_name="report",
            extra_template_basedirs=[str(templates)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            language_code=language,
        )
    body, _ = exporter.from_notebook_node(nb)
    if external_references(body):
        raise RuntimeError(f"{Path(notebook).name}: rendered HTML refers to network resources")
    Path(html_path).write_text(body, encoding="utf-8")
    return Path(html_path)


def _report_title(nb) -> str | None:
    """The first level-1 heading a report shows (a Markdown output or cell), without marks."""
    for c in nb.cells:
        texts = [c.source] if c.cell_type == "markdown" else [
            o.get("data", {}).get("text/markdown", "") for o in c.get("outputs", [])
        ]  # fmt: skip
        for t in texts:
            t = "".join(t) if isinstance(t, list) else str(t)
            m = re.search(r"^# (.+)$", t, re.M)
            if m:
                return m.group(1).strip().replace("*", "")
    return None


@dataclass
class IndexEntry:
    """One report of a run as the index lists it."""

    id: str
    title: str
    href: str | None
    status: str = "complete"  # complete | failed | not run
    note: str = ""


_TEXT = {
    "en": {
        "title": "Survey analysis run",
        "status": "Status",
        "complete": "complete",
        "failed": "failed",
        "interrupted": "interrupted",
        "not run": "not run",
        "reports": "Reports",
        "parameters": "Parameters",
        "name": "Parameter",
        "value": "Value",
        "files": "Files for re-checking",
        "figures": "every published figure at full precision",
        "manifest": "checksums of every input and output, parameters, versions",
        "verify": "To re-derive every figure and check every file",
        "failed_note": "This run did not complete. Nothing in this folder replaces an earlier "
        "complete run of the same name. The report of the notebook that stopped shows the step "
        "that failed and the error.",
        "generated": "Generated by govsurvey",
        "equal_weights": "none (every respondent weighs the same)",
        "suppressed": "cells suppressed (fewer respondents than min_cell, or hidden so that "
        "they cannot be worked out)",
    },
    "vi": {
        "title": "Kết quả phân tích khảo sát",
        "status": "Trạng thái",
        "complete": "hoàn tất",
        "failed": "thất bại",
        "interrupted": "bị dừng",
        "not run": "chưa chạy",
        "reports": "Báo cáo",
        "parameters": "Tham số",
        "name": "Tham số",
        "value": "Giá trị",
        "files": "Tệp để kiểm tra lại",
        "figures": "mọi số liệu đã công bố, đầy đủ chữ số",
        "manifest": "mã kiểm tra của mọi tệp đầu vào và đầu ra, tham số, phiên bản",
        "verify": "Để tính lại mọi số liệu và kiểm tra mọi tệp",
        "failed_note": "Lần chạy này không hoàn tất. Không tệp nào ở đây thay thế lần chạy hoàn "
        "tất trước đó cùng tên. Báo cáo của phần phân tích bị dừng cho biết bước bị lỗi và nội "
        "dung lỗi.",
        "equal_weights": "không có (mọi người trả lời có trọng số bằng nhau)",
        "generated": "Tạo bởi govsurvey",
        "suppressed": "ô bị ẩn (ít người trả lời hơn min_cell, hoặc ẩn thêm để không suy ra được)",
    },
}

_INDEX = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t.title }} — {{ run_name }}</title>
<style>
body { font-family: "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: #1f2933;
       max-width: 960px; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #d9e2ec; }
.status { display: inline-block; padding: .15rem .6rem; border-radius: .8rem;
          font-weight: 600; font-size: .9rem; }
.complete { background: #e3f9e5; color: #05400a; }
.failed, .interrupted { background: #ffe3e3; color: #610404; }
.notrun { background: #f0f4f8; color: #486581; }
.note { background: #fff8e1; border-left: 4px solid #f0b429; padding: .6rem 1rem; }
ul.reports li { margin: .4rem 0; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { text-align: left; padding: .25rem .8rem .25rem 0; border-bottom: 1px solid #f0f4f8;
         vertical-align: top; }
code { background: #f0f4f8; padding: .05rem .3rem; border-radius: .2rem; }
footer { margin-top: 2.5rem; color: #829ab1; font-size: .8rem; }
</style>
</head>
<body>
<h1>{{ t.title }}: {{ run_name }}</h1>
<p>{{ t.status }}: <span class="status {{ status|replace(' ', '') }}">{{ t[status] }}</span></p>
{% if status != "complete" %}<p class="note">{{ t.failed_note }}{% if failure %}<br>
<strong style="white-space: pre-line">{{ failure }}</strong>{% endif %}</p>{% endif %}
<h2>{{ t.reports }}</h2>
<ul class="reports">
{% for e in entries %}<li>{% if e.href %}<a href="{{ e.href }}">{{ e.title }}</a>{% else %}
{{ e.title }}{% endif %} <span class="status {{ e.status|replace(' ', '') }}">{{ t[e.status] }}
</span>{% if e.note %} — {{ e.note }}{% endif %}</li>
{% endfor %}</ul>
{% if suppressed %}<p>{{ suppressed }} {{ t.suppressed }}.</p>{% endif %}
<h2>{{ t.parameters }}</h2>
<table>
<tr><th>{{ t.name }}</th><th>{{ t.value }}</th></tr>
{% for k, v in parameters %}<tr><td><code>{{ k }}</code></td><td>{{ v }}</td></tr>
{% endfor %}</table>
{% if status == "complete" %}<h2>{{ t.files }}</h2>
<ul>
<li><a href="figures.json">figures.json</a>: {{ t.figures }}</li>
<li><a href="manifest.json">manifest.json</a>: {{ t.manifest }}</li>
</ul>
<p>{{ t.verify }}: <code>govsurvey verify reports/{{ run_name }}/</code></p>{% endif %}
<footer>{{ t.generated }} {{ version }}</footer>
</body>
</html>
"""


def _shown(v: Any) -> str:
    if isinstance(v, dict):
        return ", ".join(f"{k}: {_shown(x)}" for k, x in v.items())
    if isinstance(v, list | tuple):
        return ", ".join(_shown(x) for x in v)
    return "—" if v is None else str(v)


def render_index(
    path: str | Path,
    run_name: str,
    entries: list[IndexEntry],
    parameters: dict[str, Any],
    language: str = "en",
    status: str = "complete",
    failure: str = "",
    suppressed: int = 0,
    version: str = "",
) -> Path:
    """Write a run's styled, self-contained ``index.html`` in the run's language.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "index.html"
    >>> _ = render_index(p, "demo", [IndexEntry("03", "Chỉ số", "03.html")], {"min_cell": 30},
    ...                  language="vi")
    >>> html = p.read_text(encoding="utf-8")
    >>> '<html lang="vi">' in html, "hoàn tất" in html, external_references(html)
    (True, True, 0)
    """
    from jinja2 import Environment

    env = Environment(autoescape=True, keep_trailing_newline=True)
    lang = language if language in _TEXT else "en"
    text = env.from_string(_INDEX).render(
        lang=lang,
        t=_TEXT[lang],
        run_name=run_name,
        status=status,
        failure=failure,
        entries=entries,
        parameters=[
            (k, _TEXT[lang]["equal_weights"] if k == "weight" and not v else _shown(v))
            for k, v in parameters.items()
        ],
        suppressed=suppressed,
        version=version,
    )
    Path(path).write_text(text, encoding="utf-8")
    return Path(path)
