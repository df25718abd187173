"""Read-only queries: each returns a tidy DataFrame (or plain values) for a view."""

from __future__ import annotations

import functools

import pandas as pd
from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from loaders.result import TIDY_COLUMNS
from store.cache import per_revision
from store.models import (
    Alliance,
    Event,
    Indicator,
    Membership,
    Observation,
    Organisation,
    Region,
    RegionAlias,
    Revision,
    Source,
)
from store.periods import parse_period
from store.regions import alias_key

EXPORT_COLUMNS = TIDY_COLUMNS  # DESIGN.md: the export has the loaders' tidy columns


def live(as_of: int | None = None) -> ColumnElement[bool]:
    """Observations visible now, or as they stood at revision ``as_of``."""
    return visible(Observation, as_of)


def visible(model: type, as_of: int | None = None) -> ColumnElement[bool]:
    """Rows of a revisioned table (``rev_from``, ``rev_to``: observations, signed projects,
    memberships) visible now, or as they stood at revision ``as_of``."""
    if as_of is None:
        return model.rev_to.is_(None)  # type: ignore[attr-defined]
    return and_(
        model.rev_from <= as_of,  # type: ignore[attr-defined]
        or_(model.rev_to.is_(None), model.rev_to > as_of),  # type: ignore[attr-defined]
    )


def _frame(engine: Engine, stmt) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all())


def indicators(engine: Engine) -> pd.DataFrame:
    """The indicator catalogue, indexed by code."""
    df = _frame(engine, select(Indicator.__table__).order_by(Indicator.category, Indicator.code))
    return df.set_index("code", drop=False).rename_axis(None)


def latest_revision(engine: Engine) -> int | None:
    with engine.connect() as conn:
        return conn.scalar(select(func.max(Revision.id)))


def regions(engine: Engine, codes: list[str] | None = None) -> pd.DataFrame:
    stmt = select(Region.__table__)
    if codes is not None:
        stmt = stmt.where(Region.code.in_(codes))
    df = _frame(engine, stmt.order_by(Region.code))
    return df.set_index("code", drop=False).rename_axis(None) if not df.empty else df


def region_options(engine: Engine, lang: str) -> list[dict[str, str]]:
    """Dropdown options for every nation/province/city, searchable by any alias.

    Regions change only with a migration or the shipped load, never at run time, so the
    options are built once per process and language (about 50 ms each) instead of per render.
    """
    return list(_region_options(engine, lang))


@functools.lru_cache(maxsize=8)
def _region_options(engine: Engine, lang: str) -> tuple[dict[str, str], ...]:
    stmt = (
        select(Region.code, Region.name_zh, Region.name_en, Region.level, RegionAlias.alias)
        .join(RegionAlias, RegionAlias.region_code == Region.code, isouter=True)
        .where(Region.level.in_(["nation", "province", "city"]))
    )
    df = _frame(engine, stmt)
    options = []
    for code, group in df.groupby("code", sort=True):
        first = group.iloc[0]
        name = first["name_en"] if lang == "en" else first["name_zh"]
        words = {str(a) for a in group["alias"].dropna()} | {
            first["name_zh"],
            first["name_en"],
            code,
        }
        options.append(
            {"label": f"{name} ({code})", "value": code, "search": " ".join(sorted(words))}
        )
    return tuple(options)


def resolve_region(engine: Engine, text: str) -> str | None:
    """A region code for a name, alias, pinyin or code; the higher level wins a tie."""
    key = alias_key(text)
    if not key:
        return None
    rank = {"nation": 0, "province": 1, "city": 2, "county": 3}
    with engine.connect() as conn:
        if key.isdigit() and conn.scalar(select(Region.code).where(Region.code == key)):
            return key
        rows = conn.execute(
            select(Region.code, Region.level)
            .join(RegionAlias, RegionAlias.region_code == Region.code, isouter=True)
            .where(
                or_(
                    RegionAlias.alias_key == key,
                    func.lower(Region.name_zh) == key,
                    func.lower(Region.name_en) == key,
                )
            )
        ).all()
    if not rows:
        return None
    return sorted(set(rows), key=lambda r: (rank.get(r.level, 9), r.code))[0].code


