"""地区对比's map tab: its figures by hand from the shipped data, its chart, its page and click.

Figures read the shipped dataset as of revision 1 (other tests commit to the same store).
"""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import html

from analysis.normalise import MeasureUnit
from figures import map as map_figure
from figures.compare import map_chart, map_grey_note
from store import queries_compare
from tests.viewkit import by_id, texts, walk

PEV = {  # as the catalogue has pev_sales: 万辆 in Chinese, vehicles in English
    "code": "pev_sales",
    "unit": "vehicle",
    "additive": True,
    "name_zh": "电动乘用车销量",
    "name_en": "Passenger EV sales",
    "display_zh_factor": 1e4,
    "display_zh_unit": "万辆",
    "display_en_factor": 1e3,
    "display_en_unit": "thousand vehicles",
}
ZAOZHUANG_2020 = 3_855_601  # 2020 census: 枣庄市's resident population
TIANJIN_2020 = 13_866_009  # 天津市's


# --- the figures, from the store ------------------------------------------------------------


def test_map_level_of_the_regions_chosen(engine) -> None:
    assert queries_compare.map_level(engine, ["370400", "120000"]) == "city"
    assert queries_compare.map_level(engine, ["370000", "120000"]) == "province"
    assert queries_compare.map_level(engine, ["370402"]) == "city"  # a county: prefectures
    assert queries_compare.map_level(engine, ["100000"]) == "province"


def test_per_capita_over_every_prefecture(engine) -> None:
    df = queries_compare.map_measure(engine, "pev_sales", "per_capita", "city", 2023, 1)
    assert len(df) == 370 and df["entity_code"].is_unique  # every feature of cities.geojson
    by_code = df.set_index("entity_code")
    # 19 347 cars sold in 枣庄 in 2023 over 385.5601 万 people (the 2020 census: nearest year)
    assert by_code.loc["370400", "value"] == pytest.approx(19347 / 385.5601)  # 50.18 辆/万人
    assert by_code.loc["370400", "raw_value"] == 19347
    assert by_code.loc["370400", "denominator_year"] == 2020
    assert "人口普查" in by_code.loc["370400", "denominator_source_zh"]
    # a municipality is on the prefecture map too, over its own population
    assert by_code.loc["120000", "value"] == pytest.approx(155305 / (TIANJIN_2020 / 1e4))
    # a region without a 2023 figure stays without one: NaN, never 0
    assert df["raw_value"].notna().sum() == 337
    assert df["value"].notna().sum() == 337 and not (df["value"] == 0).any()


def test_a_missing_denominator_leaves_the_region_without_a_value(engine) -> None:
    area = queries_compare.map_measure(engine, "pev_sales", "per_area", "city", 2023, 1)
    has = area[area["value"].notna()]
    assert list(has["entity_code"]) == ["370400"]  # the only land area: 枣庄's 4 564 km²
    assert has["value"].iloc[0] == pytest.approx(19347 / 4564)
    lacking = area["value"].isna() & area["raw_value"].notna()
    assert lacking.sum() == 336
    assert map_grey_note(area, "per_area", "zh") == (
        "灰色：该年无数据的地区30个，缺少行政区域面积数据而无法换算的地区336个；"
        "均不做插补，也不按零计。台湾省、香港特别行政区、澳门特别行政区不在本数据的统计范围内"
        "（全国数据未包括港澳台），以灰色绘出。"
    )
    # a share needs the province's figure: only the municipalities have one, and a
    # municipality is not a share of itself
    share = queries_compare.map_measure(engine, "pev_sales", "share_province", "city", 2023, 1)
    assert share["value"].isna().all() and share["raw_value"].notna().sum() == 337


def test_year_on_year_over_every_prefecture(engine) -> None:
    yoy = queries_compare.map_measure(engine, "pev_sales", "yoy", "city", 2023, 1)
    by_code = yoy.set_index("entity_code")
    assert by_code.loc["370400", "value"] == pytest.approx((19347 / 11591 - 1) * 100)  # +66.9%
    assert by_code.loc["370400", "denominator_year"] == 2022
    absolute = queries_compare.map_measure(engine, "pev_sales", "absolute", "city", 2023, 1)
    assert absolute.set_index("entity_code").loc["370400", "value"] == 19347


