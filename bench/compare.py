"""Comparison benchmark: the 地区对比 view over a store of a million figures.

    .venv/bin/python -m bench.compare [--regions 3000] [--indicators 30] [--years 12] [--runs 9]

A SQLite store is filled once with synthetic figures (real region and indicator codes, the
shipped schema) and cached in ``tmp/bench/``. Then, for one view (four cities' battery cell
capacity per 万人) and each of its tabs, measured in the same run, interleaved (view, SQL,
view, SQL, …), medians:

- **view**: the page's callback as Dash serves it: a POST to ``/_dash-update-component`` with
  the view's URL, so the router calls ``pages.compare.layout`` and Dash turns the answer into
  the JSON the browser gets;
- **SQL**: the statements with the figures that tab needs, on the driver's cursor (fetchall):
  ``line`` (``bar`` and ``table`` need the same): the four cities' series and population;
  ``rank``: also every city's figure of the last year and their population (the aggregate);
  ``map``: also every prefecture's figure of the last year, their names and population.

Same query work on both sides: in the timed views the aggregate (ranking, map figures) is read
again every time, past its per-revision cache, as on the first view of it after a commit. The
controls' lists (indicators with data, year bounds, region names) stay cached, as on any
running server: they do not depend on the view, and the SQL side reads none of them.

It prints per tab the medians, their ratio (target ≤ 1.5), the view with its aggregate cached
(``warm``: what a second reader of the same ranking or map waits for), and, as a check on the
SQL side, how many statements the view itself sent and how long they take on the cursor.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

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
TABS = ("line", "rank", "map")


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
        # the view's cities always (the default 3 000 regions hold them already)
        regions = sorted({*regions, *VIEW["regions"].split(",")})
        others = conn.execute(
            text(
                "SELECT code FROM indicator WHERE code NOT IN "
                "('resident_population', 'land_area') ORDER BY code"
            )
        )
        chosen = {*[r[0] for r in others][: n_indicators - 1], VIEW["indicator"]}
        indicators = [*sorted(chosen), "resident_population"]  # the default 30 hold it already
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


def store_path(n_regions: int, n_indicators: int, n_years: int, folder: Path = CACHE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"compare-{n_regions}x{n_indicators}x{n_years}-v{GENERATOR_VERSION}.sqlite3"
    if not path.exists():
        build_store(path, n_regions, n_indicators, n_years)
    return path


LIVE = "o.rev_to IS NULL"
SERIES = (  # a region's figures with their sources and names (store.queries_compare.series)
    "SELECT o.entity_code, o.year, o.period, o.value, o.qualifier, o.status, "
    "o.value_as_written, s.title_zh, s.title_en, r.name_zh, r.name_en FROM observation o "
    "JOIN source s ON s.id = o.source_id LEFT JOIN region r ON r.code = o.entity_code "
    "WHERE o.entity_type = 'region' AND o.indicator_code = ? AND o.entity_code IN ({codes}) "
    f"AND o.year IS NOT NULL{{years}} AND {LIVE}"
)
PEERS = (  # every region of a level with a figure in a year (store.queries_compare.peers)
    "SELECT o.entity_code, r.name_zh, r.name_en, o.year, o.period, o.value, o.qualifier, "
    "o.status FROM observation o JOIN region r ON r.code = o.entity_code WHERE "
    f"o.indicator_code = ? AND o.year = ? AND o.entity_type = 'region' AND r.level = ? AND {LIVE}"
)
MAP = (  # every map region's figure of a year (store.queries_map.map_values)
    "SELECT o.entity_code, o.period, o.value, o.qualifier, o.status, o.value_as_written, "
    "s.key, s.title_zh, s.title_en FROM observation o JOIN source s ON s.id = o.source_id WHERE "
    "o.entity_type = 'region' AND o.entity_code IN ({codes}) AND o.indicator_code = ? "
    f"AND o.year >= ? AND o.year <= ? AND {LIVE}"
)
NAMES = "SELECT code, name_zh, name_en FROM region WHERE code IN ({codes})"
DENOMINATORS = (  # every year's population of regions (store.queries_compare.denominators)
    "SELECT o.entity_code, o.year, o.period, o.value, o.qualifier, s.title_zh, s.title_en "
    "FROM observation o JOIN source s ON s.id = o.source_id WHERE o.entity_type = 'region' "
    f"AND o.entity_code IN ({{codes}}) AND o.indicator_code = ? AND o.year IS NOT NULL AND {LIVE}"
)


def _marks(values: list[object]) -> str:
    return ", ".join("?" * len(values))


def _series(cur, indicator: str, codes: list[str], years: tuple[int, int] | None = None) -> list:  # type: ignore[no-untyped-def]
    where = " AND o.year >= ? AND o.year <= ?" if years else ""
    sql = SERIES.format(codes=_marks(codes), years=where)
    return cur.execute(sql, [indicator, *codes, *(years or ())]).fetchall()


def _population(cur, codes: list[str]) -> list:  # type: ignore[no-untyped-def]
    sql = DENOMINATORS.format(codes=_marks(codes))
    return cur.execute(sql, [*codes, "resident_population"]).fetchall()


def bare_sql(engine, tab: str, years: tuple[int, int]) -> float:  # type: ignore[no-untyped-def]
    """The statements with the figures ``tab`` needs, on the driver's cursor; seconds."""
    regions = VIEW["regions"].split(",")
    indicator, last = VIEW["indicator"], years[1]
    start = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        assert _series(cur, indicator, regions, years), "no series in the benchmark store"
        _population(cur, regions)
        if tab == "rank":
            peers = cur.execute(PEERS, [indicator, last, "city"]).fetchall()
            _population(cur, sorted({p[0] for p in peers}))
        elif tab == "map":
            from store.queries_map import level_codes

            codes = level_codes("city")
            found = cur.execute(
                MAP.format(codes=_marks(codes)), [*codes, indicator, last, last]
            ).fetchall()
            cur.execute(NAMES.format(codes=_marks(codes)), codes).fetchall()
            _population(cur, sorted({f[0] for f in found}))
    finally:
        raw.close()
    return time.perf_counter() - start


