"""``hotich inventory …``: the book inventory (issue 6)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hotich.cli_common import DbOption, settings_for
from hotich.i18n import t

inventory_app = typer.Typer(help=t("cli.inventory.help"), no_args_is_help=True)


@inventory_app.command("load", help=t("cli.inventory.load.help"))
def load_cmd(
    file: Annotated[Path, typer.Argument(help=t("cli.inventory.load.file"), show_default=False)],
    db: DbOption = None,
) -> None:
    from hotich.db.migrate import upgrade
    from hotich.db.session import make_engine, session_factory
    from hotich.loaders.inventory import load_inventory, read_inventory

    books = read_inventory(file)  # checked whole before the database is even opened
    settings = settings_for(db)
    upgrade(settings.db)
    engine = make_engine(settings.db)
    try:
        with session_factory(engine)() as session:
            report = load_inventory(session, books)
    finally:
        engine.dispose()
    typer.echo(t("inventory.loaded", path=str(file), books=report.books, communes=report.communes))
    typer.echo(
        t(
            "inventory.communes",
            added=report.communes_added,
            updated=report.communes_updated,
            unchanged=report.communes_unchanged,
        )
    )
    typer.echo(
        t(
            "inventory.books",
            added=report.books_added,
            updated=report.books_updated,
            unchanged=report.books_unchanged,
        )
    )
    if report.scanned_not_listed:
        typer.echo(t("inventory.scanned_not_listed", n=report.scanned_not_listed))