def test_series_is_compare_series_in_one_statement(engine) -> None:
    from store import queries

    for code, regions, y0, y1 in (
        ("pev_sales", ["370400", "320400", "120000", "999999"], 2016, 2023),
        ("resident_population", ["370400", "100000", "370000"], None, None),
        ("eol_battery_weight", ["420100", "370400"], 2020, 2030),
    ):
        old = queries.compare_series(engine, code, regions, y0, y1, 1)
        new = queries_compare.series(engine, code, regions, y0, y1, 1)
        pd.testing.assert_frame_equal(
            old[queries_compare.SERIES_COLUMNS].reset_index(drop=True), new
        )


# --- the chart ------------------------------------------------------------------------------


def _square(code: str, lon: float, lat: float) -> dict:
    ring = [[lon, lat], [lon, lat + 1], [lon + 1, lat + 1], [lon + 1, lat], [lon, lat]]
    geometry = {"type": "Polygon", "coordinates": [ring]}
    return {"type": "Feature", "id": code, "properties": {}, "geometry": geometry}


GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        _square("370400", 117, 34),
        _square("320400", 119, 31),
        _square("420100", 114, 30),
        _square("430800", 110, 29),
    ],
}


def _measured() -> pd.DataFrame:
    """Four regions per 万人: two with a value, one without population, one without a figure."""
    return pd.DataFrame(
        {
            "entity_code": ["370400", "320400", "420100", "430800"],
            "name_zh": ["枣庄市", "常州市", "武汉市", "张家界市"],
            "name_en": ["Zaozhuang", "Changzhou", "Wuhan", "Zhangjiajie"],
            "year": 2023,
            "raw_value": [19347.0, 59399.0, 1000.0, float("nan")],
            "raw_qualifier": ["exact", "exact", "exact", None],
            "value": [19347 / 385.5601, 59399 / 527.8121, float("nan"), float("nan")],
            "qualifier": ["exact", "exact", "exact", None],
            "denominator_year": pd.array([2020, 2020, pd.NA, pd.NA], dtype="Int64"),
            "status": ["reported", "reported", "reported", None],
            "period": ["2023", "2023", "2023", None],
            "value_as_written": ["", "", "", None],
            "source_title_zh": ["销量", "销量", "销量", None],
            "source_title_en": ["Sales", "Sales", "Sales", None],
        }
    )


def _chart(lang: str = "zh", highlight: tuple[str, ...] = ("370400", "420100")) -> go.Figure:
    unit = MeasureUnit(1.0, "辆/万人" if lang == "zh" else "vehicles per 10k people")
    return go.Figure(  # validated: the dict is a valid plotly figure
        map_chart(
            _measured(),
            PEV,
            lang,
            GEOJSON,
            measure="per_capita",
            unit=unit,
            title="电动乘用车销量（辆/万人）",
            subtitle="2023年 · 地市级，每万人",
            source_line="数据来源：销量；人口普查；边界：leiii/census",
            note="常住人口取2020年数据（用于2023年）。",
            highlight=highlight,
        )
    )


def test_map_colours_the_measure_and_greys_what_it_cannot_compute() -> None:
    fig = _chart()
    coloured = next(tr for tr in fig.data if tr.geo == "geo" and tr.showscale is not False)
    assert list(coloured.locations) == ["370400", "320400"]
    # two distinct figures: one class each, 50.18 the palest, 112.54 the darkest
    assert list(coloured.z) == [0, 1]
    assert list(coloured.colorbar.ticktext) == ["50.18", "112.54"]
    assert coloured.hovertext[0].startswith("<b>枣庄市</b><br>50.18 辆/万人<br>原值：1.93万辆")
    assert "常住人口取2020年数据" in coloured.hovertext[0]
    grey = next(tr for tr in fig.data if tr.geo == "geo" and tr.name == "该年无数据")
    assert list(grey.locations) == ["420100", "430800"]
    assert grey.hovertext[0] == ("<b>武汉市</b><br>原值：0.1万辆<br>无法换算：缺少常住人口数据")
    assert grey.hovertext[1] == "<b>张家界市</b><br>该年无数据"
    footer = fig.layout.annotations[-1].text
    assert "灰色：该年无数据的地区1个，缺少常住人口数据而无法换算的地区1个" in footer
    assert "不按零计" in footer and "常住人口取2020年数据" in footer


