"""Committing tidy rows as one revision: added, changed, unchanged — all or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain, compress
from operator import itemgetter

import pandas as pd
from sqlalchemy import Engine, Index, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from loaders.reference import Reference
from loaders.result import LoadResult, RowPart, TidyColumns
from store.lookups import alliance_keys, figure_history
from store.models import (
    Indicator,
    Observation,
    Region,
    RegionAlias,
    Revision,
    Source,
)
from store.periods import parse_period
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
    ref.exact_regions()  # now, in the thread that builds the Reference while a file is parsed
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


Rows = pd.DataFrame | list[dict[str, object]]


def commit_rows(
    engine: Engine,
    rows: Rows,
    *,
    author: str,
    file_name: str,
    sha256: str,
    base_revision: int | None = None,
    entities: LoadResult | None = None,
) -> CommitSummary:
    """Write ``rows`` (tidy rows: a loader's dicts, or a frame of the tidy columns) as one new
    revision, or raise and write nothing.

    ``entities``: a load result whose signed projects and alliance members go into the same
    revision, in the same transaction.

    A figure that differs from the current one closes the old row and adds a new one; an
    identical figure is left alone. ``base_revision`` guards against a commit made since.
    A row's ``_row`` names it in the stored sentence and its ``_factor`` (the unit conversion
    applied, 10000 for 万吨) goes into the note as ``×10000`` when it is not 1.

    Set-based, so that 100 000 rows take well under a second: the current figures of the keys
    involved come in one query, the rows they replace are closed by id in batches and the new
    rows go in a few thousand per statement, all in one transaction.
    """
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else rows
    with Session(engine) as session, session.begin(), sqlite_cache(session):
        writer = RevisionWriter(session, author, file_name, sha256, base_revision, records)
        writer.expect(len(records))
        writer.add(records)
        summary = writer.finish(entities)
    return summary


class RevisionWriter:
    """One revision in the making, inside the caller's transaction: rows are added as they
    come (``add``, any number of times), then ``finish``; the caller commits or rolls back.

    ``keys``: the rows to come, when they are known in advance; the current figures are then
    looked up for their keys only, else all live figures are (one query either way).
    """

    def __init__(
        self,
        session: Session,
        author: str,
        file_name: str,
        sha256: str,
        base_revision: int | None = None,
        keys: list[dict[str, object]] | None = None,
    ) -> None:
        self.session, self.file_name, self.sha256 = session, file_name, sha256
        self.revision = _open_revision(session, author, file_name, sha256, base_revision)
        self.current = _current_figures(session, keys)
        self.sources: dict[object, int] = {}
        self.periods: dict[object, tuple[str, str, int]] = {}  # text, kind, year
        self.notes: dict[object, str] = {}
        self.added = self.changed = self.unchanged = 0
        self.inserter = _Inserter(session, self.revision.id)
        self.rebuild: list[Index] = []

    def expect(self, rows: int) -> None:
        """About ``rows`` rows are coming (before the first ``add``): a bulk load on SQLite.

        When they are many next to the rows stored, the observation indexes whose keys arrive
        in random order are dropped now and built again by ``finish``, inside the same
        transaction: one sort is much cheaper than as many random b-tree inserts (SQLite's own
        advice for bulk loads). Readers keep their snapshot, indexes and all; a rollback brings
        the indexes back with everything else. Other databases keep their indexes.
        """
        if self.session.get_bind().dialect.name != "sqlite" or rows < _BULK_MIN_ROWS:
            return
        conn = self.session.connection()
        stored = conn.scalar(select(func.count()).select_from(Observation.__table__)) or 0
        if stored > _BULK_TABLE_RATIO * rows:
            return
        for index in sorted(Observation.__table__.indexes, key=lambda ix: str(ix.name)):
            if index.name in _RANDOM_KEY_INDEXES:
                index.drop(conn)
                self.rebuild.append(index)

    def add(self, rows: RowPart) -> None:
        """Close the figures ``rows`` replace and insert the new ones; identical ones stay."""
        self.write(self.prepare(rows))

    def prepare(self, rows: RowPart) -> Prepared:
        """What ``rows`` change, worked out without the database (so in any one thread, while
        the session's thread writes what was prepared before): the new rows, as columns, and
        the ids of the figures they replace. Identical figures are counted and left out."""
        if isinstance(rows, TidyColumns):
            return self._column_changes(rows)
        new_rows, closed = self._changes(rows)
        columns = [list(c) for c in zip(*new_rows)] if new_rows else []
        return Prepared(columns, closed)

    def write(self, prepared: Prepared) -> None:
        """Write what ``prepare`` gave, in order: close the replaced figures, insert the new."""
        _close(self.session, prepared.closed, self.revision.id)
        added = 0
        if prepared.columns:
            columns = prepared.columns
            titles = columns[_SOURCE]
            sources = self.sources
            for title in set(titles).difference(sources):
                sources[title] = self._source(title)
            columns[_SOURCE] = list(map(sources.__getitem__, titles))
            added = self.inserter.insert_columns(columns)
        self.added += added - len(prepared.closed)
        self.changed += len(prepared.closed)

    def finish(self, entities: LoadResult | None = None) -> CommitSummary:
        """Record the counts (and write ``entities``' projects and members); flushes."""
        revision = self.revision
        revision.added, revision.changed = self.added, self.changed
        counts = None
        if entities is not None and (entities.projects or entities.members):
            from store.entities import commit_entities  # it builds on this module

            counts = commit_entities(self.session, revision.id, entities)
        self.session.flush()
        self.rows_done()
        return CommitSummary(revision.id, self.added, self.changed, self.unchanged, counts)

    def rows_done(self) -> None:
        """No more rows: the indexes ``expect`` dropped are built again (once)."""
        while self.rebuild:
            self.rebuild.pop().create(self.session.connection())

    def _changes(self, rows: list[dict[str, object]]) -> tuple[list[tuple[object, ...]], list[int]]:
        """(new rows as ``_ROW_COLUMNS`` tuples, the source's title in place of its id; ids of
        the rows they replace)."""
        current, periods, notes = self.current, self.periods, self.notes
        prefix = f"{self.file_name} row "
        new_rows: list[tuple[object, ...]] = []
        closed: list[int] = []
        try:
            fields = list(map(_loader_fields, rows))
        except KeyError:  # not a loader's rows: some fields missing
            fields = [tuple(map(row.get, _FIELD_NAMES)) for row in rows]
        for (
            etype,
            ecode,
            icode,
            period_text,
            value,
            qualifier,
            written,
            source,
            row,
            factor,
        ) in fields:
            period = periods.get(period_text)
            if period is None:
                found_period = parse_period(str(period_text))
                period = periods[period_text] = (
                    found_period.text, found_period.kind, found_period.year
                )  # fmt: skip
            of_type = current.get(etype)  # type: ignore[call-overload]
            found = of_type.get((ecode, icode, period[0])) if of_type else None
            if found is not None:
                if found[1] == value and found[2] == qualifier:
                    self.unchanged += 1
                    continue
                closed.append(found[0])
                del of_type[(ecode, icode, period[0])]  # a second row only adds
            note = notes.get(factor)
            if note is None:
                note = notes[factor] = factor_note(factor)
            new_rows.append(
                (
                    etype,
                    ecode,
                    icode,
                    period[0],
                    period[1],
                    period[2],
                    float(value),  # type: ignore[arg-type]
                    qualifier,
                    written,
                    source,
                    prefix if row is None else prefix + str(row),
                    note,
                )
            )
        return new_rows, closed

    def _column_changes(self, rows: TidyColumns) -> Prepared:
        """``_changes`` of rows that come as columns, giving the new rows as ``_ROW_COLUMNS``
        columns: each column is made at once; only rows whose key has a current figure are
        looked at one by one."""
        periods, notes = self.periods, self.notes
        written_periods = set(rows.period)
        for written in written_periods.difference(periods):
            found = parse_period(str(written))
            periods[written] = (found.text, found.kind, found.year)
        same = all(periods[p][0] == p for p in written_periods)  # written as stored
        kinds = {p: periods[p][1] for p in written_periods}
        years = {p: periods[p][2] for p in written_periods}
        texts = rows.period if same else [periods[p][0] for p in rows.period]
        etype, n = rows.entity_type, len(rows)
        columns: list[list[object]] = [
            rows.entity_code,
            rows.indicator_code,
            texts,
            list(map(kinds.__getitem__, rows.period)),
            list(map(years.__getitem__, rows.period)),
            rows.value,
            rows.qualifier,
            rows.value_as_written,
            rows.source,
            rows.row,
            rows.factor,
        ]  # type: ignore[list-item]
        closed: list[int] = []
        current = self.current.get(etype)
        if current:
            keys = rows.keys if same and rows.keys is not None else None
            keys = keys or list(zip(rows.entity_code, rows.indicator_code, texts))
            hits = list(compress(range(n), map(current.__contains__, keys)))
            if hits and (keep := self._keep(current, keys, hits, rows, closed)):
                columns = [list(compress(column, keep)) for column in columns]
        code, indicator, text, kind, year, value, qualifier, written, source, row, factor = columns
        for f in set(factor).difference(notes):
            notes[f] = factor_note(f)
        prefix = f"{self.file_name} row "
        return Prepared(
            [
                [etype] * len(code),
                code,
                indicator,
                text,
                kind,
                year,
                value,  # floats already
                qualifier,
                written,
                source,  # titles: ``write`` makes them ids
                list(map(prefix.__add__, map(str, row))),
                list(map(notes.__getitem__, factor)),
            ],
            closed,
        )

    def _keep(
        self,
        current: dict[Key, Figure],
        keys: list[Key],
        hits: list[int],
        rows: TidyColumns,
        closed: list[int],
    ) -> list[bool] | None:
        """Which rows to insert (None: all), of those whose key has a current figure (``hits``):
        not one equal to its current figure. The ids of the figures the others replace go to
        ``closed``."""
        values, qualifiers = rows.value, rows.qualifier
        keep = None
        for i in hits:
            found = current.get(keys[i])
            if found is None:  # closed by an earlier row of the same key
                continue
            if found[1] == values[i] and found[2] == qualifiers[i]:
                self.unchanged += 1
                keep = keep or [True] * len(keys)
                keep[i] = False
                continue
            closed.append(found[0])
            del current[keys[i]]  # a second row only adds
        return keep

    def _source(self, title: object) -> int:
        text = title if isinstance(title, str) else str(title or "")
        return _source_id(self.session, text, self.file_name, self.sha256)


@dataclass
class Prepared:
    """Rows ready to write: ``_ROW_COLUMNS`` columns (none when no row is new), each source's
    title in place of its id (made by ``RevisionWriter.write``, with the database), and the
    ids of the figures they replace."""

    columns: list[list[object]]
    closed: list[int]


def factor_note(factor: object) -> str:
    """``×10000`` for a figure converted by that factor (万吨 → t); empty for 1 or none.

    A factor below one is written as a fraction of whole numbers: ``×1/1000`` (千克 → t).
    """
    if factor is None or factor == 1 or not isinstance(factor, int | float | Fraction):
        return ""
    if factor != factor or factor in (float("inf"), float("-inf")):
        return ""
    exact = Fraction(factor).limit_denominator(10**9)
    if exact.denominator == 1:
        return f"×{exact.numerator}"
    return f"×{exact.numerator}/{exact.denominator}"


# The tidy fields a commit reads, in the order ``RevisionWriter._changes`` unpacks them.
_FIELD_NAMES = (
    "entity_type",
    "entity_code",
    "indicator_code",
    "period",
    "value",
    "qualifier",
    "value_as_written",
    "source",
    "_row",
    "_factor",
)
_loader_fields = itemgetter(*_FIELD_NAMES)


# The columns of store.periods.observation_row that differ from row to row, in the order of
# the tuples RevisionWriter._changes builds; the others are the same for every row of a commit.
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
    "note",
)
_SOURCE = _ROW_COLUMNS.index("source_id")
# Columns whose values are words of our own (never text from a file), and what such a word is
_OUR_WORDS = (_ROW_COLUMNS.index("entity_type"), _ROW_COLUMNS.index("period_kind"))
_WORD = re.compile(r"[a-z_]{1,20}")
_BATCH = 500  # ids or codes per IN (...), well under every database's parameter limit
_FEW_ENTITIES = 900  # up to this many entity codes, the current figures are looked up by code
_SQLITE_CACHE_KIB = 64 * 1024
# Bulk loads (RevisionWriter.expect): from this many rows, when the table holds at most twice as
# many, the indexes below are built afresh after the inserts instead of growing row by row
# (100 000 rows into the shipped dataset: 0.16 s to build both, against 0.45 s of inserts).
_BULK_MIN_ROWS = 20_000
_BULK_TABLE_RATIO = 2
_RANDOM_KEY_INDEXES = ("ix_observation_entity", "ix_observation_indicator_year")
_MAX_PARAMETERS = 30_000  # per INSERT: under SQLite's 32 766 and PostgreSQL's 65 535

Key = tuple[str, str, str]  # entity_code, indicator_code, period
Figure = tuple[int, float, str]  # id, value, qualifier


def _current_figures(
    session: Session, rows: list[dict[str, object]] | None
) -> dict[str, dict[Key, Figure]]:
    """Live figures by entity type, then key → (id, value, qualifier), for the keys ``rows``
    may ask about.

    One query over the entity types and indicators of ``rows``, narrowed to their entity codes
    when there are few of them; rows no key asks about are simply never looked up. ``rows``
    None (not known yet): every live figure.
    """
    o = Observation.__table__
    stmt = select(
        o.c.id, o.c.entity_type, o.c.entity_code, o.c.indicator_code, o.c.period, o.c.value,
        o.c.qualifier,
    ).where(live())  # fmt: skip
    if rows is not None:
        indicators = sorted({str(r.get("indicator_code")) for r in rows})
        if not indicators:
            return {}
        entities = sorted({str(r.get("entity_code")) for r in rows})
        stmt = stmt.where(
            o.c.entity_type.in_(sorted({str(r.get("entity_type")) for r in rows})),
            o.c.indicator_code.in_(indicators),
        )
        if len(entities) <= _FEW_ENTITIES:
            stmt = stmt.where(o.c.entity_code.in_(entities))
    figures: dict[str, dict[Key, Figure]] = {}
    for r in session.connection().execute(stmt.order_by(o.c.id)):
        of_type = figures.get(r[1])
        if of_type is None:
            of_type = figures[r[1]] = {}
        of_type.setdefault((r[2], r[3], r[4]), (r[0], r[5], r[6]))  # the oldest, if twice
    return figures


def _close(session: Session, ids: list[int], revision: int) -> None:
    """Close the rows a new figure replaces: ``rev_to`` = this revision."""
    o = Observation.__table__
    for i in range(0, len(ids), _BATCH):
        session.execute(update(o).where(o.c.id.in_(ids[i : i + _BATCH])).values(rev_to=revision))


class _Inserter:
    """New observation rows, a few thousand per INSERT … VALUES (…), (…): plain tuples
    (``_ROW_COLUMNS``), no per-row ORM or dict work, and one call into the driver per
    statement. SQLite then inserts the whole statement's rows without holding Python's GIL,
    so a parser in another thread runs on meanwhile.

    The columns every new row shares (our own constants and the revision id, never text from a
    file) are written into the statement once instead of bound on every row.
    """

    def __init__(self, session: Session, revision: int) -> None:
        self.session = session
        self.shared = {"status": "reported", "rev_from": revision, "rev_to": None}
        conn = session.connection()
        style = conn.dialect.paramstyle
        self.mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(style)
        quote = conn.dialect.identifier_preparer
        columns = [*_ROW_COLUMNS, *self.shared]
        self.head = (
            f"INSERT INTO {quote.format_table(Observation.__table__)} "
            f"({', '.join(quote.quote(c) for c in columns)}) VALUES "
        )
        if self.mark:
            self.consts = ", ".join(_literal(v, self.mark) for v in self.shared.values())
            self.one = f"({', '.join([self.mark] * len(_ROW_COLUMNS))}, {self.consts})"
        self.statements: dict[tuple[int, str], str] = {}

    def insert(self, rows: list[tuple[object, ...]]) -> int:
        """Insert rows (``_ROW_COLUMNS`` tuples); returns how many."""
        if rows and self.mark is None:
            table = Observation.__table__
            self.session.execute(
                insert(table), [{**dict(zip(_ROW_COLUMNS, r)), **self.shared} for r in rows]
            )
        elif rows:
            self._execute(list(chain.from_iterable(rows)), len(rows))
        return len(rows)

    def insert_columns(self, columns: list[list[object]]) -> int:
        """Insert rows given as ``_ROW_COLUMNS`` columns; returns how many.

        A column of our own words (entity type, period kind) that is one word all along is
        written into the statement instead of bound on every row.
        """
        n = len(columns[0])
        if n and self.mark is None:
            return self.insert(list(zip(*columns)))
        if not n:
            return n
        marks: list[str] = [self.mark] * len(columns)
        for j in _OUR_WORDS:
            word = columns[j][0]
            if isinstance(word, str) and _WORD.fullmatch(word) and columns[j].count(word) == n:
                marks[j] = f"'{word}'"
        bound = [column for column, mark in zip(columns, marks, strict=True) if mark == self.mark]
        width = len(bound)
        flat: list[object] = [None] * (n * width)
        for j, column in enumerate(bound):  # the parameters row after row, no tuple each
            flat[j::width] = column
        one = f"({', '.join(marks)}, {self.consts})"
        self._execute(flat, n, one, width)
        return n

    def _execute(
        self, flat: list[object], n: int, one: str | None = None, width: int = len(_ROW_COLUMNS)
    ) -> None:
        """The parameters of ``n`` rows, ``width`` each, one row after the other, a statement
        at a time; ``one``: a row's VALUES (all of _ROW_COLUMNS bound, by default)."""
        conn = self.session.connection()
        one = one or self.one
        per_statement = max(1, _MAX_PARAMETERS // width)
        for i in range(0, n, per_statement):
            rows = min(per_statement, n - i)
            sql = self.statements.get((rows, one))
            if sql is None:
                sql = self.statements[(rows, one)] = self.head + ", ".join([one] * rows)
            try:
                conn.exec_driver_sql(sql, tuple(flat[i * width : (i + rows) * width]))
            except (
                DBAPIError
            ) as exc:  # name the statement: its text repeats a row thousands of times
                exc.statement = f"{self.head}{one}, … ({rows} rows)"
                raise


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
def sqlite_cache(session: Session) -> Iterator[None]:
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
