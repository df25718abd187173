"""Tests for loaders.quantities: figures as Chinese documents write them."""

from __future__ import annotations

import dataclasses
import math

import pytest

from loaders.quantities import (
    CANONICAL_UNITS,
    Quantity,
    QuantityError,
    combine_qualifiers,
    parse_quantity,
)

# (text, unit_hint, value, unit, qualifier, factor, unit_as_written)
READABLE = [
    # the figures of the seed documents
    ("16万吨", None, 160000, "t", "exact", 1e4, "万吨"),
    ("6万吨", None, 60000, "t", "exact", 1e4, "万吨"),
    ("0.9万吨", None, 9000, "t", "exact", 1e4, "万吨"),
    ("21亿平米", None, 2.1e9, "m2", "exact", 1e8, "亿平米"),
    ("32GWh", None, 32, "GWh", "exact", 1, "GWh"),
    ("270家", None, 270, "count", "exact", 1, "家"),
    ("超过400亿元", None, 4e10, "CNY", "at_least", 1e8, "亿元"),
    ("180余个", None, 180, "count", "at_least", 1, "个"),
    ("3200余件", None, 3200, "count", "at_least", 1, "件"),
    ("1.02亿千瓦", None, 1.02e8, "kW", "exact", 1e8, "亿千瓦"),
    ("6503万千瓦", None, 6.503e7, "kW", "exact", 1e4, "万千瓦"),
    ("553.8万千瓦", None, 5.538e6, "kW", "exact", 1e4, "万千瓦"),
    ("76.2万千瓦", "kW", 762000, "kW", "exact", 1e4, "万千瓦"),
    ("4564平方公里", None, 4564, "km2", "exact", 1, "平方公里"),
    ("422万", "person", 4.22e6, "person", "exact", 1e4, "万"),
    ("21.66万辆", None, 216600, "vehicle", "exact", 1e4, "万辆"),
    ("近300条", None, 300, "count", "approx", 1, "条"),
    ("5000多座", None, 5000, "count", "at_least", 1, "座"),
    ("24万亩", None, 160, "km2", "exact", 1e4 / 1500, "万亩"),
    ("46%", None, 46, "percent", "exact", 1, "%"),
    ("四十余人", None, 40, "person", "at_least", 1, "人"),
    ("二十家", None, 20, "count", "exact", 1, "家"),
    ("两个", None, 2, "count", "exact", 1, "个"),
    ("200余名", "person", 200, "person", "at_least", 1, "名"),
    ("5 名", "count", 5, "count", "exact", 1, "名"),
    ("40 余家", "count", 40, "count", "at_least", 1, "家"),
    ("过50亿元以上", None, 5e9, "CNY", "at_least", 1e8, "亿元"),
    ("突破1亿千瓦", None, 1e8, "kW", "at_least", 1e8, "亿千瓦"),
    ("2500亿元", "CNY", 2.5e11, "CNY", "exact", 1e8, "亿元"),
    # full-width digits and signs, thousands separators, blanks
    ("１６万吨", None, 160000, "t", "exact", 1e4, "万吨"),
    ("４６％", None, 46, "percent", "exact", 1, "%"),
    ("1,234", "count", 1234, "count", "exact", 1, ""),
    ("1,234,567元", None, 1234567, "CNY", "exact", 1, "元"),
    ("１，２３４个", None, 1234, "count", "exact", 1, "个"),
    (" 16 万吨 ", None, 160000, "t", "exact", 1e4, "万吨"),
    ("16万吨。", None, 160000, "t", "exact", 1e4, "万吨"),
    # qualifier words
    ("约5万吨", None, 50000, "t", "approx", 1e4, "万吨"),
    ("大约5万吨", None, 50000, "t", "approx", 1e4, "万吨"),
    ("5万吨左右", None, 50000, "t", "approx", 1e4, "万吨"),
    ("将近300条", None, 300, "count", "approx", 1, "条"),
    ("逾3000人", None, 3000, "person", "at_least", 1, "人"),
    ("50亿元以上", None, 5e9, "CNY", "at_least", 1e8, "亿元"),
    ("超过40家", None, 40, "count", "at_least", 1, "家"),
    ("超40家", None, 40, "count", "at_least", 1, "家"),
    ("1万余吨", None, 10000, "t", "at_least", 1e4, "万吨"),
    ("40余万吨", None, 400000, "t", "at_least", 1e4, "万吨"),
    ("20来个", None, 20, "count", "approx", 1, "个"),
    ("约180余个", None, 180, "count", "approx", 1, "个"),
    ("达553.8万千瓦", None, 5.538e6, "kW", "exact", 1e4, "万千瓦"),
    ("共计24个", None, 24, "count", "exact", 1, "个"),
    ("已达到1.02亿千瓦", None, 1.02e8, "kW", "exact", 1e8, "亿千瓦"),
    # Chinese numerals
    ("十个", None, 10, "count", "exact", 1, "个"),
    ("十余个", None, 10, "count", "at_least", 1, "个"),
    ("十五家", None, 15, "count", "exact", 1, "家"),
    ("一百零五家", None, 105, "count", "exact", 1, "家"),
    ("一千零五十人", None, 1050, "person", "exact", 1, "人"),
    ("两千人", None, 2000, "person", "exact", 1, "人"),
    ("三万吨", None, 30000, "t", "exact", 1, "吨"),
    ("一万零五吨", None, 10005, "t", "exact", 1, "吨"),
    ("一万五千吨", None, 15000, "t", "exact", 1, "吨"),
    ("一亿二千万元", None, 1.2e8, "CNY", "exact", 1, "元"),
    ("三万亿元", None, 3e12, "CNY", "exact", 1, "元"),
    ("四十万千瓦", None, 400000, "kW", "exact", 1, "千瓦"),
    ("一亿千瓦", None, 1e8, "kW", "exact", 1, "千瓦"),
    ("三点五万吨", None, 35000, "t", "exact", 1e4, "万吨"),
    ("二〇二四个", None, 2024, "count", "exact", 1, "个"),
    ("〇个", None, 0, "count", "exact", 1, "个"),
    ("零个", None, 0, "count", "exact", 1, "个"),
    ("百余家", None, 100, "count", "at_least", 1, "家"),
    ("千余人", None, 1000, "person", "at_least", 1, "人"),
    ("逾百人", None, 100, "person", "at_least", 1, "人"),
    ("近万人", None, 10000, "person", "approx", 1, "人"),
    ("过亿元", None, 1e8, "CNY", "at_least", 1, "元"),
    ("叁拾伍个", None, 35, "count", "exact", 1, "个"),
    ("百分之四十六", None, 46, "percent", "exact", 1, "百分之"),
    # units
    ("3千瓦", None, 3, "kW", "exact", 1, "千瓦"),
    ("50兆瓦", None, 50000, "kW", "exact", 1e3, "兆瓦"),
    ("50MW", None, 50000, "kW", "exact", 1e3, "MW"),
    ("1.5吉瓦", None, 1.5e6, "kW", "exact", 1e6, "吉瓦"),
    ("2GW", None, 2e6, "kW", "exact", 1e6, "GW"),
    ("30kW", None, 30, "kW", "exact", 1, "kW"),
    ("500MWh", None, 0.5, "GWh", "exact", 1e-3, "MWh"),
    ("1.2gwh", None, 1.2, "GWh", "exact", 1, "gwh"),
    ("5000万千瓦时", None, 50, "GWh", "exact", 1e-2, "万千瓦时"),
    ("15平方米", None, 15, "m2", "exact", 1, "平方米"),
    ("15㎡", None, 15, "m2", "exact", 1, "m2"),
    ("15 m²", None, 15, "m2", "exact", 1, "m2"),
    ("3km²", None, 3, "km2", "exact", 1, "km2"),
    ("3平方千米", None, 3, "km2", "exact", 1, "平方千米"),
    ("1500亩", None, 1, "km2", "exact", 1 / 1500, "亩"),
    ("200公顷", None, 2, "km2", "exact", 0.01, "公顷"),
    ("500千克", None, 0.5, "t", "exact", 0.001, "千克"),
    ("300万元", None, 3e6, "CNY", "exact", 1e4, "万元"),
    ("8辆", None, 8, "vehicle", "exact", 1, "辆"),
    ("3万人", None, 30000, "person", "exact", 1e4, "万人"),
    ("3项", None, 3, "count", "exact", 1, "项"),
    ("57种", None, 57, "count", "exact", 1, "种"),
    # the unit from the hint: canonical or as a unit row writes it
    ("6503", "万千瓦", 6.503e7, "kW", "exact", 1e4, "万千瓦"),
    ("16", "万吨", 160000, "t", "exact", 1e4, "万吨"),
    ("46", "percent", 46, "percent", "exact", 1, ""),
    ("2.1", "亿平方米", 2.1e8, "m2", "exact", 1e8, "亿平方米"),
    ("16万吨", "万吨", 160000, "t", "exact", 1e4, "万吨"),
    ("-5%", None, -5, "percent", "exact", 1, "%"),
]


