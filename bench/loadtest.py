"""Load test: concurrent viewers against ``make serve``, on loopback, bounded in time.

    .venv/bin/python -m bench.loadtest [--users 50] [--seconds 60] [--workers N]

1. Starts the production server (gunicorn with ``gunicorn.conf.py``, as ``make serve`` does) on
   a free loopback port: on a fresh SQLite file under a temporary instance folder, or on
   ``DATABASE_URL`` / ``REDIS_URL`` when they are set.
2. Records what a viewer's browser asks of the app (headless Chromium, once): for each page,
   the page itself, ``/_dash-layout``, ``/_dash-dependencies`` and every callback it posts;
   for 地区对比, the comparison callbacks of several comparisons (indicators, regions,
   measures). Static files (``/assets``, ``/_dash-component-suites``, the maps' boundaries
   ``/geo``) are left out: browsers keep them (Dash fingerprints them for long caching, the
   boundaries' URL holds their digest) and nginx serves the first two in production.
3. Runs locust headless: ``--users`` viewers, each loading pages and changing comparisons with
   1–3 s between actions (a person reading a chart), for ``--seconds``.
4. Prints requests per second, p50/p95/p99 latency and errors, against the target: 50 viewers,
   p95 ≤ 300 ms, no errors.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from settings import ROOT

TARGET_P95_MS = 300
CHROMIUM = "/usr/bin/chromium"
# What a viewer opens: every page of the navbar, and several comparisons.
PAGES = [
    "/",
    "/compare",
    "/map",
    "/chain",
    "/projects",
    "/alliances",
    "/indicators",
]
COMPARISONS = [
    "/compare?indicator=cell_capacity&regions=370400,350900,320400",
    "/compare?indicator=cathode_capacity&regions=370400,320400&measure=per_capita",
    "/compare?indicator=pev_sales&regions=370400,370100,370200&measure=share_province",
    "/compare?indicator=nev_output&regions=370400,370100&measure=yoy",
    "/compare?indicator=cell_capacity&regions=370400,350900&tab=ranking",
    "/compare?indicator=patents_granted&regions=370400,320400,350900&scale=log",
]


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(instance: Path, workers: int | None) -> Server:
    """gunicorn as ``make serve`` runs it, on a free loopback port; waits until it answers."""
    port = free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "INSTANCE_DIR": str(instance)}
    env.setdefault("WEB_ACCESS_LOG", "/dev/null")
    env["EXPORT_WARM"] = "0"  # no Chromium per worker: this test does not export
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    log = instance / "server.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "app:server"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    server = Server(proc, f"http://127.0.0.1:{port}", log)
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(server.url + "/", timeout=5).read()
            return server
        except OSError:
            time.sleep(0.5)
    server.stop()
    raise RuntimeError("the server did not answer within 180 s")


# left out of a recording: kept by the browser (fingerprinted or digest-versioned URLs)
STATIC = ("/assets/", "/_dash-component-suites/", "/_favicon", "/geo/")


def record(url: str) -> dict[str, list[dict[str, object]]]:
    """What a browser asks of the app for each page and comparison (static files left out)."""
    from playwright.sync_api import sync_playwright

    recorded: dict[str, list[dict[str, object]]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for path in [*PAGES, *COMPARISONS]:
            page = browser.new_page()
            calls: list[dict[str, object]] = []

            def keep(request, calls=calls) -> None:  # type: ignore[no-untyped-def]
                if not request.url.startswith(url):
                    return
                target = request.url[len(url) :]
                if target.startswith(STATIC):
                    return
                if request.method == "POST" and not target.startswith("/_dash-update-component"):
                    return
                calls.append(
                    {"method": request.method, "path": target, "body": request.post_data or ""}
                )

            page.on("request", keep)
            page.goto(url + path, wait_until="networkidle")
            page.wait_for_timeout(500)
            recorded[path] = calls
            page.close()
        browser.close()
    return recorded


def run_locust(
    url: str, recorded: Path, users: int, seconds: int, folder: Path
) -> dict[str, float]:
    """locust headless, bounded in time; the aggregated figures of its CSV."""
    prefix = folder / "locust"
    locust = Path(sys.executable).with_name("locust")
    env = {**os.environ, "LOADTEST_RECORDED": str(recorded)}
    subprocess.run(
        [
            str(locust),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--host",
            url,
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 5)),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        timeout=seconds + 120,
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        rows = {row["Name"]: row for row in csv.DictReader(fh)}
    total = rows["Aggregated"]
    return {
        "requests": float(total["Request Count"]),
        "failures": float(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
        **{
            f"p95 {name}": float(row["95%"])
            for name, row in rows.items()
            if name != "Aggregated" and row["Request Count"] not in ("", "0")
        },
    }


def report(figures: dict[str, float], users: int, seconds: int, workers: str) -> str:
    verdict = "PASS" if figures["p95"] <= TARGET_P95_MS and figures["failures"] == 0 else "MISS"
    by_kind = " | ".join(f"{k} {v:.0f} ms" for k, v in figures.items() if k.startswith("p95 "))
    return (
        f"loadtest: {users} viewers for {seconds} s, gunicorn {workers} | "
        f"{figures['requests']:.0f} requests, {figures['rps']:.1f} req/s | "
        f"p50 {figures['p50']:.0f} ms, p95 {figures['p95']:.0f} ms, p99 {figures['p99']:.0f} ms | "
        f"errors {figures['failures']:.0f} | "
        f"target p95 ≤ {TARGET_P95_MS} ms, no errors: {verdict}\n"
        f"  p95 by request: {by_kind}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bcd-loadtest-"))
    server = None
    try:
        print("starting gunicorn (make serve) …", flush=True)
        server = start_server(folder, args.workers)
        print(f"recording a viewer's requests with Chromium at {server.url} …", flush=True)
        recorded = folder / "recorded.json"
        recorded.write_text(json.dumps(record(server.url), ensure_ascii=False))
        print(f"{args.users} viewers for {args.seconds} s …", flush=True)
        figures = run_locust(server.url, recorded, args.users, args.seconds, folder)
        workers = str(args.workers or os.environ.get("WEB_CONCURRENCY") or "default workers")
        print(report(figures, args.users, args.seconds, workers))
        return 0
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
