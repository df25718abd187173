"""What every loader returns: tidy rows and a list of located issues (never exceptions).

An issue's words come from the i18n catalogue (``issue.<code>`` in ``i18n/issues_*.toml``),
filled with its place and the cell's text, so every message exists in Chinese and English.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from i18n import t

TIDY_COLUMNS = [
    "entity_type",
    "entity_code",
    "entity_name_zh",
    "entity_name_en",
    "indicator_code",
    "indicator_name_zh",
    "indicator_name_en",
    "period",
    "value",
    "unit",
    "qualifier",
    "value_as_written",
    "source",
]
ISSUE_COLUMNS = [
    "severity",
    "code",
    "sheet",
    "row",
    "column",
    "cell",
    "message_zh",
    "message_en",
    "suggestions",
]
#: the most of a cell's text an issue repeats (a 10 000-character name would bury the message)
CELL_SHOWN = 200


@dataclass(frozen=True)
class Issue:
    """A problem at a place in a file: ``(sheet, row, column, code)`` plus words for people.

    ``row`` is the 1-based spreadsheet row; ``column`` the spreadsheet letter (``B``).
    """

    code: str
    message_zh: str
    message_en: str
    severity: str = "error"
    sheet: str = ""
    row: int | None = None
    column: str = ""
    cell: str = ""
    suggestions: tuple[str, ...] = ()

    @classmethod
    def make(
        cls,
        code: str,
        *,
        severity: str = "error",
        sheet: str = "",
        row: int | None = None,
        column: str = "",
        cell: object = "",
        suggestions: tuple[str, ...] | list[str] = (),
        **params: object,
    ) -> Issue:
        """An issue whose messages come from the catalogue entry ``issue.<code>``."""
        text = "" if cell is None else str(cell)
        if len(text) > CELL_SHOWN:
            text = text[: CELL_SHOWN - 1] + "…"
        fill = {"sheet": sheet, "row": row or "", "column": column, "cell": text, **params}
        return cls(
            code,
            t(f"issue.{code}", "zh", **fill),
            t(f"issue.{code}", "en", **fill),
            severity,
            sheet,
            row,
            column,
            text,
            tuple(suggestions),
        )

    def where(self) -> tuple[str, int | None, str, str]:
        return (self.sheet, self.row, self.column, self.code)


@dataclass(frozen=True, eq=False)
class TidyColumns:
    """Tidy rows of one sheet as columns, in row order: what a long sheet's fast path reads.

    ``dicts()`` gives them as a loader's tidy rows (DESIGN.md's columns and the private
    ``_row``, ``_sheet``, ``_column``, ``_factor``); a store reads the columns themselves and
    never builds those. Names and units come once per code. Never changed once made.
    """

    sheet: str
    column: str  # the letter of the value column: every row's ``_column``
    entity_code: list[str]
    indicator_code: list[str]
    period: list[str]
    value: list[float]
    qualifier: list[str]
    value_as_written: list[str]
    source: list[str]
    row: list[int]  # 1-based spreadsheet rows
    factor: list[float]
    regions: dict[str, tuple[str, str]]  # entity code → (name_zh, name_en)
    indicators: dict[str, tuple[str, str, str]]  # code → (name_zh, name_en, unit)
    entity_type: str = "region"
    # (entity code, indicator code, period) of each row, when the reader made them anyway
    keys: list[tuple[str, str, str]] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.row)

    def dicts(self) -> list[dict[str, object]]:
        etype, sheet, column = self.entity_type, self.sheet, self.column
        regions, indicators = self.regions, self.indicators
        return [
            {
                "entity_type": etype,
                "entity_code": code,
                "entity_name_zh": regions[code][0],
                "entity_name_en": regions[code][1],
                "indicator_code": indicator,
                "indicator_name_zh": indicators[indicator][0],
                "indicator_name_en": indicators[indicator][1],
                "period": period,
                "value": value,
                "unit": indicators[indicator][2],
                "qualifier": qualifier,
                "value_as_written": written,
                "source": source,
                "_row": row,
                "_sheet": sheet,
                "_column": column,
                "_factor": factor,
            }
            for code, indicator, period, value, qualifier, written, source, row, factor in zip(
                self.entity_code,
                self.indicator_code,
                self.period,
                self.value,
                self.qualifier,
                self.value_as_written,
                self.source,
                self.row,
                self.factor,
                strict=True,
            )
        ]


#: A run of tidy rows: a list of dicts, or columns
RowPart = list[dict[str, object]] | TidyColumns


class LoadResult:
    """Tidy observation rows, and for workbooks that carry them, projects and members.

    ``rows`` is a list of dicts. A long sheet's fast path adds its rows as columns
    (``add_columns``): they become dicts when ``rows`` is first asked for, so an import that
    only stores them never builds them (``parts`` gives the rows as they came, in order).
    """

    def __init__(
        self,
        rows: list[dict[str, object]] | None = None,
        issues: list[Issue] | None = None,
        projects: list[dict[str, object]] | None = None,
        members: list[dict[str, object]] | None = None,
    ) -> None:
        self._parts: list[RowPart] = [rows if rows is not None else []]  # the first: a list
        self.issues: list[Issue] = issues if issues is not None else []
        self.projects: list[dict[str, object]] = projects if projects is not None else []
        self.members: list[dict[str, object]] = members if members is not None else []

    @property
    def rows(self) -> list[dict[str, object]]:
        """Every tidy row as a dict, in order (columns are turned into dicts once, here)."""
        head = self._parts[0]
        assert isinstance(head, list)
        for part in self._parts[1:]:
            head += part if isinstance(part, list) else part.dicts()
        del self._parts[1:]
        return head

    @rows.setter
    def rows(self, rows: list[dict[str, object]]) -> None:
        self._parts = [rows]

    @property
    def parts(self) -> list[RowPart]:
        """The tidy rows as they came, in order: lists of dicts and columns, none empty."""
        return [part for part in self._parts if len(part)]

    @property
    def row_count(self) -> int:
        return sum(len(part) for part in self._parts)

    def add_row(self, row: dict[str, object]) -> None:
        last = self._parts[-1]
        if isinstance(last, list):
            last.append(row)
        else:
            self._parts.append([row])

    def add_columns(self, columns: TidyColumns) -> None:
        if len(columns):
            self._parts.append(columns)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def extend(self, other: LoadResult) -> None:
        for part in other.parts:
            last = self._parts[-1]
            if isinstance(part, TidyColumns):
                self._parts.append(part)
            elif isinstance(last, list):
                last += part
            else:
                self._parts.append(list(part))
        self.issues += other.issues
        self.projects += other.projects
        self.members += other.members

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=TIDY_COLUMNS)

    def issues_frame(self) -> pd.DataFrame:
        df = pd.DataFrame(
            [{**i.__dict__, "suggestions": "、".join(i.suggestions)} for i in self.issues],
            columns=ISSUE_COLUMNS,
        )
        return df.astype({"row": "Int64"})  # 12, not 12.0; empty where the issue has no row

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LoadResult):
            return NotImplemented
        return (self.rows, self.issues, self.projects, self.members) == (
            other.rows,
            other.issues,
            other.projects,
            other.members,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"LoadResult(rows={self.rows!r}, issues={self.issues!r}, "
            f"projects={self.projects!r}, members={self.members!r})"
        )

    def __setstate__(self, state: dict[str, object]) -> None:
        if "rows" in state:  # pickled before rows could come as columns
            state["_parts"] = [state.pop("rows")]
        self.__dict__.update(state)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    s = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        s = chr(65 + r) + s
    return s
