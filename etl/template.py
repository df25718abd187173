"""Build the upload template data/template.xlsx from the shipped reference data.

    .venv/bin/python -m etl.template [--out data/template.xlsx]

Sheets: 说明 (how to fill it, Chinese then English), 长表, 宽表, 签约项目, 联盟成员, and a hidden
参考 sheet holding the dropdown lists (regions, indicators, alliances, events, choices). The
words come from loaders/template_vocab.py, which the readers use too. The output is
byte-identical on re-runs (fixed timestamps inside the zip), so it is committed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from loaders.template_vocab import (
    AMOUNT_UNITS,
    INFO_TITLE,
    LISTS_TITLE,
    LONG_HEADERS,
    MEMBER_HEADERS,
    MEMBER_KINDS,
    MEMBER_ROLES,
    PROJECT_HEADERS,
    QUALIFIER_CHOICES,
    SECTORS,
    SHEET_INFO,
    SHEET_LISTS,
    SHEET_LONG,
    SHEET_MEMBERS,
    SHEET_PROJECTS,
    SHEET_WIDE,
    STAGES,
    WIDE_HEADER_ROW,
    WIDE_INDICATOR_LABEL,
    WIDE_REGION_HEADER,
    WIDE_SOURCE_LABEL,
    WIDE_UNIT_LABEL,
    WIDE_UNITS,
    WIDE_YEARS,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
OUT = DATA / "template.xlsx"
FIXED_TIME = dt.datetime(2025, 1, 1)  # inside the file, so that re-runs give the same bytes
INPUT_ROWS = 1000  # dropdowns cover the first rows a user fills

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
LABEL_FONT = Font(bold=True)
LABEL_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_FONT = Font(italic=True, color="595959")
THIN = Side(style="thin", color="9BC2E6")

# The real figures the examples show (data/shipped/observations_seed.csv, source 003_…).
SEED_SOURCE = "2024新能源电池产业发展大会新闻发布会（枣庄市政府新闻办，2024-08-13）"
LONG_EXAMPLES = [
    ["枣庄市", "正极材料年产能", "2024-08", 16, "万吨", "", SEED_SOURCE],
    ["枣庄市", "创新平台数", "2024-08", 180, "个", "余", SEED_SOURCE],
]
MEMBER_EXAMPLE = [
    "天津市新能源电池人才创新创业联盟",
    "南开大学",
    "高校",
    "发起单位",
    dt.date(2021, 5, 21),
    None,
    "天津市新能源电池人才创新创业联盟落户南开区",
]

INSTRUCTIONS_ZH = [
    "本工作簿用于向看板上传数据。填好后在“上传”页面上传，或用命令行 data check / data import。",
    "先检查、后提交：系统会逐表、逐行、逐列列出问题，全部无误才会写入数据库。",
    "",
    "【各工作表】",
    "长表：一行一个数字。列为 地区 | 指标 | 时期 | 数值 | 单位 | 限定 | 来源。",
    "宽表：一个指标（B1 单元格下拉选择），第2行写单位（如“单位：万吨”），"
    "每行一个地区、每列一个年份（2020年…2025年）。",
    "签约项目：一行一个签约项目：名称、地区、签约活动、日期、投资额及单位、产业领域、阶段、来源。",
    "联盟成员：一行一个联盟成员：联盟、成员名称、类型、角色、加入日期、退出日期、来源。",
    "示例行（灰色斜体）取自已收录的真实数据，可保留也可删除。",
    "",
    "【地区与指标】地区可写全称（枣庄市）、简称（枣庄）或行政区划代码（370400）；"
    "指标请从下拉列表选择，或写指标代码（如 cathode_capacity）。",
    "【时期】年份写 2024；月份写 2024-08；上半年写 2024H1；季度写 2024Q2；"
    "累计区间写 2023-01/2023-05。“时期”列已设为文本格式，防止 Excel 自动改成日期。",
    "【单位】可写 吨、万吨、平方米、亿平方米、GWh、千瓦、万千瓦、元、万元、亿元、"
    "个、家、件、人、万人、辆 等；数值也可连同单位写在一个格里（如 16万吨）。"
    "不要漏写“万”“亿”：与以往数值相差约一万倍时系统会提醒。",
    "【限定】“余”“超过”（以及 多、过、以上、逾、突破）表示“至少”；“约”（以及 近、左右）表示约数；"
    "留空表示精确值。也可写在数值里，如“180余”“超过400”。",
    "【缺失】不知道的数字请留空或写“—”，不要写 0。",
    "【来源】每个数字都必须写明来源（文件名称、发布单位、日期或网址），没有来源的数据无法被信任。",
]
INSTRUCTIONS_EN = [
    "This workbook uploads data to the dashboard: upload it on the Upload page, or use the "
    "command line (data check / data import).",
    "Check first, commit after: every problem is listed by sheet, row and column, and nothing "
    "is written until the whole workbook is clean.",
    "",
    "[Sheets]",
    "长表 (long form): one figure a row: region | indicator | period | value | unit | "
    "qualifier | source.",
    "宽表 (wide form): one indicator (pick it in cell B1), the unit in row 2 (e.g. 单位：万吨), "
    "one region a row, one year a column (2020年 … 2025年).",
    "签约项目 (signed projects): one project a row: name, region, signing event, date, "
    "investment and its unit, sector, stage, source.",
    "联盟成员 (alliance members): one member a row: alliance, member name, type, role, "
    "joining date, leaving date, source.",
    "The example rows (grey italics) are real figures already in the dashboard; keep or "
    "delete them.",
    "",
    "[Regions and indicators] Write a region's full name (枣庄市), short name (枣庄) or "
    "division code (370400); pick indicators from the dropdown or write their code.",
    "[Periods] A year is 2024; a month 2024-08; a half-year 2024H1; a quarter 2024Q2; a "
    "cumulative span 2023-01/2023-05. The period column is formatted as text so that Excel "
    "does not turn it into a date.",
    "[Units] 吨, 万吨, 平方米, 亿平方米, GWh, 千瓦, 万千瓦, 元, 万元, 亿元, 个, 家, 件, 人, 万人, "
    "辆 and more; a cell may also hold value and unit together (16万吨). Do not forget 万 or "
    "亿: a figure about 10 000 times off the previous one is flagged.",
    "[Qualifiers] 余 or 超过 (also 多, 过, 以上, 逾, 突破) mean 'at least'; 约 (also 近, 左右) "
    "means 'about'; empty means exact. They may also be written in the value: 180余, 超过400.",
    "[Missing] Leave a figure you do not know empty or write —; never 0.",
    "[Source] Every figure needs its source (document title, publisher, date or URL): a "
    "figure without a source cannot be trusted.",
]


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def reference_lists() -> dict[str, list[str]]:
    """The dropdown lists of the 参考 sheet, in column order."""
    regions = [
        r["name_zh"]
        for r in sorted(_read("shipped/regions.csv"), key=lambda r: r["code"])
        if r["level"] in ("province", "city")
    ]
    return {
        "地区": regions,
        "指标": [r["name_zh"] for r in _read("indicators.csv")],
        "联盟": [r["name_zh"] for r in _read("shipped/alliances.csv")],
        "活动": [r["name_zh"] for r in _read("shipped/events.csv")],
        "限定": QUALIFIER_CHOICES,
        "产业领域": list(SECTORS),
        "阶段": list(STAGES),
        "类型": list(MEMBER_KINDS),
        "角色": list(MEMBER_ROLES),
        "金额单位": AMOUNT_UNITS,
        "单位": WIDE_UNITS,
    }


def list_ranges(lists: dict[str, list[str]]) -> dict[str, str]:
    """List name → the absolute range of its values on the 参考 sheet (column order)."""
    ranges = {}
    for c, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(c)
        end = 2 + max(len(values), 1)
        ranges[name] = f"{quote_sheetname(SHEET_LISTS)}!${letter}$3:${letter}${end}"
    return ranges


def _lists_sheet(wb: Workbook, lists: dict[str, list[str]]) -> None:
    """The hidden 参考 sheet: a title, then one list a column under its name."""
    ws = wb.create_sheet(SHEET_LISTS)
    ws["A1"] = LISTS_TITLE
    for c, (name, values) in enumerate(lists.items(), start=1):
        ws.cell(row=2, column=c, value=name).font = LABEL_FONT
        for r, value in enumerate(values, start=3):
            ws.cell(row=r, column=c, value=value)
        ws.column_dimensions[get_column_letter(c)].width = 24
    ws.sheet_state = "hidden"


def _dropdown(ws: Worksheet, formula: str, cells: str, strict: bool, prompt: str = "") -> None:
    dv = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop" if strict else "warning",
        errorTitle="不在列表中 / Not in the list",
        error="请从下拉列表中选择。\nPlease pick a value from the list.",
    )
    if prompt:
        dv.promptTitle, dv.prompt, dv.showInputMessage = "提示 / Hint", prompt, True
    dv.add(cells)
    ws.add_data_validation(dv)


def _header(ws: Worksheet, row: int, headers: list[str], widths: dict[str, float]) -> None:
    for c, text in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=c, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = Border(bottom=THIN)
        ws.column_dimensions[get_column_letter(c)].width = widths.get(text, 14)


def _column(headers: list[str], name: str, first: int, last: int = INPUT_ROWS) -> str:
    letter = get_column_letter(headers.index(name) + 1)
    return f"{letter}{first}:{letter}{last}"


def _example(ws: Worksheet, row: int, values: list[object]) -> None:
    for c, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=c, value=value)
        cell.font = EXAMPLE_FONT
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"


def _info_sheet(wb: Workbook) -> None:
    ws = wb.active
    ws.title = SHEET_INFO
    ws["A1"] = INFO_TITLE
    ws["A1"].font = Font(bold=True, size=14)
    rows = [*INSTRUCTIONS_ZH, "", "English", *INSTRUCTIONS_EN]
    for r, text in enumerate(rows, start=3):
        cell = ws.cell(row=r, column=1, value=text or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if text.startswith(("【", "[")) or text == "English":
            cell.font = LABEL_FONT
    ws.column_dimensions["A"].width = 120


def _long_sheet(wb: Workbook, ranges: dict[str, str]) -> None:
    ws = wb.create_sheet(SHEET_LONG)
    widths = {"地区": 14, "指标": 24, "时期": 12, "数值": 12, "单位": 10, "限定": 8, "来源": 60}
    _header(ws, 1, LONG_HEADERS, widths)
    for i, values in enumerate(LONG_EXAMPLES, start=2):
        _example(ws, i, values)
    ws.column_dimensions["C"].number_format = "@"  # 2024-08 stays text, not a date
    h = LONG_HEADERS
    _dropdown(ws, ranges["地区"], _column(h, "地区", 2), False, "地区全称、简称或代码")
    _dropdown(ws, ranges["指标"], _column(h, "指标", 2), False)
    _dropdown(ws, ranges["单位"], _column(h, "单位", 2), False)
    _dropdown(ws, ranges["限定"], _column(h, "限定", 2), True, "余/超过 = 至少；约 = 约数")
    ws.freeze_panes = "A2"


def _wide_sheet(wb: Workbook, ranges: dict[str, str]) -> None:
    ws = wb.create_sheet(SHEET_WIDE)
    ws["A1"], ws["B1"] = WIDE_INDICATOR_LABEL, "正极材料年产能"
    ws["A2"] = f"{WIDE_UNIT_LABEL}：万吨"
    for ref in ("A1", "A2"):
        ws[ref].font, ws[ref].fill = LABEL_FONT, LABEL_FILL
    ws["B1"].fill = LABEL_FILL
    ws.merge_cells("B1:D1")
    ws["E1"] = "← 从下拉列表选择指标；第2行写单位 / pick the indicator; write the unit in row 2"
    ws["E1"].font = EXAMPLE_FONT
    headers = [WIDE_REGION_HEADER, *(f"{y}年" for y in WIDE_YEARS), WIDE_SOURCE_LABEL]
    _header(ws, WIDE_HEADER_ROW, headers, {WIDE_REGION_HEADER: 16, WIDE_SOURCE_LABEL: 60})
    _dropdown(ws, ranges["指标"], "B1", False)
    first = WIDE_HEADER_ROW + 1
    _dropdown(ws, ranges["地区"], _column(headers, WIDE_REGION_HEADER, first), False)
    ws.freeze_panes = f"B{first}"


def _projects_sheet(wb: Workbook, ranges: dict[str, str]) -> None:
    ws = wb.create_sheet(SHEET_PROJECTS)
    h = list(PROJECT_HEADERS)
    widths = {"项目名称": 36, "活动": 30, "签约日期": 12, "产业领域": 14, "来源": 50}
    _header(ws, 1, h, widths)
    ws.column_dimensions[get_column_letter(h.index("签约日期") + 1)].number_format = "yyyy-mm-dd"
    _dropdown(ws, ranges["地区"], _column(h, "地区", 2), False)
    _dropdown(ws, ranges["活动"], _column(h, "活动", 2), False, "已收录的签约活动，也可填写新名称")
    _dropdown(ws, ranges["金额单位"], _column(h, "单位", 2), True)
    _dropdown(ws, ranges["限定"], _column(h, "限定", 2), True)
    _dropdown(ws, ranges["产业领域"], _column(h, "产业领域", 2), True)
    _dropdown(ws, ranges["阶段"], _column(h, "阶段", 2), True, "签约 → 开工 → 投产")
    ws.freeze_panes = "B2"


def _members_sheet(wb: Workbook, ranges: dict[str, str]) -> None:
    ws = wb.create_sheet(SHEET_MEMBERS)
    h = list(MEMBER_HEADERS)
    widths = {"联盟": 36, "成员名称": 30, "加入日期": 12, "退出日期": 12, "来源": 50}
    _header(ws, 1, h, widths)
    _example(ws, 2, MEMBER_EXAMPLE)
    for name in ("加入日期", "退出日期"):
        letter = get_column_letter(h.index(name) + 1)
        ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
    _dropdown(ws, ranges["联盟"], _column(h, "联盟", 2), False)
    _dropdown(ws, ranges["类型"], _column(h, "类型", 2), True)
    _dropdown(ws, ranges["角色"], _column(h, "角色", 2), True)
    ws.freeze_panes = "B2"


def build_workbook() -> Workbook:
    wb = Workbook()
    _info_sheet(wb)
    lists = reference_lists()
    ranges = list_ranges(lists)
    for make in (_long_sheet, _wide_sheet, _projects_sheet, _members_sheet):
        make(wb, ranges)
    _lists_sheet(wb, lists)
    wb.properties.creator = "battery-cluster-dashboard"
    wb.properties.created = FIXED_TIME
    return wb


def template_bytes() -> bytes:
    """The workbook as bytes, identical on every run."""
    buffer = io.BytesIO()
    build_workbook().save(buffer)
    return _fix_zip(buffer.getvalue())


def _fix_zip(data: bytes) -> bytes:
    """Fixed entry timestamps and a fixed 'modified' property: the same bytes every run."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    body,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    data = template_bytes()
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
