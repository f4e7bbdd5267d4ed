"""Accuracy of hotich on generated pages: per difficulty, against raw Tesseract and ablations.

    python benchmarks/accuracy.py [--pages 30] [--dpi 300] [--seed 2026] [--ablations moderate]

Sets: clean, moderate and hard scans, phone photos (``photo``: moderate pages photographed,
see ``hotich samples --capture photo``) and open form books scanned two pages at a time
(``spread``: moderate, two forms per image, ``--capture spread``). Rows: hotich as shipped;
the baseline, raw Tesseract (``vie``) on the unprocessed page with no second reading of
figures; and one row per stage switched off (an image stage, or the second reading of
figures).

Writes ``benchmarks/results/accuracy.json`` and prints Markdown tables. Every figure comes from
``hotich.evaluate`` (CER, field exact match) except the review share and the precision of
auto-accepted fields, which are counted here from each page's result with the library's own
alignment and match rule.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from _common import code, fmt, machine, markdown_table, ratio, write_json

from hotich.config.settings import Settings
from hotich.evaluate.groundtruth import TruthPage
from hotich.evaluate.metrics import cer, field_matches
from hotich.evaluate.run import _align, evaluate
from hotich.ocr.tesseract import from_settings
from hotich.pipeline.preprocess import PreprocessConfig
from hotich.samplegen import generate
from hotich.schema.page import PageResult

Difficulty = Literal["clean", "moderate", "hard", "photo", "spread"]
DIFFICULTIES: tuple[Difficulty, ...] = ("clean", "moderate", "hard", "photo", "spread")
STAGES = (
    "perspective",
    "orient",
    "crop_border",
    "deskew",
    "flatten_background",
    "remove_dots",
    "denoise",
    "split_spread",
)
WORKERS = 2

DEFAULT = "hotich"
BASELINE = "raw Tesseract"
FIGURES = "figures_reread"
NO_FIGURES = {"ocr_figures_lang": ""}
ABLATIONS: dict[str, tuple[PreprocessConfig, dict[str, str]]] = {
    **{f"without {stage}": (PreprocessConfig(**{stage: False}), {}) for stage in STAGES},
    f"without {FIGURES}": (PreprocessConfig(), NO_FIGURES),
}
ROWS: dict[str, tuple[PreprocessConfig, dict[str, str]]] = {
    DEFAULT: (PreprocessConfig(), {}),
    BASELINE: (PreprocessConfig(**dict.fromkeys(STAGES, False)), NO_FIGURES),
    **ABLATIONS,
}


@dataclass
class ReviewTally:
    """What a clerk would see: entries sent to review, and how right the auto-accepted are."""

    threshold: float
    truth_entries: int = 0
    read_entries: int = 0
    review_entries: int = 0
    edits: int = 0
    chars: int = 0
    accepted_fields: int = 0
    accepted_right: int = 0

    def __call__(self, truth: TruthPage, result: PageResult) -> None:
        edits, chars = cer(truth.text, result.text)
        self.edits += edits
        self.chars += chars
        self.truth_entries += len(truth.entries)
        self.read_entries += len(result.entries)
        self.review_entries += sum(
            e.status(self.threshold) == "needs_review" for e in result.entries
        )
        read = [e for e in result.entries if e.register_type == truth.register_type]
        matched = {
            id(entry): true
            for true, entry in zip(truth.entries, _align(list(truth.entries), read), strict=True)
            if entry is not None
        }
        for entry in result.entries:
            true = matched.get(id(entry), {})
            skip = set(true.get("_inconsistent", []))  # must carry an issue: accepted is wrong
            for name, value in entry.fields.items():
                if value.accepted(self.threshold):
                    self.accepted_fields += 1
                    self.accepted_right += (
                        name in true
                        and name not in skip
                        and field_matches(str(true[name]), value.value)
                    )

    def figures(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "cer": self.edits / self.chars if self.chars else None,
            "review_share": self.review_entries / self.read_entries if self.read_entries else None,
            "accepted_precision": (
                self.accepted_right / self.accepted_fields if self.accepted_fields else None
            ),
        }


COUNTS = [name for name in ReviewTally.__dataclass_fields__ if name != "threshold"]


def _generate(job: tuple[Path, int, int, Difficulty, int]) -> dict[str, Any]:
    out, pages, seed, difficulty, dpi = job
    if difficulty in ("photo", "spread"):
        report = generate(
            out, pages=pages, seed=seed, difficulty="moderate", dpi=dpi, capture=difficulty
        )
    else:
        report = generate(out, pages=pages, seed=seed, difficulty=difficulty, dpi=dpi)
    return {"pages": report.pages, "entries": report.entries, "designs": dict(report.designs)}


def _run(name: str, root: Path, difficulty: Difficulty, settings: Settings) -> dict[str, Any]:
    tally = ReviewTally(threshold=settings.review_threshold)
    preprocess, overrides = ROWS[name]
    start = time.perf_counter()
    summary = evaluate(
        root,
        settings=settings.model_copy(update=overrides),
        engine_factory=from_settings,
        workers=WORKERS,
        preprocess=preprocess,
        on_result=tally,
    )
    seconds = time.perf_counter() - start
    groups = summary["groups"]
    every = groups["all"]
    print(
        f"  {name:<30} {difficulty:<8} field acc {fmt(every['field_accuracy'])}"
        f"  CER {fmt(every['cer'])}  {seconds:6.1f} s",
        file=sys.stderr,
        flush=True,
    )
    return {
        "row": name,
        "difficulty": difficulty,
        "preprocess": preprocess.model_dump(),
        "settings": overrides,
        "pages": summary["pages"],
        "quarantined": summary["quarantined"],
        "cer": every["cer"],
        "fields_right": every["fields_right"],
        "fields_total": every["fields_total"],
        "field_accuracy": every["field_accuracy"],
        "per_design": {
            g.split(":", 1)[1]: {
                "pages": groups[g]["pages"],
                "right": groups[g]["fields_right"],
                "total": groups[g]["fields_total"],
            }
            for g in groups
            if g.startswith("design:")
        },
        "per_register": {
            g.split(":", 1)[1]: {
                "pages": groups[g]["pages"],
                "right": groups[g]["fields_right"],
                "total": groups[g]["fields_total"],
                "accepted_right": groups[g]["auto_accepted"]["right"],
                "accepted": groups[g]["auto_accepted"]["total"],
            }
            for g in groups
            if g.startswith("register:")
        },
        "inconsistent_flagged": every.get("inconsistent_flagged"),
        "per_field": every["per_field"],
        "review": tally.figures(),
        "seconds": round(seconds, 1),
        "pages_per_minute": summary["pages_per_minute"],
    }


def _plan(ablations: str) -> list[tuple[str, Difficulty]]:
    """Default and baseline on every set; the ablations on the sets ``ablations`` names."""
    on = {"all": DIFFICULTIES, "none": ()}.get(ablations, (ablations,))
    plan = [(name, d) for d in DIFFICULTIES for name in (DEFAULT, BASELINE)]
    plan += [(name, d) for d in DIFFICULTIES if d in on for name in ABLATIONS]
    return plan


def _sum(runs: list[dict[str, Any]], key: str) -> dict[str, dict[str, int]]:
    """The counts under ``key`` (per_field or per_design: name → counts), summed over runs."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for run in runs:
        for name, counts in run[key].items():
            for k, v in counts.items():
                if isinstance(v, int):
                    out[name][k] += v
    return {name: dict(counts) for name, counts in sorted(out.items())}


