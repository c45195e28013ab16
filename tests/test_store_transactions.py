"""Every write is BEGIN IMMEDIATE; read-only files and full disks fail clearly, losing nothing."""

import inspect
import os
import stat

import pytest
from test_registers_store import register_writes
from test_store_helpers import LI, WANG, open_store

from floorconsole.store import (
    ComplaintDraft,
    HandoverItemDraft,
    ReadOnlyStore,
    Store,
    StoreFull,
)
from floorconsole.store.db import connect
from floorconsole.store.migrations import apply_migrations


def _write_methods() -> set[str]:
    return {n for n, f in inspect.getmembers(Store, inspect.isfunction) if getattr(f, "store_writes", False)}


def _roster_writes(call) -> None:
    """m006: roster import, an attendance flag ended and allowed, a roll call."""
    from datetime import date

    from floorconsole.roster.model import AttendanceFlag, RosterEntry
    from floorconsole.roster.roll_call import RollCallLine

    call("import_roster", [RosterEntry(date(2026, 12, 1), "a1", "day", "g")], "roster.csv", LI)
    flag = call("record_attendance_flag", AttendanceFlag("a1", "late", "2026-12-01 day", 100.0, 20), LI)
    call("end_attendance_flag", "a1", "late", "2026-12-01 day", 100.0, 25, LI)
    call("allow_attendance_flag", flag.id, "sent to recover after a hard call", LI)
    call("record_roll_call", "2026-12-01 day", [RollCallLine("a1", "g", "late")], LI)


def test_every_write_method_uses_begin_immediate(tmp_path) -> None:
    store = open_store(tmp_path)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    called: set[str] = set()

    def call(name, *args, **kw):
        called.add(name)
        return getattr(store, name)(*args, **kw)

    e = call("add_entry", "general", "first", LI)
    call("correct_entry", e.seq, "first, corrected", LI)
    call("ensure_shift", "s1", "day", 1.0, 2.0, LI.name)
    ho = call("create_handover", "s1", "s2", [HandoverItemDraft("notice", "carry me")], LI)
    call("acknowledge_item", ho.id, ho.items[0].id, WANG)
    call("question_item", ho.id, ho.items[0].id, "why?", WANG)
    call("answer_item", ho.id, ho.items[0].id, "because", LI)
    call("receive_handover", ho.id, WANG)
    call("add_patrol_note", "a1", LI, items=["uniform"])
    call("add_praise", "a1", "Handled an angry caller calmly", "Kept the customer from escalating", LI)
    call("add_inspection", "a1", "c1", dict(service_language=1, attitude=2, tone=3, needs=4, composure=5), "", LI)
    esc = call("raise_escalation", "c1", "a1", "q", "wants supervisor", LI, caller="13800001111")
    call("claim_escalation", esc.id, LI)
    call("resolve_escalation", esc.id, "callback", LI, due=esc.raised_at + 60)
    call("reveal_caller", esc.id, "calling back", LI)
    call(
        "record_complaint",
        ComplaintDraft(problem="p", wants="w", company_at_fault=False, apology_given=False),
        LI,
        esc.id,
    )
    fu = call("add_follow_up", "check stock", esc.raised_at + 120, LI)
    call("complete_follow_up", fu.id, LI)
    oi = call("add_follow_up", "send the form", esc.raised_at + 180, LI)
    open_id = next(i.id for i in store.list_open_items() if i.source == f"follow_up:{oi.id}")
    call("close_open_item", open_id, "sent by post", WANG)
    esc2 = call("raise_escalation", "c2", "a1", "q", "wants supervisor", LI)
    call("claim_escalation", esc2.id, LI)
    call("pass_escalation", esc2.id, WANG.os_user, "my shift ends", LI)
    call("release_escalation", esc2.id, "needs the day team", WANG)
    call("record_audit", "report.export", LI, "report.md")
    call("record_summary_sent", "s1", "Director Zhou", 1, 1, "md", "stdout", LI)
    call("mark_report_sent", "monthly", "2026-10", "Director Zhou", LI)
    register_writes(call, store)  # m007: the leave and swap registers
    _roster_writes(call)
    call("archive", esc.raised_at + 1e6, tmp_path / "a.json", LI)
    # A refused write still starts with BEGIN IMMEDIATE and leaves nothing behind.
    with pytest.raises(Exception):
        call("add_entry", "general", "", LI)

    missing = _write_methods() - called
    assert not missing, f"write methods not exercised by this test: {missing}"
    begins = [s for s in statements if s.split()[0].upper() in ("BEGIN", "SAVEPOINT")]
    assert begins and all(s.strip().upper() == "BEGIN IMMEDIATE" for s in begins), begins
    writes = [s for s in statements if s.split()[0].upper() in ("INSERT", "UPDATE", "DELETE", "REPLACE")]
    assert writes


def test_migrations_run_inside_begin_immediate(tmp_path) -> None:
    db, ro = connect(tmp_path / "fresh.db")
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    apply_migrations(db, ro)
    first_tx = [s for s in statements if s.split()[0].upper() == "BEGIN"]
    assert first_tx == ["BEGIN IMMEDIATE"]
    assert statements.index("BEGIN IMMEDIATE") < next(i for i, s in enumerate(statements) if s.startswith("CREATE"))


def test_read_only_file_clear_error_nothing_lost(tmp_path) -> None:
    store = open_store(tmp_path)
    saved = [store.add_entry("general", f"kept {i}", LI).seq for i in range(3)]
    store.close()
    path = tmp_path / "floor.db"
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP)
    try:
        ro = open_store(tmp_path)
        assert ro.read_only
        with pytest.raises(ReadOnlyStore, match="read-only"):
            ro.add_entry("general", "cannot go in", LI)
        with pytest.raises(ReadOnlyStore):
            ro.claim_escalation(1, LI)
        assert [e.seq for e in ro.list_entries()] == saved
        assert ro.verify().ok
        ro.close()
    finally:
        os.chmod(path, 0o600)
    rw = open_store(tmp_path)
    assert [e.body for e in rw.list_entries()] == ["kept 0", "kept 1", "kept 2"]


def test_full_disk_clear_error_nothing_lost(tmp_path) -> None:
    store = open_store(tmp_path)
    saved = [store.add_entry("general", f"kept {i}", LI).seq for i in range(3)]
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow: a full disk
    with pytest.raises(StoreFull, match="NOT saved"):
        for _ in range(200):
            store.add_entry("general", "x" * 3000, LI)
    assert not store.conn.in_transaction
    head_when_full = store.head()
    with pytest.raises(StoreFull):
        store.add_entry("general", "y" * 3000, LI)
    assert store.head() == head_when_full  # the refused write left nothing
    assert [e.seq for e in store.list_entries()][:3] == saved
    assert store.verify().ok
    store.conn.execute("PRAGMA max_page_count = 1073741823")  # space freed
    assert store.add_entry("general", "after space was freed", LI).seq == head_when_full.seq + 1
    store.close()
    again = open_store(tmp_path)
    assert again.verify().ok and again.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
