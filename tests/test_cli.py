"""The ``hotich`` command line as a clerk or a script meets it: every command has ``--help``,
the README documents every option, bad usage exits 2 naming the problem, and messages follow
``HOTICH_LANG``. (export, report and eval outputs: tests/test_cli_outputs.py.)

Commands run in this process through ``hotich.cli.main``, the console script's entry point, so
exit codes come from the one handler that maps them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import typing
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from hotich.cli import app
from hotich.i18n import catalog
from tests.cli_helpers import hotich

README = Path(__file__).resolve().parents[1] / "README.md"

# Options the README does not document yet. This list may only shrink: a new option must be
# documented, and test_known_gaps_are_still_gaps fails once a gap here is closed.
KNOWN_GAPS: set[tuple[str, str]] = set()


# Typer builds click objects (its own vendored click in recent versions), so they are read by
# their attributes, not their classes: a group has ``commands``, an option is "option".


def _commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    """Every command under ``group``, as ("users add", command), nested groups included."""
    out: list[tuple[str, Any]] = []
    for name, command in sorted(group.commands.items()):
        full = (*path, name)
        if hasattr(command, "commands"):
            out.extend(_commands(command, full))
        else:
            out.append((" ".join(full), command))
    return out


COMMANDS = _commands(typer.main.get_command(app))
COMMAND_NAMES = [name for name, _ in COMMANDS]


def _options(command: Any) -> list[Any]:
    return [p for p in command.params if p.param_type_name == "option"]


def _long_names(option: Any) -> list[str]:
    return [o for o in (*option.opts, *option.secondary_opts) if o.startswith("--")]


def _choices(command: Any, option: Any) -> list[str]:
    """The values an option takes when its annotation is an Enum (``--format jsonl|csv``)."""
    function = getattr(command.callback, "__wrapped__", command.callback)
    hint = typing.get_type_hints(function, include_extras=True).get(option.name)
    if typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    for candidate in (hint, *typing.get_args(hint)):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            return [str(member.value) for member in candidate]
    return []


def _readme_sections() -> tuple[dict[str, str], str]:
    """For each command, the README lines that name it (``hotich run …``); and the lines that
    name no command (prose about shared options, like ``--db``)."""
    lines = README.read_text(encoding="utf-8").splitlines()
    mention = {name: re.compile(rf"\bhotich {re.escape(name)}(?![\w-])") for name in COMMAND_NAMES}
    by_command = {
        name: "\n".join(line for line in lines if pattern.search(line))
        for name, pattern in mention.items()
    }
    general = "\n".join(line for line in lines if not any(p.search(line) for p in mention.values()))
    return by_command, general


def _undocumented() -> set[tuple[str, str]]:
    by_command, general = _readme_sections()
    missing = set()
    for name, command in COMMANDS:
        for option in _options(command):
            for long_name in _long_names(option):
                if long_name == "--help":
                    continue
                found = re.compile(rf"{re.escape(long_name)}(?![\w-])")
                if not (found.search(by_command[name]) or found.search(general)):
                    missing.add((name, long_name))
    return missing


def test_there_are_commands() -> None:
    assert {"run", "eval", "samples", "export", "report"} <= set(COMMAND_NAMES)


@pytest.mark.parametrize("args", [[], *[name.split() for name in COMMAND_NAMES]])
def test_every_command_has_help(args: list[str]) -> None:
    result = CliRunner().invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    command = dict(COMMANDS).get(" ".join(args))
    for option in _options(command) if command else []:
        for long_name in _long_names(option):
            assert long_name in result.output


@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_readme_documents_every_command(name: str) -> None:
    by_command, _ = _readme_sections()
    assert by_command[name], f"README.md never shows `hotich {name}`"


def test_readme_documents_every_option() -> None:
    """An option counts as documented when it is on a README line showing its command, or on
    a line about no command in particular (``The database is `--db URL` …``)."""
    new = sorted(_undocumented() - KNOWN_GAPS)
    assert not new, "options missing from README.md: " + ", ".join(
        f"hotich {cmd} {opt}" for cmd, opt in new
    )


def test_readme_documents_the_choices_of_each_option() -> None:
    by_command, _ = _readme_sections()
    missing = []
    for name, command in COMMANDS:
        for option in _options(command):
            choices = _choices(command, option)
            if any((name, n) in KNOWN_GAPS for n in _long_names(option)):
                continue
            missing += [
                f"hotich {name} {option.opts[0]} {choice}"
                for choice in choices
                if not re.search(rf"\b{re.escape(str(choice))}\b", by_command[name])
            ]
    assert not missing, "choices missing from README.md: " + ", ".join(missing)


def test_known_gaps_are_still_gaps() -> None:
    closed = sorted(KNOWN_GAPS - _undocumented())
    assert not closed, f"documented now, remove from KNOWN_GAPS: {closed}"


@pytest.mark.parametrize("command", ["run", "eval"])
def test_a_missing_scan_folder_exits_2_naming_it(command: str, tmp_path: Path) -> None:
    missing = tmp_path / "không-có"
    db = ["--db", f"sqlite:///{tmp_path / 'h.db'}"] if command == "run" else []
    result = hotich(command, str(missing), *db)
    assert result.code == 2, result
    assert str(missing) in result.err
    assert not (tmp_path / "h.db").exists()  # nothing was started


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["run", ".", "--frobnicate"], "--frobnicate"),
        (["export", "--format", "xml"], "xml"),
        (["report", "--by", "village"], "village"),
        (["run", ".", "--workers", "0"], "--workers"),
        (["samples", "out", "--dpi", "20"], "--dpi"),
        (["export"], "--format"),
        (["no-such-command"], "no-such-command"),
    ],
)
def test_bad_usage_exits_2_naming_the_problem(args: list[str], named: str) -> None:
    result = hotich(*args)
    assert result.code == 2, result
    assert named in result.err


def test_eval_without_ground_truth_exits_2(tmp_path: Path) -> None:
    (tmp_path / "00001-xa" / "khai-sinh-2000").mkdir(parents=True)
    result = hotich("eval", str(tmp_path), "--json", "--workers", "1")
    assert result.code == 2, result
    assert str(tmp_path) in result.err


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_errors_speak_the_language_of_hotich_lang(lang: str, tmp_path: Path) -> None:
    messages = catalog(lang)
    missing = tmp_path / "nowhere"
    result = hotich("run", str(missing), lang=lang)
    detail = messages["cli.not_a_folder"].format(path=missing)
    assert result.err.strip() == messages["cli.error"].format(message=detail)


def test_help_speaks_the_language_of_hotich_lang() -> None:
    """Help texts are fixed when the CLI is imported, so this one needs a fresh process."""
    env = {**os.environ, "HOTICH_LANG": "en"}
    out = subprocess.run(
        [sys.executable, "-m", "hotich", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    ).stdout
    assert " ".join(catalog("en")["cli.help"].split()) in " ".join(out.split())


def test_samples_writes_the_layout_and_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / "samples"
    first = hotich("samples", str(out), "--pages", "2", "--dpi", "100", "--seed", "3")
    assert first.code == 0, first
    pages = sorted(
        p
        for p in out.glob("*/*/*")
        if p.suffix in {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"}
    )
    assert pages, sorted(out.rglob("*"))
    for page in pages:
        commune, book = page.parent.parent.name, page.parent.name
        assert re.match(r"\d+-", commune), commune
        assert book.startswith(("khai-sinh", "ket-hon", "khai-tu")), book
        truth = json.loads(page.with_name(page.stem + ".gt.json").read_text("utf-8"))
        for item in truth.get("pages", [truth]):
            assert item["register_type"] in {"khai_sinh", "ket_hon", "khai_tu"}
            assert item["entries"] and isinstance(item["text"], str)
    truths = [json.loads(p.read_text("utf-8")) for p in out.rglob("*.gt.json")]
    assert sum(len(truth.get("pages", [truth])) for truth in truths) == 2
    before = sorted(out.rglob("*"))

    again = hotich("samples", str(out), "--pages", "2", "--dpi", "100")
    assert again.code == 2, again
    assert str(out) in again.err
    assert sorted(out.rglob("*")) == before
