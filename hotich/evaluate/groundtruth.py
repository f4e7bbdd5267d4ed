"""Ground truth beside a page file: ``P.gt.json`` (shared/CONTRACT.md, "Ground truth")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from hotich.schema.page import PageRef
from hotich.schema.text import nfc


class TruthPage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    register_type: str
    entries: tuple[dict[str, Any], ...] = ()
    text: str = ""
    design: str = "unknown"
    difficulty: str = "unknown"


def gt_path(page_file: Path) -> Path:
    return page_file.with_name(page_file.stem + ".gt.json")


def load_truth(ref: PageRef) -> TruthPage | None:
    """The ground truth of one page, or None when its file has none."""
    path = gt_path(Path(ref.root) / ref.source)
    if not path.is_file():
        return None
    data = json.loads(nfc(path.read_text(encoding="utf-8")))
    if "pages" in data:
        pages = data["pages"]
        if ref.index >= len(pages):
            return None
        page = dict(pages[ref.index])
        for key in ("difficulty", "design", "register_type"):
            if key in data and key not in page:
                page[key] = data[key]
        data = page
    return TruthPage.model_validate(data)
