"""``data backup`` and ``data restore``: a round trip keeps every row and every workbook, on
SQLite and (with TEST_POSTGRES_URL) from SQLite into PostgreSQL and back; a damaged, cut,
altered or newer backup is refused and changes nothing; a restore that fails half-way is rolled
back whole."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, table
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cli import write_csv
from store import queries
from store.backup import MANIFEST, BackupError, create_backup, tables
from store.db import make_engine, migrate
from store.models import User
from store.restore import read_manifest, restore_backup
from store.revisions import commit_rows
from store.shipped import load_shipped_if_empty
from store.uploads import save_upload
from tests.conftest import run_cli

PG_URL = os.environ.get("TEST_POSTGRES_URL")
WORKBOOK = "地区,指标,时期,数值,单位,限定,来源\n常州市,电芯年产能,2019,31,GWh,,备份测试\n".encode()

State = tuple[str, dict[str, int], dict[str, str]]


def fresh(url: str) -> Engine:
    """A database as the app makes it on first run: migrated, the shipped dataset loaded."""
    engine = make_engine(url)
    migrate(engine)
    load_shipped_if_empty(engine)
    return engine


def state(engine: Engine, instance: Path) -> State:
    """A hash of ``data export``, each table's row count, each kept upload's sha256."""
    out = instance / f"export-{uuid.uuid4().hex}.csv"
    write_csv(queries.export_frame(engine), out)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    out.unlink()
    with engine.connect() as conn:
        counts = {
            t.name: conn.scalar(select(func.count()).select_from(table(t.name))) for t in tables()
        }
    uploads = instance / "uploads"
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (sorted(uploads.iterdir()) if uploads.is_dir() else [])
        if p.is_file()
    }
    return digest, counts, files


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Callable[[str], str]:
    return lambda name: f"sqlite:///{tmp_path / name}.sqlite3"


@pytest.fixture
def pg_url() -> Iterator[Callable[[], str]]:
    """New empty PostgreSQL databases on the test server, dropped afterwards (the session's own
    database is left to the other tests)."""
    if not PG_URL:
        pytest.skip("TEST_POSTGRES_URL not set (CI sets it via scripts/with-postgres.sh)")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def new() -> str:
        name = f"bcd_backup_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        made.append(name)
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    yield new
    with admin.connect() as conn:
        for name in made:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def filled(engine: Engine, instance: Path) -> None:
    """Some work of people on top of the shipped data: an upload committed, a user."""
    sha, _ = save_upload(instance, WORKBOOK, "备份测试.csv", user="ed")
    row = {
        "entity_type": "region",
        "entity_code": "320400",
        "entity_name_zh": "常州市",
        "indicator_code": "cell_capacity",
        "period": "2019",
        "value": 31.25,
        "unit": "GWh",
        "qualifier": "approx",
        "value_as_written": "约31.25GWh",
        "source": "备份测试",
        "_row": 2,
    }
    commit_rows(engine, [row], author="ed", file_name="备份测试.csv", sha256=sha)
    with Session(engine) as session, session.begin():
        session.add(
            User(name="ed", role="editor", password_hash="x", created_at=dt.datetime.now(dt.UTC))
        )


def test_round_trip_sqlite_to_sqlite(sqlite_url, tmp_path: Path) -> None:
    source, a = fresh(sqlite_url("a")), tmp_path / "a"
    filled(source, a)
    backup = tmp_path / "backup.zip"
    manifest = create_backup(source, a, backup)
    assert manifest["dialect"] == "sqlite" and manifest["schema_revision"]
    assert manifest["tables"]["observation"]["rows"] > 10_000
    assert any(m.startswith("uploads/") and m.endswith(".csv") for m in manifest["members"])
    target, b = fresh(sqlite_url("b")), tmp_path / "b"
    restored = restore_backup(target, b, backup, replace=False)  # a fresh database: no --replace
    assert restored.tables == {t: v["rows"] for t, v in manifest["tables"].items()}
    assert state(target, b) == state(source, a)
    # sequences (ids) go on after the restored ones: a new commit works
    commit_rows(target, [_figure(2018)], author="t", file_name="x.csv", sha256="f" * 64)


def _figure(year: int) -> dict[str, object]:
    return {
        "entity_type": "region",
        "entity_code": "320400",
        "indicator_code": "cell_capacity",
        "period": str(year),
        "value": 1.0,
        "qualifier": "exact",
        "value_as_written": "1",
        "source": "序列测试",
    }


def test_round_trip_sqlite_to_postgresql_and_back(sqlite_url, pg_url, tmp_path: Path) -> None:
    source, a = fresh(sqlite_url("a")), tmp_path / "a"
    filled(source, a)
    create_backup(source, a, tmp_path / "from-sqlite.zip")
    postgres, b = fresh(pg_url()), tmp_path / "b"
    restore_backup(postgres, b, tmp_path / "from-sqlite.zip", replace=False)
    assert state(postgres, b) == state(source, a)
    commit_rows(postgres, [_figure(2018)], author="t", file_name="x.csv", sha256="f" * 64)
    manifest = create_backup(postgres, b, tmp_path / "from-postgres.zip")
    assert manifest["dialect"] == "postgresql"
    back, c = fresh(sqlite_url("c")), tmp_path / "c"
    restore_backup(back, c, tmp_path / "from-postgres.zip", replace=False)
    assert state(back, c) == state(postgres, b)
    postgres.dispose()


def test_the_command_line_round_trip_refusals_and_exit_codes(sqlite_url, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    env_a = {"INSTANCE_DIR": str(a), "DATABASE_URL": sqlite_url("a")}
    env_b = {"INSTANCE_DIR": str(b), "DATABASE_URL": sqlite_url("b")}
    filled(fresh(sqlite_url("a")), a)
    backup = tmp_path / "备份.zip"
    made = run_cli("data", "backup", "--out", str(backup), env=env_a)
    assert made.returncode == 0, made.stderr
    assert "已备份到" in made.stdout and "Backed up to" in made.stdout
    done = run_cli("data", "restore", str(backup), env=env_b)  # b is made on start: fresh
    assert done.returncode == 0, done.stderr
    assert "已从" in done.stdout and "Restored from" in done.stdout
    assert state(make_engine(sqlite_url("b")), b) == state(make_engine(sqlite_url("a")), a)
    again = run_cli("data", "restore", str(backup), env=env_b)  # b now holds someone's work
    assert again.returncode == 1 and "--replace" in again.stderr and "Traceback" not in again.stderr
    assert run_cli("data", "restore", str(backup), "--replace", env=env_b).returncode == 0
    broken = tmp_path / "broken.zip"
    broken.write_bytes(backup.read_bytes()[:5000])
    refused = run_cli("data", "restore", str(broken), "--replace", env=env_b)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr + refused.stdout
    assert "未做任何更改" in refused.stderr and "nothing was changed" in refused.stderr
    unwritable = run_cli("data", "backup", "--out", str(tmp_path / "no" / "b.zip"), env=env_a)
    assert unwritable.returncode == 1 and "Traceback" not in unwritable.stderr


# --- refusals: the database and the uploads as they were ---------------------------------------


def _rezip(backup: Path, out: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    """A copy of ``backup`` with its members changed by ``change`` (the manifest as it was,
    unless ``change`` rewrites it)."""
    with zipfile.ZipFile(backup) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    change(members)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    out.write_bytes(buf.getvalue())
    return out


def _manifest(change: Callable[[dict], None]) -> Callable[[dict[str, bytes]], None]:
    def edit(members: dict[str, bytes]) -> None:
        manifest = json.loads(members[MANIFEST])
        change(manifest)
        members[MANIFEST] = json.dumps(manifest).encode()

    return edit


def _resealed(change: Callable[[dict[str, bytes]], None]) -> Callable[[dict[str, bytes]], None]:
    """Change members, then write their true sizes and checksums into the manifest: a file that
    checks out, whose rows the database itself must refuse."""

    def edit(members: dict[str, bytes]) -> None:
        change(members)
        manifest = json.loads(members[MANIFEST])
        for name, data in members.items():
            if name != MANIFEST:
                want = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                manifest["members"][name] = want
        members[MANIFEST] = json.dumps(manifest).encode()

    return edit


def _append_row(name: str, row: dict[str, object]) -> Callable[[dict[str, bytes]], None]:
    def edit(members: dict[str, bytes]) -> None:
        members[name] += (json.dumps(row) + "\n").encode()

    return edit


def _flip(name: str) -> Callable[[dict[str, bytes]], None]:
    def edit(members: dict[str, bytes]) -> None:
        data = bytearray(members[name])
        data[len(data) // 2] ^= 0x01
        members[name] = bytes(data)

    return edit


def _orphan_figure(members: dict[str, bytes]) -> None:
    """An observation of an indicator that does not exist: only the database can tell."""
    table = "database/observation.jsonl"
    last = json.loads(members[table].splitlines()[-1])
    row = {**last, "id": last["id"] + 1, "indicator_code": "no_such_indicator"}
    members[table] += (json.dumps(row, ensure_ascii=False) + "\n").encode()
    manifest = json.loads(members[MANIFEST])
    manifest["tables"]["observation"]["rows"] += 1
    members[MANIFEST] = json.dumps(manifest).encode()


REFUSALS: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "random bytes": (lambda b, o: _write(o, os.urandom(4096)), "ops.restore_corrupt"),
    "cut short": (
        lambda b, o: _write(o, b.read_bytes()[: b.stat().st_size // 2]),
        "ops.restore_corrupt",
    ),
    "no manifest": (
        lambda b, o: _rezip(b, o, lambda m: m.pop(MANIFEST)),
        "ops.restore_corrupt",
    ),
    "a manifest that is no JSON": (
        lambda b, o: _rezip(b, o, lambda m: m.update({MANIFEST: b"{not json"})),
        "ops.restore_corrupt",
    ),
    "a manifest without sizes": (
        lambda b, o: _rezip(
            b, o, _manifest(lambda m: m.update(members=dict.fromkeys(m["members"], "x")))
        ),
        "ops.restore_corrupt",
    ),
    "a row that is no JSON, resealed": (
        lambda b, o: _rezip(
            b, o, _resealed(lambda m: m.update({"database/app_user.jsonl": b"{oops\n"}))
        ),
        "ops.restore_corrupt",
    ),
    "a row changed": (
        lambda b, o: _rezip(b, o, _flip("database/observation.jsonl")),
        "ops.restore_tampered",
    ),
    "a workbook changed": (
        lambda b, o: _rezip(b, o, _flip(next(n for n in _names(b) if n.endswith(".csv")))),
        "ops.restore_tampered",
    ),
    "a member added": (
        lambda b, o: _rezip(b, o, lambda m: m.update({"uploads/../../evil.sh": b"rm -rf /"})),
        "ops.restore_tampered",
    ),
    "a row added, counts kept": (
        lambda b, o: _rezip(
            b, o, _resealed(_append_row("database/app_user.jsonl", {"id": 99, "name": "x"}))
        ),
        "ops.restore_tampered",
    ),
    "a newer schema": (
        lambda b, o: _rezip(b, o, _manifest(lambda m: m.update(schema_revision="9999"))),
        "ops.restore_newer",
    ),
    "a newer format": (
        lambda b, o: _rezip(b, o, _manifest(lambda m: m.update(format_version=99))),
        "ops.restore_newer",
    ),
    "a column this schema lacks": (
        lambda b, o: _rezip(
            b, o, _manifest(lambda m: m["tables"]["region"]["columns"].append("population"))
        ),
        "ops.restore_schema",
    ),
    "rows the database refuses": (
        lambda b, o: _rezip(b, o, _resealed(_orphan_figure)),
        "ops.restore_failed",
    ),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _names(backup: Path) -> list[str]:
    with zipfile.ZipFile(backup) as zf:
        return zf.namelist()


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Engine, Path]]:
    """A backup of a filled database, and another database holding people's work."""
    folder = tmp_path_factory.mktemp("backups")
    source = fresh(f"sqlite:///{folder / 'source.sqlite3'}")
    filled(source, folder / "source")
    create_backup(source, folder / "source", folder / "backup.zip")
    target = fresh(f"sqlite:///{folder / 'target.sqlite3'}")
    filled(target, folder / "target")
    commit_rows(target, [_figure(2017)], author="t", file_name="t.csv", sha256="a" * 64)
    yield folder / "backup.zip", target, folder / "target"
    source.dispose()
    target.dispose()


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_bad_backup_is_refused_and_changes_nothing(made, tmp_path: Path, case: str) -> None:
    backup, target, instance = made
    damage, key = REFUSALS[case]
    bad = damage(backup, tmp_path / "bad.zip")
    before = state(target, instance)
    with pytest.raises(BackupError) as refused:
        restore_backup(target, instance, bad, replace=True)
    assert refused.value.key == key
    assert state(target, instance) == before
    assert not [p for p in (instance / "uploads").iterdir() if p.name.startswith(".restore-")]


def test_a_database_with_work_in_it_needs_replace(made) -> None:
    backup, target, instance = made
    before = state(target, instance)
    with pytest.raises(BackupError) as refused:
        restore_backup(target, instance, backup, replace=False)
    assert refused.value.key == "ops.restore_not_empty"
    assert state(target, instance) == before
    zf, manifest = read_manifest(backup)
    zf.close()
    restored = restore_backup(target, instance, backup, replace=True)
    assert restored.tables["observation"] == manifest["tables"]["observation"]["rows"]
    assert state(target, instance)[1]["revision"] == manifest["tables"]["revision"]["rows"]
