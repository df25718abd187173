"""Where things are in a government table: title rows, unit, header block, body, footnotes.

``locate(sheet)`` looks only at the shape and the kinds of cells (figure, period, words, missing
marker), never at the reference: the first row of figures marks the body; the header block is
the rows just above it; everything above the header is the title area (title, ``单位：万吨``);
a row starting ``注：``/``资料来源：`` ends the body. Merged header cells are filled across
their range and a column's header levels are kept top to bottom.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.result import Issue, column_letter
from loaders.sheet import Sheet
from loaders.text import (
    CODE_HEADER,
    EMPTY,
    FOOTNOTE,
    MISSING,
    NUM,
    PERIOD,
    PERIOD_HEADER,
    SEQUENCE_HEADER,
    SOURCE_LINE,
    TEXT,
    UNIT_CELL,
    UNIT_IN_TEXT,
    cell_kind,
    cell_text,
    period_of,
    split_unit,
    unit_hint,
)

HEADER_SEARCH_ROWS = 40  # the first row of figures lies within the sheet's first rows
MAX_HEADER_ROWS = 4  # a header block is at most this deep
SAMPLE_ROWS = 300  # body rows looked at to tell label columns from value columns
TITLE_WIDTH_SHARE = 0.5  # a lone merged cell this wide (share of the table) is a title
CODE_RANGE = (110000, 829999)  # six-digit GB/T 2260 codes
_BRACKETED = re.compile(r"^[（(]\s*([^（）()]+?)\s*[)）]$")


@dataclass
class Column:
    """One column: its header levels (0-based row, text) top to bottom, and its role.

    Roles: ``label`` (words: regions, indicators, units, categories), ``value`` (figures),
    ``code`` (division codes), ``period`` (years down the rows), ``sequence`` (序号).
    """

    index: int
    levels: list[tuple[int, str]]
    role: str
    header_row: int  # 1-based row where the header text ends (for issues)
    letter: str = ""  # spreadsheet letter, set from index

    def __post_init__(self) -> None:
        self.letter = column_letter(self.index)

    @property
    def text(self) -> str:
        return " ".join(t for _, t in self.levels)


@dataclass
class Layout:
    titles: list[tuple[int, int, str]]  # texts above the header: (0-based row, col, text)
    unit: tuple[str, int, int, str] | None  # sheet unit: (hint, 0-based row, col, cell text)
    header: range  # 0-based rows of the header block
    body: list[int]  # 0-based rows below the header that hold something, before any footnote
    notes: list[str]
    source: str
    columns: list[Column]
    filled: dict[tuple[int, int], str] = field(default_factory=dict)  # merged cells, filled

    def label(self, sheet: Sheet, row: int, col: int) -> str:
        """A label cell's text, a merged range's value filling every cell of the range."""
        text = cell_text(sheet.value(row, col))
        return text or self.filled.get((row, col), "")

    @property
    def title(self) -> str:
        return " ".join(t for _, _, t in self.titles)


def _unit_cell(text: str, bracket: bool = True) -> str | None:
    """The unit of a cell like ``单位：万吨`` (or ``（万人）`` when ``bracket``) on its own.

    In a header row a bracketed unit is the unit of its own column, not of the sheet."""
    m = UNIT_CELL.match(text) if "单位" in text else None
    if m is None and bracket:
        m = _BRACKETED.match(text)
    return unit_hint(m[1]) if m else None


def _first_body_row(sheet: Sheet) -> int | None:
    for r in range(min(HEADER_SEARCH_ROWS, sheet.n_rows)):
        row = sheet.cells[r]
        first = next((cell_text(v) for v in row if cell_text(v)), "")
        if not first or FOOTNOTE.match(first) or _unit_cell(first):
            continue
        if any(cell_kind(v) in (NUM, MISSING) for v in row):
            return r
    return None


def _merged_fill(sheet: Sheet) -> dict[tuple[int, int], str]:
    filled: dict[tuple[int, int], str] = {}
    for r0, c0, r1, c1 in sheet.merged:
        text = cell_text(sheet.value(r0, c0))
        if not text or (r1 - r0 + 1) * (c1 - c0 + 1) > 10_000:
            continue
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                filled[(r, c)] = text
    return filled


def _width_of(sheet: Sheet, row: int, col: int) -> int:
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= row <= r1 and c0 <= col <= c1:
            return c1 - c0 + 1
    return 1


def _header_like(sheet: Sheet, row: int, first_col: int, width: int) -> bool:
    cells = [
        (c, cell_text(v))
        for c, v in enumerate(sheet.cells[row])
        if cell_text(v) and not _unit_cell(cell_text(v), bracket=False)
    ]
    if len(cells) >= 2:
        return True
    if len(cells) == 1 and not _unit_cell(cells[0][1]):
        c = cells[0][0]
        return c != first_col and _width_of(sheet, row, c) < TITLE_WIDTH_SHARE * width
    return False


def locate(sheet: Sheet) -> Layout | Issue:
    """The layout of ``sheet``, or the issue saying what was expected and what was found."""
    d0 = _first_body_row(sheet)
    if d0 is None:
        return Issue.make("no-figures", sheet=sheet.name, limit=HEADER_SEARCH_ROWS)
    used = [c for c in range(sheet.n_cols) if cell_text(sheet.value(d0, c))]
    first_col, width = used[0], used[-1] - used[0] + 1
    header: list[int] = []
    r = d0 - 1
    while r >= 0 and len(header) < MAX_HEADER_ROWS:
        if not any(cell_text(v) for v in sheet.cells[r]):
            if header:
                break
        elif _header_like(sheet, r, first_col, width):
            header.insert(0, r)
        else:
            break
        r -= 1
    if not header:
        found = next((cell_text(v) for v in sheet.cells[d0] if cell_text(v)), "")
        return Issue.make("no-header", sheet=sheet.name, row=d0 + 1, cell=found)
    filled = _merged_fill(sheet)
    titles = [
        (r, c, cell_text(v))
        for r in range(header[0])
        for c, v in enumerate(sheet.cells[r])
        if cell_text(v)
    ]
    unit = _sheet_unit(sheet, titles, header)
    if unit and _unit_cell(unit[3]):  # a cell that is only a unit is no title
        titles = [t for t in titles if (t[0], t[1]) != (unit[1], unit[2])]
    grid = _header_grid(sheet, header, filled)
    body, notes, source = _body(sheet, d0)
    columns = _columns(sheet, header, grid, body)
    return Layout(
        titles, unit, range(header[0], header[-1] + 1), body, notes, source, columns, filled
    )


def _sheet_unit(
    sheet: Sheet, titles: list[tuple[int, int, str]], header: list[int]
) -> tuple[str, int, int, str] | None:
    heads = [
        (r, c, cell_text(v)) for r in header for c, v in enumerate(sheet.cells[r]) if cell_text(v)
    ]
    for cells, bracket in ((titles, True), (heads, False)):
        for r, c, text in cells:
            hint = _unit_cell(text, bracket)
            if hint:
                return hint, r, c, text
    for r, c, text in titles:
        m = UNIT_IN_TEXT.search(text)
        if m and (hint := unit_hint(m[1])):
            return hint, r, c, text
        base, hint = split_unit(text)
        if base and hint:  # 常住人口（万人）
            return hint, r, c, text
    return None


def _header_grid(
    sheet: Sheet, header: list[int], filled: dict[tuple[int, int], str]
) -> list[list[str]]:
    """Header texts with merged cells filled, and upper levels carried right over their group."""
    grid = []
    for r in header:
        row = []
        for c in range(sheet.n_cols):
            text = cell_text(sheet.value(r, c)) or filled.get((r, c), "")
            row.append("" if _unit_cell(text, bracket=False) else text)
        grid.append(row)
    for i in range(len(grid) - 1):
        upper, lower = grid[i], grid[i + 1]
        for c in range(1, len(upper)):
            if not upper[c] and upper[c - 1] and lower[c] and lower[c - 1]:
                upper[c] = upper[c - 1]
    return grid


def _body(sheet: Sheet, d0: int) -> tuple[list[int], list[str], str]:
    body: list[int] = []
    notes: list[str] = []
    for r in range(d0, sheet.n_rows):
        row = sheet.cells[r]
        first = next((t for v in row if v is not None and (t := cell_text(v))), "")
        if not first:
            continue
        if notes or (isinstance(first, str) and FOOTNOTE.match(first)):
            notes.extend(t for t in (cell_text(v) for v in row) if t)
            continue
        body.append(r)
    source = next((m[1].strip() for n in notes if (m := SOURCE_LINE.match(n))), "")
    return body, notes, source


def _sample(body: list[int]) -> list[int]:
    if len(body) <= SAMPLE_ROWS:
        return body
    step = len(body) / SAMPLE_ROWS
    return [body[int(i * step)] for i in range(SAMPLE_ROWS)]


def _columns(
    sheet: Sheet, header: list[int], grid: list[list[str]], body: list[int]
) -> list[Column]:
    sample = _sample(body)
    columns = []
    for c in range(sheet.n_cols):
        levels: list[tuple[int, str]] = []
        for i, r in enumerate(header):
            text = grid[i][c]
            if text and (not levels or levels[-1][1] != text):
                levels.append((r, text))
        kinds = {EMPTY: 0, NUM: 0, PERIOD: 0, MISSING: 0, TEXT: 0}
        values = [sheet.value(r, c) for r in sample]
        for v in values:
            kinds[cell_kind(v)] += 1
        if not levels and kinds[EMPTY] == len(values):
            continue
        head = " ".join(t for _, t in levels)
        row = (levels[-1][0] if levels else header[-1]) + 1
        columns.append(Column(c, levels, _role(head, kinds, values), row))
    return columns


def _role(head: str, kinds: dict[str, int], values: list[object]) -> str:
    figures = kinds[NUM] + kinds[PERIOD]
    if SEQUENCE_HEADER.match(head):
        return "sequence"
    if CODE_HEADER.search(head) or (not head and kinds[NUM] and _all_codes(values)):
        return "code"
    if PERIOD_HEADER.match(head):
        return "period"
    if kinds[TEXT] > figures:
        return "label"
    if kinds[PERIOD] and not kinds[NUM] and not kinds[TEXT]:
        written = any(isinstance(v, str) for v in values if cell_kind(v) == PERIOD)
        if written and not period_of(head) and not split_unit(head)[1]:
            return "period"
    return "value"


def _all_codes(values: list[object]) -> bool:
    numbers = [v for v in values if cell_kind(v) == NUM]
    return len(numbers) >= 3 and all(
        (t := cell_text(v)).isdigit() and CODE_RANGE[0] <= int(t) <= CODE_RANGE[1] for v in numbers
    )
