import os
import sqlite3
import stat
import threading

import pytest
from test_store_helpers import LI, WANG, FakeClock, open_store

from floorconsole.store import (
    AlreadyClaimed,
    ComplaintDraft,
    HandoverItemDraft,
    NotFound,
    Store,
    StoreService,
    ValidationError,
)

SCORES = dict(service_language=5, attitude=4, tone=4, needs=3, composure=5)


def test_file_is_private_and_pragmas_set(tmp_path) -> None:
    store = open_store(tmp_path)
    assert stat.S_IMODE(os.stat(tmp_path / "floor.db").st_mode) == 0o600
    c = store.conn
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert c.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_log_chain_and_corrections(tmp_path) -> None:
    store = open_store(tmp_path)
    e1 = store.add_entry("equipment", "Headset at seat A3 broken", LI)
    e2 = store.correct_entry(e1.seq, "Headset at seat A4 broken (not A3)", WANG)
    assert (e1.seq, e2.seq) == (1, 2)
    assert e2.kind == "correction" and e2.refers_to == 1 and e2.prev_hash == e1.hash
    assert store.get_entry(1).body == "Headset at seat A3 broken"  # the original stays
    assert [e.seq for e in store.corrections_of(1)] == [2]
    assert store.head().seq == 2 and store.head().hash == e2.hash
    assert store.verify().ok
    with pytest.raises(ValidationError, match="unknown log kind"):
        store.add_entry("gossip", "x", LI)
    with pytest.raises(ValidationError, match="no log entry 99"):
        store.add_entry("general", "x", LI, refers_to=99)
    with pytest.raises(ValidationError, match="body is required"):
        store.add_entry("general", "   ", LI)
    with pytest.raises(ValidationError, match="card number"):
        store.add_entry("general", "customer gave 4111-1111-1111-1111", LI)
    assert store.head().seq == 2  # refused entries left no trace


def test_list_entries_by_shift(tmp_path) -> None:
    store = open_store(tmp_path)
    e = store.add_entry("notice", "New refund policy from today", LI)
    assert [x.seq for x in store.list_entries(shift=e.shift)] == [1]
    assert store.list_entries(shift="1999-01-01 day") == []
    assert store.current_shift_key(e.time) == e.shift


def test_handover_full_record(tmp_path) -> None:
    store = open_store(tmp_path, hmac_key_file=_key(tmp_path))
    old = store.add_entry("staffing", "Zhang swaps to evening tomorrow", LI)
    esc = store.raise_escalation("c9", "agent7", "billing", "refund refused", LI, caller="13800001111")
    store.ensure_shift("2026-11-23 day", "day", 1.0, 2.0, LI.name)
    again = store.ensure_shift("2026-11-23 day", "day", 5.0, 6.0, "someone else")
    assert again.supervisor == LI.name  # recorded once
    ho = store.create_handover(
        "2026-11-23 day",
        "2026-11-23 evening",
        [
            HandoverItemDraft(
                "follow-up", "Call back refund customer by 18:00", note="promised", source=f"escalation:{esc.id}"
            ),
            HandoverItemDraft("staffing", "", note="see entry", entry_seq=old.seq),
            HandoverItemDraft("equipment", "Printer 2 jammed"),
        ],
        LI,
        note="busy afternoon",
    )
    assert [i.entry.seq for i in ho.items] == [2, 1, 3]
    assert ho.head.seq == 3 and ho.head.hash == store.get_entry(3).hash and ho.head.hmac
    assert ho.is_open and [h.id for h in store.open_handovers()] == [ho.id]
    ho = store.acknowledge_item(ho.id, ho.items[0].id, WANG)
    ho = store.acknowledge_item(ho.id, ho.items[0].id, WANG)  # again: no duplicate
    ho = store.question_item(ho.id, ho.items[1].id, "Which evening, Tuesday?", WANG)
    assert [i.state for i in ho.items] == ["acknowledged", "questioned", "pending"]
    assert len(ho.items[0].events) == 1
    with pytest.raises(ValidationError, match="incoming supervisor"):
        store.receive_handover(ho.id, LI)
    ho = store.receive_handover(ho.id, WANG)
    assert ho.received.name == WANG.name and not ho.is_open and store.open_handovers() == []
    with pytest.raises(ValidationError, match="already received"):
        store.receive_handover(ho.id, WANG)
    full = store.get_handover(ho.id)
    assert full == ho and full.handed.name == LI.name
    assert full.items[1].questions[0].text == "Which evening, Tuesday?"
    assert [a.action for a in store.list_audit()] == ["handover.sign", "handover.receive"]
    with pytest.raises(NotFound):
        store.get_handover(99)
    with pytest.raises(NotFound):
        store.acknowledge_item(ho.id, 999, WANG)
    assert store.verify().ok


