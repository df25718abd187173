"""地区对比 in headless Chromium: a URL reproduces measure, scale and tab; controls write it."""

from __future__ import annotations

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