def observations(
    engine: Engine,
    *,
    entity_type: str | None = None,
    entity_codes: list[str] | None = None,
    indicator_codes: list[str] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    as_of: int | None = None,
    source_key: str | None = None,
) -> pd.DataFrame:
    """Observations with their source, one row each, sorted by entity, indicator and period."""
    o = Observation
    stmt = (
        select(
            o.id,
            o.entity_type,
            o.entity_code,
            o.indicator_code,
            o.period,
            o.period_kind,
            o.year,
            o.value,
            o.qualifier,
            o.value_as_written,
            o.sentence,
            o.status,
            o.note,
            o.rev_from,
            Source.key.label("source_key"),
            Source.title_zh.label("source_title_zh"),
            Source.title_en.label("source_title_en"),
            Source.publisher.label("source_publisher"),
            Source.date.label("source_date"),
            Source.url.label("source_url"),
        )
        .join(Source, Source.id == o.source_id)
        .where(live(as_of))
    )
    if entity_type:
        stmt = stmt.where(o.entity_type == entity_type)
    if entity_codes is not None:
        stmt = stmt.where(o.entity_code.in_(entity_codes))
    if indicator_codes is not None:
        stmt = stmt.where(o.indicator_code.in_(indicator_codes))
    if source_key is not None:
        stmt = stmt.where(Source.key == source_key)
    if year_from is not None:
        stmt = stmt.where(o.year >= year_from)
    if year_to is not None:
        stmt = stmt.where(o.year <= year_to)
    df = _frame(engine, stmt)
    if df.empty:
        return pd.DataFrame(columns=[c.name for c in stmt.selected_columns] + ["sort_key"])
    keys = {p: parse_period(p).sort_key for p in df["period"].unique()}  # a few distinct
    df["sort_key"] = df["period"].map(keys)
    return df.sort_values(
        ["entity_type", "entity_code", "indicator_code", "sort_key"], ignore_index=True
    )


def headline(engine: Engine, region_code: str, as_of: int | None = None) -> pd.DataFrame:
    """The latest figure of each indicator for a region (projections and targets excluded)."""
    return latest_per_indicator(region_history(engine, region_code, as_of))


def latest_per_indicator(df: pd.DataFrame) -> pd.DataFrame:
    """The last row of each indicator in a region's history (oldest period first)."""
    if df.empty:
        return df
    return df.groupby("indicator_code", sort=False).tail(1).reset_index(drop=True)


def region_history(engine: Engine, region_code: str, as_of: int | None = None) -> pd.DataFrame:
    """Every reported figure of a region, oldest period first per indicator."""
    df = observations(engine, entity_type="region", entity_codes=[region_code], as_of=as_of)
    return df[df["status"].isin(["reported", "derived"])]


def revision_date(engine: Engine, revision: int | None = None) -> pd.Timestamp | None:
    """When revision ``revision`` (default: the latest) was committed."""
    stmt = select(Revision.created_at).order_by(Revision.id.desc()).limit(1)
    if revision is not None:
        stmt = select(Revision.created_at).where(Revision.id == revision)
    with engine.connect() as conn:
        found = conn.scalar(stmt)
    return pd.Timestamp(found) if found is not None else None


def year_bounds(
    engine: Engine, indicator_code: str, as_of: int | None = None
) -> tuple[int, int] | None:
    return _year_bounds(engine, indicator_code, as_of)


@per_revision
def _year_bounds(engine: Engine, indicator_code: str, as_of: int | None) -> tuple[int, int] | None:
    with engine.connect() as conn:
        lo, hi = conn.execute(
            select(func.min(Observation.year), func.max(Observation.year)).where(
                Observation.indicator_code == indicator_code, live(as_of)
            )
        ).one()
    return (lo, hi) if lo is not None else None


def indicators_with_region_data(engine: Engine, as_of: int | None = None) -> list[str]:
    return _indicators_with_region_data(engine, as_of)


@per_revision
def _indicators_with_region_data(engine: Engine, as_of: int | None) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.scalars(
                select(Observation.indicator_code)
                .where(Observation.entity_type == "region", live(as_of))
                .distinct()
            )
        )


def alliances(engine: Engine) -> pd.DataFrame:
    stmt = (
        select(
            Alliance.__table__,
            Region.name_zh.label("host_name_zh"),
            Region.name_en.label("host_name_en"),
            Source.title_zh.label("source_title_zh"),
            Source.title_en.label("source_title_en"),
            Source.key.label("source_key"),
        )
        .join(Region, Region.code == Alliance.host_region_code, isouter=True)
        .join(Source, Source.id == Alliance.source_id, isouter=True)
        .order_by(Alliance.founded.is_(None), Alliance.founded, Alliance.code)
    )
    return _frame(engine, stmt)


