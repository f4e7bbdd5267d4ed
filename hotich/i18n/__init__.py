"""The one message catalog: every string a user reads comes from here.

Messages live in ``vi/*.toml`` (default) and ``en/*.toml``, one file per topic, merged into one
catalog per language; ``HOTICH_LANG=en`` picks English. Keys are dotted (``run.summary.done``);
parameters use ``str.format`` names. A key defined twice is an error.
"""

from __future__ import annotations

import os
import tomllib
import unicodedata
from functools import cache
from importlib import resources
from typing import Any

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"


def _flatten(prefix: str, node: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in node.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = unicodedata.normalize("NFC", str(value))


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, flattened to dotted keys."""
    out: dict[str, str] = {}
    folder = resources.files(__package__).joinpath(lang)
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if not item.name.endswith(".toml"):
            continue
        part: dict[str, str] = {}
        _flatten("", tomllib.loads(item.read_text(encoding="utf-8")), part)
        clash = sorted(set(part) & set(out))
        if clash:
            raise RuntimeError(f"message keys defined twice in {lang}/{item.name}: {clash}")
        out.update(part)
    return out


def current_lang() -> str:
    lang = os.environ.get("HOTICH_LANG", DEFAULT_LANG).strip().lower()[:2]
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, /, **params: Any) -> str:
    """The message ``key`` in the current language, formatted with ``params``.

    A key missing from the current language falls back to Vietnamese, then to the key itself,
    so a missing translation never hides an error.
    """
    for lang in (current_lang(), DEFAULT_LANG):
        template = catalog(lang).get(key)
        if template is not None:
            try:
                return template.format(**params)
            except (KeyError, IndexError, ValueError):
                return template
    return key