def _key(tmp_path):
    key = tmp_path / "anchor.key"
    key.write_bytes(os.urandom(32).hex().encode())
    key.chmod(0o600)
    return key


def test_patrol_praise_inspection(tmp_path) -> None:
    store = open_store(tmp_path)
    codes = {c.code: c for c in store.checklist()}
    note = store.add_patrol_note("agent3", LI, seat="B2", items=["uniform", "phone"], text="", follow_up=True)
    assert note.deduction_total == codes["uniform"].deduction + codes["phone"].deduction
    assert [n.id for n in store.list_patrol_notes(follow_up_only=True)] == [note.id]
    with pytest.raises(ValidationError, match="unknown checklist item"):
        store.add_patrol_note("agent3", LI, items=["nonsense"])
    with pytest.raises(ValidationError, match="at least one"):
        store.add_patrol_note("agent3", LI)
    p = store.add_praise("agent3", "Calmed a caller about a double charge", "Explained the refund steps clearly", LI)
    assert store.list_praise(agent="agent3") == [p]
    for what, why in [
        ("good job", "Explained the refund steps clearly"),
        ("Helped a caller fix login", "great"),
        ("", "x"),
        ("很好", "表现很好"),
    ]:
        with pytest.raises(ValidationError):
            store.add_praise("agent3", what, why, LI)
    with pytest.raises(ValidationError):
        store.add_praise("", "Calmed a caller about a double charge", "Explained the refund steps", LI)
    i = store.add_inspection("agent3", "c77", SCORES, "good needs analysis", LI)
    assert i.total == 21 and store.list_inspections("agent3") == [i]
    with pytest.raises(ValidationError, match="1 to 5"):
        store.add_inspection("agent3", "c77", {**SCORES, "tone": 6}, "", LI)
    with pytest.raises(ValidationError, match="missing"):
        store.add_inspection("agent3", "c77", {"tone": 3}, "", LI)


def test_escalations_lifecycle(tmp_path) -> None:
    store = open_store(tmp_path)
    e = store.raise_escalation(
        "c1", "agent1", "sales", "insists on supervisor", LI, caller="13812345678", priority=1, event_key="feed:42"
    )
    assert e.caller_masked == "•••••••5678" and e.source == "feed" and e.status == "open"
    assert "13812345678" not in repr(e)
    again = store.raise_escalation("c1", "agent1", "sales", "insists on supervisor", WANG, event_key="feed:42")
    assert again.id == e.id and store.conn.execute("SELECT count(*) FROM escalations").fetchone()[0] == 1
    with pytest.raises(ValidationError, match="priority"):
        store.raise_escalation("c2", "a", "q", "r", LI, priority=4)
    assert store.claim_escalation(e.id, LI).claimed_by == LI.name
    with pytest.raises(AlreadyClaimed) as info:
        store.claim_escalation(e.id, WANG)
    assert info.value.by == LI.name and "already taken by Li Na" in str(info.value)
    with pytest.raises(AlreadyClaimed):
        store.resolve_escalation(e.id, "resolved", WANG)
    with pytest.raises(ValidationError, match="due time"):
        store.resolve_escalation(e.id, "callback", LI)
    r = store.resolve_escalation(e.id, "callback", LI, due=e.raised_at + 3600, note="will check refund")
    assert r.status == "callback" and r.due == e.raised_at + 3600
    fus = store.list_follow_ups()
    assert len(fus) == 1 and fus[0].escalation_id == e.id
    with pytest.raises(ValidationError, match="already has an outcome"):
        store.resolve_escalation(e.id, "resolved", LI)
    done = store.complete_follow_up(fus[0].id, LI, "called back, refund confirmed")
    assert done.done.name == LI.name and store.list_follow_ups() == []
    with pytest.raises(ValidationError, match="already marked done"):
        store.complete_follow_up(fus[0].id, LI)
    e2 = store.raise_escalation("c2", "agent1", "sales", "wants manager", WANG)
    r2 = store.resolve_escalation(e2.id, "referred", WANG, department="Billing")  # claims it too
    assert r2.claimed_by == WANG.name and r2.department == "Billing"
    with pytest.raises(ValidationError, match="department"):
        store.resolve_escalation(store.raise_escalation("c3", "a", "q", "r", LI).id, "referred", LI)
    assert [x.id for x in store.list_escalations()] == [3]
    assert len(store.list_escalations(include_closed=True)) == 3
    assert store.escalation_counts_by_agent() == {"a": 1, "agent1": 2}
    with pytest.raises(ValidationError):
        store.reveal_caller(e.id, "  ", LI)
    assert store.reveal_caller(e.id, "calling the customer back", LI) == "13812345678"
    reveal = store.list_audit(action="escalation.reveal")[0]
    assert (reveal.actor, reveal.os_user, reveal.terminal, reveal.detail) == (
        LI.name,
        "lina",
        "pts/1",
        "calling the customer back",
    )
    c = store.record_complaint(
        ComplaintDraft(
            problem="Kettle leaks",
            wants="Replacement",
            customer_name="Ms Zhao",
            phone="13900002222",
            product="K-200",
            batch_number="B77",
            company_at_fault=False,
            apology_given=False,
        ),
        LI,
        e.id,
    )
    assert c.phone_masked.endswith("2222") and "13900002222" not in repr(c)
    assert store.list_complaints(escalation_id=e.id) == [c]
    with pytest.raises(ValidationError, match="what the customer wants"):
        store.record_complaint(ComplaintDraft(problem="x", wants="", company_at_fault=False, apology_given=False), LI)
    assert store.verify().ok


