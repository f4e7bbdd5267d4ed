"""Find every page under a scan folder, and every file that cannot become a page."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hotich.config.settings import Settings
from hotich.errors import PageError
from hotich.scanners import duplicate_error, expand, find_duplicates, scan_folder
from hotich.schema.page import PageRef


@dataclass(frozen=True)
class Problem:
    """A file quarantined before any page of it could be read."""

    source: str
    code: str
    message: str


@dataclass
class Discovery:
    refs: list[PageRef] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def discover(root: Path, *, settings: Settings) -> Discovery:
    listing = scan_folder(root)
    found = Discovery(ignored=[item.message for item in listing.ignored])
    for misplaced in listing.misplaced:
        error = misplaced.error()
        found.problems.append(Problem(misplaced.source, error.code, str(error)))
    for page_file in listing.pages:
        try:
            found.refs.extend(expand(page_file, root))
        except PageError as e:
            found.problems.append(Problem(page_file.source, e.code, str(e)))
    drop = set()
    for kept, later in find_duplicates(found.refs):
        drop.add((later.source, later.index))
        error = duplicate_error(kept, later)
        found.problems.append(Problem(later.label, error.code, str(error)))
    found.refs = [r for r in found.refs if (r.source, r.index) not in drop]
    return found
