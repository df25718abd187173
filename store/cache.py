"""Answers that only change when a revision is committed, kept until the next one.

A query wrapped with ``per_revision`` is cached under its arguments and the latest revision id
(one indexed ``max(id)``): a commit or a rollback, in this process or any other worker, makes
a new revision and so a new key. Nothing needs to be told to forget anything.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy import Engine, func, select

from store.models import Revision

P = ParamSpec("P")
R = TypeVar("R")


def latest_revision_id(engine: Engine) -> int | None:
    with engine.connect() as conn:
        return conn.scalar(select(func.max(Revision.id)))


def per_revision(fn: Callable[..., R], maxsize: int = 256) -> Callable[..., R]:
    """Cache ``fn(engine, *args)`` until the next revision; callers get their own copy."""

    @functools.lru_cache(maxsize=maxsize)
    def cached(engine: Engine, latest: int | None, *args: object) -> R:
        return fn(engine, *args)

    @functools.wraps(fn)
    def wrapper(engine: Engine, *args: object) -> R:
        return copy.copy(cached(engine, latest_revision_id(engine), *args))

    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return wrapper
