"""联盟 compared, and each member's own page: queries, pure steps, charts and pages in-process.

Numbers come from the shipped dataset, counted by hand from data/shipped/members.csv:
the Tianjin alliance names 25 people and organisations — 3 founders (南开大学 and 天津轻工职业技术
学院, universities; 天津市南开区, government), 1 lead (陈军, person), 15 members (12 enterprises, 3
institutes), 1 supporter and 5 experts — so it counts 3 + 1 + 15 = 19 members. Shipped figures
are read as of revision 1 (other tests commit to the shared session database); memberships have
no revisions, so the tests that change them use a database of their own (``store_with_figures``).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote_plus

import pandas as pd
import pytest

from analysis.alliances import (
    NotSummable,
    alliances_per_region,
    composition,
    counted,
    infer_region,
    kind_order,
    member_sums,
    member_years,
    members_over_time,
    year_basis_counts,
)
from figures.alliance import composition_bars, growth_chart, host_bars, sum_bars
from loaders.result import LoadResult
from store import queries, queries_alliances
from store.db import make_engine, migrate
from store.revisions import commit_rows
from store.shipped import load_shipped_if_empty
from tests.viewkit import by_id, figure_texts, pages_app, texts, walk

TIANJIN = "tianjin-new-energy-battery-talent-alliance"
STORAGE = "large-energy-storage-ecosystem-consortium"
ZAOZHUANG = "zaozhuang-lithium-battery-industry-alliance"
NATIONAL = "national-lithium-battery-industry-integration-community"
INNOVATION = "zaozhuang-lithium-battery-innovation-community"
LISHEN = "天津力神电池股份有限公司"
YINLONG = "天津银隆新能源有限公司"
NEWCOMER = "枣庄示范储能科技有限公司"
SOURCE = "测试：成员单位产能"


# --- queries on the shipped data -----------------------------------------------------------


def test_memberships_with_their_sources(engine) -> None:
    m = queries_alliances.memberships(engine)
    tianjin = m[m["alliance_code"] == TIANJIN]
    assert len(tianjin) == 25
    assert tianjin["role"].value_counts().to_dict() == {
        "member": 15,
        "expert": 5,
        "founder": 3,
        "lead": 1,
        "supporter": 1,
    }
    nankai = tianjin[tianjin["name_zh"] == "南开大学"].iloc[0]
    assert (nankai["kind"], nankai["joined"], nankai["source_key"]) == (
        "university",
        dt.date(2021, 5, 21),
        "000_45a3a5a575e01cbb",
    )
    assert "天津市新能源电池人才创新创业联盟" in nankai["source_title_zh"]
    only = queries_alliances.memberships(engine, [STORAGE])
    assert only["name_zh"].tolist() == ["钟发平", "中国产业发展促进会"]


def test_alliances_with_host_labels(engine) -> None:
    a = queries_alliances.alliances(engine).set_index("code")
    assert a.loc[TIANJIN, ["host_label_zh", "host_label_en", "province_zh"]].tolist() == [
        "天津市南开区",
        "Nankai, Tianjin",
        "天津市",
    ]
    assert a.loc[STORAGE, ["host_label_zh", "province_zh", "province_en"]].tolist() == [
        "武汉市",
        "湖北省",
        "Hubei",
    ]
    assert a.loc[ZAOZHUANG, "host_label_zh"] == "枣庄市" and a.loc[ZAOZHUANG, "founded"] is None


def test_organisations_by_name(engine) -> None:
    found = queries_alliances.organisations(engine, "枣庄市")
    assert found[["name_zh", "name_en", "kind"]].values.tolist() == [
        ["枣庄市", "Zaozhuang", "government"]
    ]
    assert queries_alliances.organisations(engine, "枣庄市", "enterprise").empty
    assert queries_alliances.organisations(engine, "没有这个单位").empty


@pytest.mark.parametrize(
    ("name", "kind", "code"),
    [
        ("天津市南开区", "government", "120104"),  # 天津市, then 南开区 under it
        ("天津巴莫科技有限责任公司", "enterprise", "120000"),  # the short name 天津
        ("山东省能源局", "government", "370000"),
        ("枣庄市", "government", "370400"),  # a prefecture by its full name
        ("南开大学", "university", None),  # a district's short name alone is not enough
        ("中国北方发动机研究所", "institute", None),  # the nation is no region of a firm
        ("普天新能源(天津)有限公司", "enterprise", None),  # only the start of a name counts
        ("陈军", "person", None),  # people have no region here
    ],
)
def test_organisation_region_from_the_name(engine, name, kind, code) -> None:  # type: ignore[no-untyped-def]
    region = queries_alliances.organisation_region(engine, name, kind)
    assert (None if region is None else region["code"]) == code
    if region is not None:
        assert region["region_basis"] == "name"


def test_region_prefixes_keep_prefecture_short_names_under_their_province(engine) -> None:
    index = queries_alliances.region_prefixes(engine)
    assert index[""]["天津"] == "120000" and index[""]["枣庄市"] == "370400"
    assert "枣庄" not in index[""] and index["370000"]["枣庄"] == "370400"
    assert "中山" not in index[""]  # 中山大学 is not in 中山市
    assert index["120000"]["南开区"] == "120104"


def test_infer_region_takes_the_longest_name_at_each_level() -> None:
    index = {"": {"天津": "120000", "天津市": "120000"}, "120000": {"南开区": "120104"}}
    assert infer_region("天津市南开区某公司", index) == "120104"
    assert infer_region("天津某公司", index) == "120000"
    assert infer_region("北京某公司", index) is None


# --- the comparison, pure, on the shipped memberships ------------------------------------


@pytest.fixture(scope="module")
def shipped(engine) -> tuple[pd.DataFrame, pd.DataFrame]:  # type: ignore[no-untyped-def]
    """(counted members, alliances) of the shipped dataset."""
    members = queries_alliances.memberships(engine)
    alliances = queries_alliances.alliances(engine)
    return counted(members), alliances


def test_counted_members_leave_out_supporters_and_experts(shipped) -> None:  # type: ignore[no-untyped-def]
    members, _ = shipped
    per = members.groupby("alliance_code").size().to_dict()
    assert per == {TIANJIN: 19, STORAGE: 1, ZAOZHUANG: 1, NATIONAL: 1, INNOVATION: 1}
    assert "天津市人才工作领导小组办公室" not in set(members["name_zh"])  # a supporter
    assert "王中林" not in set(members["name_zh"])  # an expert


def test_composition_by_type(shipped) -> None:  # type: ignore[no-untyped-def]
    members, _ = shipped
    comp = composition(members)
    tianjin = comp[comp["alliance_code"] == TIANJIN].set_index("kind")["count"].to_dict()
    assert tianjin == {
        "enterprise": 12,
        "university": 2,
        "institute": 3,
        "government": 1,
        "person": 1,
    }
    assert list(comp[comp["alliance_code"] == TIANJIN]["kind"]) == list(tianjin)  # kind order
    assert comp[comp["alliance_code"] == ZAOZHUANG][["kind", "count"]].values.tolist() == [
        ["government", 1]
    ]


def test_member_years_say_which_date_places_each_member(shipped) -> None:  # type: ignore[no-untyped-def]
    members, alliances = shipped
    dated = member_years(members, alliances).set_index(["alliance_code", "name_zh"])
    assert dated.loc[(TIANJIN, "南开大学"), ["year", "year_basis"]].tolist() == [2021, "joined"]
    assert dated.loc[(TIANJIN, LISHEN), ["year", "year_basis"]].tolist() == [2021, "founded"]
    assert dated.loc[(STORAGE, "钟发平"), ["year", "year_basis"]].tolist() == [2024, "joined"]
    assert pd.isna(dated.loc[(ZAOZHUANG, "枣庄市"), "year"])
    # 3 Tianjin founders and 钟发平 by their date; 陈军 and the 15 Tianjin members by the
    # founding; 枣庄市 founded three alliances, none of them with a date
    assert year_basis_counts(member_years(members, alliances)) == {
        "joined": 4,
        "founded": 16,
        "unknown": 3,
    }


def test_members_over_time(shipped) -> None:  # type: ignore[no-untyped-def]
    members, alliances = shipped
    over = members_over_time(member_years(members, alliances))
    tianjin = over[over["alliance_code"] == TIANJIN]
    assert sorted(set(tianjin["year"])) == [2021, 2022, 2023, 2024]  # up to the last year given
    by_year = tianjin.groupby("year")[["joined", "present"]].sum()
    assert by_year.loc[2021].tolist() == [19, 19]
    assert by_year.loc[2024].tolist() == [0, 19]  # nobody left: still 19
    storage = over[over["alliance_code"] == STORAGE]
    assert storage[["year", "kind", "joined", "present"]].values.tolist() == [
        [2024, "person", 1, 1]
    ]
    assert ZAOZHUANG not in set(over["alliance_code"])  # undated: not placed in time


def test_members_over_time_counts_a_member_until_it_leaves() -> None:
    dated = pd.DataFrame(
        {
            "alliance_code": ["a", "a", "a"],
            "kind": ["enterprise", "enterprise", "university"],
            "year": pd.array([2020, 2021, 2020], dtype="Int64"),
            "left_year": pd.array([2022, None, None], dtype="Int64"),
        }
    )
    over = members_over_time(dated).groupby("year")["present"].sum()
    assert over.to_dict() == {2020: 2, 2021: 3, 2022: 2}


def test_alliances_per_host_region(shipped) -> None:  # type: ignore[no-untyped-def]
    _, alliances = shipped
    per = alliances_per_region(alliances)
    assert per[["region_code", "region_label_zh", "count"]].values.tolist() == [
        ["370400", "枣庄市", 3],
        ["120104", "天津市南开区", 1],
        ["420100", "武汉市", 1],
    ]
    assert set(per.loc[0, "alliances"]) == {ZAOZHUANG, NATIONAL, INNOVATION}


def test_kind_order_puts_unknown_kinds_last() -> None:
    assert kind_order(["person", "robot", "enterprise"]) == ["enterprise", "person", "robot"]


# --- sums of the members' figures ----------------------------------------------------------


def _figures(rows: list[tuple[str, int, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "entity_code": name,
                "year": year,
                "period": str(year),
                "value": value,
                "qualifier": q,
                "status": "reported",
                "source_title_zh": SOURCE,
                "source_title_en": "",
            }
            for name, year, value, q in rows
        ]
    )


def test_member_sums_carry_qualifier_and_count_known_and_missing(shipped, engine) -> None:  # type: ignore[no-untyped-def]
    members, _ = shipped
    cell = queries.indicators(engine).loc["cell_capacity"]
    figures = _figures(
        [
            (LISHEN, 2023, 10.0, "exact"),
            (LISHEN, 2024, 12.0, "approx"),  # the latest one counts: 约12GWh
            (YINLONG, 2024, 20.0, "at_least"),  # 20余GWh
            ("陈军", 2024, 99.0, "exact"),  # a person: never added
        ]
    )
    sums = member_sums(members, figures, cell, [TIANJIN, STORAGE]).set_index("alliance_code")
    t = sums.loc[TIANJIN]
    # 12 + 20 = 32, a lower bound (余 wins over 约); 18 organisations, 2 with a figure
    assert (t["total"], t["qualifier"], t["known"], t["missing"], t["members"]) == (
        32.0,
        "at_least",
        2,
        16,
        18,
    )
    assert (t["year_from"], t["year_to"], t["sources"]) == (2024, 2024, [(SOURCE, "")])
    s = sums.loc[STORAGE]  # its only counted member is a person
    assert pd.isna(s["total"]) and (s["known"], s["missing"], s["members"]) == (0, 0, 0)
    approx = member_sums(members, figures.iloc[[1]], cell, [TIANJIN]).iloc[0]
    assert (approx["total"], approx["qualifier"]) == (12.0, "approx")


def test_a_non_additive_indicator_is_never_summed(shipped, engine) -> None:  # type: ignore[no-untyped-def]
    members, _ = shipped
    ind = queries.indicators(engine)
    for code in ("alliance_members", "new_energy_share", "mineral_types_found"):
        with pytest.raises(NotSummable):
            member_sums(members, _figures([(LISHEN, 2024, 1.0, "exact")]), ind.loc[code], [TIANJIN])


# --- charts ----------------------------------------------------------------------------------


def _names(alliances: pd.DataFrame) -> dict[str, str]:
    return dict(zip(alliances["code"], alliances["name_zh"]))


def test_composition_bars(shipped) -> None:  # type: ignore[no-untyped-def]
    members, alliances = shipped
    fig = composition_bars(
        composition(members),
        _names(alliances),
        "zh",
        title="已列名成员构成",
        subtitle="单位：个",
        source_line="数据来源：甲",
        note="计入发起单位",
    )
    bars = {trace.name: trace for trace in fig.data if trace.type == "bar"}
    assert list(bars) == ["企业", "高校", "科研院所", "政府", "个人"]
    first = fig.data[0].y[0]
    assert first == "天津市新能源电池人才创新创业联盟"  # founded first: on top
    assert [bars[k].x[0] for k in bars] == [12, 2, 3, 1, 1]
    assert list(fig.data[-1].text) == [" 19", " 1", " 1", " 1", " 1"]  # totals beside the bars
    words = figure_texts(fig)
    assert "已列名成员构成" in words and "单位：个" in words and "数据来源：甲" in words
    assert "计入发起单位" in words
    names = [a.text for a in fig.layout.annotations]
    assert "天津市新能源电池人才创新创业联盟" in names  # names above the bars
    assert fig.layout.legend.y > 1  # lifted clear of the first name


def test_growth_chart_marks_the_reported_count(shipped, engine) -> None:  # type: ignore[no-untyped-def]
    members, alliances = shipped
    reported = queries.observations(
        engine, entity_type="alliance", indicator_codes=["alliance_members"], as_of=1
    )
    over = members_over_time(member_years(members, alliances))
    fig = growth_chart(
        over,
        reported,
        _names(alliances),
        "en",
        title="Members over the years",
        subtitle="Unit: members",
        source_line="Source: A",
        note="Years: 4 by joining date",
    )
    diamonds = [d for d in fig.data if d.type == "scatter" and d.mode == "markers+text"]
    assert [list(d.text) for d in diamonds] == [["40+"], ["20"]]  # 40余家, 二十家
    assert [list(d.x) for d in diamonds] == [["2021"], ["2024"]]
    enterprise = [d for d in fig.data if d.type == "bar" and d.name == "Enterprise"]
    assert list(enterprise[0].y) == [12, 12, 12, 12]  # 2021–2024
    assert sum(1 for d in fig.data if d.showlegend and d.name == "Person") == 1  # one entry
    words = figure_texts(fig)
    assert "Years: 4 by joining date" in words and "Source: A" in words
    assert "天津市新能源电池人才创新创业联盟" in words and "大储能生态创新联合体" in words


def test_host_bars(shipped) -> None:  # type: ignore[no-untyped-def]
    _, alliances = shipped
    fig = host_bars(
        alliances_per_region(alliances), "en", title="T", subtitle="S", source_line="Source: A"
    )
    assert list(fig.data[0].y) == ["Zaozhuang", "Nankai, Tianjin", "Wuhan"]
    assert list(fig.data[0].x) == [3, 1, 1]


def test_sum_bars_label_qualifier_and_coverage(shipped, engine) -> None:  # type: ignore[no-untyped-def]
    members, _ = shipped
    cell = queries.indicators(engine).loc["cell_capacity"]
    figures = _figures([(LISHEN, 2024, 12.0, "approx"), (YINLONG, 2024, 20.0, "at_least")])
    sums = member_sums(members, figures, cell, [TIANJIN, ZAOZHUANG])
    names = {TIANJIN: "天津联盟", ZAOZHUANG: "锂电产业联盟"}
    fig = sum_bars(sums, names, cell, "zh", title="T", subtitle="S", source_line="数据来源：甲")
    assert list(fig.data[0].x) == [32.0, None]
    assert list(fig.data[0].text) == ["32+", ""]  # 约12 + 20余: a lower bound
    above = [a.text for a in fig.layout.annotations]
    assert "天津联盟（2/18家有数据）" in above and "锂电产业联盟（0/1家有数据）" in above
    assert "无成员数据" in above  # no bar: it says why
    empty = sum_bars(sums.iloc[[1]], names, cell, "zh", title="T", subtitle="S", source_line="")
    assert "都还没有这一指标的数据" in figure_texts(empty)


def test_empty_charts_say_why() -> None:
    none = pd.DataFrame(columns=["alliance_code", "kind", "count"])
    fig = composition_bars(none, {}, "zh", title="T", subtitle="S", source_line="")
    assert "来源未列出成员名单" in figure_texts(fig)
    over = pd.DataFrame(columns=["alliance_code", "year", "kind", "joined", "present"])
    fig = growth_chart(over, over, {}, "en", title="T", subtitle="S", source_line="")
    assert "nothing to place in time" in figure_texts(fig)


# --- a database of its own: members' figures, a new member, a name of two kinds -------------


def _figure(name: str, code: str, period: str, value: float, q: str, written: str) -> dict:
    return {
        "entity_type": queries_alliances.ORGANISATION,
        "entity_code": name,
        "indicator_code": code,
        "period": period,
        "value": value,
        "qualifier": q,
        "value_as_written": written,
        "source": SOURCE,
        "_row": None,
        "_factor": 1,
    }


@pytest.fixture(scope="module")
def store_with_figures(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The shipped data, then revision 2: members' cell capacities, 枣庄示范储能 joining the
    锂电产业联盟 on 2024-08-25, and a 南开大学 that is an institute as well as a university."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('alliances') / 'a.sqlite3'}")
    migrate(engine)
    load_shipped_if_empty(engine)
    rows = [
        _figure(LISHEN, "cell_capacity", "2023", 10, "exact", "10GWh"),
        _figure(LISHEN, "cell_capacity", "2024", 12, "approx", "约12GWh"),
        _figure(YINLONG, "cell_capacity", "2024", 20, "at_least", "20余GWh"),
        _figure(NEWCOMER, "cell_capacity", "2024", 8, "exact", "8GWh"),
        _figure(LISHEN, "patents_granted", "2024", 300, "exact", "300件"),
    ]
    members = [
        {
            "alliance_code": ZAOZHUANG,
            "name_zh": NEWCOMER,
            "name_en": "Zaozhuang Demonstration Storage Technology Co.",
            "kind": "enterprise",
            "role": "member",
            "joined": "2024-08-25",
            "source": SOURCE,
            "_row": 2,
        },
        {
            "alliance_code": STORAGE,
            "name_zh": "南开大学",
            "kind": "institute",
            "role": "member",
            "source": SOURCE,
            "_row": 3,
        },
    ]
    commit_rows(
        engine,
        rows,
        author="test",
        file_name="members.xlsx",
        sha256="1" * 64,
        entities=LoadResult(members=members),
    )
    yield engine
    engine.dispose()


def test_organisation_figures_query(store_with_figures) -> None:  # type: ignore[no-untyped-def]
    df = queries_alliances.organisation_figures(store_with_figures, [LISHEN])
    assert df[["indicator_code", "period", "value", "qualifier"]].values.tolist() == [
        ["cell_capacity", "2023", 10.0, "exact"],
        ["cell_capacity", "2024", 12.0, "approx"],
        ["patents_granted", "2024", 300.0, "exact"],
    ]
    assert set(df["source_title_zh"]) == {SOURCE}
    assert queries_alliances.organisation_figures(store_with_figures, [LISHEN], as_of=1).empty
    assert len(queries_alliances.organisations(store_with_figures, "南开大学")) == 2


# --- the pages, in-process -------------------------------------------------------------------


@pytest.fixture(scope="module")
def alliance_pages(engine):  # type: ignore[no-untyped-def]
    pages_app()
    import pages.alliances
    import pages.organisation

    return pages.alliances, pages.organisation


def _hrefs(component: object) -> list[str]:
    return [c.href for c in walk(component) if getattr(c, "href", None)]


def test_alliances_page_compares_all_alliances(alliance_pages) -> None:  # type: ignore[no-untyped-def]
    page, _ = alliance_pages
    out = page.layout(lang="zh", rev="1")
    words = texts(out)
    assert (
        "年份依据：4个成员按其加入日期，16个成员按联盟成立年份（来源未载明其加入日期）。" in words
    )
    assert "另有3个成员既无加入日期" in words
    # 18 Tianjin organisations and 枣庄市 (founder of three alliances, counted once)
    assert "所选联盟的19个成员单位都还没有“电芯年产能”的数据" in words
    assert "成员名单不分修订版本" not in words  # rev=1: the members as they stood then
    hosts = by_id(out, "alliances-hosts-table").rowData
    assert [(r["host"], r["founded"], r["named"], r["reported"]) for r in hosts][:2] == [
        ("天津市南开区", "2021-05-21", 19, "40余家"),
        ("武汉市", "2024-11-28", 1, "20家"),
    ]
    assert hosts[2]["founded"] == "未载明"
    sums = {r["alliance"]: r for r in by_id(out, "alliances-sums-table").rowData}
    assert (
        sums["天津市新能源电池人才创新创业联盟"]["known"],
        sums["天津市新能源电池人才创新创业联盟"]["missing"],
    ) == (0, 18)
    comp = by_id(out, "alliances-composition").figure
    assert "已列名成员构成（按类型）" in figure_texts(comp)
    assert "时期：截至各来源发布时" in figure_texts(comp)
    links = _hrefs(by_id(out, TIANJIN))
    assert f"/organisation?name={quote_plus(LISHEN)}&kind=enterprise&rev=1" in links


def test_alliances_page_from_the_url(alliance_pages) -> None:  # type: ignore[no-untyped-def]
    page, _ = alliance_pages
    out = page.layout(
        lang="en", alliances=f"{STORAGE},{TIANJIN},nothing", indicator="patents_granted"
    )
    assert by_id(out, "alliances-pick").value == [TIANJIN, STORAGE]
    assert by_id(out, "alliances-indicator").value == "patents_granted"
    words = texts(out)
    assert "No alliance matches “nothing”." in words
    assert "None of the 18 member organisations" in words
    rows = by_id(out, "alliances-hosts-table").rowData
    assert [r["code"] for r in rows] == [TIANJIN, STORAGE]
    with pytest.raises(KeyError):
        by_id(out, ZAOZHUANG)  # no card of an alliance not chosen
    unknown = page.layout(lang="zh", alliances="nothing")
    assert "找不到联盟“nothing”。" in texts(unknown)
    assert len(by_id(unknown, "alliances-hosts-table").rowData) == 5  # all of them instead
    assert by_id(unknown, "alliances-pick").value == []
    share = page.layout(lang="zh", indicator="new_energy_share")
    assert "“新能源装机占比”不可相加" in texts(by_id(share, "alliances-sum-none"))
    options = by_id(share, "alliances-indicator").options
    assert {
        "label": "新能源装机占比（不可相加）",
        "value": "new_energy_share",
        "disabled": True,
    } in options


def test_alliances_page_sums_members_figures(
    alliance_pages, store_with_figures, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    page, _ = alliance_pages
    monkeypatch.setattr(page, "get_engine", lambda: store_with_figures)
    out = page.layout(lang="zh", alliances=f"{TIANJIN},{ZAOZHUANG}")
    fig = by_id(out, "alliances-sums").figure
    words = figure_texts(fig)
    assert "成员单位数据合计" in words
    assert "电芯年产能；单位：GWh；时期：各成员的最新数据（2024年）" in words
    assert list(fig.data[0].text) == ["32+", "8"]  # 约12 + 20余 = 32余, a lower bound
    assert "天津市新能源电池人才创新创业联盟（2/18家有数据）" in words
    assert "锂电产业联盟（1/2家有数据）" in words  # 枣庄市 has none, 枣庄示范储能 8GWh
    rows = {r["alliance"]: r for r in by_id(out, "alliances-sums-table").rowData}
    tianjin, zaozhuang = rows["天津市新能源电池人才创新创业联盟"], rows["锂电产业联盟"]
    assert [tianjin[k] for k in ("known", "missing", "total", "years")] == [
        2,
        16,
        "32余GWh",
        "2024",
    ]
    assert [zaozhuang[k] for k in ("known", "missing", "total", "years")] == [1, 1, "8GWh", "2024"]
    assert "测试：成员单位产能" in texts(by_id(out, "alliances-sums-source"))
    growth = texts(out)
    # 3 Tianjin founders and the newcomer (2024-08-25) by their date; 枣庄市 not placed
    assert "年份依据：4个成员按其加入日期，16个成员按联盟成立年份" in growth
    assert "另有1个成员既无加入日期" in growth
    before = page.layout(lang="zh", alliances=TIANJIN, rev="1")
    assert "都还没有“电芯年产能”的数据" in texts(before)  # as of revision 1: no figures


def test_controls_write_the_url(alliance_pages) -> None:  # type: ignore[no-untyped-def]
    from dash.exceptions import PreventUpdate

    page, _ = alliance_pages
    url = page.update_view([TIANJIN, STORAGE], "anode_capacity", "", "en", 2)
    assert url == f"?lang=en&rev=2&alliances={TIANJIN}%2C{STORAGE}&indicator=anode_capacity"
    assert page.update_view([], "cell_capacity", "?lang=en", "zh", None) == ""
    with pytest.raises(PreventUpdate):  # the controls first appear: the URL already says so
        page.update_view(
            [TIANJIN, STORAGE], "cell_capacity", f"?alliances={STORAGE},{TIANJIN}", "zh", None
        )


def test_organisation_page(alliance_pages) -> None:  # type: ignore[no-untyped-def]
    _, page = alliance_pages
    out = page.layout(lang="zh", name=LISHEN, kind="enterprise", rev="1")
    facts = texts(by_id(out, "organisation-facts"))
    assert "企业" in facts and "天津市" in facts and "（据名称判断）" in facts
    assert "Tianjin Lishen Battery Joint-Stock Co., Ltd." in facts
    assert by_id(out, "organisation-region-link").href == "/?region=120000"
    alliances = by_id(out, "organisation-alliances")
    assert f"/alliances?alliances={TIANJIN}&rev=1" in _hrefs(alliances)
    assert "加入日期未载明（联盟成立于2021-05-21）" in texts(alliances)
    assert "天津市新能源电池人才创新创业联盟落户南开区" in texts(alliances)  # its source
    assert "数据库中还没有该单位自己的数据" in texts(by_id(out, "organisation-no-figures"))
    person = page.layout(lang="en", name="陈军")
    words = texts(person)
    assert "Chen Jun" in words and "Vice-President of Nankai University" in words
    founder = texts(page.layout(lang="zh", name="枣庄市"))
    assert founder.count("发起单位") == 3  # founder of three alliances
    assert "找不到成员单位“无名”" in texts(page.layout(lang="zh", name="无名"))
    assert "请从联盟页面的成员名单中选择" in texts(page.layout(lang="zh"))


def test_organisation_page_with_figures(alliance_pages, store_with_figures, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _, page = alliance_pages
    monkeypatch.setattr(page, "get_engine", lambda: store_with_figures)
    out = page.layout(lang="zh", name=LISHEN)
    rows = by_id(out, "organisation-figures").rowData
    assert [(r["indicator"], r["value"], r["period"], r["written"], r["source"]) for r in rows] == [
        ("电芯年产能", "10GWh", "2023年", "10GWh", SOURCE),
        ("电芯年产能", "约12GWh", "2024年", "约12GWh", SOURCE),
        ("授权专利数", "300件", "2024年", "300件", SOURCE),
    ]
    two = page.layout(lang="zh", name="南开大学")  # a university and an institute
    assert len(_hrefs(by_id(two, "organisation-choose"))) == 2
    one = page.layout(lang="zh", name="南开大学", kind="institute")
    assert "大储能生态创新联合体" in texts(by_id(one, "organisation-alliances"))
