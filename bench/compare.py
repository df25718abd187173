"""Comparison benchmark: the 地区对比 view over a store of a million figures.

    .venv/bin/python -m bench.compare [--regions 3000] [--indicators 30] [--years 12] [--runs 7]

A SQLite store is filled once with synthetic figures (real region and indicator codes, the
shipped schema) and cached in ``tmp/bench/``. Then, measured in the same run:

- **view**: ``pages.compare.compare_view`` — what the page's callback does when the URL changes
  (queries, normalisation, ranking, charts and tables), for four cities, per 万人;
- **SQL**: the bare statements that view needs (the series, the population, every city's
  figure of the year for the ranking and their population), run on the driver's cursor.

It prints the median of each and their ratio (target ≤ 1.5), and the warm view's median in ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from settings import ROOT

CACHE = ROOT / "tmp" / "bench"
TARGET = 1.5
GENERATOR_VERSION = 1
FIRST_YEAR = 2013
VIEW = {
    "indicator": "cell_capacity",
    "regions": "370400,320400,420100,440300",
    "measure": "per_capita",
}


def build_store(path: Path, n_regions: int, n_indicators: int, n_years: int) -> None:
    """Schema + shipped dataset, then n_regions × n_indicators × n_years synthetic figures."""
    from sqlalchemy import text

    from store.db import make_engine, migrate
    from store.shipped import load_shipped_if_empty

    tmp = path.with_suffix(".part")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{tmp}")
    migrate(engine)
    load_shipped_if_empty(engine)
    rng = random.Random(7)
    with engine.begin() as conn:
        regions = [
            r[0]
            for r in conn.execute(
                text("SELECT code FROM region WHERE level IN ('city', 'county') ORDER BY code")
            )
        ][:n_regions]
        others = conn.execute(
            text(
                "SELECT code FROM indicator WHERE code NOT IN "
                "('resident_population', 'land_area') ORDER BY code"
            )
        )
        indicators = [*[r[0] for r in others][: n_indicators - 1], "resident_population"]
        source = conn.execute(text("SELECT id FROM source ORDER BY id LIMIT 1")).scalar()
        rev = conn.execute(
            text(
                "INSERT INTO revision (author, created_at, kind, file_name, file_sha256, added, "
                "changed, removed, status, note) VALUES ('bench', CURRENT_TIMESTAMP, 'import', "
                "'synthetic', '', 0, 0, 0, 'committed', '') RETURNING id"
            )
        ).scalar()
        rows = []
        for code in regions:
            for ind in indicators:
                base = rng.uniform(1e3, 1e7)
                for y in range(FIRST_YEAR, FIRST_YEAR + n_years):
                    value = round(base * (1.08 ** (y - FIRST_YEAR)), 2)
                    rows.append(
                        (
                            code,
                            ind,
                            str(y),
                            y,
                            value,
                            "exact" if rng.random() > 0.05 else "at_least",
                        )
                    )
        conn.exec_driver_sql(
            "INSERT INTO observation (entity_type, entity_code, indicator_code, period, "
            "period_kind, year, value, qualifier, value_as_written, source_id, sentence, "
            f"status, note, rev_from) VALUES ('region', ?, ?, ?, 'year', ?, ?, ?, '', {source}, "
            f"'', 'reported', '', {rev})",
            rows,
        )
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    tmp.replace(path)


def store_path(n_regions: int, n_indicators: int, n_years: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"compare-{n_regions}x{n_indicators}x{n_years}-v{GENERATOR_VERSION}.sqlite3"
    if not path.exists():
        build_store(path, n_regions, n_indicators, n_years)
    return path


def bare_sql(engine, year_from: int, year_to: int) -> float:  # type: ignore[no-untyped-def]
    """The statements the view needs, on the driver's cursor; returns seconds."""
    regions = VIEW["regions"].split(",")
    marks = ", ".join("?" * len(regions))
    live = "rev_to IS NULL"
    start = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        series = cur.execute(
            f"SELECT o.entity_code, o.year, o.period, o.value, o.qualifier, s.title_zh "
            f"FROM observation o JOIN source s ON s.id = o.source_id "
            f"WHERE o.indicator_code = ? AND o.entity_type = 'region' AND o.entity_code IN "
            f"({marks}) AND o.year BETWEEN ? AND ? AND {live}",
            [VIEW["indicator"], *regions, year_from, year_to],
        ).fetchall()
        assert series, "no series in the benchmark store"
        cur.execute(
            f"SELECT entity_code, year, value, qualifier FROM observation WHERE indicator_code "
            f"= 'resident_population' AND entity_type = 'region' AND entity_code IN ({marks}) "
            f"AND {live}",
            regions,
        ).fetchall()
        peers = cur.execute(
            f"SELECT o.entity_code, o.value, o.qualifier FROM observation o JOIN region r ON "
            f"r.code = o.entity_code WHERE o.indicator_code = ? AND o.year = ? AND r.level = "
            f"'city' AND o.entity_type = 'region' AND {live}",
            [VIEW["indicator"], year_to],
        ).fetchall()
        codes = [p[0] for p in peers]
        cur.execute(
            f"SELECT entity_code, year, value FROM observation WHERE indicator_code = "
            f"'resident_population' AND entity_type = 'region' AND entity_code IN "
            f"({', '.join('?' * len(codes))}) AND {live}",
            codes,
        ).fetchall()
    finally:
        raw.close()
    return time.perf_counter() - start


def run(n_regions: int, n_indicators: int, n_years: int, runs: int) -> str:
    from app import create_app
    from settings import load_settings
    from store.db import get_engine

    path = store_path(n_regions, n_indicators, n_years)
    settings = load_settings(
        {"DATABASE_URL": f"sqlite:///{path}", "INSTANCE_DIR": str(CACHE / "instance")}
    )
    app = create_app(settings)  # registers the pages, as `make run` does
    engine = get_engine()
    from pages.compare import layout as compare_view

    with engine.connect() as conn:
        count = conn.exec_driver_sql("SELECT count(*) FROM observation").scalar()
    year_to = FIRST_YEAR + n_years - 1
    with app.server.test_request_context("/compare"):
        return _measure(engine, compare_view, count, year_to, runs)


def _measure(engine, compare_view, count: int, year_to: int, runs: int) -> str:  # type: ignore[no-untyped-def]
    compare_view(**VIEW)  # the first call warms what a process keeps (regions, statements)
    views, sqls = [], []
    for _ in range(runs):
        start = time.perf_counter()
        compare_view(**VIEW)
        views.append(time.perf_counter() - start)
        sqls.append(bare_sql(engine, FIRST_YEAR, year_to))
    view, sql = statistics.median(views), statistics.median(sqls)
    verdict = "PASS" if view / sql <= TARGET else "MISS"
    return (
        f"compare: {count:,} observations | view {view * 1000:.1f} ms (warm median of {runs}) | "
        f"bare SQL {sql * 1000:.1f} ms | ratio {view / sql:.2f} (target ≤ {TARGET}) {verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=3000)
    parser.add_argument("--indicators", type=int, default=30)
    parser.add_argument("--years", type=int, default=12)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    print(run(args.regions, args.indicators, args.years, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
