"""Exports in a browser: the menu gives a file, the first export after start-up does not time
out (Chromium is warmed in the background), the briefing page shows its progress and gives a
PPTX and a PDF."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation

from tests.conftest import LiveServer
from tests.viewkit import assert_offline_and_clean, open_page, shot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A server of its own: this module's first export is the first one after start-up."""
    server = LiveServer(tmp_path_factory.mktemp("export-live"))
    yield server
    server.stop()


@pytest.fixture()
def page(browser, fresh_server):  # type: ignore[no-untyped-def]
    yield from open_page(browser, fresh_server, accept_downloads=True)


def test_first_export_after_start_up_downloads_a_png(page, fresh_server, tmp_path: Path) -> None:
    page.goto(fresh_server.url + "/chain?regions=370400,320400")
    page.locator("#chain-chart .main-svg").first.wait_for(timeout=30000)
    page.locator("#export-menu .dropdown-toggle").click()
    item = page.locator("#export-menu-chain-png-slide")
    item.wait_for(timeout=10000)
    start = time.monotonic()
    with page.expect_download(timeout=30000) as info:
        item.click()
    download = info.value
    elapsed = time.monotonic() - start
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.suffix == ".png" and "产业链" in download.suggested_filename
    assert Image.open(path).size == (1920, 1080)
    assert elapsed < 15, f"the first export took {elapsed:.1f} s"
    shot(page, "export-menu-chain")
    assert_offline_and_clean(page, fresh_server)


def test_overview_exports_its_figures_as_xlsx(page, fresh_server, tmp_path: Path) -> None:
    page.goto(fresh_server.url + "/?region=370400")
    page.locator("#card-cell_capacity").wait_for(timeout=30000)
    page.locator("#export-menu .dropdown-toggle").click()
    with page.expect_download(timeout=30000) as info:
        page.locator("#export-menu-xlsx").click()
    path = tmp_path / "x.xlsx"
    info.value.save_as(path)
    import openpyxl

    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert any(r and "电芯年产能" in r for r in rows)


def test_briefing_page_makes_a_pack_with_progress(page, fresh_server, tmp_path: Path) -> None:
    page.goto(fresh_server.url + "/briefing?region=370400")
    page.locator("#briefing-make").wait_for(timeout=30000)
    page.locator("#briefing-make").click()
    page.locator("#briefing-progress-box.mt-3").wait_for(timeout=15000)  # the bar shows
    page.locator("#briefing-download-pptx").wait_for(timeout=120000)
    assert page.locator("#briefing-progress-box").get_attribute("class") == "d-none"
    slides = page.locator("#briefing-slides li")
    assert slides.count() == 6
    assert "枣庄市产业链9个环节中7个有数据" in slides.first.inner_text()
    shot(page, "briefing-ready")
    with page.expect_download(timeout=30000) as info:
        page.locator("#briefing-download-pptx").click()
    data = Path(info.value.path()).read_bytes()
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) == 8
    with page.expect_download(timeout=30000) as info:
        page.locator("#briefing-download-pdf").click()
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    assert info.value.suggested_filename.endswith(".pdf")
    assert_offline_and_clean(page, fresh_server)