def _all_sets(runs: list[dict[str, Any]], row: str) -> dict[str, Any]:
    """One row's runs over every set, summed (CER from summed edits and characters)."""
    mine = [r for r in runs if r["row"] == row]
    review = {k: sum(r["review"][k] for r in mine) for k in COUNTS}
    return {
        "row": row,
        "difficulty": "all",
        "pages": sum(r["pages"] for r in mine),
        "cer": review["edits"] / review["chars"] if review["chars"] else None,
        "fields_right": sum(r["fields_right"] for r in mine),
        "fields_total": sum(r["fields_total"] for r in mine),
        "review": review,
    }


def _tables(runs: list[dict[str, Any]]) -> str:
    totals = [_all_sets(runs, row) for row in (DEFAULT, BASELINE)]
    main = markdown_table(
        [
            "row",
            "set",
            "pages",
            "entries (truth/read)",
            "CER",
            "field accuracy (right/total)",
            "entries to review",
            "auto-accepted fields right",
        ],
        [
            [
                r["row"],
                r["difficulty"],
                r["pages"],
                f"{r['review']['truth_entries']}/{r['review']['read_entries']}",
                fmt(r["cer"]),
                ratio(r["fields_right"], r["fields_total"]),
                ratio(r["review"]["review_entries"], r["review"]["read_entries"]),
                ratio(r["review"]["accepted_right"], r["review"]["accepted_fields"]),
            ]
            for r in [*runs, *totals]
        ],
    )
    default = [r for r in runs if r["row"] == DEFAULT]
    design = markdown_table(
        ["set", *sorted({d for r in default for d in r["per_design"]})],
        [
            [
                r["difficulty"],
                *(
                    ratio(t["right"], t["total"]) + f", {t['pages']} p."
                    for _, t in sorted(r["per_design"].items())
                ),
            ]
            for r in default
        ],
    )
    registers = markdown_table(
        [
            "set",
            *sorted({d for r in default for d in r["per_register"]}),
            "injected inconsistencies flagged",
        ],
        [
            [
                r["difficulty"],
                *(
                    ratio(t["right"], t["total"]) + f", {t['pages']} p."
                    for _, t in sorted(r["per_register"].items())
                ),
                ratio(r["inconsistent_flagged"]["right"], r["inconsistent_flagged"]["total"])
                if r.get("inconsistent_flagged")
                else "–",
            ]
            for r in default
        ],
    )
    fields = markdown_table(
        ["field", "accuracy (right/total)"],
        [[name, ratio(t["right"], t["total"])] for name, t in _sum(default, "per_field").items()],
    )
    return "\n\n".join(
        [
            "### Per row and set",
            main,
            "### hotich (default) per design",
            design,
            "### hotich (default) per register (field accuracy)",
            registers,
            "### hotich (default) per field, all sets together",
            fields,
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=30, help="pages per set")
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--ablations",
        choices=["all", "none", *DIFFICULTIES],
        default="moderate",
        help="the set(s) the one-stage-off rows run on (all of them quadruples the time)",
    )
    parser.add_argument(
        "--name", default="accuracy", help="results file: benchmarks/results/NAME.json"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    settings = Settings()
    info, sources = machine(), code()
    with tempfile.TemporaryDirectory(prefix="hotich-bench-") as tmp:
        roots = {d: Path(tmp) / d for d in DIFFICULTIES}
        jobs = [(roots[d], args.pages, args.seed, d, args.dpi) for d in DIFFICULTIES]
        with ProcessPoolExecutor(max_workers=WORKERS) as pool:
            sets = dict(zip(DIFFICULTIES, pool.map(_generate, jobs), strict=True))
        generated = time.perf_counter() - start
        print(f"generated {sets} in {generated:.1f} s", file=sys.stderr, flush=True)
        runs = [_run(name, roots[d], d, settings) for name, d in _plan(args.ablations)]
    default = [r for r in runs if r["row"] == DEFAULT]
    seconds = time.perf_counter() - start
    path = write_json(
        f"{args.name}.json",
        {
            "machine": info,
            "code": sources,
            "arguments": {**vars(args), "workers": WORKERS},
            "review_threshold": settings.review_threshold,
            "sets": sets,
            "runs": runs,
            "all_sets": [_all_sets(runs, row) for row in (DEFAULT, BASELINE)],
            "default_per_field_all_sets": _sum(default, "per_field"),
            "default_per_design_all_sets": _sum(default, "per_design"),
            "seconds_generating": round(generated, 1),
            "seconds_total": round(seconds, 1),
        },
    )
    print(_tables(runs))
    print(f"\n{len(runs)} evaluations in {seconds:.0f} s; results in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
