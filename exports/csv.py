"""CSV export: UTF-8 with BOM, and no cell that a spreadsheet would run as a formula."""

from __future__ import annotations

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(value: object) -> object:
    """Text starting with = + - @ gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_text)
    return out


def render_csv(df: pd.DataFrame) -> bytes:
    return neutralise(df).to_csv(index=False).encode("utf-8-sig")
