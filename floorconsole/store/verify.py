"""Check the records: the hash chain, every row hash, id gaps, the triggers, recorded heads."""

from __future__ import annotations

import hashlib
import json
import sqlite3

from floorconsole.store.chain import GENESIS, _dumps, check_head_hmac, check_heads_hmac, row_hash
from floorconsole.store.context import Ctx
from floorconsole.store.migrations import RECORD_TABLES, expected_triggers
from floorconsole.store.models import ChainHead, Problem, VerifyReport


def _norm_sql(sql: str | None) -> str:
    return " ".join((sql or "").split())


def check_triggers(conn: sqlite3.Connection) -> list[Problem]:
    """Every append-only trigger present and exactly as created."""
    found = {n: s for n, s in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
    out = []
    for name, sql in expected_triggers().items():
        table = name.rsplit("_no_", 1)[0]
        if name not in found:
            out.append(Problem(table, None, f"trigger {name} is missing: the table is no longer protected"))
        elif _norm_sql(found[name]) != _norm_sql(sql):
            out.append(Problem(table, None, f"trigger {name} was altered"))
    return out


def check_chain(conn: sqlite3.Connection) -> tuple[int, ChainHead, list[Problem]]:
    """Walk the log in seq order recomputing every hash; returns (count, head, problems)."""
    problems: list[Problem] = []
    expected_seq, prev, count = 1, GENESIS, 0
    sha, dumps = hashlib.sha256, _dumps
    cur = conn.execute("SELECT seq, time, author, kind, body, refers_to, prev_hash, hash FROM entries ORDER BY seq")
    while True:
        rows = cur.fetchmany(4096)
        if not rows:
            break
        for seq, t, author, kind, body, refers_to, prev_hash, h in rows:
            count += 1
            if seq != expected_seq:
                problems.append(Problem("entries", expected_seq, f"entries {expected_seq}..{seq - 1} are missing"))
            if prev_hash != prev:
                problems.append(Problem("entries", seq, "does not link to the entry before it (prev_hash differs)"))
            try:
                calc = sha(dumps([seq, float(t), author, kind, body, refers_to, prev_hash]).encode()).hexdigest()
            except (TypeError, ValueError):
                calc = ""
            if calc != h:
                problems.append(Problem("entries", seq, "content does not match its hash (the entry was altered)"))
            if refers_to is not None and not (isinstance(refers_to, int) and 0 < refers_to < seq):
                problems.append(Problem("entries", seq, f"refers to entry {refers_to}, which is not an earlier entry"))
            prev, expected_seq = h, seq + 1
    return count, ChainHead(expected_seq - 1, prev), problems


def check_rows(conn: sqlite3.Connection) -> tuple[int, list[Problem]]:
    """Recompute every record row's hash and look for missing ids."""
    problems: list[Problem] = []
    total = 0
    for table in RECORD_TABLES:
        cur = conn.execute(f"SELECT * FROM {table} ORDER BY id")
        names = [d[0] for d in cur.description]
        expected = 1
        for values in cur:
            total += 1
            row = dict(zip(names, values))
            if row["id"] != expected:
                problems.append(Problem(table, expected, f"rows {expected}..{row['id'] - 1} are missing"))
            if row_hash(table, row) != row["hash"]:
                problems.append(Problem(table, row["id"], "content does not match its hash (the row was altered)"))
            expected = row["id"] + 1
    return total, problems


def check_head(
    conn: sqlite3.Connection, seq: int, head_hash: str, where: str, log_end: int,
    key: bytes | None = None, mac: str | None = None,
) -> list[Problem]:
    """An anchored head must still be on the chain (catches truncation and rewrites)."""
    if seq == 0:
        return []
    row = conn.execute("SELECT hash FROM entries WHERE seq = ?", (seq,)).fetchone()
    out = []
    if row is None:
        out.append(Problem("entries", min(seq, log_end + 1),
                           f"{where} anchors seq {seq}, but the log ends at {log_end}: entries were removed from the tail"))
    elif row[0] != head_hash:
        out.append(Problem("entries", seq, f"{where} anchors seq {seq} with a different hash: the log was rewritten"))
    if key is not None and mac is not None and not check_head_hmac(key, seq, head_hash, mac):
        out.append(Problem("handovers" if where.startswith("handover") else "entries", None,
                           f"{where}: the head's HMAC does not match (the anchor was forged)"))
    return out


def _read_heads(text: str) -> dict[str, tuple[int, str | None]] | None:
    try:
        heads = json.loads(text)
        return {t: (int(h[0]), h[1]) for t, h in heads.items() if len(h) == 2}
    except (TypeError, ValueError, AttributeError, KeyError):
        return None


def check_table_heads(conn: sqlite3.Connection, key: bytes | None = None) -> list[Problem]:
    """Every record-table head a handover recorded must still be there with the same hash.

    Catches rows removed from the end of a table (which leave no gap in the ids) and a
    rewritten last row. Handovers signed before the heads were recorded have none.
    """
    ends = {t: conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0] for t in RECORD_TABLES}
    out: list[Problem] = []
    first_with_heads = None
    rows = conn.execute("SELECT id, heads, heads_hmac, head_hmac FROM handovers ORDER BY id").fetchall()
    for hid, text, mac, head_mac in rows:
        where = f"handover {hid}"
        if text is None:
            if first_with_heads is not None:
                out.append(Problem("handovers", hid, f"records no table heads, but handover {first_with_heads} "
                                                     "before it does (they were removed)"))
            continue
        first_with_heads = first_with_heads or hid
        if key is not None:
            if mac is None and head_mac is not None:
                out.append(Problem("handovers", hid, f"{where}: the table heads carry no HMAC (it was removed)"))
            elif mac is not None and not check_heads_hmac(key, text, mac):
                out.append(Problem("handovers", hid, f"{where}: the table heads' HMAC does not match (they were forged)"))
        heads = _read_heads(text)
        if heads is None:
            out.append(Problem("handovers", hid, "its recorded table heads cannot be read"))
            continue
        if heads.get("handovers", (None,))[0] != hid - 1:
            out.append(Problem("handovers", hid, "its table heads were not recorded for this handover"))
        for table, (max_id, h) in sorted(heads.items()):
            if table not in ends:
                out.append(Problem("handovers", hid, f"records a head for an unknown table {table!r}"))
                continue
            if max_id <= 0:
                continue
            row = conn.execute(f"SELECT hash FROM {table} WHERE id = ?", (max_id,)).fetchone()
            if row is None and ends[table] < max_id:
                out.append(Problem(table, ends[table] + 1, f"{where} anchors {table} id {max_id}, but {table} ends "
                                                           f"at {ends[table]}: rows were removed from the end"))
            elif row is None:
                out.append(Problem(table, max_id, f"{where} anchors {table} id {max_id}, which is missing"))
            elif row[0] != h:
                out.append(Problem(table, max_id, f"{where} anchors {table} id {max_id} with a different hash: "
                                                  "the row was rewritten"))
    return out


