"""Ingest benchmark: our whole import of a long-form workbook against two baselines.

    .venv/bin/python -m bench.ingest [--rows 100000] [--runs 5] [--slow-runs 3] [--folder F]

- **ours**: ``store.ingest.import_file``, the function ``flask data import`` calls (read,
  validate, store: one revision or nothing), into a fresh copy of a database filled with the
  shipped dataset (the copy is made before the clock starts).
- **(a)** ``pandas.read_excel(engine="openpyxl")`` then ``DataFrame.to_sql`` into a fresh SQLite
  file, the path general BI tools take. Target: ours / (a) ≤ 0.2.
- **(b)** python-calamine's bare read of the sheet to Python lists. Target: ours / (b) ≤ 2.0.

Machines are shared and noisy: each time is the median of a few interleaved runs and only the
ratios, measured in the same run, are judged. The workbook is generated once (real region and
indicator names, unique keys) and cached in ``tmp/bench/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from loaders.reference import Reference
from settings import DATA_DIR, ROOT

CACHE = ROOT / "tmp" / "bench"
HEADER = ["地区", "指标", "时期", "数值", "单位", "限定", "来源"]
YEARS = range(2000, 2031)
TARGET_A = 0.2  # ours / (openpyxl + to_sql)
TARGET_B = 2.0  # ours / calamine bare read
GENERATOR_VERSION = 1  # bump when the generated workbook changes, so the cache is rebuilt
SEED = 20240825

# Units a statistics office writes beside a figure, by the indicator's canonical unit.
UNIT_WORDS: dict[str, list[str]] = {
    "t": ["万吨", "吨", "千吨"],
    "m2": ["亿平方米", "万平方米", "平方米"],
    "km2": ["平方公里", "平方千米"],
    "GWh": ["GWh"],
    "kW": ["万千瓦", "千瓦", "MW"],
    "CNY": ["亿元", "万元", "元"],
    "count": ["个", "家", "项"],
    "person": ["万人", "人"],
    "vehicle": ["万辆", "辆"],
    "percent": ["%"],
}
QUALIFIER_TEXTS = ["约", "以上", "超过", "左右"]
SOURCES = [
    "2023年国民经济和社会发展统计公报",
    "2024年政府工作报告",
    "市工信局2024年8月新闻发布会",
    "新能源电池产业发展报告（2024）",
    "第七次全国人口普查公报",
    "",
]


@dataclass
class Timings:
    """Seconds of each run, by what was measured."""

    runs: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, seconds: float) -> None:
        self.runs.setdefault(name, []).append(seconds)

    def median(self, name: str) -> float:
        return statistics.median(self.runs[name])


@dataclass
class BenchResult:
    rows: int
    timings: Timings
    added: int
    changed: int
    unchanged: int

    @property
    def ours(self) -> float:
        return self.timings.median("ours")

    @property
    def openpyxl(self) -> float:
        return self.timings.median("openpyxl+to_sql")

    @property
    def calamine(self) -> float:
        return self.timings.median("calamine")

    @property
    def ratio_a(self) -> float:
        return self.ours / self.openpyxl

    @property
    def ratio_b(self) -> float:
        return self.ours / self.calamine

    def report(self) -> str:
        def verdict(ratio: float, target: float) -> str:
            return f"(target ≤ {target}) {'PASS' if ratio <= target else 'MISS'}"

        phases = " | ".join(
            f"{name.removeprefix('ours:')} {self.timings.median(name):.2f} s"
            for name in self.timings.runs
            if name.startswith("ours:")
        )
        n = {k: len(v) for k, v in self.timings.runs.items()}
        return (
            f"ingest: {self.rows} rows | ours {self.ours:.2f} s | "
            f"openpyxl+to_sql {self.openpyxl:.2f} s | calamine read {self.calamine:.2f} s | "
            f"ratio a {self.ratio_a:.3f} {verdict(self.ratio_a, TARGET_A)} | "
            f"ratio b {self.ratio_b:.2f} {verdict(self.ratio_b, TARGET_B)}\n"
            f"  ours by phase (medians): {phases}\n"
            f"  committed: {self.added} added, {self.changed} changed, "
            f"{self.unchanged} unchanged; medians of {n['ours']} / {n['openpyxl+to_sql']} / "
            f"{n['calamine']} runs"
        )


# --- the workbook ----------------------------------------------------------------------------


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _region_forms(ref: Reference) -> list[tuple[str, list[str]]]:
    """(code, texts) for each region: 全称, 简称 and the code, each resolving back to the code."""
    shorts: dict[str, list[str]] = {}
    for a in _read_csv(DATA_DIR / "shipped" / "region_aliases.csv"):
        if a["kind"] == "short":
            shorts.setdefault(a["code"], []).append(a["alias"])
    forms = []
    for r in _read_csv(DATA_DIR / "shipped" / "regions.csv"):
        code = r["code"]
        names = [n for n in [r["name_zh"], *shorts.get(code, [])] if ref.region(n) == code]
        forms.append((code, names))
    return forms


def _number(rng: random.Random) -> float | int:
    digits = rng.choice([0, 0, 1, 2])
    value = round(rng.uniform(0.5, 9999), digits)
    return int(value) if digits == 0 else value


def _value_cells(rng: random.Random, unit: str) -> tuple[object, str]:
    """(数值, 单位): mostly a number with or without a unit word, sometimes text like 16万吨."""
    words = UNIT_WORDS[unit]
    roll = rng.random()
    if roll < 0.35:
        return _number(rng), ""
    if roll < 0.75:
        return _number(rng), rng.choice(words)
    n = _number(rng)
    if unit == "count" and rng.random() < 0.5:
        return f"{int(n)}余", ""  # 180余
    prefix = rng.choice(["", "", "", "约", "超过", "近"])
    return f"{prefix}{n}{rng.choice(words)}", ""  # 16万吨, 超过400亿元


def generate_rows(n_rows: int, ref: Reference, seed: int = SEED) -> list[list[object]]:
    """``n_rows`` template rows with unique (region, indicator, year) keys."""
    rng = random.Random(seed)
    regions = _region_forms(ref)
    indicators = _read_csv(DATA_DIR / "indicators.csv")
    years = list(YEARS)
    space = len(regions) * len(indicators) * len(years)
    rows: list[list[object]] = []
    for key in rng.sample(range(space), n_rows):
        key, y = divmod(key, len(years))
        r, i = divmod(key, len(indicators))
        code, names = regions[r]
        ind = indicators[i]
        roll = rng.random()
        region = rng.choice(names) if names and roll < 0.75 else code
        ind_text = ind["name_zh"] if rng.random() < 0.85 else ind["code"]
        year = years[y]
        period: object = year if rng.random() < 0.85 else f"{year}年"
        value, unit = _value_cells(rng, ind["unit"])
        qualifier = rng.choice(QUALIFIER_TEXTS) if rng.random() < 0.08 else ""
        rows.append([region, ind_text, period, value, unit, qualifier, rng.choice(SOURCES)])
    return rows


def write_workbook(path: Path, rows: list[list[object]]) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    tmp = path.with_suffix(".part.xlsx")
    wb.save(tmp)
    tmp.replace(path)


def workbook(folder: Path, n_rows: int, ref: Reference) -> Path:
    """The cached workbook of ``n_rows`` rows, generated when missing."""
    path = folder / f"long-{n_rows}-v{GENERATOR_VERSION}-{SEED}.xlsx"
    if not path.exists():
        write_workbook(path, generate_rows(n_rows, ref))
    return path


# --- the databases ---------------------------------------------------------------------------


def template_database(folder: Path) -> Path:
    """A SQLite file with the app's schema and the shipped dataset.

    The steps of ``store.db.init`` (migrate, then load data/), without making this file the
    process's database: tests share the process.
    """
    from store.db import make_engine, migrate
    from store.shipped import load_shipped_if_empty

    path = folder / "template.sqlite3"
    _remove_database(path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate(engine)
        load_shipped_if_empty(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return path


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", "-migrate-lock"):
        p = Path(f"{path}{suffix}")
        p.unlink(missing_ok=True)


def _fresh_copy(template: Path, name: str) -> Path:
    path = template.with_name(name)
    _remove_database(path)
    shutil.copyfile(template, path)
    return path


# --- what is measured ------------------------------------------------------------------------


def run_ours(xlsx: Path, database: Path, timings: Timings):  # type: ignore[no-untyped-def]
    """The whole import, as ``flask data import`` runs it; returns the CommitSummary."""
    from loaders import LoadOptions
    from store.db import make_engine
    from store.ingest import import_file

    engine = make_engine(f"sqlite:///{database}")
    with engine.connect() as conn:  # the app's engine is already connected
        conn.exec_driver_sql("SELECT 1")
    try:
        clock = _Clock()
        imported = import_file(engine, xlsx, LoadOptions(), author="bench", progress=clock.lap)
    finally:
        engine.dispose()
    if imported.summary is None:
        errors = imported.result.errors
        first = "; ".join(f"{i.code} row {i.row}: {i.message_en}" for i in errors[:5])
        raise RuntimeError(f"{len(errors)} errors in the benchmark workbook: {first}")
    timings.add("ours", clock.total)
    for name, seconds in clock.laps.items():
        timings.add(f"ours:{name}", seconds)
    return imported.summary


def run_openpyxl_to_sql(xlsx: Path, database: Path) -> float:
    """(a) pandas with openpyxl, then to_sql into a fresh SQLite file (same PRAGMAs as ours)."""
    import pandas as pd

    from store.db import make_engine

    _remove_database(database)
    engine = make_engine(f"sqlite:///{database}")
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    try:
        start = time.perf_counter()
        df = pd.read_excel(xlsx, engine="openpyxl")
        df.to_sql("template_rows", engine, index=False)
        return time.perf_counter() - start
    finally:
        engine.dispose()
        _remove_database(database)


def run_calamine(xlsx: Path) -> float:
    """(b) the fast engine's bare read of the sheet to Python lists."""
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    wb = CalamineWorkbook.from_path(str(xlsx))
    rows = wb.get_sheet_by_index(0).to_python()
    elapsed = time.perf_counter() - start
    assert rows, "empty benchmark workbook"
    return elapsed


