"""``hotich stage …`` and ``hotich approve``: staging for the 158 import (issue 6).

The commands parse options, call :mod:`hotich.loaders.stage`, :mod:`hotich.loaders.manifest`,
:mod:`hotich.loaders.receipt` and :mod:`hotich.db.decisions`, and print what was done.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hotich.cli_common import DbOption, cli_actor, settings_for
from hotich.config.settings import Settings
from hotich.errors import BadInputError, ExitCode, HotichError
from hotich.i18n import t

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from hotich.loaders.stage import BuildReport
    from hotich.loaders.stage_select import LeftEntry

stage_app = typer.Typer(help=t("cli.stage.help"), no_args_is_help=True)

CommuneOption = Annotated[
    str | None, typer.Option("--commune", help=t("cli.stage.opt.commune"), show_default=False)
]


class RegisterName(StrEnum):
    khai_sinh = "khai_sinh"
    ket_hon = "ket_hon"
    khai_tu = "khai_tu"


def _open(db: str | None) -> tuple[Settings, Engine]:
    from hotich.db.migrate import upgrade
    from hotich.db.session import make_engine

    settings = settings_for(db)
    upgrade(settings.db)
    return settings, make_engine(settings.db)


# --- approve ----------------------------------------------------------------------------------


def approve_cmd(
    min_confidence: Annotated[
        float,
        typer.Option(
            "--min-confidence", help=t("cli.approve.opt.min_confidence"), show_default=False
        ),
    ],
    commune: CommuneOption = None,
    db: DbOption = None,
) -> None:
    from sqlalchemy import select

    from hotich.db.decisions import bulk_approve
    from hotich.db.models import Commune
    from hotich.db.session import session_scope
    from hotich.review import audit

    if not 0.0 <= min_confidence <= 1.0:  # also refuses nan
        raise BadInputError("approve.bad_confidence", value=min_confidence)
    settings, engine = _open(db)
    with session_scope(engine, write=True) as session:
        if (
            commune is not None
            and session.scalar(select(Commune.id).where(Commune.key == commune)) is None
        ):
            raise BadInputError("stage.no_commune", commune=commune)
        actor = cli_actor(settings)
        done = bulk_approve(session, min_confidence, actor, commune=commune)
        audit.record(
            session,
            "approve",
            username=actor,
            object_type="batch",
            object_id=done.batch,
            commune=commune,
            detail={"entries": len(done.approved), "min_confidence": min_confidence},
        )
    typer.echo(t("approve.done", n=len(done.approved), batch=done.batch))
    if done.left_total:
        reasons = ", ".join(
            t(f"approve.reason.{reason}", n=n, x=min_confidence) for reason, n in done.left.items()
        )
        typer.echo(t("approve.left_total", n=done.left_total, reasons=reasons))
    else:
        typer.echo(t("approve.none_left"))


# --- stage build ------------------------------------------------------------------------------


def _problem_text(left: LeftEntry) -> list[str]:
    lines = []
    for problem in left.problems:
        what = t(f"stage.problem.{problem.code}")
        if problem.column:
            fields = ", ".join(problem.fields)
            where = f"{problem.column} ({fields})" if fields else problem.column
            what = f"{where}: {what}"
        lines.append(
            t(
                "stage.left.line",
                entry_id=left.entry_id,
                commune=left.commune,
                book=left.book,
                page_no=left.page_no,
                problem=what,
            )
        )
    return lines


def _print_build(report: BuildReport) -> None:
    for name in report.recovered:
        typer.echo(t("stage.recovered", package=name))
    if report.package is None:
        typer.echo(t("stage.nothing_new"))
    else:
        typer.echo(
            t(
                "stage.done",
                package=report.package,
                folder=str(report.folder),
                n=len(report.staged),
                books=len(report.books),
            )
        )
        for book in report.books:
            typer.echo(t("stage.book", xlsx=book.xlsx, zip=book.zip, n=book.entries))
    if report.left:
        typer.echo(t("stage.left.title", n=len(report.left)))
        for left in report.left:
            for line in _problem_text(left):
                typer.echo(line)
        typer.echo(t("stage.left.advice"))


@stage_app.command("build", help=t("cli.stage.build.help"))
def build_cmd(
    out: Annotated[Path, typer.Option("--out", help=t("cli.stage.opt.out"), show_default=False)],
    commune: CommuneOption = None,
    register: Annotated[
        RegisterName | None,
        typer.Option("--register", help=t("cli.stage.opt.register"), show_default=False),
    ] = None,
    db: DbOption = None,
) -> None:
    from hotich.loaders.stage import build_packages

    if out.exists() and not out.is_dir():
        raise BadInputError("stage.out_not_folder", out=str(out))
    settings, engine = _open(db)
    try:
        report = build_packages(
            engine,
            out,
            username=cli_actor(settings),
            settings=settings,
            commune=commune,
            register=None if register is None else register.value,
        )
    except OSError as e:  # a full disk, a folder without permission: nothing was counted
        raise HotichError("stage.write_failed", out=str(out), reason=e.strerror or e) from e
    if report.package is not None:
        from hotich.db.session import session_scope
        from hotich.review import audit

        with session_scope(engine, write=True) as session:
            audit.record(
                session,
                "stage",
                username=cli_actor(settings),
                object_type="package",
                object_id=report.package,
                commune=commune,
                detail={"entries": len(report.staged), "books": len(report.books)},
            )
    _print_build(report)
    raise typer.Exit(int(ExitCode.quarantined if report.left else ExitCode.ok))


# --- stage verify -----------------------------------------------------------------------------


def _packages_in(folder: Path) -> list[Path]:
    from hotich.loaders.manifest import MANIFEST

    if (folder / MANIFEST).is_file():
        return [folder]
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).is_file()
    )


@stage_app.command("verify", help=t("cli.stage.verify.help"))
def verify_cmd(
    folder: Annotated[Path, typer.Argument(help=t("cli.stage.arg.package"), show_default=False)],
) -> None:
    from hotich.loaders.manifest import MANIFEST, verify_package

    if not folder.is_dir():
        raise BadInputError("stage.verify.no_folder", folder=str(folder))
    packages = _packages_in(folder)
    if not packages:
        raise BadInputError("stage.verify.no_manifest", folder=str(folder), manifest=MANIFEST)
    bad = 0
    for package in packages:
        problems = verify_package(package)
        if not problems:
            typer.echo(t("stage.verify.ok", folder=str(package)))
            continue
        bad += 1
        typer.echo(t("stage.verify.bad", folder=str(package), n=len(problems)))
        for p in problems:
            typer.echo("  " + t(f"stage.verify.{p.code}", path=p.path, detail=p.detail))
    raise typer.Exit(int(ExitCode.failed if bad else ExitCode.ok))


# --- stage receipt ----------------------------------------------------------------------------


@stage_app.command("receipt", help=t("cli.stage.receipt.help"))
def receipt_cmd(
    file: Annotated[Path, typer.Argument(help=t("cli.stage.arg.receipt"), show_default=False)],
    db: DbOption = None,
) -> None:
    from hotich.db.session import session_scope
    from hotich.loaders.receipt import apply_receipt, parse_receipt
    from hotich.review import audit

    lines = parse_receipt(file)
    settings, engine = _open(db)
    actor = cli_actor(settings)
    with session_scope(engine, write=True) as session:
        report = apply_receipt(session, file, lines, actor)
        audit.record(
            session,
            "receipt",
            username=actor,
            object_type="receipt",
            object_id=file.name,
            detail={"accepted": len(report.accepted), "rejected": len(report.rejected)},
        )
    typer.echo(t("receipt.done", accepted=len(report.accepted), rejected=len(report.rejected)))
