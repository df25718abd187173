"""Every file of tests/fixtures/hostile/ sent through the 数据管理 page's own path.

For each file, the functions the page's callbacks call, in their order: ``receive_upload``
(``decode_contents`` → ``save_upload``), ``check_upload`` (``prepare`` → ``preview`` →
``save_prepared`` → ``create_checked``) and ``commit`` (``load_prepared``; refused unless
``can_commit``, else ``commit_rows``). For each: no exception escapes; the editor reads a
message in Chinese and in English, without library internals, with any markup from the file
as plain text; and the database is the same afterwards (a hash of ``data export`` and the
row count of every table). A file that only draws a warning (a year still to come) is one an
editor may commit: it is committed, then rolled back, and the export is the same again.

Through a real page in Chromium (a refused file, script tags shown as text and never run):
tests/test_security.py.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select, table

from cli import write_csv
from components.data_result import create_checked
from i18n import t
from loaders import FileRejected
from store import queries
from store.prepared import load_prepared, prepare, save_prepared
from store.preview import preview
from store.revisions import commit_rows
from store.rollback import rollback_to
from store.uploads import UploadError, clean_name, decode_contents, save_upload

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
FILES = sorted(p.name for p in HOSTILE.iterdir())
MAX_BYTES = 20 * 1024 * 1024
CJK = re.compile(r"[\u4e00-\u9fff]")
INTERNALS = re.compile(r"Traceback|File \"|line \d+, in|\b[A-Z][A-Za-z]+(?:Error|Exception)\b")
SCRIPT = "<script>"

#: what each file yields: the refusal's code (file level), the upload's catalogue key, or the
#: issue code among the check's errors ("w:" a warning, and nothing worse)
EXPECTED = {
    "absurd-capacity.csv": "implausible-value",
    "absurd-capacity.xlsx": "implausible-value",
    "bad-bytes.csv": "bad-encoding",
    "dimensions-bomb.xls": "too-many-rows",
    "docx-named.xlsx": "not-a-spreadsheet",
    "duplicate-rows.csv": "duplicate-row",
    "duplicate-rows.xlsx": "duplicate-row",
    "empty-workbook.xlsx": "empty-file",
    "empty.xlsx": "data.empty_file",
    "encrypted-zip.xlsx": "encrypted-file",
    "encrypted.xls": "encrypted-file",
    "encrypted.xlsx": "encrypted-file",
    "external-link.xlsx": "unknown-layout",
    "far-cell.xls": "too-many-cells",
    "far-cell.xlsx": "too-many-rows",
    "far-column.xlsx": "too-many-cells",
    "formula-cached.xlsx": "unknown-layout",
    "formula-cells.csv": "unknown-region",
    "formula-cells.xlsx": "unknown-region",
    "formula-no-value.xlsx": "unknown-layout",
    "formula-text.csv": "formula-text",
    "formula-text.xlsx": "formula-text",
    "future-year.csv": "w:future-period",
    "future-year.xlsx": "w:future-period",
    "good-gbk.csv": "not-a-number",
    "good-utf8-sig.csv": "not-a-number",
    "good-utf8.csv": "not-a-number",
    "good.xls": "unknown-layout",
    "good.xlsx": "unknown-layout",
    "header-only.csv": "empty-file",
    "html-named.xls": "not-a-spreadsheet",
    "long-indicator.csv": "unknown-indicator",
    "long-indicator.xlsx": "unknown-indicator",
    "long-region.csv": "unknown-region",
    "long-region.xlsx": "unknown-region",
    "long-source.csv": "text-too-long",
    "long-source.xlsx": "text-too-long",
    "lowercase-ref.xlsx": "too-many-cells",
    "macro-declared.xlsx": "macro-enabled",
    "macro-renamed.xlsx": "macro-enabled",
    "macro-sheet.xls": "macro-enabled",
    "macro-sheet.xlsx": "macro-enabled",
    "macro.xls": "macro-enabled",
    "macro.xlsm": "macro-enabled",
    "many-sheets.xlsx": "unknown-layout",
    "merged-header.xls": "unknown-indicator",
    "merged-header.xlsx": "unknown-indicator",
    "negative-capacity.csv": "negative-value",
    "negative-capacity.xlsx": "negative-value",
    "pdf-named.xlsx": "not-a-spreadsheet",
    "png-named.xlsx": "not-a-spreadsheet",
    "positional-cells.xlsx": "too-many-cells",
    "prefixed-cell.xlsx": "too-many-cells",
    "random.xlsx": "not-a-spreadsheet",
    "really-xls.xlsx": "unknown-layout",
    "really-xlsx.xls": "unknown-layout",
    "repeated-part.xlsx": "corrupt-file",
    "script-indicator.csv": "unknown-indicator",
    "script-indicator.xlsx": "unknown-indicator",
    "script-region.csv": "unknown-region",
    "script-region.xlsx": "unknown-region",
    "script-sheet-name.xlsx": "unknown-region",
    "script-source.csv": "markup-in-text",
    "script-source.xlsx": "markup-in-text",
    "sst-bomb.xls": "corrupt-file",
    "text-named.xlsx": "not-a-spreadsheet",
    "truncated.xlsx": "corrupt-file",
    "tsv-named.xls": "not-a-number",
    "utf16.csv": "bad-encoding",
    "word-named.xls": "not-a-spreadsheet",
    "wrong-unit.csv": "not-a-number",
    "wrong-unit.xlsx": "not-a-number",
    "xml-billion-laughs.xlsx": "xml-entity",
    "xml-doctype-late.xlsx": "xml-entity",
    "xml-external-entity.xlsx": "xml-entity",
    "xml-utf16.xlsx": "corrupt-file",
    "zip-bomb-declared.xlsx": "zip-bomb",
    "zip-bomb-ratio.xlsx": "zip-bomb",
    "zip-bomb-total.xlsx": "zip-bomb",
}


def data_url(raw: bytes) -> str:
    return f"data:application/octet-stream;base64,{base64.b64encode(raw).decode()}"


def state(engine: Engine, folder: Path) -> tuple[str, dict[str, int]]:
    """The database as others see it: a hash of ``data export`` (the command's own query and
    writer) and the row count of every table."""
    out = folder / "export.csv"
    write_csv(queries.export_frame(engine), out)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    with engine.connect() as conn:
        counts = {
            name: conn.scalar(select(func.count()).select_from(table(name)))
            for name in sorted(inspect(conn).get_table_names())
        }
    return digest, counts


def texts(component: object) -> Iterator[str]:
    """Every string a Dash layout puts in front of the user: children and grid cells.

    Fails on anything that would render text as markup: Markdown or an iframe document, a
    grid allowed to run code or render HTML."""
    if isinstance(component, str):
        yield component
        return
    if isinstance(component, list | tuple):
        for item in component:
            yield from texts(item)
        return
    if not hasattr(component, "to_plotly_json"):
        return
    kind = type(component).__name__
    props = component.to_plotly_json()["props"]
    assert kind not in {"Markdown", "Iframe", "Script"}, kind
    assert not props.get("dangerously_allow_html") and not props.get("dangerously_allow_code")
    if kind == "AgGrid":
        for column in props.get("columnDefs") or []:
            assert "cellRenderer" not in column or column["cellRenderer"] != "markdown", column
        for row in props.get("rowData") or []:
            yield from (str(v) for v in row.values() if v is not None)
    for key in ("children", "title", "label"):
        if key in props:
            yield from texts(props[key])


def assert_words(zh: str, en: str) -> None:
    """A message in each language, in words a person can act on, no library internals."""
    assert zh.strip() and en.strip()
    assert CJK.search(zh), zh[:300]
    for text in (zh, en):
        assert not INTERNALS.search(text), text[:500]


class Upload:
    """One file through the page's path; what the editor read, in each language."""

    def __init__(self, engine: Engine, instance: Path, name: str) -> None:
        self.engine, self.instance = engine, instance
        self.name = clean_name(name)
        self.messages: dict[str, list[str]] = {"zh": [], "en": []}
        self.code: str | None = None
        self.prepared = None
        self.committed: int | None = None
        self.counts: dict[str, int] = {}

    def say(self, key: str, **params: object) -> None:
        for lang in ("zh", "en"):
            self.messages[lang].append(t(key, lang, **params))

    def run(self, raw: bytes) -> None:
        try:  # receive_upload
            kept = decode_contents(data_url(raw), MAX_BYTES)
            sha256, _ = save_upload(self.instance, kept, self.name, max_bytes=MAX_BYTES)
        except UploadError as error:
            self.code = error.key
            self.say(error.key, **error.params)
            return
        try:  # check_upload
            prepared = prepare(self.engine, self.instance, sha256, self.name, max_bytes=MAX_BYTES)
        except FileRejected as error:
            self.code = error.code
            self.messages["zh"].append(error.reason_zh)
            self.messages["en"].append(error.reason_en)
            return
        save_prepared(self.instance, prepared)
        for lang in ("zh", "en"):
            pv = preview(self.engine, prepared.result, lang)
            self.counts = pv.counts
            shown = create_checked(prepared, pv, lang, queries.indicators(self.engine))
            self.messages[lang] += [*texts(shown[0]), *texts(shown[1])]  # + mapping editor
        stored = shown[3]
        self.commit(stored)

    def commit(self, stored: dict) -> None:
        """The commit callback: only what was checked, only when it can be committed."""
        prepared = load_prepared(self.instance, stored["sha256"], stored["base"], stored["key"])
        assert prepared is not None
        self.prepared = prepared
        if not prepared.can_commit:
            self.say("data.fix_errors")
            return
        summary = commit_rows(
            self.engine,
            prepared.result.rows,
            author="hostile-test",
            file_name=prepared.file_name,
            sha256=prepared.sha256,
            base_revision=prepared.base_revision,
            entities=prepared.result,
        )
        self.committed = summary.revision


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile-instance")


