"""Raw sqlite3 cannot alter the records; verify catches what gets past with triggers dropped."""

import json
import sqlite3

import pytest
from test_registers_store import populate_registers
from test_store_helpers import LI, WANG, open_store

from floorconsole.store import ComplaintDraft, HandoverItemDraft
from floorconsole.store import migrations as schema
from floorconsole.store.chain import GENESIS, entry_hash_v1, head_hmac, heads_hmac, row_hash
from floorconsole.store.db import write_tx
from floorconsole.store.migrations import APPEND_ONLY_TABLES, RECORD_TABLES
from floorconsole.store.rows import who


def _populated(tmp_path):
    store = open_store(tmp_path)
    for i in range(5):
        store.add_entry("general", f"entry {i}", LI)
    store.ensure_shift("k1", "day", 1.0, 2.0, LI.name)
    ho = store.create_handover("k1", "k2", [HandoverItemDraft("notice", "n1")], LI)
    store.acknowledge_item(ho.id, ho.items[0].id, WANG)
    store.question_item(ho.id, ho.items[0].id, "which one?", WANG)
    store.answer_item(ho.id, ho.items[0].id, "the first", LI)
    store.add_patrol_note("a1", LI, items=["uniform"])
    store.add_praise("a1", "Stayed late to finish the callback list", "Customers were promised a call today", LI)
    store.add_inspection("a1", "c1", dict(service_language=5, attitude=5, tone=5, needs=5, composure=5), "", LI)
    e = store.raise_escalation("c1", "a1", "q", "r", LI, caller="13800001111", event_key="k")
    store.resolve_escalation(e.id, "callback", LI, due=e.raised_at + 60)
    store.record_complaint(
        ComplaintDraft(problem="p", wants="w", company_at_fault=False, apology_given=False), LI, e.id
    )
    fu = store.list_follow_ups()[0]
    store.complete_follow_up(fu.id, LI)
    e2 = store.raise_escalation("c2", "a1", "q", "r", LI)
    store.claim_escalation(e2.id, LI)
    store.release_escalation(e2.id, "going on a break", LI)
    store.record_summary_sent("k1", "Director Zhou", 1, 1, "md", "stdout", LI)
    store.mark_report_sent("monthly", "2026-10", "Director Zhou", LI)  # m008
    populate_registers(store)  # m007: the leave and swap registers
    _populate_roster(store)
    store.close()
    return tmp_path / "floor.db"


def _populate_roster(store) -> None:
    """m006: a roster, a flag ended and allowed, a roll call."""
    from datetime import date

    from floorconsole.roster.model import AttendanceFlag, RosterEntry
    from floorconsole.roster.roll_call import RollCallLine

    store.import_roster([RosterEntry(date(2026, 12, 1), "a1", "day", "g")], "roster.csv", LI)
    flag = store.record_attendance_flag(AttendanceFlag("a1", "late", "2026-12-01 day", 100.0, 20), LI)
    store.end_attendance_flag("a1", "late", "2026-12-01 day", 100.0, 25, LI)
    store.allow_attendance_flag(flag.id, "sent to recover after a hard call", LI)
    store.record_roll_call("2026-12-01 day", [RollCallLine("a1", "g", "late")], LI)


def _raw(path):
    return sqlite3.connect(path, isolation_level=None)


def test_every_append_only_table_has_rows(tmp_path) -> None:
    conn = _raw(_populated(tmp_path))
    for table in APPEND_ONLY_TABLES:
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_raw_update_delete_replace_upsert_rejected(tmp_path, table) -> None:
    path = _populated(tmp_path)
    conn = _raw(path)
    key = "seq" if table == "entries" else "id"
    cur = conn.execute(f"SELECT * FROM {table} WHERE {key} = 1")
    cols = [d[0] for d in cur.description]
    row = cur.fetchone()
    before = conn.execute(f"SELECT * FROM {table} ORDER BY {key}").fetchall()
    text_col = next(c for c, v in zip(cols, row) if isinstance(v, str) and c not in ("hash", "prev_hash"))
    names, marks = ", ".join(f'"{c}"' for c in cols), ", ".join("?" * len(cols))
    changed = [("X" if c == text_col else v) for c, v in zip(cols, row)]
    attacks = [
        (f'UPDATE {table} SET "{text_col}" = ? WHERE {key} = 1', ["X"]),
        (f"DELETE FROM {table} WHERE {key} = 1", []),
        (f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})", changed),
        (f"REPLACE INTO {table} ({names}) VALUES ({marks})", changed),
        (
            f'INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT DO UPDATE SET "{text_col}" = excluded."{text_col}"',
            changed,
        ),
        (f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})", changed),
    ]
    for sql, params in attacks:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql, params)
    assert conn.execute(f"SELECT * FROM {table} ORDER BY {key}").fetchall() == before


