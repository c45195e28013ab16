"""The duty log: append-only entries on a SHA-256 hash chain; corrections are new entries."""

from __future__ import annotations

from collections.abc import Sequence

from floorconsole.i18n import _
from floorconsole.identity import Actor
from floorconsole.store import validate
from floorconsole.store.chain import GENESIS, chain_hmac, entry_hash, head_hmac, records_head
from floorconsole.store.context import Ctx
from floorconsole.store.errors import NotFound, ValidationError
from floorconsole.store.models import ENTRY_KINDS, ChainHead, LogEntry
from floorconsole.store.rows import SqlValue

_COLS = "seq, time, author, kind, body, refers_to, prev_hash, hash, shift, os_user, terminal"


def head(ctx: Ctx) -> ChainHead:
    """The last entry's (seq, hash), with its HMAC when a key is configured."""
    row = ctx.conn.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
    seq, h = row if row else (0, GENESIS)
    mac = head_hmac(ctx.hmac_key, seq, h) if ctx.hmac_key else None
    return ChainHead(seq, h, mac)


def chain_head(ctx: Ctx) -> ChainHead:
    """The record chain's head (covers every table), with its HMAC when a key is configured."""
    n, seq, h = records_head(ctx.conn)
    return ChainHead(seq, h, chain_hmac(ctx.hmac_key, n, seq, h) if ctx.hmac_key else None, "records", n)


def append_entry(ctx: Ctx, kind: str, body: str, actor: Actor, refers_to: int | None = None) -> LogEntry:
    """Append one entry (inside write_tx). Raises ValidationError for a bad kind/body/ref."""
    if kind not in ENTRY_KINDS:
        raise ValidationError(
            _("unknown log kind {kind}; use one of: {kinds}").format(kind=repr(kind), kinds=", ".join(ENTRY_KINDS))
        )
    body = validate.text("body", body)
    author = validate.text("author", actor.name, max_len=100)
    if refers_to is not None:
        if isinstance(refers_to, bool) or not isinstance(refers_to, int):
            raise ValidationError(_("refers_to must be an entry number"))
        if not ctx.conn.execute("SELECT 1 FROM entries WHERE seq = ?", (refers_to,)).fetchone():
            raise ValidationError(_("refers_to: there is no log entry {seq}").format(seq=refers_to))
    if kind == "correction" and refers_to is None:
        raise ValidationError(_("a correction must say which entry it corrects (refers_to)"))
    last = ctx.conn.execute("SELECT seq, hash, time FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
    prev_seq, prev_hash, prev_time = last if last else (0, GENESIS, 0.0)
    # Times never go backwards along the chain, even if consoles' clocks disagree a little.
    t = max(float(ctx.clock()), float(prev_time))
    seq = prev_seq + 1
    shift = ctx.shift_key(t)
    h = entry_hash(seq, t, author, kind, body, refers_to, prev_hash, shift, actor.os_user, actor.terminal)
    ctx.conn.execute(
        f"INSERT INTO entries ({_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, t, author, kind, body, refers_to, prev_hash, h, shift, actor.os_user, actor.terminal),
    )
    return LogEntry(seq, t, author, kind, body, refers_to, prev_hash, h, shift, actor.os_user, actor.terminal)


def get_entry(ctx: Ctx, seq: int) -> LogEntry:
    """One entry by seq; NotFound if there is none."""
    row = ctx.conn.execute(f"SELECT {_COLS} FROM entries WHERE seq = ?", (seq,)).fetchone()
    if row is None:
        raise NotFound(_("there is no log entry {seq}").format(seq=seq))
    return LogEntry(*row)


def list_entries(
    ctx: Ctx,
    shift: str | None = None,
    since: float | None = None,
    until: float | None = None,
    kinds: Sequence[str] | None = None,
    limit: int | None = None,
    refers_to: int | None = None,
) -> list[LogEntry]:
    """Entries in seq order, filtered; with `limit`, the last `limit` of them."""
    where: list[str] = []
    params: list[SqlValue] = []
    if shift is not None:
        where.append("shift = ?")
        params.append(shift)
    if since is not None:
        where.append("time >= ?")
        params.append(since)
    if until is not None:
        where.append("time < ?")
        params.append(until)
    if kinds:
        where.append(f"kind IN ({', '.join('?' * len(kinds))})")
        params.extend(kinds)
    if refers_to is not None:
        where.append("refers_to = ?")
        params.append(refers_to)
    sql = f"SELECT {_COLS} FROM entries"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if limit is not None:
        sql = f"SELECT * FROM ({sql} ORDER BY seq DESC LIMIT {int(limit)})"
    rows = ctx.conn.execute(sql + " ORDER BY seq", params).fetchall()
    return [LogEntry(*r) for r in rows]
