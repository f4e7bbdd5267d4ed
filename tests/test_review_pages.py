"""The server-rendered pages as a browser without script meets them, on SQLite and PostgreSQL:
login form with a second factor, the queue (lowest confidence first, filters with their
counts), the page view (image, boxes, crops, values, raw OCR text, confidence, issues,
history), corrections and approvals through the forms, "approve the page and go to the next"."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from hotich.db import session_scope
from hotich.db.models import EntryRow
from hotich.i18n import t
from tests.accounts_support import STRONG
from tests.review_support import BOOK_A, A, B, World, world_fixture

_ = world_fixture  # fixture, used by name


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found[1]


def _form_login(world: World, name: str) -> TestClient:
    client = world.client()
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={
            "username": name,
            "password": STRONG,
            "totp": world.totp(name) or "",
            "csrf": _csrf(form.text),
        },
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/queue")
    return client


def _queue_pages(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr data-page="(\d+)">', html)]


def _facet(html: str, facet: str) -> dict[str, int]:
    block = html.split(f'id="facet-{facet}"')[1].split("</ul>")[0]
    return {
        unescape(value): int(n)
        for value, n in re.findall(
            r'data-value="([^"]+)">.*?<span class="count">(\d+)</span>', block, re.S
        )
    }


def test_login_form_asks_for_the_second_factor(world: World) -> None:
    client = world.client()
    form = client.get("/login")
    assert 'name="totp"' in form.text
    missing = client.post(
        "/login", data={"username": "rev.a", "password": STRONG, "csrf": _csrf(form.text)}
    )
    assert missing.status_code == 401
    assert t("users.login.mfa_required") in missing.text
    wrong = client.post(
        "/login",
        data={"username": "rev.a", "password": "sai", "csrf": _csrf(missing.text)},
    )
    assert (
        wrong.status_code == 401 and "Sai tên tài khoản, mật khẩu hoặc mã xác thực." in wrong.text
    )
    assert client.get("/queue").status_code == 303
    queue = _form_login(world, "rev.a").get("/queue")
    assert queue.status_code == 200 and "rev.a" in queue.text


def test_queue_lowest_confidence_first_with_filter_counts(world: World) -> None:
    client = world.as_user("rev.a")
    html = client.get("/queue").text
    assert _queue_pages(html) == [world.pages["A2"], world.pages["A1"]]
    assert _facet(html, "commune") == {A: 2}
    assert _facet(html, "book") == {BOOK_A: 2}
    assert _facet(html, "register_type") == {"khai_sinh": 2}
    assert _facet(html, "issue") == {"personal_id.length": 1}
    flagged = client.get("/queue", params={"issue": "personal_id.length"}).text
    assert _queue_pages(flagged) == [world.pages["A1"]]
    assert _facet(flagged, "commune") == {A: 1}  # counts under the other filters
    assert _facet(flagged, "issue") == {"personal_id.length": 1}
    # once corrected, the issue code comes from re-validation
    (entry_id,) = world.entries["A1"]
    client.post(f"/api/entries/{entry_id}/fields/personal_id", json={"value": "00119801234"})
    assert _facet(client.get("/queue").text, "issue") == {"personal_id.length": 1}
    client.post(f"/api/entries/{entry_id}/fields/personal_id", json={"value": "001198012345"})
    assert _facet(client.get("/queue").text, "issue") == {}
    assert _queue_pages(world.as_user("clerk.b").get("/queue").text) == [world.pages["B1"]]
    supervisor = world.as_user("sup").get("/queue").text
    assert _facet(supervisor, "commune") == {A: 2, B: 1}
    assert f'href="/pages/{world.pages["A2"]}' not in supervisor  # listed, not opened


def test_page_view_shows_image_boxes_crops_values_and_issues(world: World) -> None:
    client = world.as_user("rev.a")
    page_id = world.pages["A1"]
    (entry_id,) = world.entries["A1"]
    html = client.get(f"/pages/{page_id}").text
    assert f'<image href="/api/pages/{page_id}/image"' in html
    assert 'viewBox="0 0 620 877"' in html
    assert f'id="box-{entry_id}-personal_id"' in html and 'class="box flagged"' in html
    assert f'src="/api/entries/{entry_id}/fields/full_name/crop"' in html
    assert f'id="f-{entry_id}-full_name" name="value" value="NGUYỄN THỊ HOA"' in html
    assert "<code>00119801234</code>" in html  # the raw OCR text
    assert "personal_id.length" in html and "Số định danh có 11 chữ số" in html
    assert "0.97" in html
    image = client.get(f"/api/pages/{page_id}/image")
    assert image.headers["content-type"] == "image/png"
    assert image.headers["cache-control"] == "private, no-store"
    assert image.content.startswith(b"\x89PNG")
    crop = client.get(f"/api/entries/{entry_id}/fields/full_name/crop")
    assert crop.content.startswith(b"\x89PNG") and len(crop.content) < len(image.content)
    views = [(r.action, r.object_type) for r in world.audit() if r.action.startswith("view")]
    assert views == [("view_page", "page"), ("view_image", "page"), ("view_image", "field")]


def test_forms_correct_then_approve_the_page_and_go_to_the_next(world: World) -> None:
    client = _form_login(world, "rev.a")
    first, second = world.pages["A2"], world.pages["A1"]
    html = client.get(f"/pages/{first}").text
    token = _csrf(html)
    entry_id = world.entries["A2"][0]
    saved = client.post(
        f"/entries/{entry_id}/fields/date_of_birth",
        data={"value": "15/03/1998", "csrf": token},
    )
    assert saved.status_code == 303
    html = client.get(saved.headers["location"]).text
    assert f'id="f-{entry_id}-date_of_birth" name="value" value="1998-03-15"' in html
    history = html.split(f'id="history-{entry_id}"')[1].split("</details>")[0]
    assert "rev.a" in history and "1998-03-15" in history
    approved = client.post(f"/pages/{first}/approve", data={"csrf": token})
    assert (approved.status_code, approved.headers["location"]) == (303, f"/pages/{second}")
    html = client.get(f"/pages/{second}").text
    assert "Trang 1" in html
    refused = client.post(f"/pages/{second}/approve", data={"csrf": token})
    assert refused.status_code == 409
    assert "Số định danh cá nhân" in refused.text and "Chưa thể duyệt" in refused.text
    (other,) = world.entries["A1"]
    client.post(
        f"/entries/{other}/fields/personal_id", data={"value": "001198012345", "csrf": token}
    )
    last = client.post(f"/entries/{other}/approve", data={"csrf": token})
    assert (last.status_code, last.headers["location"]) == (303, "/queue")
    assert t("review.queue.empty") in client.get("/queue").text
    reopened = client.post(f"/entries/{other}/reopen", data={"csrf": token})
    assert reopened.headers["location"] == f"/pages/{second}"
    with session_scope(world.engine) as session:
        statuses = [session.get_one(EntryRow, e).status for e in world.entries["A2"]]
        assert statuses == ["approved", "approved"]  # the second entry the machine approved
        assert session.get_one(EntryRow, other).status == "needs_review"
    assert [r.action for r in world.audit() if r.action in ("approve", "reopen")] == [
        "approve",
        "approve",
        "reopen",
    ]


def test_a_reviewer_without_script_keeps_the_queue_filters(world: World) -> None:
    client = world.as_user("rev.a")
    page_id = world.pages["A1"]
    html = client.get(f"/pages/{page_id}", params={"commune": A}).text
    assert f'action="/pages/{page_id}/approve?commune={A}"' in html
    assert 'href="/queue?commune=' in html
