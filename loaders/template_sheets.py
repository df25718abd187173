"""The template's other sheets: wide (regions × years), signed projects, alliance members.

Each reader follows the same skeleton: find the header row → check the layout → tidy → return.
Detectors are cheap and look at headers only; a sheet's name is a hint, never a requirement.
The 说明 and 参考 sheets of the template carry no data and are read as empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from loaders.quantities import QuantityError, parse_quantity
from loaders.reference import Reference
from loaders.result import Issue, LoadResult, column_letter
from loaders.sheet import LoadOptions, Sheet
from loaders.template import cell_text, normalise_period
from loaders.template_entities import (
    is_members_sheet,
    is_projects_sheet,
    load_members_sheet,
    load_projects_sheet,
)
from loaders.template_vocab import (
    INFO_TITLE,
    LISTS_TITLE,
    SHEET_WIDE,
    WIDE_INDICATOR_LABEL,
    WIDE_REGION_HEADER,
    WIDE_SOURCE_LABEL,
    WIDE_UNIT_LABEL,
)
from store.periods import PeriodError, parse_period

Detector = Callable[[Sheet], bool]
Parser = Callable[[Sheet, Reference, LoadOptions], LoadResult]

HEADER_SCAN_ROWS = 10  # the header row of a template sheet lies within its first rows
_MISSING = re.compile(r"[-—–…－―‐]+|空|无|/|N/?A|n/?a")
_LABEL = re.compile(
    rf"^({WIDE_INDICATOR_LABEL}|{WIDE_UNIT_LABEL}|{WIDE_SOURCE_LABEL})(?:\s*[:：]\s*(.*))?$"
)
_FOOTNOTE = ("注", "说明", "备注", "数据来源")


# ---------------------------------------------------------------- the template's own notes


def is_template_notes(sheet: Sheet) -> bool:
    """The 说明 or 参考 sheet of the template: its first cell is the template's title."""
    first = cell_text(sheet.value(0, 0))
    return first in (INFO_TITLE, LISTS_TITLE)


def skip_sheet(sheet: Sheet, ref: Reference, options: LoadOptions) -> LoadResult:
    return LoadResult()


# ---------------------------------------------------------------- wide: regions × periods


def _period_of(text: str) -> str | None:
    """``2023年`` → ``2023``; None for a header that is not a period."""
    if not text:
        return None
    try:
        return parse_period(normalise_period(text)).text
    except PeriodError:
        return None


def _wide_header_row(sheet: Sheet) -> int | None:
    """The 0-based row whose first filled cell is 地区 and that has at least one period header."""
    for r in range(min(HEADER_SCAN_ROWS, sheet.n_rows)):
        texts = [cell_text(v) for v in sheet.cells[r]]
        filled = [t for t in texts if t]
        if filled and filled[0] == WIDE_REGION_HEADER and any(_period_of(t) for t in filled[1:]):
            return r
    return None


def _labels(sheet: Sheet, above: int) -> dict[str, tuple[str, int, int]]:
    """``指标``/``单位``/``来源`` labels above the header: label → (text, row, col) of its value.

    Both ``单位：万吨`` in one cell and ``单位`` | ``万吨`` in two cells are understood.
    """
    found: dict[str, tuple[str, int, int]] = {}
    for r in range(above):
        row = sheet.cells[r]
        for c, v in enumerate(row):
            m = _LABEL.match(cell_text(v))
            if not m or m[1] in found:
                continue
            if m[2] and m[2].strip():
                found[m[1]] = (m[2].strip(), r, c)
                continue
            nxt = next((i for i in range(c + 1, len(row)) if cell_text(row[i])), None)
            if nxt is not None:
                found[m[1]] = (cell_text(row[nxt]), r, nxt)
            else:
                found[m[1]] = ("", r, c + 1)
    return found


def is_wide_form(sheet: Sheet) -> bool:
    """A 地区 | 2020年 … header with an 指标 label above it (or a sheet named 宽表)."""
    header = _wide_header_row(sheet)
    if header is None:
        return False
    return sheet.name == SHEET_WIDE or WIDE_INDICATOR_LABEL in _labels(sheet, header)


def _wide_indicator(
    label: tuple[str, int, int] | None, sheet: Sheet, ref: Reference, options: LoadOptions
) -> tuple[str | None, Issue | None]:
    text, r, c = label or ("", 0, 1)
    mapped = options.mapping.get(text) or options.mapping.get(sheet.name)
    if not text and not mapped and len(set(options.mapping.values())) == 1:
        mapped = next(iter(options.mapping.values()))
    code = ref.indicator(mapped or text) if (mapped or text) else None
    if code is not None:
        return code, None
    return None, Issue.make(
        "unknown-indicator",
        sheet=sheet.name,
        row=r + 1,
        column=column_letter(c),
        cell=text,
        suggestions=ref.close_indicators(text) if text else [],
    )


