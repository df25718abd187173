"""What the 数据管理 page's callbacks receive from a browser, built from /_dash-dependencies,
and what the database looks like from outside (revisions, ``data export``)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import zipfile
from pathlib import Path

import requests

from i18n import t
from tests.authsite import PASSWORDS, Site, env_for, login
from tests.conftest import run_cli

SHOTS = Path(os.environ["SCREENSHOT_DIR"]) if os.environ.get("SCREENSHOT_DIR") else None
Snapshot = tuple[list[tuple], str]


def data_url(raw: bytes, mime: str = "text/csv") -> str:
    return f"data:{mime};base64,{base64.b64encode(raw).decode()}"


def csv_bytes(*rows: list[object]) -> bytes:
    head = ["地区", "指标", "时期", "数值", "单位", "限定", "来源"]
    lines = [",".join(str(v) for v in row) for row in [head, *rows]]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def xlsx_bytes(*rows: list[object]) -> bytes:
    """A workbook in the template's long form (numbers as numbers)."""
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "长表"
    ws.append(["地区", "指标", "时期", "数值", "单位", "限定", "来源"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def post(
    site: Site,
    session: requests.Session,
    trigger: str,
    values: dict[str, object],
    *,
    timeout: float = 90,
) -> dict:
    """Fire the callback that has ``trigger`` (``id.property``) as an input, as the renderer
    does; for a background callback, poll until its answer is there. Returns the JSON answer
    (``{}`` for an empty 204)."""
    deps = session.get(site.url + "/_dash-dependencies").json()
    cb = next(d for d in deps if any(f"{i['id']}.{i['property']}" == trigger for i in d["inputs"]))

    def items(specs: list[dict[str, str]]) -> list[dict[str, object]]:
        out = []
        for spec in specs:
            key = f"{spec['id']}.{spec['property']}"
            if spec["id"].startswith("{"):  # pattern-matching: the list of matching components
                out.append(values.get(key, []))
                continue
            out.append({**spec, **({"value": values[key]} if key in values else {})})
        return out

    specs = [o.rsplit(".", 1) for o in cb["output"].strip(".").split("...")]
    outputs = [{"id": i, "property": p.split("@")[0]} for i, p in specs]
    body = {
        "output": cb["output"],
        "outputs": outputs if cb["output"].startswith("..") else outputs[0],
        "inputs": items(cb["inputs"]),
        "state": items(cb["state"]),
        "changedPropIds": [trigger],
    }
    response = session.post(site.url + "/_dash-update-component", json=body)
    answer = _json(response)
    deadline = time.time() + timeout
    while "cacheKey" in answer and "job" in answer:  # a background job: ask until it is done
        handles = {"cacheKey": answer["cacheKey"], "job": answer["job"]}
        while True:
            polled = session.post(site.url + "/_dash-update-component", params=handles, json=body)
            result = _json(polled)
            if "response" in result or "sideUpdate" in result or time.time() > deadline:
                return result
            time.sleep(0.3)
    return answer


def _json(response: requests.Response) -> dict:
    if response.status_code == 204 or not response.content:
        return {}
    assert response.status_code == 200, (response.status_code, response.text[:500])
    return response.json()


def text(answer: dict) -> str:
    return json.dumps(answer, ensure_ascii=False)


def output(answer: dict, component: str, prop: str) -> object:
    return answer.get("response", {}).get(component, {}).get(prop)


def snapshot(site: Site, tmp: Path) -> Snapshot:
    """The revisions and a hash of ``flask data export``: the database as others see it."""
    revisions = site.db("SELECT id, author, kind, file_sha256, added, changed FROM revision")
    out = tmp / f"export-{time.time_ns()}.csv"
    proc = run_cli("data", "export", "--out", str(out), env={**env_for(site.instance)})
    assert proc.returncode == 0, proc.stderr
    return revisions, hashlib.sha256(out.read_bytes()).hexdigest()


def uploads(site: Site) -> list[str]:
    folder = site.instance / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def upload_as(site: Site, session: requests.Session, raw: bytes, name: str) -> dict:
    """Upload ``raw`` as ``name``: returns the data-file store (sha256, file name)."""
    values = {
        "data-upload.contents": data_url(raw),
        "data-upload.filename": name,
        "page-lang.data": "zh",
    }
    saved = post(site, session, "data-upload.contents", values)
    upload = output(saved, "data-file", "data")
    assert isinstance(upload, dict), text(saved)
    return upload


def check_as(site: Site, session: requests.Session, raw: bytes, name: str) -> dict:
    """Upload ``raw`` and wait for its check: returns the data-prepared store."""
    upload = upload_as(site, session, raw, name)
    ticket = ticket_of(site, session, "data-file.data", {"data-file.data": upload})
    return prepared_of(run_check(site, session, ticket))


def mapped(codes: list[str]) -> list[dict[str, object]]:
    """The mapping editor's dropdowns as the renderer sends an ALL pattern-matching State."""
    return [
        {"id": {"type": "data-map", "index": i}, "property": "value", "value": code}
        for i, code in enumerate(codes)
    ]


MAP_STATE = '{"index":["ALL"],"type":"data-map"}.value'


def ticket_of(
    site: Site, session: requests.Session, trigger: str, values: dict[str, object]
) -> object:
    """The ticket a foreground callback hands to the background check."""
    return output(post(site, session, trigger, values), "data-ticket", "data")


def run_check(site: Site, session: requests.Session, ticket: object) -> dict:
    """The background check for ``ticket``: its whole answer."""
    assert isinstance(ticket, str), ticket
    return post(site, session, "data-ticket.data", {"data-ticket.data": ticket})


def prepared_of(answer: dict) -> dict:
    prepared = output(answer, "data-prepared", "data")
    assert isinstance(prepared, dict), text(answer)
    return prepared


def session_of(site: Site, name: str | None) -> requests.Session:
    """A client signed in as ``name`` (None: a guest)."""
    session = site.client()
    if name:
        assert login(site, session, name).status_code == 302
    return session


# --- in a browser ---------------------------------------------------------------------------


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(browser, site: Site, name: str, next_path: str, **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", accept_downloads=True, **options)
    page = context.new_page()
    page.goto(f"{site.url}/login?next={next_path}")
    page.locator("#login-name").fill(name)
    page.locator("#login-password").fill(PASSWORDS[name])
    page.locator("#login-submit").click()
    page.wait_for_url(f"**{next_path}")
    return context, page


def filled_template(page, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    import openpyxl

    with page.expect_download() as download:
        page.locator("#data-template-button").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".xlsx" and zipfile.is_zipfile(saved)
    wb = openpyxl.load_workbook(saved)
    wb["长表"].append(["枣庄市", "电芯年产能", "2024-08", 40, "GWh", None, "浏览器测试"])
    filled = tmp_path / "枣庄产能.xlsx"
    wb.save(filled)
    return filled


def compare_shows(page, site: Site, text_: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{site.url}/compare?indicator=cell_capacity&regions=370400")
    page.locator("#compare-tabs").get_by_text(t("compare.table", "zh")).click()
    page.wait_for_function(
        "(t) => document.querySelector('#compare-table')?.innerText.includes(t)",
        arg=text_,
        timeout=30000,
    )
