"""The upload template: built deterministically, opens with its dropdowns, and reads back.

Issues are asserted as ``(sheet, row, column, code)`` tuples (``Issue.where()``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from etl.template import OUT, template_bytes
from loaders import LoadOptions, load_file
from loaders.checks import check_result
from loaders.result import LoadResult
from loaders.sheet import Sheet
from loaders.template_entities import (
    DateError,
    load_members_sheet,
    load_projects_sheet,
    parse_date,
)
from loaders.template_sheets import is_wide_form, load_wide_sheet
from store.entities import commit_entities
from store.mappings import (
    layout_signature,
    mappings_for,
    remember,
    remember_for,
    remembered,
    sheet_headers,
    sheet_signature,
)
from store.models import Membership, Organisation, Revision, SignedProject
from store.revisions import reference

SOURCE = "测试来源：2024年统计快报"


@pytest.fixture(scope="module")
def ref(engine):  # type: ignore[no-untyped-def]
    return reference(engine)


def _wide(rows: list[list[object]], name: str = "产能表") -> Sheet:
    return Sheet(name, [list(r) for r in rows], source="t.xlsx")


def _codes(result: LoadResult) -> list[tuple[str, int | None, str, str]]:
    return [i.where() for i in result.issues]


# ------------------------------------------------------------------ the file itself


def test_template_is_deterministic_small_and_committed() -> None:
    first, second = template_bytes(), template_bytes()
    assert first == second
    assert len(first) < 200_000
    assert OUT.read_bytes() == first, "data/template.xlsx is stale: run python -m etl.template"


def test_template_opens_with_sheets_dropdowns_and_frozen_headers() -> None:
    wb = openpyxl.load_workbook(OUT)
    assert wb.sheetnames == ["说明", "长表", "宽表", "签约项目", "联盟成员", "参考"]
    assert wb["参考"].sheet_state == "hidden"
    assert [c.value for c in wb["长表"][1]] == [
        "地区",
        "指标",
        "时期",
        "数值",
        "单位",
        "限定",
        "来源",
    ]
    assert [c.value for c in wb["长表"][2]][:5] == [
        "枣庄市",
        "正极材料年产能",
        "2024-08",
        16,
        "万吨",
    ]
    info = " ".join(str(c.value) for c in wb["说明"]["A"] if c.value)
    for word in ("余", "超过", "约", "2024H1", "万吨", "来源", "Source"):
        assert word in info

    def lists(sheet: str) -> dict[str, str]:
        return {
            str(dv.sqref).split(":")[0]: dv.formula1
            for dv in wb[sheet].data_validations.dataValidation
        }

    ref_sheet = wb["参考"]
    columns = {c.value: c.column_letter for c in ref_sheet[2] if c.value}

    def values(name: str) -> list[str]:
        return [c.value for c in ref_sheet[columns[name]][2:] if c.value]

    assert "枣庄市" in values("地区") and "山东省" in values("地区")
    assert "东城区" not in values("地区")  # counties are not in the dropdown
    assert "正极材料年产能" in values("指标")
    assert values("阶段") == ["签约", "开工", "投产"]
    assert {"锂离子电池", "钠离子电池", "氢燃料电池", "储能"} <= set(values("产业领域"))
    assert values("类型") == ["企业", "高校", "科研院所", "政府", "协会", "个人"]
    long_lists = lists("长表")
    assert long_lists["A2"].endswith(
        f"${columns['地区']}$3:${columns['地区']}${len(values('地区')) + 2}"
    )
    assert f"${columns['指标']}$" in long_lists["B2"] and f"${columns['限定']}$" in long_lists["F2"]
    assert f"${columns['指标']}$" in lists("宽表")["B1"]
    assert {"H2", "I2"} <= set(lists("签约项目"))
    assert {"A2", "C2", "D2"} <= set(lists("联盟成员"))
    assert wb["宽表"]["B1"].value == "正极材料年产能" and wb["宽表"]["A2"].value == "单位：万吨"
    assert [c.value for c in wb["宽表"][3]][:7] == ["地区", *(f"{y}年" for y in range(2020, 2026))]
    assert wb["长表"].freeze_panes == "A2" and wb["宽表"].freeze_panes == "B4"
    assert wb["长表"]["A1"].font.b


# ------------------------------------------------------------------ the filled template


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template as a user fills it: one more long row, the wide sheet, a project, a member."""
    wb = openpyxl.load_workbook(OUT)
    wb["长表"].append(["武汉市", "电芯年产能", "2025", 50, "GWh", "约", SOURCE])
    wide = wb["宽表"]
    wide.append(["枣庄市", None, None, None, 12, "—", "18余", SOURCE])
    wide.append(["常州", None, None, None, None, 5, None, SOURCE])
    wide.append(["注：2025年为预计数", None, None, None, None, None, None, None])
    wb["签约项目"].append(
        [
            "年产10GWh钠离子电池项目",
            "枣庄市",
            "2024新能源电池产业发展大会",
            dt.date(2024, 8, 25),
            50,
            "亿元",
            "超过",
            "钠离子电池",
            "签约",
            SOURCE,
        ]
    )
    wb["联盟成员"].append(
        ["锂电产业联盟", "枣庄示范储能科技有限公司", "企业", "成员单位", "2024-08-25", None, SOURCE]
    )
    path = tmp_path_factory.mktemp("template") / "filled.xlsx"
    wb.save(path)
    return path


