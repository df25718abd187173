"""The 地图 page: its boundary files (etl/geo.py), its query, its figure and its callbacks."""

from __future__ import annotations

import csv
import itertools
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.normalise import MeasureUnit
from figures import map as map_figure
from store import queries
from store.queries_map import (
    LEVELS,
    boundaries,
    default_year,
    indicators_on_map,
    level_codes,
    map_values,
    map_years,
)

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "data" / "geo"
SHARED = ROOT.parent / "shared"
MAX_BYTES = 400_000
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}
OUTSIDE = {"710000", "810000", "820000"}  # 台湾 香港 澳门: drawn, outside the statistics


@pytest.fixture(scope="module")
def region_table() -> dict[str, dict[str, str]]:
    with (ROOT / "data" / "shipped" / "regions.csv").open(encoding="utf-8") as fh:
        return {row["code"]: row for row in csv.DictReader(fh)}


# --- the boundary files (committed; built by etl/geo.py) ---------------------------------


@pytest.mark.parametrize("name", ["cities.geojson", "provinces.geojson"])
def test_geojson_files_are_small_and_every_id_is_a_region(name: str, region_table) -> None:
    path = GEO / name
    assert path.stat().st_size <= MAX_BYTES, path.stat().st_size
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    ids = [f["id"] for f in data["features"]]
    assert len(ids) == len(set(ids))
    for feature in data["features"]:
        assert re.fullmatch(r"\d{6}", feature["id"]), feature["id"]
        assert feature["id"] in region_table, feature["id"]
        assert feature["properties"]["name"] == region_table[feature["id"]]["name_zh"]
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_provinces_are_the_31_and_taiwan_hong_kong_macao(region_table) -> None:
    data = json.loads((GEO / "provinces.geojson").read_text(encoding="utf-8"))
    ids = {f["id"] for f in data["features"]}
    assert ids == {c for c, r in region_table.items() if r["level"] == "province"}
    assert len(ids) == 31 + 3 and OUTSIDE <= ids


def test_taiwan_is_drawn_whole_and_kinmen_once() -> None:
    shapely = pytest.importorskip("shapely")
    from shapely.geometry import shape

    features = json.loads((GEO / "cities.geojson").read_text(encoding="utf-8"))["features"]
    shapes = {f["id"]: shape(f["geometry"]) for f in features}
    taiwan = shapes["710000"]
    assert taiwan.area > 3  # the island (about 3.2 square degrees), Penghu and the rest
    assert taiwan.contains(shapely.Point(121.56, 25.04))  # 台北
    assert taiwan.intersects(shapely.box(119.4, 23.4, 119.8, 23.8))  # 澎湖
    # Kinmen is drawn where the census boundaries have it (泉州): the two never overlap
    assert shapes["350500"].intersection(taiwan).area < 1e-3
    assert shapes["810000"].area > 0.05 and shapes["820000"].area > 0  # 香港, 澳门


def test_cities_cover_every_prefecture_municipality_and_direct_county(region_table) -> None:
    data = json.loads((GEO / "cities.geojson").read_text(encoding="utf-8"))
    levels = {f["id"]: region_table[f["id"]]["level"] for f in data["features"]}
    cities = {c for c, r in region_table.items() if r["level"] == "city"}
    assert cities <= set(levels)  # all 333 prefecture-level cities
    assert {c for c, lv in levels.items() if lv == "province"} == MUNICIPALITIES | OUTSIDE
    direct = {c for c, lv in levels.items() if lv == "county"}
    assert {"419001", "429004", "469002", "659001"} <= direct  # 济源 仙桃 琼海 石河子
    for code in direct:  # governed by a province, not by a prefecture
        assert region_table[region_table[code]["parent_code"]]["level"] == "province", code
    assert len(levels) == 333 + 4 + 3 + len(direct) == 370


def _points(geometry: dict) -> list[list[float]]:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [p for polygon in polygons for ring in polygon for p in ring]


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


