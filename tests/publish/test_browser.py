"""Notebook 03's reports opened in headless Chromium: no console error, no network request,
every image described, and the Vietnamese report free of English sentences.

Two runs: the default parameters in Vietnamese (the embedded synthetic city, with truth,
targets, baseline and Thanh Xuân's target), and a small province file in English (300 rows,
other district names, no weight, design or response column, no truth, no targets; districts all
below ``min_cell`` and a domain named like an output column, ``level``). Skipped, with the
reason, when Chromium or the websocket client is absent.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from govsurvey.publish import i18n

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "03_satisfaction_index.ipynb"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
websocket = pytest.importorskip("websocket", reason="websocket-client is not installed")


def _render(tmp: Path, lang: str, **params: object) -> Path:
    import papermill as pm

    from govsurvey.publish.html import render_html

    out = tmp / f"03-{lang}.ipynb"
    pm.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters={"language": lang, **params},
        cwd=str(NOTEBOOK.parent),
        progress_bar=False,
    )
    html = tmp / f"03-{lang}.html"
    try:
        render_html(out, html, language=lang)
    except TypeError:  # pragma: no cover - an export without the language argument
        render_html(out, html)
    return html


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _open(html: Path, profile: Path) -> dict[str, object]:
    """Load ``html`` in headless Chromium through the DevTools protocol; collect what happened."""
    port = _free_port()
    proc = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            f"--user-data-dir={profile}",
            f"--remote-debugging-port={port}",
            # Chromium 111+ refuses a DevTools websocket whose Origin it was not told to allow.
            "--remote-allow-origins=*",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        targets = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=1) as r:
                    targets = json.loads(r.read())
                if any(t.get("type") == "page" for t in targets):
                    break
            except OSError:
                pass
            time.sleep(0.1)
        assert targets, "Chromium did not open its DevTools port"
        page = next(t for t in targets if t.get("type") == "page")
        ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True
        )
        ids = iter(range(1, 10**6))
        events: list[dict] = []

        def call(method: str, **params: object) -> dict:
            i = next(ids)
            ws.send(json.dumps({"id": i, "method": method, "params": params}))
            while True:
                msg = json.loads(ws.recv())
                if msg.get("id") == i:
                    return msg.get("result", {})
                events.append(msg)

        for domain in ("Page", "Runtime", "Log", "Network"):
            call(f"{domain}.enable")
        call("Page.navigate", url=html.as_uri())
        deadline = time.time() + 60
        while time.time() < deadline and not any(
            e.get("method") == "Page.loadEventFired" for e in events
        ):
            events.append(json.loads(ws.recv()))
        time.sleep(0.5)  # late console messages
        ws.settimeout(0.5)
        try:
            while True:
                events.append(json.loads(ws.recv()))
        except websocket.WebSocketTimeoutException:
            pass
        ws.settimeout(30)
        script = (
            "JSON.stringify({alts: Array.from(document.images).map(i => i.getAttribute('alt')),"
            " lang: document.documentElement.lang, text: document.body.innerText})"
        )
        page_data = json.loads(call("Runtime.evaluate", expression=script)["result"]["value"])
        ws.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
    errors = [
        e["params"]
        for e in events
        if (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")
        or e.get("method") == "Runtime.exceptionThrown"
        or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
    ]
    requests = [
        e["params"]["request"]["url"]
        for e in events
        if e.get("method") == "Network.requestWillBeSent"
        and not e["params"]["request"]["url"].startswith(("file:", "data:", "about:"))
    ]
    return {"errors": errors, "requests": requests, **page_data}


@pytest.fixture(scope="module")
def vi_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("report-vi")
    html = _render(tmp, "vi")
    return {"html": html, **_open(html, tmp / "profile")}


@pytest.fixture(scope="module")
def province_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """300 rows of the embedded data renamed as another province's, with no design columns."""
    tmp = tmp_path_factory.mktemp("report-province")
    src = pd.read_csv(ROOT / "data" / "synthetic" / "responses.csv", dtype=str)
    d = src[src["responded"] == "1"].sample(300, random_state=3)
    names = {v: f"Huyện Sông {i:02d}" for i, v in enumerate(sorted(d["district"].unique()))}
    d = d.assign(district=d["district"].map(names), respondent_id=range(1, 301))
    d = d.drop(columns=["base_weight", "stratum", "psu", "fpc1", "fpc2", "responded"])
    d.iloc[3, d.columns.get_loc("C5_2")] = "rất ổn"  # words that are neither a code nor a label
    d.to_csv(tmp / "province.csv", index=False)
    none = dict.fromkeys(
        [
            "truth",
            "frame",
            "weight",
            "strata",
            "psu",
            "fpc",
            "targets",
            "baseline",
            "baseline_year",
            "gain",
            "gain_high",
            "gain_unit",
            "unit_targets",
            "unit_target_year",
        ]
    )
    html = _render(
        tmp,
        "en",
        responses=str(tmp / "province.csv"),
        domains=["district", "level", "mode"],
        weighting="none",  # no frame and no response column: the design weights, said so
        **none,
    )
    return {"html": html, **_open(html, tmp / "profile")}


@pytest.mark.parametrize("name", ["vi_report", "province_report"])
def test_no_console_error_no_network_every_image_described(name, request):
    r = request.getfixturevalue(name)
    assert r["errors"] == []
    assert r["requests"] == []
    assert len(r["alts"]) >= 2
    assert all(a and a.strip() for a in r["alts"]), r["alts"]
    assert "No description has been provided" not in r["text"]


def test_vietnamese_report_has_no_english_sentence(vi_report):
    text = vi_report["text"]
    assert vi_report["lang"] == "vi"
    alts = " ".join(vi_report["alts"])
    found = [s for s in i18n.english_strings() if s in text or s in alts]
    assert found == []
    assert "Biểu đồ" in alts and "khoảng tin cậy 95%" in alts  # alt text in Vietnamese too
    for word in ("confidence interval", "Figure ", "Table ", "suppressed", "level_domain"):
        assert word not in text
    # numbered figures and tables, a plan's figures to two decimals, the named unit's target
    assert "Hình 1." in text and "Bảng 1." in text
    assert "79,73%" in text and "Thanh Xuân" in text and "85,00%" in text
    assert "cận dưới một phía 95%" in text


def test_province_report_is_honest_about_its_data(province_report):
    text = province_report["text"]
    assert province_report["lang"] == "en"
    assert "synthetic" not in text and "true value" not in text  # no truth file given
    assert "response rate" not in text.replace("no response rate is computed", "")
    assert "every respondent counts equally" in text  # equal weights, stated
    assert "not adjusted for nonresponse" in text
    assert "No group by district has the 30 respondents needed" in text  # all suppressed
    assert "level_domain" not in text and "By level" in text  # the domain's label
    assert "Targets and the baseline" not in text and "target" not in text.lower()
    assert "79.73" not in text and "Thanh Xuân" not in text  # no Hà Nội figures
    # the unreadable answer is accounted for, not dropped silently
    assert "could not be read and are treated as missing" in text or "exclusion" in text