def verify(ctx: Ctx, head: tuple[int, str] | tuple[int, str, str] | None = None) -> VerifyReport:
    """Check everything; `head` = an anchored (seq, hash[, hmac]) the log must still extend."""
    conn = ctx.conn
    problems: list[Problem] = []
    qc = conn.execute("PRAGMA quick_check").fetchall()
    if [r[0] for r in qc] != ["ok"]:
        problems.append(Problem("database", None, "SQLite quick_check: " + "; ".join(str(r[0]) for r in qc[:5])))
    problems += check_triggers(conn)
    count, last, chain_problems = check_chain(conn)
    problems += chain_problems
    rows, row_problems = check_rows(conn)
    problems += row_problems
    for hid, seq, h, mac in conn.execute("SELECT id, head_seq, head_hash, head_hmac FROM handovers ORDER BY id"):
        problems += check_head(conn, seq, h, f"handover {hid}", last.seq, ctx.hmac_key, mac)
    problems += check_table_heads(conn, ctx.hmac_key)
    if head is not None:
        seq, h, *rest = head
        problems += check_head(conn, int(seq), h, "the given head", last.seq, ctx.hmac_key, rest[0] if rest else None)
    mac = None
    if ctx.hmac_key:
        from floorconsole.store.chain import head_hmac

        mac = head_hmac(ctx.hmac_key, last.seq, last.hash)
    return VerifyReport(count, rows, ChainHead(last.seq, last.hash, mac), tuple(problems))
