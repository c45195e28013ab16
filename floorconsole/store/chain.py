"""The duty-log hash chain and per-row hashes: canonical forms, SHA-256, HMAC anchors."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

GENESIS = "0" * 64

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
_dumps_sorted = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), allow_nan=False, sort_keys=True
).encode


def entry_canonical(
    seq: int, time: float, author: str, kind: str, body: str, refers_to: int | None, prev_hash: str
) -> bytes:
    """The canonical bytes of one log entry: a compact JSON array in a fixed order.

    JSON gives an unambiguous encoding of every string (no field can bleed into the next);
    `time` is always a float so the stored REAL reproduces the same text.
    """
    return _dumps([int(seq), float(time), author, kind, body, refers_to, prev_hash]).encode("utf-8")


def entry_hash(
    seq: int, time: float, author: str, kind: str, body: str, refers_to: int | None, prev_hash: str
) -> str:
    """SHA-256 (hex) of the entry's canonical form."""
    return hashlib.sha256(entry_canonical(seq, time, author, kind, body, refers_to, prev_hash)).hexdigest()


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
# canonical form; a value, once written, is always covered.
ADDED_COLUMNS: dict[str, frozenset[str]] = {"handovers": frozenset({"heads", "heads_hmac"})}


def row_hash(table: str, row: dict[str, Any]) -> str:
    """SHA-256 (hex) of a record row (all columns but `hash`), tagged with its table name."""
    added = ADDED_COLUMNS.get(table, frozenset())
    data = {k: _norm(v) for k, v in row.items() if k != "hash" and not (v is None and k in added)}
    data["_table"] = table
    return hashlib.sha256(_dumps_sorted(data).encode("utf-8")).hexdigest()


def read_key(path: Path | None) -> bytes | None:
    """The HMAC key from a key file kept outside the database, or None when not configured."""
    if path is None:
        return None
    key = Path(path).read_bytes().strip()
    if len(key) < 16:
        raise ValueError(f"HMAC key file {path} holds fewer than 16 bytes")
    return key


def head_hmac(key: bytes, seq: int, head_hash: str) -> str:
    """HMAC-SHA256 over a chain head: proves the head was recorded by someone with the key."""
    return hmac.new(key, f"floorconsole-head:{int(seq)}:{head_hash}".encode(), hashlib.sha256).hexdigest()


def check_head_hmac(key: bytes, seq: int, head_hash: str, mac: str) -> bool:
    """True when `mac` is the HMAC of (seq, head_hash) under `key`."""
    return hmac.compare_digest(head_hmac(key, seq, head_hash), mac)


def heads_hmac(key: bytes, heads: str) -> str:
    """HMAC-SHA256 over the table heads a handover recorded (their canonical JSON text)."""
    return hmac.new(key, f"floorconsole-heads:{heads}".encode(), hashlib.sha256).hexdigest()


def check_heads_hmac(key: bytes, heads: str, mac: str) -> bool:
    """True when `mac` is the HMAC of the recorded table heads under `key`."""
    return hmac.compare_digest(heads_hmac(key, heads), mac)
