"""Hostile input, each refused: SQL injection in the queue's and the API's filters, path
traversal in image routes (and in a scan path the database holds), HTML and script in OCR text
(shown escaped), forms posted without their CSRF token, a session cookie replayed after logout.
On SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import shutil

from sqlalchemy import func, select, update

from hotich.db import session_scope
from hotich.db.models import Correction, Decision, EntryRow, Page
from hotich.review.sessions import COOKIE_NAME
from tests.review_support import BOOK_A, A, World, entry, world_fixture
from tests.stage_support import store_page

_ = world_fixture  # fixture, used by name
INJECTIONS = (
    "' OR '1'='1",
    "20227-dai-thanh' --",
    "x'; DROP TABLE pages; --",
    '%" OR 1=1 --',
    "' UNION SELECT id, username, password_hash FROM users --",
)
SCRIPT = "<script>alert('raw')</script>"
IMG = '<img src=x onerror="alert(1)">'


def _counts(world: World) -> tuple[int, int, int]:
    with session_scope(world.engine) as session:
        return (
            session.scalar(select(func.count()).select_from(Page)) or 0,
            session.scalar(select(func.count()).select_from(Correction)) or 0,
            session.scalar(select(func.count()).select_from(Decision)) or 0,
        )


def test_sql_in_filters_is_only_a_value_that_matches_nothing(world: World) -> None:
    client = world.as_user("rev.a")
    before = _counts(world)
    for text in INJECTIONS:
        for facet in ("commune", "book", "register_type", "issue"):
            answer = client.get("/queue", params={facet: text})
            assert answer.status_code == 200
            assert 'id="queue-table"' not in answer.text  # no page matches
        assert client.get("/api/pages", params={"commune": text}).json() == []
        assert client.get("/api/pages", params={"status": text}).status_code == 400
        assert client.get(f"/pages/{world.pages['A1']}", params={"issue": text}).status_code == 200
    assert client.get("/api/pages", params={"commune": A}).json() != []
    assert _counts(world) == before
    assert "$argon2id$" not in client.get("/queue", params={"issue": INJECTIONS[-1]}).text


def test_path_traversal_in_image_routes_reaches_no_file(world: World) -> None:
    client = world.as_user("rev.a")
    entry_id = world.entries["A1"][0]
    for url in (
        "/api/pages/..%2F..%2F..%2Fetc%2Fpasswd/image",
        "/api/pages/../../../etc/passwd",
        f"/api/pages/{world.pages['A1']}/image/..%2F..%2Fhotich.db",
        f"/api/pages/{world.pages['A1']}%2F..%2F..%2Fetc%2Fpasswd/image",
        f"/api/entries/{entry_id}/fields/..%2F..%2F..%2Fetc%2Fpasswd/crop",
        f"/api/entries/{entry_id}/fields/%2E%2E/crop",
        "/static/..%2F..%2Fdb%2Fmodels.py",
        "/static/../review/app.py",
        "/static/%2e%2e/%2e%2e/cli.py",
    ):
        answer = client.get(url)
        assert answer.status_code in (400, 404), url
        assert "root:" not in answer.text and "import" not in answer.text, url


def test_a_scan_path_leaving_its_folder_is_never_read(world: World) -> None:
    """Even a database row naming ``../`` (written by hand, or by a bug) does not serve a file
    outside the page's scan folder."""
    page_id = world.pages["A1"]
    outside = world.root.parent / "secret" / "0001.png"
    outside.parent.mkdir()
    shutil.copy(world.root / A / BOOK_A / "0001.png", outside)
    digest = hashlib.sha256(outside.read_bytes()).hexdigest()
    with session_scope(world.engine, write=True) as session:
        session.execute(
            update(Page)
            .where(Page.id == page_id)
            .values(source="../secret/0001.png", file_sha256=digest)
        )
    client = world.as_user("rev.a")
    image = client.get(f"/api/pages/{page_id}/image")
    assert image.status_code == 410 and image.headers["content-type"] == "application/json"
    crop = client.get(f"/api/entries/{world.entries['A1'][0]}/fields/full_name/crop")
    assert crop.status_code == 410
    assert "secret" not in image.text