def test_map_outlines_and_names_the_regions_chosen() -> None:
    fig = _chart()
    outline = [
        tr
        for tr in fig.data
        if tr.type == "choropleth" and tr.marker.line.color == map_figure.HIGHLIGHT_COLOR
    ]
    assert [list(tr.locations) for tr in outline] == [["370400", "420100"]]
    assert outline[0].hovertext[1].endswith("无法换算：缺少常住人口数据")  # its own hover
    assert [c[0] for c in outline[0].customdata] == ["370400", "420100"]  # a click knows it
    names = next(tr for tr in fig.data if tr.type == "scattergeo")
    assert list(names.text) == ["枣庄市", "武汉市"]
    # the name sits in the middle of the region: the centroid of its square
    assert (names.lon[0], names.lat[0]) == pytest.approx((117.5, 34.5))
    assert not any(tr.type == "scattergeo" for tr in _chart(highlight=()).data)


def test_map_in_english_and_absolute_figures_as_on_the_map_page() -> None:
    fig = _chart("en")
    coloured = next(tr for tr in fig.data if tr.geo == "geo" and tr.showscale is not False)
    assert coloured.hovertext[0].startswith(
        "<b>Zaozhuang</b><br>50.18 vehicles per 10k people<br>Figure: 19.35 thousand vehicles"
    )
    assert "resident population of 2020" in coloured.hovertext[0]
    footer = fig.layout.annotations[-1].text.replace("<br>", " ")
    assert "Grey: regions without a figure for the year (1) and regions with no resident" in footer
    # absolute figures: the 地图 page's hover and note, in the indicator's display unit
    absolute = _measured().assign(value=lambda d: d["raw_value"])
    plain = go.Figure(
        map_chart(
            absolute,
            PEV,
            "zh",
            GEOJSON,
            measure="absolute",
            unit=MeasureUnit(1e4, "万辆"),
            title="t",
            subtitle="s",
            source_line="数据来源：销量",
        )
    )
    shown = next(tr for tr in plain.data if tr.geo == "geo" and tr.showscale is not False)
    assert shown.hovertext[0].startswith("<b>枣庄市</b><br>1.93 万辆<br>时期：2023年")
    assert (
        "灰色：该年无数据的地区（1个），不做插补：张家界市。" in plain.layout.annotations[-1].text
    )


def test_label_point_is_the_centroid_of_the_largest_polygon() -> None:
    big = [[0, 0], [0, 4], [4, 4], [4, 0], [0, 0]]
    small = [[10, 10], [10, 11], [11, 11], [11, 10], [10, 10]]
    feature = {"geometry": {"type": "MultiPolygon", "coordinates": [[small], [big]]}}
    assert map_figure.label_point(feature) == pytest.approx((2.0, 2.0))


# --- the page -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compare_page(engine):  # type: ignore[no-untyped-def]
    from tests.viewkit import pages_app

    pages_app()
    import pages.compare

    return pages.compare


def _ids(out: object) -> set[str]:
    return {c.id for c in walk(out) if isinstance(getattr(c, "id", None), str)}


MAP_VIEW = {
    "indicator": "pev_sales",
    "regions": "370400,320400,120000",
    "measure": "per_capita",
    "tab": "map",
    "rev": "1",
}


def test_url_with_tab_map_draws_the_map(compare_page) -> None:  # type: ignore[no-untyped-def]
    out = compare_page.layout(lang="zh", **MAP_VIEW)
    fig = go.Figure(by_id(out, "compare-map").figure)
    assert fig.layout.title.text == "<b>电动乘用车销量（辆/万人）</b>"
    assert fig.layout.title.subtitle.text == "2023年 · 地市级，每万人"
    coloured = next(tr for tr in fig.data if tr.geo == "geo" and tr.showscale is not False)
    assert len(coloured.locations) == 337
    i = list(coloured.locations).index("370400")
    assert coloured.hovertext[i].startswith("<b>枣庄市</b><br>50.18 辆/万人")
    outline = next(tr for tr in fig.data if tr.marker.line.color == map_figure.HIGHLIGHT_COLOR)
    assert sorted(outline.locations) == ["120000", "320400", "370400"]
    assert by_id(out, "compare-tabs").active_tab == "map"
    source = by_id(out, "compare-source").children
    assert "人口普查" in source and "边界：leiii/census" in source  # denominator, boundaries
    notes = texts(by_id(out, "compare-notes"))
    assert "常住人口取2020年数据（用于2023年）。" in notes
    assert "灰色：该年无数据的地区（30个），不做插补。" in notes
    assert "点击地图上的地区，可将其加入对比" in notes
    # only the tab shown is built: no trend chart, no ranking read
    assert not {"compare-line", "compare-bar", "compare-table", "compare-ranking"} & _ids(out)


