"""Options and helpers shared by the command modules (``cli``, ``cli_inventory``, ``cli_stage``)."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from hotich.config.settings import Settings
from hotich.errors import BadInputError
from hotich.i18n import t

DbOption = Annotated[str | None, typer.Option("--db", help=t("cli.opt.db"), show_default=False)]


def settings_for(db: str | None) -> Settings:
    """The settings, with ``--db`` taking precedence over ``$HOTICH_DB``. A malformed
    ``HOTICH_*`` variable is a bad input (exit 2) naming the variable, not a traceback."""
    try:
        return Settings(db=db) if db else Settings()
    except ValidationError as e:
        first = e.errors()[0]
        name = "HOTICH_" + str(first["loc"][0]).upper() if first["loc"] else "HOTICH_*"
        raise BadInputError("cli.bad_setting", name=name, problem=first["msg"]) from e


def existing_folder(path: Path) -> Path:
    if not path.is_dir():
        raise BadInputError("cli.not_a_folder", path=str(path))
    return path


def cli_actor(settings: Settings | None = None) -> str:
    """Who runs a command, as decisions, packages and the audit log record it: ``cli:<name>``,
    the name from ``HOTICH_USER``, else the operating system's login name."""
    name = (settings or settings_for(None)).user.strip()
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # no login name at all (a container without a passwd entry)
            name = f"uid{os.getuid()}"
    return f"cli:{name}"
