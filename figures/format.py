"""How numbers are shown: display units, qualifiers, thousands separators."""

from __future__ import annotations

import math
from collections.abc import Mapping

from i18n import norm_lang, t


def display_unit(indicator: Mapping, lang: str | None) -> tuple[float, str]:
    """(factor, unit label) a reader sees for an indicator: 万吨 in Chinese, kt in English."""
    if norm_lang(lang) == "en":
        return float(indicator["display_en_factor"]), str(indicator["display_en_unit"])
    return float(indicator["display_zh_factor"]), str(indicator["display_zh_unit"])


def format_number(x: float) -> str:
    """16 → 16; 553.8 → 553.8; 10200 → 10,200; 385.5601 → 385.56; below 1, three significant
    digits (a figure per 万人 is often small: 0.083 → 0.083, not 0.08); 0.0042 → 0.0042."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    decimals = 2
    if x != 0 and abs(x) < 1:
        decimals = min(12, 2 - math.floor(math.log10(abs(x))))
    text = f"{x:,.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def qualifier_mark(qualifier: str, lang: str | None) -> tuple[str, str]:
    """(prefix, suffix) around a number: 余 after it in Chinese, + in English, 约/~ before."""
    if qualifier == "at_least":
        return "", t("qualifier.at_least", lang)
    if qualifier == "approx":
        return t("qualifier.approx", lang), ""
    return "", ""


def format_quantity(value: float, qualifier: str, indicator: Mapping, lang: str | None) -> str:
    """A figure as a reader sees it: 16万吨, 180余个, 约300条 / 160 kt, 180+ platforms."""
    factor, unit = display_unit(indicator, lang)
    prefix, suffix = qualifier_mark(qualifier, lang)
    number = format_number(value / factor)
    if norm_lang(lang) == "en":
        sep = "" if unit in {"%"} else " "
        if number == "1" and not suffix:  # 1 area, 1 firm; but 1+ areas, 1 thousand vehicles
            unit = singular(unit)
        return f"{prefix}{number}{suffix}{sep}{unit}"
    return f"{prefix}{number}{suffix}{unit}"


def singular(unit: str) -> str:
    """An English count unit for one: areas → area, people → person; other units as they are
    (kt, GWh, thousand vehicles)."""
    if unit == "people":
        return "person"
    if unit.isalpha() and unit.islower() and unit.endswith("s") and not unit.endswith("ss"):
        return unit[:-1]
    return unit


def chart_label(value: float, qualifier: str, factor: float) -> str:
    """The label on a bar or point: 180+ for a lower bound, ~300 for an approximate figure."""
    number = format_number(value / factor)
    if qualifier == "at_least":
        return f"{number}+"
    if qualifier == "approx":
        return f"~{number}"
    return number
