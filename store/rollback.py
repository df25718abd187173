"""Rolling back: a new revision that makes the data what it was as of an earlier revision.

Nothing is deleted or rewritten: rows created after the target are closed (``rev_to``), and
rows the target could see that were closed since are added again as copies. So a rollback can
itself be rolled back, and "as of revision N" still shows every past state.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, and_, func, insert, select, update
from sqlalchemy.orm import Session

from store.models import Membership, Observation, Revision, SignedProject
from store.revisions import _open_revision

_COPIED = [
    c.name for c in Observation.__table__.columns if c.name not in {"id", "rev_from", "rev_to"}
]
_PROJECT_COPIED = [
    c.name for c in SignedProject.__table__.columns if c.name not in {"id", "rev_from", "rev_to"}
]
_MEMBER_COPIED = [
    c.name for c in Membership.__table__.columns if c.name not in {"id", "rev_from", "rev_to"}
]


class NoSuchRevision(ValueError):
    def __init__(self, revision: int) -> None:
        super().__init__(f"no revision {revision}")
        self.revision = revision


@dataclass(frozen=True)
class RollbackSummary:
    revision: int  # the new revision
    target: int  # the revision whose state it restores
    closed: int  # figures that revision did not have
    restored: int  # figures it had that had been replaced or removed since


def rollback_to(
    engine: Engine, target: int, *, author: str, base_revision: int | None = None
) -> RollbackSummary:
    """Make the current data equal to the data as of ``target``, as one new revision."""
    with Session(engine) as session, session.begin():
        if session.get(Revision, target) is None:
            raise NoSuchRevision(target)
        revision = _open_revision(session, author, "", "", base_revision)
        revision.kind = "rollback"
        revision.note = f"rollback to revision {target}"
        restored = _restore(session, Observation, _COPIED, target, revision.id)
        closed = _close_newer(session, Observation, target, revision.id)
        _restore(session, SignedProject, _PROJECT_COPIED, target, revision.id)
        _close_newer(session, SignedProject, target, revision.id)
        _restore(session, Membership, _MEMBER_COPIED, target, revision.id)
        _close_newer(session, Membership, target, revision.id)
        revision.added, revision.changed, revision.removed = restored, 0, closed
        summary = RollbackSummary(revision.id, target, closed, restored)
    return summary


def _close_newer(session: Session, model, target: int, rev: int) -> int:  # type: ignore[no-untyped-def]
    """Close every live row created after ``target`` (the new revision's own rows excepted)."""
    stmt = (
        update(model)
        .where(model.rev_to.is_(None), model.rev_from > target, model.rev_from != rev)
        .values(rev_to=rev)
    )
    return session.execute(stmt).rowcount or 0


def _restore(session: Session, model, columns: list[str], target: int, rev: int) -> int:  # type: ignore[no-untyped-def]
    """Copy back the rows ``target`` could see that have been closed since."""
    visible_then = and_(model.rev_from <= target, model.rev_to.is_not(None), model.rev_to > target)
    source = select(
        *[getattr(model, c) for c in columns], func.cast(rev, model.rev_from.type)
    ).where(visible_then)
    count = session.scalar(select(func.count()).select_from(model).where(visible_then)) or 0
    if count:  # (drivers disagree on the rowcount of INSERT … SELECT: count first)
        session.execute(insert(model).from_select([*columns, "rev_from"], source))
    return count
