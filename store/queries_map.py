"""What the map needs: its boundaries (data/geo, shipped with the app) and one figure per region.

Every query reads only live tidy figures (``as_of`` a revision, like every view). The regions of
a map level are the features of its boundary file, so that the map and its figures always agree.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select

from store.models import Observation
from store.queries import live, observations, regions

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

    Columns: ``COLUMNS``. Names come from the region table for every code.
    """
    obs = observations(
        engine,
        entity_type="region",
        entity_codes=codes,
        indicator_codes=[indicator_code],
        year_from=year,
        year_to=year,
        as_of=as_of,
    )
    if not obs.empty:
        obs = obs.sort_values("sort_key").groupby("entity_code", sort=False).tail(1)
    figures = obs.reindex(columns=[c for c in COLUMNS if c not in ("name_zh", "name_en")])
    names = regions(engine, codes).reindex(columns=["code", "name_zh", "name_en"])
    names = names.rename(columns={"code": "entity_code"})
    frame = pd.DataFrame({"entity_code": codes})
    frame = frame.merge(names, how="left", on="entity_code")
    frame = frame.merge(figures, how="left", on="entity_code")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    return frame[COLUMNS].reset_index(drop=True)
