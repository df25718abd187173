"""地区对比 in headless Chromium: a URL reproduces measure, scale and tab; controls write it."""

from __future__ import annotations

import json

import pytest

from tests.test_browser import _assert_offline_and_clean, _shot, page  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

VIEW = "/compare?indicator=pev_sales&regions=370400,320400&measure=per_capita&scale=log"


def test_url_reproduces_measure_scale_and_ranking(page, live_server):  # noqa: F811
    page.goto(live_server.url + VIEW)
    page.locator("#compare-line .main-svg").first.wait_for(timeout=30000)
    chart = page.locator("#compare-line").inner_text()
    assert "电动乘用车销量（辆/万人）" in chart and "每万人" in chart
    assert page.locator("#compare-log").is_checked()
    notes = page.locator("#compare-notes").inner_text()
    assert "常住人口取2020年数据" in notes
    assert "人口普查" in page.locator("#compare-source").inner_text()  # the denominator's source
    # the ranking tab, chosen by a click, is in the URL; a reload opens it again
    page.get_by_role("tab", name="排名").click()
    page.wait_for_url("**tab=rank**", timeout=30000)
    page.reload()
    page.wait_for_function(
        "() => document.querySelector('#compare-ranking')?.innerText.includes('枣庄市')",
        timeout=30000,
    )
    ranking = page.locator("#compare-ranking").inner_text()
    assert "2023年地级行政区排名（每万人）" in ranking and "枣庄市" in ranking
    _shot(page, "compare-rank")
    _assert_offline_and_clean(page, live_server)


def test_measure_control_writes_the_url_and_back_restores(page, live_server):  # noqa: F811
    page.goto(live_server.url + "/compare?indicator=pev_sales&regions=370400")
    page.locator("#compare-line .main-svg").first.wait_for(timeout=30000)
    page.locator("#compare-measure").click()
    page.get_by_role("option", name="同比增速").click()
    page.wait_for_url("**measure=yoy**", timeout=30000)
    page.wait_for_function(
        "() => document.querySelector('#compare-line')?.innerText.includes('+66.9%')",
        timeout=30000,
    )
    page.go_back()
    page.wait_for_function(
        "() => document.querySelector('#compare-line')?.innerText.includes('万辆')",
        timeout=30000,
    )
    _assert_offline_and_clean(page, live_server)