def test_html_and_script_in_ocr_text_are_shown_escaped(world: World) -> None:
    (entry_id,) = store_page(
        world.engine,
        world.root,
        9,
        entry(0, confidence=0.5, full_name=IMG, raw={"full_name": SCRIPT}, notes=SCRIPT),
        commune=A,
        book=BOOK_A,
    )
    client = world.as_user("rev.a")
    page_id = client.get("/api/pages", params={"limit": 10}).json()
    (hostile,) = [p["id"] for p in page_id if p["page_no"] == 9]
    html = client.get(f"/pages/{hostile}").text
    assert SCRIPT not in html and IMG not in html
    assert "&lt;script&gt;alert(&#39;raw&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    # a person typing markup gets it stored as text and shown escaped as well
    typed = "<b onmouseover=alert(2)>HOA</b>"
    saved = client.post(f"/api/entries/{entry_id}/fields/notes", json={"value": typed}).json()
    assert saved["fields"]["notes"]["value"] == typed
    html = client.get(f"/pages/{hostile}").text
    assert typed not in html and "&lt;b onmouseover=alert(2)&gt;HOA&lt;/b&gt;" in html
    assert "script-src 'self'" in client.get(f"/pages/{hostile}").headers["content-security-policy"]


def test_forms_without_their_csrf_token_are_refused(world: World) -> None:
    client = world.as_user("rev.a")
    entry_id = world.entries["A2"][0]
    page_id = world.pages["A2"]
    other = world.as_user("clerk.a")  # a token of another session is no better
    other_token = other.get("/queue").text.split('name="csrf" value="')[1].split('"')[0]
    for data in ({}, {"csrf": ""}, {"csrf": "0" * 64}, {"csrf": other_token}):
        for url, fields in (
            (f"/entries/{entry_id}/fields/full_name", {"value": "GIẢ MẠO"}),
            (f"/entries/{entry_id}/approve", {}),
            (f"/entries/{entry_id}/reject", {"reason": "giả"}),
            (f"/pages/{page_id}/approve", {}),
            ("/logout", {}),
        ):
            answer = client.post(url, data={**fields, **data})
            assert answer.status_code == 403, (url, data)
    assert _counts(world)[1:] == (0, 0)
    assert client.get("/api/pages").status_code == 200  # not logged out either
    fresh = world.client()
    login_page = fresh.get("/login")
    assert login_page.status_code == 200
    forged = fresh.post("/login", data={"username": "clerk.a", "password": "x", "csrf": "forged"})
    assert forged.status_code == 403
    token = client.get("/queue").text.split('name="csrf" value="')[1].split('"')[0]
    good = client.post(
        f"/entries/{entry_id}/fields/full_name", data={"value": "NGUYỄN THỊ HOÀ", "csrf": token}
    )
    assert good.status_code == 303
    assert good.headers["location"] == f"/pages/{page_id}#f-{entry_id}-full_name"


def test_a_session_cookie_replayed_after_logout_is_refused(world: World) -> None:
    client = world.as_user("rev.a")
    cookie = client.cookies[COOKIE_NAME]
    assert client.get("/api/pages").status_code == 200
    assert client.post("/api/logout", json={}).status_code == 200
    replay = world.client()
    replay.cookies.set(COOKIE_NAME, cookie)
    assert replay.get("/api/pages").status_code == 401
    assert replay.get(f"/api/pages/{world.pages['A1']}/image").status_code == 401
    page = replay.get(f"/pages/{world.pages['A1']}")
    assert (page.status_code, page.headers["location"]) == (303, "/login")
    entry_id = world.entries["A1"][0]
    write = replay.post(f"/api/entries/{entry_id}/approve", json={})
    assert write.status_code == 401
    with session_scope(world.engine) as session:
        assert session.get_one(EntryRow, entry_id).status == "needs_review"
    # the same after an HTML logout
    browser = world.as_user("clerk.a")
    token = browser.get("/queue").text.split('name="csrf" value="')[1].split('"')[0]
    kept = browser.cookies[COOKIE_NAME]
    assert browser.post("/logout", data={"csrf": token}).status_code == 303
    again = world.client()
    again.cookies.set(COOKIE_NAME, kept)
    assert again.get("/api/pages").status_code == 401
