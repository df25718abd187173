"""Checks over a whole load result, after every sheet is read (e.g. a forgotten 万)."""

from __future__ import annotations

from loaders.reference import Reference
from loaders.result import LoadResult


def check_result(result: LoadResult, ref: Reference) -> None:
    """Append warnings to ``result.issues``; never drops rows."""
