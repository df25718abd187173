"""总览 cards: the change on a year earlier and the sparkline's history, by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.headline import changes, history, yearly
from figures.sparkline import sparkline


def frame(rows: list[tuple[str, str, str, int, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "indicator_code": code,
                "period": period,
                "period_kind": kind,
                "year": year,
                "value": value,
                "qualifier": qualifier,
                "sort_key": period,
            }
            for code, period, kind, year, value, qualifier in rows
        ]
    )


def test_change_on_the_year_before() -> None:
    df = frame(
        [
            ("cell", "2022", "year", 2022, 25.0, "exact"),
            ("cell", "2023", "year", 2023, 32.0, "exact"),
            ("plat", "2021", "year", 2021, 100.0, "exact"),
            ("plat", "2023", "year", 2023, 180.0, "at_least"),  # no 2022: no change
            ("cars", "2022", "year", 2022, 10.0, "exact"),
            ("cars", "2023", "year", 2023, 12.0, "at_least"),
        ]
    )
    found = changes(df)
    assert found["cell"].percent == pytest.approx(28.0)  # 枣庄市电芯 32 on 25: +28 %
    assert (found["cell"].year, found["cell"].previous_year) == (2023, 2022)
    assert "plat" not in found
    assert found["cars"].qualifier == "approx"


def test_month_figures_are_not_a_year_on_year_change() -> None:
    df = frame(
        [
            ("nev", "2023", "year", 2023, 10.0, "exact"),
            ("nev", "2024-05", "month", 2024, 5.0, "exact"),
        ]
    )
    assert changes(df) == {}


def test_history_takes_the_latest_period_of_each_year() -> None:
    df = frame(
        [
            ("x", "2021", "year", 2021, 1.0, "exact"),
            ("x", "2022-06", "month", 2022, 2.0, "exact"),
            ("x", "2022-12", "month", 2022, 3.0, "exact"),
            ("x", "2023", "year", 2023, 4.0, "exact"),
            ("y", "2023", "year", 2023, 4.0, "exact"),
        ]
    )
    assert list(yearly(df)[yearly(df)["indicator_code"] == "x"]["value"]) == [1.0, 3.0, 4.0]
    found = history(df)
    assert list(found) == ["x"]  # y has one year only: no sparkline
    fig = sparkline(found["x"])
    assert list(fig.data[0].y) == [1.0, 3.0, 4.0] and fig.layout.xaxis.visible is False


CARD_LABELS = [("zh", "原文：6万吨", "来源："), ("en", "As written: 6万吨", "Source: ")]


@pytest.mark.parametrize(("lang", "written", "source"), CARD_LABELS)
def test_a_figure_card_labels_with_the_colon_of_its_language(lang, written, source) -> None:  # type: ignore[no-untyped-def]
    from dash import html

    from components.figures import create_figure_card_body
    from tests.viewkit import texts

    row = pd.Series(
        {"value": 60000.0, "qualifier": "exact", "period": "2024-08", "status": "reported",
         "value_as_written": "6万吨", "source_title_zh": "发布会", "source_title_en": "Briefing",
         "source_key": "s1", "indicator_code": "anode_capacity"}
    )  # fmt: skip
    indicator = pd.Series(
        {"code": "anode_capacity", "name_zh": "负极材料产能", "name_en": "Anode capacity",
         "unit": "t", "display_zh_factor": 1e4, "display_zh_unit": "万吨",
         "display_en_factor": 1e3, "display_en_unit": "kt"}
    )  # fmt: skip
    text = texts(html.Div(create_figure_card_body(row, indicator, lang))).replace("\n", "")
    assert written in text and source in text
    if lang == "en":
        assert "：" not in text
