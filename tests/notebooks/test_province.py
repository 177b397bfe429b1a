"""A province's own survey through every notebook, in Vietnamese and in English.

The province (``tests/notebooks/province.py``): 600 returned forms over 3 districts, no
``responded`` column, the template's empty ``disposition`` column, no design columns, no
``exp_*``, label variants typed by clerks; its own ward frame whose columns are named otherwise
than the survey's, and a frame of census counts to weight to. Each run is one ``govsurvey run``
(slow: about a minute each); the tests read the statements a reader would act on.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
_SPEC = importlib.util.spec_from_file_location("province", Path(__file__).with_name("province.py"))
province = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(province)
build = province.build


def _run(folder: Path, language: str, **change) -> tuple[Path, str]:
    params = build(folder, language=language)
    if change:
        p = yaml.safe_load(params.read_text("utf-8"))
        p.update(change)
        params.write_text(yaml.safe_dump(p, allow_unicode=True), "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "govsurvey", "run", str(params)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return folder / "reports" / "province", done.stderr


def _text(page: Path) -> str:
    s = page.read_text("utf-8")
    s = re.sub(r"<style.*?</style>", "", s, flags=re.S)
    s = re.sub(r"<img[^>]*>", " [figure] ", s)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", s)))


def _title(page: Path) -> str:
    return re.search(r"<title>(.*?)</title>", page.read_text("utf-8")).group(1)


@pytest.fixture(scope="module")
def vi(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("province-vi"), "vi")


@pytest.fixture(scope="module")
def en(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("province-en"), "en", plans=[])


@pytest.mark.parametrize("which", ["vi", "en"])
def test_every_notebook_completes_quietly(which, request):
    run, stderr = request.getfixturevalue(which)
    manifest = json.loads((run / "manifest.json").read_text("utf-8"))
    assert manifest["notebooks"] == ["01", "02", "03", "04", "05"]
    # no waves and no desk forms named: report 05 says so and shows no embedded data
    t05 = _text(run / "05_trends.html")
    assert "no figures" in t05 or "không có số liệu" in t05
    assert "Thanh Xuân" not in t05 and "Chương Mỹ" not in t05
    for page in sorted(run.glob("0[1-4]_*.html")):
        assert "Traceback" not in page.read_text("utf-8"), page.name
        assert _title(page) not in ("Notebook", "", page.stem), page.name
    assert "IPKernelApp" not in stderr and "KeyboardInterrupt" not in stderr, stderr


def test_sampling_design_on_the_province_frame(vi, en):
    t = _text(vi[0] / "01_sampling_design.html")
    assert _title(vi[0] / "01_sampling_design.html") == "Thiết kế mẫu khảo sát SIPAS"
    # the province's own districts, in Vietnamese order, and never "the whole city"
    assert "Toàn thành phố" not in t and "Whole city" not in t and "Toàn địa bàn" in t
    assert t.index("Cái Răng 3") < t.index("Đông Hòa 3") < t.index("Ninh Kiều 4")
    # returned forms only: the rate is unknown and said so, never 100% assumed
    assert "không biết tỷ lệ trả lời" in t and "Số phiếu cần thu về" in t
    assert "tỷ lệ trả lời dự kiến 100,00%" not in t
    # the weight total is an estimate of the frame's count
    assert "là một ước lượng của số hồ sơ của dàn chọn mẫu" in t
    assert "Mỗi phương án được chọn mẫu 10 lần từ một tổng thể dựng từ dàn chọn mẫu" in t
    e = _text(en[0] / "01_sampling_design.html")
    assert "No plans were compared (the parameter plans is empty)." in e
    assert "its response rate is unknown" in e and "All districts" in e


def test_response_report_on_returned_forms_only(vi, en):
    t = _text(vi[0] / "02_response_bias.html")
    assert "Tệp dữ liệu không có cột responded" in t
    assert "không tính được tỷ lệ trả lời (AAPOR)" in t
    assert "Người trả lời so với khung mẫu" in t  # against the frame's margins
    assert "AAPOR RR1 là" not in t  # no rate printed
    e = _text(en[0] / "02_response_bias.html")
    assert "What it can still do : hold the respondents against the frame's margins" in e
    m = re.search(r"Final weights range from ([\d.,]+) to ([\d.,]+) \(ratio to the base weight "
                  r"([\d.,]+) to ([\d.,]+)\)", e)  # fmt: skip
    assert m, e[:3000]
    # no weight column: the base weight is 1, so the ratio is the final weight itself
    assert m.group(1) == m.group(3) and m.group(2) == m.group(4)


def test_index_and_drivers_agree_and_read_from_their_numbers(vi, en):
    t3 = _text(vi[0] / "03_satisfaction_index.html")
    t4 = _text(vi[0] / "04_drivers.html")
    no_rate = "Tệp dữ liệu không có cột cho biết đơn vị nào đã trả lời"
    assert no_rate in t3 and no_rate in t4
    assert "tỷ lệ trả lời 100,00%" not in t3 + t4
    weights = "cân chỉnh biên (raking) theo khung mẫu"
    assert weights in t3 and weights in t4
    # report 03: the answers set missing listed, the districts in Vietnamese order, rank words
    # chosen from the intervals, a conclusion, no Hà Nội baseline
    assert "Các câu trả lời được coi là để trống hoặc viết lại theo danh mục mã" in t3
    assert "79,73" not in t3
    table = t3[t3.index("Bảng 4.") :]
    assert table.index("Cái Răng") < table.index("Đông Hòa") < table.index("Ninh Kiều")
    assert "3 trong 3 quận/huyện có khoảng thứ hạng chỉ một bậc" in t3
    assert "rộng" not in t3[t3.index("Xếp theo giá trị ước lượng") :][:300]
    concl = t3[t3.index("Kết luận cho lãnh đạo") :]
    assert "Chỉ số SIPAS chung: " in concl and "Chưa đạt" in concl
    assert "Thang màu cố định từ 40,00% đến 100,00%" in t3
    # report 04: facts with interval and n, the IPA's caveat, no exp_* needed
    assert re.search(r"\d+,\d\d% \(\d+,\d\d% [–−] \d+,\d\d%; n = \d+\)", t4)
    assert "phiếu trả lời đủ mọi thành phần" in t4
    assert "Tệp dữ liệu không có các câu hỏi mong đợi" in t4
    e3 = _text(en[0] / "03_satisfaction_index.html")
    assert "Conclusion for officials" in e3 and "79.73" not in e3
