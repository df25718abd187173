"""``flask data backup --out FILE`` and ``flask data restore FILE [--replace]``.

The work is ``store.backup``'s; these commands say what it did, or why it refused, in both
languages, and exit 0 (done), 1 (refused: the database holds data, or the restore failed and
was rolled back) or 2 (the file is missing, damaged, altered or from a newer version).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from i18n import t
from store.backup import BackupError, create_backup
from store.db import get_engine
from store.restore import restore_backup

#: refusals about the file itself: like ``data check``'s "file unreadable"
FILE_REFUSALS = {
    "ops.restore_missing",
    "ops.restore_corrupt",
    "ops.restore_tampered",
    "ops.restore_newer",
    "ops.restore_schema",
}


def _say(key: str, err: bool = False, **params: object) -> None:
    click.echo(f"{t(key, 'zh', **params)}\n{t(key, 'en', **params)}", err=err)


def _refuse(error: BackupError) -> None:
    _say(error.key, err=True, **error.params)
    sys.exit(2 if error.key in FILE_REFUSALS else 1)


def _instance_dir() -> Path:
    return Path(current_app.config["SETTINGS"].instance_dir)


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(out: Path) -> None:
    """The database and the uploaded workbooks in one file. 备份数据库与上传文件。"""
    try:
        manifest = create_backup(get_engine(), _instance_dir(), out)
    except BackupError as error:
        _refuse(error)
        return
    tables = manifest["tables"]
    _say(
        "ops.backup_done",
        path=out,
        tables=len(tables),
        rows=sum(v["rows"] for v in tables.values()),
        files=sum(1 for m in manifest["members"] if m.startswith("uploads/")),
        revision=manifest["schema_revision"],
    )


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace a database that holds data. 替换已有数据。")
def restore_command(file: Path, replace: bool) -> None:
    """Restore a backup made by ``data backup``, in one transaction. 从备份恢复。"""
    try:
        restored = restore_backup(get_engine(), _instance_dir(), file, replace)
    except BackupError as error:
        _refuse(error)
        return
    _clear_shared_caches()
    manifest = restored.manifest
    _say(
        "ops.restore_done",
        path=file,
        tables=len(restored.tables),
        rows=sum(restored.tables.values()),
        files=restored.files,
        created=manifest.get("created_at", "?"),
        dialect=manifest.get("dialect", "?"),
        version=manifest.get("app_version", "?"),
    )


def _clear_shared_caches() -> None:
    """Answers cached under a revision id describe the data before the restore, and the ids
    start again: forget them all (the cache every worker shares; workers' own, by restarting)."""
    for cache in list(current_app.extensions.get("cache", {})):
        try:
            cache.clear()
        except Exception as exc:  # noqa: BLE001  (Redis away: the restore itself is done)
            _say("ops.cache_not_cleared", err=True, reason=type(exc).__name__)
