"""Committing the template's entities: signed projects and alliance members.

``commit_entities`` runs inside the revision's transaction (the caller opens the revision and
commits or rolls back). Signed projects and memberships are revisioned like observations: a
changed one closes its live row (``rev_to``) and adds a new one, so that a rollback undoes the
change and "as of revision N" shows who was a member then. Organisations are created as
needed; a joining or leaving date or a role that an upload gives replaces the stored one (a
date the upload leaves empty keeps the stored one).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from loaders.result import LoadResult
from store.models import Event, Membership, Organisation, Revision, SignedProject
from store.regions import alias_key
from store.revisions import _source_id

COUNTS = (
    "projects_added",
    "projects_changed",
    "projects_unchanged",
    "events_unmatched",
    "organisations_added",
    "memberships_added",
    "memberships_changed",
    "memberships_unchanged",
)
_PROJECT_FIELDS = ("event_code", "signed_on", "investment", "qualifier", "sector", "stage")


def _date(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def commit_entities(session: Session, revision_id: int, result: LoadResult) -> dict[str, int]:
    """Write ``result.projects`` and ``result.members`` as part of revision ``revision_id``.

    Returns how many projects were added, changed or unchanged, how many event names matched
    no event (the project is kept, without its event), and how many organisations and
    memberships were added, changed or unchanged. Flushes; never commits.
    """
    counts = dict.fromkeys(COUNTS, 0)
    revision = session.get(Revision, revision_id)
    if revision is None:
        raise ValueError(f"no revision {revision_id}")
    sources: dict[str, int] = {}

    def source_id(title: object) -> int:
        key = str(title or "")
        if key not in sources:
            sources[key] = _source_id(session, key, revision.file_name, revision.file_sha256)
        return sources[key]

    if result.projects:
        _commit_projects(session, revision, result.projects, source_id, counts)
    if result.members:
        _commit_members(session, revision, result.members, source_id, counts)
    session.flush()
    return counts


def _event_codes(session: Session) -> dict[str, str]:
    keys: dict[str, str] = {}
    for code, name_zh, name_en in session.execute(select(Event.code, Event.name_zh, Event.name_en)):
        for name in (code, name_zh, name_en):
            if name:
                keys[alias_key(name)] = code
    return keys


def _commit_projects(session, revision, projects, source_id, counts) -> None:  # type: ignore[no-untyped-def]
    events = _event_codes(session)
    for p in projects:
        event_text = str(p.get("event") or "")
        event_code = p.get("event_code") or (
            events.get(alias_key(event_text)) if event_text else None
        )
        if event_text and event_code is None:
            counts["events_unmatched"] += 1
        values = {
            "event_code": event_code,
            "signed_on": _date(p.get("signed_on")),
            "investment": p.get("investment"),
            "qualifier": p.get("qualifier") or "exact",
            "sector": p.get("sector") or "",
            "stage": p.get("stage") or "signed",
        }
        sp = SignedProject
        current = session.scalars(
            select(sp).where(
                sp.name_zh == p["name_zh"],
                sp.region_code.is_(None)
                if p.get("region_code") is None
                else sp.region_code == p["region_code"],
                sp.rev_to.is_(None),
            )
        ).first()
        if current is not None:
            if all(getattr(current, f) == values[f] for f in _PROJECT_FIELDS):
                counts["projects_unchanged"] += 1
                continue
            session.execute(update(sp).where(sp.id == current.id).values(rev_to=revision.id))
            counts["projects_changed"] += 1
        else:
            counts["projects_added"] += 1
        session.add(
            SignedProject(
                name_zh=p["name_zh"],
                name_en=p.get("name_en") or "",
                region_code=p.get("region_code"),
                source_id=source_id(p.get("source")),
                rev_from=revision.id,
                rev_to=None,
                **values,
            )
        )


def _commit_members(session, revision, members, source_id, counts) -> None:  # type: ignore[no-untyped-def]
    organisations: dict[tuple[str, str], int] = {}
    for m in members:
        if not m.get("alliance_code"):
            continue
        key = (str(m["name_zh"]), str(m["kind"]))
        if key not in organisations:
            org_id = session.scalar(
                select(Organisation.id).where(
                    Organisation.name_zh == key[0], Organisation.kind == key[1]
                )
            )
            if org_id is None:
                org = Organisation(name_zh=key[0], name_en=m.get("name_en") or "", kind=key[1])
                session.add(org)
                session.flush()
                org_id = org.id
                counts["organisations_added"] += 1
            organisations[key] = org_id
        org_id = organisations[key]
        joined, left = _date(m.get("joined")), _date(m.get("left"))
        current = session.scalars(
            select(Membership).where(
                Membership.alliance_code == m["alliance_code"],
                Membership.organisation_id == org_id,
                Membership.rev_to.is_(None),
            )
        ).first()
        if current is None:
            session.add(
                Membership(
                    alliance_code=m["alliance_code"],
                    organisation_id=org_id,
                    role=m.get("role") or "member",
                    joined=joined,
                    left=left,
                    source_id=source_id(m.get("source")),
                    sentence=f"{revision.file_name} row {m.get('_row', '')}",
                    rev_from=revision.id,
                )
            )
            counts["memberships_added"] += 1
            continue
        new = {
            "role": m.get("role") or current.role,
            "joined": joined or current.joined,
            "left": left or current.left,
        }
        if all(getattr(current, f) == v for f, v in new.items()):
            counts["memberships_unchanged"] += 1
            continue
        current.rev_to = revision.id  # as a changed project is closed
        session.add(
            Membership(
                alliance_code=current.alliance_code,
                organisation_id=org_id,
                title_zh=current.title_zh,
                title_en=current.title_en,
                source_id=source_id(m.get("source")),
                sentence=f"{revision.file_name} row {m.get('_row', '')}",
                rev_from=revision.id,
                **new,
            )
        )
        counts["memberships_changed"] += 1
