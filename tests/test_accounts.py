"""Accounts of the review app: argon2id passwords and their rules, the second factor, lockout,
allowed networks, password history; every login attempt in the audit log."""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from accounts_support import STRONG, Clock, cheap_hasher, clock_fixture, engine_fixture, policy
from sqlalchemy import Engine, select

from hotich.db import session_scope
from hotich.db.models import AuditRow, PasswordHistory, User
from hotich.errors import BadInputError, ExitCode
from hotich.review.login import (
    AccountDisabledError,
    AccountLockedError,
    BadCredentialsError,
    BadTotpError,
    IpNotAllowedError,
    MfaRequiredError,
    authenticate,
)
from hotich.review.manage import (
    UserExistsError,
    change_password,
    create_user,
    disable_user,
    set_password,
    unlock_user,
)
from hotich.review.password_policy import WeakPasswordError, check_password
from hotich.review.passwords import default_hasher, hash_password, verify_password
from hotich.review.policy import AuthPolicy, parse_roles
from hotich.review.totp import check_code, code_at

_ = (engine_fixture, clock_fixture)  # fixtures, used by name

COMMUNE = "20227-dai-thanh"


def _secret(uri: str | None) -> str:
    assert uri is not None and uri.startswith("otpauth://totp/hotich:")
    query = parse_qs(urlparse(uri).query)
    assert query["issuer"] == ["hotich"]
    return query["secret"][0]


def _add(
    engine: Engine,
    name: str,
    role: str = "clerk",
    *,
    rules: AuthPolicy | None = None,
    clock: Clock | None = None,
    **kwargs: object,
) -> str | None:
    """Create an account; its otpauth URI (None without a second factor)."""
    if role in ("clerk", "reviewer"):
        kwargs.setdefault("communes", [COMMUNE])
    with session_scope(engine, write=True) as s:
        new = create_user(
            s,
            name,
            role,
            STRONG,
            policy=rules or policy(),
            actor="cli:test",
            clock=clock or Clock(),
            **kwargs,  # type: ignore[arg-type]
        )
    return new.otpauth_uri


def _login(
    engine: Engine,
    name: str,
    password: str = STRONG,
    totp: str | None = None,
    ip: str | None = "10.0.0.5",
    *,
    rules: AuthPolicy | None = None,
    clock: Clock | None = None,
) -> str:
    """Log in; the account name on success."""
    with session_scope(engine, write=True) as s:
        account = authenticate(
            s, name, password, totp, ip, policy=rules or policy(), clock=clock or Clock()
        )
        return account.username


def _logins(engine: Engine) -> list[tuple[str | None, str, str | None, object]]:
    with session_scope(engine) as s:
        rows = s.scalars(select(AuditRow).where(AuditRow.action == "login").order_by(AuditRow.id))
        return [(r.username, r.outcome, r.ip, r.detail.get("reason")) for r in rows]


# --- passwords ------------------------------------------------------------------------------


def test_passwords_are_hashed_with_argon2id() -> None:
    hasher = default_hasher()
    stored = hash_password(STRONG, hasher)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert STRONG not in stored and hash_password(STRONG, hasher) != stored  # salted
    assert verify_password(stored, STRONG, hasher)
    assert not verify_password(stored, STRONG + "!", hasher)
    assert not verify_password("not a hash", STRONG, hasher)
    with pytest.raises(ValueError, match="argon2id"):
        from argon2 import PasswordHasher, Type

        AuthPolicy(hasher=PasswordHasher(type=Type.I))