@pytest.mark.parametrize("name", ["cities.geojson", "provinces.geojson"])
def test_coordinates_are_rounded_lon_lat_and_rings_clockwise(name: str) -> None:
    data = json.loads((GEO / name).read_text(encoding="utf-8"))
    for feature in data["features"]:
        for lon, lat in _points(feature["geometry"]):
            assert 73 <= lon <= 136 and 3 <= lat <= 54, (feature["id"], lon, lat)
            assert round(lon, 2) == lon and round(lat, 2) == lat
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]]
            if geometry["type"] == "Polygon"
            else (geometry["coordinates"])
        )
        for polygon in polygons:  # d3-geo (plotly.js): outer rings clockwise, holes not
            assert _signed_area(polygon[0]) < 0, feature["id"]
            assert all(_signed_area(hole) > 0 for hole in polygon[1:]), feature["id"]


def test_provinces_are_the_union_of_their_cities() -> None:
    shapely = pytest.importorskip("shapely")
    from shapely.geometry import shape

    cities = json.loads((GEO / "cities.geojson").read_text(encoding="utf-8"))["features"]
    provinces = json.loads((GEO / "provinces.geojson").read_text(encoding="utf-8"))["features"]
    by_province: dict[str, list] = {}
    for f in cities:
        by_province.setdefault(f["id"][:2] + "0000", []).append(shape(f["geometry"]))
    for f in provinces:
        province = shape(f["geometry"])
        parts = by_province[f["id"]]
        union = shapely.union_all(parts)
        # the ETL's union snaps to the 0.01° grid: slivers of a few km² may differ
        assert province.symmetric_difference(union).area < 1e-3 * union.area, f["id"]
        assert province.area == pytest.approx(sum(p.area for p in parts), rel=1e-3), f["id"]
        assert all(province.contains(p.representative_point()) for p in parts), f["id"]


@pytest.mark.skipif(not (SHARED / "reference").is_dir(), reason="../shared/reference missing")
def test_etl_rebuilds_the_committed_files_byte_for_byte(tmp_path: Path) -> None:
    pytest.importorskip("shapely")
    from etl import geo

    sizes = geo.build(SHARED, tmp_path)
    for name in ("cities.geojson", "provinces.geojson"):
        assert (tmp_path / name).read_bytes() == (GEO / name).read_bytes(), name
        assert sizes[name] == (GEO / name).stat().st_size


