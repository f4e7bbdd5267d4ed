"""Corrected fields as training data (``hotich export --format groundtruth --out DIR``): each
field's crop beside its text, in the layout Tesseract's training tools read, and every export
recorded in the audit log as done by ``cli:<user>``. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from hotich.i18n import t
from tests.cli_helpers import hotich
from tests.review_support import BOOK_A, A, World, box, world_fixture
from tests.stage_support import BIRTH

_ = world_fixture  # fixture, used by name
ORDER = list({**BIRTH})


def test_groundtruth_writes_each_corrected_fields_crop_and_text(
    world: World, tmp_path: Path
) -> None:
    client = world.as_user("rev.a")
    first = world.entries["A2"][0]
    (flagged,) = world.entries["A1"]
    for entry_id, field, value in (
        (first, "full_name", "NGUYỄN THỊ HOÀ"),
        (first, "date_of_birth", "15/3/1998"),  # stored as 1998-03-15: not what the page shows
        (first, "notes", ""),
        (flagged, "personal_id", "001198012345"),
    ):
        answer = client.post(f"/api/entries/{entry_id}/fields/{field}", json={"value": value})
        assert answer.status_code == 200
    (world.root / A / BOOK_A / "0001.png").unlink()  # page 1's scan is gone
    out = tmp_path / "gt"
    done = hotich("export", "--format", "groundtruth", "--out", str(out), "--db", world.url)
    assert done.code == 0, done.err
    assert sorted(p.name for p in out.iterdir()) == [
        f"{A}_{BOOK_A}_0002_00_full_name.gt.txt",
        f"{A}_{BOOK_A}_0002_00_full_name.png",
    ]
    text = (out / f"{A}_{BOOK_A}_0002_00_full_name.gt.txt").read_text(encoding="utf-8")
    assert text == "NGUYỄN THỊ HOÀ\n"
    with Image.open(out / f"{A}_{BOOK_A}_0002_00_full_name.png") as image:
        _, _, w, h = box(ORDER.index("full_name"))
        assert image.size == (w + 12, h + 12)  # the box with a 6-pixel margin
    assert t("groundtruth.done", fields=1, out=str(out)) in done.out
    assert "3" in done.out.splitlines()[-1]  # skipped: blank, a date, a missing scan
    (row,) = world.audit("export")
    assert row.username is not None and row.username.startswith("cli:")
    assert row.detail == {"format": "groundtruth", "fields": 1}


def test_every_cli_export_is_recorded(world: World, tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    assert hotich("export", "--format", "jsonl", "--out", str(out), "--db", world.url).code == 0
    assert hotich("export", "--format", "csv", "--db", world.url).code == 0
    rows = world.audit("export")
    assert [(r.object_id, r.detail) for r in rows] == [
        ("jsonl", {"format": "jsonl", "entries": 5}),
        ("csv", {"format": "csv", "entries": 5}),
    ]
    missing = hotich("export", "--format", "groundtruth", "--db", world.url)
    assert missing.code == 2 and "--out DIR" in missing.err