@pytest.mark.parametrize(
    ("password", "key"),
    [
        ("ngắn quá", "users.password.too_short"),
        ("x" * 257, "users.password.too_long"),
        ("password1234", "users.password.common"),  # "password" with digits added
        ("iloveyou2024!", "users.password.common"),
        ("qwertyuiopasdfgh", "users.password.predictable"),  # a keyboard walk
        ("lkjhgfdsapoiuytr", "users.password.predictable"),
        ("Mật Khẩu 2026!!", "users.password.common"),  # the Vietnamese word for "password"
        ("lan.nguyen đẹp trai", "users.password.has_username"),
        ("4444555566667777", "users.password.predictable"),
        ("qrstuvwxyzabcd", "users.password.predictable"),
        ("xk7Pxk7Pxk7Pxk7P", "users.password.predictable"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, key: str) -> None:
    with pytest.raises(WeakPasswordError) as caught:
        check_password(password, username="lan.nguyen", min_length=12)
    assert caught.value.key == key
    assert caught.value.exit_code == ExitCode.bad_args
    assert password not in str(caught.value)


@pytest.mark.parametrize("password", [STRONG, "Tr0ng-đầm-gì-đẹp-bằng-sen", "x7#Kq9!vLm2$Wp"])
def test_strong_passwords_pass(password: str) -> None:
    check_password(password, username="lan.nguyen", min_length=12)


def test_minimum_length_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTICH_PASSWORD_MIN_LENGTH", "20")
    monkeypatch.setenv("HOTICH_LOCKOUT_THRESHOLD", "7")
    monkeypatch.setenv("HOTICH_MFA_ROLES", "admin")
    rules = AuthPolicy.from_settings()
    assert (rules.min_password_length, rules.lockout_threshold) == (20, 7)
    assert rules.mfa_roles == {"admin"}
    with pytest.raises(BadInputError):
        parse_roles("admin,boss")


def test_history_refuses_each_of_the_last_five_and_accepts_the_sixth(engine: Engine) -> None:
    rules = policy()
    _add(engine, "lan", rules=rules)
    passwords = [STRONG] + [f"mùa thu lá vàng rơi {n}" for n in range(1, 5)]
    for new in passwords[1:]:
        with session_scope(engine, write=True) as s:
            set_password(s, "lan", new, policy=rules, actor="cli:test")
    for old in passwords:  # the current one and the four before it
        with session_scope(engine, write=True) as s, pytest.raises(WeakPasswordError) as caught:
            set_password(s, "lan", old, policy=rules, actor="cli:test")
        assert caught.value.key == "users.password.reused"
    with session_scope(engine, write=True) as s:
        set_password(s, "lan", "mùa thu lá vàng rơi 5", policy=rules, actor="cli:test")
    with session_scope(engine, write=True) as s:  # the first is now six back: allowed again
        set_password(s, "lan", STRONG, policy=rules, actor="cli:test")
        assert len(s.scalars(select(PasswordHistory)).all()) == 5
    assert _login(engine, "lan", STRONG, rules=rules) == "lan"
    with pytest.raises(BadCredentialsError):
        _login(engine, "lan", "mùa thu lá vàng rơi 5", rules=rules)


def test_changing_ones_own_password_needs_the_current_one(engine: Engine) -> None:
    rules = policy()
    _add(engine, "lan", rules=rules)
    with session_scope(engine, write=True) as s:
        account = authenticate(s, "lan", STRONG, None, "10.0.0.5", policy=rules)
    with session_scope(engine, write=True) as s, pytest.raises(BadCredentialsError):
        change_password(s, account, "wrong one entirely", "bờ tre xanh mát rượi", policy=rules)
    with session_scope(engine, write=True) as s:
        change_password(s, account, STRONG, "bờ tre xanh mát rượi", policy=rules)
    assert _login(engine, "lan", "bờ tre xanh mát rượi", rules=rules) == "lan"
    with session_scope(engine) as s:
        changes = s.scalars(select(AuditRow).where(AuditRow.action == "password_change")).all()
        assert [(c.outcome, c.username) for c in changes] == [("denied", "lan"), ("ok", "lan")]


def test_login_rehashes_when_the_parameters_change(engine: Engine) -> None:
    _add(engine, "lan", rules=policy(hasher=cheap_hasher(time_cost=1)))
    stronger = policy(hasher=cheap_hasher(time_cost=2))
    _login(engine, "lan", rules=stronger)
    with session_scope(engine) as s:
        stored = s.scalars(select(User.password_hash)).one()
    assert stored.startswith("$argon2id$v=19$m=1024,t=2,p=1$")
    assert _login(engine, "lan", rules=stronger) == "lan"


# --- accounts -------------------------------------------------------------------------------


def test_account_names_roles_and_communes_are_checked(engine: Engine) -> None:
    _add(engine, "Lan.Nguyen")
    with pytest.raises(UserExistsError):
        _add(engine, "lan.nguyen")
    for bad in ("ab", "Nguyễn Lan", "lan nguyen", "-lan"):
        with pytest.raises(BadInputError):
            _add(engine, bad)
    with pytest.raises(BadInputError):
        _add(engine, "minh", "clerk", communes=[])
    with pytest.raises(BadInputError):
        _add(engine, "hoa", "supervisor", communes=[COMMUNE])
    with pytest.raises(BadInputError):
        _add(engine, "hai", "clerk", networks=["10.0.0.0/33"])
    with session_scope(engine) as s:
        assert s.scalars(select(User.username)).all() == ["lan.nguyen"]
        assert len(s.scalars(select(AuditRow)).all()) == 1  # the one account created


# --- logging in -----------------------------------------------------------------------------


def test_wrong_password_and_unknown_name_are_refused_alike(engine: Engine) -> None:
    _add(engine, "lan")
    with pytest.raises(BadCredentialsError) as wrong:
        _login(engine, "lan", "not the password at all")
    with pytest.raises(BadCredentialsError) as unknown:
        _login(engine, "nobody", STRONG)
    assert str(wrong.value) == str(unknown.value)
    assert _login(engine, "  LAN ", STRONG) == "lan"  # as typed: trimmed, any case


def test_lockout_after_repeated_failures_and_unlock_after_the_time(
    engine: Engine, clock: Clock
) -> None:
    rules = policy(lockout_threshold=3)
    _add(engine, "lan", rules=rules)
    for _ in range(3):
        with pytest.raises(BadCredentialsError):
            _login(engine, "lan", "wrong password here", rules=rules, clock=clock)
    clock.advance(minutes=14)
    with pytest.raises(AccountLockedError) as locked:  # even with the right password
        _login(engine, "lan", STRONG, rules=rules, clock=clock)
    assert "2026-11-23 08:15" in str(locked.value)
    clock.advance(minutes=1)
    assert _login(engine, "lan", STRONG, rules=rules, clock=clock) == "lan"
    with session_scope(engine) as s:
        user = s.scalars(select(User)).one()
        assert (user.failed_logins, user.locked_until) == (0, None)
    reasons = [reason for _, _, _, reason in _logins(engine)]
    assert reasons == ["bad_credentials"] * 3 + ["locked", None]


def test_an_admin_can_unlock_and_a_disabled_account_cannot_log_in(
    engine: Engine, clock: Clock
) -> None:
    rules = policy(lockout_threshold=1)
    _add(engine, "lan", rules=rules)
    with pytest.raises(BadCredentialsError):
        _login(engine, "lan", "wrong password here", rules=rules, clock=clock)
    with pytest.raises(AccountLockedError):
        _login(engine, "lan", rules=rules, clock=clock)
    with session_scope(engine, write=True) as s:
        unlock_user(s, "lan", actor="cli:test")
    assert _login(engine, "lan", rules=rules, clock=clock) == "lan"
    with session_scope(engine, write=True) as s:
        disable_user(s, "lan", actor="cli:test")
    with pytest.raises(AccountDisabledError):
        _login(engine, "lan", rules=rules, clock=clock)


def test_second_factor_is_required_for_reviewer_and_admin(engine: Engine, clock: Clock) -> None:
    uris = {role: _add(engine, role, role) for role in ("clerk", "reviewer", "supervisor", "admin")}
    assert uris["clerk"] is None and uris["supervisor"] is None
    for role in ("reviewer", "admin"):
        secret = _secret(uris[role])
        with pytest.raises(MfaRequiredError):
            _login(engine, role, clock=clock)
        wrong = str((int(code_at(secret, clock.now)) + 1) % 1_000_000).zfill(6)
        with pytest.raises(BadTotpError):
            _login(engine, role, totp=wrong, clock=clock)
        assert _login(engine, role, totp=code_at(secret, clock.now), clock=clock) == role
    assert _login(engine, "clerk", clock=clock) == "clerk"


def test_a_code_is_never_accepted_twice(engine: Engine, clock: Clock) -> None:
    secret = _secret(_add(engine, "minh", "reviewer"))
    code = code_at(secret, clock.now)
    assert _login(engine, "minh", totp=code, clock=clock) == "minh"
    with pytest.raises(BadTotpError):
        _login(engine, "minh", totp=code, clock=clock)
    clock.advance(seconds=30)
    assert _login(engine, "minh", totp=code_at(secret, clock.now), clock=clock) == "minh"
    denied = [r for r in _logins(engine) if r[1] == "denied"]
    assert denied == [("minh", "denied", "10.0.0.5", "bad_totp")]
    with session_scope(engine) as s:
        row = s.scalars(select(AuditRow).where(AuditRow.outcome == "denied")).one()
        assert row.detail["replayed"] is True


def test_totp_accepts_one_step_of_drift_and_no_more(clock: Clock) -> None:
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    step = timedelta(seconds=30)
    for drift in (-step, step):
        assert check_code(
            secret, code_at(secret, clock.now + drift), last_step=None, now=clock.now
        ).ok
    for drift in (-2 * step, 2 * step):
        assert not check_code(
            secret, code_at(secret, clock.now + drift), last_step=None, now=clock.now
        ).ok
    assert not check_code(secret, "12345", last_step=None, now=clock.now).ok
    assert not check_code(secret, "abcdef", last_step=None, now=clock.now).ok


def test_ip_outside_the_allow_list_is_refused_even_with_the_right_password(
    engine: Engine,
) -> None:
    rules = policy(lockout_threshold=2)
    _add(engine, "lan", networks=["10.1.0.0/16", "2001:db8::/32"], rules=rules)
    for _ in range(3):  # never counted: a stranger cannot lock the account out
        with pytest.raises(IpNotAllowedError):
            _login(engine, "lan", ip="192.168.1.20", rules=rules)
    with pytest.raises(IpNotAllowedError):
        _login(engine, "lan", ip=None, rules=rules)
    assert _login(engine, "lan", ip="10.1.2.3", rules=rules) == "lan"
    assert _login(engine, "lan", ip="::ffff:10.1.2.3", rules=rules) == "lan"
    assert _login(engine, "lan", ip="2001:db8::7", rules=rules) == "lan"
    assert _logins(engine) == [
        *[("lan", "denied", "192.168.1.20", "ip_not_allowed")] * 3,
        ("lan", "denied", None, "ip_not_allowed"),
        ("lan", "ok", "10.1.2.3", None),
        ("lan", "ok", "10.1.2.3", None),
        ("lan", "ok", "2001:db8::7", None),
    ]


def test_every_login_success_and_failure_is_audited_with_the_ip(engine: Engine) -> None:
    _add(engine, "lan")
    attempts = [
        ("lan", STRONG, "10.0.0.1"),
        ("lan", "sai mật khẩu rồi", "10.0.0.2"),
        ("khong.co", STRONG, "10.0.0.3"),
        (STRONG, STRONG, "10.0.0.3"),  # a password typed in the name box: not kept
        ("lan", STRONG, "10.0.0.4"),
    ]
    for name, password, ip in attempts:
        with contextlib.suppress(BadCredentialsError):
            _login(engine, name, password, ip=ip)
    assert _logins(engine) == [
        ("lan", "ok", "10.0.0.1", None),
        ("lan", "denied", "10.0.0.2", "bad_credentials"),
        ("khong.co", "denied", "10.0.0.3", "bad_credentials"),
        (None, "denied", "10.0.0.3", "bad_credentials"),
        ("lan", "ok", "10.0.0.4", None),
    ]
    with session_scope(engine) as s:  # nothing of the password anywhere in the log
        for row in s.scalars(select(AuditRow)):
            assert "sai" not in str(row.detail) and "sông" not in str(row.detail)


def test_no_personal_data_in_log_records(
    engine: Engine, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="hotich")
    rules = policy(lockout_threshold=2)
    uri = _add(engine, "nguyen.thi.hoa", "reviewer", networks=["10.9.0.0/16"], rules=rules)
    secret = _secret(uri)
    for password in ("wrong password one", "wrong password two"):
        with pytest.raises(BadCredentialsError):
            _login(engine, "nguyen.thi.hoa", password, ip="10.9.8.7", rules=rules, clock=clock)
    clock.advance(hours=1)
    with pytest.raises(IpNotAllowedError):
        _login(engine, "nguyen.thi.hoa", ip="172.16.5.4", rules=rules, clock=clock)
    code = code_at(secret, clock.now)
    _login(engine, "nguyen.thi.hoa", totp=code, ip="10.9.8.7", rules=rules, clock=clock)
    with session_scope(engine, write=True) as s:
        set_password(s, "nguyen.thi.hoa", "bến nước con đò xưa", policy=rules, actor="cli:test")
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("hotich")]
    assert any("locked" in m for m in messages) and any("refused" in m for m in messages)
    secrets_ = ["nguyen", "hoa", "10.9.8.7", "172.16.5.4", secret, STRONG, "wrong", "bến", code]
    for message in messages:
        for secret_ in secrets_:
            assert secret_ not in message, message
