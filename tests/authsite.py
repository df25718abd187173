"""A served app with VIEW_REQUIRES_LOGIN=1 and its users, and what a browser sends to it.

Requests can come from other loopback addresses (127.0.0.x), so that the failures one test
makes to reach a rate limit do not lock out the address the other tests sign in from.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import requests
from requests.adapters import HTTPAdapter

from tests.conftest import ROOT, free_port, run_cli

PASSWORDS = {
    "boss": "admin-pass-1234",
    "vic": "viewer-pass-1234",
    "ed": "editor-pass-1234",
    "rl": "ratelimit-pass-1234",
    "gone": "deactivate-pass-1234",
}
ROLES = {"vic": "viewer", "ed": "editor", "rl": "viewer", "gone": "viewer"}
ROUTER = {"_pages_content": "children", "_pages_store": "data"}


class _FromAddress(HTTPAdapter):
    """Connect from another loopback address: the server sees another remote address."""

    def __init__(self, address: str) -> None:
        self._address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["source_address"] = (self._address, 0)
        return super().init_poolmanager(*args, **kwargs)


@dataclass
class Site:
    url: str
    instance: Path
    proc: subprocess.Popen[bytes]
    log: TextIO

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()

    def client(self, address: str = "127.0.0.1") -> requests.Session:
        session = requests.Session()
        if address != "127.0.0.1":
            session.mount("http://", _FromAddress(address))
        return session

    def db(self, sql: str, *params: object) -> list[tuple]:
        with closing(sqlite3.connect(self.instance / "dashboard.sqlite3")) as conn:
            return conn.execute(sql, params).fetchall()

    def audit(self, action: str) -> list[tuple]:
        return self.db(
            "SELECT user_name, detail, remote_addr FROM audit_event WHERE action = ? ORDER BY id",
            action,
        )


def env_for(instance: Path, **extra: str) -> dict[str, str]:
    """The test runner's environment without the settings the tests choose themselves."""
    chosen = ("DATABASE_URL", "SECRET_KEY", "SESSION_COOKIE_SECURE", "SESSION_HOURS")
    env = {k: v for k, v in os.environ.items() if k not in {*chosen, "VIEW_REQUIRES_LOGIN"}}
    return {**env, "INSTANCE_DIR": str(instance), **extra}


def start_site(instance: Path, view_requires_login: bool = True) -> Site:
    """An admin made on the command line, the app served, and the other users made by the admin.

    ``view_requires_login=False``: viewing is open, so that a guest's callbacks reach the app.
    """
    created = run_cli(
        *("users", "create", "boss", "--role", "admin"),
        env={**env_for(instance, NEW_USER_PASSWORD=PASSWORDS["boss"]), "DATABASE_URL": ""},
    )
    assert created.returncode == 0, created.stderr
    port = free_port()
    log = (instance / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=env_for(
            instance, PORT=str(port), VIEW_REQUIRES_LOGIN="1" if view_requires_login else ""
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    site = Site(f"http://127.0.0.1:{port}", instance, proc, log)
    try:
        _wait_and_add_users(site)
    except BaseException:
        site.stop()  # a failed set-up must not leave the server running
        raise
    return site


def _wait_and_add_users(site: Site) -> None:
    deadline = time.time() + 60
    while True:
        if site.proc.poll() is not None:
            raise RuntimeError((site.instance / "server.log").read_text())
        try:
            urllib.request.urlopen(site.url + "/login", timeout=2).read()
            break
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)
    admin = site.client()
    assert login(site, admin, "boss").headers["Location"] == "/"
    for name, role in ROLES.items():
        values = {"admin-new-name.value": name, "admin-new-role.value": role}
        values["admin-new-password.value"] = PASSWORDS[name]
        assert "admin-done" in call(site, admin, "admin-create", values).text


# --- what a browser sends ------------------------------------------------------------------


def render(site: Site, session: requests.Session, path: str, search: str = "") -> str:
    """The pages router's callback, as the browser posts it for ``path``: the layout's JSON."""
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": i, "property": p} for i, p in ROUTER.items()],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        # what the router knows of the page on screen (components.shell): none yet
        "state": [{"id": "shown-frame", "property": "data", "value": None}],
        "changedPropIds": ["_pages_location.pathname", "_pages_location.search"],
    }
    response = session.post(site.url + "/_dash-update-component", json=body)
    assert response.status_code == 200, response.text
    return text(response)


def call(
    site: Site, session: requests.Session, button: str, values: dict[str, object]
) -> requests.Response:
    """Click ``button``: the body built from /_dash-dependencies, as the renderer does."""
    deps = session.get(site.url + "/_dash-dependencies").json()
    cb = next(d for d in deps if any(i["id"] == button for i in d["inputs"]))
    values = {**values, f"{button}.n_clicks": 1}

    def items(specs: list[dict[str, str]]) -> list[dict[str, object]]:
        out = []
        for spec in specs:
            key = f"{spec['id']}.{spec['property']}"
            out.append({**spec, **({"value": values[key]} if key in values else {})})
        return out

    outputs = [o.rsplit(".", 1) for o in cb["output"].strip(".").split("...")]
    body = {
        "output": cb["output"],
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": items(cb["inputs"]),
        "state": items(cb["state"]),
        "changedPropIds": [f"{button}.n_clicks"],
    }
    return session.post(site.url + "/_dash-update-component", json=body)


def token(site: Site, session: requests.Session) -> str:
    """The CSRF token in the login form's hidden field (this session's token)."""

    def walk(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and props.get("name") == "csrf_token":
                yield str(props["value"])
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    tokens = list(walk(json.loads(render(site, session, "/login"))))
    assert tokens, "no CSRF token in the login form"
    return tokens[0]


def login(
    site: Site, session: requests.Session, name: str, password: str | None = None, **form: str
) -> requests.Response:
    data = {
        "csrf_token": token(site, session),
        "name": name,
        "password": PASSWORDS.get(name, "") if password is None else password,
        **form,
    }
    return session.post(site.url + "/auth/login", data=data, allow_redirects=False)


def text(response: requests.Response) -> str:
    """A callback's answer with its Chinese readable."""
    return json.dumps(response.json(), ensure_ascii=False)


def signed_in(site: Site, session: requests.Session) -> bool:
    return session.get(site.url + "/compare", allow_redirects=False).status_code == 200


def users(site: Site) -> dict[str, tuple[str, int]]:
    return {n: (r, a) for n, r, a in site.db("SELECT name, role, active FROM app_user")}
