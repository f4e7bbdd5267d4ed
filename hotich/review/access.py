"""Who sees what: each role's scope (communes and kinds of data), and the query conditions that
keep every page, entry and image outside the caller's scope out of reach.

| role | communes | lists pages, entries | field values, images | corrects, approves |
|---|---|---|---|---|
| ``clerk`` | their own | yes | yes | no |
| ``reviewer`` | assigned to them | yes | yes | yes |
| ``supervisor`` (Sở Tư pháp) | all | yes | no: non-personal fields only | no |
| ``admin`` | none | no | no | no (manages accounts) |

The web app asks the scope on every route, image and API call, by the commune of the object; an
object outside it answers 404 (:class:`NotVisibleError`), so ids reveal nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, TypeVar

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.orm import QueryableAttribute

from hotich.db.models import Book, Commune, EntryRow, Page
from hotich.errors import HotichError

T = TypeVar("T")
Q = TypeVar("Q", bound=Select[Any])

NON_PERSONAL_FIELDS: Final = frozenset({"register_number", "book_number", "registration_date"})
"""The only record fields a role without personal data may read; every other field can name
or identify a person (names, dates of birth, ID numbers, places, notes, the registrar)."""


class Role(StrEnum):
    clerk = "clerk"
    reviewer = "reviewer"
    supervisor = "supervisor"
    admin = "admin"


class NotVisibleError(HotichError):
    """The object is outside the caller's scope, or does not exist: the same answer (404)."""

    def __init__(self) -> None:
        super().__init__("access.not_found")


@dataclass(frozen=True)
class Scope:
    """What one account may see and do."""

    role: Role
    communes: frozenset[str] | None
    """The commune keys it sees; None for every commune."""
    records: bool
    """May list pages and entries of those communes (status, confidence, non-personal fields)."""
    personal: bool
    """May read field values and page images (personal data)."""
    review: bool
    """May correct, approve and reject entries."""
    accounts: bool
    """May manage accounts."""
    audit: bool
    """May read the audit log."""

    def sees(self, commune: str | None) -> bool:
        """The commune's progress figures are visible."""
        if self.communes is None:
            return True
        return commune is not None and commune in self.communes

    def require(self, commune: str | None, *, personal: bool = False, review: bool = False) -> None:
        """Raise :class:`NotVisibleError` unless the caller may reach an object of ``commune``
        (its record; with ``personal``, its values and image; with ``review``, to change it)."""
        allowed = self.records and self.sees(commune)
        if (personal and not self.personal) or (review and not self.review):
            allowed = False
        if not allowed:
            raise NotVisibleError()

    def fields(self, values: Mapping[str, T]) -> dict[str, T]:
        """The fields of a record this scope may read (all, or the non-personal ones)."""
        if self.personal:
            return dict(values)
        return {k: v for k, v in values.items() if k in NON_PERSONAL_FIELDS}


def scope_for(role: str, communes: Iterable[str] = ()) -> Scope:
    """The scope of an account of ``role`` assigned to ``communes``."""
    r = Role(role)
    own = frozenset(communes)
    if r is Role.clerk:
        return Scope(r, own, records=True, personal=True, review=False, accounts=False, audit=False)
    if r is Role.reviewer:
        return Scope(r, own, records=True, personal=True, review=True, accounts=False, audit=False)
    if r is Role.supervisor:
        return Scope(
            r, None, records=True, personal=False, review=False, accounts=False, audit=True
        )
    return Scope(
        r, frozenset(), records=False, personal=False, review=False, accounts=True, audit=True
    )


def commune_condition(
    scope: Scope, key_column: ColumnElement[str] | QueryableAttribute[str]
) -> ColumnElement[bool]:
    """A WHERE condition on a commune key column: the communes ``scope`` sees."""
    if scope.communes is None:
        return true()
    if not scope.communes:
        return false()
    return key_column.in_(sorted(scope.communes))


def page_condition(scope: Scope) -> ColumnElement[bool]:
    """A WHERE condition on ``Page``: the pages whose records ``scope`` may list."""
    if not scope.records:
        return false()
    if scope.communes is None:
        return true()
    books = (
        select(Book.id)
        .join(Commune, Commune.id == Book.commune_id)
        .where(commune_condition(scope, Commune.key))
    )
    return Page.book_id.in_(books)


def entry_condition(scope: Scope) -> ColumnElement[bool]:
    """A WHERE condition on ``EntryRow``: the entries whose records ``scope`` may list."""
    if not scope.records:
        return false()
    if scope.communes is None:
        return true()
    return EntryRow.page_id.in_(select(Page.id).where(page_condition(scope)))


def visible_pages(query: Q, scope: Scope) -> Q:
    """``query`` (of anything involving ``Page``) limited to the pages ``scope`` may list."""
    return query.where(page_condition(scope))


def visible_entries(query: Q, scope: Scope) -> Q:
    """``query`` (of anything involving ``EntryRow``) limited to the entries ``scope`` may list."""
    return query.where(entry_condition(scope))
