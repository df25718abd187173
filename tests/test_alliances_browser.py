"""联盟 and 成员单位 in headless Chromium: a URL reproduces the comparison and a member's page,
a click on a member opens its page (and back), the controls write the URL, a phone never
scrolls sideways. Shipped data only (the live server's own database)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest

from tests.viewkit import assert_offline_and_clean, open_page, phone_width, shot, wait_text

pytestmark = pytest.mark.browser

TIANJIN = "tianjin-new-energy-battery-talent-alliance"
STORAGE = "large-energy-storage-ecosystem-consortium"
LISHEN = "天津力神电池股份有限公司"
VIEW = f"/alliances?alliances={STORAGE},{TIANJIN}&indicator=anode_capacity&lang=en"
LISHEN_PAGE = f"/organisation?name={quote(LISHEN)}&kind=enterprise"


@pytest.fixture()
def page(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    yield from open_page(browser, live_server)


def _charts_drawn(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("#alliances-composition .main-svg").first.wait_for(timeout=30000)
    page.locator("#alliances-hosts .main-svg").first.wait_for(timeout=30000)


def test_url_reproduces_the_comparison(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + VIEW)
    _charts_drawn(page)
    for _ in range(2):  # as opened, then after a reload: the same view
        composition = page.locator("#alliances-composition").inner_text()
        assert "Named members by type" in composition and "as of each source's date" in composition
        assert "Tianjin New Energy Battery Talent" in composition
        assert "Zaozhuang Lithium Battery Industry Alliance" not in composition
        growth = page.locator("#alliances-growth").inner_text()
        assert "40+" in growth and "2021–2024" in growth
        notes = page.locator("#alliances-growth-section").inner_text()
        assert "4 members by their joining date, 16 by the alliance's founding year" in notes
        assert "Anode material capacity" in page.locator("#alliances-indicator").inner_text()
        assert "Anode material capacity" in page.locator("#alliances-sum-none").inner_text()
        hosts = page.locator("#alliances-hosts-table").inner_text()
        assert "Nankai, Tianjin" in hosts and "Wuhan" in hosts and "Zaozhuang" not in hosts
        assert page.locator(f"#{TIANJIN}").count() == 1
        assert page.locator("#zaozhuang-lithium-battery-industry-alliance").count() == 0
        page.reload()
        _charts_drawn(page)
    page.wait_for_timeout(1000)  # the controls' first callbacks have run: the URL stays
    assert page.url == live_server.url + VIEW
    shot(page, "alliances-compare-en")
    assert_offline_and_clean(page, live_server)


def test_a_click_on_a_member_opens_its_page_and_back(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + f"/alliances?alliances={TIANJIN}")
    _charts_drawn(page)
    page.locator(f"#{TIANJIN} a.member-link", has_text=LISHEN).click()
    page.wait_for_url("**/organisation?**", timeout=30000)
    wait_text(page, "#organisation-facts", "天津市")
    assert page.locator("#page-title").inner_text() == LISHEN
    facts = page.locator("#organisation-facts").inner_text()
    assert "企业" in facts and "据名称判断" in facts
    assert "数据库中还没有该单位自己的数据" in page.locator("#organisation-no-figures").inner_text()
    shot(page, "organisation-zh")
    # its alliance, a link back to the alliance page showing that alliance
    page.locator("#organisation-alliances a.organisation-alliance-link").first.click()
    page.wait_for_url(f"**/alliances?alliances={TIANJIN}", timeout=30000)
    _charts_drawn(page)
    page.go_back()
    wait_text(page, "#page-title", LISHEN)
    page.go_back()
    _charts_drawn(page)
    assert page.url.endswith(f"/alliances?alliances={TIANJIN}")
    assert_offline_and_clean(page, live_server)


def test_url_reproduces_an_organisation_page(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + f"/organisation?name={quote('陈军')}&kind=person&lang=en")
    wait_text(page, "#page-title", "Chen Jun")
    facts = page.locator("#organisation-facts").inner_text()
    assert "Person" in facts and "Vice-President of Nankai University" in facts
    alliances = page.locator("#organisation-alliances").inner_text()
    assert "Tianjin New Energy Battery Talent" in alliances and "Lead" in alliances
    page.locator("#lang-switch").click()
    page.wait_for_url("**/organisation?name=**", timeout=30000)
    wait_text(page, "#page-title", "陈军")
    assert "lang=en" not in page.url and "kind=person" in page.url
    assert_offline_and_clean(page, live_server)


def test_the_indicator_control_writes_the_url_and_back_restores(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/alliances")
    _charts_drawn(page)
    wait_text(page, "#alliances-sum-none", "电芯年产能")
    page.locator("#alliances-indicator").click()
    page.get_by_role("option", name="授权专利数").click()
    page.wait_for_url("**indicator=patents_granted**", timeout=30000)
    wait_text(page, "#alliances-sum-none", "授权专利数")
    page.go_back()
    wait_text(page, "#alliances-sum-none", "电芯年产能")
    assert "indicator=" not in page.url
    assert_offline_and_clean(page, live_server)


@pytest.mark.parametrize(
    ("path", "ready", "name"),
    [
        ("/alliances", "#alliances-growth .main-svg", "phone-alliances-zh"),
        ("/alliances?lang=en", "#alliances-growth .main-svg", "phone-alliances-en"),
        (LISHEN_PAGE, "#organisation-alliances", "phone-organisation-zh"),
        (LISHEN_PAGE + "&lang=en", "#organisation-alliances", "phone-organisation-en"),
    ],
)
def test_phone_has_no_horizontal_scroll(browser, live_server, path, ready, name) -> None:  # type: ignore[no-untyped-def]
    assert phone_width(browser, live_server, path, ready, name) <= 392
