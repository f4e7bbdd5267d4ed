"""Options and helpers shared by the command modules (``cli``, ``cli_inventory``, ``cli_stage``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hotich.config.settings import Settings
from hotich.errors import BadInputError
from hotich.i18n import t

DbOption = Annotated[str | None, typer.Option("--db", help=t("cli.opt.db"), show_default=False)]


def settings_for(db: str | None) -> Settings:
    """The settings, with ``--db`` taking precedence over ``$HOTICH_DB``."""
    return Settings(db=db) if db else Settings()


def existing_folder(path: Path) -> Path:
    if not path.is_dir():
        raise BadInputError("cli.not_a_folder", path=str(path))
    return path
