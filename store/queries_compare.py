"""What the comparison needs beyond the series itself: denominators, and peers to rank among.

Each query reads only live tidy figures (``as_of`` a revision, like every view) and returns one
figure per region and year: the latest period within the year, as ``compare_series`` does.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from sqlalchemy import Engine, Row, Select, select

from analysis.normalise import MEASURES, NATION, DenominatorIndex, denominator_index
from store.cache import per_revision
from store.models import Observation, Region, Source
from store.periods import parse_period
from store.queries import indicators, live, resolve_region

SERIES_COLUMNS = [
    "entity_code", "indicator_code", "year", "period", "value", "qualifier", "status",
    "value_as_written", "source_key", "source_title_zh", "source_title_en", "name_zh", "name_en",
]  # fmt: skip
READ_FIRST = ("entity_code", "year", "period")  # what picks a region's latest figure of a year
DENOMINATOR_COLUMNS = [
    "entity_code", "year", "period", "value", "qualifier", "source_title_zh", "source_title_en",
]  # fmt: skip


def series(
    engine: Engine,
    indicator_code: str,
    region_codes: list[str],
    year_from: int | None = None,
    year_to: int | None = None,
    as_of: int | None = None,
) -> pd.DataFrame:
    """``store.queries.compare_series``'s figures (its ``SERIES_COLUMNS``), in one statement.

    One figure per (region, year), the latest period within the year; regions in the order
    given, then years. The frame is built once from plain rows: a comparison reads a few dozen
    figures, and pandas' sorting, grouping and joining cost far more than reading them.
    """
    o = Observation
    columns = [
        o.entity_code, o.year, o.period, o.indicator_code, o.value, o.qualifier, o.status,
        o.value_as_written, Source.key, Source.title_zh, Source.title_en, Region.name_zh,
        Region.name_en,
    ]  # fmt: skip
    stmt = _figures(columns, indicator_code, region_codes, year_from, year_to, as_of)
    stmt = stmt.join(Region, Region.code == o.entity_code, isouter=True)
    order = {code: i for i, code in enumerate(region_codes)}
    kept = sorted(_latest(engine, stmt), key=lambda r: (order.get(r[0], len(order)), r[1]))
    read = ["entity_code", "year", "period", *(c for c in SERIES_COLUMNS if c not in READ_FIRST)]
    return _frame_of(kept, read)[SERIES_COLUMNS]


def _figures(
    columns: list,
    indicator_code: str,
    codes: list[str],
    year_from: int | None,
    year_to: int | None,
    as_of: int | None,
) -> Select:
    """Live figures of ``codes`` (with their source) that have a year; ``columns`` begin with
    entity_code, year, period."""
    o = Observation
    stmt = (
        select(*columns)
        .join(Source, Source.id == o.source_id)
        .where(
            o.entity_type == "region",
            o.entity_code.in_(codes),
            o.indicator_code == indicator_code,
            o.year.is_not(None),
            live(as_of),
        )
    )
    if year_from is not None:
        stmt = stmt.where(o.year >= year_from)
    if year_to is not None:
        stmt = stmt.where(o.year <= year_to)
    return stmt


def _latest(engine: Engine, stmt: Select) -> list[Row]:
    """The rows of ``stmt`` (entity_code, year, period first), the latest period of each
    region's year only: 2024-08 after 2024-H1."""
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    latest: dict[tuple[str, int], Row] = {}
    for row in rows:
        key = (row[0], row[1])
        seen = latest.get(key)
        if seen is None or (seen[2] != row[2] and _sort_key(row[2]) > _sort_key(seen[2])):
            latest[key] = row
    return list(latest.values())


def _frame_of(rows: list, columns: list[str]) -> pd.DataFrame:
    """A frame of ``rows``: ``value`` as floats (None → NaN), ``year`` as whole numbers, texts
    as Python objects. Built from numpy arrays without copying: several times faster than
    letting pandas infer each column, for the few dozen to few thousand rows read here, and
    ``normalise`` reads object columns row by row faster than pandas strings."""
    if not rows:
        return pd.DataFrame({c: [] for c in columns}, columns=columns)
    data: dict[str, np.ndarray] = {}
    for name, values in zip(columns, zip(*rows)):
        if name == "value":
            data[name] = np.array(values, dtype=float)
        elif name == "year" and None not in values:
            data[name] = np.array(values, dtype=np.int64)
        else:
            column = np.empty(len(values), dtype=object)
            column[:] = values
            data[name] = column
    return pd.DataFrame(data, columns=columns, copy=False)


@functools.lru_cache(maxsize=4096)
def _sort_key(period: str) -> str:
    return parse_period(period).sort_key


