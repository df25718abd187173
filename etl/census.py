"""Resident population (2010, 2020 censuses) from the two leiii/census files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from etl.common import Issue, Obs, cell_decimal, written
from etl.regions import CITY_GEO_FILE, NATION_CODE, Region, geo_region_code

COUNTY_FILE = Path("reference/census/leiii_census_county_2020_v1.xlsx")
COUNTY_SHEET = "七普（年鉴）"
COUNTY_COLUMNS = ["区划代码", "省", "市", "区县", "人口数_合计"]
NATION_LABEL = "全国"
HEADER_ROWS = 1  # Excel row of a frame index i is i + HEADER_ROWS + 1
INDICATOR = "resident_population"
KEY_CITY, KEY_COUNTY = "ref-census-city", "ref-census-county-2020"
# Candidate rank per (level, source): the lower wins when both files give a figure.
RANK = {
    ("city", KEY_CITY): 0,
    ("city", KEY_COUNTY): 1,
    ("province", KEY_COUNTY): 0,
    ("province", KEY_CITY): 1,
    ("county", KEY_COUNTY): 0,
    ("county", KEY_CITY): 1,
    ("nation", KEY_COUNTY): 0,
}
MAX_SUM_GAP = "0.01"  # a province 2010 sum is shipped only if its units cover the 2020 total
MAX_SOURCE_GAP = "0.01"  # largest relative gap between the two files' 2020 figures of a unit


def read_county_sheet(shared: Path) -> pd.DataFrame:
    path = shared / COUNTY_FILE
    sheets = pd.ExcelFile(path, engine="calamine").sheet_names
    if COUNTY_SHEET not in sheets:
        raise ValueError(
            f'工作簿"{path.name}"中没有名为"{COUNTY_SHEET}"的工作表 (sheets: {sheets})'
        )
    frame = pd.read_excel(path, sheet_name=COUNTY_SHEET, engine="calamine", dtype=object)
    if list(frame.columns[:5]) != COUNTY_COLUMNS:
        raise ValueError(f"{path.name}: expected columns {COUNTY_COLUMNS}, found {list(frame)[:5]}")
    return frame[COUNTY_COLUMNS]


def _county_code(raw: object) -> str | None:
    number = cell_decimal(raw)
    return None if number is None else f"{int(number):06d}"


def _name_index(regions: dict[str, Region]) -> dict[tuple[str, str], str]:
    """(city name, county name) → county code, to place rows whose code is missing or stale."""
    index = {}
    for r in regions.values():
        if r.level == "county":
            index[(regions[r.parent_code].name_zh, r.name_zh)] = r.code
    return index


def county_candidates(
    shared: Path, regions: dict[str, Region], issues: list[Issue]
) -> list[tuple[str, Obs]]:
    """2020 population of the nation, provinces, cities and counties from the county workbook."""
    frame = read_county_sheet(shared)
    by_name = _name_index(regions)
    out = []
    seen = set()
    for i, row in enumerate(frame.itertuples(index=False)):
        excel_row = i + HEADER_ROWS + 1
        code_raw, province, city, county, pop = row
        code = _county_code(code_raw)
        label = f"{county} ({code})" if code else str(county)
        if code is None and province == NATION_LABEL:
            code = NATION_CODE
        elif code not in regions:
            stale = code is None or code[4:6] >= "70" or code[:2] + "0000" not in regions
            found = by_name.get((str(city), str(county))) if stale else None
            if found is None or found in seen:
                issues.append(
                    Issue(
                        "unknown-region", COUNTY_FILE.name, f"row {excel_row}", f"{label}: skipped"
                    )
                )
                continue
            code = found
        seen.add(code)
        value = cell_decimal(pop)
        if value is None:
            issues.append(Issue("missing-value", COUNTY_FILE.name, f"row {excel_row}", label))
            continue
        given = _county_code(code_raw)
        note = ""
        if given != code and code != NATION_CODE:
            note = f"placed by name: the workbook gives code {given or 'none'}"
        sentence = f"sheet {COUNTY_SHEET}, row {excel_row} {label}, column 人口数_合计"
        obs = Obs(
            code, INDICATOR, "2020", value, written(pop), KEY_COUNTY, sentence, "reported", note
        )
        out.append((KEY_COUNTY, obs))
    return out


def city_candidates(
    geo: pd.DataFrame, regions: dict[str, Region], issues: list[Issue]
) -> list[tuple[str, Obs]]:
    """2010 and 2020 population of prefecture-level units (municipalities on the province)."""
    out = []
    for i, row in enumerate(geo.itertuples(index=False)):
        code = geo_region_code(row.city_code, regions)
        where = f"row {i + 2} {row.city} ({row.city_code})"
        if code is None:
            issues.append(
                Issue("unknown-region", CITY_GEO_FILE.name, where, "not a region: skipped")
            )
            continue
        note = ""
        if code != row.city_code:
            note = f"municipality: row {row.city_code} covers the whole of {regions[code].name_zh}"
        for year in ("2010", "2020"):
            raw = getattr(row, f"popu_{year}")
            value = cell_decimal(raw)
            if value is None:
                issues.append(Issue("missing-value", CITY_GEO_FILE.name, where, f"popu_{year}"))
                continue
            sentence = f"row {row.city} ({row.city_code}), column popu_{year}"
            obs = Obs(
                code, INDICATOR, year, value, raw.strip(), KEY_CITY, sentence, "reported", note
            )
            out.append((KEY_CITY, obs))
    return out


def province_2010_sums(
    city_obs: list[Obs], county_obs: list[Obs], regions: dict[str, Region], issues: list[Issue]
) -> list[Obs]:
    """Province 2010 = sum of its units in the census-city file, when they cover the province."""
    units: dict[str, dict[str, dict[str, Obs]]] = {}
    for obs in city_obs:
        if regions[obs.entity_code].level != "province":
            units.setdefault(obs.entity_code[:2] + "0000", {}).setdefault(obs.entity_code, {})[
                obs.period
            ] = obs
    totals_2020 = {o.entity_code: o.value for o in county_obs if o.period == "2020"}
    out = []
    for province, members in sorted(units.items()):
        with_2010 = {c: m for c, m in members.items() if "2010" in m}
        cover_2020 = sum((m["2020"].value for m in with_2010.values() if "2020" in m), Decimal(0))
        total = totals_2020.get(province)
        if total is None or abs(cover_2020 - total) > total * Decimal(MAX_SUM_GAP):
            issues.append(
                Issue(
                    "incomplete-sum",
                    CITY_GEO_FILE.name,
                    regions[province].name_zh,
                    f"units with 2010 figures hold {cover_2020} of {total} people in 2020: "
                    "no 2010 province total derived",
                )
            )
            continue
        parts = [with_2010[c]["2010"] for c in sorted(with_2010)]
        value = sum((p.value for p in parts), Decimal(0))
        sentence = (
            f"sum of column popu_2010 over the {len(parts)} rows with province_code {province}"
        )
        note = (
            f"derived: sum of the 2010 census population of the {len(parts)} prefecture-level "
            f"units of {regions[province].name_zh} (in 2020 boundaries)"
        )
        as_written = "+".join(p.value_as_written for p in parts)
        out.append(
            Obs(province, INDICATOR, "2010", value, as_written, KEY_CITY, sentence, "derived", note)
        )
    return out


def population(
    shared: Path, geo: pd.DataFrame, regions: dict[str, Region], issues: list[Issue]
) -> tuple[list[Obs], dict[str, tuple[Decimal, Decimal]]]:
    """Population observations, one per (region, year), and the 2020 figures both files give.

    Where both files give a 2020 figure they must agree within MAX_SOURCE_GAP; where they do not,
    the census-city file draws the unit with another boundary (保定 without 定州 and 雄安), so its
    2010 figure is dropped and the 2020 figure comes from the county workbook.
    """
    candidates = city_candidates(geo, regions, issues) + county_candidates(shared, regions, issues)
    values_2020: dict[str, dict[str, Decimal]] = {}
    for key, obs in candidates:
        if obs.period == "2020":
            values_2020.setdefault(obs.entity_code, {})[key] = obs.value
    pairs = {c: (v[KEY_CITY], v[KEY_COUNTY]) for c, v in values_2020.items() if len(v) == 2}
    other_boundary = set()
    for code, (city, county) in sorted(pairs.items()):
        if abs(city - county) > county * Decimal(MAX_SOURCE_GAP):
            other_boundary.add(code)
            issues.append(
                Issue(
                    "boundary-mismatch",
                    CITY_GEO_FILE.name,
                    f"{regions[code].name_zh} ({code})",
                    f"popu_2020 {city} vs {county} in {COUNTY_FILE.name}: "
                    "2020 from the workbook, 2010 dropped",
                )
            )
    chosen: dict[tuple[str, str, str], tuple[int, Obs]] = {}
    for key, obs in candidates:
        rank = RANK[(regions[obs.entity_code].level, key)]
        if obs.entity_code in other_boundary and key == KEY_CITY:
            continue
        if obs.key not in chosen or rank < chosen[obs.key][0]:
            chosen[obs.key] = (rank, obs)
    result = [obs for _, obs in chosen.values()]
    city_obs = [obs for key, obs in candidates if key == KEY_CITY]
    county_obs = [obs for key, obs in candidates if key == KEY_COUNTY]
    for obs in province_2010_sums(city_obs, county_obs, regions, issues):
        if obs.key not in chosen:
            result.append(obs)
    return result, pairs
