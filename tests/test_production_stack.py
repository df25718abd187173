"""The production path: ``make serve`` (gunicorn, several workers), with and without Redis.

Without Redis (always): gunicorn's workers on one SQLite file, the shared cache on local disk.
With PostgreSQL and Redis (CI: ``scripts/with-redis.sh scripts/with-postgres.sh``): the same
pages on a fresh PostgreSQL database, the shared cache in Redis, and a background callback
(the briefing pack) run by a Celery worker (``make worker``), as on a production server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.browser
BIN = Path(sys.executable).parent
COMPARE = "/compare?indicator=cell_capacity&regions=370400,350900"


@dataclass
class Stack:
    url: str
    instance: Path
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()

    def log(self, name: str) -> str:
        return (self.instance / f"{name}.log").read_text(errors="replace")


def start_stack(instance: Path, env_extra: dict[str, str], celery: bool = False) -> Stack:
    """gunicorn with two workers as ``make serve`` runs it (and ``make worker`` when asked)."""
    port = free_port()
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "INSTANCE_DIR": str(instance),
        "WEB_CONCURRENCY": "2",
        "WEB_ACCESS_LOG": "/dev/null",
        "PYTHONPATH": str(ROOT),  # as make worker sets it: celery drops the cwd after start
        **env_extra,
    }
    env.pop("DATABASE_URL", None) if "DATABASE_URL" not in env_extra else None
    stack = Stack(f"http://127.0.0.1:{port}", instance)
    commands = {"gunicorn": [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "app:server"]}
    if celery:
        commands["celery"] = [
            str(BIN / "celery"), "-A", "app:celery_app", "worker", "--concurrency", "1",
            "--loglevel", "INFO",
        ]  # fmt: skip
    for name, command in commands.items():
        log = (instance / f"{name}.log").open("wb")
        stack.procs.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        )
    deadline = time.time() + 180
    while time.time() < deadline:
        if stack.procs[0].poll() is not None:
            stack.stop()
            raise RuntimeError(f"gunicorn exited:\n{stack.log('gunicorn')[-3000:]}")
        try:
            urllib.request.urlopen(stack.url + "/", timeout=5).read()
            break
        except OSError:
            time.sleep(0.5)
    else:
        stack.stop()
        raise RuntimeError("gunicorn did not answer within 180 s")
    if celery:
        while time.time() < deadline and " ready." not in stack.log("celery"):
            if stack.procs[1].poll() is not None:
                break
            time.sleep(0.5)
        if " ready." not in stack.log("celery"):
            stack.stop()
            raise RuntimeError(f"the Celery worker is not ready:\n{stack.log('celery')[-3000:]}")
    return stack


def _workers(stack: Stack, want: int = 2) -> set[int]:
    """The pids of gunicorn's workers (children of its master), once ``want`` have booted (the
    first one may answer while the others are still starting)."""
    master = stack.procs[0].pid
    deadline = time.time() + 60
    while True:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True, check=False
        )
        pids = {int(p) for p in out.stdout.split()}
        if len(pids) >= want or time.time() > deadline:
            return pids
        time.sleep(0.5)


def _compare_renders(browser, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    try:
        page.goto(stack.url + COMPARE, wait_until="networkidle")
        page.locator("#compare-line .main-svg").first.wait_for(timeout=30_000)
        assert "枣庄" in page.inner_text("body")
    finally:
        page.close()


@pytest.fixture
def sqlite_stack(tmp_path: Path) -> Iterator[Stack]:
    stack = start_stack(tmp_path, {"EXPORT_WARM": "0"})
    yield stack
    stack.stop()


def test_gunicorn_workers_serve_one_sqlite_database(browser, sqlite_stack: Stack) -> None:  # type: ignore[no-untyped-def]
    """Two workers forked from a preloaded app: every page answers, a comparison renders, and
    its answers land in the cache the workers share on local disk."""
    assert len(_workers(sqlite_stack)) == 2
    for path in ["/", COMPARE, "/map", "/chain", "/projects", "/alliances", "/indicators"]:
        for _ in range(4):  # more requests than workers: both answer
            with urllib.request.urlopen(sqlite_stack.url + path, timeout=30) as response:
                assert response.status == 200, path
    _compare_renders(browser, sqlite_stack)
    shared = sqlite_stack.instance / "cache" / "shared"
    assert any(shared.iterdir()), "no answer in the shared disk cache"
    assert "Traceback" not in sqlite_stack.log("gunicorn")


@pytest.fixture
def redis_stack(tmp_path: Path) -> Iterator[tuple[Stack, str]]:
    pg, redis_url = os.environ.get("TEST_POSTGRES_URL"), os.environ.get("TEST_REDIS_URL")
    if not pg or not redis_url:
        pytest.skip("TEST_POSTGRES_URL and TEST_REDIS_URL not set (.ci/run sets both)")
    name = f"bcd_stack_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    url = make_url(pg).set(database=name).render_as_string(hide_password=False)
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    stack = start_stack(
        tmp_path, {"DATABASE_URL": url, "REDIS_URL": redis_url, "EXPORT_WARM": "0"}, celery=True
    )
    try:
        yield stack, redis_url
    finally:
        stack.stop()
        client.flushdb()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def test_postgres_redis_and_a_celery_worker(browser, redis_stack: tuple[Stack, str]) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL with Redis: pages answer, the shared cache is in Redis, and the briefing
    pack (a background callback) is made by the Celery worker, its progress shown."""
    import redis

    stack, redis_url = redis_stack
    assert len(_workers(stack)) == 2
    for path in ["/", COMPARE, "/map", "/alliances"]:
        with urllib.request.urlopen(stack.url + path, timeout=30) as response:
            assert response.status == 200, path
    _compare_renders(browser, stack)
    keys = redis.Redis.from_url(redis_url).keys("bcd:rev:*")
    assert keys, "no answer in the Redis cache"
    page = browser.new_page()
    try:
        page.goto(stack.url + "/briefing?region=370400", wait_until="networkidle")
        page.click("#briefing-make")
        try:
            page.wait_for_selector("#briefing-download-pptx", timeout=180_000)
        except Exception as exc:
            raise AssertionError(
                stack.log("celery")[-2000:] + stack.log("gunicorn")[-2000:]
            ) from exc
        assert "/export/file/" in (page.get_attribute("#briefing-download-pptx", "href") or "")
    finally:
        page.close()
    assert "Task " in stack.log("celery") and "succeeded" in stack.log("celery")
    assert "Traceback" not in stack.log("gunicorn")
