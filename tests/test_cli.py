"""The command line other tools rely on, run as a user types it."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from store.queries import EXPORT_COLUMNS
from tests.conftest import ROOT, run_cli


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    url = os.environ.get("TEST_CLI_DATABASE_URL")
    folder = tmp_path_factory.mktemp("cli")
    return {
        "DATABASE_URL": url or f"sqlite:///{folder / 'cli.sqlite3'}",
        "INSTANCE_DIR": str(folder),
    }


def _read(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must carry a BOM for Excel"
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


def test_export_on_fresh_database_lists_every_seed_figure(cli_env, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    proc = run_cli("data", "export", "--out", str(out), env=cli_env)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    rows = _read(out)
    assert list(rows[0]) == EXPORT_COLUMNS
    exported = {
        (r["entity_type"], r["entity_code"], r["indicator_code"], r["period"]): r for r in rows
    }
    seeds = list(
        csv.DictReader((ROOT / "data/shipped/observations_seed.csv").open(encoding="utf-8"))
    )
    assert len(seeds) >= 40
    for s in seeds:
        got = exported[(s["entity_type"], s["entity_code"], s["indicator_code"], s["period"])]
        assert float(got["value"]) == pytest.approx(float(s["value"]))
        assert (got["qualifier"], got["value_as_written"], got["unit"]) == (
            s["qualifier"],
            s["value_as_written"],
            s["unit"],
        )
        assert got["source"]
    cathode = exported[("region", "370400", "cathode_capacity", "2024-08")]
    assert (cathode["value"], cathode["value_as_written"], cathode["entity_name_zh"]) == (
        "160000.0",
        "16万吨",
        "枣庄市",
    )
    assert (
        exported[
            ("event", "2024-new-energy-battery-conference", "signed_investment", "2024-08-25")
        ]["qualifier"]
        == "at_least"
    )


def test_export_bad_revision(cli_env, tmp_path: Path) -> None:
    proc = run_cli(
        "data", "export", "--out", str(tmp_path / "x.csv"), "--as-of", "999", env=cli_env
    )
    assert proc.returncode == 1 and "999" in proc.stderr and "Traceback" not in proc.stderr


def _template(path: Path, rows: list[list[str]]) -> Path:
    header = ["地区", "指标", "时期", "数值", "单位", "限定", "来源"]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


def test_check_good_bad_and_unreadable(cli_env, tmp_path: Path) -> None:
    good = _template(
        tmp_path / "good.csv", [["枣庄市", "电芯年产能", "2025年", "40", "GWh", "", "测试"]]
    )
    out, issues = tmp_path / "tidy.csv", tmp_path / "issues.csv"
    proc = run_cli(
        "data", "check", str(good), "--out", str(out), "--issues", str(issues), env=cli_env
    )
    assert proc.returncode == 0, proc.stderr
    tidy = _read(out)
    assert list(tidy[0]) == EXPORT_COLUMNS
    assert (
        tidy[0]["entity_code"],
        tidy[0]["indicator_code"],
        tidy[0]["period"],
        tidy[0]["value"],
    ) == ("370400", "cell_capacity", "2025", "40.0")

    bad = _template(
        tmp_path / "bad.csv",
        [
            ["枣庄巿", "电芯年产能", "2025", "40", "GWh", "", ""],
            ["枣庄市", "电芯产能X", "2025", "40", "GWh", "", ""],
            ["枣庄市", "电芯年产能", "2025", "四十几", "GWh", "", ""],
        ],
    )
    proc = run_cli("data", "check", str(bad), "--issues", str(issues), env=cli_env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    found = {(r["row"], r["column"], r["code"]) for r in _read(issues)}
    assert found == {
        ("2", "A", "unknown-region"),
        ("3", "B", "unknown-indicator"),
        ("4", "D", "not-a-number"),
    }

    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"this is not a workbook")
    proc = run_cli("data", "check", str(junk), env=cli_env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "无法读取文件" in proc.stderr


def test_import_commits_one_revision_or_nothing(cli_env, tmp_path: Path) -> None:
    bad = _template(tmp_path / "bad.csv", [["枣庄市", "电芯年产能", "2026", "x", "GWh", "", ""]])
    proc = run_cli("data", "import", str(bad), env=cli_env)
    assert proc.returncode == 1 and "未写入任何数据" in proc.stderr
    good = _template(
        tmp_path / "good.csv", [["枣庄", "电芯年产能", "2026", "50", "GWh", "", "测试"]]
    )
    proc = run_cli("data", "import", str(good), env=cli_env)
    assert proc.returncode == 0, proc.stderr
    assert "已提交修订 2" in proc.stdout
    import sqlite3

    with sqlite3.connect(cli_env["DATABASE_URL"].removeprefix("sqlite:///")) as conn:
        audited = conn.execute("SELECT user_name FROM audit_event WHERE action = 'commit'")
        assert [r[0] for r in audited] == ["cli"]
    out = tmp_path / "after.csv"
    run_cli("data", "export", "--out", str(out), env=cli_env)
    assert any(r["period"] == "2026" and r["indicator_code"] == "cell_capacity" for r in _read(out))
    before = tmp_path / "before.csv"
    run_cli("data", "export", "--out", str(before), "--as-of", "1", env=cli_env)
    assert not any(
        r["period"] == "2026" and r["indicator_code"] == "cell_capacity" for r in _read(before)
    )


def test_users_create(cli_env) -> None:
    env = {**cli_env, "NEW_USER_PASSWORD": "s3cret-pass"}
    proc = run_cli("users", "create", "alice", "--role", "editor", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "alice" in proc.stdout
    again = run_cli("users", "create", "alice", "--role", "editor", env=env)
    assert again.returncode == 1 and "已存在" in again.stderr
    import sqlite3

    db = cli_env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:
        actions = {r[0] for r in conn.execute("SELECT action FROM audit_event")}
    assert "user_create" in actions  # command-line changes are audited too


def _government_book(path: Path, value: float) -> Path:
    """A bureau's own table: title row, unit row, a header no indicator is called."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "产能"
    ws.append(["枣庄市电池产业情况（2027年）"])
    ws.append(["单位：GWh"])
    ws.append(["地区", "动力电池电芯产能"])
    ws.append(["枣庄市", value])
    wb.save(path)
    return path


