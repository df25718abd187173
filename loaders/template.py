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
    index = {name: header.index(name) for name in COLUMNS if name in header}
    letters = {name: column_letter(i) for name, i in index.items()}
    seen: dict[tuple[str, str, str], int] = {}
    for r in range(header_row + 1, sheet.n_rows):
        row = sheet.cells[r]
        cells = {name: cell_text(row[i]) if i < len(row) else "" for name, i in index.items()}
        if any(cells.values()):
            _read_row(result, ref, sheet.name, r + 1, cells, letters, options, seen)
    return result


def _read_row(
    result: LoadResult,
    ref: Reference,
    sheet: str,
    number: int,
    cells: dict[str, str],
    letters: dict[str, str],
    options: LoadOptions,
    seen: dict[tuple[str, str, str], int],
) -> None:
    def issue(code: str, column: str, **params: object) -> None:
        result.issues.append(
            Issue.make(
                code,
                sheet=sheet,
                row=number,
                column=letters.get(column, ""),
                cell=cells.get(column, ""),
                **params,
            )
        )

    region_text = cells.get("地区") or options.default_region or ""
    region = ref.region(region_text)
    if region is None:
        issue("unknown-region", "地区", suggestions=ref.close_regions(region_text))
    ind_text = cells.get("指标", "")
    indicator = ref.indicator(options.mapping.get(ind_text, ind_text))
    if indicator is None:
        issue("unknown-indicator", "指标", suggestions=ref.close_indicators(ind_text))
    period: str | None = None
    try:
        period = parse_period(
            normalise_period(cells.get("时期") or options.default_period or "")
        ).text
    except PeriodError:
        issue("bad-period", "时期")
    if indicator is None:
        return
    ind = ref.indicators[indicator]
    written = f"{cells.get('数值', '')}{cells.get('单位', '')}"
    try:
        q = parse_quantity(written, unit_hint=str(ind["unit"]))
    except QuantityError as exc:
        issue("not-a-number", "数值", reason=exc.message_zh, reason_en=exc.message_en)
        return
    if q.unit != ind["unit"]:
        issue("unit-mismatch", "单位", unit=q.unit_as_written or q.unit, expected=ind["unit"])
        return
    qualifier = QUALIFIER_WORDS.get(cells.get("限定", ""), "?") or q.qualifier
    if qualifier == "?":
        issue("bad-qualifier", "限定")
        return
    if region is None or period is None:
        return
    key = (region, indicator, period)
    if key in seen:
        issue("duplicate-row", "地区", first=seen[key])
        return
    seen[key] = number
    reg = ref.regions[region]
    result.rows.append(
        {
            "entity_type": "region",
            "entity_code": region,
            "entity_name_zh": reg["name_zh"],
            "entity_name_en": reg["name_en"],
            "indicator_code": indicator,
            "indicator_name_zh": ind["name_zh"],
            "indicator_name_en": ind["name_en"],
            "period": period,
            "value": q.value,
            "unit": ind["unit"],
            "qualifier": qualifier,
            "value_as_written": written,
            "source": cells.get("来源", ""),
            "_row": number,
        }
    )
