"""The ingest benchmark works end to end on a tiny workbook (make bench alone judges time)."""

from __future__ import annotations

from pathlib import Path

from bench import ingest
from store.db import make_engine
from store.revisions import reference


def test_ingest_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    result = ingest.run(n_rows=500, runs=2, slow_runs=1, folder=tmp_path)
    # every key is new or replaces a shipped figure: nothing unchanged, nothing dropped
    assert (result.added + result.changed, result.unchanged) == (500, 0)
    assert len(result.timings.runs["ours"]) == len(result.timings.runs["calamine"]) == 2
    assert len(result.timings.runs["openpyxl+to_sql"]) == 1
    assert min(result.ours, result.openpyxl, result.calamine) > 0
    report = result.report()
    assert report.startswith("ingest: 500 rows | ours ")
    assert "ratio a" in report and "(target ≤ 0.2)" in report
    assert "ratio b" in report and "(target ≤ 2.0)" in report
    assert report.count("PASS") + report.count("MISS") == 2
    # the workbook stays cached for the next run; the databases are gone
    assert [p.suffix for p in tmp_path.iterdir()] == [".xlsx"]


def test_generated_rows_are_real_and_unique(tmp_path: Path) -> None:
    template = ingest.template_database(tmp_path)
    engine = make_engine(f"sqlite:///{template}")
    ref = reference(engine)
    engine.dispose()
    rows = ingest.generate_rows(2000, ref, seed=1)
    assert len(rows) == 2000 and all(len(r) == len(ingest.HEADER) for r in rows)
    regions = {ref.region(str(r[0])) for r in rows}
    assert None not in regions and len(regions) > 100
    assert {r[0] for r in rows} & set(ref.regions), "some regions are written as codes"
    assert all(ref.indicator(str(r[1])) for r in rows)
    keys = {(ref.region(str(r[0])), ref.indicator(str(r[1])), str(r[2])[:4]) for r in rows}
    assert len(keys) == len(rows)
    texts = [r[3] for r in rows if isinstance(r[3], str)]
    assert texts and any(t.endswith("余") for t in texts) and any("万" in t for t in texts)
    assert sum(isinstance(r[3], int | float) for r in rows) > len(rows) / 2


def test_main_prints_the_ratios(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code = ingest.main(
        ["--rows", "200", "--runs", "1", "--slow-runs", "1", "--folder", str(tmp_path)]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "ingest: 200 rows" in out and "ratio a" in out and "ratio b" in out