def test_the_app_does_not_need_shapely() -> None:
    for folder in ("pages", "figures", "store", "components"):
        for path in (ROOT / folder).rglob("*.py"):
            assert "shapely" not in path.read_text(encoding="utf-8"), path
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8").lower()
    assert "shapely" not in requirements
    assert "shapely==" in (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").lower()


def test_boundaries_are_read_once_per_process() -> None:
    assert boundaries("city") is boundaries("city")
    assert level_codes("province")[:2] == ["110000", "120000"]
    assert set(LEVELS) == {"province", "city"}
    with pytest.raises(ValueError):
        boundaries("county")


# --- the query ----------------------------------------------------------------------------


def _reference_value(code: str, indicator: str, period: str) -> float:
    with (ROOT / "data" / "shipped" / "observations_reference.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if (row["entity_code"], row["indicator_code"], row["period"]) == (
                code,
                indicator,
                period,
            ):
                return float(row["value"])
    raise KeyError((code, indicator, period))


def test_map_values_one_row_per_region_of_the_level(engine) -> None:
    codes = level_codes("province")
    df = map_values(engine, "resident_population", 2020, codes)
    assert df["entity_code"].tolist() == codes
    figures = df.set_index("entity_code")["value"]
    assert figures.drop(sorted(OUTSIDE)).notna().all()  # the 31 of the census
    assert figures[sorted(OUTSIDE)].isna().all()  # drawn, without a figure
    shandong = df.set_index("entity_code").loc["370000"]
    assert shandong["value"] == _reference_value("370000", "resident_population", "2020")
    assert (shandong["name_zh"], shandong["name_en"]) == ("山东省", "Shandong")
    assert shandong["qualifier"] == "exact" and shandong["status"] == "reported"
    assert shandong["source_title_zh"]


def test_map_values_missing_regions_have_no_value(engine) -> None:
    codes = level_codes("city")
    df = map_values(engine, "cathode_capacity", 2024, codes).set_index("entity_code")
    assert len(df) == len(codes)
    assert df.loc["370400", "value"] == 160000  # 16万吨, the seed's figure
    assert df.loc["370400", "value_as_written"] == "16万吨"
    others = df.drop(index="370400")
    assert others["value"].isna().all() and others["name_zh"].notna().all()
    # a municipality on the prefecture map is the municipality itself
    population = map_values(engine, "resident_population", 2020, codes).set_index("entity_code")
    assert population.loc["110000", "name_zh"] == "北京市"
    assert population.loc["110000", "value"] == _reference_value(
        "110000", "resident_population", "2020"
    )


def test_years_indicators_and_default_year(engine) -> None:
    cities = level_codes("city")
    years = map_years(engine, "eol_battery_weight", cities)
    assert years["year"].tolist() == list(range(2016, 2031))
    assert years.set_index("year")["projected"].to_dict()[2030]
    assert not years.set_index("year")["projected"].to_dict()[2024]
    assert default_year(years) == 2024  # the latest year that is not a projection
    assert default_year(years.iloc[0:0]) is None
    provinces = level_codes("province")
    # as of revision 1, the shipped dataset: other tests commit figures to the same store
    shipped = map_years(engine, "resident_population", provinces, as_of=1)
    assert shipped["year"].tolist() == [2010, 2020]
    on_map = indicators_on_map(engine, provinces, as_of=1)
    assert "resident_population" in on_map and "cathode_capacity" not in on_map
    assert "cathode_capacity" in indicators_on_map(engine, cities, as_of=1)


def test_map_values_as_of_a_revision(engine, map_page) -> None:  # type: ignore[no-untyped-def]
    from store.revisions import commit_rows

    base = queries.latest_revision(engine)
    row = {
        "entity_type": "region",
        "entity_code": "320400",
        "indicator_code": "wetland_area",
        "period": "2041",
        "value": 180.0,
        "unit": "km2",
        "qualifier": "at_least",
        "value_as_written": "180余平方公里",
        "source": "地图测试来源",
        "_row": 2,
    }
    done = commit_rows(
        engine,
        pd.DataFrame([row]),
        author="test",
        file_name="map.csv",
        sha256="c" * 64,
        base_revision=base,
    )
    cities = level_codes("city")
    now = map_values(engine, "wetland_area", 2041, cities).set_index("entity_code")
    assert now.loc["320400", "value"] == 180 and now.loc["320400", "qualifier"] == "at_least"
    assert 2041 in map_years(engine, "wetland_area", cities, done.revision)["year"].tolist()
    assert 2041 not in map_years(engine, "wetland_area", cities, base)["year"].tolist()
    assert map_values(engine, "wetland_area", 2041, cities, base)["value"].isna().all()
    # the page as of the earlier revision does not know the figure; today's page does
    view = {"indicator": "wetland_area", "level": "city", "year": "2041"}
    fig = _by_id(map_page.layout(lang="zh", **view), "map-graph").figure
    assert "180+ 平方公里" in "".join(h for tr in fig.data for h in tr.hovertext)
    past = _texts(map_page.layout(lang="zh", rev=str(base), **view))
    assert f"正在查看修订 {base} 时的数据" in past and "2041年没有“湿地面积”的地市级数据" in past


# --- the figure ---------------------------------------------------------------------------

INDICATOR = {  # as the catalogue has innovation_platforms: 个 / platforms, factor 1
    "name_zh": "创新平台数",
    "name_en": "Innovation platforms",
    "display_zh_factor": 1,
    "display_zh_unit": "个",
    "display_en_factor": 1,
    "display_en_unit": "platforms",
}
POPULATION = {**INDICATOR, "display_zh_factor": 1e4, "display_zh_unit": "万人"}


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
    ],
}


def _frame(values: list[float | None], qualifiers: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "entity_code": ["370400", "320400", "420100"],
            "name_zh": ["枣庄市", "常州市", "武汉市"],
            "name_en": ["Zaozhuang", "Changzhou", "Wuhan"],
            "value": [float("nan") if v is None else v for v in values],
            "qualifier": qualifiers,
            "status": ["reported", "reported", None],
            "period": ["2024-08", "2024", None],
            "value_as_written": ["180余个", "90个", None],
            "source_key": ["s1", "s2", None],
            "source_title_zh": ["发布会", "年报", None],
            "source_title_en": ["Press conference", "Yearbook", None],
        }
    )


