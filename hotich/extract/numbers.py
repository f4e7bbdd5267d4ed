"""The registration numbers of a table page, in sequence.

The rows of one page hold consecutive registrations (19, 20, 21). A number that breaks the run
where its neighbours say what it must be, and that becomes that number with figures OCR takes
for zeros read as zeros ("67" between 06 and 08), is repaired, with an issue. Where the numbers
still jump (19, then 22), rows between may not have been read: the number after the jump gets
an issue, so that the page goes to a person.
"""

from __future__ import annotations

from collections.abc import Callable

from hotich.i18n import t
from hotich.schema.entries import Entry, FieldValue, Issue
from hotich.schema.normalize import parse_register_number
from hotich.schema.normalize.result import FACTORS, issue
from hotich.schema.normalize.zeros import zero_fit


def number_sequence(entries: list[Entry]) -> list[Entry]:
    """``entries`` (the rows of one page, top to bottom) with numbers repaired from the run,
    then the jumps flagged."""
    return flag_number_gaps(repair_from_run(entries))


def _number(entry: Entry) -> int | None:
    field = entry.fields.get("register_number")
    parsed = parse_register_number(field.value) if field else None
    return parsed[0] if parsed else None


def _with_field(entry: Entry, field: FieldValue) -> Entry:
    return entry.model_copy(update={"fields": {**entry.fields, "register_number": field}})


def _reads_as(number: int) -> Callable[[str], bool]:
    return lambda figures: int(figures) == number


def repair_from_run(entries: list[Entry]) -> list[Entry]:
    """Numbers out of the run taken back into it where zeros misread explain the difference:
    the one before it plus one (or, for the first row, the one after it minus one)."""
    out = list(entries)
    for i, entry in enumerate(out):
        number = _number(entry)
        before = _number(out[i - 1]) if i > 0 else None
        after = _number(out[i + 1]) if i + 1 < len(out) else None
        expected = before + 1 if before is not None else (after - 1 if after else None)
        if number is None or expected is None or number == expected:
            continue
        if after is not None and before is not None and after != expected + 1:
            continue  # the run itself is broken here: nothing says which number is wrong
        field = entry.fields["register_number"]
        figures, _, year = field.value.partition("/")
        fit = zero_fit(figures, _reads_as(expected))
        if fit is None:
            continue
        value = fit + (f"/{year}" if year else "")
        code = "register_number.ocr_repaired"
        repaired = issue(code, raw=field.raw, value=value)
        out[i] = _with_field(
            entry,
            field.model_copy(
                update={
                    "value": value,
                    "confidence": round(field.confidence * FACTORS[code], 4),
                    "issues": (*field.issues, repaired),
                }
            ),
        )
    return out


def flag_number_gaps(entries: list[Entry]) -> list[Entry]:
    """The number after a jump (19, then 22) with the issue ``table.rows_missing``."""
    out = list(entries)
    for i in range(1, len(out)):
        previous, number = _number(out[i - 1]), _number(out[i])
        if previous is None or number is None or number - previous <= 1:
            continue
        field = out[i].fields["register_number"]
        found = Issue(
            code="table.rows_missing",
            message=t("issue.table.rows_missing", previous=previous, number=number),
        )
        out[i] = _with_field(out[i], field.model_copy(update={"issues": (*field.issues, found)}))
    return out
