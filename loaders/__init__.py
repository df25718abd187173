"""Loaders: files → tidy rows and located issues. They never touch the database.

``load_file`` is the one entry point (command line and upload page): it opens the file safely,
picks the parser each sheet needs (the project's template, or a government-style table) and
collects every issue instead of stopping at the first.
"""

from __future__ import annotations

from pathlib import Path

from loaders.files import FileRejected, read_sheets
from loaders.reference import Reference
from loaders.result import Issue, LoadResult
from loaders.sheet import LoadOptions
from loaders.template import is_long_form, load_long_sheet

__all__ = ["FileRejected", "LoadOptions", "LoadResult", "load_file"]


def load_file(path: Path, ref: Reference, options: LoadOptions | None = None) -> LoadResult:
    """Read every sheet of ``path``; raises FileRejected only when the file cannot be read."""
    options = options or LoadOptions()
    result = LoadResult()
    for sheet in read_sheets(path, options):
        if not any(v not in (None, "") for row in sheet.cells for v in row):
            continue
        if is_long_form(sheet):
            result.extend(load_long_sheet(sheet, ref, options))
        else:
            result.issues.append(Issue.make("unknown-layout", sheet=sheet.name))
    if not result.rows and not result.issues:
        result.issues.append(Issue.make("empty-file", sheet=path.name))
    return result