def _build(df: pd.DataFrame, lang: str = "zh", indicator: dict = INDICATOR):  # type: ignore[no-untyped-def]
    return map_figure.choropleth(
        df,
        indicator,
        lang,
        GEOJSON,
        title="创新平台数（个）",
        subtitle="2024年 · 地市级",
        source_line="数据来源：发布会；年报；边界：leiii/census",
        note="注：测试",
    )


def _main(fig, colored: bool):  # type: ignore[no-untyped-def]
    return next(
        tr for tr in fig.data if tr.geo in (None, "geo") and (tr.showscale is not False) == colored
    )


def _color_of(trace, z: float) -> str:  # type: ignore[no-untyped-def]
    """The colour plotly gives ``z``: its step of the (stepped) colour scale."""
    position = (z - trace.zmin) / (trace.zmax - trace.zmin)
    steps = [(p, c) for p, c in trace.colorscale]
    return next(c for (p0, c), (p1, _) in itertools.pairwise(steps) if p0 <= position <= p1)


def test_values_and_colours_match_numbers_by_hand() -> None:
    fig = _build(_frame([180, 90, None], ["at_least", "exact", "exact"]))
    values = _main(fig, colored=True)
    assert list(values.locations) == ["370400", "320400"]
    assert [c[0] for c in values.customdata] == ["370400", "320400"]
    assert values.featureidkey == "id"
    # two distinct figures: two classes, 90 the palest colour and 180 the darkest
    assert list(values.z) == [1, 0]
    assert _color_of(values, 1) == "#123f77" and _color_of(values, 0) == "#eef4fb"
    assert list(values.colorbar.ticktext) == ["90", "180"]
    assert list(values.colorbar.tickvals) == [0, 1]
    assert "分位数" not in fig.layout.annotations[-1].text  # classes are the figures themselves


def test_quantile_classes_by_hand() -> None:
    index, bounds, single = map_figure.classify(np.array([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]))
    # quintiles of 10…100 (linear between the ranks): 28, 46, 64, 82
    assert bounds == [10, 28, 46, 64, 82, 100] and not single
    assert list(index) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    index, bounds, _ = map_figure.classify(np.array([0.0, 1, 2, 3, 4, 5]))
    assert bounds == [0, 1, 2, 3, 4, 5]
    assert list(index) == [0, 1, 2, 3, 4, 4]  # a bound opens its class; the top closes the last
    index, bounds, single = map_figure.classify(np.array([5.0, 5.0, 7.0]))
    assert (list(index), bounds, single) == ([0, 0, 1], [5, 7], True)
    assert map_figure.class_colors(5) == map_figure.CLASS_COLORS
    assert map_figure.class_colors(1) == ["#3f78bd"]  # a lone figure stands out from the grey
    assert [map_figure.tick_label(x) for x in (5.6e-05, 0.09, 1234.5, 0)] == [
        "0.000056",
        "0.09",
        "1,234.5",
        "0",
    ]


def test_falls_and_rises_are_classed_apart_at_zero() -> None:
    # 同比 of ten regions: four falls, six rises; 5 classes → round(5 × 4/10) = 2 below zero
    values = np.array([-40.0, -30, -20, -10, 5, 10, 15, 20, 25, 30])
    index, bounds, single = map_figure.classify(values)
    # falls: halves of −40…−10 (−25 between), then 0; rises: thirds of 5…30 (13.33, 21.67)
    assert not single and bounds == pytest.approx([-40, -25, 0, 13.3333333333, 21.6666666667, 30])
    assert list(index) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert map_figure.classes_below_zero(bounds, single) == 2
    colours = map_figure.class_colors(5, below=2)
    assert colours[:2] == ["#a8420f", "#fde4cf"]  # the lowest falls darkest orange
    assert colours[2:] == ["#eef4fb", "#7fa9d8", "#123f77"]  # rises: blue, light to dark
    # a single fall among few distinct figures: one strong orange, no blue for it
    index, bounds, single = map_figure.classify(np.array([-3.0, 2.0, 8.0]))
    assert single and map_figure.classes_below_zero(bounds, single) == 1
    assert map_figure.class_colors(3, below=1) == ["#e0722f", "#eef4fb", "#123f77"]
    # no figure below zero: the blue scale as before
    assert map_figure.classes_below_zero([0.0, 1.0, 2.0], False) == 0


