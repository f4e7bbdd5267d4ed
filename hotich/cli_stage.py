"""``hotich stage …`` and ``hotich approve``: staging for the 158 import (issue 6)."""

from __future__ import annotations

import typer

from hotich.i18n import t

stage_app = typer.Typer(help=t("cli.stage.help"), no_args_is_help=True)