def test_filled_template_gives_tidy_rows_projects_and_members(filled: Path, ref) -> None:
    result = load_file(filled, ref)
    assert result.issues == []
    rows = {(r["entity_code"], r["indicator_code"], r["period"]): r for r in result.rows}
    assert set(rows) == {
        ("370400", "cathode_capacity", "2024-08"),
        ("370400", "innovation_platforms", "2024-08"),
        ("420100", "cell_capacity", "2025"),
        ("370400", "cathode_capacity", "2023"),
        ("370400", "cathode_capacity", "2025"),
        ("320400", "cathode_capacity", "2024"),
    }
    assert (rows[("370400", "cathode_capacity", "2024-08")]["value"]) == 160_000
    assert rows[("370400", "innovation_platforms", "2024-08")]["qualifier"] == "at_least"
    assert (rows[("420100", "cell_capacity", "2025")]["qualifier"]) == "approx"
    wide_2023 = rows[("370400", "cathode_capacity", "2023")]
    assert (wide_2023["value"], wide_2023["value_as_written"], wide_2023["source"]) == (
        120_000,
        "12万吨",
        SOURCE,
    )
    assert (wide_2023["_sheet"], wide_2023["_row"], wide_2023["_column"]) == ("宽表", 4, "E")
    assert wide_2023["_factor"] == 10_000  # 万吨 → t: the store notes it as ×10000
    assert rows[("370400", "cathode_capacity", "2024-08")]["_factor"] == 10_000  # long form
    wide_2025 = rows[("370400", "cathode_capacity", "2025")]
    assert (wide_2025["value"], wide_2025["qualifier"], wide_2025["value_as_written"]) == (
        180_000,
        "at_least",
        "18余万吨",
    )
    assert rows[("320400", "cathode_capacity", "2024")]["value"] == 50_000

    [project] = result.projects
    assert {k: v for k, v in project.items() if not k.startswith("_")} == {
        "name_zh": "年产10GWh钠离子电池项目",
        "region_code": "370400",
        "event": "2024新能源电池产业发展大会",
        "event_code": None,
        "signed_on": "2024-08-25",
        "investment": 5e9,
        "qualifier": "at_least",
        "value_as_written": "50亿元",
        "sector": "sodium-ion",
        "stage": "signed",
        "source": SOURCE,
    }
    assert (project["_sheet"], project["_row"]) == ("签约项目", 2)
    members = {m["name_zh"]: m for m in result.members}
    assert members["南开大学"] == {
        "alliance_code": "tianjin-new-energy-battery-talent-alliance",
        "name_zh": "南开大学",
        "kind": "university",
        "role": "founder",
        "joined": "2021-05-21",
        "left": None,
        "source": "天津市新能源电池人才创新创业联盟落户南开区",
        "_row": 2,
        "_sheet": "联盟成员",
    }
    new = members["枣庄示范储能科技有限公司"]
    assert (new["alliance_code"], new["kind"], new["role"], new["joined"]) == (
        "zaozhuang-lithium-battery-industry-alliance",
        "enterprise",
        "member",
        "2024-08-25",
    )


