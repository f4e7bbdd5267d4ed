"""``hotich eval``: the inconsistency flag rate (fields of ``_inconsistent`` that got an issue)
and calibration (auto-accepted fields that are right), per register and overall, in the JSON
and the text output; a field of ``_inconsistent`` is not scored for exact match."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from hotich.config.settings import Settings
from hotich.evaluate.groundtruth import TruthPage
from hotich.evaluate.metrics import Scores
from hotich.evaluate.run import score_page
from hotich.ocr.engine import NullEngine
from hotich.schema.entries import Entry, FieldValue, Issue
from hotich.schema.normalize import build_personal_id
from hotich.schema.ocr import OcrPage
from hotich.schema.page import PageRef, PageResult
from tests.cli_helpers import hotich
from tests.ocr_fakes import ocr_page

BORN = date(1998, 3, 15)
PID = build_personal_id("001", "Nữ", BORN, "012345")
WRONG_PID = PID[:4] + "7" + PID[5:]  # the year digits say 1978
FLAG = Issue(code="personal_id.birth_year_mismatch", message="x")
REF = PageRef(commune="c", book="b", page_no=1, root="/", source="c/b/1.png")


def fv(value: str, confidence: float = 0.97, *issues: Issue) -> FieldValue:
    return FieldValue(value=value, raw=value, confidence=confidence, issues=issues)


def truth(register: str, *entries: dict[str, Any]) -> TruthPage:
    return TruthPage(register_type=register, entries=entries, design="form", difficulty="clean")


def result(register: str, *fields: dict[str, FieldValue]) -> PageResult:
    entries = tuple(
        Entry(register_type=register, entry_index=i, fields=f)  # type: ignore[arg-type]
        for i, f in enumerate(fields)
    )
    return PageResult(ref=REF, register_type=register, entries=entries)  # type: ignore[arg-type]


def test_flags_and_calibration_per_group() -> None:
    scores = Scores()
    birth_truth = {
        "full_name": "LÊ THỊ AN",
        "sex": "Nữ",
        "personal_id": WRONG_PID,
        "_inconsistent": ["personal_id"],
    }
    birth_read = {
        "full_name": fv("LÊ THI AN"),  # accepted, and wrong
        "sex": fv("Nữ"),  # accepted, right
        "personal_id": fv(WRONG_PID, 0.5, FLAG),  # flagged
    }
    score_page(scores, truth("khai_sinh", birth_truth), result("khai_sinh", birth_read))
    death_truth = {"full_name": "TRẦN VĂN BA", "notes": "x", "_inconsistent": ["notes"]}
    death_read = {"full_name": fv("TRẦN VĂN BA", 0.8), "notes": fv("x")}  # below threshold
    score_page(scores, truth("khai_tu", death_truth), result("khai_tu", death_read))
    groups = scores.summary()["groups"]
    births, deaths, every = groups["register:khai_sinh"], groups["register:khai_tu"], groups["all"]
    assert births["inconsistent_flagged"] == {"right": 1, "total": 1, "rate": 1.0}
    assert deaths["inconsistent_flagged"] == {"right": 0, "total": 1, "rate": 0.0}
    assert every["inconsistent_flagged"] == {"right": 1, "total": 2, "rate": 0.5}
    assert scores.summary()["inconsistent_flagged"] == every["inconsistent_flagged"]
    assert births["auto_accepted"] == {"right": 1, "total": 2, "rate": 0.5}
    assert deaths["auto_accepted"] == {"right": 0, "total": 0, "rate": None}
    # Fields of _inconsistent are not scored for exact match.
    assert "personal_id" not in births["per_field"] and "notes" not in deaths["per_field"]
    assert (births["fields_right"], births["fields_total"]) == (1, 2)
    # A stricter threshold accepts fewer fields.
    strict = Scores()
    score_page(strict, truth("khai_sinh", birth_truth), result("khai_sinh", birth_read), 0.99)
    assert strict.summary()["groups"]["all"]["auto_accepted"]["total"] == 0


def test_an_entry_not_read_at_all_counts_as_not_flagged() -> None:
    scores = Scores()
    score_page(
        scores, truth("khai_sinh", {"sex": "Nữ", "_inconsistent": ["sex"]}), result("khai_sinh")
    )
    assert scores.summary()["inconsistent_flagged"] == {"right": 0, "total": 1, "rate": 0.0}


FORM = [
    "SỔ ĐĂNG KÝ KHAI SINH",
    "Số: 7 Quyển số: 01/1998",
    "Họ và tên: LÊ THỊ AN",
    f"Ngày, tháng, năm sinh: 15/03/1998 Giới tính: Nữ Số định danh: {WRONG_PID}",
    "Ngày đăng ký: 20/03/1998",
]


class _Form(NullEngine):
    name = "form-fake"

    def recognize(self, image: np.ndarray, *, psm: int = 4) -> OcrPage:
        return ocr_page(FORM, conf=0.97)


def form_engine(settings: Settings) -> _Form:
    return _Form()


def _scans(root: Path) -> Path:
    page = root / "00418-tien-duoc" / "khai-sinh-1998-q01" / "1.png"
    page.parent.mkdir(parents=True)
    Image.fromarray(np.full((1754, 1240), 255, np.uint8)).save(page)
    gt = {
        "register_type": "khai_sinh",
        "design": "form",
        "difficulty": "clean",
        "text": "\n".join(FORM),
        "entries": [
            {
                "register_number": "7",
                "book_number": "01/1998",
                "full_name": "LÊ THỊ AN",
                "date_of_birth": "1998-03-15",
                "sex": "Nữ",
                "personal_id": WRONG_PID,
                "registration_date": "1998-03-20",
                "_inconsistent": ["personal_id"],
            }
        ],
    }
    page.with_name("1.gt.json").write_text(json.dumps(gt, ensure_ascii=False), encoding="utf-8")
    return root


def test_eval_json_and_text_report_the_flag_rate_and_calibration(tmp_path: Path) -> None:
    scans = _scans(tmp_path / "scans")
    out = hotich("eval", str(scans), "--json", "--workers", "1", engine=form_engine)
    assert out.code == 0, out
    summary = json.loads(out.out)
    births = summary["groups"]["register:khai_sinh"]
    assert births["inconsistent_flagged"] == {"right": 1, "total": 1, "rate": 1.0}
    assert summary["inconsistent_flagged"]["right"] == 1
    assert "personal_id" not in births["per_field"]
    assert births["fields_right"] == births["fields_total"] == 6
    assert births["auto_accepted"] == {"right": 6, "total": 6, "rate": 1.0}
    text = hotich("eval", str(scans), "--workers", "1", engine=form_engine, lang="en")
    assert text.code == 0, text
    line = next(ln for ln in text.out.splitlines() if ln.startswith("register:khai_sinh"))
    assert "100.0 % (6/6)" in line and "100.0 % (1/1)" in line
    assert "Auto-accepted right" in text.out
    assert "Deliberately inconsistent values flagged: 1/1" in text.out
