"""Viewers for ``bench.loadtest``: each opens pages and changes comparisons, as recorded from
a real browser (``LOADTEST_RECORDED``), with 1–3 s of reading between actions."""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

RECORDED: dict[str, list[dict[str, str]]] = json.loads(
    open(os.environ["LOADTEST_RECORDED"], encoding="utf-8").read()
)
PAGES = [p for p in RECORDED if "?" not in p]
COMPARISONS = [p for p in RECORDED if p.startswith("/compare?")]
HEADERS = {"Content-Type": "application/json"}


def _name(call: dict[str, str]) -> str:
    """Requests grouped by kind in the figures: the page, layout, dependencies, a callback."""
    path = call["path"].split("?")[0]
    if path == "/_dash-update-component":
        output = json.loads(call["body"]).get("output", "")
        return f"callback {output[:60]}"
    return "page" if not path.startswith("/_dash") else path


class Viewer(HttpUser):
    wait_time = between(1, 3)

    def _replay(self, path: str, callbacks_only: bool = False) -> None:
        for call in RECORDED[path]:
            if call["method"] == "GET":
                if not callbacks_only:
                    self.client.get(call["path"], name=_name(call))
            else:
                self.client.post(
                    call["path"], data=call["body"].encode(), headers=HEADERS, name=_name(call)
                )

    def on_start(self) -> None:
        self._replay(random.choice(PAGES))

    @task(1)
    def open_page(self) -> None:
        self._replay(random.choice(PAGES))

    @task(3)
    def change_comparison(self) -> None:
        self._replay(random.choice(COMPARISONS), callbacks_only=True)