def test_untouched_template_reads_clean(ref) -> None:
    result = load_file(OUT, ref)
    assert result.issues == []
    assert len(result.rows) == 2 and len(result.members) == 1 and result.projects == []


# ------------------------------------------------------------------ the wide sheet


def test_wide_sheet_with_title_row_two_cell_unit_and_quirks(ref) -> None:
    sheet = _wide(
        [
            ["2024年各市正极材料产能", None, None, None],
            ["指标：正极材料年产能", None, "单位", "吨"],
            ["地区", "2023年", "2024年", "备注"],
            ["枣庄", "１２００００", "-", None],
            ["棗莊市", None, "空", None],
            ["常州市", "abc", "…", None],
            ["枣庄市", "130000", None, None],
            ["火星市", "1", None, None],
            ["注：数据来源于各市统计局", None, None, None],
        ]
    )
    assert is_wide_form(sheet)
    result = load_wide_sheet(sheet, ref, LoadOptions())
    assert [(r["entity_code"], r["period"], r["value"]) for r in result.rows] == [
        ("370400", "2023", 120_000)
    ]
    assert _codes(result) == [
        ("产能表", 6, "B", "not-a-number"),
        ("产能表", 7, "A", "duplicate-row"),
        ("产能表", 8, "A", "unknown-region"),
    ]


def test_wide_sheet_layout_problems(ref) -> None:
    no_unit = _wide([["指标", "正极材料年产能"], ["地区", "2024年"], ["枣庄市", 16]])
    assert _codes(load_wide_sheet(no_unit, ref, LoadOptions())) == [
        ("产能表", 2, "", "missing-unit-row")
    ]
    wrong_unit = _wide(
        [["指标", "正极材料年产能"], ["单位：GWh"], ["地区", "2024年"], ["枣庄市", 1]]
    )
    assert _codes(load_wide_sheet(wrong_unit, ref, LoadOptions())) == [
        ("产能表", 2, "A", "unit-mismatch")
    ]
    unknown = _wide([["指标", "锂电正极产能"], ["单位：万吨"], ["地区", "2024年"], ["枣庄市", 16]])
    assert _codes(load_wide_sheet(unknown, ref, LoadOptions())) == [
        ("产能表", 1, "B", "unknown-indicator")
    ]
    mapped = load_wide_sheet(
        unknown, ref, LoadOptions(mapping={"锂电正极产能": "cathode_capacity"})
    )
    assert mapped.issues == [] and mapped.rows[0]["value"] == 160_000
    # without an 指标 label the sheet is not a wide form, unless it is the template's 宽表
    bare = [["单位：万吨"], ["地区", "2024年"], ["枣庄市", 16]]
    assert not is_wide_form(_wide(bare)) and is_wide_form(_wide(bare, "宽表"))
    by_option = load_wide_sheet(
        _wide(bare, "宽表"), ref, LoadOptions(mapping={"宽表": "正极材料年产能"})
    )
    assert by_option.issues == [] and by_option.rows[0]["indicator_code"] == "cathode_capacity"


# ------------------------------------------------------------------ projects and members