def denominators(
    engine: Engine,
    measure: str,
    indicator_code: str,
    region_codes: list[str],
    as_of: int | None = None,
) -> pd.DataFrame | None:
    """The figures ``analysis.normalise.normalise`` divides by, for ``region_codes``.

    Population or land area of the regions themselves; for shares, the indicator's figures of
    each region's province (or of the nation) with ``for_code`` naming the region divided.
    Columns ``DENOMINATOR_COLUMNS`` (and ``for_code``); None for measures without a denominator.
    """
    rows = denominator_rows(engine, measure, indicator_code, region_codes, as_of)
    if rows is None or (not rows and MEASURES.get(measure) in {"province", "nation"}):
        return None
    return _frame_of(rows, [*DENOMINATOR_COLUMNS, "for_code"])


def denominator_rows(
    engine: Engine,
    measure: str,
    indicator_code: str,
    region_codes: list[str],
    as_of: int | None = None,
    year: int | None = None,
) -> list[tuple] | None:
    """``denominators`` as plain tuples (``DENOMINATOR_COLUMNS`` and ``for_code``, the region
    each divides): what a ranking or a map of hundreds of regions indexes without a frame.

    ``year``: only figures of that year are divided (a ranking, a map). A region's population
    or area of that very year is then the nearest there is, and its other years are not read:
    only regions without one have every year read, to find the nearest. ``normalise`` picks
    the same denominators from these rows as from all of them, from a tenth of the rows.
    """
    kind = MEASURES.get(measure)
    if kind is None or not region_codes:
        return None
    if kind in {"province", "nation"}:
        parents = province_of(engine, region_codes) if kind == "province" else {}
        targets = {
            code: (parents.get(code) if kind == "province" else NATION) for code in region_codes
        }
        wanted = sorted({p for p in targets.values() if p})
        found: dict[str, list] = {}
        for row in _latest_figures(engine, indicator_code, wanted, as_of):
            found.setdefault(row[0], []).append(row)
        return [
            (*row, code)
            for code, parent in targets.items()
            if parent and parent != code
            for row in found.get(parent, [])
        ]
    if year is None:
        return [(*row, row[0]) for row in _latest_figures(engine, kind, region_codes, as_of)]
    rows = _latest_figures(engine, kind, region_codes, as_of, year)
    found = {row[0] for row in rows if row[3] is not None}  # as denominator_index reads
    rest = [code for code in region_codes if code not in found]
    if rest:
        rows += _latest_figures(engine, kind, rest, as_of)
    return [(*row, row[0]) for row in rows]


def index_of(rows: list[tuple] | None) -> DenominatorIndex:
    """``denominator_rows`` indexed for ``analysis.normalise.normalise``."""
    return denominator_index((r[7], r[0], r[1], r[3], r[4]) for r in rows or ())


def _latest_figures(
    engine: Engine,
    indicator_code: str,
    codes: list[str],
    as_of: int | None,
    year: int | None = None,
) -> list[Row]:
    """Each region's figure of every year, or of ``year`` only (the latest period in it),
    ``DENOMINATOR_COLUMNS``."""
    o = Observation
    columns = [
        o.entity_code,
        o.year,
        o.period,
        o.value,
        o.qualifier,
        Source.title_zh,
        Source.title_en,
    ]
    return _latest(engine, _figures(columns, indicator_code, codes, year, year, as_of))


def resolve_regions(engine: Engine, wanted: list[str]) -> list[str]:
    """Region codes for the URL's ``regions`` (codes, names, aliases), unknown ones left out.

    A code the region table holds needs no query (the table changes only with a migration);
    anything else goes through ``store.queries.resolve_region``.
    """
    table = _region_tree(engine)
    found = [w if w in table else resolve_region(engine, w) for w in wanted]
    return [c for c in found if c]


@per_revision
def catalogue(engine: Engine) -> pd.DataFrame:
    """``store.queries.indicators``, kept until the next revision."""
    return indicators(engine)


def province_of(engine: Engine, codes: list[str]) -> dict[str, str]:
    """code → the code of its province (a province is its own); the nation has none."""
    table = _region_tree(engine)
    found: dict[str, str] = {}
    for code in codes:
        current = code
        for _ in range(5):
            level, parent = table.get(current, (None, None))
            if level == "province":
                found[code] = current
                break
            if not parent:
                break
            current = parent
    return found


def level_of(engine: Engine, codes: list[str]) -> dict[str, str]:
    table = _region_tree(engine)
    return {c: table[c][0] for c in codes if c in table}


@functools.lru_cache(maxsize=4)
def _region_tree(engine: Engine) -> dict[str, tuple[str, str | None]]:
    """code → (level, parent code). Regions change only with a migration, never at run time."""
    with engine.connect() as conn:
        rows = conn.execute(select(Region.code, Region.level, Region.parent_code)).all()
    return {r.code: (r.level, r.parent_code) for r in rows}


PEER_COLUMNS = [
    "entity_code", "year", "period", "name_zh", "name_en", "value", "qualifier", "status",
]  # fmt: skip