def test_an_exported_map_says_nothing_of_clicks_or_hovering(compare_page, engine) -> None:  # type: ignore[no-untyped-def]
    """What a click does and what hovering shows are for the screen: the page says them, an
    exported picture (a PNG in a briefing) does not."""
    from exports.views import resolve_one

    url = "/compare?" + "&".join(f"{k}={v}" for k, v in MAP_VIEW.items())
    note = resolve_one(url, engine, chart="compare-map").meta.note
    assert "常住人口取2020年数据（用于2023年）。" in note
    for screen_only in ("点击", "悬停", "放不下"):
        assert screen_only not in note, note
    page = texts(by_id(compare_page.layout(lang="zh", **MAP_VIEW), "compare-notes"))
    assert "点击地图上的地区" in page and "悬停可见" in page


def test_only_the_tab_shown_is_built(compare_page, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def unread(*_: object) -> None:
        raise AssertionError("the chart tab must not read the ranking or the map")

    monkeypatch.setattr(queries_compare, "ranking", unread)
    monkeypatch.setattr(queries_compare, "map_measure", unread)
    view = {**MAP_VIEW, "tab": None}
    out = compare_page.layout(lang="zh", **view)
    assert "compare-line" in _ids(out) and "compare-map" not in _ids(out)
    assert "正在加载" in texts(by_id(out, "compare-tabs"))  # the other tabs, until chosen
    monkeypatch.undo()
    ranked = compare_page.layout(lang="zh", **{**MAP_VIEW, "tab": "rank"})
    assert "compare-ranking" in _ids(ranked) and "compare-map" not in _ids(ranked)


def test_export_api_builds_the_tabs_it_asks_for(compare_page, engine) -> None:  # type: ignore[no-untyped-def]
    from components.compare_view import create_results

    ind = queries_compare.catalogue(engine).loc["pev_sales"]
    regions = ["370400", "320400"]
    df = queries_compare.series(engine, "pev_sales", regions, 2016, 2023, 1)
    data = compare_page.compare_data(
        engine, df, ind, "per_capita", regions, (2016, 2023), "zh", 1, tab="map"
    )
    results = create_results(data, tabs=("line", "bar", "map"))
    assert {"compare-line", "compare-bar", "compare-map"} <= _ids(html.Div(results))


def test_end_year_without_figures_moves_to_the_last_year_with_some(compare_page) -> None:  # type: ignore[no-untyped-def]
    # the census: prefectures have 2010 and 2020; the map of 2015 shows 2010, and says so
    view = {"indicator": "resident_population", "regions": "370400", "tab": "map", "rev": "1"}
    out = compare_page.layout(lang="zh", **view, start="2010", end="2015")
    fig = go.Figure(by_id(out, "compare-map").figure)
    assert fig.layout.title.subtitle.text == "2010年 · 地市级"
    assert "2015年没有地市级数据，地图显示有数据的最近一年：2010年。" in texts(out)
    # the nation's storage from 2021, a province's only in 2024: no province map before
    nation = {"indicator": "storage_installed", "regions": "100000", "tab": "map", "rev": "1"}
    none = compare_page.layout(lang="zh", **nation, start="2021", end="2023")
    assert "compare-map" not in _ids(none)
    assert "2021—2023年没有“新型储能装机”的省级数据，有数据的年份：2024。" in texts(none)


def test_province_map_names_regions_it_cannot_draw(compare_page) -> None:  # type: ignore[no-untyped-def]
    view = {"indicator": "resident_population", "regions": "370000,100000", "rev": "1"}
    out = compare_page.layout(lang="zh", **view, tab="map", measure="share_nation")
    fig = go.Figure(by_id(out, "compare-map").figure)
    assert fig.layout.title.subtitle.text == "2020年 · 省级，占全国比重"
    coloured = next(tr for tr in fig.data if tr.geo == "geo" and tr.showscale is not False)
    i = list(coloured.locations).index("370000")
    assert coloured.hovertext[i].startswith("<b>山东省</b><br>7.2%")  # 101 527 453 / 1 409 778 724
    assert "以下所选地区不在省级地图上：全国。" in texts(out)


def test_map_tab_in_english_has_no_chinese(compare_page) -> None:  # type: ignore[no-untyped-def]
    out = compare_page.layout(lang="en", **MAP_VIEW)
    fig = by_id(out, "compare-map").figure
    words = texts(out) + fig["layout"]["title"]["text"] + fig["layout"]["annotations"][0]["text"]
    assert "Passenger EV sales (vehicles per 10k people)" in words
    assert "Boundaries: leiii/census" in words
    source = by_id(out, "compare-source").children
    assert "; Boundaries: leiii/census" in source and "；" not in source
    chinese = re.findall(r"[\u4e00-\u9fff]+", words)
    assert chinese == ["中文"], chinese  # only the language switch


# --- a click on the map ---------------------------------------------------------------------


def test_a_click_adds_a_region_and_a_second_click_takes_it_out(compare_page) -> None:  # type: ignore[no-untyped-def]
    toggle = compare_page.toggle_region
    current = "?indicator=pev_sales&regions=370400,320400&tab=map"
    click = {"points": [{"location": "410100", "customdata": ["410100"], "z": 3}]}
    assert toggle(current, ["370400", "320400"], click) == (
        "?indicator=pev_sales&regions=370400%2C320400%2C410100&tab=map"
    )
    out = {"points": [{"customdata": ["320400"]}]}
    assert toggle(current, ["370400", "320400"], out) == (
        "?indicator=pev_sales&regions=370400&tab=map"
    )
    assert toggle(current, ["370400"], {"points": [{"customdata": ["370400"]}]}) is None  # last
    assert toggle(current, ["370400"], None) is None
    assert toggle(current, ["370400"], {"points": []}) is None
    assert toggle(current, ["370400"], {"points": [{"customdata": ["<b>"]}]}) is None
    assert toggle("?lang=en&regions=枣庄&rev=1", ["370400"], click) == (
        "?lang=en&regions=370400%2C410100&rev=1"
    )


def test_packed_boundaries_are_the_same_boundaries() -> None:
    """Rings as arrays only change how fast the map is sent, not what is drawn."""
    import json

    from plotly.io.json import to_json_plotly

    from figures.geometry import extent, in_inset, packed, subset
    from store.queries_map import boundaries

    plain_geo = boundaries("city")
    arrays = packed(plain_geo)
    assert extent(arrays) == extent(plain_geo)
    assert in_inset(arrays) == in_inset(plain_geo) and "460200" in in_inset(arrays)  # 三亚
    codes = pd.Series(["370400", "460200", "650100"])
    sent = json.loads(to_json_plotly(subset(arrays, codes)))
    assert sent == json.loads(json.dumps(subset(plain_geo, codes)))
    assert isinstance(plain_geo["features"][0]["geometry"]["coordinates"][0], list)  # untouched
    feature = next(f for f in arrays["features"] if f["id"] == "370400")
    lon, lat = map_figure.label_point(feature)
    assert 117.0 < lon < 118.0 and 34.5 < lat < 35.5  # 枣庄, whose centre is about 117.3, 34.8


def test_a_measure_that_does_not_apply_maps_the_figures_as_they_are(compare_page) -> None:  # type: ignore[no-untyped-def]
    view = {"indicator": "resident_population", "regions": "370400", "rev": "1", "tab": "map"}
    out = compare_page.layout(lang="zh", **view, measure="per_capita")  # people per person
    assert "“每万人”不适用于指标“常住人口”：不能用指标自身作分母。" in texts(out)
    fig = go.Figure(by_id(out, "compare-map").figure)
    assert fig.layout.title.text == "<b>常住人口（万人）</b>"
    assert fig.layout.title.subtitle.text == "2020年 · 地市级"  # no measure: the figures
    coloured = next(tr for tr in fig.data if tr.geo == "geo" and tr.showscale is not False)
    i = list(coloured.locations).index("370400")
    assert coloured.hovertext[i].startswith("<b>枣庄市</b><br>385.56 万人")


def test_names_of_neighbouring_regions_are_not_written_on_each_other() -> None:
    from figures.geometry import label_positions

    # 常州 and 无锡: 0.4° apart; three characters each, 4.2° wide, 1.6° high
    points = [(119.95, 31.77), (120.30, 31.57), (117.56, 34.86)]  # 常州, 无锡, 枣庄
    names = ["常州市", "无锡市", "枣庄市"]
    # north first: 枣庄 alone above; 常州 above; 无锡 would cover it, so below
    assert label_positions(points, names) == ["top center", "bottom center", "top center"]
    # a neighbour 0.7° north-east is placed first (north first), above its point; above the
    # first point is then taken (x 118.6–121.4 and y 32.1–33.7 meet 119.6–122.4 and
    # 32.8–34.4): below it
    east = [(120.0, 31.8), (121.0, 32.5)]
    assert label_positions(east, ["甲市", "乙市"]) == ["bottom center", "top center"]
    # nowhere free: where it covers least. 苏州 (placed last, southernmost): above and below
    # are 常州's and 无锡's; to its right it only grazes them
    south = [(120.08, 31.53), (119.63, 31.63), (120.65, 31.38)]  # 无锡, 常州, 苏州
    assert label_positions(south, ["无锡市", "常州市", "苏州市"]) == [
        "bottom center",
        "top center",
        "middle right",
    ]
    assert label_positions([], []) == []


def test_the_map_writes_the_chosen_names_apart(compare_page) -> None:  # type: ignore[no-untyped-def]
    view = {"indicator": "pev_sales", "regions": "320400,320200,370400", "tab": "map", "rev": "1"}
    out = compare_page.layout(lang="zh", **view)
    names = next(
        tr for tr in by_id(out, "compare-map").figure["data"] if tr["type"] == "scattergeo"
    )
    positions = dict(zip(names["text"], names["textposition"], strict=True))
    assert positions["常州市"] != positions["无锡市"]  # 0.4° apart: one above, one below
    assert positions["枣庄市"] == "top center"


def test_the_map_tab_carries_the_note_the_browser_shows_when_names_are_left_out(
    compare_page,
) -> None:  # type: ignore[no-untyped-def]
    view = {"indicator": "pev_sales", "regions": "320400,320200,370400", "rev": "1"}

    def notes(out: object) -> list:
        return [c for c in walk(by_id(out, "compare-notes")) if "map-names-hidden" in str(
            getattr(c, "className", "")
        )]  # fmt: skip

    on_map = notes(compare_page.layout(lang="en", tab="map", **view))
    assert len(on_map) == 1 and "d-none" in on_map[0].className  # hidden until the browser
    assert on_map[0].to_plotly_json()["props"]["data-map"] == "compare-map"
    assert "left out" in on_map[0].children
    assert notes(compare_page.layout(lang="zh", **view)) == []  # the line tab has no names


def test_an_exported_map_leaves_out_names_that_would_cover_others() -> None:
    """A picture cannot be hovered: of neighbouring cities' names, those that would cover one
    written already are left out, sized as the picture draws them, and a note says so."""
    from exports.images import SIZES, dress
    from exports.meta import ChartMeta
    from figures.geometry import albers, names_kept

    x0, _ = albers(105, 35)
    assert abs(x0) < 1e-12  # the central meridian is straight up
    extent = ((73.0, 135.6), (17.6, 54.1))
    jinan, zibo, guangzhou = (117.0, 36.6), (118.0, 36.7), (113.3, 23.1)
    names = ["济南市", "淄博市", "广州市"]
    kept = names_kept([jinan, zibo, guangzhou], names, ["top center"] * 3, extent, (940, 260))
    assert kept == [False, True, True]  # 淄博, north of 济南, is written first; 广州 is far
    # on a map four times larger, both names have room
    points, where = [jinan, zibo], ["middle left", "middle right"]
    assert all(names_kept(points, names[:2], where, extent, (3760, 1040)))
    fig = go.Figure(
        go.Scattergeo(lon=[118.0, 117.0], lat=[36.7, 36.6], text=["淄博市", "济南市"], mode="text"),
        layout={"geo": {"lonaxis": {"range": extent[0]}, "lataxis": {"range": extent[1]}}},
    )
    dressed = dress(fig, ChartMeta(title="T", note="注"), SIZES["slide"])
    assert list(dressed.data[0].text) == ["淄博市", ""]
    assert "地图上放不下的地区名称已省去" in dressed.layout.annotations[-1].text