_BEFORE: dict[str, tuple[str, dict[str, int]]] = {}


def state_before(engine: Engine, folder: Path) -> tuple[str, dict[str, int]]:
    """The state the previous file left (the same as before it, or the test failed): computed
    once per database, so that each file costs one export, not two."""
    key = engine.url.render_as_string()
    if key not in _BEFORE:
        _BEFORE[key] = state(engine, folder)
    return _BEFORE[key]


def test_the_suite_holds_at_least_30_hostile_files() -> None:
    assert len(FILES) >= 30
    assert set(FILES) == set(EXPECTED), "every fixture has an expected code, and only those"


@pytest.mark.parametrize("name", FILES)
def test_hostile_file_through_the_upload_path(
    engine: Engine, instance: Path, tmp_path: Path, name: str
) -> None:
    before = state_before(engine, tmp_path)
    raw = (HOSTILE / name).read_bytes()
    upload = Upload(engine, instance, name)
    upload.run(raw)  # no exception escapes

    expected = EXPECTED[name]
    warning_only = expected.startswith("w:")
    code = expected.removeprefix("w:")
    result = upload.prepared.result if upload.prepared is not None else None
    if result is None:
        assert upload.code == code
    elif warning_only:
        assert not result.errors and code in {i.code for i in result.warnings}
    else:
        assert code in {i.code for i in result.errors}, [i.code for i in result.issues]
    if result is not None:  # every issue located, in both languages
        for issue in result.issues:
            assert_words(issue.message_zh, issue.message_en)
            assert len(issue.message_zh) < 1000 and len(issue.message_en) < 1200
    zh, en = "\n".join(upload.messages["zh"]), "\n".join(upload.messages["en"])
    assert_words(zh, en)
    if name.startswith("script-"):
        # the markup is shown, as text: the editor sees what was found
        assert SCRIPT in zh and SCRIPT in en

    if upload.committed is None:
        assert state(engine, tmp_path) == before
        return
    _BEFORE.pop(engine.url.render_as_string())  # the revision table grows by two
    # a warning does not stop an editor: the commit adds exactly the previewed figures, and a
    # rollback (an admin's) leaves the export as it was
    assert warning_only and t("data.severity.warning", "zh") in zh
    digest, counts = state(engine, tmp_path)
    assert digest != before[0] and counts["revision"] == before[1]["revision"] + 1
    new_rows = upload.counts["added"] + upload.counts["changed"]
    assert new_rows and counts["observation"] == before[1]["observation"] + new_rows
    rollback_to(engine, upload.prepared.base_revision, author="hostile-test")
    assert state(engine, tmp_path)[0] == before[0]