def test_mapping_is_remembered_for_the_next_workbook_of_that_layout(cli_env, tmp_path) -> None:
    first = _government_book(tmp_path / "2027.xlsx", 41)
    proc = run_cli("data", "check", str(first), env=cli_env)
    assert proc.returncode == 1 and "unknown-indicator" in proc.stderr
    proc = run_cli(
        "data", "import", str(first), "--map", "动力电池电芯产能=cell_capacity", env=cli_env
    )
    assert proc.returncode == 0, proc.stderr
    second = _government_book(tmp_path / "2027b.xlsx", 42)
    proc = run_cli("data", "check", str(second), "--issues", str(tmp_path / "i.csv"), env=cli_env)
    assert proc.returncode == 0, proc.stderr
    assert "unknown-indicator" not in proc.stderr


def test_import_template_with_projects_and_members(cli_env, tmp_path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(ROOT / "data" / "template.xlsx")
    ws = wb["签约项目"]
    header = [c.value for c in ws[1]]
    row = dict.fromkeys(header, None) | {
        "项目名称": "测试钠离子电池项目",
        "地区": "枣庄市",
        "活动": "2024新能源电池产业发展大会",
        "签约日期": "2024-08-25",
        "投资额": 12,
        "单位": "亿元",
        "产业领域": "钠离子电池",
        "阶段": "签约",
        "来源": "测试",
    }
    ws.append([row[h] for h in header])
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    proc = run_cli("data", "import", str(path), env=cli_env)
    assert proc.returncode == 0, proc.stderr
    assert "签约项目：新增 1" in proc.stdout, proc.stdout


def test_issue_rows_are_whole_numbers(cli_env, tmp_path) -> None:
    bad = _template(tmp_path / "bad.csv", [["枣庄巿", "电芯年产能", "2025", "40", "GWh", "", ""]])
    issues = tmp_path / "issues.csv"
    run_cli("data", "check", str(bad), "--issues", str(issues), env=cli_env)
    assert _read(issues)[0]["row"] == "2"