def peers(
    engine: Engine, indicator_code: str, level: str, year: int, as_of: int | None = None
) -> pd.DataFrame:
    """Every region of ``level`` with a figure of ``indicator_code`` in ``year``.

    Columns entity_code, name_zh, name_en, year, period, value, qualifier, status, by region
    code; the latest period within the year for each region. One indexed query (indicator,
    year) joined to the region table: a few thousand rows at most, whatever the store's size.
    """
    o = Observation
    stmt = (
        select(
            o.entity_code,
            o.year,
            o.period,
            Region.name_zh,
            Region.name_en,
            o.value,
            o.qualifier,
            o.status,
        )
        .join(Region, Region.code == o.entity_code)
        .where(
            o.indicator_code == indicator_code,
            o.year == year,
            o.entity_type == "region",
            Region.level == level,
            live(as_of),
        )
    )
    rows = sorted(_latest(engine, stmt), key=lambda r: r[0])
    frame = _frame_of(rows, PEER_COLUMNS)
    return frame[["entity_code", "name_zh", "name_en", *PEER_COLUMNS[1:3], *PEER_COLUMNS[5:]]]


def ranking(
    engine: Engine,
    indicator_code: str,
    measure: str,
    level: str,
    year: int,
    as_of: int | None = None,
) -> pd.DataFrame:
    """See ``_ranking``; kept until the next revision (a few thousand regions to normalise)."""
    return _ranking(engine, indicator_code, measure, level, year, as_of)


@per_revision
def _ranking(
    engine: Engine, indicator_code: str, measure: str, level: str, year: int, as_of: int | None
) -> pd.DataFrame:
    """Every region of ``level`` with a figure in ``year``, in ``measure``, ranked (1 = most).

    Columns of ``peers`` plus those of ``analysis.normalise.normalise`` and ``rank``, ``of``.
    """
    from analysis.normalise import normalise, rank

    df = peers(engine, indicator_code, level, year, as_of)
    if measure == "yoy":
        before = peers(engine, indicator_code, level, year - 1, as_of)
        both = normalise(pd.concat([before, df], ignore_index=True), "yoy")
        df = both[both["year"] == year]
    else:
        codes = sorted(df["entity_code"])
        rows = denominator_rows(engine, measure, indicator_code, codes, as_of, year)
        df = normalise(df, measure, index_of(rows) if rows is not None else None)
    return rank(df)


# --- the map tab -----------------------------------------------------------------------------


def map_level(engine: Engine, codes: list[str]) -> str:
    """The map that shows ``codes``: prefectures when any of them is a city or a county (the
    four municipalities are drawn on both maps), else provinces."""
    levels = level_of(engine, codes)
    return "city" if any(levels.get(c) in {"city", "county"} for c in codes) else "province"


def map_measure(
    engine: Engine,
    indicator_code: str,
    measure: str,
    level: str,
    year: int,
    as_of: int | None = None,
) -> pd.DataFrame:
    """See ``_map_measure``; kept until the next revision (several hundred regions)."""
    return _map_measure(engine, indicator_code, measure, level, year, as_of)


@per_revision
def _map_measure(
    engine: Engine, indicator_code: str, measure: str, level: str, year: int, as_of: int | None
) -> pd.DataFrame:
    """Every region of the map ``level`` (the features of its boundary file, in their order)
    with its figure of ``year`` in ``measure``.

    Columns of ``store.queries_map.map_values`` and ``year``, plus those of
    ``analysis.normalise.normalise``: ``raw_value`` is the figure (NaN: none that year),
    ``value`` the measure (NaN: no figure, or no denominator to divide it by; never 0), and
    ``denominator_source_zh``/``_en``: the source of the denominator used (for 同比: of the
    figure of the year before).
    """
    from analysis.normalise import normalise
    from store.queries_map import level_codes, map_values

    codes = level_codes(level)
    df = map_values(engine, indicator_code, year, codes, as_of).assign(year=year)
    if measure == "yoy":
        before = map_values(engine, indicator_code, year - 1, codes, as_of).assign(year=year - 1)
        out = normalise(pd.concat([before, df], ignore_index=True), "yoy")
        out = out[out["year"] == year].reset_index(drop=True)
        titles = before.set_index("entity_code")[["source_title_zh", "source_title_en"]]
        used = out["denominator_year"].notna()
        found = titles.reindex(out["entity_code"]).to_numpy()
        out["denominator_source_zh"] = [z if u else None for (z, _), u in zip(found, used)]
        out["denominator_source_en"] = [e if u else None for (_, e), u in zip(found, used)]
        return out
    have = df.loc[df["value"].notna(), "entity_code"].tolist()
    rows = denominator_rows(engine, measure, indicator_code, have, as_of, year)
    out = normalise(df, measure, index_of(rows) if rows is not None else None)
    sources = {(r[0], r[1]): (r[5], r[6]) for r in rows or ()}
    keys = [
        (c, int(y)) if c is not None and pd.notna(y) else None
        for c, y in zip(out["denominator_code"].tolist(), out["denominator_year"].tolist())
    ]
    out["denominator_source_zh"] = [sources.get(k, (None, None))[0] for k in keys]
    out["denominator_source_en"] = [sources.get(k, (None, None))[1] for k in keys]
    return out
