"""Appending a hashed row to a record table (the only way rows get in)."""

from __future__ import annotations

import sqlite3
from typing import Any

from floorconsole.identity import Actor
from floorconsole.store.chain import link, row_hash

# A value bound to a "?" placeholder (what sqlite3 adapts without a registered adapter).
SqlValue = str | int | float | bytes | None


def who(actor: Actor) -> dict[str, str]:
    """The actor columns every signed row carries."""
    return {"actor": actor.name, "os_user": actor.os_user, "terminal": actor.terminal}


def append_row(conn: sqlite3.Connection, table: str, fields: dict[str, Any]) -> int:
    """Insert `fields` as the next row of `table` (id = max+1) with its row hash; return id.

    Must run inside write_tx: the id is only safe to take under the write lock.
    """
    assert conn.in_transaction, "append_row outside a write transaction"
    next_id = conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]
    row = {"id": next_id, **{k: (int(v) if isinstance(v, bool) else v) for k, v in fields.items()}}
    row["hash"] = row_hash(table, row)
    cols = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" * len(row))
    conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))
    link(conn, table, next_id, row["hash"])  # on the record chain, in the order rows are written
    return next_id


def dict_rows(conn: sqlite3.Connection, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """Run a SELECT and return its rows as dicts."""
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]
