"""The plain-words summary a clerk reads at the end of ``hotich run``."""

from __future__ import annotations

from hotich.i18n import t
from hotich.pipeline.runner import BatchReport


def format_summary(report: BatchReport, *, max_listed: int = 50) -> str:
    lines = [
        t("run.summary.title"),
        t("run.summary.found", n=report.pages_found),
        t(
            "run.summary.processed",
            n=report.processed,
            rate=f"{report.pages_per_minute:.1f}",
            seconds=f"{report.seconds:.0f}",
        ),
        t("run.summary.skipped", n=report.skipped + report.unchanged),
        t("run.summary.entries", n=report.entries, review=report.entries_needing_review),
    ]
    if report.elsewhere:  # another run on the same database did them at the same time
        lines.insert(-1, t("claims.elsewhere", n=report.elsewhere))
    if report.pages_without_entries:
        lines.append(t("run.summary.no_entries", n=report.pages_without_entries))
    if report.quarantined:
        lines.append(t("run.summary.quarantined", n=len(report.quarantined)))
        for item in report.quarantined[:max_listed]:
            lines.append(f"  - {item.message}")
        if len(report.quarantined) > max_listed:
            lines.append(t("run.summary.more", n=len(report.quarantined) - max_listed))
        lines.append(t("run.summary.quarantine_advice"))
    else:
        lines.append(t("run.summary.no_quarantine"))
    if report.ignored:
        lines.append(t("run.summary.ignored", n=len(report.ignored)))
        for path in report.ignored[:max_listed]:
            lines.append(f"  - {path}")
    return "\n".join(lines)
