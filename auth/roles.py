"""Who is asking, and may they: roles ranked admin ⊇ editor ⊇ viewer ⊇ anonymous."""

from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context
from flask_login import current_user

from i18n import t

ROLES = ("viewer", "editor", "admin")
RANK = {"anonymous": 0, "viewer": 1, "editor": 2, "admin": 3}


class PermissionDenied(Exception):
    """The caller's role is lower than ``required``; ``message_zh`` / ``message_en`` say so."""

    def __init__(self, required: str, actual: str) -> None:
        self.required = required
        self.actual = actual
        self.message_zh = _denied_text(required, actual, "zh")
        self.message_en = _denied_text(required, actual, "en")
        super().__init__(self.message_en)

    def message(self, lang: str | None) -> str:
        return self.message_en if lang == "en" else self.message_zh


def _denied_text(required: str, actual: str, lang: str) -> str:
    if actual == "anonymous":
        return t("auth.login_required", lang)
    return t(
        "auth.permission_denied",
        lang,
        role=t(f"auth.role.{actual}", lang),
        required=t(f"auth.role.{required}", lang),
    )


@dataclass(frozen=True)
class AuthUser:
    """The signed-in user as Flask-Login sees it: loaded from the store on every request."""

    id: int
    name: str
    role: str
    token: str  # changes with the password hash, so a new password ends old sessions

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.token}"


def _user() -> AuthUser | None:
    if not has_request_context():
        return None
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    return user if isinstance(user, AuthUser) else None


def current_role() -> str:
    """``anonymous``, ``viewer``, ``editor`` or ``admin`` (outside a request: ``anonymous``)."""
    user = _user()
    return user.role if user and user.role in RANK else "anonymous"


def current_user_name() -> str | None:
    user = _user()
    return user.name if user else None


def has_role(role: str) -> bool:
    """True when the caller's role is ``role`` or higher (admin ⊇ editor ⊇ viewer)."""
    if role not in RANK:
        raise ValueError(f"unknown role {role!r}")
    return RANK[current_role()] >= RANK[role]


def require_role(role: str) -> None:
    """Raise PermissionDenied unless the caller has ``role``: first line of a changing callback."""
    if not has_role(role):
        raise PermissionDenied(role, current_role())
