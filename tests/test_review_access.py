"""Access control on the server, by the commune of the object: every role, asking by direct URL
and id for another commune's page, image, crop and record (and for ids that do not exist), gets
404 with the same answer; each refusal is recorded. A supervisor (every commune) reads no
personal data and no image; an admin reads nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hotich.db import session_scope
from hotich.db.models import Correction, Decision
from tests.review_support import A, B, World, world_fixture

_ = world_fixture  # fixture, used by name
NOT_FOUND = {"error": "Không tìm thấy."}


def _reads(world: World, page: str) -> dict[str, str]:
    entry_id = world.entries[page][0]
    page_id = world.pages[page]
    return {
        "html page": f"/pages/{page_id}",
        "api record": f"/api/pages/{page_id}",
        "image": f"/api/pages/{page_id}/image",
        "crop": f"/api/entries/{entry_id}/fields/full_name/crop",
    }


def _writes(world: World, page: str) -> dict[str, tuple[str, dict[str, str]]]:
    entry_id = world.entries[page][0]
    return {
        "correct": (f"/api/entries/{entry_id}/fields/full_name", {"value": "GIẢ MẠO"}),
        "approve": (f"/api/entries/{entry_id}/approve", {}),
        "reject": (f"/api/entries/{entry_id}/reject", {"reason": "thử"}),
    }


def _all_not_found(client: TestClient, world: World, page: str) -> None:
    for what, url in _reads(world, page).items():
        answer = client.get(url)
        assert answer.status_code == 404, (what, answer.status_code)
        if url.startswith("/api/"):
            assert answer.json() == NOT_FOUND, what
        assert "NGUYỄN" not in answer.text and "LÝ THỊ" not in answer.text
    for what, (url, body) in _writes(world, page).items():
        assert client.post(url, json=body).status_code == 404, what
    csrf_form = client.post(f"/pages/{world.pages[page]}/approve", data={"csrf": "x"})
    assert csrf_form.status_code in (403, 404)


@pytest.mark.parametrize(
    ("name", "other"),
    [("rev.a", "B1"), ("clerk.a", "B1"), ("rev.b", "A1"), ("clerk.b", "A1")],
)
def test_another_communes_objects_answer_404(world: World, name: str, other: str) -> None:
    client = world.as_user(name)
    _all_not_found(client, world, other)
    with session_scope(world.engine) as session:
        assert session.scalar(select(func.count()).select_from(Correction)) == 0
        assert session.scalar(select(func.count()).select_from(Decision)) == 0
    denied = [r for r in world.audit() if r.outcome == "denied"]
    assert denied and all(r.username == name for r in denied)
    assert {r.action for r in denied} >= {"view_page", "view_record", "view_image", "correct"}


def test_ids_that_do_not_exist_answer_like_ids_out_of_reach(world: World) -> None:
    client = world.as_user("rev.a")
    missing = {"A9": 999_999}
    world.pages.update(missing)
    world.entries["A9"] = [999_999]
    _all_not_found(client, world, "A9")


def test_admin_reaches_no_record_at_all(world: World) -> None:
    client = world.as_user("adm")
    assert client.get("/api/pages").json() == []
    for page in ("A1", "B1"):
        _all_not_found(client, world, page)


def test_a_clerk_reads_their_commune_but_changes_nothing(world: World) -> None:
    client = world.as_user("clerk.a")
    for url in _reads(world, "A1").values():
        assert client.get(url).status_code == 200, url
    assert [p["commune"] for p in client.get("/api/pages").json()] == [A, A, A]
    for what, (url, body) in _writes(world, "A1").items():
        assert client.post(url, json=body).status_code == 404, what


def test_a_supervisor_lists_every_commune_without_personal_data(world: World) -> None:
    client = world.as_user("sup")
    assert sorted({p["commune"] for p in client.get("/api/pages").json()}) == [A, B]
    record = client.get(f"/api/pages/{world.pages['B1']}").json()
    fields = record["entries"][0]["fields"]
    assert sorted(fields) == ["book_number", "register_number", "registration_date"]
    assert "LÝ THỊ MAI" not in str(record)
    for what, url in _reads(world, "B1").items():
        if what != "api record":
            assert client.get(url).status_code == 404, what
    for what, (url, body) in _writes(world, "B1").items():
        assert client.post(url, json=body).status_code == 404, what
