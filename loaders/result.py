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


@dataclass
class LoadResult:
    """Tidy observation rows, and for workbooks that carry them, projects and members."""

    rows: list[dict[str, object]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    projects: list[dict[str, object]] = field(default_factory=list)
    members: list[dict[str, object]] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def extend(self, other: LoadResult) -> None:
        self.rows += other.rows
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


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    s = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        s = chr(65 + r) + s
    return s
