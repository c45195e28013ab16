"""Errors the store raises: every one carries a message fit to show a supervisor."""

from __future__ import annotations

import sqlite3

from floorconsole.i18n import _


class StoreError(Exception):
    """Base of every user-facing store error."""


class ValidationError(StoreError):
    """The input cannot be saved as given (the message says what to fix)."""


class NotFound(StoreError):
    """The record asked for does not exist."""


class NotAllowed(ValidationError):
    """This person may not do this (the other side of a handover, or not a configured signer)."""


class AlreadyClaimed(StoreError):
    """Someone else took the escalation first."""

    def __init__(self, by: str, at: float, escalation_id: int | None = None) -> None:
        self.by = by
        self.at = at
        self.escalation_id = escalation_id
        if escalation_id is not None:
            message = _("escalation {id} is already taken by {who}").format(id=escalation_id, who=by)
        else:
            message = _("the escalation is already taken by {who}").format(who=by)
        super().__init__(message)


class ReadOnlyStore(StoreError):
    """The database file cannot be written; nothing was saved by this action."""


class StoreFull(StoreError):
    """The disk (or the database's size limit) is full; nothing was saved by this action."""


class StoreBusy(StoreError):
    """Another console held the database for longer than the busy timeout."""


class IntegrityProblem(StoreError):
    """The file is not a floorconsole records database, or its schema is damaged."""


def translate(exc: sqlite3.Error, path: object = "") -> StoreError | sqlite3.Error:
    """Map an sqlite3 error to the user-facing StoreError it means, else return it as is."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary == sqlite3.SQLITE_READONLY or "readonly" in text or "read-only" in text:
        return ReadOnlyStore(
            _(
                "the records database {path} is read-only: nothing was saved (check the file's permissions or the disk)"
            ).format(path=path)
        )
    if primary == sqlite3.SQLITE_FULL or "database or disk is full" in text:
        return StoreFull(
            _(
                "the records database {path} is full (disk or size limit): this entry was NOT saved; "
                "entries already saved are safe"
            ).format(path=path)
        )
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "database is locked" in text:
        return StoreBusy(_("the records database is busy (another console is writing); try again"))
    if primary == sqlite3.SQLITE_CANTOPEN or "unable to open" in text:
        return ReadOnlyStore(_("cannot open the records database {path}: {error}").format(path=path, error=exc))
    if primary == sqlite3.SQLITE_NOTADB or "not a database" in text:
        return IntegrityProblem(_("{path} is not a floorconsole records database").format(path=path))
    return exc
