"""招商项目: size classes, totals that keep their qualifier, event announcements, the page."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from figures.projects import class_bars, project_bars
from loaders.result import LoadResult
from store import queries
from store.db import make_engine, migrate
from store.queries_projects import (
    event_options,
    event_totals,
    filter_projects,
    projects,
    reported_classes,
    size_class,
    sum_with_qualifier,
    summarise,
)
from store.revisions import commit_rows
from store.shipped import load_shipped_if_empty
from tests.viewkit import (
    assert_offline_and_clean,
    by_id,
    figure_texts,
    open_page,
    pages_app,
    phone_width,
    shot,
    texts,
    wait_text,
)

ROOT = Path(__file__).resolve().parents[1]
CONFERENCE = "2024-new-energy-battery-conference"
SOURCE = "测试：招商项目清单"
# name, region, event, investment (CNY), qualifier, sector: the five projects every test uses.
# 枣庄市: 50亿 (超过), 30亿, 10亿 (the bounds) and 约9.5亿; 常州市: investment not known.
PROJECTS = [
    ("年产10GWh钠离子电池项目", "370400", CONFERENCE, 5e9, "at_least", "sodium-ion"),
    ("正极材料项目", "370400", CONFERENCE, 3e9, "exact", "battery-materials"),
    ("电解液项目", "370400", CONFERENCE, 1e9, "exact", "battery-materials"),
    ("电池回收项目", "370400", CONFERENCE, 9.5e8, "approx", "recycling"),
    ("储能电站项目", "320400", None, None, "exact", "energy-storage"),
]


# --- pure --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("investment", "expected"),
    [
        (None, "unknown"),
        (math.nan, "unknown"),
        (0.0, "under_1b"),
        (9.99e8, "under_1b"),
        (1e9, "1b_3b"),  # exactly 10亿: 10–30亿
        (2.99e9, "1b_3b"),
        (3e9, "3b_5b"),  # exactly 30亿: 30–50亿
        (4.99e9, "3b_5b"),
        (5e9, "over_5b"),  # exactly 50亿: 50亿以上
        (6e10, "over_5b"),
    ],
)
def test_size_class_bounds(investment: float | None, expected: str) -> None:
    assert size_class(investment) == expected


@pytest.mark.parametrize(
    ("values", "qualifiers", "expected"),
    [
        ([3e9, 1e9], ["exact", "exact"], (4e9, "exact")),
        ([3e9, 9.5e8], ["exact", "approx"], (3.95e9, "approx")),
        ([5e9, 3e9], ["at_least", "exact"], (8e9, "at_least")),
        ([5e9, 9.5e8], ["at_least", "approx"], (5.95e9, "at_least")),  # at least wins
        ([3e9, None], ["exact", "exact"], (3e9, "at_least")),  # an unknown term: a lower bound
        ([None], ["exact"], (None, "exact")),
        ([], [], (None, "exact")),
    ],
)
def test_sum_keeps_the_qualifier(values, qualifiers, expected) -> None:  # type: ignore[no-untyped-def]
    total, qualifier = sum_with_qualifier(values, qualifiers)
    assert qualifier == expected[1]
    assert total == (None if expected[0] is None else pytest.approx(expected[0]))


def _hand() -> pd.DataFrame:
    names = {"370400": ("枣庄市", "Zaozhuang"), "320400": ("常州市", "Changzhou")}
    sectors = {
        "sodium-ion": ("钠离子电池", "Sodium-ion batteries"),
        "battery-materials": ("电池材料", "Battery materials"),
        "recycling": ("回收利用", "Recycling"),
        "energy-storage": ("储能", "Energy storage"),
    }
    rows = []
    for i, (name, region, event, money, qualifier, sector) in enumerate(PROJECTS):
        rows.append(
            {
                "id": i,
                "name_zh": name,
                "name_en": "",
                "region_code": region,
                "region_name_zh": names[region][0],
                "region_name_en": names[region][1],
                "event_code": event,
                "event_name_zh": "大会" if event else "",
                "event_name_en": "Conference" if event else "",
                "signed_on": dt.date(2024, 8, 25) if event else None,
                "investment": math.nan if money is None else money,
                "qualifier": qualifier,
                "sector": sector,
                "sector_zh": sectors[sector][0],
                "sector_en": sectors[sector][1],
                "stage": "signed",
                "stage_zh": "签约",
                "stage_en": "Signed",
                "source_title_zh": SOURCE,
                "source_title_en": "",
                "size_class": size_class(money),
            }
        )
    return pd.DataFrame(rows)


def test_summary_by_size_class() -> None:
    df = summarise(_hand(), "size").set_index("key")
    assert list(df.index) == ["over_5b", "3b_5b", "1b_3b", "under_1b", "unknown"]
    assert df["count"].tolist() == [1, 1, 1, 1, 1]
    assert df.loc["over_5b", "qualifier"] == "at_least"
    assert df.loc["under_1b", ["investment", "qualifier"]].tolist() == [9.5e8, "approx"]
    assert df.loc["unknown", "unknown"] == 1 and pd.isna(df.loc["unknown", "investment"])


def test_summary_keeps_empty_size_classes() -> None:
    df = summarise(_hand().iloc[[1]], "size").set_index("key")
    assert df["count"].tolist() == [0, 1, 0, 0]  # no "unknown" row when none is unknown
    assert pd.isna(df.loc["over_5b", "investment"])


def test_summary_by_sector_and_region() -> None:
    sectors = summarise(_hand(), "sector")
    assert sectors["key"].tolist() == [
        "battery-materials",
        "energy-storage",
        "recycling",
        "sodium-ion",
    ]
    materials = sectors.iloc[0]
    assert (materials["count"], materials["investment"], materials["qualifier"]) == (
        2,
        4e9,
        "exact",
    )
    regions = summarise(_hand(), "region").set_index("key")
    # 枣庄: 50 + 30 + 10 + 9.5 = 99.5亿, at least (超过50亿)
    assert regions.loc["370400", "count"] == 4
    assert regions.loc["370400", "investment"] == pytest.approx(9.95e9)
    assert regions.loc["370400", "qualifier"] == "at_least"
    assert pd.isna(regions.loc["320400", "investment"])
    with pytest.raises(ValueError):
        summarise(_hand(), "colour")


def test_filters() -> None:
    df = _hand()
    assert len(filter_projects(df, region="370000")) == 4  # 山东省 holds 枣庄市
    assert len(filter_projects(df, region="320400")) == 1
    assert len(filter_projects(df, region="100000")) == 5
    assert len(filter_projects(df, event=CONFERENCE)) == 4
    assert filter_projects(df, sector="battery-materials")["name_zh"].tolist() == [
        "正极材料项目",
        "电解液项目",
    ]
    assert filter_projects(df, size="1b_3b")["name_zh"].tolist() == ["电解液项目"]
    total = sum_with_qualifier(
        *(filter_projects(df, region="370400")[c] for c in ("investment", "qualifier"))
    )
    assert total == (pytest.approx(9.95e9), "at_least")


# --- what events announced (shipped data) ----------------------------------------------------


def test_conference_totals_and_classes(engine) -> None:
    totals = event_totals(engine, as_of=1)
    mine = totals[totals["event_code"] == CONFERENCE].set_index("indicator_code")
    money = mine.loc["signed_investment"]
    assert (money["value"], money["qualifier"], money["value_as_written"]) == (
        4e10,
        "at_least",
        "超过400亿元",
    )
    assert mine.loc["signed_projects", "value"] == 24
    classes = reported_classes(totals[totals["event_code"] == CONFERENCE])
    assert classes["size_class"].tolist() == ["over_5b", "3b_5b", "1b_3b", "unstated"]
    assert classes["count"].tolist() == [2, 3, 13, 6]  # 24 − 2 − 3 − 13 = 6
    assert classes["derived"].tolist() == [False, False, False, True]
    assert set(classes["status"]) == {"projection"}  # announced before the conference


def test_no_remainder_from_a_lower_bound() -> None:
    totals = pd.DataFrame(
        [
            {"indicator_code": "signed_projects", "value": 50, "qualifier": "at_least"},
            {"indicator_code": "signed_projects_over_5b", "value": 2, "qualifier": "exact"},
        ]
    ).assign(status="reported")
    classes = reported_classes(totals)
    assert classes["size_class"].tolist() == ["over_5b"]


# --- projects in a database of their own -----------------------------------------------------


@pytest.fixture(scope="module")
def store_with_projects(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The shipped data, then revision 2 with the five projects (from the template's sheet)."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('projects') / 'p.sqlite3'}")
    migrate(engine)
    load_shipped_if_empty(engine)
    rows = [
        {
            "name_zh": name,
            "region_code": region,
            "event": "2024新能源电池产业发展大会" if event else None,
            "event_code": None,
            "signed_on": "2024-08-25" if event else None,
            "investment": money,
            "qualifier": qualifier,
            "sector": sector,
            "stage": "signed",
            "source": SOURCE,
            "_row": i + 2,
        }
        for i, (name, region, event, money, qualifier, sector) in enumerate(PROJECTS)
    ]
    commit_rows(
        engine,
        [],
        author="test",
        file_name="projects.xlsx",
        sha256="0" * 64,
        entities=LoadResult(projects=rows),
    )
    yield engine
    engine.dispose()


def test_projects_query(store_with_projects) -> None:  # type: ignore[no-untyped-def]
    df = projects(store_with_projects).set_index("name_zh")
    assert len(df) == 5
    sodium = df.loc["年产10GWh钠离子电池项目"]
    assert (sodium["size_class"], sodium["qualifier"], sodium["event_code"]) == (
        "over_5b",
        "at_least",
        CONFERENCE,
    )
    assert (sodium["region_name_zh"], sodium["sector_zh"], sodium["sector_en"]) == (
        "枣庄市",
        "钠离子电池",
        "Sodium-ion batteries",
    )
    assert sodium["stage_zh"] == "签约" and sodium["source_title_zh"] == SOURCE
    assert df.loc["电解液项目", "size_class"] == "1b_3b"
    assert df.loc["储能电站项目", "size_class"] == "unknown"
    assert pd.isna(df.loc["储能电站项目", "investment"])
    assert projects(store_with_projects, as_of=1).empty  # before the upload
    assert CONFERENCE in set(event_options(store_with_projects)["code"])


# --- charts ----------------------------------------------------------------------------------


def test_class_bars_mark_the_derived_remainder(engine) -> None:
    totals = event_totals(engine, as_of=1)
    classes = reported_classes(totals[totals["event_code"] == CONFERENCE])
    fig = class_bars(classes, "zh", title="标题", subtitle="单位：个", source_line="数据来源：甲")
    bar = fig.data[0]
    # horizontal bars, drawn bottom-up: the largest class on top
    assert list(bar.y) == ["未按规模公布", "10–30亿元", "30–50亿元", "≥50亿元"]
    assert list(bar.text) == ["6", "13", "3", "2"]
    assert list(bar.marker.pattern.shape) == ["/", "", "", ""]
    assert "数据来源：甲" in figure_texts(fig) and "单位：个" in figure_texts(fig)


def test_project_bars_count_and_investment(engine) -> None:
    money = queries.indicators(engine).loc["signed_investment"]
    summary = summarise(_hand(), "region")
    args = {
        "title": "T",
        "subtitle": "S",
        "source_line": "数据来源：甲",
        "investment_indicator": money,
    }
    count = project_bars(summary, "zh", by="region", measure="count", **args)
    assert list(count.data[0].y) == ["常州市", "枣庄市"]  # drawn bottom-up: 枣庄市 on top
    assert list(count.data[0].text) == ["1", "4"]
    invest = project_bars(summary, "zh", by="region", measure="investment", **args)
    assert list(invest.data[0].x) == [None, pytest.approx(99.5)]
    assert list(invest.data[0].text) == ["", "99.5+"]  # 亿元, a lower bound
    assert "不详" in [a.text for a in invest.layout.annotations]  # no bar for 常州市: it says why
    english = project_bars(
        summarise(_hand(), "size"), "en", by="size", measure="investment", **args
    )
    assert list(english.data[0].y)[-1] == "≥ CNY 5 bn"
    assert list(english.data[0].text)[-1] == "5+"  # CNY bn
    assert english.layout.xaxis.title.text == "CNY bn"


# --- the page, in-process --------------------------------------------------------------------


@pytest.fixture(scope="module")
def projects_page(engine):  # type: ignore[no-untyped-def]
    pages_app()
    import pages.projects

    return pages.projects


def test_page_without_projects_shows_the_announcement(projects_page) -> None:  # type: ignore[no-untyped-def]
    out = projects_page.layout(lang="zh", rev="1")
    words = texts(out)
    assert "2024新能源电池产业发展大会" in words
    assert "400余亿元（预测）（原文：超过400亿元）" in words
    assert "数据库中还没有逐个录入的签约项目" in words
    assert "（24 − 2 − 3 − 13 = 6）" in words
    fig = by_id(out, f"projects-classes-{CONFERENCE}").figure
    assert "未按规模公布" in figure_texts(fig)


def test_page_with_projects_filters_from_the_url(
    projects_page, store_with_projects, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(projects_page, "get_engine", lambda: store_with_projects)
    out = projects_page.layout(lang="zh", region="枣庄", by="sector")
    assert "4个项目，总投资99.5余亿元" in texts(by_id(out, "projects-totals"))
    fig = by_id(out, "projects-investment").figure
    assert "签约投资额（按产业领域）" in fig.layout.title.text
    assert "钠离子电池" in figure_texts(fig)
    rows = by_id(out, "projects-table").rowData
    assert {r["name"] for r in rows} == {p[0] for p in PROJECTS[:4]}
    everything = projects_page.layout(lang="en")
    assert "5 projects, total investment 9.95+ CNY bn" in texts(
        by_id(everything, "projects-totals")
    )
    none = projects_page.layout(lang="zh", size="3b_5b", sector="recycling")
    assert "没有符合所选条件的签约项目。" in texts(none)


def test_controls_write_the_url(projects_page) -> None:  # type: ignore[no-untyped-def]
    url = projects_page.update_view(CONFERENCE, "370400", "", "1b_3b", "size", "en", None)
    assert url == f"?lang=en&event={CONFERENCE}&region=370400&size=1b_3b"
    assert projects_page.update_view("", None, "recycling", "", "region", "zh", 2) == (
        "?rev=2&sector=recycling&by=region"
    )


# --- in a browser ----------------------------------------------------------------------------


def _import_projects(live_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import run_cli

    wb = openpyxl.load_workbook(ROOT / "data" / "template.xlsx")
    sheet = wb["签约项目"]
    words = {"at_least": "超过", "approx": "约", "exact": ""}
    sectors = {
        "sodium-ion": "钠离子电池",
        "battery-materials": "电池材料",
        "recycling": "回收利用",
        "energy-storage": "储能",
    }
    for name, region, event, money, qualifier, sector in PROJECTS:
        sheet.append(
            [
                name,
                {"370400": "枣庄市", "320400": "常州市"}[region],
                "2024新能源电池产业发展大会" if event else None,
                dt.date(2024, 8, 25) if event else None,
                None if money is None else money / 1e8,
                "亿元" if money is not None else None,
                words[qualifier] or None,
                sectors[sector],
                "签约",
                SOURCE,
            ]
        )
    path = tmp_path / "projects.xlsx"
    wb.save(path)
    env = {"INSTANCE_DIR": str(live_server.instance), "DATABASE_URL": ""}
    proc = run_cli("data", "import", str(path), env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture()
def page(browser, live_server):  # type: ignore[no-untyped-def]
    yield from open_page(browser, live_server)


@pytest.mark.browser
def test_browser_projects_from_the_url(page, live_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _import_projects(live_server, tmp_path)
    page.goto(live_server.url + "/projects?region=370400")
    page.locator("#projects-count .main-svg").first.wait_for(timeout=30000)
    wait_text(page, "#projects-totals", "4个项目，总投资99.5余亿元")
    chart = page.locator("#projects-investment").inner_text()
    for text in ("签约投资额（按投资规模）", "≥50亿元", "单位：亿元", "2024年8月25日", SOURCE):
        assert text in chart, text
    announced = page.locator(f"#projects-event-{CONFERENCE}").inner_text()
    assert "400余亿元" in announced and "超过400亿元" in announced
    assert "未按规模公布" in page.locator(f"#projects-classes-{CONFERENCE}").inner_text()
    wait_text(page, "#projects-table", "正极材料项目")
    body = page.locator("body").inner_text()
    for english in ("Signed projects", "unknown", "Source", "CNY", "Select"):
        assert english not in body, english
    shot(page, "projects-zh")

    page.locator("#projects-by").click()
    page.get_by_role("option", name="按产业领域").click()
    page.wait_for_url("**by=sector**", timeout=30000)
    wait_text(page, "#projects-count", "钠离子电池")
    page.go_back()
    wait_text(page, "#projects-count", "≥50亿元")

    page.locator("#lang-switch").click()
    page.wait_for_url("**lang=en**", timeout=30000)
    wait_text(page, "#projects-totals", "4 projects, total investment 9.95+ CNY bn")
    shot(page, "projects-en")
    assert_offline_and_clean(page, live_server)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_browser_projects_fit_a_phone(browser, live_server, lang: str) -> None:  # type: ignore[no-untyped-def]
    path = "/projects" + ("?lang=en" if lang == "en" else "")
    ready = f"#projects-classes-{CONFERENCE} .main-svg"
    assert phone_width(browser, live_server, path, ready, f"projects-phone-{lang}") <= 392
