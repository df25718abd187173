"""A backup of the whole store in one file: the database and the kept uploads.

The backup is a zip (``FORMAT``) of:

- ``manifest.json``: the format, the app's version, the Alembic revision of the schema, when
  and from which database dialect it was made, each table's columns and row count, and the
  size and sha256 of every other member;
- ``database/<table>.jsonl``: every row of every table as one JSON object a line, tables in
  the order their foreign keys need (parents first), rows by primary key. JSON, not a dump of
  one engine: a backup of SQLite restores into PostgreSQL and back. Floats are written as
  Python writes them (they read back to the same double), dates and times as ISO 8601, times
  in UTC;
- ``uploads/<sha256>.<ext>`` and their ``.json`` sidecars: the workbooks as uploaded.

Nothing is half-written: ``create_backup`` reads every table as of one moment (a REPEATABLE
READ transaction on PostgreSQL, a copy made with SQLite's online backup API) and writes under a
temporary name, moved into place at the end. ``store.restore`` reads it back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import tempfile
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    create_engine,
    select,
)

from settings import ROOT
from store.uploads import UPLOADS

FORMAT = "battery-cluster-dashboard-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES = "database/"
FILES = "uploads/"
_CHUNK = 1024 * 1024
KEPT = re.compile(r"^[0-9a-f]{64}\.(?:xlsx|xls|csv|json)$")  # what uploads/ keeps for good


class BackupError(Exception):
    """A backup or restore refused: ``key`` names the message in i18n/ops.toml."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def tables() -> list[Table]:
    """Every table of the schema, parents before children."""
    from store.audit_models import AuditEvent  # noqa: F401  (their tables join the metadata)
    from store.mapping_models import HeaderMapping  # noqa: F401
    from store.models import Base

    return list(Base.metadata.sorted_tables)


def app_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


def _scripts():  # type: ignore[no-untyped-def]
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "store" / "migrations"))
    return ScriptDirectory.from_config(config)


def known_revisions() -> list[str]:
    """The schema revisions this version knows, oldest first."""
    return [s.revision for s in reversed(list(_scripts().walk_revisions()))]


def schema_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


# --- backup -----------------------------------------------------------------------------------


def create_backup(engine: Engine, instance_dir: Path, out: Path) -> dict:
    """Write the backup of ``engine``'s database and ``instance_dir``'s uploads to ``out``;
    returns its manifest. Raises BackupError when ``out`` cannot be written."""
    out = Path(out)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent or ".")
    except OSError as exc:
        raise BackupError("ops.backup_unwritable", path=out, reason=exc.strerror) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            manifest = _write_members(engine, Path(instance_dir), zf)
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(tmp, out)
    except OSError as exc:
        raise BackupError("ops.backup_unwritable", path=out, reason=exc.strerror) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return manifest


def _write_members(engine: Engine, instance_dir: Path, zf: zipfile.ZipFile) -> dict:
    members: dict[str, dict[str, object]] = {}
    counts: dict[str, int] = {}
    columns: dict[str, list[str]] = {}
    with _snapshot(engine) as conn:  # every table as of one moment
        revision = schema_revision(conn)
        for table in tables():
            name = f"{TABLES}{table.name}.jsonl"
            columns[table.name] = [c.name for c in table.columns]
            counts[table.name] = 0
            with _Hashed(zf.open(name, "w", force_zip64=True)) as member:
                query = select(table).order_by(*table.primary_key.columns)
                for row in conn.execute(query).mappings():
                    member.write(_line(row))
                    counts[table.name] += 1
            members[name] = member.seen()
    uploads = instance_dir / UPLOADS
    for path in sorted(uploads.iterdir()) if uploads.is_dir() else []:
        if KEPT.match(path.name) and path.is_file():
            name = f"{FILES}{path.name}"
            with path.open("rb") as src, _Hashed(zf.open(name, "w", force_zip64=True)) as dst:
                while chunk := src.read(_CHUNK):
                    dst.write(chunk)
            members[name] = dst.seen()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": app_version(),
        "schema_revision": revision,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "dialect": engine.dialect.name,
        "tables": {t: {"rows": counts[t], "columns": columns[t]} for t in counts},
        "members": members,
    }


@contextlib.contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection that sees the database as of one moment, whatever others write meanwhile.

    PostgreSQL: a REPEATABLE READ transaction. SQLite: a copy made with SQLite's online backup
    API (consistent, even while the app writes), read through an engine of its own."""
    if engine.dialect.name != "sqlite":
        level = "REPEATABLE READ" if engine.dialect.name == "postgresql" else "SERIALIZABLE"
        with engine.connect().execution_options(isolation_level=level) as conn, conn.begin():
            yield conn
        return
    with tempfile.TemporaryDirectory(prefix="backup-") as folder:
        copy = Path(folder) / "snapshot.sqlite3"
        raw = engine.raw_connection()
        try:
            with contextlib.closing(sqlite3.connect(copy)) as target:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
        finally:
            raw.close()
        snapshot = create_engine(f"sqlite:///{copy}")
        try:
            with snapshot.connect() as conn:
                yield conn
        finally:
            snapshot.dispose()


class _Hashed:
    """A writable member that counts and hashes what goes through it."""

    def __init__(self, fh) -> None:  # type: ignore[no-untyped-def]
        self.fh, self.sha, self.size = fh, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.fh.write(data)
        self.sha.update(data)
        self.size += len(data)

    def seen(self) -> dict[str, object]:
        return {"size": self.size, "sha256": self.sha.hexdigest()}

    def __enter__(self) -> _Hashed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()


def _line(row) -> bytes:  # type: ignore[no-untyped-def]
    return (json.dumps(dict(row), default=_plain, ensure_ascii=False) + "\n").encode()


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime):  # naive times are UTC (SQLite keeps no zone)
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot back up a {type(value).__name__}")