class _Clock:
    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self.last
        self.last = now

    @property
    def total(self) -> float:
        return self.last - self.start


def run(
    n_rows: int = 100_000,
    runs: int = 3,
    slow_runs: int | None = None,
    folder: Path = CACHE,
    log: Callable[[str], None] = lambda _: None,
) -> BenchResult:
    """Measure ours, (a) and (b) on the same workbook, interleaved; (a) only ``slow_runs`` times."""
    from store.db import make_engine
    from store.revisions import reference

    folder.mkdir(parents=True, exist_ok=True)
    slow_runs = runs if slow_runs is None else slow_runs
    log("building the template database (schema + shipped dataset) …")
    template = template_database(folder)
    engine = make_engine(f"sqlite:///{template}")
    ref = reference(engine)
    engine.dispose()
    log(f"workbook of {n_rows} rows (cached in {folder}) …")
    xlsx = workbook(folder, n_rows, ref)
    timings = Timings()
    summary = None
    for i in range(runs):
        timings.add("calamine", run_calamine(xlsx))
        database = _fresh_copy(template, "ours.sqlite3")
        summary = run_ours(xlsx, database, timings)
        _remove_database(database)
        if i < slow_runs:
            timings.add("openpyxl+to_sql", run_openpyxl_to_sql(xlsx, folder / "bi.sqlite3"))
        log(
            f"run {i + 1}/{runs}: ours {timings.runs['ours'][-1]:.2f} s, "
            f"calamine {timings.runs['calamine'][-1]:.2f} s"
            + (
                f", openpyxl+to_sql {timings.runs['openpyxl+to_sql'][-1]:.2f} s"
                if i < slow_runs
                else ""
            )
        )
    _remove_database(template)
    assert summary is not None
    return BenchResult(n_rows, timings, summary.added, summary.changed, summary.unchanged)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="runs of ours and calamine")
    parser.add_argument("--slow-runs", type=int, default=3, help="runs of openpyxl+to_sql")
    parser.add_argument("--folder", type=Path, default=CACHE, help="cache of workbooks")
    args = parser.parse_args(argv)
    slow_runs = min(args.slow_runs, args.runs)
    result = run(args.rows, args.runs, slow_runs, folder=args.folder, log=print)
    print(result.report())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
