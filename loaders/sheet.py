"""What a file reader hands to the sheet parsers: plain cells, merged ranges, the sheet name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

CellValue = str | int | float | bool | dt.date | dt.datetime | None


@dataclass
class Sheet:
    """One sheet as values: ``cells[r][c]`` is row r+1, column c+1 of the spreadsheet.

    Formulas appear as their cached values (never evaluated). ``merged`` lists merged ranges
    as 0-based inclusive ``(first_row, first_col, last_row, last_col)``; the value sits in the
    first cell, the others are None. ``source`` is the file name, for messages.
    """

    name: str
    cells: list[list[CellValue]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    source: str = ""

    @property
    def n_rows(self) -> int:
        return len(self.cells)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.cells), default=0)

    def value(self, row: int, col: int) -> CellValue:
        if row < len(self.cells) and col < len(self.cells[row]):
            return self.cells[row][col]
        return None


@dataclass(frozen=True)
class LoadOptions:
    """What the user tells the loaders (upload form or command line)."""

    sheet: str | None = None
    default_region: str | None = None
    default_period: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)  # header text → indicator code
    max_rows: int = 200_000
    max_bytes: int = 20 * 1024 * 1024
