"""Government-style tables: one fixture per quirk (tests/fixtures/sheets, built by
tests/fixtures/make_sheets.py), tidy values asserted, issues asserted as (sheet, row, column,
code); and the real reference workbooks, read whole, when ../shared/reference is present."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from loaders.files import read_sheets
from loaders.government import is_government_table, load_government_sheet
from loaders.reference import Reference
from loaders.result import LoadResult
from loaders.sheet import LoadOptions, Sheet

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHEETS = FIXTURES / "sheets"
SHARED = ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="module")
def ref(engine) -> Reference:
    from store.revisions import reference

    return reference(engine)


def load(ref: Reference, name: str, **options: object) -> LoadResult:
    opts = LoadOptions(**options)
    result = LoadResult()
    for sheet in read_sheets(SHEETS / name, opts):  # merged ranges included
        assert is_government_table(sheet), name
        result.extend(load_government_sheet(sheet, ref, opts))
    return result


def tidy(result: LoadResult) -> list[tuple[object, ...]]:
    keys = ("entity_code", "indicator_code", "period", "value", "qualifier", "value_as_written")
    return [tuple(r[k] for k in keys) for r in result.rows]


def issues(result: LoadResult, severity: str | None = None) -> list[tuple[object, ...]]:
    return [i.where() for i in result.issues if severity in (None, i.severity)]


# ---------------------------------------------------------------- the fixtures themselves


def test_fixtures_are_reproducible(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_sheets", FIXTURES / "make_sheets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build(tmp_path)
    assert sorted(p.name for p in built) == sorted(p.name for p in SHEETS.iterdir())
    for path in built:
        committed = SHEETS / path.name
        if path.suffix == ".csv":
            assert path.read_bytes() == committed.read_bytes(), path.name
            continue
        new, old = CalamineWorkbook.from_path(str(path)), CalamineWorkbook.from_path(committed)
        assert new.sheet_names == old.sheet_names, path.name
        for name in new.sheet_names:
            assert (
                new.get_sheet_by_name(name).to_python() == old.get_sheet_by_name(name).to_python()
            ), path.name


def test_detector_is_cheap_and_needs_words_and_figures() -> None:
    assert not is_government_table(Sheet("s", [["注：本表无数据"], ["说明"]]))
    assert not is_government_table(Sheet("s", [[1, 2], [3, 4]]))
    assert is_government_table(Sheet("s", [["地区", "2023年"], ["枣庄市", 16]]))


# ---------------------------------------------------------------- layout quirks


def test_title_row(ref: Reference) -> None:
    result = load(ref, "title-row.xlsx", default_region="枣庄市")
    assert tidy(result) == [
        ("370402", "enterprises", "2023", 30.0, "exact", "30"),  # 市中区 of 枣庄, not 济南
        ("370403", "enterprises", "2023", 45.0, "exact", "45"),
    ]
    assert issues(result) == [("Sheet1", 1, "A", "inferred")]  # the period, from the title
    assert result.rows[0]["source"] == "2023年各区（市）锂电企业情况"
    assert result.rows[0]["_row"] == 4


def test_merged_header(ref: Reference) -> None:
    result = load(ref, "merged-header.xlsx")
    assert tidy(result)[:4] == [
        ("370400", "cathode_capacity", "2022", 120000.0, "exact", "12万吨"),
        ("370400", "cathode_capacity", "2023", 160000.0, "exact", "16万吨"),
        ("370400", "anode_capacity", "2022", 30000.0, "exact", "3万吨"),
        ("370400", "anode_capacity", "2023", 50000.0, "exact", "5万吨"),
    ]
    assert len(result.rows) == 8 and not result.issues


def test_merged_header_without_merge_information(ref: Reference) -> None:
    """A CSV-like header: the upper level written once, left of its group, still covers it."""
    cells = [
        ["地区", "正极材料年产能（万吨）", None],
        [None, "2022年", "2023年"],
        ["枣庄市", 12, 16],
    ]
    result = load_government_sheet(Sheet("产能", cells), ref, LoadOptions())
    assert [r["period"] for r in result.rows] == ["2022", "2023"]
    assert {r["indicator_code"] for r in result.rows} == {"cathode_capacity"}


def test_unit_row(ref: Reference) -> None:
    result = load(ref, "unit-row.xlsx")
    assert tidy(result) == [
        ("370400", "cathode_capacity", "2023", 160000.0, "exact", "16万吨"),
        ("370400", "anode_capacity", "2023", 55000.0, "exact", "5.5万吨"),
        ("320400", "cathode_capacity", "2023", 250000.0, "exact", "25万吨"),
        ("320400", "anode_capacity", "2023", 120000.0, "exact", "12万吨"),
    ]
    assert result.rows[0]["source"] == "2023年正极、负极材料产能"  # not the unit cell


def test_unit_in_header(ref: Reference) -> None:
    result = load(ref, "unit-in-header.xlsx", default_period="2023")
    assert tidy(result) == [
        ("370400", "cathode_capacity", "2023", 160000.0, "exact", "16万吨"),
        ("370400", "cell_capacity", "2023", 30.0, "exact", "30GWh"),
        ("370400", "signed_investment", "2023", 4e10, "exact", "400亿元"),
    ]
    assert not result.issues


def test_unit_under_header(ref: Reference) -> None:
    """A row of units under the header: each unit belongs to its own column."""
    result = load(ref, "unit-under-header.xlsx", default_period="2023")
    assert tidy(result) == [
        ("370400", "cathode_capacity", "2023", 160000.0, "exact", "16万吨"),
        ("370400", "enterprises", "2023", 120.0, "exact", "120家"),
    ]
    assert not result.issues


def test_unit_in_label(ref: Reference) -> None:
    result = load(ref, "unit-in-label.xlsx", default_region="枣庄市")
    assert tidy(result) == [
        ("370400", "cathode_capacity", "2023", 160000.0, "exact", "16万吨"),
        ("370400", "cell_capacity", "2023", 30.0, "exact", "30GWh"),
        ("370400", "enterprises", "2023", 120.0, "exact", "120家"),
    ]


def test_unit_that_does_not_fit_the_indicator(ref: Reference) -> None:
    result = load(ref, "unit-mismatch.xlsx", default_period="2023")
    assert tidy(result) == [("370400", "cathode_capacity", "2023", 160000.0, "exact", "16万吨")]
    assert issues(result) == [("Sheet1", 1, "A", "unit-mismatch")]  # 单位：万吨 vs 企业数


def test_years_as_columns_with_the_indicator_in_the_title(ref: Reference) -> None:
    result = load(ref, "years-as-columns.xlsx", default_region="枣庄市")
    assert [(r[0], r[2], r[3]) for r in tidy(result)] == [
        ("370402", "2021", 20.0),
        ("370402", "2022", 25.0),
        ("370402", "2023", 30.0),
        ("370481", "2021", 40.0),
        ("370481", "2022", 50.0),
        ("370481", "2023", 60.0),
    ]
    assert {r["indicator_code"] for r in result.rows} == {"enterprises"}
    assert issues(result) == [("Sheet1", 1, "A", "inferred")]


def test_float_years_and_spaced_years(ref: Reference) -> None:
    result = load(ref, "float-years.xlsx")
    assert tidy(result) == [
        ("370400", "resident_population", "1995", 3505000.0, "exact", "350.5万人"),
        ("370400", "resident_population", "2000", 3600000.0, "exact", "360万人"),
        ("370400", "resident_population", "2017", 3927000.0, "exact", "392.7万人"),
    ]


def test_year_and_region_in_the_title(ref: Reference) -> None:
    result = load(ref, "year-in-title.xlsx")
    assert tidy(result) == [
        ("370400", "cathode_capacity", "2022", 160000.0, "exact", "16万吨"),
        ("370400", "enterprises", "2022", 120.0, "exact", "120家"),
    ]
    assert [i.message_en for i in result.issues] == [
        "region taken from the title: 枣庄市",
        "period taken from the title: 2022",
    ]


def test_year_as_sheet_name(ref: Reference) -> None:
    result = load(ref, "year-as-sheet-name.xlsx")
    assert [(r[0], r[2], r[3]) for r in tidy(result)] == [
        ("370400", "2021", 120000.0),
        ("320400", "2021", 200000.0),
        ("370400", "2022", 160000.0),
        ("320400", "2022", 250000.0),
    ]
    assert issues(result) == [("2021", None, "", "inferred"), ("2022", None, "", "inferred")]


def test_no_period_anywhere(ref: Reference) -> None:
    result = load(ref, "ambiguous-period.xlsx")  # the title names 2018 and 2022
    assert not result.rows
    assert issues(result) == [("Sheet1", None, "", "ambiguous-period")]
    assert "2018、2022" in result.issues[0].message_zh
    assert tidy(load(ref, "ambiguous-period.xlsx", default_period="2022")) == [
        ("370400", "enterprises", "2022", 120.0, "exact", "120")
    ]


def test_regions_as_columns_with_whole_city(ref: Reference) -> None:
    result = load(ref, "regions-as-columns.xlsx")
    assert [(r[0], r[1], r[3]) for r in tidy(result)] == [
        ("370400", "enterprises", 120.0),  # 全市 = the region of the title
        ("370402", "enterprises", 30.0),
        ("370403", "enterprises", 40.0),
        ("370481", "enterprises", 50.0),
        ("370400", "patents_granted", 900.0),
        ("370402", "patents_granted", 200.0),
        ("370403", "patents_granted", 300.0),
        ("370481", "patents_granted", 400.0),
    ]
    assert {r["period"] for r in result.rows} == {"2023"}


def test_spaces_in_names(ref: Reference) -> None:
    result = load(ref, "spaces-in-names.xlsx", default_region="枣庄市", default_period="2023")
    assert [(r[0], r[3]) for r in tidy(result)] == [
        ("370400", 120.0),
        ("370403", 40.0),
        ("370481", 50.0),
    ]
    assert not result.issues


def test_indentation_is_hierarchy(ref: Reference) -> None:
    result = load(ref, "indented-hierarchy.xlsx", default_period="2023")
    assert [(r[0], r[3]) for r in tidy(result)] == [
        ("370000", 1000.0),
        ("370400", 120.0),
        ("370402", 30.0),  # 市中区 under 枣庄市
        ("370403", 40.0),
        ("370100", 300.0),
        ("370103", 70.0),  # 市中区 under 济南市
    ]
    assert not result.issues


def test_whole_city_total(ref: Reference) -> None:
    result = load(ref, "whole-city-total.xlsx", default_region="370400", default_period="2023")
    assert [(r[0], r[3]) for r in tidy(result)] == [
        ("370400", 120.0),
        ("370402", 30.0),
        ("370403", 40.0),
    ]
    alone = load(ref, "whole-city-total.xlsx", default_period="2023")
    assert issues(alone) == [
        ("Sheet1", 2, "A", "own-region-unknown"),
        ("Sheet1", 3, "A", "ambiguous-region"),  # 市中区 without a region to narrow it
    ]
    assert issues(alone, "error") == [("Sheet1", 2, "A", "own-region-unknown")]


def test_indicators_as_rows_with_a_unit_column(ref: Reference) -> None:
    result = load(ref, "indicators-as-rows.xlsx", default_region="枣庄市")
    assert tidy(result) == [
        ("370400", "cathode_capacity", "2021", 120000.0, "exact", "12万吨"),
        ("370400", "cathode_capacity", "2022", 160000.0, "exact", "16万吨"),
        ("370400", "enterprises", "2021", 100.0, "exact", "100家"),
        ("370400", "enterprises", "2022", 120.0, "exact", "120家"),
    ]
    assert issues(result) == [("Sheet1", 4, "A", "unknown-indicator")]
    assert result.issues[0].cell == "电池回收利用率"


def test_mapping_overrides_and_selects_rows(ref: Reference) -> None:
    result = load(
        ref, "indicators-as-rows.xlsx", default_region="枣庄市",
        mapping={"正极材料年产能": "anode_capacity"},
    )  # fmt: skip
    # the mapping wins over the name; the row no name or mapping matches is left out quietly
    assert {r["indicator_code"] for r in result.rows} == {"anode_capacity", "enterprises"}
    assert issues(result) == [("Sheet1", None, "A", "rows-skipped")]


def test_comparison_columns_are_left_out(ref: Reference) -> None:
    result = load(ref, "comparison-columns.xlsx", default_region="枣庄市")
    assert [(r[0], r[2], r[3]) for r in tidy(result)] == [
        ("370402", "2022", 30.0),
        ("370402", "2021", 25.0),
        ("370403", "2022", 40.0),
        ("370403", "2021", 32.0),
    ]
    assert issues(result) == [
        ("Sheet1", 1, "A", "inferred"),
        ("Sheet1", 2, "D", "comparison-skipped"),
    ]
    message = result.issues[1].message_zh
    assert "D 比2021年 +、-%" in message and "E 2018年比2017年增长(%)" in message


def test_footnotes_end_the_table_and_name_the_source(ref: Reference) -> None:
    result = load(ref, "footnotes.xlsx", default_region="枣庄市", default_period="2023")
    assert [(r[0], r[3]) for r in tidy(result)] == [("370402", 30.0), ("370403", 40.0)]
    assert {r["source"] for r in result.rows} == {"枣庄市统计局"}
    assert not result.issues


def test_blank_header(ref: Reference) -> None:
    result = load(ref, "blank-header.xlsx", default_region="枣庄市", default_period="2023")
    assert [(r[0], r[3]) for r in tidy(result)] == [("370402", 30.0), ("370403", 40.0)]
    assert issues(result) == [("Sheet1", 1, "C", "blank-header")]


def test_unknown_names_are_located_with_suggestions(ref: Reference) -> None:
    result = load(ref, "unknown-names.xlsx", default_period="2023")
    assert tidy(result) == [("320400", "enterprises", "2023", 200.0, "exact", "200")]
    assert issues(result) == [
        ("Sheet1", 1, "C", "unknown-indicator"),
        ("Sheet1", 2, "A", "unknown-region"),
    ]
    assert "正极材料年产能" in result.issues[0].suggestions
    assert "枣庄市" in result.issues[1].suggestions


def test_layout_checks_say_what_they_expected(ref: Reference) -> None:
    headless = Sheet("S", [["枣庄市", 16], ["常州市", 20]])
    result = load_government_sheet(headless, ref, LoadOptions())
    assert issues(result) == [("S", 1, "", "no-header")]
    assert (
        "地区 | 2023年" in result.issues[0].message_zh and "枣庄市" in result.issues[0].message_zh
    )
    late = Sheet("S", [["注"]] * 45 + [["枣庄市", 16]])
    assert issues(load_government_sheet(late, ref, LoadOptions())) == [
        ("S", None, "", "no-figures")
    ]


def test_periods_written_in_headers(ref: Reference) -> None:
    cells = [
        ["地区", "2024年1-8月", "2024年上半年", "2024年第二季度", "2024年8月"],
        ["枣庄市", 1, 2, 3, 4],
    ]
    result = load_government_sheet(
        Sheet("S", cells), ref, LoadOptions(mapping={"S": "enterprises"})
    )
    assert [r["period"] for r in result.rows] == ["2024-01/2024-08", "2024H1", "2024Q2", "2024-08"]


def test_parent_columns_must_contain_the_region(ref: Reference) -> None:
    cells = [
        ["省份", "城市", "锂电/新能源企业数"],
        ["山东省", "市中区", 10],  # ambiguous in Shandong too, but inside it
        ["山东省", "常州市", 20],  # 常州 is in Jiangsu
        ["江苏省", "常州市", 30],
    ]
    result = load_government_sheet(Sheet("S", cells), ref, LoadOptions(default_period="2023"))
    assert [(r[0], r[3]) for r in tidy(result)] == [("370103", 10.0), ("320400", 30.0)]
    assert issues(result, "error") == [("S", 3, "B", "region-outside-parent")]


def test_load_file_hands_government_tables_to_this_loader(ref: Reference) -> None:
    from loaders import load_file

    for name in ("merged-header.xlsx", "gbk.csv", "indicators-as-rows.xlsx"):
        result = load_file(
            SHEETS / name, ref, LoadOptions(default_region="枣庄市", default_period="2023")
        )
        assert result.rows, name
        assert {r["entity_code"] for r in result.rows} <= {"370400", "320400"}, name


# ---------------------------------------------------------------- value quirks


def test_missing_markers_give_no_row_and_no_issue(ref: Reference) -> None:
    result = load(ref, "missing-markers.xlsx", default_period="2023")
    assert tidy(result) == [("320400", "separator_capacity", "2023", 5.0, "exact", "5")]
    assert not result.issues


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("numbers-as-text.xlsx", [(30.0, "30"), (40.0, "40")]),
        ("thousands-separators.xlsx", [(1234.0, "1,234"), (12345678.0, "12,345,678")]),
        ("fullwidth-digits.xlsx", [(160000.0, "１６万吨"), (255000.0, "２５．５万吨")]),
        ("chinese-numerals.xlsx", [(30.0, "三十"), (120.0, "一百二十")]),
        ("traditional.xlsx", [(160000.0, "16万吨"), (250000.0, "贰拾伍万吨")]),
        ("gbk.csv", [(120.0, "120"), (200.0, "200")]),
        ("utf8-bom.csv", [(120.0, "120"), (200.0, "200")]),
    ],
)
def test_figures_as_written(ref: Reference, name: str, expected: list[tuple]) -> None:
    result = load(ref, name, default_region="枣庄市", default_period="2023")
    assert [(r["value"], r["value_as_written"]) for r in result.rows] == expected
    assert not result.issues


def test_traditional_names(ref: Reference) -> None:
    result = load(ref, "traditional.xlsx", default_period="2023")
    assert [(r[0], r[1]) for r in tidy(result)] == [
        ("370400", "cathode_capacity"),  # 棗莊市, 正極材料年產能（萬噸）
        ("320400", "cathode_capacity"),
    ]


def test_units_in_cells(ref: Reference) -> None:
    result = load(ref, "units-in-cells.xlsx", default_period="2023")
    assert tidy(result) == [
        ("370400", "signed_investment", "2023", 4e10, "exact", "400亿元"),
        ("370400", "cathode_capacity", "2023", 160000.0, "exact", "16万吨"),
    ]


def test_qualifiers(ref: Reference) -> None:
    result = load(ref, "qualifiers.xlsx", default_region="枣庄市", default_period="2023")
    assert tidy(result) == [
        ("370400", "enterprises", "2023", 180.0, "at_least", "180余"),
        ("370400", "signed_investment", "2023", 4e10, "at_least", "超过400亿元"),
        ("370400", "innovation_platforms", "2023", 130.0, "approx", "近130"),
        ("370400", "patents_granted", "2023", 50.0, "approx", "约50"),
        ("370400", "signed_projects", "2023", 50.0, "at_least", "50个以上"),
    ]


def test_unreadable_figure_names_the_cell(ref: Reference) -> None:
    cells = [["地区", "锂电/新能源企业数", "正极材料年产能"], ["枣庄市", "很多", "16万千瓦"]]
    result = load_government_sheet(Sheet("S", cells), ref, LoadOptions(default_period="2023"))
    assert not result.rows
    assert issues(result) == [("S", 2, "B", "not-a-number"), ("S", 2, "C", "unit-mismatch")]
    assert result.issues[0].cell == "很多"


# ---------------------------------------------------------------- codes, long tables, filters


def test_code_column_national_total_and_placeholders(ref: Reference) -> None:
    mapping = {"人口数_合计": "resident_population"}
    result = load(ref, "code-column.xlsx", mapping=mapping, default_period="2020")
    assert [(r[0], r[3]) for r in tidy(result)] == [
        ("100000", 1409778724.0),  # NA code, 全国
        ("370000", 101527453.0),
        ("370400", 3855601.0),
        ("370402", 516404.0),
        ("370103", 1010000.0),  # NA code: 市中区 placed by its city column 济南市
    ]
    assert issues(result) == [
        ("七普", 1, "F", "columns-skipped"),  # one summary, not one error per column
        ("七普", None, "D", "placeholder-skipped"),  # 市辖区
    ]


def test_long_table_units_filters_and_sums(ref: Reference) -> None:
    mapping = {"Weight (thousand t)": "eol_battery_weight"}
    everything = load(ref, "long-table.xlsx", mapping=mapping)
    assert tidy(everything) == [
        ("370400", "eol_battery_weight", "2025", 5000.0, "exact", "1.5千t+0.5千t+2千t+1千t")
    ]
    assert issues(everything) == [
        ("Sheet1", 6, "F", "duplicate-row"),  # same Scenario and Battery type as row 2
        ("Sheet1", 2, "", "rows-summed"),
    ]
    baseline = load(ref, "long-table.xlsx", mapping={**mapping, "Scenario": "=BS"})
    assert tidy(baseline) == [
        ("370400", "eol_battery_weight", "2025", 2000.0, "exact", "1.5千t+0.5千t")
    ]
    assert issues(baseline) == [
        ("Sheet1", 6, "F", "duplicate-row"),
        ("Sheet1", 2, "", "rows-summed"),
        ("Sheet1", None, "D", "rows-filtered"),
    ]
    assert "Battery type" in baseline.issues[1].message_en


def test_filter_on_a_missing_column_warns(ref: Reference) -> None:
    mapping = {"人口数_合计": "resident_population", "Scenario": "=BS"}
    result = load(ref, "code-column.xlsx", mapping=mapping, default_period="2020")
    assert ("七普", None, "", "filter-unmatched") in issues(result, "warning")


def test_mapping_to_an_unknown_code(ref: Reference) -> None:
    result = load(ref, "unit-in-header.xlsx", default_period="2023", mapping={"电芯年产能": "x"})
    assert ("Sheet1", 1, "C", "unknown-indicator") in issues(result)
    assert len(result.rows) == 2


# ---------------------------------------------------------------- real workbooks

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} is absent")


def _real(ref: Reference, relative: str, **options: object) -> LoadResult:
    opts = LoadOptions(**options)
    (sheet,) = read_sheets(SHARED / relative, opts)
    assert is_government_table(sheet)
    return load_government_sheet(sheet, ref, opts)


def _value(result: LoadResult, code: str, indicator: str, period: str) -> float:
    (value,) = [
        r["value"]
        for r in result.rows
        if (r["entity_code"], r["indicator_code"], r["period"]) == (code, indicator, period)
    ]
    return value


@needs_shared
def test_census_county_workbook(ref: Reference) -> None:
    result = _real(
        ref,
        "census/leiii_census_county_2020_v1.xlsx",
        mapping={"人口数_合计": "resident_population"},
        default_period="2020",
    )
    assert len(result.rows) > 3200
    assert _value(result, "370400", "resident_population", "2020") == 3855601
    assert _value(result, "100000", "resident_population", "2020") == 1409778724
    assert _value(result, "370402", "resident_population", "2020") > 0
    codes = [i.code for i in result.issues]
    assert codes.count("columns-skipped") == 1
    # what is left: development zones and districts merged away since (no such region today)
    assert set(codes) == {"columns-skipped", "placeholder-skipped", "unknown-region"}
    assert codes.count("unknown-region") < 50


@needs_shared
def test_end_of_life_battery_workbook(ref: Reference) -> None:
    mapping = {
        "Weight (thousand t)": "eol_battery_weight",
        "Capacity (GWh)": "eol_battery_capacity",
        "Scenario": "=BS",
    }
    result = _real(ref, "battery/Miffyfei_EOL_LFP_NCM_battery_by_city.xlsx", mapping=mapping)
    # LFP + NCM of the baseline scenario, thousand t → t
    assert _value(result, "370400", "eol_battery_weight", "2020") == pytest.approx(
        32.42426, rel=1e-5
    )
    assert _value(result, "340800", "eol_battery_capacity", "2025") == pytest.approx(
        0.105818, rel=1e-5
    )
    assert [i.code for i in result.issues] == ["rows-summed", "rows-filtered"]


@needs_shared
def test_passenger_ev_workbook(ref: Reference) -> None:
    result = _real(
        ref, "battery/Miffyfei_2016-2030_PEV_by_city.xlsx", mapping={"PEV_number": "pev_sales"}
    )
    assert _value(result, "370400", "pev_sales", "2020") == 3290
    codes = [i.code for i in result.issues]
    assert codes.count("columns-skipped") == 1
    # "Hainan Tibetan Autonomous Prefecture" also listed under Hainan: not in that province
    assert set(codes) == {"columns-skipped", "placeholder-skipped", "region-outside-parent"}


def test_rows_carry_the_factor_they_were_converted_by(ref: Reference) -> None:
    """万吨 in a unit row, 亿元 or 万吨 in a cell: the store notes the factor (×10000)."""
    factors = [r["_factor"] for r in load(ref, "unit-row.xlsx").rows]
    assert factors == [10000.0] * 4
    in_cells = load(ref, "units-in-cells.xlsx", default_period="2023").rows
    assert [r["_factor"] for r in in_cells] == [1e8, 1e4]
    counts = load(ref, "title-row.xlsx", default_region="枣庄市").rows
    assert [r["_factor"] for r in counts] == [1.0, 1.0]
