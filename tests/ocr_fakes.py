"""Build OcrPage objects from text, for extraction tests that need no OCR engine."""

from hotich.schema.ocr import OcrLine, OcrPage, OcrWord


def ocr_page(
    lines: list[str],
    *,
    conf: float = 0.95,
    x0: int = 100,
    y0: int = 100,
    line_gap: int = 60,
    char_w: int = 18,
    height: int = 30,
) -> OcrPage:
    out = []
    for i, text in enumerate(lines):
        x = x0
        words = []
        for word in text.split():
            w = char_w * len(word)
            words.append(
                OcrWord(text=word, bbox=(x, y0 + i * line_gap, w, height), confidence=conf)
            )
            x += w + char_w
        if words:
            out.append(OcrLine(words=tuple(words)))
    right = max((ln.bbox[0] + ln.bbox[2] for ln in out), default=0)
    return OcrPage(width=right + 200, height=3508, lines=tuple(out), engine="fake")
