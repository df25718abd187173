from __future__ import annotations

import pytest

from figures.format import chart_label, format_number, format_quantity, singular
from store.periods import PeriodError, parse_period

CATHODE = {
    "display_zh_factor": 1e4,
    "display_zh_unit": "万吨",
    "display_en_factor": 1e3,
    "display_en_unit": "kt",
}
PLATFORMS = {
    "display_zh_factor": 1,
    "display_zh_unit": "个",
    "display_en_factor": 1,
    "display_en_unit": "platforms",
}
SHARE = {
    "display_zh_factor": 1,
    "display_zh_unit": "%",
    "display_en_factor": 1,
    "display_en_unit": "%",
}


@pytest.mark.parametrize(
    ("text", "kind", "year", "zh"),
    [
        ("2024", "year", 2024, "2024年"),
        ("2024H1", "half", 2024, "2024年上半年"),
        ("2024Q2", "quarter", 2024, "2024年第2季度"),
        ("2024-08", "month", 2024, "2024年8月"),
        ("2024-08-13", "day", 2024, "2024年8月13日"),
        ("2023-01/2023-05", "range", 2023, "2023年1—5月"),
    ],
)
def test_periods(text: str, kind: str, year: int, zh: str) -> None:
    p = parse_period(text)
    assert (p.kind, p.year, p.label("zh")) == (kind, year, zh)


def test_period_order_and_errors() -> None:
    order = ["2024H1", "2024-07", "2024-08-13", "2024-08", "2024"]
    assert sorted(order, key=lambda s: parse_period(s).sort_key) == order
    for bad in ("24", "2024-13", "2024H3", "二〇二四", ""):
        with pytest.raises(PeriodError):
            parse_period(bad)


def test_quantities_as_readers_see_them() -> None:
    assert format_quantity(160000, "exact", CATHODE, "zh") == "16万吨"
    assert format_quantity(160000, "exact", CATHODE, "en") == "160 kt"
    assert format_quantity(180, "at_least", PLATFORMS, "zh") == "180余个"
    assert format_quantity(180, "at_least", PLATFORMS, "en") == "180+ platforms"
    assert format_quantity(300, "approx", PLATFORMS, "zh") == "约300个"
    assert format_quantity(46, "exact", SHARE, "en") == "46%"
    # one of a count is singular in English, unless it is a lower bound
    assert format_quantity(1, "exact", PLATFORMS, "en") == "1 platform"
    assert format_quantity(1, "approx", PLATFORMS, "en") == "~1 platform"
    assert format_quantity(1, "at_least", PLATFORMS, "en") == "1+ platforms"
    assert format_quantity(1000, "exact", CATHODE, "en") == "1 kt"
    assert [singular(u) for u in ("people", "areas", "kt", "thousand vehicles", "CNY bn")] == [
        "person", "area", "kt", "thousand vehicles", "CNY bn",
    ]  # fmt: skip
    assert format_number(10200) == "10,200" and format_number(385.5601) == "385.56"
    assert format_number(0.9) == "0.9" and format_number(0.0042) == "0.0042"
    assert format_number(0.08299) == "0.083" and format_number(-0.12345) == "-0.123"
    assert format_number(0.0000123456) == "0.0000123" and format_number(0.99951) == "1"
    assert format_number(0) == "0" and format_number(-0.0) == "0"
    assert chart_label(180, "at_least", 1) == "180+" and chart_label(300, "approx", 1) == "~300"
