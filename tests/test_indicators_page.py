"""指标说明: per-indicator counts and sources, search, the page and its links to /compare."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from store import queries
from store.queries_indicators import catalogue, catalogue_frame, search_catalogue, usage
from tests.viewkit import (
    assert_offline_and_clean,
    by_id,
    open_page,
    pages_app,
    phone_width,
    shot,
    texts,
    wait_text,
    walk,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = "003_308c4ca4e02d20c0"


def _shipped() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted((ROOT / "data" / "shipped").glob("observations_*.csv")):
        with path.open(encoding="utf-8") as fh:
            rows += list(csv.DictReader(fh))
    return rows


# --- pure ------------------------------------------------------------------------------------

CATALOGUE = pd.DataFrame(
    [
        {"code": "a_capacity", "name_zh": "甲产能", "name_en": "A capacity", "category": "capacity"}
        | {"description_zh": "甲的年产能", "description_en": "Annual capacity of A"},
        {"code": "b_count", "name_zh": "乙数", "name_en": "B count", "category": "enterprises"}
        | {"description_zh": "乙的数量", "description_en": "Number of B"},
    ]
).set_index("code", drop=False)
USED = pd.DataFrame(
    [
        ["a_capacity", "s2", "来源二", "Source 2", 5, 5, 3, 2020, 2022],
        ["a_capacity", "s1", "来源一", "Source 1", 3, 1, 2, 2018, 2024],
    ],
    columns=[
        "indicator_code",
        "source_key",
        "source_title_zh",
        "source_title_en",
        "figures",
        "region_figures",
        "entities",
        "year_from",
        "year_to",
    ],
)


def test_catalogue_frame_sums_per_indicator() -> None:
    df = catalogue_frame(CATALOGUE, USED)
    a, b = df.loc["a_capacity"], df.loc["b_count"]
    assert (a["figures"], a["region_figures"], a["sources"]) == (8, 6, 2)  # 5 + 3, 5 + 1
    assert (a["year_from"], a["year_to"]) == (2018, 2024)
    assert a["source_titles_zh"] == ["来源二", "来源一"] and a["source_figures"] == [5, 3]
    assert (b["figures"], b["sources"]) == (0, 0)
    assert pd.isna(b["year_from"])  # no figure: no years, not a made-up one
    assert list(df.index) == ["a_capacity", "b_count"]


@pytest.mark.parametrize(
    ("q", "category", "expected"),
    [
        ("甲", None, ["a_capacity"]),
        ("CAPACITY", None, ["a_capacity"]),  # any case
        ("ｃａｐａｃｉｔｙ", None, ["a_capacity"]),  # full-width letters
        ("number b", None, ["b_count"]),  # every word, anywhere
        ("number a", None, []),
        ("", "enterprises", ["b_count"]),
        ("甲", "enterprises", []),
        (None, None, ["a_capacity", "b_count"]),
    ],
)
def test_search(q: str | None, category: str | None, expected: list[str]) -> None:
    assert search_catalogue(catalogue_frame(CATALOGUE, USED), q, category).index.tolist() == (
        expected
    )


# --- on the shipped data ---------------------------------------------------------------------


def test_usage_counts_live_figures_per_source(engine) -> None:
    rows = _shipped()
    by_pair = Counter((r["indicator_code"], r["source_key"]) for r in rows)
    df = usage(engine, as_of=1).set_index(["indicator_code", "source_key"])
    assert len(df) == len(by_pair)
    for pair, count in by_pair.items():
        assert df.loc[pair, "figures"] == count, pair
    assert df.loc[("cathode_capacity", SEED), "source_title_zh"] == (
        "2024新能源电池产业发展大会新闻发布会"
    )
    assert df.loc[("signed_investment", SEED), "region_figures"] == 0  # an event's figure


def test_catalogue_on_the_shipped_data(engine) -> None:
    rows = _shipped()
    df = catalogue(engine, as_of=1)
    assert list(df.index) == list(queries.indicators(engine).index)
    population = [r for r in rows if r["indicator_code"] == "resident_population"]
    pop = df.loc["resident_population"]
    assert pop["figures"] == len(population)
    assert pop["sources"] == len({r["source_key"] for r in population})
    assert (pop["year_from"], pop["year_to"]) == (
        min(int(r["period"][:4]) for r in population),
        max(int(r["period"][:4]) for r in population),
    )
    cathode = df.loc["cathode_capacity"]
    assert (cathode["figures"], cathode["region_figures"], cathode["source_keys"]) == (
        1,
        1,
        [SEED],
    )
    assert int((df["figures"] > 0).sum()) == len({r["indicator_code"] for r in rows})


# --- the page, in-process --------------------------------------------------------------------


@pytest.fixture(scope="module")
def indicators_page(engine):  # type: ignore[no-untyped-def]
    pages_app()
    import pages.indicators

    return pages.indicators


def test_markdown_names_are_shown_literally(indicators_page) -> None:  # type: ignore[no-untyped-def]
    assert indicators_page.md_escape("[a](b) *c*") == r"\[a\]\(b\) \*c\*"
    assert indicators_page.md_escape("30—50亿元签约项目数") == "30—50亿元签约项目数"


def test_search_and_detail_from_the_url(indicators_page) -> None:  # type: ignore[no-untyped-def]
    out = indicators_page.layout(lang="zh", q="正极", code="cathode_capacity", rev="1")
    words = texts(out)
    assert "显示 1 个指标" in words
    detail = texts(by_id(out, "indicators-detail"))
    for text in (
        "正极材料年产能 / Cathode material capacity",
        "正极材料年设计产能",
        "Annual design capacity for cathode materials",
        "吨（t）",
        "中文：万吨（存储值 ÷ 10,000）；英文：kt（÷ 1,000）",
        "可加",
        "1 个（其中地区数字 1 个），2024年",
        "2024新能源电池产业发展大会新闻发布会",
    ):
        assert text in detail, text
    assert by_id(out, "indicators-compare-link").href == (
        "/compare?indicator=cathode_capacity&rev=1"
    )
    rows = by_id(out, "indicators-table").rowData
    assert [r["code"] for r in rows] == ["cathode_capacity"]
    assert rows[0]["compare"] == "[对比 →](/compare?indicator=cathode_capacity&rev=1)"
    assert rows[0]["name"].startswith("[正极材料年产能](/indicators?q=")


def test_indicators_without_regional_figures_say_so(indicators_page) -> None:  # type: ignore[no-untyped-def]
    out = indicators_page.layout(lang="en", category="alliance")
    rows = {r["code"]: r for r in by_id(out, "indicators-table").rowData}
    assert rows["alliance_members"]["compare"] == "no regional figures"
    assert rows["alliance_members"]["additive"] == "no"
    detail = indicators_page.layout(lang="en", code="alliance_members")
    assert "indicators-compare-link" not in {getattr(c, "id", None) for c in walk(detail)}


def test_nothing_found_and_unknown_code(indicators_page) -> None:  # type: ignore[no-untyped-def]
    words = texts(indicators_page.layout(lang="zh", q="不存在的词", code="nope"))
    assert "没有指标符合“不存在的词”。" in words and "指标目录中没有代码“nope”。" in words


def test_controls_write_the_url(indicators_page) -> None:  # type: ignore[no-untyped-def]
    assert indicators_page.update_view(" 正极 ", "capacity", "en", None) == (
        "?lang=en&q=%E6%AD%A3%E6%9E%81&category=capacity"
    )
    assert indicators_page.update_view("", "", "zh", 2) == "?rev=2"


# --- in a browser ----------------------------------------------------------------------------


@pytest.fixture()
def page(browser, live_server):  # type: ignore[no-untyped-def]
    yield from open_page(browser, live_server)


@pytest.mark.browser
def test_browser_search_detail_and_compare_link(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/indicators?q=正极")
    wait_text(page, "#indicators-table", "正极材料年产能")
    assert "显示 1 个指标" in page.locator("#indicators-summary").inner_text()
    body = page.locator("body").inner_text()
    for english in ("Indicator", "Compare", "Select", "Search"):
        assert english not in body, english
    shot(page, "indicators-zh")

    box = page.locator("#indicators-q")
    box.fill("cathode")
    box.press("Enter")
    page.wait_for_url("**q=cathode**", timeout=30000)
    wait_text(page, "#indicators-table", "cathode_capacity")
    page.go_back()
    page.wait_for_url("**q=%E6%AD%A3%E6%9E%81", timeout=30000)

    page.locator("#indicators-table a", has_text="正极材料年产能").click()
    page.wait_for_url("**code=cathode_capacity**", timeout=30000)
    wait_text(page, "#indicators-detail", "万吨（存储值 ÷ 10,000）")
    page.locator("#indicators-compare-link").click()
    page.wait_for_url("**/compare?indicator=cathode_capacity**", timeout=30000)
    page.locator("#page-title").wait_for(timeout=30000)
    wait_text(page, "body", "正极材料年产能")
    assert_offline_and_clean(page, live_server)


@pytest.mark.browser
def test_browser_english(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/indicators?lang=en&code=innovation_platforms")
    wait_text(page, "#indicators-detail", "Innovation platforms")
    detail = page.locator("#indicators-detail").inner_text()
    assert "Definition in Chinese" in detail and "锂电新能源领域各级创新平台数量" in detail
    wait_text(page, "#indicators-table", "Compare →")
    shot(page, "indicators-en")
    assert_offline_and_clean(page, live_server)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_browser_indicators_fit_a_phone(browser, live_server, lang: str) -> None:  # type: ignore[no-untyped-def]
    path = "/indicators?code=cathode_capacity" + ("&lang=en" if lang == "en" else "")
    width = phone_width(browser, live_server, path, "#indicators-table", f"indicators-phone-{lang}")
    assert width <= 392, width
