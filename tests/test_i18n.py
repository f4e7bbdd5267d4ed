"""The message catalog: both languages complete, NFC, and chosen by HOTICH_LANG."""

import unicodedata

import pytest

from hotich.i18n import LANGS, catalog, t


def test_every_key_exists_in_every_language() -> None:
    keys = {lang: set(catalog(lang)) for lang in LANGS}
    assert keys["vi"] == keys["en"], keys["vi"] ^ keys["en"]


def test_messages_are_nfc() -> None:
    for lang in LANGS:
        for key, text in catalog(lang).items():
            assert unicodedata.is_normalized("NFC", text), key


def test_placeholders_agree_between_languages() -> None:
    import string

    def names(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    vi, en = catalog("vi"), catalog("en")
    for key in vi:
        assert names(vi[key]) == names(en[key]), key


def test_lang_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOTICH_LANG", raising=False)
    assert t("progress.unit") == "trang"
    monkeypatch.setenv("HOTICH_LANG", "en")
    assert t("progress.unit") == "page"


def test_unknown_key_is_shown_not_hidden() -> None:
    assert t("no.such.key") == "no.such.key"
