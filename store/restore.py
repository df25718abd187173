"""Restore a backup made by ``store.backup.create_backup``: all of it, or nothing.

The whole file is checked first (every member's size and sha256 against the manifest, each
table's row count, the schema revision: a backup from a newer schema is refused). Then every
table is emptied and filled again in one transaction, parents before children; PostgreSQL's
sequences go on after the largest ids restored. The uploads are unpacked to a folder beside
the kept ones and moved in only after the commit. A refused or failed restore leaves the
database and the uploads as they were.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Date, DateTime, Engine, Table, func, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from store.backup import (
    FILES,
    FORMAT,
    FORMAT_VERSION,
    KEPT,
    MANIFEST,
    TABLES,
    BackupError,
    known_revisions,
    schema_revision,
    tables,
)
from store.uploads import UPLOADS

BATCH = 2000  # rows a statement
_CHUNK = 1024 * 1024
_FRESH_TABLES_EMPTY = ("app_user", "audit_event", "header_mapping")


@dataclass
class Restored:
    """What a restore wrote: rows per table and the uploads unpacked."""

    manifest: dict
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0


def read_manifest(path: Path) -> tuple[zipfile.ZipFile, dict]:
    """Open a backup and check it whole: its manifest, every member's size and sha256, the
    rows of each table, the schema revision. Raises BackupError; the caller closes the zip."""
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise BackupError("ops.restore_missing", path=path) from exc
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise BackupError("ops.restore_corrupt", path=path, part="zip") from exc
    try:
        manifest = _check(zf, path)
    except BaseException:
        zf.close()
        raise
    return zf, manifest


def _check(zf: zipfile.ZipFile, path: Path) -> dict:
    try:
        manifest = json.loads(zf.read(MANIFEST))
        members = manifest["members"]
        table_rows = {t: int(v["rows"]) for t, v in manifest["tables"].items()}
        sealed = {n: (int(w["size"]), str(w["sha256"])) for n, w in members.items()}
        version = int(manifest.get("format_version", 0))
    except (KeyError, ValueError, TypeError, AttributeError, *_ZIP_ERRORS) as exc:
        raise BackupError("ops.restore_corrupt", path=path, part=MANIFEST) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError("ops.restore_corrupt", path=path, part=MANIFEST)
    if version > FORMAT_VERSION:
        raise BackupError("ops.restore_newer", path=path, revision=manifest.get("format_version"))
    revision = manifest.get("schema_revision")
    if revision not in known_revisions():
        raise BackupError("ops.restore_newer", path=path, revision=revision)
    names = set(zf.namelist()) - {MANIFEST}
    if names != set(members) or any(not _safe(n) for n in names):
        extra = sorted(names.symmetric_difference(members))[:3]
        raise BackupError("ops.restore_tampered", path=path, member=", ".join(extra))
    for name, want in sealed.items():
        if _digest(zf, name, path) != want:
            raise BackupError("ops.restore_tampered", path=path, member=name)
        if name.startswith(TABLES):
            table = name.removeprefix(TABLES).removesuffix(".jsonl")
            if _lines(zf, name, path) != table_rows.get(table):
                raise BackupError("ops.restore_tampered", path=path, member=name)
    return manifest


_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError)


def _safe(name: str) -> bool:
    """A member this format has: a table's rows, or a kept upload; no other path."""
    if name.startswith(TABLES):
        return re.fullmatch(r"[a-z_]+\.jsonl", name.removeprefix(TABLES)) is not None
    return name.startswith(FILES) and KEPT.match(name.removeprefix(FILES)) is not None


def _digest(zf: zipfile.ZipFile, name: str, path: Path) -> tuple[int, str]:
    sha, size = hashlib.sha256(), 0
    try:
        with zf.open(name) as fh:
            while chunk := fh.read(_CHUNK):
                sha.update(chunk)
                size += len(chunk)
    except _ZIP_ERRORS as exc:
        raise BackupError("ops.restore_corrupt", path=path, part=name) from exc
    return size, sha.hexdigest()


def _lines(zf: zipfile.ZipFile, name: str, path: Path) -> int:
    try:
        with zf.open(name) as fh:
            return sum(1 for _ in fh)
    except _ZIP_ERRORS as exc:
        raise BackupError("ops.restore_corrupt", path=path, part=name) from exc


def is_fresh(conn: Connection) -> bool:
    """Nothing anyone made: no users, audit or mappings, and at most the shipped revision (the
    dataset the app loads on its first run, made again from data/ at will)."""
    names = set(inspect(conn).get_table_names())
    for table in tables():
        if table.name in _FRESH_TABLES_EMPTY and table.name in names:
            if conn.scalar(select(func.count()).select_from(table)):
                return False
    if "revision" not in names:
        return True
    kinds = conn.execute(text("SELECT kind FROM revision")).scalars().all()
    return len(kinds) <= 1 and all(k == "initial" for k in kinds)


