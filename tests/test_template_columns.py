"""The long form read a batch at a time, column by column, gives what reading every row in
full gives: the same rows (value bits, written text, factor and place included), the same
issues in the same order, whatever the batch size; and the store writes its columns exactly
as it writes the same rows as dicts."""

from __future__ import annotations

import datetime as dt
import pickle
import random
from fractions import Fraction

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from loaders import checks, load_sheets, template
from loaders.quantities import QuantityError, quantity_parts
from loaders.reference import Reference
from loaders.result import LoadResult, RowPart, TidyColumns
from loaders.sheet import LoadOptions, Sheet
from loaders.template import _LongReader, cell_text, load_long_sheet
from loaders.template_columns import ColumnReading
from loaders.template_figures import FigureReader
from store.models import Observation
from store.revisions import RevisionWriter, reference

HEADER = ["地区", "指标", "时期", "数值", "单位", "限定", "来源"]


@pytest.fixture(scope="module")
def ref() -> Reference:
    r = Reference()
    r.add_region("370000", "山东省", "Shandong", "province", ["山东"])
    r.add_region("370400", "枣庄市", "Zaozhuang", "city", ["枣庄", "棗莊市", " 枣庄 "])
    r.add_region("120000", "天津市", "Tianjin", "province", ["天津"])
    for code, name_zh, unit in [
        ("cathode_capacity", "正极材料年产能", "t"),
        ("cell_capacity", "电芯年产能", "GWh"),
        ("enterprises", "锂电/新能源企业数", "count"),
        ("resident_population", "常住人口", "person"),
        ("land_area", "行政区域面积", "km2"),
        ("new_energy_installed", "新能源发电装机", "kW"),
    ]:
        r.add_indicator({"code": code, "name_zh": name_zh, "name_en": code, "unit": unit})
    r.history = {("370400", "cathode_capacity"): {2020: 160000.0, 2021: 170000.0}}
    return r


UNITS = {
    "正极材料年产能": ["", "万吨", "吨", "千克", " 万吨 ", "万吨左右", "余吨", "千吨"],
    "cell_capacity": ["", "GWh", "MWh", "TWh"],
    "常住人口": ["", "万人", "人", "万"],
    "enterprises": ["", "个", "余", "家", "多家"],
    "行政区域面积": ["", "亩", "公顷", "平方公里"],
    "新能源发电装机": ["", "万千瓦", "千瓦", "MW", "千瓦时"],
}
ODD_UNITS = ["万吨", ".5吨", "5", 5.0, None, "亿元", "x", True, ""]
ODD_VALUES = [
    16.0, 21.66, 0.1, 1e-05, 123456789.125, -5.5, 0.0, -0.0, 1e22, float("nan"), float("inf"),
    7, True, False, "16万", "约3.5", "180余", "四十几", "", " 32 ", dt.date(2020, 1, 1), 3645.4,
    0.3, 0.1 + 0.2, 2.675, 1234.5678, 5e-324, 9007199254740993.0, 2.0**53, -(2.0**52) - 0.5,
    "超过400亿元", "16万吨", "1234567890123456.5万吨", "0.000001", "１６万吨", "1,000吨", "-3",
    "12.5.3", "约-7.25", "近1.5万", "5000多", 1e15 + 0.5, 4503599627370495.5, 0.0001, 0.00011,
]  # fmt: skip


def _row(rng: random.Random, keys: list[tuple[object, object, object]]) -> list[object]:
    odd = rng.random() < 0.1
    if keys and rng.random() < 0.03:  # a key seen before: a repeat
        region, indicator, year = rng.choice(keys)
    else:
        region = (
            rng.choice(["枣庄", "370400", "天津市", " 山东 ", "未知市", "", True, 370400.0, 1.0])
            if odd
            else rng.choice(["枣庄", "370400", "天津市", "山东省", "棗莊市", " 枣庄 "])
        )
        indicator = rng.choice([*UNITS, "电芯年产能", "x", 1.0] if odd else list(UNITS))
        y = rng.randrange(1990, 2030)
        year = rng.choice(
            [float(y), y, f"{y}年", f"{y}年{rng.randrange(1, 13)}月", str(y), f" {y} "]
            + (["明年", dt.date(y, 1, 1), "", True, 1.0] if odd else [])
        )
        keys.append((region, indicator, year))
    if odd or rng.random() < 0.15:
        value = rng.choice(ODD_VALUES)
    elif rng.random() < 0.3:
        value = f"{rng.choice(['', '约', '超过', '近', '逾'])}{round(rng.uniform(0, 1e4), 2)}"
    else:
        value = round(rng.uniform(-10, 1e5), rng.choice([0, 1, 2, 3, 6]))
    unit = (
        rng.choice(ODD_UNITS) if odd else rng.choice(UNITS.get(indicator, [""]))  # type: ignore[call-overload]
    )
    return [
        region,
        indicator,
        year,
        value,
        unit,
        rng.choice(["", "约", "以上", "大概", None, 1.0, True] if odd else ["", "", "", "约"]),
        rng.choice(["公报", "", None, 2024.0, " 报告 ", 1.0]),
    ]


