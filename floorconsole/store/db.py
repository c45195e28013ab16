"""Opening the records database, and the one helper every write goes through."""

from __future__ import annotations

import os
import sqlite3
import stat
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from floorconsole.i18n import _
from floorconsole.store.errors import StoreError, translate

BUSY_TIMEOUT_MS = 15_000


def _file_is_writable(path: Path) -> bool:
    # root passes os.access on any file, so honour the mode bits too: a file someone marked
    # read-only is opened read-only whoever we are.
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return True
    return os.access(path, os.W_OK) and bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _create_private(path: Path) -> None:
    # Created here, before SQLite sees it, so the file is 0600 from its first byte; SQLite
    # gives the -wal and -shm files the database file's permissions.
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _wal_has_data(path: Path) -> bool:
    try:
        return Path(f"{path}-wal").stat().st_size > 0
    except OSError:
        return False


def _open_for_reading(path: Path) -> sqlite3.Connection:
    """A read-only connection, also when the folder is read-only.

    `mode=ro` still needs the -shm file of a WAL database, which cannot be created in a
    read-only folder; then, if no -wal file holds unmerged pages, the file is opened as
    immutable (nothing can be writing it there), which needs neither.
    """
    uri = "file:" + urllib.parse.quote(str(path.absolute())) + "?mode=ro"
    last: sqlite3.Error | None = None
    for extra in ("", "&immutable=1"):
        if extra and _wal_has_data(path):
            break
        conn = sqlite3.connect(uri + extra, uri=True, isolation_level=None, check_same_thread=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.Error as exc:
            conn.close()
            last = exc
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            if code not in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN) and "readonly" not in str(exc):
                raise
    assert last is not None
    raise last


def connect(
    path: Path | str, busy_timeout_ms: int = BUSY_TIMEOUT_MS, *, read_only: bool = False
) -> tuple[sqlite_utils.Database, bool]:
    """Open `path` (creating it mode 0600) and return (database, read_only).

    With `read_only` (the read commands) the file must exist, is opened read-only, and
    nothing is created: no database, no folder, no -wal/-shm in a read-only folder.
    The connection is in autocommit mode (isolation_level=None): the sqlite3 module never
    opens a transaction on its own, so the only BEGINs are the ones `write_tx` issues.
    """
    path = Path(path)
    if read_only and not path.is_file():
        raise StoreError(
            _("no records database at {path}: check --db or store.db (nothing was created)").format(path=path)
        )
    read_only = read_only or not _file_is_writable(path)
    try:
        if read_only:
            conn = _open_for_reading(path)
        else:
            _create_private(path)
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=True)
    except OSError as exc:  # no permission, a file where a folder should be, ...
        raise StoreError(
            _("cannot create the records database {path}: {error}").format(path=path, error=exc.strerror or exc)
        ) from None
    except sqlite3.Error as exc:
        raise _as_store_error(exc, path) from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if not read_only:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                read_only = True  # could not switch: the file or directory is not writable
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error as exc:
        conn.close()
        raise _as_store_error(exc, path) from None
    db = sqlite_utils.Database(conn, execute_plugins=False)
    return db, read_only


def _as_store_error(exc: sqlite3.Error, path: object) -> Exception:
    err = translate(exc, path)
    return (
        err
        if isinstance(err, StoreError)
        else StoreError(_("records database {path}: {error}").format(path=path, error=exc))
    )


@contextmanager
def write_tx(conn: sqlite3.Connection, path: object = "") -> Iterator[sqlite3.Connection]:
    """Run the block as one write transaction that starts with BEGIN IMMEDIATE.

    IMMEDIATE takes the write lock up front, so waiting for another console goes through
    busy_timeout; a deferred read-then-write would fail at once with SQLITE_BUSY under WAL.
    Any sqlite3 error becomes the matching StoreError after the transaction is rolled back,
    so nothing is half-written.
    """
    if conn.in_transaction:
        raise RuntimeError("write_tx does not nest: a transaction is already open")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.ProgrammingError:
        raise  # wrong thread or closed connection: a caller bug, not a user-facing error
    except sqlite3.Error as exc:
        raise _as_store_error(exc, path) from None
    try:
        yield conn
    except sqlite3.Error as exc:
        _rollback(conn)
        raise _as_store_error(exc, path) from None
    except BaseException:
        _rollback(conn)
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        _rollback(conn)
        raise _as_store_error(exc, path) from None


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the connection is already out of the transaction (e.g. SQLITE_FULL)
