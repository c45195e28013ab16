"""handover_gather: what is still open at shift end, read from a real SQLite store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from floorconsole.clock import ManualClock
from floorconsole.config import DEFAULT_SHIFTS
from floorconsole.handover_gather import (
    format_age,
    free_entry,
    gather,
    handover_shifts,
    item_origin,
    origins,
)
from floorconsole.identity import Actor
from floorconsole.store import Store

T0 = datetime(2026, 11, 23, 9, 0).timestamp()  # day shift 08:00-16:00
ME = Actor("Lin Mei", "lin", "pts/1")
NEXT = Actor("Zhao Lei", "zhao", "pts/7")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def store(tmp_path: Path, clock: ManualClock):
    s = Store(tmp_path / "r.db", clock=clock)
    yield s
    s.close()


def test_shifts_out_and_in() -> None:
    out, inc = handover_shifts(DEFAULT_SHIFTS, datetime(2026, 11, 23, 15, 50).timestamp())
    assert (out.key, inc.key) == ("2026-11-23 day", "2026-11-23 evening")
    out, inc = handover_shifts(DEFAULT_SHIFTS, datetime(2026, 11, 23, 23, 55).timestamp())
    assert (out.key, inc.key) == ("2026-11-23 evening", "2026-11-24 night")


def test_gathers_every_open_kind_grouped_oldest_first(store: Store, clock: ManualClock) -> None:
    shift, _ = handover_shifts(DEFAULT_SHIFTS, T0)
    # Escalations: one still open, one resolved (not carried), one with a callback promised.
    open_esc = store.raise_escalation("c-1", "SIP/1001", "sales", "wants a refund", ME, caller="+8613812345679")
    clock.t += 60
    done = store.raise_escalation("c-2", "SIP/1002", "sales", "rude agent", ME)
    store.resolve_escalation(done.id, "resolved", ME, note="apologised")
    clock.t += 60
    cb = store.raise_escalation("c-3", "SIP/1003", "support", "router broken", ME)
    store.resolve_escalation(cb.id, "callback", ME, due=T0 + 3 * 3600, note="call back with engineer slot")
    # Log entries of the shift: carried kinds only; a correction is noted on its entry.
    clock.t += 60
    eq = store.add_entry("equipment", "Headset 14 crackles", ME)
    store.correct_entry(eq.seq, "Headset 15 crackles, not 14", ME)
    clock.t += 60
    store.add_entry("general", "Quiet morning", ME)  # not carried
    store.add_entry("staffing", "Wang Fang swaps to evening on Friday", ME)
    notice = store.add_entry("notice", "New refund policy from Monday", ME)
    # A patrol finding flagged for follow-up, one not flagged.
    store.add_patrol_note("SIP/1004", ME, seat="A-04", items=["phone"], text="on personal phone", follow_up=True)
    store.add_patrol_note("SIP/1005", ME, items=["uniform"])
    clock.t += 60
    # A follow-up done (not carried) and one open.
    fu = store.add_follow_up("Send the form to Mr Li", T0 + 3600, ME)
    store.complete_follow_up(fu.id, ME)
    store.add_follow_up("Check the IVR message tomorrow", T0 + 20 * 3600, ME)

    got = gather(store, shift, now=T0 + 7 * 3600)
    kinds = [g.draft.kind for g in got]
    assert kinds == ["escalation", "follow-up", "follow-up", "equipment", "staffing", "notice", "patrol"]
    esc = got[0]
    assert esc.draft.source == f"escalation:{open_esc.id}" and esc.draft.entry_seq is None
    assert "8613812345679" not in esc.draft.body and open_esc.caller_masked in esc.draft.body
    assert esc.time == T0 and esc.owner == "Lin Mei"
    callback, plain = got[1], got[2]
    assert callback.draft.body.startswith(f"Callback for escalation #{cb.id}, due 2026-11-23 12:00 (OVERDUE)")
    assert "Check the IVR" in plain.draft.body and "OVERDUE" not in plain.draft.body
    equipment = got[3]
    assert equipment.draft.entry_seq == eq.seq and "Headset 15" in equipment.draft.note
    assert got[5].draft.entry_seq == notice.seq
    assert "SIP/1004" in got[6].draft.body and "A-04" in got[6].draft.body
    assert all(g.draft.body for g in got)

    # Signed: carried entries keep their seq, new ones are on the chain; origins come back.
    drafts = [g.draft for g in got] + [free_entry("general", "Printer out of toner", note="ordered")]
    ho = store.create_handover(shift.key, "2026-11-23 evening", drafts, ME)
    assert ho.items[3].entry.seq == eq.seq and ho.items[-1].note == "ordered"
    assert ho.head == store.head()
    origin = origins(store, ho.items)
    assert origin[ho.items[0].id] == (T0, "Lin Mei")
    assert item_origin(store, ho.items[-1]) == (ho.items[-1].entry.time, "Lin Mei")


def test_nothing_open_gives_nothing(store: Store) -> None:
    shift, _ = handover_shifts(DEFAULT_SHIFTS, T0)
    assert gather(store, shift, now=T0) == []


def test_other_shifts_entries_are_not_carried(store: Store, clock: ManualClock) -> None:
    store.add_entry("equipment", "Yesterday's projector", ME)
    clock.t += 86400
    shift, _ = handover_shifts(DEFAULT_SHIFTS, clock.t)
    assert gather(store, shift, clock.t) == []


@pytest.mark.parametrize(
    "s, text", [(5, "5s"), (125, "2m"), (3 * 3600 + 300, "3h05m"), (2 * 86400 + 4 * 3600, "2d04h")]
)
def test_age(s: float, text: str) -> None:
    assert format_age(s) == text


def test_agents_are_named_from_the_layout(store: Store, clock: ManualClock) -> None:
    """The incoming supervisor reads names, not interfaces: 'Wang Fang (SIP/1001)'."""
    from floorconsole.layout import FloorLayout, SeatPlace
    from floorconsole.shifts import shift_at_epoch

    layout = FloorLayout((SeatPlace("A01", "A", 1, "SIP/1001", "Wang Fang", ("sales",)),))
    store.raise_escalation("c-1", "SIP/1001", "sales", "wants a refund", ME)
    store.raise_escalation("c-2", "SIP/9999", "sales", "not on the layout", ME)
    store.add_patrol_note("SIP/1001", ME, seat="A01", items=["phone"], follow_up=True)
    shift = shift_at_epoch(DEFAULT_SHIFTS, clock())
    bodies = [g.draft.body for g in gather(store, shift, clock(), layout)]
    assert any("agent Wang Fang (SIP/1001)" in b for b in bodies)
    assert any("agent SIP/9999," in b for b in bodies)  # unknown agents stay as the feed wrote them
    assert any(b.startswith("Patrol finding on Wang Fang (SIP/1001) at seat A01") for b in bodies)
    assert all("Wang Fang" not in b for b in (g.draft.body for g in gather(store, shift, clock())))
