"""数据管理: kept uploads, the preview, the page's callbacks refusing guests and viewers, a
stale commit, and the staff journey in a browser (template → upload → preview → commit)."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from loaders.result import LoadResult
from store import queries
from store.preview import preview
from store.revisions import commit_rows
from store.uploads import (
    UploadError,
    check_size,
    clean_name,
    decode_contents,
    path_for,
    read_meta,
    request_limit,
    save_upload,
)
from tests.authsite import Site, render, start_site
from tests.datasite import (
    MAP_STATE,
    check_as,
    compare_shows,
    csv_bytes,
    data_url,
    filled_template,
    mapped,
    output,
    post,
    prepared_of,
    run_check,
    session_of,
    shot,
    sign_in,
    snapshot,
    text,
    ticket_of,
    upload_as,
    uploads,
    xlsx_bytes,
)

BEIJING = "110000"  # the preview tests' region: no other test writes figures for it


# --- store/uploads.py ----------------------------------------------------------------------


def test_save_upload_is_content_addressed_and_never_uses_the_name(tmp_path: Path) -> None:
    raw = csv_bytes(["北京市", "电芯年产能", "2036", 1, "GWh", "", "t"])
    sha, path = save_upload(tmp_path, raw, "../../etc/产能.csv", user="ed")
    assert sha == hashlib.sha256(raw).hexdigest()
    assert path == tmp_path / "uploads" / f"{sha}.csv" and path.read_bytes() == raw
    again, same = save_upload(tmp_path, raw, "copy\x00.xlsx")
    assert (again, same) == (sha, path)
    assert path_for(tmp_path, sha) == path
    names = [n["name"] for n in read_meta(tmp_path, sha)["names"]]
    assert names == ["产能.csv", "copy.xlsx"]
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == [f"{sha}.csv", f"{sha}.json"]
    xlsx = b"PK\x03\x04" + b"\x00" * 40
    assert save_upload(tmp_path, xlsx, "a.csv")[1].suffix == ".xlsx"  # by content, not by name
    for bad in ("../" + sha, sha.upper(), "", "x" * 64):
        assert path_for(tmp_path, bad) is None and read_meta(tmp_path, bad) is None
    assert clean_name("C:\\Users\\王\\数据.xlsx") == "数据.xlsx" and clean_name(None) == "upload"


def test_size_limits_in_bytes_base64_and_settings(tmp_path: Path) -> None:
    from settings import load_settings

    limit = 1000
    check_size(limit, limit)
    with pytest.raises(UploadError) as too_big:
        check_size(limit + 1, limit)
    assert too_big.value.key == "data.too_big"
    with pytest.raises(UploadError):
        save_upload(tmp_path, b"x" * (limit + 1), "big.csv", max_bytes=limit)
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())
    assert decode_contents(data_url(b"a,b\n1,2\n"), limit) == b"a,b\n1,2\n"
    with pytest.raises(UploadError) as refused:  # refused before decoding
        decode_contents(data_url(b"y" * (limit + 10)), limit)
    assert refused.value.key == "data.too_big"
    for bad in ("nonsense", "data:text/csv;base64,@@@", "data:text/csv,plain"):
        with pytest.raises(UploadError):
            decode_contents(bad, limit)
    assert request_limit(20 * 2**20) >= 1.37 * 20 * 2**20
    assert load_settings({}).max_upload_bytes == 20 * 2**20
    assert load_settings({"MAX_UPLOAD_MB": "5"}).max_upload_bytes == 5 * 2**20
    assert load_settings({"MAX_UPLOAD_MB": "lots"}).max_upload_bytes == 20 * 2**20


def test_issues_export_neutralises_formulas() -> None:
    import openpyxl

    from exports.xlsx import render_xlsx

    frame = pd.DataFrame({"说明": ['=HYPERLINK("http://x")', "@SUM(A1)", "-1", "正常"]})
    frame["行"] = pd.array([3, None, 5, 6], dtype="Int64")
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(frame, "问题"))).active
    assert sheet.title == "问题"
    assert [c.value for c in sheet["A"]] == [
        "说明", "'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "'-1", "正常"
    ]  # fmt: skip
    assert [c.value for c in sheet["B"]] == ["行", 3, None, 5, 6]


# --- store/preview.py ----------------------------------------------------------------------


def _row(indicator: str, value: float, qualifier: str = "exact", **extra: object) -> dict:
    return {
        "entity_type": "region",
        "entity_code": BEIJING,
        "entity_name_zh": "北京市",
        "entity_name_en": "Beijing",
        "indicator_code": indicator,
        "period": "2036",
        "value": value,
        "unit": "GWh" if indicator == "cell_capacity" else "t",
        "qualifier": qualifier,
        "value_as_written": str(value),
        "source": "预览测试",
        "_row": 2,
        **extra,
    }


def test_preview_counts_added_changed_unchanged_against_the_database(engine) -> None:
    commit_rows(
        engine,
        [_row("cell_capacity", 32), _row("cathode_capacity", 50000), _row("anode_capacity", 10)],
        author="test",
        file_name="base.csv",
        sha256="e" * 64,
    )
    before = len(queries.export_frame(engine))
    result = LoadResult(
        rows=[
            _row("cell_capacity", 40),  # changed value
            _row("cathode_capacity", 50000),  # unchanged
            _row("anode_capacity", 10, "at_least"),  # changed qualifier
            _row("electrolyte_capacity", 7000),  # added
        ]
    )
    pv = preview(engine, result, "zh")
    assert pv.counts == {"added": 1, "changed": 2, "unchanged": 1, "removed": 0}
    assert pv.changes == 3
    cell = pv.frame.set_index("indicator_code").loc["cell_capacity"]
    assert (cell["status"], cell["old_display"], cell["new_display"]) == (
        "changed",
        "32GWh",
        "40GWh",
    )
    assert (cell["region"], cell["period"]) == ("北京市", "2036")
    anode = pv.frame.set_index("indicator_code").loc["anode_capacity"]
    assert (anode["old_qualifier"], anode["new_qualifier"]) == ("exact", "at_least")
    added = pv.frame.set_index("indicator_code").loc["electrolyte_capacity"]
    assert pd.isna(added["old_value"]) and added["old_display"] == ""
    assert pv.summary[["indicator_code", "added", "changed", "unchanged"]].values.tolist() == [
        ["cell_capacity", 0, 1, 0],
        ["cathode_capacity", 0, 0, 1],
        ["anode_capacity", 0, 1, 0],
        ["electrolyte_capacity", 1, 0, 0],
    ]
    assert preview(engine, result, "en").frame["region"].iloc[0] == "Beijing"
    assert len(queries.export_frame(engine)) == before  # a preview writes nothing
    empty = preview(engine, LoadResult(), "zh")
    assert empty.frame.empty and empty.counts["added"] == 0


# --- the served page ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    served = start_site(tmp_path_factory.mktemp("data"), view_requires_login=False)
    yield served
    served.stop()


def test_page_is_for_editors_only(site: Site) -> None:
    for name in (None, "vic"):
        page = render(site, session_of(site, name), "/data")
        assert "data-denied" in page and "data-upload" not in page and "/login" in page
        assert "nav-data" not in page
    page = render(site, session_of(site, "ed"), "/data", "?lang=en")
    assert "data-upload" in page and "nav-data" in page and "Data management" in page


def test_crafted_posts_from_guests_and_viewers_change_nothing(site: Site, tmp_path: Path) -> None:
    editor = session_of(site, "ed")
    raw = csv_bytes(["北京市", "电芯年产能", "2037", 99, "GWh", "", "伪造"])
    prepared = check_as(site, editor, raw, "real.csv")  # a real check, waiting for a commit
    intruders = {"guest": session_of(site, None), "viewer": session_of(site, "vic")}
    real_upload = {"sha256": prepared["sha256"], "file_name": "real.csv"}
    forged = {
        "data-upload.contents": {
            "data-upload.contents": data_url(csv_bytes(["北京市", "电芯年产能", "2038", 1, "GWh"])),
            "data-upload.filename": "sneak.csv",
        },
        "data-check.n_clicks": {"data-check.n_clicks": 1, "data-file.data": real_upload},
        "data-file.data": {"data-file.data": real_upload},
        "data-ticket.data": {"data-ticket.data": "eyJ1c2VyIjoiZWQifQ.forged.signature"},
        "data-commit.n_clicks": {"data-commit.n_clicks": 1, "data-prepared.data": prepared},
    }
    for trigger, values in forged.items():
        before, files = snapshot(site, tmp_path), uploads(site)
        for who, session in intruders.items():
            answer = post(site, session, trigger, {**values, "page-lang.data": "en"})
            assert "data-refused" in text(answer), (trigger, who, text(answer)[:300])
            assert output(answer, "data-ticket", "data") is None, (trigger, who)
            assert output(answer, "data-prepared", "data") is None, (trigger, who)
        assert snapshot(site, tmp_path) == before, trigger
        assert uploads(site) == files, trigger
    audit = site.db(
        "SELECT user_name, action FROM audit_event WHERE action IN ('upload', 'commit')"
    )
    assert {u for u, _ in audit} == {"ed"}
    for who, session in intruders.items():  # the downloads are refused too
        answer = post(site, session, "data-template-button.n_clicks", {})
        assert "data-refused" in text(answer) and "template" not in text(answer), who


def test_a_commit_after_someone_elses_is_refused_and_previewed_again(
    site: Site, tmp_path: Path
) -> None:
    first, second = session_of(site, "ed"), session_of(site, "boss")
    mine = csv_bytes(["北京市", "电芯年产能", "2039", 12, "GWh", "", "甲"])
    theirs = csv_bytes(["北京市", "电芯年产能", "2040", 13, "GWh", "", "乙"])
    prepared = check_as(site, first, mine, "mine.csv")
    other = check_as(site, second, theirs, "theirs.csv")
    done = post(site, second, "data-commit.n_clicks", {"data-prepared.data": other})
    assert "data-committed" in text(done), text(done)[:500]
    before = snapshot(site, tmp_path)
    stale = post(site, first, "data-commit.n_clicks", {"data-prepared.data": prepared})
    message = text(stale)
    latest = before[0][-1][0]
    assert "data-stale" in message and f"修订 {latest} 已在您预览" in message
    assert snapshot(site, tmp_path) == before  # nothing written
    fresh = prepared_of(run_check(site, first, output(stale, "data-ticket", "data")))
    assert fresh["base"] == latest and fresh["sha256"] == prepared["sha256"]
    ok = post(site, first, "data-commit.n_clicks", {"data-prepared.data": fresh})
    assert f"已提交为修订 {latest + 1}" in text(ok)
    rows = site.db("SELECT author, file_name, file_sha256 FROM revision WHERE id = ?", latest + 1)
    assert rows == [("ed", "mine.csv", prepared["sha256"])]
    assert (site.instance / "uploads" / f"{prepared['sha256']}.csv").read_bytes() == mine
    commits = [json.loads(d) for u, d, _ in site.audit("commit") if u == "ed"]
    assert {"revision": latest + 1, "file_name": "mine.csv"}.items() <= commits[-1].items()


def test_an_unknown_header_is_mapped_checked_again_and_remembered(site: Site) -> None:
    editor = session_of(site, "ed")
    raw = xlsx_bytes(["北京市", "锂电芯产能XYZ", "2042", 3, "GWh", None, "映射"])
    upload = upload_as(site, editor, raw, "map.xlsx")
    first = run_check(
        site, editor, ticket_of(site, editor, "data-file.data", {"data-file.data": upload})
    )
    assert output(first, "data-map-headers", "data") == ["锂电芯产能XYZ"]
    assert output(first, "data-commit", "disabled") is True and "unknown-indicator" in text(first)
    values = {
        "data-file.data": upload,
        "data-map-headers.data": ["锂电芯产能XYZ"],
        MAP_STATE: mapped(["cell_capacity"]),
    }
    again = run_check(site, editor, ticket_of(site, editor, "data-check.n_clicks", values))
    assert output(again, "data-commit", "disabled") is False, text(again)[:600]
    assert "新增 1" in text(again) and "unknown-indicator" not in text(again)
    done = post(site, editor, "data-commit.n_clicks", {"data-prepared.data": prepared_of(again)})
    assert "data-committed" in text(done)
    mappings = site.db("SELECT header_text, indicator_code FROM header_mapping")
    assert ("锂电芯产能XYZ", "cell_capacity") in mappings
    # next month's file of the same layout needs no mapping
    later = xlsx_bytes(["北京市", "锂电芯产能XYZ", "2043", 4.5, "GWh", None, "下月"])
    later = upload_as(site, editor, later, "next.xlsx")
    answer = run_check(
        site, editor, ticket_of(site, editor, "data-file.data", {"data-file.data": later})
    )
    assert output(answer, "data-commit", "disabled") is False, text(answer)[:600]


def test_the_server_refuses_a_file_over_the_limit(site: Site, tmp_path: Path) -> None:
    import requests

    editor = session_of(site, "ed")
    before, files = snapshot(site, tmp_path), uploads(site)
    values = {
        "data-upload.contents": data_url(b"a," * (10 * 2**20 + 1)),  # 20 MB + 2 bytes
        "data-upload.filename": "big.csv",
    }
    answer = post(site, editor, "data-upload.contents", values)
    assert "文件太大" in text(answer) and output(answer, "data-file", "data") is None
    try:  # a body over Flask's MAX_CONTENT_LENGTH is refused before it is read
        body = b'{"output": "' + b"x" * (31 * 2**20) + b'"}'
        headers = {"Content-Type": "application/json"}
        huge = editor.post(site.url + "/_dash-update-component", data=body, headers=headers)
        assert huge.status_code == 413
    except requests.ConnectionError:
        pass  # the server may close the connection before the client has sent everything
    assert uploads(site) == files and snapshot(site, tmp_path) == before


# --- in a browser --------------------------------------------------------------------------


@pytest.mark.browser
def test_staff_journey_template_upload_preview_commit_rollback(
    site: Site, browser, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    context, page = sign_in(browser, site, "ed", "/data", viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.locator("#nav-data").wait_for(timeout=30000)
    filled = filled_template(page, tmp_path)
    page.locator("#data-upload input[type=file]").set_input_files(str(filled))
    changed = page.locator("#data-count-changed")
    changed.wait_for(timeout=60000)
    assert changed.inner_text() == "修改 1"
    assert page.locator("#data-count-added").inner_text() == "新增 0"
    assert page.locator("#data-count-removed").inner_text() == "删除 0"
    grid = page.locator("#data-preview-grid")
    grid.get_by_text("40GWh").wait_for(timeout=30000)
    row = grid.locator(".ag-row", has_text="40GWh").first
    assert "32GWh" in row.inner_text() and "修改" in row.inner_text()
    shot(page, "data-preview")
    page.locator("#data-commit:not([disabled])").click()
    done = page.locator("#data-committed")
    done.wait_for(timeout=30000)
    revision = int(site.db("SELECT max(id) FROM revision")[0][0])
    assert f"已提交为修订 {revision}" in done.inner_text()
    shot(page, "data-committed")
    page.locator("#data-see-figure").click()
    page.wait_for_url("**/compare?indicator=cell_capacity&regions=370400")
    compare_shows(page, site, "40GWh")
    assert not errors, errors
    context.close()

    # an administrator rolls back to the revision before the commit: 32 GWh again
    context, page = sign_in(browser, site, "boss", "/history")
    button = page.locator(f".history-rollback-{revision - 1}")
    button.wait_for(timeout=30000)
    button.click()
    page.locator("#history-rollback-confirm").click()
    page.locator("#history-done").wait_for(timeout=30000)
    compare_shows(page, site, "32GWh")
    context.close()


@pytest.mark.browser
def test_data_page_on_a_phone_has_no_horizontal_scroll(site: Site, browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    context, page = sign_in(
        browser,
        site,
        "ed",
        "/data",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page.locator("#data-upload").wait_for(timeout=30000)
    big = tmp_path / "big.csv"
    big.write_bytes(b"a," * (10 * 2**20 + 1))
    page.locator("#data-upload input[type=file]").set_input_files(str(big))
    page.locator("#data-too-big").wait_for(state="visible", timeout=10000)
    assert "最大允许 20 MB" in page.locator("#data-too-big").inner_text()
    shot(page, "data-phone-too-big")
    upload = tmp_path / "phone.csv"
    upload.write_bytes(csv_bytes(["北京市", "电芯年产能", "2041", 5, "GWh", "", "手机"], ["x"]))
    page.locator("#data-upload input[type=file]").set_input_files(str(upload))
    page.locator("#data-issues-grid").wait_for(timeout=60000)
    assert page.locator("#data-too-big").is_hidden()
    page.wait_for_timeout(500)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    shot(page, "data-phone")
    assert width <= 392, width
    with page.expect_download() as download:
        page.locator("#data-issues-download-button").click()
    book = io.BytesIO(Path(download.value.path()).read_bytes())
    import openpyxl

    sheet = openpyxl.load_workbook(book).active
    assert [c.value for c in sheet[1]][:3] == ["级别", "代码", "工作表"] and sheet.max_row >= 2
    context.close()