def test_a_map_of_falls_and_rises_says_so() -> None:
    codes = [f"3704{i:02d}" for i in range(10)]
    values = [-40.0, -30, -20, -10, 5, 10, 15, 20, 25, 30]
    df = pd.DataFrame(
        {
            "entity_code": codes,
            "name_zh": [f"区{i}" for i in range(10)],
            "name_en": [f"D{i}" for i in range(10)],
            "value": values,
            "qualifier": "exact",
            "status": "reported",
            "period": "2023",
            "value_as_written": "",
            "source_title_zh": "来源",
            "source_title_en": "Source",
        }
    )
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": c,
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[110 + i, 30], [111 + i, 30], [111 + i, 31], [110 + i, 30]]],
                },
            }
            for i, c in enumerate(codes)
        ],
    }
    unit = MeasureUnit(1.0, "%", percent=True)
    fig = map_figure.choropleth_figure(
        df, {"code": "x", "unit": "percent"}, "zh", geojson, title="t", subtitle="s",
        source_line="数据来源：来源", unit=unit,
    )  # fmt: skip
    trace = next(tr for tr in fig["data"] if tr.get("showscale") is not False)
    assert trace["colorbar"]["ticktext"][2] == "0"
    assert "橙色为负值（下降）" in fig["layout"]["annotations"][-1]["text"]


def test_quantile_map_colours_and_legend() -> None:
    codes = [f"3704{i:02d}" for i in range(10)]
    squares = [_square(c, 100 + i, 30) for i, c in enumerate(codes)]
    geojson = {"type": "FeatureCollection", "features": squares}
    df = pd.DataFrame(
        {
            "entity_code": codes,
            "name_zh": [f"市{i}" for i in range(10)],
            "name_en": [f"City {i}" for i in range(10)],
            "value": [10.0 * (i + 1) for i in range(10)],
            "qualifier": "exact",
            "status": "reported",
            "period": "2024",
            "value_as_written": "",
            "source_key": "s",
            "source_title_zh": "年报",
            "source_title_en": "Yearbook",
        }
    )
    fig = map_figure.choropleth(
        df, INDICATOR, "zh", geojson, title="t", subtitle="s", source_line="数据来源：年报"
    )
    values = _main(fig, colored=True)
    assert list(values.z) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    colors = [_color_of(values, z) for z in values.z]
    assert colors == [c for c in map_figure.CLASS_COLORS for _ in range(2)]
    assert list(values.colorbar.ticktext) == ["10", "28", "46", "64", "82", "100"]
    assert list(values.colorbar.tickvals) == [-0.5, 0.5, 1.5, 2.5, 3.5, 4.5]
    assert "颜色按分位数分为5级" in fig.layout.annotations[-1].text


def test_missing_regions_are_grey_and_explained() -> None:
    fig = _build(_frame([180, 90, None], ["at_least", "exact", "exact"]))
    grey = _main(fig, colored=False)
    assert list(grey.locations) == ["420100"]
    assert {c for _, c in grey.colorscale} == {map_figure.MISSING_COLOR}
    assert grey.customdata[0][0] == "420100"
    assert "该年无数据" in grey.hovertext[0] and "武汉市" in grey.hovertext[0]
    footer = fig.layout.annotations[-1].text
    assert "灰色：该年无数据的地区（1个），不做插补：武汉市。" in footer
    assert "数据来源：发布会" in footer and "边界：leiii/census" in footer and "注：测试" in footer
    # each boundary travels once in the main map's traces
    sent = [f["id"] for tr in fig.data if tr.geo in (None, "geo") for f in tr.geojson["features"]]
    assert sorted(sent) == ["320400", "370400", "420100"]
    assert GEOJSON["features"][0]["properties"] == {}  # the shared dict is left as it was