def test_replace_through_a_unique_column_is_rejected(tmp_path) -> None:
    conn = _raw(_populated(tmp_path))
    # A new id but the same event key would make REPLACE delete the original escalation.
    row = conn.execute("SELECT * FROM escalations WHERE id = 1").fetchone()
    new = (2, *row[1:])
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute(f"INSERT OR REPLACE INTO escalations VALUES ({', '.join('?' * len(new))})", new)
    claim = conn.execute("SELECT * FROM escalation_events WHERE action = 'claim'").fetchone()
    nxt = conn.execute("SELECT max(id) + 1 FROM escalation_events").fetchone()[0]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute(
            f"INSERT OR REPLACE INTO escalation_events VALUES ({', '.join('?' * len(claim))})", (nxt, *claim[1:])
        )


def test_edit_after_drop_trigger_caught_at_exact_seq(tmp_path) -> None:
    path = _populated(tmp_path)
    conn = _raw(path)
    conn.execute("DROP TRIGGER entries_no_update")
    conn.execute("UPDATE entries SET body = 'nothing happened' WHERE seq = 3")
    conn.close()
    store = open_store(tmp_path)
    report = store.verify()
    assert not report.ok and report.first_bad_seq == 3
    messages = [str(p) for p in report.problems]
    assert any("entries_no_update is missing" in m for m in messages)
    assert any(m.startswith("entries seq 3: content does not match") for m in messages)


def test_edit_of_a_record_row_caught(tmp_path) -> None:
    path = _populated(tmp_path)
    conn = _raw(path)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET actor = 'Nobody' WHERE id = 1")
    conn.close()
    report = open_store(tmp_path).verify()
    assert any(p.table == "audit" and p.key == 1 for p in report.problems)


def _truncate(path, keep_seq: int) -> None:
    conn = _raw(path)
    conn.execute("DROP TRIGGER entries_no_delete")
    conn.execute("DELETE FROM entries WHERE seq > ?", (keep_seq,))
    conn.close()


def test_truncated_tail_caught_against_given_head(tmp_path) -> None:
    path = _populated(tmp_path)
    store = open_store(tmp_path)
    head = store.head()
    for i in range(3):
        store.add_entry("general", f"late {i}", LI)
    anchored = store.head()
    store.close()
    _truncate(path, head.seq)
    # Without an anchor the shortened chain is self-consistent (except the dropped trigger):
    # no record row was written after those entries, so no record-chain link names them...
    store = open_store(tmp_path)
    assert store.verify().first_bad_seq is None
    report = store.verify((anchored.seq, anchored.hash))
    assert not report.ok and report.first_bad_seq == head.seq + 1
    assert any("removed from the tail" in str(p) for p in report.problems)


def test_truncation_below_a_handover_head_caught_without_a_given_head(tmp_path) -> None:
    path = _populated(tmp_path)  # the handover recorded head seq 6
    _truncate(path, 4)
    report = open_store(tmp_path).verify()
    assert report.first_bad_seq == 5
    assert any("handover 1" in str(p) for p in report.problems)


def test_rewritten_chain_with_forged_hmac_caught(tmp_path) -> None:
    key = tmp_path / "k"
    key.write_text("0123456789abcdef0123456789abcdef")
    key.chmod(0o600)
    store = open_store(tmp_path, hmac_key_file=key)
    store.add_entry("general", "a", LI)
    ho = store.create_handover("s1", "s2", [HandoverItemDraft("notice", "b")], LI)
    assert store.verify().ok
    store.close()
    conn = _raw(tmp_path / "floor.db")
    conn.execute("DROP TRIGGER handovers_no_update")
    conn.execute("UPDATE handovers SET head_hmac = ? WHERE id = ?", ("0" * 64, ho.id))
    conn.close()
    report = open_store(tmp_path, hmac_key_file=key).verify()
    assert any("HMAC does not match" in str(p) for p in report.problems)


