"""The review app's JSON API (shared/CONTRACT.md, "Review app JSON API") as a script or the
page view's own script uses it, on SQLite and PostgreSQL: login, page list, page records in the
export form, corrections re-validated and kept as rows, approvals refused while issues stand,
rejections with a reason, progress of the caller's communes."""

from __future__ import annotations

from sqlalchemy import select

from hotich.db import session_scope
from hotich.db.models import Correction, Decision, EntryRow, FieldRow
from tests.accounts_support import STRONG
from tests.review_support import BOOK_A, IP, A, B, World, world_fixture

_ = world_fixture  # fixture, used by name
PAGE_KEYS = {"id", "commune", "book", "page_no", "register_type", "width", "height", "entries"}
ENTRY_KEYS = {"id", "page", "register_type", "entry_index", "status", "confidence", "fields"}
FIELD_KEYS = {"value", "confidence", "raw", "bbox", "issues"}


def test_login_answers_401_until_name_password_and_code_are_right(world: World) -> None:
    client = world.client()
    bad = client.post("/api/login", json={"username": "rev.a", "password": "sai mật khẩu rồi"})
    assert (bad.status_code, "mfa_required" in bad.json()) == (401, False)
    no_code = client.post("/api/login", json={"username": "rev.a", "password": STRONG})
    assert no_code.status_code == 401 and no_code.json()["mfa_required"] is True
    unknown = client.post("/api/login", json={"username": "nobody", "password": STRONG})
    assert unknown.status_code == 401 and unknown.json()["error"] == bad.json()["error"]
    assert client.get("/api/pages").status_code == 401
    good = client.post(
        "/api/login", json={"username": "rev.a", "password": STRONG, "totp": world.totp("rev.a")}
    )
    assert good.json() == {"username": "rev.a", "role": "reviewer", "communes": [A]}
    cookie = good.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=" in cookie
    assert "secure" not in cookie  # plain HTTP here; Secure behind HTTPS
    logins = [(r.username, r.outcome, r.ip) for r in world.audit("login")]
    assert logins == [
        ("rev.a", "denied", IP),
        ("rev.a", "denied", IP),
        ("nobody", "denied", IP),
        ("rev.a", "ok", IP),
    ]
    assert client.post("/api/logout", json={}).json() == {"ok": True}
    assert [(r.username, r.ip) for r in world.audit("logout")] == [("rev.a", IP)]


def test_page_list_lowest_confidence_first_filtered_and_scoped(world: World) -> None:
    client = world.as_user("rev.a")
    pages = client.get("/api/pages").json()
    assert [p["id"] for p in pages] == [world.pages[k] for k in ("A2", "A1", "A3")]
    assert pages[0] == {
        "id": world.pages["A2"],
        "commune": A,
        "book": BOOK_A,
        "page_no": 2,
        "status": "needs_review",
        "confidence": 0.41,
    }
    review = client.get("/api/pages", params={"status": "needs_review"}).json()
    assert [p["page_no"] for p in review] == [2, 1]
    assert [p["status"] for p in client.get("/api/pages?status=approved").json()] == ["approved"]
    assert client.get("/api/pages", params={"limit": 1}).json() == pages[:1]
    assert client.get("/api/pages", params={"commune": B}).json() == []
    assert client.get("/api/pages", params={"status": "done"}).status_code == 400
    assert client.get("/api/pages", params={"limit": 0}).status_code == 400


def test_page_record_is_the_export_form_with_entry_ids(world: World) -> None:
    client = world.as_user("clerk.a")
    answer = client.get(f"/api/pages/{world.pages['A2']}")
    assert answer.headers["cache-control"] == "no-store"
    page = answer.json()
    assert set(page) == PAGE_KEYS
    assert (page["commune"], page["book"], page["page_no"]) == (A, BOOK_A, 2)
    assert (page["width"], page["height"]) == (620, 877)
    assert [e["id"] for e in page["entries"]] == world.entries["A2"]
    first = page["entries"][0]
    assert set(first) == ENTRY_KEYS
    assert all(set(f) == FIELD_KEYS for f in first["fields"].values())
    assert first["fields"]["date_of_birth"]["confidence"] == 0.41
    assert first["page"]["source"] == f"{A}/{BOOK_A}/0002.png"
    assert [(r.action, r.object_id, r.commune) for r in world.audit("view_record")] == [
        ("view_record", str(world.pages["A2"]), A)
    ]


