"""Lookups the loaders' Reference needs beyond regions and indicators: alliances, latest figures.

``store.revisions.reference`` calls these on its open connection; each runs one query.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from store.models import Alliance, Observation
from store.periods import PeriodError, parse_period
from store.queries import live
from store.regions import alias_key


def alliance_keys(conn: Connection) -> dict[str, str]:
    """Every alliance under its code, Chinese and English names (as ``alias_key``) → code."""
    keys: dict[str, str] = {}
    for code, name_zh, name_en in conn.execute(
        select(Alliance.code, Alliance.name_zh, Alliance.name_en)
    ):
        for name in (code, name_zh, name_en):
            if name:
                keys[alias_key(name)] = code
    return keys


def figure_history(conn: Connection) -> dict[tuple[str, str], dict[int, float]]:
    """(region code, indicator code) → {year: current value of that year's latest period}."""
    o = Observation
    best: dict[tuple[str, str, int], tuple[str, float]] = {}
    order: dict[str, str] = {}
    stmt = select(o.entity_code, o.indicator_code, o.period, o.year, o.value).where(
        o.entity_type == "region", live()
    )
    for code, indicator, period, year, value in conn.execute(stmt):
        if period not in order:
            try:
                order[period] = parse_period(period).sort_key
            except PeriodError:
                continue
        key = (code, indicator, year)
        if key not in best or order[period] >= best[key][0]:
            best[key] = (order[period], value)
    history: dict[tuple[str, str], dict[int, float]] = {}
    for (code, indicator, year), (_, value) in best.items():
        history.setdefault((code, indicator), {})[year] = value
    return history
