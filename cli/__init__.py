"""The command line on the Flask server: ``flask --app app:server data|users …``."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from auth import audit
from i18n import t
from store import queries
from store.db import get_engine, session_scope
from store.models import User

ROLES = ("viewer", "editor", "admin")


def _say(key: str, err: bool = False, **params: object) -> None:
    click.echo(f"{t(key, 'zh', **params)}\n{t(key, 'en', **params)}", err=err)


def write_csv(df, path: Path) -> None:  # type: ignore[no-untyped-def]
    """UTF-8 with BOM so that Excel opens the Chinese text; formula-like text neutralised."""
    from exports.csv import neutralise

    neutralise(df).to_csv(path, index=False, encoding="utf-8-sig")


data_cli = AppGroup("data", help="Export, check and import data. 导出、检查、导入数据。")
users_cli = AppGroup("users", help="Manage users. 管理用户。")


@data_cli.command("export")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as-of", "as_of", type=int, default=None, help="Revision number.")
def export_command(out: Path, as_of: int | None) -> None:
    """Every observation as tidy CSV (UTF-8 with BOM)."""
    engine = get_engine()
    latest = queries.latest_revision(engine)
    if as_of is not None and (latest is None or not 1 <= as_of <= latest):
        _say("cli.bad_revision", err=True, rev=as_of)
        sys.exit(1)
    df = queries.export_frame(engine, as_of=as_of)
    write_csv(df, out)
    _say("cli.export_done", count=len(df), path=out)


def _load_options(f):  # type: ignore[no-untyped-def]
    f = click.option("--issues", "issues_out", type=click.Path(dir_okay=False, path_type=Path))(f)
    f = click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path))(f)
    f = click.option("--map", "maps", multiple=True, help="HEADER=CODE")(f)
    f = click.option("--period")(f)
    f = click.option("--region")(f)
    f = click.option("--sheet")(f)
    return click.argument("file", type=click.Path(path_type=Path))(f)


def _run_loaders(file, sheet, region, period, maps, out, issues_out, *, author=None):  # type: ignore[no-untyped-def]
    """Read and check ``file`` — and with an ``author``, commit it unless it has errors.

    Returns what ``store.ingest.import_file`` returns; says what it found on stdout/stderr.
    """
    from loaders import FileRejected, LoadOptions
    from store.ingest import import_file

    explicit = dict(m.split("=", 1) for m in maps if "=" in m)
    options = LoadOptions(sheet=sheet, default_region=region, default_period=period)
    try:
        imported = import_file(
            get_engine(),
            file,
            options,
            explicit=explicit,
            author=author or "cli",
            dry_run=author is None,
        )
    except FileRejected as exc:
        click.echo(
            f"{t('cli.file_unreadable', 'zh', path=file, reason=exc.reason_zh)}\n"
            f"{t('cli.file_unreadable', 'en', path=file, reason=exc.reason_en)}",
            err=True,
        )
        sys.exit(2)
    result = imported.result
    if out:
        write_csv(result.frame(), out)
    if issues_out:
        write_csv(result.issues_frame(), issues_out)
    for issue in result.issues:
        where = f"{issue.sheet}!{issue.column}{issue.row or ''}"
        click.echo(
            f"[{issue.severity}] {issue.code} {where}: {issue.message_zh} / {issue.message_en}",
            err=True,
        )
    _say(
        "cli.check_summary",
        rows=len(result.rows),
        errors=len(result.errors),
        warnings=len(result.warnings),
    )
    return imported


@data_cli.command("check")
@_load_options
def check_command(file, sheet, region, period, maps, out, issues_out) -> None:  # type: ignore[no-untyped-def]
    """Dry run of the loaders: nothing is written to the database."""
    imported = _run_loaders(file, sheet, region, period, maps, out, issues_out)
    sys.exit(1 if imported.result.errors else 0)


@data_cli.command("import")
@_load_options
@click.option("--author", default="cli")
def import_command(file, sheet, region, period, maps, out, issues_out, author) -> None:  # type: ignore[no-untyped-def]
    """The same as check, then one revision committed — or nothing at all."""
    imported = _run_loaders(file, sheet, region, period, maps, out, issues_out, author=author)
    summary = imported.summary
    if summary is None:
        _say("cli.import_nothing", err=True)
        sys.exit(1)
    _say(
        "cli.import_done",
        rev=summary.revision,
        added=summary.added,
        changed=summary.changed,
        unchanged=summary.unchanged,
    )
    if summary.entities:
        _say("cli.import_entities", **summary.entities)
    audit(
        "commit",
        {
            "revision": summary.revision,
            "file_name": file.name,
            "via": "cli",
            "added": summary.added,
            "changed": summary.changed,
        },
        user=author,
    )


@users_cli.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option(
    "--password", prompt=True, hide_input=True, confirmation_prompt=True, envvar="NEW_USER_PASSWORD"
)
def create_user(name: str, role: str, password: str) -> None:
    """Create a user with a hashed password (scrypt)."""
    with session_scope() as session:
        if session.scalar(select(User.id).where(User.name == name)):
            _say("cli.user_exists", err=True, name=name)
            sys.exit(1)
        session.add(
            User(
                name=name,
                role=role,
                password_hash=generate_password_hash(password),
                created_at=dt.datetime.now(dt.UTC),
            )
        )
    audit("user_create", {"name": name, "role": role, "via": "cli"}, user="cli")
    _say("cli.user_created", name=name, role=role)


def register_commands(server: Flask) -> None:
    from cli.backup import backup_command, restore_command
    from cli.export import export_cli

    data_cli.add_command(backup_command)
    data_cli.add_command(restore_command)
    server.cli.add_command(data_cli)
    server.cli.add_command(users_cli)
    server.cli.add_command(export_cli)