def test_a_correction_is_stored_canonical_revalidated_and_kept_as_a_row(world: World) -> None:
    client = world.as_user("rev.a")
    (entry_id,) = world.entries["A1"]
    url = f"/api/entries/{entry_id}/fields/date_of_birth"
    impossible = client.post(url, json={"value": "31/02/1998"}).json()
    field = impossible["fields"]["date_of_birth"]
    assert field["value"] == "31/02/1998"  # no date can be made of it: kept as typed
    assert [i["code"] for i in field["issues"]] == ["date.impossible"]
    assert impossible["id"] == entry_id and impossible["status"] == "needs_review"
    fixed = client.post(url, json={"value": "15/3/1998"}).json()["fields"]["date_of_birth"]
    assert (fixed["value"], fixed["raw"], fixed["confidence"], fixed["issues"]) == (
        "1998-03-15",
        "1998-03-15",
        1.0,
        [],
    )
    # re-validation reaches the other fields: the ID (of a girl) disagrees with a changed sex
    other = world.entries["A2"][0]
    sex = client.post(f"/api/entries/{other}/fields/sex", json={"value": "nam"}).json()
    assert sex["fields"]["sex"]["value"] == "Nam"
    assert [i["code"] for i in sex["fields"]["personal_id"]["issues"]] == [
        "personal_id.sex_mismatch"
    ]
    back = client.post(f"/api/entries/{other}/fields/sex", json={"value": "Nữ"}).json()
    assert back["fields"]["personal_id"]["issues"] == []
    with session_scope(world.engine) as session:
        rows = session.scalars(
            select(Correction).where(Correction.entry_id == entry_id).order_by(Correction.id)
        )
        history = [(c.field, c.old_value, c.new_value, c.username) for c in rows]
        machine = session.scalars(
            select(FieldRow.value).where(
                FieldRow.entry_id == entry_id, FieldRow.name == "date_of_birth"
            )
        ).one()
    assert history == [
        ("date_of_birth", "1998-03-15", "31/02/1998", "rev.a"),
        ("date_of_birth", "31/02/1998", "1998-03-15", "rev.a"),
    ]
    assert machine == "1998-03-15"  # the machine's reading is never overwritten
    corrections = world.audit("correct")
    assert [(r.username, r.object_id, r.detail["field"]) for r in corrections] == [
        ("rev.a", str(entry_id), "date_of_birth"),
        ("rev.a", str(entry_id), "date_of_birth"),
        ("rev.a", str(other), "sex"),
        ("rev.a", str(other), "sex"),
    ]
    assert all("31/02" not in str(r.detail) and "Nam" not in str(r.detail) for r in corrections)
    unknown = client.post(f"/api/entries/{entry_id}/fields/wife_name", json={"value": "X"})
    assert unknown.status_code == 400


def test_approval_is_refused_while_issues_stand_then_recorded(world: World) -> None:
    client = world.as_user("rev.a")
    (entry_id,) = world.entries["A1"]
    refused = client.post(f"/api/entries/{entry_id}/approve", json={})
    assert refused.status_code == 409 and refused.json()["fields"] == ["personal_id"]
    client.post(f"/api/entries/{entry_id}/fields/personal_id", json={"value": "001198012345"})
    approved = client.post(f"/api/entries/{entry_id}/approve", json={})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = client.post(f"/api/entries/{entry_id}/approve", json={})
    assert again.status_code == 409
    late = client.post(f"/api/entries/{entry_id}/fields/sex", json={"value": "Nam"})
    assert late.status_code == 400  # an approved entry is reopened before it is changed
    with session_scope(world.engine) as session:
        decisions = session.scalars(select(Decision).where(Decision.entry_id == entry_id))
        assert [(d.action, d.old_status, d.new_status, d.username) for d in decisions] == [
            ("approve", "needs_review", "approved", "rev.a")
        ]
    assert [(r.action, r.object_id) for r in world.audit("approve")] == [("approve", str(entry_id))]


def test_an_advisory_issue_is_confirmed_by_saving_the_field(world: World) -> None:
    client = world.as_user("rev.a")
    entry_id = world.entries["A2"][0]
    saved = client.post(
        f"/api/entries/{entry_id}/fields/place_of_birth", json={"value": "Xóm Núi Đỏ"}
    ).json()
    codes = [i["code"] for i in saved["fields"]["place_of_birth"]["issues"]]
    assert codes and all(code.startswith("place.") for code in codes)  # shown, not blocking
    assert client.post(f"/api/entries/{entry_id}/approve", json={}).status_code == 200


def test_reject_needs_a_reason_and_is_recorded(world: World) -> None:
    client = world.as_user("rev.a")
    entry_id = world.entries["A2"][0]
    assert client.post(f"/api/entries/{entry_id}/reject", json={}).status_code == 400
    reason = "Trang bị rách, không đọc được ngày sinh"
    rejected = client.post(f"/api/entries/{entry_id}/reject", json={"reason": reason})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    with session_scope(world.engine) as session:
        entry = session.get_one(EntryRow, entry_id)
        decision = session.scalars(select(Decision).where(Decision.entry_id == entry_id)).one()
        assert (entry.status, decision.reason, decision.username) == ("rejected", reason, "rev.a")
    (row,) = world.audit("reject")
    assert reason not in str(row.detail)


def test_progress_shows_only_the_callers_communes(world: World) -> None:
    def keys(name: str) -> list[str | None]:
        rows = world.as_user(name).get("/api/progress", params={"by": "commune"}).json()
        assert rows[-1]["total"] is True
        return [r["key"] for r in rows]

    assert keys("rev.a") == [A, None]
    assert keys("clerk.b") == [B, None]
    assert keys("sup") == [A, B, None]
    row = world.as_user("clerk.a").get("/api/progress").json()[0]
    assert (row["pages"], row["needs_review"], row["approved"]) == (3, 2, 1)
    assert world.as_user("adm").get("/api/progress").status_code == 404


def test_api_writes_take_json_bodies_only(world: World) -> None:
    client = world.as_user("rev.a")
    entry_id = world.entries["A2"][0]
    url = f"/api/entries/{entry_id}/fields/full_name"
    as_form = client.post(url, data={"value": "GIẢ MẠO"})
    as_text = client.post(
        url, content=b'{"value": "GIA MAO"}', headers={"content-type": "text/plain"}
    )
    multipart = client.post(url, files={"value": (None, "GIẢ MẠO")})
    assert [a.status_code for a in (as_form, as_text, multipart)] == [415, 415, 415]
    assert client.post(f"/api/entries/{entry_id}/approve").status_code == 415
    login = world.client().post("/api/login", data={"username": "clerk.a", "password": STRONG})
    assert login.status_code == 415
    assert (
        client.post(url, content=b"[1]", headers={"content-type": "application/json"}).status_code
        == 400
    )
    with session_scope(world.engine) as session:
        assert session.scalar(select(Correction.id)) is None
        assert session.get_one(EntryRow, entry_id).status == "needs_review"