# --- the tails of the other record tables, anchored by each signed handover ---------------


def _sign(tmp_path, **kw):
    """Sign a handover on the store at tmp_path; returns (handover, {table: max id before it})."""
    store = open_store(tmp_path, **kw)
    ends = {t: store.conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0] for t in RECORD_TABLES}
    ho = store.create_handover("k2", "k3", [HandoverItemDraft("notice", "n2")], WANG)
    store.close()
    return ho, ends


def _delete_tail(path, table: str, from_id: int) -> None:
    conn = _raw(path)
    conn.execute(f"DROP TRIGGER {table}_no_delete")
    conn.execute(f"DELETE FROM {table} WHERE id >= ?", (from_id,))
    conn.close()


def test_signed_handover_records_every_record_tables_head(tmp_path) -> None:
    path = _populated(tmp_path)
    ho, ends = _sign(tmp_path)
    conn = _raw(path)
    heads = json.loads(conn.execute("SELECT heads FROM handovers WHERE id = ?", (ho.id,)).fetchone()[0])
    assert set(heads) == set(RECORD_TABLES)
    for table, (max_id, h) in heads.items():
        assert max_id == ends[table] > 0, table
        assert h == conn.execute(f"SELECT hash FROM {table} WHERE id = ?", (max_id,)).fetchone()[0]
    assert open_store(tmp_path).verify().ok


def test_deleted_last_patrol_note_caught_without_a_given_head(tmp_path) -> None:
    path = _populated(tmp_path)
    _, ends = _sign(tmp_path)
    last = ends["patrol_notes"]
    _delete_tail(path, "patrol_notes", last)
    report = open_store(tmp_path).verify()
    assert not report.ok
    tail = [p for p in report.problems if p.table == "patrol_notes" and p.key == last]
    assert tail and "removed from the end" in tail[0].message, report.problems
    assert str(tail[0]).startswith(f"patrol_notes id {last}: handover 2 anchors patrol_notes id {last}")
    assert report.first_bad_seq is None  # the log itself is intact


def test_deleted_audit_tail_caught_without_a_given_head(tmp_path) -> None:
    path = _populated(tmp_path)
    _, ends = _sign(tmp_path)
    anchored = ends["audit"]  # the handover's own audit row (anchored+1) comes after it
    _delete_tail(path, "audit", anchored)
    report = open_store(tmp_path).verify()
    assert any(
        p.table == "audit" and p.key == anchored and "removed from the end" in p.message for p in report.problems
    ), report.problems


def test_rewritten_anchored_row_with_recomputed_hash_caught(tmp_path) -> None:
    path = _populated(tmp_path)
    _, ends = _sign(tmp_path)
    last = ends["praise"]
    conn = _raw(path)
    conn.execute("DROP TRIGGER praise_no_update")
    row = dict(
        zip(
            [d[0] for d in conn.execute("SELECT * FROM praise").description],
            conn.execute("SELECT * FROM praise WHERE id = ?", (last,)).fetchone(),
        )
    )
    row["why"] = "nothing"
    conn.execute("UPDATE praise SET why = ?, hash = ? WHERE id = ?", ("nothing", row_hash("praise", row), last))
    conn.close()
    report = open_store(tmp_path).verify()
    assert any(p.table == "praise" and p.key == last and "different hash" in p.message for p in report.problems)


