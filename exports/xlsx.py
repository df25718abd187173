"""XLSX export of a frame: one sheet, a bold header row, no cell a spreadsheet would run."""

from __future__ import annotations

import io
import math

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from exports.csv import neutralise_text

SHEET_TITLE_LENGTH = 31  # Excel's limit
_BAD_TITLE = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def _cell_value(value: object) -> object:
    """Text neutralised (``'=1+1``), missing values empty, numbers and dates as they are."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, str):
        return neutralise_text(value)
    if isinstance(value, int | float | bool):
        return value
    return neutralise_text(str(value))


def render_xlsx(
    df: pd.DataFrame,
    sheet_title: str = "data",
    header: list[tuple[str, str]] | None = None,
) -> bytes:
    """``df`` as an .xlsx workbook (bytes): its column names in a bold first row.

    ``header``: (label, text) rows written above the table (title, unit, source, as-of), then
    an empty row; the table's header row follows.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet((sheet_title.translate(_BAD_TITLE) or "data")[:SHEET_TITLE_LENGTH])
    bold = Font(bold=True)
    for label, text in header or []:
        cell = WriteOnlyCell(ws, value=_cell_value(label))
        cell.font = bold
        ws.append([cell, _cell_value(text)])
    if header:
        ws.append([])
    header = []
    for name in df.columns:
        cell = WriteOnlyCell(ws, value=_cell_value(str(name)))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in df.itertuples(index=False, name=None):
        ws.append([_cell_value(v) for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