def test_phone_compare_with_measure_has_no_horizontal_scroll(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    pg = context.new_page()
    for view in (VIEW + "&lang=en", VIEW + "&tab=rank", VIEW + "&tab=table"):
        pg.goto(live_server.url + view)
        pg.locator("#compare-tabs").wait_for(timeout=30000)
        pg.wait_for_timeout(500)
        width = pg.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 392, (view, width)
    _shot(pg, "phone-compare-measure")
    context.close()


def test_shared_link_keeps_its_years_and_adds_no_history(page, live_server):  # noqa: F811
    view = "/compare?indicator=pev_sales&regions=370400,320400&start=2018&end=2020&measure=yoy"
    page.goto(live_server.url + view)
    page.locator("#compare-line .main-svg").first.wait_for(timeout=30000)
    page.wait_for_timeout(1500)  # the controls' first callbacks have run
    assert "start=2018" in page.url and "end=2020" in page.url
    assert page.evaluate("history.length") <= 2


# --- the map tab ------------------------------------------------------------------------------

MAP_VIEW = "/compare?indicator=pev_sales&regions=370400,320400&measure=per_capita&tab=map"
MAP_GRAPH = "#compare-map .main-svg"
# a point inside the region's own path (plotly's drag layer lies over the paths, so the test
# is geometric: the point, in the path's coordinates, is in its fill)
_POINT_OF = """(code) => {
    for (const el of document.querySelectorAll('#compare-map path.choroplethlocation')) {
        const d = el.__data__;
        if (!d || (d.loc !== code && d.id !== code)) continue;
        const r = el.getBoundingClientRect();
        const inverse = el.getScreenCTM().inverse();
        const grid = [];  // points of the box, the middle first
        for (let i = 1; i < 8; i++) for (let j = 1; j < 8; j++) grid.push([i, j]);
        grid.sort((a, b) => Math.hypot(a[0] - 4, a[1] - 4) - Math.hypot(b[0] - 4, b[1] - 4));
        for (const [i, j] of grid) {
            const x = r.x + r.width * i / 8, y = r.y + r.height * j / 8;
            if (el.isPointInFill(new DOMPoint(x, y).matrixTransform(inverse))) return {x, y};
        }
    }
    return null;
}"""


def _map_text(pg) -> str:  # type: ignore[no-untyped-def]
    return pg.locator("#compare-map").inner_text()


def _wait_names(pg, names: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Wait until the map names exactly ``names``: the regions chosen, outlined."""
    pg.wait_for_function(
        "(want) => JSON.stringify([...document.querySelectorAll("
        "'#compare-map .scattergeo text')].map(t => t.textContent).sort()) === want",
        arg=json.dumps(sorted(names), ensure_ascii=False, separators=(",", ":")),
        timeout=30000,
    )


def _click_region(pg, code: str) -> None:  # type: ignore[no-untyped-def]
    point = pg.evaluate(_POINT_OF, code)
    assert point, f"no point of {code} on the map"
    pg.mouse.move(point["x"], point["y"])
    pg.wait_for_timeout(300)
    pg.mouse.click(point["x"], point["y"])
    pg.mouse.move(1, 1)  # the hover label of the region goes away


def test_url_with_tab_map_reproduces_the_map(page, live_server):  # noqa: F811
    page.goto(live_server.url + MAP_VIEW)
    page.locator(MAP_GRAPH).first.wait_for(timeout=30000)
    _wait_names(page, ["枣庄市", "常州市"])  # the regions chosen are outlined and named
    text = _map_text(page)
    assert "电动乘用车销量（辆/万人）" in text and "2023年 · 地市级，每万人" in text
    page.wait_for_function(  # the boundaries are read from the app, then drawn
        "() => document.querySelectorAll('#compare-map path.choroplethlocation').length >= 370",
        timeout=30000,
    )
    assert page.locator("#compare-tabs .nav-link.active").inner_text() == "地图"
    assert "人口普查" in page.locator("#compare-source").inner_text()
    assert "点击地图上的地区" in page.locator("#compare-notes").inner_text()
    _shot(page, "compare-map")
    _assert_offline_and_clean(page, live_server)


def test_a_click_on_the_map_adds_the_region_and_back_takes_it_out(page, live_server):  # noqa: F811
    page.goto(live_server.url + MAP_VIEW)
    page.locator(MAP_GRAPH).first.wait_for(timeout=30000)
    _wait_names(page, ["枣庄市", "常州市"])
    _click_region(page, "410100")  # 郑州市: not chosen yet
    page.wait_for_url("**regions=370400%2C320400%2C410100**", timeout=30000)
    _wait_names(page, ["枣庄市", "常州市", "郑州市"])
    assert "tab=map" in page.url
    assert "已选 3 项" in page.locator("#compare-regions").inner_text()
    _shot(page, "compare-map-added")
    page.go_back()
    page.wait_for_url("**regions=370400,320400&**", timeout=30000)
    _wait_names(page, ["枣庄市", "常州市"])
    page.go_forward()
    _wait_names(page, ["枣庄市", "常州市", "郑州市"])
    # a second click on a region chosen takes it out again
    page.wait_for_timeout(500)
    _click_region(page, "410100")
    page.wait_for_url("**regions=370400%2C320400&**", timeout=30000)
    _wait_names(page, ["枣庄市", "常州市"])
    _assert_offline_and_clean(page, live_server)


def test_the_map_tab_chosen_by_a_click_is_in_the_url_and_back_works(page, live_server):  # noqa: F811
    page.goto(live_server.url + "/compare?indicator=pev_sales&regions=370400,320400")
    page.locator("#compare-line .main-svg").first.wait_for(timeout=30000)
    page.get_by_role("tab", name="地图").click()
    page.wait_for_url("**tab=map**", timeout=30000)
    page.locator(MAP_GRAPH).first.wait_for(timeout=30000)
    page.wait_for_function(
        "() => document.querySelector('#compare-map')?.innerText.includes('万辆')",
        timeout=30000,
    )
    page.go_back()
    page.locator("#compare-line .main-svg").first.wait_for(timeout=30000)
    assert page.locator("#compare-tabs .nav-link.active").inner_text() == "趋势"
    page.go_forward()
    page.locator(MAP_GRAPH).first.wait_for(timeout=30000)
    assert page.locator("#compare-tabs .nav-link.active").inner_text() == "地图"
    _assert_offline_and_clean(page, live_server)


def test_phone_map_tab_has_no_horizontal_scroll(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    pg = context.new_page()
    for view in (MAP_VIEW, MAP_VIEW + "&lang=en", MAP_VIEW.replace("per_capita", "per_area")):
        pg.goto(live_server.url + view)
        pg.locator(MAP_GRAPH).first.wait_for(timeout=30000)
        pg.wait_for_timeout(800)
        width = pg.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 392, (view, width)
        box = pg.locator("#compare-map").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    # not full_page: that stretches the viewport and plotly redraws while it is captured
    _shot(pg, "phone-compare-map")
    context.close()


_LABELS = """() => [...document.querySelectorAll('#compare-map .trace.scattergeo text')].map(t => {
    const r = t.getBoundingClientRect();
    return {name: t.textContent, shown: getComputedStyle(t).visibility !== 'hidden',
            covered: t.getAttribute('data-covered'), box: [r.left, r.top, r.right, r.bottom]};
})"""
NEIGHBOURS = "/compare?indicator=pev_sales&regions=370400,320400,320200,320500&tab=map"


def _overlap(a: list[float], b: list[float]) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > 2 and min(a[3], b[3]) - max(a[1], b[1]) > 2


def test_names_that_would_cover_each_other_are_left_out_and_said_so(browser, live_server):
    """On a phone, 常州 无锡 苏州 (neighbours) cannot all be named: the names shown never
    cover each other, every chosen region keeps its outline, and a note says why."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    pg = context.new_page()
    pg.goto(live_server.url + NEIGHBOURS)
    _wait_names(pg, ["无锡市", "常州市", "枣庄市", "苏州市"])  # all four in the figure
    pg.wait_for_function(
        "() => [...document.querySelectorAll('#compare-map .trace.scattergeo text')]"
        ".every(t => t.hasAttribute('data-covered'))",
        timeout=30000,
    )
    labels = pg.evaluate(_LABELS)
    shown = [lab for lab in labels if lab["shown"]]
    assert 2 <= len(shown) < len(labels), labels  # some fit, not all of them
    for i, a in enumerate(shown):
        assert not any(_overlap(a["box"], b["box"]) for b in shown[i + 1 :]), labels
    for lab in labels:  # each hidden one would have covered a name shown
        assert lab["covered"] == ("false" if lab["shown"] else "true")
        if not lab["shown"]:
            assert any(_overlap(lab["box"], b["box"]) for b in shown), lab
    note = pg.locator("#compare-notes .map-names-hidden")
    note.wait_for(state="visible", timeout=10000)
    assert "放不下的地区名称已省去" in note.inner_text()
    _shot(pg, "phone-compare-map-names")
    context.close()
    # on a desktop, two cities 3° apart: both named, and no note
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.goto(live_server.url + MAP_VIEW)
    _wait_names(pg, ["枣庄市", "常州市"])
    pg.wait_for_function(
        "() => [...document.querySelectorAll('#compare-map .trace.scattergeo text')]"
        ".every(t => t.getAttribute('data-covered') === 'false')",
        timeout=30000,
    )
    assert not pg.locator("#compare-notes .map-names-hidden").is_visible()
    context.close()


def test_a_view_change_redraws_the_results_only_and_links_follow(page, live_server):  # noqa: F811
    """Controls, tabs and back/forward change only the results: the router leaves the page
    (navbar, controls and their option lists) as it is, the links that carry the view follow
    the URL, and back puts the controls as they were."""
    responses: list = []

    def record(response) -> None:  # type: ignore[no-untyped-def]
        responses.append(response)

    page.goto(live_server.url + "/compare?indicator=pev_sales&regions=370400")
    page.locator("#compare-line .main-svg").first.wait_for(timeout=30000)
    page.wait_for_timeout(1000)  # the controls' first callbacks have run
    page.evaluate("() => { document.getElementById('compare-years').dataset.kept = 'yes'; }")
    page.on("response", record)
    page.locator("#compare-measure").click()
    page.get_by_role("option", name="同比增速").click()
    page.wait_for_url("**measure=yoy**", timeout=30000)
    page.wait_for_function(
        "() => document.querySelector('#compare-line')?.innerText.includes('+66.9%')",
        timeout=30000,
    )
    # the controls are the same elements: nothing drew the page again
    answers = [r.text() for r in responses if r.status == 200 and "_dash-update" in r.url]
    assert page.evaluate("() => document.getElementById('compare-years').dataset.kept") == "yes"
    assert not any('"_pages_content"' in a for a in answers), "the router drew the page again"
    assert any('"compare-results"' in a for a in answers), "no results callback"
    switch = page.get_attribute("#lang-switch", "href") or ""
    assert "measure=yoy" in switch and "lang=en" in switch
    login = page.get_attribute("#nav-login", "href") or ""
    assert "measure%3Dyoy" in login  # the way back after signing in is this view
    # back: the results and the measure control as they were, still without a new page
    page.go_back()
    page.wait_for_function(
        "() => document.querySelector('#compare-line')?.innerText.includes('万辆')",
        timeout=30000,
    )
    page.wait_for_function(
        "() => document.querySelector('#compare-measure')?.innerText.includes('绝对值')",
        timeout=30000,
    )
    assert page.evaluate("() => document.getElementById('compare-years').dataset.kept") == "yes"
    assert "measure" not in (page.get_attribute("#lang-switch", "href") or "")
    # the language switch draws the whole page, in English, with the view kept
    page.locator("#lang-switch").click()
    page.wait_for_url("**lang=en**", timeout=30000)
    page.wait_for_function(
        "() => document.querySelector('#page-title')?.innerText.includes('Compare')",
        timeout=30000,
    )
    assert "regions=370400" in page.url
    assert page.evaluate("() => document.getElementById('compare-years').dataset.kept") is None
    _assert_offline_and_clean(page, live_server)
