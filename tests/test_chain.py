"""产业链: the declared link table, the per-link figures, completeness, the chart and the page."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from figures.chain import MIN_FONT, chain_heatmap, fitted
from figures.text import FOOTER_WIDTH, pack, text_width, wrap
from store import queries
from store.queries_chain import (
    CHAIN,
    chain,
    chain_frame,
    chain_indicator_codes,
    chain_years,
    completeness,
    links_without_indicators,
)
from tests.viewkit import (
    assert_offline_and_clean,
    by_id,
    figure_texts,
    open_page,
    pages_app,
    phone_width,
    shot,
    texts,
    wait_text,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = "2024新能源电池产业发展大会新闻发布会"


def _obs(code: str, indicator: str, period: str, value: float, **extra: object) -> dict:
    year = int(period[:4])
    return {
        "entity_type": "region",
        "entity_code": code,
        "indicator_code": indicator,
        "period": period,
        "year": year,
        "sort_key": period,
        "value": value,
        "qualifier": "exact",
        "value_as_written": "",
        "status": "reported",
        "source_key": "s1",
        "source_title_zh": "来源甲",
        "source_title_en": "Source A",
    } | extra


NAMES = pd.DataFrame(
    {"name_zh": ["甲市", "乙市"], "name_en": ["Jia", "Yi"]}, index=["110100", "220100"]
)
# 甲市: cathode twice (the later wins), a projected cell capacity (does not count), only the
# number of storage projects for the application link (present, size unknown), and recycling
# as a lower bound. 乙市: nothing at all.
OBS = pd.DataFrame(
    [
        _obs("110100", "cathode_capacity", "2023", 100000),
        _obs("110100", "cathode_capacity", "2024-08", 160000, value_as_written="16万吨"),
        _obs("110100", "cell_capacity", "2025", 50, status="projection"),
        _obs("110100", "storage_demo_projects", "2024-08", 7),
        _obs("110100", "recycling_capacity", "2024", 9000, qualifier="at_least"),
    ]
)


@pytest.fixture(scope="module")
def hand() -> pd.DataFrame:
    return chain_frame(OBS, ["110100", "220100"], NAMES)


# --- the declared table ----------------------------------------------------------------------


def test_chain_has_nine_links_in_order_and_known_indicators() -> None:
    assert [link.key for link in CHAIN] == [
        "lithium",
        "cathode",
        "anode",
        "electrolyte",
        "separator",
        "cell",
        "testing",
        "application",
        "recycling",
    ]
    with (ROOT / "data" / "indicators.csv").open(encoding="utf-8") as fh:
        known = {r["code"] for r in csv.DictReader(fh)}
    assert set(chain_indicator_codes()) <= known
    assert links_without_indicators() == ["lithium", "testing"]


# --- pure: one row per (region, link) --------------------------------------------------------


def test_chain_frame_states_and_figures(hand: pd.DataFrame) -> None:
    assert len(hand) == 2 * 9
    jia = hand[hand["entity_code"] == "110100"].set_index("link")
    assert jia["state"].to_dict() == {
        "lithium": "unknown",
        "cathode": "measured",
        "anode": "unknown",
        "electrolyte": "unknown",
        "separator": "unknown",
        "cell": "unknown",  # only a projection: not counted
        "testing": "unknown",
        "application": "present",  # a count of projects: there, size unknown
        "recycling": "measured",
    }
    assert jia.loc["cathode", "value"] == 160000 and jia.loc["cathode", "period"] == "2024-08"
    assert jia.loc["recycling", "qualifier"] == "at_least"
    assert jia.loc["application", "indicator_code"] == "storage_demo_projects"
    assert pd.isna(jia.loc["anode", "value"])  # never filled
    yi = hand[hand["entity_code"] == "220100"]
    assert set(yi["state"]) == {"unknown"} and yi["name_zh"].iloc[0] == "乙市"


def test_first_indicator_of_a_link_wins_over_a_newer_one() -> None:
    obs = pd.DataFrame(
        [
            _obs("110100", "storage_installed", "2025", 5e6),
            _obs("110100", "nev_output", "2023", 216600),
        ]
    )
    row = chain_frame(obs, ["110100"], NAMES).set_index("link").loc["application"]
    assert (row["state"], row["indicator_code"], row["value"]) == ("measured", "nev_output", 216600)


def test_completeness_counts_links_with_any_figure(hand: pd.DataFrame) -> None:
    df = completeness(hand).set_index("entity_code")
    # 甲市: cathode + recycling measured, application present → 3 of 9; 乙市: none
    assert df.loc["110100", ["with_data", "measured", "total"]].tolist() == [3, 2, 9]
    assert df.loc["110100", "fraction"] == pytest.approx(3 / 9)
    assert df.loc["220100", ["with_data", "measured"]].tolist() == [0, 0]
    assert df.loc["220100", "fraction"] == 0


def test_region_without_a_name_keeps_its_code() -> None:
    frame = chain_frame(OBS.iloc[0:0], ["999999"], NAMES)
    assert set(frame["name_zh"]) == {"999999"} and set(frame["state"]) == {"unknown"}


# --- on the shipped data ---------------------------------------------------------------------


def test_zaozhuang_and_changzhou_from_the_seed(engine) -> None:
    frame = chain(engine, ["370400", "320400"], as_of=1)
    zz = frame[frame["entity_code"] == "370400"].set_index("link")
    assert zz.loc["cathode", "value"] == 160000
    assert zz.loc["cathode", "value_as_written"] == "16万吨"
    assert zz.loc["separator", "value"] == 2.1e9
    assert zz.loc["cell", "value"] == 32
    assert zz.loc["recycling", "value"] == 9000
    assert zz.loc["application", "indicator_code"] == "storage_demo_capacity"
    assert zz.loc["application", "value"] == 762000
    assert zz.loc["lithium", "state"] == zz.loc["testing", "state"] == "unknown"
    cz = frame[frame["entity_code"] == "320400"].set_index("link")
    assert cz.loc["application", "indicator_code"] == "nev_output"
    assert cz.loc["application", "value"] == 216600
    done = completeness(frame).set_index("entity_code")
    assert done.loc["370400", "with_data"] == 7 and done.loc["320400", "with_data"] == 1
    assert done.loc["370400", "fraction"] == pytest.approx(7 / 9)


def test_year_limits_to_figures_up_to_it(engine) -> None:
    frame = chain(engine, ["370400", "320400"], year=2023, as_of=1)
    done = completeness(frame).set_index("entity_code")
    # the seed's Zaozhuang figures are of 2024-08; Changzhou's car output of 2023 Jan–May
    assert done.loc["370400", "with_data"] == 0 and done.loc["320400", "with_data"] == 1
    assert 2024 in chain_years(engine, as_of=1) and 2023 in chain_years(engine, as_of=1)


# --- the chart -------------------------------------------------------------------------------


def _figure(frame: pd.DataFrame, lang: str, engine) -> object:  # type: ignore[no-untyped-def]
    return chain_heatmap(
        frame,
        queries.indicators(engine),
        lang,
        title="标题" if lang == "zh" else "Title",
        subtitle="副标题",
        source_line="数据来源：来源甲",
        note="注：备注",
    )


def test_heatmap_cells_levels_and_texts(hand: pd.DataFrame, engine) -> None:
    fig = _figure(hand, "zh", engine)
    heat = fig.data[0]
    assert "".join(heat.y) == "锂资源正极负极电解液隔膜电芯检测应用回收"
    assert list(heat.x) == ["甲市<br>3/9", "乙市<br>0/9"]
    # levels: 2 size known, 1 present, 0 unknown; rows are links, columns regions
    assert [row[0] for row in heat.z] == [0, 2, 0, 0, 0, 0, 0, 1, 2]
    assert all(row[1] == 0 for row in heat.z)
    assert heat.text[1][0].startswith("16万吨<br>") and "2024年8月" in heat.text[1][0]
    assert heat.text[8][0].startswith("0.9余万吨")  # a lower bound keeps its mark
    assert "存在" in heat.text[7][0] and "规模不详" in heat.text[7][0]
    assert "未知" in heat.text[0][0] and "未知" in heat.text[1][1]
    words = figure_texts(fig)
    for text in ("标题", "副标题", "数据来源：来源甲", "注：备注"):
        assert text in words, text


def test_heatmap_in_english_wraps_long_units(hand: pd.DataFrame, engine) -> None:
    obs = pd.concat([OBS, pd.DataFrame([_obs("220100", "separator_capacity", "2024", 2.1e9)])])
    fig = _figure(chain_frame(obs, ["110100", "220100"], NAMES), "en", engine)
    heat = fig.data[0]
    assert heat.text[1][0].startswith("160 kt<br>") and "Aug 2024" in heat.text[1][0]
    assert heat.text[4][1].startswith("2,100<br>million m²")
    assert heat.text[8][0].startswith("9+ kt")
    assert "unknown" in heat.text[0][0] and heat.x[0] == "Jia<br>3/9"


def test_an_exported_cell_is_typeset_to_its_width(hand: pd.DataFrame, engine) -> None:
    """An exported picture has a fixed height: a figure keeps to one line of its cell, in
    smaller type when the cell is narrow, and is wrapped only below 8 px."""
    assert fitted(["2,100 million m²"], 400) == (12, 58)  # a wide cell: 12 px, one line
    font, width = fitted(["216.6 thousand vehicles"], 120)  # seven regions across A4
    assert MIN_FONT <= font < 12 and width >= text_width("216.6 thousand vehicles")
    assert fitted(["216.6 thousand vehicles"], 60)[0] == MIN_FONT  # wrapped from here on
    obs = pd.concat([OBS, pd.DataFrame([_obs("220100", "separator_capacity", "2024", 2.1e9)])])
    frame = chain_frame(obs, ["110100", "220100"], NAMES)
    fig = chain_heatmap(
        frame,
        queries.indicators(engine),
        "en",
        title="T",
        subtitle="S",
        source_line="",
        cell_px=150,
    )
    heat = fig.data[0]
    assert heat.text[4][1].startswith("2,100 million m²<br>")  # one line, not "2,100<br>…"
    assert heat.textfont.size == fitted(["2,100 million m²", "160 kt", "9+ kt"], 150)[0]
    assert "font-size:" + str(heat.textfont.size - 2) + "px" in heat.text[4][1]


def test_wrap_counts_chinese_double() -> None:
    assert text_width("枣庄a") == 5
    assert wrap("2,100 million m²", 10, split_wide=False) == ["2,100", "million m²"]
    assert wrap("数据来源：新闻发布会", 10) == ["数据来源：", "新闻发布会"]
    assert wrap("21亿平方米", 10, split_wide=False) == ["21亿平方米"]
    assert text_width("“约”") == 6  # curly quotes are as wide as 约 in a Chinese font


def test_pack_breaks_at_semicolons_first() -> None:
    assert pack("大会；单位：个；2024年8月25日；预测", 30) == [
        "大会；单位：个；",
        "2024年8月25日；预测",
    ]
    assert pack("Unit: projects; Aug 2024; projection", 30) == [
        "Unit: projects; Aug 2024;",
        "projection",
    ]


def test_chart_footer_is_wrapped_once_and_counted(hand: pd.DataFrame, engine) -> None:
    """The theme wraps footers too: lines already short enough come through unchanged."""
    long_source = "数据来源：" + "很长的来源标题" * 12
    fig = chain_heatmap(
        hand,
        queries.indicators(engine),
        "zh",
        title="T",
        subtitle="S",
        source_line=long_source,
        note="注：“+”表示原文为“余／超过／以上”等下限数字",
    )
    footer = fig.layout.annotations[-1].text.split("<br>")
    assert all(text_width(line) <= FOOTER_WIDTH for line in footer)
    assert fig.layout.annotations[-1].xshift < 0  # out under the link names
    assert "".join(footer) == long_source + "注：“+”表示原文为“余／超过／以上”等下限数字"


# --- the page, rendered in-process -----------------------------------------------------------


@pytest.fixture(scope="module")
def chain_page(engine):  # type: ignore[no-untyped-def]
    pages_app()
    import pages.chain

    return pages.chain


def test_page_layout_from_the_url(chain_page) -> None:  # type: ignore[no-untyped-def]
    out = chain_page.layout(lang="zh", regions="枣庄,320400,不存在市", year="2024", rev="1")
    words = texts(out)
    assert "完整度 7/9" in words and "完整度 1/9" in words
    assert "找不到地区“不存在市”。" in words
    assert "锂资源、检测在指标目录中还没有对应指标" in words
    assert SEED in words
    fig = by_id(out, "chain-chart").figure
    assert "截至2024年" in fig.layout.title.subtitle.text
    grid = by_id(out, "chain-table")
    cathode = next(r for r in grid.rowData if r["region"] == "枣庄市" and r["link"] == "正极")
    assert cathode["value"] == "16万吨" and cathode["written"] == "16万吨"
    unknown = next(r for r in grid.rowData if r["region"] == "常州市" and r["link"] == "正极")
    assert (unknown["state"], unknown["value"]) == ("未知", "—")


def test_page_layout_in_english_and_without_regions(chain_page) -> None:  # type: ignore[no-untyped-def]
    words = texts(chain_page.layout(lang="en", regions="370400"))
    assert "Completeness 7/9" in words
    assert "Links with data: 7, of which with their size: 7" in words
    assert "请至少选择一个地区。" in texts(chain_page.layout(lang="zh", regions=""))


def test_controls_write_the_url(chain_page) -> None:  # type: ignore[no-untyped-def]
    url = chain_page.update_view(["370400", "320400"], "2024", "en", 3)
    assert url == "?lang=en&rev=3&regions=370400%2C320400&year=2024"
    assert chain_page.update_view(["370400"], "", "zh", None) == "?regions=370400"


# --- in a browser ----------------------------------------------------------------------------


@pytest.fixture()
def page(browser, live_server):  # type: ignore[no-untyped-def]
    yield from open_page(browser, live_server)


@pytest.mark.browser
def test_browser_url_reproduces_the_chain_and_back_works(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/chain?regions=370400,320400&year=2024")
    page.locator("#chain-chart .main-svg").first.wait_for(timeout=30000)
    wait_text(page, "#chain-chart", "16万吨")
    chart = page.locator("#chain-chart").inner_text()
    for text in ("锂电池产业链各环节", "枣庄市", "7/9", "常州市", "1/9", "21.66万辆", "未知", SEED):
        assert text in chart, text
    assert "完整度 7/9" in page.locator("#chain-completeness").inner_text()
    assert SEED in page.locator("#chain-source").inner_text()
    wait_text(page, "#chain-table", "正极材料年产能")
    body = page.locator("body").inner_text()
    for english in ("unknown", "Completeness", "Cathode", "Source", "Select"):
        assert english not in body, english
    shot(page, "chain-zh")

    page.locator("#chain-year").click()
    page.get_by_role("option", name="2023", exact=True).click()
    page.wait_for_url("**year=2023**", timeout=30000)
    wait_text(page, "#chain-completeness", "完整度 0/9")
    page.go_back()
    wait_text(page, "#chain-completeness", "完整度 7/9")

    page.locator("#lang-switch").click()
    page.wait_for_url("**lang=en**", timeout=30000)
    wait_text(page, "#chain-chart", "160 kt")
    assert "Completeness 7/9" in page.locator("#chain-completeness").inner_text()
    shot(page, "chain-en")
    assert_offline_and_clean(page, live_server)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_browser_chain_fits_a_phone(browser, live_server, lang: str) -> None:  # type: ignore[no-untyped-def]
    path = "/chain" + ("?lang=en" if lang == "en" else "")
    width = phone_width(browser, live_server, path, "#chain-chart .main-svg", f"chain-phone-{lang}")
    assert width <= 392, width
