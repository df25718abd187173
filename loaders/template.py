"""The project's own long form: 地区 | 指标 | 时期 | 数值 | 单位 | 限定 | 来源, one figure a row."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise
from operator import itemgetter

from loaders.quantities import QuantityError, quantity_parts, unit_parts
from loaders.reference import Reference
from loaders.result import Issue, LoadResult, RowPart, column_letter
from loaders.sheet import CellValue, LoadOptions, Sheet
from loaders.template_columns import BAD, ColumnReading
from loaders.template_figures import FigureReader, Reading
from store.periods import PeriodError, parse_period

COLUMNS = {
    "地区": "region",
    "指标": "indicator",
    "时期": "period",
    "数值": "value",
    "单位": "unit",
    "限定": "qualifier",
    "来源": "source",
}
REQUIRED = ["地区", "指标", "时期", "数值"]
EXPECTED = " | ".join(COLUMNS)
QUALIFIER_WORDS = {
    "余": "at_least",
    "多": "at_least",
    "超过": "at_least",
    "过": "at_least",
    "以上": "at_least",
    "逾": "at_least",
    "突破": "at_least",
    "约": "approx",
    "近": "approx",
    "左右": "approx",
    "精确": "exact",
    "": None,
}
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?\s*年?$")
_YEAR_MONTH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月$")


def normalise_period(text: str) -> str:
    """``2023年`` / ``2023.0`` → ``2023``; ``2024年8月`` → ``2024-08``; 上半年 → H1."""
    text = text.strip()
    if m := _YEAR.match(text):
        return m[1]
    if m := _YEAR_MONTH.match(text):
        return f"{m[1]}-{int(m[2]):02d}"
    return text.replace("年上半年", "H1").replace("年下半年", "H2")


def cell_text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_long_form(sheet: Sheet) -> bool:
    """Does the first non-empty row carry the long form's headers?"""
    for row in sheet.cells[:5]:
        texts = {cell_text(v) for v in row}
        if texts - {""}:
            return set(REQUIRED) - {"地区", "时期"} <= texts
    return False


def load_long_sheet(
    sheet: Sheet,
    ref: Reference,
    options: LoadOptions,
    on_rows: RowSink | None = None,
    later: list[Callable[[], None]] | None = None,
) -> LoadResult:
    """Tidy rows and located issues from a long-form sheet.

    ``on_rows``: called with each batch of new tidy rows while the sheet is read (all of them
    in the end), so that a caller can start on them early; issues can still come after.
    ``later``: the reader may leave work there (the repeat check of rows it handed on) for
    the caller to do once every sheet is handed on; the result is complete after that. A
    repeat found then makes an error, as ever: the rows handed on are not to be kept.
    """
    result = LoadResult()
    header_row = next(
        (i for i, row in enumerate(sheet.cells) if any(cell_text(v) for v in row)), None
    )
    if header_row is None:
        result.issues.append(Issue.make("empty-file", sheet=sheet.name))
        return result
    header = [cell_text(h) for h in sheet.cells[header_row]]
    missing = [
        c
        for c in REQUIRED
        if c not in header
        and not (
            (c == "地区" and options.default_region) or (c == "时期" and options.default_period)
        )
    ]
    if missing:
        result.issues.append(
            Issue.make(
                "missing-column",
                sheet=sheet.name,
                row=header_row + 1,
                columns="、".join(missing),
                expected=EXPECTED,
            )
        )
        return result
    reader = _LongReader(result, ref, sheet, header, options)
    reader.read(header_row + 1, on_rows, later is not None)
    if later is not None and reader.pending:
        later.append(reader.settle)
    return result


_ABSENT = 1 << 30  # the column index of a column the sheet does not have: never a cell
#: rows read at a time, each batch handed to ``on_rows`` (e.g. to a writer in another thread,
#: which then inserts them while the rest of the sheet is read)
STREAM_ROWS = 5000
LAST_ROWS = 500  # the size of the last batch (the one before: twice that)
RowSink = Callable[[RowPart], None]
_BAD = BAD


