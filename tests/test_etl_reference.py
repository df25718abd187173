"""Checks on the shipped reference data (data/shipped/*) and on the ETL that makes it."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

from etl.common import fmt_decimal, written
from etl.names import english_key, pinyin_name, short_name

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "data" / "shipped"
SHARED = REPO.parent / "shared"
FILES = ("regions.csv", "region_aliases.csv", "observations_reference.csv", "sources_reference.csv")
needs_shared = pytest.mark.skipif(
    not (SHARED / "reference").is_dir(), reason="../shared/reference is not available"
)


def read(name: str) -> list[dict[str, str]]:
    with (SHIPPED / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def regions() -> dict[str, dict[str, str]]:
    return {row["code"]: row for row in read("regions.csv")}


@pytest.fixture(scope="module")
def observations() -> list[dict[str, str]]:
    return read("observations_reference.csv")


def value(observations: list[dict[str, str]], code: str, indicator: str, period: str) -> Decimal:
    found = [
        o["value"]
        for o in observations
        if (o["entity_code"], o["indicator_code"], o["period"]) == (code, indicator, period)
    ]
    assert len(found) == 1, (code, indicator, period, found)
    return Decimal(found[0])


# --- regions -------------------------------------------------------------------------------


def test_region_columns_and_counts(regions: dict[str, dict[str, str]]) -> None:
    header = next(csv.reader((SHIPPED / "regions.csv").open(encoding="utf-8")))
    assert header == ["code", "name_zh", "name_en", "level", "parent_code", "lat", "lon"]
    levels = [r["level"] for r in regions.values()]
    assert levels.count("nation") == 1
    assert levels.count("province") == 31 + 3  # and 台湾 香港 澳门, outside the statistics
    assert levels.count("city") == 333
    assert 2900 <= levels.count("county") < 3000
    assert regions["100000"]["name_zh"] == "全国" and regions["100000"]["parent_code"] == ""


@needs_shared
def test_every_prefecture_level_unit_is_a_city(regions: dict[str, dict[str, str]]) -> None:
    placeholders = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
    with (SHARED / "reference/divisions/cities.csv").open(encoding="utf-8") as handle:
        cities = [r for r in csv.DictReader(handle) if r["name"] not in placeholders]
    assert {r["code"] + "00" for r in cities} == {
        c for c, r in regions.items() if r["level"] == "city"
    }


def test_codes_and_parents(regions: dict[str, dict[str, str]]) -> None:
    parent_level = {"province": {"nation"}, "city": {"province"}, "county": {"city", "province"}}
    for code, r in regions.items():
        assert re.fullmatch(r"\d{6}", code)
        assert r["name_zh"] and r["name_en"], code
        if r["level"] != "nation":
            assert regions[r["parent_code"]]["level"] in parent_level[r["level"]], code
    assert "110100" not in regions and "500200" not in regions  # 市辖区 / 县 placeholders
    assert regions["110105"]["parent_code"] == "110000"  # 朝阳区 hangs off 北京市
    assert regions["429004"]["parent_code"] == "420000"  # 仙桃市, 省直辖县级行政区划


def test_zaozhuang(regions: dict[str, dict[str, str]]) -> None:
    r = regions["370400"]
    assert (r["name_zh"], r["name_en"], r["level"], r["parent_code"]) == (
        "枣庄市",
        "Zaozhuang",
        "city",
        "370000",
    )
    assert abs(float(r["lat"]) - 34.8) < 0.2 and abs(float(r["lon"]) - 117.3) < 0.2


def test_centroids(regions: dict[str, dict[str, str]]) -> None:
    for r in regions.values():
        if r["level"] in ("nation", "province", "city"):
            assert re.fullmatch(r"-?\d+\.\d{4}", r["lat"]), r["code"]
            assert 3 < float(r["lat"]) < 54 and 73 < float(r["lon"]) < 136, r["code"]
    assert abs(float(regions["110000"]["lat"]) - 40.2) < 0.3  # 北京
    assert abs(float(regions["650000"]["lon"]) - 85) < 2  # 新疆


@pytest.mark.parametrize(
    ("code", "name_en"),
    [
        ("500000", "Chongqing"),
        ("430100", "Changsha"),
        ("140400", "Changzhi"),
        ("350200", "Xiamen"),
        ("340300", "Bengbu"),
        ("341500", "Lu'an"),
        ("411100", "Luohe"),
        ("211300", "Chaoyang"),
        ("420100", "Wuhan"),
        ("120104", "Nankai"),
        ("370000", "Shandong"),
        ("610000", "Shaanxi"),
        ("140000", "Shanxi"),
        ("150000", "Inner Mongolia"),
        ("540000", "Tibet"),
        ("450000", "Guangxi"),
        ("650000", "Xinjiang"),
        ("640000", "Ningxia"),
        ("513200", "Aba"),
        ("650100", "Urumqi"),
    ],
)
def test_english_names(regions: dict[str, dict[str, str]], code: str, name_en: str) -> None:
    assert regions[code]["name_en"] == name_en


# --- aliases -------------------------------------------------------------------------------


def test_aliases(regions: dict[str, dict[str, str]]) -> None:
    rows = read("region_aliases.csv")
    pairs = [(r["alias"], r["code"]) for r in rows]
    assert len(pairs) == len(set(pairs))
    assert {r["kind"] for r in rows} == {"short", "traditional", "pinyin", "english", "code"}
    assert {r["code"] for r in rows} == set(regions)
    by_alias: dict[str, set[str]] = {}
    for alias, code in pairs:
        by_alias.setdefault(alias, set()).add(code)
    for alias in ("枣庄", "棗莊市", "棗莊", "Zaozhuang", "Zaozhuang City", "370400"):
        assert by_alias[alias] == {"370400"}, alias
    assert "120000" in by_alias["天津"] and "110000" in by_alias["Beijing"]
    assert "130000" in by_alias["Hebei"] and "650000" in by_alias["Xinjiang"]


# --- observations --------------------------------------------------------------------------


def test_observation_columns(observations: list[dict[str, str]]) -> None:
    header = next(csv.reader((SHIPPED / "observations_reference.csv").open(encoding="utf-8")))
    assert header == [
        "entity_type", "entity_code", "indicator_code", "period", "value", "unit", "qualifier",
        "value_as_written", "source_key", "sentence", "status", "note",
    ]  # fmt: skip
    for o in observations:
        assert o["entity_type"] == "region"
        assert re.fullmatch(r"-?\d+(\.\d+)?", o["value"]), o
        assert o["qualifier"] in ("exact", "at_least", "approx")
        assert o["status"] in ("reported", "derived", "projection", "target")
        assert re.fullmatch(r"\d{4}(H[12])?", o["period"]), o
        assert o["sentence"] and o["source_key"].startswith("ref-")
        # the EOL figures sum two cells (LFP + NCM): no single cell to quote
        assert bool(o["value_as_written"]) != o["indicator_code"].startswith("eol_battery_"), o


def test_indicators_and_units(observations: list[dict[str, str]]) -> None:
    with (REPO / "data/indicators.csv").open(encoding="utf-8") as handle:
        units = {row["code"]: row["unit"] for row in csv.DictReader(handle)}
    for o in observations:
        assert units.get(o["indicator_code"]) == o["unit"], o


def test_no_duplicates_and_known_regions(
    observations: list[dict[str, str]], regions: dict[str, dict[str, str]]
) -> None:
    keys = [(o["entity_code"], o["indicator_code"], o["period"]) for o in observations]
    assert len(keys) == len(set(keys))
    assert {o["entity_code"] for o in observations} <= set(regions)
    sources = {r["key"] for r in read("sources_reference.csv")}
    assert {o["source_key"] for o in observations} <= sources


def test_population(observations: list[dict[str, str]]) -> None:
    assert value(observations, "120000", "resident_population", "2020") == 13866009
    assert 12_000_000 < value(observations, "120000", "resident_population", "2010") < 13_500_000
    assert value(observations, "370400", "resident_population", "2020") == 3855601
    assert value(observations, "100000", "resident_population", "2020") == 1409778724
    assert value(observations, "130600", "resident_population", "2020") == 11544036  # 保定
    provinces_2020 = [
        Decimal(o["value"])
        for o in observations
        if o["indicator_code"] == "resident_population"
        and o["period"] == "2020"
        and re.fullmatch(r"\d{2}0000", o["entity_code"])
        and o["entity_code"] != "100000"
    ]
    assert len(provinces_2020) == 31 and sum(provinces_2020) == 1409778724
    derived = [o for o in observations if o["status"] == "derived" and o["period"] == "2010"]
    assert derived and all(o["entity_code"].endswith("0000") for o in derived)
    assert value(observations, "370000", "resident_population", "2010") == 95792719  # 山东


def test_batteries_and_ev(observations: list[dict[str, str]]) -> None:
    eol = [o for o in observations if o["indicator_code"] == "eol_battery_weight"]
    assert len({o["entity_code"] for o in eol}) == 364
    for o in eol:
        assert o["status"] == ("projection" if int(o["period"]) >= 2025 else "derived")
        assert "scenario BS" in o["note"]
    big = ("110000", "310000", "120000", "500000", "440100", "440300", "510100", "420100")
    for code in (*big, "330100", "320500", "610100", "430100", "370200", "340100"):
        assert value(observations, code, "eol_battery_weight", "2030") > 10_000, code
        assert value(observations, code, "pev_sales", "2023") > 10_000, code
    assert value(observations, "310000", "pev_sales", "2020") == 128340  # 上海


def test_eol_rows(observations: list[dict[str, str]]) -> None:
    eol = [o for o in observations if o["indicator_code"].startswith("eol_battery_")]
    assert len(eol) == 2 * 5460
    column = {"eol_battery_weight": "Weight (thousand t)", "eol_battery_capacity": "Capacity (GWh)"}
    for o in eol:
        assert o["value_as_written"] == "", o
        assert len(Decimal(o["value"]).normalize().as_tuple().digits) <= 6, o
        suffix = f", scenario BS, LFP + NCM, column {column[o['indicator_code']]}"
        assert o["sentence"].startswith(f"Year {o['period']}, ") and o["sentence"].endswith(suffix)
    zaozhuang = [
        o["sentence"]
        for o in eol
        if (o["entity_code"], o["indicator_code"], o["period"])
        == ("370400", "eol_battery_weight", "2024")
    ]
    assert zaozhuang == [
        "Year 2024, Shandong / Zaozhuang City, scenario BS, LFP + NCM, column Weight (thousand t)"
    ]


def test_pev_sales(observations: list[dict[str, str]]) -> None:
    assert not [o for o in observations if o["indicator_code"] == "pev_stock"]
    pev = [o for o in observations if o["indicator_code"] == "pev_sales"]
    assert {o["period"] for o in pev} == {str(y) for y in range(2016, 2024)}
    for o in pev:
        assert (o["qualifier"], o["status"], o["unit"]) == ("exact", "reported", "vehicle"), o
        assert o["value_as_written"] == o["value"] and o["source_key"] == "ref-pev", o
        assert o["note"] == "yearly plug-in passenger EV sales as recorded in the dataset", o
    shanghai = [o for o in pev if (o["entity_code"], o["period"]) == ("310000", "2020")]
    assert [o["value_as_written"] for o in shanghai] == ["128340"]


def test_storage(observations: list[dict[str, str]]) -> None:
    assert value(observations, "100000", "storage_installed", "2024") == 73_800_000
    assert value(observations, "100000", "storage_energy", "2026H1") == Decimal("448.7")
    rows = [o for o in observations if o["source_key"] == "ref-nea-storage"]
    assert len(rows) == 12
    assert {o["status"] for o in rows if o["period"] in ("2021", "2023")} == {"derived"}


def test_sources() -> None:
    rows = read("sources_reference.csv")
    assert [r["key"] for r in rows] == sorted(
        ["ref-divisions", "ref-census-county-2020", "ref-census-city", "ref-eol-battery",
         "ref-pev", "ref-nea-storage", "ref-natural-earth"]
    )  # fmt: skip
    for r in rows:
        assert r["licence"] in ("WTFPL", "MIT", "CC BY 4.0", "public domain"), r["key"]
        assert r["url"].startswith("https://") and r["title_zh"] and r["title_en"]
        assert r["document"] and ("commit" in r["note"] or "version" in r["note"]), r["key"]


# --- helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("枣庄市", "枣庄"),
        ("山东省", "山东"),
        ("内蒙古自治区", "内蒙古"),
        ("新疆维吾尔自治区", "新疆"),
        ("阿坝藏族羌族自治州", "阿坝"),
        ("海西蒙古族藏族自治州", "海西"),
        ("伊犁哈萨克自治州", "伊犁"),
        ("鄂伦春自治旗", "鄂伦春"),
        ("神农架林区", "神农架"),
        ("浦东新区", "浦东"),
        ("矿区", "矿区"),
        ("井陉矿区", "井陉矿区"),
        ("万柏林区", "万柏林"),
        ("金林区", "金林"),
        ("苏州工业园区", "苏州工业园区"),
    ],
)
def test_short_name(name: str, short: str) -> None:
    assert short_name(name) == short


@pytest.mark.parametrize(
    ("name", "pinyin"),
    [("枣庄", "Zaozhuang"), ("西安", "Xi'an"), ("长治", "Changzhi"), ("长子", "Zhangzi"),
     ("郫都", "Pidu"), ("吕梁", "Lüliang"), ("大兴安岭", "Daxing'anling")],
)  # fmt: skip
def test_pinyin_name(name: str, pinyin: str) -> None:
    assert pinyin_name(name) == pinyin


def test_english_key_and_numbers() -> None:
    assert english_key("Aba Tibetan and Qiang Autonomous Prefecture") == "aba"
    assert english_key("Suzhou City (Anhui Province)") == "suzhou"
    assert english_key("Daxing'anling Prefecture") == "daxinganling"
    assert fmt_decimal(Decimal("5.8") * 1_000_000) == "5800000"
    assert fmt_decimal(Decimal("0.0610")) == "0.061"
    assert written(1.2e-05) == "0.000012" and written(9933000) == "9933000"


# --- reproducibility -------------------------------------------------------------------------


@needs_shared
def test_rerun_is_byte_identical(tmp_path: Path) -> None:
    from etl.reference import build

    build(SHARED, tmp_path)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), name


@needs_shared
def test_census_files_agree() -> None:
    from etl.census import population
    from etl.regions import load_regions, read_city_geo

    regions = load_regions(SHARED)
    issues: list = []
    _, pairs = population(SHARED, read_city_geo(SHARED), regions, issues)
    close = [c for c, (a, b) in pairs.items() if abs(a - b) <= b * Decimal("0.01")]
    assert len(pairs) > 350 and len(close) >= 0.95 * len(pairs)
    assert pairs["370400"] == (Decimal(3855601), Decimal(3855601))
    mismatched = {
        i.where.split("(")[-1].rstrip(")") for i in issues if i.code == "boundary-mismatch"
    }
    assert mismatched == set(pairs) - set(close)
