"""Build the shipped reference data from ../shared/reference.

    .venv/bin/python -m etl.reference [--shared ../shared] [--out data/shipped]

Writes regions.csv, region_aliases.csv, observations_reference.csv and sources_reference.csv.
Output is sorted and byte-identical on re-runs; problems in the inputs are printed, not fatal.
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter, defaultdict
from pathlib import Path

from etl.census import population
from etl.common import OBS_COLUMNS, Issue, Obs
from etl.geo import natural_earth_units
from etl.regions import (
    ALIAS_COLUMNS,
    REGION_COLUMNS,
    EnglishResolver,
    add_centroids,
    alias_rows,
    load_regions,
    read_city_geo,
    region_rows,
    write_csv,
)
from etl.series import eol_batteries, pev_sales, storage

REPO_ROOT = Path(__file__).resolve().parents[1]
INDICATORS_CSV = REPO_ROOT / "data" / "indicators.csv"
SOURCE_COLUMNS = [
    "key", "title_zh", "title_en", "publisher", "date", "url", "document", "licence", "note",
]  # fmt: skip
PAPER = (
    'cite: "Reducing the environmental impacts of battery recycling through spatial and '
    'technological alignment" (F. Peng, F. Meng, X. Tian et al.; Nanchang University and '
    "University of Sheffield)"
)
LEIII = (
    "cite: Lei Dong, Rui Du, Yu Liu, Mapping Evolving Population Geography in China, working "
    "paper, 2022 (SSRN 4049338)"
)
MIFFYFEI = "Miffyfei/EOL-power-battery (Fei Peng, Fanran Meng, Xi Tian)"
SOURCES = [
    ["ref-divisions", "统计用区划代码（省、地、县三级）",
     "Statistical division codes of China (GB/T 2260): provinces, prefectures, counties",
     "modood/Administrative-divisions-of-China; codes of 国家统计局 (NBS)",
     "", "https://github.com/modood/Administrative-divisions-of-China",
     "dist/provinces.csv, dist/cities.csv, dist/areas.csv", "WTFPL",
     "commit 57a0aa9c; placeholder rows (市辖区, 县, 省直辖县级行政区划) are not regions; "
     "no Hong Kong, Macau, Taiwan; English names are pinyin (pypinyin) with conventional spellings "
     "for some Mongolian, Tibetan and Uyghur names"],
    ["ref-census-county-2020", "第七次全国人口普查分县人口（年鉴版）",
     "2020 census population by county (census yearbook edition)",
     "leiii/census (Lei Dong et al.); 2020 census of 国家统计局", "",
     "https://github.com/leiii/census", "data/census/census_county_2020_v1.xlsx", "MIT",
     "commit 0ba0f1ef; sheet 七普（年鉴）, column 人口数_合计; NA = missing; development zones "
     "without a code placed by name, rows of abolished or renamed counties skipped; " + LEIII],
    ["ref-census-city", "2010、2020年人口普查地级市人口及边界",
     "2010 and 2020 census population of prefecture-level units, with boundaries",
     "leiii/census (Lei Dong et al.); 2010 and 2020 censuses of 国家统计局", "",
     "https://github.com/leiii/census", "data/census/census_city_2010-2020_v1.csv", "MIT",
     "commit 0ba0f1ef; centroids computed from its boundaries (plain longitude/latitude, taken as "
     "WGS-84); where its 2020 figure differs from the county workbook by more than 1% the unit "
     "has another boundary and its 2010 figure is not used; " + LEIII],
    ["ref-natural-earth", "台湾省边界（Natural Earth 1:1000万比例尺数据）",
     "Boundary of Taiwan (Natural Earth, 1:10m scale)",
     "Natural Earth; as TopoJSON in the world-atlas npm package (Michael Bostock)", "",
     "https://www.naturalearthdata.com/", "countries-10m.json (Natural Earth 4.1.0)",
     "public domain",
     "world-atlas npm package version 2.0.2 (ISC licence); drawn on the maps only, as the census "
     "boundaries have no Taiwan; simplified like them; kept as "
     "data/geo/source/natural-earth-10m-taiwan.geojson"],
    ["ref-eol-battery", "各城市退役动力电池（磷酸铁锂、三元）预测 2016—2030",
     "End-of-life power batteries by city, LFP and NCM, 2016–2030",
     MIFFYFEI, "", "https://github.com/Miffyfei/EOL-power-battery",
     "input data/EOL LFP and NCM battery.xlsx", "CC BY 4.0",
     "commit 71a37e5d; baseline scenario BS only (TP, ED, LE not shipped); LFP + NCM summed and "
     "rounded to 6 significant digits; model estimates, projections from 2025; capacities depend "
     "on a random 0.6–0.8 state-of-health factor in the source model; " + PAPER],
    ["ref-pev", "各城市插电式电动乘用车销量及社会经济数据 2016—2030",
     "Plug-in passenger EV sales by city with GDP, population, urbanisation, 2016–2030",
     MIFFYFEI, "", "https://github.com/Miffyfei/EOL-power-battery",
     "input data/2016-2030_PEV_data.xlsx", "CC BY 4.0",
     "commit 71a37e5d; PEV_number is plug-in passenger EVs sold per year (2016–2023; empty "
     "2024–2030), shipped as written (pev_sales, reported); two mislabelled rows and the "
     "grouped directly administered counties of Hubei and Xinjiang skipped; " + PAPER],
    ["ref-nea-storage", "全国新型储能（电池储能）累计装机",
     "China grid battery storage, cumulative power and energy",
     "DoiEnnoson/china-energy-monitor; figures of 国家能源局 (NEA) and CNESA",
     "", "https://github.com/DoiEnnoson/china-energy-monitor",
     "data/storage/nea_battery_storage.csv", "MIT",
     "commit af6a56e4; national level only; each figure's own source in the note column"],
]  # fmt: skip


def read_units(path: Path = INDICATORS_CSV) -> dict[str, str]:
    """Indicator code → canonical unit."""
    with path.open(encoding="utf-8") as handle:
        return {row["code"]: row["unit"] for row in csv.DictReader(handle)}


def _english_aliases(
    resolver: EnglishResolver, names: dict[tuple[str, str], str | None]
) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for (province, city), code in names.items():
        if city.lower().startswith("directly governed"):
            code = None  # a description ("Directly governed county of Henan"), not a name
        province_code = resolver.province(province)
        if province_code:
            out[province_code].add(province)
        if code:
            out[code].add(city)
    return out


def build(shared: Path, out_dir: Path, units: dict[str, str] | None = None) -> list[Issue]:
    """Write the four reference files into out_dir; return the problems found in the inputs."""
    units = units if units is not None else read_units()
    issues: list[Issue] = []
    regions = load_regions(shared)
    geo = read_city_geo(shared)
    add_centroids(regions, geo, natural_earth_units())  # Taiwan: not in the WKT
    resolver = EnglishResolver(regions)
    observations: list[Obs] = population(shared, geo, regions, issues)[0]
    eol, eol_names = eol_batteries(shared, resolver, issues)
    pev, pev_names = pev_sales(shared, resolver, issues)
    observations += eol + pev + storage(shared, issues)

    keys = Counter(obs.key for obs in observations)
    duplicates = [key for key, n in keys.items() if n > 1]
    if duplicates:
        raise ValueError(f"duplicate (entity, indicator, period): {duplicates[:5]}")
    unknown = {obs.indicator_code for obs in observations} - set(units)
    if unknown:
        raise ValueError(f"indicator codes not in indicators.csv: {sorted(unknown)}")
    strays = {obs.entity_code for obs in observations} - set(regions)
    if strays:
        raise ValueError(f"observations for unknown regions: {sorted(strays)[:5]}")

    english = _english_aliases(resolver, {**eol_names, **pev_names})
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(out_dir / "regions.csv", REGION_COLUMNS, region_rows(regions))
    write_csv(out_dir / "region_aliases.csv", ALIAS_COLUMNS, alias_rows(regions, english))
    rows = [obs.row(units[obs.indicator_code]) for obs in sorted(observations, key=lambda o: o.key)]
    write_csv(out_dir / "observations_reference.csv", OBS_COLUMNS, rows)
    write_csv(out_dir / "sources_reference.csv", SOURCE_COLUMNS, sorted(SOURCES))
    return issues


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "data" / "shipped")
    args = parser.parse_args(argv)
    if not (args.shared / "reference").is_dir():
        parser.error(f"no reference/ folder under {args.shared}")
    issues = build(args.shared, args.out)
    for code, n in sorted(Counter(issue.code for issue in issues).items()):
        print(f"{n:5d} {code}")
    for issue in issues:
        print("  ", issue)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