class _LongReader(ColumnReading):
    """Reads the rows under the header, a batch of rows at a time, each lookup remembered per
    distinct cell.

    A workbook repeats its regions, indicators, periods and units thousands of times, so each
    distinct cell is resolved once (``_learn_*``) and remembered under the cell as it came.
    ``_columns`` reads a batch column by column: each column is looked up at once, and the
    rows whose cells all resolve become TidyColumns, equal to what ``_row`` gives. Any other
    row is read by ``_row``, in its place, which also reports its issues: an issue is only
    built for a row that has one. A batch that does not fit the columns (short rows) is read
    row by row (``_rows``), with the same lookups.
    """

    def __init__(
        self, result: LoadResult, ref: Reference, sheet: Sheet, header: list[str], opts: LoadOptions
    ) -> None:
        self.result, self.ref, self.sheet, self.options = result, ref, sheet, opts
        self.index = {name: header.index(name) for name in COLUMNS if name in header}
        self.letters = {name: column_letter(i) for name, i in self.index.items()}
        self.value_letter = self.letters.get("数值", "")
        # by text, with None for a text that does not resolve
        self.regions: dict[str, tuple[str, str, str] | None] = {}
        self.indicators: dict[str, tuple[str, str, str, str] | None] = {}
        self.periods: dict[str, str | None] = {}
        # by the cell as it came, only what resolves (never a bool cell: True == 1 == 1.0)
        self.cell_regions: dict[CellValue, tuple[str, str, str]] = dict(ref.exact_regions())
        self.cell_indicators: dict[CellValue, tuple[str, str, str, str, dict]] = {}  # type: ignore[type-arg]
        self.cell_periods: dict[CellValue, str] = {}
        self.cell_qualifiers: dict[CellValue, str] = {}  # "" for none, _BAD
        self.cell_sources: dict[CellValue, str] = {}
        self.unit_cells: dict[str, dict[CellValue, int]] = {}  # by unit: reading numbers
        # names by code: of every region, and of each indicator once resolved
        self.region_names = {c: (r["name_zh"], r["name_en"]) for c, r in ref.regions.items()}
        self.indicator_names: dict[str, tuple[str, str, str]] = {}
        self.figures = FigureReader()  # what unit cells and words around a number mean
        self.seen: dict[tuple[str, str, str], int] = {}
        self.suggestions: dict[tuple[str, str], list[str]] = {}
        self.outbox: list[RowPart] = []  # rows read and not yet handed to on_rows

    def read(self, first: int, on_rows: RowSink | None = None, hold: bool = False) -> None:
        """Read the rows from ``first`` on; ``hold``: batches whose rows all read may be
        handed on before their repeat check (``settle``), while no row has gone to ``_row``."""
        at = [self.index.get(name, _ABSENT) for name in COLUMNS]
        get = itemgetter(*at) if _ABSENT not in at else None  # all seven cells in one call
        self._get = get  # type: ignore[assignment]
        cells = self.sheet.cells
        self.pending = [] if hold and get is not None else None
        for start, stop in _batches(first, len(cells)):
            if get is None or not self._columns(start, stop, at, get):
                self.settle()
                self.pending = None
                self._rows(start, stop, at, get)
            if on_rows is not None:
                for part in self.outbox:
                    on_rows(part)
            self.outbox.clear()

    def _add_row(self, row: dict[str, object]) -> None:
        self.result.add_row(row)
        if self.outbox and isinstance(self.outbox[-1], list):
            self.outbox[-1].append(row)
        else:
            self.outbox.append([row])

    # --- a batch of rows, one by one ------------------------------------------------------

    def _rows(
        self,
        start: int,
        stop: int,
        at: list[int],
        get: Callable[[list[CellValue]], tuple] | None,  # type: ignore[type-arg]
    ) -> None:
        width = max(at) + 1
        sheet_name, value_letter = self.sheet.name, self.value_letter
        cell_regions, cell_indicators = self.cell_regions, self.cell_indicators
        cell_periods, cell_qualifiers, seen = self.cell_periods, self.cell_qualifiers, self.seen
        slow, cells, add = self._row, self.sheet.cells, self._add_row
        readings = self.figures.readings
        for r in range(start, stop):
            row = cells[r]
            if get is None or len(row) < width:
                slow([row[i] if i < len(row) else "" for i in at], r + 1)
                continue
            cell = get(row)
            region_cell, ind_cell, period_cell, value, unit_cell, qual_cell, source = cell
            if (region := cell_regions.get(region_cell)) is None and (
                region := self._learn_region(region_cell)
            ) is None:
                slow(list(cell), r + 1)
                continue
            if (ind := cell_indicators.get(ind_cell)) is None and (
                ind := self._learn_indicator(ind_cell)
            ) is None:
                slow(list(cell), r + 1)
                continue
            if (period := cell_periods.get(period_cell)) is None and (
                period := self._learn_period(period_cell)
            ) is None:
                slow(list(cell), r + 1)
                continue
            if (word := cell_qualifiers.get(qual_cell, _BAD)) == _BAD and (
                word := self._learn_qualifier(qual_cell)
            ) == _BAD:
                slow(list(cell), r + 1)
                continue
            code, unit, name_zh, name_en, units = ind
            if (reading := units.get(unit_cell)) is None and (
                reading := self._learn_unit(unit_cell, unit, units)
            ) is None:
                slow(list(cell), r + 1)
                continue
            figure = _figure(value, readings[reading], unit)
            if figure is None:
                slow(list(cell), r + 1)
                continue
            key = (region[0], code, period)
            if key in seen:
                slow(list(cell), r + 1)
                continue
            seen[key] = r + 1
            amount, qualifier, factor, written = figure
            add(
                {
                    "entity_type": "region",
                    "entity_code": region[0],
                    "entity_name_zh": region[1],
                    "entity_name_en": region[2],
                    "indicator_code": code,
                    "indicator_name_zh": name_zh,
                    "indicator_name_en": name_en,
                    "period": period,
                    "value": amount,
                    "unit": unit,
                    "qualifier": word or qualifier,
                    "value_as_written": written,
                    "source": source.strip() if source.__class__ is str else cell_text(source),
                    "_row": r + 1,
                    "_sheet": sheet_name,
                    "_column": value_letter,
                    "_factor": factor,
                }
            )

    # --- what each distinct cell means (remembered; no issue: _row reports) -------------------

    def _learn_region(self, cell: CellValue) -> tuple[str, str, str] | None:
        found = self._lookup_region(cell_text(cell) or self.options.default_region or "")
        if found is not None and _cacheable(cell):
            self.cell_regions[cell] = found
        return found

    def _learn_indicator(self, cell: CellValue) -> tuple[str, str, str, str, dict] | None:  # type: ignore[type-arg]
        found = self._lookup_indicator(cell_text(cell))
        if found is None:
            return None
        units = self.unit_cells.setdefault(found[1], {})
        entry = (*found, units)
        if _cacheable(cell):
            self.cell_indicators[cell] = entry
        return entry

    def _learn_period(self, cell: CellValue) -> str | None:
        found = self._lookup_period(cell_text(cell) or self.options.default_period or "")
        if found is not None and _cacheable(cell):
            self.cell_periods[cell] = found
        return found

    def _learn_qualifier(self, cell: CellValue) -> str:
        """The qualifier a 限定 cell gives ("" for none), or _BAD."""
        word = QUALIFIER_WORDS.get(cell_text(cell), _BAD) or ""
        if _cacheable(cell):
            self.cell_qualifiers[cell] = word
        return word

    def _learn_source(self, cell: CellValue) -> str:
        text = cell.strip() if cell.__class__ is str else cell_text(cell)  # type: ignore[union-attr]
        if _cacheable(cell):
            self.cell_sources[cell] = text
        return text

    def _learn_unit(self, cell: CellValue, unit: str, units: dict[CellValue, int]) -> int | None:
        """The number of the reading (``FigureReader.readings``) of a plain decimal before this
        unit cell, when it is the indicator's unit, else None."""
        if cell.__class__ is not str:
            return None  # the unit cell as cell_text gives it could join the number ("5")
        text = cell_text(cell)
        parts = unit_parts(text, unit)
        if parts is None or parts[4] != unit:
            return None
        qualifier, num, den, factor, _, _ = parts
        units[cell] = number = self.figures.add_reading((qualifier, num, den, factor, text, unit))
        return number

    def _lookup_region(self, text: str) -> tuple[str, str, str] | None:
        """(code, name_zh, name_en) of the region ``text`` names, or None."""
        if text in self.regions:
            return self.regions[text]
        code = self.ref.region(text)
        found = None
        if code is not None:
            reg = self.ref.regions[code]
            found = (code, reg["name_zh"], reg["name_en"])
        self.regions[text] = found
        return found

    def _lookup_indicator(self, text: str) -> tuple[str, str, str, str] | None:
        """(code, unit, name_zh, name_en) of the indicator ``text`` names, or None."""
        if text in self.indicators:
            return self.indicators[text]
        code = self.ref.indicator(self.options.mapping.get(text, text))
        found = None
        if code is not None:
            ind = self.ref.indicators[code]
            found = (code, str(ind["unit"]), str(ind["name_zh"]), str(ind["name_en"]))
            self.indicator_names[code] = (found[2], found[3], found[1])
        self.indicators[text] = found
        return found

    def _lookup_period(self, text: str) -> str | None:
        if text in self.periods:
            return self.periods[text]
        try:
            period: str | None = parse_period(normalise_period(text)).text
        except PeriodError:
            period = None
        self.periods[text] = period
        return period

    # --- one row in full, with its issues ---------------------------------------------------

    def _row(self, cell: list[CellValue], number: int) -> None:
        """One row read in full: every issue it has, and its tidy row if it has none."""
        texts = [cell_text(v) for v in cell]
        if not any(texts):
            return
        region_text, ind_text, period_text, value_text, unit_text, qual_text, source = texts
        region_text = region_text or self.options.default_region or ""
        period_text = period_text or self.options.default_period or ""
        region = self._lookup_region(region_text)
        if region is None:
            key = ("region", region_text)
            if key not in self.suggestions:
                self.suggestions[key] = self.ref.close_regions(region_text)
            self._issue("unknown-region", "地区", texts, number, suggestions=self.suggestions[key])
        ind = self._lookup_indicator(ind_text)
        if ind is None:
            key = ("indicator", ind_text)
            if key not in self.suggestions:
                self.suggestions[key] = self.ref.close_indicators(ind_text)
            self._issue(
                "unknown-indicator", "指标", texts, number, suggestions=self.suggestions[key]
            )
        period = self._lookup_period(period_text)
        if period is None:
            self._issue("bad-period", "时期", texts, number)
        if ind is None:
            return
        code, unit, _, _ = ind
        written = value_text + unit_text
        try:
            value, q_unit, q_qualifier, factor, q_written = quantity_parts(written, unit)
        except QuantityError as exc:
            self._issue(
                "not-a-number", "数值", texts, number, reason=exc.message_zh,
                reason_en=exc.message_en,
            )  # fmt: skip
            return
        if q_unit != unit:
            self._issue(
                "unit-mismatch", "单位", texts, number, unit=q_written or q_unit, expected=unit
            )
            return
        qualifier = QUALIFIER_WORDS.get(qual_text, "?") or q_qualifier
        if qualifier == "?":
            self._issue("bad-qualifier", "限定", texts, number)
            return
        if region is None or period is None:
            return
        key = (region[0], code, period)
        if key in self.seen:
            self._issue("duplicate-row", "地区", texts, number, first=self.seen[key])
            return
        self.seen[key] = number
        self._add_row(
            self.ref.tidy_row(
                region[0],
                code,
                period,
                value,
                qualifier,
                written,
                source,
                _row=number,
                _sheet=self.sheet.name,
                _column=self.value_letter,
                _factor=factor,
            )
        )

    def _issue(
        self, code: str, column: str, texts: list[str], number: int, **params: object
    ) -> None:
        self.result.issues.append(
            Issue.make(
                code,
                sheet=self.sheet.name,
                row=number,
                column=self.letters.get(column, ""),
                cell=texts[_POSITION[column]],
                **params,
            )
        )


