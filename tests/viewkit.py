"""Helpers for the tests of the views of issue 5 (产业链, 招商项目, 指标说明).

In-process: a Dash app with pages enabled (so that ``pages.*`` modules import) and a walk of a
layout's component tree. In a browser: a page that records every request and console error,
the offline check, the phone-width check and screenshots (``SCREENSHOT_DIR``, default /tmp).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import plotly.graph_objects as go

SHOTS = Path(os.environ.get("SCREENSHOT_DIR") or "/tmp/dashboard-shots")
PHONE = {"width": 390, "height": 844}


def pages_app() -> object:
    """A Dash app that lets ``pages/*.py`` register themselves (no page is imported here)."""
    import dash

    return dash.Dash("tests_views", use_pages=True, pages_folder="")


def walk(component: object) -> Iterator[object]:
    """Every component and string of a layout, depth first."""
    yield component
    children = getattr(component, "children", None)
    if children is None:
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        yield from walk(child)


def texts(component: object) -> str:
    """The layout's visible strings, joined by newlines (figures and grids not included)."""
    return "\n".join(str(c) for c in walk(component) if isinstance(c, str | int | float))


def by_id(component: object, component_id: str) -> object:
    for c in walk(component):
        if getattr(c, "id", None) == component_id:
            return c
    raise KeyError(component_id)


def figure_texts(fig: go.Figure) -> str:
    """Title, subtitle, annotations, axis labels and the texts on bars or cells."""
    layout = fig.layout
    parts = [layout.title.text or "", layout.title.subtitle.text or ""]
    parts += [a.text or "" for a in layout.annotations]
    for trace in fig.data:
        for attr in ("x", "y", "text", "name"):
            value = getattr(trace, attr, None)
            if value is None:
                continue
            if isinstance(value, str):
                parts.append(value)
                continue
            for v in value:
                parts.extend(str(x) for x in (v if isinstance(v, list | tuple) else [v]))
    return "\n".join(parts)


# --- in a browser ----------------------------------------------------------------------------


def open_page(browser, live_server, **context_args) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A page in a fresh context that records its requests and console errors."""
    args = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN", **context_args}
    context = browser.new_context(**args)
    pg = context.new_page()
    pg.requests, pg.console_errors = [], []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    yield pg
    context.close()


def assert_offline_and_clean(page, live_server) -> None:  # type: ignore[no-untyped-def]
    own = urlparse(live_server.url).netloc
    foreign = [
        u
        for u in page.requests
        if urlparse(u).scheme in {"http", "https", "ws", "wss"} and urlparse(u).netloc != own
    ]
    assert not foreign, f"requests left the machine: {foreign}"
    assert not page.console_errors, page.console_errors


def wait_text(page, selector: str, text: str, timeout: int = 30000) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel)?.innerText.includes(text)",
        arg=[selector, text],
        timeout=timeout,
    )


def shot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def phone_width(browser, live_server, path: str, ready: str, name: str) -> int:  # type: ignore[no-untyped-def]
    """Open ``path`` on a 390×844 phone, wait for ``ready``, screenshot; the page's scroll width."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        pg = context.new_page()
        pg.goto(live_server.url + path)
        pg.locator(ready).first.wait_for(timeout=30000)
        pg.wait_for_timeout(800)
        shot(pg, name)
        # .page-root hides horizontal overflow: its own scroll width shows what it hides
        return int(
            pg.evaluate(
                "() => Math.max(document.documentElement.scrollWidth,"
                " document.querySelector('.page-root')?.scrollWidth || 0)"
            )
        )
    finally:
        context.close()
