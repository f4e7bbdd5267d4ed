"""``hotich users …`` as an administrator meets it: the password from stdin or asked twice, the
second factor's URI printed once, weak passwords refused with exit 2, every change audited."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from accounts_support import STRONG
from typer.testing import CliRunner

from hotich.cli import app
from hotich.db import open_db, session_scope
from hotich.review.login import authenticate
from hotich.review.policy import AuthPolicy
from hotich.review.totp import code_at
from tests.cli_helpers import Outcome, hotich

URI = re.compile(r"otpauth://totp/hotich:[^\s]+")


def _as_admin(*args: str, stdin: str = "", lang: str = "vi") -> Outcome:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.stdin", io.StringIO(stdin))
        return hotich(*args, lang=lang)


def _users(db: str) -> list[dict[str, object]]:
    out = hotich("users", "list", "--json", "--db", db)
    assert out.code == 0, out
    rows: list[dict[str, object]] = json.loads(out.out)
    return rows


def test_users_add_reads_the_password_from_stdin_and_prints_the_uri_once(db_url: str) -> None:
    out = _as_admin(
        "users",
        "add",
        "Hoa.Admin",
        "--role",
        "admin",
        "--password-stdin",
        "--db",
        db_url,
        stdin=STRONG + "\n",
    )
    assert out.code == 0, out
    assert "hoa.admin" in out.out
    (uri,) = URI.findall(out.out + out.err)
    assert "issuer=hotich" in uri
    secret = re.search(r"secret=([A-Z2-7]+)", uri)
    assert secret is not None
    engine = open_db(db_url)
    try:
        with session_scope(engine, write=True) as s:  # the URI is the working second factor
            totp = code_at(secret.group(1), datetime.now(UTC))
            account = authenticate(s, "hoa.admin", STRONG, totp, "127.0.0.1", policy=AuthPolicy())
            assert account.role == "admin" and account.mfa_required
    finally:
        engine.dispose()
    listing = hotich("users", "list", "--db", db_url)
    log = hotich("audit", "list", "--json", "--db", db_url)
    for shown in (listing.out, log.out):
        assert "otpauth" not in shown and secret.group(1) not in shown
    (added,) = [r for r in json.loads(log.out) if r["action"] == "user_add"]
    assert added["object_id"] == "hoa.admin" and added["username"].startswith("cli:")


def test_users_add_clerk_with_communes_and_networks(db_url: str) -> None:
    out = _as_admin(
        "users",
        "add",
        "lan",
        "--role",
        "clerk",
        "--commune",
        "20227-dai-thanh",
        "--commune",
        "20230-an-binh",
        "--allow-ip",
        "10.1.0.0/16",
        "--allow-ip",
        "192.168.1.7",
        "--password-stdin",
        "--db",
        db_url,
        stdin=STRONG + "\n",
        lang="en",
    )
    assert out.code == 0, out
    assert "otpauth" not in out.out + out.err  # a clerk needs no second factor by default
    assert "20227-dai-thanh is not in the database" in out.err  # no scans of it yet: a hint
    (user,) = _users(db_url)
    assert user["communes"] == ["20227-dai-thanh", "20230-an-binh"]
    assert user["networks"] == ["10.1.0.0/16", "192.168.1.7/32"]
    assert (user["role"], user["mfa"], user["disabled"]) == ("clerk", False, False)


@pytest.mark.parametrize(
    ("password", "args", "named"),
    [
        ("password1234", [], "common"),
        ("short one", [], "12"),
        (STRONG, ["--commune", "x"], "--commune"),  # an admin has no communes
        (STRONG, ["--allow-ip", "10.0.0.0/99"], "10.0.0.0/99"),
        ("", [], "--password-stdin"),
    ],
)
def test_users_add_refuses_bad_input_with_exit_2(
    tmp_path: Path, password: str, args: list[str], named: str
) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    out = _as_admin(
        "users",
        "add",
        "hoa",
        "--role",
        "admin",
        *args,
        "--password-stdin",
        "--db",
        db,
        stdin=password + "\n",
        lang="en",
    )
    assert out.code == 2, out
    assert named in out.err
    if password:
        assert password not in out.err
    assert _users(db) == []
    assert json.loads(hotich("audit", "list", "--json", "--db", db).out) == []


def test_users_add_asks_twice_without_echo(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    runner = CliRunner()
    args = ["users", "add", "lan", "--role", "supervisor", "--db", db]
    differ = runner.invoke(app, args, input=f"{STRONG}\n{STRONG}x\n")
    assert differ.exit_code != 0 and _users(db) == []
    same = runner.invoke(app, args, input=f"{STRONG}\n{STRONG}\n")
    assert same.exit_code == 0, same.output
    assert STRONG not in same.output  # hidden input is not echoed
    assert [u["username"] for u in _users(db)] == ["lan"]


def test_passwd_disable_unlock_and_mfa_reset(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    add = ["users", "add", "minh", "--role", "reviewer", "--commune", "20227-dai-thanh"]
    assert _as_admin(*add, "--password-stdin", "--db", db, stdin=STRONG + "\n").code == 0
    same = _as_admin("users", "passwd", "minh", "--password-stdin", "--db", db, stdin=STRONG)
    assert same.code == 2  # the current password: in the history
    new = _as_admin("users", "passwd", "minh", "--password-stdin", "--db", db, stdin="đò ngang")
    assert new.code == 2  # too short
    ok = _as_admin(
        "users", "passwd", "minh", "--password-stdin", "--db", db, stdin="qua cầu gió bay xa\n"
    )
    assert ok.code == 0, ok
    reset = hotich("users", "mfa-reset", "minh", "--db", db)
    assert reset.code == 0 and len(URI.findall(reset.out)) == 1
    assert hotich("users", "unlock", "minh", "--db", db).code == 0
    assert hotich("users", "disable", "minh", "--db", db).code == 0
    assert hotich("users", "disable", "nobody", "--db", db).code == 2
    (user,) = _users(db)
    assert user["disabled"] is True
    log = json.loads(hotich("audit", "list", "--json", "--db", db).out)
    actions = [(r["action"], r["outcome"]) for r in log]
    assert actions == [
        ("user_add", "ok"),
        ("password_change", "ok"),
        ("mfa_reset", "ok"),
        ("user_unlock", "ok"),
        ("user_disable", "ok"),
    ]
