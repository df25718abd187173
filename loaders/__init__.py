"""Loaders: files → tidy rows and located issues. They never touch the database.

``load_file`` is the one entry point (command line and upload page): it opens the file safely,
picks the parser each sheet needs (the project's template, or a government-style table) and
collects every issue instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from loaders.checks import check_result
from loaders.files import FileRejected, read_with_warnings
from loaders.government import is_government_table, load_government_sheet
from loaders.reference import Reference
from loaders.result import Issue, LoadResult
from loaders.sheet import LoadOptions, Sheet
from loaders.template import RowSink, is_long_form, load_long_sheet
from loaders.template_sheets import SHEET_PARSERS

__all__ = [
    "FileRejected",
    "LoadOptions",
    "LoadResult",
    "load_file",
    "load_sheets",
    "read_with_warnings",
]


def _parse_sheet(
    sheet: Sheet,
    ref: Reference,
    options: LoadOptions,
    on_rows: RowSink | None,
    later: list[Callable[[], None]] | None = None,
) -> LoadResult:
    """The first parser whose detector recognises the sheet reads it."""
    if is_long_form(sheet):  # the bulk form: its rows are handed on while it is read
        return load_long_sheet(sheet, ref, options, on_rows, later)
    parsers = [*SHEET_PARSERS, (is_government_table, load_government_sheet)]
    for detect, parse in parsers:
        if detect(sheet):
            result = parse(sheet, ref, options)
            if on_rows is not None and result.rows:
                on_rows(result.rows)
            return result
    return LoadResult(issues=[Issue.make("unknown-layout", sheet=sheet.name)])


def load_sheets(
    sheets: list[Sheet],
    ref: Reference,
    options: LoadOptions,
    warnings: list[Issue] | None = None,
    on_rows: RowSink | None = None,
    on_read: Callable[[], None] | None = None,
) -> LoadResult:
    """Parse sheets already read (so that a caller can look at them first, e.g. for mappings).

    ``on_rows`` is handed every tidy row once, in batches, while the sheets are read (e.g. to
    start storing them): the issues are only complete when this returns. ``on_read`` is told
    when every row has been handed on, before the checks over all of them.
    """
    result = LoadResult()
    later: list[Callable[[], None]] | None = [] if on_rows is not None else None
    parsed_sheets = [
        _parse_sheet(sheet, ref, options, on_rows, later)
        for sheet in sheets
        if any(v not in (None, "") for row in sheet.cells for v in row)
    ]
    if on_read is not None:
        on_read()
    for settle in later or []:  # what a reader left to do once every row was handed on
        settle()
    with_rows = 0
    for parsed in parsed_sheets:
        with_rows += bool(parsed.row_count)
        result.extend(parsed)
    # each sheet's reader reports its own repeats: only rows of two sheets can still clash
    check_result(result, ref, across_sheets=with_rows > 1)
    if not result.row_count and not result.issues and not result.projects and not result.members:
        result.issues.append(Issue.make("empty-file", sheet=sheets[0].source if sheets else ""))
    result.issues[:0] = warnings or []  # file-level warnings (external links, formulas) first
    return result


def load_file(path: Path, ref: Reference, options: LoadOptions | None = None) -> LoadResult:
    """Read and parse every sheet of ``path``; raises FileRejected when it cannot be read."""
    options = options or LoadOptions()
    sheets, warnings = read_with_warnings(path, options)
    return load_sheets(sheets, ref, options, warnings)