def test_any_file_dropped_on_the_page_reaches_the_server_and_is_told_why(
    engine: Engine, instance: Path
) -> None:
    """The upload box takes every file (no ``accept`` filter, which drops a PDF silently in
    the browser): what is not a table is said so, by its content, whatever its name."""
    from dash import html

    from components.data_view import create_form
    from tests.viewkit import by_id

    box = by_id(html.Div(create_form("zh", [], 2**20)), "data-upload")
    assert getattr(box, "accept", None) is None
    for name in ("report.pdf", "notes.docx"):
        fixture = {"report.pdf": "pdf-named.xlsx", "notes.docx": "docx-named.xlsx"}[name]
        upload = Upload(engine, instance, name)
        upload.run((HOSTILE / fixture).read_bytes())
        assert upload.code == "not-a-spreadsheet", name
        assert "不是可以读取的表格" in "\n".join(upload.messages["zh"])


def test_a_hostile_file_name_is_cut_and_shown_as_text(engine: Engine, instance: Path) -> None:
    raw = (HOSTILE / "script-region.csv").read_bytes()
    for name in ("名" * 10_000 + ".csv", "<script>alert(1)</script>.csv", "..\\..\\etc\\passwd"):
        upload = Upload(engine, instance, name)
        upload.run(raw)
        assert len(upload.name) <= 120 and "/" not in upload.name and "\\" not in upload.name
        assert upload.prepared is not None and upload.prepared.file_name == upload.name
        assert_words("\n".join(upload.messages["zh"]), "\n".join(upload.messages["en"]))


