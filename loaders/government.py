"""Government-style tables made without the template: title rows, merged multi-row headers,
a unit row (``单位：万吨``), years as columns, regions or indicators as rows or columns,
footnotes, ``—`` for missing, full-width digits, Chinese numerals, 万/亿 inside cells,
Traditional characters, and long English tables (Year | Province | City | … | measures).

Skeleton: read (``layout.locate``: title, unit, header block, body, footnotes) → sanity checks
(``axes.read_axes``: what each column and row gives, and why a column is left out) → tidy
(``_Reader``: one figure at a time, then duplicates) → return. Names are matched by
``names.Names``, cells read by ``text``.

Where each dimension of a figure comes from, first found wins:

- region: the column header (regions as columns); the row's code column (区划代码), else its
  region columns (the finest level; coarser columns must contain it, indentation narrows
  it); else the own region: ``options.default_region`` or a region the title names.
  ``全市``/``合计``/``总计`` are the own region; ``市辖区``-like placeholders are left out.
- indicator: ``options.mapping`` (header text → indicator code), else the header or row label
  matched by code or name without its unit; else the mapping of the sheet name or title, an
  indicator the title names, or the mapping's only indicator.
- period: the header (``2023年``, ``2017 年``, ``1995.0``, ``2024年1-8月``), a period column
  (Year, 年份), the title (``（2022年）``), the sheet name (``2022``), else
  ``options.default_period``.
- unit: inside the cell (``400亿元``), the header (``产能（万吨）``, ``Weight (thousand t)``),
  the row label or its 计量单位 cell, the sheet's ``单位：万吨``, else the indicator's unit.

Filters: a mapping entry whose value starts with ``=`` is not an indicator but a filter on a
label column: ``{"Scenario": "=BS"}`` keeps the rows whose Scenario is BS (``=BS|TP`` keeps
either); on the command line ``--map Scenario==BS``. Rows that still share region, indicator and
period but differ in such category columns (e.g. Battery type LFP/NCM) are summed when the
indicator is additive (qualifier combined, one ``rows-summed`` info); otherwise, and always for
rows identical in every category, the later rows are ``duplicate-row`` errors.

When the mapping names some of a sheet's headers (or row labels), the headers that match
neither the mapping nor an indicator are read as not wanted: one ``columns-skipped`` (or
``rows-skipped``) info lists them, instead of one ``unknown-indicator`` error each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from loaders.axes import Axes, Meaning, Unit, listing, read_axes
from loaders.layout import Layout, locate
from loaders.names import BLANK, OUTSIDE, OWN, PLACEHOLDER, REGION, UNKNOWN
from loaders.quantities import Quantity, QuantityError, combine_qualifiers
from loaders.reference import Reference
from loaders.result import Issue, LoadResult, column_letter
from loaders.sheet import CellValue, LoadOptions, Sheet
from loaders.text import (
    NUM,
    TEXT,
    cell_kind,
    cell_text,
    division_code,
    indent_of,
    is_missing,
    period_of,
    read_figure,
    unit_hint,
)
from store.regions import alias_key

DETECT_ROWS, DETECT_COLS = 60, 40  # is_government_table looks at this corner only


def is_government_table(sheet: Sheet) -> bool:
    """Cheap: words and figures within the sheet's first rows and columns."""
    found = set()
    for row in sheet.cells[:DETECT_ROWS]:
        for value in row[:DETECT_COLS]:
            found.add(cell_kind(value))
        if NUM in found and TEXT in found:
            return True
    return False


def load_government_sheet(sheet: Sheet, ref: Reference, options: LoadOptions) -> LoadResult:
    """Tidy rows and located issues from one government-style sheet."""
    result = LoadResult()
    layout = locate(sheet)  # read: title, unit, header block, body, footnotes
    if isinstance(layout, Issue):
        result.issues.append(layout)
        return result
    axes = read_axes(sheet, ref, options, layout, result.issues)  # checks: what gives what
    if axes is not None:
        _Reader(sheet, layout, axes, result).read()  # tidy
    return result


