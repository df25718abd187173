"""What every loader returns: tidy rows and a list of located issues (never exceptions)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

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
    """A problem at a place in a file: ``(sheet, row, column, code)`` plus words for people."""

    code: str
    message_zh: str
    message_en: str
    severity: str = "error"
    sheet: str = ""
    row: int | None = None
    column: str = ""
    cell: str = ""
    suggestions: tuple[str, ...] = ()

    def where(self) -> tuple[str, int | None, str, str]:
        return (self.sheet, self.row, self.column, self.code)


@dataclass
class LoadResult:
    rows: list[dict[str, object]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=TIDY_COLUMNS)

    def issues_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{**i.__dict__, "suggestions": "、".join(i.suggestions)} for i in self.issues],
            columns=ISSUE_COLUMNS,
        )
