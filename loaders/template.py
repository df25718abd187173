"""The project's own long-form template: 地区 | 指标 | 时期 | 数值 | 单位 | 限定 | 来源.

Reads CSV (UTF-8, UTF-8 with BOM, GB18030) and XLSX. Government-style layouts are the next
issue's work; this loader already reports every problem with its sheet, row and column.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from loaders.quantities import QuantityError, parse_quantity
from loaders.reference import Reference
from loaders.result import Issue, LoadResult
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
    "": None,
    "精确": "exact",
}
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?\s*年?$")
_YEAR_MONTH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月$")


class UnreadableFile(Exception):
    """The file cannot be read at all (exit code 2 on the command line)."""


def normalise_period(text: str) -> str:
    """``2023年`` / ``2023.0`` → ``2023``; ``2024年8月`` → ``2024-08``; else as given."""
    text = text.strip()
    if m := _YEAR.match(text):
        return m[1]
    if m := _YEAR_MONTH.match(text):
        return f"{m[1]}-{int(m[2]):02d}"
    return text.replace("上半年", "H1").replace("下半年", "H2")


def read_table(path: Path, sheet: str | None = None) -> tuple[str, list[list[str]]]:
    """(sheet name, rows of cell texts) from a CSV or XLSX file."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            raw = path.read_bytes()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise UnreadableFile("not UTF-8 or GB18030 text")
            return path.stem, [row for row in csv.reader(io.StringIO(text))]
        if suffix in {".xlsx", ".xls"}:
            from python_calamine import CalamineWorkbook

            wb = CalamineWorkbook.from_path(str(path))
            name = sheet or wb.sheet_names[0]
            if name not in wb.sheet_names:
                raise UnreadableFile(f"no sheet named {name!r}")
            values = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            return name, [[_cell(v) for v in row] for row in values]
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile(f"{type(exc).__name__}: {exc}") from exc
    raise UnreadableFile(f"unsupported file type {suffix or '(none)'}")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def load_template(
    path: Path,
    ref: Reference,
    *,
    sheet: str | None = None,
    default_region: str | None = None,
    default_period: str | None = None,
    mapping: dict[str, str] | None = None,
) -> LoadResult:
    """Tidy rows and located issues from a long-form sheet."""
    result = LoadResult()
    sheet_name, rows = read_table(path, sheet)
    if not rows:
        result.issues.append(
            Issue("empty-file", "文件中没有数据。", "The file has no data.", sheet=sheet_name)
        )
        return result
    header = [h.strip() for h in rows[0]]
    missing = [
        c
        for c in REQUIRED
        if c not in header
        and not ((c == "地区" and default_region) or (c == "时期" and default_period))
    ]
    if missing:
        result.issues.append(
            Issue(
                "missing-column",
                f"第1行缺少列：{'、'.join(missing)}（需要 {EXPECTED}）",
                f"Row 1 lacks the columns {', '.join(missing)} (expected {EXPECTED})",
                sheet=sheet_name,
                row=1,
            )
        )
        return result
    index = {name: header.index(name) for name in COLUMNS if name in header}
    letters = {name: _letter(i) for name, i in index.items()}
    mapping = mapping or {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in index.items()}
        if not any(cells.values()):
            continue
        _read_row(
            result, ref, sheet_name, number, cells, letters, default_region, default_period, mapping
        )
    return result


def _letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _read_row(
    result: LoadResult,
    ref: Reference,
    sheet: str,
    number: int,
    cells: dict[str, str],
    letters: dict[str, str],
    default_region: str | None,
    default_period: str | None,
    mapping: dict[str, str],
) -> None:
    def issue(code: str, column: str, zh: str, en: str, suggestions: list[str] = ()) -> None:
        result.issues.append(
            Issue(
                code,
                zh,
                en,
                sheet=sheet,
                row=number,
                column=letters.get(column, ""),
                cell=cells.get(column, ""),
                suggestions=tuple(suggestions),
            )
        )

    region_text = cells.get("地区") or default_region or ""
    region = ref.region(region_text)
    if region is None:
        issue(
            "unknown-region",
            "地区",
            f"第{number}行：找不到地区“{region_text}”",
            f"Row {number}: no region matches “{region_text}”",
            ref.close_regions(region_text),
        )
    ind_text = cells.get("指标", "")
    indicator = ref.indicator(mapping.get(ind_text, ind_text))
    if indicator is None:
        issue(
            "unknown-indicator",
            "指标",
            f"第{number}行：找不到指标“{ind_text}”",
            f"Row {number}: no indicator matches “{ind_text}”",
            ref.close_indicators(ind_text),
        )
    period_text = normalise_period(cells.get("时期") or default_period or "")
    try:
        period = parse_period(period_text).text
    except PeriodError:
        period = None
        issue(
            "bad-period",
            "时期",
            f"第{number}行：无法识别时期“{cells.get('时期', '')}”",
            f"Row {number}: cannot read the period “{cells.get('时期', '')}”",
        )
    if indicator is None:
        return
    ind = ref.indicators[indicator]
    written = f"{cells.get('数值', '')}{cells.get('单位', '')}"
    try:
        q = parse_quantity(written, unit_hint=str(ind["unit"]))
    except QuantityError as exc:
        issue(
            "not-a-number",
            "数值",
            f"第{number}行：{exc.message_zh}",
            f"Row {number}: {exc.message_en}",
        )
        return
    if q.unit != ind["unit"]:
        issue(
            "unit-mismatch",
            "单位",
            f"第{number}行：单位“{q.unit_as_written or q.unit}”不能换算为指标的单位 {ind['unit']}",
            f"Row {number}: the unit “{q.unit_as_written or q.unit}” does not convert to "
            f"{ind['unit']}",
        )
        return
    qualifier = QUALIFIER_WORDS.get(cells.get("限定", ""), "?") or q.qualifier
    if qualifier == "?":
        issue(
            "bad-qualifier",
            "限定",
            f"第{number}行：无法识别限定词“{cells['限定']}”",
            f"Row {number}: unknown qualifier “{cells['限定']}”",
        )
        return
    if region is None or period is None:
        return
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
