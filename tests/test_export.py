"""Exports: each chart as PNG/SVG/PDF, the data behind it as XLSX/CSV, checked as files.

Pictures are decoded (size, not blank), PDFs read back with pdftotext and pdffonts, workbooks
opened with openpyxl and compared with the database. Views read the shipped data as of
revision 1 (other tests commit to the same database).
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from PIL import Image

from exports import chrome
from exports.images import SIZES, dress, footer_lines, is_footer
from exports.meta import ChartMeta
from exports.pdftext import fix_cmap, ideograph
from exports.registry import CHART_FORMATS, RENDERERS
from exports.views import ViewError, resolve, resolve_one, split_url
from store import queries
from tests.viewkit import pages_app

COMPARE = "/compare?indicator=cell_capacity&regions=370400&rev=1"
TREND = "/compare?indicator=eol_battery_weight&regions=370400,420100&start=2016&end=2024&rev=1"
SHOTS = Path("/tmp/dashboard-shots")

needs_chromium = pytest.mark.skipif(
    not chrome.available(), reason="Debian chromium is not installed (make test installs it)"
)
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed"
)


@pytest.fixture(scope="module", autouse=True)
def _pages() -> None:
    pages_app()  # pages.* register themselves with an app that uses pages


def _pdftext(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pdffonts(data: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "f.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return [line.split() for line in out[2:] if line.strip()]


# --- views: what a URL shows ----------------------------------------------------------------


def test_registry_has_every_format() -> None:
    assert set(RENDERERS) == {"png", "svg", "pdf", "xlsx", "csv", "pptx", "briefing-pdf"}
    assert set(CHART_FORMATS) == {"png", "svg", "pdf", "xlsx", "csv"}
    for r in RENDERERS.values():
        assert r.media_type and r.extension and callable(r.render)


def test_split_url_takes_paths_and_full_addresses() -> None:
    assert split_url("/compare?indicator=x&lang=en") == (
        "/compare",
        {"indicator": "x", "lang": "en"},
    )
    assert split_url("http://127.0.0.1:8050/map/?level=city") == ("/map", {"level": "city"})
    assert split_url("/") == ("/", {})


def test_compare_view_is_the_pages_chart_with_its_words(engine) -> None:
    views = resolve(TREND, engine)
    assert [v.key for v in views] == ["compare-line", "compare-bar"]
    line = views[0]
    assert line.meta.title == "退役动力电池重量（万吨）"
    assert line.meta.unit == "万吨" and line.meta.period == "2016—2024"
    assert line.meta.source.startswith("数据来源：")
    assert line.meta.as_of.startswith("数据截至") and "修订1" in line.meta.as_of
    # the bar tab opens first when the URL says so
    assert resolve(TREND + "&tab=bar", engine)[0].key == "compare-bar"


def test_compare_table_holds_the_databases_figures(engine) -> None:
    view = resolve_one(TREND, engine)
    series = queries.compare_series(
        engine, "eol_battery_weight", ["370400", "420100"], 2016, 2024, 1
    )
    frame = view.frame
    assert len(frame) == len(series)
    got = {(r["区划代码"], r["时期"]): r["数值"] for _, r in frame.iterrows()}
    for _, r in series.iterrows():
        assert got[(r["entity_code"], f"{r['year']}年")] == pytest.approx(r["value"] / 1e4)
    assert set(frame["单位"]) == {"万吨"}


def test_unknown_views_say_why(engine) -> None:
    with pytest.raises(ViewError, match="nope"):
        resolve("/compare?indicator=nope&rev=1", engine)
    with pytest.raises(ViewError):
        resolve("/sources", engine)
    with pytest.raises(ViewError):
        resolve("/compare?rev=99999", engine)
    with pytest.raises(ViewError):
        resolve_one(COMPARE, engine, chart="compare-pie")


@pytest.mark.parametrize(
    ("url", "keys"),
    [
        ("/map?indicator=resident_population&level=province&rev=1", ["map"]),
        ("/chain?regions=370400,320400&rev=1", ["chain"]),
        ("/projects?rev=1", ["projects-classes-2024-new-energy-battery-conference"]),
    ],
)
def test_other_pages_resolve(engine, url: str, keys: list[str]) -> None:
    views = resolve(url, engine)
    assert [v.key for v in views][: len(keys)] == keys
    for view in views:
        assert view.figure is not None and not view.frame.empty
        assert view.meta.title and view.meta.source and view.sentence


def test_overview_exports_its_table(engine) -> None:
    view = resolve_one("/?region=370400&rev=1", engine)
    assert view.figure is None
    cell = view.frame[view.frame["指标"] == "电芯年产能"].iloc[0]
    assert (cell["数值"], cell["单位"], cell["原文写法"]) == (32.0, "GWh", "32GWh")


# --- pictures --------------------------------------------------------------------------------


def test_dress_replaces_the_footer_and_sets_the_size(engine) -> None:
    view = resolve_one(TREND, engine)
    fig = dress(view.figure, view.meta, SIZES["print"])
    footers = [a for a in fig.layout.annotations if is_footer(a)]
    assert len(footers) == 1
    text = footers[0].text
    assert "数据来源：" in text and "数据截至" in text and "制图：" in text
    assert (fig.layout.width, fig.layout.height) == (793.7, 561.3)
    assert "单位：万吨" in fig.layout.title.subtitle.text
    go.Figure(fig.to_dict())  # valid for plotly


def test_footer_lines_wrap_and_name_the_bureau() -> None:
    meta = ChartMeta(
        title="t",
        source="数据来源：甲；乙",
        note="注：“+”表示“余/超过”",
        as_of="数据截至x",
        bureau="枣庄市能源局",
    )
    assert footer_lines(meta, 80) == [
        "数据来源：甲",
        "乙",
        "注：“+”表示“余/超过”",
        "数据截至x　制图：枣庄市能源局",
    ]

    def width(line: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in {"W", "F"} else 1 for c in line)

    assert all(width(line) <= 20 for line in footer_lines(meta, 20))


@needs_chromium
@pytest.mark.parametrize("size", ["slide", "print"])
def test_png_has_the_size_chosen_and_is_not_blank(engine, size: str) -> None:
    view = resolve_one(TREND, engine)
    data = RENDERERS["png"].render(view, size_key=size)
    image = Image.open(io.BytesIO(data))
    assert image.size == SIZES[size].pixels
    assert image.size == {"slide": (1920, 1080), "print": (2480, 1754)}[size]
    assert round(image.info["dpi"][0]) == SIZES[size].dpi
    pixels = np.asarray(image.convert("L"), dtype=float)
    assert pixels.std() > 10  # lines, text and labels on white, not a blank page
    assert (pixels < 128).mean() > 0.005
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"export-trend-{size}.png").write_bytes(data)


@needs_chromium
@needs_poppler
def test_pdf_has_title_source_line_and_embedded_fonts(engine, tmp_path: Path) -> None:
    view = resolve_one("/chain?regions=370400&rev=1", engine)
    data = RENDERERS["pdf"].render(view, size_key="print")
    assert data.startswith(b"%PDF")
    text = _pdftext(data, tmp_path)
    assert "锂电池产业链各环节" in text
    assert "数据来源：2024新能源电池产业发展大会新闻发布会" in text  # 大, not the radical ⼤
    assert "数据截至" in text and "16万吨" in text
    fonts = _pdffonts(data, tmp_path)
    assert fonts and all(row[-5] == "yes" for row in fonts)  # the "emb" column


@needs_chromium
def test_svg_holds_its_title_as_text(engine) -> None:
    view = resolve_one(COMPARE, engine)
    svg = RENDERERS["svg"].render(view).decode("utf-8")
    assert svg.lstrip().startswith("<svg") and "电芯年产能（GWh）" in svg
    assert "数据来源：2024新能源电池产业发展大会新闻发布会" in svg


@needs_chromium
def test_map_renders_offline_with_its_own_base_map(engine) -> None:
    view = resolve_one("/map?indicator=resident_population&level=province&rev=1", engine)
    data = RENDERERS["png"].render(view, size_key="slide")
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=int)
    blue = (pixels[..., 2] > pixels[..., 0] + 40).mean()
    assert blue > 0.05  # the provinces are coloured
    (SHOTS / "export-map-slide.png").write_bytes(data)


def test_radicals_in_a_pdf_text_layer_become_characters() -> None:
    assert ideograph("\u2f24") == "大" and ideograph("\u2ec5") == "见"
    cmap = "/CIDInit\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n2 beginbfchar\n"
    cmap += "<01> <2F24>\n<02> <4F1A>\nendbfchar\nendcmap\n"
    fixed = fix_cmap(cmap)
    assert fixed is not None and "<01> <5927>" in fixed and "<02> <4F1A>" in fixed
    assert fix_cmap(cmap.replace("2F24", "5927")) is None


# --- the data behind a chart -----------------------------------------------------------------


def test_xlsx_has_a_header_block_and_the_databases_numbers(engine) -> None:
    view = resolve_one(TREND, engine)
    book = openpyxl.load_workbook(io.BytesIO(RENDERERS["xlsx"].render(view)))
    rows = list(book.active.iter_rows(values_only=True))
    header = {r[0]: r[1] for r in rows[:8] if r and r[0]}
    assert header["标题"] == "退役动力电池重量（万吨）"
    assert header["单位"] == "万吨"
    assert header["数据来源"].startswith("各城市退役动力电池")
    assert header["数据版本"].startswith("数据截至")
    start = next(i for i, r in enumerate(rows) if r and r[0] == "地区")
    table = pd.DataFrame(rows[start + 1 :], columns=rows[start])
    series = queries.compare_series(
        engine, "eol_battery_weight", ["370400", "420100"], 2016, 2024, 1
    )
    assert len(table) == len(series)
    for (_, got), (_, want) in zip(table.iterrows(), series.iterrows()):
        assert got["区划代码"] == want["entity_code"]
        assert got["数值"] * 1e4 == pytest.approx(want["value"])


def test_csv_starts_with_a_bom_and_neutralises_formulas(engine) -> None:
    view = resolve_one(COMPARE, engine)
    view.frame.loc[0, "原文写法"] = '=HYPERLINK("http://x")'
    view.frame.loc[0, "来源"] = "@SUM(A1)"
    data = RENDERERS["csv"].render(view)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["地区"] == "枣庄市" and float(rows[0]["数值"]) == 32.0
    assert rows[0]["原文写法"].startswith("'=") and rows[0]["来源"].startswith("'@")
    book = openpyxl.load_workbook(io.BytesIO(RENDERERS["xlsx"].render(view)))
    values = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert '\'=HYPERLINK("http://x")' in values and not any(
        isinstance(v, str) and v.startswith(("=", "@", "+")) for v in values
    )


def test_english_view_exports_english_words(engine) -> None:
    view = resolve_one(COMPARE + "&lang=en", engine)
    assert view.meta.title.startswith("Battery cell capacity") or "GWh" in view.meta.title
    assert view.meta.source.startswith("Source:")
    assert list(view.frame.columns)[:2] == ["Region", "Region code"]
    assert view.meta.as_of.startswith("Data as of")


def test_bureau_name_and_logo_come_from_settings(engine, tmp_path: Path) -> None:
    from settings import load_settings

    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 40), "#1f5fa8").save(logo)
    settings = load_settings(
        {"INSTANCE_DIR": str(tmp_path), "BUREAU_NAME": "枣庄市能源局", "BUREAU_LOGO": str(logo)}
    )
    view = resolve_one(COMPARE, engine, settings)
    assert view.meta.bureau == "枣庄市能源局"
    assert view.meta.logo.startswith("data:image/png;base64,")
    fig = dress(view.figure, view.meta, SIZES["slide"])
    assert len(fig.layout.images) == 1 and fig.layout.images[0].source == view.meta.logo
    english = resolve_one(COMPARE + "&lang=en", engine, settings)
    assert english.meta.bureau == "枣庄市能源局"  # no English name set: the Chinese one
    unset = resolve_one(COMPARE, engine)
    assert unset.meta.bureau == "电池产业集群统计看板" and unset.meta.logo == ""


def test_alliances_charts_are_read_off_the_page(engine) -> None:
    from flask import Flask

    with Flask("t").app_context():
        views = resolve("/alliances?rev=1", engine)
    keys = [v.key for v in views]
    assert keys[:3] == ["alliances-composition", "alliances-growth", "alliances-hosts"]
    hosts = views[2]
    assert hosts.meta.source.startswith("数据来源：")
    counts = dict(zip(hosts.frame["类别"], hosts.frame["数值"]))
    assert counts["枣庄市"] == 3.0


@pytest.mark.parametrize(
    ("module", "params", "item"),
    [
        ("compare", {"indicator": "cell_capacity", "regions": "370400"}, "compare-bar-xlsx"),
        ("map", {"indicator": "resident_population"}, "map-png-print"),
        ("chain", {"regions": "370400"}, "chain-pdf-slide"),
        ("projects", {}, "projects-classes-2024-new-energy-battery-conference-svg-slide"),
        ("overview", {"region": "370400"}, "csv"),
    ],
)
def test_chart_pages_include_the_export_menu(engine, module: str, params, item: str) -> None:
    import importlib

    from flask import Flask

    from tests.viewkit import by_id

    page = importlib.import_module(f"pages.{module}")
    with Flask("t").app_context():
        layout = page.layout(lang="zh", rev="1", **params)
    link = by_id(layout, f"export-menu-{item}")
    assert link.href.startswith("/export/chart?url=%2F")
    assert "rev%3D1" in link.href


def test_a_failed_export_links_back_to_its_page_without_script() -> None:
    """The error page's way back is a plain link (the CSP runs no javascript: URL), to the
    page the export was asked from, and never to another site."""
    from exports.web import error_page

    page = error_page("exports.bad_format", 400, back="/compare?indicator=x&a=<b>", format="x")
    body = page.get_data(as_text=True)
    assert page.status_code == 400 and "javascript:" not in body
    assert "href='/compare?indicator=x&amp;a=&lt;b&gt;'" in body
    for elsewhere in ("https://example.com/", "//example.com/", "javascript:alert(1)"):
        assert "href='/'" in error_page("exports.bad_format", 400, back=elsewhere).get_data(
            as_text=True
        )
