"""What a supervisor sees in each form at 80x24 (pytest-textual-snapshot).

Fixed data and a fixed clock: nothing on screen depends on the wall clock. Update with
`pytest tests/test_form_snapshots.py --snapshot-update` after checking the SVGs by eye.
"""

from __future__ import annotations

from pathlib import Path

from test_forms import ME, OTHER, SEAT, Host, _raise, clock, db, read, service, settle, type_into  # noqa: F401 - the same fixtures: a real SQLite file
from textual.pilot import Pilot

from floorconsole.checklist import load_checklist
from screens.forms import (
    CorrectionForm,
    EscalationForm,
    HelpScreen,
    InspectionForm,
    LogEntryForm,
    PatrolForm,
    PraiseForm,
    TakeoverScreen,
)

SIZE = (80, 24)


async def _settled(pilot: Pilot) -> None:
    await settle(pilot, pilot.app)


def test_patrol_form(snap_compare, service) -> None:  # noqa: F811 - db/service are test_forms' fixtures, imported above
    async def tick(pilot: Pilot) -> None:
        await _settled(pilot)
        await pilot.press("space", "down", "down", "down", "space")

    form = lambda: PatrolForm(service, ME, SEAT, load_checklist(), "2026-11-23 day")  # noqa: E731
    assert snap_compare(Host(form), terminal_size=SIZE, run_before=tick)


def test_praise_form_vague(snap_compare, service) -> None:  # noqa: F811 - db/service are test_forms' fixtures, imported above
    async def vague(pilot: Pilot) -> None:
        await _settled(pilot)
        await type_into(pilot, "#what", "Good job!")
        await pilot.press("ctrl+s")
        await _settled(pilot)

    assert snap_compare(Host(lambda: PraiseForm(service, ME, SEAT)), terminal_size=SIZE, run_before=vague)


def test_inspection_form(snap_compare, service) -> None:  # noqa: F811 - db/service are test_forms' fixtures, imported above
    form = lambda: InspectionForm(service, ME, SEAT, call_id="1700000000.42")  # noqa: E731
    assert snap_compare(Host(form), terminal_size=SIZE, run_before=_settled)


def test_escalation_form(snap_compare, service) -> None:  # noqa: F811 - db/service are test_forms' fixtures, imported above
    form = lambda: EscalationForm(service, ME, SEAT, queue="sales")  # noqa: E731
    assert snap_compare(Host(form), terminal_size=SIZE, run_before=_settled)


def test_log_entry_form(snap_compare, service) -> None:  # noqa: F811 - db/service are test_forms' fixtures, imported above
    async def markup(pilot: Pilot) -> None:
        await _settled(pilot)
        await type_into(pilot, "#body", "Headset at A-07 [bold]crackles[/bold]")

    assert snap_compare(Host(lambda: LogEntryForm(service, ME)), terminal_size=SIZE, run_before=markup)


def test_correction_form(snap_compare, service, db: Path) -> None:  # noqa: F811 - db/service are test_forms' fixtures, imported above
    original = read(db, lambda s: s.add_entry("staffing", "Chen swaps to [red]night[/red]", OTHER))
    assert snap_compare(Host(lambda: CorrectionForm(service, ME, original)), terminal_size=SIZE, run_before=_settled)


def test_takeover_claimed(snap_compare, service, db: Path) -> None:  # noqa: F811 - db/service are test_forms' fixtures, imported above
    esc_id = _raise(db)
    form = lambda: TakeoverScreen(service, ME, esc_id, clock=clock)  # noqa: E731
    assert snap_compare(Host(form), terminal_size=SIZE, run_before=_settled)


def test_takeover_already_taken(snap_compare, service, db: Path) -> None:  # noqa: F811 - db/service are test_forms' fixtures, imported above
    esc_id = _raise(db)
    read(db, lambda s: s.claim_escalation(esc_id, OTHER))
    form = lambda: TakeoverScreen(service, ME, esc_id, clock=clock)  # noqa: E731
    assert snap_compare(Host(form), terminal_size=SIZE, run_before=_settled)


def test_help_screen(snap_compare) -> None:
    bindings = [
        ("p", "patrol", "Patrol note on the selected seat"),
        ("g", "praise", "Praise"),
        ("i", "inspect", "Quality inspection"),
        ("t", "take_over", "Take over the selected escalation"),
        ("e", "escalate", "Record an escalation"),
        ("h", "log", "Duty log entry"),
        ("c", "correct", "Correct the selected entry"),
        ("question_mark", "help", "Keys"),
        ("q", "quit", "Quit"),
    ]
    assert snap_compare(Host(lambda: HelpScreen(bindings)), terminal_size=SIZE, run_before=_settled)
