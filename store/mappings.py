"""Header mappings remembered per sheet layout, so that a user maps an unknown header once.

A user who runs ``--map 锂电池正极材料产能=cathode_capacity`` on a workbook should not have to
say it again for next month's workbook of the same layout. The layout is known by
``layout_signature(headers)``: a hash of the sheet's normalised header texts in which every
period header (``2023年``, ``2024年1-6月`` …) and every run of them counts as one placeholder
and other digits are folded (a title ``2024年产能表`` matches ``2025年产能表``), so that next
year's table with one more year column has the same signature.

Wiring (command line and upload page): ``mappings_for(engine, sheets)`` before loading gives
the remembered header → code mapping of the sheets' layouts (an explicit ``--map`` wins over
it); after a clean import, ``remember_for(engine, sheets, explicit_mapping)`` stores what the
user mapped, per layout of the sheets whose text has the header.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from sqlalchemy import Engine, delete, insert, select

from loaders.sheet import Sheet
from loaders.template import cell_text, normalise_period
from store.mapping_models import HeaderMapping
from store.models import Indicator
from store.periods import PeriodError, parse_period
from store.regions import alias_key

PERIOD_TOKEN = "{period}"
HEADER_SCAN_ROWS = 10  # a sheet's header rows lie within its first rows
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def _token(header: str) -> str:
    text = alias_key(header)
    try:
        parse_period(normalise_period(text))
    except PeriodError:
        return _DIGITS.sub("#", text)
    return PERIOD_TOKEN


def layout_signature(headers: list[str]) -> str:
    """A stable hash of a sheet's header texts (empty headers and period runs folded)."""
    tokens: list[str] = []
    for header in headers:
        token = _token(str(header or ""))
        if token and not (token == PERIOD_TOKEN and tokens and tokens[-1] == PERIOD_TOKEN):
            tokens.append(token)
    return hashlib.sha256("\x1f".join(tokens).encode()).hexdigest()


def remembered(engine: Engine, signature: str) -> dict[str, str]:
    """Header text → indicator code, as remembered for this layout."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(HeaderMapping.header_text, HeaderMapping.indicator_code)
            .where(HeaderMapping.signature == signature)
            .order_by(HeaderMapping.header_text)
        )
        return {header: code for header, code in rows}


def remember(engine: Engine, signature: str, mapping: dict[str, str]) -> int:
    """Store ``mapping`` (header text → indicator code) for this layout; a header mapped
    before takes the new code. Codes that are not indicators are skipped; returns how many
    were stored."""
    with engine.begin() as conn:
        known = set(conn.scalars(select(Indicator.code)))
        rows = [
            {"signature": signature, "header_text": h, "indicator_code": c}
            for h, c in sorted(mapping.items())
            if c in known and h
        ]
        if not rows:
            return 0
        conn.execute(
            delete(HeaderMapping).where(
                HeaderMapping.signature == signature,
                HeaderMapping.header_text.in_([r["header_text"] for r in rows]),
            )
        )
        now = dt.datetime.now(dt.UTC)
        conn.execute(insert(HeaderMapping), [{**r, "created_at": now} for r in rows])
    return len(rows)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def sheet_headers(sheet: Sheet) -> list[str]:
    """The texts of a sheet's rows above its first data row.

    A data row is one whose first filled cell is text and that holds a number other than a
    year (2023 as a number is a column header). The rows scanned are the first
    ``HEADER_SCAN_ROWS``; the sheet's name is not part of it (people rename sheets).
    """
    headers: list[str] = []
    for row in sheet.cells[:HEADER_SCAN_ROWS]:
        filled = [v for v in row if cell_text(v)]
        if not filled:
            continue
        numbers = [v for v in filled[1:] if _is_number(v) and not 1900 <= v <= 2100]
        if isinstance(filled[0], str) and numbers:
            break
        headers += [cell_text(v) for v in filled]
    return headers


def sheet_signature(sheet: Sheet) -> str:
    return layout_signature(sheet_headers(sheet))


def mappings_for(engine: Engine, sheets: list[Sheet]) -> dict[str, str]:
    """The remembered header → code mappings of every sheet's layout, merged."""
    merged: dict[str, str] = {}
    for sheet in sheets:
        merged.update(remembered(engine, sheet_signature(sheet)))
    return merged


def remember_for(engine: Engine, sheets: list[Sheet], mapping: dict[str, str]) -> int:
    """Remember ``mapping`` for each sheet whose cells contain the mapped header text."""
    stored = 0
    for sheet in sheets:
        texts = {cell_text(v) for row in sheet.cells for v in row}
        used = {h: c for h, c in mapping.items() if h in texts}
        if used:
            stored += remember(engine, sheet_signature(sheet), used)
    return stored
