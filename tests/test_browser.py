"""What a person sees in headless Chromium: every page, a real figure, both languages, offline."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "")) if os.environ.get("SCREENSHOT_DIR") else None

# path, text that proves real data in Chinese, text in English after the switch
PAGES = [
    ("/", "#card-cathode_capacity", "16万吨", "160 kt"),
    ("/?region=棗莊", "#card-innovation_platforms", "180余个", "180+ platforms"),
    ("/compare", "#compare-source", "数据来源", "Source"),
    ("/alliances", "#tianjin-new-energy-battery-talent-alliance", "40余家", "40+ members"),
    ("/sources?source=003_308c4ca4e02d20c0", "#source-detail", "16万吨", "160 kt"),
]


@pytest.fixture()
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.requests, pg.console_errors = [], []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    yield pg
    context.close()


def _assert_offline_and_clean(page, live_server) -> None:
    own = urlparse(live_server.url).netloc
    foreign = [
        u
        for u in page.requests
        if urlparse(u).scheme in {"http", "https", "ws", "wss"} and urlparse(u).netloc != own
    ]
    assert not foreign, f"requests left the machine: {foreign}"
    assert not page.console_errors, page.console_errors


def _shot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("path", "selector", "zh", "en"), PAGES)
def test_page_shows_real_figure_in_both_languages(page, live_server, path, selector, zh, en):
    page.goto(live_server.url + path)
    target = page.locator(selector)
    target.wait_for(timeout=30000)
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel)?.innerText.includes(text)",
        arg=[selector, zh],
        timeout=30000,
    )
    assert page.locator("#page-title").inner_text()
    assert page.locator("html").get_attribute("lang") or True
    name = path.strip("/").split("?")[0] or "overview"
    _shot(page, f"{name}-zh")

    page.locator("#lang-switch").click()
    page.wait_for_url("**lang=en**", timeout=30000)
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel)?.innerText.includes(text)",
        arg=[selector, en],
        timeout=30000,
    )
    assert page.locator("#nav-compare").inner_text() == "Compare"
    _shot(page, f"{name}-en")
    _assert_offline_and_clean(page, live_server)


def test_compare_chart_and_state_in_url(page, live_server):
    page.goto(live_server.url + "/compare?indicator=resident_population&regions=370400,420100")
    page.locator("#compare-line .main-svg").first.wait_for(timeout=30000)
    svg = page.locator("#compare-line").inner_text()
    assert "常住人口" in svg and "枣庄市" in svg and "武汉市" in svg
    # change the indicator: the URL takes the new state and the chart follows it
    page.locator("#compare-indicator").click()
    page.get_by_role("option", name="退役动力电池重量").click()
    page.wait_for_url("**indicator=eol_battery_weight**", timeout=30000)
    page.wait_for_function(
        "() => document.querySelector('#compare-line')?.innerText.includes('退役动力电池重量')",
        timeout=30000,
    )
    _shot(page, "compare-eol")
    page.go_back()
    page.wait_for_function(
        "() => document.querySelector('#compare-line')?.innerText.includes('常住人口')",
        timeout=30000,
    )
    _assert_offline_and_clean(page, live_server)


def test_phone_viewport_has_no_horizontal_scroll(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    pg = context.new_page()
    for path in ("/", "/compare", "/alliances", "/sources"):
        pg.goto(live_server.url + path)
        pg.locator("#page-title").wait_for(timeout=30000)
        pg.wait_for_timeout(500)
        width = pg.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 392, (path, width)
        _shot(pg, f"phone{path.replace('/', '-') or '-overview'}")
    context.close()


def test_as_of_revision_shows_the_past(page, live_server, tmp_path):
    import csv

    from tests.conftest import run_cli

    upload = tmp_path / "cells.csv"
    with upload.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(
            [
                ["地区", "指标", "时期", "数值", "单位", "限定", "来源"],
                ["枣庄市", "电芯年产能", "2024年8月", "40", "GWh", "", "测试"],
            ]
        )
    env = {"INSTANCE_DIR": str(live_server.instance), "DATABASE_URL": ""}
    proc = run_cli("data", "import", str(upload), env=env)
    assert proc.returncode == 0, proc.stderr

    card = "#card-cell_capacity"
    page.goto(live_server.url + "/")
    page.wait_for_function(
        "(s) => document.querySelector(s)?.innerText.includes('40GWh')", arg=card, timeout=30000
    )
    assert page.locator("#as-of-banner").count() == 0
    page.goto(live_server.url + "/?rev=1")
    page.wait_for_function(
        "(s) => document.querySelector(s)?.innerText.includes('32GWh')", arg=card, timeout=30000
    )
    assert "修订 1" in page.locator("#as-of-banner").inner_text()
    # the navigation keeps the past state
    assert "rev=1" in page.locator("#nav-compare").get_attribute("href")
    _shot(page, "overview-as-of")
    _assert_offline_and_clean(page, live_server)


def test_desktop_navbar_fits_one_line_in_both_languages(browser, live_server):
    """Every page, 简报包 among them, is one click away on a 1280 px screen, in Chinese and in
    English, on one line, and no link's words are broken across two."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    for lang in ("zh", "en"):
        pg.goto(live_server.url + f"/sources?lang={lang}")
        pg.locator("#nav-briefing").wait_for(timeout=30000)
        assert pg.evaluate("() => document.querySelector('.navbar').offsetHeight") <= 60, lang
        heights = pg.evaluate(
            "() => [...document.querySelectorAll('.navbar .nav-link')].map(a => a.offsetHeight)"
        )
        assert max(heights) <= 44, (lang, heights)  # one line of text each
    assert pg.locator("#nav-briefing").get_attribute("href") == "/briefing?lang=en"
    context.close()
