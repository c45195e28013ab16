"""Check the records: the log chain, every row hash, the record chain over every table, its
HMAC seals, id gaps, the triggers, and every head a handover (or the caller) anchored.

Every hash is recomputed with the one definition in `chain.py`.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable

from floorconsole.store.chain import (
    GENESIS,
    chain_hmac,
    check_chain_hmac,
    check_head_hmac,
    check_heads_hmac,
    check_seal_hmac,
    entry_hash,
    entry_hash_v1,
    head_hmac,
    link_hash,
    row_hash,
)
from floorconsole.store.context import Ctx
from floorconsole.store.migrations import RECORD_TABLES, expected_triggers
from floorconsole.store.models import ChainHead, Problem, VerifyReport

HEAD_TEXT = re.compile(r"^(R)?(\d+):([0-9a-f]{64})(?::([0-9a-f]{64}))?$")


def parse_head(text: str) -> ChainHead:
    """A printed head (`ChainHead.text`: `SEQ:HASH[:HMAC]` or `R<link>:HASH[:HMAC]`);
    ValueError if it is neither."""
    t = text.strip()
    m = HEAD_TEXT.match(("R" + t[1:].lower()) if t[:1] in ("r", "R") else t.lower())
    if not m:
        raise ValueError(f"expected SEQ:HASH or R<link>:HASH (64 hex digits), optionally :HMAC; got {text!r}")
    return ChainHead(int(m.group(2)), m.group(3), m.group(4), "records" if m.group(1) else "log")


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


def check_chain(conn: sqlite3.Connection) -> tuple[int, ChainHead, list[Problem], dict[int, str]]:
    """Walk the log in seq order recomputing every hash with `chain.entry_hash`.

    Returns (count, head, problems, {seq: the hash its record-chain link must hold}). Entries
    written before m003 carry the older seven-column hash (`entry_hash_v1`); they may only
    come before every current one, and their link holds the hash of the whole row instead.
    """
    problems: list[Problem] = []
    link_rows: dict[int, str] = {}
    expected_seq, prev, count, current_seen = 1, GENESIS, 0, False
    cur = conn.execute(
        "SELECT seq, time, author, kind, body, refers_to, prev_hash, shift, os_user, terminal, hash "
        "FROM entries ORDER BY seq"
    )
    while True:
        rows = cur.fetchmany(4096)
        if not rows:
            break
        for seq, t, author, kind, body, refers_to, prev_hash, shift, os_user, terminal, h in rows:
            count += 1
            if seq != expected_seq:
                problems.append(Problem("entries", expected_seq, f"entries {expected_seq}..{seq - 1} are missing"))
            if prev_hash != prev:
                problems.append(Problem("entries", seq, "does not link to the entry before it (prev_hash differs)"))
            link_rows[seq] = h
            try:
                ok = entry_hash(seq, t, author, kind, body, refers_to, prev_hash, shift, os_user, terminal) == h
                if ok:
                    current_seen = True
                elif not current_seen and entry_hash_v1(seq, t, author, kind, body, refers_to, prev_hash) == h:
                    ok = True
                    link_rows[seq] = row_hash("entries", {
                        "seq": seq, "time": t, "author": author, "kind": kind, "body": body,
                        "refers_to": refers_to, "prev_hash": prev_hash, "shift": shift, "os_user": os_user,
                        "terminal": terminal,
                    })
            except (TypeError, ValueError):
                ok = False
            if not ok:
                problems.append(Problem("entries", seq, "content does not match its hash (the entry was altered)"))
            if refers_to is not None and not (isinstance(refers_to, int) and 0 < refers_to < seq):
                problems.append(Problem("entries", seq, f"refers to entry {refers_to}, which is not an earlier entry"))
            prev, expected_seq = h, seq + 1
    return count, ChainHead(expected_seq - 1, prev), problems, link_rows


def check_rows(conn: sqlite3.Connection) -> tuple[int, list[Problem], dict[str, dict[int, str]]]:
    """Recompute every record row's hash and look for missing ids.

    Returns (count, problems, {table: {id: stored hash}}) for the record-chain check.
    """
    problems: list[Problem] = []
    stored: dict[str, dict[int, str]] = {}
    total = 0
    for table in RECORD_TABLES:
        cur = conn.execute(f"SELECT * FROM {table} ORDER BY id")
        names = [d[0] for d in cur.description]
        expected = 1
        hashes = stored[table] = {}
        for values in cur:
            total += 1
            row = dict(zip(names, values))
            if row["id"] != expected:
                problems.append(Problem(table, expected, f"rows {expected}..{row['id'] - 1} are missing"))
            if row_hash(table, row) != row["hash"]:
                problems.append(Problem(table, row["id"], "content does not match its hash (the row was altered)"))
            hashes[row["id"]] = row["hash"]
            expected = row["id"] + 1
    return total, problems, stored


def _ranges(ns: list[int]) -> str:
    out, start = [], None
    for i, n in enumerate(ns):
        if start is None:
            start = n
        if i + 1 == len(ns) or ns[i + 1] != n + 1:
            out.append(f"{start}" if start == n else f"{start}..{n}")
            start = None
    return ", ".join(out[:5]) + (", ..." if len(out) > 5 else "")


def check_record_chain(
    conn: sqlite3.Connection, rows: dict[str, dict[int, str]], want: Iterable[int] = ()
) -> tuple[ChainHead, list[Problem], dict[int, str]]:
    """Walk the record chain: every link recomputed, every row of every table linked once, in
    id order, with the hash it has now. Returns (head, problems, {link: hash} for `want`)."""
    problems: list[Problem] = []
    want_set = set(want)
    found: dict[int, str] = {}
    nxt = dict.fromkeys(rows, 1)
    expected_n, prev = 1, GENESIS
    cur = conn.execute("SELECT id, tbl, key, row_hash, prev_hash, hash FROM ledger ORDER BY id")
    while True:
        batch = cur.fetchmany(4096)
        if not batch:
            break
        for n, tbl, key, row_h, prev_h, h in batch:
            if n != expected_n:
                problems.append(Problem("chain", expected_n, f"links {expected_n}..{n - 1} are missing"))
            if prev_h != prev:
                problems.append(Problem("chain", n, "does not link to the one before it"))
            if link_hash(n, tbl, key, row_h, prev_h) != h:
                problems.append(Problem("chain", n, "does not match its hash (the link was altered)"))
            if n in want_set:
                found[n] = h
            prev, expected_n = h, n + 1
            table_rows = rows.get(tbl)
            if table_rows is None:
                problems.append(Problem("chain", n, f"links a row of an unknown table {tbl!r}"))
                continue
            if key != nxt[tbl]:
                if key > nxt[tbl]:
                    missing = [k for k in range(nxt[tbl], key) if k in table_rows]
                    if missing:
                        problems.append(Problem(tbl, missing[0], f"rows {_ranges(missing)} are not on the record "
                                                                 "chain where they should be"))
                else:
                    problems.append(Problem("chain", n, f"links {tbl} {key} again or out of order"))
            stored = table_rows.get(key)
            if stored is None:
                how = "rows were removed from the end" if key > max(table_rows, default=0) else "it was deleted"
                problems.append(Problem(tbl, key, f"is on the record chain (link {n}) but no longer in {tbl}: {how}"))
            elif stored != row_h:
                problems.append(Problem(tbl, key, f"differs from what the record chain holds (link {n}): "
                                                  "the row was rewritten"))
            nxt[tbl] = max(nxt[tbl], key + 1)
    for tbl, table_rows in rows.items():
        extra = sorted(k for k in table_rows if k >= nxt[tbl])
        if extra:
            problems.append(Problem(tbl, extra[0], f"rows {_ranges(extra)} are not on the record chain "
                                                   "(written outside the store)"))
    return ChainHead(expected_n - 1, prev, None, "records"), problems, found


def check_seals(conn: sqlite3.Connection, key: bytes, end: int, hashes: dict[int, str]) -> list[Problem]:
    """With the key: the HMAC seals must cover links 1..end back to back, each one valid.

    A rewrite without the key invalidates every seal after the rewritten link; removing
    them leaves links unsealed. Either is reported, however consistent the rest looks.
    """
    problems: list[Problem] = []
    covered, bad, gaps = 0, [], []
    for sid, first, last, mac in conn.execute("SELECT id, first, last, hmac FROM seals ORDER BY id"):
        if first != covered + 1:
            if first > covered + 1:
                gaps.append((covered + 1, min(first - 1, end)))
            else:
                bad.append(sid)
        h = hashes.get(last)
        if h is None or not check_seal_hmac(key, first, last, h, mac):
            bad.append(sid)
        covered = max(covered, last)
    if covered < end:
        gaps.append((covered + 1, end))
    if bad:
        problems.append(Problem("chain", None, f"{len(bad)} HMAC seal(s) do not match the record chain (first: seal "
                                               f"{bad[0]}): links were rewritten or removed after they were sealed"))
    for a, b in gaps[:5]:
        if a <= b:
            problems.append(Problem("chain", a, f"links {a}..{b} carry no HMAC seal: they were written without "
                                                "the key, or rewritten"))
    return problems


def _check_log_head(conn: sqlite3.Connection, seq: int, h: str, where: str, log_end: int) -> list[Problem]:
    if seq == 0:
        return []
    row = conn.execute("SELECT hash FROM entries WHERE seq = ?", (seq,)).fetchone()
    if row is None:
        return [Problem("entries", min(seq, log_end + 1),
                        f"{where} anchors seq {seq}, but the log ends at {log_end}: entries were removed from the tail")]
    if row[0] != h:
        return [Problem("entries", seq, f"{where} anchors seq {seq} with a different hash: the log was rewritten")]
    return []


def _check_chain_head(n: int, h: str, where: str, end: int, hashes: dict[int, str]) -> list[Problem]:
    if n == 0:
        return []
    if n > end:
        return [Problem("chain", end + 1, f"{where} anchors record chain link {n}, but the chain ends at {end}: "
                                          "records were removed from the end")]
    if hashes.get(n) != h:
        return [Problem("chain", n, f"{where} anchors record chain link {n} with a different hash: records were "
                                    "rewritten or removed")]
    return []


def _read_heads(text: str) -> dict[str, tuple[int, str | None]] | None:
    try:
        heads = json.loads(text)
        return {t: (int(h[0]), h[1]) for t, h in heads.items() if len(h) == 2}
    except (TypeError, ValueError, AttributeError, KeyError):
        return None


def check_handovers(
    conn: sqlite3.Connection, log_end: int, chain_end: int, hashes: dict[int, str], key: bytes | None
) -> list[Problem]:
    """Every head a handover recorded must still be there: the log head, each table's last
    row, and the record chain's head. With a key, each of them must carry a valid HMAC:
    a handover without one is a failure (it was removed, or the handover forged)."""
    ends = {t: conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0] for t in RECORD_TABLES}
    out: list[Problem] = []
    first_with_heads = None
    rows = conn.execute("SELECT id, head_seq, head_hash, head_hmac, heads, heads_hmac, chain_seq, chain_hash, "
                        "chain_hmac FROM handovers ORDER BY id").fetchall()
    for hid, seq, h, mac, text, hmac_heads, cseq, chash, cmac in rows:
        where = f"handover {hid}"
        out += _check_log_head(conn, seq, h, where, log_end)
        if key is not None:
            if mac is None:
                out.append(Problem("handovers", hid, f"{where}: its log head carries no HMAC (it was removed, or the "
                                                     "handover was signed without the key)"))
            elif not check_head_hmac(key, seq, h, mac):
                out.append(Problem("handovers", hid, f"{where}: the head's HMAC does not match (the anchor was forged)"))
        if cseq is not None:
            out += _check_chain_head(cseq, chash, where, chain_end, hashes)
            if key is not None and not check_chain_hmac(key, cseq, chash, cmac):
                what = "carries no HMAC" if cmac is None else "HMAC does not match (the anchor was forged)"
                out.append(Problem("handovers", hid, f"{where}: its record chain head {what}"))
        if text is None:
            if first_with_heads is not None:
                out.append(Problem("handovers", hid, f"records no table heads, but handover {first_with_heads} "
                                                     "before it does (they were removed)"))
            continue
        first_with_heads = first_with_heads or hid
        if key is not None:
            if hmac_heads is None:
                out.append(Problem("handovers", hid, f"{where}: the table heads carry no HMAC (it was removed)"))
            elif not check_heads_hmac(key, text, hmac_heads):
                out.append(Problem("handovers", hid, f"{where}: the table heads' HMAC does not match (they were forged)"))
        heads = _read_heads(text)
        if heads is None:
            out.append(Problem("handovers", hid, "its recorded table heads cannot be read"))
            continue
        if heads.get("handovers", (None,))[0] != hid - 1:
            out.append(Problem("handovers", hid, "its table heads were not recorded for this handover"))
        for table, (max_id, th) in sorted(heads.items()):
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
            elif row[0] != th:
                out.append(Problem(table, max_id, f"{where} anchors {table} id {max_id} with a different hash: "
                                                  "the row was rewritten"))
    return out


def _as_head(head: ChainHead | str | tuple | None) -> ChainHead | None:
    if head is None or isinstance(head, ChainHead):
        return head
    if isinstance(head, str):
        return parse_head(head)
    seq, h, *rest = head
    return ChainHead(int(seq), h, rest[0] if rest else None)


def verify(ctx: Ctx, head: ChainHead | str | tuple | None = None) -> VerifyReport:
    """Check everything. `head` is one printed earlier (a report, signed paper, an earlier
    verify): a record-chain head (`R<link>:HASH[:HMAC]`, covers every table) or a log head
    (`SEQ:HASH[:HMAC]`, or a (seq, hash[, hmac]) tuple); the records must still extend it."""
    conn, key = ctx.conn, ctx.hmac_key
    given = _as_head(head)
    problems: list[Problem] = []
    qc = conn.execute("PRAGMA quick_check").fetchall()
    if [r[0] for r in qc] != ["ok"]:
        problems.append(Problem("database", None, "SQLite quick_check: " + "; ".join(str(r[0]) for r in qc[:5])))
    problems += check_triggers(conn)
    count, last, chain_problems, entry_links = check_chain(conn)
    problems += chain_problems
    rows, row_problems, stored = check_rows(conn)
    problems += row_problems
    want = {r[0] for r in conn.execute("SELECT chain_seq FROM handovers WHERE chain_seq IS NOT NULL")}
    seal_ends = [r[0] for r in conn.execute("SELECT last FROM seals")] if key is not None else []
    want.update(seal_ends)
    if given is not None and given.scope == "records":
        want.add(given.seq)
    chain_head, link_problems, hashes = check_record_chain(conn, {"entries": entry_links, **stored}, want)
    problems += check_handovers(conn, last.seq, chain_head.seq, hashes, key)
    problems += link_problems
    if key is not None:
        problems += check_seals(conn, key, chain_head.seq, hashes)
    if given is not None:
        if given.scope == "records":
            problems += _check_chain_head(given.seq, given.hash, "the given head", chain_head.seq, hashes)
            if key is not None and given.hmac is not None and not check_chain_hmac(key, given.seq, given.hash, given.hmac):
                problems.append(Problem("chain", None, "the given head: its HMAC does not match (it was not printed "
                                                       "by a console with this key)"))
        else:
            problems += _check_log_head(conn, given.seq, given.hash, "the given head", last.seq)
            if key is not None and given.hmac is not None and not check_head_hmac(key, given.seq, given.hash, given.hmac):
                problems.append(Problem("entries", None, "the given head: its HMAC does not match (the anchor was forged)"))
    log_mac = head_hmac(key, last.seq, last.hash) if key else None
    chain_mac = chain_hmac(key, chain_head.seq, chain_head.hash) if key else None
    return VerifyReport(count, rows, ChainHead(last.seq, last.hash, log_mac), tuple(problems),
                        ChainHead(chain_head.seq, chain_head.hash, chain_mac, "records"))
