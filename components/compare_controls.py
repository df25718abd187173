"""The controls of 地区对比: indicator, regions, years; measure and scale."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc

from analysis.normalise import MEASURES
from components.compare_text import measure_name
from components.controls import create_dropdown
from i18n import t


def create_compare_controls(
    lang: str,
    options: list[dict[str, str]],
    code: str,
    region_options: list[dict[str, str]],
    region_codes: list[str],
    bounds: tuple[int, int],
    years: tuple[int, int],
) -> dbc.Row:
    """Indicator (``options``), regions (``region_options``) and the years' slider."""
    lo, hi = bounds
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(t("compare.indicator", lang), html_for="compare-indicator"),
                    create_dropdown(
                        "compare-indicator", lang, options=options, value=code, clearable=False
                    ),
                ],
                md=4,
            ),
            dbc.Col(
                [
                    dbc.Label(t("compare.regions", lang), html_for="compare-regions"),
                    create_dropdown(
                        "compare-regions",
                        lang,
                        options=region_options,
                        value=region_codes,
                        multi=True,
                    ),
                ],
                md=5,
            ),
            dbc.Col(
                [
                    dbc.Label(t("compare.years", lang)),
                    dcc.RangeSlider(
                        id="compare-years",
                        min=lo,
                        max=hi,
                        step=1,
                        value=list(years),
                        marks=year_marks(lo, hi),
                        tooltip={"placement": "bottom", "always_visible": False},
                    ),
                ],
                md=3,
            ),
        ],
        className="mb-2 g-3",
    )


def create_measure_controls(lang: str, measure: str, log: bool) -> dbc.Row:
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(t("compare.measure", lang), html_for="compare-measure"),
                    create_dropdown(
                        "compare-measure",
                        lang,
                        options=[{"label": measure_name(m, lang), "value": m} for m in MEASURES],
                        value=measure,
                        clearable=False,
                        searchable=False,
                    ),
                ],
                md=4,
            ),
            dbc.Col(
                dbc.Switch(
                    id="compare-log",
                    label=t("compare.log_scale", lang),
                    value=log,
                    className="mt-md-4",
                ),
                md=3,
                className="d-flex align-items-end",
            ),
        ],
        className="mb-3 g-3",
    )


def year_marks(lo: int, hi: int) -> dict[int, str]:
    """The years' slider names its two ends."""
    return {lo: str(lo), hi: str(hi)}
