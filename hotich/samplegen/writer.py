"""Writing page files and their ground truth, byte for byte the same on every run.

PNG and TIFF carry no time stamp; PDFs are written without creation or modification dates;
every page is stored with its resolution, so a PDF page has the physical size of the paper
(A4 portrait, or A3 landscape for a two-page spread).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

JPEG_QUALITY = 90
PDF_JPEG_QUALITY = 85


def write_pages(path: Path, images: Sequence[np.ndarray], dpi: int) -> None:
    """``images`` (RGB arrays) into one file; its suffix picks the format."""
    pil = [Image.fromarray(img, "RGB") for img in images]
    kind = path.suffix.lower().lstrip(".")
    if kind in ("png", "jpg", "jpeg") and len(pil) != 1:
        raise ValueError(f"{kind} holds one page, not {len(pil)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    res = (dpi, dpi)
    if kind == "png":
        pil[0].save(path, "PNG", dpi=res, compress_level=3)
    elif kind in ("jpg", "jpeg"):
        pil[0].save(path, "JPEG", dpi=res, quality=JPEG_QUALITY, optimize=False)
    elif kind in ("tif", "tiff"):
        pil[0].save(
            path, "TIFF", dpi=res, compression="tiff_deflate", save_all=True, append_images=pil[1:]
        )
    elif kind == "pdf":
        pil[0].save(
            path,
            "PDF",
            resolution=float(dpi),
            save_all=True,
            append_images=pil[1:],
            quality=PDF_JPEG_QUALITY,
            title=path.stem,
            creationDate=None,
            modDate=None,
            producer=None,
            creator=None,
        )
    else:
        raise ValueError(f"unknown page file type: {path.suffix}")


def gt_path(page_file: Path) -> Path:
    """``P.ext`` → ``P.gt.json`` beside it."""
    return page_file.with_name(f"{page_file.stem}.gt.json")


def write_ground_truth(page_file: Path, pages: Sequence[dict[str, Any]]) -> Path:
    """The ground truth of a page file: one page object, or ``{"pages": [...]}`` for several."""
    doc: dict[str, Any] = pages[0] if len(pages) == 1 else {"pages": list(pages)}
    path = gt_path(page_file)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