def test_many_missing_regions_are_counted_not_listed() -> None:
    codes, names = [f"37{i:02d}00" for i in range(10)], [f"市{i}" for i in range(10)]
    assert map_figure.missing_note(codes, names, "zh") == (
        "灰色：该年无数据的地区（10个），不做插补。"
    )
    assert "10 regions" in map_figure.missing_note(codes, names, "en")
    assert map_figure.missing_note([], [], "zh") == ""


def test_taiwan_hong_kong_macao_are_outside_the_statistics_not_missing() -> None:
    codes = ["710000", "370400", "810000"]
    names = ["台湾省", "枣庄市", "香港特别行政区"]
    assert map_figure.missing_note(codes, names, "zh") == (
        "灰色：该年无数据的地区（1个），不做插补：枣庄市。"
        "台湾省、香港特别行政区不在本数据的统计范围内（全国数据未包括港澳台），以灰色绘出。"
    )
    only = map_figure.missing_note(["820000"], ["Macao"], "en")
    assert only.startswith("Macao: outside the scope of these statistics")
    assert "no figure" not in only.lower()
    outside = map_figure.grey_hover("710000", "台湾省", "zh")
    assert outside == "<b>台湾省</b><br>不在本数据的统计范围内"
    assert map_figure.grey_hover("370400", "枣庄市", "zh") == "<b>枣庄市</b><br>该年无数据"


def test_hover_shows_name_value_unit_and_qualifier_mark() -> None:
    fig = _build(_frame([180, 90, None], ["at_least", "approx", "exact"]))
    hover = _main(fig, colored=True).hovertext
    assert hover[0].startswith("<b>枣庄市</b><br>180+ 个")
    assert "2024年8月" in hover[0] and "原文：180余个" in hover[0] and "来源：发布会" in hover[0]
    assert hover[1].startswith("<b>常州市</b><br>~90 个")
    english = _main(_build(_frame([180, 90, None], ["at_least", "exact", "exact"]), "en"), True)
    assert english.hovertext[0].startswith("<b>Zaozhuang</b><br>180+ platforms")
    assert "Period: Aug 2024" in english.hovertext[0]
    assert "Source: Press conference" in english.hovertext[0]


def test_display_unit_divides_the_values() -> None:
    fig = _build(_frame([3_855_601, 5_278_000, None], ["exact"] * 3), indicator=POPULATION)
    values = _main(fig, colored=True)
    assert list(values.colorbar.ticktext) == ["385.56", "527.8"]
    assert "385.56 万人" in values.hovertext[0]


def test_title_base_map_and_inset() -> None:
    fig = _build(_frame([180, 90, None], ["at_least", "exact", "exact"]))
    assert fig.layout.title.text == "<b>创新平台数（个）</b>"
    assert fig.layout.title.subtitle.text == "2024年 · 地市级"
    geo = fig.layout.geo
    for layer in ("showland", "showcoastlines", "showocean", "showcountries", "showlakes"):
        assert getattr(geo, layer) is False, layer
        assert getattr(fig.layout.geo2, layer) is False, layer
    # the extent is that of the boundaries, half a degree around
    assert list(geo.lonaxis.range) == [113.5, 120.5]
    assert list(geo.lataxis.range) == [29.5, 35.5]
    assert not any(tr.geo == "geo2" for tr in fig.data)  # nothing in the South China Sea box


def test_nothing_to_show_is_said_not_blank() -> None:
    fig = _build(_frame([None, None, None], ["exact"] * 3))
    assert fig.layout.annotations[0].text == "暂无数据"


# --- the page and its callbacks ------------------------------------------------------------


@pytest.fixture(scope="module")
def map_page(engine):  # type: ignore[no-untyped-def]
    import dash

    dash.Dash("tests_map", use_pages=True, pages_folder="")
    import pages.map

    return pages.map


def _walk(component):  # type: ignore[no-untyped-def]
    yield component
    children = getattr(component, "children", None)
    if children is None:
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        yield from _walk(child)


