"""Checks over a whole load result, after every sheet is read (e.g. a forgotten 万).

- ``magnitude-jump`` (warning): a figure about 10 000 (or 100 000 000) times off the region's
  stored figure of the same (or nearest) year for the same indicator: most likely 万 (亿) was
  left out or written twice.
- ``duplicate-row`` (error): the same region, indicator and period on two sheets of one
  workbook (each sheet's own repeats are reported by its reader).

Rows say where they come from in ``_sheet``, ``_row`` and ``_column`` (when their reader
knows it); a row without ``_sheet`` is named by its row number alone.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from itertools import compress, repeat
from operator import is_not

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
