"""What the map needs: its boundaries (data/geo, shipped with the app) and one figure per region.

Every query reads only live tidy figures (``as_of`` a revision, like every view). The regions of
a map level are the features of its boundary file, so that the map and its figures always agree.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, Row, select

from store.models import Observation, Region, Source
from store.periods import parse_period
from store.queries import live

GEO_DIR = Path(__file__).resolve().parents[1] / "data" / "geo"
LEVELS = {"province": "provinces.geojson", "city": "cities.geojson"}
PROJECTED = ("projection", "target")
COLUMNS = [
    "entity_code", "name_zh", "name_en", "value", "qualifier", "status", "period",
    "value_as_written", "source_key", "source_title_zh", "source_title_en",
]  # fmt: skip


@functools.lru_cache(maxsize=len(LEVELS))
def boundaries(level: str) -> dict:
    """The GeoJSON of a level (feature ``id`` = region code), read once per process.

    The same dict is handed to every caller: read it, never change it.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown map level {level!r}: expected one of {sorted(LEVELS)}")
    with (GEO_DIR / LEVELS[level]).open(encoding="utf-8") as handle:
        return json.load(handle)


def level_codes(level: str) -> list[str]:
    """Region codes of a level, in the order of its boundary file."""
    return [str(f["id"]) for f in boundaries(level)["features"]]


def indicators_on_map(engine: Engine, codes: list[str], as_of: int | None = None) -> list[str]:
    """Indicator codes with at least one live figure for any of ``codes``."""
    with engine.connect() as conn:
        return sorted(
            conn.scalars(
                select(Observation.indicator_code)
                .where(
                    Observation.entity_type == "region",
                    Observation.entity_code.in_(codes),
                    live(as_of),
                )
                .distinct()
            )
        )


def map_years(
    engine: Engine, indicator_code: str, codes: list[str], as_of: int | None = None
) -> pd.DataFrame:
    """Years with figures for ``codes``: year, regions (how many have one), projected (all of
    that year's figures are projections or targets). Sorted by year."""
    o = Observation
    stmt = (
        select(o.year, o.entity_code, o.status)
        .where(
            o.entity_type == "region",
            o.indicator_code == indicator_code,
            o.entity_code.in_(codes),
            o.year.is_not(None),
            live(as_of),
        )
        .distinct()
    )
    with engine.connect() as conn:
        rows = pd.DataFrame(conn.execute(stmt).all(), columns=["year", "entity_code", "status"])
    if rows.empty:
        return pd.DataFrame({"year": [], "regions": [], "projected": []}).astype(
            {"year": int, "regions": int, "projected": bool}
        )
    rows["projected"] = rows["status"].isin(PROJECTED)
    years = rows.groupby("year").agg(
        regions=("entity_code", "nunique"), projected=("projected", "all")
    )
    return years.reset_index().astype({"year": int, "regions": int, "projected": bool})


def default_year(years: pd.DataFrame) -> int | None:
    """The latest year that is not only projections (else the latest year)."""
    if years.empty:
        return None
    actual = years[~years["projected"]]
    return int((actual if not actual.empty else years)["year"].max())


def map_values(
    engine: Engine,
    indicator_code: str,
    year: int,
    codes: list[str],
    as_of: int | None = None,
) -> pd.DataFrame:
    """One row per code of ``codes`` (in that order): its figure for ``year``, the latest period
    within the year, or ``value`` NaN when it has none (the map draws it grey).

    Columns: ``COLUMNS``. Names come from the region table for every code. Two statements
    that read only these columns, and rows picked in Python: a few hundred regions.
    """
    o = Observation
    stmt = (
        select(
            o.entity_code,
            o.period,
            o.value,
            o.qualifier,
            o.status,
            o.value_as_written,
            Source.key,
            Source.title_zh,
            Source.title_en,
        )
        .join(Source, Source.id == o.source_id)
        .where(
            o.entity_type == "region",
            o.entity_code.in_(codes),
            o.indicator_code == indicator_code,
            o.year >= year,
            o.year <= year,
            live(as_of),
        )
    )
    found: dict[str, Row] = {}
    with engine.connect() as conn:
        for row in conn.execute(stmt):  # the latest period of the year: 2024-08 after 2024-H1
            seen = found.get(row[0])
            if seen is None or (seen[1] != row[1] and sort_key(row[1]) > sort_key(seen[1])):
                found[row[0]] = row
        names = {
            r[0]: (r[1], r[2])
            for r in conn.execute(
                select(Region.code, Region.name_zh, Region.name_en).where(Region.code.in_(codes))
            )
        }
    missing = (float("nan"),) * 8  # as pandas fills a row it has no figure for
    figures = [found[c][1:] if c in found else missing for c in codes]
    read = ["period", "value", "qualifier", "status", "value_as_written", *COLUMNS[-3:]]
    columns = {c: [f[i] for f in figures] for i, c in enumerate(read)}
    if not found:  # NaN of no type, as pandas leaves a column it had nothing for
        columns = {c: pd.Series(values, dtype=object) for c, values in columns.items()}
    frame = pd.DataFrame(
        {
            "entity_code": codes,
            "name_zh": [names.get(c, (None, None))[0] for c in codes],
            "name_en": [names.get(c, (None, None))[1] for c in codes],
            **columns,
        }
    )
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    return frame[COLUMNS]


@functools.lru_cache(maxsize=4096)
def sort_key(period: str) -> str:
    """``store.periods.parse_period(period).sort_key``, remembered: a map repeats a few."""
    return parse_period(period).sort_key