@pytest.mark.parametrize(
    ("text", "hint", "value", "unit", "qualifier", "factor", "written"), READABLE
)
def test_parse_quantity(
    text: str,
    hint: str | None,
    value: float,
    unit: str,
    qualifier: str,
    factor: float,
    written: str,
) -> None:
    q = parse_quantity(text, unit_hint=hint)
    assert math.isclose(q.value, value, rel_tol=1e-12, abs_tol=1e-12)
    assert q.unit == unit
    assert q.qualifier == qualifier
    assert math.isclose(q.factor, factor, rel_tol=1e-12)
    assert q.unit_as_written == written
    assert q.unit in CANONICAL_UNITS


def test_traditional_numerals_after_opencc() -> None:
    # 萬/億/兩 are folded by the parser itself; other characters are the caller's job.
    assert parse_quantity("兩萬吨").value == 20000
    assert parse_quantity("1.02億千瓦").value == 1.02e8


def test_exact_arithmetic() -> None:
    # floats would give 216599.99999999997 for 21.66 * 10000
    assert parse_quantity("21.66万辆").value == 216600
    assert parse_quantity("24万亩").value == 160
    assert parse_quantity("0.9万吨").value == 9000


def test_quantity_is_frozen() -> None:
    q = parse_quantity("16万吨")
    assert isinstance(q, Quantity)
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.value = 1  # type: ignore[misc]


