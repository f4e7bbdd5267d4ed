"""Character error rate and field exact-match, as the contract defines a match."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Levenshtein

from hotich.schema.text import match_key


def cer(truth: str, read: str) -> tuple[int, int]:
    """(edit distance, characters in truth) after NFC and white-space folding of both."""
    a = " ".join(match_key(line) for line in truth.splitlines() if line.strip())
    b = " ".join(match_key(line) for line in read.splitlines() if line.strip())
    return Levenshtein.distance(a, b), len(a)


def field_matches(truth: str, read: str | None) -> bool:
    return read is not None and match_key(truth) == match_key(read)


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += int(ok)

    @property
    def accuracy(self) -> float | None:
        return self.right / self.total if self.total else None


@dataclass
class Scores:
    """Running totals, kept per group (difficulty, register type, design) and per field."""

    edits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    chars: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    fields: dict[str, dict[str, Tally]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Tally))
    )
    flagged: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    """Per group: fields of ``_inconsistent`` that the read entry has an issue on."""
    accepted: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    """Per group: auto-accepted fields (confident enough, no issue) that are right."""
    pages: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add_text(self, groups: Iterable[str], truth: str, read: str) -> None:
        edits, chars = cer(truth, read)
        for g in groups:
            self.edits[g] += edits
            self.chars[g] += chars
            self.pages[g] += 1

    def add_entry(
        self,
        groups: Iterable[str],
        truth: Mapping[str, Any],
        read: Mapping[str, str] | None,
        flagged_fields: Collection[str],
        accepted_fields: Collection[str] = (),
    ) -> None:
        """Score one true entry against the entry read for it (None: none was read).

        A field listed in ``_inconsistent`` is not scored for exact match: it counts as flagged
        when it is in ``flagged_fields`` (the read entry has an issue on it). Of the other
        fields, those in ``accepted_fields`` (auto-accepted) also count for calibration.
        """
        group_list = list(groups)
        skip = set(truth.get("_inconsistent", []))
        for name in skip:
            for g in group_list:
                self.flagged[g].add(name in flagged_fields)
        for name, value in truth.items():
            if name.startswith("_") or name in skip:
                continue
            ok = field_matches(str(value), None if read is None else read.get(name))
            for g in group_list:
                self.fields[g][name].add(ok)
                self.fields[g]["*"].add(ok)
                if name in accepted_fields:
                    self.accepted[g].add(ok)

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for g in sorted(set(self.chars) | set(self.fields)):
            chars = self.chars.get(g, 0)
            per_field = {
                name: {"accuracy": tally.accuracy, "right": tally.right, "total": tally.total}
                for name, tally in sorted(self.fields[g].items())
                if name != "*"
            }
            overall = self.fields[g]["*"]
            out[g] = {
                "pages": self.pages.get(g, 0),
                "cer": (self.edits[g] / chars) if chars else None,
                "field_accuracy": overall.accuracy,
                "fields_right": overall.right,
                "fields_total": overall.total,
                "auto_accepted": _rate(self.accepted.get(g, Tally())),
                "inconsistent_flagged": _rate(self.flagged.get(g, Tally())),
                "per_field": per_field,
            }
        return {
            "groups": out,
            "inconsistent_flagged": _rate(self.flagged.get("all", Tally())),
        }


def _rate(tally: Tally) -> dict[str, Any]:
    return {"right": tally.right, "total": tally.total, "rate": tally.accuracy}
