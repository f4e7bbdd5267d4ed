"""The progress page of the review app: the report's figures for the communes the caller sees,
under a policy that allows only the report's own inline style and script; views are audited."""

from __future__ import annotations

import re

from tests.review_support import A, B, World, world_fixture  # noqa: F401


def test_each_role_sees_the_progress_of_its_communes_only(world: World) -> None:
    supervisor = world.as_user("sup").get("/progress")
    assert supervisor.status_code == 200
    assert A in supervisor.text and B in supervisor.text
    clerk = world.as_user("clerk.b").get("/progress?by=commune")
    assert clerk.status_code == 200
    assert B in clerk.text and A not in clerk.text
    assert world.as_user("adm").get("/progress").status_code == 404
    assert world.client().get("/progress", follow_redirects=False).status_code == 303
    views = world.audit("view_report")
    assert [(r.username, r.outcome) for r in views] == [
        ("sup", "ok"),
        ("clerk.b", "ok"),
        ("adm", "denied"),
    ]


def test_the_policy_allows_the_reports_own_inline_blocks_and_nothing_else(world: World) -> None:
    answer = world.as_user("sup").get("/progress?by=province")
    policy = answer.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "default-src 'none'" in policy
    assert len(re.findall(r"script-src 'sha256-[A-Za-z0-9+/=]+';", policy)) == 1
    assert "http" not in policy
    assert world.as_user("sup").get("/progress?by=planet").status_code == 400
