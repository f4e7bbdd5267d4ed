"""Find every page under a scan folder, and every file that cannot become a page."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hotich.config.settings import Settings
from hotich.errors import PageError
from hotich.i18n import t
from hotich.scanners import expand, find_duplicates, scan_folder
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
    found = Discovery(ignored=[item.path for item in listing.ignored])
    for misplaced in listing.misplaced:
        found.problems.append(Problem(misplaced.path, "layout.misplaced",
                                      t("quarantine.layout.misplaced", file=misplaced.path)))
    for page_file in listing.pages:
        try:
            found.refs.extend(expand(page_file, root))
        except PageError as e:
            found.problems.append(Problem(page_file.path, e.code, str(e)))
    duplicates = find_duplicates(found.refs)
    drop = set()
    for first, later in duplicates:
        drop.add((later.source, later.index))
        found.problems.append(Problem(
            later.label, "layout.duplicate_page_no",
            t("quarantine.layout.duplicate_page_no", file=later.label, other=first.label,
              page_no=later.page_no),
        ))
    found.refs = [r for r in found.refs if (r.source, r.index) not in drop]
    return found
