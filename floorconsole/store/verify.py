"""Check the records: the log chain, every row hash, the record chain over every table, its
HMAC seals, id gaps, the triggers, and every head a handover (or the caller) anchored.

Every hash is recomputed with the one definition in `chain.py`.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable

from floorconsole.i18n import _
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
    records_hash,
    row_hash,
)
from floorconsole.store.context import Ctx
from floorconsole.store.migrations import RECORD_TABLES, expected_triggers
from floorconsole.store.models import ChainHead, Problem, VerifyReport

HEAD_TEXT = re.compile(r"^(?:r(\d+)-)?(\d+):([0-9a-f]{64})(?::([0-9a-f]{64}))?$")


def parse_head(text: str) -> ChainHead:
    """A printed head (`ChainHead.text`): `R<links>-<seq>:HASH[:HMAC]` (every table) or
    `SEQ:HASH[:HMAC]` (the log); ValueError if it is neither."""
    m = HEAD_TEXT.match(text.strip().lower())
    if not m:
        raise ValueError(
            _("expected R<links>-<seq>:HASH or SEQ:HASH (64 hex digits), optionally :HMAC; got {text}").format(
                text=repr(text)
            )
        )
    if m.group(1) is None:
        return ChainHead(int(m.group(2)), m.group(3), m.group(4))
    return ChainHead(int(m.group(2)), m.group(3), m.group(4), "records", int(m.group(1)))


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


def check_chain(conn: sqlite3.Connection) -> tuple[int, ChainHead, list[Problem], dict[int, str], dict[int, str]]:
    """Walk the log in seq order recomputing every hash with `chain.entry_hash`.

    Returns (count, head, problems, {seq: hash}, {seq: the hash its record-chain link holds}
    for the entries written before m003). Those carry the older seven-column hash
    (`entry_hash_v1`), may only come before every current one, and are on the record chain
    with a hash of the whole row, which covers the columns their own hash left out.
    """
    problems: list[Problem] = []
    hashes: dict[int, str] = {}
    linked: dict[int, str] = {}
    expected_seq, prev, count, current_seen = 1, GENESIS, 0, False
    eh, eh1 = entry_hash, entry_hash_v1
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
            hashes[seq] = h
            try:
                ok = eh(seq, t, author, kind, body, refers_to, prev_hash, shift, os_user, terminal) == h
                if ok:
                    current_seen = True
                elif not current_seen:
                    linked[seq] = h
                    if eh1(seq, t, author, kind, body, refers_to, prev_hash) == h:
                        ok = True
                        linked[seq] = row_hash(
                            "entries",
                            {
                                "seq": seq,
                                "time": t,
                                "author": author,
                                "kind": kind,
                                "body": body,
                                "refers_to": refers_to,
                                "prev_hash": prev_hash,
                                "shift": shift,
                                "os_user": os_user,
                                "terminal": terminal,
                            },
                        )
            except (TypeError, ValueError):
                ok = False
            if not ok:
                problems.append(Problem("entries", seq, "content does not match its hash (the entry was altered)"))
            if refers_to is not None and not (isinstance(refers_to, int) and 0 < refers_to < seq):
                problems.append(Problem("entries", seq, f"refers to entry {refers_to}, which is not an earlier entry"))
            prev, expected_seq = h, seq + 1
    return count, ChainHead(expected_seq - 1, prev), problems, hashes, linked


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
    conn: sqlite3.Connection, rows: dict[str, dict[int, str]], log: dict[int, str], want: Iterable[int] = ()
) -> tuple[int, str, list[Problem], dict[int, str]]:
    """Walk the record chain: every link recomputed (with the log head it names), every record
    row linked exactly once, in id order, with the hash it has now.

    `rows` = {table: {id: hash}} of what must be linked; `log` = {seq: hash} of the log.
    Returns (links, last link's hash, problems, {n: hash} for the links in `want`).
    """
    problems: list[Problem] = []
    want_set = set(want)
    found: dict[int, str] = {}
    nxt = dict.fromkeys(rows, 1)
    expected_n, prev, last_log = 1, GENESIS, 0
    log_end = max(log, default=0)
    cur = conn.execute("SELECT id, tbl, key, row_hash, log_seq, prev_hash, hash FROM ledger ORDER BY id")
    while True:
        batch = cur.fetchmany(4096)
        if not batch:
            break
        for n, tbl, key, row_h, log_seq, prev_h, h in batch:
            if n != expected_n:
                problems.append(Problem("chain", expected_n, f"links {expected_n}..{n - 1} are missing"))
            if prev_h != prev:
                problems.append(Problem("chain", n, "does not link to the one before it"))
            log_h = GENESIS if log_seq == 0 else log.get(log_seq)
            if log_h is None:
                problems.append(
                    Problem(
                        "entries",
                        min(log_seq, log_end + 1),
                        f"record chain link {n} was written at log seq {log_seq}, but the log ends at "
                        f"{log_end}: entries were removed from the tail",
                    )
                )
            elif link_hash(n, tbl, key, row_h, log_seq, log_h, prev_h) != h:
                problems.append(
                    Problem(
                        "chain", n, f"does not match its hash: the link, or the log up to seq {log_seq}, was altered"
                    )
                )
            if log_seq < last_log:
                problems.append(Problem("chain", n, "names an earlier log head than the link before it"))
            last_log = log_seq
            if n in want_set:
                found[n] = h
            prev, expected_n = h, n + 1
            table_rows = rows.get(tbl)
            if table_rows is None:
                problems.append(Problem("chain", n, f"links a row of an unknown table {tbl!r}"))
                continue
            if key != nxt[tbl]:
                if key > nxt[tbl]:
                    missing = [k for k in range(nxt[tbl], min(key, nxt[tbl] + 10_000)) if k in table_rows]
                    if missing:
                        problems.append(
                            Problem(
                                tbl,
                                missing[0],
                                f"rows {_ranges(missing)} are not on the record chain where they should be",
                            )
                        )
                else:
                    problems.append(Problem("chain", n, f"links {tbl} {key} again or out of order"))
            stored = table_rows.get(key)
            if stored is None:
                how = "rows were removed from the end" if key > max(table_rows, default=0) else "it was deleted"
                problems.append(Problem(tbl, key, f"is on the record chain (link {n}) but no longer in {tbl}: {how}"))
            elif stored != row_h:
                problems.append(
                    Problem(tbl, key, f"differs from what the record chain holds (link {n}): the row was rewritten")
                )
            nxt[tbl] = max(nxt[tbl], key + 1)
    for tbl, table_rows in rows.items():
        extra = sorted(k for k in table_rows if k >= nxt[tbl])
        if extra:
            problems.append(
                Problem(tbl, extra[0], f"rows {_ranges(extra)} are not on the record chain (written outside the store)")
            )
    return expected_n - 1, prev, problems, found


def _records_at(n: int, seq: int, links: dict[int, str], log: dict[int, str]) -> str | None:
    """The head covering every table at (n links, log seq), or None if either is gone."""
    link_h = GENESIS if n == 0 else links.get(n)
    entry_h = GENESIS if seq == 0 else log.get(seq)
    return None if link_h is None or entry_h is None else records_hash(n, link_h, seq, entry_h)


def check_seals(
    conn: sqlite3.Connection, key: bytes, links_end: int, log_end: int, links: dict[int, str], log: dict[int, str]
) -> list[Problem]:
    """With the key: the HMAC seals must cover record-chain links 1..end and log entries
    1..end back to back, each one valid. A rewrite without the key invalidates every seal
    after the rewritten row; removing those seals leaves rows unsealed. Either is reported."""
    problems: list[Problem] = []
    cov_n = cov_s = 0
    bad: list[int] = []
    gaps: list[str] = []
    for sid, fn, ln, fs, ls, mac in conn.execute(
        "SELECT id, first_link, last_link, first_seq, last_seq, hmac FROM seals ORDER BY id"
    ):
        if fn > cov_n + 1:
            gaps.append(f"record chain links {cov_n + 1}..{min(fn - 1, links_end)}")
        if fs > cov_s + 1:
            gaps.append(f"log entries {cov_s + 1}..{min(fs - 1, log_end)}")
        h = _records_at(ln, ls, links, log)
        if fn < cov_n + 1 or fs < cov_s + 1 or h is None or not check_seal_hmac(key, fn, ln, fs, ls, h, mac):
            bad.append(sid)
        cov_n, cov_s = max(cov_n, ln), max(cov_s, ls)
    if cov_n < links_end:
        gaps.append(f"record chain links {cov_n + 1}..{links_end}")
    if cov_s < log_end:
        gaps.append(f"log entries {cov_s + 1}..{log_end}")
    if bad:
        problems.append(
            Problem(
                "chain",
                None,
                f"{len(bad)} HMAC seal(s) do not match the records (first: seal "
                f"{bad[0]}): what they sealed was rewritten or removed",
            )
        )
    for gap in gaps[:5]:
        problems.append(Problem("chain", None, f"{gap} carry no HMAC seal: written without the key, or rewritten"))
    return problems


def _check_log_head(conn: sqlite3.Connection, seq: int, h: str, where: str, log_end: int) -> list[Problem]:
    if seq == 0:
        return []
    row = conn.execute("SELECT hash FROM entries WHERE seq = ?", (seq,)).fetchone()
    if row is None:
        return [
            Problem(
                "entries",
                min(seq, log_end + 1),
                f"{where} anchors seq {seq}, but the log ends at {log_end}: entries were removed from the tail",
            )
        ]
    if row[0] != h:
        return [Problem("entries", seq, f"{where} anchors seq {seq} with a different hash: the log was rewritten")]
    return []


def _check_records_head(
    n: int, seq: int, h: str, where: str, end: int, links: dict[int, str], log: dict[int, str]
) -> list[Problem]:
    if n > end:
        return [
            Problem(
                "chain",
                end + 1,
                f"{where} covers {n} record chain links, but the chain ends at {end}: "
                "records were removed from the end",
            )
        ]
    if _records_at(n, seq, links, log) != h:
        return [
            Problem(
                "chain",
                n or None,
                f"{where} (links {n}, log seq {seq}) no longer matches: records were rewritten or removed before it",
            )
        ]
    return []


def _read_heads(text: str) -> dict[str, tuple[int, str | None]] | None:
    try:
        heads = json.loads(text)
        return {t: (int(h[0]), h[1]) for t, h in heads.items() if len(h) == 2}
    except (TypeError, ValueError, AttributeError, KeyError):
        return None


def check_handovers(
    conn: sqlite3.Connection,
    log_end: int,
    chain_end: int,
    links: dict[int, str],
    log: dict[int, str],
    key: bytes | None,
) -> list[Problem]:
    """Every head a handover recorded must still be there: the log head, each table's last
    row, and the record chain's head. With a key, each of them must carry a valid HMAC:
    a handover without one is a failure (it was removed, or the handover forged)."""
    ends = {t: conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0] for t in RECORD_TABLES}
    out: list[Problem] = []
    first_with_heads = first_with_chain = None
    rows = conn.execute(
        "SELECT id, head_seq, head_hash, head_hmac, heads, heads_hmac, chain_seq, chain_hash, "
        "chain_hmac FROM handovers ORDER BY id"
    ).fetchall()
    for hid, seq, h, mac, text, hmac_heads, cseq, chash, cmac in rows:
        where = f"handover {hid}"
        out += _check_log_head(conn, seq, h, where, log_end)
        if key is not None:
            if mac is None:
                out.append(
                    Problem(
                        "handovers",
                        hid,
                        f"{where}: its log head carries no HMAC (it was removed, or the "
                        "handover was signed without the key)",
                    )
                )
            elif not check_head_hmac(key, seq, h, mac):
                out.append(
                    Problem("handovers", hid, f"{where}: the head's HMAC does not match (the anchor was forged)")
                )
        if cseq is None and first_with_chain is not None:
            out.append(
                Problem(
                    "handovers",
                    hid,
                    f"records no record chain head, but handover {first_with_chain} before it does (it was removed)",
                )
            )
        if cseq is not None:
            first_with_chain = first_with_chain or hid
            out += _check_records_head(cseq, seq, chash, where, chain_end, links, log)
            if key is not None and not check_chain_hmac(key, cseq, seq, chash, cmac):
                what = "carries no HMAC" if cmac is None else "HMAC does not match (the anchor was forged)"
                out.append(Problem("handovers", hid, f"{where}: its record chain head {what}"))
        if text is None:
            if first_with_heads is not None:
                out.append(
                    Problem(
                        "handovers",
                        hid,
                        f"records no table heads, but handover {first_with_heads} before it does (they were removed)",
                    )
                )
            continue
        first_with_heads = first_with_heads or hid
        if key is not None:
            if hmac_heads is None:
                out.append(Problem("handovers", hid, f"{where}: the table heads carry no HMAC (it was removed)"))
            elif not check_heads_hmac(key, text, hmac_heads):
                out.append(
                    Problem("handovers", hid, f"{where}: the table heads' HMAC does not match (they were forged)")
                )
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
                out.append(
                    Problem(
                        table,
                        ends[table] + 1,
                        f"{where} anchors {table} id {max_id}, but {table} ends "
                        f"at {ends[table]}: rows were removed from the end",
                    )
                )
            elif row is None:
                out.append(Problem(table, max_id, f"{where} anchors {table} id {max_id}, which is missing"))
            elif row[0] != th:
                out.append(
                    Problem(
                        table,
                        max_id,
                        f"{where} anchors {table} id {max_id} with a different hash: the row was rewritten",
                    )
                )
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
    verify): `R<links>-<seq>:HASH[:HMAC]` covers every table, `SEQ:HASH[:HMAC]` (or a
    (seq, hash[, hmac]) tuple) the log only; the records must still extend it."""
    conn, key = ctx.conn, ctx.hmac_key
    given = _as_head(head)
    problems: list[Problem] = []
    qc = conn.execute("PRAGMA quick_check").fetchall()
    if [r[0] for r in qc] != ["ok"]:
        problems.append(Problem("database", None, "SQLite quick_check: " + "; ".join(str(r[0]) for r in qc[:5])))
    problems += check_triggers(conn)
    count, last, chain_problems, log, old_entries = check_chain(conn)
    problems += chain_problems
    rows, row_problems, stored = check_rows(conn)
    problems += row_problems
    want = {r[0] for r in conn.execute("SELECT chain_seq FROM handovers WHERE chain_seq IS NOT NULL")}
    if key is not None:
        want.update(r[0] for r in conn.execute("SELECT last_link FROM seals"))
    if given is not None and given.scope == "records":
        want.add(given.links)
    links_end, link_h, link_problems, links = check_record_chain(conn, {"entries": old_entries, **stored}, log, want)
    links[links_end] = link_h
    problems += check_handovers(conn, last.seq, links_end, links, log, key)
    problems += link_problems
    if key is not None:
        problems += check_seals(conn, key, links_end, last.seq, links, log)
    if given is not None:
        if given.scope == "records":
            problems += _check_records_head(given.links, given.seq, given.hash, "the given head", links_end, links, log)
            if (
                key is not None
                and given.hmac is not None
                and not check_chain_hmac(key, given.links, given.seq, given.hash, given.hmac)
            ):
                problems.append(
                    Problem(
                        "chain",
                        None,
                        "the given head: its HMAC does not match (it was not printed by a console with this key)",
                    )
                )
        else:
            problems += _check_log_head(conn, given.seq, given.hash, "the given head", last.seq)
            if (
                key is not None
                and given.hmac is not None
                and not check_head_hmac(key, given.seq, given.hash, given.hmac)
            ):
                problems.append(
                    Problem("entries", None, "the given head: its HMAC does not match (the anchor was forged)")
                )
    records_h = records_hash(links_end, link_h, last.seq, last.hash)
    log_mac = head_hmac(key, last.seq, last.hash) if key else None
    chain_mac = chain_hmac(key, links_end, last.seq, records_h) if key else None
    return VerifyReport(
        count,
        rows,
        ChainHead(last.seq, last.hash, log_mac),
        tuple(problems),
        ChainHead(last.seq, records_h, chain_mac, "records", links_end),
    )