def _by_id(component, component_id: str):  # type: ignore[no-untyped-def]
    return next(c for c in _walk(component) if getattr(c, "id", None) == component_id)


def _texts(component) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(c) for c in _walk(component) if isinstance(c, str | int))


def test_page_reproduces_the_view_of_its_url(map_page) -> None:  # type: ignore[no-untyped-def]
    out = map_page.layout(lang="zh", indicator="resident_population", level="city", year="2010")
    fig = _by_id(out, "map-graph").figure
    assert fig.layout.title.text == "<b>常住人口（万人）</b>"
    assert fig.layout.title.subtitle.text == "2010年 · 地市级"
    assert _by_id(out, "map-level").value == "city"
    assert _by_id(out, "map-year").value == 2010
    words = _texts(out)
    assert "边界：leiii/census（Lei Dong 等，MIT 许可）" in words
    assert "点击地图上的地区" in words
    table = _by_id(out, "map-table")
    assert table.rowData[0]["rank"] == 1 and table.rowData[0]["value"].endswith("万人")


def test_page_defaults_and_english(map_page) -> None:  # type: ignore[no-untyped-def]
    out = map_page.layout(lang="en")
    fig = _by_id(out, "map-graph").figure
    assert fig.layout.title.text == "<b>Resident population (million)</b>"
    assert fig.layout.title.subtitle.text == "2020 · Provinces"
    words = _texts(out)
    assert "Boundaries: leiii/census" in words
    chinese = re.findall(r"[\u4e00-\u9fff]+", words)
    assert chinese == ["中文"], chinese  # only the language switch
    eol = map_page.layout(lang="zh", indicator="eol_battery_weight", level="city")
    assert _by_id(eol, "map-year").value == 2024  # not the 2030 projection


def test_page_explains_what_it_cannot_draw(map_page) -> None:  # type: ignore[no-untyped-def]
    unknown = _texts(map_page.layout(lang="zh", indicator="no_such"))
    assert "找不到指标“no_such”。" in unknown
    no_level = _texts(  # as of the shipped dataset: other tests commit figures meanwhile
        map_page.layout(lang="zh", indicator="cathode_capacity", level="province", rev="1")
    )
    assert "省级地区没有“正极材料年产能”数据" in no_level
    no_year = _texts(map_page.layout(lang="zh", indicator="resident_population", year="1999"))
    assert "1999年没有“常住人口”的省级数据，有数据的年份：2010、2020。" in no_year


def test_controls_write_the_url(map_page) -> None:  # type: ignore[no-untyped-def]
    shown = {"indicator": "pev_sales", "level": "city", "year": 2019}
    search = map_page.view_search("pev_sales", "city", 2018, "en", 3, shown)
    assert search == "?lang=en&rev=3&indicator=pev_sales&level=city&year=2018"
    # another indicator or level has other years: the page picks its default year
    assert map_page.view_search("pev_sales", "province", 2019, "zh", None, shown) == (
        "?indicator=pev_sales&level=province"
    )
    assert map_page.view_search("eol_battery_weight", "city", 2019, "zh", None, shown) == (
        "?indicator=eol_battery_weight&level=city"
    )
    # the controls appearing with the page's own view change nothing (a shared link stays)
    assert map_page.view_search("pev_sales", "city", 2019, "zh", None, shown) is None


def test_a_click_opens_the_comparison_of_the_region(map_page) -> None:  # type: ignore[no-untyped-def]
    click = {"points": [{"location": "370400", "customdata": ["370400"], "z": 1}]}
    assert map_page.region_href(click, "pev_sales", "zh", None) == (
        "/compare?regions=370400&indicator=pev_sales"
    )
    assert map_page.region_href(click, "pev_sales", "en", 2) == (
        "/compare?lang=en&rev=2&regions=370400&indicator=pev_sales"
    )
    assert map_page.region_href({"points": [{"customdata": "370400"}]}, "x", "zh", None)
    assert map_page.region_href(None, "pev_sales", "zh", None) == ""
    assert map_page.region_href({"points": []}, "pev_sales", "zh", None) == ""
    assert map_page.region_href({"points": [{"customdata": ["<b>"]}]}, "x", "zh", None) == ""
