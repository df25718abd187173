"""The 数据表 and 排名 tabs of 地区对比: grids built from the frames the page has read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd
from dash import html

from components.alerts import create_alert
from components.compare_text import measure_name
from components.tables import create_grid
from figures.compare import has_value, value_label
from figures.format import format_quantity
from i18n import pick, t
from store.periods import parse_period

if TYPE_CHECKING:
    from components.compare_view import CompareData

TOP = 10  # ranking rows shown besides the regions chosen


def create_table(df: pd.DataFrame, data: CompareData) -> object:
    """Every figure of the series (``df``: with ``name``), as stored and in the measure."""
    lang, ind = data.lang, data.indicator
    normalised = data.measure != "absolute"
    rows = []
    for r in df.to_dict("records"):
        row = {
            "region": r["name"],
            "period": parse_period(r["period"]).label(lang),
            "value": format_quantity(r["raw_value"], r["raw_qualifier"], ind, lang),
            "written": r["value_as_written"],
            "status": t(f"status.{r['status']}", lang),
            "source": pick(lang, r["source_title_zh"], r["source_title_en"]),
        }
        if normalised:
            row["measure"] = _measured(r, data)
        rows.append(row)
    columns = [
        {"field": "region", "headerName": t("common.region", lang), "pinned": "left"},
        {"field": "period", "headerName": t("common.period", lang)},
        {"field": "value", "headerName": t("common.value", lang), "type": "rightAligned"},
    ]
    if normalised:
        columns.append(
            {
                "field": "measure",
                "headerName": measure_name(data.measure, lang),
                "type": "rightAligned",
            }
        )
    columns += [
        {"field": "written", "headerName": t("common.as_written", lang)},
        {"field": "status", "headerName": t("common.status", lang)},
        {"field": "source", "headerName": t("common.source", lang), "flex": 2},
    ]
    return create_grid("compare-table", rows, columns, lang=lang)


def _measured(r: Mapping, data: CompareData) -> str:
    """A figure in the measure with its unit (12.5 辆/万人, +28%), or — without one."""
    if not has_value(r["value"]):
        return "—"
    label = value_label(r["value"], r["qualifier"], data.unit, data.measure == "yoy")
    return label if data.unit.percent else f"{label} {data.unit.unit}"


def create_ranking(data: CompareData) -> object:
    """Per level of the regions chosen: the top ten and the chosen regions, ranked."""
    lang = data.lang
    if not data.rankings:
        return create_alert(
            t("compare.rank_none", lang, year=data.rank_year or "", level=""), color="light"
        )
    blocks: list[object] = []
    chosen = set(data.region_codes)
    for level, ranked in data.rankings:
        level_name = t(f"compare.levels.{level}", lang)
        title = t(
            "compare.rank_title",
            lang,
            year=data.rank_year,
            level=level_name,
            measure=measure_name(data.measure, lang),
        )
        blocks.append(html.H2(title, className="h6 mt-3"))
        has = ranked[ranked["rank"].notna()]
        if has.empty:
            blocks.append(
                create_alert(
                    t("compare.rank_none", lang, year=data.rank_year, level=level_name),
                    color="light",
                )
            )
            continue
        shown = ranked[(ranked.index < TOP) | ranked["entity_code"].isin(chosen)]
        of = int(has["of"].iloc[0])
        rows = [
            {
                "rank": int(r["rank"]) if pd.notna(r["rank"]) else None,
                "position": t("compare.rank_position", lang, rank=int(r["rank"]), of=of)
                if pd.notna(r["rank"])
                else "—",
                "region": pick(lang, r["name_zh"], r["name_en"]),
                "value": _ranked_value(r, data),
                "chosen": "✓" if r["entity_code"] in chosen else "",
            }
            for r in shown.to_dict("records")
        ]
        columns = [
            {"field": "rank", "headerName": t("compare.col_rank", lang), "maxWidth": 90},
            {"field": "region", "headerName": t("common.region", lang)},
            {
                "field": "value",
                "headerName": measure_name(data.measure, lang),
                "type": "rightAligned",
            },
            {"field": "position", "headerName": t("compare.rank", lang)},
            {"field": "chosen", "headerName": t("compare.col_selected", lang), "maxWidth": 90},
        ]
        blocks.append(create_grid(f"compare-rank-{level}", rows, columns, lang=lang))
        blocks.append(
            html.P(
                t("compare.rank_note", lang, year=data.rank_year, level=level_name, of=of),
                className="small text-muted",
            )
        )
    return html.Div(blocks, id="compare-ranking")


def _ranked_value(r: Mapping, data: CompareData) -> str:
    if not has_value(r["value"]):
        return "—"
    if data.measure == "absolute":
        return format_quantity(r["value"], r["qualifier"], data.indicator, data.lang)
    return _measured(r, data)
