"""``hotich eval``: run the pipeline on pages that have ground truth, and score them.

Nothing is written to the database: evaluation measures, it does not digitize.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hotich.config.settings import Settings
from hotich.evaluate.groundtruth import TruthPage, load_truth
from hotich.evaluate.metrics import Scores, field_matches
from hotich.pipeline.discover import discover
from hotich.pipeline.executor import EngineFactory, make_executor
from hotich.pipeline.preprocess import PreprocessConfig
from hotich.pipeline.progress import NullProgress, Progress
from hotich.pipeline.recipe import PageContext, PageTask
from hotich.schema.entries import Entry
from hotich.schema.page import PageResult


def _align(truth: list[dict[str, Any]], read: list[Entry]) -> list[Entry | None]:
    """For each true entry, the read entry agreeing with it on most fields (each used once)."""
    free = list(read)
    out: list[Entry | None] = []
    for entry in truth:

        def agreement(candidate: Entry, entry: dict[str, Any] = entry) -> int:
            values = candidate.values()
            return sum(
                field_matches(str(v), values.get(k))
                for k, v in entry.items()
                if not k.startswith("_")
            )

        best = max(free, key=agreement, default=None)
        if best is not None and (agreement(best) > 0 or len(truth) == len(read)):
            free.remove(best)
            out.append(best)
        else:
            out.append(None)
    return out


DEFAULT_THRESHOLD: float = Settings.model_fields["review_threshold"].default


def score_page(
    scores: Scores, truth: TruthPage, result: PageResult, threshold: float = DEFAULT_THRESHOLD
) -> None:
    """Score one page's result against its ground truth; ``threshold`` is the review threshold
    (a field at or above it with no issue is auto-accepted)."""
    groups = [
        "all",
        f"difficulty:{truth.difficulty}",
        f"register:{truth.register_type}",
        f"design:{truth.design}",
    ]
    scores.add_text(groups, truth.text, result.text)
    read = [e for e in result.entries if e.register_type == truth.register_type]
    for entry, match in zip(truth.entries, _align(list(truth.entries), read), strict=True):
        fields = match.fields if match else {}
        flagged = {name for name, f in fields.items() if f.issues}
        accepted = {name for name, f in fields.items() if f.accepted(threshold)}
        scores.add_entry(groups, entry, match.values() if match else None, flagged, accepted)


def evaluate(
    root: Path,
    *,
    settings: Settings,
    engine_factory: EngineFactory,
    workers: int = 1,
    progress: Progress | None = None,
    preprocess: PreprocessConfig | None = None,
    on_result: Callable[[TruthPage, PageResult], None] | None = None,
) -> dict[str, Any]:
    progress = progress or NullProgress()
    refs = discover(root, settings=settings).refs
    tasks = []
    truths: dict[tuple[str, str, int], TruthPage] = {}
    for ref in refs:
        truth = load_truth(ref)
        if truth is not None:
            truths[(ref.commune, ref.book, ref.page_no)] = truth
            tasks.append(PageTask(ref=ref))
    scores = Scores()
    start = time.perf_counter()
    progress.start(len(tasks))
    executor = make_executor(settings, engine_factory, workers, preprocess=preprocess)
    quarantined = 0
    for result in executor.run(tasks):
        ref = result.ref
        progress.advance(ref.label)
        truth = truths[(ref.commune, ref.book, ref.page_no)]
        if not result.ok:
            quarantined += 1
        score_page(scores, truth, result, settings.review_threshold)
        if on_result is not None:
            on_result(truth, result)
    progress.close()
    seconds = time.perf_counter() - start
    summary = scores.summary()
    summary["pages"] = len(tasks)
    summary["quarantined"] = quarantined
    summary["seconds"] = round(seconds, 2)
    summary["pages_per_minute"] = round(len(tasks) * 60.0 / seconds, 2) if seconds > 0 else None
    summary["workers"] = workers
    return summary


__all__ = ["PageContext", "evaluate", "score_page"]
