"""``hotich stage receipt FILE``: what the 158 side accepted or rejected, entry by entry.

The file is a CSV, UTF-8 (a BOM is fine), with a comma, semicolon or tab between values::

    entry_id,result,reason
    15,accepted
    16,rejected,Sai ngày đăng ký

``result`` is ``accepted`` or ``rejected`` (Vietnamese words too: ``chấp nhận``, ``từ chối``, …);
``reason`` is optional. A first line that names the columns is skipped. The whole file is checked
before anything is recorded: every line must name a staged entry, once; otherwise nothing is
recorded and every bad line is named. Then, in one transaction: an accepted entry gets a
``receipt_accept`` decision and stays staged; a rejected one goes back to review
(``needs_review``, no longer in a package) with a ``receipt_reject`` decision carrying the
reason, so the reviewer sees why.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotich.db.decisions import decide, new_batch
from hotich.db.models import EntryRow
from hotich.errors import BadInputError
from hotich.i18n import t
from hotich.schema.text import clean_text

ACCEPTED: Final = frozenset(
    {"accepted", "accept", "ok", "chấp nhận", "đã chấp nhận", "thành công", "đạt", "nhận"}
)
REJECTED: Final = frozenset(
    {"rejected", "reject", "từ chối", "bị từ chối", "không chấp nhận", "không đạt", "lỗi"}
)
HEADER_WORDS: Final = frozenset({"entry_id", "id", "entry", "mã", "ma"})
MAX_LISTED: Final = 50
_CHUNK: Final = 500


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    line: int
    entry_id: int
    accepted: bool
    reason: str | None


@dataclass(frozen=True, slots=True)
class ReceiptReport:
    accepted: tuple[int, ...]
    rejected: tuple[int, ...]
    batch: str


def _fail(path: Path, problems: list[str]) -> BadInputError:
    shown = problems[:MAX_LISTED]
    if len(problems) > MAX_LISTED:
        shown.append(t("receipt.more", n=len(problems) - MAX_LISTED))
    return BadInputError("receipt.invalid", file=str(path), problems="\n".join(shown))


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first.count)


def parse_receipt(path: Path) -> list[ReceiptLine]:
    """The lines of a receipt file; BadInputError naming every bad line."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as e:
        raise BadInputError("receipt.no_file", file=str(path)) from e
    except UnicodeDecodeError as e:
        raise BadInputError("receipt.not_utf8", file=str(path)) from e
    except OSError as e:
        raise BadInputError("receipt.unreadable", file=str(path), reason=str(e.strerror)) from e
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    lines: list[ReceiptLine] = []
    problems: list[str] = []
    for number, cells in enumerate(reader, start=1):
        cells = [clean_text(c) for c in cells]
        if not any(cells):
            continue
        if number == 1 and cells[0].casefold() in HEADER_WORDS:
            continue
        item = _parse_line(number, cells)
        if isinstance(item, str):
            problems.append(item)
        else:
            lines.append(item)
    if problems:
        raise _fail(path, problems)
    if not lines:
        raise BadInputError("receipt.empty", file=str(path))
    return lines


def _parse_line(number: int, cells: list[str]) -> ReceiptLine | str:
    if len(cells) < 2:
        return t("receipt.line.columns", line=number)
    if not cells[0].isdigit():
        return t("receipt.line.entry_id", line=number)
    result = cells[1].casefold()
    if result not in ACCEPTED | REJECTED:
        return t("receipt.line.result", line=number)
    reason = ", ".join(c for c in cells[2:] if c) or None
    return ReceiptLine(number, int(cells[0]), result in ACCEPTED, reason)


def apply_receipt(
    session: Session, path: Path, lines: list[ReceiptLine], username: str
) -> ReceiptReport:
    """Check every line against the database, then record them all (the caller commits)."""
    ids = [line.entry_id for line in lines]
    entries: dict[int, EntryRow] = {}
    for start in range(0, len(ids), _CHUNK):
        query = select(EntryRow).where(EntryRow.id.in_(ids[start : start + _CHUNK]))
        entries.update((e.id, e) for e in session.scalars(query.with_for_update()))
    problems: list[str] = []
    first_line: dict[int, int] = {}
    for line in lines:
        entry = entries.get(line.entry_id)
        if line.entry_id in first_line:
            problems.append(
                t(
                    "receipt.line.repeated",
                    line=line.line,
                    entry_id=line.entry_id,
                    first=first_line[line.entry_id],
                )
            )
        elif entry is None:
            problems.append(t("receipt.line.no_entry", line=line.line, entry_id=line.entry_id))
        elif entry.status != "staged":
            problems.append(
                t(
                    "receipt.line.not_staged",
                    line=line.line,
                    entry_id=line.entry_id,
                    status=t(f"stage.status.{entry.status}"),
                )
            )
        first_line.setdefault(line.entry_id, line.line)
    if problems:
        raise _fail(path, problems)
    batch = new_batch("receipt")
    accepted: list[int] = []
    rejected: list[int] = []
    for line in lines:
        action = "receipt_accept" if line.accepted else "receipt_reject"
        decide(session, entries[line.entry_id], action, username, reason=line.reason, batch=batch)
        (accepted if line.accepted else rejected).append(line.entry_id)
    session.flush()
    return ReceiptReport(tuple(accepted), tuple(rejected), batch)