def test_project_rows_with_problems(ref) -> None:
    headers = [
        "项目名称",
        "地区",
        "活动",
        "签约日期",
        "投资额",
        "单位",
        "限定",
        "产业领域",
        "阶段",
        "来源",
    ]
    sheet = Sheet(
        "Sheet1",
        [
            ["2024年签约项目清单"],
            headers,
            ["甲项目", "枣庄巿", "", "2024-08-25", 10, "亿元", "", "储能", "开工", SOURCE],
            ["乙项目", "枣庄市", "", "2024-13-01", 10, "亿元", "", "储能", "", SOURCE],
            ["丙项目", "枣庄市", "", "2024年8月25日", "十亿", "", "", "储能", "", SOURCE],
            ["丁项目", "枣庄市", "", 45529, 3000, "万元", "", "光伏", "", SOURCE],
            ["戊项目", "枣庄市", "", "20240825", "8", "亿吨", "", "", "投产", ""],
            ["", "枣庄市", "", "", 1, "亿元", "", "", "", SOURCE],
            ["己项目", "山东省", "", "", "", "", "", "", "", SOURCE],
            ["己项目", "山东省", "", "", "", "", "", "", "", SOURCE],
        ],
    )
    result = load_projects_sheet(sheet, ref, LoadOptions())
    assert _codes(result) == [
        ("Sheet1", 3, "B", "unknown-region"),
        ("Sheet1", 4, "D", "bad-date"),
        ("Sheet1", 5, "E", "bad-amount"),
        ("Sheet1", 6, "H", "bad-choice"),
        ("Sheet1", 7, "E", "bad-amount"),
        ("Sheet1", 7, "J", "missing-source"),
        ("Sheet1", 8, "A", "missing-value"),
        ("Sheet1", 10, "A", "duplicate-project"),
    ]
    assert result.issues[0].suggestions  # close region names are offered
    assert "钠离子电池" in result.issues[3].message_zh  # the choices are listed
    [project] = result.projects
    assert (project["name_zh"], project["region_code"], project["investment"]) == (
        "己项目",
        "370000",
        None,
    )
    assert parse_date(45529) == dt.date(2024, 8, 25)
    assert (
        parse_date("2024/8/25")
        == parse_date(dt.datetime(2024, 8, 25, 0, 0))
        == dt.date(2024, 8, 25)
    )
    with pytest.raises(DateError):
        parse_date("下个月")


def test_member_rows_with_problems(ref) -> None:
    sheet = Sheet(
        "成员",
        [
            ["联盟", "成员名称", "类型", "角色", "加入日期", "退出日期", "来源"],
            ["锂电产业联盟会", "甲公司", "企业", "", "", "", SOURCE],
            ["大储能生态创新联合体", "乙公司", "公司", "成员", "", "", SOURCE],
            ["大储能生态创新联合体", "丙大学", "高校", "牵头", "2024-11-28", "2024-01-01", SOURCE],
            [
                "large-energy-storage-ecosystem-consortium",
                "丁研究院",
                "科研院所",
                "",
                "",
                "",
                SOURCE,
            ],
            ["大储能生态创新联合体", "戊", "", "专家", "", "", SOURCE],
            ["大储能生态创新联合体", "丁研究院", "科研院所", "专家", "", "", SOURCE],
        ],
    )
    result = load_members_sheet(sheet, ref, LoadOptions())
    assert _codes(result) == [
        ("成员", 2, "A", "unknown-alliance"),
        ("成员", 3, "C", "bad-choice"),
        ("成员", 4, "F", "bad-date"),
        ("成员", 6, "C", "missing-value"),
        ("成员", 7, "B", "duplicate-member"),
    ]
    assert result.issues[0].suggestions
    [member] = result.members
    assert (member["alliance_code"], member["kind"], member["role"]) == (
        "large-energy-storage-ecosystem-consortium",
        "institute",
        "member",
    )


# ------------------------------------------------------------------ whole-workbook checks


def _long_book(tmp_path: Path, rows: list[list[object]], wide: list[object] | None) -> Path:
    wb = openpyxl.load_workbook(OUT)
    ws = wb["长表"]
    ws.delete_rows(2, 2)
    for row in rows:
        ws.append(row)
    if wide:
        wb["宽表"].append(wide)
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("value", "unit", "word"),
    [(16, "吨", "漏写了“万”"), (1_600_000_000, "吨", "多写了“万”"), (16, "万吨", None)],
)
def test_magnitude_jump_on_forgotten_wan(tmp_path: Path, ref, value, unit, word) -> None:
    assert ref.history[("370400", "cathode_capacity")][2024] == 160_000
    row = ["枣庄市", "正极材料年产能", "2024", value, unit, "", SOURCE]
    result = load_file(_long_book(tmp_path, [row], None), ref)
    assert result.errors == []
    jumps = [i for i in result.warnings if i.code == "magnitude-jump"]
    if word is None:
        assert jumps == []
        return
    [jump] = jumps
    assert jump.row == 2
    assert word in jump.message_zh and "160,000 t" in jump.message_zh
    assert f"{value:,} t" in jump.message_zh and "previous figure" in jump.message_en


