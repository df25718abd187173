"""Regions (nation, provinces, prefecture-level units, counties) and their aliases.

Codes and names come from the GB/T 2260 division tables (modood/Administrative-divisions-of-China);
centroids from the census-city boundaries (leiii/census).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import shapely
from shapely import wkt

from etl.names import english_key, match_key, pinyin_name, short_name, syllables, traditional

DIVISIONS_DIR = Path("reference/divisions")
CITY_GEO_FILE = Path("reference/geo/leiii_census_city_2010-2020_v1_wkt.csv")
NATION_CODE = "100000"
NATION_ZH, NATION_EN = "全国", "China"
NATION_ALIASES = (("中国", "short"), ("中华人民共和国", "short"), ("Zhongguo", "pinyin"))
# City rows of cities.csv that are groupings, not regions; their counties hang off the province.
PLACEHOLDER_CITIES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
DIRECT_COUNTY_GROUPS = frozenset({"省直辖县级行政区划", "自治区直辖县级行政区划"})
# Conventional English names that are not the plain pinyin of the Chinese name (mostly Mongolian,
# Tibetan and Uyghur place names, spelled as in the Miffyfei workbooks); keyed by full Chinese name.
NAME_EN_OVERRIDES = {
    "陕西省": "Shaanxi",
    "内蒙古自治区": "Inner Mongolia",
    "西藏自治区": "Tibet",
    "呼和浩特市": "Hohhot",
    "鄂尔多斯市": "Ordos",
    "呼伦贝尔市": "Hulunbuir",
    "巴彦淖尔市": "Bayannur",
    "乌兰察布市": "Ulanqab",
    "锡林郭勒盟": "Xilingol",
    "阿拉善盟": "Alxa",
    "哈尔滨市": "Harbin",
    "齐齐哈尔市": "Qiqihar",
    "拉萨市": "Lhasa",
    "日喀则市": "Shigatse",
    "林芝市": "Nyingchi",
    "那曲市": "Nagqu",
    "阿里地区": "Ngari",
    "果洛藏族自治州": "Golog",
    "甘孜藏族自治州": "Garze",
    "乌鲁木齐市": "Urumqi",
    "克拉玛依市": "Karamay",
    "吐鲁番市": "Turpan",
    "博尔塔拉蒙古自治州": "Bortala",
    "巴音郭楞蒙古自治州": "Bayingolin",
    "阿克苏地区": "Aksu",
    "克孜勒苏柯尔克孜自治州": "Kizilsu",
    "喀什地区": "Kashgar",
    "和田地区": "Hotan",
    "阿勒泰地区": "Altay",
    "阿拉尔市": "Aral",
}
# Province-level units of GB/T 2260 that the division tables leave out, as do the mainland's
# statistics (全国 is the 31 provinces): regions all the same, so that a map of China draws
# them and their names resolve; no figure of the reference files is read for them.
# code → (name, English name, further aliases and their kind)
OUTSIDE_STATISTICS = {
    "710000": ("台湾省", "Taiwan", (("台灣", "traditional"), ("台灣省", "traditional"))),
    "810000": ("香港特别行政区", "Hong Kong", ()),
    "820000": ("澳门特别行政区", "Macao", (("Macau", "english"),)),
}
KIND_ORDER = ("code", "short", "traditional", "pinyin", "english")
REGION_COLUMNS = ["code", "name_zh", "name_en", "level", "parent_code", "lat", "lon"]
ALIAS_COLUMNS = ["code", "alias", "kind"]


@dataclass
class Region:
    code: str
    name_zh: str
    name_en: str
    level: str
    parent_code: str
    pinyin: str = ""  # plain pinyin of the short name (differs from name_en for overrides)
    direct_county: bool = False  # a county-level unit under 省直辖县级行政区划
    lat: float | None = None
    lon: float | None = None

    @property
    def short(self) -> str:
        return short_name(self.name_zh)


def _read_divisions(shared: Path, name: str) -> pd.DataFrame:
    path = shared / DIVISIONS_DIR / name
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    expected = {"provinces.csv": 2, "cities.csv": 4, "areas.csv": 6}[name]
    bad = frame[frame["code"].str.len() != expected]
    if len(bad):
        raise ValueError(f"{path}: expected {expected}-digit codes, found {bad['code'].iloc[0]!r}")
    return frame


def _make(code: str, name: str, level: str, parent: str, direct: bool = False) -> Region:
    plain = pinyin_name(short_name(name))
    return Region(code, name, NAME_EN_OVERRIDES.get(name, plain), level, parent, plain, direct)


def load_regions(shared: Path) -> dict[str, Region]:
    """Nation, provinces, cities and counties keyed by 6-digit code (no centroids yet)."""
    provinces = _read_divisions(shared, "provinces.csv")
    cities = _read_divisions(shared, "cities.csv")
    areas = _read_divisions(shared, "areas.csv")
    regions = {NATION_CODE: Region(NATION_CODE, NATION_ZH, NATION_EN, "nation", "", "Zhongguo")}
    for row in provinces.itertuples():
        regions[row.code + "0000"] = _make(row.code + "0000", row.name, "province", NATION_CODE)
    for code, (name, name_en, _) in OUTSIDE_STATISTICS.items():
        if code in regions:
            raise ValueError(f"provinces.csv: {code} {name} is listed now: drop it from here")
        plain = pinyin_name(short_name(name))
        regions[code] = Region(code, name, name_en, "province", NATION_CODE, plain)
    group_of = {}  # 4-digit city code → placeholder name, for placeholder rows
    for row in cities.itertuples():
        if row.name in PLACEHOLDER_CITIES:
            group_of[row.code] = row.name
            continue
        regions[row.code + "00"] = _make(
            row.code + "00", row.name, "city", row.provinceCode + "0000"
        )
    for row in areas.itertuples():
        if row.code in regions:  # 441900 东莞市 etc.: a city without districts lists itself
            continue
        group = group_of.get(row.cityCode)
        parent = row.provinceCode + "0000" if group else row.cityCode + "00"
        if parent not in regions:
            raise ValueError(f"areas.csv: {row.code} {row.name} has unknown parent {parent}")
        direct = group in DIRECT_COUNTY_GROUPS
        regions[row.code] = _make(row.code, row.name, "county", parent, direct)
    return regions


def read_city_geo(shared: Path) -> pd.DataFrame:
    """The census-city table (UTF-8 with BOM), every cell as text."""
    path = shared / CITY_GEO_FILE
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    missing = {"city", "city_code", "province_code", "popu_2010", "popu_2020", "coord"} - set(frame)
    if missing:
        raise ValueError(f"{path}: expected columns {sorted(missing)}, found {list(frame)}")
    return frame


def geo_region_code(code: str, regions: dict[str, Region]) -> str | None:
    """Region code of a census-city unit: 110100 (北京 市辖区) → 110000; None when not a region."""
    if code in regions and regions[code].level in ("city", "county"):
        return code
    province = code[:2] + "0000"
    if code.endswith("0100") and province in regions and regions[province].name_zh.endswith("市"):
        return province  # the four municipalities appear with their 市辖区 code
    return None


def boundary_code(code: str, regions: dict[str, Region]) -> str | None:
    """Region code of a census-city unit's boundary: ``geo_region_code``'s, and Hong Kong and
    Macau (the WKT's 810000, 820000) as themselves, though their figures are not read."""
    if code in OUTSIDE_STATISTICS and code in regions:
        return code
    return geo_region_code(code, regions)


def _point(geom: shapely.Geometry) -> tuple[float, float]:
    """Centroid, or a point inside the shape when the centroid falls outside it."""
    point = geom.centroid
    if not geom.contains(point):
        point = geom.representative_point()
    return round(point.y, 4), round(point.x, 4)


def add_centroids(
    regions: dict[str, Region],
    geo: pd.DataFrame,
    extra: dict[str, shapely.Geometry] | None = None,
) -> None:
    """Centroids of units with a boundary, of provinces (their units) and of the nation.
    ``extra``: boundaries from elsewhere (Taiwan, which the WKT lacks), by region code."""
    by_province: dict[str, list[shapely.Geometry]] = {}
    units: list[tuple[str, shapely.Geometry]] = []
    for row in geo.itertuples():
        code = boundary_code(row.city_code, regions)
        if code is not None and row.coord:
            units.append((code, shapely.make_valid(wkt.loads(row.coord))))
    for code, geom in [*units, *(extra or {}).items()]:
        if regions[code].level == "province":
            by_province[code] = [geom]
        else:
            regions[code].lat, regions[code].lon = _point(geom)
            by_province.setdefault(code[:2] + "0000", []).append(geom)
    provinces = []
    for code, geoms in sorted(by_province.items()):
        union = shapely.union_all(geoms)
        regions[code].lat, regions[code].lon = _point(union)
        provinces.append(union)
    regions[NATION_CODE].lat, regions[NATION_CODE].lon = _point(shapely.union_all(provinces))


class EnglishResolver:
    """Resolves the English province and city names of the Miffyfei workbooks to region codes."""

    def __init__(self, regions: dict[str, Region]) -> None:
        self.regions = regions
        self.provinces = {}
        self.units: dict[tuple[str, str], list[str]] = {}
        self.direct: dict[str, list[str]] = {}
        for r in regions.values():
            if r.level == "province":
                self.provinces[match_key(r.name_en)] = r.code
        for r in regions.values():
            keys = {match_key(r.name_en), match_key("".join(syllables(r.short)))}
            if r.level == "province":
                self.provinces.setdefault(match_key(r.pinyin), r.code)
            elif r.level == "city" or r.direct_county:
                for key in keys:
                    self.units.setdefault((r.code[:2], key), []).append(r.code)
                if r.direct_county:
                    self.direct.setdefault(r.code[:2] + "0000", []).append(r.code)

    def province(self, name: str) -> str | None:
        words = name.split()
        for key in (match_key(name), match_key(words[0] if words else "")):
            if key in self.provinces:
                return self.provinces[key]
        return None

    def city(self, province_code: str, name: str) -> str | None:
        if self.regions[province_code].name_zh.endswith("市"):
            return province_code  # municipality: the "city" is the province itself
        if name.strip().lower().startswith("directly governed county"):
            direct = self.direct.get(province_code, [])
            return direct[0] if len(direct) == 1 else None
        found = self.units.get((province_code[:2], english_key(name)), [])
        return found[0] if len(set(found)) == 1 else None


def alias_rows(regions: dict[str, Region], english: dict[str, set[str]]) -> list[list[str]]:
    """(code, alias, kind) rows, unique per (alias, code), sorted."""
    rows: dict[tuple[str, str], str] = {}

    def add(code: str, alias: str, kind: str) -> None:
        alias = alias.strip()
        if alias and alias != regions[code].name_zh and (alias, code) not in rows:
            rows[(alias, code)] = kind

    en_names = {(r.level, r.name_en) for r in regions.values()}
    for code, r in regions.items():
        add(code, code, "code")
        if r.level == "nation":
            for alias, kind in NATION_ALIASES:
                add(code, alias, kind)
                add(code, traditional(alias), "traditional")
        add(code, r.short, "short")
        add(code, traditional(r.name_zh), "traditional")
        add(code, traditional(r.short), "traditional")
        add(code, r.name_en, "pinyin" if r.name_en == r.pinyin else "english")
        for alias, kind in OUTSIDE_STATISTICS.get(code, ("", "", ()))[2]:
            add(code, alias, kind)
        if r.pinyin != r.name_en and (r.level, r.pinyin) not in en_names:
            add(code, r.pinyin, "pinyin")
        for name in sorted(english.get(code, ())):
            add(code, name, "english")
    ordered = sorted(rows.items(), key=lambda x: (x[0][1], KIND_ORDER.index(x[1]), x[0][0]))
    return [[code, alias, kind] for (alias, code), kind in ordered]


def region_rows(regions: dict[str, Region]) -> list[list[str]]:
    def fmt(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}"

    return [
        [r.code, r.name_zh, r.name_en, r.level, r.parent_code, fmt(r.lat), fmt(r.lon)]
        for r in sorted(regions.values(), key=lambda r: r.code)
    ]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """UTF-8 without BOM, LF line ends, minimal quoting: byte-identical on re-runs."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