def test_table_empty_at_signing_and_rows_added_after_it_verify(tmp_path) -> None:
    store = open_store(tmp_path)
    store.add_entry("general", "quiet start", LI)
    ho = store.create_handover("s1", "s2", [HandoverItemDraft("notice", "nothing to report")], LI)
    heads = json.loads(store.conn.execute("SELECT heads FROM handovers WHERE id = ?", (ho.id,)).fetchone()[0])
    assert heads["praise"] == [0, None] and heads["patrol_notes"] == [0, None]
    assert store.verify().ok
    store.add_praise("a1", "Calm with an angry caller", "Kept the call short", LI)
    store.add_patrol_note("a1", LI, items=["uniform"])
    store.record_audit("test", LI, "x")
    store.acknowledge_item(ho.id, ho.items[0].id, WANG)
    report = store.verify()
    assert report.ok, report.problems
    # The rows written after the last handover are anchored by the next one.
    last_note = store.list_patrol_notes()[-1].id
    store.create_handover("s2", "s3", [], WANG)
    store.close()
    _delete_tail(tmp_path / "floor.db", "patrol_notes", last_note)
    report = open_store(tmp_path).verify()
    assert any(p.table == "patrol_notes" and p.key == last_note for p in report.problems)


def test_forged_table_heads_caught_by_the_hmac(tmp_path) -> None:
    key = tmp_path / "k"
    key.write_text("0123456789abcdef0123456789abcdef")
    key.chmod(0o600)
    store = open_store(tmp_path, hmac_key_file=key)
    store.add_patrol_note("a1", LI, items=["uniform"])
    store.add_patrol_note("a1", LI, items=["uniform"])
    ho = store.create_handover("s1", "s2", [HandoverItemDraft("notice", "b")], LI)
    assert store.verify().ok
    store.close()
    # Drop the last note and rewrite the handover's heads to match, recomputing its row hash:
    # only the key-holder could make the heads' HMAC agree.
    conn = _raw(tmp_path / "floor.db")
    for t in ("patrol_notes_no_delete", "handovers_no_update"):
        conn.execute(f"DROP TRIGGER {t}")
    conn.execute("DELETE FROM patrol_notes WHERE id = 2")
    cur = conn.execute("SELECT * FROM handovers WHERE id = ?", (ho.id,))
    row = dict(zip([d[0] for d in cur.description], cur.fetchone()))
    heads = json.loads(row["heads"])
    heads["patrol_notes"] = list(conn.execute("SELECT id, hash FROM patrol_notes WHERE id = 1").fetchone())
    row["heads"] = json.dumps(heads, separators=(",", ":"), sort_keys=True)
    conn.execute(
        "UPDATE handovers SET heads = ?, hash = ? WHERE id = ?", (row["heads"], row_hash("handovers", row), ho.id)
    )
    for t in ("patrol_notes_no_delete", "handovers_no_update"):
        conn.execute(schema.expected_triggers()[t])
    conn.close()
    # The record chain still links the deleted note and the handover's old hash, key or not
    # (test_tamper.py covers an attacker who rebuilds that chain too)...
    assert {p.table for p in open_store(tmp_path).verify().problems} == {"patrol_notes", "handovers"}
    # ...and the key shows the heads themselves were forged.
    report = open_store(tmp_path, hmac_key_file=key).verify()
    assert f"handovers id {ho.id}: handover {ho.id}: the table heads' HMAC does not match (they were forged)" in [
        str(p) for p in report.problems
    ]