def test_duplicate_across_sheets_names_both(tmp_path: Path, ref) -> None:
    row = ["枣庄市", "正极材料年产能", "2024", 17, "万吨", "", SOURCE]
    wide = ["枣庄市", None, None, None, None, 17, None, SOURCE]
    result = load_file(_long_book(tmp_path, [row], wide), ref)
    dups = [i for i in result.errors if i.code == "duplicate-row"]
    assert [(i.sheet, i.row, i.column) for i in dups] == [("宽表", 4, "F")]
    assert "宽表" in dups[0].message_zh and "第2行" in dups[0].message_zh

    # the check itself, with both rows placed
    def tidy(sheet: str, number: int) -> dict[str, object]:
        return {
            "entity_type": "region",
            "entity_code": "370400",
            "entity_name_zh": "枣庄市",
            "indicator_code": "anode_capacity",
            "period": "2030",
            "value": 1.0,
            "_sheet": sheet,
            "_row": number,
        }

    result = LoadResult(rows=[tidy("长表", 5), tidy("宽表", 9)])
    check_result(result, ref)
    [dup] = result.errors  # (2030 lies ahead: a future-period warning besides)
    assert dup.where() == ("宽表", 9, "", "duplicate-row")
    assert "“宽表”第9行" in dup.message_zh and "“长表”第5行" in dup.message_zh
    assert "sheet “长表” row 5" in dup.message_en


# ------------------------------------------------------------------ remembered header mappings


def test_layout_signature_is_stable() -> None:
    a = layout_signature(["地区", "2022年", "2023年", "备注"])
    assert a == layout_signature([" 地 区", "2023年", "2024年", "2025年", None, "备注"])
    assert a == layout_signature(["地区", "２０２３年", "备注"])
    assert a != layout_signature(["地区", "2023年", "附注"])
    assert len(a) == 64


def test_header_mapping_round_trip(engine) -> None:
    signature = layout_signature(["地区", "锂电正极产能（万吨）", "锂电负极产能（万吨）", "2024年"])
    assert remembered(engine, signature) == {}
    stored = remember(
        engine,
        signature,
        {"锂电正极产能（万吨）": "cathode_capacity", "锂电负极产能（万吨）": "no_such_code"},
    )
    assert stored == 1
    assert remembered(engine, signature) == {"锂电正极产能（万吨）": "cathode_capacity"}
    remember(engine, signature, {"锂电正极产能（万吨）": "anode_capacity"})  # mapped anew
    remember(engine, signature, {"锂电负极产能（万吨）": "anode_capacity"})
    assert remembered(engine, signature) == {
        "锂电正极产能（万吨）": "anode_capacity",
        "锂电负极产能（万吨）": "anode_capacity",
    }
    assert remembered(engine, layout_signature(["别的表头"])) == {}


# ------------------------------------------------------------------ committing entities


