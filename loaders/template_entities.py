"""The template's entity sheets: signed projects (签约项目) and alliance members (联盟成员).

They do not give observations but rows for ``LoadResult.projects`` and ``LoadResult.members``;
``store.entities.commit_entities`` writes them. Same skeleton as the other readers: find the
header row → check the required columns → read each row, collecting every issue.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterator

from loaders.quantities import QuantityError, parse_quantity
from loaders.reference import Reference
from loaders.result import Issue, LoadResult, column_letter
from loaders.sheet import CellValue, LoadOptions, Sheet
from loaders.template import QUALIFIER_WORDS, cell_text
from loaders.template_vocab import (
    MEMBER_HEADERS,
    MEMBER_KINDS,
    MEMBER_REQUIRED,
    MEMBER_ROLES,
    PROJECT_HEADERS,
    PROJECT_REQUIRED,
    ROLE_ALIASES,
    SECTORS,
    STAGES,
)
from store.regions import alias_key

HEADER_SCAN_ROWS = 10
EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's date serial numbers
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class DateError(ValueError):
    """A cell that is not a calendar date."""


def parse_date(value: CellValue) -> dt.date | None:
    """A date from a cell: a date value, ``2024-08-25``, ``2024年8月25日``, ``2024/8/25``,
    ``20240825`` or an Excel serial number. None for an empty cell; DateError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= value <= 2958465:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise DateError(str(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    m = _DATE.match(text) or _DATE_COMPACT.match(text)
    if not m:
        raise DateError(text)
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise DateError(text) from exc


def _header_row(sheet: Sheet, wanted: set[str]) -> int | None:
    for r in range(min(HEADER_SCAN_ROWS, sheet.n_rows)):
        if wanted <= {cell_text(v) for v in sheet.cells[r]}:
            return r
    return None


def is_projects_sheet(sheet: Sheet) -> bool:
    """A header row with 项目名称 and 投资额 within the first rows."""
    return _header_row(sheet, {"项目名称", "投资额"}) is not None


def is_members_sheet(sheet: Sheet) -> bool:
    """A header row with 联盟 and 成员名称 within the first rows."""
    return _header_row(sheet, {"联盟", "成员名称"}) is not None


class _RowReader:
    """The cells of one data row by field name, and issues placed at their cells."""

    def __init__(
        self, result: LoadResult, sheet: Sheet, r: int, index: dict[str, int], headers: dict
    ) -> None:
        self.result, self.sheet, self.number, self.index = result, sheet.name, r + 1, index
        self.headers = {field: header for header, field in headers.items()}
        self.raw = {f: sheet.value(r, c) for f, c in index.items()}
        self.text = {f: cell_text(v) for f, v in self.raw.items()}
        self.failed = False

    def get(self, field: str) -> str:
        return self.text.get(field, "")

    def issue(self, code: str, field: str, severity: str = "error", **params: object) -> None:
        col = self.index.get(field)
        self.result.issues.append(
            Issue.make(
                code,
                severity=severity,
                sheet=self.sheet,
                row=self.number,
                column=column_letter(col) if col is not None else "",
                cell=self.get(field),
                **params,
            )
        )
        if severity == "error":
            self.failed = True

    def required(self, field: str) -> str:
        value = self.get(field)
        if not value:
            self.issue("missing-value", field, header=self.headers[field])
        return value

    def date(self, field: str) -> str | None:
        try:
            d = parse_date(self.raw.get(field))
        except DateError:
            self.issue("bad-date", field)
            return None
        return d.isoformat() if d else None

    def choice(
        self, field: str, choices: dict[str, str], default: str | None, also: dict | None = None
    ) -> str:
        """The code of a dropdown word; its code and the words of ``also`` are accepted too.

        An empty cell gives ``default``; with no default, the cell is required.
        """
        text = self.get(field)
        if not text:
            if default is None:
                self.issue("missing-value", field, header=self.headers[field])
                return ""
            return default
        codes = set(choices.values())
        code = choices.get(text) or (also or {}).get(text)
        code = code or (text.lower() if text.lower() in codes else None)
        if code is None:
            self.issue("bad-choice", field, choices="、".join(choices))
            return default or ""
        return code

    def source(self) -> str:
        if not self.get("source"):
            self.issue("missing-source", "source", severity="warning")
        return self.get("source")


def _columns(
    sheet: Sheet, headers: dict[str, str], required: list[str], detect: set[str]
) -> tuple[int, dict[str, int]] | Issue:
    """Header row and field → column index, or a missing-column issue."""
    r = _header_row(sheet, detect)
    assert r is not None  # the detector found it
    head = [cell_text(v) for v in sheet.cells[r]]
    missing = [h for h in required if h not in head]
    if missing:
        return Issue.make(
            "missing-column",
            sheet=sheet.name,
            row=r + 1,
            columns="、".join(missing),
            expected=" | ".join(headers),
        )
    return r, {field: head.index(h) for h, field in headers.items() if h in head}


def _rows(
    sheet: Sheet, header: int, index: dict[str, int], headers: dict, result: LoadResult
) -> Iterator[_RowReader]:
    for r in range(header + 1, sheet.n_rows):
        reader = _RowReader(result, sheet, r, index, headers)
        if any(reader.text.values()) and not reader.get("name").startswith("注"):
            yield reader


def load_projects_sheet(sheet: Sheet, ref: Reference, options: LoadOptions) -> LoadResult:
    """One signed project a row → ``result.projects`` (investment in CNY)."""
    result = LoadResult()
    found = _columns(sheet, PROJECT_HEADERS, PROJECT_REQUIRED, {"项目名称", "投资额"})
    if isinstance(found, Issue):
        result.issues.append(found)
        return result
    header, index = found
    seen: dict[tuple[str, str | None], int] = {}
    for row in _rows(sheet, header, index, PROJECT_HEADERS, result):
        name = row.required("name")
        region_text = row.get("region") or options.default_region or ""
        region = ref.region(region_text) if region_text else None
        if region is None:
            row.issue("unknown-region", "region", suggestions=ref.close_regions(region_text))
        signed_on = row.date("signed_on")
        investment, qualifier, written = _amount(row)
        sector = row.choice("sector", SECTORS, "")
        stage = row.choice("stage", STAGES, "signed")
        source = row.source()
        if row.failed:
            continue
        key = (alias_key(name), region)
        if key in seen:
            row.issue("duplicate-project", "name", first=seen[key])
            continue
        seen[key] = row.number
        result.projects.append(
            {
                "name_zh": name,
                "region_code": region,
                "event": row.get("event"),
                "event_code": None,
                "signed_on": signed_on,
                "investment": investment,
                "qualifier": qualifier,
                "value_as_written": written,
                "sector": sector,
                "stage": stage,
                "source": source,
                "_row": row.number,
                "_sheet": sheet.name,
            }
        )
    return result


def _amount(row: _RowReader) -> tuple[float | None, str, str]:
    """Investment in CNY, its qualifier and the amount as written (``12.5亿元``)."""
    amount, unit = row.get("amount"), row.get("unit")
    written = amount + (unit if amount else "")
    qual_text = row.get("qualifier")
    qualifier = QUALIFIER_WORDS.get(qual_text, "?")
    if qualifier == "?":
        row.issue("bad-qualifier", "qualifier")
    if not amount:
        return None, qualifier or "exact", ""
    try:
        q = parse_quantity(written, unit_hint=None)
    except QuantityError as exc:
        row.issue("bad-amount", "amount", reason=exc.message_zh, reason_en=exc.message_en)
        return None, "exact", written
    if q.unit != "CNY":
        row.issue(
            "bad-amount",
            "amount",
            reason=f"单位“{q.unit_as_written}”不是货币单位",
            reason_en=f"the unit “{q.unit_as_written}” is not a currency",
        )
        return None, "exact", written
    return q.value, qualifier or q.qualifier, written


def load_members_sheet(sheet: Sheet, ref: Reference, options: LoadOptions) -> LoadResult:
    """One member of an alliance a row → ``result.members``."""
    result = LoadResult()
    found = _columns(sheet, MEMBER_HEADERS, MEMBER_REQUIRED, {"联盟", "成员名称"})
    if isinstance(found, Issue):
        result.issues.append(found)
        return result
    header, index = found
    seen: dict[tuple[str | None, str], int] = {}
    for row in _rows(sheet, header, index, MEMBER_HEADERS, result):
        alliance_text = row.get("alliance")
        alliance = ref.alliance(alliance_text) if alliance_text else None
        if alliance is None:
            names = [k for k in ref.alliances if not k.isascii()]  # the Chinese names
            close = difflib.get_close_matches(alias_key(alliance_text), names, n=3)
            row.issue("unknown-alliance", "alliance", suggestions=close)
        name = row.required("name")
        kind = row.choice("kind", MEMBER_KINDS, None)
        role = row.choice("role", MEMBER_ROLES, "member", also=ROLE_ALIASES)
        joined, left = row.date("joined"), row.date("left")
        if joined and left and left < joined:
            row.issue("bad-date", "left")
        source = row.source()
        if row.failed:
            continue
        key = (alliance, alias_key(name))
        if key in seen:
            row.issue("duplicate-member", "name", first=seen[key])
            continue
        seen[key] = row.number
        result.members.append(
            {
                "alliance_code": alliance,
                "name_zh": name,
                "kind": kind,
                "role": role,
                "joined": joined,
                "left": left,
                "source": source,
                "_row": row.number,
                "_sheet": sheet.name,
            }
        )
    return result
