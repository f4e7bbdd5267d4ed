"""``hotich users …``: accounts of the review web app (issue 5). Thin: reads options and the
password, calls :mod:`hotich.review.manage`; every change is recorded in the audit log as done
by ``cli:<system user>``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from hotich.cli_common import DbOption, cli_actor, settings_for
from hotich.errors import BadInputError
from hotich.i18n import t

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hotich.review.accounts import AccountSummary
    from hotich.review.policy import AuthPolicy

users_app = typer.Typer(help=t("cli.users.help"), no_args_is_help=True)

NameArg = Annotated[
    str, typer.Argument(metavar="NAME", help=t("cli.users.arg.name"), show_default=False)
]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help=t("cli.users.opt.password_stdin"))
]


class RoleName(StrEnum):
    clerk = "clerk"
    reviewer = "reviewer"
    supervisor = "supervisor"
    admin = "admin"


def read_password(from_stdin: bool) -> str:
    """One line of standard input, or asked twice without echo."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise BadInputError("users.cli.empty_stdin")
        return password
    first: str = typer.prompt(t("users.cli.prompt_password"), hide_input=True)
    again: str = typer.prompt(t("users.cli.prompt_again"), hide_input=True)
    if first != again:
        raise BadInputError("users.cli.mismatch")
    return first


@contextmanager
def _writing(db: str | None) -> Iterator[tuple[Session, AuthPolicy]]:
    """A write session on the (upgraded) database, and the account rules from the settings."""
    from hotich.db.migrate import open_db
    from hotich.db.session import session_scope
    from hotich.review.policy import AuthPolicy

    settings = settings_for(db)
    policy = AuthPolicy.from_settings(settings)
    engine = open_db(settings.db)
    try:
        with session_scope(engine, write=True) as session:
            yield session, policy
    finally:
        engine.dispose()


@users_app.command("add", help=t("cli.users.add.help"))
def add_cmd(
    name: NameArg,
    role: Annotated[RoleName, typer.Option("--role", help=t("cli.users.opt.role"))],
    commune: Annotated[
        list[str] | None, typer.Option("--commune", metavar="KEY", help=t("cli.users.opt.commune"))
    ] = None,
    password_stdin: PasswordStdin = False,
    allow_ip: Annotated[
        list[str] | None,
        typer.Option("--allow-ip", metavar="CIDR", help=t("cli.users.opt.allow_ip")),
    ] = None,
    db: DbOption = None,
) -> None:
    from sqlalchemy import select

    from hotich.db.models import Commune
    from hotich.review.manage import create_user

    password = read_password(password_stdin)
    with _writing(db) as (session, policy):
        new = create_user(
            session,
            name,
            role.value,
            password,
            communes=commune or (),
            networks=allow_ip or (),
            policy=policy,
            actor=cli_actor(),
        )
        keys = sorted(new.account.communes)
        known = set(session.scalars(select(Commune.key).where(Commune.key.in_(keys))))
    for key in keys:
        if key not in known:
            typer.echo(t("users.cli.unknown_commune", commune=key), err=True)
    typer.echo(t("users.cli.created", name=new.account.username, role=new.account.role))
    if new.otpauth_uri is not None:
        typer.echo(t("users.cli.otpauth"))
        typer.echo(new.otpauth_uri)


def _state(summary: AccountSummary) -> str:
    from hotich.db.types import utcnow

    if summary.disabled:
        return t("users.cli.state_disabled")
    if summary.locked_until is not None and summary.locked_until > utcnow():
        return t("users.cli.locked_until", until=summary.locked_until.strftime("%Y-%m-%d %H:%M"))
    return t("users.cli.active")


def _communes(summary: AccountSummary) -> str:
    if summary.role == RoleName.supervisor:
        return t("users.cli.all_communes")
    return ",".join(summary.communes) or t("users.cli.no_communes")


@users_app.command("list", help=t("cli.users.list.help"))
def list_cmd(
    as_json: Annotated[bool, typer.Option("--json", help=t("cli.opt.json"))] = False,
    db: DbOption = None,
) -> None:
    from hotich.db.migrate import open_db
    from hotich.db.session import session_scope
    from hotich.review.accounts import list_accounts

    engine = open_db(settings_for(db).db)
    try:
        with session_scope(engine) as session:
            accounts = list_accounts(session)
    finally:
        engine.dispose()
    if as_json:
        rows = [
            {
                "username": a.username,
                "role": a.role,
                "communes": list(a.communes),
                "networks": list(a.networks),
                "mfa": a.mfa,
                "locked_until": a.locked_until.isoformat() if a.locked_until else None,
                "disabled": a.disabled,
                "created_at": a.created_at.isoformat(),
                "password_changed_at": a.password_changed_at.isoformat(),
            }
            for a in accounts
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not accounts:
        typer.echo(t("users.cli.none"))
        return
    typer.echo(t("users.cli.header"))
    for a in accounts:
        mfa = t("users.cli.yes") if a.mfa else t("users.cli.no")
        networks = ",".join(a.networks) or t("users.cli.anywhere")
        typer.echo("\t".join([a.username, a.role, _communes(a), mfa, networks, _state(a)]))


def _simple(change: Callable[..., object], done_key: str, name: str, db: str | None) -> None:
    with _writing(db) as (session, _policy):
        change(session, name, actor=cli_actor())
    typer.echo(t(done_key, name=name.strip().lower()))


@users_app.command("passwd", help=t("cli.users.passwd.help"))
def passwd_cmd(name: NameArg, password_stdin: PasswordStdin = False, db: DbOption = None) -> None:
    from hotich.review.manage import set_password

    password = read_password(password_stdin)
    with _writing(db) as (session, policy):
        set_password(session, name, password, policy=policy, actor=cli_actor())
    typer.echo(t("users.cli.password_set", name=name.strip().lower()))


@users_app.command("disable", help=t("cli.users.disable.help"))
def disable_cmd(name: NameArg, db: DbOption = None) -> None:
    from hotich.review.manage import disable_user

    _simple(disable_user, "users.cli.disabled", name, db)


@users_app.command("unlock", help=t("cli.users.unlock.help"))
def unlock_cmd(name: NameArg, db: DbOption = None) -> None:
    from hotich.review.manage import unlock_user

    _simple(unlock_user, "users.cli.unlocked", name, db)


@users_app.command("mfa-reset", help=t("cli.users.mfa_reset.help"))
def mfa_reset_cmd(name: NameArg, db: DbOption = None) -> None:
    from hotich.review.manage import reset_mfa

    with _writing(db) as (session, _policy):
        uri = reset_mfa(session, name, actor=cli_actor())
    typer.echo(t("users.cli.mfa_reset", name=name.strip().lower()))
    typer.echo(uri)
