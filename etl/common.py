"""Shared pieces of the reference ETL: the observation row, issues, number formatting."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

OBS_COLUMNS = [
    "entity_type",
    "entity_code",
    "indicator_code",
    "period",
    "value",
    "unit",
    "qualifier",
    "value_as_written",
    "source_key",
    "sentence",
    "status",
    "note",
]


@dataclass(frozen=True)
class Obs:
    entity_code: str
    indicator_code: str
    period: str
    value: Decimal
    value_as_written: str
    source_key: str
    sentence: str
    status: str
    note: str = ""
    qualifier: str = "exact"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.entity_code, self.indicator_code, self.period)

    def row(self, unit: str) -> list[str]:
        return [
            "region",
            self.entity_code,
            self.indicator_code,
            self.period,
            fmt_decimal(self.value),
            unit,
            self.qualifier,
            self.value_as_written,
            self.source_key,
            self.sentence,
            self.status,
            self.note,
        ]


@dataclass(frozen=True)
class Issue:
    """A problem found in a reference file: reported, never fatal."""

    code: str  # kebab-case: unknown-region, missing-value, …
    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.file} {self.where}: {self.message}"


def cell_decimal(value: object) -> Decimal | None:
    """A spreadsheet or CSV cell as an exact Decimal (floats via their shortest repr)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    text = str(value).strip()
    if not text or text.upper() in ("NA", "NAN", "N/A", "-", "—"):
        return None
    return Decimal(text)


def fmt_decimal(value: Decimal) -> str:
    """Plain decimal text without exponent or trailing zeros: 5800000, 0.000012, 61.934."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def round_significant(value: Decimal, digits: int) -> Decimal:
    """value rounded to `digits` significant digits (half to even): 8.74003060476 → 8.74003."""
    if not value:
        return Decimal(0)
    exponent = value.adjusted() - digits + 1
    return value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_EVEN)


def written(value: object) -> str:
    """A cell as it reads in the file: 9933000, 0.532 (never an exponent)."""
    number = cell_decimal(value)
    return "" if number is None else fmt_decimal(number)


def rel(path: Path, shared: Path) -> str:
    return str(path.relative_to(shared / "reference"))