@dataclass
class _Entry:
    row: dict[str, object]
    number: int
    column: str
    categories: tuple[str, ...]


class _Reader:
    """Walks the body once: each row's labels, then each figure of the kept columns."""

    def __init__(self, sheet: Sheet, layout: Layout, axes: Axes, result: LoadResult) -> None:
        self.sheet, self.layout, self.axes, self.result = sheet, layout, axes, result
        self.ref = axes.names.ref
        self.entries: dict[tuple[str, str, str], list[_Entry]] = {}
        self.quantities: dict[tuple[str, str], Quantity | QuantityError] = {}
        self.unit_ok: dict[tuple[object, str], bool] = {}
        self.stack: list[tuple[int, str]] = []  # (indent, region) of the rows above
        self.placeholders: list[str] = []
        self.skipped: list[str] = []
        self.warned: set[str] = set()
        self.filtered: dict[int, list[int]] = {i: [0, 0] for i in axes.rows.filters}

    def issue(self, code: str, row: int | None, column: str, cell: str, **params: object) -> None:
        self.result.issues.append(
            Issue.make(code, sheet=self.sheet.name, row=row, column=column, cell=cell, **params)
        )

    def label(self, r: int, col: int) -> str:
        return self.layout.label(self.sheet, r, col)

    def read(self) -> None:
        for r in self.layout.body:
            self._row(r)
        self._tidy()
        self._summaries()

    # ------------------------------------------------------------------ one row

    def _row(self, r: int) -> None:
        rows = self.axes.rows
        for idx, (_, allowed, _) in rows.filters.items():
            keep = alias_key(self.label(r, idx)) in allowed
            self.filtered[idx][0 if keep else 1] += 1
            if not keep:
                return
        region = self._row_region(r) if (rows.regions or rows.code) else None
        cells = [
            (m, v)
            for m in self.axes.columns
            if (v := self.sheet.value(r, m.col.index)) is not None
            and not (isinstance(v, str) and is_missing(cell_text(v)))
        ]
        if not cells:
            return
        number = r + 1
        if region is not None:
            status, code, col, text, parent, context = region
            if status == PLACEHOLDER:
                self.placeholders.append(text)
                return
            if status == OWN:
                code = self.axes.own
                if code is None:
                    self.issue("own-region-unknown", number, col, text)
                    return
            elif status == BLANK:
                self.issue("blank-label", number, col, "")
                return
            elif status == OUTSIDE:
                self.issue("region-outside-parent", number, col, text, parent=parent)
                return
            elif status != REGION:
                close = self.axes.names.close_regions(text, context or self.axes.own)
                self.issue("unknown-region", number, col, text, suggestions=close)
                return
            self._ambiguous(number, col, text, code)
            region = code
        indicator, unit = self._row_indicator(r) if rows.indicator else (None, None)
        if rows.indicator and indicator is None:
            return
        period = None
        if rows.period:
            text = self.label(r, rows.period.index)
            period = period_of(text)
            if period is None:
                self.issue("bad-period", number, rows.period.letter, text)
                return
        cats = tuple(self.label(r, c.index) for c in rows.categories)
        for m, value in cells:
            self._figure(r, m, value, region, indicator, unit, period, cats)

    def _row_region(self, r: int) -> tuple[str, str | None, str, str, str, str | None]:
        """(outcome, code, column letter, label, parent label, parent code) of the row's
        region."""
        rows, names = self.axes.rows, self.axes.names
        names.alternatives = []
        if rows.code:
            text = self.label(r, rows.code.index)
            code = division_code(text)
            if code in self.ref.regions:
                return REGION, code, rows.code.letter, text, "", None
            if not rows.regions:
                return UNKNOWN, None, rows.code.letter, text, "", None
        if len(rows.regions) == 1:  # one column: indentation tells the parent
            col = rows.regions[0]
            text = self.label(r, col.index)
            depth = indent_of(self.sheet.value(r, col.index))
            while self.stack and self.stack[-1][0] >= depth:
                self.stack.pop()
            context = self.stack[-1][1] if self.stack else None
            status, code = names.region(text, context)
            if status == OWN and self.axes.own:
                code = self.axes.own
            if code:
                self.stack.append((depth, code))
            return status, code, col.letter, text, "", context
        found = (BLANK, None, rows.regions[-1].letter, "", "", None)
        context, parent = None, ""
        for col in rows.regions:  # coarse → fine: each level must lie inside the one before
            text = self.label(r, col.index)
            if text:
                status, code = names.region(text, context, strict=True)
                found = (status, code, col.letter, text, parent, context)
                if status != REGION:
                    break
                context, parent = code, text
        return found

    def _ambiguous(self, number: int, column: str, text: str, code: str | None) -> None:
        """Warn once per label that fits several regions of the same level equally well."""
        options = self.axes.names.alternatives
        if options and code and text not in self.warned:
            self.warned.add(text)
            self.issue(
                "ambiguous-region",
                number,
                column,
                text,
                severity="warning",
                chosen=f"{self.ref.regions[code]['name_zh']}（{code}）",
                names=listing(f"{self.ref.regions[c]['name_zh']}（{c}）" for c in options),
            )

    def _row_indicator(self, r: int) -> tuple[str | None, Unit | None]:
        rows, names = self.axes.rows, self.axes.names
        col = rows.indicator
        text = self.label(r, col.index)
        code, hint, mapped = names.indicator(text) if text else (None, None, False)
        if code is None:
            if not text:
                self.issue("blank-label", r + 1, col.letter, "")
            elif self.axes.rows_selected and not mapped:
                self.skipped.append(text)
            else:
                close = self.ref.close_indicators(text)
                self.issue("unknown-indicator", r + 1, col.letter, text, suggestions=close)
            return None, None
        unit = Unit.make(hint, r + 1, col.letter, text) if hint else None
        if unit is None and rows.unit:
            written = self.label(r, rows.unit.index)
            if written:
                hint = unit_hint(written)
                if hint is None:
                    self.issue("unknown-unit", r + 1, rows.unit.letter, written)
                    return None, None
                unit = Unit.make(hint, r + 1, rows.unit.letter, written)
        return code, unit

    # ------------------------------------------------------------------ one figure

    def _figure(
        self,
        r: int,
        m: Meaning,
        value: CellValue,
        region: str | None,
        indicator: str | None,
        row_unit: Unit | None,
        period: str | None,
        cats: tuple[str, ...],
    ) -> None:
        axes = self.axes
        region = (axes.own if m.own else m.region) or region or axes.own
        indicator = m.indicator or indicator or axes.indicator
        period = m.period or period or axes.period
        if region is None or indicator is None or period is None:
            return  # the sheet-level issue is already reported
        ind = self.ref.indicators[indicator]
        unit = m.unit or row_unit or axes.unit
        if unit is not None and not self._unit_fits(unit, indicator):
            return
        read = self._quantity(r, m.col.letter, value, unit, str(ind["unit"]))
        if read is None:
            return
        amount, qualifier, written, factor = read
        row = self.ref.tidy_row(
            region,
            indicator,
            period,
            amount,
            qualifier,
            written,
            axes.source,
            _row=r + 1,
            _factor=factor,
        )
        entry = _Entry(row, r + 1, m.col.letter, cats)
        self.entries.setdefault((region, indicator, period), []).append(entry)

    def _unit_fits(self, unit: Unit, indicator: str) -> bool:
        key = (unit, indicator)
        if key not in self.unit_ok:
            expected = str(self.ref.indicators[indicator]["unit"])
            self.unit_ok[key] = ok = unit.canonical == expected
            if not ok:
                where = (unit.row, unit.column, unit.cell)
                self.issue("unit-mismatch", *where, unit=unit.hint, expected=expected)
        return self.unit_ok[key]

    def _quantity(
        self, r: int, letter: str, value: CellValue, unit: Unit | None, canonical: str
    ) -> tuple[float, str, str, float] | None:
        """(value in the canonical unit, qualifier, as written, the factor it was converted
        by) or None (issue reported)."""
        written = unit.hint if unit else None
        factor = unit.factor if unit else Fraction(1)
        figure, problem = read_figure(value, written, factor, canonical, self.quantities)
        if problem:
            self.issue(problem[0], r + 1, letter, cell_text(value), **problem[1])
        if figure is None:
            return None
        if isinstance(value, str):  # the text's own reading (16万 under 单位：吨) is remembered
            q = self.quantities.get((cell_text(value), written or canonical))
            return (*figure, q.factor if isinstance(q, Quantity) else float(factor))
        return (*figure, float(factor))

    # ------------------------------------------------------------------ after the body

    def _tidy(self) -> None:
        """One row per (region, indicator, period): rows that differ only in a category column
        are summed when the indicator is additive; any other repeat is a duplicate-row."""
        summed: list[list[_Entry]] = []
        for (_, indicator, _), entries in self.entries.items():
            groups: dict[tuple[str, ...], list[_Entry]] = {}
            for e in entries:
                groups.setdefault(e.categories, []).append(e)
            firsts = [same[0] for same in groups.values()]
            repeats = [(dup, same[0]) for same in groups.values() for dup in same[1:]]
            if len(firsts) > 1 and _additive(self.ref.indicators[indicator]):
                summed.append(firsts)
                self.result.rows.append(_sum(firsts))
            else:
                self.result.rows.append(firsts[0].row)
                repeats += [(dup, firsts[0]) for dup in firsts[1:]]
            for dup, first in sorted(repeats, key=lambda p: p[0].number):
                self.issue("duplicate-row", dup.number, dup.column, "", first=first.number)
        if summed:
            cats = self.axes.rows.categories
            differ = [
                i
                for i in range(len(cats))
                if any(len({e.categories[i] for e in g}) > 1 for g in summed)
            ]
            i = differ[0] if differ else 0
            example = f"{cats[i].text}=={summed[0][0].categories[i]}" if cats else ""
            self.issue(
                "rows-summed",
                summed[0][0].number,
                "",
                "",
                severity="info",
                count=len(summed),
                columns=listing(cats[i].text for i in differ),
                example=example,
            )

    def _summaries(self) -> None:
        rows, info = self.axes.rows, {"severity": "info"}
        if self.placeholders:
            names = listing(dict.fromkeys(self.placeholders))
            letter = rows.regions[-1].letter if rows.regions else ""
            count = len(self.placeholders)
            self.issue("placeholder-skipped", None, letter, "", count=count, names=names, **info)
        if self.skipped:
            letter, count = rows.indicator.letter, len(self.skipped)
            names = listing(self.skipped)
            self.issue("rows-skipped", None, letter, "", count=count, names=names, **info)
        for idx, (header, _, value) in rows.filters.items():
            kept, dropped = self.filtered[idx]
            self.issue(
                "rows-filtered",
                None,
                column_letter(idx),
                "",
                column_name=header,
                value=value,
                kept=kept,
                dropped=dropped,
                **info,
            )
        applied = {alias_key(h) for h, _, _ in rows.filters.values()}
        for key, (header, _, value) in self.axes.names.filters.items():
            if key not in applied:
                self.issue(
                    "filter-unmatched",
                    None,
                    "",
                    "",
                    severity="warning",
                    column_name=header,
                    value=value,
                    reason=f"工作表“{self.sheet.name}”中没有这一列",
                    reason_en=f"sheet “{self.sheet.name}” has no such column",
                )


def _additive(indicator: dict[str, object]) -> bool:
    flag = indicator.get("additive")
    return flag if isinstance(flag, bool) else str(flag).lower() in ("true", "1", "yes")


def _sum(entries: list[_Entry]) -> dict[str, object]:
    row = dict(entries[0].row)
    row["value"] = math.fsum(float(e.row["value"]) for e in entries)
    row["qualifier"] = combine_qualifiers(str(e.row["qualifier"]) for e in entries)
    row["value_as_written"] = "+".join(str(e.row["value_as_written"]) for e in entries)
    if len({e.row.get("_factor") for e in entries}) > 1:
        row["_factor"] = None  # a sum of figures converted differently: no one factor
    return row
