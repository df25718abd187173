"""Logins, roles, CSRF, rate limits and the audit log, against a served app (VIEW_REQUIRES_LOGIN=1).

The server, its users and the requests a browser would send are in tests/authsite.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.authsite import (
    PASSWORDS,
    ROUTER,
    Site,
    call,
    env_for,
    login,
    render,
    signed_in,
    start_site,
    text,
    token,
    users,
)
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    served = start_site(tmp_path_factory.mktemp("auth"))
    yield served
    served.stop()


# --- signing in and out ----------------------------------------------------------------------


def test_login_success_sets_a_safe_session_cookie_and_is_audited(site: Site) -> None:
    session = site.client()
    response = login(site, session, "vic", next="/compare?lang=en")
    assert response.status_code == 302
    assert response.headers["Location"] == "/compare?lang=en"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert "Secure" not in cookie  # only with SESSION_COOKIE_SECURE=1 (see the test below)
    assert signed_in(site, session)
    assert ("vic", '{"role": "viewer"}', "127.0.0.1") in site.audit("login")
    layout = render(site, session, "/compare", "?lang=en")
    assert "vic" in layout and "viewer" in layout and "/auth/logout" in layout


def test_wrong_password_and_unknown_user_get_one_generic_message(site: Site) -> None:
    session = site.client("127.0.0.4")
    wrong = login(site, session, "vic", "not-the-password")
    unknown = login(site, session, "nobody-here", "whatever-1234")
    assert wrong.status_code == unknown.status_code == 302
    assert (
        wrong.headers["Location"] == unknown.headers["Location"] == "/login?error=bad_credentials"
    )
    assert not signed_in(site, session)
    page = render(site, session, "/login", "?error=bad_credentials")
    assert "用户名或密码不正确" in page
    page = render(site, session, "/login", "?error=bad_credentials&lang=en")
    assert "The user name or password is incorrect." in page
    failed = [(u, a) for u, _, a in site.audit("login_failed")]
    assert ("vic", "127.0.0.4") in failed and ("nobody-here", "127.0.0.4") in failed
    # the message comes from the catalogue, never from the URL
    assert "injected" not in render(site, session, "/login", "?error=injected")


def test_five_failures_for_one_name_refuse_the_sixth_even_with_the_right_password(
    site: Site,
) -> None:
    for n in range(5):  # from five addresses: only the name is common
        login(site, site.client(f"127.0.0.{11 + n}"), "rl", "wrong-password")
    session = site.client("127.0.0.16")
    refused = login(site, session, "rl")
    query = parse_qs(urlsplit(refused.headers["Location"]).query)
    assert query["error"] == ["rate_limited"] and 14 <= int(query["wait"][0]) <= 15
    assert not signed_in(site, session)
    page = render(site, session, "/login", "?error=rate_limited&wait=15&lang=en")
    assert "Try again in 15 minutes" in page.replace("try again", "Try again")
    assert any(u == "rl" for u, _, _ in site.audit("login_refused"))


def test_five_failures_from_one_address_refuse_further_logins_from_it(site: Site) -> None:
    for n in range(5):
        login(site, site.client("127.0.0.3"), f"guess{n}", "wrong-password")
    refused = login(site, site.client("127.0.0.3"), "ed")
    assert "error=rate_limited" in refused.headers["Location"]
    # the same user from another address is not affected
    assert login(site, site.client(), "ed").headers["Location"] == "/"


def test_csrf_token_missing_or_wrong_is_400(site: Site) -> None:
    session = site.client()
    token(site, session)  # the session has a token, the forms below do not carry it
    form = {"name": "vic", "password": PASSWORDS["vic"]}
    assert session.post(site.url + "/auth/login", data=form).status_code == 400
    wrong = {**form, "csrf_token": "x" * 43}
    response = session.post(site.url + "/auth/login", data=wrong)
    assert response.status_code == 400 and "security token" in response.text
    assert not signed_in(site, session)
    # logout needs the token too: a cross-site form cannot sign a user out
    assert login(site, session, "vic").status_code == 302
    assert session.post(site.url + "/auth/logout", data={}).status_code == 400
    assert signed_in(site, session)


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "x"],
)
def test_login_never_redirects_off_site(site: Site, target: str) -> None:
    response = login(site, site.client(), "vic", next=target)
    assert response.headers["Location"] == "/"


def test_logout_ends_the_session(site: Site) -> None:
    session = site.client()
    login(site, session, "ed")
    response = session.post(
        site.url + "/auth/logout",
        data={"csrf_token": token(site, session), "next": "/sources"},
        allow_redirects=False,
    )
    assert response.status_code == 302 and response.headers["Location"] == "/sources"
    assert not signed_in(site, session)
    assert ("ed", None, "127.0.0.1") in site.audit("logout")


# --- viewing policy --------------------------------------------------------------------------


def test_view_requires_login_redirects_pages_and_refuses_callbacks(site: Site) -> None:
    anonymous = site.client()
    response = anonymous.get(site.url + "/compare?lang=en", allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?lang=en&next=%2Fcompare%3Flang%3Den"
    for path in ("/login", "/_dash-layout", "/_dash-dependencies", "/_favicon.ico"):
        assert anonymous.get(site.url + path, allow_redirects=False).status_code == 200, path
    css = anonymous.get(site.url + "/login").text
    asset = re.search(r'href="(/assets/[^"]+\.css[^"]*)"', css)
    assert asset and anonymous.get(site.url + asset.group(1)).status_code == 200
    # any callback but the router drawing /login is refused
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": i, "property": p} for i, p in ROUTER.items()],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/sources"}],
        "changedPropIds": ["_pages_location.pathname"],
    }
    refused = anonymous.post(site.url + "/_dash-update-component", json=body)
    assert refused.status_code == 401 and refused.json()["message_en"] == "Please sign in first."
    assert "login-form" in render(site, anonymous, "/login")
    refused = call(site, anonymous, "admin-create", {"admin-new-name.value": "sneak"})
    assert refused.status_code == 401 and "sneak" not in users(site)


# --- the admin page --------------------------------------------------------------------------


def test_admin_page_and_its_callbacks_refuse_a_viewer(site: Site) -> None:
    viewer = site.client()
    login(site, viewer, "vic")
    page = render(site, viewer, "/admin")
    assert "只有管理员可以查看此页面" in page and "admin-users" not in page
    before = users(site)
    values = {
        "admin-new-name.value": "mallory",
        "admin-new-role.value": "admin",
        "admin-new-password.value": "mallory-pass-1234",
    }
    response = call(site, viewer, "admin-create", values)
    assert "admin-denied" in response.text and "admin-done" not in response.text
    response = call(
        site,
        viewer,
        "admin-set-role",
        {"admin-user.value": "vic", "admin-user-role.value": "admin"},
    )
    assert "admin-denied" in response.text
    assert users(site) == before
    editor = site.client()
    login(site, editor, "ed")
    assert "admin-denied" in call(site, editor, "admin-create", values).text
    assert users(site) == before


def test_admin_creates_and_changes_users_with_audit(site: Site) -> None:
    admin = site.client()
    login(site, admin, "boss")
    page = render(site, admin, "/admin")
    assert "admin-users" in page and "admin-audit" in page and "user_create" in page
    # the users created by the fixture: hashed with scrypt, the password nowhere in the audit
    hashes = dict(site.db("SELECT name, password_hash FROM app_user"))
    assert hashes["vic"].startswith("scrypt:") and PASSWORDS["vic"] not in hashes["vic"]
    created = site.audit("user_create")
    assert ("boss", '{"name": "ed", "role": "editor"}', "127.0.0.1") in created
    assert not any(p in str(site.db("SELECT * FROM audit_event")) for p in PASSWORDS.values())
    # refusals, each with its message and nothing changed
    form = {"admin-new-role.value": "viewer", "admin-new-password.value": "123456789"}
    short = {**form, "admin-new-name.value": "shorty"}
    assert "至少需要 10 个字符" in text(call(site, admin, "admin-create", short))
    taken = {**form, "admin-new-name.value": "vic", "admin-new-password.value": "x" * 12}
    assert "用户名 vic 已存在" in text(call(site, admin, "admin-create", taken))
    self_change = {"admin-user.value": "boss"}
    assert "admin-error" in call(site, admin, "admin-deactivate", self_change).text
    assert "shorty" not in users(site) and users(site)["boss"] == ("admin", 1)
    # a role change, then a deactivation that ends the user's session at once
    gone = site.client()
    assert login(site, gone, "gone").status_code == 302 and signed_in(site, gone)
    role = {"admin-user.value": "gone", "admin-user-role.value": "editor"}
    assert "admin-done" in call(site, admin, "admin-set-role", role).text
    assert "admin-done" in call(site, admin, "admin-deactivate", {"admin-user.value": "gone"}).text
    assert users(site)["gone"] == ("editor", 0)
    assert not signed_in(site, gone)
    again = login(site, site.client("127.0.0.5"), "gone")
    assert again.headers["Location"] == "/login?error=bad_credentials"
    updates = [json.loads(d) for u, d, _ in site.audit("user_update") if u == "boss"]
    assert {"name": "gone", "role": ["viewer", "editor"]} in updates
    assert {"name": "gone", "active": [True, False]} in updates


# --- settings that need their own process --------------------------------------------------

_SCRIPT = """
import json, os, sys, time
from pathlib import Path
from app import server
from auth.csrf import SESSION_KEY

