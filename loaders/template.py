"""The project's own long form: 地区 | 指标 | 时期 | 数值 | 单位 | 限定 | 来源, one figure a row."""

from __future__ import annotations

import re

from loaders.quantities import QuantityError, parse_quantity
from loaders.reference import Reference
from loaders.result import Issue, LoadResult, column_letter
from loaders.sheet import CellValue, LoadOptions, Sheet
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


def load_long_sheet(sheet: Sheet, ref: Reference, options: LoadOptions) -> LoadResult:
    """Tidy rows and located issues from a long-form sheet."""
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
    _LongReader(result, ref, sheet, header, options).read(header_row + 1)
    return result


_ABSENT = 1 << 30  # the column index of a column the sheet does not have: never a cell
_UNSEEN = object()


class _LongReader:
    """Reads the rows under the header: one pass, every lookup remembered per distinct text.

    A workbook repeats its regions, indicators, periods and units thousands of times, so each
    distinct text is resolved once (``parse_quantity`` remembers units the same way); an issue
    is only built for a row that has one.
    """

    def __init__(
        self, result: LoadResult, ref: Reference, sheet: Sheet, header: list[str], opts: LoadOptions
    ) -> None:
        self.result, self.ref, self.sheet, self.options = result, ref, sheet, opts
        self.index = {name: header.index(name) for name in COLUMNS if name in header}
        self.letters = {name: column_letter(i) for name, i in self.index.items()}
        self.regions: dict[str, tuple[str, str, str] | None] = {}
        self.indicators: dict[str, tuple[str, str, str, str] | None] = {}
        self.periods: dict[str, str | None] = {}
        self.seen: dict[tuple[str, str, str], int] = {}
        self.suggestions: dict[tuple[str, str], list[str]] = {}

    def read(self, first: int) -> None:
        at = [self.index.get(name, _ABSENT) for name in COLUMNS]
        rows, sheet_name = self.result.rows, self.sheet.name
        value_letter = self.letters.get("数值", "")
        default_region = self.options.default_region or ""
        default_period = self.options.default_period or ""
        regions, indicators, periods = self.regions, self.indicators, self.periods
        seen = self.seen
        cells = self.sheet.cells
        for r in range(first, len(cells)):
            row = cells[r]
            n = len(row)
            # cell_text, inlined for the common cells: text, whole numbers, blanks
            texts = [
                (
                    ""
                    if (v := row[i]) is None
                    else v.strip()
                    if v.__class__ is str
                    else str(int(v))
                    if v.__class__ is float and v.is_integer()
                    else cell_text(v)
                )
                if i < n
                else ""
                for i in at
            ]
            if not any(texts):
                continue
            region_text, ind_text, period_text, value_text, unit_text, qual_text, source = texts
            number = r + 1
            # The lookups' hits inline; a miss or a failure goes through the method (+ issue).
            region = regions.get(region_text or default_region, _UNSEEN)
            if region is _UNSEEN or region is None:
                region = self._region(region_text or default_region, texts, number)
            ind = indicators.get(ind_text, _UNSEEN)
            if ind is _UNSEEN or ind is None:
                ind = self._indicator(ind_text, texts, number)
            period = periods.get(period_text or default_period, _UNSEEN)
            if period is _UNSEEN or period is None:
                period = self._period(period_text or default_period, texts, number)
            if ind is None:
                continue
            code, unit, name_zh, name_en = ind
            written = value_text + unit_text
            try:
                q = parse_quantity(written, unit)
            except QuantityError as exc:
                self._issue(
                    "not-a-number", "数值", texts, number, reason=exc.message_zh,
                    reason_en=exc.message_en,
                )  # fmt: skip
                continue
            if q.unit != unit:
                self._issue(
                    "unit-mismatch", "单位", texts, number, unit=q.unit_as_written or q.unit,
                    expected=unit,
                )  # fmt: skip
                continue
            qualifier = QUALIFIER_WORDS.get(qual_text, "?") or q.qualifier
            if qualifier == "?":
                self._issue("bad-qualifier", "限定", texts, number)
                continue
            if region is None or period is None:
                continue
            key = (region[0], code, period)
            if key in seen:
                self._issue("duplicate-row", "地区", texts, number, first=seen[key])
                continue
            seen[key] = number
            rows.append(
                {
                    "entity_type": "region",
                    "entity_code": region[0],
                    "entity_name_zh": region[1],
                    "entity_name_en": region[2],
                    "indicator_code": code,
                    "indicator_name_zh": name_zh,
                    "indicator_name_en": name_en,
                    "period": period,
                    "value": q.value,
                    "unit": unit,
                    "qualifier": qualifier,
                    "value_as_written": written,
                    "source": source,
                    "_row": number,
                    "_sheet": sheet_name,
                    "_column": value_letter,
                }
            )

    def _region(self, text: str, texts: list[str], number: int) -> tuple[str, str, str] | None:
        """(code, name_zh, name_en) of the region ``text`` names, or None (and an issue)."""
        if text in self.regions:
            found = self.regions[text]
        else:
            code = self.ref.region(text)
            found = None
            if code is not None:
                reg = self.ref.regions[code]
                found = (code, reg["name_zh"], reg["name_en"])
            self.regions[text] = found
        if found is None:
            key = ("region", text)
            if key not in self.suggestions:
                self.suggestions[key] = self.ref.close_regions(text)
            self._issue("unknown-region", "地区", texts, number, suggestions=self.suggestions[key])
        return found

    def _indicator(
        self, text: str, texts: list[str], number: int
    ) -> tuple[str, str, str, str] | None:
        """(code, unit, name_zh, name_en) of the indicator ``text`` names, or None (+ issue)."""
        if text in self.indicators:
            found = self.indicators[text]
        else:
            code = self.ref.indicator(self.options.mapping.get(text, text))
            found = None
            if code is not None:
                ind = self.ref.indicators[code]
                found = (code, str(ind["unit"]), str(ind["name_zh"]), str(ind["name_en"]))
            self.indicators[text] = found
        if found is None:
            key = ("indicator", text)
            if key not in self.suggestions:
                self.suggestions[key] = self.ref.close_indicators(text)
            self._issue(
                "unknown-indicator", "指标", texts, number, suggestions=self.suggestions[key]
            )
        return found

    def _period(self, text: str, texts: list[str], number: int) -> str | None:
        if text in self.periods:
            period = self.periods[text]
        else:
            try:
                period = parse_period(normalise_period(text)).text
            except PeriodError:
                period = None
            self.periods[text] = period
        if period is None:
            self._issue("bad-period", "时期", texts, number)
        return period

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
