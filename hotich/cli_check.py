"""``hotich check``: ledger integrity per book (numbering, blank pages, page count).

Parses options, calls :func:`hotich.loaders.integrity.check_books` and prints what it found.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from hotich.cli_common import DbOption, settings_for
from hotich.i18n import t

if TYPE_CHECKING:
    from hotich.loaders.integrity import BookCheck


def format_checks(books: list[BookCheck]) -> str:
    """The findings as a person reads them: a line per book, then its findings."""
    total = sum(len(b.findings) for b in books)
    if not books:
        return t("integrity.nothing")
    lines = [t("integrity.title", books=len(books), findings=total)]
    for b in books:
        expected = t("integrity.expected_unknown") if b.expected_pages is None else b.expected_pages
        lines.append(
            t(
                "integrity.book",
                commune=b.commune,
                book=b.book,
                pages=b.pages,
                processed=b.processed,
                expected=expected,
                entries=b.entries,
                findings=len(b.findings),
            )
        )
        lines.extend(f"  - {f.message}" for f in b.findings)
    return "\n".join(lines)


def check_cmd(
    commune: Annotated[
        str | None, typer.Option("--commune", help=t("integrity.opt.commune"), show_default=False)
    ] = None,
    book: Annotated[
        str | None, typer.Option("--book", help=t("integrity.opt.book"), show_default=False)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=t("integrity.opt.json"))] = False,
    db: DbOption = None,
) -> None:
    from hotich.db.migrate import upgrade
    from hotich.db.session import make_engine, session_scope
    from hotich.loaders.integrity import check_books, report_json

    settings = settings_for(db)
    upgrade(settings.db)
    engine = make_engine(settings.db)
    try:
        with session_scope(engine) as session:
            books = check_books(session, commune=commune, book=book)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(report_json(books), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_checks(books))