def load_wide_sheet(sheet: Sheet, ref: Reference, options: LoadOptions) -> LoadResult:
    """One indicator; every (region, period) cell a tidy row, in the unit of the unit row."""
    result = LoadResult()
    header = _wide_header_row(sheet)
    if header is None:  # pragma: no cover - the detector found it
        result.issues.append(Issue.make("unknown-layout", sheet=sheet.name))
        return result
    labels = _labels(sheet, header)
    indicator, problem = _wide_indicator(labels.get(WIDE_INDICATOR_LABEL), sheet, ref, options)
    if problem is not None:
        result.issues.append(problem)
        return result
    ind = ref.indicators[indicator]
    unit_label = labels.get(WIDE_UNIT_LABEL)
    if unit_label is None or not unit_label[0]:
        result.issues.append(
            Issue.make(
                "missing-unit-row",
                sheet=sheet.name,
                row=header + 1,
                found=" ".join(cell_text(v) for v in sheet.cells[header] if cell_text(v))[:60],
            )
        )
        return result
    unit, ur, uc = unit_label
    try:
        unit_q = parse_quantity("1", unit_hint=unit)
    except QuantityError:
        unit_q = None
    if unit_q is None or unit_q.unit != ind["unit"]:
        result.issues.append(
            Issue.make(
                "unit-mismatch",
                sheet=sheet.name,
                row=ur + 1,
                column=column_letter(uc),
                cell=unit,
                unit=unit,
                expected=ind["unit"],
            )
        )
        return result
    head = [cell_text(v) for v in sheet.cells[header]]
    region_col = head.index(WIDE_REGION_HEADER)
    periods = {c: p for c, t in enumerate(head) if c != region_col and (p := _period_of(t))}
    source_col = head.index(WIDE_SOURCE_LABEL) if WIDE_SOURCE_LABEL in head else None
    sheet_source = labels.get(WIDE_SOURCE_LABEL, ("", 0, 0))[0]
    seen: dict[tuple[str, str], int] = {}
    for r in range(header + 1, sheet.n_rows):
        region_text = cell_text(sheet.value(r, region_col))
        values = {c: cell_text(sheet.value(r, c)) for c in periods}
        values = {c: v for c, v in values.items() if v and not _MISSING.fullmatch(v)}
        if not values or region_text.startswith(_FOOTNOTE):
            continue
        region = ref.region(region_text)
        if region is None:
            result.issues.append(
                Issue.make(
                    "unknown-region",
                    sheet=sheet.name,
                    row=r + 1,
                    column=column_letter(region_col),
                    cell=region_text,
                    suggestions=ref.close_regions(region_text) if region_text else [],
                )
            )
            continue
        source = (cell_text(sheet.value(r, source_col)) if source_col is not None else "") or (
            sheet_source
        )
        for c, text in values.items():
            row = _wide_cell(result, ref, sheet, (r, c), text, region, indicator, periods[c], unit)
            if row is None:
                continue
            key = (region, periods[c])
            if key in seen:
                result.issues.append(
                    Issue.make(
                        "duplicate-row",
                        sheet=sheet.name,
                        row=r + 1,
                        column=column_letter(region_col),
                        cell=region_text,
                        first=seen[key],
                    )
                )
                continue
            seen[key] = r + 1
            result.rows.append({**row, "source": source})
    return result


def _wide_cell(
    result: LoadResult,
    ref: Reference,
    sheet: Sheet,
    at: tuple[int, int],
    text: str,
    region: str,
    indicator: str,
    period: str,
    unit: str,
) -> dict[str, object] | None:
    """The tidy row of one cell, or None after recording why it cannot be read."""
    r, c = at
    try:
        q = parse_quantity(text, unit_hint=unit)
    except QuantityError as exc:
        result.issues.append(
            Issue.make(
                "not-a-number",
                sheet=sheet.name,
                row=r + 1,
                column=column_letter(c),
                cell=text,
                reason=exc.message_zh,
                reason_en=exc.message_en,
            )
        )
        return None
    written = text if q.unit_as_written and text.endswith(q.unit_as_written) else text + unit
    return ref.tidy_row(
        region,
        indicator,
        period,
        q.value,
        q.qualifier,
        written,
        "",
        _row=r + 1,
        _column=column_letter(c),
        _sheet=sheet.name,
        _factor=q.factor,
    )


#: (detector, parser) pairs tried in order before the government-style parser
SHEET_PARSERS: list[tuple[Detector, Parser]] = [
    (is_template_notes, skip_sheet),
    (is_projects_sheet, load_projects_sheet),
    (is_members_sheet, load_members_sheet),
    (is_wide_form, load_wide_sheet),
]
