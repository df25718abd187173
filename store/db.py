"""The one module that owns the database: engine per process, sessions, start-up checks."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, select
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from i18n import t
from settings import ROOT, Settings

_engine: Engine | None = None
_sessions: sessionmaker[Session] | None = None
_engine_pid: int | None = None  # the process that opened the engine's connections


class StartupError(RuntimeError):
    """A condition that stops the app from starting, told in words a person can act on."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(t(key, "en", **params))

    def message(self) -> str:
        zh = t(self.key, "zh", **self.params)
        en = t(self.key, "en", **self.params)
        return f"{zh}\n{en}"

    def exit(self, code: int = 2) -> None:
        print(self.message(), file=sys.stderr)
        raise SystemExit(code)


def _redact(url: str) -> str:
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid>"


def _prepare_sqlite_folder(settings: Settings) -> None:
    """Create the folder of a SQLite file and prove it is writable."""
    url = settings.database_url
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        return
    folder = Path(url.removeprefix("sqlite:///")).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise StartupError("startup.folder_unwritable", folder=folder, reason=exc.strerror) from exc


#: Page size of a new SQLite file (an existing one keeps its own). 16 KiB rather than SQLite's
#: 4 KiB: a table of tidy figures is read in long runs (a region's or an indicator's figures),
#: and a big import writes, logs and checkpoints a quarter as many pages.
SQLITE_PAGE_SIZE = 16 * 1024


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")  # before WAL: only an empty file takes it
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; raises StartupError for a URL that cannot be used."""
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise StartupError("startup.bad_database_url", url=_redact(url), reason=exc) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def init(settings: Settings, *, load_shipped: bool = True) -> Engine:
    """Open the database, bring its schema up to date and fill an empty one from data/."""
    global _engine, _sessions, _engine_pid
    _prepare_sqlite_folder(settings)
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except (OperationalError, SQLAlchemyError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:300]
        raise StartupError(
            "startup.database_unreachable", url=_redact(settings.database_url), reason=reason
        ) from exc
    migrate(engine)
    _engine = engine
    _engine_pid = os.getpid()
    _sessions = sessionmaker(engine, expire_on_commit=False)
    if load_shipped:
        from store.shipped import load_shipped_if_empty

        load_shipped_if_empty(engine)
    return engine


#: PostgreSQL advisory lock taken while the schema is brought up to date (any constant)
MIGRATION_LOCK_ID = 0x62636462


def migrate(engine: Engine) -> None:
    """Apply Alembic migrations up to head, one process at a time: gunicorn's master, a Celery
    worker and the app on another machine may all start together."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "store" / "migrations"))
    with _one_at_a_time(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # released with the transaction
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@contextmanager
def _one_at_a_time(engine: Engine) -> Iterator[None]:
    """SQLite: an exclusive lock on a file beside the database while the block runs (other
    databases lock inside their transaction)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    import fcntl

    with open(f"{database}-migrate-lock", "a") as fh:  # beside -wal and -shm
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def reinit_after_fork() -> None:
    """In a forked child (a Dash background callback): stop using the parent's connections.

    The pool inherited from the parent holds its sockets and SQLite handles; the child gets a
    fresh pool (``dispose(close=False)`` leaves the parent's connections open for the parent).
    Does nothing in the process that opened the engine, so it is safe to call anywhere.
    """
    global _engine_pid
    if _engine is None or _engine_pid == os.getpid():
        return
    _engine.dispose(close=False)
    _engine_pid = os.getpid()


def get_engine() -> Engine:
    if _engine is None:
        raise RuntimeError("store.db.init() has not been called in this process")
    return _engine


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error."""
    if _sessions is None:
        raise RuntimeError("store.db.init() has not been called in this process")
    session = _sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def table_names(engine: Engine) -> list[str]:
    return inspect(engine).get_table_names()


def current_revision(session: Session) -> int | None:
    from store.models import Revision

    return session.scalar(select(Revision.id).order_by(Revision.id.desc()).limit(1))