def restore_backup(engine: Engine, instance_dir: Path, path: Path, replace: bool) -> Restored:
    """Replace the database's rows and add the uploads with the backup's, or change nothing.

    Refused (BackupError) when the file is damaged, altered or from a newer schema, when its
    tables do not fit this schema, or when the database holds anyone's work and ``replace``
    is not given."""
    zf, manifest = read_manifest(path)
    with zf:
        with engine.connect() as conn:
            _fits(conn, manifest, path)
            if not replace and not is_fresh(conn):
                raise BackupError("ops.restore_not_empty")
        with _staged(zf, Path(instance_dir) / UPLOADS, manifest, path) as staged:
            restored = Restored(manifest)
            try:
                with engine.begin() as conn:
                    for table in reversed(tables()):
                        conn.execute(table.delete())
                    for table in tables():
                        restored.tables[table.name] = _insert(conn, zf, table, path)
                    _reset_sequences(conn)
            except SQLAlchemyError as exc:
                reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:300]
                raise BackupError("ops.restore_failed", reason=reason) from exc
            restored.files = staged.commit()
    return restored


def _fits(conn: Connection, manifest: dict, path: Path) -> None:
    """Every table and column of the backup exists here (an older backup may lack some)."""
    ours = {t.name: {c.name for c in t.columns} for t in tables()}
    for table, info in manifest["tables"].items():
        missing = set(info.get("columns", [])) - ours.get(table, set())
        if table not in ours or missing:
            raise BackupError(
                "ops.restore_schema", path=path, table=table, columns=", ".join(sorted(missing))
            )
    if schema_revision(conn) not in known_revisions():
        raise BackupError("ops.restore_schema", path=path, table="alembic_version", columns="")


def _insert(conn: Connection, zf: zipfile.ZipFile, table: Table, path: Path) -> int:
    """The table's rows from the backup, a batch a statement (a table that refers to itself
    all at once, each row after the one it refers to)."""
    name = f"{TABLES}{table.name}.jsonl"
    if name not in zf.namelist():  # a table newer than the backup: left empty
        return 0
    readers = {c.name: _reader(c.type) for c in table.columns}
    whole = any(fk.column.table is table for fk in table.foreign_keys)
    count, batch = 0, []
    with zf.open(name) as fh:
        for line in fh:
            batch.append(_row(line, readers, path, name))
            if len(batch) == BATCH and not whole:
                conn.execute(table.insert(), batch)
                count, batch = count + len(batch), []
    if batch:
        conn.execute(table.insert(), _parents_first(table, batch) if whole else batch)
    return count + len(batch)


def _reader(kind: object):  # type: ignore[no-untyped-def]
    if isinstance(kind, DateTime):
        return dt.datetime.fromisoformat
    if isinstance(kind, Date):
        return dt.date.fromisoformat
    return None


def _row(line: bytes, readers: dict, path: Path, name: str) -> dict[str, object]:
    """One row of a table's member: a JSON object of this table's columns."""
    try:
        raw = json.loads(line)
        if not isinstance(raw, dict) or not set(raw) <= set(readers):
            raise ValueError(name)
        return {k: (readers[k](v) if readers[k] and v is not None else v) for k, v in raw.items()}
    except (TypeError, ValueError) as exc:
        raise BackupError("ops.restore_corrupt", path=path, part=name) from exc


def _parents_first(table: Table, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Rows of a table that refers to itself (a region's parent), each after its parent."""
    links = [
        (fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table
    ]
    if not links:
        return rows
    child, key = links[0]
    placed: set[object] = set()
    ordered: list[dict[str, object]] = []
    waiting = rows
    while waiting:
        ready = [r for r in waiting if r.get(child) is None or r.get(child) in placed]
        if not ready:  # a loop, or a parent missing: the database will say which
            ordered += waiting
            break
        ordered += ready
        placed |= {r.get(key) for r in ready}
        done = set(map(id, ready))
        waiting = [r for r in waiting if id(r) not in done]
    return ordered


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL: each serial key's sequence goes on after the largest id restored."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto" and column.type.python_type is int
            ):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f'COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1, '
                        "false)"
                    )
                )


class _Staged:
    """Uploads unpacked beside the kept ones, moved in by ``commit``."""

    def __init__(self, folder: Path, target: Path) -> None:
        self.folder, self.target = folder, target

    def commit(self) -> int:
        moved = 0
        for path in sorted(self.folder.iterdir()):
            os.replace(path, self.target / path.name)
            moved += 1
        return moved


@contextlib.contextmanager
def _staged(zf: zipfile.ZipFile, uploads: Path, manifest: dict, path: Path) -> Iterator[_Staged]:
    try:
        uploads.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=".restore-", dir=uploads))
    except OSError as exc:
        raise BackupError("ops.restore_unwritable", path=uploads, reason=exc.strerror) from exc
    try:
        for name, want in manifest["members"].items():
            if not name.startswith(FILES):
                continue
            target = folder / name.removeprefix(FILES)
            with zf.open(name) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst, _CHUNK)
            if hashlib.sha256(target.read_bytes()).hexdigest() != want["sha256"]:
                raise BackupError("ops.restore_tampered", path=path, member=name)
        yield _Staged(folder, uploads)
    except OSError as exc:
        raise BackupError("ops.restore_unwritable", path=uploads, reason=exc.strerror) from exc
    finally:
        shutil.rmtree(folder, ignore_errors=True)
