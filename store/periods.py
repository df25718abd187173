"""Periods as the data writes them: a year, a month, a day, a half-year, a quarter, a range."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("year", re.compile(r"^(?P<y>\d{4})$")),
    ("half", re.compile(r"^(?P<y>\d{4})H(?P<n>[12])$")),
    ("quarter", re.compile(r"^(?P<y>\d{4})Q(?P<n>[1-4])$")),
    ("month", re.compile(r"^(?P<y>\d{4})-(?P<m>0[1-9]|1[0-2])$")),
    ("day", re.compile(r"^(?P<y>\d{4})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])$")),
    (
        "range",
        re.compile(r"^(?P<y0>\d{4})-(?P<m0>0[1-9]|1[0-2])/(?P<y>\d{4})-(?P<m>0[1-9]|1[0-2])$"),
    ),
]


class PeriodError(ValueError):
    """A period string the store does not understand."""


@dataclass(frozen=True)
class Period:
    text: str
    kind: str
    year: int
    sort_key: str

    def label(self, lang: str) -> str:
        """How a reader sees the period: 2024年8月 / Aug 2024."""
        m = _match(self.text)[1]
        y = m["y"]
        zh = lang != "en"
        if self.kind == "year":
            return f"{y}年" if zh else y
        if self.kind == "half":
            return (f"{y}年上半年" if m["n"] == "1" else f"{y}年下半年") if zh else f"{y} H{m['n']}"
        if self.kind == "quarter":
            return f"{y}年第{m['n']}季度" if zh else f"{y} Q{m['n']}"
        if self.kind == "month":
            return f"{y}年{int(m['m'])}月" if zh else f"{_MONTHS[int(m['m'])]} {y}"
        if self.kind == "day":
            return f"{y}年{int(m['m'])}月{int(m['d'])}日" if zh else self.text
        if m["y0"] == y:
            return (
                f"{y}年{int(m['m0'])}—{int(m['m'])}月"
                if zh
                else f"{y} {_MONTHS[int(m['m0'])]}–{_MONTHS[int(m['m'])]}"
            )
        return self.text


_MONTHS = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _match(text: str) -> tuple[str, re.Match[str]]:
    for kind, pattern in _PATTERNS:
        m = pattern.match(text)
        if m:
            return kind, m
    raise PeriodError(f"unknown period {text!r}")


def parse_period(text: str) -> Period:
    """Parse ``2024``, ``2024H1``, ``2024Q2``, ``2024-08``, ``2024-08-13`` or ``2023-01/2023-05``.

    ``year`` is the year the period ends in; ``sort_key`` orders periods by their end.
    """
    text = str(text).strip()
    kind, m = _match(text)
    y = int(m["y"])
    end_month = {
        "year": 12,
        "half": 6 * int(m["n"]) if kind == "half" else 0,
        "quarter": 3 * int(m["n"]) if kind == "quarter" else 0,
    }.get(kind) or int(m["m"])
    day = m["d"] if kind == "day" else "99"
    return Period(text=text, kind=kind, year=y, sort_key=f"{y:04d}-{end_month:02d}-{day}")


def observation_row(
    record: dict,
    *,
    value: float,
    source_id: int,
    rev_from: int,
    sentence: str,
    status: str = "reported",
    note: str = "",
) -> dict:
    """The column values of a new observation from a tidy record (period parsed here)."""
    period = parse_period(str(record["period"]))
    return {
        "entity_type": record["entity_type"],
        "entity_code": record["entity_code"],
        "indicator_code": record["indicator_code"],
        "period": period.text,
        "period_kind": period.kind,
        "year": period.year,
        "value": value,
        "qualifier": record["qualifier"],
        "value_as_written": record["value_as_written"],
        "source_id": source_id,
        "sentence": sentence,
        "status": status,
        "note": note,
        "rev_from": rev_from,
        "rev_to": None,
    }
