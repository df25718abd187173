"""地区对比: normalisation, ranking, gaps and qualifiers — by hand-computed numbers."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis.normalise import (
    MeasureUnit,
    NotComparable,
    change_qualifier,
    check_measure,
    gaps,
    measure_unit,
    nearest_year,
    normalise,
    rank,
    ratio_qualifier,
    substitutions,
    year_ranges,
)
from figures import plain
from figures.compare import bar_chart, line_chart, point_labels, value_label
from figures.theme import apply_theme, wrap_text
from store import queries_compare

CELL = {"code": "cell_capacity", "unit": "GWh", "additive": True}
SHARE = {"code": "new_energy_share", "unit": "percent", "additive": False}
IND = pd.Series(
    {
        "code": "cell_capacity",
        "unit": "GWh",
        "additive": True,
        "name_zh": "电芯年产能",
        "name_en": "Battery cell capacity",
        "display_zh_factor": 1,
        "display_zh_unit": "GWh",
        "display_en_factor": 1,
        "display_en_unit": "GWh",
    }
)


def series(rows: list[tuple[str, int, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "entity_code": code,
                "name": code,
                "name_zh": code,
                "name_en": code,
                "year": year,
                "period": str(year),
                "value": value,
                "qualifier": qualifier,
                "status": "reported",
                "value_as_written": "",
                "source_title_zh": "来源",
                "source_title_en": "Source",
            }
            for code, year, value, qualifier in rows
        ]
    )


def denominators(rows: list[tuple[str, int, float, str]], for_code: bool = False) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["entity_code", "year", "value", "qualifier"])
    return df


# --- the normalisers -----------------------------------------------------------------------


def test_per_capita_divides_by_population_in_ten_thousands() -> None:
    df = series([("370400", 2023, 32.0, "exact")])
    pop = denominators([("370400", 2023, 3_855_601, "exact")])
    out = normalise(df, "per_capita", pop)
    assert out["value"].iloc[0] == pytest.approx(32 / 385.5601)  # 0.0830 GWh per 万人
    assert out["raw_value"].iloc[0] == 32.0
    assert out["denominator_year"].iloc[0] == 2023


def test_per_capita_takes_nearest_year_and_says_which() -> None:
    df = series([("A", 2016, 10.0, "exact"), ("A", 2023, 20.0, "exact")])
    pop = denominators([("A", 2010, 1_000_000, "exact"), ("A", 2020, 2_000_000, "exact")])
    out = normalise(df, "per_capita", pop)
    assert list(out["denominator_year"]) == [2020, 2020]  # 2016 is 4 from 2020, 6 from 2010
    assert list(out["value"]) == pytest.approx([10 / 200, 20 / 200])
    assert substitutions(out) == [(2020, [2016, 2023])]


def test_nearest_year_prefers_the_earlier_on_a_tie() -> None:
    assert nearest_year([2010, 2020], 2015) == 2010
    assert nearest_year([2010, 2020], 2016) == 2020
    assert nearest_year([], 2016) is None


def test_region_without_denominator_is_a_gap_not_a_guess() -> None:
    df = series([("A", 2020, 10.0, "exact"), ("B", 2020, 5.0, "exact")])
    out = normalise(df, "per_area", denominators([("A", 2020, 4.0, "exact")]))
    assert out["value"].iloc[0] == pytest.approx(2.5)
    assert math.isnan(out["value"].iloc[1])


def test_share_of_province_in_percent() -> None:
    df = series([("370400", 2020, 3_855_601, "exact")])
    prov = pd.DataFrame(
        [{"entity_code": "370000", "for_code": "370400", "year": 2020, "value": 101_527_453}]
    ).assign(qualifier="exact")
    out = normalise(df, "share_province", prov)
    assert out["value"].iloc[0] == pytest.approx(3.7976, abs=1e-4)
    assert out["denominator_code"].iloc[0] == "370000"


def test_year_on_year_change_and_its_gaps() -> None:
    df = series(
        [
            ("370400", 2022, 11591, "exact"),
            ("370400", 2023, 19347, "exact"),
            ("370400", 2025, 30000, "exact"),
        ]
    )
    out = normalise(df, "yoy").set_index("year")
    assert out.loc[2023, "value"] == pytest.approx((19347 / 11591 - 1) * 100)  # +66.9 %
    assert math.isnan(out.loc[2022, "value"])  # no 2021
    assert math.isnan(out.loc[2025, "value"])  # no 2024: never bridged over two years


def test_qualifiers_carry_through() -> None:
    df = series([("A", 2020, 180.0, "at_least")])
    exact = normalise(df, "per_capita", denominators([("A", 2020, 10_000, "exact")]))
    assert exact["qualifier"].iloc[0] == "at_least"  # 180余 per 万人 stays a lower bound
    assert exact["raw_qualifier"].iloc[0] == "at_least"
    approx = normalise(df, "per_capita", denominators([("A", 2020, 10_000, "approx")]))
    assert approx["qualifier"].iloc[0] == "approx"
    assert ratio_qualifier("exact", "at_least") == "approx"
    assert change_qualifier("exact", "exact") == "exact"
    assert change_qualifier("at_least", "exact") == "approx"


def test_measures_that_make_no_sense_are_refused() -> None:
    check_measure("share_province", CELL)
    with pytest.raises(NotComparable):
        check_measure("share_nation", SHARE)  # not additive
    with pytest.raises(NotComparable):
        check_measure("per_capita", {"code": "resident_population", "unit": "person"})
    with pytest.raises(NotComparable):
        check_measure("nonsense", CELL)


def test_measure_units() -> None:
    labels = {"per_capita": "{unit}/万人", "per_area": "{unit}/平方公里"}
    assert measure_unit("per_capita", 1.0, "辆", labels) == MeasureUnit(1.0, "辆/万人")
    assert measure_unit("yoy", 10000.0, "万吨", labels).percent
    assert measure_unit("absolute", 10000.0, "万吨", labels) == MeasureUnit(10000.0, "万吨")


def test_rank_shares_ties_and_leaves_gaps_unranked() -> None:
    df = pd.DataFrame({"entity_code": ["a", "b", "c", "d"], "value": [5.0, 9.0, 5.0, float("nan")]})
    out = rank(df).set_index("entity_code")
    assert out.loc["b", "rank"] == 1
    assert out.loc["a", "rank"] == out.loc["c", "rank"] == 2
    assert pd.isna(out.loc["d", "rank"])
    assert set(out["of"]) == {3}


def test_gaps_and_year_ranges() -> None:
    df = series([("A", 2016, 1.0, "exact"), ("A", 2019, 2.0, "exact"), ("B", 2016, 1.0, "exact")])
    assert gaps(df) == [("A", [2017, 2018])]
    assert year_ranges([2016, 2017, 2018, 2019, 2021, 2022]) == ["2016—2019", "2021—2022"]


# --- the figures -----------------------------------------------------------------------------


def test_line_breaks_at_a_missing_year() -> None:
    df = series([("A", 2016, 1.0, "exact"), ("A", 2018, 3.0, "exact")])
    fig = go.Figure(line_chart(df, IND, "zh", title="t", subtitle="s", source_line="数据来源：x"))
    trace = fig.data[0]
    assert list(trace.x) == [2016, 2017, 2018]
    assert trace.y[1] is None and trace.connectgaps is False  # null: plotly breaks the line
    assert list(trace.text) == ["1", "", "3"]  # one short line: every figure labelled


def test_log_axis_and_labels() -> None:
    df = series([("A", 2016, 180.0, "at_least"), ("B", 2016, 300.0, "approx")])
    fig = go.Figure(line_chart(df, IND, "zh", title="t", subtitle="s", source_line="x", log=True))
    assert fig.layout.yaxis.type == "log"
    assert [t.text[-1] for t in fig.data] == ["180+", "~300"]
    bar = go.Figure(bar_chart(df, IND, "zh", title="t", subtitle="s", source_line="x", log=True))
    assert bar.layout.xaxis.type == "log"
    assert list(bar.data[0].y) == ["A", "B"] and list(bar.data[0].text) == ["180+", "~300"]


def test_value_labels() -> None:
    pct = MeasureUnit(1.0, "%", percent=True)
    assert value_label(66.914, "exact", pct, signed=True) == "+66.9%"
    assert value_label(-5.0, "exact", pct, signed=True) == "-5%"
    assert (
        value_label(3.79, "approx", pct) == "~3.79%" or value_label(3.79, "approx", pct) == "~3.8%"
    )
    assert value_label(180, "at_least", MeasureUnit(1.0, "个")) == "180+"
    assert value_label(float("nan"), "exact", pct) == ""


def test_only_last_point_labelled_when_lines_are_many() -> None:
    part = pd.DataFrame({"value": [1.0, 2.0, float("nan")], "qualifier": ["exact"] * 3})
    unit = MeasureUnit(1.0, "GWh")
    assert point_labels(part, unit, False, every=False) == ["", "2", ""]
    assert point_labels(part, unit, False, every=True)[:2] == ["1", "2"]


def test_footer_wraps_long_lines() -> None:
    lines = wrap_text("数据来源：" + "各城市插电式电动乘用车销量及社会经济数据" * 3)
    assert len(lines) > 1 and all(len(line) <= 32 for line in lines)
    assert wrap_text("short") == ["short"]


# --- the store ---------------------------------------------------------------------------------


def test_per_capita_from_the_store(engine) -> None:
    from store import queries

    df = queries.compare_series(engine, "pev_sales", ["370400"], 2023, 2023)
    pop = queries_compare.denominators(engine, "per_capita", "pev_sales", ["370400"])
    out = normalise(df, "per_capita", pop)
    assert out["value"].iloc[0] == pytest.approx(19347 / 385.5601)  # 50.18 辆/万人
    assert out["denominator_year"].iloc[0] == 2020


def test_shares_from_the_store(engine) -> None:
    from store import queries

    df = queries.compare_series(engine, "resident_population", ["370400", "370000"], 2020, 2020)
    prov = queries_compare.denominators(
        engine, "share_province", "resident_population", ["370400", "370000"]
    )
    out = normalise(df, "share_province", prov).set_index("entity_code")
    assert out.loc["370400", "value"] == pytest.approx(3_855_601 / 101_527_453 * 100)
    assert pd.isna(out.loc["370000", "value"])  # a province is not a share of itself
    nation = queries_compare.denominators(engine, "share_nation", "resident_population", ["370000"])
    out = normalise(df[df["entity_code"] == "370000"], "share_nation", nation)
    assert out["value"].iloc[0] == pytest.approx(101_527_453 / 1_409_778_724 * 100)  # 7.20 %


def test_ranking_among_cities(engine) -> None:
    ranked = queries_compare.ranking(engine, "pev_sales", "absolute", "city", 2023)
    by_code = ranked.set_index("entity_code")
    bigger = (ranked["value"] > by_code.loc["370400", "value"]).sum()
    assert by_code.loc["370400", "rank"] == bigger + 1
    assert by_code.loc["370400", "of"] == ranked["value"].notna().sum() > 100
    yoy = queries_compare.ranking(engine, "pev_sales", "yoy", "city", 2023).set_index("entity_code")
    assert yoy.loc["370400", "value"] == pytest.approx((19347 / 11591 - 1) * 100)


def test_province_of(engine) -> None:
    assert queries_compare.province_of(engine, ["370400", "370000", "370402", "100000"]) == {
        "370400": "370000",
        "370000": "370000",
        "370402": "370000",
    }


def test_figures_built_as_dicts_are_valid_plotly() -> None:
    """Builders make plain dicts for speed: plotly's validation must accept them."""
    df = series([("A", 2016, 180.0, "at_least"), ("A", 2018, 300.0, "approx")])
    for fig in (
        line_chart(df, IND, "zh", title="t", subtitle="s", source_line="来源", log=True),
        bar_chart(df, IND, "en", title="t", subtitle="s", source_line="Source", note="n"),
        line_chart(df.iloc[:0], IND, "zh", title="t", subtitle="s", source_line="来源"),
    ):
        again = go.Figure(fig)  # raises on any invalid property
        assert again.layout.template.layout.paper_bgcolor == "white"


def test_plain_theme_is_apply_theme() -> None:
    """The dict charts look as the plotly ones: the same layout for the same texts."""
    texts = {"title": "电芯年产能（GWh）", "subtitle": "2016—2023，每万人"}
    for source, note, traces in (
        ("数据来源：a；b", "注：" + "很长的注释" * 20, 1),
        ("Source: a", "", 4),
    ):
        fig = go.Figure(_validate=False)
        for i in range(traces):
            fig.add_trace(go.Scatter(x=[1], y=[i], showlegend=True))
        apply_theme(fig, source_line=source, note=note, **texts)
        rows = plain.legend_rows([{"showlegend": True}] * traces)
        layout = plain.themed_layout(source_line=source, note=note, legend_rows=rows, **texts)
        assert go.Figure({"layout": layout}).layout == fig.layout
