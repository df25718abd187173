"""One import end to end (``store.ingest.import_file``, what ``data import`` runs): rows are
stored while the file is still being read, yet an import is one revision or nothing at all."""

from __future__ import annotations

import gc
import sys
import threading
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, inspect, select

from loaders import FileRejected, LoadOptions, template
from store import ingest, queries, revisions
from store.ingest import import_file
from store.models import Observation, Revision
from store.revisions import StaleBase, commit_rows, factor_note

HEADER = ["地区", "指标", "时期", "数值", "单位", "限定", "来源"]
CITY = "130100"  # 石家庄市: no other test writes its figures


def _book(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _good_rows(first_year: int = 2091) -> list[list[object]]:
    rows: list[list[object]] = [
        ["石家庄市", "正极材料年产能", first_year + i, 1.5 + i, "万吨", "", "测试来源"]
        for i in range(7)
    ]
    rows.append(["石家庄", "电芯年产能", f"{first_year}年", "32GWh", "", "约", ""])
    rows.append([CITY, "负极材料年产能", first_year, 250, "千克", "", "测试来源"])
    return rows


def _state(engine) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(revisions, observation rows): what an import that writes nothing leaves alone."""
    with engine.connect() as conn:
        return (
            conn.scalar(select(func.count()).select_from(Revision)),
            conn.scalar(select(func.count()).select_from(Observation)),
        )


def _figures(engine, first_year: int) -> dict[tuple[str, str], dict[str, object]]:  # type: ignore[no-untyped-def]
    df = queries.observations(
        engine, entity_codes=[CITY], year_from=first_year, year_to=first_year + 9
    )
    return {(r["indicator_code"], r["period"]): r for r in df.to_dict("records")}


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three rows to a batch and two rows to an INSERT, so that a small file streams."""
    monkeypatch.setattr(template, "STREAM_ROWS", 3)
    monkeypatch.setattr(revisions, "_MAX_PARAMETERS", 2 * len(revisions._ROW_COLUMNS))


def test_rows_stream_into_one_revision(engine, tmp_path: Path, small_batches) -> None:
    book = _book(tmp_path / "stream.xlsx", _good_rows())
    steps: list[str] = []
    imported = import_file(engine, book, author="test", progress=steps.append)
    assert steps == ["read", "checked", "committed"]
    summary = imported.summary
    assert summary is not None and imported.result.errors == []
    assert (summary.added, summary.changed, summary.unchanged) == (9, 0, 0)
    with engine.connect() as conn:
        assert conn.scalar(select(Revision.author).where(Revision.id == summary.revision)) == "test"
    figures = _figures(engine, 2091)
    assert len(figures) == 9
    cathode = figures[("cathode_capacity", "2092")]
    assert (cathode["value"], cathode["value_as_written"], cathode["note"]) == (
        25000.0,
        "2.5万吨",
        "×10000",  # the factor of the conversion to the canonical unit
    )
    assert cathode["sentence"] == "stream.xlsx row 3" and cathode["rev_from"] == summary.revision
    cell = figures[("cell_capacity", "2091")]
    assert (cell["value"], cell["qualifier"], cell["note"]) == (32.0, "approx", "")
    assert figures[("anode_capacity", "2091")]["note"] == "×1/1000"  # 千克 → t

    again = import_file(engine, book, author="test").summary
    assert again is not None and (again.added, again.changed, again.unchanged) == (0, 0, 9)

    changed = _good_rows()
    changed[0][3] = 99
    third = import_file(engine, _book(tmp_path / "changed.xlsx", changed), author="test").summary
    assert third is not None and (third.added, third.changed, third.unchanged) == (0, 1, 8)
    assert _figures(engine, 2091)[("cathode_capacity", "2091")]["value"] == 990000.0
    old = queries.observations(
        engine, entity_codes=[CITY], indicator_codes=["cathode_capacity"], as_of=summary.revision
    )
    assert 15000.0 in set(old["value"])  # the replaced figure, as it stood


def test_an_error_anywhere_writes_nothing(engine, tmp_path: Path, small_batches) -> None:
    """Rows were already inserted when the bad last row was read: all of them go again."""
    rows = _good_rows(2100)
    rows.append(["石家庄市", "正极材料年产能", 2099, "很多", "万吨", "", ""])
    before = _state(engine)
    imported = import_file(engine, _book(tmp_path / "bad.xlsx", rows), author="test")
    assert imported.summary is None
    assert [i.code for i in imported.result.errors] == ["not-a-number"]
    assert len(imported.result.rows) == 9  # read and checked, never committed
    assert _state(engine) == before


def test_a_repeat_found_after_the_rows_went_writes_nothing(
    engine, tmp_path: Path, small_batches
) -> None:
    """Batches that read cleanly are stored before their repeat check: a repeat found then
    is an error like any other, and the rows stored already go again."""
    rows = [r for r in _good_rows(2110) if not isinstance(r[3], str)] * 2  # a sheet, twice
    before = _state(engine)
    imported = import_file(engine, _book(tmp_path / "twice.xlsx", rows), author="test")
    assert imported.summary is None
    assert {i.code for i in imported.result.errors} == {"duplicate-row"}
    assert len(imported.result.rows) == len(rows) // 2
    assert _state(engine) == before


def test_a_dry_run_writes_nothing(engine, tmp_path: Path) -> None:
    before = _state(engine)
    imported = import_file(engine, _book(tmp_path / "dry.xlsx", _good_rows(2110)), dry_run=True)
    assert imported.summary is None and len(imported.result.rows) == 9
    assert _state(engine) == before


def test_a_rejected_file_writes_nothing(engine, tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    before, threads = _state(engine), threading.active_count()
    with pytest.raises(FileRejected):
        import_file(engine, junk, author="test")
    assert _state(engine) == before and threading.active_count() == threads


def test_a_stale_base_writes_nothing(engine, tmp_path: Path, small_batches) -> None:
    latest = queries.latest_revision(engine)
    assert latest is not None and latest > 1
    before = _state(engine)
    with pytest.raises(StaleBase):
        import_file(
            engine, _book(tmp_path / "s.xlsx", _good_rows(2120)), author="t", base_revision=1
        )
    assert _state(engine) == before


def test_a_bulk_load_builds_its_indexes_again(engine, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An upload large next to the table drops the random-key indexes and builds them again
    in the same transaction (SQLite): they are there afterwards, committed or rolled back."""
    monkeypatch.setattr(revisions, "_BULK_MIN_ROWS", 1)
    monkeypatch.setattr(revisions, "_BULK_TABLE_RATIO", 10**9)

    def indexes() -> dict[str, list[str]]:
        return {
            str(ix["name"]): list(ix["column_names"])
            for ix in inspect(engine).get_indexes("observation")
        }

    expected = {str(ix.name): [c.name for c in ix.columns] for ix in Observation.__table__.indexes}
    assert indexes() == expected
    bad = [*_good_rows(2130), ["石家庄市", "正极材料年产能", 2099, "很多", "万吨", "", ""]]
    assert import_file(engine, _book(tmp_path / "bad.xlsx", bad), author="t").summary is None
    assert indexes() == expected
    good = import_file(engine, _book(tmp_path / "good.xlsx", _good_rows(2130)), author="t")
    assert good.summary is not None and good.summary.added == 9
    assert indexes() == expected
    assert len(_figures(engine, 2130)) == 9  # found through the rebuilt indexes


def test_the_process_settings_come_back(engine, tmp_path: Path) -> None:
    """Cyclic GC is off and the switch interval short only while an import runs."""
    interval = sys.getswitchinterval()
    seen: list[tuple[bool, float]] = []

    def step(_: str) -> None:
        seen.append((gc.isenabled(), sys.getswitchinterval()))

    import_file(engine, _book(tmp_path / "p.xlsx", _good_rows(2140)), dry_run=True, progress=step)
    assert len(seen) == 2 and all(not on and s <= min(interval, 0.001) for on, s in seen)
    assert gc.isenabled() and sys.getswitchinterval() == interval
    with pytest.raises(FileRejected):
        import_file(engine, tmp_path / "missing.xlsx", dry_run=True)
    assert gc.isenabled() and sys.getswitchinterval() == interval
    assert ingest._bulk_users == 0


def test_commit_rows_takes_a_loaders_rows(engine) -> None:
    row = {
        "entity_type": "region",
        "entity_code": CITY,
        "indicator_code": "cathode_capacity",
        "period": "2090",
        "value": 160000.0,
        "qualifier": "exact",
        "value_as_written": "16万吨",
        "source": "测试来源",
        "_row": 7,
        "_factor": 10000.0,
    }
    summary = commit_rows(engine, [row], author="t", file_name="r.xlsx", sha256="e" * 64)
    assert (summary.added, summary.changed, summary.unchanged) == (1, 0, 0)
    stored = _figures(engine, 2081)[("cathode_capacity", "2090")]
    assert (stored["note"], stored["sentence"]) == ("×10000", "r.xlsx row 7")


@pytest.mark.parametrize(
    ("factor", "note"),
    [
        (10000.0, "×10000"),
        (1e8, "×100000000"),
        (1e12, "×1000000000000"),
        (0.001, "×1/1000"),
        (1 / 1500, "×1/1500"),
        (1.0, ""),
        (1, ""),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_factor_note(factor: object, note: str) -> None:
    assert factor_note(factor) == note


def test_load_options_reach_the_loaders(engine, tmp_path: Path) -> None:
    book = _book(tmp_path / "o.xlsx", [["", "正极材料年产能", "", 3, "万吨", "", ""]])
    imported = import_file(
        engine, book, LoadOptions(default_region="石家庄", default_period="2094年"), dry_run=True
    )
    [row] = imported.result.rows
    assert (row["entity_code"], row["period"], row["value"]) == (CITY, "2094", 30000.0)


def test_a_failed_insert_names_its_statement_briefly(engine) -> None:
    """A database error names the INSERT once, not with its thousands of rows."""
    from sqlalchemy.exc import IntegrityError

    row = {
        "entity_type": "region",
        "entity_code": CITY,
        "indicator_code": "no_such_indicator",  # refused by the foreign key
        "period": "2089",
        "value": 1.0,
        "qualifier": "exact",
        "value_as_written": "1",
        "source": "",
    }
    before = _state(engine)
    with pytest.raises(IntegrityError) as caught:
        commit_rows(engine, [row] * 3000, author="t", file_name="f.xlsx", sha256="f" * 64)
    assert len(str(caught.value)) < 3000 and "rows)" in str(caught.value)
    assert _state(engine) == before
