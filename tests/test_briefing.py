"""简报包: a region's pack as PPTX and PDF, its slides and key-figure sentences checked against
the database (as of revision 1: other tests commit to the same database)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation

from analysis import headline
from exports import chrome
from exports.briefing import MAX_CHARTS, build_pack, region_pack, region_urls
from exports.jobs import clean_old, make_briefing_files
from exports.registry import RENDERERS
from exports.sentences import change_text, figure_sentence
from exports.views import ViewError
from figures.format import format_quantity
from settings import load_settings
from store import queries
from store.periods import parse_period
from tests.viewkit import pages_app

ZAOZHUANG = "370400"
needs_chromium = pytest.mark.skipif(
    not chrome.available(), reason="Debian chromium is not installed (make test installs it)"
)


@pytest.fixture(scope="module", autouse=True)
def _pages() -> None:
    pages_app()


@pytest.fixture(scope="module")
def pack(engine):  # type: ignore[no-untyped-def]
    return region_pack(engine, ZAOZHUANG, as_of=1)


def expected_sentence(engine, region: str, code: str) -> str:  # type: ignore[no-untyped-def]
    """The sentence written independently from the database: latest figure, and its 同比."""
    history = queries.region_history(engine, region, 1)
    rows = history[history["indicator_code"] == code].sort_values("sort_key")
    last = rows.iloc[-1]
    ind = queries.indicators(engine).loc[code]
    name = queries.regions(engine, [region]).iloc[0]["name_zh"]
    value = format_quantity(float(last["value"]), last["qualifier"], ind, "zh")
    text = f"{parse_period(last['period']).label('zh')}，{name}{ind['name_zh']}{value}"
    same_year = rows[(rows["period_kind"] == "year") & (rows["year"] == last["year"] - 1)]
    if last["period_kind"] == "year" and not same_year.empty:
        percent = (float(last["value"]) / float(same_year.iloc[-1]["value"]) - 1) * 100
        word = "增长" if percent > 0 else "下降"
        text += f"，较上年{word}{abs(round(percent))}%"
    return text + "。"


def test_region_urls_lead_with_the_chain_and_the_events_projects(engine) -> None:
    urls = region_urls(engine, ZAOZHUANG, as_of=1)
    assert len(urls) == MAX_CHARTS
    assert urls[0] == "/chain?rev=1&regions=370400"
    assert urls[1] == "/projects?rev=1&region=370400"
    assert all(u.startswith("/compare?") and "regions=370400" in u for u in urls[2:])
    # capacities are on the chain chart already; series of several years come first
    assert not any("cell_capacity" in u for u in urls)
    assert "tab=bar" not in urls[2]


def test_pack_has_six_charts_with_sentences_from_the_data(engine, pack) -> None:
    assert pack.title == "枣庄市电池产业集群简报"
    assert len(pack.views) == MAX_CHARTS and not pack.skipped
    assert pack.views[0].sentence == "枣庄市产业链9个环节中7个有数据。"
    assert pack.views[1].sentence == "2024新能源电池产业发展大会签约项目24个，总投资400余亿元。"
    for view in pack.views[2:]:
        code = view.frame["指标"].iloc[0]
        ind = queries.indicators(engine)
        indicator = ind[ind["name_zh"] == code].index[0]
        assert view.sentence == expected_sentence(engine, ZAOZHUANG, indicator)
    assert pack.as_of.startswith("数据截至") and "修订1" in pack.as_of
    assert any(s.startswith("2024新能源电池产业发展大会") for s in pack.sources)


def test_sentence_of_a_single_figure_and_of_a_change(engine) -> None:
    history = queries.region_history(engine, ZAOZHUANG, 1)
    ind = queries.indicators(engine)
    cell = figure_sentence(history, ind.loc["cell_capacity"], "枣庄市", "zh")
    assert cell == "2024年8月，枣庄市电芯年产能32GWh。"
    platforms = figure_sentence(history, ind.loc["innovation_platforms"], "枣庄市", "zh")
    assert "180余个" in platforms
    assert change_text(28.2, "exact", "zh") == "较上年增长28%"
    assert change_text(-5, "exact", "zh") == "较上年下降5%"
    assert change_text(12, "at_least", "zh") == "较上年增长约12%"
    assert change_text(0.2, "exact", "en") == "about the same as the year before"
    changes = headline.changes(history)
    assert all(c.previous_year == c.year - 1 for c in changes.values())


@needs_chromium
def test_pptx_has_title_chart_and_sources_slides(pack, tmp_path: Path) -> None:
    data = RENDERERS["pptx"].render(pack)
    prs = Presentation(io.BytesIO(data))
    slides = list(prs.slides)
    assert len(slides) == len(pack.views) + 2
    assert slides[0].shapes.title.text == "枣庄市电池产业集群简报"
    # the title and the lines under it are on the slide, one above the other, not piled up
    title, sub = slides[0].shapes.title, slides[0].placeholders[1]
    for shape in (title, sub):
        assert shape.height > 0 and shape.top > 0 and shape.top + shape.height <= prs.slide_height
        assert shape.left >= 0 and shape.left + shape.width <= prs.slide_width
    assert title.top + title.height <= sub.top
    cover = sub.text_frame.text.split("\n")
    assert cover[0] == "电池产业集群统计看板 · 新闻发布简报包"
    assert "电池产业集群统计看板" not in cover[1:]  # no bureau set: the subtitle names it
    for slide, view in zip(slides[1:-1], pack.views):
        assert slide.shapes.title.text == view.meta.title
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert view.sentence in texts
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1 and pictures[0].image.size[0] == 1920
        assert view.meta.source in slide.notes_slide.notes_text_frame.text
    assert slides[-1].shapes.title.text == "数据来源"
    last = "\n".join(s.text_frame.text for s in slides[-1].shapes if s.has_text_frame)
    assert all(source in last for source in pack.sources)
    (tmp_path / "pack.pptx").write_bytes(data)


@needs_chromium
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_briefing_pdf_pages_and_text(pack, tmp_path: Path) -> None:
    data = RENDERERS["briefing-pdf"].render(pack)
    path = tmp_path / "pack.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert f"Pages:           {len(pack.views) + 2}" in info
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "枣庄市电池产业集群简报" in text and "数据来源" in text
    assert "2024新能源电池产业发展大会签约项目24个，总投资400余亿元。" in text
    assert "数据来源：2024新能源电池产业发展大会新闻发布会" in text


def test_views_listed_by_hand_and_views_that_show_nothing(engine) -> None:
    pack = build_pack(
        engine,
        ["/compare?indicator=cell_capacity&regions=370400&rev=1", "/compare?indicator=nope"],
        title="简报",
        as_of=1,
    )
    assert [v.key for v in pack.views] == ["compare-line"]
    assert len(pack.skipped) == 1 and "nope" in pack.skipped[0]
    with pytest.raises(ViewError):
        region_pack(engine, "999999")


def test_a_pack_draws_every_view_in_its_language_and_revision(engine) -> None:
    """Links copied from pages seen in Chinese make English slides in an English pack."""
    pack = build_pack(
        engine,
        ["/compare?indicator=cell_capacity&regions=370400", "/chain?regions=370400&lang=zh"],
        title="Briefing",
        lang="en",
        as_of=1,
    )
    assert [v.meta.title for v in pack.views] == [
        "Battery cell capacity (GWh)",
        "Lithium-battery chain, link by link",
    ]
    assert all(v.meta.as_of.endswith("(revision 1)") for v in pack.views)
    english_link = "/compare?indicator=cell_capacity&regions=370400&lang=en"
    zh = build_pack(engine, [english_link], title="简报")
    assert zh.views[0].meta.title == "电芯年产能（GWh）"
    settings = load_settings({"BUREAU_NAME": "枣庄市能源局"})
    named = build_pack(engine, [], title="简报", settings=settings, as_of=1)
    assert named.cover[:2] == ["电池产业集群统计看板 · 新闻发布简报包", "枣庄市能源局"]


@needs_chromium
def test_job_writes_both_files_and_reports_progress(engine, tmp_path: Path) -> None:
    settings = load_settings({"INSTANCE_DIR": str(tmp_path), "BUREAU_NAME": "枣庄市能源局"})
    steps: list[int] = []
    files = make_briefing_files(
        engine,
        settings,
        region=None,
        urls=["/chain?regions=370400&rev=1", "/compare?indicator=pev_sales&regions=370400&rev=1"],
        lang="zh",
        as_of=1,
        step=lambda percent, _text: steps.append(percent),
    )
    folder = tmp_path / "exports" / files.token
    assert sorted(p.suffix for p in folder.iterdir()) == [".pdf", ".pptx"]
    assert steps == sorted(steps) and steps[-1] == 100
    assert files.pack.bureau == "枣庄市能源局"
    clean_old(tmp_path / "exports", now=10**12)
    assert not folder.exists()
