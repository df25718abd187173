"""The audit log: one row per security-relevant event, each in its own short transaction."""

from __future__ import annotations

import datetime as dt
import json
import logging

from flask import has_request_context, request
from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError

from auth.roles import current_user_name
from store.audit_models import AuditEvent
from store.db import session_scope

log = logging.getLogger(__name__)

ACTIONS = (
    "upload",
    "commit",
    "rollback",
    "login",
    "login_failed",
    "login_refused",
    "logout",
    "user_create",
    "user_update",
)
NAME_LENGTH = 100


def _remote_addr() -> str:
    return (request.remote_addr or "")[:64] if has_request_context() else ""


def _plain(detail: dict | None) -> dict | None:
    """``detail`` as JSON-safe values (dates and paths become text)."""
    return None if detail is None else json.loads(json.dumps(detail, default=str))


def record(action: str, detail: dict | None = None, user: str | None = None) -> None:
    """Write one audit row now; raises when the database refuses it."""
    name = user if user is not None else current_user_name()
    with session_scope() as session:
        session.add(
            AuditEvent(
                at=dt.datetime.now(dt.UTC),
                user_name=name[:NAME_LENGTH] if name else None,
                action=action[:32],
                detail=_plain(detail),
                remote_addr=_remote_addr(),
            )
        )


def audit(action: str, detail: dict | None = None, user: str | None = None) -> None:
    """Record ``action`` by ``user`` (default: the signed-in user) with a JSON ``detail``.

    Runs in its own transaction: call it after your own commit. A failure to write is logged
    with the event, not raised, so that a committed change is never reported as failed.
    """
    try:
        record(action, detail, user)
    except SQLAlchemyError:
        log.exception("audit row not written: %s by %s %s", action, user, detail)


def recent_failures(name: str, remote_addr: str, window: dt.timedelta) -> list[dt.datetime]:
    """When the failed logins for ``name`` or from ``remote_addr`` in ``window`` happened."""
    since = dt.datetime.now(dt.UTC) - window
    query = (
        select(AuditEvent.at)
        .where(AuditEvent.action == "login_failed", AuditEvent.at >= since)
        .where(
            or_(AuditEvent.user_name == name[:NAME_LENGTH], AuditEvent.remote_addr == remote_addr)
        )
        .order_by(AuditEvent.at.desc())
    )
    with session_scope() as session:
        return [_utc(at) for at in session.scalars(query)]


def _utc(at: dt.datetime) -> dt.datetime:
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)


def recent_events(limit: int = 500) -> list[dict[str, object]]:
    """The latest ``limit`` events, newest first, as rows for a grid (times in UTC)."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    with session_scope() as session:
        return [
            {
                "at": _utc(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                "user": e.user_name or "",
                "action": e.action,
                "detail": json.dumps(e.detail, ensure_ascii=False) if e.detail else "",
                "remote_addr": e.remote_addr,
            }
            for e in session.scalars(query)
        ]
