"""Comparison benchmark: the 地区对比 view over a store of a million figures.

    .venv/bin/python -m bench.compare [--regions 3000] [--indicators 30] [--years 12] [--runs 9]

A SQLite store is filled once with synthetic figures (real region and indicator codes, the
shipped schema) and cached in ``tmp/bench/``. Then, for one view (four cities' battery cell
capacity per 万人) and each of its tabs, measured in the same run, interleaved (view, SQL,
view, SQL, …), medians:

- **view**: what the browser asks for when the page on screen switches to the view (a control,
  a tab, a click on the map, back or forward change the URL's query): two POSTs to
  ``/_dash-update-component``, the router's (``pages.compare.layout`` answers that the page is
  on screen already) and the page's own for its results (``pages.compare.show_view``), as
  Dash serves them, JSON included;
- **SQL aggregate**: what the tab shows, worked out by the database alone on the driver's
  cursor (fetchall), the baseline the target is measured against: the four cities' series per
  万人 (each figure over the population of the nearest year) and, for ``rank``, every city's
  figure per 万人 ranked (the top ten and the four kept), for ``map``, every prefecture's. The
  benchmark checks first that these statements give the view's own ranks and figures;
- **rows read**: the plain statements that only read the rows the view needs, on the cursor:
  ``line`` (``bar`` and ``table`` need the same): the four cities' series and population;
  ``rank``: also every city's figure of the last year and their population of that year
  (every year's for those without one); ``map``: also every prefecture's figure of the last
  year, their names and population, read the same way.
  No SQL can do the work in less: the ratio to it is printed beside the target's.

Same query work on both sides: in the timed views the aggregate (ranking, map figures) is read
again every time, past its per-revision cache, as on the first view of it after a commit. The
controls' lists (indicators with data, year bounds, region names) stay cached, as on any
running server: they do not depend on the view, and the SQL side reads none of them.

It prints per tab the medians, the ratio of the view to the SQL aggregate (target ≤ 1.5) and
to the rows read, the view answered from its per-revision cache (``warm``: what a second
reader of the same view waits for), and, as a check on the SQL side, how many statements the view
itself sent and how long they take on the cursor. Last, Dash's floor: the router's answer
alone (``no_update``), the least any callback costs here.
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


def _population(cur, codes: list[str], year: int | None = None) -> list:  # type: ignore[no-untyped-def]
    """Every year's population of ``codes``; with ``year``, that year's, and every year's of
    the regions without one (what ``store.queries_compare.denominator_rows`` reads)."""
    sql = DENOMINATORS.format(codes=_marks(codes))
    if year is None:
        return cur.execute(sql, [*codes, "resident_population"]).fetchall()
    rows = cur.execute(sql + " AND o.year = ?", [*codes, "resident_population", year]).fetchall()
    found = {r[0] for r in rows}
    rest = [c for c in codes if c not in found]
    return rows + (_population(cur, rest) if rest else [])


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
            _population(cur, sorted({p[0] for p in peers}), last)
        elif tab == "map":
            from store.queries_map import level_codes

            codes = level_codes("city")
            found = cur.execute(
                MAP.format(codes=_marks(codes)), [*codes, indicator, last, last]
            ).fetchall()
            cur.execute(NAMES.format(codes=_marks(codes)), codes).fetchall()
            _population(cur, sorted({f[0] for f in found}), last)
    finally:
        raw.close()
    return time.perf_counter() - start


# The same figures worked out by the database alone: SQL aggregates that compute what each tab
# shows (per 万人 with each region's population of the nearest year, the earlier one on a tie;
# every city ranked, the top ten and the chosen ones kept; every prefecture of the map), with
# names, qualifiers and sources. One figure per region and year, the latest period within it
# (``LATEST``: a whole year after its months, the periods the benchmark's store holds).
LATEST = "ROW_NUMBER() OVER (PARTITION BY {t}.entity_code, {t}.year ORDER BY {order}) AS latest"
PERIODS = "length({t}.period) = 4 DESC, {t}.period DESC"
# Each figure's population is one row, found by a correlated subquery on the region's index
# (the nearest year first): faster than numbering every population figure of the regions
# (ROW_NUMBER over a join) by about a third on the ranking and four times on the line.
NEAREST = (  # {figures}: a table of (code, year) → the population of the nearest year
    "SELECT f.code, f.year, p.value AS den, p.year AS den_year FROM {figures} f "
    "LEFT JOIN observation p ON p.id = (SELECT q.id FROM observation q, (SELECT f.year AS fy) "
    "WHERE q.entity_type = 'region' AND q.entity_code = f.code AND "
    "q.indicator_code = 'resident_population' AND q.year IS NOT NULL AND q.rev_to IS NULL "
    f"ORDER BY abs(q.year - fy), q.year, {PERIODS.format(t='q')} LIMIT 1)"
)
SERIES_AGG = (
    "WITH f0 AS (SELECT o.entity_code AS code, o.year, o.period, o.value, o.qualifier, "
    f"{LATEST.format(t='o', order=PERIODS.format(t='o'))}, "
    "s.title_zh, s.title_en, r.name_zh, r.name_en FROM observation o "
    "JOIN source s ON s.id = o.source_id LEFT JOIN region r ON r.code = o.entity_code "
    "WHERE o.entity_type = 'region' AND o.indicator_code = ? AND o.entity_code IN ({codes}) "
    f"AND o.year >= ? AND o.year <= ? AND {LIVE}), f AS (SELECT * FROM f0 WHERE latest = 1), "
    f"d AS ({NEAREST.format(figures='f')}) "
    "SELECT f.*, f.value / (d.den / 10000.0) AS measure, d.den_year FROM f "
    "LEFT JOIN d ON d.code = f.code AND d.year = f.year ORDER BY f.code, f.year"
)
RANK_AGG = (
    "WITH f0 AS (SELECT o.entity_code AS code, o.year, o.value, o.qualifier, r.name_zh, "
    f"{LATEST.format(t='o', order=PERIODS.format(t='o'))}, "
    "r.name_en FROM observation o JOIN region r ON r.code = o.entity_code WHERE "
    "o.indicator_code = ? AND o.year = ? AND o.entity_type = 'region' AND r.level = ? AND "
    f"{LIVE}), f AS (SELECT * FROM f0 WHERE latest = 1), "
    f"d AS ({NEAREST.format(figures='f')}), m AS (SELECT f.*, "
    "f.value / (d.den / 10000.0) AS measure FROM f JOIN d ON d.code = f.code "
    "WHERE d.den > 0), ranked AS (SELECT m.*, RANK() OVER (ORDER BY measure DESC) AS rank, "
    "COUNT(*) OVER () AS n FROM m) "
    "SELECT * FROM ranked WHERE rank <= 10 OR code IN ({codes}) ORDER BY rank, code"
)
MAP_AGG = (
    "WITH f0 AS (SELECT o.entity_code AS code, o.year, o.period, o.value, o.qualifier, "
    f"{LATEST.format(t='o', order=PERIODS.format(t='o'))}, "
    "o.value_as_written, s.key, s.title_zh, s.title_en FROM observation o "
    "JOIN source s ON s.id = o.source_id WHERE o.entity_type = 'region' AND "
    "o.entity_code IN ({codes}) AND o.indicator_code = ? AND o.year = ? AND "
    f"{LIVE}), f AS (SELECT * FROM f0 WHERE latest = 1), d AS ({NEAREST.format(figures='f')}) "
    "SELECT r.code, r.name_zh, r.name_en, f.value, f.qualifier, f.title_zh, "
    "f.value / (d.den / 10000.0) AS measure, d.den_year FROM region r "
    "LEFT JOIN f ON f.code = r.code LEFT JOIN d ON d.code = r.code "
    "WHERE r.code IN ({codes})"
)


def sql_aggregate(engine, tab: str, years: tuple[int, int]) -> tuple[float, list]:  # type: ignore[no-untyped-def]
    """What ``tab`` shows, worked out in SQL alone on the driver's cursor (fetchall): the
    chosen regions' series per 万人 and, for ``rank`` and ``map``, the aggregate over every
    city or prefecture. Seconds, and the aggregate's rows (to check it against the view's)."""
    regions = VIEW["regions"].split(",")
    indicator, last = VIEW["indicator"], years[1]
    start = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        sql = SERIES_AGG.format(codes=_marks(regions))
        rows = cur.execute(sql, [indicator, *regions, *years]).fetchall()
        assert rows, "no series in the benchmark store"
        if tab == "rank":
            sql = RANK_AGG.format(codes=_marks(regions))
            rows = cur.execute(sql, [indicator, last, "city", *regions]).fetchall()
        elif tab == "map":
            from store.queries_map import level_codes

            codes = level_codes("city")
            sql = MAP_AGG.format(codes=_marks(codes))
            rows = cur.execute(sql, [*codes, indicator, last, *codes]).fetchall()
    finally:
        raw.close()
    return time.perf_counter() - start, rows


def check_aggregates(engine, years: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """The SQL aggregates compute what the view shows: the same ranking, the same map."""
    from store import queries_compare

    last = years[1]
    _, rows = sql_aggregate(engine, "rank", years)
    ranked = queries_compare._ranking.__wrapped__(
        engine, VIEW["indicator"], VIEW["measure"], "city", last, None
    )
    ours = {r["entity_code"]: (int(r["rank"]), r["value"]) for _, r in ranked.iterrows()}
    for code, *_, measure, rank, n in rows:
        assert ours[code][0] == rank and abs(ours[code][1] - measure) <= 1e-9 * abs(measure), code
        assert n == int(ranked["of"].iloc[0])
    _, rows = sql_aggregate(engine, "map", years)
    drawn = queries_compare._map_measure.__wrapped__(
        engine, VIEW["indicator"], VIEW["measure"], "city", last, None
    )
    ours = dict(zip(drawn["entity_code"], drawn["value"]))
    assert len(rows) == len(ours)
    for code, *_, measure, _year in rows:
        theirs = ours[code]
        assert (measure is None) == (theirs != theirs), code  # NaN: no figure or population
        assert measure is None or abs(theirs - measure) <= 1e-9 * abs(measure), code


@contextmanager
def aggregate_uncached() -> Iterator[None]:
    """The view worked out again on every call, past every per-revision cache of it (the
    whole answer, the ranking, the map's figures; in this process and in any cache the
    workers share), as on the first reader of it after a commit."""
    from pages import compare as page
    from store import queries_compare

    kept = [
        (module, name, getattr(module, name))
        for module, name in (
            (queries_compare, "_ranking"),
            (queries_compare, "_map_measure"),
            (page, "answer"),
        )
    ]
    try:
        for module, name, cached in kept:
            setattr(module, name, cached.__wrapped__)
        yield
    finally:
        for module, name, cached in kept:
            setattr(module, name, cached)


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
    aggregate: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    sent: list[tuple[str, object]] = field(default_factory=list)
    replayed: list[float] = field(default_factory=list)

    def line(self, tab: str) -> str:
        view, agg = statistics.median(self.view), statistics.median(self.aggregate)
        sql = statistics.median(self.sql)
        verdict = "PASS" if view / agg <= TARGET else "MISS"
        return (
            f"  {tab:<5} view {view * 1000:6.1f} ms | SQL aggregate {agg * 1000:5.1f} ms | "
            f"ratio {view / agg:5.2f} (target ≤ {TARGET}) {verdict} | rows read "
            f"{sql * 1000:5.1f} ms (ratio {view / sql:5.2f}) | warm "
            f"{statistics.median(self.warm) * 1000:5.1f} ms | the view sent {len(self.sent)} "
            f"statements: {statistics.median(self.replayed) * 1000:.1f} ms on the cursor"
        )


def _spec(client, wanted: str) -> dict:  # type: ignore[no-untyped-def]
    """The callback (from ``/_dash-dependencies``, as the browser reads it) whose output
    names ``wanted``."""
    for spec in client.get("/_dash-dependencies").get_json():
        if wanted in spec["output"]:
            return spec
    raise LookupError(f"no callback outputs {wanted}")


def _body(spec: dict, values: dict[str, object], changed: str) -> dict:
    """The POST the browser sends for ``spec``: every input and state with its value from
    ``values`` (keyed "id.property")."""

    def filled(items: list[dict]) -> list[dict]:
        return [{**i, "value": values[f"{i['id']}.{i['property']}"]} for i in items]

    outputs = [
        dict(zip(("id", "property"), o.split("@")[0].rsplit(".", 1)))
        for o in spec["output"].strip(".").split("...")
    ]
    return {
        "output": spec["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": filled(spec["inputs"]),
        "state": filled(spec["state"]),
        "changedPropIds": [changed],
    }


def router_only(client) -> Callable[[], float]:  # type: ignore[no-untyped-def]
    """The router's answer alone when only the view changed (``no_update``): the least a
    callback costs, request and JSON included; seconds."""
    values: dict[str, object] = {
        "_pages_location.pathname": "/compare",
        "_pages_location.search": f"?{urlencode(VIEW)}",
        "shown-frame.data": {"path": "/compare", "lang": "zh", "rev": None},
    }
    body = _body(_spec(client, "_pages_content.children"), values, "_pages_location.search")

    def call() -> float:
        start = time.perf_counter()
        response = client.post("/_dash-update-component", json=body)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        return elapsed

    return call


def callback(client, tab: str) -> Callable[[], float]:  # type: ignore[no-untyped-def]
    """What the browser asks for when the page shown switches to the view with ``tab``: the
    router's answer (nothing: the page is on screen) and the page's own for its results
    (``pages.compare.show_view``), one after the other; seconds for both."""
    from pages.compare import CONTROLS, RESULTS, control_values, read_view
    from store.db import get_engine

    query = {**VIEW, "tab": tab}
    values: dict[str, object] = {
        "_pages_location.pathname": "/compare",
        "_pages_location.search": f"?{urlencode(query)}",
        "shown-frame.data": {"path": "/compare", "lang": "zh", "rev": None},
    }
    # the controls say what the URL says: they set it (or back and forward set them)
    view = read_view(get_engine(), query)
    values |= {f"{c}.{p}": v for (c, p), v in zip(CONTROLS, control_values(view), strict=True)}
    changed = "_pages_location.search"
    router = _body(_spec(client, "_pages_content.children"), values, changed)
    results = _body(_spec(client, f"{RESULTS}.children"), values, changed)
    wanted = {"line": "compare-line", "rank": "compare-ranking", "map": "compare-map"}[tab]

    def call() -> float:
        start = time.perf_counter()
        routed = client.post("/_dash-update-component", json=router)
        response = client.post("/_dash-update-component", json=results)
        elapsed = time.perf_counter() - start
        # the router leaves the page as it is, and the results are the view itself, never
        # an error shown in its place
        assert routed.status_code == 200, routed.status_code
        assert "_pages_content" not in routed.get_data(as_text=True)
        text = response.get_data(as_text=True)
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
    check_aggregates(engine, years)
    floor = router_only(client)
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
            times[tab].aggregate.append(sql_aggregate(engine, tab, years)[0])
            times[tab].warm.append(calls[tab]())
            times[tab].replayed.append(replay(engine, times[tab].sent))
    floors = [floor() for _ in range(runs)]
    lines = [f"compare: {count:,} observations | medians of {runs} interleaved runs"]
    lines += [times[tab].line(tab) for tab in TABS]
    lines.append(
        f"  Dash's floor: a callback answering nothing (the router's) "
        f"{statistics.median(floors) * 1000:.1f} ms"
    )
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