UNREADABLE = [
    ("", None, "empty"),
    ("   ", None, "empty"),
    ("—", None, "missing"),
    ("-", None, "missing"),
    ("…", None, "missing"),
    ("abc", None, "no number"),
    ("万吨", None, "no number"),
    ("百家", None, "no number"),
    ("共万吨", None, "no number"),
    ("16万千瓦", "万吨", "expected t"),
    ("2024年", None, "unknown unit"),
    ("两大", None, "unknown unit"),
    ("16万美元", None, "unknown unit"),
    ("16万吨钢", None, "unknown unit"),
    ("30—50亿元", None, "range"),
    ("10-30亿元", None, "range"),
    ("三至五个", None, "range"),
    ("5~8万吨", None, "range"),
    ("不足5万吨", None, "upper bound"),
    ("不超过5万吨", None, "upper bound"),
    ("5万吨以下", None, "upper bound"),
    ("422万", None, "no unit"),
    ("46", None, "no unit"),
    ("16万吨", "kW", "expected kW"),
    ("四十余人", "count", "expected count"),
    ("46%", "t", "expected t"),
    ("16万", "万吨", "clashing"),
    ("一万五", None, "cannot read the number"),
    ("一百五", None, "cannot read the number"),
    ("1.2.3吨", None, "cannot read the number"),
    ("46万%", None, "unknown unit"),
    ("16万吨", "furlongs", "unknown unit hint"),
]


@pytest.mark.parametrize(("text", "hint", "fragment"), UNREADABLE)
def test_unreadable_raises(text: str, hint: str | None, fragment: str) -> None:
    with pytest.raises(QuantityError) as info:
        parse_quantity(text, unit_hint=hint)
    err = info.value
    assert isinstance(err, ValueError)
    assert fragment in err.message_en
    assert err.message_zh and any("\u4e00" <= c <= "\u9fff" for c in err.message_zh)
    assert err.message_en in str(err) and err.message_zh in str(err)


@pytest.mark.parametrize("bad", [None, 16, 1.5, b"16"])
def test_non_text_raises(bad: object) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("qs", "expected"),
    [
        ([], "exact"),
        (["exact"], "exact"),
        (["exact", "exact"], "exact"),
        (["exact", "at_least"], "at_least"),
        (["at_least", "at_least"], "at_least"),
        (["exact", "approx"], "approx"),
        (["at_least", "approx"], "approx"),
        (["approx", "at_least", "exact"], "approx"),
        (iter(["exact", "at_least"]), "at_least"),
        (("exact" for _ in range(3)), "exact"),
    ],
)
def test_combine_qualifiers(qs: object, expected: str) -> None:
    assert combine_qualifiers(qs) == expected  # type: ignore[arg-type]


def test_combine_qualifiers_rejects_unknown() -> None:
    with pytest.raises(QuantityError):
        combine_qualifiers(["exact", "about"])
