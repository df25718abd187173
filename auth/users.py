"""Users in the store: check a password, load a session's user, create and change users."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import unicodedata
from functools import cache

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from auth.roles import ROLES, AuthUser
from store.db import session_scope
from store.models import User

MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # longer input is refused before hashing (scrypt on megabytes is a DoS)
MAX_NAME = 100


class UserError(ValueError):
    """A change an admin asked for that cannot be made; ``key`` names the catalogue message."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(key)


def _token(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _auth_user(user: User) -> AuthUser:
    return AuthUser(id=user.id, name=user.name, role=user.role, token=_token(user.password_hash))


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(name: str, password: str) -> AuthUser | None:
    """The active user ``name`` if ``password`` is theirs; the same work is done either way."""
    if len(password) > MAX_PASSWORD or len(name) > MAX_NAME:
        return None
    with session_scope() as session:
        user = session.scalar(select(User).where(User.name == name))
    stored = user.password_hash if user and user.password_hash else _dummy_hash()
    ok = check_password_hash(stored, password)
    if not ok or user is None or not user.active or user.role not in ROLES:
        return None
    return _auth_user(user)


def load_user(user_id: str) -> AuthUser | None:
    """Flask-Login's loader: ``"id:token"`` → the user, if still active and unchanged."""
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit():
        return None
    with session_scope() as session:
        user = session.get(User, int(raw_id))
    if user is None or not user.active or user.role not in ROLES:
        return None
    found = _auth_user(user)
    return found if secrets.compare_digest(found.token, token) else None


def list_users() -> list[dict[str, object]]:
    with session_scope() as session:
        users = session.scalars(select(User).order_by(User.name)).all()
    return [
        {
            "name": u.name,
            "role": u.role,
            "active": bool(u.active),
            "created_at": u.created_at.strftime("%Y-%m-%d %H:%M") if u.created_at else "",
        }
        for u in users
    ]


def check_name(name: str | None) -> str:
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise UserError("admin.error.name_required")
    if len(name) > MAX_NAME or any(c.isspace() or not c.isprintable() for c in name):
        raise UserError("admin.error.name_invalid", max=MAX_NAME)
    return name


def create_user(name: str | None, role: str | None, password: str | None) -> dict[str, str]:
    """Add a user (scrypt hash); returns the audit detail (never the password)."""
    name = check_name(name)
    if role not in ROLES:
        raise UserError("admin.error.bad_role")
    if len(password or "") < MIN_PASSWORD:
        raise UserError("admin.error.password_short", min=MIN_PASSWORD)
    if len(password or "") > MAX_PASSWORD:
        raise UserError("admin.error.password_long", max=MAX_PASSWORD)
    with session_scope() as session:
        if session.scalar(select(User.id).where(User.name == name)):
            raise UserError("admin.error.name_taken", name=name)
        session.add(
            User(
                name=name,
                role=role,
                password_hash=generate_password_hash(password or ""),
                active=True,
                created_at=dt.datetime.now(dt.UTC),
            )
        )
    return {"name": name, "role": role}


def update_user(
    name: str | None, *, actor: str | None, role: str | None = None, active: bool | None = None
) -> dict[str, object]:
    """Change ``name``'s role or active flag; returns the audit detail ({} when nothing changed).

    An admin cannot demote or deactivate themselves, so one active admin always remains.
    """
    if not name:
        raise UserError("admin.error.no_user")
    if role is not None and role not in ROLES:
        raise UserError("admin.error.bad_role")
    if name == actor:
        raise UserError("admin.error.self")
    with session_scope() as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise UserError("admin.error.unknown_user", name=name)
        detail: dict[str, object] = {}
        if role is not None and role != user.role:
            detail["role"] = [user.role, role]
            user.role = role
        if active is not None and active != bool(user.active):
            detail["active"] = [bool(user.active), active]
            user.active = active
    return {"name": name, **detail} if detail else {}