def test_data_version_changes_on_any_commit(tmp_path) -> None:
    a = open_store(tmp_path)
    b = open_store(tmp_path)
    va, vb = a.data_version(), b.data_version()
    assert a.data_version() == va  # stable without changes
    a.add_entry("general", "one", LI)
    assert a.data_version() != va and b.data_version() != vb


def test_service_runs_on_its_own_thread(tmp_path) -> None:
    with StoreService(tmp_path / "svc.db", clock=FakeClock()) as svc:
        fut = svc.submit(Store.add_entry, "notice", "via service", LI)
        assert fut.result(10).seq == 1
        tid = svc.call(lambda store: threading.get_ident())
        assert tid != threading.get_ident()
        with pytest.raises(ValidationError):
            svc.call(Store.add_entry, "bogus", "x", LI)
        with pytest.raises(TypeError):
            svc.submit("head")  # a name: refused
    with pytest.raises(RuntimeError):
        svc.submit(Store.head)


def test_store_refuses_other_threads(tmp_path) -> None:
    store = open_store(tmp_path)
    errors = []
    t = threading.Thread(target=lambda: _try(store, errors))
    t.start()
    t.join()
    assert errors and isinstance(errors[0], sqlite3.ProgrammingError)


def _try(store, errors) -> None:
    try:
        store.head()
    except Exception as exc:  # noqa: BLE001
        errors.append(exc)


def test_archive_exports_and_deletes_nothing(tmp_path) -> None:
    from floorconsole.store import verify_archive

    store = open_store(tmp_path)
    for i in range(5):
        store.add_entry("general", f"entry {i}", LI)
    store.add_patrol_note("agent1", LI, items=["uniform"])
    cutoff = store.get_entry(4).time
    res = store.archive(cutoff, tmp_path / "old.json", LI)
    assert res.counts["entries"] == 3 and res.head.seq == 3
    assert stat.S_IMODE(os.stat(tmp_path / "old.json").st_mode) == 0o600
    assert verify_archive(tmp_path / "old.json") == []
    assert len(store.list_entries()) == 5  # nothing deleted
    assert store.list_audit(action="archive.export")[0].target == str(tmp_path / "old.json")
    with pytest.raises(ValidationError, match="already exists"):
        store.archive(cutoff, tmp_path / "old.json", LI)
    text = (tmp_path / "old.json").read_text().replace("entry 1", "entry X")
    (tmp_path / "tampered.json").write_text(text)
    assert verify_archive(tmp_path / "tampered.json")


def test_outcome_and_complaint_are_saved_together_or_not_at_all(tmp_path) -> None:
    store = open_store(tmp_path)
    e = store.raise_escalation("c1", "agent1", "sales", "refund dispute", LI, caller="13812345678")
    draft = ComplaintDraft(
        customer_name="Mr Liu",
        problem="charged twice",
        wants="refund",
        company_at_fault=True,
        apology_given=True,
        reported_to="Manager Wang",
    )
    with pytest.raises(ValidationError, match="due time"):
        store.resolve_escalation(e.id, "callback", LI, complaint=draft)  # no due time: refused
    assert store.list_complaints(escalation_id=e.id) == []  # ...and no stray complaint either
    done = store.resolve_escalation(e.id, "callback", LI, due=e.raised_at + 3600, complaint=draft)
    assert done.outcome == "callback"
    assert [c.customer_name for c in store.list_complaints(escalation_id=e.id)] == ["Mr Liu"]
