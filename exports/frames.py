"""The data behind a chart as a table a reader opens in Excel: one row a figure, named columns.

Values are in the unit the chart shows (万吨, GWh …), with the qualifier, the period, the
figure as written in its source and the source itself, so that every number in a picture can
be found again in its table.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from figures.format import display_unit
from i18n import pick, t
from store.periods import parse_period

COLUMNS = (
    "region",
    "region_code",
    "indicator",
    "period",
    "value",
    "unit",
    "qualifier",
    "as_written",
    "status",
    "source",
)


def headers(lang: str, columns: tuple[str, ...] = COLUMNS) -> list[str]:
    return [t(f"exports.col.{c}", lang) for c in columns]


def _number(value: object, factor: float) -> float | None:
    if value is None or pd.isna(value):
        return None
    number = float(value) / factor
    return round(number, 10)  # 16.000000000000004 → 16.0


def _text(row: Mapping, key: str) -> str:
    value = row.get(key)
    return value if isinstance(value, str) else ""


def observation_frame(
    rows: pd.DataFrame,
    indicators: pd.DataFrame | Mapping,
    lang: str,
    *,
    value_column: str = "value",
    unit: tuple[float, str] | None = None,
) -> pd.DataFrame:
    """Figures of regions: ``rows`` as ``store.queries`` returns them (entity_code, name_zh/en,
    indicator_code, period, value, qualifier, value_as_written, status, source_title_zh/en).

    ``indicators``: the catalogue indexed by code, or one indicator's row; ``unit``: (factor,
    label) to use instead of the indicator's display unit (a normalised measure).
    """
    records = []
    for row in rows.to_dict("records"):
        if isinstance(indicators, pd.DataFrame):
            ind = indicators.loc[row["indicator_code"]]
        else:
            ind = indicators
        factor, label = unit or display_unit(ind, lang)
        qualifier = _text(row, "qualifier") or "exact"
        status = _text(row, "status") or "reported"
        records.append(
            [
                pick(lang, _text(row, "name_zh"), _text(row, "name_en")),
                str(row.get("entity_code") or ""),
                pick(lang, str(ind["name_zh"]), str(ind["name_en"])),
                parse_period(str(row["period"])).label(lang) if row.get("period") else "",
                _number(row.get(value_column), factor),
                label,
                t(f"exports.qualifier.{qualifier}", lang),
                _text(row, "value_as_written"),
                t(f"status.{status}", lang),
                pick(lang, _text(row, "source_title_zh"), _text(row, "source_title_en")),
            ]
        )
    return pd.DataFrame(records, columns=headers(lang))


def labelled_frame(records: list[dict[str, object]], lang: str) -> pd.DataFrame:
    """Rows keyed by ``exports.col.*`` names, with the columns named in ``lang``."""
    keys = list(dict.fromkeys(k for r in records for k in r))
    return pd.DataFrame(
        [[r.get(k) for k in keys] for r in records], columns=headers(lang, tuple(keys))
    )
