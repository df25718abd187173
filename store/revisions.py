"""Committing tidy rows as one revision: added, changed, unchanged — all or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func, insert, select, text, update
from sqlalchemy.orm import Session

from loaders.reference import Reference
from store.models import (
    Indicator,
    Observation,
    Region,
    RegionAlias,
    Revision,
    Source,
)
from store.periods import observation_row
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


def reference(engine: Engine) -> Reference:
    """Regions and indicators as plain lookups for the loaders."""
    ref = Reference()
    with engine.connect() as conn:
        aliases: dict[str, list[str]] = {}
        for code, alias in conn.execute(select(RegionAlias.region_code, RegionAlias.alias)):
            aliases.setdefault(code, []).append(alias)
        for r in conn.execute(select(Region.code, Region.name_zh, Region.name_en, Region.level)):
            ref.add_region(r.code, r.name_zh, r.name_en, r.level, aliases.get(r.code, []))
        for r in conn.execute(select(Indicator.__table__)).mappings():
            ref.add_indicator(dict(r))
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
) -> CommitSummary:
    """Write ``rows`` (tidy columns) as one new revision, or raise and write nothing.

    A figure that differs from the current one closes the old row and adds a new one; an
    identical figure is left alone. ``base_revision`` guards against a commit made since.
    """
    with Session(engine) as session, session.begin():
        revision = _open_revision(session, author, file_name, sha256, base_revision)
        added = changed = unchanged = 0
        new_rows = []
        for r in rows.to_dict("records"):
            o = Observation
            current = session.execute(
                select(o.id, o.value, o.qualifier).where(
                    o.entity_type == r["entity_type"],
                    o.entity_code == r["entity_code"],
                    o.indicator_code == r["indicator_code"],
                    o.period == r["period"],
                    live(),
                )
            ).first()
            if current and current.value == r["value"] and current.qualifier == r["qualifier"]:
                unchanged += 1
                continue
            if current:
                session.execute(update(o).where(o.id == current.id).values(rev_to=revision.id))
                changed += 1
            else:
                added += 1
            new_rows.append(
                observation_row(
                    r,
                    value=float(r["value"]),
                    rev_from=revision.id,
                    source_id=_source_id(session, str(r.get("source") or ""), file_name, sha256),
                    sentence=f"{file_name} row {r.get('_row', '')}",
                )
            )
        if new_rows:
            session.execute(insert(Observation), new_rows)
        revision.added, revision.changed = added, changed
        summary = CommitSummary(revision.id, added, changed, unchanged)
    return summary