_POSITION = {name: i for i, name in enumerate(COLUMNS)}


def _batches(first: int, end: int) -> list[tuple[int, int]]:
    """Rows ``first:end`` by STREAM_ROWS, the last few in smaller batches: what is read last
    is stored after the reading ends, so it had better be little."""
    batches = list(pairwise([*range(first, end, STREAM_ROWS), end]))
    if batches and batches[-1][1] - batches[-1][0] > 4 * LAST_ROWS:
        start, stop = batches.pop()
        batches += pairwise([start, stop - 3 * LAST_ROWS, stop - LAST_ROWS, stop])
    return batches


def _cacheable(value: CellValue) -> bool:
    """May a reading be remembered under this cell? Not a bool, nor a number equal to one
    (True == 1 == 1.0 and False == 0 == 0.0 are one key: a bool would find the number's)."""
    return value.__class__ is not bool and not (
        value.__class__ in (int, float) and (value == 0 or value == 1)
    )


def _figure(value: CellValue, reading: Reading, unit: str) -> tuple[float, str, float, str] | None:
    """(value, qualifier, factor, value as written) of a 数值 cell before a unit cell
    read as ``reading`` (``_learn_unit``), exactly as ``_row`` reads them; None when this
    reading does not apply (then ``_row`` reads the row)."""
    qualifier, f_num, f_den, factor, unit_text, _ = reading
    # the value's text and reading, exactly as cell_text and quantity_parts give them
    if value.__class__ is float and value - value == 0.0:  # a finite number
        if value.is_integer():  # type: ignore[union-attr]
            whole = int(value)  # type: ignore[arg-type]
            text = str(whole)
            amount = (whole * f_num) / f_den  # type: ignore[operator]
        else:
            text = repr(value)
            if "e" in text:  # 1e-05: not a plain decimal
                return None
            if f_num == f_den:
                amount = value  # a decimal's correctly rounded float: the cell itself
            else:
                whole_text, _, decimals = text.partition(".")
                amount = (int(whole_text + decimals) * f_num) / (  # type: ignore[operator]
                    10 ** len(decimals) * f_den  # type: ignore[operator]
                )
    elif value.__class__ is str:
        text = value.strip()  # type: ignore[union-attr]
        try:
            amount, q_unit, qualifier, factor, _ = quantity_parts(text + unit_text, unit)  # type: ignore[operator]
        except QuantityError:
            return None
        if q_unit != unit:
            return None
    else:
        return None
    return amount, qualifier, factor, text + unit_text  # type: ignore[return-value,operator]