out = {"lifetime": server.permanent_session_lifetime.total_seconds()}
key_file = Path(os.environ["INSTANCE_DIR"]) / "secret_key"
out["key_from_file"] = server.secret_key == key_file.read_text().strip()
out["key_mode"] = oct(key_file.stat().st_mode & 0o777)
client = server.test_client()
with client.session_transaction() as s:
    s[SESSION_KEY] = "token"
form = {"csrf_token": "token", "name": "boss", "password": sys.argv[1]}
out["cookie"] = client.post("/auth/login", data=form).headers.get("Set-Cookie", "")
out["open_view"] = server.test_client().get("/compare").status_code
with client.session_transaction() as s:
    out["signed_in"] = "_user_id" in s
    s["auth_at"] = int(time.time()) - 3 * 3600
client.get("/_dash-layout")
with client.session_transaction() as s:
    out["after_expiry"] = "_user_id" in s
print(json.dumps(out))
"""


def test_secure_cookie_session_lifetime_and_shared_secret(site: Site) -> None:
    env = env_for(site.instance, SESSION_COOKIE_SECURE="1", SESSION_HOURS="2")
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, PASSWORDS["boss"]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["lifetime"] == 2 * 3600
    assert out["key_from_file"] and out["key_mode"] == "0o600"
    assert "Secure" in out["cookie"] and "HttpOnly" in out["cookie"]
    assert out["open_view"] == 200, "viewing is open unless VIEW_REQUIRES_LOGIN=1"
    assert out["signed_in"] and not out["after_expiry"], "a session ends SESSION_HOURS after login"


# --- pieces that need no server --------------------------------------------------------------


def test_safe_next_and_roles_outside_a_request() -> None:
    from auth import current_role, has_role, require_role
    from auth.roles import PermissionDenied
    from auth.views import safe_next

    assert safe_next("/compare?lang=en") == "/compare?lang=en"
    for bad in ("//evil", "https://evil", "/\\evil", "http:/x", "", None, "/a\nb"):
        assert safe_next(bad) == "/", bad
    assert current_role() == "anonymous" and has_role("anonymous") and not has_role("viewer")
    with pytest.raises(PermissionDenied) as denied:
        require_role("editor")
    assert denied.value.message_zh == "请先登录。" and denied.value.message_en
    with pytest.raises(ValueError):
        has_role("superuser")


def test_auth_keys_exist_in_the_catalogue() -> None:
    from i18n import catalogue

    keys = set(catalogue())
    used: set[str] = set()
    pattern = re.compile(r"""\bt\(\s*["']((?:auth|admin)\.[a-z_.]+)["']""")
    for path in [
        *(ROOT / "auth").glob("*.py"),
        ROOT / "pages" / "login.py",
        ROOT / "pages" / "admin.py",
    ]:
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert used and not sorted(used - keys)
    assert {f"auth.role.{r}" for r in ("anonymous", "viewer", "editor", "admin")} <= keys


@pytest.mark.browser
def test_sign_in_and_out_in_a_browser(site: Site, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(site.url + "/sources?lang=en")
    page.wait_for_url("**/login?lang=en&next=**")
    page.locator("#login-name").fill("vic")
    page.locator("#login-password").fill(PASSWORDS["vic"])
    page.locator("#login-submit").click()
    page.wait_for_url("**/sources?lang=en")
    page.locator("#nav-user").wait_for(timeout=30000)
    assert page.locator("#nav-user .bi-person-circle").get_attribute("title") == "vic"
    assert page.locator("#nav-admin").count() == 0
    page.locator("#nav-user .dropdown-toggle").click()  # the user's menu: who, role, sign out
    assert page.locator("#nav-role").inner_text().split("\n") == ["vic", "Role: viewer"]
    page.locator("#nav-logout").click()
    page.wait_for_url("**/login?lang=en&next=**")
    page.locator("#login-form").wait_for(timeout=30000)
    assert page.locator("#nav-compare").count() == 0, "no page links for a guest"
    assert not errors, errors
    context.close()


@pytest.mark.browser
def test_an_administrators_navbar_is_one_line_at_1280(site: Site, browser) -> None:  # type: ignore[no-untyped-def]
    """Signed in, the navbar gains 数据管理 and the user's menu (an icon: name, role, 用户与审计,
    退出 inside it) and still fits one line on a 1280 px screen, in both languages."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site.url + "/login?lang=en")
    page.locator("#login-name").fill("boss")
    page.locator("#login-password").fill(PASSWORDS["boss"])
    page.locator("#login-submit").click()
    page.locator("#nav-user").wait_for(timeout=30000)
    for lang in ("en", "zh"):
        page.goto(site.url + f"/sources?lang={lang}")
        page.locator("#nav-user").wait_for(timeout=30000)
        assert page.evaluate("() => document.querySelector('.navbar').offsetHeight") <= 60, lang
    page.locator("#nav-user .dropdown-toggle").click()
    assert page.locator("#nav-role").inner_text().split("\n") == ["boss", "角色：管理员"]
    page.locator("#nav-admin").click()
    page.wait_for_url("**/admin**", timeout=30000)
    context.close()
