"""Vietnamese syllables: one initial, one rhyme, one tone at most."""

import pytest

from hotich.schema.normalize.syllable import vietnamese_syllable
from hotich.schema.normalize.vocab import load_data


def test_every_listed_name_syllable_and_wording_is_a_syllable() -> None:
    data = load_data("name_syllables.toml")
    words = {w for kind in ("middle", "given") for n in data[kind] for w in n.split()}
    words |= {w for kind, ts in load_data("terms.toml").items() for t in ts for w in t.split()}
    words = {w.strip(",") for w in words if w.strip(",").isalpha()}
    assert len(words) > 300
    assert [w for w in words if not vietnamese_syllable(w)] == []


@pytest.mark.parametrize("word", ["nghiêng", "khuỷu", "quỳnh", "gìn", "xoong", "Nguyễn", "ĐẶNG"])
def test_syllables(word: str) -> None:
    assert vietnamese_syllable(word)


@pytest.mark.parametrize("word", ["từn", "từưn", "jMùng", "TJJ", "Nghệệ", "bk", "ánh́"])
def test_no_syllable(word: str) -> None:
    assert not vietnamese_syllable(word)
