"""Export benchmark: a warm PNG export, and a six-chart briefing pack.

    .venv/bin/python -m bench.export [--runs 7]

On the shipped dataset (a fresh SQLite store under ``tmp/bench/``), through the same code the
download route and the briefing job run:

- **cold**: the first PNG of a process, Chromium's start included (what the app's warm-up at
  start-up keeps from the first user);
- **warm PNG**: ``/compare?indicator=eol_battery_weight&regions=370400,420100`` as a 16:9 PNG,
  the view resolved and the picture rendered (median of ``--runs``);
- **briefing**: 枣庄市's pack of six charts, resolved, as PPTX and as PDF (each timed).
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass

from settings import ROOT

CACHE = ROOT / "tmp" / "bench" / "export"
URL = "/compare?indicator=eol_battery_weight&regions=370400,420100"
REGION = "370400"


@dataclass
class Result:
    cold_ms: float
    warm_ms: list[float]
    pack_s: float
    pptx_s: float
    pdf_s: float
    charts: int

    def report(self) -> str:
        warm = statistics.median(self.warm_ms)
        return "\n".join(
            [
                f"export: cold PNG (Chromium start included) {self.cold_ms:.0f} ms",
                f"export: warm PNG {warm:.0f} ms (median of {len(self.warm_ms)}, "
                f"min {min(self.warm_ms):.0f} ms)",
                f"export: briefing pack of {self.charts} charts: views {self.pack_s:.2f} s, "
                f"PPTX {self.pptx_s:.2f} s, PDF {self.pdf_s:.2f} s, "
                f"total {self.pack_s + self.pptx_s + self.pdf_s:.2f} s",
            ]
        )


def run(runs: int = 7) -> Result:
    import dash

    from exports import chrome
    from exports.briefing import region_pack
    from exports.registry import RENDERERS
    from exports.views import resolve_one
    from settings import load_settings
    from store import db

    CACHE.mkdir(parents=True, exist_ok=True)
    settings = load_settings(
        {"INSTANCE_DIR": str(CACHE), "DATABASE_URL": f"sqlite:///{CACHE / 'bench.sqlite3'}"}
    )
    engine = db.init(settings)
    dash.Dash("bench_export", use_pages=True, pages_folder="")  # pages.* register on import
    png = RENDERERS["png"]
    chrome.shutdown()
    start = time.perf_counter()
    png.render(resolve_one(URL, engine, settings), size_key="slide")
    cold = (time.perf_counter() - start) * 1000
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        png.render(resolve_one(URL, engine, settings), size_key="slide")
        warm.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    pack = region_pack(engine, REGION, settings=settings)
    pack_s = time.perf_counter() - start
    start = time.perf_counter()
    RENDERERS["pptx"].render(pack)
    pptx_s = time.perf_counter() - start
    start = time.perf_counter()
    RENDERERS["briefing-pdf"].render(pack)
    pdf_s = time.perf_counter() - start
    chrome.shutdown()
    engine.dispose()
    return Result(cold, warm, pack_s, pptx_s, pdf_s, len(pack.views))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    print(run(args.runs).report())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
