"""The record chain: canonical forms, SHA-256 links, HMAC anchors. The one definition of
every hash the store writes and `verify` / `verify --archive` recompute.

Three layers (docs/threat-model.md says what each catches):

- `entry_hash`: each duty-log entry over every stored column, linked to the entry before it
  (`prev_hash`), so the log is a chain of its own (what `Store.head()` reports).
- `row_hash`: every other append-only row over every stored column, tagged with its table.
- `link_hash`: the **record chain** (table `ledger`): one link per appended record row, in
  the order they were written, over that row's hash, the log head at that moment and the
  link before. `records_hash` joins its head and the log's into the head covering every
  table (`Store.chain_head()`); `seal_hmac` / `chain_hmac` authenticate heads with the key
  kept outside the database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

from floorconsole.i18n import _

GENESIS = "0" * 64

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
_dumps_sorted = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, sort_keys=True).encode
_sha256 = hashlib.sha256


def _flat_encoder() -> Any:
    """`_dumps` for a flat list of scalars (an entry's canonical form), byte for byte, with
    the C encoder built once instead of on every call (a third of `verify`'s time over
    100,000 entries). No circular-reference check: the list holds no containers."""
    from json import encoder as _enc

    make = getattr(_enc, "c_make_encoder", None)
    if make is None:  # no C accelerator: the plain encoder
        return _dumps
    encode = make(None, json.JSONEncoder().default, _enc.encode_basestring, None, ":", ",", False, False, False)
    join = "".join

    def dumps(values: list[Any]) -> str:
        return join(encode(values, 0))

    return dumps


_dumps_flat = _flat_encoder()

# Every stored column of `entries` but `hash`, in the order they are hashed.
ENTRY_COLUMNS: tuple[str, ...] = (
    "seq",
    "time",
    "author",
    "kind",
    "body",
    "refers_to",
    "prev_hash",
    "shift",
    "os_user",
    "terminal",
)


def entry_canonical(
    seq: int,
    time: float,
    author: str,
    kind: str,
    body: str,
    refers_to: int | None,
    prev_hash: str,
    shift: str,
    os_user: str,
    terminal: str,
) -> bytes:
    """The canonical bytes of one log entry: every stored column (ENTRY_COLUMNS) as a compact
    JSON array, tagged "e2" so it can never collide with the older seven-column form.

    JSON gives an unambiguous encoding of every string (no field can bleed into the next);
    `time` is always a float so the stored REAL reproduces the same text.
    """
    return _dumps(
        ["e2", int(seq), float(time), author, kind, body, refers_to, prev_hash, shift, os_user, terminal]
    ).encode("utf-8")


def entry_hash(
    seq: int,
    time: float,
    author: str,
    kind: str,
    body: str,
    refers_to: int | None,
    prev_hash: str,
    shift: str,
    os_user: str,
    terminal: str,
) -> str:
    """SHA-256 (hex) of the entry's canonical form (every stored column; `entry_canonical`,
    repeated inline because `verify` calls this for every entry)."""
    return _sha256(
        _dumps_flat(
            ["e2", int(seq), float(time), author, kind, body, refers_to, prev_hash, shift, os_user, terminal]
        ).encode("utf-8")
    ).hexdigest()


def entry_hash_v1(
    seq: int, time: float, author: str, kind: str, body: str, refers_to: int | None, prev_hash: str
) -> str:
    """The hash entries written before migration m003 carry (it left out shift, os_user and
    terminal; those columns of such an entry are covered by its record-chain link instead,
    hashed when the migration ran). Also the form of `floorconsole-archive/1` files."""
    return _sha256(_dumps_flat([int(seq), float(time), author, kind, body, refers_to, prev_hash]).encode()).hexdigest()


def _norm(value: Any) -> Any:
    # Numbers are hashed as floats: SQLite may hand back 5.0 for a 5 written to a REAL column
    # (or the reverse), and the hash must not depend on which.
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int):
        return float(value)
    return value


# Columns a later migration added to an existing table. Rows written before it hold NULL
# there and were hashed without the column, so a NULL in one of these is left out of the
# canonical form; a value, once written, is always covered. (Any NULL-for-value swap changes
# the row's hash, which its record-chain link holds.)
ADDED_COLUMNS: dict[str, frozenset[str]] = {
    "handovers": frozenset({"heads", "heads_hmac", "chain_seq", "chain_hash", "chain_hmac"}),
}


def row_hash(table: str, row: dict[str, Any]) -> str:
    """SHA-256 (hex) of a record row (all columns but `hash`), tagged with its table name."""
    added = ADDED_COLUMNS.get(table, frozenset())
    data = {k: _norm(v) for k, v in row.items() if k != "hash" and not (v is None and k in added)}
    data["_table"] = table
    return _sha256(_dumps_sorted(data).encode("utf-8")).hexdigest()


def link_hash(n: int, table: str, key: int, row_h: str, log_seq: int, log_h: str, prev: str) -> str:
    """SHA-256 (hex) of record-chain link `n`: row `key` of `table` with hash `row_h`, written
    when the log's head was entry `log_seq` (hash `log_h`), after link `prev`. Every field is an
    int, a fixed table name or hex, so ':' cannot be ambiguous."""
    return _sha256(f"{int(n)}:{table}:{int(key)}:{row_h}:{int(log_seq)}:{log_h}:{prev}".encode()).hexdigest()


def records_hash(n: int, link_h: str, seq: int, entry_h: str) -> str:
    """The head covering every record table: record-chain link `n` and log entry `seq`."""
    return _sha256(f"floorconsole-records:{int(n)}:{link_h}:{int(seq)}:{entry_h}".encode()).hexdigest()


def read_key(path: Path | None) -> bytes | None:
    """The HMAC key from a key file kept outside the database, or None when not configured.

    Refuses (ValueError) a file anyone but its owner can read or write: the key is what makes
    a forged head detectable, so it must be mode 0600 or 0400.
    """
    if path is None:
        return None
    path = Path(path)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode not in (0o600, 0o400):
        raise ValueError(
            _(
                "HMAC key file {path} has mode {mode}; it must be readable by its owner only "
                "(0600 or 0400): chmod 600 {path}"
            ).format(path=path, mode=f"{mode:04o}")
        )
    key = path.read_bytes().strip()
    if len(key) < 16:
        raise ValueError(_("HMAC key file {path} holds fewer than 16 bytes").format(path=path))
    return key


def _mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def head_hmac(key: bytes, seq: int, head_hash: str) -> str:
    """HMAC-SHA256 over a duty-log head: proves the head was recorded by someone with the key."""
    return _mac(key, f"floorconsole-head:{int(seq)}:{head_hash}")


def check_head_hmac(key: bytes, seq: int, head_hash: str, mac: str | None) -> bool:
    """True when `mac` is the HMAC of (seq, head_hash) under `key`."""
    return mac is not None and hmac.compare_digest(head_hmac(key, seq, head_hash), mac)


def heads_hmac(key: bytes, heads: str) -> str:
    """HMAC-SHA256 over the table heads a handover recorded (their canonical JSON text)."""
    return _mac(key, f"floorconsole-heads:{heads}")


def check_heads_hmac(key: bytes, heads: str, mac: str | None) -> bool:
    """True when `mac` is the HMAC of the recorded table heads under `key`."""
    return mac is not None and hmac.compare_digest(heads_hmac(key, heads), mac)


def chain_hmac(key: bytes, n: int, seq: int, records_h: str) -> str:
    """HMAC-SHA256 over a head covering every table (links n, log seq, `records_hash`)."""
    return _mac(key, f"floorconsole-chain:{int(n)}:{int(seq)}:{records_h}")


def check_chain_hmac(key: bytes, n: int, seq: int, records_h: str, mac: str | None) -> bool:
    """True when `mac` is the HMAC of that head under `key`."""
    return mac is not None and hmac.compare_digest(chain_hmac(key, n, seq, records_h), mac)


def seal_hmac(key: bytes, first_n: int, last_n: int, first_seq: int, last_seq: int, records_h: str) -> str:
    """HMAC-SHA256 sealing what one write transaction appended: record-chain links
    first_n..last_n and log entries first_seq..last_seq (either range may be empty);
    `records_h` = the head after it (`records_hash`), which chains over all of them."""
    return _mac(key, f"floorconsole-seal:{int(first_n)}:{int(last_n)}:{int(first_seq)}:{int(last_seq)}:{records_h}")


def check_seal_hmac(
    key: bytes, first_n: int, last_n: int, first_seq: int, last_seq: int, records_h: str, mac: str | None
) -> bool:
    """True when `mac` is that seal under `key`."""
    return mac is not None and hmac.compare_digest(seal_hmac(key, first_n, last_n, first_seq, last_seq, records_h), mac)


# --- writing the record chain ----------------------------------------------------------------


def last_link(conn: sqlite3.Connection) -> tuple[int, str]:
    """(n, hash) of the record chain's last link; (0, GENESIS) when it is empty."""
    row = conn.execute("SELECT id, hash FROM ledger ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def log_head(conn: sqlite3.Connection) -> tuple[int, str]:
    """(seq, hash) of the log's last entry; (0, GENESIS) when it is empty."""
    row = conn.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def records_head(conn: sqlite3.Connection) -> tuple[int, int, str]:
    """(links, log seq, records_hash): the head covering every record table right now."""
    n, link_h = last_link(conn)
    seq, entry_h = log_head(conn)
    return n, seq, records_hash(n, link_h, seq, entry_h)


def link(conn: sqlite3.Connection, table: str, key: int, row_h: str) -> int:
    """Append the record-chain link for a record row just written (inside its transaction).

    Every record row goes through here (rows.append_row), so the record chain lists every
    row of every table in the order they were written, each with the log head of its moment.
    Log entries are not linked one by one: the log is a chain itself, hashed over every
    column, and each link (and every head) commits to its head.
    """
    n, prev = last_link(conn)
    seq, log_h = log_head(conn)
    n += 1
    conn.execute(
        "INSERT INTO ledger (id, tbl, key, row_hash, log_seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (n, table, int(key), row_h, seq, prev, link_hash(n, table, key, row_h, seq, log_h, prev)),
    )
    return n


def seal(conn: sqlite3.Connection, key: bytes | None, first_n: int, first_seq: int) -> None:
    """With a key, seal what this write transaction appended (links from `first_n`, entries
    from `first_seq`). One HMAC per transaction: rewriting anything earlier invalidates every
    later seal, and the seals must cover everything, so a rewrite without the key shows."""
    if key is None:
        return
    last_n, last_seq, h = records_head(conn)
    if last_n < first_n and last_seq < first_seq:
        return
    conn.execute(
        "INSERT INTO seals (id, first_link, last_link, first_seq, last_seq, hmac) "
        "SELECT coalesce(max(id), 0) + 1, ?, ?, ?, ?, ? FROM seals",
        (first_n, last_n, first_seq, last_seq, seal_hmac(key, first_n, last_n, first_seq, last_seq, h)),
    )
