"""Sessions (expiry, logout, replay, CSRF) and scopes (which communes and data a role reaches),
as the review web app will use them."""

from __future__ import annotations

import pytest
from accounts_support import STRONG, Clock, clock_fixture, engine_fixture, policy
from sqlalchemy import Engine, func, select
from test_db_support import THRESHOLD, entry, ref, result

from hotich.db import save_result, session_scope
from hotich.db.models import AuditRow, EntryRow, LoginSession, Page
from hotich.review.access import (
    NON_PERSONAL_FIELDS,
    NotVisibleError,
    scope_for,
    visible_entries,
    visible_pages,
)
from hotich.review.accounts import Account
from hotich.review.login import authenticate
from hotich.review.manage import create_user, disable_user, set_password
from hotich.review.policy import AuthPolicy
from hotich.review.sessions import (
    NewSession,
    SessionError,
    check_csrf,
    create_session,
    end_session,
    token_hash,
    validate_session,
)

_ = (engine_fixture, clock_fixture)  # fixtures, used by name

A, B = "20227-dai-thanh", "20230-an-binh"
IP = "10.0.0.5"


def _rules() -> AuthPolicy:
    return policy(mfa_roles=frozenset())


def _login(engine: Engine, clock: Clock, name: str = "lan") -> NewSession:
    with session_scope(engine, write=True) as s:
        account = authenticate(s, name, STRONG, None, IP, policy=_rules(), clock=clock)
        return create_session(s, account, ip=IP, policy=_rules(), clock=clock)


def _check(engine: Engine, clock: Clock, token: str, ip: str = IP) -> Account:
    with session_scope(engine, write=True) as s:
        return validate_session(s, token, ip=ip, policy=_rules(), clock=clock)


def _reason(engine: Engine, clock: Clock, token: str, ip: str = IP) -> str:
    with pytest.raises(SessionError) as caught:
        _check(engine, clock, token, ip)
    return caught.value.reason


@pytest.fixture(name="lan")
def lan_fixture(engine: Engine, clock: Clock) -> Engine:
    """A clerk of commune A, allowed from 10.0.0.0/8."""
    with session_scope(engine, write=True) as s:
        create_user(
            s,
            "lan",
            "clerk",
            STRONG,
            communes=[A],
            networks=["10.0.0.0/8"],
            policy=_rules(),
            actor="cli:test",
            clock=clock,
        )
    return engine


def test_a_session_lives_until_idle_or_expired(lan: Engine, clock: Clock) -> None:
    new = _login(lan, clock)
    assert _check(lan, clock, new.token).username == "lan"
    with session_scope(lan) as s:
        row = s.scalars(select(LoginSession)).one()
        assert row.token_hash == token_hash(new.token) and new.token not in row.token_hash
        assert row.expires_at == clock.now + _rules().session_lifetime
    for _ in range(16):  # in use every 29 minutes: alive until 8 hours after the login
        clock.advance(minutes=29)
        assert _check(lan, clock, new.token).communes == {A}
    clock.advance(minutes=14)  # 7 h 58 min
    assert _check(lan, clock, new.token).username == "lan"
    clock.advance(minutes=2)  # 8 h
    assert _reason(lan, clock, new.token) == "expired"
    assert _reason(lan, clock, new.token) == "ended"  # for good

    idle = _login(lan, clock)
    clock.advance(minutes=30)
    assert _reason(lan, clock, idle.token) == "idle"


def test_logout_ends_the_session_and_a_replayed_cookie_fails(lan: Engine, clock: Clock) -> None:
    new = _login(lan, clock)
    other = _login(lan, clock)  # another browser
    with session_scope(lan, write=True) as s:
        assert end_session(s, new.token, ip=IP, clock=clock)
    assert _reason(lan, clock, new.token) == "ended"
    with session_scope(lan, write=True) as s:
        assert not end_session(s, new.token, ip=IP, clock=clock)  # nothing left to end
    assert _check(lan, clock, other.token).username == "lan"
    assert _reason(lan, clock, "made-up-token") == "unknown"
    assert _reason(lan, clock, "") == "missing"
    with session_scope(lan) as s:
        logouts = s.scalars(select(AuditRow).where(AuditRow.action == "logout")).all()
        assert [(r.username, r.ip) for r in logouts] == [("lan", IP)]


