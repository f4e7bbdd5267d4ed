"""``hotich eval`` as a table a person reads."""

from __future__ import annotations

from typing import Any

from hotich.i18n import t


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _share(tally: dict[str, Any] | None) -> str:
    """A share as "93.0 % (40/43)", or "—" when there is nothing to count."""
    if not tally or not tally.get("total"):
        return "—"
    return f"{_pct(tally['rate'])} ({tally['right']}/{tally['total']})"


def format_eval(summary: dict[str, Any]) -> str:
    groups: dict[str, Any] = summary["groups"]
    lines = [t("eval.title", pages=summary["pages"], rate=summary.get("pages_per_minute") or 0)]
    lines.append(
        f"{t('eval.col.group'):<28}{t('eval.col.pages'):>8}{'CER':>10}"
        f"{t('eval.col.fields'):>22}{t('eval.col.accepted'):>24}{t('eval.col.flagged'):>22}"
    )
    for name, g in groups.items():
        fields = f"{_pct(g['field_accuracy'])} ({g['fields_right']}/{g['fields_total']})"
        lines.append(
            f"{name:<28}{g['pages']:>8}{_pct(g['cer']):>10}{fields:>22}"
            f"{_share(g.get('auto_accepted')):>24}{_share(g.get('inconsistent_flagged')):>22}"
        )
    lines.append(t("eval.legend"))
    overall = groups.get("all")
    if overall:
        lines.append("")
        lines.append(t("eval.per_field"))
        for field, f in overall["per_field"].items():
            lines.append(f"  {field:<26}{_pct(f['accuracy']):>10}  ({f['right']}/{f['total']})")
    flagged = summary.get("inconsistent_flagged", {})
    if flagged.get("total"):
        lines.append(t("eval.flagged", right=flagged["right"], total=flagged["total"]))
    return "\n".join(lines)
