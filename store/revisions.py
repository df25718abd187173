"""Committing tidy rows as one revision: added, changed, unchanged — all or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func, insert, select, text, update
from sqlalchemy.orm import Session

from loaders.reference import Reference
from loaders.result import LoadResult
from store.lookups import alliance_keys, figure_history
from store.models import (
    Indicator,
    Observation,
    Region,
    RegionAlias,
    Revision,
    Source,
)
from store.periods import Period, parse_period
from store.queries import live


class StaleBase(Exception):
    """Someone committed after the revision this change was previewed against."""

    def __init__(self, base: int | None, latest: int | None) -> None:
        super().__init__(f"previewed against revision {base}, latest is {latest}")
        self.base, self.latest = base, latest


@dataclass(frozen=True)
class CommitSummary:
    revision: int
    added: int
    changed: int
    unchanged: int
    entities: dict[str, int] | None = None  # projects and members, when the load had any


def reference(engine: Engine) -> Reference:
    """Regions, indicators, alliances and latest figures as plain lookups for the loaders."""
    ref = Reference()
    with engine.connect() as conn:
        aliases: dict[str, list[str]] = {}
        for code, alias in conn.execute(select(RegionAlias.region_code, RegionAlias.alias)):
            aliases.setdefault(code, []).append(alias)
        for r in conn.execute(select(Region.code, Region.name_zh, Region.name_en, Region.level)):
            ref.add_region(r.code, r.name_zh, r.name_en, r.level, aliases.get(r.code, []))
        for r in conn.execute(select(Indicator.__table__)).mappings():
            ref.add_indicator(dict(r))
        ref.alliances = alliance_keys(conn)
        ref.history = figure_history(conn)
    return ref


def _source_id(session: Session, title: str, file_name: str, sha256: str) -> int:
    title = title or file_name
    key = "upload-" + hashlib.sha256(f"{title}\n{sha256}".encode()).hexdigest()[:16]
    existing = session.scalar(select(Source.id).where(Source.key == key))
    if existing:
        return existing
    source = Source(
        key=key,
        title_zh=title,
        title_en=title,
        document=file_name,
        note=f"uploaded file sha256 {sha256}",
    )
    session.add(source)
    session.flush()
    return source.id


def _open_revision(
    session: Session, author: str, file_name: str, sha256: str, base_revision: int | None
) -> Revision:
    """Insert this change's revision row, after every commit before it and before any after.

    PostgreSQL: an EXCLUSIVE table lock makes concurrent commits wait for each other (reads go
    on). SQLite: the INSERT is the transaction's first statement, so it takes the write lock
    before anything is read.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE revision IN EXCLUSIVE MODE"))
    revision = Revision(
        created_at=dt.datetime.now(dt.UTC),
        author=author,
        kind="import",
        file_name=file_name,
        file_sha256=sha256,
    )
    session.add(revision)
    session.flush()
    latest = session.scalar(select(func.max(Revision.id)).where(Revision.id != revision.id))
    if base_revision is not None and base_revision != latest:
        raise StaleBase(base_revision, latest)
    revision.base_revision = latest
    return revision


def commit_rows(
    engine: Engine,
    rows: pd.DataFrame,
    *,
    author: str,
    file_name: str,
    sha256: str,
    base_revision: int | None = None,
    entities: LoadResult | None = None,
) -> CommitSummary:
    """Write ``rows`` (tidy columns) as one new revision, or raise and write nothing.

    ``entities``: a load result whose signed projects and alliance members go into the same
    revision, in the same transaction.

    A figure that differs from the current one closes the old row and adds a new one; an
    identical figure is left alone. ``base_revision`` guards against a commit made since.

    Set-based, so that 100 000 rows take well under a second: the current figures of the keys
    involved come in one query, the rows they replace are closed by id in batches and the new
    rows go in with one ``executemany``, all in one transaction.
    """
    column = _columns(rows)
    with Session(engine) as session, session.begin(), _sqlite_cache(session):
        revision = _open_revision(session, author, file_name, sha256, base_revision)
        current = _current_figures(session, column)
        new_rows, closed, unchanged = _changes(session, column, current, file_name, sha256)
        _close(session, closed, revision.id)
        shared = {"status": "reported", "note": "", "rev_from": revision.id, "rev_to": None}
        _insert(session, new_rows, shared)
        revision.added, revision.changed = len(new_rows) - len(closed), len(closed)
        counts = None
        if entities is not None and (entities.projects or entities.members):
            from store.entities import commit_entities  # it builds on this module

            counts = commit_entities(session, revision.id, entities)
        summary = CommitSummary(revision.id, revision.added, revision.changed, unchanged, counts)
    return summary


# The columns of store.periods.observation_row that differ from row to row, in the order of
# the tuples _changes builds; the others are the same for every row of a commit (_insert).
_ROW_COLUMNS = (
    "entity_type",
    "entity_code",
    "indicator_code",
    "period",
    "period_kind",
    "year",
    "value",
    "qualifier",
    "value_as_written",
    "source_id",
    "sentence",
)
_BATCH = 500  # ids or codes per IN (...), well under every database's parameter limit
_FEW_ENTITIES = 900  # up to this many entity codes, the current figures are looked up by code
_SQLITE_CACHE_KIB = 64 * 1024

Key = tuple[str, str, str, str]  # entity_type, entity_code, indicator_code, period