def _legacy_file(tmp_path, monkeypatch, names=("m001_records",), key=None):
    """A file as an older schema left it: entries with the seven-column hash, a patrol note and
    a handover (the latter with its heads when m002 is among `names`), written with raw SQL."""
    monkeypatch.setattr(schema.migrations, "_migrations", [m for m in schema.migrations._migrations if m.name in names])
    store = open_store(tmp_path)
    assert "ledger" not in {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    conn, prev = store.conn, GENESIS
    with write_tx(conn):
        for seq in (1, 2):
            e = (seq, 1_795_400_000.0 + seq, LI.name, "general", f"before the upgrade {seq}", None, prev)
            prev = entry_hash_v1(*e)
            conn.execute(
                "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*e, prev, "2026-11-23 day", LI.os_user, LI.terminal),
            )
        note = {
            "id": 1,
            "time": 1.0,
            "shift": "s1",
            "agent": "a1",
            "seat": None,
            "items_json": "[]",
            "deduction_total": 0,
            "text": "legacy note",
            "follow_up": 0,
            **who(LI),
        }
        note["hash"] = row_hash("patrol_notes", note)
        conn.execute(
            f"INSERT INTO patrol_notes ({', '.join(note)}) VALUES ({', '.join('?' * len(note))})", list(note.values())
        )
        ho = {
            "id": 1,
            "from_shift": "s1",
            "to_shift": "s2",
            "note": "",
            **who(LI),
            "time": 1.0,
            "head_seq": 2,
            "head_hash": prev,
            "head_hmac": head_hmac(key, 2, prev) if key else None,
        }
        if "m002_handover_heads" in names:
            ho["heads"] = json.dumps(
                {t: [0, None] for t in RECORD_TABLES} | {"patrol_notes": [1, note["hash"]]},
                separators=(",", ":"),
                sort_keys=True,
            )
            ho["heads_hmac"] = heads_hmac(key, ho["heads"]) if key else None
        ho["hash"] = row_hash("handovers", ho)
        conn.execute(f"INSERT INTO handovers ({', '.join(ho)}) VALUES ({', '.join('?' * len(ho))})", list(ho.values()))
    old = conn.execute("SELECT hash FROM entries WHERE seq = 2").fetchone()[0], ho["hash"]
    store.close()
    monkeypatch.undo()
    return old


def test_database_from_the_previous_schema_still_verifies(tmp_path, monkeypatch) -> None:
    old_entry_hash, old_ho_hash = _legacy_file(tmp_path, monkeypatch)
    store = open_store(tmp_path)  # applies m002 and m003
    row = store.conn.execute("SELECT heads, heads_hmac, hash FROM handovers WHERE id = 1").fetchone()
    assert row == (None, None, old_ho_hash)  # nothing already written is rewritten
    assert store.get_entry(2).hash == old_entry_hash  # so heads printed earlier still check
    assert store.get_handover(1).head.seq == 2 and store.get_handover(1).chain is None
    assert store.conn.execute("SELECT count(*) FROM ledger").fetchone()[0] == 4  # back-filled
    report = store.verify((2, old_entry_hash))
    assert report.ok, report.problems
    store.add_entry("general", "after the upgrade", LI)
    store.create_handover("s2", "s3", [HandoverItemDraft("notice", "after the upgrade")], WANG)
    assert store.verify().ok
    store.close()
    _delete_tail(tmp_path / "floor.db", "patrol_notes", 1)
    report = open_store(tmp_path).verify()
    assert any(p.table == "patrol_notes" and p.key == 1 and "handover 2" in p.message for p in report.problems)


@pytest.mark.parametrize("column", ["shift", "os_user", "terminal"])
def test_old_entries_columns_outside_their_hash_are_covered_after_the_migration(tmp_path, monkeypatch, column) -> None:
    _legacy_file(tmp_path, monkeypatch, names=("m001_records", "m002_handover_heads"))
    assert open_store(tmp_path).verify().ok
    conn = _raw(tmp_path / "floor.db")
    conn.execute("DROP TRIGGER entries_no_update")
    conn.execute(f"UPDATE entries SET {column} = 'forged' WHERE seq = 1")
    conn.execute(schema.expected_triggers()["entries_no_update"])
    conn.close()
    report = open_store(tmp_path).verify()
    assert report.first_bad_seq == 1 and any("rewritten" in p.message for p in report.problems), report.problems


def test_migration_with_the_key_seals_the_back_filled_chain(tmp_path, monkeypatch) -> None:
    key = tmp_path / "k"
    key.write_text("0123456789abcdef0123456789abcdef")
    key.chmod(0o600)
    _legacy_file(
        tmp_path, monkeypatch, names=("m001_records", "m002_handover_heads"), key=b"0123456789abcdef0123456789abcdef"
    )
    store = open_store(tmp_path, hmac_key_file=key)
    assert store.conn.execute("SELECT first_link, last_link, first_seq, last_seq FROM seals").fetchall() == [
        (1, 4, 1, 2)
    ]
    assert store.verify().ok, store.verify().problems
    store.close()
    # Without the key at migration time the back-filled links stay unsealed, and say so.
    (tmp_path / "floor.db").unlink()
    _legacy_file(tmp_path, monkeypatch, names=("m001_records", "m002_handover_heads"))
    open_store(tmp_path).close()
    report = open_store(tmp_path, hmac_key_file=key).verify()
    assert any("record chain links 1..4 carry no HMAC seal" in str(p) for p in report.problems), report.problems
