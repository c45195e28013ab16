"""Pilot tests of every form in screens/forms: valid (the record is really in the SQLite
file, read back through a second Store), invalid (the reason is shown, nothing is written,
what was typed is still there) and cancel (nothing written). Real files, no mocks."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList, Static, TextArea

from floorconsole.checklist import load_checklist
from floorconsole.identity import Actor
from floorconsole.store import Store, StoreService
from screens.forms import (
    CorrectionForm,
    EscalationForm,
    HelpScreen,
    InspectionForm,
    LogEntryForm,
    PatrolForm,
    PraiseForm,
    SeatRef,
    TakeoverScreen,
)
from screens.forms.base import ConfirmLeave

# Fixed local time (10:00 on a day shift): screens and records never depend on the wall clock.
NOW = datetime(2026, 11, 23, 10, 0).timestamp()
ME = Actor("Lin Mei", "lin", "pts/1")
OTHER = Actor("Zhao Lei", "zhao", "pts/7")
SEAT = SeatRef("SIP/1001", "Wang Fang", "A-03")
CARD = "4111 1111 1111 1111"  # Luhn-valid test card number


def clock() -> float:
    return NOW


class Host(App[None]):
    """A bare app that pushes one form and keeps what it dismissed with."""

    def __init__(self, make: Callable[[], Any]) -> None:
        super().__init__()
        self.make = make
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.results.append)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "records.db"


@pytest.fixture
def service(db: Path):
    svc = StoreService(db, clock=clock)
    yield svc
    svc.close()


def read(db: Path, fn: Callable[[Store], Any]) -> Any:
    """Read back through a separate Store on the same file (what another console sees)."""
    store = Store(db, clock=clock)
    try:
        return fn(store)
    finally:
        store.close()


def drive(make: Callable[[], Any], steps: Callable[[Pilot, Host], Awaitable[None]]) -> Host:
    async def main() -> Host:
        app = Host(make)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await steps(pilot, app)
        return app

    return asyncio.run(main())


async def settle(pilot: Pilot, app: App) -> None:
    """Let a save worker's store round-trip finish."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def type_into(pilot: Pilot, selector: str, text: str, keys: int = 4) -> None:
    """Focus a field and type `text`: the last `keys` characters as real key presses (which
    go through `restrict`, max length, etc.), the rest inserted at the cursor to keep the
    suite fast on a shared machine."""
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    await pilot.pause()
    head, tail = text[: max(0, len(text) - keys)], text[max(0, len(text) - keys) :]
    if head:
        if isinstance(widget, TextArea):
            widget.insert(head)
        else:
            widget.insert_text_at_cursor(head)
    await pilot.press(*tail)


async def save(pilot: Pilot, app: App) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot, app)


def error_text(app: App) -> str:
    line = app.screen.query_one("#form-error", Static)
    return str(line.render()) if line.display else ""


