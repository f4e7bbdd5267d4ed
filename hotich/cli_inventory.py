"""``hotich inventory …``: the book inventory (issue 6). Commands are added here."""

from __future__ import annotations

import typer

from hotich.i18n import t

inventory_app = typer.Typer(help=t("cli.inventory.help"), no_args_is_help=True)
