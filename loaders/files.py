"""Opening what users upload: CSV, XLSX, XLS into Sheets; anything else is refused clearly.

(First version: the safety checks against hostile files come with issue 3.)
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from loaders.sheet import LoadOptions, Sheet


class FileRejected(Exception):
    """The file cannot or must not be read; ``code`` is the issue code, reasons in zh/en."""

    def __init__(self, code: str, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.code, self.reason_zh, self.reason_en = code, reason_zh, reason_en


def read_sheets(path: Path, options: LoadOptions) -> list[Sheet]:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise FileRejected("file-unreadable", "文件不存在", "file not found")
    if suffix == ".csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise FileRejected(
                "file-unreadable", "不是 UTF-8 或 GB18030 文本", "not UTF-8 or GB18030 text"
            )
        return [
            Sheet(path.stem, [list(r) for r in csv.reader(io.StringIO(text))], source=path.name)
        ]
    if suffix in {".xlsx", ".xls", ".xlsm"}:
        try:
            from python_calamine import CalamineWorkbook

            wb = CalamineWorkbook.from_path(str(path))
            names = [options.sheet] if options.sheet else wb.sheet_names
            if options.sheet and options.sheet not in wb.sheet_names:
                raise FileRejected(
                    "file-unreadable",
                    f"工作簿中没有名为“{options.sheet}”的工作表",
                    f"the workbook has no sheet named “{options.sheet}”",
                )
            return [
                Sheet(n, wb.get_sheet_by_name(n).to_python(skip_empty_area=False), source=path.name)
                for n in names
            ]
        except FileRejected:
            raise
        except Exception as exc:
            raise FileRejected(
                "file-unreadable",
                f"不是可读的 Excel 工作簿（{type(exc).__name__}）",
                f"not a readable Excel workbook ({type(exc).__name__})",
            ) from exc
    raise FileRejected(
        "file-unreadable",
        f"不支持的文件类型 {suffix or '（无扩展名）'}",
        f"unsupported file type {suffix or '(none)'}",
    )