def _columns(rows: pd.DataFrame):  # type: ignore[no-untyped-def]
    """``column(name)``: a column of ``rows`` as a plain list (all None when it is missing)."""
    n = len(rows)

    def column(name: str) -> list[object]:
        return rows[name].tolist() if name in rows.columns else [None] * n

    return column


def _changes(
    session: Session,
    column,  # type: ignore[no-untyped-def]
    current: dict[Key, tuple[int, float, str]],
    file_name: str,
    sha256: str,
) -> tuple[list[tuple[object, ...]], list[int], int]:
    """(new rows as ``_ROW_COLUMNS`` tuples, ids of the rows they replace, unchanged count)."""
    sources: dict[str, int] = {}
    periods: dict[object, Period] = {}
    new_rows: list[tuple[object, ...]] = []
    closed: list[int] = []
    unchanged = 0
    for etype, ecode, icode, period_text, value, qualifier, written, source, row in zip(
        column("entity_type"),
        column("entity_code"),
        column("indicator_code"),
        column("period"),
        column("value"),
        column("qualifier"),
        column("value_as_written"),
        column("source"),
        column("_row"),
    ):
        key = (etype, ecode, icode, str(period_text))
        found = current.get(key)
        if found is not None:
            if found[1] == value and found[2] == qualifier:
                unchanged += 1
                continue
            closed.append(found[0])
            del current[key]  # closed now: a second row with this key only adds
        title = str(source or "")
        source_id = sources.get(title)
        if source_id is None:
            source_id = sources[title] = _source_id(session, title, file_name, sha256)
        period = periods.get(period_text)
        if period is None:
            period = periods[period_text] = parse_period(str(period_text))
        new_rows.append(
            (
                etype,
                ecode,
                icode,
                period.text,
                period.kind,
                period.year,
                float(value),
                qualifier,
                written,
                source_id,
                f"{file_name} row {'' if row is None else row}",
            )
        )
    return new_rows, closed, unchanged


def _current_figures(session: Session, column) -> dict[Key, tuple[int, float, str]]:  # type: ignore[no-untyped-def]
    """Live figures as key → (id, value, qualifier), for the keys ``column`` may ask about.

    One query over the entity types and indicators involved, narrowed to the entity codes when
    there are few of them; rows no key asks about are simply never looked up.
    """
    o = Observation.__table__
    indicators = sorted({str(c) for c in column("indicator_code")})
    if not indicators:
        return {}
    entities = sorted({str(c) for c in column("entity_code")})
    stmt = select(
        o.c.id, o.c.entity_type, o.c.entity_code, o.c.indicator_code, o.c.period, o.c.value,
        o.c.qualifier,
    ).where(
        live(),
        o.c.entity_type.in_(sorted({str(c) for c in column("entity_type")})),
        o.c.indicator_code.in_(indicators),
    )  # fmt: skip
    if len(entities) <= _FEW_ENTITIES:
        stmt = stmt.where(o.c.entity_code.in_(entities))
    figures: dict[Key, tuple[int, float, str]] = {}
    for r in session.connection().execute(stmt.order_by(o.c.id)):
        figures.setdefault((r[1], r[2], r[3], r[4]), (r[0], r[5], r[6]))  # the oldest, if twice
    return figures


def _close(session: Session, ids: list[int], revision: int) -> None:
    """Close the rows a new figure replaces: ``rev_to`` = this revision."""
    o = Observation.__table__
    for i in range(0, len(ids), _BATCH):
        session.execute(update(o).where(o.c.id.in_(ids[i : i + _BATCH])).values(rev_to=revision))


def _insert(session: Session, rows: list[tuple[object, ...]], shared: dict[str, object]) -> None:
    """One executemany of plain tuples (``_ROW_COLUMNS``): no per-row ORM or dict work.

    The columns every new row shares (``shared``: our own constants and the revision id, never
    text from a file) are written into the statement once instead of bound on every row.
    """
    if not rows:
        return
    table = Observation.__table__
    conn = session.connection()
    style = conn.dialect.paramstyle
    if style not in ("qmark", "format", "pyformat"):
        session.execute(insert(table), [{**dict(zip(_ROW_COLUMNS, r)), **shared} for r in rows])
        return
    mark = "?" if style == "qmark" else "%s"
    quote = conn.dialect.identifier_preparer
    columns = [*_ROW_COLUMNS, *shared]
    values = [mark] * len(_ROW_COLUMNS) + [_literal(v, mark) for v in shared.values()]
    sql = (
        f"INSERT INTO {quote.format_table(table)} "
        f"({', '.join(quote.quote(c) for c in columns)}) VALUES ({', '.join(values)})"
    )
    conn.exec_driver_sql(sql, rows)


def _literal(value: object, mark: str) -> str:
    """SQL text of one of our own constants: None, an int or a plain string."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(int(value))
    text_value = str(value).replace("'", "''")
    if mark == "%s":  # format paramstyles read % as a placeholder
        text_value = text_value.replace("%", "%%")
    return f"'{text_value}'"


@contextmanager
def _sqlite_cache(session: Session) -> Iterator[None]:
    """SQLite: a 64 MiB page cache while committing, then the connection's own setting again.

    With the default 2 MiB every index insert of a big import re-reads pages (a third of the
    time for 100 000 rows). Memory only: nothing changes about durability or locking; dirty
    pages stay in the cache until the commit writes them.
    """
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    dbapi = session.connection().connection.dbapi_connection
    assert dbapi is not None
    before = int(dbapi.execute("PRAGMA cache_size").fetchone()[0])
    dbapi.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        dbapi.execute(f"PRAGMA cache_size = {before}")
