"""Users, roles, sessions, CSRF and the audit log.

Other modules use only these names: ``current_role``, ``current_user_name``, ``has_role``,
``require_role`` (raises ``PermissionDenied``) at the top of every callback that changes data,
and ``audit`` after the change has been committed. ``init_auth`` wires it all to the server.
"""

from __future__ import annotations

from auth.audit import audit
from auth.csrf import csrf_token
from auth.roles import (
    ROLES,
    PermissionDenied,
    current_role,
    current_user_name,
    has_role,
    require_role,
)
from auth.setup import can_view, init_auth

__all__ = [
    "ROLES",
    "PermissionDenied",
    "audit",
    "can_view",
    "csrf_token",
    "current_role",
    "current_user_name",
    "has_role",
    "init_auth",
    "require_role",
]