def test_password_change_and_disabling_end_every_session(lan: Engine, clock: Clock) -> None:
    first, second = _login(lan, clock), _login(lan, clock)
    with session_scope(lan, write=True) as s:
        set_password(s, "lan", "bèo dạt mây trôi mãi", policy=_rules(), actor="lan")
    assert _reason(lan, clock, first.token) == _reason(lan, clock, second.token) == "ended"
    with session_scope(lan, write=True) as s:
        account = authenticate(s, "lan", "bèo dạt mây trôi mãi", None, IP, policy=_rules())
        third = create_session(s, account, ip=IP, policy=_rules(), clock=clock)
    with session_scope(lan, write=True) as s:
        disable_user(s, "lan", actor="cli:test")
    assert _reason(lan, clock, third.token) == "ended"


def test_a_session_is_refused_outside_the_allowed_networks(lan: Engine, clock: Clock) -> None:
    new = _login(lan, clock)
    assert _reason(lan, clock, new.token, ip="203.0.113.9") == "ip_not_allowed"
    assert _check(lan, clock, new.token, ip="10.20.30.40").username == "lan"


def test_csrf_token_is_bound_to_its_session(lan: Engine, clock: Clock) -> None:
    first, second = _login(lan, clock), _login(lan, clock)
    assert check_csrf(first.token, first.csrf_token)
    assert not check_csrf(first.token, second.csrf_token)
    assert not check_csrf(first.token, None) and not check_csrf(first.token, "")
    assert first.csrf_token not in (first.token, second.csrf_token)


# --- scopes ---------------------------------------------------------------------------------


def _pages(engine: Engine) -> dict[str, list[int]]:
    """Two pages in commune A, one in commune B, each with an entry; page ids by commune."""
    with session_scope(engine) as s:
        for commune, page_no in ((A, 1), (A, 2), (B, 1)):
            page = result(page_no, entry(0), page_ref=ref(page_no, commune=commune))
            save_result(s, page, None, THRESHOLD)
    with session_scope(engine) as s:
        ids: dict[str, list[int]] = {A: [], B: []}
        for page in s.scalars(select(Page).order_by(Page.id)):
            ids[page.book.commune.key].append(page.id)
        return ids


@pytest.mark.parametrize(
    ("role", "communes", "pages"),
    [
        ("clerk", [A], [A]),
        ("reviewer", [B], [B]),
        ("reviewer", [A, B], [A, B]),
        ("supervisor", [], [A, B]),
        ("admin", [], []),
        ("clerk", ["99999-khong-co"], []),
    ],
)
def test_queries_return_only_what_the_scope_sees(
    engine: Engine, role: str, communes: list[str], pages: list[str]
) -> None:
    ids = _pages(engine)
    scope = scope_for(role, communes)
    expected = sorted(i for commune in pages for i in ids[commune])
    with session_scope(engine) as s:
        seen = s.scalars(visible_pages(select(Page.id), scope).order_by(Page.id)).all()
        assert seen == expected
        entry_pages = s.scalars(visible_entries(select(EntryRow.page_id), scope)).all()
        assert sorted(entry_pages) == expected
        count = visible_pages(select(func.count()).select_from(Page), scope)  # any query shape
        assert s.scalar(count) == len(expected)


def test_objects_outside_the_scope_are_not_found() -> None:
    clerk, supervisor, admin = scope_for("clerk", [A]), scope_for("supervisor"), scope_for("admin")
    clerk.require(A, personal=True)
    for call in (
        lambda: clerk.require(B),
        lambda: clerk.require(A, review=True),  # a clerk sees, a reviewer changes
        lambda: clerk.require(None),
        lambda: supervisor.require(A, personal=True),  # no images, no names
        lambda: admin.require(A),
    ):
        with pytest.raises(NotVisibleError) as caught:
            call()
        assert caught.value.key == "access.not_found"
    scope_for("reviewer", [B]).require(B, personal=True, review=True)
    supervisor.require(B)  # the page list and its figures
    assert supervisor.sees(B) and not admin.sees(A) and not clerk.sees(B)


def test_supervisor_reads_no_personal_field() -> None:
    fields = {"register_number": "12", "full_name": "NGUYỄN THỊ HOA", "personal_id": "0010850"}
    assert scope_for("supervisor").fields(fields) == {"register_number": "12"}
    assert scope_for("clerk", [A]).fields(fields) == fields
    assert "full_name" not in NON_PERSONAL_FIELDS and "date_of_birth" not in NON_PERSONAL_FIELDS