def test_commit_entities_writes_projects_organisations_and_memberships(
    engine, filled: Path, ref
) -> None:
    result = load_file(filled, ref)
    with Session(engine) as session:  # never committed: rolled back at the end
        revision = Revision(
            created_at=dt.datetime.now(dt.UTC),
            author="test",
            kind="import",
            file_name="filled.xlsx",
            file_sha256="e" * 64,
        )
        session.add(revision)
        session.flush()
        counts = commit_entities(session, revision.id, result)
        assert counts == {
            "projects_added": 1,
            "projects_changed": 0,
            "projects_unchanged": 0,
            "events_unmatched": 0,
            "organisations_added": 1,
            "memberships_added": 1,
            "memberships_changed": 0,
            "memberships_unchanged": 1,
        }
        project = session.scalars(
            select(SignedProject).where(SignedProject.name_zh == "年产10GWh钠离子电池项目")
        ).one()
        assert (
            project.region_code,
            project.event_code,
            project.signed_on,
            project.investment,
            project.qualifier,
            project.sector,
            project.stage,
            project.rev_from,
            project.rev_to,
        ) == (
            "370400",
            "2024-new-energy-battery-conference",
            dt.date(2024, 8, 25),
            5e9,
            "at_least",
            "sodium-ion",
            "signed",
            revision.id,
            None,
        )
        assert project.source_id is not None
        org = session.scalars(
            select(Organisation).where(Organisation.name_zh == "枣庄示范储能科技有限公司")
        ).one()
        membership = session.scalars(
            select(Membership).where(Membership.organisation_id == org.id)
        ).one()
        assert (org.kind, membership.alliance_code, membership.role, membership.joined) == (
            "enterprise",
            "zaozhuang-lithium-battery-industry-alliance",
            "member",
            dt.date(2024, 8, 25),
        )

        again = commit_entities(session, revision.id, result)
        assert again["projects_unchanged"] == 1 and again["memberships_unchanged"] == 2
        assert again["projects_added"] == again["organisations_added"] == 0

        result.projects[0] = {**result.projects[0], "stage": "construction", "event": "未知活动"}
        result.members[-1] = {**result.members[-1], "left": "2025-01-31"}
        changed = commit_entities(session, revision.id, result)
        assert (changed["projects_changed"], changed["events_unmatched"]) == (1, 1)
        assert changed["memberships_changed"] == 1
        # the membership is revisioned like a project: the old row closed, the new one live
        versions = session.scalars(
            select(Membership).where(Membership.organisation_id == org.id).order_by(Membership.id)
        ).all()
        assert [(v.left, v.rev_from, v.rev_to) for v in versions] == [
            (None, revision.id, revision.id),
            (dt.date(2025, 1, 31), revision.id, None),
        ]
        assert versions[1].joined == dt.date(2024, 8, 25) and versions[1].role == "member"
        rows = session.scalars(
            select(SignedProject)
            .where(SignedProject.name_zh == "年产10GWh钠离子电池项目")
            .order_by(SignedProject.id)
        ).all()
        assert [(p.stage, p.rev_to, p.event_code) for p in rows] == [
            ("signed", revision.id, "2024-new-energy-battery-conference"),
            ("construction", None, None),
        ]
        session.rollback()


def test_mappings_remembered_for_sheets_of_the_same_layout(engine) -> None:
    def table(year: int, column: str) -> Sheet:
        return Sheet(
            "Sheet1",
            [
                [f"{year}年锂电材料产能统计表"],
                ["单位：万吨"],
                ["地区", column, "负极材料年产能"],
                ["枣庄市", 16, 6],
            ],
        )

    this_year, next_year = table(2024, "锂电池正极材料产能"), table(2025, "锂电池正极材料产能")
    other = table(2024, "正极产能")
    assert sheet_headers(this_year) == [
        "2024年锂电材料产能统计表",
        "单位：万吨",
        "地区",
        "锂电池正极材料产能",
        "负极材料年产能",
    ]
    assert sheet_signature(this_year) == sheet_signature(next_year) != sheet_signature(other)
    mapping = {"锂电池正极材料产能": "cathode_capacity", "不在表中的表头": "anode_capacity"}
    assert remember_for(engine, [this_year], mapping) == 1
    assert mappings_for(engine, [next_year]) == {"锂电池正极材料产能": "cathode_capacity"}
    assert mappings_for(engine, [other]) == {}


def test_no_magnitude_jump_against_a_distant_year(tmp_path: Path, ref) -> None:
    """A young industry's figure of 2010 is no forgotten 万 next to its 2024 figure."""
    row = ["枣庄市", "正极材料年产能", "2010", 16, "吨", "", SOURCE]
    result = load_file(_long_book(tmp_path, [row], None), ref)
    assert not [i for i in result.warnings if i.code == "magnitude-jump"]
