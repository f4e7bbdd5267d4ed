"""What ``hotich run``, ``export``, ``report`` and ``eval`` print, checked against
shared/CONTRACT.md and the database.

Two committed form pages (two communes) are run once per engine: the recorded Tesseract output
replayed (fast), and real Tesseract (marked ``tesseract``). ``eval`` runs on the three committed
recorded pages with the replay, and on all of samples/scans with real Tesseract.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hotich.config.settings import Settings
from hotich.evaluate.groundtruth import TruthPage, gt_path
from hotich.evaluate.metrics import field_matches
from hotich.i18n import catalog
from tests.cli_helpers import EngineFactory, Outcome, hotich
from tests.recorded import CATALOGUE, SAMPLES, replay_engine

RUN_PAGES = [page.source for page in CATALOGUE[1:3]]  # form-2021 (PNG), form-1989 (JPEG)
EVAL_PAGES = [page.source for page in CATALOGUE if page.source]  # + the table spread

STATUSES = {"needs_review", "approved", "rejected", "staged"}
COMMON = {"register_number", "book_number", "registration_date", "registrar_name", "notes"}
KHAI_SINH = COMMON | {
    "full_name", "date_of_birth", "date_of_birth_words", "sex", "ethnicity", "nationality",
    "place_of_birth", "hometown", "personal_id", "mother_name", "mother_birth_year",
    "mother_ethnicity", "mother_nationality", "mother_residence", "father_name",
    "father_birth_year", "father_ethnicity", "father_nationality", "father_residence",
    "parents_residence", "declarant_name", "declarant_relationship",
}  # fmt: skip

# `hotich eval --json`. Replayed (table-2011, form-2021, form-1989): 89/118 = 0.754 right.
# Real Tesseract 5.3.0 on samples/scans (8 pages, --workers 2, ~11 s): all 213/284 = 0.750,
# CER 0.051; design:form 0.778; design:table 0.721.
EVAL_FLOORS = {
    "replay": {"all": 0.70, "design:form": 0.72, "design:table": 0.66},
    "tesseract": {"all": 0.70, "design:form": 0.72, "design:table": 0.66},
}
CER_CEILING = 0.08


def _copy_pages(sources: list[str], root: Path) -> Path:
    for source in sources:
        page = SAMPLES / source
        (root / source).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(page, root / source)
        shutil.copy2(gt_path(page), gt_path(root / source))
    return root


def _engine(kind: str) -> EngineFactory | None:
    return replay_engine if kind == "replay" else None


ENGINES = ["replay", pytest.param("tesseract", marks=pytest.mark.tesseract)]


@dataclass(frozen=True)
class Ran:
    kind: str
    scans: Path
    db: Path
    first: Outcome

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db}"

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db) as con:
            return con.execute(sql).fetchall()


@pytest.fixture(scope="module", params=ENGINES)
def ran(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Ran:
    scans = _copy_pages(RUN_PAGES, tmp_path_factory.mktemp("scans"))
    db = tmp_path_factory.mktemp("db") / "hotich.db"
    args = ("run", str(scans), "--db", f"sqlite:///{db}", "--workers", "1", "--quiet")
    first = hotich(*args, engine=_engine(request.param))
    return Ran(request.param, scans, db, first)


def test_run_stores_every_page_and_summarizes_in_vietnamese(ran: Ran) -> None:
    assert ran.first.code == 0, ran.first
    assert ran.first.engine_used == (ran.kind == "replay")
    assert catalog("vi")["run.summary.title"] in ran.first.out
    assert ran.query("select count(*) from pages where status = 'done'") == [(len(RUN_PAGES),)]
    assert ran.query("select count(*) from entries") == [(len(RUN_PAGES),)]  # one per form


def test_rerun_summary_follows_hotich_lang(ran: Ran) -> None:
    args = ("run", str(ran.scans), "--db", ran.url, "--workers", "1", "--quiet")
    again = hotich(*args, lang="en", engine=_engine(ran.kind))
    assert again.code == 0, again
    english = catalog("en")
    assert english["run.summary.title"] in again.out
    assert english["run.summary.skipped"].format(n=len(RUN_PAGES)) in again.out
    assert catalog("vi")["run.summary.title"] not in again.out


def _export(ran: Ran, fmt: str, *extra: str) -> Outcome:
    result = hotich("export", "--format", fmt, "--db", ran.url, *extra)
    assert result.code == 0, result
    return result


def test_export_jsonl_has_the_contract_shape(ran: Ran) -> None:
    threshold = Settings().review_threshold
    lines = _export(ran, "jsonl").out.splitlines()
    assert len(lines) == ran.query("select count(*) from entries")[0][0]
    sources = set()
    for line in lines:
        item = json.loads(line)
        assert set(item) == {
            "page", "register_type", "entry_index", "status", "confidence", "fields",
        }  # fmt: skip
        page = item["page"]
        assert set(page) == {"commune", "book", "page_no", "sha256", "source"}
        assert re.fullmatch(r"[0-9a-f]{64}", page["sha256"])
        assert page["source"].startswith(f"{page['commune']}/{page['book']}/")
        assert isinstance(page["page_no"], int)
        sources.add(page["source"])
        assert item["register_type"] == "khai_sinh"
        assert item["status"] in STATUSES
        assert 0.0 <= item["confidence"] <= 1.0
        assert item["fields"] and set(item["fields"]) <= KHAI_SINH
        for name, field in item["fields"].items():
            assert set(field) == {"value", "confidence", "raw", "bbox", "issues"}, name
            assert isinstance(field["value"], str) and isinstance(field["raw"], str)
            assert 0.0 <= field["confidence"] <= 1.0
            assert len(field["bbox"]) == 4 and all(isinstance(v, int) for v in field["bbox"])
            for issue in field["issues"]:
                assert set(issue) == {"code", "message"} and issue["code"] and issue["message"]
        if any(f["confidence"] < threshold or f["issues"] for f in item["fields"].values()):
            assert item["status"] == "needs_review"
    assert sources == set(RUN_PAGES)


def test_export_jsonl_values_match_the_ground_truth(ran: Ran, tmp_path: Path) -> None:
    out = tmp_path / "entries.jsonl"
    assert _export(ran, "jsonl", "--out", str(out)).out == ""
    for line in out.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        truth_file = gt_path(ran.scans / item["page"]["source"])
        truth = TruthPage.model_validate_json(truth_file.read_text("utf-8"))
        want = truth.entries[item["entry_index"]]
        for name in ("date_of_birth", "sex", "registration_date", "father_name"):
            assert field_matches(want[name], item["fields"][name]["value"]), name


def test_export_csv_starts_with_a_bom(ran: Ran, tmp_path: Path) -> None:
    out = tmp_path / "entries.csv"
    _export(ran, "csv", "--out", str(out))
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(RUN_PAGES)
    assert {row["source"] for row in rows} == set(RUN_PAGES)
    assert all(row["status"] in STATUSES for row in rows)
    assert _export(ran, "csv").out.startswith("\ufeff")


def test_report_json_counts_match_the_database(ran: Ran) -> None:
    result = hotich("report", "--format", "json", "--db", ran.url)
    assert result.code == 0, result
    rows = json.loads(result.out)
    per_commune = {row["key"]: row for row in rows if not row["total"]}
    done = dict(
        ran.query(
            "select c.key, count(*) from pages p join books b on p.book_id = b.id "
            "join communes c on b.commune_id = c.id where p.status = 'done' group by c.key"
        )
    )
    assert set(per_commune) == {source.split("/")[0] for source in RUN_PAGES} == set(done)
    for key, row in per_commune.items():
        assert row["unit"] == "commune"
        assert row["processed"] == done[key] == row["pages"] == 1
        assert row["entries"] == 1 and row["quarantined"] == 0
    (total,) = [row for row in rows if row["total"]]
    assert total["processed"] == sum(done.values())


@pytest.mark.parametrize("kind", ENGINES)
def test_eval_json_groups_and_floors(kind: str, tmp_path: Path) -> None:
    if kind == "replay":
        scans, workers = _copy_pages(EVAL_PAGES, tmp_path / "scans"), "1"
    else:
        scans, workers = SAMPLES, "2"
    result = hotich("eval", str(scans), "--json", "--workers", workers, engine=_engine(kind))
    assert result.code == 0, result
    assert result.engine_used == (kind == "replay")
    summary = json.loads(result.out)
    assert summary["quarantined"] == 0
    groups = summary["groups"]
    assert {"all", "difficulty:clean", "design:form", "design:table"} <= set(groups)
    assert 0.0 <= groups["all"]["cer"] <= CER_CEILING
    for group, floor in EVAL_FLOORS[kind].items():
        assert groups[group]["field_accuracy"] >= floor, (group, groups[group])
    assert groups["all"]["pages"] == summary["pages"]
