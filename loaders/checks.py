"""Checks over a whole load result, after every sheet is read (e.g. a forgotten 万).

- ``magnitude-jump`` (warning): a figure about 10 000 (or 100 000 000) times off the region's
  stored figure of the same (or nearest) year for the same indicator: most likely 万 (亿) was
  left out or written twice.
- ``duplicate-row`` (error): the same region, indicator and period on two sheets of one
  workbook (each sheet's own repeats are reported by its reader).
- ``negative-value`` (error): a negative figure of a quantity that cannot be one (a capacity,
  a count, money); ``implausible-value`` (error): a figure larger than any region could have
  (``PLAUSIBLE_MAX``, about ten times the nation's), most likely a wrong unit or extra digits.
- ``future-period`` (warning): a period after this year: a target or a projection, or a typo.
- ``markup-in-text``, ``formula-text``, ``text-too-long`` (errors): a source or a name that
  holds web markup (``<script>``), starts like a spreadsheet formula (``=HYPERLINK(…)``,
  ``+cmd``, ``@SUM``) or is longer than anyone writes one. Pages show such text as text and
  exports neutralise it, but it is no source or name: it is refused before it is stored.

Rows say where they come from in ``_sheet``, ``_row`` and ``_column`` (when their reader
knows it); a row without ``_sheet`` is named by its row number alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterator
from itertools import compress, repeat
from operator import is_not

import numpy as np

from loaders.reference import Reference
from loaders.result import Issue, LoadResult, TidyColumns

History = dict[tuple[str, str], dict[int, float]]

#: factor → the word that makes it; a ratio within JUMP_TOLERANCE (in powers of ten) counts
JUMP_WORDS = {4: "万", 8: "亿"}
JUMP_TOLERANCE = 0.5
NEAREST_YEARS = 2


def check_result(result: LoadResult, ref: Reference, across_sheets: bool = True) -> None:
    """Append issues to ``result.issues``; never drops rows.

    ``across_sheets=False``: the rows come from one sheet, whose reader reported its own
    repeats, so the duplicate pass is skipped.
    """
    if across_sheets:
        _duplicates_across_sheets(result)
    _magnitude_jumps(result, ref)
    check_values(result)
    check_texts(result)


def _place(row: dict[str, object]) -> tuple[str, int | None, str]:
    row_number = row.get("_row")
    return (
        str(row.get("_sheet") or ""),
        int(row_number) if isinstance(row_number, int) else None,
        str(row.get("_column") or ""),
    )


Place = tuple[str, int | None, str]  # sheet, row, column


def _keyed(result: LoadResult) -> Iterator[tuple[tuple[object, ...], Place, object]]:
    """(entity type, entity code, indicator, period), place and entity name of every row."""
    for part in result.parts:
        if isinstance(part, TidyColumns):
            names, sheet, column, etype = part.regions, part.sheet, part.column, part.entity_type
            for code, indicator, period, number in zip(
                part.entity_code, part.indicator_code, part.period, part.row, strict=True
            ):
                yield (etype, code, indicator, period), (sheet, number, column), names[code][0]
            continue
        for row in part:
            key = tuple(
                row.get(k) for k in ("entity_type", "entity_code", "indicator_code", "period")
            )
            yield key, _place(row), row.get("entity_name_zh", "")


def _duplicates_across_sheets(result: LoadResult) -> None:
    first: dict[tuple[object, ...], Place] = {}
    for key, place, name in _keyed(result):
        if key not in first:
            first[key] = place
            continue
        sheet, number, column = place
        first_sheet, first_number, _ = first[key]
        issue = Issue.make(
            "duplicate-row-sheets",
            sheet=sheet,
            row=number,
            column=column,
            cell=name,
            first_sheet=first_sheet,
            first=first_number or "",
        )
        result.issues.append(dataclasses.replace(issue, code="duplicate-row"))


def _magnitude_jumps(result: LoadResult, ref: Reference) -> None:
    history = ref.history
    if not history:
        return
    for part in result.parts:
        if isinstance(part, TidyColumns):
            _column_jumps(result, part, history)
            continue
        for row in part:
            if row.get("entity_type") != "region":
                continue
            years = history.get((str(row["entity_code"]), str(row["indicator_code"])))
            if years is None:  # most rows: nothing stored to compare with
                continue
            _jump(result, row.get("value"), years, row, _place(row))


def _column_jumps(result: LoadResult, part: TidyColumns, history: History) -> None:
    """``_magnitude_jumps`` over columns: the rows with a stored history are found at once."""
    if part.entity_type != "region":
        return
    found = list(map(history.get, zip(part.entity_code, part.indicator_code)))
    if found.count(None) == len(found):
        return
    units = part.indicators
    for i in compress(range(len(found)), map(is_not, found, repeat(None))):
        years = found[i]
        previous = _nearest(years, part.period[i])
        value = part.value[i]
        if previous and value > 0 and previous > 0 and _jump_size(value, previous):
            row = {
                "period": part.period[i],
                "unit": units[part.indicator_code[i]][2],
                "value_as_written": part.value_as_written[i],
            }
            _jump(result, value, years, row, (part.sheet, part.row[i], part.column))


def _jump_size(value: float, previous: float) -> bool:
    """Is ``value`` about 万 or 亿 times off ``previous`` (both above 0)?"""
    power = abs(math.log10(value / previous))
    return any(abs(power - size) <= JUMP_TOLERANCE for size in JUMP_WORDS)


def _jump(
    result: LoadResult, value: object, years: dict[int, float], row: dict[str, object], at: Place
) -> None:
    """A magnitude-jump warning when ``value`` is about 万 or 亿 times off the stored figure."""
    previous = _nearest(years, str(row.get("period", "")))
    if not previous or not isinstance(value, int | float) or value <= 0 or previous <= 0:
        return
    power = math.log10(value / previous)
    for size, word in JUMP_WORDS.items():
        if abs(abs(power) - size) <= JUMP_TOLERANCE:
            sheet, number, column = at
            unit = row.get("unit", "")
            result.issues.append(
                Issue.make(
                    "magnitude-jump",
                    severity="warning",
                    sheet=sheet,
                    row=number,
                    column=column,
                    cell=row.get("value_as_written", ""),
                    new=f"{_fmt(value)} {unit}",
                    previous=f"{_fmt(previous)} {unit}",
                    factor=f"{10**size:,}",
                    word=word,
                    direction="漏写" if power < 0 else "多写",
                    direction_en="left out" if power < 0 else "written twice",
                )
            )
            return


def _nearest(years: dict[int, float] | None, period: str) -> float | None:
    """The stored figure of the same year, else of the nearest year within NEAREST_YEARS.

    Comparing with a figure of the same time keeps fast-growing series (a new industry's
    output can grow 10 000 times in fifteen years) from looking like a forgotten 万.
    """
    if not years or not period[:4].isdigit():
        return None
    year = int(period[:4])
    if year in years:  # the nearest, at once
        return years[year]
    best = min(years, key=lambda y: (abs(y - year), -y))
    return years[best] if abs(best - year) <= NEAREST_YEARS else None


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


# --- figures that cannot be right, periods still to come ---------------------------------------

#: the largest figure a region can have, per canonical unit: about ten times the nation's
PLAUSIBLE_MAX = {
    "t": 1e10,
    "m2": 1e12,
    "km2": 1e8,
    "GWh": 1e6,
    "kW": 1e11,
    "CNY": 1e15,
    "count": 1e9,
    "vehicle": 1e9,
    "person": 1e10,
}
NON_NEGATIVE = frozenset(PLAUSIBLE_MAX)  # every unit but ``percent`` (a share, a change)
_YEAR = re.compile(r"(\d{4})")


def this_year() -> int:
    return dt.date.today().year


def check_values(result: LoadResult) -> None:
    """Negative and implausible figures (errors), periods after this year (one warning per
    sheet and period, at its first row)."""
    future: dict[tuple[str, str], list[object]] = {}  # (sheet, period) → [row, column, count]
    year = this_year()
    for part in result.parts:
        if isinstance(part, TidyColumns):
            _column_values(result, part, future, year)
            continue
        for row in part:
            place = _place(row)
            written = row.get("value_as_written", "")
            _value(result, row.get("value"), str(row.get("unit", "")), written, place)
            _future(future, str(row.get("period", "")), place, year)
    for (sheet, period), (number, column, count) in future.items():
        result.issues.append(
            Issue.make(
                "future-period",
                severity="warning",
                sheet=sheet,
                row=number,  # type: ignore[arg-type]
                column=str(column),
                cell=period,
                count=count,
                year=year,
            )
        )
    for project in result.projects:
        place = (str(project.get("_sheet", "")), project.get("_row"), "")
        written = project.get("value_as_written", "")
        _value(result, project.get("investment"), "CNY", written, place)  # type: ignore[arg-type]


def _column_values(
    result: LoadResult, part: TidyColumns, future: dict[tuple[str, str], list[object]], year: int
) -> None:
    """``check_values`` of rows that come as columns: the bounds of each row's unit compared
    at once, only the rows out of them (and the distinct periods to come) looked at one by
    one: an import of 100 000 rows spends milliseconds here, not a tenth of a second."""
    units = {code: unit for code, (_, _, unit) in part.indicators.items()}
    high = {code: PLAUSIBLE_MAX.get(unit, math.inf) for code, unit in units.items()}
    low = {code: 0.0 if unit in NON_NEGATIVE else -math.inf for code, unit in units.items()}
    n = len(part.value)
    values = np.fromiter(part.value, float, n)
    highs = np.fromiter(map(high.__getitem__, part.indicator_code), float, n)
    lows = np.fromiter(map(low.__getitem__, part.indicator_code), float, n)
    for i in np.flatnonzero((values < lows) | (values > highs)).tolist():
        place = (part.sheet, part.row[i], part.column)
        unit = units[part.indicator_code[i]]
        _value(result, part.value[i], unit, part.value_as_written[i], place)
    to_come = [p for p in set(part.period) if _period_year(p) > year]
    for period in sorted(to_come, key=part.period.index):
        seen = future.get((part.sheet, period))
        count = part.period.count(period)
        if seen is None:
            row = part.row[part.period.index(period)]
            future[(part.sheet, period)] = [row, part.column, count]
        else:
            seen[2] += count  # type: ignore[operator]


def _value(result: LoadResult, value: object, unit: str, written: object, at: Place) -> None:
    if not isinstance(value, int | float) or unit not in NON_NEGATIVE:
        return
    sheet, number, column = at
    if value < 0:
        result.issues.append(
            Issue.make("negative-value", sheet=sheet, row=number, column=column, cell=written)
        )
    elif value > PLAUSIBLE_MAX[unit]:
        result.issues.append(
            Issue.make(
                "implausible-value",
                sheet=sheet,
                row=number,
                column=column,
                cell=written,
                value=_fmt(value),
                limit=_fmt(PLAUSIBLE_MAX[unit]),
                unit=unit,
            )
        )


def _period_year(period: str) -> int:
    """The year a period ends in (``2023-11/2024-02`` → 2024), 0 when it names none."""
    years = _YEAR.findall(period.rpartition("/")[2] or period)
    return int(years[0]) if years else 0


def _future(found: dict[tuple[str, str], list[object]], period: str, at: Place, year: int) -> None:
    if _period_year(period) <= year:
        return
    sheet, number, column = at
    seen = found.get((sheet, period))
    if seen is None:
        found[(sheet, period)] = [number, column, 1]
    else:
        seen[2] += 1  # type: ignore[operator]


# --- text that is no source or name -------------------------------------------------------------

#: the longest text a field may hold; longer is a paste gone wrong (or an attack)
TEXT_LIMITS = {"source": 500, "name_zh": 200, "event": 200}
#: the field's header in the template, for messages
FIELD_WORDS = {
    "source": ("来源", "source"),
    "name_zh": ("名称", "name"),
    "event": ("活动", "event"),
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # as exports.csv neutralises them
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>|<\s*/?\s*(?:script|iframe|img|svg)\b", re.I)
_ONLY_DASHES = re.compile(r"^[-\s]*$")  # "-" or "--": a missing marker, not a formula


def check_texts(result: LoadResult) -> None:
    """One error per distinct bad text of a field in a sheet, at its first row."""
    seen: set[tuple[str, str, str]] = set()
    for part in result.parts:
        if isinstance(part, TidyColumns):
            if all(_text_problem(s, "source") is None for s in set(part.source)):
                continue
            for i, source in enumerate(part.source):
                _text(result, seen, source, "source", (part.sheet, part.row[i], part.column))
            continue
        for row in part:
            _text(result, seen, row.get("source"), "source", _place(row))
    for entity in [*result.projects, *result.members]:
        place = (str(entity.get("_sheet", "")), entity.get("_row"), "")
        for field in ("name_zh", "event", "source"):
            _text(result, seen, entity.get(field), field, place)  # type: ignore[arg-type]


def _text_problem(text: object, field: str) -> tuple[str, dict[str, object]] | None:
    """(issue code, its parameters) when ``text`` is no ``field``, else None."""
    if not isinstance(text, str) or not text:
        return None
    if len(text) > TEXT_LIMITS[field]:
        return "text-too-long", {"length": f"{len(text):,}", "limit": TEXT_LIMITS[field]}
    if m := _MARKUP.search(text):
        return "markup-in-text", {"tag": m[0][:40]}
    if text.startswith(FORMULA_START) and not _ONLY_DASHES.match(text):
        return "formula-text", {"start": text[0].strip() or " "}
    return None


def _text(
    result: LoadResult, seen: set[tuple[str, str, str]], text: object, field: str, at: Place
) -> None:
    found = _text_problem(text, field)
    if found is None:
        return
    sheet, number, _ = at
    if (sheet, field, str(text)) in seen:
        return
    seen.add((sheet, field, str(text)))
    code, params = found
    zh, en = FIELD_WORDS[field]
    result.issues.append(
        Issue.make(code, sheet=sheet, row=number, cell=text, field=zh, field_en=en, **params)
    )
