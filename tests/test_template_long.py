"""The long form (地区 | 指标 | 时期 | 数值 | 单位 | 限定 | 来源): read fast, read the same.

The reader remembers each distinct region, indicator, period and unit, and parse_quantity reads
"number + unit" by remembering the unit: these tests pin that a remembered answer is the answer,
that every row still gets its own issue, and that the fast reading of a figure equals the full one.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from loaders import quantities
from loaders.quantities import QuantityError, parse_quantity
from loaders.reference import Reference
from loaders.sheet import LoadOptions, Sheet
from loaders.template import load_long_sheet

HEADER = ["地区", "指标", "时期", "数值", "单位", "限定", "来源"]


@pytest.fixture(scope="module")
def ref() -> Reference:
    r = Reference()
    r.add_region("370000", "山东省", "Shandong", "province", ["山东"])
    r.add_region("370400", "枣庄市", "Zaozhuang", "city", ["枣庄", "棗莊市"])
    r.add_region("120000", "天津市", "Tianjin", "province", ["天津"])
    for code, name_zh, unit in [
        ("cathode_capacity", "正极材料年产能", "t"),
        ("cell_capacity", "电芯年产能", "GWh"),
        ("enterprises", "锂电/新能源企业数", "count"),
        ("resident_population", "常住人口", "person"),
        ("new_energy_share", "新能源装机占比", "percent"),
    ]:
        r.add_indicator({"code": code, "name_zh": name_zh, "name_en": code, "unit": unit})
    return r


def _sheet(*rows: list[object], header: list[str] = HEADER) -> Sheet:
    return Sheet("长表", [header, *[list(r) for r in rows]], source="t.xlsx")


def _found(result) -> set[tuple[int | None, str, str]]:  # type: ignore[no-untyped-def]
    return {(i.row, i.column, i.code) for i in result.issues}


def test_numbers_text_and_units(ref: Reference) -> None:
    result = load_long_sheet(
        _sheet(
            ["枣庄", "正极材料年产能", 2024.0, 16.0, "万吨", None, "公报"],
            ["370400", "电芯年产能", "2024年", "32GWh", None, None, None],
            ["棗莊市", "enterprises", 2023, "180余", "", "", ""],
            ["天津", "常住人口", "2024年8月", 21.66, "万人", "约", ""],
            ["山东", "新能源装机占比", "2024年上半年", "超过46%", "", "", ""],
        ),
        ref,
        LoadOptions(),
    )
    assert result.issues == []
    got = [
        (
            r["entity_code"],
            r["indicator_code"],
            r["period"],
            r["value"],
            r["qualifier"],
            r["value_as_written"],
        )
        for r in result.rows
    ]
    assert got == [
        ("370400", "cathode_capacity", "2024", 160000, "exact", "16万吨"),
        ("370400", "cell_capacity", "2024", 32, "exact", "32GWh"),
        ("370400", "enterprises", "2023", 180, "at_least", "180余"),
        ("120000", "resident_population", "2024-08", 216600, "approx", "21.66万人"),
        ("370000", "new_energy_share", "2024H1", 46, "at_least", "超过46%"),
    ]
    first = result.rows[0]
    assert (first["entity_name_zh"], first["indicator_name_zh"], first["unit"]) == (
        "枣庄市",
        "正极材料年产能",
        "t",
    )
    assert (first["source"], first["_sheet"], first["_row"], first["_column"]) == (
        "公报",
        "长表",
        2,
        "D",
    )


def test_every_row_gets_its_own_issue(ref: Reference) -> None:
    """Remembered lookups still report on each row, at its own place, with suggestions."""
    result = load_long_sheet(
        _sheet(
            ["枣庄巿", "电芯年产能", 2024, 1, "", "", ""],
            ["枣庄巿", "电芯年产能", 2025, 1, "", "", ""],
            ["枣庄", "电芯产能X", 2024, 1, "", "", ""],
            ["枣庄", "电芯产能X", 2025, 1, "", "", ""],
            ["枣庄", "电芯年产能", "明年", 1, "", "", ""],
            ["枣庄", "电芯年产能", "明年", 1, "", "", ""],
            ["枣庄", "电芯年产能", 2026, "四十几", "", "", ""],
            ["枣庄", "电芯年产能", 2027, 5, "万吨", "", ""],
            ["枣庄", "电芯年产能", 2028, 5, "", "大概", ""],
            ["枣庄", "电芯年产能", 2029, 5, "", "", ""],
            ["枣庄市", "电芯年产能", 2029.0, 6, "", "", ""],
        ),
        ref,
        LoadOptions(),
    )
    assert _found(result) == {
        (2, "A", "unknown-region"),
        (3, "A", "unknown-region"),
        (4, "B", "unknown-indicator"),
        (5, "B", "unknown-indicator"),
        (6, "C", "bad-period"),
        (7, "C", "bad-period"),
        (8, "D", "not-a-number"),
        (9, "D", "not-a-number"),  # 万吨 for a GWh indicator
        (10, "F", "bad-qualifier"),
        (12, "A", "duplicate-row"),
    }
    assert len(result.issues) == 10
    region_issues = [i for i in result.issues if i.code == "unknown-region"]
    assert all(i.cell == "枣庄巿" and "枣庄市" in i.suggestions for i in region_issues)
    assert [r["period"] for r in result.rows] == ["2029"]


def test_short_rows_missing_columns_and_defaults(ref: Reference) -> None:
    sheet = Sheet(
        "S",
        [
            [None, None],
            ["数值", "指标", "单位"],
            [16, "正极材料年产能", "万吨", "stray"],
            [2.5, "cell_capacity"],
            [None, None, None],
            [7, "正极材料年产能 ", " 万吨 "],
        ],
    )
    options = LoadOptions(default_region="枣庄", default_period="2023年")
    result = load_long_sheet(sheet, ref, options)
    assert _found(result) == {(6, "", "duplicate-row")}  # no 地区 column to point at
    assert [(r["entity_code"], r["period"], r["value"], r["_row"]) for r in result.rows] == [
        ("370400", "2023", 160000, 3),
        ("370400", "2023", 2.5, 4),
    ]


def test_mapping_names_an_indicator(ref: Reference) -> None:
    result = load_long_sheet(
        _sheet(["枣庄", "常住人口数（万）", 2020, 385.56, "万人", "", ""]),
        ref,
        LoadOptions(mapping={"常住人口数（万）": "resident_population"}),
    )
    assert result.issues == [] and result.rows[0]["value"] == 3855600


def test_a_long_sheet_reads_like_one_row_at_a_time(ref: Reference) -> None:
    """Many rows through the remembered lookups give what each row alone gives."""
    regions = ["枣庄", "370400", "天津市", "120000", "山东省", "未知市"]
    cells = [
        (regions[i % 6], ["电芯年产能", "cell_capacity"][i % 2], 1990 + i % 40, v, u)
        for i, (v, u) in enumerate(
            [(16.5, ""), ("32GWh", ""), (0.25, "GWh"), ("约3.5", "GWh"), ("x", ""), (7, "MWh")] * 50
        )
    ]
    rows = [[r, ind, y, v, u, "", ""] for r, ind, y, v, u in cells]
    whole = load_long_sheet(_sheet(*rows), ref, LoadOptions())
    one_by_one_rows, one_by_one_issues = [], []
    for i, row in enumerate(rows):
        single = load_long_sheet(_sheet(*[[None] * 7] * i, row), ref, LoadOptions())
        one_by_one_rows += single.rows
        one_by_one_issues += single.issues
    seen = {(r["entity_code"], r["indicator_code"], r["period"]) for r in one_by_one_rows}
    assert len(seen) < len(one_by_one_rows)  # the whole sheet has repeats: reported there
    firsts = {}
    for r in one_by_one_rows:
        firsts.setdefault((r["entity_code"], r["indicator_code"], r["period"]), r)
    assert whole.rows == list(firsts.values())
    duplicates = [i for i in whole.issues if i.code == "duplicate-row"]
    assert [i for i in whole.issues if i.code != "duplicate-row"] == one_by_one_issues
    assert len(duplicates) == len(one_by_one_rows) - len(firsts)


# parse_quantity's fast path (qualifier words + plain decimal + a remembered unit) against the
# full reading of the same text.
NUMBERS = ["16", "0.9", "21.66", "-5", "007", "3645.4", "0", "123456789.123456789"]
HEADS = ["", "约", "超过", "近", " 约 ", "不足", "百分之", "逾过", "１", "约,"]
UNITS = [
    "", "万吨", "吨", "千克", "亩", "万亩", "公顷", "GWh", "MWh", "万千瓦", "亿元", "余", "余个",
    "多座", "万余吨", "个以上", "万吨左右", "%", "万%", "万吨以下", ".5吨", ",000吨", "0吨",
    "-20吨", "至20吨", " 万 吨 ", "万吨。", "萬噸", "吨钢", "名",
]  # fmt: skip
HINTS = [None, "t", "count", "person", "万吨", "kW", "percent", "furlongs"]


def _full_reading(text: str, hint: str | None) -> tuple[object, ...]:
    try:
        num, den, qualifier, factor, unit = quantities._parse(text, hint)
    except QuantityError as exc:
        return ("error", exc.message_en, exc.message_zh)
    value = float(Fraction(num, den) * factor)
    return (value, unit.canonical, qualifier, float(factor), unit.written)


def _fast_reading(text: str, hint: str | None) -> tuple[object, ...]:
    try:
        q = parse_quantity(text, hint)
    except QuantityError as exc:
        return ("error", exc.message_en, exc.message_zh)
    return (q.value, q.unit, q.qualifier, q.factor, q.unit_as_written)


@pytest.mark.parametrize("hint", HINTS)
def test_fast_figure_reading_equals_the_full_one(hint: str | None) -> None:
    for head in HEADS:
        for number in NUMBERS:
            for unit in UNITS:
                text = head + number + unit
                for _ in range(2):  # the second time from the memos
                    assert _fast_reading(text, hint) == _full_reading(text, hint), text


def test_memos_stay_bounded() -> None:
    for i in range(quantities._CACHE_SIZE + 10):
        with pytest.raises(QuantityError):
            parse_quantity(f"16个{i}", "t")
    assert len(quantities._UNIT_READINGS) <= quantities._CACHE_SIZE
    assert parse_quantity("16万吨", "t").value == 160000


def test_fast_path_reads_like_the_full_reading(ref: Reference, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every row the fast path takes gives what the full reading of that row gives.

    The reader remembers each distinct cell and computes a number cell's value straight from
    the float; ``_row`` reads the row's text the long way. Both must agree on every row (value
    bits, written text and factor included) and on every issue.
    """
    import datetime as dt
    import random

    from loaders.result import LoadResult
    from loaders.template import _LongReader

    rng = random.Random(7)
    units = {
        "正极材料年产能": ["", "万吨", "吨", "千克", " 万吨 ", "万吨左右", "余吨"],
        "cell_capacity": ["", "GWh", "MWh", "TWh"],
        "常住人口": ["", "万人", "人", "万"],
        "enterprises": ["", "个", "余", "家", "多家"],
    }
    odd_units = ["万吨", ".5吨", "5", 5.0, None, "亿元", "x"]
    values = [
        16.0, 21.66, 0.1, 1e-05, 123456789.125, -5.5, 0.0, 1e22, float("nan"), float("inf"),
        7, True, "16万", "约3.5", "180余", "四十几", "", " 32 ", dt.date(2020, 1, 1), 3645.4,
        0.3, 2.675, 1234.5678, 5e-324, 9007199254740993.0,
    ]  # fmt: skip

    def row() -> list[object]:
        odd = rng.random() < 0.08
        indicator = rng.choice([*units, "电芯年产能", "x"] if odd else list(units))
        year = rng.randrange(1800, 2200)
        return [
            rng.choice(["枣庄", "370400", "天津市", " 山东 ", "未知市", "", True, 370400.0])
            if odd
            else rng.choice(["枣庄", "370400", "天津市", "山东省"]),
            indicator,
            rng.choice(
                [float(year), year, f"{year}年", f"{year}年{rng.randrange(1, 13)}月", str(year)]
                + (["明年", dt.date(year, 1, 1), "", True] if odd else [])
            ),
            rng.choice(values) if odd or rng.random() < 0.2 else round(rng.uniform(0, 1e4), 2),
            rng.choice(odd_units) if odd else rng.choice(units.get(indicator, [""])),
            rng.choice(["", "约", "以上", "大概", None, 1.0] if odd else ["", "", "约"]),
            rng.choice(["公报", "", None, 2024.0]),
        ]

    rows = [row() for _ in range(5000)]
    sheet = _sheet(*rows)
    slow_rows = []
    full_reading = _LongReader._row

    def counted(self, cell, number):  # type: ignore[no-untyped-def]
        slow_rows.append(number)
        return full_reading(self, cell, number)

    monkeypatch.setattr(_LongReader, "_row", counted)
    fast = load_long_sheet(sheet, ref, LoadOptions())
    assert len(slow_rows) < len(rows) / 2, "the fast path took too few rows"
    slow = LoadResult()
    reader = _LongReader(slow, ref, sheet, HEADER, LoadOptions())
    for number, cells in enumerate(rows, start=2):
        full_reading(reader, list(cells), number)
    assert len(fast.issues) > 300 and fast.issues == slow.issues
    assert len(fast.rows) == len(slow.rows)
    for a, b in zip(fast.rows, slow.rows, strict=True):
        assert a == b
        assert repr(a["value"]) == repr(b["value"])  # the same float, not one a bit off
