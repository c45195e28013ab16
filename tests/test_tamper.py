"""Issue 9 item 3: someone with write access to the SQLite file must not get `verify` to pass.

Every attack here works on a real file with a raw sqlite3 connection: it drops the triggers,
edits or deletes rows, then re-seals everything it can without the HMAC key (recomputes every
hash and chain link with the store's own code, strips the HMACs it cannot forge, restores the
triggers). What must catch it is said in each test: the key, or a head printed earlier.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from test_store_helpers import LI, WANG, open_store

from floorconsole.cli import main
from floorconsole.identity import Actor
from floorconsole.store import HandoverItemDraft
from floorconsole.store import chain as chain_mod
from floorconsole.store import migrations as schema
from floorconsole.store.archive import _digest, verify_archive
from floorconsole.store.migrations import RECORD_TABLES

ALICE = Actor("Alice", "alice", "pts/3")
BOB = Actor("Bob", "bob", "pts/4")
KEY = b"0123456789abcdef0123456789abcdef"


def _key(tmp_path: Path) -> Path:
    path = tmp_path / "hmac.key"
    path.write_bytes(KEY)
    path.chmod(0o600)
    return path


def _raw(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    return conn


def _printed_head(store) -> str:
    """The head as the shift report prints it (the one covering every record table)."""
    head = store.chain_head() if hasattr(store, "chain_head") else store.head()
    return getattr(head, "text", f"{head.seq}:{head.hash}")


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


# --- the attacker's toolkit: everything computable without the key -------------------------


def _renumber(conn: sqlite3.Connection, table: str) -> None:
    """Close the id gaps a deletion left (ids must stay contiguous)."""
    ids = [r[0] for r in conn.execute(f"SELECT id FROM {table} ORDER BY id")]
    for new, old in enumerate(ids, 1):
        if new != old:
            conn.execute(f"UPDATE {table} SET id = ? WHERE id = ?", (new, old))


def _reseal(path: Path) -> None:
    """Recompute every hash and link after raw edits, as the store's code would; HMACs
    (which need the key) are removed; the triggers are put back exactly as created."""
    conn = _raw(path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("PRAGMA foreign_keys = OFF")
    tables = _tables(conn)
    # 1. the duty log, with the store's own entry hash over the columns it covers
    cols = getattr(chain_mod, "ENTRY_COLUMNS", ("seq", "time", "author", "kind", "body", "refers_to", "prev_hash"))
    prev, new_entry_hash = chain_mod.GENESIS, {}
    for r in conn.execute("SELECT * FROM entries ORDER BY seq").fetchall():
        row = dict(r)
        row["prev_hash"] = prev
        h = chain_mod.entry_hash(*[row[c] for c in cols])
        conn.execute("UPDATE entries SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, row["seq"]))
        prev = new_entry_hash[row["seq"]] = h

    def rehash(table: str, rid: int, ledger_hashes: dict[int, str]) -> str:
        row = dict(conn.execute(f"SELECT * FROM {table} WHERE id = ?", (rid,)).fetchone())
        if table == "handovers":
            row["head_hash"] = new_entry_hash.get(row["head_seq"], row["head_hash"])
            for col in ("head_hmac", "heads_hmac", "chain_hmac"):
                if col in row:
                    row[col] = None
            if row.get("heads"):
                heads = json.loads(row["heads"])
                for t, (max_id, _) in heads.items():
                    if max_id:
                        found = conn.execute(f"SELECT hash FROM {t} WHERE id = ?", (max_id,)).fetchone()
                        heads[t] = [max_id, found[0] if found else None]
                row["heads"] = json.dumps(heads, separators=(",", ":"), sort_keys=True)
            if row.get("chain_seq") is not None:
                n = row["chain_seq"]
                row["chain_hash"] = chain_mod.records_hash(
                    n,
                    ledger_hashes.get(n, chain_mod.GENESIS),
                    row["head_seq"],
                    new_entry_hash.get(row["head_seq"], chain_mod.GENESIS),
                )
        row["hash"] = chain_mod.row_hash(table, row)
        sets = ", ".join(f'"{c}" = ?' for c in row)
        conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*row.values(), rid])
        return row["hash"]

    if "ledger" not in tables:
        for table in RECORD_TABLES:
            for (rid,) in conn.execute(f"SELECT id FROM {table} ORDER BY id").fetchall():
                rehash(table, rid, {})
    else:
        # 2. rebuild the record chain in its own order, dropping links to rows that are gone
        links = conn.execute("SELECT tbl, key, log_seq FROM ledger ORDER BY id").fetchall()
        conn.execute("DELETE FROM ledger")
        conn.execute("DELETE FROM seals")
        log_end = max(new_entry_hash, default=0)
        prev, n, hashes = chain_mod.GENESIS, 0, {}
        for tbl, key, log_seq in links:
            if conn.execute(f"SELECT 1 FROM {tbl} WHERE id = ?", (key,)).fetchone() is None:
                continue
            row_h = rehash(tbl, key, hashes)
            n += 1
            log_seq = min(log_seq, log_end)
            h = chain_mod.link_hash(n, tbl, key, row_h, log_seq, new_entry_hash.get(log_seq, chain_mod.GENESIS), prev)
            conn.execute(
                "INSERT INTO ledger (id, tbl, key, row_hash, log_seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (n, tbl, key, row_h, log_seq, prev, h),
            )
            prev = hashes[n] = h
    for sql in schema.expected_triggers().values():
        conn.execute(sql)
    conn.close()


def _delete_handovers_and_log_end(path: Path, log_from: int) -> None:
    """Every handover with its items, events and audit rows, and the log from `log_from` on;
    then the ledger links of what is gone (the reseal drops them) and the id gaps."""
    conn = _raw(path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("PRAGMA foreign_keys = OFF")
    for table in ("handover_events", "handover_items", "handovers"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute("DELETE FROM audit WHERE action LIKE 'handover.%'")
    conn.execute("DELETE FROM entries WHERE seq >= ?", (log_from,))
    if "ledger" in _tables(conn):
        # renumbering audit ids: re-point the ledger's links at the new ids
        old_ids = [r[0] for r in conn.execute("SELECT id FROM audit ORDER BY id")]
        gone = conn.execute(
            f"SELECT id FROM ledger WHERE tbl = 'audit' AND key NOT IN ({','.join(map(str, old_ids)) or '0'})"
        ).fetchall()
        conn.execute(f"DELETE FROM ledger WHERE id IN ({','.join(str(g[0]) for g in gone) or '0'})")
        for new, old in enumerate(old_ids, 1):
            conn.execute("UPDATE ledger SET key = ? WHERE tbl = 'audit' AND key = ?", (new, old))
    _renumber(conn, "audit")
    conn.close()
    _reseal(path)


def _verify_cli(tmp_path: Path, db: Path, *extra: str, key: Path | None = None) -> tuple[int, str]:
    config = tmp_path / "floor.toml"
    config.write_text(f'[store]\nhmac_key_file = "{key}"\n' if key else "")
    code = main(["verify", "--config", str(config), "--db", str(db), *extra])
    return code, ""


# --- (a) a key is configured: a handover without its HMAC is a failure ----------------------


def test_a_nulled_hmacs_and_rechained_history_caught_with_the_key(tmp_path) -> None:
    key = _key(tmp_path)
    store = open_store(tmp_path, hmac_key_file=key)
    for i in range(4):
        store.add_entry("general", f"entry {i}", LI)
    store.create_handover("s1", "s2", [HandoverItemDraft("notice", "printer 3 broken")], LI)
    store.add_entry("general", "after the handover", WANG)
    assert store.verify().ok
    store.close()
    conn = _raw(tmp_path / "floor.db")
    conn.execute("DROP TRIGGER entries_no_update")
    conn.execute("UPDATE entries SET body = 'nothing to report' WHERE seq = 2")
    conn.close()
    _reseal(tmp_path / "floor.db")

    assert open_store(tmp_path).verify().ok  # without the key the rewrite is self-consistent
    report = open_store(tmp_path, hmac_key_file=key).verify()
    assert not report.ok
    text = "\n".join(str(p) for p in report.problems)
    assert "handover 1" in text and "no HMAC" in text, text


# --- (b) every handover deleted with its rows, and the log's end -----------------------------


def test_b_deleted_handovers_and_log_end_caught_with_the_key(tmp_path) -> None:
    key = _key(tmp_path)
    store = open_store(tmp_path, hmac_key_file=key)
    for i in range(3):
        store.add_entry("general", f"entry {i}", LI)
    store.add_patrol_note("a1", LI, items=["uniform"])
    ho = store.create_handover("s1", "s2", [HandoverItemDraft("equipment", "headset B4 broken")], LI)
    store.acknowledge_item(ho.id, ho.items[0].id, WANG)
    store.receive_handover(ho.id, WANG)
    store.add_patrol_note("a2", WANG, items=["uniform"])
    store.add_praise("a2", "Calmed an angry caller down", "The caller thanked her by name", WANG)
    store.add_entry("general", "queue 2 closed", WANG)
    assert store.verify().ok
    store.close()
    _delete_handovers_and_log_end(tmp_path / "floor.db", log_from=ho.items[0].entry.seq)

    conn = _raw(tmp_path / "floor.db")
    assert conn.execute("SELECT count(*) FROM handovers").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM patrol_notes").fetchone()[0] == 2
    conn.close()
    assert open_store(tmp_path).verify().ok  # self-consistent without the key or a head
    report = open_store(tmp_path, hmac_key_file=key).verify()
    assert not report.ok, "the rewritten record chain carries no valid HMAC seal"
    assert any("HMAC" in str(p) for p in report.problems), report.problems


def test_b_deleted_handovers_and_log_end_caught_with_a_printed_head(tmp_path) -> None:
    store = open_store(tmp_path)
    for i in range(3):
        store.add_entry("general", f"entry {i}", LI)
    store.add_patrol_note("a1", LI, items=["uniform"])
    ho = store.create_handover("s1", "s2", [HandoverItemDraft("notice", "carried", entry_seq=2)], LI)
    store.acknowledge_item(ho.id, ho.items[0].id, WANG)
    store.add_patrol_note("a2", WANG, items=["uniform"])
    printed = _printed_head(store)  # the shift report, on paper
    store.add_entry("general", "later 1", WANG)
    store.add_entry("general", "later 2", WANG)
    store.close()
    _delete_handovers_and_log_end(tmp_path / "floor.db", log_from=4)

    db = tmp_path / "floor.db"
    assert _verify_cli(tmp_path, db)[0] == 0  # nothing inside the file shows it
    assert _verify_cli(tmp_path, db, "--head", printed)[0] == 1


# --- (c) rows that were never the last of their table at a handover ------------------------


def test_c_rewritten_middle_rows_caught_with_a_printed_head(tmp_path) -> None:
    store = open_store(tmp_path)
    store.add_entry("general", "shift start", LI)
    escs = [store.raise_escalation(f"c{i}", f"a{i}", "q", "insists on a supervisor", LI) for i in range(3)]
    store.claim_escalation(escs[0].id, ALICE)
    store.claim_escalation(escs[1].id, ALICE)
    store.claim_escalation(escs[2].id, BOB)
    store.add_patrol_note("agent-1", LI, items=["uniform"], text="no badge")
    store.add_patrol_note("agent-2", LI, text="chatting on a personal phone")
    store.add_patrol_note("agent-3", LI, items=["uniform"])
    store.create_handover("s1", "s2", [HandoverItemDraft("notice", "queue 2 closed")], LI)
    printed = _printed_head(store)
    store.close()

    db = tmp_path / "floor.db"
    conn = _raw(db)
    for t in ("escalation_events_no_update", "patrol_notes_no_update"):
        conn.execute(f"DROP TRIGGER {t}")
    conn.execute("UPDATE escalation_events SET actor = 'Mallory', os_user = 'mallory' WHERE actor = 'Alice'")
    conn.execute("UPDATE patrol_notes SET agent = CASE id WHEN 1 THEN 'agent-2' ELSE 'agent-1' END WHERE id IN (1, 2)")
    conn.close()
    _reseal(db)

    claims = [e.claimed_by for e in open_store(tmp_path).list_escalations()]
    assert claims == ["Mallory", "Mallory", "Bob"]
    assert _verify_cli(tmp_path, db)[0] == 0
    assert _verify_cli(tmp_path, db, "--head", printed)[0] == 1


# --- (d) every stored column of an entry is in its hash --------------------------------------


@pytest.mark.parametrize(
    "column, value", [("shift", "2020-01-01 night"), ("os_user", "mallory"), ("terminal", "pts/99")]
)
def test_d_entry_columns_outside_the_hash_caught(tmp_path, column, value) -> None:
    store = open_store(tmp_path)
    for i in range(3):
        store.add_entry("general", f"entry {i}", LI)
    store.close()
    conn = _raw(tmp_path / "floor.db")
    conn.execute("DROP TRIGGER entries_no_update")
    conn.execute(f"UPDATE entries SET {column} = ? WHERE seq = 2", (value,))
    conn.execute(schema.expected_triggers()["entries_no_update"])
    conn.close()
    report = open_store(tmp_path).verify()
    assert not report.ok and report.first_bad_seq == 2, report.problems


def test_d_verify_uses_the_one_entry_hash() -> None:
    import inspect

    from floorconsole.store import verify as verify_mod

    assert "sha256" not in inspect.getsource(verify_mod.check_chain)


# --- (e) an archive must end at its signed head ------------------------------------------------


def _tampered_archive(tmp_path: Path, key: Path | None) -> Path:
    store = open_store(tmp_path, hmac_key_file=key)
    for i in range(5):
        store.add_entry("general", f"entry {i}", LI)
    store.add_patrol_note("a1", LI, items=["uniform"])
    out = tmp_path / "archive.json"
    store.archive(4e9, out, LI)
    store.close()
    doc = json.loads(out.read_text())
    cols = getattr(chain_mod, "ENTRY_COLUMNS", ("seq", "time", "author", "kind", "body", "refers_to", "prev_hash"))
    doc["entries"][1]["body"] = "nothing happened"
    prev = chain_mod.GENESIS
    for e in doc["entries"]:
        e["prev_hash"] = prev
        e["hash"] = prev = chain_mod.entry_hash(*[e[c] for c in cols])
    doc.pop("digest_hmac", None)
    doc["digest"] = _digest(doc)  # the head and its HMAC are kept as they were
    out.write_text(json.dumps(doc))
    return out


def test_e_rechained_archive_caught_without_the_key(tmp_path) -> None:
    problems = verify_archive(_tampered_archive(tmp_path, None))
    assert problems and any("head" in str(p) for p in problems), problems


def test_e_rechained_archive_caught_with_the_key(tmp_path) -> None:
    key = _key(tmp_path)
    path = _tampered_archive(tmp_path, key)
    assert verify_archive(path, KEY)
    assert _verify_cli(tmp_path, tmp_path / "floor.db", "--archive", str(path), key=key)[0] == 1


# --- the head covering every table: printed by the report, checked by verify --head ----------


def test_report_prints_the_chain_head_and_verify_checks_every_table_against_it(tmp_path) -> None:
    from floorconsole.config import Config
    from floorconsole.report import build_report, resolve_shift
    from floorconsole.report_output import render

    key = _key(tmp_path)
    db = tmp_path / "floor.db"
    store = open_store(tmp_path, hmac_key_file=key)
    store.add_entry("general", "shift start", LI)
    store.add_patrol_note("agent-1", LI, items=["uniform"])
    store.add_patrol_note("agent-2", LI, items=["uniform"])
    ho = store.create_handover("s1", "s2", [HandoverItemDraft("notice", "queue 2 closed")], LI)
    head = store.chain_head()
    assert head.scope == "records" and head.hmac and head.text.startswith(f"R{head.links}-{head.seq}:")
    assert store.get_handover(ho.id).chain.links == head.links - 3  # before its row, its item, its audit row
    config = Config(supervisor="Li Na", db_path=db)
    now = store.current_shift_key()
    report = build_report(
        store, config, resolve_shift(config, now, 1_795_400_100.0), 1_795_400_100.0, complaints_only=True
    )
    for fmt in ("md", "csv", "html"):
        assert f"Chain head: {head.text}" in render(report, fmt, complaints_only=True), fmt
    store.close()

    assert _verify_cli(tmp_path, db, "--head", head.text, key=key)[0] == 0
    assert _verify_cli(tmp_path, db, "--head", head.text)[0] == 0  # the HMAC is only checked with the key
    forged = head.text[:-1] + ("0" if head.text[-1] != "0" else "1")
    assert _verify_cli(tmp_path, db, "--head", forged, key=key)[0] == 1
    conn = _raw(db)
    conn.execute("DROP TRIGGER patrol_notes_no_update")
    conn.execute("UPDATE patrol_notes SET agent = 'agent-9' WHERE id = 1")
    conn.close()
    _reseal(db)
    assert _verify_cli(tmp_path, db, "--head", head.text)[0] == 1


def test_chain_tables_are_append_only(tmp_path) -> None:
    key = _key(tmp_path)
    store = open_store(tmp_path, hmac_key_file=key)
    store.add_patrol_note("a1", LI, items=["uniform"])
    store.add_entry("general", "x", LI)
    store.close()
    conn = _raw(tmp_path / "floor.db")
    for sql in (
        "UPDATE ledger SET row_hash = 'x'",
        "DELETE FROM ledger",
        "UPDATE seals SET hmac = 'x'",
        "DELETE FROM seals",
        "INSERT INTO ledger (id, tbl, key, row_hash, log_seq, prev_hash, hash) "
        "VALUES (1, 'audit', 9, 'x', 0, 'x', 'x')",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    conn.close()
    report = open_store(tmp_path, hmac_key_file=key).verify()
    assert report.ok and report.chain.links == 1 and report.chain.seq == 1


def test_handover_anchor_removed_from_a_later_handover_is_caught(tmp_path) -> None:
    store = open_store(tmp_path)
    store.add_entry("general", "a", LI)
    store.create_handover("s1", "s2", [HandoverItemDraft("notice", "b")], LI)
    store.create_handover("s2", "s3", [HandoverItemDraft("notice", "c")], WANG)
    store.close()
    conn = _raw(tmp_path / "floor.db")
    conn.execute("DROP TRIGGER handovers_no_update")
    conn.execute("UPDATE handovers SET chain_seq = NULL, chain_hash = NULL WHERE id = 2")
    conn.close()
    _reseal(tmp_path / "floor.db")
    report = open_store(tmp_path).verify()
    assert any("records no record chain head, but handover 1" in str(p) for p in report.problems), report.problems
