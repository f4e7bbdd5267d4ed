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
    """For each true entry, the read entry it is scored against, or None when none was read.

    Entries are paired in page order (a sequence alignment) so that the agreement summed over
    the pairs — the number of fields on which a pair agrees — is the largest: a page whose rows
    20 and 21 were not read pairs row 22 with row 22, not with the next row read. A pair that
    agrees on nothing is made only when as many entries were read as there are."""
    values = [entry.values() for entry in read]
    agreement = [
        [
            sum(field_matches(str(v), got.get(k)) for k, v in true.items() if not k.startswith("_"))
            for got in values
        ]
        for true in truth
    ]
    pair_empty = len(truth) == len(read)
    n, m = len(truth), len(read)
    # best[i][j]: the largest (agreement, pairs) for truth[i:] against read[j:].
    best = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            options = [best[i + 1][j], best[i][j + 1]]
            if agreement[i][j] > 0 or pair_empty:
                rest = best[i + 1][j + 1]
                options.append((rest[0] + agreement[i][j], rest[1] + 1))
            best[i][j] = max(options)
    out: list[Entry | None] = []
    i = j = 0
    while i < n:
        if j < m and (agreement[i][j] > 0 or pair_empty):
            rest = best[i + 1][j + 1]
            if best[i][j] == (rest[0] + agreement[i][j], rest[1] + 1):
                out.append(read[j])
                i, j = i + 1, j + 1
                continue
        if j < m and best[i][j] == best[i][j + 1]:
            j += 1
        else:
            out.append(None)
            i += 1
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
