"""A server killed (SIGKILL) in the middle of a large commit loses nothing and adds nothing:
after a restart the database holds exactly the previous revision."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.authsite import Site, env_for, start_site
from tests.conftest import ROOT, free_port
from tests.datasite import check_as, csv_bytes, post, session_of, snapshot

ROWS = 150_000  # enough for the commit to take well over the time the test needs to notice it
YEARS = range(1900, 1930)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    s = start_site(tmp_path_factory.mktemp("crash"))
    yield s
    s.stop()


def _big_upload() -> bytes:
    regions = [
        line.split(",")[0]
        for line in (ROOT / "data/shipped/regions.csv").read_text(encoding="utf-8").splitlines()[1:]
    ]
    indicators = [
        "cathode_capacity",
        "anode_capacity",
        "cell_capacity",
        "enterprises",
        "patents_granted",
        "innovation_platforms",
    ]
    rows = []
    for code in regions:
        for indicator in indicators:
            for year in YEARS:
                rows.append([code, indicator, str(year), str(len(rows) % 997 + 1), "", "", "压测"])
                if len(rows) == ROWS:
                    return csv_bytes(*rows)
    return csv_bytes(*rows)


def _restart(site: Site) -> Site:
    """The same instance folder served again, as an operator would restart it."""
    port = free_port()
    log = (site.instance / "server-restarted.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env_for(site.instance, PORT=str(port), VIEW_REQUIRES_LOGIN="1"),
    )
    again = Site(f"http://127.0.0.1:{port}", site.instance, proc, log)
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(again.url + "/login", timeout=2).read()
            return again
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                again.stop()
                raise
            time.sleep(0.2)


def test_sigkill_during_a_large_commit_keeps_the_previous_revision(site: Site, tmp_path: Path):
    editor = session_of(site, "ed")
    prepared = check_as(site, editor, _big_upload(), "big.csv")
    before = snapshot(site, tmp_path)
    wal = site.instance / "dashboard.sqlite3-wal"
    start_size = wal.stat().st_size if wal.exists() else 0

    def commit() -> None:
        try:
            post(site, editor, "data-commit.n_clicks", {"data-prepared.data": prepared}, timeout=60)
        except Exception:  # noqa: BLE001 - the connection dies with the server, as expected
            pass

    worker = threading.Thread(target=commit, daemon=True)
    worker.start()
    deadline = time.time() + 60
    # the commit is under way once the write-ahead log grows by a few MB
    while (wal.stat().st_size if wal.exists() else 0) < start_size + 4_000_000:
        assert time.time() < deadline, "the commit never started writing"
        assert worker.is_alive(), "the commit finished before the server could be killed"
        time.sleep(0.01)
    os.kill(site.proc.pid, signal.SIGKILL)
    site.proc.wait(10)
    worker.join(10)

    again = _restart(site)
    try:
        assert snapshot(again, tmp_path) == before
        (revisions, _) = before
        assert site.db("SELECT max(id) FROM revision")[0][0] == revisions[-1][0]
    finally:
        again.stop()
