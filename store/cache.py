"""Answers that only change when a revision is committed, kept until the next one.

A query wrapped with ``per_revision`` is cached under its arguments and the latest revision (its
id and time, one indexed read): a commit or a rollback, in this process or any other worker,
makes a new revision and so a new key; so does a restore, whose ids start again but whose times
are its own. Nothing needs to be told to forget anything.

Two levels: each process keeps the answers it used last (an LRU, no copying in or out but a
shallow copy), and, when the server set one up with ``use_shared``, a cache every worker
shares (Redis with ``REDIS_URL``, else a folder on the local disk: see ``serve.shared_cache``):
a worker that starts cold, or another machine, finds there what one worker computed.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, Protocol, TypeVar

from sqlalchemy import Engine, select

from store.models import Revision

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger(__name__)
#: how long the shared cache keeps an answer, in seconds; a new revision is a new key anyway
SHARED_TIMEOUT = 24 * 3600


class SharedCache(Protocol):
    """What ``use_shared`` needs of a cache: cachelib's (and so flask-caching's) get and set."""

    def get(self, key: str) -> object: ...

    def set(self, key: str, value: object, timeout: int | None = None) -> object: ...


_shared: SharedCache | None = None


def use_shared(cache: SharedCache | None) -> None:
    """Share answers between workers through ``cache`` (None: this process only)."""
    global _shared
    _shared = cache


def latest_revision(engine: Engine) -> tuple[int, str] | None:
    """The latest revision's id and time, which key the cached answers. A restore starts the
    ids again; the times still tell its revisions from those the answers were made under."""
    with engine.connect() as conn:
        row = conn.execute(
            select(Revision.id, Revision.created_at).order_by(Revision.id.desc()).limit(1)
        ).first()
    return (int(row[0]), str(row[1])) if row else None


#: the folders whose code makes the answers: a new version of any of it is a new key
CODE_FOLDERS = ("analysis", "components", "figures", "i18n", "pages", "serve", "store")


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the app's code and wording: answers kept in the shared cache (which
    outlives a restart) by an older version are never handed out after an upgrade."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for folder in CODE_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in {".py", ".toml"} and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def shared_key(fn: Callable[..., object], engine: Engine, latest: object, args: tuple) -> str:
    """The key of one answer in the shared cache: the code's version, the function, the
    database, the revision and the arguments (hashed: arguments may be long lists of codes)."""
    database = engine.url.render_as_string(hide_password=True)
    text = repr((code_version(), fn.__module__, fn.__qualname__, database, latest, args))
    return "rev:" + hashlib.sha256(text.encode()).hexdigest()


def per_revision(fn: Callable[..., R], maxsize: int = 256) -> Callable[..., R]:
    """Cache ``fn(engine, *args)`` until the next revision; callers get their own copy."""

    @functools.lru_cache(maxsize=maxsize)
    def cached(engine: Engine, latest: tuple[int, str] | None, *args: object) -> R:
        shared = _shared
        if shared is None:
            return fn(engine, *args)
        key = shared_key(fn, engine, latest, args)
        found = _shared_get(shared, key)
        if found is not None:
            return found  # type: ignore[return-value]
        value = fn(engine, *args)
        _shared_set(shared, key, value)
        return value

    @functools.wraps(fn)
    def wrapper(engine: Engine, *args: object) -> R:
        return copy.copy(cached(engine, latest_revision(engine), *args))

    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return wrapper


def _shared_get(shared: SharedCache, key: str) -> object:
    """The shared answer, or None; a cache that is down only costs the query (logged)."""
    try:
        return shared.get(key)
    except Exception as exc:  # noqa: BLE001 (Redis down or a stale pickle: compute instead)
        log.warning("shared cache: get %s failed: %s", key, exc)
        return None


def _shared_set(shared: SharedCache, key: str, value: object) -> None:
    try:
        shared.set(key, value, timeout=SHARED_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 (see _shared_get)
        log.warning("shared cache: set %s failed: %s", key, exc)
