"""Government-style tables made without the template (title rows, merged headers, unit rows,
years as columns, regions as rows or columns, footnotes …). Filled in by issue 3."""

from __future__ import annotations

from loaders.reference import Reference
from loaders.result import LoadResult
from loaders.sheet import LoadOptions, Sheet


def is_government_table(sheet: Sheet) -> bool:
    return False


def load_government_sheet(sheet: Sheet, ref: Reference, options: LoadOptions) -> LoadResult:
    return LoadResult()
