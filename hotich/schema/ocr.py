"""Engine-agnostic OCR output: word → line → page, with boxes and confidences."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from hotich.schema.text import VnText

BBox = tuple[int, int, int, int]
"""``(x, y, w, h)`` in pixels of the stored (deskewed) page image."""


def union_bbox(boxes: list[BBox]) -> BBox:
    if not boxes:
        return (0, 0, 0, 0)
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return (x0, y0, x1 - x0, y1 - y0)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OcrWord(_Frozen):
    text: VnText
    bbox: BBox
    confidence: Annotated[float, Field(ge=0.0, le=1.0)]


class OcrLine(_Frozen):
    words: tuple[OcrWord, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def bbox(self) -> BBox:
        return union_bbox([w.bbox for w in self.words])


class OcrPage(_Frozen):
    width: int
    height: int
    lines: tuple[OcrLine, ...] = ()
    engine: str = ""
    engine_version: str = ""
    config: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def words(self) -> list[OcrWord]:
        return [w for line in self.lines for w in line.words]
