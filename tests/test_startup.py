"""Bad start-up conditions give a clear message in both languages, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, free_port


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_unreachable_database() -> None:
    port = free_port()
    proc = _start({"DATABASE_URL": f"postgresql+psycopg://u:secret@127.0.0.1:{port}/none"})
    assert proc.returncode != 0
    assert "无法连接数据库" in proc.stderr and "Cannot connect to the database" in proc.stderr
    assert "secret" not in proc.stderr, "the password must not be printed"
    assert "Traceback" not in proc.stderr


def test_malformed_database_url() -> None:
    proc = _start({"DATABASE_URL": "nosuchdb://whatever"})
    assert proc.returncode != 0
    assert "DATABASE_URL" in proc.stderr and "Traceback" not in proc.stderr


def test_unwritable_instance_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    env = {"INSTANCE_DIR": str(blocker / "instance")}
    proc = _start({**env, "DATABASE_URL": ""})
    assert proc.returncode != 0
    assert "无法在文件夹" in proc.stderr and "INSTANCE_DIR" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        proc = _start({"PORT": str(port), "INSTANCE_DIR": str(tmp_path), "DATABASE_URL": ""})
    assert proc.returncode != 0
    assert f"端口 {port} 已被占用" in proc.stderr and "already in use" in proc.stderr
    assert "Traceback" not in proc.stderr
