"""One kaleido server per process, on the system Chromium, with calls taken one at a time.

Kaleido (≥ 1.0) drives a Chrome through choreographer; here that is Debian's ``chromium``
(``CHROMIUM_PATH``, default ``/usr/bin/chromium``): kaleido's own Chrome download cannot work on an
intranet. Starting Chromium takes a second or two, so the server is started once per process
(``warm()`` does it in the background at start-up) and kept. Concurrent calls to one kaleido
server have been seen to receive each other's images: a lock lets one call in at a time.

Nothing is fetched from outside: plotly.js is the copy inside the plotly package, MathJax is
off, and maps read the app's own base map (``assets/topojson``).
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from settings import ROOT

log = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"
TOPOJSON = (ROOT / "assets" / "topojson").as_uri() + "/"
START_TIMEOUT = 60.0  # seconds for Chromium to come up
RENDER_TIMEOUT = 60.0  # seconds for one image


class ExportUnavailable(RuntimeError):
    """Chromium could not be started or did not answer: the caller says so to the user."""


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH") or CHROMIUM


class _Server:
    """A Kaleido on an event loop of its own thread; ``render`` is called from any thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pid = os.getpid()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: Any = None

    def _start(self) -> None:
        import kaleido

        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="kaleido", daemon=True)
        thread.start()

        async def open_browser() -> Any:
            k = kaleido.Kaleido(n=1, path=chromium_path(), mathjax=False, timeout=RENDER_TIMEOUT)
            await k.open()
            return k

        try:
            self._kaleido = self._wait(loop, open_browser(), START_TIMEOUT)
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            raise ExportUnavailable(f"Chromium did not start: {exc}") from exc
        self._loop = loop

    @staticmethod
    def _wait(loop: asyncio.AbstractEventLoop, coro: Any, timeout: float) -> Any:
        future: Future = asyncio.run_coroutine_threadsafe(coro, loop)
        return future.result(timeout=timeout)

    def render(self, figure: dict, opts: dict[str, Any]) -> bytes:
        with self.lock:
            if self._kaleido is None:
                self._start()
            assert self._loop is not None
            coro = self._kaleido.calc_fig(figure, opts=opts, topojson=TOPOJSON)
            try:
                return self._wait(self._loop, coro, RENDER_TIMEOUT + 5)
            except Exception as exc:
                self._close_locked()  # a browser that failed once is started afresh next time
                raise ExportUnavailable(f"Chromium did not render: {exc}") from exc

    def warm(self) -> None:
        with self.lock:
            if self._kaleido is None:
                self._start()

    def close(self) -> None:
        with self.lock:
            self._close_locked()

    def _close_locked(self) -> None:
        loop, k = self._loop, self._kaleido
        self._loop = self._kaleido = None
        if loop is None:
            return
        try:
            if k is not None:
                self._wait(loop, k.close(), 10)
        except Exception:  # closing a browser that is gone already
            log.debug("kaleido close failed", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)


_server = _Server()


def _after_fork() -> None:
    """A forked child (a background callback) has no kaleido thread and maybe a held lock:
    it gets a server of its own, started when it first renders."""
    global _server
    _server = _Server()


os.register_at_fork(after_in_child=_after_fork)
atexit.register(lambda: _server.close())


def render_image(figure: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
    """``figure`` (a plotly figure dict) as ``fmt`` (png, svg, pdf) bytes."""
    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    return _server.render(figure, opts)


def warm() -> None:
    """Start Chromium now (blocking), so that the first export does not wait for it."""
    _server.warm()


def warm_in_background() -> threading.Thread:
    """``warm()`` in a thread; a failure is logged, and the first export tries again."""

    def run() -> None:
        try:
            warm()
        except ExportUnavailable:
            log.warning("kaleido could not start Chromium at %s", chromium_path(), exc_info=True)

    thread = threading.Thread(target=run, name="kaleido-warm", daemon=True)
    thread.start()
    return thread


def shutdown() -> None:
    """Close this process's Chromium (a background job does so when it is done)."""
    _server.close()


def available() -> bool:
    return Path(chromium_path()).exists()