def screen_text(app: App) -> str:
    """What a person sees on the terminal, as plain lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def value(app: App, selector: str) -> str:
    widget = app.screen.query_one(selector)
    return widget.text if isinstance(widget, TextArea) else widget.value


# -- patrol ------------------------------------------------------------------------------
def patrol(service: StoreService) -> PatrolForm:
    return PatrolForm(service, ME, SEAT, load_checklist(), "2026-11-23 day")


def test_patrol_valid_writes_note_with_findings(service, db) -> None:
    async def steps(pilot: Pilot, app: Host) -> None:
        checklist = app.screen.query_one("#checklist", SelectionList)
        checklist.focus()
        await pilot.press("space", "down", "down", "down", "space")  # uniform, phone
        assert "-3" in str(app.screen.query_one("#patrol-total", Static).render())
        await pilot.press("tab")  # keyboard order: checklist -> note
        assert app.screen.focused.id == "note"
        await type_into(pilot, "#note", "on phone at 09:55")
        await pilot.press("tab", "space")  # follow-up
        await save(pilot, app)

    app = drive(lambda: patrol(service), steps)
    notes = read(db, lambda s: s.list_patrol_notes())
    assert len(notes) == 1
    note = notes[0]
    assert [i.code for i in note.items] == ["uniform", "phone"]
    assert note.deduction_total == 3 and note.text == "on phone at 09:55" and note.follow_up
    assert note.agent == "SIP/1001" and note.seat == "A-03" and note.author == "Lin Mei"
    assert app.results == [note]


def test_patrol_empty_is_refused_and_card_number_refused_keeping_text(service, db) -> None:
    async def steps(pilot: Pilot, app: Host) -> None:
        await save(pilot, app)
        assert "at least one checklist item or write a note" in error_text(app)
        await type_into(pilot, "#note", f"card {CARD} on desk")
        await save(pilot, app)
        assert "payment card number" in error_text(app)
        assert value(app, "#note") == f"card {CARD} on desk"
        assert isinstance(app.screen, PatrolForm)

    app = drive(lambda: patrol(service), steps)
    assert read(db, lambda s: s.list_patrol_notes()) == []
    assert app.results == []


def test_patrol_escape_cancels_without_writing(service, db) -> None:
    async def steps(pilot: Pilot, app: Host) -> None:
        app.screen.query_one("#checklist").focus()
        await pilot.press("space")
        await type_into(pilot, "#note", "x")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmLeave)  # typed text: asks first
        await pilot.press("y")
        await pilot.pause()

    app = drive(lambda: patrol(service), steps)
    assert app.results == [None]
    assert read(db, lambda s: s.list_patrol_notes()) == []


# -- praise ------------------------------------------------------------------------------
WHAT = "calmed a caller refused a refund twice"
WHY = "kept the customer without an escalation"


def test_praise_valid(service, db) -> None:
    async def steps(pilot: Pilot, app: Host) -> None:
        await type_into(pilot, "#what", WHAT)
        await pilot.press("tab")
        assert app.screen.focused.id == "why"
        await type_into(pilot, "#why", WHY)
        await pilot.press("enter")  # Enter in a one-line field saves
        await settle(pilot, app)

    app = drive(lambda: PraiseForm(service, ME, SEAT), steps)
    praise = read(db, lambda s: s.list_praise())
    assert [(p.agent, p.what, p.why, p.author) for p in praise] == [("SIP/1001", WHAT, WHY, "Lin Mei")]
    assert app.results == praise


def test_praise_vague_is_refused_saying_why(service, db) -> None:
    async def steps(pilot: Pilot, app: Host) -> None:
        await type_into(pilot, "#what", "Good job!")
        await type_into(pilot, "#why", WHY)
        await save(pilot, app)
        assert "too vague" in error_text(app) and "Good job!" in error_text(app)
        assert app.screen.focused.id == "what"
        assert value(app, "#what") == "Good job!" and value(app, "#why") == WHY
        app.screen.query_one("#what", Input).value = ""
        await save(pilot, app)
        assert "What is required" in error_text(app)

    app = drive(lambda: PraiseForm(service, ME, SEAT), steps)
    assert read(db, lambda s: s.list_praise()) == [] and app.results == []


def test_praise_escape_cancels(service, db) -> None:
    async def steps(pilot: Pilot, app: Host) -> None:
        await type_into(pilot, "#what", WHAT)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmLeave)  # typed text: asks first
        await pilot.press("y")
        await pilot.pause()

    app = drive(lambda: PraiseForm(service, ME, SEAT), steps)
    assert app.results == [None] and read(db, lambda s: s.list_praise()) == []


# -- inspection --------------------------------------------------------------------------
def test_inspection_valid_keyboard_only(service, db) -> None:
    async def steps(pilot: Pilot, app: Host) -> None:
        assert app.screen.focused.id == "call-id"
        await pilot.press("tab", "5", "tab", "4", "tab", "9", "3", "tab", "4", "tab", "5", "tab")
        await type_into(pilot, "#comment", "clear and calm")
        await pilot.press("ctrl+s")
        await settle(pilot, app)

    app = drive(lambda: InspectionForm(service, ME, SEAT, call_id="1700000000.42"), steps)
    found = read(db, lambda s: s.list_inspections())
    assert len(found) == 1
    assert found[0].call_id == "1700000000.42" and found[0].comment == "clear and calm"
    # "9" is not a score: the field refused it and kept the 3.
    assert found[0].scores == {"service_language": 5, "attitude": 4, "tone": 3, "needs": 4, "composure": 5}
    assert app.results == found


def test_inspection_missing_scores_say_which(service, db) -> None:
    async def steps(pilot: Pilot, app: Host) -> None:
        await type_into(pilot, "#service_language", "4")
        await type_into(pilot, "#comment", "half done")
        await save(pilot, app)
        text = error_text(app)
        assert "Score 1–5 needed for: Attitude, Tone, Grasp of need, Adaptability 应变" in text
        assert value(app, "#service_language") == "4" and value(app, "#comment") == "half done"

    app = drive(lambda: InspectionForm(service, ME, SEAT, call_id="c-1"), steps)
    assert read(db, lambda s: s.list_inspections()) == [] and app.results == []


def test_inspection_escape_cancels(service, db) -> None:
    async def steps(pilot: Pilot, app: Host) -> None:
        await pilot.press("escape")
        await pilot.pause()

    app = drive(lambda: InspectionForm(service, ME, SEAT, call_id="c-1"), steps)
    assert app.results == [None] and read(db, lambda s: s.list_inspections()) == []


# -- escalation by hand ------------------------------------------------------------------
def test_escalation_valid_number_stored_masked(service, db) -> None:
    async def steps(pilot: Pilot, app: Host) -> None:
        await type_into(pilot, "#caller", "+86 138-0013-8000")
        await type_into(pilot, "#reason", "wants a refund today")
        app.screen.query_one("#priority", Input).value = ""
        await type_into(pilot, "#priority", "1")
        await save(pilot, app)

    app = drive(lambda: EscalationForm(service, ME, SEAT, queue="sales"), steps)
    found = read(db, lambda s: s.list_escalations())
    assert len(found) == 1
    esc = found[0]
    assert (esc.agent, esc.queue, esc.reason, esc.priority, esc.source) == (
        "SIP/1001",
        "sales",
        "wants a refund today",
        1,
        "manual",
    )
    assert esc.callid == "unknown"
    assert esc.caller_masked.endswith("8000") and "0013" not in esc.caller_masked
    assert app.results == found


def test_escalation_invalid_keeps_everything(service, db) -> None:
    async def steps(pilot: Pilot, app: Host) -> None:
        app.screen.query_one("#agent", Input).value = ""
        await type_into(pilot, "#caller", "12")
        await type_into(pilot, "#reason", "angry")
        app.screen.query_one("#priority", Input).value = ""
        await type_into(pilot, "#priority", "7")  # restricted to 1-3: refused as typed
        await save(pilot, app)
        text = error_text(app)
        assert "Agent is required" in text and "too short" in text and "Priority must be" in text
        assert value(app, "#reason") == "angry" and value(app, "#caller") == "12"

    app = drive(lambda: EscalationForm(service, ME, SEAT, queue="sales"), steps)
    assert read(db, lambda s: s.list_escalations()) == [] and app.results == []


def test_escalation_escape_cancels(service, db) -> None:
    async def steps(pilot: Pilot, app: Host) -> None:
        await type_into(pilot, "#reason", "x")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmLeave)  # typed text: asks first
        await pilot.press("y")
        await pilot.pause()

    app = drive(lambda: EscalationForm(service, ME, SEAT), steps)
    assert app.results == [None] and read(db, lambda s: s.list_escalations()) == []


# -- duty log and corrections ------------------------------------------------------------
def test_log_entry_valid_with_kind(service, db) -> None:
    async def steps(pilot: Pilot, app: Host) -> None:
        assert app.screen.focused.id == "body"  # `h` then typing writes the entry
        await pilot.press("shift+tab")
        assert app.screen.focused.id == "kind"
        await pilot.press("enter", "up", "up", "up", "enter")  # General -> Notice -> Staffing -> Equipment
        assert app.screen.query_one("#kind").value == "equipment"
        await type_into(pilot, "#body", "Headset at A-07 crackles [red]x[/red]")
        await pilot.press("enter")  # a newline in the body, not a save
        await pilot.press(*"Spare")
        await save(pilot, app)

    app = drive(lambda: LogEntryForm(service, ME), steps)
    entries = read(db, lambda s: s.list_entries())
    assert [(e.kind, e.body, e.author) for e in entries] == [
        ("equipment", "Headset at A-07 crackles [red]x[/red]\nSpare", "Lin Mei")
    ]
    assert app.results == entries


def test_log_entry_empty_and_card_refused(service, db) -> None:
    async def steps(pilot: Pilot, app: Host) -> None:
        await save(pilot, app)
        assert "Write the entry" in error_text(app)
        await type_into(pilot, "#body", f"customer read out {CARD}")
        await save(pilot, app)
        assert "payment card number" in error_text(app)
        assert value(app, "#body") == f"customer read out {CARD}"

    app = drive(lambda: LogEntryForm(service, ME), steps)
    assert read(db, lambda s: s.list_entries()) == [] and app.results == []


def test_log_entry_escape_cancels(service, db) -> None:
    async def steps(pilot: Pilot, app: Host) -> None:
        await type_into(pilot, "#body", "half a thought")
        app.screen.query_one("#kind").focus()
        await pilot.press("enter", "escape")  # Escape closes the open kind menu only
        assert isinstance(app.screen, LogEntryForm) and app.results == []
        assert value(app, "#body") == "half a thought"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmLeave)  # typed text: asks first
        await pilot.press("y")
        await pilot.pause()

    app = drive(lambda: LogEntryForm(service, ME), steps)
    assert app.results == [None] and read(db, lambda s: s.list_entries()) == []


def _original(db: Path):
    return read(db, lambda s: s.add_entry("staffing", "Chen swaps to night shift", OTHER))


def test_correction_writes_new_entry_referring_to_original(service, db) -> None:
    original = _original(db)

    async def steps(pilot: Pilot, app: Host) -> None:
        shown = str(app.screen.query_one("#original", Static).render())
        assert "Chen swaps to night shift" in shown and "Zhao Lei" in shown
        await type_into(pilot, "#body", "Chen swaps to the evening shift, not night")
        await save(pilot, app)

    app = drive(lambda: CorrectionForm(service, ME, original), steps)
    entries = read(db, lambda s: s.list_entries())
    assert entries[0] == original  # untouched
    assert len(entries) == 2
    assert entries[1].refers_to == original.seq and entries[1].kind == "correction"
    assert app.results == [entries[1]]


def test_correction_unchanged_refused_and_escape(service, db) -> None:
    original = _original(db)

    async def steps(pilot: Pilot, app: Host) -> None:
        await type_into(pilot, "#body", "Chen swaps to night shift")
        await save(pilot, app)
        assert "same as the original" in error_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmLeave)  # typed text: asks first
        await pilot.press("y")
        await pilot.pause()

    app = drive(lambda: CorrectionForm(service, ME, original), steps)
    assert app.results == [None]
    assert read(db, lambda s: s.list_entries()) == [original]


# -- take-over ---------------------------------------------------------------------------
def _raise(db: Path) -> int:
    esc = read(
        db,
        lambda s: s.raise_escalation(
            "1700000000.77",
            "SIP/1002",
            "billing",
            "double charged, wants supervisor",
            OTHER,
            caller="13800138000",
            priority=1,
            raised_at=NOW - 300,
        ),
    )
    return esc.id


async def _claimed(pilot: Pilot, app: App) -> None:
    await settle(pilot, app)
    assert "Taken by you" in str(app.screen.query_one("#claim-status", Static).render())


def test_takeover_claims_reveals_and_records_outcome_and_complaint(service, db) -> None:
    esc_id = _raise(db)

    async def steps(pilot: Pilot, app: Host) -> None:
        await _claimed(pilot, app)
        record = str(app.screen.query_one("#record", Static).render())
        assert "13800138000" in record and "double charged" in record
        assert value(app, "#c-phone") == "13800138000" and value(app, "#c-agent") == "SIP/1002"
        assert app.screen.focused.id == "outcome"
        await pilot.press("enter")  # "Resolved on the call"
        await type_into(pilot, "#c-product", "Router X2")
        await type_into(pilot, "#c-problem", "charged twice in May")
        await type_into(pilot, "#c-wants", "refund of one charge")
        await save(pilot, app)
        # a complaint says whether the company is at fault, the apology, reported to whom
        assert "is the company at fault" in error_text(app) and "apology" in error_text(app)
        assert read(db, lambda s: s.get_escalation(esc_id)).outcome is None
        app.screen.query_one("#c-fault").value = True
        app.screen.query_one("#c-apology").value = True
        await save(pilot, app)
        assert "reported upwards" in error_text(app)
        await type_into(pilot, "#c-reported", "Manager Wang")
        await save(pilot, app)

    app = drive(lambda: TakeoverScreen(service, ME, esc_id, clock=clock), steps)
    esc = read(db, lambda s: s.get_escalation(esc_id))
    assert (esc.claimed_by, esc.outcome, esc.outcome_by) == ("Lin Mei", "resolved", "Lin Mei")
    complaints = read(db, lambda s: s.list_complaints(escalation_id=esc_id))
    assert len(complaints) == 1
    c = complaints[0]
    assert (c.product, c.problem, c.wants, c.agent) == (
        "Router X2",
        "charged twice in May",
        "refund of one charge",
        "SIP/1002",
    )
    assert c.complaint_time == NOW - 300
    assert (c.company_at_fault, c.apology_given, c.reported_to) == (True, True, "Manager Wang")
    reveals = read(db, lambda s: s.list_audit(action="escalation.reveal"))
    assert [(a.actor, a.detail) for a in reveals] == [("Lin Mei", "take-over")]
    assert app.results == [{"escalation": esc, "complaint": c}]


def test_takeover_callback_due_must_be_future_and_referral_needs_department(service, db) -> None:
    esc_id = _raise(db)

    async def steps(pilot: Pilot, app: Host) -> None:
        await _claimed(pilot, app)
        await pilot.press("down", "enter")  # callback promised
        await save(pilot, app)
        assert "due time is required" in error_text(app)
        await type_into(pilot, "#due", "09:30")
        await save(pilot, app)
        assert "already passed" in error_text(app)
        assert value(app, "#due") == "09:30"
        app.screen.query_one("#outcome").focus()
        await pilot.press("down", "enter")  # referred
        await save(pilot, app)
        assert "name the department" in error_text(app)
        assert read(db, lambda s: s.get_escalation(esc_id)).outcome is None
        app.screen.query_one("#outcome").focus()
        await pilot.press("up", "enter")  # back to callback
        app.screen.query_one("#due", Input).value = ""
        await type_into(pilot, "#due", "+2h")
        await save(pilot, app)

    app = drive(lambda: TakeoverScreen(service, ME, esc_id, clock=clock), steps)
    esc = read(db, lambda s: s.get_escalation(esc_id))
    assert esc.outcome == "callback" and esc.due == NOW + 7200
    assert read(db, lambda s: s.list_complaints(escalation_id=esc_id)) == []
    assert app.results[0]["complaint"] is None


def test_takeover_complaint_with_card_number_refused_and_kept(service, db) -> None:
    esc_id = _raise(db)

    async def steps(pilot: Pilot, app: Host) -> None:
        await _claimed(pilot, app)
        await pilot.press("enter")
        await type_into(pilot, "#c-problem", f"paid with {CARD}")
        await type_into(pilot, "#c-wants", "refund")
        app.screen.query_one("#c-fault").value = False
        app.screen.query_one("#c-apology").value = False
        await save(pilot, app)
        assert "payment card number" in error_text(app)
        assert value(app, "#c-problem") == f"paid with {CARD}"

    drive(lambda: TakeoverScreen(service, ME, esc_id, clock=clock), steps)
    assert read(db, lambda s: s.list_complaints(escalation_id=esc_id)) == []
    assert read(db, lambda s: s.get_escalation(esc_id)).outcome is None


def test_takeover_already_taken_elsewhere_offers_nothing(service, db) -> None:
    esc_id = _raise(db)
    read(db, lambda s: s.claim_escalation(esc_id, OTHER))  # another console won the race

    async def steps(pilot: Pilot, app: Host) -> None:
        await settle(pilot, app)
        status = str(app.screen.query_one("#claim-status", Static).render())
        assert "Already taken by Zhao Lei at 10:00" in status
        assert not app.screen.query_one("#form-save").display
        assert not app.screen.query_one("#takeover").display
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        await pilot.press("escape")
        await pilot.pause()

    app = drive(lambda: TakeoverScreen(service, ME, esc_id, clock=clock), steps)
    assert app.results == [None]
    esc = read(db, lambda s: s.get_escalation(esc_id))
    assert esc.claimed_by == "Zhao Lei" and esc.outcome is None
    assert read(db, lambda s: s.list_audit(action="escalation.reveal")) == []


def test_takeover_escape_after_claim_writes_no_outcome(service, db) -> None:
    esc_id = _raise(db)

    async def steps(pilot: Pilot, app: Host) -> None:
        await _claimed(pilot, app)
        await type_into(pilot, "#c-problem", "x")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmLeave)  # typed text: asks first
        await pilot.press("y")
        await pilot.pause()

    app = drive(lambda: TakeoverScreen(service, ME, esc_id, clock=clock), steps)
    assert app.results == [None]
    esc = read(db, lambda s: s.get_escalation(esc_id))
    assert esc.claimed_by == "Lin Mei" and esc.outcome is None
    assert read(db, lambda s: s.list_complaints()) == []


# -- help --------------------------------------------------------------------------------
def test_help_lists_the_bindings_it_is_given() -> None:
    bindings = [("p", "patrol", "Patrol note"), ("question_mark", "help", "Help"), ("q,ctrl+q", "quit", "Quit")]

    async def steps(pilot: Pilot, app: Host) -> None:
        shown = screen_text(app)
        for words in ("Patrol note", "Help", "Quit"):
            assert words in shown
        await pilot.press("escape")
        await pilot.pause()

    app = drive(lambda: HelpScreen(bindings), steps)
    assert app.results == [None]


def test_log_entry_typed_straight_after_h_is_saved(service, db) -> None:
    async def steps(pilot: Pilot, app: Host) -> None:
        await pilot.press(*"Wall display B frozen")
        await save(pilot, app)

    drive(lambda: LogEntryForm(service, ME), steps)
    assert [(e.kind, e.body) for e in read(db, lambda s: s.list_entries())] == [("general", "Wall display B frozen")]
