"""Whether a word can be a Vietnamese syllable: an initial consonant and a rhyme (vần).

Vietnamese writes one syllable per word, from a closed set of initials and about 160 rhymes,
so a word OCR garbled ("từn" for "tim", "từưn") is often no syllable at all. Tone marks are
left out of the check (any tone fits any rhyme here); the vowel shapes (ă â ê ô ơ ư) count.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Final

_TONES: Final = frozenset("\u0300\u0301\u0303\u0309\u0323")
_INITIALS: Final = (
    "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip
_RHYMES: Final = """
a ac ach ai am an ang anh ao ap at au ay
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e ec em en eng eo ep et
ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oc oi om on ong op ot oo ooc oong
oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oe oen oeo oet
ô ôc ôi ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u uc ui um un ung up ut ua uân uâng uât uây uê uêch uênh uy uya uych uyên uyêt uynh uyt
uyu uô uôc uôi uôm uôn uông uôt uơ
ư ưa ưc ưi ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
y ych ynh yt yêm yên yêng yêt yêu
"""


@cache
def _rhymes() -> frozenset[str]:
    return frozenset(_RHYMES.split())


def _shape(word: str) -> str:
    """``word`` in lower case without its tone mark (vowel shapes kept), NFC."""
    marks = "".join(ch for ch in unicodedata.normalize("NFD", word.lower()) if ch not in _TONES)
    return unicodedata.normalize("NFC", marks)


def vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` spells a Vietnamese syllable (one initial, one rhyme, one tone at most)."""
    tones = [ch for ch in unicodedata.normalize("NFD", word.lower()) if ch in _TONES]
    if len(tones) > 1:
        return False
    shape = _shape(word)
    rhymes = _rhymes()
    for initial in _INITIALS:
        if shape.startswith(initial) and shape[len(initial) :] in rhymes:
            return True
        if initial == "gi" and shape.startswith("gi") and "i" + shape[2:] in rhymes:
            return True  # "gìn": g + in
    return False
