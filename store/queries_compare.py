"""What the comparison needs beyond the series itself: denominators, and peers to rank among.

Each query reads only live tidy figures (``as_of`` a revision, like every view) and returns one
figure per region and year: the latest period within the year, as ``compare_series`` does.
"""

from __future__ import annotations

import functools

import pandas as pd
from sqlalchemy import Engine, select

from analysis.normalise import MEASURES, NATION
from store.cache import per_revision
from store.models import Observation, Region
from store.periods import parse_period
from store.queries import _frame, compare_series, live


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
    None for measures without a denominator.
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
        found = _latest_by_year(engine, indicator_code, wanted, as_of)
        rows = [
            found[found["entity_code"] == parent].assign(for_code=code)
            for code, parent in targets.items()
            if parent and parent != code
        ]
        return pd.concat(rows, ignore_index=True) if rows else None
    return _latest_by_year(engine, kind, region_codes, as_of)


def _latest_by_year(
    engine: Engine, indicator_code: str, codes: list[str], as_of: int | None
) -> pd.DataFrame:
    columns = ["entity_code", "year", "value", "qualifier", "source_title_zh", "source_title_en"]
    df = compare_series(engine, indicator_code, codes, as_of=as_of)
    if df.empty:
        return pd.DataFrame(columns=columns)
    return df[columns]


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


def peers(
    engine: Engine, indicator_code: str, level: str, year: int, as_of: int | None = None
) -> pd.DataFrame:
    """Every region of ``level`` with a figure of ``indicator_code`` in ``year``.

    Columns entity_code, name_zh, name_en, year, period, value, qualifier, status; the latest
    period within the year for each region. One indexed query (indicator, year) joined to the
    region table: a few thousand rows at most, whatever the size of the store.
    """
    o = Observation
    stmt = (
        select(
            o.entity_code,
            Region.name_zh,
            Region.name_en,
            o.year,
            o.period,
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
    df = _frame(engine, stmt)
    if df.empty:
        return pd.DataFrame(
            columns=["entity_code", "name_zh", "name_en", "year", "period", "value", "qualifier"]
        )
    return latest_in_year(df)


def latest_in_year(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (entity_code, year): the latest period (2024-08 after 2024-H1)."""
    keys = {p: parse_period(p).sort_key for p in df["period"].unique()}
    df = df.assign(_sort=df["period"].map(keys))
    df = df.sort_values("_sort", kind="stable").groupby(["entity_code", "year"]).tail(1)
    return df.drop(columns="_sort").sort_values("entity_code").reset_index(drop=True)


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
        df = normalise(df, measure, denominators(engine, measure, indicator_code, codes, as_of))
    return rank(df)
