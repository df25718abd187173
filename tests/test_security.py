"""Security headers on every response (web_security.py), the session cookie's flags, and in
Chromium: every page under the policy with no violation and no console error, hostile uploads
shown as text and never run."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import dash
import pytest
from dash import html
from flask import Flask, session

from auth.setup import init_auth
from settings import load_settings
from tests.authsite import Site, login, start_site
from tests.datasite import session_of, sign_in
from web_security import HEADERS, content_security_policy, init_security

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
NAV_PAGES = [
    "/",
    "/compare",
    "/map",
    "/chain",
    "/alliances",
    "/projects",
    "/indicators",
    "/sources",
    "/history",
    "/data",
    "/admin",
    "/login",
    "/?lang=en",
]
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
window.__ran = 0;
window.alert = () => { window.__ran += 1; };
"""
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    served = start_site(tmp_path_factory.mktemp("security"), view_requires_login=False)
    yield served
    served.stop()


def directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


def assert_protected(response) -> None:  # type: ignore[no-untyped-def]
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    for name, value in HEADERS.items():
        assert response.headers[name] == value, name
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_headers_on_pages_assets_callbacks_and_downloads(site: Site) -> None:
    client = session_of(site, "ed")
    page = client.get(site.url + "/data")
    assert page.status_code == 200
    assert_protected(page)
    scripts = [
        client.get(site.url + src) for src in re.findall(r'<script src="([^"]+)"', page.text)[:3]
    ]
    for response in [
        *scripts,
        client.get(site.url + "/assets/10_app.css"),
        client.get(site.url + "/_dash-layout"),
        client.get(site.url + "/no/such/page/at/all"),
        client.get(site.url + "/export/chart?url=/compare&format=csv"),
        client.get(site.url + "/export/chart?url=/compare&format=nope"),  # an error page
        client.get(site.url + "/login"),
    ]:
        assert_protected(response)
    download = client.get(site.url + "/export/chart?url=/compare&format=csv")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]


def test_every_inline_script_of_the_index_is_allowed_by_its_hash(site: Site) -> None:
    """Dash's own inline scripts run (their sha256 is in the policy); nothing else inline."""
    page = site.client().get(site.url + "/")
    allowed = set(directives(page.headers["Content-Security-Policy"])["script-src"])
    found = 0
    html_code = re.sub(r"<!--.*?-->", "", page.text, flags=re.S)  # e.g. Dash's "no IE" note
    for attributes, body in INLINE_SCRIPT.findall(html_code):
        if "application/json" in attributes:  # data, not code
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, body[:80]
        found += 1
    assert found >= 2  # the renderer, and the clientside callbacks


def test_session_cookie_flags(site: Site, tmp_path: Path) -> None:
    client = site.client()
    response = login(site, client, "ed")
    cookie = next(c for c in response.raw.headers.getlist("Set-Cookie") if "session=" in c)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    # behind HTTPS: Secure, and browsers told to keep to HTTPS
    secure = load_settings({"INSTANCE_DIR": str(tmp_path), "SESSION_COOKIE_SECURE": "1"})
    server = Flask(__name__)
    server.config["SETTINGS"] = secure
    init_auth(server, secure)

    @server.get("/set")
    def set_session() -> str:
        session["seen"] = 1
        return "ok"

    app = dash.Dash(__name__, server=server, url_base_pathname="/dash/")
    app.layout = html.Div("x")
    init_security(app)
    answer = server.test_client().get("/set")
    cookie = answer.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    assert_protected(answer)


def test_a_view_may_set_its_own_policy() -> None:
    server = Flask(__name__)
    app = dash.Dash(__name__, server=server)
    app.layout = html.Div("x")
    init_security(app)

    @server.get("/own")
    def own() -> tuple[str, int, dict[str, str]]:
        return "ok", 200, {"Content-Security-Policy": "default-src 'none'"}

    client = server.test_client()
    assert client.get("/own").headers["Content-Security-Policy"] == "default-src 'none'"
    index = client.get("/")
    assert index.headers["Content-Security-Policy"] == content_security_policy(
        sorted(set(app.csp_hashes()))
    )
    assert "Strict-Transport-Security" not in index.headers


# --- in a browser --------------------------------------------------------------------------


@pytest.mark.browser
def test_every_page_runs_under_the_policy(site: Site, browser) -> None:  # type: ignore[no-untyped-def]
    context, page = sign_in(browser, site, "boss", "/", viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    for path in NAV_PAGES:
        page.goto(site.url + path)
        page.wait_for_load_state("networkidle")
        page.locator("nav.navbar").first.wait_for(timeout=30000)
        page.wait_for_timeout(1000)  # charts drawn, grids filled
        assert page.evaluate("window.__violations") == [], path
        assert not errors, (path, errors)
    # a chart's own "download as PNG" works under the policy
    page.goto(site.url + "/compare")
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for(timeout=30000)
    chart.hover()
    with page.expect_download(timeout=30000) as download:
        page.locator('.modebar-btn[data-title="Download plot as a PNG"]').first.click()
    assert download.value.suggested_filename.endswith(".png")
    assert page.evaluate("window.__violations") == [] and not errors, errors
    context.close()


@pytest.mark.browser
def test_hostile_uploads_are_told_and_their_markup_stays_text(site: Site, browser) -> None:  # type: ignore[no-untyped-def]
    """Through the real page: a refused file, a script tag as a region name and as a source,
    a negative capacity. Each is told; the tags are shown as text; no script runs."""
    context, page = sign_in(browser, site, "ed", "/data", viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page.reload()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    upload = page.locator("#data-upload input[type=file]")
    upload.wait_for(state="attached", timeout=30000)

    upload.set_input_files(str(HOSTILE / "zip-bomb-ratio.xlsx"))
    rejected = page.locator("#data-rejected")
    rejected.wait_for(timeout=60000)
    assert "zip-bomb-ratio.xlsx" in rejected.inner_text() and "异常" in rejected.inner_text()

    for name, shown in [
        ("script-region.xlsx", "找不到地区“<script>alert(1)</script>”"),
        ("script-source.csv", "网页标记“<script>”"),
        ("negative-capacity.csv", "是负数"),
    ]:
        upload.set_input_files(str(HOSTILE / name))
        page.locator("#data-checked", has_text=name).wait_for(timeout=60000)
        page.locator("#data-errors").wait_for(timeout=10000)
        grid = page.locator("#data-issues-grid")
        grid.get_by_text(shown, exact=False).first.wait_for(timeout=30000)
        assert page.locator("#data-commit").is_disabled()
        assert page.evaluate("document.querySelectorAll('#data-result script').length") == 0

    assert page.evaluate("window.__ran") == 0 and not dialogs, dialogs
    assert page.evaluate("window.__violations") == [] and not errors, errors
    context.close()
