"""The 地图 page in headless Chromium: a shared link reproduces the map, the controls write the
URL (back works), a phone has no horizontal scroll, a click opens the region's comparison, and
nothing is fetched from outside the app (no tiles, no topojson from a CDN)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SCREENSHOT_DIR") or "/tmp")
GRAPH = "#map-graph .main-svg"


def _watch(page):  # type: ignore[no-untyped-def]
    page.requests, page.console_errors = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    return page


@pytest.fixture()
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield _watch(context.new_page())
    context.close()


def _assert_offline_and_clean(page, live_server) -> None:  # type: ignore[no-untyped-def]
    own = urlparse(live_server.url).netloc
    foreign = [
        u
        for u in page.requests
        if urlparse(u).scheme in {"http", "https", "ws", "wss"} and urlparse(u).netloc != own
    ]
    assert not foreign, f"requests left the app's host: {foreign}"
    assert not page.console_errors, page.console_errors


def _map_text(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("#map-graph").inner_text()


def _wait_for_text(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "(t) => document.querySelector('#map-graph')?.innerText.includes(t)",
        arg=text,
        timeout=30000,
    )


def _wait_drawn(page, count: int) -> None:  # type: ignore[no-untyped-def]
    """Until ``count`` regions are drawn: the browser reads the boundaries from the app
    (``/geo/…``) before plotly draws them, after the title."""
    page.wait_for_function(
        f"() => document.querySelectorAll('path.choroplethlocation').length >= {count}",
        timeout=30000,
    )


def test_a_shared_link_reproduces_the_map_and_back_works(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/map?indicator=resident_population&level=city&year=2010")
    page.locator(GRAPH).first.wait_for(timeout=30000)
    _wait_for_text(page, "常住人口（万人）")
    assert "2010年 · 地市级" in _map_text(page)
    assert page.locator("#map-level input[value='city']").is_checked()
    assert page.locator("#page-title").inner_text() == "地图"
    _wait_drawn(page, 370)  # every prefecture, once the boundaries are read

    page.locator("#map-graph").screenshot(path=str(SHOTS / "map-desktop-city.png"))

    page.locator("#map-level label", has_text="省级").click()
    page.wait_for_url("**level=province**", timeout=30000)
    _wait_for_text(page, "2020年 · 省级")  # another level: its latest year
    page.screenshot(path=str(SHOTS / "map-desktop.png"), full_page=True)
    page.go_back()
    _wait_for_text(page, "2010年 · 地市级")
    _assert_offline_and_clean(page, live_server)


def test_english_link(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/map?lang=en&indicator=eol_battery_weight&level=city")
    page.locator(GRAPH).first.wait_for(timeout=30000)
    _wait_for_text(page, "End-of-life power batteries (weight) (kt)")
    text = _map_text(page)
    assert "2024 · Prefectures" in text and "Boundaries: leiii/census" in text
    page.screenshot(path=str(SHOTS / "map-desktop-en.png"), full_page=True)
    _assert_offline_and_clean(page, live_server)


def test_phone_has_no_horizontal_scroll(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = _watch(context.new_page())
    for path in ("/map", "/map?level=city&indicator=pev_sales&lang=en"):
        page.goto(live_server.url + path)
        page.locator(GRAPH).first.wait_for(timeout=30000)
        page.wait_for_timeout(500)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 392, (path, width)
        box = page.locator("#map-graph").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    # not full_page: that stretches the viewport and plotly redraws while it is captured
    page.screenshot(path=str(SHOTS / "map-phone.png"))
    page.locator("#map-graph").screenshot(path=str(SHOTS / "map-phone-chart.png"))
    _assert_offline_and_clean(page, live_server)
    context.close()


def test_a_click_on_a_region_opens_its_comparison(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/map?indicator=resident_population&level=province&year=2020")
    page.locator(GRAPH).first.wait_for(timeout=30000)
    _wait_for_text(page, "常住人口（万人）")
    _wait_drawn(page, 31)
    # the middle of 河南省 (410000): a compact province, so its box's centre lies inside it
    box = page.evaluate(
        """() => {
            for (const el of document.querySelectorAll('#map-graph path.choroplethlocation')) {
                const d = el.__data__;
                if (d && (d.loc === '410000' || d.id === '410000')) {
                    const r = el.getBoundingClientRect();
                    return {x: r.x + r.width / 2, y: r.y + r.height / 2};
                }
            }
            return null;
        }"""
    )
    assert box, "no path for 410000"
    page.mouse.move(box["x"], box["y"])
    page.wait_for_timeout(300)
    page.mouse.click(box["x"], box["y"])
    page.wait_for_url("**/compare?**", timeout=30000)
    query = parse_qs(urlparse(page.url).query)
    assert query["regions"] == ["410000"] and query["indicator"] == ["resident_population"]
    page.wait_for_function(
        "() => document.querySelector('#page-title')?.innerText.includes('地区对比')",
        timeout=30000,
    )
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".some(g => g.innerText.includes('河南省'))",
        timeout=30000,
    )
    _assert_offline_and_clean(page, live_server)
