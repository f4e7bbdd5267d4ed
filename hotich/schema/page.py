"""Pages as they move through the pipeline: a reference in, a result out."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from hotich.schema.entries import Entry
from hotich.schema.registers import RegisterType

SourceKind = Literal["image", "pdf", "tiff"]
Design = Literal["form", "table", "unknown"]


class PageRef(BaseModel):
    """Where one page comes from. Identity: (commune, book, page_no)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    commune: str
    book: str
    page_no: Annotated[int, Field(ge=0)]
    root: str
    """Absolute path of the scan folder (SCANS)."""
    source: str
    """Path of the page file relative to ``root``, with forward slashes."""
    index: Annotated[int, Field(ge=0)] = 0
    """Index of the page inside a PDF or multi-page TIFF (0 for single images)."""
    kind: SourceKind = "image"
    file_sha256: str = ""
    register_hint: RegisterType | None = None

    @property
    def label(self) -> str:
        """How messages name the page: its file, and the page inside it if several."""
        return f"{self.source}#{self.index + 1}" if self.kind != "image" else self.source


Point = tuple[float, float]


class PageQuad(BaseModel):
    """Where the page lies in a photographed scan, and the size it is flattened to: the four
    corners (top-left, top-right, bottom-right, bottom-left) in pixels of the decoded scan go
    to the corners of a ``width`` × ``height`` upright rectangle."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    corners: tuple[Point, Point, Point, Point]
    width: Annotated[int, Field(ge=1)]
    height: Annotated[int, Field(ge=1)]


class Geometry(BaseModel):
    """How the stored page image is derived from the decoded scan (for review and boxes):
    flattened to ``quad`` when the scan is a photo of the page, then turned by
    ``rotation_deg``; ``width`` × ``height`` is the result."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    quad: PageQuad | None = None
    rotation_deg: float = 0.0
    width: int = 0
    height: int = 0


class PageResult(BaseModel):
    """What a worker returns for one page; only the parent writes it to the database."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ref: PageRef
    sha256: str = ""
    ok: bool = True
    unchanged: bool = False
    """The decoded page equals the one stored: nothing was redone, nothing is to be written."""
    error_code: str = ""
    error_message: str = ""
    register_type: RegisterType | None = None
    design: Design = "unknown"
    entries: tuple[Entry, ...] = ()
    text: str = ""
    geometry: Geometry = Geometry()
    stages: tuple[str, ...] = ()
    seconds: float = 0.0
