"""Signed tickets: a role checked in a request, carried to work that runs outside of it.

A Dash background callback runs in another process, without the request, its session or
Flask-Login's ``current_user``. So the request that starts the work checks the role
(``require_role``) and hands over a ticket: what to do and for whom, signed with the server's
secret key and good for ``MAX_AGE`` seconds. The background work does nothing without a ticket
that verifies: a crafted POST to the background callback carries none.
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

MAX_AGE = 3600  # seconds


def _serializer(secret: str | bytes, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"ticket:{purpose}")


def issue_ticket(secret: str | bytes, purpose: str, payload: dict[str, object]) -> str:
    """A signed, timestamped ticket for ``purpose`` carrying ``payload`` (JSON values).

    A random nonce makes every ticket unique, so that the same work asked twice is done twice.
    """
    if not secret:
        raise ValueError("a ticket needs the server's secret key")
    return _serializer(secret, purpose).dumps({**payload, "_nonce": secrets.token_hex(8)})


def read_ticket(
    secret: str | bytes, purpose: str, ticket: object, max_age: int = MAX_AGE
) -> dict[str, object] | None:
    """The payload of a ticket this server issued for ``purpose`` in the last ``max_age``
    seconds; None for anything else (forged, altered, expired, another purpose, not text)."""
    if not secret or not isinstance(ticket, str) or not ticket:
        return None
    try:
        payload = _serializer(secret, purpose).loads(ticket, max_age=max_age)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(payload, dict):
        return None
    payload.pop("_nonce", None)
    return payload