# --- the checks that stop what used to pass silently -------------------------------------------


def _tidy(row: int, **changes: object) -> dict[str, object]:
    return {
        "entity_type": "region",
        "entity_code": "320400",
        "indicator_code": "cell_capacity",
        "period": "2023",
        "value": 32.0,
        "unit": "GWh",
        "value_as_written": "32GWh",
        "source": "市工信局",
        "_sheet": "长表",
        "_row": row,
        "_column": "D",
        **changes,
    }


def test_checks_on_figures_periods_and_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    from loaders import checks
    from loaders.result import LoadResult

    monkeypatch.setattr(checks, "this_year", lambda: 2026)
    fine = [
        _tidy(2),
        _tidy(3, value=-4.5, unit="percent", indicator_code="new_energy_share"),  # a change
        _tidy(4, source="-"),  # a missing marker
        _tidy(5, source="—据市统计局"),
        _tidy(6, source="产能<10亿元的项目除外"),
        _tidy(7, period="2026", value=9.9e5),
    ]
    result = LoadResult(rows=fine)
    checks.check_values(result)
    checks.check_texts(result)
    assert result.issues == []
    bad = [
        _tidy(2, value=-5.0, value_as_written="-5GWh"),
        _tidy(3, value=2e10, unit="t", value_as_written="2000000万吨"),
        *[_tidy(r, period="2099") for r in (4, 5, 6)],
        _tidy(7, period="2025-11/2027-02"),
        *[_tidy(r, source="<b>市工信局</b>") for r in (8, 9)],
        _tidy(10, source="@SUM(A1)"),
        _tidy(11, source="源" * 501),
    ]
    result = LoadResult(rows=bad)
    checks.check_values(result)
    checks.check_texts(result)
    found = [(i.severity, i.code, i.row) for i in result.issues]
    assert found == [
        ("error", "negative-value", 2),
        ("error", "implausible-value", 3),
        ("warning", "future-period", 4),
        ("warning", "future-period", 7),
        ("error", "markup-in-text", 8),  # once for the two rows with the same text
        ("error", "formula-text", 10),
        ("error", "text-too-long", 11),
    ]
    assert "共3行" in result.issues[2].message_zh and "3 row(s)" in result.issues[2].message_en
    assert "“<b>”" in result.issues[4].message_zh


def test_checks_on_projects_and_members() -> None:
    from loaders.checks import check_texts, check_values
    from loaders.result import LoadResult

    project = {"name_zh": "项目", "investment": -1e8, "_sheet": "签约项目", "_row": 3}
    result = LoadResult(
        projects=[project, {**project, "_row": 4, "investment": 1e16, "event": SCRIPT}],
        members=[{"name_zh": "名" * 201, "source": "", "_sheet": "联盟成员", "_row": 2}],
    )
    check_values(result)
    check_texts(result)
    assert [(i.code, i.sheet, i.row) for i in result.issues] == [
        ("negative-value", "签约项目", 3),
        ("implausible-value", "签约项目", 4),
        ("markup-in-text", "签约项目", 4),
        ("text-too-long", "联盟成员", 2),
    ]