@contextmanager
def aggregate_uncached() -> Iterator[None]:
    """The ranking and the map figures read again on every call, past their per-revision
    cache (in this process and in any cache the workers share), as after a commit."""
    from store import queries_compare

    names = ("_ranking", "_map_measure")
    kept = {n: getattr(queries_compare, n) for n in names}
    try:
        for name, cached in kept.items():
            setattr(queries_compare, name, cached.__wrapped__)
        yield
    finally:
        for name, cached in kept.items():
            setattr(queries_compare, name, cached)


@contextmanager
def statements_sent(engine) -> Iterator[list[tuple[str, object]]]:  # type: ignore[no-untyped-def]
    """Every statement (and its parameters) the engine sends meanwhile."""
    from sqlalchemy import event

    sent: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def replay(engine, sent: list[tuple[str, object]]) -> float:  # type: ignore[no-untyped-def]
    """``sent`` again on the driver's cursor (fetchall); seconds."""
    start = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for statement, parameters in sent:
            cur.execute(statement, parameters).fetchall()
    finally:
        raw.close()
    return time.perf_counter() - start


@dataclass
class TabTimes:
    view: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    sent: list[tuple[str, object]] = field(default_factory=list)
    replayed: list[float] = field(default_factory=list)

    def line(self, tab: str) -> str:
        view, sql = statistics.median(self.view), statistics.median(self.sql)
        verdict = "PASS" if view / sql <= TARGET else "MISS"
        return (
            f"  {tab:<5} view {view * 1000:6.1f} ms | bare SQL {sql * 1000:5.1f} ms | "
            f"ratio {view / sql:5.2f} (target ≤ {TARGET}) {verdict} | warm "
            f"{statistics.median(self.warm) * 1000:5.1f} ms | the view sent {len(self.sent)} "
            f"statements: {statistics.median(self.replayed) * 1000:.1f} ms on the cursor"
        )


def callback(client, tab: str) -> Callable[[], float]:  # type: ignore[no-untyped-def]
    """The router's callback for the view's URL with ``tab``, as the browser asks for it."""
    query = urlencode({**VIEW, "tab": tab})
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": "/compare"},
            {"id": "_pages_location", "property": "search", "value": f"?{query}"},
        ],
        "changedPropIds": ["_pages_location.search"],
        "state": [],
    }
    wanted = {"line": "compare-line", "rank": "compare-ranking", "map": "compare-map"}[tab]

    def call() -> float:
        start = time.perf_counter()
        response = client.post("/_dash-update-component", json=body)
        elapsed = time.perf_counter() - start
        text = response.get_data(as_text=True)
        # the view itself, never an error shown in its place
        assert response.status_code == 200 and wanted in text, response.status_code
        assert "error-alert" not in text, text[:500]
        return elapsed

    return call


def run(n_regions: int, n_indicators: int, n_years: int, runs: int, folder: Path = CACHE) -> str:
    from app import create_app
    from settings import load_settings
    from store.db import get_engine

    path = store_path(n_regions, n_indicators, n_years, folder)
    settings = load_settings(
        {"DATABASE_URL": f"sqlite:///{path}", "INSTANCE_DIR": str(folder / "instance")}
    )
    app = create_app(settings)  # registers the pages, as `make run` does
    engine = get_engine()
    with engine.connect() as conn:
        count = conn.exec_driver_sql("SELECT count(*) FROM observation").scalar()
    client = app.server.test_client()
    client.get("/compare")  # the first request sets up the router
    years = (FIRST_YEAR, FIRST_YEAR + n_years - 1)
    times = {tab: TabTimes() for tab in TABS}
    calls = {tab: callback(client, tab) for tab in TABS}
    for tab in TABS:  # warm what a process keeps (statements, boundaries, the controls' lists)
        calls[tab]()
        with aggregate_uncached(), statements_sent(engine) as sent:
            calls[tab]()
        times[tab].sent = list(sent)
    for _ in range(runs):
        for tab in TABS:
            with aggregate_uncached():
                times[tab].view.append(calls[tab]())
            times[tab].sql.append(bare_sql(engine, tab, years))
            times[tab].warm.append(calls[tab]())
            times[tab].replayed.append(replay(engine, times[tab].sent))
    lines = [f"compare: {count:,} observations | medians of {runs} interleaved runs"]
    lines += [times[tab].line(tab) for tab in TABS]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=3000)
    parser.add_argument("--indicators", type=int, default=30)
    parser.add_argument("--years", type=int, default=12)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--folder", type=Path, default=CACHE, help="where the store is cached")
    args = parser.parse_args(argv)
    print(run(args.regions, args.indicators, args.years, args.runs, args.folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
