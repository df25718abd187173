"""``flask export chart|briefing``: in process with Flask's CliRunner, and once as a user types
it. Views read the shipped data as of revision 1."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from PIL import Image
from pptx import Presentation

from cli.export import export_cli
from exports import chrome
from settings import load_settings
from tests.conftest import run_cli
from tests.viewkit import pages_app

URL = "/compare?indicator=cell_capacity&regions=370400&rev=1"
needs_chromium = pytest.mark.skipif(
    not chrome.available(), reason="Debian chromium is not installed (make test installs it)"
)


@pytest.fixture(scope="module")
def runner(engine, tmp_path_factory):  # type: ignore[no-untyped-def]
    server = pages_app().server
    folder = tmp_path_factory.mktemp("export-cli")
    server.config["SETTINGS"] = load_settings({"INSTANCE_DIR": str(folder)})
    server.cli.add_command(export_cli)
    return server.test_cli_runner()


def test_chart_as_xlsx_holds_the_figure(runner, tmp_path: Path) -> None:
    out = tmp_path / "cell.xlsx"
    result = runner.invoke(args=["export", "chart", "--url", URL, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "已导出“电芯年产能（GWh）”" in result.output and "Exported" in result.output
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "地区")
    record = dict(zip(rows[start], rows[start + 1]))
    assert (record["地区"], record["数值"], record["单位"]) == ("枣庄市", 32, "GWh")


@needs_chromium
def test_chart_as_png_for_print(runner, tmp_path: Path) -> None:
    out = tmp_path / "cell.png"
    args = ["export", "chart", "--url", URL + "&tab=bar", "--format", "png", "--size", "print"]
    result = runner.invoke(args=[*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert Image.open(out).size == (2480, 1754)


def test_bad_views_and_formats_fail_in_both_languages(runner, tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    bad = runner.invoke(
        args=["export", "chart", "--url", "/compare?indicator=nope", "--out", str(out)]
    )
    assert (
        bad.exit_code == 1 and "无法导出此视图" in bad.output and "cannot be exported" in bad.output
    )
    assert "Traceback" not in bad.output and not out.exists()
    page = runner.invoke(args=["export", "chart", "--url", "/sources", "--out", str(out)])
    assert page.exit_code == 1 and "没有可导出的图表" in page.output
    suffix = runner.invoke(args=["export", "chart", "--url", URL, "--out", str(tmp_path / "x.doc")])
    assert suffix.exit_code == 1 and "不支持的导出格式" in suffix.output
    table = runner.invoke(args=["export", "chart", "--url", "/?rev=1", "--out", str(out)])
    assert table.exit_code == 1 and "XLSX" in table.output


@needs_chromium
def test_briefing_of_a_region_as_pptx(runner, tmp_path: Path) -> None:
    out = tmp_path / "zz.pptx"
    args = ["export", "briefing", "--region", "枣庄", "--as-of", "1", "--out", str(out)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    slides = list(Presentation(str(out)).slides)
    assert len(slides) == 8 and slides[0].shapes.title.text == "枣庄市电池产业集群简报"
    assert "8 页" in result.output


def test_briefing_refuses_what_it_cannot_make(runner, tmp_path: Path) -> None:
    doc = runner.invoke(args=["export", "briefing", "--region", "370400", "--out", "x.docx"])
    assert doc.exit_code == 1 and ".pptx" in doc.output
    nobody = runner.invoke(
        args=["export", "briefing", "--region", "火星", "--out", str(tmp_path / "x.pptx")]
    )
    assert nobody.exit_code == 1 and "火星" in nobody.output
    nothing = runner.invoke(args=["export", "briefing", "--out", str(tmp_path / "x.pptx")])
    assert nothing.exit_code == 1 and "--region" in nothing.output


@needs_chromium
def test_command_line_as_a_user_types_it(tmp_path: Path) -> None:
    env = {"INSTANCE_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}"}
    out = tmp_path / "map.pdf"
    url = "/map?indicator=resident_population&level=province&rev=1"
    proc = run_cli("export", "chart", "--url", url, "--format", "pdf", "--out", str(out), env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert out.read_bytes().startswith(b"%PDF")
    pdf = run_cli(
        "export", "briefing", "--region", "370400", "--out", str(tmp_path / "b.pdf"), env=env
    )
    assert pdf.returncode == 0, pdf.stderr
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")
    assert io.BytesIO(out.read_bytes()).getbuffer().nbytes > 10_000
