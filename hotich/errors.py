"""Exit codes and the exception hierarchy. Each error carries its exit code and a
message key from the catalog; the CLI handler maps them (see cli.py)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from hotich.i18n import t


class ExitCode(IntEnum):
    ok = 0
    failed = 1
    bad_args = 2
    quarantined = 3


class HotichError(Exception):
    """Base error: a catalog key plus parameters; str() is the user's message."""

    exit_code: ExitCode = ExitCode.failed

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    def __str__(self) -> str:
        return t(self.key, **self.params)


class BadInputError(HotichError):
    """A command argument is wrong (missing folder, bad option value)."""

    exit_code = ExitCode.bad_args


class EnvironmentCheckError(HotichError):
    """A required program or model is missing; the message says how to install it."""

    exit_code = ExitCode.failed


class PageError(HotichError):
    """This page cannot be processed: quarantine it and go on with the batch.

    `code` is a stable machine-readable reason (e.g. ``decode.truncated``).
    """

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        super().__init__(f"quarantine.{code}", **params)


class OcrEngineError(HotichError):
    """The OCR engine crashed (not a timeout or an empty page)."""