def recorded_order() -> ColumnElement[int]:
    """Where a membership stands in its alliance's list: the id of its first version, so that
    a member whose role or dates changed (a new row, ``store.entities``) keeps its place."""
    first = aliased(Membership)
    return (
        select(func.min(first.id))
        .where(
            first.alliance_code == Membership.alliance_code,
            first.organisation_id == Membership.organisation_id,
        )
        .scalar_subquery()
    )


def members(
    engine: Engine, alliance_code: str | None = None, as_of: int | None = None
) -> pd.DataFrame:
    stmt = (
        select(
            Membership.alliance_code,
            Membership.role,
            Membership.title_zh,
            Membership.title_en,
            Membership.joined,
            Membership.left,
            Organisation.name_zh,
            Organisation.name_en,
            Organisation.kind,
        )
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(visible(Membership, as_of))
        .order_by(Membership.alliance_code, recorded_order())
    )
    if alliance_code:
        stmt = stmt.where(Membership.alliance_code == alliance_code)
    return _frame(engine, stmt)


def events(engine: Engine) -> pd.DataFrame:
    return _frame(engine, select(Event.__table__).order_by(Event.date))


def sources(engine: Engine, as_of: int | None = None) -> pd.DataFrame:
    """Every source with the number of figures it supports."""
    counts = (
        select(Observation.source_id, func.count().label("figures"))
        .where(live(as_of))
        .group_by(Observation.source_id)
        .subquery()
    )
    stmt = (
        select(Source.__table__, func.coalesce(counts.c.figures, 0).label("figures"))
        .join(counts, counts.c.source_id == Source.id, isouter=True)
        .order_by(Source.key)
    )
    return _frame(engine, stmt)


def entity_names(engine: Engine) -> pd.DataFrame:
    """Names of every entity observations can refer to: (entity_type, entity_code) → names."""
    parts = [
        _frame(engine, select(Region.code, Region.name_zh, Region.name_en)).assign(
            entity_type="region"
        ),
        _frame(engine, select(Alliance.code, Alliance.name_zh, Alliance.name_en)).assign(
            entity_type="alliance"
        ),
        _frame(engine, select(Event.code, Event.name_zh, Event.name_en)).assign(
            entity_type="event"
        ),
    ]
    df = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    return df.rename(
        columns={"code": "entity_code", "name_zh": "entity_name_zh", "name_en": "entity_name_en"}
    )


def export_frame(engine: Engine, as_of: int | None = None) -> pd.DataFrame:
    """Every observation as DESIGN.md's tidy export: value in the canonical unit."""
    obs = observations(engine, as_of=as_of)
    ind = indicators(engine)[["code", "name_zh", "name_en", "unit"]].rename(
        columns={
            "code": "indicator_code",
            "name_zh": "indicator_name_zh",
            "name_en": "indicator_name_en",
        }
    )
    df = obs.merge(entity_names(engine), on=["entity_type", "entity_code"], how="left")
    df = df.merge(ind, on="indicator_code", how="left")
    df["source"] = df["source_title_zh"]
    return df[EXPORT_COLUMNS]


def compare_series(
    engine: Engine,
    indicator_code: str,
    region_codes: list[str],
    year_from: int | None = None,
    year_to: int | None = None,
    as_of: int | None = None,
) -> pd.DataFrame:
    """One figure per (region, year) for a comparison: the latest period within each year.

    Columns: entity_code, name_zh, name_en, year, period, value, qualifier, status,
    value_as_written, source_key, source_title_zh, source_title_en. Regions keep the order given.
    """
    df = observations(
        engine,
        entity_type="region",
        entity_codes=region_codes,
        indicator_codes=[indicator_code],
        year_from=year_from,
        year_to=year_to,
        as_of=as_of,
    )
    if df.empty:
        return df.assign(name_zh=[], name_en=[])
    df = df.sort_values("sort_key").groupby(["entity_code", "year"], sort=False).tail(1)
    names = regions(engine, region_codes)[["name_zh", "name_en"]]
    df = df.join(names, on="entity_code")
    order = {code: i for i, code in enumerate(region_codes)}
    df["_order"] = df["entity_code"].map(order)
    return df.sort_values(["_order", "year"]).drop(columns="_order").reset_index(drop=True)


def revisions(engine: Engine, limit: int = 200) -> pd.DataFrame:
    """The latest revisions, newest first, with their counts and file."""
    stmt = select(Revision.__table__).order_by(Revision.id.desc()).limit(limit)
    return _frame(engine, stmt)