def _sheet_rows(seed: int, n: int) -> list[list[object]]:
    rng = random.Random(seed)
    keys: list[tuple[object, object, object]] = []
    rows = [_row(rng, keys) for _ in range(n)]
    rows[n // 2] = list(rows[n // 3])  # an exact repeat
    rows[n // 2 + 1] = [None] * 7  # an empty row
    return rows


def _one_by_one(ref: Reference, sheet: Sheet, rows: list[list[object]]) -> LoadResult:
    """Every row read in full by ``_row``: the reference reading."""
    result = LoadResult()
    reader = _LongReader(result, ref, sheet, HEADER, LoadOptions())
    for number, cells in enumerate(rows, start=2):
        reader._row(list(cells), number)
    checks.check_result(result, ref, across_sheets=False)
    return result


def _same(a: LoadResult, b: LoadResult) -> None:
    assert a.issues == b.issues
    assert len(a.rows) == len(b.rows)
    for x, y in zip(a.rows, b.rows, strict=True):
        assert x == y
        assert list(x) == list(y)  # the same keys in the same order
        assert repr(x["value"]) == repr(y["value"])  # the same float, not one a bit off


@pytest.mark.parametrize("batch", [5000, 97, 8])
def test_columns_read_like_every_row_in_full(
    ref: Reference, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(template, "STREAM_ROWS", batch)
    rows = _sheet_rows(11, 3000)
    sheet = Sheet("长表", [HEADER, *rows], source="t.xlsx")
    streamed: list[RowPart] = []
    columns = load_long_sheet(sheet, ref, LoadOptions(), on_rows=streamed.append)
    checks.check_result(columns, ref, across_sheets=False)
    assert any(isinstance(p, TidyColumns) for p in columns.parts)
    assert len(columns.issues) > 200
    assert {i.code for i in columns.issues} >= {"duplicate-row", "magnitude-jump"}
    as_streamed = LoadResult()
    for part in streamed:
        if isinstance(part, TidyColumns):
            as_streamed.add_columns(part)
        else:
            for row in part:
                as_streamed.add_row(row)
    _same(columns, _one_by_one(ref, sheet, rows))
    assert as_streamed.rows == columns.rows

    monkeypatch.setattr(ColumnReading, "_columns", lambda *_: False)  # every batch row by row
    by_rows = load_long_sheet(sheet, ref, LoadOptions())
    checks.check_result(by_rows, ref, across_sheets=False)
    assert all(isinstance(p, list) for p in by_rows.parts)
    _same(columns, by_rows)


def test_a_sheet_with_other_columns_and_short_rows(
    ref: Reference, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(template, "STREAM_ROWS", 50)
    header = ["备注", *HEADER, "x", "y", "z", "w", "v", "u", "t"]
    rows = [["", *r, 1, 2, 3, 4, 5, 6, 7] for r in _sheet_rows(5, 400)]
    rows[100] = rows[100][:5]  # a short row: its batch is read row by row
    sheet = Sheet("S", [header, *rows])
    got = load_long_sheet(sheet, ref, LoadOptions())
    assert sum(isinstance(p, TidyColumns) for p in got.parts) > 5
    full = LoadResult()
    reader = _LongReader(full, ref, sheet, header, LoadOptions())
    at = [header.index(name) for name in HEADER]
    for number, cells in enumerate(rows, start=2):
        reader._row([cells[i] if i < len(cells) else "" for i in at], number)
    assert got.issues == full.issues and got.rows == full.rows


@pytest.mark.parametrize(
    "unit",
    ["", "万吨", "千克", "亩", "千瓦时", "万千瓦", "亿元", "%", "吨", "MWh", "千吨"],
)
def test_figures_are_quantity_parts_exactly(unit: str) -> None:
    """Floats and texts, the way ``quantity_parts`` reads ``cell text + unit text``."""
    rng = random.Random(unit)
    hint = quantity_parts("1" + unit)[1] if unit else "t"
    values: list[object] = [*ODD_VALUES]
    for _ in range(3000):
        x = rng.uniform(-1e6, 1e6) * rng.choice([1, 1e-3, 1e3])
        values.append(round(x, rng.choice([0, 1, 2, 3, 5])))
        words = rng.choice(["", "约", "超过", "近"])
        values.append(words + repr(round(x % 1e8, rng.randrange(5))))
    values += [float(np.nextafter(2.0**49, 0)), 2.0**49 + 0.5, 0.1 + 0.7, 1 / 3, 2 / 3 * 1e6]
    reader = FigureReader()
    from loaders.quantities import unit_parts

    parts = unit_parts(unit, hint)
    assert parts is not None
    number = reader.add_reading((parts[0], parts[1], parts[2], parts[3], unit, hint))
    figures = reader.read(values, [number] * len(values))
    left = 0
    for i, value in enumerate(values):
        try:
            expected = quantity_parts(cell_text(value) + unit, hint)  # type: ignore[arg-type]
        except QuantityError:
            expected = None
        if not figures.ok[i]:
            left += expected is not None
            continue  # left to the full reading of the row
        assert expected is not None and expected[1] == hint, value
        got = (figures.value[i], figures.qualifier[i], figures.factor[i], figures.written[i])
        assert repr(float(got[0])) == repr(expected[0]), (value, unit)
        assert got[1:] == (expected[2], expected[3], cell_text(value) + unit), value  # type: ignore[arg-type]
    assert left < len(values) / 20, left  # long numbers and 1e-05


def test_exact_arithmetic_is_what_fractions_give() -> None:
    """A factor's product and quotient rounded once: the float nearest the exact value."""
    reader = FigureReader()
    number = reader.add_reading(("exact", 1, 1500, 1 / 1500, "亩", "km2"))
    values = [round(random.Random(i).uniform(0, 1e5), i % 4) for i in range(2000)]
    figures = reader.read(values, [number] * len(values))
    for value, got in zip(values, figures.value.tolist(), strict=True):
        digits = Fraction(cell_text(value))
        assert got == float(digits / 1500)


def test_load_result_keeps_rows_in_order_and_one_list() -> None:
    a = {"entity_type": "region", "entity_code": "1", "indicator_code": "i", "period": "2020"}
    result = LoadResult(rows=[a])
    head = result.rows
    block = TidyColumns(
        "S", "D", ["370400"], ["cathode_capacity"], ["2021"], [1.5], ["exact"], ["1.5"], [""],
        [3], [1.0], {"370400": ("枣庄市", "Zaozhuang")},
        {"cathode_capacity": ("正极材料年产能", "cathode", "t")},
    )  # fmt: skip
    result.add_columns(block)
    b = dict(a, period="2022")
    result.add_row(b)
    assert result.row_count == 3 and len(result.parts) == 3
    other = LoadResult()
    other.extend(result)
    assert result.rows is head and len(head) == 3  # the same list, grown
    assert head[1]["value"] == 1.5 and head[1]["_row"] == 3 and head[1]["unit"] == "t"
    assert head[2] is b and other.rows == head and other == result
    again = pickle.loads(pickle.dumps(other))
    assert again == other
    old = LoadResult.__new__(LoadResult)
    old.__setstate__({"rows": [a], "issues": [], "projects": [], "members": []})
    assert old.rows == [a]  # pickled before columns


def test_checks_read_columns_like_dicts(ref: Reference) -> None:
    rows = [
        ["枣庄", "正极材料年产能", 2020, 16, "吨", "", ""],  # 16 t against 160 000 t: 万 left out
        ["枣庄", "正极材料年产能", 2021, 17, "亿吨", "", ""],  # 亿 where 万 was meant
        ["天津", "正极材料年产能", 2021, 1.7, "吨", "", ""],
    ]
    sheet = Sheet("长表", [HEADER, *rows])
    columns = load_long_sheet(sheet, ref, LoadOptions())
    dicts = LoadResult(rows=list(columns.rows))
    for result in (columns, dicts):
        checks.check_result(result, ref)
    assert [i.code for i in columns.issues] == ["magnitude-jump", "magnitude-jump"]
    assert columns.issues == dicts.issues
    twice = LoadResult()
    twice.extend(load_long_sheet(sheet, ref, LoadOptions()))
    twice.extend(load_long_sheet(Sheet("另一表", [HEADER, *rows]), ref, LoadOptions()))
    checks.check_result(twice, ref)
    assert [i.code for i in twice.issues].count("duplicate-row") == 3


def _written(session: Session, revision: int) -> list[tuple[object, ...]]:
    o = Observation.__table__
    columns = [c for c in o.c if c.name not in ("id", "source_id", "rev_from")]  # (sequences)
    return [
        tuple(r)
        for r in session.execute(select(*columns).where(o.c.rev_from == revision).order_by(o.c.id))
    ]


def test_the_store_writes_columns_as_it_writes_dicts(engine) -> None:  # type: ignore[no-untyped-def]
    """Added, changed and unchanged figures, sources and notes: the same from both."""
    store_ref = reference(engine)
    (code, indicator), years = next(iter(store_ref.history.items()))
    year, value = next(iter(years.items()))
    name = store_ref.indicators[indicator]["name_zh"]
    rows = [
        [code, name, year, value, "", "", "来源甲"],  # as stored: maybe unchanged
        [code, name, year + 100, 5.5, "", "约", "来源乙"],
        [code, name, year + 101, "16万", "", "", ""],
        ["枣庄", "正极材料年产能", 2101, 2.5, "万吨", "", "来源甲"],
    ]
    sheet = Sheet("长表", [HEADER, *rows])
    loaded = load_long_sheet(sheet, store_ref, LoadOptions())
    assert not loaded.errors and any(isinstance(p, TidyColumns) for p in loaded.parts)
    written = []
    for parts in (loaded.parts, [list(loaded.rows)]):
        with Session(engine) as session, session.begin():
            writer = RevisionWriter(session, "t", "c.xlsx", "c" * 64)
            for part in parts:
                writer.add(part)
            summary = writer.finish()
            written.append(((summary.added, summary.changed, summary.unchanged), _written(
                session, summary.revision
            )))  # fmt: skip
            session.rollback()
    assert written[0] == written[1] and len(written[0][1]) >= 3


@pytest.mark.parametrize("bad_at", [None, 1700])
def test_rows_handed_on_before_their_repeat_check(
    ref: Reference, monkeypatch: pytest.MonkeyPatch, bad_at: int | None
) -> None:
    """Streamed to a store, batches whose rows all read go before their repeat check (done
    once every sheet is handed on): the result and issues are those of reading in order."""
    monkeypatch.setattr(template, "STREAM_ROWS", 300)
    rng = random.Random(3)
    regions, indicators = ["枣庄", "天津", "山东省"], list(UNITS)
    rows = [
        [rng.choice(regions), rng.choice(indicators), 1990 + i % 40, i + 0.5, "", "", ""]
        for i in range(3000)
    ]  # repeats: 3 × 6 × 40 keys for 3000 rows
    if bad_at is not None:
        rows[bad_at][0] = "未知市"  # from here on, rows go in order
    sheets = [Sheet("长表", [HEADER, *rows]), Sheet("另一表", [HEADER, *rows[:50]])]
    in_order = load_sheets(sheets, ref, LoadOptions())
    streamed: list[RowPart] = []
    held = load_sheets(sheets, ref, LoadOptions(), on_rows=streamed.append)
    assert held.issues == in_order.issues and held.rows == in_order.rows
    assert sum(i.code == "duplicate-row" for i in held.issues) > 2000
    assert any(isinstance(p, TidyColumns) for p in streamed)
    handed = LoadResult()
    for part in streamed:
        if isinstance(part, TidyColumns):
            handed.add_columns(part)
        else:
            for row in part:
                handed.add_row(row)
    # every row kept was handed on (and the repeats too: their error keeps them from a store)
    places = {(r["_sheet"], r["_row"]) for r in handed.rows}
    assert {(r["_sheet"], r["_row"]) for r in held.rows} <= places
    if bad_at is None:  # every batch went before its repeat check, repeats and all
        assert len(places) == len(rows) + 50 > len(held.rows)
